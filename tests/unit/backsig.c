/* backsig: real signing subkeys, and the copies that must not count */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <gcrypt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../adapters/backsig.h"
#include "../../adapters/pgp.h"

/*
 * Two kinds of key file.  The genuine ones are gpg's (the README of
 * FIXTURES says how they were made); the forgeries are spliced here from
 * them and from Ed25519 keys this test makes with libgcrypt, in the shape
 * of the lock-out attack of SPEC 2:
 *
 *	attacker primary A          (tag 6, a key whose secret A holds)
 *	  user id "attacker"        (tag 13)
 *	  subkey V                  (tag 14: the victim's subkey, or the
 *	                             victim's primary key packet re-framed)
 *	    binding by A (0x18)     (key flags 0x02; embedded: nothing, or
 *	                             V's back-signature copied from V's file)
 *
 * Every forgery has a genuine twin built the same way that must pass: the
 * same shape with a subkey S whose secret the test holds, back-signed by S.
 */
#define FIXTURES "tests/unit/fixtures/backsig/"

/*
 * gpg --show-keys --with-colons: the primary and the one "s" subkey.  The
 * first four are one of each algorithm (the slower tests take only them).
 */
struct genuine {
	const char *file;
	const char *primary;
	const char *signing;
	const char *notes;	/* what the encryption subkey gets */
};

static const struct genuine genuine[] = {
	{"ed25519.asc", "17AED93F3810C5B56F8948BD0337AE6BB904E23C",
	 "F0053281825B8BDC818433FA61C867371CA32219",
	 "subkey FA9D160CEDCE24B08C35D29E9AB0AF32F5F9C413: not a signing key "
	 "(its key flags lack 0x02)\n"},
	{"rsa.asc", "9401162CF5E30A7C8BDDD4D67A80A1F320EBC219",
	 "67EB21EA27D6A15097909FDCD95B1173152BB3D2",
	 "subkey F90192448EEED8C932F3C8AF385A7893D2E90747: not a signing key "
	 "(its key flags lack 0x02)\n"},
	{"nistp256.asc", "5344D9E84F599B82BC6B1A5A148AE39579215DD4",
	 "C3C31AA46B608CC993DFF74B7EAC0F5B5DF0A1A2",
	 "subkey 707239A6D5AEA1426048F6F3AFDF55E44F14B866: not a signing key "
	 "(its key flags lack 0x02)\n"},
	{"dsa.asc", "1CDEA14ADBB4DAA45297546E5BBB0F76680F1811",
	 "E88EB5CB4E36A8F165C90E817595DD20EFCB5F3A", ""},
	{"nistp384.asc", "8A12D4C26310E7D4A1CBC20E7F3654D3F1C24087",
	 "48DFCFE0E32ACA706DD080333B34D58AB3D5B45B", ""},
	{"nistp521.asc", "B9E848865FCBA82B4F8DD4BEB944D62858B7DA1B",
	 "32236C27AE9E0458588B9A765BFFFF3488066620", ""},
	{"brainpoolp256.asc", "BD9BE1A019D1203B732207B9E2359E5CFB9E6B70",
	 "FCC5DB98F45DD3F39884A772A0DC01399FCBFD3E", ""},
	{"brainpoolp384.asc", "5ED04FFB254B22604E8D9EA9B8C938537CACD177",
	 "D10D3A1555F6EF6B5F44E79BA1E45B16AEA0397F", ""},
	{"brainpoolp512.asc", "CB71A5D9B0FA543FAE8E97795BE6BBCF78A9E3A1",
	 "513D7850A1C9373AF6BE96254E15918CB99ED280", ""},
	{"secp256k1.asc", "6F14553D53F2447CF4D171BB174611115C72A2C9",
	 "DA2A761F0C682A9915A759D6BB5299BCFA5C2EF2", ""},
	{"ripemd.asc", "6F485213E26EE9500FD48BC60473FE1E06710DB5",
	 "440BF533C807A9566B0578F9B88C72A070EB8AA8", ""},
	{"sha224.asc", "B7D59A088289FC641CB476D8A6FD19DC159B08A9",
	 "0ADABA08F28AE4176A73DF91A2770F410FA68D97", ""},
	/* last: an Ed25519 primary for the copy of ed25519.asc's subkey */
	{"sha384.asc", "A84DE3B98D4B9B82AF5F41122C2E99BE0A81C3CC",
	 "8A5C925E6D27135BA5C8FDFA8F17B56C55F06604", ""},
};

#define NGENUINE (sizeof(genuine) / sizeof(genuine[0]))

/* The parts of a genuine file that a forger copies. */
struct victim {
	struct buf bin;			/* the dearmored file */
	struct pgp_packet primary;	/* tag 6 */
	struct pgp_packet subkey;	/* the signing subkey, tag 14 */
	struct pgp_packet binding;	/* its 0x18 signature */
	size_t embedded_off, embedded_len;	/* its back-signature, in
						   binding.body */
};

/* A key whose secret the test holds: Ed25519, as gpg 2.2 makes it. */
struct signer {
	gcry_sexp_t pair;
	struct buf body;	/* its v4 public key packet body */
	unsigned char fpr[PGP_FPR_SIZE];
};

struct fixture {
	struct victim victims[NGENUINE];
	struct signer attacker, sub, other;
	struct buf file;	/* a key file under test */
	struct buf notes;
};

/* How sign() makes a signature. */
struct sigspec {
	unsigned type;
	unsigned hash;			/* OpenPGP hash id */
	int flags;			/* key flags, or -1 for none */
	bool flags_unhashed;		/* key flags in the unhashed area */
	const unsigned char *embedded;	/* a signature body, or NULL */
	size_t embedded_len;
	bool embedded_hashed;
	bool no_issuer;			/* no issuer subpackets */
	const unsigned char *issuer;	/* NULL: the signer's fingerprint */
};

static void load(struct buf *out, const char *name)
{
	const char *root = getenv("GITAPPS_SOURCE");
	char path[4096], chunk[4096];
	size_t n;
	FILE *f;

	n = (size_t)snprintf(path, sizeof(path), "%s/" FIXTURES "%s",
			     root != NULL && *root != '\0' ? root : ".", name);
	assert_true(n < sizeof(path));
	f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("cannot open %s (run from the source tree)", path);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		assert_int_equal(buf_put(out, chunk, n), 0);
	assert_false(ferror(f));
	fclose(f);
}

static const unsigned char *bytes(const struct buf *buf)
{
	return (const unsigned char *)buf->ptr;
}

