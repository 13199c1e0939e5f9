/* keyindex: which key files a signing subkey or a 64-bit key id belongs to */
#define _XOPEN_SOURCE 700
#include "keyindex.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../common/buf.h"
#include "gpghome.h"
#include "keyfile.h"
#include "keylookup.h"

/* A lookup record: key (40, a key id padded with '-'), ' ', path, '\n'. */
#define KEYINDEX_KEY 40
#define KEYINDEX_PATH (KEYPATH_SIZE - 1)
#define KEYINDEX_RECORD (KEYINDEX_KEY + 1 + KEYINDEX_PATH + 1)
#define KEYINDEX_DIR_MAX 4096

/* One shard: the lookup records of one keys/<aa>/ tree, or of flat files. */
struct keyindex_shard {
	unsigned char *map;
	size_t len;		/* bytes mapped: a multiple of the record */
};

struct keyindex {
	struct keyindex_shard shards[257];	/* 256 keys/<aa>/, the flat */
	size_t n;
	size_t built;		/* shards keyindex_open() had to make */
};

size_t keyindex_shards_built(const struct keyindex *index)
{
	return index->built;
}

/* One key file and the fingerprints that may identify its signers. */
struct keyindex_file {
	char path[KEYPATH_SIZE];
	git_oid blob;
	char (*fprs)[41];	/* primary first; none when it is no key */
	size_t nfprs;
};

struct keyindex_files {
	struct keyindex_file *items;
	size_t n, alloc;
};

static void keyindex_files_dispose(struct keyindex_files *files)
{
	size_t i;

	for (i = 0; i < files->n; i++)
		free(files->items[i].fprs);
	free(files->items);
	memset(files, 0, sizeof(*files));
}

static struct keyindex_file *keyindex_files_add(struct keyindex_files *files)
{
	if (files->n == files->alloc) {
		size_t n = files->alloc ? 2 * files->alloc : 64;
		struct keyindex_file *p =
			realloc(files->items, n * sizeof(*p));

		if (p == NULL)
			return NULL;
		files->items = p;
		files->alloc = n;
	}
	memset(&files->items[files->n], 0, sizeof(files->items[0]));
	return &files->items[files->n++];
}

static int keyindex_git_error(struct err *err, const char *what)
{
	const git_error *e = git_error_last();

	return err_set(err, "%s: %s", what,
		       e && e->message ? e->message : "unknown error");
}

void keyindex_free(struct keyindex *index)
{
	size_t i;

	if (index == NULL)
		return;
	for (i = 0; i < index->n; i++)
		if (index->shards[i].map != NULL && index->shards[i].len > 0)
			munmap(index->shards[i].map, index->shards[i].len);
	free(index);
}

static int keyindex_by_path(const void *a, const void *b)
{
	return strcmp(((const struct keyindex_file *)a)->path,
		      ((const struct keyindex_file *)b)->path);
}

static int keyindex_by_blob(const void *a, const void *b)
{
	const struct keyindex_file *const *x = a, *const *y = b;

	return git_oid_cmp(&(*x)->blob, &(*y)->blob);
}

