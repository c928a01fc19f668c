/*
 * sde.c - the sparse-dense engine (see sde.h for the timing contract).
 *
 * Follows STA (Fang et al., TVLSI 2022): one engine for sparse-dense and
 * dense-dense products; in sparse mode each kept weight's index selects its
 * activation through an m_max:1 multiplexer. The controller is four small
 * machines stepped in a fixed order inside one cycle, as rtl/sde.v does:
 * write-back of the oldest tile in flight, start from the command FIFO,
 * stream, accept. The array between the last slice of a tile and its first
 * write-back slot is a fixed latency (sde_wb_latency), so the model keeps
 * only each tile's descriptor and due cycle. Invariants: at most one k-step
 * streams; tiles in flight are written back in order, in slots that never
 * overlap; busy + stall + idle cycles = cycles stepped.
 */
#include "sde.h"

#include <string.h>

#include "../sim/kern.h"
#include "../sim/timeline.h"

uint32_t sde_pipe_depth(uint32_t n_max)
{
	uint32_t tree = 0;

	while ((1u << tree) < n_max)
		tree++;
	return 1 + 1 + tree + 1;
}

uint32_t sde_wb_latency(uint32_t pipe, uint32_t cols)
{
	return pipe + 2 + cols;
}

void sde_init(struct sde *e, const struct sde_params *p,
	      const struct unit_cmd *in, const uint32_t *want_op)
{
	memset(e, 0, sizeof *e);
	e->in = in;
	e->want_op = want_op;
	e->pipe = sde_pipe_depth(p->n_max);
	e->lat = sde_wb_latency(e->pipe, p->cols);
	e->acc_db = p->acc_double_buffer;
	e->op_busy = p->op_busy;
	e->op_stall = p->op_stall;
	e->tl = p->tl;
	e->why = p->why;
	e->out.cmd_ready = 1;
	e->nxt = e->out;
}

void sde_observe(struct sde *e)
{
	e->observe = 1;
}

/* Sums over k-elements k0 .. k1 - 1 (k0 on a group boundary) into acc. */
static void dot_sparse(const struct sde_data *d, const int16_t *arow,
		       int32_t *acc, uint32_t c0, uint32_t cols, uint32_t k0,
		       uint32_t k1)
{
	uint32_t g1 = (k1 + d->nm_m - 1) / d->nm_m, g, i, c;

	for (g = k0 / d->nm_m; g < g1; g++) {
		const int16_t *ag = arow + (uint64_t)g * d->nm_m;

		for (i = 0; i < d->nm_n; i++) {
			uint64_t e = ((uint64_t)g * d->nm_n + i) * d->ncols + c0;
			const int16_t *w = d->w + e;
			const uint8_t *x = d->idx + e;

			for (c = 0; c < cols; c++)
				acc[c] = (int32_t)((uint32_t)acc[c] +
					 (uint32_t)(ag[x[c]] * w[c]));
		}
	}
}

static void dot_dense(const struct sde_data *d, const int16_t *arow,
		      int32_t *acc, uint32_t c0, uint32_t cols, uint32_t k0,
		      uint32_t k1)
{
	uint32_t kk, c;

	for (kk = k0; kk < k1; kk++) {
		const int16_t *w = d->w + (uint64_t)kk * d->ncols + c0;
		int32_t a = arow[kk];

		for (c = 0; c < cols; c++)
			acc[c] = (int32_t)((uint32_t)acc[c] + (uint32_t)(a * w[c]));
	}
}

static void dot(const struct sde_data *d, uint32_t r, uint32_t c0,
		uint32_t cols, uint32_t k0, uint32_t k1, int32_t *acc)
{
	const int16_t *arow = d->a + (uint64_t)r * d->k;

	if (d->idx)
		dot_sparse(d, arow, acc, c0, cols, k0, k1);
	else
		dot_dense(d, arow, acc, c0, cols, k0, k1);
}

void sde_slice_sums(const struct sde_data *d, uint32_t r, uint32_t c0,
		    uint32_t cols, uint32_t k0, uint32_t k1, int32_t *acc)
{
	memset(acc, 0, cols * sizeof *acc);
	dot(d, r, c0, cols, k0, k1, acc);
}

