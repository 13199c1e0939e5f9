/* op: the names of ref and tree operations (SPEC 4) and OPS lists */
#ifndef POLICY_OP_H
#define POLICY_OP_H

#include <stddef.h>

#include "../common/err.h"

/*
 * Each op is one bit, so that a rule's OPS list is a mask.  Ref ops and tree
 * ops never share a bit: `delete` on a ref and `delete-file` in a tree are
 * different ops even though both are spelled `delete` in some rule.
 */
enum op {
	OP_CREATE_BRANCH = 1u << 0,
	OP_CREATE_TAG = 1u << 1,
	OP_FAST_FORWARD = 1u << 2,
	OP_FORCE = 1u << 3,
	OP_DELETE = 1u << 4,

	OP_CREATE_DIRECTORY = 1u << 8,
	OP_CREATE_FILE = 1u << 9,
	OP_CREATE_SYMLINK = 1u << 10,
	OP_CREATE_GITLINK = 1u << 11,
	OP_MODIFY = 1u << 12,
	OP_DELETE_FILE = 1u << 13,
};

#define OP_REF_ALL                                                             \
	(OP_CREATE_BRANCH | OP_CREATE_TAG | OP_FAST_FORWARD | OP_FORCE |       \
	 OP_DELETE)
#define OP_TREE_ALL                                                            \
	(OP_CREATE_DIRECTORY | OP_CREATE_FILE | OP_CREATE_SYMLINK |            \
	 OP_CREATE_GITLINK | OP_MODIFY | OP_DELETE_FILE)

/* Which directory of the policy a rule lives in decides its op vocabulary. */
enum op_kind {
	OP_KIND_REF,	/* refs/<name>.conf */
	OP_KIND_TREE,	/* branches/<name>.conf */
};

/* The canonical name of a single op ("fast-forward"); "?" for anything else. */
const char *op_name(enum op op);

/* OP_KIND_REF or OP_KIND_TREE for a single op. */
enum op_kind op_kind_of(enum op op);

/*
 * Parse one op name of the given kind, aliases included (`create` and
 * `modify` in refs/, `delete` in branches/), into *mask.  Returns 0, or -1
 * with a message: an unknown name, or an op of the other kind.
 */
int op_parse(unsigned *mask, const char *name, size_t len, enum op_kind kind,
	     struct err *err);

/*
 * Parse a comma-separated OPS field ("create-file,modify") into *mask.
 * An empty item is an error, as is every error of op_parse().
 */
int op_parse_list(unsigned *mask, const char *list, size_t len,
		  enum op_kind kind, struct err *err);

#endif
