/* store: merge requests read from the data branch's objects (SPEC 7) */
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/quote.h"

/* A title or target longer than this is not a line anyone wrote. */
#define STORE_LINE_MAX 4096u

static void store_warn(struct store *store, const char *path, const char *why)
{
	if (store->warnings == NULL)
		return;
	quote_controls(store->warnings, path, strlen(path));
	buf_printf(store->warnings, ": %s\n", why);
}

/* The same for dir/name, formatted only when there is something to say. */
static void store_warn_at(struct store *store, const char *dir,
			  const char *name, const char *why)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	store_warn(store, path, why);
}

static int store_git_error(struct err *err, const char *what)
{
	const git_error *e = git_error_last();

	return err_set(err, "%s: %s", what, e ? e->message : "unknown error");
}

int store_open(struct store *store, git_repository *repo,
	       const git_oid *commit, struct buf *warnings, struct err *err)
{
	git_commit *c = NULL;
	const git_tree_entry *entry;

	memset(store, 0, sizeof(*store));
	store->repo = repo;
	store->warnings = warnings;
	if (git_repository_odb(&store->odb, repo) < 0)
		return store_git_error(err, "cannot open the object store");
	if (commit == NULL)
		return 0;
	if (git_commit_lookup(&c, repo, commit) < 0 ||
	    git_commit_tree(&store->root, c) < 0) {
		git_commit_free(c);
		store_close(store);
		return store_git_error(err, "cannot read " STORE_DATA_REF);
	}
	git_commit_free(c);
	entry = git_tree_entry_byname(store->root, "merge-reqs");
	if (entry == NULL)
		return 0;
	if (git_tree_entry_filemode(entry) != GIT_FILEMODE_TREE) {
		store_warn(store, "merge-reqs", "not a directory; ignored");
		return 0;
	}
	if (git_tree_lookup(&store->reqs, repo, git_tree_entry_id(entry)) < 0) {
		store_close(store);
		return store_git_error(err, "cannot read merge-reqs/");
	}
	return 0;
}

void store_close(struct store *store)
{
	size_t i, j;

	for (i = 0; i < store->nlines; i++)
		free(store->lines[i].text);
	for (i = 0; i < store->nlabel_sets; i++) {
		for (j = 0; j < store->label_sets[i].count; j++)
			free(store->label_sets[i].labels[j]);
		free(store->label_sets[i].labels);
	}
	store->nlines = store->nlabel_sets = 0;
	git_tree_free(store->user_tree);
	git_tree_free(store->reqs);
	git_tree_free(store->root);
	git_odb_free(store->odb);
	store->reqs = store->root = store->user_tree = NULL;
	store->user[0] = '\0';
	store->odb = NULL;
}

/* The subtree at name of tree when it is a directory; NULL otherwise. */
static git_tree *store_subtree(struct store *store, const git_tree *tree,
			       const char *name, int *error)
{
	const git_tree_entry *entry = git_tree_entry_byname(tree, name);
	git_tree *sub = NULL;

	*error = 0;
	if (entry == NULL || git_tree_entry_filemode(entry) != GIT_FILEMODE_TREE)
		return NULL;
	if (git_tree_lookup(&sub, store->repo, git_tree_entry_id(entry)) < 0)
		*error = -1;
	return sub;
}

/* n in decimal into out (at least 21 bytes), NUL-terminated. */
static void store_decimal(char *out, unsigned long n)
{
	char digits[21];
	size_t len = 0;

	do
		digits[len++] = (char)('0' + n % 10);
	while ((n /= 10) != 0);
	while (len > 0)
		*out++ = digits[--len];
	*out = '\0';
}

static int store_n_cmp(const void *a, const void *b)
{
	const struct store_id *x = a, *y = b;

	return x->n < y->n ? -1 : x->n > y->n;
}

