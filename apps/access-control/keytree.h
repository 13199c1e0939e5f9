/* keytree: the key files and bans of a policy tree, in both layouts */
#ifndef ACCESS_CONTROL_KEYTREE_H
#define ACCESS_CONTROL_KEYTREE_H

#include <git2.h>
#include <stdbool.h>
#include <stddef.h>

#include "../../common/err.h"
#include "../../policy/keypath.h"
#include "../../policy/userid.h"

/*
 * SPEC 2: a key file is keys/<aa>/<ID>.asc, or in the older flat layout
 * keys/<ID>.asc, which stays readable.  Everything that reads or writes
 * key files on the client side (git acl keys, ban, migrate, upgrade, and
 * git mr's names) finds them here, so that no reader forgets a layout.
 */
struct keytree_file {
	char id[USERID_LEN + 1];
	enum keypath_kind kind;		/* KEYPATH_FANOUT or KEYPATH_FLAT */
	char path[KEYPATH_SIZE];	/* "keys/AB/AB....asc" */
	git_oid blob;
};

struct keytree {
	struct keytree_file *files;
	size_t count;
};

#define KEYTREE_INIT {NULL, 0}

/*
 * List the key files of root, the tree of a policy commit: every regular
 * file (mode 100644) named keys/<ID>.asc or keys/<aa>/<ID>.asc, <aa> the
 * first two digits of <ID>.  Anything else under keys/ is skipped (it is
 * the engine's and lint's to report).  Sorted by id, and for an id with a
 * file in both layouts (a policy error) the flat one first.  Reads no
 * blob.  Returns 0 (out to be freed with keytree_dispose()), or -1 with err
 * set when a tree cannot be read.
 */
int keytree_list(struct keytree *out, git_repository *repo,
		 const git_tree *root, struct err *err);

void keytree_dispose(struct keytree *tree);

/* Where id has a key file or a ban, looked up by path. */
struct keytree_lookup {
	bool flat, fanout, banned;	/* an entry of any type at the path */
	git_oid flat_blob, fanout_blob, banned_blob;
};

/*
 * Look id (a valid user id) up in root by the three paths of keypath.h,
 * without listing any directory.  Returns 0, or -1 with err set when the
 * tree cannot be read (never "not found").
 */
int keytree_lookup(struct keytree_lookup *out, const git_tree *root,
		   const char *id, struct err *err);

#endif
