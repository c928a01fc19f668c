/*
 * plan.c - tile sizes, loop order and the step walker (see plan.h).
 *
 * Tile choice (docs/models.md, "Tiling"): if one array tile's operands over
 * the whole of k fit a buffer half, tk = k and the resident operand of the
 * outer loop is grown as far as its buffer allows; otherwise k is cut into
 * slices aligned to M-groups and tiles stay array-sized. Of the two loop
 * orders the one moving fewer DRAM bytes wins; m outer on a tie.
 */
#include "plan.h"

#include <string.h>

#include "../models/sde.h"

static uint32_t min32(uint64_t a, uint64_t b)
{
	return (uint32_t)(a < b ? a : b);
}

static uint32_t cdiv(uint64_t a, uint64_t b)
{
	return (uint32_t)((a + b - 1) / b);
}

static uint64_t w_bytes(const struct plan_op *p, uint64_t klen, uint64_t cols)
{
	if (p->b_rowmajor)
		return klen * cols * p->ab;
	return nm_block_bytes(&p->map, klen, cols, p->wbits, p->bitmap);
}

static uint64_t slot_bytes(uint32_t kib, int db)
{
	return (uint64_t)kib * 1024 / (db ? 2 : 1);
}

/* Largest multiple of step in [step, limit] with fits(); 0 if none. */
static uint32_t grow(const struct plan_op *p, uint32_t step, uint32_t limit,
		     int (*fits)(const struct plan_op *, uint32_t, const uint64_t *),
		     const uint64_t *slots)
{
	uint32_t lo = 1, hi = cdiv(limit, step), mid;

	if (!fits(p, step, slots))
		return 0;
	while (lo < hi) {
		mid = lo + (hi - lo + 1) / 2;
		if (fits(p, min32((uint64_t)mid * step, limit), slots))
			lo = mid;
		else
			hi = mid - 1;
	}
	return min32((uint64_t)lo * step, limit);
}

/* slots: act, wgt, out half sizes in bytes */
static int fits_k(const struct plan_op *p, uint32_t klen, const uint64_t *s)
{
	return (uint64_t)min32(p->rows, p->m) * klen * p->ab <= s[0] &&
	       w_bytes(p, klen, min32(p->cols, p->n)) <= s[1];
}

static int fits_m(const struct plan_op *p, uint32_t tm, const uint64_t *s)
{
	return (uint64_t)tm * p->tk * p->ab <= s[0] &&
	       (uint64_t)tm * p->tn * p->ob <= s[2];
}

static int fits_n(const struct plan_op *p, uint32_t tn, const uint64_t *s)
{
	return w_bytes(p, p->tk, tn) <= s[1] &&
	       (uint64_t)p->tm * tn * p->ob <= s[2];
}

/* DRAM bytes (without burst rounding) of a candidate tiling. */
static uint64_t traffic(const struct plan_op *p)
{
	uint64_t a = (uint64_t)p->m * p->k * p->ab;
	uint64_t w = w_bytes(p, p->k, p->n);
	uint32_t n_mt = cdiv(p->m, p->tm), n_nt = cdiv(p->n, p->tn);

	if (p->n_kt > 1)
		return a * n_nt + w * n_mt;
	if (p->m_outer)
		return a + w * (n_nt > 1 ? n_mt : 1);
	return w + a * (n_mt > 1 ? n_nt : 1);
}

static void finish(struct plan_op *p)
{
	p->n_mt = cdiv(p->m, p->tm);
	p->n_nt = cdiv(p->n, p->tn);
	p->n_kt = cdiv(p->k, p->tk);
}

/*
 * For each order grow the operand that stays resident first, then the other
 * one (wider output rows waste less of each DRAM burst); keep the cheaper.
 */
static void choose_order(struct plan_op *p, const uint64_t *s)
{
	struct plan_op mo = *p, no = *p;

	mo.m_outer = 1;
	mo.tn = min32(p->cols, p->n);
	mo.tm = grow(&mo, min32(p->rows, p->m), p->m, fits_m, s);
	mo.tn = grow(&mo, min32(p->cols, p->n), p->n, fits_n, s);
	finish(&mo);
	no.m_outer = 0;
	no.tm = min32(p->rows, p->m);
	no.tn = grow(&no, min32(p->cols, p->n), p->n, fits_n, s);
	no.tm = grow(&no, min32(p->rows, p->m), p->m, fits_m, s);
	finish(&no);
	*p = traffic(&no) < traffic(&mo) ? no : mo;
}

