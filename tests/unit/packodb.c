/* packodb and pack: packed objects read without libgit2's reader */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

#include "scratch.h"
#include "../../common/buf.h"
#include "../../adapters/pack.h"
#include "../../adapters/packodb.h"
#include "../../adapters/treediff.h"

/*
 * One history made by git itself: 40 commits, each changing one of five
 * 200-line files under d0/ d1/ d2/, so that repack stores most trees and
 * blobs as deltas.  a.git has it repacked with OFS_DELTA entries; b.git
 * has the same objects in one pack of REF_DELTA entries (pack-objects
 * without --delta-base-offset); c.git borrows a.git's objects through
 * objects/info/alternates, e.git through a relative line that starts with
 * '.', f.git through one that does not (libgit2 1.5 takes that one from
 * the working directory, so the backend leaves it alone); d.git holds 40,000 blobs in the one pack
 * fast-import wrote, for lookups in an index with large fan-out buckets.
 */
static const char make_repos[] =
	"set -e\n"
	"cd \"$1\"\n"
	"export GIT_CONFIG_NOSYSTEM=1 HOME=\"$1\"\n"
	"git init -q --bare a.git\n"
	"i=0\n"
	"while [ $i -lt 40 ]; do\n"
	"  printf 'commit refs/heads/main\\n'\n"
	"  printf 'committer T <t@example.com> %d +0000\\n' $((1764000000 + i))\n"
	"  printf 'data <<END\\nc%d\\nEND\\n' $i\n"
	"  printf 'M 100644 inline d%d/sub/f%d.txt\\ndata <<END\\n' $((i % 3)) $((i % 5))\n"
	"  seq 1 200 | sed \"$((i * 5 % 200 + 1))s/.*/changed $i/\"\n"
	"  printf 'END\\n\\n'\n"
	"  i=$((i + 1))\n"
	"done | git -C a.git fast-import --quiet\n"
	"git -C a.git repack -adfq --depth=50 --window=10\n"
	"git init -q --bare b.git\n"
	"git -C a.git rev-list --objects --all |\n"
	"  git -C a.git pack-objects -q --window=10 --depth=50 \"$1/b.git/objects/pack/pack\" >/dev/null\n"
	"git -C b.git update-ref refs/heads/main $(git -C a.git rev-parse main)\n"
	"git init -q --bare c.git\n"
	"echo \"$1/a.git/objects\" > c.git/objects/info/alternates\n"
	"git init -q --bare e.git\n"
	"git init -q --bare f.git\n"
	"echo ../../a.git/objects > e.git/objects/info/alternates\n"
	"echo a.git/objects > f.git/objects/info/alternates\n"
	"git init -q --bare d.git\n"
	"seq 40000 | awk '{ printf \"blob\\ndata %d\\n%s\\n\", length($0), $0 }' |\n"
	"  git -C d.git fast-import --quiet\n";

struct fixture {
	char dir[32];
};

static int setup(void **state)
{
	static struct fixture f;
	char cmd[128];
	FILE *sh;

	git_libgit2_init();
	strcpy(f.dir, "/tmp/packodb-XXXXXX");
	if (mkdtemp(f.dir) == NULL)
		return -1;
	snprintf(cmd, sizeof(cmd), "sh -s '%s'", f.dir);
	if ((sh = popen(cmd, "w")) == NULL)
		return -1;
	fputs(make_repos, sh);
	if (pclose(sh) != 0)
		return -1;
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	scratch_remove(f->dir);
	git_libgit2_shutdown();
	return 0;
}

static git_repository *open_repo(const struct fixture *f, const char *name)
{
	git_repository *repo = NULL;
	char path[64];

	snprintf(path, sizeof(path), "%s/%s", f->dir, name);
	assert_int_equal(git_repository_open(&repo, path), 0);
	return repo;
}

static int collect_id(const git_oid *id, void *payload)
{
	git_oidarray *ids = payload;

	ids->ids = realloc(ids->ids, (ids->count + 1) * sizeof(*ids->ids));
	if (ids->ids == NULL)
		return -1;
	git_oid_cpy(&ids->ids[ids->count++], id);
	return 0;
}

