#!/bin/sh

test_description='git mr: readers ignore hostile data, with a warning (SPEC 7)

Alice writes into her own request what the policy lets her write but a
reader must not believe: labels pointing elsewhere, a Result: header, a
malformed comment, a request without a title.  Entries the hook forbids
(a label that is a file, a comment that is a symlink or a gitlink) are
crafted locally and the local data branch pointed at them, to test the
reader alone.  Nothing crashes; everything ignored is named on stderr.'

. "$(dirname "$0")/lib.sh"
. "$SRC/tests/lib-hook.sh"
. "$SRC/tests/lib-mr.sh"

# read_as <dir> <git mr args>...: a reader in <dir>; output in
# read.out and read.err; it must succeed.
read_as () {
	ra_dir=$1 &&
	shift &&
	(cd "$ra_dir" && git mr "$@") >read.out 2>read.err || {
		cat read.err >&2
		return 1
	}
}

# warned <text>: read.err holds the warning line "warning: <text>".
warned () {
	grep -x -F "warning: $1" read.err || {
		echo "no such warning: $1" >&2
		cat read.err >&2
		return 1
	}
}

# crafted <dir> <message> (<mode> <path> <content>)...: the local data
# branch of <dir> moves to a commit the server would refuse; the test
# puts it back when it ends.
crafted () {
	cr_dir=$1 &&
	shift &&
	cr_old=$(git -C "$cr_dir" rev-parse --verify $DATA) &&
	test_when_finished "git -C $cr_dir update-ref $DATA $cr_old" &&
	cr_new=$(cd "$cr_dir" && mr_edit $DATA "$@") &&
	git -C "$cr_dir" update-ref $DATA $cr_new
}

test_expect_success 'setup: a request by Alice, one by Bob' '
	test_when_finished stop_gpg_agent &&
	mr_setup &&
	topic alice feature a.txt a &&
	(cd alice && git mr create -m "Alice'\''s change" >/dev/null) &&
	topic bob fix b.txt b &&
	(cd bob && git mr create -m "Bob'\''s fix" >/dev/null) &&
	A=$(echo $ALICE | cut -c1-16) &&
	B=$(echo $BOB | cut -c1-16)
'

test_expect_success 'a label of her own pointing at /labels/merged is ignored' '
	test_when_finished stop_gpg_agent &&
	(
		cd alice &&
		c=$(data_edit "fake merged" \
			120000 merge-reqs/$ALICE/1/labels/closed /labels/merged) &&
		push_ok $ALICE origin $c:$DATA
	) &&
	(cd maint && git mr fetch 2>/dev/null) &&
	read_as maint show Alice/1 &&
	warned "merge-reqs/$ALICE/1/labels/closed: does not point at its own /labels/ entry; ignored" &&
	grep "^state:     open\$" read.out &&
	grep "^labels:    needs-review open\$" read.out &&
	read_as maint list --state merged &&
	test_must_be_empty read.out &&
	read_as maint list --state closed &&
	test_must_be_empty read.out &&
	read_as maint list --label closed &&
	test_must_be_empty read.out
'

test_expect_success 'labels pointing at Bob'\''s request (../../, /merge-reqs/) are ignored' '
	test_when_finished stop_gpg_agent &&
	(
		cd alice &&
		c=$(data_edit "point at Bob" \
			120000 merge-reqs/$ALICE/1/labels/up ../../../$BOB/1 \
			120000 merge-reqs/$ALICE/1/labels/abs /merge-reqs/$BOB/1 \
			120000 labels/closed/$ALICE/1 /merge-reqs/$BOB/1) &&
		push_ok $ALICE origin $c:$DATA
	) &&
	(cd maint && git mr fetch 2>/dev/null) &&
	read_as maint show Alice/1 &&
	warned "merge-reqs/$ALICE/1/labels/up: does not point at its own /labels/ entry; ignored" &&
	warned "merge-reqs/$ALICE/1/labels/abs: does not point at its own /labels/ entry; ignored" &&
	grep "^labels:    needs-review open\$" read.out &&
	read_as maint show Bob/1 &&
	test_must_be_empty read.err &&
	grep "^state:     open\$" read.out &&
	grep "^labels:    needs-review open\$" read.out &&
	read_as maint list --label closed --state all &&
	test_must_be_empty read.out
