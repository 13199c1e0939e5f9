/* acl_load: the repository, its policy and owners, for check and explain */
#ifndef CLI_ACL_LOAD_H
#define CLI_ACL_LOAD_H

#include <git2.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../adapters/policyref.h"
#include "../hooks/settings.h"
#include "../policy/policy.h"
#include "cli.h"

struct acl_load {
	git_repository *repo;
	struct settings settings;
	const char *owners[SETTINGS_MAX_OWNERS];
	size_t nowners;
	struct policyref *files;
	struct policy *policy;		/* NULL when it does not load */
	char policy_error[512];		/* then: its first error */
};

/*
 * Open the repository git would (GIT_DIR, discovery), read its settings
 * and load refs/apps/access-control as the hook would.  owners from
 * --owner replace gitapps.owner when given.  Returns 0, or an exit code
 * after printing a fatal error.
 */
int acl_load(struct acl_load *load, const struct cli_list *owners);

/*
 * Load refs/apps/access-control of repo as the hook would (the files
 * with policyref_read(), then policy_load()).  Returns 0 with *files
 * set, and *policy set when it loads, else its first error
 * (file:line: message) in error; GIT_ENOTFOUND when there is no policy
 * ref; -1 with err set when the repository cannot be read.  The caller
 * frees both with policyref_free() and policy_free().
 */
int acl_load_policy(struct policyref **files, struct policy **policy,
		    char *error, size_t size, git_repository *repo,
		    uint32_t match_limit, struct err *err);

void acl_load_dispose(struct acl_load *load);

#endif
