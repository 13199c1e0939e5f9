/* names: who a user id claims to be, from the key files of the policy */
#include "names.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../../common/quote.h"
#include "../access-control/keytree.h"
#include "../../adapters/keyfile.h"
#include "../../adapters/pgp.h"

/* A user id packet longer than this is no name anyone can read. */
#define NAMES_UID_MAX 256u

static int names_add_uid(struct names_key *key, const unsigned char *body,
			 size_t len)
{
	char **uids;
	char *uid;

	if (len == 0 || len > NAMES_UID_MAX || memchr(body, '\0', len))
		return 0;
	uids = realloc(key->uids, (key->nuids + 1) * sizeof(*uids));
	if (uids == NULL)
		return -1;
	key->uids = uids;
	if ((uid = strndup((const char *)body, len)) == NULL)
		return -1;
	key->uids[key->nuids++] = uid;
	return 0;
}

/* The user id packets of one armored key file; a bad file gives none. */
static int names_read_key(struct names_key *key, const char *data, size_t len)
{
	struct buf bin = BUF_INIT;
	struct pgp_packet packet;
	size_t pos = 0;
	int more, status = 0;

	if (pgp_dearmor(&bin, data, len, "PGP PUBLIC KEY BLOCK", NULL) < 0)
		goto done;
	while ((more = pgp_packet_next(&packet, (unsigned char *)bin.ptr,
				       bin.len, &pos, NULL)) == 1)
		if (packet.tag == PGP_TAG_USER_ID &&
		    names_add_uid(key, packet.body, packet.len) < 0) {
			status = -1;
			break;
		}
done:
	buf_dispose(&bin);
	return status;
}

int names_load(struct names *names, git_repository *repo,
	       const git_oid *policy_commit, struct err *err)
{
	struct keytree files = KEYTREE_INIT;
	git_commit *commit = NULL;
	git_tree *root = NULL;
	git_odb *odb = NULL;
	size_t i;
	int status = -1;

	memset(names, 0, sizeof(*names));
	if (policy_commit == NULL)
		return 0;
	if (git_commit_lookup(&commit, repo, policy_commit) < 0 ||
	    git_commit_tree(&root, commit) < 0 ||
	    git_repository_odb(&odb, repo) < 0) {
		err_set(err, "cannot read the policy's key files");
		goto done;
	}
	/* both layouts: keys/<aa>/<ID>.asc and the older keys/<ID>.asc */
	if (keytree_list(&files, repo, root, err) < 0)
		goto done;
	if ((names->keys = calloc(files.count ? files.count : 1,
				  sizeof(*names->keys))) == NULL) {
		err_set(err, "out of memory");
		goto done;
	}
	for (i = 0; i < files.count; i++) {
		struct names_key *key = &names->keys[names->count];
		size_t size = 0;
		git_object_t type;
		git_blob *blob = NULL;
		int bad;

		/* one id, two files (a policy error): its names once */
		if (i > 0 && strcmp(files.files[i - 1].id,
				    files.files[i].id) == 0)
			continue;
		/* sizes first: a huge key file is never read (SPEC 2) */
		bad = git_odb_read_header(&size, &type, odb,
					  &files.files[i].blob) < 0;
		if (bad || size > KEYFILE_MAX)
			continue;
		if (git_blob_lookup(&blob, repo, &files.files[i].blob) < 0)
			continue;
		memcpy(key->id, files.files[i].id, USERID_LEN + 1);
		bad = names_read_key(key, git_blob_rawcontent(blob),
				     (size_t)git_blob_rawsize(blob));
		git_blob_free(blob);
		names->count++;
		if (bad < 0) {
			err_set(err, "out of memory");
			goto done;
		}
	}
	status = 0;
done:
	keytree_dispose(&files);
	git_odb_free(odb);
	git_tree_free(root);
	git_commit_free(commit);
	return status;
}

void names_dispose(struct names *names)
{
	size_t i, j;

	for (i = 0; i < names->count; i++) {
		for (j = 0; j < names->keys[i].nuids; j++)
			free(names->keys[i].uids[j]);
		free(names->keys[i].uids);
	}
	free(names->keys);
	memset(names, 0, sizeof(*names));
}

static const struct names_key *names_find(const struct names *names,
					  const char *id)
{
	size_t i;

	for (i = 0; i < names->count; i++)
		if (strcmp(names->keys[i].id, id) == 0)
			return &names->keys[i];
	return NULL;
}

/* The email of a user id "Name <email>", or NULL; its length in *len. */
static const char *names_email(const char *uid, size_t *len)
{
	const char *lt = strrchr(uid, '<'), *gt;

	if (lt == NULL || (gt = strchr(lt, '>')) == NULL || gt[1] != '\0')
		return NULL;
	*len = (size_t)(gt - lt - 1);
	return lt + 1;
}

/* The name part of "Name <email>" (trailing blanks dropped). */
static size_t names_name_len(const char *uid)
{
	const char *lt = strrchr(uid, '<');
	size_t len = lt ? (size_t)(lt - uid) : strlen(uid);

	while (len > 0 && uid[len - 1] == ' ')
		len--;
	return len;
}

/*
 * Does uid carry spec: the whole user id, its name or its email (emails
 * ignore case)?  With icase, names and whole user ids ignore case too.
 */
