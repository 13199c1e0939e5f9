/* backsig_fuzzer: a key file's packets, as the back-signature check reads them */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../adapters/backsig.h"

/*
 * The input is the binary of a transferable public key, as pgp_dearmor()
 * gives it.  Every length in it is the attacker's; the input is copied to
 * a buffer of its exact size, so that a read one byte too far is caught by
 * ASan.  Whatever comes back must be consistent: an error leaves nothing,
 * a success lists each key once, and never the primary as a subkey.
 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf notes = BUF_INIT;
	struct backsig_keys keys;
	unsigned char *copy;
	struct err err;
	size_t i, j;
	int rc;

	if ((copy = malloc(size > 0 ? size : 1)) == NULL)
		return 0;
	if (size > 0)
		memcpy(copy, data, size);
	rc = backsig_signing_keys(&keys, copy, size, &notes, &err);
	if (rc < 0 && (keys.nsigning != 0 || keys.primary[0] != '\0' ||
		       notes.len != 0))
		abort();
	for (i = 0; rc == 0 && i < keys.nsigning; i++) {
		if (strlen(keys.signing[i]) != 40 ||
		    strcmp(keys.signing[i], keys.primary) == 0)
			abort();
		for (j = 0; j < i; j++)
			if (strcmp(keys.signing[i], keys.signing[j]) == 0)
				abort();
	}
	buf_dispose(&notes);
	free(copy);
	return 0;
}
