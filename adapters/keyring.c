/* keyring: who signed?  Each candidate key file alone, in a private gpg home */
#define _XOPEN_SOURCE 700
#include "keyring.h"

#include <errno.h>
#include <fcntl.h>
#include <gpgme.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/buf.h"
#include "gpghome.h"
#include "keyfile.h"

#define KEYRING_PATH_MAX 4096

/*
 * Never one keyring holding every key file: a crafted key could then make
 * gpg refuse another user's key (SPEC 2).  Imports keep only self-signatures
 * so that nobody can attach their certifications to another's key.
 */
static const char keyring_gpg_conf[] =
	"no-autostart\n"
	"import-options self-sigs-only\n";

static int keyring_gpg_error(struct err *err, const char *what,
			     gpgme_error_t gerr)
{
	return err_set(err, "%s: %s", what, gpgme_strerror(gerr));
}

/*
 * Import the key into the fresh home and check that it holds exactly the
 * key named <ID>.  *usable is false when gpg would not take it.
 */
static int keyring_import(const char *home, const struct keyring_key *key,
			  bool *usable, struct err *err)
{
	struct gpghome_session gpg = {0};
	gpgme_ctx_t ctx;
	gpgme_data_t data = NULL;
	gpgme_key_t found = NULL, extra = NULL;
	gpgme_error_t gerr;
	int error = -1;

	*usable = false;
	if (gpghome_open(&gpg, home, err) < 0)
		goto done;
	ctx = gpg.ctx;
	if ((gerr = gpgme_data_new_from_mem(&data, key->data, key->len, 0)) !=
	    0) {
		keyring_gpg_error(err, "cannot read key", gerr);
		goto done;
	}
	if ((gerr = gpgme_op_import(ctx, data)) != 0) {
		/* no gpg at all is our failure, not the key file's */
		if (gpgme_err_code(gerr) == GPG_ERR_ENOENT ||
		    gpgme_err_code(gerr) == GPG_ERR_INV_ENGINE) {
			keyring_gpg_error(err, "cannot run gpg", gerr);
			goto done;
		}
		/* gpg refused the data: this key file identifies nobody */
		error = 0;
		goto done;
	}
	if ((gerr = gpgme_op_keylist_start(ctx, NULL, 0)) != 0) {
		keyring_gpg_error(err, "cannot list keys", gerr);
		goto done;
	}
	if (gpgme_op_keylist_next(ctx, &found) == 0)
		gpgme_op_keylist_next(ctx, &extra);
	gpgme_op_keylist_end(ctx);
	*usable = found != NULL && extra == NULL && found->subkeys != NULL &&
		  found->subkeys->fpr != NULL &&
		  strcmp(found->subkeys->fpr, key->id) == 0;
	error = 0;
done:
	gpgme_key_unref(extra);
	gpgme_key_unref(found);
	gpgme_data_release(data);
	gpghome_close(&gpg);
	return error;
}

static int keyring_mkdir_p(const char *dir, struct err *err)
{
	char path[KEYRING_PATH_MAX];
	size_t i, len = strlen(dir);

	if (len >= sizeof(path))
		return err_set(err, "path too long: '%s'", dir);
	memcpy(path, dir, len + 1);
	for (i = 1; i <= len; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0700) < 0 && errno != EEXIST)
			return err_set(err, "cannot create '%s': %s", path,
				       strerror(errno));
		path[i] = dir[i];
	}
	return 0;
}

/*
 * The home holding only this key: the cached one, or one built now.
 * *temporary is set when the caller must remove it after use.
 */
static int keyring_home(char *home, size_t size, bool *temporary,
			bool *usable, const struct keyring_key *key,
			const struct keyring_options *opts, struct err *err)
{
	const char *base = opts->tmp_dir;
	char tmp[KEYRING_PATH_MAX];
	struct stat st;
	bool cache = opts->cache_dir != NULL && key->blob_id != NULL;
	int n;

	*temporary = false;
	*usable = false;
	if (cache) {
		n = snprintf(home, size, "%s/%s", opts->cache_dir,
			     key->blob_id);
		if (n < 0 || (size_t)n >= size)
			return err_set(err, "path too long");
		if (lstat(home, &st) == 0 && S_ISDIR(st.st_mode)) {
			*usable = true;	/* only usable keys are cached */
			return 0;
		}
		if (keyring_mkdir_p(opts->cache_dir, err) < 0)
			return -1;
		base = opts->cache_dir;
	}
	if (gpghome_make(tmp, sizeof(tmp), base, "tmp-keyring",
			 keyring_gpg_conf, err) < 0)
		return -1;
	if ((n = keyring_import(tmp, key, usable, err)) < 0 || !*usable) {
		gpghome_remove(tmp);
		return n;
	}
	if (!cache) {
		snprintf(home, size, "%s", tmp);
		*temporary = true;
		return 0;
	}
	/* publish atomically; a concurrent push may have won the race */
	if (rename(tmp, home) < 0) {
		int saved = errno;

		gpghome_remove(tmp);
		if ((saved != EEXIST && saved != ENOTEMPTY) ||
		    lstat(home, &st) < 0 || !S_ISDIR(st.st_mode))
			return err_set(err, "cannot publish keyring '%s': %s",
				       home, strerror(saved));
	}
	return 0;
}

static bool keyring_summary_is_good(gpgme_sigsum_t summary)
{
	const gpgme_sigsum_t bad = GPGME_SIGSUM_RED | GPGME_SIGSUM_KEY_REVOKED |
				   GPGME_SIGSUM_KEY_EXPIRED |
				   GPGME_SIGSUM_SIG_EXPIRED |
				   GPGME_SIGSUM_KEY_MISSING |
				   GPGME_SIGSUM_SYS_ERROR;

	return (summary & bad) == 0;
}