/* Two-octet big-endian length at p. */
static size_t be16(const unsigned char *p)
{
	return ((size_t)p[0] << 8) | p[1];
}

/* Find the first subpacket of type in an area: its data's offset, length. */
static bool find_subpacket(const unsigned char *area, size_t len,
			   unsigned type, size_t *off, size_t *n)
{
	size_t p = 0, l;

	while (p < len) {
		if (area[p] < 192) {
			l = area[p];
			p += 1;
		} else {
			assert_true(area[p] < 255);
			l = ((size_t)(area[p] - 192) << 8) + area[p + 1] + 192;
			p += 2;
		}
		assert_true(l >= 1 && p + l <= len);
		if ((area[p] & 0x7f) == type) {
			*off = p + 1;
			*n = l - 1;
			return true;
		}
		p += l;
	}
	return false;
}

/* The unhashed area of a v4 signature body: its offset and length. */
static void unhashed_area(const struct pgp_packet *sig, size_t *off,
			  size_t *len)
{
	size_t hashed = be16(sig->body + 4);

	*off = 6 + hashed + 2;
	*len = be16(sig->body + 6 + hashed);
}

static void fingerprint_hex(char out[PGP_FPR_HEX_SIZE],
			    const struct pgp_packet *key)
{
	unsigned char fpr[PGP_FPR_SIZE];

	pgp_fingerprint(fpr, key->body, key->len);
	pgp_fingerprint_hex(out, fpr);
}

static void victim_load(struct victim *v, const struct genuine *g)
{
	struct buf text = BUF_INIT;
	struct pgp_packet packet;
	struct err err = {""};
	char hex[PGP_FPR_HEX_SIZE];
	bool in_signing = false;
	size_t pos = 0, off, len;
	int rc;

	load(&text, g->file);
	assert_int_equal(pgp_dearmor(&v->bin, text.ptr, text.len,
				     "PGP PUBLIC KEY BLOCK", &err),
			 0);
	buf_dispose(&text);
	while ((rc = pgp_packet_next(&packet, bytes(&v->bin), v->bin.len,
				     &pos, &err)) > 0) {
		if (packet.tag == PGP_TAG_PUBLIC_KEY)
			v->primary = packet;
		if (packet.tag == PGP_TAG_PUBLIC_SUBKEY) {
			fingerprint_hex(hex, &packet);
			in_signing = strcmp(hex, g->signing) == 0;
			if (in_signing)
				v->subkey = packet;
		}
		if (packet.tag == PGP_TAG_SIGNATURE && in_signing &&
		    packet.body[1] == 0x18)
			v->binding = packet;
	}
	assert_int_equal(rc, 0);
	assert_non_null(v->binding.body);
	unhashed_area(&v->binding, &off, &len);
	assert_true(find_subpacket(v->binding.body + off, len, 32,
				   &v->embedded_off, &v->embedded_len));
	v->embedded_off += off;
}

/* Append a packet with a new-format header. */
static void frame(struct buf *out, unsigned tag, const void *body, size_t len)
{
	unsigned char head[6];
	size_t n = 0;

	head[n++] = (unsigned char)(0xC0 | tag);
	if (len < 192) {
		head[n++] = (unsigned char)len;
	} else if (len < 8384) {
		head[n++] = (unsigned char)(((len - 192) >> 8) + 192);
		head[n++] = (unsigned char)((len - 192) & 0xff);
	} else {
		head[n++] = 0xff;
		head[n++] = (unsigned char)(len >> 24);
		head[n++] = (unsigned char)(len >> 16);
		head[n++] = (unsigned char)(len >> 8);
		head[n++] = (unsigned char)len;
	}
	assert_int_equal(buf_put(out, head, n), 0);
	assert_int_equal(buf_put(out, body, len), 0);
}

/* Append a subpacket. */
static void subpacket(struct buf *out, unsigned type, const void *data,
		      size_t len)
{
	unsigned char head[3];
	size_t n = 0, l = len + 1;

	if (l < 192) {
		head[n++] = (unsigned char)l;
	} else {
		assert_true(l < 8384);
		head[n++] = (unsigned char)(((l - 192) >> 8) + 192);
		head[n++] = (unsigned char)((l - 192) & 0xff);
	}
	head[n++] = (unsigned char)type;
	assert_int_equal(buf_put(out, head, n), 0);
	assert_int_equal(buf_put(out, data, len), 0);
}

/* Append an MPI of a big-endian magnitude. */
static void mpi(struct buf *out, const unsigned char *p, size_t len)
{
	unsigned char head[2];
	size_t bits;
	unsigned char top;

	while (len > 0 && *p == 0) {
		p++;
		len--;
	}
	assert_true(len > 0);
	bits = len * 8;
	for (top = p[0]; !(top & 0x80); top <<= 1)
		bits--;
	head[0] = (unsigned char)(bits >> 8);
	head[1] = (unsigned char)bits;
	assert_int_equal(buf_put(out, head, 2), 0);
	assert_int_equal(buf_put(out, p, len), 0);
}

static void signer_new(struct signer *s)
{
	static const unsigned char oid[] = {0x09, 0x2B, 0x06, 0x01, 0x04, 0x01,
					    0xDA, 0x47, 0x0F, 0x01};
	static const unsigned char head[] = {4, 0x6A, 0x00, 0x00, 0x00, 22};
	gcry_sexp_t params = NULL, q = NULL;
	const char *point;
	unsigned char full[33];
	size_t n;

	assert_int_equal(gcry_sexp_build(&params, NULL,
					 "(genkey(ecc(curve Ed25519)"
					 "(flags eddsa)))"),
			 0);
	assert_int_equal(gcry_pk_genkey(&s->pair, params), 0);
	gcry_sexp_release(params);
	q = gcry_sexp_find_token(s->pair, "q", 0);
	assert_non_null(q);
	point = gcry_sexp_nth_data(q, 1, &n);
	assert_non_null(point);
	/* gpg's form: 0x40, then the 32 bytes of the native encoding */
	assert_true(n == 32 || (n == 33 && point[0] == 0x40));
	full[0] = 0x40;
	memcpy(full + 1, point + n - 32, 32);
	gcry_sexp_release(q);
	assert_int_equal(buf_put(&s->body, head, sizeof(head)), 0);
	assert_int_equal(buf_put(&s->body, oid, sizeof(oid)), 0);
	mpi(&s->body, full, sizeof(full));
	pgp_fingerprint(s->fpr, bytes(&s->body), s->body.len);
}

static void signer_dispose(struct signer *s)
{
	gcry_sexp_release(s->pair);
	buf_dispose(&s->body);
}

