#!/bin/sh

test_description='the ssh front with a real sshd (SPEC 9, docs/server.md A)

An OpenSSH sshd of the test'"'"'s own (its config, host key and
authorized_keys in the trash directory, 127.0.0.1, a free port) serves a
repository set up by the commands of docs/server.md section A, run as the
document shows them with its names replaced by the test'"'"'s: signed,
unsigned and denied pushes, a registration, an atomic push, the merge
request life cycle and a CI-bot run, all through ssh, and what the ssh
key does not allow.'

. "$(dirname "$0")/lib.sh"
. "$SRC/tests/lib-servers.sh"
. "$SRC/tests/lib-sshd.sh"
. "$SRC/tests/lib-hook.sh"
. "$SRC/tests/lib-mr.sh"
. "$SRC/tests/lib-ci.sh"

# The document's account "git" and its home /srv/git are the test's user
# and $SRV (see lib-sshd.sh); lib-mr.sh's helpers read the server as
# server.git of the trash directory.
SRV=$(short_dir srv) || exit 1
URL="ssh://$SSH_USER@git.example.org$SRV/project.git"
ln -s srv/project.git server.git || exit 1

# doc_sh <block>: run the commands of a block of section A, with the
# document's names made the test's (doc_run of lib-servers.sh)
doc_sh () {
	ds_name=$1 &&
	shift &&
	doc_run "$ds_name" "$@" \
		"s|sudo -H -u git ||g" \
		"s|runuser -u git -- ||g" \
		"s|/usr/local|$GITAPPS_BUILD|g" \
		"s|/srv/git|$SRV|g" \
		"s|/tmp/alice.asc|$SSHD_DIR/alice.asc|g" \
		"s|git@git.example.org|$SSH_USER@git.example.org|g" \
		"s|-o git -g git|-o $SSH_USER -g $(id -gn)|" \
		"s|chown git:git|chown $SSH_USER:$(id -gn)|" \
		"s|C2EE61DFFE7513D60FEB9DB50A73A9D3D8D0F0EA|$OWNER|g"
}

test_expect_success 'setup: the account, authorized_keys and sshd of section A' '
	OWNER=$(make_key "Alice <alice@example.com>") &&
	MAINT=$(make_key "Maint <maint@example.com>") &&
	BOB=$(make_key "Bob <bob@example.com>") &&
	CAROL=$(make_key "Carol <carol@example.com>") &&
	CI=$(make_key "CI Bot <ci@example.com>") &&
	gpg --armor --export "$OWNER" >"$SSHD_DIR/alice.asc" &&
	# all but adduser: the test'"'"'s own user stands in for the account
	doc_sh ssh-account "/^adduser /d" &&
	test -d "$SRV/.ssh" &&
	ssh_key alice &&
	ssh_key bob &&
	# the forced-command line of the document, with each user'"'"'s key
	for u in alice bob
	do
		doc_block ssh-forced-command |
		sed "s|ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI\.\.\. alice|$(cat "$SSHD_DIR/$u.pub")|" ||
		return 1
	done >"$SRV/.ssh/authorized_keys" &&
	grep -c "^restrict,command=.* ssh-ed25519 AAAA" "$SRV/.ssh/authorized_keys" >count &&
	echo 2 >expect &&
	test_cmp expect count &&
	# it is the plain line of the document with the command added
	doc_block ssh-authorized-keys | sed -n "/ alice\$/p" >plain &&
	doc_block ssh-forced-command | sed "s/^restrict,command=\".*\" /restrict /" >forced &&
	test_cmp plain forced &&
	doc_sh ssh-authorized-keys-mode &&
	sshd_start "$SRV/.ssh/authorized_keys" "$SRV" &&
	ssh_default alice
'

test_expect_success 'git acl init and symbolic-ref as the document shows' '
	doc_sh ssh-init &&
	ref_is server.git HEAD none &&
	echo refs/heads/main >expect &&
	git -C server.git symbolic-ref HEAD >actual &&
	test_cmp expect actual &&
	test -x server.git/hooks/pre-receive
'

test_expect_success 'the owner'"'"'s signed push is accepted through ssh' '
	test_when_finished stop_gpg_agent &&
	git init -q alice &&
	(
		cd alice &&
		git remote add origin "$URL" &&
		mr_config . "$OWNER" &&
		echo hello >README &&
		git add README &&
		test_tick &&
		git commit -q -m first &&
		doc_sh ssh-push-signed
	) &&
	ref_is server.git refs/heads/main $(git -C alice rev-parse HEAD)
'

test_expect_success 'an unsigned push is refused, the hook'"'"'s line reaching the client' '
	main=$(server_rev refs/heads/main) &&
	(
		cd alice &&
		echo two >>README &&
		test_tick &&
		git commit -q -am second &&
		doc_sh ssh-push-unsigned
	) &&
	grep "^remote: error: unsigned push: " doc.actual &&
	ref_is server.git refs/heads/main $main
'

test_expect_success 'the ssh key gives no shell and no other receive-pack' '
	main=$(server_rev refs/heads/main) &&
	doc_sh ssh-refused &&
	grep -x "fatal: Interactive git shell is not enabled." doc.actual &&
	# the refused receive-pack would have accepted an unsigned push
	test_must_fail git -C alice push --receive-pack="git -c core.hooksPath=/tmp receive-pack" \
		origin HEAD:refs/heads/main 2>err &&
	grep "fatal: unrecognized command" err &&
	ref_is server.git refs/heads/main $main
