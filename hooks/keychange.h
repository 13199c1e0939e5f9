/* keychange: what a push to the policy may do to keys/ and banned/ (SPEC 2) */
#ifndef HOOKS_KEYCHANGE_H
#define HOOKS_KEYCHANGE_H

#include <git2.h>
#include <stddef.h>

#include "../common/buf.h"
#include "../common/err.h"

/* More problems than this are not worth listing: the push is denied. */
#define KEYCHANGE_MAX_PROBLEMS 64u

struct keychange_problems {
	char *items[KEYCHANGE_MAX_PROBLEMS];	/* one line each, escaped */
	size_t n;
};

void keychange_problems_dispose(struct keychange_problems *problems);

struct keychange_options {
	const char *const *owners;	/* gitapps.owner: never banned */
	size_t nowners;
	size_t max_entries;		/* gitapps.maxTreeEntries */
	const struct timespec *deadline;	/* gitapps.timeout */
};

/*
 * Check what the update of refs/apps/access-control from old_commit
 * (zero: its creation) to new_commit does to keys/ and banned/, on the
 * tree difference alone, never listing either (SPEC 2):
 *  - keys/ holds directories keys/<aa>/ (two upper-case hex digits) of
 *    regular files <ID>.asc with <aa> the first two digits of <ID>; the
 *    older flat keys/<ID>.asc is still read, but no new one is made;
 *  - a created or changed key file obeys the key-file rules (one armored
 *    public key whose primary fingerprint is its <ID>), the id has no key
 *    file in the other layout, and every packet of its old file, in
 *    either layout, is still there (a revocation stays);
 *  - banned/ holds regular files named by a user id, never an owner's.
 * Appends one line per problem to out.  Returns 0, or -1 with err set
 * when the trees cannot be compared (a cap, an unreadable object).
 */
int keychange_check(struct keychange_problems *out, git_repository *repo,
		    const git_oid *old_commit, const git_oid *new_commit,
		    const struct keychange_options *opts, struct err *err);

#endif
