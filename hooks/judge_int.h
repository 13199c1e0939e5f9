/* judge_int: what judge.c shares with judge_fanout.c, and nothing else */
#ifndef HOOKS_JUDGE_INT_H
#define HOOKS_JUDGE_INT_H

#include "judge.h"
#include "treediff.h"
#include "walk.h"
#include "worker.h"

struct judge_denial {
	char *line;	/* "denied: ..." */
	char *hint;	/* "hint: ..." */
	size_t counted;	/* changed tree entries counted when it was found */
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
};

/* What the tree-op callback needs to know about the charge at hand. */
struct judge_charge {
	struct judge *judge;
	const char *user;
	const char *ref;
	char commit[13];
	struct err *err;
};

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