void sde_row_out(const struct sde_data *d, uint32_t r, uint32_t c0,
		 uint32_t cols, int32_t *acc, int16_t *out)
{
	uint32_t c;

	memset(acc, 0, cols * sizeof *acc);
	dot(d, r, c0, cols, 0, d->k, acc);
	for (c = 0; c < cols; c++)
		out[c] = sde_requant(acc[c], d->shift, d->out_bits);
}

void sde_compute_tile(const struct sde_data *d, uint32_t r0, uint32_t c0,
		      uint32_t rows, uint32_t cols)
{
	uint32_t r;

	for (r = r0; r < r0 + rows; r++)
		sde_row_out(d, r, c0, cols, d->acc + (uint64_t)r * d->ncols + c0,
			    d->out + (uint64_t)r * d->ncols + c0);
}

/*
 * Row `row` of tile t as its write-back leaves it: the whole reduction,
 * requantized; or, in a partial-sum chain, the slice's sums started in or
 * added to the out buffer's chain (d->acc), requantized on the last slice.
 */
static void wb_row(const struct unit_cmd *t, uint32_t row)
{
	const struct sde_data *d = t->data;
	uint64_t at = (uint64_t)(t->r0 + row) * d->ncols + t->c0;
	uint32_t c;

	if (t->psum == UNIT_PSUM_NONE) {
		sde_row_out(d, t->r0 + row, t->c0, t->cols, d->acc + at,
			    d->out + at);
		return;
	}
	if (t->psum == UNIT_PSUM_FIRST)
		memset(d->acc + at, 0, t->cols * sizeof *d->acc);
	dot(d, t->r0 + row, t->c0, t->cols, t->k0, t->k0 + t->klen, d->acc + at);
	if (t->psum != UNIT_PSUM_LAST)
		return;
	for (c = 0; c < t->cols; c++)
		d->out[at + c] = sde_requant(d->acc[at + c], d->shift,
					     d->out_bits);
}

static struct sde_tile *flight_head(const struct sde *e)
{
	return e->fl_len ? (struct sde_tile *)&e->flight[e->fl_head] : NULL;
}

/* Cycle of the head tile's last write-back slot: its wb_done step. */
static uint64_t wb_last(const struct sde_tile *h)
{
	return h->wb_at + sde_wb_cycles(h->cmd.rows, h->cmd.drain_cpr) - 1;
}

/*
 * May the oldest queued command enter the array in cycle `at`, with fl
 * tiles in flight? A LAST step must not overwrite shadows the column buses
 * are still reading; without shadows a FIRST step must not clear
 * accumulators they are still reading (sde.h).
 */
static int can_start(const struct sde *e, uint64_t at, uint32_t fl)
{
	const struct unit_cmd *h = &e->fifo[e->f_head];

	if (!e->f_len)
		return 0;
	if ((h->flags & UNIT_FIRST) && !e->acc_db && at < e->fgap_at)
		return 0;
	if (h->flags & UNIT_LAST)
		return fl < SDE_FLIGHT && at + h->kcycles - 1 >= e->lgap_at;
	return 1;
}

/* One row into the tile's own output arrays, and onto the wb port. */
static void emit_row(struct sde *e, const struct unit_cmd *t, uint32_t row)
{
	const struct sde_data *d = t->data;

	e->nxt.wb = 1;
	e->nxt.wb_row = row;
	e->nxt.wb_data = NULL;
	e->nxt.wb_acc = NULL;
	if (d) {
		uint64_t at = (uint64_t)(t->r0 + row) * d->ncols + t->c0;

		wb_row(t, row);
		e->nxt.wb_data = d->out + at;
		e->nxt.wb_acc = d->acc + at;
	}
}

