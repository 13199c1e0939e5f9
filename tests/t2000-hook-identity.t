#!/bin/sh

test_description='pre-receive: who pushed is the key that signed the push'

. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: an owner, a second user, a server, a client' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(make_key "Owner <owner@example.com>") &&
	BOB=$(make_key "Bob <bob@example.com>") &&
	echo "$OWNER" >owner.id && echo "$BOB" >bob.id &&
	setup_server server.git "$OWNER" &&
	git init -q client &&
	(
		cd client &&
		git remote add origin ../server.git &&
		echo hello >README &&
		git add README &&
		git commit -q -m first
	)
'

test_expect_success 'the owner signs a push: accepted, the ref moves' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(cat owner.id) &&
	(
		cd client &&
		push_ok "$OWNER" origin HEAD:refs/heads/main
	) &&
	ref_is server.git refs/heads/main $(git -C client rev-parse HEAD)
'

test_expect_success 'an unsigned push is rejected with what to do' '
	(
		cd client &&
		echo more >>README && git commit -q -am second &&
		test_must_fail git push origin HEAD:refs/heads/main 2>../err
	) &&
	grep "error: unsigned push: push with '\''git push --signed'\''" err &&
	ref_is server.git refs/heads/main $(git -C client rev-parse HEAD~1)
'

test_expect_success 'an unknown key is rejected and told how to register' '
	test_when_finished stop_gpg_agent &&
	BOB=$(cat bob.id) &&
	(
		cd client &&
		push_denied "$BOB" origin HEAD:refs/heads/main
	) &&
	grep "error: no key in refs/apps/access-control made this signature" push.err &&
	ref_is server.git refs/heads/main $(git -C client rev-parse HEAD~1)
'

test_expect_success 'the pusher line of the certificate is not trusted' '
	test_when_finished stop_gpg_agent &&
	BOB=$(cat bob.id) &&
	(
		cd client &&
		GIT_COMMITTER_NAME=Owner GIT_COMMITTER_EMAIL=owner@example.com &&
		export GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL &&
		push_denied "$BOB" origin HEAD:refs/heads/main
	) &&
	grep "error: no key in refs/apps/access-control" push.err
'

test_expect_success 'without receive.certNonceSeed nothing signed gets in' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(cat owner.id) &&
	seed=$(git -C server.git config receive.certNonceSeed) &&
	git -C server.git config --unset receive.certNonceSeed &&
	test_when_finished "git -C server.git config receive.certNonceSeed $seed" &&
	(
		cd client &&
		# git refuses to sign for a server that offers no nonce ...
		test_must_fail push_as "$OWNER" origin HEAD:refs/heads/main \
			2>../err1 &&
		# ... and an unsigned push is the hook'\''s to reject
		test_must_fail git -c user.signingkey="$OWNER" push \
			--signed=if-asked origin HEAD:refs/heads/main 2>../err2
	) &&
	grep "does not support --signed push" err1 &&
	# the hook says why, not "push with --signed" (issue 13, finding 7)
	grep "error: receive.certNonceSeed is not set in the repository.s config, so this server cannot take signed pushes" err2 &&
	! grep "unsigned push" err2 &&
	ref_is server.git refs/heads/main $(git -C client rev-parse HEAD~1)
'

test_expect_success 'without receive.fsckObjects every push is rejected' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(cat owner.id) &&
	git -C server.git config receive.fsckObjects false &&
	test_when_finished "git -C server.git config receive.fsckObjects true" &&
	(
		cd client &&
		push_denied "$OWNER" origin HEAD:refs/heads/main
	) &&
	grep "error: receive.fsckObjects is not true" push.err
'

test_expect_success 'with core.ignorecase every push is rejected' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(cat owner.id) &&
	git -C server.git config core.ignorecase true &&
	test_when_finished "git -C server.git config core.ignorecase false" &&
	(
		cd client &&
		push_denied "$OWNER" origin HEAD:refs/heads/main
	) &&
	grep "error: core.ignorecase is true" push.err &&
	ref_is server.git refs/heads/main $(git -C client rev-parse HEAD~1)
'

test_expect_success 'without gitapps.owner every push is rejected' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(cat owner.id) &&
	git -C server.git config --unset-all gitapps.owner &&
	test_when_finished "git -C server.git config gitapps.owner $OWNER" &&
	(
		cd client &&
		push_denied "$OWNER" origin HEAD:refs/heads/main
	) &&
	grep "error: gitapps.owner is not set" push.err
'

test_expect_success 'a key registers itself (trust on first use)' '
	test_when_finished stop_gpg_agent &&
	BOB=$(cat bob.id) &&
	git clone -q --no-checkout server.git policy &&
	(
		cd policy &&
		git fetch -q origin refs/apps/access-control:refs/heads/acl &&
		git checkout -q acl &&
		aa=$(echo $BOB | cut -c1-2) &&
		mkdir -p keys/$aa &&
		gpg --armor --export "$BOB" >keys/$aa/$BOB.asc &&
		git add keys &&
		git commit -q -m "register Bob" &&
		push_ok "$BOB" origin HEAD:refs/apps/access-control
	) &&
	ref_is server.git refs/apps/access-control $(git -C policy rev-parse HEAD) &&
	test -d server.git/gitapps/accepted-certs
'

test_expect_success 'once registered, the key identifies Bob: the policy decides' '
	test_when_finished stop_gpg_agent &&
	BOB=$(cat bob.id) &&
	(
		cd client &&
		push_denied "$BOB" origin HEAD:refs/heads/main
	) &&
	grep "denied: $BOB may not fast-forward heads/main (commit " push.err &&
	grep "hint: no rule in refs/\*.conf of refs/apps/access-control allows it" push.err &&
	ref_is server.git refs/heads/main $(git -C client rev-parse HEAD~1)
'

test_expect_success 'registration cannot bring anything but the key' '
	test_when_finished stop_gpg_agent &&
	CAROL=$(make_key "Carol <carol@example.com>") &&
	(
		cd policy &&
		aa=$(echo $CAROL | cut -c1-2) &&
		mkdir -p keys/$aa &&
		gpg --armor --export "$CAROL" >keys/$aa/$CAROL.asc &&
		echo "anyone force .*" >refs/carol.conf &&
		git add keys refs &&
		git commit -q -m "register Carol, and more" &&
		push_denied "$CAROL" origin HEAD:refs/apps/access-control
	) &&
	grep "error: no key in refs/apps/access-control made this signature" push.err
'

test_done
