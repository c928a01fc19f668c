/*
 * test_cli.c - the stasim command-line tool, run as a user runs it.
 *
 * Everything here goes through the binary (stasim_bin(), $STASIM_BIN for the
 * sanitizer build) with popen, never through the library: exit status,
 * stdout, stderr and the files left on disk are the contract (DESIGN.md,
 * "Interfaces" and "Bad input"). Expected values come from the inputs
 * themselves: tests/bad/EXPECT says, for each malformed file, which line and
 * field its mistake is on; the --dump tensors, read back by lib/npy (whose
 * reader test_lib.c checks on hand-made files), are checked against an
 * int64 matrix product written here.
 *
 * Every command runs in a fresh empty working directory, so a file the tool
 * leaves behind (a report, a temporary, a core dump) is seen and fails the
 * test. Invariant kept: each test removes the directories it made.
 */
#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>
#include <time.h>

#include "lib/npy.h"

#define OUT_MAX (256 * 1024)	/* captured output of one command */
#define CMD_MAX 8192		/* one shell command line */
#define PATH_MAX_ 1024		/* paths built by the tests */
#define NAMES_MAX 256		/* entries listed from one directory */
#define EXPECT_MIN 30		/* the corpus must hold at least this many */
#define GZ_MAX 4096		/* a corpus gzip file stays small */

static const char default_cfg[] = "configs/sta-default.ini";

/* ------------------------------------------------------------------ */
/* Files and directories */

static int cmp_name(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

/* Sorted names in dir (without . and ..); returns how many. */
static int list_dir(const char *dir, char names[][256], int max)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		assert_true(n < max);
		strf(names[n++], 256, "%s", e->d_name);
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof names[0], cmp_name);
	return n;
}

/* Fail, naming what is there, unless dir is empty. */
static void assert_dir_empty(const char *dir, const char *what)
{
	static char names[NAMES_MAX][256];
	int i, n = list_dir(dir, names, NAMES_MAX);

	for (i = 0; i < n; i++)
		print_error("%s: left behind: %s/%s\n", what, dir, names[i]);
	assert_int_equal(n, 0);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && !strcmp(s + ls - lx, suffix);
}

static int starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* Files a and b exist, are not empty and are byte for byte the same. */
static void assert_same_bytes(const char *a, const char *b)
{
	size_t la, lb;
	char *ta = slurp_text(a, &la), *tb = slurp_text(b, &lb);

	assert_non_null(ta);
	assert_non_null(tb);
	assert_true(la > 0);
	if (la != lb || memcmp(ta, tb, la))
		print_error("%s and %s differ\n", a, b);
	assert_int_equal(la, lb);
	assert_memory_equal(ta, tb, la);
	free(ta);
	free(tb);
}

/* Lines in s: newline-terminated ones, plus an unterminated tail. */
static int count_lines(const char *s)
{
	size_t len = strlen(s), i;
	int n = 0;

	for (i = 0; i < len; i++)
		n += s[i] == '\n';
	return n + (len > 0 && s[len - 1] != '\n');
}

/* ------------------------------------------------------------------ */
/* Per-test fixture: a private temporary tree, removed even on failure */

struct fix {
	char root[PATH_MAX_];		/* private temp dir, removed by teardown */
	char cwd[2 * PATH_MAX_];	/* root/cwd: the tool's empty working dir */
	char trace[2 * PATH_MAX_];	/* root/small.trace: small_trace */
	char *out, *out2;		/* OUT_MAX bytes each: captured output */
};

static const char small_trace[] =
	"stasim-trace 1\n"
	"# a 2:4 gemm with a ragged tile and a two-head dense matmul\n"
	"gemm name=g m=7 k=20 n=5 nm=2:4\n"
	"matmul name=mm m=6 k=9 n=7 heads=2\n";

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof *f);

	assert_non_null(f);
	tmp_dir(f->root, sizeof f->root);
	strf(f->cwd, sizeof f->cwd, "%s/cwd", f->root);
	assert_int_equal(mkdir(f->cwd, 0777), 0);
	strf(f->trace, sizeof f->trace, "%s/small.trace", f->root);
	write_file(f->trace, small_trace);
	f->out = malloc(OUT_MAX);
	f->out2 = malloc(OUT_MAX);
	assert_non_null(f->out);
	assert_non_null(f->out2);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	rm_tree(f->root);
	free(f->out);
	free(f->out2);
	free(f);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Running the tool */

/*
 * Run `stasim ARGS` with cwd as working directory. redir picks the streams
 * captured into out: "2>&1" both, "2>/dev/null" stdout only, "2>&1
 * >/dev/null" stderr only. Returns the exit status; a signal shows as
 * 128 + its number (the shell's convention), never as 0, 1 or 2.
 */
static int stasim(const char *cwd, const char *args, const char *redir,
		  char *out, size_t len)
{
	char cmd[CMD_MAX];

	strf(cmd, sizeof cmd, "cd '%s' && '%s' %s %s", cwd, stasim_bin(), args,
	     redir);
	return run_cmd(cmd, out, len);
}

/* Absolute path of a file in the source tree, in its own static slot. */
static const char *src(const char *rel)
{
	static char slot[4][2 * PATH_MAX_];
	static int next;
	char *buf = slot[next++ % 4];

	return src_path(buf, sizeof slot[0], rel);
}

/* ------------------------------------------------------------------ */
/* The bad-input corpus: tests/bad and its EXPECT list */

struct expect {
	char file[128];		/* name inside tests/bad */
	int line;		/* line the message must name, 0 = none */
	char sub[128];		/* field, or a word of the message */
};

/* Parse tests/bad/EXPECT; returns the number of rows. */
static int load_expect(struct expect *ex, int max)
{
	char *text = slurp_text(src("tests/bad/EXPECT"), NULL);
	char *line, *save = NULL;
	int n = 0;

	assert_non_null(text);
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *t1 = strchr(line, '\t'), *t2 = NULL, *end;

		if (!t1 || !(t2 = strchr(t1 + 1, '\t'))) {
			print_error("EXPECT: malformed row '%s'\n", line);
			fail();
		}
		assert_true(n < max);
		*t1 = *t2 = 0;
		strf(ex[n].file, sizeof ex[n].file, "%s", line);
		ex[n].line = (int)strtol(t1 + 1, &end, 10);
		assert_true(*end == 0 && end != t1 + 1 && ex[n].line >= 0);
		strf(ex[n].sub, sizeof ex[n].sub, "%s", t2 + 1);
		assert_true(ex[n].sub[0] != 0);
		n++;
	}
	free(text);
	return n;
}

static int is_config(const char *f)
{
	return starts_with(f, "config-") && ends_with(f, ".ini");
}

static int is_trace(const char *f)
{
	return starts_with(f, "trace-") &&
	       (ends_with(f, ".trace") || ends_with(f, ".trace.gz"));
}

/* Every corpus file is listed once, every row names a file, names follow
 * the pattern, gzip files stay small. */
static void test_corpus_listed(void **state)
{
	static struct expect ex[NAMES_MAX];
	static char names[NAMES_MAX][256];
	int n_ex = load_expect(ex, NAMES_MAX);
	int n = list_dir(src("tests/bad"), names, NAMES_MAX);
	int i, j, found;
	struct stat st;
	char path[PATH_MAX_];

	(void)state;
	assert_true(n_ex >= EXPECT_MIN);
	for (i = 0; i < n; i++) {
		if (!strcmp(names[i], "EXPECT"))
			continue;
		for (found = 0, j = 0; j < n_ex; j++)
			found += !strcmp(names[i], ex[j].file);
		if (found != 1)
			print_error("tests/bad/%s is listed %d times in EXPECT "
				    "(must be once)\n", names[i], found);
		assert_int_equal(found, 1);
	}
	for (j = 0; j < n_ex; j++) {
		strf(path, sizeof path, "tests/bad/%s", ex[j].file);
		if (stat(src(path), &st) != 0 || !S_ISREG(st.st_mode)) {
			print_error("EXPECT names %s, which does not exist\n",
				    ex[j].file);
			fail();
		}
		if (!is_config(ex[j].file) && !is_trace(ex[j].file)) {
			print_error("%s: name must be config-*.ini, "
				    "trace-*.trace or trace-*.trace.gz\n",
				    ex[j].file);
			fail();
		}
		if (ends_with(ex[j].file, ".gz"))
			assert_true(st.st_size < GZ_MAX);
	}
}

/*
 * One corpus file: exit 2, one line "stasim: PATH[:LINE]: ...SUB...", no
 * file written. Trace runs get -o so that a report written despite the
 * error would show up in cwd.
 */
static void check_bad(const struct expect *e, const char *cwd, char *out)
{
	char rel[PATH_MAX_], path[PATH_MAX_], args[3 * PATH_MAX_];
	char prefix[2 * PATH_MAX_];
	const char *rest;
	int rc, one_line;

	strf(rel, sizeof rel, "tests/bad/%s", e->file);
	strf(path, sizeof path, "%s", src(rel));
	if (is_config(e->file))
		strf(args, sizeof args, "config -c '%s'", path);
	else
		strf(args, sizeof args, "run -c '%s' -t '%s' -o out",
		     src(default_cfg), path);
	rc = stasim(cwd, args, "2>&1", out, OUT_MAX);
	one_line = count_lines(out) == 1 && out[strlen(out) - 1] == '\n';
	if (rc != 2 || !one_line)
		print_error("%s: exit %d, output:\n%s\n", e->file, rc, out);
	assert_int_equal(rc, 2);
	assert_true(one_line);

	strf(prefix, sizeof prefix, "stasim: %s", path);
	if (!starts_with(out, prefix)) {
		print_error("%s: message does not start with '%s':\n%s",
			    e->file, prefix, out);
		fail();
	}
	rest = out + strlen(prefix);
	if (e->line > 0) {
		char where[32];

		strf(where, sizeof where, ":%d: ", e->line);
		if (!starts_with(rest, where)) {
			print_error("%s: expected line %d:\n%s", e->file,
				    e->line, out);
			fail();
		}
	} else if (!starts_with(rest, ": ")) {
		print_error("%s: expected no line number:\n%s", e->file, out);
		fail();
	}
	if (!strstr(rest, e->sub)) {
		print_error("%s: expected '%s' in:\n%s", e->file, e->sub, out);
		fail();
	}
	assert_dir_empty(cwd, e->file);
}

