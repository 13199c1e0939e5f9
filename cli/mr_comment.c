/* mr_comment: git mr comment, label, close and reopen */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../apps/merge-reqs/edit.h"
#include "../apps/merge-reqs/revs.h"
#include "mr.h"

/* Open a store on the local data branch and resolve spec in it. */
static int comment_resolve(struct mr_ctx *ctx, const char *spec,
			   struct store_id *id)
{
	struct store store;
	struct err err = {{0}};
	int status;

	if (store_open(&store, ctx->repo, ctx->has_data ? &ctx->data : NULL,
		       NULL, &err) < 0)
		return cli_fatal("%s", err.msg);
	status = mr_resolve(ctx, &store, spec, id);
	store_close(&store);
	return status;
}

/* The request must exist on the tip the write is built on. */
static int comment_must_exist(struct store *store, const struct store_id *id,
			      struct request *req, unsigned flags)
{
	struct err err = {{0}};
	int rc = store_read(store, id, flags, req, &err);

	if (rc == GIT_ENOTFOUND)
		return cli_fatal("no merge request %s/%lu", id->user, id->n);
	if (rc < 0)
		return cli_fatal("%s", err.msg);
	return 0;
}

struct comment_args {
	git_signature *sig;
	struct store_id id;
	const char *body, *reply_to, *path;
	unsigned long line, rev, k;
};

static int comment_build(struct mr_ctx *ctx, struct store *store,
			 const git_oid *tip, struct mr_push_ref *refs,
			 size_t *nrefs, void *data)
{
	struct comment_args *a = data;
	struct revision *revs = NULL;
	struct request req;
	struct comment c = {0};
	struct err err = {{0}};
	struct edit edit;
	char date[21], path[160];
	size_t count = 0, i;
	int status;

	if ((status = comment_must_exist(store, &a->id, &req, 0)) != 0)
		return status;
	request_dispose(&req);
	if (a->reply_to) {
		/* "<user id>/<k>": a reply to nothing would dangle */
		snprintf(path, sizeof(path), "merge-reqs/%s/%lu/comments/%s",
			 a->id.user, a->id.n, a->reply_to);
		if (!store_has_path(store, path))
			return cli_fatal("no comment %.16s%s on %.16s/%lu to "
					 "reply to",
					 a->reply_to,
					 strchr(a->reply_to, '/'), a->id.user,
					 a->id.n);
	}
	if (revs_list(ctx->repo, &a->id, &revs, &count, NULL, &err) < 0)
		return cli_fatal("%s", err.msg);
	c.revision = a->rev ? a->rev : count ? revs[count - 1].k : 0;
	/* an anchor to a revision nobody pushed would point at no code */
	for (i = 0; a->rev && i < count && revs[i].k != a->rev; i++)
		;
	free(revs);
	if (a->rev && i == count)
		return cli_fatal("%.16s/%lu has no revision %lu", a->id.user,
				 a->id.n, a->rev);
	comment_date_at(date, (long long)a->sig->when.time);
	c.date = date;
	c.reply_to = a->reply_to;
	c.path = a->path;
	c.line = a->line;
	c.body = a->body;
	edit_init(&edit, ctx->repo);
	status = 0;
	if (edit_comment(&edit, store, &a->id, ctx->me, &c, &a->k, &err) < 0 ||
	    edit_commit(&edit, tip, a->sig, "Comment on a merge request\n",
			&refs[0].id, &err) < 0)
		status = cli_fatal("%s", err.msg[0] ? err.msg : "out of memory");
	edit_dispose(&edit);
	snprintf(refs[0].name, sizeof(refs[0].name), "%s", STORE_DATA_REF);
	*nrefs = 1;
	return status;
}

/* "<user>/<k>" with the user resolved to a full id; into out. */
static int comment_reply_to(struct mr_ctx *ctx, const char *spec,
			    struct buf *out)
{
	struct store_id id;
	int status;

	if (strchr(spec, '/') == NULL)
		return cli_fatal("--reply-to wants <user>/<comment number>");
	/* the same shape as a request name: <user>/<number> */
	if ((status = comment_resolve(ctx, spec, &id)) != 0)
		return status;
	return buf_printf(out, "%s/%lu", id.user, id.n) < 0
		       ? cli_fatal("out of memory")
		       : 0;
}

static const char *comment_message, *comment_file, *comment_reply,
	*comment_path, *comment_line, *comment_rev;