'

test_expect_success 'a user registers their key through ssh' '
	test_when_finished stop_gpg_agent &&
	ssh_clone bob "$URL" bob &&
	mr_config bob "$BOB" &&
	acl=$(server_rev refs/apps/access-control) &&
	mr_register bob "$BOB" &&
	test "$(server_rev refs/apps/access-control^)" = $acl &&
	git -C server.git cat-file -e "refs/apps/access-control:$(keypath $BOB)"
'

test_expect_success 'a registered non-owner pushing main is denied through ssh' '
	test_when_finished stop_gpg_agent &&
	main=$(server_rev refs/heads/main) &&
	(
		cd bob &&
		git fetch -q origin &&
		git checkout -q -B main origin/main &&
		echo bob >bob.txt &&
		git add bob.txt &&
		test_tick &&
		git commit -q -m bob &&
		push_denied "$BOB" origin HEAD:refs/heads/main
	) &&
	said "denied: $BOB may not fast-forward heads/main (commit $(short bob HEAD))" &&
	said "hint: no rule in refs/*.conf of refs/apps/access-control allows it" &&
	ref_is server.git refs/heads/main $main
'

test_expect_success 'an atomic push with one ref denied moves neither' '
	test_when_finished stop_gpg_agent &&
	main=$(server_rev refs/heads/main) &&
	(
		cd alice &&
		git reset -q --hard origin/main &&
		echo three >>README &&
		test_tick &&
		git commit -q -am third &&
		push_denied "$OWNER" --atomic origin HEAD:refs/heads/main \
			HEAD:refs/heads/side "HEAD:refs/replace/$main"
	) &&
	said "denied: $OWNER may not create-branch replace/$main (commit $(short alice HEAD))" &&
	ref_is server.git refs/heads/main $main &&
	ref_is server.git refs/heads/side none &&
	# the allowed twin: the same push without the replace ref
	(
		cd alice &&
		push_ok "$OWNER" --atomic origin HEAD:refs/heads/main \
			HEAD:refs/heads/side
	) &&
	ref_is server.git refs/heads/main $(git -C alice rev-parse HEAD) &&
	ref_is server.git refs/heads/side $(git -C alice rev-parse HEAD)
'

test_expect_success 'merge requests through ssh: init with gates, users register' '
	test_when_finished stop_gpg_agent &&
	(
		cd alice &&
		git reset -q --hard origin/main &&
		git mr init --ci "$CI" --maintainer "$MAINT" \
			--require-approvals 1 --require-ci >../init.out 2>&1 &&
		policy=$(mr_edit refs/apps/access-control \
			"maintainers merge into main" \
			100644 refs/main.conf \
			"maintainers fast-forward heads/main" \
			100644 branches/main.conf "[heads/main]
maintainers create-directory,create-file,create-symlink,create-gitlink,modify,delete .*") &&
		push_ok "$OWNER" origin "$policy:refs/apps/access-control"
	) &&
	git -C server.git cat-file -e "$DATA" &&
	git -C server.git show refs/apps/access-control:refs/merge-gates.conf >gates &&
	grep -x "maintainers require 1:approved heads/main" gates &&
	for u in maint ci
	do
		ssh_clone bob "$URL" $u || return 1
	done &&
	mr_config maint "$MAINT" &&
	mr_config ci "$CI" &&
	mr_register maint "$MAINT" &&
	mr_register ci "$CI" &&
	git -C ci config mr.ci.command "sh test.sh"
'

test_expect_success '... create, comment, CI run, approve, atomic merge' '
	test_when_finished stop_gpg_agent &&
	topic bob one test.sh "exit 0" &&
	(cd bob && git mr fetch >/dev/null 2>&1 && git mr create -m "First change" >/dev/null) &&
	V1=$(git -C bob rev-parse HEAD) &&
	(
		cd maint &&
		git mr fetch >/dev/null 2>&1 &&
		git mr list >../list.out &&
		git mr comment Bob/1 -m "Looks fine." >/dev/null
	) &&
	on_server merge-reqs/$BOB/1/comments/$MAINT/1 >comment &&
	grep "First change" list.out &&
	grep -x "Looks fine." comment &&
	ci_run ci >ci.out 2>&1 &&
	result 1 1 >pass &&
	grep "^Result: pass\$" pass &&
	main=$(server_rev refs/heads/main) &&
	(
		cd alice &&
		git mr fetch >/dev/null 2>&1 &&
		test_expect_code 1 git mr merge Bob/1 >../merge.out 2>../merge.err
	) &&
	grep -x "error: refs/heads/main: needs 1 approved by maintainers, has 0" merge.err &&
	ref_is server.git refs/heads/main $main &&
	(
		cd maint &&
		git mr fetch >/dev/null 2>&1 &&
		git mr approve Bob/1 >/dev/null
	) &&
	data=$(server_rev $DATA) &&
	(
		cd alice &&
		git mr fetch >/dev/null 2>&1 &&
		git mr merge Bob/1 >../merge.out 2>../merge.err
	) &&
	ref_is server.git refs/heads/main $V1 &&
	test "$(on_server merge-reqs/$BOB/1/labels/merged)" = /labels/merged &&
	# one push moved both: the merge is the data branch'"'"'s next commit
	test "$(server_rev $DATA^)" = $data
'

test_done
