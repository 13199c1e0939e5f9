#!/bin/sh

test_description='git acl ban and unban: banned/<ID> on the local policy ref'

. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: a server and a client with its policy ref' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(make_key "Owner <owner@example.com>") &&
	BOB=$(make_key "Bob <bob@example.com>") &&
	echo "$OWNER" >owner.id && echo "$BOB" >bob.id &&
	setup_server server.git "$OWNER" &&
	git init -q client &&
	git -C client config user.name Owner &&
	git -C client config user.email owner@example.com &&
	git -C client config gitapps.owner "$OWNER" &&
	git -C client fetch -q ../server.git \
		refs/apps/access-control:refs/apps/access-control
'

test_expect_success 'ban commits banned/<ID> with the reason, and nothing else' '
	BOB=$(cat bob.id) &&
	before=$(git -C client rev-parse refs/apps/access-control) &&
	(cd client && git acl ban "$BOB" -m "spam, see #12" >../out) &&
	printf "added banned/%s in refs/apps/access-control\npush it with: %s\n" \
		"$BOB" "git push --signed <remote> refs/apps/access-control" >expect &&
	test_cmp expect out &&
	git -C client diff-tree -r --name-status $before \
		refs/apps/access-control >changes &&
	printf "A\tbanned/%s\n" "$BOB" >expect &&
	test_cmp expect changes &&
	git -C client ls-tree refs/apps/access-control banned/$BOB >entry &&
	grep "^100644 blob " entry &&
	git -C client show refs/apps/access-control:banned/$BOB >reason &&
	echo "spam, see #12" >expect &&
	test_cmp expect reason &&
	git -C client log -1 --format=%s refs/apps/access-control >subject &&
	echo "Ban $BOB" >expect &&
	test_cmp expect subject
'

test_expect_success 'a ban that exists is refused' '
	BOB=$(cat bob.id) &&
	before=$(git -C client rev-parse refs/apps/access-control) &&
	(cd client && test_expect_code 128 git acl ban "$BOB" 2>../err) &&
	grep "fatal: $BOB is banned already (banned/$BOB)" err &&
	ref_is client refs/apps/access-control $before
'

test_expect_success 'keys add refuses a banned id' '
	BOB=$(cat bob.id) &&
	before=$(git -C client rev-parse refs/apps/access-control) &&
	(cd client && test_expect_code 128 git acl keys add "$BOB" 2>../err) &&
	grep "fatal: $BOB is banned in refs/apps/access-control" err &&
	ref_is client refs/apps/access-control $before
'

test_expect_success 'unban removes banned/<ID>, and banned/ with its last ban' '
	BOB=$(cat bob.id) &&
	before=$(git -C client rev-parse refs/apps/access-control) &&
	(cd client && git acl unban "$BOB" >../out) &&
	grep "^removed banned/$BOB in refs/apps/access-control\$" out &&
	git -C client diff-tree -r --name-status $before \
		refs/apps/access-control >changes &&
	printf "D\tbanned/%s\n" "$BOB" >expect &&
	test_cmp expect changes &&
	test_must_fail git -C client rev-parse -q --verify \
		refs/apps/access-control:banned &&
	test "$(git -C client rev-parse refs/apps/access-control~2^{tree})" = \
		"$(git -C client rev-parse refs/apps/access-control^{tree})"
'

test_expect_success 'unban of an id that is not banned is refused' '
	BOB=$(cat bob.id) &&
	before=$(git -C client rev-parse refs/apps/access-control) &&
	(cd client && test_expect_code 128 git acl unban "$BOB" 2>../err) &&
	grep "fatal: $BOB is not banned (no banned/$BOB in refs/apps/access-control)" err &&
	ref_is client refs/apps/access-control $before
'

test_expect_success 'ban takes a lower-case id as upper case, default reason' '
	lower=$(cat bob.id | tr A-F a-f) && BOB=$(cat bob.id) &&
	(cd client && git acl ban "$lower" >../out) &&
	grep "^added banned/$BOB in" out &&
	git -C client show refs/apps/access-control:banned/$BOB >reason &&
	echo banned >expect &&
	test_cmp expect reason &&
	(cd client && git acl unban "$lower" >/dev/null)
'

test_expect_success 'an owner is never banned' '
	OWNER=$(cat owner.id) &&
	before=$(git -C client rev-parse refs/apps/access-control) &&
	(cd client && test_expect_code 128 git acl ban "$OWNER" 2>../err) &&
	grep "fatal: $OWNER is an owner (gitapps.owner): owners cannot be banned" err &&
	ref_is client refs/apps/access-control $before
'

test_expect_success 'an id that is not 40 hex digits is a usage error' '
	before=$(git -C client rev-parse refs/apps/access-control) &&
	for bad in 0123 "$(cat bob.id)0" "0x$(cat bob.id | cut -c3-)" \
		"$(cat bob.id | cut -c2-)G"
	do
		(cd client && test_expect_code 129 git acl ban "$bad" 2>../err) &&
		grep "error: '\''$bad'\'' is not a user id (40 hex digits)" err ||
		return 1
	done &&
	(cd client && test_expect_code 129 git acl unban 2>../err) &&
	grep "^usage: git acl unban <ID>" err &&
	ref_is client refs/apps/access-control $before
'

test_expect_success 'a reason with a control character is refused' '
	BOB=$(cat bob.id) &&
	before=$(git -C client rev-parse refs/apps/access-control) &&
	(cd client &&
		test_expect_code 128 git acl ban -m "$(printf "a\033[31mb")" "$BOB" 2>../err) &&
	grep "fatal: the reason has a control character" err &&
	ref_is client refs/apps/access-control $before
'

test_expect_success 'ban without a local policy ref says how to get it' '
	git init -q empty &&
	(cd empty && test_expect_code 128 git acl ban "$(cat ../bob.id)" 2>../err) &&
	grep "fetch it first" err
'

test_expect_success 'ban -h and --help' '
	test_expect_code 129 git acl ban -h >out &&
	grep "^usage: git acl ban <ID> \[-m <reason>\]" out &&
	git acl unban --help >out &&
	grep "^usage: git acl unban <ID>" out
'

test_expect_success 'the owner pushes the ban' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(cat owner.id) BOB=$(cat bob.id) &&
	(cd client && git acl ban "$BOB" >/dev/null &&
		push_ok "$OWNER" ../server.git refs/apps/access-control) &&
	git -C server.git cat-file -e refs/apps/access-control:banned/$BOB
'

test_done