/*
 * Read every object of name through the backend and through libgit2
 * alone; they must agree byte for byte.  Returns how many were read.
 */
static size_t compare_all(const struct fixture *f, const char *name)
{
	git_repository *ours = open_repo(f, name), *theirs = open_repo(f, name);
	git_oidarray ids = {0};
	git_odb *odb_ours, *odb_theirs;
	struct packodb_stats stats;
	struct err err;
	size_t i;

	assert_int_equal(packodb_install(ours, &err), 0);
	assert_int_equal(git_repository_odb(&odb_ours, ours), 0);
	assert_int_equal(git_repository_odb(&odb_theirs, theirs), 0);
	assert_int_equal(git_odb_foreach(odb_theirs, collect_id, &ids), 0);
	assert_true(ids.count > 100);
	for (i = 0; i < ids.count; i++) {
		git_odb_object *a, *b;

		assert_int_equal(git_odb_read(&a, odb_ours, &ids.ids[i]), 0);
		assert_int_equal(git_odb_read(&b, odb_theirs, &ids.ids[i]), 0);
		assert_int_equal(git_odb_object_type(a),
				 git_odb_object_type(b));
		assert_int_equal(git_odb_object_size(a),
				 git_odb_object_size(b));
		assert_memory_equal(git_odb_object_data(a),
				    git_odb_object_data(b),
				    git_odb_object_size(a));
		git_odb_object_free(a);
		git_odb_object_free(b);
	}
	assert_int_equal(packodb_stats(&stats, ours), 1);
	assert_int_equal(stats.passed, 0);
	git_odb_free(odb_ours);
	git_odb_free(odb_theirs);
	git_repository_free(ours);
	git_repository_free(theirs);
	free(ids.ids);
	return stats.read;
}

/* The one pack of a repository, opened with the pack API. */
static struct pack *only_pack(const struct fixture *f, const char *name)
{
	struct pack *pack = NULL;
	struct err err;
	char pattern[96];
	glob_t g;

	snprintf(pattern, sizeof(pattern), "%s/%s/objects/pack/pack-*.idx",
		 f->dir, name);
	assert_int_equal(glob(pattern, 0, NULL, &g), 0);
	assert_int_equal(g.gl_pathc, 1);
	assert_int_equal(pack_open(&pack, g.gl_pathv[0], &err), 0);
	globfree(&g);
	return pack;
}

/* How many objects of the pack are stored as that type. */
static size_t count_type(const struct fixture *f, const char *name,
			 enum pack_type type)
{
	git_repository *repo = open_repo(f, name);
	struct pack *pack = only_pack(f, name);
	git_oidarray ids = {0};
	git_odb *odb;
	size_t i, n = 0;

	assert_int_equal(git_repository_odb(&odb, repo), 0);
	assert_int_equal(git_odb_foreach(odb, collect_id, &ids), 0);
	for (i = 0; i < ids.count; i++) {
		struct pack_entry e;
		struct err err;
		uint64_t off;

		assert_true(pack_find(pack, ids.ids[i].id, &off));
		assert_int_equal(pack_entry_at(&e, pack, off, &err), 0);
		n += e.type == type;
	}
	pack_free(pack);
	free(ids.ids);
	git_odb_free(odb);
	git_repository_free(repo);
	return n;
}

static void packodb__ofs_deltas_read_as_libgit2_reads_them(void **state)
{
	struct fixture *f = *state;

	assert_true(count_type(f, "a.git", PACK_OFS_DELTA) > 20);
	assert_true(compare_all(f, "a.git") > 100);
}

static void packodb__ref_deltas_read_as_libgit2_reads_them(void **state)
{
	struct fixture *f = *state;

	assert_true(count_type(f, "b.git", PACK_REF_DELTA) > 20);
	assert_true(compare_all(f, "b.git") > 100);
}

