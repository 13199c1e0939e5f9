# lib-mr.sh: a server with the merge-request app, and a clone per user
# (sourced after lib.sh and lib-hook.sh)
#
# mr_setup makes five keys: OWNER (an owner, so also a maintainer),
# MAINT (a maintainer, no owner), ALICE and BOB (contributors) and CI (the
# ci group), a server whose main holds one commit, `git mr init` run by
# the owner, and one clone per user (owner, maint, alice, bob, ci), each
# with user.signingkey set and its key registered the way a user would:
# `git acl keys add` and a signed push.  Maintainers may fast-forward
# heads/main (with every tree op there), nothing else the owner has not.

DATA=refs/apps/merge-reqs/data

# mr_clone <dir> <id>: a clone of the server that signs as <id>, with
# refs/apps/* fetched.
mr_clone () {
	git clone -q "$SHARNESS_TRASH_DIRECTORY/server.git" "$1" 2>/dev/null &&
	mr_config "$1" "$2" &&
	(cd "$1" && git mr fetch >/dev/null 2>&1)
}

# mr_config <dir> <id>: a user's settings: who signs, and a name for
# git acl keys add's commits.
mr_config () {
	git -C "$1" config user.signingkey "$2" &&
	git -C "$1" config user.name "$1" &&
	git -C "$1" config user.email "$1@example.com"
}

# mr_register <dir> <id>: the key registers itself (trust on first use).
mr_register () {
	(
		cd "$1" &&
		git mr fetch >/dev/null 2>&1 &&
		git acl keys add "$2" >/dev/null &&
		push_ok "$2" origin refs/apps/access-control
	)
}

# mr_edit <ref> <message> (<mode> <path> <content>)...: print a commit on
# top of the local <ref> whose tree has those entries set, built with
# plumbing only (a throwaway index; no checkout, the ref does not move).
# <mode> is 100644 (content gets a final newline), 120000 (content is the
# symlink's target), 160000 (content is a commit id) or - (remove <path>).
mr_edit () {
	(
		me_ref=$1 &&
		me_msg=$2 &&
		shift 2 &&
		gitdir=$(git rev-parse --absolute-git-dir) &&
		GIT_INDEX_FILE="$gitdir/mr_edit.index" &&
		export GIT_INDEX_FILE &&
		me_parent=$(git rev-parse --verify "$me_ref") &&
		git read-tree "$me_parent" &&
		while test $# -ge 3
		do
			case "$1" in
			-)
				git update-index --force-remove "$2" ;;
			160000)
				git update-index --add --cacheinfo "$1,$3,$2" ;;
			120000)
				me_blob=$(printf "%s" "$3" |
					git hash-object -w --stdin) &&
				git update-index --add --cacheinfo "$1,$me_blob,$2" ;;
			*)
				me_blob=$(printf "%s\n" "$3" |
					git hash-object -w --stdin) &&
				git update-index --add --cacheinfo "$1,$me_blob,$2" ;;
			esac || exit 1
			shift 3
		done &&
		me_tree=$(git write-tree) &&
		rm -f "$GIT_INDEX_FILE" &&
		git commit-tree -p "$me_parent" -m "$me_msg" "$me_tree"
	)
}

# data_edit <message> (<mode> <path> <content>)...: mr_edit of the local
# data branch, refreshed from the server first.
data_edit () {
	git mr fetch >/dev/null 2>&1 &&
	mr_edit "$DATA" "$@"
}

# comment_text <revision or ""> [<header line>...] -- <body>: a comment
# file's text with a fixed Date.
comment_text () {
	ct_rev=$1 &&
	shift &&
	printf "Date: 2026-01-02T03:04:05Z\n" &&
	if test -n "$ct_rev"
	then
		printf "Revision: %s\n" "$ct_rev"
	fi &&
	while test $# -gt 0 && test "$1" != --
	do
		printf "%s\n" "$1" &&
		shift
	done &&
	shift &&
	printf "\n%s" "$*"
}

# on_server <path>: the blob at <path> of the server's data branch.
on_server () {
	git -C "$SHARNESS_TRASH_DIRECTORY/server.git" cat-file -p "$DATA:$1"
}

# not_on_server <path>: the server's data branch has nothing at <path>.
not_on_server () {
	test_must_fail git -C "$SHARNESS_TRASH_DIRECTORY/server.git" \
		cat-file -e "$DATA:$1" 2>/dev/null
}

# server_rev <ref>: where the server's <ref> is.
server_rev () {
	git -C "$SHARNESS_TRASH_DIRECTORY/server.git" rev-parse --verify "$1"
}

# topic <dir> <branch> <file> <content>: a commit on a new (or the same)
# branch off the server's main, in a user's clone; prints nothing.
topic () {
	(
		cd "$1" &&
		git fetch -q origin &&
		if git rev-parse -q --verify "refs/heads/$2" >/dev/null
		then
			git checkout -q "$2"
		else
			git checkout -q -b "$2" origin/main
		fi &&
		echo "$4" >"$3" &&
		git add "$3" &&
		test_tick &&
		git commit -q -m "$2: $3"
	)
}

mr_setup () {
	OWNER=$(make_key "Owner <owner@example.com>") &&
	MAINT=$(make_key "Maint <maint@example.com>") &&
	ALICE=$(make_key "Alice <alice@example.com>") &&
	BOB=$(make_key "Bob <bob@example.com>") &&
	CI=$(make_key "CI Bot <ci@example.com>") &&
	setup_server server.git "$OWNER" &&
	git init -q owner &&
	(
		cd owner &&
		git remote add origin ../server.git &&
		mr_config . "$OWNER" &&
		echo hello >README &&
		git add README &&
		test_tick &&
		git commit -q -m first &&
		push_ok "$OWNER" origin HEAD:refs/heads/main &&
		git mr init --ci "$CI" --maintainer "$MAINT" \
			>"$SHARNESS_TRASH_DIRECTORY/init.out" 2>&1 &&
		policy=$(mr_edit refs/apps/access-control \
			"maintainers merge into main" \
			100644 refs/main.conf \
			"maintainers fast-forward heads/main" \
			100644 branches/main.conf "[heads/main]
maintainers create-directory,create-file,create-symlink,create-gitlink,modify,delete .*") &&
		push_ok "$OWNER" origin "$policy:refs/apps/access-control" &&
		git mr fetch >/dev/null 2>&1
	) &&
	mr_clone maint "$MAINT" &&
	mr_clone alice "$ALICE" &&
	mr_clone bob "$BOB" &&
	mr_clone ci "$CI" &&
	mr_register maint "$MAINT" &&
	mr_register alice "$ALICE" &&
	mr_register bob "$BOB" &&
	mr_register ci "$CI"
}
