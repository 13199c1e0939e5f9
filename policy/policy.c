/* policy: load a policy's files, and policy_check(), the one decision */
#include "policy.h"

#include <stdlib.h>
#include <string.h>

#include "keypath.h"
#include "policy_int.h"

static const char policy_apps_prefix[] = "refs/apps/";
static const char policy_replace_prefix[] = "refs/replace/";

static bool policy_starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool policy_ends_with(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

/* A pattern's text less one leading `^`, as SPEC 3 and 5 read it. */
static const char *policy_pattern_body(const struct match_pattern *pattern)
{
	const char *text = match_pattern_text(pattern);

	return text[0] == '^' ? text + 1 : text;
}

static bool policy_pattern_is_all(const struct match_pattern *pattern)
{
	const char *text = match_pattern_text(pattern);

	return strcmp(text, ".*") == 0 || strcmp(text, "^.*$") == 0;
}

void policy_free(struct policy *policy)
{
	size_t i;

	if (policy == NULL)
		return;
	rule_set_dispose(&policy->rules);
	group_set_dispose(&policy->groups);
	match_env_free(policy->env);
	for (i = 0; i < policy->nkeys; i++)
		free(policy->keys[i]);
	free(policy->keys);
	for (i = 0; i < policy->nbanned; i++)
		free(policy->banned[i]);
	free(policy->banned);
	free(policy->in_group);
	free(policy->who_applies);
	free(policy->cache_ref);
	free(policy->candidates);
	free(policy);
}

/* The part of path after dir ("refs/"), when it is a plain file name. */
static const char *policy_file_in(const char *path, const char *dir)
{
	const char *name;

	if (!policy_starts_with(path, dir))
		return NULL;
	name = path + strlen(dir);
	if (*name == '\0' || strchr(name, '/') != NULL)
		return NULL;
	return name;
}

static int policy_push_id(char ***ids, size_t *n, const char *id)
{
	char **grown = realloc(*ids, (*n + 1) * sizeof(**ids));

	if (grown == NULL)
		return -1;
	*ids = grown;
	if ((grown[*n] = strdup(id)) == NULL)
		return -1;
	(*n)++;
	return 0;
}

static bool policy_id_in(char *const *ids, size_t n, const char *id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(ids[i], id) == 0)
			return true;
	return false;
}

/*
 * SPEC 2: one key file per id, never both layouts; the flat one is still
 * read, and lint asks for `git acl keys migrate`.
 */
static int policy_add_key(struct policy *policy, const char *path,
			  const char *id, struct diag_list *diags)
{
	if (policy_id_in(policy->keys, policy->nkeys, id))
		return diag_add(diags, DIAG_ERROR, path, 0,
				"user id %s has a key file in both layouts: "
				"keep keys/%.2s/%s.asc only",
				id, id, id);
	if (path[5 + 2] != '/' &&
	    diag_add(diags, DIAG_WARNING, path, 0,
		     "key file in the older flat layout: run 'git acl keys "
		     "migrate' to move it to keys/%.2s/%s.asc",
		     id, id) < 0)
		return -1;
	return policy_push_id(&policy->keys, &policy->nkeys, id);
}

static int policy_add_ban(struct policy *policy, const char *id)
{
	if (policy_id_in(policy->banned, policy->nbanned, id))
		return 0;
	return policy_push_id(&policy->banned, &policy->nbanned, id);
}

