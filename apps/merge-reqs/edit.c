/* edit: a change to the data branch, built in memory (never checked out) */
#include "edit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int edit_git_error(struct err *err, const char *what)
{
	const git_error *e = git_error_last();

	return err_set(err, "%s: %s", what, e ? e->message : "unknown error");
}

void edit_init(struct edit *edit, git_repository *repo)
{
	memset(edit, 0, sizeof(*edit));
	edit->repo = repo;
}

void edit_dispose(struct edit *edit)
{
	size_t i;

	for (i = 0; i < edit->count; i++)
		free((char *)edit->updates[i].path);
	free(edit->updates);
	edit->updates = NULL;
	edit->count = edit->alloc = 0;
}

static git_tree_update *edit_add(struct edit *edit, const char *path,
				 struct err *err)
{
	git_tree_update *u;

	if (edit->count == edit->alloc) {
		size_t grow = edit->alloc ? edit->alloc * 2 : 8;
		git_tree_update *more =
			realloc(edit->updates, grow * sizeof(*more));

		if (more == NULL) {
			err_set(err, "out of memory");
			return NULL;
		}
		edit->updates = more;
		edit->alloc = grow;
	}
	u = &edit->updates[edit->count];
	memset(u, 0, sizeof(*u));
	if ((u->path = strdup(path)) == NULL) {
		err_set(err, "out of memory");
		return NULL;
	}
	edit->count++;
	return u;
}

int edit_put(struct edit *edit, const char *path, const void *data,
	     size_t len, git_filemode_t mode, struct err *err)
{
	git_tree_update *u;
	git_oid blob;

	if (git_blob_create_from_buffer(&blob, edit->repo, data, len) < 0)
		return edit_git_error(err, "cannot write a blob");
	if ((u = edit_add(edit, path, err)) == NULL)
		return -1;
	u->action = GIT_TREE_UPDATE_UPSERT;
	u->filemode = mode;
	git_oid_cpy(&u->id, &blob);
	return 0;
}

int edit_remove(struct edit *edit, const char *path, struct err *err)
{
	git_tree_update *u = edit_add(edit, path, err);

	if (u == NULL)
		return -1;
	u->action = GIT_TREE_UPDATE_REMOVE;
	return 0;
}

int edit_label_add(struct edit *edit, const struct store_id *id,
		   const char *label, struct err *err)
{
	char path[256], target[128];
	int len;

	snprintf(path, sizeof(path), "merge-reqs/%s/%lu/labels/%s", id->user,
		 id->n, label);
	len = snprintf(target, sizeof(target), "/labels/%s", label);
	if (edit_put(edit, path, target, (size_t)len, GIT_FILEMODE_LINK,
		     err) < 0)
		return -1;
	snprintf(path, sizeof(path), "labels/%s/%s/%lu", label, id->user,
		 id->n);
	len = snprintf(target, sizeof(target), "/merge-reqs/%s/%lu", id->user,
		       id->n);
	return edit_put(edit, path, target, (size_t)len, GIT_FILEMODE_LINK,
			err);
}

int edit_label_remove(struct edit *edit, struct store *store,
		      const struct store_id *id, const char *label,
		      struct err *err)
{
	char path[256];

	snprintf(path, sizeof(path), "merge-reqs/%s/%lu/labels/%s", id->user,
		 id->n, label);
	if (store_has_path(store, path) && edit_remove(edit, path, err) < 0)
		return -1;
	snprintf(path, sizeof(path), "labels/%s/%s/%lu", label, id->user,
		 id->n);
	if (store_has_path(store, path) && edit_remove(edit, path, err) < 0)
		return -1;
	return 0;
}

int edit_comment(struct edit *edit, struct store *store,
		 const struct store_id *id, const char *commenter,
		 const struct comment *c, unsigned long *k, struct err *err)
{
	struct buf text = BUF_INIT;
	char path[160];
	int status = -1;

	if (store_next_comment(store, id, commenter, k, err) < 0)
		goto done;
	if (comment_format(&text, c) < 0) {
		err_set(err, "out of memory");
		goto done;
	}
	snprintf(path, sizeof(path), "merge-reqs/%s/%lu/comments/%s/%lu",
		 id->user, id->n, commenter, *k);
	status = edit_put(edit, path, text.ptr, text.len, GIT_FILEMODE_BLOB,
			  err);
done:
	buf_dispose(&text);
	return status;
}

int edit_commit(struct edit *edit, const git_oid *parent,
		const git_signature *sig, const char *message, git_oid *out,
		struct err *err)
{
	git_commit *parent_commit = NULL;
	git_tree *base = NULL, *tree = NULL;
	git_treebuilder *empty = NULL;
	git_oid base_id, tree_id;
	int status = -1;

	if (parent != NULL) {
		if (git_commit_lookup(&parent_commit, edit->repo, parent) < 0 ||
		    git_commit_tree(&base, parent_commit) < 0) {
			/* the data branch's, or another app's ref's */
			edit_git_error(err, "cannot read the parent commit");
			goto done;
		}
	} else if (git_treebuilder_new(&empty, edit->repo, NULL) < 0 ||
		   git_treebuilder_write(&base_id, empty) < 0 ||
		   git_tree_lookup(&base, edit->repo, &base_id) < 0) {
		edit_git_error(err, "cannot write a tree");
		goto done;
	}
	if (git_tree_create_updated(&tree_id, edit->repo, base, edit->count,
				    edit->updates) < 0 ||
	    git_tree_lookup(&tree, edit->repo, &tree_id) < 0) {
		edit_git_error(err, "cannot write a tree");
		goto done;
	}
	if (git_commit_create_v(out, edit->repo, NULL, sig, sig, NULL, message,
				tree, parent_commit ? 1 : 0,
				parent_commit) < 0) {
		edit_git_error(err, "cannot write a commit");
		goto done;
	}
	status = 0;
done:
	git_treebuilder_free(empty);
	git_tree_free(tree);
	git_tree_free(base);
	git_commit_free(parent_commit);
	return status;
}
