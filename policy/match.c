/* match: the PCRE2 adapter: anchored compile, $user_id expansion, limits */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "match.h"

#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

/* Only this file knows PCRE2 (as only libgit2's regexp.c does there). */

#define MATCH_COMPILE_FLAGS                                                    \
	(PCRE2_ANCHORED | PCRE2_ENDANCHORED | PCRE2_DOTALL |                   \
	 PCRE2_NEVER_UTF | PCRE2_NEVER_UCP)

/* The id a $user_id pattern is test-compiled with when it is loaded. */
static const char match_sample_user[] =
	"0000000000000000000000000000000000000000";

struct match_env {
	pcre2_match_context *mctx;
	pcre2_jit_stack *jit_stack;
	pcre2_match_data *data;
};

struct match_pattern {
	char *text;
	size_t len;
	bool has_user_id;
	pcre2_code *code;	/* the pattern itself, or for cached_user */
	bool jitted;		/* code has been through pcre2_jit_compile */
	char *cached_user;	/* NULL unless has_user_id and compiled */
};

int match_env_new(struct match_env **out, uint32_t match_limit,
		  struct err *err)
{
	struct match_env *env = NULL;
	int error = -1;

	*out = NULL;
	if ((env = calloc(1, sizeof(*env))) == NULL ||
	    (env->mctx = pcre2_match_context_create(NULL)) == NULL ||
	    (env->data = pcre2_match_data_create(1, NULL)) == NULL) {
		err_set(err, "out of memory");
		goto done;
	}
	pcre2_set_match_limit(env->mctx, match_limit ? match_limit
						     : MATCH_DEFAULT_LIMIT);
	/* No JIT on this build is fine: the interpreter honours the limits. */
	env->jit_stack = pcre2_jit_stack_create(MATCH_JIT_STACK_START,
						MATCH_JIT_STACK_MAX, NULL);
	if (env->jit_stack != NULL)
		pcre2_jit_stack_assign(env->mctx, NULL, env->jit_stack);
	*out = env;
	env = NULL;
	error = 0;
done:
	match_env_free(env);
	return error;
}

void match_env_free(struct match_env *env)
{
	if (env == NULL)
		return;
	pcre2_match_data_free(env->data);
	pcre2_jit_stack_free(env->jit_stack);
	pcre2_match_context_free(env->mctx);
	free(env);
}

static bool match_is_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z');
}

/*
 * If text[i] starts $user_id or ${user_id}, return the length of that
 * token, else 0.
 */
static size_t match_user_id_token(const char *text, size_t len, size_t i)
{
	static const char plain[] = "$user_id";
	static const char braced[] = "${user_id}";

	if (len - i >= sizeof(braced) - 1 &&
	    memcmp(text + i, braced, sizeof(braced) - 1) == 0)
		return sizeof(braced) - 1;
	if (len - i >= sizeof(plain) - 1 &&
	    memcmp(text + i, plain, sizeof(plain) - 1) == 0)
		return sizeof(plain) - 1;
	return 0;
}

static int match_put_escaped(struct buf *out, const char *user)
{
	const unsigned char *p;

	for (p = (const unsigned char *)user; *p; p++) {
		int error = match_is_alnum(*p) ? buf_putc(out, (char)*p)
					       : buf_printf(out, "\\x{%02x}", *p);
		if (error < 0)
			return -1;
	}
	return 0;
}

/* Whether user has a byte that match_put_escaped() writes as \x{hh}. */
static bool match_needs_escapes(const char *user)
{
	const unsigned char *p;

	for (p = (const unsigned char *)user; *p; p++)
		if (!match_is_alnum(*p))
			return true;
	return false;
}

int match_expand(struct buf *out, const char *text, size_t len,
		 const char *user)
{
	bool in_quote = false;
	size_t i = 0;

	while (i < len) {
		size_t token, n = 1;

		if (text[i] == '\\' && i + 1 < len) {
			/*
			 * An escaped byte, \$ included, is copied as is.  In
			 * \Q...\E only \E means something, and a backslash
			 * before another one is literal (\Q\\E ends there).
			 */
			if (in_quote && text[i + 1] == 'E')
				in_quote = false;
			else if (!in_quote && text[i + 1] == 'Q')
				in_quote = true;
			n = in_quote && text[i + 1] == '\\' ? 1 : 2;
		} else if ((token = match_user_id_token(text, len, i)) > 0) {
			/*
			 * \x{hh} is literal text inside \Q...\E: leave the
			 * quote for such an id, or it matches its escapes.
			 */
			bool leave = in_quote && match_needs_escapes(user);

			if ((leave && buf_puts(out, "\\E") < 0) ||
			    match_put_escaped(out, user) < 0 ||
			    (leave && buf_puts(out, "\\Q") < 0))
				return -1;
			i += token;
			continue;
		}
		if (buf_put(out, text + i, n) < 0)
			return -1;
		i += n;
	}
	/* keep a valid (if empty) string even for an empty pattern */
	return buf_put(out, "", 0);
}

