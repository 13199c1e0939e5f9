#!/bin/sh

test_description='pre-receive: the commits of a large push judged by several processes

gitapps.workers lets up to 8 processes judge the commits of one ref
update, each a run of at least 1024 consecutive commits.  Whatever the
number, the verdict must be the same to the byte: the same denials in the
same order, the same "and N or more", the same error where a commit cannot
be judged, the same count against gitapps.maxTreeEntries.  Each check is
made with 1, 2, 3 and 4 processes and the outputs compared; --stats shows
that the work really was shared.'

. "$(dirname "$0")/lib.sh"
. "$SRC/tests/lib-hook.sh"

# acl_check <args>...: git acl check run in the server repository, with
# the client's objects visible to it, as if pushed.
acl_check () {
	GIT_ALTERNATE_OBJECT_DIRECTORIES="$SHARNESS_TRASH_DIRECTORY/client/.git/objects" \
		git -C "$SHARNESS_TRASH_DIRECTORY/server.git" acl check "$@"
}

# history <branch> <commits> <bad> <broken> [<gone> [<every> <side-bad>]]:
# fast-import <commits> commits on top of main into refs/heads/<branch>, a
# minute apart.  Commit k (1 is the oldest) changes ok/f<k mod 97>; a k
# listed in <bad> also adds bad/<k>, which Alice may not; a k listed in
# <broken> adds ok/.git/config, which no tree may hold, and commit k + 1
# removes it; a k listed in <gone> removes bad/.  With <every>, each
# commit k that <every> divides is a merge of a side commit on k - 1 that
# changes ok/side/f<k mod 13>, and adds bad/side<k> when k is listed in
# <side-bad> (the merge leaves that file out).
history () {
	awk -v ref="refs/heads/$1" -v n="$2" -v bad=" $3 " -v broken=" $4 " \
		-v gone=" $5 " -v every="${6:-0}" -v sidebad=" $7 " \
		-v from="$(git rev-parse main)" '
	BEGIN {
		for (k = 1; k <= n; k++) {
			side = every > 0 && k > 1 && k % every == 0
			if (side) {
				printf "commit refs/side/%s\n", ref
				printf "mark :%d\n", 1000000 + k
				printf "committer C <c@example.com> %d +0000\n", \
					1764100000 + 60 * k - 30
				printf "data <<E\ns%d\nE\n", k
				printf "from :%d\n", k - 1
				printf "M 100644 inline ok/side/f%d\ndata <<E\n%d\nE\n", \
					k % 13, k
				if (index(sidebad, " " k " "))
					printf "M 100644 inline bad/side%d\ndata <<E\nx\nE\n", k
				printf "\n"
			}
			printf "commit %s\n", ref
			printf "mark :%d\n", k
			printf "committer C <c@example.com> %d +0000\n", \
				1764100000 + 60 * k
			printf "data <<E\nc%d\nE\n", k
			if (k == 1)
				printf "from %s\n", from
			if (side) {
				printf "merge :%d\n", 1000000 + k
				printf "M 100644 inline ok/side/f%d\ndata <<E\n%d\nE\n", \
					k % 13, k
			}
			printf "M 100644 inline ok/f%d\ndata <<E\n%d\nE\n", \
				k % 97, k
			if (index(bad, " " k " "))
				printf "M 100644 inline bad/%d\ndata <<E\nx\nE\n", k
			if (index(broken, " " k " "))
				printf "M 100644 inline ok/.git/config\ndata <<E\nx\nE\n"
			if (index(broken, " " (k - 1) " "))
				printf "D ok/.git/config\n"
			if (index(gone, " " k " "))
				printf "D bad\n"
			printf "\n"
		}
	}' | git fast-import --quiet
}

