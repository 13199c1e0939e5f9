# lib-front.sh: one scenario for every smart-HTTP front (SPEC 9): the
# repository set up by the commands of docs/server.md section B, then
# signed, unsigned, denied and atomic pushes, a registration, the git mr
# life cycle, a CI-bot run and replayed requests, all through the real
# web server the script started.  Sourced after lib.sh and
# lib-servers.sh, once skip_all_unless has found the server's programs;
# it sources the libraries of the scenario itself: lib-hook.sh, lib-mr.sh,
# lib-ci.sh and lib-scenario.sh (whose steps every front shows).  The
# script calls front_setup (a test), starts its server, then calls
# front_tests.

. "$SRC/tests/lib-hook.sh"
. "$SRC/tests/lib-mr.sh"
. "$SRC/tests/lib-ci.sh"
. "$SRC/tests/lib-scenario.sh"

# No credential prompt ever waits for a terminal.
GIT_TERMINAL_PROMPT=0
export GIT_TERMINAL_PROMPT

# The account that runs git-http-backend, and so the hook, and owns the
# served repositories (docs/server.md B): www-data as root, as in
# production (Apache refuses to serve as root); otherwise the test's own
# user.  AS_SERVE runs a command as it, as the document's
# "sudo -H -u www-data " does.
if test "$(id -u)" = 0
then
	SERVE_USER=www-data
	AS_SERVE="runuser -u www-data -- "
else
	SERVE_USER=$(id -un)
	AS_SERVE=
fi
SERVE_GROUP=$(id -gn "$SERVE_USER")

# SERVER_ENV: the environment a server starts with, as an init system
# gives it (systemd: little more than PATH).  fcgiwrap hands its own
# environment to every CGI program, under the FastCGI parameters: a
# server started with the test's would pass GNUPGHOME, GIT_* and HOME of
# the test to git-http-backend and the hook.
SERVER_ENV="PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

# serve_exec <command>...: exec <command> as the serving account, in
# SERVER_ENV (a server's pid then is the command's own, for
# server_background).
serve_exec () {
	if test "$(id -u)" = 0
	then
		exec env -i $SERVER_ENV setpriv --reuid="$SERVE_USER" \
			--regid="$SERVE_GROUP" --init-groups "$@"
	fi
	exec env -i $SERVER_ENV "$@"
}

# git runs the hook as the serving account, and takes one it cannot run
# for none: every push would go through unchecked.
if ! $AS_SERVE test -x "$GITAPPS_BUILD/libexec/gitapps/pre-receive"
then
	skip_all="$SERVE_USER, who serves, cannot run $GITAPPS_BUILD/libexec/gitapps/pre-receive (a checkout under a private directory?)"
	test_done
fi

# The servers' sockets live in a short_dir (lib.sh), under a directory
# that mktemp made private: as root the serving account must pass it.
if test "$(id -u)" = 0
then
	chmod 711 "$GITAPPS_SHORT" || exit 1
fi

# Where the served repositories live: the trash directory when the
# serving account can reach it (as www-data: every directory above it
# must be searchable by others), by a short name without the space of
# "trash directory" (the document's commands are run as written, their
# paths unquoted); otherwise a directory of their own under /tmp, so
# that a checkout under a private home still runs the tests as root.
if $AS_SERVE sh -c 'cd "$1"' - "$SHARNESS_TRASH_DIRECTORY" 2>/dev/null
then
	SRV=$(short_dir srv) || exit 1
else
	SRV=$(mktemp -d /tmp/gitapps-srv.XXXXXX) &&
	chmod 755 "$SRV" || exit 1
	cleanup 'rm -rf "$SRV"'
	say "the trash directory is out of $SERVE_USER's reach: serving from $SRV"
fi
# the document's /srv/git-http
HTTP_ROOT="$SRV/git-http"

# front_dir <name>: make (once) a directory for a server's configuration,
# logs and sockets, where the serving account reaches it, and print its
# name: a short_dir (lib.sh) of the trash directory, or beside the
# served repositories when the trash directory is out of reach
front_dir () {
	if test "$SRV" = "$GITAPPS_SHORT/srv"
	then
		short_dir "$1"
	else
		mkdir -p "$SRV/$1" &&
		echo "$SRV/$1"
	fi
}

# as_serve <command>...: run <command> as the serving account, from a
# directory it can stat
as_serve () {
	(cd "$SRV" && $AS_SERVE "$@")
}

