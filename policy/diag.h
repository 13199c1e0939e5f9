/* diag: the list of `file:line: message` problems a policy load found */
#ifndef POLICY_DIAG_H
#define POLICY_DIAG_H

#include <stddef.h>

#include "../common/buf.h"

enum diag_level {
	DIAG_ERROR,	/* the policy does not load */
	DIAG_WARNING,	/* a rule that can never apply, and the like */
};

struct diag {
	enum diag_level level;
	char *file;	/* path in the policy tree, e.g. "refs/owner.conf" */
	unsigned line;	/* 1-based; 0 when the problem is the whole file */
	char *msg;
};

struct diag_list {
	struct diag *items;
	size_t count;
	size_t alloc;
	size_t errors;	/* how many items are DIAG_ERROR */
};

#define DIAG_LIST_INIT {NULL, 0, 0, 0}

/*
 * Append a problem.  Returns 0, or -1 when memory runs out (then the list
 * is unchanged; callers treat that as an error of their own).
 */
int diag_add(struct diag_list *list, enum diag_level level, const char *file,
	     unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/*
 * Append one diagnostic as a line without its newline:
 * `file:line: message` or `file:line: warning: message` (`file: message`
 * when line is 0), with control characters in file and message escaped.
 */
int diag_format(struct buf *out, const struct diag *diag);

/* The first error, or NULL. */
const struct diag *diag_first_error(const struct diag_list *list);

void diag_list_dispose(struct diag_list *list);

#endif