static void test_corpus_errors(void **state)
{
	static struct expect ex[NAMES_MAX];
	static char before[NAMES_MAX][256], after[NAMES_MAX][256];
	struct fix *f = *state;
	int n_ex = load_expect(ex, NAMES_MAX);
	int i, nb, na;

	nb = list_dir(src("tests/bad"), before, NAMES_MAX);
	for (i = 0; i < n_ex; i++)
		check_bad(&ex[i], f->cwd, f->out);
	/* nothing written next to the inputs either (no FILE.tmpXXXXXX) */
	na = list_dir(src("tests/bad"), after, NAMES_MAX);
	assert_int_equal(na, nb);
	assert_memory_equal(before, after, sizeof before[0] * (size_t)nb);
}

/* ------------------------------------------------------------------ */
/* Bad usage */

/* args must exit 2 with one line "stasim: ..." on stderr naming want, and
 * write no file in cwd. */
static void usage_case(const char *cwd, const char *args, const char *want,
		       char *out)
{
	int rc = stasim(cwd, args, "2>&1 >/dev/null", out, OUT_MAX);

	if (rc != 2 || !starts_with(out, "stasim: ") || !strstr(out, want) ||
	    count_lines(out) != 1)
		print_error("'stasim %s': exit %d, stderr:\n%s\n(expected "
			    "exit 2 and one line with '%s')\n", args, rc, out,
			    want);
	assert_int_equal(rc, 2);
	assert_true(starts_with(out, "stasim: "));
	assert_non_null(strstr(out, want));
	assert_int_equal(count_lines(out), 1);
	assert_dir_empty(cwd, args);
}

/* One bad command line and what its one-line message names. */
struct usage_row {
	const char *args;	/* words after "stasim" and a prefix */
	const char *want;	/* a piece of the message */
};

/* usage_case() on each of n rows, their words after prefix. */
static void usage_rows(const char *cwd, const char *prefix,
		       const struct usage_row *rows, size_t n, char *out)
{
	char args[4 * PATH_MAX_ + 64];
	size_t i;

	for (i = 0; i < n; i++) {
		strf(args, sizeof args, "%s%s", prefix, rows[i].args);
		usage_case(cwd, args, rows[i].want, out);
	}
}

static void test_bad_usage(void **state)
{
	/* commands that name no input file */
	static const struct usage_row no_inputs[] = {
		{ "frobnicate", "unknown command" },
		{ "run", "-c" },
		{ "config", "config" },
		{ "trace", "trace" },
		{ "trace nosuchmodel -o x", "nosuchmodel" },
		{ "trace bert-base --nm 5:4 -o x", "5:4" },
		{ "trace bert-base --nm 2 -o x", "--nm" },
		{ "trace bert-base --seq 0 -o x", "--seq" },
		{ "trace bert-base --seq 128", "-o" },
		{ "trace bert-base --frob 1 -o x", "--frob" },
	};
	/* run on a good config and trace, with a bad option after them */
	static const struct usage_row run_opts[] = {
		{ "--format xml", "xml" },
		{ "--mode fast", "fast" },
		{ "--seed -1", "--seed" },
		{ "--seed 12x", "--seed" },
		{ "--seed 18446744073709551616", "--seed" },
		/* an unknown option last is unknown, not "needs a value" */
		{ "--bogus", "unknown option '--bogus'" },
		{ "--dump d", "--dump" },
		{ "--mode timing --dump d", "--dump" },
		{ "--bogus 1", "--bogus" },
		{ "--bogus", "--bogus" },
		{ "-o", "-o" },
	};
	struct fix *f = *state;
	const char *cfg = src(default_cfg), *tr = f->trace, *cwd = f->cwd;
	char args[4 * PATH_MAX_];
	char *out = f->out;
	int rc;

	/* no arguments at all: usage on stderr, nothing on stdout, exit 2 */
	rc = stasim(cwd, "", "2>&1 >/dev/null", out, OUT_MAX);
	assert_int_equal(rc, 2);
	assert_non_null(strstr(out, "usage"));
	rc = stasim(cwd, "", "2>/dev/null", out, OUT_MAX);
	assert_int_equal(rc, 2);
	assert_string_equal(out, "");
	assert_dir_empty(cwd, "no args");

	usage_rows(cwd, "", no_inputs, sizeof no_inputs / sizeof no_inputs[0],
		   out);
	strf(args, sizeof args, "run -t '%s'", tr);
	usage_case(cwd, args, "-c", out);
	strf(args, sizeof args, "run -c '%s'", cfg);
	usage_case(cwd, args, "-t", out);
	strf(args, sizeof args, "run -c '%s' -t '%s' ", cfg, tr);
	usage_rows(cwd, args, run_opts, sizeof run_opts / sizeof run_opts[0],
		   out);
	strf(args, sizeof args, "config -c '%s' extra", cfg);
	usage_case(cwd, args, "config", out);

	/* files that do not exist: input errors naming the file */
	strf(args, sizeof args, "run -c '%s/none.ini' -t '%s'", f->root, tr);
	usage_case(cwd, args, "none.ini", out);
	strf(args, sizeof args, "run -c '%s' -t '%s/none.trace'", cfg, f->root);
	usage_case(cwd, args, "none.trace", out);
}

