/* mr_roles: who the current policy makes a CI bot (SPEC 7, 8) */
#include <string.h>

#include "mr.h"

void mr_roles_load(struct mr_ctx *ctx, struct mr_roles *roles)
{
	struct diag_list diags = DIAG_LIST_INIT;
	struct err err = {{0}};

	memset(roles, 0, sizeof(*roles));
	if (!ctx->has_policy)
		return;
	if (policyref_read(&roles->files, ctx->repo, &ctx->policy, &diags,
			   &err) < 0 ||
	    policy_load(&roles->policy, roles->files->files,
			roles->files->count, NULL, &diags, &err) < 0 ||
	    diags.errors > 0) {
		buf_printf(&ctx->warnings,
			   "%s does not load, so no comment counts as a CI "
			   "result\n",
			   POLICY_REF);
		policy_free(roles->policy);
		roles->policy = NULL;
	}
	diag_list_dispose(&diags);
}

void mr_roles_free(struct mr_roles *roles)
{
	policy_free(roles->policy);
	if (roles->files)
		policyref_free(roles->files);
	memset(roles, 0, sizeof(*roles));
}

bool mr_roles_is_ci(struct mr_roles *roles, const struct request_comment *rc)
{
	return roles->policy && rc->well_formed && rc->c.result &&
	       policy_in_group(roles->policy, rc->user, false, "ci");
}
