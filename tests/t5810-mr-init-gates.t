#!/bin/sh

test_description='git mr init --require-approvals, --require-ci (SPEC 11)

The options add merge gates to the policy: require lines for the
targets, ref rules for refs/apps/attestations, and an [apps/attestations]
section letting maintainers write approved and ci write ci-pass, each
only as their own file.  Without them nothing changes.'

. "$(dirname "$0")/lib.sh"
. "$SRC/tests/lib-hook.sh"
. "$SRC/tests/lib-mr.sh"

ATT=refs/apps/attestations

test_expect_success 'setup' '
	test_when_finished stop_gpg_agent &&
	mr_setup
'

test_expect_success 'without the options, init writes no gates' '
	test_must_fail git -C server.git cat-file -e refs/apps/access-control:refs/merge-gates.conf &&
	test_must_fail git -C server.git cat-file -e refs/apps/access-control:branches/merge-gates.conf
'

test_expect_success 'bad option values are refused before anything is pushed' '
	policy=$(server_rev refs/apps/access-control) &&
	(
		cd owner &&
		test_must_fail git mr init --ci "$CI" --maintainer "$MAINT" \
			--require-approvals 0 2>../zero.err &&
		test_must_fail git mr init --ci "$CI" --maintainer "$MAINT" \
			--target main 2>../target.err
	) &&
	grep "fatal: --require-approvals wants a number from 1 to 999, not .0." zero.err &&
	grep "fatal: --target needs --require-approvals or --require-ci" target.err &&
	ref_is server.git refs/apps/access-control $policy
'

test_expect_success 'init --require-approvals 1 --require-ci adds the gates' '
	test_when_finished stop_gpg_agent &&
	(
		cd owner &&
		git mr init --ci "$CI" --maintainer "$MAINT" \
			--require-approvals 1 --require-ci >../init.out
	) &&
	echo "added refs/merge-gates.conf and branches/merge-gates.conf to refs/apps/access-control" >expect &&
	test_cmp expect init.out &&
	git -C server.git show refs/apps/access-control:refs/merge-gates.conf >refs.conf &&
	grep -x "maintainers require 1:approved heads/main" refs.conf &&
	grep -x "ci require 1:ci-pass heads/main" refs.conf &&
	grep -x "maintainers create-branch,fast-forward apps/attestations" refs.conf &&
	grep -x "ci create-branch,fast-forward apps/attestations" refs.conf &&
	git -C server.git show refs/apps/access-control:branches/merge-gates.conf >branches.conf &&
	cat >expect <<-\EOF &&
	[apps/attestations]
	maintainers create-directory [0-9a-f]{2}
	maintainers create-directory [0-9a-f]{2}/[0-9a-f]{2}
	maintainers create-directory [0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{36}
	maintainers create-directory [0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{36}/approved
	maintainers create-file,delete [0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{36}/approved/${user_id}
	ci create-directory [0-9a-f]{2}
	ci create-directory [0-9a-f]{2}/[0-9a-f]{2}
	ci create-directory [0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{36}
	ci create-directory [0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{36}/ci-pass
	ci create-file [0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{36}/ci-pass/${user_id}
	EOF
	grep -v "^#" branches.conf >actual &&
	test_cmp expect actual
'

test_expect_success 'the policy it wrote loads: git acl lint has no error' '
	(
		cd owner &&
		git mr fetch >/dev/null 2>&1 &&
		git acl lint refs/apps/access-control >../lint.out 2>&1
	) &&
	! grep -i "error" lint.out
'

test_expect_success 'run again, it has nothing to do' '
	policy=$(server_rev refs/apps/access-control) &&
	(
		cd owner &&
		git mr init --ci "$CI" --maintainer "$MAINT" \
			--require-approvals 1 --require-ci >../again.out
	) &&
	echo "the merge-request app is set up already; nothing to do" >expect &&
	test_cmp expect again.out &&
	ref_is server.git refs/apps/access-control $policy
'

test_expect_success 'a maintainer approves under the policy init wrote' '
	test_when_finished stop_gpg_agent &&
	topic alice feature f.txt one &&
	(cd alice && git mr create -m "Add f.txt" >/dev/null) &&
	V1=$(git -C alice rev-parse HEAD) &&
	(
		cd maint &&
		git mr fetch >/dev/null 2>&1 &&
		git mr approve Alice/1 >/dev/null
	) &&
	git -C server.git cat-file -e "$ATT:$(echo $V1 | cut -c1-2)/$(echo $V1 | cut -c3-4)/$(echo $V1 | cut -c5-)/approved/$MAINT"
'

test_expect_success '... and a contributor may not approve' '
	test_when_finished stop_gpg_agent &&
	att=$(server_rev $ATT) &&
	(
		cd bob &&
		git mr fetch >/dev/null 2>&1 &&
		test_must_fail git mr approve Alice/1 2>../bob.err
	) &&
	grep "denied: $BOB" bob.err &&
	ref_is server.git $ATT $att
'

test_expect_success 'merge refuses before pushing, naming what is missing' '
	test_when_finished stop_gpg_agent &&
	main=$(server_rev refs/heads/main) &&
	data=$(server_rev $DATA) &&
	(
		cd owner &&
		git mr fetch >/dev/null 2>&1 &&
		test_expect_code 1 git mr merge Alice/1 >../merge.out 2>../merge.err
	) &&
	grep -x "error: refs/heads/main: needs 1 ci-pass by ci, has 0" merge.err &&
	grep "^error: not merging revision 1 of $(echo $ALICE | cut -c1-16)/1: 1 requirement of refs/heads/main not met" merge.err &&
	grep "^refs/heads/main: needs 1 approved by maintainers, has 1 ($MAINT): Maint <maint@example.com> \[$(echo $MAINT | cut -c1-16)\]\$" merge.out &&
	ref_is server.git refs/heads/main $main &&
	ref_is server.git $DATA $data
'

test_expect_success '... and merges once the CI bot attested ci-pass' '
	test_when_finished stop_gpg_agent &&
	V1=$(git -C alice rev-parse HEAD) &&
	(
		cd ci &&
		git mr fetch >/dev/null 2>&1 &&
		pass=$(mr_edit refs/apps/attestations "ci-pass" 100644 \
			"$(echo $V1 | cut -c1-2)/$(echo $V1 | cut -c3-4)/$(echo $V1 | cut -c5-)/ci-pass/$CI" \
			"Merge-Request: $ALICE/1") &&
		push_ok "$CI" origin "$pass:refs/apps/attestations"
	) &&
	(
		cd owner &&
		git mr fetch >/dev/null 2>&1 &&
		git mr merge Alice/1 >../merge2.out 2>../merge2.err
	) &&
	grep "^refs/heads/main: needs 1 ci-pass by ci, has 1 ($CI)" merge2.out &&
	ref_is server.git refs/heads/main $V1 &&
	test "$(on_server merge-reqs/$ALICE/1/labels/merged)" = /labels/merged
'

test_expect_success '--target names other protected branches, matched literally' '
	test_when_finished stop_gpg_agent &&
	(
		cd owner &&
		git mr init --ci "$CI" --maintainer "$MAINT" --force \
			--require-approvals 2 --target main \
			--target release/1.x >../init2.out
	) &&
	git -C server.git show refs/apps/access-control:refs/merge-gates.conf >refs2.conf &&
	grep -x "maintainers require 2:approved heads/main" refs2.conf &&
	grep -x "maintainers require 2:approved heads/release/1\\\\.x" refs2.conf &&
	! grep "ci-pass" refs2.conf
'

test_done
