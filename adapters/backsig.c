/* backsig: which keys of a key file may identify a signer (SPEC 2) */
#include "backsig.h"

#include <gcrypt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* RFC 4880 9.1 and RFC 6637 */
enum backsig_pk_algo {
	BACKSIG_PK_RSA = 1,
	BACKSIG_PK_RSA_SIGN = 3,
	BACKSIG_PK_DSA = 17,
	BACKSIG_PK_ECDSA = 19,
	BACKSIG_PK_EDDSA = 22,
};

enum backsig_sig_type {
	BACKSIG_SUBKEY_BINDING = 0x18,
	BACKSIG_PRIMARY_BINDING = 0x19,
};

/* RFC 4880 5.2.3.1 */
enum backsig_subpacket {
	BACKSIG_SUB_ISSUER = 16,
	BACKSIG_SUB_KEY_FLAGS = 27,
	BACKSIG_SUB_EMBEDDED = 32,
	BACKSIG_SUB_ISSUER_FPR = 33,
};

#define BACKSIG_FLAG_SIGN 0x02

/* The most MPIs a supported key (DSA: p, q, g, y) or signature holds. */
#define BACKSIG_MAX_MPIS 4
/* Ed25519: the point is 0x40 and 32 bytes; r and s are 32 bytes each. */
#define BACKSIG_ED25519_SIZE 32

struct backsig_curve {
	const char *name;		/* libgcrypt's name */
	unsigned char oid[10];		/* DER, without tag and length */
	size_t oid_len;
	unsigned qbits;			/* bits of the group order */
	unsigned algo;			/* the algorithm it signs with */
};

static const struct backsig_curve backsig_curves[] = {
	{"NIST P-256", {0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07}, 8,
	 256, BACKSIG_PK_ECDSA},
	{"NIST P-384", {0x2B, 0x81, 0x04, 0x00, 0x22}, 5, 384,
	 BACKSIG_PK_ECDSA},
	{"NIST P-521", {0x2B, 0x81, 0x04, 0x00, 0x23}, 5, 521,
	 BACKSIG_PK_ECDSA},
	{"brainpoolP256r1",
	 {0x2B, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x07}, 9, 256,
	 BACKSIG_PK_ECDSA},
	{"brainpoolP384r1",
	 {0x2B, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x0B}, 9, 384,
	 BACKSIG_PK_ECDSA},
	{"brainpoolP512r1",
	 {0x2B, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x0D}, 9, 512,
	 BACKSIG_PK_ECDSA},
	{"secp256k1", {0x2B, 0x81, 0x04, 0x00, 0x0A}, 5, 256,
	 BACKSIG_PK_ECDSA},
	/* gpg 2.2's Ed25519, 1.3.6.1.4.1.11591.15.1 */
	{"Ed25519", {0x2B, 0x06, 0x01, 0x04, 0x01, 0xDA, 0x47, 0x0F, 0x01}, 9,
	 255, BACKSIG_PK_EDDSA},
};

/* OpenPGP hash ids (RFC 4880 9.4) to libgcrypt's; MD5 is left out. */
static int backsig_md_algo(unsigned algo)
{
	switch (algo) {
	case 2:
		return GCRY_MD_SHA1;
	case 3:
		return GCRY_MD_RMD160;
	case 8:
		return GCRY_MD_SHA256;
	case 9:
		return GCRY_MD_SHA384;
	case 10:
		return GCRY_MD_SHA512;
	case 11:
		return GCRY_MD_SHA224;
	default:
		return 0;
	}
}

/* An MPI's magnitude (RFC 4880 3.2), without its two-byte bit count. */
struct backsig_mpi {
	const unsigned char *ptr;
	size_t len;
};

/* A v4 key packet we can verify with, located in its body. */
struct backsig_key {
	const unsigned char *body;	/* the whole body, as hashed */
	size_t len;
	unsigned char fpr[PGP_FPR_SIZE];
	char hex[PGP_FPR_HEX_SIZE];
	unsigned algo;
	const struct backsig_curve *curve;	/* ECDSA and EdDSA */
	struct backsig_mpi mpi[BACKSIG_MAX_MPIS];
	const char *why;		/* NULL: usable; else why not */
};