/* Sort files into the passes of policy_load(); 1 = not a rule file. */
static int policy_classify(struct policy *policy, const struct policy_file *f,
			   int pass, struct diag_list *diags)
{
	char id[USERID_LEN + 1];
	const char *name;

	if (strchr(f->path, '/') == NULL)
		return 0;	/* a README or the like at the top */
	if ((name = policy_file_in(f->path, "groups/")) != NULL &&
	    policy_ends_with(name, strlen(name), ".conf"))
		return pass == 0 ? group_parse(&policy->groups, f->path,
					       f->data, f->len, diags)
				 : 0;
	if ((name = policy_file_in(f->path, "refs/")) != NULL &&
	    policy_ends_with(name, strlen(name), ".conf"))
		return pass == 1 ? rule_parse(&policy->rules, f->path, f->data,
					      f->len, OP_KIND_REF, diags)
				 : 0;
	if ((name = policy_file_in(f->path, "branches/")) != NULL &&
	    policy_ends_with(name, strlen(name), ".conf"))
		return pass == 1 ? rule_parse(&policy->rules, f->path, f->data,
					      f->len, OP_KIND_TREE, diags)
				 : 0;
	switch (keypath_parse(f->path, strlen(f->path), id)) {
	case KEYPATH_FANOUT:
	case KEYPATH_FLAT:
		return pass == 0 ? policy_add_key(policy, f->path, id, diags)
				 : 0;
	case KEYPATH_BANNED:
		return pass == 0 ? policy_add_ban(policy, id) : 0;
	case KEYPATH_NONE:
		break;
	}
	if (pass != 0)
		return 0;
	if (policy_starts_with(f->path, "keys/"))
		return diag_add(diags, DIAG_ERROR, f->path, 0,
				"key files are named keys/<aa>/<ID>.asc, <ID> "
				"the key's 40 upper-case hex fingerprint and "
				"<aa> its first two digits");
	if (policy_starts_with(f->path, "banned/"))
		return diag_add(diags, DIAG_ERROR, f->path, 0,
				"bans are named banned/<ID>, <ID> a 40 "
				"upper-case hex user id");
	return diag_add(diags, DIAG_ERROR, f->path, 0,
			"unexpected file (rule files are refs/*.conf, "
			"branches/*.conf and groups/*.conf)");
}

static bool policy_has_key(const struct policy *policy, const char *id)
{
	return policy_id_in(policy->keys, policy->nkeys, id);
}

static int policy_warn_no_key(const struct policy *policy, const char *file,
			      unsigned line, const char *id,
			      struct diag_list *diags)
{
	if (policy_has_key(policy, id))
		return 0;
	return diag_add(diags, DIAG_WARNING, file, line,
			"user id %s has no key in keys/, so it can never push",
			id);
}

/* WHO of each rule to a group; an unknown group is an error. */
static int policy_link(struct policy *policy, struct diag_list *diags)
{
	size_t i;

	for (i = 0; i < policy->rules.count; i++) {
		struct rule *rule = &policy->rules.rules[i];
		size_t len = strlen(rule->who);
		int error = 0;

		if (rule->who_kind == RULE_WHO_USER)
			error = policy_warn_no_key(policy, rule->file,
						   rule->line, rule->who, diags);
		if (rule->who_kind != RULE_WHO_GROUP)
			goto next;
		rule->group = group_find(&policy->groups, rule->who, len);
		if (rule->group != GROUP_NONE)
			goto next;
		if (userid_looks_like(rule->who, len))
			error = diag_add(diags, DIAG_ERROR, rule->file,
					 rule->line,
					 "invalid user id '%s': user ids are "
					 "40 upper-case hex digits",
					 rule->who);
		else
			error = diag_add(diags, DIAG_ERROR, rule->file,
					 rule->line, "unknown group '%s'",
					 rule->who);
	next:
		if (error < 0)
			return -1;
	}
	return 0;
}

static int policy_lint_pattern(const struct match_pattern *pattern,
			       bool names_ref, const char *file,
			       unsigned line, struct diag_list *diags)
{
	const char *text = match_pattern_text(pattern);
	const char *misuse = match_user_id_misuse(text, strlen(text));

	if (misuse != NULL &&
	    diag_add(diags, DIAG_WARNING, file, line, "%s", misuse) < 0)
		return -1;
	if (names_ref && (policy_starts_with(text, "refs/") ||
			  policy_starts_with(text, "^refs/")))
		return diag_add(diags, DIAG_WARNING, file, line,
				"pattern '%s' starts with 'refs/', but ref "
				"names are matched without it",
				text);
	return 0;
}

static bool policy_same_scope(const struct policy *policy,
			      const struct rule *a, const struct rule *b)
{
	const struct rule_section *sa, *sb;

	if (a->section == RULE_NO_SECTION || b->section == RULE_NO_SECTION)
		return a->section == b->section;
	sa = &policy->rules.sections[a->section];
	sb = &policy->rules.sections[b->section];
	return strcmp(match_pattern_text(sa->pattern),
		      match_pattern_text(sb->pattern)) == 0;
}

