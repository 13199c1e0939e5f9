# lib-hook.sh: for tests that push to a server whose policy the test sets
# (sourced after lib.sh)

# rules <file>: start a fresh rules/ directory holding <file> (stdin);
# more files may be written into rules/ before set_policy.
rules () {
	rm -rf "$SHARNESS_TRASH_DIRECTORY/rules" &&
	mkdir -p "$SHARNESS_TRASH_DIRECTORY/rules/refs" \
		"$SHARNESS_TRASH_DIRECTORY/rules/branches" &&
	cat >"$SHARNESS_TRASH_DIRECTORY/rules/$1"
}

# base_policy <id>...: base/ holds what `git acl init` commits (the
# default policy files) and these users' key files, for set_policy.
base_policy () {
	mkdir base &&
	cp -R "$DEFAULT_POLICY"/. base/ &&
	mkdir base/keys &&
	for bp_id in "$@"
	do
		gpg --armor --export $bp_id >base/keys/$bp_id.asc || return 1
	done
}

# set_policy: the server's policy becomes the base one (init's files and
# every user's key) plus rules/, committed on the server as an owner's
# setup would be.
set_policy () {
	(
		cd "$SHARNESS_TRASH_DIRECTORY/server.git" &&
		commit_policy refs/apps/access-control ../base ../rules \
			>/dev/null
	)
}

# hook_lines: what the hook printed, without git's "remote: " and the
# spaces git may pad a line with.
hook_lines () {
	sed -n -e 's/ *$//' -e 's/^remote: //p' \
		"$SHARNESS_TRASH_DIRECTORY/push.err"
}

# said <line>: the hook printed exactly this line.
said () {
	hook_lines >said.lines &&
	grep -x -F -e "$1" said.lines || {
		echo "no such line from the hook: $1" >&2
		cat said.lines >&2
		return 1
	}
}

# fresh: in the client, main reset to the server's main.
fresh () {
	git fetch -q origin &&
	git checkout -q -B main origin/main &&
	git clean -q -fdx
}

# short <repo> <rev>: the 12 hex digits a denial names an object by.
short () {
	git -C "$1" rev-parse --verify "$2" | cut -c1-12
}

# fresh_acl: in the policy clone, branch acl reset to the server's policy.
fresh_acl () {
	git fetch -q origin +refs/apps/access-control:refs/remotes/origin/acl &&
	git checkout -q -B acl origin/acl &&
	git clean -q -fdx
}

# commit_all <message>: commit everything in the work tree.
commit_all () {
	git add -A &&
	test_tick &&
	git commit -q -m "$1"
}

# keypath <id>: where <id>'s key file lives on the policy, keys/<aa>/<id>.asc
# (SPEC 2's fan-out layout)
keypath () {
	echo "keys/$(echo "$1" | cut -c1-2)/$1.asc"
}
