/* attestpath: where an attestation lives on refs/apps/attestations, and
   the built-in rule on who may write there (SPEC 11) */
#ifndef POLICY_ATTESTPATH_H
#define POLICY_ATTESTPATH_H

#include <stdbool.h>
#include <stddef.h>

#include "userid.h"

/* SPEC 11: a kind matches [a-z][a-z0-9-]{0,63}. */
#define ATTESTPATH_KIND_MAX 64u
/* Hex digits of a commit id (SHA-1, as libgit2 1.5 reads). */
#define ATTESTPATH_COMMIT_HEX 40u
/* "<aa>/<bb>/<rest>/<kind>/<ID>", NUL included */
#define ATTESTPATH_SIZE                                                       \
	(ATTESTPATH_COMMIT_HEX + 2 + 1 + ATTESTPATH_KIND_MAX + 1 +            \
	 USERID_LEN + 1)

/* Whether kind (len bytes) matches [a-z][a-z0-9-]{0,63}. */
bool attestpath_kind_is_valid(const char *kind, size_t len);

/*
 * Write the path of user's attestation of kind for commit (40 hex digits,
 * either case: written lower-case) into out: "4e/1f/2a9c.../approved/<ID>".
 * Returns 0, or -1 when commit, kind or user is not valid.
 */
int attestpath_format(char out[ATTESTPATH_SIZE], const char *commit,
		      const char *kind, const char *user);

/* The directory holding every attestation of kind for commit, no '/'. */
int attestpath_format_dir(char out[ATTESTPATH_SIZE], const char *commit,
			  const char *kind);

/*
 * The rule built into the hook for refs/apps/attestations, whatever the
 * policy says (SPEC 11): may user do op (one tree op of policy/op.h) at
 * path (len raw bytes), whose entry in the new tree has mode new_mode (0
 * when it is gone)?  Only the directories of the layout may be created,
 * and only user's own files created, modified or deleted, each a regular
 * blob of mode 100644.  Returns NULL when it may, or why not, as a phrase
 * for a denial ("it is not <aa>/<bb>/<rest>/<kind>/<ID>").
 */
const char *attestpath_refuse(const char *path, size_t len, unsigned op,
			      unsigned new_mode, const char *user);

#endif