/* The earlier rule that makes rule i redundant, or NULL. */
static const struct rule *policy_shadowing(const struct policy *policy,
					   size_t i)
{
	const struct rule *rule = &policy->rules.rules[i];
	size_t j;

	for (j = 0; j < i; j++) {
		const struct rule *prev = &policy->rules.rules[j];

		if (prev->kind == rule->kind &&
		    strcmp(prev->who, rule->who) == 0 &&
		    (rule->ops & ~prev->ops) == 0 &&
		    strcmp(match_pattern_text(prev->pattern),
			   match_pattern_text(rule->pattern)) == 0 &&
		    policy_same_scope(policy, prev, rule))
			return prev;
	}
	return NULL;
}

/* Lint matches $user_id patterns for this stand-in pusher. */
static const char policy_lint_user[] =
	"0123456789ABCDEF0123456789ABCDEF01234567";

/* Whether pattern may match subject: a pattern that cannot decide may. */
static bool policy_lint_matches(struct policy *policy,
				struct match_pattern *pattern,
				const char *subject, size_t len)
{
	struct err err;

	return match_exec(pattern, policy->env, policy_lint_user, subject, len,
			  &err) != 0;
}

/* App refs a broad ref rule was most likely written to reach (SPEC 5). */
static const char *const policy_lint_app_refs[] = {
	"apps/access-control",
	"apps/merge-reqs/data",
	"apps/attestations",
};

/* Whether an `apps/` rule of the same WHO grants rule's ops on app. */
static bool policy_lint_app_covered(struct policy *policy,
				    const struct rule *rule, const char *app)
{
	size_t i;

	for (i = 0; i < policy->rules.count; i++) {
		const struct rule *r = &policy->rules.rules[i];

		if (r->kind == OP_KIND_REF && strcmp(r->who, rule->who) == 0 &&
		    (rule->ops & ~r->ops) == 0 &&
		    policy_starts_with(policy_pattern_body(r->pattern),
				       "apps/") &&
		    policy_lint_matches(policy, r->pattern, app, strlen(app)))
			return true;
	}
	return false;
}

/*
 * A ref rule that reached an app ref before SPEC 5 let only `apps/`
 * patterns reach refs/apps/, and no longer does (unless an `apps/` rule
 * of the same WHO grants the same ops there, as the default policy's
 * second owner line does): say so, or its author believes it still works.
 */
static int policy_lint_app_reach(struct policy *policy, const struct rule *rule,
				 struct diag_list *diags)
{
	size_t i;

	if (rule->kind != OP_KIND_REF ||
	    policy_starts_with(policy_pattern_body(rule->pattern), "apps/"))
		return 0;
	for (i = 0; i < sizeof(policy_lint_app_refs) /
				sizeof(policy_lint_app_refs[0]);
	     i++) {
		const char *app = policy_lint_app_refs[i];

		if (policy_lint_matches(policy, rule->pattern, app,
					strlen(app)) &&
		    !policy_lint_app_covered(policy, rule, app))
			return diag_add(diags, DIAG_WARNING, rule->file,
					rule->line,
					"pattern '%s' no longer reaches %s: "
					"ref rules reach refs/apps/ only with "
					"a pattern starting with 'apps/'",
					match_pattern_text(rule->pattern), app);
	}
	return 0;
}

/* text less one leading `^` and one trailing `$`, as a sample name */
static void policy_lint_literal(const char *text, const char **out,
				size_t *len)
{
	size_t n = strlen(text);

	if (n > 0 && text[0] == '^') {
		text++;
		n--;
	}
	if (n > 0 && text[n - 1] == '$')
		n--;
	*out = text;
	*len = n;
}

/*
 * Whether two ref patterns may match one ref.  Deciding that for two
 * regexes is beyond a lint, so this asks whether either matches the
 * other's text taken as a name (`heads/.*` matches "heads/main"; a base
 * `heads/.*` matches the section text "heads/u/$user_id/.*").  It can miss
 * two patterns that share refs but match neither text.
 */
static bool policy_lint_overlap(struct policy *policy, struct match_pattern *a,
				struct match_pattern *b)
{
	const char *text;
	size_t len;

	policy_lint_literal(match_pattern_text(b), &text, &len);
	if (policy_lint_matches(policy, a, text, len))
		return true;
	policy_lint_literal(match_pattern_text(a), &text, &len);
	return policy_lint_matches(policy, b, text, len);
}

/*
 * The tree ops that rules of the given scope (a section index, or
 * RULE_NO_SECTION) grant someone other than `owner` on every path.
 */