/* Append the requests of one user's directory. */
static int store_list_user(struct store *store, const git_tree_entry *dir,
			   struct store_id **ids, size_t *count,
			   size_t *alloc, struct err *err)
{
	const char *user = git_tree_entry_name(dir);
	git_tree *tree = NULL;
	size_t i, n;

	if (!userid_is_valid(user, strlen(user)) ||
	    git_tree_entry_filemode(dir) != GIT_FILEMODE_TREE) {
		char path[128];

		snprintf(path, sizeof(path), "merge-reqs/%.64s", user);
		store_warn(store, path,
			   "not a user id's directory; ignored");
		return 0;
	}
	if (git_tree_lookup(&tree, store->repo, git_tree_entry_id(dir)) < 0)
		return store_git_error(err, "cannot read merge-reqs/");
	n = git_tree_entrycount(tree);
	for (i = 0; i < n; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(tree, i);
		const char *name = git_tree_entry_name(e);

		if (!comment_number_valid(name, strlen(name)) ||
		    git_tree_entry_filemode(e) != GIT_FILEMODE_TREE)
			continue;	/* shown by show, not by every list */
		if (*count == *alloc) {
			size_t grow = *alloc ? *alloc * 2 : 64;
			struct store_id *more =
				realloc(*ids, grow * sizeof(**ids));

			if (more == NULL) {
				git_tree_free(tree);
				return err_set(err, "out of memory");
			}
			*ids = more;
			*alloc = grow;
		}
		memcpy((*ids)[*count].user, user, USERID_LEN + 1);
		(*ids)[*count].n = strtoul(name, NULL, 10);
		(*count)++;
	}
	git_tree_free(tree);
	return 0;
}

int store_list(struct store *store, const char *user, struct store_id **out,
	       size_t *count, struct err *err)
{
	size_t i, n, alloc = 0;

	*out = NULL;
	*count = 0;
	if (store->reqs == NULL)
		return 0;
	n = git_tree_entrycount(store->reqs);
	for (i = 0; i < n; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(store->reqs, i);

		if (user != NULL && strcmp(git_tree_entry_name(e), user) != 0)
			continue;
		if (store_list_user(store, e, out, count, &alloc, err) < 0) {
			free(*out);
			*out = NULL;
			*count = 0;
			return -1;
		}
	}
	/*
	 * User directories come in tree order, which for names of one
	 * length is strcmp order: only each user's numbers need sorting
	 * ("10" sorts before "9" in a tree).
	 */
	for (i = 0; i < *count;) {
		size_t j = i + 1;

		while (j < *count && strcmp((*out)[j].user, (*out)[i].user) == 0)
			j++;
		if (j - i > 1)
			qsort(*out + i, j - i, sizeof(**out), store_n_cmp);
		i = j;
	}
	return 0;
}

int store_authors(struct store *store, char (**out)[USERID_LEN + 1],
		  size_t *count, struct err *err)
{
	size_t i, n = store->reqs ? git_tree_entrycount(store->reqs) : 0;

	*count = 0;
	if ((*out = calloc(n ? n : 1, sizeof(**out))) == NULL)
		return err_set(err, "out of memory");
	for (i = 0; i < n; i++) {
		const char *name =
			git_tree_entry_name(git_tree_entry_byindex(store->reqs, i));

		if (userid_is_valid(name, strlen(name)))
			memcpy((*out)[(*count)++], name, USERID_LEN + 1);
	}
	return 0;
}

/*
 * The content of a regular blob of at most max bytes, NUL-terminated, in
 * *out (malloc'd); 1 with a warning when the entry is of another kind or
 * too large, 0 when read, -1 on error.
 */
static int store_read_blob(struct store *store, const git_tree_entry *entry,
			   const char *dir, size_t max, char **out,
			   size_t *len, struct err *err)
{
	git_filemode_t mode = git_tree_entry_filemode(entry);
	git_odb_object *obj = NULL;
	git_object_t type;
	size_t size;

	*out = NULL;
	if (mode != GIT_FILEMODE_BLOB && mode != GIT_FILEMODE_BLOB_EXECUTABLE) {
		store_warn_at(store, dir, git_tree_entry_name(entry),
			      "not a regular file; ignored");
		return 1;
	}
	/* the size first: a huge blob costs nothing */
	if (git_odb_read_header(&size, &type, store->odb,
				git_tree_entry_id(entry)) < 0)
		return store_git_error(err, "cannot read a blob");
	if (size > max) {
		store_warn_at(store, dir, git_tree_entry_name(entry),
			      "too large; ignored");
		return 1;
	}
	if (git_odb_read(&obj, store->odb, git_tree_entry_id(entry)) < 0)
		return store_git_error(err, "cannot read a blob");
	if ((*out = malloc(size + 1)) == NULL) {
		git_odb_object_free(obj);
		return err_set(err, "out of memory");
	}
	memcpy(*out, git_odb_object_data(obj), size);
	(*out)[size] = '\0';
	*len = size;
	git_odb_object_free(obj);
	return 0;
}

