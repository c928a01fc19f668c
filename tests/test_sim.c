/*
 * test_sim.c - the whole simulator: kernel, scheduler, engine, DMA.
 *
 * Expected values come from closed forms and from properties that must hold
 * whatever the numbers are (roofline, equality of strict and fast-forwarded
 * stepping, of timing and functional mode, energy summing over ops).
 */
#include "testutil.h"

#include "config.h"
#include "report.h"
#include "run.h"
#include "trace.h"
#include "timeline.h"
#include "zoo.h"

static void load_cfg(const char *rel, struct config *c)
{
	char path[1024];
	struct sim_err err;

	assert_int_equal(config_load(src_path(path, sizeof path, rel), c, &err), 0);
}

/* A config from INI text; the energy table is the shipped default. */
static void text_cfg(const char *body, struct config *c)
{
	char ini[4096], path[1024], tpath[1024];
	struct sim_err err;
	int rc;

	snprintf(ini, sizeof ini, "%s\n[energy]\ntable = %s\n", body,
		 src_path(tpath, sizeof tpath,
			  "configs/energy/horowitz45-lpddr4.ini"));
	tmp_file(path, sizeof path, ".ini", ini);
	rc = config_load(path, c, &err);
	if (rc)
		fprintf(stderr, "%s:%d: %s: %s\n", err.file, err.line, err.field,
			err.msg);
	assert_int_equal(rc, 0);
	unlink(path);
}

static void text_trace(const char *body, struct trace *t)
{
	char path[1024];
	struct sim_err err;

	tmp_file(path, sizeof path, ".trace", body);
	memset(t, 0, sizeof *t);
	assert_int_equal(trace_read(path, t, &err), 0);
	unlink(path);
}

static void zoo_trace(const char *model, uint32_t seq, uint32_t n, uint32_t m,
		      struct trace *t)
{
	struct zoo_opts o = { .seq = seq, .nm_n = n, .nm_m = m };
	struct sim_err err;

	memset(t, 0, sizeof *t);
	assert_int_equal(zoo_build(model, &o, t, &err), 0);
	snprintf(t->path, sizeof t->path, "zoo:%s", model);
}

static void run(const struct config *c, const struct trace *t, int functional,
		int ff, struct run_result *r)
{
	struct run_opts o = { .functional = functional, .seed = 7,
			      .fast_forward = ff };

	run_checked(c, t, &o, r);
}

/* Every op and the total obey the roofline; stalls never exceed cycles. */
static void check_roofline(const struct config *c, const struct run_result *r)
{
	double peak = (double)c->rows * c->cols * c->n_max;
	double bpc = config_dram_bytes_per_cycle(c);
	uint32_t i;

	for (i = 0; i < r->n_ops; i++) {
		const struct op_stats *s = &r->ops[i];
		double cyc = (double)(s->end - s->start);

		assert_true(s->end > s->start);
		assert_true(cyc >= s->macs / peak);
		assert_true(cyc * bpc >= (double)(s->dram_rd + s->dram_wr) - 1e-6);
		assert_true(s->stall + s->busy <= s->attr_cycles + cyc);
		assert_true(s->dense_macs >= s->macs || c->n_max > 0);
	}
	assert_true((double)r->cycles >= r->total.macs / peak);
	assert_true((double)r->cycles * bpc >=
		    (double)(r->total.dram_rd + r->total.dram_wr));
	assert_int_equal(r->unit[EU_SDE].busy_cycles + r->unit[EU_SDE].stall_cycles <=
			 r->cycles, 1);
}

static void same_result(const struct run_result *a, const struct run_result *b)
{
	assert_int_equal(a->cycles, b->cycles);
	assert_int_equal(a->n_ops, b->n_ops);
	assert_memory_equal(a->ops, b->ops, a->n_ops * sizeof *a->ops);
	assert_memory_equal(a->unit, b->unit, sizeof a->unit);
}

static const char *const configs[] = { "configs/sta-default.ini",
				       "configs/edge-small.ini" };

/* Every shipped trace, on both shipped configs: the roofline holds on every
 * op, and fast-forward gives exactly what strict stepping gives. */
