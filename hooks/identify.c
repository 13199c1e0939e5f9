/* identify: who signed the push certificate (SPEC 2), with nothing listed */
#include "identify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/buf.h"
#include "../policy/keypath.h"
#include "../policy/op.h"
#include "../policy/policy.h"
#include "../adapters/keyfile.h"
#include "../adapters/keyindex.h"
#include "../adapters/keylookup.h"
#include "../adapters/keyring.h"
#include "../adapters/treediff.h"

/* More candidates than this for a 64-bit key id is an attack. */
#define IDENTIFY_MAX_CANDIDATES 8u

/* Key files to try, in order, with their contents. */
struct identify_candidates {
	struct keylookup_file files[IDENTIFY_MAX_CANDIDATES + 1];
	struct buf data[IDENTIFY_MAX_CANDIDATES + 1];
	char blobs[IDENTIFY_MAX_CANDIDATES + 1][GIT_OID_HEXSZ + 1];
	size_t n;
	bool banned;		/* a candidate was left out for a ban */
};

static void identify_candidates_dispose(struct identify_candidates *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		buf_dispose(&c->data[i]);
	c->n = 0;
}

static int identify_git_error(struct err *err, const char *what)
{
	const git_error *e = git_error_last();

	return err_set(err, "%s: %s", what,
		       e && e->message ? e->message : "unknown error");
}

static bool identify_is_owner(const struct identify_input *in, const char *id)
{
	size_t i;

	for (i = 0; i < in->nowners; i++)
		if (strcmp(in->owners[i], id) == 0)
			return true;
	return false;
}

/*
 * Add file as a candidate unless it is one already; an id banned in
 * ban_tree (the current policy's, when there is one), never an owner, is
 * left out, remembered for the message.
 */
static int identify_add(struct identify_candidates *c,
			const struct identify_input *in,
			const git_tree *ban_tree,
			const struct keylookup_file *file, struct err *err)
{
	size_t i;
	int banned;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->files[i].path, file->path) == 0)
			return 0;
	if (c->n > IDENTIFY_MAX_CANDIDATES)
		return err_set(err, "more than %u key files hold the "
				    "signature's key id: sign with a key "
				    "named by its full fingerprint",
			       IDENTIFY_MAX_CANDIDATES);
	if (!identify_is_owner(in, file->id)) {
		if ((banned = keylookup_is_banned(ban_tree, file->id, err)) <
		    0)
			return -1;
		if (banned) {
			c->banned = true;
			return 0;
		}
	}
	c->files[c->n] = *file;
	buf_init(&c->data[c->n]);
	git_oid_tostr(c->blobs[c->n], GIT_OID_HEXSZ + 1, &file->blob);
	c->n++;
	return keylookup_read(&c->data[c->n - 1], in->repo, &file->blob, err);
}

/* The file a path of the index names, as the tree has it now. */
static int identify_add_path(struct identify_candidates *c,
			     const struct identify_input *in,
			     const git_tree *tree, const char *path,
			     struct err *err)
{
	struct keylookup_file file;
	git_tree_entry *entry = NULL;

	if (keypath_parse(path, strlen(path), file.id) == KEYPATH_NONE)
		return 0;
	if (git_tree_entry_bypath(&entry, tree, path) < 0)
		return 0;	/* the index is of this tree: cannot happen */
	snprintf(file.path, sizeof(file.path), "%s", path);
	git_oid_cpy(&file.blob, git_tree_entry_id(entry));
	git_tree_entry_free(entry);
	return identify_add(c, in, tree, &file, err);
}

/* The key file named by the issuer fingerprint F, found by path. */
static int identify_by_path(struct identify_candidates *c,
			    const struct identify_input *in,
			    const git_tree *tree, struct err *err)
{
	struct keylookup_file file;
	int rc;

	if (in->cert->issuer_fpr[0] == '\0')
		return 0;
	if ((rc = keylookup_key_file(&file, tree, in->cert->issuer_fpr,
				     err)) < 0)
		return -1;
	return rc > 0 ? identify_add(c, in, tree, &file, err) : 0;
}

/*
 * The other candidates (SPEC 2): files in which F is a back-signed
 * signing subkey or, for a signature naming only a 64-bit key id, every
 * file holding it, through the key index; the file named by F (skip) is
 * not taken twice.
 */
