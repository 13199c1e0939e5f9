/* treename: does a tree entry's name mean .git on some file system? */
#include "treename.h"

#include <stdint.h>
#include <string.h>

/*
 * git's is_hfs_dotgit() and is_ntfs_dotgit() (path.c, utf8.c) are the
 * facts; libgit2 1.5 has no public call for them (SPEC 4).
 */

static unsigned char treename_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* The code points HFS+ ignores in names, as git's next_hfs_char() has. */
static bool treename_hfs_ignored(uint32_t c)
{
	return (c >= 0x200c && c <= 0x200f) || (c >= 0x202a && c <= 0x202e) ||
	       (c >= 0x206a && c <= 0x206f) || c == 0xfeff;
}

/*
 * The next code point of s[*i..len) that HFS+ does not ignore; 0 at the
 * end and on malformed UTF-8, which git treats alike, so that ".git"
 * followed by a bad byte is ".git" (HFS+ would percent-escape the byte;
 * git refuses anyway, and so do we).
 */
static uint32_t treename_hfs_next(const unsigned char *s, size_t len,
				  size_t *i)
{
	for (;;) {
		uint32_t c;
		size_t n, k;

		if (*i >= len)
			return 0;
		c = s[*i];
		if (c < 0x80)
			n = 1;
		else if ((c & 0xe0) == 0xc0)
			n = 2, c &= 0x1f;
		else if ((c & 0xf0) == 0xe0)
			n = 3, c &= 0x0f;
		else if ((c & 0xf8) == 0xf0)
			n = 4, c &= 0x07;
		else
			return 0;
		if (len - *i < n)
			return 0;
		for (k = 1; k < n; k++) {
			if ((s[*i + k] & 0xc0) != 0x80)
				return 0;
			c = c << 6 | (s[*i + k] & 0x3f);
		}
		/* overlong forms, surrogates, U+FFFE/F, beyond U+10FFFF */
		if ((n == 2 && c < 0x80) || (n == 3 && c < 0x800) ||
		    (n == 4 && (c < 0x10000 || c > 0x10ffff)) ||
		    (c >= 0xd800 && c <= 0xdfff) || c == 0xfffe || c == 0xffff)
			return 0;
		*i += n;
		if (!treename_hfs_ignored(c))
			return c;
	}
}

/* Whether HFS+ opens name as ".git" (git's is_hfs_dotgit). */
static bool treename_is_hfs_dotgit(const char *name, size_t len)
{
	const unsigned char *s = (const unsigned char *)name;
	const char *needle = "git";
	size_t i = 0;
	uint32_t c;

	if (treename_hfs_next(s, len, &i) != '.')
		return false;
	for (; *needle != '\0'; needle++) {
		c = treename_hfs_next(s, len, &i);
		if (c > 127 || treename_lower((unsigned char)c) != *needle)
			return false;
	}
	c = treename_hfs_next(s, len, &i);
	return c == 0 || c == '/';
}

/*
 * Whether NTFS opens name as ".git" (git's is_ntfs_dotgit): ".git" or its
 * short name "git~1", then only spaces and dots (NTFS trims them) up to
 * the end, a backslash (a separator there) or a colon (an alternate data
 * stream such as "::$INDEX_ALLOCATION").
 */
static bool treename_is_ntfs_dotgit(const char *name, size_t len)
{
	const unsigned char *s = (const unsigned char *)name;
	size_t i;

	if (len >= 4 && s[0] == '.' && treename_lower(s[1]) == 'g' &&
	    treename_lower(s[2]) == 'i' && treename_lower(s[3]) == 't')
		i = 4;
	else if (len >= 5 && treename_lower(s[0]) == 'g' &&
		 treename_lower(s[1]) == 'i' && treename_lower(s[2]) == 't' &&
		 s[3] == '~' && s[4] == '1')
		i = 5;
	else
		return false;
	for (; i < len; i++) {
		if (s[i] == '\\' || s[i] == '/' || s[i] == ':')
			return true;
		if (s[i] != '.' && s[i] != ' ')
			return false;
	}
	return true;
}

/*
 * Whether a checkout on some file system would write name into .git, as
 * git's fsck checks: HFS+ and NTFS folding of the whole name, and (for
 * NTFS, where a backslash separates) of whatever follows each backslash.
 */
bool treename_is_dotgit(const char *name, size_t len)
{
	const char *p = name, *end = name + len, *bs;

	if (treename_is_hfs_dotgit(name, len) ||
	    treename_is_ntfs_dotgit(name, len))
		return true;
	while ((bs = memchr(p, '\\', (size_t)(end - p))) != NULL) {
		p = bs + 1;
		if (treename_is_ntfs_dotgit(p, (size_t)(end - p)))
			return true;
	}
	return false;
}
