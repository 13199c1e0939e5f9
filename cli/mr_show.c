/* mr_show: git mr show: a request, its revisions, CI results, comments */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../apps/merge-reqs/revs.h"
#include "mr.h"

/* Replies nested deeper than this are shown at this depth. */
#define SHOW_DEPTH_MAX 6

static void show_name(struct mr_ctx *ctx, const char *user)
{
	struct buf name = BUF_INIT;

	names_display(&name, &ctx->names, user);
	fputs(buf_cstr(&name), stdout);
	buf_dispose(&name);
}

static void show_indented(const char *text, int indent)
{
	const char *p = text, *nl;
	struct buf line = BUF_INIT;

	while (*p) {
		nl = strchr(p, '\n');
		buf_clear(&line);
		buf_put(&line, p, nl ? (size_t)(nl - p) : strlen(p));
		printf("%*s", indent, "");
		mr_print(stdout, buf_cstr(&line));
		putchar('\n');
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	buf_dispose(&line);
}

static const struct revision *show_rev(const struct revision *revs,
				       size_t count, unsigned long k)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (revs[i].k == k)
			return &revs[i];
	return NULL;
}

/* The anchored line of code: line n of path in the revision's tree. */
static void show_anchor(struct mr_ctx *ctx, const struct request_comment *rc,
			const struct revision *revs, size_t count, int indent)
{
	const struct revision *rev =
		show_rev(revs, count,
			 rc->c.revision ? rc->c.revision
					: (count ? revs[count - 1].k : 0));
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	git_tree_entry *entry = NULL;
	git_blob *blob = NULL;

	printf("%*son ", indent, "");
	mr_print(stdout, rc->c.path);
	if (rc->c.line)
		printf(" line %lu", rc->c.line);
	if (rev)
		printf(" of revision %lu", rev->k);
	printf(":\n");
	if (!rev || !rc->c.line ||
	    git_commit_lookup(&commit, ctx->repo, &rev->commit) < 0 ||
	    git_commit_tree(&tree, commit) < 0 ||
	    git_tree_entry_bypath(&entry, tree, rc->c.path) < 0 ||
	    git_tree_entry_type(entry) != GIT_OBJECT_BLOB ||
	    git_tree_entry_filemode(entry) == GIT_FILEMODE_LINK ||
	    git_blob_lookup(&blob, ctx->repo, git_tree_entry_id(entry)) < 0)
		goto done;
	{
		const char *p = git_blob_rawcontent(blob);
		const char *end = p + git_blob_rawsize(blob), *nl;
		unsigned long n = 1;
		struct buf line = BUF_INIT;

		while (p < end && n < rc->c.line) {
			nl = memchr(p, '\n', (size_t)(end - p));
			if (nl == NULL) {
				p = end;
				break;
			}
			p = nl + 1;
			n++;
		}
		if (p < end) {
			nl = memchr(p, '\n', (size_t)(end - p));
			buf_put(&line, p, nl ? (size_t)(nl - p)
					     : (size_t)(end - p));
			printf("%*s> ", indent, "");
			mr_print(stdout, buf_cstr(&line));
			putchar('\n');
		}
		buf_dispose(&line);
	}
done:
	git_blob_free(blob);
	git_tree_entry_free(entry);
	git_tree_free(tree);
	git_commit_free(commit);
}

struct show_thread {
	struct mr_ctx *ctx;
	const struct request *req;
	const struct revision *revs;
	size_t nrevs;
	bool *shown;
	const bool *skip;	/* CI results: shown in their own section */
};

static bool show_replies_to(const struct request_comment *child,
			    const struct request_comment *parent)
{
	char want[USERID_LEN + 16];

	if (!child->well_formed || !child->c.reply_to)
		return false;
	snprintf(want, sizeof(want), "%s/%lu", parent->user, parent->k);
	return strcmp(child->c.reply_to, want) == 0;
}

static void show_comment(struct show_thread *t, size_t i, int depth)
{
	const struct request_comment *rc = &t->req->comments[i];
	int indent = 2 + 4 * (depth < SHOW_DEPTH_MAX ? depth : SHOW_DEPTH_MAX);
	size_t j;

	t->shown[i] = true;
	printf("\n%*s", indent, "");
	show_name(t->ctx, rc->user);
	printf(" #%lu", rc->k);
	if (rc->well_formed) {
		printf(" ");
		mr_print(stdout, rc->c.date);
		if (rc->c.revision)
			printf(" (revision %lu)", rc->c.revision);
	} else {
		printf(" (malformed header: shown as text)");
	}
	if (strcmp(rc->user, t->req->id.user) == 0 && rc->k == 1)
		printf(" [description]");
	putchar('\n');
	if (rc->well_formed && rc->c.path)
		show_anchor(t->ctx, rc, t->revs, t->nrevs, indent + 2);
	show_indented(rc->c.body, indent + 2);
	for (j = 0; j < t->req->ncomments; j++)
		if (!t->shown[j] && !t->skip[j] &&
		    show_replies_to(&t->req->comments[j], rc))
			show_comment(t, j, depth + 1);
}