# doc_subst: the sed expressions that turn the document's generic names
# into the test's: paths, the owner's key file and fingerprint, accounts
doc_subst () {
	printf '%s\n' \
		"s|/srv/git-http|$HTTP_ROOT|g" \
		"s|/tmp/alice.asc|$SRV/alice.asc|g" \
		"s|C2EE61DFFE7513D60FEB9DB50A73A9D3D8D0F0EA|$OWNER|g" \
		"s|sudo -H -u www-data |$AS_SERVE|g" \
		"s|^sudo ||" \
		"s|-g www-data|-g $SERVE_GROUP|g" \
		"s|www-data|$SERVE_USER|g"
}

# front_doc_run <name> [<sed-expression>...]: doc_run (lib-servers.sh)
# of the block <name>, with doc_subst and these expressions applied, from
# a directory the serving account can stat, as its commands run; every
# command must succeed, and a session's output must be the document's
front_doc_run () {
	DOC_SUBST=$(doc_subst) &&
	(cd "$SRV" && doc_run --succeed "$@")
}

# clone_front <dir>: a user's clone of the served repository, through
# the front at FRONT_URL (for lib-scenario.sh)
clone_front () {
	git clone -q "$FRONT_URL/project.git" "$1"
}

# front_big <bytes> <command>...: in the owner's clone, a commit of
# <bytes> random bytes on a branch big off the server's main; <command>,
# run there, must fail, its output in big.out, and leave no branch big
# on the server; then the twin, the owner's signed push to origin, puts
# it there
front_big () {
	fb_bytes=$1 &&
	shift &&
	(
		cd owner &&
		git fetch -q origin &&
		git checkout -q -B big origin/main &&
		head -c "$fb_bytes" /dev/urandom >big.bin &&
		git add big.bin &&
		test_tick &&
		git commit -q -m big &&
		test_must_fail "$@"
	) >big.out 2>&1 &&
	ref_is server.git refs/heads/big none &&
	(cd owner && push_ok "$OWNER" origin HEAD:refs/heads/big) &&
	ref_is server.git refs/heads/big $(git -C owner rev-parse HEAD)
}

# record_cgi <file>: a CGI program that serves as git-http-backend does
# and keeps the body and content type of the last push request in
# $SRV/record/, to replay it, and the environment it ran in
record_cgi () {
	cat >"$1" <<-EOF &&
	#!/bin/sh
	# the body of each POST .../git-receive-pack kept, then served
	case "\$REQUEST_METHOD:\$PATH_INFO" in
	POST:*/git-receive-pack)
		if test -n "\$CONTENT_LENGTH"
		then
			head -c "\$CONTENT_LENGTH"
		else
			cat
		fi >"$SRV/record/body" &&
		printf "%s\\n" "\$CONTENT_TYPE" >"$SRV/record/type" &&
		env >"$SRV/record/env" &&
		exec /usr/lib/git-core/git-http-backend <"$SRV/record/body"
		printf "Status: 500\\r\\n\\r\\n"
		exit 1 ;;
	esac
	exec /usr/lib/git-core/git-http-backend
	EOF
	chmod 755 "$1"
}

# front_setup: the keys of scenario_keys, and the
# repository made by the commands of docs/server.md section B, run as the
# serving account; server.git in the trash directory names it, for
# lib-mr.sh's readers.
front_setup () {
	scenario_keys &&
	mkdir -p "$SRV" &&
	gpg --export --armor "$OWNER" >"$SRV/alice.asc" &&
	chmod 644 "$SRV/alice.asc" &&
	front_doc_run http-init &&
	ln -s "$HTTP_ROOT/project.git" server.git &&
	git config --global --add safe.directory \
		"$(cd "$HTTP_ROOT/project.git" && pwd -P)" &&
	test "$(stat -c %U "$HTTP_ROOT/project.git/config")" = "$SERVE_USER" &&
	test "$(git -C server.git config http.receivepack)" = true &&
	test "$(git -C server.git symbolic-ref HEAD)" = refs/heads/main &&
	# what the CGI programs get as HOME: no ~/.gitconfig of the machine
	mkdir "$SRV/home" "$SRV/record" &&
	chown "$SERVE_USER:$SERVE_GROUP" "$SRV/home" "$SRV/record" &&
	mkdir "$SRV/cgi" &&
	record_cgi "$SRV/cgi/record"
}