static void test_shipped_traces_roofline_and_fast_forward(void **state)
{
	static const char *const traces[] = {
		"traces/bert-base-s128-2of4.trace.gz",
		"traces/vit-b16-2of4.trace.gz",
		"traces/deit-tiny-2of4.trace.gz",
		"traces/m3vit-tiny-2of4.trace.gz",
	};
	char path[1024];
	struct config c;
	struct trace t = { 0 };
	struct run_result ff, strict;
	struct sim_err err;
	unsigned i, j;

	(void)state;
	for (j = 0; j < sizeof traces / sizeof traces[0]; j++) {
		assert_int_equal(trace_read(src_path(path, sizeof path, traces[j]),
					    &t, &err), 0);
		for (i = 0; i < 2; i++) {
			load_cfg(configs[i], &c);
			run(&c, &t, 0, 1, &ff);
			check_roofline(&c, &ff);
			if (!slow_build()) {
				run(&c, &t, 0, 0, &strict);
				same_result(&ff, &strict);
				assert_true(strict.kernel_steps == strict.cycles);
				assert_true(ff.kernel_steps < ff.cycles);
				run_free(&strict);
			}
			run_free(&ff);
		}
		trace_free(&t);
	}
}

static const char ragged[] =
	"stasim-trace 1\n"
	"gemm name=g1 m=37 k=100 n=45 nm=2:4\n"
	"gemm name=g2 m=5 k=33 n=70 nm=1:8\n"
	"gemm name=g3 m=64 k=64 n=64\n"
	"matmul name=mm m=19 k=23 n=29 heads=3\n"
	"gemm name=g4 m=40 k=130 n=33 nm=2:8\n"
	"gemm name=g5 m=1 k=2000 n=3 nm=1:2\n"
	"gemm name=g6 m=70 k=9 n=1 nm=3:7\n";

static void test_timing_equals_functional(void **state)
{
	struct config c;
	struct trace t, z;
	struct run_result a, b;
	unsigned i;

	(void)state;
	text_trace(ragged, &t);
	zoo_trace("bert-base", 16, 2, 4, &z);
	trace_truncate(&z, 6);	/* half a layer: ln1 .. proj */
	for (i = 0; i < 2; i++) {
		load_cfg(configs[i], &c);
		run(&c, &t, 0, 1, &a);
		run(&c, &t, 1, 1, &b);
		same_result(&a, &b);
		check_roofline(&c, &a);
		run_free(&b);
		run(&c, &t, 1, 0, &b);
		same_result(&a, &b);
		run_free(&a);
		run_free(&b);
		run(&c, &z, 0, 1, &a);
		run(&c, &z, 1, 1, &b);
		same_result(&a, &b);
		run_free(&a);
		run_free(&b);
	}
	trace_free(&t);
	trace_free(&z);
}

/* Functional mode through the whole simulator: every pattern, ragged shapes,
 * both operand widths, both index formats; each op's outputs all checked. */
static void test_functional_patterns(void **state)
{
	static const uint32_t pat[][2] = { { 1, 4 }, { 2, 4 }, { 3, 4 },
		{ 2, 8 }, { 4, 8 }, { 1, 16 }, { 8, 16 }, { 1, 2 }, { 3, 7 },
		{ 5, 16 }, { 16, 16 }, { 1, 1 } };
	static const char *const hw[] = {
		"[engine]\nrows = 8\ncols = 4\nn_max = 4\nm_max = 16\n",
		"[engine]\nrows = 3\ncols = 5\nn_max = 2\nm_max = 16\nact_bits = 16\n"
		"weight_bits = 16\nindex_format = bitmap\nacc_double_buffer = false\n"
		"[sram]\nact_kib = 1\nwgt_kib = 1\nout_kib = 1\n",
	};
	struct config c;
	struct trace t;
	struct run_result r;
	char body[512];
	unsigned i, h;

	(void)state;
	for (h = 0; h < 2; h++) {
		text_cfg(hw[h], &c);
		for (i = 0; i < sizeof pat / sizeof pat[0]; i++) {
			snprintf(body, sizeof body, "stasim-trace 1\n"
				 "gemm name=a m=29 k=71 n=13 nm=%u:%u\n"
				 "gemm name=b m=8 k=16 n=4 nm=%u:%u\n",
				 pat[i][0], pat[i][1], pat[i][0], pat[i][1]);
			text_trace(body, &t);
			run(&c, &t, 1, 1, &r);
			assert_int_equal(r.checked, 29 * 13 + 8 * 4);
			run_free(&r);
			trace_free(&t);
		}
	}
}

/*
 * One array tile, operands and output each in one DRAM transfer. Every
 * registered hop costs a cycle, so with a, w, o channel cycles, latency L,
 * stream kc, R rows and the engine's write-back latency LAT = pipe + 2 + C
 * (docs/models.md) the op takes
 *   2 + a + w + L      weights loaded (A and W requested on cycles 1, 2)
 * + 1 + kc + LAT + R   command to the engine, stream, wavefront, write-back
 * + 3 + o + L          store requested, moved, acknowledged
 */