static int too_small(const struct config *cfg, const struct trace *t,
		     const struct op *op, const char *key, uint64_t need,
		     uint64_t have, struct sim_err *err)
{
	return err_set(err, cfg->path, 0, key,
		       "too small for op '%s' (%s line %d): one tile "
		       "needs %llu bytes, a buffer half holds %llu",
		       op->name, t->path, op->line, (unsigned long long)need,
		       (unsigned long long)have);
}

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
	p->burst = cfg->burst_bytes;
	keff = (uint32_t)nm_mults(&p->map, op->k);
	p->shift = cfg->act_bits - 1 + (nm_clog2(keff) + 1) / 2;
}

static void unit_params(const struct config *cfg, struct plan_op *p)
{
	p->vp = (struct vec_params){ cfg->vec_lanes, cfg->vec_latency,
				     cfg->vec_isqrt_latency,
				     cfg->vec_gelu == CFG_GELU_IGELU ?
				     VEC_GELU_IGELU : VEC_GELU_TABLE };
	p->sp = (struct smx_params){ cfg->smx_lanes,
				     cfg->smx_algo == CFG_SMX_ITA ? SMX_ITA :
				     cfg->smx_algo == CFG_SMX_THREEPASS ?
				     SMX_THREEPASS : SMX_ONLINE,
				     cfg->smx_exp_latency, cfg->smx_recip_latency,
				     cfg->smx_dividers, cfg->smx_div_latency };
}

/*
 * Vector and softmax ops work on whole rows: an SRAM tile is as many rows
 * of n int8 values (all heads stacked) as fit every buffer half involved.
 */
static int plan_vec(const struct config *cfg, const struct trace *t,
		    const struct op *op, struct plan_op *p, const uint64_t *s,
		    struct sim_err *err)
{
	uint64_t rows = (uint64_t)op->m * op->heads, row_b = op->n, fit;

	unit_params(cfg, p);
	p->unit = op->kind == OP_SOFTMAX ? PU_SMX : PU_VEC;
	p->vk = op->kind == OP_GELU ? VEC_K_GELU :
		op->kind == OP_LAYERNORM ? VEC_K_LAYERNORM :
		op->kind == OP_MOE ? VEC_K_SCATTER : VEC_K_ADD;
	p->w_load = p->w_dep = op->kind == OP_ADD || op->kind == OP_MOE;
	p->map = (struct nm_map){ .n = 1, .m = 1, .k_per_cycle = 1 };
	p->m = (uint32_t)rows;
	p->k = 0;
	p->n = op->n;
	p->heads = 1;
	p->ab = p->ob = 1;
	p->wbits = 8;
	p->burst = cfg->burst_bytes;
	fit = s[0] < s[2] ? s[0] : s[2];
	if (p->w_load && s[1] < fit)
		fit = s[1];
	if (fit < row_b)
		return too_small(cfg, t, op, s[0] < row_b ? "sram.act_kib" :
				 s[2] < row_b ? "sram.out_kib" : "sram.wgt_kib",
				 row_b, fit, err);
	fit /= row_b;
	p->tm = min32(fit, rows);
	p->tn = p->n;
	p->tk = p->n;
	p->rows = p->tm;
	p->cols = p->n;
	p->m_outer = 1;
	p->n_mt = cdiv(rows, p->tm);
	p->n_nt = 1;
	p->n_kt = 1;
	return 0;
}

/*
 * The gate reads its tokens (A, m x k), its task's router weights (W,
 * k x experts, loaded once) and writes each token's top-k expert indices
 * and scores (2 bytes per choice).
 */
static int plan_gate(const struct config *cfg, const struct trace *t,
		     const struct op *op, struct plan_op *p, const uint64_t *s,
		     struct sim_err *err)
{
	uint64_t row_a = op->k, row_o = 2ull * op->topk, fit;

