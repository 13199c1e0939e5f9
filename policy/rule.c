/* rule: one refs/ or branches/ file into rules and [sections] (SPEC 5) */
#include "rule.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "group.h"
#include "require.h"
#include "userid.h"

void rule_set_init(struct rule_set *set)
{
	memset(set, 0, sizeof(*set));
}

static void rule_require_dispose(struct rule_require *req)
{
	size_t i;

	free(req->group);
	match_pattern_free(req->pattern);
	for (i = 0; i < req->nitems; i++)
		free(req->items[i].kind);
	free(req->items);
}

void rule_set_dispose(struct rule_set *set)
{
	size_t i;

	if (set == NULL)
		return;
	for (i = 0; i < set->count; i++) {
		free(set->rules[i].who);
		match_pattern_free(set->rules[i].pattern);
	}
	for (i = 0; i < set->nsections; i++)
		match_pattern_free(set->sections[i].pattern);
	for (i = 0; i < set->nbases; i++)
		match_pattern_free(set->bases[i].pattern);
	for (i = 0; i < set->nrequires; i++)
		rule_require_dispose(&set->requires[i]);
	for (i = 0; i < set->nfiles; i++)
		free(set->files[i]);
	free(set->rules);
	free(set->sections);
	free(set->bases);
	free(set->requires);
	free(set->files);
	rule_set_init(set);
}

/* Make room for one more item of size in *items (count used of *alloc). */
static int rule_reserve(void **items, size_t *alloc, size_t count, size_t size)
{
	size_t n;
	void *p;

	if (count < *alloc)
		return 0;
	n = *alloc ? *alloc * 2 : 16;
	if (n > SIZE_MAX / size || (p = realloc(*items, n * size)) == NULL)
		return -1;
	*items = p;
	*alloc = n;
	return 0;
}

static const char *rule_keep_file_name(struct rule_set *set, const char *file)
{
	char *copy;

	if (rule_reserve((void **)&set->files, &set->files_alloc, set->nfiles,
			 sizeof(*set->files)) < 0 ||
	    (copy = strdup(file)) == NULL)
		return NULL;
	set->files[set->nfiles++] = copy;
	return copy;
}

static bool rule_is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* One line of the file, blanks at both ends already removed. */
struct rule_line {
	const char *file;
	unsigned lineno;
	const char *text;
	size_t len;
};

static int rule_diag(struct diag_list *diags, const struct rule_line *line,
		     const char *msg, size_t len, const char *what)
{
	return diag_add(diags, DIAG_ERROR, line->file, line->lineno,
			"%s%.*s", msg, (int)len, what);
}

static int rule_parse_section(struct rule_set *set, const struct rule_line *l,
			      size_t *current, struct diag_list *diags)
{
	struct match_pattern *pattern = NULL;
	struct rule_section *section;
	struct err err;

	*current = RULE_NO_SECTION;
	if (l->text[l->len - 1] != ']')
		return rule_diag(diags, l, "section line must end with ']'", 0,
				 "");
	if (l->len == 2)
		return rule_diag(diags, l, "empty section pattern", 0, "");
	if (match_pattern_new(&pattern, l->text + 1, l->len - 2, &err) < 0)
		return diag_add(diags, DIAG_ERROR, l->file, l->lineno,
				"section '%.*s': %s", (int)(l->len - 2),
				l->text + 1, err.msg);
	if (rule_reserve((void **)&set->sections, &set->sections_alloc,
			 set->nsections, sizeof(*set->sections)) < 0) {
		match_pattern_free(pattern);
		return -1;
	}
	section = &set->sections[set->nsections];
	section->file = l->file;
	section->line = l->lineno;
	section->pattern = pattern;
	*current = set->nsections++;
	return 0;
}

/* The length of the field at p (up to a blank or end). */
static size_t rule_field_len(const char *p, const char *end)
{
	const char *q = p;

	while (q < end && !rule_is_blank(*q))
		q++;
	return (size_t)(q - p);
}

