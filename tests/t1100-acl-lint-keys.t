#!/bin/sh

test_description='git acl lint: key files that identify nobody are warned about'

. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: keys and a repository' '
	test_when_finished stop_gpg_agent &&
	ALICE=$(make_key "Alice <alice@example.com>") &&
	BOB=$(make_key "Bob <bob@example.com>") &&
	test -n "$ALICE" && test -n "$BOB" &&
	echo "$ALICE" >alice.id && echo "$BOB" >bob.id &&
	git init -q --bare repo.git &&
	mkdir -p keys/keys
'

# lint_keys: commit the default policy plus keys/ and lint it into out
lint_keys () {
	(
		cd repo.git &&
		git update-ref -d refs/apps/access-control 2>/dev/null
		commit_policy refs/apps/access-control "$DEFAULT_POLICY" \
			../keys >/dev/null &&
		git acl lint >../out
	)
}

# kp <id>: keys/<aa>/<id>.asc, the fan-out path of SPEC 2, its directory
# made under keys/keys
kp () {
	mkdir -p "keys/keys/$(echo "$1" | cut -c1-2)" &&
	echo "keys/$(echo "$1" | cut -c1-2)/$1.asc"
}

# armor <type> <binary file>: armor it ourselves, without a checksum
armor () {
	printf -- "-----BEGIN %s-----\n\n" "$1" &&
	base64 -w 64 "$2" &&
	printf -- "-----END %s-----\n" "$1"
}

test_expect_success 'a good key file named by its fingerprint: no output' '
	ALICE=$(cat alice.id) &&
	gpg --armor --export "$ALICE" >keys/$(kp $ALICE) &&
	lint_keys &&
	test_must_be_empty out
'

test_expect_success 'a key file named by another fingerprint' '
	ALICE=$(cat alice.id) BOB=$(cat bob.id) &&
	gpg --armor --export "$BOB" >keys/$(kp $ALICE) &&
	lint_keys &&
	echo "$(kp $ALICE): warning: key file holds the key $BOB, not $ALICE, so it identifies nobody" >expect &&
	test_cmp expect out
'

test_expect_success 'two keys in one file' '
	ALICE=$(cat alice.id) BOB=$(cat bob.id) &&
	gpg --armor --export "$ALICE" "$BOB" >keys/$(kp $ALICE) &&
	lint_keys &&
	echo "$(kp $ALICE): warning: key file holds more than one key, so it identifies nobody" >expect &&
	test_cmp expect out
'

test_expect_success 'two armored blocks in one file' '
	ALICE=$(cat alice.id) BOB=$(cat bob.id) &&
	{ gpg --armor --export "$ALICE" && gpg --armor --export "$BOB"; } \
		>keys/$(kp $ALICE) &&
	lint_keys &&
	echo "$(kp $ALICE): warning: key file is not one armored public key: data after the armored block, so it identifies nobody" >expect &&
	test_cmp expect out
'

test_expect_success 'a secret key' '
	ALICE=$(cat alice.id) &&
	gpg --batch --pinentry-mode loopback --passphrase "" --armor \
		--export-secret-keys "$ALICE" >keys/$(kp $ALICE) &&
	lint_keys &&
	echo "$(kp $ALICE): warning: key file is not one armored public key: does not start with '\''-----BEGIN PGP PUBLIC KEY BLOCK-----'\'', so it identifies nobody" >expect &&
	test_cmp expect out
'

test_expect_success 'a secret key packet inside a public key block' '
	ALICE=$(cat alice.id) &&
	gpg --batch --pinentry-mode loopback --passphrase "" \
		--export-secret-keys "$ALICE" >secret.bin &&
	armor "PGP PUBLIC KEY BLOCK" secret.bin >keys/$(kp $ALICE) &&
	lint_keys &&
	echo "$(kp $ALICE): warning: key file holds a secret key, so it identifies nobody" >expect &&
	test_cmp expect out
'

test_expect_success 'a stray packet after the key' '
	ALICE=$(cat alice.id) &&
	gpg --export "$ALICE" >key.bin &&
	echo hello | gpg --compress-algo none --store >literal.bin &&
	cat key.bin literal.bin >both.bin &&
	armor "PGP PUBLIC KEY BLOCK" both.bin >keys/$(kp $ALICE) &&
	lint_keys &&
	echo "$(kp $ALICE): warning: key file holds a stray packet (tag 11), so it identifies nobody" >expect &&
	test_cmp expect out
'

test_expect_success 'the same packets without the stray one are fine' '
	ALICE=$(cat alice.id) &&
	armor "PGP PUBLIC KEY BLOCK" key.bin >keys/$(kp $ALICE) &&
	lint_keys &&
	test_must_be_empty out
'

test_expect_success 'a bad armor checksum' '
	ALICE=$(cat alice.id) &&
	gpg --armor --export "$ALICE" >good.asc &&
	sed "s/^=.*/=AAAA/" good.asc >keys/$(kp $ALICE) &&
	! test_cmp good.asc keys/$(kp $ALICE) &&
	lint_keys &&
	echo "$(kp $ALICE): warning: key file is not one armored public key: bad armor checksum, so it identifies nobody" >expect &&
	test_cmp expect out
'

