/* treediff: pruned compare of a new tree with its bases' trees (SPEC 4) */
#include "treediff.h"
#include "packodb.h"
#include "treename.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "../common/buf.h"
#include "../common/quote.h"
#include "../policy/op.h"

/* Read the clock once per this many entries looked at (a power of 2). */
#define TREEDIFF_CLOCK_EVERY 1024u
/* First size of the tree cache (a power of 2). */
#define TREEDIFF_SLOTS_MIN 64u
/* The shortest entry kept: "40000", SP, a 1-byte name, NUL, the id. */
#define TREEDIFF_ENTRY_MIN (5 + 1 + 1 + 1 + GIT_OID_RAWSZ)
/* An entry name longer than this is cut in error messages. */
#define TREEDIFF_NAME_SHOWN 32u

enum treediff_kind {
	TREEDIFF_DIR,
	TREEDIFF_FILE,		/* 100644 and 100755 */
	TREEDIFF_LINK,
	TREEDIFF_GITLINK,
};

/* The only modes git writes (SPEC 4); their text must match exactly. */
static const struct {
	const char *text;
	unsigned mode;
	enum treediff_kind kind;
} treediff_modes[] = {
	{"40000", 0040000, TREEDIFF_DIR},
	{"100644", 0100644, TREEDIFF_FILE},
	{"100755", 0100755, TREEDIFF_FILE},
	{"120000", 0120000, TREEDIFF_LINK},
	{"160000", 0160000, TREEDIFF_GITLINK},
};

struct treediff_entry {
	const char *name;		/* into the tree's raw object */
	size_t name_len;
	const unsigned char *id;	/* GIT_OID_RAWSZ bytes, likewise */
	unsigned mode;
	enum treediff_kind kind;
};

struct treediff_tree {
	git_oid id;
	/* one of them owns the bytes entries point into */
	struct packodb_object *held;	/* from the pack cache, or */
	git_odb_object *obj;		/* read through libgit2 */
	const char *data;
	size_t size;
	struct treediff_entry *entries;	/* in bytewise name order */
	size_t count;
};

/* One tree being walked at one depth; tree NULL: no directory there. */
struct treediff_side {
	const struct treediff_tree *tree;
	size_t pos;
};

/* One directory of the walk; its sides follow in treediff.sides. */
struct treediff_frame {
	size_t path_len;	/* bytes of the path naming this directory */
	unsigned ops_after;	/* ops of this path, due after its contents */
	unsigned mode_after;	/* and its mode in the new tree */
};

struct treediff {
	git_odb *odb;			/* borrowed */
	struct packodb *packs;		/* odb's pack reader, or NULL */
	size_t max_entries;
	bool has_deadline;
	struct timespec deadline;
	size_t counted;			/* changed entries, against the cap */
	size_t steps;			/* entries looked at, for the clock */
	size_t trees_read;
	/* the cache: open addressing keyed by tree id */
	struct treediff_tree **slots;
	size_t nslots;			/* a power of 2 */
	unsigned slot_bits;
	size_t ntrees;
	size_t cache_bytes, cache_max;
	uint64_t seed;			/* odd; keeps slots unguessable */
	/* the walk: a stack, as a tree can be a million levels deep */
	struct treediff_frame *frames;
	size_t frames_alloc;
	struct treediff_side *sides;	/* nsides per frame */
	size_t sides_alloc;
	const struct treediff_entry **cur;	/* one per side */
	size_t cur_alloc;
	struct buf path;
	unsigned reported_mode;		/* see treediff_reported_mode() */
};

/* What one treediff_compare() call walks with. */
struct treediff_walk {
	struct treediff *td;
	size_t nsides;			/* new, then the bases */
	size_t depth;
	treediff_cb cb;
	void *payload;
	struct err *err;
};

static void treediff_tree_free(struct treediff *td,
			       struct treediff_tree *tree)
{
	if (tree == NULL)
		return;
	if (tree->held != NULL)
		packodb_object_release(td->packs, tree->held);
	git_odb_object_free(tree->obj);
	free(tree->entries);
	free(tree);
}

