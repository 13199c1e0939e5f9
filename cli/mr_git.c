/* mr_git: the git and gpg programs, as git mr needs them */
#include "mr_git.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <gpgme.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Read both pipes until both close, so that neither can fill and stall. */
static int mr_git_drain(int fds[2], struct buf *bufs[2])
{
	struct pollfd p[2];
	char chunk[8192];
	int open = 2, i;

	for (i = 0; i < 2; i++) {
		p[i].fd = fds[i];
		p[i].events = POLLIN;
		if (fds[i] < 0)
			open--;
	}
	while (open > 0) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		for (i = 0; i < 2; i++) {
			ssize_t n;

			if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP)))
				continue;
			n = read(p[i].fd, chunk, sizeof(chunk));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				close(p[i].fd);
				p[i].fd = -1;
				open--;
				continue;
			}
			if (buf_put(bufs[i], chunk, (size_t)n) < 0)
				return -1;
		}
	}
	return 0;
}

int mr_git_run(const char *const *argv, struct buf *out, struct buf *errout,
	       struct err *err)
{
	return mr_run(argv, out, errout, err);
}

int mr_run(const char *const *argv, struct buf *out, struct buf *errout,
	   struct err *err)
{
	int pipes[2][2] = {{-1, -1}, {-1, -1}}, fds[2] = {-1, -1}, wstatus;
	struct buf *bufs[2] = {out, errout};
	pid_t pid;
	int i;

	for (i = 0; i < 2; i++)
		if (bufs[i] != NULL && pipe2(pipes[i], O_CLOEXEC) < 0)
			return err_set(err, "cannot run %s: %s", argv[0],
				       strerror(errno));
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return err_set(err, "cannot run %s: %s", argv[0],
			       strerror(errno));
	if (pid == 0) {
		for (i = 0; i < 2; i++)
			if (bufs[i] != NULL)
				dup2(pipes[i][1], i + 1);
		execvp(argv[0], (char *const *)argv);
		fprintf(stderr, "fatal: cannot run %s: %s\n", argv[0],
			strerror(errno));
		_exit(127);
	}
	for (i = 0; i < 2; i++)
		if (bufs[i] != NULL) {
			close(pipes[i][1]);
			fds[i] = pipes[i][0];
		}
	if (mr_git_drain(fds, bufs) < 0) {
		for (i = 0; i < 2; i++)
			if (fds[i] >= 0)
				close(fds[i]);
	}
	while (waitpid(pid, &wstatus, 0) < 0)
		if (errno != EINTR)
			return err_set(err, "cannot wait for %s: %s", argv[0],
				       strerror(errno));
	if (!WIFEXITED(wstatus))
		return err_set(err, "%s %s died", argv[0],
			       argv[1] ? argv[1] : "");
	return WEXITSTATUS(wstatus);
}

int mr_git_config(const char *key, int all, struct buf *out, struct err *err)
{
	const char *argv[] = {"git", "config", all ? "--get-all" : "--get",
			      key, NULL};
	int status = mr_git_run(argv, out, NULL, err);

	if (status < 0)
		return -1;
	if (status == 1)
		return 0;
	if (status != 0)
		return err_set(err, "'git config %s' failed", key);
	if (out->len > 0 && out->ptr[out->len - 1] == '\n')
		out->ptr[--out->len] = '\0';
	return 1;
}

int mr_git_committer(git_signature **out, struct err *err)
{
	const char *argv[] = {"git", "var", "GIT_COMMITTER_IDENT", NULL};
	struct buf ident = BUF_INIT;
	char *lt, *gt, *end;
	long long when;
	long tz;
	int status = -1, offset;

	if (mr_git_run(argv, &ident, NULL, err) != 0) {
		if (!err->msg[0])
			err_set(err, "git does not know who you are: set "
				     "user.name and user.email");
		goto done;
	}
	/* "Name <email> 1764000000 +0000" */
	lt = strchr(ident.ptr, '<');
	gt = lt ? strchr(lt, '>') : NULL;
	if (lt == NULL || gt == NULL || lt == ident.ptr) {
		err_set(err, "cannot read the committer identity");
		goto done;
	}
	when = strtoll(gt + 1, &end, 10);
	tz = strtol(end, NULL, 10);
	offset = (int)((tz / 100) * 60 + (tz % 100));
	lt[-1] = '\0';
	*gt = '\0';
	if (git_signature_new(out, ident.ptr, lt + 1, (git_time_t)when,
			      offset) < 0) {
		err_set(err, "cannot read the committer identity");
		goto done;
	}
	status = 0;
done:
	buf_dispose(&ident);
	return status;
}

/* The one secret key pattern names; its primary fingerprint into out. */
static int mr_git_secret_key(const char *pattern, char out[USERID_LEN + 1],
			     struct err *err)
{
	gpgme_ctx_t ctx = NULL;
	gpgme_key_t key = NULL, other = NULL;
	int status = -1;
	size_t i;

	gpgme_check_version(NULL);
	if (gpgme_new(&ctx) != 0 ||
	    gpgme_set_protocol(ctx, GPGME_PROTOCOL_OpenPGP) != 0 ||
	    gpgme_op_keylist_start(ctx, pattern, 1) != 0) {
		err_set(err, "cannot ask gpg for your secret keys");
		goto done;
	}
	if (gpgme_op_keylist_next(ctx, &key) != 0 || key == NULL) {
		err_set(err, "gpg has no secret key for '%.100s': set "
			     "user.signingkey",
			pattern);
		goto done;
	}
	if (gpgme_op_keylist_next(ctx, &other) == 0 && other != NULL) {
		err_set(err, "several secret keys match '%.100s': set "
			     "user.signingkey to a fingerprint",
			pattern);
		goto done;
	}
	if (key->subkeys == NULL || key->subkeys->fpr == NULL ||
	    strlen(key->subkeys->fpr) != USERID_LEN) {
		err_set(err, "'%.100s' is not a v4 OpenPGP key", pattern);
		goto done;
	}
	for (i = 0; i < USERID_LEN; i++)
		out[i] = (char)toupper((unsigned char)key->subkeys->fpr[i]);
	out[USERID_LEN] = '\0';
	status = 0;
done:
	gpgme_key_unref(other);
	gpgme_key_unref(key);
	if (ctx)
		gpgme_op_keylist_end(ctx);
	gpgme_release(ctx);
	return status;
}

int mr_git_whoami(char out[USERID_LEN + 1], struct err *err)
{
	const char *argv[] = {"git", "var", "GIT_COMMITTER_IDENT", NULL};
	struct buf value = BUF_INIT;
	char *gt;
	int found, status = -1;

	found = mr_git_config("user.signingkey", 0, &value, err);
	if (found < 0)
		goto done;
	if (found) {
		/* gpg's "<fpr>!" means exactly this (sub)key */
		if (value.len > 0 && value.ptr[value.len - 1] == '!')
			value.ptr[--value.len] = '\0';
	} else {
		/* git signs as "Name <email>" of the committer */
		buf_clear(&value);
		if (mr_git_run(argv, &value, NULL, err) != 0 ||
		    (gt = strrchr(value.ptr, '>')) == NULL) {
			err_set(err, "set user.signingkey: git mr signs "
				     "every push");
			goto done;
		}
		gt[1] = '\0';
	}
	status = mr_git_secret_key(value.ptr, out, err);
done:
	buf_dispose(&value);
	return status;
}
