/* cert: push certificates, real ones and their forgeries (adapters/cert.c) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../adapters/cert.h"
#include "../../adapters/pgp.h"

/*
 * The fixtures are real: tests/unit/fixtures/cert/README says how git
 * 2.39.5 and gpg 2.2.40 made them.  signed.cert (14 lines):
 *
 *	 1 certificate version 0.1
 *	 2 pusher DC6F...2B33 1795611843 +0000
 *	 3 pushee file:///tmp/certfix/server.git
 *	 4 nonce 1795611843-fe0f...c6fb
 *	 5
 *	 6 0000... 9264... refs/heads/main
 *	 7 0000... 9264... refs/heads/old
 *	 8 -----BEGIN PGP SIGNATURE-----
 *	 9
 *	10 iHUEABYIAB0WIQTcb7+tyarwOJEN0mmvcZDkL74rMwUCawbcwwAKCRCvcZDkL74r
 *	11 ...
 *	13 =0EJi
 *	14 -----END PGP SIGNATURE-----
 *
 * Every forgery below is built from it.
 */
#define FIXTURES "tests/unit/fixtures/cert/"
#define FPR "DC6FBFADC9AAF038910DD269AF7190E42FBE2B33"
#define KEYID "AF7190E42FBE2B33"
#define ZERO "0000000000000000000000000000000000000000"
#define FIRST "92646a6b61db77fa7ec822c7eb4783592e5ceef3"
#define NONCE "1795611843-fe0fcc9b49b38f06dde1316278a656531b96c6fb"
#define PAYLOAD_LEN 381		/* `head -n 7 signed.cert | wc -c` */
#define BEGIN "-----BEGIN PGP SIGNATURE-----\n"

static const unsigned char fpr_bytes[20] = {
	0xDC, 0x6F, 0xBF, 0xAD, 0xC9, 0xAA, 0xF0, 0x38, 0x91, 0x0D,
	0xD2, 0x69, 0xAF, 0x71, 0x90, 0xE4, 0x2F, 0xBE, 0x2B, 0x33,
};

struct fixture {
	struct buf good;	/* signed.cert */
	struct buf options;	/* push-options.cert */
	struct buf textmode;	/* textmode.asc */
	struct buf pubkey;	/* pubkey.asc */
	struct buf forged;	/* the certificate under test */
	struct buf bin;		/* packets being built */
	struct cert *cert;
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

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (fx == NULL)
		return -1;
	load(&fx->good, "signed.cert");
	load(&fx->options, "push-options.cert");
	load(&fx->textmode, "textmode.asc");
	load(&fx->pubkey, "pubkey.asc");
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	buf_dispose(&fx->good);
	buf_dispose(&fx->options);
	buf_dispose(&fx->textmode);
	buf_dispose(&fx->pubkey);
	buf_dispose(&fx->forged);
	buf_dispose(&fx->bin);
	cert_free(fx->cert);
	free(fx);
	return 0;
}

/* Parse text, which must succeed; the cert is freed by teardown. */
static struct cert *parse_ok(struct fixture *fx, const char *text, size_t len)
{
	struct err err = {""};
	int rc;

	cert_free(fx->cert);
	fx->cert = NULL;
	rc = cert_parse(&fx->cert, text, len, &err);
	if (rc != 0)
		print_error("cert_parse: %s\n", err.msg);
	assert_int_equal(rc, 0);
	assert_non_null(fx->cert);
	assert_string_equal(err.msg, "");
	return fx->cert;
}

/* Parse text, which must fail with exactly msg and leave *out NULL. */
static void parse_fails(const char *text, size_t len, const char *msg)
{
	struct err err = {""};
	struct cert *cert = (struct cert *)&err;	/* must be reset */

	assert_int_equal(cert_parse(&cert, text, len, &err), -1);
	assert_null(cert);
	assert_string_equal(err.msg, msg);
}

static void forged_fails(struct fixture *fx, const char *msg)
{
	parse_fails(fx->forged.ptr, fx->forged.len, msg);
}

/* fx->forged = fx->good with the first from replaced by to. */
static void forge(struct fixture *fx, const char *from, const char *to)
{
	const char *at = memmem(fx->good.ptr, fx->good.len, from, strlen(from));
	size_t before;

	if (at == NULL)
		fail_msg("'%s' is not in the certificate", from);
	before = (size_t)(at - fx->good.ptr);
	buf_clear(&fx->forged);
	assert_int_equal(buf_put(&fx->forged, fx->good.ptr, before), 0);
	assert_int_equal(buf_puts(&fx->forged, to), 0);
	assert_int_equal(buf_put(&fx->forged, at + strlen(from),
				 fx->good.len - before - strlen(from)),
			 0);
}

/* fx->forged = the good certificate's payload, then text. */
static void forge_signature(struct fixture *fx, const char *text, size_t len)
{
	buf_clear(&fx->forged);
	assert_int_equal(buf_put(&fx->forged, fx->good.ptr, PAYLOAD_LEN), 0);
	assert_int_equal(buf_put(&fx->forged, text, len), 0);
}

static uint32_t crc24(const unsigned char *data, size_t len)
{
	uint32_t crc = 0xB704CEu;
	size_t i;
	int b;

	for (i = 0; i < len; i++) {
		crc ^= (uint32_t)data[i] << 16;
		for (b = 0; b < 8; b++) {
			crc <<= 1;
			if (crc & 0x1000000u)
				crc ^= 0x1864CFBu;
		}
	}
	return crc & 0xFFFFFFu;
}

