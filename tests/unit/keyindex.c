/* keyindex: signing subkeys and key ids to key files (adapters/keyindex.c) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>

#include "scratch.h"
#include "../../common/buf.h"
#include "../../adapters/keyfile.h"
#include "../../adapters/keyindex.h"

/*
 * Each test writes key files (real ones, from tests/unit/fixtures/backsig:
 * each has a back-signed signing subkey, some an encryption subkey) into a
 * keys/ tree of a fresh bare repository, and opens the index of that tree
 * under <repo>/gitapps.
 */
#define FIXTURES "tests/unit/fixtures/backsig/"
#define MAX_FILES 8

struct key {
	char path[KEYPATH_SIZE];
	git_oid blob;
	char primary[41], signing[41], other[41];	/* other: not signing */
};

struct fixture {
	char dir[32], gitapps[64];
	git_repository *repo;
	struct key keys[MAX_FILES];
	size_t n;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	git_libgit2_init();
	strcpy(f->dir, "/tmp/keyindex-XXXXXX");
	if (mkdtemp(f->dir) == NULL ||
	    git_repository_init(&f->repo, f->dir, 1) < 0)
		return -1;
	snprintf(f->gitapps, sizeof(f->gitapps), "%s/gitapps", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	git_repository_free(f->repo);
	scratch_remove(f->dir);
	free(f);
	git_libgit2_shutdown();
	return 0;
}

static void load(struct buf *out, const char *name)
{
	const char *root = getenv("GITAPPS_SOURCE");
	char path[4096], chunk[4096];
	size_t n;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/" FIXTURES "%s",
		 root != NULL && *root != '\0' ? root : ".", name);
	fp = fopen(path, "rb");
	if (fp == NULL)
		fail_msg("cannot open %s (run from the source tree)", path);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		assert_int_equal(buf_put(out, chunk, n), 0);
	fclose(fp);
}

/* Add fixture name as a key file, in the flat layout or not. */
static struct key *add_key(struct fixture *f, const char *name, bool flat)
{
	struct key *k = &f->keys[f->n++];
	struct buf data = BUF_INIT, problem = BUF_INIT;
	struct keyfile_info info;
	size_t i;

	assert_true(f->n <= MAX_FILES);
	load(&data, name);
	assert_int_equal(keyfile_parse(&info, data.ptr, data.len, &problem), 0);
	assert_int_equal(problem.len, 0);
	memcpy(k->primary, info.fprs[0], 41);
	for (i = 1; i < info.nfprs; i++)
		memcpy(info.signs[i] ? k->signing : k->other, info.fprs[i], 41);
	assert_int_equal(strlen(k->signing), 40);
	if (flat)
		keypath_flat(k->path, k->primary);
	else
		keypath_fanout(k->path, k->primary);
	assert_int_equal(git_blob_create_from_buffer(&k->blob, f->repo,
						     data.ptr, data.len),
			 0);
	buf_dispose(&data);
	buf_dispose(&problem);
	return k;
}

/* The keys/ tree of f's key files. */
static void keys_tree(struct fixture *f, git_oid *out)
{
	git_treebuilder *top, *sub;
	char done[MAX_FILES] = {0};
	size_t i, j;

	assert_int_equal(git_treebuilder_new(&top, f->repo, NULL), 0);
	for (i = 0; i < f->n; i++) {
		const char *name = f->keys[i].path + 5;
		char dir[3];
		git_oid id;

		if (done[i])
			continue;
		if (strchr(name, '/') == NULL) {
			assert_int_equal(git_treebuilder_insert(
						 NULL, top, name,
						 &f->keys[i].blob,
						 GIT_FILEMODE_BLOB),
					 0);
			continue;
		}
		memcpy(dir, name, 2);
		dir[2] = '\0';
		assert_int_equal(git_treebuilder_new(&sub, f->repo, NULL), 0);
		for (j = i; j < f->n; j++)
			if (!done[j] &&
			    strncmp(f->keys[j].path + 5, dir, 2) == 0 &&
			    f->keys[j].path[7] == '/') {
				assert_int_equal(git_treebuilder_insert(
							 NULL, sub,
							 f->keys[j].path + 8,
							 &f->keys[j].blob,
							 GIT_FILEMODE_BLOB),
						 0);
				done[j] = 1;
			}
		assert_int_equal(git_treebuilder_write(&id, sub), 0);
		git_treebuilder_free(sub);
		assert_int_equal(git_treebuilder_insert(NULL, top, dir, &id,
							GIT_FILEMODE_TREE),
				 0);
	}
	assert_int_equal(git_treebuilder_write(out, top), 0);
	git_treebuilder_free(top);
}

static struct keyindex *open_index(struct fixture *f, size_t max)
{
	struct keyindex_options opts = {max};
	struct keyindex *index = NULL;
	struct err err = {""};
	git_oid tree;

	keys_tree(f, &tree);
	if (keyindex_open(&index, f->repo, f->gitapps, &tree, &opts, &err) <
	    0)
		fail_msg("keyindex_open: %s", err.msg);
	return index;
}

/* key finds exactly the one path want (NULL: nothing). */
static void finds(const struct keyindex *index, const char *key,
		  const char *want)
{
	char paths[4][KEYPATH_SIZE];
	size_t n;

	keyindex_lookup(index, key, paths, 4, &n);
	if (want == NULL) {
		assert_int_equal(n, 0);
		return;
	}
	assert_int_equal(n, 1);
	assert_string_equal(paths[0], want);
}