static unsigned policy_lint_others_all(const struct policy *policy,
				       size_t section)
{
	unsigned granted = 0;
	size_t i;

	for (i = 0; i < policy->rules.count; i++) {
		const struct rule *r = &policy->rules.rules[i];

		if (r->kind == OP_KIND_TREE && r->section == section &&
		    r->who_kind != RULE_WHO_OWNER &&
		    policy_pattern_is_all(r->pattern))
			granted |= r->ops;
	}
	return granted;
}

/*
 * SPEC 4: a base ref's commits exist for every branch created from it, so
 * a base where someone other than the owners may write anything is a way
 * to launder content into narrower branches.  Warn for each base line
 * that may match a ref with such an allow-all scope (an unsectioned one
 * reaches every base).  A policy with no base line at all takes the branch
 * HEAD names, which is worth a word too.
 */
static int policy_lint_bases(struct policy *policy, struct diag_list *diags)
{
	const struct rule_set *rules = &policy->rules;
	bool broad = (policy_lint_others_all(policy, RULE_NO_SECTION) &
		      OP_TREE_ALL) == OP_TREE_ALL;
	size_t i, j;

	if (rules->nbases == 0) {
		/* bases matter only where someone may create a ref */
		for (i = 0; i < rules->count; i++)
			if (rules->rules[i].kind == OP_KIND_REF &&
			    (rules->rules[i].ops &
			     (OP_CREATE_BRANCH | OP_CREATE_TAG)) != 0)
				return diag_add(
					diags, DIAG_WARNING, "refs/*.conf", 0,
					"no base line: created refs find "
					"existing only the commits of the "
					"branch HEAD names (add 'base "
					"heads/main' or the like)");
		return 0;
	}
	for (i = 0; i < rules->nbases; i++) {
		const struct rule_base *base = &rules->bases[i];
		const struct rule_section *hit = NULL;

		for (j = 0; j < rules->nsections && hit == NULL && !broad;
		     j++)
			if ((policy_lint_others_all(policy, j) & OP_TREE_ALL) ==
				    OP_TREE_ALL &&
			    policy_lint_overlap(policy, base->pattern,
						rules->sections[j].pattern))
				hit = &rules->sections[j];
		if (broad &&
		    diag_add(diags, DIAG_WARNING, base->file, base->line,
			     "base pattern '%s': users other than the owners "
			     "may write any path on every branch, so on base "
			     "refs too",
			     match_pattern_text(base->pattern)) < 0)
			return -1;
		if (hit != NULL &&
		    diag_add(diags, DIAG_WARNING, base->file, base->line,
			     "base pattern '%s' may match refs of section "
			     "'%s' (%s:%u), where users other than the "
			     "owners may write any path",
			     match_pattern_text(base->pattern),
			     match_pattern_text(hit->pattern), hit->file,
			     hit->line) < 0)
			return -1;
	}
	return 0;
}

static int policy_lint(struct policy *policy, struct diag_list *diags)
{
	const struct rule_set *rules = &policy->rules;
	const struct group_set *groups = &policy->groups;
	size_t i, j;

	for (i = 0; i < rules->nsections; i++)
		if (policy_lint_pattern(rules->sections[i].pattern, true,
					rules->sections[i].file,
					rules->sections[i].line, diags) < 0)
			return -1;
	for (i = 0; i < rules->count; i++) {
		const struct rule *rule = &rules->rules[i];
		const struct rule *prev = policy_shadowing(policy, i);

		if (policy_lint_pattern(rule->pattern,
					rule->kind == OP_KIND_REF, rule->file,
					rule->line, diags) < 0)
			return -1;
		if (prev != NULL &&
		    diag_add(diags, DIAG_WARNING, rule->file, rule->line,
			     "rule is shadowed by the identical rule at %s:%u",
			     prev->file, prev->line) < 0)
			return -1;
		if (policy_lint_app_reach(policy, rule, diags) < 0)
			return -1;
	}
	for (i = 0; i < rules->nbases; i++)
		if (policy_lint_pattern(rules->bases[i].pattern, true,
					rules->bases[i].file,
					rules->bases[i].line, diags) < 0)
			return -1;
	if (policy_lint_bases(policy, diags) < 0)
		return -1;
	for (i = 0; i < groups->count; i++)
		for (j = 0; j < groups->groups[i].count; j++) {
			const struct group_member *m =
				&groups->groups[i].members[j];

			if (m->kind == GROUP_MEMBER_USER &&
			    policy_warn_no_key(policy, groups->groups[i].file,
					       m->line, m->name, diags) < 0)
				return -1;
		}
	return 0;
}