/* Parse "<blob hex> <path>[ <fpr>...]" lines of a files list. */
static int keyindex_load_files(struct keyindex_files *out, const char *path)
{
	FILE *f = fopen(path, "re");
	char line[64 + KEYPATH_SIZE + 41 * (KEYFILE_MAX_KEYS + 1)];
	int error = -1;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		struct keyindex_file *kf;
		char *p, *sp;
		size_t len = strlen(line);

		if (len == 0 || line[len - 1] != '\n')
			goto done;
		line[len - 1] = '\0';
		if ((kf = keyindex_files_add(out)) == NULL ||
		    len < 42 || line[40] != ' ' ||
		    git_oid_fromstrn(&kf->blob, line, 40) < 0)
			goto done;
		p = line + 41;
		sp = strchr(p, ' ');
		if ((sp ? (size_t)(sp - p) : strlen(p)) >= KEYPATH_SIZE)
			goto done;
		memcpy(kf->path, p, sp ? (size_t)(sp - p) : strlen(p));
		while (sp != NULL) {
			char (*fprs)[41];

			p = sp + 1;
			sp = strchr(p, ' ');
			if ((sp ? (size_t)(sp - p) : strlen(p)) != 40 ||
			    kf->nfprs == KEYFILE_MAX_KEYS ||
			    (fprs = realloc(kf->fprs, (kf->nfprs + 1) *
							      sizeof(*fprs))) ==
				    NULL)
				goto done;
			kf->fprs = fprs;
			memcpy(fprs[kf->nfprs], p, 40);
			fprs[kf->nfprs++][40] = '\0';
		}
	}
	error = ferror(f) ? -1 : 0;
done:
	fclose(f);
	return error;
}

/* What a key file's packets say may sign for it (SPEC 2 candidates). */
static int keyindex_parse(struct keyindex_file *kf, git_repository *repo,
			  struct err *err)
{
	struct buf data = BUF_INIT, problem = BUF_INIT;
	struct keyfile_info info;
	char id[USERID_LEN + 1];
	size_t i;
	int error = -1;

	if (keylookup_read(&data, repo, &kf->blob, err) < 0)
		goto done;
	if (keyfile_parse(&info, buf_cstr(&data), data.len, &problem) < 0) {
		err_set(err, "out of memory");
		goto done;
	}
	error = 0;
	/* a file that breaks the rules identifies nobody: no records */
	if (problem.len > 0 ||
	    keypath_parse(kf->path, strlen(kf->path), id) == KEYPATH_NONE ||
	    strcmp(info.fprs[0], id) != 0)
		goto done;
	if ((kf->fprs = calloc(info.nfprs, sizeof(*kf->fprs))) == NULL) {
		error = err_set(err, "out of memory");
		goto done;
	}
	for (i = 0; i < info.nfprs; i++)
		if (i == 0 || info.signs[i])
			memcpy(kf->fprs[kf->nfprs++], info.fprs[i], 41);
done:
	buf_dispose(&problem);
	buf_dispose(&data);
	return error;
}

static int keyindex_record_cmp(const void *a, const void *b)
{
	return memcmp(a, b, KEYINDEX_RECORD);
}

static int keyindex_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void keyindex_record(char *rec, const char *key, size_t key_len,
			    const char *path)
{
	size_t plen = strlen(path);

	memset(rec, '-', KEYINDEX_KEY);
	memcpy(rec, key, key_len);
	rec[KEYINDEX_KEY] = ' ';
	memset(rec + KEYINDEX_KEY + 1, ' ', KEYINDEX_PATH);
	memcpy(rec + KEYINDEX_KEY + 1, path, plen);
	rec[KEYINDEX_RECORD - 1] = '\n';
}

/* Write files and lookup into the directory tmp. */
static int keyindex_write(const char *tmp, const struct keyindex_files *files,
			  struct err *err)
{
	struct buf list = BUF_INIT, path = BUF_INIT;
	char *records = NULL;
	size_t i, j, nrec = 0, total = 0;
	int fd = -1, error = -1;

