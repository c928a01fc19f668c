/*
 * test_sweep.c - design-space sweeps (sim/sweep.c, docs/sweeps.md) and the
 * config_set override they are built on.
 *
 * Most tests call sweep_cmd and merge_cmd in-process with a fake argv, their
 * stderr captured into a file; they fork real workers all the same. Every
 * value in a results row is checked against an independent direct run_sim
 * of that point, and every merge against the single-process run. The CLI
 * tests (stasim sweep, GNU parallel) skip cleanly while main.c does not
 * route `sweep` yet, and when `parallel` is not installed.
 *
 * Each test works in a fresh temporary directory holding a base config,
 * two tiny traces and the spec, and removes it afterwards.
 */
#include "testutil.h"

#include <fcntl.h>
#include <sys/file.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <time.h>

#include "config.h"
#include "run.h"
#include "sweep.h"
#include "trace.h"

#define PATH_MAX_ 1024		/* paths built by the tests */
#define CMD_MAX 8192		/* one command line */
#define ERR_MAX (64 * 1024)	/* captured stderr of one call */
#define ARGS_MAX 32		/* words of one in-process call */
#define ROWS_MAX 256		/* rows of one results file */
#define COLS_MAX 32		/* fields of one row */

/* t2's layernorm needs a 1024-byte tile: more than half of sram.act_kib = 1. */
static const char trace1[] =
	"stasim-trace 1\n"
	"gemm name=g0 m=16 k=64 n=32 nm=2:4\n"
	"gelu name=g1 m=16 n=32\n";
static const char trace2[] =
	"stasim-trace 1\n"
	"layernorm name=ln m=4 n=1024\n"
	"gemm name=g0 m=4 k=1024 n=16 nm=2:4\n";

/* 3 x 3 values x 2 traces = 18 points; the second key is a range, the
 * first goes on on an indented line. */
static const char spec_main[] =
	"# the test sweep\n"
	"[sweep]\n"
	"base = base.ini\n"
	"traces = t1.trace, t2.trace\n"
	"\n"
	"[keys]\n"
	"engine.rows = 4, 8,\n"
	"    16   ; continued\n"
	"dram.bandwidth_gbps = 4:12:4\n";

/* What the point runs, before its keys, for t1.trace on base.ini (no
 * arch.name: the default's; no meta line: the file's name, no seq). */
#define ROW0 "sta-default,t1.trace,t1,2:4,,timing,1,"

static const char header_main[] =
	"point,config,trace,model,nm,seq,mode,seed,engine.rows,"
	"dram.bandwidth_gbps,cycles,latency_us,energy_pj,edp_pj_us,macs,"
	"dense_macs,utilization_pct,dram_bytes,area_mm2,area_estimated,status,error,"
	"stasim_version";

/* ------------------------------------------------------------------ */
/* Fixture: a private directory with base.ini, t1.trace, t2.trace, spec.ini */

struct fix {
	char dir[PATH_MAX_];	/* the test's directory */
	char *err;		/* stderr of the last in-process call */
	char *out;		/* output of the last shell command */
};

static const char *at(const struct fix *f, const char *name)
{
	static char buf[8][PATH_MAX_];	/* a call takes up to 8 paths */
	static int turn;

	turn = (turn + 1) % 8;
	strf(buf[turn], sizeof buf[turn], "%s/%s", f->dir, name);
	return buf[turn];
}

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof *f);
	char base[PATH_MAX_ + 64], table[PATH_MAX_];

	assert_non_null(f);
	tmp_dir(f->dir, sizeof f->dir);
	f->err = calloc(1, ERR_MAX);
	f->out = calloc(1, ERR_MAX);
	assert_non_null(f->err);
	assert_non_null(f->out);
	src_path(table, sizeof table, "configs/energy/horowitz45-lpddr4.ini");
	strf(base, sizeof base, "[energy]\ntable = %s\n", table);
	write_file(at(f, "base.ini"), base);
	write_file(at(f, "t1.trace"), trace1);
	write_file(at(f, "t2.trace"), trace2);
	write_file(at(f, "spec.ini"), spec_main);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	rm_tree(f->dir);
	free(f->err);
	free(f->out);
	free(f);
	return 0;
}

/* Point fd (1 or 2) at a fresh file path; returns the saved original. */
static int redirect(int fd, const char *path)
{
	int saved = dup(fd), to = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(saved >= 0 && to >= 0);
	dup2(to, fd);
	close(to);
	return saved;
}

/* Put fd back, and what went to path into buf (ERR_MAX bytes). */
static void restore(int fd, int saved, const char *path, char *buf)
{
	char *text;

	dup2(saved, fd);
	close(saved);
	text = slurp_text(path, NULL);
	assert_non_null(text);
	strf(buf, ERR_MAX, "%s", text);
	free(text);
	unlink(path);
}

/*
 * Call fn (sweep_cmd or merge_cmd) with the words of the formatted command
 * (split at spaces; argv[0] is the command word), stderr captured into
 * f->err and stdout into f->out. Returns fn's exit status.
 */
