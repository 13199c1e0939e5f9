/* revs: the revision tags of a merge request (SPEC 3, 7) */
#ifndef MERGE_REQS_REVS_H
#define MERGE_REQS_REVS_H

#include <git2.h>
#include <stdbool.h>
#include <stddef.h>

#include "../../common/buf.h"
#include "../../common/err.h"
#include "store.h"

/* refs/apps/merge-reqs/<user>/<n>-v<k>: an annotated tag of a commit. */
struct revision {
	unsigned long k;
	git_oid tag;
	git_oid commit;
	git_time_t when;	/* the tagger's date: the author's claim */
};

/*
 * The revisions of request id among the local refs, sorted by k.  A ref
 * of that name that is not an annotated tag of a commit is skipped with a
 * warning.  *out is the caller's to free().
 */
int revs_list(git_repository *repo, const struct store_id *id,
	      struct revision **out, size_t *count, struct buf *warnings,
	      struct err *err);

/* A revision with its request, from revs_list_all(). */
struct revision_of {
	struct store_id id;
	struct revision rev;
};

/*
 * Every revision of every request among the local refs, in one pass
 * (list reads thousands of requests: a glob per request would read every
 * ref each time), sorted by user, number, then k.  Refs that are no
 * revision are skipped silently.  *out is the caller's to free().
 */
int revs_list_all(git_repository *repo, struct revision_of **out,
		  size_t *count, struct err *err);

/*
 * Parse "<user>/<n>-v<k>", a revision ref's name after
 * refs/apps/merge-reqs/, into *id and *k.  Returns false for any other
 * name (the data branch, a malformed one).
 */
bool revs_parse_ref(const char *name, struct store_id *id, unsigned long *k);

/* The ref name of revision k of id into out (size bytes). */
void revs_ref_name(char *out, size_t size, const struct store_id *id,
		   unsigned long k);

#endif
