/* match: the PCRE2 adapter: anchored compile, $user_id expansion, limits */
#ifndef POLICY_MATCH_H
#define POLICY_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/buf.h"
#include "../common/err.h"

/* SPEC 5: gitapps.regexMatchLimit's default. */
#define MATCH_DEFAULT_LIMIT 10000000u
/* SPEC 5: PCRE2's default 32 KiB JIT stack fails on ordinary 4 KiB paths. */
#define MATCH_JIT_STACK_START (32u * 1024u)
#define MATCH_JIT_STACK_MAX (1024u * 1024u)
/* A rule line is at most 4,096 bytes, so no pattern is longer. */
#define MATCH_PATTERN_MAX 4096u

/*
 * What every match of one policy shares: the match limit, the JIT stack and
 * the match data.  Not safe to use from two threads at once.
 */
struct match_env;

/* Create an env with the given match limit (0: MATCH_DEFAULT_LIMIT). */
int match_env_new(struct match_env **out, uint32_t match_limit,
		  struct err *err);
void match_env_free(struct match_env *env);

/*
 * One pattern, compiled with PCRE2_ANCHORED | PCRE2_ENDANCHORED |
 * PCRE2_DOTALL | PCRE2_NEVER_UTF | PCRE2_NEVER_UCP (so it must match the
 * whole subject, byte by byte) and JIT-compiled where PCRE2 can.  A pattern
 * that names $user_id or ${user_id} is compiled once per pusher and cached
 * for the last pusher it was matched for.
 */
struct match_pattern;

/*
 * Compile text (len bytes; it may hold any byte but NUL).  A pattern with
 * $user_id is checked by compiling it for a sample id.  Returns 0, or -1 with
 * "bad regex: <PCRE2's message> at offset N".
 */
int match_pattern_new(struct match_pattern **out, const char *text,
		      size_t len, struct err *err);
void match_pattern_free(struct match_pattern *pattern);

/* The pattern's text as written (NUL-terminated; borrowed). */
const char *match_pattern_text(const struct match_pattern *pattern);
bool match_pattern_has_user_id(const struct match_pattern *pattern);

/*
 * Match subject (len bytes) against the whole pattern, expanding $user_id to
 * user (which may be NULL only when the pattern has no $user_id).
 * Returns 1 on a match, 0 on no match, and -1 with a message when PCRE2
 * could not decide (match limit, JIT stack, heap): never read that as "no
 * match", or a hostile pattern becomes a way around a deny.
 */
int match_exec(struct match_pattern *pattern, struct match_env *env,
	       const char *user, const char *subject, size_t len,
	       struct err *err);

/*
 * Append text with every $user_id and ${user_id} that is not itself escaped
 * (\$user_id) replaced by user, escaped so that it can only ever match
 * itself: letters and digits stay, every other byte becomes \x{hh} (inside
 * \Q...\E, written between \E and \Q, as \x{hh} is literal text there).
 * Returns 0, or -1 when memory runs out.
 */
int match_expand(struct buf *out, const char *text, size_t len,
		 const char *user);

/*
 * Find the first $user_id written where its expansion will not mean what
 * the author thinks (SPEC 5): inside a character class or \Q...\E, or
 * followed by a quantifier, or (as $user_id) by a letter, digit or '_'.
 * Returns a description, or NULL when every use is fine.
 */
const char *match_user_id_misuse(const char *text, size_t len);

#endif