static int call(struct fix *f, int (*fn)(int, char **), const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int call(struct fix *f, int (*fn)(int, char **), const char *fmt, ...)
{
	char line[CMD_MAX], *argv[ARGS_MAX + 1], *w;
	const char *errpath, *outpath;
	int argc = 0, saved[2], rc;
	va_list ap;

	va_start(ap, fmt);
	rc = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	assert_true(rc > 0 && (size_t)rc < sizeof line);
	/* after the words are copied: at() reuses the buffers they may be in */
	errpath = at(f, "stderr.txt");
	outpath = at(f, "stdout.txt");
	for (w = strtok(line, " "); w; w = strtok(NULL, " ")) {
		assert_true(argc < ARGS_MAX);
		argv[argc++] = w;
	}
	argv[argc] = NULL;
	fflush(stdout);
	fflush(stderr);
	saved[0] = redirect(1, outpath);
	saved[1] = redirect(2, errpath);
	rc = fn(argc, argv);
	fflush(stdout);
	fflush(stderr);
	restore(1, saved[0], outpath, f->out);
	restore(2, saved[1], errpath, f->err);
	return rc;
}

/* Run a shell command in f->dir; output (stdout, plus stderr if the
 * command says so) in f->out. */
static int shell(struct fix *f, const char *cmd)
{
	char line[CMD_MAX];

	strf(line, sizeof line, "cd '%s' && %s", f->dir, cmd);
	return run_cmd(line, f->out, ERR_MAX);
}

/* ------------------------------------------------------------------ */
/* Reading results: a CSV reader independent of sweep.c's */

struct csv {
	char *text;			/* the file, fields cut out in place */
	int n;				/* rows, header included */
	int cols[ROWS_MAX];		/* fields per row */
	char *f[ROWS_MAX][COLS_MAX];	/* fields, unquoted */
	int complete;			/* 1: the file ends with a newline */
};

/* Cut the line at *p into fields (RFC 4180 quoting); advances *p. */
static int csv_fields(char **p, char **f)
{
	char *r = *p, *w = *p, end;
	int n = 0;

	for (;;) {
		assert_true(n < COLS_MAX);
		f[n++] = w;
		if (*r == '"') {
			for (r++; !(*r == '"' && r[1] != '"'); r++) {
				assert_true(*r != '\0');
				if (*r == '"')
					r++;
				*w++ = *r;
			}
			r++;
		} else {
			while (*r && *r != ',' && *r != '\n')
				*w++ = *r++;
		}
		if (*r != ',')
			break;
		*w++ = '\0';
		w = ++r;
	}
	end = *r;
	assert_true(end == '\n' || end == '\0');
	*w = '\0';
	*p = end ? r + 1 : r;
	return n;
}

static void csv_read(const char *path, struct csv *c)
{
	char *p;

	memset(c, 0, sizeof *c);
	c->text = slurp_text(path, NULL);
	assert_non_null(c->text);
	c->complete = !*c->text || c->text[strlen(c->text) - 1] == '\n';
	for (p = c->text; *p;) {
		assert_true(c->n < ROWS_MAX);
		c->cols[c->n] = csv_fields(&p, c->f[c->n]);
		c->n++;
	}
}

/* Index of column name in the header; fails the test if absent. */
static int col(const struct csv *c, const char *name)
{
	int i;

	for (i = 0; i < c->cols[0]; i++)
		if (!strcmp(c->f[0][i], name))
			return i;
	fail_msg("no column %s", name);
	return -1;
}

/* Every row has the header's width; each point id appears at most once;
 * returns the number of rows, ids marked in seen[] (n_points entries). */
static int csv_check(const struct csv *c, int *seen, int n_points)
{
	int r, id;

	assert_true(c->complete);
	assert_true(c->n >= 1);
	memset(seen, 0, sizeof *seen * (size_t)n_points);
	for (r = 1; r < c->n; r++) {
		assert_int_equal(c->cols[r], c->cols[0]);
		id = atoi(c->f[r][0]);
		assert_true(id >= 0 && id < n_points);
		assert_int_equal(seen[id], 0);
		seen[id] = r;
	}
	return c->n - 1;
}

static int files_equal(const char *a, const char *b)
{
	char *x = slurp_text(a, NULL), *y = slurp_text(b, NULL);
	int eq = x && y && !strcmp(x, y);

	free(x);
	free(y);
	return eq;
}

/* ------------------------------------------------------------------ */
/* The direct reference: one point through config_load + config_set + run_sim */

static void direct_run_on(const struct fix *f, const char *base,
			  const char *trace, const char *const *keys,
			  const char *const *vals, int n, char *cycles,
			  char *energy, size_t len)
{
	static struct config cfg;
	struct run_opts o = { .seed = 1, .fast_forward = 1 };
	struct trace t = { 0 };
	struct run_result r;
	struct sim_err err;
	int i;

	assert_int_equal(config_load(at(f, base), &cfg, &err), 0);
	for (i = 0; i < n; i++)
		assert_int_equal(config_set(&cfg, keys[i], vals[i], &err), 0);
	assert_int_equal(trace_read(at(f, trace), &t, &err), 0);
	memset(&r, 0, sizeof r);
	assert_int_equal(run_sim(&cfg, &t, &o, &r, &err), 0);
	assert_false(r.failed);
	strf(cycles, len, "%llu", (unsigned long long)r.cycles);
	strf(energy, len, "%.3f", r.total_energy.total_pj);
	run_free(&r);
	trace_free(&t);
}

static void direct_run(const struct fix *f, const char *trace,
		       const char *const *keys, const char *const *vals, int n,
		       char *cycles, char *energy, size_t len)
{
	direct_run_on(f, "base.ini", trace, keys, vals, n, cycles, energy, len);
}

/* ------------------------------------------------------------------ */
/* config_set */

static void test_config_set(void **state)
{
	static struct config cfg, before;
	struct sim_err err;
	char path[PATH_MAX_];

	(void)state;
	assert_int_equal(config_load(src_path(path, sizeof path,
					      "configs/sta-default.ini"),
				     &cfg, &err), 0);
	assert_int_equal(config_set(&cfg, "engine.rows", "64", &err), 0);
	assert_int_equal(cfg.rows, 64);
	assert_int_equal(config_set(&cfg, "dram.bandwidth_gbps", "12.5", &err), 0);
	assert_true(cfg.dram_gbps == 12.5);
	assert_int_equal(config_set(&cfg, "engine.index_format", "bitmap", &err), 0);
	assert_int_equal(cfg.index_format, CFG_IDX_BITMAP);
	before = cfg;

	/* rejected values: -1, the field is the key, cfg untouched */
	assert_int_equal(config_set(&cfg, "engine.rows", "0", &err), -1);
	assert_string_equal(err.field, "engine.rows");
	assert_non_null(strstr(err.msg, "out of range 1..256"));
	assert_int_equal(config_set(&cfg, "engine.rows", "3x", &err), -1);
	assert_non_null(strstr(err.msg, "malformed unsigned integer"));
	assert_int_equal(config_set(&cfg, "engine.rows", "", &err), -1);
	assert_non_null(strstr(err.msg, "empty value"));
	assert_int_equal(config_set(&cfg, "dram.burst_bytes", "48", &err), -1);
	assert_non_null(strstr(err.msg, "power of two"));
	assert_int_equal(config_set(&cfg, "engine.m_max", "2", &err), -1);
	assert_string_equal(err.field, "engine.m_max");
	assert_non_null(strstr(err.msg, "n_max 4 exceeds m_max 2"));
	assert_memory_equal(&cfg, &before, sizeof cfg);

	/* keys that cannot be set: -2 */
	assert_int_equal(config_set(&cfg, "engine.colz", "4", &err), -2);
	assert_string_equal(err.field, "engine.colz");
	assert_non_null(strstr(err.msg, "unknown key 'colz'"));
	assert_int_equal(config_set(&cfg, "engin.rows", "4", &err), -2);
	assert_non_null(strstr(err.msg, "unknown section [engin]"));
	assert_int_equal(config_set(&cfg, "energy.table", "x.ini", &err), -2);
	assert_int_equal(config_set(&cfg, "rows", "4", &err), -2);
	assert_memory_equal(&cfg, &before, sizeof cfg);
}

/* ------------------------------------------------------------------ */
/* Sweeps */

static const char *const main_keys[] = { "engine.rows", "dram.bandwidth_gbps" };
static const char *const main_rows[] = { "4", "8", "16" };
static const char *const main_bw[] = { "4", "8", "12" };
static const char *const main_traces[] = { "t1.trace", "t2.trace" };

/* Run the main spec once, -j 2, and sort it into single-sorted.csv. */
static void single_run(struct fix *f)
{
	assert_int_equal(call(f, sweep_cmd, "sweep %s -j 2 -o %s",
			      at(f, "spec.ini"), at(f, "single.csv")), 0);
	assert_int_equal(call(f, merge_cmd, "merge %s -o %s",
			      at(f, "single.csv"), at(f, "single-sorted.csv")), 0);
}

static void test_rows_match_run_sim(void **state)
{
	struct fix *f = *state;
	static struct csv c;
	char cycles[64], energy[64], *raw;
	const char *vals[2];
	int seen[18], r, id;

	assert_int_equal(call(f, sweep_cmd, "sweep %s -j 2 -o %s",
			      at(f, "spec.ini"), at(f, "out.csv")), 0);
	assert_non_null(strstr(f->err, ": 18 points in"));
	raw = slurp_text(at(f, "out.csv"), NULL);
	assert_non_null(raw);
	assert_memory_equal(raw, header_main, sizeof header_main - 1);
	assert_int_equal(raw[sizeof header_main - 1], '\n');
	free(raw);
	csv_read(at(f, "out.csv"), &c);
	assert_int_equal(csv_check(&c, seen, 18), 18);
	for (id = 0; id < 18; id++) {
		r = seen[id];
		assert_true(r > 0);
		/* keys in spec order, the last fastest, traces faster still */
		vals[0] = main_rows[id / 2 / 3];
		vals[1] = main_bw[id / 2 % 3];
		assert_string_equal(c.f[r][col(&c, "trace")], main_traces[id % 2]);
		assert_string_equal(c.f[r][col(&c, "engine.rows")], vals[0]);
		assert_string_equal(c.f[r][col(&c, "dram.bandwidth_gbps")], vals[1]);
		assert_string_equal(c.f[r][col(&c, "status")], "ok");
		assert_string_equal(c.f[r][col(&c, "error")], "");
		direct_run(f, main_traces[id % 2], main_keys, vals, 2, cycles,
			   energy, sizeof cycles);
		assert_string_equal(c.f[r][col(&c, "cycles")], cycles);
		assert_string_equal(c.f[r][col(&c, "energy_pj")], energy);
	}
	free(c.text);
}

/*
 * Two base configs: every point runs on each (ids: keys, then bases, then
 * traces fastest), the config column names each by its arch.name, and
 * every row equals a direct run of that base with that key value. Two
 * bases of one name are refused.
 */
static void test_two_bases(void **state)
{
	struct fix *f = *state;
	static struct csv c;
	static const char *const bases[] = { "sta-default", "small" };
	static const char *const bw[] = { "4", "8" };
	char cycles[64], energy[64], extra[PATH_MAX_ + 128], table[PATH_MAX_];
	const char *key = "dram.bandwidth_gbps";
	int seen[8], id, r;

	src_path(table, sizeof table, "configs/energy/horowitz45-lpddr4.ini");
	strf(extra, sizeof extra, "[arch]\nname = small\n[engine]\nrows = 8\n"
	     "[energy]\ntable = %s\n", table);
	write_file(at(f, "small.ini"), extra);
	write_file(at(f, "two.ini"), "[sweep]\nbase = base.ini small.ini\n"
		   "traces = t1.trace, t2.trace\n[keys]\n"
		   "dram.bandwidth_gbps = 4, 8\n");
	assert_int_equal(call(f, sweep_cmd, "sweep %s -o %s", at(f, "two.ini"),
			      at(f, "two.csv")), 0);
	csv_read(at(f, "two.csv"), &c);
	assert_int_equal(csv_check(&c, seen, 8), 8);
	for (id = 0; id < 8; id++) {
		const char *val = bw[id / 4];
		const char *base = id / 2 % 2 ? "small.ini" : "base.ini";

		r = seen[id];
		assert_string_equal(c.f[r][col(&c, "config")], bases[id / 2 % 2]);
		assert_string_equal(c.f[r][col(&c, "trace")], main_traces[id % 2]);
		assert_string_equal(c.f[r][col(&c, "model")], id % 2 ? "t2" : "t1");
		assert_string_equal(c.f[r][col(&c, "nm")], "2:4");
		assert_string_equal(c.f[r][col(&c, "mode")], "timing");
		assert_string_equal(c.f[r][col(&c, key)], val);
		direct_run_on(f, base, main_traces[id % 2], &key, &val, 1,
			      cycles, energy, sizeof cycles);
		assert_string_equal(c.f[r][col(&c, "cycles")], cycles);
		assert_string_equal(c.f[r][col(&c, "energy_pj")], energy);
	}
	free(c.text);
	/* resumed: every point is there already */
	assert_int_equal(call(f, sweep_cmd, "sweep %s -o %s", at(f, "two.ini"),
			      at(f, "two.csv")), 0);
	assert_non_null(strstr(f->err, "8 already in"));
	write_file(at(f, "same.ini"), "[sweep]\nbase = base.ini, small.ini "
		   "small2.ini\ntraces = t1.trace\n");
	write_file(at(f, "small2.ini"), extra);
	assert_int_equal(call(f, sweep_cmd, "sweep %s -o %s", at(f, "same.ini"),
			      at(f, "same.csv")), 2);
	assert_non_null(strstr(f->err, "same.ini:2: sweep.base: 'small.ini' and "
			       "'small2.ini' both name their design 'small'"));
}

static void test_constraints_skip(void **state)
{
	struct fix *f = *state;
	static struct csv c;
	char spec[2048];
	int seen[18], id, want = 0, rows, bw;

	strf(spec, sizeof spec, "%s[constraints]\n"
	     "c1 = engine.rows <= dram.bandwidth_gbps\n"
	     "c2 = dram.bandwidth_gbps<12\n", spec_main);
	write_file(at(f, "spec.ini"), spec);
	assert_int_equal(call(f, sweep_cmd, "sweep %s -o %s", at(f, "spec.ini"),
			      at(f, "out.csv")), 0);
	csv_read(at(f, "out.csv"), &c);
	csv_check(&c, seen, 18);
	for (id = 0; id < 18; id++) {
		rows = atoi(main_rows[id / 2 / 3]);
		bw = atoi(main_bw[id / 2 % 3]);
		if (rows <= bw && bw < 12) {
			want++;
			assert_true(seen[id] > 0);
		} else {
			assert_int_equal(seen[id], 0);
		}
	}
	assert_int_equal(want, 6);
	assert_int_equal(c.n - 1, want);
	assert_non_null(strstr(f->err, "12 skipped by constraints"));
	free(c.text);
}

static void test_invalid_points_recorded(void **state)
{
	struct fix *f = *state;
	static struct csv c;
	int seen[8], id, r, act1, rows300;
	const char *st, *msg;

	write_file(at(f, "spec.ini"),
		   "[sweep]\nbase = base.ini\ntraces = t1.trace, t2.trace\n"
		   "[keys]\nsram.act_kib = 1, 64\nengine.rows = 4, 300\n");
	assert_int_equal(call(f, sweep_cmd, "sweep %s -j 2 -o %s",
			      at(f, "spec.ini"), at(f, "out.csv")), 0);
	csv_read(at(f, "out.csv"), &c);
	assert_int_equal(csv_check(&c, seen, 8), 8);
	for (id = 0; id < 8; id++) {
		r = seen[id];
		act1 = id / 4 == 0;
		rows300 = id / 2 % 2 == 1;
		st = c.f[r][col(&c, "status")];
		msg = c.f[r][col(&c, "error")];
		if (rows300) {
			assert_string_equal(st, "invalid");
			assert_non_null(strstr(msg, "engine.rows: value 300 out of range"));
			assert_string_equal(c.f[r][col(&c, "cycles")], "");
		} else if (act1 && id % 2 == 1) {
			/* t2's layernorm tile does not fit half a 1 KiB buffer */
			assert_string_equal(st, "invalid");
			assert_non_null(strstr(msg, "sram.act_kib: too small for op 'ln'"));
			assert_non_null(strstr(msg, "t2.trace line 2"));
		} else {
			assert_string_equal(st, "ok");
			assert_true(atoll(c.f[r][col(&c, "cycles")]) > 0);
		}
	}
	assert_non_null(strstr(f->err, "3 ok, 5 invalid, 0 failed"));
	free(c.text);
}

static void test_resume(void **state)
{
	struct fix *f = *state;
	static struct csv c;
	char *text, *cut;
	int seen[18], i;

	single_run(f);
	/* a partial file written by a shard, then the whole sweep on top */
	assert_int_equal(call(f, sweep_cmd, "sweep %s --shard 1/2 -o %s",
			      at(f, "spec.ini"), at(f, "res.csv")), 0);
	assert_int_equal(call(f, sweep_cmd, "sweep %s -j 2 -o %s",
			      at(f, "spec.ini"), at(f, "res.csv")), 0);
	assert_non_null(strstr(f->err, ": 9 points in"));
	assert_non_null(strstr(f->err, "9 already in"));
	csv_read(at(f, "res.csv"), &c);
	assert_int_equal(csv_check(&c, seen, 18), 18);
	free(c.text);
	assert_int_equal(call(f, merge_cmd, "merge %s -o %s", at(f, "res.csv"),
			      at(f, "res-sorted.csv")), 0);
	assert_true(files_equal(at(f, "res-sorted.csv"), at(f, "single-sorted.csv")));

	/* a file cut in the middle of a row, as by a crash */
	text = slurp_text(at(f, "single.csv"), NULL);
	assert_non_null(text);
	for (cut = text, i = 0; i < 5; i++)
		cut = strchr(cut, '\n') + 1;
	cut[12] = '\0';
	write_file(at(f, "cut.csv"), text);
	free(text);
	assert_int_equal(call(f, sweep_cmd, "sweep %s -o %s", at(f, "spec.ini"),
			      at(f, "cut.csv")), 0);
	/* five whole lines before the cut: the sixth is the cut one */
	assert_non_null(strstr(f->err, "cut.csv:6: dropped an incomplete last "
			       "line (it is cut"));
	assert_non_null(strstr(f->err, ": 14 points in"));
	assert_int_equal(call(f, merge_cmd, "merge %s -o %s", at(f, "cut.csv"),
			      at(f, "cut-sorted.csv")), 0);
	assert_true(files_equal(at(f, "cut-sorted.csv"), at(f, "single-sorted.csv")));

	/* nothing left to do: the file stays as it is */
	text = slurp_text(at(f, "cut.csv"), NULL);
	assert_int_equal(call(f, sweep_cmd, "sweep %s -o %s", at(f, "spec.ini"),
			      at(f, "cut.csv")), 0);
	assert_non_null(strstr(f->err, ": 0 points in"));
	cut = slurp_text(at(f, "cut.csv"), NULL);
	assert_string_equal(text, cut);
	free(text);
	free(cut);
}

static void test_header_mismatch(void **state)
{
	struct fix *f = *state;
	char *before, *after;

	assert_int_equal(call(f, sweep_cmd, "sweep %s -o %s", at(f, "spec.ini"),
			      at(f, "out.csv")), 0);
	before = slurp_text(at(f, "out.csv"), NULL);
	write_file(at(f, "other.ini"), "[sweep]\nbase = base.ini\n"
		   "traces = t1.trace, t2.trace\n[keys]\nengine.rows = 4, 8, 16\n");
	assert_int_equal(call(f, sweep_cmd, "sweep %s -o %s", at(f, "other.ini"),
			      at(f, "out.csv")), 2);
	assert_non_null(strstr(f->err, "out.csv:1: header: columns differ"));
	/* same keys, other values: point 0 is another point */
	write_file(at(f, "other.ini"), "[sweep]\nbase = base.ini\n"
		   "traces = t1.trace, t2.trace\n[keys]\nengine.rows = 32, 8, 16\n"
		   "dram.bandwidth_gbps = 4:12:4\n");
	assert_int_equal(call(f, sweep_cmd, "sweep %s -o %s", at(f, "other.ini"),
			      at(f, "out.csv")), 2);
	assert_non_null(strstr(f->err, "out.csv:2: point: point 0 has another"));
	after = slurp_text(at(f, "out.csv"), NULL);
	assert_string_equal(before, after);
	free(before);
	free(after);
}

static void test_shards_merge(void **state)
{
	struct fix *f = *state;
	static struct csv c;
	char name[32];
	int k, r, seen[18], total = 0;

	single_run(f);
	for (k = 1; k <= 3; k++) {
		strf(name, sizeof name, "part%d.csv", k);
		assert_int_equal(call(f, sweep_cmd, "sweep %s --shard %d/3 -o %s",
				      at(f, "spec.ini"), k, at(f, name)), 0);
		csv_read(at(f, name), &c);
		total += csv_check(&c, seen, 18);
		for (r = 1; r < c.n; r++)
			assert_int_equal(atoi(c.f[r][0]) % 3, k - 1);
		free(c.text);
	}
	assert_int_equal(total, 18);
	/* parts in any order, one of them twice: duplicates dropped */
	assert_int_equal(call(f, merge_cmd, "merge %s %s %s %s -o %s",
			      at(f, "part3.csv"), at(f, "part1.csv"),
			      at(f, "part2.csv"), at(f, "part1.csv"),
			      at(f, "merged.csv")), 0);
	assert_true(files_equal(at(f, "merged.csv"), at(f, "single-sorted.csv")));
}

/* Lines of the file at path (its newlines). */
static int newlines(const char *path)
{
	char *text = slurp_text(path, NULL), *p;
	int n = 0;

	assert_non_null(text);
	for (p = text; (p = strchr(p, '\n')); p++)
		n++;
	free(text);
	return n;
}

static void test_merge_errors(void **state)
{
	struct fix *f = *state;
	char *text, *p, want[PATH_MAX_];

	single_run(f);
	text = slurp_text(at(f, "single-sorted.csv"), NULL);
	assert_non_null(text);
	/* point 0's cycles changed: the same point with other results */
	p = strstr(text, "\n0," ROW0 "4,4,") + strlen("\n0," ROW0 "4,4,");
	*p = *p == '9' ? '1' : '9';
	write_file(at(f, "conflict.csv"), text);
	assert_int_equal(call(f, merge_cmd, "merge %s %s -o %s",
			      at(f, "single.csv"), at(f, "conflict.csv"),
			      at(f, "m.csv")), 1);
	assert_non_null(strstr(f->err, "conflicting results for point 0"));
	/* point 0 with another key value: another sweep with the same
	 * columns; joined, its one new point kept, every point renumbered */
	*p = *p == '9' ? '1' : '9';
	p = strstr(text, "\n0," ROW0 "4,4,") + strlen("\n0," ROW0);
	*p = '5';
	write_file(at(f, "other.csv"), text);
	assert_int_equal(call(f, merge_cmd, "merge %s %s -o %s",
			      at(f, "single.csv"), at(f, "other.csv"),
			      at(f, "m.csv")), 0);
	assert_non_null(strstr(f->err, "the inputs are different sweeps"));
	assert_int_equal(newlines(at(f, "m.csv")), 1 + 18 + 1);
	free(text);
	text = slurp_text(at(f, "m.csv"), NULL);
	assert_non_null(text);
	/* the two point 0s, first by input order, then 1 renumbered 2 */
	assert_non_null(strstr(text, "\n0," ROW0 "4,4,"));
	assert_non_null(strstr(text, "\n1," ROW0 "5,4,"));
	assert_non_null(strstr(text, "\n2,sta-default,t2.trace,"));
	assert_non_null(strstr(text, "\n18,"));
	free(text);
	/* a shard whose last row a crash cut short: dropped, as resume does,
	 * never merged with a cut number */
	text = slurp_text(at(f, "single-sorted.csv"), NULL);
	assert_non_null(text);
	text[strlen(text) - 5] = '\0';
	write_file(at(f, "cut.csv"), text);
	free(text);
	assert_int_equal(call(f, merge_cmd, "merge %s -o %s", at(f, "cut.csv"),
			      at(f, "mcut.csv")), 0);
	/* FILE:LINE of the cut line: one past the newlines before it */
	strf(want, sizeof want, "cut.csv:%d: dropped an incomplete last line "
	     "(it is cut: no newline at its end)", newlines(at(f, "cut.csv")) + 1);
	assert_non_null(strstr(f->err, want));
	/* one row fewer than the whole shard */
	assert_int_equal(newlines(at(f, "mcut.csv")) + 1,
			 newlines(at(f, "single-sorted.csv")));
	write_file(at(f, "hdr.csv"), "point,config,trace,model,nm,seq,mode,"
		   "seed,engine.rows,engine.cols,cycles,latency_us,energy_pj,"
		   "edp_pj_us,macs,dense_macs,utilization_pct,dram_bytes,area_mm2,"
		   "area_estimated,status,error,stasim_version\n");
	assert_int_equal(call(f, merge_cmd, "merge %s %s -o %s",
			      at(f, "single.csv"), at(f, "hdr.csv"),
			      at(f, "m.csv")), 2);
	assert_non_null(strstr(f->err, "hdr.csv:1: header: swept keys differ "
			       "from "));
	assert_non_null(strstr(f->err, "only there: dram.bandwidth_gbps; only "
			       "here: engine.cols"));
	/* a results file of an earlier stasim (no config, model ... columns) */
	write_file(at(f, "old.csv"), "point,trace,engine.rows,cycles,latency_us,"
		   "energy_pj,edp_pj_us,macs,dense_macs,utilization_pct,dram_bytes,"
		   "status,error\n");
	assert_int_equal(call(f, merge_cmd, "merge %s %s -o %s",
			      at(f, "single.csv"), at(f, "old.csv"),
			      at(f, "m.csv")), 2);
	assert_non_null(strstr(f->err, "old.csv:1: header: not a stasim sweep "
			       "results header"));
	unlink(at(f, "m.csv"));
	assert_int_equal(call(f, merge_cmd, "merge %s -o %s", at(f, "nope.csv"),
			      at(f, "m.csv")), 2);
	assert_int_equal(call(f, merge_cmd, "merge %s", at(f, "single.csv")), 2);
	assert_int_equal(access(at(f, "m.csv"), F_OK), -1);
}

/* Each malformed spec: exit 2, one line naming spec.ini:LINE: FIELD. */
static void test_bad_specs(void **state)
{
	static const struct {
		const char *text;	/* the spec */
		const char *where;	/* expected "spec.ini:LINE: FIELD: ..." */
	} cases[] = {
		{ "[sweep]\nbase = base.ini\ntraces = t1.trace\n[kyes]\n"
		  "engine.rows = 4\n", "spec.ini:4: kyes: unknown section [kyes]" },
		{ "[sweep]\nbase = base.ini\ntraces = t1.trace\n[keys]\n"
		  "engine.rows = 8:4:2\n", "spec.ini:5: engine.rows: bad range '8:4:2'" },
		{ "[sweep]\nbase = base.ini\ntraces = t1.trace\n[keys]\n"
		  "engine.rows = 4:x:2\n", "spec.ini:5: engine.rows: bad range" },
		{ "[sweep]\nbase = base.ini\ntraces = t1.trace\n[keys]\n"
		  "engine.rows = 4:8:0\n", "spec.ini:5: engine.rows: bad range" },
		{ "[sweep]\nbase = base.ini\ntraces = t1.trace\n[keys]\n"
		  "engine.colz = 4\n", "spec.ini:5: engine.colz: unknown key 'colz'" },
		{ "[sweep]\nbase = base.ini\ntraces = t1.trace\n[keys]\n"
		  "energy.table = x.ini\n", "spec.ini:5: energy.table: cannot be overridden" },
		{ "[sweep]\nbase = base.ini\ntraces = t1.trace\n[keys]\n"
		  "engine.rows = 4, 8\n[constraints]\nc1 = engine.rows =< 8\n",
		  "spec.ini:7: constraints.c1: unknown operator '=<'" },
		{ "[sweep]\nbase = base.ini\ntraces = t1.trace\n[keys]\n"
		  "engine.rows = 4, 8\n[constraints]\nc1 = engine.cols < 8\n",
		  "spec.ini:7: constraints.c1: 'engine.cols' is neither a swept key" },
		{ "; no base\n[sweep]\ntraces = t1.trace\n[keys]\nengine.rows = 4\n",
		  "spec.ini:2: sweep.base: missing required key 'base'" },
		{ "[sweep]\nbase = base.ini\ntraces = t1.trace, t9.trace\n",
		  "spec.ini:3: sweep.traces: cannot open" },
		{ "[sweep]\nbase = base.ini\ntraces = t1.trace\nmode = fast\n",
		  "spec.ini:4: sweep.mode: unknown value 'fast'" },
		{ "[sweep]\nbase = base.ini\ntraces = t1.trace\n[keys]\n"
		  "engine.rows = 4, 8, 4\n", "spec.ini:5: engine.rows: value '4' is listed twice" },
		{ "[sweep]\nbase = base.ini\ntraces = t1.trace\n[keys]\n"
		  "engine.rows = 8, 08\n", "spec.ini:5: engine.rows: value '08' is listed twice" },
		{ "[sweep]\nbase = base.ini\ntraces = t1.trace\n[keys]\n"
		  "engine.rows = 0x8:0x10:0x4\n", "spec.ini:5: engine.rows: bad range '0x8:0x10:0x4'" },
		{ "[sweep]\nbase = base.ini\nbase = base.ini\n",
		  "spec.ini:3: sweep.base: duplicate key" },
		{ "[sweep]\nbase = base.ini\ntraces = t1.trace\nno equals sign\n",
		  "spec.ini:4: syntax error" },
	};
	struct fix *f = *state;
	char want[256];
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		write_file(at(f, "spec.ini"), cases[i].text);
		strf(want, sizeof want, "stasim: %s", at(f, cases[i].where));
		if (call(f, sweep_cmd, "sweep %s -o %s", at(f, "spec.ini"),
			 at(f, "out.csv")) != 2 || !strstr(f->err, want))
			fail_msg("case %zu: want '%s', got '%s'", i, want, f->err);
		assert_int_equal(strchr(f->err, '\n') - f->err + 1,
				 (long)strlen(f->err));
		assert_int_equal(access(at(f, "out.csv"), F_OK), -1);
	}
	assert_int_equal(call(f, sweep_cmd, "sweep"), 2);
	assert_int_equal(call(f, sweep_cmd, "sweep %s -j 0", at(f, "spec.ini")), 2);
	assert_int_equal(call(f, sweep_cmd, "sweep %s --shard 4/3",
			      at(f, "spec.ini")), 2);
	assert_int_equal(call(f, sweep_cmd, "sweep %s --bogus", at(f, "spec.ini")), 2);
}

