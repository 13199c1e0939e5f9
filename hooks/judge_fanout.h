/*
 * judge_fanout: the commits of a large push on several cores.  A team is a
 * few forked workers, each judging a contiguous run of the commits after
 * the first run, which stays with the judge itself (judge.c).  A worker
 * judges through judge_history.c and the answers are replayed through
 * judge_denials.c; nothing here calls judge.c.
 */
#ifndef HOOKS_JUDGE_FANOUT_H
#define HOOKS_JUDGE_FANOUT_H

#include <stddef.h>

#include "../common/err.h"

struct judge;
struct judge_charge;
struct judge_run;
struct walk;
struct worker;

/* A team of zeros is none, which judge__team_dispose() takes. */
struct judge_team {
	struct worker *workers;	 /* [nruns], [0] unused */
	struct judge_run *runs;	 /* what each worker judges, [0] unused */
	size_t nruns;		 /* 0: no fan-out */
	size_t first_end;	 /* the judge's own run: [0, first_end) */
	size_t counted_at_fork;	 /* changed entries at the fork */
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