static void store_cache_line(struct store *store, const git_oid *id,
			     const char *text)
{
	char *copy = strdup(text);
	size_t i;

	if (copy == NULL)
		return;		/* a cache, not a promise */
	if (store->nlines < STORE_CACHE) {
		i = store->nlines++;
	} else {
		i = store->next_line++ % STORE_CACHE;
		free(store->lines[i].text);
	}
	git_oid_cpy(&store->lines[i].id, id);
	store->lines[i].text = copy;
}

/* title and target: one line, no NUL, the newline dropped. */
static int store_read_line(struct store *store, const git_tree *req,
			   const char *dir, const char *name, char **out,
			   struct err *err)
{
	const git_tree_entry *entry = git_tree_entry_byname(req, name);
	char *nl;
	size_t len;
	int status;

	size_t i, warned = store->warnings ? store->warnings->len : 0;

	*out = NULL;
	if (entry == NULL) {
		store_warn_at(store, dir, name, "missing");
		return 0;
	}
	if (git_tree_entry_filemode(entry) == GIT_FILEMODE_BLOB)
		for (i = 0; i < store->nlines; i++)
			if (git_oid_equal(&store->lines[i].id,
					  git_tree_entry_id(entry)))
				return (*out = strdup(store->lines[i].text))
					       ? 0
					       : err_set(err, "out of memory");
	status = store_read_blob(store, entry, dir, STORE_LINE_MAX, out, &len,
				 err);
	if (status != 0)
		return status < 0 ? -1 : 0;
	if (memchr(*out, '\0', len) != NULL) {
		store_warn_at(store, dir, name, "holds a NUL byte; ignored");
		free(*out);
		*out = NULL;
		return 0;
	}
	if ((nl = strchr(*out, '\n')) != NULL) {
		if (nl[1] != '\0')
			store_warn_at(store, dir, name,
				      "more than one line; the first is used");
		*nl = '\0';
	}
	if (**out == '\0') {
		store_warn_at(store, dir, name, "empty");
		free(*out);
		*out = NULL;
	}
	/* only what read cleanly: a warning is said for each request */
	if (*out != NULL && git_tree_entry_filemode(entry) == GIT_FILEMODE_BLOB &&
	    (store->warnings ? store->warnings->len : 0) == warned)
		store_cache_line(store, git_tree_entry_id(entry), *out);
	return 0;
}

bool store_label_name_valid(const char *s)
{
	size_t i, len = strlen(s);

	if (len == 0 || len > 64 || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch <= ' ' || ch == 0x7f || ch == '/' || ch == '\\')
			return false;
	}
	return true;
}

static int store_label_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int store_copy_labels(struct request *out, char *const *labels,
			     size_t count, struct err *err)
{
	size_t i;

	if ((out->labels = calloc(count ? count : 1, sizeof(char *))) == NULL)
		return err_set(err, "out of memory");
	for (i = 0; i < count; i++) {
		if ((out->labels[i] = strdup(labels[i])) == NULL)
			return err_set(err, "out of memory");
		out->nlabels++;
	}
	return 0;
}

static void store_cache_labels(struct store *store, const git_oid *id,
			       const struct request *req)
{
	struct request copy = {0};
	size_t i, j;

	if (store_copy_labels(&copy, req->labels, req->nlabels, NULL) < 0) {
		request_dispose(&copy);
		return;		/* a cache, not a promise */
	}
	if (store->nlabel_sets < STORE_CACHE) {
		i = store->nlabel_sets++;
	} else {
		i = store->next_label_set++ % STORE_CACHE;
		for (j = 0; j < store->label_sets[i].count; j++)
			free(store->label_sets[i].labels[j]);
		free(store->label_sets[i].labels);
	}
	git_oid_cpy(&store->label_sets[i].id, id);
	store->label_sets[i].labels = copy.labels;
	store->label_sets[i].count = copy.nlabels;
}

/*
 * The id of the blob "/labels/<name>": a label symlink is right exactly
 * when its blob has this id, so no symlink blob is ever read.  Whether the
 * label exists goes into *exists.  A few labels cover nearly every
 * request: both answers are remembered.
 */
