# lib-ci.sh: the CI bot's tests: a sandbox probe, Bob's requests, the
# bot's results (sourced after lib.sh, lib-hook.sh and lib-mr.sh)

# SANDBOX where bubblewrap can make the bot's sandbox: it cannot inside a
# chroot or most containers, where the bot then runs with the explicit
# risk (NO_SANDBOX) so that the tests of results still run.
if bwrap --unshare-all --unshare-user --uid 65534 --gid 65534 \
	--cap-drop ALL --ro-bind /usr /usr --symlink usr/bin /bin \
	--symlink usr/lib /lib --symlink usr/lib64 /lib64 -- /bin/true \
	>/dev/null 2>&1
then
	test_set_prereq SANDBOX
	NO_SANDBOX=
else
	say "bubblewrap cannot make a sandbox here: SANDBOX tests skipped"
	NO_SANDBOX=--accept-no-sandbox
fi

ATTEST=refs/apps/attestations

# ci_run <clone> <args>...: the bot's --once run, sandboxed where it can
# be.
ci_run () {
	(
		cd "$1" &&
		shift &&
		git mr ci --once $NO_SANDBOX "$@"
	)
}

# propose <branch> <test.sh body> <title>: Bob's request of a commit whose
# test.sh is that body.
propose () {
	topic bob "$1" test.sh "$2" &&
	(cd bob && git mr create -m "$3" >/dev/null)
}

# result <n> <k>: the bot's result for Bob's request n, revision k.
result () {
	on_server "merge-reqs/$BOB/$1/comments/$CI/$2"
}

# ci_attest_policy: the owner lets the ci group write ci-pass under its
# own id on refs/apps/attestations, which a pass pushes with its result.
# (Until the hook knows that ref (SPEC 11) it is an app ref like others.)
ci_attest_policy () {
	(
		cd owner &&
		git mr fetch >/dev/null 2>&1 &&
		cap_policy=$(mr_edit refs/apps/access-control \
			"ci attests ci-pass" \
			100644 refs/attestations.conf \
			"ci create-branch,fast-forward apps/attestations" \
			100644 branches/attestations.conf "[apps/attestations]
ci create-directory [0-9a-f]{2}(/[0-9a-f]{2}(/[0-9a-f]{36}(/ci-pass)?)?)?
ci create-file [0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{36}/ci-pass/\${user_id}") &&
		push_ok "$OWNER" origin "$cap_policy:refs/apps/access-control"
	)
}