/* Options (opt.h): --opt=value as --opt value, attached short values,
 * "--" before an operand, and a misspelled option named with its fix. */
/* One sweep writes a results file at a time: while another holds the file
 * (its flock), a sweep on it stops at once, exit 2, and writes nothing;
 * once released, the same command runs. */
static void test_results_locked(void **state)
{
	struct fix *f = *state;
	int fd = open(at(f, "locked.csv"), O_WRONLY | O_CREAT, 0666);
	struct stat st;

	assert_true(fd >= 0);
	assert_int_equal(flock(fd, LOCK_EX), 0);
	assert_int_equal(call(f, sweep_cmd, "sweep %s -j 1 -o %s",
			      at(f, "spec.ini"), at(f, "locked.csv")), 2);
	assert_non_null(strstr(f->err, "locked.csv: -o: another sweep is "
			       "writing this results file"));
	assert_int_equal(stat(at(f, "locked.csv"), &st), 0);
	assert_int_equal(st.st_size, 0);
	close(fd);
	assert_int_equal(call(f, sweep_cmd, "sweep %s -j 1 -o %s",
			      at(f, "spec.ini"), at(f, "locked.csv")), 0);
}

/* ------------------------------------------------------------------ */
/* The results file under a full disk, and removed or replaced mid-run */

