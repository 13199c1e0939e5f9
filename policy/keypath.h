/* keypath: where a user's key file and ban live on the policy (SPEC 2, 5) */
#ifndef POLICY_KEYPATH_H
#define POLICY_KEYPATH_H

#include <stddef.h>

#include "userid.h"

/* "keys/AB/<ID>.asc": the longest of the three paths, NUL included */
#define KEYPATH_SIZE (sizeof("keys/AB/") - 1 + USERID_LEN + sizeof(".asc"))

enum keypath_kind {
	KEYPATH_NONE,		/* not a key file or ban path */
	KEYPATH_FANOUT,		/* keys/<aa>/<ID>.asc, <aa> = <ID>'s first two */
	KEYPATH_FLAT,		/* keys/<ID>.asc: the older layout, still read */
	KEYPATH_BANNED,		/* banned/<ID> */
};

/*
 * Write the path of id's key file in the fan-out layout ("keys/AB/AB...
 * .asc") or the flat one, or of its ban, into out.  id must be a valid
 * user id (userid_is_valid()).
 */
void keypath_fanout(char out[KEYPATH_SIZE], const char *id);
void keypath_flat(char out[KEYPATH_SIZE], const char *id);
void keypath_banned(char out[KEYPATH_SIZE], const char *id);

/*
 * What path (len bytes, no NUL needed) is: a key file of either layout,
 * a ban, or none of them.  A fan-out path whose directory is not the
 * id's first two digits is KEYPATH_NONE.  id_out, when not NULL, gets the
 * id of a path that is one (NUL-terminated).
 */
enum keypath_kind keypath_parse(const char *path, size_t len,
				char id_out[USERID_LEN + 1]);

#endif
