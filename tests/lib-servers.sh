# lib-servers.sh: real servers for the end-to-end tests (SPEC 9)
#
# Each server listens on 127.0.0.1 on a free port, keeps its
# configuration, logs and state in the trash directory, and is stopped by
# its pid when the script exits, whether its tests passed or not.  Source
# it after lib.sh.

# free_port: print a TCP port of 127.0.0.1 that nothing listens on now
free_port () {
	perl -MIO::Socket::INET -e '
		my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.1",
		    LocalPort => 0, Listen => 1, ReuseAddr => 1)
		    or die "free_port: $!\n";
		print $s->sockport, "\n";
	'
}

# wait_port <port> [<seconds>]: wait until something accepts connections
# on 127.0.0.1:<port>; fail after <seconds> (default 30: the suite also
# runs under ASan on a loaded machine)
wait_port () {
	perl -MIO::Socket::INET -MTime::HiRes=sleep -e '
		my ($port, $limit) = @ARGV;
		for (1 .. $limit * 10) {
			exit 0 if IO::Socket::INET->new(PeerAddr => "127.0.0.1",
			    PeerPort => $port);
			sleep 0.1;
		}
		print STDERR "wait_port: nothing listens on 127.0.0.1:$port\n";
		exit 1;
	' "$1" "${2:-30}"
}

# Every server's pid file is listed here; stop_servers kills them all.
SERVER_PIDFILES="$SHARNESS_TRASH_DIRECTORY/server-pidfiles"

# server_pidfile <pidfile>: stop the process named in <pidfile> at exit
server_pidfile () {
	echo "$1" >>"$SERVER_PIDFILES"
}

# server_background <name> <command>...: start a server that stays in the
# foreground, in the background, its output in <name>.log, its pid in
# <name>.pid of the trash directory
server_background () {
	sb_name=$1
	shift
	"$@" >"$SHARNESS_TRASH_DIRECTORY/$sb_name.log" 2>&1 &
	echo $! >"$SHARNESS_TRASH_DIRECTORY/$sb_name.pid" &&
	server_pidfile "$SHARNESS_TRASH_DIRECTORY/$sb_name.pid"
}

# stop_servers: TERM every listed server, then KILL what is left
stop_servers () {
	test -f "$SERVER_PIDFILES" || return 0
	ss_pids=
	while read -r ss_file
	do
		test -s "$ss_file" && ss_pids="$ss_pids $(cat "$ss_file")"
	done <"$SERVER_PIDFILES"
	for ss_pid in $ss_pids
	do
		kill "$ss_pid" 2>/dev/null
	done
	for ss_try in 1 2 3 4 5 6 7 8 9 10
	do
		ss_left=
		for ss_pid in $ss_pids
		do
			kill -0 "$ss_pid" 2>/dev/null && ss_left="$ss_left $ss_pid"
		done
		test -z "$ss_left" && break
		sleep 0.5
	done
	for ss_pid in $ss_left
	do
		kill -9 "$ss_pid" 2>/dev/null
	done
	rm -f "$SERVER_PIDFILES"
	return 0
}

# When the tests pass, sharness removes the trash directory after its
# cleanup commands; when one fails, it keeps it, and its EXIT trap calls
# die(), which reads the exit status: stop the servers before either, and
# keep the status for die().
cleanup stop_servers
trap 'gitapps_status=$?; stop_servers; (exit $gitapps_status); die' EXIT

# skip_all_unless <program>...: skip the whole script, saying why, when a
# server program is not installed (scripts/install-deps installs them)
skip_all_unless () {
	for su_prog
	do
		if ! test -x "$su_prog" && ! command -v "$su_prog" >/dev/null
		then
			skip_all="$su_prog is not installed (sh scripts/install-deps)"
			test_done
		fi
	done
}

# --- the docs run -------------------------------------------------------
# docs/server.md marks each block a test runs with a comment line
#	<!-- test: <name> -->
# right before the block's opening fence.  The tests run those blocks,
# with the document's generic names replaced by the test's, so that a
# wrong line in the document fails a test.

# doc_block <name>: print the block named <name> of docs/server.md
doc_block () {
	awk -v name="$1" '
		$0 == "<!-- test: " name " -->" { want = 1; next }
		want && /^ *```/ && !inside { inside = 1; next }
		inside && /^ *```/ { found = 1; exit }
		inside { sub(/^   /, ""); print; next }
		want && !/^[[:space:]]*$/ { exit }
		END { if (!found) {
			print "doc_block: no block \"" name "\" in docs/server.md" \
			    >"/dev/stderr"
			exit 1
		} }
	' "$GITAPPS_SOURCE/docs/server.md"
}

