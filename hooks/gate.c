/* gate: requirements met by attestations on refs/apps/attestations (SPEC 11) */
#include "gate.h"

#include <stdlib.h>
#include <string.h>

#include "../policy/attestpath.h"
#include "../policy/userid.h"
#include "refop.h"

/* Growable list of user ids (41-byte strings). */
struct gate_ids {
	char (*ids)[USERID_LEN + 1];
	size_t count, alloc;
};

/* What gate_check() reads once and asks many times. */
struct gate_ctx {
	git_repository *repo;
	git_tree *before;	/* the attestations' tree; NULL: none */
	git_tree *after;	/* this push's new value's tree, if it has one */
	bool deleted;		/* this push deletes the ref: nothing counts */
	struct err *err;
};

static int gate_git_error(struct err *err, const char *what)
{
	const git_error *e = git_error_last();

	return err_set(err, "%s: %s", what,
		       e && e->message ? e->message : "unknown error");
}

static int gate_ids_add(struct gate_ids *list, const char *id, size_t len,
			struct err *err)
{
	if (len != USERID_LEN)
		return 0;
	if (list->count == list->alloc) {
		size_t want = list->alloc ? list->alloc * 2 : 8;
		void *p = realloc(list->ids, want * sizeof(*list->ids));

		if (p == NULL)
			return err_set(err, "out of memory");
		list->ids = p;
		list->alloc = want;
	}
	memcpy(list->ids[list->count], id, USERID_LEN);
	list->ids[list->count++][USERID_LEN] = '\0';
	return 0;
}

/* The tree of the commit a ref or id peels to; NULL for none. */
static int gate_tree_of_id(git_tree **out, git_repository *repo,
			   const git_oid *id, struct err *err)
{
	git_object *obj = NULL, *commit = NULL;
	int error = -1;

	*out = NULL;
	if (git_object_lookup(&obj, repo, id, GIT_OBJECT_ANY) < 0 ||
	    git_object_peel(&commit, obj, GIT_OBJECT_COMMIT) < 0 ||
	    git_commit_tree(out, (git_commit *)commit) < 0) {
		gate_git_error(err, "cannot read " GATE_REF);
		goto done;
	}
	error = 0;
done:
	git_object_free(commit);
	git_object_free(obj);
	return error;
}

static int gate_open(struct gate_ctx *ctx, const struct gate_input *in)
{
	git_reference *ref = NULL;
	int rc = git_reference_lookup(&ref, ctx->repo, GATE_REF);

	if (rc < 0 && rc != GIT_ENOTFOUND)
		return gate_git_error(ctx->err, "cannot read " GATE_REF);
	if (rc == 0) {
		git_reference *direct = NULL;

		rc = git_reference_resolve(&direct, ref);
		git_reference_free(ref);
		if (rc < 0)
			return gate_git_error(ctx->err,
					      "cannot read " GATE_REF);
		rc = gate_tree_of_id(&ctx->before, ctx->repo,
				     git_reference_target(direct), ctx->err);
		git_reference_free(direct);
		if (rc < 0)
			return -1;
	}
	if (in->attest_new == NULL)
		return 0;
	if (git_oid_is_zero(in->attest_new)) {
		ctx->deleted = true;
		return 0;
	}
	/* a new value that is not a commit changes what counts: nothing does */
	if (gate_tree_of_id(&ctx->after, ctx->repo, in->attest_new, ctx->err) <
	    0) {
		ctx->deleted = true;
		return 0;
	}
	return 0;
}

static void gate_close(struct gate_ctx *ctx)
{
	git_tree_free(ctx->before);
	git_tree_free(ctx->after);
}

/* Whether this push leaves the entry at path exactly as it was. */
static int gate_untouched(bool *out, struct gate_ctx *ctx, const char *path,
			  const git_tree_entry *was)
{
	git_tree_entry *now = NULL;
	int rc;

	*out = false;
	if (ctx->deleted)
		return 0;
	if (ctx->after == NULL) {
		*out = true;
		return 0;
	}
	rc = git_tree_entry_bypath(&now, ctx->after, path);
	if (rc == GIT_ENOTFOUND)
		return 0;
	if (rc < 0)
		return gate_git_error(ctx->err, "cannot read " GATE_REF);
	*out = git_tree_entry_filemode(now) == git_tree_entry_filemode(was) &&
	       git_oid_equal(git_tree_entry_id(now), git_tree_entry_id(was));
	git_tree_entry_free(now);
	return 0;
}

/*
 * The attesters of kind for commit: the names of regular files (100644)
 * under <aa>/<bb>/<rest>/<kind>/ that are user ids, as the ref was before
 * the push, less what the push deletes or modifies.  A few tree lookups:
 * the ref is never walked.
 */
