/* acl_lint: `git acl lint [<commit-ish>]`: every problem of a policy */
#include <git2.h>
#include <stdio.h>
#include <string.h>

#include "../common/buf.h"
#include "../hooks/keyfile.h"
#include "../hooks/policyref.h"
#include "../policy/policy.h"
#include "../policy/userid.h"
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

/*
 * A key file that breaks SPEC 2's rules identifies nobody but never stops
 * the policy loading, so it is a warning.  Files not named keys/<ID>.asc
 * are the engine's errors.
 */
static int lint_key_files(const struct policyref *files,
			  struct diag_list *diags, struct err *err)
{
	struct keyfile_checker *checker = NULL;
	struct buf problem = BUF_INIT;
	char id[USERID_LEN + 1];
	size_t i;
	int error = -1;

	for (i = 0; i < files->count; i++) {
		const struct policy_file *f = &files->files[i];
		const char *name = f->path + strlen("keys/");

		if (strncmp(f->path, "keys/", 5) != 0 ||
		    strlen(name) != USERID_LEN + 4 ||
		    strcmp(name + USERID_LEN, ".asc") != 0 ||
		    !userid_is_valid(name, USERID_LEN))
			continue;
		if (checker == NULL && keyfile_checker_new(&checker, err) < 0)
			goto done;
		memcpy(id, name, USERID_LEN);
		id[USERID_LEN] = '\0';
		buf_clear(&problem);
		if (keyfile_check(checker, id, f->data, f->len, &problem,
				  NULL, err) < 0)
			goto done;
		if (problem.len > 0 &&
		    diag_add(diags, DIAG_WARNING, f->path, 0,
			     "key file %s, so it identifies nobody",
			     buf_cstr(&problem)) < 0) {
			err_set(err, "out of memory");
			goto done;
		}
	}
	error = 0;
done:
	buf_dispose(&problem);
	keyfile_checker_free(checker);
	return error;
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
	    policyref_read(&files, repo, &commit, &diags, &err) < 0 ||
	    lint_key_files(files, &diags, &err) < 0) {
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
