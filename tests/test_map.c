/*
 * test_map.c - the mapper and activations on chip (docs/models.md, "The
 * mapper", "Activations on chip").
 *
 * Expected byte counts are written out by hand from the shapes: an operand
 * that fits is moved once; a tensor kept on chip is never stored or
 * loaded; a graph input is loaded by each op reading it. Properties that
 * hold whatever the numbers: the exhaustive search never loses to the
 * fixed rule, every engine op reports its mapping, partial-sum chains
 * compute the same outputs as the reference.
 */
#include "testutil.h"

#include "config.h"
#include "report.h"
#include "run.h"
#include "trace.h"

static void run_ok(const struct config *c, const struct trace *t,
		   int functional, struct run_result *r)
{
	struct run_opts o = { .functional = functional, .seed = 3,
			      .fast_forward = 1 };

	run_checked(c, t, &o, r);
}

static uint64_t dram(const struct run_result *r)
{
	return r->total.dram_rd + r->total.dram_wr;
}

static void cfg_search(const char *body, const char *search, struct config *c)
{
	char ini[1024];

	snprintf(ini, sizeof ini, "%s\n[mapper]\nsearch = %s\n", body, search);
	load_cfg_text(ini, c);
}

/* An op whose operands and output fit moves each exactly once: A 64 x 256,
 * W 256 x 256 dense int8, out 64 x 256, on every search. */
static void test_fits_moves_once(void **state)
{
	static const char *const s[] = { "fixed", "greedy", "exhaustive" };
	struct config c;
	struct trace t;
	struct run_result r;
	unsigned i;

	(void)state;
	load_trace_text("stasim-trace 1\ngemm name=g m=64 k=256 n=256\n", &t);
	for (i = 0; i < 3; i++) {
		cfg_search("", s[i], &c);
		run_ok(&c, &t, 0, &r);
		assert_int_equal(dram(&r), 64 * 256 + 256 * 256 + 64 * 256);
		run_free(&r);
	}
	trace_free(&t);
}

/*
 * BERT-base's FFN2, 128 x 3072 x 768 at 2:4, on 256 / 256 / 128 KiB
 * buffers (act / wgt / out; the earlier default): no
 * tiling moves less than A + W + out (393,216 + 1,474,560 + 98,304). The
 * fixed rule keeps sums in the PEs and reloads the weights per 32-row
 * block (6,291,456 bytes). With the sums in the whole 128 KiB out buffer
 * (128 x 256 int32) A is read once per 256 output columns: 3 A + W + out =
 * 2,752,512 bytes, which the search must reach or beat.
 */
static void test_psum_cuts_reloads(void **state)
{
	static const char bufs[] = "[sram]\nact_kib = 256\nwgt_kib = 256\n"
				   "out_kib = 128";
	struct config c;
	struct trace t;
	struct run_result f, e;

	(void)state;
	load_trace_text("stasim-trace 1\ngemm name=g m=128 k=3072 n=768 "
			"nm=2:4\n", &t);
	cfg_search(bufs, "fixed", &c);
	run_ok(&c, &t, 0, &f);
	cfg_search(bufs, "exhaustive", &c);
	run_ok(&c, &t, 0, &e);
	assert_int_equal(dram(&f), 6291456);
	assert_true(dram(&e) >= 393216 + 1474560 + 98304);
	assert_true(dram(&e) <= 3 * 393216 + 1474560 + 98304);
	assert_true(e.cycles < f.cycles);
	assert_true(e.plans[0].psum);
	run_free(&f);
	run_free(&e);
	trace_free(&t);
}

/* Partial sums in the out buffer give the reference's outputs: a k-split
 * op forced onto a chain of four slices, dense and 2:4, checked element by
 * element in functional mode. */
static void test_psum_functional(void **state)
{
	static const char *const body[] = {
		"stasim-trace 1\ngemm name=g m=40 k=1024 n=72\n",
		"stasim-trace 1\ngemm name=g m=40 k=1024 n=72 nm=2:4\n" };
	struct config c;
	struct trace t;
	struct run_result r;
	unsigned i;

	(void)state;
	for (i = 0; i < 2; i++) {
		load_trace_text(body[i], &t);
		cfg_search("", "fixed", &c);
		c.map_force = (struct cfg_map_force){ 1, 40, 72, 256, 1, 1, 0,
						      0, 0, 0 };
		run_ok(&c, &t, 1, &r);
		assert_int_equal(r.plans[0].psum, 1);
		assert_int_equal(r.plans[0].n_kt, 4);
		assert_int_equal(r.checked, 40 * 72);
		run_free(&r);
		trace_free(&t);
	}
}

/*
 * x -> LayerNorm -> gemm -> add(x, .): LayerNorm's and the gemm's outputs
 * stay on chip; x, a graph input, is loaded by both ops that read it; the
 * weights once; the add's output, read by nobody, is stored. m = 32,
 * n = k = 256, int8: 8,192 + 65,536 + 8,192 + 8,192 bytes.
 */