static void test_op_closed_form(void **state)
{
	struct config c;
	struct trace t;
	struct run_result r;
	/* 8x8 PEs, n_max 4; 64 B/cycle; 10 cycles latency */
	const uint64_t a = 8, w = 5, o = 1, L = 10, kc = 8, LAT = 5 + 2 + 8, R = 8;

	(void)state;
	text_cfg("[arch]\nclock_mhz = 1000\n[engine]\nrows = 8\ncols = 8\n"
		 "n_max = 4\nm_max = 16\n[dram]\nbandwidth_gbps = 64\n"
		 "latency_ns = 10\nburst_bytes = 64\n", &c);
	/* A 8x64 = 512 B; W 2:4: 16 groups * 20 bits * 8 cols = 320 B; out 64 B */
	text_trace("stasim-trace 1\ngemm name=g m=8 k=64 n=8 nm=2:4\n", &t);
	run(&c, &t, 0, 1, &r);
	assert_int_equal(r.cycles, 2 + a + w + L + 1 + kc + LAT + R + 3 + o + L);
	assert_int_equal(r.ops[0].dram_rd, 512 + 320);
	assert_int_equal(r.ops[0].dram_wr, 64);
	/* streaming, then in flight until its wb_done step */
	assert_int_equal(r.ops[0].busy, kc + LAT + R - 1);
	assert_int_equal(r.ops[0].macs, 8 * 8 * 32);
	assert_int_equal(r.ops[0].dense_macs, 8 * 8 * 64);
	run_free(&r);
	trace_free(&t);
}

/*
 * Sparsity pays what the multipliers allow. Memory out of the way (64 MiB
 * buffers, 100,000 B/cycle), 32 x 32 PEs, n_max 4, m_max 16: k fits one
 * buffer half, so every array tile streams the whole of k, kc =
 * ceil(k / (4 dense | 8 at 2:4 | 16 at 1:4)) cycles, and tiles follow each
 * other at max(kc, R) (docs/models.md, "Tiles overlap"). The op then takes
 * between that sum and the sum plus the first load, the last tile's
 * wavefront (LAT + R = 39 + 32) and the last store.
 */
static const char bound_cfg[] =
	"[engine]\nrows = %u\ncols = %u\nn_max = 4\nm_max = 16\n"
	"[sram]\nact_kib = 65536\nwgt_kib = 65536\nout_kib = 65536\n"
	"[dram]\nbandwidth_gbps = 100000\nlatency_ns = 1\n";

/* Sum over array tiles of max(kc, rows), by hand from the shape. */
static uint64_t tile_sum(uint32_t m, uint32_t k, uint32_t n, uint32_t kpc,
			 uint32_t pe)
{
	uint64_t kc = (k + kpc - 1) / kpc, sum = 0;
	uint32_t r0;

	for (r0 = 0; r0 < m; r0 += pe) {
		uint64_t rows = m - r0 < pe ? m - r0 : pe;

		sum += kc > rows ? kc : rows;
	}
	return sum * ((n + pe - 1) / pe);
}

static uint64_t gemm_cycles(uint32_t pe, uint32_t m, uint32_t k, uint32_t n,
			    const char *nm)
{
	char ini[512], body[128];
	struct config c;
	struct trace t;
	struct run_result r;
	uint64_t cyc;

	snprintf(ini, sizeof ini, bound_cfg, pe, pe);
	text_cfg(ini, &c);
	snprintf(body, sizeof body, "stasim-trace 1\ngemm name=g m=%u k=%u "
		 "n=%u nm=%s\n", m, k, n, nm);
	text_trace(body, &t);
	run(&c, &t, 0, 1, &r);
	check_roofline(&c, &r);
	cyc = r.ops[0].end - r.ops[0].start;
	run_free(&r);
	trace_free(&t);
	return cyc;
}

static void test_sparsity_pays(void **state)
{
	static const uint32_t shape[][3] = { { 256, 1024, 1024 },
		{ 128, 768, 768 }, { 160, 768, 768 }, { 197, 768, 3072 },
		{ 512, 3072, 768 }, { 129, 192, 384 }, { 7, 64, 100 } };
	static const char *const nm[] = { "4:4", "2:4", "1:4" };
	static const uint32_t kpc[] = { 4, 8, 16 };
	uint64_t cyc[3], want;
	unsigned i, p;

	(void)state;
	for (i = 0; i < sizeof shape / sizeof shape[0]; i++) {
		const uint32_t *s = shape[i];

		for (p = 0; p < 3; p++) {
			cyc[p] = gemm_cycles(32, s[0], s[1], s[2], nm[p]);
			want = tile_sum(s[0], s[1], s[2], kpc[p], 32);
			assert_in_range(cyc[p], want, want + 39 + 32 + 60);
		}
		/* sparse never slower than dense on the same shape */
		assert_true(cyc[1] <= cyc[0] && cyc[2] <= cyc[1]);
		if ((uint64_t)s[0] * s[1] * s[2] < 100000000)
			continue;
		/* large GEMMs: 1:4 at least 3.5x, 2:4 at least 1.85x */
		assert_true(cyc[0] * 100 >= cyc[2] * 350);
		assert_true(cyc[0] * 100 >= cyc[1] * 185);
	}
}

