#!/bin/sh

test_description='git acl keys: add a key on the client, list the keys'

. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: a server and a client with its policy ref' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(make_key "Owner <owner@example.com>") &&
	BOB=$(make_key "Bob <bob@example.com>") &&
	echo "$OWNER" >owner.id && echo "$BOB" >bob.id &&
	setup_server server.git "$OWNER" &&
	git init -q client &&
	git -C client config user.name Bob &&
	git -C client config user.email bob@example.com &&
	git -C client fetch -q ../server.git \
		refs/apps/access-control:refs/apps/access-control
'

test_expect_success 'keys list shows each key with its state and user id' '
	OWNER=$(cat owner.id) &&
	(cd client && git acl keys list >../out) &&
	printf "%s\tok\tOwner <owner@example.com>\n" "$OWNER" >expect &&
	test_cmp expect out
'

test_expect_success 'keys add without a local policy ref says how to get it' '
	git init -q empty &&
	(cd empty && test_expect_code 128 git acl keys add "$(cat ../bob.id)" 2>../err) &&
	grep "fetch it first" err
'

test_expect_success 'keys add refuses a key that identifies nobody' '
	echo junk >junk.asc &&
	before=$(git -C client rev-parse refs/apps/access-control) &&
	(cd client && test_expect_code 128 git acl keys add ../junk.asc 2>../err) &&
	grep "fatal: key '\''../junk.asc'\'' is not one armored public key" err &&
	ref_is client refs/apps/access-control $before
'

# fanout <id>: the fan-out path of <id>'s key file (SPEC 2)
fanout () {
	echo "keys/$(echo $1 | cut -c1-2)/$1.asc"
}

test_expect_success 'keys add commits keys/<aa>/<ID>.asc and nothing else' '
	BOB=$(cat bob.id) &&
	before=$(git -C client rev-parse refs/apps/access-control) &&
	(cd client && git acl keys add "$BOB" >../out) &&
	printf "added %s to refs/apps/access-control\npush it with: %s\n" \
		"$(fanout $BOB)" \
		"git push --signed <remote> refs/apps/access-control" >expect &&
	test_cmp expect out &&
	git -C client diff-tree -r --name-status $before \
		refs/apps/access-control >changes &&
	printf "A\t%s\n" "$(fanout $BOB)" >expect &&
	test_cmp expect changes &&
	git -C client log -1 --format=%s refs/apps/access-control >subject &&
	echo "Add key $BOB" >expect &&
	test_cmp expect subject &&
	(cd client && git acl keys list >../out) &&
	printf "%s\tok\tBob <bob@example.com>\n%s\tok\tOwner <owner@example.com>\n" \
		"$BOB" "$(cat owner.id)" | sort >expect &&
	sort out >actual &&
	test_cmp expect actual
'

test_expect_success 'Bob registers by pushing it' '
	test_when_finished stop_gpg_agent &&
	BOB=$(cat bob.id) &&
	(cd client && push_ok "$BOB" ../server.git refs/apps/access-control) &&
	ref_is server.git refs/apps/access-control \
		$(git -C client rev-parse refs/apps/access-control)
'

test_expect_success 'adding the same key again changes nothing' '
	BOB=$(cat bob.id) &&
	before=$(git -C client rev-parse refs/apps/access-control) &&
	(cd client && git acl keys add "$BOB" >../out) &&
	grep "already in refs/apps/access-control" out &&
	ref_is client refs/apps/access-control $before
'

test_expect_success 'keys list says why a key identifies nobody' '
	test_when_finished stop_gpg_agent &&
	CAROL=$(gpg --faked-system-time 20200101T000000 --batch --quiet \
		--passphrase "" --quick-gen-key "Carol <carol@example.com>" \
		ed25519 sign 1d 2>/dev/null &&
		gpg --with-colons --list-keys "=Carol <carol@example.com>" |
		awk -F: "/^fpr:/ { print \$10; exit }") &&
	mkdir -p k/keys &&
	gpg --armor --export "$CAROL" >k/keys/$CAROL.asc &&
	(
		cd server.git &&
		commit_policy refs/apps/access-control ../k >/dev/null &&
		git acl keys list >../out
	) &&
	grep "^$CAROL	has expired	Carol <carol@example.com>\$" out &&
	echo "$CAROL" >carol.id
'

# flat_policy <dir> <id>...: a policy commit, on refs/apps/access-control of
# the repository <dir>, whose key files are those ids' in the flat layout
# of older versions, beside a README and the rules of the client's policy.
flat_policy () {
	fp_dir=$1 &&
	shift &&
	rm -rf flat && mkdir -p flat/keys &&
	git -C client archive refs/apps/access-control refs branches |
		tar -x -C flat &&
	echo "read me" >flat/README &&
	for fp_id in "$@"
	do
		gpg --armor --export "$fp_id" >flat/keys/$fp_id.asc || return 1
	done &&
	(cd "$fp_dir" && commit_policy refs/apps/access-control ../flat >/dev/null)
}

