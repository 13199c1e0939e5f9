#!/bin/sh

test_description='pre-receive: limits hold before the pusher is known'

. "$(dirname "$0")/lib.sh"

# ulimit -v and AddressSanitizer's shadow memory do not mix
case "$GITAPPS_BUILD" in
*/asan) ;;
*) test_set_prereq NOT_ASAN ;;
esac

test_expect_success 'setup' '
	test_when_finished stop_gpg_agent &&
	make_key "Owner <owner@example.com>" >owner.id &&
	make_key "Eve <eve@example.com>" >eve.id &&
	setup_server server.git "$(cat owner.id)" &&
	git clone -q server.git client 2>/dev/null &&
	git -C client fetch -q origin \
		refs/apps/access-control:refs/apps/access-control &&
	git -C client commit -q --allow-empty -m start
'

test_expect_success NOT_ASAN 'a huge key file in a registration is never read' '
	test_when_finished stop_gpg_agent &&
	EVE=$(cat eve.id) &&
	# only the hook is held to 200 MB: git must still move the blob
	hook=$(readlink server.git/hooks/pre-receive) &&
	mv server.git/hooks/pre-receive server.git/hooks/real-pre-receive &&
	test_when_finished "mv server.git/hooks/real-pre-receive server.git/hooks/pre-receive" &&
	printf "#!/bin/sh\nulimit -v 200000\nexec \"%s\"\n" "$hook" \
		>server.git/hooks/pre-receive &&
	chmod +x server.git/hooks/pre-receive &&
	(
		cd client &&
		git checkout -q --detach refs/apps/access-control &&
		# 300 MB of zeros: a tiny pack, a huge blob
		blob=$(head -c 300000000 /dev/zero | git hash-object -w --stdin) &&
		git update-index --add --cacheinfo 100644,$blob,keys/$EVE.asc &&
		git commit -q -m "register Eve, hugely" &&
		push_denied "$EVE" origin HEAD:refs/apps/access-control
	) &&
	grep "error: no key in refs/apps/access-control made this signature" push.err &&
	! grep "out of memory" push.err &&
	ref_is server.git refs/apps/access-control \
		$(git -C client rev-parse refs/apps/access-control)
'

test_expect_success 'old replay records go on every run, even a rejected one' '
	mkdir -p server.git/gitapps/accepted-certs &&
	touch -d "2 hours ago" server.git/gitapps/accepted-certs/stale &&
	touch server.git/gitapps/accepted-certs/fresh &&
	(
		cd client &&
		test_must_fail git push origin main:refs/heads/x 2>../err
	) &&
	grep "error: unsigned push" err &&
	! test -e server.git/gitapps/accepted-certs/stale &&
	test -e server.git/gitapps/accepted-certs/fresh
'

for cap in maxCommits maxTreeEntries timeout maxDenials regexMatchLimit
do
	test_expect_success "gitapps.$cap = 0 is an error, not the default" '
		test_when_finished stop_gpg_agent &&
		test_when_finished "git -C server.git config --unset gitapps.$cap" &&
		git -C server.git config gitapps.$cap 0 &&
		(
			cd client &&
			push_denied "$(cat ../owner.id)" origin main:refs/heads/cap
		) &&
		grep "error: bad value for '\''gitapps.$cap'\''" push.err &&
		ref_is server.git refs/heads/cap none
	'
done

test_done
