#!/bin/sh

test_description='pre-receive: the fsck messages the fast path relies on (issue 13, finding 5)

An allow-all ref takes no tree operations (SPEC 4): tree entries there
are git'\''s fsck to check.  git reads receive.fsck.* from every config
level and the hook from the repository'\''s only, so `git acl init` pins
them to error there; with one lowered, a .GIT entry landed on an
allow-all ref while the hook rejects it everywhere else.'

. "$(dirname "$0")/lib.sh"
. "$SRC/tests/lib-hook.sh"

# dotgit_commit: in the client, a commit on top of HEAD whose tree holds
# .GIT/config (git'\''s is_hfs_dotgit and is_ntfs_dotgit fold it to .git)
dotgit_commit () {
	blob=$(echo "[core] evil" | git hash-object -w --stdin) &&
	inner=$(printf "100644 blob %s\tconfig\n" $blob | git mktree) &&
	readme=$(git rev-parse HEAD:README) &&
	tree=$(printf "040000 tree %s\t.GIT\n100644 blob %s\tREADME\n" \
		$inner $readme | git mktree) &&
	test_tick &&
	git commit-tree -p HEAD -m dotgit $tree
}

test_expect_success 'setup: an owner, a server, main' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(make_key "Owner <owner@example.com>") &&
	echo $OWNER >owner.id &&
	setup_server server.git "$OWNER" &&
	git init -q client &&
	(
		cd client &&
		git remote add origin ../server.git &&
		echo hello >README &&
		git add README &&
		test_tick &&
		git commit -q -m first &&
		push_ok "$OWNER" origin HEAD:refs/heads/main &&
		dotgit_commit >../dotgit.id
	) &&
	test "$(git -C server.git config receive.fsck.hasDotgit)" = error
'

test_expect_success 'a lowered fsck message in the repository rejects every push' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(cat owner.id) &&
	git -C server.git config receive.fsck.hasDotgit ignore &&
	test_when_finished "git -C server.git config receive.fsck.hasDotgit error" &&
	(
		cd client &&
		push_denied "$OWNER" origin $(cat ../dotgit.id):refs/heads/evil
	) &&
	said "error: receive.fsck.hasDotgit is not '\''error'\'' in the repository'\''s config: every push is rejected (ask the admin to run '\''git acl upgrade'\'')" &&
	ref_is server.git refs/heads/evil none
'

test_expect_success 'a pin missing altogether does the same' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(cat owner.id) &&
	git -C server.git config --unset receive.fsck.treeNotSorted &&
	test_when_finished "git -C server.git config receive.fsck.treeNotSorted error" &&
	(
		cd client &&
		push_denied "$OWNER" origin HEAD:refs/heads/other
	) &&
	said "error: receive.fsck.treeNotSorted is not '\''error'\'' in the repository'\''s config: every push is rejected (ask the admin to run '\''git acl upgrade'\'')" &&
	ref_is server.git refs/heads/other none
'

test_expect_success '... their twin: pinned, git itself refuses the .GIT tree' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(cat owner.id) &&
	(
		cd client &&
		test_must_fail push_as "$OWNER" origin \
			$(cat ../dotgit.id):refs/heads/evil >../push.out 2>../push.err
	) &&
	grep -i "hasDotgit" push.err &&
	ref_is server.git refs/heads/evil none &&
	(
		cd client &&
		push_ok "$OWNER" origin HEAD:refs/heads/other
	)
'

# A skipList tells git'\''s fsck to skip objects; the fast path would then
# check nothing.  The hook takes no fast path while one is set.
test_expect_success 'with a skipList set, the hook checks the trees itself' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(cat owner.id) &&
	git -C client rev-parse $(cat dotgit.id)^{tree} $(cat dotgit.id) \
		$(git -C client rev-parse $(cat dotgit.id)^{tree}:.GIT) \
		>server.git/skip &&
	git -C server.git config receive.fsck.skipList "$PWD/server.git/skip" &&
	test_when_finished "git -C server.git config --unset receive.fsck.skipList" &&
	(
		cd client &&
		push_denied "$OWNER" origin $(cat ../dotgit.id):refs/heads/evil
	) &&
	grep "error: invalid tree $(git -C client rev-parse $(cat dotgit.id)^{tree})" push.err &&
	ref_is server.git refs/heads/evil none
'

test_done
