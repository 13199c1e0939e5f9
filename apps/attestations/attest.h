/* attest: the files of refs/apps/attestations (SPEC 11): where one lives,
   who attested a commit, and a commit adding or deleting one */
#ifndef ATTESTATIONS_ATTEST_H
#define ATTESTATIONS_ATTEST_H

#include <git2.h>
#include <stdbool.h>
#include <stddef.h>

#include "../../common/buf.h"
#include "../../common/err.h"
#include "../../policy/attestpath.h"
#include "../../policy/userid.h"

/* The ref attestations live on (hooks/gate.h calls it GATE_REF). */
#define ATTEST_REF "refs/apps/attestations"

/* SPEC 11: a kind matches [a-z][a-z0-9-]{0,63}. */
#define ATTEST_KIND_MAX ATTESTPATH_KIND_MAX

/* "<aa>/<bb>/<rest>/<kind>/<user-id>" and its NUL. */
#define ATTEST_PATH_SIZE ATTESTPATH_SIZE

/* Whether kind is a valid attestation kind. */
bool attest_kind_valid(const char *kind);

/*
 * The path of user's attestation of kind for commit:
 * "<aa>/<bb>/<rest>/<kind>/<user-id>", the commit id in lower-case hex.
 * Returns 0, or -1 with err set when kind or user is malformed.
 */
int attest_path(char out[ATTEST_PATH_SIZE], const git_oid *commit,
		const char *kind, const char *user, struct err *err);

/*
 * The free text of an attestation written for a merge request: which
 * request and revision it came from, so that a reader of the ref can
 * tell why it is there.  Returns 0, or -1 when memory runs out.
 */
int attest_text_mr(struct buf *out, const char *author, unsigned long n,
		   unsigned long k, const git_oid *commit);

/*
 * The tree of the local refs/apps/attestations: *out NULL (and 0) when
 * there is no such ref yet; the ref must hold a commit (SPEC 11).  tip, if
 * not NULL, gets the commit's id.  Returns 0 or -1 with err set.
 */
int attest_tree(git_tree **out, git_oid *tip, git_repository *repo,
		struct err *err);

/* One attestation of a commit. */
struct attest_entry {
	char kind[ATTEST_KIND_MAX + 1];
	char user[USERID_LEN + 1];
};

/*
 * Every attestation of commit in root (NULL: none), sorted by kind, then
 * user: reads the commit's directory and one per kind, never the whole
 * tree (it may hold millions).  Entries of any other shape (not a regular
 * 100644 blob, a malformed kind or user id) are skipped: the hook denies
 * them, and a reader must never count them.  *out is the caller's to
 * free() (NULL when *count is 0).  Returns 0 or -1 with err set.
 */
int attest_list(struct attest_entry **out, size_t *count,
		git_repository *repo, git_tree *root, const git_oid *commit,
		struct err *err);

/*
 * Whether user holds a valid attestation of kind for commit in root
 * (NULL: none).  Returns 1, 0, or -1 with err set.
 */
int attest_exists(git_tree *root, const git_oid *commit, const char *kind,
		  const char *user, struct err *err);

/* One file to write or delete. */
struct attest_change {
	git_oid commit;		/* the attested commit */
	const char *kind;
	const char *user;	/* the attester: the pusher (SPEC 11) */
	const char *text;	/* NULL: delete the file */
	size_t len;
};

/*
 * A commit on parent (the local refs/apps/attestations; NULL: a root
 * commit) whose tree is parent's with change applied, by sig, with
 * message; directories left empty by a deletion disappear.  Nothing is
 * written to any ref.  Returns 0 with *out set; GIT_EEXISTS when the file
 * to write is there already, GIT_ENOTFOUND when the file to delete is not
 * (nothing would change); -1 with err set.
 */
int attest_commit(git_oid *out, git_repository *repo, const git_oid *parent,
		  const struct attest_change *change, const git_signature *sig,
		  const char *message, struct err *err);

#endif
