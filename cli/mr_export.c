/* mr_export: a revision's files, exported for the CI bot to test */
#include "mr_export.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../common/err.h"
#include "mr_git.h"

/* Every attribute git archive acts on, off for every path. */
static const char export_attributes[] =
	"* -export-subst -export-ignore -filter -text -eol -ident "
	"-working-tree-encoding\n";

static int export_write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
				    O_CLOEXEC,
		      0600);
	size_t len = strlen(text);
	bool ok;

	if (fd < 0)
		return -1;
	ok = write(fd, text, len) == (ssize_t)len;
	return close(fd) == 0 && ok ? 0 : -1;
}

/* tmp/repo.git: objects borrowed from repo, attributes neutralized. */
static int export_shadow_repo(git_repository *repo, const char *tmp,
			      char *gitdir, size_t size)
{
	git_repository_init_options opts;
	git_repository *shadow = NULL;
	char path[4400], alternates[4200];

	snprintf(gitdir, size, "%s/repo.git", tmp);
	if (git_repository_init_options_init(
		    &opts, GIT_REPOSITORY_INIT_OPTIONS_VERSION) < 0)
		return -1;
	/* no template: nothing of the machine's hooks or config in it */
	opts.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_MKPATH |
		     GIT_REPOSITORY_INIT_NO_REINIT;
	if (git_repository_init_ext(&shadow, gitdir, &opts) < 0)
		return -1;
	git_repository_free(shadow);
	snprintf(alternates, sizeof(alternates), "%sobjects\n",
		 git_repository_commondir(repo));
	snprintf(path, sizeof(path), "%s/objects/info", gitdir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/objects/info/alternates", gitdir);
	if (export_write_file(path, alternates) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/info", gitdir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/info/attributes", gitdir);
	return export_write_file(path, export_attributes);
}

/* git archive into tar, counting; 0, or -1 with why. */
static int export_archive(const char *gitdir, const char *hex,
			  const char *tar, size_t max, unsigned timeout,
			  struct buf *log, char *why, size_t size)
{
	const char *argv[] = {"git", "--git-dir", gitdir, "archive",
			      "--format=tar", hex, NULL};
	int pipes[2], out, ws;
	char chunk[65536];
	size_t total = 0;
	time_t deadline = time(NULL) + timeout;
	bool cut = false;
	pid_t pid;

	if ((out = open(tar, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
				     O_CLOEXEC,
			0600)) < 0)
		return snprintf(why, size, "cannot write %s", tar), -1;
	if (pipe2(pipes, O_CLOEXEC) < 0) {
		close(out);
		return snprintf(why, size, "cannot make a pipe"), -1;
	}
	if ((pid = fork()) == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(pipes[1], 1);
		dup2(null, 2);
		setpgid(0, 0);
		/* only the shadow repository's settings, none of ours */
		setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
		setenv("GIT_CONFIG_GLOBAL", "/dev/null", 1);
		setenv("GIT_ATTR_NOSYSTEM", "1", 1);
		unsetenv("GIT_CONFIG_PARAMETERS");
		unsetenv("GIT_DIR");
		unsetenv("GIT_OBJECT_DIRECTORY");
		unsetenv("GIT_ALTERNATE_OBJECT_DIRECTORIES");
		execvp("git", (char *const *)argv);
		_exit(127);
	}
	close(pipes[1]);
	while (pid > 0) {
		struct pollfd p = {pipes[0], POLLIN, 0};
		ssize_t n;

		if (time(NULL) >= deadline) {
			cut = true;
			snprintf(why, size, "exporting took more than %u s",
				 timeout);
			break;
		}
		if (poll(&p, 1, 1000) < 0 && errno != EINTR)
			break;
		if (!(p.revents & (POLLIN | POLLHUP)))
			continue;
		n = read(pipes[0], chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		total += (size_t)n;
		if (total > max) {
			cut = true;
			snprintf(why, size,
				 "the revision's files exceed %zu bytes", max);
			break;
		}
		if (write(out, chunk, (size_t)n) != n) {
			cut = true;
			snprintf(why, size, "cannot write %s", tar);
			break;
		}
	}
	close(pipes[0]);
	close(out);
	if (pid < 0)
		return snprintf(why, size, "cannot run git archive"), -1;
	if (cut)
		kill(-pid, SIGKILL);
	while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
		;
	if (cut)
		return -1;
	if (!WIFEXITED(ws) || WEXITSTATUS(ws) != 0) {
		buf_printf(log, "git archive %s failed\n", hex);
		return snprintf(why, size, "git archive failed"), -1;
	}
	return 0;
}

int export_revision(git_repository *repo, const git_oid *commit,
		    const char *tmp, const char *dir, size_t max,
		    unsigned timeout, struct buf *log, char *why, size_t size)
{
	char hex[GIT_OID_HEXSZ + 1], gitdir[4200], tar[4200];
	const char *untar[] = {"tar", "-x", "--no-same-owner",
			       "--no-same-permissions", "-f", tar, "-C", dir,
			       NULL};
	struct err err = {{0}};
	int status;

	git_oid_tostr(hex, sizeof(hex), commit);
	snprintf(tar, sizeof(tar), "%s/revision.tar", tmp);
	if (export_shadow_repo(repo, tmp, gitdir, sizeof(gitdir)) < 0) {
		snprintf(why, size, "cannot prepare the export");
		return -1;
	}
	if (export_archive(gitdir, hex, tar, max, timeout, log, why, size) <
	    0) {
		unlink(tar);
		return -1;
	}
	status = mr_run(untar, NULL, log, &err);
	unlink(tar);
	if (status != 0) {
		snprintf(why, size, "tar could not unpack the revision");
		return -1;
	}
	return 0;
}
