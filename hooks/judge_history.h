/*
 * judge_history: the tree ops a ref update is charged with (SPEC 4), each
 * asked of the policy: a tree against the trees of its bases, and each
 * commit new to the ref against its own parents.  Used by judge.c for the
 * net change and the first run of commits, and by judge_fanout.c's
 * workers for the later runs; it records denials through judge_denials.c
 * and calls nothing else of the judge.
 */
#ifndef HOOKS_JUDGE_HISTORY_H
#define HOOKS_JUDGE_HISTORY_H

#include <git2.h>
#include <stddef.h>

#include "../common/err.h"
#include "walk.h"

struct judge;
struct judge_charge;

/* The tree of commit_id.  Returns 0, or -1 with err set. */
int judge__tree_of(git_oid *out, git_repository *repo,
		   const git_oid *commit_id, struct err *err);

/*
 * Charge new_tree against the trees of the nbases commits base_commits,
 * labelling denials with charge->commit, until enough denials are in.
 * Returns 0, or -1 with err set.
 */
int judge__compare(struct judge *judge, struct judge_charge *charge,
		   const git_oid *new_tree, const git_oid *base_commits,
		   size_t nbases, struct err *err);

/*
 * Charge walk->commits[from..to) each against its own parents, in order,
 * until enough denials are in.  Returns 0, or -1 with err set.
 */
int judge__history(struct judge *judge, struct judge_charge *charge,
		   const struct walk *walk, size_t from, size_t to,
		   struct err *err);

#endif
