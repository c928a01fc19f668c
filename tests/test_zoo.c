/*
 * test_zoo.c - the model zoo's workloads (sim/zoo.c) and the SCALE-Sim
 * topology importer (sim/scalesim.c).
 *
 * Expected MACs come from the models' published dimensions through the
 * formula written out in model_macs(), never from the zoo's own tables;
 * the totals are also pinned to the numbers docs/trace-format.md prints.
 * The shipped traces pin the existing models. The graphs (which tensors
 * each op reads) are pinned by tables written from the models' structure:
 * pre-norm residual layers, attention, FFN or MoE. The importer's expected
 * shapes are computed by hand in the comments next to them, and its bad
 * inputs are one table (bad_topos) written to a scratch directory.
 */
#include "testutil.h"

#include <fcntl.h>

#include "err.h"
#include "scalesim.h"
#include "trace.h"
#include "zoo.h"

/* ------------------------------------------------------------------ */
/* Helpers */

/* Dense-equivalent MACs of one op, as docs/trace-format.md defines them. */
static uint64_t op_macs(const struct op *op)
{
	switch (op->kind) {
	case OP_GEMM:
		return (uint64_t)op->m * op->k * op->n;
	case OP_MATMUL:
		return (uint64_t)op->heads * op->m * op->k * op->n;
	case OP_MOE:
		return 2ull * op->m * op->topk * op->k * op->n;
	default:
		return 0;
	}
}

static uint64_t trace_macs(const struct trace *t)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < t->n_ops; i++)
		sum += op_macs(&t->ops[i]);
	return sum;
}

static const struct op *find_op(const struct trace *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->n_ops; i++)
		if (!strcmp(t->ops[i].name, name))
			return &t->ops[i];
	fail_msg("no op named %s", name);
	return NULL;
}

/* The tensors op reads, "a,b", and the one it writes, into buf. */
static const char *io_of(const struct trace *t, const struct op *op,
			 char *buf, size_t len)
{
	uint32_t j;
	size_t used = 0;

	buf[0] = '\0';
	for (j = 0; j < op->n_in; j++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
					 j ? "," : "", t->tensors[op->in[j]].name);
	snprintf(buf + used, len - used, " -> %s", t->tensors[op->out].name);
	return buf;
}

static void build(const char *model, const struct zoo_opts *o,
		  struct trace *t)
{
	struct sim_err err;

	if (zoo_build(model, o, t, &err))
		fail_msg("zoo_build %s: %s: %s", model, err.field, err.msg);
}

/* Apply `stasim trace` options "--opt", "value", ... to model's defaults. */
static void opts_of(const char *model, struct zoo_opts *o, int n,
		    const char *const *argv)
{
	char msg[256];
	int i;

	assert_int_equal(zoo_defaults(model, o), 0);
	for (i = 0; i + 1 < n; i += 2) {
		assert_true(zoo_known_opt(argv[i]));
		if (zoo_parse_opt(argv[i], argv[i + 1], o, msg, sizeof msg))
			fail_msg("%s %s: %s", argv[i], argv[i + 1], msg);
	}
}

/* Write len bytes to the scratch file name; returns its path (s->path). */
static const char *put(struct scratch *s, const char *name, const void *buf,
		       size_t len)
{
	put_bytes(scratch_file(s, name), buf, len);
	return s->path;
}

/* ------------------------------------------------------------------ */
/* New models */

struct model_dims {
	const char *name;
	uint64_t layers, d, heads, ffn, seq;	/* as the papers give them */
	uint64_t doc_macs;	/* docs/trace-format.md, at the default seq */
};

static const struct model_dims new_models[] = {
	/* Devlin et al. 2019: BERT-large L=24, H=1024, A=16 */
	{ "bert-large", 24, 1024, 16, 4096, 128, 39460012032ull },
	/* Dosovitskiy et al. 2021: ViT-L/16, 14x14 patches + cls */
	{ "vit-l16", 24, 1024, 16, 4096, 197, 61399547904ull },
	/* Touvron et al. 2021: DeiT-S */
	{ "deit-small", 12, 384, 6, 1536, 197, 4540695552ull },
	/* Radford et al. 2019: GPT-2 small, prefill of 512 tokens */
	{ "gpt2", 12, 768, 12, 3072, 512, 48318382080ull },
};

/*
 * One layer at s tokens, width D, h heads of D/h, FFN F:
 *   QKV s*D*3D + proj s*D*D + FFN 2*s*D*F             (gemms)
 *   Q.K^T h*s*(D/h)*s + A.V h*s*s*(D/h) = 2*s*s*D     (matmuls)
 */
static uint64_t model_macs(const struct model_dims *md, uint64_t s)
{
	uint64_t d = md->d, hd = md->d / md->heads;
	uint64_t gemm = s * d * 3 * d + s * d * d + 2 * s * d * md->ffn;
	uint64_t matmul = 2 * md->heads * s * hd * s;

	return md->layers * (gemm + matmul);
}

static void test_new_models_macs(void **state)
{
	const char *const *names = zoo_models();
	struct zoo_opts o;
	struct trace t;
	char last[32];
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof new_models / sizeof new_models[0]; i++) {
		const struct model_dims *md = &new_models[i];

		assert_string_equal(names[4 + i], md->name);
		assert_int_equal(zoo_defaults(md->name, &o), 0);
		assert_int_equal(o.seq, md->seq);
		assert_int_equal(o.batch, 1);
		assert_false(zoo_has_moe(md->name));
		assert_true(model_macs(md, md->seq) == md->doc_macs);
		build(md->name, NULL, &t);
		assert_int_equal(t.n_ops, 12 * md->layers);
		assert_true(trace_macs(&t) == md->doc_macs);
		assert_string_equal(t.ops[0].name, "l0.ln1");
		snprintf(last, sizeof last, "l%u.res2",
			 (unsigned)md->layers - 1);
		assert_string_equal(t.ops[t.n_ops - 1].name, last);
		for (j = 0; j < t.n_ops; j++) {
			assert_true(op_is_dense(&t.ops[j]));
			assert_int_equal(t.ops[j].line, (int)j + 3); /* header, meta */
		}
		/* the attention of one head at the default seq */
		assert_int_equal(find_op(&t, "l0.qk")->k, md->d / md->heads);
		assert_int_equal(find_op(&t, "l0.qk")->n, md->seq);
		assert_int_equal(find_op(&t, "l0.qk")->heads, md->heads);
		assert_int_equal(find_op(&t, "l0.ffn2")->k, md->ffn);
		trace_free(&t);

		/* another seq: the formula still holds */
		o.seq = 64;
		build(md->name, &o, &t);
		assert_true(trace_macs(&t) == model_macs(md, 64));
		trace_free(&t);
	}
	assert_null(names[8]);
}

