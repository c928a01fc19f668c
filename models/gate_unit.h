/*
 * gate_unit.h - the MoE gate unit as a unit of the simulator: its
 * parameters in a plan_op, its class (models/gate_unit.c) and its
 * functional part (models/gate_func.c).
 */
#ifndef MODELS_GATE_UNIT_H
#define MODELS_GATE_UNIT_H

#include <stddef.h>
#include <stdint.h>

#include "gate.h"
#include "../sim/plan.h"

struct func;

/* A gate op's parameters (plan_op.params). */
struct gate_op {
	struct gate_params gp;	/* the unit's timing (its softmax: gp.smx) */
	uint32_t e;		/* experts (the router's outputs) */
	uint32_t k;		/* experts chosen per token */
};

static inline const struct gate_op *gate_op_of(const struct plan_op *p)
{
	return (const struct gate_op *)(const void *)p->params.b;
}

extern const struct unit_class gate_unit;

/* Functional part: the op's seeded tokens, router weights and its job
 * (struct gate_job). */
const void *gate_func_begin(struct func *f, uint32_t x, size_t *stride);
/* The unit's choices against a plain recomputation. */
int gate_func_check(struct func *f, uint32_t x);
/* NAME.{in,wgate,logits,topk,score}.npy and NAME.json. */
int gate_func_dump(struct func *f, uint32_t x, const char *name);

#endif
