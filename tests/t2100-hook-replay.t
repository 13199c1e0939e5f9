#!/bin/sh

test_description='pre-receive: nonces and replayed push certificates

git push --signed never sends these; tests/tools/raw-push does, over one
session (file://, ssh) or as smart HTTP does (--stateless: the nonce is
issued by one request and checked in the next).'

. "$(dirname "$0")/lib.sh"
. "$SRC/tests/lib-raw.sh"

# record_name <cert>: the name of a certificate's accepted-certs record,
# SHA-256 of its signed payload (everything before the signature)
record_name () {
	sed '/^-----BEGIN PGP SIGNATURE-----$/,$d' "$1" | sha256sum | cut -d" " -f1
}


# remint <how> <cert>: the same certificate, the same signed payload and
# signature, spelled as another blob.  "comment": an armor header line
# (RFC 4880 6.2); "new-format": the signature packet with a new-format
# header instead of gpg's old-format one (RFC 4880 4.2), re-armored with
# its CRC-24.
remint () {
	perl -MMIME::Base64=decode_base64,encode_base64 -e '
		my ($how, $file) = @ARGV;
		open(my $fh, "<:raw", $file) or die "$file: $!\n";
		my $cert = do { local $/; <$fh> };
		my ($payload, $armor) = $cert =~
		    /\A(.*?)(-----BEGIN PGP SIGNATURE-----\n.*)\z/s
		    or die "no signature\n";
		if ($how eq "comment") {
			$armor =~ s/\n/\nComment: the same signature\n/;
		} elsif ($how eq "new-format") {
			my ($b64) = $armor =~ /\n\n(.*?)\n=/s
			    or die "no armored body\n";
			my $sig = decode_base64($b64);
			my ($tag, $len) = unpack("CC", $sig);
			die "not an old-format signature packet\n"
			    unless $tag == 0x88 && $len < 192;
			substr($sig, 0, 1) = chr(0xc2);
			my $crc = 0xb704ce;
			for my $octet (unpack("C*", $sig)) {
				$crc ^= $octet << 16;
				for (1 .. 8) {
					$crc <<= 1;
					$crc ^= 0x1864cfb if $crc & 0x1000000;
				}
			}
			my $sum = substr(pack("N", $crc & 0xffffff), 1);
			$armor = "-----BEGIN PGP SIGNATURE-----\n\n" .
			    encode_base64($sig) . "=" . encode_base64($sum) .
			    "-----END PGP SIGNATURE-----\n";
		} else {
			die "remint: comment or new-format\n";
		}
		print $payload, $armor;
	' "$@"
}

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

# Over one session (file://, ssh) receive-pack checks the nonce against
# the one it issued in that session: anything else is BAD, never SLOP.

test_expect_success 'one session: a certificate without a nonce is MISSING' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(cat owner.id) X=$(cat x.id) &&
	make_cert "$OWNER" none "$ZERO $X refs/heads/nonce" >cert &&
	! grep "^nonce" cert &&
	raw_denied refs/heads/nonce --cert cert server.git &&
	grep "^error: the push certificate'\''s nonce is MISSING, not OK: push again with '\''git push --signed'\''$" raw.err &&
	ref_is server.git refs/heads/nonce none
'

test_expect_success 'one session: a made-up nonce, or one of another session, is BAD' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(cat owner.id) X=$(cat x.id) &&
	raw_denied refs/heads/nonce --sign "$OWNER" --nonce 1764000000-made-up \
		--signed "$ZERO $X refs/heads/nonce" server.git &&
	grep "^error: the push certificate'\''s nonce is BAD, not OK: push again with '\''git push --signed'\''$" raw.err &&
	ref_is server.git refs/heads/nonce none &&
	# genuine, a minute old: only a stateless server recomputes it
	seed=$(git -C server.git config receive.certNonceSeed) &&
	old=$(forge_nonce server.git "$seed" $(( $(date +%s) - 60 ))) &&
	raw_denied refs/heads/nonce --sign "$OWNER" --nonce "$old" \
		--signed "$ZERO $X refs/heads/nonce" server.git &&
	grep "^error: the push certificate'\''s nonce is BAD, not OK" raw.err &&
	ref_is server.git refs/heads/nonce none
'

