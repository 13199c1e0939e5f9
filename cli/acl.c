/* acl: main of git-acl: dispatch to one subcommand per file */
#include <git2.h>
#include <stdio.h>
#include <string.h>

#include "../common/notls.h"
#include "acl.h"
#include "cli.h"

struct acl_subcommand {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct acl_subcommand acl_subcommands[] = {
	{"init", cmd_acl_init, "make a bare repository a gitapps server"},
	{"keys", cmd_acl_keys, "add a key to the policy, or list its keys"},
	{"lint", cmd_acl_lint, "check a policy and report every problem"},
	{"check", cmd_acl_check, "judge one ref update as the hook would"},
	{"explain", cmd_acl_explain, "say which rule allows an op, or why none"},
};

#define ACL_SUBCOMMANDS (sizeof(acl_subcommands) / sizeof(acl_subcommands[0]))

static void acl_usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: git acl <command> [<args>]\n\ncommands:\n");
	for (i = 0; i < ACL_SUBCOMMANDS; i++)
		fprintf(out, "    %-10s %s\n", acl_subcommands[i].name,
			acl_subcommands[i].summary);
	fprintf(out, "\n'git acl <command> -h' shows a command's options; "
		     "'man git-acl' has the details.\n");
}

int main(int argc, char **argv)
{
	size_t i;
	int status;

	if (argc < 2) {
		acl_usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		acl_usage(stdout);
		return strcmp(argv[1], "-h") == 0 ? CLI_EXIT_USAGE
						  : CLI_EXIT_OK;
	}
	for (i = 0; i < ACL_SUBCOMMANDS; i++) {
		if (strcmp(argv[1], acl_subcommands[i].name) != 0)
			continue;
		if (git_libgit2_init() < 0)
			return cli_fatal("cannot initialize libgit2");
		status = acl_subcommands[i].run(argc - 1, argv + 1);
		git_libgit2_shutdown();
		return status;
	}
	fprintf(stderr, "git acl: '%s' is not a git acl command\n", argv[1]);
	acl_usage(stderr);
	return CLI_EXIT_USAGE;
}
