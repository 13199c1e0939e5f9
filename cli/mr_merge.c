/* mr_merge: git mr merge: the target and the data branch in one push */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../apps/merge-reqs/edit.h"
#include "../apps/merge-reqs/revs.h"
#include "../common/quote.h"
#include "../policy/match.h"
#include "mr.h"
#include "mr_git.h"

static const char *merge_rev, *merge_message;
static bool merge_not_latest, merge_ff_only, merge_no_ff;

static const struct cli_opt merge_opts[] = {
	{"rev", 0, CLI_OPT_STRING, &merge_rev, "<k>",
	 "merge revision k (default: the latest)"},
	{"not-latest", 0, CLI_OPT_FLAG, &merge_not_latest, NULL,
	 "merge the named revision although a newer one exists"},
	{"ff-only", 0, CLI_OPT_FLAG, &merge_ff_only, NULL,
	 "refuse unless the target fast-forwards to the revision"},
	{"no-ff", 0, CLI_OPT_FLAG, &merge_no_ff, NULL,
	 "make a merge commit even when a fast-forward would do"},
	{"message", 'm', CLI_OPT_STRING, &merge_message, "<text>",
	 "the merge commit's message"},
};

static const struct cli_command merge_cmd = {
	"git mr merge <mr> [--rev <k> [--not-latest]] [--ff-only | --no-ff] "
	"[-m <text>]",
	"merge a revision into the request's target and label it merged, "
	"in one atomic signed push (maintainers)",
	merge_opts, sizeof(merge_opts) / sizeof(merge_opts[0]),
};

struct merge_args {
	git_signature *sig;
	struct store_id id;
	char target[240];		/* heads/<branch> */
	char tracking[300];		/* refs/remotes/<remote>/<branch> */
	char shown[1024];		/* target, escaped for the terminal */
	const struct revision *rev;
	char *title;
	git_oid merged;			/* what the target becomes */
	git_oid target_tip;		/* the target as the build saw it */
	bool already;			/* the target holds it already */
};

/* A ref name may hold bidi controls and C1 bytes: print it escaped. */
static void merge_escape(char *out, size_t size, const char *name)
{
	struct buf b = BUF_INIT;

	quote_controls(&b, name, strlen(name));
	snprintf(out, size, "%s", buf_cstr(&b));
	buf_dispose(&b);
}

/* mr.targets (default heads/.*): anchored like policy patterns. */
static int merge_target_allowed(const char *target)
{
	struct buf values = BUF_INIT;
	struct match_env *env = NULL;
	struct err err = {{0}};
	const char *p;
	int found, status = CLI_EXIT_FAILED;

	found = mr_git_config("mr.targets", 1, &values, &err);
	if (found < 0)
		return cli_fatal("%s", err.msg);
	if (!found)
		buf_puts(&values, "heads/.*");
	if (match_env_new(&env, 0, &err) < 0) {
		buf_dispose(&values);
		return cli_fatal("%s", err.msg);
	}
	for (p = buf_cstr(&values); *p && status != 0;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		struct match_pattern *pattern = NULL;
		int rc;

		if (match_pattern_new(&pattern, p, len, &err) < 0) {
			status = cli_fatal("mr.targets '%.*s': %s", (int)len,
					   p, err.msg);
			break;
		}
		rc = match_exec(pattern, env, NULL, target, strlen(target),
				&err);
		match_pattern_free(pattern);
		if (rc < 0) {
			status = cli_fatal("mr.targets: %s", err.msg);
			break;
		}
		if (rc == 1)
			status = 0;
		p += len + (nl != NULL);
	}
	match_env_free(env);
	buf_dispose(&values);
	if (status == CLI_EXIT_FAILED) {
		char shown[1024];

		merge_escape(shown, sizeof(shown), target);
		cli_fatal("target '%s' is not in mr.targets: not merging",
			  shown);
	}
	return status;
}

/* Bring the target's current tip into refs/remotes/<remote>/<branch>. */
static int merge_fetch_target(struct mr_ctx *ctx, struct merge_args *a,
			      git_oid *tip)
{
	char spec[600];
	const char *argv[] = {"git", "fetch", "--quiet",
			      "--no-write-fetch-head", mr_remote(ctx), spec, NULL};
	struct err err = {{0}};
	int rc;

	snprintf(spec, sizeof(spec), "+refs/%s:%s", a->target, a->tracking);
	rc = mr_git_run(argv, NULL, NULL, &err);
	if (rc < 0)
		return cli_fatal("%s", err.msg);
	if (rc != 0)
		return cli_fatal("cannot fetch the target refs/%s from '%s'",
				 a->shown, mr_remote(ctx));
	if (git_reference_name_to_id(tip, ctx->repo, a->tracking) < 0)
		return mr_git_error("cannot read the target");
	return 0;
}

