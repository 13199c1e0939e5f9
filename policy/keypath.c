/* keypath: where a user's key file and ban live on the policy (SPEC 2, 5) */
#include "keypath.h"

#include <stdio.h>
#include <string.h>

void keypath_fanout(char out[KEYPATH_SIZE], const char *id)
{
	snprintf(out, KEYPATH_SIZE, "keys/%.2s/%.40s.asc", id, id);
}

void keypath_flat(char out[KEYPATH_SIZE], const char *id)
{
	snprintf(out, KEYPATH_SIZE, "keys/%.40s.asc", id);
}

void keypath_banned(char out[KEYPATH_SIZE], const char *id)
{
	snprintf(out, KEYPATH_SIZE, "banned/%.40s", id);
}

static enum keypath_kind keypath_found(enum keypath_kind kind, const char *id,
				       char id_out[USERID_LEN + 1])
{
	if (id_out != NULL) {
		memcpy(id_out, id, USERID_LEN);
		id_out[USERID_LEN] = '\0';
	}
	return kind;
}

enum keypath_kind keypath_parse(const char *path, size_t len,
				char id_out[USERID_LEN + 1])
{
	static const char keys[] = "keys/", banned[] = "banned/";
	const size_t nkeys = sizeof(keys) - 1, nbanned = sizeof(banned) - 1;
	const size_t flat = nkeys + USERID_LEN + 4, fan = flat + 3;

	if (len == nbanned + USERID_LEN && memcmp(path, banned, nbanned) == 0 &&
	    userid_is_valid(path + nbanned, USERID_LEN))
		return keypath_found(KEYPATH_BANNED, path + nbanned, id_out);
	if (len < flat || memcmp(path, keys, nkeys) != 0 ||
	    memcmp(path + len - 4, ".asc", 4) != 0)
		return KEYPATH_NONE;
	if (len == flat && userid_is_valid(path + nkeys, USERID_LEN))
		return keypath_found(KEYPATH_FLAT, path + nkeys, id_out);
	if (len == fan && path[nkeys + 2] == '/' &&
	    userid_is_valid(path + nkeys + 3, USERID_LEN) &&
	    memcmp(path + nkeys, path + nkeys + 3, 2) == 0)
		return keypath_found(KEYPATH_FANOUT, path + nkeys + 3, id_out);
	return KEYPATH_NONE;
}