/* Armor binary as gpg does: 64 columns, a blank line, a CRC line. */
static void armor(struct buf *out, const unsigned char *data, size_t len)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "abcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i, col = 0;
	uint32_t v;

	assert_int_equal(buf_puts(out, BEGIN "\n"), 0);
	for (i = 0; i < len; i += 3) {
		char q[4];

		v = (uint32_t)data[i] << 16;
		if (i + 1 < len)
			v |= (uint32_t)data[i + 1] << 8;
		if (i + 2 < len)
			v |= data[i + 2];
		q[0] = b64[(v >> 18) & 63];
		q[1] = b64[(v >> 12) & 63];
		q[2] = i + 1 < len ? b64[(v >> 6) & 63] : '=';
		q[3] = i + 2 < len ? b64[v & 63] : '=';
		assert_int_equal(buf_put(out, q, 4), 0);
		if ((col += 4) == 64) {
			assert_int_equal(buf_putc(out, '\n'), 0);
			col = 0;
		}
	}
	if (col > 0)
		assert_int_equal(buf_putc(out, '\n'), 0);
	v = crc24(data, len);
	assert_int_equal(buf_putc(out, '='), 0);
	for (i = 0; i < 4; i++)
		assert_int_equal(buf_putc(out, b64[(v >> (18 - 6 * i)) & 63]),
				 0);
	assert_int_equal(buf_puts(out, "\n-----END PGP SIGNATURE-----\n"),
			 0);
}

/* fx->forged = the good payload and fx->bin armored as a signature. */
static void forge_packets(struct fixture *fx)
{
	struct buf text = BUF_INIT;

	armor(&text, (const unsigned char *)fx->bin.ptr, fx->bin.len);
	forge_signature(fx, text.ptr, text.len);
	buf_dispose(&text);
}

/* An old-format packet of tag around body. */
static void add_packet(struct buf *out, unsigned tag, const unsigned char *body,
		       size_t len)
{
	assert_true(len <= 0xffff);
	if (len < 256) {
		assert_int_equal(buf_putc(out, (char)(0x80 | tag << 2)), 0);
	} else {
		assert_int_equal(buf_putc(out, (char)(0x81 | tag << 2)), 0);
		assert_int_equal(buf_putc(out, (char)(len >> 8)), 0);
	}
	assert_int_equal(buf_putc(out, (char)(len & 0xff)), 0);
	assert_int_equal(buf_put(out, body, len), 0);
}

/*
 * A v4 EdDSA signature packet of class with the two subpacket areas, a
 * made-up hash prefix and a one-bit MPI: enough to parse, never to verify.
 */
static void add_v4(struct buf *out, unsigned char class,
		   const unsigned char *hashed, size_t hlen,
		   const unsigned char *unhashed, size_t ulen)
{
	struct buf body = BUF_INIT;
	const unsigned char head[] = {4, class, 22, 8,
				      (unsigned char)(hlen >> 8),
				      (unsigned char)hlen};
	const unsigned char mid[] = {(unsigned char)(ulen >> 8),
				     (unsigned char)ulen};
	const unsigned char tail[] = {0xab, 0xcd, 0x00, 0x01, 0x01};

	assert_int_equal(buf_put(&body, head, sizeof(head)), 0);
	assert_int_equal(buf_put(&body, hashed, hlen), 0);
	assert_int_equal(buf_put(&body, mid, sizeof(mid)), 0);
	assert_int_equal(buf_put(&body, unhashed, ulen), 0);
	assert_int_equal(buf_put(&body, tail, sizeof(tail)), 0);
	add_packet(out, PGP_TAG_SIGNATURE, (const unsigned char *)body.ptr,
		   body.len);
	buf_dispose(&body);
}

/* Subpackets: length (type included), type, data. */
static void add_fpr_subpacket(struct buf *out, unsigned char type,
			      unsigned char version, const unsigned char *fpr)
{
	const unsigned char head[] = {22, type, version};

	assert_int_equal(buf_put(out, head, sizeof(head)), 0);
	assert_int_equal(buf_put(out, fpr, 20), 0);
}

static void add_keyid_subpacket(struct buf *out, const unsigned char *keyid)
{
	const unsigned char head[] = {9, 16};

	assert_int_equal(buf_put(out, head, sizeof(head)), 0);
	assert_int_equal(buf_put(out, keyid, 8), 0);
}

static const unsigned char time_subpacket[] = {5, 2, 0x6b, 0x06, 0xdc, 0xc3};

/* The v4 packet of signed.cert, rebuilt with other subpacket areas. */
static void forge_v4(struct fixture *fx, unsigned char class,
		     const struct buf *hashed, const struct buf *unhashed)
{
	buf_clear(&fx->bin);
	add_v4(&fx->bin, class, (const unsigned char *)hashed->ptr,
	       hashed->len, (const unsigned char *)unhashed->ptr,
	       unhashed->len);
	forge_packets(fx);
}

