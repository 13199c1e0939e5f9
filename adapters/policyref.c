/* policyref: the policy files of a commit, read from the object store */
#include "policyref.h"

#include <stdlib.h>
#include <string.h>

#include "../common/buf.h"
#include "../common/quote.h"
#include "../policy/userid.h"
#include "keyfile.h"

static const char *const policyref_dirs[] = {"refs", "branches", "groups",
					     "keys", "banned"};

void policyref_free(struct policyref *policy)
{
	size_t i;

	if (policy == NULL)
		return;
	for (i = 0; i < policy->count; i++) {
		free(policy->paths[i]);
		git_blob_free(policy->blobs[i]);
	}
	free(policy->paths);
	free(policy->ids);
	free(policy->blobs);
	free(policy->files);
	free(policy);
}

static int policyref_git_error(struct err *err, const char *what)
{
	const git_error *e = git_error_last();

	return err_set(err, "%s: %s", what, e && e->message ? e->message
							 : "unknown error");
}

static bool policyref_is_dir(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(policyref_dirs) / sizeof(policyref_dirs[0]);
	     i++)
		if (strcmp(name, policyref_dirs[i]) == 0)
			return true;
	return false;
}

static const char *policyref_mode_name(git_filemode_t mode)
{
	switch (mode) {
	case GIT_FILEMODE_TREE: return "a directory";
	case GIT_FILEMODE_BLOB_EXECUTABLE: return "an executable file";
	case GIT_FILEMODE_LINK: return "a symlink";
	case GIT_FILEMODE_COMMIT: return "a gitlink";
	default: return "an unknown entry type";
	}
}

/*
 * Append one file with its blob id; blob (kept) is NULL for a file too
 * large to read, which is listed with its size and empty data.
 */
static int policyref_add(struct policyref *policy, const char *dir,
			 const char *name, const git_oid *id, git_blob *blob,
			 size_t size)
{
	size_t n = policy->count + 1;
	struct policy_file *files;
	char **paths;
	git_oid *ids;
	git_blob **blobs;
	struct buf path = BUF_INIT;

	if ((files = realloc(policy->files, n * sizeof(*files))) == NULL)
		return -1;
	policy->files = files;
	if ((paths = realloc(policy->paths, n * sizeof(*paths))) == NULL)
		return -1;
	policy->paths = paths;
	if ((ids = realloc(policy->ids, n * sizeof(*ids))) == NULL)
		return -1;
	policy->ids = ids;
	if ((blobs = realloc(policy->blobs, n * sizeof(*blobs))) == NULL)
		return -1;
	policy->blobs = blobs;
	if (buf_printf(&path, "%s/%s", dir, name) < 0)
		return -1;
	paths[policy->count] = buf_detach(&path);
	if (paths[policy->count] == NULL)
		return -1;
	git_oid_cpy(&ids[policy->count], id);
	blobs[policy->count] = blob;
	files[policy->count].path = paths[policy->count];
	files[policy->count].data =
		blob ? (const char *)git_blob_rawcontent(blob) : "";
	files[policy->count].len = size;
	policy->count = n;
	return 0;
}

static int policyref_diag(struct diag_list *diags, const char *dir,
			  const char *name, const char *fmt, const char *arg)
{
	struct buf path = BUF_INIT;
	int error;

	if ((dir != NULL && buf_printf(&path, "%s/", dir) < 0) ||
	    quote_path(&path, name, strlen(name)) < 0) {
		buf_dispose(&path);
		return -1;
	}
	error = diag_add(diags, DIAG_ERROR, buf_cstr(&path), 0, fmt, arg);
	buf_dispose(&path);
	return error;
}

/* "AB": two upper-case hex digits, a directory of the fan-out layout */
static bool policyref_is_fanout_name(const char *name)
{
	return strlen(name) == 2 && userid_is_valid_prefix(name, 2);
}

static int policyref_read_dir(struct policyref *policy, git_repository *repo,
			      const char *dir, const git_tree *tree,
			      struct diag_list *diags, struct err *err);

static int policyref_read_fanout(struct policyref *policy,
				 git_repository *repo, const char *dir,
				 const char *name, const git_oid *id,
				 struct diag_list *diags, struct err *err)
{
	git_tree *sub = NULL;
	struct buf path = BUF_INIT;
	int error = -1;

	if (buf_printf(&path, "%s/%s", dir, name) < 0) {
		err_set(err, "out of memory");
		goto done;
	}
	if (git_tree_lookup(&sub, repo, id) < 0) {
		policyref_git_error(err, "cannot read policy");
		goto done;
	}
	error = policyref_read_dir(policy, repo, buf_cstr(&path), sub, diags,
				   err);
done:
	git_tree_free(sub);
	buf_dispose(&path);
	return error;
}

static int policyref_read_dir(struct policyref *policy, git_repository *repo,
			      const char *dir, const git_tree *tree,
			      struct diag_list *diags, struct err *err)
{
	size_t i, n = git_tree_entrycount(tree);
	bool fanout = strncmp(dir, "keys/", 5) == 0;
	bool keys = fanout || strcmp(dir, "keys") == 0;
	git_odb *odb = NULL;
	int error = -1;

