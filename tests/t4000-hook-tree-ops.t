#!/bin/sh

test_description='pre-receive: the tree ops of every pushed commit (SPEC 4)

Alice and Bob may touch only parts of the tree; every rejected push is
checked for its exit status, the ref left where it was and the exact
denied: line; every attack has a twin that gets in.'

. "$(dirname "$0")/lib.sh"
. "$SRC/tests/lib-hook.sh"

# acl_check <args>...: git acl check run in the server repository, with
# the client's objects visible to it, as if pushed; nothing is written.
acl_check () {
	GIT_ALTERNATE_OBJECT_DIRECTORIES="$SHARNESS_TRASH_DIRECTORY/client/.git/objects" \
		git -C "$SHARNESS_TRASH_DIRECTORY/server.git" acl check "$@"
}

test_expect_success 'setup: an owner, Alice and Bob; main with docs/ src/' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(make_key "Owner <owner@example.com>") &&
	ALICE=$(make_key "Alice <alice@example.com>") &&
	BOB=$(make_key "Bob <bob@example.com>") &&
	setup_server server.git "$OWNER" &&
	base_policy $OWNER $ALICE $BOB &&
	rules refs/t.conf </dev/null &&
	set_policy &&
	git clone -q server.git client 2>/dev/null &&
	(
		cd client &&
		mkdir docs src alice bob &&
		echo readme >docs/README &&
		echo "int main;" >src/main.c &&
		echo a >alice/a &&
		echo b >bob/b &&
		git add . &&
		git commit -q -m start &&
		push_ok "$OWNER" origin HEAD:refs/heads/main
	) &&
	ref_is server.git refs/heads/main $(git -C client rev-parse HEAD)
'

test_expect_success 'a path outside the rules is denied (docs/ only, adds src/x)' '
	test_when_finished stop_gpg_agent &&
	rules refs/t.conf <<-\EOF &&
	anyone fast-forward heads/main
	EOF
	cat >rules/branches/t.conf <<-EOF &&
	$ALICE create-file,modify docs/.*
	EOF
	set_policy &&
	(
		cd client &&
		fresh &&
		echo x >src/x &&
		git add src/x &&
		test_tick &&
		git commit -q -m "src/x" &&
		test_expect_code 1 acl_check --as $ALICE \
			$(git rev-parse HEAD~1 HEAD) refs/heads/main >../check.out &&
		push_denied "$ALICE" origin HEAD:refs/heads/main
	) &&
	ref_is server.git refs/heads/main $(git -C client rev-parse HEAD~1) &&
	said "denied: $ALICE may not create-file src/x on heads/main (commit $(short client HEAD))" &&
	said "hint: no rule in branches/*.conf of refs/apps/access-control allows it" &&
	hook_lines >hook.out &&
	test_cmp hook.out check.out
'

test_expect_success '... its twin: a path inside the rules is accepted' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		fresh &&
		echo y >docs/y &&
		git add docs/y &&
		test_tick &&
		git commit -q -m "docs/y" &&
		acl_check --as $ALICE $(git rev-parse HEAD~1 HEAD) \
			refs/heads/main >../check.out &&
		push_ok "$ALICE" origin HEAD:refs/heads/main
	) &&
	test_must_be_empty check.out &&
	ref_is server.git refs/heads/main $(git -C client rev-parse HEAD)
'

test_expect_success 'git acl explain names the allowing rule, or what it consulted' '
	git -C server.git acl explain --as $ALICE create-file heads/main \
		docs/a >explain.out &&
	echo "allowed by branches/t.conf:1: docs/.*" >expect &&
	test_cmp expect explain.out &&
	test_expect_code 1 git -C server.git acl explain --as $ALICE \
		create-file heads/main src/a >explain.out &&
	cat >expect <<-\EOF &&
	denied: no rule allows it
	consulted: branches/owner.conf
	consulted: branches/t.conf
	EOF
	test_cmp expect explain.out
'

test_expect_success 'a file turned into a symlink under modify-only: delete + create-symlink' '
	test_when_finished stop_gpg_agent &&
	rules refs/t.conf <<-\EOF &&
	anyone fast-forward heads/main
	EOF
	cat >rules/branches/t.conf <<-EOF &&
	$ALICE modify docs/.*
	EOF
	set_policy &&
	(
		cd client &&
		fresh &&
		git rm -q docs/README &&
		ln -s ../src/main.c docs/README &&
		git add docs/README &&
		test_tick &&
		git commit -q -m "README is a symlink now" &&
		push_denied "$ALICE" origin HEAD:refs/heads/main
	) &&
	ref_is server.git refs/heads/main $(git -C client rev-parse HEAD~1) &&
	commit=$(short client HEAD) &&
	said "denied: $ALICE may not delete-file docs/README on heads/main (commit $commit)" &&
	said "denied: $ALICE may not create-symlink docs/README on heads/main (commit $commit)" &&
	! grep "may not modify" push.err
'

test_expect_success '... its twin: modify may change the file'"'"'s content' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		fresh &&
		echo more >>docs/README &&
		test_tick &&
		git commit -q -am "README grows" &&
		push_ok "$ALICE" origin HEAD:refs/heads/main
	) &&
	ref_is server.git refs/heads/main $(git -C client rev-parse HEAD)
'

