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

struct keyindex {
	unsigned char *map;
	size_t len;		/* bytes mapped: a multiple of the record */
};

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
	if (index == NULL)
		return;
	if (index->map != NULL && index->len > 0)
		munmap(index->map, index->len);
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

/* The key files that differ between two keys/ trees (old may be NULL). */
struct keyindex_diff {
	char (*removed)[KEYPATH_SIZE];
	size_t nremoved, removed_alloc;
	struct keyindex_files added;
};

static int keyindex_note_removed(struct keyindex_diff *diff, const char *path)
{
	if (diff->nremoved == diff->removed_alloc) {
		size_t n = diff->removed_alloc ? 2 * diff->removed_alloc : 64;
		char (*p)[KEYPATH_SIZE] =
			realloc(diff->removed, n * sizeof(*p));

		if (p == NULL)
			return -1;
		diff->removed = p;
		diff->removed_alloc = n;
	}
	snprintf(diff->removed[diff->nremoved++], KEYPATH_SIZE, "%s", path);
	return 0;
}

static int keyindex_walk(struct keyindex_diff *diff, git_repository *repo,
			 const git_tree *old, const git_tree *new,
			 const char *prefix, size_t max, struct err *err);

/* Every key file under tree, as removed (added false) or added. */
static int keyindex_all(struct keyindex_diff *diff, git_repository *repo,
			const git_tree *tree, const char *prefix, bool added,
			size_t max, struct err *err)
{
	return added ? keyindex_walk(diff, repo, NULL, tree, prefix, max, err)
		     : keyindex_walk(diff, repo, tree, NULL, prefix, max, err);
}

static int keyindex_entry(struct keyindex_diff *diff, git_repository *repo,
			  const git_tree_entry *e, bool added,
			  const git_tree_entry *other, const char *prefix,
			  size_t max, struct err *err)
{
	char path[KEYPATH_SIZE + 8];
	git_tree *sub = NULL, *other_sub = NULL;
	bool is_tree = git_tree_entry_filemode(e) == GIT_FILEMODE_TREE;
	int n, error = -1;

	n = snprintf(path, sizeof(path), "%s%s", prefix,
		     git_tree_entry_name(e));
	if (n < 0 || (size_t)n >= KEYPATH_SIZE)
		return 0;	/* no key file is named so: lint's to report */
	if (is_tree) {
		/* only keys/<aa>/ holds key files (SPEC 2) */
		if (strchr(prefix + 5, '/') != NULL)
			return 0;
		strcat(path, "/");
		if (git_tree_lookup(&sub, repo, git_tree_entry_id(e)) < 0 ||
		    (other != NULL &&
		     git_tree_entry_filemode(other) == GIT_FILEMODE_TREE &&
		     git_tree_lookup(&other_sub, repo,
				     git_tree_entry_id(other)) < 0)) {
			keyindex_git_error(err, "cannot read keys/");
			goto done;
		}
		error = other_sub != NULL
				? keyindex_walk(diff, repo, added ? other_sub : sub,
						added ? sub : other_sub, path,
						max, err)
				: keyindex_all(diff, repo, sub, path, added, max,
					       err);
		goto done;
	}
	if (git_tree_entry_filemode(e) != GIT_FILEMODE_BLOB ||
	    keypath_parse(path, strlen(path), NULL) == KEYPATH_NONE ||
	    keypath_parse(path, strlen(path), NULL) == KEYPATH_BANNED)
		return 0;
	if (!added) {
		error = keyindex_note_removed(diff, path) < 0
				? err_set(err, "out of memory")
				: 0;
		goto done;
	}
	{
		struct keyindex_file *kf;

		if (max > 0 && diff->added.n >= max) {
			err_set(err, "more than %zu key files to index: run "
				     "'git acl upgrade' on the server",
				max);
			goto done;
		}
		if ((kf = keyindex_files_add(&diff->added)) == NULL) {
			err_set(err, "out of memory");
			goto done;
		}
		memcpy(kf->path, path, strlen(path) + 1);
		git_oid_cpy(&kf->blob, git_tree_entry_id(e));
	}
	error = 0;
done:
	git_tree_free(other_sub);
	git_tree_free(sub);
	return error;
}

