/*
 * zoo.h - built-in model zoo: workload traces of well-known networks.
 *
 * A model is one row of a table in zoo.c (layers, hidden width, heads, FFN
 * width, default sequence length); zoo_build() expands it into the ops of
 * every layer. Invariant: a trace built here passes the same checks as one
 * read by trace_read(), so trace_write() never refuses it.
 */
#ifndef SIM_ZOO_H
#define SIM_ZOO_H

#include <stdint.h>

#include "err.h"
#include <stddef.h>

#include "trace.h"

struct zoo_opts {
	uint32_t seq;		/* tokens per sequence (the m of every op) */
	uint32_t nm_n, nm_m;	/* N:M of every gemm's weights; 1:1 = dense */
	uint32_t task;		/* MoE models: router used (--task) */
	uint32_t routing;	/* MoE models: enum op_routing */
	uint32_t skew, hot;	/* MoE models: routing parameters */
};

/* 1 if opt is an option of `stasim trace` handled by zoo_parse_opt. */
int zoo_known_opt(const char *opt);
/*
 * Apply one `stasim trace` option (--seq, --nm, --task, --routing, ...)
 * with its value to o. Returns 0, or -1 with msg ("--nm: '5:4' is not ...").
 */
int zoo_parse_opt(const char *opt, const char *val, struct zoo_opts *o,
		  char *msg, size_t len);

/* 1 if model has MoE layers (so --task and --routing apply). */
int zoo_has_moe(const char *model);

/*
 * Fill t (overwritten, not freed first) with the ops of model, in program
 * order, named "lL.op" with L counted from 0. Each op's line is the line it
 * gets when written by trace_write() without a comment (first op: line 2).
 * o NULL means zoo_defaults(). Returns 0, or -1 with t empty and err filled:
 * file "zoo", field "model" (unknown model, message lists the known ones),
 * "seq" or "nm". Work: one op per layer and op kind.
 */
int zoo_build(const char *model, const struct zoo_opts *o, struct trace *t,
	      struct sim_err *err);

/* Default options of model (dense, its usual seq). Returns 0, -1 unknown. */
int zoo_defaults(const char *model, struct zoo_opts *o);

/* Names of the known models, NULL-terminated, in table order. */
const char *const *zoo_models(void);

#endif
