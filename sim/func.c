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
#include "moe.h"
#include "npy.h"
#include "../models/golden.h"
#include "../models/nm.h"
#include "../models/smx_ref.h"

enum { T_ACT = 1, T_WGT = 2 };

/* The trace op an execution entry belongs to (names and lines). */
static const struct op *src_op(const struct func *f, uint32_t x)
{
	return &f->t->ops[f->plans[x].trace_op];
}

static int check_engine(struct func *f, uint32_t opi);
static int check_vec(struct func *f, uint32_t opi);
static int moe_oom(struct func *f, uint32_t x);
static const void *begin_gate(struct func *f, uint32_t x, uint64_t base);
static const void *moe_begin(struct func *f, uint32_t x, size_t *stride);

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
	      const struct plan_op *plans, uint32_t n, struct moe_info **moe,
	      uint64_t seed, const char *dump_dir)
{
	memset(f, 0, sizeof *f);
	f->cfg = cfg;
	f->t = t;
	f->plans = plans;
	f->seed = seed;
	f->dump_dir = dump_dir;
	f->n = n;
	f->moe = moe;
	f->ops = calloc(n ? n : 1, sizeof *f->ops);
	f->fm = calloc(t->n_ops ? t->n_ops : 1, sizeof *f->fm);
	return f->ops && f->fm ? 0 : -1;
}

static void op_free(struct func_op *o)
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

static void moe_free(struct func_moe *m)
{
	free(m->x);
	free(m->score);
	free(m->acc);
	free(m->h8);
	free(m->act16);
	free(m->y);
	memset(m, 0, sizeof *m);
}

