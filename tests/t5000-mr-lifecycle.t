#!/bin/sh

test_description='git mr: a merge request from create to merge (SPEC 7)

Alice proposes a branch, Bob comments on a line, Alice pushes a second
revision, the maintainer merges it: every step is a real signed push to a
server whose hook judges it, and each is checked on the server.'

. "$(dirname "$0")/lib.sh"
. "$SRC/tests/lib-hook.sh"
. "$SRC/tests/lib-mr.sh"

test_expect_success 'setup: owner, maintainer, Alice, Bob, CI; git mr init' '
	test_when_finished stop_gpg_agent &&
	mr_setup &&
	grep "^added refs/, branches/ and groups/merge-reqs.conf to refs/apps/access-control\$" init.out &&
	grep "^created the standard labels on refs/apps/merge-reqs/data\$" init.out
'

test_expect_success 'git mr init: the data branch holds the standard labels' '
	for label in open needs-review closed merged ci-pass ci-fail
	do
		on_server labels/$label/description >/dev/null || return 1
	done &&
	git -C server.git show refs/apps/access-control:groups/merge-reqs.conf >groups &&
	grep "^member = $MAINT\$" groups &&
	grep "^member = $CI\$" groups
'

test_expect_success 'git acl lint passes on the policy git mr init wrote' '
	(
		cd owner &&
		git mr fetch 2>/dev/null &&
		git acl lint refs/apps/access-control >../lint.out 2>&1
	) &&
	# lib-mr.sh (not git mr init) lets maintainers write anything on
	# main, the base ref: lint says so (SPEC 4), and nothing else
	echo "refs/owner.conf:1: warning: base pattern '\''heads/main'\'' may match refs of section '\''heads/main'\'' (branches/main.conf:1), where users other than the owners may write any path" >expect &&
	test_cmp expect lint.out
'

test_expect_success 'git mr init run again has nothing to do' '
	test_when_finished stop_gpg_agent &&
	policy=$(server_rev refs/apps/access-control) &&
	data=$(server_rev $DATA) &&
	(
		cd owner &&
		git mr init --ci "$CI" --maintainer "$MAINT" >../init2.out
	) &&
	echo "the merge-request app is set up already; nothing to do" >expect &&
	test_cmp expect init2.out &&
	ref_is server.git refs/apps/access-control $policy &&
	ref_is server.git $DATA $data
'

test_expect_success '... and will not drop the groups it was given without --force' '
	policy=$(server_rev refs/apps/access-control) &&
	(
		cd owner &&
		test_must_fail git mr init 2>../init3.err
	) &&
	grep "groups/merge-reqs.conf differs from the app.s in refs/apps/access-control: use --force" init3.err &&
	ref_is server.git refs/apps/access-control $policy
'

test_expect_success 'Alice creates a merge request from her branch' '
	test_when_finished stop_gpg_agent &&
	topic alice feature f.txt one &&
	(
		cd alice &&
		git mr create -m "Add f.txt

It adds a file." >../create.out
	) &&
	V1=$(git -C alice rev-parse HEAD) &&
	echo "created merge request $(echo $ALICE | cut -c1-16)/1 (revision 1 of $V1 into heads/main): Add f.txt" >expect &&
	test_cmp expect create.out &&
	echo "Add f.txt" >expect &&
	on_server merge-reqs/$ALICE/1/title >actual &&
	test_cmp expect actual &&
	echo heads/main >expect &&
	on_server merge-reqs/$ALICE/1/target >actual &&
	test_cmp expect actual &&
	on_server merge-reqs/$ALICE/1/comments/$ALICE/1 >desc &&
	grep "^Revision: 1\$" desc &&
	grep "^It adds a file.\$" desc &&
	test "$(on_server merge-reqs/$ALICE/1/labels/open)" = /labels/open &&
	test "$(on_server merge-reqs/$ALICE/1/labels/needs-review)" = /labels/needs-review &&
	test "$(on_server labels/open/$ALICE/1)" = /merge-reqs/$ALICE/1 &&
	ref_is server.git "refs/apps/merge-reqs/$ALICE/1-v1^{commit}" $V1 &&
	test "$(git -C server.git cat-file -t refs/apps/merge-reqs/$ALICE/1-v1)" = tag
'

