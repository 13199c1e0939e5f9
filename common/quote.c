/* quote: git-style path quoting and control-character escaping */
#include "quote.h"

static const char *quote_c_escape(unsigned char c)
{
	switch (c) {
	case '\a': return "\\a";
	case '\b': return "\\b";
	case '\t': return "\\t";
	case '\n': return "\\n";
	case '\v': return "\\v";
	case '\f': return "\\f";
	case '\r': return "\\r";
	case '"': return "\\\"";
	case '\\': return "\\\\";
	default: return NULL;
	}
}

static bool quote_byte_is_plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

bool quote_path_needs_quotes(const char *path, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!quote_byte_is_plain((unsigned char)path[i]))
			return true;
	return false;
}

static int quote_octal(struct buf *out, unsigned char c)
{
	return buf_printf(out, "\\%03o", c);
}

int quote_path(struct buf *out, const char *path, size_t len)
{
	size_t i;

	if (!quote_path_needs_quotes(path, len))
		return buf_put(out, path, len);
	if (buf_putc(out, '"') < 0)
		return -1;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)path[i];
		const char *esc = quote_c_escape(c);
		int error;

		if (quote_byte_is_plain(c))
			error = buf_putc(out, (char)c);
		else if (esc != NULL)
			error = buf_puts(out, esc);
		else
			error = quote_octal(out, c);
		if (error < 0)
			return -1;
	}
	return buf_putc(out, '"');
}

/*
 * Length of a UTF-8 sequence at p that is a control or formatting code
 * point a terminal acts on: C1 controls (U+0080-U+009F, which some
 * terminals read as escape sequences) and the bidirectional overrides and
 * isolates (U+200E, U+200F, U+202A-U+202E, U+2066-U+2069, which reorder
 * what is shown).  0 for anything else.
 */
static size_t quote_unicode_control(const unsigned char *p, size_t left)
{
	if (left >= 2 && p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
		return 2;
	if (left >= 3 && p[0] == 0xe2 && p[1] == 0x80 &&
	    (p[2] == 0x8e || p[2] == 0x8f || (p[2] >= 0xaa && p[2] <= 0xae)))
		return 3;
	if (left >= 3 && p[0] == 0xe2 && p[1] == 0x81 && p[2] >= 0xa6 &&
	    p[2] <= 0xa9)
		return 3;
	return 0;
}

/*
 * The length of the well-formed UTF-8 sequence at p (RFC 3629: no
 * overlong forms, no surrogates, nothing past U+10FFFF), or 0.  A byte
 * that starts none is escaped: a lone 0x9b is CSI to a terminal in 8-bit
 * mode.
 */
static size_t quote_utf8_len(const unsigned char *p, size_t len)
{
	size_t n, i;
	unsigned long cp;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, cp = p[0] & 0x07;
	else
		return 0;
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return n;
}

int quote_controls(struct buf *out, const char *text, size_t len)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t i, n;

	for (i = 0; i < len; i++) {
		unsigned char c = p[i];
		const char *esc;
		int error = 0;

		if ((n = quote_unicode_control(p + i, len - i)) > 0) {
			for (; n > 0 && error == 0; n--, i++)
				error = quote_octal(out, p[i]);
			i--;
		} else if (c >= 0x80) {
			n = quote_utf8_len(p + i, len - i);
			if (n == 0)
				error = quote_octal(out, c);
			else
				error = buf_put(out, p + i, n);
			i += n ? n - 1 : 0;
		} else if (c == '"' || (c >= 0x20 && c != 0x7f && c != '\\')) {
			error = buf_putc(out, (char)c);
		} else if ((esc = quote_c_escape(c)) != NULL) {
			error = buf_puts(out, esc);
		} else {
			error = quote_octal(out, c);
		}
		if (error < 0)
			return -1;
	}
	return 0;
}
