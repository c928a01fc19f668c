/*
 * gate_func.c - the gate unit's functional part (see gate_unit.h): a gate
 * op's own seeded tokens and its task's router weights, and the unit's
 * choices against a plain recomputation: logits, a full ranking for the
 * top-k (ties to the lower index), the winners' softmax probabilities,
 * written independently of gate_topk. Invariant: the router weights of
 * a task are the same for every op of that task.
 */
#include "gate_unit.h"

#include <stdlib.h>
#include <string.h>

#include "smx_unit.h"
#include "../sim/func.h"
#include "../sim/stream.h"

/* The unit's job over the entry's arrays. */
static void bind(struct func *f, const struct op *op, struct func_op *o)
{
	gate_job_init(&o->gj);
	o->gj.x = o->x;
	o->gj.w = o->x2;
	o->gj.idx = o->topk;
	o->gj.score = o->prob;
	o->gj.d = op->k;
	o->gj.e = op->n;
	o->gj.k = op->topk;
	o->gj.shift = gate_shift(op->k);
	o->gj.algo = smx_cfg_algo(f->cfg);
	o->gj.fmt = smx_cfg_fmt(f->cfg);
}

const void *gate_func_begin(struct func *f, uint32_t x, size_t *stride)
{
	const struct op *op = &f->plans[x].src;
	struct func_op *o = &f->ops[x];
	uint64_t td = (uint64_t)op->m * op->k, dk = (uint64_t)op->k * op->n;
	uint64_t base = func_base(f, x);

	*stride = 0;
	o->x = malloc(td);
	o->x2 = malloc(dk);
	o->topk = malloc((uint64_t)op->m * op->topk * sizeof *o->topk);
	o->prob = malloc((uint64_t)op->m * op->topk);
	/* the unit keeps no logits: the check's recomputation is dumped */
	o->logit = f->dump_dir ? malloc((uint64_t)op->m * op->n *
					sizeof *o->logit) : NULL;
	if (!o->x || !o->x2 || !o->topk || !o->prob ||
	    (f->dump_dir && !o->logit)) {
		func_op_free(o);
		func_oom(f, x);
		return NULL;
	}
	func_fill8(o->x, td, base | FUNC_T_ACT);
	func_fill8(o->x2, dk, base ^ stream_mix(op->task) ^ FUNC_T_WGT);
	bind(f, op, o);
	return &o->gj;
}

/* Token t's logits into l (and the dump's copy), its int8 scores into z. */
static void logits(const struct op *op, const struct func_op *o, uint32_t t,
		   int32_t *l, int8_t *z)
{
	const struct gate_job *j = &o->gj;
	uint32_t e, d;

	for (e = 0; e < op->n; e++) {
		int64_t s = 0, q;

		for (d = 0; d < op->k; d++)
			s += j->x[(uint64_t)t * op->k + d] *
			     j->w[(uint64_t)d * op->n + e];
		l[e] = (int32_t)s;
		q = (s + (1ll << (j->shift - 1))) >> j->shift;
		z[e] = (int8_t)(q > 127 ? 127 : q < -128 ? -128 : q);
	}
	if (o->logit)
		memcpy(o->logit + (uint64_t)t * op->n, l, op->n * sizeof *l);
}

/* Token t's choices against the full ranking; 0 or -1 with f->msg. */
static int check_token(struct func *f, const struct op *op,
		       const struct func_op *o, uint32_t t, const int32_t *l,
		       const uint8_t *pr)
{
	uint32_t e, c, rank;
	uint64_t at;

	for (e = 0; e < op->n; e++) {
		for (rank = 0, c = 0; c < op->n; c++)
			rank += l[c] > l[e] || (l[c] == l[e] && c < e);
		if (rank >= op->topk)
			continue;
		at = (uint64_t)t * op->topk + rank;
		if (o->topk[at] == e && o->prob[at] == pr[e])
			continue;
		snprintf(f->msg, sizeof f->msg, "op '%s' (%s line %d): token %u "
			 "choice %u: unit expert %u score %u, reference expert "
			 "%u score %u", op->name, f->t->path, op->line, t, rank,
			 o->topk[at], o->prob[at], e, pr[e]);
		return -1;
	}
	return 0;
}

int gate_func_check(struct func *f, uint32_t x)
{
	const struct op *op = &f->plans[x].src;
	const struct func_op *o = &f->ops[x];
	int32_t *l = malloc(op->n * sizeof *l);
	int8_t *z = malloc(op->n);
	uint8_t *pr = malloc(op->n);
	uint32_t t;
	int rc = 0;

	for (t = 0; l && z && pr && t < op->m && !rc; t++) {
		logits(op, o, t, l, z);
		smx_row(o->gj.algo, &o->gj.fmt, z, op->n, pr);
		rc = check_token(f, op, o, t, l, pr);
	}
	if (!l || !z || !pr)
		rc = func_oom(f, x);
	free(l);
	free(z);
	free(pr);
	if (!rc)
		f->checked += (uint64_t)op->m * op->topk;
	return rc;
}

int gate_func_dump(struct func *f, uint32_t x, const char *name)
{
	const struct op *op = &f->plans[x].src;
	const struct func_op *o = &f->ops[x];
	uint64_t sx[2] = { op->m, op->k }, sw[2] = { op->k, op->n };
	uint64_t sl[2] = { op->m, op->n }, sk[2] = { op->m, op->topk };
	struct afile a;

	if (func_dump_npy(f, name, "in", NPY_I8, sx, 2, o->x, 1) ||
	    func_dump_npy(f, name, "wgate", NPY_I8, sw, 2, o->x2, 1) ||
	    func_dump_npy(f, name, "logits", NPY_I32, sl, 2, o->logit, 4) ||
	    func_dump_npy(f, name, "topk", NPY_I16, sk, 2, o->topk, 2) ||
	    func_dump_npy(f, name, "score", NPY_U8, sk, 2, o->prob, 1) ||
	    !func_json_open(f, &a, name))
		return -1;
	fprintf(a.f, "{ \"op\": \"%s\", \"kind\": \"gate\", \"tokens\": %u, "
		"\"d\": %u, \"experts\": %u, \"topk\": %u, \"task\": %u, "
		"\"tasks\": %u, \"logit_shift\": %u, \"softmax\": \"%s\", "
		"\"softmax_in_frac\": %u, \"score_scale\": %.9g, "
		"\"tile_tokens\": %u }\n", name, op->m, op->k, op->n, op->topk,
		op->task, op->tasks, o->gj.shift, smx_algo_name(o->gj.algo),
		f->cfg->smx_in_frac, 1.0 / 256, f->plans[x].tm);
	return func_json_commit(f, &a);
}