static bool names_uid_matches(const char *uid, const char *spec, bool icase)
{
	size_t spec_len = strlen(spec), email_len, name_len;
	const char *email;

	if ((icase ? strcasecmp(uid, spec) : strcmp(uid, spec)) == 0)
		return true;
	name_len = names_name_len(uid);
	if (name_len > 0 && name_len == spec_len &&
	    (icase ? strncasecmp(uid, spec, spec_len)
		   : strncmp(uid, spec, spec_len)) == 0)
		return true;
	if ((email = names_email(uid, &email_len)) == NULL || email_len == 0)
		return false;
	if (spec[0] == '<' && spec_len == email_len + 2 &&
	    spec[spec_len - 1] == '>')
		return strncasecmp(email, spec + 1, email_len) == 0;
	return spec_len == email_len &&
	       strncasecmp(email, spec, email_len) == 0;
}

static bool names_key_carries(const struct names_key *key, const char *spec,
			      bool icase)
{
	size_t j;

	for (j = 0; j < key->nuids; j++)
		if (names_uid_matches(key->uids[j], spec, icase))
			return true;
	return false;
}

int names_display(struct buf *out, const struct names *names, const char *id)
{
	const struct names_key *key = names_find(names, id);
	size_t i, shared = 0;
	int status = 0;

	if (key == NULL || key->nuids == 0)
		return buf_printf(out, "[%.16s]", id);
	for (i = 0; i < names->count; i++)
		if (names_key_carries(&names->keys[i], key->uids[0], false))
			shared++;
	status |= quote_controls(out, key->uids[0], strlen(key->uids[0]));
	status |= buf_printf(out, " [%.16s]", id);
	if (shared > 1)
		status |= buf_printf(out, " (name shared by %zu keys)",
				     shared);
	return status ? -1 : 0;
}

static bool names_hex_prefix(const char *id, const char *spec, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (toupper((unsigned char)spec[i]) != id[i])
			return false;
	return true;
}

static bool names_all_hex(const char *spec, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!isxdigit((unsigned char)spec[i]))
			return false;
	return true;
}

/* The i-th id of candidates followed by the keys. */
static const char *names_nth(const struct names *names,
			     const char (*candidates)[USERID_LEN + 1],
			     size_t count, size_t i)
{
	return i < count ? candidates[i] : names->keys[i - count].id;
}

/*
 * No key carries spec as typed: "bob" for "Bob".  Ignoring case, one key
 * is the answer; several are named, so that the user can pick one (each
 * with 16 digits: the names are unverified claims, SPEC 7).
 */
static int names_resolve_icase(const struct names *names, const char *spec,
			       char out[USERID_LEN + 1], struct err *err)
{
	struct buf which = BUF_INIT;
	const char *match = NULL;
	size_t i, found = 0;
	int status = -1;

	for (i = 0; i < names->count; i++) {
		if (!names_key_carries(&names->keys[i], spec, true))
			continue;
		match = names->keys[i].id;
		if (found++ > 0)
			buf_puts(&which, ", ");
		names_display(&which, names, match);
	}
	if (found == 1) {
		memcpy(out, match, USERID_LEN + 1);
		status = 0;
	} else if (found > 1) {
		err_set(err,
			"no key carries the name '%.64s' as written, and %zu "
			"do ignoring case (%.120s): use a fingerprint",
			spec, found, buf_cstr(&which));
	} else {
		err_set(err,
			"no user '%.64s' (neither a fingerprint nor a name "
			"in a key file)",
			spec);
	}
	buf_dispose(&which);
	return status;
}

int names_resolve(const struct names *names, const char *spec,
		  const char (*candidates)[USERID_LEN + 1], size_t count,
		  char out[USERID_LEN + 1], struct err *err)
{
	size_t len = strlen(spec), i, k, found = 0;
	const char *match = NULL;

	if (len >= 4 && len <= USERID_LEN && names_all_hex(spec, len)) {
		for (i = 0; i < count + names->count; i++) {
			const char *id = names_nth(names, candidates, count, i);
			bool seen = false;

			if (!names_hex_prefix(id, spec, len))
				continue;
			/* one user may be both an author and a key */
			for (k = 0; k < i && !seen; k++)
				seen = strcmp(names_nth(names, candidates,
							count, k),
					      id) == 0;
			if (seen)
				continue;
			match = id;
			found++;
		}
		if (found > 1)
			return err_set(err,
				       "'%.64s' is a prefix of %zu user ids: "
				       "give more digits",
				       spec, found);
		/*
		 * A name like "Cafe" is hex too, and anyone can grind a key
		 * whose fingerprint starts CAFE: when the spec is also some
		 * other key's name (in any case: "cafe" finds "Cafe"), it
		 * names nobody for sure.
		 */
		for (i = 0; found == 1 && i < names->count; i++)
			if (strcmp(names->keys[i].id, match) != 0 &&
			    names_key_carries(&names->keys[i], spec, true))
				return err_set(err,
					       "'%.64s' is both a fingerprint "
					       "prefix and a name: use more "
					       "digits, or the email",
					       spec);
		if (found == 1) {
			memcpy(out, match, USERID_LEN + 1);
			return 0;
		}
		match = NULL;
	}
	for (i = 0; i < names->count; i++)
		if (names_key_carries(&names->keys[i], spec, false)) {
			match = names->keys[i].id;
			found++;
		}
	if (found > 1)
		return err_set(err,
			       "%zu keys carry the name '%.64s': use a "
			       "fingerprint",
			       found, spec);
	if (found == 0)
		return names_resolve_icase(names, spec, out, err);
	memcpy(out, match, USERID_LEN + 1);
	return 0;
}