/* Past the field at p and the run of blanks after it. */
static const char *rule_skip_field(const char *p, const char *end)
{
	p += rule_field_len(p, end);
	while (p < end && rule_is_blank(*p))
		p++;
	return p;
}

/*
 * `base REF-REGEX` (SPEC 4, 5): REF-REGEX is the rest of the line after
 * the first run of blanks.  A base ref is the same for every pusher, so
 * $user_id in it is an error: with it, a user could make their own
 * personal branch a base and launder content through it.
 */
static int rule_parse_base(struct rule_set *set, const struct rule_line *l,
			   struct diag_list *diags)
{
	const char *end = l->text + l->len;
	const char *regex = rule_skip_field(l->text, end);
	struct match_pattern *pattern = NULL;
	struct rule_base *base;
	struct err err;

	if (regex == end)
		return rule_diag(diags, l, "base line needs a REF-REGEX", 0,
				 "");
	if (match_pattern_new(&pattern, regex, (size_t)(end - regex), &err) <
	    0)
		return diag_add(diags, DIAG_ERROR, l->file, l->lineno,
				"%s in '%.*s'", err.msg, (int)(end - regex),
				regex);
	if (match_pattern_has_user_id(pattern)) {
		match_pattern_free(pattern);
		return diag_add(diags, DIAG_ERROR, l->file, l->lineno,
				"$user_id in base pattern '%.*s': a base ref "
				"is the same for every pusher",
				(int)(end - regex), regex);
	}
	if (rule_reserve((void **)&set->bases, &set->bases_alloc, set->nbases,
			 sizeof(*set->bases)) < 0) {
		match_pattern_free(pattern);
		return -1;
	}
	base = &set->bases[set->nbases++];
	base->file = l->file;
	base->line = l->lineno;
	base->pattern = pattern;
	return 0;
}

/* A diag_add() result as "bad line" (1), or -1 when memory ran out. */
static int rule_bad(int error)
{
	return error < 0 ? -1 : 1;
}

/* N of N:kind (SPEC 5): 1 to 999 in decimal digits, no leading zero. */
static bool rule_parse_count(const char *p, size_t len, unsigned *out)
{
	unsigned n = 0;
	size_t i;

	if (len == 0 || p[0] == '0')
		return false;
	for (i = 0; i < len; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		n = n * 10 + (unsigned)(p[i] - '0');
		if (n > REQUIRE_COUNT_MAX)	/* stops any overflow too */
			return false;
	}
	*out = n;
	return true;
}

/* A kind (SPEC 11) names a directory of attestations: [a-z][a-z0-9-]{0,63}. */
static bool rule_kind_is_valid(const char *p, size_t len)
{
	size_t i;

	if (len == 0 || len > REQUIRE_KIND_MAX || p[0] < 'a' || p[0] > 'z')
		return false;
	for (i = 1; i < len; i++)
		if (!((p[i] >= 'a' && p[i] <= 'z') ||
		      (p[i] >= '0' && p[i] <= '9') || p[i] == '-'))
			return false;
	return true;
}

/*
 * One N:kind[!self] item (p, len) of list.  Returns 0, 1 when the item is
 * bad (and diagnosed), or -1 when memory runs out.
 */