static const struct cli_opt comment_opts[] = {
	{"message", 'm', CLI_OPT_STRING, &comment_message, "<text>",
	 "the comment (Markdown)"},
	{"file", 'F', CLI_OPT_STRING, &comment_file, "<file>",
	 "read it from a file (- for stdin)"},
	{"reply-to", 0, CLI_OPT_STRING, &comment_reply, "<user>/<k>",
	 "answer comment k of that user"},
	{"path", 0, CLI_OPT_STRING, &comment_path, "<path>",
	 "anchor the comment to a file of the revision"},
	{"line", 0, CLI_OPT_STRING, &comment_line, "<n>",
	 "... and to line n of it (needs --path)"},
	{"rev", 0, CLI_OPT_STRING, &comment_rev, "<k>",
	 "the revision it is about (default: the latest)"},
};

static const struct cli_command comment_cmd = {
	"git mr comment <mr> [-m <text> | -F <file>] [--reply-to <user>/<k>] "
	"[--path <path> [--line <n>]] [--rev <k>]",
	"comment on a merge request",
	comment_opts, sizeof(comment_opts) / sizeof(comment_opts[0]),
};

static int comment_number_opt(const char *name, const char *value,
			      unsigned long *out)
{
	if (value == NULL)
		return 0;
	if (!comment_number_valid(value, strlen(value)))
		return cli_fatal("--%s wants a number from 1, not '%s'", name,
				 value);
	*out = strtoul(value, NULL, 10);
	return 0;
}

int cmd_mr_comment(int argc, char **argv)
{
	struct comment_args a;
	struct mr_ctx ctx;
	struct buf message = BUF_INIT, reply = BUF_INIT;
	int nargs, status;

	memset(&a, 0, sizeof(a));
	if ((status = cli_parse(&comment_cmd, argc, argv, &nargs)) >= 0)
		return status;
	if (nargs != 1) {
		cli_usage(stderr, &comment_cmd);
		return CLI_EXIT_USAGE;
	}
	if (comment_line && !comment_path)
		return cli_fatal("--line needs --path");
	if (comment_path && (!*comment_path || strchr(comment_path, '\n')))
		return cli_fatal("--path must be one line");
	if ((status = comment_number_opt("line", comment_line, &a.line)) ||
	    (status = comment_number_opt("rev", comment_rev, &a.rev)))
		return status;
	if ((status = mr_open(&ctx, NULL)) != 0)
		goto done;
	if ((status = mr_whoami(&ctx)) != 0 ||
	    (status = mr_fetch(&ctx, true)) != 0 ||
	    (status = comment_resolve(&ctx, argv[0], &a.id)) != 0 ||
	    (comment_reply &&
	     (status = comment_reply_to(&ctx, comment_reply, &reply)) != 0) ||
	    (status = mr_message(&message, comment_message, comment_file,
				 "\n# Write your comment.  Lines starting "
				 "with '#' are dropped.\n")) != 0 ||
	    (status = mr_signature(&a.sig)) != 0)
		goto done;
	a.body = message.ptr;
	a.reply_to = reply.len ? reply.ptr : NULL;
	a.path = comment_path;
	if ((status = mr_publish(&ctx, comment_build, &a)) != 0)
		goto done;
	printf("commented on ");
	mr_print_id(stdout, &a.id);
	printf(" as %.16s/%lu\n", ctx.me, a.k);
done:
	git_signature_free(a.sig);
	buf_dispose(&message);
	buf_dispose(&reply);
	mr_close(&ctx);
	return status;
}

/* label add/remove, close and reopen: labels to add and to remove. */
struct label_args {
	git_signature *sig;
	struct store_id id;
	const char *const *add, *const *remove;
	size_t nadd, nremove;
	const char *what;	/* for the commit message */
	bool refuse_merged;
};

