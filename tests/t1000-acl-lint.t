#!/bin/sh

test_description='git acl lint: every policy problem reported with its file and line'

. "$(dirname "$0")/lib.sh"

ALICE=0123456789ABCDEF0123456789ABCDEF01234567
BOB=89ABCDEF0123456789ABCDEF0123456789ABCDEF

# lint_files <name>: commit the default policy plus the files under
# policies/<name>/ (later files win) as a fresh policy ref and lint it
# into out; the exit code is lint's.
lint_files () {
	git update-ref -d refs/apps/access-control 2>/dev/null
	commit_policy refs/apps/access-control "$DEFAULT_POLICY" \
		"../policies/$1" >/dev/null &&
	git acl lint >out
}

test_expect_success 'setup' '
	git init -q --bare repo.git &&
	mkdir policies
'

test_expect_success 'the default policy lints clean: no output, exit 0' '
	(
		cd repo.git &&
		commit_policy refs/apps/access-control "$DEFAULT_POLICY" &&
		git acl lint >../out
	) &&
	test_must_be_empty out
'

test_expect_success 'the merge-request policy only warns that ci is empty' '
	(
		cd repo.git &&
		commit_policy refs/apps/access-control "$DEFAULT_POLICY" \
			"$MR_POLICY" &&
		git ls-tree -r --name-only refs/apps/access-control >../files &&
		git acl lint >../out
	) &&
	grep "^refs/owner.conf\$" files &&
	grep "^branches/merge-reqs.conf\$" files &&
	echo "groups/merge-reqs.conf:7: warning: group '\''ci'\'' has no members" >expect &&
	test_cmp expect out
'

test_expect_success 'the post verbatim refs/owner.conf is an error on line 1' '
	mkdir -p policies/post/refs &&
	echo "owner create-branch,create-tag,fast-foward,force,delete ^.*\$" \
		>policies/post/refs/owner.conf &&
	(
		cd repo.git &&
		test_expect_code 1 lint_files post
	) &&
	echo "refs/owner.conf:1: unknown op '\''fast-foward'\''" >expect &&
	test_cmp expect repo.git/out
'

# check_error <name> <file> <content> <expected line>
check_error () {
	mkdir -p "policies/$1/$(dirname "$2")" &&
	printf "$3" >"policies/$1/$2" &&
	(
		cd repo.git &&
		test_expect_code 1 lint_files "$1"
	) &&
	echo "$4" >expect &&
	test_cmp expect repo.git/out
}

test_expect_success 'unknown op' '
	check_error unknown-op branches/a.conf \
		"# comment\n\nowner create-file,modfy .*\n" \
		"branches/a.conf:3: unknown op '\''modfy'\''"
'

test_expect_success 'a tree op in refs/ is an error' '
	check_error tree-op-in-refs refs/a.conf "owner create-file .*\n" \
		"refs/a.conf:1: '\''create-file'\'' is a tree op, not allowed in refs/"
'

test_expect_success 'a ref op in branches/ is an error' '
	check_error ref-op-in-branches branches/a.conf "owner force .*\n" \
		"branches/a.conf:1: '\''force'\'' is a ref op, not allowed in branches/"
'

test_expect_success 'too few fields' '
	check_error few-fields branches/a.conf "owner\tmodify\n" \
		"branches/a.conf:1: rule needs three fields: WHO OPS REGEX"
'

test_expect_success 'unknown group' '
	check_error unknown-group branches/a.conf "devs modify .*\n" \
		"branches/a.conf:1: unknown group '\''devs'\''"
'

test_expect_success 'a user id that is not 40 upper-case hex digits' '
	check_error bad-id refs/a.conf \
		"0123456789abcdef0123456789abcdef01234567 force .*\n" \
		"refs/a.conf:1: invalid user id '\''0123456789abcdef0123456789abcdef01234567'\'': user ids are 40 upper-case hex digits"
'

test_expect_success 'a short id in a group is an error' '
	check_error short-id groups/g.conf "[devs]\nmember = 0123456789ABCDEF\n" \
		"groups/g.conf:2: invalid member '\''0123456789ABCDEF'\'': expected a user id (40 upper-case hex digits) or @group"
'

test_expect_success 'a bad regex names its line' '
	check_error bad-regex branches/a.conf "\n\nowner modify docs/(\n" \
		"branches/a.conf:3: bad regex: missing closing parenthesis at offset 6 in '\''docs/('\''"
'

