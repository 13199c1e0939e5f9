/* acl_edit: a new commit of the policy from a few tree updates */
#ifndef CLI_ACL_EDIT_H
#define CLI_ACL_EDIT_H

#include <git2.h>
#include <stdbool.h>

/*
 * keys add, keys migrate, ban, unban and upgrade each change a few paths
 * of the policy and make one commit on top of refs/apps/access-control.
 * Their functions return exit codes (cli.h), after printing a fatal error.
 */
struct acl_edit {
	git_repository *repo;		/* borrowed */
	git_oid tip;			/* refs/apps/access-control as read */
	git_commit *parent;		/* its commit */
	git_tree *root;			/* its tree */
};

/*
 * Read the local refs/apps/access-control of repo.  Without one, say how
 * to fetch it.  Returns 0 or an exit code; dispose of edit either way.
 */
int acl_edit_open(struct acl_edit *edit, git_repository *repo);

void acl_edit_dispose(struct acl_edit *edit);

/*
 * The contents of a regular file of the policy as a NUL-terminated copy
 * in *out (the caller frees it; NULL when the path is absent or not a
 * regular file), at most max bytes (larger: a fatal error).  Returns 0 or
 * an exit code.
 */
int acl_edit_read(char **out, size_t *len, const struct acl_edit *edit,
		  const char *path, size_t max);

/* A blob of data in the repository, for a git_tree_update; 0 or exit code */
int acl_edit_blob(git_oid *out, const struct acl_edit *edit, const void *data,
		  size_t len);

/*
 * Commit the policy's tree with updates applied (git_tree_create_updated:
 * a directory left empty goes), message as the commit message and the
 * policy tip as its parent, and point ref at it.  ref is the policy ref,
 * moved only if it is still at the tip that was read (no lost update), or
 * another ref, created or replaced.  The author and committer are
 * user.name and user.email; when they are not set, a fatal error unless
 * anonymous_ok, which signs as "git acl <git-acl@localhost>" instead (the
 * server's account of upgrade).  *changed, when not NULL, is false and
 * nothing is committed when the updates leave the tree as it was.  The new
 * commit's id in *out.  Returns 0 or an exit code.
 */
int acl_edit_commit(git_oid *out, bool *changed, const struct acl_edit *edit,
		    const git_tree_update *updates, size_t n,
		    const char *message, const char *ref, bool anonymous_ok);

/* "fatal: <what>: <libgit2's last error>"; returns CLI_EXIT_FATAL */
int acl_edit_git_error(const char *what);

#endif
