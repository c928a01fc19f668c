/*
 * test_config.c - cmocka suite for sim/config.c.
 *
 * Every test writes its own INI files under $TMPDIR (default /tmp) and
 * removes them, so tests share nothing and can run in any order. The
 * shipped configs and energy tables are found through STASIM_SRC_DIR, never
 * through the working directory. One test runs the stasim binary
 * ($STASIM_BIN, else build/stasim) copied into a fake install prefix, and is
 * skipped when there is none.
 * Invariant checked throughout: a load either returns 0 with every field as
 * written (or defaulted), or -1 with err naming file, line and section.key
 * and *cfg untouched.
 */
#define _XOPEN_SOURCE 700	/* mkstemp, mkdtemp, realpath */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "err.h"
#include "testutil.h"

#define SRC(p) STASIM_SRC_DIR "/" p
#define DIR_MAX 512		/* temp dir names: short enough to extend */
#define OUT_MAX 65536		/* captured output of one stasim command */
#define LPDDR4_TABLE SRC("configs/energy/horowitz45-lpddr4.ini")
#define DDR3_TABLE SRC("configs/energy/horowitz45-ddr3.ini")

/* A complete energy table, one key per line (line i + 1 of the file). */
static const char *const table_lines[] = {
	"[compute]",
	"mult8_pj = 0.2",
	"mult16_pj = 0.8",
	"add8_pj = 0.03",
	"add32_pj = 0.1",
	"mux2_bit_pj = 0.00075",
	"reg_bit_pj = 0.00375",
	"[sram]",
	"kib8_pj_per_64b = 10",
	"kib32_pj_per_64b = 20",
	"mib1_pj_per_64b = 100",
	"write_factor = 1.0",
	"[dram]",
	"pj_per_bit = 8",
	"[leakage]",
	"logic_nw_per_um2 = 26.98",
	"sram_nw_per_bit = 25.12",
	"dma_pj_per_cycle = 0.116",
	"[nonlinear]",
	"exp_pj = 1.5",
	"div_pj = 1.76",
	"cmp_pj = 0.03",
	"lut_pj = 0.625",
	"shift_pj = 0.048",
	"isqrt_pj = 2.7",
	NULL
};

/* Absolute name of a shipped file: temp configs live elsewhere, and a
 * relative table path would be taken from their directory. */
static void abs_src(const char *rel, char *out)
{
	if (!realpath(rel, out)) {
		print_error("cannot find %s (set STASIM_SRC_DIR)\n", rel);
		fail();
	}
}

/* Table text with line `skip` replaced by `with` (NULL: line dropped). */
static void table_text(char *buf, size_t n, int skip, const char *with)
{
	int i;

	buf[0] = '\0';
	for (i = 0; table_lines[i]; i++) {
		const char *l = i == skip ? with : table_lines[i];

		if (l)
			snprintf(buf + strlen(buf), n - strlen(buf), "%s\n", l);
	}
}

/* Load text as a config file; the file is removed before returning. */
static int load_text(const char *text, struct config *cfg,
		     struct sim_err *err, char *path, size_t n)
{
	int rc;

	tmp_file(path, n, "", text);
	rc = config_load(path, cfg, err);
	unlink(path);
	return rc;
}

static void check_msg(const struct sim_err *e, const char *prefix)
{
	if (strncmp(e->msg, prefix, strlen(prefix))) {
		print_error("message '%s' does not start with '%s'\n", e->msg,
			    prefix);
		fail();
	}
}

static void check_err(const struct sim_err *e, const char *file, int line,
		      const char *field, const char *prefix)
{
	assert_string_equal(e->file, file);
	assert_int_equal(e->line, line);
	assert_string_equal(e->field, field);
	check_msg(e, prefix);
}

static void same_double(double a, double b)
{
	if (a != b) {
		print_error("%.17g != %.17g\n", a, b);
		fail();
	}
}

static void same_energy(const struct energy_table *a,
			const struct energy_table *b)
{
	assert_string_equal(a->path, b->path);
	same_double(a->mult8_pj, b->mult8_pj);
	same_double(a->mult16_pj, b->mult16_pj);
	same_double(a->add8_pj, b->add8_pj);
	same_double(a->add32_pj, b->add32_pj);
	same_double(a->mux2_bit_pj, b->mux2_bit_pj);
	same_double(a->reg_bit_pj, b->reg_bit_pj);
	same_double(a->sram_8kib_pj_per_64b, b->sram_8kib_pj_per_64b);
	same_double(a->sram_32kib_pj_per_64b, b->sram_32kib_pj_per_64b);
	same_double(a->sram_1mib_pj_per_64b, b->sram_1mib_pj_per_64b);
	same_double(a->sram_write_factor, b->sram_write_factor);
	same_double(a->dram_pj_per_bit, b->dram_pj_per_bit);
	same_double(a->leak_logic_nw_per_um2, b->leak_logic_nw_per_um2);
	same_double(a->leak_sram_nw_per_bit, b->leak_sram_nw_per_bit);
	same_double(a->leak_dma_pj_per_cycle, b->leak_dma_pj_per_cycle);
}

/*
 * The numeric keys of [arch] to [dma]: where each lives in struct config,
 * its default and the value test_every_key's file gives it. A field is a
 * double or a 32-bit integer (uint32_t, int or enum).
 */