static int identify_by_index(struct identify_candidates *c,
			     const struct identify_input *in,
			     const git_tree *tree, const char *skip,
			     struct err *err)
{
	const struct cert *cert = in->cert;
	const git_tree_entry *keys = git_tree_entry_byname(tree, "keys");
	struct keyindex_options opts = {KEYINDEX_HOOK_MAX_CHANGES};
	struct keyindex *index = NULL;
	char paths[IDENTIFY_MAX_CANDIDATES + 1][KEYPATH_SIZE];
	size_t i, n;
	int error = -1;

	if (keys == NULL || git_tree_entry_filemode(keys) != GIT_FILEMODE_TREE)
		return 0;
	if (keyindex_open(&index, in->repo, in->dir, git_tree_entry_id(keys),
			  &opts, err) < 0)
		goto done;
	keyindex_lookup(index,
			cert->issuer_fpr[0] ? cert->issuer_fpr
					    : cert->issuer_keyid,
			paths, IDENTIFY_MAX_CANDIDATES + 1, &n);
	/* only F's holder can back-sign F in two files (SPEC 2) */
	if (cert->issuer_fpr[0] != '\0' && n > 1) {
		err_set(err, "the signing key %s is a back-signed subkey of "
			     "more than one key file: its holder must remove "
			     "it from all but one",
			cert->issuer_fpr);
		goto done;
	}
	if (n > IDENTIFY_MAX_CANDIDATES) {
		err_set(err, "more than %u key files hold the signature's key "
			     "id: sign with a key named by its full "
			     "fingerprint",
			IDENTIFY_MAX_CANDIDATES);
		goto done;
	}
	for (i = 0; i < n; i++)
		if ((skip == NULL || strcmp(paths[i], skip) != 0) &&
		    identify_add_path(c, in, tree, paths[i], err) < 0)
			goto done;
	error = 0;
done:
	keyindex_free(index);
	return error;
}

static int identify_verify(enum keyring_result *result, char *user,
			   const struct identify_input *in,
			   const struct identify_candidates *c, bool cache,
			   struct err *err)
{
	const struct cert *cert = in->cert;
	struct keyring_signature sig = {
		cert->issuer_fpr,	     cert->issuer_keyid,
		cert->payload,		     cert->payload_len,
		(const char *)cert->sig_packet, cert->sig_packet_len,
	};
	struct keyring_key keys[IDENTIFY_MAX_CANDIDATES + 1];
	struct keyring_options opts = {NULL, NULL};
	char cache_dir[4200];
	size_t i;

	snprintf(cache_dir, sizeof(cache_dir), "%s/keyrings", in->dir);
	/* a key from a push not yet accepted never enters a cache */
	opts.cache_dir = cache ? cache_dir : NULL;
	for (i = 0; i < c->n; i++) {
		keys[i].id = c->files[i].id;
		keys[i].blob_id = cache ? c->blobs[i] : NULL;
		keys[i].data = c->data[i].ptr ? c->data[i].ptr : "";
		keys[i].len = c->data[i].len;
	}
	*result = KEYRING_UNKNOWN_KEY;
	if (c->n == 0)
		return 0;
	return keyring_identify(result, user, keys, c->n, &sig, &opts, err);
}

/* The net change of the push's update of the policy, path by path. */
struct identify_change {
	size_t ops;		/* (op, path) pairs seen */
	bool only_key;		/* each is a registration's */
	char key_path[KEYPATH_SIZE];	/* the one key file created */
	/* key files modified: refresh candidates */
	char modified[IDENTIFY_MAX_CANDIDATES][KEYPATH_SIZE];
	size_t nmodified;
};

static int identify_collect(unsigned ops, const char *path, size_t len,
			    void *payload)
{
	struct identify_change *ch = payload;
	char id[USERID_LEN + 1];
	enum keypath_kind kind = keypath_parse(path, len, id);

	ch->ops++;
	if (ops == OP_MODIFY && (kind == KEYPATH_FANOUT || kind == KEYPATH_FLAT) &&
	    ch->nmodified < IDENTIFY_MAX_CANDIDATES) {
		memcpy(ch->modified[ch->nmodified++], path, len + 1);
		ch->only_key = false;
		return 0;
	}
	if (ops == OP_CREATE_DIRECTORY &&
	    ((len == 4 && memcmp(path, "keys", 4) == 0) ||
	     (len == 7 && memcmp(path, "keys/", 5) == 0 &&
	      userid_is_valid_prefix(path + 5, 2))))
		return 0;
	if (ops == OP_CREATE_FILE && kind == KEYPATH_FANOUT &&
	    ch->key_path[0] == '\0') {
		memcpy(ch->key_path, path, len + 1);
		return 0;
	}
	ch->only_key = false;
	return 0;
}

