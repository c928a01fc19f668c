/*
 * resident.c - activations kept on chip (see resident.h).
 *
 * Works on trace ops: each op that is one execution entry (not an MoE
 * layer, not a router split over two units) may keep its output in the
 * activation buffer; its readers then load nothing for it, and it stores
 * nothing. An op fused to the op before it as a pass-through (GELU on the
 * FC1 drain) writes through its producer: the producer's write-back is the
 * one that lands in the buffer. Invariant: at every op the bytes of the
 * tensors kept plus half the buffer, when the op streams its first operand,
 * fit the activation buffer.
 */
#include "resident.h"

#include <stdlib.h>
#include <string.h>

struct res {
	const struct config *cfg;
	const struct trace *t;
	const uint32_t *first;
	struct plan_op *plans;
	uint32_t n_exec;
	uint64_t cap;		/* activation buffer bytes */
	uint64_t *alive;	/* per trace op: bytes kept during it */
	uint8_t *kept;		/* per tensor: 1 when kept on chip */
	uint8_t *tried;		/* per tensor: decided (kept or not) */
};

/* One past the last execution entry of trace op i. */
static uint32_t end_of(const struct res *r, uint32_t i)
{
	return i + 1 < r->t->n_ops ? r->first[i + 1] : r->n_exec;
}

/* Trace op i's entry, or NULL when it has several (or none). */
static struct plan_op *entry(const struct res *r, uint32_t i)
{
	if (end_of(r, i) != r->first[i] + 1)
		return NULL;
	return &r->plans[r->first[i]];
}

/* An op that reads and writes through the buffers as one entry. */
static struct plan_op *plain(const struct res *r, uint32_t i)
{
	const struct op *op = &r->t->ops[i];

	if (op->kind == OP_MOE || op->kind == OP_GATE)
		return NULL;
	return entry(r, i);
}

static uint64_t out_bytes(const struct res *r, const struct op *op)
{
	uint64_t heads = op->kind == OP_MATMUL || op->kind == OP_SOFTMAX ?
			 op->heads : 1;

	return heads * op->m * op->n * (r->cfg->act_bits / 8);
}

/* Bytes tensor x takes in the buffer: its writer's whole output. */
static uint64_t tensor_bytes(const struct res *r, uint32_t x)
{
	return out_bytes(r, &r->t->ops[trace_producer(r->t, x)]);
}

/* The trace op whose write-back puts tensor x in a buffer: its producer,
 * or, for a pass-through fused to the op before, that op; -1 if none. */
static int32_t writer(const struct res *r, uint32_t x)
{
	int32_t p = trace_producer(r->t, x);
	const struct plan_op *e;

	while (p >= 0 && (e = plain(r, (uint32_t)p)) && e->a_onchip &&
	       e->o_onchip)
		p--;
	if (p < 0 || !(e = plain(r, (uint32_t)p)) || e->o_onchip)
		return -1;
	return p;
}

/* The activation buffer op i needs to stream its first operand from DRAM
 * as first planned (both halves), or 0 when it streams nothing. An op of
 * several entries (MoE) may use all of it. */
static uint64_t reserve(const struct res *r, uint32_t i)
{
	const struct plan_op *e = plain(r, i);
	const struct op *op = &r->t->ops[i];

	uint64_t slots = r->cfg->double_buffer ? 2 : 1;

	if (!e)
		return r->cap;
	/* an input not decided yet counts as kept (the repair pass below
	 * checks what that assumed) */
	if (e->a_onchip || (op->n_in && (r->kept[op->in[0]] ||
					 !r->tried[op->in[0]])))
		return 0;
	if (!e->uc->map_estimate)	/* a row op: an array's height of rows */
		return slots * plan_min32(e->tm, r->cfg->rows) * e->tk * e->ab;
	return slots * e->tm * e->tk * e->ab;
}

/* A row op (LayerNorm, add, GELU, softmax) writes each row where it read
 * it: a tensor it reads last shares its space with what it writes. */
static int in_place(const struct res *r, uint32_t i)
{
	const struct plan_op *e = plain(r, i);

	return e && !e->uc->map_estimate;
}

/* Every reader of tensor x takes it from the buffer (none fused). */
static int readers_take(const struct res *r, uint32_t x, uint32_t from,
			uint32_t to)
{
	uint32_t i, j;

	for (i = from; i <= to; i++) {
		const struct op *op = &r->t->ops[i];

		for (j = 0; j < op->n_in; j++) {
			const struct plan_op *e;

			if (op->in[j] != x)
				continue;
			e = plain(r, i);
			if (!e || (j == 0 && e->a_onchip))
				return 0;
		}
	}
	return 1;
}

/* DRAM bytes tensor x costs when it is not kept: one store, one load per
 * reading op. */
