#!/bin/sh

test_description='pre-receive: merge gates (SPEC 11)

A ref that `require` rules protect moves only to a commit that enough
members of a group attested on refs/apps/attestations before the push;
only the attester writes their own attestation, in the layout and nothing
else, whatever the policy grants.  Every rejected push is checked for its
exit status, the ref left where it was and the exact denied: line; every
attack has a twin that gets in.'

. "$(dirname "$0")/lib.sh"
. "$SRC/tests/lib-hook.sh"
. "$SRC/tests/lib-gates.sh"

# gates_rules [<extra refs/ lines>]: the policy of these tests, with
# stdin appended to refs/gates.conf.
gates_rules () {
	rules refs/gates.conf <<-\EOF &&
	maintainers require 1:approved heads/main
	ci require 1:ci-pass heads/main
	maintainers require 1:approved!self heads/release
	maintainers create-branch,fast-forward heads/.*
	anyone create-branch,fast-forward apps/attestations
	anyone create-branch,create-tag,fast-forward,force apps/merge-reqs/${user_id}/.*
	EOF
	cat >>rules/refs/gates.conf &&
	cat >rules/branches/gates.conf <<-\EOF &&
	maintainers create-directory,create-file,modify,delete .*
	[apps/attestations]
	maintainers create-directory [0-9a-f]{2}(/[0-9a-f]{2}(/[0-9a-f]{36}(/approved)?)?)?
	maintainers create-file,modify,delete [0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{36}/approved/${user_id}
	ci create-directory [0-9a-f]{2}(/[0-9a-f]{2}(/[0-9a-f]{36}(/ci-pass)?)?)?
	ci create-file,modify,delete [0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{36}/ci-pass/${user_id}
	[apps/merge-reqs/${user_id}/.*]
	anyone create-directory,create-file,modify,delete .*
	EOF
	mkdir rules/groups &&
	cat >rules/groups/gates.conf <<-EOF
	[maintainers]
	member = $MIA
	member = $MAX
	[ci]
	member = $CY
	EOF
}

# tested <commit-ish>: Cy's ci-pass for it.
tested () {
	attest "$CY" ci-pass "$1"
}

test_expect_success 'setup: owner, Mia and Max maintainers, Cy the CI bot' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(make_key "Owner <owner@example.com>") &&
	MIA=$(make_key "Mia <mia@example.com>") &&
	MAX=$(make_key "Max <max@example.com>") &&
	CY=$(make_key "Cy <cy@example.com>") &&
	setup_server server.git "$OWNER" &&
	base_policy $OWNER $MIA $MAX $CY &&
	git clone -q server.git client 2>/dev/null &&
	(
		cd client &&
		work start &&
		push_ok "$OWNER" origin HEAD:refs/heads/main &&
		push_ok "$OWNER" origin HEAD:refs/heads/release
	) &&
	gates_rules </dev/null &&
	set_policy
'

test_expect_success 'attestations created with forged files in their history: denied' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		forged=$(att_commit -p none 100644 "$(att_path approved HEAD $MAX)") &&
		own=$(att_commit -p $forged -d "$(att_path approved HEAD $MAX)" \
			100644 "$(att_path approved HEAD $MIA)") &&
		push_denied "$MIA" origin $own:refs/apps/attestations &&
		echo $forged >../forged
	) &&
	ref_is server.git refs/apps/attestations none &&
	said "denied: $MIA may not create-file $(cd client && att_path approved HEAD $MAX) on apps/attestations (commit $(short client $(cat forged))): an attestation is written by the user it names" &&
	said "hint: on refs/apps/attestations each pusher writes only <aa>/<bb>/<rest>/<kind>/<own id>, regular files (see git-mr(1))"
'

test_expect_success 'main moved by hand to a commit nobody attested: denied, naming what is missing' '
	test_when_finished stop_gpg_agent &&
	before=$(git -C server.git rev-parse refs/heads/main) &&
	(
		cd client &&
		work x &&
		push_denied "$MAX" origin HEAD:refs/heads/main
	) &&
	ref_is server.git refs/heads/main $before &&
	said "denied: $MAX may not fast-forward heads/main (commit $(short client HEAD)): needs 1 approved by maintainers, has 0" &&
	said "denied: $MAX may not fast-forward heads/main (commit $(short client HEAD)): needs 1 ci-pass by ci, has 0" &&
	said "hint: required by refs/gates.conf:1 of refs/apps/access-control; attestations on refs/apps/attestations count only once they are there before this push"
'

test_expect_success '... the owner, whom .* grants every ref op, is gated too' '
	test_when_finished stop_gpg_agent &&
	before=$(git -C server.git rev-parse refs/heads/main) &&
	(
		cd client &&
		push_denied "$OWNER" origin HEAD:refs/heads/main
	) &&
	ref_is server.git refs/heads/main $before &&
	said "denied: $OWNER may not fast-forward heads/main (commit $(short client HEAD)): needs 1 approved by maintainers, has 0"
'

test_expect_success 'an approval written under another user'\''s id: denied' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		forged=$(att_commit 100644 "$(att_path approved HEAD $MAX)") &&
		push_denied "$MIA" origin $forged:refs/apps/attestations &&
		echo $forged >../forged
	) &&
	ref_is server.git refs/apps/attestations none &&
	said "denied: $MIA may not create-file $(cd client && att_path approved HEAD $MAX) on apps/attestations (commit $(short client $(cat forged))): an attestation is written by the user it names"
