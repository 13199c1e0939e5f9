/* mr_create: git mr create and git mr update (new revisions) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../apps/merge-reqs/edit.h"
#include "../apps/merge-reqs/revs.h"
#include "mr.h"

static const char *create_template =
	"\n"
	"# The first line is the merge request's title; the rest, after a\n"
	"# blank line, its description.  Lines starting with '#' are\n"
	"# dropped; an empty message aborts.\n";

static const char *update_template =
	"\n"
	"# Say what changed in this revision.  Lines starting with '#' are\n"
	"# dropped; an empty message aborts.\n";

/* What both commands build on whatever tip the data branch has. */
struct revision_args {
	git_signature *sig;
	git_oid commit;			/* the revision's commit */
	const char *title;		/* create */
	const char *target;		/* create: heads/... */
	const char *body;		/* the comment */
	struct store_id id;		/* update: which; create: filled */
	unsigned long k;		/* filled: the revision number */
};

/* The annotated tag of revision k, pushed beside the data commit. */
static int revision_tag(struct mr_ctx *ctx, struct revision_args *a,
			struct mr_push_ref *ref)
{
	git_object *target = NULL;
	char message[160], name[64];
	int status;

	snprintf(name, sizeof(name), "%lu-v%lu", a->id.n, a->k);
	snprintf(message, sizeof(message),
		 "Revision %lu of merge request %s/%lu\n", a->k, a->id.user,
		 a->id.n);
	if (git_object_lookup(&target, ctx->repo, &a->commit,
			      GIT_OBJECT_COMMIT) < 0)
		return mr_git_error("cannot read the revision's commit");
	status = git_tag_annotation_create(&ref->id, ctx->repo, name, target,
					   a->sig, message);
	git_object_free(target);
	if (status < 0)
		return mr_git_error("cannot write the revision tag");
	revs_ref_name(ref->name, sizeof(ref->name), &a->id, a->k);
	return 0;
}

/* The comment comments/<me>/<next> saying what this revision is. */
static int revision_comment(struct edit *edit, struct store *store,
			    struct revision_args *a, const char *me,
			    struct err *err)
{
	struct comment c = {0};
	struct buf text = BUF_INIT;
	char date[21], path[128];
	unsigned long k;
	int status;

	if (store_next_comment(store, &a->id, me, &k, err) < 0)
		return -1;
	comment_date_at(date, (long long)a->sig->when.time);
	c.date = date;
	c.revision = a->k;
	c.body = a->body;
	snprintf(path, sizeof(path), "merge-reqs/%s/%lu/comments/%s/%lu",
		 a->id.user, a->id.n, me, k);
	status = comment_format(&text, &c) < 0
			 ? err_set(err, "out of memory")
			 : edit_put(edit, path, text.ptr, text.len,
				    GIT_FILEMODE_BLOB, err);
	buf_dispose(&text);
	return status;
}

static int create_build(struct mr_ctx *ctx, struct store *store,
			const git_oid *tip, struct mr_push_ref *refs,
			size_t *nrefs, void *data)
{
	struct revision_args *a = data;
	struct err err = {{0}};
	struct edit edit;
	struct buf line = BUF_INIT, msg = BUF_INIT;
	char path[128];
	int status = CLI_EXIT_FATAL;

	edit_init(&edit, ctx->repo);
	memcpy(a->id.user, ctx->me, USERID_LEN + 1);
	a->k = 1;
	if (store_next_number(store, ctx->me, &a->id.n, &err) < 0)
		goto fail;
	snprintf(path, sizeof(path), "merge-reqs/%s/%lu/title", ctx->me,
		 a->id.n);
	buf_printf(&line, "%s\n", a->title);
	if (edit_put(&edit, path, line.ptr, line.len, GIT_FILEMODE_BLOB,
		     &err) < 0)
		goto fail;
	snprintf(path, sizeof(path), "merge-reqs/%s/%lu/target", ctx->me,
		 a->id.n);
	buf_clear(&line);
	buf_printf(&line, "%s\n", a->target);
	if (edit_put(&edit, path, line.ptr, line.len, GIT_FILEMODE_BLOB,
		     &err) < 0 ||
	    revision_comment(&edit, store, a, ctx->me, &err) < 0 ||
	    edit_label_add(&edit, &a->id, "open", &err) < 0 ||
	    edit_label_add(&edit, &a->id, "needs-review", &err) < 0)
		goto fail;
	buf_printf(&msg, "Create merge request %s/%lu\n", ctx->me, a->id.n);
	if (edit_commit(&edit, tip, a->sig, msg.ptr, &refs[0].id, &err) < 0)
		goto fail;
	snprintf(refs[0].name, sizeof(refs[0].name), "%s", STORE_DATA_REF);
	if ((status = revision_tag(ctx, a, &refs[1])) != 0)
		goto done;
	*nrefs = 2;
	status = 0;
	goto done;
fail:
	status = cli_fatal("%s", err.msg);
done:
	buf_dispose(&line);
	buf_dispose(&msg);
	edit_dispose(&edit);
	return status;
}

