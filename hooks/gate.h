/* gate: whether a ref's new value has the attestations that the policy's
   `require` rules demand (SPEC 11), for the hook, `git acl check` and
   `explain`, and `git mr merge` alike */
#ifndef HOOKS_GATE_H
#define HOOKS_GATE_H

#include <git2.h>
#include <stdbool.h>
#include <stddef.h>

#include "../common/buf.h"
#include "../common/err.h"
#include "../policy/policy.h"
#include "../policy/require.h"

/* The ref attestations live on (SPEC 11). */
#define GATE_REF "refs/apps/attestations"

/* One requirement and what it found. */
struct gate_item {
	struct policy_requirement requirement;	/* borrowed from the policy */
	struct policy_require_result result;
};

struct gate_report {
	git_oid commit;		/* C: what the new value peels to */
	/*
	 * C has exactly two parents, the first the ref's old value, the
	 * second a commit R that contains it, and C's tree is R's: then R's
	 * attestations count too (SPEC 11).
	 */
	bool merge_rule;
	git_oid second;		/* R, when merge_rule */
	struct gate_item *items;	/* every requirement on the ref */
	size_t count;
	size_t missing;		/* items whose result is not met */
};

struct gate_input {
	const char *user;		/* the pusher, 40 upper-case hex */
	const char *const *owners;	/* gitapps.owner values */
	size_t nowners;
	const char *ref;		/* full name, "refs/heads/main" */
	const git_oid *old;		/* the ref's value before; zero: none */
	const git_oid *new;		/* the value pushed; never zero */
	/*
	 * What the same push does to refs/apps/attestations: NULL, nothing;
	 * a zero id, deletes it; else its new value.  A file this push
	 * deletes or modifies does not count (SPEC 11: attestations must
	 * land before the push that relies on them).
	 */
	const git_oid *attest_new;
	/* bans (policy/require.h); NULL: policy_is_banned() */
	policy_banned_fn banned;
	void *banned_payload;
};

/*
 * Check the requirements on in->ref for in->new against
 * refs/apps/attestations as it is in repo now (in the hook: before the
 * push).  Reads a few trees per requirement and never walks the ref.
 * Under !self, the authors are the users <u> holding a ref
 * refs/apps/<app>/<u>/... that peels to C (or R).  A ref with no
 * requirement gets an empty report.
 *
 * Returns 0 with *out filled (dispose with gate_report_dispose()), or -1
 * with err set: the caller must then reject.
 */
int gate_check(struct gate_report *out, git_repository *repo,
	       struct policy *policy, const struct gate_input *in,
	       struct err *err);

void gate_report_dispose(struct gate_report *report);

/*
 * Append what item found, as SPEC 11's denial says it:
 * "needs 2 approved by maintainers, has 1 (<40 hex>)"; with !self
 * "needs 1 approved!self by maintainers, has 0".  Returns 0, or -1 when
 * memory runs out.
 */
int gate_describe(struct buf *out, const struct gate_item *item);

#endif
