/* acl_gate: the requirements of a ref, met and missing (SPEC 11) */
#include "acl_gate.h"

#include <string.h>

#include "../common/buf.h"
#include "../common/quote.h"

int acl_gate_print(FILE *out, const struct gate_report *report,
		   bool met_only)
{
	struct buf line = BUF_INIT;
	size_t i;
	int error = 0;

	for (i = 0; i < report->count && error == 0; i++) {
		const struct gate_item *item = &report->items[i];

		if (met_only && !item->result.met)
			continue;
		buf_dispose(&line);
		if (buf_puts(&line, item->result.met ? "met: " : "missing: ") <
			    0 ||
		    gate_describe(&line, item) < 0 ||
		    buf_puts(&line, " (") < 0 ||
		    quote_controls(&line, item->requirement.file,
				   strlen(item->requirement.file)) < 0 ||
		    buf_printf(&line, ":%u)", item->requirement.line) < 0)
			error = -1;
		else
			fprintf(out, "%s\n", buf_cstr(&line));
	}
	buf_dispose(&line);
	return error;
}
