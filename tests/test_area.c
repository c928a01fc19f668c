/*
 * test_area.c - the area model and the leakage that follows from it
 * (sim/area.c, the units' area hooks, docs/ppa.md "Area", "Leakage"):
 * composition by instance counts, checked by hand against a hand-written
 * component table; the engine's rows x cols scaling on the built-in table;
 * SRAM from the cited cell and efficiency; the user cache; a parameter set
 * not synthesized, scaled by the documented size rules and named as
 * estimated (never synthesized by a run); the `area` command's formats;
 * the run report's area object; leakage = area x the cited densities x
 * time, so a bigger design leaks more; the gone leakage keys.
 *
 * Every expected value is worked out here from the table's numbers and
 * the cited constants (0.346 um^2 per bit cell, array efficiency 0.655,
 * 26.98 nW/um^2, 25.12 nW/bit), not read back from the code.
 */
#include "testutil.h"

#include <math.h>

#include "area.h"
#include "energy.h"
#include "unit.h"

#define K_PE4 "N_MAX=4 M_MAX=16 ACT_BITS=8 WEIGHT_BITS=8"
#define K_SMX "ALGORITHM=0 EXP_LATENCY=4 RECIP_LATENCY=8 DIVIDERS=2 " \
	"DIV_LATENCY=19"

/* Round numbers, so that the sums below are done by hand. */
static const char hand_table[] =
	"# a hand-written table\n"
	"sde.pe\t" K_PE4 "\t1000\thand\n"
	"sde.row\t" K_PE4 "\t100\thand\n"
	"sde.col\t" K_PE4 "\t10\thand\n"
	"sde.fixed\t" K_PE4 "\t5000\thand\n"
	"smx.lane\t" K_SMX "\t300\thand\n"
	"smx.rest\t" K_SMX "\t700\thand\n"
	"vec.lane\tLATENCY=4\t20\thand\n"
	"vec.rest\tLATENCY=4\t80\thand\n"
	"gate.core\tGEMV=64\t8500\thand\n"
	"gate.sorter\tGEMV=64\t500\thand\n"
	"fu\t-\t50\thand\n";

/* sta-default's 512 + 128 + 128 KiB of 8192 bits, each 0.346 um^2 of
 * cell at 65.5 % array efficiency */
#define SRAM_768K (768.0 * 8192 * 0.346 / 0.655)

/* Point the area model at the hand table and an empty cache in s. */
static void use_hand_table(struct scratch *s)
{
	write_file(scratch_file(s, "table.tsv"), hand_table);
	assert_int_equal(setenv("STASIM_AREA_TABLE", s->path, 1), 0);
	assert_int_equal(setenv("XDG_CACHE_HOME", s->dir, 1), 0);
}

static void area_text(const char *body, struct area_report *a)
{
	struct config c;
	struct sim_err err;

	load_cfg_text(body, &c);
	assert_int_equal(area_of(unit_registry_default(), &c, a, &err), 0);
}

/* 32 x 32: 1024 PEs x 1000 + 32 rows x 100 + 32 cols x 10 + 5000 =
 * 1,032,520; the softmax unit 32 lanes x
 * 300 + 700 + a controller 50 = 10,350; the vector unit 32 x 20 + 80 + 50
 * = 770; the gate's core 8500 + 1 sorter cell 500 + its softmax data
 * path 32 x 300 + 700 + 50 = 19,350. */
static void test_compose_default(void **state)
{
	struct scratch *s = *state;
	struct area_report a;

	use_hand_table(s);
	area_text("", &a);
	assert_int_equal(a.n, 5);
	assert_float_equal(area_unit_um2(&a, "sde"), 1032520, 1e-6);
	assert_float_equal(area_unit_um2(&a, "smx"), 10350, 1e-6);
	assert_float_equal(area_unit_um2(&a, "vec"), 770, 1e-6);
	assert_float_equal(area_unit_um2(&a, "gate"), 19350, 1e-6);
	assert_float_equal(a.logic_um2, 1032520 + 10350 + 770 + 19350, 1e-6);
	assert_float_equal(area_unit_um2(&a, "sram"), SRAM_768K, 1e-3);
	assert_float_equal(a.total_um2, a.logic_um2 + SRAM_768K, 1e-3);
}

