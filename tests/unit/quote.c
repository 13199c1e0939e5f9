/* quote: git-style path quoting and control-byte escaping (common/quote.c) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "../../common/quote.h"

/* quote_path() of len bytes, compared with the whole expected output. */
static void check_path(const char *path, size_t len, const char *want)
{
	struct buf out = BUF_INIT;

	assert_int_equal(quote_path(&out, path, len), 0);
	assert_string_equal(buf_cstr(&out), want);
	assert_int_equal(out.len, strlen(want));
	buf_dispose(&out);
}

static void check_controls(const char *text, size_t len, const char *want)
{
	struct buf out = BUF_INIT;

	assert_int_equal(quote_controls(&out, text, len), 0);
	assert_string_equal(buf_cstr(&out), want);
	buf_dispose(&out);
}

static void quote__plain_path_is_unchanged(void **state)
{
	(void)state;
	check_path("src/main.c", 10, "src/main.c");
	check_path("a-b_c.d~e+f=g@h", 15, "a-b_c.d~e+f=g@h");
	assert_false(quote_path_needs_quotes("src/main.c", 10));
}

static void quote__spaces_need_no_quotes(void **state)
{
	(void)state;
	check_path("my file.txt", 11, "my file.txt");
	check_path(" lead and trail ", 16, " lead and trail ");
	assert_false(quote_path_needs_quotes("my file.txt", 11));
}

static void quote__empty_path_is_empty(void **state)
{
	(void)state;
	check_path("", 0, "");
	assert_false(quote_path_needs_quotes("", 0));
}

static void quote__tab_newline_quote_backslash_escaped(void **state)
{
	(void)state;
	check_path("a\tb", 3, "\"a\\tb\"");
	check_path("a\nb", 3, "\"a\\nb\"");
	check_path("say \"hi\"", 8, "\"say \\\"hi\\\"\"");
	check_path("back\\slash", 10, "\"back\\\\slash\"");
	check_path("\a\b\v\f\r", 5, "\"\\a\\b\\v\\f\\r\"");
	assert_true(quote_path_needs_quotes("a\tb", 3));
	assert_true(quote_path_needs_quotes("a\"", 2));
	assert_true(quote_path_needs_quotes("a\\", 2));
}

static void quote__high_bytes_are_octal(void **state)
{
	(void)state;
	/* "é" in UTF-8, as git prints it with core.quotePath on */
	check_path("caf\xc3\xa9", 5, "\"caf\\303\\251\"");
	/* not UTF-8 at all: still one escape per byte */
	check_path("\xff", 1, "\"\\377\"");
	check_path("\x80z", 2, "\"\\200z\"");
	assert_true(quote_path_needs_quotes("\x80", 1));
}

static void quote__control_bytes_are_octal(void **state)
{
	(void)state;
	check_path("\x01", 1, "\"\\001\"");
	check_path("esc\x1b[31m", 8, "\"esc\\033[31m\"");
	check_path("del\x7f", 4, "\"del\\177\"");
	check_path("\x1f", 1, "\"\\037\"");
	/* a NUL inside the length is a byte like any other */
	check_path("a\0b", 3, "\"a\\000b\"");
}

static void quote__path_appends_to_the_buffer(void **state)
{
	struct buf out = BUF_INIT;

	(void)state;
	assert_int_equal(buf_puts(&out, "path "), 0);
	assert_int_equal(quote_path(&out, "a\tb", 3), 0);
	assert_int_equal(buf_puts(&out, " and "), 0);
	assert_int_equal(quote_path(&out, "c", 1), 0);
	assert_string_equal(buf_cstr(&out), "path \"a\\tb\" and c");
	buf_dispose(&out);
}

static void quote__path_uses_only_len_bytes(void **state)
{
	(void)state;
	check_path("abc\tdef", 3, "abc");
}

static void quote__controls_escapes_esc_and_friends(void **state)
{
	(void)state;
	check_controls("\x1b]0;pwned\a", 10, "\\033]0;pwned\\a");
	check_controls("red\x1b[31m", 8, "red\\033[31m");
	check_controls("a\nb\tc\rd", 7, "a\\nb\\tc\\rd");
	check_controls("\x7f\x01", 2, "\\177\\001");
	check_controls("a\0b", 3, "a\\000b");
}

static void quote__controls_doubles_backslash_keeps_quote(void **state)
{
	(void)state;
	check_controls("C:\\x", 4, "C:\\\\x");
	check_controls("say \"hi\"", 8, "say \"hi\"");
	check_controls("plain text", 10, "plain text");
}

static void quote__controls_passes_utf8_through(void **state)
{
	(void)state;
	check_controls("caf\xc3\xa9", 5, "caf\xc3\xa9");
	check_controls("\xf0\x9f\x94\x91", 4, "\xf0\x9f\x94\x91");
}

static void quote__controls_escapes_bytes_that_are_no_utf8(void **state)
{
	(void)state;
	/* a lone 0x9b is CSI to a terminal in 8-bit mode */
	check_controls("a\x9b" "2Jb", 5, "a\\2332Jb");
	check_controls("\xff", 1, "\\377");
	/* overlong forms and surrogates are no UTF-8 either */
	check_controls("\xc0\xaf", 2, "\\300\\257");
	check_controls("\xed\xa0\x80", 3, "\\355\\240\\200");
}

static void quote__controls_escapes_c1_and_bidi(void **state)
{
	(void)state;
	/* U+009B (CSI) and U+202E (right-to-left override) act on terminals */
	check_controls("a\xc2\x9b" "31mb", 7, "a\\302\\23331mb");
	check_controls("x\xe2\x80\xaey", 5, "x\\342\\200\\256y");
	check_controls("\xe2\x81\xa6", 3, "\\342\\201\\246");
	/* the neighbours are ordinary text */
	check_controls("\xc2\xa0\xe2\x80\x94", 5, "\xc2\xa0\xe2\x80\x94");
	/* a sequence cut short is not mistaken for one, nor let through */
	check_controls("\xe2\x80", 2, "\\342\\200");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(quote__plain_path_is_unchanged),
		cmocka_unit_test(quote__spaces_need_no_quotes),
		cmocka_unit_test(quote__empty_path_is_empty),
		cmocka_unit_test(quote__tab_newline_quote_backslash_escaped),
		cmocka_unit_test(quote__high_bytes_are_octal),
		cmocka_unit_test(quote__control_bytes_are_octal),
		cmocka_unit_test(quote__path_appends_to_the_buffer),
		cmocka_unit_test(quote__path_uses_only_len_bytes),
		cmocka_unit_test(quote__controls_escapes_esc_and_friends),
		cmocka_unit_test(quote__controls_doubles_backslash_keeps_quote),
		cmocka_unit_test(quote__controls_passes_utf8_through),
		cmocka_unit_test(quote__controls_escapes_bytes_that_are_no_utf8),
		cmocka_unit_test(quote__controls_escapes_c1_and_bidi),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
