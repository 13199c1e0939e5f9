/* pgp: ASCII armor and the OpenPGP packet framing (RFC 4880), nothing more */
#include "pgp.h"

#include <nettle/sha1.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* A line of text, without its end of line. */
struct pgp_line {
	const char *text;
	size_t len;
};

static bool pgp_next_line(struct pgp_line *line, const char **p,
			  const char *end)
{
	const char *nl;

	if (*p >= end)
		return false;
	nl = memchr(*p, '\n', (size_t)(end - *p));
	line->text = *p;
	line->len = (size_t)((nl ? nl : end) - *p);
	/* armor may come with CRLF line ends */
	if (line->len > 0 && line->text[line->len - 1] == '\r')
		line->len--;
	*p = nl ? nl + 1 : end;
	return true;
}

static bool pgp_line_is_blank(const struct pgp_line *line)
{
	size_t i;

	for (i = 0; i < line->len; i++)
		if (line->text[i] != ' ' && line->text[i] != '\t')
			return false;
	return true;
}

static bool pgp_line_is(const struct pgp_line *line, const char *what,
			const char *type)
{
	char want[96];
	int n = snprintf(want, sizeof(want), "-----%s %s-----", what, type);

	return n > 0 && (size_t)n < sizeof(want) && line->len == (size_t)n &&
	       memcmp(line->text, want, (size_t)n) == 0;
}

static int pgp_b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Decode base64 text (no whitespace) onto out; '=' padding only at the end. */
static int pgp_b64_decode(struct buf *out, const char *text, size_t len,
			  struct err *err)
{
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t i, pad = 0;

	for (i = 0; i < len; i++) {
		int v;

		if (text[i] == '=') {
			pad++;
			continue;
		}
		if (pad > 0 || (v = pgp_b64_value((unsigned char)text[i])) < 0)
			return err_set(err, "bad base64 in armor");
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (buf_putc(out, (char)((acc >> bits) & 0xff)) < 0)
				return err_set(err, "out of memory");
		}
	}
	if (pad > 2 || (len % 4) != 0)
		return err_set(err, "bad base64 length in armor");
	return 0;
}

static uint32_t pgp_crc24(const unsigned char *data, size_t len)
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

int pgp_dearmor(struct buf *out, const char *text, size_t len,
		const char *type, struct err *err)
{
	const char *p = text, *end = text + len;
	struct buf b64 = BUF_INIT, crc = BUF_INIT;
	struct pgp_line line = {NULL, 0};	/* read below even for empty text */
	size_t start = out->len;
	bool found = false;
	int error = -1;

	while (pgp_next_line(&line, &p, end) && pgp_line_is_blank(&line))
		;
	if (line.text == NULL || !pgp_line_is(&line, "BEGIN", type)) {
		err_set(err, "does not start with '-----BEGIN %s-----'", type);
		goto done;
	}
	/* armor headers ("Comment: ...") end at a blank line */
	for (;;) {
		const char *save = p;

		if (!pgp_next_line(&line, &p, end) || pgp_line_is_blank(&line))
			break;
		if (memchr(line.text, ':', line.len) == NULL) {
			p = save;	/* no blank line: base64 starts here */
			break;
		}
	}
	while (pgp_next_line(&line, &p, end)) {
		if (pgp_line_is(&line, "END", type)) {
			found = true;
			break;
		}
		if (line.len > 0 && line.text[0] == '=') {
			if (crc.len > 0 || buf_put(&crc, line.text + 1,
						   line.len - 1) < 0)
				goto bad_crc;
			continue;
		}
		if (crc.len > 0) {
			err_set(err, "data after the armor checksum");
			goto done;
		}
		if (buf_put(&b64, line.text, line.len) < 0) {
			err_set(err, "out of memory");
			goto done;
		}
	}
	if (!found) {
		err_set(err, "no '-----END %s-----' line", type);
		goto done;
	}
	while (pgp_next_line(&line, &p, end))
		if (!pgp_line_is_blank(&line)) {
			err_set(err, "data after the armored block");
			goto done;
		}
	if (pgp_b64_decode(out, buf_cstr(&b64), b64.len, err) < 0)
		goto done;
	if (crc.len > 0) {
		struct buf want = BUF_INIT;
		uint32_t sum;
		int bad = pgp_b64_decode(&want, buf_cstr(&crc), crc.len, err) <
				  0 ||
			  want.len != 3;

		sum = bad ? 0
			  : ((uint32_t)(unsigned char)want.ptr[0] << 16) |
				    ((uint32_t)(unsigned char)want.ptr[1] << 8) |
				    (uint32_t)(unsigned char)want.ptr[2];
		buf_dispose(&want);
		if (bad ||
		    sum != pgp_crc24((const unsigned char *)buf_cstr(out) +
					     start, /* ptr is NULL when empty */
				     out->len - start))
			goto bad_crc;
	}
	error = 0;
	goto done;
bad_crc:
	err_set(err, "bad armor checksum");
done:
	if (error < 0 && out->ptr != NULL) {
		out->len = start;
		out->ptr[start] = '\0';
	}
	buf_dispose(&b64);
	buf_dispose(&crc);
	return error;
}

