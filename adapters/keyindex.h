/* keyindex: which key files a signing subkey or a 64-bit key id belongs to */
#ifndef ADAPTERS_KEYINDEX_H
#define ADAPTERS_KEYINDEX_H

#include <git2.h>
#include <stdbool.h>
#include <stddef.h>

#include "../common/err.h"
#include "../policy/keypath.h"

/*
 * SPEC 2: the hook never lists keys/.  A signature names its key by the
 * issuer fingerprint F; the file named by F is found by path, but a file
 * in which F is a back-signed signing subkey, or any file for a signature
 * that names only a 64-bit key id, needs this index: fingerprints of
 * back-signed signing subkeys and key ids of primaries and of those
 * subkeys -> key file paths.
 *
 * It is sharded so that the work after a registration does not grow with
 * the number of users: one shard per keys/<aa>/ directory, cached under
 * <dir>/keyindex/<that tree's id>/ (so a registration makes one shard
 * anew, of the few hundred files beside it), and one for the older flat
 * keys/<ID>.asc files.  A shard is made from the one it replaces, reusing
 * what was parsed per blob id, so a moved file is not parsed again.  Each
 * slot (keys/<aa>/, or the flat files) keeps its current and previous
 * shard; the keyring cache of a blob that left keys/
 * (<dir>/keyrings/<blob id>) is removed with the shard that held it.
 * Every shard is built in a mkdtemp sibling and published by rename.
 * A lookup binary-searches each shard's fixed-width records.
 */

/* More key files to parse than this: the hook asks for `git acl upgrade`. */
#define KEYINDEX_HOOK_MAX_CHANGES 10000u

struct keyindex;

struct keyindex_options {
	/* the most key files to parse; 0: no limit (init, upgrade) */
	size_t max_changes;
};

/*
 * Open the index of keys_tree (the id of a policy's keys/ tree; NULL
 * when the policy has none) under dir ($GIT_DIR/gitapps), building the
 * shards it lacks first.  Returns 0, or -1 with err set (also when more
 * than opts->max_changes key files would have to be parsed).
 */
int keyindex_open(struct keyindex **out, git_repository *repo,
		  const char *dir, const git_oid *keys_tree,
		  const struct keyindex_options *opts, struct err *err);

void keyindex_free(struct keyindex *index);

/* How many shards keyindex_open() made (0: all were there already). */
size_t keyindex_shards_built(const struct keyindex *index);

/*
 * The key files holding key (40 upper-case hex: a back-signed signing
 * subkey's fingerprint; or 16: a primary's or such a subkey's key id), in
 * path order, at most max of them into paths; *n is how many there are in
 * all (may exceed max).
 */
void keyindex_lookup(const struct keyindex *index, const char *key,
		     char (*paths)[KEYPATH_SIZE], size_t max, size_t *n);

#endif
