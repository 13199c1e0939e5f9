/* keychange: what a push to the policy may do to keys/ and banned/ (SPEC 2) */
#include "keychange.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../common/quote.h"
#include "../policy/keypath.h"
#include "../policy/op.h"
#include "../adapters/keyfile.h"
#include "../adapters/keylookup.h"
#include "../adapters/treediff.h"

void keychange_problems_dispose(struct keychange_problems *problems)
{
	size_t i;

	for (i = 0; i < problems->n; i++)
		free(problems->items[i]);
	problems->n = 0;
}

/* a callback's value once the list of problems is full */
#define KEYCHANGE_ENOUGH (-2)

struct keychange {
	git_repository *repo;
	const struct keychange_options *opts;
	git_tree *old_tree, *new_tree;	/* old_tree NULL: a creation */
	struct keychange_problems *out;
	struct err *err;
};

static int keychange_git_error(struct err *err, const char *what)
{
	const git_error *e = git_error_last();

	return err_set(err, "%s: %s", what,
		       e && e->message ? e->message : "unknown error");
}

/* "<path> <what>", the path escaped as git quotes it. */
static int keychange_problem(struct keychange *kc, const char *path,
			     size_t len, const char *what)
{
	struct buf line = BUF_INIT;

	if (kc->out->n == KEYCHANGE_MAX_PROBLEMS)
		return KEYCHANGE_ENOUGH;
	if (quote_path(&line, path, len) < 0 ||
	    buf_printf(&line, " %s", what) < 0 ||
	    (kc->out->items[kc->out->n] = buf_detach(&line)) == NULL) {
		buf_dispose(&line);
		return err_set(kc->err, "out of memory");
	}
	kc->out->n++;
	/* enough to deny: walking the rest of a huge push proves nothing */
	return kc->out->n == KEYCHANGE_MAX_PROBLEMS ? KEYCHANGE_ENOUGH : 0;
}

static bool keychange_is_owner(const struct keychange *kc, const char *id)
{
	size_t i;

	for (i = 0; i < kc->opts->nowners; i++)
		if (strcmp(kc->opts->owners[i], id) == 0)
			return true;
	return false;
}

/* A created or changed key file, read from the new tree. */
static int keychange_key_file(struct keychange *kc, const char *path,
			      size_t len, const char *id)
{
	struct keylookup_file now, before;
	struct buf data = BUF_INIT, old = BUF_INIT, problem = BUF_INIT;
	struct keyfile_info info;
	struct err why = {""};
	bool grows = false;
	int rc, error = -1;

	rc = keylookup_key_file(&now, kc->new_tree, id, &why);
	if (rc <= 0) {
		/* both layouts, or not a regular file */
		error = keychange_problem(kc, path, len,
					  rc < 0 ? why.msg : "is missing");
		goto done;
	}
	if (keylookup_read(&data, kc->repo, &now.blob, kc->err) < 0)
		goto done;
	if (keyfile_parse(&info, data.ptr ? data.ptr : "", data.len,
			  &problem) < 0)
		goto oom;
	if (problem.len == 0 && strcmp(info.fprs[0], id) != 0 &&
	    buf_printf(&problem, "holds the key %s, not %s", info.fprs[0],
		       id) < 0)
		goto oom;
	if (problem.len > 0) {
		error = keychange_problem(kc, path, len, buf_cstr(&problem));
		goto done;
	}
	/* a key file only grows, also across layouts (SPEC 2) */
	if (kc->old_tree != NULL &&
	    (rc = keylookup_key_file(&before, kc->old_tree, id, &why)) > 0) {
		if (keylookup_read(&old, kc->repo, &before.blob, kc->err) < 0)
			goto done;
		if (keyfile_grows(&grows, old.ptr ? old.ptr : "", old.len,
				  data.ptr, data.len) < 0)
			goto oom;
		if (!grows) {
			error = keychange_problem(
				kc, path, len,
				"drops packets of the key file it replaces "
				"(a key file only grows: a revocation stays)");
			goto done;
		}
	}
	error = 0;
	goto done;
oom:
	err_set(kc->err, "out of memory");
done:
	buf_dispose(&problem);
	buf_dispose(&old);
	buf_dispose(&data);
	return error;
}

