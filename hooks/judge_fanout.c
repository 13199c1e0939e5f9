/* judge_fanout: the commits of a large push judged on several cores */
#include "judge_fanout.h"
#include "judge_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../adapters/treediff.h"
#include "../common/buf.h"
#include "judge_denials.h"
#include "judge_history.h"
#include "walk.h"
#include "worker.h"

/*
 * Why the merge gives exactly the serial verdict (docs/design.md, "A push
 * judged on several cores"):
 *
 * What the judge reports depends only on the stream of denial lines in
 * commit order: the first max_denials distinct lines, and whether there
 * are more distinct lines than that (then it stopped at max_denials + 1
 * and says "and 1 or more").  A worker starts from a copy of the judge
 * as it was at the fork, K distinct lines kept, and judges its run as if
 * max_denials were one more: it keeps the first max_denials + 1 - K lines
 * of its run new to those K, and stops after them, never before the
 * serial judge would have (whose count is never below the worker's).
 * Replaying the runs' lines in commit order through judge__add() then
 * keeps the same first max_denials lines and reaches the same "enough":
 * of run k's lines, the D already seen in earlier runs are skipped, and
 * the other max_denials + 1 - K - D or more are all the serial judge
 * could add before it stops, as the earlier runs added D.
 *
 * gitapps.maxTreeEntries counts across the whole push.  Each line carries
 * the worker's count when it was found, and its run's final count follows
 * the lines, so the replay adds them in the order the serial judge would
 * have counted them, and fails where it would have failed.  A run that
 * ended in an error ends the replay with that error, unless the lines
 * before it already made enough denials, as the serial judge would have
 * stopped there.
 */

/* Commits a worker's run must hold at least. */
#define JUDGE_MIN_RUN 1024u
/* Processes when gitapps.workers says nothing: a push has no more. */
#define JUDGE_DEFAULT_WORKERS 4u

/* Seconds a worker may take past gitapps.timeout before it is killed. */
#define JUDGE_WORKER_GRACE 2

#define JUDGE_WIRE_MAGIC 0x6a756467u	/* "judg" */

/* The pipe joins two copies of one program: native byte order is fine. */
struct judge_wire_head {
	uint32_t magic;
	int32_t status;		/* 0, or -1: the run ended in an error */
	uint64_t counted;	/* changed tree entries at the run's end */
	uint64_t nlines;
	uint64_t err_len;	/* then the error message */
};

struct judge_wire_line {
	uint64_t counted;
	uint64_t line_len;
	uint64_t hint_len;	/* then the line, then the hint */
};

struct judge_run {
	struct judge *judge;
	struct judge_charge *charge;
	const struct walk *walk;
	size_t from, to;
};

static size_t judge_runs_wanted(const struct judge *judge, size_t ncommits)
{
	size_t want = judge->config.workers, most = ncommits / JUDGE_MIN_RUN;

	if (most < 2)
		return 1;	/* not worth a fork */
	if (want == 0) {
		want = worker_cpus();
		if (want > JUDGE_DEFAULT_WORKERS)
			want = JUDGE_DEFAULT_WORKERS;
	}
	if (want > JUDGE_MAX_WORKERS)
		want = JUDGE_MAX_WORKERS;
	return want < most ? want : most;
}

/* In the worker: judge the run, then say what was found. */
static int judge_run_in_worker(struct buf *out, void *payload)
{
	struct judge_run *run = payload;
	struct judge *judge = run->judge;
	size_t base = judge->ndenials, kept, i;
	struct judge_wire_head head = {JUDGE_WIRE_MAGIC, 0, 0, 0, 0};
	struct err err = {""};

	/* judged as if gitapps.maxDenials were one more (see above) */
	judge->config.max_denials += 1;
	run->charge->err = &err;
	if (judge__history(judge, run->charge, run->walk, run->from, run->to,
			   &err) < 0) {
		if (err.msg[0] == '\0')
			err_set(&err, "a worker could not judge its commits");
		head.status = -1;
		head.err_len = strlen(err.msg);
	}
	kept = judge->ndenials < judge->config.max_denials
		       ? judge->ndenials
		       : judge->config.max_denials;
	head.counted = treediff_entries_counted(judge->treediff);
	head.nlines = kept - base;
	if (buf_put(out, &head, sizeof(head)) < 0 ||
	    buf_put(out, err.msg, head.err_len) < 0)
		return -1;
	for (i = base; i < kept; i++) {
		const struct judge_denial *d = &judge->denials[i];
		struct judge_wire_line line = {d->counted, strlen(d->line),
					       strlen(d->hint)};

		if (buf_put(out, &line, sizeof(line)) < 0 ||
		    buf_put(out, d->line, line.line_len) < 0 ||
		    buf_put(out, d->hint, line.hint_len) < 0)
			return -1;
	}
	return 0;
}

/* Where run k of nruns starts: runs differ in length by one at most. */
static size_t judge_run_start(const struct walk *walk, size_t nruns,
			      size_t k)
{
	return walk->ncommits / nruns * k + walk->ncommits % nruns * k / nruns;
}

int judge__fan_out(struct judge *judge, struct judge_team *team,
		   struct judge_charge *charge, const struct walk *walk,
		   struct err *err)
{
	size_t nruns = judge_runs_wanted(judge, walk->ncommits), k;