static void cert__real_certificate_parses(void **state)
{
	struct fixture *fx = *state;
	struct cert *cert = parse_ok(fx, fx->good.ptr, fx->good.len);
	struct buf again = BUF_INIT;

	assert_string_equal(cert->pusher,
			    FPR " 1795611843 +0000");
	assert_string_equal(cert->pushee, "file:///tmp/certfix/server.git");
	assert_string_equal(cert->nonce, NONCE);
	assert_int_equal(cert->npush_options, 0);
	assert_int_equal(cert->ncommands, 2);
	assert_string_equal(cert->commands[0].old_hex, ZERO);
	assert_string_equal(cert->commands[0].new_hex, FIRST);
	assert_string_equal(cert->commands[0].ref, "refs/heads/main");
	assert_string_equal(cert->commands[1].old_hex, ZERO);
	assert_string_equal(cert->commands[1].new_hex, FIRST);
	assert_string_equal(cert->commands[1].ref, "refs/heads/old");
	/* `gpg --list-packets`: "issuer fpr v4 DC6F...", "issuer key ID" */
	assert_string_equal(cert->issuer_fpr, FPR);
	assert_string_equal(cert->issuer_keyid, KEYID);

	/* the payload is what gpg verified: every byte before BEGIN */
	assert_int_equal(cert->payload_len, PAYLOAD_LEN);
	assert_memory_equal(cert->payload, fx->good.ptr, PAYLOAD_LEN);
	assert_int_equal(cert->signature_len, fx->good.len - PAYLOAD_LEN);
	assert_memory_equal(cert->signature, fx->good.ptr + PAYLOAD_LEN,
			    cert->signature_len);
	assert_memory_equal(cert->signature, BEGIN, strlen(BEGIN));
	/* the cert owns its copy */
	assert_ptr_not_equal(cert->payload, fx->good.ptr);
	/* one old-format packet of 117 bytes, which armors back to the text */
	assert_int_equal(cert->sig_packet_len, 2 + 117);
	assert_int_equal(cert->sig_packet[0], 0x88);
	armor(&again, cert->sig_packet, cert->sig_packet_len);
	assert_int_equal(again.len, cert->signature_len);
	assert_memory_equal(again.ptr, cert->signature, again.len);
	buf_dispose(&again);
}

static void cert__push_options_and_deletes_parse(void **state)
{
	struct fixture *fx = *state;
	struct cert *cert = parse_ok(fx, fx->options.ptr, fx->options.len);

	assert_int_equal(cert->npush_options, 2);
	assert_string_equal(cert->push_options[0], "ci.skip");
	assert_string_equal(cert->push_options[1], "note with spaces");
	assert_int_equal(cert->ncommands, 3);
	assert_string_equal(cert->commands[0].old_hex, FIRST);
	assert_string_equal(cert->commands[0].new_hex, ZERO);
	assert_string_equal(cert->commands[0].ref, "refs/heads/old");
	assert_string_equal(cert->commands[1].new_hex,
			    "6c4febdb5ea376a469e49a8fba9eab6c6a2b7aea");
	assert_string_equal(cert->commands[1].ref, "refs/heads/next");
	assert_string_equal(cert->commands[2].new_hex,
			    "4d4e43122a3ac6d8380eda5907f27700cfd691bd");
	assert_string_equal(cert->commands[2].ref, "refs/tags/v1");
	assert_string_equal(cert->issuer_fpr, FPR);
	assert_int_equal(cert->payload_len, 525);	/* head -n 10 | wc -c */
}

/* git omits pushee without a URL and nonce without a server nonce. */
static void cert__pushee_and_nonce_are_optional(void **state)
{
	struct fixture *fx = *state;
	struct cert *cert;

	forge(fx, "pushee file:///tmp/certfix/server.git\n", "");
	cert = parse_ok(fx, fx->forged.ptr, fx->forged.len);
	assert_null(cert->pushee);
	assert_string_equal(cert->nonce, NONCE);
	forge(fx, "nonce " NONCE "\n", "");
	cert = parse_ok(fx, fx->forged.ptr, fx->forged.len);
	assert_null(cert->nonce);
	assert_string_equal(cert->pushee, "file:///tmp/certfix/server.git");
	assert_int_equal(cert->ncommands, 2);
}

/* `git push -o ''` writes "push-option " with nothing after it. */
static void cert__empty_push_option_is_kept(void **state)
{
	struct fixture *fx = *state;
	struct cert *cert;

	forge(fx, "\n\n", "\npush-option \npush-option a\tb\n\n");
	cert = parse_ok(fx, fx->forged.ptr, fx->forged.len);
	assert_int_equal(cert->npush_options, 2);
	assert_string_equal(cert->push_options[0], "");
	assert_string_equal(cert->push_options[1], "a\tb");
	forge(fx, "\n\n", "\npush-option\n\n");
	forged_fails(fx, "push certificate line 5: 'push-option' field "
			 "without a value");
}

static void cert__larger_than_max_is_rejected(void **state)
{
	struct fixture *fx = *state;
	const char *empty = strstr(fx->good.ptr, "\n\n") + 1;
	size_t head = (size_t)(empty - fx->good.ptr);
	size_t pad = CERT_MAX - fx->good.len, i;

	/* pad the header with push options up to exactly CERT_MAX bytes */
	buf_clear(&fx->forged);
	assert_int_equal(buf_put(&fx->forged, fx->good.ptr, head), 0);
	while (pad > 0) {
		size_t line = pad > 2000 ? 1000 : pad;

		assert_int_equal(buf_puts(&fx->forged, "push-option "), 0);
		for (i = 0; i < line - strlen("push-option \n"); i++)
			assert_int_equal(buf_putc(&fx->forged, 'x'), 0);
		assert_int_equal(buf_putc(&fx->forged, '\n'), 0);
		pad -= line;
	}
	assert_int_equal(buf_put(&fx->forged, empty, fx->good.len - head), 0);
	assert_int_equal(fx->forged.len, CERT_MAX);
	parse_ok(fx, fx->forged.ptr, fx->forged.len);
	assert_int_equal(buf_putc(&fx->forged, '\n'), 0);
	forged_fails(fx, "push certificate is larger than 1048576 bytes");
}

