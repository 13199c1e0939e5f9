/* mr_ci_post: one CI result as one signed push: comment, labels, attestation */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../apps/attestations/attest.h"
#include "../apps/merge-reqs/comment.h"
#include "../apps/merge-reqs/edit.h"
#include "../apps/merge-reqs/revs.h"
#include "mr_ci.h"

static const char *const ci_result_names[] = {
	[CI_PASS] = "pass",
	[CI_FAIL] = "fail",
	[CI_ERROR] = "error",
	[CI_TIMEOUT] = "timeout",
	[CI_NOT_APPLICABLE] = "not-applicable",
};

const char *ci_result_name(enum ci_result result)
{
	return ci_result_names[result];
}

/* The result file: the bot's comment numbered like the revision. */
static void ci_result_path(char *out, size_t size, const struct ci_pending *p,
			   const char *me)
{
	snprintf(out, size, "merge-reqs/%s/%lu/comments/%s/%lu", p->id.user,
		 p->id.n, me, p->k);
}

bool ci_has_result(struct store *store, const struct ci_pending *p,
		   const char *me)
{
	char path[200];

	ci_result_path(path, sizeof(path), p, me);
	return store_has_path(store, path);
}

/* Whether p is the latest revision of its request among the local refs. */
static bool ci_is_latest(struct mr_ctx *ctx, const struct ci_pending *p)
{
	struct revision *revs = NULL;
	struct err err = {{0}};
	size_t nrevs = 0;
	bool latest = false;

	if (revs_list(ctx->repo, &p->id, &revs, &nrevs, NULL, &err) == 0 &&
	    nrevs > 0)
		latest = revs[nrevs - 1].k == p->k;
	free(revs);
	return latest;
}

struct ci_post {
	git_signature *sig;
	const struct ci_pending *p;
	enum ci_result result;
	const char *body;
	bool may_attest;	/* the policy lets us write ci-pass */
	const char *skipped;	/* why nothing was posted, or NULL */
	bool attests;		/* the build pushes refs/apps/attestations */
	bool has_attest;	/* ... on top of a local tip */
	git_oid attest;		/* that tip */
};

/*
 * A pass attests the revision's commit (SPEC 11), in the push that posts
 * the result, so that neither lands without the other: the result file
 * says "done", and a bot that found it would never write the attestation
 * later.  The file is there already when the same commit passed as
 * another revision or request: nothing to add then (the hook would see a
 * modification).  Returns 0 with *wrote set, or -1 with err set.
 */
static int ci_post_attest(struct mr_ctx *ctx, struct ci_post *a,
			  struct mr_push_ref *ref, bool *wrote,
			  struct err *err)
{
	struct attest_change change;
	struct buf text = BUF_INIT;
	char message[80];
	int rc;

	*wrote = false;
	/* on the local tip as last fetched (mr_reload keeps it) */
	a->has_attest = ctx->has_attest;
	git_oid_cpy(&a->attest, &ctx->attest);
	if (attest_text_mr(&text, a->p->id.user, a->p->id.n, a->p->k,
			   &a->p->commit) < 0)
		return err_set(err, "out of memory");
	memset(&change, 0, sizeof(change));
	git_oid_cpy(&change.commit, &a->p->commit);
	change.kind = "ci-pass";
	change.user = ctx->me;
	change.text = text.ptr;
	change.len = text.len;
	snprintf(message, sizeof(message), "ci-pass: %.16s/%lu revision %lu\n",
		 a->p->id.user, a->p->id.n, a->p->k);
	rc = attest_commit(&ref->id, ctx->repo,
			   a->has_attest ? &a->attest : NULL, &change, a->sig,
			   message, err);
	buf_dispose(&text);
	if (rc == GIT_EEXISTS)
		return 0;
	if (rc < 0)
		return -1;
	snprintf(ref->name, sizeof(ref->name), "%s", ATTEST_REF);
	*wrote = true;
	return 0;
}

/*
 * After a rejected push: whether refs/apps/attestations moved on the
 * remote (now fetched) since the build, so that mr_publish() builds
 * again on it rather than giving up.
 */
static int ci_post_attest_moved(struct mr_ctx *ctx, void *data)
{
	const struct ci_post *a = data;

	/* only a push that carried an attestation can have lost on it */
	if (!a->attests)
		return 0;
	if (!ctx->has_attest || !a->has_attest)
		return ctx->has_attest != a->has_attest;
	return !git_oid_equal(&ctx->attest, &a->attest);
}

/*
 * The labels follow the latest revision's result: a pass sets ci-pass,
 * fail, error and timeout set ci-fail, and each clears the other.
 * not-applicable sets neither and clears both, so that an earlier
 * revision's ci-pass does not stand for one that was never tested.
 */
static int ci_post_labels(struct edit *edit, struct store *store,
			  const struct request *req, enum ci_result result,
			  struct err *err)
{
	static const char *const labels[] = {"ci-pass", "ci-fail"};
	const char *set = NULL;	/* not-applicable: neither */
	size_t i;

