/* acl_doctor: `git acl doctor`: one line for each thing wrong with a server */
#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/buf.h"
#include "../common/quote.h"
#include "../hooks/settings.h"
#include "../policy/policy.h"
#include "../policy/userid.h"
#include "acl.h"
#include "acl_doctor.h"
#include "acl_load.h"
#include "acl_setup.h"
#include "cli.h"

static const char *doctor_all;
static bool doctor_fix;

static const struct cli_opt doctor_opts[] = {
	{"all", 0, CLI_OPT_STRING, &doctor_all, "<dir>",
	 "check every bare repository under <dir>"},
	{"fix", 0, CLI_OPT_FLAG, &doctor_fix, NULL,
	 "relink a missing or dangling hook, build the key index"},
};

static const struct cli_command doctor_command = {
	"git acl doctor [<repo>...] [--all <dir>] [--fix]",
	"Check served repositories (default: the current one) and print one\n"
	"line for each thing wrong, saying what to do.  Exit 0 only when\n"
	"nothing is wrong.  --fix relinks a missing or dangling hook and\n"
	"builds the key index, then checks again; nothing else is changed.",
	doctor_opts,
	sizeof(doctor_opts) / sizeof(doctor_opts[0]),
};

/* One line about the repository being checked; counts it as a problem. */
static void doctor_say(struct acl_doctor *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void doctor_say(struct acl_doctor *d, const char *fmt, ...)
{
	va_list ap;

	printf("%s: ", d->name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	d->problems++;
}

/* Whether files a and b hold the same bytes (a copy of the hook). */
static bool doctor_same_bytes(const char *a, const char *b)
{
	char x[65536], y[sizeof(x)];
	int fa = open(a, O_RDONLY | O_CLOEXEC), fb = -1;
	ssize_t n, m;
	bool same = false;

	if (fa < 0 || (fb = open(b, O_RDONLY | O_CLOEXEC)) < 0)
		goto done;
	do {
		n = read(fa, x, sizeof(x));
		m = n > 0 ? read(fb, y, (size_t)n) : read(fb, y, 1);
		if (n < 0 || m != n || memcmp(x, y, (size_t)n) != 0)
			goto done;
	} while (n > 0);
	same = true;
done:
	if (fb >= 0)
		close(fb);
	if (fa >= 0)
		close(fa);
	return same;
}

/*
 * hooks/pre-receive, read without running it: git fails open, running no
 * hook and taking every push, when it is missing, dangles or is not
 * executable (git-acl(1), SECURITY).
 */
static void doctor_hook(struct acl_doctor *d, git_repository *repo,
			git_config *all)
{
	char path[PATH_MAX + 32], real[PATH_MAX];
	git_buf hooks_path = GIT_BUF_INIT;
	struct stat st;

	/* git reads core.hooksPath from every level, not the repository's */
	if (git_config_get_string_buf(&hooks_path, all, "core.hooksPath") == 0)
		doctor_say(d, "core.hooksPath is set (to '%s'): git runs the "
			      "hooks there, not hooks/pre-receive: unset it",
			   hooks_path.ptr);
	git_buf_dispose(&hooks_path);
	snprintf(path, sizeof(path), "%shooks/pre-receive",
		 git_repository_path(repo));
	if (lstat(path, &st) < 0)
		doctor_say(d, "hooks/pre-receive is missing: git accepts every "
			      "push unchecked: run 'git acl doctor --fix %s'",
			   d->name);
	else if (stat(path, &st) < 0)
		doctor_say(d, "hooks/pre-receive is a dangling link: git "
			      "accepts every push unchecked: run 'git acl "
			      "doctor --fix %s'",
			   d->name);
	else if (!S_ISREG(st.st_mode) || (st.st_mode & S_IXUSR) == 0)
		doctor_say(d, "hooks/pre-receive is not executable: git "
			      "accepts every push unchecked: run 'chmod +x "
			      "%s/hooks/pre-receive'",
			   d->name);
	else if (realpath(path, real) == NULL ||
		 (strcmp(real, d->hook) != 0 &&
		  !doctor_same_bytes(path, d->hook)))
		doctor_say(d, "hooks/pre-receive is not this build's hook: "
			      "run 'ln -sfn %s %s/hooks/pre-receive'",
			   d->hook, d->name);
	/*
	 * hooks/post-receive, the audit-log writer (SPEC 10), goes here
	 * once it exists (issue 16): missing, not executable, dangling or
	 * not this build's, as above.
	 */
}

static int doctor_owner_value(const git_config_entry *entry, void *payload)
{
	struct acl_doctor *d = payload;

	d->nowners++;
	if (!userid_is_valid(entry->value, strlen(entry->value)))
		doctor_say(d, "gitapps.owner '%s' is not a user id (40 "
			      "upper-case hex digits): the hook rejects every "
			      "push",
			   entry->value);
	return 0;
}

/* A seed shared with a repository checked before, or else remember it. */
static int doctor_seed(struct acl_doctor *d, const char *seed)
{
	size_t i;
	struct acl_doctor_seed *grown;

	for (i = 0; i < d->nseeds; i++)
		if (strcmp(d->seeds[i].seed, seed) == 0) {
			doctor_say(d, "receive.certNonceSeed is the same as "
				      "in %s: a nonce issued by one is good "
				      "at the other: give one a fresh seed "
				      "(git-acl(1), SECURITY)",
				   d->seeds[i].name);
			return 0;
		}
	grown = realloc(d->seeds, (d->nseeds + 1) * sizeof(*grown));
	if (grown == NULL)
		return -1;
	d->seeds = grown;
	grown[d->nseeds].seed = strdup(seed);
	grown[d->nseeds].name = strdup(d->name);
	if (grown[d->nseeds].seed == NULL || grown[d->nseeds].name == NULL) {
		free(grown[d->nseeds].seed);
		free(grown[d->nseeds].name);
		return -1;
	}
	d->nseeds++;
	return 0;
}

/*
 * The settings the hook reads, from the repository's own config file as
 * the hook reads them (hooks/settings.c); those git reads from every
 * level (core.ignorecase, receive.fsck.skipList) from all of them.
 */
static int doctor_settings(struct acl_doctor *d, git_repository *repo,
			   git_config *all, struct settings *s)
{
	git_config *local = NULL;
	git_buf seed = GIT_BUF_INIT;
	git_config_entry *entry = NULL;
	struct err err = {""};
	int flag = 0, rc, error = -1;

	if (settings_open(&local, repo, &err) < 0) {
		fprintf(stderr, "fatal: %s: %s\n", d->name, err.msg);
		goto done;
	}
	d->nowners = 0;
	rc = git_config_get_multivar_foreach(local, "gitapps.owner", NULL,
					     doctor_owner_value, d);
	if ((rc < 0 && rc != GIT_ENOTFOUND) || d->nowners == 0)
		doctor_say(d, "gitapps.owner is not set: the hook rejects "
			      "every push: add one with 'git config --file "
			      "%s/config --add gitapps.owner <ID>'",
			   d->name);
	if (git_config_get_string_buf(&seed, local, "receive.certNonceSeed") <
	    0)
		doctor_say(d, "receive.certNonceSeed is not set: git takes no "
			      "signed push and the hook rejects every push: "
			      "run 'git acl %s %s'",
			   d->setup, d->name);
	else if (doctor_seed(d, seed.ptr) < 0) {
		fprintf(stderr, "fatal: out of memory\n");
		goto done;
	}
	if (settings_read_values(s, local, &err) < 0) {
		doctor_say(d, "%s: the hook rejects every push", err.msg);
		error = 0;
		goto done;
	}
	if (!s->have_nonce_slop)
		doctor_say(d, "receive.certNonceSlop is not set: the hook "
			      "rejects every push: run 'git acl %s %s'",
			   d->setup, d->name);
	else if (s->nonce_slop > ACL_SETUP_MAX_SLOP)
		doctor_say(d, "receive.certNonceSlop is %u: a nonce stays "
			      "good for more than %d seconds: set it to %d",
			   s->nonce_slop, ACL_SETUP_MAX_SLOP,
			   ACL_SETUP_NONCE_SLOP);
	if (!s->fsck_objects)
		doctor_say(d, "receive.fsckObjects is not true: the hook "
			      "rejects every push: run 'git acl %s %s'",
			   d->setup, d->name);
	if (s->unpinned_fsck != NULL)
		doctor_say(d, "receive.fsck.%s is not 'error': the hook "
			      "rejects every push: run 'git acl %s %s'",
			   s->unpinned_fsck, d->setup, d->name);
	if (git_config_get_entry(&entry, all, "receive.fsck.skipList") == 0)
		doctor_say(d, "receive.fsck.skipList is set: git lets the "
			      "objects it lists in unchecked: unset it");
	git_config_entry_free(entry);
	if (git_config_get_bool(&flag, all, "core.ignorecase") == 0 && flag)
		doctor_say(d, "core.ignorecase is true: ref names that differ "
			      "only in case would alias protected refs: serve "
			      "it from a case-sensitive file system");
	error = 0;
done:
	git_buf_dispose(&seed);
	git_config_free(local);
	return error;
}

/* SPEC 1: pushers must not be able to write the repository. */
static void doctor_modes(struct acl_doctor *d, git_repository *repo)
{
	static const char *const dirs[] = {"", "objects", "refs"};
	char path[PATH_MAX + 16];
	struct stat st;
	size_t i;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", git_repository_path(repo),
			 dirs[i]);
		if (stat(path, &st) < 0 ||
		    (st.st_mode & (S_IWGRP | S_IWOTH)) == 0)
			continue;
		doctor_say(d, "%s%s is writable by %s: they can change the "
			      "repository without a push: run 'chmod go-w "
			      "%s%s%s'",
			   i == 0 ? "the repository directory" : dirs[i],
			   i == 0 ? "" : "/",
			   (st.st_mode & S_IWGRP) == 0 ? "others"
			   : (st.st_mode & S_IWOTH) == 0
				   ? "its group"
				   : "its group and others",
			   d->name, i == 0 ? "" : "/", dirs[i]);
	}
}

