/*
 * sde_map.c - the engine's tilings (see sde_map.h).
 *
 * The estimate walks the op's SRAM tiles in the walker's order, (head,
 * outer, inner, k-slice), with the same byte counts the walker gives
 * (plan_block_loads) and the engine's own formulas: an array tile costs
 * max(kc, rows * cpr) once it streams behind the previous one, and the
 * last one adds the write-back latency. Loads and stores share one DRAM
 * channel; a load may start once the buffer half it overwrites is no
 * longer read. It is an estimate: the mapper decides between the best
 * candidates by running them (sim/map.c).
 */
#include "sde_map.h"

#include "dma.h"
#include "sde.h"
#include "../sim/energy.h"

uint64_t sde_w_bytes(const struct plan_op *p, uint64_t klen, uint64_t cols)
{
	if (p->b_rowmajor)
		return klen * cols * p->ab;
	return nm_block_bytes(&p->map, klen, cols, p->wbits, p->bitmap);
}

/* ---- fit ---- */

/* Halves as the op needs them: a resident operand takes no streaming half. */
static void halves(const struct plan_op *p, const uint64_t *s, uint64_t *h)
{
	h[0] = p->a_res ? UINT64_MAX : s[0];
	h[1] = p->b_res ? UINT64_MAX : s[1];
	h[2] = s[2];
}

static int fits(const struct plan_op *p, const uint64_t *h)
{
	uint64_t ob = p->psum ? 4 : p->ob;

	return (uint64_t)p->tm * p->tk * p->ab <= h[0] &&
	       sde_w_bytes(p, p->tk, p->tn) <= h[1] &&
	       (uint64_t)p->tm * p->tn * ob <= (p->o_whole ? p->out_bytes : h[2]);
}

static void finish(struct plan_op *p)
{
	p->n_mt = plan_cdiv(p->m, p->tm);
	p->n_nt = plan_cdiv(p->n, p->tn);
	p->n_kt = plan_cdiv(p->k, p->tk);
	if (p->n_kt == 1)
		p->psum = 0;
	if (!p->psum)
		p->o_whole = 0;
}

int sde_map_apply(struct plan_op *p, const struct cfg_map_force *c,
		  const uint64_t *s)
{
	uint64_t h[3];
	uint32_t r = plan_min32(p->rows, p->m), q = plan_min32(p->cols, p->n);
	uint32_t align = p->map.n == p->map.m ? 1 : p->map.m;

	p->tm = c->tm;
	p->tn = c->tn;
	p->tk = c->tk;
	p->m_outer = c->m_outer;
	p->psum = c->psum;
	p->o_whole = c->o_whole && p->out_bytes > s[2];
	if (!p->tm || !p->tn || !p->tk || p->tm > p->m || p->tn > p->n ||
	    p->tk > p->k)
		return -1;
	/* whole array tiles, whole M-groups: the walker's geometry */
	if ((p->tm % r && p->tm != p->m) || (p->tn % q && p->tn != p->n) ||
	    (p->tk % align && p->tk != p->k))
		return -1;
	finish(p);
	/* k-steps inside an array tile reload its operands per array tile:
	 * only array-sized SRAM tiles make sense there */
	if (!p->psum && p->n_kt > 1 && (p->tm > r || p->tn > q))
		return -1;
	halves(p, s, h);
	return fits(p, h) ? 0 : -1;
}

/* ---- the fixed rule ---- */

/* Largest multiple of step in [step, limit] with ok(); 0 if none. */
static uint32_t grow(struct plan_op *p, uint32_t *field, uint32_t step,
		     uint32_t limit, const uint64_t *h)
{
	uint32_t lo = 1, hi = plan_cdiv(limit, step), mid;

	*field = step;
	if (!fits(p, h))
		return 0;
	while (lo < hi) {
		mid = lo + (hi - lo + 1) / 2;
		*field = plan_min32((uint64_t)mid * step, limit);
		if (fits(p, h))
			lo = mid;
		else
			hi = mid - 1;
	}
	*field = plan_min32((uint64_t)lo * step, limit);
	return *field;
}

