/*
 * trace.h - workload traces: a list of operators.
 *
 * A trace is text format v1 (docs/trace-format.md), plain or gzip, read
 * through zlib. Each op kind has a schema (key, field, range, required) in
 * trace_schema.c; adding an op kind is one schema row plus what the
 * scheduler does with it. Invariant: every op returned by trace_read() passed its schema,
 * so dimensions are in range and 1 <= nm_n <= nm_m.
 */
#ifndef SIM_TRACE_H
#define SIM_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define TRACE_MAGIC "stasim-trace 1"
#define TRACE_NAME_MAX 64
#define TRACE_DIM_MAX (1u << 20)	/* largest m, k or n */
#define TRACE_ELEMS_MAX (1ull << 31)	/* largest operand, in elements */
#define TRACE_HEADS_MAX 1024u
#define TRACE_NM_MAX 64u		/* largest M of an N:M pattern */
#define TRACE_EXPERTS_MAX 1024u
#define TRACE_TOPK_MAX 8u

/* Where an MoE op's token-to-expert routing comes from (docs/trace-format.md). */
enum op_routing {
	ROUTE_UNIFORM = 0,	/* seeded: experts equally likely */
	ROUTE_ZIPF,		/* seeded: expert i weighted 1 / (i+1)^(skew/100) */
	ROUTE_HOT,		/* seeded: skew % of choices go to experts 0..hot-1 */
	ROUTE_COMPUTED,		/* the router run on seeded activations and weights */
	ROUTE_LIST,		/* the trace's own per-token expert lists (assign=) */
	ROUTE_BALANCED,		/* internal: token t to experts (t*k + j) mod E */
	ROUTE_COUNT
};

enum op_kind {
	OP_GEMM = 0,	/* activations m x k times N:M-sparse weights k x n */
	OP_MATMUL,	/* dense-dense, per head: (m x k) x (k x n), heads times */
	OP_SOFTMAX,	/* per head, softmax of each of m rows of length n */
	OP_GELU,	/* elementwise GELU of m x n */
	OP_LAYERNORM,	/* LayerNorm of each of m rows of length n */
	OP_ADD,		/* residual add of two m x n tensors */
	OP_GATE,	/* MoE router: m tokens of k -> top-k of n experts */
	OP_MOE,		/* MoE layer: m tokens of k through experts of hidden n */
	OP_KIND_COUNT
};

struct op {
	enum op_kind kind;
	char name[TRACE_NAME_MAX];	/* unique within the trace */
	uint32_t m, k, n;		/* output rows, reduction length (0: none), output cols */
	uint32_t nm_n, nm_m;		/* N:M along k; dense = nm_n == nm_m (1:1 when omitted) */
	uint32_t heads;			/* matmul: independent products; gemm: 1 */
	uint32_t experts;		/* moe: experts in the layer */
	uint32_t topk;			/* gate, moe: experts per token */
	uint32_t tasks;			/* gate: routers, one per task (1 = none) */
	uint32_t task;			/* gate: router used, < tasks */
	uint32_t capacity;		/* moe: capacity factor in %, 0 = unlimited */
	uint32_t routing;		/* moe: enum op_routing */
	uint32_t skew;			/* moe: zipf exponent x 100, or hot share in % */
	uint32_t hot;			/* moe: hot experts (routing=hot) */
	uint32_t assign_off;		/* moe, routing=list: first entry in the pool */
	uint32_t assign_len;		/* moe, routing=list: m * topk entries */
	uint32_t assign_per;		/* moe, routing=list: entries of each token */
	int line;			/* line in the trace file, for errors */
};

struct trace {
	char path[512];		/* file it was read from ("" if built in memory) */
	struct op *ops;		/* ops in program order */
	size_t n_ops;		/* ops in use */
	size_t cap;		/* ops allocated */
	uint16_t *assign;	/* moe expert lists, token by token (ops index it) */
	size_t n_assign;	/* entries in use */
	size_t cap_assign;	/* entries allocated */
};

/* Name of an op kind as written in traces ("gemm", "matmul"). */
const char *op_kind_name(enum op_kind kind);
/* 1 if op is dense (no N:M sparsity). */
static inline int op_is_dense(const struct op *op)
{
	return op->kind != OP_GEMM || op->nm_n == op->nm_m;
}

/* 1 if op runs on the engine (a matrix product), 0 for vector/softmax ops. */
static inline int op_is_matrix(const struct op *op)
{
	return op->kind == OP_GEMM || op->kind == OP_MATMUL;
}

/*
 * Read a trace (.trace or .trace.gz, detected by content). Returns 0, or -1
 * with err naming file, line and "kind.key" (truncated or corrupt gzip data
 * included). On error *t is left empty.
 */
int trace_read(const char *path, struct trace *t, struct sim_err *err);

/* Append a copy of op; returns 0 or -1 when out of memory. */
int trace_push(struct trace *t, const struct op *op);

/*
 * Write t to path, gzip-compressed when path ends in ".gz", through a
 * temporary file renamed into place. Returns 0 or -1 with err filled.
 */
int trace_write(const char *path, const struct trace *t, const char *comment,
		struct sim_err *err);

void trace_free(struct trace *t);

/* Append n expert indices to t's pool; returns the offset, or -1. */
int64_t trace_assign_add(struct trace *t, const uint16_t *v, size_t n);

#endif