/* GPT-2's prefill at its full 1024-token context still fits a trace. */
static void test_gpt2_context(void **state)
{
	static const char *const argv[] = { "--seq", "1024", "--nm", "2:4" };
	struct zoo_opts o;
	struct trace t;
	const struct op *qk;

	(void)state;
	opts_of("gpt2", &o, 4, argv);
	build("gpt2", &o, &t);
	qk = find_op(&t, "l11.qk");
	assert_int_equal(qk->m, 1024);
	assert_int_equal(qk->n, 1024);
	assert_int_equal(qk->heads, 12);
	assert_true(trace_macs(&t) == model_macs(&new_models[3], 1024));
	assert_int_equal(find_op(&t, "l11.ffn1")->nm_m, 4);
	trace_free(&t);
}

/* ------------------------------------------------------------------ */
/* --batch */

static void test_batch(void **state)
{
	static const char *const argv[] = { "--batch", "4" };
	const char *const *m;
	struct zoo_opts o;
	struct trace one, four;
	size_t i;

	(void)state;
	for (m = zoo_models(); *m; m++) {
		build(*m, NULL, &one);
		opts_of(*m, &o, 2, argv);
		assert_int_equal(o.batch, 4);
		build(*m, &o, &four);
		assert_int_equal(one.n_ops, four.n_ops);
		for (i = 0; i < one.n_ops; i++) {
			const struct op *a = &one.ops[i], *b = &four.ops[i];
			int per_head = a->kind == OP_MATMUL ||
				       a->kind == OP_SOFTMAX;

			assert_string_equal(a->name, b->name);
			assert_true(op_macs(b) == 4 * op_macs(a));
			assert_int_equal(b->m, per_head ? a->m : 4 * a->m);
			assert_int_equal(b->heads,
					 per_head ? 4 * a->heads : a->heads);
			assert_int_equal(b->k, a->k);
			assert_int_equal(b->n, a->n);
			assert_int_equal(b->nm_n, a->nm_n);
			assert_int_equal(b->topk, a->topk);
		}
		assert_true(trace_macs(&four) == 4 * trace_macs(&one));
		trace_free(&one);
		trace_free(&four);
	}
}

static void test_batch_limits(void **state)
{
	struct zoo_opts o;
	struct trace t;
	struct sim_err err;
	char msg[256];

	(void)state;
	/* an initializer that predates batch leaves it 0: read as 1 */
	o = (struct zoo_opts){ .seq = 128, .nm_n = 2, .nm_m = 4 };
	build("bert-base", &o, &t);
	assert_int_equal(t.ops[0].m, 128);
	assert_int_equal(find_op(&t, "l0.qk")->heads, 12);
	trace_free(&t);

	assert_int_equal(zoo_defaults("bert-large", &o), 0);
	assert_int_equal(zoo_parse_opt("--batch", "0", &o, msg, sizeof msg),
			 -1);
	assert_non_null(strstr(msg, "--batch: '0' is not an integer in "
			       "1..1024"));
	assert_int_equal(zoo_parse_opt("--batch", "1025", &o, msg,
				       sizeof msg), -1);
	assert_int_equal(zoo_parse_opt("--batch", "4x", &o, msg, sizeof msg),
			 -1);
	/* 16 heads x 64 = 1024 heads is the most a matmul may have */
	assert_int_equal(zoo_parse_opt("--batch", "64", &o, msg, sizeof msg),
			 0);
	build("bert-large", &o, &t);
	assert_int_equal(find_op(&t, "l0.qk")->heads, 1024);
	assert_int_equal(find_op(&t, "l0.qkv")->m, 128 * 64);
	trace_free(&t);
	o.batch = 65;
	assert_int_equal(zoo_build("bert-large", &o, &t, &err), -1);
	assert_string_equal(err.field, "batch");
	assert_non_null(strstr(err.msg, "1040 heads"));
	assert_int_equal(t.n_ops, 0);
	/* seq x batch beyond 2^20 tokens */
	assert_int_equal(zoo_defaults("deit-tiny", &o), 0);
	o.seq = 8192;
	o.batch = 200;
	assert_int_equal(zoo_build("deit-tiny", &o, &t, &err), -1);
	assert_string_equal(err.field, "batch");
	/* an operand beyond 2^31 elements because of the batch: the scores
	 * of 12 x 16 heads of 4096 x 4096 (one sequence alone fits) */
	assert_int_equal(zoo_defaults("gpt2", &o), 0);
	o.seq = 4096;
	build("gpt2", &o, &t);
	trace_free(&t);
	o.batch = 16;
	assert_int_equal(zoo_build("gpt2", &o, &t, &err), -1);
	assert_string_equal(err.field, "batch");
	assert_non_null(strstr(err.msg, "qk an operand of 3221225472"));
}

/* ------------------------------------------------------------------ */
/* --nm per weight type */

static void assert_nm(const struct op *op, uint32_t n, uint32_t m)
{
	if (op->nm_n != n || op->nm_m != m)
		fail_msg("%s: nm %u:%u, want %u:%u", op->name, op->nm_n,
			 op->nm_m, n, m);
}