/* DRAM bytes (without burst rounding) of the fixed rule's candidates. */
static uint64_t traffic(const struct plan_op *p)
{
	uint64_t a = p->a_res ? 0 : (uint64_t)p->m * p->k * p->ab;
	uint64_t w = p->b_res ? 0 : sde_w_bytes(p, p->k, p->n);

	if (p->n_kt > 1)
		return a * p->n_nt + w * p->n_mt;
	if (p->m_outer)
		return a + w * (p->n_nt > 1 ? p->n_mt : 1);
	return w + a * (p->n_mt > 1 ? p->n_nt : 1);
}

/*
 * For each order grow the operand that stays resident first, then the other
 * one (wider output rows waste less of each DRAM burst); keep the cheaper.
 */
static void choose_order(struct plan_op *p, const uint64_t *h)
{
	struct plan_op mo = *p, no = *p;
	uint32_t r = plan_min32(p->rows, p->m), q = plan_min32(p->cols, p->n);

	mo.m_outer = 1;
	mo.tn = q;
	grow(&mo, &mo.tm, r, p->m, h);
	grow(&mo, &mo.tn, q, p->n, h);
	finish(&mo);
	no.m_outer = 0;
	no.tm = r;
	grow(&no, &no.tn, q, p->n, h);
	grow(&no, &no.tm, r, p->m, h);
	finish(&no);
	*p = traffic(&no) < traffic(&mo) ? no : mo;
}

int sde_map_fixed(struct plan_op *p, const uint64_t *s)
{
	uint64_t h[3];
	uint32_t align = p->map.n == p->map.m ? 1 : p->map.m;

	halves(p, s, h);
	p->psum = 0;
	p->o_whole = 0;
	p->m_outer = 1;
	p->tm = plan_min32(p->rows, p->m);
	p->tn = plan_min32(p->cols, p->n);
	if (!grow(p, &p->tk, align, p->k, h))
		return -1;
	finish(p);
	if (p->n_kt == 1)
		choose_order(p, h);
	return 0;
}

/* ---- candidates ---- */

#define MAP_STEPS 65536u	/* SRAM tiles of a candidate, at most */

static uint32_t add_len(uint32_t *v, uint32_t n, uint32_t x)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (v[i] == x)
			return n;
	v[n] = x;
	return n + 1;
}

/* Tile lengths along a dimension of len in whole steps: the whole, the
 * whole split into 2, 3, 4, 6, 8, 12 or 16 (tiles that pipeline through the
 * halves even when the whole would fit, and smaller tiles that fit), and
 * one step. At most 9. */
static uint32_t lengths(uint32_t len, uint32_t step, uint32_t *v)
{
	static const uint32_t parts[] = { 2, 3, 4, 6, 8, 12, 16 };
	uint32_t n = 0, x, i;

	n = add_len(v, n, len);
	for (i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		x = plan_cdiv(plan_cdiv(len, parts[i]), step) * step;
		if (x < len)
			n = add_len(v, n, x);
	}
	return step < len ? add_len(v, n, step) : n;
}

uint32_t sde_map_candidates(const struct plan_op *p, const uint64_t *s,
			    int greedy, struct cfg_map_force *out, uint32_t max)
{
	uint32_t tm[32], tn[32], tk[32], nm, nn, nk, i, j, l, o, q, n = 0;
	uint32_t align = p->map.n == p->map.m ? 1 : p->map.m;
	struct plan_op t = *p;

	nm = lengths(p->m, plan_min32(p->rows, p->m), tm);
	nn = lengths(p->n, plan_min32(p->cols, p->n), tn);
	nk = lengths(p->k, align, tk);
	for (o = 0; o < 2; o++)
		for (q = 0; q < 3; q++)	/* PE sums, out-buffer halves, whole */
			for (i = 0; i < nm; i++)
				for (j = 0; j < nn; j++)
					for (l = 0; l < nk && n < max; l++) {
						struct cfg_map_force c = {
							1, tm[i], tn[j], tk[l], o,
							q > 0, q == 2, p->a_res,
							p->b_res, p->o_res };

						/* greedy: no tile under a quarter */
						if (greedy && (tm[i] * 4 < p->m ||
							       tn[j] * 4 < p->n))
							continue;
						/* the estimate walks SRAM tiles */
						if (sde_map_apply(&t, &c, s) == 0 &&
						    t.psum == (q > 0) &&
						    t.o_whole == (q == 2) &&
						    (uint64_t)t.heads * t.n_mt *
						    t.n_nt * t.n_kt <= MAP_STEPS)
							out[n++] = c;
					}
	return n;
}

