/* treediff: tree ops of a new tree against its bases (SPEC 4) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <git2/sys/mempack.h>

#include "scratch.h"
#include "../../common/buf.h"
#include "../../common/quote.h"
#include "../../adapters/treediff.h"
#include "../../policy/op.h"

/* Entry kinds of a fixture; D is an empty directory. */
#define F 0100644
#define X 0100755
#define L 0120000
#define G 0160000
#define D 0040000

#define COMMIT_1 "1111111111111111111111111111111111111111"
#define COMMIT_2 "2222222222222222222222222222222222222222"

/*
 * One entry of a fixture tree: a path with '/' between directories, its
 * mode, and the blob content, symlink target or gitlink commit.
 */
struct fx {
	const char *path;
	unsigned mode;
	const char *data;
};

struct fixture {
	char dir[32];
	git_repository *repo;
	git_odb *odb;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	git_libgit2_init();
	strcpy(f->dir, "/tmp/treediff-XXXXXX");
	if (mkdtemp(f->dir) == NULL ||
	    git_repository_init(&f->repo, f->dir, 1) < 0 ||
	    git_repository_odb(&f->odb, f->repo) < 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	git_odb_free(f->odb);
	git_repository_free(f->repo);
	scratch_remove(f->dir);
	free(f);
	git_libgit2_shutdown();
	return 0;
}

/*
 * Keep new objects in memory, for tests that write thousands of trees
 * (loose objects cost a file each); the odb frees the backend.
 */
static void use_mempack(struct fixture *f)
{
	git_odb_backend *mempack = NULL;

	assert_int_equal(git_mempack_new(&mempack), 0);
	assert_int_equal(git_odb_add_backend(f->odb, mempack, 1000), 0);
}

static git_oid leaf(struct fixture *f, const struct fx *e)
{
	git_treebuilder *bld = NULL;
	git_oid id;

	if (e->mode == G) {
		assert_int_equal(git_oid_fromstr(&id, e->data), 0);
	} else if (e->mode == D) {
		assert_int_equal(git_treebuilder_new(&bld, f->repo, NULL), 0);
		assert_int_equal(git_treebuilder_write(&id, bld), 0);
		git_treebuilder_free(bld);
	} else {
		assert_int_equal(git_blob_create_from_buffer(&id, f->repo,
							     e->data,
							     strlen(e->data)),
				 0);
	}
	return id;
}

/* The tree of the entries of list under prefix ("" or "dir/"). */
static git_oid build_dir(struct fixture *f, const struct fx *list,
			 const char *prefix)
{
	git_treebuilder *bld = NULL;
	size_t plen = strlen(prefix);
	const struct fx *e;
	git_oid id, out;

	assert_int_equal(git_treebuilder_new(&bld, f->repo, NULL), 0);
	for (e = list; e->path != NULL; e++) {
		const char *rest = e->path + plen, *slash;
		char name[256], sub[1024];

		if (strncmp(e->path, prefix, plen) != 0)
			continue;
		if ((slash = strchr(rest, '/')) == NULL) {
			id = leaf(f, e);
			assert_int_equal(git_treebuilder_insert(NULL, bld, rest,
								&id, e->mode),
					 0);
			continue;
		}
		snprintf(name, sizeof(name), "%.*s", (int)(slash - rest), rest);
		if (git_treebuilder_get(bld, name) != NULL)
			continue;
		snprintf(sub, sizeof(sub), "%s%s/", prefix, name);
		id = build_dir(f, list, sub);
		assert_int_equal(git_treebuilder_insert(NULL, bld, name, &id,
							GIT_FILEMODE_TREE),
				 0);
	}
	assert_int_equal(git_treebuilder_write(&out, bld), 0);
	git_treebuilder_free(bld);
	return out;
}

static git_oid tree(struct fixture *f, const struct fx *list)
{
	return build_dir(f, list, "");
}

/* Each report as "<op>[+<op>...] <path quoted as git does>\n". */
static int record(unsigned ops, const char *path, size_t len, void *payload)
{
	struct buf *out = payload;
	unsigned bit;
	const char *sep = "";

	assert_int_equal(ops & ~(unsigned)OP_TREE_ALL, 0);
	assert_int_not_equal(ops, 0);
	assert_int_equal(path[len], '\0');
	for (bit = OP_CREATE_DIRECTORY; bit <= OP_DELETE_FILE; bit <<= 1) {
		if ((ops & bit) == 0)
			continue;
		assert_int_equal(buf_printf(out, "%s%s", sep,
					    op_name((enum op)bit)),
				 0);
		sep = "+";
	}
	assert_int_equal(buf_putc(out, ' '), 0);
	assert_int_equal(quote_path(out, path, len), 0);
	assert_int_equal(buf_putc(out, '\n'), 0);
	return 0;
}

/*
 * Compare the trees of new and of each base list on a fresh context and
 * check the reports; returns the entries counted.
 */
static size_t check_diff(struct fixture *f, const struct fx *new,
			 const struct fx *const *bases, size_t nbases,
			 const char *want)
{
	struct treediff *td = NULL;
	struct buf got = BUF_INIT;
	struct err err = {""};
	git_oid new_id = tree(f, new), base_ids[8];
	size_t i, counted;
	int rc;

	assert_true(nbases <= 8);
	for (i = 0; i < nbases; i++)
		base_ids[i] = tree(f, bases[i]);
	assert_int_equal(treediff_new(&td, f->odb, NULL, &err), 0);
	rc = treediff_compare(td, &new_id, base_ids, nbases, record, &got,
			      &err);
	if (rc != 0)
		fail_msg("treediff_compare: %d %s", rc, err.msg);
	assert_string_equal(buf_cstr(&got), want);
	counted = treediff_entries_counted(td);
	treediff_free(td);
	buf_dispose(&got);
	return counted;
}

static size_t check_one(struct fixture *f, const struct fx *new,
			const struct fx *base, const char *want)
{
	return check_diff(f, new, &base, 1, want);
}

/*
 *   base: a        new: a  b  x
 */
static void treediff__new_file(void **state)
{
	static const struct fx base[] = {{"a", F, "a"}, {0}};
	static const struct fx new[] = {
		{"a", F, "a"}, {"b", F, "b"}, {"x", X, "#!/bin/sh\n"}, {0}};

	assert_int_equal(check_one(*state, new, base,
				   "create-file b\n"
				   "create-file x\n"),
			 2);
}

/*
 *   base: a        new: a  d/e/f/g
 */
static void treediff__new_nested_dirs(void **state)
{
	static const struct fx base[] = {{"a", F, "a"}, {0}};
	static const struct fx new[] = {
		{"a", F, "a"}, {"d/e/f/g", F, "g"}, {0}};

	assert_int_equal(check_one(*state, new, base,
				   "create-directory d\n"
				   "create-directory d/e\n"
				   "create-directory d/e/f\n"
				   "create-file d/e/f/g\n"),
			 4);
}

/*
 *   base: a  d/b=1        new: a  d/b=2
 */
static void treediff__modify_content(void **state)
{
	static const struct fx base[] = {{"a", F, "a"}, {"d/b", F, "1"}, {0}};
	static const struct fx new[] = {{"a", F, "a"}, {"d/b", F, "2"}, {0}};

	/* d changed in place (counted, no op of its own), then d/b */
	assert_int_equal(check_one(*state, new, base, "modify d/b\n"), 2);
}

/*
 *   base: run (100644)        new: run (100755), same blob
 */
static void treediff__mode_change_is_modify(void **state)
{
	static const struct fx base[] = {{"run", F, "echo"}, {0}};
	static const struct fx new[] = {{"run", X, "echo"}, {0}};
	static const struct fx back[] = {{"run", F, "echo"}, {0}};

	check_one(*state, new, base, "modify run\n");
	check_one(*state, back, new, "modify run\n");
}

/*
 *   base: l -> one        new: l -> two
 */
static void treediff__symlink_target_change_is_modify(void **state)
{
	static const struct fx base[] = {{"l", L, "one"}, {0}};
	static const struct fx new[] = {{"l", L, "two"}, {0}};

	check_one(*state, new, base, "modify l\n");
}

/*
 *   base: p (file "t")        new: p -> t (symlink)
 */
static void treediff__file_to_symlink(void **state)
{
	static const struct fx base[] = {{"p", F, "t"}, {0}};
	static const struct fx new[] = {{"p", L, "t"}, {0}};

	check_one(*state, new, base, "create-symlink+delete-file p\n");
	check_one(*state, base, new, "create-file+delete-file p\n");
}

/*
 *   base: a (file)  a-b        new: a/b  a/c/d  a-b
 *
 * A directory `a` sorts after `a-b` in git's order; the walk pairs it with
 * the file `a` all the same.
 */
static void treediff__file_to_dir(void **state)
{
	static const struct fx base[] = {{"a", F, "a"}, {"a-b", F, "x"}, {0}};
	static const struct fx new[] = {
		{"a/b", F, "b"}, {"a/c/d", F, "d"}, {"a-b", F, "x"}, {0}};

	check_one(*state, new, base,
		  "create-directory+delete-file a\n"
		  "create-file a/b\n"
		  "create-directory a/c\n"
		  "create-file a/c/d\n");
}

/*
 *   base: a/b  a/c/d  a-b        new: a (file)  a-b
 */
static void treediff__dir_to_file(void **state)
{
	static const struct fx base[] = {
		{"a/b", F, "b"}, {"a/c/d", F, "d"}, {"a-b", F, "x"}, {0}};
	static const struct fx new[] = {{"a", F, "a"}, {"a-b", F, "x"}, {0}};

	check_one(*state, new, base,
		  "delete-file a/b\n"
		  "delete-file a/c/d\n"
		  "create-file a\n");
}

/*
 *   base: d/x  d/l -> x  d/m (gitlink)  d/e/y  d/empty/  keep
 *   new:  keep
 */
static void treediff__deleted_directory(void **state)
{
	static const struct fx base[] = {
		{"d/x", F, "x"},
		{"d/l", L, "x"},
		{"d/m", G, COMMIT_1},
		{"d/e/y", X, "y"},
		{"d/empty", D, ""},
		{"keep", F, "k"},
		{0},
	};
	static const struct fx new[] = {{"keep", F, "k"}, {0}};

	/* no op for the directories themselves, the empty one included */
	check_one(*state, new, base,
		  "delete-file d/e/y\n"
		  "delete-file d/l\n"
		  "delete-file d/m\n"
		  "delete-file d/x\n");
}

/*
 *   v1: a      v2: a  sub -> 1111     v3: a  sub -> 2222     v4: a
 */
static void treediff__gitlink_create_modify_delete(void **state)
{
	static const struct fx v1[] = {{"a", F, "a"}, {0}};
	static const struct fx v2[] = {{"a", F, "a"}, {"sub", G, COMMIT_1},
				       {0}};
	static const struct fx v3[] = {{"a", F, "a"}, {"sub", G, COMMIT_2},
				       {0}};
	static const struct fx file[] = {{"a", F, "a"}, {"sub", F, COMMIT_2},
					 {0}};

	check_one(*state, v2, v1, "create-gitlink sub\n");
	check_one(*state, v3, v2, "modify sub\n");
	check_one(*state, v1, v3, "delete-file sub\n");
	check_one(*state, file, v3, "create-file+delete-file sub\n");
}

/*
 *   base: big/{0..99}  big/deep/x  top=1
 *   new:  big/ (same tree id)      top=2
 */
static void treediff__identical_subtree_skipped(void **state)
{
	struct fixture *f = *state;
	struct fx base[104] = {{0}}, new[104] = {{0}};
	char names[101][16];
	struct treediff *td = NULL;
	struct buf got = BUF_INIT;
	struct err err = {""};
	git_oid new_id, base_id;
	size_t i;

	for (i = 0; i < 100; i++) {
		snprintf(names[i], sizeof(names[i]), "big/%zu", i);
		base[i] = (struct fx){names[i], F, names[i]};
	}
	base[100] = (struct fx){"big/deep/x", F, "x"};
	memcpy(new, base, sizeof(base));
	base[101] = (struct fx){"top", F, "1"};
	new[101] = (struct fx){"top", F, "2"};
	base[102] = new[102] = (struct fx){0};
	new_id = tree(f, new);
	base_id = tree(f, base);

	assert_int_equal(treediff_new(&td, f->odb, NULL, &err), 0);
	assert_int_equal(treediff_compare(td, &new_id, &base_id, 1, record,
					  &got, &err),
			 0);
	assert_string_equal(buf_cstr(&got), "modify top\n");
	/* only `top` counts; big/ was compared by id, never read */
	assert_int_equal(treediff_entries_counted(td), 1);
	assert_int_equal(treediff_trees_read(td), 2);
	treediff_free(td);
	buf_dispose(&got);
}

/*
 * A merge: parent 1 has a=1, parent 2 has a=2; the merge keeps a=2, and
 * adds b, which neither parent has.
 */
static void treediff__two_bases_path_equal_in_one(void **state)
{
	static const struct fx p1[] = {{"a", F, "1"}, {"d/x", F, "x"}, {0}};
	static const struct fx p2[] = {{"a", F, "2"}, {0}};
	static const struct fx merge[] = {
		{"a", F, "2"}, {"b", F, "b"}, {"d/x", F, "x"}, {0}};
	const struct fx *bases[] = {p1, p2};

	/* a equals p2's, d equals p1's: neither is charged nor counted */
	assert_int_equal(check_diff(*state, merge, bases, 2,
				    "create-file b\n"),
			 1);
}

/*
 *   p1: a=1 (file)   p2: a -> 1 (symlink)   p3: a/x      merge: a=3
 */
static void treediff__two_bases_differs_from_both(void **state)
{
	static const struct fx p1[] = {{"a", F, "1"}, {0}};
	static const struct fx p2[] = {{"a", L, "1"}, {0}};
	static const struct fx p3[] = {{"a/x", F, "x"}, {0}};
	static const struct fx merge[] = {{"a", F, "3"}, {0}};
	const struct fx *two[] = {p1, p2};
	const struct fx *three[] = {p1, p2, p3};

	/* against p1 modify; against p2 delete-file + create-file */
	check_diff(*state, merge, two, 2, "create-file+modify+delete-file a\n");
	/* p3's a/x is not charged: it is absent in p1 and p2 as in merge */
	check_diff(*state, merge, three, 3,
		   "create-file+modify+delete-file a\n");
}

/*
 *   p1: d/x        p2: (nothing)        merge: d/y
 */
static void treediff__create_directory_not_charged_when_a_base_has_it(
	void **state)
{
	static const struct fx p1[] = {{"d/x", F, "x"}, {0}};
	static const struct fx p2[] = {{"k", F, "k"}, {0}};
	static const struct fx merge[] = {{"d/y", F, "y"}, {"k", F, "k"},
					  {0}};
	const struct fx *bases[] = {p1, p2};
	const struct fx *neither[] = {p2, p2};

	/* d/x is absent in p2 as in the merge: not charged either */
	check_diff(*state, merge, bases, 2, "create-file d/y\n");
	check_diff(*state, merge, neither, 2,
		   "create-directory d\n"
		   "create-file d/y\n");
}

/*
 * Several bases, type changes: p1 has a directory a/, p2 a file a; the
 * merge has a different directory a/, then neither.
 */
static void treediff__two_bases_file_and_dir(void **state)
{
	static const struct fx p1[] = {{"a/x", F, "x"}, {"k", F, "k"}, {0}};
	static const struct fx p2[] = {{"a", F, "a"}, {"k", F, "k"}, {0}};
	static const struct fx dir[] = {{"a/x", F, "y"}, {"k", F, "k"}, {0}};
	static const struct fx none[] = {{"k", F, "k"}, {0}};
	const struct fx *bases[] = {p1, p2};

	/* against p2 the file a is gone; no create-directory (p1 has a/) */
	check_diff(*state, dir, bases, 2,
		   "delete-file a\n"
		   "create-file+modify a/x\n");
	/* a/x is absent in p2 as in new: only p2's file is deleted */
	check_diff(*state, none, bases, 2, "delete-file a\n");
}

/*
 *   p1: a/x        p2: a=1 (file)        new: a=2 (file)
 *
 * Below a, new has nothing, as p2: p1's a/ is never read.
 */
static void treediff__replaced_dir_unread_when_a_base_agrees(void **state)
{
	struct fixture *f = *state;
	static const struct fx p1[] = {{"a/x", F, "x"}, {0}};
	static const struct fx p2[] = {{"a", F, "1"}, {0}};
	static const struct fx new[] = {{"a", F, "2"}, {0}};
	struct treediff *td = NULL;
	struct buf got = BUF_INIT;
	struct err err = {""};
	git_oid new_id = tree(f, new), bases[2];

	bases[0] = tree(f, p1);
	bases[1] = tree(f, p2);
	assert_int_equal(treediff_new(&td, f->odb, NULL, &err), 0);
	assert_int_equal(treediff_compare(td, &new_id, bases, 2, record, &got,
					  &err),
			 0);
	assert_string_equal(buf_cstr(&got), "create-file+modify a\n");
	assert_int_equal(treediff_trees_read(td), 3);
	treediff_free(td);
	buf_dispose(&got);
}

/*
 *   root commit: a  d/b  d/e/c  l -> a  m (gitlink)  empty/
 */
static void treediff__zero_bases_creates_everything(void **state)
{
	static const struct fx root[] = {
		{"a", F, "a"},
		{"d/b", X, "b"},
		{"d/e/c", F, "c"},
		{"l", L, "a"},
		{"m", G, COMMIT_1},
		{"empty", D, ""},
		{0},
	};

	assert_int_equal(check_diff(*state, root, NULL, 0,
				    "create-file a\n"
				    "create-directory d\n"
				    "create-file d/b\n"
				    "create-directory d/e\n"
				    "create-file d/e/c\n"
				    "create-directory empty\n"
				    "create-symlink l\n"
				    "create-gitlink m\n"),
			 8);
}

/*
 *   base: k        new: k  \377/caf\351  tab<TAB>here
 */
static void treediff__non_utf8_path_bytes(void **state)
{
	static const struct fx base[] = {{"k", F, "k"}, {0}};
	static const struct fx new[] = {{"k", F, "k"},
					{"\xff/caf\xe9", F, "latin-1"},
					{"tab\there", F, "t"},
					{0}};

	/* bytewise: 't' before 0xff; record() quotes as git does */
	check_one(*state, new, base,
		  "create-file \"tab\\there\"\n"
		  "create-directory \"\\377\"\n"
		  "create-file \"\\377/caf\\351\"\n");
}

/* Stop at the second report with the callback's own value. */
static int stop_second(unsigned ops, const char *path, size_t len,
		       void *payload)
{
	int *calls = payload;

	(void)ops;
	(void)path;
	(void)len;
	return ++*calls == 2 ? -7 : 0;
}

static void treediff__callback_value_stops_the_walk(void **state)
{
	struct fixture *f = *state;
	static const struct fx new[] = {
		{"a", F, "a"}, {"b", F, "b"}, {"c", F, "c"}, {0}};
	struct treediff *td = NULL;
	struct err err = {""};
	git_oid id = tree(f, new);
	int calls = 0;

	assert_int_equal(treediff_new(&td, f->odb, NULL, &err), 0);
	assert_int_equal(treediff_compare(td, &id, NULL, 0, stop_second,
					  &calls, &err),
			 -7);
	assert_int_equal(calls, 2);
	assert_string_equal(err.msg, "");
	treediff_free(td);
}

/* One raw tree entry, for trees the treebuilder would refuse. */
struct raw {
	const char *mode;
	const char *name;
	size_t len;
};

#define RAW(mode, name) {mode, name, sizeof(name) - 1}

/* A tree of the entries, all pointing at one blob, then tail bytes. */
static git_oid raw_tree(struct fixture *f, const struct raw *entries,
			size_t n, const char *tail, size_t tail_len)
{
	struct buf data = BUF_INIT;
	git_oid blob, id;
	size_t i;

	assert_int_equal(git_blob_create_from_buffer(&blob, f->repo, "x", 1),
			 0);
	for (i = 0; i < n; i++) {
		assert_int_equal(buf_printf(&data, "%s ", entries[i].mode), 0);
		assert_int_equal(buf_put(&data, entries[i].name,
					 entries[i].len),
				 0);
		assert_int_equal(buf_putc(&data, '\0'), 0);
		assert_int_equal(buf_put(&data, blob.id, GIT_OID_RAWSZ), 0);
	}
	assert_int_equal(buf_put(&data, tail, tail_len), 0);
	assert_int_equal(git_odb_write(&id, f->odb, data.ptr, data.len,
				       GIT_OBJECT_TREE),
			 0);
	buf_dispose(&data);
	return id;
}

/* Compare id against no base; return the error message (static). */
static const char *compare_error(struct fixture *f, const git_oid *id,
				 const git_oid *bases, size_t nbases)
{
	static struct err err;
	struct treediff *td = NULL;
	struct buf got = BUF_INIT;

	err_clear(&err);
	assert_int_equal(treediff_new(&td, f->odb, NULL, &err), 0);
	assert_int_equal(treediff_compare(td, id, bases, nbases, record, &got,
					  &err),
			 -1);
	treediff_free(td);
	buf_dispose(&got);
	return err.msg;
}

static void check_bad(struct fixture *f, const git_oid *id, const char *what)
{
	char hex[GIT_OID_HEXSZ + 1], want[512];

	git_oid_tostr(hex, sizeof(hex), id);
	snprintf(want, sizeof(want), "invalid tree %s: %s", hex, what);
	assert_string_equal(compare_error(f, id, NULL, 0), want);
}

static void treediff__rejects_reserved_names(void **state)
{
	static const struct {
		struct raw entry;
		const char *what;
	} cases[] = {
		{RAW("100644", ""), "empty entry name"},
		{RAW("100644", "."), "entry name '.' is not allowed"},
		{RAW("40000", ".."), "entry name '..' is not allowed"},
		{RAW("100644", "a/b"), "entry name 'a/b' holds a slash"},
		{RAW("40000", ".git"), "entry name '.git' means .git"},
		{RAW("40000", ".GIT"), "entry name '.GIT' means .git"},
		{RAW("40000", ".gIt"), "entry name '.gIt' means .git"},
		/* NTFS trims trailing spaces and dots */
		{RAW("40000", ".git "), "entry name '.git ' means .git"},
		{RAW("40000", ".git."), "entry name '.git.' means .git"},
		{RAW("40000", ".git. . "), "entry name '.git. . ' means .git"},
		/* NTFS short name and alternate data stream */
		{RAW("40000", "git~1"), "entry name 'git~1' means .git"},
		{RAW("40000", "GIT~1"), "entry name 'GIT~1' means .git"},
		{RAW("40000", ".git::$INDEX_ALLOCATION"),
		 "entry name '.git::$INDEX_ALLOCATION' means .git"},
		/* a backslash separates on NTFS, before and after .git */
		{RAW("100644", ".git\\config"),
		 "entry name \".git\\\\config\" means .git"},
		{RAW("100644", "a\\git~1\\hooks"),
		 "entry name \"a\\\\git~1\\\\hooks\" means .git"},
		/* HFS+ ignores U+200C, U+200F, U+202A, U+206F, U+FEFF */
		{RAW("40000", ".g\xe2\x80\x8cit"),
		 "entry name \".g\\342\\200\\214it\" means .git"},
		{RAW("40000", "\xe2\x80\x8f.git"),
		 "entry name \"\\342\\200\\217.git\" means .git"},
		{RAW("40000", ".G\xe2\x80\xaaI\xe2\x81\xafT\xef\xbb\xbf"),
		 "entry name \".G\\342\\200\\252I\\342\\201\\257T\\357\\273"
		 "\\277\" means .git"},
		/* as git: malformed UTF-8 after .git reads as the end */
		{RAW("40000", ".git\xff"),
		 "entry name \".git\\377\" means .git"},
	};
	struct fixture *f = *state;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		git_oid id = raw_tree(f, &cases[i].entry, 1, NULL, 0);

		check_bad(f, &id, cases[i].what);
	}
}

