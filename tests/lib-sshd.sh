# lib-sshd.sh: an OpenSSH sshd of the test's own, and its clients
# (sourced after lib.sh and lib-servers.sh)
#
# The server runs as the test's user, with its own sshd_config, host key
# and authorized_keys in the trash directory, on 127.0.0.1 and a free
# port.  Clients reach it as the host git.example.org (the name
# docs/server.md uses) through an ssh config file of the trash directory
# that maps it to that address and port, with its own key and known
# hosts, so that the document's commands run as written.  Every path
# that sshd or ssh is given is a short one (short_dir): the trash
# directory's name holds a space, which neither a forced command nor
# git's ssh URLs would survive unquoted.

skip_all_unless /usr/sbin/sshd ssh ssh-keygen

# git's own variables would win over the clients' core.sshCommand
unset GIT_SSH GIT_SSH_COMMAND GIT_SSH_VARIANT

SSHD_DIR=$(short_dir sshd) || exit 1
SSH_USER=$(id -un)

# ssh_key <name>: make (once) the client key <name> in $SSHD_DIR
ssh_key () {
	test -f "$SSHD_DIR/$1" ||
	ssh-keygen -q -t ed25519 -N '' -C "$1" -f "$SSHD_DIR/$1"
}

# sshd_start <authorized_keys> <home>: start sshd for the test's user,
# keys read from the file <authorized_keys>.  sshd hands a session the
# environment of the account's passwd entry; here the test's user stands
# in for the server's account (git, gitolite3), so sshd sets HOME to
# <home>, that account's home, and keeps git from reading the machine's
# /etc/gitconfig, as a server account's clean configuration would.
sshd_start () {
	ssh-keygen -q -t ed25519 -N '' -C host -f "$SSHD_DIR/host_key" &&
	SSHD_PORT=$(free_port) &&
	cat >"$SSHD_DIR/sshd_config" <<-EOF &&
	ListenAddress 127.0.0.1
	Port $SSHD_PORT
	HostKey $SSHD_DIR/host_key
	PidFile none
	AuthorizedKeysFile $1
	AuthenticationMethods publickey
	PasswordAuthentication no
	KbdInteractiveAuthentication no
	UsePAM no
	PermitRootLogin prohibit-password
	PermitUserEnvironment no
	AllowUsers $SSH_USER
	SetEnv HOME=$2 GIT_CONFIG_NOSYSTEM=1
	LogLevel VERBOSE
	EOF
	if test "$(id -u)" = 0 && ! test -d /run/sshd
	then
		# As root, sshd confines its unprivileged child to its
		# privilege-separation directory, and refuses to start
		# without it.  Debian's init script and systemd unit
		# create this empty directory at boot; outside those
		# (a container, a chroot) it may be missing: make it the
		# same way, only when it is missing.
		mkdir -m 0755 /run/sshd
	fi &&
	server_background sshd /usr/sbin/sshd -D -e -f "$SSHD_DIR/sshd_config" &&
	wait_port "$SSHD_PORT" || {
		cat "$SHARNESS_TRASH_DIRECTORY/sshd.log" >&2
		return 1
	}
	echo "[127.0.0.1]:$SSHD_PORT $(cat "$SSHD_DIR/host_key.pub")" \
		>"$SSHD_DIR/known_hosts"
}

# ssh_config <name>: print the path of an ssh config (made once) that
# connects to git.example.org as the test's sshd with the key <name>,
# for git's core.sshCommand ("ssh -F <config>": ssh_default, ssh_clone).
# -F keeps ssh from reading the real user's ~/.ssh/config and the
# machine's /etc/ssh/ssh_config.
ssh_config () {
	ssh_key "$1" &&
	cat >"$SSHD_DIR/$1.config" <<-EOF &&
	Host git.example.org
		HostName 127.0.0.1
		Port $SSHD_PORT
		IdentityFile $SSHD_DIR/$1
		IdentitiesOnly yes
		IdentityAgent none
		UserKnownHostsFile $SSHD_DIR/known_hosts
		GlobalKnownHostsFile /dev/null
		StrictHostKeyChecking yes
		BatchMode yes
		ConnectTimeout 30
		LogLevel ERROR
	EOF
	echo "$SSHD_DIR/$1.config"
}

# ssh_default <name>: from now on git (core.sshCommand of the test's
# global config) and the ssh below connect with the key <name>; a clone
# may choose another key with its own core.sshCommand (ssh_clone)
ssh_default () {
	SSH_DEFAULT_CONFIG=$(ssh_config "$1") &&
	git config --global core.sshCommand "ssh -F $SSH_DEFAULT_CONFIG"
}

# ssh_clone <name> <url> <dir>: a clone that connects with the key <name>
ssh_clone () {
	git -c core.sshCommand="ssh -F $(ssh_config "$1")" clone -q "$2" "$3" &&
	git -C "$3" config core.sshCommand "ssh -F $(ssh_config "$1")"
}

# ssh: the document's `ssh git@git.example.org ...` lines run through
# the same config as git
ssh () {
	command ssh -F "$SSH_DEFAULT_CONFIG" "$@"
}
