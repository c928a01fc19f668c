/*
 * sched.c - the controller (see sched.h).
 *
 * One step, in order: charge the cycle to the oldest unfinished op, observe
 * the pulses of cycle t (loads done, operands released, tiles written back,
 * stores done), retire the commands the DMA and the engine accepted, then
 * choose the commands to present on t + 1. Commands stay presented until
 * accepted (valid/ready), and stores go before loads so output halves free
 * up as early as possible.
 */
#include "sched.h"

#include <string.h>

#include "kern.h"

enum pick { PICK_NONE = 0, PICK_CMD = 1, PICK_BLOCKED = 2 };

static void cursor_next(const struct sched *k, struct sched_cursor *c)
{
	while (c->op < k->n_ops) {
		if (plan_walk_next(&c->w, &c->s) == 0) {
			c->a_n += c->s.new_a;
			c->w_n += c->s.new_w;
			c->o_n += c->s.new_o;
			c->seq++;
			c->a_sent = !c->s.new_a;
			c->w_sent = !c->s.new_w;
			c->valid = 1;
			return;
		}
		if (++c->op < k->n_ops)
			plan_walk_init(&c->w, &k->plans[c->op]);
	}
	c->valid = 0;
}

/* Load cursors: each skips the steps with nothing of its kind to load. */
static void load_next(struct sched *k)
{
	while (k->la.valid && k->la.a_sent)
		cursor_next(k, &k->la);
	while (k->lw.valid && k->lw.w_sent)
		cursor_next(k, &k->lw);
}

/* Store cursor: the next step that completes an output tile. */
static void store_next(const struct sched *k, struct sched_cursor *c)
{
	do
		cursor_next(k, c);
	while (c->valid && !(c->s.flags & UNIT_O_LAST));
}

static void cursor_start(const struct sched *k, struct sched_cursor *c)
{
	memset(c, 0, sizeof *c);
	if (k->n_ops)
		plan_walk_init(&c->w, &k->plans[0]);
}

static void begin_op(struct sched *k)
{
	k->data = NULL;
	if (!k->cc.valid || !k->hooks.begin)
		return;
	k->data = k->hooks.begin(k->hooks.ctx, k->cc.s.op, &k->data_stride);
	if (!k->data) {
		k->failed = 1;
		k->failed_op = k->cc.s.op;
	}
}

int sched_init(struct sched *k, const struct plan_op *plans, uint32_t n_ops,
	       int double_buffer, const struct dma_out *dma,
	       const struct unit_port *units, uint32_t n_units,
	       const struct sched_hooks *hooks, struct op_stats *ops)
{
	uint32_t i;

	memset(k, 0, sizeof *k);
	k->plans = plans;
	k->n_ops = n_ops;
	k->slots = double_buffer ? 2 : 1;
	k->dma = dma;
	memcpy(k->up, units, n_units * sizeof *units);
	k->n_units = n_units;
	if (hooks)
		k->hooks = *hooks;
	k->st_op = ops;
	for (i = 0; i < n_ops; i++) {
		const struct plan_op *p = &plans[i];

		ops[i].start = UINT64_MAX;
		ops[i].tiles_left = p->o_onchip || p->o_res ? 0 :
				    (uint64_t)p->heads * p->n_mt * p->n_nt;
		ops[i].wb_left = (uint64_t)p->heads * ((p->m + p->rows - 1) / p->rows) *
				 ((p->n + p->cols - 1) / p->cols) *
				 (p->psum ? p->n_kt : 1);
	}
	cursor_start(k, &k->la);
	cursor_start(k, &k->lw);
	cursor_start(k, &k->cc);
	cursor_start(k, &k->st);
	cursor_next(k, &k->la);
	cursor_next(k, &k->lw);
	load_next(k);
	cursor_next(k, &k->cc);
	store_next(k, &k->st);
	if (k->cc.valid)	/* the first commands show on cycle 1 */
		ops[k->cc.s.op].start = 1;
	begin_op(k);
	return 0;
}

