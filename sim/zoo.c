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
 * (Touvron et al. 2021 for DeiT-Tiny: D=192, 3 heads, MLP 768), as do
 * ViT-L/16 and DeiT-S. GPT-2's prefill is a causal decoder run over the
 * whole prompt, which has an encoder layer's shapes (see its row). A layer
 * is the op list in encoder_ops; a model is one row of ZOO_TABLE, each row
 * citing the paper its dimensions come from. The patch or token embedding
 * and the classifier head are not part of the layers.
 * A batch of B sequences stacks their tokens: every op's m is seq x B, but
 * attention mixes tokens of one sequence only, so Q.K^T, softmax and A.V
 * keep m = seq and run B times as many heads.
 * Each op names the tensors it reads (the trace's graph, format v2): the
 * residual stream x enters a layer as the previous layer's res2 (the graph
 * input "input", or the patch embedding, for layer 0), and the adds read x
 * and the block's output; the rest reads the op before it, except A.V
 * (softmax and qkv) and an MoE layer's experts (ln2's tokens, as the gate).
 * Invariant: every op built passes trace.c's schema: zoo_build() checks the
 * options against the same limits before building anything.
 */
#include "zoo.h"

#include <stdio.h>
#include <string.h>

#include "lib/num.h"

/*
 * One row per model: name, layers, hidden, heads, ffn, default seq, then
 * for MoE models: experts, expert hidden width, top-k, tasks (routers),
 * and the patch embedding (patch length, patches; 0 = none listed).
 * M3ViT-Tiny as Edge-MoE deploys it (REFERENCE.md section 2): a 128x256
 * image in 16x16 patches = 128 patches (+ a class token: 129), D = 192,
 * 3 heads, MLP 768 on even layers, 16 experts of 384 top-2 on odd layers,
 * one router per task, 2 tasks. Rows added later go at the end, so the
 * order `stasim trace --list` prints stays stable.
 */
#define ZOO_TABLE(X)							\
	/* Devlin et al. 2019, BERT-base: L=12, H=768, A=12, FFN 4H */	\
	X("bert-base", 12, 768, 12, 3072, 128, 0, 0, 0, 0, 0, 0)	\
	/* Dosovitskiy et al. 2021, Table 1, ViT-Base; 196 patches + cls */ \
	X("vit-b16", 12, 768, 12, 3072, 197, 0, 0, 0, 0, 0, 0)		\
	/* Touvron et al. 2021, Table 1, DeiT-Ti: D=192, 3 heads, MLP 4D */ \
	X("deit-tiny", 12, 192, 3, 768, 197, 0, 0, 0, 0, 0, 0)		\
	/* Liang et al. 2022 (M3ViT) as Edge-MoE deploys it (above) */	\
	X("m3vit-tiny", 12, 192, 3, 768, 129, 16, 384, 2, 2, 768, 128)	\
	/* Devlin et al. 2019, BERT-large: L=24, H=1024, A=16, FFN 4H */ \
	X("bert-large", 24, 1024, 16, 4096, 128, 0, 0, 0, 0, 0, 0)	\
	/* Dosovitskiy et al. 2021, Table 1, ViT-Large: 24 layers,	\
	 * D=1024, MLP 4096, 16 heads; 196 patches of 16x16 + cls */	\
	X("vit-l16", 24, 1024, 16, 4096, 197, 0, 0, 0, 0, 0, 0)	\
	/* Touvron et al. 2021, Table 1, DeiT-S: D=384, 6 heads, 12	\
	 * layers, MLP 4D; 224x224 image as 196 patches + cls */	\
	X("deit-small", 12, 384, 6, 1536, 197, 0, 0, 0, 0, 0, 0)	\
	/* Radford et al. 2019 (GPT-2 small, 117M): 12 layers, d_model	\
	 * 768, with GPT-1's 12 heads and 4 x 768 FFN (Radford et al.	\
	 * 2018); pre-norm like the others, as GPT-2 itself is. The	\
	 * prefill of seq tokens has an encoder layer's shapes. The	\
	 * causal mask leaves about half of Q.K^T and A.V useful	\
	 * (s(s+1)/2 of s^2 scores), but a dense engine computes them	\
	 * all, so the matmuls are full. Default seq 512 of its 1024. */	\
	X("gpt2", 12, 768, 12, 3072, 512, 0, 0, 0, 0, 0, 0)