static void packodb__alternates_are_read(void **state)
{
	assert_true(compare_all(*state, "c.git") > 100);
}

/*
 * Objects held through packodb_lookup() stay as they were while the cache,
 * made tiny, evicts everything around them: every third one is held to
 * the end, the others released at once, and all are compared with
 * libgit2's reads afterwards (under ASan a freed one would also show).
 */
static void packodb__held_objects_survive_eviction(void **state)
{
	struct fixture *f = *state;
	git_repository *ours = open_repo(f, "a.git");
	git_repository *theirs = open_repo(f, "a.git");
	struct packodb_object **held;
	git_odb *odb_ours, *odb_theirs;
	git_oidarray ids = {0};
	struct packodb *db;
	struct err err;
	size_t i, nheld = 0;

	assert_int_equal(packodb_install(ours, &err), 0);
	assert_int_equal(git_repository_odb(&odb_ours, ours), 0);
	assert_int_equal(git_repository_odb(&odb_theirs, theirs), 0);
	assert_non_null(db = packodb_of(odb_ours));
	packodb_set_cache_max(db, 16 * 1024);
	assert_int_equal(git_odb_foreach(odb_theirs, collect_id, &ids), 0);
	assert_non_null(held = calloc(ids.count, sizeof(*held)));
	for (i = 0; i < ids.count; i++) {
		struct packodb_object *obj;

		assert_int_equal(packodb_lookup(&obj, db, &ids.ids[i]), 0);
		if (i % 3 == 0)
			held[nheld++] = obj;
		else
			packodb_object_release(db, obj);
	}
	for (i = 0; i < nheld; i++) {
		git_odb_object *b;

		assert_int_equal(git_odb_read(&b, odb_theirs, &ids.ids[i * 3]),
				 0);
		assert_int_equal(packodb_object_type(held[i]),
				 git_odb_object_type(b));
		assert_int_equal(packodb_object_size(held[i]),
				 git_odb_object_size(b));
		assert_memory_equal(packodb_object_data(held[i]),
				    git_odb_object_data(b),
				    git_odb_object_size(b));
		git_odb_object_free(b);
		packodb_object_release(db, held[i]);
	}
	free(held);
	free(ids.ids);
	git_odb_free(odb_ours);
	git_odb_free(odb_theirs);
	git_repository_free(ours);
	git_repository_free(theirs);
}

/* The lines of info/alternates are read as libgit2 reads them. */
static void packodb__relative_alternates_as_libgit2(void **state)
{
	struct fixture *f = *state;
	git_repository *repo = open_repo(f, "f.git");
	struct packodb_stats stats;
	struct err err;

	assert_true(compare_all(f, "e.git") > 100);
	assert_int_equal(packodb_install(repo, &err), 0);
	assert_int_equal(packodb_stats(&stats, repo), 1);
	assert_int_equal(stats.packs, 0);
	git_repository_free(repo);
}

/*
 * A delta's header is answered only from the cache: unpacking it could
 * rebuild a huge blob from a few bytes just for its size.  libgit2 reads
 * it instead, and gives the same answer.
 */
static void packodb__delta_headers_are_left_to_libgit2(void **state)
{
	struct fixture *f = *state;
	git_repository *repo = open_repo(f, "a.git");
	struct pack *pack = only_pack(f, "a.git");
	git_oidarray ids = {0};
	struct packodb_stats stats;
	git_odb_object *obj;
	git_object_t type;
	struct err err;
	git_odb *odb;
	size_t i, len;

	assert_int_equal(packodb_install(repo, &err), 0);
	assert_int_equal(git_repository_odb(&odb, repo), 0);
	assert_int_equal(git_odb_foreach(odb, collect_id, &ids), 0);
	for (i = 0; i < ids.count; i++) {
		struct pack_entry e;
		uint64_t off;

		assert_true(pack_find(pack, ids.ids[i].id, &off));
		assert_int_equal(pack_entry_at(&e, pack, off, &err), 0);
		if (e.type == PACK_OFS_DELTA)
			break;
	}
	assert_true(i < ids.count);
	assert_int_equal(git_odb_read_header(&len, &type, odb, &ids.ids[i]),
			 0);
	assert_int_equal(packodb_stats(&stats, repo), 1);
	assert_int_equal(stats.read, 0);
	assert_int_equal(stats.passed, 1);
	/* once read, and so cached, the backend answers */
	assert_int_equal(git_odb_read(&obj, odb, &ids.ids[i]), 0);
	assert_int_equal(git_odb_object_size(obj), len);
	assert_int_equal(git_odb_object_type(obj), type);
	assert_int_equal(git_odb_read_header(&len, &type, odb, &ids.ids[i]),
			 0);
	assert_int_equal(packodb_stats(&stats, repo), 1);
	assert_int_equal(stats.passed, 1);
	assert_int_equal(len, git_odb_object_size(obj));
	git_odb_object_free(obj);
	pack_free(pack);
	free(ids.ids);
	git_odb_free(odb);
	git_repository_free(repo);
}

