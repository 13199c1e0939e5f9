/* mr_approve: git mr approve and unapprove: the `approved` attestation of
   a revision and a comment saying so, in one signed push (SPEC 11) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../apps/merge-reqs/edit.h"
#include "../apps/merge-reqs/revs.h"
#include "mr.h"

#define APPROVE_KIND "approved"

static const char *approve_rev;

static const struct cli_opt approve_opts[] = {
	{"rev", 0, CLI_OPT_STRING, &approve_rev, "<k>",
	 "the revision (default: the latest)"},
};

static const struct cli_command approve_cmd = {
	"git mr approve [<mr>] [--rev <k>]",
	"approve a revision: write the approved attestation of its commit to "
	"refs/apps/attestations and say so in the request, in one signed "
	"push (without <mr>: the request HEAD is a revision of)",
	approve_opts, sizeof(approve_opts) / sizeof(approve_opts[0]),
};

static const struct cli_command unapprove_cmd = {
	"git mr unapprove [<mr>] [--rev <k>]",
	"withdraw your approval of a revision: delete your approved "
	"attestation of its commit and say so in the request, in one signed "
	"push",
	approve_opts, sizeof(approve_opts) / sizeof(approve_opts[0]),
};

struct approve_args {
	git_signature *sig;
	struct store_id id;
	unsigned long k;	/* chosen once, before the first build */
	git_oid commit;		/* revision k's commit, as the build saw it */
	bool remove;
	bool had_attest;	/* refs/apps/attestations the build saw */
	git_oid attest;
};

/* Revision k of id among the local refs into *commit; 0 or exit code. */
static int approve_revision(struct mr_ctx *ctx, const struct store_id *id,
			    unsigned long *k, git_oid *commit)
{
	struct revision *revs = NULL;
	struct err err = {{0}};
	size_t count = 0, i;
	int status = 0;

	if (revs_list(ctx->repo, id, &revs, &count, &ctx->warnings, &err) < 0)
		return cli_fatal("%s", err.msg);
	if (count == 0)
		status = cli_fatal("%.16s/%lu has no revisions", id->user,
				   id->n);
	else if (*k == 0)
		*k = revs[count - 1].k;
	for (i = 0; status == 0 && i < count && revs[i].k != *k; i++)
		;
	if (status == 0 && i == count)
		status = cli_fatal("%.16s/%lu has no revision %lu", id->user,
				   id->n, *k);
	else if (status == 0)
		git_oid_cpy(commit, &revs[i].commit);
	free(revs);
	return status;
}

static int approve_must_exist(struct store *store, const struct store_id *id)
{
	struct request req;
	struct err err = {{0}};
	int rc = store_read(store, id, 0, &req, &err);

	if (rc == GIT_ENOTFOUND)
		return cli_fatal("no merge request %.16s/%lu", id->user,
				 id->n);
	if (rc < 0)
		return cli_fatal("%s", err.msg);
	request_dispose(&req);
	return 0;
}

static int approve_build(struct mr_ctx *ctx, struct store *store,
			 const git_oid *tip, struct mr_push_ref *refs,
			 size_t *nrefs, void *data)
{
	struct approve_args *a = data;
	struct attest_change change;
	struct comment c = {0};
	struct err err = {{0}};
	struct edit edit;
	struct buf text = BUF_INIT, body = BUF_INIT;
	char date[21];
	unsigned long k;
	int status, rc;

	if ((status = approve_must_exist(store, &a->id)) != 0)
		return status;
	/* the revision's commit as fetched now: that is what is attested */
	if ((status = approve_revision(ctx, &a->id, &a->k, &a->commit)) != 0)
		return status;
	a->had_attest = ctx->has_attest;
	git_oid_cpy(&a->attest, &ctx->attest);
	memset(&change, 0, sizeof(change));
	git_oid_cpy(&change.commit, &a->commit);
	change.kind = APPROVE_KIND;
	change.user = ctx->me;
	if (!a->remove) {
		if (attest_text_mr(&text, a->id.user, a->id.n, a->k,
				   &a->commit) < 0)
			return cli_fatal("out of memory");
		change.text = text.ptr;
		change.len = text.len;
	}
	rc = attest_commit(&refs[1].id, ctx->repo,
			   ctx->has_attest ? &ctx->attest : NULL, &change,
			   a->sig,
			   a->remove ? "Withdraw an approval\n"
				     : "Approve a revision\n",
			   &err);
	buf_dispose(&text);
	if (rc == GIT_EEXISTS)
		return cli_fatal("you approved revision %lu of %.16s/%lu "
				 "already",
				 a->k, a->id.user, a->id.n);
	if (rc == GIT_ENOTFOUND)
		return cli_fatal("you have not approved revision %lu of "
				 "%.16s/%lu",
				 a->k, a->id.user, a->id.n);
	if (rc < 0)
		return cli_fatal("%s", err.msg);
	snprintf(refs[1].name, sizeof(refs[1].name), "%s", ATTEST_REF);

	comment_date_at(date, (long long)a->sig->when.time);
	c.date = date;
	c.revision = a->k;
	buf_printf(&body, "%s revision %lu (%s)",
		   a->remove ? "Unapproved" : "Approved", a->k,
		   git_oid_tostr_s(&a->commit));
	c.body = body.ptr;
	edit_init(&edit, ctx->repo);
	if (body.ptr == NULL ||
	    edit_comment(&edit, store, &a->id, ctx->me, &c, &k, &err) < 0 ||
	    edit_commit(&edit, tip, a->sig,
			a->remove ? "Withdraw an approval\n"
				  : "Approve a revision\n",
			&refs[0].id, &err) < 0)
		status = cli_fatal("%s", err.msg[0] ? err.msg : "out of memory");
	edit_dispose(&edit);
	buf_dispose(&body);
	/* refs[0] is the data branch: mr_publish checks it after a failure */
	snprintf(refs[0].name, sizeof(refs[0].name), "%s", STORE_DATA_REF);
	*nrefs = 2;
	return status;
}

