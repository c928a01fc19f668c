/*
 * dma.c - DMA engine and DRAM channel (see dma.h).
 *
 * Within one step the internal order is: start a queued command on an idle
 * channel, move one cycle of data, retire the oldest finished transfer, then
 * accept a new command. A command accepted on cycle t starts on t + 1 at the
 * earliest. Invariant: q_len + (issuing busy) + f_len <= depth.
 */
#include "dma.h"

#include <string.h>

#include "../sim/kern.h"
#include "../sim/timeline.h"

void dma_init(struct dma *d, const struct dma_params *p,
	      const struct dma_cmd *in)
{
	memset(d, 0, sizeof *d);
	d->in = in;
	d->bpc_fx = p->bpc_fx ? p->bpc_fx : 1;
	d->latency = p->latency;
	d->depth = p->depth < 1 ? 1 : p->depth > DMA_DEPTH_MAX ? DMA_DEPTH_MAX
							 : p->depth;
	d->out.cmd_ready = 1;
	d->nxt = d->out;
}

void dma_set_mem(struct dma *d, const struct dma_mem *mem)
{
	d->mem = mem;
}

uint64_t dma_transfer_cycles(uint64_t bpc_fx, uint64_t bytes)
{
	uint64_t c = ((bytes << 16) + bpc_fx - 1) / bpc_fx;

	return c ? c : 1;
}

static uint32_t occupancy(const struct dma *d)
{
	return d->q_len + (d->issuing.valid ? 1 : 0) + d->f_len;
}

static void start(struct dma *d)
{
	struct dma_cmd *c = &d->queue[d->q_head];

	d->issuing = *c;
	if (d->mem) {
		d->mem->timing(d->mem->ctx, c, d->now, &d->issue_left,
			       &d->issue_lat);
		if (!d->issue_left)
			d->issue_left = 1;
	} else {
		d->issue_left = dma_transfer_cycles(d->bpc_fx, c->bytes);
		d->issue_lat = d->latency;
	}
	d->bytes[c->kind] += c->bytes;
	d->transfers++;
	d->q_head = (d->q_head + 1) % DMA_DEPTH_MAX;
	d->q_len--;
}

static void send(struct dma *d)
{
	struct dma_flight *f;

	d->busy_cycles++;
	if (--d->issue_left)
		return;
	f = &d->flight[(d->f_head + d->f_len) % DMA_DEPTH_MAX];
	f->cmd = d->issuing;
	f->done_at = d->now + d->issue_lat;
	/* in issue order: never before the transfer ahead of it */
	if (d->f_len) {
		const struct dma_flight *prev = &d->flight[(d->f_head + d->f_len
			- 1) % DMA_DEPTH_MAX];

		if (f->done_at < prev->done_at)
			f->done_at = prev->done_at;
	}
	d->f_len++;
	d->issuing.valid = 0;
}

static void retire(struct dma *d)
{
	struct dma_flight *f = &d->flight[d->f_head];

	d->nxt.done.valid = 0;
	if (!d->f_len || f->done_at > d->now)
		return;
	d->nxt.done = f->cmd;
	d->f_head = (d->f_head + 1) % DMA_DEPTH_MAX;
	d->f_len--;
}

/* The timeline's load and store lanes for n cycles of the channel. */
static void lanes(struct dma *d, uint64_t n)
{
	const struct dma_cmd *c = &d->issuing;
	int store = c->valid && c->kind == DMA_STORE;

	tl_note(d->tl_load, n, c->op, c->valid && !store ? TL_BUSY : TL_IDLE,
		0, c->kind);
	tl_note(d->tl_store, n, c->op, store ? TL_BUSY : TL_IDLE, 0, c->kind);
}

void dma_step(void *self, uint64_t cycle)
{
	struct dma *d = self;

	(void)cycle;
	if (!d->issuing.valid && d->q_len)
		start(d);
	d->nxt.active = d->issuing.valid;
	if (d->tl_load)
		lanes(d, 1);
	if (d->issuing.valid)
		send(d);
	retire(d);
	if (d->in->valid && d->out.cmd_ready) {
		SIM_ASSERT(occupancy(d) < d->depth, d->now, "dma");
		d->queue[(d->q_head + d->q_len) % DMA_DEPTH_MAX] = *d->in;
		d->q_len++;
	}
	d->nxt.cmd_ready = occupancy(d) < d->depth;
	d->now++;
}

void dma_commit(void *self)
{
	struct dma *d = self;

	d->out = d->nxt;
}

uint64_t dma_horizon(const void *self)
{
	const struct dma *d = self;
	uint64_t pure = KERN_FOREVER, t;

	if (d->out.done.valid || (d->in->valid && d->out.cmd_ready))
		return 1;
	if (!d->issuing.valid && d->q_len)
		return 1;
	if (d->out.active != d->issuing.valid)
		return 1;
	if (d->issuing.valid)
		pure = d->issue_left - 1;
	if (d->f_len) {
		t = d->flight[d->f_head].done_at - d->now;
		if (t < pure)
			pure = t;
	}
	return pure == KERN_FOREVER ? KERN_FOREVER : pure + 1;
}

void dma_skip(void *self, uint64_t n)
{
	struct dma *d = self;

	if (d->tl_load)
		lanes(d, n);
	if (d->issuing.valid) {
		d->issue_left -= n;
		d->busy_cycles += n;
	}
	d->now += n;
}

void dma_check(const void *self, uint64_t cycle)
{
	const struct dma *d = self;

	SIM_ASSERT(occupancy(d) <= d->depth, cycle, "dma");
	SIM_ASSERT(!d->f_len || d->flight[d->f_head].done_at >= d->now, cycle,
		   "dma");
	SIM_ASSERT(!d->issuing.valid || d->issue_left > 0, cycle, "dma");
	SIM_ASSERT(!d->out.done.valid || d->out.done.kind < DMA_KIND_COUNT,
		   cycle, "dma");
}
