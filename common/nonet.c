/* nonet: libgit2's TLS and ssh left unset-up, for the statically linked hook */

/*
 * The hook reads objects, refs and config; it never speaks to a network.
 * git_libgit2_init() still sets up TLS (mbedTLS: an entropy pool seeded
 * from HAVEGE, the cipher list) and ssh (libssh2_init(), which has OpenSSL
 * load its error strings and engines): 0.7 ms, an eighth of a one-commit
 * decision (docs/performance.md).
 *
 * The hook and bench/stages link libgit2 statically, and the Makefile's
 * HOOK_LDFLAGS has ld wrap (--wrap) these libgit2 functions with the ones
 * below: the two set-ups do nothing, and every call that would use what
 * they set up fails with an error instead, before any socket is opened.
 * A TLS or ssh connection through libgit2 in these programs therefore
 * fails closed, with a message that says why; it is never made without
 * the set-up.  The Makefile checks that the code they wrap is not in
 * the hook at all (NONET_ABSENT), so a libgit2 that renamed one of them
 * fails the build rather than the promise.  Only HOOK_OBJ links this file, never libgitapps.a, so
 * git-acl, git-mr and the tests keep libgit2 whole.
 *
 * The wrapped names are libgit2 1.5's own (src/libgit2/streams/mbedtls.c,
 * transports/ssh.c); tests/unit/nonet.c, linked as the hook is, checks
 * that https and ssh remotes fail with these messages.
 */

#include <git2.h>
#include <git2/sys/stream.h>
#include <git2/sys/transport.h>

#define NONET_TLS "TLS is not available in the gitapps hook"
#define NONET_SSH "ssh is not available in the gitapps hook"

int __wrap_git_mbedtls_stream_global_init(void);
int __wrap_git_mbedtls_stream_new(git_stream **out, const char *host,
				  const char *port);
int __wrap_git_mbedtls_stream_wrap(git_stream **out, git_stream *in,
				   const char *host);
int __wrap_git_mbedtls__set_cert_location(const char *file,
					  const char *path);
int __wrap_git_transport_ssh_global_init(void);
int __wrap_git_smart_subtransport_ssh(git_smart_subtransport **out,
				      git_transport *owner, void *param);
int __wrap_git_transport_ssh_with_paths(git_transport **out,
					git_remote *owner, void *payload);

int __wrap_git_mbedtls_stream_global_init(void)
{
	return 0;
}

int __wrap_git_mbedtls_stream_new(git_stream **out, const char *host,
				  const char *port)
{
	(void)host;
	(void)port;
	*out = NULL;
	git_error_set_str(GIT_ERROR_SSL, NONET_TLS);
	return -1;
}

int __wrap_git_mbedtls_stream_wrap(git_stream **out, git_stream *in,
				   const char *host)
{
	(void)in;
	(void)host;
	*out = NULL;
	git_error_set_str(GIT_ERROR_SSL, NONET_TLS);
	return -1;
}

int __wrap_git_mbedtls__set_cert_location(const char *file,
					  const char *path)
{
	(void)file;
	(void)path;
	git_error_set_str(GIT_ERROR_SSL, NONET_TLS);
	return -1;
}

int __wrap_git_transport_ssh_global_init(void)
{
	return 0;
}

int __wrap_git_smart_subtransport_ssh(git_smart_subtransport **out,
				      git_transport *owner, void *param)
{
	(void)owner;
	(void)param;
	*out = NULL;
	git_error_set_str(GIT_ERROR_SSH, NONET_SSH);
	return -1;
}

int __wrap_git_transport_ssh_with_paths(git_transport **out,
					git_remote *owner, void *payload)
{
	(void)owner;
	(void)payload;
	*out = NULL;
	git_error_set_str(GIT_ERROR_SSH, NONET_SSH);
	return -1;
}
