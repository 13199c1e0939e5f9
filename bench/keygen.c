/* keygen: many distinct OpenPGP keys for the identity benchmarks, fast */
/*
 *   keygen <first> <count>
 *
 * Writes keys <first> .. <first> + <count> - 1 to stdout, each as a
 * record "<ID> <length>\n" followed by <length> bytes: an armored public
 * key block holding one Ed25519 v4 primary key (RFC 4880 and gpg 2.2's
 * EdDSA, algorithm 22), one user id and its positive self-signature (type
 * 0x13, SHA-256), named by the key's fingerprint <ID>.  That is the shape
 * of `gpg --quick-gen-key <uid> ed25519 sign`, the bench's own users' keys,
 * and every file passes SPEC 2's key-file rules.
 *
 * gpg takes tens of milliseconds a key; this takes well under one.  Key i
 * is derived from i alone (its secret is SHA-256 of a fixed prefix and i,
 * its dates fixed, and EdDSA signatures are deterministic), so the same
 * arguments give the same bytes, and the same key ids, on every machine.
 * The secrets are thrown away: these keys identify nobody who pushes,
 * they only fill keys/.
 */
#include <gcrypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEYGEN_CREATED 1700000000u	/* 2023-11-14, before every push */
#define KEYGEN_SIG_MAX 512
#define KEYGEN_OUT_MAX 4096

/* gpg 2.2's Ed25519, 1.3.6.1.4.1.11591.15.1 */
static const unsigned char keygen_oid[] = {0x2B, 0x06, 0x01, 0x04, 0x01,
					   0xDA, 0x47, 0x0F, 0x01};

struct keygen_buf {
	unsigned char b[KEYGEN_OUT_MAX];
	size_t n;
};

static void keygen_die(const char *what, gcry_error_t gerr)
{
	fprintf(stderr, "keygen: %s: %s\n", what, gcry_strerror(gerr));
	exit(1);
}

static void keygen_put(struct keygen_buf *buf, const void *p, size_t n)
{
	if (n > sizeof(buf->b) - buf->n) {
		fprintf(stderr, "keygen: a key does not fit in %d bytes\n",
			KEYGEN_OUT_MAX);
		exit(1);
	}
	memcpy(buf->b + buf->n, p, n);
	buf->n += n;
}

static void keygen_u8(struct keygen_buf *buf, unsigned v)
{
	unsigned char c = (unsigned char)v;

	keygen_put(buf, &c, 1);
}

static void keygen_u16(struct keygen_buf *buf, unsigned v)
{
	keygen_u8(buf, v >> 8);
	keygen_u8(buf, v & 0xff);
}

static void keygen_u32(struct keygen_buf *buf, unsigned long v)
{
	keygen_u16(buf, (unsigned)(v >> 16) & 0xffff);
	keygen_u16(buf, (unsigned)v & 0xffff);
}

/* An MPI: the bit count, then the magnitude without leading zeros. */
static void keygen_mpi(struct keygen_buf *buf, const unsigned char *p,
		       size_t n)
{
	unsigned bits;
	unsigned char top;

	while (n > 0 && *p == 0) {
		p++;
		n--;
	}
	bits = (unsigned)n * 8;
	for (top = n ? *p : 0x80; n && !(top & 0x80); top <<= 1)
		bits--;
	keygen_u16(buf, bits);
	keygen_put(buf, p, n);
}

/* A new-format packet header (RFC 4880 4.2.2), lengths below 8384. */
static void keygen_packet(struct keygen_buf *buf, unsigned tag,
			  const struct keygen_buf *body)
{
	keygen_u8(buf, 0xC0 | tag);
	if (body->n < 192) {
		keygen_u8(buf, (unsigned)body->n);
	} else {
		keygen_u8(buf, (unsigned)((body->n - 192) >> 8) + 192);
		keygen_u8(buf, (unsigned)(body->n - 192) & 0xff);
	}
	keygen_put(buf, body->b, body->n);
}

static unsigned long keygen_crc24(const unsigned char *p, size_t n)
{
	unsigned long crc = 0xB704CEul;
	size_t i;
	int k;

	for (i = 0; i < n; i++) {
		crc ^= (unsigned long)p[i] << 16;
		for (k = 0; k < 8; k++) {
			crc <<= 1;
			if (crc & 0x1000000ul)
				crc ^= 0x1864CFBul;
		}
	}
	return crc & 0xFFFFFFul;
}

static void keygen_b64(FILE *out, const unsigned char *p, size_t n,
		       size_t *col)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "abcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;

	for (i = 0; i < n; i += 3) {
		unsigned long v = (unsigned long)p[i] << 16;
		char q[4];

		if (i + 1 < n)
			v |= (unsigned long)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		q[0] = tab[(v >> 18) & 63];
		q[1] = tab[(v >> 12) & 63];
		q[2] = i + 1 < n ? tab[(v >> 6) & 63] : '=';
		q[3] = i + 2 < n ? tab[v & 63] : '=';
		fwrite(q, 1, 4, out);
		if (col != NULL && (*col += 4) == 64) {
			fputc('\n', out);
			*col = 0;
		}
	}
}

