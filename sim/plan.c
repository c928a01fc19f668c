/*
 * plan.c - the planner's shared part: dispatch of an op to its unit, the
 * execution list, and the step walker (see plan.h).
 *
 * Each unit tiles its own ops (models/<unit>_unit.c: the engine's tile
 * search, docs/models.md "Tiling"); row ops of the vector and softmax
 * units share plan_rows. The walker enumerates any op's steps the same
 * way and asks the op's unit for a step's time, transfers and actions.
 * Invariant: a step's fields depend only on the plan and its position.
 */
#include "plan.h"

#include <stdlib.h>
#include <string.h>

#include "map.h"

int plan_too_small(const struct config *cfg, const struct trace *t,
		   const struct op *op, const char *key, uint64_t need,
		   uint64_t have, struct sim_err *err)
{
	return err_set(err, cfg->path, 0, key,
		       "too small for op '%s' (%s line %d): one tile "
		       "needs %llu bytes, a buffer half holds %llu",
		       op->name, t->path, op->line, (unsigned long long)need,
		       (unsigned long long)have);
}

/* The row op's one-element "pattern" and byte sizes. */
static void row_shape(const struct config *cfg, const struct op *op,
		      struct plan_op *p)
{
	p->map = (struct nm_map){ .n = 1, .m = 1, .k_per_cycle = 1 };
	p->m = (uint32_t)((uint64_t)op->m * op->heads);
	p->k = 0;
	p->n = op->n;
	p->heads = 1;
	p->ab = p->ob = 1;
	p->wbits = 8;
	p->burst = cfg->burst_bytes;
}

int plan_rows(const struct config *cfg, const struct trace *t,
	      const struct op *op, struct plan_op *p, const uint64_t *s,
	      struct sim_err *err)
{
	uint64_t rows = (uint64_t)op->m * op->heads, row_b = op->n, fit;

	row_shape(cfg, op, p);
	fit = s[0] < s[2] ? s[0] : s[2];
	if (p->w_load && s[1] < fit)
		fit = s[1];
	if (fit < row_b)
		return plan_too_small(cfg, t, op, s[0] < row_b ? "sram.act_kib" :
				      s[2] < row_b ? "sram.out_kib" :
				      "sram.wgt_kib", row_b, fit, err);
	fit /= row_b;
	p->tm = plan_min32(fit, rows);
	p->tn = p->n;
	p->tk = p->n;
	p->rows = p->tm;
	p->cols = p->n;
	p->m_outer = 1;
	p->n_mt = plan_cdiv(rows, p->tm);
	p->n_nt = 1;
	p->n_kt = 1;
	return 0;
}

void plan_row_work(const struct plan_op *p, struct plan_step *s,
		   int passthrough)
{
	uint64_t e = (uint64_t)s->rows * s->cols;

	s->act_rd = passthrough || p->a_onchip ? 0 : e;
	s->wgt_rd = p->w_load ? e : 0;
	s->out_wr = passthrough ? 0 : e;
}

static uint64_t slot_bytes(uint32_t kib, int db)
{
	return (uint64_t)kib * 1024 / (db ? 2 : 1);
}

void plan_halves(const struct config *cfg, uint64_t *s)
{
	s[0] = slot_bytes(cfg->act_kib, cfg->double_buffer);
	s[1] = slot_bytes(cfg->wgt_kib, cfg->double_buffer);
	s[2] = slot_bytes(cfg->out_kib, cfg->double_buffer);
}

int plan_op_again(const struct config *cfg, const struct trace *t,
		  struct plan_op *p, const uint64_t *s, struct sim_err *err)
{
	struct plan_op keep = *p;

	memset(p, 0, sizeof *p);
	p->op = keep.op;
	p->trace_op = keep.trace_op;
	p->src = keep.src;
	p->unit = keep.unit;
	p->uc = keep.uc;
	p->a_onchip = keep.a_onchip;
	p->o_onchip = keep.o_onchip;
	p->drain_lanes = keep.drain_lanes;
	p->a_lanes = keep.a_lanes;
	p->a_res = keep.a_res;
	p->b_res = keep.b_res;
	p->o_res = keep.o_res;
	p->dep = keep.dep;
	p->a_dep = keep.a_dep;
	p->b_dep = keep.b_dep;
	memcpy(p->halves, s, sizeof p->halves);
	p->uc->params(cfg, p);
	return p->uc->plan(cfg, t, &p->src, p, s, err);
}

int plan_op_in(const struct unit_registry *reg, const struct config *cfg,
	       const struct trace *t, const struct op *op, uint32_t xi,
	       uint32_t trace_op, struct plan_op *p, struct sim_err *err)
{
	uint64_t s[3];
	int u = unit_for_op(reg, op);

	memset(p, 0, sizeof *p);
	if (u < 0)
		return err_set(err, t->path, op->line, op_kind_name(op->kind),
			       "no unit of this build runs '%s' ops",
			       op_kind_name(op->kind));
	p->op = xi;
	p->trace_op = trace_op;
	p->src = *op;
	p->unit = (uint32_t)u;
	p->uc = reg->cls[u];
	plan_halves(cfg, s);
	memcpy(p->halves, s, sizeof p->halves);
	p->uc->params(cfg, p);
	return p->uc->plan(cfg, t, op, p, s, err);
}