	unit_params(cfg, p);
	p->unit = PU_GATE;
	p->gp = (struct gate_params){ cfg->gate_gemv_width, cfg->gate_sorters,
				      p->sp };
	p->gate_e = op->n;
	p->gate_k = op->topk;
	p->w_load = 1;
	p->map = (struct nm_map){ .n = 1, .m = 1, .k_per_cycle = 1 };
	p->m = op->m;
	p->n = op->k;
	p->heads = 1;
	p->ab = p->ob = 1;
	p->wbits = 8;
	p->burst = cfg->burst_bytes;
	if ((uint64_t)op->k * op->n > s[1])
		return too_small(cfg, t, op, "sram.wgt_kib",
				 (uint64_t)op->k * op->n, s[1], err);
	fit = s[0] / row_a < s[2] / row_o ? s[0] / row_a : s[2] / row_o;
	if (fit == 0)
		return too_small(cfg, t, op, "sram.act_kib", row_a, s[0], err);
	p->tm = min32(fit, op->m);
	p->tn = p->tk = p->n;
	p->rows = p->tm;
	p->cols = p->n;
	p->m_outer = 1;
	p->n_mt = cdiv(op->m, p->tm);
	p->n_nt = p->n_kt = 1;
	return 0;
}

int plan_op(const struct config *cfg, const struct trace *t,
	    const struct op *op, uint32_t xi, uint32_t trace_op,
	    struct plan_op *p, struct sim_err *err)
{
	uint64_t s[3] = { slot_bytes(cfg->act_kib, cfg->double_buffer),
			  slot_bytes(cfg->wgt_kib, cfg->double_buffer),
			  slot_bytes(cfg->out_kib, cfg->double_buffer) };
	uint32_t align;

	memset(p, 0, sizeof *p);
	p->op = xi;
	p->trace_op = trace_op;
	p->src = *op;
	if (op->kind == OP_GATE)
		return plan_gate(cfg, t, op, p, s, err);
	if (!op_is_matrix(op))
		return plan_vec(cfg, t, op, p, s, err);
	p->unit = PU_SDE;
	p->w_load = 1;
	p->w_dep = op->kind == OP_MATMUL;
	if (map_op(cfg, t, op, p, err))
		return -1;
	shape(cfg, op, p);
	align = p->map.n == p->map.m ? 1 : p->map.m;
	if ((uint64_t)min32(p->rows, p->m) * min32(p->cols, p->n) * p->ob > s[2])
		return too_small(cfg, t, op, "sram.out_kib",
				 (uint64_t)min32(p->rows, p->m) *
				 min32(p->cols, p->n) * p->ob, s[2], err);
	p->tk = grow(p, align, p->k, fits_k, s);
	if (!p->tk) {
		if ((uint64_t)min32(p->rows, p->m) * align * p->ab > s[0])
			return too_small(cfg, t, op, "sram.act_kib",
					 (uint64_t)min32(p->rows, p->m) * align * p->ab,
					 s[0], err);
		return too_small(cfg, t, op, "sram.wgt_kib",
				 w_bytes(p, align, min32(p->cols, p->n)), s[1], err);
	}
	p->tm = min32(p->rows, p->m);
	p->tn = min32(p->cols, p->n);
	p->m_outer = 1;
	finish(p);
	if (p->n_kt == 1)
		choose_order(p, s);
	return 0;
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

void plan_fuse(const struct config *cfg, struct plan_op *plans, size_t n)
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
	for (i = 0; i + 1 < n && cfg->vec_gelu_fused; i++) {
		const struct op *a = &plans[i].src, *b = &plans[i + 1].src;

		if (a->kind != OP_GEMM || b->kind != OP_GELU || b->m != a->m ||
		    b->n != a->n)
			continue;
		plans[i].drain_lanes = cfg->vec_lanes;
		plans[i + 1].a_onchip = plans[i + 1].o_onchip = 1;
	}
}

/* ---- walker ---- */

void plan_walk_init(struct plan_walk *w, const struct plan_op *p)
{
	memset(w, 0, sizeof *w);
	w->p = p;
	w->first = 1;
}

static void tile_pos(const struct plan_walk *w, uint32_t *mt, uint32_t *nt)
{
	*mt = w->p->m_outer ? w->o1 : w->o2;
	*nt = w->p->m_outer ? w->o2 : w->o1;
}

static uint32_t tile_len(uint32_t total, uint32_t t, uint32_t idx)
{
	return min32(t, total - (uint64_t)idx * t);
}

/* Array tiles across the current SRAM tile: rows (0) or cols (1). */
static uint32_t arr_count(const struct plan_walk *w, int cols)
{
	uint32_t mt, nt;

	tile_pos(w, &mt, &nt);
	if (cols)
		return cdiv(tile_len(w->p->n, w->p->tn, nt), w->p->cols);
	return cdiv(tile_len(w->p->m, w->p->tm, mt), w->p->rows);
}