/* Names close to .git that no file system reads as .git. */
static void treediff__accepts_names_near_dotgit(void **state)
{
	static const struct raw ok[] = {
		RAW("100644", "..git"),
		RAW("100644", ".gi"),
		RAW("100644", ".gitignore"),
		RAW("100644", ".gitx"),
		RAW("100644", ".git~1"),
		RAW("100644", ".git\xc3\xa9"),
		RAW("100644", ".git\xe2\x80\x8cx"),
		/* overlong forms of 'i' are malformed, not 'i' */
		RAW("100644", ".g\xc1\xa9t"),
		RAW("100644", ".g\xe0\x81\xa9t"),
		RAW("100644", "a.git"),
		RAW("100644", "git"),
		RAW("100644", "git~1x"),
		RAW("100644", "git~2"),
	};
	struct fixture *f = *state;
	struct treediff *td = NULL;
	struct buf got = BUF_INIT;
	struct err err = {""};
	git_oid id = raw_tree(f, ok, sizeof(ok) / sizeof(ok[0]), NULL, 0);

	assert_int_equal(treediff_new(&td, f->odb, NULL, &err), 0);
	assert_int_equal(treediff_compare(td, &id, NULL, 0, record, &got,
					  &err),
			 0);
	assert_string_equal(buf_cstr(&got),
			    "create-file ..git\n"
			    "create-file .gi\n"
			    "create-file .gitignore\n"
			    "create-file .gitx\n"
			    "create-file .git~1\n"
			    "create-file \".git\\303\\251\"\n"
			    "create-file \".git\\342\\200\\214x\"\n"
			    "create-file \".g\\301\\251t\"\n"
			    "create-file \".g\\340\\201\\251t\"\n"
			    "create-file a.git\n"
			    "create-file git\n"
			    "create-file git~1x\n"
			    "create-file git~2\n");
	treediff_free(td);
	buf_dispose(&got);
}

