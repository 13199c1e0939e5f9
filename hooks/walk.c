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

/* Hide what every ref but opts->exclude_ref reaches: what exists. */
static int walk_hide_existing(git_revwalk *rw, git_repository *repo,
			      const char *exclude_ref, struct err *err)
{
	git_reference_iterator *it = NULL;
	git_reference *ref = NULL;
	git_object *peeled = NULL;
	int rc, error = -1;

	if (git_reference_iterator_new(&it, repo) < 0) {
		walk_git_error(err, "cannot list refs");
		goto done;
	}
	while ((rc = git_reference_next(&ref, it)) == 0) {
		/* a symbolic ref's target is listed on its own */
		if (git_reference_type(ref) == GIT_REFERENCE_DIRECT &&
		    (exclude_ref == NULL ||
		     strcmp(git_reference_name(ref), exclude_ref) != 0) &&
		    git_reference_peel(&peeled, ref, GIT_OBJECT_COMMIT) == 0) {
			if (git_revwalk_hide(rw, git_object_id(peeled)) < 0) {
				walk_git_error(err, "cannot walk history");
				goto done;
			}
			git_object_free(peeled);
			peeled = NULL;
		}
		git_reference_free(ref);
		ref = NULL;
	}
	if (rc != GIT_ITEROVER) {
		walk_git_error(err, "cannot list refs");
		goto done;
	}
	error = 0;
done:
	git_object_free(peeled);
	git_reference_free(ref);
	git_reference_iterator_free(it);
	return error;
}

static int walk_oid_cmp(const void *a, const void *b)
{
	return git_oid_cmp(a, b);
}

static bool walk_contains(const git_oid *sorted, size_t n, const git_oid *id)
{
	return bsearch(id, sorted, n, sizeof(*sorted), walk_oid_cmp) != NULL;
}

/* Fork points: parents of new commits that are not new themselves. */
static int walk_fork_points(struct walk *out, git_repository *repo,
			    const git_oid *new_commit, struct err *err)
{
	git_oid *sorted = NULL;
	git_commit *commit = NULL;
	size_t i, j, alloc = 0;
	int error = -1;

	if (out->ncommits == 0) {
		/* new already exists: creating the ref grants its history */
		if (walk_append(&out->bases, &out->nbases, &alloc,
				new_commit) < 0)
			goto oom;
		return 0;
	}
	if ((sorted = malloc(out->ncommits * sizeof(*sorted))) == NULL)
		goto oom;
	memcpy(sorted, out->commits, out->ncommits * sizeof(*sorted));
	qsort(sorted, out->ncommits, sizeof(*sorted), walk_oid_cmp);
	for (i = 0; i < out->ncommits; i++) {
		if (git_commit_lookup(&commit, repo, &out->commits[i]) < 0) {
			walk_git_error(err, "cannot read commit");
			goto done;
		}
		for (j = 0; j < git_commit_parentcount(commit); j++) {
			const git_oid *parent = git_commit_parent_id(commit, j);
			size_t k;
			bool seen = false;

			if (walk_contains(sorted, out->ncommits, parent))
				continue;
			for (k = 0; k < out->nbases && !seen; k++)
				seen = git_oid_equal(&out->bases[k], parent);
			if (!seen && walk_append(&out->bases, &out->nbases,
						 &alloc, parent) < 0)
				goto oom;
		}
		git_commit_free(commit);
		commit = NULL;
	}
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
	} else if (walk_hide_existing(rw, repo, opts->exclude_ref, err) < 0) {
		goto done;
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
	} else if (walk_fork_points(out, repo, new_commit, err) < 0) {
		goto done;
	}
	error = 0;
done:
	git_revwalk_free(rw);
	if (error < 0)
		walk_dispose(out);
	return error;
}
