/* mr_sandbox: run a revision's test command as hostile code (SPEC 8) */
#include "mr_sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Files a build may write, each: a full disk is somebody else's outage. */
#define SANDBOX_FILE_MAX (1024ull * 1024 * 1024)

static void sandbox_limit(int resource, rlim_t value)
{
	struct rlimit r = {value, value};

	setrlimit(resource, &r);
}

/* In the child, before exec: limits, its own process group, the pipe. */
static void sandbox_child_setup(const struct sandbox_limits *limits,
				int out, bool bare)
{
	int null = open("/dev/null", O_RDONLY), fd;

	/* bare: setsid() in sandbox_exec_bare makes the group, and it
	 * fails in a process that leads a group already */
	if (!bare)
		setpgid(0, 0);
	if (null >= 0)
		dup2(null, 0);
	dup2(out, 1);
	dup2(out, 2);
	/*
	 * Nothing but stdin, stdout and stderr may cross: bwrap passes every
	 * open descriptor through, and whatever launched the bot (cron's
	 * flock, a CI runner, make's jobserver) may have left a directory or
	 * socket open, a way out of the sandbox.
	 */
	if (close_range(3, ~0u, 0) < 0)
		for (fd = 3; fd < 65536; fd++)
			close(fd);
	/* CPU: the wall-clock limit bounds it anyway; this stops a spinner
	 * that escaped the kill */
	sandbox_limit(RLIMIT_CPU, (rlim_t)limits->timeout + 5);
	sandbox_limit(RLIMIT_AS, (rlim_t)limits->memory);
	sandbox_limit(RLIMIT_FSIZE, (rlim_t)SANDBOX_FILE_MAX);
	sandbox_limit(RLIMIT_CORE, 0);
	/* a fork bomb; counted per real uid, so a dedicated bot user is
	 * what makes it bite (root is exempt) */
	sandbox_limit(RLIMIT_NPROC, 4096);
}

static void sandbox_exec_bwrap(const char *bwrap, const char *dir,
			       const char *command)
{
	const char *argv[] = {
		bwrap,
		/* SPEC 8: as root, bwrap keeps every capability unless told */
		"--unshare-all", "--unshare-user", "--uid", "65534", "--gid",
		"65534", "--cap-drop", "ALL", "--die-with-parent",
		"--new-session", "--disable-userns",
		/* the system read-only; nothing of /etc but what ld.so and
		 * Debian's alternatives need: as root, the sandbox's uid is
		 * root outside, so a root-only file bound in would be
		 * readable */
		"--ro-bind", "/usr", "/usr",
		"--symlink", "usr/bin", "/bin",
		"--symlink", "usr/sbin", "/sbin",
		"--symlink", "usr/lib", "/lib",
		"--symlink", "usr/lib64", "/lib64",
		"--ro-bind-try", "/etc/alternatives", "/etc/alternatives",
		"--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache",
		"--proc", "/proc", "--dev", "/dev",
		/* tmpfs is memory: bounded */
		"--size", "1073741824", "--tmpfs", "/tmp",
		"--size", "67108864", "--tmpfs", "/home", "--dir", "/home/ci",
		"--bind", dir, "/build", "--chdir", "/build",
		"--clearenv",
		"--setenv", "HOME", "/home/ci",
		"--setenv", "PATH", "/usr/local/bin:/usr/bin:/bin",
		"--setenv", "TMPDIR", "/tmp",
		"--setenv", "LANG", "C.UTF-8",
		"--setenv", "CI", "true",
		"--", "/bin/sh", "-c", command, NULL,
	};

	execvp(bwrap, (char *const *)argv);
	fprintf(stderr, "cannot run %s: %s\n", bwrap, strerror(errno));
	_exit(127);
}

static void sandbox_exec_bare(const char *dir, const char *command)
{
	char home[4200];
	const char *argv[] = {"/bin/sh", "-c", command, NULL};
	const char *envp[] = {home, "PATH=/usr/local/bin:/usr/bin:/bin",
			      "LANG=C.UTF-8", "CI=true", NULL};

	/* a session of its own, so that the kill reaches its children */
	setsid();
	snprintf(home, sizeof(home), "HOME=%s", dir);
	if (chdir(dir) < 0)
		_exit(127);
	execve("/bin/sh", (char *const *)argv, (char *const *)envp);
	_exit(127);
}

/* Keep the last limit bytes of the output in log. */
static void sandbox_keep(struct buf *log, size_t limit, const char *data,
			 size_t len)
{
	if (len >= limit) {
		buf_clear(log);
		buf_put(log, data + len - limit, limit);
		return;
	}
	if (log->len + len > limit) {
		size_t drop = log->len + len - limit;

		memmove(log->ptr, log->ptr + drop, log->len - drop);
		log->len -= drop;
		log->ptr[log->len] = '\0';
	}
	buf_put(log, data, len);
}

static long sandbox_ms_left(const struct timespec *deadline)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (deadline->tv_sec - now.tv_sec) * 1000 +
	       (deadline->tv_nsec - now.tv_nsec) / 1000000;
}

int sandbox_run(const char *bwrap, const char *dir, const char *command,
		const struct sandbox_limits *limits,
		struct sandbox_result *result, struct err *err)
{
	struct timespec deadline;
	char chunk[8192];
	int fds[2], wstatus;
	bool timed_out = false, too_much = false;
	pid_t pid;

