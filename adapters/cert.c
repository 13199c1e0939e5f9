/* cert: parse a push certificate: header, commands, signature (SPEC 2) */
#include "cert.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../common/buf.h"
#include "pgp.h"

#define CERT_VERSION_LINE "certificate version 0.1"
#define CERT_SIG_BEGIN "-----BEGIN PGP SIGNATURE-----"
#define CERT_SIG_END "-----END PGP SIGNATURE-----"

/* Signature subpackets (RFC 4880 5.2.3.1, RFC 9580 5.2.3.35) */
#define CERT_SUBPACKET_ISSUER 16
#define CERT_SUBPACKET_ISSUER_FPR 33
#define CERT_KEYID_LEN 8
#define CERT_FPR_V4_LEN 20

/* Walks the lines of [p, end); lineno is that of the line last read. */
struct cert_reader {
	const char *p;
	const char *end;
	size_t lineno;
};

struct cert_line {
	const char *text;
	size_t len;		/* without the newline */
	bool newline;		/* whether one ended it */
};

/* What the signature says about its issuer, in either subpacket area. */
struct cert_issuer {
	unsigned char fpr[CERT_FPR_V4_LEN];
	unsigned char keyid[CERT_KEYID_LEN];
	bool has_fpr;
	bool has_keyid;
};

static bool cert_next_line(struct cert_reader *r, struct cert_line *line)
{
	const char *nl;

	if (r->p >= r->end)
		return false;
	nl = memchr(r->p, '\n', (size_t)(r->end - r->p));
	line->text = r->p;
	line->len = (size_t)((nl ? nl : r->end) - r->p);
	line->newline = nl != NULL;
	r->p = nl ? nl + 1 : r->end;
	r->lineno++;
	return true;
}

static bool cert_line_starts_with(const struct cert_line *line,
				  const char *prefix)
{
	size_t n = strlen(prefix);

	return line->len >= n && memcmp(line->text, prefix, n) == 0;
}

static bool cert_line_is(const struct cert_line *line, const char *text)
{
	return line->len == strlen(text) &&
	       memcmp(line->text, text, line->len) == 0;
}

static char *cert_strndup(const char *text, size_t len)
{
	char *s = malloc(len + 1);

	if (s != NULL) {
		memcpy(s, text, len);
		s[len] = '\0';
	}
	return s;
}

void cert_free(struct cert *cert)
{
	size_t i;

	if (cert == NULL)
		return;
	free(cert->pusher);
	free(cert->pushee);
	free(cert->nonce);
	if (cert->push_options != NULL)
		for (i = 0; i < cert->npush_options; i++)
			free(cert->push_options[i]);
	free(cert->push_options);
	if (cert->commands != NULL)
		for (i = 0; i < cert->ncommands; i++)
			free(cert->commands[i].ref);
	free(cert->commands);
	free(cert->sig_packet);
	free(cert->data);
	free(cert);
}

/*
 * Only printable text, tabs and newlines.  git never puts a NUL in a
 * certificate (receive-pack joins its lines as C strings) and strips the
 * CRs of gpg's output, so a control byte is a forgery, or a CR that would
 * make lines mean one thing here and another to gpg.
 */
static int cert_check_bytes(const char *data, size_t len, struct err *err)
{
	struct cert_reader r = {data, data + len, 0};
	struct cert_line line;
	size_t i;

	while (cert_next_line(&r, &line)) {
		if (line.len + (line.newline ? 1 : 0) > CERT_LINE_MAX)
			return err_set(err,
				       "push certificate line %zu: longer "
				       "than %u bytes",
				       r.lineno, CERT_LINE_MAX);
		for (i = 0; i < line.len; i++) {
			unsigned char c = (unsigned char)line.text[i];

			if ((c < 0x20 && c != '\t') || c == 0x7f)
				return err_set(err,
					       "push certificate line %zu: "
					       "control character 0x%02x",
					       r.lineno, c);
		}
	}
	return 0;
}