static int rule_parse_require_item(struct rule_require_item *item,
				   const struct rule_line *l, const char *p,
				   size_t len, const char *list,
				   size_t list_len, struct diag_list *diags)
{
	const char *end = p + len;
	const char *colon = memchr(p, ':', len);
	const char *kind, *bang;
	size_t kind_len;

	if (len == 0)
		return rule_bad(diag_add(diags, DIAG_ERROR, l->file, l->lineno,
					 "empty item in '%.*s'", (int)list_len,
					 list));
	if (colon == NULL)
		return rule_bad(diag_add(diags, DIAG_ERROR, l->file, l->lineno,
					 "invalid item '%.*s': expected "
					 "N:kind or N:kind!self",
					 (int)len, p));
	if (!rule_parse_count(p, (size_t)(colon - p), &item->count))
		return rule_bad(diag_add(diags, DIAG_ERROR, l->file, l->lineno,
					 "invalid count '%.*s' in '%.*s': N "
					 "runs from 1 to 999",
					 (int)(colon - p), p, (int)len, p));
	kind = colon + 1;
	bang = memchr(kind, '!', (size_t)(end - kind));
	kind_len = (size_t)((bang != NULL ? bang : end) - kind);
	if (!rule_kind_is_valid(kind, kind_len))
		return rule_bad(diag_add(diags, DIAG_ERROR, l->file, l->lineno,
					 "invalid kind '%.*s' in '%.*s': "
					 "kinds match [a-z][a-z0-9-]{0,63}",
					 (int)kind_len, kind, (int)len, p));
	if (bang != NULL && !(end - bang == 5 && memcmp(bang, "!self", 5) == 0))
		return rule_bad(diag_add(diags, DIAG_ERROR, l->file, l->lineno,
					 "unknown suffix '%.*s' in '%.*s': "
					 "only !self may follow a kind",
					 (int)(end - bang), bang, (int)len, p));
	if ((item->kind = strndup(kind, kind_len)) == NULL)
		return -1;
	item->not_self = bang != NULL;
	return 0;
}

/*
 * Every item of the comma-separated list into req->items, each bad one
 * diagnosed.  Returns 0, 1 when some item was bad, or -1 when memory
 * runs out.
 */
static int rule_parse_require_items(struct rule_require *req,
				    const struct rule_line *l,
				    const char *list, size_t len,
				    struct diag_list *diags)
{
	const char *p = list, *end = list + len;
	size_t n = 1;
	int bad = 0;

	for (p = list; p < end; p++)
		n += *p == ',';
	if ((req->items = calloc(n, sizeof(*req->items))) == NULL)
		return -1;
	for (p = list; req->nitems < n; req->nitems++) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *stop = comma != NULL ? comma : end;
		int error = rule_parse_require_item(&req->items[req->nitems],
						    l, p, (size_t)(stop - p),
						    list, len, diags);

		if (error < 0)
			return -1;
		bad |= error;
		p = stop + (comma != NULL);
	}
	return bad;
}

/*
 * GROUP of a require line: who attests, so a defined group (checked when
 * the policy links its names), never anyone, owner or one user (SPEC 5).
 */
static int rule_check_require_group(const struct rule_line *l,
				    const char *group, size_t len,
				    struct diag_list *diags)
{
	if ((len == 6 && memcmp(group, "anyone", 6) == 0) ||
	    (len == 5 && memcmp(group, "owner", 5) == 0) ||
	    userid_is_valid(group, len))
		return rule_bad(diag_add(diags, DIAG_ERROR, l->file, l->lineno,
					 "require needs a group of "
					 "groups/*.conf, not '%.*s'",
					 (int)len, group));
	if (!group_name_is_valid(group, len))
		return rule_bad(diag_add(diags, DIAG_ERROR, l->file, l->lineno,
					 "invalid group name '%.*s': names "
					 "match [a-z][a-z0-9_-]{0,63}",
					 (int)len, group));
	return 0;
}

/*
 * `GROUP require N:kind[!self][,...] REF-REGEX` (SPEC 5, 11), REF-REGEX
 * the rest after the third run of blanks.  Every problem of the line is
 * listed; a line with any is dropped.  A requirement is the same for
 * every pusher, so $user_id in its pattern is an error: each user's
 * personal branch would otherwise carry a rule only they escape.
 */