/* Lanes and sorter cells are instances: 8 softmax lanes, 4 vector lanes,
 * 3 sorter cells. */
static void test_compose_lanes(void **state)
{
	struct scratch *s = *state;
	struct area_report a;

	use_hand_table(s);
	area_text("[softmax]\nlanes = 8\n[vector]\nlanes = 4\n[gate]\n"
		  "sorters = 3\n", &a);
	assert_float_equal(area_unit_um2(&a, "smx"), 8 * 300 + 700 + 50, 1e-6);
	assert_float_equal(area_unit_um2(&a, "vec"), 4 * 20 + 80 + 50, 1e-6);
	assert_float_equal(area_unit_um2(&a, "gate"),
			   8500 + 3 * 500 + 8 * 300 + 700 + 50, 1e-6);
}

/* 64 x 64 on the hand table: 4096 x 1000 + 64 x 100 + 64 x 10 + 5000 =
 * 4,108,040: less the fixed 5000, 3.9931 times the 32 x 32 engine's
 * 1,027,520 (the edges grow as rows, the PEs as rows x cols). */
static void test_engine_scales_hand(void **state)
{
	struct scratch *s = *state;
	struct area_report a32, a64;
	double r;

	use_hand_table(s);
	area_text("", &a32);
	area_text("[engine]\nrows = 64\ncols = 64\n", &a64);
	assert_float_equal(area_unit_um2(&a64, "sde"), 4108040, 1e-6);
	r = (area_unit_um2(&a64, "sde") - 5000) /
	    (area_unit_um2(&a32, "sde") - 5000);
	assert_float_equal(r, 4103040.0 / 1027520.0, 1e-9);
	/* nothing else grows with the array */
	assert_float_equal(area_unit_um2(&a64, "smx"), 10350, 1e-6);
}

/* A number of the built-in table: component comp at key. */
static double shipped(const char *comp, const char *key)
{
	const struct area_entry *e;

	for (e = area_table; e->comp; e++)
		if (!strcmp(e->comp, comp) && !strcmp(e->key, key))
			return e->um2;
	fail_msg("%s %s not in the built-in table", comp, key);
	return -1;
}

/* The shipped table: the engine composed by hand from its four components
 * at 32 x 32 and 64 x 64; 64 x 64 is about 4 x 32 x 32 once the fixed
 * part is taken off both. */
static void test_engine_scales_shipped(void **state)
{
	struct scratch *s = *state;
	double pe = shipped("sde.pe", K_PE4), row = shipped("sde.row", K_PE4),
	       col = shipped("sde.col", K_PE4),
	       fx = shipped("sde.fixed", K_PE4), e32, e64;
	struct area_report a32, a64;

	assert_int_equal(unsetenv("STASIM_AREA_TABLE"), 0);
	assert_int_equal(setenv("XDG_CACHE_HOME", s->dir, 1), 0);
	area_text("", &a32);
	area_text("[engine]\nrows = 64\ncols = 64\n", &a64);
	e32 = 1024 * pe + 32 * row + 32 * col + fx;
	e64 = 4096 * pe + 64 * row + 64 * col + fx;
	assert_float_equal(area_unit_um2(&a32, "sde"), e32, 1e-6 * e32);
	assert_float_equal(area_unit_um2(&a64, "sde"), e64, 1e-6 * e64);
	assert_true((e64 - fx) / (e32 - fx) > 3.9);
	assert_true((e64 - fx) / (e32 - fx) <= 4.0);
	/* the PE is the bulk: more than 90 % of the 32 x 32 engine */
	assert_true(1024 * pe > 0.9 * e32);
}

/* Double buffering halves the banks, not the capacity; 100 KiB of act,
 * 10 of wgt, 2 of out. */
static void test_sram_formula(void **state)
{
	struct config c;
	struct area_unit u;

	(void)state;
	load_cfg_text("[sram]\nact_kib = 100\nwgt_kib = 10\nout_kib = 2\n"
		      "double_buffer = true\n", &c);
	area_sram(&c, &u);
	assert_float_equal(u.um2, 112 * 8192 * 0.346 / 0.655, 1e-6);
	c.double_buffer = 0;
	area_sram(&c, &u);
	assert_float_equal(u.um2, 112 * 8192 * 0.346 / 0.655, 1e-6);
}