/*
 * Sort diags from index `from` on by file and line, keeping the order in
 * which problems of one line were found: an insertion sort, stable where
 * qsort is not, and quick for the few diagnostics a policy has.
 */
static void policy_sort_diags(struct diag_list *diags, size_t from)
{
	size_t i, j;

	for (i = from + 1; i < diags->count; i++) {
		struct diag d = diags->items[i];

		for (j = i; j > from; j--) {
			struct diag *prev = &diags->items[j - 1];
			int c = strcmp(prev->file, d.file);

			if (c < 0 || (c == 0 && prev->line <= d.line))
				break;
			diags->items[j] = *prev;
		}
		diags->items[j] = d;
	}
}

int policy_load(struct policy **out, const struct policy_file *files,
		size_t nfiles, const struct policy_options *opts,
		struct diag_list *diags, struct err *err)
{
	struct policy *policy = NULL;
	const struct diag *first;
	struct buf msg = BUF_INIT;
	size_t i;
	int pass;
	bool lint;
	int error = -1;

	*out = NULL;
	if ((policy = calloc(1, sizeof(*policy))) == NULL) {
		err_set(err, "out of memory");
		goto done;
	}
	rule_set_init(&policy->rules);
	group_set_init(&policy->groups);
	if (match_env_new(&policy->env, opts ? opts->match_limit : 0, err) < 0)
		goto done;
	/* groups and keys first: rules name them */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < nfiles; i++)
			if (policy_classify(policy, &files[i], pass, diags) <
			    0)
				goto oom;
		if (pass == 0 && group_resolve(&policy->groups, diags) < 0)
			goto oom;
	}
	lint = opts == NULL || !opts->no_lint;
	if (policy_link(policy, diags) < 0 ||
	    policy__link_requires(policy, diags) < 0 ||
	    (lint && policy_lint(policy, diags) < 0))
		goto oom;
	if (policy->groups.count > 0 &&
	    (policy->in_group = calloc(policy->groups.count, 1)) == NULL)
		goto oom;
	if (policy->rules.count > 0 &&
	    ((policy->who_applies = calloc(policy->rules.count, 1)) == NULL ||
	     (policy->candidates = calloc(policy->rules.count,
					  sizeof(size_t))) == NULL))
		goto oom;
	/* it asks policy_check(), which needs the caches and a sound policy */
	if (lint && diags->errors == 0 &&
	    policy__lint_requires(policy, diags) < 0)
		goto oom;
	policy_sort_diags(diags, 0);
	if ((first = diag_first_error(diags)) != NULL) {
		if (diag_format(&msg, first) < 0)
			goto oom;
		err_set(err, "%s", buf_cstr(&msg));
		goto done;
	}
	*out = policy;
	policy = NULL;
	error = 0;
	goto done;
oom:
	err_set(err, "out of memory");
done:
	buf_dispose(&msg);
	policy_free(policy);
	return error;
}

bool policy_is_owner(const struct policy_request *request)
{
	size_t i;

	for (i = 0; i < request->nowners; i++)
		if (strcmp(request->owners[i], request->user) == 0)
			return true;
	return false;
}

static void policy_cache_user(struct policy *policy, const char *user,
			      bool is_owner)
{
	size_t i;

	if (policy->cache_valid && policy->cache_is_owner == is_owner &&
	    strcmp(policy->cache_user, user) == 0)
		return;
	memcpy(policy->cache_user, user, USERID_LEN + 1);
	policy->cache_is_owner = is_owner;
	group_memberships(&policy->groups, user, is_owner, policy->in_group);
	/* SPEC 2: a banned id is a member of no group (never an owner) */
	if (!is_owner && policy_is_banned(policy, user))
		memset(policy->in_group, 0, policy->groups.count);
	for (i = 0; i < policy->rules.count; i++) {
		const struct rule *rule = &policy->rules.rules[i];
		bool applies = false;

		switch (rule->who_kind) {
		case RULE_WHO_ANYONE:
			applies = true;
			break;
		case RULE_WHO_OWNER:
			applies = is_owner;
			break;
		case RULE_WHO_USER:
			applies = strcmp(rule->who, user) == 0;
			break;
		case RULE_WHO_GROUP:
			applies = policy->in_group[rule->group];
			break;
		}
		policy->who_applies[i] = applies;
	}
	free(policy->cache_ref);
	policy->cache_ref = NULL;
	policy->cache_valid = true;
}