'

test_expect_success '... the owner cannot either, through an allow-all [apps/.*] section' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		forged=$(att_commit 100644 "$(att_path approved HEAD $MIA)") &&
		push_denied "$OWNER" origin $forged:refs/apps/attestations
	) &&
	ref_is server.git refs/apps/attestations none &&
	hook_lines | grep "^denied: $OWNER may not create-file .*/approved/$MIA on apps/attestations (commit [0-9a-f]*): an attestation is written by the user it names$"
'

test_expect_success 'a ci-pass written by someone outside ci: denied by the policy' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		forged=$(att_commit 100644 "$(att_path ci-pass HEAD $MIA)") &&
		push_denied "$MIA" origin $forged:refs/apps/attestations
	) &&
	ref_is server.git refs/apps/attestations none &&
	hook_lines | grep "^denied: $MIA may not create-file .*/ci-pass/$MIA on apps/attestations (commit [0-9a-f]*)$"
'

test_expect_success 'Mia approves, Cy tests, Max moves main: accepted' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		attest "$MIA" approved HEAD &&
		tested HEAD &&
		push_ok "$MAX" origin HEAD:refs/heads/main
	) &&
	ref_is server.git refs/heads/main $(git -C client rev-parse HEAD) &&
	git -C server.git cat-file -e \
		refs/apps/attestations:$(cd client && att_path approved HEAD $MIA)
'

test_expect_success 'the parent'\''s attestations do not count for its child' '
	test_when_finished stop_gpg_agent &&
	before=$(git -C server.git rev-parse refs/heads/main) &&
	(
		cd client &&
		work child &&
		push_denied "$MAX" origin HEAD:refs/heads/main
	) &&
	ref_is server.git refs/heads/main $before &&
	said "denied: $MAX may not fast-forward heads/main (commit $(short client HEAD)): needs 1 approved by maintainers, has 0"
'

test_expect_success 'a rebased copy of an attested commit needs its own' '
	test_when_finished stop_gpg_agent &&
	before=$(git -C server.git rev-parse refs/heads/main) &&
	(
		cd client &&
		attest "$MIA" approved HEAD &&
		tested HEAD &&
		test_tick &&
		copy=$(git commit-tree -p HEAD~1 -m "child, again" HEAD^{tree}) &&
		push_denied "$MAX" origin $copy:refs/heads/main &&
		echo $copy >../copy
	) &&
	ref_is server.git refs/heads/main $before &&
	said "denied: $MAX may not fast-forward heads/main (commit $(short client $(cat copy))): needs 1 approved by maintainers, has 0"