test_expect_success 'keys list reads both layouts, and flags an id in both' '
	OWNER=$(cat owner.id) BOB=$(cat bob.id) CAROL=$(cat carol.id) &&
	git init -q --bare both.git &&
	flat_policy both.git "$OWNER" "$CAROL" &&
	git -C client archive refs/apps/access-control keys | tar -x -C flat &&
	(cd both.git && commit_policy refs/apps/access-control ../flat >/dev/null &&
		git acl keys list >../out) &&
	cat >expect <<-EOF &&
	$BOB	ok	Bob <bob@example.com>
	$CAROL	has expired	Carol <carol@example.com>
	$OWNER	has a key file in both layouts (keys/$OWNER.asc)	Owner <owner@example.com>
	$OWNER	has a key file in both layouts ($(fanout $OWNER))	Owner <owner@example.com>
	EOF
	sort expect >expect.sorted &&
	sort out >actual &&
	test_cmp expect.sorted actual
'

test_expect_success 'keys add refuses an id whose key file is flat' '
	OWNER=$(cat owner.id) &&
	git clone -q --bare client flatclient.git &&
	git -C flatclient.git config user.name Bob &&
	git -C flatclient.git config user.email bob@example.com &&
	flat_policy flatclient.git "$OWNER" &&
	before=$(git -C flatclient.git rev-parse refs/apps/access-control) &&
	(cd flatclient.git &&
		test_expect_code 128 git acl keys add "$OWNER" 2>../err) &&
	grep "fatal: keys/$OWNER.asc is in the older flat layout: run '\''git acl keys migrate'\'' first" err &&
	ref_is flatclient.git refs/apps/access-control $before
'

test_expect_success 'keys migrate moves each flat key file, as a rename of its blob' '
	OWNER=$(cat owner.id) CAROL=$(cat carol.id) &&
	flat_policy flatclient.git "$OWNER" "$CAROL" &&
	before=$(git -C flatclient.git rev-parse refs/apps/access-control) &&
	(cd flatclient.git && git acl keys migrate >../out) &&
	after=$(git -C flatclient.git rev-parse refs/apps/access-control) &&
	test "$(git -C flatclient.git rev-parse $after~1)" = $before &&
	for id in $OWNER $CAROL
	do
		echo "moved keys/$id.asc to $(fanout $id)" || return 1
	done | sort >expect &&
	echo "push it with: git push --signed <remote> refs/apps/access-control" >>expect &&
	test_cmp expect out &&
	git -C flatclient.git diff-tree -r -M --name-status $before $after |
		sort >changes &&
	for id in $OWNER $CAROL
	do
		printf "R100\tkeys/%s.asc\t%s\n" $id "$(fanout $id)" || return 1
	done | sort >expect &&
	test_cmp expect changes &&
	for id in $OWNER $CAROL
	do
		test "$(git -C flatclient.git rev-parse $before:keys/$id.asc)" = \
			"$(git -C flatclient.git rev-parse $after:$(fanout $id))" ||
		return 1
	done &&
	git -C flatclient.git cat-file -e $after:README
'

test_expect_success 'keys migrate again: nothing to migrate, nothing committed' '
	before=$(git -C flatclient.git rev-parse refs/apps/access-control) &&
	(cd flatclient.git && git acl keys migrate >../out) &&
	echo "nothing to migrate: no key file in the flat layout" >expect &&
	test_cmp expect out &&
	ref_is flatclient.git refs/apps/access-control $before
'

test_expect_success 'keys migrate moves nothing when an id has both layouts' '
	OWNER=$(cat owner.id) CAROL=$(cat carol.id) &&
	flat_policy flatclient.git "$OWNER" "$CAROL" &&
	gpg --armor --export "$OWNER" >flat/$(basename $(fanout $OWNER)) &&
	mkdir -p flat/keys/$(echo $OWNER | cut -c1-2) &&
	mv flat/$(basename $(fanout $OWNER)) flat/$(fanout $OWNER) &&
	(cd flatclient.git && commit_policy refs/apps/access-control ../flat >/dev/null) &&
	before=$(git -C flatclient.git rev-parse refs/apps/access-control) &&
	(cd flatclient.git && test_expect_code 128 git acl keys migrate 2>../err) &&
	grep "^error: keys/$OWNER.asc: the id has a key file in keys/<aa>/ too" err &&
	grep "^fatal: nothing migrated" err &&
	ref_is flatclient.git refs/apps/access-control $before
'

test_expect_success 'keys migrate -h and --help' '
	test_expect_code 129 git acl keys migrate -h >out &&
	grep "^usage: git acl keys migrate" out &&
	git acl keys migrate --help >out &&
	grep "^usage: git acl keys migrate" out &&
	(cd client && test_expect_code 129 git acl keys migrate extra 2>../err) &&
	grep "^usage: git acl keys migrate" err
'

test_done
