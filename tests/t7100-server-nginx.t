#!/bin/sh

test_description='smart HTTP through nginx, fcgiwrap and git-http-backend (SPEC 9)

nginx and fcgiwrap run with a configuration of their own in the trash
directory, on 127.0.0.1 and a free port; the repository is made by the
commands of docs/server.md section B and served by its nginx location
block, included verbatim.  The scenario of tests/lib-front.sh runs
through it: signed, unsigned, denied and atomic pushes, a registration,
git mr and the CI bot, and replayed push requests.'

. "$(dirname "$0")/lib.sh"
. "$SRC/tests/lib-servers.sh"

skip_all_unless nginx fcgiwrap /usr/lib/git-core/git-http-backend curl setpriv

. "$SRC/tests/lib-front.sh"

PORT=$(free_port) || exit 1

test_expect_success 'setup: the repository, by the commands of docs/server.md B' '
	test_when_finished stop_gpg_agent &&
	front_setup
'

# The CGI programs get only what nginx passes (fcgiwrap gives them no
# environment of its own): the document's block includes
# /etc/nginx/fastcgi_params; the test's file includes it too and adds a
# HOME of the trash directory and no system config, so that neither
# git-http-backend nor the hook reads the machine's git configuration.
test_expect_success 'setup: nginx with the location block of docs/server.md B, and fcgiwrap' '
	# short names: nginx takes no path with a space unquoted
	NGINX=$(front_dir nginx) &&
	run=$(front_dir run) &&
	chown "$SERVE_USER:$SERVE_GROUP" "$run/." &&
	SOCK=$run/fcgiwrap.sock &&
	mkdir -p "$NGINX/tmp" &&
	cat >"$NGINX/fastcgi_params" <<-EOF &&
	include /etc/nginx/fastcgi_params;
	fastcgi_param HOME $SRV/home;
	fastcgi_param GIT_CONFIG_NOSYSTEM 1;
	EOF
	doc_block nginx-location | sed \
		-e "s|/srv/git-http|$HTTP_ROOT|g" \
		-e "s|/etc/nginx/fastcgi_params|$NGINX/fastcgi_params|g" \
		-e "s|/run/fcgiwrap.socket|$SOCK|g" >"$NGINX/git.conf" &&
	grep -F "fastcgi_pass unix:$SOCK;" "$NGINX/git.conf" &&
	# the same block at /rec, through the recording CGI
	sed -e "s|\^/git(|^/rec(|" \
		-e "s|/usr/lib/git-core/git-http-backend|$SRV/cgi/record|" \
		"$NGINX/git.conf" >"$NGINX/rec.conf" &&
	# and at /small, without its client_max_body_size
	sed -e "s|\^/git(|^/small(|" -e "/client_max_body_size/d" \
		"$NGINX/git.conf" >"$NGINX/small.conf" &&
	if test "$(id -u)" = 0
	then
		echo "user $SERVE_USER $SERVE_GROUP;" >"$NGINX/user.conf"
	else
		: >"$NGINX/user.conf"
	fi &&
	cat >"$NGINX/nginx.conf" <<-EOF &&
	daemon off;
	master_process on;
	worker_processes 1;
	include $NGINX/user.conf;
	pid $NGINX/nginx.pid;
	error_log $NGINX/error.log;
	events { worker_connections 64; }
	http {
		access_log $NGINX/access.log;
		client_body_temp_path $NGINX/tmp/body;
		proxy_temp_path $NGINX/tmp/proxy;
		fastcgi_temp_path $NGINX/tmp/fastcgi;
		uwsgi_temp_path $NGINX/tmp/uwsgi;
		scgi_temp_path $NGINX/tmp/scgi;
		server {
			listen 127.0.0.1:$PORT;
			server_name 127.0.0.1;
			include $NGINX/git.conf;
			include $NGINX/rec.conf;
			include $NGINX/small.conf;
		}
	}
	EOF
	nginx -t -p "$NGINX" -e "$NGINX/error.log" -c "$NGINX/nginx.conf" \
		2>nginx-t.err || {
		cat nginx-t.err >&2
		false
	} &&
	server_background fcgiwrap serve_exec fcgiwrap -s "unix:$SOCK" &&
	server_background nginx env -i $SERVER_ENV \
		nginx -p "$NGINX" -e "$NGINX/error.log" \
		-c "$NGINX/nginx.conf" &&
	wait_port $PORT &&
	i=0 &&
	while ! test -S "$SOCK" && test $i -lt 300
	do
		sleep 0.1 &&
		i=$((i + 1))
	done &&
	test -S "$SOCK" &&
	front_serves "http://127.0.0.1:$PORT/git"
'

front_tests "http://127.0.0.1:$PORT/git" "http://127.0.0.1:$PORT/rec" \
	"$NGINX/access.log"

test_expect_success 'a push over 1 MiB: 413 without client_max_body_size, as documented' '
	test_when_finished stop_gpg_agent &&
	front_big 2097152 git push --signed \
		"http://127.0.0.1:$PORT/small/project.git" HEAD:refs/heads/big &&
	doc_output nginx-413 >expect &&
	test_cmp expect big.out
'

test_done
