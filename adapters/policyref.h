/* policyref: the policy files of a commit, read from the object store */
#ifndef ADAPTERS_POLICYREF_H
#define ADAPTERS_POLICYREF_H

#include <git2.h>
#include <stddef.h>

#include "../common/err.h"
#include "../policy/diag.h"
#include "../policy/policy.h"

/* A rule or group file larger than this is a policy error. */
#define POLICYREF_FILE_MAX (1024u * 1024u)
/* More entries than this in one directory is a policy error. */
#define POLICYREF_ENTRIES_MAX 10000u

/* The files of one policy commit, ready for policy_load(). */
struct policyref {
	git_oid commit;			/* the commit they were read from */
	struct policy_file *files;	/* refs/, branches/, groups/, keys/ */
	size_t count;
	char **paths;			/* what files[i].path points to */
	git_oid *ids;			/* the blob id of files[i] */
	git_blob **blobs;		/* what files[i].data points into; NULL
					   for a key file too large to read */
};

/*
 * Read every file of the policy at commit_id straight from the object
 * database, never from a checkout.  The layout rules of SPEC 5 are checked
 * here, where entry types are known: at the top only the directories refs/,
 * branches/, groups/, keys/, banned/ and regular files (skipped, never
 * read); inside them only regular files (mode 100644) of at most
 * POLICYREF_FILE_MAX bytes, but for keys/<aa>/ directories (the fan-out
 * layout of SPEC 2), read one level deep as keys/<aa>/<name>.
 * Breaking them is a policy error appended to diags, and the file is left
 * out.  Sizes are read from object headers before any content, so a huge
 * blob costs nothing: a key file over KEYFILE_MAX (adapters/keyfile.h) is
 * listed with its size and no data ("" of that length is never read: its
 * check fails on the size first).
 *
 * Returns 0 and a policyref the caller frees with policyref_free(), or -1
 * with err set when the repository cannot be read (a missing object is an
 * error, never an empty policy).
 */
int policyref_read(struct policyref **out, git_repository *repo,
		   const git_oid *commit_id, struct diag_list *diags,
		   struct err *err);

/*
 * The same without keys/ and banned/, which it checks only for being
 * directories and never lists: what the hook loads rules from, so that
 * its cost does not grow with the number of registered users (SPEC 2).
 * Key files and bans are then looked up by path (adapters/keylookup.h).
 */
int policyref_read_rules(struct policyref **out, git_repository *repo,
			 const git_oid *commit_id, struct diag_list *diags,
			 struct err *err);

/*
 * Resolve spec (a ref name or any commit-ish) to a commit.  Returns 0,
 * GIT_ENOTFOUND when spec names nothing, or -1 with err set.
 */
int policyref_resolve(git_oid *out, git_repository *repo, const char *spec,
		      struct err *err);

void policyref_free(struct policyref *policy);

#endif