bool policy_is_banned(const struct policy *policy, const char *user)
{
	return policy != NULL &&
	       policy_id_in(policy->banned, policy->nbanned, user);
}

bool policy_in_group(struct policy *policy, const char *user, bool is_owner,
		     const char *group)
{
	size_t g = group_find(&policy->groups, group, strlen(group));

	if (g == GROUP_NONE || !userid_is_valid(user, strlen(user)))
		return false;
	policy_cache_user(policy, user, is_owner);
	return policy->in_group[g];
}

/*
 * Under refs/replace/ and refs/apps/ only a pattern written for them
 * reaches (SPEC 3, 5): `.*` never grants a replace ref (which would
 * rewrite history for every fetcher), `maintainers delete .*` never
 * deletes the merge-request data, and `heads/.*` never gates app data.
 */
bool policy__ref_pattern_reaches(const struct match_pattern *pattern,
				 const char *ref)
{
	const char *body = policy_pattern_body(pattern);

	if (policy_starts_with(ref, policy_replace_prefix))
		return policy_starts_with(body, "replace/");
	if (policy_starts_with(ref, policy_apps_prefix))
		return policy_starts_with(body, "apps/");
	return true;
}

/* Does rule reach ref (whoever pushes)?  1 yes, 0 no, -1 error. */
static int policy_rule_reaches(struct policy *policy, const struct rule *rule,
			       const char *user, const char *ref,
			       struct err *err)
{
	const char *name = ref + strlen("refs/");
	const struct rule_section *section;
	struct err why;
	int reaches;

	if (rule->kind == OP_KIND_REF)
		return policy__ref_pattern_reaches(rule->pattern, ref);
	if (rule->section == RULE_NO_SECTION)
		/* SPEC 5: broad rules never reach the policy or app data */
		return !policy_starts_with(ref, policy_apps_prefix);
	section = &policy->rules.sections[rule->section];
	reaches = match_exec(section->pattern, policy->env, user, name,
			     strlen(name), &why);
	if (reaches < 0)
		/* name the section, as a rule's failure names the rule */
		return err_set(err, "%s:%u: %s", section->file, section->line,
			       why.msg);
	return reaches;
}

static int policy_cache_ref(struct policy *policy, const char *user,
			    const char *ref, struct err *err)
{
	size_t i;

	if (policy->cache_ref != NULL && strcmp(policy->cache_ref, ref) == 0)
		return 0;
	free(policy->cache_ref);
	policy->cache_ref = NULL;
	policy->ncandidates = 0;
	for (i = 0; i < policy->rules.count; i++) {
		int reaches;

		if (!policy->who_applies[i])
			continue;
		reaches = policy_rule_reaches(policy, &policy->rules.rules[i],
					      user, ref, err);
		if (reaches < 0)
			return -1;
		if (reaches)
			policy->candidates[policy->ncandidates++] = i;
	}
	if ((policy->cache_ref = strdup(ref)) == NULL)
		return err_set(err, "out of memory");
	return 0;
}

static int policy_check_request(const struct policy_request *request,
				struct err *err)
{
	size_t i;

	if (request->user == NULL ||
	    !userid_is_valid(request->user, strlen(request->user)))
		return err_set(err, "invalid user id '%s'",
			       request->user ? request->user : "");
	for (i = 0; i < request->nowners; i++)
		if (!userid_is_valid(request->owners[i],
				     strlen(request->owners[i])))
			return err_set(err, "invalid owner id '%s'",
				       request->owners[i]);
	if (request->ref == NULL || !policy_starts_with(request->ref, "refs/"))
		return err_set(err, "ref name must start with 'refs/'");
	if (strcmp(op_name(request->op), "?") == 0)
		return err_set(err, "not a single op: %#x",
			       (unsigned)request->op);
	if (op_kind_of(request->op) == OP_KIND_TREE && request->path == NULL)
		return err_set(err, "a tree op needs a path");
	return 0;
}

