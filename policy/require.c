/* require: the `require` lines of refs/ files, and counting what they
   demand (SPEC 11) */
#include "require.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy_int.h"

/*
 * The refs require never gates (SPEC 11), as names less `refs/`: the
 * owner's repair of the policy must never wait for an attestation, and
 * attestations and the audit log have rules of their own.
 */
static const char *const require_reserved[] = {
	"apps/access-control",
	"apps/attestations",
	"apps/audit",
};

#define REQUIRE_NRESERVED                                                      \
	(sizeof(require_reserved) / sizeof(require_reserved[0]))

static const char *require_pattern_body(const struct match_pattern *pattern)
{
	const char *text = match_pattern_text(pattern);

	return text[0] == '^' ? text + 1 : text;
}

/*
 * Whether req's pattern matches one of the reserved refs: the first it
 * matches (or cannot decide for: a load must then fail too), or NULL.
 */
static const char *require_hits_reserved(struct policy *policy,
					 const struct rule_require *req)
{
	struct err err;
	size_t i;

	/* only an `apps/` pattern reaches refs/apps/ (SPEC 5) */
	if (strncmp(require_pattern_body(req->pattern), "apps/", 5) != 0)
		return NULL;
	for (i = 0; i < REQUIRE_NRESERVED; i++)
		if (match_exec(req->pattern, policy->env, NULL,
			       require_reserved[i], strlen(require_reserved[i]),
			       &err) != 0)
			return require_reserved[i];
	return NULL;
}

int policy__link_requires(struct policy *policy, struct diag_list *diags)
{
	size_t i;

	for (i = 0; i < policy->rules.nrequires; i++) {
		struct rule_require *req = &policy->rules.requires[i];
		const char *hit = require_hits_reserved(policy, req);

		req->group_index = group_find(&policy->groups, req->group,
					      strlen(req->group));
		if (req->group_index == GROUP_NONE &&
		    diag_add(diags, DIAG_ERROR, req->file, req->line,
			     "unknown group '%s'", req->group) < 0)
			return -1;
		if (hit != NULL &&
		    diag_add(diags, DIAG_ERROR, req->file, req->line,
			     "require pattern '%s' matches %s: requirements "
			     "never gate refs/apps/access-control, "
			     "refs/apps/attestations or refs/apps/audit",
			     match_pattern_text(req->pattern), hit) < 0)
			return -1;
	}
	return 0;
}

bool policy_has_requirements(const struct policy *policy)
{
	return policy != NULL && policy->rules.nrequires > 0;
}

static bool require_ref_is_reserved(const char *name)
{
	size_t i;

	for (i = 0; i < REQUIRE_NRESERVED; i++)
		if (strcmp(name, require_reserved[i]) == 0)
			return true;
	return false;
}

/* Append the items of req to *items (n used of *alloc). */
static int require_append(struct policy_requirement **items, size_t *n,
			  size_t *alloc, const struct rule_require *req)
{
	size_t i;

	if (req->nitems > *alloc - *n) {
		size_t want = *n + req->nitems;
		size_t grown = *alloc * 2 > want ? *alloc * 2 : want;
		struct policy_requirement *p;

		if (grown > SIZE_MAX / sizeof(**items) ||
		    (p = realloc(*items, grown * sizeof(**items))) == NULL)
			return -1;
		*items = p;
		*alloc = grown;
	}
	for (i = 0; i < req->nitems; i++) {
		struct policy_requirement *r = &(*items)[(*n)++];

		r->file = req->file;
		r->line = req->line;
		r->group = req->group;
		r->count = req->items[i].count;
		r->kind = req->items[i].kind;
		r->not_self = req->items[i].not_self;
	}
	return 0;
}

int policy_requirements(struct policy *policy, const char *ref,
			struct policy_requirement **out, size_t *count,
			struct err *err)
{
	struct policy_requirement *items = NULL;
	size_t n = 0, alloc = 0, i;
	const char *name;
	int error = -1;

