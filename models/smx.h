/*
 * smx.h - the softmax unit.
 *
 * lanes scores per cycle. Timing of one tile of `rows` rows of n scores,
 * c = ceil(n / lanes), E = exp_latency, R = recip_latency, V = div_latency,
 * D = dividers:
 *   threepass  rows * 3c + E + R                  max, exp-and-sum, normalize
 *   online     rows * (2c + max(0, R - c)) + min(R, c) + E
 *   ita        rows * (2c + max(0, ceil(V/D) - c)) + min(ceil(V/D), c) + E
 * online and ita read a row once to build max and denominator and once to
 * emit probabilities; the reciprocal (or a division from the pool) of one
 * row overlaps the first pass of the next. When fused with the engine
 * (softmax.fused), the first pass rides on the engine's drain of Q.K^T and
 * the second on A.V's operand fetch: see docs/models.md. The arithmetic is
 * models/smx_ref.c.
 */
#ifndef MODELS_SMX_H
#define MODELS_SMX_H

#include <stdint.h>

#include "fu.h"
#include "nl.h"
#include "smx_ref.h"

struct smx_params {
	uint32_t lanes;		/* scores per cycle */
	enum smx_algo algo;	/* algorithm */
	uint32_t exp_latency;	/* cycles */
	uint32_t recip_latency;	/* cycles */
	uint32_t dividers;	/* ita: serial dividers */
	uint32_t div_latency;	/* ita: cycles per division */
};

/* Busy cycles of one tile (not fused). */
uint64_t smx_cycles(const struct smx_params *p, uint64_t rows, uint64_t n);
/*
 * Busy cycles of one tile when fused with the engine: the first pass has
 * already run on Q.K^T's drain, and for online and ita the output pass runs
 * on A.V's operand fetch, so what is left is
 *   online     R + E          the last row's reciprocal
 *   ita        ceil(V/D) + E  the last row's division
 *   threepass  rows * 2c + E + R   exp-and-sum and normalize passes
 */
uint64_t smx_fused_cycles(const struct smx_params *p, uint64_t rows,
			  uint64_t n);
/* Actions of one tile. */
void smx_count(const struct smx_params *p, uint64_t rows, uint64_t n,
	       struct nl_actions *a);

/* Functional work of one op: rows of n int8 scores into uint8 probabilities. */
struct smx_job {
	struct fu_job base;	/* must be first */
	enum smx_algo algo;
	struct smx_fmt fmt;
	const int8_t *x;	/* scores */
	uint8_t *p;		/* probabilities */
	uint32_t n;		/* row length */
};

void smx_job_init(struct smx_job *j);

#endif
