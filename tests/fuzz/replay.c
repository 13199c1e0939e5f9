/* replay: run a fuzzer's corpus through it once, as a TAP test */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Linked with one tests/fuzz/<name>_fuzzer.o into replay-<name>, built by
 * the ordinary compiler, so that `make check` replays every committed
 * input and a crash the fuzzer once found stays fixed (as libgit2's
 * fuzzers/standalone_driver.c).  With no argument the corpus is
 * tests/fuzz/corpus/<name>/ under $GITAPPS_SOURCE (or the working
 * directory), <name> coming from this program's own name.
 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The fuzzers cap inputs at 8 KiB (make fuzz); a corpus file is far less. */
#define REPLAY_FILE_MAX (1024u * 1024u)

static const char replay_prefix[] = "replay-";

static int replay_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void replay_free_names(char **names, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		free(names[i]);
	free(names);
}

/* The regular entries of dir, sorted; *out NULL and 0 when dir is absent. */
static int replay_list(char ***out, size_t *count, const char *dir)
{
	char **names = NULL, **grown;
	size_t n = 0, alloc = 0;
	struct dirent *de;
	DIR *d;

	*out = NULL;
	*count = 0;
	if ((d = opendir(dir)) == NULL)
		return errno == ENOENT ? 0 : -1;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;	/* ., .. and hidden files */
		if (n == alloc) {
			alloc = alloc ? alloc * 2 : 64;
			if ((grown = realloc(names, alloc * sizeof(*names))) ==
			    NULL)
				goto fail;
			names = grown;
		}
		if ((names[n] = strdup(de->d_name)) == NULL)
			goto fail;
		n++;
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), replay_cmp);
	*out = names;
	*count = n;
	return 0;
fail:
	closedir(d);
	replay_free_names(names, n);
	return -1;
}

/* Read path whole into *out (malloc'd, exactly *len bytes). */
static int replay_read(uint8_t **out, size_t *len, const char *path)
{
	uint8_t *data = NULL;
	size_t n = 0;
	FILE *f;

	*out = NULL;
	*len = 0;
	if ((f = fopen(path, "rb")) == NULL)
		return -1;
	/* one byte more than allowed tells a file that is too large */
	if ((data = malloc(REPLAY_FILE_MAX + 1)) != NULL)
		n = fread(data, 1, REPLAY_FILE_MAX + 1, f);
	if (data == NULL || ferror(f) || n > REPLAY_FILE_MAX) {
		free(data);
		fclose(f);
		return -1;
	}
	fclose(f);
	/* an exact-size copy, so that ASan sees a read past the end */
	*out = malloc(n ? n : 1);
	if (*out == NULL) {
		free(data);
		return -1;
	}
	memcpy(*out, data, n);
	free(data);
	*len = n;
	return 0;
}

/* tests/fuzz/corpus/<name> for a program called .../replay-<name>. */
static int replay_default_dir(char *out, size_t size, const char *argv0)
{
	const char *base = strrchr(argv0, '/');
	const char *root = getenv("GITAPPS_SOURCE");
	int n;

	base = base ? base + 1 : argv0;
	if (strncmp(base, replay_prefix, sizeof(replay_prefix) - 1) != 0 ||
	    base[sizeof(replay_prefix) - 1] == '\0')
		return -1;
	base += sizeof(replay_prefix) - 1;
	n = snprintf(out, size, "%s%stests/fuzz/corpus/%s",
		     root && *root ? root : "", root && *root ? "/" : "", base);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

int main(int argc, char **argv)
{
	char dirbuf[4096], path[4096];
	const char *dir = dirbuf;
	char **names = NULL;
	size_t count = 0, i;
	int status = 1;

	if (argc > 2) {
		fprintf(stderr, "usage: %s [<corpus-dir>]\n", argv[0]);
		return 129;
	}
	if (argc == 2)
		dir = argv[1];
	else if (replay_default_dir(dirbuf, sizeof(dirbuf), argv[0]) < 0) {
		printf("1..0 # SKIP no fuzzer name in '%s'\n", argv[0]);
		return 0;
	}
	if (replay_list(&names, &count, dir) < 0) {
		printf("Bail out! cannot read %s: %s\n", dir, strerror(errno));
		goto done;
	}
	if (count == 0) {
		printf("1..0 # SKIP no corpus in %s\n", dir);
		status = 0;
		goto done;
	}
	printf("1..%zu\n", count);
	status = 0;
	for (i = 0; i < count; i++) {
		uint8_t *data = NULL;
		size_t len = 0;
		int n = snprintf(path, sizeof(path), "%s/%s", dir, names[i]);

		/* a crash ends the run early: prove reports the short plan */
		fflush(stdout);
		if (n < 0 || (size_t)n >= sizeof(path) ||
		    replay_read(&data, &len, path) < 0) {
			printf("not ok %zu - %s # cannot read it\n", i + 1,
			       names[i]);
			status = 1;
			continue;
		}
		LLVMFuzzerTestOneInput(data, len);
		free(data);
		printf("ok %zu - %s\n", i + 1, names[i]);
	}
done:
	fflush(stdout);
	replay_free_names(names, count);
	return status;
}