/* A v4 signature packet, located in its body. */
struct backsig_sig {
	const unsigned char *body;
	size_t len;
	unsigned type, pk_algo, hash_algo;
	const unsigned char *hashed, *unhashed;	/* subpacket areas */
	size_t hashed_len, unhashed_len;
	const unsigned char *left16;
	struct backsig_mpi mpi[2];
};

/* Outcomes of one check: verified, refused (a note says why), or error. */
#define BACKSIG_GOOD 1
#define BACKSIG_BAD 0

int backsig_init(struct err *err)
{
	if (gcry_control(GCRYCTL_INITIALIZATION_FINISHED_P))
		return 0;
	if (gcry_check_version(GCRYPT_VERSION) == NULL)
		return err_set(err, "libgcrypt %s is older than %s",
			       gcry_check_version(NULL), GCRYPT_VERSION);
	gcry_control(GCRYCTL_DISABLE_SECMEM, 0);
	gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
	return 0;
}

/* Read one MPI at *p, not past end: its bit count is the attacker's. */
static bool backsig_read_mpi(struct backsig_mpi *mpi, const unsigned char **p,
			     const unsigned char *end)
{
	size_t bits, bytes;

	if (end - *p < 2)
		return false;
	bits = ((size_t)(*p)[0] << 8) | (*p)[1];
	bytes = (bits + 7) / 8;
	if (bits == 0 || (size_t)(end - *p - 2) < bytes)
		return false;
	mpi->ptr = *p + 2;
	mpi->len = bytes;
	*p += 2 + bytes;
	return true;
}

static void backsig_key_algo(struct backsig_key *key, const unsigned char *p,
			     const unsigned char *end)
{
	unsigned n = 0, i;
	size_t oid_len;

	key->why = "is malformed";
	switch (key->algo) {
	case BACKSIG_PK_RSA:
	case BACKSIG_PK_RSA_SIGN:
		n = 2;	/* n, e */
		break;
	case BACKSIG_PK_DSA:
		n = 4;	/* p, q, g, y */
		break;
	case BACKSIG_PK_ECDSA:
	case BACKSIG_PK_EDDSA:
		if (p >= end || (oid_len = *p++) == 0 ||
		    (size_t)(end - p) < oid_len)
			return;
		for (i = 0; i < sizeof(backsig_curves) /
				    sizeof(backsig_curves[0]);
		     i++)
			if (backsig_curves[i].algo == key->algo &&
			    backsig_curves[i].oid_len == oid_len &&
			    memcmp(backsig_curves[i].oid, p, oid_len) == 0)
				key->curve = &backsig_curves[i];
		if (key->curve == NULL) {
			key->why = "has a curve that cannot be checked";
			return;
		}
		p += oid_len;
		n = 1;	/* the point */
		break;
	default:
		key->why = "has an algorithm that cannot be checked";
		return;
	}
	for (i = 0; i < n; i++)
		if (!backsig_read_mpi(&key->mpi[i], &p, end))
			return;
	if (p != end)
		return;
	/* Ed25519's point: the prefix 0x40, then the native encoding */
	if (key->algo == BACKSIG_PK_EDDSA &&
	    (key->mpi[0].len != BACKSIG_ED25519_SIZE + 1 ||
	     key->mpi[0].ptr[0] != 0x40))
		return;
	key->why = NULL;
}

/*
 * Locate the parts of a key packet.  Returns false when it has no v4
 * fingerprint; a v4 key whose algorithm we cannot use gets key->why.
 */