struct core_key {
	const char *key;	/* section.key, for messages */
	size_t off, size;	/* offsetof and sizeof the field */
	int is_double;		/* 1: a double, 0: a 32-bit integer */
	double dflt;		/* after config_defaults() */
	double every;		/* in test_every_key's file */
};

#define INT_AT(f) offsetof(struct config, f), sizeof ((struct config *)0)->f, 0
#define DBL_AT(f) offsetof(struct config, f), sizeof ((struct config *)0)->f, 1

static const struct core_key core_keys[] = {
	{ "arch.clock_mhz", DBL_AT(clock_mhz), 1000, 750.5 },
	{ "engine.rows", INT_AT(rows), 32, 8 },
	{ "engine.cols", INT_AT(cols), 32, 256 },
	{ "engine.n_max", INT_AT(n_max), 4, 3 },
	{ "engine.m_max", INT_AT(m_max), 16, 12 },
	{ "engine.act_bits", INT_AT(act_bits), 8, 16 },
	{ "engine.weight_bits", INT_AT(weight_bits), 8, 16 },
	{ "engine.index_format", INT_AT(index_format), CFG_IDX_INDICES,
	  CFG_IDX_BITMAP },
	{ "engine.acc_double_buffer", INT_AT(acc_double_buffer), 1, 0 },
	{ "sram.act_kib", INT_AT(act_kib), 512, 1 },
	{ "sram.wgt_kib", INT_AT(wgt_kib), 128, 1048576 },
	{ "sram.out_kib", INT_AT(out_kib), 128, 33 },
	{ "sram.double_buffer", INT_AT(double_buffer), 1, 0 },
	{ "dram.bandwidth_gbps", DBL_AT(dram_gbps), 25.6, 0.01 },
	{ "dram.latency_ns", DBL_AT(dram_latency_ns), 100, 0 },
	{ "dram.burst_bytes", INT_AT(burst_bytes), 64, 4096 },
	{ "dma.queue_depth", INT_AT(dma_queue), 4, 64 },
};

#define N_CORE_KEYS (sizeof core_keys / sizeof core_keys[0])

/* c's field for key k, widened to a double (exactly). */
static double core_value(const struct config *c, const struct core_key *k)
{
	const char *p = (const char *)c + k->off;
	uint32_t u;
	double d;

	if (k->is_double) {
		assert_int_equal(k->size, sizeof d);
		memcpy(&d, p, sizeof d);
		return d;
	}
	assert_int_equal(k->size, sizeof u);
	memcpy(&u, p, sizeof u);
	return u;
}

/* c's field for key k must be want exactly. */
static void same_core(const struct config *c, const struct core_key *k,
		      double want)
{
	double got = core_value(c, k);

	if (got != want) {
		print_error("%s = %.17g, want %.17g\n", k->key, got, want);
		fail();
	}
}

/* Every field but path (the file it came from). */
static void same_config(const struct config *a, const struct config *b)
{
	size_t i;

	assert_string_equal(a->name, b->name);
	for (i = 0; i < N_CORE_KEYS; i++)
		same_core(a, &core_keys[i], core_value(b, &core_keys[i]));
	same_energy(&a->energy, &b->energy);
}

/* A fresh directory holding energy/horowitz45-lpddr4.ini (the default). */
static void make_dir_with_table(char *dir, size_t n)
{
	char path[PATH_MAX], text[2048];

	tmp_dir(dir, n);
	snprintf(path, sizeof path, "%s/energy", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof path, "%s/energy/horowitz45-lpddr4.ini", dir);
	table_text(text, sizeof text, -1, NULL);
	write_file(path, text);
}