int sched_done(void *self)
{
	const struct sched *k = self;

	return k->failed || k->ops_done == k->n_ops;
}

/*
 * A buffer is a ring: load j is written behind the loads still unreleased
 * and may go when its bytes fit in what its op streams through (both halves
 * as planned, or the one half without double buffering). Loads of half a
 * buffer each give ping-pong; smaller ones, such as the next op's weights
 * behind an attention op's short V tiles, prefetch further ahead.
 */
static int fits(const struct sched *k, uint64_t j, uint64_t rel,
		uint64_t used, uint64_t bytes, uint64_t half)
{
	if (j - rel >= SCHED_RING)
		return 0;
	return used == 0 || used + bytes <= half * k->slots;
}

/* Why a load cursor's load cannot go yet: TL_WHY_NONE when it may,
 * TL_WHY_PRODUCER (its operand's writer is not done), TL_WHY_ROOM (no
 * room in its buffer), or -1 when the cursor has no load left. */
static int w_wait(const struct sched *k)
{
	const struct sched_cursor *l = &k->lw;
	const struct plan_op *p;

	if (!l->valid)
		return -1;
	p = &k->plans[l->s.op];
	if (p->w_dep && k->ops_done < p->b_dep)
		return TL_WHY_PRODUCER;
	return fits(k, l->w_n - 1, k->w_rel, k->w_used, l->s.w_sram,
		    p->halves[1]) ? TL_WHY_NONE : TL_WHY_ROOM;
}

static int a_wait(const struct sched *k)
{
	const struct sched_cursor *l = &k->la;
	const struct plan_op *p;

	if (!l->valid)
		return -1;
	p = &k->plans[l->s.op];
	if (k->ops_done < p->a_dep)
		return TL_WHY_PRODUCER;
	return fits(k, l->a_n - 1, k->a_rel, k->a_used, l->s.a_sram,
		    p->halves[0]) ? TL_WHY_NONE : TL_WHY_ROOM;
}

/*
 * The DMA command to present next, without side effects. Stores first,
 * then of the two loads that may go the one the engine needs first; a load
 * that must wait (its producer, a buffer half) does not hold up the other
 * kind: weights depend on no earlier op and prefetch while activations
 * wait.
 */
static enum pick pick_dma(const struct sched *k, struct dma_cmd *c)
{
	int w = w_wait(k) == TL_WHY_NONE, a = a_wait(k) == TL_WHY_NONE;

	memset(c, 0, sizeof *c);
	if (k->st.valid && k->o_written > k->o_issued) {
		*c = (struct dma_cmd){ 1, DMA_STORE, k->st.s.op, k->st.s.o_dram };
		return PICK_CMD;
	}
	if (w && (!a || k->lw.seq <= k->la.seq)) {
		*c = (struct dma_cmd){ 1, DMA_LOAD_W, k->lw.s.op, k->lw.s.w_dram };
		return PICK_CMD;
	}
	if (a) {
		*c = (struct dma_cmd){ 1, DMA_LOAD_A, k->la.s.op, k->la.s.a_dram };
		return PICK_CMD;
	}
	return k->la.valid || k->lw.valid ? PICK_BLOCKED : PICK_NONE;
}

/* The op reads an operand from the chip, not through a load: it waits
 * for the ops writing it to be done. */
static int on_chip_input(const struct plan_op *p)
{
	return p->a_onchip || p->a_res || p->b_res;
}

/* The compute command to present next, without side effects; why it
 * cannot be (enum tl_cause) when blocked. */
