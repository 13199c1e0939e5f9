#!/bin/sh

test_description='git mr ci: not-applicable, closed requests, ci-pass attestations

A test command that exits with mr.ci.notApplicableExit (77 by default)
gives the result not-applicable: no label, no attestation (SPEC 8).  The
bot leaves closed and merged requests alone.  A pass writes the ci-pass
attestation of the revision'"'"'s commit on refs/apps/attestations in the
same push as its result (SPEC 11); nothing else does.'

. "$(dirname "$0")/lib.sh"
. "$SRC/tests/lib-hook.sh"
. "$SRC/tests/lib-mr.sh"
. "$SRC/tests/lib-ci.sh"

# no_ci_labels <n>: Bob's request n has neither ci-pass nor ci-fail.
no_ci_labels () {
	not_on_server "merge-reqs/$BOB/$1/labels/ci-pass" &&
	not_on_server "merge-reqs/$BOB/$1/labels/ci-fail" &&
	not_on_server "labels/ci-pass/$BOB/$1" &&
	not_on_server "labels/ci-fail/$BOB/$1"
}

# attested <n> <k>: print where the ci-pass attestation of Bob's request
# n revision k would be, the revision's commit split after 2 and 4 digits.
attested () {
	at_commit=$(git -C server.git rev-parse \
		"refs/apps/merge-reqs/$BOB/$1-v$2^{commit}") &&
	echo "$(echo $at_commit | cut -c1-2)/$(echo $at_commit |
		cut -c3-4)/$(echo $at_commit | cut -c5-)/ci-pass/$CI"
}

# no_attestation <n> <k>: the server holds no attestation at all of that
# revision's commit.
no_attestation () {
	na_path=$(attested "$1" "$2") &&
	if git -C server.git rev-parse -q --verify $ATTEST >/dev/null
	then
		test_must_fail git -C server.git cat-file -e \
			"$ATTEST:${na_path%/ci-pass/*}" 2>/dev/null
	fi
}

# last_push: the "<old> <new> <ref>" lines of the server's last push,
# as its post-receive hook saw them.
last_push () {
	sed -n "/^push\$/h; /^push\$/!H; \${x;p}" pushes | sed 1d
}

test_expect_success 'setup: the app, the bot, and a request that passes' '
	test_when_finished stop_gpg_agent &&
	mr_setup &&
	git -C ci config mr.ci.command "sh test.sh" &&
	ci_attest_policy &&
	printf "#!/bin/sh\n{ echo push; cat; } >>\"%s/pushes\"\n" \
		"$SHARNESS_TRASH_DIRECTORY" >server.git/hooks/post-receive &&
	chmod +x server.git/hooks/post-receive &&
	propose pass "exit 0" "Passes"
'

test_expect_success 'a pass attests exactly its commit, under the bot'"'"'s id, in the push of its result' '
	test_when_finished stop_gpg_agent &&
	ci_run ci >out 2>err &&
	grep "pass: posted" out &&
	! grep "posted unattested" err &&
	result 1 1 >pass &&
	grep "^Result: pass\$" pass &&
	git -C server.git ls-tree -r $ATTEST >tree &&
	attested 1 1 >expect &&
	cut -f2 tree >paths &&
	test_cmp expect paths &&
	grep "^100644 blob " tree &&
	git -C server.git cat-file -p "$ATTEST:$(cat expect)" >text &&
	commit=$(git -C server.git rev-parse "refs/apps/merge-reqs/$BOB/1-v1^{commit}") &&
	grep "^Commit: $commit\$" text &&
	grep "^Merge-Request: $BOB/1\$" text &&
	grep "^Revision: 1\$" text &&
	# one push moved both: the result and its attestation
	last_push >push &&
	test $(wc -l <push) -eq 2 &&
	grep " $(server_rev $DATA) $DATA\$" push &&
	grep "^0\{40\} $(server_rev $ATTEST) $ATTEST\$" push &&
	test "$(git -C ci rev-parse $ATTEST)" = "$(server_rev $ATTEST)"
'

