/* acl_setup: what both init and upgrade write into a server repository */
#ifndef CLI_ACL_SETUP_H
#define CLI_ACL_SETUP_H

#include <git2.h>
#include <stdbool.h>
#include <stddef.h>

#include "../common/buf.h"

/* receive.certNonceSlop, seconds (SPEC 2: smart HTTP's two requests) */
#define ACL_SETUP_NONCE_SLOP 30

/*
 * Each writes into local, the repository's own config file (the only one
 * the hook reads, SPEC 2), and returns 0 or an exit code after printing a
 * fatal error.  With report, each value that changes is printed on
 * standard output as "set <name> = <value>" (a seed as "(random)"), so
 * that an upgrade says what it did; values already right are left alone.
 */

/* receive.fsckObjects = true and every fsck pin of common/fsckpins.h */
int acl_setup_pins(git_config *local, bool report);

/*
 * receive.certNonceSeed, fresh random, and receive.certNonceSlop =
 * ACL_SETUP_NONCE_SLOP: both always with replace (init: a copied
 * repository gets a new seed), else each only when it is missing.
 */
int acl_setup_nonce(git_config *local, bool replace, bool report);

/*
 * Whether the rule file text has a base line (SPEC 5: a line whose first
 * field is "base").
 */
bool acl_setup_has_base(const char *text, size_t len);

/*
 * Append to out the rule file text with its first base line replaced by
 * "base heads/<branch>", the branch name escaped so that the pattern
 * matches only it; without a base line one is put first.  branch must be
 * a valid branch name (acl_setup_branch_ok()).  Returns 0, or -1 when
 * memory runs out.
 */
int acl_setup_base(struct buf *out, const char *text, size_t len,
		   const char *branch);

/* Whether refs/heads/<branch> is a valid ref name. */
bool acl_setup_branch_ok(const char *branch);

#endif
