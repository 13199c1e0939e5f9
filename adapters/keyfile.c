/* keyfile: is a keys/<ID>.asc file exactly one valid public key? (SPEC 2) */
#define _XOPEN_SOURCE 700
#include "keyfile.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <gpgme.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "backsig.h"
#include "gpghome.h"
#include "pgp.h"

struct keyfile_checker {
	char home[GPGHOME_PATH_MAX];
	gpgme_ctx_t ctx;
};

void keyfile_checker_free(struct keyfile_checker *checker)
{
	if (checker == NULL)
		return;
	gpgme_release(checker->ctx);
	if (checker->home[0] != '\0')
		gpghome_remove(checker->home);
	free(checker);
}

static int keyfile_gpg_error(struct err *err, const char *what,
			     gpgme_error_t gerr)
{
	return err_set(err, "%s: %s", what, gpgme_strerror(gerr));
}

int keyfile_checker_new(struct keyfile_checker **out, struct err *err)
{
	struct keyfile_checker *checker = NULL;
	int error = -1;

	*out = NULL;
	if ((checker = calloc(1, sizeof(*checker))) == NULL) {
		err_set(err, "out of memory");
		goto done;
	}
	if (gpghome_make(checker->home, sizeof(checker->home), NULL,
			 "gitapps-keys", "no-autostart\n", err) < 0) {
		checker->home[0] = '\0';
		goto done;
	}
	if (gpghome_ctx(&checker->ctx, checker->home, err) < 0)
		goto done;
	*out = checker;
	checker = NULL;
	error = 0;
done:
	keyfile_checker_free(checker);
	return error;
}

/* The v4 fingerprint of a key packet, as upper-case hex. */
static void keyfile_fingerprint(char out[41], const struct pgp_packet *key)
{
	unsigned char fpr[PGP_FPR_SIZE];

	pgp_fingerprint(fpr, key->body, key->len);
	pgp_fingerprint_hex(out, fpr);
}

/* Whether the packet at body (len bytes, tag) came before in bin. */
static bool keyfile_seen(const unsigned char *data, size_t upto,
			 const struct pgp_packet *packet)
{
	struct pgp_packet earlier;
	struct err err;
	size_t pos = 0;

	while (pos < upto &&
	       pgp_packet_next(&earlier, data, upto, &pos, &err) > 0)
		if (earlier.tag == packet->tag && earlier.len == packet->len &&
		    memcmp(earlier.body, packet->body, packet->len) == 0)
			return true;
	return false;
}

/*
 * The packet structure of a transferable public key (RFC 4880 11.1), and
 * SPEC 2's stricter rules: no packet twice (a second copy of a revoked
 * subkey, without its revocation, would be the one gpg uses), and no user
 * id or subkey without a signature after it.
 */