static int rule_parse_require(struct rule_set *set, const struct rule_line *l,
			      struct diag_list *diags)
{
	const char *end = l->text + l->len;
	const char *group = l->text;
	const char *list = rule_skip_field(rule_skip_field(group, end), end);
	const char *regex = rule_skip_field(list, end);
	size_t group_len = rule_field_len(group, end);
	size_t list_len = rule_field_len(list, end);
	struct rule_require req = {0};
	struct err err;
	int bad, error;

	if (list_len == 0 || regex == end)
		return rule_diag(diags, l,
				 "require line needs GROUP require "
				 "N:kind[!self][,...] REF-REGEX",
				 0, "");
	req.file = l->file;
	req.line = l->lineno;
	req.group_index = GROUP_NONE;
	if ((bad = rule_check_require_group(l, group, group_len, diags)) < 0 ||
	    (error = rule_parse_require_items(&req, l, list, list_len,
					      diags)) < 0)
		goto oom;
	bad |= error;
	if (match_pattern_new(&req.pattern, regex, (size_t)(end - regex),
			      &err) < 0)
		error = rule_bad(diag_add(diags, DIAG_ERROR, l->file,
					  l->lineno, "%s in '%.*s'", err.msg,
					  (int)(end - regex), regex));
	else if (match_pattern_has_user_id(req.pattern))
		error = rule_bad(diag_add(diags, DIAG_ERROR, l->file,
					  l->lineno,
					  "$user_id in require pattern '%.*s': "
					  "a requirement is the same for every "
					  "pusher",
					  (int)(end - regex), regex));
	else
		error = 0;
	if (error < 0)
		goto oom;
	if (bad || error) {
		rule_require_dispose(&req);
		return 0;
	}
	if ((req.group = strndup(group, group_len)) == NULL ||
	    rule_reserve((void **)&set->requires, &set->requires_alloc,
			 set->nrequires, sizeof(*set->requires)) < 0)
		goto oom;
	set->requires[set->nrequires++] = req;
	return 0;
oom:
	rule_require_dispose(&req);
	return -1;
}

/*
 * Classify WHO; a group name is checked against groups/ later.  Returns 0,
 * 1 when WHO is bad (and diagnosed), or -1 when memory runs out.
 */
static int rule_parse_who(struct rule *rule, const struct rule_line *l,
			  const char *who, size_t len, struct diag_list *diags)
{
	int error;

	if (len == 6 && memcmp(who, "anyone", 6) == 0) {
		rule->who_kind = RULE_WHO_ANYONE;
	} else if (len == 5 && memcmp(who, "owner", 5) == 0) {
		rule->who_kind = RULE_WHO_OWNER;
	} else if (userid_is_valid(who, len)) {
		rule->who_kind = RULE_WHO_USER;
	} else if (group_name_is_valid(who, len)) {
		rule->who_kind = RULE_WHO_GROUP;
	} else {
		if (userid_looks_like(who, len))
			error = diag_add(diags, DIAG_ERROR, l->file, l->lineno,
					 "invalid user id '%.*s': user ids are "
					 "40 upper-case hex digits",
					 (int)len, who);
		else
			error = diag_add(diags, DIAG_ERROR, l->file, l->lineno,
					 "invalid WHO '%.*s': expected anyone, "
					 "owner, a group name or a user id",
					 (int)len, who);
		return error < 0 ? -1 : 1;
	}
	if ((rule->who = strndup(who, len)) == NULL)
		return -1;
	return 0;
}

static int rule_parse_rule(struct rule_set *set, const struct rule_line *l,
			   enum op_kind kind, size_t current,
			   struct diag_list *diags)
{
	const char *p = l->text, *end = l->text + l->len;
	const char *who, *ops, *regex;
	size_t who_len, ops_len;
	struct rule rule = {0};
	struct err err;
	int error;

	who = p;
	while (p < end && !rule_is_blank(*p))
		p++;
	who_len = (size_t)(p - who);
	while (p < end && rule_is_blank(*p))
		p++;
	ops = p;
	while (p < end && !rule_is_blank(*p))
		p++;
	ops_len = (size_t)(p - ops);
	while (p < end && rule_is_blank(*p))
		p++;
	regex = p;
	if (ops_len == 0 || regex == end)
		return rule_diag(diags, l, "rule needs three fields: WHO OPS REGEX",
				 0, "");

