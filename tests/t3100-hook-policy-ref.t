#!/bin/sh

test_description='pre-receive: the policy ref and its built-in rules (SPEC 5)

Every rejected push is checked for its exit status, the ref left where it
was and the exact denied: line; every attack has a twin that gets in.'

. "$(dirname "$0")/lib.sh"
. "$SRC/tests/lib-hook.sh"

test_expect_success 'setup: an owner and Alice; main; a policy clone' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(make_key "Owner <owner@example.com>") &&
	ALICE=$(make_key "Alice <alice@example.com>") &&
	setup_server server.git "$OWNER" &&
	base_policy $OWNER $ALICE &&
	rules refs/t.conf </dev/null &&
	set_policy &&
	git clone -q server.git client 2>/dev/null &&
	(
		cd client &&
		echo readme >README &&
		commit_all start &&
		echo more >>README &&
		commit_all second &&
		push_ok "$OWNER" origin HEAD:refs/heads/main
	) &&
	git clone -q server.git policy 2>/dev/null
'

test_expect_success 'a policy that does not load is rejected with file:line' '
	test_when_finished stop_gpg_agent &&
	(
		cd policy &&
		fresh_acl &&
		echo "anyone modfy docs/.*" >branches/docs.conf &&
		commit_all "a typo" &&
		push_denied "$OWNER" origin HEAD:refs/apps/access-control
	) &&
	ref_is server.git refs/apps/access-control \
		$(git -C policy rev-parse HEAD~1) &&
	said "denied: $OWNER may not fast-forward apps/access-control (commit $(short policy HEAD)): the new policy does not load: branches/docs.conf:1: unknown op '"'"'modfy'"'"'" &&
	said "hint: '"'"'git acl lint'"'"' lists every problem"
'

test_expect_success '... its twin: the same rule spelled right is accepted' '
	test_when_finished stop_gpg_agent &&
	(
		cd policy &&
		echo "anyone modify docs/.*" >branches/docs.conf &&
		git add branches/docs.conf &&
		test_tick &&
		git commit -q --amend -m "docs rule" &&
		push_ok "$OWNER" origin HEAD:refs/apps/access-control
	) &&
	ref_is server.git refs/apps/access-control $(git -C policy rev-parse HEAD)
'

test_expect_success 'the error names a bad pattern as lint does, escaped once' '
	test_when_finished stop_gpg_agent &&
	before=$(git -C server.git rev-parse refs/apps/access-control) &&
	(
		cd policy &&
		# docs/a, two backslashes, an open parenthesis, a control
		printf "anyone modify docs/a%s%s(%b\n" "\\" "\\" "\\001" \
			>branches/bad.conf &&
		commit_all "a bad pattern" &&
		test_expect_code 1 git acl lint HEAD >../lint.out &&
		push_denied "$OWNER" origin HEAD:refs/apps/access-control
	) &&
	ref_is server.git refs/apps/access-control $before &&
	grep "^branches/bad.conf:1: " lint.out >lint.line &&
	grep -x -F "branches/bad.conf:1: bad regex: missing closing parenthesis at offset 10 in '"'"'docs/a\\\\\\\\(\\001'"'"'" lint.line &&
	said "denied: $OWNER may not fast-forward apps/access-control (commit $(short policy HEAD)): the new policy does not load: $(cat lint.line)" &&
	git -C policy reset -q --hard HEAD~1
'

test_expect_success 'a broad unsectioned rule does not reach the policy' '
	test_when_finished stop_gpg_agent &&
	rules branches/code.conf <<-\EOF &&
	anyone create-file,modify,delete .*
	EOF
	cat >rules/refs/t.conf <<-\EOF &&
	anyone fast-forward heads/main
	EOF
	set_policy &&
	(
		cd policy &&
		fresh_acl &&
		echo "anyone force .*" >refs/alice.conf &&
		commit_all "Alice may do anything" &&
		push_denied "$ALICE" origin HEAD:refs/apps/access-control
	) &&
	ref_is server.git refs/apps/access-control \
		$(git -C policy rev-parse HEAD~1) &&
	said "denied: $ALICE may not create-file refs/alice.conf on apps/access-control (commit $(short policy HEAD))"
'

test_expect_success '... its twin: the broad rule does reach heads/main' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		echo alice >>README &&
		commit_all "Alice, on main" &&
		push_ok "$ALICE" origin HEAD:refs/heads/main
	) &&
	ref_is server.git refs/heads/main $(git -C client rev-parse HEAD)
'

test_expect_success '... and a section for the policy ref does reach it' '
	test_when_finished stop_gpg_agent &&
	cat >>rules/branches/code.conf <<-EOF &&
	[apps/access-control]
	$ALICE create-file refs/alice\.conf
	EOF
	set_policy &&
	(
		cd policy &&
		fresh_acl &&
		echo "$ALICE create-branch heads/alice" >refs/alice.conf &&
		commit_all "Alice may create her branch" &&
		push_ok "$ALICE" origin HEAD:refs/apps/access-control
	) &&
	ref_is server.git refs/apps/access-control $(git -C policy rev-parse HEAD)
