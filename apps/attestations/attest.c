/* attest: the files of refs/apps/attestations (SPEC 11): where one lives,
   who attested a commit, and a commit adding or deleting one */
#include "attest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../policy/attestpath.h"
#include "../merge-reqs/edit.h"

static int attest_git_error(struct err *err, const char *what)
{
	const git_error *e = git_error_last();

	return err_set(err, "%s: %s", what, e ? e->message : "unknown error");
}

bool attest_kind_valid(const char *kind)
{
	return kind != NULL && attestpath_kind_is_valid(kind, strlen(kind));
}

/* "<aa>/<bb>/<rest>" of commit, lower-case hex (git_oid_fmt's case). */
static void attest_dir(char out[GIT_OID_HEXSZ + 3], const git_oid *commit)
{
	char hex[GIT_OID_HEXSZ + 1];

	git_oid_tostr(hex, sizeof(hex), commit);
	snprintf(out, GIT_OID_HEXSZ + 3, "%.2s/%.2s/%s", hex, hex + 2,
		 hex + 4);
}

int attest_path(char out[ATTEST_PATH_SIZE], const git_oid *commit,
		const char *kind, const char *user, struct err *err)
{
	char hex[GIT_OID_HEXSZ + 1];

	out[0] = '\0';
	if (!attest_kind_valid(kind))
		return err_set(err, "'%.80s' is not an attestation kind",
			       kind ? kind : "");
	if (user == NULL || !userid_is_valid(user, strlen(user)))
		return err_set(err, "'%.80s' is not a user id",
			       user ? user : "");
	git_oid_tostr(hex, sizeof(hex), commit);
	/* the layout is the hook's (policy/attestpath.c): one definition */
	if (attestpath_format(out, hex, kind, user) < 0)
		return err_set(err, "no attestation path for %s", hex);
	return 0;
}

int attest_text_mr(struct buf *out, const char *author, unsigned long n,
		   unsigned long k, const git_oid *commit)
{
	char hex[GIT_OID_HEXSZ + 1];

	git_oid_tostr(hex, sizeof(hex), commit);
	return buf_printf(out,
			  "Merge-Request: %s/%lu\nRevision: %lu\nCommit: %s\n",
			  author, n, k, hex);
}

int attest_tree(git_tree **out, git_oid *tip, git_repository *repo,
		struct err *err)
{
	git_commit *commit = NULL;
	git_oid id;
	int rc;

	*out = NULL;
	rc = git_reference_name_to_id(&id, repo, ATTEST_REF);
	if (rc == GIT_ENOTFOUND)
		return 0;	/* nobody attested anything yet */
	if (rc < 0)
		return attest_git_error(err, "cannot read " ATTEST_REF);
	/* always a commit (SPEC 11): a tag there is not peeled */
	if (git_commit_lookup(&commit, repo, &id) < 0 ||
	    git_commit_tree(out, commit) < 0) {
		git_commit_free(commit);
		return attest_git_error(err, ATTEST_REF " is not a commit");
	}
	git_commit_free(commit);
	if (tip != NULL)
		git_oid_cpy(tip, &id);
	return 0;
}

/* Whether entry is a file the hook lets stand: a blob of mode 100644. */
static bool attest_entry_valid(const git_tree_entry *entry)
{
	const char *name = git_tree_entry_name(entry);

	return git_tree_entry_type(entry) == GIT_OBJECT_BLOB &&
	       git_tree_entry_filemode(entry) == GIT_FILEMODE_BLOB &&
	       userid_is_valid(name, strlen(name));
}

/* The subtree at path of root: *out NULL (and 0) when absent or no tree. */
static int attest_subtree(git_tree **out, git_repository *repo,
			  git_tree *root, const char *path, struct err *err)
{
	git_tree_entry *entry = NULL;
	int rc;

	*out = NULL;
	rc = git_tree_entry_bypath(&entry, root, path);
	if (rc == GIT_ENOTFOUND)
		return 0;
	if (rc < 0)
		return attest_git_error(err, "cannot read " ATTEST_REF);
	if (git_tree_entry_type(entry) == GIT_OBJECT_TREE &&
	    git_tree_lookup(out, repo, git_tree_entry_id(entry)) < 0) {
		git_tree_entry_free(entry);
		return attest_git_error(err, "cannot read " ATTEST_REF);
	}
	git_tree_entry_free(entry);
	return 0;
}

/* Append kind's valid files to *list. */
static int attest_list_kind(struct attest_entry **list, size_t *count,
			    size_t *alloc, git_tree *tree, const char *kind,
			    struct err *err)
{
	size_t i, n = git_tree_entrycount(tree);

