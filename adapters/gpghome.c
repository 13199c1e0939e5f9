/* gpghome: private, throwaway gpg homes and gpgme contexts bound to them */
#define _XOPEN_SOURCE 700
#include "gpghome.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int gpghome_remove_entry(const char *path, const struct stat *st,
				int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if ((flag == FTW_DP ? rmdir(path) : unlink(path)) < 0 &&
	    errno != ENOENT)
		return -1;
	return 0;
}

void gpghome_remove(const char *home)
{
	nftw(home, gpghome_remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static int gpghome_write_conf(const char *home, const char *conf,
			      struct err *err)
{
	char path[GPGHOME_PATH_MAX];
	size_t len = strlen(conf);
	ssize_t written;
	int fd, n;

	n = snprintf(path, sizeof(path), "%s/gpg.conf", home);
	if (n < 0 || (size_t)n >= sizeof(path))
		return err_set(err, "gpg home path too long");
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0600);
	if (fd < 0)
		return err_set(err, "cannot create '%s': %s", path,
			       strerror(errno));
	written = write(fd, conf, len);
	if (close(fd) < 0 || written != (ssize_t)len)
		return err_set(err, "cannot write '%s'", path);
	return 0;
}

int gpghome_make(char *out, size_t size, const char *base,
		 const char *prefix, const char *conf, struct err *err)
{
	int n;

	if (base == NULL && ((base = getenv("TMPDIR")) == NULL || !*base))
		base = "/tmp";
	n = snprintf(out, size, "%s/%s.XXXXXX", base, prefix);
	if (n < 0 || (size_t)n >= size)
		return err_set(err, "path too long for a gpg home in '%s'",
			       base);
	if (mkdtemp(out) == NULL)
		return err_set(err, "cannot create a gpg home in '%s': %s",
			       base, strerror(errno));
	if (gpghome_write_conf(out, conf, err) < 0) {
		gpghome_remove(out);
		return -1;
	}
	return 0;
}

int gpghome_ctx(gpgme_ctx_t *out, const char *home, struct err *err)
{
	gpgme_ctx_t ctx = NULL;
	gpgme_error_t gerr;

	*out = NULL;
	gpgme_check_version(NULL);
	if ((gerr = gpgme_new(&ctx)) != 0 ||
	    (gerr = gpgme_set_protocol(ctx, GPGME_PROTOCOL_OpenPGP)) != 0 ||
	    (gerr = gpgme_ctx_set_engine_info(ctx, GPGME_PROTOCOL_OpenPGP,
					      NULL, home)) != 0) {
		gpgme_release(ctx);
		return err_set(err, "cannot set up gpg: %s",
			       gpgme_strerror(gerr));
	}
	*out = ctx;
	return 0;
}

int gpghome_open(struct gpghome_session *out, const char *home,
		 struct err *err)
{
	gpgme_engine_info_t info;
	const char *old;
	gpgme_error_t gerr;

	memset(out, 0, sizeof(*out));
	gpgme_check_version(NULL);
	if ((gerr = gpgme_new(&out->ctx)) != 0 ||
	    (gerr = gpgme_set_protocol(out->ctx, GPGME_PROTOCOL_OpenPGP)) !=
		    0) {
		gpgme_release(out->ctx);
		out->ctx = NULL;
		return err_set(err, "cannot set up gpg: %s",
			       gpgme_strerror(gerr));
	}
	for (info = gpgme_ctx_get_engine_info(out->ctx); info != NULL;
	     info = info->next)
		if (info->protocol == GPGME_PROTOCOL_OpenPGP)
			break;
	if (info == NULL || info->home_dir != NULL) {
		/* the engine has a --homedir: bind this context's instead */
		gpgme_release(out->ctx);
		out->ctx = NULL;
		return gpghome_ctx(&out->ctx, home, err);
	}
	if ((old = getenv("GNUPGHOME")) != NULL) {
		if ((out->saved = strdup(old)) == NULL)
			goto oom;
		out->had_saved = true;
	}
	if (setenv("GNUPGHOME", home, 1) < 0)
		goto oom;
	out->set = true;
	return 0;
oom:
	gpghome_close(out);
	return err_set(err, "out of memory");
}

void gpghome_close(struct gpghome_session *session)
{
	if (session == NULL)
		return;
	gpgme_release(session->ctx);
	if (session->set) {
		if (session->had_saved)
			setenv("GNUPGHOME", session->saved, 1);
		else
			unsetenv("GNUPGHOME");
	}
	free(session->saved);
	memset(session, 0, sizeof(*session));
}
