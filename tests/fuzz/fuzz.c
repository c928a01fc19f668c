/*
 * fuzz.c - the fuzz input as a file, and the error contract (fuzz.h).
 *
 * Invariant: every file this process created is listed in made[] until
 * the exit handler removes it; a crash leaves it behind in $TMPDIR, which
 * is where temporary files may stay.
 */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FUZZ_FILES_MAX 4	/* files one target uses: input, config */

/* The exit handler takes no argument, so the list is file scope; a fuzz
 * target is one process with one thread. */
static struct fuzz_file *made[FUZZ_FILES_MAX];
static int n_made;

static void remove_made(void)
{
	int i;

	for (i = 0; i < n_made; i++)
		unlink(made[i]->path);
}

static void die(const char *what, const char *path)
{
	perror(what);
	fprintf(stderr, "fuzz harness: cannot use temporary file '%s'\n", path);
	abort();
}

static void create(struct fuzz_file *f)
{
	const char *dir = getenv("TMPDIR");

	if (!dir || !*dir)
		dir = "/tmp";
	if (n_made == FUZZ_FILES_MAX)
		die("create", "(too many)");
	if ((size_t)snprintf(f->path, sizeof f->path, "%s/stasim-fuzz-XXXXXX",
			     dir) >= sizeof f->path)
		die("snprintf", dir);
	if ((f->fd = mkstemp(f->path)) < 0)
		die("mkstemp", f->path);
	if (n_made++ == 0)
		atexit(remove_made);
	made[n_made - 1] = f;
}

const char *fuzz_file_put(struct fuzz_file *f, const void *data, size_t size)
{
	const char *p = data;
	ssize_t w;

	if (f->fd < 0)
		create(f);
	if (ftruncate(f->fd, 0))
		die("ftruncate", f->path);
	if (lseek(f->fd, 0, SEEK_SET))
		die("lseek", f->path);
	while (size) {
		if ((w = write(f->fd, p, size)) <= 0)
			die("write", f->path);
		p += w;
		size -= (size_t)w;
	}
	return f->path;
}

void fuzz_expect(int ok, const char *what)
{
	if (ok)
		return;
	fprintf(stderr, "fuzz: broken invariant: %s\n", what);
	abort();
}

void fuzz_check_err(int rc, const struct sim_err *err)
{
	if (rc == 0)
		return;
	fuzz_expect(err->file[0] != '\0', "a failed read names no file");
	fuzz_expect(err->msg[0] != '\0', "a failed read says nothing");
	fuzz_expect(err->line >= 0, "a failed read names a negative line");
}
