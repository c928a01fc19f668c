/*
 * smx_unit.h - the softmax unit as a unit of the simulator: its parameters
 * in a plan_op, the one mapping of the config's [softmax] keys to the
 * model's (also for the gate's softmax stage and the SystemC wrappers),
 * its class (models/smx_unit.c) and its functional part
 * (models/smx_func.c).
 */
#ifndef MODELS_SMX_UNIT_H
#define MODELS_SMX_UNIT_H

#include <stddef.h>
#include <stdint.h>

#include "smx.h"
#include "../sim/plan.h"

struct func;

/* A softmax op's parameters (plan_op.params): the unit's timing. */
static inline const struct smx_params *smx_op_of(const struct plan_op *p)
{
	return (const struct smx_params *)(const void *)p->params.b;
}

extern const struct unit_class smx_unit;

/* [softmax] algorithm as the model's (enum cfg_smx_algo -> smx_algo). */
enum smx_algo smx_cfg_algo(const struct config *cfg);
/* The [softmax] section as the model's parameters. */
struct smx_params smx_cfg_params(const struct config *cfg);
/* The [softmax] score format. */
struct smx_fmt smx_cfg_fmt(const struct config *cfg);

struct area_ctx;
struct area_unit;
/* Add the softmax data path of cfg's [softmax] to u: `lanes` lanes and
 * the part they share (rtl/smx.v without its controller; threepass, which
 * has no RTL, as online). The gate unit's softmax is one too. 0, or -1
 * with err. */
int smx_unit_area_dp(const struct config *cfg, uint32_t lanes,
		     struct area_ctx *c, struct area_unit *u,
		     struct sim_err *err);

/* Functional part: entry x's scores and its job (struct smx_job). */
const void *smx_func_begin(struct func *f, uint32_t x, size_t *stride);
/* The unit's probabilities against one whole-op pass of smx_row. */
int smx_func_check(struct func *f, uint32_t x);
/* Scores, probabilities and scales under name. */
int smx_func_dump(struct func *f, uint32_t x, const char *name);

#endif
