/*
 * zoo.h - built-in model zoo: workload traces of well-known networks.
 *
 * A model is one row of a table in zoo.c (layers, hidden width, heads, FFN
 * width, default sequence length); zoo_build() expands it into the ops of
 * every layer, each naming the tensors it reads (trace format v2).
 * Invariant: a trace built here passes the same checks as one read by
 * trace_read(), so trace_write() never refuses it.
 */
#ifndef SIM_ZOO_H
#define SIM_ZOO_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "trace.h"

/* Kinds of weights that --nm can give a pattern of their own. */
enum zoo_wtype {
	ZOO_W_ATTN = 0,		/* qkv and proj gemms */
	ZOO_W_FFN,		/* ffn1 and ffn2 gemms, moe expert weights */
	ZOO_W_EMBED,		/* the patch embedding gemm */
	ZOO_W_COUNT
};

/*
 * Options of `stasim trace`. The first three fields keep their places, so a
 * positional initializer { seq, n, m } still means what it did; every field
 * added later reads 0 as its default.
 */
struct zoo_opts {
	uint32_t seq;		/* tokens per sequence */
	uint32_t nm_n, nm_m;	/* N:M of weight types without their own */
	uint32_t task;		/* MoE models: router used (--task) */
	uint32_t routing;	/* MoE models: enum op_routing */
	uint32_t skew, hot;	/* MoE models: routing parameters */
	uint32_t batch;		/* sequences (--batch); 0 is read as 1 */
	uint32_t type_n[ZOO_W_COUNT];	/* per weight type N:M (--nm */
	uint32_t type_m[ZOO_W_COUNT];	/* ffn=2:8,...); 0:0 = nm_n:nm_m */
};

/* 1 if opt is an option of `stasim trace` handled by zoo_parse_opt. */
int zoo_known_opt(const char *opt);
/*
 * Apply one `stasim trace` option (--seq, --batch, --nm, --task, --routing)
 * with its value to o. --nm takes one pattern N:M (or dense) for every weight
 * type, or a list TYPE=N:M,... (TYPE attn, ffn or embed) that leaves the
 * types it does not name dense; either form replaces what an earlier --nm
 * set. Returns 0, or -1 with msg ("--nm: '5:4' is not ...").
 */
int zoo_parse_opt(const char *opt, const char *val, struct zoo_opts *o,
		  char *msg, size_t len);

/*
 * Parse "N:M" with 1 <= N <= M <= TRACE_NM_MAX, or "dense" (1:1, the word
 * reports print for it). Returns 0, or -1 with *n and *m unchanged.
 */
int zoo_parse_nm(const char *s, uint32_t *n, uint32_t *m);

/*
 * One line describing model built with o, for a trace's comment:
 * "bert-base, seq 128, weights 2:4 (written by stasim trace)", with
 * ", batch B" after the seq and a per-type list as the weights when those
 * options are set. Work: a few snprintf calls.
 */
void zoo_describe(const char *model, const struct zoo_opts *o, char *buf,
		  size_t len);

/* 1 if model has MoE layers (so --task and --routing apply). */
int zoo_has_moe(const char *model);

/*
 * Fill t (overwritten, not freed first) with the ops of model, in program
 * order, named "lL.op" with L counted from 0. Each op's line is the line it
 * gets when written by trace_write() without a comment (first op: line 2).
 * With a batch of B, every op's m is seq x B, except the attention matmuls
 * and softmax, which keep m = seq and run heads x B. o NULL means
 * zoo_defaults(). Returns 0, or -1 with t empty and err filled: file "zoo",
 * field "model" (unknown model, message lists the known ones), "seq",
 * "batch", "nm", "task" or "routing". Work: one op per layer and op kind.
 */
int zoo_build(const char *model, const struct zoo_opts *o, struct trace *t,
	      struct sim_err *err);

/*
 * Default options of model (dense, its usual seq, batch 1), every field
 * filled. Returns 0, -1 unknown.
 */
int zoo_defaults(const char *model, struct zoo_opts *o);

/* Names of the known models, NULL-terminated, in table order. */
const char *const *zoo_models(void);

#endif