struct zoo_model {
	const char *name;	/* as typed after `stasim trace` */
	uint32_t layers;	/* encoder layers */
	uint32_t hidden;	/* model width d; a multiple of heads */
	uint32_t heads;		/* attention heads; head dim = hidden / heads */
	uint32_t ffn;		/* feed-forward inner width */
	uint32_t seq;		/* default tokens per sequence */
	uint32_t experts;	/* MoE on odd layers: experts (0 = dense model) */
	uint32_t moe_ffn;	/* expert hidden width */
	uint32_t topk;		/* experts per token */
	uint32_t tasks;		/* routers, one per task */
	uint32_t patch_k;	/* patch embedding: values per patch (0 = none) */
	uint32_t patches;	/* patches per image */
};

#define ZOO_ROW(name, layers, hidden, heads, ffn, seq, e, ef, k, tk, pk, np) \
	{ name, layers, hidden, heads, ffn, seq, e, ef, k, tk, pk, np },
#define ZOO_NAME(name, layers, hidden, heads, ffn, seq, e, ef, k, tk, pk, np) \
	name,

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

/* The weight type of an op without weights. */
#define W_NONE ZOO_W_COUNT

/*
 * One encoder layer, in program order. A gemm multiplies activations by
 * weights (the N:M of its weight type applies); a matmul multiplies two
 * activations, once per head. m is always D_SEQ: the tokens. In order:
 * LayerNorm, x W_qkv, scores Q K^T, softmax of each score row, context
 * A V, output projection, x + attention, LayerNorm, FFN up, GELU, FFN
 * down, x + FFN. Each reads the outputs of ops of its layer named in in[]
 * (Q, K and V are slices of qkv's output), or IN_X, the layer's input, or
 * IN_FFN, the FFN's output (ffn2; moe in an MoE layer).
 */
#define IN_X "x"
#define IN_FFN "ffn"

static const struct zoo_layer_op {
	const char *name;	/* op name after "lL." */
	enum op_kind kind;
	enum zoo_dim m, k, n;
	enum zoo_wtype wtype;	/* gemm: whose --nm pattern it takes */
	const char *in[TRACE_IN_MAX];	/* tensors read, operand order */
} encoder_ops[] = {
	{ "ln1", OP_LAYERNORM, D_SEQ, D_NONE, D_HIDDEN, W_NONE, { IN_X } },
	{ "qkv", OP_GEMM, D_SEQ, D_HIDDEN, D_QKV, ZOO_W_ATTN, { "ln1" } },
	{ "qk", OP_MATMUL, D_SEQ, D_HEAD, D_SEQ, W_NONE, { "qkv", "qkv" } },
	{ "sm", OP_SOFTMAX, D_SEQ, D_NONE, D_SEQ, W_NONE, { "qk" } },
	{ "av", OP_MATMUL, D_SEQ, D_SEQ, D_HEAD, W_NONE, { "sm", "qkv" } },
	{ "proj", OP_GEMM, D_SEQ, D_HIDDEN, D_HIDDEN, ZOO_W_ATTN, { "av" } },
	{ "res1", OP_ADD, D_SEQ, D_NONE, D_HIDDEN, W_NONE, { IN_X, "proj" } },
	{ "ln2", OP_LAYERNORM, D_SEQ, D_NONE, D_HIDDEN, W_NONE, { "res1" } },
	{ "ffn1", OP_GEMM, D_SEQ, D_HIDDEN, D_FFN, ZOO_W_FFN, { "ln2" } },
	{ "gelu", OP_GELU, D_SEQ, D_NONE, D_FFN, W_NONE, { "ffn1" } },
	{ "ffn2", OP_GEMM, D_SEQ, D_FFN, D_HIDDEN, ZOO_W_FFN, { "gelu" } },
	{ "res2", OP_ADD, D_SEQ, D_NONE, D_HIDDEN, W_NONE, { "res1", IN_FFN } },
};

/* Names of the weight types in --nm lists, by enum zoo_wtype. */
static const char *const wtype_names[ZOO_W_COUNT] = {
	"attn", "ffn", "embed"
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
	memset(o, 0, sizeof *o);
	o->seq = zm->seq;
	o->nm_n = 1;
	o->nm_m = 1;
	o->batch = 1;
	return 0;
}

/* The batch of o, 0 read as 1. */
static uint32_t batch_of(const struct zoo_opts *o)
{
	return o->batch ? o->batch : 1;
}

