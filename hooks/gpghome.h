/* gpghome: private, throwaway gpg homes and gpgme contexts bound to them */
#ifndef HOOKS_GPGHOME_H
#define HOOKS_GPGHOME_H

#include <gpgme.h>
#include <stddef.h>

#include "../common/err.h"

#define GPGHOME_PATH_MAX 4096

/*
 * Make a fresh home: mkdtemp("<base>/<prefix>.XXXXXX"), mode 0700, with a
 * gpg.conf holding conf (written O_EXCL|O_NOFOLLOW).  base NULL means
 * $TMPDIR or /tmp.  conf should say no-autostart, so that no gpg-agent is
 * left behind.  The path goes to out (size bytes).  Returns 0, or -1 with
 * err set and nothing left on disk.
 */
int gpghome_make(char *out, size_t size, const char *base,
		 const char *prefix, const char *conf, struct err *err);

/* Remove a home and everything gpg left in it (never following links). */
void gpghome_remove(const char *home);

/* A gpgme OpenPGP context whose engine uses home.  Returns 0 or -1. */
int gpghome_ctx(gpgme_ctx_t *out, const char *home, struct err *err);

#endif