/* git's gpg.format=ssh and =x509 signatures (gpg-interface.c) */
#define CERT_SSH_BEGIN "-----BEGIN SSH SIGNATURE-----"
#define CERT_X509_BEGIN "-----BEGIN SIGNED MESSAGE-----"

/* Whether a line of data starts with marker. */
static bool cert_has_line(const char *data, size_t len, const char *marker)
{
	struct cert_reader r = {data, data + len, 0};
	struct cert_line line;

	while (cert_next_line(&r, &line))
		if (cert_line_starts_with(&line, marker))
			return true;
	return false;
}

/*
 * SPEC 2: the signature begins at the last line that starts with the BEGIN
 * marker, and the signed payload is every byte before that line: the split
 * of git's parse_signed_buffer(), which receive-pack uses to verify.
 */
static int cert_split(struct cert *cert, size_t len, size_t *sig_lineno,
		      struct err *err)
{
	struct cert_reader r = {cert->data, cert->data + len, 0};
	struct cert_line line;
	const char *sig = NULL;

	while (cert_next_line(&r, &line))
		if (cert_line_starts_with(&line, CERT_SIG_BEGIN)) {
			sig = line.text;
			*sig_lineno = r.lineno;
		}
	if (sig == NULL && cert_has_line(cert->data, len, CERT_SSH_BEGIN))
		return err_set(err, "push certificate is signed with an ssh "
				    "key, not OpenPGP: push with 'git -c "
				    "gpg.format=openpgp push --signed'");
	if (sig == NULL && cert_has_line(cert->data, len, CERT_X509_BEGIN))
		return err_set(err, "push certificate is signed with X.509 "
				    "(gpgsm), not OpenPGP: push with 'git -c "
				    "gpg.format=openpgp push --signed'");
	if (sig == NULL)
		return err_set(err,
			       "push certificate has no OpenPGP signature: "
			       "push with 'git -c gpg.format=openpgp push "
			       "--signed'");
	cert->payload = cert->data;
	cert->payload_len = (size_t)(sig - cert->data);
	cert->signature = sig;
	cert->signature_len = len - cert->payload_len;
	return 0;
}

/* The characters git's client accepts in a nonce before signing it. */
static bool cert_nonce_char(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') || c == '-' || c == '.' || c == '/' ||
	       c == '+' || c == '=' || c == '_';
}

static int cert_check_nonce(const char *value, size_t len, size_t lineno,
			    struct err *err)
{
	size_t i;

	if (len > CERT_NONCE_MAX)
		return err_set(err,
			       "push certificate line %zu: nonce longer than "
			       "%u bytes",
			       lineno, CERT_NONCE_MAX);
	for (i = 0; i < len; i++)
		if (!cert_nonce_char((unsigned char)value[i]))
			return err_set(err,
				       "push certificate line %zu: bad "
				       "character in nonce",
				       lineno);
	return 0;
}

/*
 * The header: the version line, then "<key> <value>" lines up to the
 * first empty line.  git 2.39 writes pusher, pushee (when it knows the
 * URL), nonce (when the server sent one) and a push-option line per -o;
 * receive-pack reads only nonce and push-option.  Every other key is
 * rejected, and so is a second pusher, pushee or nonce, which git's
 * find_header_mem() (first match) and another reader could disagree on.
 */
static int cert_parse_header(struct cert *cert, struct cert_reader *r,
			     struct err *err)
{
	static const char *const keys[] = {"pusher", "pushee", "nonce"};
	char **const fields[] = {&cert->pusher, &cert->pushee, &cert->nonce};
	struct cert_reader scan;
	struct cert_line line;
	size_t nlines = 0, i;
	bool empty = false;

	if (!cert_next_line(r, &line) ||
	    !cert_line_is(&line, CERT_VERSION_LINE))
		return err_set(err, "push certificate does not start with '"
				    CERT_VERSION_LINE "'");
	/*
	 * Find the empty line first, as receive-pack does, so that a
	 * missing one is reported as such and not as a command line that is
	 * an unknown header field.
	 */
	scan = *r;
	while (!empty && cert_next_line(&scan, &line))
		if (line.len == 0)
			empty = true;
		else
			nlines++;
	if (!empty)
		return err_set(err, "push certificate has no empty line after "
				    "its header");
	if (nlines > 0 &&
	    (cert->push_options = calloc(nlines, sizeof(char *))) == NULL)
		return err_set(err, "out of memory");