static bool backsig_read_key(struct backsig_key *key,
			     const struct pgp_packet *packet)
{
	const unsigned char *end = packet->body + packet->len;

	memset(key, 0, sizeof(*key));
	key->body = packet->body;
	key->len = packet->len;
	/* version 4, creation time, algorithm */
	if (packet->len < 6 || packet->body[0] != 4 || packet->len > 0xffff)
		return false;
	pgp_fingerprint(key->fpr, packet->body, packet->len);
	pgp_fingerprint_hex(key->hex, key->fpr);
	key->algo = packet->body[5];
	backsig_key_algo(key, packet->body + 6, end);
	return true;
}

/* Check that a subpacket area is well formed: each length fits. */
static int backsig_subpacket_next(const unsigned char **p,
				  const unsigned char *end, unsigned *type,
				  const unsigned char **data, size_t *len)
{
	size_t n;

	if (*p >= end)
		return 0;
	/* RFC 4880 5.2.3.1: one, two or five octets of length */
	if ((*p)[0] < 192) {
		n = (*p)[0];
		*p += 1;
	} else if ((*p)[0] < 255) {
		if (end - *p < 2)
			return -1;
		n = (((size_t)(*p)[0] - 192) << 8) + (*p)[1] + 192;
		*p += 2;
	} else {
		if (end - *p < 5)
			return -1;
		n = ((size_t)(*p)[1] << 24) | ((size_t)(*p)[2] << 16) |
		    ((size_t)(*p)[3] << 8) | (*p)[4];
		*p += 5;
	}
	/* the length counts the type octet */
	if (n == 0 || (size_t)(end - *p) < n)
		return -1;
	*type = (*p)[0] & 0x7f;	/* without the critical bit */
	*data = *p + 1;
	*len = n - 1;
	*p += n;
	return 1;
}

static bool backsig_area_ok(const unsigned char *p, size_t len)
{
	const unsigned char *end = p + len, *data;
	unsigned type;
	size_t n;
	int rc;

	while ((rc = backsig_subpacket_next(&p, end, &type, &data, &n)) > 0)
		;
	return rc == 0;
}

/* Locate the parts of a v4 signature packet's body. */
static bool backsig_read_sig(struct backsig_sig *sig,
			     const unsigned char *body, size_t len)
{
	const unsigned char *p = body, *end = body + len;
	unsigned n, i;

	memset(sig, 0, sizeof(*sig));
	sig->body = body;
	sig->len = len;
	if (len < 6 || body[0] != 4)
		return false;
	sig->type = body[1];
	sig->pk_algo = body[2];
	sig->hash_algo = body[3];
	sig->hashed_len = ((size_t)body[4] << 8) | body[5];
	p += 6;
	if ((size_t)(end - p) < sig->hashed_len)
		return false;
	sig->hashed = p;
	p += sig->hashed_len;
	if (end - p < 2)
		return false;
	sig->unhashed_len = ((size_t)p[0] << 8) | p[1];
	p += 2;
	if ((size_t)(end - p) < sig->unhashed_len)
		return false;
	sig->unhashed = p;
	p += sig->unhashed_len;
	if (end - p < 2)
		return false;
	sig->left16 = p;
	p += 2;
	switch (sig->pk_algo) {
	case BACKSIG_PK_RSA:
	case BACKSIG_PK_RSA_SIGN:
		n = 1;	/* m^d */
		break;
	case BACKSIG_PK_DSA:
	case BACKSIG_PK_ECDSA:
	case BACKSIG_PK_EDDSA:
		n = 2;	/* r, s */
		break;
	default:
		return false;
	}
	for (i = 0; i < n; i++)
		if (!backsig_read_mpi(&sig->mpi[i], &p, end))
			return false;
	return p == end && backsig_area_ok(sig->hashed, sig->hashed_len) &&
	       backsig_area_ok(sig->unhashed, sig->unhashed_len);
}

/*
 * Do the issuer subpackets of sig, where present, name signer?  Both areas
 * count: gpg 2.2 writes them unhashed.
 */
