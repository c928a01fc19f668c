/*
 * lib/afile.c - temporary file + rename (see afile.h).
 */
#include "afile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* mkstemp creates 0600; give the file the mode open(2) would have. */
static void usual_mode(int fd)
{
	mode_t mask = umask(022);

	umask(mask);
	(void)fchmod(fd, 0666 & ~mask);
}

/* 1 when path exists and is not a regular file (stat follows links). */
static int special(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && !S_ISREG(st.st_mode) &&
	       !S_ISDIR(st.st_mode);
}

int afile_open(struct afile *a, const char *path, const char *field,
	       struct sim_err *err)
{
	int fd;

	snprintf(a->path, sizeof a->path, "%s", path);
	if (special(path)) {
		a->tmp[0] = '\0';
		if ((a->f = fopen(path, "wb")))
			return 0;
		return err_set(err, path, 0, field, "cannot open: %s",
			       strerror(errno));
	}
	snprintf(a->tmp, sizeof a->tmp, "%s.tmpXXXXXX", path);
	a->f = NULL;
	fd = mkstemp(a->tmp);
	if (fd >= 0)
		usual_mode(fd);
	if (fd >= 0 && (a->f = fdopen(fd, "wb")))
		return 0;
	if (fd >= 0) {
		close(fd);
		unlink(a->tmp);
	}
	return err_set(err, path, 0, field, "cannot create: %s", strerror(errno));
}

int afile_commit(struct afile *a, const char *field, struct sim_err *err)
{
	int bad = ferror(a->f);

	bad |= fclose(a->f) != 0;
	a->f = NULL;
	if (!bad && (!a->tmp[0] || rename(a->tmp, a->path) == 0))
		return 0;
	if (a->tmp[0])
		unlink(a->tmp);
	return err_set(err, a->path, 0, field, "cannot write: %s",
		       errno ? strerror(errno) : "I/O error");
}

void afile_abort(struct afile *a)
{
	if (a->f)
		fclose(a->f);
	a->f = NULL;
	if (a->tmp[0])
		unlink(a->tmp);
}