/*
 * Whether fpr (any case) is one of the key file's keys that may identify
 * a signer: its primary, or a signing subkey with a valid back-signature
 * (SPEC 2).  A copy of someone else's key in this file is neither.
 */
static bool keyring_holds(const struct keyfile_info *info, const char *fpr)
{
	size_t i;

	if (strlen(fpr) != 40)
		return false;
	for (i = 0; i < info->nfprs; i++)
		if (info->signs[i] && strcasecmp(info->fprs[i], fpr) == 0)
			return true;
	return false;
}

/*
 * Verify in home; *good only for exactly one good signature by the key of
 * the file info was parsed from.
 *
 * The home holds that key alone: keyring_import() checked that gpg lists
 * exactly one key there, whose primary fingerprint is the file's <ID>.  So
 * the signing key gpg reports (s->fpr, from VALIDSIG: the primary or the
 * subkey that made the signature) can only be that key's; it is checked
 * against the file's own packets anyway.  Revocation and expiry need no
 * second look (no gpgme_get_key(), which ran gpg twice more): gpg reports
 * GOODSIG, which alone gives status GPG_ERR_NO_ERROR, only when the signing
 * key is neither revoked nor expired, and it marks every subkey of a
 * revoked or expired primary key revoked or expired too (REVKEYSIG,
 * EXPKEYSIG); a subkey that may not sign is never accepted by gpg at all.
 * The summary check rejects KEY_REVOKED and KEY_EXPIRED besides.
 */
static int keyring_verify(bool *good, const char *home,
			  const struct keyfile_info *info,
			  const struct keyring_signature *sig, struct err *err)
{
	struct gpghome_session gpg = {0};
	gpgme_data_t sig_data = NULL, signed_data = NULL;
	gpgme_verify_result_t result;
	gpgme_signature_t s;
	gpgme_error_t gerr;
	int error = -1;

	*good = false;
	if (gpghome_open(&gpg, home, err) < 0)
		goto done;
	if ((gerr = gpgme_data_new_from_mem(&sig_data, sig->armored,
					    sig->armored_len, 0)) != 0 ||
	    (gerr = gpgme_data_new_from_mem(&signed_data, sig->payload,
					    sig->payload_len, 0)) != 0) {
		keyring_gpg_error(err, "cannot read signature", gerr);
		goto done;
	}
	gerr = gpgme_op_verify(gpg.ctx, sig_data, signed_data, NULL);
	if (gpgme_err_code(gerr) == GPG_ERR_ENOENT ||
	    gpgme_err_code(gerr) == GPG_ERR_INV_ENGINE) {
		keyring_gpg_error(err, "cannot run gpg", gerr);
		goto done;
	}
	error = 0;
	/* completed is not passed (fwupd's CVE-2020-10759) */
	if (gerr != 0 || (result = gpgme_op_verify_result(gpg.ctx)) == NULL ||
	    (s = result->signatures) == NULL || s->next != NULL ||
	    gpgme_err_code(s->status) != GPG_ERR_NO_ERROR ||
	    !keyring_summary_is_good(s->summary) || s->fpr == NULL ||
	    s->wrong_key_usage)
		goto done;
	/* the signing (sub)key must belong to the key named <ID> */
	if (!keyring_holds(info, s->fpr))
		goto done;
	*good = true;
done:
	gpgme_data_release(signed_data);
	gpgme_data_release(sig_data);
	gpghome_close(&gpg);
	return error;
}

static bool keyring_is_candidate(struct keyfile_info *info_out,
				 const struct keyring_key *key,
				 const struct keyring_signature *sig)
{
	struct keyfile_info info;
	struct buf problem = BUF_INIT;
	bool form_ok, match = false;
	size_t i;

	form_ok = keyfile_parse(&info, key->data, key->len, &problem) == 0 &&
		  problem.len == 0;
	buf_dispose(&problem);
	if (!form_ok || strcmp(info.fprs[0], key->id) != 0)
		return false;	/* identifies nobody (lint says why) */
	for (i = 0; i < info.nfprs && !match; i++) {
		if (!info.signs[i])
			continue;
		if (sig->issuer_fpr[0] != '\0')
			match = strcmp(info.fprs[i], sig->issuer_fpr) == 0;
		else if (sig->issuer_keyid[0] != '\0')
			match = strcmp(info.fprs[i] + 24, sig->issuer_keyid) ==
				0;
	}
	if (match)
		*info_out = info;
	return match;
}

int keyring_identify(enum keyring_result *result, char id_out[41],
		     const struct keyring_key *keys, size_t nkeys,
		     const struct keyring_signature *sig,
		     const struct keyring_options *opts, struct err *err)
{
	char home[KEYRING_PATH_MAX];
	size_t i, candidates = 0;

	*result = KEYRING_UNKNOWN_KEY;
	id_out[0] = '\0';
	for (i = 0; i < nkeys; i++) {
		struct keyfile_info info;
		bool temporary, usable, good = false;
		int error;

		if (!keyring_is_candidate(&info, &keys[i], sig))
			continue;
		candidates++;
		if (keyring_home(home, sizeof(home), &temporary, &usable,
				 &keys[i], opts, err) < 0)
			return -1;
		if (!usable)
			continue;
		error = keyring_verify(&good, home, &info, sig, err);
		if (temporary)
			gpghome_remove(home);
		if (error < 0)
			return -1;
		/* the first good signature identifies (SPEC 2) */
		if (good) {
			memcpy(id_out, keys[i].id, 41);
			*result = KEYRING_IDENTIFIED;
			return 0;
		}
	}
	if (candidates > 0)
		*result = KEYRING_BAD_SIGNATURE;
	return 0;
}
