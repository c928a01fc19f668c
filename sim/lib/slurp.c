/*
 * lib/slurp.c - read a whole file (see slurp.h).
 *
 * Invariant: the buffer always has room for the terminating NUL and never
 * grows past the size cap + 2 bytes; reading stops as soon as more than
 * the cap came in, or a line grew past the line cap, so an endless pipe
 * costs bounded memory and time.
 */
#include "slurp.h"

#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A read in progress. */
struct slurp {
	struct slurp_caps caps;	/* what is accepted */
	char *buf;		/* bytes read so far */
	size_t n, room;		/* bytes in buf, bytes allocated */
	size_t run;		/* bytes since the last newline, caps.line at most */
	size_t bad_line;	/* 1-based line of a NUL or too long, 0: none */
};

/* Room for at least 4 KiB more (less near the cap); 0 or -1 (ENOMEM). */
static int grow(struct slurp *s)
{
	size_t most = s->caps.bytes + 2, need = s->n + 4096 + 1, c;
	char *p;

	if (need > most)
		need = most;
	if (need <= s->room)
		return 0;
	for (c = s->room ? s->room : 65536; c < need; c *= 2)
		;
	if (c > most)
		c = most;
	if (!(p = realloc(s->buf, c))) {
		errno = ENOMEM;
		return -1;
	}
	s->buf = p;
	s->room = c;
	return 0;
}

/* 1-based line of buf[at]. */
static size_t line_of(const struct slurp *s, size_t at)
{
	const char *p = s->buf, *end = s->buf + at, *nl;
	size_t line = 1;

	for (; (nl = memchr(p, '\n', (size_t)(end - p))); p = nl + 1)
		line++;
	return line;
}

/* The last newline in [p, p + n), or NULL. */
static const char *last_nl(const char *p, size_t n)
{
	while (n--)
		if (p[n] == '\n')
			return p + n;
	return NULL;
}

/*
 * Check the got bytes just read against caps.text and caps.line; 0, or -1
 * with errno EILSEQ (a NUL) or ERANGE (a long line) and bad_line set. A
 * line must end within caps.line - run bytes, so each step looks for the
 * last newline of that window: a step per line at most, and far fewer on
 * short lines, each step's work bounded by its window.
 */
static int scan(struct slurp *s, size_t got)
{
	const char *p = s->buf + s->n - got, *end = s->buf + s->n, *nl;
	size_t cap = s->caps.line;

	if (s->caps.text && (nl = memchr(p, 0, got))) {
		s->bad_line = line_of(s, (size_t)(nl - s->buf));
		errno = EILSEQ;
		return -1;
	}
	if (!cap)
		return 0;
	while ((size_t)(end - p) > cap - s->run) {
		if (!(nl = last_nl(p, cap - s->run + 1))) {
			s->bad_line = line_of(s, (size_t)(p - s->buf));
			errno = ERANGE;
			return -1;
		}
		s->run = 0;
		p = nl + 1;
	}
	nl = last_nl(p, (size_t)(end - p));
	s->run = nl ? (size_t)(end - nl - 1) : s->run + (size_t)(end - p);
	return 0;
}

/* Read f to its end into s; 0 or -1 with errno (EFBIG, or as scan). */
static int read_all(FILE *f, struct slurp *s)
{
	size_t got;

	do {
		if (s->n > s->caps.bytes) {
			errno = EFBIG;
			return -1;
		}
		if (grow(s))
			return -1;
		got = fread(s->buf + s->n, 1, s->room - s->n - 1, f);
		s->n += got;
		if (scan(s, got))
			return -1;
	} while (got > 0);
	if (s->n > s->caps.bytes) {
		errno = EFBIG;
		return -1;
	}
	if (ferror(f)) {
		errno = errno ? errno : EIO;
		return -1;
	}
	return 0;
}

/* The file into s; *opened tells whether a failure came after the open. */
static int slurp(const char *path, struct slurp *s, int *opened)
{
	FILE *f = fopen(path, "rb");
	int e;

	*opened = f != NULL;
	if (!f)
		return -1;
	errno = 0;
	if (read_all(f, s)) {
		e = errno;
		fclose(f);
		free(s->buf);
		s->buf = NULL;
		errno = e;
		return -1;
	}
	fclose(f);
	s->buf[s->n] = '\0';
	return 0;
}

char *slurp_file(const char *path, size_t cap, size_t *len)
{
	struct slurp s = { .caps = { cap, 0, 0 } };
	int opened;

	if (slurp(path, &s, &opened))
		return NULL;
	if (len)
		*len = s.n;
	return s.buf;
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

int slurp_too_large(const char *path, size_t cap, struct sim_err *err)
{
	if (cap >= (size_t)1 << 20 && !(cap & (((size_t)1 << 20) - 1)))
		return err_set(err, path, 0, "", "larger than %zu MiB",
			       cap >> 20);
	if (cap >= 1024 && !(cap & 1023))
		return err_set(err, path, 0, "", "larger than %zu KiB",
			       cap >> 10);
	return err_set(err, path, 0, "", "larger than %zu bytes", cap);
}

char *slurp_or_err(const char *path, struct slurp_caps caps, size_t *len,
		   struct sim_err *err)
{
	struct slurp s = { .caps = caps };
	int opened, line;

	if (input_is_file(path, err))
		return NULL;
	if (!slurp(path, &s, &opened)) {
		if (len)
			*len = s.n;
		return s.buf;
	}
	line = s.bad_line < INT_MAX ? (int)s.bad_line : INT_MAX;
	if (opened && errno == EFBIG)
		slurp_too_large(path, caps.bytes, err);
	else if (opened && s.bad_line && errno == ERANGE)
		err_set(err, path, line, "", "line longer than %zu bytes",
			caps.line);
	else if (opened && s.bad_line)
		err_set(err, path, line, "", "NUL byte in line (not a text "
			"file?)");
	else
		err_set(err, path, 0, "", "cannot %s: %s", opened ? "read" :
			"open", strerror(errno));
	return NULL;
}
