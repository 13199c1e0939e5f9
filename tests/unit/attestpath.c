/* attestpath: the layout of refs/apps/attestations and its built-in rule
   (policy/attestpath.c, SPEC 11) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "../../policy/attestpath.h"
#include "../../policy/op.h"

static const char me[] = "0123456789ABCDEF0123456789ABCDEF01234567";
static const char other[] = "89ABCDEF0123456789ABCDEF0123456789ABCDEF";
static const char commit[] = "4e1f2a9c0b1d4e1f2a9c0b1d4e1f2a9c0b1d4e1f";
static const char mine[] = "4e/1f/2a9c0b1d4e1f2a9c0b1d4e1f2a9c0b1d4e1f/approved/"
			   "0123456789ABCDEF0123456789ABCDEF01234567";

static const char *refuse(const char *path, unsigned op, unsigned mode)
{
	return attestpath_refuse(path, strlen(path), op, mode, me);
}

static void attestpath__formats_lower_case_split_after_two_and_four(
	void **state)
{
	char path[ATTESTPATH_SIZE];

	(void)state;
	assert_int_equal(attestpath_format(path, commit, "approved", me), 0);
	assert_string_equal(path, mine);
	assert_int_equal(attestpath_format(path,
					   "4E1F2A9C0B1D4E1F2A9C0B1D4E1F2A9C0B1D4E1F",
					   "approved", me),
			 0);
	assert_string_equal(path, mine);
	assert_int_equal(attestpath_format_dir(path, commit, "ci-pass"), 0);
	assert_string_equal(path, "4e/1f/2a9c0b1d4e1f2a9c0b1d4e1f2a9c0b1d4e1f/"
				  "ci-pass");
}

static void attestpath__formats_nothing_from_bad_input(void **state)
{
	char path[ATTESTPATH_SIZE];

	(void)state;
	assert_int_equal(attestpath_format(path, "4e1f", "approved", me), -1);
	assert_int_equal(attestpath_format(path, commit, "Approved", me), -1);
	assert_int_equal(attestpath_format(path, commit, "approved",
					   "0123456789abcdef0123456789abcdef01234567"),
			 -1);
	assert_int_equal(attestpath_format(path,
					   "4g1f2a9c0b1d4e1f2a9c0b1d4e1f2a9c0b1d4e1f",
					   "approved", me),
			 -1);
}

static void attestpath__kinds(void **state)
{
	char long_kind[ATTESTPATH_KIND_MAX + 2];

	(void)state;
	assert_true(attestpath_kind_is_valid("approved", 8));
	assert_true(attestpath_kind_is_valid("ci-pass", 7));
	assert_true(attestpath_kind_is_valid("a", 1));
	assert_false(attestpath_kind_is_valid("", 0));
	assert_false(attestpath_kind_is_valid("1st", 3));
	assert_false(attestpath_kind_is_valid("-x", 2));
	assert_false(attestpath_kind_is_valid("ci_pass", 7));
	assert_false(attestpath_kind_is_valid("CI", 2));
	memset(long_kind, 'a', sizeof(long_kind));
	assert_true(attestpath_kind_is_valid(long_kind, ATTESTPATH_KIND_MAX));
	assert_false(attestpath_kind_is_valid(long_kind,
					      ATTESTPATH_KIND_MAX + 1));
}

static void attestpath__own_regular_files_pass(void **state)
{
	(void)state;
	assert_null(refuse(mine, OP_CREATE_FILE, 0100644));
	assert_null(refuse(mine, OP_MODIFY, 0100644));
	assert_null(refuse(mine, OP_DELETE_FILE, 0));
	assert_null(refuse("4e", OP_CREATE_DIRECTORY, 040000));
	assert_null(refuse("4e/1f", OP_CREATE_DIRECTORY, 040000));
	assert_null(refuse("4e/1f/2a9c0b1d4e1f2a9c0b1d4e1f2a9c0b1d4e1f",
			   OP_CREATE_DIRECTORY, 040000));
	assert_null(refuse("4e/1f/2a9c0b1d4e1f2a9c0b1d4e1f2a9c0b1d4e1f/approved",
			   OP_CREATE_DIRECTORY, 040000));
}

static void attestpath__others_files_are_refused(void **state)
{
	char path[ATTESTPATH_SIZE];

	(void)state;
	assert_int_equal(attestpath_format(path, commit, "approved", other), 0);
	assert_non_null(refuse(path, OP_CREATE_FILE, 0100644));
	assert_non_null(refuse(path, OP_MODIFY, 0100644));
	assert_non_null(refuse(path, OP_DELETE_FILE, 0));
}

static void attestpath__other_shapes_are_refused(void **state)
{
	(void)state;
	/* an executable, a symlink, a gitlink, a directory at the file */
	assert_non_null(refuse(mine, OP_CREATE_FILE, 0100755));
	assert_non_null(refuse(mine, OP_MODIFY, 0100755));
	assert_non_null(refuse(mine, OP_CREATE_SYMLINK, 0120000));
	assert_non_null(refuse(mine, OP_CREATE_GITLINK, 0160000));
	assert_non_null(refuse(mine, OP_CREATE_DIRECTORY, 040000));
	/* below the file, files where directories belong */
	assert_non_null(refuse("4e/1f/2a9c0b1d4e1f2a9c0b1d4e1f2a9c0b1d4e1f/"
			       "approved/0123456789ABCDEF0123456789ABCDEF01234567/x",
			       OP_CREATE_FILE, 0100644));
	assert_non_null(refuse("README", OP_CREATE_FILE, 0100644));
	assert_non_null(refuse("4e/1f/2a9c0b1d4e1f2a9c0b1d4e1f2a9c0b1d4e1f/x",
			       OP_CREATE_FILE, 0100644));
	assert_non_null(refuse("4e", OP_DELETE_FILE, 0));
	/* names out of the layout: upper case, short, a bad kind */
	assert_non_null(refuse("4E", OP_CREATE_DIRECTORY, 040000));
	assert_non_null(refuse("4e1", OP_CREATE_DIRECTORY, 040000));
	assert_non_null(refuse("4e/1f/2a9c", OP_CREATE_DIRECTORY, 040000));
	assert_non_null(refuse("4e/1f/2a9c0b1d4e1f2a9c0b1d4e1f2a9c0b1d4e1f/"
			       "Approved",
			       OP_CREATE_DIRECTORY, 040000));
	assert_non_null(refuse("", OP_CREATE_DIRECTORY, 040000));
	assert_non_null(refuse("4e//1f", OP_CREATE_DIRECTORY, 040000));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			attestpath__formats_lower_case_split_after_two_and_four),
		cmocka_unit_test(attestpath__formats_nothing_from_bad_input),
		cmocka_unit_test(attestpath__kinds),
		cmocka_unit_test(attestpath__own_regular_files_pass),
		cmocka_unit_test(attestpath__others_files_are_refused),
		cmocka_unit_test(attestpath__other_shapes_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
