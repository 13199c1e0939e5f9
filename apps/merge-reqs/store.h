/* store: merge requests read from the data branch's objects (SPEC 7) */
#ifndef MERGE_REQS_STORE_H
#define MERGE_REQS_STORE_H

#include <git2.h>
#include <stdbool.h>
#include <stddef.h>

#include "../../common/buf.h"
#include "../../common/err.h"
#include "../../policy/userid.h"
#include "comment.h"

#define STORE_DATA_REF "refs/apps/merge-reqs/data"

/*
 * "Reading is part of security" (SPEC 7): entries are read from the object
 * store, never from a checkout, and never as anything but the type they
 * must have.  A title, target or comment counts only as a regular blob, a
 * label only as a symlink whose target is exactly /labels/<label>; who
 * wrote something is the user id in its path.  Anything else is skipped
 * and described by a line appended to warnings.
 */
#define STORE_LABEL_IDS 16
#define STORE_CACHE 8

struct store {
	git_repository *repo;
	git_odb *odb;
	git_tree *root;		/* NULL: no data branch yet */
	git_tree *reqs;		/* merge-reqs/, or NULL */
	struct buf *warnings;	/* "<path>: <why>\n" lines, escaped */
	/* the last user directory read: list reads each user's in a row */
	char user[USERID_LEN + 1];
	git_tree *user_tree;
	/* the ids of the blobs "/labels/<name>" hashed so far, and
	 * whether labels/<name>/description makes that label exist */
	struct {
		char name[72];
		git_oid id;
		bool exists;
	} label_ids[16];
	size_t nlabel_ids;
	/*
	 * Most requests share their target blob and their labels tree
	 * (same labels, same tree id): what was read cleanly once is kept.
	 */
	struct {
		git_oid id;
		char *text;
	} lines[STORE_CACHE];
	size_t nlines, next_line;
	struct {
		git_oid id;
		char **labels;
		size_t count;
	} label_sets[STORE_CACHE];
	size_t nlabel_sets, next_label_set;
};



/* Open the tree of commit (NULL: an empty store).  Returns 0 or -1. */
int store_open(struct store *store, git_repository *repo,
	       const git_oid *commit, struct buf *warnings, struct err *err);
void store_close(struct store *store);

/* One request's name: merge-reqs/<user>/<n>. */
struct store_id {
	char user[USERID_LEN + 1];
	unsigned long n;
};

/*
 * Every request of the store (or only user's when user is not NULL), in
 * order of user id, then number.  The array is the caller's to free().
 */
int store_list(struct store *store, const char *user, struct store_id **out,
	       size_t *count, struct err *err);

/* The user ids that have a directory under merge-reqs/, to free(). */
int store_authors(struct store *store, char (**out)[USERID_LEN + 1],
		  size_t *count, struct err *err);

struct request_comment {
	char user[USERID_LEN + 1];	/* from the path: comments/<user>/ */
	unsigned long k;
	char *text;			/* owned; c points into it */
	struct comment c;
	bool well_formed;		/* false: c.body is the raw text */
};

struct request {
	struct store_id id;
	char *title;		/* NULL when missing or not a regular blob */
	char *target;		/* as stored, e.g. "heads/main"; or NULL */
	char **labels;		/* valid label names, sorted */
	size_t nlabels;
	struct request_comment *comments;	/* with STORE_COMMENTS */
	size_t ncomments;
	size_t comment_bytes;	/* what the comments' texts hold */
	bool comments_cut;	/* over the limits below: the rest ignored */
};

/* What one request's comments may cost a reader. */
#define STORE_COMMENTS_MAX 20000u
#define STORE_COMMENT_BYTES_MAX (32u * 1024u * 1024u)

#define STORE_COMMENTS 1u

/*
 * Read request id.  Returns 0, GIT_ENOTFOUND when there is no such
 * request, or -1 with err set.
 */
int store_read(struct store *store, const struct store_id *id,
	       unsigned flags, struct request *out, struct err *err);
void request_dispose(struct request *req);

/* Free the comments only (list keeps the rest of thousands of requests). */
void request_drop_comments(struct request *req);

bool request_has_label(const struct request *req, const char *label);

/* "merged", "closed" or "open" by the request's labels ("open" also when
 * it carries none of them). */
const char *request_state(const struct request *req);

/* The next free request number of user (1 for a new user). */
int store_next_number(struct store *store, const char *user,
		      unsigned long *out, struct err *err);

/* The next free comment number of commenter on request id. */
int store_next_comment(struct store *store, const struct store_id *id,
		       const char *commenter, unsigned long *out,
		       struct err *err);

/* Whether path exists in the store (any type). */
bool store_has_path(struct store *store, const char *path);

/* Whether label exists: labels/<label>/description is a regular blob. */
bool store_label_exists(struct store *store, const char *label);

/* Whether s is usable as a label name (a tree entry name, printable). */
bool store_label_name_valid(const char *s);

#endif