int plan_op(const struct config *cfg, const struct trace *t,
	    const struct op *op, uint32_t xi, uint32_t trace_op,
	    struct plan_op *p, struct sim_err *err)
{
	return plan_op_in(unit_registry_default(), cfg, t, op, xi, trace_op,
			  p, err);
}

struct plan_op *plan_list_add(struct plan_list *x)
{
	if (x->n == x->cap) {
		size_t cap = x->cap ? 2 * x->cap : 64;
		struct plan_op *p = realloc(x->p, cap * sizeof *p);

		if (!p)
			return NULL;
		x->p = p;
		x->cap = cap;
	}
	return &x->p[x->n++];
}

struct plan_op *plan_list_op(struct plan_list *x, const struct config *cfg,
			     const struct trace *t, const struct op *op,
			     uint32_t trace_op, struct sim_err *err)
{
	struct plan_op *p = plan_list_add(x);

	if (!p) {
		err_set(err, t->path, op->line, op_kind_name(op->kind),
			"out of memory");
		return NULL;
	}
	if (plan_op_in(x->reg, cfg, t, op, (uint32_t)(x->n - 1), trace_op, p,
		       err)) {
		x->n--;
		return NULL;
	}
	return p;
}

int plan_map(const struct config *cfg, const struct trace *t,
	     struct plan_op *plans, size_t n, struct sim_err *err)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct plan_op *p = &plans[i];
		struct map_cost c;

		if (!p->uc->map_estimate)
			continue;
		p->mapping.search = CFG_MAP_FIXED;
		/* fused ops keep the fixed rule: their neighbour sets the pace */
		if (cfg->map_force.valid || cfg->map_search == CFG_MAP_FIXED ||
		    p->a_onchip || p->o_onchip) {
			p->uc->map_estimate(cfg, p, &c);
			p->mapping.pred_dram = c.dram;
			p->mapping.pred_cycles = c.cycles;
			continue;
		}
		if (map_search(cfg, t, &p->src, p, p->halves, err))
			return -1;
	}
	return 0;
}

void plan_fuse(const struct unit_registry *reg, const struct config *cfg,
	       struct plan_op *plans, size_t n)
{
	uint32_t u;

