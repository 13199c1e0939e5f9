/* packodb: a faster reader of packed objects, in front of libgit2's own */
#include "packodb.h"

#include <assert.h>
#include <dirent.h>
#include <git2/sys/odb_backend.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <zlib.h>

#include "../common/buf.h"
#include "../common/file.h"
#include "pack.h"

/* Ahead of libgit2's packs (2) and loose objects (1). */
#define PACKODB_PRIORITY 10
/* git's core.deltaBaseCacheLimit: what the floor keeps. */
#define PACKODB_CACHE_MAX (96u << 20)
/* Larger objects are left to libgit2 (a tree this size is absurd). */
#define PACKODB_OBJECT_MAX (1u << 30)
/* pack-objects never makes deeper chains (its --depth stops at 4095). */
#define PACKODB_DEPTH_MAX 10000u
/* As libgit2 and git: how deep info/alternates may chain. */
#define PACKODB_ALTERNATES_DEPTH 5
#define PACKODB_BUCKETS_MIN 1024u
/* A delta buffer larger than this is freed after use. */
#define PACKODB_DELTA_KEEP (4u << 20)

/* An object unpacked from a pack, kept by (pack, offset). */
struct packodb_object {
	struct packodb_object *hnext;	/* in its bucket */
	struct packodb_object *newer, *older;	/* the LRU list */
	size_t pack;
	uint64_t offset;
	enum pack_type type;
	bool cached;
	unsigned pins;			/* held by packodb_lookup() callers */
	size_t len;
	unsigned char data[];		/* len + 1 bytes, NUL-terminated */
};

/* One step of a delta chain, from the object asked for down to a base. */
struct packodb_link {
	size_t pack;
	uint64_t offset;
	struct pack_entry entry;
};

struct packodb {
	git_odb_backend parent;		/* first: libgit2 hands this back */
	struct pack **packs;
	size_t npacks;
	size_t last;			/* where the last object was found */
	z_stream z;
	bool z_ready;
	struct packodb_object **buckets;
	size_t nbuckets;		/* a power of 2 */
	unsigned bucket_bits;
	size_t ncached;
	size_t cached_bytes, cache_max;
	struct packodb_object *newest, *oldest;
	uint64_t seed;
	struct packodb_link *chain;
	size_t chain_alloc;
	/* the last object passed on: libgit2 asks for it next */
	bool passed_valid;
	size_t passed_pack;
	uint64_t passed_offset;
	unsigned char *delta;		/* one inflated delta at a time */
	size_t delta_alloc;
	struct packodb_stats stats;
};

static size_t packodb_bucket(const struct packodb *db, size_t pack,
			     uint64_t offset)
{
	uint64_t h = (offset ^ db->seed) * 0x9e3779b97f4a7c15ull;

	h ^= (uint64_t)pack * 0xc2b2ae3d27d4eb4full;
	h *= 0x9e3779b97f4a7c15ull;
	return (size_t)(h >> (64 - db->bucket_bits));
}

static void packodb_unlink_lru(struct packodb *db, struct packodb_object *n)
{
	if (n->newer != NULL)
		n->newer->older = n->older;
	else
		db->newest = n->older;
	if (n->older != NULL)
		n->older->newer = n->newer;
	else
		db->oldest = n->newer;
	n->newer = n->older = NULL;
}

static void packodb_push_lru(struct packodb *db, struct packodb_object *n)
{
	n->older = db->newest;
	n->newer = NULL;
	if (db->newest != NULL)
		db->newest->newer = n;
	db->newest = n;
	if (db->oldest == NULL)
		db->oldest = n;
}

static struct packodb_object *packodb_cache_get(struct packodb *db, size_t pack,
					      uint64_t offset)
{
	struct packodb_object *n;

	for (n = db->buckets[packodb_bucket(db, pack, offset)]; n != NULL;
	     n = n->hnext)
		if (n->pack == pack && n->offset == offset) {
			if (n->pins == 0) {
				packodb_unlink_lru(db, n);
				packodb_push_lru(db, n);
			}
			return n;
		}
	return NULL;
}

static void packodb_cache_drop(struct packodb *db, struct packodb_object *n)
{
	struct packodb_object **p = &db->buckets[packodb_bucket(db, n->pack,
							       n->offset)];

	while (*p != n)
		p = &(*p)->hnext;
	*p = n->hnext;
	packodb_unlink_lru(db, n);
	db->ncached--;
	db->cached_bytes -= n->len;
	free(n);
}

