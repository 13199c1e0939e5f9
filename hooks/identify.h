/* identify: who signed the push certificate (SPEC 2), with nothing listed */
#ifndef HOOKS_IDENTIFY_H
#define HOOKS_IDENTIFY_H

#include <git2.h>
#include <stdbool.h>
#include <stddef.h>

#include "../common/err.h"
#include "../policy/userid.h"
#include "../adapters/cert.h"

struct identify_input {
	git_repository *repo;
	const char *dir;		/* <common dir>/gitapps */
	const git_oid *policy;		/* the policy commit; NULL: none */
	const struct cert *cert;	/* parsed, nonce and coverage checked */
	/*
	 * The push's command on refs/apps/access-control, if any: where a
	 * registration, a refresh or the owner's first policy brings the
	 * key.  policy_only: it is the push's only command.
	 */
	const git_oid *policy_old, *policy_new;
	bool policy_only;
	const char *const *owners;	/* gitapps.owner */
	size_t nowners;
};

/*
 * Identify the pusher (SPEC 2), writing the user id to user_out:
 *  - under the current policy: the key file named by the issuer
 *    fingerprint F (found by path), then the files in which F is a
 *    back-signed signing subkey (or, for a signature naming only a 64-bit
 *    key id, every file holding it), through the key index; each alone,
 *    the first good signature identifies;
 *  - failing that, a registration (the push creates keys/<aa>/<ID>.asc
 *    and nothing else), a refresh (it grows the signer's own key file) or,
 *    with no policy at all, an owner's first policy.
 * A banned id identifies nobody; owners are never banned.  Returns 0, or
 * -1 with err set to the one line the pusher reads.
 */
int identify_pusher(char user_out[USERID_LEN + 1],
		    const struct identify_input *in, struct err *err);

#endif
