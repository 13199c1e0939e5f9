#!/bin/sh

test_description='git mr: list filters, search, diff, checkout, usage

Four requests in every state (Alice: open with two revisions, closed;
Bob: open with ci-pass, merged) read from a maintainer'\''s clone.'

. "$(dirname "$0")/lib.sh"
. "$SRC/tests/lib-hook.sh"
. "$SRC/tests/lib-mr.sh"

# mr <git mr args>...: run in the maintainer'\''s clone; stdout in out.
mr () {
	(cd maint && git mr "$@") >out
}

test_expect_success 'setup: four requests, one per state, two targets' '
	test_when_finished stop_gpg_agent &&
	mr_setup &&
	topic alice parser p.txt one &&
	(cd alice && git mr create -m "Fix the parser" >/dev/null) &&
	V1=$(git -C alice rev-parse parser) &&
	topic alice parser p.txt two &&
	(cd alice && git mr update 1 -m "two" >/dev/null) &&
	V2=$(git -C alice rev-parse parser) &&
	topic alice docs d.txt d &&
	(cd alice && git mr create -t release -m "Docs for release" >/dev/null &&
		git mr close 2 >/dev/null) &&
	topic bob speed s.txt s &&
	(cd bob && git mr create -m "Speed up list" >/dev/null) &&
	(cd ci && git mr label add Bob/1 ci-pass >/dev/null) &&
	topic bob small x.txt x &&
	(cd bob && git mr create -m "Small fix" >/dev/null) &&
	(cd maint && git mr fetch 2>/dev/null && git mr merge Bob/2 >/dev/null) &&
	(cd bob && git mr comment Alice/1 -m "Careful: the tokenizer leaks memory" >/dev/null) &&
	# comments dated by hand, so that --sort updated has an answer
	(
		cd alice &&
		c=$(data_edit "later" \
			100644 merge-reqs/$ALICE/1/comments/$ALICE/3 "$(printf "Date: 2099-01-01T00:00:00Z\n\nlatest")") &&
		push_ok $ALICE origin $c:$DATA
	) &&
	(
		cd bob &&
		c=$(data_edit "later" \
			100644 merge-reqs/$BOB/1/comments/$BOB/2 "$(printf "Date: 2098-01-01T00:00:00Z\n\nlater")") &&
		push_ok $BOB origin $c:$DATA
	) &&
	(cd maint && git fetch -q origin && git mr fetch 2>/dev/null) &&
	A=$(echo $ALICE | cut -c1-16) &&
	B=$(echo $BOB | cut -c1-16)
'

# ids <id>...: the expected "%U/%n" lines, in list'\''s order (by user id,
# then number).
ids () {
	for id in "$@"
	do
		echo $id
	done | LC_ALL=C sort -t/ -k1,1 -k2,2n >expect
}

test_expect_success 'list --state: open by default, closed, merged, all' '
	mr list --format "%U/%n %s" &&
	ids "$ALICE/1 open" "$BOB/1 open" &&
	test_cmp expect out &&
	mr list --state closed --format "%U/%n %s" &&
	ids "$ALICE/2 closed" &&
	test_cmp expect out &&
	mr list --state merged --format "%U/%n %s" &&
	ids "$BOB/2 merged" &&
	test_cmp expect out &&
	mr list --state all --format "%U/%n" &&
	ids $ALICE/1 $ALICE/2 $BOB/1 $BOB/2 &&
	test_cmp expect out &&
	(cd maint && test_must_fail git mr list --state shut 2>../err) &&
	grep -x "fatal: --state wants open, closed, merged or all" err
'

test_expect_success 'list --label: every label given must be there' '
	mr list --label needs-review --format "%U/%n" &&
	ids $ALICE/1 $BOB/1 &&
	test_cmp expect out &&
	mr list --label ci-pass --format "%U/%n" &&
	ids $BOB/1 &&
	test_cmp expect out &&
	mr list -l ci-pass -l needs-review --format "%U/%n" &&
	test_cmp expect out &&
	mr list --label ci-pass --label closed --state all &&
	test_must_be_empty out &&
	mr list --label closed --state all --format "%U/%n" &&
	ids $ALICE/2 &&
	test_cmp expect out
'

test_expect_success 'list --author and --target' '
	mr list --author Alice --state all --format "%U/%n" &&
	ids $ALICE/1 $ALICE/2 &&
	test_cmp expect out &&
	mr list --author $B --format "%U/%n" &&
	ids $BOB/1 &&
	test_cmp expect out &&
	for t in release heads/release refs/heads/release
	do
		mr list --target $t --state all --format "%U/%n %T" &&
		ids "$ALICE/2 heads/release" &&
		test_cmp expect out || return 1
	done &&
	mr list --target main --state all --format "%U/%n" &&
	ids $ALICE/1 $BOB/1 $BOB/2 &&
	test_cmp expect out &&
	(cd maint && test_must_fail git mr list --target refs/tags/v1 2>../err) &&
	grep -x "fatal: target '\''refs/tags/v1'\'' is not a branch (refs/heads/)" err
'