static void test_not_built(void **state)
{
	static const char *const cmds[] = { "cosim layernorm", "cosim dma" };
	struct fix *f = *state;
	size_t i;

	for (i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		usage_case(f->cwd, cmds[i], "not built yet", f->out);
	usage_case(f->cwd, "cosim", "needs a unit", f->out);
	usage_case(f->cwd, "cosim sde --ops", "needs a value", f->out);
}

/* ------------------------------------------------------------------ */
/* A light JSON walker: enough to find keys inside the right object */

static const char *ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

/* Past the JSON value at p (after blanks); NULL if malformed. */
static const char *json_skip(const char *p)
{
	int depth = 0;

	p = ws(p);
	if (*p != '{' && *p != '[' && *p != '"') {
		const char *s = p;

		while (*p && !strchr(",}] \t\r\n", *p))
			p++;
		return p > s ? p : NULL;
	}
	do {
		if (*p == '"') {
			for (p++; *p && *p != '"'; p++)
				if (*p == '\\' && p[1])
					p++;
			if (!*p)
				return NULL;
		} else if (*p == '{' || *p == '[') {
			depth++;
		} else if (*p == '}' || *p == ']') {
			depth--;
		} else if (!*p) {
			return NULL;
		}
		p++;
	} while (depth > 0);
	return p;
}

/*
 * Next member of the object being walked: *p points at '{' or ',' or '}'.
 * Fills key (unescaped enough for plain keys) and *val; returns 0 at the end.
 */
static int json_member(const char **p, char *key, size_t klen,
		       const char **val)
{
	const char *q = ws(*p), *end;

	if (*q == '}')
		return 0;
	assert_true(*q == '{' || *q == ',');
	q = ws(q + 1);
	if (*q == '}')
		return 0;
	assert_true(*q == '"');
	end = json_skip(q);
	assert_non_null(end);
	strf(key, klen, "%.*s", (int)(end - q - 2), q + 1);
	q = ws(end);
	assert_true(*q == ':');
	*val = ws(q + 1);
	end = json_skip(*val);
	assert_non_null(end);
	*p = ws(end);
	return 1;
}

/* Value of key directly inside the object at obj; NULL if absent. */
static const char *json_get(const char *obj, const char *key)
{
	const char *p = ws(obj), *val;
	char k[128];

	if (!p || *p != '{')
		return NULL;
	while (json_member(&p, k, sizeof k, &val))
		if (!strcmp(k, key))
			return val;
	return NULL;
}

/* Value at a dotted path ("total.cycles") from the object at obj. */
static const char *json_path(const char *obj, const char *path)
{
	char part[128];
	const char *dot;

	while (obj && (dot = strchr(path, '.'))) {
		strf(part, sizeof part, "%.*s", (int)(dot - path), path);
		obj = json_get(obj, part);
		path = dot + 1;
	}
	return obj ? json_get(obj, path) : NULL;
}

/* Element i of the array at arr; NULL past its end. */
static const char *json_elem(const char *arr, int i)
{
	const char *p = ws(arr);

	assert_true(*p == '[');
	p = ws(p + 1);
	while (*p != ']') {
		if (i-- == 0)
			return p;
		p = json_skip(p);
		assert_non_null(p);
		p = ws(p);
		if (*p == ',')
			p = ws(p + 1);
	}
	return NULL;
}

/* A JSON number at v; its value in *x. */
static void assert_number(const char *v, const char *what, double *x)
{
	char *end;

	if (!v) {
		print_error("report.json: %s missing\n", what);
		fail();
	}
	*x = strtod(v, &end);
	if (end == v || !strchr(",}] \t\r\n", *end)) {
		print_error("report.json: %s is not a number: %.20s\n", what, v);
		fail();
	}
}

/* A JSON string at v equal to want. */
static void assert_jstring(const char *v, const char *want)
{
	size_t n = strlen(want);

	assert_non_null(v);
	assert_true(v[0] == '"' && !strncmp(v + 1, want, n) && v[n + 1] == '"');
}

static void check_report_json(const char *doc)
{
	static const char *const total[] = { "total.cycles", "total.latency_us",
		"total.energy_pj", "total.edp_pj_us", "total.macs", "total.dense_macs",
		"total.utilization_pct",
		"total.dram_bytes", "arch.peak_macs_per_cycle",
		"arch.dram_bytes_per_cycle" };
	static const char *const op_keys[] = { "start_cycle", "end_cycle",
		"cycles", "stall_cycles", "macs", "dram_bytes", "energy_pj" };
	static const char *const names[] = { "g", "mm" };
	static const char *const kinds[] = { "gemm", "matmul" };
	const char *end = json_skip(doc), *units, *ops, *op, *p, *val;
	double x, start, stop, cyc, total_cycles;
	char key[128];
	size_t i;
	int n_units = 0;

	assert_non_null(end);
	assert_true(*ws(end) == 0);	/* one value, nothing after it */
	for (i = 0; i < sizeof total / sizeof total[0]; i++)
		assert_number(json_path(doc, total[i]), total[i], &x);
	assert_number(json_path(doc, "total.cycles"), "total.cycles",
		      &total_cycles);
	assert_true(total_cycles > 0);
	assert_number(json_path(doc, "total.dense_macs"), "dense_macs", &x);
	assert_true(x == 7.0 * 20 * 5 + 2.0 * 6 * 9 * 7);

	units = json_get(doc, "units");
	assert_non_null(units);
	p = units;
	while (json_member(&p, key, sizeof key, &val)) {
		assert_number(json_get(val, "busy_cycles"), "busy_cycles", &x);
		assert_number(json_get(val, "energy_pj"), "energy_pj", &x);
		n_units++;
	}
	assert_true(n_units > 0);

	ops = json_get(doc, "ops");
	assert_non_null(ops);
	for (i = 0; i < 2; i++) {
		size_t j;

		op = json_elem(ops, (int)i);
		assert_non_null(op);
		assert_jstring(json_get(op, "name"), names[i]);
		assert_jstring(json_get(op, "kind"), kinds[i]);
		for (j = 0; j < sizeof op_keys / sizeof op_keys[0]; j++)
			assert_number(json_get(op, op_keys[j]), op_keys[j], &x);
		assert_number(json_get(op, "start_cycle"), "start", &start);
		assert_number(json_get(op, "end_cycle"), "end", &stop);
		assert_number(json_get(op, "cycles"), "cycles", &cyc);
		assert_true(stop - start == cyc && cyc > 0);
		assert_true(stop <= total_cycles);
	}
	assert_null(json_elem(ops, 2));
}

/* ------------------------------------------------------------------ */
/* -o DIR and --format */

static void test_outdir_reports(void **state)
{
	/* list_dir sorts the names; total.csv has no --format of its own */
	static const char *const files[] = { "report.csv", "report.html",
					     "report.json", "report.md",
					     "total.csv" };
	static const char *const fmts[] = { "csv", "html", "json", "md" };
	static char names[NAMES_MAX][256];
	struct fix *f = *state;
	char args[4 * PATH_MAX_], path[3 * PATH_MAX_];
	size_t i, len;
	int n;

	for (i = 0; i < 4; i++) {
		char *file;

		strf(args, sizeof args, "run -c '%s' -t '%s' -o res --format %s",
		     src(default_cfg), f->trace, fmts[i]);
		assert_int_equal(stasim(f->cwd, args, "2>/dev/null", f->out,
					OUT_MAX), 0);
		n = list_dir(f->cwd, names, NAMES_MAX);
		assert_int_equal(n, 1);
		assert_string_equal(names[0], "res");
		strf(path, sizeof path, "%s/res", f->cwd);
		n = list_dir(path, names, NAMES_MAX);
		assert_int_equal(n, 5);	/* no temporaries left */
		for (n = 0; n < 5; n++)
			assert_string_equal(names[n], files[n]);
		/* stdout in format F equals report.F byte for byte */
		strf(path, sizeof path, "%s/res/%s", f->cwd, files[i]);
		file = slurp_text(path, &len);
		assert_non_null(file);
		assert_true(len > 0 && strlen(f->out) == len);
		assert_memory_equal(f->out, file, len);
		if (i == 2)
			check_report_json(file);
		/* report.csv holds ops only; the total is total.csv */
		if (i == 0)
			assert_null(strstr(file, "TOTAL"));
		free(file);
	}
	strf(path, sizeof path, "%s/res/total.csv", f->cwd);
	{
		char *tot = slurp_text(path, &len);

		assert_non_null(tot);
		assert_true(starts_with(tot, "cycles,latency_us,energy_pj,"
					"edp_pj_us,macs,dense_macs,"
					"utilization_pct,dram_bytes,"));
		assert_int_equal(strchr(strchr(tot, '\n') + 1, '\n') -
				 tot + 1, (long)len);	/* one row */
		free(tot);
	}
	/* reports get the usual mode under umask 022, not mkstemp's 0600 */
	{
		struct stat st;

		strf(args, sizeof args, "cd '%s' && umask 022 && '%s' run -c '%s' "
		     "-t '%s' -o res2 --seed 18446744073709551615 >/dev/null",
		     f->cwd, stasim_bin(), src(default_cfg), f->trace);
		assert_int_equal(run_cmd(args, f->out, OUT_MAX), 0);
		strf(path, sizeof path, "%s/res2/report.json", f->cwd);
		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0644);
		strf(args, sizeof args, "rm -rf '%s/res2'", f->cwd);
		assert_int_equal(system(args), 0);
	}
}

/* Same inputs twice give the same bytes, in every mode that matters. */
static void test_deterministic(void **state)
{
	static const char *const opts[] = { "--format json", "--format txt",
		"--format json --mode functional --seed 9",
		"--format txt --no-fast-forward" };
	struct fix *f = *state;
	char args[4 * PATH_MAX_];
	size_t i;

	for (i = 0; i < sizeof opts / sizeof opts[0]; i++) {
		strf(args, sizeof args, "run -c '%s' -t '%s' %s",
		     src(default_cfg), f->trace, opts[i]);
		assert_int_equal(stasim(f->cwd, args, "2>&1", f->out, OUT_MAX), 0);
		assert_int_equal(stasim(f->cwd, args, "2>&1", f->out2, OUT_MAX), 0);
		assert_true(strlen(f->out) > 100);
		assert_string_equal(f->out, f->out2);
	}
	assert_dir_empty(f->cwd, "deterministic runs");
}

/* ------------------------------------------------------------------ */
/* --dump: lib/npy's reader and an int64 product */

/* A dumped tensor: type and shape as lib/npy read them, values widened. */
struct npy {
	enum npy_type type;		/* NPY_I8, NPY_I16, NPY_I32, NPY_U8 */
	int ndim;			/* 1..NPY_NDIM_MAX */
	uint64_t shape[NPY_NDIM_MAX];	/* C order */
	uint64_t count;			/* product of shape */
	int64_t *v;			/* count values, widened */
};

/* DIR/OP.WHAT.npy into a; an unreadable or malformed file fails the test. */
static void npy_load(const char *dir, const char *op, const char *what,
		     struct npy *a)
{
	char path[2 * PATH_MAX_];
	struct npy_array arr;
	struct sim_err err;
	uint64_t i;

	strf(path, sizeof path, "%s/%s.%s.npy", dir, op, what);
	if (npy_read(path, &arr, &err))
		fail_msg("%s: %s", path, err.msg);
	a->type = arr.type;
	a->ndim = arr.ndim;
	memcpy(a->shape, arr.shape, sizeof a->shape);
	a->count = arr.count;
	a->v = malloc((a->count ? a->count : 1) * sizeof *a->v);
	assert_non_null(a->v);
	for (i = 0; i < a->count; i++)
		a->v[i] = npy_get(&arr, i);
	npy_array_free(&arr);
}

/* npy_load, then a must hold type in ndim dimensions (d0, d1, d2). */
static void npy_expect(const char *dir, const char *op, const char *what,
		       struct npy *a, enum npy_type type, int ndim,
		       uint64_t d0, uint64_t d1, uint64_t d2)
{
	uint64_t want[3] = { d0, d1, d2 };
	int i;

	npy_load(dir, op, what, a);
	assert_int_equal(a->type, type);
	assert_int_equal(a->ndim, ndim);
	for (i = 0; i < ndim; i++)
		assert_int_equal(a->shape[i], want[i]);
}

/* acc[h] = a[h] x w[h] in int64, compared with the dumped int32 acc. */
static void check_product(const struct npy *a, const struct npy *w,
			  const struct npy *acc, uint64_t heads, uint64_t m,
			  uint64_t k, uint64_t n)
{
	uint64_t h, i, j, t;

	for (h = 0; h < heads; h++)
		for (i = 0; i < m; i++)
			for (j = 0; j < n; j++) {
				int64_t s = 0;

				for (t = 0; t < k; t++)
					s += a->v[(h * m + i) * k + t] *
					     w->v[(h * k + t) * n + j];
				assert_true(s >= INT32_MIN && s <= INT32_MAX);
				assert_int_equal(acc->v[(h * m + i) * n + j], s);
			}
}

/* w (k x n) has at most N nonzeros per group of M along k, and the
 * compressed wval/widx ((groups*N) x n) rebuild it exactly. */
