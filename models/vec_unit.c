/*
 * vec_unit.c - the vector unit's class (see vec_unit.h, unit.h): it runs
 * gelu, layernorm, add and MoE's scatter-accumulate as row ops; a GELU
 * fused onto the engine's drain (vector.gelu_fused) works on the stream
 * and touches no buffer. Timing and actions are models/vec.c's.
 * Invariant: an op's parameters come from the config alone.
 */
#include "vec_unit.h"

#include "fu_unit.h"
#include "../sim/area.h"
#include "../sim/energy.h"

static struct vec_op *params_of(struct plan_op *p)
{
	return (struct vec_op *)(void *)p->params.b;
}

enum vec_gelu vec_cfg_gelu(const struct config *cfg)
{
	return cfg->vec_gelu == CFG_GELU_IGELU ? VEC_GELU_IGELU
					       : VEC_GELU_TABLE;
}

struct vec_fmt vec_cfg_fmt(const struct config *c)
{
	return (struct vec_fmt){ c->vec_in_frac, c->vec_out_frac,
				 c->vec_table_step_log2,
				 (uint32_t)(c->vec_table_range * 256 + 0.5) };
}

static int takes(const struct op *op)
{
	return op->kind == OP_GELU || op->kind == OP_LAYERNORM ||
	       op->kind == OP_ADD || op->kind == OP_MOE;
}

static void params(const struct config *cfg, struct plan_op *p)
{
	_Static_assert(sizeof(struct vec_op) <= UNIT_PARAMS_BYTES,
		       "vec_op outgrows plan_op.params");
	params_of(p)->vp = (struct vec_params){ cfg->vec_lanes,
						cfg->vec_latency,
						cfg->vec_isqrt_latency,
						vec_cfg_gelu(cfg) };
}

static int plan(const struct config *cfg, const struct trace *t,
		const struct op *op, struct plan_op *p, const uint64_t *s,
		struct sim_err *err)
{
	params_of(p)->kind = op->kind == OP_GELU ? VEC_K_GELU :
			     op->kind == OP_LAYERNORM ? VEC_K_LAYERNORM :
			     op->kind == OP_MOE ? VEC_K_SCATTER : VEC_K_ADD;
	p->w_load = p->w_dep = op->kind == OP_ADD || op->kind == OP_MOE;
	return plan_rows(cfg, t, op, p, s, err);
}

/* A GELU on the engine's drain: it works on the stream. */
static int on_drain(const struct plan_op *p)
{
	return p->a_onchip && vec_op_of(p)->kind == VEC_K_GELU;
}

/* gemm -> gelu of the same shape: GELU on the engine's drain. */
static void fuse(const struct config *cfg, struct plan_op *plans, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n && cfg->vec_gelu_fused; i++) {
		const struct op *a = &plans[i].src, *b = &plans[i + 1].src;

		if (a->kind != OP_GEMM || b->kind != OP_GELU || b->m != a->m ||
		    b->n != a->n)
			continue;
		plans[i].drain_lanes = cfg->vec_lanes;
		plans[i + 1].a_onchip = plans[i + 1].o_onchip = 1;
	}
}

static void time_step(const struct plan_op *p, struct plan_step *s)
{
	const struct vec_op *v = vec_op_of(p);

	s->klen = p->n;
	s->kcycles = on_drain(p) ? v->vp.latency
				 : vec_cycles(&v->vp, v->kind, s->rows, p->n);
}

/* A fused GELU touches no buffer (a scatter-accumulate still writes the
 * rows it then stores). */
static void work(const struct plan_op *p, struct plan_step *s)
{
	const struct vec_op *v = vec_op_of(p);

	plan_row_work(p, s, on_drain(p));
	vec_count(&v->vp, v->kind, s->rows, p->n, &s->nl);
}

static double dyn_pj(const struct config *cfg, const struct op_stats *s,
		     const struct plan_op *p)
{
	(void)p;
	return energy_nl_pj(&cfg->energy, &s->nl);
}

/* The latency moves a few pipeline registers: a lane or the shared part
 * at another latency is taken as the same size (no size rule; docs/ppa.md
 * "Estimates"). */
static const struct area_comp vec_lane = { "vec", "vec.lane", "", NULL };
static const struct area_comp vec_rest = { "vec", "vec.rest", "", NULL };

/* lanes x lane, the part they share, the controller (rtl/vec.v) */
static int area(const struct config *cfg, struct area_ctx *c,
		struct area_unit *u, struct sim_err *err)
{
	char key[AREA_KEY_MAX];
	double lane, rest;

	snprintf(key, sizeof key, "LATENCY=%u", cfg->vec_latency);
	if (area_component(c, &vec_lane, key, &lane, err) ||
	    area_component(c, &vec_rest, key, &rest, err))
		return -1;
	area_add(u, "lane", cfg->vec_lanes, lane);
	area_add(u, "shared", 1, rest);
	return fu_unit_area(c, u, err);
}

static void init(void *self, const struct unit_env *env)
{
	fu_unit_init(self, "vec", env);
}

const struct unit_class vec_unit = {
	.name = "vec", .title = "vector", .eu = EU_VEC, .w_tiled = 0,
	.takes = takes, .params = params, .plan = plan, .fuse = fuse,
	.time = time_step, .work = work,
	.dyn_pj = dyn_pj, .area = area,
	.begin = vec_func_begin, .check = vec_func_check,
	.dump = vec_func_dump,
	.ops = &fu_unit_ops, .size = sizeof(struct fu), .init = init,
	.attach = fu_unit_attach, .port = fu_unit_port,
	.counters = fu_unit_counters,
};
