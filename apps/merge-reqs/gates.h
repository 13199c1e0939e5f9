/* gates: the policy lines `git mr init --require-approvals/--require-ci`
   adds: requirements on the targets, and who may attest (SPEC 11) */
#ifndef MERGE_REQS_GATES_H
#define MERGE_REQS_GATES_H

#include <stdbool.h>
#include <stddef.h>

#include "../../common/buf.h"

#define GATES_REFS_FILE "refs/merge-gates.conf"
#define GATES_BRANCHES_FILE "branches/merge-gates.conf"

/* What the owner asked for. */
struct gates {
	unsigned approvals;	/* N of N:approved by maintainers; 0: none */
	bool ci;		/* 1:ci-pass by ci */
	const char *const *targets;	/* "heads/main", as stored */
	size_t ntargets;
};

/*
 * The text of GATES_REFS_FILE (a `require` line per target and kind, and
 * the ref rules that let maintainers and ci create and fast-forward
 * refs/apps/attestations) into refs_conf, and of GATES_BRANCHES_FILE (an
 * [apps/attestations] section: maintainers write `approved`, ci writes
 * `ci-pass`, each only as their own ${user_id} file and the directories
 * above it) into branches_conf.  Targets are matched literally.  Returns
 * 0, or -1 when memory runs out.
 */
int gates_policy(struct buf *refs_conf, struct buf *branches_conf,
		 const struct gates *gates);

#endif
