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

test_expect_success 'the first policy commit is the default policy and the key' '
	OWNER=$(cat owner.id) &&
	git -C server.git ls-tree -r --name-only refs/apps/access-control >files &&
	cat >expect <<-EOF &&
	branches/keys.conf
	branches/owner.conf
	keys/$OWNER.asc
	refs/keys.conf
	refs/owner.conf
	EOF
	test_cmp expect files &&
	for f in refs/owner.conf refs/keys.conf branches/owner.conf branches/keys.conf
	do
		git -C server.git show refs/apps/access-control:$f >actual &&
		test_cmp "$DEFAULT_POLICY/$f" actual || return 1
	done &&
	test_must_fail git -C server.git rev-parse -q --verify refs/apps/access-control~1 &&
	(cd server.git && git acl lint >../lint.out) &&
	test_must_be_empty lint.out
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
	git -C keyed.git cat-file -e refs/apps/access-control:keys/$OTHER.asc
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
