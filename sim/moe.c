/*
 * moe.c - MoE routing and expansion (see moe.h).
 *
 * Routing sources (docs/trace-format.md): uniform, zipf (expert i drawn
 * with weight 1 / (i + 1)^(skew / 100)), hot (skew % of the draws among
 * experts 0..hot-1), computed (x W_gate on seeded int8 data, top-k of the
 * logits: softmax keeps their order), list (the trace's assign= key),
 * balanced (internal, the baseline of the imbalance figure). A token's k experts are distinct: each draw is
 * made among the experts the token does not have yet. Capacity keeps the
 * first ceil(capacity% * tokens * k / experts) tokens of each expert in
 * token order and drops the rest.
 */
#include "moe.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "stream.h"
#include "../models/gate.h"

struct rng {
	uint64_t s;
};

static uint64_t next(struct rng *g)
{
	return stream_next(&g->s);
}

/* Uniform double in [0, 1). */
static double unit(struct rng *g)
{
	return (double)(next(g) >> 11) / 9007199254740992.0;
}

static double weight(const struct op *op, uint32_t e, int hot_side)
{
	switch (op->routing) {
	case ROUTE_ZIPF:
		return 1.0 / pow(e + 1.0, op->skew / 100.0);
	case ROUTE_HOT:
		return (e < op->hot) == hot_side ? 1.0 : 0.0;
	default:
		return 1.0;
	}
}

/* One draw among the experts not yet taken; -1 if none has weight. */
static int draw(const struct op *op, const uint8_t *taken, int hot_side,
		struct rng *g)
{
	double sum = 0, x;
	uint32_t e;

	for (e = 0; e < op->experts; e++)
		sum += taken[e] ? 0 : weight(op, e, hot_side);
	if (sum <= 0)
		return -1;
	x = unit(g) * sum;
	for (e = 0; e < op->experts; e++) {
		double w = taken[e] ? 0 : weight(op, e, hot_side);

		if (w > 0 && x < w)
			return (int)e;
		x -= w;
	}
	for (e = op->experts; e-- > 0;)	/* rounding: the last candidate */
		if (!taken[e] && weight(op, e, hot_side) > 0)
			return (int)e;
	return -1;
}

static void route_sampled(const struct op *op, struct rng *g, uint16_t *choice)
{
	uint8_t *taken = calloc(op->experts, 1);
	uint32_t t, j;

	for (t = 0; t < op->m && taken; t++) {
		memset(taken, 0, op->experts);
		for (j = 0; j < op->topk; j++) {
			int hot = op->routing == ROUTE_HOT &&
				  unit(g) * 100 < op->skew;
			int e = draw(op, taken, hot, g);

			if (e < 0)	/* that side is exhausted: the other */
				e = draw(op, taken, !hot, g);
			taken[e] = 1;
			choice[(uint64_t)t * op->topk + j] = (uint16_t)e;
		}
	}
	free(taken);
}

void moe_data(const struct op *op, uint64_t stream, int8_t *x, int8_t *w)
{
	struct rng g = { stream };
	uint64_t i;

	for (i = 0; i < (uint64_t)op->m * op->k; i++)
		x[i] = (int8_t)next(&g);
	for (i = 0; i < (uint64_t)op->k * op->experts; i++)
		w[i] = (int8_t)next(&g);
}

/* The router on seeded int8 tokens and weights; top-k of the logits. */
static int route_computed(const struct op *op, uint64_t stream,
			  uint16_t *choice)
{
	int8_t *x = malloc((uint64_t)op->m * op->k);
	int8_t *w = malloc((uint64_t)op->k * op->experts);
	int32_t *l = malloc(op->experts * sizeof *l);
	uint32_t t, e, d;

	if (!x || !w || !l) {
		free(x);
		free(w);
		free(l);
		return -1;
	}
	moe_data(op, stream, x, w);
	for (t = 0; t < op->m; t++) {
		for (e = 0; e < op->experts; e++) {
			int32_t s = 0;

			for (d = 0; d < op->k; d++)
				s += x[(uint64_t)t * op->k + d] *
				     w[(uint64_t)d * op->experts + e];
			l[e] = s;
		}
		gate_topk(l, op->experts, op->topk,
			  choice + (uint64_t)t * op->topk);
	}
	free(x);
	free(w);
	free(l);
	return 0;
}

/* Token t to experts (t*k + j) mod A: every one of the first A experts
 * (A = op->hot, or all) gets T*k/A tokens, give or take one. */
static void route_balanced(const struct op *op, uint16_t *choice)
{
	uint32_t t, j, a = op->hot && op->hot >= op->topk ? op->hot : op->experts;

	for (t = 0; t < op->m; t++)
		for (j = 0; j < op->topk; j++)
			choice[(uint64_t)t * op->topk + j] =
				(uint16_t)(((uint64_t)t * op->topk + j) % a);
}

