#!/bin/sh

test_description='git acl doctor: one line for each thing wrong with a server'

. "$(dirname "$0")/lib.sh"

# git acl init's hook, as init links it
HOOK=$(cd "$GITAPPS_BUILD/libexec/gitapps" && pwd -P)/pre-receive

test "$(id -u)" = 0 && test_set_prereq ROOT
# group- or world-writable directories are a problem doctor names
umask 022

# fresh <repo>: a healthy server made by git acl init
fresh () {
	rm -rf "$1" &&
	setup_server "$1" "$(cat "$SHARNESS_TRASH_DIRECTORY/owner.id")"
}

# doctor_says <repo> <line>: doctor finds exactly that one thing wrong
doctor_says () {
	test_expect_code 1 git acl doctor "$1" >out 2>err &&
	echo "$2" >expect &&
	test_cmp expect out &&
	! test -s err
}

# commit_rules <repo> <file> <text>: a policy of the default one with
# refs/<file> (or branches/<file>) holding text, on the policy ref
commit_rules () {
	rm -rf rules && mkdir -p rules &&
	cp -R "$DEFAULT_POLICY/refs" "$DEFAULT_POLICY/branches" rules/ &&
	printf "%s\n" "$3" >"rules/$2" &&
	(cd "$1" && commit_policy refs/apps/access-control ../rules >/dev/null)
}

test_expect_success 'setup: an owner key' '
	test_when_finished stop_gpg_agent &&
	make_key "Owner <owner@example.com>" >owner.id &&
	test -s owner.id
'

test_expect_success 'a repository set up by git acl init is healthy' '
	fresh r.git &&
	git acl doctor r.git >out 2>err &&
	! test -s out && ! test -s err
'

test_expect_success 'with no <repo>, the repository git finds' '
	(cd r.git && git acl doctor) >out 2>err &&
	! test -s out && ! test -s err &&
	git config --file r.git/config --unset receive.certNonceSlop &&
	(cd r.git && test_expect_code 1 git acl doctor) >out &&
	echo "$PWD/r.git: receive.certNonceSlop is not set: the hook rejects every push: run '\''git acl upgrade $PWD/r.git'\''" >expect &&
	test_cmp expect out
'

test_expect_success 'no hook' '
	fresh r.git &&
	rm r.git/hooks/pre-receive &&
	doctor_says r.git "r.git: hooks/pre-receive is missing: git accepts every push unchecked: run '\''git acl doctor --fix r.git'\''"
'

test_expect_success 'a dangling hook link' '
	fresh r.git &&
	ln -sfn "$PWD/nowhere/pre-receive" r.git/hooks/pre-receive &&
	doctor_says r.git "r.git: hooks/pre-receive is a dangling link: git accepts every push unchecked: run '\''git acl doctor --fix r.git'\''"
'

test_expect_success 'a hook that is not executable' '
	fresh r.git &&
	rm r.git/hooks/pre-receive &&
	cp "$HOOK" r.git/hooks/pre-receive &&
	chmod a-x r.git/hooks/pre-receive &&
	doctor_says r.git "r.git: hooks/pre-receive is not executable: git accepts every push unchecked: run '\''chmod +x r.git/hooks/pre-receive'\''" &&
	chmod u+x r.git/hooks/pre-receive &&
	git acl doctor r.git
'

test_expect_success 'a hook that is not this build'\''s: a link, a copy' '
	fresh r.git &&
	ln -sfn /bin/true r.git/hooks/pre-receive &&
	doctor_says r.git "r.git: hooks/pre-receive is not this build'\''s hook: run '\''ln -sfn $HOOK r.git/hooks/pre-receive'\''" &&
	rm r.git/hooks/pre-receive &&
	cp "$HOOK" r.git/hooks/pre-receive &&
	echo >>r.git/hooks/pre-receive &&
	doctor_says r.git "r.git: hooks/pre-receive is not this build'\''s hook: run '\''ln -sfn $HOOK r.git/hooks/pre-receive'\''"
'