static void cert__line_longer_than_a_pkt_line_is_rejected(void **state)
{
	struct fixture *fx = *state;
	struct buf line = BUF_INIT;
	size_t i;

	/* 65516 bytes with the newline: the longest pkt-line git sends */
	assert_int_equal(buf_puts(&line, "\npush-option "), 0);
	for (i = 0; i < CERT_LINE_MAX - strlen("push-option \n"); i++)
		assert_int_equal(buf_putc(&line, 'x'), 0);
	assert_int_equal(buf_puts(&line, "\n\n"), 0);
	forge(fx, "\n\n", line.ptr);
	parse_ok(fx, fx->forged.ptr, fx->forged.len);
	assert_int_equal(strlen(fx->cert->push_options[0]),
			 CERT_LINE_MAX - strlen("push-option \n"));
	/* one byte more */
	buf_clear(&line);
	assert_int_equal(buf_puts(&line, "\npush-option x"), 0);
	for (i = 0; i < CERT_LINE_MAX - strlen("push-option \n"); i++)
		assert_int_equal(buf_putc(&line, 'x'), 0);
	assert_int_equal(buf_puts(&line, "\n\n"), 0);
	forge(fx, "\n\n", line.ptr);
	forged_fails(fx, "push certificate line 5: longer than 65516 bytes");
	buf_dispose(&line);
}

static void cert__unsigned_certificate_is_rejected(void **state)
{
	struct fixture *fx = *state;

	parse_fails(fx->good.ptr, PAYLOAD_LEN,
		    "push certificate has no OpenPGP signature: push with "
		    "'git -c gpg.format=openpgp push --signed'");
	parse_fails("", 0,
		    "push certificate has no OpenPGP signature: push with "
		    "'git -c gpg.format=openpgp push --signed'");
	/* gpg.format=ssh: git would verify it, SPEC 2 wants OpenPGP */
	forge(fx, "-----BEGIN PGP SIGNATURE-----",
	      "-----BEGIN SSH SIGNATURE-----");
	forged_fails(fx, "push certificate is signed with an ssh key, not "
			 "OpenPGP: push with 'git -c gpg.format=openpgp push "
			 "--signed'");
	/* gpg.format=x509: gpgsm's armor */
	forge(fx, "-----BEGIN PGP SIGNATURE-----",
	      "-----BEGIN SIGNED MESSAGE-----");
	forged_fails(fx, "push certificate is signed with X.509 (gpgsm), not "
			 "OpenPGP: push with 'git -c gpg.format=openpgp push "
			 "--signed'");
}

static void cert__data_after_end_line_is_rejected(void **state)
{
	struct fixture *fx = *state;

	/* git appends gpg's output as is: it ends with END and a newline */
	assert_int_equal(fx->good.ptr[fx->good.len - 1], '\n');
	forge(fx, "-----END PGP SIGNATURE-----\n",
	      "-----END PGP SIGNATURE-----\n\n");
	forged_fails(fx, "push certificate line 15: data after the signature");
	forge(fx, "-----END PGP SIGNATURE-----\n",
	      "-----END PGP SIGNATURE-----\n"
	      ZERO " " FIRST " refs/heads/evil\n");
	forged_fails(fx, "push certificate line 15: data after the signature");
	forge(fx, "-----END PGP SIGNATURE-----\n",
	      "-----END PGP SIGNATURE-----\n-----BEGIN PGP MESSAGE-----\n");
	forged_fails(fx, "push certificate line 15: data after the signature");
	forge(fx, "-----END PGP SIGNATURE-----\n",
	      "-----END PGP SIGNATURE-----");
	forged_fails(fx, "push certificate line 14: no newline after "
			 "'-----END PGP SIGNATURE-----'");
	forge(fx, "-----END PGP SIGNATURE-----\n", "");
	forged_fails(fx, "push certificate has no "
			 "'-----END PGP SIGNATURE-----' line");
	forge(fx, "-----END PGP SIGNATURE-----\n",
	      "-----END PGP SIGNATURE----- \n");
	forged_fails(fx, "push certificate line 14: unexpected armor line in "
			 "the signature");
}

/*
 * The last BEGIN line starts the signature, so the first of two blocks
 * falls into the payload, where it is a bad command: line 8.
 */
static void cert__last_begin_line_starts_the_signature(void **state)
{
	struct fixture *fx = *state;
	const char *sig = fx->good.ptr + PAYLOAD_LEN;
	size_t siglen = fx->good.len - PAYLOAD_LEN;

	buf_clear(&fx->forged);
	assert_int_equal(buf_put(&fx->forged, fx->good.ptr, fx->good.len), 0);
	assert_int_equal(buf_put(&fx->forged, sig, siglen), 0);
	forged_fails(fx, "push certificate line 8: old id is not 40 "
			 "lower-case hex digits");
	/* a line that only starts with the marker counts too (as in git) */
	assert_int_equal(buf_puts(&fx->forged, BEGIN), 0);
	forged_fails(fx, "push certificate line 8: old id is not 40 "
			 "lower-case hex digits");
	forge(fx, BEGIN, "-----BEGIN PGP SIGNATURE----- \n");
	forged_fails(fx, "push certificate line 8: junk after "
			 "'-----BEGIN PGP SIGNATURE-----'");
	/* a second armor inside the block */
	forge(fx, BEGIN "\n", BEGIN "-----BEGIN PGP MESSAGE-----\n\n");
	forged_fails(fx, "push certificate line 9: unexpected armor line in "
			 "the signature");
}

