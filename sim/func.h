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
 *
 * This file is the shared part: each unit begins, checks and dumps its own
 * ops (struct unit_class, models/<unit>_func.c) with the helpers below, and
 * an MoE layer's parts share its data (sim/moe_func.c).
 */
#ifndef SIM_FUNC_H
#define SIM_FUNC_H

#include <stdint.h>

#include <stdio.h>

#include "afile.h"
#include "config.h"
#include "moe.h"
#include "npy.h"
#include "plan.h"
#include "sched.h"
#include "trace.h"
#include "../models/sde.h"
#include "../models/smx.h"
#include "../models/gate.h"
#include "../models/vec.h"

/* Tensor tags of an op's streams: stream = base | tag. */
enum { FUNC_T_ACT = 1, FUNC_T_WGT = 2 };

/* Every unit's data of one entry (each uses its own fields). */
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

struct func {
	const struct config *cfg;
	const struct trace *t;
	const struct plan_op *plans;
	uint64_t seed;		/* --seed */
	const char *dump_dir;	/* --dump, or NULL */
	struct func_op *ops;	/* per entry, allocated while live */
	uint32_t n;		/* execution entries */
	struct moe_info **moe;	/* per trace op, routing of MoE ops (run.c) */
	struct func_moe *fm;	/* per trace op, live MoE layers (moe_func.c) */
	uint64_t checked;	/* output elements compared */
	char msg[768];		/* first failure, for main */
	int input_error;	/* the failure was a dump I/O error */
	int oom;		/* the failure: operands did not fit in memory */
};

/* plans: the n execution entries (hooks get entry indices); moe: per
 * trace op, the routing of its MoE ops. */
int func_init(struct func *f, const struct config *cfg, const struct trace *t,
	      const struct plan_op *plans, uint32_t n, struct moe_info **moe,
	      uint64_t seed, const char *dump_dir);
void func_hooks(struct func *f, struct sched_hooks *h);
void func_free(struct func *f);

/* ---- helpers for the units' functional parts ---- */

/* The trace op entry x belongs to (names and lines). */
const struct op *func_src_op(const struct func *f, uint32_t x);
/* Entry x's stream base: tensors draw from base | FUNC_T_*. */
uint64_t func_base(const struct func *f, uint32_t x);
/* count values from stream: 8-bit uniform over [-128, 127], else 16-bit
 * over [-2048, 2047]. */
void func_fill(int16_t *v, uint64_t count, uint64_t stream, uint32_t bits);
void func_fill8(int8_t *v, uint64_t count, uint64_t stream);
/* "TRACE:LINE: op 'NAME': out of memory for its functional operands" of
 * entry x in f->msg, f->oom set (not a check failure); -1. */
int func_oom(struct func *f, uint32_t x);
/* Free an entry's data and clear it. */
void func_op_free(struct func_op *o);
/* DIR/NAME.SUFFIX.npy; 0, or -1 with f->msg (an input error). */
int func_dump_npy(struct func *f, const char *name, const char *suffix,
		  enum npy_type type, const uint64_t *shape, int ndim,
		  const void *src, size_t size);
/* DIR/NAME.json under a temporary name: its FILE, or NULL with f->msg. */
FILE *func_json_open(struct func *f, struct afile *a, const char *name);
/* Rename it into place; 0 or -1 with f->msg. */
int func_json_commit(struct func *f, struct afile *a);
/*
 * Entry x's rows x n bytes `got` against `ref`: 0 (counted in f->checked),
 * or -1 with the first differing element in f->msg.
 */
int func_check_rows(struct func *f, uint32_t x, const uint8_t *got,
		    const uint8_t *ref);
/*
 * A row op's dump: NAME.in (int8), NAME.in2 when in2, NAME.out (out_type)
 * and NAME.json with the scales (real value = integer * scale).
 */
int func_dump_rows(struct func *f, uint32_t x, const char *name,
		   const int8_t *in, const int8_t *in2, const void *out,
		   enum npy_type out_type, double in_scale, double out_scale);

#endif
