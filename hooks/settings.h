/* settings: the gitapps.* and receive.* settings, from $GIT_DIR/config only */
#ifndef HOOKS_SETTINGS_H
#define HOOKS_SETTINGS_H

#include <git2.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/err.h"

/* Owners are few; a longer list is a configuration error. */
#define SETTINGS_MAX_OWNERS 64

struct settings {
	char owners[SETTINGS_MAX_OWNERS][41];	/* gitapps.owner */
	const char *owner_ptrs[SETTINGS_MAX_OWNERS];
	size_t nowners;
	size_t max_commits;		/* gitapps.maxCommits */
	size_t max_tree_entries;	/* gitapps.maxTreeEntries */
	unsigned timeout;		/* gitapps.timeout, seconds */
	uint32_t match_limit;		/* gitapps.regexMatchLimit */
	size_t max_denials;		/* gitapps.maxDenials */
	unsigned workers;		/* gitapps.workers, 0: automatic */
	bool fsck_objects;		/* receive.fsckObjects */
	bool ignore_case;		/* core.ignorecase */
	unsigned nonce_slop;		/* receive.certNonceSlop, seconds */
	bool have_nonce_seed;		/* receive.certNonceSeed is set */
	bool have_nonce_slop;		/* receive.certNonceSlop is set */
	/* the first receive.fsck.<msg> of common/fsckpins.h not "error" */
	const char *unpinned_fsck;
	bool fsck_skiplist;		/* receive.fsck.skipList is set */
};

/*
 * Read the settings from the repository's own config file
 * (git_config_open_ondisk on <common dir>/config), never from global,
 * system or XDG files, which the pusher may control over file:// and
 * which are not the repository's (SPEC 1).  Absent values get SPEC's
 * defaults.  Every gitapps.owner must be 40 upper-case hex digits; none at
 * all is an error when require_owner is set (the hook: SPEC 5), as is a
 * number that does not parse.  Returns 0, or -1 with err set.
 */
int settings_read(struct settings *out, git_repository *repo,
		  bool require_owner, struct err *err);

/*
 * The repository's own config file alone (<common dir>/config), opened
 * with git_config_open_ondisk: what settings_read() reads.  Returns 0
 * and a config the caller frees with git_config_free(), or -1 with err
 * set.
 */
int settings_open(git_config **out, git_repository *repo, struct err *err);

/*
 * Every setting of struct settings but gitapps.owner (left as it is),
 * from cfg: for a caller that looks at the owners itself (git acl
 * doctor).  Returns 0, or -1 with err set when a value does not parse.
 */
int settings_read_values(struct settings *out, git_config *cfg,
			 struct err *err);

#endif