/* gpg --textmode: verifies even after CRLF conversion; SPEC 2 says 0x00 */
static void cert__text_signature_is_rejected(void **state)
{
	struct fixture *fx = *state;

	forge_signature(fx, fx->textmode.ptr, fx->textmode.len);
	forged_fails(fx, "push certificate signature has class 0x01, not 0x00 "
			 "(binary document)");
}

static void cert__two_signature_packets_are_rejected(void **state)
{
	struct fixture *fx = *state;
	struct cert *cert = parse_ok(fx, fx->good.ptr, fx->good.len);

	buf_clear(&fx->bin);
	assert_int_equal(buf_put(&fx->bin, cert->sig_packet,
				 cert->sig_packet_len),
			 0);
	assert_int_equal(buf_put(&fx->bin, cert->sig_packet,
				 cert->sig_packet_len),
			 0);
	forge_packets(fx);
	forged_fails(fx, "push certificate signature holds more than one "
			 "packet");
}

static void cert__non_signature_packets_are_rejected(void **state)
{
	struct fixture *fx = *state;
	struct cert *cert = parse_ok(fx, fx->good.ptr, fx->good.len);
	const unsigned char marker[] = {'P', 'G', 'P'};
	struct err err = {""};

	/* the signature, then a marker packet (tag 10) */
	buf_clear(&fx->bin);
	assert_int_equal(buf_put(&fx->bin, cert->sig_packet,
				 cert->sig_packet_len),
			 0);
	add_packet(&fx->bin, 10, marker, sizeof(marker));
	forge_packets(fx);
	forged_fails(fx, "push certificate signature holds more than one "
			 "packet");
	/* the fixture's public key, armored as a signature */
	buf_clear(&fx->bin);
	assert_int_equal(pgp_dearmor(&fx->bin, fx->pubkey.ptr, fx->pubkey.len,
				     "PGP PUBLIC KEY BLOCK", &err),
			 0);
	forge_packets(fx);
	forged_fails(fx, "push certificate signature holds a packet of tag 6, "
			 "not a signature");
	/* nothing at all */
	buf_clear(&fx->bin);
	forge_packets(fx);
	forged_fails(fx, "push certificate signature is empty");
	/* a truncated packet */
	buf_clear(&fx->bin);
	assert_int_equal(buf_put(&fx->bin, cert->sig_packet,
				 cert->sig_packet_len - 1),
			 0);
	forge_packets(fx);
	forged_fails(fx, "push certificate signature: truncated packet at "
			 "byte 0");
}

static void cert__bad_armor_is_rejected(void **state)
{
	struct fixture *fx = *state;

	forge(fx, "=0EJi\n", "=0EJj\n");
	forged_fails(fx, "push certificate signature: bad armor checksum");
	forge(fx, "iHUEABYI", "iHUEAB*I");
	forged_fails(fx, "push certificate signature: bad base64 in armor");
}

static void cert__bad_command_lines_name_the_line(void **state)
{
	struct fixture *fx = *state;
	struct buf ref = BUF_INIT;
	size_t i;

	/* short old id */
	forge(fx, ZERO " " FIRST " refs/heads/main",
	      "000000000000000000000000000000000000000 " FIRST
	      " refs/heads/main");
	forged_fails(fx, "push certificate line 6: old id is not 40 "
			 "lower-case hex digits");
	/* upper-case hex: git's client writes oid_to_hex(), lower case */
	forge(fx, FIRST " refs/heads/main",
	      "92646A6B61DB77FA7EC822C7EB4783592E5CEEF3 refs/heads/main");
	forged_fails(fx, "push certificate line 6: new id is not 40 "
			 "lower-case hex digits");
	forge(fx, ZERO " " FIRST " refs/heads/old",
	      "000000000000000000000000000000000000000G " FIRST
	      " refs/heads/old");
	forged_fails(fx, "push certificate line 7: old id is not 40 "
			 "lower-case hex digits");
	/* 41 digits, two spaces */
	forge(fx, FIRST " refs/heads/main", FIRST "0 refs/heads/main");
	forged_fails(fx, "push certificate line 6: new id is not 40 "
			 "lower-case hex digits");
	forge(fx, ZERO " " FIRST " refs/heads/main",
	      ZERO "  " FIRST " refs/heads/main");
	forged_fails(fx, "push certificate line 6: new id is not 40 "
			 "lower-case hex digits");
	forge(fx, FIRST " refs/heads/main", FIRST "  refs/heads/main");
	forged_fails(fx, "push certificate line 6: ref name holds a space or "
			 "control character");
	/* missing ref, with and without its space */
	forge(fx, FIRST " refs/heads/main\n", FIRST "\n");
	forged_fails(fx, "push certificate line 6: missing ref name");
	forge(fx, FIRST " refs/heads/main\n", FIRST " \n");
	forged_fails(fx, "push certificate line 6: missing ref name");
	forge(fx, ZERO " " FIRST " refs/heads/main\n", ZERO "\n");
	forged_fails(fx, "push certificate line 6: new id is not 40 "
			 "lower-case hex digits");
	/* trailing space, tab, a space inside */
	forge(fx, "refs/heads/main\n", "refs/heads/main \n");
	forged_fails(fx, "push certificate line 6: ref name holds a space or "
			 "control character");
	forge(fx, "refs/heads/old\n", "refs/heads/o\tld\n");
	forged_fails(fx, "push certificate line 7: ref name holds a space or "
			 "control character");
	forge(fx, "refs/heads/old\n", "refs/heads/o ld\n");
	forged_fails(fx, "push certificate line 7: ref name holds a space or "
			 "control character");
	/* an empty line among them */
	forge(fx, "refs/heads/main\n", "refs/heads/main\n\n");
	forged_fails(fx, "push certificate line 7: empty line among the "
			 "commands");
	/* a ref name of CERT_REF_MAX bytes is kept, one more is not */
	assert_int_equal(buf_puts(&ref, FIRST " refs/heads/"), 0);
	for (i = strlen("refs/heads/"); i < CERT_REF_MAX; i++)
		assert_int_equal(buf_putc(&ref, 'r'), 0);
	assert_int_equal(buf_putc(&ref, '\n'), 0);
	forge(fx, FIRST " refs/heads/main\n", ref.ptr);
	parse_ok(fx, fx->forged.ptr, fx->forged.len);
	assert_int_equal(strlen(fx->cert->commands[0].ref), CERT_REF_MAX);
	ref.len--;
	assert_int_equal(buf_puts(&ref, "r\n"), 0);
	forge(fx, FIRST " refs/heads/main\n", ref.ptr);
	forged_fails(fx, "push certificate line 6: ref name longer than 4096 "
			 "bytes");
	buf_dispose(&ref);
}