static int keyindex_walk(struct keyindex_diff *diff, git_repository *repo,
			 const git_tree *old, const git_tree *new,
			 const char *prefix, size_t max, struct err *err)
{
	size_t i, n;

	n = new != NULL ? git_tree_entrycount(new) : 0;
	for (i = 0; i < n; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(new, i);
		const git_tree_entry *o =
			old != NULL ? git_tree_entry_byname(
					      old, git_tree_entry_name(e))
				    : NULL;

		if (o != NULL && git_oid_equal(git_tree_entry_id(o),
					       git_tree_entry_id(e)) &&
		    git_tree_entry_filemode(o) == git_tree_entry_filemode(e))
			continue;
		if (keyindex_entry(diff, repo, e, true, o, prefix, max, err) <
		    0)
			return -1;
		/* a blob that became a tree or back: its old side goes */
		if (o != NULL &&
		    (git_tree_entry_filemode(o) == GIT_FILEMODE_TREE) !=
			    (git_tree_entry_filemode(e) == GIT_FILEMODE_TREE) &&
		    keyindex_entry(diff, repo, o, false, NULL, prefix, max,
				   err) < 0)
			return -1;
	}
	n = old != NULL ? git_tree_entrycount(old) : 0;
	for (i = 0; i < n; i++) {
		const git_tree_entry *o = git_tree_entry_byindex(old, i);

		if (new != NULL &&
		    git_tree_entry_byname(new, git_tree_entry_name(o)) != NULL)
			continue;
		if (keyindex_entry(diff, repo, o, false, NULL, prefix, max,
				   err) < 0)
			return -1;
	}
	return 0;
}

static int keyindex_path_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* prev less what the diff removes or replaces, plus what it adds. */
static int keyindex_apply(struct keyindex_files *out,
			  const struct keyindex_files *prev,
			  struct keyindex_diff *diff, git_repository *repo,
			  struct err *err)
{
	struct keyindex_file **by_blob = NULL;
	size_t i;
	int error = -1;

	qsort(diff->removed, diff->nremoved, sizeof(*diff->removed),
	      keyindex_path_cmp);
	qsort(diff->added.items, diff->added.n, sizeof(*diff->added.items),
	      keyindex_by_path);
	if (prev->n > 0 &&
	    (by_blob = malloc(prev->n * sizeof(*by_blob))) == NULL)
		goto oom;
	for (i = 0; i < prev->n; i++)
		by_blob[i] = &prev->items[i];
	if (prev->n > 0)
		qsort(by_blob, prev->n, sizeof(*by_blob), keyindex_by_blob);
	for (i = 0; i < prev->n; i++) {
		const struct keyindex_file *p = &prev->items[i];
		struct keyindex_file *kf;

		if (bsearch(p->path, diff->removed, diff->nremoved,
			    sizeof(*diff->removed), keyindex_path_cmp) ||
		    bsearch(p, diff->added.items, diff->added.n,
			    sizeof(*diff->added.items), keyindex_by_path))
			continue;
		if ((kf = keyindex_files_add(out)) == NULL)
			goto oom;
		*kf = *p;
		kf->fprs = NULL;
		if (p->nfprs > 0 &&
		    (kf->fprs = malloc(p->nfprs * sizeof(*kf->fprs))) == NULL)
			goto oom;
		if (p->nfprs > 0)
			memcpy(kf->fprs, p->fprs, p->nfprs * sizeof(*kf->fprs));
	}
	for (i = 0; i < diff->added.n; i++) {
		struct keyindex_file *a = &diff->added.items[i], *kf, key, *pk;
		struct keyindex_file *const *hit;

		key.blob = a->blob;
		pk = &key;
		hit = prev->n > 0 ? bsearch(&pk, by_blob, prev->n,
					    sizeof(*by_blob), keyindex_by_blob)
				  : NULL;
		if ((kf = keyindex_files_add(out)) == NULL)
			goto oom;
		memcpy(kf->path, a->path, KEYPATH_SIZE);
		git_oid_cpy(&kf->blob, &a->blob);
		/* a file moved between layouts is not parsed again */
		if (hit != NULL) {
			char id[USERID_LEN + 1];

			if ((*hit)->nfprs > 0 &&
			    keypath_parse(kf->path, strlen(kf->path), id) !=
				    KEYPATH_NONE &&
			    strcmp((*hit)->fprs[0], id) == 0) {
				if ((kf->fprs = malloc((*hit)->nfprs *
						       sizeof(*kf->fprs))) ==
				    NULL)
					goto oom;
				memcpy(kf->fprs, (*hit)->fprs,
				       (*hit)->nfprs * sizeof(*kf->fprs));
				kf->nfprs = (*hit)->nfprs;
			}
			continue;
		}
		if (keyindex_parse(kf, repo, err) < 0)
			goto done;
	}
	qsort(out->items, out->n, sizeof(*out->items), keyindex_by_path);
	error = 0;
	goto done;
oom:
	err_set(err, "out of memory");
done:
	free(by_blob);
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

static int keyindex_map(struct keyindex **out, const char *dir,
			struct err *err)
{
	char path[KEYINDEX_DIR_MAX + 16];
	struct keyindex *index;
	struct stat st;
	int fd;