	for (i = 0; i < files->n; i++)
		total += files->items[i].nfprs * 2;
	if (total > 0 && (records = malloc(total * KEYINDEX_RECORD)) == NULL)
		goto oom;
	for (i = 0; i < files->n; i++) {
		const struct keyindex_file *kf = &files->items[i];
		char hex[GIT_OID_HEXSZ + 1];

		git_oid_tostr(hex, sizeof(hex), &kf->blob);
		if (buf_printf(&list, "%s %s", hex, kf->path) < 0)
			goto oom;
		for (j = 0; j < kf->nfprs; j++) {
			if (buf_printf(&list, " %s", kf->fprs[j]) < 0)
				goto oom;
			/* the primary is found by its path, not here */
			if (j > 0)
				keyindex_record(records + KEYINDEX_RECORD *
								  nrec++,
						kf->fprs[j], 40, kf->path);
			keyindex_record(records + KEYINDEX_RECORD * nrec++,
					kf->fprs[j] + 24, 16, kf->path);
		}
		if (buf_puts(&list, "\n") < 0)
			goto oom;
	}
	if (nrec > 0)
		qsort(records, nrec, KEYINDEX_RECORD, keyindex_record_cmp);
	if (buf_printf(&path, "%s/files", tmp) < 0)
		goto oom;
	fd = open(buf_cstr(&path), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		  0600);
	if (fd < 0 || keyindex_write_all(fd, list.ptr, list.len) < 0 ||
	    close(fd) < 0) {
		fd = -1;
		goto io;
	}
	buf_clear(&path);
	if (buf_printf(&path, "%s/lookup", tmp) < 0)
		goto oom;
	fd = open(buf_cstr(&path), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		  0600);
	if (fd < 0 ||
	    keyindex_write_all(fd, records, nrec * KEYINDEX_RECORD) < 0 ||
	    close(fd) < 0) {
		fd = -1;
		goto io;
	}
	fd = -1;
	error = 0;
	goto done;
io:
	err_set(err, "cannot write the key index in '%s': %s", tmp,
		strerror(errno));
	goto done;
oom:
	err_set(err, "out of memory");
done:
	if (fd >= 0)
		close(fd);
	free(records);
	buf_dispose(&list);
	buf_dispose(&path);
	return error;
}

static int keyindex_mkdir(const char *path, struct err *err)
{
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return err_set(err, "cannot create '%s': %s", path,
			       strerror(errno));
	return 0;
}

/* Map <root>/<name>/lookup as shard *out: 0, 1 when not built, -1. */
static int keyindex_map(struct keyindex_shard *out, const char *root,
			const char *name, struct err *err)
{
	char path[KEYINDEX_DIR_MAX + 128];
	struct stat st;
	int fd;

	memset(out, 0, sizeof(*out));
	snprintf(path, sizeof(path), "%s/%s/lookup", root, name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return 1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size % KEYINDEX_RECORD != 0) {
		close(fd);
		return err_set(err, "bad key index '%s': remove it", path);
	}
	out->len = (size_t)st.st_size;
	if (out->len > 0 &&
	    (out->map = mmap(NULL, out->len, PROT_READ, MAP_PRIVATE, fd, 0)) ==
		    MAP_FAILED) {
		out->map = NULL;
		close(fd);
		return err_set(err, "cannot read '%s': %s", path,
			       strerror(errno));
	}
	close(fd);
	return 0;
}

/*
 * A shard the keys/ tree needs: the key files of one keys/<aa>/ tree,
 * named by that tree's id, or the flat keys/<ID>.asc files, named by the
 * keys/ tree's id.  Its slot ("AB", "flat") names the file that remembers
 * the slot's current and previous shards.
 */
struct keyindex_want {
	char name[GIT_OID_HEXSZ + 8];
	char slot[8];
	git_oid tree;		/* keys/<aa>/, or keys/ for the flat files */
	const char *prefix;	/* "keys/AB/" or "keys/" */
};

