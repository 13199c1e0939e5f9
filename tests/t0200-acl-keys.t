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

test_expect_success 'keys add commits keys/<ID>.asc, and Bob registers by pushing it' '
	test_when_finished stop_gpg_agent &&
	BOB=$(cat bob.id) OWNER=$(cat owner.id) &&
	(
		cd client &&
		git acl keys add "$BOB" >../out &&
		git cat-file -e refs/apps/access-control:keys/$BOB.asc &&
		push_ok "$BOB" ../server.git refs/apps/access-control
	) &&
	grep "^added keys/$BOB.asc" out &&
	ref_is server.git refs/apps/access-control \
		$(git -C client rev-parse refs/apps/access-control) &&
	(cd server.git && git acl keys list >../out) &&
	printf "%s\tok\tBob <bob@example.com>\n%s\tok\tOwner <owner@example.com>\n" \
		"$BOB" "$OWNER" | sort >expect &&
	sort out >actual &&
	test_cmp expect actual
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
	grep "^$CAROL	has expired	Carol <carol@example.com>\$" out
'

test_done
