/* judge_history: tree ops charged to a ref update, asked of the policy */
#include "judge_history.h"
#include "judge_denials.h"
#include "judge_int.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../adapters/treediff.h"
#include "../common/buf.h"
#include "../common/quote.h"
#include "../policy/attestpath.h"
#include "gate.h"

/* treediff callbacks return this once enough denials prove the verdict */
#define JUDGE_ENOUGH (-2)

static int judge_history_git_error(struct err *err, const char *what)
{
	const git_error *e = git_error_last();

	return err_set(err, "%s: %s", what,
		       e && e->message ? e->message : "unknown error");
}

/*
 * SPEC 11: on refs/apps/attestations, whatever the policy says, a pusher
 * writes only the layout's directories and files named by their own id.
 * *refused is true when it recorded a denial for op at path.
 */
static int judge_attestation_op(struct judge_charge *charge, bool *refused,
				enum op op, const char *path, size_t path_len,
				struct err *err)
{
	struct judge *judge = charge->judge;
	struct buf line = BUF_INIT, hint = BUF_INIT;
	const char *why;
	int error = -1;

	*refused = false;
	if (strcmp(charge->ref, GATE_REF) != 0)
		return 0;
	why = attestpath_refuse(path, path_len, op,
				treediff_reported_mode(judge->treediff),
				charge->user);
	if (why == NULL)
		return 0;
	*refused = true;
	if (buf_printf(&line, "denied: %s may not %s ", charge->user,
		       op_name(op)) < 0 ||
	    quote_path(&line, path, path_len) < 0 ||
	    buf_puts(&line, " on ") < 0 ||
	    judge__put_ref(&line, charge->ref) < 0 ||
	    buf_printf(&line, " (commit %s): %s", charge->commit, why) < 0 ||
	    buf_puts(&hint, "hint: on " GATE_REF " each pusher writes only "
			    "<aa>/<bb>/<rest>/<kind>/<own id>, regular files "
			    "(see git-mr(1))") < 0) {
		err_set(err, "out of memory");
		goto done;
	}
	error = judge__add(judge, &line, &hint, judge__counted(judge), err);
done:
	buf_dispose(&line);
	buf_dispose(&hint);
	return error;
}

static int judge_tree_op(unsigned ops, const char *path, size_t path_len,
			 void *payload)
{
	struct judge_charge *charge = payload;
	unsigned bit;
	bool refused;

	for (bit = 1; bit != 0 && bit <= ops; bit <<= 1) {
		if (!(ops & bit))
			continue;
		if (judge_attestation_op(charge, &refused, (enum op)bit, path,
					 path_len, charge->err) < 0)
			return -1;
		if (!refused &&
		    judge__ask(charge->judge, charge->user, (enum op)bit,
			       charge->ref, path, path_len, NULL,
			       charge->commit, charge->err) < 0)
			return -1;
		if (judge__enough(charge->judge))
			return JUDGE_ENOUGH;
	}
	return 0;
}

int judge__tree_of(git_oid *out, git_repository *repo,
		   const git_oid *commit_id, struct err *err)
{
	git_commit *commit = NULL;

	if (git_commit_lookup(&commit, repo, commit_id) < 0)
		return judge_history_git_error(err, "cannot read commit");
	git_oid_cpy(out, git_commit_tree_id(commit));
	git_commit_free(commit);
	return 0;
}

int judge__compare(struct judge *judge, struct judge_charge *charge,
		   const git_oid *new_tree, const git_oid *base_commits,
		   size_t nbases, struct err *err)
{
	git_oid *trees = NULL;
	size_t i;
	int rc = -1;

	if (nbases > 0 && (trees = calloc(nbases, sizeof(*trees))) == NULL)
		return err_set(err, "out of memory");
	for (i = 0; i < nbases; i++)
		if (judge__tree_of(&trees[i], judge->repo, &base_commits[i],
				   err) < 0)
			goto done;
	rc = treediff_compare(judge->treediff, new_tree, trees, nbases,
			      judge_tree_op, charge, err);
	if (rc == JUDGE_ENOUGH)
		rc = 0;
done:
	free(trees);
	return rc < 0 ? -1 : 0;
}

/* Each commit new to the ref against its own parents (SPEC 4 History). */
int judge__history(struct judge *judge, struct judge_charge *charge,
		   const struct walk *walk, size_t from, size_t to,
		   struct err *err)
{
	git_commit *commit = NULL;
	git_oid *parents = NULL;
	size_t i, j;
	int error = -1;

	for (i = from; i < to && !judge__enough(judge); i++) {
		size_t n;

		if (git_commit_lookup(&commit, judge->repo, &walk->commits[i]) <
		    0) {
			judge_history_git_error(err, "cannot read commit");
			goto done;
		}
		n = git_commit_parentcount(commit);
		free(parents);
		if ((parents = calloc(n ? n : 1, sizeof(*parents))) == NULL) {
			err_set(err, "out of memory");
			goto done;
		}
		for (j = 0; j < n; j++)
			git_oid_cpy(&parents[j], git_commit_parent_id(commit, j));
		git_oid_tostr(charge->commit, sizeof(charge->commit),
			      &walk->commits[i]);
		if (judge__compare(judge, charge, git_commit_tree_id(commit),
				   parents, n, err) < 0)
			goto done;
		git_commit_free(commit);
		commit = NULL;
	}
	error = 0;
done:
	free(parents);
	git_commit_free(commit);
	return error;
}