static int gate_attesters(struct gate_ids *out, struct gate_ctx *ctx,
			  const git_oid *commit, const char *kind)
{
	char hex[GIT_OID_HEXSZ + 1], dir[ATTESTPATH_SIZE];
	char path[ATTESTPATH_SIZE];
	git_tree_entry *entry = NULL;
	git_tree *tree = NULL;
	size_t i, n;
	int rc, error = -1;

	if (ctx->before == NULL)
		return 0;
	git_oid_tostr(hex, sizeof(hex), commit);
	if (attestpath_format_dir(dir, hex, kind) < 0)
		return err_set(ctx->err, "bad attestation kind '%s'", kind);
	rc = git_tree_entry_bypath(&entry, ctx->before, dir);
	if (rc == GIT_ENOTFOUND)
		return 0;
	if (rc < 0)
		return gate_git_error(ctx->err, "cannot read " GATE_REF);
	if (git_tree_entry_type(entry) != GIT_OBJECT_TREE) {
		error = 0;	/* not the layout: attests nothing */
		goto done;
	}
	if (git_tree_lookup(&tree, ctx->repo, git_tree_entry_id(entry)) < 0) {
		gate_git_error(ctx->err, "cannot read " GATE_REF);
		goto done;
	}
	n = git_tree_entrycount(tree);
	for (i = 0; i < n; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(tree, i);
		const char *name = git_tree_entry_name(e);
		bool kept;

		if (git_tree_entry_filemode(e) != GIT_FILEMODE_BLOB ||
		    !userid_is_valid(name, strlen(name)))
			continue;
		if (attestpath_format(path, hex, kind, name) < 0)
			continue;
		if (gate_untouched(&kept, ctx, path, e) < 0)
			goto done;
		if (kept && gate_ids_add(out, name, strlen(name), ctx->err) < 0)
			goto done;
	}
	error = 0;
done:
	git_tree_free(tree);
	git_tree_entry_free(entry);
	return error;
}

/*
 * SPEC 11's merge rule: C has exactly two parents, the first the ref's
 * old value, the second a commit R that contains it, and C's tree is R's.
 * Then C merges exactly the reviewed R and nothing else.
 */
static int gate_merge_rule(struct gate_report *out, git_repository *repo,
			   const git_commit *c, const git_oid *old,
			   const char *ref, struct err *err)
{
	git_commit *r = NULL;
	bool contains = false;
	int error = -1;

	if (git_oid_is_zero(old) || git_commit_parentcount(c) != 2 ||
	    !git_oid_equal(git_commit_parent_id(c, 0), old))
		return 0;
	if (git_commit_lookup(&r, repo, git_commit_parent_id(c, 1)) < 0)
		return gate_git_error(err, "cannot read commit");
	if (!git_oid_equal(git_commit_tree_id(c), git_commit_tree_id(r))) {
		error = 0;
		goto done;
	}
	if (refop_is_ancestor(&contains, repo, old, git_commit_id(r), ref,
			      err) < 0)
		goto done;
	if (contains) {
		out->merge_rule = true;
		git_oid_cpy(&out->second, git_commit_id(r));
	}
	error = 0;
done:
	git_commit_free(r);
	return error;
}

/*
 * For !self: the users <u> holding a ref refs/apps/<app>/<u>/... that
 * peels to C or R, the authors of a proposed revision (SPEC 11).
 */
static int gate_authors(struct gate_ids *out, git_repository *repo,
			const struct gate_report *report, struct err *err)
{
	static const char prefix[] = "refs/apps/";
	git_reference_iterator *it = NULL;
	git_reference *ref = NULL;
	int rc, error = -1;

	/* the glob's fixed prefix keeps loose refs elsewhere unread */
	if (git_reference_iterator_glob_new(&it, repo, "refs/apps/*") < 0)
		return gate_git_error(err, "cannot list refs");
	while ((rc = git_reference_next(&ref, it)) == 0) {
		const char *name = git_reference_name(ref);
		const char *app, *user;
		git_object *peeled = NULL;

		if (strncmp(name, prefix, sizeof(prefix) - 1) != 0 ||
		    (app = strchr(name + sizeof(prefix) - 1, '/')) == NULL ||
		    app == name + sizeof(prefix) - 1)
			goto next;
		user = app + 1;
		if (strlen(user) <= USERID_LEN || user[USERID_LEN] != '/' ||
		    !userid_is_valid(user, USERID_LEN))
			goto next;
		/* a ref that does not peel to a commit proposes nothing */
		if (git_reference_peel(&peeled, ref, GIT_OBJECT_COMMIT) == 0 &&
		    (git_oid_equal(git_object_id(peeled), &report->commit) ||
		     (report->merge_rule &&
		      git_oid_equal(git_object_id(peeled),
				    &report->second))) &&
		    gate_ids_add(out, user, USERID_LEN, err) < 0) {
			git_object_free(peeled);
			goto done;
		}
		git_object_free(peeled);
next:
		git_reference_free(ref);
		ref = NULL;
	}
	if (rc != GIT_ITEROVER) {
		gate_git_error(err, "cannot list refs");
		goto done;
	}
	error = 0;
done:
	git_reference_free(ref);
	git_reference_iterator_free(it);
	return error;
}

