/* mr_sandbox: run a revision's test command as hostile code (SPEC 8) */
#ifndef CLI_MR_SANDBOX_H
#define CLI_MR_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>

#include "../common/buf.h"
#include "../common/err.h"

struct sandbox_limits {
	unsigned timeout;	/* seconds of wall-clock time */
	size_t max_output;	/* bytes the command may print in all */
	size_t memory;		/* bytes of address space (RLIMIT_AS) */
	size_t tail;		/* bytes of the end of the log kept */
};

enum sandbox_outcome {
	SANDBOX_PASS,		/* exit status 0 */
	SANDBOX_FAIL,		/* any other exit status, or a signal */
	SANDBOX_ERROR,		/* could not run it, or it broke a limit */
	SANDBOX_TIMEOUT,	/* killed at the time limit */
};

struct sandbox_result {
	enum sandbox_outcome outcome;
	struct buf log;		/* the last limits->tail bytes printed */
	size_t printed;		/* how many bytes it printed in all */
	int exit_status;	/* SANDBOX_FAIL by exiting: its status, else -1 */
	char why[160];		/* one line for the log: exit status etc. */
};

/*
 * Run `sh -c command` with dir as its working directory (mounted at
 * /build) in a bubblewrap sandbox (bwrap the program to run; SPEC 8's
 * flags: a new user, pid, network, ipc, uts and mount namespace, uid and
 * gid 65534, no capabilities, a new session, dying with us), seeing only
 * /usr read-only, the few /etc files that dynamic linking needs, a
 * private /tmp and home, and dir.  bwrap NULL runs it without a sandbox
 * (--accept-no-sandbox): then only the environment, the working
 * directory, the limits and a session of its own separate it from us.
 * stdin is /dev/null; stdout and stderr are read together.  Returns 0
 * with result filled (release its log), or -1 with err set.
 */
int sandbox_run(const char *bwrap, const char *dir, const char *command,
		const struct sandbox_limits *limits,
		struct sandbox_result *result, struct err *err);

/*
 * Whether bwrap can make the sandbox here: runs `true` in it.  Returns 0,
 * or -1 with err saying what bwrap said (a chroot, a container, no user
 * namespaces, bwrap missing).
 */
int sandbox_probe(const char *bwrap, struct err *err);

/* A fresh private directory under $TMPDIR (or /tmp), into out. */
int sandbox_mkdtemp(char *out, size_t size, const char *prefix,
		    struct err *err);

/* Remove dir and everything in it, whatever modes the command left. */
void sandbox_remove(const char *dir);

#endif
