#!/bin/sh

test_description='git mr ci: the CI bot (SPEC 8)

Bob proposes revisions whose test passes, fails, hangs or attacks the bot;
the bot (a key in the ci group) tests each once and posts the result as
its comment numbered like the revision, with ci-pass or ci-fail.  Tests
that need bubblewrap carry the SANDBOX prerequisite: it fails inside a
chroot or most containers, where the refusal to run unsandboxed is tested
instead.'

. "$(dirname "$0")/lib.sh"
. "$SRC/tests/lib-hook.sh"
. "$SRC/tests/lib-mr.sh"
. "$SRC/tests/lib-ci.sh"

test_expect_success 'setup: the app, and Bob'"'"'s passing and failing requests' '
	test_when_finished stop_gpg_agent &&
	mr_setup &&
	ci_attest_policy &&
	git -C ci config mr.ci.command "sh test.sh" &&
	propose good "echo all good; exit 0" "Passes" &&
	propose bad "echo it broke >&2; exit 3" "Fails"
'

test_expect_success 'without a sandbox the bot refuses, and posts nothing' '
	test_when_finished stop_gpg_agent &&
	before=$(server_rev $DATA) &&
	test_expect_code 128 git -C ci -c mr.ci.bwrap=/nonexistent/bwrap \
		mr ci --once 2>err &&
	grep "cannot sandbox revision code here" err &&
	grep -- "--accept-no-sandbox" err &&
	test "$(server_rev $DATA)" = "$before"
'

test_expect_success 'a passing and a failing revision get their result and label' '
	test_when_finished stop_gpg_agent &&
	ci_run ci >out 2>err &&
	grep "^testing revision 1 of $(echo $BOB | cut -c1-16)/1 " out &&
	result 1 1 >pass &&
	grep "^Result: pass\$" pass &&
	grep "^Revision: 1\$" pass &&
	grep "^Date: " pass &&
	grep "all good" pass &&
	result 2 1 >fail &&
	grep "^Result: fail\$" fail &&
	grep "exit status 3" fail &&
	grep "it broke" fail &&
	on_server merge-reqs/$BOB/1/labels/ci-pass &&
	not_on_server merge-reqs/$BOB/1/labels/ci-fail &&
	on_server merge-reqs/$BOB/2/labels/ci-fail &&
	not_on_server merge-reqs/$BOB/2/labels/ci-pass
'

test_expect_success 'a second run posts nothing' '
	test_when_finished stop_gpg_agent &&
	before=$(server_rev $DATA) &&
	ci_run ci >out 2>err &&
	grep "^no revision waits for a result\$" out &&
	test "$(server_rev $DATA)" = "$before"
'

test_expect_success 'git mr show and list --label ci-fail show the results' '
	(
		cd alice &&
		git mr fetch >/dev/null 2>&1 &&
		git mr show bob@example.com/2 >show &&
		sed -n "/^ci:/,/^comments:/p" show >ci &&
		grep "v1  fail .* CI Bot <ci@example.com>" ci &&
		grep "it broke" ci &&
		git mr list --label ci-fail --format "%n" >list &&
		echo 2 >expect &&
		test_cmp expect list
	)
'

test_expect_success 'a new revision is tested, and its result moves the label' '
	test_when_finished stop_gpg_agent &&
	topic bob bad test.sh "exit 0" &&
	(cd bob && git mr update 2 -m "fixed" >/dev/null) &&
	ci_run ci >out 2>err &&
	result 2 2 >fixed &&
	grep "^Result: pass\$" fixed &&
	on_server merge-reqs/$BOB/2/labels/ci-pass &&
	not_on_server merge-reqs/$BOB/2/labels/ci-fail
'

test_expect_success 'a test that hangs is reported as a timeout' '
	test_when_finished stop_gpg_agent &&
	propose slow "sleep 60" "Hangs" &&
	ci_run ci --timeout 2 >out 2>err &&
	result 3 1 >slow &&
	grep "^Result: timeout\$" slow &&
	grep "time limit of 2 s" slow &&
	on_server merge-reqs/$BOB/3/labels/ci-fail
'

test_expect_success 'a test that prints too much is stopped and reported as an error' '
	test_when_finished stop_gpg_agent &&
	propose loud "yes spam" "Shouts" &&
	ci_run ci --max-output 100000 >out 2>err &&
	result 4 1 >loud &&
	grep "^Result: error\$" loud &&
	grep "more than 100000 bytes" loud
'

