#!/bin/sh

test_description='git mr: what a security review found, each closed

Anyone may add any number of comments to any request, reply chains of any
depth, comments that all name one large blob, and dates of any text; git
push may fail after the server took the push; a name may look like a
fingerprint.  Readers stay bounded and writers post once.'

. "$(dirname "$0")/lib.sh"
. "$SRC/tests/lib-hook.sh"
. "$SRC/tests/lib-mr.sh"

# comments_by <who> <request dir> <count> <perl expr for the text of $i>:
# a data-branch commit adding that many comments of <who>, built with
# plumbing in one go (git update-index --index-info).
comments_by () {
	(
		cb_who=$1 cb_dir=$2 cb_count=$3 cb_text=$4 &&
		gitdir=$(git rev-parse --absolute-git-dir) &&
		GIT_INDEX_FILE="$gitdir/cb.index" &&
		export GIT_INDEX_FILE &&
		git mr fetch >/dev/null 2>&1 &&
		git read-tree $DATA &&
		mkdir -p "$gitdir/cb" &&
		CB_DIR="$gitdir/cb" perl -e '
			for my $i (1 .. $ARGV[0]) {
				open(my $f, ">", "$ENV{CB_DIR}/$i") or die;
				print $f eval $ARGV[1];
				close $f;
			}' "$cb_count" "$cb_text" &&
		(cd "$gitdir/cb" && ls) | sort -n >"$gitdir/cb.list" &&
		sed "s|^|$gitdir/cb/|" "$gitdir/cb.list" |
			git hash-object -w --stdin-paths >"$gitdir/cb.ids" &&
		paste "$gitdir/cb.ids" "$gitdir/cb.list" |
			sed "s|^\([0-9a-f]*\)	\(.*\)|100644 \1	$cb_dir/comments/$cb_who/\2|" |
			git update-index --add --index-info &&
		tree=$(git write-tree) &&
		rm -rf "$GIT_INDEX_FILE" "$gitdir/cb" "$gitdir/cb.list" "$gitdir/cb.ids" &&
		git commit-tree -p $DATA -m "many comments" $tree
	)
}

test_expect_success 'setup: Alice proposes' '
	test_when_finished stop_gpg_agent &&
	mr_setup &&
	topic alice feature f.txt one &&
	(cd alice && git mr create -m "Feature" >/dev/null)
'

test_expect_success 'a reply chain 5,000 deep is shown, without deep recursion' '
	test_when_finished stop_gpg_agent &&
	(
		cd bob &&
		c=$(comments_by $BOB merge-reqs/$ALICE/1 5000 \
			"\"Date: 2026-01-01T00:00:00Z\nIn-Reply-To: $BOB/\" . (\$i + 1) . \"\n\nreply \$i\n\"") &&
		push_ok $BOB origin $c:$DATA
	) &&
	(
		cd maint &&
		git mr fetch 2>/dev/null &&
		(ulimit -s 512 && git mr show Alice/1 >../show.out)
	) &&
	grep -c "^ *reply [0-9]*\$" show.out >count &&
	echo 5000 >expect &&
	test_cmp expect count
'

test_expect_success 'comments naming one large blob many times are cut off, with a warning' '
	test_when_finished stop_gpg_agent &&
	topic alice big g.txt g &&
	(cd alice && git mr create -m "Second" >/dev/null) &&
	(
		cd bob &&
		c=$(comments_by $BOB merge-reqs/$ALICE/2 40 \
			"\"Date: 2026-01-01T00:00:00Z\n\n\" . (\"x\" x 1000000)") &&
		push_ok $BOB origin $c:$DATA
	) &&
	(
		cd maint &&
		git mr fetch 2>/dev/null &&
		git mr show Alice/2 >../show.out 2>../show.err
	) &&
	grep "too many comments on this request" show.err &&
	grep "^merge request" show.out
'

test_expect_success 'a Date that is not a date is malformed, and never printed raw' '
	test_when_finished stop_gpg_agent &&
	(
		cd bob &&
		c=$(data_edit "escape" 100644 merge-reqs/$ALICE/1/comments/$BOB/9999 \
			"$(printf "Date: 9\033]0;PWNED\007\033[2J\n\nhi")") &&
		push_ok $BOB origin $c:$DATA
	) &&
	(
		cd maint &&
		git mr fetch 2>/dev/null &&
		git mr list --format "%n %d" >../list.out 2>../list.err &&
		git mr show Alice/1 >../show.out 2>../show.err
	) &&
	grep "Date is not YYYY-MM-DDTHH:MM:SSZ" show.err &&
	! grep "$(printf "\033")" list.out show.out &&
	! grep "$(printf "\007")" list.out show.out
'

test_expect_success 'a push git reports failed but the server took is not posted twice' '
	test_when_finished stop_gpg_agent &&
	mkdir -p fakebin &&
	real=$(command -v git) &&
	printf "#!/bin/sh\nif test \"\$1\" = push; then \"%s\" \"\$@\"; exit 1; fi\nexec \"%s\" \"\$@\"\n" \
		"$real" "$real" >fakebin/git &&
	chmod +x fakebin/git &&
	before=$(server_rev $DATA) &&
	(
		cd maint &&
		PATH="$SHARNESS_TRASH_DIRECTORY/fakebin:$PATH" \
			git-mr comment Alice/1 -m "said once" >../once.out 2>../once.err
	) &&
	git -C server.git log --format=%s "$before..$DATA" >log &&
	echo "Comment on a merge request" >expect &&
	test_cmp expect log &&
	on_server merge-reqs/$ALICE/1/comments/$MAINT/1 >said &&
	grep "^said once\$" said &&
	not_on_server merge-reqs/$ALICE/1/comments/$MAINT/2
'

test_expect_success 'a name that is also a fingerprint prefix names nobody' '
	test_when_finished stop_gpg_agent &&
	prefix=$(echo $BOB | cut -c1-8) &&
	GRINDER=$(make_key "$prefix <grinder@example.com>") &&
	mr_clone grinder "$GRINDER" &&
	mr_register grinder "$GRINDER" &&
	(
		cd maint &&
		git mr fetch 2>/dev/null &&
		test_expect_code 128 git mr list --author "$prefix" 2>../err
	) &&
	grep "is both a fingerprint prefix and a name" err
'

test_expect_success 'a reply to a comment that does not exist is refused' '
	test_when_finished stop_gpg_agent &&
	before=$(server_rev $DATA) &&
	(
		cd maint &&
		test_expect_code 128 git mr comment Alice/1 -m "to nothing" \
			--reply-to Alice/77 2>../err
	) &&
	grep "no comment $(echo $ALICE | cut -c1-16)/77 on " err &&
	test "$(server_rev $DATA)" = "$before"
'

test_done
