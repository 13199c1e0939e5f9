/* judge: the decision on each command of a push (SPEC 3-6), shared by the
   pre-receive hook and `git acl check` so that both say the same */
#ifndef HOOKS_JUDGE_H
#define HOOKS_JUDGE_H

#include <git2.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "../common/err.h"
#include "../policy/policy.h"
#include "../policy/require.h"

/* SPEC 4 and 6: the defaults of the gitapps.* caps. */
#define JUDGE_DEFAULT_MAX_COMMITS 1000000u
#define JUDGE_DEFAULT_MAX_TREE_ENTRIES 1000000u
#define JUDGE_DEFAULT_TIMEOUT 60u
#define JUDGE_DEFAULT_MAX_DENIALS 20u
/* gitapps.workers: the most processes that judge one ref update */
#define JUDGE_MAX_WORKERS 8u

struct judge_config {
	const char *const *owners;	/* gitapps.owner values */
	size_t nowners;
	size_t max_commits;		/* gitapps.maxCommits */
	size_t max_tree_entries;	/* gitapps.maxTreeEntries */
	size_t max_denials;		/* gitapps.maxDenials */
	struct timespec deadline;	/* CLOCK_MONOTONIC; from gitapps.timeout */
	uint32_t match_limit;		/* gitapps.regexMatchLimit */
	/*
	 * gitapps.workers: processes that judge the commits of one ref
	 * update, the judge's own included; 0: one per processor, at most
	 * 4; at most 8.  A run of fewer than 1024 commits is not worth a
	 * fork: smaller pushes are judged in one process.  judge_command()
	 * forks them, so call it only while the process has one thread.
	 */
	unsigned workers;
	/*
	 * `git acl check`: a command is judged as if its ref were at <old>
	 * now (no stale-<old> check) and, for a creation, only base refs
	 * other than its own count as existing (SPEC 3).
	 */
	bool offline;
	/*
	 * No allow-all fast path: receive.fsck.skipList is set in the
	 * repository's config, so git's fsck may not check every tree the
	 * fast path would leave to it (SPEC 4).
	 */
	bool no_fast_path;
	/*
	 * Where base refs are read (SPEC 3, 4).  NULL in the hook and in a
	 * bare repository: the refs themselves.  In a working clone the
	 * server's refs are remote-tracking refs: the remote's name
	 * ("origin"), whose refs/remotes/<name>/<x> stand for
	 * refs/heads/<x>; the user's own branches and HEAD never count.
	 * Borrowed for the life of the judge.
	 */
	const char *base_remote;
	/*
	 * SPEC 11: what this push does to refs/apps/attestations (NULL:
	 * nothing; a zero id: deletes it), so that a requirement counts
	 * no attestation the push deletes or modifies.  Borrowed.
	 */
	const git_oid *attest_new;
	/*
	 * Whether an attester is banned: the hook loads rules without
	 * banned/ and looks bans up by path; NULL: policy_is_banned().
	 */
	policy_banned_fn banned;
	void *banned_payload;
};

struct judge;

/*
 * Start judging a push in repo (opened from the environment in the hook,
 * so that quarantined objects are seen) under policy, the policy as it
 * was before the push (SPEC 5).  policy may be NULL when the current
 * policy does not load; policy_error then holds its first error, and only
 * the owners' built-in repair of refs/apps/access-control can pass.
 * Both are borrowed for the life of the judge.
 */
int judge_new(struct judge **out, git_repository *repo,
	      struct policy *policy, const char *policy_error,
	      const struct judge_config *config, struct err *err);
void judge_free(struct judge *judge);

/*
 * Judge one command `<old> <new> <ref>` pushed by user (40 upper-case hex):
 * the early denials of SPEC 3 (a second command on a ref already judged
 * in this push among them), the ref op, and for a created or updated ref,
 * tags included, every tree op of its net change and of every commit new
 * to it (a creation outside refs/apps/ finds existing only the commits of
 * base refs, SPEC 4); a push to refs/apps/access-control must also leave a
 * policy that loads and key files that obey SPEC 2.  Denials are collected
 * (see judge_report()).  Returns 0 once the command is judged, allowed or
 * denied, or -1 with err set when it could not be (an unreadable object, a
 * cap, a regex over its match limit): the push must then be rejected.
 */
int judge_command(struct judge *judge, const char *user, const git_oid *old,
		  const git_oid *new, const char *ref, struct err *err);

/*
 * Check that new, pushed by user to refs/apps/access-control over old
 * (zero for a creation), holds a policy that loads and key files that obey
 * SPEC 2, naming user in any denial;
 * judge_command() does this for every update of that ref, and the hook
 * calls it alone for the very first policy, when there are no rules yet to
 * judge by.  Returns like judge_command().
 */
int judge_policy(struct judge *judge, const char *user, const git_oid *old,
		 const git_oid *new, struct err *err);

/* What judging has cost so far, for `git acl check --stats`. */
struct judge_stats {
	size_t commits;		/* charged, all commands together */
	size_t tree_entries;	/* counted against gitapps.maxTreeEntries */
	unsigned processes;	/* the most that judged one ref update */
};

/* Fill out with what judging has cost so far. */
void judge_stats(const struct judge *judge, struct judge_stats *out);

/* How many denials so far. */
size_t judge_denials(const struct judge *judge);

/*
 * Print the denials as SPEC 6 says: at most max_denials `denied:` lines,
 * each followed by its `hint:` line when it differs from the previous one,
 * then `denied: and N or more` when there were more.  Nothing the pusher
 * controls is printed raw.
 */
int judge_report(const struct judge *judge, FILE *out);

#endif
