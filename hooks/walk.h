/* walk: which commits a ref update is charged for (SPEC 4) */
#ifndef HOOKS_WALK_H
#define HOOKS_WALK_H

#include <git2.h>
#include <stddef.h>

#include "../common/err.h"

/*
 * What one created or updated ref is charged with, besides its net change:
 *  - commits: every commit new to the ref (reachable from new and not from
 *    old; for a created ref, reachable from new and from no existing ref),
 *    each to be charged its own changes against its parents;
 *  - bases: where the net change is measured from: old's commit for an
 *    update; for a created ref its fork points (the parents of new commits
 *    that are not new themselves, or new itself when it already exists).
 *    No base means the empty tree.
 */
struct walk {
	git_oid *commits;
	size_t ncommits;
	git_oid *bases;
	size_t nbases;
};

struct walk_options {
	/*
	 * For `git acl check` of a creation: refs other than this one are
	 * what exists.  NULL in the hook, where refs are still as before the
	 * push, so every ref counts.
	 */
	const char *exclude_ref;
	/* commits left under gitapps.maxCommits, shared by the whole push */
	size_t *budget;
};

/*
 * Compute the charges of a ref whose new value peels to new_commit.
 * old_commit is the commit the ref's old value peels to for an update, or
 * NULL for a creation, or for an update whose old value is no commit: that
 * is charged as a creation would be.
 *
 * Returns 0 and fills *out (freed with walk_dispose()), or -1 with err set,
 * also when the budget runs out ("too many commits").
 */
int walk_charges(struct walk *out, git_repository *repo,
		 const git_oid *new_commit, const git_oid *old_commit,
		 const struct walk_options *opts, struct err *err);

void walk_dispose(struct walk *walk);

#endif