	while (cert_next_line(r, &line) && line.len > 0) {
		const char *sp = memchr(line.text, ' ', line.len);
		size_t keylen = sp ? (size_t)(sp - line.text) : line.len;
		const char *value = sp ? sp + 1 : line.text + line.len;
		size_t vlen = line.len - keylen - (sp ? 1 : 0);
		const char *key = NULL;
		char **slot = NULL;

		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (keylen == strlen(keys[i]) &&
			    memcmp(line.text, keys[i], keylen) == 0) {
				key = keys[i];
				slot = fields[i];
			}
		if (keylen == strlen("push-option") &&
		    memcmp(line.text, "push-option", keylen) == 0) {
			key = "push-option";
			slot = &cert->push_options[cert->npush_options++];
		}
		if (key == NULL)
			return err_set(err,
				       "push certificate line %zu: unknown "
				       "header field",
				       r->lineno);
		if (*slot != NULL)
			return err_set(err,
				       "push certificate line %zu: second "
				       "'%s' field",
				       r->lineno, key);
		/* git writes "push-option " for an empty -o, never "pusher " */
		if (sp == NULL ||
		    (vlen == 0 && strcmp(key, "push-option") != 0))
			return err_set(err,
				       "push certificate line %zu: '%s' field "
				       "without a value",
				       r->lineno, key);
		if (slot == &cert->nonce &&
		    cert_check_nonce(value, vlen, r->lineno, err) < 0)
			return -1;
		if ((*slot = cert_strndup(value, vlen)) == NULL)
			return err_set(err, "out of memory");
	}
	if (cert->pusher == NULL)
		return err_set(err, "push certificate has no 'pusher' field");
	return 0;
}

static bool cert_is_hex(const char *text)
{
	size_t i;

	for (i = 0; i < CERT_HEX_LEN; i++)
		if (!((text[i] >= '0' && text[i] <= '9') ||
		      (text[i] >= 'a' && text[i] <= 'f')))
			return false;
	return true;
}

/*
 * "<old> <new> <ref>" exactly as git's client writes it (oid_to_hex, one
 * space, the ref name), so that the hook can compare it byte for byte
 * with its standard input (SPEC 2).
 */
static int cert_parse_command(struct cert_command *cmd,
			      const struct cert_line *line, size_t lineno,
			      struct err *err)
{
	const size_t ref_at = 2 * CERT_HEX_LEN + 2;
	const char *text = line->text;
	size_t reflen, i;

	if (line->len == 0)
		return err_set(err,
			       "push certificate line %zu: empty line among "
			       "the commands",
			       lineno);
	if (line->len < CERT_HEX_LEN || !cert_is_hex(text) ||
	    (line->len > CERT_HEX_LEN && text[CERT_HEX_LEN] != ' '))
		return err_set(err,
			       "push certificate line %zu: old id is not 40 "
			       "lower-case hex digits",
			       lineno);
	if (line->len < 2 * CERT_HEX_LEN + 1 ||
	    !cert_is_hex(text + CERT_HEX_LEN + 1) ||
	    (line->len > ref_at - 1 && text[ref_at - 1] != ' '))
		return err_set(err,
			       "push certificate line %zu: new id is not 40 "
			       "lower-case hex digits",
			       lineno);
	if (line->len <= ref_at)
		return err_set(err,
			       "push certificate line %zu: missing ref name",
			       lineno);
	reflen = line->len - ref_at;
	for (i = 0; i < reflen; i++) {
		unsigned char c = (unsigned char)text[ref_at + i];

		if (c <= ' ' || c == 0x7f)
			return err_set(err,
				       "push certificate line %zu: ref name "
				       "holds a space or control character",
				       lineno);
	}
	if (reflen > CERT_REF_MAX)
		return err_set(err,
			       "push certificate line %zu: ref name longer "
			       "than %u bytes",
			       lineno, CERT_REF_MAX);
	memcpy(cmd->old_hex, text, CERT_HEX_LEN);
	cmd->old_hex[CERT_HEX_LEN] = '\0';
	memcpy(cmd->new_hex, text + CERT_HEX_LEN + 1, CERT_HEX_LEN);
	cmd->new_hex[CERT_HEX_LEN] = '\0';
	if ((cmd->ref = cert_strndup(text + ref_at, reflen)) == NULL)
		return err_set(err, "out of memory");
	return 0;
}

