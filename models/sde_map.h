/*
 * sde_map.h - the engine's tilings (docs/models.md, "Mapper"): the fixed
 * rule, the candidates the mapper searches, whether one fits the buffer
 * halves, and its estimated DRAM bytes, cycles and energy.
 *
 * A tiling is an SRAM tile tm x tn x tk (tm a multiple of the array's rows
 * or all of m, tn of its cols or all of n, tk of the M-group or all of k),
 * a loop order (m or n tiles outer) and where a k-split op keeps its sums:
 * in the PE accumulators (the array tile streams every k-slice, its
 * operands reloaded per array tile) or, with psum, in the out buffer at
 * 32 bits (every array tile of the SRAM tile per k-slice, operands loaded
 * once per SRAM tile). Invariant: an applied tiling's loads fit their
 * buffer halves.
 */
#ifndef MODELS_SDE_MAP_H
#define MODELS_SDE_MAP_H

#include <stdint.h>

#include "../sim/config.h"
#include "../sim/map.h"
#include "../sim/plan.h"

/* Bytes of the second operand's block of klen x cols as stored: N:M
 * compressed weights, or a matmul's B row-major. */
uint64_t sde_w_bytes(const struct plan_op *p, uint64_t klen, uint64_t cols);
/* The fixed rule: tk = k when an array tile's operands over all of k fit,
 * then the outer loop's operand grown as far as its buffer allows; else
 * array-sized tiles over k-slices. 0, or -1 when not even one array tile
 * over one M-group fits (the caller names the buffer). */
int sde_map_fixed(struct plan_op *p, const uint64_t *s);
/* Plan p with tiling c; 0 if its loads fit the halves s, else -1 (p then
 * holds c, unusable). */
int sde_map_apply(struct plan_op *p, const struct cfg_map_force *c,
		  const uint64_t *s);
/* Up to max tilings of p's op that fit s, into out; returns how many. */
uint32_t sde_map_candidates(const struct plan_op *p, const uint64_t *s,
			    int greedy, struct cfg_map_force *out, uint32_t max);
/* The closed-form cost of p's tiling: exact DRAM bytes, cycles from a
 * pipeline of its SRAM tiles through the DMA channel and the array, and
 * the energy of those bytes, buffer writes and leakage over the cycles. */
void sde_map_estimate(const struct config *cfg, const struct plan_op *p,
		      struct map_cost *c);

#endif