static int keychange_keys(struct keychange *kc, unsigned ops,
			  const char *path, size_t len)
{
	char id[USERID_LEN + 1];
	enum keypath_kind kind = keypath_parse(path, len, id);

	if (ops & OP_CREATE_DIRECTORY) {
		if (len != 7 || !userid_is_valid_prefix(path + 5, 2))
			return keychange_problem(
				kc, path, len,
				"is not a keys/<aa>/ directory (two "
				"upper-case hex digits)");
		ops &= ~(unsigned)OP_CREATE_DIRECTORY;
	}
	if (ops & (OP_CREATE_SYMLINK | OP_CREATE_GITLINK))
		return keychange_problem(kc, path, len,
					 "must be a regular file");
	if (!(ops & (OP_CREATE_FILE | OP_MODIFY)))
		return 0;	/* deletions are the rules' to allow */
	if (kind == KEYPATH_NONE)
		return keychange_problem(kc, path, len,
					 "is not named keys/<aa>/<ID>.asc "
					 "(<ID> the key's 40 upper-case hex "
					 "fingerprint, <aa> its first two "
					 "digits)");
	if (kind == KEYPATH_FLAT && (ops & OP_CREATE_FILE))
		return keychange_problem(kc, path, len,
					 "is in the older flat layout: new key "
					 "files go to keys/<aa>/<ID>.asc");
	return keychange_key_file(kc, path, len, id);
}

static int keychange_banned(struct keychange *kc, unsigned ops,
			    const char *path, size_t len)
{
	char id[USERID_LEN + 1];
	git_tree_entry *entry = NULL;
	bool regular;

	if (ops & (OP_CREATE_DIRECTORY | OP_CREATE_SYMLINK | OP_CREATE_GITLINK))
		return keychange_problem(kc, path, len,
					 "must be a regular file banned/<ID>");
	if (!(ops & (OP_CREATE_FILE | OP_MODIFY)))
		return 0;
	if (keypath_parse(path, len, id) != KEYPATH_BANNED)
		return keychange_problem(kc, path, len,
					 "is not named banned/<ID> (<ID> 40 "
					 "upper-case hex digits)");
	if (git_tree_entry_bypath(&entry, kc->new_tree, path) < 0)
		return keychange_git_error(kc->err, "cannot read the policy");
	regular = git_tree_entry_filemode(entry) == GIT_FILEMODE_BLOB;
	git_tree_entry_free(entry);
	if (!regular)
		return keychange_problem(kc, path, len,
					 "must be a regular file (mode 100644)");
	if (keychange_is_owner(kc, id))
		return keychange_problem(kc, path, len,
					 "bans an owner (gitapps.owner): a ban "
					 "never applies to an owner");
	return 0;
}

static int keychange_path(unsigned ops, const char *path, size_t len,
			  void *payload)
{
	struct keychange *kc = payload;

	if (len > 5 && memcmp(path, "keys/", 5) == 0)
		return keychange_keys(kc, ops, path, len);
	if (len > 7 && memcmp(path, "banned/", 7) == 0)
		return keychange_banned(kc, ops, path, len);
	return 0;
}

int keychange_check(struct keychange_problems *out, git_repository *repo,
		    const git_oid *old_commit, const git_oid *new_commit,
		    const struct keychange_options *opts, struct err *err)
{
	struct keychange kc = {repo, opts, NULL, NULL, out, err};
	struct treediff_options topts = {opts->max_entries, opts->deadline, 0};
	struct treediff *td = NULL;
	git_odb *odb = NULL;
	int rc, error = -1;

	keylookup_cache_begin();
	if ((!git_oid_is_zero(old_commit) &&
	     keylookup_policy_tree(&kc.old_tree, repo, old_commit, err) < 0) ||
	    keylookup_policy_tree(&kc.new_tree, repo, new_commit, err) < 0)
		goto done;
	if (git_repository_odb(&odb, repo) < 0) {
		keychange_git_error(err, "cannot open the object database");
		goto done;
	}
	if (treediff_new(&td, odb, &topts, err) < 0)
		goto done;
	rc = treediff_compare(td, git_tree_id(kc.new_tree),
			      kc.old_tree ? git_tree_id(kc.old_tree) : NULL,
			      kc.old_tree ? 1 : 0, keychange_path, &kc, err);
	if (rc < 0 && rc != KEYCHANGE_ENOUGH)
		goto done;
	error = 0;
done:
	keylookup_cache_end();
	treediff_free(td);
	git_odb_free(odb);
	git_tree_free(kc.new_tree);
	git_tree_free(kc.old_tree);
	return error;
}