static void test_chain_on_chip(void **state)
{
	struct config c;
	struct trace t;
	struct run_result r;

	(void)state;
	load_trace_text("stasim-trace 2\n"
			"layernorm name=ln m=32 n=256 in=x\n"
			"gemm name=g m=32 k=256 n=256 in=ln\n"
			"add name=res m=32 n=256 in=x,g\n", &t);
	cfg_search("", "fixed", &c);
	run_ok(&c, &t, 1, &r);
	assert_int_equal(dram(&r), 8192 + 65536 + 8192 + 8192);
	assert_int_equal(r.ops[0].dram_wr, 0);
	assert_int_equal(r.ops[1].dram_rd, 65536);
	assert_int_equal(r.ops[1].dram_wr, 0);
	assert_int_equal(r.ops[2].dram_rd, 8192);
	assert_int_equal(r.ops[2].dram_wr, 8192);
	assert_int_equal(r.checked, 3 * 32 * 256);
	run_free(&r);
	trace_free(&t);
}

/* A tensor too big for the activation buffer goes through DRAM: with
 * act_kib = 16 the 32 KiB LayerNorm output is stored and loaded back. */
static void test_spill_when_too_big(void **state)
{
	struct config c;
	struct trace t;
	struct run_result r;

	(void)state;
	load_trace_text("stasim-trace 2\n"
			"layernorm name=ln m=128 n=256 in=x\n"
			"gemm name=g m=128 k=256 n=64 in=ln\n", &t);
	cfg_search("[sram]\nact_kib = 16", "fixed", &c);
	run_ok(&c, &t, 0, &r);
	assert_int_equal(r.ops[0].dram_wr, 128 * 256);
	assert_true(r.ops[1].dram_rd >= 128 * 256 + 256 * 64);
	run_free(&r);
	trace_free(&t);
}

/* Ops that read different inputs do not wait for each other's stores:
 * the second gemm's loads start while the first still runs, so the pair
 * ends sooner than as a chain (version 1: each op reads the one before;
 * the 64 KiB output does not fit beside the streaming halves of a 64 KiB
 * buffer, so the chain goes through DRAM). */
static void test_independent_ops_overlap(void **state)
{
	struct config c;
	struct trace a, b;
	struct run_result ra, rb;

	(void)state;
	load_trace_text("stasim-trace 2\n"
			"gemm name=g1 m=128 k=512 n=512 in=x\n"
			"gemm name=g2 m=128 k=512 n=512 in=y\n", &a);
	load_trace_text("stasim-trace 1\n"
			"gemm name=g1 m=128 k=512 n=512\n"
			"gemm name=g2 m=128 k=512 n=512\n", &b);
	cfg_search("[sram]\nact_kib = 64", "fixed", &c);
	run_ok(&c, &a, 0, &ra);
	run_ok(&c, &b, 0, &rb);
	assert_true(ra.ops[1].start < ra.ops[0].end);
	assert_true(ra.cycles < rb.cycles);
	run_free(&ra);
	run_free(&rb);
	trace_free(&a);
	trace_free(&b);
}

/* The exhaustive search never loses to the fixed rule or to greedy on a
 * whole trace, and every engine op says what was chosen, in JSON too. */
static void test_never_slower_and_reported(void **state)
{
	static const char *const traces[] = { "traces/deit-tiny-2of4.trace.gz",
		"traces/m3vit-tiny-2of4.trace.gz",
		"traces/bert-base-s128-2of4.trace.gz" };
	static const char *const cfgs[] = { "", "[engine]\nrows = 16\ncols = 16\n"
		"m_max = 8\n[sram]\nact_kib = 64\nwgt_kib = 64\nout_kib = 32" };
	char path[1024], *json = NULL;
	size_t len = 0;
	struct config c;
	struct trace t;
	struct run_result f, g, e;
	struct sim_err err;
	unsigned i, j, x, engine, mappings;

	(void)state;
	for (i = 0; i < sizeof traces / sizeof *traces; i++) {
		assert_int_equal(trace_read(src_path(path, sizeof path,
					traces[i]), &t, &err), 0);
		for (j = 0; j < 2; j++) {
			cfg_search(cfgs[j], "fixed", &c);
			run_ok(&c, &t, 0, &f);
			cfg_search(cfgs[j], "greedy", &c);
			run_ok(&c, &t, 0, &g);
			cfg_search(cfgs[j], "exhaustive", &c);
			run_ok(&c, &t, 0, &e);
			assert_true(e.cycles <= f.cycles);
			assert_true(e.cycles <= g.cycles);
			for (engine = 0, x = 0; x < e.n_ops; x++)
				engine += e.plans[e.first[x]].uc->map_estimate &&
					  (t.ops[x].kind == OP_GEMM ||
					   t.ops[x].kind == OP_MATMUL);
			{
				FILE *m = open_memstream(&json, &len);
				struct report rep = { &c, &t, &e, 0, 3, NULL };
				const char *p;

				assert_non_null(m);
				report_write(&rep, REPORT_JSON, m);
				fclose(m);
				for (mappings = 0, p = json;
				     (p = strstr(p, "\"mapping\"")); p++)
					mappings++;
				free(json);
			}
			assert_int_equal(mappings, engine);
			run_free(&f);
			run_free(&g);
			run_free(&e);
		}
		trace_free(&t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fits_moves_once),
		cmocka_unit_test(test_psum_cuts_reloads),
		cmocka_unit_test(test_psum_functional),
		cmocka_unit_test(test_chain_on_chip),
		cmocka_unit_test(test_spill_when_too_big),
		cmocka_unit_test(test_independent_ops_overlap),
		cmocka_unit_test(test_never_slower_and_reported),
	};

	return cmocka_run_group_tests_name("map", tests, NULL, NULL);
}
