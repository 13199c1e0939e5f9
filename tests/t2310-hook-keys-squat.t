#!/bin/sh

test_description='pre-receive: what others'\'' key files can no longer do (issue 13)

Nine registrants whose key files carry a copy of the owner'\''s key as a
subkey, bound by their own binding signature and without its
back-signature, locked the owner out ("more than 8 key files hold the
signing key").  Candidates are now the file named by the issuer and files
where it is a back-signed signing subkey (SPEC 2): the copies cost the
owner nothing.  Bans, refreshes and the two layouts of one id each have
an attack and a twin.'

. "$(dirname "$0")/lib.sh"
. "$SRC/tests/lib-hook.sh"
. "$SRC/tests/lib-raw.sh"
. "$SRC/tests/lib-keys.sh"

SQUATTERS="1 2 3 4 5 6 7 8 9"

test_expect_success 'setup: nine squatters, then the owner, a server, a client' '
	test_when_finished stop_gpg_agent &&
	# a subkey is never older than its primary key: squatters first
	for i in $SQUATTERS
	do
		make_key "Squatter $i <s$i@example.com>" >S$i.id || return 1
	done &&
	OWNER=$(make_key "Owner <owner@example.com>") &&
	echo $OWNER >OWNER.id &&
	setup_server server.git "$OWNER" &&
	git clone -q --no-checkout server.git policy 2>/dev/null &&
	git init -q client &&
	(
		cd client &&
		git remote add origin ../server.git &&
		echo hello >README &&
		git add README &&
		test_tick &&
		git commit -q -m first &&
		push_ok "$OWNER" origin HEAD:refs/heads/main
	)
'

test_expect_success 'nine squatters register copies of the owner'\''s key as their subkey' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(cat OWNER.id) &&
	for i in $SQUATTERS
	do
		S=$(cat S$i.id) &&
		copy_as_subkey $S $OWNER --no-backsig >s$i.asc &&
		# gpg itself lists the copy as a subkey of the squatter
		gpg --with-colons --show-keys s$i.asc 2>/dev/null |
			grep "^fpr:.*:$OWNER:" &&
		register $S s$i.asc || return 1
	done
'

test_expect_success 'the owner still pushes: accepted' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(cat OWNER.id) &&
	(
		cd client &&
		echo more >>README &&
		git commit -q -am more &&
		push_ok "$OWNER" origin HEAD:refs/heads/main
	) &&
	ref_is server.git refs/heads/main $(git -C client rev-parse HEAD)
'

test_expect_success 'the owner repairs the policy, forcing it past the squatters'\'' files' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(cat OWNER.id) &&
	(
		cd policy &&
		fresh_acl &&
		for i in $SQUATTERS
		do
			git rm -q $(keypath $(cat ../S$i.id)) || return 1
		done &&
		test_tick &&
		git commit -q -m "remove the squatters" &&
		git reset -q --soft HEAD~2 &&
		git commit -q -m "remove the squatters, rewritten" &&
		push_ok "$OWNER" origin +HEAD:refs/apps/access-control
	) &&
	ref_is server.git refs/apps/access-control $(git -C policy rev-parse HEAD)
'

# --- bans ----------------------------------------------------------------

test_expect_success 'setup: Alice and Bob register' '
	test_when_finished stop_gpg_agent &&
	ALICE=$(make_key "Alice <alice@example.com>") &&
	BOB=$(make_key "Bob <bob@example.com>") &&
	echo $ALICE >ALICE.id && echo $BOB >BOB.id &&
	gpg --armor --export $ALICE >alice.asc &&
	gpg --armor --export $BOB >bob.asc &&
	register $ALICE alice.asc &&
	register $BOB bob.asc &&
	(
		cd policy &&
		fresh_acl &&
		echo "anyone create-branch heads/users/\${user_id}/.*" \
			>refs/users.conf &&
		git add refs &&
		test_tick &&
		git commit -q -m "users create their branches" &&
		push_ok "$(cat ../OWNER.id)" origin HEAD:refs/apps/access-control
	)
'

test_expect_success 'a banned user identifies nobody: rejected' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(cat OWNER.id) ALICE=$(cat ALICE.id) &&
	(
		cd policy &&
		fresh_acl &&
		mkdir -p banned &&
		echo "spam" >banned/$ALICE &&
		git add banned &&
		test_tick &&
		git commit -q -m "ban Alice" &&
		push_ok "$OWNER" origin HEAD:refs/apps/access-control
	) &&
	(
		cd client &&
		push_denied "$ALICE" origin HEAD:refs/heads/users/$ALICE/x
	) &&
	ref_is server.git refs/heads/users/$ALICE/x none &&
	said "error: this key is banned from this repository (banned/ in refs/apps/access-control): ask an owner why"
'

test_expect_success '... its twin: Bob, not banned, gets in' '
	test_when_finished stop_gpg_agent &&
	BOB=$(cat BOB.id) &&
	(
		cd client &&
		push_ok "$BOB" origin HEAD:refs/heads/users/$BOB/x
	) &&
	ref_is server.git refs/heads/users/$BOB/x $(git -C client rev-parse HEAD)
'

test_expect_success 'a ban outlives the key file: Alice cannot register again' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(cat OWNER.id) ALICE=$(cat ALICE.id) &&
	(
		cd policy &&
		fresh_acl &&
		git rm -q $(keypath $ALICE) &&
		test_tick &&
		git commit -q -m "drop Alice'\''s key file" &&
		push_ok "$OWNER" origin HEAD:refs/apps/access-control &&
		mkdir -p $(dirname $(keypath $ALICE)) &&
		cp ../alice.asc $(keypath $ALICE) &&
		git add keys &&
		test_tick &&
		git commit -q -m "Alice again" &&
		push_denied "$ALICE" origin HEAD:refs/apps/access-control
	) &&
	said "error: this key is banned from this repository (banned/ in refs/apps/access-control): ask an owner why" &&
	test_must_fail git -C server.git rev-parse -q --verify \
		refs/apps/access-control:$(keypath $ALICE)
'

test_expect_success 'nobody bans an owner, not even an owner' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(cat OWNER.id) &&
	before=$(git -C server.git rev-parse refs/apps/access-control) &&
	(
		cd policy &&
		fresh_acl &&
		echo "oops" >banned/$OWNER &&
		git add banned &&
		test_tick &&
		git commit -q -m "ban the owner" &&
		push_denied "$OWNER" origin HEAD:refs/apps/access-control
	) &&
	said "denied: $OWNER may not fast-forward apps/access-control (commit $(short policy HEAD)): banned/$OWNER bans an owner (gitapps.owner): a ban never applies to an owner" &&
	ref_is server.git refs/apps/access-control $before
'

# --- a revoked key stays revoked ---------------------------------------------

test_expect_success 'setup: Carol registers, then revokes her key' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(cat OWNER.id) &&
	CAROL=$(make_key "Carol <carol@example.com>") &&
	echo $CAROL >CAROL.id &&
	gpg --armor --export $CAROL >carol.asc &&
	register $CAROL carol.asc &&
	sed "s/^:-----BEGIN/-----BEGIN/" \
		"$GNUPGHOME/openpgp-revocs.d/$CAROL.rev" >carol.rev &&
	GNUPGHOME=$(gpg_home carol-home) gpg --batch --quiet --import carol.asc &&
	GNUPGHOME=$(gpg_home carol-home) gpg --batch --quiet --import carol.rev &&
	GNUPGHOME=$(gpg_home carol-home) gpg --armor --export $CAROL >carol-revoked.asc &&
	GNUPGHOME=$(gpg_home carol-home) gpgconf --kill all &&
	(
		cd policy &&
		fresh_acl &&
		cp ../carol-revoked.asc $(keypath $CAROL) &&
		git add keys &&
		test_tick &&
		git commit -q -m "Carol revoked her key" &&
		push_ok "$OWNER" origin HEAD:refs/apps/access-control
	)
'

# Whoever stole Carol's secret key signs with it.
test_expect_success 'the revoked key registered again in the flat layout: rejected' '
	test_when_finished stop_gpg_agent &&
	CAROL=$(cat CAROL.id) &&
	before=$(git -C server.git rev-parse refs/apps/access-control) &&
	(
		cd policy &&
		fresh_acl &&
		cp ../carol.asc keys/$CAROL.asc &&
		git add keys &&
		test_tick &&
		git commit -q -m "Carol, unrevoked" &&
		push_denied "$CAROL" origin HEAD:refs/apps/access-control
	) &&
	ref_is server.git refs/apps/access-control $before
'

test_expect_success 'the revoked key file rewritten without its revocation: rejected' '
	test_when_finished stop_gpg_agent &&
	CAROL=$(cat CAROL.id) &&
	before=$(git -C server.git rev-parse refs/apps/access-control) &&
	(
		cd policy &&
		fresh_acl &&
		cp ../carol.asc $(keypath $CAROL) &&
		git add keys &&
		test_tick &&
		git commit -q -m "Carol, unrevoked" &&
		push_denied "$CAROL" origin HEAD:refs/apps/access-control
	) &&
	said "error: the push certificate'\''s signature does not verify under the key file of its key (a revoked or expired key identifies nobody: see '\''git acl keys list'\'')" &&
	ref_is server.git refs/apps/access-control $before
'

test_expect_success '... and pushed by the owner, who may write anything there: denied' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(cat OWNER.id) CAROL=$(cat CAROL.id) &&
	before=$(git -C server.git rev-parse refs/apps/access-control) &&
	(
		cd policy &&
		push_denied "$OWNER" origin HEAD:refs/apps/access-control
	) &&
	said "denied: $OWNER may not fast-forward apps/access-control (commit $(short policy HEAD)): $(keypath $CAROL) drops packets of the key file it replaces (a key file only grows: a revocation stays)" &&
	ref_is server.git refs/apps/access-control $before
'

# --- refresh -------------------------------------------------------------

test_expect_success 'setup: Henry'\''s key expired; the owner had published it' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(cat OWNER.id) &&
	then=$(($(date +%s) - 3 * 86400)) &&
	gpg --batch --quiet --passphrase "" --faked-system-time "$then!" \
		--quick-gen-key "Henry <henry@example.com>" ed25519 sign 1d \
		2>/dev/null &&
	HENRY=$(gpg --with-colons --list-keys "=Henry <henry@example.com>" |
		awk -F: "/^fpr:/ { print \$10; exit }") &&
	echo $HENRY >HENRY.id &&
	gpg --armor --export $HENRY >henry.asc &&
	(
		cd policy &&
		fresh_acl &&
		mkdir -p $(dirname $(keypath $HENRY)) &&
		cp ../henry.asc $(keypath $HENRY) &&
		git add keys &&
		test_tick &&
		git commit -q -m "Henry" &&
		push_ok "$OWNER" origin HEAD:refs/apps/access-control
	)
'

# gpg signs with no expired key: Henry extends it first, on his machine.
test_expect_success 'a key expired in its key file identifies nobody' '
	test_when_finished stop_gpg_agent &&
	HENRY=$(cat HENRY.id) &&
	gpg --batch --quiet --passphrase "" --quick-set-expire $HENRY 1y &&
	(
		cd client &&
		push_denied "$HENRY" origin HEAD:refs/heads/users/$HENRY/x
	) &&
	said "error: the push certificate'\''s signature does not verify under the key file of its key (a revoked or expired key identifies nobody: see '\''git acl keys list'\'')" &&
	ref_is server.git refs/heads/users/$HENRY/x none
'

test_expect_success 'Henry refreshes his key with git acl keys add: accepted' '
	test_when_finished stop_gpg_agent &&
	HENRY=$(cat HENRY.id) &&
	gpg --armor --export $HENRY >henry-export.asc &&
	(
		cd policy &&
		git fetch -q origin +refs/apps/access-control:refs/apps/access-control &&
		git config user.name Henry &&
		git config user.email henry@example.com &&
		git acl keys add $HENRY >../out &&
		# the old self-signature stays: the file grew
		git show refs/apps/access-control:$(keypath $HENRY) >../henry-new.asc &&
		push_ok "$HENRY" origin refs/apps/access-control
	) &&
	test $(gpg --list-packets henry-new.asc | grep -c "sigclass 0x13") = 2 &&
	ref_is server.git refs/apps/access-control \
		$(git -C policy rev-parse refs/apps/access-control) &&
	(
		cd client &&
		push_ok "$HENRY" origin HEAD:refs/heads/users/$HENRY/x
	)
'

test_expect_success '... the export that drops the old self-signature would not do' '
	test_when_finished stop_gpg_agent &&
	HENRY=$(cat HENRY.id) &&
	before=$(git -C server.git rev-parse refs/apps/access-control) &&
	(
		cd policy &&
		fresh_acl &&
		cp ../henry-export.asc $(keypath $HENRY) &&
		git add keys &&
		test_tick &&
		git commit -q -m "Henry shrinks his key" &&
		push_denied "$HENRY" origin HEAD:refs/apps/access-control
	) &&
	said "denied: $HENRY may not fast-forward apps/access-control (commit $(short policy HEAD)): $(keypath $HENRY) drops packets of the key file it replaces (a key file only grows: a revocation stays)" &&
	ref_is server.git refs/apps/access-control $before
'

test_expect_success '... its attack: Bob cannot refresh Henry'\''s file with his own key' '
	test_when_finished stop_gpg_agent &&
	BOB=$(cat BOB.id) HENRY=$(cat HENRY.id) &&
	before=$(git -C server.git rev-parse refs/apps/access-control) &&
	(
		cd policy &&
		fresh_acl &&
		cat ../henry-new.asc ../bob.asc >$(keypath $HENRY) &&
		git add keys &&
		test_tick &&
		git commit -q -m "Bob grows Henry" &&
		push_denied "$BOB" origin HEAD:refs/apps/access-control
	) &&
	ref_is server.git refs/apps/access-control $before
'

# --- a revoked signing subkey stays revoked (review F1) -----------------
# gpg reads the first of two copies of one subkey: a "grown" file that
# keeps every packet but puts an unrevoked copy of a revoked subkey first
# would make the stolen subkey sign again.  A key file holds no packet
# and no key twice.

# dup_first_subkey: stdin, binary key packets; stdout, the same with a
# copy of the first subkey and its binding signature put before it
dup_first_subkey () {
	perl -e '
		binmode STDIN; binmode STDOUT;
		my $in = do { local $/; <STDIN> };
		my ($pos, @p) = (0);
		while ($pos < length $in) {
			my $start = $pos;
			my $ctb = ord(substr($in, $pos++, 1));
			my ($tag, $len);
			if ($ctb & 0x40) {
				$tag = $ctb & 0x3f;
				my $o = ord(substr($in, $pos++, 1));
				if ($o < 192) { $len = $o }
				elsif ($o < 224) {
					$len = (($o - 192) << 8) + 192 +
					    ord(substr($in, $pos++, 1));
				} else {
					$len = unpack("N", substr($in, $pos, 4));
					$pos += 4;
				}
			} else {
				$tag = ($ctb >> 2) & 0xf;
				my $n = (1, 2, 4)[$ctb & 3];
				$len = unpack(("C", "n", "N")[$ctb & 3],
				    substr($in, $pos, $n));
				$pos += $n;
			}
			my $body = substr($in, $pos, $len);
			$pos += $len;
			push @p, [$tag, substr($in, $start, $pos - $start),
			    $tag == 2 ? ord(substr($body, 1, 1)) : -1];
		}
		my ($si) = grep { $p[$_][0] == 14 } 0 .. $#p;
		my ($bind) = grep { $_->[0] == 2 && $_->[2] == 0x18 } @p;
		splice(@p, $si, 0, $p[$si], $bind);
		print map { $_->[1] } @p;
	'
}

kill_thief () {
	GNUPGHOME=$(gpg_home thief) gpgconf --kill all 2>/dev/null
	true
}

test_expect_success 'setup: Dave signs with a subkey, which is stolen, then revoked' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(cat OWNER.id) &&
	gpg --batch --quiet --passphrase "" \
		--quick-gen-key "Dave <dave@example.com>" ed25519 cert never \
		2>/dev/null &&
	DAVE=$(gpg --with-colons -k "=Dave <dave@example.com>" |
		awk -F: "/^fpr:/ { print \$10; exit }") &&
	gpg --batch --quiet --passphrase "" --quick-add-key $DAVE ed25519 \
		sign never 2>/dev/null &&
	SUB=$(gpg --with-colons -k $DAVE |
		awk -F: "/^fpr:/ { n++; if (n == 2) print \$10 }") &&
	echo $DAVE >DAVE.id && echo $SUB >SUB.id &&
	gpg --armor --export $DAVE >dave.asc &&
	register $DAVE dave.asc &&
	gpg --batch --pinentry-mode loopback --passphrase "" \
		--export-secret-subkeys "$SUB!" >thief-sec.bin &&
	printf "key 1\nrevkey\ny\n0\n\ny\nsave\n" |
		gpg --batch --command-fd 0 --pinentry-mode loopback \
			--passphrase "" --edit-key $DAVE >/dev/null 2>&1 &&
	gpg --export $DAVE | gpg --list-packets | grep "sigclass 0x28" &&
	gpg --armor --export $DAVE >dave-revoked.asc &&
	(
		cd policy &&
		fresh_acl &&
		cp ../dave-revoked.asc $(keypath $DAVE) &&
		git add keys &&
		test_tick &&
		git commit -q -m "Dave revokes his subkey" &&
		push_ok "$OWNER" origin HEAD:refs/apps/access-control
	) &&
	GNUPGHOME=$(gpg_home thief) gpg --batch --quiet --import thief-sec.bin
'

test_expect_success 'the thief signing with the revoked subkey is refused' '
	test_when_finished kill_thief &&
	DAVE=$(cat DAVE.id) SUB=$(cat SUB.id) &&
	(
		cd client &&
		GNUPGHOME=$(gpg_home thief) push_denied "$SUB!" origin \
			HEAD:refs/heads/users/$DAVE/b
	) &&
	ref_is server.git refs/heads/users/$DAVE/b none
'

test_expect_success '... also with a grown file holding an unrevoked copy first' '
	test_when_finished kill_thief &&
	DAVE=$(cat DAVE.id) SUB=$(cat SUB.id) &&
	before=$(git -C server.git rev-parse refs/apps/access-control) &&
	git -C server.git show refs/apps/access-control:$(keypath $DAVE) |
		gpg --dearmor >cur.bin &&
	dup_first_subkey <cur.bin | armor_key >grown.asc &&
	(
		cd policy &&
		fresh_acl &&
		cp ../grown.asc $(keypath $DAVE) &&
		git add keys &&
		test_tick &&
		git commit -q -m "refresh" &&
		GNUPGHOME=$(gpg_home thief) push_denied "$SUB!" origin \
			HEAD:refs/apps/access-control
	) &&
	ref_is server.git refs/apps/access-control $before
'

test_expect_success '... and the owner cannot publish such a file either' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(cat OWNER.id) DAVE=$(cat DAVE.id) &&
	before=$(git -C server.git rev-parse refs/apps/access-control) &&
	(
		cd policy &&
		push_denied "$OWNER" origin HEAD:refs/apps/access-control
	) &&
	said "denied: $OWNER may not fast-forward apps/access-control (commit $(short policy HEAD)): $(keypath $DAVE) holds the same packet twice (tag 14)" &&
	ref_is server.git refs/apps/access-control $before
'

# --- messages ------------------------------------------------------------

test_expect_success 'an ssh-signed push is told to use gpg.format=openpgp' '
	ssh-keygen -q -t ed25519 -N "" -f ssh-key &&
	(
		cd client &&
		test_must_fail git -c gpg.format=ssh \
			-c user.signingkey="$SHARNESS_TRASH_DIRECTORY/ssh-key.pub" \
			push --signed origin HEAD:refs/heads/users/ssh 2>../push.err
	) &&
	said "error: bad push certificate: push certificate is signed with an ssh key, not OpenPGP: push with '\''git -c gpg.format=openpgp push --signed'\''" &&
	ref_is server.git refs/heads/users/ssh none
'

test_done
