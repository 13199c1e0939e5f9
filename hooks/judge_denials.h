/*
 * judge_denials: the denials of a push, kept in the order found, each line
 * once, counted past gitapps.maxDenials (SPEC 6); and the question whose
 * "no" makes most of them.  The bottom of the judge: every other judge_*.c
 * records its denials here, and this file calls none of them.
 */
#ifndef HOOKS_JUDGE_DENIALS_H
#define HOOKS_JUDGE_DENIALS_H

#include <stdbool.h>
#include <stddef.h>

#include "../common/buf.h"
#include "../common/err.h"
#include "../policy/op.h"

struct judge;

/* Whether enough denials are in to prove the verdict (SPEC 6). */
bool judge__enough(const struct judge *judge);

/*
 * Record a denial (complete, escaped texts; line and hint are emptied),
 * unless its line is one already kept.  counted is the count of changed
 * tree entries at which it was found, for a fan-out's merge.  Returns 0,
 * or -1 with err set.
 */
int judge__add(struct judge *judge, struct buf *line, struct buf *hint,
	       size_t counted, struct err *err);

/* The changed tree entries counted so far, to stamp a denial with. */
size_t judge__counted(const struct judge *judge);

/* Append ref as rules see it, escaped: "heads/main".  0, or -1 (memory). */
int judge__put_ref(struct buf *out, const char *ref);

/*
 * Ask the policy whether user may do op on ref (at path, when path is not
 * NULL); on a denial record the SPEC 6 message, naming the object as
 * "<kind> <12 hex>" (kind NULL: "commit"; commit NULL: no object).
 * Returns 0 whatever the verdict, or -1 with err set.
 */
int judge__ask(struct judge *judge, const char *user, enum op op,
	       const char *ref, const char *path, size_t path_len,
	       const char *kind, const char *commit, struct err *err);

/* Free the denials kept; judge_free() calls it. */
void judge__denials_dispose(struct judge *judge);

#endif
