/* walk: which commits a ref update is charged for (SPEC 4) */
#include "walk.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void walk_dispose(struct walk *walk)
{
	if (walk == NULL)
		return;
	free(walk->commits);
	free(walk->bases);
	memset(walk, 0, sizeof(*walk));
}

static int walk_append(git_oid **items, size_t *count, size_t *alloc,
		       const git_oid *id)
{
	if (*count == *alloc) {
		size_t n = *alloc ? *alloc * 2 : 16;
		git_oid *p;

		if (n > SIZE_MAX / sizeof(*p) ||
		    (p = realloc(*items, n * sizeof(*p))) == NULL)
			return -1;
		*items = p;
		*alloc = n;
	}
	git_oid_cpy(&(*items)[(*count)++], id);
	return 0;
}

static int walk_git_error(struct err *err, const char *what)
{
	const git_error *e = git_error_last();

	return err_set(err, "%s: %s", what,
		       e && e->message ? e->message : "unknown error");
}

static int walk_oid_cmp(const void *a, const void *b)
{
	return git_oid_cmp(a, b);
}

static bool walk_contains(const git_oid *sorted, size_t n, const git_oid *id)
{
	return n > 0 &&
	       bsearch(id, sorted, n, sizeof(*sorted), walk_oid_cmp) != NULL;
}

/*
 * The one fork point (SPEC 4): the first commit on new's first-parent
 * chain that is not new, or none (the empty tree) when the chain ends in
 * a new root.  One, not every parent of a new commit that exists: each
 * fork point excuses the paths it shares, so a merge of an old and a new
 * base commit could bring back an old version of a file nobody may write.
 * The chain stays within the new commits, so this reads at most as many
 * commits as the walk found (and libgit2's cache has them).
 */
static int walk_fork_point(struct walk *out, git_repository *repo,
			   const git_oid *new_commit, struct err *err)
{
	git_oid *sorted = NULL;
	git_commit *commit = NULL;
	size_t alloc = 0;
	git_oid id;
	int error = -1;

	if (out->ncommits > 0) {
		if ((sorted = malloc(out->ncommits * sizeof(*sorted))) == NULL)
			goto oom;
		memcpy(sorted, out->commits, out->ncommits * sizeof(*sorted));
		qsort(sorted, out->ncommits, sizeof(*sorted), walk_oid_cmp);
	}
	git_oid_cpy(&id, new_commit);
	while (walk_contains(sorted, out->ncommits, &id)) {
		if (git_commit_lookup(&commit, repo, &id) < 0) {
			walk_git_error(err, "cannot read commit");
			goto done;
		}
		if (git_commit_parentcount(commit) == 0) {
			error = 0;	/* a new root: from the empty tree */
			goto done;
		}
		git_oid_cpy(&id, git_commit_parent_id(commit, 0));
		git_commit_free(commit);
		commit = NULL;
	}
	/* new itself when it exists: creating the ref grants its history */
	if (walk_append(&out->bases, &out->nbases, &alloc, &id) < 0)
		goto oom;
	error = 0;
	goto done;
oom:
	err_set(err, "out of memory");
done:
	git_commit_free(commit);
	free(sorted);
	return error;
}

int walk_charges(struct walk *out, git_repository *repo,
		 const git_oid *new_commit, const git_oid *old_commit,
		 const struct walk_options *opts, struct err *err)
{
	git_revwalk *rw = NULL;
	size_t alloc = 0, bases_alloc = 0;
	git_oid id;
	int rc, error = -1;

	memset(out, 0, sizeof(*out));
	if (git_revwalk_new(&rw, repo) < 0 ||
	    git_revwalk_push(rw, new_commit) < 0) {
		walk_git_error(err, "cannot walk history");
		goto done;
	}
	if (old_commit != NULL) {
		if (git_revwalk_hide(rw, old_commit) < 0) {
			walk_git_error(err, "cannot walk history");
			goto done;
		}
	} else {
		size_t i;

		for (i = 0; i < opts->nexist; i++)
			if (git_revwalk_hide(rw, &opts->exist[i]) < 0) {
				walk_git_error(err, "cannot walk history");
				goto done;
			}
	}
	while ((rc = git_revwalk_next(&id, rw)) == 0) {
		if (*opts->budget == 0) {
			err_set(err, "too many commits "
				     "(gitapps.maxCommits reached)");
			goto done;
		}
		(*opts->budget)--;
		if (walk_append(&out->commits, &out->ncommits, &alloc, &id) <
		    0) {
			err_set(err, "out of memory");
			goto done;
		}
	}
	if (rc != GIT_ITEROVER) {
		walk_git_error(err, "cannot walk history");
		goto done;
	}
	if (old_commit != NULL) {
		if (walk_append(&out->bases, &out->nbases, &bases_alloc,
				old_commit) < 0) {
			err_set(err, "out of memory");
			goto done;
		}
	} else if (walk_fork_point(out, repo, new_commit, err) < 0) {
		goto done;
	}
	error = 0;
done:
	git_revwalk_free(rw);
	if (error < 0)
		walk_dispose(out);
	return error;
}