test_expect_success 'one session: a server with no receive.certNonceSeed takes no certificate' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(cat owner.id) X=$(cat x.id) &&
	seed=$(git -C server.git config receive.certNonceSeed) &&
	git -C server.git config --unset receive.certNonceSeed &&
	test_when_finished "git -C server.git config receive.certNonceSeed $seed" &&
	raw_denied refs/heads/nonce --sign "$OWNER" --no-nonce \
		--signed "$ZERO $X refs/heads/nonce" server.git &&
	grep "^error: receive.certNonceSeed is not set in the repository'\''s config, so this server cannot take signed pushes" raw.err &&
	ref_is server.git refs/heads/nonce none &&
	# a nonce it never asked for: git sets no status at all (UNSOLICITED
	# never reaches the hook)
	raw_denied refs/heads/nonce --sign "$OWNER" \
		--nonce "$(forge_nonce server.git "$seed" $(date +%s))" \
		--signed "$ZERO $X refs/heads/nonce" server.git &&
	grep "^error: receive.certNonceSeed is not set in the repository" raw.err &&
	ref_is server.git refs/heads/nonce none
'

test_expect_success 'one session: the nonce the server issued is OK (twin)' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(cat owner.id) X=$(cat x.id) &&
	raw_ok --sign "$OWNER" --signed "$ZERO $X refs/heads/nonce" \
		--save-cert cert server.git &&
	grep "^ok refs/heads/nonce$" raw.out &&
	grep "^nonce [0-9]*-[0-9a-f]\{40\}$" cert &&
	ref_is server.git refs/heads/nonce $X
'

# Smart HTTP (--stateless-rpc) recomputes a nonce it did not issue in this
# request from receive.certNonceSeed: within receive.certNonceSlop it is
# OK, outside it SLOP.

test_expect_success 'stateless: a genuine nonce older than the slop is SLOP' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(cat owner.id) X=$(cat x.id) &&
	seed=$(git -C server.git config receive.certNonceSeed) &&
	test "$(git -C server.git config receive.certNonceSlop)" = 30 &&
	now=$(date +%s) &&
	old=$(forge_nonce server.git "$seed" $((now - 31))) &&
	make_cert "$OWNER" "$old" "$ZERO $X refs/heads/slop" >cert &&
	raw_denied refs/heads/slop --stateless --cert cert server.git &&
	grep "^error: the push certificate'\''s nonce is too old (SLOP): push again$" raw.err &&
	ref_is server.git refs/heads/slop none &&
	# a day old, or an hour ahead: git compares the difference in
	# either direction with the slop, and has no other bound
	old=$(forge_nonce server.git "$seed" $((now - 86400))) &&
	make_cert "$OWNER" "$old" "$ZERO $X refs/heads/slop" >cert &&
	raw_denied refs/heads/slop --stateless --cert cert server.git &&
	grep "^error: the push certificate'\''s nonce is too old (SLOP)" raw.err &&
	new=$(forge_nonce server.git "$seed" $((now + 3600))) &&
	make_cert "$OWNER" "$new" "$ZERO $X refs/heads/slop" >cert &&
	raw_denied refs/heads/slop --stateless --cert cert server.git &&
	grep "^error: the push certificate'\''s nonce is too old (SLOP)" raw.err &&
	ref_is server.git refs/heads/slop none
'

# Issue 13, finding 4: git reads receive.certNonceSlop from every config
# level, the hook from the repository's only.  With the slop set
# server-wide (here the pushing account's global config, which git reads)
# and not in the repository, git said OK to a stateless certificate
# replayed after 65 s while the hook thought the window was 0 s.
test_expect_success 'a slop set only outside the repository rejects every push' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(cat owner.id) X=$(cat x.id) &&
	seed=$(git -C server.git config receive.certNonceSeed) &&
	git -C server.git config --unset receive.certNonceSlop &&
	test_when_finished "git -C server.git config receive.certNonceSlop 30" &&
	git config --global receive.certNonceSlop 300 &&
	test_when_finished "git config --global --unset receive.certNonceSlop" &&
	old=$(forge_nonce server.git "$seed" $(($(date +%s) - 65))) &&
	make_cert "$OWNER" "$old" "$ZERO $X refs/heads/wide" >cert &&
	raw_denied refs/heads/wide --stateless --cert cert server.git &&
	grep "^error: receive.certNonceSlop is not set in the repository'\''s config: every push is rejected" raw.err &&
	ref_is server.git refs/heads/wide none &&
	# even a fresh certificate: git and the hook must agree on the window
	make_cert "$OWNER" "$(now_nonce)" "$ZERO $X refs/heads/wide" >cert &&
	raw_denied refs/heads/wide --stateless --cert cert server.git &&
	grep "^error: receive.certNonceSlop is not set in the repository" raw.err &&
	ref_is server.git refs/heads/wide none
