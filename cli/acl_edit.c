/* acl_edit: a new commit of the policy from a few tree updates */
#include "acl_edit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../policy/policy.h"
#include "cli.h"

int acl_edit_git_error(const char *what)
{
	const git_error *e = git_error_last();

	return cli_fatal("%s: %s", what,
			 e && e->message ? e->message : "unknown error");
}

int acl_edit_open(struct acl_edit *edit, git_repository *repo)
{
	memset(edit, 0, sizeof(*edit));
	edit->repo = repo;
	if (git_reference_name_to_id(&edit->tip, repo, POLICY_REF) < 0)
		return cli_fatal("no local " POLICY_REF ": fetch it first with "
				 "'git fetch <remote> " POLICY_REF
				 ":" POLICY_REF "'");
	if (git_commit_lookup(&edit->parent, repo, &edit->tip) < 0 ||
	    git_commit_tree(&edit->root, edit->parent) < 0)
		return acl_edit_git_error("cannot read " POLICY_REF);
	return 0;
}

void acl_edit_dispose(struct acl_edit *edit)
{
	git_tree_free(edit->root);
	git_commit_free(edit->parent);
	memset(edit, 0, sizeof(*edit));
}

int acl_edit_read(char **out, size_t *len, const struct acl_edit *edit,
		  const char *path, size_t max)
{
	git_tree_entry *entry = NULL;
	git_blob *blob = NULL;
	int rc, status = CLI_EXIT_FATAL;
	size_t size;

	*out = NULL;
	*len = 0;
	rc = git_tree_entry_bypath(&entry, edit->root, path);
	if (rc == GIT_ENOTFOUND ||
	    (rc == 0 && git_tree_entry_filemode(entry) != GIT_FILEMODE_BLOB)) {
		status = 0;
		goto done;
	}
	if (rc < 0 || git_blob_lookup(&blob, edit->repo,
				      git_tree_entry_id(entry)) < 0) {
		acl_edit_git_error("cannot read " POLICY_REF);
		goto done;
	}
	size = (size_t)git_blob_rawsize(blob);
	if (size > max) {
		cli_fatal("%s in " POLICY_REF " is larger than %zu bytes",
			  path, max);
		goto done;
	}
	if ((*out = malloc(size + 1)) == NULL) {
		cli_fatal("out of memory");
		goto done;
	}
	memcpy(*out, git_blob_rawcontent(blob), size);
	(*out)[size] = '\0';
	*len = size;
	status = 0;
done:
	git_blob_free(blob);
	git_tree_entry_free(entry);
	return status;
}

int acl_edit_blob(git_oid *out, const struct acl_edit *edit, const void *data,
		  size_t len)
{
	if (git_blob_create_from_buffer(out, edit->repo, data, len) < 0)
		return acl_edit_git_error("cannot write the policy");
	return 0;
}

int acl_edit_commit(git_oid *out, bool *changed, const struct acl_edit *edit,
		    const git_tree_update *updates, size_t n,
		    const char *message, const char *ref, bool anonymous_ok)
{
	git_signature *sig = NULL;
	git_tree *tree = NULL;
	git_oid tree_id;
	char reflog[128];
	int status = CLI_EXIT_FATAL;

	/* the reflog gets the subject line */
	snprintf(reflog, sizeof(reflog), "git acl: %.*s",
		 (int)strcspn(message, "\n"), message);
	if (changed != NULL)
		*changed = false;
	if (git_tree_create_updated(&tree_id, edit->repo, edit->root, n,
				    updates) < 0 ||
	    git_tree_lookup(&tree, edit->repo, &tree_id) < 0) {
		acl_edit_git_error("cannot write the policy");
		goto done;
	}
	if (changed != NULL &&
	    git_oid_equal(&tree_id, git_tree_id(edit->root))) {
		status = 0;
		goto done;
	}
	if (git_signature_default(&sig, edit->repo) < 0 &&
	    (!anonymous_ok ||
	     git_signature_now(&sig, "git acl", "git-acl@localhost") < 0)) {
		acl_edit_git_error("cannot make a commit (set user.name and "
				   "user.email)");
		goto done;
	}
	if (git_commit_create_v(out, edit->repo, NULL, sig, sig, NULL, message,
				tree, 1, edit->parent) < 0) {
		acl_edit_git_error("cannot make a commit");
		goto done;
	}
	/* the policy ref only if it is still where we read it */
	if ((strcmp(ref, POLICY_REF) == 0
		     ? git_reference_create_matching(NULL, edit->repo, ref, out,
						     1, &edit->tip, reflog)
		     : git_reference_create(NULL, edit->repo, ref, out, 1,
					    reflog)) < 0) {
		acl_edit_git_error("cannot update ref");
		goto done;
	}
	if (changed != NULL)
		*changed = true;
	status = 0;
done:
	git_tree_free(tree);
	git_signature_free(sig);
	return status;
}
