/*
 * gate_unit.c - the gate unit's class (see gate_unit.h, unit.h): it runs
 * gate ops, reading its tokens (A, m x k), its task's router weights (W,
 * k x experts, loaded once) and writing each token's top-k expert indices
 * and scores (2 bytes per choice). With [gate] gemv_width = 0 the logits
 * run on the engine as a dense gemm that drains into the gate. Timing and
 * actions are models/gate.c's. Invariant: a gate op's softmax stage has
 * the softmax unit's parameters.
 */
#include "gate_unit.h"

#include "fu_unit.h"
#include "smx_unit.h"
#include "../sim/area.h"
#include "../sim/energy.h"

static struct gate_op *params_of(struct plan_op *p)
{
	return (struct gate_op *)(void *)p->params.b;
}

static int takes(const struct op *op)
{
	return op->kind == OP_GATE;
}

static void params(const struct config *cfg, struct plan_op *p)
{
	_Static_assert(sizeof(struct gate_op) <= UNIT_PARAMS_BYTES,
		       "gate_op outgrows plan_op.params");
	params_of(p)->gp = (struct gate_params){ cfg->gate_gemv_width,
						 cfg->gate_sorters,
						 smx_cfg_params(cfg) };
}

static void gate_shape(const struct config *cfg, const struct op *op,
		       struct plan_op *p)
{
	params_of(p)->e = op->n;
	params_of(p)->k = op->topk;
	p->w_load = 1;
	p->map = (struct nm_map){ .n = 1, .m = 1, .k_per_cycle = 1 };
	p->m = op->m;
	p->n = op->k;
	p->heads = 1;
	p->ab = p->ob = 1;
	p->wbits = 8;
	p->burst = cfg->burst_bytes;
}

static int plan(const struct config *cfg, const struct trace *t,
		const struct op *op, struct plan_op *p, const uint64_t *s,
		struct sim_err *err)
{
	uint64_t row_a = op->k, row_o = 2ull * op->topk, fit;

	gate_shape(cfg, op, p);
	if ((uint64_t)op->k * op->n > s[1])
		return plan_too_small(cfg, t, op, "sram.wgt_kib",
				      (uint64_t)op->k * op->n, s[1], err);
	fit = s[0] / row_a < s[2] / row_o ? s[0] / row_a : s[2] / row_o;
	if (fit == 0)
		return plan_too_small(cfg, t, op, "sram.act_kib", row_a, s[0],
				      err);
	p->tm = plan_min32(fit, op->m);
	p->tn = p->tk = p->n;
	p->rows = p->tm;
	p->cols = p->n;
	p->m_outer = 1;
	p->n_mt = plan_cdiv(op->m, p->tm);
	p->n_nt = p->n_kt = 1;
	return 0;
}

/*
 * [gate] gemv_width = 0: the router's logits x W_gate run on the engine as
 * a dense gemm whose outputs drain into the gate unit, which then only
 * does softmax and top-k (models/gate.h: its logits stage is 0).
 */
static int expand(const struct config *cfg, const struct trace *t,
		  uint32_t i, struct plan_list *x, struct sim_err *err)
{
	struct op g = t->ops[i];
	struct plan_op *p;

	if (!cfg->gate_gemv_width) {
		g.kind = OP_GEMM;
		g.nm_n = g.nm_m = 1;
		g.topk = g.tasks = g.task = 0;
		if (!(p = plan_list_op(x, cfg, t, &g, i, err)))
			return -1;
		p->o_onchip = 1;	/* logits stream into the gate unit */
	}
	if (!(p = plan_list_op(x, cfg, t, &t->ops[i], i, err)))
		return -1;
	if (!cfg->gate_gemv_width) {
		p->a_onchip = 1;	/* its tokens arrive as logits */
		p->w_load = 0;		/* W_gate is the engine's */
	}
	return 0;
}

static void time_step(const struct plan_op *p, struct plan_step *s)
{
	const struct gate_op *g = gate_op_of(p);

	s->klen = p->n;
	s->kcycles = gate_cycles(&g->gp, s->rows, p->n, g->e);
}