static int identify_changes(struct identify_change *ch,
			    const struct identify_input *in,
			    const git_tree *old_tree, const git_tree *new_tree,
			    struct err *err)
{
	struct treediff_options topts = {64, NULL, 0};
	struct treediff *td = NULL;
	git_odb *odb = NULL;
	int rc, error = -1;

	memset(ch, 0, sizeof(*ch));
	ch->only_key = true;
	if (git_repository_odb(&odb, in->repo) < 0) {
		identify_git_error(err, "cannot open the object database");
		goto done;
	}
	if (treediff_new(&td, odb, &topts, err) < 0)
		goto done;
	rc = treediff_compare(td, git_tree_id(new_tree), git_tree_id(old_tree),
			      1, identify_collect, ch, err);
	/* too big a change is neither a registration nor a refresh */
	if (rc < 0) {
		memset(ch, 0, sizeof(*ch));
		ch->only_key = false;
	}
	error = 0;
done:
	treediff_free(td);
	git_odb_free(odb);
	return error;
}

/* Registration: a new id's key file, and nothing else (SPEC 2). */
static int identify_registration(struct identify_candidates *c,
				 const struct identify_input *in,
				 const struct identify_change *ch,
				 const git_tree *old_tree,
				 const git_tree *new_tree, struct err *err)
{
	struct keylookup_file file, existing;
	int rc;

	if (!in->policy_only || !ch->only_key || ch->key_path[0] == '\0')
		return 0;
	keypath_parse(ch->key_path, strlen(ch->key_path), file.id);
	if ((rc = keylookup_is_banned(old_tree, file.id, err)) < 0)
		return -1;
	if (rc > 0) {
		c->banned = true;
		return 0;
	}
	/* re-registering is a modify, which only the policy grants */
	if ((rc = keylookup_key_file(&existing, old_tree, file.id, err)) < 0)
		return -1;
	if (rc > 0)
		return 0;
	if ((rc = keylookup_key_file(&file, new_tree, file.id, err)) <= 0)
		return rc;
	return identify_add(c, in, old_tree, &file, err);
}

/*
 * Refresh: a key file of the current policy that the push grows (no
 * packet removed: a revocation stays), tried alone as the push has it.
 */
static int identify_refresh(struct identify_candidates *c,
			    const struct identify_input *in,
			    const struct identify_change *ch,
			    const git_tree *old_tree, const git_tree *new_tree,
			    struct err *err)
{
	size_t i;

	for (i = 0; i < ch->nmodified; i++) {
		struct keylookup_file before, after;
		struct buf old_data = BUF_INIT;
		char id[USERID_LEN + 1];
		bool grows = false;
		int rc;

		keypath_parse(ch->modified[i], strlen(ch->modified[i]), id);
		if ((rc = keylookup_key_file(&before, old_tree, id, err)) < 0 ||
		    (rc > 0 &&
		     keylookup_read(&old_data, in->repo, &before.blob, err) <
			     0)) {
			buf_dispose(&old_data);
			return -1;
		}
		if (rc > 0 &&
		    (rc = keylookup_key_file(&after, new_tree, id, err)) > 0 &&
		    strcmp(after.path, before.path) == 0) {
			struct buf new_data = BUF_INIT;

			if (keylookup_read(&new_data, in->repo, &after.blob,
					   err) < 0 ||
			    keyfile_grows(&grows, old_data.ptr ? old_data.ptr : "",
					  old_data.len,
					  new_data.ptr ? new_data.ptr : "",
					  new_data.len) < 0) {
				buf_dispose(&new_data);
				buf_dispose(&old_data);
				return rc < 0 ? -1 : err_set(err, "out of memory");
			}
			buf_dispose(&new_data);
		}
		buf_dispose(&old_data);
		if (rc < 0)
			return -1;
		if (grows && identify_add(c, in, old_tree, &after, err) < 0)
			return -1;
	}
	return 0;
}

/* No policy yet: an owner's key file in the pushed commit (SPEC 5). */
static int identify_first_policy(struct identify_candidates *c,
				 const struct identify_input *in,
				 const git_tree *new_tree, struct err *err)
{
	size_t i;

	if (!in->policy_only || in->policy_new == NULL ||
	    !git_oid_is_zero(in->policy_old))
		return 0;
	for (i = 0; i < in->nowners && c->n <= IDENTIFY_MAX_CANDIDATES; i++) {
		struct keylookup_file file;
		int rc = keylookup_key_file(&file, new_tree, in->owners[i],
					    err);

		if (rc < 0 || (rc > 0 && identify_add(c, in, new_tree, &file,
						      err) < 0))
			return -1;
	}
	return 0;
}