/* The key files of want, with their blob ids, not parsed yet. */
static int keyindex_list(struct keyindex_files *out, git_repository *repo,
			 const struct keyindex_want *want, struct err *err)
{
	bool flat = strcmp(want->slot, "flat") == 0;
	git_tree *tree = NULL;
	size_t i, n;
	int error = -1;

	/* read only now: a shard that exists costs no tree read (SPEC 2) */
	if (git_tree_lookup(&tree, repo, &want->tree) < 0) {
		keyindex_git_error(err, "cannot read keys/");
		goto done;
	}
	n = git_tree_entrycount(tree);
	for (i = 0; i < n; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(tree, i);
		char path[KEYPATH_SIZE + 8];
		enum keypath_kind kind;
		struct keyindex_file *kf;
		int len;

		if (git_tree_entry_filemode(e) != GIT_FILEMODE_BLOB)
			continue;
		len = snprintf(path, sizeof(path), "%s%s", want->prefix,
			       git_tree_entry_name(e));
		if (len < 0 || (size_t)len >= KEYPATH_SIZE)
			continue;	/* no key file is named so */
		kind = keypath_parse(path, (size_t)len, NULL);
		if (kind != (flat ? KEYPATH_FLAT : KEYPATH_FANOUT))
			continue;
		if ((kf = keyindex_files_add(out)) == NULL) {
			err_set(err, "out of memory");
			goto done;
		}
		memcpy(kf->path, path, (size_t)len + 1);
		git_oid_cpy(&kf->blob, git_tree_entry_id(e));
	}
	error = 0;
done:
	git_tree_free(tree);
	return error;
}

/* The slot's current and previous shard names, "" when none. */
static void keyindex_slot_read(char cur[GIT_OID_HEXSZ + 8],
			       char prev[GIT_OID_HEXSZ + 8], const char *root,
			       const char *slot)
{
	char path[KEYINDEX_DIR_MAX + 64];
	FILE *f;

	cur[0] = prev[0] = '\0';
	snprintf(path, sizeof(path), "%s/slot-%s", root, slot);
	if ((f = fopen(path, "re")) == NULL)
		return;
	if (fscanf(f, "%47s %47s", cur, prev) < 1)
		cur[0] = prev[0] = '\0';
	fclose(f);
	/* a name is a shard directory: hex, or flat-<hex> */
	if (strspn(cur, "0123456789abcdefflat-") != strlen(cur))
		cur[0] = '\0';
	if (strspn(prev, "0123456789abcdefflat-") != strlen(prev))
		prev[0] = '\0';
}

static void keyindex_slot_write(const char *root, const char *slot,
				const char *cur, const char *prev)
{
	char path[KEYINDEX_DIR_MAX + 64], tmp[KEYINDEX_DIR_MAX + 80];
	int fd;

	snprintf(path, sizeof(path), "%s/slot-%s", root, slot);
	snprintf(tmp, sizeof(tmp), "%s/tmp-slot-XXXXXX", root);
	if ((fd = mkstemp(tmp)) < 0)
		return;	/* a cache: the next build finds no predecessor */
	if (dprintf(fd, "%s %s\n", cur, prev) < 0 || close(fd) < 0 ||
	    rename(tmp, path) < 0)
		unlink(tmp);
}

/*
 * Forget shard old of a slot: its directory, and the keyrings of its
 * blobs that now has not (a blob that left keys/<aa>/ left keys/: its
 * <aa> is its key's).
 */
static void keyindex_forget(const char *dir, const char *root,
			    const char *old, const struct keyindex_files *now)
{
	char path[KEYINDEX_DIR_MAX + 128];
	struct keyindex_files gone = {0};
	struct keyindex_file **live = NULL;
	size_t i;

	snprintf(path, sizeof(path), "%s/%s/files", root, old);
	if (keyindex_load_files(&gone, path) == 0 &&
	    (now->n == 0 || (live = malloc(now->n * sizeof(*live))) != NULL)) {
		for (i = 0; i < now->n; i++)
			live[i] = &now->items[i];
		if (now->n > 0)
			qsort(live, now->n, sizeof(*live), keyindex_by_blob);
		for (i = 0; i < gone.n; i++) {
			const struct keyindex_file *p = &gone.items[i];
			char hex[GIT_OID_HEXSZ + 1];

			if (now->n > 0 &&
			    bsearch(&p, live, now->n, sizeof(*live),
				    keyindex_by_blob) != NULL)
				continue;
			git_oid_tostr(hex, sizeof(hex), &p->blob);
			snprintf(path, sizeof(path), "%s/keyrings/%s", dir, hex);
			gpghome_remove(path);
		}
	}
	free(live);
	keyindex_files_dispose(&gone);
	snprintf(path, sizeof(path), "%s/%s", root, old);
	gpghome_remove(path);
}