	memset(result, 0, sizeof(*result));
	result->exit_status = -1;
	if (pipe2(fds, O_CLOEXEC) < 0)
		return err_set(err, "cannot make a pipe: %s", strerror(errno));
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) < 0) {
		close(fds[0]);
		close(fds[1]);
		return err_set(err, "cannot fork: %s", strerror(errno));
	}
	if (pid == 0) {
		sandbox_child_setup(limits, fds[1], bwrap == NULL);
		if (bwrap)
			sandbox_exec_bwrap(bwrap, dir, command);
		sandbox_exec_bare(dir, command);
	}
	close(fds[1]);
	setpgid(pid, pid);
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += limits->timeout;
	for (;;) {
		struct pollfd p = {fds[0], POLLIN, 0};
		long left = sandbox_ms_left(&deadline);
		ssize_t n;

		if (left <= 0) {
			timed_out = true;
			break;
		}
		if (poll(&p, 1, (int)(left > 1000 ? 1000 : left)) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (!(p.revents & (POLLIN | POLLHUP)))
			continue;
		n = read(fds[0], chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		result->printed += (size_t)n;
		sandbox_keep(&result->log, limits->tail, chunk, (size_t)n);
		if (result->printed > limits->max_output) {
			too_much = true;
			break;
		}
	}
	close(fds[0]);
	if (timed_out || too_much) {
		/* the group (bwrap, or the bare session); bwrap's
		 * --die-with-parent takes everything inside with it */
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
	}
	while (waitpid(pid, &wstatus, 0) < 0)
		if (errno != EINTR)
			return err_set(err, "cannot wait for the test: %s",
				       strerror(errno));
	if (timed_out) {
		result->outcome = SANDBOX_TIMEOUT;
		snprintf(result->why, sizeof(result->why),
			 "killed after the time limit of %u s",
			 limits->timeout);
	} else if (too_much) {
		result->outcome = SANDBOX_ERROR;
		snprintf(result->why, sizeof(result->why),
			 "killed after printing more than %zu bytes",
			 limits->max_output);
	} else if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0) {
		result->outcome = SANDBOX_PASS;
		snprintf(result->why, sizeof(result->why), "exit status 0");
	} else if (WIFEXITED(wstatus)) {
		result->outcome = SANDBOX_FAIL;
		result->exit_status = WEXITSTATUS(wstatus);
		snprintf(result->why, sizeof(result->why), "exit status %d",
			 WEXITSTATUS(wstatus));
	} else {
		result->outcome = WTERMSIG(wstatus) == SIGXCPU
					  ? SANDBOX_TIMEOUT
					  : SANDBOX_FAIL;
		snprintf(result->why, sizeof(result->why),
			 "killed by signal %d", WTERMSIG(wstatus));
	}
	return 0;
}

int sandbox_mkdtemp(char *out, size_t size, const char *prefix,
		    struct err *err)
{
	const char *tmp = getenv("TMPDIR");
	int n;

	if (tmp == NULL || *tmp != '/')
		tmp = "/tmp";
	n = snprintf(out, size, "%s/%s.XXXXXX", tmp, prefix);
	if (n < 0 || (size_t)n >= size)
		return err_set(err, "TMPDIR is too long");
	if (mkdtemp(out) == NULL)
		return err_set(err, "cannot make a directory in %s: %s", tmp,
			       strerror(errno));
	return 0;
}

int sandbox_probe(const char *bwrap, struct err *err)
{
	struct sandbox_limits limits = {30, 65536, 1ull << 30, 512};
	struct sandbox_result result;
	char dir[4096];
	int status = -1;

	if (sandbox_mkdtemp(dir, sizeof(dir), "git-mr-ci-probe", err) < 0)
		return -1;
	if (sandbox_run(bwrap, dir, "exit 0", &limits, &result, err) == 0) {
		if (result.outcome == SANDBOX_PASS) {
			status = 0;
		} else {
			/* bwrap says why on stderr, which we read */
			char *nl = strchr(buf_cstr(&result.log), '\n');

			if (nl)
				*nl = '\0';
			err_set(err, "%s: %s", bwrap,
				result.log.len ? result.log.ptr : result.why);
		}
		buf_dispose(&result.log);
	}
	sandbox_remove(dir);
	return status;
}

/*
 * Remove dir and everything under it.  A build may leave directories
 * without write or search permission, and trees deeper than any fixed
 * recursion: coreutils' chmod -R (which opens each directory up before
 * descending into it) and rm -rf walk any depth with fts and never follow
 * a symlink.
 */
void sandbox_remove(const char *dir)
{
	const char *chmod_argv[] = {"chmod", "-R", "u+rwx", "--", dir, NULL};
	const char *rm_argv[] = {"rm", "-rf", "--", dir, NULL};
	int i;

	for (i = 0; i < 2; i++) {
		const char *const *argv = i ? rm_argv : chmod_argv;
		pid_t pid = fork();
		int ws;

		if (pid == 0) {
			int null = open("/dev/null", O_WRONLY);

			if (null >= 0)
				dup2(null, 2);
			execvp(argv[0], (char *const *)argv);
			_exit(127);
		}
		if (pid > 0)
			while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
				;
	}
	if (access(dir, F_OK) == 0)
		fprintf(stderr, "warning: could not remove all of %s\n", dir);
}