static int record_op(unsigned ops, const char *path, size_t len,
		     void *payload)
{
	return buf_printf(payload, "%u %.*s\n", ops, (int)len, path);
}

/*
 * Every commit of a.git against its parent, in one treediff: its report,
 * as text.  With the pack reader, treediff holds the reader's objects;
 * a cache of 512 bytes and a treediff flushed at every compare make both
 * evict and read again all the time.
 */
static void diff_history(struct buf *out, const struct fixture *f,
			 bool with_reader, size_t *read)
{
	struct treediff_options opts = {0, NULL, 1};
	git_repository *repo = open_repo(f, "a.git");
	struct packodb_stats stats;
	struct treediff *td;
	git_revwalk *walk;
	git_odb *odb;
	struct err err;
	git_oid id;

	if (with_reader) {
		assert_int_equal(packodb_install(repo, &err), 0);
		assert_int_equal(git_repository_odb(&odb, repo), 0);
		packodb_set_cache_max(packodb_of(odb), 512);
	} else {
		assert_int_equal(git_repository_odb(&odb, repo), 0);
	}
	assert_int_equal(treediff_new(&td, odb, &opts, &err), 0);
	assert_int_equal(git_revwalk_new(&walk, repo), 0);
	assert_int_equal(git_revwalk_push_ref(walk, "refs/heads/main"), 0);
	while (git_revwalk_next(&id, walk) == 0) {
		git_commit *commit, *parent;
		git_oid base;

		assert_int_equal(git_commit_lookup(&commit, repo, &id), 0);
		if (git_commit_parentcount(commit) == 1) {
			assert_int_equal(git_commit_parent(&parent, commit, 0),
					 0);
			git_oid_cpy(&base, git_commit_tree_id(parent));
			git_commit_free(parent);
			assert_int_equal(buf_printf(out, "%s\n",
						    git_oid_tostr_s(&id)), 0);
			assert_int_equal(
				treediff_compare(td, git_commit_tree_id(commit),
						 &base, 1, record_op, out,
						 &err),
				0);
		}
		git_commit_free(commit);
	}
	assert_int_equal(packodb_stats(&stats, repo), with_reader);
	*read = stats.read;
	git_revwalk_free(walk);
	treediff_free(td);
	git_odb_free(odb);
	git_repository_free(repo);
}

static void packodb__treediff_reports_the_same(void **state)
{
	struct buf plain = BUF_INIT, fast = BUF_INIT;
	size_t read;

	diff_history(&plain, *state, false, &read);
	diff_history(&fast, *state, true, &read);
	assert_true(read > 100);
	assert_true(plain.len > 1000);
	assert_string_equal(fast.ptr, plain.ptr);
	buf_dispose(&plain);
	buf_dispose(&fast);
}