# front_serves <url>: the front at <url> serves the repository: its
# refs, the policy among them
front_serves () {
	git ls-remote "$1/project.git" >ls.out &&
	grep "refs/apps/access-control" ls.out
}

# front_pushes: how many push requests (POST .../git-receive-pack) the
# front has logged in $FRONT_ACCESS_LOG
front_pushes () {
	grep -c "POST [^ ]*/git-receive-pack" "$FRONT_ACCESS_LOG"
}

# replay <url>: send the recorded push request (replay.body, with the
# content type in replay.type) again to <url>/project.git, as it was; the
# response in replay.out
replay () {
	curl -sS --data-binary @replay.body \
		-H "Content-Type: $(cat replay.type)" \
		"$1/project.git/git-receive-pack" >replay.out
}

# sideband <band>: the data of that sideband of a receive-pack response
# on stdin (1: the report-status lines, unwrapped from their pkt-lines;
# 2: what the hook and receive-pack printed, which git shows as
# "remote: " lines)
sideband () {
	perl -e '
		sub pkts {
			my ($d) = @_;
			my @p;
			while (length $d >= 4) {
				my $n = hex substr($d, 0, 4);
				die "sideband: bad pkt-line\n" if $n && $n < 4;
				push @p, substr($d, 4, $n - 4) if $n;
				$d = substr($d, $n ? $n : 4);
			}
			die "sideband: trailing bytes\n" if length $d;
			return @p;
		}
		binmode STDIN;
		my $band = shift;
		my $all = do { local $/; <STDIN> };
		my $data = join "", map { substr($_, 1) }
			grep { ord($_) == $band } pkts($all);
		print $band == 1 ? join("", pkts($data)) : $data;
	' "$1"
}