/* The armored block, as gpg writes it (64 columns, then the CRC). */
static char *keygen_armor(const struct keygen_buf *bin, size_t *len)
{
	unsigned char crc[3];
	unsigned long sum = keygen_crc24(bin->b, bin->n);
	char *text = NULL;
	size_t col = 0;
	FILE *out = open_memstream(&text, len);

	if (out == NULL) {
		perror("keygen");
		exit(1);
	}
	fputs("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n", out);
	keygen_b64(out, bin->b, bin->n, &col);
	if (col != 0)
		fputc('\n', out);
	crc[0] = (unsigned char)(sum >> 16);
	crc[1] = (unsigned char)(sum >> 8);
	crc[2] = (unsigned char)sum;
	fputc('=', out);
	keygen_b64(out, crc, 3, NULL);
	fputs("\n-----END PGP PUBLIC KEY BLOCK-----\n", out);
	if (fclose(out) != 0) {
		perror("keygen");
		exit(1);
	}
	return text;
}

/* Key i: its secret, and its public point (0x40, then 32 bytes). */
static void keygen_key(gcry_sexp_t *seckey, unsigned char q[33],
		       unsigned long i)
{
	unsigned char seed[64], d[32];
	gcry_sexp_t param = NULL;
	gcry_ctx_t ctx = NULL;
	gcry_mpi_t point = NULL;
	gcry_error_t gerr;
	const unsigned char *raw;
	unsigned int nbits;
	int n;

	n = snprintf((char *)seed, sizeof(seed), "gitapps bench key %lu", i);
	gcry_md_hash_buffer(GCRY_MD_SHA256, d, seed, (size_t)n);
	if ((gerr = gcry_sexp_build(&param, NULL,
				    "(private-key(ecc(curve Ed25519)"
				    "(flags eddsa)(d%b)))",
				    (int)sizeof(d), d)) != 0 ||
	    (gerr = gcry_mpi_ec_new(&ctx, param, NULL)) != 0)
		keygen_die("cannot make a key", gerr);
	/* libgcrypt derives Q from d, and encodes it as EdDSA does */
	if ((point = gcry_mpi_ec_get_mpi("q@eddsa", ctx, 1)) == NULL ||
	    (raw = gcry_mpi_get_opaque(point, &nbits)) == NULL ||
	    nbits != 256) {
		fprintf(stderr, "keygen: libgcrypt gives no Ed25519 point\n");
		exit(1);
	}
	q[0] = 0x40;
	memcpy(q + 1, raw, 32);
	gcry_mpi_release(point);
	gcry_ctx_release(ctx);
	gcry_sexp_release(param);
	if ((gerr = gcry_sexp_build(seckey, NULL,
				    "(private-key(ecc(curve Ed25519)"
				    "(flags eddsa)(q%b)(d%b)))",
				    33, q, (int)sizeof(d), d)) != 0)
		keygen_die("cannot make a key", gerr);
}

/* r or s of an EdDSA signature, as 32 bytes. */
static void keygen_sig_part(unsigned char out[32], gcry_sexp_t sig,
			    const char *name)
{
	gcry_sexp_t part = gcry_sexp_find_token(sig, name, 0);
	const char *data;
	size_t n = 0;

	if (part == NULL || (data = gcry_sexp_nth_data(part, 1, &n)) == NULL ||
	    n == 0 || n > 32) {
		fprintf(stderr, "keygen: odd EdDSA signature\n");
		exit(1);
	}
	memset(out, 0, 32);
	memcpy(out + 32 - n, data, n);
	gcry_sexp_release(part);
}

