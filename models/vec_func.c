/*
 * vec_func.c - the vector unit's functional part (see vec_unit.h): seeded
 * int8 rows in (two for add), the unit's job bound to them, and its
 * output checked against one whole-op pass of the same bit-exact
 * arithmetic (models/vec_ref.c), which catches rows the tiling skipped or
 * computed twice with the wrong operands. Invariant: the job reads only
 * the entry's own rows.
 */
#include "vec_unit.h"

#include <stdlib.h>

#include "../sim/func.h"

const void *vec_func_begin(struct func *f, uint32_t x, size_t *stride)
{
	const struct plan_op *p = &f->plans[x];
	struct func_op *o = &f->ops[x];
	uint64_t e = (uint64_t)p->m * p->n, base = func_base(f, x);

	*stride = 0;
	o->x = malloc(e);
	o->x2 = p->w_load ? malloc(e) : NULL;
	o->y = malloc(e);
	if (!o->x || !o->y || (p->w_load && !o->x2)) {
		func_op_free(o);
		func_oom(f, x);
		return NULL;
	}
	func_fill8(o->x, e, base | FUNC_T_ACT);
	if (o->x2)
		func_fill8(o->x2, e, base | FUNC_T_WGT);
	vec_job_init(&o->vj);
	o->vj.kind = vec_op_of(p)->kind;
	o->vj.gelu = vec_op_of(p)->vp.gelu;
	o->vj.fmt = vec_cfg_fmt(f->cfg);
	o->vj.a = o->x;
	o->vj.b = o->x2;
	o->vj.y = o->y;
	o->vj.n = p->n;
	return &o->vj;
}

int vec_func_check(struct func *f, uint32_t x)
{
	const struct plan_op *p = &f->plans[x];
	const struct func_op *o = &f->ops[x];
	uint64_t e = (uint64_t)p->m * p->n;
	uint8_t *ref = malloc(e ? e : 1);
	struct vec_job j = o->vj;
	int rc;

	if (!ref) {
		snprintf(f->msg, sizeof f->msg, "op '%s': out of memory for the "
			 "reference", func_src_op(f, x)->name);
		return -1;
	}
	j.y = (int8_t *)ref;
	j.base.run(&j.base, 0, p->m);
	rc = func_check_rows(f, x, (const uint8_t *)o->y, ref);
	free(ref);
	return rc;
}

int vec_func_dump_in(struct func *f, uint32_t x, const char *name,
		     const int8_t *in)
{
	const struct config *c = f->cfg;
	const struct func_op *o = &f->ops[x];

	return func_dump_rows(f, x, name, in, o->x2, o->y, NPY_I8,
			      1.0 / (1u << c->vec_in_frac),
			      1.0 / (1u << c->vec_out_frac));
}

int vec_func_dump(struct func *f, uint32_t x, const char *name)
{
	return vec_func_dump_in(f, x, name, f->ops[x].x);
}
