/* err: a caller-owned error message, so that failing never allocates */
#ifndef COMMON_ERR_H
#define COMMON_ERR_H

#define ERR_MSG_MAX 256

struct err {
	char msg[ERR_MSG_MAX];
};

/*
 * Format a message into err (truncated to fit) and return -1, so that a
 * failure reads `return err_set(err, "bad thing '%s'", name);`.  err may be
 * NULL when the caller does not want the text.
 */
int err_set(struct err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Clear the message. */
void err_clear(struct err *err);

#endif