test_expect_success 'an invalid mr.ci.notApplicableExit is an error naming the key' '
	test_when_finished stop_gpg_agent &&
	before=$(server_rev $DATA) &&
	for bad in 0 256 -1 seven 77x ""
	do
		test_expect_code 128 git -C ci \
			-c mr.ci.notApplicableExit="$bad" \
			mr ci --once $NO_SANDBOX >out 2>err &&
		grep "mr.ci.notApplicableExit wants a number from 1 to 255" err &&
		! grep "^testing" out || return 1
	done &&
	test "$(server_rev $DATA)" = "$before"
'

test_expect_success 'a command exiting 77 is not-applicable: no label, no attestation' '
	test_when_finished stop_gpg_agent &&
	propose skip "echo nothing to test here; exit 77" "Nothing to test" &&
	ci_run ci >out 2>err &&
	grep "not-applicable: posted" out &&
	result 2 1 >skip &&
	grep "^Result: not-applicable\$" skip &&
	grep "^Revision: 1\$" skip &&
	grep "exit status 77" skip &&
	grep "nothing to test here" skip &&
	no_ci_labels 2 &&
	no_attestation 2 1
'

test_expect_success 'git mr show and list show not-applicable as such' '
	(
		cd alice &&
		git mr fetch >/dev/null 2>&1 &&
		git mr show bob@example.com/2 >show &&
		sed -n "/^ci:/,/^comments:/p" show >ci &&
		grep "^  v1  not-applicable  .* CI Bot <ci@example.com>" ci &&
		grep "^labels: *needs-review open\$" show &&
		git mr list --format "%n %l" >list &&
		grep "^2 needs-review,open\$" list &&
		grep "^1 ci-pass," list
	)
'

test_expect_success 'a not-applicable latest revision clears the ci-pass of the one before' '
	test_when_finished stop_gpg_agent &&
	on_server merge-reqs/$BOB/1/labels/ci-pass &&
	topic bob pass test.sh "exit 77" &&
	(cd bob && git mr update 1 -m "no tests now" >/dev/null) &&
	ci_run ci >out 2>err &&
	result 1 2 >skip2 &&
	grep "^Result: not-applicable\$" skip2 &&
	no_ci_labels 1 &&
	no_attestation 1 2
'

test_expect_success 'mr.ci.notApplicableExit sets another status; 77 then fails' '
	test_when_finished stop_gpg_agent &&
	git -C ci config mr.ci.notApplicableExit 5 &&
	test_when_finished "git -C ci config --unset mr.ci.notApplicableExit" &&
	propose five "exit 5" "Exits 5" &&
	propose seventyseven "exit 77" "Exits 77" &&
	ci_run ci >out 2>err &&
	result 3 1 >five &&
	grep "^Result: not-applicable\$" five &&
	no_ci_labels 3 &&
	result 4 1 >seventyseven &&
	grep "^Result: fail\$" seventyseven &&
	grep "exit status 77" seventyseven &&
	on_server merge-reqs/$BOB/4/labels/ci-fail &&
	no_attestation 4 1
'

test_expect_success 'a rerun posts nothing: no result or attestation twice' '
	test_when_finished stop_gpg_agent &&
	data=$(server_rev $DATA) &&
	attest=$(server_rev $ATTEST) &&
	ci_run ci >out 2>err &&
	grep "^no revision waits for a result\$" out &&
	test "$(server_rev $DATA)" = "$data" &&
	test "$(server_rev $ATTEST)" = "$attest"
'

test_expect_success 'a commit attested already is posted without a second attestation' '
	test_when_finished stop_gpg_agent &&
	(cd bob && git mr create -m "The same commit" \
		"refs/apps/merge-reqs/$BOB/1-v1^{commit}" >/dev/null) &&
	attest=$(server_rev $ATTEST) &&
	ci_run ci >out 2>err &&
	result 5 1 >again &&
	grep "^Result: pass\$" again &&
	on_server merge-reqs/$BOB/5/labels/ci-pass &&
	test "$(server_rev $ATTEST)" = "$attest" &&
	last_push >push &&
	test $(wc -l <push) -eq 1 &&
	grep " $DATA\$" push
'

