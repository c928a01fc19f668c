/*
 * lib/slurp.c - read a whole file (see slurp.h).
 *
 * Invariant: the buffer always has room for the terminating NUL; reading
 * stops as soon as more than cap bytes came in.
 */
#include "slurp.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Grow *buf so that it holds at least need bytes; 0 or -1 (ENOMEM). */
static int grow(char **buf, size_t *cap, size_t need)
{
	size_t c = *cap ? *cap : 65536;
	char *p;

	while (c < need)
		c *= 2;
	if (c == *cap)
		return 0;
	if (!(p = realloc(*buf, c))) {
		errno = ENOMEM;
		return -1;
	}
	*buf = p;
	*cap = c;
	return 0;
}

/* Read f to its end into *buf; 0 or -1 with errno. */
static int read_all(FILE *f, char **buf, size_t *n, size_t limit)
{
	size_t cap = 0, got;

	do {
		if (*n > limit) {
			errno = EFBIG;
			return -1;
		}
		if (grow(buf, &cap, *n + 4096 + 1))
			return -1;
		got = fread(*buf + *n, 1, cap - *n - 1, f);
		*n += got;
	} while (got > 0);
	if (*n > limit) {
		errno = EFBIG;
		return -1;
	}
	if (ferror(f)) {
		errno = errno ? errno : EIO;
		return -1;
	}
	return 0;
}

/* slurp_file; *opened tells whether a failure came after the open. */
static char *slurp(const char *path, size_t cap, size_t *len, int *opened)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0;
	int e;

	*opened = f != NULL;
	if (!f)
		return NULL;
	errno = 0;
	if (read_all(f, &buf, &n, cap)) {
		e = errno;
		fclose(f);
		free(buf);
		errno = e;
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

char *slurp_file(const char *path, size_t cap, size_t *len)
{
	int opened;

	return slurp(path, cap, len, &opened);
}

int input_is_file(const char *path, struct sim_err *err)
{
	struct stat st;

	if (stat(path, &st))
		return 0;
	if (S_ISDIR(st.st_mode))
		return err_set(err, path, 0, "", "is a directory, not a file");
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
		return err_set(err, path, 0, "", "is a device, not a file "
			       "(its data may never end)");
	return 0;
}

char *slurp_or_err(const char *path, size_t *len, struct sim_err *err)
{
	int opened;
	char *buf;

	if (input_is_file(path, err))
		return NULL;
	buf = slurp(path, SLURP_MAX, len, &opened);
	if (!buf)
		err_set(err, path, 0, "", "cannot %s: %s", opened ? "read" :
			"open", strerror(errno));
	return buf;
}
