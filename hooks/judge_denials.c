/* judge_denials: the denials of a push, and the policy's "no" (SPEC 6) */
#include "judge_denials.h"
#include "judge_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../common/quote.h"

bool judge__enough(const struct judge *judge)
{
	return judge->ndenials > judge->config.max_denials;
}

size_t judge__counted(const struct judge *judge)
{
	return judge->treediff != NULL
		       ? treediff_entries_counted(judge->treediff)
		       : 0;
}

int judge__add(struct judge *judge, struct buf *line, struct buf *hint,
	       size_t counted, struct err *err)
{
	size_t n = judge->ndenials, i;

	/* the net change and a commit often charge the very same op */
	for (i = 0; i < n && i < judge->config.max_denials; i++)
		if (strcmp(judge->denials[i].line, buf_cstr(line)) == 0)
			return 0;
	if (n < judge->config.max_denials) {
		struct judge_denial *d;

		if (n == judge->denials_alloc) {
			size_t want = n < 8 ? 8 : 2 * n;

			if (want > judge->config.max_denials)
				want = judge->config.max_denials;
			if (want > SIZE_MAX / sizeof(*d) ||
			    (d = realloc(judge->denials, want * sizeof(*d))) ==
				    NULL)
				return err_set(err, "out of memory");
			judge->denials = d;
			judge->denials_alloc = want;
		}
		d = &judge->denials[n];
		d->counted = counted;
		if ((d->line = buf_detach(line)) == NULL ||
		    (d->hint = buf_detach(hint)) == NULL) {
			free(d->line);
			d->line = NULL;
			return err_set(err, "out of memory");
		}
	}
	judge->ndenials++;
	return 0;
}

void judge__denials_dispose(struct judge *judge)
{
	size_t i, kept = judge->ndenials < judge->config.max_denials
				 ? judge->ndenials
				 : judge->config.max_denials;

	for (i = 0; i < kept; i++) {
		free(judge->denials[i].line);
		free(judge->denials[i].hint);
	}
	free(judge->denials);
	judge->denials = NULL;
}

int judge__put_ref(struct buf *out, const char *ref)
{
	const char *name = strncmp(ref, "refs/", 5) == 0 ? ref + 5 : ref;

	return quote_controls(out, name, strlen(name));
}

/* The hint for a policy denial: a built-in's reason or where rules live. */
static int judge_put_hint(struct buf *hint, const struct judge *judge,
			  const struct policy_verdict *verdict, enum op op)
{
	/* policy_load() quotes its message already (diag_format()) */
	if (judge->policy == NULL && judge->policy_error != NULL)
		return buf_printf(hint, "hint: the policy does not load: %s",
				  judge->policy_error);
	if (verdict->builtin != NULL)
		return buf_printf(hint, "hint: %s", verdict->builtin);
	return buf_printf(hint,
			  "hint: no rule in %s*.conf of " POLICY_REF
			  " allows it",
			  op_kind_of(op) == OP_KIND_REF ? "refs/" : "branches/");
}

int judge__ask(struct judge *judge, const char *user, enum op op,
	       const char *ref, const char *path, size_t path_len,
	       const char *kind, const char *commit, struct err *err)
{
	struct policy_request request = {user, judge->config.owners,
					 judge->config.nowners, ref, op, path,
					 path_len};
	struct policy_verdict verdict;
	struct buf line = BUF_INIT, hint = BUF_INIT;
	const char *what = kind != NULL ? kind : "commit";
	int error = -1;

	if (policy_check(judge->policy, &request, &verdict, err) < 0)
		return -1;
	if (verdict.allowed)
		return 0;
	if (buf_printf(&line, "denied: %s may not %s ", user, op_name(op)) < 0)
		goto oom;
	if (path != NULL && (quote_path(&line, path, path_len) < 0 ||
			     buf_puts(&line, " on ") < 0))
		goto oom;
	if (judge__put_ref(&line, ref) < 0 ||
	    (commit != NULL &&
	     buf_printf(&line, " (%s %s)", what, commit) < 0) ||
	    judge_put_hint(&hint, judge, &verdict, op) < 0)
		goto oom;
	error = judge__add(judge, &line, &hint, judge__counted(judge), err);
	goto done;
oom:
	err_set(err, "out of memory");
done:
	buf_dispose(&line);
	buf_dispose(&hint);
	return error;
}