/*
 * A parameter set in neither table nor cache: scaled from the nearest
 * synthesized set by the size rules of docs/ppa.md "Estimates" and named
 * as estimated. n_max 8 from the hand table's n_max 4 (m 16, 8-bit):
 * PE size 11.058 n a w + 3.326 n m a + 1498 = 5661.696 + 3405.824 + 1498
 * = 10565.52 against 2830.848 + 1702.912 + 1498 = 6031.76; a row edge
 * (m x act bits), a column edge (64 + act + weight bits) and the fixed
 * part are the same size. On 2 x 2: 4 x 1000 x 10565.52 / 6031.76 +
 * 2 x 100 + 2 x 10 + 5000.
 */
static void test_missing_is_estimated(void **state)
{
	struct scratch *s = *state;
	double pe = 1000 * 10565.52 / 6031.76;
	char cfg[1024], cmd[4096], out[8192];
	struct area_report a;

	use_hand_table(s);
	area_text("[engine]\nn_max = 8\nrows = 2\ncols = 2\n", &a);
	assert_float_equal(area_unit_um2(&a, "sde"),
			   4 * pe + 200 + 20 + 5000, 1e-6);
	assert_non_null(strstr(a.estimated, "sde.pe N_MAX=8 M_MAX=16 "
			       "ACT_BITS=8 WEIGHT_BITS=8 (from " K_PE4 ")"));
	/* the set in the table is not estimated */
	area_text("[engine]\nrows = 2\ncols = 2\n", &a);
	assert_string_equal(a.estimated, "");

	/* stasim area without yosys: the same figure, a note, exit 0 */
	strf(cfg, sizeof cfg, "%s", scratch_file(s, "n8.ini"));
	write_file(cfg, "[engine]\nn_max = 8\nrows = 2\ncols = 2\n");
	unsetenv("STASIM_AREA_SYNTH");
	strf(cmd, sizeof cmd, "cd %s && YOSYS=/nonexistent/yosys %s area -c "
	     "%s --format csv 2>&1", s->dir, stasim_bin(), cfg);
	assert_int_equal(run_cmd(cmd, out, sizeof out), 0);
	setenv("STASIM_AREA_SYNTH", "0", 1);
	assert_non_null(strstr(out, "yosys is not installed"));
	assert_non_null(strstr(out, "sde,pe,4,1751.6479,"));
	/* a run never synthesizes: it says estimated and goes on */
	strf(cmd, sizeof cmd, "cd %s && %s run -c %s -t "
	     "%s/traces/deit-tiny-2of4.trace.gz --format json 2>&1", s->dir,
	     stasim_bin(), cfg, STASIM_SRC_DIR);
	assert_int_equal(run_cmd(cmd, out, sizeof out), 0);
	assert_non_null(strstr(out, "\"estimated\": \"sde.pe N_MAX=8 "));
}

/*
 * Of two synthesized sets, the nearer by the size rule is scaled: PE
 * sizes (11.058 n a w + 3.326 n m a + 1498) are 5180.304 at n 4, m 8,
 * 8-bit, 6031.76 at n 4, m 16 (ratio 1.16) and 8862.608 at n 2, m 16,
 * 16-bit (ratio 1.71): 1000 x 5180.304 / 6031.76, not 5000 x 5180.304 /
 * 8862.608.
 */
static void test_nearest_set(void **state)
{
	struct scratch *s = *state;
	struct area_report a;

	write_file(scratch_file(s, "two.tsv"),
		   "sde.pe\t" K_PE4 "\t1000\n"
		   "sde.pe\tN_MAX=2 M_MAX=16 ACT_BITS=16 WEIGHT_BITS=16\t5000\n"
		   "sde.row\t" K_PE4 "\t0\nsde.col\t" K_PE4 "\t0\n"
		   "sde.fixed\t" K_PE4 "\t0\n"
		   "smx.lane\t" K_SMX "\t1\nsmx.rest\t" K_SMX "\t1\n"
		   "vec.lane\tLATENCY=4\t1\nvec.rest\tLATENCY=4\t1\n"
		   "gate.core\tGEMV=64\t1\ngate.sorter\tGEMV=64\t1\n"
		   "fu\t-\t1\n");
	assert_int_equal(setenv("STASIM_AREA_TABLE", s->path, 1), 0);
	assert_int_equal(setenv("XDG_CACHE_HOME", s->dir, 1), 0);
	area_text("[engine]\nm_max = 8\nrows = 1\ncols = 1\n", &a);
	assert_float_equal(area_unit_um2(&a, "sde"), 1000 * 5180.304 / 6031.76,
			   1e-6);
	assert_non_null(strstr(a.estimated, "(from " K_PE4 ")"));
}