test_expect_success 'a run killed before it pushed is redone once, not twice' '
	test_when_finished stop_gpg_agent &&
	propose crash "sleep 3; exit 0" "Slow but fine" &&
	(
		cd ci &&
		git mr ci --once $NO_SANDBOX >../crash.out 2>&1 &
		pid=$! &&
		sleep 1 &&
		kill -9 $pid &&
		wait $pid
		true
	) &&
	not_on_server merge-reqs/$BOB/5/comments/$CI/1 &&
	ci_run ci >out 2>err &&
	result 5 1 >crash &&
	grep "^Result: pass\$" crash &&
	ci_run ci >out 2>err &&
	grep "^no revision waits for a result\$" out
'

test_expect_success 'two bots racing on one revision end with one result' '
	test_when_finished stop_gpg_agent &&
	mr_clone ci2 "$CI" &&
	git -C ci2 config mr.ci.command "sh test.sh" &&
	propose race "sleep 1; exit 0" "Raced" &&
	before=$(server_rev $DATA) &&
	(ci_run ci >race1.out 2>&1 & ci_run ci2 >race2.out 2>&1 & wait) &&
	result 6 1 >race &&
	grep "^Result: pass\$" race &&
	git -C server.git log --format=%s "$before..$DATA" >log &&
	echo "CI result" >expect &&
	test_cmp expect log
'

test_expect_success 'the loop mode tests what arrives while it runs' '
	test_when_finished stop_gpg_agent &&
	git -C ci mr ci --loop --interval 1 $NO_SANDBOX >loop.out 2>&1 &
	echo $! >loop.pid &&
	test_when_finished "kill \$(cat loop.pid) 2>/dev/null; true" &&
	propose later "exit 0" "Arrives later" &&
	for i in $(test_seq 1 60)
	do
		result 7 1 >later 2>/dev/null && break
		sleep 1
	done &&
	grep "^Result: pass\$" later &&
	kill $(cat loop.pid) &&
	sleep 3 &&
	! kill -0 $(cat loop.pid) 2>/dev/null &&
	propose after "exit 0" "After the loop stopped" &&
	sleep 3 &&
	not_on_server merge-reqs/$BOB/8/comments/$CI/1 &&
	! grep "of $(echo $BOB | cut -c1-16)/8 " loop.out
'

test_expect_success 'with the option, the bot says on every run that it is unsandboxed' '
	test_when_finished stop_gpg_agent &&
	git -C ci -c mr.ci.bwrap=/nonexistent/bwrap mr ci --once \
		--accept-no-sandbox >out 2>err &&
	grep "revision code runs UNSANDBOXED" err
'

test_expect_success 'a contributor cannot set ci-pass himself' '
	test_when_finished stop_gpg_agent &&
	propose selfpass "exit 1" "Wants a pass" &&
	before=$(server_rev $DATA) &&
	(
		cd bob &&
		test_expect_code 128 git mr label add 9 ci-pass 2>../err
	) &&
	grep "denied: $BOB may not create-symlink merge-reqs/$BOB/9/labels/ci-pass" err &&
	test "$(server_rev $DATA)" = "$before"
'

test_expect_success 'no descriptor of the bot'"'"'s launcher reaches the test' '
	test_when_finished stop_gpg_agent &&
	propose fds "if echo leaked >&7; then echo FD-LEAK; exit 1; fi" \
		"Writes to fd 7" &&
	: >outside.txt &&
	ci_run ci 7>>outside.txt >out 2>err &&
	result 10 1 >fds &&
	grep "^Result: pass\$" fds &&
	! grep FD-LEAK fds &&
	test_must_be_empty outside.txt
'

test_expect_success 'the revision'"'"'s .gitattributes cannot make the export run anything' '
	test_when_finished stop_gpg_agent &&
	(
		cd bob &&
		git checkout -q -b subst origin/main &&
		echo "version.txt export-subst" >.gitattributes &&
		echo "\$Format:%H %G? %D\$" >version.txt &&
		echo "grep -q Format version.txt" >test.sh &&
		git add .gitattributes version.txt test.sh &&
		test_tick &&
		git commit -q -m subst &&
		git mr create -m "Asks for export-subst" >/dev/null
	) &&
	ci_run ci >out 2>err &&
	result 11 1 >subst &&
	grep "^Result: pass\$" subst
'

test_expect_success 'a revision whose files are too large is not exported' '
	test_when_finished stop_gpg_agent &&
	(
		cd bob &&
		git checkout -q -b big origin/main &&
		test-tool genrandom x 2000000 >big 2>/dev/null ||
		dd if=/dev/zero of=big bs=1000 count=2000 2>/dev/null &&
		echo "exit 0" >test.sh &&
		git add big test.sh &&
		test_tick &&
		git commit -q -m big &&
		git mr create -m "Too big" >/dev/null
	) &&
	ci_run ci --max-export 1000000 >out 2>err &&
	result 12 1 >big &&
	grep "^Result: error\$" big &&
	grep "exceed 1000000 bytes" big
