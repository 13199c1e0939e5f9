/* group: groups/<name>.conf via inih: members, nesting, cycles (SPEC 5) */
#include "group.h"

#include <ini.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "userid.h"

bool group_name_is_valid(const char *name, size_t len)
{
	size_t i;

	if (len == 0 || len > GROUP_NAME_MAX || name[0] < 'a' || name[0] > 'z')
		return false;
	for (i = 1; i < len; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			return false;
	}
	if ((len == 6 && memcmp(name, "anyone", 6) == 0) ||
	    (len == 5 && memcmp(name, "owner", 5) == 0))
		return false;
	return true;
}

void group_set_init(struct group_set *set)
{
	memset(set, 0, sizeof(*set));
}

void group_set_dispose(struct group_set *set)
{
	size_t i, j;

	if (set == NULL)
		return;
	for (i = 0; i < set->count; i++) {
		for (j = 0; j < set->groups[i].count; j++)
			free(set->groups[i].members[j].name);
		free(set->groups[i].members);
		free(set->groups[i].name);
	}
	for (i = 0; i < set->nfiles; i++)
		free(set->files[i]);
	free(set->groups);
	free(set->files);
	group_set_init(set);
}

static int group_reserve(void **items, size_t *alloc, size_t count,
			 size_t size)
{
	size_t n;
	void *p;

	if (count < *alloc)
		return 0;
	n = *alloc ? *alloc * 2 : 8;
	if (n > SIZE_MAX / size || (p = realloc(*items, n * size)) == NULL)
		return -1;
	*items = p;
	*alloc = n;
	return 0;
}

size_t group_find(const struct group_set *set, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < set->count; i++)
		if (strlen(set->groups[i].name) == len &&
		    memcmp(set->groups[i].name, name, len) == 0)
			return i;
	return GROUP_NONE;
}

/* What the inih reader and handler share while one file is parsed. */
struct group_parse {
	struct group_set *set;
	struct diag_list *diags;
	const char *file;
	const char *p, *end;	/* the rest of the file */
	unsigned lineno;	/* of the line last handed to inih */
	size_t current;		/* group of the last section line */
	bool oom;
};

static bool group_is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int group_define(struct group_parse *gp, const char *name, size_t len)
{
	struct group_set *set = gp->set;
	size_t prev = group_find(set, name, len);
	struct group *group;

	gp->current = GROUP_NONE;
	/* SPEC 5: `base` and `require` start lines of their own in refs/ */
	if ((len == 4 && memcmp(name, "base", 4) == 0) ||
	    (len == 7 && memcmp(name, "require", 7) == 0))
		return diag_add(gp->diags, DIAG_ERROR, gp->file, gp->lineno,
				"group name '%.*s' is reserved (base and "
				"require lines of refs/*.conf)",
				(int)len, name);
	if (!group_name_is_valid(name, len))
		return diag_add(gp->diags, DIAG_ERROR, gp->file, gp->lineno,
				"invalid group name '%.*s': names match "
				"[a-z][a-z0-9_-]{0,63} and are not anyone "
				"or owner",
				(int)len, name);
	if (prev != GROUP_NONE)
		return diag_add(gp->diags, DIAG_ERROR, gp->file, gp->lineno,
				"group '%.*s' already defined at %s:%u",
				(int)len, name, set->groups[prev].file,
				set->groups[prev].line);
	if (group_reserve((void **)&set->groups, &set->alloc, set->count,
			  sizeof(*set->groups)) < 0)
		return -1;
	group = &set->groups[set->count];
	memset(group, 0, sizeof(*group));
	if ((group->name = strndup(name, len)) == NULL)
		return -1;
	group->file = gp->file;
	group->line = gp->lineno;
	gp->current = set->count++;
	return 0;
}

/*
 * inih does not report a section without keys, so the reader notes every
 * section line itself: that is how an empty group exists.
 */
static void group_note_line(struct group_parse *gp, const char *line,
			    size_t len)
{
	const char *close;

	if (len == 0 || line[0] != '[')
		return;
	close = memchr(line, ']', len);
	if (close != NULL && group_define(gp, line + 1,
					  (size_t)(close - line - 1)) < 0)
		gp->oom = true;
}

/* fgets-style reader over the buffer: exactly one line per call. */
static char *group_read_line(char *str, int num, void *stream)
{
	struct group_parse *gp = stream;
	const char *nl, *eol;
	size_t len;

	if (gp->p >= gp->end)
		return NULL;
	nl = memchr(gp->p, '\n', (size_t)(gp->end - gp->p));
	eol = nl != NULL ? nl + 1 : gp->end;
	len = (size_t)(eol - gp->p);
	/* the pre-check keeps lines short; never let inih split one */
	if (num <= 0 || len >= (size_t)num)
		return NULL;
	memcpy(str, gp->p, len);
	str[len] = '\0';
	gp->lineno++;
	group_note_line(gp, gp->p, nl != NULL ? len - 1 : len);
	gp->p = eol;
	return str;
}