static int store_label_id(struct store *store, const char *name,
			  git_oid *out, bool *exists)
{
	char want[96];
	size_t i, len;

	for (i = 0; i < store->nlabel_ids; i++)
		if (strcmp(store->label_ids[i].name, name) == 0) {
			git_oid_cpy(out, &store->label_ids[i].id);
			*exists = store->label_ids[i].exists;
			return 0;
		}
	len = (size_t)snprintf(want, sizeof(want), "/labels/%s", name);
	if (git_odb_hash(out, want, len, GIT_OBJECT_BLOB) < 0)
		return -1;
	*exists = store_label_exists(store, name);
	if (store->nlabel_ids < STORE_LABEL_IDS) {
		i = store->nlabel_ids++;
		snprintf(store->label_ids[i].name,
			 sizeof(store->label_ids[i].name), "%s", name);
		git_oid_cpy(&store->label_ids[i].id, out);
		store->label_ids[i].exists = *exists;
	}
	return 0;
}

/* "<dir>/labels" into path[256], once: only warnings need it. */
static const char *store_labels_dir(char path[256], const char *dir)
{
	if (path[0] == '\0')
		snprintf(path, 256, "%s/labels", dir);
	return path;
}

/* labels/<label>: symlinks whose target is exactly /labels/<label>. */
static int store_read_labels(struct store *store, const git_tree *req,
			     const char *dir, struct request *out,
			     struct err *err)
{
	const git_tree_entry *le = git_tree_entry_byname(req, "labels");
	size_t i, n, warned = store->warnings ? store->warnings->len : 0;
	git_tree *labels;
	int error;
	char path[256];

	if (le != NULL && git_tree_entry_filemode(le) == GIT_FILEMODE_TREE)
		for (i = 0; i < store->nlabel_sets; i++)
			if (git_oid_equal(&store->label_sets[i].id,
					  git_tree_entry_id(le)))
				return store_copy_labels(
					out, store->label_sets[i].labels,
					store->label_sets[i].count, err);
	labels = store_subtree(store, req, "labels", &error);
	if (error)
		return store_git_error(err, "cannot read labels");
	if (labels == NULL) {
		if (git_tree_entry_byname(req, "labels") != NULL)
			store_warn_at(store, dir, "labels",
				      "not a directory; ignored");
		return 0;
	}
	n = git_tree_entrycount(labels);
	if ((out->labels = calloc(n ? n : 1, sizeof(char *))) == NULL) {
		git_tree_free(labels);
		return err_set(err, "out of memory");
	}
	/* the directory's path, for warnings only */
	path[0] = '\0';
	for (i = 0; i < n; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(labels, i);
		const char *name = git_tree_entry_name(e);
		git_oid want;
		bool exists;

		if (git_tree_entry_filemode(e) != GIT_FILEMODE_LINK) {
			store_warn_at(store, store_labels_dir(path, dir), name,
				      "not a symlink; ignored");
			continue;
		}
		if (!store_label_name_valid(name)) {
			store_warn_at(store, store_labels_dir(path, dir), name,
				      "not a label name; ignored");
			continue;
		}
		if (store_label_id(store, name, &want, &exists) < 0) {
			git_tree_free(labels);
			return store_git_error(err, "cannot hash a label");
		}
		if (!git_oid_equal(&want, git_tree_entry_id(e))) {
			store_warn_at(store, store_labels_dir(path, dir), name,
				      "does not point at its own /labels/ "
				      "entry; ignored");
			continue;
		}
		/* dangling: a label exists only by its description, which
		 * maintainers write, so an author cannot invent one */
		if (!exists) {
			store_warn_at(store, store_labels_dir(path, dir), name,
				      "no such label (labels/ has no "
				      "description of it); ignored");
			continue;
		}
		if ((out->labels[out->nlabels] = strdup(name)) == NULL) {
			git_tree_free(labels);
			return err_set(err, "out of memory");
		}
		out->nlabels++;
	}
	git_tree_free(labels);
	qsort(out->labels, out->nlabels, sizeof(char *), store_label_cmp);
	if ((store->warnings ? store->warnings->len : 0) == warned)
		store_cache_labels(store, git_tree_entry_id(le), out);
	return 0;
}

static int store_comment_cmp(const void *a, const void *b)
{
	const struct request_comment *x = a, *y = b;
	const char *dx = x->c.date ? x->c.date : "";
	const char *dy = y->c.date ? y->c.date : "";
	int c = strcmp(dx, dy);

	if (c)
		return c;
	if ((c = strcmp(x->user, y->user)))
		return c;
	return x->k < y->k ? -1 : x->k > y->k;
}

static int store_add_comment(struct store *store, struct request *out,
			     size_t *alloc, const char *user,
			     const git_tree_entry *e, const char *dir,
			     struct err *err)
{
	struct request_comment *rc;
	struct buf why = BUF_INIT;
	const char *name = git_tree_entry_name(e);
	char *text;
	size_t len;
	int status;

