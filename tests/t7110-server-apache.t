#!/bin/sh

test_description='smart HTTP through Apache 2.4, mod_cgid and git-http-backend (SPEC 9)

One Apache with a configuration of its own in the trash directory, on
127.0.0.1: on one port the virtual host of docs/server.md section B
(anonymous push, http.receivepack true), where the scenario of
tests/lib-front.sh runs; on another the block of "Apache 2.4: push behind
basic auth", serving a repository without http.receivepack: no password,
no push (401); with it, a signed push is accepted and an unsigned one
refused by the hook.  As root Apache serves as www-data, as in
production (it refuses to serve as root).'

. "$(dirname "$0")/lib.sh"
. "$SRC/tests/lib-servers.sh"

skip_all_unless apache2 htpasswd /usr/lib/apache2/modules/mod_cgid.so \
	/usr/lib/git-core/git-http-backend curl setpriv

. "$SRC/tests/lib-front.sh"

PORT=$(free_port) || exit 1
APORT=$(free_port) || exit 1
test "$PORT" != "$APORT" || APORT=$(free_port) || exit 1

test_expect_success 'setup: the repository, by the commands of docs/server.md B' '
	test_when_finished stop_gpg_agent &&
	front_setup
'

test_expect_success 'setup: another, behind basic auth: no http.receivepack' '
	front_doc_run http-init "s|project\.git|team.git|g" "/http\.receivepack/d" &&
	TEAM=$HTTP_ROOT/team.git &&
	git config --global --add safe.directory "$(cd "$TEAM" && pwd -P)" &&
	test_must_fail git -C "$TEAM" config http.receivepack &&
	doc_commands apache-htpasswd \
		"s|/etc/apache2/git-push.htpasswd|$SRV/git-push.htpasswd|" \
		"s|^sudo ||" "s|htpasswd -c|htpasswd -i -c|" >htpasswd.sh &&
	echo secret | sh -e htpasswd.sh &&
	grep "^alice:" "$SRV/git-push.htpasswd"
'

# The modules: Debian's defaults that the configuration uses, and those
# the document tells a2enmod to enable.
test_expect_success 'setup: Apache with the blocks of docs/server.md B' '
	# short names: no space in the paths of the configuration
	APACHE=$(front_dir apache) &&
	mkdir -p "$APACHE/run" &&
	doc_commands apache-modules >modules.cmds &&
	sed -n "s/^sudo a2enmod \([^#]*\).*/\1/p" modules.cmds >modules &&
	grep -w cgid modules &&
	for m in mpm_event authz_core authn_core authn_file auth_basic \
		authz_user $(cat modules)
	do
		echo "LoadModule ${m}_module /usr/lib/apache2/modules/mod_$m.so" ||
		return 1
	done >"$APACHE/modules.conf" &&
	doc_block apache-vhost |
	sed "s|/srv/git-http|$HTTP_ROOT|g" >"$APACHE/git.conf" &&
	doc_block apache-auth | sed -e "s|/srv/git-http|$HTTP_ROOT|g" \
		-e "s|/etc/apache2/git-push.htpasswd|$SRV/git-push.htpasswd|g" \
		>"$APACHE/auth.conf" &&
	grep -F "AuthUserFile $SRV/git-push.htpasswd" "$APACHE/auth.conf" &&
	if test "$(id -u)" = 0
	then
		printf "User %s\nGroup %s\n" "$SERVE_USER" "$SERVE_GROUP"
	fi >"$APACHE/user.conf" &&
	cat >"$APACHE/httpd.conf" <<-EOF &&
	ServerRoot $APACHE
	ServerName 127.0.0.1
	PidFile $APACHE/httpd.pid
	DefaultRuntimeDir $APACHE/run
	ErrorLog $APACHE/error.log
	LogLevel warn
	Include $APACHE/modules.conf
	Include $APACHE/user.conf
	ScriptSock $APACHE/cgid.sock
	LogFormat "%h %l %u %t \"%r\" %>s %b" common
	CustomLog $APACHE/access.log common
	StartServers 1
	ServerLimit 1
	ThreadsPerChild 8
	MaxRequestWorkers 8
	MinSpareThreads 1
	MaxSpareThreads 8
	Listen 127.0.0.1:$PORT
	Listen 127.0.0.1:$APORT
	<VirtualHost 127.0.0.1:$PORT>
		SetEnv HOME $SRV/home
		SetEnv GIT_CONFIG_NOSYSTEM 1
		Include $APACHE/git.conf
		ScriptAlias /rec/ $SRV/cgi/record/
		<Directory $SRV/cgi>
			Options +ExecCGI
			Require all granted
		</Directory>
	</VirtualHost>
	<VirtualHost 127.0.0.1:$APORT>
		SetEnv HOME $SRV/home
		SetEnv GIT_CONFIG_NOSYSTEM 1
		Include $APACHE/auth.conf
	</VirtualHost>
	EOF
	env -i $SERVER_ENV apache2 -t -f "$APACHE/httpd.conf" 2>apache-t.err || {
		cat apache-t.err >&2
		false
	} &&
	server_background apache env -i $SERVER_ENV \
		apache2 -f "$APACHE/httpd.conf" -D FOREGROUND &&
	wait_port $PORT &&
	wait_port $APORT &&
	front_serves "http://127.0.0.1:$PORT/git"
