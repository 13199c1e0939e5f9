/* walk: which commits a ref update is charged for (SPEC 4) */
#ifndef HOOKS_WALK_H
#define HOOKS_WALK_H

#include <git2.h>
#include <stddef.h>

#include "../common/err.h"

/*
 * What one created or updated ref is charged with, besides its net change:
 *  - commits: every commit new to the ref (reachable from new and not from
 *    old; for a created ref, reachable from new and from none of the
 *    commits that exist, the tips of the base refs), each to be charged
 *    its own changes against its parents;
 *  - bases: where the net change is measured from: old's commit for an
 *    update; for a created ref its one fork point, the first commit on
 *    new's first-parent chain that is not new (new itself when it
 *    exists).  No base means the empty tree.
 */
struct walk {
	git_oid *commits;
	size_t ncommits;
	git_oid *bases;
	size_t nbases;
};

struct walk_options {
	/*
	 * For a creation: what exists is what these commits reach, the tips
	 * of the base refs as they were before the push (SPEC 4); none, for
	 * a ref under refs/apps/ or with no base ref, makes every commit
	 * new.  Commits reachable from other refs (tags, personal branches,
	 * merge-request revisions) are new: no way to launder content.
	 */
	const git_oid *exist;
	size_t nexist;
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
