/*
 * sde_unit.c - the sparse-dense engine's class (see sde_unit.h, unit.h):
 * which ops it runs (gemm, matmul), how it tiles them, a step's time and
 * actions, their energy, and its kernel hooks.
 *
 * Tile choice (docs/models.md, "Tiling"): if one array tile's operands over
 * the whole of k fit a buffer half, tk = k and the resident operand of the
 * outer loop is grown as far as its buffer allows; otherwise k is cut into
 * slices aligned to M-groups and tiles stay array-sized. Of the two loop
 * orders the one moving fewer DRAM bytes wins; m outer on a tie. A
 * multiply is priced at the wider operand width. Invariant: each step's
 * loads fit their buffer half.
 */
#include "sde_unit.h"

#include "sde.h"
#include "sde_map.h"
#include "../sim/area.h"
#include "../sim/energy.h"
#include "../sim/kern.h"
#include "../sim/plan.h"
#include "../sim/sched.h"


static int map_op(const struct config *cfg, const struct trace *t,
		  const struct op *op, struct plan_op *p, struct sim_err *err)
{
	struct nm_hw hw = { cfg->n_max, cfg->m_max };
	uint32_t n = op->kind == OP_MATMUL ? 1 : op->nm_n;
	uint32_t m = op->kind == OP_MATMUL ? 1 : op->nm_m;
	char field[48];

	if (nm_map(&hw, n, m, &p->map) == 0)
		return 0;
	snprintf(field, sizeof field, "%s.nm", op_kind_name(op->kind));
	return err_set(err, t->path, op->line, field,
		       "pattern %u:%u needs engine.m_max >= %u, but %s has "
		       "m_max = %u", n, m, m, cfg->path, cfg->m_max);
}

static void shape(const struct config *cfg, const struct op *op,
		  struct plan_op *p)
{
	uint32_t keff;

	p->m = op->m;
	p->k = op->k;
	p->n = op->n;
	p->heads = op->kind == OP_MATMUL ? op->heads : 1;
	p->ab = cfg->act_bits / 8;
	p->ob = cfg->act_bits / 8;
	p->b_rowmajor = op->kind == OP_MATMUL;
	p->wbits = p->b_rowmajor ? cfg->act_bits : cfg->weight_bits;
	p->bitmap = cfg->index_format == CFG_IDX_BITMAP;
	p->rows = cfg->rows;
	p->cols = cfg->cols;
	p->out_bytes = (uint64_t)cfg->out_kib * 1024;
	p->burst = cfg->burst_bytes;
	keff = (uint32_t)nm_mults(&p->map, op->k);
	p->shift = cfg->act_bits - 1 + (nm_clog2(keff) + 1) / 2;
}

static int takes(const struct op *op)
{
	return op_is_matrix(op);
}

static void params(const struct config *cfg, struct plan_op *p)
{
	(void)cfg;	/* the engine's parameters are the plan's own fields */
	(void)p;
}

/* The buffer that cannot hold one array tile over one M-group of k. */
static int k_too_small(const struct config *cfg, const struct trace *t,
		       const struct op *op, const struct plan_op *p,
		       uint32_t align, const uint64_t *s, struct sim_err *err)
{
	uint64_t a = (uint64_t)plan_min32(p->rows, p->m) * align * p->ab;

	if (a > s[0])
		return plan_too_small(cfg, t, op, "sram.act_kib", a, s[0], err);
	return plan_too_small(cfg, t, op, "sram.wgt_kib",
			      sde_w_bytes(p, align, plan_min32(p->cols, p->n)),
			      s[1], err);
}

static int plan(const struct config *cfg, const struct trace *t,
		const struct op *op, struct plan_op *p, const uint64_t *s,
		struct sim_err *err)
{
	uint64_t out;
	uint32_t align;

