/* attest: attestation paths, reading and writing (apps/attestations) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scratch.h"
#include "../../apps/attestations/attest.h"

#define C1 "4e1f2a9c0b1d4e1f2a9c0b1d4e1f2a9c0b1d4e1f"
#define C2 "ABCDEF0123456789abcdef0123456789abcdef01"
#define ALICE "0123456789ABCDEF0123456789ABCDEF01234567"
#define BOB "89ABCDEF0123456789ABCDEF0123456789ABCDEF"

struct fixture {
	char dir[32];
	git_repository *repo;
	git_signature *sig;
	git_oid c1, c2;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	git_libgit2_init();
	strcpy(f->dir, "/tmp/attest-XXXXXX");
	if (mkdtemp(f->dir) == NULL ||
	    git_repository_init(&f->repo, f->dir, 1) < 0 ||
	    git_signature_new(&f->sig, "T", "t@example.com", 1764000000, 0) <
		    0 ||
	    git_oid_fromstr(&f->c1, C1) < 0 || git_oid_fromstr(&f->c2, C2) < 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	git_signature_free(f->sig);
	git_repository_free(f->repo);
	scratch_remove(f->dir);
	free(f);
	git_libgit2_shutdown();
	return 0;
}

/* Write (text) or delete (NULL) one file on parent; the new commit. */
static int change(struct fixture *f, git_oid *out, const git_oid *parent,
		  const git_oid *commit, const char *kind, const char *user,
		  const char *text, struct err *err)
{
	struct attest_change c;

	memset(&c, 0, sizeof(c));
	git_oid_cpy(&c.commit, commit);
	c.kind = kind;
	c.user = user;
	c.text = text;
	c.len = text ? strlen(text) : 0;
	return attest_commit(out, f->repo, parent, &c, f->sig, "attest\n",
			     err);
}

static git_tree *tree_of(struct fixture *f, const git_oid *commit)
{
	git_commit *c = NULL;
	git_tree *tree = NULL;

	assert_int_equal(git_commit_lookup(&c, f->repo, commit), 0);
	assert_int_equal(git_commit_tree(&tree, c), 0);
	git_commit_free(c);
	return tree;
}

static void attest__path_splits_the_lower_case_id(void **state)
{
	struct fixture *f = *state;
	char path[ATTEST_PATH_SIZE];
	struct err err = {{0}};

	assert_int_equal(attest_path(path, &f->c2, "approved", ALICE, &err), 0);
	assert_string_equal(path, "ab/cd/ef0123456789abcdef0123456789abcdef01/"
				  "approved/" ALICE);
}

static void attest__path_refuses_bad_kinds_and_users(void **state)
{
	struct fixture *f = *state;
	char path[ATTEST_PATH_SIZE];
	struct err err = {{0}};
	char long_kind[ATTEST_KIND_MAX + 2];

	assert_int_equal(attest_path(path, &f->c1, "Approved", ALICE, &err),
			 -1);
	assert_string_equal(err.msg, "'Approved' is not an attestation kind");
	assert_int_equal(attest_path(path, &f->c1, "ci-pass", ALICE
				     "0", &err), -1);
	assert_int_equal(attest_path(path, &f->c1, "ci-pass",
				     "0123456789abcdef0123456789abcdef01234567",
				     &err),
			 -1);
	assert_int_equal(attest_path(path, &f->c1, "../x", ALICE, &err), -1);
	assert_int_equal(attest_path(path, &f->c1, "", ALICE, &err), -1);
	memset(long_kind, 'a', sizeof(long_kind) - 1);
	long_kind[sizeof(long_kind) - 1] = '\0';	/* 65 letters */
	assert_false(attest_kind_valid(long_kind));
	long_kind[ATTEST_KIND_MAX] = '\0';		/* 64 */
	assert_true(attest_kind_valid(long_kind));
	assert_true(attest_kind_valid("ci-pass"));
	assert_false(attest_kind_valid("9lives"));
}

/*
 * root: C1/approved/ALICE        (a root commit: no ref yet)
 * two:  C1/approved/ALICE, C1/approved/BOB, C1/ci-pass/BOB, C2/approved/BOB
 * The blob is a regular 100644 file holding the text.
 */