	memset(team, 0, sizeof(*team));
	team->first_end = walk->ncommits;
	if (nruns < 2 || judge__enough(judge))
		return 0;
	if ((team->workers = calloc(nruns, sizeof(*team->workers))) == NULL ||
	    (team->runs = calloc(nruns, sizeof(*team->runs))) == NULL)
		return err_set(err, "out of memory");
	team->counted_at_fork = treediff_entries_counted(judge->treediff);
	for (k = 1; k < nruns; k++) {
		struct judge_run *run = &team->runs[k];

		*run = (struct judge_run){judge, charge, walk,
					  judge_run_start(walk, nruns, k),
					  judge_run_start(walk, nruns, k + 1)};
		if (worker_start(&team->workers[k], judge_run_in_worker, run,
				 err) < 0)
			return -1;
		team->nruns = k + 1;
	}
	team->first_end = judge_run_start(walk, nruns, 1);
	if (nruns > judge->workers_used)
		judge->workers_used = (unsigned)nruns;
	return 0;
}

/* Reads the answer of a worker, checking each length against what is left. */
struct judge_wire {
	const char *p;
	size_t left;
};

static const void *judge_wire_take(struct judge_wire *w, size_t len)
{
	const char *p = w->p;

	if (len > w->left)
		return NULL;
	w->p += len;
	w->left -= len;
	return p;
}

static int judge_wire_bad(struct err *err)
{
	return err_set(err, "a worker's answer is malformed");
}

/* Replay one run's answer as if the judge had judged the run itself. */
static int judge_take_in(struct judge *judge, const struct judge_team *team,
			 const struct buf *answer, struct err *err)
{
	struct judge_wire w = {answer->ptr, answer->len};
	struct judge_wire_head head;
	struct buf line = BUF_INIT, hint = BUF_INIT;
	const void *p;
	size_t last = team->counted_at_fork, i;
	char msg[ERR_MSG_MAX];
	int error = -1;

	if ((p = judge_wire_take(&w, sizeof(head))) == NULL)
		return judge_wire_bad(err);
	memcpy(&head, p, sizeof(head));
	/* a run ends in an error with a message, or in none without */
	if (head.magic != JUDGE_WIRE_MAGIC ||
	    (head.status != 0 && head.status != -1) ||
	    (head.status == -1) != (head.err_len > 0) ||
	    head.err_len >= sizeof(msg) ||
	    head.nlines > judge->config.max_denials + 1 ||
	    (p = judge_wire_take(&w, head.err_len)) == NULL ||
	    memchr(p, '\0', head.err_len) != NULL)
		return judge_wire_bad(err);
	memcpy(msg, p, head.err_len);
	msg[head.err_len] = '\0';
	for (i = 0; i < head.nlines; i++) {
		struct judge_wire_line l;

		buf_clear(&line);
		buf_clear(&hint);
		if ((p = judge_wire_take(&w, sizeof(l))) == NULL)
			goto bad;
		memcpy(&l, p, sizeof(l));
		if (l.counted < last)
			goto bad;
		/* the serial judge counts these entries before the line */
		if (treediff_count_more(judge->treediff, l.counted - last,
					err) < 0)
			goto done;
		last = l.counted;
		if ((p = judge_wire_take(&w, l.line_len)) == NULL ||
		    memchr(p, '\0', l.line_len) != NULL ||
		    buf_put(&line, p, l.line_len) < 0 ||
		    (p = judge_wire_take(&w, l.hint_len)) == NULL ||
		    memchr(p, '\0', l.hint_len) != NULL ||
		    buf_put(&hint, p, l.hint_len) < 0)
			goto bad;
		if (judge__add(judge, &line, &hint,
			       treediff_entries_counted(judge->treediff),
			       err) < 0)
			goto done;
		if (judge__enough(judge)) {
			error = 0;	/* where the serial judge stops */
			goto done;
		}
	}
	if (w.left != 0 || head.counted < last)
		goto bad;
	if (treediff_count_more(judge->treediff, head.counted - last, err) <
	    0)
		goto done;
	if (head.status < 0) {
		err_set(err, "%s", msg);
		goto done;
	}
	error = 0;
	goto done;
bad:
	judge_wire_bad(err);
done:
	buf_dispose(&line);
	buf_dispose(&hint);
	return error;
}

int judge__gather(struct judge *judge, struct judge_team *team,
		  struct err *err)
{
	struct buf answer = BUF_INIT;
	/*
	 * A worker stops at gitapps.timeout on its own, as the judge
	 * does; one that is still running seconds later is stuck.
	 */
	struct timespec deadline = judge->config.deadline;
	size_t k;
	int error = -1;

	deadline.tv_sec += JUDGE_WORKER_GRACE;
	for (k = 1; k < team->nruns && !judge__enough(judge); k++) {
		buf_clear(&answer);
		if (worker_finish(&team->workers[k], &answer, &deadline,
				  err) < 0 ||
		    judge_take_in(judge, team, &answer, err) < 0)
			goto done;
	}
	error = 0;
done:
	buf_dispose(&answer);
	return error;
}

void judge__team_dispose(struct judge_team *team)
{
	size_t k;

	if (team == NULL)
		return;
	for (k = 1; k < team->nruns; k++)
		worker_cancel(&team->workers[k]);
	free(team->workers);
	free(team->runs);
	memset(team, 0, sizeof(*team));
}