/* A merge commit of the target's tip and the revision, in memory. */
static int merge_commit(struct mr_ctx *ctx, struct merge_args *a,
			const git_oid *tip)
{
	git_commit *ours = NULL, *theirs = NULL;
	git_index *index = NULL;
	git_tree *tree = NULL;
	git_oid tree_id;
	struct buf msg = BUF_INIT;
	int status = CLI_EXIT_FATAL;

	if (git_commit_lookup(&ours, ctx->repo, tip) < 0 ||
	    git_commit_lookup(&theirs, ctx->repo, &a->rev->commit) < 0 ||
	    git_merge_commits(&index, ctx->repo, ours, theirs, NULL) < 0) {
		mr_git_error("cannot merge");
		goto done;
	}
	if (git_index_has_conflicts(index)) {
		status = cli_fatal("revision %lu conflicts with refs/%s: the "
				   "author should rebase and update",
				   a->rev->k, a->shown);
		goto done;
	}
	if (git_index_write_tree_to(&tree_id, index, ctx->repo) < 0 ||
	    git_tree_lookup(&tree, ctx->repo, &tree_id) < 0) {
		mr_git_error("cannot write the merged tree");
		goto done;
	}
	if (merge_message)
		buf_printf(&msg, "%s\n", merge_message);
	else
		buf_printf(&msg,
			   "Merge merge request %.16s/%lu revision %lu: %s\n",
			   a->id.user, a->id.n, a->rev->k,
			   a->title ? a->title : "");
	if (git_commit_create_v(&a->merged, ctx->repo, NULL, a->sig, a->sig,
				NULL, msg.ptr, tree, 2, ours, theirs) < 0) {
		mr_git_error("cannot write the merge commit");
		goto done;
	}
	status = 0;
done:
	buf_dispose(&msg);
	git_tree_free(tree);
	git_index_free(index);
	git_commit_free(theirs);
	git_commit_free(ours);
	return status;
}

static int merge_build(struct mr_ctx *ctx, struct store *store,
		       const git_oid *tip, struct mr_push_ref *refs,
		       size_t *nrefs, void *data)
{
	static const char *const gone[] = {"open", "needs-review", "closed"};
	struct merge_args *a = data;
	struct request req;
	struct comment c = {0};
	struct err err = {{0}};
	struct edit edit;
	struct buf text = BUF_INIT;
	git_oid target_tip;
	char date[21];
	unsigned long k;
	size_t i;
	int status, rc;

	if ((status = merge_fetch_target(ctx, a, &target_tip)) != 0)
		return status;
	git_oid_cpy(&a->target_tip, &target_tip);
	rc = store_read(store, &a->id, 0, &req, &err);
	if (rc != 0)
		return cli_fatal("%s", rc == GIT_ENOTFOUND
					       ? "the merge request is gone"
					       : err.msg);
	if (request_has_label(&req, "merged")) {
		request_dispose(&req);
		return cli_fatal("%.16s/%lu is merged already", a->id.user,
				 a->id.n);
	}
	a->already = git_oid_equal(&target_tip, &a->rev->commit) ||
		     git_graph_descendant_of(ctx->repo, &target_tip,
					     &a->rev->commit) == 1;
	if (a->already) {
		git_oid_cpy(&a->merged, &target_tip);
	} else if (!merge_no_ff &&
		   git_graph_descendant_of(ctx->repo, &a->rev->commit,
					   &target_tip) == 1) {
		git_oid_cpy(&a->merged, &a->rev->commit);
	} else if (merge_ff_only) {
		request_dispose(&req);
		return cli_fatal("refs/%s does not fast-forward to revision "
				 "%lu (--ff-only)",
				 a->shown, a->rev->k);
	} else if ((status = merge_commit(ctx, a, &target_tip)) != 0) {
		request_dispose(&req);
		return status;
	}
	if (!a->already) {
		/* refuse here, before anything is pushed (SPEC 11) */
		char ref[300], what[128];

		snprintf(ref, sizeof(ref), "refs/%s", a->target);
		snprintf(what, sizeof(what), "revision %lu of %.16s/%lu",
			 a->rev->k, a->id.user, a->id.n);
		if ((status = mr_gate_check(ctx, ref, &target_tip, &a->merged,
					    what)) != 0) {
			request_dispose(&req);
			return status;
		}
	}
	edit_init(&edit, ctx->repo);
	for (i = 0; i < sizeof(gone) / sizeof(gone[0]) && status == 0; i++)
		if (request_has_label(&req, gone[i]) &&
		    edit_label_remove(&edit, store, &a->id, gone[i], &err) < 0)
			status = cli_fatal("%s", err.msg);
	request_dispose(&req);
	comment_date_at(date, (long long)a->sig->when.time);
	c.date = date;
	c.revision = a->rev->k;
	buf_printf(&text, "Merged revision %lu (%s) into %s", a->rev->k,
		   git_oid_tostr_s(&a->rev->commit), a->target);
	{
		char *body = buf_detach(&text);

		c.body = body;
		if (status == 0 &&
		    (edit_label_add(&edit, &a->id, "merged", &err) < 0 ||
		     edit_comment(&edit, store, &a->id, ctx->me, &c, &k,
				  &err) < 0 ||
		     edit_commit(&edit, tip, a->sig, "Merge a merge request\n",
				 &refs[0].id, &err) < 0))
			status = cli_fatal("%s", err.msg[0] ? err.msg
							    : "out of memory");
		free(body);
	}
	buf_dispose(&text);
	edit_dispose(&edit);
	if (status != 0)
		return status;
	snprintf(refs[0].name, sizeof(refs[0].name), "%s", STORE_DATA_REF);
	*nrefs = 1;
	if (!a->already) {
		git_oid_cpy(&refs[1].id, &a->merged);
		snprintf(refs[1].name, sizeof(refs[1].name), "refs/%s",
			 a->target);
		*nrefs = 2;
	}
	return 0;
}