static size_t indexes_on_disk(struct fixture *f)
{
	char path[128];
	size_t n = 0;
	DIR *d;
	struct dirent *e;

	snprintf(path, sizeof(path), "%s/keyindex", f->gitapps);
	assert_non_null(d = opendir(path));
	while ((e = readdir(d)) != NULL)
		n += strlen(e->d_name) == 40;
	closedir(d);
	return n;
}

static void keyindex__finds_back_signed_subkeys_and_key_ids(void **state)
{
	struct fixture *f = *state;
	struct key *ed = add_key(f, "ed25519.asc", false);
	struct key *rsa = add_key(f, "rsa.asc", false);
	struct key *p256 = add_key(f, "nistp256.asc", true);
	struct keyindex *index = open_index(f, 0);

	finds(index, ed->signing, ed->path);
	finds(index, rsa->signing, rsa->path);
	finds(index, p256->signing, p256->path);
	/* 64-bit key ids of primaries and of signing subkeys */
	finds(index, ed->primary + 24, ed->path);
	finds(index, rsa->signing + 24, rsa->path);
	/* a primary is found by its path, an encryption subkey never */
	finds(index, ed->primary, NULL);
	finds(index, ed->other, NULL);
	finds(index, rsa->other + 24, NULL);
	finds(index, "0123456789ABCDEF0123456789ABCDEF01234567", NULL);
	finds(index, "not a key", NULL);
	keyindex_free(index);
}

static void keyindex__is_reused_for_the_same_tree(void **state)
{
	struct fixture *f = *state;
	struct key *ed = add_key(f, "ed25519.asc", false);
	struct keyindex *index = open_index(f, 0);

	keyindex_free(index);
	/* from disk this time: one changed key file allowed, none needed */
	index = open_index(f, 1);
	finds(index, ed->signing, ed->path);
	keyindex_free(index);
	assert_int_equal(indexes_on_disk(f), 1);
}

static void keyindex__a_new_file_parses_only_itself_a_gone_dir_its_keyrings(void **state)
{
	struct fixture *f = *state;
	struct key *ed = add_key(f, "ed25519.asc", false);
	struct key *rsa, *p384;
	struct keyindex *index = open_index(f, 0);
	char keyring[256];
	char hex[GIT_OID_HEXSZ + 1];

	keyindex_free(index);
	/* a keyring cached for the ed25519 file, which is about to leave */
	git_oid_tostr(hex, sizeof(hex), &ed->blob);
	snprintf(keyring, sizeof(keyring), "%s/keyrings/%s", f->gitapps, hex);
	{
		char parent[200];

		snprintf(parent, sizeof(parent), "%s/keyrings", f->gitapps);
		assert_int_equal(mkdir(parent, 0700), 0);
		assert_int_equal(mkdir(keyring, 0700), 0);
	}
	rsa = add_key(f, "rsa.asc", false);
	/* one changed file: within a limit of one */
	index = open_index(f, 1);
	finds(index, rsa->signing, rsa->path);
	finds(index, ed->signing, ed->path);
	keyindex_free(index);
	assert_int_equal(indexes_on_disk(f), 2);
	/* drop the ed25519 file: its keyring goes, a third index comes */
	f->keys[0] = f->keys[1];
	f->n = 1;
	rsa = &f->keys[0];
	p384 = add_key(f, "nistp384.asc", false);
	index = open_index(f, 1);
	finds(index, p384->signing, p384->path);
	finds(index, rsa->signing, rsa->path);
	finds(index, "0123456789ABCDEF0123456789ABCDEF01234567", NULL);
	keyindex_free(index);
	assert_int_equal(indexes_on_disk(f), 2);
	{
		struct stat st;

		assert_int_not_equal(stat(keyring, &st), 0);
	}
}

static void keyindex__moved_file_is_found_at_its_new_path(void **state)
{
	struct fixture *f = *state;
	struct key *ed = add_key(f, "ed25519.asc", true);
	struct keyindex *index = open_index(f, 0);

	finds(index, ed->signing, ed->path);
	keyindex_free(index);
	keypath_fanout(ed->path, ed->primary);
	index = open_index(f, 1);
	finds(index, ed->signing, ed->path);
	keyindex_free(index);
}

static void keyindex__too_many_changes_ask_for_upgrade(void **state)
{
	struct fixture *f = *state;
	struct keyindex_options opts = {2};
	struct keyindex *index = NULL;
	struct err err = {""};
	git_oid tree;

	add_key(f, "ed25519.asc", false);
	add_key(f, "rsa.asc", false);
	add_key(f, "nistp256.asc", false);
	keys_tree(f, &tree);
	assert_int_equal(keyindex_open(&index, f->repo, f->gitapps, &tree,
				       &opts, &err),
			 -1);
	assert_null(index);
	assert_string_equal(err.msg, "more key files to index than the hook "
				     "does on its own: run 'git acl upgrade' "
				     "on the server");
}

static void keyindex__no_keys_directory_is_an_empty_index(void **state)
{
	struct fixture *f = *state;
	struct keyindex_options opts = {0};
	struct keyindex *index = NULL;
	struct err err = {""};

	assert_int_equal(keyindex_open(&index, f->repo, f->gitapps, NULL,
				       &opts, &err),
			 0);
	finds(index, "0123456789ABCDEF0123456789ABCDEF01234567", NULL);
	keyindex_free(index);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			keyindex__finds_back_signed_subkeys_and_key_ids, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			keyindex__is_reused_for_the_same_tree, setup, teardown),
		cmocka_unit_test_setup_teardown(
			keyindex__a_new_file_parses_only_itself_a_gone_dir_its_keyrings, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			keyindex__moved_file_is_found_at_its_new_path, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			keyindex__too_many_changes_ask_for_upgrade, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			keyindex__no_keys_directory_is_an_empty_index, setup,
			teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
