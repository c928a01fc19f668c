/*
 * sde.c - the sparse-dense engine (see sde.h for the timing contract).
 *
 * Follows STA (Fang et al., TVLSI 2022): one engine for sparse-dense and
 * dense-dense products; in sparse mode each kept weight's index selects its
 * activation through an m_max:1 multiplexer. The controller is three small
 * machines (command FIFO, stream, drain) stepped in a fixed order inside one
 * cycle. Invariant: at most one k-step streams, at most one drains and at most
 * one waits between them (hold); busy + stall + idle cycles = cycles stepped.
 */
#include "sde.h"

#include <string.h>

#include "../sim/kern.h"

uint32_t sde_pipe_depth(uint32_t n_max)
{
	uint32_t tree = 0;

	while ((1u << tree) < n_max)
		tree++;
	return 1 + 1 + tree + 1;
}

uint64_t sde_drain_cycles(uint32_t pipe, uint32_t rows, uint32_t cols,
			  uint32_t cpr)
{
	return (uint64_t)(rows - 1) + (cols - 1) + pipe +
	       (uint64_t)rows * (cpr > 1 ? cpr : 1);
}

void sde_init(struct sde *e, const struct sde_params *p,
	      const struct unit_cmd *in, const uint32_t *want_op)
{
	memset(e, 0, sizeof *e);
	e->in = in;
	e->want_op = want_op;
	e->pipe = sde_pipe_depth(p->n_max);
	e->acc_db = p->acc_double_buffer;
	e->op_busy = p->op_busy;
	e->op_stall = p->op_stall;
	e->out.cmd_ready = 1;
	e->nxt = e->out;
}