/* The names of every revision tag here, before merge fetches. */
static int merge_seen_refs(git_repository *repo, struct buf *out)
{
	git_reference_iterator *it = NULL;
	git_reference *ref = NULL;
	int rc;

	if (git_reference_iterator_glob_new(&it, repo,
					    "refs/apps/merge-reqs/*") < 0)
		return mr_git_error("cannot list the revision tags");
	while ((rc = git_reference_next(&ref, it)) == 0) {
		buf_printf(out, "%s\n", git_reference_name(ref));
		git_reference_free(ref);
	}
	git_reference_iterator_free(it);
	return rc == GIT_ITEROVER ? 0 : mr_git_error("cannot list refs");
}

/* The highest revision of id among the refs seen before the fetch. */
static unsigned long merge_seen_latest(const struct buf *seen,
				       const struct store_id *id)
{
	char prefix[128];
	const char *p = buf_cstr(seen), *nl;
	size_t len = (size_t)snprintf(prefix, sizeof(prefix),
				      "refs/apps/merge-reqs/%s/%lu-v",
				      id->user, id->n);
	unsigned long best = 0, k;

	for (; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		if ((size_t)(nl - p) <= len || strncmp(p, prefix, len) != 0 ||
		    !comment_number_valid(p + len, (size_t)(nl - p) - len))
			continue;
		k = strtoul(p + len, NULL, 10);
		if (k > best)
			best = k;
	}
	return best;
}

/* After a failed push: did someone move the target meanwhile? */
static int merge_target_moved(struct mr_ctx *ctx, void *data)
{
	struct merge_args *a = data;
	git_oid now;

	if (merge_fetch_target(ctx, a, &now) != 0)
		return -1;
	return !git_oid_equal(&now, &a->target_tip);
}

/*
 * The revision to merge: the one named, or the latest.  A newer revision
 * than the one named, or a latest one newer than the last CI result, was
 * reviewed by nobody yet: refuse unless told.
 */
static int merge_pick(struct mr_ctx *ctx, struct store *store,
		      const struct revision *revs, size_t count,
		      unsigned long seen, struct merge_args *a)
{
	const struct revision *latest = &revs[count - 1];
	struct mr_roles roles;
	struct request req;
	struct err err = {{0}};
	unsigned long k, ci = 0;
	size_t i;

	if (merge_rev) {
		if (!comment_number_valid(merge_rev, strlen(merge_rev)))
			return cli_fatal("--rev wants a revision number");
		k = strtoul(merge_rev, NULL, 10);
		for (a->rev = NULL, i = 0; i < count; i++)
			if (revs[i].k == k)
				a->rev = &revs[i];
		if (a->rev == NULL)
			return cli_fatal("no revision %lu", k);
		if (k != latest->k && !merge_not_latest)
			return cli_fatal("revision %lu is newer than revision "
					 "%lu and nobody merged it: review it, "
					 "or use --not-latest",
					 latest->k, k);
		return 0;
	}
	a->rev = latest;
	/*
	 * What the maintainer looked at is what the local refs held before
	 * this command fetched: a revision pushed since was reviewed by
	 * nobody, whatever the CI says of it.
	 */
	if (seen != latest->k)
		return seen == 0
			       ? cli_fatal("no revision of %.16s/%lu was here "
					   "before this fetch: review it "
					   "(git mr show, git mr diff) and "
					   "merge again, or name it with --rev",
					   a->id.user, a->id.n)
			       : cli_fatal("revision %lu arrived with this "
					   "fetch (you had revision %lu): "
					   "review it and merge again, or name "
					   "the revision with --rev",
					   latest->k, seen);
	if (store_read(store, &a->id, STORE_COMMENTS, &req, &err) < 0)
		return cli_fatal("%s", err.msg);
	mr_roles_load(ctx, &roles);
	for (i = 0; i < req.ncomments; i++)
		if (mr_roles_is_ci(&roles, &req.comments[i]) &&
		    req.comments[i].c.revision > ci)
			ci = req.comments[i].c.revision;
	mr_roles_free(&roles);
	request_dispose(&req);
	if (ci && ci != latest->k)
		return cli_fatal("revision %lu is newer than the last CI "
				 "result (revision %lu): name the revision "
				 "with --rev",
				 latest->k, ci);
	return 0;
}