static bool backsig_issuer_ok(const struct backsig_sig *sig,
			      const struct backsig_key *signer)
{
	const unsigned char *areas[2] = {sig->hashed, sig->unhashed};
	size_t lens[2] = {sig->hashed_len, sig->unhashed_len};
	const unsigned char *p, *end, *data;
	unsigned type, a;
	size_t n;

	for (a = 0; a < 2; a++) {
		p = areas[a];
		end = p + lens[a];
		while (backsig_subpacket_next(&p, end, &type, &data, &n) > 0) {
			if (type == BACKSIG_SUB_ISSUER &&
			    (n != 8 ||
			     memcmp(data, signer->fpr + PGP_FPR_SIZE - 8, 8)))
				return false;
			if (type == BACKSIG_SUB_ISSUER_FPR &&
			    (n != 1 + PGP_FPR_SIZE || data[0] != 4 ||
			     memcmp(data + 1, signer->fpr, PGP_FPR_SIZE)))
				return false;
		}
	}
	return true;
}

/* gcry_sexp_build's %b takes an int; no MPI or digest comes near 64 KiB. */
static int backsig_int_len(size_t len)
{
	return len > 0xffff ? 0 : (int)len;
}

/* The public key as libgcrypt reads it. */
static gcry_error_t backsig_key_sexp(gcry_sexp_t *out,
				     const struct backsig_key *key)
{
	const struct backsig_mpi *m = key->mpi;

	switch (key->algo) {
	case BACKSIG_PK_RSA:
	case BACKSIG_PK_RSA_SIGN:
		return gcry_sexp_build(out, NULL,
				       "(public-key(rsa(n%b)(e%b)))",
				       backsig_int_len(m[0].len), m[0].ptr,
				       backsig_int_len(m[1].len), m[1].ptr);
	case BACKSIG_PK_DSA:
		return gcry_sexp_build(
			out, NULL, "(public-key(dsa(p%b)(q%b)(g%b)(y%b)))",
			backsig_int_len(m[0].len), m[0].ptr,
			backsig_int_len(m[1].len), m[1].ptr,
			backsig_int_len(m[2].len), m[2].ptr,
			backsig_int_len(m[3].len), m[3].ptr);
	case BACKSIG_PK_ECDSA:
		return gcry_sexp_build(out, NULL,
				       "(public-key(ecc(curve %s)(q%b)))",
				       key->curve->name,
				       backsig_int_len(m[0].len), m[0].ptr);
	default:	/* EdDSA: libgcrypt takes the 0x40 prefix as it is */
		return gcry_sexp_build(
			out, NULL, "(public-key(ecc(curve %s)(flags eddsa)(q%b)))",
			key->curve->name, backsig_int_len(m[0].len), m[0].ptr);
	}
}

/* The number of significant bits in a big-endian magnitude. */
static size_t backsig_bits(const struct backsig_mpi *mpi)
{
	size_t i, bits;
	unsigned char top;

	for (i = 0; i < mpi->len && mpi->ptr[i] == 0; i++)
		;
	if (i == mpi->len)
		return 0;
	bits = (mpi->len - i) * 8;
	for (top = mpi->ptr[i]; !(top & 0x80); top <<= 1)
		bits--;
	return bits;
}

/*
 * Copy an Ed25519 r or s into 32 bytes, left-padded with zeros: an MPI
 * drops the leading zero bytes that the native encoding keeps.
 */
static bool backsig_ed25519_part(unsigned char out[BACKSIG_ED25519_SIZE],
				 const struct backsig_mpi *mpi)
{
	if (mpi->len > BACKSIG_ED25519_SIZE)
		return false;
	memset(out, 0, BACKSIG_ED25519_SIZE);
	memcpy(out + BACKSIG_ED25519_SIZE - mpi->len, mpi->ptr, mpi->len);
	return true;
}

