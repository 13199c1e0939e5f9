/* acl_load: the repository, its policy and owners, for check and explain */
#include "acl_load.h"

#include <stdio.h>
#include <string.h>

#include "../policy/userid.h"

int acl_load(struct acl_load *load, const struct cli_list *owners)
{
	struct diag_list diags = DIAG_LIST_INIT;
	struct policy_options opts = {0};
	struct err err = {""};
	git_oid commit;
	size_t i;
	int rc, status = CLI_EXIT_FATAL;

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
	rc = policyref_resolve(&commit, load->repo, POLICY_REF, &err);
	if (rc == GIT_ENOTFOUND)
		return cli_fatal("no " POLICY_REF " here: fetch it with 'git "
				 "fetch <remote> " POLICY_REF ":" POLICY_REF
				 "'");
	if (rc < 0 ||
	    policyref_read(&load->files, load->repo, &commit, &diags, &err) < 0) {
		cli_fatal("%s", err.msg);
		goto done;
	}
	opts.match_limit = load->settings.match_limit;
	if (policy_load(&load->policy, load->files->files, load->files->count,
			&opts, &diags, &err) < 0)
		snprintf(load->policy_error, sizeof(load->policy_error), "%s",
			 err.msg);
	status = 0;
done:
	diag_list_dispose(&diags);
	return status;
}

void acl_load_dispose(struct acl_load *load)
{
	policy_free(load->policy);
	policyref_free(load->files);
	git_repository_free(load->repo);
}
