/* acl_check: `git acl check`: the hook's decision on one command, offline */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../common/buf.h"
#include "../common/quote.h"
#include "../hooks/judge.h"
#include "../policy/userid.h"
#include "acl.h"
#include "acl_gate.h"
#include "acl_load.h"

static const char *check_as;
static struct cli_list check_owners;
static bool check_stats;
static const char *check_remote;

static const struct cli_opt check_opts[] = {
	{"as", 0, CLI_OPT_STRING, &check_as, "<ID>",
	 "the pusher (40 upper-case hex digits)"},
	{"owner", 0, CLI_OPT_LIST, &check_owners, "<ID>",
	 "an owner, instead of gitapps.owner"},
	{"stats", 0, CLI_OPT_FLAG, &check_stats, NULL,
	 "print what judging cost on standard error"},
	{"remote", 0, CLI_OPT_STRING, &check_remote, "<name>",
	 "in a clone, the remote whose branches are the server's (origin)"},
};

static const struct cli_command check_command = {
	"git acl check [--owner <ID>]... [--stats] [--remote <name>] --as <ID> "
	"<old> <new> <ref>",
	"Judge the command '<old> <new> <ref>' as the pre-receive hook would\n"
	"if <ref> were at <old> now, without a certificate: print its\n"
	"denied:/hint:/error: lines, nothing when allowed.  In a clone, base\n"
	"refs are the remote's branches (refs/remotes/<name>/), never yours.\n"
	"Exit 0 allowed, 1 denied, 128 error.",
	check_opts,
	sizeof(check_opts) / sizeof(check_opts[0]),
};

static int check_oid(git_oid *out, git_repository *repo, const char *spec)
{
	git_object *obj = NULL;

	if (strspn(spec, "0") == strlen(spec) && strlen(spec) > 0) {
		memset(out, 0, sizeof(*out));
		return 0;
	}
	if (git_revparse_single(&obj, repo, spec) < 0)
		return -1;
	git_oid_cpy(out, git_object_id(obj));
	git_object_free(obj);
	return 0;
}

/* One line a script can split on spaces: "stats: <name> <n> ..." */
static void check_print_stats(const struct judge *judge)
{
	struct judge_stats stats;

	judge_stats(judge, &stats);
	fprintf(stderr, "stats: commits %zu tree-entries %zu processes %u\n",
		stats.commits, stats.tree_entries, stats.processes);
}

/*
 * SPEC 11: the requirements that the new value meets, from the gate the
 * judge asked (the missing ones are among the denials already).
 */
static int check_print_met(struct acl_load *load,
			   const struct judge_config *config,
			   const git_oid *old, const git_oid *new,
			   const char *ref)
{
	struct gate_input in = {check_as,	    config->owners,
				config->nowners,    ref,
				old,		    new,
				NULL,		    NULL,
				NULL};
	struct gate_report report;
	struct err err = {""};
	int error;

	if (git_oid_is_zero(new) || load->policy == NULL)
		return 0;
	if (gate_check(&report, load->repo, load->policy, &in, &err) < 0) {
		struct buf line = BUF_INIT;

		if (buf_puts(&line, "error: ") == 0 &&
		    quote_controls(&line, err.msg, strlen(err.msg)) == 0)
			printf("%s\n", buf_cstr(&line));
		buf_dispose(&line);
		return -1;
	}
	error = acl_gate_print(stdout, &report, true);
	gate_report_dispose(&report);
	return error;
}

int cmd_acl_check(int argc, char **argv)
{
	struct acl_load load = {0};
	struct judge_config config = {0};
	struct judge *judge = NULL;
	struct err err = {""};
	git_oid old, new;
	char ref[4096];
	int nargs, status;

	if ((status = cli_parse(&check_command, argc, argv, &nargs)) >= 0)
		goto done;
	status = CLI_EXIT_USAGE;
	if (check_as == NULL || nargs != 3) {
		cli_usage(stderr, &check_command);
		goto done;
	}
	if (!userid_is_valid(check_as, strlen(check_as))) {
		fprintf(stderr, "error: --as '%s' is not a user id (40 "
				"upper-case hex digits)\n",
			check_as);
		goto done;
	}
	if ((status = acl_load(&load, &check_owners)) != 0)
		goto done;
	status = CLI_EXIT_FATAL;
	if (check_oid(&old, load.repo, argv[0]) < 0 ||
	    check_oid(&new, load.repo, argv[1]) < 0) {
		cli_fatal("cannot resolve '%s' or '%s'", argv[0], argv[1]);
		goto done;
	}
	/* like git, take "heads/main" and "refs/heads/main" alike */
	snprintf(ref, sizeof(ref), "%s%s",
		 strncmp(argv[2], "refs/", 5) == 0 ? "" : "refs/", argv[2]);
	config.owners = load.owners;
	config.nowners = load.nowners;
	config.max_commits = load.settings.max_commits;
	config.max_tree_entries = load.settings.max_tree_entries;
	config.max_denials = load.settings.max_denials;
	config.workers = load.settings.workers;
	config.match_limit = load.settings.match_limit;
	config.offline = true;
	/*
	 * SPEC 3: in a clone the server's branches are remote-tracking
	 * refs, and the user's own branches must not make a commit exist
	 * (a local main holding unpushed work would excuse it).  A bare
	 * repository is taken to be the server, as the hook reads it.
	 */
	config.base_remote = check_remote != NULL ? check_remote
			     : git_repository_is_bare(load.repo) ? NULL
							       : "origin";
	clock_gettime(CLOCK_MONOTONIC, &config.deadline);
	config.deadline.tv_sec += load.settings.timeout;
	if (judge_new(&judge, load.repo, load.policy,
		      load.policy_error[0] ? load.policy_error : NULL, &config,
		      &err) < 0 ||
	    judge_command(judge, check_as, &old, &new, ref, &err) < 0) {
		struct buf line = BUF_INIT;

		/* as the hook prints it: nothing of the push raw */
		if (buf_puts(&line, "error: ") == 0 &&
		    quote_controls(&line, err.msg, strlen(err.msg)) == 0)
			printf("%s\n", buf_cstr(&line));
		buf_dispose(&line);
		goto done;
	}
	judge_report(judge, stdout);
	status = judge_denials(judge) > 0 ? CLI_EXIT_FAILED : CLI_EXIT_OK;
	if (check_print_met(&load, &config, &old, &new, ref) < 0)
		status = CLI_EXIT_FATAL;
done:
	if (check_stats && judge != NULL)
		check_print_stats(judge);
	judge_free(judge);
	acl_load_dispose(&load);
	cli_list_dispose(&check_owners);
	return status;
}