/* SPEC 2: every line from the empty one to the signature is a command. */
static int cert_parse_commands(struct cert *cert, struct cert_reader *r,
			       struct err *err)
{
	struct cert_reader scan = *r;
	struct cert_line line;
	size_t n = 0;

	while (cert_next_line(&scan, &line))
		n++;
	if (n == 0)
		return err_set(err, "push certificate has no commands");
	if ((cert->commands = calloc(n, sizeof(*cert->commands))) == NULL)
		return err_set(err, "out of memory");
	while (cert_next_line(r, &line))
		if (cert_parse_command(&cert->commands[cert->ncommands++],
				       &line, r->lineno, err) < 0)
			return -1;
	return 0;
}

static void cert_hex_upper(char *out, const unsigned char *data, size_t len)
{
	static const char digits[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[data[i] >> 4];
		out[2 * i + 1] = digits[data[i] & 0x0f];
	}
	out[2 * len] = '\0';
}

/*
 * The issuer subpackets of one area.  A second, different issuer of the
 * same kind is rejected: gpg takes one, and the hook would pick keys by
 * another.
 */
static int cert_parse_subpackets(struct cert_issuer *issuer,
				 const unsigned char *area, size_t len,
				 struct err *err)
{
	size_t pos = 0, n;

	while (pos < len) {
		const unsigned char *data;
		unsigned char o = area[pos++], type;

		if (o < 192) {
			n = o;
		} else if (o < 255) {
			if (pos >= len)
				goto truncated;
			n = ((size_t)(o - 192) << 8) + area[pos++] + 192;
		} else {
			if (len - pos < 4)
				goto truncated;
			n = ((size_t)area[pos] << 24) |
			    ((size_t)area[pos + 1] << 16) |
			    ((size_t)area[pos + 2] << 8) | area[pos + 3];
			pos += 4;
		}
		/* the length counts the type octet */
		if (n == 0 || n > len - pos)
			goto truncated;
		type = area[pos] & 0x7f;	/* without the critical bit */
		data = area + pos + 1;
		pos += n;
		if (type == CERT_SUBPACKET_ISSUER_FPR) {
			if (n - 1 != 1 + CERT_FPR_V4_LEN || data[0] != 4)
				return err_set(err,
					       "push certificate signature "
					       "has an issuer fingerprint that "
					       "is not a v4 fingerprint");
			if (issuer->has_fpr &&
			    memcmp(issuer->fpr, data + 1, CERT_FPR_V4_LEN) != 0)
				goto two_issuers;
			memcpy(issuer->fpr, data + 1, CERT_FPR_V4_LEN);
			issuer->has_fpr = true;
		} else if (type == CERT_SUBPACKET_ISSUER) {
			if (n - 1 != CERT_KEYID_LEN)
				return err_set(err,
					       "push certificate signature "
					       "has a bad issuer key id");
			if (issuer->has_keyid &&
			    memcmp(issuer->keyid, data, CERT_KEYID_LEN) != 0)
				goto two_issuers;
			memcpy(issuer->keyid, data, CERT_KEYID_LEN);
			issuer->has_keyid = true;
		}
	}
	return 0;
truncated:
	return err_set(err, "push certificate signature has a truncated "
			    "subpacket");
two_issuers:
	return err_set(err, "push certificate signature names two issuers");
}

