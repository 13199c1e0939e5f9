/* names: who a user id claims to be, from the key files of the policy */
#ifndef MERGE_REQS_NAMES_H
#define MERGE_REQS_NAMES_H

#include <git2.h>
#include <stddef.h>

#include "../../common/buf.h"
#include "../../common/err.h"
#include "../../policy/userid.h"

/*
 * SPEC 7: names come from the user ids of the key files (keys/<aa>/<ID>.asc
 * and the older keys/<ID>.asc).  Nobody checked them: a display always
 * shows 16 hex digits of the fingerprint beside a name, marks a name that
 * two keys share, and a name resolves to a user only when exactly one key
 * carries it.
 */
struct names_key {
	char id[USERID_LEN + 1];
	char **uids;		/* as the key's user id packets hold them */
	size_t nuids;
};

struct names {
	struct names_key *keys;
	size_t count;
};

/*
 * Read the user ids of every key file of the policy commit, in both
 * layouts (NULL: an empty directory of names).  A key file that does not
 * parse contributes no names.  Returns 0, or -1 with err set.
 */
int names_load(struct names *names, git_repository *repo,
	       const git_oid *policy_commit, struct err *err);
void names_dispose(struct names *names);

/*
 * Append "Name <email> [0123456789ABCDEF]" for id, escaped for a terminal,
 * with "(name shared by N keys)" when other keys carry the same first user
 * id, or just "[0123456789ABCDEF]" for a key without one.
 */
int names_display(struct buf *out, const struct names *names, const char *id);

/*
 * Resolve spec to a user id: a fingerprint or a prefix of one (at least 4
 * hex digits, either case) among candidates (count ids of 41 bytes) and
 * the keys; else a full user id, a name or an email (with or without <>)
 * that exactly one key carries: as written, or else ignoring case.  Returns
 * 0, or -1 with err naming why (unknown, or ambiguous and how many match;
 * ignoring case, which keys).
 */
int names_resolve(const struct names *names, const char *spec,
		  const char (*candidates)[USERID_LEN + 1], size_t count,
		  char out[USERID_LEN + 1], struct err *err);

#endif
