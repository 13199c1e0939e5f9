/* op: op names, aliases, and OPS lists */
#include "op.h"

#include <stdbool.h>
#include <string.h>

struct op_name {
	const char *name;
	unsigned mask;
	enum op_kind kind;
};

/* Canonical names first so that op_name() finds them; aliases after. */
static const struct op_name op_names[] = {
	{"create-branch", OP_CREATE_BRANCH, OP_KIND_REF},
	{"create-tag", OP_CREATE_TAG, OP_KIND_REF},
	{"fast-forward", OP_FAST_FORWARD, OP_KIND_REF},
	{"force", OP_FORCE, OP_KIND_REF},
	{"delete", OP_DELETE, OP_KIND_REF},
	{"create-directory", OP_CREATE_DIRECTORY, OP_KIND_TREE},
	{"create-file", OP_CREATE_FILE, OP_KIND_TREE},
	{"create-symlink", OP_CREATE_SYMLINK, OP_KIND_TREE},
	{"create-gitlink", OP_CREATE_GITLINK, OP_KIND_TREE},
	{"modify", OP_MODIFY, OP_KIND_TREE},
	{"delete-file", OP_DELETE_FILE, OP_KIND_TREE},
	/* aliases (SPEC 4) */
	{"create", OP_CREATE_BRANCH | OP_CREATE_TAG, OP_KIND_REF},
	{"modify", OP_FAST_FORWARD, OP_KIND_REF},
	{"delete", OP_DELETE_FILE, OP_KIND_TREE},
};

#define OP_NAMES_COUNT (sizeof(op_names) / sizeof(op_names[0]))

const char *op_name(enum op op)
{
	unsigned bits = (unsigned)op;
	size_t i;

	/*
	 * Only a single op has a name: the alias `create` is two ops, and
	 * policy_check() relies on "?" to refuse a request for several.
	 */
	if (bits == 0 || (bits & (bits - 1)) != 0)
		return "?";
	for (i = 0; i < OP_NAMES_COUNT; i++)
		if (op_names[i].mask == (unsigned)op)
			return op_names[i].name;
	return "?";
}

enum op_kind op_kind_of(enum op op)
{
	return ((unsigned)op & OP_TREE_ALL) ? OP_KIND_TREE : OP_KIND_REF;
}

static const char *op_kind_dir(enum op_kind kind)
{
	return kind == OP_KIND_REF ? "refs/" : "branches/";
}

static bool op_name_is(const char *name, size_t len, const char *want)
{
	return strlen(want) == len && memcmp(name, want, len) == 0;
}

int op_parse(unsigned *mask, const char *name, size_t len, enum op_kind kind,
	     struct err *err)
{
	bool other_kind = false;
	size_t i;

	for (i = 0; i < OP_NAMES_COUNT; i++) {
		if (!op_name_is(name, len, op_names[i].name))
			continue;
		if (op_names[i].kind == kind) {
			*mask |= op_names[i].mask;
			return 0;
		}
		other_kind = true;
	}
	if (other_kind)
		return err_set(err, "'%.*s' is a %s op, not allowed in %s",
			       (int)len, name,
			       kind == OP_KIND_REF ? "tree" : "ref",
			       op_kind_dir(kind));
	return err_set(err, "unknown op '%.*s'", (int)len, name);
}

int op_parse_list(unsigned *mask, const char *list, size_t len,
		  enum op_kind kind, struct err *err)
{
	const char *end = list + len;
	const char *p = list;

	*mask = 0;
	for (;;) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *item_end = comma != NULL ? comma : end;

		if (item_end == p)
			return err_set(err, "empty op in list '%.*s'",
				       (int)len, list);
		if (op_parse(mask, p, (size_t)(item_end - p), kind, err) < 0)
			return -1;
		if (comma == NULL)
			return 0;
		p = comma + 1;
	}
}
