/* acl_explain: `git acl explain`: which rule allows an op, or why none */
#include <stdio.h>
#include <string.h>

#include "../common/buf.h"
#include "../common/quote.h"
#include "../policy/userid.h"
#include "acl.h"
#include "acl_load.h"

static const char *explain_as;
static struct cli_list explain_owners;

static const struct cli_opt explain_opts[] = {
	{"as", 0, CLI_OPT_STRING, &explain_as, "<ID>",
	 "the pusher (40 upper-case hex digits)"},
	{"owner", 0, CLI_OPT_LIST, &explain_owners, "<ID>",
	 "an owner, instead of gitapps.owner"},
};

static const struct cli_command explain_command = {
	"git acl explain [--owner <ID>]... --as <ID> <op> <ref> [<path>]",
	"Say which rule of refs/apps/access-control allows <op> (a ref op,\n"
	"or with <path> a tree op) on <ref>, or which files and sections\n"
	"were consulted when none does.  Exit 0 allowed, 1 denied.",
	explain_opts,
	sizeof(explain_opts) / sizeof(explain_opts[0]),
};

static int explain_op(enum op *out, const char *name, bool tree)
{
	unsigned mask = 0;
	struct err err;

	if (op_parse(&mask, name, strlen(name),
		     tree ? OP_KIND_TREE : OP_KIND_REF, &err) < 0) {
		if (op_parse(&mask, name, strlen(name),
			     tree ? OP_KIND_REF : OP_KIND_TREE, &err) == 0)
			fprintf(stderr, "error: '%s' is a %s op: %s\n", name,
				tree ? "ref" : "tree",
				tree ? "give no <path>" : "give a <path>");
		else
			fprintf(stderr, "error: %s\n", err.msg);
		return -1;
	}
	if (strcmp(op_name((enum op)mask), "?") == 0) {
		fprintf(stderr, "error: '%s' names several ops: ask for one\n",
			name);
		return -1;
	}
	*out = (enum op)mask;
	return 0;
}

static void explain_print(const struct policy_verdict *v, const char *error)
{
	size_t i;

	if (v->allowed && v->file != NULL) {
		printf("allowed by %s:%u: %s\n", v->file, v->line, v->pattern);
		return;
	}
	if (v->builtin != NULL && error == NULL) {
		printf("%s: %s\n", v->allowed ? "allowed" : "denied",
		       v->builtin);
		return;
	}
	if (error != NULL) {
		printf("denied: the policy does not load: %s\n", error);
		return;
	}
	printf("denied: no rule allows it\n");
	for (i = 0; i < v->nscopes; i++) {
		if (v->scopes[i].section != NULL)
			printf("consulted: %s [%s] (line %u)\n",
			       v->scopes[i].file, v->scopes[i].section,
			       v->scopes[i].line);
		else
			printf("consulted: %s\n", v->scopes[i].file);
	}
	if (v->scopes_total > v->nscopes)
		printf("consulted: and %zu more\n",
		       v->scopes_total - v->nscopes);
	if (v->scopes_total == 0)
		printf("consulted: no rule file reaches this ref\n");
}

int cmd_acl_explain(int argc, char **argv)
{
	struct acl_load load = {0};
	struct policy_request request;
	struct policy_verdict verdict;
	struct err err = {""};
	char ref[4096];
	int nargs, status;

	if ((status = cli_parse(&explain_command, argc, argv, &nargs)) >= 0)
		goto done;
	status = CLI_EXIT_USAGE;
	if (explain_as == NULL || (nargs != 2 && nargs != 3)) {
		cli_usage(stderr, &explain_command);
		goto done;
	}
	if (!userid_is_valid(explain_as, strlen(explain_as))) {
		fprintf(stderr, "error: --as '%s' is not a user id (40 "
				"upper-case hex digits)\n",
			explain_as);
		goto done;
	}
	memset(&request, 0, sizeof(request));
	if (explain_op(&request.op, argv[0], nargs == 3) < 0)
		goto done;
	/* like git, take "heads/main" and "refs/heads/main" alike */
	snprintf(ref, sizeof(ref), "%s%s",
		 strncmp(argv[1], "refs/", 5) == 0 ? "" : "refs/", argv[1]);
	if ((status = acl_load(&load, &explain_owners)) != 0)
		goto done;
	request.user = explain_as;
	request.owners = load.owners;
	request.nowners = load.nowners;
	request.ref = ref;
	if (nargs == 3) {
		request.path = argv[2];
		request.path_len = strlen(argv[2]);
	}
	if (policy_check(load.policy, &request, &verdict, &err) < 0) {
		status = cli_fatal("%s", err.msg);
		goto done;
	}
	explain_print(&verdict,
		      load.policy == NULL && !verdict.allowed
			      ? load.policy_error
			      : NULL);
	status = verdict.allowed ? CLI_EXIT_OK : CLI_EXIT_FAILED;
done:
	acl_load_dispose(&load);
	cli_list_dispose(&explain_owners);
	return status;
}
