/*
 * func.c - functional mode (see func.h).
 *
 * Data: 8-bit operands are uniform over [-128, 127]; 16-bit operands over
 * [-2048, 2047] so that typical sums stay far from the 32-bit accumulator
 * limits (the accumulators still wrap like hardware if they are exceeded).
 * Each tensor has its own stream: mix(seed, op, tensor).
 */
#include "func.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npy.h"
#include "../models/golden.h"
#include "../models/nm.h"

enum { T_ACT = 1, T_WGT = 2 };

uint64_t func_mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static void fill(int16_t *v, uint64_t count, uint64_t stream, uint32_t bits)
{
	uint64_t s = func_mix(stream), i;

	for (i = 0; i < count; i++) {
		s += 0x9e3779b97f4a7c15ull;
		uint64_t r = func_mix(s);

		v[i] = bits == 8 ? (int16_t)(int8_t)(r & 0xff)
				 : (int16_t)((int32_t)(r & 0xfff) - 2048);
	}
}

int func_init(struct func *f, const struct config *cfg, const struct trace *t,
	      const struct plan_op *plans, uint64_t seed, const char *dump_dir)
{
	memset(f, 0, sizeof *f);
	f->cfg = cfg;
	f->t = t;
	f->plans = plans;
	f->seed = seed;
	f->dump_dir = dump_dir;
	f->ops = calloc(t->n_ops ? t->n_ops : 1, sizeof *f->ops);
	return f->ops ? 0 : -1;
}

static void op_free(struct func_op *o)
{
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

	if (!f->ops)
		return;
	for (i = 0; i < f->t->n_ops; i++)
		op_free(&f->ops[i]);
	free(f->ops);
	f->ops = NULL;
}

static int alloc_op(struct func_op *o, const struct plan_op *p, int sparse)
{
	uint64_t h = p->heads, g = nm_groups(&p->map, p->k) * p->map.n;

	o->a = malloc(h * p->m * p->k * sizeof *o->a);
	o->w = malloc(h * p->k * p->n * sizeof *o->w);
	o->acc = malloc(h * p->m * p->n * sizeof *o->acc);
	o->out = malloc(h * p->m * p->n * sizeof *o->out);
	o->d = calloc(h, sizeof *o->d);
	if (sparse) {
		o->val = malloc(g * p->n * sizeof *o->val);
		o->idx = malloc(g * p->n * sizeof *o->idx);
	}
	return o->a && o->w && o->acc && o->out && o->d &&
	       (!sparse || (o->val && o->idx)) ? 0 : -1;
}

static void bind(struct func_op *o, const struct plan_op *p, uint32_t bits)
{
	uint32_t h;

	for (h = 0; h < p->heads; h++) {
		struct sde_data *d = &o->d[h];

		d->a = o->a + (uint64_t)h * p->m * p->k;
		d->w = o->val ? o->val : o->w + (uint64_t)h * p->k * p->n;
		d->idx = o->idx;
		d->acc = o->acc + (uint64_t)h * p->m * p->n;
		d->out = o->out + (uint64_t)h * p->m * p->n;
		d->k = p->k;
		d->ncols = p->n;
		d->nm_n = p->map.n;
		d->nm_m = p->map.m;
		d->shift = p->shift;
		d->out_bits = bits;
	}
}

static const struct sde_data *begin(void *ctx, uint32_t opi)
{
	struct func *f = ctx;
	const struct plan_op *p = &f->plans[opi];
	struct func_op *o = &f->ops[opi];
	int sparse = p->map.n != p->map.m;
	uint64_t base = func_mix(f->seed) ^ ((uint64_t)opi << 8);

	if (alloc_op(o, p, sparse)) {
		op_free(o);
		snprintf(f->msg, sizeof f->msg, "op '%s': out of memory for "
			 "functional operands", f->t->ops[opi].name);
		return NULL;
	}
	fill(o->a, (uint64_t)p->heads * p->m * p->k, base | T_ACT,
	     f->cfg->act_bits);
	fill(o->w, (uint64_t)p->heads * p->k * p->n, base | T_WGT, p->wbits);
	if (sparse) {
		nm_prune(o->w, p->k, p->n, p->map.n, p->map.m);
		nm_compress(o->w, p->k, p->n, p->map.n, p->map.m, o->val, o->idx);
	}
	bind(o, p, f->cfg->act_bits);
	return o->d;
}