/* The softmax and gate units share the softmax data path: scaled once,
 * listed once (an exp_latency the hand table lacks; a lane is taken as
 * the same size, so the areas stay the table's). */
static void test_estimate_listed_once(void **state)
{
	struct scratch *s = *state;
	struct area_report a;
	const char *p;

	use_hand_table(s);
	area_text("[softmax]\nexp_latency = 6\nlanes = 2\n", &a);
	assert_non_null(p = strstr(a.estimated, "smx.lane ALGORITHM=0 "
				   "EXP_LATENCY=6 "));
	assert_null(strstr(p + 1, "smx.lane"));
	assert_float_equal(area_unit_um2(&a, "smx"), 2 * 300 + 700 + 50, 1e-6);
	assert_float_equal(area_unit_um2(&a, "gate"),
			   8500 + 500 + 2 * 300 + 700 + 50, 1e-6);
}

/* An online lane is not scaled into an ita lane: with no ita set in the
 * table, a run of the ita softmax stops before running (exit 2), one line
 * naming the component and the command that synthesizes it. */
static void test_no_set_to_scale_from(void **state)
{
	struct scratch *s = *state;
	char cfg[1024], cmd[4096], out[4096];

	use_hand_table(s);
	strf(cfg, sizeof cfg, "%s", scratch_file(s, "ita.ini"));
	write_file(cfg, "[softmax]\nalgorithm = ita\n");
	strf(cmd, sizeof cmd, "%s run -c %s -t %s/traces/deit-tiny-2of4."
	     "trace.gz 2>&1", stasim_bin(), cfg, STASIM_SRC_DIR);
	assert_int_equal(run_cmd(cmd, out, sizeof out), 2);
	assert_non_null(strstr(out, "no synthesized smx.lane to scale "
			       "ALGORITHM=1 "));
	assert_non_null(strstr(out, "sh rtl/synth/area.sh smx ALGORITHM=1 "));
	assert_ptr_equal(strchr(out, '\n'), out + strlen(out) - 1);
}

/* The user cache answers a key the table lacks. */
static void test_user_cache(void **state)
{
	struct scratch *s = *state;
	char dir[600];
	struct area_report a;

	use_hand_table(s);
	strf(dir, sizeof dir, "%s/stasim", s->dir);
	assert_int_equal(mkdir(dir, 0777), 0);
	write_file(scratch_file(s, "stasim/area-nangate45.tsv"),
		   "sde.pe\tN_MAX=8 M_MAX=16 ACT_BITS=8 WEIGHT_BITS=8\t2000\tx\n"
		   "sde.row\tN_MAX=8 M_MAX=16 ACT_BITS=8 WEIGHT_BITS=8\t0\tx\n"
		   "sde.col\tN_MAX=8 M_MAX=16 ACT_BITS=8 WEIGHT_BITS=8\t0\tx\n"
		   "sde.fixed\tN_MAX=8 M_MAX=16 ACT_BITS=8 WEIGHT_BITS=8\t7\tx\n");
	area_text("[engine]\nn_max = 8\nrows = 4\ncols = 4\n", &a);
	assert_float_equal(area_unit_um2(&a, "sde"), 16 * 2000 + 7, 1e-6);
}

