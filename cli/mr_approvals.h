/* mr_approvals: who attested which revision of a request (SPEC 11), as
   git mr show and list print it */
#ifndef CLI_MR_APPROVALS_H
#define CLI_MR_APPROVALS_H

#include <stdio.h>

#include "../apps/merge-reqs/revs.h"
#include "mr.h"

/* One attestation of one revision's commit. */
struct mr_attestation {
	unsigned long k;	/* the revision */
	struct attest_entry entry;	/* kind and attester */
	bool stale;		/* its commit is not the latest revision's */
};

/*
 * The attestations of every revision of revs (sorted by k) in root (the
 * local refs/apps/attestations' tree; NULL: none): a few tree lookups per
 * revision, never a walk of the ref.  *out is the caller's to free().
 * Returns 0, or an exit code after printing why.
 */
int mr_approvals_read(struct mr_ctx *ctx, git_tree *root,
		      const struct revision *revs, size_t nrevs,
		      struct mr_attestation **out, size_t *count);

/* "<kind> by <name> [<16 hex>]", escaped, into out. */
void mr_approvals_print(FILE *out, struct mr_ctx *ctx,
			const struct mr_attestation *a);

#endif
