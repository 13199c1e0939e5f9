/* judge_gate: a protected ref moves only to an attested commit (SPEC 11) */
#include "judge_gate.h"
#include "judge_int.h"

#include <string.h>

#include "../common/buf.h"
#include "../common/quote.h"
#include "gate.h"
#include "judge_denials.h"
#include "refop.h"

/*
 * The op a denial names.  judge_command() may leave a fast-forward
 * unsettled as OP_FORCE when the rules allow both (nothing printed it
 * then); a gate denial prints it, so it is settled here, on the denial's
 * path only.
 */
static int judge_gate_op(enum op *op, struct judge *judge,
			 const git_oid *old, const git_oid *new,
			 const char *ref, struct err *err)
{
	if (*op != OP_FORCE)
		return 0;
	return refop_classify(op, judge->repo, old, new, ref, err);
}

static int judge_gate_deny(struct judge *judge, const char *user,
			   enum op op, const char *ref,
			   const struct gate_report *report,
			   const struct gate_item *item, struct err *err)
{
	struct buf line = BUF_INIT, hint = BUF_INIT;
	const char *name = strncmp(ref, "refs/", 5) == 0 ? ref + 5 : ref;
	char commit[13];
	int error = -1;

	git_oid_tostr(commit, sizeof(commit), &report->commit);
	if (buf_printf(&line, "denied: %s may not %s ", user, op_name(op)) <
		    0 ||
	    quote_controls(&line, name, strlen(name)) < 0 ||
	    buf_printf(&line, " (commit %s): ", commit) < 0 ||
	    gate_describe(&line, item) < 0 ||
	    buf_puts(&hint, "hint: required by ") < 0 ||
	    quote_controls(&hint, item->requirement.file,
			   strlen(item->requirement.file)) < 0 ||
	    buf_printf(&hint,
		       ":%u of " POLICY_REF "; attestations on " GATE_REF
		       " count only once they are there before this push",
		       item->requirement.line) < 0) {
		err_set(err, "out of memory");
		goto done;
	}
	error = judge__add(judge, &line, &hint, 0, err);
done:
	buf_dispose(&line);
	buf_dispose(&hint);
	return error;
}

int judge__gate(struct judge *judge, const char *user, enum op op,
		const git_oid *old, const git_oid *new, const char *ref,
		struct err *err)
{
	struct gate_input in = {user,
				judge->config.owners,
				judge->config.nowners,
				ref,
				old,
				new,
				judge->config.attest_new,
				judge->config.banned,
				judge->config.banned_payload};
	struct gate_report report;
	size_t i;
	int error = -1;

	if (op == OP_DELETE || judge->policy == NULL)
		return 0;
	if (gate_check(&report, judge->repo, judge->policy, &in, err) < 0)
		return -1;
	if (report.missing > 0 &&
	    judge_gate_op(&op, judge, old, new, ref, err) < 0)
		goto done;
	for (i = 0; i < report.count; i++)
		if (!report.items[i].result.met &&
		    judge_gate_deny(judge, user, op, ref, &report,
				    &report.items[i], err) < 0)
			goto done;
	error = 0;
done:
	gate_report_dispose(&report);
	return error;
}