static int md_algo(unsigned hash)
{
	switch (hash) {
	case 1:
		return GCRY_MD_MD5;
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
		return GCRY_MD_SHA256;	/* unknown: any digest will do */
	}
}

static void hash_key(gcry_md_hd_t md, const unsigned char *body, size_t len)
{
	unsigned char head[3] = {0x99, (unsigned char)(len >> 8),
				 (unsigned char)len};

	gcry_md_write(md, head, 3);
	gcry_md_write(md, body, len);
}

/* Sign primary and subkey as spec says, by by: out gets the body. */
static void sign(struct buf *out, const struct signer *by,
		 const struct sigspec *spec, const unsigned char *primary,
		 size_t primary_len, const unsigned char *subkey,
		 size_t subkey_len)
{
	static const unsigned char created[4] = {0x6A, 0x00, 0x00, 0x01};
	struct buf hashed = BUF_INIT, unhashed = BUF_INIT;
	unsigned char flags, head[6], trailer[6], issuer[1 + PGP_FPR_SIZE];
	const unsigned char *fpr = spec->issuer ? spec->issuer : by->fpr;
	gcry_sexp_t data = NULL, sig = NULL, part = NULL, sec = NULL;
	gcry_md_hd_t md = NULL;
	const unsigned char *digest;
	static const char *const parts[] = {"r", "s"};
	const char *value;
	size_t len, hashed_len, i;

	subpacket(&hashed, 2, created, sizeof(created));
	if (spec->flags >= 0) {
		flags = (unsigned char)spec->flags;
		subpacket(spec->flags_unhashed ? &unhashed : &hashed, 27,
			  &flags, 1);
	}
	if (!spec->no_issuer) {
		issuer[0] = 4;
		memcpy(issuer + 1, fpr, PGP_FPR_SIZE);
		subpacket(&hashed, 33, issuer, sizeof(issuer));
		subpacket(&unhashed, 16, fpr + PGP_FPR_SIZE - 8, 8);
	}
	if (spec->embedded != NULL)
		subpacket(spec->embedded_hashed ? &hashed : &unhashed, 32,
			  spec->embedded, spec->embedded_len);
	head[0] = 4;
	head[1] = (unsigned char)spec->type;
	head[2] = 22;
	head[3] = (unsigned char)spec->hash;
	head[4] = (unsigned char)(hashed.len >> 8);
	head[5] = (unsigned char)hashed.len;
	hashed_len = 6 + hashed.len;

	assert_int_equal(gcry_md_open(&md, md_algo(spec->hash), 0), 0);
	hash_key(md, primary, primary_len);
	hash_key(md, subkey, subkey_len);
	gcry_md_write(md, head, sizeof(head));
	gcry_md_write(md, hashed.ptr, hashed.len);
	trailer[0] = 4;
	trailer[1] = 0xff;
	trailer[2] = (unsigned char)(hashed_len >> 24);
	trailer[3] = (unsigned char)(hashed_len >> 16);
	trailer[4] = (unsigned char)(hashed_len >> 8);
	trailer[5] = (unsigned char)hashed_len;
	gcry_md_write(md, trailer, sizeof(trailer));
	digest = gcry_md_read(md, 0);
	len = gcry_md_get_algo_dlen(md_algo(spec->hash));

	sec = gcry_sexp_find_token(by->pair, "private-key", 0);
	assert_non_null(sec);
	assert_int_equal(gcry_sexp_build(&data, NULL,
					 "(data(flags eddsa)(hash-algo sha512)"
					 "(value %b))",
					 (int)len, digest),
			 0);
	assert_int_equal(gcry_pk_sign(&sig, data, sec), 0);

	assert_int_equal(buf_put(out, head, sizeof(head)), 0);
	assert_int_equal(buf_put(out, hashed.ptr, hashed.len), 0);
	assert_int_equal(buf_putc(out, (char)(unhashed.len >> 8)), 0);
	assert_int_equal(buf_putc(out, (char)unhashed.len), 0);
	assert_int_equal(buf_put(out, unhashed.ptr, unhashed.len), 0);
	assert_int_equal(buf_put(out, digest, 2), 0);
	for (i = 0; i < 2; i++) {
		part = gcry_sexp_find_token(sig, parts[i], 0);
		assert_non_null(part);
		value = gcry_sexp_nth_data(part, 1, &len);
		assert_true(value != NULL && len == 32);
		mpi(out, (const unsigned char *)value, len);
		gcry_sexp_release(part);
	}
	gcry_sexp_release(sec);
	gcry_sexp_release(data);
	gcry_sexp_release(sig);
	gcry_md_close(md);
	buf_dispose(&hashed);
	buf_dispose(&unhashed);
}

/* fx->file = primary, a user id, the subkey and its binding signature. */
static void splice(struct buf *file, const unsigned char *primary,
		   size_t primary_len, const unsigned char *subkey,
		   size_t subkey_len, const struct buf *binding)
{
	static const char uid[] = "attacker <attacker@example.org>";

	buf_clear(file);
	frame(file, PGP_TAG_PUBLIC_KEY, primary, primary_len);
	frame(file, PGP_TAG_USER_ID, uid, sizeof(uid) - 1);
	frame(file, PGP_TAG_PUBLIC_SUBKEY, subkey, subkey_len);
	frame(file, PGP_TAG_SIGNATURE, binding->ptr, binding->len);
}

/*
 * The attacker's file binding subkey with spec, and (when back is not
 * NULL) the back-signature back makes over the attacker and subkey.
 */
static void forge(struct fixture *fx, const struct sigspec *binding_spec,
		  const struct signer *back, const struct sigspec *back_spec,
		  const unsigned char *subkey, size_t subkey_len)
{
	const struct signer *a = &fx->attacker;
	struct buf backsig = BUF_INIT, binding = BUF_INIT;
	struct sigspec spec = *binding_spec;

	if (back != NULL) {
		sign(&backsig, back, back_spec, bytes(&a->body), a->body.len,
		     subkey, subkey_len);
		spec.embedded = bytes(&backsig);
		spec.embedded_len = backsig.len;
	}
	sign(&binding, a, &spec, bytes(&a->body), a->body.len, subkey,
	     subkey_len);
	splice(&fx->file, bytes(&a->body), a->body.len, subkey, subkey_len,
	       &binding);
	buf_dispose(&backsig);
	buf_dispose(&binding);
}

static const struct sigspec binding_sign = {0x18, 8, 0x02, false, NULL, 0,
					    false, false, NULL};
static const struct sigspec back_sign = {0x19, 8, -1, false, NULL, 0,
					 false, false, NULL};