test_expect_success '(*UTF) in a pattern is an error' '
	check_error utf branches/a.conf "owner modify (*UTF).*\n" \
		"branches/a.conf:1: bad regex: using UTF is disabled by the application at offset 6 in '\''(*UTF).*'\''"
'

test_expect_success 'a NUL byte is an error' '
	check_error nul branches/a.conf "owner modify a\0b\n" \
		"branches/a.conf:1: NUL byte in line"
'

test_expect_success 'a CR byte is an error' '
	check_error cr refs/a.conf "owner force .*\r\n" \
		"refs/a.conf:1: CR byte in line"
'

test_expect_success 'a line over 4096 bytes is an error' '
	long=$(printf "%04097d" 0) &&
	check_error long-line branches/a.conf "owner modify .*\n$long\n" \
		"branches/a.conf:2: line longer than 4096 bytes"
'

test_expect_success 'a section in refs/ is an error' '
	check_error section-in-refs refs/a.conf "[heads/.*]\n" \
		"refs/a.conf:1: sections are not allowed in refs/"
'

test_expect_success 'a section line must end with ]' '
	check_error open-section branches/a.conf "[heads/.*\n" \
		"branches/a.conf:1: section line must end with '\'']'\''"
'

test_expect_success 'a group defined twice, in two files' '
	mkdir -p policies/twice/groups &&
	printf "[devs]\nmember = $ALICE\n" >policies/twice/groups/a.conf &&
	printf "# more\n[devs]\n" >policies/twice/groups/b.conf &&
	(
		cd repo.git &&
		test_expect_code 1 lint_files twice
	) &&
	cat >expect <<-EOF &&
	groups/a.conf:2: warning: user id $ALICE has no key in keys/, so it can never push
	groups/b.conf:2: group '\''devs'\'' already defined at groups/a.conf:1
	EOF
	test_cmp expect repo.git/out
'

test_expect_success 'a group cycle' '
	check_error cycle groups/g.conf "[a]\nmember = @b\n[b]\nmember = @a\n" \
		"groups/g.conf:4: group cycle: '\''b'\'' contains '\''@a'\'', which contains '\''b'\''"
'

test_expect_success 'an unknown nested group' '
	check_error unknown-nested groups/g.conf "[a]\nmember = @nobody\n" \
		"groups/g.conf:2: unknown group '\''@nobody'\''"
'

test_expect_success '@anyone cannot be a member' '
	check_error at-anyone groups/g.conf "[a]\nmember = @anyone\n" \
		"groups/g.conf:2: '\''@anyone'\'' cannot be a member of a group"
'

test_expect_success 'a key other than member' '
	check_error other-key groups/g.conf "[a]\nmembers = $ALICE\n" \
		"groups/g.conf:2: unknown key '\''members'\'' (expected '\''member'\'')"
'

test_expect_success 'a long comment cannot smuggle a member past inih' '
	pad=$(printf "%0190d" 0) &&
	check_error smuggle groups/g.conf \
		"[devs]\nmember = $BOB\n# $pad member = $ALICE\n" \
		"groups/g.conf:3: line longer than 198 bytes"
'

test_expect_success 'an indented continuation line is an error' '
	check_error indent groups/g.conf "[devs]\nmember = $BOB\n  $ALICE\n" \
		"groups/g.conf:3: indented line (inih would join it to the previous value)"
'

test_expect_success 'every error of a file is reported, in line order' '
	mkdir -p policies/many/branches &&
	printf "owner modfy .*\nowner\n[x\nnobody modify .*\n" \
		>policies/many/branches/a.conf &&
	(
		cd repo.git &&
		test_expect_code 1 lint_files many
	) &&
	cat >expect <<-\EOF &&
	branches/a.conf:1: unknown op '\''modfy'\''
	branches/a.conf:2: rule needs three fields: WHO OPS REGEX
	branches/a.conf:3: section line must end with '\'']'\''
	branches/a.conf:4: unknown group '\''nobody'\''
	EOF
	test_cmp expect repo.git/out
'