static int keyfile_check_packets(struct keyfile_info *info,
				 const struct buf *bin, struct buf *problem)
{
	const unsigned char *data = (const unsigned char *)bin->ptr;
	struct pgp_packet packet;
	struct err err;
	size_t pos = 0, start = 0, i;
	unsigned n = 0, unsigned_tag = 0;
	int rc;

	while ((rc = pgp_packet_next(&packet, data, bin->len, &pos, &err)) >
	       0) {
		n++;
		if (packet.tag != PGP_TAG_SIGNATURE && unsigned_tag != 0)
			goto unsigned_packet;
		if (keyfile_seen(data, start, &packet))
			return buf_printf(problem,
					  "holds the same packet twice (tag "
					  "%u)",
					  packet.tag);
		start = pos;
		switch (packet.tag) {
		case PGP_TAG_PUBLIC_KEY:
		case PGP_TAG_PUBLIC_SUBKEY:
			if (packet.tag == PGP_TAG_PUBLIC_KEY && n > 1)
				return buf_puts(problem,
						"holds more than one key");
			if (packet.tag == PGP_TAG_PUBLIC_SUBKEY && n == 1)
				goto not_key_first;
			/* a 16-bit length is all a v4 fingerprint can hash */
			if (packet.len < 1 || packet.body[0] != 4 ||
			    packet.len > 0xffff)
				return buf_puts(problem,
						"is not an OpenPGP v4 key");
			if (info->nfprs == KEYFILE_MAX_KEYS)
				return buf_printf(problem,
						  "holds more than %u subkeys",
						  KEYFILE_MAX_KEYS - 1);
			/* subkeys sign only once back-signed: keyfile_parse */
			info->signs[info->nfprs] =
				packet.tag == PGP_TAG_PUBLIC_KEY;
			keyfile_fingerprint(info->fprs[info->nfprs],
					    &packet);
			for (i = 0; i < info->nfprs; i++)
				if (strcmp(info->fprs[i],
					   info->fprs[info->nfprs]) == 0)
					return buf_printf(
						problem, "holds the key %s twice",
						info->fprs[i]);
			info->nfprs++;
			if (packet.tag == PGP_TAG_PUBLIC_SUBKEY)
				unsigned_tag = packet.tag;
			break;
		case PGP_TAG_SECRET_KEY:
		case PGP_TAG_SECRET_SUBKEY:
			return buf_puts(problem, "holds a secret key");
		case PGP_TAG_SIGNATURE:
			if (n == 1)
				goto not_key_first;
			unsigned_tag = 0;
			break;
		case PGP_TAG_USER_ID:
		case PGP_TAG_USER_ATTRIBUTE:
			if (n == 1)
				goto not_key_first;
			unsigned_tag = packet.tag;
			break;
		default:
			return buf_printf(problem,
					  "holds a stray packet (tag %u)",
					  packet.tag);
		}
	}
	if (rc < 0)
		return buf_printf(problem, "is not valid OpenPGP: %s",
				  err.msg);
	if (n == 0)
		return buf_puts(problem, "holds no key");
	if (unsigned_tag != 0)
		goto unsigned_packet;
	return 0;
unsigned_packet:
	return buf_puts(problem, unsigned_tag == PGP_TAG_PUBLIC_SUBKEY
					 ? "holds a subkey without its binding "
					   "signature"
					 : "holds a user id without its "
					   "self-signature");
not_key_first:
	return buf_puts(problem, "does not start with a public key packet");
}

/*
 * Which subkeys may identify a signer: those with a valid back-signature
 * (adapters/backsig.h).  A file backsig cannot read leaves only the primary.
 */
static void keyfile_mark_signers(struct keyfile_info *info,
				 const struct buf *bin)
{
	struct backsig_keys keys;
	struct err why;
	size_t i, j;

	if (backsig_signing_keys(&keys, (const unsigned char *)bin->ptr,
				 bin->len, NULL, &why) < 0)
		return;
	for (i = 1; i < info->nfprs; i++)
		for (j = 0; j < keys.nsigning && !info->signs[i]; j++)
			info->signs[i] = strcmp(info->fprs[i],
						keys.signing[j]) == 0;
}

int keyfile_parse(struct keyfile_info *info, const char *data, size_t len,
		  struct buf *problem)
{
	struct buf bin = BUF_INIT;
	struct err why;
	int error;

	memset(info, 0, sizeof(*info));
	if (len > KEYFILE_MAX)
		return buf_printf(problem, "is larger than %u bytes",
				  KEYFILE_MAX);
	if (pgp_dearmor(&bin, data, len, "PGP PUBLIC KEY BLOCK", &why) < 0)
		error = buf_printf(problem,
				   "is not one armored public key: %s",
				   why.msg);
	else
		error = keyfile_check_packets(info, &bin, problem);
	if (error == 0 && problem->len == 0)
		keyfile_mark_signers(info, &bin);
	buf_dispose(&bin);
	return error;
}

/*
 * The packets of an armored key file: tag and body, never the header, so
 * that a packet rewritten with another header format is the same packet.
 */
struct keyfile_packets {
	struct buf bin;
	unsigned *tag;
	size_t *start, *len;
	bool *used;
	size_t n;
};

