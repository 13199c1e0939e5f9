#!/bin/sh

test_description='git mr: what the app policy forbids a contributor (SPEC 7)

Bob tries to write what is not his, through git mr where it offers a way
and through data-branch commits built by hand with plumbing where it does
not.  Each attempt is rejected by the hook with a denied: line naming the
path, the server refs stay where they were, and each has a twin that is
accepted.'

. "$(dirname "$0")/lib.sh"
. "$SRC/tests/lib-hook.sh"
. "$SRC/tests/lib-mr.sh"

# mr_denied <file> <line>: git mr printed the hook's line (after remote:).
mr_denied () {
	grep -F "remote: $2" "$1" || {
		echo "no such line from the hook: $2" >&2
		cat "$1" >&2
		return 1
	}
}

test_expect_success 'setup: Alice has a request that Bob commented on' '
	test_when_finished stop_gpg_agent &&
	mr_setup &&
	topic alice feature a.txt a &&
	(cd alice && git mr create -m "Alice'\''s change" >/dev/null) &&
	(cd bob && git mr comment $ALICE/1 -m "Bob'\''s comment" >/dev/null) &&
	topic bob fix b.txt b &&
	(cd bob && git mr create -m "Bob'\''s fix" >/dev/null) &&
	on_server merge-reqs/$ALICE/1/comments/$BOB/1 &&
	on_server merge-reqs/$BOB/1/title
'

test_expect_success 'Bob cannot edit Alice'\''s title (hand-made push)' '
	test_when_finished stop_gpg_agent &&
	data=$(server_rev $DATA) &&
	(
		cd bob &&
		c=$(data_edit "retitle" 100644 merge-reqs/$ALICE/1/title "Owned") &&
		echo $c >../c &&
		push_denied $BOB origin $c:$DATA
	) &&
	ref_is server.git $DATA $data &&
	said "denied: $BOB may not modify merge-reqs/$ALICE/1/title on apps/merge-reqs/data (commit $(cut -c1-12 c))" &&
	said "hint: no rule in branches/*.conf of refs/apps/access-control allows it"
'

test_expect_success '... its twin: Alice retitles her own request' '
	test_when_finished stop_gpg_agent &&
	(
		cd alice &&
		c=$(data_edit "retitle" 100644 merge-reqs/$ALICE/1/title "Better title") &&
		push_ok $ALICE origin $c:$DATA
	) &&
	echo "Better title" >expect &&
	on_server merge-reqs/$ALICE/1/title >actual &&
	test_cmp expect actual
'

test_expect_success 'Bob cannot edit Alice'\''s comment, nor write one in her name' '
	test_when_finished stop_gpg_agent &&
	data=$(server_rev $DATA) &&
	(
		cd bob &&
		c=$(data_edit "edit" \
			100644 merge-reqs/$ALICE/1/comments/$ALICE/1 "$(comment_text 1 -- "I give up")") &&
		echo $c >../c1 &&
		push_denied $BOB origin $c:$DATA &&
		cp ../push.err ../push1.err &&
		c=$(data_edit "forge" \
			100644 merge-reqs/$ALICE/1/comments/$ALICE/2 "$(comment_text 1 -- "LGTM")") &&
		echo $c >../c2 &&
		push_denied $BOB origin $c:$DATA
	) &&
	ref_is server.git $DATA $data &&
	said "denied: $BOB may not create-file merge-reqs/$ALICE/1/comments/$ALICE/2 on apps/merge-reqs/data (commit $(cut -c1-12 c2))" &&
	mv push1.err push.err &&
	said "denied: $BOB may not modify merge-reqs/$ALICE/1/comments/$ALICE/1 on apps/merge-reqs/data (commit $(cut -c1-12 c1))"
'

test_expect_success '... its twin: Bob edits his own comment' '
	test_when_finished stop_gpg_agent &&
	(
		cd bob &&
		c=$(data_edit "edit" \
			100644 merge-reqs/$ALICE/1/comments/$BOB/1 "$(comment_text 1 -- "Edited")") &&
		push_ok $BOB origin $c:$DATA
	) &&
	on_server merge-reqs/$ALICE/1/comments/$BOB/1 >bob1 &&
	grep "^Edited\$" bob1
'

test_expect_success 'Bob cannot create a request in Alice'\''s directory' '
	test_when_finished stop_gpg_agent &&
	data=$(server_rev $DATA) &&
	(
		cd bob &&
		c=$(data_edit "plant" \
			100644 merge-reqs/$ALICE/2/title "Alice wants this" \
			100644 merge-reqs/$ALICE/2/target heads/main) &&
		echo $c >../c &&
		push_denied $BOB origin $c:$DATA
	) &&
	ref_is server.git $DATA $data &&
	said "denied: $BOB may not create-directory merge-reqs/$ALICE/2 on apps/merge-reqs/data (commit $(cut -c1-12 c))" &&
	said "denied: $BOB may not create-file merge-reqs/$ALICE/2/title on apps/merge-reqs/data (commit $(cut -c1-12 c))" &&
	said "denied: $BOB may not create-file merge-reqs/$ALICE/2/target on apps/merge-reqs/data (commit $(cut -c1-12 c))"
'

test_expect_success '... its twin: Bob creates request 2 in his own by hand' '
	test_when_finished stop_gpg_agent &&
	(
		cd bob &&
		c=$(data_edit "by hand" \
			100644 merge-reqs/$BOB/2/title "By hand" \
			100644 merge-reqs/$BOB/2/target heads/main) &&
		push_ok $BOB origin $c:$DATA
	) &&
	echo "By hand" >expect &&
	on_server merge-reqs/$BOB/2/title >actual &&
	test_cmp expect actual