/* The policy, loaded as check and lint load it (cli/acl_load.c). */
static int doctor_policy(struct acl_doctor *d, git_repository *repo,
			 const struct settings *s)
{
	struct policyref *files = NULL;
	struct policy *policy = NULL;
	char first[512], *branch = NULL;
	struct err err = {""};
	int rc, error = 0;

	rc = acl_load_policy(&files, &policy, first, sizeof(first), repo,
			     s->match_limit, &err);
	if (rc == GIT_ENOTFOUND) {
		doctor_say(d, POLICY_REF " is missing: the hook rejects every "
				       "push but an owner's first policy: run "
				       "'git acl %s %s'",
			   d->setup, d->name);
	} else if (rc < 0) {
		fprintf(stderr, "fatal: %s: %s\n", d->name, err.msg);
		error = -1;
	} else if (policy == NULL) {
		doctor_say(d, POLICY_REF " does not load: %s: the hook rejects "
				       "every push but an owner's repair: see "
				       "'git acl lint'",
			   first);
	} else if (!policy_has_base_lines(policy)) {
		branch = acl_setup_head_branch(repo);
		doctor_say(d, POLICY_REF " has no base line: %s%s%s: run 'git "
				       "acl upgrade %s' and have an owner "
				       "push its policy",
			   branch ? "the branch HEAD names, '" : "",
			   branch ? branch
				  : "HEAD names no branch, so no branch is a "
				    "base",
			   branch ? "', is taken instead" : "", d->name);
	}
	free(branch);
	policy_free(policy);
	policyref_free(files);
	return error;
}

