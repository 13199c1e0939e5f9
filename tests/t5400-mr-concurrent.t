#!/bin/sh

test_description='git mr: two people writing at the same moment both land

mr_publish (cli/mr_ctx.c) pushes on top of the tip it fetched; when
someone else pushed first, the push is refused, and git mr fetches,
rebuilds its change on the new tip and pushes again.'

. "$(dirname "$0")/lib.sh"
. "$SRC/tests/lib-hook.sh"
. "$SRC/tests/lib-mr.sh"

test_expect_success 'setup: Alice has a request' '
	test_when_finished stop_gpg_agent &&
	mr_setup &&
	topic alice feature a.txt a &&
	(cd alice && git mr create -m "Alice'\''s change" >/dev/null)
'

test_expect_success 'a push that lost the race is rebuilt on the new tip' '
	test_when_finished stop_gpg_agent &&
	test_when_finished "rm -f bob/.git/hooks/pre-push" &&
	# Bob'\''s first push waits, after the server told it the old tip, for
	# Alice to comment: his push is stale, deterministically.
	cat >bob/.git/hooks/pre-push <<-EOF &&
	#!/bin/sh
	test -f "$SHARNESS_TRASH_DIRECTORY/raced" && exit 0
	: >"$SHARNESS_TRASH_DIRECTORY/raced"
	unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_PREFIX
	cd "$SHARNESS_TRASH_DIRECTORY/alice" &&
	git mr comment $ALICE/1 -m "Alice came first" >/dev/null 2>&1
	EOF
	chmod +x bob/.git/hooks/pre-push &&
	(
		cd bob &&
		git mr comment $ALICE/1 -m "Bob came second" >../bob.out 2>../bob.err
	) &&
	test -f raced &&
	grep -x "git mr: the remote moved meanwhile; trying again" bob.err &&
	on_server merge-reqs/$ALICE/1/comments/$ALICE/2 >alice2 &&
	grep -x "Alice came first" alice2 &&
	on_server merge-reqs/$ALICE/1/comments/$BOB/1 >bob1 &&
	grep -x "Bob came second" bob1 &&
	# Bob'\''s commit sits on Alice'\''s: nothing was lost or forced
	git -C server.git log --format=%s $DATA >log &&
	head -n 2 log >top &&
	printf "%s\n" "Comment on a merge request" "Comment on a merge request" >expect &&
	test_cmp expect top
'

test_expect_success 'two comments started at once both land (three rounds)' '
	test_when_finished stop_gpg_agent &&
	for round in 1 2 3
	do
		(
			cd alice &&
			git mr comment 1 -m "Alice, round $round" >../a.out 2>../a.err
			echo $? >../a.rc
		) &
		(
			cd bob &&
			git mr comment $ALICE/1 -m "Bob, round $round" >../b.out 2>../b.err
			echo $? >../b.rc
		) &
		wait &&
		echo 0 >expect &&
		test_cmp expect a.rc &&
		test_cmp expect b.rc &&
		! grep -e fatal -e denied a.err b.err || return 1
	done &&
	for k in 3 4 5
	do
		on_server merge-reqs/$ALICE/1/comments/$ALICE/$k >c &&
		grep -x "Alice, round $((k - 2))" c || return 1
	done &&
	for k in 2 3 4
	do
		on_server merge-reqs/$ALICE/1/comments/$BOB/$k >c &&
		grep -x "Bob, round $((k - 1))" c || return 1
	done &&
	(cd maint && git mr fetch 2>/dev/null && git mr show Alice/1 >../show.out) &&
	test $(grep -c "^    Alice, round [123]\$" show.out) = 3 &&
	test $(grep -c "^    Bob, round [123]\$" show.out) = 3
'

test_done