/* Packets of key i: public key, user id, self-signature (0x13). */
static void keygen_one(struct keygen_buf *bin, char id[41], unsigned long i)
{
	struct keygen_buf key = {{0}, 0}, uid = {{0}, 0}, sig = {{0}, 0};
	struct keygen_buf head = {{0}, 0};
	unsigned char q[33], fpr[20], digest[32], r[32], s[32];
	gcry_sexp_t seckey = NULL, data = NULL, sigval = NULL;
	gcry_md_hd_t md = NULL;
	gcry_error_t gerr;
	size_t hashed, k;
	int n;

	keygen_key(&seckey, q, i);
	keygen_u8(&key, 4);
	keygen_u32(&key, KEYGEN_CREATED);
	keygen_u8(&key, 22);			/* EdDSA */
	keygen_u8(&key, sizeof(keygen_oid));
	keygen_put(&key, keygen_oid, sizeof(keygen_oid));
	keygen_mpi(&key, q, sizeof(q));
	keygen_u8(&head, 0x99);
	keygen_u16(&head, (unsigned)key.n);
	if ((gerr = gcry_md_open(&md, GCRY_MD_SHA1, 0)) != 0)
		keygen_die("sha1", gerr);
	gcry_md_write(md, head.b, head.n);
	gcry_md_write(md, key.b, key.n);
	memcpy(fpr, gcry_md_read(md, GCRY_MD_SHA1), sizeof(fpr));
	gcry_md_close(md);
	for (k = 0; k < sizeof(fpr); k++)
		snprintf(id + 2 * k, 3, "%02X", fpr[k]);

	n = snprintf((char *)uid.b, sizeof(uid.b),
		     "Bench User %06lu <user%06lu@example.com>", i, i);
	uid.n = (size_t)n;

	/* the signature's hashed part (RFC 4880 5.2.3) */
	keygen_u8(&sig, 4);
	keygen_u8(&sig, 0x13);
	keygen_u8(&sig, 22);
	keygen_u8(&sig, 8);			/* SHA-256 */
	keygen_u16(&sig, 6 + 23 + 3);
	keygen_u8(&sig, 5);			/* creation time */
	keygen_u8(&sig, 2);
	keygen_u32(&sig, KEYGEN_CREATED);
	keygen_u8(&sig, 22);			/* issuer fingerprint */
	keygen_u8(&sig, 33);
	keygen_u8(&sig, 4);
	keygen_put(&sig, fpr, sizeof(fpr));
	keygen_u8(&sig, 2);			/* key flags: certify, sign */
	keygen_u8(&sig, 27);
	keygen_u8(&sig, 0x03);
	hashed = sig.n;

	if ((gerr = gcry_md_open(&md, GCRY_MD_SHA256, 0)) != 0)
		keygen_die("sha256", gerr);
	gcry_md_write(md, head.b, head.n);
	gcry_md_write(md, key.b, key.n);
	head.n = 0;
	keygen_u8(&head, 0xB4);
	keygen_u32(&head, uid.n);
	gcry_md_write(md, head.b, head.n);
	gcry_md_write(md, uid.b, uid.n);
	gcry_md_write(md, sig.b, sig.n);
	head.n = 0;
	keygen_u8(&head, 4);
	keygen_u8(&head, 0xff);
	keygen_u32(&head, hashed);
	gcry_md_write(md, head.b, head.n);
	memcpy(digest, gcry_md_read(md, GCRY_MD_SHA256), sizeof(digest));
	gcry_md_close(md);

	/* EdDSA over the digest, as gpg signs (adapters/backsig.c verifies) */
	if ((gerr = gcry_sexp_build(&data, NULL,
				    "(data(flags eddsa)(hash-algo sha512)"
				    "(value %b))",
				    (int)sizeof(digest), digest)) != 0 ||
	    (gerr = gcry_pk_sign(&sigval, data, seckey)) != 0)
		keygen_die("cannot sign", gerr);
	keygen_sig_part(r, sigval, "r");
	keygen_sig_part(s, sigval, "s");

	keygen_u16(&sig, 10);			/* unhashed: issuer key id */
	keygen_u8(&sig, 9);
	keygen_u8(&sig, 16);
	keygen_put(&sig, fpr + 12, 8);
	keygen_put(&sig, digest, 2);
	keygen_mpi(&sig, r, sizeof(r));
	keygen_mpi(&sig, s, sizeof(s));

	bin->n = 0;
	keygen_packet(bin, 6, &key);
	keygen_packet(bin, 13, &uid);
	keygen_packet(bin, 2, &sig);
	gcry_sexp_release(sigval);
	gcry_sexp_release(data);
	gcry_sexp_release(seckey);
}

int main(int argc, char **argv)
{
	unsigned long first, count, i;
	struct keygen_buf bin;
	char *end, id[41];

	if (argc != 3 || (first = strtoul(argv[1], &end, 10), *end) ||
	    (count = strtoul(argv[2], &end, 10), *end)) {
		fputs("usage: keygen <first> <count>\n", stderr);
		return 129;
	}
	if (!gcry_check_version(GCRYPT_VERSION)) {
		fputs("keygen: libgcrypt version mismatch\n", stderr);
		return 1;
	}
	/* nothing secret to protect: the keys are thrown away */
	gcry_control(GCRYCTL_DISABLE_SECMEM, 0);
	gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
	for (i = first; i < first + count; i++) {
		size_t len;
		char *text;

		keygen_one(&bin, id, i);
		text = keygen_armor(&bin, &len);
		printf("%s %zu\n", id, len);
		fwrite(text, 1, len, stdout);
		free(text);
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("keygen");
		return 1;
	}
	return 0;
}
