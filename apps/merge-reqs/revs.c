/* revs: the revision tags of a merge request (SPEC 3, 7) */
#include "revs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/quote.h"
#include "comment.h"

void revs_ref_name(char *out, size_t size, const struct store_id *id,
		   unsigned long k)
{
	snprintf(out, size, "refs/apps/merge-reqs/%s/%lu-v%lu", id->user,
		 id->n, k);
}

bool revs_parse_ref(const char *name, struct store_id *id, unsigned long *k)
{
	const char *slash = strchr(name, '/'), *dash;

	if (slash == NULL || slash - name != USERID_LEN ||
	    !userid_is_valid(name, USERID_LEN))
		return false;
	dash = strstr(slash + 1, "-v");
	if (dash == NULL || !comment_number_valid(slash + 1,
						  (size_t)(dash - slash - 1)) ||
	    !comment_number_valid(dash + 2, strlen(dash + 2)))
		return false;
	memcpy(id->user, name, USERID_LEN);
	id->user[USERID_LEN] = '\0';
	id->n = strtoul(slash + 1, NULL, 10);
	*k = strtoul(dash + 2, NULL, 10);
	return true;
}

static int revs_cmp(const void *a, const void *b)
{
	const struct revision *x = a, *y = b;

	return x->k < y->k ? -1 : x->k > y->k;
}

static void revs_warn(struct buf *warnings, const char *ref, const char *why)
{
	if (warnings == NULL)
		return;
	quote_controls(warnings, ref, strlen(ref));
	buf_printf(warnings, ": %s\n", why);
}

/* Fill rev from the ref; 1 (and a warning) when it is no revision. */
static int revs_read(git_repository *repo, git_reference *ref,
		     struct revision *rev, struct buf *warnings)
{
	const char *name = git_reference_name(ref);
	git_tag *tag = NULL;
	const git_signature *tagger;

	if (git_reference_type(ref) != GIT_REFERENCE_DIRECT ||
	    git_tag_lookup(&tag, repo, git_reference_target(ref)) < 0) {
		revs_warn(warnings, name, "not an annotated tag; ignored");
		return 1;
	}
	if (git_tag_target_type(tag) != GIT_OBJECT_COMMIT) {
		git_tag_free(tag);
		revs_warn(warnings, name, "does not tag a commit; ignored");
		return 1;
	}
	git_oid_cpy(&rev->tag, git_reference_target(ref));
	git_oid_cpy(&rev->commit, git_tag_target_id(tag));
	tagger = git_tag_tagger(tag);
	rev->when = tagger ? tagger->when.time : 0;
	git_tag_free(tag);
	return 0;
}

int revs_list(git_repository *repo, const struct store_id *id,
	      struct revision **out, size_t *count, struct buf *warnings,
	      struct err *err)
{
	git_reference_iterator *it = NULL;
	git_reference *ref = NULL;
	char glob[160], prefix[128];
	size_t alloc = 0, prefix_len;
	int rc;

	*out = NULL;
	*count = 0;
	prefix_len = (size_t)snprintf(prefix, sizeof(prefix),
				      "refs/apps/merge-reqs/%s/%lu-v",
				      id->user, id->n);
	snprintf(glob, sizeof(glob), "%s*", prefix);
	if (git_reference_iterator_glob_new(&it, repo, glob) < 0)
		return err_set(err, "cannot list the revision tags");
	while ((rc = git_reference_next(&ref, it)) == 0) {
		const char *k = git_reference_name(ref) + prefix_len;
		struct revision rev;

		if (comment_number_valid(k, strlen(k)) &&
		    revs_read(repo, ref, &rev, warnings) == 0) {
			if (*count == alloc) {
				size_t grow = alloc ? alloc * 2 : 8;
				struct revision *more =
					realloc(*out, grow * sizeof(*more));

				if (more == NULL) {
					git_reference_free(ref);
					rc = -1;
					break;
				}
				*out = more;
				alloc = grow;
			}
			rev.k = strtoul(k, NULL, 10);
			(*out)[(*count)++] = rev;
		}
		git_reference_free(ref);
	}
	git_reference_iterator_free(it);
	if (rc != GIT_ITEROVER) {
		free(*out);
		*out = NULL;
		*count = 0;
		return err_set(err, "cannot list the revision tags");
	}
	/* no revisions: *out is NULL, which qsort may not be given */
	if (*count > 1)
		qsort(*out, *count, sizeof(**out), revs_cmp);
	return 0;
}

static int revs_of_cmp(const void *a, const void *b)
{
	const struct revision_of *x = a, *y = b;
	int c = strcmp(x->id.user, y->id.user);

	if (c)
		return c;
	if (x->id.n != y->id.n)
		return x->id.n < y->id.n ? -1 : 1;
	return revs_cmp(&x->rev, &y->rev);
}

int revs_list_all(git_repository *repo, struct revision_of **out,
		  size_t *count, struct err *err)
{
	git_reference_iterator *it = NULL;
	git_reference *ref = NULL;
	size_t alloc = 0;
	int rc;

	*out = NULL;
	*count = 0;
	if (git_reference_iterator_glob_new(&it, repo,
					    "refs/apps/merge-reqs/*") < 0)
		return err_set(err, "cannot list the revision tags");
	while ((rc = git_reference_next(&ref, it)) == 0) {
		struct revision_of r;
		const char *name = git_reference_name(ref) +
				   strlen("refs/apps/merge-reqs/");

		if (revs_parse_ref(name, &r.id, &r.rev.k) &&
		    revs_read(repo, ref, &r.rev, NULL) == 0) {
			if (*count == alloc) {
				size_t grow = alloc ? alloc * 2 : 64;
				struct revision_of *more =
					realloc(*out, grow * sizeof(*more));

				if (more == NULL) {
					git_reference_free(ref);
					rc = -1;
					break;
				}
				*out = more;
				alloc = grow;
			}
			(*out)[(*count)++] = r;
		}
		git_reference_free(ref);
	}
	git_reference_iterator_free(it);
	if (rc != GIT_ITEROVER) {
		free(*out);
		*out = NULL;
		*count = 0;
		return err_set(err, "cannot list the revision tags");
	}
	if (*count > 1)
		qsort(*out, *count, sizeof(**out), revs_of_cmp);
	return 0;
}