/* A 64 x 64 array is more than twice as fast as 32 x 32 on dense
 * ViT-B/16 with memory out of the way, and each GEMM's cycles on either
 * stay within the tile sum bound above. */
static void test_array_scaling(void **state)
{
	char ini[512];
	struct config c32, c64;
	struct trace t;
	struct run_result a, b;

	(void)state;
	snprintf(ini, sizeof ini, bound_cfg, 32u, 32u);
	text_cfg(ini, &c32);
	snprintf(ini, sizeof ini, bound_cfg, 64u, 64u);
	text_cfg(ini, &c64);
	zoo_trace("vit-b16", 197, 1, 1, &t);
	run(&c32, &t, 0, 1, &a);
	run(&c64, &t, 0, 1, &b);
	check_roofline(&c32, &a);
	check_roofline(&c64, &b);
	assert_true(a.cycles >= 2 * b.cycles);
	assert_in_range(gemm_cycles(64, 197, 768, 3072, "4:4"),
			tile_sum(197, 768, 3072, 4, 64),
			tile_sum(197, 768, 3072, 4, 64) + 71 + 64 + 60);
	run_free(&a);
	run_free(&b);
	trace_free(&t);
}

/*
 * A vector op of one tile: as the engine op above without the weight load
 * and without flush and drain: 2 + a + L + 2 + kc + 3 + o + L, where kc is
 * the unit's busy time (models/vec.h).
 */
static void test_vector_op_closed_form(void **state)
{
	struct config c;
	struct trace t;
	struct run_result r;
	const uint64_t a = 4, o = 4, L = 10;	/* 256 B at 64 B/cycle */

	(void)state;
	text_cfg("[dram]\nbandwidth_gbps = 64\nlatency_ns = 10\n"
		 "[vector]\nlanes = 16\nlatency = 4\nisqrt_latency = 8\n"
		 "[softmax]\nlanes = 8\nexp_latency = 4\nrecip_latency = 8\n",
		 &c);
	text_trace("stasim-trace 1\nlayernorm name=ln m=4 n=64\n", &t);
	run(&c, &t, 0, 1, &r);
	/* kc = 4 * (2*4 + (8 - 4)) + 4 + 4 */
	assert_int_equal(r.cycles, 2 + a + L + 2 + 56 + 3 + o + L);
	assert_int_equal(r.ops[0].dram_rd, 256);
	assert_int_equal(r.ops[0].dram_wr, 256);
	assert_int_equal(r.ops[0].busy, 56);
	run_free(&r);
	trace_free(&t);
	/* softmax, 2 heads of 4 rows of 32, online: kc = 8 * (8 + 4) + 4 + 4 */
	text_trace("stasim-trace 1\nsoftmax name=sm m=4 n=32 heads=2\n", &t);
	run(&c, &t, 0, 1, &r);
	assert_int_equal(r.cycles, 2 + a + L + 2 + 104 + 3 + o + L);
	run_free(&r);
	trace_free(&t);
}

static const char attention[] =
	"stasim-trace 1\n"
	"matmul name=qk m=197 k=64 n=197 heads=12\n"
	"softmax name=sm m=197 n=197 heads=12\n"
	"matmul name=av m=197 k=197 n=64 heads=12\n";

static void attention_run(const char *softmax_ini, struct run_result *r)
{
	char ini[512];
	struct config c;
	struct trace t;

	/* a 256 KiB activation buffer: the 12 x 197 x 197 scores (455 KiB)
	 * cannot stay on chip between unfused ops */
	snprintf(ini, sizeof ini, "[sram]\nact_kib = 256\n[softmax]\n%s\n",
		 softmax_ini);
	text_cfg(ini, &c);
	text_trace(attention, &t);
	run(&c, &t, 0, 1, r);
	check_roofline(&c, r);
	trace_free(&t);
}

/* Fused attention moves no score or probability through DRAM, and beats
 * the unfused and the three-pass variants on the same hardware (one whose
 * activation buffer cannot keep the scores). */
