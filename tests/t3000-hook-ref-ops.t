#!/bin/sh

test_description='pre-receive: ref ops and refs that must hold a commit (SPEC 3, 4)

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

test_expect_success 'an annotated tag pushed to refs/apps/access-control is denied' '
	test_when_finished stop_gpg_agent &&
	(
		cd policy &&
		fresh_acl &&
		echo "a policy" >README &&
		commit_all "a README" &&
		git tag -a -m "a tag" policy-tag &&
		push_denied "$OWNER" origin policy-tag:refs/apps/access-control
	) &&
	ref_is server.git refs/apps/access-control \
		$(git -C policy rev-parse HEAD~1) &&
	said "denied: $OWNER may not force apps/access-control (tag $(short policy policy-tag)): it must hold a commit, not a tag" &&
	said "hint: push the commit itself"
'

test_expect_success '... its twin: the commit itself is accepted' '
	test_when_finished stop_gpg_agent &&
	(
		cd policy &&
		push_ok "$OWNER" origin HEAD:refs/apps/access-control
	) &&
	ref_is server.git refs/apps/access-control $(git -C policy rev-parse HEAD)
'

test_expect_success 'refs/apps/merge-reqs/data cannot be created as a tag either' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		git tag -a -m "a tag" data-tag main &&
		push_denied "$OWNER" origin data-tag:refs/apps/merge-reqs/data
	) &&
	ref_is server.git refs/apps/merge-reqs/data none &&
	said "denied: $OWNER may not create-tag apps/merge-reqs/data (tag $(short client data-tag)): it must hold a commit, not a tag"
'

# git 2.39's client pushes any object to any ref (it checks only that an
# existing ref is fast-forwarded); its receive-pack refuses a non-commit
# under refs/heads/, but only after the hook, and anything elsewhere.
test_expect_success 'a tree, a blob and a tag of a tree under refs/apps/ are denied' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		push_denied "$OWNER" origin "main^{tree}:refs/apps/x"
	) &&
	ref_is server.git refs/apps/x none &&
	said "denied: $OWNER may not create-branch apps/x (tree $(short client main^{tree})): it is not a commit" &&
	said "hint: refs hold commits (or tags of commits)" &&
	(
		cd client &&
		push_denied "$OWNER" origin "main:README:refs/apps/y"
	) &&
	ref_is server.git refs/apps/y none &&
	said "denied: $OWNER may not create-branch apps/y (blob $(short client main:README)): it is not a commit" &&
	(
		cd client &&
		git tag -a -m "a tree" tree-tag "main^{tree}" &&
		push_denied "$OWNER" origin tree-tag:refs/apps/z
	) &&
	ref_is server.git refs/apps/z none &&
	said "denied: $OWNER may not create-tag apps/z (tag $(short client tree-tag)): it is not a commit"
'

test_expect_success 'a tree under refs/heads/: the hook denies it before git would' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		push_denied "$OWNER" origin "main^{tree}:refs/heads/tree"
	) &&
	ref_is server.git refs/heads/tree none &&
	said "denied: $OWNER may not create-branch heads/tree (tree $(short client main^{tree})): it is not a commit"
'

test_expect_success '... their twin: a commit under refs/apps/ is accepted' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		push_ok "$OWNER" origin main:refs/apps/x
	) &&
	ref_is server.git refs/apps/x $(git -C client rev-parse main)
'

test_expect_success 'a push to a symbolic ref is denied' '
	test_when_finished stop_gpg_agent &&
	git -C server.git symbolic-ref refs/heads/alias refs/heads/main &&
	test_when_finished "git -C server.git symbolic-ref --delete refs/heads/alias" &&
	(
		cd client &&
		echo third >>README &&
		commit_all third &&
		push_denied "$OWNER" origin HEAD:refs/heads/alias
	) &&
	ref_is server.git refs/heads/main $(git -C client rev-parse HEAD~1) &&
	echo refs/heads/main >expect &&
	git -C server.git symbolic-ref refs/heads/alias >actual &&
	test_cmp expect actual &&
	said "denied: $OWNER may not update heads/alias (commit $(short client HEAD)): it is a symbolic ref" &&
	said "hint: push to the ref it points to"
'

test_expect_success '... its twin: the ref it points to is accepted' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		push_ok "$OWNER" origin HEAD:refs/heads/main
	) &&
	ref_is server.git refs/heads/main $(git -C client rev-parse HEAD)
'

test_expect_success 'a user allowed create-tag creates tags/v1' '
	test_when_finished stop_gpg_agent &&
	rules refs/t.conf <<-EOF &&
	$ALICE create-tag tags/.*
	EOF
	set_policy &&
	(
		cd client &&
		git tag v1 HEAD~1 &&
		push_ok "$ALICE" origin refs/tags/v1
	) &&
	ref_is server.git refs/tags/v1 $(git -C client rev-parse HEAD~1)
'

test_expect_success '... but may not move it (a force)' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		git tag -f v1 HEAD >/dev/null &&
		push_denied "$ALICE" origin +refs/tags/v1
	) &&
	ref_is server.git refs/tags/v1 $(git -C client rev-parse HEAD~1) &&
	said "denied: $ALICE may not force tags/v1 (commit $(short client HEAD))" &&
	said "hint: no rule in refs/*.conf of refs/apps/access-control allows it"
'

test_done