/* Run backsig on data, which must read; keys and notes are kept. */
static void keys_of(struct fixture *fx, struct backsig_keys *keys,
		    const unsigned char *data, size_t len)
{
	struct err err = {""};
	int rc;

	buf_clear(&fx->notes);
	rc = backsig_signing_keys(keys, data, len, &fx->notes, &err);
	if (rc != 0)
		print_error("backsig_signing_keys: %s\n", err.msg);
	assert_int_equal(rc, 0);
}

/* The file under test lists no subkey, for the reason note. */
static void assert_unlisted(struct fixture *fx, const char *subkey_hex,
			    const char *why)
{
	struct backsig_keys keys;
	char want[256];

	keys_of(fx, &keys, bytes(&fx->file), fx->file.len);
	assert_int_equal(keys.nsigning, 0);
	snprintf(want, sizeof(want), "subkey %s: %s\n", subkey_hex, why);
	assert_string_equal(buf_cstr(&fx->notes), want);
}

/* The file under test lists exactly the one subkey. */
static void assert_listed(struct fixture *fx, const char *subkey_hex)
{
	struct backsig_keys keys;

	keys_of(fx, &keys, bytes(&fx->file), fx->file.len);
	assert_int_equal(keys.nsigning, 1);
	assert_string_equal(keys.signing[0], subkey_hex);
	assert_string_equal(buf_cstr(&fx->notes), "");
}

static void hex_of(char out[PGP_FPR_HEX_SIZE], const struct signer *s)
{
	pgp_fingerprint_hex(out, s->fpr);
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	size_t i;

	if (fx == NULL || backsig_init(NULL) < 0)
		return -1;
	for (i = 0; i < NGENUINE; i++)
		victim_load(&fx->victims[i], &genuine[i]);
	signer_new(&fx->attacker);
	signer_new(&fx->sub);
	signer_new(&fx->other);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	size_t i;

	for (i = 0; i < NGENUINE; i++)
		buf_dispose(&fx->victims[i].bin);
	signer_dispose(&fx->attacker);
	signer_dispose(&fx->sub);
	signer_dispose(&fx->other);
	buf_dispose(&fx->file);
	buf_dispose(&fx->notes);
	free(fx);
	return 0;
}

/* Every algorithm, curve and hash gpg 2.2 makes: listed as gpg lists it. */
static void backsig__genuine_keys_of_every_algorithm(void **state)
{
	struct fixture *fx = *state;
	struct backsig_keys keys;
	size_t i;

	for (i = 0; i < NGENUINE; i++) {
		const struct victim *v = &fx->victims[i];

		keys_of(fx, &keys, bytes(&v->bin), v->bin.len);
		assert_string_equal(keys.primary, genuine[i].primary);
		assert_int_equal(keys.nsigning, 1);
		assert_string_equal(keys.signing[0], genuine[i].signing);
		assert_string_equal(buf_cstr(&fx->notes), genuine[i].notes);
	}
}

/* notes may be NULL. */
static void backsig__notes_are_optional(void **state)
{
	struct fixture *fx = *state;
	const struct victim *v = &fx->victims[0];
	struct backsig_keys keys;
	struct err err = {""};

	assert_int_equal(backsig_signing_keys(&keys, bytes(&v->bin),
					      v->bin.len, NULL, &err),
			 0);
	assert_int_equal(keys.nsigning, 1);
	assert_string_equal(keys.signing[0], genuine[0].signing);
}

/*
 * The simplest copy: the victim's subkey with the victim's own binding
 * signature (and back-signature) under another primary of the same
 * algorithm.  Its twin: the victim's file lists it.
 */
static void backsig__copied_subkey_and_binding_are_ignored(void **state)
{
	struct fixture *fx = *state;
	const struct victim *victim = &fx->victims[0];
	const struct victim *attacker = &fx->victims[NGENUINE - 1];
	struct buf binding = BUF_INIT;
	struct backsig_keys keys;

	assert_int_equal(buf_put(&binding, victim->binding.body,
				 victim->binding.len),
			 0);
	splice(&fx->file, attacker->primary.body, attacker->primary.len,
	       victim->subkey.body, victim->subkey.len, &binding);
	assert_unlisted(fx, genuine[0].signing,
			"binding signature names another key as its issuer");

	buf_dispose(&binding);

	/* the twin */
	keys_of(fx, &keys, bytes(&victim->bin), victim->bin.len);
	assert_int_equal(keys.nsigning, 1);
	assert_string_equal(keys.signing[0], genuine[0].signing);
}

/*
 * The attack: the attacker binds the victim's subkey, or the victim's
 * primary key packet re-framed as a subkey, with a binding signature that
 * is valid and says "signing", but cannot back-sign it.  Every algorithm.
 * Twin: the attacker's own subkey, back-signed, is listed.
 */
static void backsig__binding_without_backsig_is_ignored(void **state)
{
	struct fixture *fx = *state;
	char hex[PGP_FPR_HEX_SIZE];
	size_t i;

	for (i = 0; i < NGENUINE; i++) {
		const struct victim *v = &fx->victims[i];

		forge(fx, &binding_sign, NULL, NULL, v->subkey.body,
		      v->subkey.len);
		assert_unlisted(fx, genuine[i].signing, "no back-signature");
		forge(fx, &binding_sign, NULL, NULL, v->primary.body,
		      v->primary.len);
		assert_unlisted(fx, genuine[i].primary, "no back-signature");
	}
	hex_of(hex, &fx->sub);
	forge(fx, &binding_sign, NULL, NULL, bytes(&fx->sub.body),
	      fx->sub.body.len);
	assert_unlisted(fx, hex, "no back-signature");
	forge(fx, &binding_sign, &fx->sub, &back_sign, bytes(&fx->sub.body),
	      fx->sub.body.len);
	assert_listed(fx, hex);
}

/*
 * The victim's real back-signature, copied into the attacker's binding:
 * it covers the victim's primary, not the attacker's, so it fails.
 * Twin: the same back-signature in the victim's own file verifies.
 */