/* Router weights, loaded whole; 2 bytes per choice out. */
static void loads(const struct plan_op *p, struct plan_step *s)
{
	const struct gate_op *g = gate_op_of(p);
	uint64_t rows_t = plan_tile_len(p->m, p->tm, s->mt);

	s->w_sram = (uint64_t)p->n * g->e;
	s->w_dram = plan_bursts(s->w_sram, p->burst);
	s->o_sram = rows_t * 2 * g->k;
	s->o_dram = plan_bursts(s->o_sram, p->burst);
}

static void work(const struct plan_op *p, struct plan_step *s)
{
	const struct gate_op *g = gate_op_of(p);

	plan_row_work(p, s, 0);
	s->wgt_rd = (uint64_t)s->rows * p->n * g->e;
	s->out_wr = (uint64_t)s->rows * 2 * g->k;
	gate_count(&g->gp, s->rows, p->n, g->e, g->k, &s->nl);
}

static double dyn_pj(const struct config *cfg, const struct op_stats *s,
		     const struct plan_op *p)
{
	(void)p;
	return energy_nl_pj(&cfg->energy, &s->nl);
}

/* Sizes at a set not synthesized (docs/ppa.md "Estimates"): the core is
 * its logits MACs plus what does not grow with them (token slots, the
 * routing state), GATE_FIXED_MACS MACs' worth: the least-squares line
 * through the synthesized cores at GEMV 1, 32 and 64 is 59,033 + 4,680
 * um^2 per MAC; a sorter cell (one insertion step into the top-k
 * file) does not depend on GEMV. */
#define GATE_FIXED_MACS 12.6
static double core_size(const char *k)
{
	return area_param(k, "GEMV") + GATE_FIXED_MACS;
}

static const struct area_comp gate_core = { "gate", "gate.core", "",
	core_size };
static const struct area_comp gate_sorter = { "gate", "gate.sorter", "",
	NULL };

/*
 * The gate's core (logits datapath of gemv_width MACs, token slots:
 * rtl/gate.v less its sorters and its softmax data path), its sorter cells
 * (`sorters` candidates a cycle), its softmax data path as the softmax
 * unit's at [softmax]'s algorithm and lanes, its controller. gemv_width 0
 * (logits on the engine) is costed as one MAC.
 */
static int area(const struct config *cfg, struct area_ctx *c,
		struct area_unit *u, struct sim_err *err)
{
	char key[AREA_KEY_MAX];
	double core, sorter;

	snprintf(key, sizeof key, "GEMV=%u",
		 cfg->gate_gemv_width ? cfg->gate_gemv_width : 1);
	if (area_component(c, &gate_core, key, &core, err) ||
	    area_component(c, &gate_sorter, key, &sorter, err))
		return -1;
	area_add(u, "core", 1, core);
	area_add(u, "sorter", cfg->gate_sorters, sorter);
	return smx_unit_area_dp(cfg, cfg->smx_lanes, c, u, err) ||
	       fu_unit_area(c, u, err) ? -1 : 0;
}

static void init(void *self, const struct unit_env *env)
{
	fu_unit_init(self, "gate", env);
}

static int sc_rtl(const struct config *cfg)
{
	return cfg->sc_gate == CFG_IMPL_RTL;
}

const struct unit_class gate_unit = {
	.name = "gate", .title = "gate", .eu = EU_GATE, .w_tiled = 1,
	.takes = takes, .params = params, .plan = plan, .expand = expand,
	.time = time_step, .loads = loads, .work = work,
	.dyn_pj = dyn_pj, .area = area,
	.begin = gate_func_begin, .check = gate_func_check,
	.dump = gate_func_dump,
	.ops = &fu_unit_ops, .size = sizeof(struct fu), .init = init,
	.attach = fu_unit_attach, .port = fu_unit_port,
	.counters = fu_unit_counters, .sc_rtl = sc_rtl,
};
