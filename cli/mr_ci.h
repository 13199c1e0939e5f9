/* mr_ci: what git mr ci's finding, testing and posting share (SPEC 8) */
#ifndef CLI_MR_CI_H
#define CLI_MR_CI_H

#include <git2.h>
#include <stdbool.h>
#include <stddef.h>

#include "../apps/merge-reqs/store.h"
#include "mr.h"

/* SPEC 8's results; the names are what the Result: header says. */
enum ci_result {
	CI_PASS,		/* exit status 0: ci-pass, and attested */
	CI_FAIL,		/* any other exit status, or a signal: ci-fail */
	CI_ERROR,		/* not exported, or printed too much: ci-fail */
	CI_TIMEOUT,		/* killed at the time limit: ci-fail */
	CI_NOT_APPLICABLE,	/* exited with mr.ci.notApplicableExit */
};

/* "pass", "fail", "error", "timeout" or "not-applicable". */
const char *ci_result_name(enum ci_result result);

/* A revision tag that waits for a result of ours. */
struct ci_pending {
	struct store_id id;
	unsigned long k;
	git_oid commit;		/* what the tag points at */
	size_t turn;		/* its place among its author's revisions */
};

/* Whether store holds our result for p: the file that says it was done. */
bool ci_has_result(struct store *store, const struct ci_pending *p,
		   const char *me);

/*
 * Whether the policy lets us write our ci-pass attestations on
 * refs/apps/attestations (the ref op and the file).  Where it does not,
 * no requirement can count on them either, so passes are posted
 * unattested rather than not at all.  policy NULL (it does not load):
 * false.  Returns 0, or an exit code after printing why.
 */
int ci_may_attest(struct mr_ctx *ctx, struct policy *policy, bool *out);

/*
 * Post result for p with body (the log's tail) in one signed atomic push:
 * the comment file, the labels when p is its request's latest revision,
 * and for a pass, when may_attest, the ci-pass attestation of p's commit
 * (SPEC 11).  Redone on a new tip when someone else pushed first.
 * *skipped says why nothing was posted (another run of the bot had posted
 * this result by then, or the request was closed or merged meanwhile),
 * else is NULL (a static string).  Returns 0, or an exit code after
 * printing why.
 */
int ci_post(struct mr_ctx *ctx, const struct ci_pending *p,
	    enum ci_result result, const char *body, bool may_attest,
	    const char **skipped);

#endif
