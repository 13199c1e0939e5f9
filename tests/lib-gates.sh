# lib-gates.sh: attestations on refs/apps/attestations for tests (SPEC 11),
# written with git's plumbing so that nothing of ours builds them
# (sourced after lib.sh)

# att_path <kind> <commit-ish> <id>: where <id>'s <kind> attestation of
# the commit lives, <aa>/<bb>/<rest>/<kind>/<id>.
att_path () {
	ap_commit=$(git rev-parse --verify "$2^{commit}") &&
	echo "$ap_commit" | sed "s|^\(..\)\(..\)\(.*\)|\1/\2/\3/$1/$3|"
}

# att_fetch: refs/remotes/origin/att becomes the server's attestations,
# or goes away when the server has none.
att_fetch () {
	git update-ref -d refs/remotes/origin/att &&
	if git ls-remote --exit-code origin refs/apps/attestations >/dev/null
	then
		git fetch -q origin +refs/apps/attestations:refs/remotes/origin/att
	fi
}

# att_commit [-p <parent>] [-d <path>]... [<mode> <path>]...: print a commit
# on top of the server's attestations (or of <parent>; "none" for a root)
# that deletes each -d path and adds each <path> with <mode> (100644,
# 100755, 120000), content "attested in a test".
att_commit () {
	att_fetch &&
	ac_parent=$(git rev-parse -q --verify refs/remotes/origin/att) ||
		ac_parent=
	if test "$1" = -p
	then
		ac_parent=$2 &&
		shift 2 &&
		test "$ac_parent" != none || ac_parent=
	fi &&
	(
		gitdir=$(git rev-parse --absolute-git-dir) &&
		GIT_INDEX_FILE="$gitdir/att.index" &&
		export GIT_INDEX_FILE &&
		rm -f "$GIT_INDEX_FILE" &&
		if test -n "$ac_parent"
		then
			git read-tree "$ac_parent"
		else
			git read-tree --empty
		fi &&
		blob=$(echo "attested in a test" | git hash-object -w --stdin) &&
		while test $# -gt 0
		do
			if test "$1" = -d
			then
				git update-index --force-remove "$2"
			else
				git update-index --add --cacheinfo "$1,$blob,$2"
			fi || exit 1
			shift 2
		done &&
		tree=$(git write-tree) &&
		rm -f "$GIT_INDEX_FILE" &&
		test_tick &&
		if test -n "$ac_parent"
		then
			git commit-tree -p "$ac_parent" -m attest "$tree"
		else
			git commit-tree -m attest "$tree"
		fi
	)
}

# attest <id> <kind> <commit-ish>: <id> pushes their own attestation.
attest () {
	at_new=$(att_commit 100644 "$(att_path "$2" "$3" "$1")") &&
	push_ok "$1" origin "$at_new:refs/apps/attestations"
}

# work <name>: in the current clone, a new commit on top of HEAD changing
# <name> (the file <name> holding its own name).
work () {
	echo "$1" >"$1" &&
	commit_all "$1"
}