/* stasim area --format csv: the parts and the total, by hand. */
static void test_area_command_csv(void **state)
{
	struct scratch *s = *state;
	char cfg[1024], cmd[4096], out[8192];

	use_hand_table(s);
	strf(cfg, sizeof cfg, "%s", scratch_file(s, "c.ini"));
	write_file(cfg, "[engine]\nrows = 2\ncols = 3\n[softmax]\nlanes = 1\n"
		   "[vector]\nlanes = 1\n[sram]\nact_kib = 1\nwgt_kib = 1\n"
		   "out_kib = 1\n");
	strf(cmd, sizeof cmd, "%s area -c %s --format csv", stasim_bin(), cfg);
	assert_int_equal(run_cmd(cmd, out, sizeof out), 0);
	/* 2 x 3 PEs x 1000 + 2 rows x 100 + 3 cols x 10 + 5000 = 11230 */
	assert_non_null(strstr(out, "sde,pe,6,1000.0000,6000.000,0.006000\n"));
	assert_non_null(strstr(out, "sde,row edge,2,100.0000,200.000,"));
	assert_non_null(strstr(out, "sde,col edge,3,10.0000,30.000,"));
	assert_non_null(strstr(out, "sde,total,,,11230.000,0.011230\n"));
	assert_non_null(strstr(out, "smx,total,,,1050.000,0.001050\n"));
	assert_non_null(strstr(out, "vec,total,,,150.000,0.000150\n"));
	assert_non_null(strstr(out, "gate,total,,,10050.000,0.010050\n"));
	/* 3 KiB = 24576 bits x 0.346 / 0.655 = 12982.1 um^2 */
	assert_non_null(strstr(out, "sram,total,,,12982.131,0.012982\n"));
	/* 11230 + 1050 + 150 + 10050 + 12982.131 */
	assert_non_null(strstr(out, "TOTAL,total,,,35462.131,0.035462\n"));
	strf(cmd, sizeof cmd, "%s area -c %s --format xml 2>&1", stasim_bin(),
	     cfg);
	assert_int_equal(run_cmd(cmd, out, sizeof out), 2);
}

/* The run report carries the area: json object, txt line. */
static void test_run_report_area(void **state)
{
	struct scratch *s = *state;
	char cfg[1024], tr[1024], cmd[4096];
	char *out = malloc(1 << 20);

	assert_non_null(out);
	use_hand_table(s);
	strf(cfg, sizeof cfg, "%s", scratch_file(s, "c.ini"));
	write_file(cfg, "[engine]\nrows = 2\ncols = 2\n[softmax]\nlanes = 1\n"
		   "[vector]\nlanes = 1\n[sram]\nact_kib = 64\nwgt_kib = 64\n"
		   "out_kib = 64\n");
	strf(tr, sizeof tr, "%s", scratch_file(s, "t.trace"));
	write_file(tr, "stasim-trace 1\ngemm name=g m=8 k=16 n=8\n");
	strf(cmd, sizeof cmd, "%s run -c %s -t %s --format json", stasim_bin(),
	     cfg, tr);
	assert_int_equal(run_cmd(cmd, out, 1 << 20), 0);
	assert_non_null(strstr(out, "  \"area\": {\n    \"units\": {\n"
			       "      \"sde\": { \"um2\": 9220.000, \"mm2\": "
			       "0.009220 },\n"));
	/* 192 KiB of SRAM: 1572864 bits x 0.346 / 0.655 = 830856.403 um^2;
	 * with the logic 9220 + 1050 + 150 + 10050: 851326.403 */
	assert_non_null(strstr(out, "\"sram\": { \"um2\": 830856.403"));
	assert_non_null(strstr(out, "\"total_um2\": 851326.403,\n"
			       "    \"total_mm2\": 0.851326,\n"
			       "    \"estimated\": \"\"\n  },\n"));
	strf(cmd, sizeof cmd, "%s run -c %s -t %s", stasim_bin(), cfg, tr);
	assert_int_equal(run_cmd(cmd, out, 1 << 20), 0);
	assert_non_null(strstr(out, "\narea: 0.851 mm2 (sde 0.009, vec 0.000,"
			       " smx 0.001, gate 0.010, sram 0.831;"));
	free(out);
}

/*
 * The size rules against synthesis (docs/ppa.md "Estimates"): each engine
 * and gate parameter set of the built-in table, left out of it, is scaled
 * from the sets that remain and compared with its synthesized area, as a
 * 32 x 32 engine (or the gate's core). The bounds are the documented
 * worst cases: an engine within 15 %, a gate core within 2 %. Prints the
 * errors (the docs' table).
 */
