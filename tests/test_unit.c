/*
 * test_unit.c - a unit added through the class interface alone.
 *
 * A pass-through unit ("pass": reads rows of int8, writes them unchanged,
 * PASS_LANES elements a cycle through PASS_LATENCY stages) is defined
 * here and registered in front of stasim's own units, without editing a
 * shared file (struct run_opts.units). It takes the trace's add ops; each
 * one runs plan -> kernel -> statistics like any other op, and its busy
 * cycles must be the closed form sum over tiles of
 * ceil(rows * n / PASS_LANES) + PASS_LATENCY. This keeps sim/unit.h's
 * "add a unit" checklist honest.
 */
#include "testutil.h"

#include "config.h"
#include "energy.h"
#include "fu_unit.h"
#include "func.h"
#include "gate_unit.h"
#include "plan.h"
#include "run.h"
#include "sde_unit.h"
#include "smx_unit.h"
#include "trace.h"
#include "unit.h"
#include "vec_unit.h"

#define PASS_LANES 4
#define PASS_LATENCY 3

/* The pass unit's parameters in a plan_op. */
struct pass_op {
	uint32_t lanes;		/* elements per cycle */
	uint32_t latency;	/* pipeline stages */
};

static const struct pass_op *pass_of(const struct plan_op *p)
{
	return (const struct pass_op *)(const void *)p->params.b;
}

static int pass_takes(const struct op *op)
{
	return op->kind == OP_ADD;
}

static void pass_params(const struct config *cfg, struct plan_op *p)
{
	struct pass_op *o = (struct pass_op *)(void *)p->params.b;

	(void)cfg;
	o->lanes = PASS_LANES;
	o->latency = PASS_LATENCY;
}

static int pass_plan(const struct config *cfg, const struct trace *t,
		     const struct op *op, struct plan_op *p,
		     const uint64_t *slots, struct sim_err *err)
{
	return plan_rows(cfg, t, op, p, slots, err);
}

static uint64_t pass_cycles(uint64_t rows, uint64_t n)
{
	return (rows * n + PASS_LANES - 1) / PASS_LANES + PASS_LATENCY;
}

static void pass_time(const struct plan_op *p, struct plan_step *s)
{
	const struct pass_op *o = pass_of(p);

	s->klen = p->n;
	s->kcycles = ((uint64_t)s->rows * p->n + o->lanes - 1) / o->lanes +
		     o->latency;
}

static void pass_work(const struct plan_op *p, struct plan_step *s)
{
	plan_row_work(p, s, 0);
}

static double pass_dyn(const struct config *cfg, const struct op_stats *s,
		       const struct plan_op *p)
{
	(void)cfg;
	(void)s;
	(void)p;
	return 0;
}

static const void *pass_begin(struct func *f, uint32_t x, size_t *stride)
{
	(void)x;
	*stride = 0;
	snprintf(f->msg, sizeof f->msg, "pass: no functional model");
	return NULL;
}

static int pass_check(struct func *f, uint32_t x)
{
	(void)f;
	(void)x;
	return -1;
}

static int pass_dump(struct func *f, uint32_t x, const char *name)
{
	(void)f;
	(void)x;
	(void)name;
	return -1;
}

static void pass_init(void *self, const struct unit_env *env)
{
	fu_unit_init(self, "pass", env);
}

static const struct unit_class pass_unit = {
	.name = "pass", .eu = EU_VEC, .w_tiled = 0,
	.takes = pass_takes, .params = pass_params, .plan = pass_plan,
	.time = pass_time, .work = pass_work,
	.dyn_pj = pass_dyn,
	.begin = pass_begin, .check = pass_check, .dump = pass_dump,
	.ops = &fu_unit_ops, .size = sizeof(struct fu), .init = pass_init,
	.attach = fu_unit_attach, .port = fu_unit_port,
	.counters = fu_unit_counters,
};

