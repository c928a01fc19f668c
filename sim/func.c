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

#include "afile.h"
#include "npy.h"
#include "../models/golden.h"
#include "../models/nm.h"

enum { T_ACT = 1, T_WGT = 2 };

/* The trace op an execution entry belongs to (names and lines). */
static const struct op *src_op(const struct func *f, uint32_t x)
{
	return &f->t->ops[f->plans[x].trace_op];
}

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
	      const struct plan_op *plans, uint32_t n, uint64_t seed,
	      const char *dump_dir)
{
	memset(f, 0, sizeof *f);
	f->cfg = cfg;
	f->t = t;
	f->plans = plans;
	f->seed = seed;
	f->dump_dir = dump_dir;
	f->n = n;
	f->ops = calloc(n ? n : 1, sizeof *f->ops);
	return f->ops ? 0 : -1;
}

static void op_free(struct func_op *o)
{
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

	if (!f->ops)
		return;
	for (i = 0; i < f->n; i++)
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

static void fill8(int8_t *v, uint64_t count, uint64_t stream)
{
	uint64_t s = func_mix(stream), i;

	for (i = 0; i < count; i++) {
		s += 0x9e3779b97f4a7c15ull;
		v[i] = (int8_t)(func_mix(s) & 0xff);
	}
}

static struct vec_fmt vec_format(const struct config *c)
{
	return (struct vec_fmt){ c->vec_in_frac, c->vec_out_frac,
				 c->vec_table_step_log2,
				 (uint32_t)(c->vec_table_range * 256 + 0.5) };
}

/* Vector and softmax ops: int8 rows in, the unit's job bound to them. */
static const void *begin_vec(struct func *f, uint32_t opi, uint64_t base)
{
	const struct plan_op *p = &f->plans[opi];
	struct func_op *o = &f->ops[opi];
	uint64_t e = (uint64_t)p->m * p->n;

	o->x = malloc(e);
	o->x2 = p->w_load ? malloc(e) : NULL;
	o->y = malloc(e);
	o->prob = p->unit == PU_SMX ? malloc(e) : NULL;
	if (!o->x || !o->y || (p->w_load && !o->x2) ||
	    (p->unit == PU_SMX && !o->prob)) {
		op_free(o);
		snprintf(f->msg, sizeof f->msg, "op '%s': out of memory for "
			 "functional operands", src_op(f, opi)->name);
		return NULL;
	}
	fill8(o->x, e, base | T_ACT);
	if (o->x2)
		fill8(o->x2, e, base | T_WGT);
	if (p->unit == PU_SMX) {
		smx_job_init(&o->sj);
		o->sj.algo = p->sp.algo;
		o->sj.fmt = (struct smx_fmt){ f->cfg->smx_in_frac,
					      (uint32_t)f->cfg->smx_ita_eps32 };
		o->sj.x = o->x;
		o->sj.p = o->prob;
		o->sj.n = p->n;
		return &o->sj;
	}
	vec_job_init(&o->vj);
	o->vj.kind = p->vk;
	o->vj.gelu = p->vp.gelu;
	o->vj.fmt = vec_format(f->cfg);
	o->vj.a = o->x;
	o->vj.b = o->x2;
	o->vj.y = o->y;
	o->vj.n = p->n;
	return &o->vj;
}

static const void *begin(void *ctx, uint32_t opi, size_t *stride)
{
	struct func *f = ctx;
	const struct plan_op *p = &f->plans[opi];
	struct func_op *o = &f->ops[opi];
	int sparse = p->map.n != p->map.m;
	uint64_t base = func_mix(f->seed) ^ ((uint64_t)opi << 8);

	*stride = sizeof(struct sde_data);
	if (p->unit != PU_SDE) {
		*stride = 0;
		return begin_vec(f, opi, base);
	}
	if (alloc_op(o, p, sparse)) {
		op_free(o);
		snprintf(f->msg, sizeof f->msg, "op '%s': out of memory for "
			 "functional operands", src_op(f, opi)->name);
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
			 "acc %d out %d", src_op(f, opi)->name, f->t->path,
			 src_op(f, opi)->line, h, (unsigned long long)(i / p->n),
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
	const char *nm = src_op(f, opi)->name;
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

/*
 * A vector op's output, produced tile by tile by the unit, against one
 * whole-op pass of the same bit-exact arithmetic: catches rows the tiling
 * skipped or computed twice with the wrong operands.
 */
static int check_vec(struct func *f, uint32_t opi)
{
	const struct plan_op *p = &f->plans[opi];
	struct func_op *o = &f->ops[opi];
	uint64_t e = (uint64_t)p->m * p->n, i;
	uint8_t *ref = malloc(e ? e : 1);
	const uint8_t *got = o->prob ? o->prob : (const uint8_t *)o->y;

	if (!ref) {
		snprintf(f->msg, sizeof f->msg, "op '%s': out of memory for the "
			 "reference", src_op(f, opi)->name);
		return -1;
	}
	if (o->prob) {
		struct smx_job j = o->sj;

		j.p = ref;
		j.base.run(&j.base, 0, p->m);
	} else {
		struct vec_job j = o->vj;

		j.y = (int8_t *)ref;
		j.base.run(&j.base, 0, p->m);
	}
	for (i = 0; i < e && got[i] == ref[i]; i++)
		;
	if (i < e)
		snprintf(f->msg, sizeof f->msg, "op '%s' (%s line %d): element "
			 "[%llu][%llu]: unit %d, reference %d", src_op(f, opi)->name,
			 f->t->path, src_op(f, opi)->line,
			 (unsigned long long)(i / p->n),
			 (unsigned long long)(i % p->n), got[i], ref[i]);
	free(ref);
	f->checked += i < e ? 0 : e;
	return i < e ? -1 : 0;
}

/* Scales of a vector op's dump: real value = integer * scale. */
static int dump_scales(struct func *f, uint32_t opi)
{
	const struct config *c = f->cfg;
	const struct plan_op *p = &f->plans[opi];
	char path[1024];
	struct afile a;
	struct sim_err err;
	double in = p->unit == PU_SMX ? 1.0 / (1u << c->smx_in_frac)
				      : 1.0 / (1u << c->vec_in_frac);
	double out = p->unit == PU_SMX ? 1.0 / 256 : 1.0 / (1u << c->vec_out_frac);

	snprintf(path, sizeof path, "%s/%s.json", f->dump_dir,
		 src_op(f, opi)->name);
	if (afile_open(&a, path, "--dump", &err) == 0) {
		fprintf(a.f, "{ \"op\": \"%s\", \"kind\": \"%s\", "
			"\"in_scale\": %.9g, \"out_scale\": %.9g, \"rows\": %u, "
			"\"n\": %u }\n", src_op(f, opi)->name,
			op_kind_name(src_op(f, opi)->kind), in, out, p->m, p->n);
		if (afile_commit(&a, "--dump", &err) == 0)
			return 0;
	}
	err_format(&err, f->msg, sizeof f->msg);
	f->input_error = 1;
	return -1;
}

static int dump_vec(struct func *f, uint32_t opi)
{
	const struct plan_op *p = &f->plans[opi];
	const struct func_op *o = &f->ops[opi];
	const char *nm = src_op(f, opi)->name;
	uint64_t sh[2] = { p->m, p->n };

	if (dump_one(f, nm, "in", NPY_I8, sh, 2, o->x, 1) ||
	    (o->x2 && dump_one(f, nm, "in2", NPY_I8, sh, 2, o->x2, 1)) ||
	    (o->prob ? dump_one(f, nm, "out", NPY_U8, sh, 2, o->prob, 1)
		     : dump_one(f, nm, "out", NPY_I8, sh, 2, o->y, 1)))
		return -1;
	return dump_scales(f, opi);
}

static int end(void *ctx, uint32_t opi)
{
	struct func *f = ctx;
	const struct plan_op *p = &f->plans[opi];
	struct func_op *o = &f->ops[opi];
	int32_t *ref;
	int rc = 0;
	uint32_t h;

	if (p->unit != PU_SDE) {
		rc = check_vec(f, opi);
		if (!rc && f->dump_dir)
			rc = dump_vec(f, opi);
		op_free(o);
		return rc;
	}
	ref = malloc((uint64_t)p->m * p->n * sizeof *ref);
	if (!ref) {
		snprintf(f->msg, sizeof f->msg, "op '%s': out of memory for the "
			 "reference", src_op(f, opi)->name);
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