/* The words of "sweep SPEC -j 1 -o OUT", writable (options may permute). */
struct sweep_argv {
	char w[6][PATH_MAX_];	/* the words */
	char *argv[7];		/* pointing at them, NULL-terminated */
};

static void sweep_argv_init(struct sweep_argv *a, const char *spec,
			    const char *out)
{
	const char *words[6] = { "sweep", spec, "-j", "1", "-o", out };
	int i;

	for (i = 0; i < 6; i++) {
		strf(a->w[i], sizeof a->w[i], "%s", words[i]);
		a->argv[i] = a->w[i];
	}
	a->argv[6] = NULL;
}

/* Fill the pipe whose write end is fd until a write would block; returns
 * the bytes put in. Whole pages first, so that no page is left part full. */
static size_t fill_pipe(int fd)
{
	static const char page[4096] = { 0 };
	int fl = fcntl(fd, F_GETFL);
	size_t put = 0;
	ssize_t r;

	assert_int_equal(fcntl(fd, F_SETFL, fl | O_NONBLOCK), 0);
	while ((r = write(fd, page, sizeof page)) > 0)
		put += (size_t)r;
	while ((r = write(fd, page, 1)) > 0)
		put += (size_t)r;
	assert_true(errno == EAGAIN);
	assert_int_equal(fcntl(fd, F_SETFL, fl), 0);
	return put;
}

