#!/bin/sh

test_description='the hook under gitolite3, through a real sshd (SPEC 9, docs/server.md C)

gitolite3 is set up with its own $HOME and .gitolite.rc in the trash
directory (gitolite setup -pk, nothing system-wide) and reached through
an sshd of the test'"'"'s own (lib-sshd.sh).  The hook goes in by hand, as
docs/server.md section C shows, whose commands the test runs: signed,
unsigned and denied pushes, a registration, and a push the hook accepts
that gitolite'"'"'s own update hook, which runs after it, declines.'

. "$(dirname "$0")/lib.sh"
. "$SRC/tests/lib-servers.sh"
skip_all_unless gitolite /usr/share/gitolite3/gitolite-shell
. "$SRC/tests/lib-sshd.sh"
. "$SRC/tests/lib-hook.sh"
. "$SRC/tests/lib-mr.sh"
. "$SRC/tests/lib-ci.sh"
. "$SRC/tests/lib-scenario.sh"

# gitolite's account and its home /var/lib/gitolite3 are the test's user
# and $GLHOME (see lib-sshd.sh); lib-mr.sh's helpers read the server as
# server.git of the trash directory.
GLHOME=$(short_dir gitolite3) || exit 1
URL="ssh://$SSH_USER@git.example.org/project"
ADMIN_URL="ssh://$SSH_USER@git.example.org/gitolite-admin"
ln -s gitolite3/repositories/project.git server.git || exit 1

# clone_front <dir>: a clone through gitolite (lib-scenario.sh); every
# user but the owner comes in with Bob's ssh key, as gitolite's user bob
clone_front () {
	ssh_clone bob "$URL" "$1"
}

# doc_sh <block>: run the commands of a block of section C, with the
# document's names made the test's (doc_run of lib-servers.sh)
doc_sh () {
	doc_run "$1" \
		"s|sudo -H -u gitolite3 ||g" \
		"s|runuser -u gitolite3 -- ||g" \
		"s|/usr/local|$GITAPPS_BUILD|g" \
		"s|/var/lib/gitolite3|$GLHOME|g" \
		"s|/tmp/alice.asc|$SSHD_DIR/alice.asc|g" \
		"s|gitolite3@git.example.org|$SSH_USER@git.example.org|g" \
		"s|C2EE61DFFE7513D60FEB9DB50A73A9D3D8D0F0EA|$OWNER|g"
}

# gl_conf: gitolite.conf becomes the admin's repository and stdin,
# pushed to gitolite-admin as its admin does
gl_conf () {
	{
		printf "repo gitolite-admin\n    RW+     =   admin\n\n" &&
		cat
	} >admin/conf/gitolite.conf &&
	(
		cd admin &&
		git add conf keydir &&
		test_tick &&
		git commit -q -m "gitolite.conf" &&
		git push -q origin HEAD 2>../gl_conf.err
	)
}

test_expect_success 'setup: gitolite in the trash directory, behind sshd' '
	scenario_keys &&
	gpg --armor --export "$OWNER" >"$SSHD_DIR/alice.asc" &&
	ssh_key admin &&
	ssh_key alice &&
	ssh_key bob &&
	HOME=$GLHOME gitolite setup -pk "$SSHD_DIR/admin.pub" >setup.out 2>&1 &&
	grep "^command=\".*gitolite-shell admin\"" "$GLHOME/.ssh/authorized_keys" &&
	sshd_start "$GLHOME/.ssh/authorized_keys" "$GLHOME" &&
	ssh_default alice &&
	ssh_clone admin "$ADMIN_URL" admin &&
	cp "$SSHD_DIR/alice.pub" "$SSHD_DIR/bob.pub" admin/keydir/ &&
	doc_block gitolite-conf | gl_conf &&
	test -d server.git &&
	grep "gitolite-shell alice\"" "$GLHOME/.ssh/authorized_keys" &&
	grep "gitolite-shell bob\"" "$GLHOME/.ssh/authorized_keys"
'

test_expect_success 'git acl init by hand, as the document shows' '
	doc_sh gitolite-init &&
	test -x server.git/hooks/pre-receive &&
	# gitolite'"'"'s own update hook stays in place beside ours
	test -x server.git/hooks/update
'

test_expect_success 'signed push accepted, unsigned refused, through gitolite' '
	test_when_finished stop_gpg_agent &&
	scenario_first_commit alice "$URL" "$OWNER" &&
	(cd alice && doc_sh gitolite-push) &&
	grep "^remote: error: unsigned push: " doc.actual &&
	ref_is server.git refs/heads/main $(git -C alice rev-parse HEAD^) &&
	git -C alice reset -q --hard HEAD^
'

test_expect_success 'a user registers their key through gitolite' '
	test_when_finished stop_gpg_agent &&
	scenario_register bob "$BOB"
'

test_expect_success 'a registered non-owner pushing main is denied through gitolite' '
	test_when_finished stop_gpg_agent &&
	scenario_denied_main bob "$BOB"
'