	for (u = 0; u < reg->n; u++)
		if (reg->cls[u]->fuse)
			reg->cls[u]->fuse(cfg, plans, n);
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

/* Array tiles across the current SRAM tile: rows (0) or cols (1). */
static uint32_t arr_count(const struct plan_walk *w, int cols)
{
	uint32_t mt, nt;

	tile_pos(w, &mt, &nt);
	if (cols)
		return plan_cdiv(plan_tile_len(w->p->n, w->p->tn, nt), w->p->cols);
	return plan_cdiv(plan_tile_len(w->p->m, w->p->tm, mt), w->p->rows);
}

/* The array tiles of the SRAM tile, each over the k-slice(s): the k loop
 * inside each array tile (its accumulators keep the sum), or, with psum,
 * outside them (the out buffer keeps it). */
static int advance_inner(struct plan_walk *w)
{
	const struct plan_op *p = w->p;

	if (!p->psum && ++w->kt < p->n_kt)
		return 1;
	if (!p->psum)
		w->kt = 0;
	if (++w->j < arr_count(w, 1))
		return 1;
	w->j = 0;
	if (++w->i < arr_count(w, 0))
		return 1;
	w->i = 0;
	if (p->psum && ++w->kt < p->n_kt)
		return 1;
	w->kt = 0;
	return 0;
}

static void advance(struct plan_walk *w)
{
	const struct plan_op *p = w->p;
	uint32_t n1 = p->m_outer ? p->n_mt : p->n_nt;
	uint32_t n2 = p->m_outer ? p->n_nt : p->n_mt;

	if (advance_inner(w))
		return;
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

static void fill_geometry(const struct plan_walk *w, struct plan_step *s)
{
	const struct plan_op *p = w->p;
	uint32_t tm_len, tn_len;

	s->op = p->op;
	s->head = w->h;
	tile_pos(w, &s->mt, &s->nt);
	s->kt = w->kt;
	tm_len = plan_tile_len(p->m, p->tm, s->mt);
	tn_len = plan_tile_len(p->n, p->tn, s->nt);
	s->r0 = s->mt * p->tm + w->i * p->rows;
	s->c0 = s->nt * p->tn + w->j * p->cols;
	s->rows = plan_min32(p->rows, tm_len - w->i * p->rows);
	s->cols = plan_min32(p->cols, tn_len - w->j * p->cols);
	p->uc->time(p, s);
}

/* The first operand needs no load: streamed from a fused neighbour, or
 * resident in the activation buffer. */
static int a_on_chip(const struct plan_op *p)
{
	return p->a_onchip || p->a_res;
}

/* The output is never stored: streamed to a neighbour, or kept on chip. */
static int o_on_chip(const struct plan_op *p)
{
	return p->o_onchip || p->o_res;
}

/* A second operand comes through the weight buffer. */
static int w_loads(const struct plan_op *p)
{
	return p->w_load && !p->b_res;
}

/*
 * DRAM and SRAM bytes of a step's loads and of its output tile's store.
 * The second operand is loaded like the first unless its unit says
 * otherwise (weights, router weights).
 */
static void fill_loads(const struct plan_op *p, struct plan_step *s)
{
	uint64_t rows_t = plan_tile_len(p->m, p->tm, s->mt);
	uint64_t cols_t = plan_tile_len(p->n, p->tn, s->nt);
	uint64_t row_b = (uint64_t)s->klen * p->ab;

	s->a_sram = rows_t * row_b;
	s->a_dram = p->n_kt == 1 && !p->a_gather ?
		    plan_bursts(s->a_sram, p->burst) :
		    rows_t * plan_bursts(row_b, p->burst);
	s->w_sram = s->a_sram;
	s->w_dram = plan_bursts(s->w_sram, p->burst);
	s->o_sram = rows_t * cols_t * p->ob;
	s->o_dram = cols_t == p->n && !p->o_scatter ?
		    plan_bursts(s->o_sram, p->burst) :
		    rows_t * plan_bursts(cols_t * p->ob, p->burst);
	if (p->uc->loads)
		p->uc->loads(p, s);
	if (p->w_gather)
		s->w_dram = rows_t * plan_bursts(cols_t * p->ab, p->burst);
	if (a_on_chip(p))
		s->a_sram = s->a_dram = 0;
	if (p->b_res)
		s->w_sram = s->w_dram = 0;
}

void plan_block_loads(const struct plan_op *p, uint32_t mt, uint32_t nt,
		      uint32_t kt, struct plan_step *s)
{
	memset(s, 0, sizeof *s);
	s->op = p->op;
	s->mt = mt;
	s->nt = nt;
	s->kt = kt;
	s->rows = plan_min32(p->rows, plan_tile_len(p->m, p->tm, mt));
	s->cols = plan_min32(p->cols, plan_tile_len(p->n, p->tn, nt));
	p->uc->time(p, s);
	fill_loads(p, s);
}

static int same_a(const struct plan_pos *x, const struct plan_pos *y)
{
	return x->head == y->head && x->mt == y->mt && x->kt == y->kt;
}

static int same_w(const struct plan_pos *x, const struct plan_pos *y)
{
	return x->head == y->head && x->nt == y->nt && x->kt == y->kt;
}

/* The second operand's block: weights follow (k, n) tiles; a vector op's
 * second input (add) follows its rows, like the first. */
static int same_b(const struct plan_op *p, const struct plan_pos *x,
		  const struct plan_pos *y)
{
	return p->uc->w_tiled ? same_w(x, y) : same_a(x, y);
}

static int same_o(const struct plan_pos *x, const struct plan_pos *y)
{
	return x->head == y->head && x->mt == y->mt && x->nt == y->nt;
}

static struct plan_pos pos_of(const struct plan_walk *w)
{
	struct plan_pos q = { w->h, 0, 0, w->kt };

	tile_pos(w, &q.mt, &q.nt);
	return q;
}

int plan_walk_next(struct plan_walk *w, struct plan_step *s)
{
	struct plan_walk peek;
	struct plan_pos at, next;

	if (w->done)
		return -1;
	memset(s, 0, sizeof *s);
	fill_geometry(w, s);
	at = pos_of(w);
	s->new_a = !a_on_chip(w->p) && (w->first || !same_a(&w->prev, &at));
	s->new_w = w_loads(w->p) && (w->first || !same_b(w->p, &w->prev, &at));
	s->new_o = !o_on_chip(w->p) && (w->first || !same_o(&w->prev, &at));
	peek = *w;
	advance(&peek);
	if (!peek.done)	/* only its blocks: which operands it keeps */
		next = pos_of(&peek);
	if (w->p->psum) {	/* every slice is an array tile of its own */
		s->flags = UNIT_FIRST | UNIT_LAST;
		s->psum = s->kt == 0 ? UNIT_PSUM_FIRST :
			  s->kt == w->p->n_kt - 1 ? UNIT_PSUM_LAST : UNIT_PSUM_MID;
	} else {
		s->flags = (s->kt == 0 ? UNIT_FIRST : 0) |
			   (s->kt == w->p->n_kt - 1 ? UNIT_LAST : 0);
	}
	if (!a_on_chip(w->p) && (peek.done || !same_a(&at, &next)))
		s->flags |= UNIT_A_LAST;
	if (w_loads(w->p) && (peek.done || !same_b(w->p, &at, &next)))
		s->flags |= UNIT_W_LAST;
	if (!o_on_chip(w->p) && (peek.done || !same_o(&at, &next)))
		s->flags |= UNIT_O_LAST;
	fill_loads(w->p, s);
	w->p->uc->work(w->p, s);
	*w = peek;
	w->prev = at;
	w->first = 0;
	return 0;
}