static void remove_dir_with_table(const char *dir)
{
	char path[PATH_MAX];

	snprintf(path, sizeof path, "%s/energy/horowitz45-lpddr4.ini", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/energy", dir);
	rmdir(path);
	rmdir(dir);
}

/* dir/rel, which must fit. */
static const char *at(char *buf, size_t n, const char *dir, const char *rel)
{
	assert_true((size_t)snprintf(buf, n, "%s/%s", dir, rel) < n);
	return buf;
}

static void copy_file(const char *from, const char *to, mode_t mode)
{
	char buf[4096];
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	size_t n;

	assert_non_null(in);
	assert_non_null(out);
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		assert_int_equal(fwrite(buf, 1, n, out), n);
	assert_int_equal(fclose(in), 0);
	assert_int_equal(fclose(out), 0);
	assert_int_equal(chmod(to, mode), 0);
}

/* configs/name copied into dir (as dir/name); its path goes to to. */
static void copy_shipped(const char *name, const char *dir, char *to,
			 size_t n)
{
	char from[PATH_MAX];

	snprintf(from, sizeof from, "%s/configs/%s", STASIM_SRC_DIR, name);
	copy_file(from, at(to, n, dir, name), 0644);
}

/* The shipped table with [dram] pj_per_bit = 9.25, written to path. */
static void write_modified_table(const char *path)
{
	char text[2048];

	table_text(text, sizeof text, 13, "pj_per_bit = 9.25");
	write_file(path, text);
}

static void load_ok(const char *path, struct config *c)
{
	struct sim_err e;

	if (config_load(path, c, &e)) {
		print_error("%s:%d: %s: %s\n", e.file, e.line, e.field, e.msg);
		fail();
	}
}

/* config_print(c) without its first line, which names c's own file, in a
 * malloc'ed string. */
static char *printed(const struct config *c)
{
	char *text = NULL, *out, *line, *save = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	config_print(c, f);
	assert_int_equal(fclose(f), 0);
	out = calloc(len + 1, 1);
	assert_non_null(out);
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		if (strncmp(line, "; stasim effective configuration", 32))
			strcat(strcat(out, line), "\n");
	free(text);
	return out;
}

static void same_printed(const struct config *a, const struct config *b)
{
	char *pa = printed(a), *pb = printed(b);

	assert_string_equal(pa, pb);
	free(pa);
	free(pb);
}

static void same_real(const char *a, const char *b)
{
	char ra[PATH_MAX], rb[PATH_MAX];

	assert_non_null(realpath(a, ra));
	assert_non_null(realpath(b, rb));
	assert_string_equal(ra, rb);
}

static void test_defaults(void **state)
{
	struct config c;
	size_t i;

	(void)state;
	config_defaults(&c);
	assert_string_equal(c.name, "sta-default");
	for (i = 0; i < N_CORE_KEYS; i++)
		same_core(&c, &core_keys[i], core_keys[i].dflt);
	assert_string_equal(c.path, "");
	assert_string_equal(c.energy.path, "");
	same_double(c.energy.mult8_pj, 0);
}

/* An empty file gets every default and the default table beside it. */
static void test_empty_file_defaults(void **state)
{
	char dir[DIR_MAX], path[PATH_MAX], want[PATH_MAX + 64], real[PATH_MAX];
	struct config c, d;
	struct sim_err e;

	(void)state;
	make_dir_with_table(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/empty.ini", dir);
	write_file(path, "; nothing set\n\n");
	assert_int_equal(config_load(path, &c, &e), 0);
	config_defaults(&d);
	d.energy = c.energy;
	same_config(&c, &d);
	assert_string_equal(c.path, path);
	assert_non_null(realpath(dir, real));
	snprintf(want, sizeof want, "%s/energy/horowitz45-lpddr4.ini", real);
	assert_string_equal(c.energy.path, want);
	same_double(c.energy.mult16_pj, 0.8);
	same_double(c.energy.leak_dma_pj_per_cycle, 0.116);
	unlink(path);
	remove_dir_with_table(dir);
}

static void test_every_key(void **state)
{
	char text[PATH_MAX + 1024], path[PATH_MAX], real[PATH_MAX];
	struct config c;
	struct sim_err e;
	size_t i;

	(void)state;
	abs_src(DDR3_TABLE, real);
	snprintf(text, sizeof text,
		 "; every key, none at its default\n"
		 "[arch]\nname = my.design-1\nclock_mhz = 750.5\n"
		 "[engine]\nrows = 8\ncols = 256\nn_max = 3\nm_max = 012\n"
		 "act_bits = 16\nweight_bits = 16\nindex_format = bitmap\n"
		 "acc_double_buffer = no\n"
		 "[sram]\nact_kib = 1\nwgt_kib = 1048576\nout_kib = 33\n"
		 "double_buffer = 0\n"
		 "[dram]\nbandwidth_gbps = 0.01\nlatency_ns = 0\n"
		 "burst_bytes = 4096\n"
		 "[dma]\nqueue_depth = 64\n"
		 "[energy]\ntable = %s\n", real);
	assert_int_equal(load_text(text, &c, &e, path, sizeof path), 0);
	assert_string_equal(c.path, path);
	assert_string_equal(c.name, "my.design-1");
	for (i = 0; i < N_CORE_KEYS; i++)
		same_core(&c, &core_keys[i], core_keys[i].every);
	assert_string_equal(c.energy.path, real);
	same_double(c.energy.dram_pj_per_bit, 70);
}

/* Booleans accept true/false/yes/no/1/0; CRLF and inline comments work. */
static void test_bool_spellings_crlf(void **state)
{
	static const char *const yes[] = { "true", "yes", "1" };
	static const char *const no[] = { "false", "no", "0" };
	char text[PATH_MAX + 256], path[PATH_MAX], table[PATH_MAX];
	struct config c;
	struct sim_err e;
	int i;

	(void)state;
	abs_src(LPDDR4_TABLE, table);
	for (i = 0; i < 3; i++) {
		snprintf(text, sizeof text,
			 "[engine]\r\nacc_double_buffer = %s ; comment\r\n"
			 "[sram]\r\ndouble_buffer = %s\r\n"
			 "[energy]\r\ntable = %s\r\n", yes[i], no[i], table);
		assert_int_equal(load_text(text, &c, &e, path, sizeof path), 0);
		assert_int_equal(c.acc_double_buffer, 1);
		assert_int_equal(c.double_buffer, 0);
	}
}

struct bad {
	const char *text;	/* config file contents */
	int line;		/* expected err.line */
	const char *field;	/* expected err.field */
	const char *msg;	/* expected start of err.msg */
};

static const struct bad bad_configs[] = {
	{ "[engine]\nrows = 4\ncolz = 4\n", 3, "engine.colz",
	  "unknown key 'colz' (known keys: rows, cols, n_max, m_max, act_bits, "
	  "weight_bits, index_format, acc_double_buffer)" },
	{ "[arch]\nname = x\n[foo]\nbar = 1\n", 3, "foo",
	  "unknown section [foo] (known sections: arch, engine, sram, dram, "
	  "dma, softmax, vector, gate, mapper, systemc, energy)" },
	{ "rows = 4\n", 1, "rows", "key 'rows' comes before any [section]" },
	{ "[engine]\n= 4\n", 2, "engine", "line has no key name" },
	{ "[engine]\nrows = 0\n", 2, "engine.rows",
	  "value 0 out of range 1..256 PEs" },
	{ "[engine]\ncols = 257\n", 2, "engine.cols",
	  "value 257 out of range 1..256 PEs" },
	{ "[engine]\nrows = 99999999999999999999999\n", 2, "engine.rows",
	  "value 99999999999999999999999 out of range 1..256 PEs" },
	{ "[engine]\nrows = 3x\n", 2, "engine.rows",
	  "malformed unsigned integer '3x'" },
	{ "[engine]\nrows = -1\n", 2, "engine.rows",
	  "malformed unsigned integer '-1'" },
	{ "[engine]\nrows = +1\n", 2, "engine.rows",
	  "malformed unsigned integer '+1'" },
	{ "[engine]\nrows = 1.5\n", 2, "engine.rows",
	  "malformed unsigned integer '1.5'" },
	{ "[engine]\nrows = 4\ncols = 4;x\n", 3, "engine.cols",
	  "malformed unsigned integer '4;x'" },
	{ "[arch]\nclock_mhz = 1e\n", 2, "arch.clock_mhz",
	  "malformed number '1e'" },
	{ "[arch]\nclock_mhz = nan\n", 2, "arch.clock_mhz",
	  "malformed number 'nan'" },
	{ "[arch]\nclock_mhz = 1e999\n", 2, "arch.clock_mhz",
	  "malformed number '1e999'" },
	{ "[arch]\nclock_mhz = 0.5\n", 2, "arch.clock_mhz",
	  "value 0.5 out of range 1..10000 MHz" },
	{ "[dram]\nbandwidth_gbps = 0.001\n", 2, "dram.bandwidth_gbps",
	  "value 0.001 out of range 0.01..100000 GB/s" },
	{ "[dram]\nlatency_ns = -1\n", 2, "dram.latency_ns",
	  "value -1 out of range 0..100000 ns" },
	{ "[engine]\nacc_double_buffer = maybe\n", 2,
	  "engine.acc_double_buffer", "malformed boolean 'maybe'" },
	{ "[engine]\nindex_format = csr\n", 2, "engine.index_format",
	  "unknown value 'csr' (expected indices or bitmap)" },
	{ "[arch]\nname = a/b\n", 2, "arch.name", "invalid name 'a/b'" },
	{ "[arch]\nname = "
	  "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcd\n",
	  2, "arch.name", "value is 64 characters long (at most 63 allowed)" },
	{ "[engine]\nrows = 4\n\nrows = 8\n", 4, "engine.rows",
	  "duplicate key 'rows' (first set on line 2)" },
	{ "[engine]\nrows = 4\n[sram]\n[engine]\nrows = 8\n", 5, "engine.rows",
	  "duplicate key 'rows' (first set on line 2)" },
	{ "[engine]\nrows =\n", 2, "engine.rows", "empty value (PEs, 1..256)" },
	{ "[energy]\ntable =\n", 2, "energy.table", "empty value (path," },
	{ "[engine]\nact_bits = 12\n", 2, "engine.act_bits",
	  "value 12 not allowed (8 or 16 bits)" },
	{ "[engine]\nweight_bits = 32\n", 2, "engine.weight_bits",
	  "value 32 not allowed (8 or 16 bits)" },
	{ "[dram]\nburst_bytes = 48\n", 2, "dram.burst_bytes",
	  "value 48 is not a power of two (1..4096 bytes)" },
	{ "[dram]\nburst_bytes = 8192\n", 2, "dram.burst_bytes",
	  "value 8192 out of range 1..4096 bytes" },
	{ "[dma]\nqueue_depth = 0\n", 2, "dma.queue_depth",
	  "value 0 out of range 1..64 commands" },
	{ "[sram]\nout_kib = 1048577\n", 2, "sram.out_kib",
	  "value 1048577 out of range 1..1048576 KiB" },
	{ "[engine]\nn_max = 8\nm_max = 4\n", 2, "engine.n_max",
	  "n_max 8 exceeds m_max 4" },
	{ "[engine]\n\nm_max = 2\n", 3, "engine.n_max",
	  "n_max 4 exceeds m_max 2" },
	{ "[engine]\nrows 4\n", 2, "", "syntax error" },
	{ "[engine\nrows = 4\n", 1, "", "syntax error" },
	{ "[engine]\nbad line\ncolz = 1\n", 2, "", "syntax error" },
	{ "[engine]\ncolz = 1\nbad line\n", 2, "engine.colz", "unknown key" },
	{ "\xEF\xBB\xBF[engin]\nrows = 4\n", 1, "engin",
	  "unknown section [engin]" },
	{ "[engine]\nrows = 4\n  cols = 4\n", 3, "engine.rows",
	  "indented line would continue the value of 'rows'" },
};

static void test_bad_configs(void **state)
{
	char path[PATH_MAX];
	struct config c, before;
	struct sim_err e;
	size_t i;

	(void)state;
	memset(&c, 0x5a, sizeof c);
	before = c;
	for (i = 0; i < sizeof bad_configs / sizeof bad_configs[0]; i++) {
		const struct bad *b = &bad_configs[i];

		memset(&e, 0, sizeof e);
		if (load_text(b->text, &c, &e, path, sizeof path) != -1) {
			print_error("case %zu loaded:\n%s", i, b->text);
			fail();
		}
		check_err(&e, path, b->line, b->field, b->msg);
		assert_memory_equal(&c, &before, sizeof c);
	}
}

static void test_long_line(void **state)
{
	char text[512], path[PATH_MAX];
	struct config c;
	struct sim_err e;

	(void)state;
	snprintf(text, sizeof text, "[arch]\n; %0250d\nname = x\n", 0);
	assert_int_equal(load_text(text, &c, &e, path, sizeof path), -1);
	check_err(&e, path, 2, "", "line longer than 197 characters");
}

static void test_cannot_open(void **state)
{
	struct config c;
	struct sim_err e;

	(void)state;
	assert_int_equal(config_load("/nonexistent/stasim.ini", &c, &e), -1);
	check_err(&e, "/nonexistent/stasim.ini", 0, "", "cannot open: ");
	assert_int_equal(config_load(tmp_root(), &c, &e), -1);
	check_err(&e, tmp_root(), 0, "", "is a directory, not a file");
	/* a device would never end: refused before it is read */
	assert_int_equal(config_load("/dev/zero", &c, &e), -1);
	check_err(&e, "/dev/zero", 0, "",
		  "is a device, not a file (its data may never end)");
}

static void test_missing_table(void **state)
{
	char path[PATH_MAX];
	struct config c;
	struct sim_err e;

	(void)state;
	assert_int_equal(load_text("[arch]\nname = x\n[energy]\n"
				   "table = /nonexistent/t.ini\n",
				   &c, &e, path, sizeof path), -1);
	check_err(&e, path, 4, "energy.table",
		  "cannot open energy table '/nonexistent/t.ini': ");
	assert_int_equal(load_text("[energy]\ntable = /\n", &c, &e, path,
				   sizeof path), -1);
	check_err(&e, path, 2, "energy.table",
		  "cannot open energy table '/': is a directory, not a file");
	assert_int_equal(load_text("[energy]\ntable = /dev/zero\n", &c, &e,
				   path, sizeof path), -1);
	check_err(&e, path, 2, "energy.table",
		  "cannot open energy table '/dev/zero': is a device, not a "
		  "file (its data may never end)");
}

/* The installed configs/ of this process's own binary, or "" without /proc. */
static void own_installed_dir(char *buf, size_t n)
{
	char exe[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);

	buf[0] = '\0';
	if (len <= 0)
		return;
	exe[len] = '\0';
	assert_int_equal(config_installed_dir(exe, buf, n), 0);
}

/* A relative table found nowhere: the config's error on its line, naming
 * every place looked at, in search order; *cfg untouched. */
static void test_table_not_found(void **state)
{
	char dir[DIR_MAX], path[PATH_MAX], inst[PATH_MAX];
	char want[3 * PATH_MAX + 128];
	struct config c, before;
	struct sim_err e;

	(void)state;
	tmp_dir(dir, sizeof dir);
	at(path, sizeof path, dir, "c.ini");
	write_file(path, "[arch]\nname = x\n\n[energy]\n"
		   "table = energy/nope.ini\n");
	memset(&c, 0x5a, sizeof c);
	before = c;
	assert_int_equal(config_load(path, &c, &e), -1);
	assert_memory_equal(&c, &before, sizeof c);
	own_installed_dir(inst, sizeof inst);
	snprintf(want, sizeof want, "energy table 'energy/nope.ini' not found "
		 "(looked for %s/energy/nope.ini, %s%s%s" STASIM_SRC_DIR
		 "/configs/energy/nope.ini)", dir, inst,
		 inst[0] ? "/energy/nope.ini" : "", inst[0] ? ", " : "");
	check_err(&e, path, 5, "energy.table", want);
	assert_string_equal(e.msg, want);
	unlink(path);
	rmdir(dir);
}

/* Write a table with line `skip` replaced, point a config at it, load. */
static int load_table_variant(int skip, const char *with, char *tpath,
			      size_t n, struct sim_err *e)
{
	char text[2048], cpath[PATH_MAX];
	struct config c;
	int rc;

	table_text(text, sizeof text, skip, with);
	tmp_file(tpath, n, "", text);
	snprintf(text, sizeof text, "[energy]\ntable = %s\n", tpath);
	rc = load_text(text, &c, e, cpath, sizeof cpath);
	unlink(tpath);
	return rc;
}

static void test_bad_tables(void **state)
{
	char t[PATH_MAX];
	struct sim_err e;

	(void)state;
	assert_int_equal(load_table_variant(2, NULL, t, sizeof t, &e), -1);
	check_err(&e, t, 0, "compute.mult16_pj",
		  "missing required key 'mult16_pj' in [compute]");
	assert_int_equal(load_table_variant(13, NULL, t, sizeof t, &e), -1);
	check_err(&e, t, 0, "dram.pj_per_bit", "missing required key");
	assert_int_equal(load_table_variant(1, "mult8_pj = -0.2", t,
					    sizeof t, &e), -1);
	check_err(&e, t, 2, "compute.mult8_pj",
		  "value -0.2 out of range 0..1e+06 pJ");
	assert_int_equal(load_table_variant(1, "mult9_pj = 0.2", t,
					    sizeof t, &e), -1);
	check_err(&e, t, 2, "compute.mult9_pj", "unknown key 'mult9_pj'");
	assert_int_equal(load_table_variant(12, "[hbm]", t, sizeof t, &e), -1);
	check_err(&e, t, 13, "hbm", "unknown section [hbm]");
	assert_int_equal(load_table_variant(3, "mult16_pj = 1", t, sizeof t,
					    &e), -1);
	check_err(&e, t, 4, "compute.mult16_pj", "duplicate key 'mult16_pj'");
	assert_int_equal(load_table_variant(3, "add8_pj = x", t, sizeof t,
					    &e), -1);
	check_err(&e, t, 4, "compute.add8_pj", "malformed number 'x'");
}

/* A relative table path is taken from the config file's directory and kept
 * as joined (no realpath), so reports do not name the host's directories. */
static void test_relative_table(void **state)
{
	char dir[DIR_MAX], path[PATH_MAX], real[PATH_MAX], a[PATH_MAX];
	char want[PATH_MAX + 64];
	struct config c;
	struct sim_err e;

	(void)state;
	make_dir_with_table(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/c.ini", dir);
	write_file(path, "[energy]\ntable = ./energy/../energy/horowitz45-lpddr4.ini\n");
	assert_int_equal(config_load(path, &c, &e), 0);
	snprintf(want, sizeof want, "%s/./energy/../energy/horowitz45-lpddr4.ini", dir);
	assert_string_equal(c.energy.path, want);
	assert_non_null(realpath(dir, real));
	snprintf(want, sizeof want, "%s/energy/horowitz45-lpddr4.ini", real);
	assert_non_null(realpath(c.energy.path, a));
	assert_string_equal(a, want);
	unlink(path);
	remove_dir_with_table(dir);
}

static void test_repo_configs(void **state)
{
	struct config c, d;
	struct sim_err e;

	(void)state;
	assert_int_equal(config_load(SRC("configs/sta-default.ini"), &c, &e), 0);
	config_defaults(&d);
	d.energy = c.energy;
	same_config(&c, &d);
	same_double(c.energy.mult8_pj, 0.2);
	same_double(c.energy.sram_1mib_pj_per_64b, 100);
	same_double(c.energy.dram_pj_per_bit, 8);

	assert_int_equal(config_load(SRC("configs/edge-small.ini"), &c, &e), 0);
	assert_string_equal(c.name, "edge-small");
	assert_int_equal(c.rows, 16);
	assert_int_equal(c.cols, 16);
	assert_int_equal(c.n_max, 2);
	assert_int_equal(c.m_max, 8);
	same_double(c.clock_mhz, 300);
	assert_int_equal(c.act_kib, 64);
	assert_int_equal(c.wgt_kib, 64);
	assert_int_equal(c.out_kib, 32);
	same_double(c.dram_gbps, 12.8);
	same_double(c.dram_latency_ns, 150);
	assert_int_equal(c.index_format, CFG_IDX_BITMAP);
	assert_int_equal(c.acc_double_buffer, 0);
	same_double(c.energy.dram_pj_per_bit, 70);
	assert_int_equal(config_dram_latency_cycles(&c), 45);
}

/* Print c into dir, load it back into r. */
static void print_reload(const struct config *c, const char *dir,
			 struct config *r)
{
	char path[PATH_MAX];
	struct sim_err e;
	FILE *f;

	snprintf(path, sizeof path, "%s/printed.ini", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	config_print(c, f);
	assert_int_equal(fclose(f), 0);
	if (config_load(path, r, &e)) {
		print_error("%s:%d: %s: %s\n", e.file, e.line, e.field, e.msg);
		fail();
	}
	unlink(path);
}

static void test_print_roundtrip(void **state)
{
	char text[PATH_MAX + 1024], path[PATH_MAX], dir[DIR_MAX], table[PATH_MAX];
	struct config c, r;
	struct sim_err e;

	(void)state;
	abs_src(LPDDR4_TABLE, table);
	make_dir_with_table(dir, sizeof dir);
	assert_int_equal(config_load(SRC("configs/sta-default.ini"), &c, &e), 0);
	print_reload(&c, dir, &r);
	same_config(&c, &r);
	assert_int_equal(config_load(SRC("configs/edge-small.ini"), &c, &e), 0);
	print_reload(&c, dir, &r);
	same_config(&c, &r);
	snprintf(text, sizeof text,
		 "[arch]\nname = odd\nclock_mhz = 333.333333333\n"
		 "[dram]\nbandwidth_gbps = 0.1\nlatency_ns = 0.7\n"
		 "[engine]\nindex_format = bitmap\nacc_double_buffer = no\n"
		 "[energy]\ntable = %s\n", table);
	assert_int_equal(load_text(text, &c, &e, path, sizeof path), 0);
	print_reload(&c, dir, &r);
	same_config(&c, &r);

	/* defaults alone print the default table path, found beside dir */
	config_defaults(&c);
	print_reload(&c, dir, &r);
	c.energy = r.energy;
	same_config(&c, &r);
	remove_dir_with_table(dir);
}

/* A shipped config copied where no energy/ lies beside it loads, from the
 * source tree's tables, to the same effective config as the original. */
static void test_copied_config(void **state)
{
	static const char *const names[] = { "sta-default.ini",
					     "edge-small.ini", "sc-rtl.ini" };
	char dir[DIR_MAX], orig[PATH_MAX], copy[PATH_MAX], table[PATH_MAX];
	struct config c, d;
	size_t i;

	(void)state;
	tmp_dir(dir, sizeof dir);
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		snprintf(orig, sizeof orig, "%s/configs/%s", STASIM_SRC_DIR,
			 names[i]);
		copy_shipped(names[i], dir, copy, sizeof copy);
		load_ok(orig, &c);
		load_ok(copy, &d);
		assert_string_equal(d.path, copy);
		/* original: beside it; copy: the source tree's configs/ */
		assert_non_null(strstr(c.energy.path, "/configs/energy/"));
		snprintf(table, sizeof table, "%s/configs/%s", STASIM_SRC_DIR,
			 strstr(c.energy.path, "energy/"));
		assert_string_equal(d.energy.path, table);
		same_real(c.energy.path, d.energy.path);
		same_printed(&c, &d);
		strcpy(d.energy.path, c.energy.path);
		same_config(&c, &d);
		unlink(copy);
	}
	rmdir(dir);
}

/* An energy/ folder beside the config wins over the shipped tables; a
 * table it lacks still comes from the source tree. */
static void test_own_energy_dir(void **state)
{
	char dir[DIR_MAX], p[PATH_MAX], sta[PATH_MAX], edge[PATH_MAX];
	struct config c;

	(void)state;
	tmp_dir(dir, sizeof dir);
	assert_int_equal(mkdir(at(p, sizeof p, dir, "energy"), 0700), 0);
	write_modified_table(at(p, sizeof p, dir,
				"energy/horowitz45-lpddr4.ini"));
	copy_shipped("sta-default.ini", dir, sta, sizeof sta);
	copy_shipped("edge-small.ini", dir, edge, sizeof edge);

	load_ok(sta, &c);
	assert_string_equal(c.energy.path, p);
	same_double(c.energy.dram_pj_per_bit, 9.25);
	same_double(c.energy.exp_pj, 1.5);	/* 1.525 in the shipped one */

	load_ok(edge, &c);			/* names horowitz45-ddr3.ini */
	assert_string_equal(c.energy.path,
			    STASIM_SRC_DIR "/configs/energy/horowitz45-ddr3.ini");
	same_double(c.energy.dram_pj_per_bit, 70);
	unlink(sta);
	unlink(edge);
	remove_dir_with_table(dir);
}

/* An empty file alone in a directory is configs/sta-default.ini. */
static void test_empty_anywhere(void **state)
{
	char dir[DIR_MAX], path[PATH_MAX];
	struct config c, d, s;

	(void)state;
	tmp_dir(dir, sizeof dir);
	write_file(at(path, sizeof path, dir, "empty.ini"), "");
	load_ok(path, &c);
	assert_string_equal(c.energy.path, LPDDR4_TABLE);
	config_defaults(&d);
	d.energy = c.energy;
	same_config(&c, &d);
	load_ok(SRC("configs/sta-default.ini"), &s);
	same_printed(&c, &s);
	unlink(path);
	rmdir(dir);
}

static void test_installed_dir(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(config_installed_dir("/usr/local/bin/stasim", buf,
					      sizeof buf), 0);
	assert_string_equal(buf, "/usr/local/share/stasim/configs");
	assert_int_equal(config_installed_dir("/tmp/dest/usr/bin/stasim", buf,
					      sizeof buf), 0);
	assert_string_equal(buf, "/tmp/dest/usr/share/stasim/configs");
	assert_int_equal(config_installed_dir("/bin/stasim", buf, sizeof buf),
			 0);
	assert_string_equal(buf, "/share/stasim/configs");
	assert_int_equal(config_installed_dir("/stasim", buf, sizeof buf), -1);
	assert_int_equal(config_installed_dir("stasim", buf, sizeof buf), -1);
	assert_int_equal(config_installed_dir("/usr/local/bin/stasim", buf,
					      31), -1);
}

/* Directories of a fake install prefix, parents first. */
static const char *const prefix_dirs[] = {
	"bin", "share", "share/stasim", "share/stasim/configs",
	"share/stasim/configs/energy", "work", NULL
};

/* root/bin/stasim (a copy of the binary under test), a modified default
 * table in root/share/stasim/configs/energy and root/work/empty.ini. */
static void make_prefix(const char *root, const char *bin)
{
	char p[PATH_MAX];
	int i;

	for (i = 0; prefix_dirs[i]; i++)
		assert_int_equal(mkdir(at(p, sizeof p, root, prefix_dirs[i]),
				       0700), 0);
	copy_file(bin, at(p, sizeof p, root, "bin/stasim"), 0755);
	write_modified_table(at(p, sizeof p, root, "share/stasim/configs/"
				"energy/horowitz45-lpddr4.ini"));
	write_file(at(p, sizeof p, root, "work/empty.ini"), "");
}

static void remove_prefix(const char *root)
{
	char p[PATH_MAX];
	int i;

	unlink(at(p, sizeof p, root, "bin/stasim"));
	unlink(at(p, sizeof p, root, "share/stasim/configs/energy/"
		  "horowitz45-lpddr4.ini"));
	unlink(at(p, sizeof p, root, "work/empty.ini"));
	for (i = (int)(sizeof prefix_dirs / sizeof prefix_dirs[0]) - 2; i >= 0;
	     i--)
		assert_int_equal(rmdir(at(p, sizeof p, root, prefix_dirs[i])),
				 0);
	assert_int_equal(rmdir(root), 0);
}

/* Run the prefix's stasim in root/work with args; output into out. */
static int run_installed(const char *root, const char *args, char *out)
{
	char cmd[3 * PATH_MAX];

	snprintf(cmd, sizeof cmd, "cd '%s/work' && '%s/bin/stasim' %s 2>&1",
		 root, root, args);
	return run_cmd(cmd, out, OUT_MAX);
}

/* An installed binary finds the default table in PREFIX/share/stasim/
 * configs/energy, wherever PREFIX is: `stasim config` and `stasim run` on
 * an empty config with nothing beside it. */
static void test_installed_layout(void **state)
{
	static char out[OUT_MAX];
	char dir[DIR_MAX], root[PATH_MAX], want[2 * PATH_MAX];

	(void)state;
	if (access(stasim_bin(), X_OK)) {
		print_message("no %s: set STASIM_BIN\n", stasim_bin());
		skip();
	}
	tmp_dir(dir, sizeof dir);
	assert_non_null(realpath(dir, root));	/* what /proc/self/exe gives */
	make_prefix(root, stasim_bin());

	assert_int_equal(run_installed(root, "config -c empty.ini", out), 0);
	snprintf(want, sizeof want, "\ntable = %s/share/stasim/configs/energy/"
		 "horowitz45-lpddr4.ini\t", root);
	assert_non_null(strstr(out, want));
	assert_non_null(strstr(out, "\n;   [dram] pj_per_bit = 9.25 pJ/bit\n"));

	assert_int_equal(run_installed(root, "run -c empty.ini -t '"
				       SRC("traces/deit-tiny-2of4.trace.gz")
				       "' --format json", out), 0);
	snprintf(want, sizeof want, "\"energy_table\": \"%s/share/stasim/"
		 "configs/energy/horowitz45-lpddr4.ini\"", root);
	assert_non_null(strstr(out, want));
	remove_prefix(root);
}

static void test_derived(void **state)
{
	struct config c;

	(void)state;
	config_defaults(&c);
	assert_int_equal(config_dram_latency_cycles(&c), 100);
	same_double(config_dram_bytes_per_cycle(&c), 25.6);
	assert_int_equal(config_dram_bpc_fx(&c), 1677721);	/* 25.6 * 65536 = 1677721.6 */

	c.clock_mhz = 300;
	c.dram_latency_ns = 150;
	c.dram_gbps = 12.8;
	assert_int_equal(config_dram_latency_cycles(&c), 45);
	assert_int_equal(config_dram_bpc_fx(&c), 2796202);	/* 42.666.. B/cycle */

	c.clock_mhz = 333;
	c.dram_latency_ns = 10;				/* 3.33 cycles */
	assert_int_equal(config_dram_latency_cycles(&c), 4);
	c.dram_latency_ns = 0;
	assert_int_equal(config_dram_latency_cycles(&c), 0);

	c.clock_mhz = 1000;
	c.dram_gbps = 64;
	assert_int_equal(config_dram_bpc_fx(&c), 64 * 65536);
	c.clock_mhz = 10000;
	c.dram_gbps = 0.01;				/* 0.001 B/cycle */
	assert_int_equal(config_dram_bpc_fx(&c), 65);
}

static void test_err_format(void **state)
{
	char path[PATH_MAX], buf[PATH_MAX + 1200], want[PATH_MAX + 64];
	struct config c;
	struct sim_err e;

	(void)state;
	assert_int_equal(load_text("[engine]\nrows = 4\ncolz = 4\n", &c, &e,
				   path, sizeof path), -1);
	err_format(&e, buf, sizeof buf);
	snprintf(want, sizeof want, "%s:3: engine.colz: unknown key 'colz'",
		 path);
	assert_memory_equal(buf, want, strlen(want));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_empty_file_defaults),
		cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_bool_spellings_crlf),
		cmocka_unit_test(test_bad_configs),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_cannot_open),
		cmocka_unit_test(test_missing_table),
		cmocka_unit_test(test_table_not_found),
		cmocka_unit_test(test_copied_config),
		cmocka_unit_test(test_own_energy_dir),
		cmocka_unit_test(test_empty_anywhere),
		cmocka_unit_test(test_installed_dir),
		cmocka_unit_test(test_installed_layout),
		cmocka_unit_test(test_bad_tables),
		cmocka_unit_test(test_relative_table),
		cmocka_unit_test(test_repo_configs),
		cmocka_unit_test(test_print_roundtrip),
		cmocka_unit_test(test_derived),
		cmocka_unit_test(test_err_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
