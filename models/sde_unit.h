/*
 * sde_unit.h - the sparse-dense engine as a unit of the simulator: its
 * class (models/sde_unit.c: tiling, step time and actions, energy, kernel
 * hooks) and its functional part (models/sde_func.c), which the MoE parts
 * (sim/moe_func.c) reuse for their FC1 and FC2.
 */
#ifndef MODELS_SDE_UNIT_H
#define MODELS_SDE_UNIT_H

#include <stddef.h>
#include <stdint.h>

#include "../sim/unit.h"

struct func;
struct func_op;
struct plan_op;

extern const struct unit_class sde_unit;

/* Functional part: entry x's operands (one struct sde_data per head). */
const void *sde_func_begin(struct func *f, uint32_t x, size_t *stride);
/* Allocate the operands of an engine op (sparse: also
 * the compressed weights); 0, or -1 (nothing is left allocated). */
int sde_func_alloc(struct func_op *o, const struct plan_op *p);
/* Point each head's struct sde_data at o's tensors. */
void sde_func_bind(struct func_op *o, const struct plan_op *p, uint32_t bits);
/* The engine's outputs of entry x against golden_gemm, head by head. */
int sde_func_check(struct func *f, uint32_t x);
/* Entry x's tensors as NAME.{a,w,acc,out[,wval,widx]}.npy. */
int sde_func_dump(struct func *f, uint32_t x, const char *name);

#endif