static void treediff__rejects_bad_modes(void **state)
{
	static const struct {
		struct raw entry;
		const char *what;
	} cases[] = {
		{RAW("100664", "a"), "entry 'a' has bad mode '100664'"},
		{RAW("040000", "a"), "entry 'a' has bad mode '040000'"},
		{RAW("0100644", "a"), "entry 'a' has bad mode '0100644'"},
		{RAW("644", "a"), "entry 'a' has bad mode '644'"},
		{RAW("1006440000", "a"),
		 "entry 'a' has bad mode '10064400...'"},
		{RAW("", "a"), "entry 'a' has bad mode ''"},
		{RAW("\033[m", "a"), "entry 'a' has bad mode '\\033[m'"},
	};
	struct fixture *f = *state;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		git_oid id = raw_tree(f, &cases[i].entry, 1, NULL, 0);

		check_bad(f, &id, cases[i].what);
	}
}

static void treediff__rejects_unsorted_and_duplicate(void **state)
{
	static const struct raw unsorted[] = {RAW("100644", "b"),
					      RAW("100644", "a")};
	/* git orders the directory a as "a/", after "a-b" */
	static const struct raw dir_early[] = {RAW("40000", "a"),
					       RAW("100644", "a-b")};
	static const struct raw dup[] = {RAW("100644", "a"),
					 RAW("100644", "a")};
	static const struct raw dup_types[] = {RAW("100644", "a"),
					       RAW("40000", "a")};
	/* sorted for git, yet a file and a directory share the name a */
	static const struct raw dup_apart[] = {RAW("100644", "a"),
					       RAW("100644", "a-b"),
					       RAW("40000", "a")};
	struct fixture *f = *state;
	git_oid id;

	id = raw_tree(f, unsorted, 2, NULL, 0);
	check_bad(f, &id, "entry 'a' is out of order");
	id = raw_tree(f, dir_early, 2, NULL, 0);
	check_bad(f, &id, "entry 'a-b' is out of order");
	id = raw_tree(f, dup, 2, NULL, 0);
	check_bad(f, &id, "duplicate entry 'a'");
	id = raw_tree(f, dup_types, 2, NULL, 0);
	check_bad(f, &id, "duplicate entry 'a'");
	id = raw_tree(f, dup_apart, 3, NULL, 0);
	check_bad(f, &id, "duplicate entry 'a'");
}