static void check_sparse(const struct npy *w, const struct npy *val,
			 const struct npy *idx, uint64_t k, uint64_t n,
			 uint64_t nn, uint64_t mm)
{
	uint64_t groups = (k + mm - 1) / mm, g, c, r, j;
	int64_t *re = calloc(k * n, sizeof *re);
	uint64_t nonzero_total = 0;

	assert_non_null(re);
	assert_int_equal(val->shape[0], groups * nn);
	assert_int_equal(val->shape[1], n);
	assert_int_equal(idx->shape[0], groups * nn);
	assert_int_equal(idx->shape[1], n);
	for (g = 0; g < groups; g++)
		for (c = 0; c < n; c++) {
			uint64_t nz = 0;

			for (r = g * mm; r < k && r < (g + 1) * mm; r++)
				nz += w->v[r * n + c] != 0;
			assert_true(nz <= nn);
			nonzero_total += nz;
			for (j = 0; j < nn; j++) {
				int64_t v = val->v[(g * nn + j) * n + c];
				int64_t x = idx->v[(g * nn + j) * n + c];

				assert_true(x >= 0 && (uint64_t)x < mm);
				if (v == 0)
					continue;	/* padding slot */
				r = g * mm + (uint64_t)x;
				assert_true(r < k);
				assert_int_equal(re[r * n + c], 0); /* once */
				re[r * n + c] = v;
			}
		}
	assert_true(nonzero_total > 0);
	for (r = 0; r < k * n; r++)
		assert_int_equal(re[r], w->v[r]);
	free(re);
}

static void npy_free(struct npy *a)
{
	free(a->v);
	a->v = NULL;
}

/* One sparse GEMM: m x k activations times k x n weights, N:M = nn:mm. */
struct gemm_dims {
	uint64_t m, k, n;	/* the product's dimensions */
	uint64_t nn, mm;	/* at most nn nonzeros per mm weights along k */
};

/* The six tensors a GEMM dumps (OP.a, .w, .acc, .out, .wval, .widx). */
struct gemm_dump {
	struct npy a, w, acc, out, val, idx;
};

/* op's GEMM dump from dir into g: every shape and type, the product and
 * the N:M compression checked. */
static void check_gemm(const char *dir, const char *op,
		       const struct gemm_dims *d, struct gemm_dump *g)
{
	npy_expect(dir, op, "a", &g->a, NPY_I8, 2, d->m, d->k, 0);
	npy_expect(dir, op, "w", &g->w, NPY_I8, 2, d->k, d->n, 0);
	npy_expect(dir, op, "acc", &g->acc, NPY_I32, 2, d->m, d->n, 0);
	npy_expect(dir, op, "out", &g->out, NPY_I8, 2, d->m, d->n, 0);
	npy_load(dir, op, "wval", &g->val);
	npy_load(dir, op, "widx", &g->idx);
	assert_int_equal(g->val.type, NPY_I8);
	assert_int_equal(g->idx.type, NPY_U8);
	check_product(&g->a, &g->w, &g->acc, 1, d->m, d->k, d->n);
	check_sparse(&g->w, &g->val, &g->idx, d->k, d->n, d->nn, d->mm);
}

static void gemm_free(struct gemm_dump *g)
{
	npy_free(&g->a);
	npy_free(&g->w);
	npy_free(&g->acc);
	npy_free(&g->out);
	npy_free(&g->val);
	npy_free(&g->idx);
}

/* Run trace_text functionally with the given seed and --dump d in cwd; the
 * dump directory's path goes to dump. */
static void run_dump(struct fix *f, const char *trace_text, int seed,
		     char *dump, size_t len)
{
	char tr[3 * PATH_MAX_], args[8 * PATH_MAX_];
	int rc;

	strf(tr, sizeof tr, "%s/dump.trace", f->root);
	write_file(tr, trace_text);
	strf(args, sizeof args, "run -c '%s' -t '%s' --mode functional "
	     "--seed %d --dump d", src(default_cfg), tr, seed);
	rc = stasim(f->cwd, args, "2>&1", f->out, OUT_MAX);
	if (rc)
		print_error("%s\n", f->out);
	assert_int_equal(rc, 0);
	strf(dump, len, "%s/d", f->cwd);
}

static void test_dump_npy(void **state)
{
	static const char trace[] =
		"stasim-trace 1\n"
		"gemm name=g m=7 k=20 n=5 nm=2:4\n"
		"gemm name=r m=5 k=22 n=3 nm=3:8\n"
		"matmul name=mm m=6 k=9 n=7 heads=2\n";
	static const char *const want[] = {
		"g.a.npy", "g.acc.npy", "g.out.npy", "g.w.npy", "g.widx.npy",
		"g.wval.npy", "mm.a.npy", "mm.acc.npy", "mm.out.npy",
		"mm.w.npy", "r.a.npy", "r.acc.npy", "r.out.npy", "r.w.npy",
		"r.widx.npy", "r.wval.npy" };
	static const struct {
		const char *name;
		struct gemm_dims d;
	} gemms[] = { { "g", { 7, 20, 5, 2, 4 } }, { "r", { 5, 22, 3, 3, 8 } } };
	static char names[NAMES_MAX][256];
	struct fix *f = *state;
	char dump[3 * PATH_MAX_];
	struct gemm_dump g;
	struct npy a, w, acc, o;
	size_t i;
	int n;

	run_dump(f, trace, 5, dump, sizeof dump);
	n = list_dir(dump, names, NAMES_MAX);
	assert_int_equal(n, (int)(sizeof want / sizeof want[0]));
	for (i = 0; i < sizeof want / sizeof want[0]; i++)
		assert_string_equal(names[i], want[i]);

	for (i = 0; i < sizeof gemms / sizeof gemms[0]; i++) {
		check_gemm(dump, gemms[i].name, &gemms[i].d, &g);
		gemm_free(&g);
	}

	npy_expect(dump, "mm", "a", &a, NPY_I8, 3, 2, 6, 9);
	npy_expect(dump, "mm", "w", &w, NPY_I8, 3, 2, 9, 7);
	npy_expect(dump, "mm", "acc", &acc, NPY_I32, 3, 2, 6, 7);
	npy_expect(dump, "mm", "out", &o, NPY_I8, 3, 2, 6, 7);
	check_product(&a, &w, &acc, 2, 6, 9, 7);
	npy_free(&a);
	npy_free(&w);
	npy_free(&acc);
	npy_free(&o);
}

/* --dump of gate and moe ops: every value recomputed from other dumped
 * tensors (products, ranks, requantization, the combine), never read back
 * from the tool's own copy of it. */

/* Unsigned integer after "\"KEY\": " in a dumped JSON object. */
static uint64_t json_uint(const char *json, const char *key)
{
	char pat[64], *end;
	const char *p;
	uint64_t v;

	strf(pat, sizeof pat, "\"%s\": ", key);
	p = strstr(json, pat);
	if (!p) {
		print_error("JSON lacks %s: %s\n", key, json);
		fail();
	}
	v = strtoull(p + strlen(pat), &end, 10);
	assert_true(end > p + strlen(pat));
	return v;
}

static char *json_load(const char *dir, const char *name)
{
	char path[2 * PATH_MAX_];
	char *text;

	strf(path, sizeof path, "%s/%s.json", dir, name);
	text = slurp_text(path, NULL);
	assert_non_null(text);
	return text;
}

/* The gate: logits = in x wgate; topk = the full ranking of the logits
 * (ties to the lower index); scores never rise along a token's choices. */
static void check_gate_dump(const char *dir)
{
	struct npy in, wg, l, tk, sc;
	uint64_t t, e, c, r, rank;
	char *js = json_load(dir, "gt");

	npy_expect(dir, "gt", "in", &in, NPY_I8, 2, 9, 24, 0);
	npy_expect(dir, "gt", "wgate", &wg, NPY_I8, 2, 24, 6, 0);
	npy_expect(dir, "gt", "logits", &l, NPY_I32, 2, 9, 6, 0);
	npy_expect(dir, "gt", "topk", &tk, NPY_I16, 2, 9, 2, 0);
	npy_expect(dir, "gt", "score", &sc, NPY_U8, 2, 9, 2, 0);
	check_product(&in, &wg, &l, 1, 9, 24, 6);
	for (t = 0; t < 9; t++) {
		for (e = 0; e < 6; e++) {
			const int64_t *v = l.v + t * 6;

			for (rank = 0, c = 0; c < 6; c++)
				rank += v[c] > v[e] || (v[c] == v[e] && c < e);
			if (rank < 2)
				assert_int_equal(tk.v[t * 2 + rank], e);
		}
		for (r = 1; r < 2; r++)
			assert_true(sc.v[t * 2 + r] <= sc.v[t * 2 + r - 1]);
	}
	assert_int_equal(json_uint(js, "task"), 1);
	assert_int_equal(json_uint(js, "tasks"), 2);
	assert_int_equal(json_uint(js, "experts"), 6);
	free(js);
	npy_free(&in);
	npy_free(&wg);
	npy_free(&l);
	npy_free(&tk);
	npy_free(&sc);
}

/* out = int8 saturation of (acc + 2^(s-1)) >> s, the engine's rule. */
static void check_requant(const struct npy *acc, const struct npy *out,
			  uint64_t shift)
{
	uint64_t i;

	assert_int_equal(acc->count, out->count);
	for (i = 0; i < acc->count; i++) {
		int64_t q = (acc->v[i] + (1ll << (shift - 1))) >> shift;

		assert_int_equal(out->v[i], q > 127 ? 127 : q < -128 ? -128 : q);
	}
}

/* One expert GEMM dump (PREFIX.fcN, rows x k times k x n, 2:4 weights):
 * check_gemm's checks and the requantization by shift. */
static void check_fc(const char *dir, const char *pre, const char *fc,
		     uint64_t rows, uint64_t k, uint64_t n, uint64_t shift,
		     struct gemm_dump *g)
{
	const struct gemm_dims d = { rows, k, n, 2, 4 };
	char nm[256];

	strf(nm, sizeof nm, "%s.%s", pre, fc);
	check_gemm(dir, nm, &d, g);
	check_requant(&g->acc, &g->out, shift);
}

/* Expert e's part: its tokens are exactly those routed to it; FC1 reads
 * their rows, GELU FC1's output, FC2 GELU's; its rows, scaled by the
 * token's score, are added into ref (int32, wrapping). */
