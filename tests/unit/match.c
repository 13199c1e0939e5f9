/* match: anchored PCRE2 patterns, $user_id expansion, limits (SPEC 5) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "../../policy/match.h"

#define ID_A "0123456789ABCDEF0123456789ABCDEF01234567"
#define ID_B "89ABCDEF0123456789ABCDEF0123456789ABCDEF"

static int setup_env(void **state)
{
	struct match_env *env = NULL;
	struct err err = {""};

	if (match_env_new(&env, 0, &err) < 0)
		return -1;
	*state = env;
	return 0;
}

static int teardown_env(void **state)
{
	match_env_free(*state);
	return 0;
}

static struct match_pattern *compile(const char *text)
{
	struct match_pattern *pattern = NULL;
	struct err err = {""};

	if (match_pattern_new(&pattern, text, strlen(text), &err) < 0)
		fail_msg("'%s' does not compile: %s", text, err.msg);
	return pattern;
}

/* 1 match, 0 no match, -1 error: pattern (for user) against len bytes. */
static int exec_len(struct match_env *env, const char *text, const char *user,
		    const char *subject, size_t len)
{
	struct match_pattern *pattern = compile(text);
	struct err err = {""};
	int rc;

	rc = match_exec(pattern, env, user, subject, len, &err);
	if (rc < 0)
		print_message("# %s\n", err.msg);
	match_pattern_free(pattern);
	return rc;
}

static int exec(struct match_env *env, const char *text, const char *user,
		const char *subject)
{
	return exec_len(env, text, user, subject, strlen(subject));
}

/* match_pattern_new() must fail with exactly msg. */
static void check_bad(const char *text, size_t len, const char *msg)
{
	struct match_pattern *pattern = (struct match_pattern *)1;
	struct err err = {""};

	assert_int_equal(match_pattern_new(&pattern, text, len, &err), -1);
	assert_null(pattern);
	assert_string_equal(err.msg, msg);
}

static char *repeat(const char *head, char c, size_t n, const char *tail)
{
	size_t hl = strlen(head), tl = strlen(tail);
	char *s = malloc(hl + n + tl + 1);

	assert_non_null(s);
	memcpy(s, head, hl);
	memset(s + hl, c, n);
	memcpy(s + hl + n, tail, tl + 1);
	return s;
}

static void match__whole_subject_only(void **state)
{
	struct match_env *env = *state;

	assert_int_equal(exec(env, "secret", NULL, "secret"), 1);
	assert_int_equal(exec(env, "secret", NULL, "not-secret/x"), 0);
	assert_int_equal(exec(env, "secret", NULL, "secret/x"), 0);
	assert_int_equal(exec(env, "secret", NULL, "not-secret"), 0);
	assert_int_equal(exec(env, "secret", NULL, "secrets"), 0);
	assert_int_equal(exec(env, "heads/.*", NULL, "heads/main"), 1);
	assert_int_equal(exec(env, "heads/.*", NULL, "xheads/main"), 0);
}

static void match__alternatives_are_anchored_too(void **state)
{
	struct match_env *env = *state;

	/* ^(?:a|b)$ semantics, not ^a|b$ */
	assert_int_equal(exec(env, "heads/main|tags/v1", NULL, "heads/main"),
			 1);
	assert_int_equal(exec(env, "heads/main|tags/v1", NULL, "tags/v1"), 1);
	assert_int_equal(exec(env, "heads/main|tags/v1", NULL,
			      "heads/main-evil"),
			 0);
	assert_int_equal(exec(env, "heads/main|tags/v1", NULL, "x/tags/v1"),
			 0);
}

static void match__caret_and_dollar_are_harmless(void **state)
{
	struct match_env *env = *state;

	assert_int_equal(exec(env, "^secret$", NULL, "secret"), 1);
	assert_int_equal(exec(env, "^secret$", NULL, "secret/x"), 0);
	assert_int_equal(exec(env, "^secret$", NULL, "not-secret/x"), 0);
	assert_int_equal(exec(env, "^.*$", NULL, "any/path"), 1);
	assert_int_equal(exec(env, "secret$", NULL, "secret"), 1);
	assert_int_equal(exec(env, "^secret", NULL, "secret"), 1);
}

