#!/bin/sh

test_description='git acl init: hook, config and the default policy'

. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: owner keys' '
	test_when_finished stop_gpg_agent &&
	make_key "Owner <owner@example.com>" >owner.id &&
	make_key "Other <other@example.com>" >other.id &&
	test -s owner.id && test -s other.id
'

test_expect_success 'init creates a bare repository set up for the hook' '
	OWNER=$(cat owner.id) &&
	git acl init --owner "$OWNER" server.git >out &&
	grep "^owner $OWNER\$" out &&
	test "$(git -C server.git rev-parse --is-bare-repository)" = true &&
	test -L server.git/hooks/pre-receive &&
	test "$(readlink server.git/hooks/pre-receive)" = \
		"$(cd "$GITAPPS_BUILD/libexec/gitapps" && pwd -P)/pre-receive" &&
	test "$(git -C server.git config gitapps.owner)" = "$OWNER" &&
	test "$(git -C server.git config receive.certNonceSlop)" = 30 &&
	test "$(git -C server.git config --bool receive.fsckObjects)" = true &&
	test "$(git -C server.git config receive.maxInputSize)" = 512m &&
	git -C server.git config receive.certNonceSeed >seed1 &&
	test $(wc -c <seed1) -eq 65
'

# fanout <id>: the fan-out path of <id>'s key file (SPEC 2)
fanout () {
	echo "keys/$(echo $1 | cut -c1-2)/$1.asc"
}

test_expect_success 'the first policy commit is the default policy and the key' '
	OWNER=$(cat owner.id) &&
	git -C server.git ls-tree -r --name-only refs/apps/access-control >files &&
	cat >expect <<-EOF &&
	branches/keys.conf
	branches/owner.conf
	$(fanout $OWNER)
	refs/keys.conf
	refs/owner.conf
	EOF
	test_cmp expect files &&
	for f in refs/keys.conf branches/owner.conf branches/keys.conf
	do
		git -C server.git show refs/apps/access-control:$f >actual &&
		test_cmp "$DEFAULT_POLICY/$f" actual || return 1
	done &&
	{
		echo "base heads/main" &&
		grep -v "^base " "$DEFAULT_POLICY/refs/owner.conf"
	} >expect &&
	git -C server.git show refs/apps/access-control:refs/owner.conf >actual &&
	test_cmp expect actual &&
	test_must_fail git -C server.git rev-parse -q --verify refs/apps/access-control~1
'

test_expect_success 'registration in the default policy is keys/<aa>/<ID>.asc' '
	cat >expect <<-\EOF &&
	[apps/access-control]
	anyone create-directory keys
	anyone create-directory keys/[0-9A-F]{2}
	anyone create-file,modify keys/[0-9A-F]{2}/${user_id}\.asc
	EOF
	git -C server.git show refs/apps/access-control:branches/keys.conf >actual &&
	test_cmp expect actual
'

test_expect_success 'the default policy lints clean' '
	(cd server.git && git acl lint >../lint.out) &&
	test_must_be_empty lint.out
'

test_expect_success 'init pins the fsck checks in the repository config' '
	test "$(git config --file server.git/config --bool receive.fsckObjects)" = true &&
	for m in hasDotgit hasDot hasDotdot emptyName fullPathname \
		duplicateEntries treeNotSorted badTree badFilemode \
		zeroPaddedFilemode
	do
		test "$(git config --file server.git/config receive.fsck.$m)" = error ||
		return 1
	done &&
	git config --file server.git/config --get-regexp "^receive\.fsck\." >pins &&
	test $(wc -l <pins) -eq 10
'

# fixture_install <dir>: a copy of the installed tree whose default
# refs/owner.conf is SPEC 5's, whatever the shared default holds now.
fixture_install () {
	mkdir -p "$1/bin" "$1/libexec/gitapps" "$1/share/gitapps" &&
	cp "$GITAPPS_BUILD/bin/git-acl" "$1/bin/" &&
	ln -s "$GITAPPS_BUILD/libexec/gitapps/pre-receive" \
		"$1/libexec/gitapps/pre-receive" &&
	cp -R "$DEFAULT_POLICY" "$1/share/gitapps/access-control" &&
	cat >"$1/share/gitapps/access-control/refs/owner.conf" <<-\EOF
	base heads/main
	owner create-branch,create-tag,fast-forward,force,delete .*
	owner create-branch,create-tag,fast-forward,force,delete apps/.*
	EOF
}

test_expect_success 'init --branch names the base branch, and HEAD' '
	OWNER=$(cat owner.id) &&
	fixture_install inst &&
	inst/bin/git-acl init --owner "$OWNER" --branch trunk trunk.git >/dev/null &&
	cat >expect <<-\EOF &&
	base heads/trunk
	owner create-branch,create-tag,fast-forward,force,delete .*
	owner create-branch,create-tag,fast-forward,force,delete apps/.*
	EOF
	git -C trunk.git show refs/apps/access-control:refs/owner.conf >actual &&
	test_cmp expect actual &&
	test "$(git -C trunk.git symbolic-ref HEAD)" = refs/heads/trunk &&
	inst/bin/git-acl init --owner "$OWNER" main.git >/dev/null &&
	git -C main.git show refs/apps/access-control:refs/owner.conf >actual &&
	sed "s/trunk/main/" expect >expect.main &&
	test_cmp expect.main actual
'