static void treediff__rejects_truncated_and_trailing_bytes(void **state)
{
	static const struct raw one[] = {RAW("100644", "a")};
	struct fixture *f = *state;
	git_oid id;

	/* an entry is "100644 a\0" and 20 bytes: 29 */
	id = raw_tree(f, one, 1, "100644 b\0" "0123456789", 19);
	check_bad(f, &id, "truncated entry at byte 29");
	id = raw_tree(f, one, 1, "100644 b", 8);
	check_bad(f, &id, "truncated entry at byte 29");
	id = raw_tree(f, one, 1, "junk", 4);
	check_bad(f, &id, "truncated entry at byte 29");
	id = raw_tree(f, one, 1, "\n", 1);
	check_bad(f, &id, "truncated entry at byte 29");
}

/*
 * Every tree read is checked: a bad subtree of new, and a bad base.
 *
 *   new: ok  sub/ -> bad tree (.git)        base: bad tree (.git)
 */
static void treediff__rejects_bad_subtree_and_base(void **state)
{
	static const struct raw bad[] = {RAW("100644", ".git")};
	struct fixture *f = *state;
	git_oid bad_id = raw_tree(f, bad, 1, NULL, 0), root, ok;
	git_treebuilder *bld = NULL;
	static const struct fx okfx[] = {{"ok", F, "ok"}, {0}};
	char hex[GIT_OID_HEXSZ + 1], want[256];

	git_oid_tostr(hex, sizeof(hex), &bad_id);
	snprintf(want, sizeof(want),
		 "invalid tree %s: entry name '.git' means .git", hex);
	ok = tree(f, okfx);
	assert_int_equal(git_treebuilder_new(&bld, f->repo, NULL), 0);
	assert_int_equal(git_treebuilder_insert(NULL, bld, "sub", &bad_id,
						GIT_FILEMODE_TREE),
			 0);
	assert_int_equal(git_treebuilder_write(&root, bld), 0);
	git_treebuilder_free(bld);
	assert_string_equal(compare_error(f, &root, &ok, 1), want);
	assert_string_equal(compare_error(f, &ok, &bad_id, 1), want);
}