test_expect_success 'core.hooksPath, at any level' '
	fresh r.git &&
	test_when_finished "git config --global --unset core.hooksPath" &&
	git config --global core.hooksPath /tmp/nohooks &&
	doctor_says r.git "r.git: core.hooksPath is set (to '\''/tmp/nohooks'\''): git runs the hooks there, not hooks/pre-receive: unset it"
'

test_expect_success 'a plain git init --bare: every missing piece named' '
	rm -rf plain.git &&
	git init -q --bare plain.git &&
	test_expect_code 1 git acl doctor plain.git >out &&
	fix="git acl init --owner-key <file.asc> plain.git" &&
	cat >expect <<-EOF &&
	plain.git: hooks/pre-receive is missing: git accepts every push unchecked: run '\''git acl doctor --fix plain.git'\''
	plain.git: gitapps.owner is not set: the hook rejects every push: add one with '\''git config --file plain.git/config --add gitapps.owner <ID>'\''
	plain.git: receive.certNonceSeed is not set: git takes no signed push and the hook rejects every push: run '\''$fix'\''
	plain.git: receive.certNonceSlop is not set: the hook rejects every push: run '\''$fix'\''
	plain.git: receive.fsckObjects is not true: the hook rejects every push: run '\''$fix'\''
	plain.git: receive.fsck.hasDotgit is not '\''error'\'': the hook rejects every push: run '\''$fix'\''
	plain.git: refs/apps/access-control is missing: the hook rejects every push but an owner'\''s first policy: run '\''$fix'\''
	EOF
	test_cmp expect out
'

test_expect_success 'gitapps.owner unset, or not a user id' '
	fresh r.git &&
	git config --file r.git/config --unset-all gitapps.owner &&
	doctor_says r.git "r.git: gitapps.owner is not set: the hook rejects every push: add one with '\''git config --file r.git/config --add gitapps.owner <ID>'\''" &&
	git config --file r.git/config --add gitapps.owner "$(cat owner.id)" &&
	git config --file r.git/config --add gitapps.owner abc &&
	doctor_says r.git "r.git: gitapps.owner '\''abc'\'' is not a user id (40 upper-case hex digits): the hook rejects every push"
'

test_expect_success 'the nonce seed unset' '
	fresh r.git &&
	git config --file r.git/config --unset receive.certNonceSeed &&
	doctor_says r.git "r.git: receive.certNonceSeed is not set: git takes no signed push and the hook rejects every push: run '\''git acl upgrade r.git'\''"
'

test_expect_success 'the same nonce seed in two repositories: both named' '
	fresh r.git &&
	fresh s.git &&
	git acl doctor r.git s.git &&
	git config --file s.git/config receive.certNonceSeed \
		"$(git config --file r.git/config receive.certNonceSeed)" &&
	test_expect_code 1 git acl doctor r.git s.git >out &&
	echo "s.git: receive.certNonceSeed is the same as in r.git: a nonce issued by one is good at the other: give one a fresh seed (git-acl(1), SECURITY)" >expect &&
	test_cmp expect out &&
	git acl doctor r.git &&
	git acl doctor r.git r.git
'

test_expect_success 'the nonce slop missing, and over 300 seconds' '
	fresh r.git &&
	git config --file r.git/config --unset receive.certNonceSlop &&
	doctor_says r.git "r.git: receive.certNonceSlop is not set: the hook rejects every push: run '\''git acl upgrade r.git'\''" &&
	git config --file r.git/config receive.certNonceSlop 301 &&
	doctor_says r.git "r.git: receive.certNonceSlop is 301: a nonce stays good for more than 300 seconds: set it to 30" &&
	git config --file r.git/config receive.certNonceSlop 300 &&
	git acl doctor r.git
'

test_expect_success 'a setting that does not parse' '
	fresh r.git &&
	git config --file r.git/config gitapps.timeout soon &&
	doctor_says r.git "r.git: bad value for '\''gitapps.timeout'\'' in the repository'\''s config: the hook rejects every push"
'

