/*
 * smx_func.c - the softmax unit's functional part (see smx_unit.h):
 * seeded int8 scores in, the unit's job bound to them, and its
 * probabilities checked against one whole-op pass of smx_row
 * (models/smx_ref.c). Invariant: the job reads only the entry's own rows.
 */
#include "smx_unit.h"

#include <stdlib.h>

#include "../sim/func.h"

const void *smx_func_begin(struct func *f, uint32_t x, size_t *stride)
{
	const struct plan_op *p = &f->plans[x];
	struct func_op *o = &f->ops[x];
	uint64_t e = (uint64_t)p->m * p->n;

	*stride = 0;
	o->x = malloc(e);
	o->prob = malloc(e);
	if (!o->x || !o->prob) {
		func_op_free(o);
		func_oom(f, x);
		return NULL;
	}
	func_fill8(o->x, e, func_base(f, x) | FUNC_T_ACT);
	smx_job_init(&o->sj);
	o->sj.algo = smx_op_of(p)->algo;
	o->sj.fmt = smx_cfg_fmt(f->cfg);
	o->sj.x = o->x;
	o->sj.p = o->prob;
	o->sj.n = p->n;
	return &o->sj;
}

int smx_func_check(struct func *f, uint32_t x)
{
	const struct plan_op *p = &f->plans[x];
	const struct func_op *o = &f->ops[x];
	uint64_t e = (uint64_t)p->m * p->n;
	uint8_t *ref = malloc(e ? e : 1);
	struct smx_job j = o->sj;
	int rc;

	if (!ref) {
		snprintf(f->msg, sizeof f->msg, "op '%s': out of memory for the "
			 "reference", func_src_op(f, x)->name);
		return -1;
	}
	j.p = ref;
	j.base.run(&j.base, 0, p->m);
	rc = func_check_rows(f, x, o->prob, ref);
	free(ref);
	return rc;
}

int smx_func_dump(struct func *f, uint32_t x, const char *name)
{
	const struct func_op *o = &f->ops[x];

	return func_dump_rows(f, x, name, o->x, NULL, o->prob, NPY_U8,
			      1.0 / (1u << f->cfg->smx_in_frac), 1.0 / 256);
}