/* The oldest tile in flight, in its write-back slots. */
static void wb_cycle(struct sde *e)
{
	struct sde_tile *h = flight_head(e);
	uint32_t cpr;
	uint64_t i;

	if (!h || e->now < h->wb_at)
		return;
	cpr = h->cmd.drain_cpr > 1 ? h->cmd.drain_cpr : 1;
	i = e->now - h->wb_at;
	if (e->observe && i % cpr == 0)
		emit_row(e, &h->cmd, (uint32_t)(i / cpr));
	if (e->now < wb_last(h))
		return;
	if (h->cmd.data && !e->observe) {
		uint32_t r;

		for (r = 0; r < h->cmd.rows; r++)
			wb_row(&h->cmd, r);
	}
	e->nxt.wb_done = h->cmd;
	e->fl_head = (e->fl_head + 1) % SDE_FLIGHT;
	e->fl_len--;
}

/* The last slice of a tile: it enters flight, and sets the gaps. */
static void tile_streamed(struct sde *e)
{
	struct sde_tile *t;
	uint32_t cpr = e->cur.drain_cpr > 1 ? e->cur.drain_cpr : 1;

	SIM_ASSERT(e->fl_len < SDE_FLIGHT, e->now, "sde");
	t = &e->flight[(e->fl_head + e->fl_len) % SDE_FLIGHT];
	t->cmd = e->cur;
	t->wb_at = e->now + e->lat;
	SIM_ASSERT(e->now >= e->lgap_at, e->now, "sde");	/* slots in order */
	e->fl_len++;
	e->lgap_at = e->now + sde_wb_cycles(e->cur.rows, cpr);
	e->fgap_at = e->now + 1 + (uint64_t)(e->cur.rows - 1) * (cpr - 1);
}

static void stream_cycle(struct sde *e)
{
	if (e->observe) {
		e->nxt.rd = 1;
		e->nxt.rd_slice = (uint32_t)(e->cur.kcycles - e->stream_left);
	}
	e->stream_cycles++;
	if (--e->stream_left)
		return;
	e->nxt.rd_done = e->cur;
	if (e->cur.flags & UNIT_LAST)
		tile_streamed(e);
	e->cur.valid = 0;
}

/* n cycles busy for op `by` (1 + op), or idle (by = 0). */
static void account(struct sde *e, uint32_t by, uint64_t n)
{
	if (by) {
		e->busy_cycles += n;
		if (e->op_busy)
			e->op_busy[by - 1] += n;
		if (e->tl)
			tl_note(e->tl, n, by - 1, TL_BUSY, 0, 0);
	} else if (*e->want_op) {
		e->stall_cycles += n;
		if (e->op_stall)
			e->op_stall[*e->want_op - 1] += n;
		if (e->tl)
			tl_note(e->tl, n, *e->want_op - 1, TL_STALL,
				e->why ? *e->why : 0, 0);
	} else if (e->tl) {
		tl_note(e->tl, n, 0, TL_IDLE, 0, 0);
	}
}

/* Whose the cycle's work is (1 + op): the stream's, else the oldest
 * tile's in flight; 0 when the array is idle. */
static uint32_t owner(const struct sde *e)
{
	const struct sde_tile *h = flight_head(e);

	if (e->stream_left)
		return e->cur.op + 1;
	return h ? h->cmd.op + 1 : 0;
}

void sde_step(void *self, uint64_t cycle)
{
	struct sde *e = self;
	uint32_t was = owner(e);	/* before the write-back retires a tile */

	(void)cycle;
	e->nxt.rd_done.valid = 0;
	e->nxt.wb_done.valid = 0;
	e->nxt.rd = 0;
	e->nxt.wb = 0;
	wb_cycle(e);
	if (!e->stream_left && can_start(e, e->now, e->fl_len)) {
		e->cur = e->fifo[e->f_head];
		if (e->tl)
			tl_tile(e->tl, e->cur.r0, e->cur.c0, e->cur.k0);
		e->stream_left = e->cur.kcycles;
		e->f_head = (e->f_head + 1) % SDE_FIFO;
		e->f_len--;
	}
	if (e->stream_left) {
		account(e, e->cur.op + 1, 1);
		stream_cycle(e);
		e->nxt.active = 1;
	} else {
		account(e, was, 1);
		e->nxt.active = was != 0;
	}
	if (e->in->valid && e->out.cmd_ready) {
		SIM_ASSERT(e->f_len < SDE_FIFO, e->now, "sde");
		SIM_ASSERT(e->in->kcycles > 0, e->now, "sde");
		e->fifo[(e->f_head + e->f_len) % SDE_FIFO] = *e->in;
		e->f_len++;
	}
	e->nxt.cmd_ready = e->f_len < SDE_FIFO;
	e->now++;
}

