/* keylookup: a user's key file and ban on a policy tree, found by path */
#include "keylookup.h"

#include <stdio.h>
#include <string.h>

#include "keyfile.h"

static int keylookup_git_error(struct err *err, const char *what)
{
	const git_error *e = git_error_last();

	return err_set(err, "%s: %s", what,
		       e && e->message ? e->message : "unknown error");
}

/*
 * Subtrees read while a caller holds the cache (keylookup_cache_begin()):
 * keys/ and keys/<aa>/ are read by path again and again while a push is
 * identified and its key files checked, and libgit2 caches no tree over
 * 4 KiB (keys/<aa>/ at 100,000 users is 18 KiB), nor any once the judge
 * turned its tree cache off.  Single-threaded by design: the hook
 * identifies and judges key files in its main thread.
 */
#define KEYLOOKUP_CACHE 8
static struct {
	unsigned depth;
	git_oid ids[KEYLOOKUP_CACHE];
	git_tree *trees[KEYLOOKUP_CACHE];
	unsigned next;
} keylookup_cache;

void keylookup_cache_begin(void)
{
	keylookup_cache.depth++;
}

void keylookup_cache_end(void)
{
	size_t i;

	if (keylookup_cache.depth == 0 || --keylookup_cache.depth > 0)
		return;
	for (i = 0; i < KEYLOOKUP_CACHE; i++) {
		git_tree_free(keylookup_cache.trees[i]);
		keylookup_cache.trees[i] = NULL;
	}
	keylookup_cache.next = 0;
}

/* The subtree id, owned by the cache when one is held, else by *owned. */
static int keylookup_subtree(const git_tree **out, git_tree **owned,
			     const git_tree *parent, const git_oid *id)
{
	size_t i;
	git_tree *tree;

	*owned = NULL;
	if (keylookup_cache.depth > 0)
		for (i = 0; i < KEYLOOKUP_CACHE; i++)
			if (keylookup_cache.trees[i] != NULL &&
			    git_oid_equal(&keylookup_cache.ids[i], id)) {
				*out = keylookup_cache.trees[i];
				return 0;
			}
	if (git_tree_lookup(&tree, git_tree_owner(parent), id) < 0)
		return -1;
	*out = tree;
	if (keylookup_cache.depth == 0) {
		*owned = tree;
		return 0;
	}
	i = keylookup_cache.next++ % KEYLOOKUP_CACHE;
	git_tree_free(keylookup_cache.trees[i]);
	keylookup_cache.trees[i] = tree;
	git_oid_cpy(&keylookup_cache.ids[i], id);
	return 0;
}

/*
 * The entry at path ("keys/AB/<ID>.asc", "banned/<ID>": directories then
 * a name), copied to *out.  1: found; 0: nothing there; -1: error.
 */
static int keylookup_entry(git_tree_entry **out, const git_tree *root,
			   const char *path, struct err *err)
{
	const git_tree *tree = root;
	git_tree *owned = NULL;
	const char *p = path;
	int rc = 0;

	*out = NULL;
	for (;;) {
		const char *slash = strchr(p, '/');
		char name[KEYPATH_SIZE];
		const git_tree_entry *e;
		const git_tree *next;
		git_tree *next_owned;

		snprintf(name, sizeof(name), "%.*s",
			 (int)(slash ? (size_t)(slash - p) : strlen(p)), p);
		if ((e = git_tree_entry_byname(tree, name)) == NULL)
			break;	/* rc 0: not found */
		if (slash == NULL) {
			rc = git_tree_entry_dup(out, e) < 0
				     ? keylookup_git_error(err, "out of memory")
				     : 1;
			break;
		}
		if (git_tree_entry_filemode(e) != GIT_FILEMODE_TREE)
			break;	/* a file where a directory belongs */
		if (keylookup_subtree(&next, &next_owned, tree,
				      git_tree_entry_id(e)) < 0) {
			rc = keylookup_git_error(err, "cannot read the policy");
			break;
		}
		git_tree_free(owned);
		owned = next_owned;
		tree = next;
		p = slash + 1;
	}
	git_tree_free(owned);
	return rc;
}

