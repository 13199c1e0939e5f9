# lib-keys.sh: crafted key files, and registering them (sourced after
# lib-hook.sh): what an attacker who may register can publish

# key_field <key> <record> <field>: a field of gpg's colon listing
key_field () {
	gpg --with-colons --with-keygrip --list-keys "$1" |
	awk -F: -v r="$2" -v f="$3" '$1 == r { print $f; exit }'
}

# armor_key: stdin, binary OpenPGP packets, armored as a public key block;
# with --no-backsig, first without the embedded signature subpackets
# (type 32) of each signature's unhashed area: a signing subkey's binding
# signature then lacks the subkey's back-signature (RFC 4880 5.2.3.26;
# gpg puts it in the unhashed area).  Packets are rewritten with old-format
# two-octet lengths.
armor_key () {
	perl -MMIME::Base64=encode_base64 -e '
		my $strip = @ARGV && $ARGV[0] eq "--no-backsig";
		binmode(STDIN);
		my $in = do { local $/; <STDIN> };
		my ($pos, $out) = (0, "");
		while ($pos < length($in)) {
			my $ctb = ord(substr($in, $pos++, 1));
			die "not a packet\n" unless $ctb & 0x80;
			my ($tag, $len);
			if ($ctb & 0x40) {
				$tag = $ctb & 0x3f;
				my $o = ord(substr($in, $pos++, 1));
				if ($o < 192) {
					$len = $o;
				} elsif ($o < 224) {
					$len = (($o - 192) << 8) + 192 +
					    ord(substr($in, $pos++, 1));
				} elsif ($o == 255) {
					$len = unpack("N", substr($in, $pos, 4));
					$pos += 4;
				} else {
					die "partial length\n";
				}
			} else {
				$tag = ($ctb >> 2) & 0xf;
				my $lt = $ctb & 3;
				die "indeterminate length\n" if $lt == 3;
				my $n = (1, 2, 4)[$lt];
				$len = unpack(("C", "n", "N")[$lt],
				    substr($in, $pos, $n));
				$pos += $n;
			}
			my $body = substr($in, $pos, $len);
			$pos += $len;
			if ($strip && $tag == 2 && ord($body) == 4) {
				my $hl = unpack("n", substr($body, 4, 2));
				my $ul = unpack("n", substr($body, 6 + $hl, 2));
				my $un = substr($body, 8 + $hl, $ul);
				my ($p, $keep) = (0, "");
				while ($p < length($un)) {
					my $o = ord(substr($un, $p, 1));
					my ($sl, $hn) = $o < 192 ? ($o, 1)
					    : $o < 255 ? (((($o - 192) << 8) + 192 +
						ord(substr($un, $p + 1, 1))), 2)
					    : (unpack("N", substr($un, $p + 1, 4)), 5);
					my $sub = substr($un, $p, $hn + $sl);
					$keep .= $sub
					    unless (ord(substr($sub, $hn, 1)) & 0x7f)
						== 32;
					$p += $hn + $sl;
				}
				$body = substr($body, 0, 6 + $hl) .
				    pack("n", length($keep)) . $keep .
				    substr($body, 8 + $hl + $ul);
			}
			$out .= chr(0x81 | ($tag << 2)) . pack("n", length($body)) .
			    $body;
		}
		my $crc = 0xb704ce;
		for my $octet (unpack("C*", $out)) {
			$crc ^= $octet << 16;
			for (1 .. 8) {
				$crc <<= 1;
				$crc ^= 0x1864cfb if $crc & 0x1000000;
			}
		}
		my $b64 = encode_base64($out, "");
		$b64 =~ s/(.{1,64})/$1\n/g;
		print "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n", $b64, "=",
		    encode_base64(substr(pack("N", $crc & 0xffffff), 1)),
		    "-----END PGP PUBLIC KEY BLOCK-----\n";
	' -- "$@"
}

# copy_as_subkey <holder> <victim> [--no-backsig]: the holder's public key
# with, as a signing subkey, the victim's primary key packet byte for byte
# (same creation time, same key: same fingerprint), bound by the holder's
# own binding signature; armored.  gpg makes it from the victim's keygrip
# ("addkey", "Existing key") at the victim's creation time, so the holder
# must be the older key.  gpg adds the victim's back-signature, which
# needs the victim's secret key: a holder who lacks it has none, which
# --no-backsig reproduces.  The work happens in a throwaway gpg home, so
# the holder's key in $GNUPGHOME is untouched.
copy_as_subkey () {
	rm -rf "$SHARNESS_TRASH_DIRECTORY/craft-home" &&
	cs_home=$(gpg_home craft-home) &&
	test_when_finished "GNUPGHOME=\"$cs_home\" gpgconf --kill all 2>/dev/null; rm -rf \"\$SHARNESS_TRASH_DIRECTORY/craft-home\"" &&
	cp -R "$GNUPGHOME/private-keys-v1.d" "$cs_home/" &&
	gpg --export "$1" | GNUPGHOME="$cs_home" gpg --batch --quiet --import &&
	cs_grip=$(key_field "$2" grp 10) &&
	cs_time=$(key_field "$2" pub 6) &&
	test "$cs_time" -ge "$(key_field "$1" pub 6)" &&
	printf "13\n%s\nQ\n0\n" "$cs_grip" |
	GNUPGHOME="$cs_home" gpg --batch --quiet --expert \
		--pinentry-mode loopback --passphrase "" \
		--faked-system-time "$cs_time!" --command-fd 0 \
		--edit-key "$1" addkey save 2>/dev/null &&
	GNUPGHOME="$cs_home" gpg --export "$1" >copy.bin &&
	armor_key $3 <copy.bin
}

# subkey_fprs <key file>: the fingerprints of its subkeys, as gpg reads
# them (a subkey without a valid binding would not be listed)
subkey_fprs () {
	gpg --with-colons --show-keys "$1" 2>/dev/null |
	awk -F: '$1 == "sub" { s = 1; next } $1 == "fpr" && s { print $10 } { s = 0 }'
}

# register <id> <key file>: in the policy clone, <id> pushes the creation
# of keys/<aa>/<id>.asc holding <key file> (a path in the trash
# directory); the push must be accepted
register () {
	(
		cd policy &&
		fresh_acl &&
		mkdir -p keys/$(echo $1 | cut -c1-2) &&
		cp "../$2" keys/$(echo $1 | cut -c1-2)/$1.asc &&
		git add keys &&
		test_tick &&
		git commit -q -m "register $1" &&
		push_ok "$1" origin HEAD:refs/apps/access-control
	) &&
	ref_is server.git refs/apps/access-control \
		$(git -C policy rev-parse HEAD)
}


