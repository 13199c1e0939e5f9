/* mr_list: git mr list and git mr search */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mr.h"
#include "mr_approvals.h"

static struct cli_list list_labels;
static const char *list_author, *list_state, *list_target, *list_sort,
	*list_format;
static bool list_porcelain;

static const struct cli_opt list_opts[] = {
	{"label", 'l', CLI_OPT_LIST, &list_labels, "<label>",
	 "only requests with this label (repeatable: all of them)"},
	{"author", 'a', CLI_OPT_STRING, &list_author, "<user>",
	 "only requests by this user (fingerprint, prefix or name)"},
	{"state", 's', CLI_OPT_STRING, &list_state, "<state>",
	 "open (default), closed, merged or all"},
	{"target", 't', CLI_OPT_STRING, &list_target, "<branch>",
	 "only requests into this branch"},
	{"sort", 0, CLI_OPT_STRING, &list_sort, "<key>",
	 "number (default) or updated (newest first)"},
	{"format", 0, CLI_OPT_STRING, &list_format, "<format>",
	 "print each with %U %u %n %s %T %t %l %a %d (see git-mr(1))"},
	{"porcelain", 0, CLI_OPT_FLAG, &list_porcelain, NULL,
	 "tab-separated fields for scripts"},
};

static const struct cli_command list_cmd = {
	"git mr list [--label <label>]... [--author <user>] [--state <state>] "
	"[--target <branch>] [--sort number|updated] [--format <format> | "
	"--porcelain]",
	"list merge requests (read from the local refs: see git mr fetch)",
	list_opts, sizeof(list_opts) / sizeof(list_opts[0]),
};

struct list_row {
	struct request req;
	char updated[32];	/* the newest Date: of its comments */
};

static int list_cmp_number(const void *a, const void *b)
{
	const struct list_row *x = a, *y = b;
	int c = strcmp(x->req.id.user, y->req.id.user);

	if (c)
		return c;
	return x->req.id.n < y->req.id.n ? -1 : x->req.id.n > y->req.id.n;
}

static int list_cmp_updated(const void *a, const void *b)
{
	const struct list_row *x = a, *y = b;
	int c = strcmp(y->updated, x->updated);

	return c ? c : list_cmp_number(a, b);
}

static void list_labels_joined(FILE *out, const struct request *req)
{
	size_t i;

	for (i = 0; i < req->nlabels; i++) {
		if (i)
			fputc(',', out);
		mr_print(out, req->labels[i]);
	}
}

/* printf's cost shows with 10,000 rows: a number, by hand */
static void list_number(unsigned long n)
{
	char digits[21];
	size_t len = 0;

	do
		digits[len++] = (char)('0' + n % 10);
	while ((n /= 10) != 0);
	while (len > 0)
		fputc(digits[--len], stdout);
}

static void list_print_format(struct mr_ctx *ctx, const char *format,
			      const struct list_row *row)
{
	const struct request *req = &row->req;
	const char *p;
	struct buf name = BUF_INIT;

	for (p = format; *p; p++) {
		if (*p != '%' || !p[1]) {
			fputc(*p, stdout);
			continue;
		}
		switch (*++p) {
		case 'U': fputs(req->id.user, stdout); break;
		case 'u': fwrite(req->id.user, 1, 16, stdout); break;
		case 'n': list_number(req->id.n); break;
		case 's': fputs(request_state(req), stdout); break;
		case 'T': mr_print(stdout, req->target ? req->target : ""); break;
		case 't': mr_print(stdout, req->title ? req->title : ""); break;
		case 'l': list_labels_joined(stdout, req); break;
		case 'd': mr_print(stdout, row->updated); break;
		case 'a':
			buf_clear(&name);
			names_display(&name, &ctx->names, req->id.user);
			fputs(buf_cstr(&name), stdout);
			break;
		case '%': fputc('%', stdout); break;
		default: fputc('%', stdout); fputc(*p, stdout); break;
		}
	}
	fputc('\n', stdout);
	buf_dispose(&name);
}

static bool list_keep(const struct request *req, const char *state,
		      const char *target, const struct cli_list *labels)
{
	size_t i;

	if (strcmp(state, "all") != 0 && strcmp(state, request_state(req)) != 0)
		return false;
	if (target && (!req->target || strcmp(req->target, target) != 0))
		return false;
	for (i = 0; i < labels->count; i++)
		if (!request_has_label(req, labels->items[i]))
			return false;
	return true;
}

static void list_updated(struct list_row *row)
{
	size_t i;

	row->updated[0] = '\0';
	for (i = 0; i < row->req.ncomments; i++) {
		const char *d = row->req.comments[i].c.date;

		if (d && strlen(d) < sizeof(row->updated) &&
		    strcmp(d, row->updated) > 0)
			strcpy(row->updated, d);
	}
}

