/*
 * vec.h - the vector unit: GELU, LayerNorm and residual add.
 *
 * lanes elements per cycle through a pipeline of `latency` stages. Timing
 * of one tile of `rows` rows of n elements, c = ceil(n / lanes):
 *   gelu, add, scatter   ceil(rows * n / lanes) + latency
 *   layernorm   rows * (2c + max(0, Q - c)) + min(Q, c) + latency
 * where LayerNorm reads each row twice (statistics, then normalize) and the
 * inverse square root (Q = isqrt_latency cycles) of one row overlaps the
 * statistics pass of the next. The arithmetic is models/vec_ref.c.
 */
#ifndef MODELS_VEC_H
#define MODELS_VEC_H

#include <stdint.h>

#include "fu.h"
#include "nl.h"
#include "vec_ref.h"

enum vec_kind {
	VEC_K_GELU = 0,
	VEC_K_LAYERNORM,
	VEC_K_ADD,
	VEC_K_SCATTER	/* MoE: out[t] += g * y[t] on gathered rows */
};

struct vec_params {
	uint32_t lanes;		/* elements per cycle */
	uint32_t latency;	/* pipeline stages */
	uint32_t isqrt_latency;	/* cycles of one inverse square root */
	enum vec_gelu gelu;	/* GELU method */
};

/* Busy cycles of one tile. */
uint64_t vec_cycles(const struct vec_params *p, enum vec_kind k,
		    uint64_t rows, uint64_t n);
/* Actions of one tile. */
void vec_count(const struct vec_params *p, enum vec_kind k, uint64_t rows,
	       uint64_t n, struct nl_actions *a);

/* Functional work of one op: rows of n int8 values. */
struct vec_job {
	struct fu_job base;		/* must be first */
	enum vec_kind kind;
	enum vec_gelu gelu;
	struct vec_fmt fmt;
	const int8_t *a, *b;		/* inputs (b: add only) */
	int8_t *y;			/* output */
	uint32_t n;			/* row length */
	/* scatter-accumulate: acc[tok[r]] += g[r] * a[r], rows of n */
	const uint32_t *tok;		/* token of each row */
	const uint8_t *g;		/* gate score of each row, real = g / 256 */
	int32_t *acc;			/* the layer's output accumulators */
};

void vec_job_init(struct vec_job *j);

#endif
