#!/bin/sh

test_description='git mr: what a failed push says (issue 15)

A push git could not sign never reached the server: git mr says that
signing failed and how to fix it, not that the server rejected it.  A
push the hook rejected shows the hook'\''s lines and git mr'\''s summary,
without git'\''s porcelain lines.'

. "$(dirname "$0")/lib.sh"
. "$SRC/tests/lib-hook.sh"
. "$SRC/tests/lib-mr.sh"

test_expect_success 'setup: Bob has a request' '
	test_when_finished stop_gpg_agent &&
	mr_setup &&
	topic bob fix b.txt b &&
	(cd bob && git mr create -m "Bob'\''s fix" >/dev/null) &&
	on_server merge-reqs/$BOB/1/title
'

test_expect_success 'a key gpg does not have: signing failed, nothing sent' '
	test_when_finished stop_gpg_agent &&
	data=$(server_rev $DATA) &&
	test_when_finished "git -C bob config user.signingkey $BOB" &&
	git -C bob config user.signingkey 0123456789ABCDEF0123456789ABCDEF01234567 &&
	(cd bob && test_must_fail git mr close $BOB/1 2>../err) &&
	ref_is server.git $DATA $data &&
	grep -x "fatal: git could not sign the push; nothing was sent" err &&
	grep "^hint: user.signingkey must name a secret key" err &&
	grep "^hint: .*GPG_TTY" err &&
	! grep "rejected" err
'

test_expect_success '... its twin: with Bob'\''s key, the same command lands' '
	test_when_finished stop_gpg_agent &&
	(cd bob && git mr close $BOB/1 >/dev/null 2>../err) &&
	! grep fatal: err
'

test_expect_success 'a denied push shows the hook'\''s lines, not git'\''s' '
	test_when_finished stop_gpg_agent &&
	data=$(server_rev $DATA) &&
	(
		cd bob &&
		test_must_fail git mr label add 1 merged 2>../err
	) &&
	ref_is server.git $DATA $data &&
	grep -F "remote: denied: $BOB may not create-symlink merge-reqs/$BOB/1/labels/merged on apps/merge-reqs/data" err &&
	grep -x "fatal: the push was rejected; nothing changed" err &&
	! grep -F "[remote rejected]" err &&
	! grep -x "Done" err &&
	! grep "^To " err &&
	! grep "^!" err
'

test_done
