# lib-scenario.sh: what every front must show (SPEC 9), whichever server
# stands in front of the repository: a registration, a denial whose hook
# lines reach the pusher, an atomic push with one ref denied and its
# twin, and the git mr life cycle.  Sourced after lib.sh, lib-hook.sh,
# lib-mr.sh and lib-ci.sh by the scripts that start a server.
#
# The script says how a user reaches the served repository by defining
#	clone_front <dir>: clone it, through the front, into <dir>
# and names it server.git in the trash directory, as lib-mr.sh's readers
# (server_rev, on_server) expect.  The keys are those of scenario_keys.

# scenario_keys: the keys of the scenario: OWNER (who ran git acl init),
# MAINT (a maintainer), BOB (a contributor) and CI (the CI bot)
scenario_keys () {
	OWNER=$(make_key "Alice <alice@example.com>") &&
	MAINT=$(make_key "Maint <maint@example.com>") &&
	BOB=$(make_key "Bob <bob@example.com>") &&
	CI=$(make_key "CI Bot <ci@example.com>")
}

# scenario_first_commit <dir> <url> <id>: a new repository <dir> whose
# origin is <url>, signing as <id>, with one commit, "first"
scenario_first_commit () {
	git init -q "$1" &&
	git -C "$1" remote add origin "$2" &&
	mr_config "$1" "$3" &&
	(
		cd "$1" &&
		echo hello >README &&
		git add README &&
		test_tick &&
		git commit -q -m first
	)
}

# scenario_register <dir> <id>: a clone <dir> through the front that
# signs as <id>, whose key registers itself: git acl keys add and a
# signed push, one commit on the server's policy that holds the key
scenario_register () {
	clone_front "$1" &&
	mr_config "$1" "$2" &&
	sn_acl=$(server_rev refs/apps/access-control) &&
	mr_register "$1" "$2" &&
	test "$(server_rev refs/apps/access-control^)" = $sn_acl &&
	ref_is server.git refs/apps/access-control \
		$(git -C "$1" rev-parse refs/apps/access-control) &&
	git -C server.git cat-file -e \
		"refs/apps/access-control:$(keypath "$2")"
}

# scenario_denied_main <dir> <id>: from the clone <dir>, <id>, registered
# but no maintainer, pushes a commit on the server's main to main: the
# hook's denial and hint reach the pusher, and main stays
scenario_denied_main () {
	sn_main=$(server_rev refs/heads/main) &&
	(
		cd "$1" &&
		git fetch -q origin &&
		git checkout -q -B main origin/main &&
		echo bob >bob.txt &&
		git add bob.txt &&
		test_tick &&
		git commit -q -m bob &&
		push_denied "$2" origin HEAD:refs/heads/main
	) &&
	said "denied: $2 may not fast-forward heads/main (commit $(short "$1" HEAD))" &&
	said "hint: no rule in refs/*.conf of refs/apps/access-control allows it" &&
	ref_is server.git refs/heads/main $sn_main
}

# scenario_atomic <dir> <id> <denial> <denied refspec> <refspec>...: from
# the clone <dir>, <id>'s atomic push of the refspecs and the denied one:
# the hook says <denial> and no ref moves.  Then its twin, the same push
# without the denied refspec: each ref it names moves to its source, and
# the denied ref stays.
scenario_atomic () {
	sn_dir=$1 &&
	sn_id=$2 &&
	sn_said=$3 &&
	sn_denied=$4 &&
	shift 4 &&
	for sn_spec in "$sn_denied" "$@"
	do
		sn_ref=${sn_spec#*:} &&
		sn_was=$(server_rev "$sn_ref" 2>/dev/null || echo none) &&
		echo "$sn_ref $sn_was" || return 1
	done >atomic.before &&
	(cd "$sn_dir" && push_denied "$sn_id" --atomic origin "$@" "$sn_denied") &&
	said "$sn_said" &&
	while read -r sn_ref sn_was
	do
		ref_is server.git "$sn_ref" "$sn_was" || return 1
	done <atomic.before &&
	(cd "$sn_dir" && push_ok "$sn_id" --atomic origin "$@") &&
	for sn_spec
	do
		ref_is server.git "${sn_spec#*:}" \
			$(git -C "$sn_dir" rev-parse "${sn_spec%%:*}") || return 1
	done &&
	head -n 1 atomic.before | {
		read -r sn_ref sn_was &&
		ref_is server.git "$sn_ref" "$sn_was"
	}
}

# scenario_mr_init <dir> <option>...: from the owner's clone <dir>, at the
# server's main, git mr init with the CI bot and the maintainer and these
# options, and a policy by which maintainers merge into main (fast-forward
# it, with every tree op)
scenario_mr_init () {
	sn_dir=$1 &&
	shift &&
	(
		cd "$sn_dir" &&
		git fetch -q origin &&
		git reset -q --hard origin/main &&
		git mr init --ci "$CI" --maintainer "$MAINT" "$@" \
			>"$SHARNESS_TRASH_DIRECTORY/init.out" 2>&1 &&
		sn_policy=$(mr_edit refs/apps/access-control \
			"maintainers merge into main" \
			100644 refs/main.conf \
			"maintainers fast-forward heads/main" \
			100644 branches/main.conf "[heads/main]
maintainers create-directory,create-file,create-symlink,create-gitlink,modify,delete .*") &&
		push_ok "$OWNER" origin "$sn_policy:refs/apps/access-control"
	) &&
	git -C server.git rev-parse --verify "$DATA"
}

# scenario_mr_create: Bob's request Bob/1, "First change", of one commit
# (V1) whose test.sh says "all good"
scenario_mr_create () {
	topic bob one test.sh "echo all good" &&
	(
		cd bob &&
		git mr fetch >/dev/null 2>&1 &&
		git mr create -m "First change" >/dev/null
	) &&
	V1=$(git -C bob rev-parse HEAD) &&
	on_server merge-reqs/$BOB/1/title >title &&
	grep -x "First change" title
}

# scenario_mr_comment <dir> <id> <text>: from the clone <dir>, <id> lists
# the requests, Bob/1 among them, and comments <text> on it
scenario_mr_comment () {
	(
		cd "$1" &&
		git mr fetch >/dev/null 2>&1 &&
		git mr list >../list.out &&
		git mr comment Bob/1 -m "$3" >/dev/null
	) &&
	grep "First change" list.out &&
	on_server merge-reqs/$BOB/1/comments/$2/1 >comment &&
	grep -x "$3" comment
}

# scenario_ci_pass: the CI bot (clone ci) runs sh test.sh on Bob/1 and
# passes it
scenario_ci_pass () {
	git -C ci config mr.ci.command "sh test.sh" &&
	ci_run ci >ci.out 2>&1 &&
	result 1 1 >pass &&
	grep "^Result: pass\$" pass &&
	grep "all good" pass &&
	on_server merge-reqs/$BOB/1/labels/ci-pass >/dev/null
}

# scenario_mr_merge <dir>: from the clone <dir>, git mr merge Bob/1: main
# is at V1, the request is labelled merged, and one push moved both: the
# merge is the data branch's next commit
scenario_mr_merge () {
	sn_data=$(server_rev "$DATA") &&
	(
		cd "$1" &&
		git mr fetch >/dev/null 2>&1 &&
		git mr merge Bob/1 >../merge.out 2>../merge.err
	) &&
	ref_is server.git refs/heads/main $V1 &&
	test "$(on_server merge-reqs/$BOB/1/labels/merged)" = /labels/merged &&
	test "$(server_rev "$DATA^")" = $sn_data
}
