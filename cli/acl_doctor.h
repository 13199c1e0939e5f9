/* acl_doctor: git acl doctor's state, shared by its check and its walk */
#ifndef CLI_ACL_DOCTOR_H
#define CLI_ACL_DOCTOR_H

#include <git2.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* A nonce seed seen in this run, and the repository it came from. */
struct acl_doctor_seed {
	char *seed;
	char *name;
};

/* A repository directory looked at already (a link may lead back). */
struct acl_doctor_seen {
	dev_t dev;
	ino_t ino;
};

struct acl_doctor {
	char hook[PATH_MAX];		/* this build's hook, a real path */
	const char *name;		/* of the repository being checked */
	const char *setup;		/* what writes its config: upgrade,
					   or init when it has no policy */
	size_t problems;		/* lines printed, all repositories */
	size_t nowners;			/* of the repository being checked */
	struct acl_doctor_seed *seeds;
	size_t nseeds;
	struct acl_doctor_seen *seen;
	size_t nseen;
};

/*
 * Check one repository, shown as name, printing one line on standard
 * output for each thing wrong.  Returns 0, or -1 after printing a fatal
 * error when it could not even look.
 */
int acl_doctor_check(struct acl_doctor *d, git_repository *repo,
		     const char *name);

/*
 * Whether the directory at path was looked at already in this run: 1,
 * or 0 and it is remembered; -1 after printing a fatal error when it
 * cannot be examined.
 */
int acl_doctor_seen(struct acl_doctor *d, const char *path);

/*
 * Check every bare repository under dir (dir itself included), in name
 * order, without going into repositories, and following symbolic links
 * only to directories inside dir.  Returns 0, or -1 after printing a
 * fatal error (dir cannot be read, or a check could not look).
 */
int acl_doctor_walk(struct acl_doctor *d, const char *dir);

#endif
