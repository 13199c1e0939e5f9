/* mr: main of git-mr: merge requests kept on refs/apps/merge-reqs/data */
#include <git2.h>
#include <stdio.h>
#include <string.h>

#include "../common/notls.h"
#include "cli.h"
#include "mr.h"

struct mr_subcommand {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct mr_subcommand mr_subcommands[] = {
	{"init", cmd_mr_init, "add the app's policy and data branch (owner)"},
	{"create", cmd_mr_create, "propose a commit as a new merge request"},
	{"update", cmd_mr_update, "add a revision to your merge request"},
	{"comment", cmd_mr_comment, "comment on a merge request"},
	{"label", cmd_mr_label, "add or remove labels"},
	{"close", cmd_mr_close, "close a merge request"},
	{"reopen", cmd_mr_reopen, "reopen a closed merge request"},
	{"merge", cmd_mr_merge, "merge a revision into its target (maintainer)"},
	{"list", cmd_mr_list, "list merge requests"},
	{"show", cmd_mr_show, "show a merge request and its comments"},
	{"diff", cmd_mr_diff, "diff a revision, or two revisions"},
	{"checkout", cmd_mr_checkout, "check out a revision"},
	{"search", cmd_mr_search, "search titles and comments"},
	{"fetch", cmd_mr_fetch, "fetch refs/apps/* from the remote"},
	{"ci", cmd_mr_ci, "the CI bot: test revisions, post results"},
};

#define MR_SUBCOMMANDS (sizeof(mr_subcommands) / sizeof(mr_subcommands[0]))

static void mr_usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: git mr <command> [<args>]\n\ncommands:\n");
	for (i = 0; i < MR_SUBCOMMANDS; i++)
		fprintf(out, "    %-10s %s\n", mr_subcommands[i].name,
			mr_subcommands[i].summary);
	fprintf(out, "\n'git mr <command> -h' shows a command's options; "
		     "'man git-mr' has the details.\n");
}

int main(int argc, char **argv)
{
	size_t i;
	int status;

	if (argc < 2) {
		mr_usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		mr_usage(stdout);
		return strcmp(argv[1], "-h") == 0 ? CLI_EXIT_USAGE
						  : CLI_EXIT_OK;
	}
	for (i = 0; i < MR_SUBCOMMANDS; i++) {
		if (strcmp(argv[1], mr_subcommands[i].name) != 0)
			continue;
		if (git_libgit2_init() < 0)
			return cli_fatal("cannot initialize libgit2");
		/*
		 * Everything we read came in through git fetch, whose
		 * index-pack hashed every object already; hashing each again
		 * on every read was a quarter of git mr list's time.
		 */
		git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
		status = mr_subcommands[i].run(argc - 1, argv + 1);
		git_libgit2_shutdown();
		return status;
	}
	fprintf(stderr, "git mr: '%s' is not a git mr command\n", argv[1]);
	mr_usage(stderr);
	return CLI_EXIT_USAGE;
}