	if (!comment_number_valid(name, strlen(name))) {
		store_warn_at(store, dir, name,
			      "not a comment number; ignored");
		return 0;
	}
	/*
	 * Anyone may add comments to any request, and many entries may name
	 * one large blob: a reader's memory is bounded per request.
	 */
	if (out->ncomments >= STORE_COMMENTS_MAX ||
	    out->comment_bytes >= STORE_COMMENT_BYTES_MAX) {
		if (!out->comments_cut)
			store_warn_at(store, dir, name,
				      "too many comments on this request; "
				      "this one and the rest are ignored");
		out->comments_cut = true;
		return 0;
	}
	status = store_read_blob(store, e, dir, COMMENT_MAX, &text, &len,
				 err);
	if (status != 0)
		return status < 0 ? -1 : 0;
	if (out->ncomments == *alloc) {
		size_t grow = *alloc ? *alloc * 2 : 16;
		struct request_comment *more =
			realloc(out->comments, grow * sizeof(*more));

		if (more == NULL) {
			free(text);
			return err_set(err, "out of memory");
		}
		out->comments = more;
		*alloc = grow;
	}
	rc = &out->comments[out->ncomments++];
	memset(rc, 0, sizeof(*rc));
	memcpy(rc->user, user, USERID_LEN + 1);
	rc->k = strtoul(name, NULL, 10);
	rc->text = text;
	out->comment_bytes += len;
	rc->well_formed = comment_parse(&rc->c, text, len, &why);
	if (!rc->well_formed) {
		buf_puts(&why, "; shown as plain text");
		store_warn_at(store, dir, name, buf_cstr(&why));
	}
	buf_dispose(&why);
	return 0;
}

static int store_read_comments(struct store *store, const git_tree *req,
			       const char *dir, struct request *out,
			       struct err *err)
{
	git_tree *comments, *mine = NULL;
	size_t i, j, n, alloc = 0;
	int error, status = -1;
	char path[256];

	comments = store_subtree(store, req, "comments", &error);
	if (error)
		return store_git_error(err, "cannot read comments");
	if (comments == NULL)
		return 0;
	n = git_tree_entrycount(comments);
	for (i = 0; i < n; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(comments, i);
		const char *user = git_tree_entry_name(e);

		snprintf(path, sizeof(path), "%s/comments/%.64s", dir, user);
		if (!userid_is_valid(user, strlen(user)) ||
		    git_tree_entry_filemode(e) != GIT_FILEMODE_TREE) {
			store_warn(store, path,
				   "not a user id's directory; ignored");
			continue;
		}
		if (git_tree_lookup(&mine, store->repo,
				    git_tree_entry_id(e)) < 0) {
			store_git_error(err, "cannot read comments");
			goto done;
		}
		for (j = 0; j < git_tree_entrycount(mine); j++)
			if (store_add_comment(store, out, &alloc, user,
					      git_tree_entry_byindex(mine, j),
					      path, err) < 0)
				goto done;
		git_tree_free(mine);
		mine = NULL;
	}
	/* no comment read: out->comments is NULL, which qsort may not get */
	if (out->ncomments > 1)
		qsort(out->comments, out->ncomments, sizeof(*out->comments),
		      store_comment_cmp);
	status = 0;
done:
	git_tree_free(mine);
	git_tree_free(comments);
	return status;
}

/* The tree of merge-reqs/<user>/<n>, or NULL (*error set on failure). */
static git_tree *store_request_tree(struct store *store,
				    const struct store_id *id, int *error)
{
	char name[16];

	*error = 0;
	if (store->reqs == NULL)
		return NULL;
	if (store->user_tree == NULL || strcmp(store->user, id->user) != 0) {
		git_tree_free(store->user_tree);
		store->user[0] = '\0';
		store->user_tree = store_subtree(store, store->reqs, id->user,
						 error);
		if (store->user_tree == NULL)
			return NULL;
		memcpy(store->user, id->user, USERID_LEN + 1);
	}
	store_decimal(name, id->n);
	return store_subtree(store, store->user_tree, name, error);
}