static void attest__writes_a_root_commit_then_on_top(void **state)
{
	struct fixture *f = *state;
	struct attest_entry *list = NULL;
	struct err err = {{0}};
	git_oid root, two, tmp;
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	git_tree_entry *entry = NULL;
	git_blob *blob = NULL;
	size_t count = 0;

	assert_int_equal(change(f, &root, NULL, &f->c1, "approved", ALICE,
				"Merge-Request: x/1\n", &err),
			 0);
	assert_int_equal(git_commit_lookup(&commit, f->repo, &root), 0);
	assert_int_equal(git_commit_parentcount(commit), 0);
	git_commit_free(commit);
	assert_int_equal(change(f, &tmp, &root, &f->c1, "approved", BOB, "b",
				&err),
			 0);
	assert_int_equal(change(f, &tmp, &tmp, &f->c1, "ci-pass", BOB, "b",
				&err),
			 0);
	assert_int_equal(change(f, &two, &tmp, &f->c2, "approved", BOB, "b",
				&err),
			 0);
	assert_int_equal(git_commit_lookup(&commit, f->repo, &two), 0);
	assert_int_equal(git_commit_parentcount(commit), 1);
	assert_true(git_oid_equal(git_commit_parent_id(commit, 0), &tmp));
	git_commit_free(commit);

	tree = tree_of(f, &root);
	assert_int_equal(git_tree_entry_bypath(&entry, tree,
					       "4e/1f/2a9c0b1d4e1f2a9c0b1d4e1f2a9c"
					       "0b1d4e1f/approved/" ALICE),
			 0);
	assert_int_equal(git_tree_entry_filemode(entry), GIT_FILEMODE_BLOB);
	assert_int_equal(git_blob_lookup(&blob, f->repo,
					 git_tree_entry_id(entry)),
			 0);
	assert_int_equal(git_blob_rawsize(blob), 19);
	assert_memory_equal(git_blob_rawcontent(blob), "Merge-Request: x/1\n",
			    19);
	git_blob_free(blob);
	git_tree_entry_free(entry);
	git_tree_free(tree);

	tree = tree_of(f, &two);
	assert_int_equal(attest_list(&list, &count, f->repo, tree, &f->c1,
				     &err),
			 0);
	assert_int_equal(count, 3);
	assert_string_equal(list[0].kind, "approved");
	assert_string_equal(list[0].user, ALICE);
	assert_string_equal(list[1].kind, "approved");
	assert_string_equal(list[1].user, BOB);
	assert_string_equal(list[2].kind, "ci-pass");
	assert_string_equal(list[2].user, BOB);
	free(list);
	assert_int_equal(attest_exists(tree, &f->c2, "approved", BOB,
				       &err),
			 1);
	assert_int_equal(attest_exists(tree, &f->c2, "approved",
				       ALICE, &err),
			 0);
	assert_int_equal(attest_exists(tree, &f->c2, "ci-pass", BOB,
				       &err),
			 0);
	git_tree_free(tree);
}

/* Deleting the last file of a commit leaves no empty directory. */
static void attest__delete_prunes_directories(void **state)
{
	struct fixture *f = *state;
	struct err err = {{0}};
	git_oid one, two, gone;
	git_tree *tree = NULL;
	git_tree_entry *entry = NULL;

	assert_int_equal(change(f, &one, NULL, &f->c1, "approved", ALICE, "a",
				&err),
			 0);
	assert_int_equal(change(f, &two, &one, &f->c2, "approved", BOB, "b",
				&err),
			 0);
	assert_int_equal(change(f, &gone, &two, &f->c2, "approved", BOB, NULL,
				&err),
			 0);
	tree = tree_of(f, &gone);
	assert_int_equal(git_tree_entrycount(tree), 1);
	assert_int_equal(git_tree_entry_bypath(&entry, tree, "ab"),
			 GIT_ENOTFOUND);
	assert_int_equal(attest_exists(tree, &f->c1, "approved",
				       ALICE, &err),
			 1);
	git_tree_free(tree);
	/* the tree is the one before BOB wrote: byte for byte */
	{
		git_tree *a = tree_of(f, &one), *b = tree_of(f, &gone);

		assert_true(git_oid_equal(git_tree_id(a), git_tree_id(b)));
		git_tree_free(a);
		git_tree_free(b);
	}
}

static void attest__no_op_changes_are_refused(void **state)
{
	struct fixture *f = *state;
	struct err err = {{0}};
	git_oid one, out;

	assert_int_equal(change(f, &out, NULL, &f->c1, "approved", ALICE, NULL,
				&err),
			 GIT_ENOTFOUND);
	assert_int_equal(change(f, &one, NULL, &f->c1, "approved", ALICE, "a",
				&err),
			 0);
	assert_int_equal(change(f, &out, &one, &f->c1, "approved", ALICE, "b",
				&err),
			 GIT_EEXISTS);
	assert_int_equal(change(f, &out, &one, &f->c1, "approved", BOB, NULL,
				&err),
			 GIT_ENOTFOUND);
	assert_int_equal(change(f, &out, &one, &f->c1, "Approved", BOB, "x",
				&err),
			 -1);
	assert_string_equal(err.msg, "'Approved' is not an attestation kind");
}