static int cert_check_class(unsigned char class, struct err *err)
{
	/* a text signature (0x01) also verifies with CRLF line ends */
	if (class != 0x00)
		return err_set(err,
			       "push certificate signature has class 0x%02x, "
			       "not 0x00 (binary document)",
			       class);
	return 0;
}

static int cert_truncated(struct err *err)
{
	return err_set(err, "push certificate signature packet is truncated");
}

/* A v4 signature packet body (RFC 4880 5.2.3). */
static int cert_parse_v4(struct cert *cert, const unsigned char *body,
			 size_t len, struct err *err)
{
	struct cert_issuer issuer = {{0}, {0}, false, false};
	size_t hashed, unhashed, pos;

	/* version, class, public-key and hash algorithms, hashed length */
	if (len < 6)
		goto truncated;
	hashed = ((size_t)body[4] << 8) | body[5];
	if (hashed > len - 6)
		goto truncated;
	pos = 6 + hashed;
	if (len - pos < 2)
		goto truncated;
	unhashed = ((size_t)body[pos] << 8) | body[pos + 1];
	pos += 2;
	if (unhashed > len - pos)
		goto truncated;
	/* then the hash's left 16 bits and the MPIs, which gpg checks */
	if (len - pos - unhashed < 2)
		goto truncated;
	if (cert_check_class(body[1], err) < 0 ||
	    cert_parse_subpackets(&issuer, body + 6, hashed, err) < 0 ||
	    cert_parse_subpackets(&issuer, body + pos, unhashed, err) < 0)
		return -1;
	/* a v4 key id is the low 64 bits of its fingerprint */
	if (issuer.has_fpr && issuer.has_keyid &&
	    memcmp(issuer.fpr + CERT_FPR_V4_LEN - CERT_KEYID_LEN, issuer.keyid,
		   CERT_KEYID_LEN) != 0)
		return err_set(err, "push certificate signature's issuer key "
				    "id does not match its fingerprint");
	if (issuer.has_fpr)
		cert_hex_upper(cert->issuer_fpr, issuer.fpr, CERT_FPR_V4_LEN);
	if (issuer.has_keyid)
		cert_hex_upper(cert->issuer_keyid, issuer.keyid,
			       CERT_KEYID_LEN);
	return 0;
truncated:
	return cert_truncated(err);
}

/*
 * A v3 signature packet body (RFC 4880 5.2.2): version, 5, class, time (4),
 * key id (8), public-key and hash algorithms, the hash's left 16 bits.
 */
static int cert_parse_v3(struct cert *cert, const unsigned char *body,
			 size_t len, struct err *err)
{
	if (len < 19)
		return cert_truncated(err);
	if (body[1] != 5)
		return err_set(err, "push certificate signature is a bad v3 "
				    "signature");
	if (cert_check_class(body[2], err) < 0)
		return -1;
	cert_hex_upper(cert->issuer_keyid, body + 7, CERT_KEYID_LEN);
	return 0;
}

/* SPEC 2: exactly one signature packet, over a binary document. */
static int cert_parse_packets(struct cert *cert, struct err *err)
{
	struct pgp_packet packet, extra;
	struct err why = {""};
	size_t pos = 0;
	int rc;

	rc = pgp_packet_next(&packet, cert->sig_packet, cert->sig_packet_len,
			     &pos, &why);
	if (rc < 0)
		return err_set(err, "push certificate signature: %s", why.msg);
	if (rc == 0)
		return err_set(err, "push certificate signature is empty");
	if (packet.tag != PGP_TAG_SIGNATURE)
		return err_set(err,
			       "push certificate signature holds a packet of "
			       "tag %u, not a signature",
			       packet.tag);
	rc = pgp_packet_next(&extra, cert->sig_packet, cert->sig_packet_len,
			     &pos, &why);
	if (rc < 0)
		return err_set(err, "push certificate signature: %s", why.msg);
	if (rc > 0)
		return err_set(err, "push certificate signature holds more "
				    "than one packet");
	if (packet.len < 1)
		return cert_truncated(err);
	if (packet.body[0] == 4)
		return cert_parse_v4(cert, packet.body, packet.len, err);
	if (packet.body[0] == 3)
		return cert_parse_v3(cert, packet.body, packet.len, err);
	return err_set(err,
		       "push certificate signature has version %u, not 3 or 4",
		       packet.body[0]);
}