/* A missing tree, or a directory entry naming a blob, is an error. */
static void treediff__unreadable_tree_is_an_error(void **state)
{
	struct fixture *f = *state;
	struct raw dir = RAW("40000", "d");
	struct buf data = BUF_INIT;
	git_oid missing, blob, root;
	char hex[GIT_OID_HEXSZ + 1], want[256];
	const char *msg;

	assert_int_equal(git_oid_fromstr(&missing, COMMIT_1), 0);
	msg = compare_error(f, &missing, NULL, 0);
	assert_true(strncmp(msg, "cannot read tree " COMMIT_1 ": ",
			    strlen("cannot read tree " COMMIT_1 ": ")) == 0);

	assert_int_equal(git_blob_create_from_buffer(&blob, f->repo, "x", 1),
			 0);
	git_oid_tostr(hex, sizeof(hex), &blob);
	snprintf(want, sizeof(want), "object %s is not a tree", hex);
	/* written raw, as the treebuilder checks the type */
	assert_int_equal(buf_printf(&data, "%s %s", dir.mode, dir.name), 0);
	assert_int_equal(buf_putc(&data, '\0'), 0);
	assert_int_equal(buf_put(&data, blob.id, GIT_OID_RAWSZ), 0);
	assert_int_equal(git_odb_write(&root, f->odb, data.ptr, data.len,
				       GIT_OBJECT_TREE),
			 0);
	buf_dispose(&data);
	assert_string_equal(compare_error(f, &root, NULL, 0), want);
}

/* Five new files under a cap of 3: three reported, then the cap. */
static void treediff__entry_cap_names_the_setting(void **state)
{
	struct fixture *f = *state;
	static const struct fx new[] = {{"a", F, "a"}, {"b", F, "b"},
					{"c", F, "c"}, {"d", F, "d"},
					{"e", F, "e"}, {0}};
	struct treediff_options opts = {3, NULL, 0};
	struct treediff *td = NULL;
	struct buf got = BUF_INIT;
	struct err err = {""};
	git_oid id = tree(f, new);

	assert_int_equal(treediff_new(&td, f->odb, &opts, &err), 0);
	assert_int_equal(treediff_compare(td, &id, NULL, 0, record, &got,
					  &err),
			 -1);
	assert_string_equal(err.msg, "too many changed tree entries "
				     "(gitapps.maxTreeEntries = 3)");
	assert_string_equal(buf_cstr(&got), "create-file a\n"
					    "create-file b\n"
					    "create-file c\n");
	/* the cap is per context (per push): later calls fail too */
	err_clear(&err);
	assert_int_equal(treediff_compare(td, &id, &id, 1, record, &got,
					  &err),
			 -1);
	assert_string_equal(err.msg, "too many changed tree entries "
				     "(gitapps.maxTreeEntries = 3)");
	treediff_free(td);
	buf_dispose(&got);
}

/* The cap counts across the calls of one context. */
static void treediff__entry_cap_spans_calls(void **state)
{
	struct fixture *f = *state;
	static const struct fx v1[] = {{"a", F, "a"}, {"b", F, "b"}, {0}};
	static const struct fx v2[] = {{"a", F, "A"}, {"b", F, "B"}, {0}};
	struct treediff_options opts = {3, NULL, 0};
	struct treediff *td = NULL;
	struct buf got = BUF_INIT;
	struct err err = {""};
	git_oid id1 = tree(f, v1), id2 = tree(f, v2);

	assert_int_equal(treediff_new(&td, f->odb, &opts, &err), 0);
	assert_int_equal(treediff_compare(td, &id1, NULL, 0, record, &got,
					  &err),
			 0);
	assert_int_equal(treediff_entries_counted(td), 2);
	assert_int_equal(treediff_compare(td, &id2, &id1, 1, record, &got,
					  &err),
			 -1);
	assert_string_equal(err.msg, "too many changed tree entries "
				     "(gitapps.maxTreeEntries = 3)");
	treediff_free(td);
	buf_dispose(&got);
}

static int count_reports(unsigned ops, const char *path, size_t len,
			 void *payload)
{
	(void)ops;
	(void)path;
	(void)len;
	++*(size_t *)payload;
	return 0;
}

/*
 * A tree bomb in nine writes: T1 holds 16 files 0..f (one blob), T2 16
 * directories 0..f each T1, ... T8 16 directories each T7: 16^8 = 4.3e9
 * paths from a few kilobytes.
 */
