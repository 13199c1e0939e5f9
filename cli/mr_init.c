/* mr_init: git mr init: the app's policy and data branch, pushed once */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../apps/merge-reqs/edit.h"
#include "../apps/merge-reqs/gates.h"
#include "../common/file.h"
#include "mr.h"

static struct cli_list init_ci, init_maintainers, init_targets;
static bool init_force, init_require_ci;
static const char *init_require_approvals;

static const struct cli_opt init_opts[] = {
	{"ci", 0, CLI_OPT_LIST, &init_ci, "<ID>",
	 "put this key's user id in the ci group (repeatable)"},
	{"maintainer", 0, CLI_OPT_LIST, &init_maintainers, "<ID>",
	 "add a maintainer beside the owners (repeatable)"},
	{"force", 0, CLI_OPT_FLAG, &init_force, NULL,
	 "replace merge-reqs.conf files that differ from the app's"},
	{"require-approvals", 0, CLI_OPT_STRING, &init_require_approvals,
	 "<N>", "targets move only to commits N maintainers approved"},
	{"require-ci", 0, CLI_OPT_FLAG, &init_require_ci, NULL,
	 "targets move only to commits the CI bot passed"},
	{"target", 0, CLI_OPT_LIST, &init_targets, "<branch>",
	 "the branch these gates protect (repeatable; default main)"},
};

static const struct cli_command init_cmd = {
	"git mr init [--ci <ID>]... [--maintainer <ID>]... [--force] "
	"[--require-approvals <N>] [--require-ci] [--target <branch>]...",
	"add the merge-request app's policy to refs/apps/access-control and "
	"create refs/apps/merge-reqs/data with the standard labels, in one "
	"signed push (run once, by an owner)",
	init_opts, sizeof(init_opts) / sizeof(init_opts[0]),
};

static const char *const init_labels[][2] = {
	{"open", "Waiting for review and merging."},
	{"needs-review", "Nobody has reviewed the latest revision yet."},
	{"closed", "Closed without merging."},
	{"merged", "Merged into its target (only maintainers set it)."},
	{"ci-pass", "The CI bot tested the latest revision and it passed "
		    "(only ci sets it)."},
	{"ci-fail", "The CI bot tested a revision and it failed, errored or "
		    "timed out (only ci sets it)."},
};

/* The app's files, then the merge gates' (only when asked for). */
static const char *const init_files[] = {
	"refs/merge-reqs.conf",
	"branches/merge-reqs.conf",
	"groups/merge-reqs.conf",
	GATES_REFS_FILE,
	GATES_BRANCHES_FILE,
};

#define INIT_FILES (sizeof(init_files) / sizeof(init_files[0]))
#define INIT_APP_FILES 3

struct init_args {
	git_signature *sig;
	struct buf files[INIT_FILES];
	size_t nfiles;		/* INIT_APP_FILES, or all with gates */
	bool policy_changed, data_created;
	bool app_changed, gates_changed;	/* which files of the policy */
};

/* Insert member lines for ids after the line `after` of text. */
static int init_add_members(struct buf *text, const char *after,
			    const struct cli_list *ids)
{
	struct buf out = BUF_INIT;
	const char *at = strstr(buf_cstr(text), after);
	size_t i, cut;

	if (at == NULL)
		return cli_fatal("the app's groups/merge-reqs.conf has no "
				 "'%s'",
				 after);
	cut = (size_t)(at - text->ptr) + strlen(after);
	buf_put(&out, text->ptr, cut);
	for (i = 0; i < ids->count; i++) {
		if (!userid_is_valid(ids->items[i], strlen(ids->items[i]))) {
			buf_dispose(&out);
			return cli_fatal("'%s' is not a user id (40 upper-case "
					 "hex digits)",
					 ids->items[i]);
		}
		buf_printf(&out, "member = %s\n", ids->items[i]);
	}
	buf_puts(&out, text->ptr + cut);
	buf_clear(text);
	buf_put(text, out.ptr, out.len);
	buf_dispose(&out);
	return 0;
}

