/* acl_explain: `git acl explain`: which rule allows an op, or why none */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/buf.h"
#include "../common/quote.h"
#include "../policy/userid.h"
#include "acl.h"
#include "acl_gate.h"
#include "acl_load.h"

static const char *explain_as;
static struct cli_list explain_owners;
static const char *explain_to;
static const char *explain_from;

static const struct cli_opt explain_opts[] = {
	{"as", 0, CLI_OPT_STRING, &explain_as, "<ID>",
	 "the pusher (40 upper-case hex digits)"},
	{"owner", 0, CLI_OPT_LIST, &explain_owners, "<ID>",
	 "an owner, instead of gitapps.owner"},
	{"to", 0, CLI_OPT_STRING, &explain_to, "<commit>",
	 "for a ref op: the new value, whose attestations are counted"},
	{"from", 0, CLI_OPT_STRING, &explain_from, "<commit>",
	 "with --to: the ref's old value (default: the ref's value here)"},
};

static const struct cli_command explain_command = {
	"git acl explain [--owner <ID>]... --as <ID> [--to <commit> "
	"[--from <commit>]] <op> <ref> [<path>]",
	"Say which rule of refs/apps/access-control allows <op> (a ref op,\n"
	"or with <path> a tree op) on <ref>, or which files and sections\n"
	"were consulted when none does.  For a ref that require rules\n"
	"protect, list the requirements: with --to, each met or missing for\n"
	"that commit and the attestations that counted, as the hook counts\n"
	"them.  Exit 0 allowed, 1 denied.",
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

/* A commit-ish, or the ref's value here for NULL (zero when none). */
static int explain_oid(git_oid *out, git_repository *repo, const char *spec,
		       const char *ref)
{
	git_object *obj = NULL;

	memset(out, 0, sizeof(*out));
	if (spec == NULL) {
		int rc = git_reference_name_to_id(out, repo, ref);

		return rc == 0 || rc == GIT_ENOTFOUND ? 0 : -1;
	}
	if (git_revparse_single(&obj, repo, spec) < 0)
		return -1;
	git_oid_cpy(out, git_object_id(obj));
	git_object_free(obj);
	return 0;
}

/* Without --to: what the ref requires, uncounted. */
static int explain_requirements(struct policy *policy, const char *ref)
{
	struct policy_requirement *reqs = NULL;
	struct err err = {""};
	size_t n = 0, i;

	if (policy_requirements(policy, ref, &reqs, &n, &err) < 0)
		return cli_fatal("%s", err.msg);
	for (i = 0; i < n; i++) {
		struct buf line = BUF_INIT;
		int bad = buf_printf(&line, "requires: %u %s%s by %s (",
				     reqs[i].count, reqs[i].kind,
				     reqs[i].not_self ? "!self" : "",
				     reqs[i].group) < 0 ||
			  quote_controls(&line, reqs[i].file,
					 strlen(reqs[i].file)) < 0 ||
			  buf_printf(&line, ":%u)", reqs[i].line) < 0;

		if (!bad)
			printf("%s\n", buf_cstr(&line));
		buf_dispose(&line);
		if (bad) {
			free(reqs);
			return cli_fatal("out of memory");
		}
	}
	free(reqs);
	return CLI_EXIT_OK;
}

/* With --to: each requirement met or missing (SPEC 11), *missing set. */
static int explain_gate(struct acl_load *load, const char *ref,
			bool *missing)
{
	git_oid old, new;
	struct gate_input in = {explain_as, load->owners, load->nowners, ref,
				&old,	    &new,	 NULL,		NULL,
				NULL};
	struct gate_report report;
	struct err err = {""};
	int status = CLI_EXIT_OK;

	*missing = false;
	if (explain_oid(&new, load->repo, explain_to, ref) < 0 ||
	    explain_oid(&old, load->repo, explain_from, ref) < 0)
		return cli_fatal("cannot resolve '%s'",
				 explain_from != NULL ? explain_from
						      : explain_to);
	if (gate_check(&report, load->repo, load->policy, &in, &err) < 0)
		return cli_fatal("%s", err.msg);
	if (acl_gate_print(stdout, &report, false) < 0)
		status = cli_fatal("out of memory");
	*missing = report.missing > 0;
	gate_report_dispose(&report);
	return status;
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
	if (nargs == 2 && request.op != OP_DELETE && load.policy != NULL) {
		bool missing = false;
		int gate = explain_to != NULL
				   ? explain_gate(&load, ref, &missing)
				   : explain_requirements(load.policy, ref);

		if (gate != CLI_EXIT_OK)
			status = gate;
		else if (missing)
			status = CLI_EXIT_FAILED;
	} else if (explain_to != NULL || explain_from != NULL) {
		status = CLI_EXIT_USAGE;
		fprintf(stderr, "error: --to and --from go with a ref op that "
				"moves the ref\n");
	}
done:
	acl_load_dispose(&load);
	cli_list_dispose(&explain_owners);
	return status;
}
