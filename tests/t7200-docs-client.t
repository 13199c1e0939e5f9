#!/bin/sh
# The docs run, client side: docs/server.md's sessions of "How users
# push" and "Editing the policy" are run as written, with the document's
# fingerprints replaced by the test's keys, and the hook's lines they
# show are compared with what the hook says.  The front does not matter
# to these commands; the server tests run the fronts' own blocks.

test_description='server.md: registering, editing the policy, as written'

. "$GITAPPS_SOURCE/tests/lib.sh"
. "$GITAPPS_SOURCE/tests/lib-servers.sh"

DOC_ALICE=C2EE61DFFE7513D60FEB9DB50A73A9D3D8D0F0EA
DOC_BOB=CFC212C3F69A9BE1235DB5E0F86116562C20A2C8

# the document's keys, fan-out directories first, as the test's
doc_keys () {
	set -- "$(echo $OWNER | cut -c1-2)" "$(echo $BOB | cut -c1-2)" &&
	echo "s|keys/C2/$DOC_ALICE|keys/$1/$OWNER|g" &&
	echo "s|keys/CF/$DOC_BOB|keys/$2/$BOB|g" &&
	echo "s/$DOC_ALICE/$OWNER/g" &&
	echo "s/$DOC_BOB/$BOB/g"
}

# run_doc <name>: run the commands of block <name> in the current
# directory, with the test's keys; their standard output in doc.out,
# errors in doc.err
run_doc () {
	doc_keys >"$SHARNESS_TRASH_DIRECTORY/keys.sed" &&
	doc_commands "$1" "$(sed -n 1p "$SHARNESS_TRASH_DIRECTORY/keys.sed")" \
		"$(sed -n 2p "$SHARNESS_TRASH_DIRECTORY/keys.sed")" \
		"$(sed -n 3p "$SHARNESS_TRASH_DIRECTORY/keys.sed")" \
		"$(sed -n 4p "$SHARNESS_TRASH_DIRECTORY/keys.sed")" \
		>"$SHARNESS_TRASH_DIRECTORY/doc.sh" &&
	sh -e "$SHARNESS_TRASH_DIRECTORY/doc.sh" \
		>"$SHARNESS_TRASH_DIRECTORY/doc.out" \
		2>"$SHARNESS_TRASH_DIRECTORY/doc.err"
}

# doc_shows <name>: the output block <name> shows, with the test's keys
doc_shows () {
	doc_keys >keys.sed &&
	doc_output "$1" | sed -f keys.sed
}

# remote_lines <file>: its "remote:" lines, commit ids made generic and
# without the blanks git's sideband pads them with
remote_lines () {
	sed -n -e 's/(commit [0-9a-f]\{12\})/(commit <id>)/' \
		-e 's/[[:space:]]*$//' -e '/^remote: /p' "$1"
}

# doc_remote_lines <name>: the same of the document's block <name>
doc_remote_lines () {
	doc_shows "$1" >doc.expect &&
	remote_lines doc.expect
}

test_expect_success 'setup: Alice owns the server, main has a commit' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(make_key "Alice <alice@example.com>") &&
	BOB=$(make_key "Bob <bob@example.com>") &&
	echo $OWNER >OWNER.id && echo $BOB >BOB.id &&
	setup_server server.git "$OWNER" &&
	git clone -q server.git alice 2>/dev/null &&
	(
		cd alice &&
		git config user.signingkey "$OWNER" &&
		echo hello >README &&
		git add README &&
		git commit -q -m first &&
		push_ok "$OWNER" origin HEAD:refs/heads/main
	)
'

test_expect_success 'a user sets up signing and registers, as "How users push" says' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(cat OWNER.id) BOB=$(cat BOB.id) &&
	git clone -q server.git bob 2>/dev/null &&
	(
		cd bob &&
		git config user.name Bob &&
		git config user.email bob@example.com &&
		run_doc user-config &&
		test "$(git config user.signingkey)" = "$BOB" &&
		run_doc register
	) &&
	doc_shows register | sed "/^To /,\$d" >expect &&
	sed -n "/^added /,/^push it with/p" doc.out >actual &&
	test_cmp expect actual &&
	git -C server.git cat-file -e \
		"refs/apps/access-control:keys/$(echo $BOB | cut -c1-2)/$BOB.asc"
'

test_expect_success 'then anyone may not move main: the hook says what the document shows' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(cat OWNER.id) BOB=$(cat BOB.id) &&
	before=$(git -C server.git rev-parse refs/heads/main) &&
	(
		cd bob &&
		echo change >>README &&
		git commit -q -am change &&
		test_must_fail run_doc anyone-denied
	) &&
	doc_remote_lines anyone-denied >expect &&
	test -s expect &&
	remote_lines doc.err >actual &&
	test_cmp expect actual &&
	ref_is server.git refs/heads/main $before
'

test_expect_success 'an owner edits the policy, as "Editing the policy" says' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(cat OWNER.id) BOB=$(cat BOB.id) &&
	before=$(git -C server.git rev-parse refs/apps/access-control) &&
	(cd alice && run_doc edit-policy) &&
	# lint and check print nothing (no problem, allowed): the one line
	# is git worktree'\''s
	! grep -v "^HEAD is now at " doc.out &&
	test "$(git -C server.git rev-parse refs/apps/access-control)" = \
		"$(git -C policy rev-parse HEAD)" &&
	test "$(git -C server.git rev-parse refs/apps/access-control~1)" = \
		"$before" &&
	git -C server.git show refs/apps/access-control:refs/team.conf >team &&
	grep "heads/\${user_id}/\.\*" team
'

test_expect_success 'after which Bob keeps a branch of his own' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(cat OWNER.id) BOB=$(cat BOB.id) &&
	(cd bob && run_doc own-branch) &&
	ref_is server.git refs/heads/$BOB/feature $(git -C bob rev-parse HEAD)
'

test_expect_success 'a policy that does not load is refused with the first error' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(cat OWNER.id) BOB=$(cat BOB.id) &&
	before=$(git -C server.git rev-parse refs/apps/access-control) &&
	(
		cd policy &&
		test $(wc -l <refs/team.conf) = 1 &&
		printf "# personal branches\nanyone modfy heads/x\n" \
			>>refs/team.conf &&
		git commit -qam typo &&
		test_must_fail push_as "$OWNER" origin \
			HEAD:refs/apps/access-control 2>../push.err
	) &&
	doc_remote_lines policy-not-loading >expect &&
	test -s expect &&
	remote_lines push.err >actual &&
	test_cmp expect actual &&
	ref_is server.git refs/apps/access-control $before
'

test_done
