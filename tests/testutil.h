/*
 * testutil.h - helpers shared by the cmocka suites: locating the source tree
 * and the stasim binary, temporary files, and running the CLI.
 */
#ifndef TESTS_TESTUTIL_H
#define TESTS_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <math.h>
#include <cmocka.h>

#ifndef STASIM_SRC_DIR
#define STASIM_SRC_DIR "."
#endif

/* Path of a file in the source tree. */
static inline const char *src_path(char *buf, size_t len, const char *rel)
{
	snprintf(buf, len, "%s/%s", STASIM_SRC_DIR, rel);
	return buf;
}

/* Write text to a fresh temporary file; returns its path in buf. */
static inline const char *tmp_file(char *buf, size_t len, const char *suffix,
				   const char *text)
{
	const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	int fd;
	FILE *f;

	snprintf(buf, len, "%s/stasim-test-XXXXXX%s", dir, suffix);
	fd = mkstemps(buf, (int)strlen(suffix));
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return buf;
}

/* Run a shell command line, capture stdout+stderr into out; return exit status. */
static inline int run_cmd(const char *cmd, char *out, size_t len)
{
	FILE *p = popen(cmd, "r");
	size_t n = 0;
	int st;

	assert_non_null(p);
	if (out && len) {
		n = fread(out, 1, len - 1, p);
		out[n] = 0;
	}
	while (fgetc(p) != EOF)
		;
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

/* The stasim binary under test ($STASIM_BIN, else build/stasim). */
static inline const char *stasim_bin(void)
{
	static char buf[1024];
	const char *e = getenv("STASIM_BIN");

	if (e && *e)
		snprintf(buf, sizeof buf, "%s%s", e[0] == '/' ? "" : STASIM_SRC_DIR "/", e);
	else
		snprintf(buf, sizeof buf, "%s/build/stasim", STASIM_SRC_DIR);
	return buf;
}

/* 1 when the slow (sanitizer) build runs: tests shrink their workloads. */
static inline int slow_build(void)
{
	const char *e = getenv("STASIM_SLOW");

	return e && *e == '1';
}

#endif
