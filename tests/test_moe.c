/*
 * test_moe.c - MoE gating and expert execution.
 *
 * Expected values come from naive references (top-k by full sort), from
 * the model's dimensions (weight bytes, MACs) and from properties that
 * must hold for any routing (every kept pair once, capacity respected,
 * skew never reducing the cost of imbalance).
 */
#include "testutil.h"

#include "config.h"
#include "gate.h"
#include "moe.h"
#include "nm.h"
#include "run.h"
#include "sde_unit.h"
#include "trace.h"
#include "zoo.h"

static void run(const struct config *c, const struct trace *t,
		struct run_result *r)
{
	struct run_opts o = { .seed = 3, .fast_forward = 1 };
	struct sim_err err;

	assert_int_equal(run_sim(c, t, &o, r, &err), 0);
	assert_false(r->failed);
}

/* Naive top-k: the k largest, ties to the lower index, by full ranking. */
static void naive_topk(const int32_t *v, uint32_t e, uint32_t k, uint16_t *out)
{
	uint32_t i, j, rank;

	for (i = 0; i < e; i++) {
		for (rank = 0, j = 0; j < e; j++)
			rank += v[j] > v[i] || (v[j] == v[i] && j < i);
		if (rank < k)
			out[rank] = (uint16_t)i;
	}
}

static void test_topk_reference(void **state)
{
	int32_t v[64];
	uint16_t a[GATE_TOPK_MAX], b[GATE_TOPK_MAX];
	uint64_t s = 99;
	unsigned trial, i, e, k;

	(void)state;
	for (trial = 0; trial < 5000; trial++) {
		e = 1 + trial % 64;
		k = 1 + trial % (e < GATE_TOPK_MAX ? e : GATE_TOPK_MAX);
		for (i = 0; i < e; i++) {
			s = s * 6364136223846793005ull + 1442695040888963407ull;
			/* a narrow range makes ties common */
			v[i] = (int32_t)((s >> 33) % (trial % 3 ? 5 : 1000)) - 2;
		}
		gate_topk(v, e, k, a);
		naive_topk(v, e, k, b);
		assert_memory_equal(a, b, k * sizeof *a);
	}
}

static struct op moe_op(uint32_t routing, uint32_t skew, uint32_t cap)
{
	struct op o;

	memset(&o, 0, sizeof o);
	o.kind = OP_MOE;
	snprintf(o.name, sizeof o.name, "m");
	o.m = 129;
	o.k = 192;
	o.n = 384;
	o.experts = 16;
	o.topk = 2;
	o.nm_n = o.nm_m = 1;
	o.heads = 1;
	o.routing = routing;
	o.skew = skew;
	o.hot = routing == ROUTE_HOT ? 2 : 0;
	o.capacity = cap;
	return o;
}

/* Every token gets k distinct experts; queues hold each kept pair once, in
 * token order; capacity caps every queue and the rest is counted dropped. */
static void test_queues_and_capacity(void **state)
{
	static const uint32_t routes[] = { ROUTE_UNIFORM, ROUTE_ZIPF, ROUTE_HOT,
					   ROUTE_COMPUTED, ROUTE_BALANCED };
	static const uint32_t caps[] = { 0, 100, 125, 50 };
	struct config c;
	struct moe_route r;
	unsigned ri, ci;
	uint32_t t, j, e, i;

	(void)state;
	load_cfg_text("", &c);
	for (ri = 0; ri < 5; ri++)
		for (ci = 0; ci < 4; ci++) {
			struct op o = moe_op(routes[ri], 150, caps[ci]);
			uint64_t cap = caps[ci] ? (uint64_t)ceil(caps[ci] / 100.0 *
					129 * 2 / 16) : 129, kept = 0;

			assert_int_equal(moe_route(&c, NULL, &o, 5, 0, &r), 0);
			for (t = 0; t < o.m; t++)
				for (j = 1; j < o.topk; j++)
					assert_int_not_equal(r.choice[t * 2],
							     r.choice[t * 2 + j]);
			for (e = 0; e < o.experts; e++) {
				assert_true(r.kept[e] <= cap);
				for (i = 1; i < r.kept[e]; i++)
					assert_true(r.list[e][i - 1] < r.list[e][i]);
				kept += r.kept[e];
			}
			assert_int_equal(kept + r.dropped, 129 * 2);
			if (!caps[ci])
				assert_int_equal(r.dropped, 0);
			moe_route_free(&r);
		}
	/* hot: 100 % of the draws on experts 0 and 1 when both are free */
	{
		struct op o = moe_op(ROUTE_HOT, 100, 0);

		assert_int_equal(moe_route(&c, NULL, &o, 5, 0, &r), 0);
		assert_int_equal(r.kept[0] + r.kept[1], 2 * 129);
		moe_route_free(&r);
	}
}