static const char *identify_problem(enum keyring_result result, bool banned)
{
	if (banned)
		return "this key is banned from this repository (banned/ in "
		       "refs/apps/access-control): ask an owner why";
	if (result == KEYRING_BAD_SIGNATURE)
		return "the push certificate's signature does not verify "
		       "under the key file of its key (a revoked or expired "
		       "key identifies nobody: see 'git acl keys list')";
	return "no key in refs/apps/access-control made this signature: "
	       "register your key with 'git acl keys add' and push "
	       "refs/apps/access-control";
}

int identify_pusher(char user_out[USERID_LEN + 1],
		    const struct identify_input *in, struct err *err)
{
	struct identify_candidates current = {0}, indexed = {0}, pushed = {0};
	struct identify_change change;
	enum keyring_result result = KEYRING_UNKNOWN_KEY,
			    result2 = KEYRING_UNKNOWN_KEY;
	git_tree *tree = NULL, *new_tree = NULL;
	bool banned = false;
	int error = -1;

	user_out[0] = '\0';
	keylookup_cache_begin();
	if (in->policy != NULL) {
		if (keylookup_policy_tree(&tree, in->repo, in->policy, err) < 0 ||
		    identify_by_path(&current, in, tree, err) < 0 ||
		    identify_verify(&result, user_out, in, &current, true,
				    err) < 0)
			goto done;
		/*
		 * The file named by F first: when it verifies, as for most
		 * pushes (gpg signs with the primary key by default), the key
		 * index is not even opened.
		 */
		if (result != KEYRING_IDENTIFIED &&
		    (identify_by_index(&indexed, in, tree,
				       current.n > 0 ? current.files[0].path
						     : NULL,
				       err) < 0 ||
		     identify_verify(&result2, user_out, in, &indexed, true,
				     err) < 0))
			goto done;
		if (result != KEYRING_IDENTIFIED &&
		    result2 != KEYRING_UNKNOWN_KEY)
			result = result2;
		banned = current.banned || indexed.banned;
		if (result == KEYRING_IDENTIFIED) {
			error = 0;
			goto done;
		}
	}
	/* the key may come with the push itself */
	if (in->policy_new == NULL || git_oid_is_zero(in->policy_new) ||
	    keylookup_policy_tree(&new_tree, in->repo, in->policy_new, err) < 0) {
		if (new_tree == NULL && in->policy_new != NULL &&
		    !git_oid_is_zero(in->policy_new))
			goto done;
		goto unknown;
	}
	if (in->policy == NULL) {
		if (identify_first_policy(&pushed, in, new_tree, err) < 0)
			goto done;
	} else if (!git_oid_is_zero(in->policy_old)) {
		/*
		 * Against the policy as it is, not the command's <old>: a
		 * stale <old> is denied later, but identity stands on its own
		 * (and bans are the current policy's).
		 */
		if (identify_changes(&change, in, tree, new_tree, err) < 0 ||
		    identify_registration(&pushed, in, &change, tree, new_tree,
					  err) < 0 ||
		    identify_refresh(&pushed, in, &change, tree, new_tree,
				     err) < 0)
			goto done;
	}
	banned = banned || pushed.banned;
	if (identify_verify(&result2, user_out, in, &pushed, false, err) < 0)
		goto done;
	if (result2 == KEYRING_IDENTIFIED) {
		error = 0;
		goto done;
	}
	if (result2 == KEYRING_BAD_SIGNATURE)
		result = result2;
unknown:
	if (in->policy == NULL && in->policy_new != NULL &&
	    !git_oid_is_zero(in->policy_new) && !in->policy_only)
		/* identify_first_policy() reads the key of a lone push only */
		err_set(err, "there is no refs/apps/access-control yet: push "
			     "the first policy alone, first ('git push "
			     "--signed origin refs/apps/access-control'), "
			     "then the rest");
	else if (in->policy == NULL)
		err_set(err, "there is no refs/apps/access-control yet: only "
			     "an owner (gitapps.owner) may create it, with "
			     "their key in it");
	else
		err_set(err, "%s", identify_problem(result, banned));
done:
	if (error < 0)
		user_out[0] = '\0';
	keylookup_cache_end();
	identify_candidates_dispose(&current);
	identify_candidates_dispose(&indexed);
	identify_candidates_dispose(&pushed);
	git_tree_free(new_tree);
	git_tree_free(tree);
	return error;
}
