/* backsig: which keys of a key file may identify a signer (SPEC 2) */
#ifndef ADAPTERS_BACKSIG_H
#define ADAPTERS_BACKSIG_H

#include <stddef.h>

#include "../common/buf.h"
#include "../common/err.h"
#include "keyfile.h"
#include "pgp.h"

/*
 * Anyone can copy someone else's public key packet into their own key file
 * as a subkey and bind it with their own primary key: gpg imports and
 * lists it.  Only the holder of a subkey's secret can make the primary-key
 * binding back-signature (type 0x19) over that primary and that subkey, so
 * a subkey counts for its file only when it carries one.  gpg checks
 * back-signatures only when it verifies, so the index of signers (SPEC 2,
 * "Candidates") relies on this module, which checks them with libgcrypt.
 */

/*
 * The keys of one key file that may identify a signer: its primary key,
 * and each subkey that is signing-capable and back-signed.  Fingerprints
 * are v4, upper-case hex; a 64-bit key id is the last 16 digits.  A value
 * type: nothing in it needs freeing.
 */
struct backsig_keys {
	char primary[PGP_FPR_HEX_SIZE];
	/* in file order, each once, never the primary */
	char signing[KEYFILE_MAX_KEYS][PGP_FPR_HEX_SIZE];
	size_t nsigning;
};

/*
 * Make libgcrypt ready for use, once per process: the version check and
 * the end of its initialization (no secure memory: no secret key is ever
 * handled here).  Does nothing when libgcrypt is already initialized (by
 * an earlier call or another library).  backsig_signing_keys() calls it;
 * a program with threads calls it itself from its main thread before it
 * starts any, as libgcrypt asks.  Returns 0, or -1 with a message when the
 * libgcrypt found at run time is older than the one built against.
 */
int backsig_init(struct err *err);

/*
 * The keys of packets (len bytes), the binary (dearmored, pgp_dearmor()) of
 * one transferable public key: a v4 public key packet, then user ids, user
 * attributes, subkeys and signatures only.  keyfile_parse() checks a key
 * file's whole form; this reads what it needs and rejects only what stops
 * it from reading.
 *
 * A subkey (tag 14) is listed when one of the signatures that follow it,
 * before the next subkey, is a v4 subkey binding signature (type 0x18)
 * that:
 *  - verifies under the primary key, over the primary and the subkey
 *    (RFC 4880 5.2.4), its left 16 bits of the hash matching too;
 *  - has a key flags subpacket (27) in its hashed area, the first one of
 *    which has the sign flag (0x02); a binding without key flags is read as
 *    "not for signing" (RFC 4880 lets an implementation assume any usage;
 *    for a check that grants identity, the narrow reading is the safe one);
 *  - holds, as an embedded signature subpacket (32) in its hashed or
 *    unhashed area (gpg 2.2 writes it unhashed), a v4 primary key binding
 *    signature (type 0x19) that verifies under the subkey over the same
 *    primary and subkey;
 * and whose issuer subpackets (16, 33), where present, name the primary
 * for the binding signature and the subkey for the back-signature.
 * Creation times, expiry and revocation are not read: gpg judges them when
 * it verifies a signature.  Unknown critical subpackets are not checked
 * either: a signature gpg then refuses to use only makes a candidate that
 * verifies nothing.
 *
 * Algorithms: RSA (1, 3), DSA (17), ECDSA (19) on NIST P-256, P-384,
 * P-521, brainpoolP256r1, brainpoolP384r1, brainpoolP512r1 and secp256k1,
 * EdDSA (22) on Ed25519; hashes SHA-1, RIPEMD-160, SHA-224, SHA-256,
 * SHA-384 and SHA-512.  A subkey whose binding needs anything else (or
 * that libgcrypt refuses, as in FIPS mode) is not listed.
 *
 * Every subkey not listed is ignored, never an error: when notes is not
 * NULL, one line "subkey <fingerprint>: <why>" is appended to it for each
 * (for `git acl lint`), or "subkey #<n>: <why>" when the subkey has no v4
 * fingerprint.
 *
 * Fills out and returns 0 (out->nsigning may be 0), or returns -1 with a
 * message when the packets cannot be read as one public key (bad framing,
 * no v4 public key packet first, a second one, a packet a public key
 * cannot hold, more than KEYFILE_MAX_KEYS keys) or when libgcrypt cannot
 * run (initialization, memory): then out is empty and nothing was
 * appended to notes; never read that as "no subkeys".
 */
int backsig_signing_keys(struct backsig_keys *out,
			 const unsigned char *packets, size_t len,
			 struct buf *notes, struct err *err);

#endif
