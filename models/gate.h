/*
 * gate.h - the MoE gate unit: router logits, softmax over experts, top-k.
 *
 * Follows M3ViT / Edge-MoE (REFERENCE.md sections 2 and 3): logits = x W_gate
 * (no bias, one W_gate per task), softmax over all E experts, top-k by
 * sorted insertion. Tokens stream through three pipelined stages:
 *   logits   ceil(D * E / gemv_width) cycles per token (dedicated GEMV), or
 *            0 when the engine computed them (datapath = engine)
 *   softmax  one row of E on the softmax unit's algorithm (models/smx.h)
 *   top-k    ceil(E / sorters) cycles per token: a k-entry sorted register
 *            file taking `sorters` candidates a cycle, in expert order, through
 *            a chain of insertion cells (the same result as one a cycle)
 * A tile of T tokens takes T * max(stage) + (sum of stages - max(stage)):
 * the slowest stage sets the rate, the others fill and drain the pipeline
 * (rtl/gate.v: three token slots keep the stages from waiting on one
 * another beyond that).
 */
#ifndef MODELS_GATE_H
#define MODELS_GATE_H

#include <stdint.h>

#include "fu.h"
#include "nl.h"
#include "smx.h"

#define GATE_TOPK_MAX 8
#define GATE_E_MAX 1024	/* most experts a gate op */

struct gate_params {
	uint32_t gemv_width;	/* MACs per cycle of the logits datapath, 0 = on the engine */
	uint32_t sorters;	/* parallel insertion sorters */
	struct smx_params smx;	/* softmax over the experts */
};

/* The three stage times of one token, cycles. */
void gate_stages(const struct gate_params *p, uint64_t d, uint64_t e,
		 uint64_t *logits, uint64_t *softmax, uint64_t *topk);
/* Busy cycles of a tile of t tokens, d wide, e experts. */
uint64_t gate_cycles(const struct gate_params *p, uint64_t t, uint64_t d,
		     uint64_t e);
/* Actions of a tile (the logits' MACs are counted as 16-bit multiplies). */
void gate_count(const struct gate_params *p, uint64_t t, uint64_t d,
		uint64_t e, uint64_t k, struct nl_actions *a);

/*
 * Top-k of v[0..e-1] by sorted insertion, the hardware's order: candidates
 * enter in index order and one displaces an entry only if strictly
 * greater, so among equal values the lower index wins. idx[0..k-1] gets
 * the winners, best first.
 */
void gate_topk(const int32_t *v, uint32_t e, uint32_t k, uint16_t *idx);

/* Functional work of a gate op: per token, logits x W_gate (int32), the
 * logits requantized to int8 (shift), softmax over the experts, top-k of
 * the logits, and the winners' probabilities. */
struct gate_job {
	struct fu_job base;	/* must be first */
	const int8_t *x;	/* tokens x d */
	const int8_t *w;	/* d x e */
	uint16_t *idx;		/* tokens x k chosen experts */
	uint8_t *score;		/* tokens x k their probabilities, real = p / 256 */
	uint32_t d, e, k, shift;
	enum smx_algo algo;
	struct smx_fmt fmt;
};

void gate_job_init(struct gate_job *j);
/* The logits' requantization shift for tokens d wide: 7 + ceil(log2 d) / 2
 * rounded up, so that the int8 scores keep the spread of a sum of d
 * products of int8 values. */
uint32_t gate_shift(uint32_t d);
/* Token t of a job (j->e <= GATE_E_MAX): its int32 logits[0..e-1], its
 * top-k experts idx[0..k-1] best first and their probabilities score[]. */
void gate_token(const struct gate_job *j, uint32_t t, int32_t *logits,
		uint16_t *idx, uint8_t *score);

#endif