test_expect_success 'Bob sees it in git mr list and comments on a line' '
	test_when_finished stop_gpg_agent &&
	(
		cd bob &&
		git mr fetch 2>/dev/null &&
		git mr list >../list.out &&
		git mr comment $ALICE/1 -m "Why one?" --path f.txt --line 1 \
			>../comment.out
	) &&
	printf "%s/1\topen\theads/main\tAdd f.txt\t[needs-review,open]\tAlice <alice@example.com> [%s]\n" \
		$(echo $ALICE | cut -c1-16) $(echo $ALICE | cut -c1-16) >expect &&
	test_cmp expect list.out &&
	echo "commented on $(echo $ALICE | cut -c1-16)/1 as $(echo $BOB | cut -c1-16)/1" >expect &&
	test_cmp expect comment.out &&
	on_server merge-reqs/$ALICE/1/comments/$BOB/1 >bob1 &&
	grep "^Path: f.txt\$" bob1 &&
	grep "^Line: 1\$" bob1 &&
	grep "^Revision: 1\$" bob1 &&
	grep "^Why one?\$" bob1
'

test_expect_success 'Alice replies to Bob and pushes revision 2' '
	test_when_finished stop_gpg_agent &&
	topic alice feature f.txt two &&
	(
		cd alice &&
		git mr comment 1 -m "Because." --reply-to Bob/1 >/dev/null &&
		git mr update 1 -m "two, not one" >../update.out
	) &&
	V1=$(git -C alice rev-parse HEAD~1) &&
	V2=$(git -C alice rev-parse HEAD) &&
	echo "updated merge request $(echo $ALICE | cut -c1-16)/1 to revision 2 ($V2)" >expect &&
	test_cmp expect update.out &&
	on_server merge-reqs/$ALICE/1/comments/$ALICE/2 >reply &&
	grep "^In-Reply-To: $BOB/1\$" reply &&
	ref_is server.git "refs/apps/merge-reqs/$ALICE/1-v2^{commit}" $V2 &&
	ref_is server.git "refs/apps/merge-reqs/$ALICE/1-v1^{commit}" $V1 &&
	on_server merge-reqs/$ALICE/1/comments/$ALICE/3 >rev2 &&
	grep "^Revision: 2\$" rev2 &&
	grep "^New revision: $V2\$" rev2 &&
	grep "^two, not one\$" rev2
'

test_expect_success 'git mr show: both revisions, the thread, the anchored line' '
	(
		cd maint &&
		git mr fetch 2>/dev/null &&
		git mr show Alice/1 >../show.out 2>../show.err
	) &&
	V1=$(git -C alice rev-parse HEAD~1) &&
	V2=$(git -C alice rev-parse HEAD) &&
	test_must_be_empty show.err &&
	grep "^merge request $(echo $ALICE | cut -c1-16)/1: Add f.txt\$" show.out &&
	grep "^author:    Alice <alice@example.com> \[$(echo $ALICE | cut -c1-16)\]\$" show.out &&
	grep "^target:    heads/main\$" show.out &&
	grep "^state:     open\$" show.out &&
	grep "^labels:    needs-review open\$" show.out &&
	grep "^  v1  $V1  " show.out &&
	grep "^  v2  $V2  " show.out &&
	sed -n "/^ci:/,/^comments:/p" show.out >ci.part &&
	grep "(no results)" ci.part &&
	# the reply sits under the comment it answers, one level deeper
	grep -A4 "^  Bob <bob@example.com> \[$(echo $BOB | cut -c1-16)\] #1 .* (revision 1)\$" show.out >thread &&
	grep "^    on f.txt line 1 of revision 1:\$" thread &&
	grep "^    > one\$" thread &&
	grep "^    Why one?\$" thread &&
	grep "^      Alice <alice@example.com> \[$(echo $ALICE | cut -c1-16)\] #2 " show.out &&
	grep "^        Because.\$" show.out &&
	grep "\[description\]" show.out
'

test_expect_success 'the maintainer merges it: main moves, the labels say merged' '
	test_when_finished stop_gpg_agent &&
	V2=$(git -C alice rev-parse HEAD) &&
	(
		cd maint &&
		git mr merge Alice/1 >../merge.out
	) &&
	grep "^merging revision 2 ($V2) of $(echo $ALICE | cut -c1-16)/1 into refs/heads/main\$" merge.out &&
	grep "^refs/heads/main is now $V2; labelled merged\$" merge.out &&
	ref_is server.git refs/heads/main $V2 &&
	test "$(on_server merge-reqs/$ALICE/1/labels/merged)" = /labels/merged &&
	test "$(on_server labels/merged/$ALICE/1)" = /merge-reqs/$ALICE/1 &&
	not_on_server merge-reqs/$ALICE/1/labels/open &&
	not_on_server merge-reqs/$ALICE/1/labels/needs-review &&
	not_on_server labels/open/$ALICE/1 &&
	on_server merge-reqs/$ALICE/1/comments/$MAINT/1 >merged &&
	grep "^Merged revision 2 ($V2) into heads/main\$" merged
