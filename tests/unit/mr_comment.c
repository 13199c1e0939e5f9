/* mr_comment: the header block of a comment file (apps/merge-reqs/comment.c) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "../../apps/merge-reqs/comment.h"

/*
 * comment_parse() writes into its text, so every case parses a private
 * copy of len bytes (NUL-terminated at len, as the store hands it over).
 */
struct parsed {
	struct comment c;
	char *text;
	size_t len;
	struct buf why;
	bool ok;
};

static void parse(struct parsed *p, const char *text, size_t len)
{
	memset(p, 0, sizeof(*p));
	buf_init(&p->why);
	p->text = malloc(len + 1);
	assert_non_null(p->text);
	memcpy(p->text, text, len);
	p->text[len] = '\0';
	p->len = len;
	p->ok = comment_parse(&p->c, p->text, len, &p->why);
}

static void parsed_dispose(struct parsed *p)
{
	buf_dispose(&p->why);
	free(p->text);
}

/*
 * A malformed comment: false, the reason verbatim, no header believed,
 * and the whole text, unchanged, as its body so that a reader can show it.
 */
static void check_malformed(const char *text, size_t len, const char *why)
{
	struct parsed p;

	parse(&p, text, len);
	assert_false(p.ok);
	assert_string_equal(buf_cstr(&p.why), why);
	assert_ptr_equal(p.c.body, p.text);
	assert_memory_equal(p.text, text, len);
	assert_null(p.c.date);
	assert_null(p.c.result);
	assert_null(p.c.reply_to);
	assert_null(p.c.path);
	assert_int_equal(p.c.revision, 0);
	assert_int_equal(p.c.line, 0);
	parsed_dispose(&p);
}

#define CHECK_MALFORMED(text, why) \
	check_malformed(text, sizeof(text) - 1, why)

static void mr_comment__well_formed_has_every_header(void **state)
{
	static const char text[] = "Date: 2026-11-24T10:02:03Z\n"
				   "Revision: 2\n"
				   "In-Reply-To: 0123456789ABCDEF0123456789ABCDEF01234567/3\n"
				   "Path: src/foo.c\n"
				   "Line: 42\n"
				   "Result: pass\n"
				   "\n"
				   "Looks good, but see the error path.\n"
				   "\n"
				   "Date: in the body is just text\n";
	struct parsed p;

	(void)state;
	parse(&p, text, sizeof(text) - 1);
	assert_true(p.ok);
	assert_string_equal(buf_cstr(&p.why), "");
	assert_string_equal(p.c.date, "2026-11-24T10:02:03Z");
	assert_int_equal(p.c.revision, 2);
	assert_string_equal(p.c.reply_to,
			    "0123456789ABCDEF0123456789ABCDEF01234567/3");
	assert_string_equal(p.c.path, "src/foo.c");
	assert_int_equal(p.c.line, 42);
	assert_string_equal(p.c.result, "pass");
	assert_string_equal(p.c.body, "Looks good, but see the error path.\n"
				      "\n"
				      "Date: in the body is just text\n");
	parsed_dispose(&p);
}

static void mr_comment__only_date_is_required(void **state)
{
	static const char text[] = "Date: 2026-11-24T10:02:03Z\n\n";
	struct parsed p;

	(void)state;
	parse(&p, text, sizeof(text) - 1);
	assert_true(p.ok);
	assert_string_equal(p.c.date, "2026-11-24T10:02:03Z");
	assert_int_equal(p.c.revision, 0);
	assert_int_equal(p.c.line, 0);
	assert_null(p.c.reply_to);
	assert_null(p.c.path);
	assert_null(p.c.result);
	assert_string_equal(p.c.body, "");
	parsed_dispose(&p);
}

static void mr_comment__header_names_ignore_case(void **state)
{
	static const char text[] = "date: 2026-11-24T10:02:03Z\n"
				   "REVISION: 7\n"
				   "X-Unknown: kept out of the way\n"
				   "\nbody\n";
	struct parsed p;

	(void)state;
	parse(&p, text, sizeof(text) - 1);
	assert_true(p.ok);
	assert_string_equal(p.c.date, "2026-11-24T10:02:03Z");
	assert_int_equal(p.c.revision, 7);
	assert_string_equal(p.c.body, "body\n");
	parsed_dispose(&p);
}

static void mr_comment__missing_date_is_malformed(void **state)
{
	(void)state;
	CHECK_MALFORMED("Revision: 2\nPath: a.c\n\nno date\n",
			"no Date header");
	CHECK_MALFORMED("\njust a body\n", "no Date header");
}

static void mr_comment__repeated_header_is_malformed(void **state)
{
	(void)state;
	CHECK_MALFORMED("Date: 2026-11-24T10:02:03Z\n"
			"Date: 2026-11-25T10:02:03Z\n\nx\n",
			"a header is repeated or not a number");
	/* a second Result: must not override the first (a CI claim) */
	CHECK_MALFORMED("Date: 2026-11-24T10:02:03Z\nResult: fail\n"
			"Result: pass\n\nx\n",
			"a header is repeated or not a number");
}

