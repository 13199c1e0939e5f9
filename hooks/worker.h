/* worker: part of the hook's work done in a forked process, on another core */
#ifndef HOOKS_WORKER_H
#define HOOKS_WORKER_H

#include <sys/types.h>
#include <time.h>

#include "../common/buf.h"
#include "../common/err.h"

/*
 * A fork shares nothing mutable with its parent: the child has its own
 * copy of the repository handle, the pack reader's cache, the tree cache
 * and the compiled patterns, so none of them needs a lock, and a bug in
 * the child cannot corrupt the parent's verdict.  What the child found
 * comes back as bytes through a pipe, and anything short of a complete
 * answer and a clean exit is an error (the hook then fails closed).
 */
struct worker {
	pid_t pid;	/* 0: none */
	int fd;		/* the pipe's reading end, or -1 */
};

#define WORKER_INIT {0, -1}

/*
 * Work done in the child: fill out with the answer and return 0, or
 * return -1 when no answer can be given (out of memory); the child then
 * exits 1 and the parent's worker_finish() fails.
 */
typedef int (*worker_fn)(struct buf *out, void *payload);

/*
 * Fork a child that runs fn(&answer, payload), writes the answer to a
 * pipe and leaves with _exit(): no atexit handler runs and no stdio buffer
 * is flushed, as neither is the child's to run or write.  Call it only
 * while the process has one thread.  Returns 0 in the parent with *w set,
 * or -1 with err set (no process, no pipe).
 */
int worker_start(struct worker *w, worker_fn fn, void *payload,
		 struct err *err);

/*
 * Read the child's whole answer into out (appended), then reap it.
 * deadline (CLOCK_MONOTONIC; NULL: none) bounds the wait: a worker still
 * not done then is killed.  Returns 0 when it wrote its answer and exited
 * 0, or -1 with err set: it crashed, was killed, said it could not answer
 * or ran past the deadline.  The worker is then done with either way.
 */
int worker_finish(struct worker *w, struct buf *out,
		  const struct timespec *deadline, struct err *err);

/* Stop a worker whose answer is no longer wanted, and reap it; NULL-safe. */
void worker_cancel(struct worker *w);

/*
 * How many processors this process may run on (its affinity mask), at
 * least 1.
 */
unsigned worker_cpus(void);

#endif
