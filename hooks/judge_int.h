/* judge_int: what judge.c shares with judge_fanout.c, and nothing else */
#ifndef HOOKS_JUDGE_INT_H
#define HOOKS_JUDGE_INT_H

#include "judge.h"
#include "../adapters/treediff.h"
#include "walk.h"
#include "worker.h"

struct judge_denial {
	char *line;	/* "denied: ..." */
	char *hint;	/* "hint: ..." */
	size_t counted;	/* changed tree entries counted when it was found */
};

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

struct judge {
	git_repository *repo;
	struct policy *policy;
	const char *policy_error;
	struct judge_config config;
	size_t commit_budget;
	struct treediff *treediff;
	git_odb *odb;			/* treediff's, freed after it */
	struct judge_denial *denials;	/* the first config.max_denials */
	size_t ndenials;		/* all of them */
	size_t denials_alloc;
	unsigned workers_used;		/* the most processes of a fan-out */
	struct judge_refs refs;
};

/* What the tree-op callback needs to know about the charge at hand. */
struct judge_charge {
	struct judge *judge;
	const char *user;
	const char *ref;
	char commit[13];
	struct err *err;
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

/*
 * SPEC 11: a create, fast-forward or force of a ref that `require` rules
 * protect is denied, one denial per requirement missing, unless
 * refs/apps/attestations held enough attestations for the new value
 * before the push.  op may be an unsettled OP_FORCE (judge_command());
 * a denial settles it.  Returns 0, or -1 with err set.
 */
int judge__gate(struct judge *judge, const char *user, enum op op,
		const git_oid *old, const git_oid *new, const char *ref,
		struct err *err);

/* Whether enough denials are in to prove the verdict (SPEC 6). */
bool judge__enough(const struct judge *judge);

/*
 * Record a denial (complete, escaped texts; line and hint are emptied),
 * unless its line is one already kept.  counted is the count of changed
 * tree entries at which it was found, for a fan-out's merge.
 */
int judge__add(struct judge *judge, struct buf *line, struct buf *hint,
	       size_t counted, struct err *err);

/*
 * Charge walk->commits[from..to) each against its own parents, in order,
 * until enough denials are in.  Returns 0, or -1 with err set.
 */
int judge__history(struct judge *judge, struct judge_charge *charge,
		   const struct walk *walk, size_t from, size_t to,
		   struct err *err);

/*
 * The commits of a large push on several cores (judge_fanout.c).  A team
 * is a few forked workers, each judging a contiguous run of the commits
 * after the first run, which stays with the judge itself.  A team of
 * zeros is none, which judge__team_dispose() takes.
 */
struct judge_run;

struct judge_team {
	struct worker *workers;		/* [nruns], [0] unused */
	struct judge_run *runs;		/* what each worker judges, [0] unused */
	size_t nruns;			/* 0: no fan-out */
	size_t first_end;		/* the judge's own run: [0, first_end) */
	size_t counted_at_fork;		/* changed entries at the fork */
};

/*
 * Split walk->commits into runs and start a worker on every run but the
 * first, whose end is then team->first_end (all of the commits when the
 * push is too small to share).  Call it before anything of this charge is
 * judged, with charge filled in.  Returns 0, or -1 with err set.
 */
int judge__fan_out(struct judge *judge, struct judge_team *team,
		   struct judge_charge *charge, const struct walk *walk,
		   struct err *err);

/*
 * After the judge has judged the first run: take in the workers' runs in
 * commit order, exactly as if the judge had judged them itself (the same
 * denials kept, the same error, the same count against
 * gitapps.maxTreeEntries).  Returns 0, or -1 with err set.
 */
int judge__gather(struct judge *judge, struct judge_team *team,
		  struct err *err);

/* Stop and reap whatever workers are left, free the team; NULL-safe. */
void judge__team_dispose(struct judge_team *team);

#endif