int pgp_packet_next(struct pgp_packet *packet, const unsigned char *data,
		    size_t len, size_t *pos, struct err *err)
{
	size_t p = *pos, body_len;
	unsigned char h;

	if (p >= len)
		return 0;
	h = data[p++];
	if (!(h & 0x80))
		return err_set(err, "bad packet header at byte %zu", *pos);
	if (h & 0x40) {		/* new format */
		unsigned char o;

		packet->tag = h & 0x3f;
		if (p >= len)
			goto truncated;
		o = data[p++];
		if (o < 192) {
			body_len = o;
		} else if (o < 224) {
			if (p >= len)
				goto truncated;
			body_len = ((size_t)(o - 192) << 8) + data[p++] + 192;
		} else if (o == 255) {
			if (len - p < 4)
				goto truncated;
			body_len = ((size_t)data[p] << 24) |
				   ((size_t)data[p + 1] << 16) |
				   ((size_t)data[p + 2] << 8) | data[p + 3];
			p += 4;
		} else {
			return err_set(err, "partial packet length at byte %zu",
				       *pos);
		}
	} else {		/* old format */
		unsigned type = h & 3, i, n;

		packet->tag = (h >> 2) & 0x0f;
		if (type == 3)
			return err_set(err,
				       "indeterminate packet length at byte %zu",
				       *pos);
		n = 1u << type;
		if (len - p < n)
			goto truncated;
		for (body_len = 0, i = 0; i < n; i++)
			body_len = (body_len << 8) | data[p++];
	}
	if (body_len > len - p)
		goto truncated;
	packet->body = data + p;
	packet->len = body_len;
	*pos = p + body_len;
	return 1;
truncated:
	return err_set(err, "truncated packet at byte %zu", *pos);
}

void pgp_fingerprint(unsigned char out[PGP_FPR_SIZE],
		     const unsigned char *body, size_t len)
{
	/* RFC 4880 12.2: 0x99, the two-octet length, then the key body */
	uint8_t head[3] = {0x99, (uint8_t)(len >> 8), (uint8_t)(len & 0xff)};
	struct sha1_ctx ctx;

	sha1_init(&ctx);
	sha1_update(&ctx, sizeof(head), head);
	sha1_update(&ctx, len, body);
	sha1_digest(&ctx, PGP_FPR_SIZE, out);
}

void pgp_fingerprint_hex(char out[PGP_FPR_HEX_SIZE],
			 const unsigned char fpr[PGP_FPR_SIZE])
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < PGP_FPR_SIZE; i++) {
		out[2 * i] = hex[fpr[i] >> 4];
		out[2 * i + 1] = hex[fpr[i] & 15];
	}
	out[2 * PGP_FPR_SIZE] = '\0';
}

int pgp_armor(struct buf *out, const unsigned char *data, size_t len,
	      const char *type)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
				  "qrstuvwxyz0123456789+/";
	uint32_t crc = pgp_crc24(data, len);
	unsigned char sum[3] = {(unsigned char)(crc >> 16),
				(unsigned char)(crc >> 8), (unsigned char)crc};
	size_t i, col = 0;

	if (buf_printf(out, "-----BEGIN %s-----\n\n", type) < 0)
		return -1;
	for (i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)data[i] << 16;
		size_t n = len - i < 3 ? len - i : 3;
		char quad[4];

		if (n > 1)
			v |= (uint32_t)data[i + 1] << 8;
		if (n > 2)
			v |= data[i + 2];
		quad[0] = b64[(v >> 18) & 63];
		quad[1] = b64[(v >> 12) & 63];
		quad[2] = n > 1 ? b64[(v >> 6) & 63] : '=';
		quad[3] = n > 2 ? b64[v & 63] : '=';
		if (buf_put(out, quad, 4) < 0)
			return -1;
		col += 4;
		if (col == 64 && buf_putc(out, '\n') < 0)
			return -1;
		if (col == 64)
			col = 0;
	}
	if (col > 0 && buf_putc(out, '\n') < 0)
		return -1;
	if (buf_printf(out, "=%c%c%c%c\n-----END %s-----\n",
		       b64[sum[0] >> 2], b64[((sum[0] & 3) << 4) | (sum[1] >> 4)],
		       b64[((sum[1] & 15) << 2) | (sum[2] >> 6)],
		       b64[sum[2] & 63], type) < 0)
		return -1;
	return 0;
}