static git_oid tree_bomb(struct fixture *f)
{
	static const char names[] = "0123456789abcdef";
	git_oid blob, id;
	int level, i;

	assert_int_equal(git_blob_create_from_buffer(&blob, f->repo, "x", 1),
			 0);
	id = blob;
	for (level = 1; level <= 8; level++) {
		struct buf data = BUF_INIT;

		for (i = 0; i < 16; i++) {
			assert_int_equal(buf_printf(&data, "%s %c",
						    level == 1 ? "100644"
							       : "40000",
						    names[i]),
					 0);
			assert_int_equal(buf_putc(&data, '\0'), 0);
			assert_int_equal(buf_put(&data, id.id, GIT_OID_RAWSZ),
					 0);
		}
		assert_int_equal(git_odb_write(&id, f->odb, data.ptr,
					       data.len, GIT_OBJECT_TREE),
				 0);
		buf_dispose(&data);
	}
	return id;
}

static void treediff__tree_bomb_hits_the_cap(void **state)
{
	struct fixture *f = *state;
	struct treediff *td = NULL;
	struct err err = {""};
	git_oid bomb = tree_bomb(f);
	size_t reports = 0;

	/* the default cap, as in the hook */
	assert_int_equal(treediff_new(&td, f->odb, NULL, &err), 0);
	assert_int_equal(treediff_compare(td, &bomb, NULL, 0, count_reports,
					  &reports, &err),
			 -1);
	assert_string_equal(err.msg, "too many changed tree entries "
				     "(gitapps.maxTreeEntries = 1000000)");
	assert_int_equal(reports, 1000000);
	assert_int_equal(treediff_entries_counted(td), 1000001);
	/* eight trees, each read and parsed once */
	assert_int_equal(treediff_trees_read(td), 8);
	treediff_free(td);
}

static void treediff__deadline_in_the_past(void **state)
{
	struct fixture *f = *state;
	static const struct fx new[] = {{"a", F, "a"}, {0}};
	struct timespec past;
	struct treediff_options opts = {0, &past, 0};
	struct treediff *td = NULL;
	struct buf got = BUF_INIT;
	struct err err = {""};
	git_oid id = tree(f, new);

	assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &past), 0);
	past.tv_sec -= 1;
	assert_int_equal(treediff_new(&td, f->odb, &opts, &err), 0);
	assert_int_equal(treediff_compare(td, &id, NULL, 0, record, &got,
					  &err),
			 -1);
	assert_string_equal(err.msg, "time limit reached while comparing "
				     "trees (gitapps.timeout)");
	assert_string_equal(buf_cstr(&got), "");
	treediff_free(td);
	buf_dispose(&got);
}

/*
 * A walk without end (a tree bomb, no entry cap to speak of) stops at the
 * deadline, wherever that falls: only the outcome is checked.
 */
static void treediff__deadline_stops_a_long_walk(void **state)
{
	struct fixture *f = *state;
	struct timespec soon;
	struct treediff_options opts = {SIZE_MAX, &soon, 0};
	struct treediff *td = NULL;
	struct err err = {""};
	git_oid bomb = tree_bomb(f);
	size_t reports = 0;

	assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &soon), 0);
	soon.tv_nsec += 100000000;
	if (soon.tv_nsec >= 1000000000) {
		soon.tv_sec++;
		soon.tv_nsec -= 1000000000;
	}
	assert_int_equal(treediff_new(&td, f->odb, &opts, &err), 0);
	assert_int_equal(treediff_compare(td, &bomb, NULL, 0, count_reports,
					  &reports, &err),
			 -1);
	assert_string_equal(err.msg, "time limit reached while comparing "
				     "trees (gitapps.timeout)");
	treediff_free(td);
}

/*
 *   base: a  x/f                  new: a  d1/ = d2/ = S (one tree)  x/g
 *   S: s/t
 *
 * S is reached twice and read once; a second compare reads nothing.
 */
static void treediff__each_tree_read_once(void **state)
{
	struct fixture *f = *state;
	static const struct fx base[] = {{"a", F, "a"}, {"x/f", F, "f"}, {0}};
	static const struct fx new[] = {
		{"a", F, "a"},
		{"d1/s/t", F, "t"},
		{"d2/s/t", F, "t"},
		{"x/g", F, "g"},
		{0},
	};
	struct treediff *td = NULL;
	struct buf got = BUF_INIT;
	struct err err = {""};
	git_oid new_id = tree(f, new), base_id = tree(f, base);
	static const char want[] = "create-directory d1\n"
				   "create-directory d1/s\n"
				   "create-file d1/s/t\n"
				   "create-directory d2\n"
				   "create-directory d2/s\n"
				   "create-file d2/s/t\n"
				   "delete-file x/f\n"
				   "create-file x/g\n";

	assert_int_equal(treediff_new(&td, f->odb, NULL, &err), 0);
	assert_int_equal(treediff_compare(td, &new_id, &base_id, 1, record,
					  &got, &err),
			 0);
	assert_string_equal(buf_cstr(&got), want);
	/* roots 2, d1 = d2, s, new's x, base's x */
	assert_int_equal(treediff_trees_read(td), 6);
	buf_clear(&got);
	assert_int_equal(treediff_compare(td, &new_id, &base_id, 1, record,
					  &got, &err),
			 0);
	assert_string_equal(buf_cstr(&got), want);
	assert_int_equal(treediff_trees_read(td), 6);
	assert_int_equal(treediff_entries_counted(td), 2 * 9);
	treediff_free(td);
	buf_dispose(&got);
}

/*
 * The cache grows past its first 64 slots and still finds every tree.
 *
 *   new: d0/f=0  d1/f=1  ...  d99/f=99 (100 distinct subtrees)
 */
static void treediff__cache_grows(void **state)
{
	struct fixture *f = *state;
	struct fx new[101] = {{0}};
	char paths[100][16], data[100][8];
	struct treediff *td = NULL;
	struct err err = {""};
	size_t i, reports = 0;
	git_oid id;

	for (i = 0; i < 100; i++) {
		snprintf(paths[i], sizeof(paths[i]), "d%zu/f", i);
		snprintf(data[i], sizeof(data[i]), "%zu", i);
		new[i] = (struct fx){paths[i], F, data[i]};
	}
	use_mempack(f);
	id = tree(f, new);
	assert_int_equal(treediff_new(&td, f->odb, NULL, &err), 0);
	assert_int_equal(treediff_compare(td, &id, NULL, 0, count_reports,
					  &reports, &err),
			 0);
	assert_int_equal(treediff_trees_read(td), 101);
	assert_int_equal(treediff_compare(td, &id, NULL, 0, count_reports,
					  &reports, &err),
			 0);
	assert_int_equal(treediff_trees_read(td), 101);
	assert_int_equal(reports, 2 * 200);
	treediff_free(td);
}

/* Over its budget, the cache is emptied before the next compare. */
static void treediff__cache_over_budget_is_emptied(void **state)
{
	struct fixture *f = *state;
	static const struct fx base[] = {{"a", F, "a"}, {"d/x", F, "x"}, {0}};
	static const struct fx new[] = {{"a", F, "a"}, {"d/y", F, "y"}, {0}};
	struct treediff_options opts = {0, NULL, 1};
	struct treediff *td = NULL;
	struct buf got = BUF_INIT;
	struct err err = {""};
	git_oid new_id = tree(f, new), base_id = tree(f, base);

	assert_int_equal(treediff_new(&td, f->odb, &opts, &err), 0);
	/* never emptied during a compare: four trees, read once each */
	assert_int_equal(treediff_compare(td, &new_id, &base_id, 1, record,
					  &got, &err),
			 0);
	assert_int_equal(treediff_trees_read(td), 4);
	assert_int_equal(treediff_compare(td, &new_id, &base_id, 1, NULL,
					  NULL, &err),
			 0);
	assert_int_equal(treediff_trees_read(td), 8);
	assert_string_equal(buf_cstr(&got), "delete-file d/x\n"
					    "create-file d/y\n");
	treediff_free(td);
	buf_dispose(&got);
}

