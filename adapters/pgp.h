/* pgp: ASCII armor and the OpenPGP packet framing (RFC 4880), nothing more */
#ifndef ADAPTERS_PGP_H
#define ADAPTERS_PGP_H

#include <stddef.h>
#include <stdint.h>

#include "../common/buf.h"
#include "../common/err.h"

/*
 * gpg accepts far more than one clean armored block (data around it, several
 * blocks, binary packets); SPEC 2 does not.  These helpers let a caller see
 * exactly what a key file or a signature holds before gpg does.
 */

enum pgp_tag {
	PGP_TAG_SIGNATURE = 2,
	PGP_TAG_SECRET_KEY = 5,
	PGP_TAG_PUBLIC_KEY = 6,
	PGP_TAG_SECRET_SUBKEY = 7,
	PGP_TAG_TRUST = 12,
	PGP_TAG_USER_ID = 13,
	PGP_TAG_PUBLIC_SUBKEY = 14,
	PGP_TAG_USER_ATTRIBUTE = 17,
};

/*
 * Decode one armored block of the given type ("PGP PUBLIC KEY BLOCK",
 * "PGP SIGNATURE") that makes up all of text: its BEGIN line first (blank
 * lines before it are fine), optional armor headers, base64 lines, an
 * optional =CRC24 line that must match, the END line, and nothing after it
 * but blank lines.  Appends the binary to out.  Returns 0, or -1 with a
 * message.
 */
int pgp_dearmor(struct buf *out, const char *text, size_t len,
		const char *type, struct err *err);

/*
 * Armor len bytes of binary as one block of the given type: the BEGIN
 * line, a blank line, base64 in lines of 64, the =CRC24 line, the END
 * line (RFC 4880 6.2), appended to out.  Returns 0, or -1 when memory
 * runs out.
 */
int pgp_armor(struct buf *out, const unsigned char *data, size_t len,
	      const char *type);

struct pgp_packet {
	unsigned tag;
	const unsigned char *body;
	size_t len;
};

/*
 * Read the packet at *pos of data (len bytes) and move *pos past it.
 * Returns 1 with *packet filled, 0 at the end of the data, or -1 with a
 * message for a truncated packet, a bad header, or a partial or
 * indeterminate length (no key or signature file needs them).
 */
int pgp_packet_next(struct pgp_packet *packet, const unsigned char *data,
		    size_t len, size_t *pos, struct err *err);

/* A v4 fingerprint: SHA-1, 20 bytes; as text, 40 upper-case hex digits. */
#define PGP_FPR_SIZE 20
#define PGP_FPR_HEX_SIZE (2 * PGP_FPR_SIZE + 1)

/*
 * The v4 fingerprint of a key (RFC 4880 12.2) from the body of its public
 * key or subkey packet, which must be at most 0xffff bytes (the longest a
 * v4 fingerprint can hash): the caller checks that, and the version.
 */
void pgp_fingerprint(unsigned char out[PGP_FPR_SIZE],
		     const unsigned char *body, size_t len);

/* A fingerprint as 40 upper-case hex digits and a NUL. */
void pgp_fingerprint_hex(char out[PGP_FPR_HEX_SIZE],
			 const unsigned char fpr[PGP_FPR_SIZE]);

#endif