	p->w_load = 1;
	p->w_dep = op->kind == OP_MATMUL;
	if (map_op(cfg, t, op, p, err))
		return -1;
	shape(cfg, op, p);
	align = p->map.n == p->map.m ? 1 : p->map.m;
	out = (uint64_t)plan_min32(p->rows, p->m) * plan_min32(p->cols, p->n) *
	      p->ob;
	if (out > s[2])
		return plan_too_small(cfg, t, op, "sram.out_kib", out, s[2], err);
	if (cfg->map_force.valid) {	/* one of the mapper's trial runs */
		p->a_res = cfg->map_force.a_res;	/* as in the real trace */
		p->b_res = cfg->map_force.b_res;
		p->o_res = cfg->map_force.o_res;
		if (sde_map_apply(p, &cfg->map_force, s) == 0)
			return 0;
		return err_set(err, cfg->path, 0, "mapper", "internal: a "
			       "trial tiling does not fit");
	}
	if (sde_map_fixed(p, s))
		return k_too_small(cfg, t, op, p, align, s, err);
	return 0;
}

/* Stream cycles of the k-slice; a fused producer may hold the stream. */
static void time_step(const struct plan_op *p, struct plan_step *s)
{
	s->klen = plan_tile_len(p->k, p->tk, s->kt);
	s->kcycles = nm_kcycles(&p->map, s->klen);
	if (p->a_lanes) {	/* operands arrive from a fused unit */
		uint64_t need = plan_cdiv((uint64_t)s->rows * s->klen,
					  p->a_lanes);

		if (need > s->kcycles) {
			s->bp_cycles += need - s->kcycles;
			s->kcycles = need;
		}
	}
}

/* Weights in their stored (compressed) form; a matmul's B row-major. */
static void loads(const struct plan_op *p, struct plan_step *s)
{
	uint64_t cols_t = plan_tile_len(p->n, p->tn, s->nt);

	s->w_sram = sde_w_bytes(p, s->klen, cols_t);
	if (p->b_rowmajor && cols_t < p->n)
		s->w_dram = s->klen * plan_bursts(cols_t * p->ab, p->burst);
	else
		s->w_dram = plan_bursts(s->w_sram, p->burst);
}

static void work(const struct plan_op *p, struct plan_step *s)
{
	uint64_t outs = (uint64_t)s->rows * s->cols;
	uint64_t mults = nm_mults(&p->map, s->klen);
	uint64_t wcol = sde_w_bytes(p, s->klen, 1);

	s->macs = outs * mults;
	s->dense_macs = outs * s->klen;
	s->act_rd = (uint64_t)s->rows * s->klen * p->ab;
	s->wgt_rd = p->b_rowmajor ? (uint64_t)s->klen * s->cols * p->ab
				  : sde_w_bytes(p, s->klen, s->cols);
	s->out_wr = (s->flags & UNIT_LAST) ? outs * p->ob : 0;
	/* a partial-sum chain: 32-bit sums written, read back and added */
	if (s->psum == UNIT_PSUM_FIRST)
		s->out_wr = outs * 4;
	else if (s->psum == UNIT_PSUM_MID)
		s->out_wr = outs * 8;
	else if (s->psum == UNIT_PSUM_LAST)
		s->out_wr = outs * (4 + p->ob);
	s->mux_sel = p->map.n == p->map.m ? 0 : s->macs;
	if (p->drain_lanes) {	/* outputs leave through a fused unit */
		s->drain_cpr = plan_cdiv(s->cols, p->drain_lanes);
		if (s->flags & UNIT_LAST)
			s->bp_cycles += (uint64_t)s->rows * (s->drain_cpr - 1);
	}
	s->reg_bits = outs * ((uint64_t)s->klen * p->ab * 8 + wcol * 8 +
			      s->kcycles * 32);
}

static double dyn_pj(const struct config *cfg, const struct op_stats *s,
		     const struct plan_op *p)
{
	const struct energy_table *t = &cfg->energy;
	uint32_t wb = p->src.kind == OP_MATMUL ? cfg->act_bits : cfg->weight_bits;
	uint32_t bits = cfg->act_bits > wb ? cfg->act_bits : wb;
	double mult = bits > 8 ? t->mult16_pj : t->mult8_pj;
	double mux = (double)(cfg->m_max - 1) * cfg->act_bits * t->mux2_bit_pj;

	return s->macs * (mult + t->add32_pj) + s->mux_sel * mux +
	       s->reg_bits * t->reg_bit_pj;
}