static void match__dollar_not_before_final_newline(void **state)
{
	struct match_env *env = *state;

	/* ^(?:a)$ would match "a\n": PCRE2_ENDANCHORED must not */
	assert_int_equal(exec(env, "a$", NULL, "a\n"), 0);
	assert_int_equal(exec(env, "^a$", NULL, "a\n"), 0);
	assert_int_equal(exec(env, "a", NULL, "a\n"), 0);
	assert_int_equal(exec(env, "keys/.*\\.asc$", NULL, "keys/x.asc\n"), 0);
	/* the newline matched for real is fine */
	assert_int_equal(exec(env, "a\\n", NULL, "a\n"), 1);
}

static void match__dot_matches_newline(void **state)
{
	struct match_env *env = *state;

	assert_int_equal(exec(env, ".*", NULL, "dir/a\nb"), 1);
	assert_int_equal(exec(env, "dir/a.b", NULL, "dir/a\nb"), 1);
	assert_int_equal(exec(env, "[^/]*", NULL, "line1\nline2"), 1);
	assert_int_equal(exec(env, "x/.*", NULL, "x/\n"), 1);
}

static void match__raw_bytes(void **state)
{
	struct match_env *env = *state;

	/* not UTF-8: each byte is one character for `.` */
	assert_int_equal(exec(env, ".", NULL, "\xff"), 1);
	assert_int_equal(exec(env, "a.b", NULL, "a\x80" "b"), 1);
	assert_int_equal(exec(env, "..", NULL, "\xc3\x28"), 1);
	assert_int_equal(exec(env, "[^/]+", NULL, "\xfe\xff\x80"), 1);
	/* valid UTF-8 é is two bytes, so two dots, not one */
	assert_int_equal(exec(env, "caf.", NULL, "caf\xc3\xa9"), 0);
	assert_int_equal(exec(env, "caf..", NULL, "caf\xc3\xa9"), 1);
	assert_int_equal(exec(env, "\\xff", NULL, "\xff"), 1);
	/* a NUL inside the subject's length is just a byte */
	assert_int_equal(exec_len(env, "a.b", NULL, "a\0b", 3), 1);
}

static void match__utf_verbs_are_errors(void **state)
{
	(void)state;
	check_bad("(*UTF)a", 7,
		  "bad regex: using UTF is disabled by the application at "
		  "offset 6");
	check_bad("(*UCP)a", 7,
		  "bad regex: using UCP is disabled by the application at "
		  "offset 6");
}

static void match__bad_regex_message(void **state)
{
	(void)state;
	check_bad("a(", 2,
		  "bad regex: missing closing parenthesis at offset 2");
	check_bad("[a", 2,
		  "bad regex: missing terminating ] for character class at "
		  "offset 2");
	check_bad("a{2,1}", 6,
		  "bad regex: numbers out of order in {} quantifier at offset "
		  "5");
	/* a $user_id pattern is checked when it is loaded, too */
	/* ... and its offset is one in the text as written */
	check_bad("keys/$user_id(", 14,
		  "bad regex: missing closing parenthesis at offset 14");
	check_bad("${user_id}{2,1}", 15,
		  "bad regex: numbers out of order in {} quantifier at offset "
		  "14");
	check_bad("$user_id/$user_id[", 18,
		  "bad regex: missing terminating ] for character class at "
		  "offset 18");
}

static void match__nul_and_length_limits(void **state)
{
	struct match_pattern *pattern = NULL;
	struct err err = {""};
	char *text = repeat("", 'a', MATCH_PATTERN_MAX, "");

	(void)state;
	check_bad("a\0b", 3, "NUL byte in regex");
	assert_int_equal(match_pattern_new(&pattern, text, MATCH_PATTERN_MAX,
					   &err),
			 0);
	match_pattern_free(pattern);
	free(text);
	text = repeat("", 'a', MATCH_PATTERN_MAX + 1, "");
	check_bad(text, MATCH_PATTERN_MAX + 1, "regex longer than 4096 bytes");
	free(text);
}