/*
 * The app refs that nobody may delete, and under which (name plus `/`) no
 * ref may be created: git could then never create or update them (SPEC 5).
 */
static const struct {
	const char *ref;
	const char *no_delete;
	const char *no_create_under;
} policy_reserved[] = {
	{POLICY_REF, "nobody may delete refs/apps/access-control",
	 "no ref may be created under refs/apps/access-control/"},
	{"refs/apps/attestations", "nobody may delete refs/apps/attestations",
	 "no ref may be created under refs/apps/attestations/"},
	{"refs/apps/audit", "nobody may delete refs/apps/audit",
	 "no ref may be created under refs/apps/audit/"},
};

/* Whether ref is name or lies under name plus `/`; *under: the latter. */
static bool policy_is_at_or_under(const char *ref, const char *name,
				  bool *under)
{
	size_t n = strlen(name);

	if (strncmp(ref, name, n) != 0 || (ref[n] != '\0' && ref[n] != '/'))
		return false;
	*under = ref[n] == '/';
	return true;
}

/* The prohibitions on reserved refs (SPEC 5, 10); true when they decide. */
static bool policy_builtin_reserved(const struct policy_request *request,
				    struct policy_verdict *verdict)
{
	bool under = false;
	size_t i;

	/* the audit log's own refs are the post-receive writer's alone */
	if (policy_is_at_or_under(request->ref, "refs/audit", &under)) {
		verdict->builtin = "no push may change refs/audit";
		return true;
	}
	for (i = 0; i < sizeof(policy_reserved) / sizeof(policy_reserved[0]);
	     i++) {
		if (!policy_is_at_or_under(request->ref, policy_reserved[i].ref,
					   &under))
			continue;
		if (!under && request->op == OP_DELETE) {
			verdict->builtin = policy_reserved[i].no_delete;
			return true;
		}
		if (under && (request->op == OP_CREATE_BRANCH ||
			      request->op == OP_CREATE_TAG)) {
			verdict->builtin = policy_reserved[i].no_create_under;
			return true;
		}
	}
	return false;
}

/* The built-in rights and prohibitions of SPEC 5; true when they decide. */
static bool policy_builtin(const struct policy_request *request,
			   struct policy_verdict *verdict)
{
	bool owner = policy_is_owner(request);

	if (op_kind_of(request->op) == OP_KIND_TREE &&
	    request->path_len > POLICY_PATH_MAX) {
		verdict->builtin = "paths longer than 4096 bytes are denied";
		return true;
	}
	if (policy_builtin_reserved(request, verdict))
		return true;
	if (strcmp(request->ref, POLICY_REF) != 0)
		return false;
	switch (request->op) {
	case OP_FORCE:
		verdict->allowed = owner;
		verdict->builtin =
			owner ? "an owner may always repair the policy"
			      : "only an owner may force refs/apps/access-control";
		return true;
	case OP_CREATE_BRANCH:
	case OP_CREATE_TAG:
		return false;
	default:
		if (!owner)
			return false;
		verdict->allowed = true;
		verdict->builtin = "an owner may always repair the policy";
		return true;
	}
}

static void policy_add_scope(struct policy_verdict *verdict,
			     const struct policy *policy,
			     const struct rule *rule)
{
	struct policy_scope scope = {rule->file, 0, NULL};
	size_t i;

	if (rule->section != RULE_NO_SECTION) {
		const struct rule_section *s =
			&policy->rules.sections[rule->section];

		scope.line = s->line;
		scope.section = match_pattern_text(s->pattern);
	}
	for (i = 0; i < verdict->nscopes; i++)
		if (verdict->scopes[i].file == scope.file &&
		    verdict->scopes[i].line == scope.line)
			return;
	if (verdict->nscopes < POLICY_VERDICT_SCOPES)
		verdict->scopes[verdict->nscopes++] = scope;
	verdict->scopes_total++;
}

/*
 * On a denial, which files and sections reach this ref at all (whoever
 * they name): what `explain` and the hook's hint report.
 */
static int policy_collect_scopes(struct policy *policy,
				 const struct policy_request *request,
				 struct policy_verdict *verdict,
				 struct err *err)
{
	enum op_kind kind = op_kind_of(request->op);
	const struct rule *prev = NULL;
	size_t i;