static uint64_t saved(const struct res *r, uint32_t x)
{
	int32_t p = trace_producer(r->t, x), last = trace_last_reader(r->t, x);
	uint64_t n = 1;
	uint32_t i, j;

	if (p < 0 || last < p)
		return 0;
	for (i = (uint32_t)p + 1; i <= (uint32_t)last; i++)
		for (j = 0; j < r->t->ops[i].n_in; j++)
			if (r->t->ops[i].in[j] == x) {
				n++;
				break;
			}
	return n * tensor_bytes(r, x);
}

/* The ops during which tensor x takes room when kept: its writer to its
 * last reader, less that reader when it works in place. */
static void span(const struct res *r, uint32_t x, uint32_t *from,
		 uint32_t *to)
{
	int32_t last = trace_last_reader(r->t, x);

	*from = (uint32_t)writer(r, x);
	*to = (uint32_t)last - (in_place(r, (uint32_t)last) ? 1 : 0);
}

/* Undo the keeping of x. */
static void drop(struct res *r, uint32_t x)
{
	uint32_t i, from, to;
	uint64_t size = tensor_bytes(r, x);

	span(r, x, &from, &to);
	for (i = from; i <= to; i++)
		r->alive[i] -= size;
	r->kept[x] = 0;
}

/*
 * Where an op streams after all (an input assumed kept was not), make room
 * for its streaming: drop the kept tensor there that saves the least,
 * until it fits.
 */
static void repair(struct res *r)
{
	uint32_t i, x, from, to;

	for (i = 0; i < r->t->n_ops; i++)
		while (r->alive[i] + reserve(r, i) > r->cap) {
			uint32_t worst = UINT32_MAX;

			for (x = 0; x < r->t->n_tensors; x++) {
				if (!r->kept[x])
					continue;
				span(r, x, &from, &to);
				if (from <= i && i <= to &&
				    (worst == UINT32_MAX ||
				     saved(r, x) < saved(r, worst)))
					worst = x;
			}
			if (worst == UINT32_MAX)
				break;
			drop(r, worst);
		}
}

static void decide(struct res *r, uint32_t x)
{
	int32_t p = writer(r, x), last = trace_last_reader(r->t, x);
	uint64_t size;
	uint32_t i, from, to;

	if (p < 0 || last <= p || !readers_take(r, x, (uint32_t)p + 1,
						 (uint32_t)last))
		return;
	size = tensor_bytes(r, x);
	span(r, x, &from, &to);
	r->tried[x] = 1;
	r->kept[x] = 1;	/* its readers stream nothing for it */
	for (i = from; i <= to; i++)
		if (r->alive[i] + size + reserve(r, i) > r->cap) {
			r->kept[x] = 0;
			return;
		}
	for (i = from; i <= to; i++)
		r->alive[i] += size;
}

struct rank {
	uint64_t saved;
	uint32_t op;
};

/* Most saved first, then in the order written. */
static int by_saving(const void *a, const void *b)
{
	const struct rank *x = a, *y = b;

	if (x->saved != y->saved)
		return x->saved > y->saved ? -1 : 1;
	return x->op < y->op ? -1 : x->op > y->op;
}

/* 1 + the last entry of the op writing input j of trace op i, 0 if none. */
static uint32_t dep_in(const struct res *r, uint32_t i, uint32_t j)
{
	int32_t q = j < r->t->ops[i].n_in ?
		    trace_producer(r->t, r->t->ops[i].in[j]) : -1;

	return q >= 0 ? end_of(r, (uint32_t)q) : 0;
}

/* 1 + the last entry of the ops writing what trace op i reads; for the
 * later entries of a multi-entry op, the entry before. */
static uint32_t dep_of(const struct res *r, uint32_t i)
{
	const struct op *op = &r->t->ops[i];
	uint32_t d = 0, j, e;

	for (j = 0; j < op->n_in; j++)
		if ((e = dep_in(r, i, j)) > d)
			d = e;
	/* an MoE layer takes its routing from the router just before it */
	if (op->kind == OP_MOE && i > 0 && r->t->ops[i - 1].kind == OP_GATE &&
	    r->first[i] > d)
		d = r->first[i];
	return d;
}

/* Each entry's dependencies: an op of one entry loads each operand as soon
 * as that operand's writer is done; the entries of a multi-entry op wait
 * for everything (and for the entry before). */
static void set_deps(struct res *r, uint32_t i)
{
	uint32_t x;

	for (x = r->first[i]; x < end_of(r, i); x++) {
		struct plan_op *p = &r->plans[x];

		p->dep = x == r->first[i] ? dep_of(r, i) : x;
		p->a_dep = p->b_dep = p->dep;
	}
	if (plain(r, i)) {
		r->plans[r->first[i]].a_dep = dep_in(r, i, 0);
		r->plans[r->first[i]].b_dep = dep_in(r, i, 1);
	}
}

