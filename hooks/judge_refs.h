/* judge_refs: the refs a push names twice, and the base refs (SPEC 3, 4);
   a part of the judge (judge.c), which keeps one in struct judge */
#ifndef HOOKS_JUDGE_REFS_H
#define HOOKS_JUDGE_REFS_H

#include <git2.h>
#include <stdbool.h>
#include <stddef.h>

#include "../common/err.h"
#include "../policy/policy.h"

/* A base ref as it was before the push: its server name and commit. */
struct judge_base {
	char *ref;		/* "refs/heads/main" */
	git_oid commit;		/* what it peels to */
};

/* The refs of a push: those judged so far, and the base refs. */
struct judge_refs {
	char **seen;			/* open-addressed set of ref names */
	size_t nseen, seen_alloc;
	bool bases_read;		/* bases is filled (read once) */
	struct judge_base *bases;
	size_t nbases, bases_alloc;
	git_oid *exist;			/* judge__refs_exist()'s answer */
};

/* Free what refs holds and zero it; NULL-safe. */
void judge__refs_dispose(struct judge_refs *refs);

/*
 * Note that a command on ref is being judged: *seen is true when one
 * already was in this push (SPEC 3: git would apply the first and fail the
 * second, after the hook judged both).  Returns 0, or -1 with err set.
 */
int judge__refs_seen(struct judge_refs *refs, bool *seen, const char *ref,
		     struct err *err);

/*
 * Read the base refs once (SPEC 4): the refs a `base` line of policy
 * matches or, with none, the branch HEAD names if it exists.  In the hook
 * (remote NULL) the refs themselves, still as before the push; in a clone
 * (`git acl check`) refs/remotes/<remote>/<x> stands for refs/heads/<x>
 * and nothing else counts, not the user's branches nor HEAD.  Returns 0,
 * or -1 with err set (refs unreadable, a base pattern over its limit).
 */
int judge__refs_read_bases(struct judge_refs *refs, git_repository *repo,
			   struct policy *policy, const char *remote,
			   struct err *err);

/*
 * The commits that exist for a creation of ref (the tips of the base refs
 * but ref itself), borrowed from refs until the next call.  Call it after
 * judge__refs_read_bases().  Returns 0, or -1 with err set.
 */
int judge__refs_exist(struct judge_refs *refs, const git_oid **out,
		      size_t *count, const char *ref, struct err *err);

#endif