static void mr_comment__no_blank_line_is_malformed(void **state)
{
	(void)state;
	CHECK_MALFORMED("Date: 2026-11-24T10:02:03Z\nRevision: 1",
			"no blank line after the headers");
	CHECK_MALFORMED("Date: 2026-11-24T10:02:03Z\n",
			"no blank line after the headers");
	CHECK_MALFORMED("", "no blank line after the headers");
	/* text straight after the headers is a header line gone wrong */
	CHECK_MALFORMED("Date: 2026-11-24T10:02:03Z\nLooks good.\n",
			"a header line is not 'Name: value'");
	CHECK_MALFORMED("Date:2026-11-24\n\nx\n",
			"a header line is not 'Name: value'");
	CHECK_MALFORMED(": value\n\nx\n",
			"a header line is not 'Name: value'");
}

static void mr_comment__non_number_is_malformed(void **state)
{
	(void)state;
	CHECK_MALFORMED("Date: 2026-11-24T10:02:03Z\nRevision: two\n\nx\n",
			"a header is repeated or not a number");
	CHECK_MALFORMED("Date: 2026-11-24T10:02:03Z\nRevision: 02\n\nx\n",
			"a header is repeated or not a number");
	CHECK_MALFORMED("Date: 2026-11-24T10:02:03Z\nRevision: -1\n\nx\n",
			"a header is repeated or not a number");
	CHECK_MALFORMED("Date: 2026-11-24T10:02:03Z\nLine: 1x\n\nx\n",
			"a header is repeated or not a number");
	CHECK_MALFORMED("Date: 2026-11-24T10:02:03Z\n"
			"Revision: 1234567890\n\nx\n",
			"a header is repeated or not a number");
}

static void mr_comment__nul_byte_is_malformed(void **state)
{
	static const char in_body[] = "Date: 2026-11-24T10:02:03Z\n\nbo\0dy\n";
	static const char in_header[] = "Date: 2026\0-11-24\n\nbody\n";

	(void)state;
	check_malformed(in_body, sizeof(in_body) - 1, "a NUL byte in the text");
	check_malformed(in_header, sizeof(in_header) - 1,
			"a NUL byte in the text");
}

static void mr_comment__why_is_appended(void **state)
{
	struct buf why = BUF_INIT;
	struct comment c;
	char text[] = "no headers at all";

	(void)state;
	buf_puts(&why, "merge-reqs/X/1/comments/Y/1: ");
	assert_false(comment_parse(&c, text, sizeof(text) - 1, &why));
	assert_string_equal(buf_cstr(&why), "merge-reqs/X/1/comments/Y/1: "
					    "no blank line after the headers");
	assert_string_equal(c.body, "no headers at all");
	buf_dispose(&why);
}

static void mr_comment__format_parses_back(void **state)
{
	struct comment in = {0};
	struct buf out = BUF_INIT;
	struct parsed p;

	(void)state;
	in.date = "2026-11-24T10:02:03Z";
	in.revision = 3;
	in.reply_to = "0123456789ABCDEF0123456789ABCDEF01234567/1";
	in.path = "a b.c";
	in.line = 9;
	in.body = "no final newline";
	assert_int_equal(comment_format(&out, &in), 0);
	assert_string_equal(buf_cstr(&out),
			    "Date: 2026-11-24T10:02:03Z\n"
			    "Revision: 3\n"
			    "In-Reply-To: 0123456789ABCDEF0123456789ABCDEF01234567/1\n"
			    "Path: a b.c\n"
			    "Line: 9\n"
			    "\n"
			    "no final newline\n");
	parse(&p, out.ptr, out.len);
	assert_true(p.ok);
	assert_string_equal(p.c.date, in.date);
	assert_int_equal(p.c.revision, 3);
	assert_string_equal(p.c.reply_to, in.reply_to);
	assert_string_equal(p.c.path, "a b.c");
	assert_int_equal(p.c.line, 9);
	assert_null(p.c.result);
	assert_string_equal(p.c.body, "no final newline\n");
	parsed_dispose(&p);
	buf_dispose(&out);
}

static void mr_comment__numbers_as_spec_writes_them(void **state)
{
	(void)state;
	assert_true(comment_number_valid("1", 1));
	assert_true(comment_number_valid("999999999", 9));
	assert_false(comment_number_valid("1000000000", 10));
	assert_false(comment_number_valid("0", 1));
	assert_false(comment_number_valid("01", 2));
	assert_false(comment_number_valid("", 0));
	assert_false(comment_number_valid("1a", 2));
	assert_false(comment_number_valid("+1", 2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mr_comment__well_formed_has_every_header),
		cmocka_unit_test(mr_comment__only_date_is_required),
		cmocka_unit_test(mr_comment__header_names_ignore_case),
		cmocka_unit_test(mr_comment__missing_date_is_malformed),
		cmocka_unit_test(mr_comment__repeated_header_is_malformed),
		cmocka_unit_test(mr_comment__no_blank_line_is_malformed),
		cmocka_unit_test(mr_comment__non_number_is_malformed),
		cmocka_unit_test(mr_comment__nul_byte_is_malformed),
		cmocka_unit_test(mr_comment__why_is_appended),
		cmocka_unit_test(mr_comment__format_parses_back),
		cmocka_unit_test(mr_comment__numbers_as_spec_writes_them),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
