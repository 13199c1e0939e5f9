/* mr_show: git mr show: a request, its revisions, CI results, comments */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../apps/merge-reqs/revs.h"
#include "mr.h"
#include "mr_approvals.h"

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

/* A file anchored to is read only when small: its size comes first. */
#define SHOW_ANCHOR_MAX (16u * 1024u * 1024u)

static bool show_blob_small(struct mr_ctx *ctx, const git_oid *id)
{
	git_odb *odb = NULL;
	git_object_t type;
	size_t size = 0;
	bool small;

	small = git_repository_odb(&odb, ctx->repo) == 0 &&
		git_odb_read_header(&size, &type, odb, id) == 0 &&
		size <= SHOW_ANCHOR_MAX;
	git_odb_free(odb);
	return small;
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
	    !show_blob_small(ctx, git_tree_entry_id(entry)) ||
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

#define SHOW_NONE ((size_t)-1)

/*
 * The comments of one request as a forest: each comment's parent is the
 * comment its In-Reply-To names (when that one is here and not a CI
 * result), children in date order.  Built in O(n log n) and walked with an
 * explicit stack: anyone can push 100,000 replies in a chain, and neither
 * a quadratic scan nor a recursion per level may follow them.
 */
struct show_thread {
	struct mr_ctx *ctx;
	const struct request *req;
	const struct revision *revs;
	size_t nrevs;
	const bool *skip;	/* CI results: shown in their own section */
	bool *shown;
	size_t *first_child, *last_child, *next_sibling, *parent;
	size_t *by_id;		/* indexes sorted by (user, k) */
	size_t *stack, *depth;
};

static const struct request_comment *show_sort_base;

static int show_by_id_cmp(const void *a, const void *b)
{
	const struct request_comment *x = &show_sort_base[*(const size_t *)a];
	const struct request_comment *y = &show_sort_base[*(const size_t *)b];
	int c = strcmp(x->user, y->user);

	if (c)
		return c;
	return x->k < y->k ? -1 : x->k > y->k;
}

/* The comment "<user id>/<k>" names, or SHOW_NONE. */
static size_t show_find(const struct show_thread *t, const char *ref)
{
	const char *slash = strchr(ref, '/');
	size_t lo = 0, hi = t->req->ncomments;
	unsigned long k;

	if (slash == NULL || slash - ref != USERID_LEN ||
	    !comment_number_valid(slash + 1, strlen(slash + 1)))
		return SHOW_NONE;
	k = strtoul(slash + 1, NULL, 10);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct request_comment *c =
			&t->req->comments[t->by_id[mid]];
		int cmp = strncmp(c->user, ref, USERID_LEN);

		if (cmp == 0)
			cmp = c->k < k ? -1 : c->k > k;
		if (cmp == 0)
			return t->by_id[mid];
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return SHOW_NONE;
}

static int show_thread_build(struct show_thread *t)
{
	size_t n = t->req->ncomments, i, p;
	size_t **arrays[] = {&t->first_child, &t->last_child, &t->next_sibling,
			     &t->parent,      &t->by_id,      &t->stack,
			     &t->depth};

	for (i = 0; i < sizeof(arrays) / sizeof(arrays[0]); i++)
		if ((*arrays[i] = malloc((n ? n : 1) * sizeof(size_t))) ==
		    NULL)
			return -1;
	for (i = 0; i < n; i++) {
		t->first_child[i] = t->last_child[i] = t->next_sibling[i] =
			t->parent[i] = SHOW_NONE;
		t->by_id[i] = i;
	}
	show_sort_base = t->req->comments;
	if (n > 1)
		qsort(t->by_id, n, sizeof(size_t), show_by_id_cmp);
	for (i = 0; i < n; i++) {
		const struct request_comment *rc = &t->req->comments[i];

		if (t->skip[i] || !rc->well_formed || !rc->c.reply_to)
			continue;
		p = show_find(t, rc->c.reply_to);
		if (p == SHOW_NONE || p == i || t->skip[p])
			continue;
		t->parent[i] = p;
		/* i runs in date order, so children stay in date order */
		if (t->last_child[p] == SHOW_NONE)
			t->first_child[p] = i;
		else
			t->next_sibling[t->last_child[p]] = i;
		t->last_child[p] = i;
	}
	return 0;
}

static void show_thread_free(struct show_thread *t)
{
	free(t->first_child);
	free(t->last_child);
	free(t->next_sibling);
	free(t->parent);
	free(t->by_id);
	free(t->stack);
	free(t->depth);
}

static void show_one(struct show_thread *t, size_t i, size_t depth)
{
	const struct request_comment *rc = &t->req->comments[i];
	int indent = 2 + 4 * (int)(depth < SHOW_DEPTH_MAX ? depth
							  : SHOW_DEPTH_MAX);

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
}

/* Comment root and every reply under it, depth first, in date order. */
static void show_tree(struct show_thread *t, size_t root)
{
	size_t top = 0, c, i, d, j, count;

	if (t->shown[root])
		return;
	t->shown[root] = true;
	t->stack[top] = root;
	t->depth[top++] = 0;
	while (top > 0) {
		i = t->stack[--top];
		d = t->depth[top];
		show_one(t, i, d);
		/* push the children last first, so the first comes out first;
		 * each comment is pushed once, so n slots are enough */
		count = 0;
		for (c = t->first_child[i]; c != SHOW_NONE;
		     c = t->next_sibling[c])
			if (!t->shown[c])
				count++;
		j = 0;
		for (c = t->first_child[i]; c != SHOW_NONE;
		     c = t->next_sibling[c]) {
			if (t->shown[c])
				continue;
			t->shown[c] = true;
			t->stack[top + count - 1 - j] = c;
			t->depth[top + count - 1 - j] = d + 1;
			j++;
		}
		top += count;
	}
}

static void show_comments(struct show_thread *t)
{
	size_t i, n = t->req->ncomments;

	if (show_thread_build(t) < 0) {
		cli_fatal("out of memory");
		return;
	}
	/* the author's first comment is the description: always on top */
	for (i = 0; i < n; i++)
		if (!t->skip[i] && t->req->comments[i].k == 1 &&
		    strcmp(t->req->comments[i].user, t->req->id.user) == 0)
			show_tree(t, i);
	/* then roots: no In-Reply-To, or one naming no comment here */
	for (i = 0; i < n; i++)
		if (!t->skip[i] && t->parent[i] == SHOW_NONE)
			show_tree(t, i);
	/* replies in a cycle have no root: show them anyway */
	for (i = 0; i < n; i++)
		if (!t->skip[i] && !t->shown[i])
			show_tree(t, i);
	show_thread_free(t);
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

/* Who attested each revision; one marked stale is of an older commit. */
static int show_attestations(struct mr_ctx *ctx, const struct revision *revs,
			     size_t nrevs)
{
	struct mr_attestation *list = NULL;
	struct err err = {{0}};
	git_tree *root = NULL;
	size_t count = 0, i, j;
	int status;

	if (attest_tree(&root, NULL, ctx->repo, &err) < 0)
		return cli_fatal("%s", err.msg);
	status = mr_approvals_read(ctx, root, revs, nrevs, &list, &count);
	git_tree_free(root);
	if (status != 0)
		return status;
	printf("attestations:\n");
	for (i = 0; i < nrevs; i++) {
		bool any = false;

		for (j = 0; j < count; j++) {
			if (list[j].k != revs[i].k)
				continue;
			printf("  v%lu  ", revs[i].k);
			mr_approvals_print(stdout, ctx, &list[j]);
			if (list[j].stale)
				printf("  (stale: not the latest revision)");
			putchar('\n');
			any = true;
		}
		if (!any)
			printf("  v%lu  (none)\n", revs[i].k);
	}
	free(list);
	return 0;
}

/*
 * SPEC 8, 11: for an open request, whether its target may move to the
 * latest revision as the hook would count it now (a not-applicable CI
 * result attests nothing, so a required ci-pass shows as missing).  The
 * target's value is the remote-tracking one, as fetched.
 */
static int show_gate(struct mr_ctx *ctx, const struct request *req,
		     const struct revision *revs, size_t nrevs)
{
	char ref[300], tracking[300];
	const struct revision *latest = NULL;
	git_oid old;
	size_t i;

	if (nrevs == 0 || req->target == NULL ||
	    strncmp(req->target, "heads/", 6) != 0 ||
	    request_has_label(req, "merged") ||
	    request_has_label(req, "closed"))
		return 0;
	for (i = 0; i < nrevs; i++)
		if (latest == NULL || revs[i].k > latest->k)
			latest = &revs[i];
	snprintf(ref, sizeof(ref), "refs/%s", req->target);
	snprintf(tracking, sizeof(tracking), "refs/remotes/%s/%s",
		 mr_remote(ctx), req->target + 6);
	if (git_reference_name_to_id(&old, ctx->repo, tracking) < 0)
		memset(&old, 0, sizeof(old));
	return mr_gate_show(ctx, ref, &old, &latest->commit, latest->k);
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
	if (show_attestations(ctx, revs, nrevs) != 0 ||
	    show_gate(ctx, req, revs, nrevs) != 0) {
		free(flags);
		return;
	}
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
	memset(&t, 0, sizeof(t));
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