static void backsig__copied_backsig_does_not_verify(void **state)
{
	struct fixture *fx = *state;
	struct sigspec spec = binding_sign;
	struct buf binding = BUF_INIT;
	size_t i;

	for (i = 0; i < NGENUINE; i++) {
		const struct victim *v = &fx->victims[i];
		const struct signer *a = &fx->attacker;

		spec.embedded = v->binding.body + v->embedded_off;
		spec.embedded_len = v->embedded_len;
		buf_clear(&binding);
		sign(&binding, a, &spec, bytes(&a->body), a->body.len,
		     v->subkey.body, v->subkey.len);
		splice(&fx->file, bytes(&a->body), a->body.len, v->subkey.body,
		       v->subkey.len, &binding);
		assert_unlisted(fx, genuine[i].signing,
				"back-signature does not verify");

		/* in the hashed area, too */
		spec.embedded_hashed = true;
		buf_clear(&binding);
		sign(&binding, a, &spec, bytes(&a->body), a->body.len,
		     v->subkey.body, v->subkey.len);
		splice(&fx->file, bytes(&a->body), a->body.len, v->subkey.body,
		       v->subkey.len, &binding);
		assert_unlisted(fx, genuine[i].signing,
				"back-signature does not verify");
		spec.embedded_hashed = false;
	}
	buf_dispose(&binding);
}

/* gpg writes the back-signature unhashed; hashed counts the same. */
static void backsig__backsig_in_either_area(void **state)
{
	struct fixture *fx = *state;
	struct sigspec spec = binding_sign;
	char hex[PGP_FPR_HEX_SIZE];

	hex_of(hex, &fx->sub);
	spec.embedded_hashed = true;
	forge(fx, &spec, &fx->sub, &back_sign, bytes(&fx->sub.body),
	      fx->sub.body.len);
	assert_listed(fx, hex);
	spec.embedded_hashed = false;
	forge(fx, &spec, &fx->sub, &back_sign, bytes(&fx->sub.body),
	      fx->sub.body.len);
	assert_listed(fx, hex);
}

/*
 * A back-signature made by any key but the subkey fails: by the attacker's
 * primary (which can sign anything it likes), by a third key, with or
 * without issuer subpackets to give it away.
 */
static void backsig__backsig_by_another_key_is_ignored(void **state)
{
	struct fixture *fx = *state;
	struct sigspec back = back_sign;
	char hex[PGP_FPR_HEX_SIZE];

	hex_of(hex, &fx->sub);
	forge(fx, &binding_sign, &fx->attacker, &back, bytes(&fx->sub.body),
	      fx->sub.body.len);
	assert_unlisted(fx, hex,
			"back-signature names another key as its issuer");
	forge(fx, &binding_sign, &fx->other, &back, bytes(&fx->sub.body),
	      fx->sub.body.len);
	assert_unlisted(fx, hex,
			"back-signature names another key as its issuer");
	back.no_issuer = true;
	forge(fx, &binding_sign, &fx->attacker, &back, bytes(&fx->sub.body),
	      fx->sub.body.len);
	assert_unlisted(fx, hex, "back-signature does not verify");
	/* by the subkey but naming another issuer: refused all the same */
	back.no_issuer = false;
	back.issuer = fx->other.fpr;
	forge(fx, &binding_sign, &fx->sub, &back, bytes(&fx->sub.body),
	      fx->sub.body.len);
	assert_unlisted(fx, hex,
			"back-signature names another key as its issuer");
	/* twin: by the subkey, without issuer subpackets */
	back.issuer = NULL;
	back.no_issuer = true;
	forge(fx, &binding_sign, &fx->sub, &back, bytes(&fx->sub.body),
	      fx->sub.body.len);
	assert_listed(fx, hex);
}

/* The binding signature must be by the primary, issuer and all. */
static void backsig__binding_by_another_key_is_ignored(void **state)
{
	struct fixture *fx = *state;
	struct sigspec spec = binding_sign;
	struct buf backsig = BUF_INIT, binding = BUF_INIT;
	const struct signer *a = &fx->attacker;
	char hex[PGP_FPR_HEX_SIZE];

	hex_of(hex, &fx->sub);
	sign(&backsig, &fx->sub, &back_sign, bytes(&a->body), a->body.len,
	     bytes(&fx->sub.body), fx->sub.body.len);
	spec.embedded = bytes(&backsig);
	spec.embedded_len = backsig.len;
	spec.no_issuer = true;
	/* made by the subkey itself, or by a third key: not the primary */
	sign(&binding, &fx->sub, &spec, bytes(&a->body), a->body.len,
	     bytes(&fx->sub.body), fx->sub.body.len);
	splice(&fx->file, bytes(&a->body), a->body.len, bytes(&fx->sub.body),
	       fx->sub.body.len, &binding);
	assert_unlisted(fx, hex, "binding signature does not verify");
	spec.no_issuer = false;
	spec.issuer = fx->other.fpr;
	buf_clear(&binding);
	sign(&binding, a, &spec, bytes(&a->body), a->body.len,
	     bytes(&fx->sub.body), fx->sub.body.len);
	splice(&fx->file, bytes(&a->body), a->body.len, bytes(&fx->sub.body),
	       fx->sub.body.len, &binding);
	assert_unlisted(fx, hex,
			"binding signature names another key as its issuer");
	/* twin */
	spec.issuer = NULL;
	buf_clear(&binding);
	sign(&binding, a, &spec, bytes(&a->body), a->body.len,
	     bytes(&fx->sub.body), fx->sub.body.len);
	splice(&fx->file, bytes(&a->body), a->body.len, bytes(&fx->sub.body),
	       fx->sub.body.len, &binding);
	assert_listed(fx, hex);
	buf_dispose(&backsig);
	buf_dispose(&binding);
}

/* Only a 0x19 signature is a back-signature; only 0x18 binds. */
static void backsig__signature_types_are_checked(void **state)
{
	struct fixture *fx = *state;
	struct sigspec back = back_sign, spec = binding_sign;
	char hex[PGP_FPR_HEX_SIZE];

	hex_of(hex, &fx->sub);
	back.type = 0x18;
	forge(fx, &binding_sign, &fx->sub, &back, bytes(&fx->sub.body),
	      fx->sub.body.len);
	assert_unlisted(fx, hex,
			"back-signature is malformed, not of type 0x19, or "
			"of an algorithm that cannot be checked");
	/* a certification (0x10) after a subkey binds nothing */
	spec.type = 0x10;
	forge(fx, &spec, &fx->sub, &back_sign, bytes(&fx->sub.body),
	      fx->sub.body.len);
	assert_unlisted(fx, hex, "no binding signature");
}

