#!/bin/sh

test_description='pre-receive: how denials are told (SPEC 6)

At most gitapps.maxDenials denied: lines, then "and N or more"; nothing
the pusher chose is printed raw.'

. "$(dirname "$0")/lib.sh"
. "$SRC/tests/lib-hook.sh"

test_expect_success 'setup: an owner and Alice, who may only move main' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(make_key "Owner <owner@example.com>") &&
	ALICE=$(make_key "Alice <alice@example.com>") &&
	echo "$ALICE" >alice.id &&
	setup_server server.git "$OWNER" &&
	base_policy $OWNER $ALICE &&
	rules refs/t.conf <<-\EOF &&
	anyone fast-forward heads/main
	EOF
	set_policy &&
	git clone -q server.git client 2>/dev/null &&
	(
		cd client &&
		echo readme >README &&
		git add . &&
		git commit -q -m start &&
		push_ok "$OWNER" origin HEAD:refs/heads/main
	)
'

# The hook stops judging once one denial more than it tells proves the
# verdict, so N in "and N or more" is a lower bound.
test_expect_success 'thirty denials: twenty lines, then "and 1 or more"' '
	test_when_finished stop_gpg_agent &&
	ALICE=$(cat alice.id) &&
	before=$(git -C server.git rev-parse refs/heads/main) &&
	(
		cd client &&
		fresh &&
		for i in $(test_seq 10 39)
		do
			echo $i >f$i || return 1
		done &&
		commit_all "thirty files" &&
		push_denied "$ALICE" origin HEAD:refs/heads/main
	) &&
	ref_is server.git refs/heads/main $before &&
	hook_lines >lines &&
	test $(grep -c "^denied: $ALICE may not create-file f[0-9]* on heads/main" lines) = 20 &&
	test $(grep -c "^hint: " lines) = 1 &&
	test "$(tail -n 1 lines)" = "denied: and 1 or more"
'

test_expect_success 'gitapps.maxDenials sets how many are told' '
	test_when_finished stop_gpg_agent &&
	test_when_finished "git -C server.git config --unset gitapps.maxDenials" &&
	git -C server.git config gitapps.maxDenials 3 &&
	ALICE=$(cat alice.id) &&
	(
		cd client &&
		push_denied "$ALICE" origin HEAD:refs/heads/main
	) &&
	hook_lines >lines &&
	test $(grep -c "^denied: $ALICE may not" lines) = 3 &&
	said "denied: and 1 or more"
'

test_expect_success 'one denial is told alone, with its hint' '
	test_when_finished stop_gpg_agent &&
	ALICE=$(cat alice.id) &&
	(
		cd client &&
		fresh &&
		echo one >only &&
		commit_all "one file" &&
		push_denied "$ALICE" origin HEAD:refs/heads/main
	) &&
	hook_lines >lines &&
	cat >expect <<-EOF &&
	denied: $ALICE may not create-file only on heads/main (commit $(short client HEAD))
	hint: no rule in branches/*.conf of refs/apps/access-control allows it
	EOF
	test_cmp expect lines
'

test_expect_success 'control bytes in a path are escaped, never printed' '
	test_when_finished stop_gpg_agent &&
	ALICE=$(cat alice.id) &&
	(
		cd client &&
		fresh &&
		blob=$(echo x | git hash-object -w --stdin) &&
		tree=$( {
			git ls-tree HEAD &&
			printf "100644 blob %s\tevil\033[2Jname\n" $blob
		} | git mktree) &&
		test_tick &&
		commit=$(git commit-tree -p HEAD -m escape $tree) &&
		push_denied "$ALICE" origin $commit:refs/heads/main
	) &&
	hook_lines >lines &&
	grep -F "denied: $ALICE may not create-file \"evil\\033[2Jname\" on heads/main (commit " lines &&
	! grep "$(printf "\033")" push.err
'

test_done
