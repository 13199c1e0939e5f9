#!/bin/sh

test_description='git acl upgrade: a server set up by an older git acl init'

. "$(dirname "$0")/lib.sh"

PINS="hasDotgit hasDot hasDotdot emptyName fullPathname duplicateEntries
treeNotSorted badTree badFilemode zeroPaddedFilemode"
UP=refs/apps/access-control-upgrade

# fanout <id>: the fan-out path of <id>'s key file (SPEC 2)
fanout () {
	echo "keys/$(echo $1 | cut -c1-2)/$1.asc"
}

# old_server <repo> <owner id>: a server as the older init left it: the
# old stock policy (no base line, no apps/.* ref rule, flat key files
# and their registration rule), no fsck pins, no nonce settings.
old_server () {
	setup_server "$1" "$2" &&
	rm -rf old && mkdir -p old/refs old/branches old/keys &&
	echo "owner create-branch,create-tag,fast-forward,force,delete .*" \
		>old/refs/owner.conf &&
	cp "$DEFAULT_POLICY/refs/keys.conf" old/refs/ &&
	cp "$DEFAULT_POLICY/branches/owner.conf" old/branches/ &&
	cat >old/branches/keys.conf <<-\EOF &&
	[apps/access-control]
	anyone create-directory keys
	anyone create-file keys/${user_id}\.asc
	EOF
	gpg --armor --export "$2" >old/keys/$2.asc &&
	(cd "$1" && commit_policy refs/apps/access-control ../old >/dev/null) &&
	git config --file "$1/config" --remove-section receive.fsck &&
	git config --file "$1/config" --unset receive.certNonceSeed &&
	git config --file "$1/config" --unset receive.certNonceSlop
}

test_expect_success 'setup: a server set up the old way' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(make_key "Owner <owner@example.com>") &&
	echo "$OWNER" >owner.id &&
	old_server server.git "$OWNER"
'

test_expect_success 'upgrade pins the config and leaves the policy on a new ref' '
	OWNER=$(cat owner.id) &&
	tip=$(git -C server.git rev-parse refs/apps/access-control) &&
	git acl upgrade server.git >out &&
	{
		for m in $PINS
		do
			echo "set receive.fsck.$m = error" || return 1
		done &&
		echo "set receive.certNonceSeed = (random)" &&
		echo "set receive.certNonceSlop = 30" &&
		echo "built the key index of refs/apps/access-control" &&
		echo "refs/owner.conf: added the owner'\''s apps/.* ref rule" &&
		echo "refs/owner.conf: added '\''base heads/main'\'' (the branch HEAD names)" &&
		echo "branches/keys.conf: registration now writes keys/<aa>/<ID>.asc" &&
		echo "moved keys/$OWNER.asc to $(fanout $OWNER)" &&
		echo "an owner should now, in a clone:" &&
		echo "  git fetch <remote> $UP" &&
		echo "  git acl lint FETCH_HEAD" &&
		echo "  git push --signed <remote> FETCH_HEAD:refs/apps/access-control"
	} >expect &&
	test_cmp expect out &&
	ref_is server.git refs/apps/access-control $tip &&
	test "$(git -C server.git rev-parse $UP~1)" = $tip &&
	for m in $PINS
	do
		test "$(git config --file server.git/config receive.fsck.$m)" = error ||
		return 1
	done &&
	test "$(git config --file server.git/config receive.certNonceSlop)" = 30 &&
	git config --file server.git/config receive.certNonceSeed >seed &&
	test $(wc -c <seed) -eq 65
'

test_expect_success 'the upgraded policy: SPEC 5 stock files, keys renamed' '
	OWNER=$(cat owner.id) &&
	cat >expect <<-\EOF &&
	base heads/main
	owner create-branch,create-tag,fast-forward,force,delete .*
	owner create-branch,create-tag,fast-forward,force,delete apps/.*
	EOF
	git -C server.git show $UP:refs/owner.conf >actual &&
	test_cmp expect actual &&
	git -C server.git show $UP:branches/keys.conf >actual &&
	test_cmp "$DEFAULT_POLICY/branches/keys.conf" actual &&
	git -C server.git diff-tree -r -M --name-status refs/apps/access-control \
		$UP >changes &&
	printf "M\t%s\nR100\tkeys/%s.asc\t%s\nM\t%s\n" branches/keys.conf \
		$OWNER "$(fanout $OWNER)" refs/owner.conf >expect &&
	test_cmp expect changes
'

test_expect_success 'upgrade again changes nothing' '
	git -C server.git config --list --local >config.before &&
	up=$(git -C server.git rev-parse $UP) &&
	tip=$(git -C server.git rev-parse refs/apps/access-control) &&
	git acl upgrade server.git >out &&
	head -n 1 out >first &&
	echo "$UP holds this upgrade already" >expect &&
	test_cmp expect first &&
	! grep "^set " out &&
	ref_is server.git $UP $up &&
	ref_is server.git refs/apps/access-control $tip &&
	git -C server.git config --list --local >config.after &&
	test_cmp config.before config.after