/*
 * Build the shard want, reusing what the slot's current shard parsed
 * (by blob id: a file moved between layouts or renamed is not parsed
 * again), and make it the slot's current one; the one before the
 * previous goes.  *budget: key files left to parse (SIZE_MAX: any).
 */
static int keyindex_build(git_repository *repo, const char *dir,
			  const char *root, const struct keyindex_want *want,
			  size_t *budget, struct err *err)
{
	char cur[GIT_OID_HEXSZ + 8], prev[GIT_OID_HEXSZ + 8];
	char path[KEYINDEX_DIR_MAX + 128], tmp[KEYINDEX_DIR_MAX + 64];
	struct keyindex_files old = {0}, now = {0};
	struct keyindex_file **by_blob = NULL;
	size_t i;
	int error = -1;

	keyindex_slot_read(cur, prev, root, want->slot);
	if (cur[0] != '\0' && strcmp(cur, want->name) != 0) {
		snprintf(path, sizeof(path), "%s/%s/files", root, cur);
		if (keyindex_load_files(&old, path) < 0)
			keyindex_files_dispose(&old);	/* parse again */
	}
	if (keyindex_list(&now, repo, want, err) < 0)
		goto done;
	if (old.n > 0 && (by_blob = malloc(old.n * sizeof(*by_blob))) == NULL)
		goto oom;
	for (i = 0; i < old.n; i++)
		by_blob[i] = &old.items[i];
	if (old.n > 0)
		qsort(by_blob, old.n, sizeof(*by_blob), keyindex_by_blob);
	for (i = 0; i < now.n; i++) {
		struct keyindex_file *kf = &now.items[i], *key = kf;
		struct keyindex_file *const *hit =
			old.n > 0 ? bsearch(&key, by_blob, old.n,
					    sizeof(*by_blob), keyindex_by_blob)
				  : NULL;
		char id[USERID_LEN + 1];

		keypath_parse(kf->path, strlen(kf->path), id);
		if (hit != NULL && (*hit)->nfprs > 0 &&
		    strcmp((*hit)->fprs[0], id) == 0) {
			if ((kf->fprs = malloc((*hit)->nfprs *
					       sizeof(*kf->fprs))) == NULL)
				goto oom;
			memcpy(kf->fprs, (*hit)->fprs,
			       (*hit)->nfprs * sizeof(*kf->fprs));
			kf->nfprs = (*hit)->nfprs;
			continue;
		}
		/* known to identify nobody, at this very path */
		if (hit != NULL && (*hit)->nfprs == 0 &&
		    strcmp((*hit)->path, kf->path) == 0)
			continue;
		if (*budget == 0) {
			err_set(err, "more key files to index than the hook "
				     "does on its own: run 'git acl upgrade' on "
				     "the server");
			goto done;
		}
		(*budget)--;
		if (keyindex_parse(kf, repo, err) < 0)
			goto done;
	}
	qsort(now.items, now.n, sizeof(*now.items), keyindex_by_path);
	snprintf(tmp, sizeof(tmp), "%s/tmp-XXXXXX", root);
	if (mkdtemp(tmp) == NULL) {
		err_set(err, "cannot create '%s': %s", tmp, strerror(errno));
		goto done;
	}
	if (keyindex_write(tmp, &now, err) < 0) {
		gpghome_remove(tmp);
		goto done;
	}
	snprintf(path, sizeof(path), "%s/%s", root, want->name);
	/* another hook may have published the same shard meanwhile */
	if (rename(tmp, path) < 0) {
		int saved = errno;

		gpghome_remove(tmp);
		if (saved != EEXIST && saved != ENOTEMPTY) {
			err_set(err, "cannot publish '%s': %s", path,
				strerror(saved));
			goto done;
		}
	}
	if (strcmp(cur, want->name) != 0) {
		keyindex_slot_write(root, want->slot, want->name, cur);
		if (prev[0] != '\0' && strcmp(prev, want->name) != 0 &&
		    strcmp(prev, cur) != 0)
			keyindex_forget(dir, root, prev, &now);
	}
	error = 0;
	goto done;
oom:
	err_set(err, "out of memory");
done:
	free(by_blob);
	keyindex_files_dispose(&old);
	keyindex_files_dispose(&now);
	return error;
}

