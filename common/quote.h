/* quote: print bytes the pusher controls without letting them steer a terminal */
#ifndef COMMON_QUOTE_H
#define COMMON_QUOTE_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/*
 * Append a path as git quotes it (core.quotePath): unchanged when it holds
 * only printable ASCII other than '"' and '\\', otherwise in double quotes
 * with C escapes (\t, \n, \", \\, ...) and every other byte below 0x20 or
 * from 0x7f up written as a three-digit octal escape.  Returns 0, or -1 when
 * memory runs out.
 */
int quote_path(struct buf *out, const char *path, size_t len);

/* Whether quote_path() would add quotes. */
bool quote_path_needs_quotes(const char *path, size_t len);

/*
 * Append text with every control byte (below 0x20, and 0x7f) written as an
 * escape (\n, \t, \033, ...) and the backslash doubled, but without
 * surrounding quotes: for messages that embed a name the pusher chose.
 * Well-formed UTF-8 passes through so that names stay readable, except the
 * code points a terminal acts on (C1 controls, bidirectional overrides and
 * isolates); their bytes, and every byte that is not part of well-formed
 * UTF-8, are written as octal escapes.
 */
int quote_controls(struct buf *out, const char *text, size_t len);

#endif
