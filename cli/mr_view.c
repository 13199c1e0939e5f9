/* mr_view: git mr diff, checkout and fetch: revisions in the work tree */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../apps/merge-reqs/revs.h"
#include "mr.h"
#include "mr_git.h"

/* Resolve spec and list its revisions; 0 or an exit code. */
static int view_revisions(struct mr_ctx *ctx, const char *spec,
			  struct store_id *id, struct request *req,
			  struct revision **revs, size_t *count)
{
	struct store store;
	struct err err = {{0}};
	int status, rc;

	memset(req, 0, sizeof(*req));
	if (store_open(&store, ctx->repo, ctx->has_data ? &ctx->data : NULL,
		       &ctx->warnings, &err) < 0)
		return cli_fatal("%s", err.msg);
	status = mr_resolve(ctx, &store, spec, id);
	if (status == 0) {
		rc = store_read(&store, id, 0, req, &err);
		if (rc == GIT_ENOTFOUND)
			status = cli_fatal("no merge request %s/%lu", id->user,
					   id->n);
		else if (rc < 0)
			status = cli_fatal("%s", err.msg);
	}
	store_close(&store);
	if (status == 0 &&
	    revs_list(ctx->repo, id, revs, count, &ctx->warnings, &err) < 0)
		status = cli_fatal("%s", err.msg);
	if (status == 0 && *count == 0)
		status = cli_fatal("no revisions of %.16s/%lu here: run git mr "
				   "fetch",
				   id->user, id->n);
	mr_warnings_flush(ctx);
	return status;
}

static const struct revision *view_pick(const struct revision *revs,
					size_t count, const char *k)
{
	unsigned long want;
	size_t i;

	if (k == NULL)
		return &revs[count - 1];
	if (k[0] == 'v')
		k++;
	if (!comment_number_valid(k, strlen(k)))
		return NULL;
	want = strtoul(k, NULL, 10);
	for (i = 0; i < count; i++)
		if (revs[i].k == want)
			return &revs[i];
	return NULL;
}

/* The local commit of the target: the remote-tracking branch, else ours. */
static int view_target(struct mr_ctx *ctx, const struct request *req,
		       git_oid *out)
{
	char name[512];

	if (req->target == NULL || strncmp(req->target, "heads/", 6) != 0)
		return -1;
	snprintf(name, sizeof(name), "refs/remotes/%s/%s", mr_remote(ctx),
		 req->target + 6);
	if (git_reference_name_to_id(out, ctx->repo, name) == 0)
		return 0;
	snprintf(name, sizeof(name), "refs/%s", req->target);
	return git_reference_name_to_id(out, ctx->repo, name) == 0 ? 0 : -1;
}

static const char *diff_rev, *diff_range;

static const struct cli_opt diff_opts[] = {
	{"rev", 0, CLI_OPT_STRING, &diff_rev, "<k>",
	 "the revision to diff against its target (default: the latest)"},
	{"range", 0, CLI_OPT_STRING, &diff_range, "<a>..<b>",
	 "the interdiff: what changed from revision a to revision b"},
};

static const struct cli_command diff_cmd = {
	"git mr diff <mr> [--rev <k> | --range <a>..<b>] [-- <git diff "
	"options>]",
	"show a revision's changes against its target, or the changes "
	"between two revisions",
	diff_opts, sizeof(diff_opts) / sizeof(diff_opts[0]),
};

int cmd_mr_diff(int argc, char **argv)
{
	struct mr_ctx ctx;
	struct store_id id;
	struct request req;
	struct revision *revs = NULL;
	const struct revision *from = NULL, *to;
	const char **gitv = NULL;
	char range[2 * GIT_OID_HEXSZ + 8];
	struct err err = {{0}};
	size_t count = 0;
	int nargs, status, i, n = 0;

	if ((status = cli_parse(&diff_cmd, argc, argv, &nargs)) >= 0)
		return status;
	if (nargs < 1) {
		cli_usage(stderr, &diff_cmd);
		return CLI_EXIT_USAGE;
	}
	if (diff_rev && diff_range)
		return cli_fatal("--rev and --range cannot be used together");
	if ((status = mr_open(&ctx, NULL)) != 0 ||
	    (status = view_revisions(&ctx, argv[0], &id, &req, &revs,
				     &count)) != 0)
		goto done;
	if (diff_range) {
		char a[16] = "";
		const char *dots = strstr(diff_range, "..");

		if (dots == NULL || (size_t)(dots - diff_range) >= sizeof(a)) {
			status = cli_fatal("--range wants <a>..<b>, e.g. 1..2");
			goto done;
		}
		memcpy(a, diff_range, (size_t)(dots - diff_range));
		from = view_pick(revs, count, a);
		to = view_pick(revs, count, dots + 2);
		if (from == NULL || to == NULL) {
			status = cli_fatal("no such revisions: %s", diff_range);
			goto done;
		}
		snprintf(range, sizeof(range), "%s..",
			 git_oid_tostr_s(&from->commit));
		strcat(range, git_oid_tostr_s(&to->commit));
	} else {
		git_oid target;

		if ((to = view_pick(revs, count, diff_rev)) == NULL) {
			status = cli_fatal("no revision %s", diff_rev);
			goto done;
		}
		if (view_target(&ctx, &req, &target) < 0) {
			status = cli_fatal("the target branch is not here: "
					   "git fetch %s first",
					   mr_remote(&ctx));
			goto done;
		}
		/* like a pull request: from where it forked off the target */
		snprintf(range, sizeof(range), "%s...",
			 git_oid_tostr_s(&target));
		strcat(range, git_oid_tostr_s(&to->commit));
	}
	if ((gitv = calloc((size_t)nargs + 4, sizeof(*gitv))) == NULL) {
		status = cli_fatal("out of memory");
		goto done;
	}
	gitv[n++] = "git";
	gitv[n++] = "diff";
	for (i = 1; i < nargs; i++)
		gitv[n++] = argv[i];
	gitv[n++] = range;
	gitv[n] = NULL;
	status = mr_git_run(gitv, NULL, NULL, &err);
	if (status < 0)
		status = cli_fatal("%s", err.msg);
done:
	free(gitv);
	free(revs);
	request_dispose(&req);
	mr_close(&ctx);
	return status;
}

