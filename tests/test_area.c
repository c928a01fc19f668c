/*
 * test_area.c - the area model (sim/area.c, the units' area hooks,
 * docs/energy.md "Area"): composition by instance counts, checked by hand
 * against a hand-written component table; the engine's rows x cols
 * scaling on the shipped table; SRAM from the cited cell and efficiency;
 * the user cache; a missing key without yosys (exit 2, one line naming
 * the component, its parameters and the command); the `area` command's
 * formats and the run report's area object.
 *
 * Every expected value is worked out here from the table's numbers and
 * the cited constants (0.346 um^2 per bit cell, array efficiency 0.655),
 * not read back from the code.
 */
#include "testutil.h"

#include "area.h"
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
	"gate.core\tGEMV=64 SORTERS=1\t9000\thand\n"
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

static void area_of(const char *body, struct area_report *a)
{
	struct config c;
	struct area_ctx ctx;
	struct sim_err err;

	load_cfg_text(body, &c);
	area_ctx_init(&ctx, 0);
	assert_int_equal(area_config(unit_registry_default(), &c, &ctx, a,
				     &err), 0);
}

/* 32 x 32: 1024 PEs x 1000 + 32 rows x 100 + 32 cols x 10 + 5000 =
 * 1,032,520; the softmax unit 32 lanes x
 * 300 + 700 + a controller 50 = 10,350; the vector unit 32 x 20 + 80 + 50
 * = 770; the gate 9000 + its softmax data path 32 x 300 + 700 + 50 =
 * 19,350. */
static void test_compose_default(void **state)
{
	struct scratch *s = *state;
	struct area_report a;

	use_hand_table(s);
	area_of("", &a);
	assert_int_equal(a.n, 5);
	assert_float_equal(area_unit_um2(&a, "sde"), 1032520, 1e-6);
	assert_float_equal(area_unit_um2(&a, "smx"), 10350, 1e-6);
	assert_float_equal(area_unit_um2(&a, "vec"), 770, 1e-6);
	assert_float_equal(area_unit_um2(&a, "gate"), 19350, 1e-6);
	assert_float_equal(a.logic_um2, 1032520 + 10350 + 770 + 19350, 1e-6);
	assert_float_equal(area_unit_um2(&a, "sram"), SRAM_768K, 1e-3);
	assert_float_equal(a.total_um2, a.logic_um2 + SRAM_768K, 1e-3);
}

/* Lanes are instances: 8 softmax lanes and 4 vector lanes. */
static void test_compose_lanes(void **state)
{
	struct scratch *s = *state;
	struct area_report a;

	use_hand_table(s);
	area_of("[softmax]\nlanes = 8\n[vector]\nlanes = 4\n", &a);
	assert_float_equal(area_unit_um2(&a, "smx"), 8 * 300 + 700 + 50, 1e-6);
	assert_float_equal(area_unit_um2(&a, "vec"), 4 * 20 + 80 + 50, 1e-6);
	assert_float_equal(area_unit_um2(&a, "gate"),
			   9000 + 8 * 300 + 700 + 50, 1e-6);
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
	area_of("", &a32);
	area_of("[engine]\nrows = 64\ncols = 64\n", &a64);
	assert_float_equal(area_unit_um2(&a64, "sde"), 4108040, 1e-6);
	r = (area_unit_um2(&a64, "sde") - 5000) /
	    (area_unit_um2(&a32, "sde") - 5000);
	assert_float_equal(r, 4103040.0 / 1027520.0, 1e-9);
	/* nothing else grows with the array */
	assert_float_equal(area_unit_um2(&a64, "smx"), 10350, 1e-6);
}

/* A number of the shipped table: component comp at key. */
static double shipped(const char *comp, const char *key)
{
	char path[1024], line[1024], want[256];
	FILE *f = fopen(src_path(path, sizeof path,
				 "configs/area/nangate45.tsv"), "r");
	double v = -1;

	assert_non_null(f);
	strf(want, sizeof want, "%s\t%s\t", comp, key);
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, want, strlen(want)))
			v = atof(line + strlen(want));
	fclose(f);
	assert_true(v != -1);
	return v;
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
	area_of("", &a32);
	area_of("[engine]\nrows = 64\ncols = 64\n", &a64);
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

/* A parameter set in neither table nor cache, yosys not on PATH: exit 2,
 * one line naming the component, the parameters and the command. */
static void test_missing_without_yosys(void **state)
{
	struct scratch *s = *state;
	char cfg[1024], cmd[4096], out[4096];

	use_hand_table(s);
	strf(cfg, sizeof cfg, "%s", scratch_file(s, "n8.ini"));
	write_file(cfg, "[engine]\nn_max = 8\n");
	strf(cmd, sizeof cmd, "cd %s && PATH=/nonexistent %s area -c %s 2>&1",
	     s->dir, stasim_bin(), cfg);
	assert_int_equal(run_cmd(cmd, out, sizeof out), 2);
	assert_non_null(strstr(out, "sde.pe"));
	assert_non_null(strstr(out, "N_MAX=8 M_MAX=16 ACT_BITS=8 "
			       "WEIGHT_BITS=8"));
	assert_non_null(strstr(out, "yosys is not installed"));
	assert_non_null(strstr(out, "sh rtl/synth/area.sh sde N_MAX=8 "));
	assert_ptr_equal(strchr(out, '\n'), out + strlen(out) - 1);
	/* and the run command says the same before running anything */
	strf(cmd, sizeof cmd, "cd %s && PATH=/nonexistent %s run -c %s -t "
	     "%s/traces/vit-b16-2of4.trace.gz 2>&1", s->dir, stasim_bin(),
	     cfg, STASIM_SRC_DIR);
	assert_int_equal(run_cmd(cmd, out, sizeof out), 2);
	assert_non_null(strstr(out, "yosys is not installed"));
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
	area_of("[engine]\nn_max = 8\nrows = 4\ncols = 4\n", &a);
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
			       "    \"total_mm2\": 0.851326\n  },\n"));
	strf(cmd, sizeof cmd, "%s run -c %s -t %s", stasim_bin(), cfg, tr);
	assert_int_equal(run_cmd(cmd, out, 1 << 20), 0);
	assert_non_null(strstr(out, "\narea: 0.851 mm2 (sde 0.009, vec 0.000,"
			       " smx 0.001, gate 0.010, sram 0.831;"));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		scratch_test(test_compose_default),
		scratch_test(test_compose_lanes),
		scratch_test(test_engine_scales_hand),
		scratch_test(test_engine_scales_shipped),
		scratch_test(test_sram_formula),
		scratch_test(test_missing_without_yosys),
		scratch_test(test_user_cache),
		scratch_test(test_area_command_csv),
		scratch_test(test_run_report_area),
	};

	/* never minutes of yosys inside a test: a missing key is an error */
	setenv("STASIM_AREA_SYNTH", "0", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
