/*
 * vec_unit.h - the vector unit (GELU, LayerNorm, add, MoE's
 * scatter-accumulate) as a unit of the simulator: its parameters in a
 * plan_op, its class (models/vec_unit.c) and its functional part
 * (models/vec_func.c), which the MoE parts (sim/moe_func.c) reuse.
 */
#ifndef MODELS_VEC_UNIT_H
#define MODELS_VEC_UNIT_H

#include <stddef.h>
#include <stdint.h>

#include "vec.h"
#include "../sim/plan.h"

struct func;

/* A vector op's parameters (plan_op.params). */
struct vec_op {
	enum vec_kind kind;	/* which operation */
	struct vec_params vp;	/* the unit's timing and GELU method */
};

static inline const struct vec_op *vec_op_of(const struct plan_op *p)
{
	return (const struct vec_op *)(const void *)p->params.b;
}

extern const struct unit_class vec_unit;

/* [vector] gelu as the model's method. */
enum vec_gelu vec_cfg_gelu(const struct config *cfg);
/* [vector] fixed-point formats and table as the model's. */
struct vec_fmt vec_cfg_fmt(const struct config *cfg);

/* Functional part: entry x's rows and its job (struct vec_job). */
const void *vec_func_begin(struct func *f, uint32_t x, size_t *stride);
/* The unit's rows against one whole-op pass of the same arithmetic. */
int vec_func_check(struct func *f, uint32_t x);
/* Input rows `in`, the second input, the output and scales under name. */
int vec_func_dump_in(struct func *f, uint32_t x, const char *name,
		     const int8_t *in);
int vec_func_dump(struct func *f, uint32_t x, const char *name);

#endif
