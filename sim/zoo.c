/*
 * zoo.c - built-in models (see zoo.h) as traces of complete encoder layers.
 *
 * Every model here is a stack of identical pre-norm transformer encoder
 * layers (Vaswani et al. 2017; pre-norm as in ViT, Dosovitskiy et al. 2021):
 * LayerNorm, QKV, Q.K^T, softmax, A.V, projection, residual add, LayerNorm,
 * FC1, GELU, FC2, residual add. BERT-base follows Devlin et al. 2019 (L=12,
 * H=768, A=12, FFN 4H; BERT itself normalizes after the residual, which
 * moves the LayerNorms but not their cost). ViT-B/16 and DeiT-Tiny take a
 * 224x224 image as 14x14 patches of 16x16 plus a class token: 197 tokens
 * (Touvron et al. 2021 for DeiT-Tiny: D=192, 3 heads, MLP 768). A layer is
 * the op list in encoder_ops; a model is one row of ZOO_TABLE. The patch or
 * token embedding and the classifier head are not part of the layers.
 * Invariant: every op built passes trace.c's schema: zoo_build() checks the
 * options against the same limits before building anything.
 */
#include "zoo.h"

#include <stdio.h>
#include <string.h>

/* One row per model: name, layers, hidden, heads, ffn, default seq. */
#define ZOO_TABLE(X)					\
	X("bert-base", 12, 768, 12, 3072, 128)		\
	X("vit-b16", 12, 768, 12, 3072, 197)		\
	X("deit-tiny", 12, 192, 3, 768, 197)

struct zoo_model {
	const char *name;	/* as typed after `stasim trace` */
	uint32_t layers;	/* encoder layers */
	uint32_t hidden;	/* model width d; a multiple of heads */
	uint32_t heads;		/* attention heads; head dim = hidden / heads */
	uint32_t ffn;		/* feed-forward inner width */
	uint32_t seq;		/* default tokens per sequence */
};

#define ZOO_ROW(name, layers, hidden, heads, ffn, seq) \
	{ name, layers, hidden, heads, ffn, seq },
#define ZOO_NAME(name, layers, hidden, heads, ffn, seq) name,

static const struct zoo_model zoo_table[] = { ZOO_TABLE(ZOO_ROW) };
static const char *const zoo_names[] = { ZOO_TABLE(ZOO_NAME) NULL };

#define ZOO_COUNT (sizeof zoo_table / sizeof zoo_table[0])

/* Dimensions an op's m, k, n are taken from. */
enum zoo_dim {
	D_NONE,		/* no reduction (vector and softmax ops) */
	D_SEQ,		/* tokens */
	D_HIDDEN,	/* model width */
	D_QKV,		/* 3 * hidden: Q, K and V projections fused */
	D_HEAD,		/* hidden / heads */
	D_FFN		/* feed-forward inner width */
};

/*
 * One encoder layer, in program order. A gemm multiplies activations by
 * weights (N:M applies); a matmul multiplies two activations, once per head.
 */
static const struct zoo_layer_op {
	const char *name;	/* op name after "lL." */
	enum op_kind kind;
	enum zoo_dim m, k, n;
} encoder_ops[] = {
	{ "ln1", OP_LAYERNORM, D_SEQ, D_NONE, D_HIDDEN },
	{ "qkv", OP_GEMM, D_SEQ, D_HIDDEN, D_QKV },	/* x W_qkv */
	{ "qk", OP_MATMUL, D_SEQ, D_HEAD, D_SEQ },	/* scores Q K^T */
	{ "sm", OP_SOFTMAX, D_SEQ, D_NONE, D_SEQ },	/* per head, per row */
	{ "av", OP_MATMUL, D_SEQ, D_SEQ, D_HEAD },	/* context A V */
	{ "proj", OP_GEMM, D_SEQ, D_HIDDEN, D_HIDDEN },	/* output projection */
	{ "res1", OP_ADD, D_SEQ, D_NONE, D_HIDDEN },	/* x + attention */
	{ "ln2", OP_LAYERNORM, D_SEQ, D_NONE, D_HIDDEN },
	{ "ffn1", OP_GEMM, D_SEQ, D_HIDDEN, D_FFN },	/* FFN up */
	{ "gelu", OP_GELU, D_SEQ, D_NONE, D_FFN },
	{ "ffn2", OP_GEMM, D_SEQ, D_FFN, D_HIDDEN },	/* FFN down */
	{ "res2", OP_ADD, D_SEQ, D_NONE, D_HIDDEN },	/* x + FFN */
};

#define LAYER_OPS (sizeof encoder_ops / sizeof encoder_ops[0])

const char *const *zoo_models(void)
{
	return zoo_names;
}

static const struct zoo_model *zoo_find(const char *model)
{
	size_t i;

	for (i = 0; i < ZOO_COUNT; i++)
		if (!strcmp(zoo_table[i].name, model))
			return &zoo_table[i];
	return NULL;
}

