/* notls: programs that never speak TLS skip loading the CA bundle */
#ifndef COMMON_NOTLS_H
#define COMMON_NOTLS_H

/*
 * Debian's libgit2 is built with mbedTLS, whose set-up inside
 * git_libgit2_init() parses the whole CA bundle
 * (/etc/ssl/certs/ca-certificates.crt): 9-14 ms of base64 in every process,
 * for TLS that the hook, git-acl and git-mr never speak through libgit2
 * (git-mr runs the git program to fetch and push).  common/notls.c defines
 * mbedtls_x509_crt_parse_file() to load nothing; an executable's own
 * definition comes first for the dynamic linker, so libgit2 calls it.  The
 * chain stays empty and trusts no server: a TLS connection made through
 * libgit2 from such a process fails, never passes unchecked.  With libgit2
 * on OpenSSL the function is simply never called.
 *
 * Only a program's main file includes this header: the reference below
 * pulls notls.o out of libgitapps.a into that program and no other (a
 * library user that wants TLS never includes it).  docs/performance.md
 */
void notls_anchor(void);

static void (*const notls_keep)(void) __attribute__((used)) = notls_anchor;

#endif
