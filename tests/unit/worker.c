/* worker: forked helpers and what their parent makes of them (hooks/worker.c) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../hooks/worker.h"

static int answer_text(struct buf *out, void *payload)
{
	return buf_puts(out, payload);
}

static void test_answer_comes_back(void **state)
{
	struct worker w = WORKER_INIT;
	struct buf out = BUF_INIT;
	struct err err = {""};

	(void)state;
	assert_int_equal(worker_start(&w, answer_text, "judged", &err), 0);
	assert_true(w.pid > 0);
	assert_int_equal(worker_finish(&w, &out, NULL, &err), 0);
	assert_string_equal(buf_cstr(&out), "judged");
	assert_int_equal(w.pid, 0);
	/* reaped: no child left */
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
	buf_dispose(&out);
}

/* More than a pipe holds: the child blocks until the parent reads. */
static int answer_big(struct buf *out, void *payload)
{
	size_t i, n = *(size_t *)payload;

	for (i = 0; i < n; i++)
		if (buf_putc(out, (char)('a' + i % 26)) < 0)
			return -1;
	return 0;
}

static void test_big_answer_is_read_whole(void **state)
{
	struct worker w = WORKER_INIT;
	struct buf out = BUF_INIT;
	struct err err = {""};
	size_t n = 3 * 1024 * 1024, i;

	(void)state;
	assert_int_equal(worker_start(&w, answer_big, &n, &err), 0);
	assert_int_equal(worker_finish(&w, &out, NULL, &err), 0);
	assert_int_equal(out.len, n);
	for (i = 0; i < n; i++)
		if (out.ptr[i] != (char)('a' + i % 26))
			fail_msg("byte %zu differs", i);
	buf_dispose(&out);
}

static int answer_none(struct buf *out, void *payload)
{
	(void)payload;
	buf_puts(out, "half an answer");
	return -1;
}

static void test_no_answer_is_an_error(void **state)
{
	struct worker w = WORKER_INIT;
	struct buf out = BUF_INIT;
	struct err err = {""};

	(void)state;
	assert_int_equal(worker_start(&w, answer_none, NULL, &err), 0);
	assert_int_equal(worker_finish(&w, &out, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "a worker failed"));
	/* what it wrote before failing is not passed off as an answer */
	assert_int_equal(out.len, 0);
	buf_dispose(&out);
}

static int answer_then_die(struct buf *out, void *payload)
{
	(void)payload;
	/* killed before it could answer, as by the OOM killer */
	if (buf_puts(out, "partial") < 0)
		return -1;
	raise(SIGKILL);
	return 0;
}

static void test_killed_worker_is_an_error(void **state)
{
	struct worker w = WORKER_INIT;
	struct buf out = BUF_INIT;
	struct err err = {""};

	(void)state;
	assert_int_equal(worker_start(&w, answer_then_die, NULL, &err), 0);
	assert_int_equal(worker_finish(&w, &out, NULL, &err), -1);
	assert_string_equal(err.msg, "a worker was killed by signal 9");
	buf_dispose(&out);
}

static int answer_never(struct buf *out, void *payload)
{
	(void)out;
	(void)payload;
	for (;;)
		pause();
	return 0;
}

static void test_cancel_stops_and_reaps(void **state)
{
	struct worker w = WORKER_INIT;
	struct err err = {""};
	pid_t pid;

	(void)state;
	assert_int_equal(worker_start(&w, answer_never, NULL, &err), 0);
	pid = w.pid;
	worker_cancel(&w);
	assert_int_equal(w.pid, 0);
	assert_int_equal(w.fd, -1);
	assert_int_equal(waitpid(pid, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
	worker_cancel(&w);	/* done with: a no-op */
	worker_cancel(NULL);
}

static void test_stuck_worker_is_killed_at_the_deadline(void **state)
{
	struct worker w = WORKER_INIT;
	struct buf out = BUF_INIT;
	struct err err = {""};
	struct timespec deadline;

	(void)state;
	assert_int_equal(worker_start(&w, answer_never, NULL, &err), 0);
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_nsec += 200 * 1000 * 1000;
	if (deadline.tv_nsec >= 1000 * 1000 * 1000) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000 * 1000 * 1000;
	}
	assert_int_equal(worker_finish(&w, &out, &deadline, &err), -1);
	assert_string_equal(err.msg, "a worker did not finish in time");
	assert_int_equal(w.pid, 0);
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
	buf_dispose(&out);
}

/* Whether pid is gone or a zombie (killed, not yet reaped by init). */
static int dead(pid_t pid)
{
	char path[64], line[256], *close_paren;
	FILE *f;
	int gone;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return 1;
	gone = fgets(line, sizeof(line), f) == NULL ||
	       ((close_paren = strrchr(line, ')')) != NULL &&
		(close_paren[2] == 'Z' || close_paren[2] == 'X'));
	fclose(f);
	return gone;
}

static void test_workers_die_with_their_parent(void **state)
{
	int fds[2];
	pid_t middle, orphan = 0;
	int i;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	middle = fork();
	assert_true(middle >= 0);
	if (middle == 0) {
		/* a parent that starts a worker, then dies without a word */
		struct worker w = WORKER_INIT;
		struct err err = {""};

		if (worker_start(&w, answer_never, NULL, &err) < 0 ||
		    write(fds[1], &w.pid, sizeof(w.pid)) != sizeof(w.pid))
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	assert_int_equal(read(fds[0], &orphan, sizeof(orphan)),
			 sizeof(orphan));
	close(fds[0]);
	assert_int_equal(waitpid(middle, NULL, 0), middle);
	for (i = 0; i < 500 && !dead(orphan); i++) {
		struct timespec tick = {0, 10 * 1000 * 1000};

		nanosleep(&tick, NULL);
	}
	if (!dead(orphan)) {
		kill(orphan, SIGKILL);
		fail_msg("the worker outlived its parent");
	}
}

static int answer_quietly(struct buf *out, void *payload)
{
	(void)payload;
	return buf_puts(out, "ok");
}

static void test_parent_stdio_is_written_once(void **state)
{
	struct worker w = WORKER_INIT;
	struct buf out = BUF_INIT;
	struct err err = {""};
	char text[64] = "";
	FILE *f = tmpfile();

	(void)state;
	assert_non_null(f);
	/* buffered in the parent when it forks */
	fputs("once\n", f);
	assert_int_equal(worker_start(&w, answer_quietly, NULL, &err), 0);
	assert_int_equal(worker_finish(&w, &out, NULL, &err), 0);
	rewind(f);
	assert_int_equal(fread(text, 1, sizeof(text) - 1, f), 5);
	assert_string_equal(text, "once\n");
	fclose(f);
	buf_dispose(&out);
}

static void test_cpus(void **state)
{
	(void)state;
	assert_true(worker_cpus() >= 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_answer_comes_back),
		cmocka_unit_test(test_big_answer_is_read_whole),
		cmocka_unit_test(test_no_answer_is_an_error),
		cmocka_unit_test(test_killed_worker_is_an_error),
		cmocka_unit_test(test_cancel_stops_and_reaps),
		cmocka_unit_test(test_stuck_worker_is_killed_at_the_deadline),
		cmocka_unit_test(test_workers_die_with_their_parent),
		cmocka_unit_test(test_parent_stdio_is_written_once),
		cmocka_unit_test(test_cpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