/* --fix: what can be rebuilt, said as it is done. */
static int doctor_repair(struct acl_doctor *d, git_repository *repo)
{
	char path[PATH_MAX + 32];
	struct stat st;
	bool built = false;
	int status;

	snprintf(path, sizeof(path), "%shooks/pre-receive",
		 git_repository_path(repo));
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode) &&
	    stat(path, &st) < 0 && errno == ENOENT && unlink(path) < 0)
		return cli_fatal("cannot remove '%s': %s", path,
				 strerror(errno));
	if (lstat(path, &st) < 0) {
		if ((status = acl_setup_link_hook(repo, d->hook, false)) != 0)
			return status;
		printf("%s: linked hooks/pre-receive to %s\n", d->name,
		       d->hook);
	}
	if ((status = acl_setup_key_index(repo, &built)) != 0)
		return status;
	if (built)
		printf("%s: built the key index of " POLICY_REF "\n", d->name);
	return 0;
}

int acl_doctor_check(struct acl_doctor *d, git_repository *repo,
		     const char *name)
{
	git_config *all = NULL;
	struct settings s;
	struct buf note = BUF_INIT, shown = BUF_INIT;
	git_oid policy;
	int rc, error = -1;

	memset(&s, 0, sizeof(s));
	if (quote_controls(&shown, name, strlen(name)) < 0) {
		fprintf(stderr, "fatal: out of memory\n");
		goto done;
	}
	d->name = buf_cstr(&shown);
	rc = acl_setup_foreign_owner(&note, git_repository_path(repo));
	if (rc > 0)
		printf("%s: warning: %s: git refuses a repository owned by "
		       "another account ('dubious ownership'): check it as "
		       "the account that serves it\n",
		       d->name, buf_cstr(&note));
	if (!git_repository_is_bare(repo)) {
		doctor_say(d, "not a bare repository: serve a bare one (git "
			      "acl init)");
		error = 0;
		goto done;
	}
	/*
	 * Never repair another account's repository: a key index built
	 * by root is one the hook, running as that account, cannot read.
	 */
	if (doctor_fix && rc == 0 && doctor_repair(d, repo) != 0)
		goto done;
	if (git_repository_config_snapshot(&all, repo) < 0) {
		fprintf(stderr, "fatal: %s: cannot read its config\n", d->name);
		goto done;
	}
	/* upgrade needs a policy to upgrade; a plain repository needs init */
	d->setup = git_reference_name_to_id(&policy, repo, POLICY_REF) == 0
			   ? "upgrade"
			   : "init --owner-key <file.asc>";
	doctor_hook(d, repo, all);
	if (doctor_settings(d, repo, all, &s) < 0)
		goto done;
	doctor_modes(d, repo);
	error = doctor_policy(d, repo, &s);
done:
	d->name = NULL;
	git_config_free(all);
	buf_dispose(&note);
	buf_dispose(&shown);
	return error;
}