/* The signature and the signed digest as libgcrypt reads them. */
static gcry_error_t backsig_sig_sexps(gcry_sexp_t *sig_out,
				      gcry_sexp_t *data_out,
				      const struct backsig_key *signer,
				      const struct backsig_sig *sig,
				      int md_algo,
				      const unsigned char *digest,
				      size_t digest_len)
{
	const struct backsig_mpi *m = sig->mpi;
	unsigned char r[BACKSIG_ED25519_SIZE], s[BACKSIG_ED25519_SIZE];
	const char *md_name = gcry_md_algo_name(md_algo);
	gcry_error_t gerr;
	size_t qbytes;

	switch (signer->algo) {
	case BACKSIG_PK_RSA:
	case BACKSIG_PK_RSA_SIGN:
		if ((gerr = gcry_sexp_build(sig_out, NULL,
					    "(sig-val(rsa(s%b)))",
					    backsig_int_len(m[0].len),
					    m[0].ptr)) != 0)
			return gerr;
		return gcry_sexp_build(data_out, NULL,
				       "(data(flags pkcs1)(hash %s %b))",
				       md_name, backsig_int_len(digest_len),
				       digest);
	case BACKSIG_PK_DSA:
	case BACKSIG_PK_ECDSA:
		/*
		 * A digest longer than the group order is cut to its
		 * leftmost bytes, as gpg does (FIPS 186-4 4.6 cuts bits; the
		 * orders in use are whole bytes or longer than any digest).
		 */
		qbytes = signer->algo == BACKSIG_PK_DSA
				 ? (backsig_bits(&signer->mpi[1]) + 7) / 8
				 : (signer->curve->qbits + 7) / 8;
		if (qbytes > 0 && digest_len > qbytes)
			digest_len = qbytes;
		if ((gerr = gcry_sexp_build(
			     sig_out, NULL,
			     signer->algo == BACKSIG_PK_DSA
				     ? "(sig-val(dsa(r%b)(s%b)))"
				     : "(sig-val(ecdsa(r%b)(s%b)))",
			     backsig_int_len(m[0].len), m[0].ptr,
			     backsig_int_len(m[1].len), m[1].ptr)) != 0)
			return gerr;
		return gcry_sexp_build(data_out, NULL,
				       "(data(flags raw)(value %b))",
				       backsig_int_len(digest_len), digest);
	default:
		/*
		 * EdDSA: the message is the digest itself; hash-algo names
		 * the hash inside Ed25519, always SHA-512 (as gpg says it).
		 */
		if (!backsig_ed25519_part(r, &m[0]) ||
		    !backsig_ed25519_part(s, &m[1]))
			return gcry_error(GPG_ERR_BAD_SIGNATURE);
		if ((gerr = gcry_sexp_build(sig_out, NULL,
					    "(sig-val(eddsa(r%b)(s%b)))",
					    (int)sizeof(r), r, (int)sizeof(s),
					    s)) != 0)
			return gerr;
		return gcry_sexp_build(
			data_out, NULL,
			"(data(flags eddsa)(hash-algo sha512)(value %b))",
			backsig_int_len(digest_len), digest);
	}
}

/* A key packet as a signature over keys hashes it (RFC 4880 5.2.4). */
static void backsig_hash_key(gcry_md_hd_t md, const struct backsig_key *key)
{
	unsigned char head[3] = {0x99, (unsigned char)(key->len >> 8),
				 (unsigned char)(key->len & 0xff)};

	gcry_md_write(md, head, sizeof(head));
	gcry_md_write(md, key->body, key->len);
}

static bool backsig_out_of_memory(gcry_error_t gerr)
{
	return gcry_err_code(gerr) == GPG_ERR_ENOMEM;
}

/*
 * Does sig, made by signer, verify over primary and subkey?  Returns
 * BACKSIG_GOOD, BACKSIG_BAD with *why set, or -1 with a message when
 * libgcrypt runs out of memory.
 */
static int backsig_verify(const struct backsig_sig *sig,
			  const struct backsig_key *signer,
			  const struct backsig_key *primary,
			  const struct backsig_key *subkey, const char **why,
			  struct err *err)
{
	gcry_md_hd_t md = NULL;
	gcry_sexp_t s_key = NULL, s_sig = NULL, s_data = NULL;
	gcry_error_t gerr;
	unsigned char trailer[6];
	const unsigned char *digest;
	size_t hashed = 6 + sig->hashed_len, digest_len;
	int md_algo = backsig_md_algo(sig->hash_algo);
	int error = BACKSIG_BAD;	/* nothing verified yet */