'

test_expect_success 'what a test leaves behind is removed, however deep or locked' '
	test_when_finished stop_gpg_agent &&
	propose deep "d=.; for i in \$(seq 600); do d=\$d/d; done; mkdir -p \$d && echo x >\$d/f && chmod 0 d/d && exit 0" \
		"Leaves a deep tree" &&
	mkdir -p cimp &&
	(cd ci && TMPDIR="$SHARNESS_TRASH_DIRECTORY/cimp" git mr ci --once $NO_SANDBOX >../out 2>../err) &&
	result 13 1 >deep &&
	grep "^Result: pass\$" deep &&
	ls -A cimp >left &&
	test_must_be_empty left
'

# The attack: the revision's test tries to reach what the bot has: its
# gpg home and agent socket, its repository, a listener on loopback.
write_attack () {
	{
		echo "leaked="
		echo "ls '$HOME/gnupg' >/dev/null 2>&1 && leaked=\"\$leaked gnupg\""
		echo "test -e '$HOME/gnupg/S.gpg-agent' && leaked=\"\$leaked agent-socket\""
		echo "echo pwned >'$SHARNESS_TRASH_DIRECTORY/ci/.git/hooks/post-checkout' 2>/dev/null && leaked=\"\$leaked repository\""
		echo "perl -MIO::Socket::INET -e 'exit(IO::Socket::INET->new(PeerAddr => \"127.0.0.1:$1\", Timeout => 3) ? 0 : 1)' && leaked=\"\$leaked network\""
		echo "if test -n \"\$leaked\"; then echo \"LEAKED:\$leaked\"; exit 1; fi"
		echo "echo isolated"
	} >attack.sh
}

test_expect_success SANDBOX 'setup: a listener on loopback, and the attack works unsandboxed' '
	perl -MIO::Socket::INET -e '"'"'
		my $s = IO::Socket::INET->new(Listen => 5,
			LocalAddr => "127.0.0.1:0") or die;
		open(my $f, ">", "port.tmp") or die;
		print $f $s->sockport, "\n";
		close $f;
		rename "port.tmp", "port";
		$SIG{ALRM} = sub { exit 0 };
		alarm 120;
		while (my $c = $s->accept) { close $c }
	'"'"' &
	echo $! >listener.pid &&
	for i in $(test_seq 1 50); do test -s port && break; sleep 0.1; done &&
	write_attack "$(cat port)" &&
	gpg-connect-agent /bye >/dev/null 2>&1 &&
	test_must_fail sh attack.sh >control.out &&
	grep "LEAKED: gnupg agent-socket repository network" control.out &&
	rm -f ci/.git/hooks/post-checkout
'

test_expect_success SANDBOX 'a revision cannot reach the bot'"'"'s keys, agent, repository or network' '
	test_when_finished stop_gpg_agent &&
	test_when_finished "kill \$(cat listener.pid) 2>/dev/null; true" &&
	topic bob attack test.sh "$(cat attack.sh)" &&
	(cd bob && git mr create -m "Attack the bot" >/dev/null) &&
	git -C ci mr ci --once >out 2>err &&
	result 14 1 >attack &&
	grep "^Result: pass\$" attack &&
	grep "^isolated\$" attack &&
	! grep LEAKED attack &&
	test -f ci/.git/HEAD &&
	! test -e ci/.git/hooks/post-checkout
'

test_expect_success 'authors take turns: one author'"'"'s pile of revisions does not go first' '
	test_when_finished stop_gpg_agent &&
	# the author whose id sorts first proposes two, the other one
	if test "$(printf "%s\n%s\n" "$ALICE" "$BOB" | sort | head -n 1)" = "$ALICE"
	then
		first=alice second=bob second_id=$BOB
	else
		first=bob second=alice second_id=$ALICE
	fi &&
	for b in pile1 pile2
	do
		topic $first $b test.sh "exit 0" &&
		(cd $first && git mr create -m $b >/dev/null) || return 1
	done &&
	topic $second single test.sh "exit 0" &&
	(cd $second && git mr create -m single >/dev/null) &&
	ci_run ci >turns.out 2>turns.err &&
	grep "^testing revision" turns.out >tested &&
	test "$(wc -l <tested)" -eq 3 &&
	sed -n 2p tested >second &&
	grep "of $(echo $second_id | cut -c1-16)/" second
'

test_done
