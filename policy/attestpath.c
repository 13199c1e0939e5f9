/* attestpath: the layout of refs/apps/attestations (SPEC 11) */
#include "attestpath.h"

#include <stdio.h>
#include <string.h>

#include "op.h"

/* Directories down to <kind>, then the attester's file. */
enum { ATTESTPATH_LEVELS = 5 };

static bool attestpath_is_lower_hex(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

bool attestpath_kind_is_valid(const char *kind, size_t len)
{
	size_t i;

	if (len == 0 || len > ATTESTPATH_KIND_MAX || kind[0] < 'a' ||
	    kind[0] > 'z')
		return false;
	for (i = 1; i < len; i++)
		if (!((kind[i] >= 'a' && kind[i] <= 'z') ||
		      (kind[i] >= '0' && kind[i] <= '9') || kind[i] == '-'))
			return false;
	return true;
}

/* The commit id in lower case, or -1 when it is not 40 hex digits. */
static int attestpath_lower(char out[ATTESTPATH_COMMIT_HEX + 1],
			    const char *commit)
{
	size_t i;

	if (strlen(commit) != ATTESTPATH_COMMIT_HEX)
		return -1;
	for (i = 0; i < ATTESTPATH_COMMIT_HEX; i++) {
		char c = commit[i];

		if (c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		if (!attestpath_is_lower_hex(&c, 1))
			return -1;
		out[i] = c;
	}
	out[i] = '\0';
	return 0;
}

int attestpath_format_dir(char out[ATTESTPATH_SIZE], const char *commit,
			  const char *kind)
{
	char hex[ATTESTPATH_COMMIT_HEX + 1];

	if (attestpath_lower(hex, commit) < 0 ||
	    !attestpath_kind_is_valid(kind, strlen(kind)))
		return -1;
	snprintf(out, ATTESTPATH_SIZE, "%.2s/%.2s/%s/%s", hex, hex + 2,
		 hex + 4, kind);
	return 0;
}

int attestpath_format(char out[ATTESTPATH_SIZE], const char *commit,
		      const char *kind, const char *user)
{
	size_t len;

	if (!userid_is_valid(user, strlen(user)) ||
	    attestpath_format_dir(out, commit, kind) < 0)
		return -1;
	len = strlen(out);
	snprintf(out + len, ATTESTPATH_SIZE - len, "/%s", user);
	return 0;
}

/* Whether name (len bytes) is right for the level'th component, from 1. */
static bool attestpath_level_ok(unsigned level, const char *name, size_t len)
{
	switch (level) {
	case 1:
	case 2:
		return len == 2 && attestpath_is_lower_hex(name, len);
	case 3:
		return len == ATTESTPATH_COMMIT_HEX - 4 &&
		       attestpath_is_lower_hex(name, len);
	case 4:
		return attestpath_kind_is_valid(name, len);
	default:
		return userid_is_valid(name, len);
	}
}

const char *attestpath_refuse(const char *path, size_t len, unsigned op,
			      unsigned new_mode, const char *user)
{
	static const char shape[] =
		"it is not <aa>/<bb>/<rest>/<kind>/<user id> (SPEC 11)";
	const char *p = path, *end = path + len, *slash;
	unsigned level = 0;

	for (;;) {
		slash = memchr(p, '/', (size_t)(end - p));
		if (++level > ATTESTPATH_LEVELS)
			return shape;
		if (!attestpath_level_ok(level, p,
					 (size_t)((slash ? slash : end) - p)))
			return shape;
		if (slash == NULL)
			break;
		p = slash + 1;
	}
	if (level < ATTESTPATH_LEVELS)
		return op == OP_CREATE_DIRECTORY
			       ? NULL
			       : "only directories belong there (SPEC 11)";
	/* the attester's own file: p is its name */
	if ((size_t)(end - p) != USERID_LEN || memcmp(p, user, USERID_LEN) != 0)
		return "an attestation is written by the user it names";
	switch (op) {
	case OP_DELETE_FILE:
		return NULL;
	case OP_CREATE_FILE:
	case OP_MODIFY:
		return new_mode == 0100644
			       ? NULL
			       : "an attestation is a regular file, mode "
				 "100644";
	default:
		return "an attestation is a regular file, mode 100644";
	}
}