/*
 * Relative sizes of the engine's components, by which a synthesized
 * parameter set is scaled to one not synthesized (docs/ppa.md
 * "Estimates"): a PE is N multipliers of ACT x WEIGHT bits, N selects of
 * one in M activations of ACT bits, and a part that does not grow with
 * them; a row edge skews M activations; a column edge carries the drain
 * and the weight feed. The PE's weights are the least-squares fit to the
 * five synthesized PEs (um^2): 11.058 per multiplier bit pair, 3.326 per
 * select input bit, 1498 fixed; the column's 64 stands for its drain.
 */
static double pe_size(const char *k)
{
	double n = area_param(k, "N_MAX"), m = area_param(k, "M_MAX");
	double a = area_param(k, "ACT_BITS"), w = area_param(k, "WEIGHT_BITS");

	return 11.058 * n * a * w + 3.326 * n * m * a + 1498;
}

static double row_size(const char *k)
{
	return area_param(k, "M_MAX") * area_param(k, "ACT_BITS");
}

static double col_size(const char *k)
{
	return 64 + area_param(k, "ACT_BITS") + area_param(k, "WEIGHT_BITS");
}

/*
 * The engine as rows x cols PEs, an edge per row and per column (skew
 * registers, the activation feed, the weight and index feed, a column's
 * drain) and its controller and output stage (rtl/sde.v; rtl/synth/area.sh
 * separates the four from six synthesized array sizes).
 */
static int area(const struct config *cfg, struct area_ctx *c,
		struct area_unit *u, struct sim_err *err)
{
	static const struct area_comp comp[] = {
		{ "sde", "sde.pe", "", pe_size },
		{ "sde", "sde.row", "", row_size },
		{ "sde", "sde.col", "", col_size },
		{ "sde", "sde.fixed", "", NULL },	/* same size */
	};
	static const char *const part[] = { "pe", "row edge", "col edge",
		"fixed" };
	double count[4] = { (double)cfg->rows * cfg->cols, cfg->rows,
			    cfg->cols, 1 };
	char key[AREA_KEY_MAX];
	double each;
	int i;

	snprintf(key, sizeof key, "N_MAX=%u M_MAX=%u ACT_BITS=%u "
		 "WEIGHT_BITS=%u", cfg->n_max, cfg->m_max, cfg->act_bits,
		 cfg->weight_bits);
	for (i = 0; i < 4; i++) {
		if (area_component(c, &comp[i], key, &each, err))
			return -1;
		area_add(u, part[i], count[i], each);
	}
	return 0;
}

static const struct kern_ops sde_ops = {
	"sde", sde_step, sde_commit, sde_horizon, sde_skip, sde_check
};

static void init(void *self, const struct unit_env *env)
{
	struct sde_params ep = { env->cfg->n_max, env->cfg->cols,
				 env->cfg->acc_double_buffer, env->op_busy,
				 env->op_stall, env->tl, env->why };

	sde_init(self, &ep, env->cmd, env->want);
}

static void attach(void *self, const struct unit_cmd *cmd,
		   const uint32_t *want)
{
	struct sde *e = self;

	e->in = cmd;
	e->want_op = want;
}

static void port(const void *self, struct unit_port *up)
{
	const struct sde *e = self;

	*up = (struct unit_port){ &e->out.cmd_ready, &e->out.active,
				  &e->out.rd_done, &e->out.wb_done };
}

static void counters(const void *self, uint64_t *busy, uint64_t *stall)
{
	const struct sde *e = self;

	*busy = e->busy_cycles;
	*stall = e->stall_cycles;
}

static int sc_rtl(const struct config *cfg)
{
	return cfg->sc_engine == CFG_IMPL_RTL;
}

const struct unit_class sde_unit = {
	.name = "sde", .title = "engine", .eu = EU_SDE, .w_tiled = 1,
	.takes = takes, .params = params, .plan = plan, .time = time_step,
	.loads = loads, .work = work,
	.map_candidates = sde_map_candidates, .map_apply = sde_map_apply,
	.map_estimate = sde_map_estimate,
	.dyn_pj = dyn_pj, .area = area,
	.begin = sde_func_begin, .check = sde_func_check,
	.dump = sde_func_dump,
	.ops = &sde_ops, .size = sizeof(struct sde), .init = init,
	.attach = attach, .port = port, .counters = counters,
	.sc_rtl = sc_rtl,
};
