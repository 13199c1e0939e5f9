/* cli: one option table drives both option parsing and --help */
#ifndef CLI_CLI_H
#define CLI_CLI_H

#include <stdbool.h>
#include <stdio.h>

/* git's exit codes (libgit2's src/cli/error.h uses the same). */
#define CLI_EXIT_OK 0
#define CLI_EXIT_FAILED 1	/* denied, or the input has errors */
#define CLI_EXIT_FATAL 128	/* git or OS failure */
#define CLI_EXIT_USAGE 129

enum cli_opt_kind {
	CLI_OPT_FLAG,		/* sets *(bool *)value */
	CLI_OPT_STRING,		/* sets *(const char **)value */
	CLI_OPT_LIST,		/* appends to a struct cli_list */
};

struct cli_list {
	const char **items;
	size_t count;
};

struct cli_opt {
	const char *name;	/* long name without "--" */
	char short_name;	/* 0: none */
	enum cli_opt_kind kind;
	void *value;
	const char *arg;	/* placeholder in --help, e.g. "<ID>" */
	const char *help;
};

struct cli_command {
	const char *usage;	/* "git acl lint [<commit-ish>]" */
	const char *summary;	/* one line saying what it does */
	const struct cli_opt *opts;
	size_t nopts;
};

/*
 * Parse argv (argv[0] is the subcommand) against cmd's options.  Options
 * and arguments may mix; "--" ends options.  -h prints the usage and
 * returns CLI_EXIT_USAGE, --help prints it and returns CLI_EXIT_OK (both
 * as a result for main to exit with), a bad option prints an error and the
 * usage and returns CLI_EXIT_USAGE.  Otherwise returns -1 and moves the
 * arguments that are not options to the front of argv, their count in
 * *nargs.
 */
int cli_parse(const struct cli_command *cmd, int argc, char **argv,
	      int *nargs);

void cli_usage(FILE *out, const struct cli_command *cmd);

void cli_list_dispose(struct cli_list *list);

/* "fatal: ..." on stderr; returns CLI_EXIT_FATAL. */
int cli_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * <directory of our executable>/<rel> into out: the hook and the default
 * policies are found beside the installed programs, never compiled in, so
 * that the build tree and an installed tree both work.  Returns 0 or -1.
 */
int cli_beside_exe(char *out, size_t size, const char *rel);

/* One subcommand of a git-style program: git <program> <name> ... */
struct cli_subcommand {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

/*
 * The main of git-acl and git-mr: usage on no command, -h (exit 129) and
 * --help (exit 0), an unknown command named (exit 129); otherwise libgit2
 * is initialized, configured by setup (may be NULL), and the subcommand
 * runs with argv[0] its own name.  program is "acl" or "mr".
 */
int cli_main(const char *program, const struct cli_subcommand *cmds,
	     size_t n, void (*setup)(void), int argc, char **argv);

#endif