test_expect_success 'gitolite'"'"'s update hook declines what ours accepted' '
	test_when_finished stop_gpg_agent &&
	gl_conf <<-\EOF &&
	repo project
	    -       locked  =   @all
	    RW+     =   @all
	EOF
	main=$(server_rev refs/heads/main) &&
	(
		cd alice &&
		echo two >>README &&
		test_tick &&
		git commit -q -am second &&
		test_must_fail push_as "$OWNER" origin HEAD:refs/heads/locked \
			>../push.out 2>../push.err
	) &&
	# our pre-receive hook said yes, gitolite'"'"'s update said no
	! grep "^remote: denied:\|^remote: error: unsigned" push.err &&
	! grep "pre-receive hook declined" push.out &&
	grep "^remote: error: hook declined to update refs/heads/locked" push.err &&
	grep "^remote: FATAL: W refs/heads/locked project alice DENIED by refs/heads/locked" push.err &&
	grep "refs/heads/locked.*\[remote rejected\] (hook declined)" push.out &&
	ref_is server.git refs/heads/locked none &&
	# in an atomic push, that decline keeps main from moving too
	(
		cd alice &&
		test_must_fail push_as "$OWNER" --atomic origin HEAD:refs/heads/main \
			HEAD:refs/heads/locked >../push.out 2>../push.err
	) &&
	grep "^remote: FATAL: W refs/heads/locked project alice DENIED" push.err &&
	ref_is server.git refs/heads/main $main &&
	ref_is server.git refs/heads/locked none &&
	# the allowed twin: main alone
	(cd alice && push_ok "$OWNER" origin HEAD:refs/heads/main) &&
	ref_is server.git refs/heads/main $(git -C alice rev-parse HEAD)
'

test_expect_success 'merge requests and the CI bot through gitolite' '
	test_when_finished stop_gpg_agent &&
	scenario_mr_init alice &&
	scenario_register maint "$MAINT" &&
	scenario_register ci "$CI" &&
	ln -s alice owner &&
	ci_attest_policy &&
	scenario_mr_create &&
	scenario_mr_comment maint "$MAINT" "Looks fine." &&
	scenario_ci_pass &&
	scenario_mr_merge maint
'

test_expect_success 'the repo-specific-hook way: rc, hook directory, option line' '
	# uncomment the document'"'"'s two lines of the rc, which must be
	# there, commented
	doc_block gitolite-rc | sed "s/^ *//" >rc.lines &&
	perl -pi -e '"'"'
		BEGIN { open my $f, "<", "rc.lines" or die; chomp(@l = <$f>) }
		for my $l (@l) { s/^(\s*)#\s*(\Q$l\E)$/$1$2/ }
	'"'"' "$GLHOME/.gitolite.rc" &&
	perl -ne '"'"'
		BEGIN { open my $f, "<", "rc.lines" or die; chomp(@l = <$f>) }
		for my $l (@l) { $n++ if /^\s*\Q$l\E$/ }
		END { exit($n == 2 && @l == 2 ? 0 : 1) }
	'"'"' "$GLHOME/.gitolite.rc" &&
	# gitolite stops until the hook directory exists, as documented
	test_must_fail env HOME="$GLHOME" gitolite setup >setup.out 2>&1 &&
	grep "FATAL: repo-specific-hooks: .* does not exist or is not a directory" setup.out &&
	doc_sh gitolite-hook-dir &&
	HOME=$GLHOME gitolite setup >setup.out 2>&1 &&
	{
		printf "repo project\n    -   locked = @all\n    RW+ = @all\n\n" &&
		doc_block gitolite-conf-hook |
		sed "s/^repo project\$/repo project2/"
	} | gl_conf &&
	test -d "$GLHOME/repositories/project2.git" &&
	# init stops at the driver; --force on the new, empty repository
	test_must_fail git acl init --owner-key "$SSHD_DIR/alice.asc" \
		"$GLHOME/repositories/project2.git" 2>init.err &&
	grep "exists: use --force to replace it" init.err &&
	git acl init --force --owner-key "$SSHD_DIR/alice.asc" \
		"$GLHOME/repositories/project2.git" >init.out 2>&1 &&
	# the next gitolite setup puts its driver back
	HOME=$GLHOME gitolite setup >setup.out 2>&1 &&
	for f in pre-receive pre-receive.h00-gitapps update
	do
		echo "$f -> $(readlink "$GLHOME/repositories/project2.git/hooks/$f")" ||
		return 1
	done | sed "s|$SHARNESS_TRASH_DIRECTORY/|$GITAPPS_SHORT/|g" >links.actual &&
	doc_block gitolite-hook-links | sed "s|/var/lib/gitolite3|$GLHOME|g" >links.expect &&
	test_cmp links.expect links.actual
'

test_expect_success '... our hook runs through gitolite'"'"'s driver' '
	test_when_finished stop_gpg_agent &&
	scenario_first_commit alice2 \
		"ssh://$SSH_USER@git.example.org/project2" "$OWNER" &&
	(
		cd alice2 &&
		push_ok "$OWNER" origin HEAD:refs/heads/main &&
		git commit -q --allow-empty -m unsigned &&
		test_must_fail git push origin HEAD:refs/heads/main 2>../push.err
	) &&
	grep "^remote: error: unsigned push: " push.err &&
	ref_is "$GLHOME/repositories/project2.git" refs/heads/main \
		$(git -C alice2 rev-parse HEAD^)
'

test_expect_success '... and a dangling hook link lets every push through (as documented)' '
	link="$GLHOME/local/hooks/repo-specific/gitapps" &&
	test_when_finished "ln -sfn \"$GITAPPS_BUILD/libexec/gitapps/pre-receive\" \"$link\"" &&
	ln -sfn "$GLHOME/nowhere" "$link" &&
	(cd alice2 && git push -q origin HEAD:refs/heads/main 2>../push.err) &&
	ref_is "$GLHOME/repositories/project2.git" refs/heads/main \
		$(git -C alice2 rev-parse HEAD)
'

test_done
