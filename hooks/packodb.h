/* packodb: a faster reader of packed objects, in front of libgit2's own */
#ifndef HOOKS_PACKODB_H
#define HOOKS_PACKODB_H

#include <git2.h>
#include <stddef.h>

#include "../common/err.h"

/*
 * libgit2 1.5 reads each packed object with a zlib stream of its own
 * (allocated, initialised and freed again) and keeps only a small cache
 * of delta bases: three quarters of the hook's time on a large push,
 * where git itself reuses one stream and caches 96 MiB of bases.  This
 * backend answers libgit2's reads of packed objects first, with one
 * stream and such a cache (docs/performance.md).
 *
 * It only ever adds speed: every object it cannot find or read (loose
 * objects, a pack it does not understand, a base in no pack it knows, an
 * object over its size limit, memory running out) is passed on to
 * libgit2's own backends, which then decide as before, errors included.
 * The packs it reads are those of the directories libgit2 reads for a
 * repository opened from the environment: $GIT_OBJECT_DIRECTORY (the
 * quarantine during pre-receive) or the repository's objects directory,
 * $GIT_ALTERNATE_OBJECT_DIRECTORIES, and their info/alternates.
 */

/* Put the backend in front of repo's object database, once. */
int packodb_install(git_repository *repo, struct err *err);

/* Counts, for tests: objects this backend read, and passed on. */
struct packodb_stats {
	size_t packs;
	size_t read;
	size_t passed;
};

/* The stats of the backend installed on repo's odb; 0 if none is. */
int packodb_stats(struct packodb_stats *out, git_repository *repo);

#endif
