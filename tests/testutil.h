/*
 * testutil.h - helpers shared by the cmocka suites: locating the source tree
 * and the stasim binary, formatting that never truncates, temporary files
 * and directories (a per-test scratch directory among them), and running
 * the CLI. Each suite is compiled alone against libstasim.a, so everything
 * here is static inline; a helper that fails calls a cmocka assertion.
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
#include <dirent.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <math.h>
#include <cmocka.h>

#include "config.h"
#include "lib/slurp.h"
#include "run.h"
#include "trace.h"

#ifndef STASIM_SRC_DIR
#define STASIM_SRC_DIR "."
#endif

/* Path of a file in the source tree. */
static inline const char *src_path(char *buf, size_t len, const char *rel)
{
	snprintf(buf, len, "%s/%s", STASIM_SRC_DIR, rel);
	return buf;
}

/*
 * snprintf into buf (len bytes) that fails the test, at the caller's line,
 * instead of truncating. A macro so that cmocka names the call that did not
 * fit and the compiler checks the format against its arguments.
 */
#define strf(buf, len, ...) \
	assert_true(strf_fits(snprintf((buf), (len), __VA_ARGS__), (len)))

/* 1 when snprintf's result n says the text fitted len bytes. */
static inline int strf_fits(int n, size_t len)
{
	return n >= 0 && (size_t)n < len;
}

/* Where temporaries go: $TMPDIR when set and not empty, else /tmp. */
static inline const char *tmp_root(void)
{
	const char *d = getenv("TMPDIR");

	return d && *d ? d : "/tmp";
}

/* Write len bytes to path, replacing what was there. */
static inline void put_bytes(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* Write text to path, replacing what was there. */
static inline void write_file(const char *path, const char *text)
{
	put_bytes(path, text, strlen(text));
}

/* A fresh empty directory under tmp_root(); its path in buf. */
static inline const char *tmp_dir(char *buf, size_t len)
{
	strf(buf, len, "%s/stasim-test-XXXXXX", tmp_root());
	assert_non_null(mkdtemp(buf));
	return buf;
}

/* Remove path and, if it is a directory, everything below it. */
static inline void rm_tree(const char *path)
{
	struct stat st;
	struct dirent *e;
	char sub[4096];
	DIR *d;

	if (lstat(path, &st) != 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		unlink(path);
		return;
	}
	if ((d = opendir(path))) {
		while ((e = readdir(d))) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			strf(sub, sizeof sub, "%s/%s", path, e->d_name);
			rm_tree(sub);
		}
		closedir(d);
	}
	rmdir(path);
}

/* Entries in dir, . and .. not counted; the directory must exist. */
static inline int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

/* A test's private directory, passed as its cmocka state. */
struct scratch {
	char dir[256];		/* tmp_dir() result, removed by the teardown */
	char path[512];		/* the last file named by scratch_file() */
};

/* cmocka setup: a fresh scratch directory as *state. */
static inline int scratch_setup(void **state)
{
	struct scratch *s = calloc(1, sizeof *s);

	assert_non_null(s);
	tmp_dir(s->dir, sizeof s->dir);
	*state = s;
	return 0;
}

/* cmocka teardown: the scratch directory removed with all it holds. */
static inline int scratch_teardown(void **state)
{
	struct scratch *s = *state;

	rm_tree(s->dir);
	free(s);
	return 0;
}

/* A cmocka test run in a scratch directory of its own. */
#define scratch_test(f) \
	cmocka_unit_test_setup_teardown(f, scratch_setup, scratch_teardown)

/* dir/name of the scratch directory, in s->path (valid until the next call). */
static inline const char *scratch_file(struct scratch *s, const char *name)
{
	strf(s->path, sizeof s->path, "%s/%s", s->dir, name);
	return s->path;
}

/* Write text to a fresh temporary file; returns its path in buf. */
static inline const char *tmp_file(char *buf, size_t len, const char *suffix,
				   const char *text)
{
	int fd;

	strf(buf, len, "%s/stasim-test-XXXXXX%s", tmp_root(), suffix);
	fd = mkstemps(buf, (int)strlen(suffix));
	assert_true(fd >= 0);
	close(fd);
	write_file(buf, text);
	return buf;
}

/* The whole file at path, NUL-terminated and malloc'd (lib/slurp.h, capped
 * at SLURP_MAX); its length in *len when len is not NULL. NULL if unreadable. */
static inline char *slurp_text(const char *path, size_t *len)
{
	return slurp_file(path, SLURP_MAX, len);
}

/* A config loaded from INI text body, its energy table the shipped
 * horowitz45-lpddr4.ini; the text goes through a temporary file. */
static inline void load_cfg_text(const char *body, struct config *c)
{
	char ini[4096], path[1024], tpath[1024];
	struct sim_err err;

	strf(ini, sizeof ini, "%s\n[energy]\ntable = %s\n", body,
	     src_path(tpath, sizeof tpath,
		      "configs/energy/horowitz45-lpddr4.ini"));
	tmp_file(path, sizeof path, ".ini", ini);
	assert_int_equal(config_load(path, c, &err), 0);
	unlink(path);
}

/* A trace read from text body through a temporary file. */
static inline void load_trace_text(const char *body, struct trace *t)
{
	char path[1024];
	struct sim_err err;

	tmp_file(path, sizeof path, ".trace", body);
	assert_int_equal(trace_read(path, t, &err), 0);
	unlink(path);
}

/* run_sim that must succeed and pass its functional checks; prints what
 * failed before the assertion does. */
static inline void run_checked(const struct config *c, const struct trace *t,
			       const struct run_opts *o, struct run_result *r)
{
	struct sim_err err;
	int rc = run_sim(c, t, o, r, &err);

	if (rc)
		fprintf(stderr, "%s:%d: %s: %s\n", err.file, err.line, err.field,
			err.msg);
	assert_int_equal(rc, 0);
	if (r->failed)
		fprintf(stderr, "%s\n", r->fail_msg);
	assert_false(r->failed);
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