test_expect_success 'list --sort updated: newest Date: first' '
	mr list --sort updated --state all --format "%U/%n %d" &&
	head -n 2 out >top &&
	printf "%s\n" "$ALICE/1 2099-01-01T00:00:00Z" "$BOB/1 2098-01-01T00:00:00Z" >expect &&
	test_cmp expect top &&
	test $(wc -l <out) = 4 &&
	mr list --sort updated --author "CI Bot" &&
	test_must_be_empty out &&
	(cd maint && test_must_fail git mr list --sort age 2>../err) &&
	grep -x "fatal: --sort wants number or updated" err
'

test_expect_success 'list --format: every placeholder' '
	mr list --author Alice --format "%U|%u|%n|%s|%T|%t|%l|%a|%d|%%|%q" &&
	echo "$ALICE|$A|1|open|heads/main|Fix the parser|needs-review,open|Alice <alice@example.com> [$A]|2099-01-01T00:00:00Z|%|%q" >expect &&
	test_cmp expect out
'

test_expect_success 'list --porcelain: tab-separated, full user id' '
	mr list --porcelain --state all &&
	{
		printf "%s\t1\topen\theads/main\tneeds-review,open\tFix the parser\n" $ALICE &&
		printf "%s\t2\tclosed\theads/release\tclosed\tDocs for release\n" $ALICE &&
		printf "%s\t1\topen\theads/main\tci-pass,needs-review,open\tSpeed up list\n" $BOB &&
		printf "%s\t2\tmerged\theads/main\tmerged\tSmall fix\n" $BOB
	} | LC_ALL=C sort >expect &&
	LC_ALL=C sort out >actual &&
	test_cmp expect actual
'

test_expect_success 'search finds titles and comments, ignoring case' '
	mr search PARSER &&
	printf "%s/1\ttitle\tFix the parser\n" $A >expect &&
	test_cmp expect out &&
	mr search tokenizer &&
	printf "%s/1\tcomment %s/1\tCareful: the tokenizer leaks memory\n" $A $B >expect &&
	test_cmp expect out
'

test_expect_success 'search exits 1 when nothing matches' '
	(cd maint && test_expect_code 1 git mr search "no such text") >out &&
	test_must_be_empty out
'

test_expect_success 'diff --rev 1: the revision against its target' '
	mr diff Alice/1 --rev 1 &&
	grep -x "+++ b/p.txt" out &&
	grep -x "+one" out &&
	! grep -e "^-one" -e "two" out &&
	mr diff Alice/1 &&
	grep -x "+two" out &&
	! grep "one" out
'

test_expect_success 'diff --range 1..2: what changed between revisions' '
	mr diff Alice/1 --range 1..2 &&
	grep -x -e "-one" out &&
	grep -x "+two" out &&
	mr diff Alice/1 --range v1..v2 -- --stat &&
	grep "p.txt | 2 +-" out &&
	(cd maint && test_must_fail git mr diff Alice/1 --range 1..3 2>../err) &&
	grep -x "fatal: no such revisions: 1..3" err
'

test_expect_success 'checkout --rev 1 puts HEAD at v1'\''s commit' '
	mr checkout Alice/1 --rev 1 &&
	echo "HEAD is revision 1 of $A/1" >expect &&
	test_cmp expect out &&
	test "$(git -C maint rev-parse HEAD)" = $V1 &&
	test "$(cat maint/p.txt)" = one &&
	mr checkout Alice/1 &&
	test "$(git -C maint rev-parse HEAD)" = $V2 &&
	(cd maint && test_must_fail git mr checkout Alice/1 --rev 5 2>../err) &&
	grep -x "fatal: no revision 5" err &&
	test "$(git -C maint rev-parse HEAD)" = $V2
'

test_expect_success 'list and search in a fresh clone: a hint to fetch, exit 0' '
	git clone -q server.git fresh &&
	(cd fresh && git mr list) >out 2>err &&
	test_must_be_empty out &&
	echo "hint: no merge-request data here yet: run '\''git mr fetch'\''" >expect &&
	test_cmp expect err &&
	(cd fresh && test_expect_code 1 git mr search parser) >out 2>err &&
	test_cmp expect err &&
	(cd maint && git mr list) >out 2>err &&
	! grep hint: err
'

test_expect_success 'git mr -h and git mr list -h: usage, exit 129' '
	(cd maint && test_expect_code 129 git mr -h) >out &&
	grep "^usage: git mr <command>" out &&
	grep "^    list " out &&
	(cd maint && test_expect_code 129 git mr list -h) >out &&
	grep "^usage: git mr list " out &&
	(cd maint && test_expect_code 129 git mr) 2>err &&
	grep "^usage: git mr <command>" err &&
	(cd maint && test_expect_code 129 git mr frobnicate) 2>err &&
	grep -x "git mr: '\''frobnicate'\'' is not a git mr command" err &&
	(cd maint && test_expect_code 129 git mr list --frobnicate) 2>err &&
	grep "usage: git mr list" err
'

test_expect_success '--help on every subcommand: its usage, exit 0' '
	for sub in init create update comment label close reopen merge \
		list show diff checkout search fetch
	do
		(cd maint && git mr $sub --help) >out &&
		grep "^usage: git mr $sub" out || return 1
	done
'

test_done
