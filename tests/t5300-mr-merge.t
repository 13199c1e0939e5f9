#!/bin/sh

test_description='git mr merge: what it refuses, and one atomic push (SPEC 7)

The target must be a heads/ ref allowed by mr.targets; a newer revision
than the one named, or than the last CI result, needs --not-latest; and
the target branch and the data branch move together or not at all.'

. "$(dirname "$0")/lib.sh"
. "$SRC/tests/lib-hook.sh"
. "$SRC/tests/lib-mr.sh"

# mr_create <branch> <file> [<git mr create args>...]: Alice proposes a
# new commit on <branch>.
mr_create () {
	mc_branch=$1 &&
	mc_file=$2 &&
	shift 2 &&
	topic alice $mc_branch $mc_file $mc_branch &&
	(cd alice && git mr create -m "$mc_branch" "$@" >/dev/null)
}

# unmoved: the server's main, stable and data branch are where they were
# when remember ran.
remember () {
	main=$(server_rev refs/heads/main) &&
	stable=$(server_rev refs/heads/stable) &&
	data=$(server_rev $DATA)
}
unmoved () {
	ref_is server.git refs/heads/main $main &&
	ref_is server.git refs/heads/stable $stable &&
	ref_is server.git $DATA $data
}

test_expect_success 'setup: users, and a stable branch only the owner moves' '
	test_when_finished stop_gpg_agent &&
	mr_setup &&
	(cd owner && push_ok $OWNER origin HEAD:refs/heads/stable) &&
	A=$(echo $ALICE | cut -c1-16)
'

test_expect_success 'a target outside heads/ is refused (written by its author)' '
	test_when_finished stop_gpg_agent &&
	mr_create outside o.txt &&
	for target in tags/v1 refs/meta/x heads/main/../../tags/v1 heads
	do
		(
			cd alice &&
			c=$(data_edit "retarget" \
				100644 merge-reqs/$ALICE/1/target "$target") &&
			push_ok $ALICE origin $c:$DATA
		) &&
		remember &&
		(
			cd maint &&
			test_must_fail git mr merge Alice/1 >../merge.out 2>../merge.err
		) &&
		grep -x "fatal: the target of $A/1 is not a branch (heads/...): not merging" merge.err &&
		! grep "^merging" merge.out &&
		unmoved &&
		ref_is server.git refs/tags/v1 none &&
		ref_is server.git refs/meta/x none || return 1
	done
'

test_expect_success 'a target not in mr.targets is refused (patterns anchored)' '
	test_when_finished stop_gpg_agent &&
	mr_create allowlist l.txt &&
	remember &&
	test_when_finished "git -C maint config --unset-all mr.targets" &&
	git -C maint config mr.targets "heads/release/.*" &&
	git -C maint config --add mr.targets "heads/mai" &&
	(
		cd maint &&
		test_must_fail git mr merge Alice/2 2>../merge.err
	) &&
	grep -x "fatal: target '\''heads/main'\'' is not in mr.targets: not merging" merge.err &&
	unmoved
'

test_expect_success '... its twin: once mr.targets allows heads/main, it merges' '
	test_when_finished stop_gpg_agent &&
	test_when_finished "git -C maint config --unset-all mr.targets" &&
	git -C maint config --add mr.targets "heads/ma.*" &&
	(cd maint && git mr merge Alice/2 >/dev/null) &&
	ref_is server.git refs/heads/main $(git -C alice rev-parse allowlist) &&
	test "$(on_server merge-reqs/$ALICE/2/labels/merged)" = /labels/merged
'

test_expect_success 'setup: request 3 has a CI result for v1, then v2 comes' '
	test_when_finished stop_gpg_agent &&
	mr_create newer n.txt &&
	V1=$(git -C alice rev-parse newer) &&
	(
		cd ci &&
		c=$(data_edit "CI result" \
			100644 merge-reqs/$ALICE/3/comments/$CI/1 "$(comment_text 1 "Result: pass" -- "ok: 12 tests")") &&
		push_ok $CI origin $c:$DATA
	) &&
	topic alice newer n.txt newer2 &&
	(cd alice && git mr update 3 -m "v2" >/dev/null) &&
	V2=$(git -C alice rev-parse newer) &&
	ref_is server.git "refs/apps/merge-reqs/$ALICE/3-v2^{commit}" $V2
'

test_expect_success 'git mr show lists the CI result of a ci member under ci:' '
	(
		cd maint &&
		git mr fetch 2>/dev/null &&
		git mr show Alice/3 >../show.out
	) &&
	sed -n "/^ci:/,/^comments:/p" show.out >ci.part &&
	grep -x "  v1  pass  2026-01-02T03:04:05Z  CI Bot <ci@example.com> \[$(echo $CI | cut -c1-16)\]" ci.part &&
	grep -x "      ok: 12 tests" ci.part
'

test_expect_success 'merge refuses: v2 is newer than the last CI result' '
	remember &&
	(
		cd maint &&
		test_must_fail git mr merge Alice/3 2>../merge.err
	) &&
	grep -x "fatal: revision 2 is newer than the last CI result (revision 1): name the revision with --rev" merge.err &&
	unmoved
'

test_expect_success 'merge --rev 1 refuses: v2 is newer than the one named' '
	(
		cd maint &&
		test_must_fail git mr merge Alice/3 --rev 1 2>../merge.err
	) &&
	grep -x "fatal: revision 2 is newer than revision 1 and nobody merged it: review it, or use --not-latest" merge.err &&
	unmoved
'

