/*
 * func.c - functional mode, the shared part (see func.h).
 *
 * Data: 8-bit operands are uniform over [-128, 127]; 16-bit operands over
 * [-2048, 2047] so that typical sums stay far from the 32-bit accumulator
 * limits (the accumulators still wrap like hardware if they are exceeded).
 * Each tensor has its own stream: mix(seed, op, tensor). An entry begins,
 * checks and dumps through its unit's class (models/<unit>_func.c); an MoE
 * part through its layer (sim/moe_func.c). Invariant: an entry's data is
 * freed by its end, whatever the outcome.
 */
#include "func.h"

#include <stdlib.h>
#include <string.h>

#include "moe_func.h"
#include "stream.h"
#include "unit.h"

const struct op *func_src_op(const struct func *f, uint32_t x)
{
	return &f->t->ops[f->plans[x].trace_op];
}

uint64_t func_base(const struct func *f, uint32_t x)
{
	return stream_mix(f->seed) ^ ((uint64_t)x << 8);
}

void func_fill(int16_t *v, uint64_t count, uint64_t stream, uint32_t bits)
{
	uint64_t s = stream_mix(stream), i;

	for (i = 0; i < count; i++) {
		uint64_t r = stream_next(&s);

		v[i] = bits == 8 ? (int16_t)(int8_t)(r & 0xff)
				 : (int16_t)((int32_t)(r & 0xfff) - 2048);
	}
}

void func_fill8(int8_t *v, uint64_t count, uint64_t stream)
{
	uint64_t s = stream_mix(stream), i;

	for (i = 0; i < count; i++)
		v[i] = (int8_t)(stream_next(&s) & 0xff);
}

int func_oom(struct func *f, uint32_t x)
{
	const struct op *op = func_src_op(f, x);
	struct sim_err err;

	err_set(&err, f->t->path, op->line, "", "op '%s': out of memory for "
		"its functional operands", op->name);
	err_format(&err, f->msg, sizeof f->msg);
	f->oom = 1;
	return -1;
}

int func_init(struct func *f, const struct config *cfg, const struct trace *t,
	      const struct plan_op *plans, uint32_t n, struct moe_info **moe,
	      uint64_t seed, const char *dump_dir)
{
	*f = (struct func){ .cfg = cfg, .t = t, .plans = plans, .seed = seed,
			    .dump_dir = dump_dir, .n = n, .moe = moe };
	f->ops = calloc(n ? n : 1, sizeof *f->ops);
	return f->ops && moe_func_init(f) == 0 ? 0 : -1;
}

void func_op_free(struct func_op *o)
{
	free(o->logit);
	free(o->topk);
	free(o->tok);
	free(o->gs);
	free(o->x);
	free(o->x2);
	free(o->y);
	free(o->prob);
	free(o->a);
	free(o->w);
	free(o->val);
	free(o->idx);
	free(o->acc);
	free(o->out);
	free(o->d);
	memset(o, 0, sizeof *o);
}

void func_free(struct func *f)
{
	size_t i;

	moe_func_free(f);
	if (!f->ops)
		return;
	for (i = 0; i < f->n; i++)
		func_op_free(&f->ops[i]);
	free(f->ops);
	f->ops = NULL;
}

int func_dump_npy(struct func *f, const char *name, const char *suffix,
		  enum npy_type type, const uint64_t *shape, int ndim,
		  const void *src, size_t size)
{
	char path[1024];
	struct sim_err err;

	snprintf(path, sizeof path, "%s/%s.%s.npy", f->dump_dir, name, suffix);
	if (npy_write(path, type, shape, ndim, src, size, &err) == 0)
		return 0;
	err_format(&err, f->msg, sizeof f->msg);
	f->input_error = 1;
	return -1;
}

FILE *func_json_open(struct func *f, struct afile *a, const char *name)
{
	char path[1024];
	struct sim_err err;

	snprintf(path, sizeof path, "%s/%s.json", f->dump_dir, name);
	if (afile_open(a, path, "--dump", &err) == 0)
		return a->f;
	err_format(&err, f->msg, sizeof f->msg);
	f->input_error = 1;
	return NULL;
}

int func_json_commit(struct func *f, struct afile *a)
{
	struct sim_err err;

	if (afile_commit(a, "--dump", &err) == 0)
		return 0;
	err_format(&err, f->msg, sizeof f->msg);
	f->input_error = 1;
	return -1;
}

int func_check_rows(struct func *f, uint32_t x, const uint8_t *got,
		    const uint8_t *ref)
{
	const struct plan_op *p = &f->plans[x];
	uint64_t e = (uint64_t)p->m * p->n, i;

	for (i = 0; i < e && got[i] == ref[i]; i++)
		;
	if (i == e) {
		f->checked += e;
		return 0;
	}
	snprintf(f->msg, sizeof f->msg, "op '%s' (%s line %d): element "
		 "[%llu][%llu]: unit %d, reference %d", func_src_op(f, x)->name,
		 f->t->path, func_src_op(f, x)->line,
		 (unsigned long long)(i / p->n),
		 (unsigned long long)(i % p->n), got[i], ref[i]);
	return -1;
}

int func_dump_rows(struct func *f, uint32_t x, const char *nm,
		   const int8_t *in, const int8_t *in2, const void *out,
		   enum npy_type out_type, double in_scale, double out_scale)
{
	const struct plan_op *p = &f->plans[x];
	uint64_t sh[2] = { p->m, p->n };
	struct afile a;

	if (func_dump_npy(f, nm, "in", NPY_I8, sh, 2, in, 1) ||
	    (in2 && func_dump_npy(f, nm, "in2", NPY_I8, sh, 2, in2, 1)) ||
	    func_dump_npy(f, nm, "out", out_type, sh, 2, out, 1) ||
	    !func_json_open(f, &a, nm))
		return -1;
	fprintf(a.f, "{ \"op\": \"%s\", \"kind\": \"%s\", "
		"\"in_scale\": %.9g, \"out_scale\": %.9g, \"rows\": %u, "
		"\"n\": %u }\n", nm, op_kind_name(p->src.kind), in_scale,
		out_scale, p->m, p->n);
	return func_json_commit(f, &a);
}

static const void *begin(void *ctx, uint32_t x, size_t *stride)
{
	struct func *f = ctx;
	const struct plan_op *p = &f->plans[x];

	if (p->moe.role)
		return moe_func_begin(f, x, stride);
	return p->uc->begin(f, x, stride);
}

static int end(void *ctx, uint32_t x)
{
	struct func *f = ctx;
	const struct plan_op *p = &f->plans[x];
	int rc;

	if (p->moe.role)
		return moe_func_end(f, x);
	rc = p->uc->check(f, x);
	if (!rc && f->dump_dir)
		rc = p->uc->dump(f, x, func_src_op(f, x)->name);
	func_op_free(&f->ops[x]);
	return rc;
}

void func_hooks(struct func *f, struct sched_hooks *h)
{
	h->ctx = f;
	h->begin = begin;
	h->end = end;
}