/* Signing must be allowed by the hashed key flags, and only by them. */
static void backsig__key_flags_must_allow_signing(void **state)
{
	struct fixture *fx = *state;
	struct sigspec spec = binding_sign;
	char hex[PGP_FPR_HEX_SIZE];
	static const int refused[] = {-1, 0x00, 0x01, 0x0C, 0x20, 0xFD};
	static const int allowed[] = {0x02, 0x03, 0xFF};
	size_t i;

	hex_of(hex, &fx->sub);
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		spec.flags = refused[i];
		forge(fx, &spec, &fx->sub, &back_sign, bytes(&fx->sub.body),
		      fx->sub.body.len);
		assert_unlisted(fx, hex,
				"not a signing key (its key flags lack 0x02)");
	}
	/* unhashed key flags are anyone's to add */
	spec.flags = 0x02;
	spec.flags_unhashed = true;
	forge(fx, &spec, &fx->sub, &back_sign, bytes(&fx->sub.body),
	      fx->sub.body.len);
	assert_unlisted(fx, hex, "not a signing key (its key flags lack 0x02)");
	spec.flags_unhashed = false;
	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
		spec.flags = allowed[i];
		forge(fx, &spec, &fx->sub, &back_sign, bytes(&fx->sub.body),
		      fx->sub.body.len);
		assert_listed(fx, hex);
	}
}

/* SHA-1 (which gpg 2.2.40 no longer makes) and friends; never MD5. */
static void backsig__hash_algorithms(void **state)
{
	struct fixture *fx = *state;
	struct sigspec spec = binding_sign, back = back_sign;
	char hex[PGP_FPR_HEX_SIZE];
	static const unsigned good[] = {2, 3, 8, 9, 10, 11};
	static const unsigned bad[] = {1, 0, 4, 12, 14, 255};
	size_t i;

	hex_of(hex, &fx->sub);
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		spec.hash = back.hash = good[i];
		forge(fx, &spec, &fx->sub, &back, bytes(&fx->sub.body),
		      fx->sub.body.len);
		assert_listed(fx, hex);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		spec.hash = bad[i];
		back.hash = 8;
		forge(fx, &spec, &fx->sub, &back, bytes(&fx->sub.body),
		      fx->sub.body.len);
		assert_unlisted(fx, hex,
				"binding signature uses a hash algorithm that "
				"cannot be checked");
		spec.hash = 8;
		back.hash = bad[i];
		forge(fx, &spec, &fx->sub, &back, bytes(&fx->sub.body),
		      fx->sub.body.len);
		assert_unlisted(fx, hex,
				"back-signature uses a hash algorithm that "
				"cannot be checked");
	}
}

/* A subkey of an algorithm that cannot sign or be checked: a note. */
static void backsig__unknown_subkey_algorithm_is_ignored(void **state)
{
	struct fixture *fx = *state;
	struct buf subkey = BUF_INIT;
	char hex[PGP_FPR_HEX_SIZE];
	unsigned char fpr[PGP_FPR_SIZE];

	/* the test's own subkey, its algorithm byte 22 changed to 18 */
	assert_int_equal(buf_put(&subkey, fx->sub.body.ptr, fx->sub.body.len),
			 0);
	subkey.ptr[5] = 18;
	pgp_fingerprint(fpr, bytes(&subkey), subkey.len);
	pgp_fingerprint_hex(hex, fpr);
	forge(fx, &binding_sign, NULL, NULL, bytes(&subkey), subkey.len);
	assert_unlisted(fx, hex,
			"key has an algorithm that cannot be checked");
	/* an unknown curve */
	subkey.ptr[5] = 22;
	subkey.ptr[7 + 8] ^= 0x40;	/* the last byte of the OID */
	pgp_fingerprint(fpr, bytes(&subkey), subkey.len);
	pgp_fingerprint_hex(hex, fpr);
	forge(fx, &binding_sign, NULL, NULL, bytes(&subkey), subkey.len);
	assert_unlisted(fx, hex,
			"key has a curve that cannot be checked");
	buf_dispose(&subkey);
}

/* fx->file = orig with the low bit of byte at flipped. */
static void flip(struct fixture *fx, const struct buf *orig, size_t at)
{
	buf_clear(&fx->file);
	assert_int_equal(buf_put(&fx->file, orig->ptr, orig->len), 0);
	fx->file.ptr[at] ^= 0x01;
}

/*
 * Is at one of the two-byte MPI headers of a signature's tail, which
 * starts at tail (after the left 16 bits) and ends at end?  A header is
 * not signed, and a bit count changed within the same byte count reads
 * the same number (RFC 4880 3.2 asks for the exact count; gpg does not
 * check it, and neither do we, so gpg's keys always read).
 */
static bool in_mpi_header(const unsigned char *body, size_t tail, size_t end,
			  size_t at)
{
	while (tail + 2 <= end) {
		if (at == tail || at == tail + 1)
			return true;
		tail += 2 + (be16(body + tail) + 7) / 8;
	}
	return false;
}

/*
 * Every byte of a genuine binding signature that is signed, and every
 * byte of its back-signature that is signed, matters: changing one drops
 * the subkey.  The unhashed areas may change (gpg writes the issuer key id
 * there) and so may MPI headers, so they are skipped.
 */
static void backsig__corrupted_bytes_are_ignored(void **state)
{
	struct fixture *fx = *state;
	struct backsig_keys keys;
	size_t i, at, base, uoff, ulen, eoff, elen, ehashed, etail;
	char want[128];

	for (i = 0; i < NGENUINE; i++) {
		const struct victim *v = &fx->victims[i];
		const struct pgp_packet *b = &v->binding;

		base = (size_t)(b->body - bytes(&v->bin));
		unhashed_area(b, &uoff, &ulen);
		eoff = v->embedded_off;
		elen = v->embedded_len;
		ehashed = 6 + be16(b->body + eoff + 4);
		etail = eoff + ehashed + 2 + be16(b->body + eoff + ehashed) + 2;
		/* byte by byte for one key of each algorithm, for time */
		for (at = 0; i < 4 && at < b->len; at++) {
			bool in_unhashed = at >= uoff - 2 && at < uoff + ulen;
			bool in_back_signed =
				at >= eoff &&
				(at < eoff + ehashed ||
				 at >= eoff + ehashed + 2 +
						be16(b->body + eoff + ehashed));
			bool in_back = at >= eoff && at < eoff + elen;

			if ((in_unhashed && !(in_back && in_back_signed)) ||
			    in_mpi_header(b->body, uoff + ulen + 2, b->len,
					  at) ||
			    in_mpi_header(b->body, etail, eoff + elen, at))
				continue;
			flip(fx, &v->bin, base + at);
			keys_of(fx, &keys, bytes(&fx->file), fx->file.len);
			if (keys.nsigning != 0)
				fail_msg("%s: flipping byte %zu of the binding "
					 "signature kept the subkey",
					 genuine[i].file, at);
		}
		/* and one named case per file, with its note */
		flip(fx, &v->bin, base + eoff + elen - 1);
		keys_of(fx, &keys, bytes(&fx->file), fx->file.len);
		assert_int_equal(keys.nsigning, 0);
		snprintf(want, sizeof(want),
			 "subkey %s: back-signature does not verify\n",
			 genuine[i].signing);
		assert_non_null(strstr(buf_cstr(&fx->notes), want));
		flip(fx, &v->bin, base + b->len - 1);
		keys_of(fx, &keys, bytes(&fx->file), fx->file.len);
		assert_int_equal(keys.nsigning, 0);
		assert_non_null(strstr(buf_cstr(&fx->notes),
				       "binding signature does not verify"));
	}
}

