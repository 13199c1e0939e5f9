#!/bin/sh

test_description='merge gates through git mr, end to end (issue 14)

With git mr init --require-approvals 1 --require-ci, a request is created,
tested by the CI bot (which attests ci-pass), approved by one maintainer
in one push and merged by another user in the next.  A revision pushed
after the approval needs its own approval and test; main moved by hand to
an unapproved commit is refused by the hook, naming what is missing.'

. "$(dirname "$0")/lib.sh"
. "$SRC/tests/lib-hook.sh"
. "$SRC/tests/lib-mr.sh"
. "$SRC/tests/lib-ci.sh"

# path <commit> <kind> <id>: where that attestation lives
path () {
	echo "$1" | sed "s|^\(..\)\(..\)\(.*\)|\1/\2/\3/$2/$3|"
}

test_expect_success 'setup: the app with its gates, CI running test.sh' '
	test_when_finished stop_gpg_agent &&
	mr_setup &&
	(
		cd owner &&
		git mr init --ci "$CI" --maintainer "$MAINT" \
			--require-approvals 1 --require-ci >/dev/null
	) &&
	git -C server.git show refs/apps/access-control:refs/merge-gates.conf >gates &&
	grep -x "maintainers require 1:approved heads/main" gates &&
	grep -x "ci require 1:ci-pass heads/main" gates &&
	git -C ci config mr.ci.command "sh test.sh"
'

test_expect_success 'create, CI passes, one maintainer approves, another merges' '
	test_when_finished stop_gpg_agent &&
	propose one "exit 0" "First change" &&
	V1=$(git -C bob rev-parse HEAD) &&
	ci_run ci >ci.out 2>&1 &&
	git -C server.git cat-file -e "$ATTEST:$(path $V1 ci-pass $CI)" &&
	att=$(server_rev $ATTEST) &&
	data=$(server_rev $DATA) &&
	(
		cd maint &&
		git mr fetch >/dev/null 2>&1 &&
		git mr approve Bob/1 >../approve.out
	) &&
	git -C server.git cat-file -e "$ATTEST:$(path $V1 approved $MAINT)" &&
	test "$(git -C server.git rev-parse $ATTEST^)" = $att &&
	test "$(git -C server.git rev-parse $DATA^)" = $data &&
	(
		cd owner &&
		git mr fetch >/dev/null 2>&1 &&
		git mr merge Bob/1 >../merge.out 2>../merge.err
	) &&
	ref_is server.git refs/heads/main $V1 &&
	test "$(on_server merge-reqs/$BOB/1/labels/merged)" = /labels/merged
'

test_expect_success 'a revision pushed after the approval needs its own' '
	test_when_finished stop_gpg_agent &&
	propose two "true" "Second change" &&
	R1=$(git -C bob rev-parse HEAD) &&
	ci_run ci >ci.out 2>&1 &&
	(
		cd maint &&
		git mr fetch >/dev/null 2>&1 &&
		git mr approve Bob/2 >/dev/null
	) &&
	git -C server.git cat-file -e "$ATTEST:$(path $R1 approved $MAINT)" &&
	(
		cd bob &&
		echo "true # v2" >test.sh &&
		git commit -q -am "two: v2" &&
		git mr update 2 -m "v2" >/dev/null
	) &&
	R2=$(git -C bob rev-parse HEAD) &&
	main=$(server_rev refs/heads/main) &&
	data=$(server_rev $DATA) &&
	(
		cd owner &&
		git mr fetch >/dev/null 2>&1 &&
		test_expect_code 1 git mr merge --rev 2 Bob/2 >../merge.out \
			2>../merge.err
	) &&
	grep -x "error: refs/heads/main: needs 1 approved by maintainers, has 0" merge.err &&
	grep -x "error: refs/heads/main: needs 1 ci-pass by ci, has 0" merge.err &&
	ref_is server.git refs/heads/main $main &&
	ref_is server.git $DATA $data
'

