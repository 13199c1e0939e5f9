/* mr: main of git-mr: merge requests kept on refs/apps/merge-reqs/data */
#include <git2.h>

#include "../common/notls.h"
#include "cli.h"
#include "mr.h"

static const struct cli_subcommand mr_subcommands[] = {
	{"init", cmd_mr_init, "add the app's policy and data branch (owner)"},
	{"create", cmd_mr_create, "propose a commit as a new merge request"},
	{"update", cmd_mr_update, "add a revision to your merge request"},
	{"comment", cmd_mr_comment, "comment on a merge request"},
	{"label", cmd_mr_label, "add or remove labels"},
	{"close", cmd_mr_close, "close a merge request"},
	{"reopen", cmd_mr_reopen, "reopen a closed merge request"},
	{"approve", cmd_mr_approve, "approve a revision (attest it)"},
	{"unapprove", cmd_mr_unapprove, "withdraw your approval of a revision"},
	{"merge", cmd_mr_merge, "merge a revision into its target (maintainer)"},
	{"list", cmd_mr_list, "list merge requests"},
	{"show", cmd_mr_show, "show a merge request and its comments"},
	{"diff", cmd_mr_diff, "diff a revision, or two revisions"},
	{"checkout", cmd_mr_checkout, "check out a revision"},
	{"search", cmd_mr_search, "search titles and comments"},
	{"fetch", cmd_mr_fetch, "fetch refs/apps/* from the remote"},
	{"ci", cmd_mr_ci, "the CI bot: test revisions, post results"},
};

/*
 * Everything git mr reads came in through git fetch, whose index-pack
 * hashed every object already; hashing each again on every read was a
 * quarter of git mr list's time.
 */
static void mr_setup(void)
{
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
}

int main(int argc, char **argv)
{
	return cli_main("mr", mr_subcommands,
			sizeof(mr_subcommands) / sizeof(mr_subcommands[0]),
			mr_setup, argc, argv);
}