	for (i = 0; i < policy->rules.count; i++) {
		const struct rule *rule = &policy->rules.rules[i];
		int reaches;

		if (rule->kind != kind)
			continue;
		reaches = policy_rule_reaches(policy, rule, request->user,
					      request->ref, err);
		if (reaches < 0)
			return -1;
		if (!reaches)
			continue;
		/*
		 * The rules of one scope are adjacent; policy_add_scope()
		 * only sees the scopes it kept, so count each one here.
		 */
		if (prev == NULL || prev->file != rule->file ||
		    prev->section != rule->section)
			policy_add_scope(verdict, policy, rule);
		prev = rule;
	}
	return 0;
}

int policy_check(struct policy *policy, const struct policy_request *request,
		 struct policy_verdict *verdict, struct err *err)
{
	enum op_kind kind;
	const char *subject;
	size_t subject_len, i;

	memset(verdict, 0, sizeof(*verdict));
	if (policy_check_request(request, err) < 0)
		return -1;
	if (policy_builtin(request, verdict))
		return 0;
	if (policy == NULL) {
		verdict->builtin = "the policy does not load";
		return 0;
	}
	kind = op_kind_of(request->op);
	if (kind == OP_KIND_REF) {
		subject = request->ref + strlen("refs/");
		subject_len = strlen(subject);
	} else {
		subject = request->path;
		subject_len = request->path_len;
	}
	policy_cache_user(policy, request->user, policy_is_owner(request));
	if (policy_cache_ref(policy, request->user, request->ref, err) < 0)
		return -1;
	for (i = 0; i < policy->ncandidates; i++) {
		const struct rule *rule =
			&policy->rules.rules[policy->candidates[i]];
		int matched;

		if (rule->kind != kind || !(rule->ops & (unsigned)request->op))
			continue;
		matched = match_exec(rule->pattern, policy->env, request->user,
				     subject, subject_len, err);
		if (matched < 0) {
			struct err why = *err;

			return err_set(err, "%s:%u: %s", rule->file,
				       rule->line, why.msg);
		}
		if (matched) {
			verdict->allowed = true;
			verdict->file = rule->file;
			verdict->line = rule->line;
			verdict->pattern = match_pattern_text(rule->pattern);
			return 0;
		}
	}
	return policy_collect_scopes(policy, request, verdict, err);
}

int policy_allows_all_tree_ops(struct policy *policy,
			       const struct policy_request *request, bool *out,
			       struct err *err)
{
	struct policy_request any = *request;
	unsigned granted = 0;
	size_t i;

	*out = false;
	any.op = OP_CREATE_FILE;
	any.path = "";
	any.path_len = 0;
	if (policy_check_request(&any, err) < 0)
		return -1;
	/* the policy's updates are always diffed (SPEC 4) */
	if (policy == NULL || strcmp(request->ref, POLICY_REF) == 0)
		return 0;
	policy_cache_user(policy, request->user, policy_is_owner(request));
	if (policy_cache_ref(policy, request->user, request->ref, err) < 0)
		return -1;
	for (i = 0; i < policy->ncandidates; i++) {
		const struct rule *rule =
			&policy->rules.rules[policy->candidates[i]];

		if (rule->kind == OP_KIND_TREE &&
		    policy_pattern_is_all(rule->pattern))
			granted |= rule->ops;
	}
	*out = (granted & OP_TREE_ALL) == OP_TREE_ALL;
	return 0;
}

bool policy_has_base_lines(const struct policy *policy)
{
	return policy != NULL && policy->rules.nbases > 0;
}

int policy_is_base_ref(struct policy *policy, const char *ref, bool *out,
		       struct err *err)
{
	const char *name;
	size_t i;

	*out = false;
	/* tags and app refs never lend their commits to a new branch */
	if (policy == NULL || !policy_starts_with(ref, "refs/") ||
	    policy_starts_with(ref, "refs/tags/") ||
	    policy_starts_with(ref, policy_apps_prefix))
		return 0;
	name = ref + strlen("refs/");
	for (i = 0; i < policy->rules.nbases && !*out; i++) {
		const struct rule_base *base = &policy->rules.bases[i];
		int matched = match_exec(base->pattern, policy->env, NULL, name,
					 strlen(name), err);

		if (matched < 0) {
			struct err why = *err;

			return err_set(err, "%s:%u: %s", base->file, base->line,
				       why.msg);
		}
		*out = matched == 1;
	}
	return 0;
}