/* A sweep run in a child process, its stderr a pipe read by the test. */
struct kid {
	pid_t pid;		/* the child running sweep_cmd */
	int rd;			/* read end of its stderr */
	size_t filler;		/* bytes put in the pipe before it started */
};

/*
 * Start "sweep spec.ini -j 1 -o out" in a child. fsize: its RLIMIT_FSIZE,
 * SIGXFSZ ignored, so that a write past it fails with EFBIG as on a full
 * disk (0: no limit). full: the stderr pipe is filled first, so the child
 * blocks on its first progress line (after 2 of the spec's 18 rows) until
 * the test reads the pipe: a point in the sweep the test can act at.
 */
static void sweep_child(struct fix *f, const char *out, rlim_t fsize,
			int full, struct kid *k)
{
	struct rlimit rl = { fsize, fsize };
	struct sweep_argv a;
	int p[2];

	sweep_argv_init(&a, at(f, "spec.ini"), out);
	assert_int_equal(pipe(p), 0);
	k->filler = full ? fill_pipe(p[1]) : 0;
	fflush(stdout);
	fflush(stderr);
	k->pid = fork();
	assert_true(k->pid >= 0);
	if (k->pid == 0) {
		dup2(p[1], 2);
		close(p[0]);
		close(p[1]);
		if (fsize && (signal(SIGXFSZ, SIG_IGN) == SIG_ERR ||
			      setrlimit(RLIMIT_FSIZE, &rl)))
			_exit(99);
		_exit(sweep_cmd(6, a.argv));
	}
	close(p[1]);
	k->rd = p[0];
}

