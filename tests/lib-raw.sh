# lib-raw.sh: for tests that speak receive-pack through tests/tools/raw-push
# (sourced after lib.sh)

RAW_PUSH="$SRC/tests/tools/raw-push"
ZERO=0000000000000000000000000000000000000000

# raw_ok <raw-push args>...: accepted: status 0, every ref "ok", no
# error or denial from the hook.  Output in raw.out and raw.err.
raw_ok () {
	"$RAW_PUSH" "$@" >raw.out 2>raw.err || {
		cat raw.out raw.err >&2
		return 1
	}
	! grep "^ng " raw.out &&
	! grep -e "denied:" -e "error:" raw.err
}

# raw_denied <ref> <raw-push args>...: the hook declined: status 1 and
# "ng <ref> pre-receive hook declined".  Output in raw.out and raw.err.
raw_denied () {
	rd_ref=$1 &&
	shift &&
	test_expect_code 1 "$RAW_PUSH" "$@" >raw.out 2>raw.err &&
	grep "^ng $rd_ref pre-receive hook declined" raw.out
}

# forge_nonce <path> <seed> <time>: the nonce receive-pack issues at
# <time> for the repository it was given as <path>: "<time>-" and the
# hex HMAC-SHA1 keyed with "<path>:<time>" of the seed
# (prepare_push_cert_nonce() in git's builtin/receive-pack.c).
forge_nonce () {
	perl -MDigest::SHA=hmac_sha1_hex -e '
		my ($path, $seed, $t) = @ARGV;
		print "$t-", hmac_sha1_hex($seed, "$path:$t"), "\n";
	' "$@"
}

# now_nonce: a genuine nonce for server.git, issued now
now_nonce () {
	forge_nonce server.git \
		"$(git -C server.git config receive.certNonceSeed)" "$(date +%s)"
}

# make_cert [--textmode] <key> <nonce, or "none"> <command>...: a
# certificate as git writes one, signed by <key> as a binary document
# (with --textmode, as a text document).  Each has its own pusher time,
# so that no two are the same blob.
cert_seq=0
make_cert () {
	mc_mode= &&
	if test "$1" = --textmode
	then
		mc_mode=--textmode &&
		shift
	fi &&
	mc_key=$1 &&
	mc_nonce=$2 &&
	shift 2 &&
	cert_seq=$((cert_seq + 1)) &&
	{
		echo "certificate version 0.1" &&
		echo "pusher $mc_key $((1764000000 + cert_seq)) +0000" &&
		echo "pushee server.git" &&
		if test "$mc_nonce" != none
		then
			echo "nonce $mc_nonce"
		fi &&
		echo &&
		for mc_cmd in "$@"
		do
			echo "$mc_cmd" || return 1
		done
	} >payload &&
	cat payload &&
	gpg --batch --quiet --detach-sign --armor -u "$mc_key" $mc_mode \
		-o - payload
}
