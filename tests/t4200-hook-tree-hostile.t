#!/bin/sh

test_description='pre-receive: hostile trees and paths (SPEC 4, 5)

A regex that backtracks without end, a 1 KiB tree of 4 billion paths and
paths that are not UTF-8: each is rejected the way SPEC says, and each
has a twin that is merely denied or accepted.'

. "$(dirname "$0")/lib.sh"
. "$SRC/tests/lib-hook.sh"

# commit_with <path> <tree>: a commit on top of HEAD whose tree is
# HEAD's with the directory <path> (one level) replaced by <tree>; for
# names no file system holds.
commit_with () {
	cw_root=$(
		git ls-tree HEAD | sed "/	$1\$/d" &&
		printf "040000 tree %s\t%s\n" "$2" "$1"
	) &&
	cw_root=$(printf "%s\n" "$cw_root" | git mktree) &&
	test_tick &&
	git commit-tree -p HEAD -m "$1" "$cw_root"
}

test_expect_success 'setup: an owner and Alice; main with docs/, src/, slow/' '
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
		mkdir docs src slow bytes &&
		echo readme >docs/README &&
		echo "int main;" >src/main.c &&
		: >slow/.keep &&
		: >bytes/.keep &&
		git add . &&
		git commit -q -m start &&
		push_ok "$OWNER" origin HEAD:refs/heads/main
	)
'

test_expect_success 'a regex over its match limit is an error naming the rule' '
	test_when_finished stop_gpg_agent &&
	rules refs/t.conf <<-\EOF &&
	anyone fast-forward heads/main
	EOF
	cat >rules/branches/t.conf <<-\EOF &&
	anyone create-file docs/.*
	anyone create-file slow/(a|aa)+b
	EOF
	set_policy &&
	(
		cd client &&
		fresh &&
		blob=$(echo x | git hash-object -w --stdin) &&
		long=$(printf "%3000s" "" | tr " " a) &&
		test $(printf "%s" "$long" | wc -c) = 3000 &&
		slow=$(
			git ls-tree HEAD:slow &&
			printf "100644 blob %s\t%scb\n" $blob "$long"
		) &&
		slow=$(printf "%s\n" "$slow" | git mktree) &&
		git update-ref refs/heads/slow $(commit_with slow $slow) &&
		push_denied "$ALICE" origin slow:refs/heads/main
	) &&
	ref_is server.git refs/heads/main $(git -C client rev-parse main) &&
	said "error: branches/t.conf:2: regex '"'"'slow/(a|aa)+b'"'"' failed: match limit exceeded" &&
	! grep "denied:" push.err
'

test_expect_success '... its twin: with no b to reach, no rule matches: denied' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		blob=$(echo x | git hash-object -w --stdin) &&
		long=$(printf "%3000s" "" | tr " " a) &&
		slow=$(
			git ls-tree HEAD:slow &&
			printf "100644 blob %s\t%sc\n" $blob "$long"
		) &&
		slow=$(printf "%s\n" "$slow" | git mktree) &&
		git update-ref refs/heads/slow $(commit_with slow $slow) &&
		push_denied "$ALICE" origin slow:refs/heads/main &&
		echo "denied: $ALICE may not create-file slow/${long}c on heads/main (commit $(git rev-parse slow | cut -c1-12))" >../expect
	) &&
	ref_is server.git refs/heads/main $(git -C client rev-parse main) &&
	said "$(cat expect)" &&
	hook_lines >lines &&
	! grep "^error:" lines
'

test_expect_success 'a tree bomb: 16^8 paths in a 1 KiB pack hit maxTreeEntries' '
	test_when_finished stop_gpg_agent &&
	rules refs/t.conf <<-\EOF &&
	anyone fast-forward heads/main
	EOF
	cat >rules/branches/t.conf <<-\EOF &&
	anyone create-directory,create-file,modify,delete .*
	EOF
	set_policy &&
	(
		cd client &&
		fresh &&
		obj=$(echo boom | git hash-object -w --stdin) &&
		type="100644 blob" &&
		for level in 1 2 3 4 5 6 7 8
		do
			obj=$(
				for c in 0 1 2 3 4 5 6 7 8 9 a b c d e f
				do
					printf "%s %s\t%s\n" "$type" $obj $c
				done | git mktree
			) &&
			type="040000 tree" || exit 1
		done &&
		git update-ref refs/heads/bomb $(commit_with bomb $obj) &&
		git pack-objects --revs --stdout >../bomb.pack <<-\EOF &&
		bomb
		^main
		EOF
		test $(wc -c <../bomb.pack) -lt 1536 &&
		push_denied "$ALICE" origin bomb:refs/heads/main
	) &&
	ref_is server.git refs/heads/main $(git -C client rev-parse main) &&
	said "error: too many changed tree entries (gitapps.maxTreeEntries = 1000000)"
'

test_expect_success '... its twin: the same shape, 16^2 paths, is accepted' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		obj=$(echo boom | git hash-object -w --stdin) &&
		type="100644 blob" &&
		for level in 1 2
		do
			obj=$(
				for c in 0 1 2 3 4 5 6 7 8 9 a b c d e f
				do
					printf "%s %s\t%s\n" "$type" $obj $c
				done | git mktree
			) &&
			type="040000 tree" || exit 1
		done &&
		git update-ref refs/heads/bomb $(commit_with bomb $obj) &&
		push_ok "$ALICE" origin bomb:refs/heads/main
	) &&
	ref_is server.git refs/heads/main $(git -C client rev-parse bomb)
'

test_expect_success 'a non-UTF-8 path outside the rules: denied, printed escaped' '
	test_when_finished stop_gpg_agent &&
	rules refs/t.conf <<-\EOF &&
	anyone fast-forward heads/main
	EOF
	cat >rules/branches/t.conf <<-\EOF &&
	anyone create-file,modify docs/.*
	anyone create-file bytes/..
	EOF
	set_policy &&
	(
		cd client &&
		fresh &&
		name=$(printf "src/\377\376") &&
		echo x >"$name" &&
		git add "$name" &&
		test_tick &&
		git commit -q -m "not UTF-8" &&
		push_denied "$ALICE" origin HEAD:refs/heads/main
	) &&
	ref_is server.git refs/heads/main $(git -C client rev-parse HEAD~1) &&
	said "denied: $ALICE may not create-file \"src/\\377\\376\" on heads/main (commit $(short client HEAD))"
'

test_expect_success '... its twin: a rule matching each byte with . allows it' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		fresh &&
		name=$(printf "bytes/\377\376") &&
		echo x >"$name" &&
		git add "$name" &&
		test_tick &&
		git commit -q -m "not UTF-8, allowed" &&
		push_ok "$ALICE" origin HEAD:refs/heads/main
	) &&
	ref_is server.git refs/heads/main $(git -C client rev-parse HEAD)
'

test_done
