/* acl_migrate: move flat keys/<ID>.asc files to keys/<aa>/<ID>.asc */
#ifndef CLI_ACL_MIGRATE_H
#define CLI_ACL_MIGRATE_H

#include <git2.h>
#include <stddef.h>

#include "../policy/keypath.h"
#include "acl_edit.h"

/*
 * The tree updates that move every flat key file of a policy to the
 * fan-out layout, each a rename of the same blob (SPEC 2: moving a key
 * file between the layouts keeps its packets): two updates a file, the
 * removal of keys/<ID>.asc and keys/<aa>/<ID>.asc with its blob.  An id
 * that has a file in both layouts already (a policy error) is not moved:
 * it is counted in conflicts and its flat path is in conflict_paths.
 */
struct acl_migrate {
	git_tree_update *updates;
	size_t nupdates;
	size_t moved;			/* files: nupdates / 2 */
	char (*paths)[KEYPATH_SIZE];	/* what updates[].path point to */
	char (*conflict_paths)[KEYPATH_SIZE];
	size_t conflicts;
};

/* Plan the moves for the policy edit has read.  Returns 0 or an exit code. */
int acl_migrate_plan(struct acl_migrate *out, const struct acl_edit *edit);

void acl_migrate_dispose(struct acl_migrate *plan);

/* git acl keys migrate; argv[0] is "migrate".  Returns an exit code. */
int acl_keys_migrate(int argc, char **argv);

#endif