static void check_part(const char *dir, uint64_t e, const struct npy *x,
		       const struct npy *tk, const struct npy *sc,
		       const char *js, uint32_t *ref)
{
	char pre[64], nm[96];
	struct npy tok, g, gi, go;
	struct gemm_dump fc1, fc2;
	uint64_t t, r = 0, c, rows;

	strf(pre, sizeof pre, "mx.e%llu", (unsigned long long)e);
	npy_load(dir, pre, "tok", &tok);
	rows = tok.count;
	assert_int_equal(tok.type, NPY_I32);
	assert_int_equal(tok.ndim, 1);
	npy_expect(dir, pre, "score", &g, NPY_U8, 1, rows, 0, 0);
	for (t = 0; t < 9; t++)
		if (tk->v[t * 2] == (int64_t)e || tk->v[t * 2 + 1] == (int64_t)e) {
			assert_true(r < rows);
			assert_int_equal(tok.v[r], t);
			assert_int_equal(g.v[r++], sc->v[t * 4 + e]);
		}
	assert_int_equal(r, rows);
	check_fc(dir, pre, "fc1", rows, 16, 24, json_uint(js, "fc1_shift"),
		 &fc1);
	check_fc(dir, pre, "fc2", rows, 24, 16, json_uint(js, "fc2_shift"),
		 &fc2);
	strf(nm, sizeof nm, "%s.gelu", pre);
	npy_expect(dir, nm, "in", &gi, NPY_I8, 2, rows, 24, 0);
	npy_expect(dir, nm, "out", &go, NPY_I8, 2, rows, 24, 0);
	for (r = 0; r < rows; r++)
		for (c = 0; c < 16; c++)
			assert_int_equal(fc1.a.v[r * 16 + c],
					 x->v[tok.v[r] * 16 + c]);
	assert_memory_equal(gi.v, fc1.out.v, fc1.out.count * sizeof *gi.v);
	assert_memory_equal(fc2.a.v, go.v, go.count * sizeof *go.v);
	for (r = 0; r < rows; r++)
		for (c = 0; c < 16; c++)
			ref[tok.v[r] * 16 + c] +=
				(uint32_t)(g.v[r] * fc2.out.v[r * 16 + c]);
	npy_free(&tok), npy_free(&g), npy_free(&gi), npy_free(&go);
	gemm_free(&fc1);
	gemm_free(&fc2);
}