void func_free(struct func *f)
{
	size_t i;

	if (f->fm)
		for (i = 0; i < f->t->n_ops; i++)
			moe_free(&f->fm[i]);
	free(f->fm);
	f->fm = NULL;
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
	if (p->moe_role)
		return moe_begin(f, opi, stride);
	if (p->unit == PU_GATE) {
		*stride = 0;
		return begin_gate(f, opi, base);
	}
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

/* An engine op's tensors as NAME.{a,w,acc,out[,wval,widx]}.npy. */
static int dump_gemm(struct func *f, uint32_t opi, const char *nm)
{
	const struct plan_op *p = &f->plans[opi];
	const struct func_op *o = &f->ops[opi];
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

/* NAME.json under a temporary name: NULL with f->msg on failure. */
static FILE *json_open(struct func *f, struct afile *a, const char *name)
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

/* Rename the JSON into place; 0 or -1 with f->msg. */
static int json_commit(struct func *f, struct afile *a)
{
	struct sim_err err;

	if (afile_commit(a, "--dump", &err) == 0)
		return 0;
	err_format(&err, f->msg, sizeof f->msg);
	f->input_error = 1;
	return -1;
}

/* Scales of a vector op's dump: real value = integer * scale. */
static int dump_scales(struct func *f, uint32_t opi, const char *nm)
{
	const struct config *c = f->cfg;
	const struct plan_op *p = &f->plans[opi];
	struct afile a;
	double in = p->unit == PU_SMX ? 1.0 / (1u << c->smx_in_frac)
				      : 1.0 / (1u << c->vec_in_frac);
	double out = p->unit == PU_SMX ? 1.0 / 256 : 1.0 / (1u << c->vec_out_frac);

	if (!json_open(f, &a, nm))
		return -1;
	fprintf(a.f, "{ \"op\": \"%s\", \"kind\": \"%s\", "
		"\"in_scale\": %.9g, \"out_scale\": %.9g, \"rows\": %u, "
		"\"n\": %u }\n", nm, op_kind_name(p->src.kind), in, out, p->m,
		p->n);
	return json_commit(f, &a);
}

/* A vector or softmax op's input(s) x, output and scales under nm. */
static int dump_vec(struct func *f, uint32_t opi, const char *nm,
		    const int8_t *x)
{
	const struct plan_op *p = &f->plans[opi];
	const struct func_op *o = &f->ops[opi];
	uint64_t sh[2] = { p->m, p->n };

	if (dump_one(f, nm, "in", NPY_I8, sh, 2, x, 1) ||
	    (o->x2 && dump_one(f, nm, "in2", NPY_I8, sh, 2, o->x2, 1)) ||
	    (o->prob ? dump_one(f, nm, "out", NPY_U8, sh, 2, o->prob, 1)
		     : dump_one(f, nm, "out", NPY_I8, sh, 2, o->y, 1)))
		return -1;
	return dump_scales(f, opi, nm);
}

/* An engine op's outputs against the reference GEMM, head by head. */
static int check_engine(struct func *f, uint32_t opi)
{
	const struct plan_op *p = &f->plans[opi];
	struct func_op *o = &f->ops[opi];
	int32_t *ref = malloc((uint64_t)p->m * p->n * sizeof *ref);
	int rc = 0;
	uint32_t h;

	if (!ref) {
		snprintf(f->msg, sizeof f->msg, "op '%s': out of memory for the "
			 "reference", src_op(f, opi)->name);
		return -1;
	}
	for (h = 0; h < p->heads && !rc; h++) {
		golden_gemm(o->a + (uint64_t)h * p->m * p->k,
			    o->w + (uint64_t)h * p->k * p->n, ref, p->m, p->k,
			    p->n);
		rc = check_head(f, opi, h, ref);
	}
	free(ref);
	return rc;
}

/* ---- the gate unit ---- */

static enum smx_algo smx_algo_of(const struct config *c)
{
	return c->smx_algo == CFG_SMX_ITA ? SMX_ITA :
	       c->smx_algo == CFG_SMX_THREEPASS ? SMX_THREEPASS : SMX_ONLINE;
}

/* A gate op's own seeded tokens and router weights (its task's). */
static const void *begin_gate(struct func *f, uint32_t x, uint64_t base)
{
	const struct plan_op *p = &f->plans[x];
	const struct op *op = &p->src;
	struct func_op *o = &f->ops[x];
	uint64_t td = (uint64_t)op->m * op->k, dk = (uint64_t)op->k * op->n;

	o->x = malloc(td);
	o->x2 = malloc(dk);
	o->topk = malloc((uint64_t)op->m * op->topk * sizeof *o->topk);
	o->prob = malloc((uint64_t)op->m * op->topk);
	/* the unit keeps no logits: the check's recomputation is dumped */
	o->logit = f->dump_dir ? malloc((uint64_t)op->m * op->n *
					sizeof *o->logit) : NULL;
	if (!o->x || !o->x2 || !o->topk || !o->prob ||
	    (f->dump_dir && !o->logit)) {
		op_free(o);
		moe_oom(f, x);
		return NULL;
	}
	fill8(o->x, td, base | T_ACT);
	fill8(o->x2, dk, base ^ func_mix(op->task) ^ T_WGT);
	gate_job_init(&o->gj);
	o->gj.x = o->x;
	o->gj.w = o->x2;
	o->gj.idx = o->topk;
	o->gj.score = o->prob;
	o->gj.d = op->k;
	o->gj.e = op->n;
	o->gj.k = op->topk;
	o->gj.shift = gate_shift(op->k);
	o->gj.algo = smx_algo_of(f->cfg);
	o->gj.fmt = (struct smx_fmt){ f->cfg->smx_in_frac,
				      (uint32_t)f->cfg->smx_ita_eps32 };
	return &o->gj;
}

/*
 * The unit's choices against a plain recomputation: logits, a full
 * ranking for the top-k (ties to the lower index), the winners' softmax
 * probabilities. Written independently of gate_topk.
 */
static int check_gate(struct func *f, uint32_t x)
{
	const struct plan_op *p = &f->plans[x];
	const struct op *op = &p->src;
	struct func_op *o = &f->ops[x];
	const struct gate_job *j = &o->gj;
	int32_t *l = malloc(op->n * sizeof *l);
	int8_t *z = malloc(op->n);
	uint8_t *pr = malloc(op->n);
	uint32_t t, e, d, c, rank;
	int rc = 0;

	for (t = 0; l && z && pr && t < op->m && !rc; t++) {
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
			memcpy(o->logit + (uint64_t)t * op->n, l,
			       op->n * sizeof *l);
		smx_row(j->algo, &j->fmt, z, op->n, pr);
		for (e = 0; e < op->n && !rc; e++) {
			for (rank = 0, c = 0; c < op->n; c++)
				rank += l[c] > l[e] || (l[c] == l[e] && c < e);
			if (rank >= op->topk)
				continue;
			if (o->topk[(uint64_t)t * op->topk + rank] != e ||
			    o->prob[(uint64_t)t * op->topk + rank] != pr[e]) {
				snprintf(f->msg, sizeof f->msg, "op '%s' (%s line "
					 "%d): token %u choice %u: unit expert %u "
					 "score %u, reference expert %u score %u",
					 op->name, f->t->path, op->line, t, rank,
					 o->topk[(uint64_t)t * op->topk + rank],
					 o->prob[(uint64_t)t * op->topk + rank], e,
					 pr[e]);
				rc = -1;
			}
		}
	}
	if (!l || !z || !pr)
		rc = moe_oom(f, x);
	free(l);
	free(z);
	free(pr);
	if (!rc)
		f->checked += (uint64_t)op->m * op->topk;
	return rc;
}

/*
 * A checked gate op as NAME.{in,wgate,logits,topk,score}.npy and
 * NAME.json (docs/report.md, "--dump").
 */
static int dump_gate(struct func *f, uint32_t x)
{
	const struct op *op = &f->plans[x].src;
	const struct func_op *o = &f->ops[x];
	const char *nm = op->name;
	uint64_t sx[2] = { op->m, op->k }, sw[2] = { op->k, op->n };
	uint64_t sl[2] = { op->m, op->n }, sk[2] = { op->m, op->topk };
	struct afile a;

	if (dump_one(f, nm, "in", NPY_I8, sx, 2, o->x, 1) ||
	    dump_one(f, nm, "wgate", NPY_I8, sw, 2, o->x2, 1) ||
	    dump_one(f, nm, "logits", NPY_I32, sl, 2, o->logit, 4) ||
	    dump_one(f, nm, "topk", NPY_I16, sk, 2, o->topk, 2) ||
	    dump_one(f, nm, "score", NPY_U8, sk, 2, o->prob, 1) ||
	    !json_open(f, &a, nm))
		return -1;
	fprintf(a.f, "{ \"op\": \"%s\", \"kind\": \"gate\", \"tokens\": %u, "
		"\"d\": %u, \"experts\": %u, \"topk\": %u, \"task\": %u, "
		"\"tasks\": %u, \"logit_shift\": %u, \"softmax\": \"%s\", "
		"\"softmax_in_frac\": %u, \"score_scale\": %.9g, "
		"\"tile_tokens\": %u }\n", nm, op->m, op->k, op->n, op->topk,
		op->task, op->tasks, o->gj.shift, smx_algo_name(o->gj.algo),
		f->cfg->smx_in_frac, 1.0 / 256, f->plans[x].tm);
	return json_commit(f, &a);
}

/* ---- MoE: the parts of a layer share its data (docs/models.md) ---- */

static int moe_oom(struct func *f, uint32_t x)
{
	snprintf(f->msg, sizeof f->msg, "op '%s': out of memory for "
		 "functional operands", src_op(f, x)->name);
	return -1;
}

/* Expert e's FC1 (which 1, k x n) or FC2 (which 2) weights, pruned. */
static void expert_w(const struct func *f, uint32_t top, uint32_t e,
		     int which, int16_t *w, uint32_t k, uint32_t n)
{
	const struct op *op = &f->t->ops[top];
	uint64_t stream = f->moe[top]->route.stream ^
			  func_mix(2ull * e + (uint64_t)which);

	fill(w, (uint64_t)k * n, stream, f->cfg->weight_bits);
	if (op->nm_n < op->nm_m)
		nm_prune(w, k, n, op->nm_n, op->nm_m);
}

/*
 * Gate scores of the routed pairs: the router's logits requantized to
 * int8, the softmax unit's algorithm over all experts (M3ViT), optionally
 * renormalized over the token's top-k ([gate] renorm).
 */
static void moe_scores(struct func *f, uint32_t top, const int8_t *x,
		       const int8_t *wg)
{
	const struct op *op = &f->t->ops[top];
	const struct moe_route *r = &f->moe[top]->route;
	struct func_moe *m = &f->fm[top];
	struct smx_fmt fmt = { f->cfg->smx_in_frac,
			       (uint32_t)f->cfg->smx_ita_eps32 };
	enum smx_algo algo = f->cfg->smx_algo == CFG_SMX_ITA ? SMX_ITA :
			     f->cfg->smx_algo == CFG_SMX_THREEPASS ?
			     SMX_THREEPASS : SMX_ONLINE;
	uint32_t sh = 7 + (nm_clog2(op->k) + 1) / 2, t, e, j, d, sum;
	int8_t z[TRACE_EXPERTS_MAX];
	uint8_t p[TRACE_EXPERTS_MAX];

	for (t = 0; t < m->t; t++) {
		for (e = 0; e < m->e; e++) {
			int32_t l = 0;

			for (d = 0; d < m->d; d++)
				l += x[(uint64_t)t * m->d + d] *
				     wg[(uint64_t)d * m->e + e];
			z[e] = (int8_t)sde_requant(l, sh, 8);
		}
		smx_row(algo, &fmt, z, m->e, p);
		for (sum = 0, j = 0; j < m->k; j++)
			sum += p[r->choice[(uint64_t)t * m->k + j]];
		for (j = 0; j < m->k; j++) {
			e = r->choice[(uint64_t)t * m->k + j];
			m->score[(uint64_t)t * m->e + e] = !f->cfg->gate_renorm ?
				p[e] : (uint8_t)(sum ? (p[e] * 255u + sum / 2) / sum : 0);
		}
	}
}

/* The layer's tokens, gate scores, accumulators and intermediates, on
 * its first part. */
static int moe_open(struct func *f, uint32_t top, uint32_t x)
{
	const struct op *op = &f->t->ops[top];
	struct func_moe *m = &f->fm[top];
	uint64_t td = (uint64_t)op->m * op->k, i;
	int8_t *x8 = malloc(td), *wg = malloc((uint64_t)op->k * op->experts);

	m->t = op->m;
	m->d = op->k;
	m->e = op->experts;
	m->k = op->topk;
	m->x = malloc(td * sizeof *m->x);
	m->score = calloc((uint64_t)op->m * op->experts, 1);
	m->acc = calloc(td, sizeof *m->acc);
	m->h8 = malloc((uint64_t)op->m * op->n);
	m->act16 = malloc((uint64_t)op->m * op->n * sizeof *m->act16);
	m->y = malloc(td);
	if (!x8 || !wg || !m->x || !m->score || !m->acc || !m->h8 ||
	    !m->act16 || !m->y) {
		free(x8);
		free(wg);
		return moe_oom(f, x);
	}
	moe_data(op, f->moe[top]->route.stream, x8, wg);
	for (i = 0; i < td; i++)
		m->x[i] = x8[i];
	moe_scores(f, top, x8, wg);
	free(x8);
	free(wg);
	for (i = 0; i < f->n; i++)
		m->live += f->plans[i].trace_op == top;
	return 0;
}

/* The tokens (and their scores) of the part's expert within its block,
 * into the part's own arrays. */
static int moe_tokens(struct func *f, const struct plan_op *p,
		      struct func_op *o)
{
	const struct moe_route *r = &f->moe[p->trace_op]->route;
	const struct func_moe *m = &f->fm[p->trace_op];
	uint32_t e = p->moe_expert, i, n = 0;

	o->tok = malloc((r->kept[e] + 1) * sizeof *o->tok);
	o->gs = malloc(r->kept[e] + 1);
	if (!o->tok || !o->gs)
		return -1;
	for (i = 0; i < r->kept[e]; i++) {
		uint32_t t = r->list[e][i];

		if (t < p->moe_lo || t >= p->moe_hi)
			continue;
		o->tok[n] = t;
		o->gs[n++] = m->score[(uint64_t)t * m->e + e];
	}
	return n == p->m ? 0 : -1;
}

/* FC1 (role 1) or FC2 (role 3) of a part, on the engine. FC2's operand is
 * GELU's output, not there yet: the engine reads it from act16 when the
 * tile drains, and the check copies it at the end. */
static const void *moe_fc(struct func *f, uint32_t x, size_t *stride)
{
	const struct plan_op *p = &f->plans[x];
	struct func_op *o = &f->ops[x];
	struct func_moe *m = &f->fm[p->trace_op];
	int sparse = p->map.n != p->map.m;
	uint64_t r, c;

	if (alloc_op(o, p, sparse) ||
	    (p->moe_role == 1 && moe_tokens(f, p, o))) {
		op_free(o);
		moe_oom(f, x);
		return NULL;
	}
	for (r = 0; p->moe_role == 1 && r < p->m; r++)
		for (c = 0; c < p->k; c++)
			o->a[r * p->k + c] = m->x[(uint64_t)o->tok[r] * m->d + c];
	expert_w(f, p->trace_op, p->moe_expert, p->moe_role == 1 ? 1 : 2, o->w,
		 p->k, p->n);
	if (sparse)
		nm_compress(o->w, p->k, p->n, p->map.n, p->map.m, o->val, o->idx);
	if (p->moe_role == 1)
		m->shift1 = p->shift;
	else
		m->shift2 = p->shift;
	bind(o, p, f->cfg->act_bits);
	if (p->moe_role == 3)
		o->d[0].a = m->act16;
	*stride = sizeof(struct sde_data);
	return o->d;
}

/* GELU (role 2) or scatter-accumulate (role 4) of a part, on the vector
 * unit, reading the layer's fixed intermediates. */
static const void *moe_vec(struct func *f, uint32_t x, size_t *stride)
{
	const struct plan_op *p = &f->plans[x];
	struct func_op *o = &f->ops[x];
	struct func_moe *m = &f->fm[p->trace_op];

	*stride = 0;
	vec_job_init(&o->vj);
	o->vj.kind = p->vk;
	o->vj.n = p->n;
	if (p->moe_role == 4) {
		if (moe_tokens(f, p, o)) {
			moe_oom(f, x);
			return NULL;
		}
		o->vj.a = m->y;
		o->vj.tok = o->tok;
		o->vj.g = o->gs;
		o->vj.acc = m->acc;
		return &o->vj;
	}
	o->y = malloc((uint64_t)p->m * p->n);
	if (!o->y) {
		moe_oom(f, x);
		return NULL;
	}
	o->vj.gelu = p->vp.gelu;
	o->vj.fmt = vec_format(f->cfg);
	o->vj.a = m->h8;
	o->vj.y = o->y;
	return &o->vj;
}

static const void *moe_begin(struct func *f, uint32_t x, size_t *stride)
{
	const struct plan_op *p = &f->plans[x];

	if (!f->fm[p->trace_op].live && moe_open(f, p->trace_op, x))
		return NULL;
	if (p->moe_role == 1 || p->moe_role == 3)
		return moe_fc(f, x, stride);
	return moe_vec(f, x, stride);
}

/* One token through one expert, the plain way: x (d) -> y8 (d). */
static void moe_ref_token(struct func *f, uint32_t top, const int16_t *x,
			  const int16_t *w1, const int16_t *w2, uint32_t hid,
			  int32_t *tmp, int8_t *a8, int8_t *g8, int16_t *h16,
			  int8_t *y8)
{
	struct func_moe *m = &f->fm[top];
	struct vec_fmt fmt = vec_format(f->cfg);
	uint32_t i;

	golden_gemm(x, w1, tmp, 1, m->d, hid);
	for (i = 0; i < hid; i++)
		a8[i] = (int8_t)sde_requant(tmp[i], m->shift1, f->cfg->act_bits);
	vec_gelu(f->cfg->vec_gelu == CFG_GELU_IGELU ? VEC_GELU_IGELU :
		 VEC_GELU_TABLE, &fmt, a8, hid, g8);
	for (i = 0; i < hid; i++)
		h16[i] = g8[i];
	golden_gemm(h16, w2, tmp, 1, hid, m->d);
	for (i = 0; i < m->d; i++)
		y8[i] = (int8_t)sde_requant(tmp[i], m->shift2, f->cfg->act_bits);
}

/*
 * Dump prefix of a part: NAME.e<E>, or NAME.b<B>.e<E> for block B of the
 * token-major order when the block is not the whole layer.
 */
static void part_prefix(const struct func *f, const struct plan_op *p,
			char *buf, size_t len)
{
	const struct op *op = &f->t->ops[p->trace_op];

	if (p->moe_lo == 0 && p->moe_hi == op->m)
		snprintf(buf, len, "%s.e%u", op->name, p->moe_expert);
	else
		snprintf(buf, len, "%s.b%u.e%u", op->name,
			 p->moe_lo / f->cfg->moe_token_block, p->moe_expert);
}

/*
 * A checked part: FC1 and FC2 as GEMM dumps (PREFIX.fc1, PREFIX.fc2), GELU
 * as a vector dump (PREFIX.gelu), the scatter-accumulate's rows as
 * PREFIX.tok (row r goes to token tok[r]) and PREFIX.score (its scale).
 */
static int moe_dump_part(struct func *f, uint32_t x)
{
	const struct plan_op *p = &f->plans[x];
	const struct func_op *o = &f->ops[x];
	uint64_t rows = p->m;
	char pre[128], nm[160];

	part_prefix(f, p, pre, sizeof pre);
	snprintf(nm, sizeof nm, "%s.%s", pre, p->moe_role == 1 ? "fc1" :
		 p->moe_role == 2 ? "gelu" : "fc2");
	if (p->moe_role == 1 || p->moe_role == 3)
		return dump_gemm(f, x, nm);
	if (p->moe_role == 2)
		return dump_vec(f, x, nm, o->vj.a);
	return dump_one(f, pre, "tok", NPY_I32, &rows, 1, o->tok, 4) ||
	       dump_one(f, pre, "score", NPY_U8, &rows, 1, o->gs, 1) ? -1 : 0;
}

/* The layer's description and its parts' prefixes, as NAME.json. */
static int moe_dump_json(struct func *f, uint32_t top)
{
	const struct op *op = &f->t->ops[top];
	const struct func_moe *m = &f->fm[top];
	struct afile a;
	const char *sep = "";
	char pre[128];
	uint32_t i;

	if (!json_open(f, &a, op->name))
		return -1;
	fprintf(a.f, "{ \"op\": \"%s\", \"kind\": \"moe\", \"tokens\": %u, "
		"\"d\": %u, \"hidden\": %u, \"experts\": %u, \"topk\": %u, "
		"\"nm\": \"%u:%u\", \"order\": \"%s\", \"fc1_shift\": %u, "
		"\"fc2_shift\": %u, \"score_scale\": %.9g, \"renorm\": %s, "
		"\"dropped\": %u, \"parts\": [", op->name, m->t, m->d, op->n,
		m->e, m->k, op->nm_n, op->nm_m, f->cfg->moe_order ==
		CFG_MOE_TOKEN ? "token" : "expert", m->shift1, m->shift2,
		1.0 / 256, f->cfg->gate_renorm ? "true" : "false",
		f->moe[top]->route.dropped);
	for (i = 0; i < f->n; i++) {
		const struct plan_op *p = &f->plans[i];

		if (p->trace_op != top || p->moe_role != 1)
			continue;
		part_prefix(f, p, pre, sizeof pre);
		fprintf(a.f, "%s\n  { \"prefix\": \"%s\", \"expert\": %u, "
			"\"rows\": %u }", sep, pre, p->moe_expert, p->m);
		sep = ",";
	}
	fprintf(a.f, " ] }\n");
	return json_commit(f, &a);
}

/*
 * A checked layer: its tokens (NAME.in), routing (NAME.topk, best first,
 * before capacity), gate scores (NAME.score, tokens x experts, 0 where not
 * routed), the combined int32 output (NAME.acc) and NAME.json.
 */
static int moe_dump_layer(struct func *f, uint32_t top)
{
	const struct func_moe *m = &f->fm[top];
	const char *nm = f->t->ops[top].name;
	const uint16_t *choice = f->moe[top]->route.choice;
	uint64_t sx[2] = { m->t, m->d }, sk[2] = { m->t, m->k };
	uint64_t se[2] = { m->t, m->e };

	if (dump_one(f, nm, "in", NPY_I8, sx, 2, m->x, 2) ||
	    dump_one(f, nm, "topk", NPY_I16, sk, 2, choice, 2) ||
	    dump_one(f, nm, "score", NPY_U8, se, 2, m->score, 1) ||
	    dump_one(f, nm, "acc", NPY_I32, sx, 2, m->acc, 4))
		return -1;
	return moe_dump_json(f, top);
}

/*
 * The layer's accumulators against a token-by-token reference over the
 * kept (token, expert) pairs; then the output's hash for the report.
 */
static int moe_close(struct func *f, uint32_t top)
{
	const struct op *op = &f->t->ops[top];
	const struct moe_route *r = &f->moe[top]->route;
	struct func_moe *m = &f->fm[top];
	uint32_t hid = op->n, e, i, c;
	uint64_t td = (uint64_t)m->t * m->d, n;
	uint64_t hash = 1469598103934665603ull;
	int32_t *ref = calloc(td, sizeof *ref);
	int32_t *tmp = malloc(((uint64_t)hid + m->d) * sizeof *tmp);
	int16_t *w1 = malloc((uint64_t)m->d * hid * sizeof *w1);
	int16_t *w2 = malloc((uint64_t)hid * m->d * sizeof *w2);
	int16_t *h16 = malloc((uint64_t)hid * sizeof *h16);
	int8_t *a8 = malloc(hid), *g8 = malloc(hid), *y8 = malloc(m->d);
	int rc = -1;

	if (!ref || !tmp || !w1 || !w2 || !h16 || !a8 || !g8 || !y8) {
		snprintf(f->msg, sizeof f->msg, "op '%s': out of memory for "
			 "the MoE reference", op->name);
		goto out;
	}
	for (e = 0; e < m->e; e++) {
		expert_w(f, top, e, 1, w1, m->d, hid);
		expert_w(f, top, e, 2, w2, hid, m->d);
		for (i = 0; i < r->kept[e]; i++) {
			uint32_t t = r->list[e][i];
			uint8_t g = m->score[(uint64_t)t * m->e + e];
			int32_t *o = ref + (uint64_t)t * m->d;

			moe_ref_token(f, top, m->x + (uint64_t)t * m->d, w1, w2,
				      hid, tmp, a8, g8, h16, y8);
			for (c = 0; c < m->d; c++)
				o[c] = (int32_t)((uint32_t)o[c] +
						 (uint32_t)(g * y8[c]));
		}
	}
	for (n = 0; n < td && ref[n] == m->acc[n]; n++)
		hash = (hash ^ (uint32_t)m->acc[n]) * 1099511628211ull;
	if (n < td) {
		snprintf(f->msg, sizeof f->msg, "op '%s' (%s line %d): token "
			 "%llu element %llu: layer output %d, reference %d",
			 op->name, f->t->path, op->line,
			 (unsigned long long)(n / m->d),
			 (unsigned long long)(n % m->d), m->acc[n], ref[n]);
		goto out;
	}
	f->checked += td;
	f->moe[top]->out_hash = hash;
	rc = f->dump_dir ? moe_dump_layer(f, top) : 0;
out:
	free(ref);
	free(tmp);
	free(w1);
	free(w2);
	free(h16);
	free(a8);
	free(g8);
	free(y8);
	moe_free(m);
	return rc;
}

static int moe_end(struct func *f, uint32_t x)
{
	const struct plan_op *p = &f->plans[x];
	struct func_op *o = &f->ops[x];
	struct func_moe *m = &f->fm[p->trace_op];
	uint64_t e = (uint64_t)p->m * p->n, i;
	int rc = 0;

	if (p->moe_role == 3)	/* the operand the engine read, for the check */
		for (i = 0; i < (uint64_t)p->m * p->k; i++)
			o->a[i] = m->act16[i];
	if (p->moe_role == 1 || p->moe_role == 3)
		rc = check_engine(f, x);
	else if (p->moe_role == 2)
		rc = check_vec(f, x);
	if (!rc && f->dump_dir)
		rc = moe_dump_part(f, x);
	for (i = 0; !rc && p->moe_role == 1 && i < e; i++)
		m->h8[i] = (int8_t)o->out[i];
	for (i = 0; !rc && p->moe_role == 2 && i < e; i++)
		m->act16[i] = o->y[i];
	for (i = 0; !rc && p->moe_role == 3 && i < e; i++)
		m->y[i] = (int8_t)o->out[i];
	op_free(o);
	if (--m->live == 0 && !rc)
		rc = moe_close(f, p->trace_op);
	return rc;
}

static int end(void *ctx, uint32_t opi)
{
	struct func *f = ctx;
	const struct plan_op *p = &f->plans[opi];
	struct func_op *o = &f->ops[opi];
	int rc;

	if (p->moe_role)
		return moe_end(f, opi);
	if (p->unit == PU_GATE) {
		rc = check_gate(f, opi);
		if (!rc && f->dump_dir)
			rc = dump_gate(f, opi);
		op_free(o);
		return rc;
	}
	if (p->unit != PU_SDE) {
		rc = check_vec(f, opi);
		if (!rc && f->dump_dir)
			rc = dump_vec(f, opi, src_op(f, opi)->name, o->x);
		op_free(o);
		return rc;
	}
	rc = check_engine(f, opi);
	if (!rc && f->dump_dir)
		rc = dump_gemm(f, opi, src_op(f, opi)->name);
	op_free(o);
	return rc;
}

void func_hooks(struct func *f, struct sched_hooks *h)
{
	h->ctx = f;
	h->begin = begin;
	h->end = end;
}