static void keyfile_packets_dispose(struct keyfile_packets *p)
{
	buf_dispose(&p->bin);
	free(p->tag);
	free(p->start);
	free(p->len);
	free(p->used);
	memset(p, 0, sizeof(*p));
}

/* 1: split; 0: not one armored public key; -1: out of memory. */
static int keyfile_split(struct keyfile_packets *out, const char *data,
			 size_t len)
{
	struct pgp_packet packet;
	struct err why;
	size_t pos = 0, alloc = 0;
	int rc;

	if (len > KEYFILE_MAX ||
	    pgp_dearmor(&out->bin, data, len, "PGP PUBLIC KEY BLOCK", &why) <
		    0)
		return 0;
	while ((rc = pgp_packet_next(&packet,
				     (const unsigned char *)out->bin.ptr,
				     out->bin.len, &pos, &why)) > 0) {
		if (out->n == alloc) {
			size_t n = alloc ? 2 * alloc : 16;
			size_t *s = realloc(out->start, n * sizeof(*s));
			unsigned *t;

			if (s == NULL)
				return -1;
			out->start = s;
			if ((s = realloc(out->len, n * sizeof(*s))) == NULL)
				return -1;
			out->len = s;
			if ((t = realloc(out->tag, n * sizeof(*t))) == NULL)
				return -1;
			out->tag = t;
			alloc = n;
		}
		out->tag[out->n] = packet.tag;
		out->start[out->n] = (size_t)(packet.body -
					      (const unsigned char *)out->bin.ptr);
		out->len[out->n++] = packet.len;
	}
	if (rc < 0)
		return 0;
	if (out->n > 0 && (out->used = calloc(out->n, 1)) == NULL)
		return -1;
	return 1;
}

int keyfile_grows(bool *grows, const char *old, size_t old_len,
		  const char *new, size_t new_len)
{
	struct keyfile_packets a = {BUF_INIT, NULL, NULL, NULL, NULL, 0},
			       b = {BUF_INIT, NULL, NULL, NULL, NULL, 0};
	size_t i, j;
	int rc, error = -1;

	*grows = false;
	if ((rc = keyfile_split(&a, old, old_len)) < 0 ||
	    (rc > 0 && (rc = keyfile_split(&b, new, new_len)) < 0))
		goto done;
	error = 0;
	if (rc == 0)
		goto done;
	for (i = 0; i < a.n; i++) {
		for (j = 0; j < b.n; j++)
			if (!b.used[j] && a.tag[i] == b.tag[j] &&
			    a.len[i] == b.len[j] &&
			    memcmp(a.bin.ptr + a.start[i], b.bin.ptr + b.start[j],
				   a.len[i]) == 0)
				break;
		if (j == b.n)
			goto done;	/* a packet was removed */
		b.used[j] = true;
	}
	*grows = true;
done:
	keyfile_packets_dispose(&a);
	keyfile_packets_dispose(&b);
	return error;
}

/* Whether packet j of b is packet i of a. */
static bool keyfile_same(const struct keyfile_packets *a, size_t i,
			 const struct keyfile_packets *b, size_t j)
{
	return a->tag[i] == b->tag[j] && a->len[i] == b->len[j] &&
	       memcmp(a->bin.ptr + a->start[i], b->bin.ptr + b->start[j],
		      a->len[i]) == 0;
}

/* The packet, re-framed with a new-format header (RFC 4880 4.2.2). */
static int keyfile_put_packet(struct buf *out, const struct keyfile_packets *p,
			      size_t i)
{
	size_t len = p->len[i];
	unsigned char head[6];
	size_t n = 0;

	head[n++] = (unsigned char)(0xc0 | p->tag[i]);
	if (len < 192) {
		head[n++] = (unsigned char)len;
	} else if (len < 8384) {
		head[n++] = (unsigned char)(((len - 192) >> 8) + 192);
		head[n++] = (unsigned char)((len - 192) & 0xff);
	} else {
		head[n++] = 0xff;
		head[n++] = (unsigned char)(len >> 24);
		head[n++] = (unsigned char)(len >> 16);
		head[n++] = (unsigned char)(len >> 8);
		head[n++] = (unsigned char)len;
	}
	return buf_put(out, head, n) < 0 ||
			       buf_put(out, p->bin.ptr + p->start[i], len) < 0
		       ? -1
		       : 0;
}