static void packodb_grow(struct packodb *db)
{
	size_t n = db->nbuckets * 2, i;
	struct packodb_object **old = db->buckets, *node, *next;

	if ((db->buckets = calloc(n, sizeof(*db->buckets))) == NULL) {
		db->buckets = old;	/* longer chains; still correct */
		return;
	}
	db->nbuckets = n;
	db->bucket_bits++;
	for (i = 0; i < n / 2; i++)
		for (node = old[i]; node != NULL; node = next) {
			size_t b = packodb_bucket(db, node->pack, node->offset);

			next = node->hnext;
			node->hnext = db->buckets[b];
			db->buckets[b] = node;
		}
	free(old);
}

/*
 * Keep n, making room by dropping the least recently used.  A node too
 * large for the cache stays the caller's (n->cached is false).  Pinned
 * nodes are out of the LRU list, so never dropped; they still count, so
 * that what callers hold leaves less room for the rest.
 */
static void packodb_cache_put(struct packodb *db, struct packodb_object *n)
{
	size_t b;

	if (n->len > db->cache_max / 4)
		return;
	while (db->oldest != NULL &&
	       db->cached_bytes + n->len > db->cache_max)
		packodb_cache_drop(db, db->oldest);
	if (db->ncached >= db->nbuckets)
		packodb_grow(db);
	b = packodb_bucket(db, n->pack, n->offset);
	n->hnext = db->buckets[b];
	db->buckets[b] = n;
	packodb_push_lru(db, n);
	n->cached = true;
	db->ncached++;
	db->cached_bytes += n->len;
}

static struct packodb_object *packodb_node_new(size_t pack, uint64_t offset,
					     enum pack_type type, uint64_t len)
{
	struct packodb_object *n;

	if (len > PACKODB_OBJECT_MAX ||
	    (n = malloc(sizeof(*n) + (size_t)len + 1)) == NULL)
		return NULL;
	memset(n, 0, sizeof(*n));
	n->pack = pack;
	n->offset = offset;
	n->type = type;
	n->len = (size_t)len;
	return n;
}

/* Which pack holds id, trying the last one that answered first. */
static bool packodb_find(const struct packodb *db, const unsigned char *id,
			 size_t *pack, uint64_t *offset)
{
	size_t i;

	if (db->npacks == 0)
		return false;
	if (pack_find(db->packs[db->last], id, offset)) {
		*pack = db->last;
		return true;
	}
	for (i = 0; i < db->npacks; i++)
		if (i != db->last && pack_find(db->packs[i], id, offset)) {
			*pack = i;
			return true;
		}
	return false;
}

static int packodb_link(struct packodb *db, size_t depth, size_t pack,
			uint64_t offset, struct err *err)
{
	struct packodb_link *link;

	if (depth == db->chain_alloc) {
		size_t n = db->chain_alloc ? db->chain_alloc * 2 : 64;

		if ((link = realloc(db->chain, n * sizeof(*link))) == NULL)
			return err_set(err, "out of memory");
		db->chain = link;
		db->chain_alloc = n;
	}
	link = &db->chain[depth];
	link->pack = pack;
	link->offset = offset;
	return pack_entry_at(&link->entry, db->packs[pack], offset, err);
}

/* Inflate a delta into db->delta. */
static int packodb_inflate_delta(struct packodb *db,
				 const struct packodb_link *link,
				 struct err *err)
{
	size_t need;

	if (link->entry.size > PACKODB_OBJECT_MAX)
		return err_set(err, "delta too large");
	need = (size_t)link->entry.size + 1;
	if (need > db->delta_alloc) {
		unsigned char *p = realloc(db->delta, need);

		if (p == NULL)
			return err_set(err, "out of memory");
		db->delta = p;
		db->delta_alloc = need;
	}
	return pack_inflate(&db->z, db->packs[link->pack], &link->entry,
			    db->delta, err);
}

/* Give back a delta buffer that one large delta grew. */
static void packodb_shrink_delta(struct packodb *db)
{
	if (db->delta_alloc > PACKODB_DELTA_KEEP) {
		free(db->delta);
		db->delta = NULL;
		db->delta_alloc = 0;
	}
}

/* Done with a node packodb_unpack() gave: free it unless kept. */
static void packodb_release(struct packodb_object *n)
{
	if (n != NULL && !n->cached && n->pins == 0)
		free(n);
}