	snprintf(path, sizeof(path), "%s/lookup", dir);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return 1;	/* not built yet */
	if ((index = calloc(1, sizeof(*index))) == NULL) {
		close(fd);
		return err_set(err, "out of memory");
	}
	if (fstat(fd, &st) < 0 || st.st_size % KEYINDEX_RECORD != 0) {
		close(fd);
		free(index);
		return err_set(err, "bad key index '%s': remove it", path);
	}
	index->len = (size_t)st.st_size;
	if (index->len > 0 &&
	    (index->map = mmap(NULL, index->len, PROT_READ, MAP_PRIVATE, fd,
			       0)) == MAP_FAILED) {
		close(fd);
		free(index);
		return err_set(err, "cannot read '%s': %s", path,
			       strerror(errno));
	}
	close(fd);
	*out = index;
	return 0;
}

/* The newest other index under root: its tree id and its files. */
static int keyindex_previous(char name_out[GIT_OID_HEXSZ + 1],
			     struct keyindex_files *files, const char *root,
			     const char *skip)
{
	char path[KEYINDEX_DIR_MAX + 512];
	struct dirent *e;
	time_t best = 0;
	DIR *d = opendir(root);

	name_out[0] = '\0';
	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		struct stat st;
		git_oid id;

		if (strlen(e->d_name) != GIT_OID_HEXSZ ||
		    strcmp(e->d_name, skip) == 0 ||
		    git_oid_fromstr(&id, e->d_name) < 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s/files", root, e->d_name);
		if (stat(path, &st) < 0 || (name_out[0] && st.st_mtime < best))
			continue;
		best = st.st_mtime;
		memcpy(name_out, e->d_name, GIT_OID_HEXSZ + 1);
	}
	closedir(d);
	if (name_out[0] == '\0')
		return 0;
	snprintf(path, sizeof(path), "%s/%s/files", root, name_out);
	if (keyindex_load_files(files, path) < 0) {
		keyindex_files_dispose(files);
		name_out[0] = '\0';	/* unreadable: build from scratch */
	}
	return 0;
}

/* Keep the new index and its previous one; drop the rest and dead keyrings. */
static void keyindex_prune(const char *dir, const char *root,
			   const char *keep, const char *prev,
			   const struct keyindex_files *old,
			   const struct keyindex_files *now)
{
	char path[KEYINDEX_DIR_MAX + 512];
	struct keyindex_file **live = NULL;
	struct dirent *e;
	DIR *d = opendir(root);
	size_t i;

	if (d != NULL) {
		while ((e = readdir(d)) != NULL) {
			if (e->d_name[0] == '.' || strcmp(e->d_name, keep) == 0 ||
			    strcmp(e->d_name, prev) == 0)
				continue;
			/* a build in progress is another hook's */
			if (strncmp(e->d_name, "tmp-", 4) == 0)
				continue;
			snprintf(path, sizeof(path), "%s/%s", root, e->d_name);
			gpghome_remove(path);
		}
		closedir(d);
	}
	if (now->n > 0 && (live = malloc(now->n * sizeof(*live))) == NULL)
		return;
	for (i = 0; i < now->n; i++)
		live[i] = &now->items[i];
	if (now->n > 0)
		qsort(live, now->n, sizeof(*live), keyindex_by_blob);
	for (i = 0; i < old->n; i++) {
		const struct keyindex_file *p = &old->items[i];
		char hex[GIT_OID_HEXSZ + 1];

		if (now->n > 0 && bsearch(&p, live, now->n, sizeof(*live),
					  keyindex_by_blob) != NULL)
			continue;
		git_oid_tostr(hex, sizeof(hex), &p->blob);
		snprintf(path, sizeof(path), "%s/keyrings/%s", dir, hex);
		gpghome_remove(path);
	}
	free(live);
}

static int keyindex_tree(git_tree **out, git_repository *repo,
			 const char *hex, struct err *err)
{
	git_oid id;

	*out = NULL;
	if (hex == NULL || *hex == '\0' ||
	    strcmp(hex, "0000000000000000000000000000000000000000") == 0)
		return 0;
	if (git_oid_fromstr(&id, hex) < 0 ||
	    git_tree_lookup(out, repo, &id) < 0)
		return 1;	/* gone (a purge): build from scratch */
	(void)err;
	return 0;
}

int keyindex_open(struct keyindex **out, git_repository *repo,
		  const char *dir, const git_oid *keys_tree,
		  const struct keyindex_options *opts, struct err *err)
{
	char root[KEYINDEX_DIR_MAX], target[KEYINDEX_DIR_MAX + 64],
		tmp[KEYINDEX_DIR_MAX + 64], name[GIT_OID_HEXSZ + 1],
		prev[GIT_OID_HEXSZ + 1];
	struct keyindex_files old = {0}, now = {0};
	struct keyindex_diff diff = {0};
	git_tree *old_tree = NULL, *new_tree = NULL;
	int rc, error = -1;

	*out = NULL;
	git_oid_tostr(name, sizeof(name),
		      keys_tree != NULL ? keys_tree : &(git_oid){{0}});
	snprintf(root, sizeof(root), "%s/keyindex", dir);
	snprintf(target, sizeof(target), "%s/%s", root, name);
	if ((rc = keyindex_map(out, target, err)) <= 0)
		return rc;
	if (keyindex_mkdir(dir, err) < 0 || keyindex_mkdir(root, err) < 0 ||
	    keyindex_previous(prev, &old, root, name) < 0)
		goto done;
	if (keyindex_tree(&old_tree, repo, prev, err) != 0) {
		keyindex_files_dispose(&old);
		prev[0] = '\0';
	}
	if (keys_tree != NULL && git_tree_lookup(&new_tree, repo, keys_tree) < 0) {
		keyindex_git_error(err, "cannot read keys/");
		goto done;
	}
	if (keyindex_walk(&diff, repo, old_tree, new_tree, "keys/",
			  opts != NULL ? opts->max_changes : 0, err) < 0 ||
	    keyindex_apply(&now, &old, &diff, repo, err) < 0)
		goto done;
	snprintf(tmp, sizeof(tmp), "%s/tmp-XXXXXX", root);
	if (mkdtemp(tmp) == NULL) {
		err_set(err, "cannot create '%s': %s", tmp, strerror(errno));
		goto done;
	}
	if (keyindex_write(tmp, &now, err) < 0) {
		gpghome_remove(tmp);
		goto done;
	}
	/* another hook may have published the same index meanwhile */
	if (rename(tmp, target) < 0) {
		int saved = errno;

		gpghome_remove(tmp);
		if (saved != EEXIST && saved != ENOTEMPTY) {
			err_set(err, "cannot publish '%s': %s", target,
				strerror(saved));
			goto done;
		}
	}
	keyindex_prune(dir, root, name, prev, &old, &now);
	if ((rc = keyindex_map(out, target, err)) != 0) {
		if (rc > 0)
			err_set(err, "the key index '%s' vanished", target);
		goto done;
	}
	error = 0;
done:
	git_tree_free(new_tree);
	git_tree_free(old_tree);
	keyindex_files_dispose(&diff.added);
	free(diff.removed);
	keyindex_files_dispose(&old);
	keyindex_files_dispose(&now);
	return error;
}

void keyindex_lookup(const struct keyindex *index, const char *key,
		     char (*paths)[KEYPATH_SIZE], size_t max, size_t *n)
{
	char want[KEYINDEX_KEY];
	size_t key_len = strlen(key), lo = 0, hi, i;

	*n = 0;
	if (index->len == 0 || (key_len != 40 && key_len != 16))
		return;
	memset(want, '-', sizeof(want));
	memcpy(want, key, key_len);
	hi = index->len / KEYINDEX_RECORD;
	while (lo < hi) {	/* the first record >= want */
		size_t mid = lo + (hi - lo) / 2;

		if (memcmp(index->map + mid * KEYINDEX_RECORD, want,
			   KEYINDEX_KEY) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i < index->len / KEYINDEX_RECORD; i++) {
		const unsigned char *rec = index->map + i * KEYINDEX_RECORD;
		size_t plen = KEYINDEX_PATH;

		if (memcmp(rec, want, KEYINDEX_KEY) != 0)
			break;
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
