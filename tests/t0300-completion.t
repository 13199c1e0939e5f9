#!/bin/sh

test_description='bash completion of git acl and git mr through git'"'"'s own'

. "$(dirname "$0")/lib.sh"

GIT_COMPLETION=/usr/share/bash-completion/completions/git
if test -r "$GIT_COMPLETION" && command -v bash >/dev/null
then
	test_set_prereq COMPLETION
fi

# complete <words>...: what bash would offer for the last word, one a line,
# with git's completion and ours loaded as bash-completion loads them.
complete () {
	bash -c '
		. "$1" && . "$2" && . "$3" && shift 3 &&
		COMP_WORDS=("$@") &&
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1)) &&
		COMP_LINE="$*" && COMP_POINT=${#COMP_LINE} &&
		COMPREPLY=() &&
		__git_wrap__git_main &&
		printf "%s\n" "${COMPREPLY[@]}" | sed "s/ *\$//"
	' complete "$GIT_COMPLETION" "$SRC/cli/git-mr.bash" \
		"$SRC/cli/git-acl.bash" "$@" 2>/dev/null
}

test_expect_success COMPLETION 'git mr <TAB> offers every subcommand' '
	complete git mr "" >out &&
	for c in init create update comment label close reopen merge list \
		show diff checkout search fetch approve unapprove
	do
		grep -x "$c" out || return 1
	done
'

test_expect_success COMPLETION 'git mr li<TAB> completes to list' '
	complete git mr li >out &&
	echo list >expect &&
	test_cmp expect out
'

test_expect_success COMPLETION 'options and their values complete' '
	complete git mr list --st >out &&
	grep -x -- "--state=" out &&
	complete git mr list --state=me >out &&
	echo merged >expect &&
	test_cmp expect out &&
	complete git mr merge --no >out &&
	grep -x -- "--not-latest" out &&
	grep -x -- "--no-ff" out
'

test_expect_success COMPLETION 'git acl <TAB> offers every subcommand' '
	complete git acl "" >out &&
	for c in init upgrade doctor keys ban unban lint check explain
	do
		grep -x "$c" out || return 1
	done &&
	complete git acl keys "" >out &&
	grep -x add out && grep -x list out && grep -x migrate out &&
	complete git acl ban --m >out &&
	grep -x -- "--message=" out &&
	complete git acl init --br >out &&
	grep -x -- "--branch=" out &&
	complete git acl init --sl >out &&
	grep -x -- "--slop=" out &&
	complete git acl doctor --f >out &&
	echo --fix >expect &&
	test_cmp expect out &&
	complete git acl doctor --a >out &&
	echo --all= >expect &&
	test_cmp expect out
'

test_done