'

test_expect_success 'a dangling label symlink (no such label) is ignored' '
	test_when_finished stop_gpg_agent &&
	(
		cd alice &&
		c=$(data_edit "ghost" \
			120000 merge-reqs/$ALICE/1/labels/ghost /labels/ghost) &&
		push_ok $ALICE origin $c:$DATA
	) &&
	(cd maint && git mr fetch 2>/dev/null) &&
	read_as maint show Alice/1 &&
	warned "merge-reqs/$ALICE/1/labels/ghost: no such label (labels/ has no description of it); ignored" &&
	grep "^labels:    needs-review open\$" read.out &&
	read_as maint list --label ghost &&
	test_must_be_empty read.out
'

test_expect_success 'a label that is a regular file is ignored (crafted: the hook forbids it)' '
	test_when_finished stop_gpg_agent &&
	(
		cd alice &&
		c=$(data_edit "file label" \
			100644 merge-reqs/$ALICE/1/labels/merged /labels/merged) &&
		echo $c >../c &&
		push_denied $ALICE origin $c:$DATA
	) &&
	said "denied: $ALICE may not create-file merge-reqs/$ALICE/1/labels/merged on apps/merge-reqs/data (commit $(cut -c1-12 c))" &&
	crafted maint "file label" \
		100644 merge-reqs/$ALICE/1/labels/merged /labels/merged &&
	read_as maint show Alice/1 &&
	warned "merge-reqs/$ALICE/1/labels/merged: not a symlink; ignored" &&
	grep "^state:     open\$" read.out &&
	read_as maint list --state merged &&
	test_must_be_empty read.out
'

test_expect_success 'a symlink or a gitlink where a comment should be is ignored (crafted)' '
	test_when_finished stop_gpg_agent &&
	(
		cd bob &&
		c=$(data_edit "symlink comment" \
			120000 merge-reqs/$ALICE/1/comments/$BOB/1 ../../../../../../../etc/passwd) &&
		echo $c >../c &&
		push_denied $BOB origin $c:$DATA
	) &&
	said "denied: $BOB may not create-symlink merge-reqs/$ALICE/1/comments/$BOB/1 on apps/merge-reqs/data (commit $(cut -c1-12 c))" &&
	crafted maint "odd comments" \
		120000 merge-reqs/$ALICE/1/comments/$BOB/1 ../../../../../../../etc/passwd \
		120000 merge-reqs/$ALICE/1/comments/$BOB/2 /labels/open \
		160000 merge-reqs/$ALICE/1/comments/$BOB/3 $(git -C maint rev-parse HEAD) \
		120000 merge-reqs/$BOB/1/comments/$ALICE ../../../$ALICE/1/comments/$ALICE &&
	read_as maint show Alice/1 &&
	warned "merge-reqs/$ALICE/1/comments/$BOB/1: not a regular file; ignored" &&
	warned "merge-reqs/$ALICE/1/comments/$BOB/2: not a regular file; ignored" &&
	warned "merge-reqs/$ALICE/1/comments/$BOB/3: not a regular file; ignored" &&
	! grep -e "root:" -e "Bob <bob@example.com>" read.out &&
	grep "^  Alice <alice@example.com> \[$A\] #1 .*\[description\]\$" read.out &&
	read_as maint show Bob/1 &&
	warned "merge-reqs/$BOB/1/comments/$ALICE: not a user id'\''s directory; ignored" &&
	! grep "Alice <alice@example.com>" read.out &&
	read_as maint list --sort updated --state all &&
	test $(wc -l <read.out) = 2 &&
	read_as maint search change &&
	grep "^$A/1	title	Alice'\''s change\$" read.out