'

test_expect_success 'nobody may delete refs/apps/access-control, not even an owner' '
	test_when_finished stop_gpg_agent &&
	(
		cd policy &&
		push_denied "$OWNER" origin :refs/apps/access-control
	) &&
	ref_is server.git refs/apps/access-control \
		$(git -C policy rev-parse HEAD) &&
	said "denied: $OWNER may not delete apps/access-control" &&
	said "hint: nobody may delete refs/apps/access-control"
'

test_expect_success '... its twin: the owner deletes another ref' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		push_ok "$OWNER" origin main:refs/apps/x &&
		push_ok "$OWNER" origin :refs/apps/x
	) &&
	ref_is server.git refs/apps/x none
'

test_expect_success 'only an owner may force the policy, whatever the rules say' '
	test_when_finished stop_gpg_agent &&
	rules refs/t.conf <<-\EOF &&
	anyone force .*
	EOF
	set_policy &&
	(
		cd policy &&
		fresh_acl &&
		test_tick &&
		rewrite=$(git commit-tree -p HEAD~1 -m rewrite HEAD^{tree}) &&
		git update-ref refs/heads/rewrite $rewrite &&
		push_denied "$ALICE" origin +rewrite:refs/apps/access-control
	) &&
	ref_is server.git refs/apps/access-control \
		$(git -C policy rev-parse HEAD) &&
	said "denied: $ALICE may not force apps/access-control (commit $(short policy rewrite))" &&
	said "hint: only an owner may force refs/apps/access-control"
'

test_expect_success '... its twins: the owner may; the rule lets Alice force heads/' '
	test_when_finished stop_gpg_agent &&
	cat >rules/branches/t.conf <<-EOF &&
	[heads/scratch]
	$ALICE create-file,modify,delete README
	EOF
	set_policy &&
	(
		cd policy &&
		fresh_acl &&
		test_tick &&
		rewrite=$(git commit-tree -p HEAD~1 -m rewrite HEAD^{tree}) &&
		git update-ref refs/heads/rewrite $rewrite &&
		push_ok "$OWNER" origin +rewrite:refs/apps/access-control &&
		cd ../client &&
		push_ok "$OWNER" origin main:refs/heads/scratch &&
		push_ok "$ALICE" origin +main~1:refs/heads/scratch
	) &&
	ref_is server.git refs/apps/access-control \
		$(git -C policy rev-parse rewrite) &&
	ref_is server.git refs/heads/scratch $(git -C client rev-parse main~1)
'

test_expect_success 'an owner may push a policy with no rule for the policy ref' '
	test_when_finished stop_gpg_agent &&
	rules refs/t.conf </dev/null &&
	set_policy &&
	(
		cd policy &&
		fresh_acl &&
		git rm -q -r refs branches &&
		commit_all "no rules at all" &&
		push_ok "$OWNER" origin HEAD:refs/apps/access-control &&
		cd ../client &&
		git checkout -q -B main origin/main &&
		echo owner >>README &&
		commit_all "owner, on main" &&
		push_denied "$OWNER" origin HEAD:refs/heads/main
	) &&
	ref_is server.git refs/apps/access-control \
		$(git -C policy rev-parse HEAD) &&
	git -C server.git ls-tree -r --name-only refs/apps/access-control >files &&
	! grep "\.conf$" files &&
	said "denied: $OWNER may not fast-forward heads/main (commit $(short client HEAD))"
'

test_expect_success '... a non-owner cannot put the rules back' '
	test_when_finished stop_gpg_agent &&
	(
		cd policy &&
		git revert --no-edit HEAD >/dev/null &&
		push_denied "$ALICE" origin HEAD:refs/apps/access-control
	) &&
	ref_is server.git refs/apps/access-control \
		$(git -C policy rev-parse HEAD~1) &&
	said "denied: $ALICE may not fast-forward apps/access-control (commit $(short policy HEAD))" &&
	said "hint: no rule in refs/*.conf of refs/apps/access-control allows it"
'

test_expect_success '... the owner can (the built-in repair right)' '
	test_when_finished stop_gpg_agent &&
	(
		cd policy &&
		push_ok "$OWNER" origin HEAD:refs/apps/access-control &&
		cd ../client &&
		push_ok "$OWNER" origin HEAD:refs/heads/main
	) &&
	ref_is server.git refs/apps/access-control \
		$(git -C policy rev-parse HEAD) &&
	ref_is server.git refs/heads/main $(git -C client rev-parse HEAD)
'