'

test_expect_success 'the slop in the repository: the same fresh push is accepted (twin)' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(cat owner.id) X=$(cat x.id) &&
	make_cert "$OWNER" "$(now_nonce)" "$ZERO $X refs/heads/wide" >cert &&
	raw_ok --stateless --cert cert server.git &&
	ref_is server.git refs/heads/wide $X
'

test_expect_success 'stateless: a made-up nonce is BAD' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(cat owner.id) X=$(cat x.id) &&
	now=$(date +%s) &&
	bad=$(forge_nonce server.git not-the-seed $now) &&
	make_cert "$OWNER" "$bad" "$ZERO $X refs/heads/slop" >cert &&
	raw_denied refs/heads/slop --stateless --cert cert server.git &&
	grep "^error: the push certificate'\''s nonce is BAD, not OK" raw.err &&
	ref_is server.git refs/heads/slop none
'

test_expect_success 'stateless: a nonce forged with the seed and the time now is OK (twin)' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(cat owner.id) X=$(cat x.id) &&
	make_cert "$OWNER" "$(now_nonce)" "$ZERO $X refs/heads/slop" >cert &&
	raw_ok --stateless --cert cert server.git &&
	grep "^ok refs/heads/slop$" raw.out &&
	ref_is server.git refs/heads/slop $X
'

# Within the slop a nonce is good for any number of sessions: only the
# record of accepted certificates stops a replay (SPEC 2).

test_expect_success 'stateless: a certificate accepted once is refused the second time' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(cat owner.id) X=$(cat x.id) &&
	make_cert "$OWNER" "$(now_nonce)" "$ZERO $X refs/heads/replay" >cert &&
	raw_ok --stateless --cert cert server.git &&
	ref_is server.git refs/heads/replay $X &&
	test -f server.git/gitapps/accepted-certs/$(record_name cert) &&
	# put the ref back where the certificate says it was
	git -C server.git update-ref -d refs/heads/replay &&
	raw_denied refs/heads/replay --stateless --cert cert server.git &&
	grep "^error: this push certificate was already used: push again with '\''git push --signed'\''$" raw.err &&
	ref_is server.git refs/heads/replay none
'

test_expect_success 'stateless: a new certificate for the same update is accepted (twin)' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(cat owner.id) X=$(cat x.id) &&
	make_cert "$OWNER" "$(now_nonce)" "$ZERO $X refs/heads/replay" >cert &&
	raw_ok --stateless --cert cert server.git &&
	ref_is server.git refs/heads/replay $X
'

test_expect_success 'a certificate git push --signed sent, replayed, is refused' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(cat owner.id) X=$(cat x.id) &&
	ls server.git/gitapps/accepted-certs >before &&
	(
		cd client &&
		push_ok "$OWNER" origin HEAD:refs/heads/real
	) &&
	ls server.git/gitapps/accepted-certs >after &&
	comm -13 before after >new &&
	test $(wc -l <new) = 1 &&
	# receive-pack keeps the certificate it was sent as a blob
	git -C server.git cat-file --batch-all-objects --batch-check="%(objecttype) %(objectname)" |
	while read type id
	do
		test $type = blob &&
		git -C server.git cat-file blob $id >candidate &&
		grep -q "^$ZERO $X refs/heads/real$" candidate &&
		cp candidate real.cert
	done ;
	test -s real.cert &&
	test "$(record_name real.cert)" = "$(cat new)" &&
	grep "^$ZERO $X refs/heads/real$" real.cert &&
	git -C server.git update-ref -d refs/heads/real &&
	# over one session its nonce is BAD, but for the rest of the second
	# in which git issued it: then receive-pack issues the same nonce
	# again, calls it OK, and the record refuses it ...
	(
		cd client &&
		raw_denied refs/heads/real --cert ../real.cert ../server.git
	) &&
	grep -e "^error: the push certificate'\''s nonce is BAD, not OK" \
		-e "^error: this push certificate was already used" client/raw.err &&
	ref_is server.git refs/heads/real none &&
	# ... but smart HTTP takes it for the slop: the record refuses it
	(
		cd client &&
		raw_denied refs/heads/real --stateless --cert ../real.cert \
			../server.git
	) &&
	grep "^error: this push certificate was already used" client/raw.err &&
	ref_is server.git refs/heads/real none
