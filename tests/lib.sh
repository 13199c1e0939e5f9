# lib.sh: what every tests/tNNNN-*.t script sources before its tests
#
# It points sharness at our directories (its defaults put trash
# directories in the source tree and the checkout's parent on PATH), puts
# the programs under test first on PATH, and pins everything git and gpg
# would otherwise take from the machine: HOME, config, identity, GNUPGHOME.

: "${GITAPPS_SOURCE:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${GITAPPS_BUILD:=$GITAPPS_SOURCE/build}"
SHARNESS_TEST_DIRECTORY="$GITAPPS_SOURCE/tests"
SHARNESS_BUILD_DIRECTORY="$GITAPPS_BUILD/bin"
export GITAPPS_SOURCE GITAPPS_BUILD SHARNESS_TEST_DIRECTORY \
	SHARNESS_BUILD_DIRECTORY
# sharness creates "trash directory.<test>" under $root
root="$GITAPPS_BUILD/trash"
mkdir -p "$root" || exit 1

unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY \
	GIT_ALTERNATE_OBJECT_DIRECTORIES GIT_CONFIG_GLOBAL XDG_CONFIG_HOME \
	GIT_CEILING_DIRECTORIES EDITOR VISUAL

. /usr/share/sharness/sharness.sh

# sharness made HOME the trash directory; nothing else of the machine's.
# The trash directories live inside the project's checkout: never let git
# find the project's own repository from there.
GIT_CEILING_DIRECTORIES="$root"
export GIT_CEILING_DIRECTORIES
export GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME='A U Thor' GIT_AUTHOR_EMAIL='author@example.com'
export GIT_COMMITTER_NAME='C O Mitter' GIT_COMMITTER_EMAIL='committer@example.com'
export GIT_AUTHOR_DATE='1764000000 +0000' GIT_COMMITTER_DATE='1764000000 +0000'
# gpg-agent binds its sockets inside its home, and a Unix socket's name
# holds at most 107 bytes: under a checkout at a long path the agent
# would not start ("socket name ... is too long") and signing would fail.
# Each gpg home (and each server's socket directory) of a test lives in
# its trash directory but is named by a short symbolic link under /tmp,
# removed when the tests pass.
GITAPPS_SHORT=$(mktemp -d /tmp/gitapps.XXXXXX) || exit 1
cleanup 'rm -rf "$GITAPPS_SHORT"'

# short_dir <name>: make (once) the directory <name> in the trash
# directory and print a short name of it.
short_dir () {
	mkdir -p "$SHARNESS_TRASH_DIRECTORY/$1" &&
	{
		test -L "$GITAPPS_SHORT/$1" ||
		ln -s "$SHARNESS_TRASH_DIRECTORY/$1" "$GITAPPS_SHORT/$1"
	} &&
	echo "$GITAPPS_SHORT/$1"
}

# gpg_home <name>: the same, for a gpg home (GNUPGHOME=$(gpg_home x))
gpg_home () {
	short_dir "$1" &&
	chmod 700 "$SHARNESS_TRASH_DIRECTORY/$1"
}

GNUPGHOME=$(gpg_home gnupg) || exit 1
export GNUPGHOME
git config --global init.defaultBranch main

SRC="$GITAPPS_SOURCE"
DEFAULT_POLICY="$SRC/apps/access-control/policy"
MR_POLICY="$SRC/apps/merge-reqs/policy"

# Advance the committer and author dates by a minute, as git's t/ does.
test_tick () {
	test_tick_now=$(( ${test_tick_now:-1764000000} + 60 ))
	GIT_AUTHOR_DATE="$test_tick_now +0000"
	GIT_COMMITTER_DATE="$test_tick_now +0000"
	export GIT_AUTHOR_DATE GIT_COMMITTER_DATE
}

# commit_tree <dir>...: print a tree object holding the union of the
# directories' files (later ones win), built with a throwaway index so
# that no work tree or index of the repository is touched.
commit_tree () {
	(
		gitdir=$(git rev-parse --absolute-git-dir) &&
		GIT_INDEX_FILE="$gitdir/commit_tree.index" &&
		export GIT_INDEX_FILE &&
		rm -f "$GIT_INDEX_FILE" &&
		for d in "$@"
		do
			(cd "$d" && git --git-dir="$gitdir" --work-tree=. \
				add --ignore-removal .) || exit 1
		done &&
		git write-tree &&
		rm -f "$GIT_INDEX_FILE"
	)
}