static void dot_sparse(const struct sde_data *d, const int16_t *arow,
		       int32_t *acc, uint32_t c0, uint32_t cols)
{
	uint32_t groups = (d->k + d->nm_m - 1) / d->nm_m, g, i, c;

	for (g = 0; g < groups; g++) {
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
		      int32_t *acc, uint32_t c0, uint32_t cols)
{
	uint32_t kk, c;

	for (kk = 0; kk < d->k; kk++) {
		const int16_t *w = d->w + (uint64_t)kk * d->ncols + c0;
		int32_t a = arow[kk];

		for (c = 0; c < cols; c++)
			acc[c] = (int32_t)((uint32_t)acc[c] + (uint32_t)(a * w[c]));
	}
}

void sde_row_out(const struct sde_data *d, uint32_t r, uint32_t c0,
		 uint32_t cols, int32_t *acc, int16_t *out)
{
	const int16_t *arow = d->a + (uint64_t)r * d->k;
	uint32_t c;

	memset(acc, 0, cols * sizeof *acc);
	if (d->idx)
		dot_sparse(d, arow, acc, c0, cols);
	else
		dot_dense(d, arow, acc, c0, cols);
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

/* May the oldest queued command enter the array this cycle? */
static int can_start(const struct sde *e, uint64_t drain_was)
{
	if (!e->f_len)
		return 0;
	if (!(e->fifo[e->f_head].flags & UNIT_FIRST))
		return 1;
	if (e->hold.valid)
		return 0;
	return e->acc_db || drain_was == 0;
}

static void drain_cycle(struct sde *e)
{
	if (--e->drain_left)
		return;
	if (e->drain.data)
		sde_compute_tile((const struct sde_data *)e->drain.data,
				 e->drain.r0, e->drain.c0, e->drain.rows,
				 e->drain.cols);
	e->nxt.wb_done = e->drain;
	e->drain.valid = 0;
}

static void stream_cycle(struct sde *e)
{
	e->stream_cycles++;
	if (--e->stream_left)
		return;
	e->nxt.rd_done = e->cur;
	if (e->cur.flags & UNIT_LAST)
		e->hold = e->cur;
	e->cur.valid = 0;
}

static void account(struct sde *e, const struct unit_cmd *by, uint64_t n)
{
	if (by) {
		e->busy_cycles += n;
		if (e->op_busy)
			e->op_busy[by->op] += n;
	} else if (*e->want_op) {
		e->stall_cycles += n;
		if (e->op_stall)
			e->op_stall[*e->want_op - 1] += n;
	}
}

void sde_step(void *self, uint64_t cycle)
{
	struct sde *e = self;
	uint64_t drain_was = e->drain_left;
	const struct unit_cmd *by = NULL;

	(void)cycle;
	e->nxt.rd_done.valid = 0;
	e->nxt.wb_done.valid = 0;
	if (e->drain_left) {
		by = &e->drain;
		drain_cycle(e);
	}
	if (!e->stream_left && can_start(e, drain_was)) {
		e->cur = e->fifo[e->f_head];
		e->stream_left = e->cur.kcycles;
		e->f_head = (e->f_head + 1) % SDE_FIFO;
		e->f_len--;
	}
	if (e->stream_left) {
		by = &e->cur;
		account(e, by, 1);
		stream_cycle(e);
	} else {
		account(e, by, 1);
	}
	e->nxt.active = by != NULL;
	if (e->hold.valid && !e->drain_left) {
		e->drain = e->hold;
		e->drain_left = sde_drain_cycles(e->pipe, e->hold.rows,
						 e->hold.cols, e->hold.drain_cpr);
		e->hold.valid = 0;
	}
	if (e->in->valid && e->out.cmd_ready) {
		SIM_ASSERT(e->f_len < SDE_FIFO, e->now, "sde");
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
	uint32_t cpr = e->drain.drain_cpr > 1 ? e->drain.drain_cpr : 1;
	uint64_t flush, i;

	if (!e->drain_left)
		return 0;
	flush = (uint64_t)(e->drain.rows - 1) + (e->drain.cols - 1) + e->pipe;
	i = sde_drain_cycles(e->pipe, e->drain.rows, e->drain.cols,
			     e->drain.drain_cpr) - e->drain_left;
	if (i < flush)
		return 0;
	*t = &e->drain;
	*row = (uint32_t)((i - flush) / cpr);
	*slot = (uint32_t)((i - flush) % cpr);
	return 1;
}

int sde_next_stream(const struct sde *e, const struct unit_cmd **s,
		    uint64_t *idx)
{
	if (e->stream_left) {
		*s = &e->cur;
		*idx = e->cur.kcycles - e->stream_left;
		return 1;
	}
	if (!can_start(e, e->drain_left))
		return 0;
	*s = &e->fifo[e->f_head];
	*idx = 0;
	return 1;
}

uint64_t sde_horizon(const void *self)
{
	const struct sde *e = self;
	uint64_t pure = KERN_FOREVER;

	if (e->out.rd_done.valid || e->out.wb_done.valid)
		return 1;
	if (e->in->valid && e->out.cmd_ready)
		return 1;
	if (e->hold.valid && !e->drain_left)
		return 1;
	if (!e->stream_left && can_start(e, e->drain_left))
		return 1;
	if (e->out.active != (e->stream_left || e->drain_left))
		return 1;
	if (e->stream_left)
		pure = e->stream_left - 1;
	if (e->drain_left && e->drain_left - 1 < pure)
		pure = e->drain_left - 1;
	return pure == KERN_FOREVER ? KERN_FOREVER : pure + 1;
}

void sde_skip(void *self, uint64_t n)
{
	struct sde *e = self;

	if (e->stream_left) {
		account(e, &e->cur, n);
		e->stream_left -= n;
		e->stream_cycles += n;
	} else {
		account(e, e->drain_left ? &e->drain : NULL, n);
	}
	if (e->drain_left)
		e->drain_left -= n;
	e->now += n;
}

void sde_check(const void *self, uint64_t cycle)
{
	const struct sde *e = self;

	SIM_ASSERT(!e->stream_left || e->cur.valid, cycle, "sde");
	SIM_ASSERT(!e->drain_left || e->drain.valid, cycle, "sde");
	SIM_ASSERT(e->busy_cycles + e->stall_cycles <= e->now, cycle, "sde");
	SIM_ASSERT(e->stream_cycles <= e->busy_cycles, cycle, "sde");
}