test_expect_success 'receive.fsckObjects off' '
	fresh r.git &&
	git config --file r.git/config receive.fsckObjects false &&
	doctor_says r.git "r.git: receive.fsckObjects is not true: the hook rejects every push: run '\''git acl upgrade r.git'\''"
'

test_expect_success 'a pinned fsck message lowered' '
	fresh r.git &&
	git config --file r.git/config receive.fsck.hasDot warn &&
	doctor_says r.git "r.git: receive.fsck.hasDot is not '\''error'\'': the hook rejects every push: run '\''git acl upgrade r.git'\''"
'

test_expect_success 'a fsck skip list, at any level' '
	fresh r.git &&
	test_when_finished "git config --global --unset receive.fsck.skipList" &&
	git config --global receive.fsck.skipList "$PWD/skip" &&
	doctor_says r.git "r.git: receive.fsck.skipList is set: git lets the objects it lists in unchecked: unset it"
'

test_expect_success 'core.ignorecase' '
	fresh r.git &&
	git config --file r.git/config core.ignorecase true &&
	doctor_says r.git "r.git: core.ignorecase is true: ref names that differ only in case would alias protected refs: serve it from a case-sensitive file system"
'

test_expect_success 'the policy ref missing' '
	fresh r.git &&
	git -C r.git update-ref -d refs/apps/access-control &&
	doctor_says r.git "r.git: refs/apps/access-control is missing: the hook rejects every push but an owner'\''s first policy: run '\''git acl init --owner-key <file.asc> r.git'\''"
'

test_expect_success 'a policy that does not load: its first error' '
	fresh r.git &&
	commit_rules r.git refs/team.conf "owner modfy .*" &&
	doctor_says r.git "r.git: refs/apps/access-control does not load: refs/team.conf:1: unknown op '\''modfy'\'': the hook rejects every push but an owner'\''s repair: see '\''git acl lint'\''"
'

test_expect_success 'a policy without a base line: HEAD'\''s branch is taken' '
	fresh r.git &&
	commit_rules r.git refs/owner.conf "owner create-branch,create-tag,fast-forward,force,delete .*" &&
	doctor_says r.git "r.git: refs/apps/access-control has no base line: the branch HEAD names, '\''main'\'', is taken instead: run '\''git acl upgrade r.git'\'' and have an owner push its policy" &&
	git -C r.git symbolic-ref HEAD refs/tags/v1 &&
	doctor_says r.git "r.git: refs/apps/access-control has no base line: HEAD names no branch, so no branch is a base: run '\''git acl upgrade r.git'\'' and have an owner push its policy"
'

test_expect_success 'a repository writable by others, or its objects/ by its group' '
	fresh r.git &&
	chmod o+w r.git &&
	doctor_says r.git "r.git: the repository directory is writable by others: they can change the repository without a push: run '\''chmod go-w r.git'\''" &&
	chmod o-w r.git &&
	chmod g+w r.git/objects &&
	doctor_says r.git "r.git: objects/ is writable by its group: they can change the repository without a push: run '\''chmod go-w r.git/objects'\''"
'

test_expect_success '--all names exactly the broken repositories' '
	rm -rf srv outside &&
	mkdir -p srv/team srv/notes outside &&
	fresh srv/good.git &&
	fresh srv/team/hookless.git &&
	rm srv/team/hookless.git/hooks/pre-receive &&
	fresh srv/team/dangling.git &&
	ln -sfn "$PWD/nowhere" srv/team/dangling.git/hooks/pre-receive &&
	echo text >srv/notes/README &&
	git init -q srv/work &&
	git init -q --bare outside/plain.git &&
	ln -s "$PWD/outside" srv/elsewhere &&
	ln -s good.git srv/again.git &&
	test_expect_code 1 git acl doctor --all srv >out 2>err &&
	cat >expect <<-\EOF &&
	srv/team/dangling.git: hooks/pre-receive is a dangling link: git accepts every push unchecked: run '\''git acl doctor --fix srv/team/dangling.git'\''
	srv/team/hookless.git: hooks/pre-receive is missing: git accepts every push unchecked: run '\''git acl doctor --fix srv/team/hookless.git'\''
	EOF
	test_cmp expect out &&
	! test -s err
