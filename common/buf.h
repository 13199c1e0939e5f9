/* buf: a growable byte buffer that stays NUL-terminated */
#ifndef COMMON_BUF_H
#define COMMON_BUF_H

#include <stddef.h>

struct buf {
	char *ptr;	/* NUL-terminated once anything was added; may be NULL */
	size_t len;	/* bytes in use, not counting the NUL */
	size_t alloc;
};

#define BUF_INIT {NULL, 0, 0}

void buf_init(struct buf *buf);
/* Free the memory and reset to empty; NULL-safe. */
void buf_dispose(struct buf *buf);
/* Forget the contents but keep the memory. */
void buf_clear(struct buf *buf);

/* Each returns 0, or -1 when memory runs out (the buffer is unchanged). */
int buf_grow(struct buf *buf, size_t extra);
int buf_put(struct buf *buf, const void *data, size_t len);
int buf_puts(struct buf *buf, const char *str);
int buf_putc(struct buf *buf, char c);
int buf_printf(struct buf *buf, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The contents as a string; "" when empty, never NULL. */
const char *buf_cstr(const struct buf *buf);

/*
 * Hand the memory to the caller (who frees it with free()) and reset the
 * buffer; returns NULL when memory runs out.
 */
char *buf_detach(struct buf *buf);

#endif
