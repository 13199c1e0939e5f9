#!/bin/sh

test_description='pre-receive: what ref rules may do to app refs (SPEC 3, 5)

A ref rule reaches a ref under refs/apps/ only when its pattern starts
with apps/; some app refs may never be deleted or have refs created under
them, refs/audit is no push'"'"'s to change, and a push may not name one ref
twice.  Every rejected push is checked for its exit status, the ref left
where it was and the exact denied: line; every attack has a twin that
gets in.'

. "$(dirname "$0")/lib.sh"
. "$SRC/tests/lib-hook.sh"
. "$SRC/tests/lib-raw.sh"
. "$SRC/tests/lib-gates.sh"

test_expect_success 'setup: an owner and Alice, a maintainer; main, app refs' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(make_key "Owner <owner@example.com>") &&
	ALICE=$(make_key "Alice <alice@example.com>") &&
	setup_server server.git "$OWNER" &&
	base_policy $OWNER $ALICE &&
	rules refs/t.conf <<-\EOF &&
	maintainers delete .*
	EOF
	mkdir rules/groups &&
	cat >rules/groups/t.conf <<-EOF &&
	[maintainers]
	member = $ALICE
	EOF
	set_policy &&
	git clone -q server.git client 2>/dev/null &&
	(
		cd client &&
		echo readme >README &&
		commit_all start &&
		push_ok "$OWNER" origin HEAD:refs/heads/main &&
		push_ok "$OWNER" origin HEAD:refs/heads/topic &&
		push_ok "$OWNER" origin HEAD:refs/apps/merge-reqs/data &&
		att=$(att_commit -p none 100644 "$(att_path approved HEAD $OWNER)") &&
		push_ok "$OWNER" origin $att:refs/apps/attestations &&
		echo $att >../att
	) &&
	ref_is server.git refs/apps/merge-reqs/data $(git -C client rev-parse HEAD)
'

test_expect_success 'maintainers delete .* does not delete the merge-request data' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		push_denied "$ALICE" origin :refs/apps/merge-reqs/data
	) &&
	ref_is server.git refs/apps/merge-reqs/data $(git -C client rev-parse HEAD) &&
	said "denied: $ALICE may not delete apps/merge-reqs/data" &&
	said "hint: no rule in refs/*.conf of refs/apps/access-control allows it"
'

test_expect_success '... its twin: the same rule deletes a branch' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		push_ok "$ALICE" origin :refs/heads/topic
	) &&
	ref_is server.git refs/heads/topic none
'

test_expect_success '... and a rule written for apps/ reaches it' '
	test_when_finished stop_gpg_agent &&
	rules refs/t.conf <<-\EOF &&
	maintainers delete ^apps/merge-reqs/data
	EOF
	mkdir rules/groups &&
	cat >rules/groups/t.conf <<-EOF &&
	[maintainers]
	member = $ALICE
	EOF
	set_policy &&
	(
		cd client &&
		push_ok "$ALICE" origin :refs/apps/merge-reqs/data
	) &&
	ref_is server.git refs/apps/merge-reqs/data none
'

test_expect_success 'nobody, not even an owner, deletes refs/apps/attestations' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		push_denied "$OWNER" origin :refs/apps/attestations
	) &&
	ref_is server.git refs/apps/attestations $(cat att) &&
	said "denied: $OWNER may not delete apps/attestations" &&
	said "hint: nobody may delete refs/apps/attestations"
'

test_expect_success 'no ref may be created under refs/apps/audit/' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		push_denied "$OWNER" origin HEAD:refs/apps/audit/x
	) &&
	ref_is server.git refs/apps/audit/x none &&
	said "denied: $OWNER may not create-branch apps/audit/x (commit $(short client HEAD))" &&
	said "hint: no ref may be created under refs/apps/audit/"
'

test_expect_success 'no push may create refs/audit/kept' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		push_denied "$OWNER" origin HEAD:refs/audit/kept
	) &&
	ref_is server.git refs/audit/kept none &&
	said "denied: $OWNER may not create-branch audit/kept (commit $(short client HEAD))" &&
	said "hint: no push may change refs/audit"
'

test_expect_success '... their twin: an owner creates and deletes another app ref' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		push_ok "$OWNER" origin HEAD:refs/apps/auditor &&
		push_ok "$OWNER" origin :refs/apps/auditor
	) &&
	ref_is server.git refs/apps/auditor none
'

test_expect_success 'two commands on one ref in one push are denied' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		echo two >>README &&
		commit_all two
	) &&
	A=$(git -C client rev-parse HEAD~1) &&
	B=$(git -C client rev-parse HEAD) &&
	raw_denied refs/heads/two --sign "$OWNER" \
		--signed "$ZERO $A refs/heads/two" \
		--signed "$ZERO $B refs/heads/two" \
		--pack-from client/.git server.git &&
	ref_is server.git refs/heads/two none &&
	grep "denied: $OWNER may not update heads/two (commit $(short client HEAD)): a second command on this ref in one push" raw.err &&
	grep "hint: push one command per ref" raw.err
'

test_expect_success '... its twin: two commands on two refs get in' '
	test_when_finished stop_gpg_agent &&
	raw_ok --sign "$OWNER" \
		--signed "$ZERO $A refs/heads/two" \
		--signed "$ZERO $B refs/heads/three" \
		--pack-from client/.git server.git &&
	ref_is server.git refs/heads/two $A &&
	ref_is server.git refs/heads/three $B
'

test_done
