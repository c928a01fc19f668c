/*
 * moe.h - mixture-of-experts layers: routing and expansion into parts.
 *
 * An `moe` op is routed (each token to top-k distinct experts), capped by
 * the capacity factor, and expanded into parts the scheduler runs like any
 * other op: per active expert FC1 (tokens gathered from DRAM), GELU, FC2
 * and a scatter-accumulate out[t] += g * y[t] on the vector unit fed by
 * FC2's drain. Expert-major order runs each active expert once, so its
 * weights are fetched once per layer and the next expert's weights prefetch
 * while this one computes; the token-major baseline runs blocks of tokens
 * and fetches every expert active in a block again for that block.
 * Invariant: every kept (token, expert) pair appears in exactly one part.
 */
#ifndef SIM_MOE_H
#define SIM_MOE_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "trace.h"

struct plan_list;

/*
 * The basis of the MoE hashes (an op name's routing stream, a layer's
 * output digest), with hash_bytes / hash_word of sim/lib/hash.h. It is the
 * FNV-1a offset basis as stasim has always written it, one digit short
 * (HASH_FNV_INIT is 14695981039346656037); changing it would change every
 * MoE routing and digest in the reports.
 */
#define MOE_HASH_BASIS 1469598103934665603ull

/* Roles of an MoE part (struct moe_part.role). */
enum moe_role { MOE_NONE = 0, MOE_FC1, MOE_GELU, MOE_FC2, MOE_SCATTER };

/* What an execution entry is of its MoE layer (all 0: not a part). */
struct moe_part {
	uint32_t role;		/* enum moe_role */
	uint32_t expert;	/* its expert */
	uint32_t lo, hi;	/* its tokens are the expert's in [lo, hi) */
};

struct moe_route {
	uint64_t stream;	/* the op's data stream: router data, expert weights */
	uint32_t tokens, experts, topk;
	uint16_t *choice;	/* tokens x topk expert indices, best first */
	uint32_t *kept;		/* per expert: tokens kept after capacity */
	uint32_t dropped;	/* (token, expert) pairs over capacity */
	uint32_t **list;	/* per expert: kept token ids, ascending */
};

/* What the report says about one MoE layer (and its routing, kept for
 * functional mode). */
struct moe_info {
	struct moe_route route;		/* token -> expert assignment */
	uint64_t out_hash;		/* functional: hash of the layer's int32 output */
	uint32_t experts, active, dropped, topk;
	uint32_t *tokens;		/* per expert, after capacity */
	uint64_t weight_bytes;		/* expert weight bytes loaded from DRAM */
	uint64_t gating_cycles;		/* cycles of the gate op before it, if any */
	uint64_t imbalance_cycles;	/* cycles above a balanced routing */
	int order;			/* enum cfg_moe_order */
};

/*
 * Route op (an OP_MOE of trace t, whose pool holds routing=list lists)
 * with routing source op->routing, drawing from seed and task. Returns 0,
 * or -1 when out of memory.
 */
int moe_route(const struct config *cfg, const struct trace *t,
	      const struct op *op, uint64_t seed, uint32_t task,
	      struct moe_route *r);
void moe_route_free(struct moe_route *r);

/*
 * Append the parts of trace op opi (an OP_MOE routed as r) to x, in
 * cfg's order, planned on x's units. Returns 0, or -1 with err.
 */
int moe_expand(const struct config *cfg, const struct trace *t, uint32_t opi,
	       const struct moe_route *r, struct plan_list *x,
	       struct sim_err *err);

/*
 * The router's seeded data for op: x (m x k tokens) and w (k x experts),
 * int8, from stream. The functional MoE takes the same tokens as input.
 */
void moe_data(const struct op *op, uint64_t stream, int8_t *x, int8_t *w);

#endif