/* The test's registry: pass first (it takes add before vec would). */
static const struct unit_class *const with_pass[] = {
	&pass_unit, &sde_unit, &vec_unit, &smx_unit, &gate_unit,
};
static const struct unit_registry pass_registry = { with_pass, 5 };

static void run(const struct config *c, const struct trace *t,
		const struct unit_registry *reg, int ff, struct run_result *r)
{
	struct run_opts o = { .seed = 3, .fast_forward = ff, .check = 1,
			      .units = reg };
	struct sim_err err;

	assert_int_equal(run_sim(c, t, &o, r, &err), 0);
	assert_false(r->failed);
}

/* One add of 16 rows of 64 on the default config, its units from reg
 * (NULL: stasim's own), fast-forward on; t holds the trace, r the run. */
static void run_one_add(const struct unit_registry *reg, struct trace *t,
			struct run_result *r)
{
	struct config c;

	load_cfg_text("", &c);
	load_trace_text("stasim-trace 1\nadd name=r m=16 n=64\n", t);
	run(&c, t, reg, 1, r);
}

/* One add of one tile: planned on pass, busy exactly its closed form. */
static void test_pass_one_tile(void **state)
{
	struct trace t;
	struct run_result r;

	(void)state;
	run_one_add(&pass_registry, &t, &r);
	assert_int_equal(r.n_exec, 1);
	assert_ptr_equal(r.plans[0].uc, &pass_unit);
	assert_int_equal(r.plans[0].unit, 0);
	assert_int_equal(r.xops[0].steps, 1);
	assert_int_equal(r.xops[0].busy, pass_cycles(16, 64));
	assert_int_equal(r.unit[EU_VEC].busy_cycles, pass_cycles(16, 64));
	assert_int_equal(r.xops[0].act_rd, 16 * 64);
	assert_int_equal(r.xops[0].out_wr, 16 * 64);
	assert_true(r.cycles > pass_cycles(16, 64));
	run_free(&r);
	trace_free(&t);
}

/*
 * 100 rows of 64 with 4 KiB buffers (2 KiB halves): tiles of 32, 32, 32
 * and 4 rows; strict stepping agrees with fast-forward; the gemm before
 * it still runs on the engine of the same registry.
 */
static void test_pass_tiles_and_neighbours(void **state)
{
	struct config c;
	struct trace t;
	struct run_result a, b;
	uint64_t want = 3 * pass_cycles(32, 64) + pass_cycles(4, 64);

	(void)state;
	load_cfg_text("[sram]\nact_kib = 4\nout_kib = 4\n", &c);
	load_trace_text("stasim-trace 1\ngemm name=g m=100 k=64 n=64\n"
			"add name=r m=100 n=64\n", &t);
	run(&c, &t, &pass_registry, 1, &a);
	run(&c, &t, &pass_registry, 0, &b);
	assert_int_equal(a.n_exec, 2);
	assert_ptr_equal(a.plans[0].uc, &sde_unit);
	assert_int_equal(a.plans[0].unit, 1);
	assert_ptr_equal(a.plans[1].uc, &pass_unit);
	assert_int_equal(a.xops[1].steps, 4);
	assert_int_equal(a.xops[1].busy, want);
	assert_int_equal(a.cycles, b.cycles);
	assert_memory_equal(a.xops, b.xops, 2 * sizeof *a.xops);
	run_free(&a);
	run_free(&b);
	trace_free(&t);
}

/* Without a registry of its own a run keeps stasim's units: add on vec. */
static void test_default_registry(void **state)
{
	struct trace t;
	struct run_result r;

	(void)state;
	run_one_add(NULL, &t, &r);
	assert_ptr_equal(r.plans[0].uc, &vec_unit);
	assert_int_equal(r.plans[0].unit,
			 unit_find(unit_registry_default(), "vec"));
	run_free(&r);
	trace_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pass_one_tile),
		cmocka_unit_test(test_pass_tiles_and_neighbours),
		cmocka_unit_test(test_default_registry),
	};

	return cmocka_run_group_tests_name("unit", tests, NULL, NULL);
}