static void cert__no_commands_is_rejected(void **state)
{
	struct fixture *fx = *state;

	forge(fx, ZERO " " FIRST " refs/heads/main\n" ZERO " " FIRST
		  " refs/heads/old\n",
	      "");
	forged_fails(fx, "push certificate has no commands");
}

static void cert__header_without_empty_line_is_rejected(void **state)
{
	struct fixture *fx = *state;

	forge(fx, "\n\n", "\n");
	forged_fails(fx, "push certificate has no empty line after its "
			 "header");
}

static void cert__wrong_version_line_is_rejected(void **state)
{
	struct fixture *fx = *state;
	const char *msg = "push certificate does not start with "
			  "'certificate version 0.1'";

	forge(fx, "certificate version 0.1\n", "certificate version 0.2\n");
	forged_fails(fx, msg);
	forge(fx, "certificate version 0.1\n", "certificate version 0.1 \n");
	forged_fails(fx, msg);
	forge(fx, "certificate version 0.1\n", "\ncertificate version 0.1\n");
	forged_fails(fx, msg);
	forge(fx, "certificate version 0.1\n", "");
	forged_fails(fx, msg);
}

static void cert__header_fields_are_checked(void **state)
{
	struct fixture *fx = *state;
	struct buf nonce = BUF_INIT;
	size_t i;

	forge(fx, "pushee ", "committer x\npushee ");
	forged_fails(fx, "push certificate line 3: unknown header field");
	forge(fx, "pushee ", "Pusher x\npushee ");
	forged_fails(fx, "push certificate line 3: unknown header field");
	forge(fx, "pushee ", "pusher x\npushee ");
	forged_fails(fx, "push certificate line 3: second 'pusher' field");
	forge(fx, "\n\n", "\nnonce 1-2\n\n");
	forged_fails(fx, "push certificate line 5: second 'nonce' field");
	forge(fx, "\n\n", "\npushee x\n\n");
	forged_fails(fx, "push certificate line 5: second 'pushee' field");
	forge(fx, "pusher " FPR " 1795611843 +0000\n", "");
	forged_fails(fx, "push certificate has no 'pusher' field");
	forge(fx, "pusher " FPR " 1795611843 +0000\n", "pusher\n");
	forged_fails(fx, "push certificate line 2: 'pusher' field without a "
			 "value");
	forge(fx, "pusher " FPR " 1795611843 +0000\n", "pusher \n");
	forged_fails(fx, "push certificate line 2: 'pusher' field without a "
			 "value");
	/* git's client signs only [A-Za-z0-9-./+=_]{0,255} nonces */
	forge(fx, "nonce 1795611843-", "nonce 1795611843 ");
	forged_fails(fx, "push certificate line 4: bad character in nonce");
	assert_int_equal(buf_puts(&nonce, "\nnonce "), 0);
	for (i = 0; i < CERT_NONCE_MAX; i++)
		assert_int_equal(buf_putc(&nonce, 'n'), 0);
	assert_int_equal(buf_putc(&nonce, '\n'), 0);
	forge(fx, "\nnonce " NONCE "\n", nonce.ptr);
	parse_ok(fx, fx->forged.ptr, fx->forged.len);
	assert_int_equal(strlen(fx->cert->nonce), CERT_NONCE_MAX);
	nonce.len--;
	assert_int_equal(buf_puts(&nonce, "n\n"), 0);
	forge(fx, "\nnonce " NONCE "\n", nonce.ptr);
	forged_fails(fx, "push certificate line 4: nonce longer than 255 "
			 "bytes");
	buf_dispose(&nonce);
}