/*
 * The armored block: the BEGIN line, no other line starting with "-----"
 * until the END line, and that line with its newline the last bytes of the
 * certificate, as gpg writes it and git passes it on (sign_buffer_gpg()
 * appends gpg's output unchanged but for CRs).  Nothing may follow: not
 * even an empty line.
 */
static int cert_parse_signature(struct cert *cert, size_t sig_lineno,
				struct err *err)
{
	struct cert_reader r = {cert->signature,
				cert->signature + cert->signature_len,
				sig_lineno - 1};
	struct buf bin = BUF_INIT;
	struct err why = {""};
	struct cert_line line;
	bool end = false;
	int error = -1;

	if (!cert_next_line(&r, &line) ||
	    !cert_line_is(&line, CERT_SIG_BEGIN)) {
		err_set(err, "push certificate line %zu: junk after '%s'",
			r.lineno, CERT_SIG_BEGIN);
		goto done;
	}
	while (!end && cert_next_line(&r, &line)) {
		if (!cert_line_starts_with(&line, "-----"))
			continue;
		if (!cert_line_is(&line, CERT_SIG_END)) {
			err_set(err,
				"push certificate line %zu: unexpected armor "
				"line in the signature",
				r.lineno);
			goto done;
		}
		if (!line.newline) {
			err_set(err,
				"push certificate line %zu: no newline after "
				"'%s'",
				r.lineno, CERT_SIG_END);
			goto done;
		}
		if (r.p != r.end) {
			err_set(err,
				"push certificate line %zu: data after the "
				"signature",
				r.lineno + 1);
			goto done;
		}
		end = true;
	}
	if (!end) {
		err_set(err, "push certificate has no '%s' line", CERT_SIG_END);
		goto done;
	}
	if (pgp_dearmor(&bin, cert->signature, cert->signature_len,
			"PGP SIGNATURE", &why) < 0) {
		err_set(err, "push certificate signature: %s", why.msg);
		goto done;
	}
	cert->sig_packet_len = bin.len;
	if (bin.len > 0 &&
	    (cert->sig_packet = (unsigned char *)buf_detach(&bin)) == NULL) {
		err_set(err, "out of memory");
		goto done;
	}
	error = cert_parse_packets(cert, err);
done:
	buf_dispose(&bin);
	return error;
}

int cert_parse(struct cert **out, const char *buf, size_t len,
	       struct err *err)
{
	struct cert *cert = NULL;
	struct cert_reader r = {NULL, NULL, 0};
	size_t sig_lineno = 0;
	int error = -1;		/* nothing proven yet */

	*out = NULL;
	if (len > CERT_MAX) {
		err_set(err, "push certificate is larger than %u bytes",
			CERT_MAX);
		goto done;
	}
	if ((cert = calloc(1, sizeof(*cert))) == NULL ||
	    (cert->data = malloc(len + 1)) == NULL) {
		err_set(err, "out of memory");
		goto done;
	}
	if (len > 0)
		memcpy(cert->data, buf, len);
	cert->data[len] = '\0';
	if (cert_check_bytes(cert->data, len, err) < 0 ||
	    cert_split(cert, len, &sig_lineno, err) < 0)
		goto done;
	r.p = cert->payload;
	r.end = cert->payload + cert->payload_len;
	if (cert_parse_header(cert, &r, err) < 0 ||
	    cert_parse_commands(cert, &r, err) < 0 ||
	    cert_parse_signature(cert, sig_lineno, err) < 0)
		goto done;
	*out = cert;
	cert = NULL;			/* the caller owns it now */
	error = 0;
done:
	cert_free(cert);
	return error;
}