'

test_expect_success 'a merge whose tree is the attested revision'\''s counts it' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		main=$(git rev-parse origin/main) &&
		merge=$(git commit-tree -p $main -p HEAD -m merge HEAD^{tree}) &&
		push_ok "$MAX" origin $merge:refs/heads/main &&
		echo $merge >../merge
	) &&
	ref_is server.git refs/heads/main $(cat merge)
'

test_expect_success '... a merge whose tree differs from it does not' '
	test_when_finished stop_gpg_agent &&
	before=$(git -C server.git rev-parse refs/heads/main) &&
	(
		cd client &&
		git fetch -q origin &&
		git checkout -q -B side origin/main &&
		work reviewed &&
		attest "$MIA" approved HEAD &&
		tested HEAD &&
		reviewed=$(git rev-parse HEAD) &&
		work unreviewed &&
		other=$(git rev-parse HEAD^{tree}) &&
		merge=$(git commit-tree -p origin/main -p $reviewed -m merge $other) &&
		push_denied "$MAX" origin $merge:refs/heads/main &&
		echo $merge >../merge &&
		echo $reviewed >../reviewed
	) &&
	ref_is server.git refs/heads/main $before &&
	said "denied: $MAX may not fast-forward heads/main (commit $(short client $(cat merge))): needs 1 approved by maintainers, has 0"
'

test_expect_success '... nor an octopus carrying it beside an unreviewed commit' '
	test_when_finished stop_gpg_agent &&
	before=$(git -C server.git rev-parse refs/heads/main) &&
	(
		cd client &&
		reviewed=$(cat ../reviewed) &&
		git checkout -q -B stray origin/main &&
		work stray &&
		merge=$(git commit-tree -p origin/main -p $reviewed -p HEAD \
			-m octopus $reviewed^{tree}) &&
		push_denied "$MAX" origin $merge:refs/heads/main &&
		echo $merge >../merge
	) &&
	ref_is server.git refs/heads/main $before &&
	said "denied: $MAX may not fast-forward heads/main (commit $(short client $(cat merge))): needs 1 ci-pass by ci, has 0"
'

test_expect_success '... nor a merge whose first parent is not the old tip' '
	test_when_finished stop_gpg_agent &&
	before=$(git -C server.git rev-parse refs/heads/main) &&
	(
		cd client &&
		reviewed=$(cat ../reviewed) &&
		merge=$(git commit-tree -p $reviewed -p origin/main \
			-m backwards $reviewed^{tree}) &&
		push_denied "$MAX" origin $merge:refs/heads/main
	) &&
	ref_is server.git refs/heads/main $before
'

test_expect_success 'an approval in the same push that moves main does not count' '
	test_when_finished stop_gpg_agent &&
	before=$(git -C server.git rev-parse refs/heads/main) &&
	atts=$(git -C server.git rev-parse refs/apps/attestations) &&
	(
		cd client &&
		git checkout -q -B next origin/main &&
		work next &&
		tested HEAD &&
		approval=$(att_commit 100644 "$(att_path approved HEAD $MAX)") &&
		push_denied "$MAX" --atomic origin \
			$approval:refs/apps/attestations HEAD:refs/heads/main
	) &&
	ref_is server.git refs/heads/main $before &&
	said "denied: $MAX may not fast-forward heads/main (commit $(short client HEAD)): needs 1 approved by maintainers, has 0"
'

