/* fsckpins: the fsck checks a server pins to "error" (SPEC 5, git-acl(1)) */
#ifndef COMMON_FSCKPINS_H
#define COMMON_FSCKPINS_H

#include <stddef.h>

/*
 * The fsck message ids that `git acl init` and `git acl upgrade` set to
 * "error" in the repository's own config, as receive.fsck.<id>, beside
 * receive.fsckObjects = true, and that the hook can require: with them
 * git itself refuses a pushed tree that names ".git", ".", ".." or "", a
 * path with a '/', a tree listed twice or out of order, a tree that does
 * not parse, and file modes git would not write.  Most of these are only
 * warnings in git 2.39, which would let such a tree in.
 */
extern const char *const fsckpins_messages[];
extern const size_t fsckpins_count;

/* The value each of them is pinned to. */
#define FSCKPINS_LEVEL "error"

#endif
