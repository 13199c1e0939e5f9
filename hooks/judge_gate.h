/* judge_gate: a protected ref moves only to an attested commit (SPEC 11);
   a part of the judge, called by judge_command() after the ref rules */
#ifndef HOOKS_JUDGE_GATE_H
#define HOOKS_JUDGE_GATE_H

#include <git2.h>

#include "../common/err.h"
#include "../policy/op.h"

struct judge;

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

#endif