/* The N:M of weight type wt: its own pattern, else the common one. */
static void wtype_nm(const struct zoo_opts *o, enum zoo_wtype wt,
		     uint32_t *n, uint32_t *m)
{
	if (o->type_n[wt] || o->type_m[wt]) {
		*n = o->type_n[wt];
		*m = o->type_m[wt];
	} else {
		*n = o->nm_n;
		*m = o->nm_m;
	}
}

/* 1 if o gives some weight type a pattern of its own. */
static int has_type_nm(const struct zoo_opts *o)
{
	int wt;

	for (wt = 0; wt < ZOO_W_COUNT; wt++)
		if (o->type_n[wt] || o->type_m[wt])
			return 1;
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

/* Callers have checked seq x batch and heads x batch (opts_check). */
static void layer_op(const struct zoo_model *zm, const struct zoo_opts *o,
		     uint32_t layer, const struct zoo_layer_op *lo,
		     struct op *op)
{
	int per_head = lo->kind == OP_MATMUL || lo->kind == OP_SOFTMAX;
	uint32_t b = batch_of(o);

	memset(op, 0, sizeof *op);
	op->kind = lo->kind;
	snprintf(op->name, sizeof op->name, "l%u.%s", layer, lo->name);
	op->m = dim(zm, o->seq, lo->m) * (per_head ? 1 : b);
	op->k = dim(zm, o->seq, lo->k);
	op->n = dim(zm, o->seq, lo->n);
	op->heads = per_head ? zm->heads * b : 1;
	op->nm_n = op->nm_m = 1;
	if (lo->kind == OP_GEMM)
		wtype_nm(o, lo->wtype, &op->nm_n, &op->nm_m);
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
	uint32_t b = batch_of(o);
	struct op op;
	size_t i;
	int wt;

	if (o->seq < 1 || o->seq > TRACE_DIM_MAX)
		return err_set(err, "zoo", 0, "seq", "%u is out of range "
			       "(1..%u)", o->seq, TRACE_DIM_MAX);
	if (!zm->experts && (o->task || o->routing || o->skew || o->hot))
		return err_set(err, "zoo", 0, "routing", "%s has no MoE layers: "
			       "--task and --routing do not apply", zm->name);
	if (zm->experts && o->task >= zm->tasks)
		return err_set(err, "zoo", 0, "task", "task %u: %s has tasks "
			       "0..%u", o->task, zm->name, zm->tasks - 1);
	if (zm->experts && o->hot > zm->experts)
		return err_set(err, "zoo", 0, "routing", "hot %u: %s has %u "
			       "experts", o->hot, zm->name, zm->experts);
	if (o->nm_n < 1 || o->nm_n > o->nm_m || o->nm_m > TRACE_NM_MAX)
		return err_set(err, "zoo", 0, "nm", "N:M %u:%u needs 1 <= N "
			       "<= M <= %u", o->nm_n, o->nm_m, TRACE_NM_MAX);
	for (wt = 0; wt < ZOO_W_COUNT; wt++) {
		uint32_t n, m;

		wtype_nm(o, (enum zoo_wtype)wt, &n, &m);
		if (n < 1 || n > m || m > TRACE_NM_MAX)
			return err_set(err, "zoo", 0, "nm", "%s=%u:%u needs 1 "
				       "<= N <= M <= %u", wtype_names[wt], n,
				       m, TRACE_NM_MAX);
	}
	if (!zm->patch_k && o->type_n[ZOO_W_EMBED] != o->type_m[ZOO_W_EMBED])
		return err_set(err, "zoo", 0, "nm", "%s has no patch embedding:"
			       " embed=%u:%u does not apply", zm->name,
			       o->type_n[ZOO_W_EMBED], o->type_m[ZOO_W_EMBED]);
	/* heads x batch <= 1024 also bounds batch, so seq x batch fits */
	if ((uint64_t)zm->heads * b > TRACE_HEADS_MAX)
		return err_set(err, "zoo", 0, "batch", "batch %u gives the "
			       "attention matmuls %llu heads (%u per sequence),"
			       " more than %u", b,
			       (unsigned long long)zm->heads * b, zm->heads,
			       TRACE_HEADS_MAX);
	if ((uint64_t)o->seq * b > TRACE_DIM_MAX ||
	    (uint64_t)zm->patches * b > TRACE_DIM_MAX)
		return err_set(err, "zoo", 0, "batch", "seq %u x batch %u is "
			       "more than %u tokens", o->seq, b, TRACE_DIM_MAX);
	for (i = 0; i < LAYER_OPS; i++) {
		layer_op(zm, o, 0, &encoder_ops[i], &op);
		if (op_max_elems(&op) > TRACE_ELEMS_MAX)
			return err_set(err, "zoo", 0, b > 1 ? "batch" : "seq",
				       "seq %u x batch %u makes %s an operand "
				       "of %llu elements, more than %llu",
				       o->seq, b, encoder_ops[i].name,
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

int zoo_has_moe(const char *model)
{
	const struct zoo_model *zm = zoo_find(model);

	return zm && zm->experts;
}

/* Where a layer's tensors come from, to name what its ops read. */
struct zoo_layer {
	uint32_t layer;		/* L of "lL." */
	char x[TRACE_NAME_MAX];	/* its input: the residual stream */
	int moe;		/* 1: gate and experts in place of the FFN */
};

/* The tensor src of layer ly names: IN_X, IN_FFN, or an op of the layer. */
static void src_name(const struct zoo_layer *ly, const char *src, char *buf,
		     size_t len)
{
	if (!strcmp(src, IN_X))
		snprintf(buf, len, "%s", ly->x);
	else
		snprintf(buf, len, "l%u.%s", ly->layer, strcmp(src, IN_FFN) ? src :
			 ly->moe ? "moe" : "ffn2");
}

/* Append op reading the tensors named by srcs (n of them, of ly). */
static int push(struct trace *t, struct op *op, const struct zoo_layer *ly,
		const char *const *srcs, uint32_t n, struct sim_err *err)
{
	char names[TRACE_IN_MAX][TRACE_NAME_MAX];
	const char *in[TRACE_IN_MAX];
	uint32_t j;

	for (j = 0; j < n; j++) {
		src_name(ly, srcs[j], names[j], sizeof names[j]);
		in[j] = names[j];
	}
	op->line = (int)(t->n_ops + 3);	/* header line 1, meta line 2 */
	return trace_push_io(t, op, in, n, NULL, err);
}

/* The patch embedding: patches x patch_k pixels times patch_k x hidden. */
static int embed(const struct zoo_model *zm, const struct zoo_opts *o,
		 struct trace *t, struct sim_err *err)
{
	static const char *const in[] = { IN_X };
	struct zoo_layer ly = { 0, TRACE_INPUT, 0 };
	struct op op;

	memset(&op, 0, sizeof op);
	op.kind = OP_GEMM;
	snprintf(op.name, sizeof op.name, "embed");
	op.m = zm->patches * batch_of(o);	/* one embedding per image */
	op.k = zm->patch_k;
	op.n = zm->hidden;
	op.heads = 1;
	wtype_nm(o, ZOO_W_EMBED, &op.nm_n, &op.nm_m);
	return push(t, &op, &ly, in, 1, err);
}

/*
 * An MoE layer's feed-forward: the task's router, then the experts. Both
 * read ln2's tokens (the experts' are the router's, docs/models.md); the
 * experts route with the gate right before them.
 */
static int moe_ffn(const struct zoo_model *zm, const struct zoo_opts *o,
		   const struct zoo_layer *ly, struct trace *t,
		   struct sim_err *err)
{
	static const char *const in[] = { "ln2" };
	uint32_t layer = ly->layer;
	struct op g, m;

	memset(&g, 0, sizeof g);
	g.kind = OP_GATE;
	snprintf(g.name, sizeof g.name, "l%u.gate", layer);
	g.m = o->seq * batch_of(o);
	g.k = zm->hidden;
	g.n = zm->experts;
	g.topk = zm->topk;
	g.tasks = zm->tasks;
	g.task = o->task;
	g.heads = g.nm_n = g.nm_m = 1;
	m = g;
	m.kind = OP_MOE;
	snprintf(m.name, sizeof m.name, "l%u.moe", layer);
	m.n = zm->moe_ffn;
	m.experts = zm->experts;
	m.tasks = m.task = 0;
	wtype_nm(o, ZOO_W_FFN, &m.nm_n, &m.nm_m);
	m.routing = o->routing;
	m.skew = o->skew;
	m.hot = o->hot;
	return push(t, &g, ly, in, 1, err) || push(t, &m, ly, in, 1, err);
}

/* One encoder layer; an MoE layer swaps FFN up, GELU and down for
 * moe_ffn. */
static int layer_ops(const struct zoo_model *zm, const struct zoo_opts *o,
		     const struct zoo_layer *ly, struct trace *t,
		     struct sim_err *err)
{
	const struct zoo_layer_op *lo;
	struct op op;
	size_t i;

	for (i = 0; i < LAYER_OPS; i++) {
		lo = &encoder_ops[i];
		if (ly->moe && !strcmp(lo->name, "ffn1")) {
			if (moe_ffn(zm, o, ly, t, err))
				return -1;
			continue;
		}
		if (ly->moe && (!strcmp(lo->name, "gelu") ||
				!strcmp(lo->name, "ffn2")))
			continue;
		layer_op(zm, o, ly->layer, lo, &op);
		if (push(t, &op, ly, lo->in, op_kind_inputs(lo->kind), err))
			return -1;
	}
	return 0;
}

int zoo_build(const char *model, const struct zoo_opts *o, struct trace *t,
	      struct sim_err *err)
{
	const struct zoo_model *zm = zoo_find(model);
	struct zoo_opts def;
	struct zoo_layer ly;
	struct sim_err e;

	memset(t, 0, sizeof *t);
	if (!zm)
		return unknown_model(model, err);
	if (!o) {
		zoo_defaults(model, &def);
		o = &def;
	}
	if (opts_check(zm, o, err))
		return -1;
	if (zm->patch_k && embed(zm, o, t, &e))
		goto fail;
	snprintf(ly.x, sizeof ly.x, "%s", zm->patch_k ? "embed" : TRACE_INPUT);
	for (ly.layer = 0; ly.layer < zm->layers; ly.layer++) {
		/* odd layers of an MoE model: gate + experts for FFN */
		ly.moe = zm->experts && ly.layer % 2 == 1;
		if (layer_ops(zm, o, &ly, t, &e))
			goto fail;
		snprintf(ly.x, sizeof ly.x, "l%u.res2", ly.layer);
	}
	snprintf(t->model, sizeof t->model, "%s", zm->name);
	t->seq = o->seq;
	return 0;
fail:
	trace_free(t);
	return err_set(err, "zoo", 0, e.field, "%s", e.msg);
}

/* ---- `stasim trace` options ---- */

int zoo_parse_nm(const char *s, uint32_t *n, uint32_t *m)
{
	char a[32], *colon;
	uint64_t x, y;

	if (!strcmp(s, "dense")) {	/* what reports print for 1:1 */
		*n = *m = 1;
		return 0;
	}
	if (strlen(s) >= sizeof a)	/* never parse a truncated copy */
		return -1;
	snprintf(a, sizeof a, "%s", s);
	colon = strchr(a, ':');
	if (!colon)
		return -1;
	*colon = 0;
	if (num_u64(a, &x) || num_u64(colon + 1, &y) || x < 1 || x > y ||
	    y > TRACE_NM_MAX)
		return -1;
	*n = (uint32_t)x;
	*m = (uint32_t)y;
	return 0;
}

/*
 * "TYPE=N:M,TYPE=N:M,..." with TYPE attn, ffn or embed, each at most once
 * (N:M may be "dense"):
 * those types get their pattern, the others and the common one are dense.
 * o is changed only when the whole list is good.
 */
static int parse_nm_list(const char *v, struct zoo_opts *o)
{
	uint32_t tn[ZOO_W_COUNT] = { 0 }, tm[ZOO_W_COUNT] = { 0 };
	char a[128], *item, *next, *eq;
	int wt;

	if (strlen(v) >= sizeof a)
		return -1;
	snprintf(a, sizeof a, "%s", v);
	for (item = a; item; item = next) {
		next = strchr(item, ',');
		if (next)
			*next++ = 0;
		eq = strchr(item, '=');
		if (!eq)
			return -1;
		*eq = 0;
		for (wt = 0; wt < ZOO_W_COUNT; wt++)
			if (!strcmp(item, wtype_names[wt]))
				break;
		if (wt == ZOO_W_COUNT || tn[wt] ||
		    zoo_parse_nm(eq + 1, &tn[wt], &tm[wt]))
			return -1;
	}
	o->nm_n = o->nm_m = 1;
	memcpy(o->type_n, tn, sizeof tn);
	memcpy(o->type_m, tm, sizeof tm);
	return 0;
}

/* "uniform" | "computed" | "zipf:S" (S x 100) | "hot:H:P" (P in %). */
static int parse_routing(const char *v, struct zoo_opts *zo)
{
	char a[64], *p, *q;
	uint64_t x, y;

	snprintf(a, sizeof a, "%s", v);
	zo->skew = zo->hot = 0;
	if (!strcmp(a, "uniform") || !strcmp(a, "computed")) {
		zo->routing = a[0] == 'u' ? ROUTE_UNIFORM : ROUTE_COMPUTED;
		return 0;
	}
	if (!strncmp(a, "zipf:", 5) && !num_u64(a + 5, &x) && x <= 1000) {
		zo->routing = ROUTE_ZIPF;
		zo->skew = (uint32_t)x;
		return 0;
	}
	if (strncmp(a, "hot:", 4) || !(q = strchr(p = a + 4, ':')))
		return -1;
	*q = 0;
	if (num_u64(p, &x) || num_u64(q + 1, &y) || x < 1 ||
	    x > TRACE_EXPERTS_MAX || y > 100)
		return -1;
	zo->routing = ROUTE_HOT;
	zo->hot = (uint32_t)x;
	zo->skew = (uint32_t)y;
	return 0;
}


int zoo_known_opt(const char *opt)
{
	static const char *const opts[] = { "--seq", "--batch", "--nm",
					    "--task", "--routing", NULL };
	int i;

	for (i = 0; opts[i]; i++)
		if (!strcmp(opt, opts[i]))
			return 1;
	return 0;
}

int zoo_parse_opt(const char *opt, const char *val, struct zoo_opts *o,
		  char *msg, size_t len)
{
	uint64_t x;

	if (!strcmp(opt, "--seq")) {
		if (num_u64(val, &x) || x < 1 || x > TRACE_DIM_MAX)
			goto bad;
		o->seq = (uint32_t)x;
	} else if (!strcmp(opt, "--batch")) {
		if (num_u64(val, &x) || x < 1 || x > TRACE_HEADS_MAX)
			goto bad;
		o->batch = (uint32_t)x;
	} else if (!strcmp(opt, "--nm")) {
		if (strchr(val, '=')) {
			if (parse_nm_list(val, o))
				goto bad;
		} else {
			if (zoo_parse_nm(val, &o->nm_n, &o->nm_m))
				goto bad;
			memset(o->type_n, 0, sizeof o->type_n);
			memset(o->type_m, 0, sizeof o->type_m);
		}
	} else if (!strcmp(opt, "--task")) {
		if (num_u64(val, &x) || x > 63)
			goto bad;
		o->task = (uint32_t)x;
	} else if (!strcmp(opt, "--routing")) {
		if (parse_routing(val, o))
			goto bad;
	} else {
		snprintf(msg, len, "trace: unknown option '%s'", opt);
		return -1;
	}
	return 0;
bad:
	snprintf(msg, len, "%s: '%s' is not %s", opt, val,
		 !strcmp(opt, "--seq") ? "an integer in 1..1048576" :
		 !strcmp(opt, "--batch") ? "an integer in 1..1024" :
		 !strcmp(opt, "--nm") ? "N:M with 1 <= N <= M <= 64, dense, or a "
					"list TYPE=N:M,... of types attn, ffn, embed" :
		 !strcmp(opt, "--task") ? "an integer in 0..63" :
		 "uniform, computed, zipf:S or hot:H:P");
	return -1;
}

void zoo_describe(const char *model, const struct zoo_opts *o, char *buf,
		  size_t len)
{
	const struct zoo_model *zm = zoo_find(model);
	char batch[32] = "", weights[128];
	size_t used = 0;
	int wt;

	if (batch_of(o) > 1)
		snprintf(batch, sizeof batch, ", batch %u", batch_of(o));
	snprintf(weights, sizeof weights, "%u:%u", o->nm_n, o->nm_m);
	/* per-type patterns: every type the model has, as it gets built */
	for (wt = 0; has_type_nm(o) && wt < ZOO_W_COUNT; wt++) {
		uint32_t n, m;

		if (wt == ZOO_W_EMBED && !(zm && zm->patch_k))
			continue;
		wtype_nm(o, (enum zoo_wtype)wt, &n, &m);
		used += (size_t)snprintf(weights + used, sizeof weights - used,
					 "%s%s=%u:%u", used ? " " : "",
					 wtype_names[wt], n, m);
		if (used >= sizeof weights)
			break;
	}
	snprintf(buf, len, "%.64s, seq %u%s, weights %s%s (written by stasim "
		 "trace)", model, o->seq, batch, weights,
		 zm && zm->experts ? ", MoE routing in the moe ops" : "");
}