static void match__pattern_text_is_kept(void **state)
{
	struct match_pattern *pattern = compile("keys/${user_id}\\.asc");

	(void)state;
	assert_string_equal(match_pattern_text(pattern),
			    "keys/${user_id}\\.asc");
	assert_true(match_pattern_has_user_id(pattern));
	match_pattern_free(pattern);
	pattern = compile("heads/.*");
	assert_string_equal(match_pattern_text(pattern), "heads/.*");
	assert_false(match_pattern_has_user_id(pattern));
	match_pattern_free(pattern);
}

static void match__hostile_pattern_is_an_error(void **state)
{
	struct match_env *env = *state;
	struct match_pattern *pattern = compile("slow/(a|aa)+b");
	char *subject = repeat("slow/", 'a', 3000, "cb");
	struct err err = {""};

	/* exponential backtracking: the limit must be an error, never 0 */
	assert_int_equal(match_exec(pattern, env, NULL, subject,
				    strlen(subject), &err),
			 -1);
	assert_string_equal(err.msg,
			    "regex 'slow/(a|aa)+b' failed: match limit "
			    "exceeded");
	assert_non_null(strstr(err.msg, "match limit"));
	/* the env and the pattern still work afterwards */
	assert_int_equal(match_exec(pattern, env, NULL, "slow/aab", 8, &err),
			 1);
	free(subject);
	match_pattern_free(pattern);
}

static void match__hostile_pattern_without_b_is_no_match(void **state)
{
	struct match_env *env = *state;
	char *subject = repeat("slow/", 'a', 3000, "");

	/* no 'b' anywhere: PCRE2 sees that at once, an honest 0 */
	assert_int_equal(exec(env, "slow/(a|aa)+b", NULL, subject), 0);
	free(subject);
}

static void match__limit_is_the_envs(void **state)
{
	struct match_env *small = NULL;
	struct match_pattern *pattern = compile("(a|aa)+b");
	char *subject = repeat("", 'a', 20, "cb");
	struct err err = {""};

	/* the default limit decides this one; a limit of 100 cannot */
	assert_int_equal(match_exec(pattern, *state, NULL, subject,
				    strlen(subject), &err),
			 0);
	assert_int_equal(match_env_new(&small, 100, &err), 0);
	assert_int_equal(match_exec(pattern, small, NULL, subject,
				    strlen(subject), &err),
			 -1);
	assert_string_equal(err.msg,
			    "regex '(a|aa)+b' failed: match limit exceeded");
	match_env_free(small);
	match_pattern_free(pattern);
	free(subject);
}

static void match__long_path_fits_the_jit_stack(void **state)
{
	struct match_env *env = *state;
	char *subject = repeat("", 'a', 4096, "");

	/* a capturing group per byte: more than PCRE2's 32 KiB default */
	assert_int_equal(exec(env, "(a|b)*", NULL, subject), 1);
	assert_int_equal(exec(env, "(?:a|b)*", NULL, subject), 1);
	assert_int_equal(exec(env, ".*", NULL, subject), 1);
	assert_int_equal(exec(env, "(a|b)*c", NULL, subject), 0);
	free(subject);
	subject = repeat("dir/", 'x', 4092, "");
	assert_int_equal(exec(env, "dir/(.)*", NULL, subject), 1);
	free(subject);
}

static void match__jit_stack_limit_is_an_error(void **state)
{
	struct match_env *env = *state;
	struct match_pattern *pattern = compile("(a|b)*");
	size_t len = 1024 * 1024;
	char *subject = repeat("", 'a', len, "");
	struct err err = {""};
	const char *prefix = "regex '(a|b)*' failed: ";

	/* far past the 1 MiB stack (or, without JIT, the heap limit) */
	assert_int_equal(match_exec(pattern, env, NULL, subject, len, &err),
			 -1);
	assert_memory_equal(err.msg, prefix, strlen(prefix));
	free(subject);
	match_pattern_free(pattern);
}