/* A loose object is not this backend's: libgit2 still finds it. */
static void packodb__loose_objects_are_left_to_libgit2(void **state)
{
	git_repository *repo = open_repo(*state, "a.git");
	struct packodb_stats stats;
	git_odb_object *obj;
	struct err err;
	git_odb *odb;
	git_oid id;

	assert_int_equal(packodb_install(repo, &err), 0);
	assert_int_equal(git_repository_odb(&odb, repo), 0);
	assert_int_equal(git_odb_write(&id, odb, "loose\n", 6,
				       GIT_OBJECT_BLOB), 0);
	assert_int_equal(git_odb_read(&obj, odb, &id), 0);
	assert_memory_equal(git_odb_object_data(obj), "loose\n", 6);
	assert_int_equal(packodb_stats(&stats, repo), 1);
	assert_int_equal(stats.read, 0);
	assert_int_equal(stats.passed, 0);
	git_odb_object_free(obj);
	git_odb_free(odb);
	git_repository_free(repo);
}

/*
 * A corrupt delta is passed on, never returned: with the backend, the
 * read fails as it fails without it.
 */
static void packodb__corrupt_data_is_passed_on(void **state)
{
	struct fixture *f = *state;
	git_repository *repo = open_repo(f, "b.git");
	struct pack *pack = only_pack(f, "b.git");
	git_oidarray ids = {0};
	struct packodb_stats stats;
	struct pack_entry e;
	git_odb_object *obj;
	struct err err;
	uint64_t off = 0;
	git_odb *odb;
	size_t i;
	char path[128];
	int fd;

	assert_int_equal(git_repository_odb(&odb, repo), 0);
	assert_int_equal(git_odb_foreach(odb, collect_id, &ids), 0);
	for (i = 0; i < ids.count; i++) {
		assert_true(pack_find(pack, ids.ids[i].id, &off));
		assert_int_equal(pack_entry_at(&e, pack, off, &err), 0);
		if (e.type == PACK_REF_DELTA && e.size > 8)
			break;
	}
	assert_true(i < ids.count);
	snprintf(path, sizeof(path), "%s", pack_path(pack));
	pack_free(pack);
	git_odb_free(odb);
	git_repository_free(repo);
	/* the zlib stream's checksum no longer matches */
	assert_int_equal(chmod(path, 0644), 0);
	assert_true((fd = open(path, O_WRONLY)) >= 0);
	assert_int_equal(pwrite(fd, "\xff\xff\xff\xff", 4, (off_t)e.data + 2),
			 4);
	close(fd);

	repo = open_repo(f, "b.git");
	assert_int_equal(packodb_install(repo, &err), 0);
	assert_int_equal(git_repository_odb(&odb, repo), 0);
	assert_true(git_odb_read(&obj, odb, &ids.ids[i]) < 0);
	assert_int_equal(packodb_stats(&stats, repo), 1);
	assert_int_equal(stats.passed, 1);
	/* asked again, it is passed on without being unpacked again */
	{
		struct packodb_object *held;
		struct packodb *db = packodb_of(odb);

		assert_non_null(db);
		assert_int_equal(packodb_lookup(&held, db, &ids.ids[i]),
				 GIT_PASSTHROUGH);
		assert_true(git_odb_read(&obj, odb, &ids.ids[i]) < 0);
		assert_int_equal(packodb_stats(&stats, repo), 1);
		assert_int_equal(stats.passed, 1);
	}
	git_odb_free(odb);
	git_repository_free(repo);
	free(ids.ids);
}

/*
 * In buckets of ~160 ids the lookup guesses and gallops: every id of the
 * pack is found at the offset its index gives, and ids next to them are
 * found only when they exist.
 */
