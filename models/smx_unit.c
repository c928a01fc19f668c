/*
 * smx_unit.c - the softmax unit's class (see smx_unit.h, unit.h): it runs
 * softmax ops as row ops; fused (softmax.fused) between the two matmuls
 * of an attention, its first pass rides on Q.K^T's drain and the engine
 * streams A.V's operands from it. Timing and actions are models/smx.c's.
 * Invariant: [softmax] algorithm maps to enum smx_algo here and nowhere
 * else.
 */
#include "smx_unit.h"

#include "fu_unit.h"
#include "../sim/area.h"
#include "../sim/energy.h"

enum smx_algo smx_cfg_algo(const struct config *cfg)
{
	return cfg->smx_algo == CFG_SMX_ITA ? SMX_ITA :
	       cfg->smx_algo == CFG_SMX_THREEPASS ? SMX_THREEPASS : SMX_ONLINE;
}

struct smx_params smx_cfg_params(const struct config *cfg)
{
	return (struct smx_params){ cfg->smx_lanes, smx_cfg_algo(cfg),
				    cfg->smx_exp_latency,
				    cfg->smx_recip_latency, cfg->smx_dividers,
				    cfg->smx_div_latency };
}

struct smx_fmt smx_cfg_fmt(const struct config *cfg)
{
	return (struct smx_fmt){ cfg->smx_in_frac,
				 (uint32_t)cfg->smx_ita_eps32 };
}

static int takes(const struct op *op)
{
	return op->kind == OP_SOFTMAX;
}

static void params(const struct config *cfg, struct plan_op *p)
{
	_Static_assert(sizeof(struct smx_params) <= UNIT_PARAMS_BYTES,
		       "smx_params outgrows plan_op.params");
	*(struct smx_params *)(void *)p->params.b = smx_cfg_params(cfg);
}

static int plan(const struct config *cfg, const struct trace *t,
		const struct op *op, struct plan_op *p, const uint64_t *s,
		struct sim_err *err)
{
	return plan_rows(cfg, t, op, p, s, err);
}

/* Shapes of a matmul -> softmax -> matmul chain line up. */
static int attention_chain(const struct op *qk, const struct op *sm,
			   const struct op *av)
{
	return qk->kind == OP_MATMUL && sm->kind == OP_SOFTMAX &&
	       av->kind == OP_MATMUL && sm->m == qk->m && sm->n == qk->n &&
	       sm->heads == qk->heads && av->m == sm->m && av->k == sm->n &&
	       av->heads == sm->heads;
}

static void fuse(const struct config *cfg, struct plan_op *plans, size_t n)
{
	size_t i;

	for (i = 0; i + 2 < n && cfg->smx_fused; i++) {
		if (!attention_chain(&plans[i].src, &plans[i + 1].src,
				     &plans[i + 2].src))
			continue;
		plans[i].o_onchip = 1;
		plans[i].drain_lanes = cfg->smx_lanes;
		plans[i + 1].a_onchip = plans[i + 1].o_onchip = 1;
		plans[i + 2].a_onchip = 1;
		plans[i + 2].a_lanes = cfg->smx_lanes;
		i += 2;
	}
}

static void time_step(const struct plan_op *p, struct plan_step *s)
{
	s->klen = p->n;
	s->kcycles = p->a_onchip ? smx_fused_cycles(smx_op_of(p), s->rows, p->n)
				 : smx_cycles(smx_op_of(p), s->rows, p->n);
}

static void work(const struct plan_op *p, struct plan_step *s)
{
	plan_row_work(p, s, 0);
	smx_count(smx_op_of(p), s->rows, p->n, &s->nl);
}

static double dyn_pj(const struct config *cfg, const struct op_stats *s,
		     const struct plan_op *p)
{
	(void)p;
	return energy_nl_pj(&cfg->energy, &s->nl);
}

/*
 * Scaling a lane or the shared part to a parameter set not synthesized
 * (docs/ppa.md "Estimates"): only from the same algorithm; latencies move
 * a few pipeline registers, so a lane is taken as the same size (no size
 * rule); the shared part grows with its dividers.
 */
static double rest_size(const char *k)
{
	return 1 + area_param(k, "DIVIDERS");
}

static const struct area_comp smx_lane = { "smx", "smx.lane", "ALGORITHM",
	NULL };
static const struct area_comp smx_rest = { "smx", "smx.rest", "ALGORITHM",
	rest_size };

int smx_unit_area_dp(const struct config *cfg, uint32_t lanes,
		     struct area_ctx *c, struct area_unit *u,
		     struct sim_err *err)
{
	char key[AREA_KEY_MAX];
	double lane, rest;

	snprintf(key, sizeof key, "ALGORITHM=%d EXP_LATENCY=%u "
		 "RECIP_LATENCY=%u DIVIDERS=%u DIV_LATENCY=%u",
		 smx_cfg_algo(cfg) == SMX_ITA ? 1 : 0, cfg->smx_exp_latency,
		 cfg->smx_recip_latency, cfg->smx_dividers,
		 cfg->smx_div_latency);
	if (area_component(c, &smx_lane, key, &lane, err) ||
	    area_component(c, &smx_rest, key, &rest, err))
		return -1;
	area_add(u, "smx lane", lanes, lane);
	area_add(u, "smx shared", 1, rest);
	return 0;
}

static int area(const struct config *cfg, struct area_ctx *c,
		struct area_unit *u, struct sim_err *err)
{
	return smx_unit_area_dp(cfg, cfg->smx_lanes, c, u, err) ||
	       fu_unit_area(c, u, err) ? -1 : 0;
}

static void init(void *self, const struct unit_env *env)
{
	fu_unit_init(self, "smx", env);
}

static int sc_rtl(const struct config *cfg)
{
	return cfg->sc_softmax == CFG_IMPL_RTL;
}

const struct unit_class smx_unit = {
	.name = "smx", .title = "softmax", .eu = EU_SMX, .w_tiled = 0,
	.takes = takes, .params = params, .plan = plan, .fuse = fuse,
	.time = time_step, .work = work,
	.dyn_pj = dyn_pj, .area = area,
	.begin = smx_func_begin, .check = smx_func_check,
	.dump = smx_func_dump,
	.ops = &fu_unit_ops, .size = sizeof(struct fu), .init = init,
	.attach = fu_unit_attach, .port = fu_unit_port,
	.counters = fu_unit_counters, .sc_rtl = sc_rtl,
};
