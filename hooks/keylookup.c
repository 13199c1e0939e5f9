/* keylookup: a user's key file and ban on a policy tree, found by path */
#include "keylookup.h"

#include <string.h>

#include "keyfile.h"

static int keylookup_git_error(struct err *err, const char *what)
{
	const git_error *e = git_error_last();

	return err_set(err, "%s: %s", what,
		       e && e->message ? e->message : "unknown error");
}

/* 1: a regular file at path, *blob set; 0: nothing there; -1: error. */
static int keylookup_blob_at(git_oid *blob, const git_tree *tree,
			     const char *path, struct err *err)
{
	git_tree_entry *entry = NULL;
	int rc = git_tree_entry_bypath(&entry, tree, path);

	if (rc == GIT_ENOTFOUND)
		return 0;
	if (rc < 0)
		return keylookup_git_error(err, "cannot read the policy");
	rc = git_tree_entry_filemode(entry) == GIT_FILEMODE_BLOB ? 1 : -1;
	if (rc == 1)
		git_oid_cpy(blob, git_tree_entry_id(entry));
	else
		err_set(err, "%s in " "refs/apps/access-control is not a "
			     "regular file", path);
	git_tree_entry_free(entry);
	return rc;
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
	rc = git_tree_entry_bypath(&entry, tree, path);
	git_tree_entry_free(entry);
	if (rc == GIT_ENOTFOUND)
		return 0;
	if (rc < 0)
		return keylookup_git_error(err, "cannot read the policy");
	/* any entry there bans: its shape is checked when it is pushed */
	return 1;
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