/* Routing is a function of seed and task: same in, same out. */
static void test_routing_deterministic(void **state)
{
	struct config c;
	struct moe_route a, b, x;
	struct op o = moe_op(ROUTE_ZIPF, 120, 0);

	(void)state;
	load_cfg_text("", &c);
	assert_int_equal(moe_route(&c, NULL, &o, 7, 1, &a), 0);
	assert_int_equal(moe_route(&c, NULL, &o, 7, 1, &b), 0);
	assert_int_equal(moe_route(&c, NULL, &o, 7, 0, &x), 0);
	assert_memory_equal(a.choice, b.choice, 129 * 2 * sizeof *a.choice);
	assert_memory_not_equal(a.choice, x.choice, 129 * 2 * sizeof *a.choice);
	moe_route_free(&a);
	moe_route_free(&b);
	moe_route_free(&x);
}

static const char layer[] =
	"stasim-trace 1\n"
	"gate name=g m=129 k=192 n=16 topk=2 tasks=2 task=1\n"
	"moe name=m m=129 k=192 n=384 experts=16 topk=2 nm=2:4 routing=%s\n";

static void layer_trace(const char *routing, struct trace *t)
{
	char body[512];

	snprintf(body, sizeof body, layer, routing);
	load_trace_text(body, t);
}

/* routing=list: the trace's own lists route the layer, and round-trip. */
static void test_routing_list(void **state)
{
	/* 6 tokens, top-2 of 4 experts: expert counts 4, 3, 3, 2 */
	static const char body[] = "stasim-trace 1\n"
		"moe name=m m=6 k=16 n=32 experts=4 topk=2 routing=list "
		"assign=0.1,1.2,2.0,3.0,0.1,2.3\n";
	static const uint32_t want[4] = { 4, 3, 3, 2 };
	struct config c;
	struct trace t, back;
	struct run_result r;
	struct sim_err err;
	char path[1024];

	(void)state;
	load_cfg_text("", &c);
	load_trace_text(body, &t);
	run(&c, &t, &r);
	assert_memory_equal(r.moe[0]->tokens, want, sizeof want);
	assert_int_equal(r.moe[0]->active, 4);
	run_free(&r);
	tmp_file(path, sizeof path, ".trace", "");
	assert_int_equal(trace_write(path, &t, NULL, &err), 0);
	assert_int_equal(trace_read(path, &back, &err), 0);
	assert_int_equal(back.ops[0].assign_len, 12);
	assert_memory_equal(back.assign + back.ops[0].assign_off,
			    t.assign + t.ops[0].assign_off, 12 * sizeof *t.assign);
	unlink(path);
	trace_free(&back);
	trace_free(&t);
}

/*
 * Functional mode: real tokens through real experts, each part checked,
 * the layer checked token by token; expert-major and token-major orders
 * give the same output (int32 accumulation does not depend on order).
 */