static void test_nm_per_type(void **state)
{
	static const char *const all[] = {
		"--nm", "2:4", "--nm", "ffn=2:8,attn=4:8,embed=1:4"
	};
	static const char *const ffn_only[] = { "--nm", "ffn=2:8" };
	static const char *const back[] = {
		"--nm", "ffn=2:8", "--nm", "2:4"
	};
	struct zoo_opts o;
	struct trace t;
	size_t i;

	(void)state;
	/* the later --nm replaces the earlier one; m3vit has every type */
	opts_of("m3vit-tiny", &o, 4, all);
	build("m3vit-tiny", &o, &t);
	for (i = 0; i < t.n_ops; i++) {
		const struct op *op = &t.ops[i];
		const char *dot = strchr(op->name, '.');
		const char *s = dot ? dot + 1 : op->name;

		if (!strcmp(s, "embed"))
			assert_nm(op, 1, 4);
		else if (!strcmp(s, "qkv") || !strcmp(s, "proj"))
			assert_nm(op, 4, 8);
		else if (!strcmp(s, "ffn1") || !strcmp(s, "ffn2") ||
			 op->kind == OP_MOE)
			assert_nm(op, 2, 8);
		else
			assert_nm(op, 1, 1);	/* matmul, gate, vector */
	}
	assert_int_equal(find_op(&t, "l1.moe")->kind, OP_MOE);
	trace_free(&t);

	/* types left out of the list are dense */
	opts_of("bert-base", &o, 2, ffn_only);
	build("bert-base", &o, &t);
	assert_nm(find_op(&t, "l3.qkv"), 1, 1);
	assert_nm(find_op(&t, "l3.proj"), 1, 1);
	assert_nm(find_op(&t, "l3.ffn1"), 2, 8);
	assert_nm(find_op(&t, "l3.ffn2"), 2, 8);
	trace_free(&t);

	/* and one pattern after a list applies to every type again */
	opts_of("vit-l16", &o, 4, back);
	build("vit-l16", &o, &t);
	for (i = 0; i < t.n_ops; i++)
		if (t.ops[i].kind == OP_GEMM)
			assert_nm(&t.ops[i], 2, 4);
	trace_free(&t);
}

static void test_nm_per_type_errors(void **state)
{
	static const char *const bad[] = {
		"ffn=2:8,ffn=1:4",	/* a type twice */
		"mlp=2:4",		/* unknown type */
		"ffn=5:4",		/* N > M */
		"attn=2:128",		/* M above 64 */
		"ffn",			/* no pattern */
		"ffn=2:4,",		/* empty item */
		"=2:4",
		"ffn=",
		"ffn=2:4;attn=1:2",
		"2:4,ffn=2:8",
	};
	struct zoo_opts o, before;
	struct trace t;
	struct sim_err err;
	char msg[256];
	size_t i;

	(void)state;
	assert_int_equal(zoo_defaults("bert-base", &o), 0);
	assert_int_equal(zoo_parse_opt("--nm", "attn=1:2", &o, msg,
				       sizeof msg), 0);
	before = o;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (!zoo_parse_opt("--nm", bad[i], &o, msg, sizeof msg))
			fail_msg("--nm %s accepted", bad[i]);
		assert_non_null(strstr(msg, "--nm: '"));
		assert_non_null(strstr(msg, "TYPE=N:M"));
		/* a bad list leaves the options as they were */
		assert_memory_equal(&o, &before, sizeof o);
	}
	/* a sparse embed on a model without a patch embedding */
	assert_int_equal(zoo_parse_opt("--nm", "embed=2:4", &o, msg,
				       sizeof msg), 0);
	assert_int_equal(zoo_build("bert-base", &o, &t, &err), -1);
	assert_string_equal(err.field, "nm");
	assert_non_null(strstr(err.msg, "no patch embedding"));
	/* a dense one says nothing false, so it is accepted */
	assert_int_equal(zoo_parse_opt("--nm", "embed=1:1,ffn=2:4", &o, msg,
				       sizeof msg), 0);
	build("bert-base", &o, &t);
	trace_free(&t);
	/* a library caller's bad per-type pattern is caught by zoo_build */
	o.type_n[ZOO_W_ATTN] = 3;
	o.type_m[ZOO_W_ATTN] = 2;
	assert_int_equal(zoo_build("bert-base", &o, &t, &err), -1);
	assert_string_equal(err.field, "nm");
	assert_non_null(strstr(err.msg, "attn=3:2"));
}


/* ------------------------------------------------------------------ */
/* The graph: what each op reads */

struct want_io {
	const char *op;		/* op name */
	const char *io;		/* "in,in -> out" */
};

static void assert_io(const struct trace *t, const struct want_io *w,
		      size_t n)
{
	char buf[256];
	size_t i;

	for (i = 0; i < n; i++) {
		io_of(t, find_op(t, w[i].op), buf, sizeof buf);
		if (strcmp(buf, w[i].io))
			fail_msg("%s reads %s, want %s", w[i].op, buf, w[i].io);
	}
}

/* BERT-base, pre-norm: layer 0 from the graph input, layer 1 from
 * layer 0's output; every op writes a tensor of its own name. */
static void test_graph_bert(void **state)
{
	static const struct want_io want[] = {
		{ "l0.ln1", "input -> l0.ln1" },
		{ "l0.qkv", "l0.ln1 -> l0.qkv" },
		{ "l0.qk", "l0.qkv,l0.qkv -> l0.qk" },
		{ "l0.sm", "l0.qk -> l0.sm" },
		{ "l0.av", "l0.sm,l0.qkv -> l0.av" },
		{ "l0.proj", "l0.av -> l0.proj" },
		{ "l0.res1", "input,l0.proj -> l0.res1" },
		{ "l0.ln2", "l0.res1 -> l0.ln2" },
		{ "l0.ffn1", "l0.ln2 -> l0.ffn1" },
		{ "l0.gelu", "l0.ffn1 -> l0.gelu" },
		{ "l0.ffn2", "l0.gelu -> l0.ffn2" },
		{ "l0.res2", "l0.res1,l0.ffn2 -> l0.res2" },
		{ "l1.ln1", "l0.res2 -> l1.ln1" },
		{ "l1.qk", "l1.qkv,l1.qkv -> l1.qk" },
		{ "l1.av", "l1.sm,l1.qkv -> l1.av" },
		{ "l1.res1", "l0.res2,l1.proj -> l1.res1" },
		{ "l1.res2", "l1.res1,l1.ffn2 -> l1.res2" },
		{ "l11.res1", "l10.res2,l11.proj -> l11.res1" },
		{ "l11.res2", "l11.res1,l11.ffn2 -> l11.res2" },
	};
	struct trace t;
	const struct op *res1;

	(void)state;
	build("bert-base", NULL, &t);
	assert_io(&t, want, sizeof want / sizeof want[0]);
	/* 1 graph input and 144 op outputs */
	assert_int_equal(t.n_tensors, 145);
	/* the residual stream is kept from ln1 until res1 reads it */
	res1 = find_op(&t, "l3.res1");
	assert_int_equal(trace_last_reader(&t, res1->in[0]),
			 (int32_t)(res1 - t.ops));
	assert_int_equal(trace_producer(&t, res1->in[0]), 12 * 3 - 1);
	assert_int_equal(trace_next_reader(&t, res1->in[0], 12 * 3 - 1),
			 12 * 3);	/* l3.ln1 */
	/* qkv: read by qk and by av */
	assert_int_equal(trace_last_reader(&t, find_op(&t, "l0.qkv")->out), 4);
	trace_free(&t);
}