/* Files of the wrong shape never count as attestations. */
static void attest__list_skips_other_shapes(void **state)
{
	struct fixture *f = *state;
	struct attest_entry *list = NULL;
	struct err err = {{0}};
	git_oid blob, tree_id, one;
	git_tree *base = NULL, *tree = NULL;
	git_tree_update u[3];
	size_t count = 9;

	assert_int_equal(change(f, &one, NULL, &f->c1, "approved", ALICE, "a",
				&err),
			 0);
	assert_int_equal(git_blob_create_from_buffer(&blob, f->repo, "x", 1), 0);
	memset(u, 0, sizeof(u));
	u[0].action = GIT_TREE_UPDATE_UPSERT;
	u[0].filemode = GIT_FILEMODE_BLOB_EXECUTABLE;
	u[0].path = "4e/1f/2a9c0b1d4e1f2a9c0b1d4e1f2a9c0b1d4e1f/approved/" BOB;
	git_oid_cpy(&u[0].id, &blob);
	u[1].action = GIT_TREE_UPDATE_UPSERT;
	u[1].filemode = GIT_FILEMODE_BLOB;
	u[1].path = "4e/1f/2a9c0b1d4e1f2a9c0b1d4e1f2a9c0b1d4e1f/approved/"
		    "0123456789abcdef0123456789abcdef01234567";
	git_oid_cpy(&u[1].id, &blob);
	u[2].action = GIT_TREE_UPDATE_UPSERT;
	u[2].filemode = GIT_FILEMODE_BLOB;
	u[2].path = "4e/1f/2a9c0b1d4e1f2a9c0b1d4e1f2a9c0b1d4e1f/Bad/" BOB;
	git_oid_cpy(&u[2].id, &blob);
	base = tree_of(f, &one);
	assert_int_equal(git_tree_create_updated(&tree_id, f->repo, base, 3, u),
			 0);
	assert_int_equal(git_tree_lookup(&tree, f->repo, &tree_id), 0);
	assert_int_equal(attest_list(&list, &count, f->repo, tree, &f->c1,
				     &err),
			 0);
	assert_int_equal(count, 1);
	assert_string_equal(list[0].user, ALICE);
	assert_int_equal(attest_exists(tree, &f->c1, "approved", BOB,
				       &err),
			 0);
	free(list);
	assert_int_equal(attest_list(&list, &count, f->repo, NULL, &f->c1,
				     &err),
			 0);
	assert_int_equal(count, 0);
	assert_null(list);
	git_tree_free(tree);
	git_tree_free(base);
}

static void attest__tree_of_the_local_ref(void **state)
{
	struct fixture *f = *state;
	struct err err = {{0}};
	git_tree *tree = NULL;
	git_oid one, tip;
	git_reference *ref = NULL;

	assert_int_equal(attest_tree(&tree, &tip, f->repo, &err), 0);
	assert_null(tree);
	assert_int_equal(change(f, &one, NULL, &f->c1, "approved", ALICE, "a",
				&err),
			 0);
	assert_int_equal(git_reference_create(&ref, f->repo, ATTEST_REF, &one,
					      0, NULL),
			 0);
	git_reference_free(ref);
	assert_int_equal(attest_tree(&tree, &tip, f->repo, &err), 0);
	assert_non_null(tree);
	assert_true(git_oid_equal(&tip, &one));
	git_tree_free(tree);
}

static void attest__text_names_request_and_revision(void **state)
{
	struct fixture *f = *state;
	struct buf b = BUF_INIT;

	assert_int_equal(attest_text_mr(&b, ALICE, 3, 2, &f->c1), 0);
	assert_string_equal(buf_cstr(&b), "Merge-Request: " ALICE "/3\n"
					  "Revision: 2\n"
					  "Commit: " C1 "\n");
	buf_dispose(&b);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(attest__path_splits_the_lower_case_id),
		T(attest__path_refuses_bad_kinds_and_users),
		T(attest__writes_a_root_commit_then_on_top),
		T(attest__delete_prunes_directories),
		T(attest__no_op_changes_are_refused),
		T(attest__list_skips_other_shapes),
		T(attest__tree_of_the_local_ref),
		T(attest__text_names_request_and_revision),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
