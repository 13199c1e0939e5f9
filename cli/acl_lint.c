/* acl_lint: `git acl lint [<commit-ish>]`: every problem of a policy */
#include <git2.h>
#include <stdio.h>

#include "../common/buf.h"
#include "../hooks/policyref.h"
#include "../policy/policy.h"
#include "acl.h"
#include "cli.h"

static const struct cli_command lint_command = {
	"git acl lint [<commit-ish>]",
	"Load the policy at <commit-ish> (default: refs/apps/access-control)\n"
	"and print every error and warning as 'file:line: message'.\n"
	"Exit 1 when there is an error, else 0.",
	NULL,
	0,
};

static int lint_print(const struct diag_list *diags)
{
	struct buf line = BUF_INIT;
	size_t i;

	for (i = 0; i < diags->count; i++) {
		buf_clear(&line);
		if (diag_format(&line, &diags->items[i]) < 0 ||
		    buf_putc(&line, '\n') < 0) {
			buf_dispose(&line);
			return -1;
		}
		fputs(buf_cstr(&line), stdout);
	}
	buf_dispose(&line);
	return fflush(stdout) == 0 ? 0 : -1;
}

int cmd_acl_lint(int argc, char **argv)
{
	struct diag_list diags = DIAG_LIST_INIT;
	struct policyref *files = NULL;
	struct policy *policy = NULL;
	git_repository *repo = NULL;
	const char *spec = POLICY_REF;
	struct err err = {""};
	git_oid commit;
	int nargs, status;

	if ((status = cli_parse(&lint_command, argc, argv, &nargs)) >= 0)
		return status;
	if (nargs > 1) {
		cli_usage(stderr, &lint_command);
		return CLI_EXIT_USAGE;
	}
	if (nargs == 1)
		spec = argv[0];
	status = CLI_EXIT_FATAL;
	if (git_repository_open_ext(&repo, NULL, GIT_REPOSITORY_OPEN_FROM_ENV,
				    NULL) < 0) {
		cli_fatal("not a git repository");
		goto done;
	}
	if (policyref_resolve(&commit, repo, spec, &err) != 0 ||
	    policyref_read(&files, repo, &commit, &diags, &err) < 0) {
		cli_fatal("%s", err.msg);
		goto done;
	}
	/* errors land in diags; the return only says whether it loaded */
	policy_load(&policy, files->files, files->count, NULL, &diags, &err);
	if (lint_print(&diags) < 0) {
		cli_fatal("cannot write output");
		goto done;
	}
	status = diags.errors > 0 ? CLI_EXIT_FAILED : CLI_EXIT_OK;
done:
	policy_free(policy);
	policyref_free(files);
	diag_list_dispose(&diags);
	git_repository_free(repo);
	return status;
}