test_expect_success '... nor one that the same push deletes or modifies' '
	test_when_finished stop_gpg_agent &&
	before=$(git -C server.git rev-parse refs/heads/main) &&
	(
		cd client &&
		attest "$MAX" approved HEAD &&
		path=$(att_path approved HEAD $MAX) &&
		gone=$(att_commit -d "$path") &&
		push_denied "$MAX" --atomic origin \
			$gone:refs/apps/attestations HEAD:refs/heads/main &&
		blob=$(echo changed | git hash-object -w --stdin) &&
		att_fetch &&
		tree=$(tree_with origin/att^{tree} 100644 "$path" $blob) &&
		changed=$(git commit-tree -p origin/att -m change $tree) &&
		push_denied "$MAX" --atomic origin \
			$changed:refs/apps/attestations HEAD:refs/heads/main
	) &&
	ref_is server.git refs/heads/main $before &&
	said "denied: $MAX may not fast-forward heads/main (commit $(short client HEAD)): needs 1 approved by maintainers, has 0"
'

test_expect_success '... its twin: the approval already there counts' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		push_ok "$MAX" origin HEAD:refs/heads/main
	) &&
	ref_is server.git refs/heads/main $(git -C client rev-parse HEAD)
'

test_expect_success 'git acl explain and check count as the hook does' '
	main=$(git -C server.git rev-parse refs/heads/main) &&
	approver=$(git -C server.git ls-tree -r --name-only refs/apps/attestations |
		grep "^$(echo $main | sed "s|^\(..\)\(..\)|\1/\2/|")/approved/" |
		sed "s|.*/||") &&
	test -n "$approver" &&
	git -C server.git acl explain --as $MIA --to $main --from $main~1 \
		fast-forward heads/main >out &&
	cat >expect <<-EOF &&
	allowed by refs/gates.conf:4: heads/.*
	met: needs 1 approved by maintainers, has 1 ($approver) (refs/gates.conf:1)
	met: needs 1 ci-pass by ci, has 1 ($CY) (refs/gates.conf:2)
	EOF
	test_cmp expect out &&
	git -C server.git acl check --as $MIA $main~1 $main refs/heads/main >out &&
	cat >expect <<-EOF &&
	met: needs 1 approved by maintainers, has 1 ($approver) (refs/gates.conf:1)
	met: needs 1 ci-pass by ci, has 1 ($CY) (refs/gates.conf:2)
	EOF
	test_cmp expect out &&
	test_expect_code 1 git -C server.git acl explain --as $MIA \
		--to $main~1 fast-forward heads/main >out &&
	cat >expect <<-EOF &&
	allowed by refs/gates.conf:4: heads/.*
	missing: needs 1 approved by maintainers, has 0 (refs/gates.conf:1)
	missing: needs 1 ci-pass by ci, has 0 (refs/gates.conf:2)
	EOF
	test_cmp expect out &&
	git -C server.git acl explain --as $MIA fast-forward heads/release >out &&
	cat >expect <<-EOF &&
	allowed by refs/gates.conf:4: heads/.*
	requires: 1 approved!self by maintainers (refs/gates.conf:3)
	EOF
	test_cmp expect out
'

test_expect_success 'the attestations cannot be deleted' '
	test_when_finished stop_gpg_agent &&
	atts=$(git -C server.git rev-parse refs/apps/attestations) &&
	(
		cd client &&
		push_denied "$OWNER" origin :refs/apps/attestations
	) &&
	ref_is server.git refs/apps/attestations $atts
'

test_expect_success 'shapes the policy allows the owner, the hook does not' '
	test_when_finished stop_gpg_agent &&
	atts=$(git -C server.git rev-parse refs/apps/attestations) &&
	(
		cd client &&
		dir=$(att_path approved HEAD $OWNER | sed "s|/approved/.*||") &&
		upper=$(echo "$dir" | tr a-f A-F) &&
		for bad in "120000 $dir/approved/$OWNER" \
			"100755 $dir/approved/$OWNER" \
			"100644 $dir/approved/$OWNER/x" \
			"100644 $upper/approved/$OWNER" \
			"100644 $dir/Approved/$OWNER" \
			"100644 $dir/README" \
			"100644 README"
		do
			c=$(att_commit $bad) &&
			push_denied "$OWNER" origin $c:refs/apps/attestations &&
			hook_lines | grep "^denied: $OWNER may not create-" ||
			return 1
		done &&
		c=$(att_commit 100644 $dir/approved/$OWNER) &&
		push_ok "$OWNER" origin $c:refs/apps/attestations &&
		echo $c >../good
	) &&
	ref_is server.git refs/apps/attestations $(cat good)