/* After a failed push: did someone else move the attestations? */
static int approve_attest_moved(struct mr_ctx *ctx, void *data)
{
	struct approve_args *a = data;

	/* mr_publish fetched (and reloaded) before asking */
	if (ctx->has_attest != a->had_attest)
		return 1;
	return ctx->has_attest && !git_oid_equal(&ctx->attest, &a->attest);
}

/*
 * Without <mr>: the one request a revision of which HEAD is (after
 * `git mr checkout`), so that the commit approved is the one reviewed.
 */
static int approve_from_head(struct mr_ctx *ctx, struct approve_args *a)
{
	git_reference_iterator *it = NULL;
	git_reference *ref = NULL;
	git_object *peeled = NULL;
	git_oid head;
	unsigned long found_k = 0;
	size_t found = 0;
	int rc;

	if (git_reference_name_to_id(&head, ctx->repo, "HEAD") < 0)
		return cli_fatal("HEAD is no commit: name the merge request");
	if (git_reference_iterator_glob_new(&it, ctx->repo,
					    "refs/apps/merge-reqs/*") < 0)
		return mr_git_error("cannot list the revision tags");
	while ((rc = git_reference_next(&ref, it)) == 0) {
		struct store_id id;
		unsigned long k;
		const char *name = git_reference_name(ref) +
				   strlen("refs/apps/merge-reqs/");

		if (revs_parse_ref(name, &id, &k) &&
		    git_reference_peel(&peeled, ref, GIT_OBJECT_COMMIT) == 0 &&
		    git_oid_equal(git_object_id(peeled), &head) &&
		    (found == 0 || strcmp(id.user, a->id.user) != 0 ||
		     id.n != a->id.n)) {
			a->id = id;
			found_k = k;
			found++;
		}
		git_object_free(peeled);
		peeled = NULL;
		git_reference_free(ref);
	}
	git_reference_iterator_free(it);
	if (rc != GIT_ITEROVER)
		return mr_git_error("cannot list the revision tags");
	if (found == 0)
		return cli_fatal("HEAD is no revision of a merge request: name "
				 "the merge request");
	if (found > 1)
		return cli_fatal("HEAD is a revision of several merge "
				 "requests: name one");
	/* the revision checked out, unless --rev says otherwise */
	if (a->k == 0)
		a->k = found_k;
	return 0;
}

static int approve_run(const struct cli_command *cmd, bool remove, int argc,
		       char **argv)
{
	struct approve_args a;
	struct mr_ctx ctx;
	struct store store;
	struct err err = {{0}};
	int nargs, status;

	memset(&a, 0, sizeof(a));
	a.remove = remove;
	if ((status = cli_parse(cmd, argc, argv, &nargs)) >= 0)
		return status;
	if (nargs > 1) {
		cli_usage(stderr, cmd);
		return CLI_EXIT_USAGE;
	}
	if (approve_rev) {
		if (!comment_number_valid(approve_rev, strlen(approve_rev)))
			return cli_fatal("--rev wants a number from 1, not "
					 "'%s'",
					 approve_rev);
		a.k = strtoul(approve_rev, NULL, 10);
	}
	if ((status = mr_open(&ctx, NULL)) != 0)
		goto done;
	if ((status = mr_whoami(&ctx)) != 0 ||
	    (status = mr_fetch(&ctx, true)) != 0)
		goto done;
	if (nargs == 1) {
		if (store_open(&store, ctx.repo,
			       ctx.has_data ? &ctx.data : NULL, NULL,
			       &err) < 0) {
			status = cli_fatal("%s", err.msg);
			goto done;
		}
		status = mr_resolve(&ctx, &store, argv[0], &a.id);
		if (status == 0)
			status = approve_must_exist(&store, &a.id);
		store_close(&store);
	} else {
		status = approve_from_head(&ctx, &a);
	}
	/* the latest now, fixed: a revision pushed while we retry is not
	 * the one the user meant */
	if (status != 0 ||
	    (status = approve_revision(&ctx, &a.id, &a.k, &a.commit)) != 0 ||
	    (status = mr_signature(&a.sig)) != 0)
		goto done;
	ctx.other_moved = approve_attest_moved;
	if ((status = mr_publish(&ctx, approve_build, &a)) != 0)
		goto done;
	printf("%s revision %lu (%s) of ", remove ? "unapproved" : "approved",
	       a.k, git_oid_tostr_s(&a.commit));
	mr_print_id(stdout, &a.id);
	putchar('\n');
done:
	git_signature_free(a.sig);
	mr_close(&ctx);
	return status;
}

int cmd_mr_approve(int argc, char **argv)
{
	return approve_run(&approve_cmd, false, argc, argv);
}

int cmd_mr_unapprove(int argc, char **argv)
{
	return approve_run(&unapprove_cmd, true, argc, argv);
}