/*
 * The object at (pack, offset), whole.  Walks down the delta chain to a
 * cached object or a whole one, then applies the deltas back up, keeping
 * each result: reading history newest first, the next version asked for
 * is usually a delta against one just made.  The result is the cache's
 * (or, if too large for it, the caller's: packodb_release()).
 */
static int packodb_unpack(struct packodb_object **out, struct packodb *db,
			  size_t pack, uint64_t offset, struct err *err)
{
	struct packodb_object *base = NULL, *next;
	struct packodb_link *link;
	size_t depth = 0;
	uint64_t len;

	*out = NULL;
	for (;;) {
		if ((base = packodb_cache_get(db, pack, offset)) != NULL)
			break;
		if (depth == PACKODB_DEPTH_MAX)
			return err_set(err, "delta chain too deep");
		if (packodb_link(db, depth, pack, offset, err) < 0)
			return -1;
		link = &db->chain[depth++];
		if (link->entry.type == PACK_OFS_DELTA) {
			offset = link->entry.base;
		} else if (link->entry.type == PACK_REF_DELTA) {
			if (!packodb_find(db, link->entry.base_id, &pack,
					  &offset))
				return err_set(err, "delta base in no pack");
		} else {
			break;
		}
	}
	if (base == NULL) {
		link = &db->chain[--depth];
		base = packodb_node_new(link->pack, link->offset,
					link->entry.type, link->entry.size);
		if (base == NULL)
			return err_set(err, "object too large or out of memory");
		if (pack_inflate(&db->z, db->packs[link->pack], &link->entry,
				 base->data, err) < 0) {
			free(base);
			return -1;
		}
		packodb_cache_put(db, base);
	}
	while (depth > 0) {
		link = &db->chain[--depth];
		if (packodb_inflate_delta(db, link, err) < 0 ||
		    pack_delta_size(&len, db->delta, (size_t)link->entry.size,
				    base->len, err) < 0)
			goto fail;
		next = packodb_node_new(link->pack, link->offset, base->type,
					len);
		if (next == NULL) {
			err_set(err, "object too large or out of memory");
			goto fail;
		}
		if (pack_delta_apply(next->data, next->len, base->data,
				     base->len, db->delta,
				     (size_t)link->entry.size, err) < 0) {
			free(next);
			goto fail;
		}
		next->data[next->len] = '\0';
		/* the base is no longer needed: the cache may now drop it */
		packodb_release(base);
		base = next;
		packodb_cache_put(db, base);
	}
	packodb_shrink_delta(db);
	*out = base;
	return 0;
fail:
	packodb_shrink_delta(db);
	packodb_release(base);
	return -1;
}

static git_object_t packodb_git_type(enum pack_type type)
{
	switch (type) {
	case PACK_COMMIT:
		return GIT_OBJECT_COMMIT;
	case PACK_TREE:
		return GIT_OBJECT_TREE;
	case PACK_BLOB:
		return GIT_OBJECT_BLOB;
	case PACK_TAG:
		return GIT_OBJECT_TAG;
	default:
		return GIT_OBJECT_INVALID;
	}
}

/*
 * Whether the object at (pack, offset) was the last one passed on: when
 * packodb_lookup() passes, its caller reads the object through libgit2,
 * which asks this backend first, and unpacking it again would only fail
 * again (a long chain of large objects, twice).
 */
static bool packodb_passed_before(struct packodb *db, size_t pack,
				  uint64_t offset)
{
	return db->passed_valid && db->passed_pack == pack &&
	       db->passed_offset == offset;
}

static int packodb_pass(struct packodb *db, size_t pack, uint64_t offset)
{
	db->passed_valid = true;
	db->passed_pack = pack;
	db->passed_offset = offset;
	db->stats.passed++;
	return GIT_PASSTHROUGH;
}

/*
 * The object id, unpacked: 0 with *out for packodb_release(), or
 * GIT_ENOTFOUND, or GIT_PASSTHROUGH.  Whatever goes wrong here, libgit2's
 * own backends read the object next, and report what they find, as if
 * this one were not there.
 */
static int packodb_get(struct packodb_object **out, struct packodb *db,
		       const git_oid *id)
{
	struct err why;
	uint64_t offset;
	size_t pack;

	*out = NULL;
	if (!packodb_find(db, id->id, &pack, &offset))
		return GIT_ENOTFOUND;
	db->last = pack;
	if (packodb_passed_before(db, pack, offset))
		return GIT_PASSTHROUGH;
	if (packodb_unpack(out, db, pack, offset, &why) < 0 ||
	    packodb_git_type((*out)->type) == GIT_OBJECT_INVALID) {
		packodb_release(*out);
		*out = NULL;
		return packodb_pass(db, pack, offset);
	}
	return 0;
}