/* Whatever a prefix or a changed byte gives, never a key it did not hold. */
static void backsig__hostile_input_never_adds_a_key(void **state)
{
	struct fixture *fx = *state;
	struct backsig_keys keys;
	struct err err;
	size_t i, at;
	int rc;

	for (i = 0; i < NGENUINE; i++) {
		const struct victim *v = &fx->victims[i];
		/* every byte of ed25519.asc; a sample of the others */
		size_t step = i == 0 ? 1 : 11;

		for (at = 0; at < v->bin.len; at += step) {
			rc = backsig_signing_keys(&keys, bytes(&v->bin), at,
						  NULL, &err);
			assert_true(rc == 0 || rc == -1);
			if (rc == 0 && keys.nsigning > 0)
				assert_string_equal(keys.signing[0],
						    genuine[i].signing);
		}
		for (at = 0; at < v->bin.len; at += step) {
			flip(fx, &v->bin, at);
			rc = backsig_signing_keys(&keys, bytes(&fx->file),
						  fx->file.len, NULL, &err);
			assert_true(rc == 0 || rc == -1);
			assert_true(keys.nsigning <= 1);
			if (keys.nsigning == 1)
				assert_string_equal(keys.signing[0],
						    genuine[i].signing);
		}
	}
}

/* What stops the reading is an error, and the notes stay as they were. */
static void backsig__unreadable_input_is_an_error(void **state)
{
	struct fixture *fx = *state;
	const struct victim *v = &fx->victims[0];
	struct backsig_keys keys;
	struct err err = {""};
	unsigned char garbage[64];
	char want[64];
	size_t i;

	buf_clear(&fx->notes);
	assert_int_equal(buf_puts(&fx->notes, "kept\n"), 0);
	assert_int_equal(backsig_signing_keys(&keys, bytes(&v->bin), 0,
					      &fx->notes, &err),
			 -1);
	assert_string_equal(err.msg, "holds no key");
	assert_string_equal(keys.primary, "");

	/* a user id first */
	buf_clear(&fx->file);
	frame(&fx->file, PGP_TAG_USER_ID, "x", 1);
	assert_int_equal(backsig_signing_keys(&keys, bytes(&fx->file),
					      fx->file.len, &fx->notes, &err),
			 -1);
	assert_string_equal(err.msg,
			    "does not start with a v4 public key packet");

	/* two keys; a secret subkey; a trust packet */
	buf_clear(&fx->file);
	assert_int_equal(buf_put(&fx->file, v->bin.ptr, v->bin.len), 0);
	frame(&fx->file, PGP_TAG_PUBLIC_KEY, fx->sub.body.ptr,
	      fx->sub.body.len);
	assert_int_equal(backsig_signing_keys(&keys, bytes(&fx->file),
					      fx->file.len, &fx->notes, &err),
			 -1);
	assert_string_equal(err.msg, "holds more than one key");
	fx->file.len = v->bin.len;
	frame(&fx->file, PGP_TAG_SECRET_SUBKEY, fx->sub.body.ptr,
	      fx->sub.body.len);
	assert_int_equal(backsig_signing_keys(&keys, bytes(&fx->file),
					      fx->file.len, &fx->notes, &err),
			 -1);
	assert_string_equal(err.msg,
			    "holds a packet a public key cannot hold (tag 7)");
	assert_int_equal(keys.nsigning, 0);

	/* too many subkeys */
	buf_clear(&fx->file);
	assert_int_equal(buf_put(&fx->file, v->bin.ptr, v->bin.len), 0);
	for (i = 0; i < KEYFILE_MAX_KEYS; i++)
		frame(&fx->file, PGP_TAG_PUBLIC_SUBKEY, fx->sub.body.ptr,
		      fx->sub.body.len);
	assert_int_equal(backsig_signing_keys(&keys, bytes(&fx->file),
					      fx->file.len, &fx->notes, &err),
			 -1);
	assert_string_equal(err.msg, "holds more than 31 subkeys");

	/* bad framing */
	buf_clear(&fx->file);
	assert_int_equal(buf_put(&fx->file, v->bin.ptr, v->bin.len), 0);
	assert_int_equal(buf_putc(&fx->file, 0x3f), 0);
	assert_int_equal(backsig_signing_keys(&keys, bytes(&fx->file),
					      fx->file.len, &fx->notes, &err),
			 -1);
	snprintf(want, sizeof(want), "bad packet header at byte %zu",
		 v->bin.len);
	assert_string_equal(err.msg, want);

	/* garbage */
	for (i = 0; i < sizeof(garbage); i++)
		garbage[i] = (unsigned char)(i * 37 + 11);
	assert_int_equal(backsig_signing_keys(&keys, garbage, sizeof(garbage),
					      &fx->notes, &err),
			 -1);
	assert_string_equal(buf_cstr(&fx->notes), "kept\n");
}