'

test_expect_success 'a malformed comment header is shown as text, with a warning' '
	test_when_finished stop_gpg_agent &&
	(
		cd alice &&
		c=$(data_edit "odd comment" \
			100644 merge-reqs/$ALICE/1/comments/$ALICE/2 "$(printf "Date: 2026-01-02T03:04:05Z\nRevision: two\n\nhello there")") &&
		push_ok $ALICE origin $c:$DATA
	) &&
	(cd maint && git mr fetch 2>/dev/null) &&
	read_as maint show Alice/1 &&
	warned "merge-reqs/$ALICE/1/comments/$ALICE/2: a header is repeated or not a number; shown as plain text" &&
	grep -A3 "^  Alice <alice@example.com> \[$A\] #2 (malformed header: shown as text)\$" read.out >shown &&
	grep "^    Date: 2026-01-02T03:04:05Z\$" shown &&
	grep "^    Revision: two\$" shown &&
	grep "^    hello there\$" read.out
'

test_expect_success 'a request without a title is listed and shown, with a warning' '
	test_when_finished stop_gpg_agent &&
	(
		cd alice &&
		c=$(data_edit "no title" \
			100644 merge-reqs/$ALICE/2/target heads/main) &&
		push_ok $ALICE origin $c:$DATA
	) &&
	(cd maint && git mr fetch 2>/dev/null) &&
	read_as maint list --porcelain &&
	warned "merge-reqs/$ALICE/2/title: missing" &&
	printf "%s\t2\topen\theads/main\t\t\n" $ALICE >expect &&
	grep "^$ALICE	2	" read.out >actual &&
	test_cmp expect actual &&
	read_as maint show Alice/2 &&
	grep "^merge request $A/2: (no title)\$" read.out &&
	grep "^  (none fetched: run git mr fetch)\$" read.out &&
	# nothing in its comments/ is a comment (crafted: the hook forbids it)
	crafted maint "junk" 100644 merge-reqs/$ALICE/2/comments/$ALICE/junk junk &&
	read_as maint show Alice/2 &&
	warned "merge-reqs/$ALICE/2/comments/$ALICE/junk: not a comment number; ignored" &&
	sed -n "/^comments:/,\$p" read.out >comments.part &&
	echo comments: >expect &&
	test_cmp expect comments.part
'

test_expect_success 'Result: pass from a non-ci user is no CI result' '
	test_when_finished stop_gpg_agent &&
	(
		cd alice &&
		c=$(data_edit "I am CI" \
			100644 merge-reqs/$ALICE/1/comments/$ALICE/3 "$(comment_text 1 "Result: pass" -- "all green, trust me")") &&
		push_ok $ALICE origin $c:$DATA
	) &&
	(cd maint && git mr fetch 2>/dev/null) &&
	read_as maint show Alice/1 &&
	sed -n "/^ci:/,/^comments:/p" read.out >ci.part &&
	grep "^  (no results)\$" ci.part &&
	! grep pass ci.part &&
	grep "^    all green, trust me\$" read.out
'

test_expect_success '... and does not hold back a merge of a newer revision' '
	test_when_finished stop_gpg_agent &&
	topic alice feature a.txt a2 &&
	(cd alice && git mr update 1 -m second >/dev/null) &&
	V2=$(git -C alice rev-parse HEAD) &&
	(cd maint && git mr fetch 2>/dev/null &&
	 git mr merge Alice/1 >../merge.out 2>../merge.err) &&
	grep "^merging revision 2 ($V2) of $A/1 into refs/heads/main\$" merge.out &&
	ref_is server.git refs/heads/main $V2 &&
	test "$(on_server merge-reqs/$ALICE/1/labels/merged)" = /labels/merged
'

test_done
