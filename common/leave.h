/* leave: whether a program frees what it holds before it exits */
#ifndef COMMON_LEAVE_H
#define COMMON_LEAVE_H

/*
 * A large push leaves the hook holding a hundred thousand cached objects
 * and parsed trees; freeing them one by one at exit was a tenth of its
 * time, for memory the kernel takes back at once anyway (git does not
 * free at exit either).  Builds with AddressSanitizer free everything,
 * so that a leak still shows in the tests.  Only memory may be left:
 * files, child processes and temporary directories are always cleaned.
 */
#if defined(__SANITIZE_ADDRESS__)
#define LEAVE_FREES 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LEAVE_FREES 1
#endif
#endif
#ifndef LEAVE_FREES
#define LEAVE_FREES 0
#endif

#endif