static int packodb_read(void **out, size_t *len, git_object_t *type,
			git_odb_backend *backend, const git_oid *id)
{
	struct packodb *db = (struct packodb *)backend;
	struct packodb_object *node;
	char *data;
	int error;

	if ((error = packodb_get(&node, db, id)) != 0)
		return error;
	if ((data = git_odb_backend_data_alloc(backend, node->len + 1)) ==
	    NULL) {
		packodb_release(node);
		db->stats.passed++;
		return GIT_PASSTHROUGH;
	}
	memcpy(data, node->data, node->len + 1);
	*out = data;
	*len = node->len;
	*type = packodb_git_type(node->type);
	packodb_release(node);
	db->stats.read++;
	return 0;
}

static int packodb_read_header(size_t *len, git_object_t *type,
			       git_odb_backend *backend, const git_oid *id)
{
	struct packodb *db = (struct packodb *)backend;
	struct packodb_object *node;
	struct pack_entry entry;
	struct err why;
	uint64_t offset;
	size_t pack;

	if (!packodb_find(db, id->id, &pack, &offset))
		return GIT_ENOTFOUND;
	db->last = pack;
	if (pack_entry_at(&entry, db->packs[pack], offset, &why) < 0)
		goto pass;
	if (packodb_git_type(entry.type) != GIT_OBJECT_INVALID) {
		if (entry.size > PACKODB_OBJECT_MAX)
			goto pass;
		*len = (size_t)entry.size;
		*type = packodb_git_type(entry.type);
		return 0;
	}
	/*
	 * A delta's size is inside it and its type is its base's: known
	 * only if it is cached.  Otherwise libgit2 reads the two cheaply,
	 * where unpacking could rebuild a blob of a gigabyte from a few
	 * bytes of delta, just for its size.
	 */
	if ((node = packodb_cache_get(db, pack, offset)) == NULL)
		goto pass;
	*len = node->len;
	*type = packodb_git_type(node->type);
	return 0;
pass:
	db->stats.passed++;
	return GIT_PASSTHROUGH;
}

/*
 * libgit2 1.5 calls every backend's foreach without checking it is set.
 * The packs read here are libgit2's own packs too, listed by its pack
 * backend: listing nothing keeps each object listed once.
 */
static int packodb_foreach(git_odb_backend *backend, git_odb_foreach_cb cb,
			   void *payload)
{
	(void)backend;
	(void)cb;
	(void)payload;
	return 0;
}

static void packodb_free(git_odb_backend *backend)
{
	struct packodb *db = (struct packodb *)backend;
	size_t i;

	if (db == NULL)
		return;
	/* pinned nodes are out of the LRU list: free by bucket */
	for (i = 0; i < db->nbuckets && db->buckets != NULL; i++)
		while (db->buckets[i] != NULL) {
			struct packodb_object *n = db->buckets[i];

			db->buckets[i] = n->hnext;
			free(n);
		}
	for (i = 0; i < db->npacks; i++)
		pack_free(db->packs[i]);
	free(db->packs);
	free(db->buckets);
	free(db->chain);
	free(db->delta);
	if (db->z_ready)
		inflateEnd(&db->z);
	free(db);
}

/* The object directories to read, each once (by its real path). */
struct packodb_dirs {
	char **paths;
	size_t count, alloc;
};

static void packodb_dirs_dispose(struct packodb_dirs *dirs)
{
	size_t i;

	for (i = 0; i < dirs->count; i++)
		free(dirs->paths[i]);
	free(dirs->paths);
}

static int packodb_add_dir(struct packodb_dirs *dirs, const char *path,
			   unsigned depth);

/*
 * info/alternates: one directory a line.  Only the lines libgit2 1.5
 * reads as this says are taken: absolute ones, and at depth 0 those that
 * start with '.', relative to this directory.  Others (relative lines
 * libgit2 would take from the working directory, lines git would unquote)
 * are left to libgit2, so that this backend never reads a pack libgit2
 * would not.
 */