static const char *checkout_rev;

static const struct cli_opt checkout_opts[] = {
	{"rev", 0, CLI_OPT_STRING, &checkout_rev, "<k>",
	 "the revision (default: the latest)"},
};

static const struct cli_command checkout_cmd = {
	"git mr checkout <mr> [--rev <k>]",
	"check out a revision's commit (detached HEAD), to build or test it",
	checkout_opts, sizeof(checkout_opts) / sizeof(checkout_opts[0]),
};

int cmd_mr_checkout(int argc, char **argv)
{
	struct mr_ctx ctx;
	struct store_id id;
	struct request req;
	struct revision *revs = NULL;
	const struct revision *rev;
	struct err err = {{0}};
	char hex[GIT_OID_HEXSZ + 1];
	const char *gitv[] = {"git", "checkout", "--detach", hex, NULL};
	size_t count = 0;
	int nargs, status;

	if ((status = cli_parse(&checkout_cmd, argc, argv, &nargs)) >= 0)
		return status;
	if (nargs != 1) {
		cli_usage(stderr, &checkout_cmd);
		return CLI_EXIT_USAGE;
	}
	if ((status = mr_open(&ctx, NULL)) != 0 ||
	    (status = view_revisions(&ctx, argv[0], &id, &req, &revs,
				     &count)) != 0)
		goto done;
	if ((rev = view_pick(revs, count, checkout_rev)) == NULL) {
		status = cli_fatal("no revision %s", checkout_rev);
		goto done;
	}
	git_oid_tostr(hex, sizeof(hex), &rev->commit);
	status = mr_git_run(gitv, NULL, NULL, &err);
	if (status < 0)
		status = cli_fatal("%s", err.msg);
	else if (status == 0) {
		printf("HEAD is revision %lu of ", rev->k);
		mr_print_id(stdout, &id);
		putchar('\n');
	}
done:
	free(revs);
	request_dispose(&req);
	mr_close(&ctx);
	return status;
}

static const char *fetch_remote;
static bool fetch_quiet;

static const struct cli_opt fetch_opts[] = {
	{"remote", 0, CLI_OPT_STRING, &fetch_remote, "<name>",
	 "fetch from this remote (default: mr.remote, or origin)"},
	{"quiet", 'q', CLI_OPT_FLAG, &fetch_quiet, NULL,
	 "print only errors and warnings"},
};

static const struct cli_command fetch_cmd = {
	"git mr fetch [-q | --quiet] [--remote <name>]",
	"fetch refs/apps/* (policy, merge requests, revisions) from the "
	"remote",
	fetch_opts, sizeof(fetch_opts) / sizeof(fetch_opts[0]),
};

int cmd_mr_fetch(int argc, char **argv)
{
	struct mr_ctx ctx;
	int nargs, status;

	if ((status = cli_parse(&fetch_cmd, argc, argv, &nargs)) >= 0)
		return status;
	if (nargs != 0) {
		cli_usage(stderr, &fetch_cmd);
		return CLI_EXIT_USAGE;
	}
	if ((status = mr_open(&ctx, fetch_remote)) == 0 &&
	    (status = mr_fetch(&ctx, fetch_quiet)) == 0 && !ctx.has_data &&
	    !fetch_quiet)
		printf("'%s' has no merge requests yet (no %s)\n", mr_remote(&ctx),
		       STORE_DATA_REF);
	mr_close(&ctx);
	return status;
}
