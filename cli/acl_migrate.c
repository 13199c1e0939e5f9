/* acl_migrate: move flat keys/<ID>.asc files to keys/<aa>/<ID>.asc */
#include "acl_migrate.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../apps/access-control/keytree.h"
#include "../policy/policy.h"
#include "cli.h"

static const struct cli_command migrate_command = {
	"git acl keys migrate",
	"Commit onto the local refs/apps/access-control the move of every\n"
	"key file of the older flat layout, keys/<ID>.asc, to\n"
	"keys/<aa>/<ID>.asc (<aa>: the first two digits of <ID>), each a\n"
	"rename of the same blob, and nothing else; ready to push with\n"
	"'git push --signed <remote> refs/apps/access-control'.",
	NULL,
	0,
};

void acl_migrate_dispose(struct acl_migrate *plan)
{
	free(plan->updates);
	free(plan->paths);
	free(plan->conflict_paths);
	memset(plan, 0, sizeof(*plan));
}

int acl_migrate_plan(struct acl_migrate *out, const struct acl_edit *edit)
{
	struct keytree keys = KEYTREE_INIT;
	struct err err = {""};
	size_t i;
	int status = CLI_EXIT_FATAL;

	memset(out, 0, sizeof(*out));
	if (keytree_list(&keys, edit->repo, edit->root, &err) < 0) {
		cli_fatal("%s", err.msg);
		goto done;
	}
	/* at most two updates and two paths per key file */
	if (keys.count > SIZE_MAX / 2 / sizeof(*out->updates) ||
	    (out->updates = calloc(2 * keys.count + 1,
				   sizeof(*out->updates))) == NULL ||
	    (out->paths = calloc(2 * keys.count + 1,
				 sizeof(*out->paths))) == NULL ||
	    (out->conflict_paths = calloc(keys.count + 1,
					  sizeof(*out->conflict_paths))) ==
		    NULL) {
		cli_fatal("out of memory");
		goto done;
	}
	for (i = 0; i < keys.count; i++) {
		const struct keytree_file *file = &keys.files[i];
		git_tree_update *update = &out->updates[out->nupdates];
		char *from = out->paths[out->nupdates];
		char *to = out->paths[out->nupdates + 1];

		if (file->kind != KEYPATH_FLAT)
			continue;
		/* sorted: a fan-out twin comes right after its flat file */
		if (i + 1 < keys.count &&
		    strcmp(keys.files[i + 1].id, file->id) == 0) {
			memcpy(out->conflict_paths[out->conflicts++],
			       file->path, KEYPATH_SIZE);
			continue;
		}
		memcpy(from, file->path, KEYPATH_SIZE);
		keypath_fanout(to, file->id);
		update[0].action = GIT_TREE_UPDATE_REMOVE;
		update[0].path = from;
		update[1].action = GIT_TREE_UPDATE_UPSERT;
		git_oid_cpy(&update[1].id, &file->blob);
		update[1].filemode = GIT_FILEMODE_BLOB;
		update[1].path = to;
		out->nupdates += 2;
		out->moved++;
	}
	status = 0;
done:
	keytree_dispose(&keys);
	if (status != 0)
		acl_migrate_dispose(out);
	return status;
}

int acl_keys_migrate(int argc, char **argv)
{
	struct acl_migrate plan = {0};
	struct acl_edit edit = {0};
	git_repository *repo = NULL;
	char message[128];
	git_oid commit;
	size_t i;
	int nargs, status;

	if ((status = cli_parse(&migrate_command, argc, argv, &nargs)) >= 0)
		return status;
	if (nargs != 0) {
		cli_usage(stderr, &migrate_command);
		return CLI_EXIT_USAGE;
	}
	if (git_repository_open_ext(&repo, NULL, GIT_REPOSITORY_OPEN_FROM_ENV,
				    NULL) < 0) {
		status = cli_fatal("not a git repository");
		goto done;
	}
	if ((status = acl_edit_open(&edit, repo)) != 0 ||
	    (status = acl_migrate_plan(&plan, &edit)) != 0)
		goto done;
	/* one commit moves them all, or none: never half a migration */
	if (plan.conflicts > 0) {
		for (i = 0; i < plan.conflicts; i++)
			fprintf(stderr, "error: %s: the id has a key file in "
					"keys/<aa>/ too: delete one of them\n",
				plan.conflict_paths[i]);
		status = cli_fatal("nothing migrated");
		goto done;
	}
	if (plan.moved == 0) {
		printf("nothing to migrate: no key file in the flat layout\n");
		goto done;
	}
	snprintf(message, sizeof(message),
		 "Move %zu key file%s to keys/<aa>/<ID>.asc\n", plan.moved,
		 plan.moved == 1 ? "" : "s");
	if ((status = acl_edit_commit(&commit, NULL, &edit, plan.updates,
				      plan.nupdates, message, POLICY_REF,
				      false)) != 0)
		goto done;
	for (i = 0; i < plan.nupdates; i += 2)
		printf("moved %s to %s\n", plan.updates[i].path,
		       plan.updates[i + 1].path);
	printf("push it with: git push --signed <remote> " POLICY_REF "\n");
done:
	acl_migrate_dispose(&plan);
	acl_edit_dispose(&edit);
	git_repository_free(repo);
	return status;
}