static int packodb_add_alternates(struct packodb_dirs *dirs, const char *dir,
				  unsigned depth)
{
	struct buf path = BUF_INIT, text = BUF_INIT, alt = BUF_INIT;
	struct err ignored;
	char *line, *save = NULL;
	int error = -1;

	if (buf_printf(&path, "%s/info/alternates", dir) < 0)
		goto done;
	if (file_read(&text, path.ptr, 1u << 20, &ignored) < 0) {
		error = 0;	/* none, or unreadable: libgit2's to report */
		goto done;
	}
	for (line = strtok_r(text.ptr, "\r\n", &save); line != NULL;
	     line = strtok_r(NULL, "\r\n", &save)) {
		if (*line != '/' && !(*line == '.' && depth == 0))
			continue;
		buf_clear(&alt);
		if ((*line == '/' ? buf_puts(&alt, line)
				  : buf_printf(&alt, "%s/%s", dir, line)) < 0 ||
		    packodb_add_dir(dirs, alt.ptr, depth + 1) < 0)
			goto done;
	}
	error = 0;
done:
	buf_dispose(&path);
	buf_dispose(&text);
	buf_dispose(&alt);
	return error;
}

static int packodb_add_dir(struct packodb_dirs *dirs, const char *path,
			   unsigned depth)
{
	char *real;
	size_t i;

	if (depth > PACKODB_ALTERNATES_DEPTH ||
	    (real = realpath(path, NULL)) == NULL)
		return 0;	/* not there: nothing to read */
	for (i = 0; i < dirs->count; i++)
		if (strcmp(dirs->paths[i], real) == 0) {
			free(real);
			return 0;
		}
	if (dirs->count == dirs->alloc) {
		size_t n = dirs->alloc ? dirs->alloc * 2 : 4;
		char **p = realloc(dirs->paths, n * sizeof(*p));

		if (p == NULL) {
			free(real);
			return -1;
		}
		dirs->paths = p;
		dirs->alloc = n;
	}
	dirs->paths[dirs->count++] = real;
	/* relative lines are joined as libgit2 joins them: to path as given */
	return packodb_add_alternates(dirs, path, depth);
}

static int packodb_add_env_alternates(struct packodb_dirs *dirs)
{
	const char *env = getenv("GIT_ALTERNATE_OBJECT_DIRECTORIES");
	char *copy, *dir, *save = NULL;
	int error = 0;

	if (env == NULL || *env == '\0')
		return 0;
	if ((copy = strdup(env)) == NULL)
		return -1;
	for (dir = strtok_r(copy, ":", &save); dir != NULL && error == 0;
	     dir = strtok_r(NULL, ":", &save))
		error = packodb_add_dir(dirs, dir, 0);
	free(copy);
	return error;
}

static int packodb_add_pack(struct packodb *db, const char *idx_path)
{
	struct pack *pack;
	struct err ignored;

	/* a pack this reader cannot use is still libgit2's to read */
	if (pack_open(&pack, idx_path, &ignored) < 0)
		return 0;
	if (db->npacks % 16 == 0) {
		struct pack **p = realloc(db->packs, (db->npacks + 16) *
						     sizeof(*p));

		if (p == NULL) {
			pack_free(pack);
			return -1;
		}
		db->packs = p;
	}
	db->packs[db->npacks++] = pack;
	return 0;
}

static int packodb_scan(struct packodb *db, const char *objects_dir)
{
	struct buf path = BUF_INIT;
	struct dirent *e;
	DIR *d;
	int error = 0;

	if (buf_printf(&path, "%s/pack", objects_dir) < 0)
		return -1;
	if ((d = opendir(path.ptr)) == NULL) {
		buf_dispose(&path);
		return 0;
	}
	while (error == 0 && (e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);

		if (n < 5 || strncmp(e->d_name, "pack-", 5) != 0 ||
		    strcmp(e->d_name + n - 4, ".idx") != 0)
			continue;
		buf_clear(&path);
		error = buf_printf(&path, "%s/pack/%s", objects_dir,
				   e->d_name) < 0 ? -1
						  : packodb_add_pack(db,
								     path.ptr);
	}
	closedir(d);
	buf_dispose(&path);
	return error;
}

static int packodb_find_dirs(struct packodb_dirs *dirs, git_repository *repo)
{
	const char *env = getenv("GIT_OBJECT_DIRECTORY");
	git_buf objects = {0};
	int error;

	if (env != NULL && *env != '\0') {
		error = packodb_add_dir(dirs, env, 0);
	} else {
		if (git_repository_item_path(&objects, repo,
					     GIT_REPOSITORY_ITEM_OBJECTS) < 0)
			return 0;
		error = packodb_add_dir(dirs, objects.ptr, 0);
		git_buf_dispose(&objects);
	}
	return error < 0 ? -1 : packodb_add_env_alternates(dirs);
}