	if (sig->pk_algo != signer->algo) {
		*why = "uses another algorithm than its key";
		goto done;
	}
	if (md_algo == 0) {
		*why = "uses a hash algorithm that cannot be checked";
		goto done;
	}
	if (!backsig_issuer_ok(sig, signer)) {
		*why = "names another key as its issuer";
		goto done;
	}
	if ((gerr = gcry_md_open(&md, md_algo, 0)) != 0) {
		if (backsig_out_of_memory(gerr))
			goto nomem;
		*why = "uses a hash algorithm that cannot be checked";
		goto done;
	}
	backsig_hash_key(md, primary);
	backsig_hash_key(md, subkey);
	/* the signature's hashed part, then 0x04 0xFF and its length */
	gcry_md_write(md, sig->body, hashed);
	trailer[0] = 4;
	trailer[1] = 0xff;
	trailer[2] = (unsigned char)(hashed >> 24);
	trailer[3] = (unsigned char)(hashed >> 16);
	trailer[4] = (unsigned char)(hashed >> 8);
	trailer[5] = (unsigned char)hashed;
	gcry_md_write(md, trailer, sizeof(trailer));
	digest = gcry_md_read(md, md_algo);
	digest_len = gcry_md_get_algo_dlen(md_algo);
	if (digest == NULL || digest_len < 2) {
		*why = "uses a hash algorithm that cannot be checked";
		goto done;
	}
	if (memcmp(digest, sig->left16, 2) != 0) {
		*why = "does not verify";
		goto done;
	}
	if ((gerr = backsig_key_sexp(&s_key, signer)) != 0 ||
	    (gerr = backsig_sig_sexps(&s_sig, &s_data, signer, sig, md_algo,
				      digest, digest_len)) != 0) {
		if (backsig_out_of_memory(gerr))
			goto nomem;
		*why = "does not verify";
		goto done;
	}
	gerr = gcry_pk_verify(s_sig, s_data, s_key);
	if (gerr == 0) {
		error = BACKSIG_GOOD;
		goto done;
	}
	if (backsig_out_of_memory(gerr))
		goto nomem;
	/* a bad signature, or a key or curve libgcrypt refuses */
	*why = gcry_err_code(gerr) == GPG_ERR_BAD_SIGNATURE
		       ? "does not verify"
		       : "has a key that libgcrypt refuses";
	goto done;
nomem:
	error = err_set(err, "out of memory");
done:
	gcry_sexp_release(s_key);
	gcry_sexp_release(s_sig);
	gcry_sexp_release(s_data);
	gcry_md_close(md);
	return error;
}

/* The first key flags subpacket of the hashed area allows signing. */
static bool backsig_for_signing(const struct backsig_sig *sig)
{
	const unsigned char *p = sig->hashed, *end = p + sig->hashed_len;
	const unsigned char *data;
	unsigned type;
	size_t n;

	while (backsig_subpacket_next(&p, end, &type, &data, &n) > 0)
		if (type == BACKSIG_SUB_KEY_FLAGS)
			return n >= 1 && (data[0] & BACKSIG_FLAG_SIGN);
	return false;
}

/*
 * Is any embedded signature of binding a back-signature by subkey?
 * Returns BACKSIG_GOOD, BACKSIG_BAD with a note in *why (a static string or
 * one built in why_buf), or -1 with a message.
 */