/* M3ViT-Tiny: the patch embedding feeds layer 0; an MoE layer's gate and
 * experts both read ln2's tokens, and res2 adds the experts' output. */
static void test_graph_m3vit(void **state)
{
	static const struct want_io want[] = {
		{ "embed", "input -> embed" },
		{ "l0.ln1", "embed -> l0.ln1" },
		{ "l0.res1", "embed,l0.proj -> l0.res1" },
		{ "l0.ffn2", "l0.gelu -> l0.ffn2" },
		{ "l0.res2", "l0.res1,l0.ffn2 -> l0.res2" },
		{ "l1.ln1", "l0.res2 -> l1.ln1" },
		{ "l1.av", "l1.sm,l1.qkv -> l1.av" },
		{ "l1.res1", "l0.res2,l1.proj -> l1.res1" },
		{ "l1.ln2", "l1.res1 -> l1.ln2" },
		{ "l1.gate", "l1.ln2 -> l1.gate" },
		{ "l1.moe", "l1.ln2 -> l1.moe" },
		{ "l1.res2", "l1.res1,l1.moe -> l1.res2" },
		{ "l2.ln1", "l1.res2 -> l2.ln1" },
		{ "l2.res2", "l2.res1,l2.ffn2 -> l2.res2" },
		{ "l11.res2", "l11.res1,l11.moe -> l11.res2" },
	};
	struct trace t;

	(void)state;
	build("m3vit-tiny", NULL, &t);
	assert_io(&t, want, sizeof want / sizeof want[0]);
	assert_int_equal(trace_last_reader(&t, find_op(&t, "l1.ln2")->out),
			 (int32_t)(find_op(&t, "l1.moe") - t.ops));
	trace_free(&t);
}

/*
 * Every model, in several shapes: each op reads as many tensors as its
 * kind, each written by an earlier op or the graph input "input", and
 * writes a new tensor of its own name. Nothing is read that nobody wrote
 * but "input"; nothing written goes unread but the last op's output and
 * the gates' routing (the moe op after a gate takes it by position).
 */
static void test_graph_all_models(void **state)
{
	static const char *const shapes[][4] = {
		{ "--nm", "2:4", "--seq", "16" },
		{ "--batch", "2", "--seq", "8" },
		{ "--seq", "1", "--nm", "ffn=1:4" },
	};
	const char *const *models = zoo_models();
	struct zoo_opts o;
	struct trace t;
	size_t m, c, i, inputs;
	uint32_t j;

	(void)state;
	for (m = 0; models[m]; m++) {
		for (c = 0; c < sizeof shapes / sizeof shapes[0]; c++) {
			opts_of(models[m], &o, 4, shapes[c]);
			build(models[m], &o, &t);
			for (i = 0; i < t.n_ops; i++) {
				const struct op *op = &t.ops[i];

				assert_int_equal(op->n_in, op->kind == OP_MATMUL ||
						 op->kind == OP_ADD ? 2 : 1);
				for (j = 0; j < op->n_in; j++) {
					int32_t p = trace_producer(&t, op->in[j]);

					if (p < 0)
						assert_string_equal(
							t.tensors[op->in[j]].name,
							"input");
					else
						assert_true((size_t)p < i);
				}
				assert_string_equal(t.tensors[op->out].name,
						    op->name);
				assert_int_equal(trace_producer(&t, op->out),
						 (int32_t)i);
				if (trace_last_reader(&t, op->out) < 0 &&
				    i + 1 < t.n_ops)
					assert_int_equal(op->kind, OP_GATE);
			}
			for (i = 0, inputs = 0; i < t.n_tensors; i++)
				inputs += t.tensors[i].producer < 0;
			assert_int_equal(inputs, 1);
			assert_int_equal(t.n_tensors, t.n_ops + 1);
			trace_free(&t);
		}
	}
}

/* ------------------------------------------------------------------ */
/* The existing models are unchanged */

static void test_existing_models_unchanged(void **state)
{
	static const struct {
		const char *model, *shipped;
	} cases[] = {
		{ "bert-base", "traces/bert-base-s128-2of4.trace.gz" },
		{ "vit-b16", "traces/vit-b16-2of4.trace.gz" },
		{ "deit-tiny", "traces/deit-tiny-2of4.trace.gz" },
		{ "m3vit-tiny", "traces/m3vit-tiny-2of4.trace.gz" },
	};
	static const char *const argv[] = { "--nm", "2:4" };
	char path[1024], ioa[256], iob[256];
	struct zoo_opts o;
	struct trace a, b;
	struct sim_err err;
	size_t c, i;

	(void)state;
	for (c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		opts_of(cases[c].model, &o, 2, argv);
		build(cases[c].model, &o, &a);
		src_path(path, sizeof path, cases[c].shipped);
		if (trace_read(path, &b, &err))
			fail_msg("%s: %s", path, err.msg);
		assert_int_equal(a.n_ops, b.n_ops);
		for (i = 0; i < a.n_ops; i++) {
			const struct op *x = &a.ops[i], *y = &b.ops[i];

			assert_int_equal(x->kind, y->kind);
			assert_string_equal(x->name, y->name);
			assert_int_equal(x->m, y->m);
			assert_int_equal(x->k, y->k);
			assert_int_equal(x->n, y->n);
			assert_int_equal(x->heads, y->heads);
			assert_int_equal(x->nm_n, y->nm_n);
			assert_int_equal(x->nm_m, y->nm_m);
			assert_int_equal(x->experts, y->experts);
			assert_int_equal(x->topk, y->topk);
			assert_int_equal(x->tasks, y->tasks);
			assert_int_equal(x->line + 1, y->line); /* comment */
			assert_string_equal(io_of(&a, x, ioa, sizeof ioa),
					    io_of(&b, y, iob, sizeof iob));
		}
		assert_int_equal(a.n_tensors, b.n_tensors);
		trace_free(&a);
		trace_free(&b);
	}
}