	if (result == CI_PASS)
		set = "ci-pass";
	else if (result != CI_NOT_APPLICABLE)
		set = "ci-fail";

	for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
		bool want = set && strcmp(set, labels[i]) == 0;
		bool has = request_has_label(req, labels[i]);

		if (want && !has && store_label_exists(store, labels[i]) &&
		    edit_label_add(edit, &req->id, labels[i], err) < 0)
			return -1;
		if (!want && has &&
		    edit_label_remove(edit, store, &req->id, labels[i], err) <
			    0)
			return -1;
	}
	return 0;
}

static int ci_post_build(struct mr_ctx *ctx, struct store *store,
			 const git_oid *tip, struct mr_push_ref *refs,
			 size_t *nrefs, void *data)
{
	struct ci_post *a = data;
	struct request req;
	struct comment c = {0};
	struct err err = {{0}};
	struct edit edit;
	struct buf text = BUF_INIT;
	char date[21], path[200];
	int status = 0;
	bool attested = false;

	*nrefs = 0;
	a->attests = a->has_attest = false;
	a->skipped = NULL;
	/* another instance of this bot posted first: one result stays */
	if (ci_has_result(store, a->p, ctx->me)) {
		a->skipped = "another run posted it first";
		return 0;
	}
	if (store_read(store, &a->p->id, 0, &req, &err) != 0)
		return cli_fatal("%.16s/%lu is gone", a->p->id.user,
				 a->p->id.n);
	/* closed or merged while the test ran: SPEC 8's bot leaves it */
	if (strcmp(request_state(&req), "open") != 0) {
		a->skipped = "the request was closed or merged meanwhile";
		request_dispose(&req);
		return 0;
	}
	comment_date_at(date, (long long)a->sig->when.time);
	c.date = date;
	c.revision = a->p->k;
	c.result = ci_result_name(a->result);
	c.body = a->body;
	ci_result_path(path, sizeof(path), a->p, ctx->me);
	edit_init(&edit, ctx->repo);
	/* labels follow the latest revision as of this tip: one may have
	 * arrived while the test ran */
	if (comment_format(&text, &c) < 0 ||
	    edit_put(&edit, path, text.ptr, text.len, GIT_FILEMODE_BLOB,
		     &err) < 0 ||
	    (ci_is_latest(ctx, a->p) &&
	     ci_post_labels(&edit, store, &req, a->result, &err) < 0) ||
	    edit_commit(&edit, tip, a->sig, "CI result\n", &refs[0].id,
			&err) < 0 ||
	    (a->result == CI_PASS && a->may_attest &&
	     ci_post_attest(ctx, a, &refs[1], &attested, &err) < 0))
		status = cli_fatal("cannot post the result of %.16s/%lu "
				   "revision %lu: %s",
				   a->p->id.user, a->p->id.n, a->p->k,
				   err.msg[0] ? err.msg : "out of memory");
	request_dispose(&req);
	edit_dispose(&edit);
	buf_dispose(&text);
	if (status == 0) {
		snprintf(refs[0].name, sizeof(refs[0].name), "%s",
			 STORE_DATA_REF);
		*nrefs = attested ? 2 : 1;
		a->attests = attested;
	}
	return status;
}

int ci_may_attest(struct mr_ctx *ctx, struct policy *policy, bool *out)
{
	struct policy_request q;
	struct policy_verdict v;
	struct err err = {{0}};
	char path[ATTEST_PATH_SIZE];
	git_oid any;

	*out = false;
	if (policy == NULL)
		return 0;
	/* any commit will do: rules name kinds and ids, not commits */
	memset(&any, 0, sizeof(any));
	if (attest_path(path, &any, "ci-pass", ctx->me, &err) < 0)
		return cli_fatal("%s", err.msg);
	memset(&q, 0, sizeof(q));
	q.user = ctx->me;
	q.ref = ATTEST_REF;
	q.op = ctx->has_attest ? OP_FAST_FORWARD : OP_CREATE_BRANCH;
	if (policy_check(policy, &q, &v, &err) < 0)
		return cli_fatal("%s", err.msg);
	if (!v.allowed)
		return 0;
	q.op = OP_CREATE_FILE;
	q.path = path;
	q.path_len = strlen(path);
	if (policy_check(policy, &q, &v, &err) < 0)
		return cli_fatal("%s", err.msg);
	*out = v.allowed;
	return 0;
}

int ci_post(struct mr_ctx *ctx, const struct ci_pending *p,
	    enum ci_result result, const char *body, bool may_attest,
	    const char **skipped)
{
	struct ci_post post = {0};
	int status;

	*skipped = NULL;
	post.may_attest = may_attest;
	post.p = p;
	post.result = result;
	post.body = body;
	/* a pass pushes two refs: a lost race on either is retried */
	ctx->other_moved = ci_post_attest_moved;
	if ((status = mr_signature(&post.sig)) == 0 &&
	    (status = mr_publish(ctx, ci_post_build, &post)) == 0)
		*skipped = post.skipped;
	ctx->other_moved = NULL;
	git_signature_free(post.sig);
	return status;
}
