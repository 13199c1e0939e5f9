/* treename: does a tree entry's name mean .git on some file system? */
#ifndef ADAPTERS_TREENAME_H
#define ADAPTERS_TREENAME_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Whether a checkout of an entry called name (len raw bytes) would write
 * into .git: ".git" under case folding, under HFS+ (which ignores some
 * invisible code points) and under NTFS (trailing dots and spaces, the
 * 8.3 name GIT~1, alternate data streams), also as the part after any
 * backslash.  Such an entry would let a push plant hooks or config.
 */
bool treename_is_dotgit(const char *name, size_t len);

#endif