# commit_policy <ref> <dir>...: commit those directories' files as the
# next commit of <ref> (usually refs/apps/access-control); print it.
commit_policy () {
	cp_ref=$1 &&
	shift &&
	cp_tree=$(commit_tree "$@") &&
	test_tick &&
	if cp_parent=$(git rev-parse -q --verify "$cp_ref")
	then
		cp_commit=$(git commit-tree -p "$cp_parent" -m policy "$cp_tree")
	else
		cp_commit=$(git commit-tree -m policy "$cp_tree")
	fi &&
	git update-ref "$cp_ref" "$cp_commit" &&
	echo "$cp_commit"
}

# tree_with <tree> <mode> <path> <object>: print <tree> with one entry
# added or replaced, for entries a directory cannot hold (a symlink to
# anything, a gitlink, odd names).
tree_with () {
	(
		gitdir=$(git rev-parse --absolute-git-dir) &&
		GIT_INDEX_FILE="$gitdir/tree_with.index" &&
		export GIT_INDEX_FILE &&
		git read-tree "$1" &&
		git update-index --add --cacheinfo "$2,$4,$3" &&
		git write-tree &&
		rm -f "$GIT_INDEX_FILE"
	)
}

# make_key <user id> [<expire>]: a throwaway ed25519 signing key in
# $GNUPGHOME; prints its fingerprint (the user id of SPEC 2).
make_key () {
	gpg --batch --quiet --passphrase '' --quick-gen-key "$1" ed25519 sign \
		"${2:-never}" 2>/dev/null &&
	gpg --with-colons --list-keys "=$1" |
	awk -F: '/^fpr:/ { print $10; exit }'
}

# Stop any gpg-agent a test started, whatever happens to the test.
stop_gpg_agent () {
	gpgconf --kill all 2>/dev/null
	true
}

# setup_server <repo> <owner id>...: a bare repository made a gitapps
# server by `git acl init`, the owners' keys exported from $GNUPGHOME.
setup_server () {
	ss_repo=$1 &&
	shift &&
	ss_args= &&
	for ss_id in "$@"
	do
		ss_args="$ss_args --owner $ss_id"
	done &&
	git acl init $ss_args "$ss_repo" >/dev/null
}

# push_as <id> <git push args>...: a real signed push with that key.
push_as () {
	pa_id=$1 &&
	shift &&
	git -c user.signingkey="$pa_id" push --signed --porcelain "$@"
}

# push_ok <id> <args>...: the push must be accepted, with no denial.
# Its output is left in push.out and push.err of the trash directory.
push_ok () {
	push_as "$@" >"$SHARNESS_TRASH_DIRECTORY/push.out" \
		2>"$SHARNESS_TRASH_DIRECTORY/push.err" || {
		cat "$SHARNESS_TRASH_DIRECTORY/push.err" >&2
		return 1
	}
	! grep -e "denied:" -e "error:" "$SHARNESS_TRASH_DIRECTORY/push.err"
}

# push_denied <id> <args>...: the push must be rejected by the hook; its
# messages are left in push.err of the trash directory for the caller.
push_denied () {
	test_must_fail push_as "$@" >"$SHARNESS_TRASH_DIRECTORY/push.out" \
		2>"$SHARNESS_TRASH_DIRECTORY/push.err" &&
	grep "pre-receive hook declined" "$SHARNESS_TRASH_DIRECTORY/push.out" || {
		# a push that failed before the hook, or passed it: say how
		echo "push_denied: the hook did not decline this push" >&2
		cat "$SHARNESS_TRASH_DIRECTORY/push.out" \
			"$SHARNESS_TRASH_DIRECTORY/push.err" >&2
		return 1
	}
}

# ref_is <repo> <ref> <expected id, or "none">
ref_is () {
	if test "$3" = none
	then
		test_must_fail git -C "$1" rev-parse -q --verify "$2"
	else
		echo "$3" >ref.expect &&
		git -C "$1" rev-parse --verify "$2" >ref.actual &&
		test_cmp ref.expect ref.actual
	fi
}
