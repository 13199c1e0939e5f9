/* mr_gate: whether a target may move to a revision, by the hook's own
   decision (SPEC 11: hooks/gate.c), before merge pushes and in show */
#include <stdio.h>
#include <string.h>

#include "../hooks/gate.h"
#include "mr.h"

/*
 * gate_check() on moving ref from old to new, with the local
 * refs/apps/attestations as fetched and the current policy.  The client
 * cannot know gitapps.owner: @owner counts nobody here.  Returns 0 with
 * *report filled, or an exit code after printing why it cannot tell;
 * either way the caller frees *roles, which the report borrows from.
 */
static int mr_gate_read(struct mr_ctx *ctx, struct mr_roles *roles,
			struct gate_report *report, const char *ref,
			const git_oid *old, const git_oid *new)
{
	struct gate_input in;
	struct err err = {{0}};

	memset(&in, 0, sizeof(in));
	memset(report, 0, sizeof(*report));
	mr_roles_load(ctx, roles);
	if (roles->policy == NULL)
		return cli_fatal("%s does not load: cannot tell whether %s may "
				 "move",
				 POLICY_REF, ref);
	in.user = ctx->me;
	in.ref = ref;
	in.old = old;
	in.new = new;
	if (gate_check(report, ctx->repo, roles->policy, &in, &err) < 0)
		return cli_fatal("%s", err.msg);
	return 0;
}

/* "needs 1 approved by maintainers, has 1 (<ID>)" and who counted. */
static int mr_gate_line(struct buf *line, struct mr_ctx *ctx,
			const struct gate_item *item)
{
	size_t j;

	if (gate_describe(line, item) < 0)
		return -1;
	for (j = 0; j < item->result.have; j++)
		if (buf_puts(line, j ? ", " : ": ") < 0 ||
		    names_display(line, &ctx->names,
				  item->result.counted[j]) < 0)
			return -1;
	return 0;
}

int mr_gate_check(struct mr_ctx *ctx, const char *ref, const git_oid *old,
		  const git_oid *new, const char *what)
{
	struct mr_roles roles;
	struct gate_report report;
	struct buf line = BUF_INIT;
	size_t i;
	int status = mr_gate_read(ctx, &roles, &report, ref, old, new);

	if (status != 0)
		goto done;
	for (i = 0; i < report.count; i++) {
		const struct gate_item *item = &report.items[i];

		buf_clear(&line);
		if (mr_gate_line(&line, ctx, item) < 0) {
			status = cli_fatal("out of memory");
			goto done;
		}
		if (item->result.met)
			printf("%s: %s\n", ref, buf_cstr(&line));
		else
			fprintf(stderr, "error: %s: %s\n", ref,
				buf_cstr(&line));
	}
	if (report.missing > 0) {
		fprintf(stderr, "error: not merging %s: %zu requirement%s of "
				"%s not met (git mr approve; the CI bot)\n",
			what, report.missing, report.missing == 1 ? "" : "s",
			ref);
		status = CLI_EXIT_FAILED;
	}
done:
	gate_report_dispose(&report);
	mr_roles_free(&roles);
	buf_dispose(&line);
	return status;
}

int mr_gate_show(struct mr_ctx *ctx, const char *ref, const git_oid *old,
		 const git_oid *new, unsigned long k)
{
	struct mr_roles roles;
	struct gate_report report;
	struct buf line = BUF_INIT;
	size_t i;
	int status = mr_gate_read(ctx, &roles, &report, ref, old, new);

	if (status == 0 && report.count > 0)
		printf("gate:      %s, revision %lu\n", ref, k);
	for (i = 0; i < report.count && status == 0; i++) {
		buf_clear(&line);
		if (mr_gate_line(&line, ctx, &report.items[i]) < 0)
			status = cli_fatal("out of memory");
		else
			printf("  %s: %s\n",
			       report.items[i].result.met ? "met" : "missing",
			       buf_cstr(&line));
	}
	gate_report_dispose(&report);
	mr_roles_free(&roles);
	buf_dispose(&line);
	return status;
}