# doc_commands <name> <sed-expression>...: the commands of block <name>,
# "$ " prompts and output lines dropped when it shows a session, each
# sed expression applied (the test's paths, ports and accounts)
doc_commands () {
	dc_name=$1 &&
	shift &&
	dc_sed= &&
	for dc_e
	do
		dc_sed="$dc_sed -e $(printf "%s" "$dc_e" | sed "s/'/'\\\\''/g; s/^/'/; s/\$/'/")"
	done &&
	doc_block "$dc_name" >"$SHARNESS_TRASH_DIRECTORY/doc.block" &&
	if grep -q '^\$ ' "$SHARNESS_TRASH_DIRECTORY/doc.block"
	then
		# a session: the commands are the "$ " lines and their
		# continuations (a line ending in a backslash)
		awk '
			cont { print; cont = /\\$/; next }
			/^\$ / { sub(/^\$ /, ""); print; cont = /\\$/ }
		' "$SHARNESS_TRASH_DIRECTORY/doc.block"
	else
		cat "$SHARNESS_TRASH_DIRECTORY/doc.block"
	fi | eval "sed -e '' $dc_sed"
}

# doc_output <name>: the output lines of a session block (those that are
# neither commands nor their continuations)
doc_output () {
	doc_block "$1" | awk '
		cont { cont = /\\$/; next }
		/^\$ / { cont = /\\$/; next }
		{ print }
	'
}

# doc_run [--succeed] <name> <sed-expression>...: run the commands of the
# block <name> of docs/server.md in a subshell of the current directory,
# the sed expressions of DOC_SUBST (one a line: a front's names for the
# document's, if it has any) and then these applied to them (doc_commands);
# their output goes to doc.actual of the trash directory.  A session's
# output must be the one the document shows, the same expressions applied
# to it, give or take the padding git adds to "remote:" lines, the size,
# owner and date of an `ls -l`, and real paths where the test named a
# directory by a short one (short_dir, or the current directory); its
# commands may fail, as the document shows some doing, unless --succeed
# is given.  The commands of any other block, and with --succeed those of
# a session, are chained with && and must all succeed.
doc_run () {
	dr_succeed= &&
	if test "$1" = --succeed
	then
		dr_succeed=t &&
		shift
	fi &&
	dr_t=$SHARNESS_TRASH_DIRECTORY &&
	dr_name=$1 &&
	shift &&
	{
		if test -n "$DOC_SUBST"
		then
			printf "%s\n" "$DOC_SUBST"
		fi &&
		for dr_e
		do
			printf "%s\n" "$dr_e"
		done
	} >"$dr_t/doc.sed" &&
	doc_commands "$dr_name" | sed -f "$dr_t/doc.sed" >"$dr_t/doc.sh" &&
	# the tests never touch the machine's accounts, packages or
	# services: a block that would (once the sed expressions have
	# run) is an error of the test, not something to try
	if grep -E "$DOC_SYSTEM_WIDE" "$dr_t/doc.sh" >&2
	then
		echo "doc_run: $dr_name: refusing the system-wide command(s) above" >&2
		return 1
	fi &&
	if grep -q '^\$ ' "$dr_t/doc.block" && test -z "$dr_succeed"
	then
		# the status is the last command's: the output tells
		( eval "$(cat "$dr_t/doc.sh")" ) </dev/null >"$dr_t/doc.out" 2>&1 ||
		:
	else
		( eval "$(awk '
			NR > 1 { print prev (prev ~ /\\$/ ? "" : " &&") }
			{ prev = $0 }
			END { print prev }
		' "$dr_t/doc.sh")" ) </dev/null >"$dr_t/doc.out" 2>&1 || {
			cat "$dr_t/doc.sh" "$dr_t/doc.out" >&2
			return 1
		}
	fi &&
	if grep -q '^\$ ' "$dr_t/doc.block"
	then
		sed -e 's/ *$//' -e "$DOC_LS_L" \
			-e "s|$(pwd -P)/|$(pwd)/|g" \
			-e "s|$dr_t/|$GITAPPS_SHORT/|g" \
			"$dr_t/doc.out" >"$dr_t/doc.actual" &&
		doc_output "$dr_name" | sed -f "$dr_t/doc.sed" |
		sed -e "$DOC_LS_L" >"$dr_t/doc.expect" &&
		test_cmp "$dr_t/doc.expect" "$dr_t/doc.actual"
	else
		cp "$dr_t/doc.out" "$dr_t/doc.actual"
	fi
}

# commands that change the machine, not the trash directory
DOC_SYSTEM_WIDE='adduser|useradd|usermod|deluser|userdel|addgroup|groupadd'
DOC_SYSTEM_WIDE="$DOC_SYSTEM_WIDE|dpkg-reconfigure|apt-get|apt|systemctl|a2enmod"
DOC_SYSTEM_WIDE="(^|[;&|(]|sudo |-- )[[:space:]]*($DOC_SYSTEM_WIDE|make install)([[:space:]]|\$)"

# an `ls -l` line keeps only its type, mode and names
DOC_LS_L='s/^\(l[rwx-]\{9\}\) .* [0-9][0-9]:[0-9][0-9] /\1 /'