test_expect_success 'a branch name is escaped in the base pattern' '
	OWNER=$(cat owner.id) &&
	inst/bin/git-acl init --owner "$OWNER" --branch "release+1.x" rel.git >/dev/null &&
	git -C rel.git show refs/apps/access-control:refs/owner.conf >actual &&
	head -n 1 actual >first &&
	echo "base heads/release\+1\.x" >expect &&
	test_cmp expect first &&
	test $(wc -l <actual) -eq 3
'

test_expect_success 'init refuses a --branch that is no branch name' '
	OWNER=$(cat owner.id) &&
	test_expect_code 129 git acl init --owner "$OWNER" --branch "a..b" bad-branch.git 2>err &&
	grep "error: '\''a..b'\'' is not a valid branch name" err &&
	! test -e bad-branch.git
'

test_expect_success 'init --slop sets receive.certNonceSlop, 0 to 300' '
	OWNER=$(cat owner.id) &&
	git acl init --owner "$OWNER" --slop 120 slop.git >/dev/null &&
	test "$(git -C slop.git config receive.certNonceSlop)" = 120 &&
	git acl init --owner "$OWNER" --slop 0 slop0.git >/dev/null &&
	test "$(git -C slop0.git config receive.certNonceSlop)" = 0 &&
	for bad in 301 -1 1e2 "" 12s 0300
	do
		test_expect_code 129 git acl init --owner "$OWNER" \
			--slop "$bad" badslop.git 2>err &&
		grep "^error: --slop wants whole seconds from 0 to 300, not '\''$bad'\''$" err &&
		! test -e badslop.git || return 1
	done
'

test_expect_success 'init refuses to overwrite a policy without --force' '
	OWNER=$(cat owner.id) &&
	old=$(git -C server.git rev-parse refs/apps/access-control) &&
	OTHER=$(cat other.id) &&
	git -C server.git config -l >config.before &&
	test_expect_code 128 git acl init --owner "$OTHER" server.git 2>err &&
	grep "refs/apps/access-control exists: use --force" err &&
	ref_is server.git refs/apps/access-control $old &&
	git -C server.git config -l >config.after &&
	test_cmp config.before config.after
'

test_expect_success 'with --force: a new policy commit, and a fresh nonce seed' '
	OWNER=$(cat owner.id) OTHER=$(cat other.id) &&
	old=$(git -C server.git rev-parse refs/apps/access-control) &&
	git acl init --force --owner "$OWNER" --owner "$OTHER" server.git &&
	test "$(git -C server.git rev-parse refs/apps/access-control~1)" = $old &&
	git -C server.git config --get-all gitapps.owner >owners &&
	printf "%s\n%s\n" "$OWNER" "$OTHER" >expect &&
	test_cmp expect owners &&
	git -C server.git config receive.certNonceSeed >seed2 &&
	! test_cmp seed1 seed2
'

test_expect_success '--owner-key reads an armored key file' '
	OTHER=$(cat other.id) &&
	gpg --armor --export "$OTHER" >other.asc &&
	git acl init --owner-key other.asc keyed.git >out &&
	grep "^owner $OTHER\$" out &&
	git -C keyed.git cat-file -e refs/apps/access-control:$(fanout $OTHER)
'

test_expect_success 'init needs an owner' '
	test_expect_code 129 git acl init nobody.git 2>err &&
	grep "at least one --owner or --owner-key" err &&
	! test -e nobody.git
'

test_expect_success 'an owner key that identifies nobody is refused' '
	echo "not a key" >bad.asc &&
	test_expect_code 128 git acl init --owner-key bad.asc bad.git 2>err &&
	grep "fatal: key of bad.asc is not one armored public key" err
'

test_expect_success 'init refuses when core.hooksPath is set' '
	OWNER=$(cat owner.id) &&
	git init -q --bare hookspath.git &&
	git -C hookspath.git config core.hooksPath /tmp &&
	test_expect_code 128 git acl init --owner "$OWNER" hookspath.git 2>err &&
	grep "core.hooksPath is set" err &&
	! test -e hookspath.git/hooks/pre-receive
'

test_expect_success 'init runs git fsck on an existing repository first' '
	OWNER=$(cat owner.id) &&
	git init -q --bare corrupt.git &&
	blob=$(echo hello | git -C corrupt.git hash-object -w --stdin) &&
	git -C corrupt.git update-ref refs/heads/main \
		$(git -C corrupt.git commit-tree -m x \
			$(printf "100644 blob $blob\tf\n" | git -C corrupt.git mktree)) &&
	obj=corrupt.git/objects/$(echo $blob | cut -c1-2)/$(echo $blob | cut -c3-) &&
	chmod u+w $obj && echo garbage >$obj &&
	test_expect_code 128 git acl init --owner "$OWNER" corrupt.git 2>err &&
	grep "git fsck.* found problems" err &&
	test_must_fail git -C corrupt.git rev-parse -q --verify refs/apps/access-control
'

test_expect_success 'the hook is found beside git-acl, never at a built-in path' '
	OWNER=$(cat owner.id) &&
	mkdir -p elsewhere/bin &&
	cp "$GITAPPS_BUILD/bin/git-acl" elsewhere/bin/ &&
	test_expect_code 128 elsewhere/bin/git-acl init --owner "$OWNER" lonely.git 2>err &&
	grep "cannot find the pre-receive hook next to git-acl" err &&
	! test -e lonely.git
'

test_done