int cmd_mr_merge(int argc, char **argv)
{
	struct merge_args a;
	struct mr_ctx ctx;
	struct store store;
	struct request req;
	struct revision *revs = NULL;
	struct err err = {{0}};
	struct buf seen = BUF_INIT;
	size_t count = 0;
	int nargs, status, rc, store_ok = 0;

	memset(&a, 0, sizeof(a));
	memset(&req, 0, sizeof(req));
	if ((status = cli_parse(&merge_cmd, argc, argv, &nargs)) >= 0)
		return status;
	if (nargs != 1) {
		cli_usage(stderr, &merge_cmd);
		return CLI_EXIT_USAGE;
	}
	if (merge_ff_only && merge_no_ff)
		return cli_fatal("--ff-only and --no-ff contradict each other");
	if ((status = mr_open(&ctx, NULL)) != 0 ||
	    (status = mr_whoami(&ctx)) != 0 ||
	    (status = merge_seen_refs(ctx.repo, &seen)) != 0 ||
	    (status = mr_fetch(&ctx, true)) != 0)
		goto done;
	if (store_open(&store, ctx.repo, ctx.has_data ? &ctx.data : NULL,
		       &ctx.warnings, &err) < 0) {
		status = cli_fatal("%s", err.msg);
		goto done;
	}
	store_ok = 1;
	if ((status = mr_resolve(&ctx, &store, argv[0], &a.id)) != 0)
		goto done;
	rc = store_read(&store, &a.id, 0, &req, &err);
	if (rc != 0) {
		status = cli_fatal("%s", rc == GIT_ENOTFOUND
						 ? "no such merge request"
						 : err.msg);
		goto done;
	}
	snprintf(a.tracking, sizeof(a.tracking), "refs/%s",
		 req.target ? req.target : "");
	/* a target cut short by a buffer would be another branch */
	if (req.target == NULL || strlen(req.target) >= sizeof(a.target) ||
	    strncmp(req.target, "heads/", 6) != 0 ||
	    !git_reference_is_valid_name(a.tracking)) {
		status = cli_fatal("the target of %.16s/%lu is not a branch "
				   "(heads/...): not merging",
				   a.id.user, a.id.n);
		goto done;
	}
	if ((status = merge_target_allowed(req.target)) != 0)
		goto done;
	snprintf(a.target, sizeof(a.target), "%s", req.target);
	merge_escape(a.shown, sizeof(a.shown), a.target);
	snprintf(a.tracking, sizeof(a.tracking), "refs/remotes/%s/%s",
		 mr_remote(&ctx), req.target + 6);
	a.title = req.title;
	if (revs_list(ctx.repo, &a.id, &revs, &count, &ctx.warnings, &err) <
	    0) {
		status = cli_fatal("%s", err.msg);
		goto done;
	}
	if (count == 0) {
		status = cli_fatal("%.16s/%lu has no revisions", a.id.user,
				   a.id.n);
		goto done;
	}
	if ((status = merge_pick(&ctx, &store, revs, count,
				 merge_seen_latest(&seen, &a.id), &a)) != 0)
		goto done;
	mr_warnings_flush(&ctx);
	printf("merging revision %lu (%s) of ", a.rev->k,
	       git_oid_tostr_s(&a.rev->commit));
	mr_print_id(stdout, &a.id);
	printf(" into refs/%s\n", a.shown);
	ctx.other_moved = merge_target_moved;
	if ((status = mr_signature(&a.sig)) != 0 ||
	    (status = mr_publish(&ctx, merge_build, &a)) != 0)
		goto done;
	if (a.already)
		printf("refs/%s already held it; labelled merged\n", a.shown);
	else
		printf("refs/%s is now %s; labelled merged\n", a.shown,
		       git_oid_tostr_s(&a.merged));
done:
	git_signature_free(a.sig);
	buf_dispose(&seen);
	request_dispose(&req);
	free(revs);
	if (store_ok)
		store_close(&store);
	mr_close(&ctx);
	return status;
}
