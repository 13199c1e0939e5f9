#!/bin/sh

test_description='pre-receive: base refs, and tree ops on tags (SPEC 4)

A created ref finds existing only the commits of base refs (`base` lines
of refs/*.conf; the default policy names heads/main).  Content pushed
where the pusher may write anything (a tag, a merge-request revision, a
personal branch) is no way to launder it into a narrower branch created
at the same commit.  A created ref is charged from its one fork point, so
a merge cannot bring back an old version of a file.  Tags get tree ops.
Every rejected push is checked for its exit status, the ref left where it
was and the exact denied: line; every attack has a twin that gets in.'

. "$(dirname "$0")/lib.sh"
. "$SRC/tests/lib-hook.sh"

ZERO=0000000000000000000000000000000000000000

# alice_rules [<extra tree rules>]: Alice creates heads/feature*, any tag,
# her personal branches heads/u/<her id>/...; she writes docs/ only,
# except where a section says more.
alice_rules () {
	rules refs/t.conf <<-\EOF &&
	anyone create-branch heads/feature.*
	anyone create-tag tags/.*
	anyone create-branch,fast-forward,force,delete heads/u/$user_id/.*
	EOF
	{
		echo "anyone create-directory,create-file,modify docs(/.*)?" &&
		echo "[heads/u/\$user_id/.*]" &&
		echo "anyone create-directory,create-file,create-symlink,create-gitlink,modify,delete .*" &&
		cat
	} >rules/branches/t.conf
}

# secret_commit: in the client, a commit on main adding secret/x
secret_commit () {
	fresh &&
	mkdir -p secret &&
	echo "$1" >secret/x &&
	git add secret/x &&
	test_tick &&
	git commit -q -m "secret $1"
}

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
		echo "v1" >src/main.c &&
		git add . &&
		test_tick &&
		git commit -q -m start &&
		echo "v2" >src/main.c &&
		test_tick &&
		git commit -q -am "main.c v2" &&
		push_ok "$OWNER" origin HEAD:refs/heads/main
	) &&
	ref_is server.git refs/heads/main $(git -C client rev-parse HEAD)
'

test_expect_success 'laundering through a tag: a branch created at a tagged commit is charged' '
	test_when_finished stop_gpg_agent &&
	alice_rules <<-EOF &&
	[tags/.*]
	$ALICE create-directory,create-file,create-symlink,create-gitlink,modify,delete .*
	EOF
	set_policy &&
	(
		cd client &&
		secret_commit tag &&
		git tag launder &&
		push_ok "$ALICE" origin refs/tags/launder &&
		push_denied "$ALICE" origin HEAD:refs/heads/feature
	) &&
	ref_is server.git refs/tags/launder $(git -C client rev-parse HEAD) &&
	ref_is server.git refs/heads/feature none &&
	said "denied: $ALICE may not create-file secret/x on heads/feature (commit $(short client HEAD))"
'

test_expect_success '... its twin: a branch created from main with docs/ only gets in' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		fresh &&
		echo more >>docs/README &&
		commit_all "docs" &&
		push_ok "$ALICE" origin HEAD:refs/heads/feature
	) &&
	ref_is server.git refs/heads/feature $(git -C client rev-parse HEAD)
'

test_expect_success 'laundering through a personal branch' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		secret_commit personal &&
		push_ok "$ALICE" origin HEAD:refs/heads/u/$ALICE/wip &&
		push_denied "$ALICE" origin HEAD:refs/heads/feature-2
	) &&
	ref_is server.git refs/heads/u/$ALICE/wip $(git -C client rev-parse HEAD) &&
	ref_is server.git refs/heads/feature-2 none &&
	said "denied: $ALICE may not create-file secret/x on heads/feature-2 (commit $(short client HEAD))"
'

test_expect_success 'laundering through a merge-request revision tag' '
	test_when_finished stop_gpg_agent &&
	alice_rules </dev/null &&
	cp -R "$MR_POLICY"/. rules/ &&
	set_policy &&
	(
		cd client &&
		secret_commit revision &&
		git tag -a -m "revision 1" rev1 &&
		push_ok "$ALICE" origin rev1:refs/apps/merge-reqs/$ALICE/1-v1 &&
		push_denied "$ALICE" origin HEAD:refs/heads/feature-3
	) &&
	ref_is server.git refs/apps/merge-reqs/$ALICE/1-v1 \
		$(git -C client rev-parse rev1) &&
	ref_is server.git refs/heads/feature-3 none &&
	said "denied: $ALICE may not create-file secret/x on heads/feature-3 (commit $(short client HEAD))"
'

test_expect_success 'a merge of a new and an old base commit cannot bring back an old file' '
	test_when_finished stop_gpg_agent &&
	alice_rules </dev/null &&
	set_policy &&
	(
		cd client &&
		fresh &&
		old=$(git rev-parse HEAD~1) &&
		tree=$(tree_with HEAD^{tree} 100644 src/main.c \
			$(git rev-parse $old:src/main.c)) &&
		test_tick &&
		merge=$(git commit-tree -p HEAD -p $old -m "merge old" $tree) &&
		git update-ref refs/heads/merge $merge &&
		push_denied "$ALICE" origin merge:refs/heads/feature-m
	) &&
	ref_is server.git refs/heads/feature-m none &&
	said "denied: $ALICE may not modify src/main.c on heads/feature-m (commit $(short client merge))"
'

test_expect_success '... its twin: a merge of the two that keeps main'"'"'s files gets in' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		old=$(git rev-parse HEAD~1) &&
		test_tick &&
		merge=$(git commit-tree -p HEAD -p $old -m "merge" HEAD^{tree}) &&
		git update-ref refs/heads/merge $merge &&
		push_ok "$ALICE" origin merge:refs/heads/feature-m
	) &&
	ref_is server.git refs/heads/feature-m $(git -C client rev-parse merge)
'

test_expect_success 'a tag adding secret/x, by a user whose rules forbid it' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		secret_commit in-a-tag &&
		git tag -a -m "a release" t1 &&
		push_denied "$ALICE" origin refs/tags/t1
	) &&
	ref_is server.git refs/tags/t1 none &&
	said "denied: $ALICE may not create-file secret/x on tags/t1 (commit $(short client HEAD))"
'

test_expect_success '... its twin: a tag of main, whose commits exist, gets in' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		fresh &&
		git tag -a -m "a release" t2 &&
		push_ok "$ALICE" origin refs/tags/t2
	) &&
	ref_is server.git refs/tags/t2 $(git -C client rev-parse t2)
'

test_expect_success 'a tag of a tree is denied: it does not peel to a commit' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		git tag -a -m "a tree" t3 HEAD^{tree} &&
		push_denied "$ALICE" origin refs/tags/t3
	) &&
	ref_is server.git refs/tags/t3 none &&
	said "denied: $ALICE may not create-tag tags/t3 (tag $(short client t3)): it is not a commit"
'

test_expect_success 'every tree op on .* for tags: a tag of anything gets in (fast path)' '
	test_when_finished stop_gpg_agent &&
	alice_rules <<-EOF &&
	[tags/.*]
	$ALICE create-directory,create-file,create-symlink,create-gitlink,modify,delete .*
	EOF
	set_policy &&
	(
		cd client &&
		secret_commit fast &&
		git tag t4 &&
		push_ok "$ALICE" origin refs/tags/t4
	) &&
	ref_is server.git refs/tags/t4 $(git -C client rev-parse HEAD)
'

test_expect_success 'git acl check in a clone: your own branches are not bases' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		git fetch -q origin +refs/apps/access-control:refs/apps/access-control &&
		secret_commit local &&
		git branch -f mine &&
		echo local >>docs/README &&
		commit_all "docs on top" &&
		test_expect_code 1 git acl check --owner $OWNER --as $ALICE \
			$ZERO HEAD refs/heads/feature-c >out &&
		grep "^denied: $ALICE may not create-file secret/x on heads/feature-c" out
	)
'

test_expect_success '... its twin: a branch from origin/main is charged only its own commit' '
	(
		cd client &&
		fresh &&
		echo docs >>docs/README &&
		commit_all "docs" &&
		git acl check --stats --owner $OWNER --as $ALICE \
			$ZERO HEAD refs/heads/feature-c >out 2>err &&
		test_must_be_empty out &&
		grep "^stats: commits 1 " err
	)
'

test_expect_success 'with no base line, the branch HEAD names is the base' '
	test_when_finished stop_gpg_agent &&
	alice_rules </dev/null &&
	grep -v "^base " base/refs/owner.conf >rules/refs/owner.conf &&
	set_policy &&
	(
		cd client &&
		fresh &&
		echo nobase >>docs/README &&
		commit_all "docs" &&
		push_ok "$ALICE" origin HEAD:refs/heads/feature-nb &&
		secret_commit nobase &&
		push_ok "$ALICE" origin HEAD:refs/heads/u/$ALICE/nb &&
		push_denied "$ALICE" origin HEAD:refs/heads/feature-nb2
	) &&
	ref_is server.git refs/heads/feature-nb2 none &&
	said "denied: $ALICE may not create-file secret/x on heads/feature-nb2 (commit $(short client HEAD))"
'

test_done
