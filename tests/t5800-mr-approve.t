#!/bin/sh

test_description='git mr approve and unapprove (SPEC 11)

A maintainer approves a revision: the approved attestation of its commit
lands on refs/apps/attestations and a comment in the request, in one
signed atomic push; unapprove deletes it the same way; show and list
name who approved which revision, marking an approval of an older
revision as stale.'

. "$(dirname "$0")/lib.sh"
. "$SRC/tests/lib-hook.sh"
. "$SRC/tests/lib-mr.sh"

ATT=refs/apps/attestations

# attest_path <commit> <kind> <user>: where SPEC 11 puts it
attest_path () {
	echo "$1" | sed "s|^\(..\)\(..\)\(.*\)\$|\1/\2/\3/$2/$3|"
}

short () {
	echo "$1" | cut -c1-16
}

test_expect_success 'setup: the app, and a policy that lets maintainers attest' '
	test_when_finished stop_gpg_agent &&
	mr_setup &&
	(
		cd owner &&
		git mr fetch >/dev/null 2>&1 &&
		policy=$(mr_edit refs/apps/access-control "maintainers attest" \
			100644 refs/attest.conf \
"maintainers create-branch,fast-forward apps/attestations" \
			100644 branches/attest.conf "[apps/attestations]
maintainers create-directory [0-9a-f]{2}
maintainers create-directory [0-9a-f]{2}/[0-9a-f]{2}
maintainers create-directory [0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{36}
maintainers create-directory [0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{36}/approved
maintainers create-file,delete [0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{36}/approved/\${user_id}") &&
		push_ok "$OWNER" origin "$policy:refs/apps/access-control"
	) &&
	topic alice feature f.txt one &&
	(cd alice && git mr create -m "Add f.txt" >/dev/null) &&
	V1=$(git -C alice rev-parse HEAD) &&
	echo "$V1" >V1
'

test_expect_success 'git mr fetch is fine while the server has no attestations' '
	ref_is server.git $ATT none &&
	(cd maint && git mr fetch 2>../fetch.err) &&
	! grep -i -e error -e fatal fetch.err &&
	ref_is maint $ATT none
'

test_expect_success 'approve: the attestation and the comment, both refs moved' '
	test_when_finished stop_gpg_agent &&
	V1=$(cat V1) &&
	data=$(server_rev $DATA) &&
	(cd maint && git mr approve Alice/1 >../approve.out) &&
	echo "approved revision 1 ($V1) of $(short $ALICE)/1" >expect &&
	test_cmp expect approve.out &&
	path=$(attest_path $V1 approved $MAINT) &&
	git -C server.git cat-file -p "$ATT:$path" >text &&
	printf "Merge-Request: %s/1\nRevision: 1\nCommit: %s\n" $ALICE $V1 >expect &&
	test_cmp expect text &&
	git -C server.git ls-tree $ATT:$(dirname $path) >entry &&
	grep "^100644 blob .*	$MAINT\$" entry &&
	on_server merge-reqs/$ALICE/1/comments/$MAINT/1 >comment &&
	grep "^Revision: 1\$" comment &&
	grep "^Approved revision 1 ($V1)\$" comment &&
	test "$(server_rev $DATA^)" = "$data" &&
	# the local refs follow what was pushed
	ref_is maint $ATT $(server_rev $ATT) &&
	ref_is maint $DATA $(server_rev $DATA)
'

test_expect_success 'the two refs went in one atomic signed push' '
	test_when_finished stop_gpg_agent &&
	att=$(server_rev $ATT) &&
	data=$(server_rev $DATA) &&
	# an attestation push the hook declines takes the comment with it
	(
		cd bob &&
		git mr fetch >/dev/null 2>&1 &&
		test_must_fail git mr approve Alice/1 >../bob.out 2>../bob.err
	) &&
	grep "denied: $BOB" bob.err &&
	ref_is server.git $ATT $att &&
	ref_is server.git $DATA $data &&
	not_on_server merge-reqs/$ALICE/1/comments/$BOB/1
'

test_expect_success 'approving twice says so and pushes nothing' '
	att=$(server_rev $ATT) &&
	(cd maint && test_must_fail git mr approve Alice/1 2>../twice.err) &&
	grep "fatal: you approved revision 1 of $(short $ALICE)/1 already" twice.err &&
	ref_is server.git $ATT $att
'

test_expect_success 'show and list name the approver by name and fingerprint' '
	(
		cd bob &&
		git mr fetch >/dev/null 2>&1 &&
		git mr show Alice/1 >../show.out &&
		git mr list >../list.out
	) &&
	echo "  v1  approved by Maint <maint@example.com> [$(short $MAINT)]" >expect &&
	sed -n "/^attestations:/,/^ci:/p" show.out | sed -n 2p >actual &&
	test_cmp expect actual &&
	printf "\tapproved by Maint <maint@example.com> [%s] (v1)\n" $(short $MAINT) >expect &&
	sed -n 2p list.out >actual &&
	test_cmp expect actual
'

test_expect_success 'revision 2: the approval of revision 1 shows as stale' '
	test_when_finished stop_gpg_agent &&
	topic alice feature f.txt two &&
	(cd alice && git mr update 1 -m "Second" >/dev/null) &&
	V2=$(git -C alice rev-parse HEAD) &&
	echo "$V2" >V2 &&
	(
		cd bob &&
		git mr fetch >/dev/null 2>&1 &&
		git mr show Alice/1 >../show2.out &&
		git mr list >../list2.out
	) &&
	cat >expect <<-EOF &&
	attestations:
	  v1  approved by Maint <maint@example.com> [$(short $MAINT)]  (stale: not the latest revision)
	  v2  (none)
	ci:
	EOF
	sed -n "/^attestations:/,/^ci:/p" show2.out >actual &&
	test_cmp expect actual &&
	printf "\tapproved by Maint <maint@example.com> [%s] (v1, stale)\n" $(short $MAINT) >expect &&
	sed -n 2p list2.out >actual &&
	test_cmp expect actual &&
	# scripts get one line a request, as before
	(cd bob && git mr list --porcelain) >porcelain &&
	test $(wc -l <porcelain) = 1
'

test_expect_success 'approve from a checkout of the revision, --rev for an older one' '
	test_when_finished stop_gpg_agent &&
	V1=$(cat V1) &&
	V2=$(cat V2) &&
	(
		cd maint &&
		git mr fetch >/dev/null 2>&1 &&
		git mr checkout Alice/1 >/dev/null 2>&1 &&
		git mr approve >../head.out
	) &&
	echo "approved revision 2 ($V2) of $(short $ALICE)/1" >expect &&
	test_cmp expect head.out &&
	git -C server.git cat-file -e "$ATT:$(attest_path $V2 approved $MAINT)" &&
	git -C server.git cat-file -e "$ATT:$(attest_path $V1 approved $MAINT)" &&
	(cd maint && test_must_fail git mr approve Alice/1 --rev 3 2>../rev3.err) &&
	grep "fatal: $(short $ALICE)/1 has no revision 3" rev3.err
'

test_expect_success 'unapprove deletes the file and says so in the request' '
	test_when_finished stop_gpg_agent &&
	V1=$(cat V1) &&
	data=$(server_rev $DATA) &&
	(cd maint && git mr unapprove Alice/1 --rev 1 >../unapprove.out) &&
	echo "unapproved revision 1 ($V1) of $(short $ALICE)/1" >expect &&
	test_cmp expect unapprove.out &&
	test_must_fail git -C server.git cat-file -e "$ATT:$(attest_path $V1 approved $MAINT)" &&
	# the directories of revision 1 went with the file
	test_must_fail git -C server.git cat-file -e "$ATT:$(echo $V1 | cut -c1-2)/$(echo $V1 | cut -c3-4)/$(echo $V1 | cut -c5-)" &&
	test "$(server_rev $DATA^)" = "$data" &&
	on_server merge-reqs/$ALICE/1/comments/$MAINT/3 >comment &&
	grep "^Revision: 1\$" comment &&
	grep "^Unapproved revision 1 ($V1)\$" comment &&
	(cd maint && test_must_fail git mr unapprove Alice/1 --rev 1 2>../un2.err) &&
	grep "fatal: you have not approved revision 1 of $(short $ALICE)/1" un2.err
'

test_expect_success 'a lost race on the attestations alone is rebuilt' '
	test_when_finished stop_gpg_agent &&
	test_when_finished "rm -f owner/.git/hooks/pre-push" &&
	V1=$(cat V1) &&
	V2=$(cat V2) &&
	# maint approves revision 1 again between the owner'\''s fetch and
	# push, touching refs/apps/attestations only: the data branch does
	# not move, and yet the owner'\''s push is stale
	(cd maint && git mr fetch >/dev/null 2>&1) &&
	race=$(cd maint && mr_edit $ATT "race" \
		100644 "$(attest_path $V1 approved $MAINT)" "raced") &&
	data=$(server_rev $DATA) &&
	cat >owner/.git/hooks/pre-push <<-EOF &&
	#!/bin/sh
	test -f "$SHARNESS_TRASH_DIRECTORY/raced" && exit 0
	: >"$SHARNESS_TRASH_DIRECTORY/raced"
	unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_PREFIX
	cd "$SHARNESS_TRASH_DIRECTORY/maint" &&
	git push -q --signed origin $race:$ATT >/dev/null 2>&1
	EOF
	chmod +x owner/.git/hooks/pre-push &&
	(cd owner && git mr approve Alice/1 >../race.out 2>../race.err) &&
	test -f raced &&
	grep -x "git mr: the remote moved meanwhile; trying again" race.err &&
	test "$(server_rev $ATT^)" = "$race" &&
	test "$(server_rev $DATA^)" = "$data" &&
	echo "approved revision 2 ($V2) of $(short $ALICE)/1" >expect &&
	test_cmp expect race.out &&
	git -C server.git cat-file -e "$ATT:$(attest_path $V2 approved $OWNER)" &&
	git -C server.git cat-file -e "$ATT:$(attest_path $V1 approved $MAINT)"
'

test_expect_success 'errors name the request and revision; usage' '
	(
		cd bob &&
		test_must_fail git mr approve Alice/9 2>../no.err &&
		test_expect_code 129 git mr approve a b 2>../usage.err &&
		test_must_fail git mr approve Alice/1 --rev x 2>../x.err &&
		git mr approve --help >../help.out &&
		git checkout -q --detach origin/main &&
		test_must_fail git mr approve 2>../head.err
	) &&
	grep "fatal: no merge request $(short $ALICE)/9" no.err &&
	grep "usage: git mr approve \[<mr>\] \[--rev <k>\]" usage.err &&
	grep "fatal: --rev wants a number from 1, not .x." x.err &&
	grep "^usage: git mr approve" help.out &&
	grep "fatal: HEAD is no revision of a merge request" head.err
'

test_done
