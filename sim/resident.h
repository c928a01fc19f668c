/*
 * resident.h - activations kept on chip between ops, and the dependencies
 * of each op on the ops that write what it reads (docs/models.md,
 * "Activations on chip").
 *
 * A tensor stays in the activation buffer from the op that writes it to
 * the last op that reads it when, at every op of that span, the tensors
 * kept there plus this one fit the buffer beside what the op needs to
 * stream its first operand from DRAM as first planned (so keeping tensors
 * never shrinks another op's tiles). Tensors are decided in the
 * order they are written; a tensor some reader cannot take from the buffer
 * (an MoE layer's gathered tokens, a router) or that no op reads (a graph
 * output) goes to DRAM as before. Tensors passed between fused ops never
 * touch a buffer and are left alone.
 */
#ifndef SIM_RESIDENT_H
#define SIM_RESIDENT_H

#include <stdint.h>

#include "config.h"
#include "err.h"
#include "plan.h"
#include "trace.h"

/*
 * Decide residency for trace t planned as plans[0 .. n_exec-1] (trace op
 * i's first entry is first[i]; fusion already marked), set each entry's
 * a_res, b_res, o_res, dep and buffer halves, and re-plan the entries whose
 * halves or residency changed. With cfg->map_force valid (a mapper trial),
 * its residency is imposed on every entry instead. 0, or -1 with err when a
 * re-plan fails.
 */
int resident_plan(const struct config *cfg, const struct trace *t,
		  const uint32_t *first, struct plan_op *plans, uint32_t n_exec,
		  struct sim_err *err);

#endif
