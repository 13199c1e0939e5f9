/* acl_doctor_walk: git acl doctor --all: every bare repository under a dir */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../common/buf.h"
#include "acl_doctor.h"

int acl_doctor_seen(struct acl_doctor *d, const char *path)
{
	struct acl_doctor_seen *grown;
	struct stat st;
	size_t i;

	if (stat(path, &st) < 0) {
		fprintf(stderr, "fatal: cannot examine '%s': %s\n", path,
			strerror(errno));
		return -1;
	}
	for (i = 0; i < d->nseen; i++)
		if (d->seen[i].dev == st.st_dev && d->seen[i].ino == st.st_ino)
			return 1;
	grown = realloc(d->seen, (d->nseen + 1) * sizeof(*grown));
	if (grown == NULL) {
		fprintf(stderr, "fatal: out of memory\n");
		return -1;
	}
	d->seen = grown;
	grown[d->nseen].dev = st.st_dev;
	grown[d->nseen].ino = st.st_ino;
	d->nseen++;
	return 0;
}

/* Whether path, a symbolic link, leads to a directory inside root. */
static bool walk_inside(const char *path, const char *root)
{
	char real[PATH_MAX];
	size_t n = strlen(root);
	struct stat st;

	return realpath(path, real) != NULL && stat(real, &st) == 0 &&
	       S_ISDIR(st.st_mode) && strncmp(real, root, n) == 0 &&
	       (real[n] == '/' || (n == 1 && root[0] == '/'));
}

static int walk_dir(struct acl_doctor *d, const char *dir, const char *root);

/*
 * A repository is checked when it is bare, and never gone into (a
 * working tree's repository is not served); anything else that is a
 * directory is walked, and what is not is skipped without a word.
 */
static int walk_visit(struct acl_doctor *d, const char *path,
		      const char *root)
{
	git_repository *repo = NULL;
	int error;

	if ((error = acl_doctor_seen(d, path)) != 0)
		return error < 0 ? -1 : 0;
	if (git_repository_open_ext(&repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH,
				    NULL) < 0)
		error = walk_dir(d, path, root);
	else if (git_repository_is_bare(repo))
		error = acl_doctor_check(d, repo, path);
	git_repository_free(repo);
	return error;
}

static int walk_dir(struct acl_doctor *d, const char *dir, const char *root)
{
	struct dirent **names = NULL;
	struct buf path = BUF_INIT;
	struct stat st;
	int i, n, error = 0;

	/* sorted, so that the lines come in the same order every time */
	if ((n = scandir(dir, &names, NULL, alphasort)) < 0) {
		fprintf(stderr, "fatal: cannot read '%s': %s\n", dir,
			strerror(errno));
		return -1;
	}
	/* a repository that cannot be read is said; the others are checked */
	for (i = 0; i < n; i++) {
		const char *name = names[i]->d_name;

		buf_clear(&path);
		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
			/* not below dir */
		} else if (buf_printf(&path, "%s%s%s", dir,
				      dir[strlen(dir) - 1] == '/' ? "" : "/",
				      name) < 0) {
			fprintf(stderr, "fatal: out of memory\n");
			error = -1;
		} else if (lstat(buf_cstr(&path), &st) == 0 &&
			   (S_ISDIR(st.st_mode) ||
			    (S_ISLNK(st.st_mode) &&
			     walk_inside(buf_cstr(&path), root))) &&
			   walk_visit(d, buf_cstr(&path), root) < 0) {
			error = -1;
		}
		free(names[i]);
	}
	free(names);
	buf_dispose(&path);
	return error;
}

int acl_doctor_walk(struct acl_doctor *d, const char *dir)
{
	char root[PATH_MAX];
	struct stat st;

	if (realpath(dir, root) == NULL || stat(root, &st) < 0 ||
	    !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "fatal: '%s' is not a directory\n", dir);
		return -1;
	}
	return walk_visit(d, dir, root);
}
