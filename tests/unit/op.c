/* op: op names, aliases, and OPS lists (policy/op.c, SPEC 4) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "../../policy/op.h"

/* Parse one name of kind; assert it succeeds with exactly mask. */
static void check_op(const char *name, enum op_kind kind, unsigned want)
{
	struct err err = {""};
	unsigned mask = 0;

	assert_int_equal(op_parse(&mask, name, strlen(name), kind, &err), 0);
	assert_int_equal(mask, want);
	assert_string_equal(err.msg, "");
}

/* Parse one name of kind; assert it fails with exactly msg. */
static void check_op_error(const char *name, enum op_kind kind,
			   const char *msg)
{
	struct err err = {""};
	unsigned mask = 0;

	assert_int_equal(op_parse(&mask, name, strlen(name), kind, &err), -1);
	assert_string_equal(err.msg, msg);
	assert_int_equal(mask, 0);
}

static void check_list(const char *list, enum op_kind kind, unsigned want)
{
	struct err err = {""};
	unsigned mask = 0xdead;

	assert_int_equal(op_parse_list(&mask, list, strlen(list), kind, &err),
			 0);
	assert_int_equal(mask, want);
}

static void check_list_error(const char *list, enum op_kind kind,
			     const char *msg)
{
	struct err err = {""};
	unsigned mask = 0;

	assert_int_equal(op_parse_list(&mask, list, strlen(list), kind, &err),
			 -1);
	assert_string_equal(err.msg, msg);
}

static void op__every_ref_op_name(void **state)
{
	(void)state;
	check_op("create-branch", OP_KIND_REF, OP_CREATE_BRANCH);
	check_op("create-tag", OP_KIND_REF, OP_CREATE_TAG);
	check_op("fast-forward", OP_KIND_REF, OP_FAST_FORWARD);
	check_op("force", OP_KIND_REF, OP_FORCE);
	check_op("delete", OP_KIND_REF, OP_DELETE);
}

static void op__every_tree_op_name(void **state)
{
	(void)state;
	check_op("create-directory", OP_KIND_TREE, OP_CREATE_DIRECTORY);
	check_op("create-file", OP_KIND_TREE, OP_CREATE_FILE);
	check_op("create-symlink", OP_KIND_TREE, OP_CREATE_SYMLINK);
	check_op("create-gitlink", OP_KIND_TREE, OP_CREATE_GITLINK);
	check_op("modify", OP_KIND_TREE, OP_MODIFY);
	check_op("delete-file", OP_KIND_TREE, OP_DELETE_FILE);
}

static void op__ref_aliases_create_and_modify(void **state)
{
	(void)state;
	check_op("create", OP_KIND_REF, OP_CREATE_BRANCH | OP_CREATE_TAG);
	check_op("modify", OP_KIND_REF, OP_FAST_FORWARD);
}

static void op__tree_alias_delete_is_delete_file(void **state)
{
	(void)state;
	check_op("delete", OP_KIND_TREE, OP_DELETE_FILE);
}

static void op__parse_adds_to_the_mask(void **state)
{
	struct err err = {""};
	unsigned mask = OP_FORCE;

	(void)state;
	assert_int_equal(op_parse(&mask, "delete", 6, OP_KIND_REF, &err), 0);
	assert_int_equal(mask, OP_FORCE | OP_DELETE);
}

static void op__tree_op_in_refs_is_an_error(void **state)
{
	(void)state;
	check_op_error("create-file", OP_KIND_REF,
		       "'create-file' is a tree op, not allowed in refs/");
	check_op_error("create-directory", OP_KIND_REF,
		       "'create-directory' is a tree op, not allowed in refs/");
	check_op_error("delete-file", OP_KIND_REF,
		       "'delete-file' is a tree op, not allowed in refs/");
}

static void op__ref_op_in_branches_is_an_error(void **state)
{
	(void)state;
	check_op_error("fast-forward", OP_KIND_TREE,
		       "'fast-forward' is a ref op, not allowed in branches/");
	check_op_error("force", OP_KIND_TREE,
		       "'force' is a ref op, not allowed in branches/");
	check_op_error("create", OP_KIND_TREE,
		       "'create' is a ref op, not allowed in branches/");
	check_op_error("create-tag", OP_KIND_TREE,
		       "'create-tag' is a ref op, not allowed in branches/");
}

static void op__unknown_op_is_an_error(void **state)
{
	(void)state;
	check_op_error("fast-foward", OP_KIND_REF,
		       "unknown op 'fast-foward'");
	check_op_error("modfy", OP_KIND_TREE, "unknown op 'modfy'");
	/* names are exact: no prefixes, no case folding, no blanks */
	check_op_error("create-", OP_KIND_REF, "unknown op 'create-'");
	check_op_error("Force", OP_KIND_REF, "unknown op 'Force'");
	check_op_error("force ", OP_KIND_REF, "unknown op 'force '");
	check_op_error("", OP_KIND_REF, "unknown op ''");
}

static void op__parse_uses_only_len_bytes(void **state)
{
	struct err err = {""};
	unsigned mask = 0;

	(void)state;
	/* "forced" cut to "force" is force; "delete-file" cut is delete */
	assert_int_equal(op_parse(&mask, "forced", 5, OP_KIND_REF, &err), 0);
	assert_int_equal(mask, OP_FORCE);
	mask = 0;
	assert_int_equal(op_parse(&mask, "delete-file", 6, OP_KIND_TREE, &err),
			 0);
	assert_int_equal(mask, OP_DELETE_FILE);
}

