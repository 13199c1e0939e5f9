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
. "$SRC/tests/lib-scenario.sh"

# The document's account "git" and its home /srv/git are the test's user
# and $SRV (see lib-sshd.sh); lib-mr.sh's helpers read the server as
# server.git of the trash directory.
SRV=$(short_dir srv) || exit 1
URL="ssh://$SSH_USER@git.example.org$SRV/project.git"
ln -s srv/project.git server.git || exit 1

# clone_front <dir>: a clone through ssh (lib-scenario.sh); every user
# but the owner comes in with Bob's ssh key
clone_front () {
	ssh_clone bob "$URL" "$1"
}

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
	scenario_keys &&
	CAROL=$(make_key "Carol <carol@example.com>") &&
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
	scenario_first_commit alice "$URL" "$OWNER" &&
	(cd alice && doc_sh ssh-push-signed) &&
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
	scenario_register bob "$BOB"
'

test_expect_success 'a registered non-owner pushing main is denied through ssh' '
	test_when_finished stop_gpg_agent &&
	scenario_denied_main bob "$BOB"
'

test_expect_success 'an atomic push with one ref denied moves neither' '
	test_when_finished stop_gpg_agent &&
	main=$(server_rev refs/heads/main) &&
	(
		cd alice &&
		git reset -q --hard origin/main &&
		echo three >>README &&
		test_tick &&
		git commit -q -am third
	) &&
	scenario_atomic alice "$OWNER" \
		"denied: $OWNER may not create-branch replace/$main (commit $(short alice HEAD))" \
		"HEAD:refs/replace/$main" HEAD:refs/heads/main HEAD:refs/heads/side
'

test_expect_success 'merge requests through ssh: init with gates, users register' '
	test_when_finished stop_gpg_agent &&
	scenario_mr_init alice --require-approvals 1 --require-ci &&
	git -C server.git show refs/apps/access-control:refs/merge-gates.conf >gates &&
	grep -x "maintainers require 1:approved heads/main" gates &&
	scenario_register maint "$MAINT" &&
	scenario_register ci "$CI"
'

test_expect_success '... create, comment, CI run, approve, atomic merge' '
	test_when_finished stop_gpg_agent &&
	scenario_mr_create &&
	scenario_mr_comment maint "$MAINT" "Looks fine." &&
	scenario_ci_pass &&
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
	scenario_mr_merge alice
'

test_done