static void doctor_dispose(struct acl_doctor *d)
{
	size_t i;

	for (i = 0; i < d->nseeds; i++) {
		explicit_bzero(d->seeds[i].seed, strlen(d->seeds[i].seed));
		free(d->seeds[i].seed);
		free(d->seeds[i].name);
	}
	free(d->seeds);
	free(d->seen);
}

/* One repository named on the command line (or found by git). */
static int doctor_named(struct acl_doctor *d, const char *path)
{
	git_repository *repo = NULL;
	struct buf name = BUF_INIT;
	int error = -1;

	if (path != NULL &&
	    git_repository_open_ext(&repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH,
				    NULL) < 0) {
		fprintf(stderr, "fatal: '%s' is not a git repository\n", path);
		goto done;
	}
	if (path == NULL) {
		const char *p;

		if (git_repository_open_ext(&repo, NULL,
					    GIT_REPOSITORY_OPEN_FROM_ENV,
					    NULL) < 0) {
			fprintf(stderr, "fatal: not a git repository\n");
			goto done;
		}
		p = git_repository_path(repo);
		if (buf_put(&name, p, strlen(p) - 1) < 0) /* no final '/' */
			goto done;
		path = buf_cstr(&name);
	}
	error = acl_doctor_seen(d, git_repository_path(repo));
	if (error == 0)
		error = acl_doctor_check(d, repo, path);
	else if (error > 0)
		error = 0;	/* named twice: checked once */
done:
	buf_dispose(&name);
	git_repository_free(repo);
	return error;
}

int cmd_acl_doctor(int argc, char **argv)
{
	struct acl_doctor d = {0};
	int nargs, i, status, failed = 0;

	if ((status = cli_parse(&doctor_command, argc, argv, &nargs)) >= 0)
		return status;
	/* doctor looks at repositories of other accounts, and says so */
	if (git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, 0) < 0)
		return cli_fatal("cannot set up libgit2");
	if ((status = acl_setup_find_hook(d.hook)) != 0)
		return status;
	for (i = 0; i < nargs; i++)
		failed |= doctor_named(&d, argv[i]) < 0;
	if (doctor_all != NULL)
		failed |= acl_doctor_walk(&d, doctor_all) < 0;
	if (nargs == 0 && doctor_all == NULL)
		failed |= doctor_named(&d, NULL) < 0;
	doctor_dispose(&d);
	if (failed)
		return CLI_EXIT_FATAL;
	return d.problems > 0 ? CLI_EXIT_FAILED : CLI_EXIT_OK;
}