static enum pick pick_exec(const struct sched *k, struct unit_cmd *c,
			   uint8_t *why)
{
	const struct sched_cursor *cc = &k->cc;
	const struct plan_step *s = &cc->s;

	memset(c, 0, sizeof *c);
	*why = TL_WHY_NONE;
	if (!cc->valid)
		return PICK_NONE;
	if (on_chip_input(&k->plans[s->op]) && k->ops_done < k->plans[s->op].dep) {
		*why = TL_WHY_PRODUCER;	/* its producer has not finished */
		return PICK_BLOCKED;
	}
	if (cc->a_n > k->a_loaded ||
	    (k->plans[s->op].w_load && cc->w_n > k->w_loaded)) {
		*why = TL_WHY_LOAD;
		return PICK_BLOCKED;
	}
	if (s->new_o && cc->o_n - 1 >= k->o_stored +
	    (k->plans[s->op].o_whole ? 1 : k->slots)) {
		*why = TL_WHY_OUT_HALF;
		return PICK_BLOCKED;
	}
	*c = (struct unit_cmd){ .valid = 1, .flags = s->flags, .op = s->op,
			       .rows = s->rows, .cols = s->cols,
			       .kcycles = s->kcycles, .r0 = s->r0, .c0 = s->c0,
			       .head = s->head, .k0 = s->kt * k->plans[s->op].tk,
			       .klen = s->klen,
			       .drain_cpr = s->drain_cpr, .psum = s->psum,
			       .data = k->data ? k->data + s->head * k->data_stride
					       : NULL };
	return PICK_CMD;
}

/*
 * An op is done when its last output is stored, or written back when it
 * keeps its output on chip; ops_done counts the done ops before the first
 * one that is not (an op kept on chip may be done before the stores of the
 * op before it complete).
 */
static void op_finished(struct sched *k, uint32_t op)
{
	SIM_ASSERT(op >= k->ops_done && !k->st_op[op].end, k->now, "sched");
	k->st_op[op].end = k->now + 1;
	while (k->ops_done < k->n_ops && k->st_op[k->ops_done].end)
		k->ops_done++;
}

static void store_done(struct sched *k, uint32_t op)
{
	struct op_stats *o = &k->st_op[op];

	k->o_stored++;
	o->tiles++;
	if (--o->tiles_left == 0)
		op_finished(k, op);
}

static void observe_unit(struct sched *k, const struct unit_port *u)
{
	const struct unit_cmd *r = u->rd_done, *w = u->wb_done;

	if (r->valid && (r->flags & UNIT_A_LAST))
		k->a_used -= k->a_size[k->a_rel++ % SCHED_RING];
	if (r->valid && (r->flags & UNIT_W_LAST))
		k->w_used -= k->w_size[k->w_rel++ % SCHED_RING];
	if (!w->valid)
		return;
	k->o_written += !!(w->flags & UNIT_O_LAST);
	if (--k->st_op[w->op].wb_left)
		return;
	if (k->hooks.end && k->hooks.end(k->hooks.ctx, w->op)) {
		k->failed = 1;
		k->failed_op = w->op;
	}
	if (k->plans[w->op].o_onchip || k->plans[w->op].o_res)
		op_finished(k, w->op);
}

static void observe(struct sched *k)
{
	const struct dma_cmd *d = &k->dma->done;
	int u;

	if (d->valid) {
		if (d->kind == DMA_LOAD_A)
			k->a_loaded++;
		else if (d->kind == DMA_LOAD_W)
			k->w_loaded++;
		else
			store_done(k, d->op);
	}
	for (u = 0; u < (int)k->n_units; u++)
		observe_unit(k, &k->up[u]);
}

static void dma_accepted(struct sched *k)
{
	const struct dma_cmd *c = &k->out.dma;
	struct op_stats *o = &k->st_op[c->op];

	if (o->start == UINT64_MAX)
		o->start = k->now;
	if (c->kind == DMA_STORE) {
		o->dram_wr += c->bytes;
		o->out_rd += k->st.s.o_sram;
		k->o_issued++;
		store_next(k, &k->st);
		return;
	}
	o->dram_rd += c->bytes;
	if (c->kind == DMA_LOAD_A) {
		o->act_wr += k->la.s.a_sram;
		k->a_size[(k->la.a_n - 1) % SCHED_RING] = k->la.s.a_sram;
		k->a_used += k->la.s.a_sram;
		k->la.a_sent = 1;
	} else {
		o->wgt_wr += k->lw.s.w_sram;
		o->wgt_dram += c->bytes;
		k->w_size[(k->lw.w_n - 1) % SCHED_RING] = k->lw.s.w_sram;
		k->w_used += k->lw.s.w_sram;
		k->lw.w_sent = 1;
	}
	load_next(k);
}

