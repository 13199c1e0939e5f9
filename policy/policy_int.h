/* policy_int: what policy.c shares with require.c, and nobody else */
#ifndef POLICY_POLICY_INT_H
#define POLICY_POLICY_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "group.h"
#include "match.h"
#include "policy.h"
#include "rule.h"
#include "userid.h"

/* Callers outside policy/ hold only a pointer (policy.h). */
struct policy {
	struct rule_set rules;
	struct group_set groups;
	struct match_env *env;
	char **keys;		/* ids that have a key file (SPEC 2) */
	size_t nkeys;
	char **banned;		/* ids of banned/<ID>: in no group */
	size_t nbanned;

	/* per pusher: whose rules reach them */
	bool cache_valid;
	char cache_user[USERID_LEN + 1];
	bool cache_is_owner;
	bool *in_group;		/* one per group */
	bool *who_applies;	/* one per rule */

	/* per pusher and ref: the rules that reach both, in file order */
	char *cache_ref;	/* NULL: not computed */
	size_t *candidates;
	size_t ncandidates;
};

/*
 * Whether a ref pattern (of a rule or a require line) reaches ref at all:
 * under refs/replace/ and refs/apps/ only a pattern whose text, less one
 * leading `^`, starts with `replace/` or `apps/` does (SPEC 3, 5).
 */
bool policy__ref_pattern_reaches(const struct match_pattern *pattern,
				 const char *ref);

/*
 * require.c, called by policy_load(): link each require line's GROUP to
 * groups/ and reject a pattern that matches a reserved app ref (errors);
 * then, on a policy with no error whose caches are allocated, the
 * warnings of SPEC 11.  Each returns 0, or -1 when memory runs out.
 */
int policy__link_requires(struct policy *policy, struct diag_list *diags);
int policy__lint_requires(struct policy *policy, struct diag_list *diags);

#endif
