/* file: read a whole (small) file the user named */
#ifndef COMMON_FILE_H
#define COMMON_FILE_H

#include <stddef.h>

#include "buf.h"
#include "err.h"

/*
 * Append the contents of path to out, refusing more than max bytes.
 * Returns 0, or -1 with err set ("cannot open 'x': ...", "'x' is larger
 * than N bytes").
 */
int file_read(struct buf *out, const char *path, size_t max,
	      struct err *err);

#endif
