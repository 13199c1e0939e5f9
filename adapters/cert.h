/* cert: parse a push certificate: header, commands, signature (SPEC 2) */
#ifndef ADAPTERS_CERT_H
#define ADAPTERS_CERT_H

#include <stddef.h>

#include "../common/err.h"

/* SPEC 2: a larger certificate is never parsed. */
#define CERT_MAX (1024u * 1024u)

/*
 * git sends each line of a certificate as one pkt-line, which holds at most
 * LARGE_PACKET_DATA_MAX (65516) bytes, its newline included; a longer line
 * never came from git.  This bounds pusher, pushee and push options.
 */
#define CERT_LINE_MAX 65516u

/* git's client refuses to sign a nonce this long or longer (send-pack.c). */
#define CERT_NONCE_MAX 255u

/* A ref name longer than a Linux path cannot be a loose ref anyway. */
#define CERT_REF_MAX 4096u

/* Commands carry SHA-1 object ids: 40 lower-case hex digits. */
#define CERT_HEX_LEN 40

struct cert_command {
	char old_hex[CERT_HEX_LEN + 1];
	char new_hex[CERT_HEX_LEN + 1];
	/* the ref name's bytes: non-empty, no space, control byte or NUL */
	char *ref;
};

/*
 * A parsed certificate.  Everything hangs off it and goes with
 * cert_free().  Nothing here is trusted: pusher is the client's claim, and
 * the signature has only been parsed, not verified.
 */
struct cert {
	char *pusher;			/* "<ident> <time> <tz>" */
	char *pushee;			/* NULL when absent */
	char *nonce;			/* NULL when absent */
	char **push_options;		/* in order; may be "" */
	size_t npush_options;
	struct cert_command *commands;	/* in order; at least one */
	size_t ncommands;

	/*
	 * The signed bytes: the certificate up to, not including, the
	 * signature's BEGIN line (what receive-pack hands to gpg).  Points
	 * into memory the cert owns.
	 */
	const char *payload;
	size_t payload_len;
	/* The armored signature, BEGIN line to END line and its newline. */
	const char *signature;
	size_t signature_len;
	/*
	 * The same signature dearmored: exactly one signature packet, the
	 * bytes checked here.  Verify these, not the armor, so that gpg
	 * judges the packet this parser saw.
	 */
	unsigned char *sig_packet;
	size_t sig_packet_len;

	char issuer_fpr[41];		/* upper-case hex; "" when absent */
	char issuer_keyid[17];		/* upper-case hex; "" when absent */

	char *data;			/* private: the copy of the input */
};

/*
 * Parse the push certificate in buf (len bytes, the blob GIT_PUSH_CERT
 * names) by SPEC 2 and git's format:
 *
 *	certificate version 0.1
 *	pusher <ident>
 *	pushee <url>			(optional, once)
 *	nonce <nonce>			(optional, once)
 *	push-option <option>		(any number)
 *	<empty line>
 *	<old> <new> <ref>		(one or more)
 *	-----BEGIN PGP SIGNATURE-----
 *	...
 *	-----END PGP SIGNATURE-----
 *
 * The signature starts at the last line that starts with
 * "-----BEGIN PGP SIGNATURE-----" and ends with the END line and its
 * newline, which are the last bytes of buf.  It must be exactly one
 * OpenPGP signature packet, version 3 or 4, of class 0x00 (binary
 * document).  Every line between the header's empty line and the
 * signature is a command.  No NUL, CR or other control byte but tab and
 * newline may appear anywhere.
 *
 * On success returns 0 and stores a cert in *out, which the caller frees
 * with cert_free().  On failure returns -1 with *out NULL and a one-line
 * message in err (naming the line for a bad line); nothing of buf is
 * quoted in it.
 */
int cert_parse(struct cert **out, const char *buf, size_t len,
	       struct err *err);

/* Free a cert and everything it holds; NULL-safe. */
void cert_free(struct cert *cert);

#endif