static int init_read_files(struct init_args *a)
{
	char dir[PATH_MAX], path[PATH_MAX + 64];
	struct err err = {{0}};
	size_t i;
	int status;

	if (cli_beside_exe(dir, sizeof(dir), "../share/gitapps/merge-reqs") < 0)
		return cli_fatal("cannot find the app's policy files");
	for (i = 0; i < INIT_APP_FILES; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, init_files[i]);
		if (file_read(&a->files[i], path, 65536, &err) < 0)
			return cli_fatal("%s", err.msg);
	}
	if ((status = init_add_members(&a->files[2], "member = @owner\n",
				       &init_maintainers)) != 0 ||
	    (status = init_add_members(&a->files[2], "[ci]\n", &init_ci)) != 0)
		return status;
	a->nfiles = INIT_APP_FILES;
	return 0;
}

/* --require-approvals, --require-ci: GATES_*_FILE for the targets. */
static int init_gates(struct init_args *a)
{
	struct gates gates = {0};
	struct buf *targets = NULL;
	struct err err = {{0}};
	const char **names = NULL;
	size_t i, n = init_targets.count ? init_targets.count : 1;
	int status = 0;

	if (init_require_approvals) {
		if (!comment_number_valid(init_require_approvals,
					  strlen(init_require_approvals)) ||
		    strtoul(init_require_approvals, NULL, 10) > 999)
			return cli_fatal("--require-approvals wants a number "
					 "from 1 to 999, not '%s'",
					 init_require_approvals);
		gates.approvals =
			(unsigned)strtoul(init_require_approvals, NULL, 10);
	}
	gates.ci = init_require_ci;
	if (!gates.approvals && !gates.ci) {
		if (init_targets.count)
			return cli_fatal("--target needs --require-approvals "
					 "or --require-ci");
		return 0;	/* without them nothing changes */
	}
	if ((targets = calloc(n, sizeof(*targets))) == NULL ||
	    (names = calloc(n, sizeof(*names))) == NULL) {
		status = cli_fatal("out of memory");
		goto done;
	}
	for (i = 0; i < n && status == 0; i++) {
		if (mr_target_normalize(&targets[i],
					init_targets.count ? init_targets.items[i]
							   : "main",
					&err) < 0)
			status = cli_fatal("%s", err.msg);
		names[i] = buf_cstr(&targets[i]);
	}
	gates.targets = names;
	gates.ntargets = n;
	if (status == 0 &&
	    gates_policy(&a->files[3], &a->files[4], &gates) < 0)
		status = cli_fatal("out of memory");
	if (status == 0)
		a->nfiles = INIT_FILES;
done:
	for (i = 0; targets && i < n; i++)
		buf_dispose(&targets[i]);
	free(targets);
	free(names);
	return status;
}

/* The blob at path of tree equals data? 1 same, 0 absent, -1 differs. */
static int init_same(git_repository *repo, git_tree *tree, const char *path,
		     const struct buf *data)
{
	git_tree_entry *entry = NULL;
	git_oid want;
	int same;

	if (git_tree_entry_bypath(&entry, tree, path) < 0)
		return 0;
	git_blob_create_from_buffer(&want, repo, data->ptr, data->len);
	same = git_oid_equal(&want, git_tree_entry_id(entry)) ? 1 : -1;
	git_tree_entry_free(entry);
	return same;
}

static int init_policy(struct mr_ctx *ctx, struct init_args *a,
		       struct mr_push_ref *ref, bool *changed)
{
	git_commit *tip = NULL;
	git_tree *tree = NULL;
	struct edit edit;
	struct err err = {{0}};
	size_t i;
	int status = 0;