'

test_expect_success '... and a tag where the commit belongs' '
	test_when_finished stop_gpg_agent &&
	atts=$(git -C server.git rev-parse refs/apps/attestations) &&
	(
		cd client &&
		c=$(att_commit 100644 "$(att_path approved HEAD $OWNER)") &&
		git tag -f -a -m tag atttag $c &&
		push_denied "$OWNER" origin atttag:refs/apps/attestations
	) &&
	ref_is server.git refs/apps/attestations $atts &&
	hook_lines | grep "it must hold a commit, not a tag"
'

test_expect_success '!self: the author'\''s approval of her own revision does not count' '
	test_when_finished stop_gpg_agent &&
	before=$(git -C server.git rev-parse refs/heads/release) &&
	(
		cd client &&
		git checkout -q -B rel origin/release &&
		work mine &&
		git tag -f -a -m "revision 1" rev $(git rev-parse HEAD) &&
		push_ok "$MIA" origin rev:refs/apps/merge-reqs/$MIA/1-v1 &&
		attest "$MIA" approved HEAD &&
		push_denied "$MAX" origin HEAD:refs/heads/release
	) &&
	ref_is server.git refs/heads/release $before &&
	said "denied: $MAX may not fast-forward heads/release (commit $(short client HEAD)): needs 1 approved!self by maintainers, has 0"
'

test_expect_success '... nor the pusher'\''s own' '
	test_when_finished stop_gpg_agent &&
	before=$(git -C server.git rev-parse refs/heads/release) &&
	(
		cd client &&
		attest "$MAX" approved HEAD &&
		push_denied "$MAX" origin HEAD:refs/heads/release
	) &&
	ref_is server.git refs/heads/release $before
'

test_expect_success '... its twin: Max'\''s approval counts when Mia pushes' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		push_ok "$MIA" origin HEAD:refs/heads/release
	) &&
	ref_is server.git refs/heads/release $(git -C client rev-parse HEAD)
'

test_expect_success 'a banned attester counts for nothing' '
	test_when_finished stop_gpg_agent &&
	before=$(git -C server.git rev-parse refs/heads/main) &&
	(
		cd client &&
		git checkout -q -B ban origin/main &&
		work banned &&
		attest "$MAX" approved HEAD &&
		tested HEAD
	) &&
	gates_rules </dev/null &&
	mkdir rules/banned &&
	echo "left the project" >rules/banned/$MAX &&
	set_policy &&
	(
		cd client &&
		push_denied "$OWNER" origin HEAD:refs/heads/main
	) &&
	ref_is server.git refs/heads/main $before &&
	said "denied: $OWNER may not fast-forward heads/main (commit $(short client HEAD)): needs 1 approved by maintainers, has 0" &&
	gates_rules </dev/null &&
	set_policy &&
	(
		cd client &&
		push_ok "$OWNER" origin HEAD:refs/heads/main
	)
'

test_expect_success 'a require rule on the policy ref is a policy error' '
	test_when_finished stop_gpg_agent &&
	before=$(git -C server.git rev-parse refs/apps/access-control) &&
	git clone -q server.git policy 2>/dev/null &&
	(
		cd policy &&
		fresh_acl &&
		echo "maintainers require 1:approved apps/access-control" \
			>refs/repair.conf &&
		commit_all "gate the repair" &&
		push_denied "$OWNER" origin HEAD:refs/apps/access-control
	) &&
	ref_is server.git refs/apps/access-control $before &&
	hook_lines | grep "^denied: $OWNER may not fast-forward apps/access-control (commit [0-9a-f]*): the new policy does not load: refs/repair.conf:1: "
'

test_done