static int group_add_member(struct group_parse *gp, const char *value)
{
	struct group *group = &gp->set->groups[gp->current];
	size_t len = strlen(value);
	struct group_member member = {GROUP_MEMBER_USER, NULL, GROUP_NONE,
				      gp->lineno};

	if (value[0] == '@') {
		value++;
		len--;
		if (len == 5 && memcmp(value, "owner", 5) == 0)
			member.kind = GROUP_MEMBER_OWNER;
		else if (len == 6 && memcmp(value, "anyone", 6) == 0)
			return diag_add(gp->diags, DIAG_ERROR, gp->file,
					gp->lineno,
					"'@anyone' cannot be a member of a "
					"group");
		else if (group_name_is_valid(value, len))
			member.kind = GROUP_MEMBER_GROUP;
		else
			return diag_add(gp->diags, DIAG_ERROR, gp->file,
					gp->lineno, "invalid group name '@%s'",
					value);
	} else if (!userid_is_valid(value, len)) {
		return diag_add(gp->diags, DIAG_ERROR, gp->file, gp->lineno,
				"invalid member '%s': expected a user id (40 "
				"upper-case hex digits) or @group",
				value);
	}
	if (group_reserve((void **)&group->members, &group->alloc,
			  group->count, sizeof(*group->members)) < 0 ||
	    (member.name = strdup(value)) == NULL)
		return -1;
	group->members[group->count++] = member;
	return 0;
}

/*
 * inih keeps at most 49 bytes of a section name (MAX_SECTION 50), while
 * names may have 64: the reader saw the whole line, inih its head.
 */
static bool group_same_section(const char *section, const char *name)
{
	size_t have = strlen(section), want = strlen(name);

	return have == (want < 49 ? want : 49) &&
	       memcmp(section, name, have) == 0;
}

static int group_handle(void *user, const char *section, const char *name,
			const char *value)
{
	struct group_parse *gp = user;
	struct group *group = gp->current != GROUP_NONE
				      ? &gp->set->groups[gp->current]
				      : NULL;
	size_t before = group != NULL ? group->count : 0;
	int error;

	if (section[0] == '\0')
		error = diag_add(gp->diags, DIAG_ERROR, gp->file, gp->lineno,
				 "'%s' outside a [group] section", name);
	else if (group == NULL)
		error = 0;	/* the section line was already reported */
	else if (!group_same_section(section, group->name))
		/* the reader and inih must agree on every section line */
		error = diag_add(gp->diags, DIAG_ERROR, gp->file, gp->lineno,
				 "section '%s' not understood", section);
	else if (strcmp(name, "member") != 0)
		error = diag_add(gp->diags, DIAG_ERROR, gp->file, gp->lineno,
				 "unknown key '%s' (expected 'member')", name);
	else
		error = group_add_member(gp, value);
	/* a line that added no member was an error: the group isn't empty */
	if (error == 0 && group != NULL && group->count == before)
		group->invalid++;
	if (error < 0)
		gp->oom = true;
	return 1;	/* every problem is in diags already */
}

/*
 * SPEC 5's inih pitfalls, checked before inih sees the file: a long line
 * would be split and its tail parsed as a line of its own, an indented
 * line would continue the previous value, and a line with neither '=' nor
 * ':' is something inih reports only once per file.
 */
static int group_check_line(struct group_parse *gp, const char *line,
			    size_t len, unsigned lineno)
{
	const char *why = NULL;
	size_t i = 0;

	if (len > GROUP_LINE_MAX)
		return diag_add(gp->diags, DIAG_ERROR, gp->file, lineno,
				"line longer than %u bytes", GROUP_LINE_MAX) < 0
			       ? -1
			       : 1;
	if (memchr(line, '\0', len) != NULL)
		why = "NUL byte in line";
	else if (memchr(line, '\r', len) != NULL)
		why = "CR byte in line";
	else {
		while (i < len && group_is_blank(line[i]))
			i++;
		if (i == len || line[i] == '#' || line[i] == ';')
			return 0;
		if (i > 0)
			why = "indented line (inih would join it to the "
			      "previous value)";
		else if (line[0] == '[') {
			const char *close = memchr(line, ']', len);
			size_t j;

			if (close == NULL)
				why = "section line must end with ']'";
			for (j = close ? (size_t)(close - line) + 1 : len;
			     j < len && why == NULL; j++)
				if (!group_is_blank(line[j]))
					why = "text after ']' of a section line";
		} else if (memchr(line, '=', len) == NULL &&
			   memchr(line, ':', len) == NULL)
			why = "expected '[group]' or 'member = <id>'";
	}
	if (why == NULL)
		return 0;
	return diag_add(gp->diags, DIAG_ERROR, gp->file, lineno, "%s", why) < 0
		       ? -1
		       : 1;
}