/* ---- estimate ---- */

/* Stream cycles of the array tiles of SRAM tile (mt, nt) at slice kt,
 * each taking max(kc, rows) (docs/models.md, "Tiles overlap"); a tile over
 * all slices (k-steps inside the array tile) takes its kc per slice and its
 * write-back shortfall on the last. */
static uint64_t tile_cycles(const struct plan_op *p, uint32_t mt,
			    uint32_t nt, uint32_t kt)
{
	struct plan_step st = { 0 };
	uint32_t tm_len = plan_tile_len(p->m, p->tm, mt);
	uint32_t ac = plan_cdiv(plan_tile_len(p->n, p->tn, nt), p->cols);
	uint32_t r0;
	uint64_t sum = 0, all;

	st.mt = mt;
	st.nt = nt;
	st.cols = plan_min32(p->cols, plan_tile_len(p->n, p->tn, nt));
	for (r0 = 0; r0 < tm_len; r0 += p->rows) {
		uint64_t rows = plan_min32(p->rows, tm_len - r0);

		st.rows = (uint32_t)rows;
		st.kt = kt;
		p->uc->time(p, &st);
		if (p->psum || p->n_kt == 1) {
			sum += st.kcycles > rows ? st.kcycles : rows;
			continue;
		}
		sum += st.kcycles;
		if (kt < p->n_kt - 1)
			continue;
		all = st.kcycles;
		st.kt = 0;
		p->uc->time(p, &st);
		all += (p->n_kt - 1) * st.kcycles;
		sum += all < rows ? rows - all : 0;
	}
	return sum * ac;
}

/* An SRAM tile's loads, store and engine cycles: all tiles of one class
 * (last or not along m, n and k) are alike. */
struct block {
	uint64_t a, w, o, a_sram, w_sram, eng;
	uint64_t a_cyc, w_cyc, o_cyc;	/* channel cycles of each transfer */
};

static void blocks(const struct plan_op *p, uint64_t bpc_fx, struct block *b)
{
	uint32_t c;

	for (c = 0; c < 8; c++) {
		uint32_t mt = (c & 1) ? p->n_mt - 1 : 0;
		uint32_t nt = (c & 2) ? p->n_nt - 1 : 0;
		uint32_t kt = (c & 4) ? p->n_kt - 1 : 0;
		struct plan_step st;

		plan_block_loads(p, mt, nt, kt, &st);
		b[c] = (struct block){ st.a_dram, st.w_dram, st.o_dram,
				       st.a_sram, st.w_sram,
				       tile_cycles(p, mt, nt, kt),
				       dma_transfer_cycles(bpc_fx, st.a_dram),
				       dma_transfer_cycles(bpc_fx, st.w_dram),
				       dma_transfer_cycles(bpc_fx, st.o_dram) };
	}
}

struct pipe {
	uint64_t dma_free, eng_free, done[2];	/* done: last two SRAM tiles */
	uint64_t lat, bpc_fx, slots, n;
	uint64_t out_free;	/* o_whole: when the out buffer is stored */
	int o_whole;
};

/* One SRAM tile: its loads' and its store's channel cycles (0: none),
 * its engine cycles. */