static void test_functional_orders_agree(void **state)
{
	static const char *const routes[] = { "computed", "zipf skew=150" };
	struct config c;
	struct trace t;
	struct run_result em, tm;
	struct run_opts o = { .seed = 3, .fast_forward = 1, .functional = 1 };
	struct sim_err err;
	unsigned i;

	(void)state;
	for (i = 0; i < 2; i++) {
		layer_trace(routes[i], &t);
		load_cfg_text("", &c);
		assert_int_equal(run_sim(&c, &t, &o, &em, &err), 0);
		assert_false(em.failed);
		load_cfg_text("[gate]\norder = token\ntoken_block = 16\n", &c);
		assert_int_equal(run_sim(&c, &t, &o, &tm, &err), 0);
		assert_false(tm.failed);
		assert_true(em.checked >= 129ull * 192);
		assert_true(em.moe[1]->out_hash != 0);
		assert_true(em.moe[1]->out_hash == tm.moe[1]->out_hash);
		assert_true(em.cycles != tm.cycles);
		run_free(&em);
		run_free(&tm);
		trace_free(&t);
	}
}

/* The router is the task's: the gate op's task key, or --task over it. */
static void test_task_selects_router(void **state)
{
	struct config c;
	struct trace t0, t1;
	struct run_result a, b, d;
	struct run_opts o = { .seed = 3, .fast_forward = 1, .task = 1,
			      .task_set = 1 };
	struct sim_err err;

	(void)state;
	load_cfg_text("", &c);
	load_trace_text("stasim-trace 1\ngate name=g m=129 k=192 n=16 topk=2 tasks=2 "
			"task=0\nmoe name=m m=129 k=192 n=384 experts=16 topk=2\n", &t0);
	load_trace_text("stasim-trace 1\ngate name=g m=129 k=192 n=16 topk=2 tasks=2 "
			"task=1\nmoe name=m m=129 k=192 n=384 experts=16 topk=2\n", &t1);
	run(&c, &t0, &a);
	run(&c, &t1, &b);
	assert_memory_not_equal(a.moe[1]->tokens, b.moe[1]->tokens,
				16 * sizeof *a.moe[1]->tokens);
	assert_int_equal(run_sim(&c, &t0, &o, &d, &err), 0);	/* --task 1 */
	assert_memory_equal(d.moe[1]->tokens, b.moe[1]->tokens,
			    16 * sizeof *d.moe[1]->tokens);
	run_free(&a);
	run_free(&b);
	run_free(&d);
	trace_free(&t0);
	trace_free(&t1);
}

/* Expert-major: each active expert's two weight matrices exactly once. */
static void test_weights_once_expert_major(void **state)
{
	struct nm_hw hw = { 4, 16 };
	struct nm_map m;
	struct config c;
	struct trace t;
	struct run_result em, tm;
	uint64_t w1, w2;

	(void)state;
	nm_map(&hw, 2, 4, &m);
	/* 2:4 int8 with 2-bit indices: 20 bits per group of 4 along k */
	w1 = 192 / 4 * 20 * 384 / 8;
	w2 = 384 / 4 * 20 * 192 / 8;
	assert_int_equal(w1, nm_block_bytes(&m, 192, 384, 8, 0));
	load_cfg_text("", &c);
	layer_trace("zipf skew=150", &t);
	run(&c, &t, &em);
	assert_non_null(em.moe[1]);
	assert_int_equal(em.moe[1]->weight_bytes, em.moe[1]->active * (w1 + w2));
	load_cfg_text("[gate]\norder = token\ntoken_block = 32\n", &c);
	run(&c, &t, &tm);
	/* the same work, more weight traffic, more cycles */
	assert_int_equal(tm.ops[1].macs, em.ops[1].macs);
	assert_int_equal(tm.ops[1].dense_macs, 129ull * 2 * 2 * 192 * 384);
	assert_true(tm.moe[1]->weight_bytes > em.moe[1]->weight_bytes);
	assert_true(tm.ops[1].dram_rd > em.ops[1].dram_rd);
	assert_true(tm.cycles > em.cycles);
	run_free(&em);
	run_free(&tm);
	trace_free(&t);
}

/*
 * More skew, more cost of imbalance (compute-bound setting). One routing
 * is one sample, so each skew's figure is summed over four seeds.
 */