'

test_expect_success 'git mr label add merged, ci-pass: the hook refuses Bob' '
	test_when_finished stop_gpg_agent &&
	data=$(server_rev $DATA) &&
	(
		cd bob &&
		test_must_fail git mr label add 1 merged 2>../merged.err &&
		test_must_fail git mr label add 1 ci-pass 2>../cipass.err &&
		test_must_fail git mr label add $ALICE/1 ci-fail 2>../cifail.err
	) &&
	ref_is server.git $DATA $data &&
	mr_denied merged.err "denied: $BOB may not create-symlink merge-reqs/$BOB/1/labels/merged on apps/merge-reqs/data" &&
	mr_denied merged.err "denied: $BOB may not create-symlink labels/merged/$BOB/1 on apps/merge-reqs/data" &&
	grep "^fatal: the push was rejected; nothing changed\$" merged.err &&
	mr_denied cipass.err "denied: $BOB may not create-symlink merge-reqs/$BOB/1/labels/ci-pass on apps/merge-reqs/data" &&
	mr_denied cifail.err "denied: $BOB may not create-symlink merge-reqs/$ALICE/1/labels/ci-fail on apps/merge-reqs/data" &&
	not_on_server merge-reqs/$BOB/1/labels/merged &&
	(cd bob && git mr fetch 2>/dev/null && git mr list --state merged >../merged.list) &&
	test_must_be_empty merged.list
'

test_expect_success '... nor by hand: a merged label symlink of his own' '
	test_when_finished stop_gpg_agent &&
	data=$(server_rev $DATA) &&
	(
		cd bob &&
		c=$(data_edit "merged!" \
			120000 merge-reqs/$BOB/1/labels/merged /labels/merged) &&
		echo $c >../c &&
		push_denied $BOB origin $c:$DATA
	) &&
	ref_is server.git $DATA $data &&
	said "denied: $BOB may not create-symlink merge-reqs/$BOB/1/labels/merged on apps/merge-reqs/data (commit $(cut -c1-12 c))"
'

test_expect_success '... their twins: ci sets ci-pass, Bob sets closed' '
	test_when_finished stop_gpg_agent &&
	(cd ci && git mr label add $BOB/1 ci-pass >/dev/null) &&
	test "$(on_server merge-reqs/$BOB/1/labels/ci-pass)" = /labels/ci-pass &&
	test "$(on_server labels/ci-pass/$BOB/1)" = /merge-reqs/$BOB/1 &&
	(cd bob && git mr close 1 >/dev/null) &&
	test "$(on_server merge-reqs/$BOB/1/labels/closed)" = /labels/closed &&
	not_on_server merge-reqs/$BOB/1/labels/open
'

test_expect_success 'Bob cannot move his revision tag (force) or delete it' '
	test_when_finished stop_gpg_agent &&
	tag=$(server_rev refs/apps/merge-reqs/$BOB/1-v1) &&
	(
		cd bob &&
		echo more >>b.txt &&
		git commit -q -am more &&
		git tag -a -m "Revision 1, really" moved HEAD &&
		push_denied $BOB origin +moved:refs/apps/merge-reqs/$BOB/1-v1 &&
		cp ../push.err ../force.err &&
		push_denied $BOB origin :refs/apps/merge-reqs/$BOB/1-v1
	) &&
	ref_is server.git refs/apps/merge-reqs/$BOB/1-v1 $tag &&
	said "denied: $BOB may not delete apps/merge-reqs/$BOB/1-v1" &&
	mv force.err push.err &&
	said "denied: $BOB may not force apps/merge-reqs/$BOB/1-v1 (tag $(short bob moved))" &&
	said "hint: no rule in refs/*.conf of refs/apps/access-control allows it"
'

test_expect_success 'Bob cannot create a revision tag in Alice'\''s namespace' '
	test_when_finished stop_gpg_agent &&
	(
		cd bob &&
		push_denied $BOB origin moved:refs/apps/merge-reqs/$ALICE/1-v2
	) &&
	ref_is server.git refs/apps/merge-reqs/$ALICE/1-v2 none &&
	said "denied: $BOB may not create-tag apps/merge-reqs/$ALICE/1-v2 (tag $(short bob moved))"
'

test_expect_success '... its twin: Bob creates his own next revision tag by hand' '
	test_when_finished stop_gpg_agent &&
	(
		cd bob &&
		push_ok $BOB origin moved:refs/apps/merge-reqs/$BOB/1-v2
	) &&
	ref_is server.git refs/apps/merge-reqs/$BOB/1-v2 $(git -C bob rev-parse moved)
'

test_expect_success 'Bob cannot delete or rewind the data branch' '
	test_when_finished stop_gpg_agent &&
	data=$(server_rev $DATA) &&
	(
		cd bob &&
		git mr fetch 2>/dev/null &&
		push_denied $BOB origin :$DATA &&
		cp ../push.err ../delete.err &&
		push_denied $BOB origin +$DATA~1:$DATA
	) &&
	ref_is server.git $DATA $data &&
	said "denied: $BOB may not force apps/merge-reqs/data (commit $(short server.git $DATA~1))" &&
	mv delete.err push.err &&
	said "denied: $BOB may not delete apps/merge-reqs/data"
'

test_done