static bool match_text_has_user_id(const char *text, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (text[i] == '\\')
			i++;
		else if (match_user_id_token(text, len, i) > 0)
			return true;
	}
	return false;
}

/* Compile text; NULL with PCRE2's error code and offset when it is bad. */
static pcre2_code *match_compile_raw(const char *text, size_t len, int *code,
				     size_t *offset)
{
	PCRE2_SIZE where = 0;
	pcre2_code *re;

	re = pcre2_compile((PCRE2_SPTR)text, len, MATCH_COMPILE_FLAGS, code,
			   &where, NULL);
	*offset = (size_t)where;
	return re;
}

/*
 * JIT-compile code the first time it is matched, not when the policy is
 * loaded: a small push uses few of the policy's patterns, and compiling
 * all of them was a third of loading it.  Every match still runs the
 * JIT's code.  Best effort: without it the interpreter gives the same
 * answers.
 */
static pcre2_code *match_jit(struct match_pattern *pattern)
{
	if (!pattern->jitted) {
		pcre2_jit_compile(pattern->code, PCRE2_JIT_COMPLETE);
		pattern->jitted = true;
	}
	return pattern->code;
}

static int match_bad_regex(struct err *err, int code, size_t offset)
{
	PCRE2_UCHAR msg[120];

	if (pcre2_get_error_message(code, msg, sizeof(msg)) < 0)
		strcpy((char *)msg, "unknown error");
	return err_set(err, "bad regex: %s at offset %zu", (char *)msg, offset);
}

static int match_compile(pcre2_code **out, const char *text, size_t len,
			 struct err *err)
{
	size_t offset = 0;
	int code = 0;

	if ((*out = match_compile_raw(text, len, &code, &offset)) == NULL)
		return match_bad_regex(err, code, offset);
	return 0;
}

/*
 * PCRE2 reports an offset in the expanded pattern, which its author never
 * wrote: map it back to the longest prefix of text whose expansion ends at
 * or before it (expanding a longer prefix never gives fewer bytes).
 */
static size_t match_source_offset(const char *text, size_t len,
				  const char *user, size_t offset)
{
	struct buf prefix = BUF_INIT;
	size_t lo = 0, hi = len;

	while (lo < hi) {
		size_t mid = lo + (hi - lo + 1) / 2;

		buf_clear(&prefix);
		if (match_expand(&prefix, text, mid, user) < 0)
			break;	/* out of memory: a less precise offset */
		if (prefix.len <= offset)
			lo = mid;
		else
			hi = mid - 1;
	}
	buf_dispose(&prefix);
	return lo;
}

static int match_compile_for(pcre2_code **out, const char *text, size_t len,
			     const char *user, struct err *err)
{
	struct buf expanded = BUF_INIT;
	size_t offset = 0;
	int code = 0;

	if (match_expand(&expanded, text, len, user) < 0) {
		buf_dispose(&expanded);
		return err_set(err, "out of memory");
	}
	*out = match_compile_raw(expanded.ptr, expanded.len, &code, &offset);
	buf_dispose(&expanded);
	if (*out != NULL)
		return 0;
	offset = match_source_offset(text, len, user, offset);
	return match_bad_regex(err, code, offset);
}

int match_pattern_new(struct match_pattern **out, const char *text,
		      size_t len, struct err *err)
{
	struct match_pattern *pattern = NULL;
	int error = -1;

	*out = NULL;
	if (len > MATCH_PATTERN_MAX) {
		err_set(err, "regex longer than %u bytes", MATCH_PATTERN_MAX);
		goto done;
	}
	if (memchr(text, '\0', len) != NULL) {
		err_set(err, "NUL byte in regex");
		goto done;
	}
	if ((pattern = calloc(1, sizeof(*pattern))) == NULL ||
	    (pattern->text = malloc(len + 1)) == NULL) {
		err_set(err, "out of memory");
		goto done;
	}
	memcpy(pattern->text, text, len);
	pattern->text[len] = '\0';
	pattern->len = len;
	pattern->has_user_id = match_text_has_user_id(text, len);
	if (pattern->has_user_id) {
		/* check the syntax now; the real one is built per pusher */
		pcre2_code *sample = NULL;

		if (match_compile_for(&sample, text, len, match_sample_user,
				      err) < 0)
			goto done;
		pcre2_code_free(sample);
	} else if (match_compile(&pattern->code, text, len, err) < 0) {
		goto done;
	}
	*out = pattern;
	pattern = NULL;
	error = 0;
done:
	match_pattern_free(pattern);
	return error;
}