static void test_dump_gate_moe(void **state)
{
	static const char trace[] =
		"stasim-trace 1\n"
		"gate name=gt m=9 k=24 n=6 topk=2 tasks=2 task=1\n"
		"moe name=mx m=9 k=16 n=24 experts=4 topk=2 nm=2:4\n";
	static char names[NAMES_MAX][256], want[NAMES_MAX][256];
	static const char *const part_files[] = {
		"fc1.a", "fc1.acc", "fc1.out", "fc1.w", "fc1.widx", "fc1.wval",
		"fc2.a", "fc2.acc", "fc2.out", "fc2.w", "fc2.widx", "fc2.wval",
		"gelu.in", "gelu.out", "score", "tok" };
	static const char *const fixed[] = {
		"gt.in.npy", "gt.json", "gt.logits.npy", "gt.score.npy",
		"gt.topk.npy", "gt.wgate.npy", "mx.acc.npy", "mx.in.npy",
		"mx.json", "mx.score.npy", "mx.topk.npy" };
	struct fix *f = *state;
	char dump[3 * PATH_MAX_];
	struct npy x, tk, sc, acc;
	uint32_t ref[9 * 16] = { 0 };
	uint64_t e, t, i;
	int n, nw = 0, active[4] = { 0 };
	char *js;

	run_dump(f, trace, 3, dump, sizeof dump);
	check_gate_dump(dump);

	npy_expect(dump, "mx", "in", &x, NPY_I8, 2, 9, 16, 0);
	npy_expect(dump, "mx", "topk", &tk, NPY_I16, 2, 9, 2, 0);
	npy_expect(dump, "mx", "score", &sc, NPY_U8, 2, 9, 4, 0);
	npy_expect(dump, "mx", "acc", &acc, NPY_I32, 2, 9, 16, 0);
	for (i = 0; i < 9 * 2; i++) {
		assert_true(tk.v[i] >= 0 && tk.v[i] < 4);
		active[tk.v[i]] = 1;
	}
	for (t = 0; t < 9; t++)	/* a score only where the token was routed */
		for (e = 0; e < 4; e++)
			assert_true(!sc.v[t * 4 + e] || tk.v[t * 2] == (int64_t)e ||
				    tk.v[t * 2 + 1] == (int64_t)e);
	js = json_load(dump, "mx");
	for (e = 0; e < 4; e++)
		if (active[e])
			check_part(dump, e, &x, &tk, &sc, js, ref);
	for (i = 0; i < 9 * 16; i++)
		assert_int_equal(acc.v[i], (int32_t)ref[i]);
	free(js);

	for (i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		strf(want[nw++], 256, "%s", fixed[i]);
	for (e = 0; e < 4; e++)
		for (i = 0; active[e] && i < sizeof part_files / sizeof part_files[0]; i++)
			strf(want[nw++], 256, "mx.e%llu.%s.npy",
			     (unsigned long long)e, part_files[i]);
	for (e = 0; e < 4; e++)
		if (active[e])
			strf(want[nw++], 256, "mx.e%llu.gelu.json",
			     (unsigned long long)e);
	qsort(want, (size_t)nw, sizeof want[0], cmp_name);
	n = list_dir(dump, names, NAMES_MAX);
	assert_int_equal(n, nw);
	for (i = 0; i < (uint64_t)nw; i++)
		assert_string_equal(names[i], want[i]);
	npy_free(&x);
	npy_free(&tk);
	npy_free(&sc);
	npy_free(&acc);
}

/* ------------------------------------------------------------------ */
/* stasim trace and stasim config */

static void test_zoo_matches_shipped_trace(void **state)
{
	static char names[NAMES_MAX][256];
	struct fix *f = *state;
	char path[3 * PATH_MAX_];

	assert_int_equal(stasim(f->cwd, "trace bert-base --seq 128 --nm 2:4 "
				"-o bert.trace.gz", "2>&1", f->out, OUT_MAX), 0);
	assert_string_equal(f->out, "");
	assert_int_equal(list_dir(f->cwd, names, NAMES_MAX), 1); /* no .tmp */
	strf(path, sizeof path, "%s/bert.trace.gz", f->cwd);
	assert_same_bytes(path, src("traces/bert-base-s128-2of4.trace.gz"));
}

/* The printed config reloads and prints the same; only the first comment
 * line differs, as it names the file that was read. */
static void test_config_print_roundtrip(void **state)
{
	struct fix *f = *state;
	char args[4 * PATH_MAX_], path[3 * PATH_MAX_];
	char *one = f->out, *two = f->out2, *body1, *body2;

	strf(args, sizeof args, "config -c '%s'", src(default_cfg));
	assert_int_equal(stasim(f->cwd, args, "2>&1", one, OUT_MAX), 0);
	strf(path, sizeof path, "%s/printed.ini", f->root);
	write_file(path, one);
	strf(args, sizeof args, "config -c '%s'", path);
	assert_int_equal(stasim(f->cwd, args, "2>&1", two, OUT_MAX), 0);

	assert_non_null(strstr(one, "\n[engine]\n"));
	assert_non_null(strstr(one, "\nrows = 32"));
	body1 = strchr(one, '\n');
	body2 = strchr(two, '\n');
	assert_non_null(body1);
	assert_non_null(body2);
	assert_true(starts_with(one, "; ") && starts_with(two, "; "));
	assert_non_null(strstr(one, src(default_cfg)));
	assert_true(strstr(one, src(default_cfg)) < body1);
	assert_non_null(strstr(two, path));
	assert_true(strstr(two, path) < body2);
	assert_string_equal(body1, body2);
	assert_dir_empty(f->cwd, "stasim config");
}

/* ------------------------------------------------------------------ */
/* The first hour: help, option forms, suggestions, early checks */

/*
 * The line of help text listing opt ("  -c CONFIG  ...", "      --seq L  ...",
 * "  -h, --help  ..."), or NULL.
 */
static const char *option_line(const char *text, const char *opt)
{
	size_t n = strlen(opt);
	const char *p = text, *q;

	while (p && *p) {
		for (q = p; *q == ' '; q++)
			;
		if (q > p && q[0] == '-' && q[1] != '-' && q[2] == ',' &&
		    strncmp(q, opt, n))
			q += 4;		/* "-h, " before "--help" */
		if (q > p && !strncmp(q, opt, n) &&
		    (q[n] == ' ' || q[n] == ',' || q[n] == '\n'))
			return p;
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	return NULL;
}

/* A meaning follows the option on its line: two spaces, then a word. */
static int has_meaning(const char *line)
{
	const char *end = strchr(line, '\n'), *gap;

	while (*line == ' ')
		line++;
	gap = strstr(line, "  ");
	return gap && (!end || gap < end) && gap[strspn(gap, " ")] != '\n';
}

/*
 * `stasim ARGS` prints help: exit 0, nothing on stderr, stdout starting
 * with usage and listing every option of opts (written out here, not read
 * from the program's table), each with a meaning on its line.
 */
static void check_help(struct fix *f, const char *args, const char *usage,
		       const char *const *opts)
{
	const char *line;
	size_t i;

	assert_int_equal(stasim(f->cwd, args, "2>&1 >/dev/null", f->out,
				OUT_MAX), 0);
	assert_string_equal(f->out, "");
	assert_int_equal(stasim(f->cwd, args, "2>/dev/null", f->out, OUT_MAX),
			 0);
	if (!starts_with(f->out, usage)) {
		print_error("'stasim %s' does not start with '%s':\n%s", args,
			    usage, f->out);
		fail();
	}
	for (i = 0; opts[i]; i++) {
		line = option_line(f->out, opts[i]);
		if (!line || !has_meaning(line)) {
			print_error("'stasim %s' does not list %s with a "
				    "meaning:\n%s", args, opts[i], f->out);
			fail();
		}
	}
	assert_dir_empty(f->cwd, args);
}

static void test_help(void **state)
{
	static const char *const run_opts[] = { "-c", "-t", "-o", "--format",
		"--mode", "--seed", "--dump", "--task", "--no-fast-forward",
		"--check", "-h", "--help", NULL };
	static const char *const config_opts[] = { "-c", "-h", "--help", NULL };
	static const char *const trace_opts[] = { "-o", "--seq", "--batch",
		"--nm", "--task", "--routing", "--list", "-h", "--help", NULL };
	struct fix *f = *state;

	check_help(f, "run --help", "usage: stasim run ", run_opts);
	check_help(f, "run -h", "usage: stasim run ", run_opts);
	check_help(f, "help run", "usage: stasim run ", run_opts);
	check_help(f, "config --help", "usage: stasim config ", config_opts);
	check_help(f, "config -h", "usage: stasim config ", config_opts);
	check_help(f, "trace --help", "usage: stasim trace ", trace_opts);
	check_help(f, "trace -h", "usage: stasim trace ", trace_opts);
	check_help(f, "help trace", "usage: stasim trace ", trace_opts);
	/* -h inside a cluster of short options, before -c's value */
	check_help(f, "run -hc x", "usage: stasim run ", run_opts);
	check_help(f, "trace -ho x", "usage: stasim trace ", trace_opts);
}

/* The command list: every command on a line of its own, with a synopsis. */
static void test_command_list(void **state)
{
	static const char *const cmds[] = { "run", "config", "trace",
		"import-scalesim", "sweep", "merge", "pareto", "table", "plot",
		"cosim", "help", "version", NULL };
	static const char *const forms[] = { "help", "--help", "-h", NULL };
	struct fix *f = *state;
	size_t i, j;

	for (j = 0; forms[j]; j++)
		check_help(f, forms[j], "usage: stasim COMMAND", cmds);
	/* no command at all: the same list, but as a usage error */
	assert_int_equal(stasim(f->cwd, "", "2>&1 >/dev/null", f->out,
				OUT_MAX), 2);
	for (i = 0; cmds[i]; i++)
		assert_non_null(option_line(f->out, cmds[i]));
	/* help CMD is CMD --help, byte for byte */
	assert_int_equal(stasim(f->cwd, "help config", "2>&1", f->out,
				OUT_MAX), 0);
	assert_int_equal(stasim(f->cwd, "config --help", "2>&1", f->out2,
				OUT_MAX), 0);
	assert_string_equal(f->out, f->out2);
}

/* args exits 2 with one line on stderr holding want, nothing on stdout. */
static void suggest_case(struct fix *f, const char *args, const char *want)
{
	assert_int_equal(stasim(f->cwd, args, "2>/dev/null", f->out, OUT_MAX),
			 2);
	assert_string_equal(f->out, "");
	usage_case(f->cwd, args, want, f->out);
}

static void test_suggestions(void **state)
{
	struct fix *f = *state;

	suggest_case(f, "rn", "unknown command 'rn'; did you mean 'run'?");
	suggest_case(f, "trcae --list", "did you mean 'trace'?");
	suggest_case(f, "help rn", "did you mean 'run'?");
	suggest_case(f, "run --config x -t y", "unknown option '--config'; "
		     "did you mean '-c CONFIG'?");
	suggest_case(f, "run -c x -t y --fromat json", "did you mean "
		     "'--format FMT'?");
	suggest_case(f, "trace bert-bse -o x", "unknown model 'bert-bse'; did "
		     "you mean 'bert-base'?");
	suggest_case(f, "trace bert-base --sq 64 -o x", "did you mean "
		     "'--seq L'?");
	/* nothing close: the models are named */
	suggest_case(f, "trace resnet50 -o x", "deit-tiny");
}

/* `stasim ARGS` exits 0 with what it prints on stdout in out. */
static void ok_run(struct fix *f, const char *args, char *out)
{
	int rc = stasim(f->cwd, args, "2>/dev/null", out, OUT_MAX);

	if (rc)
		print_error("'stasim %s': exit %d\n", args, rc);
	assert_int_equal(rc, 0);
}

/* Two files in cwd are byte for byte the same. */
static void assert_same_files(struct fix *f, const char *a, const char *b)
{
	char pa[3 * PATH_MAX_], pb[3 * PATH_MAX_];

	strf(pa, sizeof pa, "%s/%s", f->cwd, a);
	strf(pb, sizeof pb, "%s/%s", f->cwd, b);
	assert_same_bytes(pa, pb);
}

/* Every form getopt knows means the same: --opt=value, --opt value, -tX,
 * options before or after operands, and -- ending the options. */
static void test_option_forms(void **state)
{
	struct fix *f = *state;
	char args[4 * PATH_MAX_];
	const char *cfg = src(default_cfg);

	strf(args, sizeof args, "run -c '%s' -t '%s' --format json --mode "
	     "functional --seed 5 --task 1", cfg, f->trace);
	ok_run(f, args, f->out);
	strf(args, sizeof args, "run -c'%s' --format=json -t'%s' --mode="
	     "functional --seed=5 --task=1", cfg, f->trace);
	ok_run(f, args, f->out2);
	assert_true(strlen(f->out) > 100);
	assert_string_equal(f->out, f->out2);

	ok_run(f, "trace deit-tiny --seq 16 --nm 2:4 -o a.trace", f->out);
	ok_run(f, "trace --seq=16 --nm=2:4 -ob.trace deit-tiny", f->out);
	ok_run(f, "trace --seq 16 -o c.trace --nm 2:4 -- deit-tiny", f->out);
	assert_same_files(f, "a.trace", "b.trace");
	assert_same_files(f, "a.trace", "c.trace");
	rm_tree(f->cwd);
	assert_int_equal(mkdir(f->cwd, 0777), 0);
	/* after --, an option is an operand */
	strf(args, sizeof args, "run -c '%s' -t '%s' -- --format json", cfg,
	     f->trace);
	usage_case(f->cwd, args, "unexpected operand '--format'", f->out);
	/* a flag given a value, a value missing */
	strf(args, sizeof args, "run -c '%s' -t '%s' --check=1", cfg, f->trace);
	usage_case(f->cwd, args, "'--check' takes no value", f->out);
	usage_case(f->cwd, "trace deit-tiny -o", "needs a value", f->out);
}

static void test_nm_dense(void **state)
{
	struct fix *f = *state;
	char args[4 * PATH_MAX_];

	usage_case(f->cwd, "trace deit-tiny --nm sparse -o x", "dense", f->out);
	ok_run(f, "trace deit-tiny --seq 16 --nm dense -o dense.trace", f->out);
	ok_run(f, "trace deit-tiny --seq 16 --nm 1:1 -o one.trace", f->out);
	ok_run(f, "trace deit-tiny --seq 16 -o default.trace", f->out);
	assert_same_files(f, "dense.trace", "one.trace");
	assert_same_files(f, "dense.trace", "default.trace");
	ok_run(f, "trace deit-tiny --seq 16 --nm ffn=dense,attn=2:4 -o l1.trace",
	       f->out);
	ok_run(f, "trace deit-tiny --seq 16 --nm attn=2:4 -o l2.trace", f->out);
	assert_same_files(f, "l1.trace", "l2.trace");

	/* the report calls a matrix op of a --nm dense trace dense */
	strf(args, sizeof args, "run -c '%s' -t dense.trace --format csv",
	     src(default_cfg));
	ok_run(f, args, f->out);
	/* name,kind,m,k,n,heads,nm */
	assert_non_null(strstr(f->out, "\nl0.qkv,gemm,16,192,576,1,dense,"));
	assert_non_null(strstr(f->out, "\nl0.ffn1,gemm,16,192,768,1,dense,"));
	assert_null(strstr(f->out, "1:1"));
	strf(args, sizeof args, "run -c '%s' -t dense.trace", src(default_cfg));
	ok_run(f, args, f->out);
	assert_non_null(strstr(f->out, " dense "));
	assert_null(strstr(f->out, "1:1"));
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * A bad output directory is one line (exit 2) naming the path and the
 * option, and comes at once: the run asked for takes over ten seconds
 * (BERT-base, functional), the error must come in under five.
 */
static void fails_fast(struct fix *f, const char *opts, const char *want)
{
	char args[4 * PATH_MAX_];
	double t0 = now_s();

	strf(args, sizeof args, "run -c '%s' -t '%s' --mode functional %s",
	     src(default_cfg), src("traces/bert-base-s128-2of4.trace.gz"),
	     opts);
	suggest_case(f, args, want);
	if (now_s() - t0 > 5.0) {
		print_error("'stasim %s' took %.1f s: checked after the "
			    "simulation?\n", args, now_s() - t0);
		fail();
	}
}

static void test_early_dirs(void **state)
{
	struct fix *f = *state;
	char opts[4 * PATH_MAX_], want[4 * PATH_MAX_];

	/* f->trace is a regular file */
	strf(opts, sizeof opts, "-o '%s/sub'", f->trace);
	strf(want, sizeof want, "stasim: %s/sub: -o: cannot create", f->trace);
	fails_fast(f, opts, want);
	strf(opts, sizeof opts, "-o '%s'", f->trace);
	strf(want, sizeof want, "stasim: %s: -o: exists and is not a "
	     "directory", f->trace);
	fails_fast(f, opts, want);
	strf(opts, sizeof opts, "--dump '%s'", f->trace);
	strf(want, sizeof want, "stasim: %s: --dump: exists and is not a "
	     "directory", f->trace);
	fails_fast(f, opts, want);
	/* a directory made for a run that then fails is removed again */
	strf(opts, sizeof opts, "run -c '%s' -t none.trace -o made --mode "
	     "functional --dump made2", src(default_cfg));
	usage_case(f->cwd, opts, "none.trace", f->out);
}

/*
 * stdout that cannot be written (a full disk) is a failure, said in one
 * line with the reason: exit 1, for the report (written at the end, or
 * while writing when it is large) and for every other command's output.
 */
static void full_case(struct fix *f, const char *args, const char *want)
{
	char reason[128];
	int rc = stasim(f->cwd, args, "2>&1 >/dev/full", f->out, OUT_MAX);

	strf(reason, sizeof reason, ": %s\n", strerror(ENOSPC));
	if (rc != 1 || count_lines(f->out) != 1 || !strstr(f->out, want) ||
	    !strstr(f->out, reason))
		print_error("'stasim %s > /dev/full': exit %d, stderr:\n%s",
			    args, rc, f->out);
	assert_int_equal(rc, 1);
	assert_int_equal(count_lines(f->out), 1);
	assert_non_null(strstr(f->out, want));
	assert_non_null(strstr(f->out, reason));
}

/*
 * Endless inputs: a device given to any reader (config, energy table via a
 * config, trace, SCALE-Sim topology, sweep spec, sweep results, merge) is
 * refused at once, exit 2, one line naming it. Each command runs under
 * timeout(1): a reader that spins or grows is killed and fails here.
 */
static void test_endless_inputs(void **state)
{
	struct fix *f = *state;
	static const char *const dev[] = { "/dev/zero", "/dev/urandom" };
	static const char *const form[] = {
		"config -c %s", "run -c '%s' -t %s", "run -c %s -t '%s'",
		"import-scalesim %s -o t.trace", "sweep %s",
		"table %s --rows trace --cols engine.rows", "pareto %s",
		"merge %s -o m.csv" };
	char args[4 * PATH_MAX_], cmd[6 * PATH_MAX_], out[OUT_MAX], want[96];
	unsigned d, i;
	int rc;

	if (access("/dev/zero", R_OK) || access("/dev/urandom", R_OK))
		skip();
	for (d = 0; d < 2; d++)
		for (i = 0; i < sizeof form / sizeof form[0]; i++) {
			if (i == 1)
				strf(args, sizeof args, form[i],
				     src(default_cfg), dev[d]);
			else if (i == 2)
				strf(args, sizeof args, form[i], dev[d],
				     f->trace);
			else
				strf(args, sizeof args, form[i], dev[d]);
			strf(cmd, sizeof cmd, "cd '%s' && timeout 20 '%s' %s 2>&1",
			     f->cwd, stasim_bin(), args);
			rc = run_cmd(cmd, out, sizeof out);
			strf(want, sizeof want, "stasim: %s: is a device, not "
			     "a file", dev[d]);
			if (rc != 2 || count_lines(out) != 1 ||
			    !starts_with(out, want))
				print_error("%s: exit %d, output:\n%s\n", args,
					    rc, out);
			assert_int_equal(rc, 2);
			assert_int_equal(count_lines(out), 1);
			assert_true(starts_with(out, want));
		}
	assert_dir_empty(f->cwd, "a device as input");
	/* an endless pipe is a file too: the topology reader stops at its caps */
	for (d = 0; d < 2; d++) {
		static const char *const pipe[] = { "yes ''", "yes | tr -d '\\n'" };
		static const char *const msg[] = {
			"larger than 1 MiB: not a SCALE-Sim topology",
			"/dev/stdin:1: line longer than 4096 bytes" };

		strf(cmd, sizeof cmd, "cd '%s' && %s | timeout 20 '%s' "
		     "import-scalesim /dev/stdin -o t.trace 2>&1", f->cwd,
		     pipe[d], stasim_bin());
		rc = run_cmd(cmd, out, sizeof out);
		assert_int_equal(rc, 2);
		assert_non_null(strstr(out, msg[d]));
	}
	assert_dir_empty(f->cwd, "an endless pipe as input");
}

static void test_stdout_full(void **state)
{
	struct fix *f = *state;
	char args[4 * PATH_MAX_];
	const char *report = "stasim: cannot write the report to standard "
			     "output";

	if (access("/dev/full", W_OK) != 0)
		skip();
	strf(args, sizeof args, "run -c '%s' -t '%s'", src(default_cfg),
	     f->trace);
	full_case(f, args, report);
	strf(args, sizeof args, "run -c '%s' -t '%s' --format json",
	     src(default_cfg), src("traces/bert-base-s128-2of4.trace.gz"));
	full_case(f, args, report);
	strf(args, sizeof args, "config -c '%s'", src(default_cfg));
	full_case(f, args, "stasim: cannot write to standard output");
	full_case(f, "run --help", "stasim: cannot write to standard output");
	full_case(f, "trace --list", "stasim: cannot write to standard output");
	full_case(f, "help", "stasim: cannot write to standard output");
	assert_dir_empty(f->cwd, "> /dev/full");
}

/*
 * One command on an endless pipe (feed | stasim ARGS, the pipe as
 * /dev/stdin), under timeout(1) and, but in the sanitized build (whose
 * shadow memory needs more), ulimit -v 2000000: exit 2 and one line,
 * want in it. Returns nothing; fails the test otherwise.
 */
static void pipe_case(struct fix *f, const char *feed, const char *args,
		      const char *want)
{
	char cmd[CMD_MAX];
	int rc;

	strf(cmd, sizeof cmd, "cd '%s' && %s | (%s timeout 20 '%s' %s) 2>&1",
	     f->cwd, feed, slow_build() ? "" : "ulimit -v 2000000;",
	     stasim_bin(), args);
	rc = run_cmd(cmd, f->out, OUT_MAX);
	if (rc != 2 || count_lines(f->out) != 1 || !strstr(f->out, want))
		print_error("%s | stasim %s: exit %d, output:\n%s(expected exit "
			    "2 and one line with '%s')\n", feed, args, rc,
			    f->out, want);
	assert_int_equal(rc, 2);
	assert_int_equal(count_lines(f->out), 1);
	assert_non_null(strstr(f->out, want));
}

/*
 * Endless pipes on every reader: each stops at its cap while reading
 * (docs/trace-format.md, config.md, sweeps.md, analysis.md give them), so
 * no reader spins or grows: a file cap for short lines, a line cap for one
 * endless line, a NUL for zeros. A results file must be a regular file.
 */
static void test_endless_pipes(void **state)
{
	static const char *const line = "yes | tr -d '\\n'";
	static const struct {
		const char *feed;	/* shell words writing the pipe */
		const char *args;	/* CFG, TRACE, E, SPEC: files of the fix */
		const char *want;	/* in the one line */
	} cases[] = {
		{ "yes", "config -c /dev/stdin", "/dev/stdin: larger than 1 MiB" },
		{ NULL, "config -c /dev/stdin",
		  "/dev/stdin:1: line longer than 197 characters" },
		{ "yes", "run -c E -t TRACE", "/dev/stdin: larger than 1 MiB" },
		{ "yes", "sweep /dev/stdin", "/dev/stdin: larger than 1 MiB" },
		{ "yes", "sweep SPEC -o /dev/stdin",
		  "/dev/stdin: -o: is not a regular file" },
		{ "LONG", "run -c CFG -t /dev/stdin",
		  "/dev/stdin: larger than 16 MiB" },
		{ NULL, "run -c CFG -t /dev/stdin",
		  "/dev/stdin:1: line longer than 4096 bytes" },
		{ "yes", "merge /dev/stdin -o m.csv",
		  "/dev/stdin: larger than 256 MiB" },
		{ NULL, "merge /dev/stdin -o m.csv",
		  "/dev/stdin:1: line longer than 65536 bytes" },
		{ "cat /dev/zero", "merge /dev/stdin -o m.csv",
		  "/dev/stdin:1: NUL byte in line" },
		{ "yes", "pareto /dev/stdin", "/dev/stdin: larger than 256 MiB" },
		{ NULL, "pareto /dev/stdin",
		  "/dev/stdin:1: line longer than 65536 bytes" },
		{ NULL, "table /dev/stdin --rows a --cols b",
		  "/dev/stdin:1: line longer than 65536 bytes" },
		{ NULL, "plot /dev/stdin -o pd",
		  "/dev/stdin:1: line longer than 65536 bytes" },
		{ "yes", "plot --report /dev/stdin -o pd",
		  "/dev/stdin: larger than 16 MiB" },
		/* valid rows, within the file cap: the row and field caps
		 * bound the table in memory (2^22 rows; 2^25 fields, 64 a
		 * row here) */
		{ "(echo status; yes ok | head -n 4200000)", "pareto /dev/stdin",
		  "/dev/stdin:4194306: more than 4194304 rows" },
		{ "WIDE", "pareto /dev/stdin",
		  "/dev/stdin:524290: more than 33554432 fields" },
	};
	struct fix *f = *state;
	char e[3 * PATH_MAX_], spec[3 * PATH_MAX_], args[8 * PATH_MAX_];
	char long_feed[2100], wide_feed[600], text[4 * PATH_MAX_];
	const char *words[4][2];
	size_t i, n, k;

	strf(e, sizeof e, "%s/e.ini", f->root);
	strf(text, sizeof text, "[engine]\nrows = 8\n[energy]\ntable = "
	     "/dev/stdin\n");
	write_file(e, text);
	strf(spec, sizeof spec, "%s/spec.ini", f->root);
	strf(text, sizeof text, "[sweep]\nbase = %s\ntraces = %s\n[keys]\n"
	     "engine.rows = 8, 16\n", src(default_cfg), f->trace);
	write_file(spec, text);
	/* 2,000-byte comment lines: 16 MiB in 8,400 lines, not 16 million */
	strf(long_feed, sizeof long_feed, "yes '# %01998d'", 0);
	/* a header of 64 columns, then rows of 64 fields */
	n = (size_t)snprintf(wide_feed, sizeof wide_feed, "(echo status");
	for (i = 1; i < 64; i++)
		n += (size_t)snprintf(wide_feed + n, sizeof wide_feed - n,
				      ",c%zu", i);
	n += (size_t)snprintf(wide_feed + n, sizeof wide_feed - n, "; yes 'ok");
	for (i = 1; i < 64; i++)
		wide_feed[n++] = ',';
	strf(wide_feed + n, sizeof wide_feed - n, "' | head -n 530000)");
	words[0][0] = "CFG", words[0][1] = src(default_cfg);
	words[1][0] = "TRACE", words[1][1] = f->trace;
	words[2][0] = "E", words[2][1] = e;
	words[3][0] = "SPEC", words[3][1] = spec;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *w = cases[i].args, *feed = cases[i].feed;

		n = 0;
		while (*w) {	/* the placeholder words, replaced */
			for (k = 0; k < 4; k++)
				if (!strncmp(w, words[k][0], strlen(words[k][0])) &&
				    (w[strlen(words[k][0])] == ' ' ||
				     !w[strlen(words[k][0])]))
					break;
			if (k < 4) {
				strf(args + n, sizeof args - n, "'%s'",
				     words[k][1]);
				w += strlen(words[k][0]);
			} else {
				strf(args + n, sizeof args - n, "%c", *w++);
			}
			n += strlen(args + n);
		}
		if (!feed)
			feed = line;
		else if (!strcmp(feed, "LONG"))
			feed = long_feed;
		else if (!strcmp(feed, "WIDE"))
			feed = wide_feed;
		pipe_case(f, feed, args, cases[i].want);
	}
	/* the line cap's edge: a row of 65,536 bytes passes, 65,537 do not */
	for (k = 0; k < 2; k++) {
		char *row = malloc(70000);

		assert_non_null(row);
		n = (size_t)sprintf(row, "status,x\nok,");
		memset(row + n, '1', 65533 + k);
		strcpy(row + n + 65533 + k, "\n");
		strf(text, sizeof text, "%s/edge.csv", f->root);
		write_file(text, row);
		free(row);
		strf(args, sizeof args, "pareto '%s'", text);
		assert_int_equal(stasim(f->cwd, args, "2>&1", f->out, OUT_MAX), 2);
		if (k == 0)
			assert_null(strstr(f->out, "line longer"));
		else
			assert_non_null(strstr(f->out, "edge.csv:2: line longer "
					       "than 65536 bytes"));
	}
	assert_dir_empty(f->cwd, "an endless pipe as input");
}

/*
 * 1 when s holds only newlines, printable ASCII and UTF-8 characters that
 * are not controls: each sequence decoded, its code point checked (no C1
 * control, overlong form, surrogate, or value past U+10FFFF).
 */
static int printable(const char *text)
{
	const unsigned char *s = (const unsigned char *)text;
	unsigned long cp, min;
	int n, i;

	for (; *s; s += n) {
		n = 1;
		if (*s < 0x80) {
			if (*s != '\n' && (*s < 0x20 || *s == 0x7f))
				return 0;
			continue;
		}
		if ((*s & 0xe0) == 0xc0)
			n = 2, cp = *s & 0x1fu, min = 0x80;
		else if ((*s & 0xf0) == 0xe0)
			n = 3, cp = *s & 0x0fu, min = 0x800;
		else if ((*s & 0xf8) == 0xf0)
			n = 4, cp = *s & 0x07u, min = 0x10000;
		else
			return 0;
		for (i = 1; i < n; i++) {
			if ((s[i] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i] & 0x3fu);
		}
		if (cp < min || cp < 0xa0 || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
	}
	return 1;
}

/*
 * Binary input (bytes of a fixed generator, and of /dev/urandom) as a
 * config, a trace, a sweep spec and a topology: exit 2, one line of
 * printable text (any other byte quoted escaped, as \xNN) and short: it
 * quotes only an excerpt.
 */
static void test_binary_inputs(void **state)
{
	static const char *const form[] = { "config -c %s",
		"run -c CFG -t %s", "sweep %s", "import-scalesim %s -o t.trace" };
	struct fix *f = *state;
	char path[3 * PATH_MAX_], args[8 * PATH_MAX_], bytes[300];
	uint64_t x = 88172645463325252ull;
	size_t i, j, k;
	int rc;

	strf(path, sizeof path, "%s/junk.bin", f->root);
	for (k = 0; k < 24; k++) {
		if (k < 8) {	/* xorshift: no NUL, every other byte */
			for (j = 0; j < sizeof bytes; j++) {
				x ^= x << 13, x ^= x >> 7, x ^= x << 17;
				bytes[j] = (char)(x % 255 + 1);
			}
			put_bytes(path, bytes, sizeof bytes);
		} else {
			strf(args, sizeof args, "head -c 300 /dev/urandom > '%s'",
			     path);
			assert_int_equal(run_cmd(args, NULL, 0), 0);
		}
		for (i = 0; i < sizeof form / sizeof form[0]; i++) {
			if (i == 1)
				strf(args, sizeof args, "run -c '%s' -t '%s'",
				     src(default_cfg), path);
			else
				strf(args, sizeof args, form[i], path);
			rc = stasim(f->cwd, args, "2>&1", f->out, OUT_MAX);
			if (rc != 2 || count_lines(f->out) != 1 ||
			    !printable(f->out) || strlen(f->out) > 600)
				print_error("stasim %s: exit %d, output:\n%s\n",
					    args, rc, f->out);
			assert_int_equal(rc, 2);
			assert_int_equal(count_lines(f->out), 1);
			assert_true(printable(f->out));
			assert_true(strlen(f->out) <= 600);
		}
	}
	/* a long value of control bytes: quoted as a short excerpt only */
	strf(bytes, sizeof bytes, "stasim-trace 1\ngemm name=g m=1 k=1 n=1 nm=");
	for (j = strlen(bytes), k = 0; k < 150; k++)
		bytes[j++] = (char)(1 + k % 8);
	bytes[j++] = '\n';
	put_bytes(path, bytes, j);
	strf(args, sizeof args, "run -c '%s' -t '%s'", src(default_cfg), path);
	rc = stasim(f->cwd, args, "2>&1", f->out, OUT_MAX);
	if (rc != 2 || !printable(f->out) || strlen(f->out) > strlen(path) + 150)
		print_error("stasim %s: exit %d, output:\n%s\n", args, rc, f->out);
	assert_int_equal(rc, 2);
	assert_true(printable(f->out));
	assert_non_null(strstr(f->out, ":2: gemm.nm: "));
	assert_true(strlen(f->out) <= strlen(path) + 150);
	assert_dir_empty(f->cwd, "binary input");
}

/*
 * Messages naming what is at fault: a directory as [energy] table names
 * the field; functional operands that do not fit in memory (ulimit -v) are
 * "out of memory" at the op's FILE:LINE, exit 1, not a failed check.
 */
static void test_fault_messages(void **state)
{
	struct fix *f = *state;
	char cfg[3 * PATH_MAX_], huge[3 * PATH_MAX_], args[8 * PATH_MAX_];
	char text[PATH_MAX_], want[4 * PATH_MAX_];
	int rc;

	strf(cfg, sizeof cfg, "%s/dir-table.ini", f->root);
	strf(text, sizeof text, "[engine]\nrows = 8\n[energy]\n"
	     "table = %s\n", f->root);
	write_file(cfg, text);
	strf(args, sizeof args, "run -c '%s' -t '%s'", cfg, f->trace);
	strf(want, sizeof want, "stasim: %s:4: energy.table: cannot open "
	     "energy table '%s': is a directory, not a file", cfg, f->root);
	usage_case(f->cwd, args, want, f->out);

	if (slow_build())	/* ulimit -v and the sanitizer's shadow */
		return;
	/* three 16384 x 16384 operands of bytes: 768 MiB, over the limit */
	strf(huge, sizeof huge, "%s/huge.trace", f->root);
	write_file(huge, "stasim-trace 1\n# operands larger than memory\n"
		   "gemm name=huge m=16384 k=16384 n=16384\n");
	strf(args, sizeof args, "cd '%s' && (ulimit -v 400000; '%s' run -c "
	     "'%s' -t '%s' --mode functional) 2>&1 >/dev/null", f->cwd,
	     stasim_bin(), src(default_cfg), huge);
	rc = run_cmd(args, f->out, OUT_MAX);
	strf(want, sizeof want, "stasim: %s:3: op 'huge': out of memory",
	     huge);
	if (rc != 1 || count_lines(f->out) != 1 || !starts_with(f->out, want))
		print_error("functional out of memory: exit %d, stderr:\n%s"
			    "(expected exit 1 and '%s...')\n", rc, f->out,
			    want);
	assert_int_equal(rc, 1);
	assert_int_equal(count_lines(f->out), 1);
	assert_true(starts_with(f->out, want));
	assert_dir_empty(f->cwd, "out of memory");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus_listed),
		cmocka_unit_test_setup_teardown(test_corpus_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_usage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_built, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outdir_reports, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_deterministic, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_dump_npy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dump_gate_moe, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_zoo_matches_shipped_trace,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_print_roundtrip,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_help, setup, teardown),
		cmocka_unit_test_setup_teardown(test_command_list, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_suggestions, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_option_forms, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_nm_dense, setup, teardown),
		cmocka_unit_test_setup_teardown(test_early_dirs, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_stdout_full, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_endless_inputs, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_endless_pipes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_binary_inputs, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_fault_messages, setup,
						teardown),
	};

	return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
