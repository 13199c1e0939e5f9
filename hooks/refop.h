/* refop: `<old> <new> <ref>` to a ref op (SPEC 4) */
#ifndef HOOKS_REFOP_H
#define HOOKS_REFOP_H

#include <git2.h>
#include <stdbool.h>

#include "../common/err.h"
#include "../policy/op.h"

/*
 * The ref op of one command, from the objects themselves (never peeled):
 *  - delete: new is zero;
 *  - create-tag: old is zero and ref is under refs/tags/ or new is an
 *    annotated tag object; create-branch: any other creation;
 *  - fast-forward: outside refs/tags/, old and new are both commit objects
 *    and old is an ancestor of new (or new itself);
 *  - force: anything else (every update under refs/tags/).
 * Returns 0 with *op set, or -1 with err set when an object cannot be
 * read (a missing new object is an error, never a guess).
 */
int refop_classify(enum op *op, git_repository *repo, const git_oid *old,
		   const git_oid *new, const char *ref, struct err *err);

/* Whether ref is under refs/tags/. */
bool refop_is_tag_ref(const char *ref);

#endif