static void match__user_id_is_expanded(void **state)
{
	struct match_env *env = *state;

	assert_int_equal(exec(env, "keys/$user_id\\.asc", ID_A,
			      "keys/" ID_A ".asc"),
			 1);
	assert_int_equal(exec(env, "keys/$user_id\\.asc", ID_A,
			      "keys/" ID_B ".asc"),
			 0);
	assert_int_equal(exec(env, "keys/${user_id}\\.asc", ID_B,
			      "keys/" ID_B ".asc"),
			 1);
	assert_int_equal(exec(env, "keys/${user_id}\\.asc", ID_B,
			      "keys/" ID_A ".asc"),
			 0);
	assert_int_equal(exec(env, "${user_id}x", ID_A, ID_A "x"), 1);
	assert_int_equal(exec(env, "$user_id/$user_id", ID_A, ID_A "/" ID_A),
			 1);
	assert_int_equal(exec(env, "$user_id/$user_id", ID_A, ID_A "/" ID_B),
			 0);
	/* the pattern names no one but $user_id: never "keys/$user_id" */
	assert_int_equal(exec(env, "keys/$user_id", ID_A, "keys/$user_id"), 0);
}

static void match__escaped_dollar_is_not_expanded(void **state)
{
	struct match_env *env = *state;
	struct match_pattern *pattern = compile("keys/\\$user_id");

	assert_false(match_pattern_has_user_id(pattern));
	match_pattern_free(pattern);
	assert_int_equal(exec(env, "keys/\\$user_id", ID_A, "keys/$user_id"),
			 1);
	assert_int_equal(exec(env, "keys/\\$user_id", ID_A, "keys/" ID_A), 0);
	assert_int_equal(exec(env, "keys/\\${user_id}", NULL,
			      "keys/${user_id}"),
			 1);
}

static void match__user_id_pattern_needs_a_user(void **state)
{
	struct match_pattern *pattern = compile("keys/$user_id");
	struct err err = {""};

	assert_int_equal(match_exec(pattern, *state, NULL, "keys/x", 6, &err),
			 -1);
	assert_string_equal(err.msg, "regex 'keys/$user_id' needs a user id");
	match_pattern_free(pattern);
}

static void check_expand(const char *text, const char *user, const char *want)
{
	struct buf out = BUF_INIT;

	assert_int_equal(match_expand(&out, text, strlen(text), user), 0);
	assert_string_equal(buf_cstr(&out), want);
	buf_dispose(&out);
}

static void match__expand_escapes_the_id(void **state)
{
	(void)state;
	check_expand("keys/$user_id\\.asc", ID_A, "keys/" ID_A "\\.asc");
	check_expand("keys/${user_id}\\.asc", ID_A, "keys/" ID_A "\\.asc");
	check_expand("keys/$user_id\\.asc", "A\\E.*",
		     "keys/A\\x{5c}E\\x{2e}\\x{2a}\\.asc");
	check_expand("$user_id", ")|(.*",
		     "\\x{29}\\x{7c}\\x{28}\\x{2e}\\x{2a}");
	check_expand("keys/\\$user_id", ID_A, "keys/\\$user_id");
	check_expand("\\\\$user_id", "a", "\\\\a");
	check_expand("no id here", ID_A, "no id here");
}

static void match__expand_leaves_a_quote_for_escapes(void **state)
{
	(void)state;
	/* \x{hh} means itself inside \Q...\E: step out for it */
	check_expand("\\Q$user_id\\E", "a.b", "\\Q\\Ea\\x{2e}b\\Q\\E");
	/* an id with nothing to escape stays inside */
	check_expand("\\Q$user_id\\E", ID_A, "\\Q" ID_A "\\E");
	/* \Q\\E: a literal backslash, then the quote ends */
	check_expand("\\Q\\\\E$user_id", "a.b", "\\Q\\\\Ea\\x{2e}b");
	/* after \E the id is escaped as anywhere else */
	check_expand("\\Qx\\E$user_id", "a.b", "\\Qx\\Ea\\x{2e}b");
}