/* The revisions of id in all (sorted by revs_list_all), copied out. */
static size_t list_revs_of(const struct revision_of *all, size_t nall,
			   const struct store_id *id, struct revision *out,
			   size_t max)
{
	size_t lo = 0, hi = nall, n = 0;

	while (lo < hi) {	/* the first entry not before id */
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(all[mid].id.user, id->user);

		if (c < 0 || (c == 0 && all[mid].id.n < id->n))
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < nall && n < max && all[lo].id.n == id->n &&
	       strcmp(all[lo].id.user, id->user) == 0;
	     lo++)
		out[n++] = all[lo].rev;
	return n;
}

/* A second line under a request's row: who attested which revision. */
static int list_attestations(struct mr_ctx *ctx, git_tree *root,
			     const struct revision_of *all, size_t nall,
			     const struct store_id *id)
{
	struct revision revs[64];	/* the latest is what counts */
	struct mr_attestation *list = NULL;
	size_t nrevs = list_revs_of(all, nall, id, revs, 64), count = 0, i;
	int status;

	if (nrevs == 64) {
		/* more than fit: keep the newest 64, the latest last */
		struct revision *more = malloc(nall * sizeof(*more));

		if (more == NULL)
			return cli_fatal("out of memory");
		nrevs = list_revs_of(all, nall, id, more, nall);
		memcpy(revs, more + nrevs - 64, sizeof(revs));
		nrevs = 64;
		free(more);
	}
	if ((status = mr_approvals_read(ctx, root, revs, nrevs, &list,
					&count)) != 0)
		return status;
	for (i = 0; i < count; i++) {
		fputs(i ? "; " : "\t", stdout);
		mr_approvals_print(stdout, ctx, &list[i]);
		printf(" (v%lu%s)", list[i].k, list[i].stale ? ", stale" : "");
	}
	if (count)
		putchar('\n');
	free(list);
	return 0;
}

/*
 * A fresh clone has no refs/apps/: an empty list there would look like a
 * project without requests (issue 15).
 */
static void list_hint_no_data(const struct mr_ctx *ctx)
{
	if (!ctx->has_data)
		fputs("hint: no merge-request data here yet: run 'git mr "
		      "fetch'\n",
		      stderr);
}

int cmd_mr_list(int argc, char **argv)
{
	struct mr_ctx ctx;
	struct store store;
	struct store_id *ids = NULL, author;
	struct list_row *rows = NULL;
	struct revision_of *all = NULL;
	git_tree *attest = NULL;
	size_t nall = 0;
	struct err err = {{0}};
	struct buf target = BUF_INIT;
	const char *state;
	size_t i, count = 0, nrows = 0;
	unsigned flags = 0;
	int nargs, status, store_ok = 0;

	if ((status = cli_parse(&list_cmd, argc, argv, &nargs)) >= 0)
		return status;
	if (nargs != 0) {
		cli_usage(stderr, &list_cmd);
		return CLI_EXIT_USAGE;
	}
	state = list_state ? list_state : "open";
	if (strcmp(state, "open") && strcmp(state, "closed") &&
	    strcmp(state, "merged") && strcmp(state, "all"))
		return cli_fatal("--state wants open, closed, merged or all");
	if (list_sort && strcmp(list_sort, "number") &&
	    strcmp(list_sort, "updated"))
		return cli_fatal("--sort wants number or updated");
	if (list_sort && strcmp(list_sort, "updated") == 0)
		flags |= STORE_COMMENTS;
	if (list_format && strstr(list_format, "%d"))
		flags |= STORE_COMMENTS;
	if (list_target && mr_target_normalize(&target, list_target, &err) < 0)
		return cli_fatal("%s", err.msg);
	if ((status = mr_open(&ctx, NULL)) != 0)
		goto done;
	list_hint_no_data(&ctx);
	if (store_open(&store, ctx.repo, ctx.has_data ? &ctx.data : NULL,
		       &ctx.warnings, &err) < 0) {
		status = cli_fatal("%s", err.msg);
		goto done;
	}
	store_ok = 1;
	if (list_author) {
		char spec[300];

		/* resolve "<user>" as the user part of "<user>/1" */
		snprintf(spec, sizeof(spec), "%s/1", list_author);
		if ((status = mr_resolve(&ctx, &store, spec, &author)) != 0)
			goto done;
	}
	if (store_list(&store, list_author ? author.user : NULL, &ids, &count,
		       &err) < 0 ||
	    (count && (rows = calloc(count, sizeof(*rows))) == NULL)) {
		status = cli_fatal("%s", err.msg[0] ? err.msg : "out of memory");
		goto done;
	}
	for (i = 0; i < count; i++) {
		struct list_row *row = &rows[nrows];

		if (store_read(&store, &ids[i], flags, &row->req, &err) < 0) {
			status = cli_fatal("%s", err.msg);
			goto done;
		}
		if (!list_keep(&row->req, state,
			       list_target ? buf_cstr(&target) : NULL,
			       &list_labels)) {
			request_dispose(&row->req);
			continue;
		}
		list_updated(row);
		request_drop_comments(&row->req);
		nrows++;
	}
	/* rows is NULL when nothing is listed: qsort may not get it */
	if (list_sort && strcmp(list_sort, "updated") == 0 && nrows > 1)
		qsort(rows, nrows, sizeof(*rows), list_cmp_updated);
	mr_warnings_flush(&ctx);
	/* attestations under the default format only: scripts parse the
	 * others line by line */
	if (!list_porcelain && !list_format && ctx.has_attest && nrows &&
	    (attest_tree(&attest, NULL, ctx.repo, &err) < 0 ||
	     revs_list_all(ctx.repo, &all, &nall, &err) < 0)) {
		status = cli_fatal("%s", err.msg);
		goto done;
	}
	for (i = 0; i < nrows; i++) {
		const char *format = list_format;

		if (list_porcelain)
			format = "%U\t%n\t%s\t%T\t%l\t%t";
		else if (format == NULL)
			format = "%u/%n\t%s\t%T\t%t\t[%l]\t%a";
		list_print_format(&ctx, format, &rows[i]);
		if (attest != NULL &&
		    (status = list_attestations(&ctx, attest, all, nall,
						&rows[i].req.id)) != 0)
			goto done;
	}
	status = 0;
done:
	git_tree_free(attest);
	free(all);
	for (i = 0; i < nrows; i++)
		request_dispose(&rows[i].req);
	free(rows);
	free(ids);
	buf_dispose(&target);
	if (store_ok)
		store_close(&store);
	mr_close(&ctx);
	return status;
}

