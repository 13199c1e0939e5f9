/* require: the `require` lines of refs/ files, and counting what they
   demand (SPEC 11) */
#ifndef POLICY_REQUIRE_H
#define POLICY_REQUIRE_H

#include <stdbool.h>
#include <stddef.h>

#include "../common/err.h"
#include "policy.h"

/* SPEC 5, 11: N of N:kind runs from 1 to 999. */
#define REQUIRE_COUNT_MAX 999u
/* SPEC 11: a kind matches [a-z][a-z0-9-]{0,63}. */
#define REQUIRE_KIND_MAX 64u

/*
 * One N:kind item of a `GROUP require N:kind[!self],... REF-REGEX` line.
 * A line with three items gives three requirements, each with the line's
 * file, line number and group.  Borrowed from the policy: valid until
 * policy_free().
 */
struct policy_requirement {
	const char *file;	/* "refs/main.conf" */
	unsigned line;
	const char *group;	/* who attests: a defined group */
	unsigned count;		/* N */
	const char *kind;	/* "approved" */
	bool not_self;		/* !self: the pusher and authors do not count */
};

/*
 * The requirements that apply to ref (a full name, "refs/heads/main"):
 * every item of every `require` line whose pattern matches the ref, in
 * file and line order.  A require pattern reaches refs/apps/ and
 * refs/replace/ only as a ref rule does (its text, less one leading `^`,
 * starting with `apps/` or `replace/`), and never
 * refs/apps/access-control, refs/apps/attestations or refs/apps/audit
 * (a pattern matching one is a load error anyway).  policy NULL: none.
 *
 * *out is an array the caller frees with free() (NULL when *count is 0);
 * its entries are borrowed from the policy.  Returns 0, or -1 with err set
 * (a pattern over its match limit, out of memory): the caller must then
 * reject, never take "no requirement".
 */
int policy_requirements(struct policy *policy, const char *ref,
			struct policy_requirement **out, size_t *count,
			struct err *err);

/* Whether the policy has any `require` line (NULL: false). */
bool policy_has_requirements(const struct policy *policy);

/*
 * Whether id is banned, for policy_require_count(): the hook loads rules
 * without listing banned/ and looks a ban up by path (SPEC 2); apps and
 * `git acl` pass NULL and policy_is_banned() is asked.  Return 1 for
 * banned, 0 for not, -1 with err set when it cannot tell.
 */
typedef int (*policy_banned_fn)(const char *id, void *payload,
				struct err *err);

/* What one requirement found. */
struct policy_require_result {
	unsigned have;		/* distinct attesters that counted */
	bool met;		/* have >= requirement->count */
	/*
	 * The ids that counted, in ascending order, have of them: an array
	 * of 41-byte strings the caller frees with free() (NULL when have
	 * is 0).
	 */
	char (*counted)[41];
};

/*
 * Count requirement against attesters: the user ids (40 upper-case hex,
 * any order, duplicates allowed and counted once) that hold an
 * attestation of requirement->kind for the commit, gathered by the caller
 * (for a merge commit the ids of C and of R together, SPEC 11).  An id
 * counts when it is a member of requirement->group (through @owner when
 * it is one of owners), is not banned (banned ids are members of nothing;
 * banned NULL: policy_is_banned(); an owner is never banned, SPEC 2, so
 * is never asked about) and, under !self, is neither pusher nor one of
 * excluded[] (the authors of the attested commits).  Ids that are not 40
 * upper-case hex never count.
 *
 * Fills *out (dispose with policy_require_result_dispose()) and returns 0,
 * or returns -1 with err set.
 */
int policy_require_count(struct policy *policy,
			 const struct policy_requirement *requirement,
			 const char *pusher, const char *const *owners,
			 size_t nowners, const char *const *attesters,
			 size_t nattesters, const char *const *excluded,
			 size_t nexcluded, policy_banned_fn banned,
			 void *payload, struct policy_require_result *out,
			 struct err *err);

void policy_require_result_dispose(struct policy_require_result *result);

#endif
