/* edit: a change to the data branch, built in memory (never checked out) */
#ifndef MERGE_REQS_EDIT_H
#define MERGE_REQS_EDIT_H

#include <git2.h>
#include <stddef.h>

#include "../../common/err.h"
#include "store.h"

struct edit {
	git_repository *repo;
	git_tree_update *updates;
	size_t count, alloc;
};

void edit_init(struct edit *edit, git_repository *repo);
void edit_dispose(struct edit *edit);

/* Write data as a blob and set path to it (a file, or a symlink when mode
 * is GIT_FILEMODE_LINK).  Returns 0 or -1. */
int edit_put(struct edit *edit, const char *path, const void *data,
	     size_t len, git_filemode_t mode, struct err *err);
int edit_remove(struct edit *edit, const char *path, struct err *err);

/*
 * Label both ways SPEC 7 keeps them: merge-reqs/<u>/<n>/labels/<label>
 * pointing at /labels/<label>, and labels/<label>/<u>/<n> pointing back.
 * Removing touches only the entries that exist in store.
 */
int edit_label_add(struct edit *edit, const struct store_id *id,
		   const char *label, struct err *err);
int edit_label_remove(struct edit *edit, struct store *store,
		      const struct store_id *id, const char *label,
		      struct err *err);

/*
 * Post c as commenter's next comment on request id (its number into *k):
 * merge-reqs/<u>/<n>/comments/<commenter>/<k>, numbered from what store
 * holds.  Returns 0, or -1 with err set.
 */
int edit_comment(struct edit *edit, struct store *store,
		 const struct store_id *id, const char *commenter,
		 const struct comment *c, unsigned long *k, struct err *err);

/*
 * Apply the updates to parent's tree (parent NULL: the empty tree) and
 * write a commit of it with message, by sig (author and committer).
 * Returns 0 with *out set, or -1 with err set.
 */
int edit_commit(struct edit *edit, const git_oid *parent,
		const git_signature *sig, const char *message, git_oid *out,
		struct err *err);

#endif
