/* keytree: the key files and bans of a policy tree, in both layouts */
#include "keytree.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int keytree_git_error(struct err *err, const char *what)
{
	const git_error *e = git_error_last();

	return err_set(err, "%s: %s", what,
		       e && e->message ? e->message : "unknown error");
}

void keytree_dispose(struct keytree *tree)
{
	free(tree->files);
	tree->files = NULL;
	tree->count = 0;
}

/* Append the entry when path (dir + name) is a key file of either layout. */
static int keytree_add(struct keytree *tree, size_t *alloc, const char *dir,
		       const git_tree_entry *entry, struct err *err)
{
	char path[KEYPATH_SIZE + 8], id[USERID_LEN + 1];
	const char *name = git_tree_entry_name(entry);
	struct keytree_file *file;
	enum keypath_kind kind;
	size_t len;
	int n;

	if (git_tree_entry_filemode(entry) != GIT_FILEMODE_BLOB)
		return 0;
	n = snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof(path))
		return 0;	/* too long for a key file's name */
	len = (size_t)n;
	kind = keypath_parse(path, len, id);
	if (kind != KEYPATH_FLAT && kind != KEYPATH_FANOUT)
		return 0;
	if (tree->count == *alloc) {
		size_t want = *alloc ? 2 * *alloc : 64;

		if (want > SIZE_MAX / sizeof(*file) ||
		    (file = realloc(tree->files, want * sizeof(*file))) ==
			    NULL)
			return err_set(err, "out of memory");
		tree->files = file;
		*alloc = want;
	}
	file = &tree->files[tree->count++];
	memcpy(file->id, id, sizeof(file->id));
	file->kind = kind;
	memcpy(file->path, path, len + 1);
	git_oid_cpy(&file->blob, git_tree_entry_id(entry));
	return 0;
}

static int keytree_cmp(const void *a, const void *b)
{
	const struct keytree_file *x = a, *y = b;
	int c = strcmp(x->id, y->id);

	if (c != 0)
		return c;
	/* flat first */
	return (x->kind == KEYPATH_FANOUT) - (y->kind == KEYPATH_FANOUT);
}

int keytree_list(struct keytree *out, git_repository *repo,
		 const git_tree *root, struct err *err)
{
	const git_tree_entry *entry;
	git_tree *keys = NULL, *sub = NULL;
	size_t i, j, n, alloc = 0;
	char dir[sizeof("keys/AB")];
	int error = -1;

	out->files = NULL;
	out->count = 0;
	entry = git_tree_entry_byname(root, "keys");
	if (entry == NULL || git_tree_entry_type(entry) != GIT_OBJECT_TREE)
		return 0;
	if (git_tree_lookup(&keys, repo, git_tree_entry_id(entry)) < 0) {
		keytree_git_error(err, "cannot read keys/ of the policy");
		goto done;
	}
	n = git_tree_entrycount(keys);
	for (i = 0; i < n; i++) {
		entry = git_tree_entry_byindex(keys, i);
		if (git_tree_entry_type(entry) != GIT_OBJECT_TREE) {
			if (keytree_add(out, &alloc, "keys", entry, err) < 0)
				goto done;
			continue;
		}
		/* only keys/<aa>/ can hold key files: skip the rest unread */
		if (strlen(git_tree_entry_name(entry)) != 2)
			continue;
		snprintf(dir, sizeof(dir), "keys/%s",
			 git_tree_entry_name(entry));
		if (git_tree_lookup(&sub, repo, git_tree_entry_id(entry)) < 0) {
			keytree_git_error(err, "cannot read keys/ of the "
					       "policy");
			goto done;
		}
		for (j = 0; j < git_tree_entrycount(sub); j++)
			if (keytree_add(out, &alloc, dir,
					git_tree_entry_byindex(sub, j),
					err) < 0)
				goto done;
		git_tree_free(sub);
		sub = NULL;
	}
	if (out->count > 1)
		qsort(out->files, out->count, sizeof(*out->files),
		      keytree_cmp);
	error = 0;
done:
	git_tree_free(sub);
	git_tree_free(keys);
	if (error < 0)
		keytree_dispose(out);
	return error;
}

/* 1 and the entry's id when path exists, 0 when not, -1 on error */
static int keytree_has(git_oid *id, const git_tree *root, const char *path,
		       struct err *err)
{
	git_tree_entry *entry = NULL;
	int rc = git_tree_entry_bypath(&entry, root, path);

	if (rc == GIT_ENOTFOUND)
		return 0;
	if (rc < 0)
		return keytree_git_error(err, "cannot read the policy");
	git_oid_cpy(id, git_tree_entry_id(entry));
	git_tree_entry_free(entry);
	return 1;
}

int keytree_lookup(struct keytree_lookup *out, const git_tree *root,
		   const char *id, struct err *err)
{
	char path[KEYPATH_SIZE];
	int rc;

	memset(out, 0, sizeof(*out));
	keypath_flat(path, id);
	if ((rc = keytree_has(&out->flat_blob, root, path, err)) < 0)
		return -1;
	out->flat = rc;
	keypath_fanout(path, id);
	if ((rc = keytree_has(&out->fanout_blob, root, path, err)) < 0)
		return -1;
	out->fanout = rc;
	keypath_banned(path, id);
	if ((rc = keytree_has(&out->banned_blob, root, path, err)) < 0)
		return -1;
	out->banned = rc;
	return 0;
}
