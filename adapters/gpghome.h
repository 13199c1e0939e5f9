/* gpghome: private, throwaway gpg homes and gpgme contexts bound to them */
#ifndef ADAPTERS_GPGHOME_H
#define ADAPTERS_GPGHOME_H

#include <gpgme.h>
#include <stdbool.h>
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

/*
 * A context for home that runs no gpg of its own.  gpghome_ctx() costs a
 * `gpg --version` (gpgme_ctx_set_engine_info() asks again on every call),
 * 4-6 ms a context on a push's hot path.  This one keeps the process's
 * engine, whose version gpgme asked once, and hands gpg its home through
 * GNUPGHOME, set to home until gpghome_close().  When that engine was given
 * a home of its own (a --homedir, which would win over GNUPGHOME), it
 * falls back to gpghome_ctx(), so gpg never reads another home.  Not for
 * threads (setenv).  Returns 0, or -1 with err set.
 */
struct gpghome_session {
	gpgme_ctx_t ctx;
	char *saved;		/* GNUPGHOME before, to put back */
	bool had_saved;
	bool set;		/* GNUPGHOME is ours until closed */
};

int gpghome_open(struct gpghome_session *out, const char *home,
		 struct err *err);

/* Release the context and put GNUPGHOME back as it was; NULL-safe. */
void gpghome_close(struct gpghome_session *session);

#endif