static int backsig_check_embedded(const struct backsig_sig *binding,
				  const struct backsig_key *primary,
				  const struct backsig_key *subkey,
				  char *why_buf, size_t why_size,
				  const char **why, struct err *err)
{
	const unsigned char *areas[2] = {binding->hashed, binding->unhashed};
	size_t lens[2] = {binding->hashed_len, binding->unhashed_len};
	const unsigned char *p, *end, *data;
	struct backsig_sig back;
	const char *back_why = NULL;
	unsigned type, a;
	size_t n;
	int rc;

	*why = "no back-signature";
	for (a = 0; a < 2; a++) {
		p = areas[a];
		end = p + lens[a];
		while (backsig_subpacket_next(&p, end, &type, &data, &n) > 0) {
			if (type != BACKSIG_SUB_EMBEDDED)
				continue;
			if (!backsig_read_sig(&back, data, n) ||
			    back.type != BACKSIG_PRIMARY_BINDING) {
				*why = "back-signature is malformed, not of "
				       "type 0x19, or of an algorithm that "
				       "cannot be checked";
				continue;
			}
			rc = backsig_verify(&back, subkey, primary, subkey,
					    &back_why, err);
			if (rc != BACKSIG_BAD)
				return rc;
			snprintf(why_buf, why_size, "back-signature %s",
				 back_why);
			*why = why_buf;
		}
	}
	return BACKSIG_BAD;
}

/*
 * Is binding a signature that makes subkey a signing key of primary?
 * Returns BACKSIG_GOOD, BACKSIG_BAD with a note in *why (a static string or
 * one built in why_buf), or -1 with a message.
 */
static int backsig_check_binding(const struct backsig_sig *binding,
				 const struct backsig_key *primary,
				 const struct backsig_key *subkey,
				 char *why_buf, size_t why_size,
				 const char **why, struct err *err)
{
	const char *sub_why = NULL;
	int rc;

	if (primary->why != NULL) {
		snprintf(why_buf, why_size, "primary key %s", primary->why);
		*why = why_buf;
		return BACKSIG_BAD;
	}
	rc = backsig_verify(binding, primary, primary, subkey, &sub_why, err);
	if (rc == BACKSIG_BAD) {
		snprintf(why_buf, why_size, "binding signature %s", sub_why);
		*why = why_buf;
	}
	if (rc != BACKSIG_GOOD)
		return rc;
	if (!backsig_for_signing(binding)) {
		*why = "not a signing key (its key flags lack 0x02)";
		return BACKSIG_BAD;
	}
	if (subkey->why != NULL) {
		snprintf(why_buf, why_size, "key %s", subkey->why);
		*why = why_buf;
		return BACKSIG_BAD;
	}
	return backsig_check_embedded(binding, primary, subkey, why_buf,
				      why_size, why, err);
}

/* The subkey being read and what was found for it so far. */
struct backsig_subkey {
	struct backsig_key key;
	bool fingerprinted;	/* a v4 key: key.hex is its fingerprint */
	bool listed;		/* a binding made it a signing key */
	unsigned number;	/* 1 for the first subkey of the file */
	const char *why;	/* the last reason it is not listed */
	char why_buf[160];
};

static bool backsig_listed(const struct backsig_keys *out, const char *hex)
{
	size_t i;

	if (strcmp(out->primary, hex) == 0)
		return true;
	for (i = 0; i < out->nsigning; i++)
		if (strcmp(out->signing[i], hex) == 0)
			return true;
	return false;
}

/* The subkey's signatures are all read: list it, or say why not. */
static int backsig_finish_subkey(struct backsig_keys *out,
				 struct backsig_subkey *sub, struct buf *notes,
				 struct err *err)
{
	if (sub->number == 0)
		return 0;	/* none yet */
	if (sub->listed) {
		if (!backsig_listed(out, sub->key.hex))
			memcpy(out->signing[out->nsigning++], sub->key.hex,
			       PGP_FPR_HEX_SIZE);
		return 0;
	}
	if (notes == NULL)
		return 0;
	if ((sub->fingerprinted
		     ? buf_printf(notes, "subkey %s: %s\n", sub->key.hex,
				  sub->why)
		     : buf_printf(notes, "subkey #%u: %s\n", sub->number,
				  sub->why)) < 0)
		return err_set(err, "out of memory");
	return 0;
}

/* One signature after a subkey: does it bind the subkey for signing? */
static int backsig_read_binding(struct backsig_subkey *sub,
				const struct backsig_key *primary,
				const struct pgp_packet *packet,
				struct err *err)
{
	struct backsig_sig sig;
	int rc;