/* Hostile lengths inside packets: ignored with a note, never read past. */
static void backsig__hostile_lengths_are_ignored(void **state)
{
	struct fixture *fx = *state;
	struct buf bad = BUF_INIT, binding = BUF_INIT;
	const struct signer *a = &fx->attacker;
	struct backsig_keys keys;
	char hex[PGP_FPR_HEX_SIZE];
	unsigned char fpr[PGP_FPR_SIZE];
	/* v4 Ed25519 key with an OID length of 255 */
	static const unsigned char long_oid[] = {4, 0x6A, 0, 0, 0, 22, 255, 1};
	/* v4 RSA key whose MPI claims 65535 bits */
	static const unsigned char long_mpi[] = {4, 0x6A, 0, 0, 0, 1,
						 0xff, 0xff, 1, 2};
	/* v4 signature, hashed area length 0xffff */
	static const unsigned char long_area[] = {4, 0x18, 22, 8, 0xff, 0xff,
						  1, 2, 3};
	/* v4 signature, a five-octet subpacket length of 4 GiB */
	static const unsigned char long_sub[] = {
		4, 0x18, 22, 8, 0, 6, 0xff, 0xff, 0xff, 0xff, 0xff, 27,
		0, 0, 0xAB, 0xCD, 0, 1, 1, 0, 1, 1};

	assert_int_equal(buf_put(&bad, long_oid, sizeof(long_oid)), 0);
	pgp_fingerprint(fpr, bytes(&bad), bad.len);
	pgp_fingerprint_hex(hex, fpr);
	forge(fx, &binding_sign, NULL, NULL, bytes(&bad), bad.len);
	assert_unlisted(fx, hex, "key is malformed");
	buf_clear(&bad);
	assert_int_equal(buf_put(&bad, long_mpi, sizeof(long_mpi)), 0);
	pgp_fingerprint(fpr, bytes(&bad), bad.len);
	pgp_fingerprint_hex(hex, fpr);
	forge(fx, &binding_sign, NULL, NULL, bytes(&bad), bad.len);
	assert_unlisted(fx, hex, "key is malformed");

	hex_of(hex, &fx->sub);
	assert_int_equal(buf_put(&binding, long_area, sizeof(long_area)), 0);
	splice(&fx->file, bytes(&a->body), a->body.len, bytes(&fx->sub.body),
	       fx->sub.body.len, &binding);
	assert_unlisted(fx, hex,
			"binding signature is malformed or of an algorithm "
			"that cannot be checked");
	buf_clear(&binding);
	assert_int_equal(buf_put(&binding, long_sub, sizeof(long_sub)), 0);
	splice(&fx->file, bytes(&a->body), a->body.len, bytes(&fx->sub.body),
	       fx->sub.body.len, &binding);
	assert_unlisted(fx, hex,
			"binding signature is malformed or of an algorithm "
			"that cannot be checked");
	/* a v3 binding */
	binding.ptr[0] = 3;
	splice(&fx->file, bytes(&a->body), a->body.len, bytes(&fx->sub.body),
	       fx->sub.body.len, &binding);
	assert_unlisted(fx, hex, "binding signature is not v4");
	/* a v3 subkey: no v4 fingerprint, so named by its place */
	buf_clear(&bad);
	assert_int_equal(buf_put(&bad, fx->sub.body.ptr, fx->sub.body.len), 0);
	bad.ptr[0] = 3;
	forge(fx, &binding_sign, NULL, NULL, bytes(&bad), bad.len);
	keys_of(fx, &keys, bytes(&fx->file), fx->file.len);
	assert_int_equal(keys.nsigning, 0);
	assert_string_equal(buf_cstr(&fx->notes),
			    "subkey #1: not an OpenPGP v4 key\n");
	buf_dispose(&bad);
	buf_dispose(&binding);
}

/* A subkey bound twice is listed once; a bad binding is outweighed. */
static void backsig__each_subkey_is_listed_once(void **state)
{
	struct fixture *fx = *state;
	struct buf backsig = BUF_INIT, good = BUF_INIT, bad = BUF_INIT;
	const struct signer *a = &fx->attacker;
	struct sigspec spec = binding_sign;
	char hex[PGP_FPR_HEX_SIZE];

	hex_of(hex, &fx->sub);
	sign(&backsig, &fx->sub, &back_sign, bytes(&a->body), a->body.len,
	     bytes(&fx->sub.body), fx->sub.body.len);
	spec.embedded = bytes(&backsig);
	spec.embedded_len = backsig.len;
	sign(&good, a, &spec, bytes(&a->body), a->body.len,
	     bytes(&fx->sub.body), fx->sub.body.len);
	spec.embedded = NULL;
	sign(&bad, a, &spec, bytes(&a->body), a->body.len,
	     bytes(&fx->sub.body), fx->sub.body.len);
	splice(&fx->file, bytes(&a->body), a->body.len, bytes(&fx->sub.body),
	       fx->sub.body.len, &bad);
	frame(&fx->file, PGP_TAG_SIGNATURE, good.ptr, good.len);
	frame(&fx->file, PGP_TAG_PUBLIC_SUBKEY, fx->sub.body.ptr,
	      fx->sub.body.len);
	frame(&fx->file, PGP_TAG_SIGNATURE, good.ptr, good.len);
	assert_listed(fx, hex);
	/* the primary bound and back-signed as its own subkey: the primary */
	buf_clear(&backsig);
	buf_clear(&good);
	sign(&backsig, a, &back_sign, bytes(&a->body), a->body.len,
	     bytes(&a->body), a->body.len);
	spec.embedded = bytes(&backsig);
	spec.embedded_len = backsig.len;
	sign(&good, a, &spec, bytes(&a->body), a->body.len, bytes(&a->body),
	     a->body.len);
	splice(&fx->file, bytes(&a->body), a->body.len, bytes(&a->body),
	       a->body.len, &good);
	{
		struct backsig_keys keys;

		keys_of(fx, &keys, bytes(&fx->file), fx->file.len);
		assert_int_equal(keys.nsigning, 0);
		assert_string_equal(buf_cstr(&fx->notes), "");
	}
	buf_dispose(&backsig);
	buf_dispose(&good);
	buf_dispose(&bad);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(backsig__genuine_keys_of_every_algorithm),
		cmocka_unit_test(backsig__notes_are_optional),
		cmocka_unit_test(backsig__copied_subkey_and_binding_are_ignored),
		cmocka_unit_test(backsig__binding_without_backsig_is_ignored),
		cmocka_unit_test(backsig__copied_backsig_does_not_verify),
		cmocka_unit_test(backsig__backsig_in_either_area),
		cmocka_unit_test(backsig__backsig_by_another_key_is_ignored),
		cmocka_unit_test(backsig__binding_by_another_key_is_ignored),
		cmocka_unit_test(backsig__signature_types_are_checked),
		cmocka_unit_test(backsig__key_flags_must_allow_signing),
		cmocka_unit_test(backsig__hash_algorithms),
		cmocka_unit_test(backsig__unknown_subkey_algorithm_is_ignored),
		cmocka_unit_test(backsig__corrupted_bytes_are_ignored),
		cmocka_unit_test(backsig__hostile_input_never_adds_a_key),
		cmocka_unit_test(backsig__unreadable_input_is_an_error),
		cmocka_unit_test(backsig__hostile_lengths_are_ignored),
		cmocka_unit_test(backsig__each_subkey_is_listed_once),
	};

	/* one setup: gpg's keys are read and Ed25519 keys made once */
	return cmocka_run_group_tests(tests, setup, teardown);
}