/* The head packet (key, user id, subkey) that packet i belongs under. */
static size_t keyfile_head_of(const struct keyfile_packets *p, size_t i)
{
	while (i > 0 && p->tag[i] == PGP_TAG_SIGNATURE)
		i--;
	return i;
}

int keyfile_grow(struct buf *out, const char *old, size_t old_len,
		 const char *new, size_t new_len)
{
	struct keyfile_packets a = {BUF_INIT, NULL, NULL, NULL, NULL, 0},
			       b = {BUF_INIT, NULL, NULL, NULL, NULL, 0};
	struct buf bin = BUF_INIT;
	size_t i, j, k;
	int rc, error = -1;

	if ((rc = keyfile_split(&a, old, old_len)) < 0 ||
	    (rc > 0 && (rc = keyfile_split(&b, new, new_len)) < 0))
		goto done;
	error = 0;
	if (rc == 0 || a.n == 0 || b.n == 0 || !keyfile_same(&a, 0, &b, 0))
		goto done;	/* not the same key */
	/* b.used: the packets of new already in old */
	for (j = 0; j < b.n; j++)
		for (i = 0; i < a.n && !b.used[j]; i++)
			b.used[j] = keyfile_same(&a, i, &b, j);
	for (i = 0; i < a.n; i++) {
		if (keyfile_put_packet(&bin, &a, i) < 0)
			goto oom;
		/* after the last packet of a group, new signatures for it */
		if (i + 1 < a.n && a.tag[i + 1] == PGP_TAG_SIGNATURE)
			continue;
		k = keyfile_head_of(&a, i);
		for (j = 0; j < b.n; j++) {
			size_t head = keyfile_head_of(&b, j);

			if (b.used[j] || b.tag[j] != PGP_TAG_SIGNATURE ||
			    !keyfile_same(&a, k, &b, head))
				continue;
			if (keyfile_put_packet(&bin, &b, j) < 0)
				goto oom;
			b.used[j] = true;
		}
	}
	/* new user ids and subkeys, with their signatures */
	for (j = 0; j < b.n; j++) {
		if (b.used[j] || b.tag[j] == PGP_TAG_SIGNATURE)
			continue;
		if (keyfile_put_packet(&bin, &b, j) < 0)
			goto oom;
		b.used[j] = true;
		for (k = j + 1; k < b.n && b.tag[k] == PGP_TAG_SIGNATURE; k++)
			if (!b.used[k]) {
				if (keyfile_put_packet(&bin, &b, k) < 0)
					goto oom;
				b.used[k] = true;
			}
	}
	if (pgp_armor(out, (const unsigned char *)bin.ptr, bin.len,
		      "PGP PUBLIC KEY BLOCK") < 0)
		goto oom;
	error = 1;
	goto done;
oom:
	error = -1;
done:
	buf_dispose(&bin);
	keyfile_packets_dispose(&a);
	keyfile_packets_dispose(&b);
	return error;
}

/* What gpg says about the one key: its fingerprint and its state. */
static int keyfile_check_key(struct keyfile_checker *checker, const char *id,
			     const char *armored, size_t len,
			     struct buf *problem, struct buf *uids,
			     struct err *err)
{
	gpgme_user_id_t uid;
	gpgme_data_t data = NULL;
	gpgme_key_t key = NULL, extra = NULL;
	gpgme_error_t gerr;
	int error = -1;

