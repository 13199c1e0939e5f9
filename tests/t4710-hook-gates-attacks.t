#!/bin/sh

test_description='pre-receive: attacks on merge gates (SPEC 11)

A review of the gates as a pusher who can push anything: forged or
resurrected attestations, deletions of another'\''s attestation by tree
shape, the merge rule and !self stretched, require patterns that try to
gate or ungate what they should not, several commands in one push, tags,
replace and symbolic refs.  (A tree naming one entry twice is stopped by
git'\''s own fsck before the hook runs; the hook'\''s check is t4200'\''s.)
Every attack is a real signed push that must be rejected with the ref
left where it was; each has a legitimate twin that gets in.'

. "$(dirname "$0")/lib.sh"
. "$SRC/tests/lib-hook.sh"
. "$SRC/tests/lib-gates.sh"

# gates_rules: the policy of these tests, stdin appended to
# refs/gates.conf.
gates_rules () {
	rules refs/gates.conf <<-\EOF &&
	maintainers require 1:approved heads/main
	maintainers require 1:approved!self heads/release|heads/stable/.*
	maintainers require 1:approved tags/v.*
	maintainers create-branch,fast-forward heads/.*
	anyone create-branch,fast-forward apps/attestations
	anyone create-branch,create-tag,fast-forward,force apps/merge-reqs/${user_id}/.*
	EOF
	cat >>rules/refs/gates.conf &&
	cat >rules/branches/gates.conf <<-\EOF &&
	maintainers create-directory,create-file,modify,delete .*
	[apps/attestations]
	anyone create-directory [0-9a-f]{2}(/[0-9a-f]{2}(/[0-9a-f]{36}(/approved)?)?)?
	anyone create-file,modify,delete [0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{36}/approved/${user_id}
	[apps/merge-reqs/${user_id}/.*]
	anyone create-directory,create-file,modify,delete .*
	EOF
	mkdir rules/groups &&
	cat >rules/groups/gates.conf <<-EOF
	[maintainers]
	member = $MIA
	member = $MAX
	member = $MO
	EOF
}

# att_edit <parent> [-d <path>] [<mode> <path> [<object>]]...: print a
# commit on <parent> ("none": a root) whose tree is <parent>'s with each
# -d path removed and each entry set, replacing whatever was in its way (a
# file where a directory was, and the reverse).  <object> defaults to a
# blob "attested in a test".
att_edit () {
	ae_parent=$1 &&
	shift &&
	(
		gitdir=$(git rev-parse --absolute-git-dir) &&
		GIT_INDEX_FILE="$gitdir/att_edit.index" &&
		export GIT_INDEX_FILE &&
		rm -f "$GIT_INDEX_FILE" &&
		if test "$ae_parent" = none
		then
			git read-tree --empty
		else
			git read-tree "$ae_parent"
		fi &&
		blob=$(echo "attested in a test" | git hash-object -w --stdin) &&
		while test $# -gt 0
		do
			if test "$1" = -d
			then
				git update-index --force-remove "$2" &&
				shift 2
			else
				mode=$1 path=$2 obj=$blob &&
				shift 2 &&
				if test $# -ge 1 && test ${#1} = 40
				then
					obj=$1 &&
					shift
				fi &&
				git update-index --add --replace \
					--cacheinfo "$mode,$obj,$path"
			fi || exit 1
		done &&
		tree=$(git write-tree) &&
		rm -f "$GIT_INDEX_FILE" &&
		test_tick &&
		if test "$ae_parent" = none
		then
			git commit-tree -m attest "$tree"
		else
			git commit-tree -p "$ae_parent" -m attest "$tree"
		fi
	)
}

# att_tip: the server's attestations, fetched into origin/att.
att_tip () {
	att_fetch >/dev/null &&
	git rev-parse --verify refs/remotes/origin/att
}

# raw_tree (<mode> <name> <id>)...: write a tree object holding exactly
# these entries in this order, checked by nothing, and print its id.
raw_tree () {
	perl -e '
		while (@ARGV) {
			my ($mode, $name, $id) = splice @ARGV, 0, 3;
			print "$mode $name\0", pack("H*", $id);
		}
	' "$@" | git hash-object -t tree -w --literally --stdin
}

test_expect_success 'setup: owner; Mia, Max and Mo maintainers; Eve' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(make_key "Owner <owner@example.com>") &&
	MIA=$(make_key "Mia <mia@example.com>") &&
	MAX=$(make_key "Max <max@example.com>") &&
	MO=$(make_key "Mo <mo@example.com>") &&
	EVE=$(make_key "Eve <eve@example.com>") &&
	setup_server server.git "$OWNER" &&
	base_policy $OWNER $MIA $MAX $MO $EVE &&
	git clone -q server.git client 2>/dev/null &&
	(
		cd client &&
		work start &&
		push_ok "$OWNER" origin HEAD:refs/heads/main &&
		push_ok "$OWNER" origin HEAD:refs/heads/release
	) &&
	gates_rules </dev/null &&
	set_policy &&
	(
		cd client &&
		git checkout -q -B x origin/main &&
		work x &&
		git rev-parse HEAD >../x &&
		attest "$MAX" approved HEAD
	)
'

test_expect_success 'a deleted approval brought back by a merge with the commit that had it: denied' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		x=$(cat ../x) &&
		path=$(att_path approved $x $MAX) &&
		had=$(att_tip) &&
		gone=$(att_edit $had -d "$path") &&
		push_ok "$MAX" origin $gone:refs/apps/attestations &&
		test_tick &&
		back=$(git commit-tree -p $gone -p $had -m merge $had^{tree}) &&
		push_denied "$MIA" origin $back:refs/apps/attestations &&
		echo $gone >../gone &&
		echo $back >../back
	) &&
	ref_is server.git refs/apps/attestations $(cat gone) &&
	said "denied: $MIA may not create-file $(cd client && att_path approved $(cat ../x) $MAX) on apps/attestations (commit $(short client $(cat back))): an attestation is written by the user it names" &&
	(
		cd client &&
		push_denied "$MIA" origin $(cat ../x):refs/heads/main
	) &&
	said "denied: $MIA may not fast-forward heads/main (commit $(short client $(cat x))): needs 1 approved by maintainers, has 0"