/* 1: a regular file at path, *blob set; 0: nothing there; -1: error. */
static int keylookup_blob_at(git_oid *blob, const git_tree *tree,
			     const char *path, struct err *err)
{
	git_tree_entry *entry = NULL;
	int rc = keylookup_entry(&entry, tree, path, err);

	if (rc <= 0)
		return rc;
	rc = git_tree_entry_filemode(entry) == GIT_FILEMODE_BLOB ? 1 : -1;
	if (rc == 1)
		git_oid_cpy(blob, git_tree_entry_id(entry));
	else
		err_set(err, "%s in " "refs/apps/access-control is not a "
			     "regular file", path);
	git_tree_entry_free(entry);
	return rc;
}

int keylookup_policy_tree(git_tree **out, git_repository *repo,
			  const git_oid *commit_id, struct err *err)
{
	git_commit *commit = NULL;
	int error = 0;

	if (git_commit_lookup(&commit, repo, commit_id) < 0 ||
	    git_commit_tree(out, commit) < 0)
		error = keylookup_git_error(err, "cannot read the policy");
	git_commit_free(commit);
	return error;
}

int keylookup_key_file(struct keylookup_file *out, const git_tree *tree,
		       const char *id, struct err *err)
{
	char fanout[KEYPATH_SIZE], flat[KEYPATH_SIZE];
	git_oid blob;
	int in_fanout, in_flat;

	if (!userid_is_valid(id, strlen(id)))
		return err_set(err, "invalid user id '%.40s'", id);
	keypath_fanout(fanout, id);
	keypath_flat(flat, id);
	if ((in_fanout = keylookup_blob_at(&out->blob, tree, fanout, err)) <
		    0 ||
	    (in_flat = keylookup_blob_at(&blob, tree, flat, err)) < 0)
		return -1;
	if (in_fanout && in_flat)
		return err_set(err, "%s and %s both exist in "
				    "refs/apps/access-control: an id has one "
				    "key file (ask an owner to remove %s)",
			       fanout, flat, flat);
	if (!in_fanout && !in_flat)
		return 0;
	if (in_flat)
		git_oid_cpy(&out->blob, &blob);
	memcpy(out->id, id, USERID_LEN + 1);
	memcpy(out->path, in_fanout ? fanout : flat, KEYPATH_SIZE);
	return 1;
}

int keylookup_is_banned(const git_tree *tree, const char *id,
			struct err *err)
{
	char path[KEYPATH_SIZE];
	git_tree_entry *entry = NULL;
	int rc;

	keypath_banned(path, id);
	rc = keylookup_entry(&entry, tree, path, err);
	git_tree_entry_free(entry);
	/* any entry there bans: its shape is checked when it is pushed */
	return rc;
}

int keylookup_read(struct buf *out, git_repository *repo, const git_oid *blob,
		   struct err *err)
{
	git_odb *odb = NULL;
	git_odb_object *obj = NULL;
	git_object_t type;
	size_t size;
	int error = -1;

	if (git_repository_odb(&odb, repo) < 0 ||
	    git_odb_read_header(&size, &type, odb, blob) < 0) {
		keylookup_git_error(err, "cannot read a key file");
		goto done;
	}
	if (type != GIT_OBJECT_BLOB || size > KEYFILE_MAX) {
		error = 0;	/* read as empty: no check passes it */
		goto done;
	}
	if (git_odb_read(&obj, odb, blob) < 0) {
		keylookup_git_error(err, "cannot read a key file");
		goto done;
	}
	if (buf_put(out, git_odb_object_data(obj), git_odb_object_size(obj)) <
	    0) {
		err_set(err, "out of memory");
		goto done;
	}
	error = 0;
done:
	git_odb_object_free(obj);
	git_odb_free(odb);
	return error;
}
