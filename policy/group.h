/* group: groups/<name>.conf via inih: members, nesting, cycles (SPEC 5) */
#ifndef POLICY_GROUP_H
#define POLICY_GROUP_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

/* SPEC 5: Debian's inih splits lines past 199 bytes; we stop at 198. */
#define GROUP_LINE_MAX 198u
#define GROUP_NAME_MAX 64u

#define GROUP_NONE ((size_t)-1)

enum group_member_kind {
	GROUP_MEMBER_USER,	/* member = <user id> */
	GROUP_MEMBER_GROUP,	/* member = @name */
	GROUP_MEMBER_OWNER,	/* member = @owner */
};

struct group_member {
	enum group_member_kind kind;
	char *name;		/* the id, or the group name without '@' */
	size_t group;		/* GROUP_MEMBER_GROUP: index once resolved */
	unsigned line;
};

struct group {
	char *name;
	const char *file;	/* borrowed from the group_set */
	unsigned line;
	struct group_member *members;
	size_t count, alloc;
	unsigned invalid;	/* member lines that were errors */
};

struct group_set {
	struct group *groups;
	size_t count, alloc;
	char **files;		/* owned copies of the file names */
	size_t nfiles, files_alloc;
};

/* `[a-z][a-z0-9_-]{0,63}` and not one of the built-ins anyone, owner. */
bool group_name_is_valid(const char *name, size_t len);

void group_set_init(struct group_set *set);
void group_set_dispose(struct group_set *set);

/*
 * Parse one groups/<name>.conf file.  Lines are checked before inih sees them
 * (length, NUL, CR, indented continuations, lines inih would misread) and a
 * file with such a line is not given to inih at all.  Problems become
 * `file:line` errors in diags.  Returns 0, or -1 when memory runs out.
 */
int group_parse(struct group_set *set, const char *file, const char *buf,
		size_t len, struct diag_list *diags);

/*
 * After every file is parsed: resolve @name members, reporting unknown
 * groups, @anyone and cycles as errors, and empty groups as warnings.
 * Returns 0, or -1 when memory runs out.
 */
int group_resolve(struct group_set *set, struct diag_list *diags);

/* The index of the group called name, or GROUP_NONE. */
size_t group_find(const struct group_set *set, const char *name, size_t len);

/*
 * Fill in_group[i] (one bool per group of a resolved set) with whether user
 * belongs to group i directly, through @owner (when is_owner) or through
 * nested groups.
 */
void group_memberships(const struct group_set *set, const char *user,
		       bool is_owner, bool *in_group);

#endif