void treediff_free(struct treediff *td)
{
	size_t i;

	if (td == NULL)
		return;
	for (i = 0; i < td->nslots; i++)
		treediff_tree_free(td, td->slots[i]);
	free(td->slots);
	free(td->frames);
	free(td->sides);
	free(td->cur);
	buf_dispose(&td->path);
	free(td);
}

static uint64_t treediff_seed(void)
{
	uint64_t seed = 0;
	struct timespec now;

	/* no entropy is no error: the seed only spreads the slots */
	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) !=
	    (ssize_t)sizeof(seed)) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		seed = (uint64_t)now.tv_nsec * 0x9e3779b97f4a7c15u ^
		       (uint64_t)now.tv_sec;
	}
	return seed | 1;
}

int treediff_new(struct treediff **out, git_odb *odb,
		 const struct treediff_options *opts, struct err *err)
{
	struct treediff *td = NULL;
	int error = -1;

	*out = NULL;
	if ((td = calloc(1, sizeof(*td))) == NULL ||
	    (td->slots = calloc(TREEDIFF_SLOTS_MIN, sizeof(*td->slots))) ==
		    NULL) {
		err_set(err, "out of memory");
		goto done;
	}
	td->nslots = TREEDIFF_SLOTS_MIN;
	while ((1u << td->slot_bits) < TREEDIFF_SLOTS_MIN)
		td->slot_bits++;
	td->odb = odb;
	td->packs = packodb_of(odb);
	td->max_entries = TREEDIFF_MAX_ENTRIES_DEFAULT;
	if (opts != NULL && opts->max_entries != 0)
		td->max_entries = opts->max_entries;
	td->cache_max = TREEDIFF_CACHE_MAX_DEFAULT;
	if (opts != NULL && opts->cache_max != 0)
		td->cache_max = opts->cache_max;
	if (opts != NULL && opts->deadline != NULL) {
		td->has_deadline = true;
		td->deadline = *opts->deadline;
	}
	td->seed = treediff_seed();
	buf_init(&td->path);
	*out = td;
	td = NULL;
	error = 0;
done:
	treediff_free(td);
	return error;
}

unsigned treediff_reported_mode(const struct treediff *td)
{
	return td->reported_mode;
}

size_t treediff_entries_counted(const struct treediff *td)
{
	return td->counted;
}

size_t treediff_trees_read(const struct treediff *td)
{
	return td->trees_read;
}

/*
 * Names: bytewise, a prefix first.  The walk matches entries of the same
 * name across trees in this order, whatever their type.
 */
static int treediff_name_cmp(const struct treediff_entry *a,
			     const struct treediff_entry *b)
{
	size_t n = a->name_len < b->name_len ? a->name_len : b->name_len;
	int cmp = memcmp(a->name, b->name, n);

	if (cmp != 0)
		return cmp;
	return (a->name_len > b->name_len) - (a->name_len < b->name_len);
}

static int treediff_name_qsort_cmp(const void *a, const void *b)
{
	return treediff_name_cmp(a, b);
}

/* git's tree order: a directory `a` sorts as if it were `a/`. */
static int treediff_git_cmp(const struct treediff_entry *a,
			    const struct treediff_entry *b)
{
	size_t n = a->name_len < b->name_len ? a->name_len : b->name_len;
	int cmp = memcmp(a->name, b->name, n);
	unsigned char ca, cb;

	if (cmp != 0)
		return cmp;
	ca = n < a->name_len ? (unsigned char)a->name[n]
			     : (a->kind == TREEDIFF_DIR ? '/' : 0);
	cb = n < b->name_len ? (unsigned char)b->name[n]
			     : (b->kind == TREEDIFF_DIR ? '/' : 0);
	return (int)ca - (int)cb;
}


