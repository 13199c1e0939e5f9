#!/bin/sh

test_description='git mr: naming requests, and what names may not do (SPEC 7)

A request is <user>/<n>, <user> a fingerprint, a unique prefix of one, or
a name or email that exactly one key file of the policy carries.  Names are
unverified claims: two keys may carry the same one, so such a name
resolves to nobody and is marked wherever it is shown.  Control
characters from the data are printed escaped.'

. "$(dirname "$0")/lib.sh"
. "$SRC/tests/lib-hook.sh"
. "$SRC/tests/lib-mr.sh"

ESC=$(printf "\033")

test_expect_success 'setup: two keys both claim to be Mallory' '
	test_when_finished stop_gpg_agent &&
	mr_setup &&
	MAL1=$(make_key "Mallory <mallory@example.com>") &&
	gpg --batch --yes --quiet --passphrase "" --quick-gen-key \
		"Mallory <mallory@example.com>" ed25519 sign never 2>/dev/null &&
	MAL2=$(gpg --with-colons --list-keys "=Mallory <mallory@example.com>" |
		awk -F: "/^fpr:/ { print \$10 }" | grep -v $MAL1) &&
	test $(echo $MAL2 | wc -w) = 1 &&
	mr_clone mal1 $MAL1 &&
	mr_clone mal2 $MAL2 &&
	mr_register mal1 $MAL1 &&
	mr_register mal2 $MAL2 &&
	topic alice feature a.txt a &&
	(cd alice && git mr create -m "Alice'\''s change" >/dev/null) &&
	topic mal1 evil e.txt e &&
	(cd mal1 && git mr create -m "Trust me" >/dev/null) &&
	A=$(echo $ALICE | cut -c1-16) &&
	M1=$(echo $MAL1 | cut -c1-16) &&
	M2=$(echo $MAL2 | cut -c1-16) &&
	(cd bob && git mr fetch 2>/dev/null)
'

# unique_prefix <id>: the shortest prefix (at least 4 digits) of <id> that
# no other key of this test starts with.
unique_prefix () {
	n=4 &&
	while test $n -lt 40
	do
		p=$(echo $1 | cut -c1-$n) &&
		clash= &&
		for other in $OWNER $MAINT $ALICE $BOB $CI $MAL1 $MAL2
		do
			test $other = $1 && continue
			case $other in
			$p*) clash=yes ;;
			esac
		done &&
		test -z "$clash" && break
		n=$((n + 1))
	done &&
	echo $1 | cut -c1-$n
}

test_expect_success 'Alice/1 by fingerprint, 16 digits, a short prefix, name, email' '
	short=$(unique_prefix $ALICE) &&
	lower=$(echo $short | tr A-F a-f) &&
	echo "merge request $A/1: Alice'\''s change" >expect &&
	for user in $ALICE $A $short $lower Alice alice@example.com \
		"<alice@example.com>" "Alice <alice@example.com>"
	do
		(cd bob && git mr show "$user/1" >../show.out 2>../show.err) &&
		head -n 1 show.out >actual &&
		test_cmp expect actual &&
		test_must_be_empty show.err || return 1
	done
'

test_expect_success 'git mr list --author takes the same names' '
	for user in $ALICE $A Alice alice@example.com
	do
		(cd bob && git mr list --author "$user" --format "%U/%n") >actual &&
		echo "$ALICE/1" >expect &&
		test_cmp expect actual || return 1
	done
'

test_expect_success 'an unknown user is refused, saying so' '
	(
		cd bob &&
		test_must_fail git mr show Nobody/1 2>../err
	) &&
	grep -x "fatal: no user '\''Nobody'\'' (neither a fingerprint nor a name in a key file)" err
'

test_expect_success 'a name two keys carry resolves to nobody' '
	for user in Mallory mallory@example.com "Mallory <mallory@example.com>"
	do
		(
			cd bob &&
			test_must_fail git mr show "$user/1" >../show.out 2>../err
		) &&
		grep -x "fatal: 2 keys carry the name '\''$user'\'': use a fingerprint" err &&
		test_must_be_empty show.out || return 1
	done &&
	(
		cd bob &&
		test_must_fail git mr list --author Mallory 2>../err
	) &&
	grep "fatal: 2 keys carry the name '\''Mallory'\''" err
'

