/*
 * trace.h - workload traces: a list of operators and the tensors they pass.
 *
 * A trace is text format v1 or v2 (docs/trace-format.md), plain or gzip,
 * read through zlib. Each op kind has a schema (key, field, range, required)
 * in trace_schema.c; adding an op kind is one schema row plus what the
 * scheduler does with it. Every op reads op_kind_inputs() tensors and
 * writes one, named in the trace's tensor table: v2 spells them with in= and
 * out=, v1 (and an op pushed without names) gets the implicit chain, each op
 * reading the previous op's output (the first op: the graph input "input")
 * and writing a tensor named after itself.
 * Invariant: every op returned by trace_read() passed its schema, so
 * dimensions are in range and 1 <= nm_n <= nm_m; every op pushed (read,
 * built by the zoo) has n_in == op_kind_inputs(kind) and reads only tensors
 * that an earlier op wrote or that no op writes (graph inputs).
 */
#ifndef SIM_TRACE_H
#define SIM_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define TRACE_MAGIC "stasim-trace"	/* a trace's first word; the version follows */
#define TRACE_VERSION_MAX 2u		/* newest version read and written */
#define TRACE_NAME_MAX 64		/* op and tensor names, NUL included */
#define TRACE_IN_MAX 2u			/* most tensors an op reads */
#define TRACE_INPUT "input"		/* the first op reads it without in= */
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
	uint32_t n_in;			/* tensors read: op_kind_inputs(kind) */
	uint32_t in[TRACE_IN_MAX];	/* tensors read, operand order: t->tensors */
	uint32_t out;			/* tensor written: index into t->tensors */
};

/* A tensor of the graph: written by one op, or a graph input. */
struct trace_tensor {
	char name[TRACE_NAME_MAX];	/* unique within the trace */
	int32_t producer;		/* op writing it, -1: graph input (in DRAM) */
	int32_t last_reader;		/* last op reading it, -1: none (an output) */
};

/* Index of names, open addressing; private to trace*.c (trace_schema.h). */
struct trace_names {
	size_t *slot;		/* entry + 1, 0 = empty; cap entries */
	size_t cap;		/* power of two, or 0 before the first add */
	size_t used;		/* slots in use, kept below cap / 2 */
};

/* A zeroed struct trace is an empty trace. */
struct trace {
	char path[512];		/* file it was read from ("" if built in memory) */
	struct op *ops;		/* ops in program order */
	size_t n_ops;		/* ops in use */
	size_t cap;		/* ops allocated */
	uint16_t *assign;	/* moe expert lists, token by token (ops index it) */
	size_t n_assign;	/* entries in use */
	size_t cap_assign;	/* entries allocated */
	struct trace_tensor *tensors;	/* in the order ops first use them */
	size_t n_tensors;	/* tensors in use */
	size_t cap_tensors;	/* tensors allocated */
	struct trace_names tensor_names;	/* tensors by name */
	char model[TRACE_NAME_MAX];	/* `meta model=`: the model, "" if not given */
	uint32_t seq;		/* `meta seq=`: tokens, 0 if not given */
	int meta_line;		/* line of the `meta` line, 0: none */
};

/* Name of an op kind as written in traces ("gemm", "matmul"). */
const char *op_kind_name(enum op_kind kind);
/* Tensors an op of kind reads: 2 for matmul (A, B) and add, else 1. */
uint32_t op_kind_inputs(enum op_kind kind);
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

/*
 * Append a copy of op that reads the tensors named in[0 .. n_in-1], in
 * operand order, and writes the tensor named out. n_in 0 is the implicit
 * chain: every operand is the previous op's output, or TRACE_INPUT for the
 * first op. out NULL is the op's own name. A name no op has written yet
 * becomes a graph input; the written tensor must be new. The copy's n_in,
 * in[] and out are set; whatever op held there is ignored. Returns 0, or
 * -1 with err (file t->path, the line of the op at fault: op's own, or
 * for "read before written" the reader's; field "kind.in" or "kind.out";
 * "out of memory" with no field) and t unchanged. Work: O(1) amortized;
 * O(n_ops) to find the reader a "read before written" error names.
 */
int trace_push_io(struct trace *t, const struct op *op,
		  const char *const *in, uint32_t n_in, const char *out,
		  struct sim_err *err);

/*
 * trace_push_io with the implicit chain and the op's own name: returns 0,
 * or -1 when out of memory or when the op's name cannot name its output (a
 * tensor of that name was written or read before: an op named "input"
 * after the first op).
 */
int trace_push(struct trace *t, const struct op *op);

/* The op that writes tensor, or -1 for a graph input. O(1). */
int32_t trace_producer(const struct trace *t, uint32_t tensor);

/* The last op that reads tensor, or -1 if none does. O(1). */
int32_t trace_last_reader(const struct trace *t, uint32_t tensor);

/*
 * The first op after op `after` (-1: from the start) that reads tensor,
 * or -1: all its readers are for (i = trace_next_reader(t, x, -1); i >= 0;
 * i = trace_next_reader(t, x, i)). O(ops up to the next reader).
 */
int32_t trace_next_reader(const struct trace *t, uint32_t tensor,
			  int32_t after);

/*
 * Write t to path, gzip-compressed when path ends in ".gz", through a
 * temporary file renamed into place: version 1 when every op has the
 * implicit chain, else version 2 with in= and out= where an op differs
 * from it. A trace with an empty tensor table (ops put in place without
 * trace_push) is written with the implicit chain. Returns 0 or -1 with err
 * filled.
 */
int trace_write(const char *path, const struct trace *t, const char *comment,
		struct sim_err *err);

/*
 * Keep the first n ops (n <= n_ops) and the tensors they use, their last
 * readers among those n: setting n_ops alone would leave the tensor
 * table pointing past the ops. O(n + tensors kept).
 */
void trace_truncate(struct trace *t, size_t n);

/* Free everything t holds and leave it empty. */
void trace_free(struct trace *t);

/* path's file name without directories and a .trace / .trace.gz ending
 * (what tables and results show of a trace). */
void trace_file_stem(const char *path, char *buf, size_t n);

/* What results and reports call the trace's model: its `meta model=`, or
 * its file name without directories and .trace / .trace.gz. */
void trace_label_model(const struct trace *t, char *buf, size_t n);

/* Its weights' N:M as reports write it: "dense" when no gemm is sparse,
 * "N:M" when every sparse gemm has that pattern, else "mixed". */
void trace_label_nm(const struct trace *t, char *buf, size_t n);

/* Append n expert indices to t's pool; returns the offset, or -1. */
int64_t trace_assign_add(struct trace *t, const uint16_t *v, size_t n);

#endif
