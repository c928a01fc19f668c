/*
 * sde_func.c - the engine's functional part (see sde_unit.h): seeded
 * operands, weights pruned to the op's N:M pattern by magnitude and
 * compressed, and the outputs the engine wrote against the reference GEMM
 * (models/golden.c), requantized the engine's way. Invariant: an op's
 * operands are allocated together and freed together (func_op_free).
 */
#include "sde_unit.h"

#include <stdlib.h>

#include "golden.h"
#include "nm.h"
#include "sde.h"
#include "../sim/func.h"

int sde_func_alloc(struct func_op *o, const struct plan_op *p)
{
	uint64_t h = p->heads, g = nm_groups(&p->map, p->k) * p->map.n;
	int sparse = p->map.n != p->map.m;

	o->a = malloc(h * p->m * p->k * sizeof *o->a);
	o->w = malloc(h * p->k * p->n * sizeof *o->w);
	o->acc = malloc(h * p->m * p->n * sizeof *o->acc);
	o->out = malloc(h * p->m * p->n * sizeof *o->out);
	o->d = calloc(h, sizeof *o->d);
	if (sparse) {
		o->val = malloc(g * p->n * sizeof *o->val);
		o->idx = malloc(g * p->n * sizeof *o->idx);
	}
	if (o->a && o->w && o->acc && o->out && o->d &&
	    (!sparse || (o->val && o->idx)))
		return 0;
	func_op_free(o);
	return -1;
}

void sde_func_bind(struct func_op *o, const struct plan_op *p, uint32_t bits)
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

const void *sde_func_begin(struct func *f, uint32_t x, size_t *stride)
{
	const struct plan_op *p = &f->plans[x];
	struct func_op *o = &f->ops[x];
	uint64_t base = func_base(f, x);

	*stride = sizeof(struct sde_data);
	if (sde_func_alloc(o, p)) {
		func_oom(f, x);
		return NULL;
	}
	func_fill(o->a, (uint64_t)p->heads * p->m * p->k, base | FUNC_T_ACT,
		  f->cfg->act_bits);
	func_fill(o->w, (uint64_t)p->heads * p->k * p->n, base | FUNC_T_WGT,
		  p->wbits);
	if (p->map.n != p->map.m) {
		nm_prune(o->w, p->k, p->n, p->map.n, p->map.m);
		nm_compress(o->w, p->k, p->n, p->map.n, p->map.m, o->val,
			    o->idx);
	}
	sde_func_bind(o, p, f->cfg->act_bits);
	return o->d;
}

/* Compare one head with the reference; 0 or -1 with f->msg. */
static int check_head(struct func *f, uint32_t x, uint32_t h,
		      const int32_t *ref)
{
	const struct plan_op *p = &f->plans[x];
	const struct sde_data *d = &f->ops[x].d[h];
	const struct op *op = func_src_op(f, x);
	uint64_t i, n = (uint64_t)p->m * p->n;

	for (i = 0; i < n; i++) {
		int16_t q = sde_requant(ref[i], p->shift, f->cfg->act_bits);

		if (d->acc[i] == ref[i] && d->out[i] == q)
			continue;
		snprintf(f->msg, sizeof f->msg, "op '%s' (%s line %d): head %u "
			 "element [%llu][%llu]: engine acc %d out %d, reference "
			 "acc %d out %d", op->name, f->t->path, op->line, h,
			 (unsigned long long)(i / p->n),
			 (unsigned long long)(i % p->n), d->acc[i], d->out[i],
			 ref[i], q);
		return -1;
	}
	f->checked += n;
	return 0;
}

int sde_func_check(struct func *f, uint32_t x)
{
	const struct plan_op *p = &f->plans[x];
	struct func_op *o = &f->ops[x];
	int32_t *ref = malloc((uint64_t)p->m * p->n * sizeof *ref);
	int rc = 0;
	uint32_t h;

	if (!ref) {
		snprintf(f->msg, sizeof f->msg, "op '%s': out of memory for the "
			 "reference", func_src_op(f, x)->name);
		return -1;
	}
	for (h = 0; h < p->heads && !rc; h++) {
		golden_gemm(o->a + (uint64_t)h * p->m * p->k,
			    o->w + (uint64_t)h * p->k * p->n, ref, p->m, p->k,
			    p->n);
		rc = check_head(f, x, h, ref);
	}
	free(ref);
	return rc;
}

/* The compressed weights, when sparse, as NAME.{wval,widx}.npy. */
static int dump_sparse(struct func *f, uint32_t x, const char *nm)
{
	const struct plan_op *p = &f->plans[x];
	const struct func_op *o = &f->ops[x];
	enum npy_type wt = p->wbits == 8 ? NPY_I8 : NPY_I16;
	uint64_t sv[2] = { nm_groups(&p->map, p->k) * p->map.n, p->n };

	if (!o->val)
		return 0;
	if (func_dump_npy(f, nm, "wval", wt, sv, 2, o->val, 2) ||
	    func_dump_npy(f, nm, "widx", NPY_U8, sv, 2, o->idx, 1))
		return -1;
	return 0;
}

int sde_func_dump(struct func *f, uint32_t x, const char *nm)
{
	const struct plan_op *p = &f->plans[x];
	const struct func_op *o = &f->ops[x];
	enum npy_type at = f->cfg->act_bits == 8 ? NPY_I8 : NPY_I16;
	enum npy_type wt = p->wbits == 8 ? NPY_I8 : NPY_I16;
	int hd = p->heads > 1, nd = hd ? 3 : 2;
	uint64_t sa[3] = { p->heads, p->m, p->k }, sw[3] = { p->heads, p->k, p->n };
	uint64_t so[3] = { p->heads, p->m, p->n };

	if (func_dump_npy(f, nm, "a", at, sa + !hd, nd, o->a, 2) ||
	    func_dump_npy(f, nm, "w", wt, sw + !hd, nd, o->w, 2) ||
	    func_dump_npy(f, nm, "acc", NPY_I32, so + !hd, nd, o->acc, 4) ||
	    func_dump_npy(f, nm, "out", at, so + !hd, nd, o->out, 2))
		return -1;
	return dump_sparse(f, x, nm);
}