/* The ids of out->commit (and R) as pointers, for policy_require_count(). */
static int gate_count_one(struct gate_item *item, struct gate_ctx *ctx,
			  struct policy *policy, const struct gate_input *in,
			  const struct gate_report *report,
			  const struct gate_ids *authors)
{
	struct gate_ids attesters = {0};
	const char **ptrs = NULL, **excluded = NULL;
	size_t i;
	int error = -1;

	if (gate_attesters(&attesters, ctx, &report->commit,
			   item->requirement.kind) < 0 ||
	    (report->merge_rule &&
	     gate_attesters(&attesters, ctx, &report->second,
			    item->requirement.kind) < 0))
		goto done;
	if ((attesters.count &&
	     (ptrs = calloc(attesters.count, sizeof(*ptrs))) == NULL) ||
	    (authors->count &&
	     (excluded = calloc(authors->count, sizeof(*excluded))) == NULL)) {
		err_set(ctx->err, "out of memory");
		goto done;
	}
	for (i = 0; i < attesters.count; i++)
		ptrs[i] = attesters.ids[i];
	for (i = 0; i < authors->count; i++)
		excluded[i] = authors->ids[i];
	error = policy_require_count(policy, &item->requirement, in->user,
				     in->owners, in->nowners, ptrs,
				     attesters.count, excluded, authors->count,
				     in->banned, in->banned_payload,
				     &item->result, ctx->err);
done:
	free(ptrs);
	free(excluded);
	free(attesters.ids);
	return error;
}

static bool gate_any_not_self(const struct policy_requirement *reqs,
			      size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (reqs[i].not_self)
			return true;
	return false;
}

int gate_check(struct gate_report *out, git_repository *repo,
	       struct policy *policy, const struct gate_input *in,
	       struct err *err)
{
	struct gate_ctx ctx = {repo, NULL, NULL, false, err};
	struct policy_requirement *reqs = NULL;
	struct gate_ids authors = {0};
	git_object *obj = NULL, *peeled = NULL;
	size_t n = 0, i;
	int error = -1;

	memset(out, 0, sizeof(*out));
	if (policy_requirements(policy, in->ref, &reqs, &n, err) < 0)
		return -1;
	if (n == 0)
		return 0;
	if ((out->items = calloc(n, sizeof(*out->items))) == NULL) {
		err_set(err, "out of memory");
		goto done;
	}
	out->count = n;
	for (i = 0; i < n; i++)
		out->items[i].requirement = reqs[i];
	if (git_object_lookup(&obj, repo, in->new, GIT_OBJECT_ANY) < 0) {
		gate_git_error(err, "cannot read pushed object");
		goto done;
	}
	if (git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) < 0) {
		/* a value that is no commit has nothing attested */
		out->missing = n;
		error = 0;
		goto done;
	}
	git_oid_cpy(&out->commit, git_object_id(peeled));
	if (gate_merge_rule(out, repo, (git_commit *)peeled, in->old, in->ref,
			    err) < 0 ||
	    gate_open(&ctx, in) < 0 ||
	    (gate_any_not_self(reqs, n) &&
	     gate_authors(&authors, repo, out, err) < 0))
		goto done;
	for (i = 0; i < n; i++) {
		if (gate_count_one(&out->items[i], &ctx, policy, in, out,
				   &authors) < 0)
			goto done;
		if (!out->items[i].result.met)
			out->missing++;
	}
	error = 0;
done:
	gate_close(&ctx);
	free(authors.ids);
	free(reqs);
	git_object_free(peeled);
	git_object_free(obj);
	if (error < 0)
		gate_report_dispose(out);
	return error;
}

void gate_report_dispose(struct gate_report *report)
{
	size_t i;

	if (report == NULL)
		return;
	for (i = 0; i < report->count; i++)
		policy_require_result_dispose(&report->items[i].result);
	free(report->items);
	memset(report, 0, sizeof(*report));
}

int gate_describe(struct buf *out, const struct gate_item *item)
{
	const struct policy_requirement *req = &item->requirement;
	unsigned i;

	if (buf_printf(out, "needs %u %s%s by %s, has %u", req->count,
		       req->kind, req->not_self ? "!self" : "", req->group,
		       item->result.have) < 0)
		return -1;
	for (i = 0; i < item->result.have; i++)
		if (buf_printf(out, "%s%s", i == 0 ? " (" : ", ",
			       item->result.counted[i]) < 0)
			return -1;
	return item->result.have > 0 ? buf_puts(out, ")") : 0;
}
