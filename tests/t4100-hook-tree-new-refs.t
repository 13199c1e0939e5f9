#!/bin/sh

test_description='pre-receive: what new refs and commits are charged (SPEC 4)

A created ref is charged from its fork points, a commit merely in the
object store is new, a commit on another ref is judged by the rules of
the ref it is pushed to, and a pusher with every tree op on .* skips the
diff.  Every rejected push is checked for its exit status, the ref left
where it was and the exact denied: line; every attack has a twin that
gets in.'

. "$(dirname "$0")/lib.sh"
. "$SRC/tests/lib-hook.sh"

test_expect_success 'setup: an owner and Alice; main with docs/ src/' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(make_key "Owner <owner@example.com>") &&
	ALICE=$(make_key "Alice <alice@example.com>") &&
	setup_server server.git "$OWNER" &&
	base_policy $OWNER $ALICE &&
	rules refs/t.conf </dev/null &&
	set_policy &&
	git clone -q server.git client 2>/dev/null &&
	(
		cd client &&
		mkdir docs src &&
		echo readme >docs/README &&
		echo "int main;" >src/main.c &&
		git add . &&
		git commit -q -m start &&
		push_ok "$OWNER" origin HEAD:refs/heads/main
	) &&
	ref_is server.git refs/heads/main $(git -C client rev-parse HEAD)
'

test_expect_success 'a branch created at main plus a commit adding a forbidden path' '
	test_when_finished stop_gpg_agent &&
	rules refs/t.conf <<-\EOF &&
	anyone create-branch heads/docs-.*
	EOF
	cat >rules/branches/t.conf <<-EOF &&
	anyone create-file,modify docs/.*
	EOF
	set_policy &&
	(
		cd client &&
		fresh &&
		echo x >src/x && git add src/x && test_tick &&
		git commit -q -m "src/x" &&
		push_denied "$ALICE" origin HEAD:refs/heads/docs-1
	) &&
	ref_is server.git refs/heads/docs-1 none &&
	said "denied: $ALICE may not create-file src/x on heads/docs-1 (commit $(short client HEAD))"
'

test_expect_success '... its twin: a branch created at an existing commit is charged nothing' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		fresh &&
		push_ok "$ALICE" origin main:refs/heads/docs-2
	) &&
	ref_is server.git refs/heads/docs-2 $(git -C client rev-parse main)
'

test_expect_success 'a branch from main with new commits touching docs/ only (fork point)' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		fresh &&
		echo 3 >docs/three && git add docs/three && test_tick &&
		git commit -q -m three &&
		echo 4 >>docs/README && test_tick &&
		git commit -q -am four &&
		push_ok "$ALICE" origin HEAD:refs/heads/docs-3
	) &&
	ref_is server.git refs/heads/docs-3 $(git -C client rev-parse HEAD)
'

test_expect_success 'a commit merely in the object store is new, and charged' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		fresh &&
		echo secret >src/secret && git add src/secret && test_tick &&
		git commit -q -m secret &&
		push_ok "$OWNER" origin HEAD:refs/heads/tmp &&
		push_ok "$OWNER" origin :refs/heads/tmp &&
		git -C ../server.git cat-file -e HEAD &&
		push_denied "$ALICE" origin HEAD:refs/heads/docs-4
	) &&
	ref_is server.git refs/heads/docs-4 none &&
	said "denied: $ALICE may not create-file src/secret on heads/docs-4 (commit $(short client HEAD))"
'

test_expect_success 'off the allow-all fast path, 100 new files hit a cap of 50' '
	test_when_finished stop_gpg_agent &&
	git -C server.git config gitapps.maxTreeEntries 50 &&
	test_when_finished "git -C server.git config --unset gitapps.maxTreeEntries" &&
	rules refs/t.conf <<-\EOF &&
	anyone create-branch heads/x
	EOF
	cat >rules/branches/t.conf <<-EOF &&
	[heads/x]
	$ALICE create-directory,create-file,create-symlink,modify,delete .*
	EOF
	set_policy &&
	(
		cd client &&
		fresh &&
		mkdir many &&
		for i in $(seq 100)
		do
			echo $i >many/$i || exit 1
		done &&
		git add many &&
		test_tick &&
		git commit -q -m many &&
		push_denied "$ALICE" origin HEAD:refs/heads/x
	) &&
	ref_is server.git refs/heads/x none &&
	said "error: too many changed tree entries (gitapps.maxTreeEntries = 50)"
'

test_expect_success '... its twin: every tree op on .* for heads/x: the fast path accepts' '
	test_when_finished stop_gpg_agent &&
	git -C server.git config gitapps.maxTreeEntries 50 &&
	test_when_finished "git -C server.git config --unset gitapps.maxTreeEntries" &&
	cat >rules/branches/t.conf <<-EOF &&
	[heads/x]
	$ALICE create-directory,create-file,create-symlink,create-gitlink .*
	$ALICE modify,delete ^.*$
	EOF
	set_policy &&
	(
		cd client &&
		push_ok "$ALICE" origin HEAD:refs/heads/x
	) &&
	ref_is server.git refs/heads/x $(git -C client rev-parse HEAD)
'

test_expect_success 'a commit already on another ref is judged by this ref'"'"'s rules' '
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
		echo y >src/y && git add src/y && test_tick &&
		git commit -q -m "src/y, for a while" &&
		git rm -q src/y && test_tick &&
		git commit -q -m "no src/y" &&
		push_ok "$OWNER" origin HEAD:refs/heads/topic &&
		push_denied "$ALICE" origin HEAD:refs/heads/main
	) &&
	ref_is server.git refs/heads/main $(git -C client rev-parse HEAD~2) &&
	said "denied: $ALICE may not create-file src/y on heads/main (commit $(short client HEAD~1))"
'

test_expect_success '... its twin: the owner'"'"'s rules let the same commits in' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		push_ok "$OWNER" origin HEAD:refs/heads/main
	) &&
	ref_is server.git refs/heads/main $(git -C client rev-parse HEAD)
'

test_done
