/* acl_upgrade: `git acl upgrade`: a server set up by an older version */
#include <git2.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/buf.h"
#include "../common/file.h"
#include "../adapters/policyref.h"
#include "../policy/policy.h"
#include "acl.h"
#include "acl_edit.h"
#include "acl_migrate.h"
#include "acl_setup.h"
#include "cli.h"

/*
 * Where upgrade leaves the policy it proposes.  It never moves the policy
 * ref itself: only a signed push by an owner may (SPEC 5), so an owner
 * fetches this one, lints it and pushes it.
 */
#define UPGRADE_REF "refs/apps/access-control-upgrade"

/* The stock files of older versions, recognised only when unedited. */
#define UPGRADE_OLD_KEYS_CONF                                                  \
	"[apps/access-control]\n"                                              \
	"anyone create-directory keys\n"                                       \
	"anyone create-file keys/${user_id}\\.asc\n"
#define UPGRADE_OLD_OWNER_CONF                                                 \
	"owner create-branch,create-tag,fast-forward,force,delete .*\n"
/* SPEC 5: a ref rule reaches refs/apps/ only when its pattern says apps/ */
#define UPGRADE_APPS_RULE                                                      \
	"owner create-branch,create-tag,fast-forward,force,delete apps/.*\n"

static const struct cli_command upgrade_command = {
	"git acl upgrade [<bare-repo>]",
	"Bring <bare-repo> (default: the current repository), set up by an\n"
	"older 'git acl init', up to date: pin the fsck checks, add a nonce\n"
	"seed and slop when missing, and leave the upgraded policy on\n"
	UPGRADE_REF " for an owner to lint and push.\n"
	"Never moves refs/apps/access-control; running it again changes\n"
	"nothing.",
	NULL,
	0,
};

/* The changes to the policy, one line each for the owner to read. */
struct upgrade_plan {
	git_tree_update updates[2];	/* refs/owner.conf, branches/keys.conf */
	size_t nupdates;
	struct buf said;		/* what changes, one line each */
	struct acl_migrate moves;
};

static int upgrade_open(git_repository **repo, const char *path)
{
	if (git_repository_open_ext(repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH,
				    NULL) < 0)
		return acl_edit_git_error("not a git repository");
	if (!git_repository_is_bare(*repo))
		return cli_fatal("'%s' is not a bare repository", path);
	return 0;
}

static int upgrade_config(git_repository *repo)
{
	git_config *cfg = NULL, *local = NULL;
	int status;

	if (git_repository_config(&cfg, repo) < 0 ||
	    git_config_open_level(&local, cfg, GIT_CONFIG_LEVEL_LOCAL) < 0) {
		status = acl_edit_git_error("cannot open the repository's "
					    "config");
		goto done;
	}
	if ((status = acl_setup_pins(local, true)) == 0)
		status = acl_setup_nonce(local, ACL_SETUP_NONCE_SLOP, false,
					 true);
done:
	git_config_free(local);
	git_config_free(cfg);
	return status;
}

/* Whether a rule file in refs/ of the policy has a base line; exit code */
static int upgrade_has_base(bool *out, const struct acl_edit *edit)
{
	git_tree_entry *entry = NULL;
	git_tree *refs = NULL;
	char path[PATH_MAX], *text = NULL;
	size_t i, len;
	int rc, status = CLI_EXIT_FATAL;

	*out = false;
	rc = git_tree_entry_bypath(&entry, edit->root, "refs");
	if (rc == GIT_ENOTFOUND ||
	    (rc == 0 && git_tree_entry_type(entry) != GIT_OBJECT_TREE)) {
		status = 0;
		goto done;
	}
	if (rc < 0 || git_tree_lookup(&refs, edit->repo,
				      git_tree_entry_id(entry)) < 0) {
		acl_edit_git_error("cannot read " POLICY_REF);
		goto done;
	}
	for (i = 0; i < git_tree_entrycount(refs) && !*out; i++) {
		const char *name =
			git_tree_entry_name(git_tree_entry_byindex(refs, i));
		size_t n = strlen(name);

		if (n < 5 || strcmp(name + n - 5, ".conf") != 0)
			continue;
		snprintf(path, sizeof(path), "refs/%s", name);
		if (acl_edit_read(&text, &len, edit, path,
				  POLICYREF_FILE_MAX) != 0)
			goto done;
		*out = text != NULL && acl_setup_has_base(text, len);
		free(text);
		text = NULL;
	}
	status = 0;
done:
	git_tree_free(refs);
	git_tree_entry_free(entry);
	return status;
}

