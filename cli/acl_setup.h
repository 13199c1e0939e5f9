/* acl_setup: what both init and upgrade write into a server repository */
#ifndef CLI_ACL_SETUP_H
#define CLI_ACL_SETUP_H

#include <git2.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "../common/buf.h"

/* receive.certNonceSlop, seconds (SPEC 2: smart HTTP's two requests) */
#define ACL_SETUP_NONCE_SLOP 30
/*
 * The largest slop init accepts and doctor leaves alone (SPEC 9): a nonce
 * stays good that long, for any session, and replay records live longer.
 */
#define ACL_SETUP_MAX_SLOP 300

/* Where the hook is installed, relative to the directory of git-acl. */
#define ACL_SETUP_HOOK_BESIDE "../libexec/gitapps/pre-receive"

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
 * receive.certNonceSeed, fresh random, and receive.certNonceSlop = slop
 * seconds: both always with replace (init: a copied repository gets a new
 * seed), else each only when it is missing.
 */
int acl_setup_nonce(git_config *local, unsigned slop, bool replace,
		    bool report);

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

/*
 * The absolute path of this build's hook into target: found beside our
 * own executable (ACL_SETUP_HOOK_BESIDE), never compiled in, so that the
 * build tree and an installed tree both work.  Returns 0 or an exit code
 * after printing a fatal error.
 */
int acl_setup_find_hook(char target[PATH_MAX]);

/*
 * Make <repo>/hooks/pre-receive a symbolic link to target (an absolute
 * path).  A link to target already is left alone; anything else there is
 * replaced only with force.  Returns 0 or an exit code after printing a
 * fatal error.
 */
int acl_setup_link_hook(git_repository *repo, const char *target, bool force);

/*
 * Build the key index (adapters/keyindex.h) of refs/apps/access-control
 * under $GIT_DIR/gitapps, whatever the number of key files; *built says
 * whether a shard had to be made.  Nothing to do without a policy.
 * Returns 0 or an exit code after printing a fatal error.
 */
int acl_setup_key_index(git_repository *repo, bool *built);

/* The branch HEAD names ("main" of refs/heads/main), or NULL: free it. */
char *acl_setup_head_branch(git_repository *repo);

/*
 * Whether path is owned by another account than the caller's (git's
 * "dubious ownership": git, run as the caller, refuses such a
 * repository).  Returns 1 and appends "owned by <user> (uid N), not by
 * you, <user> (uid M)" to out; 0 when the caller owns it; -1 when path
 * cannot be examined (errno) or memory runs out.
 */
int acl_setup_foreign_owner(struct buf *out, const char *path);

#endif