test_expect_success 'closed and merged requests are skipped: no run, no comment' '
	test_when_finished stop_gpg_agent &&
	propose closed "exit 0" "Closed before the bot came" &&
	propose merged "exit 0" "Merged before the bot came" &&
	(cd bob && git mr close 6 >/dev/null) &&
	(cd maint && git mr fetch >/dev/null 2>&1 &&
	 git mr label add bob@example.com/7 merged >/dev/null) &&
	on_server merge-reqs/$BOB/6/labels/closed &&
	on_server merge-reqs/$BOB/7/labels/merged &&
	before=$(server_rev $DATA) &&
	ci_run ci >out 2>err &&
	grep "^no revision waits for a result\$" out &&
	! grep "^testing" out &&
	not_on_server merge-reqs/$BOB/6/comments/$CI/1 &&
	not_on_server merge-reqs/$BOB/7/comments/$CI/1 &&
	test "$(server_rev $DATA)" = "$before"
'

test_expect_success 'a reopened request is tested again' '
	test_when_finished stop_gpg_agent &&
	(cd bob && git mr reopen 6 >/dev/null) &&
	ci_run ci >out 2>err &&
	grep "^testing revision 1 of $(echo $BOB | cut -c1-16)/6 " out &&
	result 6 1 >reopened &&
	grep "^Result: pass\$" reopened &&
	not_on_server merge-reqs/$BOB/7/comments/$CI/1
'

test_expect_success 'a lost race on refs/apps/attestations alone is fetched and retried' '
	test_when_finished stop_gpg_agent &&
	mr_clone ci2 "$CI" &&
	propose slow "sleep 3; exit 0" "Passes slowly" &&
	ci_run ci >race.out 2>race.err &
	for i in $(test_seq 1 100)
	do
		grep -q "^testing revision" race.out 2>/dev/null && break
		sleep 0.1
	done &&
	grep "^testing revision 1 of $(echo $BOB | cut -c1-16)/8 " race.out &&
	# meanwhile another instance attests another commit
	main=$(git -C server.git rev-parse refs/heads/main) &&
	other="$(echo $main | cut -c1-2)/$(echo $main | cut -c3-4)/$(echo $main | cut -c5-)/ci-pass/$CI" &&
	(
		cd ci2 &&
		git mr fetch >/dev/null 2>&1 &&
		c=$(mr_edit $ATTEST "ci-pass of main" 100644 "$other" "main") &&
		push_ok "$CI" origin "$c:$ATTEST"
	) &&
	theirs=$(server_rev $ATTEST) &&
	data=$(server_rev $DATA) &&
	wait &&
	grep "pass: posted" race.out &&
	grep "the remote moved meanwhile; trying again" race.err &&
	result 8 1 >slow &&
	grep "^Result: pass\$" slow &&
	test "$(git -C server.git rev-parse "$ATTEST^")" = "$theirs" &&
	git -C server.git cat-file -e "$ATTEST:$other" &&
	git -C server.git cat-file -e "$ATTEST:$(attested 8 1)" &&
	test "$(git -C server.git rev-parse "$DATA^")" = "$data"
'

test_expect_success 'where the policy lets ci write no ci-pass, a pass is posted unattested' '
	test_when_finished stop_gpg_agent &&
	(
		cd owner &&
		git mr fetch >/dev/null 2>&1 &&
		policy=$(mr_edit refs/apps/access-control "ci attests nothing" \
			- branches/attestations.conf -) &&
		push_ok "$OWNER" origin "$policy:refs/apps/access-control"
	) &&
	propose unattested "exit 0" "Passes, unattested" &&
	attest=$(server_rev $ATTEST) &&
	ci_run ci >out 2>err &&
	grep "warning: refs/apps/access-control does not let $(echo $CI | cut -c1-16) write ci-pass on $ATTEST" err &&
	grep "pass: posted" out &&
	result 9 1 >unattested &&
	grep "^Result: pass\$" unattested &&
	on_server merge-reqs/$BOB/9/labels/ci-pass &&
	test "$(server_rev $ATTEST)" = "$attest" &&
	no_attestation 9 1
'

test_done