test_expect_success 'require lines: every error of a line, in refs/ only' '
	mkdir -p policies/require/refs policies/require/branches \
		policies/require/groups &&
	printf "[reviewers]\nmember = @owner\n" >policies/require/groups/g.conf &&
	cat >policies/require/refs/r.conf <<-\EOF &&
	reviewers require 2:approved heads/main
	anyone require 0:approved,1:ci-pass!me heads/.*
	reviewers require 1:approved heads/u/${user_id}
	reviewers require 1:approved apps/.*
	devs require 1:approved heads/main
	EOF
	echo "reviewers require 1:approved heads/main" \
		>policies/require/branches/r.conf &&
	(
		cd repo.git &&
		test_expect_code 1 lint_files require
	) &&
	cat >expect <<-\EOF &&
	branches/r.conf:1: require lines belong in refs/*.conf
	refs/r.conf:2: require needs a group of groups/*.conf, not '\''anyone'\''
	refs/r.conf:2: invalid count '\''0'\'' in '\''0:approved'\'': N runs from 1 to 999
	refs/r.conf:2: unknown suffix '\''!me'\'' in '\''1:ci-pass!me'\'': only !self may follow a kind
	refs/r.conf:3: $user_id in require pattern '\''heads/u/${user_id}'\'': a requirement is the same for every pusher
	refs/r.conf:4: require pattern '\''apps/.*'\'' matches apps/access-control: requirements never gate refs/apps/access-control, refs/apps/attestations or refs/apps/audit
	refs/r.conf:5: unknown group '\''devs'\''
	EOF
	test_cmp expect repo.git/out
'

test_expect_success 'require lines: a protected ref the owner may force or delete' '
	mkdir -p policies/protect/refs policies/protect/groups &&
	printf "[reviewers]\nmember = @owner\n" >policies/protect/groups/g.conf &&
	echo "reviewers require 1:approved!self heads/main" \
		>policies/protect/refs/r.conf &&
	(
		cd repo.git &&
		lint_files protect
	) &&
	cat >expect <<-\EOF &&
	refs/r.conf:1: warning: heads/main is protected by require but owner may force it (refs/owner.conf:2): a rollback to an old attested commit needs no new attestation
	refs/r.conf:1: warning: heads/main is protected by require but owner may delete it (refs/owner.conf:2): a rollback to an old attested commit needs no new attestation
	EOF
	test_cmp expect repo.git/out
'

test_expect_success 'require lines: a kind that no rule lets anyone write' '
	mkdir -p policies/kinds/refs policies/kinds/branches policies/kinds/groups &&
	printf "[reviewers]\nmember = @owner\n" >policies/kinds/groups/g.conf &&
	echo "reviewers require 1:approved,1:sign-off heads/main" \
		>policies/kinds/refs/r.conf &&
	cat >policies/kinds/branches/owner.conf <<-\EOF &&
	owner create-directory,create-file,create-symlink,create-gitlink,modify,delete .*
	[apps/attestations]
	reviewers create-directory,create-file .*/approved/.*
	EOF
	(
		cd repo.git &&
		lint_files kinds
	) &&
	grep -v "may force it\|may delete it" repo.git/out >actual &&
	cat >expect <<-\EOF &&
	refs/r.conf:1: warning: required kind '\''sign-off'\'': no rule lets anyone write it (create-file of <aa>/<bb>/<rest>/sign-off/<user-id> on refs/apps/attestations)
	EOF
	test_cmp expect actual
'

test_expect_success 'warnings do not change the exit code' '
	mkdir -p policies/warn/refs policies/warn/branches policies/warn/groups &&
	printf "[empty]\n" >policies/warn/groups/g.conf &&
	cat >policies/warn/refs/w.conf <<-EOF &&
	$ALICE create-branch refs/heads/.*
	$ALICE create-branch heads/x
	$ALICE create-branch heads/x
	EOF
	cat >policies/warn/branches/w.conf <<-\EOF &&
	[^refs/heads/main]
	anyone modify [$user_id]
	anyone modify \Q$user_id\E
	anyone modify $user_id+
	anyone modify $user_idx
	anyone modify ${user_id}x
	EOF
	(
		cd repo.git &&
		lint_files warn
	) &&
	cat >expect <<-EOF &&
	branches/w.conf:1: warning: pattern '\''^refs/heads/main'\'' starts with '\''refs/'\'', but ref names are matched without it
	branches/w.conf:2: warning: \$user_id inside a character class matches single characters, not the id
	branches/w.conf:3: warning: \$user_id inside \\\\Q...\\\\E is not expanded as a literal id
	branches/w.conf:4: warning: \$user_id followed by a quantifier repeats only its last character
	branches/w.conf:5: warning: \$user_id followed by a letter or digit (write \${user_id})
	groups/g.conf:1: warning: group '\''empty'\'' has no members
	refs/w.conf:1: warning: user id $ALICE has no key in keys/, so it can never push
	refs/w.conf:1: warning: pattern '\''refs/heads/.*'\'' starts with '\''refs/'\'', but ref names are matched without it
	refs/w.conf:2: warning: user id $ALICE has no key in keys/, so it can never push
	refs/w.conf:3: warning: user id $ALICE has no key in keys/, so it can never push
	refs/w.conf:3: warning: rule is shadowed by the identical rule at refs/w.conf:2
	EOF
	test_cmp expect repo.git/out
