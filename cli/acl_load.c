/* acl_load: the repository, its policy and owners, for check and explain */
#include "acl_load.h"

#include <stdio.h>
#include <string.h>

#include "../policy/userid.h"

int acl_load(struct acl_load *load, const struct cli_list *owners)
{
	struct err err = {""};
	size_t i;
	int rc;

	memset(load, 0, sizeof(*load));
	if (git_repository_open_ext(&load->repo, NULL,
				    GIT_REPOSITORY_OPEN_FROM_ENV, NULL) < 0)
		return cli_fatal("not a git repository");
	if (settings_read(&load->settings, load->repo, false, &err) < 0)
		return cli_fatal("%s", err.msg);
	for (i = 0; i < owners->count; i++) {
		if (!userid_is_valid(owners->items[i],
				     strlen(owners->items[i])) ||
		    i == SETTINGS_MAX_OWNERS)
			return cli_fatal("--owner '%s' is not a user id (40 "
					 "upper-case hex digits)",
					 owners->items[i]);
		load->owners[load->nowners++] = owners->items[i];
	}
	if (owners->count == 0)
		for (i = 0; i < load->settings.nowners; i++)
			load->owners[load->nowners++] =
				load->settings.owner_ptrs[i];
	if (load->nowners == 0)
		fprintf(stderr, "warning: no owners (gitapps.owner is not set "
				"here): give them with --owner <ID>\n");
	rc = acl_load_policy(&load->files, &load->policy, load->policy_error,
			     sizeof(load->policy_error), load->repo,
			     load->settings.match_limit, &err);
	if (rc == GIT_ENOTFOUND)
		return cli_fatal("no " POLICY_REF " here: fetch it with 'git "
				 "fetch <remote> " POLICY_REF ":" POLICY_REF
				 "'");
	if (rc < 0)
		return cli_fatal("%s", err.msg);
	return 0;
}

int acl_load_policy(struct policyref **files, struct policy **policy,
		    char *error, size_t size, git_repository *repo,
		    uint32_t match_limit, struct err *err)
{
	struct diag_list diags = DIAG_LIST_INIT;
	struct policy_options opts = {.match_limit = match_limit};
	git_oid commit;
	int rc;

	*files = NULL;
	*policy = NULL;
	error[0] = '\0';
	rc = policyref_resolve(&commit, repo, POLICY_REF, err);
	if (rc == 0 && policyref_read(files, repo, &commit, &diags, err) < 0)
		rc = -1;
	if (rc == 0 && policy_load(policy, (*files)->files, (*files)->count,
				   &opts, &diags, err) < 0)
		snprintf(error, size, "%s", err->msg);
	diag_list_dispose(&diags);
	return rc;
}

void acl_load_dispose(struct acl_load *load)
{
	policy_free(load->policy);
	policyref_free(load->files);
	git_repository_free(load->repo);
}
