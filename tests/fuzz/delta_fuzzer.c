/* delta_fuzzer: git's delta instructions, as the pack reader applies them */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../adapters/pack.h"

/*
 * The first byte is the base's length n, the next n bytes the base (as
 * many as there are), the rest the delta.  A delta that passes must fill
 * its result exactly; buffers are allocated to size, so that a copy or
 * insert one byte too far is caught by ASan.
 */

#define FUZZ_RESULT_MAX (1u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *base, *result;
	size_t base_len, delta_len;
	struct err err;
	uint64_t len;

	if (size == 0)
		return 0;
	base_len = data[0] < size - 1 ? data[0] : size - 1;
	delta_len = size - 1 - base_len;
	if ((base = malloc(base_len ? base_len : 1)) == NULL)
		return 0;
	memcpy(base, data + 1, base_len);
	if (pack_delta_size(&len, data + 1 + base_len, delta_len, base_len,
			    &err) == 0 &&
	    len <= FUZZ_RESULT_MAX &&
	    (result = malloc(len ? (size_t)len : 1)) != NULL) {
		if (pack_delta_apply(result, (size_t)len, base, base_len,
				     data + 1 + base_len, delta_len, &err) < 0 &&
		    err.msg[0] == '\0')
			abort();	/* a failure always says why */
		free(result);
	}
	free(base);
	return 0;
}