/*
 * After keys/ changed: a slot whose keys/<aa>/ is gone (its last key file
 * deleted), or the flat one once nothing is flat, is forgotten with its
 * shards and their keyrings.
 */
static void keyindex_drop_slots(const char *dir, const char *root,
				const git_tree *keys, bool flat)
{
	static const struct keyindex_files none;
	DIR *d = opendir(root);
	struct dirent *e;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		char cur[GIT_OID_HEXSZ + 8], prev[GIT_OID_HEXSZ + 8];
		char path[KEYINDEX_DIR_MAX + 512];
		const char *slot = e->d_name + 5;
		struct stat st;

		/* what a hook stopped by its time limit left behind */
		if (strncmp(e->d_name, "tmp-", 4) == 0) {
			snprintf(path, sizeof(path), "%s/%s", root, e->d_name);
			if (lstat(path, &st) == 0 &&
			    time(NULL) - st.st_mtime > 3600)
				gpghome_remove(path);
			continue;
		}

		if (strncmp(e->d_name, "slot-", 5) != 0 ||
		    (strcmp(slot, "flat") == 0
			     ? flat
			     : (strlen(slot) != 2 ||
				git_tree_entry_byname(keys, slot) != NULL)))
			continue;
		keyindex_slot_read(cur, prev, root, slot);
		if (cur[0] != '\0')
			keyindex_forget(dir, root, cur, &none);
		if (prev[0] != '\0')
			keyindex_forget(dir, root, prev, &none);
		snprintf(path, sizeof(path), "%s/%s", root, e->d_name);
		unlink(path);
	}
	closedir(d);
}

static int keyindex_add_shard(struct keyindex *index, git_repository *repo,
			      const char *dir, const char *root,
			      const struct keyindex_want *want, size_t *budget,
			      bool *built, struct err *err)
{
	int rc = keyindex_map(&index->shards[index->n], root, want->name, err);

	if (rc > 0) {
		*built = true;
		index->built++;
		if (keyindex_build(repo, dir, root, want, budget, err) < 0)
			return -1;
		rc = keyindex_map(&index->shards[index->n], root, want->name,
				  err);
		if (rc > 0)
			return err_set(err, "the key index shard '%s' vanished",
				       want->name);
	}
	if (rc < 0)
		return -1;
	index->n++;
	return 0;
}