static int label_build(struct mr_ctx *ctx, struct store *store,
		       const git_oid *tip, struct mr_push_ref *refs,
		       size_t *nrefs, void *data)
{
	struct label_args *a = data;
	struct request req;
	struct err err = {{0}};
	struct edit edit;
	struct buf msg = BUF_INIT;
	size_t i, changes = 0;
	int status;

	if ((status = comment_must_exist(store, &a->id, &req, 0)) != 0)
		return status;
	if (a->refuse_merged && request_has_label(&req, "merged")) {
		request_dispose(&req);
		return cli_fatal("%.16s/%lu is merged", a->id.user, a->id.n);
	}
	edit_init(&edit, ctx->repo);
	for (i = 0; i < a->nadd && status == 0; i++) {
		if (!store_label_exists(store, a->add[i]))
			status = cli_fatal("no label '%s' (labels/%s/"
					   "description makes one; "
					   "maintainers add them)",
					   a->add[i], a->add[i]);
		else if (!request_has_label(&req, a->add[i]) &&
			 edit_label_add(&edit, &a->id, a->add[i], &err) < 0)
			status = cli_fatal("%s", err.msg);
		else if (!request_has_label(&req, a->add[i]))
			changes++;
	}
	for (i = 0; i < a->nremove && status == 0; i++) {
		if (!request_has_label(&req, a->remove[i]))
			continue;
		if (edit_label_remove(&edit, store, &a->id, a->remove[i],
				      &err) < 0)
			status = cli_fatal("%s", err.msg);
		changes++;
	}
	request_dispose(&req);
	if (status == 0 && changes == 0)
		status = cli_fatal("%.16s/%lu already has those labels; "
				   "nothing to do",
				   a->id.user, a->id.n);
	buf_printf(&msg, "%s\n", a->what);
	if (status == 0 && edit_commit(&edit, tip, a->sig, msg.ptr,
				       &refs[0].id, &err) < 0)
		status = cli_fatal("%s", err.msg);
	edit_dispose(&edit);
	buf_dispose(&msg);
	snprintf(refs[0].name, sizeof(refs[0].name), "%s", STORE_DATA_REF);
	*nrefs = 1;
	return status;
}

static int label_run(const char *spec, struct label_args *a)
{
	struct mr_ctx ctx;
	int status;

	if ((status = mr_open(&ctx, NULL)) != 0)
		goto done;
	if ((status = mr_fetch(&ctx, true)) != 0 ||
	    (status = comment_resolve(&ctx, spec, &a->id)) != 0 ||
	    (status = mr_signature(&a->sig)) != 0 ||
	    (status = mr_publish(&ctx, label_build, a)) != 0)
		goto done;
	printf("%s ", a->what);
	mr_print_id(stdout, &a->id);
	putchar('\n');
done:
	git_signature_free(a->sig);
	mr_close(&ctx);
	return status;
}

static const struct cli_command label_cmd = {
	"git mr label (add | remove) <mr> <label>...",
	"set or clear labels of a merge request", NULL, 0,
};

int cmd_mr_label(int argc, char **argv)
{
	struct label_args a;
	int nargs, status, i;

	memset(&a, 0, sizeof(a));
	if ((status = cli_parse(&label_cmd, argc, argv, &nargs)) >= 0)
		return status;
	if (nargs < 3 || (strcmp(argv[0], "add") && strcmp(argv[0], "remove"))) {
		cli_usage(stderr, &label_cmd);
		return CLI_EXIT_USAGE;
	}
	for (i = 2; i < nargs; i++)
		if (!store_label_name_valid(argv[i]))
			return cli_fatal("'%s' is not a label name", argv[i]);
	if (strcmp(argv[0], "add") == 0) {
		a.add = (const char *const *)argv + 2;
		a.nadd = (size_t)nargs - 2;
		a.what = "labelled";
	} else {
		a.remove = (const char *const *)argv + 2;
		a.nremove = (size_t)nargs - 2;
		a.what = "unlabelled";
	}
	return label_run(argv[1], &a);
}

static const struct cli_command close_cmd = {
	"git mr close <mr>",
	"close a merge request without merging it", NULL, 0,
};

static const struct cli_command reopen_cmd = {
	"git mr reopen <mr>", "reopen a closed merge request", NULL, 0,
};

static int label_state(const struct cli_command *cmd, int argc, char **argv,
		       bool close)
{
	static const char *const open_labels[] = {"open"};
	static const char *const closed[] = {"closed"};
	static const char *const closing[] = {"open", "needs-review"};
	struct label_args a;
	int nargs, status;

	memset(&a, 0, sizeof(a));
	if ((status = cli_parse(cmd, argc, argv, &nargs)) >= 0)
		return status;
	if (nargs != 1) {
		cli_usage(stderr, cmd);
		return CLI_EXIT_USAGE;
	}
	a.refuse_merged = true;
	if (close) {
		a.add = closed;
		a.nadd = 1;
		a.remove = closing;
		a.nremove = 2;
		a.what = "closed";
	} else {
		a.add = open_labels;
		a.nadd = 1;
		a.remove = closed;
		a.nremove = 1;
		a.what = "reopened";
	}
	return label_run(argv[0], &a);
}

int cmd_mr_close(int argc, char **argv)
{
	return label_state(&close_cmd, argc, argv, true);
}

int cmd_mr_reopen(int argc, char **argv)
{
	return label_state(&reopen_cmd, argc, argv, false);
}
