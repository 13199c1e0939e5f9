/* rule: one refs/ or branches/ file into rules and [sections] (SPEC 5) */
#ifndef POLICY_RULE_H
#define POLICY_RULE_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "match.h"
#include "op.h"

/* SPEC 5: a longer line is a policy error. */
#define RULE_LINE_MAX 4096u

#define RULE_NO_SECTION ((size_t)-1)

enum rule_who {
	RULE_WHO_ANYONE,	/* every identified user */
	RULE_WHO_OWNER,		/* a value of gitapps.owner */
	RULE_WHO_USER,		/* one user id */
	RULE_WHO_GROUP,		/* a group of groups/<name>.conf */
};

struct rule_section {
	const char *file;	/* borrowed from the rule_set */
	unsigned line;
	struct match_pattern *pattern;
};

struct rule {
	const char *file;	/* borrowed from the rule_set */
	unsigned line;
	enum op_kind kind;
	enum rule_who who_kind;
	char *who;		/* WHO as written */
	size_t group;		/* RULE_WHO_GROUP: set by the caller's linking */
	unsigned ops;		/* mask of enum op, aliases expanded */
	struct match_pattern *pattern;
	size_t section;		/* index in sections, or RULE_NO_SECTION */
};

/*
 * A `base REF-REGEX` line of a refs/ file: refs it matches are base refs,
 * the only refs whose commits a created ref finds existing (SPEC 4).
 */
struct rule_base {
	const char *file;	/* borrowed from the rule_set */
	unsigned line;
	struct match_pattern *pattern;	/* never holds $user_id */
};

/* One N:kind[!self] item of a require line. */
struct rule_require_item {
	unsigned count;		/* N, 1 to 999 */
	char *kind;		/* [a-z][a-z0-9-]{0,63} */
	bool not_self;		/* !self */
};

/*
 * A `GROUP require N:kind[!self][,...] REF-REGEX` line of a refs/ file
 * (SPEC 11): refs it matches move only with the attestations it names.
 */
struct rule_require {
	const char *file;	/* borrowed from the rule_set */
	unsigned line;
	char *group;		/* GROUP as written: a group name */
	size_t group_index;	/* set by the caller's linking */
	struct match_pattern *pattern;	/* never holds $user_id */
	struct rule_require_item *items;
	size_t nitems;
};

/* Every rule, section, base and require line of a policy, in file order. */
struct rule_set {
	struct rule *rules;
	size_t count, alloc;
	struct rule_section *sections;
	size_t nsections, sections_alloc;
	struct rule_base *bases;
	size_t nbases, bases_alloc;
	struct rule_require *requires;
	size_t nrequires, requires_alloc;
	char **files;		/* owned copies of the file names */
	size_t nfiles, files_alloc;
};

void rule_set_init(struct rule_set *set);
void rule_set_dispose(struct rule_set *set);

/*
 * Parse one file (name as in the policy tree, buf of len bytes) of the
 * given kind: OP_KIND_REF for refs/<name>.conf (no sections; `base` and
 * `require` lines), OP_KIND_TREE for branches/<name>.conf.  A `require`
 * line (SPEC 11) is checked here for all but its group's existence and
 * the reserved refs its pattern must not match, which need the whole
 * policy (policy/require.c).  Every problem becomes a `file:line` error
 * in diags and parsing goes on, so that lint can list them all; the rules
 * that did parse are appended to set.  Returns 0, or -1 only when memory
 * runs out.
 */
int rule_parse(struct rule_set *set, const char *file, const char *buf,
	       size_t len, enum op_kind kind, struct diag_list *diags);

#endif