static int apply(struct res *r, uint32_t i, struct sim_err *err)
{
	const struct op *op = &r->t->ops[i];
	const struct config *c = r->cfg;
	struct plan_op *e = plain(r, i);
	uint64_t s[3];

	set_deps(r, i);
	if (!e)
		return 0;
	if (c->map_force.valid) {	/* a mapper trial: as the real op */
		e->a_res = c->map_force.a_res;
		e->b_res = c->map_force.b_res;
		e->o_res = c->map_force.o_res;
	} else {
		e->a_res = op->n_in > 0 && r->kept[op->in[0]] && !e->a_onchip;
		e->b_res = op->n_in > 1 && r->kept[op->in[1]];
	}
	plan_halves(c, s);
	/* what the kept tensors leave of the buffer streams the rest; an op
	 * that streams no first operand (kept, or fed by its neighbour) loads
	 * nothing into it, and its tiles are sized as without residency */
	if (reserve(r, i))
		s[0] = (r->cap - r->alive[i]) / (c->double_buffer ? 2 : 1);
	if (!e->a_res && !e->b_res && !e->o_res && r->alive[i] == 0)
		return 0;
	return plan_op_again(c, r->t, e, s, err);
}

/* Decide in the given order of trace ops (their outputs), repair, and
 * return the DRAM bytes the kept tensors save. */
static uint64_t pack(struct res *r, const struct rank *order)
{
	uint32_t i;
	uint64_t sum = 0;

	memset(r->alive, 0, (r->t->n_ops ? r->t->n_ops : 1) * sizeof *r->alive);
	memset(r->kept, 0, r->t->n_tensors ? r->t->n_tensors : 1);
	memset(r->tried, 0, r->t->n_tensors ? r->t->n_tensors : 1);
	for (i = 0; i < r->t->n_ops; i++)
		decide(r, r->t->ops[order[i].op].out);
	for (i = 0; i < r->t->n_tensors; i++)
		r->tried[i] = 1;
	repair(r);
	for (i = 0; i < r->t->n_tensors; i++)
		if (r->kept[i])
			sum += saved(r, i);
	return sum;
}

int resident_plan(const struct config *cfg, const struct trace *t,
		  const uint32_t *first, struct plan_op *plans, uint32_t n_exec,
		  struct sim_err *err)
{
	struct res r = { cfg, t, first, plans, n_exec,
			 (uint64_t)cfg->act_kib * 1024, NULL, NULL, NULL };
	uint32_t i, n = (uint32_t)(t->n_ops ? t->n_ops : 1);
	struct rank *order = NULL, *dense = NULL;
	int rc = 0;

	r.alive = calloc(n, sizeof *r.alive);
	r.kept = calloc(t->n_tensors ? t->n_tensors : 1, 1);
	r.tried = calloc(t->n_tensors ? t->n_tensors : 1, 1);
	order = malloc(n * sizeof *order);
	dense = malloc(n * sizeof *dense);
	if (!r.alive || !r.kept || !r.tried || !order || !dense) {
		rc = err_set(err, t->path, 0, "", "out of memory");
		goto out;
	}
	/*
	 * Two greedy packings, kept the one that saves more: the tensors that
	 * save the most DRAM bytes first, and those that save the most per
	 * byte of buffer and op they hold it for (several small ones can beat
	 * a large one).
	 */
	for (i = 0; i < t->n_ops; i++) {
		uint32_t x = t->ops[i].out, from, to;
		uint64_t sv = saved(&r, x), hold = 1;

		if (sv && writer(&r, x) >= 0 && trace_last_reader(t, x) >
		    writer(&r, x)) {
			span(&r, x, &from, &to);
			hold = tensor_bytes(&r, x) * (to - from + 1);
		}
		order[i] = (struct rank){ sv, i };
		dense[i] = (struct rank){ sv * 1024 / hold, i };
	}
	qsort(order, t->n_ops, sizeof *order, by_saving);
	qsort(dense, t->n_ops, sizeof *dense, by_saving);
	if (!cfg->map_force.valid && pack(&r, dense) > pack(&r, order))
		pack(&r, dense);
	else if (!cfg->map_force.valid)
		pack(&r, order);
	for (i = 0; i < t->n_tensors; i++)	/* its writer keeps it */
		if (r.kept[i])
			plain(&r, (uint32_t)writer(&r, i))->o_res = 1;
	for (i = 0; i < t->n_ops && rc == 0; i++)
		rc = apply(&r, i, err);
out:
	free(order);
	free(dense);
	free(r.alive);
	free(r.kept);
	free(r.tried);
	return rc;
}