test_expect_success 'while the policy does not load, every push is denied but repair' '
	test_when_finished stop_gpg_agent &&
	rules branches/t.conf <<-\EOF &&
	anyone modfy\x docs/.*
	EOF
	set_policy &&
	(
		cd client &&
		echo broken >>README &&
		commit_all "owner, while the policy is broken" &&
		push_denied "$OWNER" origin HEAD:refs/heads/main
	) &&
	ref_is server.git refs/heads/main $(git -C client rev-parse HEAD~1) &&
	said "denied: $OWNER may not fast-forward heads/main (commit $(short client HEAD))" &&
	# the backslash escaped once, as git acl lint shows it
	said "hint: the policy does not load: branches/t.conf:1: unknown op '"'"'modfy\\\\x'"'"'" &&
	(
		cd policy &&
		fresh_acl &&
		git rm -q branches/t.conf &&
		commit_all "repair" &&
		push_denied "$ALICE" origin HEAD:refs/apps/access-control
	) &&
	ref_is server.git refs/apps/access-control \
		$(git -C policy rev-parse HEAD~1) &&
	said "denied: $ALICE may not fast-forward apps/access-control (commit $(short policy HEAD))" &&
	(
		cd policy &&
		push_ok "$OWNER" origin HEAD:refs/apps/access-control
	) &&
	ref_is server.git refs/apps/access-control $(git -C policy rev-parse HEAD)
'

test_expect_success 'no fast path on the policy ref: its changes are counted' '
	test_when_finished stop_gpg_agent &&
	git -C server.git config gitapps.maxTreeEntries 5 &&
	test_when_finished "git -C server.git config --unset gitapps.maxTreeEntries" &&
	rules branches/t.conf <<-EOF &&
	[apps/access-control]
	$ALICE create-directory,create-file,create-symlink,create-gitlink,modify,delete .*
	EOF
	set_policy &&
	(
		cd policy &&
		fresh_acl &&
		for i in 1 2 3 4 5 6 7 8 9 10
		do
			echo $i >NOTES-$i || exit 1
		done &&
		commit_all "ten notes" &&
		push_denied "$ALICE" origin HEAD:refs/apps/access-control
	) &&
	ref_is server.git refs/apps/access-control \
		$(git -C policy rev-parse HEAD~1) &&
	said "error: too many changed tree entries (gitapps.maxTreeEntries = 5)"
'

test_expect_success '... and the new policy is loaded' '
	test_when_finished stop_gpg_agent &&
	(
		cd policy &&
		fresh_acl &&
		echo "anyone modfy docs/.*" >branches/docs.conf &&
		commit_all "a typo" &&
		push_denied "$ALICE" origin HEAD:refs/apps/access-control
	) &&
	ref_is server.git refs/apps/access-control \
		$(git -C policy rev-parse HEAD~1) &&
	said "denied: $ALICE may not fast-forward apps/access-control (commit $(short policy HEAD)): the new policy does not load: branches/docs.conf:1: unknown op '"'"'modfy'"'"'"
'

test_expect_success '... its twin: a small, sound policy change gets in' '
	test_when_finished stop_gpg_agent &&
	(
		cd policy &&
		echo "anyone modify docs/.*" >branches/docs.conf &&
		git add branches/docs.conf &&
		test_tick &&
		git commit -q --amend -m "docs rule" &&
		push_ok "$ALICE" origin HEAD:refs/apps/access-control
	) &&
	ref_is server.git refs/apps/access-control $(git -C policy rev-parse HEAD)
'

test_expect_success 'the first policy and a branch in one push: push the policy alone, first' '
	test_when_finished stop_gpg_agent &&
	# a server whose owner is to push the first policy
	setup_server first.git "$OWNER" &&
	git -C first.git update-ref -d refs/apps/access-control &&
	git init -q first &&
	# base/ with its keys where a pushed policy must have them
	mkdir -p firstbase &&
	cp -R "$DEFAULT_POLICY"/. firstbase/ &&
	for id in $OWNER $ALICE
	do
		mkdir -p firstbase/$(dirname $(keypath $id)) &&
		gpg --armor --export $id >firstbase/$(keypath $id) || return 1
	done &&
	(
		cd first &&
		git remote add origin ../first.git &&
		echo readme >README &&
		commit_all start &&
		commit_policy refs/apps/access-control ../firstbase >../first.policy &&
		push_denied "$OWNER" origin HEAD:refs/heads/main \
			refs/apps/access-control
	) &&
	ref_is first.git refs/apps/access-control none &&
	ref_is first.git refs/heads/main none &&
	said "error: there is no refs/apps/access-control yet: push the first policy alone, first ('"'"'git push --signed origin refs/apps/access-control'"'"'), then the rest" &&
	! grep "only an owner" push.err
'

test_expect_success '... its twin: the policy alone, then the branch' '
	test_when_finished stop_gpg_agent &&
	(
		cd first &&
		push_ok "$OWNER" origin refs/apps/access-control &&
		push_ok "$OWNER" origin HEAD:refs/heads/main
	) &&
	ref_is first.git refs/apps/access-control $(cat first.policy) &&
	ref_is first.git refs/heads/main $(git -C first rev-parse HEAD)
'

test_expect_success '... a branch alone with no policy: only an owner may create one' '
	test_when_finished stop_gpg_agent &&
	setup_server second.git "$OWNER" &&
	git -C second.git update-ref -d refs/apps/access-control &&
	(
		cd first &&
		push_denied "$OWNER" ../second.git HEAD:refs/heads/main
	) &&
	said "error: there is no refs/apps/access-control yet: only an owner (gitapps.owner) may create it, with their key in it"
'

test_done
