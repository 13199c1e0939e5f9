/* userid: a user id is a v4 primary key's full fingerprint (SPEC 2) */
#ifndef POLICY_USERID_H
#define POLICY_USERID_H

#include <stdbool.h>
#include <stddef.h>

#define USERID_LEN 40

/* Exactly 40 upper-case hex digits: anything else is never a user id. */
bool userid_is_valid(const char *text, size_t len);

/* len upper-case hex digits, at most 40: the start of a user id ("AB"). */
bool userid_is_valid_prefix(const char *text, size_t len);

/* Only hex digits, at least 8 of them: meant as an id, even if malformed. */
bool userid_looks_like(const char *text, size_t len);

#endif