static void exec_accepted(struct sched *k)
{
	const struct plan_step *s = &k->cc.s;
	struct op_stats *o = &k->st_op[s->op];
	uint32_t op = s->op;

	o->macs += s->macs;
	o->dense_macs += s->dense_macs;
	o->act_rd += s->act_rd;
	o->wgt_rd += s->wgt_rd;
	o->out_wr += s->out_wr;
	o->mux_sel += s->mux_sel;
	o->reg_bits += s->reg_bits;
	nl_add(&o->nl, &s->nl);
	o->bp += s->bp_cycles;
	o->steps++;
	if (o->start == UINT64_MAX)
		o->start = k->now;
	cursor_next(k, &k->cc);
	if (k->cc.valid && k->cc.s.op != op) {
		/* the sequencer is on the next op from the next cycle: its
		 * units may wait for it (stall) from then on */
		if (k->st_op[k->cc.s.op].start == UINT64_MAX)
			k->st_op[k->cc.s.op].start = k->now + 1;
		begin_op(k);
	}
}

static int any_active(const struct sched *k)
{
	int u;

	for (u = 0; u < (int)k->n_units; u++)
		if (*k->up[u].active)
			return 1;
	return k->dma->active;
}

/* The unit the compute cursor's step goes to (0 when none is left). */
static uint32_t cur_unit(const struct sched *k)
{
	return k->cc.valid ? k->plans[k->cc.s.op].unit : 0;
}

/* Which unit's command was presented and is taken this cycle, or -1. */
static int exec_taken(const struct sched *k)
{
	int u;

	for (u = 0; u < (int)k->n_units; u++)
		if (k->out.cmd[u].valid && *k->up[u].cmd_ready)
			return u;
	return -1;
}

/* The DRAM channel idles with loads pending: the first of them by step,
 * and whether it waits for its producer or for buffer room. */
static int dram_wait(const struct sched *k, uint32_t *op)
{
	const struct sched_cursor *a = &k->la, *w = &k->lw;
	int use_w = w->valid && (!a->valid || w->seq <= a->seq);

	if (!use_w && !a->valid)
		return TL_WHY_NONE;
	*op = use_w ? w->s.op : a->s.op;
	return use_w ? w_wait(k) : a_wait(k);
}

/* The timeline's DRAM lane and counters for n cycles from now. */
static void record(struct sched *k, uint64_t n, int blocked)
{
	struct timeline *tl = k->tl;
	uint32_t op = 0;
	int why = blocked ? dram_wait(k, &op) : TL_WHY_NONE;

	tl_note(&tl->track[TL_DRAM], n, op, why ? TL_STALL : TL_IDLE, why, 0);
	tl_sample(tl, TL_CTR_ACT, k->now, (double)k->a_used / 1024);
	tl_sample(tl, TL_CTR_WGT, k->now, (double)k->w_used / 1024);
	tl_sample(tl, TL_CTR_OUT, k->now, (double)(k->o_written - k->o_stored));
	tl_dram(tl, k->now, n, k->dma->active ? n : 0);
}

static void account(struct sched *k, uint64_t n)
{
	struct dma_cmd c;
	int blocked;

	if (k->ops_done < k->n_ops)
		k->st_op[k->ops_done].attr_cycles += n;
	if (any_active(k))
		k->sram_busy += n;
	blocked = !k->dma->active && !k->out.dma.valid &&
		  pick_dma(k, &c) == PICK_BLOCKED;
	if (blocked)
		k->dma_stall += n;
	if (k->tl)
		record(k, n, blocked);
}