void sde_commit(void *self)
{
	struct sde *e = self;

	e->out = e->nxt;
}

int sde_next_drain(const struct sde *e, const struct unit_cmd **t,
		   uint32_t *row, uint32_t *slot)
{
	const struct sde_tile *h = flight_head(e);
	uint32_t cpr;

	if (!h || e->now < h->wb_at)
		return 0;
	cpr = h->cmd.drain_cpr > 1 ? h->cmd.drain_cpr : 1;
	*t = &h->cmd;
	*row = (uint32_t)((e->now - h->wb_at) / cpr);
	*slot = (uint32_t)((e->now - h->wb_at) % cpr);
	return 1;
}

/* Tiles in flight after the next step's write-back. */
static uint32_t next_flight(const struct sde *e)
{
	const struct sde_tile *h = flight_head(e);

	return h && e->now >= wb_last(h) ? e->fl_len - 1 : e->fl_len;
}

int sde_next_stream(const struct sde *e, const struct unit_cmd **s,
		    uint64_t *idx)
{
	if (e->stream_left) {
		*s = &e->cur;
		*idx = e->cur.kcycles - e->stream_left;
		return 1;
	}
	if (!can_start(e, e->now, next_flight(e)))
		return 0;
	*s = &e->fifo[e->f_head];
	*idx = 0;
	return 1;
}

/* First cycle at which the gaps let the queued command start. */
static uint64_t gap_clear(const struct sde *e)
{
	const struct unit_cmd *h = &e->fifo[e->f_head];
	uint64_t at = e->now;

	if ((h->flags & UNIT_FIRST) && !e->acc_db && e->fgap_at > at)
		at = e->fgap_at;
	if ((h->flags & UNIT_LAST) && e->lgap_at > at + h->kcycles - 1)
		at = e->lgap_at - (h->kcycles - 1);
	return at;
}

uint64_t sde_horizon(const void *self)
{
	const struct sde *e = self;
	const struct sde_tile *h = flight_head(e);
	uint64_t next = KERN_FOREVER;	/* the next cycle that must be stepped */

	if (e->out.rd_done.valid || e->out.wb_done.valid)
		return 1;
	if (e->in->valid && e->out.cmd_ready)
		return 1;
	if (e->out.active != (e->stream_left || h))
		return 1;
	if (e->observe && (e->stream_left || h || e->out.rd || e->out.wb))
		return 1;
	if (e->stream_left)
		next = e->now + e->stream_left - 1;
	else if (e->f_len) {
		uint64_t clear;

		if (can_start(e, e->now, next_flight(e)))
			return 1;
		clear = gap_clear(e);	/* now: only the flight limit holds it */
		if (clear > e->now)
			next = clear;
	}
	if (h && wb_last(h) < next)
		next = wb_last(h);
	return next == KERN_FOREVER ? KERN_FOREVER : next - e->now + 1;
}

void sde_skip(void *self, uint64_t n)
{
	struct sde *e = self;

	account(e, owner(e), n);
	if (e->stream_left) {
		e->stream_left -= n;
		e->stream_cycles += n;
	}
	e->now += n;
}

void sde_check(const void *self, uint64_t cycle)
{
	const struct sde *e = self;
	uint32_t i;

	SIM_ASSERT(!e->stream_left || e->cur.valid, cycle, "sde");
	SIM_ASSERT(e->fl_len <= SDE_FLIGHT, cycle, "sde");
	for (i = 1; i < e->fl_len; i++) {
		const struct sde_tile *a = &e->flight[(e->fl_head + i - 1) % SDE_FLIGHT];
		const struct sde_tile *b = &e->flight[(e->fl_head + i) % SDE_FLIGHT];

		SIM_ASSERT(wb_last(a) < b->wb_at, cycle, "sde");
	}
	SIM_ASSERT(e->busy_cycles + e->stall_cycles <= e->now, cycle, "sde");
	SIM_ASSERT(e->stream_cycles <= e->busy_cycles, cycle, "sde");
}