# front_tests <url> <recording url> <access log>: the scenario, through
# the front at <url> (the document's https://git.example.org/git), which
# logs each request in <access log>; <recording url> serves the same
# repositories through record_cgi
front_tests () {
	FRONT_URL=$1
	FRONT_REC=$2
	FRONT_ACCESS_LOG=$3

	test_expect_success 'the pushes of docs/server.md B: signed accepted, unsigned refused' '
		test_when_finished stop_gpg_agent &&
		scenario_first_commit owner "$FRONT_URL/project.git" "$OWNER" &&
		X=$(git -C owner rev-parse HEAD) &&
		doc_commands http-push >http-push.cmds &&
		test $(wc -l <http-push.cmds) = 2 &&
		(cd owner && eval "$(sed -n 1p ../http-push.cmds)") \
			>push1.out 2>&1 &&
		ref_is server.git refs/heads/main $X &&
		# the hook ran as the serving account: its record is that account'\''s
		test "$(stat -c %U server.git/gitapps/accepted-certs)" = "$SERVE_USER" &&
		(
			cd owner &&
			echo again >>README &&
			test_tick &&
			git commit -q -am second &&
			test_must_fail eval "$(sed -n 2p ../http-push.cmds)"
		) >push2.out 2>&1 &&
		ref_is server.git refs/heads/main $X &&
		doc_output http-push |
		sed "s|https://git.example.org/git|$FRONT_URL|" >push.expect &&
		cat push1.out push2.out | sed "s/ *\$//" >push.actual &&
		test_cmp push.expect push.actual
	'

	test_expect_success 'a registration: git acl keys add and a signed push' '
		test_when_finished stop_gpg_agent &&
		scenario_register bob "$BOB"
	'

	test_expect_success 'a denial through the front: the hook'\''s line reaches the pusher' '
		test_when_finished stop_gpg_agent &&
		scenario_denied_main bob "$BOB"
	'

	test_expect_success 'git mr through the front: init, create, comment' '
		test_when_finished stop_gpg_agent &&
		scenario_mr_init owner &&
		scenario_register ci "$CI" &&
		ci_attest_policy &&
		scenario_mr_create &&
		scenario_mr_comment owner "$OWNER" "Looks right."
	'

	test_expect_success 'the CI bot tests the request through the front' '
		test_when_finished stop_gpg_agent &&
		scenario_ci_pass
	'

	test_expect_success 'git mr merge: target and data branch in one atomic push' '
		test_when_finished stop_gpg_agent &&
		posts=$(front_pushes) &&
		scenario_mr_merge owner &&
		# one push request moved both
		test $(front_pushes) = $((posts + 1))
	'

	test_expect_success 'an atomic push with one ref denied moves neither' '
		test_when_finished stop_gpg_agent &&
		(
			cd bob &&
			git fetch -q origin &&
			git checkout -q -B next origin/main &&
			echo next >next.txt &&
			git add next.txt &&
			test_tick &&
			git commit -q -m next
		) &&
		c=$(cd bob && data_edit "a comment" 100644 \
			merge-reqs/$BOB/1/comments/$BOB/5 \
			"$(comment_text "" -- "merged, thanks")") &&
		# the twin: the comment alone is Bob'\''s to write
		scenario_atomic bob "$BOB" \
			"denied: $BOB may not fast-forward heads/main (commit $(short bob HEAD))" \
			HEAD:refs/heads/main "$c:$DATA"
	'

	# The replay within the slop must come before the nonce is 30 s old,
	# after two pushes through the front: a loaded machine under ASan
	# could take that long, so the window is 300 s until that replay.
	test_expect_success 'a push through the recording CGI is accepted, then undone' '
		test_when_finished stop_gpg_agent &&
		as_serve git -C "$HTTP_ROOT/project.git" config receive.certNonceSlop 300 &&
		X=$(server_rev refs/heads/main) &&
		(cd owner && push_ok "$OWNER" "$FRONT_REC/project.git" \
			$X:refs/heads/replay) &&
		ref_is server.git refs/heads/replay $X &&
		cp "$SRV/record/body" replay.body &&
		cp "$SRV/record/type" replay.type &&
		grep -a "refs/heads/replay" replay.body &&
		(cd owner && push_ok "$OWNER" origin :refs/heads/replay) &&
		ref_is server.git refs/heads/replay none
	'

	test_expect_success 'the CGI environment is the server'\''s, not the test'\''s' '
		grep -x "HOME=$SRV/home" "$SRV/record/env" &&
		grep -x "GIT_CONFIG_NOSYSTEM=1" "$SRV/record/env" &&
		grep -x "GIT_PROJECT_ROOT=$HTTP_ROOT" "$SRV/record/env" &&
		! grep -e "^GNUPGHOME=" -e "^GIT_AUTHOR" -e "^SHARNESS" \
			"$SRV/record/env"
	'

	test_expect_success 'its request replayed within the slop: already used' '
		test_when_finished "as_serve git -C \"$HTTP_ROOT/project.git\" config receive.certNonceSlop 30" &&
		echo "error: this push certificate was already used: push again with '\''git push --signed'\''" >expect.2 &&
		printf "unpack ok\nng refs/heads/replay pre-receive hook declined\n" >expect.1 &&
		replay "$FRONT_REC" &&
		sideband 2 <replay.out >replay.2 &&
		sideband 1 <replay.out >replay.1 &&
		test_cmp expect.2 replay.2 &&
		test_cmp expect.1 replay.1 &&
		ref_is server.git refs/heads/replay none &&
		# and to the other URL of the same repository
		replay "$FRONT_URL" &&
		sideband 2 <replay.out >replay.2 &&
		test_cmp expect.2 replay.2 &&
		ref_is server.git refs/heads/replay none
	'

	# After the slop: the recorded nonce was issued at <stamp>; rather
	# than sleep 30 s, the window shrinks to 1 s (as the repository'\''s
	# account would set it) and the test waits, if need be, until the
	# nonce is 2 s old.
	test_expect_success 'its request replayed after the slop: a stale nonce' '
		stamp=$(grep -a -o "nonce [0-9]*-" replay.body | tr -dc 0-9) &&
		test -n "$stamp" &&
		as_serve git -C "$HTTP_ROOT/project.git" config receive.certNonceSlop 1 &&
		test_when_finished "as_serve git -C \"$HTTP_ROOT/project.git\" config receive.certNonceSlop 30" &&
		while test $(date +%s) -lt $((stamp + 2))
		do
			sleep 1
		done &&
		replay "$FRONT_REC" &&
		sideband 2 <replay.out >replay.2 &&
		sideband 1 <replay.out >replay.1 &&
		echo "error: the push certificate'\''s nonce is too old (SLOP): push again" >expect.2 &&
		test_cmp expect.2 replay.2 &&
		test_cmp expect.1 replay.1 &&
		ref_is server.git refs/heads/replay none
	'
}