# check_all <name> <branch> [<config>...]: git acl check of main..<branch>
# by Alice with 1, 2, 3 and 4 workers (and the given gitapps settings);
# every output and exit code must be the serial one, which is left in
# <name>.1 and <name>.code; the stats of each in <name>.stats.<workers>.
check_all () {
	ca_name=$1 &&
	ca_branch=$2 &&
	shift 2 &&
	for ca_w in 1 2 3 4
	do
		git -C server.git config gitapps.workers $ca_w &&
		for ca_kv in "$@"
		do
			git -C server.git config ${ca_kv%%=*} ${ca_kv#*=} ||
			return 1
		done &&
		{
			acl_check --stats --as $ALICE \
				$(git -C client rev-parse main $ca_branch) \
				refs/heads/main >$ca_name.$ca_w \
				2>$ca_name.stats.$ca_w
			echo $? >$ca_name.code.$ca_w
		} &&
		test_cmp $ca_name.1 $ca_name.$ca_w &&
		test_cmp $ca_name.code.1 $ca_name.code.$ca_w || return 1
	done &&
	cp $ca_name.code.1 $ca_name.code &&
	for ca_kv in "$@"
	do
		git -C server.git config --unset ${ca_kv%%=*} || return 1
	done
}

# processes <name> <workers>: the processes --stats reported.
processes () {
	sed -n "s/.* processes \([0-9]*\)$/\1/p" $1.stats.$2
}

# entries <name> <workers>: the tree entries --stats reported.
entries () {
	sed -n "s/.* tree-entries \([0-9]*\) .*/\1/p" $1.stats.$2
}

test_expect_success 'setup: an owner and Alice; main with ok/; Alice may change ok/ only' '
	test_when_finished stop_gpg_agent &&
	OWNER=$(make_key "Owner <owner@example.com>") &&
	ALICE=$(make_key "Alice <alice@example.com>") &&
	setup_server server.git "$OWNER" &&
	# these tests compare verdicts: a loaded machine (the suite runs
	# scripts in parallel, under ASan too) must not turn one into a
	# timeout of the 4,200-commit pushes
	git -C server.git config gitapps.timeout 600 &&
	base_policy $OWNER $ALICE &&
	rules refs/t.conf <<-\EOF &&
	anyone fast-forward heads/main
	EOF
	cat >rules/branches/t.conf <<-EOF &&
	$ALICE create-file,modify,delete-file ok/.*
	EOF
	set_policy &&
	git clone -q server.git client 2>/dev/null &&
	(
		cd client &&
		mkdir ok &&
		echo start >ok/start &&
		git add . &&
		git commit -q -m start &&
		push_ok "$OWNER" origin HEAD:refs/heads/main &&
		history clean 4200 "" "" &&
		history spread 4200 "100 1500 2500 3900" "" &&
		history broken 4200 2050 2000 &&
		history late 4200 "500 501" "" 600 &&
		history merges 4200 "" "" "" 10 "200 1800 2600 4000" &&
		test $(git rev-list --count main..spread) = 4200
	)
'

test_expect_success 'an allowed push: the same verdict and count, shared by 1-4 processes' '
	check_all clean clean &&
	test_must_be_empty clean.1 &&
	test $(cat clean.code) = 0 &&
	for w in 1 2 3 4
	do
		test "$(processes clean $w)" = $w &&
		test "$(entries clean $w)" = "$(entries clean 1)" &&
		grep "^stats: commits 4200 " clean.stats.$w || return 1
	done &&
	test "$(entries clean 1)" -gt 4200
'

test_expect_success 'denials in every run come out in commit order, as from one process' '
	check_all spread spread &&
	test $(cat spread.code) = 1 &&
	test "$(processes spread 4)" = 4 &&
	tip=$(short client spread) &&
	for k in 3900 2500 1500 100
	do
		c=$(short client spread~$((4200 - k))) &&
		grep -n -x -F "denied: $ALICE may not create-file bad/$k on heads/main (commit $c)" \
			spread.1 || return 1
	done >lines &&
	cut -d: -f1 lines >order &&
	sort -n order >sorted &&
	test_cmp sorted order &&
	test "$(grep -c "(commit $tip)" spread.1)" = 5 &&
	grep "create-directory bad on heads/main (commit $tip)" spread.1 &&
	! grep "and .* or more" spread.1
'

test_expect_success '... and with gitapps.maxDenials below them, the same first ones' '
	check_all few spread gitapps.maxDenials=6 &&
	test $(cat few.code) = 1 &&
	test "$(processes few 4)" = 4 &&
	test "$(grep -c "^denied: $ALICE" few.1)" = 6 &&
	grep -x "denied: and 1 or more" few.1 &&
	c=$(short client spread~300) &&
	grep -F "create-file bad/3900 on heads/main (commit $c)" few.1
'

test_expect_success '... and when all of them are in one later run' '
	check_all late late gitapps.maxDenials=3 &&
	test $(cat late.code) = 1 &&
	test "$(processes late 4)" = 4 &&
	! grep "(commit $(short client late))" late.1 &&
	test "$(grep -c "^denied: $ALICE" late.1)" = 3 &&
	grep -x "denied: and 1 or more" late.1
'

test_expect_success 'merges and their side commits, shared out: the same denials' '
	check_all merges merges &&
	test $(cat merges.code) = 1 &&
	test "$(processes merges 4)" = 4 &&
	grep "^stats: commits 4620 " merges.stats.4 &&
	for k in 200 1800 2600 4000
	do
		c=$(short client merges~$((4200 - k))^2) &&
		grep -x -F "denied: $ALICE may not create-file bad/side$k on heads/main (commit $c)" \
			merges.1 || return 1
	done &&
	! grep "bad/side.*(commit $(short client merges))" merges.1
'

test_expect_success 'a tree no commit may hold, in a later run: the same error' '
	check_all broken broken &&
	test $(cat broken.code) = 128 &&
	test "$(processes broken 2)" = 2 &&
	grep "^error: invalid tree .*\.git" broken.1 &&
	! grep "^denied:" broken.1
'

test_expect_success '... unless enough denials came before it, as from one process' '
	check_all enough broken gitapps.maxDenials=3 &&
	test $(cat enough.code) = 1 &&
	test "$(processes enough 4)" = 4 &&
	cat >expect <<-EOF &&
	denied: $ALICE may not create-directory bad on heads/main (commit $(short client broken))
	hint: no rule in branches/*.conf of refs/apps/access-control allows it
	denied: $ALICE may not create-file bad/2050 on heads/main (commit $(short client broken))
	denied: $ALICE may not create-directory bad on heads/main (commit $(short client broken~2150))
	denied: and 1 or more
	EOF
	test_cmp expect enough.1
'

test_expect_success 'gitapps.maxTreeEntries counts the whole push across processes' '
	total=$(entries clean 1) &&
	check_all at clean gitapps.maxTreeEntries=$total &&
	test $(cat at.code) = 0 &&
	test_must_be_empty at.1 &&
	check_all over clean gitapps.maxTreeEntries=$((total - 1)) &&
	test $(cat over.code) = 128 &&
	echo "error: too many changed tree entries (gitapps.maxTreeEntries = $((total - 1)))" >expect &&
	test_cmp expect over.1 &&
	test "$(processes over 3)" = 3
'

test_expect_success 'pushes under 1024 commits a process stay in one process' '
	git -C server.git config gitapps.workers 4 &&
	acl_check --stats --as $ALICE $(git -C client rev-parse main clean~3200) \
		refs/heads/main 2>small.stats &&
	grep "^stats: commits 1000 .* processes 1$" small.stats &&
	acl_check --stats --as $ALICE $(git -C client rev-parse main clean~2100) \
		refs/heads/main 2>small.stats &&
	grep "^stats: commits 2100 .* processes 2$" small.stats &&
	git -C server.git config --unset gitapps.workers
'

test_expect_success 'a real signed push of 4,200 commits, judged by 2 processes, is rejected' '
	test_when_finished stop_gpg_agent &&
	git -C server.git config gitapps.workers 2 &&
	before=$(git -C server.git rev-parse refs/heads/main) &&
	(
		cd client &&
		push_denied "$ALICE" origin spread:refs/heads/main
	) &&
	ref_is server.git refs/heads/main $before &&
	said "denied: $ALICE may not create-file bad/100 on heads/main (commit $(short client spread~4100))" &&
	hook_lines | grep "^denied:" >hook.out &&
	grep "^denied:" spread.1 >check.out &&
	test_cmp check.out hook.out
'

test_expect_success '... and its clean twin is accepted' '
	test_when_finished stop_gpg_agent &&
	(
		cd client &&
		push_ok "$ALICE" origin clean:refs/heads/main
	) &&
	ref_is server.git refs/heads/main $(git -C client rev-parse clean) &&
	git -C server.git config --unset gitapps.workers
'

test_expect_success 'a push of two refs, the first denied before the history is shared out' '
	test_when_finished stop_gpg_agent &&
	git -C server.git config gitapps.maxDenials 3 &&
	before=$(git -C server.git rev-parse refs/heads/main) &&
	git -C server.git update-ref refs/heads/a $(git -C client rev-parse clean~4200) &&
	(
		cd client &&
		fresh &&
		history late2 4200 "500 501" "" 600
	) &&
	for w in 1 4
	do
		git -C server.git config gitapps.workers $w &&
		(
			cd client &&
			push_denied "$ALICE" origin main:refs/heads/a \
				late2:refs/heads/main
		) &&
		hook_lines >two.$w || return 1
	done &&
	test_cmp two.1 two.4 &&
	ref_is server.git refs/heads/main $before &&
	ref_is server.git refs/heads/a $(git -C client rev-parse clean~4200) &&
	head -n 1 two.1 >first &&
	grep "^denied: $ALICE may not fast-forward heads/a" first &&
	test "$(grep -c "^denied: $ALICE" two.1)" = 3 &&
	grep -x "denied: and 1 or more" two.1 &&
	git -C server.git config --unset gitapps.maxDenials &&
	git -C server.git config --unset gitapps.workers
'

test_expect_success 'gitapps.workers must be 0 to 8' '
	git -C server.git config gitapps.workers 9 &&
	test_expect_code 128 acl_check --as $ALICE main main refs/heads/main \
		2>err &&
	grep "gitapps.workers" err &&
	git -C server.git config gitapps.workers -1 &&
	test_expect_code 128 acl_check --as $ALICE main main refs/heads/main &&
	git -C server.git config --unset gitapps.workers
'

test_done