/* Present the compute cursor's step on its unit's port; clear the others. */
static void present_exec(struct sched *k, int taken)
{
	struct unit_cmd c;
	uint8_t why = TL_WHY_HANDOVER;
	int u, held = -1;

	for (u = 0; u < (int)k->n_units; u++)
		if (k->out.cmd[u].valid && u != taken)
			held = u;
	/* the units in use only: the arrays have room for UNIT_MAX */
	memset(k->nxt.cmd, 0, k->n_units * sizeof *k->nxt.cmd);
	memset(k->nxt.want, 0, k->n_units * sizeof *k->nxt.want);
	memset(k->nxt.why, 0, k->n_units * sizeof *k->nxt.why);
	if (held >= 0)
		k->nxt.cmd[held] = k->out.cmd[held];
	else if (pick_exec(k, &c, &why) == PICK_CMD)
		k->nxt.cmd[cur_unit(k)] = c;
	if (k->cc.valid) {
		k->nxt.want[cur_unit(k)] = k->cc.s.op + 1;
		/* a command presented waits for the unit to take it */
		k->nxt.why[cur_unit(k)] = why ? why : TL_WHY_HANDOVER;
	}
}

void sched_step(void *self, uint64_t cycle)
{
	struct sched *k = self;
	int dma_acc = k->out.dma.valid && k->dma->cmd_ready;
	int taken = exec_taken(k);

	(void)cycle;
	account(k, 1);
	observe(k);
	if (dma_acc)
		dma_accepted(k);
	if (taken >= 0)
		exec_accepted(k);
	if (k->out.dma.valid && !dma_acc)
		k->nxt.dma = k->out.dma;
	else
		pick_dma(k, &k->nxt.dma);
	present_exec(k, taken);
	k->now++;
}

void sched_commit(void *self)
{
	struct sched *k = self;

	/* the ports of the units in use only (the arrays have room for
	 * UNIT_MAX) */
	k->out.dma = k->nxt.dma;
	memcpy(k->out.cmd, k->nxt.cmd, k->n_units * sizeof *k->out.cmd);
	memcpy(k->out.want, k->nxt.want, k->n_units * sizeof *k->out.want);
	memcpy(k->out.why, k->nxt.why, k->n_units * sizeof *k->out.why);
}

uint64_t sched_horizon(const void *self)
{
	const struct sched *k = self;
	struct dma_cmd d;
	struct unit_cmd e;
	uint8_t why;
	int u, presented = 0;

	if (k->dma->done.valid || (k->out.dma.valid && k->dma->cmd_ready))
		return 1;
	for (u = 0; u < (int)k->n_units; u++) {
		if (k->up[u].rd_done->valid || k->up[u].wb_done->valid)
			return 1;
		presented |= k->out.cmd[u].valid;
	}
	if (exec_taken(k) >= 0)
		return 1;
	if (!k->out.dma.valid && pick_dma(k, &d) == PICK_CMD)
		return 1;
	if (!presented && pick_exec(k, &e, &why) == PICK_CMD)
		return 1;
	return KERN_FOREVER;
}

void sched_skip(void *self, uint64_t n)
{
	struct sched *k = self;

	account(k, n);
	k->now += n;
}

void sched_check(const void *self, uint64_t cycle)
{
	const struct sched *k = self;

	SIM_ASSERT(k->a_rel <= k->a_loaded && k->w_rel <= k->w_loaded, cycle,
		   "sched");
	SIM_ASSERT(k->o_stored <= k->o_issued && k->o_issued <= k->o_written,
		   cycle, "sched");
	SIM_ASSERT(k->la.a_n <= k->a_rel + SCHED_RING + 1 &&
		   k->lw.w_n <= k->w_rel + SCHED_RING + 1, cycle, "sched");
}
