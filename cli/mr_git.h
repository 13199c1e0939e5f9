/* mr_git: the git and gpg programs, as git mr needs them */
#ifndef CLI_MR_GIT_H
#define CLI_MR_GIT_H

#include <git2.h>

#include "../common/buf.h"
#include "../common/err.h"
#include "../policy/userid.h"

/*
 * Run git with argv (argv[0] is "git"; never a shell) and wait.  stdout
 * goes to out and stderr to errout when they are not NULL, else to ours.
 * Returns git's exit status, or -1 with err set when it could not run.
 */
int mr_git_run(const char *const *argv, struct buf *out, struct buf *errout,
	       struct err *err);

/* The same for any program: argv[0] is looked up on PATH. */
int mr_run(const char *const *argv, struct buf *out, struct buf *errout,
	   struct err *err);

/*
 * `git config --get[-all] key`: what git itself would use, -c options and
 * includes too.  Values go to out one a line (the last newline dropped).
 * Returns 1 when set, 0 when not, -1 with err set.
 */
int mr_git_config(const char *key, int all, struct buf *out,
		  struct err *err);

/* The committer git would record now (`git var GIT_COMMITTER_IDENT`). */
int mr_git_committer(git_signature **out, struct err *err);

/*
 * The user id (SPEC 2) git push --signed will sign as: the primary key
 * fingerprint of the secret key user.signingkey names, or else of the one
 * matching the committer identity, as git chooses.
 */
int mr_git_whoami(char out[USERID_LEN + 1], struct err *err);

#endif