int zoo_defaults(const char *model, struct zoo_opts *o)
{
	const struct zoo_model *zm = zoo_find(model);

	if (!zm)
		return -1;
	o->seq = zm->seq;
	o->nm_n = 1;
	o->nm_m = 1;
	return 0;
}

static uint32_t dim(const struct zoo_model *zm, uint32_t seq, enum zoo_dim d)
{
	switch (d) {
	case D_NONE:
		return 0;
	case D_SEQ:
		return seq;
	case D_HIDDEN:
		return zm->hidden;
	case D_QKV:
		return 3 * zm->hidden;
	case D_HEAD:
		return zm->hidden / zm->heads;
	case D_FFN:
		return zm->ffn;
	}
	return 0;
}

static void layer_op(const struct zoo_model *zm, const struct zoo_opts *o,
		     uint32_t layer, const struct zoo_layer_op *lo,
		     struct op *op)
{
	int is_gemm = lo->kind == OP_GEMM;

	memset(op, 0, sizeof *op);
	op->kind = lo->kind;
	snprintf(op->name, sizeof op->name, "l%u.%s", layer, lo->name);
	op->m = dim(zm, o->seq, lo->m);
	op->k = dim(zm, o->seq, lo->k);
	op->n = dim(zm, o->seq, lo->n);
	op->heads = lo->kind == OP_MATMUL || lo->kind == OP_SOFTMAX ?
		    zm->heads : 1;
	op->nm_n = is_gemm ? o->nm_n : 1;
	op->nm_m = is_gemm ? o->nm_m : 1;
}

/* Largest operand of op in elements, as trace.c bounds it. */
static uint64_t op_max_elems(const struct op *op)
{
	uint64_t mk = (uint64_t)op->m * op->k;
	uint64_t kn = (uint64_t)op->k * op->n;
	uint64_t mn = (uint64_t)op->m * op->n;
	uint64_t e = mk > kn ? mk : kn;

	return op->heads * (e > mn ? e : mn);
}

/* Options a trace could not hold; checked on one layer (all are alike). */
static int opts_check(const struct zoo_model *zm, const struct zoo_opts *o,
		      struct sim_err *err)
{
	struct op op;
	size_t i;

	if (o->seq < 1 || o->seq > TRACE_DIM_MAX)
		return err_set(err, "zoo", 0, "seq", "%u is out of range "
			       "(1..%u)", o->seq, TRACE_DIM_MAX);
	if (o->nm_n < 1 || o->nm_n > o->nm_m || o->nm_m > TRACE_NM_MAX)
		return err_set(err, "zoo", 0, "nm", "N:M %u:%u needs 1 <= N "
			       "<= M <= %u", o->nm_n, o->nm_m, TRACE_NM_MAX);
	for (i = 0; i < LAYER_OPS; i++) {
		layer_op(zm, o, 0, &encoder_ops[i], &op);
		if (op_max_elems(&op) > TRACE_ELEMS_MAX)
			return err_set(err, "zoo", 0, "seq", "seq %u makes %s "
				       "an operand of %llu elements, more than "
				       "%llu", o->seq, encoder_ops[i].name,
				       (unsigned long long)op_max_elems(&op),
				       (unsigned long long)TRACE_ELEMS_MAX);
	}
	return 0;
}

static int unknown_model(const char *model, struct sim_err *err)
{
	char known[256];
	size_t i, used = 0;

	known[0] = '\0';
	for (i = 0; i < ZOO_COUNT && used < sizeof known; i++)
		used += (size_t)snprintf(known + used, sizeof known - used,
					 "%s%s", i ? ", " : "",
					 zoo_table[i].name);
	return err_set(err, "zoo", 0, "model", "unknown model '%.64s' "
		       "(known: %s)", model, known);
}

int zoo_build(const char *model, const struct zoo_opts *o, struct trace *t,
	      struct sim_err *err)
{
	const struct zoo_model *zm = zoo_find(model);
	struct zoo_opts def;
	struct op op;
	uint32_t layer;
	size_t i;

	memset(t, 0, sizeof *t);
	if (!zm)
		return unknown_model(model, err);
	if (!o) {
		zoo_defaults(model, &def);
		o = &def;
	}
	if (opts_check(zm, o, err))
		return -1;
	for (layer = 0; layer < zm->layers; layer++) {
		for (i = 0; i < LAYER_OPS; i++) {
			layer_op(zm, o, layer, &encoder_ops[i], &op);
			op.line = (int)(t->n_ops + 2);	/* header is line 1 */
			if (trace_push(t, &op))
				goto fail;
		}
	}
	return 0;
fail:
	trace_free(t);
	return err_set(err, "zoo", 0, "", "out of memory");
}
