#!/bin/sh

test_description='git acl: usage, help and exit codes'

. "$(dirname "$0")/lib.sh"

test_expect_success 'git acl without a command prints usage and exits 129' '
	test_expect_code 129 git-acl 2>err &&
	grep "^usage: git acl <command>" err
'

test_expect_success 'git acl --help lists the commands on stdout' '
	git-acl --help >out &&
	grep "^usage: git acl" out &&
	grep "lint" out
'

test_expect_success 'git acl -h exits 129 like git' '
	test_expect_code 129 git-acl -h >out &&
	grep "^usage: git acl" out
'

test_expect_success 'an unknown command is named and exits 129' '
	test_expect_code 129 git-acl frobnicate 2>err &&
	grep "'\''frobnicate'\'' is not a git acl command" err
'

test_expect_success 'git runs git-acl from PATH as "git acl"' '
	test_expect_code 129 git acl lint -h >out &&
	grep "^usage: git acl lint" out
'

test_expect_success 'lint --help prints usage and exits 0' '
	git acl lint --help >out &&
	grep "^usage: git acl lint \[<commit-ish>\]" out
'

test_expect_success 'lint rejects an unknown option with 129' '
	test_expect_code 129 git acl lint --frob 2>err &&
	grep "unknown option '\''--frob'\''" err
'

test_expect_success 'lint rejects two commit-ishes with 129' '
	test_expect_code 129 git acl lint a b 2>err &&
	grep "^usage: git acl lint" err
'

test_expect_success 'lint outside a repository is fatal (128)' '
	test_expect_code 128 git-acl lint 2>err &&
	grep "^fatal: not a git repository" err
'

test_done