static const struct cli_command search_cmd = {
	"git mr search <text>",
	"find merge requests whose title or comments hold text "
	"(ignoring case)",
	NULL, 0,
};

/* Print the first line of text that holds needle, trimmed. */
static void search_print_line(const char *text, const char *needle)
{
	const char *hit = strcasestr(text, needle), *start = hit, *end;

	while (start > text && start[-1] != '\n')
		start--;
	end = strchr(hit, '\n');
	if (end == NULL)
		end = hit + strlen(hit);
	if (end - start > 160)
		end = start + 160;
	{
		struct buf b = BUF_INIT;

		buf_put(&b, start, (size_t)(end - start));
		mr_print(stdout, buf_cstr(&b));
		buf_dispose(&b);
	}
}

int cmd_mr_search(int argc, char **argv)
{
	struct mr_ctx ctx;
	struct store store;
	struct store_id *ids = NULL;
	struct err err = {{0}};
	size_t i, j, count = 0, hits = 0;
	int nargs, status, store_ok = 0;

	if ((status = cli_parse(&search_cmd, argc, argv, &nargs)) >= 0)
		return status;
	if (nargs != 1 || !*argv[0]) {
		cli_usage(stderr, &search_cmd);
		return CLI_EXIT_USAGE;
	}
	if ((status = mr_open(&ctx, NULL)) != 0)
		goto done;
	list_hint_no_data(&ctx);
	if (store_open(&store, ctx.repo, ctx.has_data ? &ctx.data : NULL,
		       &ctx.warnings, &err) < 0 ||
	    (store_ok = 1, store_list(&store, NULL, &ids, &count, &err) < 0)) {
		status = cli_fatal("%s", err.msg);
		goto done;
	}
	for (i = 0; i < count; i++) {
		struct request req;

		if (store_read(&store, &ids[i], STORE_COMMENTS, &req, &err) <
		    0) {
			status = cli_fatal("%s", err.msg);
			goto done;
		}
		if (req.title && strcasestr(req.title, argv[0])) {
			mr_print_id(stdout, &req.id);
			printf("\ttitle\t");
			mr_print(stdout, req.title);
			putchar('\n');
			hits++;
		}
		for (j = 0; j < req.ncomments; j++) {
			const struct request_comment *rc = &req.comments[j];

			if (!strcasestr(rc->c.body, argv[0]))
				continue;
			mr_print_id(stdout, &req.id);
			printf("\tcomment %.16s/%lu\t", rc->user, rc->k);
			search_print_line(rc->c.body, argv[0]);
			putchar('\n');
			hits++;
		}
		request_dispose(&req);
	}
	/* like grep: 1 when nothing matched */
	status = hits ? 0 : CLI_EXIT_FAILED;
done:
	free(ids);
	if (store_ok)
		store_close(&store);
	mr_close(&ctx);
	return status;
}
