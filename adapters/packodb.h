/* packodb: a faster reader of packed objects, in front of libgit2's own */
#ifndef ADAPTERS_PACKODB_H
#define ADAPTERS_PACKODB_H

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

/*
 * Reading without libgit2's copy.  libgit2 copies each object the backend
 * gives it into a buffer of its own and wraps it; a caller that reads
 * many objects (treediff: every tree of a push) can take them from the
 * cache instead.  These calls are for one thread at a time: libgit2 calls
 * the backend under its odb lock, these do not take it.
 */
struct packodb;
struct packodb_object;

/* The backend installed on odb, or NULL. */
struct packodb *packodb_of(git_odb *odb);

/*
 * The object id, held for the caller until packodb_object_release(): 0,
 * or GIT_ENOTFOUND / GIT_PASSTHROUGH when it is not this backend's to
 * give (read it through libgit2 then, which decides as it would alone).
 * A held object stays in memory and counts against the cache.
 */
int packodb_lookup(struct packodb_object **out, struct packodb *db,
		   const git_oid *id);
const void *packodb_object_data(const struct packodb_object *obj);
size_t packodb_object_size(const struct packodb_object *obj);
git_object_t packodb_object_type(const struct packodb_object *obj);
void packodb_object_release(struct packodb *db, struct packodb_object *obj);

/* The cache's size in bytes (96 MiB): tests make it small. */
void packodb_set_cache_max(struct packodb *db, size_t bytes);

/* Counts, for tests: objects this backend read, and passed on. */
struct packodb_stats {
	size_t packs;
	size_t read;
	size_t passed;
};

/* The stats of the backend installed on repo's odb; 0 if none is. */
int packodb_stats(struct packodb_stats *out, git_repository *repo);

#endif