static const char *group_keep_file_name(struct group_set *set,
					const char *file)
{
	char *copy;

	if (group_reserve((void **)&set->files, &set->files_alloc,
			  set->nfiles, sizeof(*set->files)) < 0 ||
	    (copy = strdup(file)) == NULL)
		return NULL;
	set->files[set->nfiles++] = copy;
	return copy;
}

int group_parse(struct group_set *set, const char *file, const char *buf,
		size_t len, struct diag_list *diags)
{
	struct group_parse gp = {set, diags, NULL, buf, buf + len, 0,
				 GROUP_NONE, false};
	const char *p = buf, *end = buf + len;
	unsigned lineno = 0;
	bool bad = false;
	int rc;

	if ((gp.file = group_keep_file_name(set, file)) == NULL)
		return -1;
	/* inih skips a byte order mark that our reader would not see */
	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		return diag_add(diags, DIAG_ERROR, file, 1,
				"byte order mark at the start of the file");
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl != NULL ? nl : end;

		rc = group_check_line(&gp, p, (size_t)(eol - p), ++lineno);
		if (rc < 0)
			return -1;
		if (rc > 0)
			bad = true;
		p = nl != NULL ? nl + 1 : end;
	}
	if (bad)
		return 0;
	rc = ini_parse_stream(group_read_line, &gp, group_handle, &gp);
	if (gp.oom || rc < 0)
		return -1;
	if (rc > 0 && diag_add(diags, DIAG_ERROR, file, (unsigned)rc,
			       "syntax error") < 0)
		return -1;
	return 0;
}

/* Depth-first search for cycles; state: 0 new, 1 on the path, 2 done. */
static int group_visit(struct group_set *set, size_t g, unsigned char *state,
		       struct diag_list *diags)
{
	struct group *group = &set->groups[g];
	size_t i;

	state[g] = 1;
	for (i = 0; i < group->count; i++) {
		struct group_member *m = &group->members[i];

		if (m->kind != GROUP_MEMBER_GROUP || m->group == GROUP_NONE)
			continue;
		if (state[m->group] == 1) {
			if (diag_add(diags, DIAG_ERROR, group->file, m->line,
				     "group cycle: '%s' contains '@%s', "
				     "which contains '%s'",
				     group->name, m->name, group->name) < 0)
				return -1;
			m->group = GROUP_NONE;	/* break it, report once */
		} else if (state[m->group] == 0 &&
			   group_visit(set, m->group, state, diags) < 0) {
			return -1;
		}
	}
	state[g] = 2;
	return 0;
}

int group_resolve(struct group_set *set, struct diag_list *diags)
{
	unsigned char *state = NULL;
	size_t g, i;
	int error = -1;

	for (g = 0; g < set->count; g++) {
		struct group *group = &set->groups[g];

		/* an empty group is only news when no member line failed */
		if (group->count == 0 && group->invalid == 0 &&
		    diag_add(diags, DIAG_WARNING, group->file, group->line,
			     "group '%s' has no members", group->name) < 0)
			goto done;
		for (i = 0; i < group->count; i++) {
			struct group_member *m = &group->members[i];

			if (m->kind != GROUP_MEMBER_GROUP)
				continue;
			m->group = group_find(set, m->name, strlen(m->name));
			if (m->group == GROUP_NONE &&
			    diag_add(diags, DIAG_ERROR, group->file, m->line,
				     "unknown group '@%s'", m->name) < 0)
				goto done;
		}
	}
	if (set->count > 0 && (state = calloc(set->count, 1)) == NULL)
		goto done;
	for (g = 0; g < set->count; g++)
		if (state[g] == 0 && group_visit(set, g, state, diags) < 0)
			goto done;
	error = 0;
done:
	free(state);
	return error;
}

void group_memberships(const struct group_set *set, const char *user,
		       bool is_owner, bool *in_group)
{
	bool changed = true;
	size_t g, i;

	for (g = 0; g < set->count; g++)
		in_group[g] = false;
	/* a fixed point: at most one pass per level of nesting */
	while (changed) {
		changed = false;
		for (g = 0; g < set->count; g++) {
			const struct group *group = &set->groups[g];

			if (in_group[g])
				continue;
			for (i = 0; i < group->count && !in_group[g]; i++) {
				const struct group_member *m =
					&group->members[i];

				if (m->kind == GROUP_MEMBER_USER)
					in_group[g] = strcmp(m->name, user) == 0;
				else if (m->kind == GROUP_MEMBER_OWNER)
					in_group[g] = is_owner;
				else if (m->group != GROUP_NONE)
					in_group[g] = in_group[m->group];
			}
			if (in_group[g])
				changed = true;
		}
	}
}
