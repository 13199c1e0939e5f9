/* comment: the header block of a merge-request comment file (SPEC 7) */
#ifndef MERGE_REQS_COMMENT_H
#define MERGE_REQS_COMMENT_H

#include <stdbool.h>
#include <stddef.h>

#include "../../common/buf.h"

/* A comment file larger than this is not read (shown as a warning). */
#define COMMENT_MAX (1024u * 1024u)

/*
 * One parsed comment.  Every string points into the caller's copy of the
 * file (parsing writes NULs into it), so the comment lives as long as that
 * copy.  Header values are the author's claims, never checked against
 * anything but their form.
 */
struct comment {
	const char *date;	/* required: "2026-11-24T10:02:03Z" */
	unsigned long revision;	/* 0: no Revision header */
	const char *reply_to;	/* "<user-id>/<k>", or NULL */
	const char *path;	/* Path: anchor, or NULL */
	unsigned long line;	/* Line: anchor, 0 when absent */
	const char *result;	/* Result: pass|fail|error|timeout, or NULL */
	const char *body;	/* after the blank line; may be "" */
};

/*
 * Parse text (len bytes, NUL-terminated at len, modified in place).
 * Returns true when the header block is well formed: "Name: value" lines,
 * a blank line, the body; Date present; Revision and Line decimal numbers;
 * each header at most once.  Otherwise returns false with a one-line
 * reason appended to why, and the comment's body set to the whole text so
 * that a reader can still show it.
 */
bool comment_parse(struct comment *c, char *text, size_t len,
		   struct buf *why);

/* Whether s is a number as SPEC 7 writes them: [1-9][0-9]{0,8}. */
bool comment_number_valid(const char *s, size_t len);

/*
 * Append a comment file: the headers given (NULL/0 ones left out), a blank
 * line, the body with a final newline.  Returns 0 or -1 (no memory).
 */
int comment_format(struct buf *out, const struct comment *c);

/*
 * when (seconds since the epoch) as Date: wants it, in UTC
 * ("2026-11-24T10:02:03Z").  Writers pass the committer time git would
 * record, so that GIT_COMMITTER_DATE pins it as it pins commits.
 */
void comment_date_at(char out[21], long long when);

#endif