/* Read the child's stderr to its end into f->err (the filler dropped) and
 * return its exit status. */
static int kid_done(struct fix *f, struct kid *k)
{
	char buf[4096];
	size_t n = 0, skip = k->filler;
	ssize_t r;
	int st;

	while ((r = read(k->rd, buf, sizeof buf)) != 0) {
		if (r < 0) {
			assert_int_equal(errno, EINTR);
			continue;
		}
		if ((size_t)r <= skip) {
			skip -= (size_t)r;
			continue;
		}
		assert_true(n + (size_t)r - skip < ERR_MAX);
		memcpy(f->err + n, buf + skip, (size_t)r - skip);
		n += (size_t)r - skip;
		skip = 0;
	}
	f->err[n] = '\0';
	close(k->rd);
	assert_int_equal(waitpid(k->pid, &st, 0), k->pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Wait until path holds n lines; the child that writes it blocks there. */
static void wait_lines(const char *path, int n)
{
	struct timespec ts = { 0, 1000 * 1000 };
	int i;

	for (i = 0; i < 120 * 1000; i++) {
		if (access(path, F_OK) == 0 && newlines(path) >= n)
			return;
		nanosleep(&ts, NULL);
	}
	fail_msg("%s never reached %d lines", path, n);
}

/*
 * A disk that fills in the middle of a row (RLIMIT_FSIZE in the child):
 * exit 1 naming the file and EFBIG, and the file holds exactly the rows
 * before it, each whole, as a reference run wrote them; run again without
 * the limit, the sweep completes it.
 */
static void test_results_full_disk(void **state)
{
	struct fix *f = *state;
	static struct csv c;
	char *ref, *got, *end, want[PATH_MAX_ + 128];
	size_t keep, row, len;
	struct kid k;
	int seen[18], i;

	single_run(f);	/* rows in point order, as -j 1 writes them */
	ref = slurp_text(at(f, "single-sorted.csv"), NULL);
	assert_non_null(ref);
	for (end = ref, i = 0; i < 4; i++)	/* the header and 3 rows */
		end = strchr(end, '\n') + 1;
	keep = (size_t)(end - ref);
	row = (size_t)(strchr(end, '\n') + 1 - end);
	sweep_child(f, at(f, "full.csv"), (rlim_t)(keep + row / 2), 0, &k);
	assert_int_equal(kid_done(f, &k), 1);
	strf(want, sizeof want, "full.csv: -o: cannot write: %s",
	     strerror(EFBIG));
	assert_non_null(strstr(f->err, want));
	got = slurp_text(at(f, "full.csv"), &len);
	assert_non_null(got);
	assert_int_equal(len, keep);
	assert_memory_equal(got, ref, keep);
	free(got);
	csv_read(at(f, "full.csv"), &c);	/* whole rows, header-wide */
	assert_int_equal(csv_check(&c, seen, 18), 3);
	free(c.text);
	assert_int_equal(call(f, sweep_cmd, "sweep %s -j 1 -o %s",
			      at(f, "spec.ini"), at(f, "full.csv")), 0);
	assert_non_null(strstr(f->err, "3 already in"));
	got = slurp_text(at(f, "full.csv"), NULL);
	assert_string_equal(got, ref);
	free(got);
	free(ref);
}

/*
 * The results file removed, then replaced, while the sweep runs (held on
 * its progress line after 2 rows): exit 1 naming the file, no row written
 * under the name afterwards.
 */
static void test_results_removed_or_replaced(void **state)
{
	struct fix *f = *state;
	const char *out = at(f, "gone.csv"), *other = "another file\n";
	char *text;
	struct kid k;

	sweep_child(f, out, 0, 1, &k);
	wait_lines(out, 3);
	assert_int_equal(newlines(out), 3);	/* held: no row after the 2nd */
	assert_int_equal(unlink(out), 0);
	assert_int_equal(kid_done(f, &k), 1);
	assert_non_null(strstr(f->err, "gone.csv: -o: the results file was "
			       "removed while the sweep ran"));
	assert_int_equal(access(out, F_OK), -1);

	sweep_child(f, out, 0, 1, &k);
	wait_lines(out, 3);
	write_file(at(f, "new.csv"), other);
	assert_int_equal(rename(at(f, "new.csv"), out), 0);
	assert_int_equal(kid_done(f, &k), 1);
	assert_non_null(strstr(f->err, "gone.csv: -o: the results file was "
			       "replaced while the sweep ran"));
	text = slurp_text(out, NULL);
	assert_non_null(text);
	assert_string_equal(text, other);
	free(text);
}

static void test_options(void **state)
{
	struct fix *f = *state;

	assert_int_equal(call(f, sweep_cmd, "sweep %s --shard 1/2 -j 1 -o %s",
			      at(f, "spec.ini"), at(f, "a.csv")), 0);
	assert_int_equal(call(f, sweep_cmd, "sweep --shard=1/2 --jobs=1 "
			      "--output=%s -- %s", at(f, "b.csv"),
			      at(f, "spec.ini")), 0);
	assert_string_equal(f->out, "");
	assert_true(files_equal(at(f, "a.csv"), at(f, "b.csv")));
	assert_int_equal(call(f, sweep_cmd, "sweep -j1 -o%s --shard 1/2 %s",
			      at(f, "c.csv"), at(f, "spec.ini")), 0);
	assert_true(files_equal(at(f, "a.csv"), at(f, "c.csv")));
	assert_int_equal(call(f, merge_cmd, "merge %s -o %s", at(f, "a.csv"),
			      at(f, "m1.csv")), 0);
	assert_int_equal(call(f, merge_cmd, "merge --output=%s -- %s",
			      at(f, "m2.csv"), at(f, "a.csv")), 0);
	assert_true(files_equal(at(f, "m1.csv"), at(f, "m2.csv")));

	/* after "--", a word with dashes is a file */
	assert_int_equal(call(f, sweep_cmd, "sweep -o %s -- --shard",
			      at(f, "d.csv")), 2);
	assert_string_equal(f->err, "stasim: --shard: cannot open: No such "
			    "file or directory\n");
	assert_int_equal(call(f, merge_cmd, "merge -o %s -- --x.csv",
			      at(f, "m3.csv")), 2);
	assert_non_null(strstr(f->err, "stasim: --x.csv: cannot open"));

	/* usage errors: one line, exit 2, the likely fix */
	assert_int_equal(call(f, sweep_cmd, "sweep %s --shrad 1/2",
			      at(f, "spec.ini")), 2);
	assert_non_null(strstr(f->err, "stasim: sweep: unknown option "
			       "'--shrad'; did you mean '--shard K/N'?"));
	assert_int_equal(strchr(f->err, '\n') - f->err + 1, (long)strlen(f->err));
	assert_int_equal(call(f, merge_cmd, "merge %s --ouptut %s",
			      at(f, "a.csv"), at(f, "m3.csv")), 2);
	assert_non_null(strstr(f->err, "stasim: merge: unknown option "
			       "'--ouptut'; did you mean '-o, --output OUT.csv'?"));
	assert_int_equal(strchr(f->err, '\n') - f->err + 1, (long)strlen(f->err));
	assert_int_equal(call(f, sweep_cmd, "sweep %s -j 0", at(f, "spec.ini")),
			 2);
	assert_non_null(strstr(f->err, "stasim: sweep: -j: '0' is not a number "
			       "of workers in 1..256"));
	assert_int_equal(strchr(f->err, '\n') - f->err + 1, (long)strlen(f->err));
	assert_int_equal(access(at(f, "d.csv"), F_OK), -1);
	assert_int_equal(access(at(f, "m3.csv"), F_OK), -1);
}

static void no_op(int sig)
{
	(void)sig;
}

/* In a child: wait for the first row of path, then Ctrl-C the parent. */
static void interrupt_after_first_row(const char *path, pid_t parent)
{
	struct timespec ts = { 0, 1000 * 1000 };
	int i, lines = 0;
	char *text, *p;

	for (i = 0; i < 20000 && lines < 2; i++) {
		nanosleep(&ts, NULL);
		if (!(text = slurp_text(path, NULL)))
			continue;
		for (lines = 0, p = text; (p = strchr(p, '\n')); p++)
			lines++;
		free(text);
	}
	kill(parent, SIGINT);
	_exit(lines >= 2 ? 0 : 1);
}

/*
 * Ctrl-C in the middle: the sweep stops with status 1 and a file of
 * complete rows; running it again finishes the rest, no point twice.
 */
static void test_interrupt_and_resume(void **state)
{
	struct fix *f = *state;
	static struct csv c;
	struct sigaction sa, old;
	char spec[2048], deit[PATH_MAX_];
	int n = slow_build() ? 12 : 40, seen[40], rc, st;
	pid_t kid, parent = getpid();

	strf(spec, sizeof spec, "[sweep]\nbase = base.ini\ntraces = %s\n"
	     "[keys]\nengine.rows = 8:%d:8\ndram.bandwidth_gbps = 8, 16, 32, 64\n",
	     src_path(deit, sizeof deit, "traces/deit-tiny-2of4.trace.gz"),
	     n / 4 * 8);
	write_file(at(f, "spec.ini"), spec);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = no_op;	/* a signal arriving early or late is harmless */
	sigaction(SIGINT, &sa, &old);
	kid = fork();
	assert_true(kid >= 0);
	if (kid == 0)
		interrupt_after_first_row(at(f, "out.csv"), parent);
	rc = call(f, sweep_cmd, "sweep %s -o %s", at(f, "spec.ini"),
		  at(f, "out.csv"));
	waitpid(kid, &st, 0);
	sigaction(SIGINT, &old, NULL);
	assert_int_equal(WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(f->err, "interrupted"));
	csv_read(at(f, "out.csv"), &c);
	assert_true(csv_check(&c, seen, n) < n);
	free(c.text);
	assert_int_equal(call(f, sweep_cmd, "sweep %s -j 2 -o %s",
			      at(f, "spec.ini"), at(f, "out.csv")), 0);
	csv_read(at(f, "out.csv"), &c);
	assert_int_equal(csv_check(&c, seen, n), n);
	free(c.text);
}

/* ------------------------------------------------------------------ */
/* Through the binary, once main.c routes `sweep` and `merge` */

/* 1 when `stasim sweep` is routed to sweep_cmd. */
static int cli_has_sweep(struct fix *f)
{
	char cmd[CMD_MAX];

	strf(cmd, sizeof cmd, "'%s' sweep 2>&1", stasim_bin());
	shell(f, cmd);
	return !strstr(f->out, "not built yet");
}

static void test_cli_sweep(void **state)
{
	struct fix *f = *state;
	char cmd[CMD_MAX];

	if (!cli_has_sweep(f)) {
		print_message("stasim sweep is not wired in main.c yet: skipped\n");
		skip();
	}
	single_run(f);
	/* stdout stays clean; progress goes to stderr */
	strf(cmd, sizeof cmd, "'%s' sweep spec.ini -j 2 -o cli.csv 2>/dev/null",
	     stasim_bin());
	assert_int_equal(shell(f, cmd), 0);
	assert_string_equal(f->out, "");
	strf(cmd, sizeof cmd, "'%s' merge cli.csv -o cli-sorted.csv 2>&1",
	     stasim_bin());
	assert_int_equal(shell(f, cmd), 0);
	assert_true(files_equal(at(f, "cli-sorted.csv"), at(f, "single-sorted.csv")));
	write_file(at(f, "bad.ini"), "[sweep]\nbase = base.ini\n[kyes]\n");
	strf(cmd, sizeof cmd, "'%s' sweep bad.ini 2>&1", stasim_bin());
	assert_int_equal(shell(f, cmd), 2);
	assert_string_equal(f->out, "stasim: bad.ini:3: kyes: unknown section "
			    "[kyes] (known sections: sweep, keys, constraints)\n");
}

static void test_cli_gnu_parallel(void **state)
{
	struct fix *f = *state;
	char cmd[CMD_MAX];

	if (run_cmd("command -v parallel >/dev/null 2>&1", NULL, 0) != 0) {
		print_message("GNU parallel is not installed: skipped\n");
		skip();
	}
	if (!cli_has_sweep(f)) {
		print_message("stasim sweep is not wired in main.c yet: skipped\n");
		skip();
	}
	single_run(f);
	strf(cmd, sizeof cmd, "parallel --will-cite '%s' sweep spec.ini "
	     "--shard {}/3 -o part{}.csv ::: 1 2 3 2>&1", stasim_bin());
	assert_int_equal(shell(f, cmd), 0);
	strf(cmd, sizeof cmd, "'%s' merge part1.csv part2.csv part3.csv "
	     "-o merged.csv 2>&1", stasim_bin());
	assert_int_equal(shell(f, cmd), 0);
	assert_true(files_equal(at(f, "merged.csv"), at(f, "single-sorted.csv")));
}

/*
 * area_mm2: each point's config's area (sim/area.h) on a hand-written
 * component table. By hand, for 32 columns: rows 4: 128 PEs x 1000 + 4
 * row edges x 100 + 32 column edges x 10 + 5000 = 133,720; rows 8:
 * 262,120; each plus the
 * softmax (32 x 300 + 700 + 50), vector (32 x 20 + 80 + 50) and gate
 * (8500 + 500 + 32 x 300 + 700 + 50) units, 30,470, and 768 KiB of SRAM
 * at 0.346 um^2 a bit over 0.655: 3.487616 and 3.616016 mm^2. At n_max 8
 * the table has no PE: its area is scaled (area_estimated 1, and larger).
 */
static void test_area_column(void **state)
{
	static const char *const want[] = { "3.487616", "3.616016" };
	struct fix *f = *state;
	struct csv c;
	int r, rows;

	write_file(at(f, "area.tsv"),
		   "sde.pe\tN_MAX=4 M_MAX=16 ACT_BITS=8 WEIGHT_BITS=8\t1000\th\n"
		   "sde.row\tN_MAX=4 M_MAX=16 ACT_BITS=8 WEIGHT_BITS=8\t100\th\n"
		   "sde.col\tN_MAX=4 M_MAX=16 ACT_BITS=8 WEIGHT_BITS=8\t10\th\n"
		   "sde.fixed\tN_MAX=4 M_MAX=16 ACT_BITS=8 WEIGHT_BITS=8\t5000\th\n"
		   "smx.lane\tALGORITHM=0 EXP_LATENCY=4 RECIP_LATENCY=8 DIVIDERS=2 "
		   "DIV_LATENCY=19\t300\th\n"
		   "smx.rest\tALGORITHM=0 EXP_LATENCY=4 RECIP_LATENCY=8 DIVIDERS=2 "
		   "DIV_LATENCY=19\t700\th\n"
		   "vec.lane\tLATENCY=4\t20\th\nvec.rest\tLATENCY=4\t80\th\n"
		   "gate.core\tGEMV=64\t8500\th\n"
		   "gate.sorter\tGEMV=64\t500\th\nfu\t-\t50\th\n");
	write_file(at(f, "area.ini"), "[sweep]\nbase = base.ini\n"
		   "traces = t1.trace\n[keys]\nengine.rows = 4, 8\n"
		   "engine.n_max = 4, 8\n");
	assert_int_equal(setenv("STASIM_AREA_TABLE", at(f, "area.tsv"), 1), 0);
	assert_int_equal(setenv("XDG_CACHE_HOME", f->dir, 1), 0);
	assert_int_equal(call(f, sweep_cmd, "sweep %s -o %s",
			      at(f, "area.ini"), at(f, "area.csv")), 0);
	unsetenv("STASIM_AREA_TABLE");
	unsetenv("XDG_CACHE_HOME");
	csv_read(at(f, "area.csv"), &c);
	assert_int_equal(c.n, 5);
	for (r = 1; r < 5; r++) {
		const char *est = c.f[r][col(&c, "area_estimated")];

		rows = atoi(c.f[r][col(&c, "engine.rows")]);
		assert_string_equal(c.f[r][col(&c, "status")], "ok");
		if (!strcmp(c.f[r][col(&c, "engine.n_max")], "4")) {
			assert_string_equal(c.f[r][col(&c, "area_mm2")],
					    want[rows == 8]);
			assert_string_equal(est, "0");
		} else {
			assert_true(atof(c.f[r][col(&c, "area_mm2")]) >
				    atof(want[rows == 8]));
			assert_string_equal(est, "1");
		}
	}
	free(c.text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_set),
		cmocka_unit_test_setup_teardown(test_area_column, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_rows_match_run_sim, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_two_bases, setup, teardown),
		cmocka_unit_test_setup_teardown(test_constraints_skip, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_invalid_points_recorded,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_resume, setup, teardown),
		cmocka_unit_test_setup_teardown(test_header_mismatch, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_shards_merge, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_merge_errors, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bad_specs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_options, setup, teardown),
		cmocka_unit_test_setup_teardown(test_results_locked, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_results_full_disk, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_results_removed_or_replaced,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_interrupt_and_resume, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_cli_sweep, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cli_gnu_parallel, setup,
						teardown),
	};

	/* never minutes of yosys inside a test: a missing key is an error */
	setenv("STASIM_AREA_SYNTH", "0", 1);
	return cmocka_run_group_tests_name("sweep", tests, NULL, NULL);
}