	*changed = false;
	a->app_changed = a->gates_changed = false;
	if (!ctx->has_policy)
		return cli_fatal("the remote '%s' has no " POLICY_REF
				 ": run 'git acl init' on the server first",
				 mr_remote(ctx));
	if (git_commit_lookup(&tip, ctx->repo, &ctx->policy) < 0 ||
	    git_commit_tree(&tree, tip) < 0) {
		git_commit_free(tip);
		return mr_git_error("cannot read " POLICY_REF);
	}
	edit_init(&edit, ctx->repo);
	for (i = 0; i < a->nfiles && status == 0; i++) {
		int same = init_same(ctx->repo, tree, init_files[i],
				     &a->files[i]);

		if (same == 1)
			continue;
		if (same < 0 && !init_force)
			status = cli_fatal("%s differs from the app's in " POLICY_REF
					   ": use --force to replace it",
					   init_files[i]);
		else if (edit_put(&edit, init_files[i], a->files[i].ptr,
				  a->files[i].len, GIT_FILEMODE_BLOB, &err) < 0)
			status = cli_fatal("%s", err.msg);
		else if (i < INIT_APP_FILES)
			a->app_changed = true;
		else
			a->gates_changed = true;
	}
	if (status == 0 && edit.count > 0) {
		if (edit_commit(&edit, &ctx->policy, a->sig,
				"Add the merge-request app's policy\n",
				&ref->id, &err) < 0)
			status = cli_fatal("%s", err.msg);
		snprintf(ref->name, sizeof(ref->name), "%s", POLICY_REF);
		*changed = true;
	}
	edit_dispose(&edit);
	git_tree_free(tree);
	git_commit_free(tip);
	return status;
}

static int init_build(struct mr_ctx *ctx, struct store *store,
		      const git_oid *tip, struct mr_push_ref *refs,
		      size_t *nrefs, void *data)
{
	struct init_args *a = data;
	struct err err = {{0}};
	struct edit edit;
	size_t i;
	int status;

	*nrefs = 0;
	if ((status = init_policy(ctx, a, &refs[0], &a->policy_changed)) != 0)
		return status;
	if (a->policy_changed)
		(*nrefs)++;
	a->data_created = false;
	edit_init(&edit, ctx->repo);
	for (i = 0; i < sizeof(init_labels) / sizeof(init_labels[0]); i++) {
		char path[128], text[256];
		int len;

		if (store_label_exists(store, init_labels[i][0]))
			continue;
		snprintf(path, sizeof(path), "labels/%s/description",
			 init_labels[i][0]);
		len = snprintf(text, sizeof(text), "%s\n", init_labels[i][1]);
		if (edit_put(&edit, path, text, (size_t)len, GIT_FILEMODE_BLOB,
			     &err) < 0)
			break;
	}
	if (err.msg[0] == '\0' && edit.count > 0 &&
	    edit_commit(&edit, tip, a->sig,
			tip ? "Add the standard labels\n"
			    : "Start the merge-request data branch\n",
			&refs[*nrefs].id, &err) == 0) {
		snprintf(refs[*nrefs].name, sizeof(refs[*nrefs].name), "%s",
			 STORE_DATA_REF);
		(*nrefs)++;
		a->data_created = true;
	}
	edit_dispose(&edit);
	if (err.msg[0])
		return cli_fatal("%s", err.msg);
	return 0;
}

int cmd_mr_init(int argc, char **argv)
{
	struct init_args a;
	struct mr_ctx ctx;
	size_t i;
	int nargs, status;

	memset(&a, 0, sizeof(a));
	if ((status = cli_parse(&init_cmd, argc, argv, &nargs)) >= 0)
		return status;
	if (nargs != 0) {
		cli_usage(stderr, &init_cmd);
		return CLI_EXIT_USAGE;
	}
	if ((status = mr_open(&ctx, NULL)) != 0 ||
	    (status = init_read_files(&a)) != 0 ||
	    (status = init_gates(&a)) != 0 ||
	    (status = mr_signature(&a.sig)) != 0 ||
	    (status = mr_publish(&ctx, init_build, &a)) != 0)
		goto done;
	if (!a.policy_changed && !a.data_created)
		printf("the merge-request app is set up already; nothing to "
		       "do\n");
	if (a.policy_changed && a.app_changed)
		printf("added refs/, branches/ and groups/merge-reqs.conf to "
		       POLICY_REF "\n");
	if (a.policy_changed && a.gates_changed)
		printf("added " GATES_REFS_FILE " and " GATES_BRANCHES_FILE
		       " to " POLICY_REF "\n");
	if (a.data_created)
		printf("created the standard labels on " STORE_DATA_REF "\n");
done:
	for (i = 0; i < INIT_FILES; i++)
		buf_dispose(&a.files[i]);
	git_signature_free(a.sig);
	mr_close(&ctx);
	return status;
}