static void advance(struct plan_walk *w)
{
	const struct plan_op *p = w->p;
	uint32_t n1 = p->m_outer ? p->n_mt : p->n_nt;
	uint32_t n2 = p->m_outer ? p->n_nt : p->n_mt;

	if (++w->kt < p->n_kt)
		return;
	w->kt = 0;
	if (++w->j < arr_count(w, 1))
		return;
	w->j = 0;
	if (++w->i < arr_count(w, 0))
		return;
	w->i = 0;
	if (++w->o2 < n2)
		return;
	w->o2 = 0;
	if (++w->o1 < n1)
		return;
	w->o1 = 0;
	if (++w->h < p->heads)
		return;
	w->done = 1;
}

static uint64_t unit_cycles(const struct plan_op *p, uint64_t rows)
{
	if (p->unit == PU_GATE)
		return gate_cycles(&p->gp, rows, p->n, p->gate_e);
	if (p->unit == PU_SMX && p->a_onchip)
		return smx_fused_cycles(&p->sp, rows, p->n);
	if (p->unit == PU_SMX)
		return smx_cycles(&p->sp, rows, p->n);
	if (p->a_onchip && p->vk == VEC_K_GELU)	/* fused: on the drain */
		return p->vp.latency;
	return vec_cycles(&p->vp, p->vk, rows, p->n);
}

static void fill_geometry(const struct plan_walk *w, struct plan_step *s)
{
	const struct plan_op *p = w->p;
	uint32_t tm_len, tn_len;

	s->op = p->op;
	s->head = w->h;
	tile_pos(w, &s->mt, &s->nt);
	s->kt = w->kt;
	tm_len = tile_len(p->m, p->tm, s->mt);
	tn_len = tile_len(p->n, p->tn, s->nt);
	s->r0 = s->mt * p->tm + w->i * p->rows;
	s->c0 = s->nt * p->tn + w->j * p->cols;
	s->rows = min32(p->rows, tm_len - w->i * p->rows);
	s->cols = min32(p->cols, tn_len - w->j * p->cols);
	if (p->unit != PU_SDE) {
		s->klen = p->n;
		s->kcycles = unit_cycles(p, s->rows);
		return;
	}
	s->klen = tile_len(p->k, p->tk, w->kt);
	s->kcycles = nm_kcycles(&p->map, s->klen);
	if (p->a_lanes) {	/* operands arrive from a fused unit */
		uint64_t need = cdiv((uint64_t)s->rows * s->klen, p->a_lanes);

		if (need > s->kcycles) {
			s->bp_cycles += need - s->kcycles;
			s->kcycles = need;
		}
	}
}

static void fill_loads(const struct plan_op *p, struct plan_step *s)
{
	uint64_t rows_t = tile_len(p->m, p->tm, s->mt);
	uint64_t cols_t = tile_len(p->n, p->tn, s->nt);
	uint64_t row_b = (uint64_t)s->klen * p->ab;

	s->a_sram = rows_t * row_b;
	s->a_dram = p->n_kt == 1 && !p->a_gather ?
		    plan_bursts(s->a_sram, p->burst) :
		    rows_t * plan_bursts(row_b, p->burst);
	s->w_sram = p->unit == PU_SDE ? w_bytes(p, s->klen, cols_t) : s->a_sram;
	if (p->unit != PU_SDE)
		s->w_dram = plan_bursts(s->w_sram, p->burst);
	else if (p->b_rowmajor && cols_t < p->n)
		s->w_dram = s->klen * plan_bursts(cols_t * p->ab, p->burst);
	else
		s->w_dram = plan_bursts(s->w_sram, p->burst);
	if (p->w_gather)
		s->w_dram = rows_t * plan_bursts(cols_t * p->ab, p->burst);
	if (p->a_onchip)
		s->a_sram = s->a_dram = 0;
	s->o_sram = rows_t * cols_t * p->ob;
	s->o_dram = cols_t == p->n && !p->o_scatter ?
		    plan_bursts(s->o_sram, p->burst) :
		    rows_t * plan_bursts(cols_t * p->ob, p->burst);
	if (p->unit == PU_GATE) {	/* router weights; 2 bytes per choice */
		s->w_sram = (uint64_t)p->n * p->gate_e;
		s->w_dram = plan_bursts(s->w_sram, p->burst);
		s->o_sram = rows_t * 2 * p->gate_k;
		s->o_dram = plan_bursts(s->o_sram, p->burst);
	}
}