'

test_expect_success '--all exits 0 when every repository is healthy' '
	rm -rf srv2 && mkdir srv2 &&
	fresh srv2/a.git &&
	fresh srv2/b.git &&
	git acl doctor --all srv2 >out 2>err &&
	! test -s out && ! test -s err
'

test_expect_success '--fix relinks the hook and builds the key index, and no more' '
	fresh r.git &&
	rm r.git/hooks/pre-receive &&
	rm -rf r.git/gitapps/keyindex &&
	git config --file r.git/config --unset receive.certNonceSeed &&
	test_expect_code 1 git acl doctor --fix r.git >out &&
	cat >expect <<-EOF &&
	r.git: linked hooks/pre-receive to $HOOK
	r.git: built the key index of refs/apps/access-control
	r.git: receive.certNonceSeed is not set: git takes no signed push and the hook rejects every push: run '\''git acl upgrade r.git'\''
	EOF
	test_cmp expect out &&
	test "$(readlink r.git/hooks/pre-receive)" = "$HOOK" &&
	test -d r.git/gitapps/keyindex &&
	test_must_fail git config --file r.git/config receive.certNonceSeed &&
	ln -sfn "$PWD/nowhere" r.git/hooks/pre-receive &&
	git config --file r.git/config receive.certNonceSeed 0123 &&
	git acl doctor --fix r.git >out &&
	echo "r.git: linked hooks/pre-receive to $HOOK" >expect &&
	test_cmp expect out &&
	test "$(readlink r.git/hooks/pre-receive)" = "$HOOK"
'

test_expect_success '--fix leaves a hook that is not this build'\''s alone' '
	fresh r.git &&
	ln -sfn /bin/true r.git/hooks/pre-receive &&
	test_expect_code 1 git acl doctor --fix r.git >out &&
	test "$(readlink r.git/hooks/pre-receive)" = /bin/true
'

test_expect_success ROOT 'a repository of another account: a warning' '
	fresh r.git &&
	chown -R nobody r.git &&
	rm r.git/hooks/pre-receive &&
	test_expect_code 1 git acl doctor --fix r.git >out &&
	! grep linked out &&
	! test -e r.git/hooks/pre-receive &&
	ln -s "$HOOK" r.git/hooks/pre-receive &&
	git acl doctor r.git >out &&
	echo "r.git: warning: owned by nobody (uid $(id -u nobody)), not by you, root (uid 0): git refuses a repository owned by another account ('\''dubious ownership'\''): check it as the account that serves it" >expect &&
	test_cmp expect out
'

test_expect_success ROOT 'init warns when the repository is another account'\''s' '
	rm -rf theirs && mkdir theirs && chown nobody theirs &&
	git acl init --owner "$(cat owner.id)" theirs/r.git >out 2>err &&
	echo "warning: '\''theirs'\'' is owned by nobody (uid $(id -u nobody)), not by you, root (uid 0): the pushers, running git as that account, would be refused ('\''dubious ownership'\''): run '\''git acl init'\'' as that account" >expect &&
	test_cmp expect err &&
	rm -rf mine && mkdir mine &&
	git acl init --owner "$(cat owner.id)" mine/r.git >out 2>err &&
	! test -s err
'

test_expect_success 'usage and failures' '
	test_expect_code 129 git acl doctor --bogus &&
	test_expect_code 129 git acl doctor -h &&
	git acl doctor --help >out &&
	grep "^usage: git acl doctor" out &&
	mkdir -p notrepo &&
	test_expect_code 128 git acl doctor notrepo 2>err &&
	grep "fatal: '\''notrepo'\'' is not a git repository" err &&
	test_expect_code 128 git acl doctor --all nowhere 2>err &&
	grep "fatal: '\''nowhere'\'' is not a directory" err
'

test_done
