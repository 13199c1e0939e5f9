#!/bin/sh

test_description='git mr fetch mirrors the server, and says what it replaced

The local refs/apps/ refs follow the server, forced (the owner may rewrite
the policy or the data branch); a policy commit made locally and not
pushed yet is named in a warning, never silently lost.'

. "$(dirname "$0")/lib.sh"
. "$SRC/tests/lib-hook.sh"
. "$SRC/tests/lib-mr.sh"

test_expect_success 'setup' '
	test_when_finished stop_gpg_agent &&
	mr_setup
'

test_expect_success 'an unpushed policy commit is named when a fetch replaces it' '
	(
		cd bob &&
		local=$(mr_edit refs/apps/access-control "a local change" \
			100644 refs/local.conf "# not pushed") &&
		git update-ref refs/apps/access-control "$local" &&
		git mr fetch 2>../err &&
		git cat-file -e "$local" &&
		test "$(git rev-parse refs/apps/access-control)" = \
			"$(server_rev refs/apps/access-control)" &&
		grep "warning: your local refs/apps/access-control was at $local" ../err &&
		grep "git push --signed origin $local:refs/apps/access-control" ../err
	)
'

test_expect_success 'a fetch that only moves the policy forward says nothing' '
	(
		cd bob &&
		git mr fetch 2>../err &&
		! grep warning ../err
	)
'

test_expect_success 'after the owner rewrites the data branch, clients follow it' '
	test_when_finished stop_gpg_agent &&
	topic bob feature f.txt one &&
	(cd bob && git mr create -m "Spam" >/dev/null) &&
	(
		cd owner &&
		git mr fetch >/dev/null 2>&1 &&
		push_ok "$OWNER" --force origin "$DATA~1:$DATA"
	) &&
	(
		cd bob &&
		git mr fetch 2>../err &&
		test "$(git rev-parse $DATA)" = "$(server_rev $DATA)" &&
		git mr list --state all >../list &&
		! grep Spam ../list
	)
'

test_expect_success 'git mr fetch -q and --quiet print nothing on success' '
	(
		cd alice &&
		git update-ref -d $DATA &&
		git mr fetch -q >../out 2>../err &&
		test_must_be_empty ../out &&
		test_must_be_empty ../err &&
		test "$(git rev-parse $DATA)" = "$(server_rev $DATA)" &&
		git update-ref -d $DATA &&
		git mr fetch --quiet >../out 2>../err &&
		test_must_be_empty ../out &&
		test_must_be_empty ../err &&
		test "$(git rev-parse $DATA)" = "$(server_rev $DATA)"
	)
'

test_expect_success 'without -q, git mr fetch reports what it fetched' '
	(
		cd alice &&
		git update-ref -d $DATA &&
		git mr fetch >../out 2>../err &&
		grep "$DATA" ../err
	)
'

test_done