/* <commit-ish> (default HEAD) to a commit id. */
static int revision_commit(struct mr_ctx *ctx, const char *spec, git_oid *out)
{
	git_object *obj = NULL, *commit = NULL;
	int status = 0;

	if (git_revparse_single(&obj, ctx->repo, spec ? spec : "HEAD") < 0 ||
	    git_object_peel(&commit, obj, GIT_OBJECT_COMMIT) < 0)
		status = cli_fatal("'%s' is not a commit", spec ? spec : "HEAD");
	else
		git_oid_cpy(out, git_object_id(commit));
	git_object_free(commit);
	git_object_free(obj);
	return status;
}

static const char *create_target, *create_message, *create_file;

static const struct cli_opt create_opts[] = {
	{"target", 't', CLI_OPT_STRING, &create_target, "<branch>",
	 "the branch to merge into (default: main)"},
	{"message", 'm', CLI_OPT_STRING, &create_message, "<text>",
	 "the title, a blank line, the description"},
	{"file", 'F', CLI_OPT_STRING, &create_file, "<file>",
	 "read the message from a file (- for stdin)"},
};

static const struct cli_command create_cmd = {
	"git mr create [-t <branch>] [-m <text> | -F <file>] [<commit-ish>]",
	"propose a commit (default HEAD) for merging as a new merge request",
	create_opts, sizeof(create_opts) / sizeof(create_opts[0]),
};

int cmd_mr_create(int argc, char **argv)
{
	struct revision_args a;
	struct mr_ctx ctx;
	struct buf message = BUF_INIT, target = BUF_INIT;
	struct err err = {{0}};
	char *nl, *body;
	int nargs, status;

	memset(&a, 0, sizeof(a));
	if ((status = cli_parse(&create_cmd, argc, argv, &nargs)) >= 0)
		return status;
	if (nargs > 1) {
		cli_usage(stderr, &create_cmd);
		return CLI_EXIT_USAGE;
	}
	if (mr_target_normalize(&target, create_target ? create_target : "main",
				&err) < 0)
		return cli_fatal("%s", err.msg);
	if ((status = mr_open(&ctx, NULL)) != 0)
		goto done;
	if ((status = mr_whoami(&ctx)) != 0 ||
	    (status = revision_commit(&ctx, nargs ? argv[0] : NULL,
				      &a.commit)) != 0 ||
	    (status = mr_message(&message, create_message, create_file,
				 create_template)) != 0 ||
	    (status = mr_signature(&a.sig)) != 0)
		goto done;
	/* a commit message's shape: title, blank line, description */
	nl = strchr(message.ptr, '\n');
	body = "";
	if (nl) {
		*nl = '\0';
		body = nl + 1;
		while (*body == '\n')
			body++;
	}
	a.title = message.ptr;
	/* readers show a blank title as missing: never write one */
	if (a.title[strspn(a.title, " \t")] == '\0') {
		status = cli_fatal("the title (the message's first line) is "
				   "empty; nothing done");
		goto done;
	}
	a.target = buf_cstr(&target);
	a.body = body;
	if ((status = mr_publish(&ctx, create_build, &a)) != 0)
		goto done;
	printf("created merge request ");
	mr_print_id(stdout, &a.id);
	printf(" (revision 1 of %s into %s): ", git_oid_tostr_s(&a.commit),
	       a.target);
	mr_print(stdout, a.title);
	putchar('\n');
done:
	git_signature_free(a.sig);
	buf_dispose(&message);
	buf_dispose(&target);
	mr_close(&ctx);
	return status;
}