/*
 * A path of more than 4096 bytes is reported whole (the policy denies it),
 * and 2,000 levels of directories need no deep recursion.
 *
 *   new: d/d/d/.../d/file (2,000 directories)
 */
static void treediff__long_path_is_reported_whole(void **state)
{
	struct fixture *f = *state;
	static const struct fx file[] = {{"file", F, "x"}, {0}};
	struct treediff *td = NULL;
	git_treebuilder *bld = NULL;
	struct buf got = BUF_INIT, want = BUF_INIT;
	struct err err = {""};
	git_oid id;
	size_t i;

	use_mempack(f);
	id = tree(f, file);
	for (i = 0; i < 2000; i++) {
		assert_int_equal(git_treebuilder_new(&bld, f->repo, NULL), 0);
		assert_int_equal(git_treebuilder_insert(NULL, bld, "d", &id,
							GIT_FILEMODE_TREE),
				 0);
		assert_int_equal(git_treebuilder_write(&id, bld), 0);
		git_treebuilder_free(bld);
		assert_int_equal(buf_puts(&want, "d/"), 0);
	}
	assert_int_equal(buf_puts(&want, "file"), 0);
	assert_int_equal(treediff_new(&td, f->odb, NULL, &err), 0);
	assert_int_equal(treediff_compare(td, &id, NULL, 0, record, &got,
					  &err),
			 0);
	assert_int_equal(treediff_entries_counted(td), 2001);
	/* the last report holds the 4,004-byte path */
	assert_int_equal(buf_putc(&want, '\n'), 0);
	assert_true(got.len > want.len);
	assert_string_equal(got.ptr + got.len - want.len, buf_cstr(&want));
	assert_memory_equal(got.ptr + got.len - want.len - 12, "create-file ",
			    12);
	treediff_free(td);
	buf_dispose(&got);
	buf_dispose(&want);
}

/*
 * A flat model of SPEC 4 for random trees: every path of every tree, each
 * path judged on its own, no pruning.  The walk must agree on the ops of
 * every path and on the entries counted.
 */
#define MODEL_NAMES 4
#define MODEL_DEPTH 3
#define MODEL_NODES 4096
#define MODEL_PATHS 512

/* '-' and '.' sort before '/': a directory `a` moves past `a-b`, `a.c` */
static const char *const model_names[MODEL_NAMES] = {"a", "a-b", "a.c",
						     "b"};

struct model_node {
	unsigned mode;		/* 0: absent */
	int content;		/* 0 or 1 */
	struct model_node *kids[MODEL_NAMES];
};

struct model {
	uint32_t rng;
	struct model_node nodes[MODEL_NODES];
	size_t used;
	struct fx fx[MODEL_PATHS + 1];
	char paths[MODEL_PATHS][32];
	size_t nfx;
};

struct flat_entry {
	char path[32];
	unsigned mode;
	git_oid id;
};

struct flat {
	struct flat_entry e[MODEL_PATHS];
	size_t n;
};

static uint32_t model_rand(struct model *m, uint32_t n)
{
	m->rng = m->rng * 1103515245u + 12345u;
	return (m->rng >> 16) % n;
}

static struct model_node *model_new(struct model *m)
{
	assert_true(m->used < MODEL_NODES);
	memset(&m->nodes[m->used], 0, sizeof(m->nodes[0]));
	return &m->nodes[m->used++];
}

static void model_random(struct model *m, struct model_node *node,
			 int depth)
{
	static const unsigned modes[] = {0, F, X, L, G, D, D};
	size_t i;

	node->mode = modes[model_rand(m, depth < MODEL_DEPTH ? 7 : 5)];
	node->content = (int)model_rand(m, 2);
	if (node->mode != D)
		return;
	for (i = 0; i < MODEL_NAMES; i++) {
		node->kids[i] = model_new(m);
		model_random(m, node->kids[i], depth + 1);
	}
}

/* A copy of a directory where each entry changes with chance 1/4. */
static struct model_node *model_mutate(struct model *m,
				       const struct model_node *from,
				       int depth)
{
	struct model_node *to = model_new(m);
	size_t i;

	to->mode = D;
	for (i = 0; i < MODEL_NAMES; i++) {
		const struct model_node *kid = from->kids[i];

		if (model_rand(m, 4) == 0) {
			to->kids[i] = model_new(m);
			model_random(m, to->kids[i], depth + 1);
		} else if (kid->mode == D) {
			to->kids[i] = model_mutate(m, kid, depth + 1);
		} else {
			to->kids[i] = model_new(m);
			*to->kids[i] = *kid;
		}
	}
	return to;
}

static void model_fx(struct model *m, const struct model_node *dir,
		     const char *prefix)
{
	static const char *const commits[] = {COMMIT_1, COMMIT_2};
	static const char *const blobs[] = {"1", "2"};
	size_t i, j;

	for (i = 0; i < MODEL_NAMES; i++) {
		const struct model_node *kid = dir->kids[i];
		char path[32];
		bool empty = true;

		if (kid->mode == 0)
			continue;
		snprintf(path, sizeof(path), "%s%s", prefix, model_names[i]);
		for (j = 0; kid->mode == D && j < MODEL_NAMES; j++)
			empty &= kid->kids[j]->mode == 0;
		if (kid->mode == D && !empty) {
			strcat(path, "/");
			model_fx(m, kid, path);
			continue;
		}
		assert_true(m->nfx < MODEL_PATHS);
		strcpy(m->paths[m->nfx], path);
		m->fx[m->nfx] = (struct fx){m->paths[m->nfx], kid->mode,
					    kid->mode == G
						    ? commits[kid->content]
						    : blobs[kid->content]};
		m->nfx++;
	}
}

static git_oid model_tree(struct fixture *f, struct model *m,
			  const struct model_node *root)
{
	m->nfx = 0;
	model_fx(m, root, "");
	m->fx[m->nfx] = (struct fx){0};
	return tree(f, m->fx);
}

static int flat_add(const char *root, const git_tree_entry *entry,
		    void *payload)
{
	struct flat *fl = payload;

	assert_true(fl->n < MODEL_PATHS);
	snprintf(fl->e[fl->n].path, sizeof(fl->e[0].path), "%s%s", root,
		 git_tree_entry_name(entry));
	fl->e[fl->n].mode = git_tree_entry_filemode(entry);
	git_oid_cpy(&fl->e[fl->n].id, git_tree_entry_id(entry));
	fl->n++;
	return 0;
}