static void pipe_tile(struct pipe *q, uint64_t load, uint64_t eng,
		      uint64_t store)
{
	uint64_t start = q->dma_free, ready;

	/* the half this load overwrites is free once its reader is done */
	if (q->n >= q->slots && q->done[(q->n - q->slots) % 2] > start)
		start = q->done[(q->n - q->slots) % 2];
	if (load) {
		q->dma_free = start + load;
		ready = q->dma_free + q->lat;
	} else {
		ready = 0;
	}
	if (q->o_whole && q->out_free > ready)
		ready = q->out_free;	/* the one out tile is still stored */
	q->eng_free = (ready > q->eng_free ? ready : q->eng_free) + eng;
	q->done[q->n % 2] = q->eng_free;
	q->n++;
	if (store) {	/* channel time between the loads that follow */
		uint64_t sc = store;

		q->out_free = (q->dma_free > q->eng_free ? q->dma_free :
			       q->eng_free) + sc + q->lat;
		q->dma_free += sc;
	}
}

void sde_map_estimate(const struct config *cfg, const struct plan_op *p,
		      struct map_cost *c)
{
	struct pipe q = { 0 };
	struct block b[8];
	uint32_t n1 = p->m_outer ? p->n_mt : p->n_nt;
	uint32_t n2 = p->m_outer ? p->n_nt : p->n_mt;
	uint32_t h, i, j, kt, mt, nt;
	uint64_t last_store = 0, sram = 0;	/* last_store: its channel cycles */
	uint64_t pa = UINT64_MAX, pw = UINT64_MAX;	/* resident blocks */
	const struct energy_table *e = &cfg->energy;
	double leak = 0;

	q.lat = config_dram_latency_cycles(cfg);
	q.bpc_fx = config_dram_bpc_fx(cfg);
	blocks(p, q.bpc_fx, b);
	q.slots = cfg->double_buffer ? 2 : 1;
	q.o_whole = p->o_whole;
	c->dram = 0;
	for (h = 0; h < p->heads; h++)
		for (i = 0; i < n1; i++)
			for (j = 0; j < n2; j++)
				for (kt = 0; kt < p->n_kt; kt++) {
					const struct block *x;
					uint64_t ld = 0, so = 0, lc = 0, sc = 0, a, w;

					mt = p->m_outer ? i : j;
					nt = p->m_outer ? j : i;
					x = &b[(mt == p->n_mt - 1) |
					       (nt == p->n_nt - 1) << 1 |
					       (kt == p->n_kt - 1) << 2];
					/* the walker's new_a / new_w: the block
					 * differs from the one in use */
					a = ((uint64_t)h << 42) | ((uint64_t)mt << 21) | kt;
					w = ((uint64_t)h << 42) | ((uint64_t)nt << 21) | kt;
					if (a != pa)
						ld += x->a, lc += x->a_cyc,
						sram += x->a_sram;
					if (w != pw)
						ld += x->w, lc += x->w_cyc,
						sram += x->w_sram;
					pa = a;
					pw = w;
					if (kt == p->n_kt - 1 && !p->o_onchip &&
					    !p->o_res)
						so = x->o,
						sc = last_store = x->o_cyc;
					c->dram += ld + so;
					pipe_tile(&q, lc, x->eng, sc);
				}
	/* the last tile's wavefront and write-back, then its store */
	c->cycles = q.eng_free + sde_wb_latency(sde_pipe_depth(cfg->n_max),
						cfg->cols) + p->rows;
	if (last_store)
		c->cycles += last_store + q.lat;
	if (c->cycles < q.dma_free + q.lat)
		c->cycles = q.dma_free + q.lat;
	if (p->psum)	/* a 32-bit read-modify-write of the chain per slice */
		sram += (uint64_t)p->heads * p->m * p->n * 8 * (p->n_kt - 1);
	/* the whole design leaks while the op runs (pJ per ns) */
	for (h = 0; h < CONFIG_EU_MAX; h++)
		leak += cfg->leak_pj_ns[h];
	c->pj = (double)c->dram * 8 * e->dram_pj_per_bit +
		(double)sram * energy_sram_pj_per_byte(e, 32) +
		(double)c->cycles * 1000.0 / cfg->clock_mhz * leak;
}