/* Append a name the pusher chose: 'plain' or "C-escaped", cut if long. */
static int treediff_show_name(struct buf *out, const char *name, size_t len)
{
	size_t shown = len > TREEDIFF_NAME_SHOWN ? TREEDIFF_NAME_SHOWN : len;
	bool quoted = quote_path_needs_quotes(name, shown);

	if ((!quoted && buf_putc(out, '\'') < 0) ||
	    quote_path(out, name, shown) < 0 ||
	    (!quoted && buf_putc(out, '\'') < 0) ||
	    (shown < len && buf_puts(out, "...") < 0))
		return -1;
	return 0;
}

/*
 * "invalid tree <id>: <before><name><after>", name (NULL: none) shown
 * escaped and cut so that the message stays whole.
 */
static int treediff_bad_tree(const struct treediff_tree *tree,
			     struct err *err, const char *before,
			     const char *name, size_t len, const char *after)
{
	char hex[GIT_OID_HEXSZ + 1];
	struct buf shown = BUF_INIT;

	git_oid_tostr(hex, sizeof(hex), &tree->id);
	if (name != NULL && treediff_show_name(&shown, name, len) < 0) {
		buf_dispose(&shown);
		return err_set(err, "out of memory");
	}
	err_set(err, "invalid tree %s: %s%s%s", hex, before, buf_cstr(&shown),
		after);
	buf_dispose(&shown);
	return -1;
}

/* The checks of SPEC 4 that need only the name. */
static int treediff_check_name(const struct treediff_tree *tree,
			       const struct treediff_entry *e, struct err *err)
{
	if (e->name_len == 0)
		return treediff_bad_tree(tree, err, "empty entry name", NULL,
					 0, "");
	if ((e->name_len == 1 && e->name[0] == '.') ||
	    (e->name_len == 2 && e->name[0] == '.' && e->name[1] == '.'))
		return treediff_bad_tree(tree, err, "entry name ", e->name,
					 e->name_len, " is not allowed");
	if (memchr(e->name, '/', e->name_len) != NULL)
		return treediff_bad_tree(tree, err, "entry name ", e->name,
					 e->name_len, " holds a slash");
	/* a checkout would write into .git: hooks, config, anything */
	if (treename_is_dotgit(e->name, e->name_len))
		return treediff_bad_tree(tree, err, "entry name ", e->name,
					 e->name_len, " means .git");
	return 0;
}

static int treediff_parse_mode(struct treediff_entry *e, const char *text,
			       size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(treediff_modes) / sizeof(treediff_modes[0]);
	     i++) {
		if (strlen(treediff_modes[i].text) == len &&
		    memcmp(treediff_modes[i].text, text, len) == 0) {
			e->mode = treediff_modes[i].mode;
			e->kind = treediff_modes[i].kind;
			return 0;
		}
	}
	return -1;
}

static int treediff_bad_mode(const struct treediff_tree *tree,
			     const struct treediff_entry *e, const char *mode,
			     size_t len, struct err *err)
{
	struct buf after = BUF_INIT;
	int error;

	if (buf_puts(&after, " has bad mode '") < 0 ||
	    quote_controls(&after, mode, len > 8 ? 8 : len) < 0 ||
	    buf_puts(&after, len > 8 ? "...'" : "'") < 0)
		error = err_set(err, "out of memory");
	else
		error = treediff_bad_tree(tree, err, "entry ", e->name,
					  e->name_len, buf_cstr(&after));
	buf_dispose(&after);
	return error;
}

/*
 * Turn git's order into name order.  Only directories are out of place (a
 * directory `a` sorts as `a/`, after `a-b`), so the files are in name
 * order already: take the directories out, sort them (rarely needed: a
 * directory `a!` before `a`), and merge them back in, from the end.
 */
