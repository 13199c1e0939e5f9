#!/bin/sh

test_description='git mr takes its messages from an editor, as git commit does

Without -m or -F, create and comment start the editor git would
(GIT_EDITOR, core.editor, VISUAL, EDITOR) on MR_EDITMSG in the git
directory, drop the lines starting with #, and stop on an empty message
without pushing anything.'

. "$(dirname "$0")/lib.sh"
. "$SRC/tests/lib-hook.sh"
. "$SRC/tests/lib-mr.sh"

# An "editor" that writes a fixed message over the template, keeping the
# template's # lines to show that they are dropped.
write_editor () {
	{
		echo "#!/bin/sh"
		echo "cp \"\$1\" \"$SHARNESS_TRASH_DIRECTORY/template\""
		echo "{ printf '%s\n' \"$1\"; cat \"\$1\"; } >\"\$1.new\" && mv \"\$1.new\" \"\$1\""
	} >editor &&
	chmod +x editor
}

test_expect_success 'setup' '
	test_when_finished stop_gpg_agent &&
	mr_setup &&
	topic bob feature f.txt one
'

test_expect_success 'create: the first line of the edited message is the title' '
	test_when_finished stop_gpg_agent &&
	write_editor "Edited title" &&
	(
		cd bob &&
		GIT_EDITOR="\"$SHARNESS_TRASH_DIRECTORY/editor\"" git mr create >../out
	) &&
	grep "^# The first line is the merge request" template &&
	test -f bob/.git/MR_EDITMSG &&
	echo "Edited title" >expect &&
	on_server merge-reqs/$BOB/1/title >actual &&
	test_cmp expect actual &&
	on_server merge-reqs/$BOB/1/comments/$BOB/1 >description &&
	! grep "^#" description
'

test_expect_success 'comment: core.editor is used, and # lines are dropped' '
	test_when_finished stop_gpg_agent &&
	write_editor "A comment from the editor" &&
	(
		cd alice &&
		git -c core.editor="\"$SHARNESS_TRASH_DIRECTORY/editor\"" \
			mr comment bob@example.com/1 >../out
	) &&
	on_server merge-reqs/$BOB/1/comments/$ALICE/1 >comment &&
	grep "^A comment from the editor\$" comment &&
	! grep "^#" comment
'

test_expect_success 'an empty message stops before anything is pushed' '
	test_when_finished stop_gpg_agent &&
	before=$(server_rev $DATA) &&
	(
		cd alice &&
		test_expect_code 128 env GIT_EDITOR=true \
			git mr comment bob@example.com/1 2>../err
	) &&
	grep "empty message; nothing done" err &&
	test "$(server_rev $DATA)" = "$before"
'

test_expect_success 'a failing editor stops before anything is pushed' '
	test_when_finished stop_gpg_agent &&
	before=$(server_rev $DATA) &&
	(
		cd alice &&
		test_expect_code 128 env GIT_EDITOR=false \
			git mr comment bob@example.com/1 2>../err
	) &&
	grep "the editor failed; nothing done" err &&
	test "$(server_rev $DATA)" = "$before"
'

test_done