static void test_fused_attention(void **state)
{
	struct run_result on, ita, unf, three;
	const uint64_t heads = 12, seq = 197, hd = 64;

	(void)state;
	attention_run("algorithm = online\nfused = true", &on);
	attention_run("algorithm = ita\nfused = true", &ita);
	attention_run("algorithm = online\nfused = false", &unf);
	attention_run("algorithm = threepass\nfused = true", &three);
	/* Q.K^T reads Q and K and writes nothing; softmax moves nothing;
	 * A.V reads only V and writes the context */
	assert_int_equal(on.ops[0].dram_wr, 0);
	assert_int_equal(on.ops[1].dram_rd + on.ops[1].dram_wr, 0);
	assert_true(on.ops[2].dram_rd < heads * seq * seq);
	assert_true(on.ops[2].dram_rd >= heads * seq * hd);
	assert_true(unf.ops[0].dram_wr >= heads * seq * seq);
	assert_true(unf.ops[1].dram_rd >= heads * seq * seq);
	assert_true(on.total.dram_rd + on.total.dram_wr + 2 * heads * seq * seq <=
		    unf.total.dram_rd + unf.total.dram_wr);
	assert_true(on.cycles < unf.cycles);
	assert_true(ita.cycles < unf.cycles);
	assert_true(on.cycles < three.cycles);
	run_free(&on);
	run_free(&ita);
	run_free(&unf);
	run_free(&three);
}

/* Too few softmax lanes slow Q.K^T's drain: each row of C scores leaves
 * in ceil(C / lanes) cycles, and the difference shows as stall on Q.K^T. */
static void test_softmax_backpressure(void **state)
{
	struct config c;
	struct trace t;
	struct run_result wide, narrow;
	/* 2 heads of 64 x 64 scores on 32 x 32 PEs: 2 * 2 * 2 tiles of 32 rows */
	const uint64_t tiles = 8, rows = 32, cpr = 4;	/* ceil(32 / 8) */

	(void)state;
	text_trace("stasim-trace 1\nmatmul name=qk m=64 k=64 n=64 heads=2\n"
		   "softmax name=sm m=64 n=64 heads=2\n"
		   "matmul name=av m=64 k=64 n=64 heads=2\n", &t);
	text_cfg("[softmax]\nlanes = 32\n", &c);
	run(&c, &t, 0, 1, &wide);
	text_cfg("[softmax]\nlanes = 8\n", &c);
	run(&c, &t, 0, 1, &narrow);
	assert_int_equal(wide.ops[0].bp, 0);
	assert_int_equal(narrow.ops[0].bp, tiles * rows * (cpr - 1));
	assert_true(narrow.ops[0].stall >= narrow.ops[0].bp);
	assert_true(narrow.ops[0].end - narrow.ops[0].start >
		    wide.ops[0].end - wide.ops[0].start);
	/* A.V takes its probabilities at 8 per cycle instead of 32 x 4 */
	assert_true(narrow.ops[2].bp > 0);
	run_free(&wide);
	run_free(&narrow);
	trace_free(&t);
}

/* A GEMV streams its weights once: cycles follow DRAM bandwidth. */
static void test_memory_bound_scales_with_bandwidth(void **state)
{
	static const double gbps[] = { 4, 8, 16 };
	char ini[256];
	struct config c;
	struct trace t;
	struct run_result r;
	uint64_t cyc[3];
	unsigned i;

	(void)state;
	text_trace("stasim-trace 1\ngemm name=v m=1 k=4096 n=4096 nm=2:4\n", &t);
	for (i = 0; i < 3; i++) {
		snprintf(ini, sizeof ini, "[dram]\nbandwidth_gbps = %g\n", gbps[i]);
		text_cfg(ini, &c);
		run(&c, &t, 0, 1, &r);
		cyc[i] = r.cycles;
		/* within 2 % of bytes / bandwidth */
		assert_true(r.cycles < 1.02 * (r.total.dram_rd + r.total.dram_wr) /
			    config_dram_bytes_per_cycle(&c));
		run_free(&r);
	}
	for (i = 1; i < 3; i++) {
		double ratio = (double)cyc[i - 1] / cyc[i];

		assert_true(ratio > 1.95 && ratio < 2.05);
	}
	trace_free(&t);
}