static void op__list_combines_ops(void **state)
{
	(void)state;
	check_list("create-branch,create-tag,fast-forward,force,delete",
		   OP_KIND_REF, OP_REF_ALL);
	check_list("create-directory,create-file,create-symlink,"
		   "create-gitlink,modify,delete",
		   OP_KIND_TREE, OP_TREE_ALL);
	check_list("create,modify", OP_KIND_REF,
		   OP_CREATE_BRANCH | OP_CREATE_TAG | OP_FAST_FORWARD);
	check_list("modify", OP_KIND_TREE, OP_MODIFY);
	check_list("force,force", OP_KIND_REF, OP_FORCE);
}

static void op__list_empty_item_is_an_error(void **state)
{
	(void)state;
	check_list_error("create-file,,modify", OP_KIND_TREE,
			 "empty op in list 'create-file,,modify'");
	check_list_error("force,", OP_KIND_REF, "empty op in list 'force,'");
	check_list_error(",force", OP_KIND_REF, "empty op in list ',force'");
	check_list_error("", OP_KIND_REF, "empty op in list ''");
	check_list_error(",", OP_KIND_TREE, "empty op in list ','");
}

static void op__list_reports_the_bad_item(void **state)
{
	(void)state;
	check_list_error("create-branch,create-tag,fast-foward,force,delete",
			 OP_KIND_REF, "unknown op 'fast-foward'");
	check_list_error("create-file,fast-forward", OP_KIND_TREE,
			 "'fast-forward' is a ref op, not allowed in "
			 "branches/");
	check_list_error("force,modify,create-symlink", OP_KIND_REF,
			 "'create-symlink' is a tree op, not allowed in refs/");
	/* no blanks around commas: the field never holds any */
	check_list_error("force, delete", OP_KIND_REF,
			 "unknown op ' delete'");
}

static void op__names_are_canonical(void **state)
{
	(void)state;
	assert_string_equal(op_name(OP_CREATE_BRANCH), "create-branch");
	assert_string_equal(op_name(OP_CREATE_TAG), "create-tag");
	assert_string_equal(op_name(OP_FAST_FORWARD), "fast-forward");
	assert_string_equal(op_name(OP_FORCE), "force");
	assert_string_equal(op_name(OP_DELETE), "delete");
	assert_string_equal(op_name(OP_CREATE_DIRECTORY), "create-directory");
	assert_string_equal(op_name(OP_CREATE_FILE), "create-file");
	assert_string_equal(op_name(OP_CREATE_SYMLINK), "create-symlink");
	assert_string_equal(op_name(OP_CREATE_GITLINK), "create-gitlink");
	assert_string_equal(op_name(OP_MODIFY), "modify");
	assert_string_equal(op_name(OP_DELETE_FILE), "delete-file");
}

static void op__name_of_a_non_op_is_question_mark(void **state)
{
	(void)state;
	/* the alias `create` is two ops, not one */
	assert_string_equal(op_name(OP_CREATE_BRANCH | OP_CREATE_TAG), "?");
	assert_string_equal(op_name((enum op)0), "?");
	assert_string_equal(op_name((enum op)(1u << 5)), "?");
}

static void op__kind_of_each_op(void **state)
{
	(void)state;
	assert_int_equal(op_kind_of(OP_CREATE_BRANCH), OP_KIND_REF);
	assert_int_equal(op_kind_of(OP_CREATE_TAG), OP_KIND_REF);
	assert_int_equal(op_kind_of(OP_FAST_FORWARD), OP_KIND_REF);
	assert_int_equal(op_kind_of(OP_FORCE), OP_KIND_REF);
	assert_int_equal(op_kind_of(OP_DELETE), OP_KIND_REF);
	assert_int_equal(op_kind_of(OP_CREATE_DIRECTORY), OP_KIND_TREE);
	assert_int_equal(op_kind_of(OP_CREATE_FILE), OP_KIND_TREE);
	assert_int_equal(op_kind_of(OP_CREATE_SYMLINK), OP_KIND_TREE);
	assert_int_equal(op_kind_of(OP_CREATE_GITLINK), OP_KIND_TREE);
	assert_int_equal(op_kind_of(OP_MODIFY), OP_KIND_TREE);
	assert_int_equal(op_kind_of(OP_DELETE_FILE), OP_KIND_TREE);
	/* ref and tree ops never share a bit */
	assert_int_equal(OP_REF_ALL & OP_TREE_ALL, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(op__every_ref_op_name),
		cmocka_unit_test(op__every_tree_op_name),
		cmocka_unit_test(op__ref_aliases_create_and_modify),
		cmocka_unit_test(op__tree_alias_delete_is_delete_file),
		cmocka_unit_test(op__parse_adds_to_the_mask),
		cmocka_unit_test(op__tree_op_in_refs_is_an_error),
		cmocka_unit_test(op__ref_op_in_branches_is_an_error),
		cmocka_unit_test(op__unknown_op_is_an_error),
		cmocka_unit_test(op__parse_uses_only_len_bytes),
		cmocka_unit_test(op__list_combines_ops),
		cmocka_unit_test(op__list_empty_item_is_an_error),
		cmocka_unit_test(op__list_reports_the_bad_item),
		cmocka_unit_test(op__names_are_canonical),
		cmocka_unit_test(op__name_of_a_non_op_is_question_mark),
		cmocka_unit_test(op__kind_of_each_op),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