static void test_zipf_imbalance_monotonic(void **state)
{
	static const char *const skews[] = { "zipf skew=0", "zipf skew=100",
		"zipf skew=150", "zipf skew=250" };
	struct config c;
	struct trace t;
	struct run_result r;
	struct run_opts o = { .fast_forward = 1 };
	struct sim_err err;
	uint64_t prev = 0, sum;
	unsigned i;

	(void)state;
	load_cfg_text("[dram]\nbandwidth_gbps = 400\n", &c);
	for (i = 0; i < 4; i++) {
		layer_trace(skews[i], &t);
		for (sum = 0, o.seed = 1; o.seed <= 4; o.seed++) {
			assert_int_equal(run_sim(&c, &t, &o, &r, &err), 0);
			sum += r.moe[1]->imbalance_cycles;
			run_free(&r);
		}
		assert_true(sum > prev);
		prev = sum;
		trace_free(&t);
	}
}

/*
 * A gate op of one tile: like a vector op plus the router-weight load:
 * 2 + a + w + L + 2 + kc + 3 + o + L, with kc = T * max(stage) + the other
 * stages (models/gate.h).
 */
static void test_gate_closed_form(void **state)
{
	struct config c;
	struct trace t;
	struct run_result r;
	/* 64 B/cycle, L 10; 8 tokens of 64 (512 B), W 64 x 16 (1024 B),
	 * out 8 x 2 x 2 = 32 B; GEMV 32 wide: 64*16/32 = 32 per token;
	 * softmax online on 32 lanes, row of 16: 2*1 + (8-1) + 1 + 4 = 14;
	 * top-k on one sorter: 16 */
	const uint64_t a = 8, w = 16, o = 1, L = 10;
	const uint64_t kc = 8 * 32 + 14 + 16;

	(void)state;
	load_cfg_text("[dram]\nbandwidth_gbps = 64\nlatency_ns = 10\n"
		      "[gate]\ngemv_width = 32\n", &c);
	load_trace_text("stasim-trace 1\ngate name=g m=8 k=64 n=16 topk=2\n", &t);
	run(&c, &t, &r);
	assert_int_equal(r.cycles, 2 + w + a + L + 2 + kc + 3 + o + L);
	run_free(&r);
	trace_free(&t);
}

/*
 * A balanced layer's engine work in closed form: 4 experts x 16 tokens
 * (routing=list, token t to expert t mod 4), D = hidden = 32, dense, on
 * 32 x 32 PEs with n_max 4 (pipe 5). FC1 and FC2 are one array tile of 16
 * rows x 32 columns each: kc = 32 / 4 = 8, then the tile is in the array
 * for its write-back latency LAT = 5 + 2 + 32 = 39 and 16 rows at
 * ceil(32 / lanes) cycles per row, up to its wb_done step. Parts run one
 * after another, so the engine's busy + back-pressure cycles are
 * 4 experts x 2 GEMMs x (8 + 39 + 16 * cpr - 1). On the vector unit (latency 4)
 * each expert's fused GELU takes the pipeline tail, 4, and its
 * scatter-accumulate 16 * 32 / lanes + 4.
 */
static void test_balanced_closed_form(void **state)
{
	static const char *const lanes[] = { "32", "8" };
	static const uint64_t cpr[] = { 1, 4 };
	char body[2048], ini[128];
	size_t used;
	struct config c;
	struct trace t;
	struct run_result r;
	uint32_t tok, x;
	uint64_t sde, vec;
	unsigned i;

	(void)state;
	used = (size_t)snprintf(body, sizeof body, "stasim-trace 1\nmoe name=m "
				"m=64 k=32 n=32 experts=4 topk=1 routing=list assign=");
	for (tok = 0; tok < 64; tok++)
		used += (size_t)snprintf(body + used, sizeof body - used, "%s%u",
					 tok ? "," : "", tok % 4);
	snprintf(body + used, sizeof body - used, "\n");
	load_trace_text(body, &t);
	for (i = 0; i < 2; i++) {
		snprintf(ini, sizeof ini, "[vector]\nlanes = %s\n", lanes[i]);
		load_cfg_text(ini, &c);
		run(&c, &t, &r);
		for (sde = vec = 0, x = 0; x < r.n_exec; x++) {
			if (r.plans[x].uc == &sde_unit)
				sde += r.xops[x].busy + r.xops[x].bp;
			else
				vec += r.xops[x].busy;
		}
		assert_int_equal(sde, 4 * 2 * (8 + 39 + 16 * cpr[i] - 1));
		assert_int_equal(vec, 4 * (4 + 16 * 32 / (32 / cpr[i]) + 4));
		assert_int_equal(r.ops[0].bp, 4 * 2 * 16 * (cpr[i] - 1));
		assert_int_equal(r.moe[0]->active, 4);
		run_free(&r);
	}
	trace_free(&t);
}

