/* err: format error messages into a caller-owned fixed buffer */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>

int err_set(struct err *err, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

void err_clear(struct err *err)
{
	if (err != NULL)
		err->msg[0] = '\0';
}
