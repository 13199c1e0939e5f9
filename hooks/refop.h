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

/*
 * refop_classify() without its one costly step.  *op is what it would say,
 * except where only ancestry can tell a fast-forward from a force (two
 * different commit objects outside refs/tags/): then *op is OP_FORCE and
 * *unsure is true, and refop_is_ancestor(), or a walk the caller makes
 * anyway, settles it.  That walk visits every commit between old and new,
 * so a caller whose decision is the same for both ops can skip it.
 * Returns like refop_classify().
 */
int refop_classify_shallow(enum op *op, bool *unsure, git_repository *repo,
			   const git_oid *old, const git_oid *new,
			   const char *ref, struct err *err);

/*
 * *out: whether old is new or an ancestor of new (libgit2's merge-base
 * walk).  Returns 0, or -1 with err set when history cannot be read.
 */
int refop_is_ancestor(bool *out, git_repository *repo, const git_oid *old,
		      const git_oid *new, const char *ref, struct err *err);

/* Whether ref is under refs/tags/. */
bool refop_is_tag_ref(const char *ref);

#endif