/* Every path of the tree; the test may use git_tree_walk, treediff not. */
static void flatten(struct fixture *f, const git_oid *id, struct flat *out)
{
	git_tree *t = NULL;

	out->n = 0;
	assert_int_equal(git_tree_lookup(&t, f->repo, id), 0);
	assert_int_equal(git_tree_walk(t, GIT_TREEWALK_PRE, flat_add, out),
			 0);
	git_tree_free(t);
}

static const struct flat_entry *flat_find(const struct flat *fl,
					  const char *path)
{
	size_t i;

	for (i = 0; i < fl->n; i++)
		if (strcmp(fl->e[i].path, path) == 0)
			return &fl->e[i];
	return NULL;
}

static int flat_kind(const struct flat_entry *e)
{
	return e == NULL ? 0 : e->mode == X ? (int)F : (int)e->mode;
}

static unsigned flat_create(const struct flat_entry *e)
{
	switch (e->mode) {
	case L: return OP_CREATE_SYMLINK;
	case G: return OP_CREATE_GITLINK;
	default: return OP_CREATE_FILE;
	}
}

/* SPEC 4 for one path, spelled out: each base in turn, then the union. */
static unsigned flat_ops(const struct flat_entry *n,
			 const struct flat_entry *const *b, size_t nb,
			 bool *charged)
{
	unsigned ops = 0;
	bool base_dir = false;
	size_t i;

	*charged = nb == 0 ? n != NULL : true;
	for (i = 0; i < nb; i++)
		if ((n == NULL && b[i] == NULL) ||
		    (n != NULL && b[i] != NULL && n->mode == b[i]->mode &&
		     git_oid_equal(&n->id, &b[i]->id)))
			*charged = false;
	for (i = 0; i < (nb > 0 ? nb : 1); i++) {
		const struct flat_entry *base = nb > 0 ? b[i] : NULL;
		bool n_file = n != NULL && n->mode != D;
		bool b_file = base != NULL && base->mode != D;

		base_dir |= base != NULL && base->mode == D;
		if (n_file && !b_file)
			ops |= flat_create(n);
		else if (n_file && flat_kind(n) == flat_kind(base))
			ops |= OP_MODIFY;
		else if (n_file)
			ops |= OP_DELETE_FILE | flat_create(n);
		else if (b_file)
			ops |= OP_DELETE_FILE;
	}
	if (n != NULL && n->mode == D && !base_dir)
		ops |= OP_CREATE_DIRECTORY;
	return *charged ? ops : 0;
}

static int line_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The lines of text, sorted, as one string (the caller frees). */
static char *sorted_lines(const char *text)
{
	char *copy = strdup(text), *lines[1024], *line, *save = NULL;
	struct buf out = BUF_INIT;
	size_t n = 0, i;

	assert_non_null(copy);
	for (line = strtok_r(copy, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		assert_true(n < 1024);
		lines[n++] = line;
	}
	qsort(lines, n, sizeof(lines[0]), line_cmp);
	for (i = 0; i < n; i++)
		assert_int_equal(buf_printf(&out, "%s\n", lines[i]), 0);
	free(copy);
	return buf_detach(&out);
}

static void treediff__matches_a_flat_model(void **state)
{
	struct fixture *f = *state;
	struct model *m = calloc(1, sizeof(*m));
	struct flat *flats = calloc(4, sizeof(*flats));
	int round;

	assert_non_null(m);
	assert_non_null(flats);
	use_mempack(f);
	m->rng = 20251125;
	for (round = 0; round < 100; round++) {
		struct model_node *root;
		struct treediff *td = NULL;
		struct buf got = BUF_INIT, want = BUF_INIT;
		struct err err = {""};
		git_oid ids[4];
		size_t nb = model_rand(m, 4), i, j, t, charged = 0;
		char *got_sorted, *want_sorted;

		m->used = 0;
		root = model_new(m);
		root->mode = D;
		for (i = 0; i < MODEL_NAMES; i++) {
			root->kids[i] = model_new(m);
			model_random(m, root->kids[i], 1);
		}
		for (t = 0; t <= nb; t++) {
			ids[t] = model_tree(f, m, model_mutate(m, root, 0));
			flatten(f, &ids[t], &flats[t]);
		}
		/* every path of every tree, each judged once */
		for (t = 0; t <= nb; t++) {
			for (i = 0; i < flats[t].n; i++) {
				const char *path = flats[t].e[i].path;
				const struct flat_entry *b[3];
				bool seen = false, is_charged;
				unsigned ops;

				for (j = 0; j < t && !seen; j++)
					seen = flat_find(&flats[j], path);
				if (seen)
					continue;
				for (j = 0; j < nb; j++)
					b[j] = flat_find(&flats[j + 1], path);
				ops = flat_ops(flat_find(&flats[0], path), b,
					       nb, &is_charged);
				charged += is_charged;
				if (ops != 0)
					record(ops, path, strlen(path), &want);
			}
		}
		assert_int_equal(treediff_new(&td, f->odb, NULL, &err), 0);
		assert_int_equal(treediff_compare(td, &ids[0], ids + 1, nb,
						  record, &got, &err),
				 0);
		got_sorted = sorted_lines(buf_cstr(&got));
		want_sorted = sorted_lines(buf_cstr(&want));
		assert_string_equal(got_sorted, want_sorted);
		assert_int_equal(treediff_entries_counted(td), charged);
		free(got_sorted);
		free(want_sorted);
		treediff_free(td);
		buf_dispose(&got);
		buf_dispose(&want);
	}
	free(flats);
	free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(treediff__new_file),
		T(treediff__new_nested_dirs),
		T(treediff__modify_content),
		T(treediff__mode_change_is_modify),
		T(treediff__symlink_target_change_is_modify),
		T(treediff__file_to_symlink),
		T(treediff__file_to_dir),
		T(treediff__dir_to_file),
		T(treediff__deleted_directory),
		T(treediff__gitlink_create_modify_delete),
		T(treediff__identical_subtree_skipped),
		T(treediff__two_bases_path_equal_in_one),
		T(treediff__two_bases_differs_from_both),
		T(treediff__create_directory_not_charged_when_a_base_has_it),
		T(treediff__two_bases_file_and_dir),
		T(treediff__replaced_dir_unread_when_a_base_agrees),
		T(treediff__zero_bases_creates_everything),
		T(treediff__non_utf8_path_bytes),
		T(treediff__callback_value_stops_the_walk),
		T(treediff__rejects_reserved_names),
		T(treediff__accepts_names_near_dotgit),
		T(treediff__rejects_bad_modes),
		T(treediff__rejects_unsorted_and_duplicate),
		T(treediff__rejects_truncated_and_trailing_bytes),
		T(treediff__rejects_bad_subtree_and_base),
		T(treediff__unreadable_tree_is_an_error),
		T(treediff__entry_cap_names_the_setting),
		T(treediff__entry_cap_spans_calls),
		T(treediff__tree_bomb_hits_the_cap),
		T(treediff__deadline_in_the_past),
		T(treediff__deadline_stops_a_long_walk),
		T(treediff__each_tree_read_once),
		T(treediff__cache_grows),
		T(treediff__cache_over_budget_is_emptied),
		T(treediff__long_path_is_reported_whole),
		T(treediff__matches_a_flat_model),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