test_expect_success '... tested, still not approved: refused' '
	test_when_finished stop_gpg_agent &&
	R2=$(git -C bob rev-parse HEAD) &&
	ci_run ci >ci.out 2>&1 &&
	git -C server.git cat-file -e "$ATTEST:$(path $R2 ci-pass $CI)" &&
	main=$(server_rev refs/heads/main) &&
	(
		cd owner &&
		git mr fetch >/dev/null 2>&1 &&
		test_expect_code 1 git mr merge Bob/2 >../merge.out 2>../merge.err
	) &&
	grep -x "error: refs/heads/main: needs 1 approved by maintainers, has 0" merge.err &&
	! grep "ci-pass" merge.err &&
	ref_is server.git refs/heads/main $main &&
	(cd owner && git mr show Bob/2 >../show.out) &&
	grep -x "gate:      refs/heads/main, revision 2" show.out &&
	grep -x "  missing: needs 1 approved by maintainers, has 0" show.out &&
	grep -x "  met: needs 1 ci-pass by ci, has 1 ($CI): CI Bot <ci@example.com> \[$(echo $CI | cut -c1-16)\]" show.out
'

test_expect_success '... approved and tested: merged' '
	test_when_finished stop_gpg_agent &&
	R2=$(git -C bob rev-parse HEAD) &&
	(
		cd maint &&
		git mr fetch >/dev/null 2>&1 &&
		git mr show Bob/2 >../show.out &&
		git mr approve Bob/2 >/dev/null
	) &&
	grep "stale\|older revision" show.out &&
	(
		cd owner &&
		git mr fetch >/dev/null 2>&1 &&
		git mr merge Bob/2 >../merge.out 2>../merge.err
	) &&
	git -C server.git merge-base --is-ancestor $R2 refs/heads/main &&
	test "$(on_server merge-reqs/$BOB/2/labels/merged)" = /labels/merged
'

test_expect_success 'a --no-ff merge counts the revision'\''s attestations' '
	test_when_finished stop_gpg_agent &&
	propose three "true # three" "Third change" &&
	R=$(git -C bob rev-parse HEAD) &&
	ci_run ci >ci.out 2>&1 &&
	main=$(server_rev refs/heads/main) &&
	(
		cd maint &&
		git mr fetch >/dev/null 2>&1 &&
		git mr approve Bob/3 >/dev/null
	) &&
	(
		cd owner &&
		git mr fetch >/dev/null 2>&1 &&
		git mr merge --no-ff Bob/3 >../merge.out 2>../merge.err
	) &&
	test "$(git -C server.git rev-parse refs/heads/main^1)" = $main &&
	test "$(git -C server.git rev-parse refs/heads/main^2)" = $R &&
	test "$(git -C server.git rev-parse refs/heads/main^{tree})" = \
		"$(git -C server.git rev-parse $R^{tree})"
'

test_expect_success 'a not-applicable result attests nothing: show and merge say so' '
	test_when_finished stop_gpg_agent &&
	propose four "exit 77" "Nothing to test" &&
	ci_run ci >ci.out 2>&1 &&
	grep "^Result: not-applicable" <<-EOF &&
	$(result 4 1)
	EOF
	main=$(server_rev refs/heads/main) &&
	(
		cd maint &&
		git mr fetch >/dev/null 2>&1 &&
		git mr approve Bob/4 >/dev/null
	) &&
	(
		cd owner &&
		git mr fetch >/dev/null 2>&1 &&
		git mr show Bob/4 >../show.out &&
		test_expect_code 1 git mr merge Bob/4 >../merge.out \
			2>../merge.err
	) &&
	grep -x "  missing: needs 1 ci-pass by ci, has 0" show.out &&
	grep -x "error: refs/heads/main: needs 1 ci-pass by ci, has 0" merge.err &&
	ref_is server.git refs/heads/main $main
'

test_expect_success 'main moved by hand to an unapproved commit: the hook refuses' '
	test_when_finished stop_gpg_agent &&
	main=$(server_rev refs/heads/main) &&
	(
		cd owner &&
		git fetch -q origin &&
		git checkout -q -B hand origin/main &&
		echo by hand >hand.txt &&
		git add hand.txt &&
		test_tick &&
		git commit -q -m "by hand" &&
		push_denied "$OWNER" origin HEAD:refs/heads/main
	) &&
	ref_is server.git refs/heads/main $main &&
	said "denied: $OWNER may not fast-forward heads/main (commit $(short owner HEAD)): needs 1 approved by maintainers, has 0" &&
	said "denied: $OWNER may not fast-forward heads/main (commit $(short owner HEAD)): needs 1 ci-pass by ci, has 0"
'

test_done