static void cert__control_bytes_are_rejected(void **state)
{
	struct fixture *fx = *state;
	char *at;

	/* NUL in the header: receive-pack could never have stored it */
	forge(fx, "pusher", "pusher");
	at = strstr(fx->forged.ptr, "pusher");
	at[3] = '\0';
	forged_fails(fx, "push certificate line 2: control character 0x00");
	forge(fx, "refs/heads/old", "refs/heads/\x7fold");
	forged_fails(fx, "push certificate line 7: control character 0x7f");
	/* CRLF: git strips CRs from gpg's output */
	forge(fx, "=0EJi\n", "=0EJi\r\n");
	forged_fails(fx, "push certificate line 13: control character 0x0d");
	forge(fx, "certificate version 0.1\n", "certificate version 0.1\r\n");
	forged_fails(fx, "push certificate line 1: control character 0x0d");
}

static void cert__issuer_subpackets_are_read(void **state)
{
	struct fixture *fx = *state;
	const unsigned char *keyid = fpr_bytes + 12;
	struct buf hashed = BUF_INIT, unhashed = BUF_INIT;
	struct cert *cert;

	/* as gpg 2.2 writes it: fpr hashed, key id unhashed; still parses */
	add_fpr_subpacket(&hashed, 33, 4, fpr_bytes);
	assert_int_equal(buf_put(&hashed, time_subpacket,
				 sizeof(time_subpacket)),
			 0);
	add_keyid_subpacket(&unhashed, keyid);
	forge_v4(fx, 0x00, &hashed, &unhashed);
	cert = parse_ok(fx, fx->forged.ptr, fx->forged.len);
	assert_string_equal(cert->issuer_fpr, FPR);
	assert_string_equal(cert->issuer_keyid, KEYID);

	/* key id only (older gpg) */
	buf_clear(&hashed);
	assert_int_equal(buf_put(&hashed, time_subpacket,
				 sizeof(time_subpacket)),
			 0);
	forge_v4(fx, 0x00, &hashed, &unhashed);
	cert = parse_ok(fx, fx->forged.ptr, fx->forged.len);
	assert_string_equal(cert->issuer_fpr, "");
	assert_string_equal(cert->issuer_keyid, KEYID);

	/* none: the hook then finds no key; parsing is not its judge */
	buf_clear(&unhashed);
	forge_v4(fx, 0x00, &hashed, &unhashed);
	cert = parse_ok(fx, fx->forged.ptr, fx->forged.len);
	assert_string_equal(cert->issuer_fpr, "");
	assert_string_equal(cert->issuer_keyid, "");

	/* fingerprint unhashed, critical bit set, after a 2-octet length */
	{
		unsigned char notation[2 + 200] = {192, 200 - 192, 20};

		assert_int_equal(buf_put(&unhashed, notation, sizeof(notation)),
				 0);
		add_fpr_subpacket(&unhashed, 0x80 | 33, 4, fpr_bytes);
		forge_v4(fx, 0x00, &hashed, &unhashed);
		cert = parse_ok(fx, fx->forged.ptr, fx->forged.len);
		assert_string_equal(cert->issuer_fpr, FPR);
		assert_string_equal(cert->issuer_keyid, "");
	}
	buf_dispose(&hashed);
	buf_dispose(&unhashed);
}

static void cert__conflicting_issuers_are_rejected(void **state)
{
	struct fixture *fx = *state;
	unsigned char other[20];
	struct buf hashed = BUF_INIT, unhashed = BUF_INIT;

	memcpy(other, fpr_bytes, sizeof(other));
	other[0] ^= 1;
	other[19] ^= 1;	/* so that its key id differs too */
	/* the same fingerprint twice is fine */
	add_fpr_subpacket(&hashed, 33, 4, fpr_bytes);
	add_fpr_subpacket(&unhashed, 33, 4, fpr_bytes);
	forge_v4(fx, 0x00, &hashed, &unhashed);
	parse_ok(fx, fx->forged.ptr, fx->forged.len);
	/* two different ones are not */
	buf_clear(&unhashed);
	add_fpr_subpacket(&unhashed, 33, 4, other);
	forge_v4(fx, 0x00, &hashed, &unhashed);
	forged_fails(fx, "push certificate signature names two issuers");
	/* nor two key ids */
	buf_clear(&hashed);
	buf_clear(&unhashed);
	add_keyid_subpacket(&hashed, fpr_bytes + 12);
	add_keyid_subpacket(&unhashed, other + 12);
	forge_v4(fx, 0x00, &hashed, &unhashed);
	forged_fails(fx, "push certificate signature names two issuers");
	/* a key id that is not the fingerprint's */
	buf_clear(&hashed);
	buf_clear(&unhashed);
	add_fpr_subpacket(&hashed, 33, 4, fpr_bytes);
	add_keyid_subpacket(&unhashed, fpr_bytes);
	forge_v4(fx, 0x00, &hashed, &unhashed);
	forged_fails(fx, "push certificate signature's issuer key id does not "
			 "match its fingerprint");
	/* a v5 fingerprint, or a short key id */
	buf_clear(&hashed);
	buf_clear(&unhashed);
	add_fpr_subpacket(&hashed, 33, 5, fpr_bytes);
	forge_v4(fx, 0x00, &hashed, &unhashed);
	forged_fails(fx, "push certificate signature has an issuer "
			 "fingerprint that is not a v4 fingerprint");
	buf_clear(&hashed);
	assert_int_equal(buf_put(&hashed, "\x08\x10" "1234567", 9), 0);
	forge_v4(fx, 0x00, &hashed, &unhashed);
	forged_fails(fx, "push certificate signature has a bad issuer key id");
	buf_dispose(&hashed);
	buf_dispose(&unhashed);
}