/* A few op lines as the writer prints them, and the comment it gets. */
static void test_existing_lines(void **state)
{
	static const char *const argv[] = { "--nm", "2:4" };
	static const char *const want[] = {
		"# bert-base, seq 128, weights 2:4 (written by stasim trace)\n",
		"layernorm name=l0.ln1 m=128 n=768\n",
		"gemm name=l0.qkv m=128 k=768 n=2304 nm=2:4\n",
		"matmul name=l0.qk m=128 k=64 n=128 heads=12\n",
		"softmax name=l0.sm m=128 n=128 heads=12\n",
		"gemm name=l11.ffn2 m=128 k=3072 n=768 nm=2:4\n",
	};
	struct scratch *s = *state;
	struct zoo_opts o;
	struct trace t;
	struct sim_err err;
	char comment[256], *text;
	FILE *f;
	long len;
	size_t i;

	opts_of("bert-base", &o, 2, argv);
	zoo_describe("bert-base", &o, comment, sizeof comment);
	build("bert-base", &o, &t);
	scratch_file(s, "bert.trace");
	assert_int_equal(trace_write(s->path, &t, comment, &err), 0);
	trace_free(&t);
	f = fopen(s->path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	text = calloc(1, (size_t)len + 1);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	for (i = 0; i < sizeof want / sizeof want[0]; i++)
		if (!strstr(text, want[i]))
			fail_msg("missing line: %s", want[i]);
	free(text);
}

static void test_describe(void **state)
{
	static const char *const batch[] = {
		"--batch", "8", "--nm", "attn=4:8,ffn=2:8", "--seq", "256"
	};
	static const char *const moe[] = { "--nm", "ffn=2:4,embed=1:2" };
	struct zoo_opts o;
	char buf[256];

	(void)state;
	/* the shipped traces' comments, as main.c wrote them before */
	assert_int_equal(zoo_defaults("m3vit-tiny", &o), 0);
	o.nm_n = 2;
	o.nm_m = 4;
	zoo_describe("m3vit-tiny", &o, buf, sizeof buf);
	assert_string_equal(buf, "m3vit-tiny, seq 129, weights 2:4, MoE "
			    "routing in the moe ops (written by stasim "
			    "trace)");
	assert_int_equal(zoo_defaults("vit-b16", &o), 0);
	zoo_describe("vit-b16", &o, buf, sizeof buf);
	assert_string_equal(buf, "vit-b16, seq 197, weights 1:1 (written by "
			    "stasim trace)");
	opts_of("gpt2", &o, 6, batch);
	zoo_describe("gpt2", &o, buf, sizeof buf);
	assert_string_equal(buf, "gpt2, seq 256, batch 8, weights attn=4:8 "
			    "ffn=2:8 (written by stasim trace)");
	opts_of("m3vit-tiny", &o, 2, moe);
	zoo_describe("m3vit-tiny", &o, buf, sizeof buf);
	assert_string_equal(buf, "m3vit-tiny, seq 129, weights attn=1:1 "
			    "ffn=2:4 embed=1:2, MoE routing in the moe ops "
			    "(written by stasim trace)");
}

/* ------------------------------------------------------------------ */
/* SCALE-Sim import: the shipped examples */

static void read_topo(const char *rel, const struct scalesim_opts *o,
		      struct trace *t)
{
	char path[1024];
	struct sim_err err;

	src_path(path, sizeof path, rel);
	if (scalesim_read(path, o, t, &err))
		fail_msg("%s:%d: %s: %s", err.file, err.line, err.field,
			 err.msg);
	assert_string_equal(t->path, path);
}

static void assert_shape(const struct op *op, const char *name, uint32_t m,
			 uint32_t k, uint32_t n, int line)
{
	assert_int_equal(op->kind, OP_GEMM);
	assert_string_equal(op->name, name);
	assert_int_equal(op->m, m);
	assert_int_equal(op->k, k);
	assert_int_equal(op->n, n);
	assert_int_equal(op->heads, 1);
	assert_int_equal(op->line, line);
}

static void test_scalesim_conv(void **state)
{
	struct scalesim_opts sparse = { 2, 4 };
	struct trace t;
	size_t i;

	(void)state;
	read_topo("traces/scalesim/alexnet.csv", NULL, &t);
	assert_int_equal(t.n_ops, 5);
	/*
	 * Conv1: 224x224x3, 11x11 filters, stride 4, 96 of them.
	 * out = ceil((224 - 11) / 4) + 1 = ceil(53.25) + 1 = 55 per side,
	 * so m = 55 * 55 = 3025; k = 11 * 11 * 3 = 363; n = 96.
	 */
	assert_shape(&t.ops[0], "Conv1", 3025, 363, 96, 2);
	/*
	 * Conv3: 13x13x256, 3x3, stride 1, 384 filters.
	 * out = (13 - 3) / 1 + 1 = 11: m = 121; k = 3 * 3 * 256 = 2304.
	 */
	assert_shape(&t.ops[2], "Conv3", 121, 2304, 384, 4);
	for (i = 0; i < t.n_ops; i++)
		assert_true(op_is_dense(&t.ops[i]));
	/*
	 * 3025*363*96 + 529*2400*256 + 121*2304*384 + 121*3456*384 +
	 * 121*3456*256 = 105415200 + 325017600 + 107053056 + 160579584 +
	 * 107053056 (Conv2: out 23, m 529, k 5*5*96 = 2400).
	 */
	assert_true(trace_macs(&t) == 805118496ull);
	trace_free(&t);

	read_topo("traces/scalesim/alexnet.csv", &sparse, &t);
	for (i = 0; i < t.n_ops; i++)
		assert_nm(&t.ops[i], 2, 4);
	trace_free(&t);
}

static void test_scalesim_gemm(void **state)
{
	struct trace t, z;

	(void)state;
	read_topo("traces/scalesim/bert-base-layer-gemm.csv", NULL, &t);
	assert_int_equal(t.n_ops, 4);
	/* "l0.qkv, 128, 2304, 768": M=128, N=2304, K=768: 128x768 * 768x2304 */
	assert_shape(&t.ops[0], "l0.qkv", 128, 768, 2304, 2);
	/* "l0.ffn2, 128, 768, 3072": M=128, N=768, K=3072 */
	assert_shape(&t.ops[3], "l0.ffn2", 128, 3072, 768, 5);
	/* the same shapes as the zoo's first bert-base layer */
	build("bert-base", NULL, &z);
	assert_shape(&t.ops[1], "l0.proj", find_op(&z, "l0.proj")->m,
		     find_op(&z, "l0.proj")->k, find_op(&z, "l0.proj")->n, 3);
	assert_shape(&t.ops[2], "l0.ffn1", find_op(&z, "l0.ffn1")->m,
		     find_op(&z, "l0.ffn1")->k, find_op(&z, "l0.ffn1")->n, 4);
	assert_int_equal(find_op(&z, "l0.qkv")->n, t.ops[0].n);
	trace_free(&z);
	trace_free(&t);
}

/* ------------------------------------------------------------------ */
/* SCALE-Sim import: what it accepts beyond the shipped files */

static void test_scalesim_lenient(void **state)
{
	/* CRLF, a byte-order mark, comments, blank rows, a missing trailing
	 * comma, any case in the header, odd and repeated names */
	static const char conv[] =
		"\xef\xbb\xbflayer NAME,ifmap  height,IFMAP Width,Filter "
		"Height,Filter Width,Channels,Num Filter,Strides,\r\n"
		"\r\n"
		"# a comment line\n"
		",,,,,,,,,,,,\n"
		"conv 1,6,7,3,3,2,4,2 # no trailing comma\n"
		"conv 1, 6, 6, 3, 3, 2, 4, 2,\n"
		"conv 1-2, 5, 5, 5, 5, 1, 1, 1,\n"
		", 1, 1, 1, 1, 1, 1, 1,\n";
	/* SCALE-Sim v3's Sparsity column (topologies/sparsity/gemm.csv) */
	static const char gemm[] =
		"Layer Name, M, N, K, Sparsity,\n"
		"GEMM_1, 3, 5, 16, 3:4,\n"
		"GEMM_1, 1, 5, 16, 1:4,\n"
		"dense, 2, 2, 2,\n"
		"dense too, 2, 2, 2, ,\n"
		"input, 1, 1, 1,\n";
	struct scratch *s = *state;
	struct scalesim_opts over = { 1, 1 };
	struct trace t;
	struct sim_err err;

	assert_int_equal(scalesim_read(put(s, "conv.csv", conv,
					   sizeof conv - 1), NULL, &t, &err),
			 0);
	assert_int_equal(t.n_ops, 4);
	/*
	 * 6x7 input, 3x3 filter, stride 2: out_h = ceil(3/2) + 1 = 3,
	 * out_w = ceil(4/2) + 1 = 3 (SCALE-Sim v2 rounds up; v1's floor
	 * would give 2 x 3); k = 3*3*2 = 18.
	 */
	assert_shape(&t.ops[0], "conv_1", 9, 18, 4, 5);
	assert_shape(&t.ops[1], "conv_1-2", 9, 18, 4, 6);	/* renamed */
	assert_shape(&t.ops[2], "conv_1-2-2", 1, 25, 1, 7);	/* and again */
	assert_shape(&t.ops[3], "layer3", 1, 1, 1, 8);		/* no name */
	trace_free(&t);

	assert_int_equal(scalesim_read(put(s, "gemm.csv", gemm,
					   sizeof gemm - 1), NULL, &t, &err),
			 0);
	assert_int_equal(t.n_ops, 5);
	/* "input" names what the first op reads: the layer is renamed */
	assert_shape(&t.ops[4], "input-2", 1, 1, 1, 6);
	assert_shape(&t.ops[0], "GEMM_1", 3, 16, 5, 2);
	assert_nm(&t.ops[0], 3, 4);
	assert_shape(&t.ops[1], "GEMM_1-2", 1, 16, 5, 3);
	assert_nm(&t.ops[1], 1, 4);
	assert_nm(&t.ops[2], 1, 1);
	assert_string_equal(t.ops[3].name, "dense_too");
	assert_nm(&t.ops[3], 1, 1);
	trace_free(&t);
	/* --nm overrides the column */
	assert_int_equal(scalesim_read(s->path, &over, &t, &err), 0);
	assert_nm(&t.ops[0], 1, 1);
	assert_nm(&t.ops[1], 1, 1);
	trace_free(&t);
}

/* ------------------------------------------------------------------ */
/* SCALE-Sim import: malformed topologies */

#define CONV_HDR "Layer name, IFMAP Height, IFMAP Width, Filter Height, " \
		 "Filter Width, Channels, Num Filter, Strides,\n"
#define GEMM_HDR "Layer, M, N, K,\n"
#define ROW1 "Conv1, 224, 224, 11, 11, 3, 96, 4,\n"

static const struct bad_topo {
	const char *text;	/* the file */
	int line;		/* expected error line (0 = whole file) */
	const char *field;	/* expected field */
	const char *msg;	/* a piece of the message */
} bad_topos[] = {
	{ "", 0, "", "empty file" },
	{ "\n# nothing\n\n", 0, "", "empty file" },
	{ CONV_HDR, 0, "", "topology has no layers" },
	{ GEMM_HDR "\n,,,,\n", 0, "", "topology has no layers" },
	{ "name, a, b, c\nx, 1, 2, 3\n", 1, "header", "unknown header" },
	{ "Layer\n", 1, "header", "unknown header" },
	{ "Layer name, IFMAP Height, IFMAP Width, Filter Heigth, Filter "
	  "Width, Channels, Num Filter, Strides,\n" ROW1, 1, "Filter Height",
	  "'Filter Heigth', expected 'Filter Height'" },
	{ "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter "
	  "Width, Channels, Num Filter,\n" ROW1, 1, "Strides",
	  "no 'Strides' column" },
	{ "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter "
	  "Width, Channels, Num Filter, Strides,,,Eh,Ew\n" ROW1, 1, "header",
	  "unknown column 'Eh'" },
	{ "Conv, IFMAP Height, IFMAP Width, Filter Height, Filter Width, "
	  "Channels, Num Filter, Strides,\n" ROW1, 1, "Layer name",
	  "expected 'Layer' or 'Layer name'" },
	{ "Layer, M, K, N,\nx, 1, 2, 3,\n", 1, "N", "expected 'N'" },
	{ CONV_HDR "Conv1, 224, 224, 11, 11, 3, 96,\n", 2, "Strides",
	  "missing column (the row has 7 of the 8 values)" },
	{ CONV_HDR "Conv1\n", 2, "IFMAP Height", "missing column" },
	{ CONV_HDR ROW1 "Conv2, 27, 2x7, 5, 5, 96, 256, 1,\n", 3,
	  "IFMAP Width", "'2x7' is not a decimal number" },
	{ CONV_HDR "Conv1, 224, 224, 11, 11, 0, 96, 4,\n", 2, "Channels",
	  "'0' is out of range (1..1048576)" },
	{ CONV_HDR "Conv1, 224, 224, 11, 11, 3, -96, 4,\n", 2, "Num Filter",
	  "'-96' is not a decimal number" },
	{ CONV_HDR "Conv1, 224, 224, 11, 11, 3, 96, 0,\n", 2, "Strides",
	  "out of range" },
	{ CONV_HDR "Conv1, 224, 224, 11, 11, 3, 96, 4.0,\n", 2, "Strides",
	  "not a decimal number" },
	{ CONV_HDR "Conv1, 224, , 11, 11, 3, 96, 4,\n", 2, "IFMAP Width",
	  "empty value" },
	{ CONV_HDR "Conv3, 11, 13, 13, 3, 256, 384, 1,\n", 2, "Filter Height",
	  "13 is larger than the IFMAP Height 11" },
	{ CONV_HDR "Conv3, 13, 2, 3, 3, 256, 384, 1,\n", 2, "Filter Width",
	  "3 is larger than the IFMAP Width 2" },
	{ CONV_HDR "Conv1, 224, 224, 11, 11, 3, 96, 4, 1,\n", 2, "",
	  "more values than the header's 8 columns" },
	{ CONV_HDR "Conv1, 7, 7, 3, 3, 200000, 8, 1,\n", 2, "Channels",
	  "k = 1800000" },
	{ CONV_HDR "Conv1, 2000, 2000, 1, 1, 1, 1, 1,\n", 2, "IFMAP Height",
	  "m = 4000000" },
	{ GEMM_HDR "x, 99999999999999999999999, 1, 1,\n", 2, "M",
	  "out of range" },
	{ GEMM_HDR "x, 1048576, 1, 4096,\n", 2, "M",
	  "the activations m*k have 4294967296 elements" },
	{ GEMM_HDR "x, 1, 65536, 65536,\n", 2, "K", "the weights k*n" },
	{ GEMM_HDR "x, 65536, 65536, 1,\n", 2, "M", "the output m*n" },
	{ "Layer, M, N, K, Sparsity,\nx, 4, 4, 4, 5:4,\n", 2, "Sparsity",
	  "'5:4' is not N:M" },
	{ "Layer, M, N, K, Sparsity,\nx, 4, 4, 4, half,\n", 2, "Sparsity",
	  "not N:M" },
	/* blank lines and comments still count */
	{ GEMM_HDR "\n# c\n\nx, 1, 2, 3,\ny, 1, 2,\n", 6, "K",
	  "missing column" },
};

static void test_scalesim_bad(void **state)
{
	struct scratch *s = *state;
	struct trace t;
	struct sim_err err;
	char name[32];
	size_t i;

	for (i = 0; i < sizeof bad_topos / sizeof bad_topos[0]; i++) {
		const struct bad_topo *b = &bad_topos[i];

		snprintf(name, sizeof name, "bad%02zu.csv", i);
		put(s, name, b->text, strlen(b->text));
		memset(&err, 0, sizeof err);
		if (scalesim_read(s->path, NULL, &t, &err) == 0)
			fail_msg("case %zu accepted", i);
		if (err.line != b->line || strcmp(err.field, b->field) ||
		    !strstr(err.msg, b->msg) || strcmp(err.file, s->path))
			fail_msg("case %zu: got %d '%s' '%s', want %d '%s' "
				 "'%s'", i, err.line, err.field, err.msg,
				 b->line, b->field, b->msg);
		assert_int_equal(t.n_ops, 0);
		assert_null(t.ops);
	}
}

/* What a string cannot hold: NUL bytes, overlong lines, no file. */
static void test_scalesim_bad_bytes(void **state)
{
	static const char nul[] = GEMM_HDR "x, 1, 2\0, 3,\n";
	static const char ok[] = GEMM_HDR "x, 1, 2, 3,\n";
	struct scratch *s = *state;
	struct scalesim_opts bad_nm = { 5, 4 };
	struct trace t;
	struct sim_err err;
	char *text;
	size_t len;

	put(s, "nul.csv", nul, sizeof nul - 1);
	assert_int_equal(scalesim_read(s->path, NULL, &t, &err), -1);
	assert_int_equal(err.line, 2);
	assert_non_null(strstr(err.msg, "NUL"));

	len = strlen(GEMM_HDR) + 5000;
	text = malloc(len + 1);
	assert_non_null(text);
	memcpy(text, GEMM_HDR, strlen(GEMM_HDR));
	memset(text + strlen(GEMM_HDR), ' ', 5000);
	text[len - 1] = '\n';
	put(s, "long.csv", text, len);
	free(text);
	assert_int_equal(scalesim_read(s->path, NULL, &t, &err), -1);
	assert_int_equal(err.line, 2);
	assert_non_null(strstr(err.msg, "longer than 4096 bytes"));

	scratch_file(s, "missing.csv");
	assert_int_equal(scalesim_read(s->path, NULL, &t, &err), -1);
	assert_int_equal(err.line, 0);
	assert_non_null(strstr(err.msg, "cannot open"));

	put(s, "ok.csv", ok, strlen(ok));
	assert_int_equal(scalesim_read(s->path, &bad_nm, &t, &err), -1);
	assert_string_equal(err.field, "nm");
	assert_int_equal(t.n_ops, 0);
}

/* ------------------------------------------------------------------ */
/* stasim import-scalesim, called as main.c will call it */

/* Run import_scalesim_cmd on argv with stderr captured into out. */
static int run_import(struct scratch *s, int argc, const char **argv,
		      char *out, size_t len)
{
	char path[600];
	int saved, fd, rc;
	ssize_t n;

	snprintf(path, sizeof path, "%s/stderr.txt", s->dir);
	fflush(stderr);
	saved = dup(2);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(saved >= 0 && fd >= 0);
	dup2(fd, 2);
	close(fd);
	rc = import_scalesim_cmd(argc, (char **)argv);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	n = read(fd, out, len - 1);
	close(fd);
	unlink(path);
	out[n > 0 ? n : 0] = 0;
	return rc;
}

static void test_import_cmd(void **state)
{
	static const char bad_text[] = CONV_HDR ROW1
		"Conv2, 27, 27, 28, 5, 96, 256, 1,\n";
	struct scratch *s = *state;
	char topo[1024], out[600], bad[600], msg[2048], want[1024];
	const char *ok[] = { "import-scalesim", topo, "--nm", "2:4", "-o",
			     out };
	const char *broken[] = { "import-scalesim", bad, "-o", out };
	const char *no_o[] = { "import-scalesim", topo };
	const char *two[] = { "import-scalesim", topo, topo, "-o", out };
	const char *opt[] = { "import-scalesim", topo, "--seq", "4", "-o",
			      out };
	const char *nm[] = { "import-scalesim", topo, "--nm", "4:2", "-o",
			     out };
	struct trace a, b;
	struct sim_err err;
	size_t i;

	src_path(topo, sizeof topo, "traces/scalesim/alexnet.csv");
	snprintf(out, sizeof out, "%s/alexnet.trace.gz", s->dir);
	assert_int_equal(run_import(s, 6, ok, msg, sizeof msg), 0);
	assert_string_equal(msg, "");
	assert_int_equal(count_entries(s->dir), 1);	/* no temporary left */
	assert_int_equal(trace_read(out, &b, &err), 0);
	assert_int_equal(scalesim_read(topo, NULL, &a, &err), 0);
	assert_int_equal(a.n_ops, b.n_ops);
	for (i = 0; i < a.n_ops; i++) {
		assert_string_equal(a.ops[i].name, b.ops[i].name);
		assert_int_equal(a.ops[i].m, b.ops[i].m);
		assert_int_equal(a.ops[i].k, b.ops[i].k);
		assert_int_equal(a.ops[i].n, b.ops[i].n);
		assert_nm(&b.ops[i], 2, 4);
	}
	trace_free(&a);
	trace_free(&b);
	unlink(out);

	/* a bad topology: one line on stderr, status 2, nothing written */
	put(s, "bad.csv", bad_text, strlen(bad_text));
	snprintf(bad, sizeof bad, "%s", s->path);
	assert_int_equal(run_import(s, 4, broken, msg, sizeof msg), 2);
	snprintf(want, sizeof want, "stasim: %s:3: Filter Height: 28 is "
		 "larger than the IFMAP Height 27\n", bad);
	assert_string_equal(msg, want);
	assert_int_equal(count_entries(s->dir), 1);	/* only bad.csv */

	assert_int_equal(run_import(s, 2, no_o, msg, sizeof msg), 2);
	assert_non_null(strstr(msg, "stasim: import-scalesim: needs -o"));
	assert_int_equal(run_import(s, 5, two, msg, sizeof msg), 2);
	assert_non_null(strstr(msg, "one topology file only"));
	assert_int_equal(run_import(s, 6, opt, msg, sizeof msg), 2);
	assert_non_null(strstr(msg, "unknown option '--seq'"));
	assert_int_equal(run_import(s, 6, nm, msg, sizeof msg), 2);
	assert_non_null(strstr(msg, "--nm: '4:2'"));
	assert_int_equal(run_import(s, 1, no_o, msg, sizeof msg), 2);
	assert_non_null(strstr(msg, "usage is 'stasim import-scalesim"));
	assert_int_equal(count_entries(s->dir), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_models_macs),
		cmocka_unit_test(test_gpt2_context),
		cmocka_unit_test(test_batch),
		cmocka_unit_test(test_batch_limits),
		cmocka_unit_test(test_nm_per_type),
		cmocka_unit_test(test_nm_per_type_errors),
		cmocka_unit_test(test_graph_bert),
		cmocka_unit_test(test_graph_m3vit),
		cmocka_unit_test(test_graph_all_models),
		cmocka_unit_test(test_existing_models_unchanged),
		scratch_test(test_existing_lines),
		cmocka_unit_test(test_describe),
		cmocka_unit_test(test_scalesim_conv),
		cmocka_unit_test(test_scalesim_gemm),
		scratch_test(test_scalesim_lenient),
		scratch_test(test_scalesim_bad),
		scratch_test(test_scalesim_bad_bytes),
		scratch_test(test_import_cmd),
	};

	return cmocka_run_group_tests_name("zoo", tests, NULL, NULL);
}