/* [gate] gemv_width = 0: the logits run on the engine, drained into the
 * gate unit; the gate op then has the logits' MACs and loads nothing of
 * its own; in functional mode everything still checks. */
static void test_gate_on_engine(void **state)
{
	struct config c;
	struct trace t;
	struct run_result r;
	struct run_opts o = { .seed = 3, .fast_forward = 1, .functional = 1 };
	struct sim_err err;

	(void)state;
	layer_trace("computed", &t);
	load_cfg_text("[gate]\ngemv_width = 0\n", &c);
	run(&c, &t, &r);
	assert_int_equal(r.ops[0].dense_macs, 129ull * 192 * 16);
	run_free(&r);
	assert_int_equal(run_sim(&c, &t, &o, &r, &err), 0);
	assert_false(r.failed);
	run_free(&r);
	trace_free(&t);
}

/* M3ViT-Tiny's MACs from its dimensions; the shipped trace runs within
 * the roofline and fast-forward equals strict stepping. */
static void test_m3vit(void **state)
{
	const uint64_t T = 129, D = 192, H = 3, hd = 64, ffn = 768, E = 384;
	uint64_t att = T * D * 3 * D + 2 * H * T * hd * T + T * D * D;
	uint64_t want = 128 * 768 * D + 12 * att + 6 * 2 * T * D * ffn +
			6 * T * 2 * 2 * D * E;
	char path[1024];
	struct config c;
	struct trace t;
	struct run_result ff, strict;
	struct run_opts so = { .seed = 3, .fast_forward = 0 };
	struct sim_err err;
	double peak, bpc;
	uint32_t i;

	(void)state;
	assert_int_equal(trace_read(src_path(path, sizeof path,
			 "traces/m3vit-tiny-2of4.trace.gz"), &t, &err), 0);
	load_cfg_text("", &c);
	run(&c, &t, &ff);
	assert_true(ff.total.dense_macs == want);
	peak = (double)c.rows * c.cols * c.n_max;
	bpc = config_dram_bytes_per_cycle(&c);
	for (i = 0; i < ff.n_ops; i++) {
		double cyc = (double)(ff.ops[i].end - ff.ops[i].start);

		assert_true(cyc >= ff.ops[i].macs / peak);
		assert_true(cyc * bpc >= ff.ops[i].dram_rd + ff.ops[i].dram_wr);
	}
	if (!slow_build()) {
		so.no_moe_figures = 1;
		assert_int_equal(run_sim(&c, &t, &so, &strict, &err), 0);
		assert_int_equal(strict.cycles, ff.cycles);
		assert_memory_equal(strict.xops, ff.xops,
				    ff.n_exec * sizeof *ff.xops);
		run_free(&strict);
	}
	run_free(&ff);
	trace_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_topk_reference),
		cmocka_unit_test(test_queues_and_capacity),
		cmocka_unit_test(test_routing_deterministic),
		cmocka_unit_test(test_routing_list),
		cmocka_unit_test(test_functional_orders_agree),
		cmocka_unit_test(test_task_selects_router),
		cmocka_unit_test(test_weights_once_expert_major),
		cmocka_unit_test(test_zipf_imbalance_monotonic),
		cmocka_unit_test(test_gate_closed_form),
		cmocka_unit_test(test_balanced_closed_form),
		cmocka_unit_test(test_gate_on_engine),
		cmocka_unit_test(test_m3vit),
	};

	return cmocka_run_group_tests_name("moe", tests, NULL, NULL);
}