/* refs/owner.conf: the apps/.* rule, and a base line when none exists. */
static int upgrade_owner_conf(struct upgrade_plan *plan,
			      const struct acl_edit *edit)
{
	struct buf out = BUF_INIT;
	char *text = NULL, *branch = NULL;
	size_t len;
	bool has_base, changed = false;
	int status;

	if ((status = acl_edit_read(&text, &len, edit, "refs/owner.conf",
				    POLICYREF_FILE_MAX)) != 0 ||
	    (status = upgrade_has_base(&has_base, edit)) != 0)
		goto done;
	status = CLI_EXIT_FATAL;
	if (text != NULL && buf_put(&out, text, len) < 0)
		goto oom;
	if (text != NULL && strcmp(text, UPGRADE_OLD_OWNER_CONF) == 0) {
		if (buf_puts(&out, UPGRADE_APPS_RULE) < 0 ||
		    buf_puts(&plan->said, "refs/owner.conf: added the "
					  "owner's apps/.* ref rule\n") < 0)
			goto oom;
		changed = true;
	}
	if (!has_base && (branch = acl_setup_head_branch(edit->repo)) == NULL) {
		if (buf_puts(&plan->said, "refs/owner.conf: no base line "
					  "added: HEAD names no branch; add "
					  "'base heads/<branch>' by hand\n") <
		    0)
			goto oom;
	} else if (!has_base) {
		struct buf based = BUF_INIT;

		if (acl_setup_base(&based, out.ptr ? out.ptr : "", out.len,
				   branch) < 0) {
			buf_dispose(&based);
			goto oom;
		}
		buf_dispose(&out);
		out = based;
		if (buf_printf(&plan->said,
			       "refs/owner.conf: added '%.*s' (the branch "
			       "HEAD names)\n",
			       (int)strcspn(out.ptr, "\n"), out.ptr) < 0)
			goto oom;
		changed = true;
	}
	if (changed) {
		git_tree_update *update = &plan->updates[plan->nupdates++];

		update->action = GIT_TREE_UPDATE_UPSERT;
		update->filemode = GIT_FILEMODE_BLOB;
		update->path = "refs/owner.conf";
		if (acl_edit_blob(&update->id, edit, out.ptr, out.len) != 0)
			goto done;
	}
	status = 0;
	goto done;
oom:
	cli_fatal("out of memory");
done:
	free(branch);
	free(text);
	buf_dispose(&out);
	return status;
}

/* branches/keys.conf: the fan-out registration rules, if it is stock. */
static int upgrade_keys_conf(struct upgrade_plan *plan,
			     const struct acl_edit *edit)
{
	struct buf stock = BUF_INIT;
	struct err err = {""};
	char path[PATH_MAX], *text = NULL;
	size_t len;
	int status;

	if ((status = acl_edit_read(&text, &len, edit, "branches/keys.conf",
				    POLICYREF_FILE_MAX)) != 0)
		goto done;
	status = CLI_EXIT_FATAL;
	if (text == NULL || strcmp(text, UPGRADE_OLD_KEYS_CONF) != 0) {
		status = 0;
		goto done;
	}
	/* the installed default, as init would commit it */
	if (cli_beside_exe(path, sizeof(path),
			   "../share/gitapps/access-control/branches/"
			   "keys.conf") < 0) {
		cli_fatal("cannot find the default policy");
		goto done;
	}
	if (file_read(&stock, path, POLICYREF_FILE_MAX, &err) < 0) {
		cli_fatal("%s", err.msg);
		goto done;
	}
	if (stock.len == len && memcmp(stock.ptr, text, len) == 0) {
		status = 0;	/* an installation of the older version */
		goto done;
	}
	plan->updates[plan->nupdates].action = GIT_TREE_UPDATE_UPSERT;
	plan->updates[plan->nupdates].filemode = GIT_FILEMODE_BLOB;
	plan->updates[plan->nupdates].path = "branches/keys.conf";
	if (acl_edit_blob(&plan->updates[plan->nupdates].id, edit, stock.ptr,
			  stock.len) != 0)
		goto done;
	plan->nupdates++;
	if (buf_puts(&plan->said, "branches/keys.conf: registration now "
				  "writes keys/<aa>/<ID>.asc\n") < 0) {
		cli_fatal("out of memory");
		goto done;
	}
	status = 0;
done:
	free(text);
	buf_dispose(&stock);
	return status;
}

/* Key files of the flat layout move to keys/<aa>/, each a rename. */
static int upgrade_keys(struct upgrade_plan *plan, const struct acl_edit *edit)
{
	size_t i;
	int status;

	if ((status = acl_migrate_plan(&plan->moves, edit)) != 0)
		return status;
	for (i = 0; i < plan->moves.nupdates; i += 2)
		if (buf_printf(&plan->said, "moved %s to %s\n",
			       plan->moves.updates[i].path,
			       plan->moves.updates[i + 1].path) < 0)
			return cli_fatal("out of memory");
	for (i = 0; i < plan->moves.conflicts; i++)
		if (buf_printf(&plan->said,
			       "not moved %s: the id has a key file in "
			       "keys/<aa>/ too (a policy error: delete one)\n",
			       plan->moves.conflict_paths[i]) < 0)
			return cli_fatal("out of memory");
	return 0;
}