'

front_tests "http://127.0.0.1:$PORT/git" "http://127.0.0.1:$PORT/rec" \
	"$APACHE/access.log"

test_expect_success 'anonymous: a repository without http.receivepack takes no push (403)' '
	test_when_finished stop_gpg_agent &&
	test_must_fail git -C owner -c user.signingkey="$OWNER" push --signed \
		"http://127.0.0.1:$PORT/git/team.git" HEAD:refs/heads/main \
		2>push.err &&
	grep "returned error: 403" push.err &&
	ref_is "$TEAM" refs/heads/main none
'

test_expect_success 'behind basic auth: no password, no push (401); reads stay anonymous' '
	test_when_finished stop_gpg_agent &&
	front_doc_run apache-auth-check \
		"s|https://git.example.org|http://127.0.0.1:$APORT|g" \
		"s|project\.git|team.git|g" &&
	test_must_fail git -C owner -c user.signingkey="$OWNER" push --signed \
		"http://127.0.0.1:$APORT/git/team.git" HEAD:refs/heads/main \
		2>push.err &&
	grep "could not read Username" push.err &&
	grep "GET /git/team.git/info/refs?service=git-receive-pack HTTP/1.1\" 401" \
		"$FRONT_ACCESS_LOG" &&
	ref_is "$TEAM" refs/heads/main none &&
	# nor does a push request sent straight away, without the first
	test "$(curl -s -o /dev/null -w "%{http_code}" \
		--data-binary @replay.body -H "Content-Type: $(cat replay.type)" \
		"http://127.0.0.1:$APORT/git/team.git/git-receive-pack")" = 401 &&
	# a wrong password is no better
	test_must_fail git -C owner -c user.signingkey="$OWNER" push --signed \
		"http://alice:wrong@127.0.0.1:$APORT/git/team.git" \
		HEAD:refs/heads/main 2>push.err &&
	grep "Authentication failed" push.err &&
	ref_is "$TEAM" refs/heads/main none
'

test_expect_success 'behind basic auth: with the password, a signed push is accepted' '
	test_when_finished stop_gpg_agent &&
	X=$(git -C owner rev-parse HEAD) &&
	(
		cd owner &&
		push_ok "$OWNER" "http://alice:secret@127.0.0.1:$APORT/git/team.git" \
			HEAD:refs/heads/main
	) &&
	ref_is "$TEAM" refs/heads/main $X &&
	grep "alice \[.*\] \"POST /git/team.git/git-receive-pack HTTP/1.1\" 200" \
		"$FRONT_ACCESS_LOG"
'

test_expect_success 'behind basic auth: with the password, unsigned: the hook refuses' '
	test_when_finished stop_gpg_agent &&
	X=$(git -C owner rev-parse HEAD) &&
	test_must_fail git -C owner push \
		"http://alice:secret@127.0.0.1:$APORT/git/team.git" \
		HEAD:refs/heads/unsigned 2>push.err &&
	grep "^remote: error: unsigned push: push with '\''git push --signed'\''" push.err &&
	grep "pre-receive hook declined" push.err &&
	ref_is "$TEAM" refs/heads/unsigned none
'

test_expect_success 'a 3 MB push: unsigned refused, signed accepted, as documented' '
	test_when_finished stop_gpg_agent &&
	front_big 3000000 git push origin HEAD:refs/heads/big &&
	grep "^remote: error: unsigned push: " big.out
'

test_done