'

test_expect_success 'the same replay, its record gone, gets in: the record is the guard (twin)' '
	rm server.git/gitapps/accepted-certs/$(cat new) &&
	(
		cd client &&
		raw_ok --stateless --cert ../real.cert ../server.git
	) &&
	ref_is server.git refs/heads/real $(cat x.id)
'

# One signed payload and one signature can be spelled as many blobs that
# verify all the same: gpg and the hook accept armor headers, any base64
# line length, no CRC line, and either packet header format.  A record
# named by the blob id (as SPEC 2 words it) would take each spelling for a
# new certificate; ours is named by the payload.

test_expect_success 'setup: a certificate accepted, then refused as it was' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(cat owner.id) X=$(cat x.id) &&
	make_cert "$OWNER" "$(now_nonce)" "$ZERO $X refs/heads/remint" \
		>remint.cert &&
	raw_ok --stateless --cert remint.cert server.git &&
	ref_is server.git refs/heads/remint $X &&
	git -C server.git update-ref -d refs/heads/remint &&
	raw_denied refs/heads/remint --stateless --cert remint.cert \
		server.git &&
	grep "^error: this push certificate was already used" raw.err &&
	ref_is server.git refs/heads/remint none
'

# The record is keyed by a hash of the signed payload (it holds the nonce
# and the pusher's time), not by the certificate's blob id, which the
# replayer chooses: these re-encoded replays of one signature are refused.
test_expect_success 'the same certificate with an armor header added is refused' '
	git -C server.git update-ref -d refs/heads/remint &&
	remint comment remint.cert >cert &&
	! cmp -s remint.cert cert &&
	raw_denied refs/heads/remint --stateless --cert cert server.git &&
	grep -e "^error: this push certificate was already used" \
		-e "^error: bad push certificate" raw.err &&
	ref_is server.git refs/heads/remint none
'

test_expect_success 'the same signature packet with a new-format header is refused' '
	git -C server.git update-ref -d refs/heads/remint &&
	remint new-format remint.cert >cert &&
	! cmp -s remint.cert cert &&
	raw_denied refs/heads/remint --stateless --cert cert server.git &&
	grep -e "^error: this push certificate was already used" \
		-e "^error: bad push certificate" raw.err &&
	ref_is server.git refs/heads/remint none
'


# Issue 15: a signature that takes longer than the slop (a hardware token,
# a slow passphrase) fails over smart HTTP; git acl init --slop widens the
# window, in the one config file that git and the hook both read.
test_expect_success 'init --slop 120: a nonce 90 s old is OK, one 121 s old is SLOP' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(cat owner.id) X=$(cat x.id) &&
	git acl init --force --owner "$OWNER" --slop 120 server.git >/dev/null &&
	test "$(git -C server.git config receive.certNonceSlop)" = 120 &&
	seed=$(git -C server.git config receive.certNonceSeed) &&
	now=$(date +%s) &&
	old=$(forge_nonce server.git "$seed" $((now - 121))) &&
	make_cert "$OWNER" "$old" "$ZERO $X refs/heads/slow" >cert &&
	raw_denied refs/heads/slow --stateless --cert cert server.git &&
	grep "^error: the push certificate'\''s nonce is too old (SLOP)" raw.err &&
	ref_is server.git refs/heads/slow none &&
	old=$(forge_nonce server.git "$seed" $((now - 90))) &&
	make_cert "$OWNER" "$old" "$ZERO $X refs/heads/slow" >cert &&
	raw_ok --stateless --cert cert server.git &&
	ref_is server.git refs/heads/slow $X
'

test_done