	*out = NULL;
	*count = 0;
	if (ref == NULL || strncmp(ref, "refs/", 5) != 0)
		return err_set(err, "ref name must start with 'refs/'");
	name = ref + 5;
	if (policy == NULL || require_ref_is_reserved(name))
		return 0;
	for (i = 0; i < policy->rules.nrequires; i++) {
		const struct rule_require *req = &policy->rules.requires[i];
		int matched;

		if (!policy__ref_pattern_reaches(req->pattern, ref))
			continue;
		matched = match_exec(req->pattern, policy->env, NULL, name,
				     strlen(name), err);
		if (matched < 0) {
			struct err why = *err;

			err_set(err, "%s:%u: %s", req->file, req->line,
				why.msg);
			goto done;
		}
		if (matched && require_append(&items, &n, &alloc, req) < 0) {
			err_set(err, "out of memory");
			goto done;
		}
	}
	*out = items;
	*count = n;
	items = NULL;
	error = 0;
done:
	free(items);
	return error;
}

static bool require_id_in(const char *id, const char *const *ids, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ids[i] != NULL && strcmp(ids[i], id) == 0)
			return true;
	return false;
}

static int require_compare_ids(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * Whether attester id counts for req.  Returns 1 or 0, or -1 with err set
 * when the ban callback cannot tell (never read that as "not banned").
 */
static int require_counts(struct policy *policy,
			  const struct policy_requirement *req, const char *id,
			  const char *pusher, const char *const *owners,
			  size_t nowners, const char *const *excluded,
			  size_t nexcluded, policy_banned_fn banned,
			  void *payload, struct err *err)
{
	bool is_owner = require_id_in(id, owners, nowners);
	int is_banned = 0;

	/* !self: the pusher and the authors attest nothing of their own */
	if (req->not_self && ((pusher != NULL && strcmp(id, pusher) == 0) ||
			      require_id_in(id, excluded, nexcluded)))
		return 0;
	/*
	 * SPEC 2, 11: banned ids are members of nothing; a ban never
	 * applies to an owner (as policy_in_group() has it).
	 */
	if (!is_owner)
		is_banned = banned != NULL ? banned(id, payload, err)
					   : policy_is_banned(policy, id);
	if (is_banned != 0)
		return is_banned < 0 ? -1 : 0;
	return policy_in_group(policy, id, is_owner, req->group);
}

int policy_require_count(struct policy *policy,
			 const struct policy_requirement *requirement,
			 const char *pusher, const char *const *owners,
			 size_t nowners, const char *const *attesters,
			 size_t nattesters, const char *const *excluded,
			 size_t nexcluded, policy_banned_fn banned,
			 void *payload, struct policy_require_result *out,
			 struct err *err)
{
	const char **ids = NULL;
	size_t n = 0, i;
	int error = -1;

	memset(out, 0, sizeof(*out));
	if (policy == NULL || requirement == NULL)
		return err_set(err, "no policy or requirement to count");
	if (nattesters > 0 &&
	    ((ids = calloc(nattesters, sizeof(*ids))) == NULL ||
	     (out->counted = calloc(nattesters, sizeof(*out->counted))) ==
		     NULL)) {
		err_set(err, "out of memory");
		goto done;
	}
	/* ids that are no user id never count, so they never reach a group */
	for (i = 0; i < nattesters; i++)
		if (attesters[i] != NULL &&
		    userid_is_valid(attesters[i], strlen(attesters[i])))
			ids[n++] = attesters[i];
	if (n > 0)
		qsort(ids, n, sizeof(*ids), require_compare_ids);
	for (i = 0; i < n; i++) {
		int counts;

		if (i > 0 && strcmp(ids[i], ids[i - 1]) == 0)
			continue;	/* one attester counts once */
		counts = require_counts(policy, requirement, ids[i], pusher,
					owners, nowners, excluded, nexcluded,
					banned, payload, err);
		if (counts < 0)
			goto done;
		if (counts)
			memcpy(out->counted[out->have++], ids[i],
			       USERID_LEN + 1);
	}
	out->met = out->have >= requirement->count;
	error = 0;
done:
	free(ids);
	if (error < 0 || out->have == 0) {
		free(out->counted);
		out->counted = NULL;
	}
	if (error < 0)
		memset(out, 0, sizeof(*out));
	return error;
}

void policy_require_result_dispose(struct policy_require_result *result)
{
	if (result == NULL)
		return;
	free(result->counted);
	memset(result, 0, sizeof(*result));
}

/*
 * Lint (SPEC 11) asks policy_check() on behalf of stand-in users: one
 * owner, one id in no group (for `anyone` and $user_id rules), and every
 * id the policy names, in rules and groups, that is not banned.
 */
static const char require_lint_owner[] =
	"0123456789ABCDEF0123456789ABCDEF01234567";
static const char require_lint_nobody[] =
	"FEEDFACEFEEDFACEFEEDFACEFEEDFACEFEEDFACE";

struct require_lint {
	struct policy *policy;
	const char **ids;	/* borrowed; the owner last */
	size_t nids;
};

static int require_lint_init(struct require_lint *lint, struct policy *policy)
{
	const struct group_set *groups = &policy->groups;
	size_t n = 2 + policy->rules.count, i, j;

	lint->policy = policy;
	lint->nids = 0;
	for (i = 0; i < groups->count; i++)
		n += groups->groups[i].count;
	if ((lint->ids = calloc(n, sizeof(*lint->ids))) == NULL)
		return -1;
	lint->ids[lint->nids++] = require_lint_nobody;
	for (i = 0; i < policy->rules.count; i++)
		if (policy->rules.rules[i].who_kind == RULE_WHO_USER)
			lint->ids[lint->nids++] = policy->rules.rules[i].who;
	for (i = 0; i < groups->count; i++)
		for (j = 0; j < groups->groups[i].count; j++)
			if (groups->groups[i].members[j].kind ==
			    GROUP_MEMBER_USER)
				lint->ids[lint->nids++] =
					groups->groups[i].members[j].name;
	/* a banned id identifies nobody (SPEC 2), so writes nothing */
	for (i = j = 0; i < lint->nids; i++)
		if (!policy_is_banned(policy, lint->ids[i]))
			lint->ids[j++] = lint->ids[i];
	lint->nids = j;
	lint->ids[lint->nids++] = require_lint_owner;
	return 0;
}

/*
 * The first stand-in user that may do op on ref (a tree op: at dir
 * followed by the user's id), with the verdict in *v: 1, 0 when none may,
 * or -1 when a rule could not decide (a pattern at its match limit).
 */
static int require_lint_someone_may(struct require_lint *lint,
				    const char *ref, enum op op,
				    const char *dir, struct policy_verdict *v)
{
	const char *owners[] = {require_lint_owner};
	char path[256];
	struct err err;
	size_t i;

	for (i = 0; i < lint->nids; i++) {
		struct policy_request req = {lint->ids[i], owners, 1, ref,
					     op, NULL, 0};
		int n;

		if (dir != NULL) {
			n = snprintf(path, sizeof(path), "%s%s", dir,
				     lint->ids[i]);
			if (n < 0 || (size_t)n >= sizeof(path))
				return -1;
			req.path = path;
			req.path_len = (size_t)n;
		}
		if (policy_check(lint->policy, &req, v, &err) < 0)
			return -1;
		if (v->allowed)
			return 1;
	}
	return 0;
}

/*
 * A required kind that nobody may write can never be met: each attester
 * writes <aa>/<bb>/<rest>/<kind>/<their id> (SPEC 11), so ask for a
 * sample commit.  A rule that cannot decide may grant: no warning.
 */
static int require_lint_kind(struct require_lint *lint,
			     const struct rule_require *req,
			     const struct rule_require_item *item,
			     struct diag_list *diags)
{
	struct policy_verdict v;
	char dir[128];
	int may;

	snprintf(dir, sizeof(dir), "00/00/%036d/%s/", 0, item->kind);
	may = require_lint_someone_may(lint, "refs/apps/attestations",
				       OP_CREATE_FILE, dir, &v);
	if (may != 0)
		return 0;
	return diag_add(diags, DIAG_WARNING, req->file, req->line,
			"required kind '%s': no rule lets anyone write it "
			"(create-file of <aa>/<bb>/<rest>/%s/<user-id> on "
			"refs/apps/attestations)",
			item->kind, item->kind);
}

/*
 * The ref a pattern names when it is a literal ("heads/main", "^heads/
 * main$"), into out as a full name; false for anything with regex syntax.
 * Which refs a real regex matches is beyond a lint, so (b) and (c) of
 * policy__lint_requires() look at literal patterns only.
 */
static bool require_lint_literal(const struct match_pattern *pattern,
				 char *out, size_t size)
{
	const char *text = match_pattern_text(pattern);
	size_t len = strlen(text);
	int n;

	if (len > 0 && text[0] == '^') {
		text++;
		len--;
	}
	if (len > 0 && text[len - 1] == '$')
		len--;
	if (len == 0 || strcspn(text, "\\^$.|?*+()[]{}") < len)
		return false;
	n = snprintf(out, size, "refs/%.*s", (int)len, text);
	return n > 0 && (size_t)n < size;
}

/* WHO of the rule that allowed v, for a message. */
static const char *require_lint_who(const struct policy *policy,
				    const struct policy_verdict *v)
{
	size_t i;

	for (i = 0; i < policy->rules.count; i++)
		if (policy->rules.rules[i].file == v->file &&
		    policy->rules.rules[i].line == v->line)
			return policy->rules.rules[i].who;
	return "someone";
}

static const enum op require_lint_moves[] = {
	OP_CREATE_BRANCH, OP_CREATE_TAG, OP_FAST_FORWARD, OP_FORCE,
};

static const enum op require_lint_rollbacks[] = {OP_FORCE, OP_DELETE};

/*
 * A literal protected ref that no rule lets anyone create or update is
 * likely a misspelling; one that someone may force or delete can go back
 * to an old attested commit without a new attestation (SPEC 11).
 */
static int require_lint_ref(struct require_lint *lint,
			    const struct rule_require *req,
			    struct diag_list *diags)
{
	const char *text = match_pattern_text(req->pattern);
	struct policy_verdict v;
	char ref[RULE_LINE_MAX + 8];
	size_t i;
	int may = 0;

	if (!require_lint_literal(req->pattern, ref, sizeof(ref)))
		return 0;
	for (i = 0; i < sizeof(require_lint_moves) /
				sizeof(require_lint_moves[0]) &&
		    may == 0;
	     i++)
		may = require_lint_someone_may(lint, ref, require_lint_moves[i],
					       NULL, &v);
	if (may == 0 &&
	    diag_add(diags, DIAG_WARNING, req->file, req->line,
		     "require pattern '%s': no ref rule lets anyone create or "
		     "update %s",
		     text, ref + 5) < 0)
		return -1;
	for (i = 0; i < sizeof(require_lint_rollbacks) /
				sizeof(require_lint_rollbacks[0]);
	     i++) {
		enum op op = require_lint_rollbacks[i];

		if (require_lint_someone_may(lint, ref, op, NULL, &v) == 1 &&
		    diag_add(diags, DIAG_WARNING, req->file, req->line,
			     "%s is protected by require but %s may %s it "
			     "(%s:%u): a rollback to an old attested commit "
			     "needs no new attestation",
			     ref + 5, require_lint_who(lint->policy, &v),
			     op_name(op), v.file ? v.file : "built in",
			     v.line) < 0)
			return -1;
	}
	return 0;
}

int policy__lint_requires(struct policy *policy, struct diag_list *diags)
{
	struct require_lint lint = {0};
	size_t i, j;
	int error = -1;

	if (policy->rules.nrequires == 0)
		return 0;
	if (require_lint_init(&lint, policy) < 0)
		goto done;
	for (i = 0; i < policy->rules.nrequires; i++) {
		const struct rule_require *req = &policy->rules.requires[i];
		const char *text = match_pattern_text(req->pattern);

		/* such a line protects nothing, and fails open silently */
		if ((strncmp(text, "refs/", 5) == 0 ||
		     strncmp(text, "^refs/", 6) == 0) &&
		    diag_add(diags, DIAG_WARNING, req->file, req->line,
			     "pattern '%s' starts with 'refs/', but ref names "
			     "are matched without it",
			     text) < 0)
			goto done;
		for (j = 0; j < req->nitems; j++)
			if (require_lint_kind(&lint, req, &req->items[j],
					      diags) < 0)
				goto done;
		if (require_lint_ref(&lint, req, diags) < 0)
			goto done;
	}
	error = 0;
done:
	free(lint.ids);
	return error;
}
