/* nonet: the hook's link leaves libgit2 no way to TLS or ssh (common/nonet.c) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "scratch.h"

/*
 * Linked as the hook is (the Makefile's HOOK_OBJ, HOOK_LDFLAGS, HOOK_LIBS),
 * so that libgit2's TLS and ssh set-ups are the wrapped ones that do
 * nothing: a connection must then fail with the wrapper's message, before
 * any name is resolved, and never go ahead without the set-up.
 */

/*
 * libgit2 1.5 itself leaks on a failed connect: 24 PCRE2 match blocks of
 * its remote-URL handling, the same with the shared library and no
 * wrappers at all.  Leak checks are off for this one program in the ASan
 * build; every other test still has them.
 */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "detect_leaks=0";
}

struct fixture {
	char dir[32];
	git_repository *repo;
};

static int setup(void **state)
{
	static struct fixture f;

	if (git_libgit2_init() < 0)
		return -1;
	strcpy(f.dir, "/tmp/nonet-XXXXXX");
	if (mkdtemp(f.dir) == NULL ||
	    git_repository_init(&f.repo, f.dir, 1) < 0)
		return -1;
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	git_repository_free(f->repo);
	scratch_remove(f->dir);
	git_libgit2_shutdown();
	return 0;
}

/* Connecting to url fails, and libgit2's last error says why. */
static void connect_fails(struct fixture *f, const char *url,
			  const char *why)
{
	git_remote *remote = NULL;
	const git_error *e;

	assert_int_equal(git_remote_create_anonymous(&remote, f->repo, url),
			 0);
	assert_true(git_remote_connect(remote, GIT_DIRECTION_FETCH, NULL, NULL,
				       NULL) < 0);
	e = git_error_last();
	assert_non_null(e);
	assert_non_null(strstr(e->message, why));
	git_remote_free(remote);
}

static void nonet__https_fails_closed(void **state)
{
	connect_fails(*state, "https://example.invalid/repo.git",
		      "TLS is not available in the gitapps hook");
}

static void nonet__ssh_fails_closed(void **state)
{
	connect_fails(*state, "ssh://git@example.invalid/repo.git",
		      "ssh is not available in the gitapps hook");
}

static void nonet__certificate_locations_refused(void **state)
{
	(void)state;
	assert_true(git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS,
				     "/etc/ssl/certs/ca-certificates.crt",
				     NULL) < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nonet__https_fails_closed),
		cmocka_unit_test(nonet__ssh_fails_closed),
		cmocka_unit_test(nonet__certificate_locations_refused),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