int keyindex_open(struct keyindex **out, git_repository *repo,
		  const char *dir, const git_oid *keys_tree,
		  const struct keyindex_options *opts, struct err *err)
{
	char root[KEYINDEX_DIR_MAX];
	struct keyindex *index = NULL;
	git_tree *keys = NULL;
	size_t i, n, budget = opts != NULL && opts->max_changes > 0
				      ? opts->max_changes
				      : SIZE_MAX;
	bool flat = false, built = false;
	int error = -1;

	*out = NULL;
	if ((index = calloc(1, sizeof(*index))) == NULL)
		return err_set(err, "out of memory");
	snprintf(root, sizeof(root), "%s/keyindex", dir);
	if (keys_tree == NULL) {
		*out = index;
		return 0;
	}
	if (keyindex_mkdir(dir, err) < 0 || keyindex_mkdir(root, err) < 0)
		goto done;
	if (git_tree_lookup(&keys, repo, keys_tree) < 0) {
		keyindex_git_error(err, "cannot read keys/");
		goto done;
	}
	n = git_tree_entrycount(keys);
	for (i = 0; i < n; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(keys, i);
		const char *name = git_tree_entry_name(e);
		struct keyindex_want want;
		char prefix[16];

		if (git_tree_entry_filemode(e) == GIT_FILEMODE_BLOB) {
			flat = true;
			continue;
		}
		/* only keys/<aa>/ holds key files (SPEC 2) */
		if (git_tree_entry_filemode(e) != GIT_FILEMODE_TREE ||
		    strlen(name) != 2 || !userid_is_valid_prefix(name, 2) ||
		    index->n == 256)
			continue;
		git_oid_tostr(want.name, sizeof(want.name),
			      git_tree_entry_id(e));
		snprintf(want.slot, sizeof(want.slot), "%s", name);
		snprintf(prefix, sizeof(prefix), "keys/%s/", name);
		git_oid_cpy(&want.tree, git_tree_entry_id(e));
		want.prefix = prefix;
		if (keyindex_add_shard(index, repo, dir, root, &want, &budget,
				       &built, err) < 0)
			goto done;
	}
	/* the older flat layout: one shard, made again as keys/ changes */
	if (flat) {
		struct keyindex_want want;
		char hex[GIT_OID_HEXSZ + 1];

		git_oid_tostr(hex, sizeof(hex), keys_tree);
		snprintf(want.name, sizeof(want.name), "flat-%s", hex);
		snprintf(want.slot, sizeof(want.slot), "flat");
		git_oid_cpy(&want.tree, keys_tree);
		want.prefix = "keys/";
		if (keyindex_add_shard(index, repo, dir, root, &want, &budget,
				       &built, err) < 0)
			goto done;
	}
	if (built)
		keyindex_drop_slots(dir, root, keys, flat);
	*out = index;
	index = NULL;
	error = 0;
done:
	git_tree_free(keys);
	keyindex_free(index);
	return error;
}

/* Append the paths of shard records for want (40 bytes) to paths. */
static void keyindex_search(const struct keyindex_shard *shard,
			    const char *want, char (*paths)[KEYPATH_SIZE],
			    size_t max, size_t *n)
{
	size_t lo = 0, hi = shard->len / KEYINDEX_RECORD, i;

	while (lo < hi) {	/* the first record >= want */
		size_t mid = lo + (hi - lo) / 2;

		if (memcmp(shard->map + mid * KEYINDEX_RECORD, want,
			   KEYINDEX_KEY) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i < shard->len / KEYINDEX_RECORD; i++) {
		const unsigned char *rec = shard->map + i * KEYINDEX_RECORD;
		size_t plen = KEYINDEX_PATH;

		if (memcmp(rec, want, KEYINDEX_KEY) != 0)
			break;
		/* one file holding the key twice is still one file */
		if (i > lo && memcmp(rec, rec - KEYINDEX_RECORD,
				     KEYINDEX_RECORD) == 0)
			continue;
		if (*n < max) {
			while (plen > 0 &&
			       rec[KEYINDEX_KEY + 1 + plen - 1] == ' ')
				plen--;
			memcpy(paths[*n], rec + KEYINDEX_KEY + 1, plen);
			paths[*n][plen] = '\0';
		}
		(*n)++;
	}
}

void keyindex_lookup(const struct keyindex *index, const char *key,
		     char (*paths)[KEYPATH_SIZE], size_t max, size_t *n)
{
	char want[KEYINDEX_KEY];
	size_t key_len = strlen(key), i;

	*n = 0;
	if (key_len != 40 && key_len != 16)
		return;
	memset(want, '-', sizeof(want));
	memcpy(want, key, key_len);
	for (i = 0; i < index->n; i++)
		if (index->shards[i].len > 0)
			keyindex_search(&index->shards[i], want, paths, max, n);
}