test_expect_success 'a revoked key' '
	test_when_finished stop_gpg_agent &&
	CAROL=$(make_key "Carol <carol@example.com>") &&
	gpg --batch --yes --pinentry-mode loopback --passphrase "" \
		--import "$GNUPGHOME/openpgp-revocs.d/$CAROL.rev" 2>/dev/null ||
	{
		# the revocation certificate is commented out with ":"
		sed "s/^:-----BEGIN/-----BEGIN/" \
			"$GNUPGHOME/openpgp-revocs.d/$CAROL.rev" >rev.asc &&
		gpg --batch --import rev.asc 2>/dev/null
	} &&
	rm -rf keys/keys/* &&
	gpg --armor --export "$CAROL" >keys/$(kp $CAROL) &&
	lint_keys &&
	echo "$(kp $CAROL): warning: key file is revoked, so it identifies nobody" >expect &&
	test_cmp expect out
'

test_expect_success 'an expired key' '
	test_when_finished stop_gpg_agent &&
	DAVE=$(gpg --faked-system-time 20200101T000000 --batch --quiet \
		--passphrase "" --quick-gen-key "Dave <dave@example.com>" \
		ed25519 sign 1d 2>/dev/null &&
		gpg --with-colons --list-keys "=Dave <dave@example.com>" |
		awk -F: "/^fpr:/ { print \$10; exit }") &&
	test -n "$DAVE" &&
	rm -rf keys/keys/* &&
	gpg --armor --export "$DAVE" >keys/$(kp $DAVE) &&
	lint_keys &&
	echo "$(kp $DAVE): warning: key file has expired, so it identifies nobody" >expect &&
	test_cmp expect out
'

test_expect_success 'a key file over 64 KiB' '
	ALICE=$(cat alice.id) &&
	rm -rf keys/keys/* &&
	{ gpg --armor --export "$ALICE" && printf "%065536d\n" 0; } \
		>keys/$(kp $ALICE) &&
	lint_keys &&
	echo "$(kp $ALICE): warning: key file is larger than 65536 bytes, so it identifies nobody" >expect &&
	test_cmp expect out
'

test_expect_success 'garbage' '
	ALICE=$(cat alice.id) &&
	echo "not a key" >keys/$(kp $ALICE) &&
	lint_keys &&
	echo "$(kp $ALICE): warning: key file is not one armored public key: does not start with '\''-----BEGIN PGP PUBLIC KEY BLOCK-----'\'', so it identifies nobody" >expect &&
	test_cmp expect out
'

test_expect_success 'lint leaves no gpg-agent and no temporary gpg home behind' '
	ALICE=$(cat alice.id) &&
	gpg --armor --export "$ALICE" >keys/$(kp $ALICE) &&
	mkdir tmp &&
	(
		TMPDIR=$(pwd)/tmp && export TMPDIR &&
		lint_keys
	) &&
	test_must_be_empty out &&
	ls tmp >left &&
	test_must_be_empty left &&
	! pgrep -f "gpg-agent.*gitapps-keys"
'

test_expect_success 'a key file in the older flat layout: a warning to migrate' '
	ALICE=$(cat alice.id) &&
	rm -rf keys/keys/* &&
	gpg --armor --export "$ALICE" >keys/keys/$ALICE.asc &&
	lint_keys &&
	echo "keys/$ALICE.asc: warning: key file in the older flat layout: run '\''git acl keys migrate'\'' to move it to $(kp $ALICE)" >expect &&
	test_cmp expect out
'

test_expect_success 'one id with a key file in both layouts: an error' '
	ALICE=$(cat alice.id) &&
	gpg --armor --export "$ALICE" >keys/$(kp $ALICE) &&
	test_must_fail lint_keys &&
	grep "^keys/$ALICE.asc: user id $ALICE has a key file in both layouts: keep $(kp $ALICE) only$" out
'

test_expect_success 'a real key with an encryption subkey: nothing to report' '
	test_when_finished stop_gpg_agent &&
	rm -rf keys/keys/* &&
	cp "$SRC/tests/unit/fixtures/backsig/ed25519.asc" ed.asc &&
	ID=$(gpg --with-colons --show-keys ed.asc | awk -F: "/^fpr:/ { print \$10; exit }") &&
	cp ed.asc keys/$(kp $ID) &&
	lint_keys &&
	test_must_be_empty out
'

# drop_after <tag>: stdin, binary packets (gpg's old-format headers);
# stdout, without the signatures that follow a packet of that tag
drop_after () {
	perl -e '
		binmode STDIN; binmode STDOUT;
		my $in = do { local $/; <STDIN> };
		my ($pos, $prev, $out) = (0, 0, "");
		while ($pos < length $in) {
			my $start = $pos;
			my $ctb = ord(substr($in, $pos++, 1));
			my $tag = ($ctb >> 2) & 0xf;
			my $n = (1, 2, 4)[$ctb & 3];
			my $len = unpack(("C", "n", "N")[$ctb & 3],
			    substr($in, $pos, $n));
			$pos += $n + $len;
			my $keep = !($tag == 2 && $prev == $ARGV[0]);
			$out .= substr($in, $start, $pos - $start) if $keep;
			$prev = $tag if $tag != 2;
			$prev = -1 if $tag == 2 && $keep;
		}
		print $out;
	' "$1"
}

test_expect_success 'a user id without its self-signature' '
	ALICE=$(cat alice.id) &&
	rm -rf keys/keys/* &&
	gpg --export "$ALICE" | drop_after 13 >nouid.bin &&
	armor "PGP PUBLIC KEY BLOCK" nouid.bin >keys/$(kp $ALICE) &&
	lint_keys &&
	echo "$(kp $ALICE): warning: key file holds a user id without its self-signature, so it identifies nobody" >expect &&
	test_cmp expect out
'

test_expect_success 'a packet twice' '
	ALICE=$(cat alice.id) &&
	gpg --export "$ALICE" >once.bin &&
	cat once.bin once.bin >twice.bin &&
	armor "PGP PUBLIC KEY BLOCK" twice.bin >keys/$(kp $ALICE) &&
	lint_keys &&
	echo "$(kp $ALICE): warning: key file holds the same packet twice (tag 6), so it identifies nobody" >expect &&
	test_cmp expect out
'

test_done