static void show_comments(struct show_thread *t)
{
	size_t i, j;

	/* the author's first comment is the description: always on top */
	for (i = 0; i < t->req->ncomments; i++)
		if (!t->skip[i] && t->req->comments[i].k == 1 &&
		    strcmp(t->req->comments[i].user, t->req->id.user) == 0)
			show_comment(t, i, 0);
	/* then roots: no In-Reply-To, or one naming no comment here */
	for (i = 0; i < t->req->ncomments; i++) {
		bool has_parent = false;

		if (t->skip[i] || t->shown[i])
			continue;
		for (j = 0; j < t->req->ncomments && !has_parent; j++)
			has_parent = j != i && !t->skip[j] &&
				     show_replies_to(&t->req->comments[i],
						     &t->req->comments[j]);
		if (!has_parent)
			show_comment(t, i, 0);
	}
	/* replies in a cycle have no root: show them anyway */
	for (i = 0; i < t->req->ncomments; i++)
		if (!t->skip[i] && !t->shown[i])
			show_comment(t, i, 0);
}

static void show_time(git_time_t when)
{
	time_t t = (time_t)when;
	struct tm tm;
	char text[32];

	gmtime_r(&t, &tm);
	strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fputs(text, stdout);
}

static void show_request(struct mr_ctx *ctx, const struct request *req,
			 const struct revision *revs, size_t nrevs,
			 struct mr_roles *ci)
{
	struct show_thread t;
	bool *flags = calloc(2 * (req->ncomments + 1), sizeof(bool));
	size_t i;
	bool any_ci = false;

	if (flags == NULL) {
		cli_fatal("out of memory");
		return;
	}
	printf("merge request ");
	mr_print_id(stdout, &req->id);
	printf(": ");
	mr_print(stdout, req->title ? req->title : "(no title)");
	printf("\nauthor:    ");
	show_name(ctx, req->id.user);
	printf("\n           %s\ntarget:    ", req->id.user);
	mr_print(stdout, req->target ? req->target : "(none)");
	printf("\nstate:     %s\nlabels:   ", request_state(req));
	for (i = 0; i < req->nlabels; i++) {
		putchar(' ');
		mr_print(stdout, req->labels[i]);
	}
	printf("\nrevisions:\n");
	for (i = 0; i < nrevs; i++) {
		printf("  v%lu  %s  ", revs[i].k,
		       git_oid_tostr_s(&revs[i].commit));
		show_time(revs[i].when);
		putchar('\n');
	}
	if (nrevs == 0)
		printf("  (none fetched: run git mr fetch)\n");
	printf("ci:\n");
	for (i = 0; i < req->ncomments; i++) {
		const struct request_comment *rc = &req->comments[i];

		if (!mr_roles_is_ci(ci, rc))
			continue;
		flags[req->ncomments + 1 + i] = true;
		any_ci = true;
		printf("  v%lu  ", rc->c.revision);
		mr_print(stdout, rc->c.result);
		printf("  ");
		mr_print(stdout, rc->c.date);
		printf("  ");
		show_name(ctx, rc->user);
		putchar('\n');
		show_indented(rc->c.body, 6);
	}
	if (!any_ci)
		printf("  (no results)\n");
	printf("comments:\n");
	t.ctx = ctx;
	t.req = req;
	t.revs = revs;
	t.nrevs = nrevs;
	t.shown = flags;
	t.skip = flags + req->ncomments + 1;
	show_comments(&t);
	free(flags);
}

static const struct cli_command show_cmd = {
	"git mr show <mr>",
	"show a merge request: title, labels, revisions, CI results and "
	"comments (from the local refs: see git mr fetch)",
	NULL, 0,
};

int cmd_mr_show(int argc, char **argv)
{
	struct mr_ctx ctx;
	struct store store;
	struct store_id id;
	struct request req;
	struct revision *revs = NULL;
	struct mr_roles ci;
	struct err err = {{0}};
	size_t nrevs = 0;
	int nargs, status, rc;

	if ((status = cli_parse(&show_cmd, argc, argv, &nargs)) >= 0)
		return status;
	if (nargs != 1) {
		cli_usage(stderr, &show_cmd);
		return CLI_EXIT_USAGE;
	}
	if ((status = mr_open(&ctx, NULL)) != 0) {
		mr_close(&ctx);
		return status;
	}
	if (store_open(&store, ctx.repo, ctx.has_data ? &ctx.data : NULL,
		       &ctx.warnings, &err) < 0) {
		mr_close(&ctx);
		return cli_fatal("%s", err.msg);
	}
	if ((status = mr_resolve(&ctx, &store, argv[0], &id)) != 0)
		goto done;
	rc = store_read(&store, &id, STORE_COMMENTS, &req, &err);
	if (rc == GIT_ENOTFOUND) {
		status = cli_fatal("no merge request %s/%lu", id.user, id.n);
		goto done;
	}
	if (rc < 0 ||
	    revs_list(ctx.repo, &id, &revs, &nrevs, &ctx.warnings, &err) < 0) {
		if (rc == 0)
			request_dispose(&req);
		status = cli_fatal("%s", err.msg);
		goto done;
	}
	mr_roles_load(&ctx, &ci);
	mr_warnings_flush(&ctx);
	show_request(&ctx, &req, revs, nrevs, &ci);
	mr_roles_free(&ci);
	request_dispose(&req);
	free(revs);
done:
	store_close(&store);
	mr_close(&ctx);
	return status;
}