	if (n > POLICYREF_ENTRIES_MAX) {
		if (policyref_diag(diags, NULL, dir, "more than %s entries",
				   "10000") < 0)
			goto oom;
		error = 0;
		goto done;
	}
	if (git_repository_odb(&odb, repo) < 0) {
		policyref_git_error(err, "cannot read policy");
		goto done;
	}
	for (i = 0; i < n; i++) {
		const git_tree_entry *entry = git_tree_entry_byindex(tree, i);
		const git_oid *id = git_tree_entry_id(entry);
		const char *name = git_tree_entry_name(entry);
		git_filemode_t mode = git_tree_entry_filemode(entry);
		git_blob *blob = NULL;
		git_object_t type;
		size_t size;

		/* keys/<aa>/: the fan-out layout (SPEC 2), one level only */
		if (keys && !fanout && mode == GIT_FILEMODE_TREE &&
		    policyref_is_fanout_name(name)) {
			if (policyref_read_fanout(policy, repo, dir, name, id,
						  diags, err) < 0)
				goto done;
			continue;
		}
		if (mode != GIT_FILEMODE_BLOB) {
			if (policyref_diag(diags, dir, name,
					   "must be a regular file, not %s",
					   policyref_mode_name(mode)) < 0)
				goto oom;
			continue;
		}
		/* the size first: a pushed blob may be huge (review H1) */
		if (git_odb_read_header(&size, &type, odb, id) < 0 ||
		    type != GIT_OBJECT_BLOB) {
			policyref_git_error(err, "cannot read policy");
			goto done;
		}
		if (!keys && size > POLICYREF_FILE_MAX) {
			if (policyref_diag(diags, dir, name,
					   "larger than %s bytes",
					   "1048576") < 0)
				goto oom;
			continue;
		}
		if ((!keys || size <= KEYFILE_MAX) &&
		    git_blob_lookup(&blob, repo, id) < 0) {
			policyref_git_error(err, "cannot read policy");
			goto done;
		}
		if (policyref_add(policy, dir, name, id, blob, size) < 0) {
			git_blob_free(blob);
			goto oom;
		}
	}
	error = 0;
	goto done;
oom:
	err_set(err, "out of memory");
done:
	git_odb_free(odb);
	return error;
}

static int policyref_read_some(struct policyref **out, git_repository *repo,
			       const git_oid *commit_id, bool with_keys,
			       struct diag_list *diags, struct err *err)
{
	struct policyref *policy = NULL;
	git_commit *commit = NULL;
	git_tree *tree = NULL, *sub = NULL;
	size_t i, n;
	int error = -1;

	*out = NULL;
	if ((policy = calloc(1, sizeof(*policy))) == NULL) {
		err_set(err, "out of memory");
		goto done;
	}
	git_oid_cpy(&policy->commit, commit_id);
	if (git_commit_lookup(&commit, repo, commit_id) < 0 ||
	    git_commit_tree(&tree, commit) < 0) {
		policyref_git_error(err, "cannot read policy commit");
		goto done;
	}
	n = git_tree_entrycount(tree);
	for (i = 0; i < n; i++) {
		const git_tree_entry *entry = git_tree_entry_byindex(tree, i);
		const char *name = git_tree_entry_name(entry);
		git_filemode_t mode = git_tree_entry_filemode(entry);

		if (!policyref_is_dir(name)) {
			/* a README and the like: allowed, never read */
			if (mode != GIT_FILEMODE_BLOB &&
			    policyref_diag(diags, NULL, name,
					   "must be a regular file, not %s",
					   policyref_mode_name(mode)) < 0)
				goto oom;
			continue;
		}
		if (mode != GIT_FILEMODE_TREE) {
			if (policyref_diag(diags, NULL, name,
					   "must be a directory, not %s",
					   mode == GIT_FILEMODE_BLOB
						   ? "a file"
						   : policyref_mode_name(mode)) <
			    0)
				goto oom;
			continue;
		}
		/* the hook never lists these (SPEC 2: cost flat in users) */
		if (!with_keys && (strcmp(name, "keys") == 0 ||
				   strcmp(name, "banned") == 0))
			continue;
		if (git_tree_lookup(&sub, repo, git_tree_entry_id(entry)) < 0) {
			policyref_git_error(err, "cannot read policy");
			goto done;
		}
		if (policyref_read_dir(policy, repo, name, sub, diags, err) <
		    0)
			goto done;
		git_tree_free(sub);
		sub = NULL;
	}
	*out = policy;
	policy = NULL;
	error = 0;
	goto done;
oom:
	err_set(err, "out of memory");
done:
	git_tree_free(sub);
	git_tree_free(tree);
	git_commit_free(commit);
	policyref_free(policy);
	return error;
}

int policyref_read(struct policyref **out, git_repository *repo,
		   const git_oid *commit_id, struct diag_list *diags,
		   struct err *err)
{
	return policyref_read_some(out, repo, commit_id, true, diags, err);
}

int policyref_read_rules(struct policyref **out, git_repository *repo,
			 const git_oid *commit_id, struct diag_list *diags,
			 struct err *err)
{
	return policyref_read_some(out, repo, commit_id, false, diags, err);
}

int policyref_resolve(git_oid *out, git_repository *repo, const char *spec,
		      struct err *err)
{
	git_object *obj = NULL, *peeled = NULL;
	int error;

	error = git_revparse_single(&obj, repo, spec);
	if (error == GIT_ENOTFOUND) {
		err_set(err, "'%s' not found", spec);
		goto done;
	}
	if (error < 0) {
		policyref_git_error(err, spec);
		goto done;
	}
	if ((error = git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT)) < 0) {
		err_set(err, "'%s' is not a commit", spec);
		error = -1;
		goto done;
	}
	git_oid_cpy(out, git_object_id(peeled));
	error = 0;
done:
	git_object_free(peeled);
	git_object_free(obj);
	return error;
}
