/* cli: one option table drives both option parsing and --help */
#include "cli.h"

#include <git2.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void cli_usage(FILE *out, const struct cli_command *cmd)
{
	size_t i;

	fprintf(out, "usage: %s\n\n%s\n\n", cmd->usage, cmd->summary);
	for (i = 0; i < cmd->nopts; i++) {
		const struct cli_opt *o = &cmd->opts[i];
		char spec[64];

		if (o->short_name)
			snprintf(spec, sizeof(spec), "-%c, --%s%s%s",
				 o->short_name, o->name, o->arg ? " " : "",
				 o->arg ? o->arg : "");
		else
			snprintf(spec, sizeof(spec), "--%s%s%s", o->name,
				 o->arg ? " " : "", o->arg ? o->arg : "");
		fprintf(out, "    %-24s %s\n", spec, o->help);
	}
	fprintf(out, "    %-24s %s\n", "-h, --help", "show this help");
}

int cli_fatal(const char *fmt, ...)
{
	va_list ap;

	fputs("fatal: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return CLI_EXIT_FATAL;
}

void cli_list_dispose(struct cli_list *list)
{
	free(list->items);
	list->items = NULL;
	list->count = 0;
}

static int cli_set(const struct cli_command *cmd, const struct cli_opt *o,
		   const char *value)
{
	struct cli_list *list;
	const char **items;

	switch (o->kind) {
	case CLI_OPT_FLAG:
		*(bool *)o->value = true;
		return 0;
	case CLI_OPT_STRING:
		*(const char **)o->value = value;
		return 0;
	case CLI_OPT_LIST:
		list = o->value;
		items = realloc(list->items,
				(list->count + 1) * sizeof(*list->items));
		if (items == NULL) {
			cli_fatal("out of memory");
			return -1;
		}
		list->items = items;
		list->items[list->count++] = value;
		return 0;
	}
	(void)cmd;
	return -1;
}

static const struct cli_opt *cli_find(const struct cli_command *cmd,
				      const char *name, size_t len, char short_name)
{
	size_t i;

	for (i = 0; i < cmd->nopts; i++) {
		const struct cli_opt *o = &cmd->opts[i];

		if (short_name ? o->short_name == short_name
			       : (strlen(o->name) == len &&
				  strncmp(o->name, name, len) == 0))
			return o;
	}
	return NULL;
}

static int cli_bad(const struct cli_command *cmd, const char *what,
		   const char *arg)
{
	fprintf(stderr, "error: %s '%s'\n", what, arg);
	cli_usage(stderr, cmd);
	return CLI_EXIT_USAGE;
}

int cli_parse(const struct cli_command *cmd, int argc, char **argv,
	      int *nargs)
{
	bool options_done = false;
	int i, n = 0;

	for (i = 1; i < argc; i++) {
		char *arg = argv[i];
		const struct cli_opt *o;
		const char *value = NULL;

		if (options_done || arg[0] != '-' || arg[1] == '\0') {
			argv[n++] = arg;
			continue;
		}
		if (strcmp(arg, "--") == 0) {
			options_done = true;
			continue;
		}
		if (strcmp(arg, "-h") == 0) {
			cli_usage(stdout, cmd);
			return CLI_EXIT_USAGE;
		}
		if (strcmp(arg, "--help") == 0) {
			cli_usage(stdout, cmd);
			return CLI_EXIT_OK;
		}
		if (arg[1] == '-') {
			const char *eq = strchr(arg + 2, '=');
			size_t len = eq ? (size_t)(eq - arg - 2)
					: strlen(arg + 2);

			o = cli_find(cmd, arg + 2, len, 0);
			value = eq ? eq + 1 : NULL;
		} else {
			if (arg[2] != '\0')
				return cli_bad(cmd, "unknown option", arg);
			o = cli_find(cmd, NULL, 0, arg[1]);
		}
		if (o == NULL)
			return cli_bad(cmd, "unknown option", arg);
		if (o->kind == CLI_OPT_FLAG && value != NULL)
			return cli_bad(cmd, "option takes no value", arg);
		if (o->kind != CLI_OPT_FLAG && value == NULL) {
			if (i + 1 >= argc)
				return cli_bad(cmd, "option needs a value",
					       arg);
			value = argv[++i];
		}
		if (cli_set(cmd, o, value) < 0)
			return CLI_EXIT_FATAL;
	}
	*nargs = n;
	return -1;
}

int cli_beside_exe(char *out, size_t size, const char *rel)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n < 0)
		return -1;
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')) == NULL)
		return -1;
	*slash = '\0';
	n = snprintf(out, size, "%s/%s", exe, rel);
	if (n < 0 || (size_t)n >= size)
		return -1;
	return 0;
}

static void cli_main_usage(FILE *out, const char *program,
			   const struct cli_subcommand *cmds, size_t n)
{
	size_t i;

	fprintf(out, "usage: git %s <command> [<args>]\n\ncommands:\n",
		program);
	for (i = 0; i < n; i++)
		fprintf(out, "    %-10s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(out, "\n'git %s <command> -h' shows a command's options; "
		     "'man git-%s' has the details.\n",
		program, program);
}

int cli_main(const char *program, const struct cli_subcommand *cmds,
	     size_t n, void (*setup)(void), int argc, char **argv)
{
	size_t i;
	int status;

	if (argc < 2) {
		cli_main_usage(stderr, program, cmds, n);
		return CLI_EXIT_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		cli_main_usage(stdout, program, cmds, n);
		return strcmp(argv[1], "-h") == 0 ? CLI_EXIT_USAGE
						  : CLI_EXIT_OK;
	}
	for (i = 0; i < n; i++) {
		if (strcmp(argv[1], cmds[i].name) != 0)
			continue;
		if (git_libgit2_init() < 0)
			return cli_fatal("cannot initialize libgit2");
		if (setup != NULL)
			setup();
		status = cmds[i].run(argc - 1, argv + 1);
		git_libgit2_shutdown();
		return status;
	}
	fprintf(stderr, "git %s: '%s' is not a git %s command\n", program,
		argv[1], program);
	cli_main_usage(stderr, program, cmds, n);
	return CLI_EXIT_USAGE;
}