static void match__expand_of_nothing_is_a_string(void **state)
{
	struct buf out = BUF_INIT;

	(void)state;
	assert_int_equal(match_expand(&out, "", 0, ID_A), 0);
	assert_non_null(out.ptr);
	assert_string_equal(out.ptr, "");
	buf_dispose(&out);
}

static void match__hostile_id_cannot_inject(void **state)
{
	struct match_env *env = *state;
	const char *pat = "keys/$user_id\\.asc";

	assert_int_equal(exec(env, pat, "A\\E.*", "keys/ANYTHING.asc"), 0);
	assert_int_equal(exec(env, pat, "A\\E.*", "keys/A\\E.*.asc"), 1);
	assert_int_equal(exec(env, pat, ".*", "keys/x.asc"), 0);
	assert_int_equal(exec(env, pat, ".*", "keys/.*.asc"), 1);
	assert_int_equal(exec(env, pat, ")|(.*", "keys/x.asc"), 0);
	assert_int_equal(exec(env, pat, ")|(.*", "anything"), 0);
	assert_int_equal(exec(env, pat, ")|(.*", "keys/)|(.*.asc"), 1);
}

static void match__hostile_id_cannot_leave_a_quote(void **state)
{
	struct match_env *env = *state;
	const char *pat = "keys/\\Q$user_id\\E\\.asc";

	/* a real id works inside \Q...\E */
	assert_int_equal(exec(env, pat, ID_A, "keys/" ID_A ".asc"), 1);
	assert_int_equal(exec(env, pat, ID_A, "keys/" ID_B ".asc"), 0);
	/* `\E` in the id must not end the quote and free `.*` */
	assert_int_equal(exec(env, pat, "A\\E.*", "keys/ANYTHING.asc"), 0);
	assert_int_equal(exec(env, pat, "A\\E.*", "keys/A.asc"), 0);
	assert_int_equal(exec(env, pat, "A\\E.*", "keys/A\\E.*.asc"), 1);
	/* an unterminated \Q quotes to the end */
	assert_int_equal(exec(env, "k/\\Q$user_id.", "A\\E.*", "k/A\\E.*."), 1);
	assert_int_equal(exec(env, "k/\\Q$user_id.", "A\\E.*", "k/Axyz."), 0);
}

static void match__cache_follows_the_pusher(void **state)
{
	struct match_env *env = *state;
	struct match_pattern *pattern = compile("keys/${user_id}\\.asc");
	const char *a = "keys/" ID_A ".asc", *b = "keys/" ID_B ".asc";
	struct err err = {""};
	int round;

	for (round = 0; round < 2; round++) {
		assert_int_equal(match_exec(pattern, env, ID_A, a, strlen(a),
					    &err),
				 1);
		assert_int_equal(match_exec(pattern, env, ID_A, b, strlen(b),
					    &err),
				 0);
		assert_int_equal(match_exec(pattern, env, ID_B, a, strlen(a),
					    &err),
				 0);
		assert_int_equal(match_exec(pattern, env, ID_B, b, strlen(b),
					    &err),
				 1);
	}
	assert_int_equal(match_exec(pattern, env, ID_A, a, strlen(a), &err), 1);
	match_pattern_free(pattern);
}

static void check_misuse(const char *text, const char *want)
{
	const char *got = match_user_id_misuse(text, strlen(text));

	if (want == NULL) {
		if (got != NULL)
			fail_msg("'%s': unexpected '%s'", text, got);
		return;
	}
	if (got == NULL)
		fail_msg("'%s': no misuse found", text);
	assert_string_equal(got, want);
}

#define IN_CLASS                                                               \
	"$user_id inside a character class matches single characters, not "  \
	"the id"