	if ((gerr = gpgme_data_new_from_mem(&data, armored, len, 0)) != 0) {
		keyfile_gpg_error(err, "cannot read key", gerr);
		goto done;
	}
	if ((gerr = gpgme_op_keylist_from_data_start(checker->ctx, data, 0)) !=
	    0) {
		keyfile_gpg_error(err, "cannot list key", gerr);
		goto done;
	}
	gerr = gpgme_op_keylist_next(checker->ctx, &key);
	if (gerr == 0)
		gerr = gpgme_op_keylist_next(checker->ctx, &extra);
	gpgme_op_keylist_end(checker->ctx);
	if (key == NULL) {
		error = buf_puts(problem, "holds no key gpg can read");
		goto done;
	}
	if (extra != NULL) {
		error = buf_puts(problem, "holds more than one key");
		goto done;
	}
	if (gpgme_err_code(gerr) != GPG_ERR_EOF) {
		keyfile_gpg_error(err, "cannot list key", gerr);
		goto done;
	}
	/* names are the key's own claims: listed, never trusted */
	for (uid = key->uids; uids != NULL && uid != NULL; uid = uid->next)
		if (uid->uid != NULL &&
		    buf_printf(uids, "%s%s", uids->len ? "\n" : "", uid->uid) <
			    0)
			goto done;
	if (key->subkeys == NULL || key->subkeys->fpr == NULL ||
	    strcasecmp(key->subkeys->fpr, id) != 0)
		error = buf_printf(problem,
				   "holds the key %s, not %s",
				   key->subkeys && key->subkeys->fpr
					   ? key->subkeys->fpr
					   : "(none)",
				   id);
	else if (key->revoked)
		error = buf_puts(problem, "is revoked");
	else if (key->expired)
		error = buf_puts(problem, "has expired");
	else if (key->disabled || key->invalid)
		error = buf_puts(problem, "is not usable");
	else if (!key->can_sign)
		error = buf_puts(problem, "has no usable signing key");
	else
		error = 0;
done:
	gpgme_key_unref(extra);
	gpgme_key_unref(key);
	gpgme_data_release(data);
	if (error < 0 && err->msg[0] == '\0')
		err_set(err, "out of memory");
	return error;
}

int keyfile_check(struct keyfile_checker *checker, const char *id,
		  const char *data, size_t len, struct buf *problem,
		  struct buf *uids, struct err *err)
{
	struct keyfile_info info;
	size_t before = problem->len;

	err_clear(err);
	if (keyfile_parse(&info, data, len, problem) < 0)
		return err_set(err, "out of memory");
	if (problem->len > before)
		return 0;
	if (strcmp(info.fprs[0], id) != 0)
		return buf_printf(problem, "holds the key %s, not %s",
				  info.fprs[0], id) < 0
			       ? err_set(err, "out of memory")
			       : 0;
	return keyfile_check_key(checker, id, data, len, problem, uids, err);
}

int keyfile_export(struct buf *out, const char *spec, struct err *err)
{
	gpgme_ctx_t ctx = NULL;
	gpgme_data_t data = NULL;
	const char *patterns[] = {spec, NULL};
	char *mem = NULL;
	size_t len = 0;
	int error = -1;

	gpgme_check_version(NULL);
	if (gpgme_new(&ctx) != 0 || gpgme_data_new(&data) != 0) {
		err_set(err, "cannot set up gpg");
		goto done;
	}
	gpgme_set_armor(ctx, 1);
	if (gpgme_op_export_ext(ctx, patterns, GPGME_EXPORT_MODE_MINIMAL,
				data) != 0) {
		err_set(err, "cannot export key '%s'", spec);
		goto done;
	}
	mem = gpgme_data_release_and_get_mem(data, &len);
	data = NULL;
	if (mem == NULL || len == 0) {
		err_set(err, "no key '%s' in your keyring ($GNUPGHOME)", spec);
		goto done;
	}
	if (buf_put(out, mem, len) < 0) {
		err_set(err, "out of memory");
		goto done;
	}
	error = 0;
done:
	gpgme_free(mem);
	gpgme_data_release(data);
	gpgme_release(ctx);
	return error;
}
