/*
 * func.h - functional mode: real operands, real outputs, checked.
 *
 * For each op, operands are drawn from a seed (per op, per tensor), weights
 * are pruned to the op's N:M pattern by magnitude and compressed; the engine
 * model computes the outputs tile by tile as it writes them back; when the
 * op's last tile is written, the outputs are compared with the reference
 * GEMM (models/golden.c) and optionally dumped as .npy files (gate and MoE
 * ops too: docs/report.md, "--dump"). Invariant: the operands of an op live
 * from its first engine command to its check.
 */
#ifndef SIM_FUNC_H
#define SIM_FUNC_H

#include <stdint.h>

#include "config.h"
#include "moe.h"
#include "plan.h"
#include "sched.h"
#include "trace.h"
#include "../models/sde.h"
#include "../models/smx.h"
#include "../models/gate.h"
#include "../models/vec.h"

struct func_op {
	int16_t *a;		/* heads x m x k activations */
	int16_t *w;		/* heads x k x n dense weights (pruned) */
	int16_t *val;		/* sparse: (groups*N) x n kept values */
	uint8_t *idx;		/* sparse: positions of kept values */
	int32_t *acc;		/* heads x m x n, written by the engine */
	int16_t *out;		/* heads x m x n, requantized, written by the engine */
	struct sde_data *d;	/* per head, what the engine reads */
	int8_t *x, *x2;		/* vector ops: input(s), rows x n */
	int8_t *y;		/* vector ops: output */
	uint8_t *prob;		/* softmax: probabilities */
	struct vec_job vj;	/* what the vector unit runs */
	uint32_t *tok;		/* MoE part: its tokens */
	uint8_t *gs;		/* MoE part: their gate scores */
	struct smx_job sj;	/* what the softmax unit runs */
	struct gate_job gj;	/* what the gate unit runs */
	uint16_t *topk;		/* gate: chosen experts */
	int32_t *logit;		/* gate, --dump: t x e logits (the check's) */
};

/* One MoE layer's data in functional mode, alive from its first part to
 * its last (sim/func.c, "MoE"). */
struct func_moe {
	uint32_t live;		/* parts not yet ended, 0 = not started */
	uint32_t t, d, e, k;	/* tokens, width, experts, top-k */
	int16_t *x;		/* t x d tokens: the router's (moe_data) */
	uint8_t *score;		/* t x e gate scores, real = score / 256 */
	int32_t *acc;		/* t x d output accumulators */
	/* Intermediates of the part in flight, at fixed addresses: a part's
	 * begin comes before its producer has ended, and the units read them
	 * only when a tile completes, after the producer. */
	int8_t *h8;		/* FC1 outputs, rows x hidden (GELU reads) */
	int16_t *act16;		/* GELU outputs, rows x hidden (FC2 reads) */
	int8_t *y;		/* FC2 outputs, rows x d (scatter reads) */
	uint32_t shift1, shift2; /* FC1 and FC2 requantization shifts */
};

struct func {
	const struct config *cfg;
	const struct trace *t;
	const struct plan_op *plans;
	uint64_t seed;		/* --seed */
	const char *dump_dir;	/* --dump, or NULL */
	struct func_op *ops;	/* per entry, allocated while live */
	uint32_t n;		/* execution entries */
	struct moe_info **moe;	/* per trace op, routing of MoE ops (run.c) */
	struct func_moe *fm;	/* per trace op, live MoE layers */
	uint64_t checked;	/* output elements compared */
	char msg[768];		/* first failure, for main */
	int input_error;	/* the failure was a dump I/O error */
};

/* plans: the n execution entries (hooks get entry indices); moe: per
 * trace op, the routing of its MoE ops. */
int func_init(struct func *f, const struct config *cfg, const struct trace *t,
	      const struct plan_op *plans, uint32_t n, struct moe_info **moe,
	      uint64_t seed, const char *dump_dir);
void func_hooks(struct func *f, struct sched_hooks *h);
void func_free(struct func *f);

/* 64-bit mix used to derive every random stream (splitmix64 finalizer). */
uint64_t func_mix(uint64_t x);

#endif