void match_pattern_free(struct match_pattern *pattern)
{
	if (pattern == NULL)
		return;
	pcre2_code_free(pattern->code);
	free(pattern->cached_user);
	free(pattern->text);
	free(pattern);
}

const char *match_pattern_text(const struct match_pattern *pattern)
{
	return pattern->text;
}

bool match_pattern_has_user_id(const struct match_pattern *pattern)
{
	return pattern->has_user_id;
}

/* The compiled code for this pusher, compiling it on a cache miss. */
static int match_code_for(pcre2_code **out, struct match_pattern *pattern,
			  const char *user, struct err *err)
{
	pcre2_code *code = NULL;
	char *copy = NULL;

	if (!pattern->has_user_id) {
		*out = match_jit(pattern);
		return 0;
	}
	if (user == NULL)
		return err_set(err, "regex '%s' needs a user id",
			       pattern->text);
	if (pattern->cached_user != NULL &&
	    strcmp(pattern->cached_user, user) == 0) {
		*out = match_jit(pattern);
		return 0;
	}
	if ((copy = strdup(user)) == NULL)
		return err_set(err, "out of memory");
	if (match_compile_for(&code, pattern->text, pattern->len, user, err) <
	    0) {
		free(copy);
		return -1;
	}
	pcre2_code_free(pattern->code);
	free(pattern->cached_user);
	pattern->code = code;
	pattern->jitted = false;
	pattern->cached_user = copy;
	*out = match_jit(pattern);
	return 0;
}

int match_exec(struct match_pattern *pattern, struct match_env *env,
	       const char *user, const char *subject, size_t len,
	       struct err *err)
{
	PCRE2_UCHAR msg[120];
	pcre2_code *code;
	int rc;

	if (match_code_for(&code, pattern, user, err) < 0)
		return -1;
	rc = pcre2_match(code, (PCRE2_SPTR)subject, len, 0, 0, env->data,
			 env->mctx);
	if (rc >= 0)
		return 1;	/* 0 only means the ovector was too small */
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	if (pcre2_get_error_message(rc, msg, sizeof(msg)) < 0)
		strcpy((char *)msg, "unknown error");
	return err_set(err, "regex '%s' failed: %s", pattern->text,
		       (char *)msg);
}

static bool match_is_quantifier(const char *text, size_t len, size_t i)
{
	if (i >= len)
		return false;
	if (text[i] == '*' || text[i] == '+' || text[i] == '?')
		return true;
	return text[i] == '{' && i + 1 < len && text[i + 1] >= '0' &&
	       text[i + 1] <= '9';
}

/* Skip a POSIX class name like [:alpha:] inside a bracket expression. */
static size_t match_skip_posix_class(const char *text, size_t len, size_t i)
{
	size_t j;

	if (i + 1 >= len || text[i] != '[' || text[i + 1] != ':')
		return i;
	for (j = i + 2; j + 1 < len; j++)
		if (text[j] == ':' && text[j + 1] == ']')
			return j + 1;
	return i;
}

const char *match_user_id_misuse(const char *text, size_t len)
{
	bool in_class = false, in_quote = false;
	size_t class_start = 0;
	size_t i = 0;

	while (i < len) {
		size_t token = match_user_id_token(text, len, i);

		if (in_quote) {
			if (text[i] == '\\' && i + 1 < len && text[i + 1] == 'E') {
				in_quote = false;
				i += 2;
				continue;
			}
			if (token > 0)
				return "$user_id inside \\Q...\\E is not expanded as a literal id";
			i++;
			continue;
		}
		if (text[i] == '\\') {
			if (i + 1 < len && text[i + 1] == 'Q')
				in_quote = true;
			i += 2;
			continue;
		}
		if (token > 0) {
			size_t next = i + token;

			if (in_class)
				return "$user_id inside a character class matches single characters, not the id";
			if (match_is_quantifier(text, len, next))
				return "$user_id followed by a quantifier repeats only its last character";
			if (token == sizeof("$user_id") - 1 && next < len &&
			    (match_is_alnum((unsigned char)text[next]) ||
			     text[next] == '_'))
				return "$user_id followed by a letter or digit (write ${user_id})";
			i = next;
			continue;
		}
		if (in_class) {
			size_t posix_end = match_skip_posix_class(text, len, i);

			if (posix_end != i)
				i = posix_end;
			else if (text[i] == ']' && i > class_start)
				in_class = false;	/* not a leading ']' */
			i++;
			continue;
		}
		if (text[i] == '[') {
			in_class = true;
			i++;
			if (i < len && text[i] == '^')
				i++;
			class_start = i;
			/* the first byte of a class is literal, even ']' */
			if (i < len && text[i] == ']')
				i++;
			continue;
		}
		i++;
	}
	return NULL;
}