static int packodb_new(struct packodb **out, git_repository *repo,
		       struct err *err)
{
	struct packodb_dirs dirs = {0};
	struct packodb *db;
	size_t i;
	int error = -1;

	*out = NULL;
	if ((db = calloc(1, sizeof(*db))) == NULL)
		return err_set(err, "out of memory");
	if (git_odb_init_backend(&db->parent, GIT_ODB_BACKEND_VERSION) < 0) {
		free(db);
		return err_set(err, "cannot set up an object backend");
	}
	db->cache_max = PACKODB_CACHE_MAX;
	db->parent.read = packodb_read;
	db->parent.read_header = packodb_read_header;
	db->parent.foreach = packodb_foreach;
	db->parent.free = packodb_free;
	if (getrandom(&db->seed, sizeof(db->seed), GRND_NONBLOCK) !=
	    (ssize_t)sizeof(db->seed))
		db->seed = (uint64_t)(uintptr_t)db ^ (uint64_t)time(NULL);
	db->nbuckets = PACKODB_BUCKETS_MIN;
	db->bucket_bits = 10;
	if ((db->buckets = calloc(db->nbuckets, sizeof(*db->buckets))) ==
		    NULL ||
	    inflateInit(&db->z) != Z_OK) {
		err_set(err, "out of memory");
		goto done;
	}
	db->z_ready = true;
	if (packodb_find_dirs(&dirs, repo) < 0) {
		err_set(err, "out of memory");
		goto done;
	}
	for (i = 0; i < dirs.count; i++)
		if (packodb_scan(db, dirs.paths[i]) < 0) {
			err_set(err, "out of memory");
			goto done;
		}
	db->stats.packs = db->npacks;
	*out = db;
	db = NULL;
	error = 0;
done:
	packodb_dirs_dispose(&dirs);
	if (db != NULL)
		packodb_free(&db->parent);
	return error;
}

int packodb_install(git_repository *repo, struct err *err)
{
	struct packodb *db = NULL;
	git_odb *odb = NULL;
	int error = -1;

	if (git_repository_odb(&odb, repo) < 0) {
		err_set(err, "cannot open the object database");
		goto done;
	}
	if (packodb_of(odb) != NULL) {
		error = 0;
		goto done;
	}
	if (packodb_new(&db, repo, err) < 0)
		goto done;
	if (git_odb_add_backend(odb, &db->parent, PACKODB_PRIORITY) < 0) {
		err_set(err, "cannot add an object backend");
		packodb_free(&db->parent);
		goto done;
	}
	error = 0;
done:
	git_odb_free(odb);
	return error;
}

int packodb_stats(struct packodb_stats *out, git_repository *repo)
{
	struct packodb *db;
	git_odb *odb = NULL;

	memset(out, 0, sizeof(*out));
	if (git_repository_odb(&odb, repo) < 0)
		return 0;
	db = packodb_of(odb);
	if (db != NULL)
		*out = db->stats;
	git_odb_free(odb);
	return db != NULL;
}

struct packodb *packodb_of(git_odb *odb)
{
	git_odb_backend *backend;
	size_t i;

	for (i = 0; i < git_odb_num_backends(odb); i++)
		if (git_odb_get_backend(&backend, odb, i) == 0 &&
		    backend->read == packodb_read)
			return (struct packodb *)backend;
	return NULL;
}

int packodb_lookup(struct packodb_object **out, struct packodb *db,
		   const git_oid *id)
{
	struct packodb_object *node;
	int error;

	*out = NULL;
	if ((error = packodb_get(&node, db, id)) != 0)
		return error;
	/* pinned: out of the LRU list until the last release */
	if (node->pins++ == 0 && node->cached)
		packodb_unlink_lru(db, node);
	db->stats.read++;
	*out = node;
	return 0;
}

const void *packodb_object_data(const struct packodb_object *obj)
{
	return obj->data;
}

size_t packodb_object_size(const struct packodb_object *obj)
{
	return obj->len;
}

git_object_t packodb_object_type(const struct packodb_object *obj)
{
	return packodb_git_type(obj->type);
}

void packodb_object_release(struct packodb *db, struct packodb_object *obj)
{
	if (obj == NULL)
		return;
	assert(obj->pins > 0);
	if (--obj->pins > 0)
		return;
	if (obj->cached)
		packodb_push_lru(db, obj);
	else
		free(obj);
}

void packodb_set_cache_max(struct packodb *db, size_t bytes)
{
	db->cache_max = bytes;
}