'

test_expect_success 'once the owner pushed it, upgrade drops its ref, then is silent' '
	git -C server.git update-ref refs/apps/access-control $UP &&
	git acl upgrade server.git >out &&
	{
		echo "built the key index of refs/apps/access-control" &&
		echo "deleted $UP: the policy needs no upgrade"
	} >expect &&
	test_cmp expect out &&
	ref_is server.git $UP none &&
	git acl upgrade server.git >out &&
	test_must_be_empty out
'

test_expect_success 'edited files stay as they are; a base line anywhere counts' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(cat owner.id) &&
	old_server edited.git "$OWNER" &&
	echo "# registration is closed" >old/branches/keys.conf &&
	echo "maintainers fast-forward heads/main" >>old/refs/owner.conf &&
	echo "base heads/(main|release/.*)" >old/refs/base.conf &&
	(cd edited.git && commit_policy refs/apps/access-control ../old >/dev/null) &&
	git acl upgrade edited.git >out &&
	! grep "^refs/owner.conf" out &&
	! grep "^branches/keys.conf" out &&
	grep "^moved keys/$OWNER.asc to $(fanout $OWNER)\$" out &&
	git -C edited.git diff-tree -r -M --name-status refs/apps/access-control \
		$UP >changes &&
	printf "R100\tkeys/%s.asc\t%s\n" $OWNER "$(fanout $OWNER)" >expect &&
	test_cmp expect changes
'

test_expect_success 'without a branch in HEAD, upgrade says to add the base line' '
	OWNER=$(cat owner.id) &&
	old_server detached.git "$OWNER" &&
	git -C detached.git update-ref --no-deref HEAD \
		$(git -C detached.git rev-parse refs/apps/access-control) &&
	git acl upgrade detached.git >out &&
	grep "^refs/owner.conf: no base line added: HEAD names no branch" out &&
	git -C detached.git show $UP:refs/owner.conf >actual &&
	! grep "^base" actual
'

test_expect_success 'upgrade refuses a non-bare repository and one without a policy' '
	git init -q work &&
	test_expect_code 128 git acl upgrade work 2>err &&
	grep "fatal: '\''work'\'' is not a bare repository" err &&
	git init -q --bare nopolicy.git &&
	test_expect_code 128 git acl upgrade nopolicy.git 2>err &&
	grep "fatal: no local refs/apps/access-control" err &&
	test_expect_code 129 git acl upgrade a b 2>err &&
	grep "^usage: git acl upgrade \[<bare-repo>\]" err &&
	test_expect_code 129 git acl upgrade -h >out &&
	grep "^usage: git acl upgrade" out
'

# The whole way, with the real hook and real signed pushes: an old server
# refuses everything until upgraded; then the owner pushes the upgraded
# policy, a user registers in the fan-out layout and the owner pushes code.
test_expect_success 'an old server, upgraded and its policy pushed, takes pushes again' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(cat owner.id) &&
	USER=$(make_key "User <user@example.com>") &&
	old_server live.git "$OWNER" &&
	git init -q code &&
	(
		cd code &&
		git remote add origin ../live.git &&
		echo hello >README &&
		git add README &&
		test_tick &&
		git commit -q -m first &&
		# git signs for no server without a nonce seed: if-asked
		test_must_fail git -c user.signingkey="$OWNER" push \
			--signed=if-asked origin HEAD:refs/heads/main \
			>../push.out 2>../push.err
	) &&
	grep "receive.certNonceSeed is not set in the repository" push.err &&
	git acl upgrade live.git >out &&
	git clone -q --bare live.git owner.git &&
	(
		cd owner.git &&
		git fetch -q origin $UP &&
		git acl lint FETCH_HEAD &&
		push_as "$OWNER" origin FETCH_HEAD:refs/apps/access-control \
			>../push.out 2>../push.err
	) &&
	test "$(git -C live.git rev-parse refs/apps/access-control)" = \
		"$(git -C live.git rev-parse $UP)" &&
	(
		cd code &&
		push_as "$OWNER" origin HEAD:refs/heads/main >../push.out 2>../push.err
	) &&
	git clone -q --no-checkout live.git user &&
	(
		cd user &&
		git fetch -q origin +refs/apps/access-control:refs/apps/access-control &&
		git config user.name User && git config user.email u@example.com &&
		git acl keys add "$USER" &&
		push_as "$USER" origin refs/apps/access-control \
			>../push.out 2>../push.err
	) &&
	git -C live.git cat-file -e \
		refs/apps/access-control:$(fanout $USER)
'

test_done