static void test_estimates_against_synthesis(void **state)
{
	struct scratch *s = *state;
	const struct area_entry *e, *x;
	const char *unit;
	int n = 0;

	assert_int_equal(setenv("XDG_CACHE_HOME", s->dir, 1), 0);
	for (x = area_table; x->comp; x++) {
		char body[256], *tsv = NULL;
		size_t len = 0;
		FILE *f;
		struct config c;
		struct sim_err err;
		struct area_report exact, est;
		double a, b;
		int sde = !strcmp(x->comp, "sde.pe");

		if (!sde && strcmp(x->comp, "gate.core"))
			continue;
		unit = sde ? "sde" : "gate";
		if (sde)
			strf(body, sizeof body, "[engine]\nrows = 32\ncols = 32\n"
			     "n_max = %.0f\nm_max = %.0f\nact_bits = %.0f\n"
			     "weight_bits = %.0f\n", area_param(x->key, "N_MAX"),
			     area_param(x->key, "M_MAX"),
			     area_param(x->key, "ACT_BITS"),
			     area_param(x->key, "WEIGHT_BITS"));
		else
			strf(body, sizeof body, "[gate]\ngemv_width = %.0f\n",
			     area_param(x->key, "GEMV"));
		load_cfg_text(body, &c);
		assert_int_equal(unsetenv("STASIM_AREA_TABLE"), 0);
		assert_int_equal(area_of(unit_registry_default(), &c, &exact,
					 &err), 0);
		assert_string_equal(exact.estimated, "");
		/* the table without this set's components */
		assert_non_null(f = open_memstream(&tsv, &len));
		for (e = area_table; e->comp; e++)
			if (strncmp(e->comp, unit, strlen(unit)) ||
			    strcmp(e->key, x->key))
				fprintf(f, "%s\t%s\t%.1f\t%s\n", e->comp, e->key,
					e->um2, e->how);
		fclose(f);
		write_file(scratch_file(s, "loo.tsv"), tsv);
		free(tsv);
		assert_int_equal(setenv("STASIM_AREA_TABLE", s->path, 1), 0);
		assert_int_equal(area_of(unit_registry_default(), &c, &est,
					 &err), 0);
		assert_non_null(strstr(est.estimated, x->key));
		a = area_unit_um2(&exact, unit);
		b = area_unit_um2(&est, unit);
		if (!sde) {	/* the core alone: less its softmax and fu */
			a = exact.unit[3].part[0].each_um2;
			b = est.unit[3].part[0].each_um2;
			assert_string_equal(exact.unit[3].name, "gate");
		}
		printf("    %-5s %-45s synthesized %12.1f  scaled %12.1f  "
		       "%+6.1f %%\n", unit, x->key, a, b, 100 * (b - a) / a);
		assert_true(fabs(b - a) <= (sde ? 0.15 : 0.02) * a);
		n++;
	}
	assert_int_equal(n, 8);	/* 5 engine sets, 3 gate cores */
}

/* pJ of leaking `um2` of logic (26.98 nW/um^2) or `bits` of SRAM
 * (25.12 nW/bit) for ns nanoseconds: nW x ns = 1e-6 pJ */
#define LOGIC_PJ(um2, ns) ((um2) * 26.98 * (ns) * 1e-6)
#define SRAM_PJ(bits, ns) ((bits) * 25.12 * (ns) * 1e-6)

static void run_text(const char *cfg, struct run_result *r, double *ns)
{
	struct config c;
	struct trace t;
	struct run_opts o = { .seed = 1, .fast_forward = 1 };

	load_cfg_text(cfg, &c);
	load_trace_text("stasim-trace 1\ngemm name=g m=64 k=256 n=64\n"
			"softmax name=s m=64 n=64 heads=1\n", &t);
	run_checked(&c, &t, &o, r);
	*ns = (double)r->cycles * 1000.0 / c.clock_mhz;
	trace_free(&t);
}

/*
 * Leakage is area x density x time: on the hand table, a 2 x 2 engine at
 * 500 MHz (2 ns a cycle) is 9220 um^2 (4 x 1000 + 2 x 100 + 2 x 10 +
 * 5000), the softmax 1 lane 300 + 700 + 50, the gate 8500 + 500 + 1050,
 * the vector 1 lane 20 + 80 + 50; 3 x 64 KiB of SRAM is 1,572,864 bits; the
 * DMA leaks its table's 0.116 pJ per ns. A 4 x 4 engine (21,440 um^2:
 * 16 x 1000 + 4 x 100 + 4 x 10 + 5000) leaks 21440 / 9220 times as much
 * per ns.
 */
