/* keyring: who signed?  Each candidate key file alone, in a private gpg home */
#ifndef ADAPTERS_KEYRING_H
#define ADAPTERS_KEYRING_H

#include <stddef.h>

#include "../common/err.h"

/* One keys/<ID>.asc of the policy. */
struct keyring_key {
	const char *id;		/* <ID>: 40 upper-case hex */
	const char *blob_id;	/* the file's blob id: its keyring's cache
				   key; NULL: never cache (a key file from a
				   push not yet accepted) */
	const char *data;
	size_t len;
};

/* A detached signature over a payload, and who it says made it. */
struct keyring_signature {
	const char *issuer_fpr;		/* 40 upper-case hex, or "" */
	const char *issuer_keyid;	/* 16 upper-case hex, or "" */
	const char *payload;
	size_t payload_len;
	const char *armored;
	size_t armored_len;
};

enum keyring_result {
	KEYRING_IDENTIFIED,	/* a candidate verifies it */
	KEYRING_UNKNOWN_KEY,	/* no key file holds the issuer */
	KEYRING_BAD_SIGNATURE,	/* candidates, but none verifies it */
};

struct keyring_options {
	/* where keyrings are cached ($GIT_DIR/gitapps/keyrings), or NULL */
	const char *cache_dir;
	/* where uncached homes are made; NULL: $TMPDIR or /tmp */
	const char *tmp_dir;
};

/*
 * Identify the signer (SPEC 2) among keys, the candidates the caller found
 * (by path and through the key index), in the order given: the file named
 * by the issuer first.  A key file counts only when the issuer fingerprint
 * (or, without one, the issuer key id) is its primary's or that of a
 * signing subkey with a valid back-signature (keyfile_info.signs), computed
 * from the packets.  The first good signature identifies.  Each candidate is imported alone (`import-options
 * self-sigs-only`) into a private gpg home that holds only that key
 * (`no-autostart`: no gpg-agent is left behind), cached per key-file blob
 * id under opts->cache_dir (built in a mkdtemp sibling, published by
 * rename), and the signature is verified there.  Good means: exactly one
 * signature, status GPG_ERR_NO_ERROR, a summary with none of RED,
 * KEY_REVOKED, KEY_EXPIRED, SIG_EXPIRED, KEY_MISSING, SYS_ERROR, made by
 * the key whose primary fingerprint is the file's <ID>.  Web-of-trust
 * validity is not used.
 *
 * Returns 0 with *result set (and id_out, when KEYRING_IDENTIFIED), or -1
 * with err set when the check itself failed (gpg missing, an unwritable
 * cache): the caller must reject, never treat that as "unknown".
 */
int keyring_identify(enum keyring_result *result, char id_out[41],
		     const struct keyring_key *keys, size_t nkeys,
		     const struct keyring_signature *sig,
		     const struct keyring_options *opts, struct err *err);

#endif