/*
 * Whether UPGRADE_REF already holds tree on top of the policy tip: then
 * a second run leaves it as it is.
 */
static bool upgrade_is_pending(const struct acl_edit *edit, const git_oid *tree)
{
	git_commit *pending = NULL;
	git_oid id;
	bool same;

	if (git_reference_name_to_id(&id, edit->repo, UPGRADE_REF) < 0 ||
	    git_commit_lookup(&pending, edit->repo, &id) < 0)
		return false;	/* none, or not a commit: replace it */
	same = git_commit_parentcount(pending) == 1 &&
	       git_oid_equal(git_commit_parent_id(pending, 0), &edit->tip) &&
	       git_oid_equal(git_commit_tree_id(pending), tree);
	git_commit_free(pending);
	return same;
}

static int upgrade_policy(git_repository *repo)
{
	struct upgrade_plan plan = {.said = BUF_INIT};
	struct acl_edit edit;
	git_tree_update *all = NULL;
	struct buf message = BUF_INIT;
	git_oid tree, commit;
	git_reference *stale = NULL;
	size_t n;
	int status;

	if ((status = acl_edit_open(&edit, repo)) != 0 ||
	    (status = upgrade_owner_conf(&plan, &edit)) != 0 ||
	    (status = upgrade_keys_conf(&plan, &edit)) != 0 ||
	    (status = upgrade_keys(&plan, &edit)) != 0)
		goto done;
	status = CLI_EXIT_FATAL;
	n = plan.nupdates + plan.moves.nupdates;
	if ((all = calloc(n + 1, sizeof(*all))) == NULL) {
		cli_fatal("out of memory");
		goto done;
	}
	memcpy(all, plan.updates, plan.nupdates * sizeof(*all));
	if (plan.moves.nupdates > 0)
		memcpy(all + plan.nupdates, plan.moves.updates,
		       plan.moves.nupdates * sizeof(*all));
	if (git_tree_create_updated(&tree, repo, edit.root, n, all) < 0) {
		acl_edit_git_error("cannot write the policy");
		goto done;
	}
	if (git_oid_equal(&tree, git_tree_id(edit.root))) {
		/* up to date; an upgrade left earlier is pushed or moot */
		fputs(buf_cstr(&plan.said), stdout);	/* warnings only */
		if (git_reference_lookup(&stale, repo, UPGRADE_REF) == 0) {
			if (git_reference_delete(stale) < 0) {
				acl_edit_git_error("cannot delete "
						   UPGRADE_REF);
				goto done;
			}
			printf("deleted " UPGRADE_REF ": the policy needs "
			       "no upgrade\n");
		}
		status = 0;
		goto done;
	}
	if (upgrade_is_pending(&edit, &tree)) {
		printf(UPGRADE_REF " holds this upgrade already\n");
	} else {
		fputs(buf_cstr(&plan.said), stdout);
		if (buf_printf(&message, "Upgrade the access-control "
					 "policy\n\n%s",
			       buf_cstr(&plan.said)) < 0) {
			status = cli_fatal("out of memory");
			goto done;
		}
		if ((status = acl_edit_commit(&commit, NULL, &edit, all, n,
					      buf_cstr(&message), UPGRADE_REF,
					      true)) != 0)
			goto done;
	}
	printf("an owner should now, in a clone:\n"
	       "  git fetch <remote> " UPGRADE_REF "\n"
	       "  git acl lint FETCH_HEAD\n"
	       "  git push --signed <remote> FETCH_HEAD:" POLICY_REF "\n");
	status = 0;
done:
	git_reference_free(stale);
	buf_dispose(&message);
	free(all);
	acl_migrate_dispose(&plan.moves);
	buf_dispose(&plan.said);
	acl_edit_dispose(&edit);
	return status;
}

int cmd_acl_upgrade(int argc, char **argv)
{
	git_repository *repo = NULL;
	const char *path = ".";
	bool built = false;
	int nargs, status;

	if ((status = cli_parse(&upgrade_command, argc, argv, &nargs)) >= 0)
		return status;
	if (nargs > 1) {
		cli_usage(stderr, &upgrade_command);
		return CLI_EXIT_USAGE;
	}
	if (nargs == 1)
		path = argv[0];
	/*
	 * One step a function: the repository's config first (it protects
	 * the server even before an owner pushes the new policy), then the
	 * policy left for an owner to push.
	 */
	if ((status = upgrade_open(&repo, path)) != 0 ||
	    (status = upgrade_config(repo)) != 0 ||
	    (status = acl_setup_key_index(repo, &built)) != 0)
		goto done;
	if (built)
		printf("built the key index of " POLICY_REF "\n");
	status = upgrade_policy(repo);
done:
	git_repository_free(repo);
	return status;
}