/* Bigger buffers never add DRAM traffic; double buffering never slows. */
static void test_buffers_monotonic(void **state)
{
	struct config c;
	struct trace t;
	struct run_result small, big, single;

	(void)state;
	zoo_trace("bert-base", 64, 2, 4, &t);
	trace_truncate(&t, 6);
	text_cfg("[sram]\nact_kib = 32\nwgt_kib = 32\nout_kib = 16\n", &c);
	run(&c, &t, 0, 1, &small);
	text_cfg("[sram]\nact_kib = 1024\nwgt_kib = 1024\nout_kib = 256\n", &c);
	run(&c, &t, 0, 1, &big);
	text_cfg("[sram]\nact_kib = 1024\nwgt_kib = 1024\nout_kib = 256\n"
		 "double_buffer = false\n", &c);
	run(&c, &t, 0, 1, &single);
	assert_true(big.total.dram_rd <= small.total.dram_rd);
	assert_true(big.cycles <= small.cycles);
	assert_true(big.cycles <= single.cycles);
	run_free(&small);
	run_free(&big);
	run_free(&single);
	trace_free(&t);
}

/*
 * Tensors kept on chip may fill the activation buffer at an op that streams
 * no first operand (A·V takes the softmax's rows straight from it): such an
 * op still plans its tiles. BERT-base at seq 128 on 384 KiB fills it at
 * l0.av; every size from one that keeps nothing to one that keeps all runs.
 */
static void test_buffer_full_of_kept_tensors(void **state)
{
	static const unsigned kib[] = { 192, 320, 384, 448, 640 };
	struct config c;
	struct trace t;
	struct run_result r;
	char ini[128];
	unsigned i;

	(void)state;
	zoo_trace("bert-base", 128, 2, 4, &t);
	trace_truncate(&t, 12);
	for (i = 0; i < sizeof kib / sizeof *kib; i++) {
		snprintf(ini, sizeof ini, "[sram]\nact_kib = %u\nwgt_kib = 128\n",
			 kib[i]);
		text_cfg(ini, &c);
		run(&c, &t, 0, 1, &r);
		check_roofline(&c, &r);
		run_free(&r);
	}
	trace_free(&t);
}

/* Cycles of one lane in state st (or in any state but idle: st < 0). */
static uint64_t lane_cycles(const struct tl_track *k, int st)
{
	uint64_t n = 0;
	size_t i;

	for (i = 0; i < k->n; i++)
		if (st < 0 || k->seg[i].state == st)
			n += k->seg[i].len;
	return n;
}

static const char *xname(const void *ctx, uint32_t x)
{
	const struct run_result *r = ctx;

	(void)x;
	return r->n_exec ? "op" : "";
}

/*
 * --timeline: recording changes nothing; each lane's segments are in time
 * order and disjoint; a unit lane's busy + stall cycles are the unit's own
 * counters (summed per op elsewhere), the DMA lanes' busy cycles the
 * channel's, the DRAM lane's waits the DMA stall; every op that ran shows
 * on some lane; a segment limit merges neighbours and keeps their count.
 */
static void test_timeline(void **state)
{
	static const int eu_lane[][2] = { { EU_SDE, 0 }, { EU_VEC, 1 },
					  { EU_SMX, 2 } };
	struct config c;
	struct trace t;
	struct run_result plain, rec;
	struct timeline tl;
	struct run_opts o = { .seed = 7, .fast_forward = 1 };
	uint64_t seen, busy_dma;
	size_t from, to, i, segs = 0, folded = 0;
	unsigned k, u;
	FILE *f;

	(void)state;
	zoo_trace("vit-b16", 64, 2, 4, &t);
	trace_truncate(&t, 14);
	load_cfg("configs/sta-default.ini", &c);
	run(&c, &t, 0, 1, &plain);
	tl_init(&tl);
	o.timeline = &tl;
	run_checked(&c, &t, &o, &rec);
	same_result(&plain, &rec);
	tl_finish(&tl);
	for (k = 0; k < tl.n_tracks; k++) {
		const struct tl_track *l = &tl.track[k];

		for (i = 1; i < l->n; i++)
			assert_true(l->seg[i].start >= l->seg[i - 1].start +
					l->seg[i - 1].len);
		if (l->n)
			assert_true(l->seg[l->n - 1].start + l->seg[l->n - 1].len
				    <= rec.cycles);
	}
	/* units in registry order: sde, vec, smx, gate */
	for (u = 0; u < sizeof eu_lane / sizeof *eu_lane; u++) {
		const struct tl_track *l = &tl.track[TL_UNIT0 + eu_lane[u][1]];
		const struct run_unit *ru = &rec.unit[eu_lane[u][0]];

		assert_int_equal(lane_cycles(l, -1),
				 ru->busy_cycles + ru->stall_cycles);
	}
	busy_dma = lane_cycles(&tl.track[TL_DMA_LOAD], TL_BUSY) +
		   lane_cycles(&tl.track[TL_DMA_STORE], TL_BUSY);
	assert_int_equal(busy_dma, rec.unit[EU_DRAM].busy_cycles);
	assert_int_equal(lane_cycles(&tl.track[TL_DRAM], TL_STALL),
			 rec.unit[EU_DRAM].stall_cycles);
	/* every op with cycles of work or transfer is on some lane */
	for (i = 0; i < rec.n_exec; i++) {
		for (seen = 0, k = 0; k < tl.n_tracks; k++) {
			size_t j;

			for (j = 0; j < tl.track[k].n; j++)
				seen += tl.track[k].seg[j].op == i &&
					tl.track[k].seg[j].state == TL_BUSY;
		}
		assert_true(seen > 0);
	}
	for (k = 0; k < tl.n_tracks; k++)
		segs += tl.track[k].n;
	tl.max_events = 40;
	f = fopen("/dev/null", "w");
	assert_non_null(f);
	assert_int_equal(tl_write(&tl, f, c.clock_mhz, "t", xname, &rec,
				  &from, &to), 0);
	fclose(f);
	assert_int_equal(from, segs);
	assert_true(to > 0 && to <= 40);
	for (k = 0; k < tl.n_tracks; k++)
		for (i = 0; i < tl.track[k].n; i++)
			folded += 1 + tl.track[k].seg[i].merged;
	assert_int_equal(folded, segs);
	tl_free(&tl);
	run_free(&plain);
	run_free(&rec);
	trace_free(&t);
}