'

test_expect_success 'git mr list: merged, no longer open' '
	(
		cd bob &&
		git mr fetch 2>/dev/null &&
		git mr list >../open.out &&
		git mr list --state merged --porcelain >../merged.out
	) &&
	test_must_be_empty open.out &&
	printf "%s\t1\tmerged\theads/main\tmerged\tAdd f.txt\n" $ALICE >expect &&
	test_cmp expect merged.out
'

test_expect_success 'a merged request takes no new revision' '
	topic alice feature f.txt three &&
	data=$(server_rev $DATA) &&
	(
		cd alice &&
		test_must_fail git mr update 1 -m three 2>../update.err
	) &&
	grep "is merged: make a new merge request" update.err &&
	ref_is server.git $DATA $data &&
	ref_is server.git refs/apps/merge-reqs/$ALICE/1-v3 none
'

test_expect_success 'the maintainer merges a branch main has moved past: a merge commit' '
	test_when_finished stop_gpg_agent &&
	(
		cd bob &&
		git fetch -q origin &&
		git checkout -q -b docs origin/main~2 &&
		echo docs >docs.txt &&
		git add docs.txt &&
		test_tick &&
		git commit -q -m docs &&
		git mr create -m "Docs" >/dev/null
	) &&
	main=$(server_rev refs/heads/main) &&
	(
		cd maint &&
		git mr fetch 2>/dev/null &&
		git mr merge Bob/1 >../merge2.out
	) &&
	merge=$(server_rev refs/heads/main) &&
	test "$(git -C server.git rev-parse $merge^1)" = $main &&
	test "$(git -C server.git rev-parse $merge^2)" = $(git -C bob rev-parse HEAD) &&
	git -C server.git cat-file -e $merge:docs.txt &&
	git -C server.git cat-file -e $merge:f.txt &&
	grep "^refs/heads/main is now $merge; labelled merged\$" merge2.out &&
	(
		cd alice &&
		git mr fetch 2>/dev/null &&
		git mr list --state merged >../merged2.out
	) &&
	test $(wc -l <merged2.out) = 2
'

test_expect_success 'the owner rewinds the data branch (spam removed): clients follow' '
	test_when_finished stop_gpg_agent &&
	(
		cd bob &&
		git mr comment Bob/1 -m "spam, spam, spam" >/dev/null
	) &&
	spam=$(server_rev $DATA) &&
	(
		cd owner &&
		git mr fetch 2>/dev/null &&
		push_ok $OWNER origin +$DATA~1:$DATA
	) &&
	ref_is server.git $DATA $(git -C server.git rev-parse $spam~1) &&
	(
		cd bob &&
		git mr fetch 2>../fetch.err &&
		git mr show Bob/1 >../show.out
	) &&
	ref_is bob $DATA $(server_rev $DATA) &&
	! grep spam show.out &&
	(
		cd bob &&
		git mr comment Bob/1 -m "sorry" >/dev/null
	) &&
	test "$(git -C server.git rev-parse $DATA~1)" = $(git -C server.git rev-parse $spam~1)
'

test_expect_success 'create refuses a blank title, comment a revision never pushed' '
	test_when_finished stop_gpg_agent &&
	data=$(server_rev $DATA) &&
	(
		cd alice &&
		test_must_fail git mr create -m "
only a body" 2>../create.err &&
		test_must_fail git mr create -m "  " 2>../create2.err &&
		test_must_fail git mr comment 1 -m "about v3" --rev 3 2>../comment.err
	) &&
	grep -x "fatal: the title (the message'\''s first line) is empty; nothing done" create.err &&
	grep -x "fatal: empty message; nothing done" create2.err &&
	grep -x "fatal: $(echo $ALICE | cut -c1-16)/1 has no revision 3" comment.err &&
	ref_is server.git $DATA $data &&
	(cd alice && git mr comment 1 -m "about v1" --rev 1 >/dev/null) &&
	on_server merge-reqs/$ALICE/1/comments/$ALICE/4 >v1 &&
	grep -x "Revision: 1" v1
'

test_done