test_expect_success '... and is marked wherever it is shown, beside 16 digits' '
	(
		cd bob &&
		git mr list >../list.out &&
		git mr show $M1/1 >../show.out
	) &&
	grep -x "$M1/1	open	heads/main	Trust me	\[needs-review,open\]	Mallory <mallory@example.com> \[$M1\] (name shared by 2 keys)" list.out &&
	grep -x "$A/1	open	heads/main	Alice'\''s change	\[needs-review,open\]	Alice <alice@example.com> \[$A\]" list.out &&
	grep -x "author:    Mallory <mallory@example.com> \[$M1\] (name shared by 2 keys)" show.out &&
	grep -x "           $MAL1" show.out
'

test_expect_success 'the other Mallory comments: marked too, told apart by digits' '
	test_when_finished stop_gpg_agent &&
	(cd mal2 && git mr comment $MAL1/1 -m "Me too" >/dev/null) &&
	(cd bob && git mr fetch 2>/dev/null && git mr show $M1/1 >../show.out) &&
	grep "^  Mallory <mallory@example.com> \[$M2\] (name shared by 2 keys) #1 " show.out &&
	grep "^  Mallory <mallory@example.com> \[$M1\] (name shared by 2 keys) #1 " show.out
'

test_expect_success 'a title and a comment holding escape sequences print escaped' '
	test_when_finished stop_gpg_agent &&
	topic bob red r.txt r &&
	(
		cd bob &&
		git mr create -m "Red ${ESC}[31malert${ESC}[0m" >../create.out &&
		git mr comment 1 -m "$(printf "clear\033[2Jscreen\r\nnext")" >/dev/null &&
		git mr list --author Bob >../list.out &&
		git mr list --author Bob --porcelain >../porcelain.out &&
		git mr show 1 >../show.out &&
		git mr search alert >../search.out
	) &&
	printf "Red %s[31malert%s[0m\n" "$ESC" "$ESC" >expect &&
	on_server merge-reqs/$BOB/1/title >actual &&
	test_cmp expect actual &&
	! grep "$ESC" create.out list.out porcelain.out show.out search.out &&
	grep "Red \\\\033\[31malert\\\\033\[0m\$" create.out &&
	grep "	Red \\\\033\[31malert\\\\033\[0m	" list.out &&
	grep "	Red \\\\033\[31malert\\\\033\[0m\$" porcelain.out &&
	grep -x "merge request $(echo $BOB | cut -c1-16)/1: Red \\\\033\[31malert\\\\033\[0m" show.out &&
	grep -x "    clear\\\\033\[2Jscreen\\\\r" show.out &&
	grep "title	Red \\\\033\[31malert" search.out
'

test_expect_success 'a name in another case resolves when one key carries it' '
	echo "merge request $A/1: Alice'\''s change" >expect &&
	for user in alice ALICE "alice <alice@example.com>"
	do
		(cd bob && git mr show "$user/1" >../show.out 2>../show.err) &&
		head -n 1 show.out >actual &&
		test_cmp expect actual &&
		test_must_be_empty show.err || return 1
	done &&
	(cd alice && git mr fetch -q && git mr list --author bob --state all --format "%U/%n") >actual &&
	echo "$BOB/1" >expect &&
	test_cmp expect actual
'

test_expect_success '... when two keys carry it in other cases, it is refused, naming both' '
	test_when_finished stop_gpg_agent &&
	CAROL=$(make_key "Carol <carol@example.com>") &&
	CAROL2=$(make_key "CAROL <carol2@example.com>") &&
	mr_clone carol $CAROL &&
	mr_clone carol2 $CAROL2 &&
	mr_register carol $CAROL &&
	mr_register carol2 $CAROL2 &&
	(
		cd bob &&
		git mr fetch -q &&
		test_must_fail git mr list --author carol 2>../err
	) &&
	grep "^fatal: no key carries the name '\''carol'\'' as written, and 2 do ignoring case (" err &&
	grep -F "Carol <carol@example.com> [$(echo $CAROL | cut -c1-16)]" err &&
	grep -F "CAROL <carol2@example.com> [$(echo $CAROL2 | cut -c1-16)]" err &&
	# as written, each name is one key
	(cd bob && git mr list --author Carol && git mr list --author CAROL) 2>err &&
	test_must_be_empty err
'

test_done