	if (sub->listed || !sub->fingerprinted)
		return 0;
	/* read the type without trusting the rest */
	if (packet->len >= 2 && packet->body[0] == 4 &&
	    packet->body[1] != BACKSIG_SUBKEY_BINDING)
		return 0;	/* a revocation, a third party's */
	if (!backsig_read_sig(&sig, packet->body, packet->len)) {
		sub->why = packet->len >= 1 && packet->body[0] != 4
				   ? "binding signature is not v4"
				   : "binding signature is malformed or of an "
				     "algorithm that cannot be checked";
		return 0;
	}
	rc = backsig_check_binding(&sig, primary, &sub->key, sub->why_buf,
				   sizeof(sub->why_buf), &sub->why, err);
	if (rc < 0)
		return -1;
	sub->listed = rc == BACKSIG_GOOD;
	return 0;
}

int backsig_signing_keys(struct backsig_keys *out,
			 const unsigned char *packets, size_t len,
			 struct buf *notes, struct err *err)
{
	struct backsig_key primary;	/* read from the first packet */
	struct backsig_subkey sub;
	struct pgp_packet packet;
	size_t pos = 0, notes_start = notes != NULL ? notes->len : 0;
	unsigned nkeys = 0;
	int rc, error = -1;	/* nothing read yet */

	memset(out, 0, sizeof(*out));
	memset(&primary, 0, sizeof(primary));
	memset(&sub, 0, sizeof(sub));
	if (backsig_init(err) < 0)
		goto done;
	while ((rc = pgp_packet_next(&packet, packets, len, &pos, err)) > 0) {
		if (nkeys == 0) {
			if (packet.tag != PGP_TAG_PUBLIC_KEY ||
			    !backsig_read_key(&primary, &packet)) {
				err_set(err, "does not start with a v4 public "
					     "key packet");
				goto done;
			}
			memcpy(out->primary, primary.hex, PGP_FPR_HEX_SIZE);
			nkeys++;
			continue;
		}
		switch (packet.tag) {
		case PGP_TAG_PUBLIC_SUBKEY:
			if (backsig_finish_subkey(out, &sub, notes, err) < 0)
				goto done;
			if (nkeys == KEYFILE_MAX_KEYS) {
				err_set(err, "holds more than %u subkeys",
					KEYFILE_MAX_KEYS - 1);
				goto done;
			}
			memset(&sub, 0, sizeof(sub));
			sub.number = nkeys++;
			sub.fingerprinted = backsig_read_key(&sub.key, &packet);
			sub.why = sub.fingerprinted
					  ? "no binding signature"
					  : "not an OpenPGP v4 key";
			break;
		case PGP_TAG_SIGNATURE:
			if (sub.number > 0 &&
			    backsig_read_binding(&sub, &primary, &packet,
						 err) < 0)
				goto done;
			break;
		case PGP_TAG_USER_ID:
		case PGP_TAG_USER_ATTRIBUTE:
			/* out of place: ends the subkey's signatures */
			if (backsig_finish_subkey(out, &sub, notes, err) < 0)
				goto done;
			memset(&sub, 0, sizeof(sub));
			break;
		case PGP_TAG_PUBLIC_KEY:
			err_set(err, "holds more than one key");
			goto done;
		default:
			err_set(err, "holds a packet a public key cannot hold "
				     "(tag %u)",
				packet.tag);
			goto done;
		}
	}
	if (rc < 0)
		goto done;
	if (nkeys == 0) {
		err_set(err, "holds no key");
		goto done;
	}
	if (backsig_finish_subkey(out, &sub, notes, err) < 0)
		goto done;
	error = 0;
done:
	if (error < 0) {
		memset(out, 0, sizeof(*out));
		if (notes != NULL && notes->ptr != NULL) {
			notes->len = notes_start;
			notes->ptr[notes_start] = '\0';
		}
	}
	return error;
}
