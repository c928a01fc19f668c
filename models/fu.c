/*
 * fu.c - function-unit controller (see fu.h).
 *
 * Within one step: start the oldest queued command if idle, work one cycle,
 * finish (pulses, functional work) when the count reaches zero, accept a new
 * command. Invariant: busy + stall + idle cycles = cycles stepped, and a
 * tile occupies exactly its kcycles cycles.
 */
#include "fu.h"

#include <string.h>

#include "../sim/kern.h"
#include "../sim/timeline.h"

void fu_init(struct fu *u, const char *name, const struct unit_cmd *in,
	     const uint32_t *want_op, uint64_t *op_busy, uint64_t *op_stall)
{
	memset(u, 0, sizeof *u);
	u->name = name;
	u->in = in;
	u->want_op = want_op;
	u->op_busy = op_busy;
	u->op_stall = op_stall;
	u->out.cmd_ready = 1;
	u->nxt = u->out;
}

static void account(struct fu *u, uint64_t n)
{
	if (u->left) {
		u->busy_cycles += n;
		if (u->op_busy)
			u->op_busy[u->cur.op] += n;
		if (u->tl)
			tl_note(u->tl, n, u->cur.op, TL_BUSY, 0, 0);
	} else if (*u->want_op) {
		u->stall_cycles += n;
		if (u->op_stall)
			u->op_stall[*u->want_op - 1] += n;
		if (u->tl)
			tl_note(u->tl, n, *u->want_op - 1, TL_STALL,
				u->why ? *u->why : 0, 0);
	} else if (u->tl) {
		tl_note(u->tl, n, 0, TL_IDLE, 0, 0);
	}
}

static void finish(struct fu *u)
{
	const struct fu_job *job = u->cur.data;

	if (job)
		job->run(job, u->cur.r0, u->cur.rows);
	u->nxt.rd_done = u->cur;
	u->nxt.wb_done = u->cur;
	u->cur.valid = 0;
}

void fu_step(void *self, uint64_t cycle)
{
	struct fu *u = self;

	(void)cycle;
	u->nxt.rd_done.valid = 0;
	u->nxt.wb_done.valid = 0;
	if (!u->left && u->f_len) {
		u->cur = u->fifo[u->f_head];
		if (u->tl)
			tl_tile(u->tl, u->cur.r0, u->cur.c0, u->cur.k0);
		u->left = u->cur.kcycles ? u->cur.kcycles : 1;
		u->f_head = (u->f_head + 1) % FU_FIFO;
		u->f_len--;
	}
	u->nxt.active = u->left != 0;
	account(u, 1);
	if (u->left && --u->left == 0)
		finish(u);
	if (u->in->valid && u->out.cmd_ready) {
		SIM_ASSERT(u->f_len < FU_FIFO, u->now, u->name);
		u->fifo[(u->f_head + u->f_len) % FU_FIFO] = *u->in;
		u->f_len++;
	}
	u->nxt.cmd_ready = u->f_len < FU_FIFO;
	u->now++;
}

void fu_commit(void *self)
{
	struct fu *u = self;

	u->out = u->nxt;
}

uint64_t fu_horizon(const void *self)
{
	const struct fu *u = self;

	if (u->out.rd_done.valid || u->out.wb_done.valid)
		return 1;
	if ((u->in->valid && u->out.cmd_ready) || (!u->left && u->f_len))
		return 1;
	if (u->out.active != (u->left != 0))
		return 1;
	return u->left ? u->left : KERN_FOREVER;
}

void fu_skip(void *self, uint64_t n)
{
	struct fu *u = self;

	account(u, n);
	if (u->left)
		u->left -= n;
	u->now += n;
}

void fu_check(const void *self, uint64_t cycle)
{
	const struct fu *u = self;

	SIM_ASSERT(!u->left || u->cur.valid, cycle, u->name);
	SIM_ASSERT(u->f_len <= FU_FIFO, cycle, u->name);
	SIM_ASSERT(u->busy_cycles + u->stall_cycles <= u->now, cycle, u->name);
}
