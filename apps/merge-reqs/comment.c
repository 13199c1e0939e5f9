/* comment: the header block of a merge-request comment file (SPEC 7) */
#include "comment.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

bool comment_number_valid(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > 9 || s[0] < '1' || s[0] > '9')
		return false;
	for (i = 1; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static bool comment_fail(struct comment *c, char *text, struct buf *why,
			 const char *reason)
{
	memset(c, 0, sizeof(*c));
	c->body = text;
	buf_puts(why, reason);
	return false;
}

/* Store value in *slot unless the header came before. */
static bool comment_once(const char **slot, const char *value)
{
	if (*slot != NULL)
		return false;
	*slot = value;
	return true;
}

static bool comment_number(unsigned long *out, const char *value)
{
	if (!comment_number_valid(value, strlen(value)))
		return false;
	*out = strtoul(value, NULL, 10);
	return true;
}

/* SPEC 7's form, "2026-11-24T10:02:03Z": sortable as text, and safe to
 * print. */
static bool comment_date_valid(const char *d)
{
	static const char form[] = "dddd-dd-ddTdd:dd:ddZ";
	size_t i;

	for (i = 0; form[i]; i++)
		if (form[i] == 'd' ? d[i] < '0' || d[i] > '9' : d[i] != form[i])
			return false;
	return d[i] == '\0';
}

bool comment_parse(struct comment *c, char *text, size_t len,
		   struct buf *why)
{
	/* the text is kept intact until it is known to be well formed */
	char *copy_end = text + len, *p = text, *line_end, *colon;
	const char *revision = NULL, *line = NULL;
	struct comment parsed;

	memset(&parsed, 0, sizeof(parsed));
	if (memchr(text, '\0', len) != NULL)
		return comment_fail(c, text, why, "a NUL byte in the text");
	for (;;) {
		if (p >= copy_end)
			return comment_fail(c, text, why,
					    "no blank line after the headers");
		line_end = memchr(p, '\n', (size_t)(copy_end - p));
		if (line_end == NULL)
			return comment_fail(c, text, why,
					    "no blank line after the headers");
		if (line_end == p)
			break;
		colon = memchr(p, ':', (size_t)(line_end - p));
		if (colon == NULL || colon == p || colon + 1 >= line_end ||
		    colon[1] != ' ')
			return comment_fail(c, text, why,
					    "a header line is not "
					    "'Name: value'");
		p = line_end + 1;
	}
	/* well formed so far: now cut it into strings */
	p = text;
	for (;;) {
		const char *value;
		size_t name_len;
		bool ok = true;

		line_end = strchr(p, '\n');
		if (line_end == p)
			break;
		*line_end = '\0';
		colon = strchr(p, ':');
		name_len = (size_t)(colon - p);
		value = colon + 2;
#define COMMENT_IS(name) \
	(name_len == sizeof(name) - 1 && strncasecmp(p, name, name_len) == 0)
		if (COMMENT_IS("Date"))
			ok = comment_once(&parsed.date, value);
		else if (COMMENT_IS("Revision"))
			ok = comment_once(&revision, value) &&
			     comment_number(&parsed.revision, value);
		else if (COMMENT_IS("In-Reply-To"))
			ok = comment_once(&parsed.reply_to, value);
		else if (COMMENT_IS("Path"))
			ok = comment_once(&parsed.path, value);
		else if (COMMENT_IS("Line"))
			ok = comment_once(&line, value) &&
			     comment_number(&parsed.line, value);
		else if (COMMENT_IS("Result"))
			ok = comment_once(&parsed.result, value);
#undef COMMENT_IS
		if (!ok) {
			/* put the text back as it was for display */
			for (char *q = text; q < line_end; q++)
				if (*q == '\0')
					*q = '\n';
			*line_end = '\n';
			return comment_fail(c, text, why,
					    "a header is repeated or not a "
					    "number");
		}
		p = line_end + 1;
	}
	if (parsed.date != NULL && !comment_date_valid(parsed.date)) {
		for (char *q = text; q < p; q++)
			if (*q == '\0')
				*q = '\n';
		return comment_fail(c, text, why,
				    "Date is not YYYY-MM-DDTHH:MM:SSZ");
	}
	if (parsed.date == NULL) {
		for (char *q = text; q < p; q++)
			if (*q == '\0')
				*q = '\n';
		return comment_fail(c, text, why, "no Date header");
	}
	parsed.body = p + 1;
	*c = parsed;
	return true;
}

int comment_format(struct buf *out, const struct comment *c)
{
	size_t body_len = c->body ? strlen(c->body) : 0;
	int status = 0;

	if (c->date)
		status |= buf_printf(out, "Date: %s\n", c->date);
	if (c->revision)
		status |= buf_printf(out, "Revision: %lu\n", c->revision);
	if (c->reply_to)
		status |= buf_printf(out, "In-Reply-To: %s\n", c->reply_to);
	if (c->path)
		status |= buf_printf(out, "Path: %s\n", c->path);
	if (c->line)
		status |= buf_printf(out, "Line: %lu\n", c->line);
	if (c->result)
		status |= buf_printf(out, "Result: %s\n", c->result);
	status |= buf_putc(out, '\n');
	if (body_len) {
		status |= buf_put(out, c->body, body_len);
		if (c->body[body_len - 1] != '\n')
			status |= buf_putc(out, '\n');
	}
	return status ? -1 : 0;
}

void comment_date_at(char out[21], long long when)
{
	time_t t = (time_t)when;
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		strcpy(out, "1970-01-01T00:00:00Z");
}