	rule.file = l->file;
	rule.line = l->lineno;
	rule.kind = kind;
	rule.section = current;
	if ((error = rule_parse_who(&rule, l, who, who_len, diags)) != 0)
		return error < 0 ? -1 : 0;
	if (op_parse_list(&rule.ops, ops, ops_len, kind, &err) < 0) {
		error = diag_add(diags, DIAG_ERROR, l->file, l->lineno, "%s",
				 err.msg);
		goto fail;
	}
	if (match_pattern_new(&rule.pattern, regex, (size_t)(end - regex),
			      &err) < 0) {
		error = diag_add(diags, DIAG_ERROR, l->file, l->lineno,
				 "%s in '%.*s'", err.msg, (int)(end - regex),
				 regex);
		goto fail;
	}
	if (rule_reserve((void **)&set->rules, &set->alloc, set->count,
			 sizeof(*set->rules)) < 0) {
		error = -1;
		goto fail;
	}
	set->rules[set->count++] = rule;
	return 0;
fail:
	free(rule.who);
	match_pattern_free(rule.pattern);
	return error;
}

static int rule_parse_line(struct rule_set *set, struct rule_line *l,
			   enum op_kind kind, size_t *current,
			   struct diag_list *diags)
{
	const char *second;

	if (l->len > RULE_LINE_MAX)
		return diag_add(diags, DIAG_ERROR, l->file, l->lineno,
				"line longer than %u bytes", RULE_LINE_MAX);
	if (memchr(l->text, '\0', l->len) != NULL)
		return rule_diag(diags, l, "NUL byte in line", 0, "");
	if (memchr(l->text, '\r', l->len) != NULL)
		return rule_diag(diags, l, "CR byte in line", 0, "");
	while (l->len > 0 && rule_is_blank(l->text[0])) {
		l->text++;
		l->len--;
	}
	while (l->len > 0 && rule_is_blank(l->text[l->len - 1]))
		l->len--;
	if (l->len == 0 || l->text[0] == '#')
		return 0;
	if (l->text[0] == '[') {
		if (kind == OP_KIND_REF)
			return rule_diag(diags, l,
					 "sections are not allowed in refs/",
					 0, "");
		return rule_parse_section(set, l, current, diags);
	}
	if (rule_field_len(l->text, l->text + l->len) == 4 &&
	    memcmp(l->text, "base", 4) == 0) {
		if (kind != OP_KIND_REF)
			return rule_diag(diags, l,
					 "base lines belong in refs/*.conf",
					 0, "");
		return rule_parse_base(set, l, diags);
	}
	second = rule_skip_field(l->text, l->text + l->len);
	if (rule_field_len(second, l->text + l->len) == 7 &&
	    memcmp(second, "require", 7) == 0) {
		if (kind != OP_KIND_REF)
			return rule_diag(diags, l,
					 "require lines belong in refs/*.conf",
					 0, "");
		return rule_parse_require(set, l, diags);
	}
	return rule_parse_rule(set, l, kind, *current, diags);
}

int rule_parse(struct rule_set *set, const char *file, const char *buf,
	       size_t len, enum op_kind kind, struct diag_list *diags)
{
	const char *p = buf, *end = buf + len;
	size_t current = RULE_NO_SECTION;	/* each file starts unsectioned */
	struct rule_line line = {0};

	if ((line.file = rule_keep_file_name(set, file)) == NULL)
		return -1;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl != NULL ? nl : end;

		line.lineno++;
		line.text = p;
		line.len = (size_t)(eol - p);
		if (rule_parse_line(set, &line, kind, &current, diags) < 0)
			return -1;
		p = nl != NULL ? nl + 1 : end;
	}
	return 0;
}