/* Compare one head with the reference; 0 or -1 with f->msg. */
static int check_head(struct func *f, uint32_t opi, uint32_t h,
		      const int32_t *ref)
{
	const struct plan_op *p = &f->plans[opi];
	const struct sde_data *d = &f->ops[opi].d[h];
	uint64_t i, n = (uint64_t)p->m * p->n;

	for (i = 0; i < n; i++) {
		int16_t q = sde_requant(ref[i], p->shift, f->cfg->act_bits);

		if (d->acc[i] == ref[i] && d->out[i] == q)
			continue;
		snprintf(f->msg, sizeof f->msg, "op '%s' (%s line %d): head %u "
			 "element [%llu][%llu]: engine acc %d out %d, reference "
			 "acc %d out %d", f->t->ops[opi].name, f->t->path,
			 f->t->ops[opi].line, h, (unsigned long long)(i / p->n),
			 (unsigned long long)(i % p->n), d->acc[i], d->out[i],
			 ref[i], q);
		return -1;
	}
	f->checked += n;
	return 0;
}

static int dump_one(struct func *f, const char *name, const char *suffix,
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

static int dump(struct func *f, uint32_t opi)
{
	const struct plan_op *p = &f->plans[opi];
	const struct func_op *o = &f->ops[opi];
	const char *nm = f->t->ops[opi].name;
	enum npy_type at = f->cfg->act_bits == 8 ? NPY_I8 : NPY_I16;
	enum npy_type wt = p->wbits == 8 ? NPY_I8 : NPY_I16;
	int hd = p->heads > 1, nd = hd ? 3 : 2;
	uint64_t sa[3] = { p->heads, p->m, p->k }, sw[3] = { p->heads, p->k, p->n };
	uint64_t so[3] = { p->heads, p->m, p->n };
	uint64_t sv[2] = { nm_groups(&p->map, p->k) * p->map.n, p->n };

	if (dump_one(f, nm, "a", at, sa + !hd, nd, o->a, 2) ||
	    dump_one(f, nm, "w", wt, sw + !hd, nd, o->w, 2) ||
	    dump_one(f, nm, "acc", NPY_I32, so + !hd, nd, o->acc, 4) ||
	    dump_one(f, nm, "out", at, so + !hd, nd, o->out, 2))
		return -1;
	if (!o->val)
		return 0;
	if (dump_one(f, nm, "wval", wt, sv, 2, o->val, 2) ||
	    dump_one(f, nm, "widx", NPY_U8, sv, 2, o->idx, 1))
		return -1;
	return 0;
}

static int end(void *ctx, uint32_t opi)
{
	struct func *f = ctx;
	const struct plan_op *p = &f->plans[opi];
	struct func_op *o = &f->ops[opi];
	int32_t *ref = malloc((uint64_t)p->m * p->n * sizeof *ref);
	int rc = 0;
	uint32_t h;

	if (!ref) {
		snprintf(f->msg, sizeof f->msg, "op '%s': out of memory for the "
			 "reference", f->t->ops[opi].name);
		op_free(o);
		return -1;
	}
	for (h = 0; h < p->heads && !rc; h++) {
		golden_gemm(o->a + (uint64_t)h * p->m * p->k,
			    o->w + (uint64_t)h * p->k * p->n, ref, p->m, p->k,
			    p->n);
		rc = check_head(f, opi, h, ref);
	}
	free(ref);
	if (!rc && f->dump_dir)
		rc = dump(f, opi);
	op_free(o);
	return rc;
}

void func_hooks(struct func *f, struct sched_hooks *h)
{
	h->ctx = f;
	h->begin = begin;
	h->end = end;
}
