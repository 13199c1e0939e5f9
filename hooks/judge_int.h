/*
 * judge_int: the judge's state, struct judge, read and written by the files
 * that make up the judge (judge.c and the judge_*.c it calls) and by no one
 * else.  Each of those files declares its own calls in its own header;
 * this one declares none, so that including it never ties one file to
 * another.
 */
#ifndef HOOKS_JUDGE_INT_H
#define HOOKS_JUDGE_INT_H

#include <git2.h>
#include <stdbool.h>
#include <stddef.h>

#include "../adapters/treediff.h"
#include "../common/err.h"
#include "../policy/policy.h"
#include "judge.h"
#include "judge_refs.h"

/* One denial kept (the first config.max_denials are: judge_denials.c). */
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

#endif