static void test_leakage_from_area(void **state)
{
	struct scratch *s = *state;
	const char *base = "[arch]\nclock_mhz = 500\n[softmax]\nlanes = 1\n"
		"[vector]\nlanes = 1\n[sram]\nact_kib = 64\nwgt_kib = 64\n"
		"out_kib = 64\n[engine]\n";
	char cfg[512];
	struct run_result r;
	double ns, sde2;

	use_hand_table(s);
	strf(cfg, sizeof cfg, "%srows = 2\ncols = 2\n", base);
	run_text(cfg, &r, &ns);
	assert_true(r.cycles > 0);
	assert_float_equal(r.total_energy.leak_pj[EU_SDE],
			   LOGIC_PJ(9220, ns), 1e-9 * LOGIC_PJ(9220, ns));
	assert_float_equal(r.total_energy.leak_pj[EU_SMX],
			   LOGIC_PJ(1050, ns), 1e-9 * LOGIC_PJ(1050, ns));
	assert_float_equal(r.total_energy.leak_pj[EU_GATE],
			   LOGIC_PJ(10050, ns), 1e-9 * LOGIC_PJ(10050, ns));
	assert_float_equal(r.total_energy.leak_pj[EU_VEC],
			   LOGIC_PJ(150, ns), 1e-9 * LOGIC_PJ(150, ns));
	assert_float_equal(r.total_energy.leak_pj[EU_SRAM],
			   SRAM_PJ(1572864, ns), 1e-9 * SRAM_PJ(1572864, ns));
	assert_float_equal(r.total_energy.leak_pj[EU_DRAM], 0.116 * ns,
			   1e-9 * ns);
	sde2 = r.total_energy.leak_pj[EU_SDE] / ns;
	run_free(&r);

	strf(cfg, sizeof cfg, "%srows = 4\ncols = 4\n", base);
	run_text(cfg, &r, &ns);
	assert_float_equal(r.total_energy.leak_pj[EU_SDE] / ns,
			   sde2 * 21440 / 9220, 1e-9 * sde2);
	run_free(&r);
}

/* The 10 % rule's keys are gone: an energy table that still has one is
 * told what replaced them (file, line, field, exit 2). */
static void test_old_leakage_keys(void **state)
{
	struct scratch *s = *state;
	char *tab, path[1024], cmd[4096], out[4096], *p;
	size_t n;

	tab = slurp_text(src_path(path, sizeof path,
				  "configs/energy/horowitz45-ddr3.ini"), &n);
	assert_non_null(tab);
	assert_non_null(p = strstr(tab, "logic_nw_per_um2 = 26.98\n"));
	memcpy(p, "pe_pj_per_cycle  = 0.198\n", 25);
	write_file(scratch_file(s, "old.ini"), tab);
	write_file(scratch_file(s, "c.ini"), "[energy]\ntable = old.ini\n");
	strf(cmd, sizeof cmd, "%s config -c %s 2>&1", stasim_bin(),
	     scratch_file(s, "c.ini"));
	assert_int_equal(run_cmd(cmd, out, sizeof out), 2);
	assert_non_null(strstr(out, "old.ini:"));
	assert_non_null(strstr(out, "leakage.pe_pj_per_cycle"));
	assert_non_null(strstr(out, "logic_nw_per_um2"));
	free(tab);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		scratch_test(test_compose_default),
		scratch_test(test_compose_lanes),
		scratch_test(test_engine_scales_hand),
		scratch_test(test_engine_scales_shipped),
		scratch_test(test_sram_formula),
		scratch_test(test_missing_is_estimated),
		scratch_test(test_nearest_set),
		scratch_test(test_estimate_listed_once),
		scratch_test(test_no_set_to_scale_from),
		scratch_test(test_user_cache),
		scratch_test(test_area_command_csv),
		scratch_test(test_run_report_area),
		scratch_test(test_estimates_against_synthesis),
		scratch_test(test_leakage_from_area),
		scratch_test(test_old_leakage_keys),
	};

	/* never minutes of yosys inside a test: stasim area scales too */
	setenv("STASIM_AREA_SYNTH", "0", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