static int treediff_name_sort(struct treediff_entry *entries, size_t n)
{
	struct treediff_entry *dirs;
	size_t i, nfiles = 0, ndirs = 0, k = n;
	bool sorted = true;

	if ((dirs = calloc(n, sizeof(*dirs))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		if (entries[i].kind != TREEDIFF_DIR) {
			entries[nfiles++] = entries[i];
			continue;
		}
		if (ndirs > 0 && treediff_name_cmp(&dirs[ndirs - 1],
						   &entries[i]) > 0)
			sorted = false;
		dirs[ndirs++] = entries[i];
	}
	if (!sorted)
		qsort(dirs, ndirs, sizeof(*dirs), treediff_name_qsort_cmp);
	while (ndirs > 0) {
		if (nfiles > 0 && treediff_name_cmp(&entries[nfiles - 1],
						    &dirs[ndirs - 1]) > 0)
			entries[--k] = entries[--nfiles];
		else
			entries[--k] = dirs[--ndirs];
	}
	free(dirs);
	return 0;
}

/*
 * Parse and check `<octal mode> SP <name> NUL <20-byte id>` entries up to
 * the end of the object, then order them by name for the walk.
 */
static int treediff_parse(struct treediff_tree *tree, struct err *err)
{
	const char *p = tree->data;
	const char *start = p, *end = p + tree->size;
	struct treediff_entry *entries = NULL, *e;
	size_t n = 0, alloc = 0, i;
	bool name_order = true;
	int by_name, error = -1;

	while (p < end) {
		const char *sp, *nul;

		if (n == alloc) {
			/* enough at once: each entry kept takes 28 bytes */
			size_t want = (size_t)(end - p) / TREEDIFF_ENTRY_MIN;

			want = alloc ? alloc * 2 : want + 1;

			if (want > SIZE_MAX / 2 / sizeof(*entries) ||
			    (e = realloc(entries, want * sizeof(*e))) == NULL) {
				err_set(err, "out of memory");
				goto done;
			}
			entries = e;
			alloc = want;
		}
		e = &entries[n];
		if ((sp = memchr(p, ' ', (size_t)(end - p))) == NULL ||
		    (nul = memchr(sp + 1, '\0', (size_t)(end - sp - 1))) ==
			    NULL ||
		    (size_t)(end - nul - 1) < GIT_OID_RAWSZ) {
			/* or trailing garbage: the format has no terminator */
			char at[48];

			snprintf(at, sizeof(at), "truncated entry at byte %zu",
				 (size_t)(p - start));
			treediff_bad_tree(tree, err, at, NULL, 0, "");
			goto done;
		}
		e->name = sp + 1;
		e->name_len = (size_t)(nul - e->name);
		e->id = (const unsigned char *)nul + 1;
		if (treediff_parse_mode(e, p, (size_t)(sp - p)) < 0) {
			treediff_bad_mode(tree, e, p, (size_t)(sp - p), err);
			goto done;
		}
		p = nul + 1 + GIT_OID_RAWSZ;
		if (treediff_check_name(tree, e, err) < 0)
			goto done;
		by_name = n > 0 ? treediff_name_cmp(&e[-1], e) : -1;
		if (by_name == 0) {
			treediff_bad_tree(tree, err, "duplicate entry ",
					  e->name, e->name_len, "");
			goto done;
		}
		if (n > 0 && treediff_git_cmp(&e[-1], e) > 0) {
			treediff_bad_tree(tree, err, "entry ", e->name,
					  e->name_len, " is out of order");
			goto done;
		}
		name_order &= by_name < 0;
		n++;
	}
	/*
	 * Name order brings a file `a` next to a directory `a`, a duplicate
	 * git's order keeps apart (`a`, `a-b`, `a/`).
	 */
	if (!name_order) {
		if (treediff_name_sort(entries, n) < 0) {
			err_set(err, "out of memory");
			goto done;
		}
		for (i = 1; i < n; i++) {
			if (treediff_name_cmp(&entries[i - 1], &entries[i]) ==
			    0) {
				treediff_bad_tree(tree, err, "duplicate entry ",
						  entries[i].name,
						  entries[i].name_len, "");
				goto done;
			}
		}
	}
	tree->entries = entries;
	tree->count = n;
	entries = NULL;
	error = 0;
done:
	free(entries);
	return error;
}

static size_t treediff_slot_of(const struct treediff *td,
			       const unsigned char *id)
{
	uint64_t a, b;

	/* ids are chosen by the pusher: mix them with a secret multiplier */
	memcpy(&a, id, sizeof(a));
	memcpy(&b, id + sizeof(a), sizeof(b));
	return (size_t)(((a ^ b) * td->seed) >> (64 - td->slot_bits));
}

static struct treediff_tree **treediff_find(struct treediff *td,
					    const unsigned char *id)
{
	size_t i = treediff_slot_of(td, id);

	while (td->slots[i] != NULL &&
	       memcmp(td->slots[i]->id.id, id, GIT_OID_RAWSZ) != 0)
		i = (i + 1) & (td->nslots - 1);
	return &td->slots[i];
}

/* Double the cache, keeping at most half of it in use. */
static int treediff_grow_cache(struct treediff *td)
{
	struct treediff_tree **old = td->slots;
	size_t i, nold = td->nslots;

	if (td->nslots > SIZE_MAX / 2 / sizeof(*old) ||
	    td->slot_bits >= 63 ||
	    (td->slots = calloc(nold * 2, sizeof(*old))) == NULL) {
		td->slots = old;
		return -1;
	}
	td->nslots = nold * 2;
	td->slot_bits++;
	for (i = 0; i < nold; i++)
		if (old[i] != NULL)
			*treediff_find(td, old[i]->id.id) = old[i];
	free(old);
	return 0;
}

static int treediff_git_error(struct err *err, const char *what,
			      const git_oid *id)
{
	const git_error *e = git_error_last();
	char hex[GIT_OID_HEXSZ + 1];

	git_oid_tostr(hex, sizeof(hex), id);
	return err_set(err, "%s %s: %s", what, hex,
		       e && e->message ? e->message : "unknown error");
}

/*
 * The object's bytes, from the pack reader's cache when it has them (no
 * copy), else through libgit2.  A missing tree is an error, never an
 * empty directory.
 */
static int treediff_read(struct treediff *td, struct treediff_tree *tree,
			 git_object_t *type, struct err *err)
{
	if (td->packs != NULL &&
	    packodb_lookup(&tree->held, td->packs, &tree->id) == 0) {
		tree->data = packodb_object_data(tree->held);
		tree->size = packodb_object_size(tree->held);
		*type = packodb_object_type(tree->held);
		return 0;
	}
	if (git_odb_read(&tree->obj, td->odb, &tree->id) < 0)
		return treediff_git_error(err, "cannot read tree", &tree->id);
	tree->data = git_odb_object_data(tree->obj);
	tree->size = git_odb_object_size(tree->obj);
	*type = git_odb_object_type(tree->obj);
	return 0;
}

/* The parsed tree of that id, from the cache or read now and kept. */
static int treediff_get(const struct treediff_tree **out, struct treediff *td,
			const unsigned char *id, struct err *err)
{
	struct treediff_tree *tree = NULL, **slot;
	git_object_t type = GIT_OBJECT_INVALID;
	char hex[GIT_OID_HEXSZ + 1];
	int error = -1;

	*out = NULL;
	slot = treediff_find(td, id);
	if (*slot != NULL) {
		*out = *slot;
		return 0;
	}
	if ((tree = calloc(1, sizeof(*tree))) == NULL) {
		err_set(err, "out of memory");
		goto done;
	}
	git_oid_fromraw(&tree->id, id);
	if (treediff_read(td, tree, &type, err) < 0)
		goto done;
	td->trees_read++;
	if (type != GIT_OBJECT_TREE) {
		git_oid_tostr(hex, sizeof(hex), &tree->id);
		err_set(err, "object %s is not a tree", hex);
		goto done;
	}
	if (treediff_parse(tree, err) < 0)
		goto done;
	if ((td->ntrees + 1) * 2 > td->nslots) {
		if (treediff_grow_cache(td) < 0) {
			err_set(err, "out of memory");
			goto done;
		}
		slot = treediff_find(td, id);
	}
	*slot = tree;
	td->ntrees++;
	td->cache_bytes += sizeof(*tree) + tree->size +
			   tree->count * sizeof(*tree->entries);
	*out = tree;
	tree = NULL;
	error = 0;
done:
	treediff_tree_free(td, tree);
	return error;
}

/* Empty the cache; only between compares, when nothing points into it. */
static void treediff_flush(struct treediff *td)
{
	size_t i;

	for (i = 0; i < td->nslots; i++) {
		treediff_tree_free(td, td->slots[i]);
		td->slots[i] = NULL;
	}
	td->ntrees = 0;
	td->cache_bytes = 0;
}

static int treediff_check_clock(struct treediff *td, struct err *err)
{
	struct timespec now;

	if (!td->has_deadline)
		return 0;
	if (clock_gettime(CLOCK_MONOTONIC, &now) < 0)
		return err_set(err, "cannot read the clock");
	if (now.tv_sec > td->deadline.tv_sec ||
	    (now.tv_sec == td->deadline.tv_sec &&
	     now.tv_nsec >= td->deadline.tv_nsec))
		return err_set(err, "time limit reached while comparing trees "
				    "(gitapps.timeout)");
	return 0;
}

static int treediff_over_cap(const struct treediff *td, struct err *err)
{
	return err_set(err,
		       "too many changed tree entries "
		       "(gitapps.maxTreeEntries = %zu)",
		       td->max_entries);
}

int treediff_count_more(struct treediff *td, size_t n, struct err *err)
{
	td->counted = n > SIZE_MAX - td->counted ? SIZE_MAX : td->counted + n;
	return td->counted > td->max_entries ? treediff_over_cap(td, err) : 0;
}

/* Make room for depth frames and their sides. */
static int treediff_reserve(struct treediff_walk *w, size_t depth)
{
	struct treediff *td = w->td;
	size_t want;
	void *p;

	if (depth > td->frames_alloc) {
		want = td->frames_alloc ? td->frames_alloc * 2 : 64;
		if (want > SIZE_MAX / sizeof(*td->frames) ||
		    (p = realloc(td->frames, want * sizeof(*td->frames))) ==
			    NULL)
			return err_set(w->err, "out of memory");
		td->frames = p;
		td->frames_alloc = want;
	}
	if (td->frames_alloc > SIZE_MAX / w->nsides ||
	    td->frames_alloc * w->nsides > SIZE_MAX / sizeof(*td->sides))
		return err_set(w->err, "out of memory");
	want = td->frames_alloc * w->nsides;
	if (want > td->sides_alloc) {
		if ((p = realloc(td->sides, want * sizeof(*td->sides))) == NULL)
			return err_set(w->err, "out of memory");
		td->sides = p;
		td->sides_alloc = want;
	}
	return 0;
}

static void treediff_path_cut(struct buf *path, size_t len)
{
	path->len = len;
	if (path->ptr != NULL)
		path->ptr[len] = '\0';
}

static int treediff_report(struct treediff_walk *w, unsigned ops,
			   unsigned new_mode)
{
	int error;

	if (ops == 0 || w->cb == NULL)
		return 0;
	w->td->reported_mode = new_mode;
	error = w->cb(ops, buf_cstr(&w->td->path), w->td->path.len,
		      w->payload);
	return error < 0 ? error : 0;
}

static unsigned treediff_create_op(enum treediff_kind kind)
{
	switch (kind) {
	case TREEDIFF_FILE: return OP_CREATE_FILE;
	case TREEDIFF_LINK: return OP_CREATE_SYMLINK;
	case TREEDIFF_GITLINK: return OP_CREATE_GITLINK;
	default: return OP_CREATE_DIRECTORY;
	}
}

static bool treediff_same(const struct treediff_entry *a,
			  const struct treediff_entry *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return a->mode == b->mode && memcmp(a->id, b->id, GIT_OID_RAWSZ) == 0;
}

static bool treediff_is_dir(const struct treediff_entry *e)
{
	return e != NULL && e->kind == TREEDIFF_DIR;
}

/*
 * The ops of one charged path itself, against each base in turn (cur[0]
 * is new's entry, cur[1..] the bases'; NULL where there is none).
 */
static unsigned treediff_own_ops(const struct treediff_entry *const *cur,
				 size_t nsides)
{
	const struct treediff_entry *n = cur[0];
	bool base_dir = false;
	unsigned ops = 0;
	size_t i;

	for (i = 1; i < nsides; i++) {
		const struct treediff_entry *b = cur[i];

		base_dir |= treediff_is_dir(b);
		if (n != NULL && !treediff_is_dir(n)) {
			if (b == NULL || treediff_is_dir(b))
				ops |= treediff_create_op(n->kind);
			else if (b->kind == n->kind)
				ops |= OP_MODIFY;
			else
				ops |= OP_DELETE_FILE |
				       treediff_create_op(n->kind);
		} else if (b != NULL && !treediff_is_dir(b)) {
			/* replaced by a directory, or gone */
			ops |= OP_DELETE_FILE;
		}
	}
	/* SPEC 4: only for a directory absent from every base */
	if (treediff_is_dir(n) && !base_dir)
		ops |= OP_CREATE_DIRECTORY;
	return ops;
}

/*
 * Push the directory named by the path as it now stands: its tree on each
 * side where cur holds a directory.  Sets *pushed to false, reading
 * nothing, when some base has no directory there just as new has none:
 * then every path below is equal in that base.
 */
static int treediff_push(struct treediff_walk *w, unsigned ops_after,
			 unsigned mode_after, bool *pushed)
{
	struct treediff *td = w->td;
	const struct treediff_entry *const *cur = td->cur;
	struct treediff_side *sides;
	struct treediff_frame *frame;
	size_t i;
	int error;

	*pushed = false;
	if (!treediff_is_dir(cur[0]))
		for (i = 1; i < w->nsides; i++)
			if (!treediff_is_dir(cur[i]))
				return 0;
	if ((error = treediff_reserve(w, w->depth + 1)) < 0)
		return error;
	frame = &td->frames[w->depth];
	sides = &td->sides[w->depth * w->nsides];
	for (i = 0; i < w->nsides; i++) {
		sides[i].pos = 0;
		sides[i].tree = NULL;
		if (treediff_is_dir(cur[i]) &&
		    (error = treediff_get(&sides[i].tree, td, cur[i]->id,
					  w->err)) < 0)
			return error;
	}
	frame->path_len = td->path.len;
	frame->ops_after = ops_after;
	frame->mode_after = mode_after;
	w->depth++;
	*pushed = true;
	return 0;
}

/*
 * Take the smallest name at the heads of the top frame's sides into
 * td->cur (NULL where a side has no such name).  Returns false when every
 * side is done.
 */
static bool treediff_next(struct treediff_walk *w)
{
	struct treediff *td = w->td;
	struct treediff_side *sides = &td->sides[(w->depth - 1) * w->nsides];
	const struct treediff_entry *min = NULL, *e;
	size_t i;

	for (i = 0; i < w->nsides; i++) {
		if (sides[i].tree == NULL ||
		    sides[i].pos >= sides[i].tree->count)
			continue;
		e = &sides[i].tree->entries[sides[i].pos];
		if (min == NULL || treediff_name_cmp(e, min) < 0)
			min = e;
	}
	for (i = 0; i < w->nsides; i++) {
		td->cur[i] = NULL;
		if (min == NULL || sides[i].tree == NULL ||
		    sides[i].pos >= sides[i].tree->count)
			continue;
		e = &sides[i].tree->entries[sides[i].pos];
		if (treediff_name_cmp(e, min) == 0) {
			td->cur[i] = e;
			sides[i].pos++;
		}
	}
	return min != NULL;
}

/* The name in td->cur, charged or not. */
static int treediff_visit(struct treediff_walk *w)
{
	struct treediff *td = w->td;
	const struct treediff_entry *name = NULL;
	size_t i, parent_len = td->path.len;
	unsigned ops, mode;
	bool pushed;
	int error;

	for (i = 0; i < w->nsides && name == NULL; i++)
		name = td->cur[i];
	/* a path equal in any base is not charged, nor is anything below */
	for (i = 1; i < w->nsides; i++)
		if (treediff_same(td->cur[0], td->cur[i]))
			return 0;
	if (++td->counted > td->max_entries)
		return treediff_over_cap(td, w->err);
	if ((parent_len > 0 && buf_putc(&td->path, '/') < 0) ||
	    buf_put(&td->path, name->name, name->name_len) < 0)
		return err_set(w->err, "out of memory");
	ops = treediff_own_ops(td->cur, w->nsides);
	mode = td->cur[0] != NULL ? td->cur[0]->mode : 0;
	if (treediff_is_dir(td->cur[0])) {
		/* create-directory before what is created inside */
		if ((error = treediff_push(w, 0, 0, &pushed)) < 0 ||
		    (error = treediff_report(w, ops, mode)) < 0)
			return error;
	} else {
		/* what a directory held goes before what replaces it */
		if ((error = treediff_push(w, ops, mode, &pushed)) < 0 ||
		    (!pushed && (error = treediff_report(w, ops, mode)) < 0))
			return error;
	}
	if (!pushed)
		treediff_path_cut(&td->path, parent_len);
	return 0;
}

/* Leave the top directory: report what was due after its contents. */
static int treediff_pop(struct treediff_walk *w)
{
	struct treediff *td = w->td;
	const struct treediff_frame *frame = &td->frames[w->depth - 1];
	int error;

	if ((error = treediff_report(w, frame->ops_after,
				     frame->mode_after)) < 0)
		return error;
	w->depth--;
	treediff_path_cut(&td->path,
			  w->depth > 0 ? td->frames[w->depth - 1].path_len : 0);
	return 0;
}

int treediff_compare(struct treediff *td, const git_oid *new_tree,
		     const git_oid *bases, size_t nbases, treediff_cb cb,
		     void *payload, struct err *err)
{
	struct treediff_walk w = {td, 0, 0, cb, payload, err};
	struct treediff_side *sides;
	size_t i;
	int error = -1;

	treediff_path_cut(&td->path, 0);
	if (td->counted > td->max_entries) {
		treediff_over_cap(td, err);
		goto done;
	}
	if (treediff_check_clock(td, err) < 0)
		goto done;
	if (td->cache_bytes > td->cache_max)
		treediff_flush(td);
	for (i = 0; i < nbases; i++) {
		if (git_oid_equal(new_tree, &bases[i])) {
			error = 0;
			goto done;
		}
	}
	if (nbases >= SIZE_MAX / sizeof(*td->cur)) {
		err_set(err, "out of memory");
		goto done;
	}
	/* no base: one empty tree, against which everything is created */
	w.nsides = 1 + (nbases > 0 ? nbases : 1);
	if (w.nsides > td->cur_alloc) {
		const struct treediff_entry **cur;

		if ((cur = realloc(td->cur, w.nsides * sizeof(*cur))) == NULL) {
			err_set(err, "out of memory");
			goto done;
		}
		td->cur = cur;
		td->cur_alloc = w.nsides;
	}
	if (treediff_reserve(&w, 1) < 0)
		goto done;
	sides = td->sides;
	for (i = 0; i < w.nsides; i++) {
		sides[i].pos = 0;
		sides[i].tree = NULL;
		if (i > nbases)
			continue;
		if (treediff_get(&sides[i].tree, td,
				 i == 0 ? new_tree->id : bases[i - 1].id,
				 err) < 0)
			goto done;
	}
	td->frames[0].path_len = 0;
	td->frames[0].ops_after = 0;
	w.depth = 1;
	while (w.depth > 0) {
		if ((++td->steps & (TREEDIFF_CLOCK_EVERY - 1)) == 0 &&
		    (error = treediff_check_clock(td, err)) < 0)
			goto done;
		if (!treediff_next(&w))
			error = treediff_pop(&w);
		else
			error = treediff_visit(&w);
		if (error < 0)
			goto done;
	}
	error = 0;
done:
	treediff_path_cut(&td->path, 0);
	return error;
}
