/* mr_gate: before merge pushes, whether the target may move to what it
   would push, by the hook's own decision (SPEC 11: hooks/gate.c) */
#include <stdio.h>
#include <string.h>

#include "../hooks/gate.h"
#include "mr.h"

/*
 * Ask gate_check() about moving ref (refs/heads/...) from old to new,
 * with the local refs/apps/attestations as just fetched and the current
 * policy.  Prints every requirement: a missing one in the hook's words
 * (gate_describe), a met one with the attesters that counted.  Returns 0
 * when all are met, CLI_EXIT_FAILED when one is missing, or an exit code
 * after printing why it could not tell (merge then refuses too: the hook
 * would decide, but nothing is pushed on a guess).
 */
int mr_gate_check(struct mr_ctx *ctx, const char *ref, const git_oid *old,
		  const git_oid *new, const char *what)
{
	struct mr_roles roles;
	struct gate_report report;
	struct gate_input in;
	struct err err = {{0}};
	struct buf line = BUF_INIT, name = BUF_INIT;
	size_t i, j;
	int status = CLI_EXIT_FATAL;

	memset(&in, 0, sizeof(in));
	memset(&report, 0, sizeof(report));
	mr_roles_load(ctx, &roles);
	if (roles.policy == NULL) {
		mr_roles_free(&roles);
		return cli_fatal("%s does not load: cannot tell whether %s may "
				 "move; not merging",
				 POLICY_REF, ref);
	}
	in.user = ctx->me;
	/* the client cannot know gitapps.owner: @owner counts nobody here */
	in.ref = ref;
	in.old = old;
	in.new = new;
	if (gate_check(&report, ctx->repo, roles.policy, &in, &err) < 0) {
		cli_fatal("%s", err.msg);
		goto done;
	}
	for (i = 0; i < report.count; i++) {
		const struct gate_item *item = &report.items[i];

		buf_clear(&line);
		if (gate_describe(&line, item) < 0) {
			cli_fatal("out of memory");
			goto done;
		}
		if (!item->result.met) {
			fprintf(stderr, "error: %s: %s\n", ref, buf_cstr(&line));
			continue;
		}
		printf("%s: %s:", ref, buf_cstr(&line));
		for (j = 0; j < item->result.have; j++) {
			buf_clear(&name);
			names_display(&name, &ctx->names,
				      item->result.counted[j]);
			printf("%s %s", j ? "," : "", buf_cstr(&name));
		}
		putchar('\n');
	}
	if (report.missing > 0) {
		fprintf(stderr, "error: not merging %s: %zu requirement%s of "
				"%s not met (git mr approve; the CI bot)\n",
			what, report.missing, report.missing == 1 ? "" : "s",
			ref);
		status = CLI_EXIT_FAILED;
		goto done;
	}
	status = 0;
done:
	gate_report_dispose(&report);
	mr_roles_free(&roles);
	buf_dispose(&line);
	buf_dispose(&name);
	return status;
}