test_expect_success 'merge --rev 1 --not-latest merges v1, not v2' '
	test_when_finished stop_gpg_agent &&
	(
		cd maint &&
		git mr merge Alice/3 --rev 1 --not-latest >../merge.out
	) &&
	grep -x "merging revision 1 ($V1) of $A/3 into refs/heads/main" merge.out &&
	git -C server.git merge-base --is-ancestor $V1 refs/heads/main &&
	test_must_fail git -C server.git merge-base --is-ancestor $V2 refs/heads/main &&
	test "$(git -C server.git rev-parse refs/heads/main^1)" = $main &&
	on_server merge-reqs/$ALICE/3/comments/$MAINT/1 >merged &&
	grep -x "Merged revision 1 ($V1) into heads/main" merged &&
	grep -x "Revision: 1" merged &&
	test "$(on_server merge-reqs/$ALICE/3/labels/merged)" = /labels/merged
'

test_expect_success 'atomic: the hook denies the target, so the data branch stays too' '
	test_when_finished stop_gpg_agent &&
	mr_create for-stable s.txt -t stable &&
	remember &&
	(
		cd maint &&
		git mr fetch 2>/dev/null &&
		test_must_fail git mr merge Alice/4 >../merge.out 2>../merge.err
	) &&
	grep "^remote: denied: $MAINT may not fast-forward heads/stable (commit " merge.err &&
	! grep "denied: .* on apps/merge-reqs/data" merge.err &&
	grep -x "fatal: the push was rejected; nothing changed" merge.err &&
	unmoved &&
	not_on_server merge-reqs/$ALICE/4/labels/merged &&
	on_server merge-reqs/$ALICE/4/labels/open &&
	not_on_server merge-reqs/$ALICE/4/comments/$MAINT/1 &&
	test "$(git -C maint rev-parse $DATA)" = $data
'

test_expect_success '... its twin: the owner may move stable, and merges it' '
	test_when_finished stop_gpg_agent &&
	(cd owner && git mr fetch 2>/dev/null && git mr merge Alice/4 >/dev/null) &&
	ref_is server.git refs/heads/stable $(git -C alice rev-parse for-stable) &&
	test "$(on_server merge-reqs/$ALICE/4/labels/merged)" = /labels/merged
'

test_expect_success 'Bob is no maintainer: his merge is denied on both refs' '
	test_when_finished stop_gpg_agent &&
	mr_create for-bob b.txt &&
	remember &&
	(
		cd bob &&
		git mr fetch 2>/dev/null &&
		test_must_fail git mr merge Alice/5 2>../merge.err
	) &&
	grep "^remote: denied: $BOB may not fast-forward heads/main (commit " merge.err &&
	grep "^remote: denied: $BOB may not create-symlink merge-reqs/$ALICE/5/labels/merged on apps/merge-reqs/data (commit " merge.err &&
	unmoved
'

test_expect_success 'a revision pushed after the maintainer looked is not merged by default' '
	test_when_finished stop_gpg_agent &&
	mr_create for-review r.txt &&
	(cd maint && git mr fetch 2>/dev/null && git mr show Alice/6 >/dev/null) &&
	topic alice for-review r.txt "r2 evil" &&
	(cd alice && git mr update 6 -m "sneaky" >/dev/null) &&
	remember &&
	(
		cd maint &&
		test_must_fail git mr merge Alice/6 >../merge.out 2>../merge.err
	) &&
	grep "revision 2 arrived with this fetch (you had revision 1)" merge.err &&
	unmoved &&
	(cd maint && git mr merge Alice/6 >../merge.out 2>../merge.err) &&
	test "$(on_server merge-reqs/$ALICE/6/labels/merged)" = /labels/merged
'

test_expect_success 'a request never fetched before is not merged without --rev' '
	test_when_finished stop_gpg_agent &&
	mr_create unseen u.txt &&
	remember &&
	(
		cd maint &&
		test_must_fail git mr merge Alice/7 2>../merge.err
	) &&
	grep "no revision of .*/7 was here before this fetch" merge.err &&
	unmoved &&
	(cd maint && git mr merge Alice/7 --rev 1 >/dev/null) &&
	test "$(on_server merge-reqs/$ALICE/7/labels/merged)" = /labels/merged
'

test_expect_success 'the target moving during the merge: the merge is rebuilt on it' '
	test_when_finished stop_gpg_agent &&
	test_when_finished "rm -f maint/.git/hooks/pre-push" &&
	mr_create racing m.txt &&
	# the maintainer'"'"'s first push waits for the owner to move main
	cat >maint/.git/hooks/pre-push <<-EOF &&
	#!/bin/sh
	test -f "$SHARNESS_TRASH_DIRECTORY/moved" && exit 0
	: >"$SHARNESS_TRASH_DIRECTORY/moved"
	unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_PREFIX
	cd "$SHARNESS_TRASH_DIRECTORY/owner" &&
	git fetch -q origin &&
	git checkout -q -B meanwhile origin/main &&
	echo meanwhile >meanwhile.txt &&
	git add meanwhile.txt &&
	git commit -q -m meanwhile &&
	git -c user.signingkey=$OWNER push -q --signed origin HEAD:refs/heads/main
	EOF
	chmod +x maint/.git/hooks/pre-push &&
	(
		cd maint &&
		git mr fetch 2>/dev/null &&
		git mr merge Alice/8 >../merge.out 2>../merge.err
	) &&
	test -f moved &&
	grep -x "git mr: the remote moved meanwhile; trying again" merge.err &&
	merge=$(server_rev refs/heads/main) &&
	git -C server.git cat-file -e $merge:meanwhile.txt &&
	git -C server.git cat-file -e $merge:m.txt &&
	test "$(on_server merge-reqs/$ALICE/8/labels/merged)" = /labels/merged
'

test_done
