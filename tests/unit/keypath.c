/* keypath: where key files and bans live (policy/keypath.c, SPEC 2, 5) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "../../policy/keypath.h"

static const char id[] = "0123456789ABCDEF0123456789ABCDEF01234567";

static enum keypath_kind parse(const char *path, char out[USERID_LEN + 1])
{
	return keypath_parse(path, strlen(path), out);
}

static void keypath__builds_the_three_paths(void **state)
{
	char path[KEYPATH_SIZE];

	(void)state;
	keypath_fanout(path, id);
	assert_string_equal(path,
			    "keys/01/0123456789ABCDEF0123456789ABCDEF01234567.asc");
	keypath_flat(path, id);
	assert_string_equal(path,
			    "keys/0123456789ABCDEF0123456789ABCDEF01234567.asc");
	keypath_banned(path, id);
	assert_string_equal(path,
			    "banned/0123456789ABCDEF0123456789ABCDEF01234567");
}

static void keypath__parses_what_it_builds(void **state)
{
	char path[KEYPATH_SIZE], out[USERID_LEN + 1];

	(void)state;
	keypath_fanout(path, id);
	memset(out, 0, sizeof(out));
	assert_int_equal(parse(path, out), KEYPATH_FANOUT);
	assert_string_equal(out, id);
	keypath_flat(path, id);
	assert_int_equal(parse(path, out), KEYPATH_FLAT);
	assert_string_equal(out, id);
	keypath_banned(path, id);
	assert_int_equal(parse(path, out), KEYPATH_BANNED);
	assert_string_equal(out, id);
}

static void keypath__rejects_near_misses(void **state)
{
	(void)state;
	/* the directory must be the id's first two digits */
	assert_int_equal(
		parse("keys/02/0123456789ABCDEF0123456789ABCDEF01234567.asc",
		      NULL),
		KEYPATH_NONE);
	/* lower case is never a user id */
	assert_int_equal(
		parse("keys/01/0123456789abcdef0123456789ABCDEF01234567.asc",
		      NULL),
		KEYPATH_NONE);
	assert_int_equal(
		parse("keys/0123456789ABCDEF0123456789ABCDEF0123456.asc", NULL),
		KEYPATH_NONE);
	assert_int_equal(
		parse("keys/01/0123456789ABCDEF0123456789ABCDEF01234567.gpg",
		      NULL),
		KEYPATH_NONE);
	assert_int_equal(
		parse("keys/01x0123456789ABCDEF0123456789ABCDEF01234567.asc",
		      NULL),
		KEYPATH_NONE);
	assert_int_equal(
		parse("banned/0123456789ABCDEF0123456789ABCDEF01234567.asc",
		      NULL),
		KEYPATH_NONE);
	assert_int_equal(parse("banned/", NULL), KEYPATH_NONE);
	assert_int_equal(parse("refs/owner.conf", NULL), KEYPATH_NONE);
	assert_int_equal(parse("", NULL), KEYPATH_NONE);
}

static void keypath__reads_only_len_bytes(void **state)
{
	static const char path[] =
		"keys/01/0123456789ABCDEF0123456789ABCDEF01234567.asc.old";
	char out[USERID_LEN + 1];

	(void)state;
	assert_int_equal(keypath_parse(path, strlen(path) - 4, out),
			 KEYPATH_FANOUT);
	assert_int_equal(keypath_parse(path, strlen(path), out), KEYPATH_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(keypath__builds_the_three_paths),
		cmocka_unit_test(keypath__parses_what_it_builds),
		cmocka_unit_test(keypath__rejects_near_misses),
		cmocka_unit_test(keypath__reads_only_len_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
