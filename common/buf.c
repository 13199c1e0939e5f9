/* buf: a growable byte buffer that stays NUL-terminated */
#include "buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buf_init(struct buf *buf)
{
	buf->ptr = NULL;
	buf->len = 0;
	buf->alloc = 0;
}

void buf_dispose(struct buf *buf)
{
	if (buf == NULL)
		return;
	free(buf->ptr);
	buf_init(buf);
}

void buf_clear(struct buf *buf)
{
	buf->len = 0;
	if (buf->ptr != NULL)
		buf->ptr[0] = '\0';
}

int buf_grow(struct buf *buf, size_t extra)
{
	size_t need, alloc;
	char *ptr;

	if (extra > SIZE_MAX - buf->len - 1)
		return -1;
	need = buf->len + extra + 1;
	if (need <= buf->alloc)
		return 0;
	alloc = buf->alloc ? buf->alloc : 64;
	while (alloc < need)
		alloc = alloc > SIZE_MAX / 2 ? need : alloc * 2;
	if ((ptr = realloc(buf->ptr, alloc)) == NULL)
		return -1;
	buf->ptr = ptr;
	buf->alloc = alloc;
	return 0;
}

int buf_put(struct buf *buf, const void *data, size_t len)
{
	if (buf_grow(buf, len) < 0)
		return -1;
	if (len > 0)
		memcpy(buf->ptr + buf->len, data, len);
	buf->len += len;
	buf->ptr[buf->len] = '\0';
	return 0;
}

int buf_puts(struct buf *buf, const char *str)
{
	return buf_put(buf, str, strlen(str));
}

int buf_putc(struct buf *buf, char c)
{
	return buf_put(buf, &c, 1);
}

int buf_printf(struct buf *buf, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || buf_grow(buf, (size_t)n) < 0)
		return -1;
	va_start(ap, fmt);
	vsnprintf(buf->ptr + buf->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	buf->len += (size_t)n;
	return 0;
}

const char *buf_cstr(const struct buf *buf)
{
	return buf->ptr != NULL ? buf->ptr : "";
}

char *buf_detach(struct buf *buf)
{
	char *ptr = buf->ptr;

	if (ptr == NULL && (ptr = calloc(1, 1)) == NULL)
		return NULL;
	buf_init(buf);
	return ptr;
}