/* Per-expert token lists, capped by capacity, in token order. */
static int queues(const struct op *op, struct moe_route *r)
{
	uint64_t cap = op->capacity ?
		(uint64_t)ceil(op->capacity / 100.0 * op->m * op->topk /
			       op->experts) : op->m;
	uint32_t t, j, e;

	r->list = calloc(op->experts, sizeof *r->list);
	if (!r->list)
		return -1;
	for (e = 0; e < op->experts; e++)
		if (!(r->list[e] = malloc(((uint64_t)op->m + 1) * sizeof **r->list)))
			return -1;
	for (t = 0; t < op->m; t++)
		for (j = 0; j < op->topk; j++) {
			e = r->choice[(uint64_t)t * op->topk + j];
			if (r->kept[e] < cap)
				r->list[e][r->kept[e]++] = t;
			else
				r->dropped++;
		}
	return 0;
}

int moe_route(const struct config *cfg, const struct trace *t,
	      const struct op *op, uint64_t seed, uint32_t task,
	      struct moe_route *r)
{
	struct rng g = { stream_mix(seed) ^ stream_mix(task + 0x51ull) };
	int rc = 0;

	(void)cfg;
	memset(r, 0, sizeof *r);
	r->stream = g.s;
	r->tokens = op->m;
	r->experts = op->experts;
	r->topk = op->topk;
	r->choice = calloc((uint64_t)op->m * op->topk, sizeof *r->choice);
	r->kept = calloc(op->experts, sizeof *r->kept);
	if (!r->choice || !r->kept)
		return -1;
	if (op->routing == ROUTE_COMPUTED)
		rc = route_computed(op, r->stream, r->choice);
	else if (op->routing == ROUTE_LIST)	/* checked by the reader */
		memcpy(r->choice, t->assign + op->assign_off,
		       (uint64_t)op->m * op->topk * sizeof *r->choice);
	else if (op->routing == ROUTE_BALANCED)
		route_balanced(op, r->choice);
	else
		route_sampled(op, &g, r->choice);
	return rc ? rc : queues(op, r);
}

void moe_route_free(struct moe_route *r)
{
	uint32_t e;

	if (r->list)
		for (e = 0; e < r->experts; e++)
			free(r->list[e]);
	free(r->list);
	free(r->choice);
	free(r->kept);
	memset(r, 0, sizeof *r);
}

/* A part of the MoE op: a synthetic op of kind k planned as entry x->n. */
static struct plan_op *part(const struct config *cfg, const struct trace *t,
			    uint32_t opi, enum op_kind k, uint32_t m,
			    uint32_t kk, uint32_t n, struct plan_list *x,
			    struct sim_err *err)
{
	struct op o = t->ops[opi];

	o.kind = k;
	o.m = m;
	o.k = kk;
	o.n = n;
	o.heads = 1;
	if (k != OP_GEMM)
		o.nm_n = o.nm_m = 1;
	return plan_list_op(x, cfg, t, &o, opi, err);
}

/*
 * FC1, GELU, FC2 and scatter-accumulate of one expert on `rows` tokens.
 * Entries are marked by index: adding one may move the list.
 */
static int expert(const struct config *cfg, const struct trace *t,
		  uint32_t opi, uint32_t e, uint32_t lo, uint32_t hi,
		  uint32_t rows, struct plan_list *x, struct sim_err *err)
{
	const struct op *o = &t->ops[opi];
	size_t fc1 = x->n, fc2 = x->n + 2, sc = x->n + 3, i;

	if (!part(cfg, t, opi, OP_GEMM, rows, o->k, o->n, x, err) ||
	    !part(cfg, t, opi, OP_GELU, rows, 0, o->n, x, err) ||
	    !part(cfg, t, opi, OP_GEMM, rows, o->n, o->k, x, err) ||
	    !part(cfg, t, opi, OP_MOE, rows, 0, o->k, x, err))
		return -1;
	for (i = 0; i < 4; i++) {
		x->p[fc1 + i].moe = (struct moe_part){ MOE_FC1 + (uint32_t)i,
						       e, lo, hi };
	}
	x->p[fc1].a_gather = 1;
	/* FC2 drains into the accumulate; out rows are gathered, scattered */
	x->p[fc2].o_onchip = 1;
	x->p[fc2].drain_lanes = cfg->vec_lanes;
	x->p[sc].a_onchip = 1;
	x->p[sc].w_gather = 1;
	x->p[sc].o_scatter = 1;
	return 0;
}

/* Tokens of expert e with ids in [lo, hi). */
static uint32_t in_block(const struct moe_route *r, uint32_t e, uint32_t lo,
			 uint32_t hi)
{
	uint32_t i, n = 0;

	for (i = 0; i < r->kept[e]; i++)
		n += r->list[e][i] >= lo && r->list[e][i] < hi;
	return n;
}

int moe_expand(const struct config *cfg, const struct trace *t, uint32_t opi,
	       const struct moe_route *r, struct plan_list *x,
	       struct sim_err *err)
{
	uint32_t e, lo, block = cfg->moe_order == CFG_MOE_TOKEN ?
				cfg->moe_token_block : r->tokens;

	for (lo = 0; lo < r->tokens; lo += block) {
		uint32_t hi = r->tokens - lo < block ? r->tokens : lo + block;

		for (e = 0; e < r->experts; e++) {
			uint32_t n = in_block(r, e, lo, hi);

			if (n && expert(cfg, t, opi, e, lo, hi, n, x, err))
				return -1;
		}
	}
	return 0;
}