int store_read(struct store *store, const struct store_id *id,
	       unsigned flags, struct request *out, struct err *err)
{
	git_tree *req;
	char dir[96];
	int error;

	memset(out, 0, sizeof(*out));
	out->id = *id;
	req = store_request_tree(store, id, &error);
	if (error)
		return store_git_error(err, "cannot read merge-reqs/");
	if (req == NULL)
		return GIT_ENOTFOUND;
	/* formatted for every request that list reads: no printf */
	memcpy(dir, "merge-reqs/", 11);
	memcpy(dir + 11, id->user, USERID_LEN);
	dir[11 + USERID_LEN] = '/';
	store_decimal(dir + 12 + USERID_LEN, id->n);
	if (store_read_line(store, req, dir, "title", &out->title, err) < 0 ||
	    store_read_line(store, req, dir, "target", &out->target, err) < 0 ||
	    store_read_labels(store, req, dir, out, err) < 0 ||
	    ((flags & STORE_COMMENTS) &&
	     store_read_comments(store, req, dir, out, err) < 0)) {
		git_tree_free(req);
		request_dispose(out);
		return -1;
	}
	git_tree_free(req);
	return 0;
}

void request_dispose(struct request *req)
{
	size_t i;

	free(req->title);
	free(req->target);
	for (i = 0; i < req->nlabels; i++)
		free(req->labels[i]);
	free(req->labels);
	for (i = 0; i < req->ncomments; i++)
		free(req->comments[i].text);
	free(req->comments);
	memset(req, 0, sizeof(*req));
}

void request_drop_comments(struct request *req)
{
	size_t i;

	for (i = 0; i < req->ncomments; i++)
		free(req->comments[i].text);
	free(req->comments);
	req->comments = NULL;
	req->ncomments = 0;
	req->comment_bytes = 0;
}

bool request_has_label(const struct request *req, const char *label)
{
	size_t i;

	for (i = 0; i < req->nlabels; i++)
		if (strcmp(req->labels[i], label) == 0)
			return true;
	return false;
}

const char *request_state(const struct request *req)
{
	if (request_has_label(req, "merged"))
		return "merged";
	if (request_has_label(req, "closed"))
		return "closed";
	return "open";
}

/* The largest number-named entry of tree (any type) plus one. */
static unsigned long store_next_in(const git_tree *tree)
{
	unsigned long max = 0;
	size_t i, n = tree ? git_tree_entrycount(tree) : 0;

	for (i = 0; i < n; i++) {
		const char *name =
			git_tree_entry_name(git_tree_entry_byindex(tree, i));
		unsigned long v;

		if (!comment_number_valid(name, strlen(name)))
			continue;
		v = strtoul(name, NULL, 10);
		if (v > max)
			max = v;
	}
	return max + 1;
}

int store_next_number(struct store *store, const char *user,
		      unsigned long *out, struct err *err)
{
	git_tree *mine = NULL;
	int error = 0;

	if (store->reqs != NULL)
		mine = store_subtree(store, store->reqs, user, &error);
	if (error)
		return store_git_error(err, "cannot read merge-reqs/");
	*out = store_next_in(mine);
	git_tree_free(mine);
	if (*out > 999999999ul)
		return err_set(err, "no request numbers left");
	return 0;
}

int store_next_comment(struct store *store, const struct store_id *id,
		       const char *commenter, unsigned long *out,
		       struct err *err)
{
	git_tree *req, *comments = NULL, *mine = NULL;
	int error;

	req = store_request_tree(store, id, &error);
	if (!error && req)
		comments = store_subtree(store, req, "comments", &error);
	if (!error && comments)
		mine = store_subtree(store, comments, commenter, &error);
	*out = store_next_in(mine);
	git_tree_free(mine);
	git_tree_free(comments);
	git_tree_free(req);
	if (error)
		return store_git_error(err, "cannot read comments");
	if (*out > 999999999ul)
		return err_set(err, "no comment numbers left");
	return 0;
}

bool store_has_path(struct store *store, const char *path)
{
	git_tree_entry *entry = NULL;
	bool found;

	if (store->root == NULL)
		return false;
	found = git_tree_entry_bypath(&entry, store->root, path) == 0;
	git_tree_entry_free(entry);
	return found;
}

bool store_label_exists(struct store *store, const char *label)
{
	git_tree_entry *entry = NULL;
	char path[128];
	bool found;

	if (store->root == NULL || !store_label_name_valid(label))
		return false;
	snprintf(path, sizeof(path), "labels/%s/description", label);
	found = git_tree_entry_bypath(&entry, store->root, path) == 0 &&
		(git_tree_entry_filemode(entry) == GIT_FILEMODE_BLOB ||
		 git_tree_entry_filemode(entry) ==
			 GIT_FILEMODE_BLOB_EXECUTABLE);
	git_tree_entry_free(entry);
	return found;
}