	for (i = 0; i < n; i++) {
		const git_tree_entry *entry = git_tree_entry_byindex(tree, i);

		if (!attest_entry_valid(entry))
			continue;
		if (*count == *alloc) {
			size_t grow = *alloc ? *alloc * 2 : 8;
			struct attest_entry *more =
				realloc(*list, grow * sizeof(*more));

			if (more == NULL)
				return err_set(err, "out of memory");
			*list = more;
			*alloc = grow;
		}
		/* tree order is byte order: sorted within a kind */
		snprintf((*list)[*count].kind, sizeof((*list)[*count].kind),
			 "%s", kind);
		memcpy((*list)[*count].user, git_tree_entry_name(entry),
		       USERID_LEN + 1);
		(*count)++;
	}
	return 0;
}

int attest_list(struct attest_entry **out, size_t *count,
		git_repository *repo, git_tree *root, const git_oid *commit,
		struct err *err)
{
	struct attest_entry *list = NULL;
	git_tree *dir = NULL, *kind = NULL;
	char path[GIT_OID_HEXSZ + 3];
	size_t n = 0, alloc = 0, i;
	int error = -1;

	*out = NULL;
	*count = 0;
	if (root == NULL)
		return 0;
	attest_dir(path, commit);
	if (attest_subtree(&dir, repo, root, path, err) < 0)
		goto done;
	for (i = 0; dir != NULL && i < git_tree_entrycount(dir); i++) {
		const git_tree_entry *entry = git_tree_entry_byindex(dir, i);
		const char *name = git_tree_entry_name(entry);

		if (git_tree_entry_type(entry) != GIT_OBJECT_TREE ||
		    !attest_kind_valid(name))
			continue;
		if (git_tree_lookup(&kind, repo, git_tree_entry_id(entry)) < 0) {
			attest_git_error(err, "cannot read " ATTEST_REF);
			goto done;
		}
		if (attest_list_kind(&list, &n, &alloc, kind, name, err) < 0)
			goto done;
		git_tree_free(kind);
		kind = NULL;
	}
	*out = list;
	*count = n;
	list = NULL;		/* the caller's now */
	error = 0;
done:
	git_tree_free(kind);
	git_tree_free(dir);
	free(list);
	return error;
}

int attest_exists(git_tree *root, const git_oid *commit, const char *kind,
		  const char *user, struct err *err)
{
	git_tree_entry *entry = NULL;
	char path[ATTEST_PATH_SIZE];
	int rc;

	if (attest_path(path, commit, kind, user, err) < 0)
		return -1;
	if (root == NULL)
		return 0;
	rc = git_tree_entry_bypath(&entry, root, path);
	if (rc == GIT_ENOTFOUND)
		return 0;
	if (rc < 0)
		return attest_git_error(err, "cannot read " ATTEST_REF);
	rc = attest_entry_valid(entry);
	git_tree_entry_free(entry);
	return rc;
}

/* Whether anything at all is at path of parent's tree (1, 0, -1). */
static int attest_occupied(git_repository *repo, const git_oid *parent,
			   const char *path, struct err *err)
{
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	git_tree_entry *entry = NULL;
	int rc = -1;

	if (parent == NULL)
		return 0;
	if (git_commit_lookup(&commit, repo, parent) < 0 ||
	    git_commit_tree(&tree, commit) < 0) {
		attest_git_error(err, "cannot read " ATTEST_REF);
		goto done;
	}
	rc = git_tree_entry_bypath(&entry, tree, path);
	if (rc == GIT_ENOTFOUND)
		rc = 0;
	else if (rc < 0)
		rc = attest_git_error(err, "cannot read " ATTEST_REF);
	else
		rc = 1;
done:
	git_tree_entry_free(entry);
	git_tree_free(tree);
	git_commit_free(commit);
	return rc;
}

int attest_commit(git_oid *out, git_repository *repo, const git_oid *parent,
		  const struct attest_change *change, const git_signature *sig,
		  const char *message, struct err *err)
{
	struct edit edit;
	char path[ATTEST_PATH_SIZE];
	int rc;

	if (attest_path(path, &change->commit, change->kind, change->user,
			err) < 0)
		return -1;
	if ((rc = attest_occupied(repo, parent, path, err)) < 0)
		return -1;
	/* a change that changes nothing would be an empty commit */
	if (change->text != NULL && rc == 1)
		return GIT_EEXISTS;
	if (change->text == NULL && rc == 0)
		return GIT_ENOTFOUND;
	edit_init(&edit, repo);
	rc = -1;
	if ((change->text != NULL
		     ? edit_put(&edit, path, change->text, change->len,
				GIT_FILEMODE_BLOB, err)
		     : edit_remove(&edit, path, err)) == 0 &&
	    edit_commit(&edit, parent, sig, message, out, err) == 0)
		rc = 0;
	edit_dispose(&edit);
	return rc;
}