# Two branches of Alice's, each adding a file under docs/, off main.
make_topics () {
	fresh &&
	git checkout -q -B one &&
	echo one >docs/one && git add docs/one && test_tick &&
	git commit -q -m one &&
	git checkout -q -B two main &&
	echo two >docs/two && git add docs/two && test_tick &&
	git commit -q -m two &&
	git checkout -q one
}

test_expect_success 'an evil merge: the merge itself adds a forbidden path' '
	test_when_finished stop_gpg_agent &&
	rules refs/t.conf <<-\EOF &&
	anyone fast-forward heads/main
	EOF
	cat >rules/branches/t.conf <<-EOF &&
	$ALICE create-file,modify,delete docs/.*
	EOF
	set_policy &&
	(
		cd client &&
		make_topics &&
		git merge -q --no-commit two &&
		echo evil >src/evil &&
		git add src/evil &&
		test_tick &&
		git commit -q -m "merge two" &&
		push_denied "$ALICE" origin HEAD:refs/heads/main
	) &&
	ref_is server.git refs/heads/main $(git -C client rev-parse main) &&
	said "denied: $ALICE may not create-file src/evil on heads/main (commit $(short client HEAD))" &&
	! grep "docs/" push.err
'

test_expect_success 'an evil merge undone by the next commit: the merge is charged' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		git rm -q src/evil &&
		test_tick &&
		git commit -q -m "no evil" &&
		push_denied "$ALICE" origin HEAD:refs/heads/main
	) &&
	ref_is server.git refs/heads/main $(git -C client rev-parse main) &&
	said "denied: $ALICE may not create-file src/evil on heads/main (commit $(short client HEAD~1))" &&
	said "denied: $ALICE may not delete-file src/evil on heads/main (commit $(short client HEAD))"
'

test_expect_success '... their twin: the clean merge of the two branches' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		make_topics &&
		test_tick &&
		git merge -q --no-edit two &&
		push_ok "$ALICE" origin HEAD:refs/heads/main
	) &&
	ref_is server.git refs/heads/main $(git -C client rev-parse HEAD)
'

test_expect_success 'a merge whose tree reverts another user'"'"'s files' '
	test_when_finished stop_gpg_agent &&
	rules refs/t.conf <<-\EOF &&
	anyone fast-forward heads/main
	EOF
	cat >rules/branches/t.conf <<-EOF &&
	$ALICE modify alice/.*
	$BOB modify bob/.*
	EOF
	set_policy &&
	(
		cd client &&
		fresh &&
		git checkout -q -B alice-work &&
		echo alice2 >alice/a && test_tick &&
		git commit -q -am "Alice, on the main she had" &&
		git checkout -q main &&
		echo bob2 >bob/b && test_tick &&
		git commit -q -am "Bob, meanwhile" &&
		push_ok "$BOB" origin HEAD:refs/heads/main &&
		test_tick &&
		revert=$(git commit-tree -p main -p alice-work -m "merge" \
			alice-work^{tree}) &&
		git update-ref refs/heads/revert $revert &&
		push_denied "$ALICE" origin revert:refs/heads/main
	) &&
	ref_is server.git refs/heads/main $(git -C client rev-parse main) &&
	said "denied: $ALICE may not modify bob/b on heads/main (commit $(short client revert))" &&
	! grep "alice/a" push.err
'

test_expect_success '... its twin: the real merge keeps Bob'"'"'s change' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		git checkout -q alice-work &&
		test_tick &&
		git merge -q --no-edit main &&
		echo bob2 >expect && test_cmp expect bob/b &&
		push_ok "$ALICE" origin HEAD:refs/heads/main
	) &&
	ref_is server.git refs/heads/main $(git -C client rev-parse HEAD)
'

test_expect_success 'a forbidden change made and undone: history names the first commit' '
	test_when_finished stop_gpg_agent &&
	rules refs/t.conf <<-\EOF &&
	anyone fast-forward heads/main
	EOF
	cat >rules/branches/t.conf <<-EOF &&
	$ALICE create-file,modify,delete docs/.*
	EOF
	set_policy &&
	(
		cd client &&
		fresh &&
		echo x >src/x && git add src/x && test_tick &&
		git commit -q -m "src/x" &&
		git rm -q src/x && test_tick &&
		git commit -q -m "no src/x" &&
		git diff --quiet HEAD~2 HEAD &&
		test_expect_code 1 acl_check --as $ALICE \
			$(git rev-parse HEAD~2 HEAD) refs/heads/main >../check.out &&
		push_denied "$ALICE" origin HEAD:refs/heads/main
	) &&
	ref_is server.git refs/heads/main $(git -C client rev-parse HEAD~2) &&
	said "denied: $ALICE may not create-file src/x on heads/main (commit $(short client HEAD~1))" &&
	said "denied: $ALICE may not delete-file src/x on heads/main (commit $(short client HEAD))" &&
	hook_lines >hook.out &&
	test_cmp hook.out check.out
'

test_expect_success '... its twin: the same under docs/ is accepted' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		fresh &&
		echo x >docs/x && git add docs/x && test_tick &&
		git commit -q -m "docs/x" &&
		git rm -q docs/x && test_tick &&
		git commit -q -m "no docs/x" &&
		acl_check --as $ALICE $(git rev-parse HEAD~2 HEAD) \
			refs/heads/main >../check.out &&
		push_ok "$ALICE" origin HEAD:refs/heads/main
	) &&
	test_must_be_empty check.out &&
	ref_is server.git refs/heads/main $(git -C client rev-parse HEAD)
'

test_done