#define IN_QUOTE "$user_id inside \\Q...\\E is not expanded as a literal id"
#define QUANTIFIED "$user_id followed by a quantifier repeats only its last " \
		   "character"
#define ALNUM "$user_id followed by a letter or digit (write ${user_id})"

static void match__misuse_in_a_class(void **state)
{
	(void)state;
	check_misuse("keys/[$user_id]", IN_CLASS);
	check_misuse("keys/[^${user_id}]+", IN_CLASS);
	check_misuse("[a-z$user_id]", IN_CLASS);
	check_misuse("[]$user_id]", IN_CLASS);
	check_misuse("[[:alpha:]$user_id]", IN_CLASS);
}

static void match__misuse_in_a_quote(void **state)
{
	(void)state;
	check_misuse("keys/\\Q$user_id\\E", IN_QUOTE);
	check_misuse("\\Qa.b${user_id}", IN_QUOTE);
	check_misuse("\\Q[\\E$user_id\\Q$user_id\\E", IN_QUOTE);
}

static void match__misuse_followed_by_a_quantifier(void **state)
{
	(void)state;
	check_misuse("$user_id+", QUANTIFIED);
	check_misuse("keys/${user_id}*", QUANTIFIED);
	check_misuse("$user_id{2}", QUANTIFIED);
	check_misuse("${user_id}?", QUANTIFIED);
	check_misuse("a/$user_id{1,3}/b", QUANTIFIED);
}

static void match__misuse_followed_by_a_letter_or_digit(void **state)
{
	(void)state;
	check_misuse("$user_idx", ALNUM);
	check_misuse("keys/$user_id2", ALNUM);
	check_misuse("$user_id_old", ALNUM);
}

static void match__good_uses_are_not_misuse(void **state)
{
	(void)state;
	check_misuse("${user_id}x", NULL);
	check_misuse("keys/${user_id}\\.asc", NULL);
	check_misuse("keys/$user_id\\.asc", NULL);
	check_misuse("[a]$user_id", NULL);
	check_misuse("[]a]$user_id", NULL);
	check_misuse("[^]a]$user_id", NULL);
	check_misuse("[[:alpha:]]$user_id", NULL);
	check_misuse("[\\]]$user_id", NULL);
	check_misuse("\\Q[\\E$user_id", NULL);
	check_misuse("\\[$user_id\\]", NULL);
	check_misuse("\\$user_id+", NULL);
	check_misuse("$user_id/.*", NULL);
	check_misuse("$user_id{x}", NULL);
	check_misuse("no id at all [", NULL);
	check_misuse("", NULL);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup_env, teardown_env)
	const struct CMUnitTest tests[] = {
		T(match__whole_subject_only),
		T(match__alternatives_are_anchored_too),
		T(match__caret_and_dollar_are_harmless),
		T(match__dollar_not_before_final_newline),
		T(match__dot_matches_newline),
		T(match__raw_bytes),
		T(match__utf_verbs_are_errors),
		T(match__bad_regex_message),
		T(match__nul_and_length_limits),
		T(match__pattern_text_is_kept),
		T(match__hostile_pattern_is_an_error),
		T(match__hostile_pattern_without_b_is_no_match),
		T(match__limit_is_the_envs),
		T(match__long_path_fits_the_jit_stack),
		T(match__jit_stack_limit_is_an_error),
		T(match__user_id_is_expanded),
		T(match__escaped_dollar_is_not_expanded),
		T(match__user_id_pattern_needs_a_user),
		T(match__expand_escapes_the_id),
		T(match__expand_leaves_a_quote_for_escapes),
		T(match__expand_of_nothing_is_a_string),
		T(match__hostile_id_cannot_inject),
		T(match__hostile_id_cannot_leave_a_quote),
		T(match__cache_follows_the_pusher),
		T(match__misuse_in_a_class),
		T(match__misuse_in_a_quote),
		T(match__misuse_followed_by_a_quantifier),
		T(match__misuse_followed_by_a_letter_or_digit),
		T(match__good_uses_are_not_misuse),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
