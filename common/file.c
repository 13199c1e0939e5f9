/* file: read a whole (small) file the user named */
#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

int file_read(struct buf *out, const char *path, size_t max,
	      struct err *err)
{
	char chunk[8192];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC), error = -1;

	if (fd < 0)
		return err_set(err, "cannot open '%s': %s", path,
			       strerror(errno));
	while ((n = read(fd, chunk, sizeof(chunk))) > 0) {
		if ((size_t)n > max - out->len) {
			err_set(err, "'%s' is larger than %zu bytes", path,
				max);
			goto done;
		}
		if (buf_put(out, chunk, (size_t)n) < 0) {
			err_set(err, "out of memory");
			goto done;
		}
	}
	if (n < 0) {
		err_set(err, "cannot read '%s': %s", path, strerror(errno));
		goto done;
	}
	error = 0;
done:
	close(fd);
	return error;
}
