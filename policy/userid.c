/* userid: a user id is a v4 primary key's full fingerprint (SPEC 2) */
#include "userid.h"

static bool userid_is_upper_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
}

static bool userid_is_hex(char c)
{
	return userid_is_upper_hex(c) || (c >= 'a' && c <= 'f');
}

bool userid_is_valid(const char *text, size_t len)
{
	size_t i;

	if (len != USERID_LEN)
		return false;
	for (i = 0; i < len; i++)
		if (!userid_is_upper_hex(text[i]))
			return false;
	return true;
}

bool userid_is_valid_prefix(const char *text, size_t len)
{
	size_t i;

	if (len == 0 || len > USERID_LEN)
		return false;
	for (i = 0; i < len; i++)
		if (!userid_is_upper_hex(text[i]))
			return false;
	return true;
}

bool userid_looks_like(const char *text, size_t len)
{
	size_t i;

	if (len < 8)
		return false;
	for (i = 0; i < len; i++)
		if (!userid_is_hex(text[i]))
			return false;
	return true;
}
