/* diag: collect and format policy problems */
#include "diag.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/quote.h"

int diag_add(struct diag_list *list, enum diag_level level, const char *file,
	     unsigned line, const char *fmt, ...)
{
	struct diag diag = {level, NULL, line, NULL};
	va_list ap;
	int n;

	if (list->count == list->alloc) {
		size_t alloc = list->alloc ? list->alloc * 2 : 16;
		struct diag *items;

		if (alloc > SIZE_MAX / sizeof(*items) ||
		    (items = realloc(list->items, alloc * sizeof(*items))) ==
			    NULL)
			return -1;
		list->items = items;
		list->alloc = alloc;
	}
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || (diag.msg = malloc((size_t)n + 1)) == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(diag.msg, (size_t)n + 1, fmt, ap);
	va_end(ap);
	if ((diag.file = strdup(file)) == NULL) {
		free(diag.msg);
		return -1;
	}
	list->items[list->count++] = diag;
	if (level == DIAG_ERROR)
		list->errors++;
	return 0;
}

int diag_format(struct buf *out, const struct diag *diag)
{
	if (quote_controls(out, diag->file, strlen(diag->file)) < 0 ||
	    (diag->line > 0 && buf_printf(out, ":%u", diag->line) < 0) ||
	    buf_puts(out, ": ") < 0 ||
	    (diag->level == DIAG_WARNING && buf_puts(out, "warning: ") < 0) ||
	    quote_controls(out, diag->msg, strlen(diag->msg)) < 0)
		return -1;
	return 0;
}

const struct diag *diag_first_error(const struct diag_list *list)
{
	size_t i;

	for (i = 0; i < list->count; i++)
		if (list->items[i].level == DIAG_ERROR)
			return &list->items[i];
	return NULL;
}

void diag_list_dispose(struct diag_list *list)
{
	size_t i;

	if (list == NULL)
		return;
	for (i = 0; i < list->count; i++) {
		free(list->items[i].file);
		free(list->items[i].msg);
	}
	free(list->items);
	list->items = NULL;
	list->count = list->alloc = list->errors = 0;
}
