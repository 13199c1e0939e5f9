/* acl_lint: `git acl lint [<commit-ish>]`: every problem of a policy */
#include <git2.h>
#include <stdio.h>
#include <string.h>

#include "../common/buf.h"
#include "../adapters/backsig.h"
#include "../adapters/keyfile.h"
#include "../adapters/pgp.h"
#include "../adapters/policyref.h"
#include "../hooks/settings.h"
#include "../policy/keypath.h"
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
 * Subkeys the hook ignores (SPEC 2: "lint reports it"): only those that
 * look bound for signing but fail the back-signature or binding check, so
 * that an ordinary encryption subkey does not warn on every key file.
 */
static int lint_ignored_subkeys(const struct policy_file *f,
				struct diag_list *diags, struct err *err)
{
	struct buf bin = BUF_INIT, notes = BUF_INIT;
	struct backsig_keys keys;
	struct err why;
	const char *p, *nl;
	int error = -1;

	if (pgp_dearmor(&bin, f->data, f->len, "PGP PUBLIC KEY BLOCK", &why) <
		    0 ||
	    backsig_signing_keys(&keys, (const unsigned char *)bin.ptr,
				 bin.len, &notes, &why) < 0) {
		error = 0;	/* the form check says what is wrong */
		goto done;
	}
	for (p = notes.ptr; p != NULL && *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		if (nl == NULL)
			break;
		if ((memmem(p, (size_t)(nl - p), "back-signature", 14) ||
		     memmem(p, (size_t)(nl - p), "does not verify", 15) ||
		     memmem(p, (size_t)(nl - p), "issuer", 6)) &&
		    diag_add(diags, DIAG_WARNING, f->path, 0,
			     "%.*s: ignored, it identifies nobody",
			     (int)(nl - p), p) < 0) {
			err_set(err, "out of memory");
			goto done;
		}
	}
	error = 0;
done:
	buf_dispose(&notes);
	buf_dispose(&bin);
	return error;
}

/*
 * A key file that breaks SPEC 2's rules identifies nobody but never stops
 * the policy loading, so it is a warning.  Files not named
 * keys/<aa>/<ID>.asc (or the older keys/<ID>.asc) are the engine's
 * errors.
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
		enum keypath_kind kind =
			keypath_parse(f->path, strlen(f->path), id);

		if (kind != KEYPATH_FANOUT && kind != KEYPATH_FLAT)
			continue;
		if (checker == NULL && keyfile_checker_new(&checker, err) < 0)
			goto done;
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
		if (problem.len == 0 && lint_ignored_subkeys(f, diags, err) < 0)
			goto done;
	}
	error = 0;
done:
	buf_dispose(&problem);
	keyfile_checker_free(checker);
	return error;
}

/* SPEC 2: a ban never applies to an owner (when the config names them). */
static int lint_banned_owners(git_repository *repo,
			      const struct policyref *files,
			      struct diag_list *diags, struct err *err)
{
	struct settings settings;
	struct err why = {""};
	char id[USERID_LEN + 1];
	size_t i, j;

	if (settings_read(&settings, repo, false, &why) < 0)
		return 0;	/* lint does not need the config */
	for (i = 0; i < files->count; i++) {
		const char *path = files->files[i].path;

		if (keypath_parse(path, strlen(path), id) != KEYPATH_BANNED)
			continue;
		for (j = 0; j < settings.nowners; j++)
			if (strcmp(settings.owners[j], id) == 0 &&
			    diag_add(diags, DIAG_WARNING, path, 0,
				     "bans an owner (gitapps.owner): a ban "
				     "never applies to an owner, and the hook "
				     "rejects a push that adds one") < 0)
				return err_set(err, "out of memory");
	}
	return 0;
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
	    lint_key_files(files, &diags, &err) < 0 ||
	    lint_banned_owners(repo, files, &diags, &err) < 0) {
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