'

test_expect_success 'a symlink, a gitlink, an executable and a nested directory are errors' '
	(
		cd repo.git &&
		git update-ref -d refs/apps/access-control &&
		tree=$(commit_tree "$DEFAULT_POLICY") &&
		blob=$(echo "owner force .*" | git hash-object -w --stdin) &&
		sub=$(git mktree </dev/null) &&
		tree=$(tree_with $tree 120000 refs/link.conf $blob) &&
		tree=$(tree_with $tree 160000 branches/sub $(git commit-tree -m x $sub)) &&
		tree=$(tree_with $tree 100755 groups/x.conf $blob) &&
		tree=$(tree_with $tree 100644 refs/nested/a.conf $blob) &&
		tree=$(tree_with $tree 100644 other/a.conf $blob) &&
		tree=$(tree_with $tree 100644 README $blob) &&
		git update-ref refs/apps/access-control $(git commit-tree -m x $tree) &&
		test_expect_code 1 git acl lint >../out
	) &&
	cat >expect <<-\EOF &&
	branches/sub: must be a regular file, not a gitlink
	groups/x.conf: must be a regular file, not an executable file
	other: must be a regular file, not a directory
	refs/link.conf: must be a regular file, not a symlink
	refs/nested: must be a regular file, not a directory
	EOF
	test_cmp expect out
'

test_expect_success 'refs/ as a file, and a file with an unexpected name' '
	(
		cd repo.git &&
		git update-ref -d refs/apps/access-control &&
		blob=$(echo "owner force .*" | git hash-object -w --stdin) &&
		tree=$(tree_with $(git mktree </dev/null) 100644 refs $blob) &&
		tree=$(tree_with $tree 100644 branches/a.txt $blob) &&
		tree=$(tree_with $tree 100644 keys/alice.asc $blob) &&
		git update-ref refs/apps/access-control $(git commit-tree -m x $tree) &&
		test_expect_code 1 git acl lint >../out
	) &&
	cat >expect <<-\EOF &&
	branches/a.txt: unexpected file (rule files are refs/*.conf, branches/*.conf and groups/*.conf)
	keys/alice.asc: key files are named keys/<aa>/<ID>.asc, <ID> the key'\''s 40 upper-case hex fingerprint and <aa> its first two digits
	refs: must be a directory, not a file
	EOF
	test_cmp expect out
'

test_expect_success 'lint reads the object store, never a checkout' '
	git init -q work &&
	(
		cd work &&
		mkdir -p refs && echo "owner modfy .*" >refs/bad.conf &&
		commit_policy refs/apps/access-control "$DEFAULT_POLICY" &&
		git acl lint >../out
	) &&
	test_must_be_empty out
'

test_expect_success 'lint takes any commit-ish, and a tag of one' '
	(
		cd repo.git &&
		git update-ref -d refs/apps/access-control &&
		good=$(commit_policy refs/apps/access-control "$DEFAULT_POLICY") &&
		bad=$(commit_policy refs/apps/access-control "$DEFAULT_POLICY" ../policies/post) &&
		git tag -m good good-policy $good &&
		test_expect_code 1 git acl lint >out1 &&
		git acl lint refs/apps/access-control~1 >out2 &&
		git acl lint good-policy >out3 &&
		git acl lint $good >out4 &&
		test_expect_code 1 git acl lint $bad >out5
	) &&
	test -s repo.git/out1 &&
	test_must_be_empty repo.git/out2 &&
	test_must_be_empty repo.git/out3 &&
	test_must_be_empty repo.git/out4 &&
	test_cmp repo.git/out1 repo.git/out5
'

test_expect_success 'a missing policy ref or a non-commit is fatal (128)' '
	(
		cd repo.git &&
		test_expect_code 128 git acl lint refs/apps/nothing 2>../err1 &&
		tree=$(git mktree </dev/null) &&
		test_expect_code 128 git acl lint $tree 2>../err2
	) &&
	echo "fatal: '\''refs/apps/nothing'\'' not found" >expect &&
	test_cmp expect err1 &&
	grep "^fatal: .* is not a commit" err2
'

test_expect_success 'control characters in names and messages are escaped' '
	check_error escape branches/a.conf "owner modify\033[31m .*\n" \
		"branches/a.conf:1: unknown op '\''modify\\\\033[31m'\''"
'

test_done
