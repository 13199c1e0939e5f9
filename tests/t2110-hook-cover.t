#!/bin/sh

test_description='pre-receive: the certificate covers the push exactly

git 2.39 receive-pack runs unsigned commands sent beside a certificate, and
passes on certificates git push --signed never writes; tests/tools/raw-push
sends them, over one session (file://, ssh) or as smart HTTP does
(--stateless), where one certificate is good for every request within
receive.certNonceSlop.'

. "$(dirname "$0")/lib.sh"
. "$SRC/tests/lib-raw.sh"


test_expect_success 'setup: an owner, a server, a commit on it' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(make_key "Owner <owner@example.com>") &&
	echo "$OWNER" >owner.id &&
	setup_server server.git "$OWNER" &&
	git init -q client &&
	(
		cd client &&
		git remote add origin ../server.git &&
		echo hello >README &&
		git add README &&
		git commit -q -m first &&
		push_ok "$OWNER" origin HEAD:refs/heads/main
	) &&
	git -C client rev-parse HEAD >x.id &&
	ref_is server.git refs/heads/main $(cat x.id)
'

# git 2.39 receive-pack takes unsigned commands before and after a
# certificate and runs them with the certificate's (SPEC 2).

test_expect_success 'stateless: an unsigned command before the certificate is refused' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(cat owner.id) X=$(cat x.id) &&
	make_cert "$OWNER" "$(now_nonce)" "$ZERO $X refs/heads/covered" >covered.cert &&
	raw_denied refs/heads/covered --stateless \
		--before "$ZERO $X refs/heads/extra" --cert covered.cert \
		server.git &&
	grep "^ng refs/heads/extra pre-receive hook declined" raw.out &&
	grep "^error: the push certificate does not cover this push: push again with '\''git push --signed'\''$" raw.err &&
	ref_is server.git refs/heads/covered none &&
	ref_is server.git refs/heads/extra none
'

test_expect_success 'stateless: an unsigned command after the certificate is refused' '
	X=$(cat x.id) &&
	raw_denied refs/heads/covered --stateless --cert covered.cert \
		--after "$ZERO $X refs/heads/extra" server.git &&
	grep "^ng refs/heads/extra pre-receive hook declined" raw.out &&
	grep "^error: the push certificate does not cover this push" raw.err &&
	ref_is server.git refs/heads/covered none &&
	ref_is server.git refs/heads/extra none
'

test_expect_success 'stateless: the same certificate alone is accepted (twin)' '
	X=$(cat x.id) &&
	raw_ok --stateless --cert covered.cert server.git &&
	ref_is server.git refs/heads/covered $X &&
	ref_is server.git refs/heads/extra none
'

test_expect_success 'one session: an unsigned command beside a signed one is refused' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(cat owner.id) X=$(cat x.id) &&
	(
		cd client &&
		echo more >>README &&
		git commit -q -am second
	) &&
	Y=$(git -C client rev-parse HEAD) &&
	raw_denied refs/heads/main --sign "$OWNER" \
		--signed "$X $Y refs/heads/main" \
		--after "$ZERO $X refs/heads/extra" \
		--pack-from client/.git server.git &&
	grep "^error: the push certificate does not cover this push" raw.err &&
	ref_is server.git refs/heads/main $X &&
	ref_is server.git refs/heads/extra none
'

test_expect_success 'one session: the signed command alone, with its pack, is accepted (twin)' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(cat owner.id) X=$(cat x.id) &&
	Y=$(git -C client rev-parse HEAD) &&
	raw_ok --sign "$OWNER" --signed "$X $Y refs/heads/main" \
		--pack-from client/.git server.git &&
	ref_is server.git refs/heads/main $Y
'

test_expect_success 'a signature for one ref does not move another to the same commit' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(cat owner.id) X=$(cat x.id) &&
	make_cert "$OWNER" "$(now_nonce)" "$ZERO $X refs/heads/signed" >signed.cert &&
	raw_denied refs/heads/unsigned --stateless --cert signed.cert \
		--after "$ZERO $X refs/heads/unsigned" server.git &&
	grep "^error: the push certificate does not cover this push" raw.err &&
	ref_is server.git refs/heads/signed none &&
	ref_is server.git refs/heads/unsigned none
'

test_expect_success 'the signature for that ref moves that ref (twin)' '
	X=$(cat x.id) &&
	raw_ok --stateless --cert signed.cert server.git &&
	ref_is server.git refs/heads/signed $X &&
	ref_is server.git refs/heads/unsigned none
'

test_expect_success 'a command spelled in upper case, which git reads all the same, is refused' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(cat owner.id) X=$(cat x.id) &&
	UPPER=$(echo $X | tr a-f A-F) &&
	make_cert "$OWNER" "$(now_nonce)" "$ZERO $UPPER refs/heads/upper" >cert &&
	raw_denied refs/heads/upper --stateless --cert cert server.git &&
	grep "^error: bad push certificate: push certificate line 6: new id is not 40 lower-case hex digits$" raw.err &&
	ref_is server.git refs/heads/upper none
'

test_expect_success 'the same command in lower case is accepted (twin)' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(cat owner.id) X=$(cat x.id) &&
	make_cert "$OWNER" "$(now_nonce)" "$ZERO $X refs/heads/upper" >cert &&
	raw_ok --stateless --cert cert server.git &&
	ref_is server.git refs/heads/upper $X
'

test_expect_success 'a certificate with data after the signature is refused' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(cat owner.id) X=$(cat x.id) &&
	make_cert "$OWNER" "$(now_nonce)" "$ZERO $X refs/heads/after" >cert &&
	cp cert cert.clean &&
	echo "$ZERO $X refs/heads/smuggled" >>cert &&
	raw_denied refs/heads/after --stateless --cert cert server.git &&
	grep "^error: bad push certificate: push certificate line [0-9]*: data after the signature$" raw.err &&
	ref_is server.git refs/heads/after none &&
	ref_is server.git refs/heads/smuggled none
'

test_expect_success 'the same certificate without it is accepted (twin)' '
	X=$(cat x.id) &&
	raw_ok --stateless --cert cert.clean server.git &&
	ref_is server.git refs/heads/after $X &&
	ref_is server.git refs/heads/smuggled none
'

test_expect_success 'one session: the client'\''s --trailer is refused the same way' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(cat owner.id) X=$(cat x.id) &&
	raw_denied refs/heads/trailer --sign "$OWNER" --trailer "" \
		--signed "$ZERO $X refs/heads/trailer" server.git &&
	grep "^error: bad push certificate: push certificate line [0-9]*: data after the signature$" raw.err &&
	ref_is server.git refs/heads/trailer none
'

test_expect_success 'a text signature (class 0x01) is refused' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(cat owner.id) X=$(cat x.id) &&
	make_cert --textmode "$OWNER" "$(now_nonce)" \
		"$ZERO $X refs/heads/text" >cert &&
	raw_denied refs/heads/text --stateless --cert cert server.git &&
	grep "^error: bad push certificate: push certificate signature has class 0x01, not 0x00 (binary document)$" raw.err &&
	ref_is server.git refs/heads/text none &&
	raw_denied refs/heads/text --sign "$OWNER" --textmode \
		--signed "$ZERO $X refs/heads/text" server.git &&
	grep "^error: bad push certificate: push certificate signature has class 0x01" raw.err &&
	ref_is server.git refs/heads/text none
'

test_expect_success 'the same certificate signed as binary is accepted (twin)' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(cat owner.id) X=$(cat x.id) &&
	make_cert "$OWNER" "$(now_nonce)" "$ZERO $X refs/heads/text" >cert &&
	raw_ok --stateless --cert cert server.git &&
	ref_is server.git refs/heads/text $X
'


test_done
