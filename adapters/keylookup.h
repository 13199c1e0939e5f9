/* keylookup: a user's key file and ban on a policy tree, found by path */
#ifndef ADAPTERS_KEYLOOKUP_H
#define ADAPTERS_KEYLOOKUP_H

#include <git2.h>
#include <stdbool.h>

#include "../common/buf.h"
#include "../common/err.h"
#include "../policy/keypath.h"

/* One key file of a policy tree. */
struct keylookup_file {
	char id[USERID_LEN + 1];	/* the id its path names */
	char path[KEYPATH_SIZE];	/* keys/<aa>/<ID>.asc or keys/<ID>.asc */
	git_oid blob;
};

/*
 * The root tree of a policy commit, where the lookups below start.
 * Returns 0, or -1 with err set.
 */
int keylookup_policy_tree(git_tree **out, git_repository *repo,
			  const git_oid *commit_id, struct err *err);

/*
 * Find id's key file in tree (a policy commit's root tree) by path, in
 * the fan-out layout first, then the flat one (SPEC 2): nothing is
 * listed, so the cost does not grow with the number of key files.
 * Returns 1 with *out filled, 0 when id has none, or -1 with err set when
 * the tree cannot be read or id has a key file in both layouts (a policy
 * error the hook never guesses about).  An entry there that is not a
 * regular file is an error as well.
 */
int keylookup_key_file(struct keylookup_file *out, const git_tree *tree,
		       const char *id, struct err *err);

/*
 * While held (calls nest), the subtrees read by path (keys/, keys/<aa>/,
 * banned/) are kept parsed, so that the many lookups of one push read
 * each once; the last end frees them.  Hold it only in one thread, and
 * only around work on one repository.
 */
void keylookup_cache_begin(void);
void keylookup_cache_end(void);

/* Whether tree holds banned/<id>.  Returns 1, 0, or -1 with err set. */
int keylookup_is_banned(const git_tree *tree, const char *id,
			struct err *err);

/*
 * Append the content of a key file's blob to out; a blob larger than
 * KEYFILE_MAX (adapters/keyfile.h) is not read and leaves out empty, which
 * no key-file check passes.  Returns 0, or -1 with err set.
 */
int keylookup_read(struct buf *out, git_repository *repo, const git_oid *blob,
		   struct err *err);

#endif
