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
		       "too small for op '%s' (%s line %d): one array tile "
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

int plan_op(const struct config *cfg, const struct trace *t, uint32_t opi,
	    struct plan_op *p, struct sim_err *err)
{
	const struct op *op = &t->ops[opi];
	uint64_t s[3] = { slot_bytes(cfg->act_kib, cfg->double_buffer),
			  slot_bytes(cfg->wgt_kib, cfg->double_buffer),
			  slot_bytes(cfg->out_kib, cfg->double_buffer) };
	uint32_t align;

	memset(p, 0, sizeof *p);
	p->op = opi;
	if (!op_is_matrix(op))
		return err_set(err, t->path, op->line, op_kind_name(op->kind),
			       "op kind '%s' is parsed but not simulated yet "
			       "in this version", op_kind_name(op->kind));
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
	s->klen = tile_len(p->k, p->tk, w->kt);
	s->kcycles = nm_kcycles(&p->map, s->klen);
}

static void fill_loads(const struct plan_op *p, struct plan_step *s)
{
	uint64_t rows_t = tile_len(p->m, p->tm, s->mt);
	uint64_t cols_t = tile_len(p->n, p->tn, s->nt);
	uint64_t row_b = (uint64_t)s->klen * p->ab;

	s->a_sram = rows_t * row_b;
	s->a_dram = p->n_kt == 1 ? plan_bursts(s->a_sram, p->burst)
				 : rows_t * plan_bursts(row_b, p->burst);
	s->w_sram = w_bytes(p, s->klen, cols_t);
	if (p->b_rowmajor && cols_t < p->n)
		s->w_dram = s->klen * plan_bursts(cols_t * p->ab, p->burst);
	else
		s->w_dram = plan_bursts(s->w_sram, p->burst);
	s->o_sram = rows_t * cols_t * p->ob;
	s->o_dram = cols_t == p->n ? plan_bursts(s->o_sram, p->burst)
				   : rows_t * plan_bursts(cols_t * p->ob, p->burst);
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
	s->out_wr = (s->flags & SDE_LAST) ? outs * p->ob : 0;
	s->mux_sel = p->map.n == p->map.m ? 0 : s->macs;
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
	s->new_a = w->first || !same_a(&w->prev, s);
	s->new_w = w->first || !same_w(&w->prev, s);
	s->new_o = w->first || !same_o(&w->prev, s);
	peek = *w;
	advance(&peek);
	if (!peek.done)
		fill_geometry(&peek, &next);
	s->flags = (s->kt == 0 ? SDE_FIRST : 0) |
		   (s->kt == w->p->n_kt - 1 ? SDE_LAST : 0);
	if (peek.done || !same_a(s, &next))
		s->flags |= SDE_A_LAST;
	if (peek.done || !same_w(s, &next))
		s->flags |= SDE_W_LAST;
	if (peek.done || !same_o(s, &next))
		s->flags |= SDE_O_LAST;
	fill_loads(w->p, s);
	fill_work(w->p, s);
	*w = peek;
	w->prev = *s;
	w->first = 0;
	return 0;
}