static void cert__malformed_signature_packets_are_rejected(void **state)
{
	struct fixture *fx = *state;
	struct buf hashed = BUF_INIT, unhashed = BUF_INIT;
	const unsigned char v5[] = {5, 0, 22, 8, 0, 0, 0, 0, 0xab, 0xcd};
	const unsigned char short_v4[] = {4, 0, 22, 8, 0};
	const unsigned char long_hashed[] = {4, 0, 22, 8, 0, 9, 5, 2};

	/* a subpacket longer than its area */
	assert_int_equal(buf_put(&hashed, time_subpacket,
				 sizeof(time_subpacket) - 1),
			 0);
	forge_v4(fx, 0x00, &hashed, &unhashed);
	forged_fails(fx, "push certificate signature has a truncated "
			 "subpacket");
	buf_clear(&hashed);
	assert_int_equal(buf_put(&hashed, "\x00", 1), 0);
	forge_v4(fx, 0x00, &hashed, &unhashed);
	forged_fails(fx, "push certificate signature has a truncated "
			 "subpacket");
	buf_clear(&hashed);
	assert_int_equal(buf_put(&hashed, "\xff\x00\x00", 3), 0);
	forge_v4(fx, 0x00, &hashed, &unhashed);
	forged_fails(fx, "push certificate signature has a truncated "
			 "subpacket");
	/* class 0x01 in a crafted packet too */
	buf_clear(&hashed);
	forge_v4(fx, 0x01, &hashed, &unhashed);
	forged_fails(fx, "push certificate signature has class 0x01, not 0x00 "
			 "(binary document)");
	/* bodies too short for what they declare */
	buf_clear(&fx->bin);
	add_packet(&fx->bin, PGP_TAG_SIGNATURE, short_v4, sizeof(short_v4));
	forge_packets(fx);
	forged_fails(fx, "push certificate signature packet is truncated");
	buf_clear(&fx->bin);
	add_packet(&fx->bin, PGP_TAG_SIGNATURE, long_hashed,
		   sizeof(long_hashed));
	forge_packets(fx);
	forged_fails(fx, "push certificate signature packet is truncated");
	buf_clear(&fx->bin);
	add_packet(&fx->bin, PGP_TAG_SIGNATURE, short_v4, 0);
	forge_packets(fx);
	forged_fails(fx, "push certificate signature packet is truncated");
	/* other versions */
	buf_clear(&fx->bin);
	add_packet(&fx->bin, PGP_TAG_SIGNATURE, v5, sizeof(v5));
	forge_packets(fx);
	forged_fails(fx, "push certificate signature has version 5, not 3 or "
			 "4");
	buf_dispose(&hashed);
	buf_dispose(&unhashed);
}

static void cert__v3_signature_gives_its_key_id(void **state)
{
	struct fixture *fx = *state;
	struct cert *cert;
	/* version, 5, class, time, key id, algorithms, hash prefix, MPI */
	unsigned char v3[] = {3, 5, 0x00, 0x6b, 0x06, 0xdc, 0xc3,
			      0xAF, 0x71, 0x90, 0xE4, 0x2F, 0xBE, 0x2B, 0x33,
			      1, 8, 0xab, 0xcd, 0x00, 0x01, 0x01};

	buf_clear(&fx->bin);
	add_packet(&fx->bin, PGP_TAG_SIGNATURE, v3, sizeof(v3));
	forge_packets(fx);
	cert = parse_ok(fx, fx->forged.ptr, fx->forged.len);
	assert_string_equal(cert->issuer_fpr, "");
	assert_string_equal(cert->issuer_keyid, KEYID);
	v3[2] = 0x01;
	buf_clear(&fx->bin);
	add_packet(&fx->bin, PGP_TAG_SIGNATURE, v3, sizeof(v3));
	forge_packets(fx);
	forged_fails(fx, "push certificate signature has class 0x01, not 0x00 "
			 "(binary document)");
	v3[2] = 0x00;
	v3[1] = 4;
	buf_clear(&fx->bin);
	add_packet(&fx->bin, PGP_TAG_SIGNATURE, v3, sizeof(v3));
	forge_packets(fx);
	forged_fails(fx, "push certificate signature is a bad v3 signature");
	buf_clear(&fx->bin);
	add_packet(&fx->bin, PGP_TAG_SIGNATURE, v3, 18);
	forge_packets(fx);
	forged_fails(fx, "push certificate signature packet is truncated");
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(cert__real_certificate_parses),
		T(cert__push_options_and_deletes_parse),
		T(cert__pushee_and_nonce_are_optional),
		T(cert__empty_push_option_is_kept),
		T(cert__larger_than_max_is_rejected),
		T(cert__line_longer_than_a_pkt_line_is_rejected),
		T(cert__unsigned_certificate_is_rejected),
		T(cert__data_after_end_line_is_rejected),
		T(cert__last_begin_line_starts_the_signature),
		T(cert__text_signature_is_rejected),
		T(cert__two_signature_packets_are_rejected),
		T(cert__non_signature_packets_are_rejected),
		T(cert__bad_armor_is_rejected),
		T(cert__bad_command_lines_name_the_line),
		T(cert__no_commands_is_rejected),
		T(cert__header_without_empty_line_is_rejected),
		T(cert__wrong_version_line_is_rejected),
		T(cert__header_fields_are_checked),
		T(cert__control_bytes_are_rejected),
		T(cert__issuer_subpackets_are_read),
		T(cert__conflicting_issuers_are_rejected),
		T(cert__malformed_signature_packets_are_rejected),
		T(cert__v3_signature_gives_its_key_id),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