/* Occurrences of needle in hay. */
static unsigned count_of(const char *hay, const char *needle)
{
	unsigned n = 0;

	for (; (hay = strstr(hay, needle)); hay++)
		n++;
	return n;
}

/*
 * --format html: one page with its four charts and two tables, every op in
 * the table, the run's cycles in the summary, nothing fetched from
 * elsewhere (no src=, href= or URL but the SVG namespace), HTML special
 * characters of names escaped, the same bytes twice.
 */
static void test_html_report(void **state)
{
	struct config c;
	struct trace t;
	struct run_result r;
	char *a = NULL, *b = NULL, want[128];
	size_t na = 0, nb = 0;
	uint32_t i;
	FILE *f;

	(void)state;
	zoo_trace("m3vit-tiny", 33, 2, 4, &t);
	trace_truncate(&t, 16);
	snprintf(t.path, sizeof t.path, "dir/<odd>&name.trace");
	load_cfg("configs/sta-default.ini", &c);
	run(&c, &t, 0, 1, &r);
	{
		struct report rep = { &c, &t, &r, 0, 7, NULL };

		assert_non_null(f = open_memstream(&a, &na));
		report_write(&rep, REPORT_HTML, f);
		fclose(f);
		assert_non_null(f = open_memstream(&b, &nb));
		report_write(&rep, REPORT_HTML, f);
		fclose(f);
	}
	assert_int_equal(na, nb);
	assert_memory_equal(a, b, na);
	assert_true(!strncmp(a, "<!DOCTYPE html>", 15));
	assert_non_null(strstr(a, "</html>\n"));
	assert_int_equal(count_of(a, "<svg"), 4);
	assert_int_equal(count_of(a, "</svg>"), 4);
	assert_int_equal(count_of(a, "<table"), 2);
	assert_int_equal(count_of(a, "src="), 0);
	assert_int_equal(count_of(a, "href="), 0);
	assert_int_equal(count_of(a, "://"), count_of(a, "xmlns=\"http://"));
	assert_non_null(strstr(a, "&lt;odd&gt;&amp;name.trace"));
	assert_null(strstr(a, "<odd>"));
	for (i = 0; i < t.n_ops; i++) {
		snprintf(want, sizeof want, "<tr><td>%s</td>", t.ops[i].name);
		assert_non_null(strstr(a, want));
	}
	snprintf(want, sizeof want, "<th>cycles</th><td>%llu</td>",
		 (unsigned long long)r.cycles);
	assert_non_null(strstr(a, want));
	free(a);
	free(b);
	run_free(&r);
	trace_free(&t);
}