static void pack__lookups_in_large_buckets(void **state)
{
	struct fixture *f = *state;
	git_repository *repo = open_repo(f, "d.git");
	struct pack *pack = only_pack(f, "d.git");
	git_oidarray ids = {0};
	git_odb *odb;
	size_t i, absent = 0;

	assert_int_equal(git_repository_odb(&odb, repo), 0);
	assert_int_equal(git_odb_foreach(odb, collect_id, &ids), 0);
	assert_int_equal(ids.count, 40000);
	for (i = 0; i < ids.count; i++) {
		struct pack_entry e;
		struct err err;
		git_oid near;
		uint64_t off;

		assert_true(pack_find(pack, ids.ids[i].id, &off));
		assert_int_equal(pack_entry_at(&e, pack, off, &err), 0);
		assert_int_equal(e.type, PACK_BLOB);
		git_oid_cpy(&near, &ids.ids[i]);
		near.id[PACK_ID_LEN - 1] ^= 1;
		if (!git_odb_exists(odb, &near)) {
			assert_false(pack_find(pack, near.id, &off));
			absent++;
		}
	}
	assert_true(absent > 39000);
	pack_free(pack);
	free(ids.ids);
	git_odb_free(odb);
	git_repository_free(repo);
}

static void delta_expect(const char *base, const unsigned char *delta,
			 size_t delta_len, const char *want)
{
	unsigned char out[64];
	uint64_t len;
	struct err err = {""};
	int rc;

	rc = pack_delta_size(&len, delta, delta_len, strlen(base), &err);
	if (rc == 0 && len < sizeof(out))
		rc = pack_delta_apply(out, (size_t)len,
				      (const unsigned char *)base,
				      strlen(base), delta, delta_len, &err);
	if (want == NULL) {
		assert_int_equal(rc, -1);
		assert_true(err.msg[0] != '\0');
		return;
	}
	assert_int_equal(rc, 0);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(out, want, len);
}

static void pack__delta_instructions(void **state)
{
	/* base "hello world" (11), result "world, hello" (12) */
	static const unsigned char good[] = {
		11, 12,
		0x91, 6, 5,		/* copy offset 6 size 5: "world" */
		2, ',', ' ',		/* insert ", " */
		0x90, 5,		/* copy offset 0 size 5: "hello" */
	};
	static const unsigned char past_base[] = {11, 5, 0x91, 8, 5};
	static const unsigned char past_result[] = {11, 2, 3, 'a', 'b', 'c'};
	static const unsigned char short_insert[] = {11, 3, 3, 'a'};
	static const unsigned char op_zero[] = {11, 1, 0, 1, 'a'};
	static const unsigned char wrong_base[] = {10, 1, 1, 'a'};
	static const unsigned char too_short[] = {11, 4, 2, 'a', 'b'};
	static const unsigned char bad_varint[] = {0x80, 0x80, 0x80, 0x80,
						   0x80, 0x80, 0x80, 0x80,
						   0x80, 0x80, 0x01};
	static const unsigned char cut_copy[] = {11, 5, 0x91, 6};

	(void)state;
	delta_expect("hello world", good, sizeof(good), "world, hello");
	delta_expect("hello world", past_base, sizeof(past_base), NULL);
	delta_expect("hello world", past_result, sizeof(past_result), NULL);
	delta_expect("hello world", short_insert, sizeof(short_insert), NULL);
	delta_expect("hello world", op_zero, sizeof(op_zero), NULL);
	delta_expect("hello world", wrong_base, sizeof(wrong_base), NULL);
	delta_expect("hello world", too_short, sizeof(too_short), NULL);
	delta_expect("hello world", bad_varint, sizeof(bad_varint), NULL);
	delta_expect("hello world", cut_copy, sizeof(cut_copy), NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pack__delta_instructions),
		cmocka_unit_test(pack__lookups_in_large_buckets),
		cmocka_unit_test(packodb__ofs_deltas_read_as_libgit2_reads_them),
		cmocka_unit_test(packodb__ref_deltas_read_as_libgit2_reads_them),
		cmocka_unit_test(packodb__alternates_are_read),
		cmocka_unit_test(packodb__held_objects_survive_eviction),
		cmocka_unit_test(packodb__treediff_reports_the_same),
		cmocka_unit_test(packodb__relative_alternates_as_libgit2),
		cmocka_unit_test(packodb__delta_headers_are_left_to_libgit2),
		cmocka_unit_test(packodb__loose_objects_are_left_to_libgit2),
		/* last: it damages b.git */
		cmocka_unit_test(packodb__corrupt_data_is_passed_on),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