/* A vector step reads its rows (twice for add's two operands), writes them. */
static void fill_vec_work(const struct plan_op *p, struct plan_step *s)
{
	uint64_t e = (uint64_t)s->rows * s->cols;

	/* a fused GELU works on the engine's drain: no buffer traffic (a
	 * scatter-accumulate still writes the rows it then stores) */
	int passthrough = p->unit == PU_VEC && p->a_onchip &&
			  p->vk == VEC_K_GELU;

	s->act_rd = passthrough || p->a_onchip ? 0 : e;
	s->wgt_rd = p->w_load ? e : 0;
	s->out_wr = passthrough ? 0 : e;
	if (p->unit == PU_GATE) {
		s->wgt_rd = (uint64_t)s->rows * p->n * p->gate_e;
		s->out_wr = (uint64_t)s->rows * 2 * p->gate_k;
		gate_count(&p->gp, s->rows, p->n, p->gate_e, p->gate_k, &s->nl);
	} else if (p->unit == PU_SMX) {
		smx_count(&p->sp, s->rows, p->n, &s->nl);
	} else {
		vec_count(&p->vp, p->vk, s->rows, p->n, &s->nl);
	}
}

static void fill_work(const struct plan_op *p, struct plan_step *s)
{
	uint64_t outs = (uint64_t)s->rows * s->cols;
	uint64_t mults = nm_mults(&p->map, s->klen);
	uint64_t wcol = w_bytes(p, s->klen, 1);

	s->macs = outs * mults;
	s->dense_macs = outs * s->klen;
	s->act_rd = (uint64_t)s->rows * s->klen * p->ab;
	s->wgt_rd = p->b_rowmajor ? (uint64_t)s->klen * s->cols * p->ab
				  : w_bytes(p, s->klen, s->cols);
	s->out_wr = (s->flags & UNIT_LAST) ? outs * p->ob : 0;
	s->mux_sel = p->map.n == p->map.m ? 0 : s->macs;
	if (p->drain_lanes) {	/* outputs leave through a fused unit */
		s->drain_cpr = cdiv(s->cols, p->drain_lanes);
		if (s->flags & UNIT_LAST)
			s->bp_cycles += (uint64_t)s->rows * (s->drain_cpr - 1);
	}
	s->reg_bits = outs * ((uint64_t)s->klen * p->ab * 8 + wcol * 8 +
			      s->kcycles * 32);
}

static int same_a(const struct plan_step *x, const struct plan_step *y)
{
	return x->head == y->head && x->mt == y->mt && x->kt == y->kt;
}

static int same_w(const struct plan_step *x, const struct plan_step *y)
{
	return x->head == y->head && x->nt == y->nt && x->kt == y->kt;
}

/* The second operand's block: weights follow (k, n) tiles; a vector op's
 * second input (add) follows its rows, like the first. */
static int same_b(const struct plan_op *p, const struct plan_step *x,
		  const struct plan_step *y)
{
	return p->unit == PU_SDE || p->unit == PU_GATE ? same_w(x, y)
						       : same_a(x, y);
}

static int same_o(const struct plan_step *x, const struct plan_step *y)
{
	return x->head == y->head && x->mt == y->mt && x->nt == y->nt;
}

int plan_walk_next(struct plan_walk *w, struct plan_step *s)
{
	struct plan_walk peek;
	struct plan_step next;

	if (w->done)
		return -1;
	memset(s, 0, sizeof *s);
	fill_geometry(w, s);
	s->new_a = !w->p->a_onchip && (w->first || !same_a(&w->prev, s));
	s->new_w = w->p->w_load && (w->first || !same_b(w->p, &w->prev, s));
	s->new_o = !w->p->o_onchip && (w->first || !same_o(&w->prev, s));
	peek = *w;
	advance(&peek);
	if (!peek.done)
		fill_geometry(&peek, &next);
	s->flags = (s->kt == 0 ? UNIT_FIRST : 0) |
		   (s->kt == w->p->n_kt - 1 ? UNIT_LAST : 0);
	if (!w->p->a_onchip && (peek.done || !same_a(s, &next)))
		s->flags |= UNIT_A_LAST;
	if (w->p->w_load && (peek.done || !same_b(w->p, s, &next)))
		s->flags |= UNIT_W_LAST;
	if (!w->p->o_onchip && (peek.done || !same_o(s, &next)))
		s->flags |= UNIT_O_LAST;
	fill_loads(w->p, s);
	if (w->p->unit == PU_SDE)
		fill_work(w->p, s);
	else
		fill_vec_work(w->p, s);
	*w = peek;
	w->prev = *s;
	w->first = 0;
	return 0;
}