'

test_expect_success '... its twin: Max himself may merge his approval back' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		push_ok "$MAX" origin $(cat ../back):refs/apps/attestations
	) &&
	ref_is server.git refs/apps/attestations $(cat back)
'

test_expect_success 'a forged approval laundered through a ref where anything goes: denied' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		git checkout -q -B y origin/main &&
		work y &&
		y=$(git rev-parse HEAD) &&
		echo $y >../y &&
		path=$(att_path approved $y $MAX) &&
		side=$(att_edit none 100644 "$path") &&
		push_ok "$MIA" origin $side:refs/apps/merge-reqs/$MIA/side &&
		tip=$(att_tip) &&
		tree=$(tree_with $tip 100644 "$path" $(git rev-parse $side:$path)) &&
		test_tick &&
		merge=$(git commit-tree -p $tip -p $side -m merge $tree) &&
		push_denied "$MIA" origin $merge:refs/apps/attestations &&
		echo $merge >../merge &&
		echo $tip >../tip
	) &&
	ref_is server.git refs/apps/attestations $(cat tip) &&
	said "denied: $MIA may not create-file $(cd client && att_path approved $(cat ../y) $MAX) on apps/attestations (commit $(short client $(cat merge))): an attestation is written by the user it names"
'

test_expect_success 'another'\''s approval deleted by replacing a directory above it: denied' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		x=$(cat ../x) &&
		tip=$(att_tip) &&
		echo $tip >../tip &&
		max=$(att_path approved $x $MAX) &&
		mia=$(att_path approved $x $MIA) &&
		kind=${max%/*} &&
		rest=${kind%/*} &&
		aa=${max%%/*} &&
		target=$(echo target | git hash-object -w --stdin) &&
		for how in "-d $max 100644 $mia" \
			"100644 $kind" \
			"100644 $rest" \
			"120000 $aa $target" \
			"160000 $kind $x"
		do
			c=$(att_edit $tip $how) &&
			push_denied "$MIA" origin $c:refs/apps/attestations &&
			hook_lines | grep "^denied: $MIA may not " ||
			return 1
		done
	) &&
	ref_is server.git refs/apps/attestations $(cat tip) &&
	git -C server.git cat-file -e \
		refs/apps/attestations:$(cd client && att_path approved $(cat ../x) $MAX)
'

test_expect_success '... its twin: Mia adds hers beside it' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		c=$(att_edit $(att_tip) 100644 "$(att_path approved $(cat ../x) $MIA)") &&
		push_ok "$MIA" origin $c:refs/apps/attestations &&
		echo $c >../tip
	) &&
	ref_is server.git refs/apps/attestations $(cat tip)
'

test_expect_success 'her own id as a gitlink, a directory or a symlink: denied' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		y=$(cat ../y) &&
		tip=$(att_tip) &&
		own=$(att_path approved $y $EVE) &&
		for how in "160000 $own $y" \
			"100644 $own/x" \
			"120000 $own $(git rev-parse $y:y)"
		do
			c=$(att_edit $tip $how) &&
			push_denied "$EVE" origin $c:refs/apps/attestations &&
			hook_lines | grep "^denied: $EVE may not create-" ||
			return 1
		done &&
		c=$(att_edit $tip 100644 $own) &&
		push_ok "$EVE" origin $c:refs/apps/attestations &&
		echo $c >../tip
	) &&
	ref_is server.git refs/apps/attestations $(cat tip)
'

test_expect_success 'merge rule: a reviewed R that does not contain the old tip: denied' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		x=$(cat ../x) &&
		push_ok "$MIA" origin $x:refs/heads/main &&
		git checkout -q -B stale $x~1 &&
		work stale &&
		attest "$MAX" approved HEAD &&
		test_tick &&
		merge=$(git commit-tree -p $x -p HEAD -m merge HEAD^{tree}) &&
		push_denied "$MIA" origin $merge:refs/heads/main &&
		echo $merge >../merge
	) &&
	ref_is server.git refs/heads/main $(cat x) &&
	said "denied: $MIA may not fast-forward heads/main (commit $(short client $(cat merge))): needs 1 approved by maintainers, has 0"
'

test_expect_success '... nor when the protected ref is created at such a merge' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		x=$(cat ../x) &&
		git checkout -q -B ontop $x &&
		work ontop &&
		attest "$MAX" approved HEAD &&
		test_tick &&
		merge=$(git commit-tree -p $x -p HEAD -m merge HEAD^{tree}) &&
		push_denied "$MIA" origin $merge:refs/heads/stable/1 &&
		echo $merge >../merge &&
		git rev-parse HEAD >../ontop
	) &&
	ref_is server.git refs/heads/stable/1 none &&
	said "denied: $MIA may not create-branch heads/stable/1 (commit $(short client $(cat merge))): needs 1 approved!self by maintainers, has 0"
'

test_expect_success '... its twins: the same merge onto main; R itself for stable/1' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		push_ok "$MIA" origin $(cat ../merge):refs/heads/main &&
		push_ok "$MIA" origin $(cat ../ontop):refs/heads/stable/1
	) &&
	ref_is server.git refs/heads/main $(cat merge) &&
	ref_is server.git refs/heads/stable/1 $(cat ontop)
'

test_expect_success '!self: the author of R approves R, another merges it: denied' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		git fetch -q origin &&
		git checkout -q -B rel origin/release &&
		work r &&
		git tag -f -a -m "revision 1" rev HEAD &&
		push_ok "$MIA" origin rev:refs/apps/merge-reqs/$MIA/1-v1 &&
		attest "$MIA" approved HEAD &&
		attest "$MAX" approved HEAD &&
		test_tick &&
		merge=$(git commit-tree -p origin/release -p HEAD -m merge HEAD^{tree}) &&
		push_denied "$MAX" origin $merge:refs/heads/release &&
		echo $merge >../merge
	) &&
	ref_is server.git refs/heads/release $(git -C client rev-parse origin/release) &&
	said "denied: $MAX may not fast-forward heads/release (commit $(short client $(cat merge))): needs 1 approved!self by maintainers, has 0"
'

test_expect_success '... its twin: Mo'\''s approval of R counts' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		attest "$MO" approved rel &&
		push_ok "$MAX" origin $(cat ../merge):refs/heads/release
	) &&
	ref_is server.git refs/heads/release $(cat merge)
'

test_expect_success '!self still sees the author once the server packs its refs' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		git fetch -q origin &&
		git checkout -q -B rel2 origin/release &&
		work r2 &&
		git tag -f -a -m "revision 1" rev2 HEAD &&
		push_ok "$MIA" origin rev2:refs/apps/merge-reqs/$MIA/2-v1 &&
		attest "$MIA" approved HEAD
	) &&
	git -C server.git pack-refs --all &&
	! test -e server.git/refs/apps/merge-reqs/$MIA/2-v1 &&
	(
		cd client &&
		push_denied "$MAX" origin rel2:refs/heads/release &&
		attest "$MO" approved rel2 &&
		push_ok "$MAX" origin rel2:refs/heads/release
	) &&
	ref_is server.git refs/heads/release $(git -C client rev-parse rel2)
'

test_expect_success 'several commands, not atomic: one unattested ref rejects the whole push' '
	test_when_finished stop_gpg_agent &&
	main=$(git -C server.git rev-parse refs/heads/main) &&
	release=$(git -C server.git rev-parse refs/heads/release) &&
	(
		cd client &&
		git fetch -q origin &&
		git checkout -q -B m origin/main &&
		work m &&
		attest "$MAX" approved HEAD &&
		git checkout -q -B r origin/release &&
		work unreviewed &&
		push_denied "$MIA" origin m:refs/heads/main r:refs/heads/release
	) &&
	ref_is server.git refs/heads/main $main &&
	ref_is server.git refs/heads/release $release &&
	said "denied: $MIA may not fast-forward heads/release (commit $(short client r)): needs 1 approved!self by maintainers, has 0"
'

test_expect_success 'a push that drops the require rule and moves main at once: judged by the old rules' '
	test_when_finished stop_gpg_agent &&
	main=$(git -C server.git rev-parse refs/heads/main) &&
	policy=$(git -C server.git rev-parse refs/apps/access-control) &&
	git clone -q server.git policy 2>/dev/null &&
	(
		cd policy &&
		fresh_acl &&
		sed -i "/require/d" refs/gates.conf &&
		commit_all "no more gates" &&
		git rev-parse HEAD >../ungated
	) &&
	(
		cd client &&
		git fetch -q ../policy acl &&
		git checkout -q -B u origin/main &&
		work u &&
		push_denied "$OWNER" --atomic origin \
			$(cat ../ungated):refs/apps/access-control \
			HEAD:refs/heads/main
	) &&
	ref_is server.git refs/heads/main $main &&
	ref_is server.git refs/apps/access-control $policy &&
	said "denied: $OWNER may not fast-forward heads/main (commit $(short client u)): needs 1 approved by maintainers, has 0"
'

test_expect_success 'tags: an approval of the tag object is not one of its commit' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		git checkout -q -B t origin/main &&
		work t &&
		git tag -a -m v1 v1 HEAD &&
		git tag -a -m "v1, again" v1.1 v1 &&
		tag=$(git rev-parse v1) &&
		c=$(att_edit $(att_tip) 100644 \
			"$(echo $tag | sed "s|^\(..\)\(..\)\(.*\)|\1/\2/\3/approved/$MAX|")") &&
		push_ok "$MAX" origin $c:refs/apps/attestations &&
		push_denied "$OWNER" origin v1:refs/tags/v1 &&
		push_denied "$OWNER" origin v1.1:refs/tags/v1.1 &&
		push_denied "$OWNER" origin HEAD:refs/tags/v1-light
	) &&
	ref_is server.git refs/tags/v1 none &&
	ref_is server.git refs/tags/v1.1 none &&
	ref_is server.git refs/tags/v1-light none &&
	said "denied: $OWNER may not create-tag tags/v1-light (commit $(short client t)): needs 1 approved by maintainers, has 0"
'

test_expect_success '... its twin: once the commit is approved, every tag of it goes in' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		attest "$MAX" approved t &&
		push_ok "$OWNER" origin v1:refs/tags/v1 &&
		push_ok "$OWNER" origin v1.1:refs/tags/v1.1 &&
		push_ok "$OWNER" origin t:refs/tags/v1-light
	) &&
	ref_is server.git refs/tags/v1 $(git -C client rev-parse v1)
'

test_expect_success 'a protected ref deleted, then created again at an unattested commit: denied' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		push_ok "$OWNER" origin :refs/heads/stable/1 &&
		git checkout -q -B again origin/main &&
		work again &&
		push_denied "$OWNER" origin HEAD:refs/heads/stable/1 &&
		attest "$MIA" approved HEAD &&
		push_ok "$OWNER" origin HEAD:refs/heads/stable/1
	) &&
	ref_is server.git refs/heads/stable/1 $(git -C client rev-parse again)
'

test_expect_success 'a replace ref does not make an unattested commit an attested one' '
	test_when_finished stop_gpg_agent &&
	gates_rules <<-\EOF &&
	owner create-branch replace/.*
	EOF
	set_policy &&
	main=$(git -C server.git rev-parse refs/heads/main) &&
	(
		cd client &&
		git checkout -q -B approved origin/main &&
		work approved &&
		attest "$MIA" approved HEAD &&
		git checkout -q -B unapproved origin/main &&
		work unapproved &&
		push_ok "$OWNER" origin approved:refs/replace/$(git rev-parse unapproved) &&
		push_denied "$MAX" origin unapproved:refs/heads/main
	) &&
	ref_is server.git refs/heads/main $main &&
	said "denied: $MAX may not fast-forward heads/main (commit $(short client unapproved)): needs 1 approved by maintainers, has 0"
'

test_expect_success 'a symbolic ref to a protected ref is no way around its gate' '
	test_when_finished stop_gpg_agent &&
	main=$(git -C server.git rev-parse refs/heads/main) &&
	git -C server.git symbolic-ref refs/heads/trunk refs/heads/main &&
	(
		cd client &&
		push_denied "$MAX" origin unapproved:refs/heads/trunk
	) &&
	ref_is server.git refs/heads/main $main &&
	hook_lines | grep "^denied: $MAX may not update heads/trunk (commit [0-9a-f]*): it is a symbolic ref$" &&
	git -C server.git symbolic-ref --delete refs/heads/trunk &&
	(
		cd client &&
		push_ok "$MAX" origin approved:refs/heads/main
	) &&
	ref_is server.git refs/heads/main $(git -C client rev-parse approved)
'

test_expect_success 'a tree that names one entry twice never reaches the attestations' '
	test_when_finished stop_gpg_agent &&
	tip=$(git -C server.git rev-parse refs/apps/attestations) &&
	(
		cd client &&
		y=$(cat ../y) &&
		max=$(att_path approved $y $MAX) &&
		rest=${max%/approved/*} &&
		blob=$(echo forged | git hash-object -w --stdin) &&
		inner=$(printf "100644 blob %s\t%s\n" $blob $MAX | git mktree) &&
		dup=$(raw_tree 100644 approved $blob 100644 approved-x $blob \
			40000 approved $inner) &&
		c=$(att_edit $(att_tip) 040000 "$rest" $dup) &&
		test_must_fail push_as "$EVE" origin $c:refs/apps/attestations
	) &&
	ref_is server.git refs/apps/attestations $tip
'

test_expect_success 'require patterns that reach the reserved refs, however spelled: policy errors' '
	test_when_finished stop_gpg_agent &&
	policy=$(git -C server.git rev-parse refs/apps/access-control) &&
	(
		cd policy &&
		for pattern in "apps/(?i)ATTESTATIONS" \
			"apps/attestations|heads/main" \
			"^apps/access-control$" \
			"apps/aud.t" \
			"apps/\\Qaccess-control\\E" \
			"apps/(access-control|x)"
		do
			fresh_acl &&
			printf "maintainers require 1:approved %s\n" "$pattern" \
				>refs/sneak.conf &&
			commit_all "gate $pattern" &&
			push_denied "$OWNER" origin HEAD:refs/apps/access-control &&
			hook_lines | grep "the new policy does not load: refs/sneak.conf:1: require pattern " ||
			return 1
		done
	) &&
	ref_is server.git refs/apps/access-control $policy
'

test_expect_success 'require patterns that do not start with apps/ never gate app refs' '
	test_when_finished stop_gpg_agent &&
	(
		cd policy &&
		fresh_acl &&
		cat >refs/sneak.conf <<-\EOF &&
		maintainers require 1:approved heads/main|apps/access-control
		maintainers require 1:approved (?i)APPS/ATTESTATIONS|apps/merge-reqs/.*
		maintainers require 1:approved .*
		maintainers require 1:approved \Qheads/next\E
		EOF
		commit_all "broad gates" &&
		push_ok "$OWNER" origin HEAD:refs/apps/access-control
	) &&
	(
		cd policy &&
		fresh_acl &&
		echo "# repaired" >README &&
		commit_all "the owner repairs the policy, ungated" &&
		push_ok "$OWNER" origin HEAD:refs/apps/access-control
	) &&
	(
		cd client &&
		git checkout -q -B next origin/main &&
		work next &&
		push_ok "$EVE" origin HEAD:refs/apps/merge-reqs/$EVE/3-v1 &&
		attest "$EVE" approved HEAD &&
		push_denied "$MAX" origin HEAD:refs/heads/next &&
		push_denied "$MAX" origin HEAD:refs/heads/anything
	) &&
	said "denied: $MAX may not create-branch heads/anything (commit $(short client next)): needs 1 approved by maintainers, has 0" &&
	ref_is server.git refs/heads/next none &&
	(
		cd client &&
		attest "$MIA" approved next &&
		push_ok "$MAX" origin next:refs/heads/next
	) &&
	ref_is server.git refs/heads/next $(git -C client rev-parse next)
'

test_done