static void test_energy_sums(void **state)
{
	struct config c;
	struct trace t;
	struct run_result r;
	double sum = 0, dram = 0;
	uint32_t i;

	(void)state;
	load_cfg("configs/sta-default.ini", &c);
	text_trace(ragged, &t);
	run(&c, &t, 0, 1, &r);
	for (i = 0; i < r.n_ops; i++) {
		sum += r.energy[i].total_pj;
		dram += r.energy[i].dyn_pj[EU_DRAM];
	}
	assert_true(fabs(sum - r.total_energy.total_pj) < 1e-6 * sum);
	/* DRAM dynamic energy is bytes * 8 * pJ/bit */
	assert_true(fabs(dram - (double)(r.total.dram_rd + r.total.dram_wr) * 8 *
			 c.energy.dram_pj_per_bit) < 1e-6 * dram);
	/* leakage is charged for every cycle exactly once */
	{
		uint64_t attr = 0;

		for (i = 0; i < r.n_ops; i++)
			attr += r.ops[i].attr_cycles;
		assert_int_equal(attr, r.cycles);
	}
	run_free(&r);
	trace_free(&t);
}

static void test_reports_deterministic(void **state)
{
	struct config c;
	struct trace t;
	struct run_result a, b;
	char *ba = NULL, *bb = NULL;
	size_t la = 0, lb = 0;
	int f;

	(void)state;
	load_cfg("configs/edge-small.ini", &c);
	text_trace(ragged, &t);
	run(&c, &t, 1, 1, &a);
	run(&c, &t, 1, 0, &b);
	for (f = REPORT_TXT; f <= REPORT_MD; f++) {
		FILE *fa = open_memstream(&ba, &la), *fb = open_memstream(&bb, &lb);
		struct report ra = { &c, &t, &a, 1, 7, NULL },
			      rb = { &c, &t, &b, 1, 7, NULL };

		report_write(&ra, (enum report_format)f, fa);
		report_write(&rb, (enum report_format)f, fb);
		fclose(fa);
		fclose(fb);
		assert_int_equal(la, lb);
		assert_memory_equal(ba, bb, la);
		free(ba);
		free(bb);
	}
	run_free(&a);
	run_free(&b);
	trace_free(&t);
}

/* The checking build walks every unit's invariants after every cycle. */
static void test_invariants_every_cycle(void **state)
{
	struct config c;
	struct trace t;
	struct run_result a, b;
	struct run_opts o = { .fast_forward = 0, .check = 1 };
	struct sim_err err;

	(void)state;
	load_cfg("configs/edge-small.ini", &c);
	text_trace(ragged, &t);
	assert_int_equal(run_sim(&c, &t, &o, &a, &err), 0);
	assert_false(a.failed);
	run(&c, &t, 0, 0, &b);
	same_result(&a, &b);
	run_free(&a);
	run_free(&b);
	trace_free(&t);
}

static void test_unmappable_and_too_small(void **state)
{
	struct config c;
	struct trace t;
	struct run_result r;
	struct run_opts o = { .fast_forward = 1 };
	struct sim_err err;

	(void)state;
	load_cfg("configs/edge-small.ini", &c);	/* m_max 8 */
	text_trace("stasim-trace 1\ngemm name=a m=4 k=4 n=4\n"
		   "gemm name=b m=4 k=64 n=4 nm=1:16\n", &t);
	assert_int_equal(run_sim(&c, &t, &o, &r, &err), -1);
	assert_int_equal(err.line, 3);
	assert_string_equal(err.field, "gemm.nm");
	run_free(&r);
	trace_free(&t);
	text_cfg("[engine]\nact_bits = 16\n[sram]\nout_kib = 1\n", &c);
	text_trace("stasim-trace 1\ngemm name=a m=64 k=64 n=64\n", &t);
	assert_int_equal(run_sim(&c, &t, &o, &r, &err), -1);
	assert_string_equal(err.field, "sram.out_kib");
	run_free(&r);
	trace_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_op_closed_form),
		cmocka_unit_test(test_sparsity_pays),
		cmocka_unit_test(test_array_scaling),
		cmocka_unit_test(test_memory_bound_scales_with_bandwidth),
		cmocka_unit_test(test_vector_op_closed_form),
		cmocka_unit_test(test_fused_attention),
		cmocka_unit_test(test_softmax_backpressure),
		cmocka_unit_test(test_timing_equals_functional),
		cmocka_unit_test(test_functional_patterns),
		cmocka_unit_test(test_buffers_monotonic),
		cmocka_unit_test(test_buffer_full_of_kept_tensors),
		cmocka_unit_test(test_timeline),
		cmocka_unit_test(test_html_report),
		cmocka_unit_test(test_energy_sums),
		cmocka_unit_test(test_reports_deterministic),
		cmocka_unit_test(test_invariants_every_cycle),
		cmocka_unit_test(test_unmappable_and_too_small),
		cmocka_unit_test(test_shipped_traces_roofline_and_fast_forward),
	};

	return cmocka_run_group_tests_name("sim", tests, NULL, NULL);
}
