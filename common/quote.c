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

int quote_controls(struct buf *out, const char *text, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		const char *esc;
		int error;

		if (c == '"' || (c >= 0x20 && c != 0x7f && c != '\\'))
			error = buf_putc(out, (char)c);
		else if ((esc = quote_c_escape(c)) != NULL)
			error = buf_puts(out, esc);
		else
			error = quote_octal(out, c);
		if (error < 0)
			return -1;
	}
	return 0;
}
