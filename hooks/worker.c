/* worker: part of the hook's work done in a forked process, on another core */
#include "worker.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

/* Write all of buf; a short write is retried, an error ends it. */
static int worker_write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

static void worker_child(int fd, worker_fn fn, void *payload)
{
	struct buf answer = BUF_INIT;
	int status = 1;

	if (fn(&answer, payload) == 0 &&
	    worker_write_all(fd, answer.ptr, answer.len) == 0 &&
	    close(fd) == 0)
		status = 0;
	/* the answer's memory goes with the process */
	_exit(status);
}

int worker_start(struct worker *w, worker_fn fn, void *payload,
		 struct err *err)
{
	int fds[2];
	pid_t pid, parent = getpid();

	w->pid = 0;
	w->fd = -1;
	if (pipe2(fds, O_CLOEXEC) < 0)
		return err_set(err, "cannot make a pipe: %s", strerror(errno));
	/* stdio buffers are copied by fork and must not be written twice */
	fflush(NULL);
	if ((pid = fork()) < 0) {
		err_set(err, "cannot start a process: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		/*
		 * A parent that dies (receive-pack gone, the hook killed)
		 * takes its workers with it rather than leave them judging
		 * for nobody until gitapps.timeout.
		 */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
			_exit(1);
		close(fds[0]);
		worker_child(fds[1], fn, payload);
	}
	close(fds[1]);
	w->pid = pid;
	w->fd = fds[0];
	return 0;
}

static int worker_wait(pid_t pid, int *status)
{
	pid_t got;

	while ((got = waitpid(pid, status, 0)) < 0 && errno == EINTR)
		;
	return got == pid ? 0 : -1;
}

/*
 * Wait until fd can be read or the deadline passes: 1 readable, 0 past
 * the deadline, -1 an error (errno).
 */
static int worker_wait_readable(int fd, const struct timespec *deadline)
{
	struct pollfd pfd = {fd, POLLIN, 0};

	for (;;) {
		struct timespec now;
		long long ms = -1;
		int n;

		if (deadline != NULL) {
			clock_gettime(CLOCK_MONOTONIC, &now);
			ms = (long long)(deadline->tv_sec - now.tv_sec) * 1000 +
			     (deadline->tv_nsec - now.tv_nsec) / 1000000;
			if (ms < 0)
				return 0;
			if (ms > 60000)
				ms = 60000;	/* then look at the clock again */
		}
		n = poll(&pfd, 1, (int)ms);
		if (n > 0)
			return 1;
		if (n < 0 && errno != EINTR)
			return -1;
	}
}

int worker_finish(struct worker *w, struct buf *out,
		  const struct timespec *deadline, struct err *err)
{
	int status = 0, error = -1, ready;
	bool read_all = false;

	if (w->pid == 0)
		return err_set(err, "no such worker");
	for (;;) {
		ssize_t n;

		if ((ready = worker_wait_readable(w->fd, deadline)) <= 0) {
			if (ready == 0)
				err_set(err, "a worker did not finish in time");
			else
				err_set(err, "cannot wait for a worker: %s",
					strerror(errno));
			break;
		}
		if (buf_grow(out, 65536) < 0) {
			err_set(err, "out of memory");
			break;
		}
		n = read(w->fd, out->ptr + out->len, out->alloc - out->len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err_set(err, "cannot read from a worker: %s",
				strerror(errno));
			break;
		}
		if (n == 0) {
			read_all = true;
			break;
		}
		out->len += (size_t)n;
		out->ptr[out->len] = '\0';
	}
	close(w->fd);
	w->fd = -1;
	if (!read_all)
		kill(w->pid, SIGKILL);
	if (worker_wait(w->pid, &status) < 0)
		err_set(err, "cannot wait for a worker: %s", strerror(errno));
	else if (!read_all)
		;	/* err says why */
	else if (WIFSIGNALED(status))
		err_set(err, "a worker was killed by signal %d",
			WTERMSIG(status));
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		err_set(err, "a worker failed (out of memory?)");
	else
		error = 0;
	w->pid = 0;
	return error;
}

void worker_cancel(struct worker *w)
{
	int status;

	if (w == NULL || w->pid == 0)
		return;
	kill(w->pid, SIGKILL);
	if (w->fd >= 0)
		close(w->fd);
	worker_wait(w->pid, &status);
	w->pid = 0;
	w->fd = -1;
}

unsigned worker_cpus(void)
{
	cpu_set_t set;
	int n;

	if (sched_getaffinity(0, sizeof(set), &set) == 0 &&
	    (n = CPU_COUNT(&set)) > 0)
		return (unsigned)n;
	n = (int)sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (unsigned)n : 1;
}