static int update_build(struct mr_ctx *ctx, struct store *store,
			const git_oid *tip, struct mr_push_ref *refs,
			size_t *nrefs, void *data)
{
	struct revision_args *a = data;
	struct revision *revs = NULL;
	struct request req;
	struct err err = {{0}};
	struct edit edit;
	size_t count = 0;
	int status, rc;

	edit_init(&edit, ctx->repo);
	rc = store_read(store, &a->id, 0, &req, &err);
	if (rc == GIT_ENOTFOUND)
		return cli_fatal("no merge request %s/%lu", a->id.user,
				 a->id.n);
	if (rc < 0)
		return cli_fatal("%s", err.msg);
	if (request_has_label(&req, "merged")) {
		request_dispose(&req);
		return cli_fatal("%.16s/%lu is merged: make a new merge "
				 "request",
				 a->id.user, a->id.n);
	}
	request_dispose(&req);
	if (revs_list(ctx->repo, &a->id, &revs, &count, &ctx->warnings,
		      &err) < 0)
		return cli_fatal("%s", err.msg);
	if (count > 0 && git_oid_equal(&revs[count - 1].commit, &a->commit)) {
		unsigned long k = revs[count - 1].k;

		free(revs);
		return cli_fatal("revision %lu is already %s: nothing to "
				 "update",
				 k, git_oid_tostr_s(&a->commit));
	}
	a->k = count ? revs[count - 1].k + 1 : 1;
	free(revs);
	if (revision_comment(&edit, store, a, ctx->me, &err) < 0 ||
	    edit_commit(&edit, tip, a->sig, "Update merge request\n",
			&refs[0].id, &err) < 0) {
		edit_dispose(&edit);
		return cli_fatal("%s", err.msg);
	}
	edit_dispose(&edit);
	snprintf(refs[0].name, sizeof(refs[0].name), "%s", STORE_DATA_REF);
	if ((status = revision_tag(ctx, a, &refs[1])) != 0)
		return status;
	*nrefs = 2;
	return 0;
}

static const char *update_message, *update_file;

static const struct cli_opt update_opts[] = {
	{"message", 'm', CLI_OPT_STRING, &update_message, "<text>",
	 "what changed (default: the revision's commit)"},
	{"file", 'F', CLI_OPT_STRING, &update_file, "<file>",
	 "read it from a file (- for stdin)"},
};

static const struct cli_command update_cmd = {
	"git mr update <mr> [-m <text> | -F <file>] [<commit-ish>]",
	"add the next revision (default HEAD) to one of your merge requests",
	update_opts, sizeof(update_opts) / sizeof(update_opts[0]),
};

int cmd_mr_update(int argc, char **argv)
{
	struct revision_args a;
	struct mr_ctx ctx;
	struct store store;
	struct buf message = BUF_INIT, body = BUF_INIT;
	struct err err = {{0}};
	int nargs, status;

	memset(&a, 0, sizeof(a));
	if ((status = cli_parse(&update_cmd, argc, argv, &nargs)) >= 0)
		return status;
	if (nargs < 1 || nargs > 2) {
		cli_usage(stderr, &update_cmd);
		return CLI_EXIT_USAGE;
	}
	if ((status = mr_open(&ctx, NULL)) != 0)
		goto done;
	if ((status = mr_whoami(&ctx)) != 0 ||
	    (status = revision_commit(&ctx, nargs > 1 ? argv[1] : NULL,
				      &a.commit)) != 0 ||
	    (status = mr_fetch(&ctx, true)) != 0)
		goto done;
	if (store_open(&store, ctx.repo, ctx.has_data ? &ctx.data : NULL,
		       NULL, &err) < 0) {
		status = cli_fatal("%s", err.msg);
		goto done;
	}
	status = mr_resolve(&ctx, &store, argv[0], &a.id);
	store_close(&store);
	if (status != 0)
		goto done;
	if (strcmp(a.id.user, ctx.me) != 0) {
		status = cli_fatal("%.16s/%lu is not yours: only its author "
				   "adds revisions",
				   a.id.user, a.id.n);
		goto done;
	}
	if (update_message || update_file ||
	    getenv("GIT_EDITOR") || getenv("EDITOR") || getenv("VISUAL")) {
		if ((status = mr_message(&message, update_message,
					 update_file, update_template)) != 0)
			goto done;
	}
	buf_printf(&body, "New revision: %s\n", git_oid_tostr_s(&a.commit));
	if (message.len)
		buf_printf(&body, "\n%s\n", message.ptr);
	a.body = buf_cstr(&body);
	if ((status = mr_signature(&a.sig)) != 0 ||
	    (status = mr_publish(&ctx, update_build, &a)) != 0)
		goto done;
	printf("updated merge request ");
	mr_print_id(stdout, &a.id);
	printf(" to revision %lu (%s)\n", a.k, git_oid_tostr_s(&a.commit));
done:
	git_signature_free(a.sig);
	buf_dispose(&message);
	buf_dispose(&body);
	mr_close(&ctx);
	return status;
}
