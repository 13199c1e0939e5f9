/* keyfile: is a keys/<ID>.asc file exactly one valid public key? (SPEC 2) */
#ifndef ADAPTERS_KEYFILE_H
#define ADAPTERS_KEYFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "../common/buf.h"
#include "../common/err.h"

/* SPEC 2: a larger key file is never read. */
#define KEYFILE_MAX (64u * 1024u)
/* More subkeys than this in one key file is a problem of its own. */
#define KEYFILE_MAX_KEYS 32u

/* What the packets of a key file say, before gpg is asked anything. */
struct keyfile_info {
	/* v4 fingerprints, upper-case hex: [0] the primary key, then subkeys */
	char fprs[KEYFILE_MAX_KEYS][41];
	/*
	 * Whether fprs[i] may identify a signer (SPEC 2 candidates): the
	 * primary always; a subkey only when it may sign and is bound by a
	 * binding signature with a valid back-signature made by itself.
	 */
	bool signs[KEYFILE_MAX_KEYS];
	size_t nfprs;
};

/*
 * Check the form of a key file by SPEC 2 without gpg: at most KEYFILE_MAX
 * bytes; one armored public key block and nothing else; inside it exactly
 * one transferable public key (a v4 primary key, then only user ids, user
 * attributes, subkeys and signatures: no secret key, no second key, no
 * stray packets), no packet twice and no key twice (a second copy of a
 * revoked subkey without its revocation would be the one gpg uses), and a
 * signature after every user id and subkey (whether it verifies is gpg's
 * to say).  Fills info with the fingerprints of the primary key and
 * its subkeys, computed from the packets, so that a signature's issuer can
 * be matched to key files without running gpg.
 *
 * Returns 0 with problem left empty when the form is good, 0 with a
 * one-line description appended to problem when it is not, or -1 when
 * memory runs out.
 */
int keyfile_parse(struct keyfile_info *info, const char *data, size_t len,
		  struct buf *problem);

/*
 * SPEC 2: a key file changes only by adding packets.  *grows is true when
 * every packet of old is in new (keyfile_parse() rejects a file holding
 * a packet twice), its tag and body byte for byte (the header's format may differ); false when a packet was removed or either file is
 * not one armored public key block.  Returns 0, or -1 when memory runs
 * out.
 */
int keyfile_grows(bool *grows, const char *old, size_t old_len,
		  const char *new, size_t new_len);

/*
 * The key file that keeps every packet of old and adds those of new it
 * lacks, each where it belongs: a new signature after the key, user id or
 * subkey it follows in new, a new user id or subkey (with its signatures)
 * at the end.  What `git acl keys add` pushes to refresh a key: gpg's own
 * export drops a superseded self-signature, and SPEC 2 lets a key file
 * only grow.  Appends the armored result to out and returns 1, or returns
 * 0 when old and new are not both one armored public key of the same
 * primary, or -1 when memory runs out.
 */
int keyfile_grow(struct buf *out, const char *old, size_t old_len,
		 const char *new, size_t new_len);

/*
 * A private, empty gpg home (mkdtemp, 0700, `no-autostart` so that no
 * gpg-agent outlives us) in which key files are listed, never imported.
 */
struct keyfile_checker;

/* Create one under $TMPDIR (or /tmp).  Returns 0, or -1 with a message. */
int keyfile_checker_new(struct keyfile_checker **out, struct err *err);

/* Remove the home and everything gpg left in it; NULL-safe. */
void keyfile_checker_free(struct keyfile_checker *checker);

/*
 * Check the key file of user id (40 upper-case hex) by the rules of SPEC 2:
 * its form (keyfile_parse()); its primary fingerprint is id; and gpg says
 * it can identify someone now (not revoked, not expired, able to sign).
 *
 * When uids is not NULL, the key's user ids (names and emails: unverified
 * claims) are appended to it, one a line, as gpg reads them.
 *
 * Returns 0 with problem left empty when the file is good, 0 with a
 * one-line description appended to problem when it is not, or -1 with err
 * set when the check itself failed (gpg missing, no memory): never read
 * that as good.
 */
int keyfile_check(struct keyfile_checker *checker, const char *id,
		  const char *data, size_t len, struct buf *problem,
		  struct buf *uids, struct err *err);

/*
 * Export the public key spec names (a fingerprint, key id or user id) from
 * the caller's own keyring ($GNUPGHOME), armored, with self-signatures
 * only (what the hook imports anyway), appending it to out.  Returns 0, or
 * -1 with err set when gpg fails or knows no such key.
 */
int keyfile_export(struct buf *out, const char *spec, struct err *err);

#endif
