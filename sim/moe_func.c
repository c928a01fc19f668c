/*
 * moe_func.c - functional mode of MoE layers (see moe_func.h).
 *
 * The parts of a layer share its data (docs/models.md): its tokens (the
 * router's seeded data, moe_data), gate scores from the router's logits
 * through the softmax unit's algorithm, int32 output accumulators, and the
 * intermediates of the part in flight. FC1 and FC2 run on the engine and
 * GELU on the vector unit with those units' functional parts; the
 * scatter-accumulate adds g * y into the accumulators. When the last part
 * ends, the layer is checked token by token against a plain reference over
 * the kept (token, expert) pairs and its output hashed for the report.
 * Invariant: a layer's data lives from its first part's begin to its last
 * part's end.
 */
#include "moe_func.h"

#include <stdlib.h>
#include <string.h>

#include "func.h"
#include "stream.h"
#include "lib/hash.h"
#include "../models/golden.h"
#include "../models/nm.h"
#include "../models/sde_unit.h"
#include "../models/smx_unit.h"
#include "../models/vec_unit.h"

/* One MoE layer's data in functional mode, alive from its first part to
 * its last. */
struct func_moe {
	uint32_t live;		/* parts not yet ended, 0 = not started */
	uint32_t t, d, e, k;	/* tokens, width, experts, top-k */
	int16_t *x;		/* t x d tokens: the router's (moe_data) */
	uint8_t *score;		/* t x e gate scores, real = score / 256 */
	int32_t *acc;		/* t x d output accumulators */
	/* Intermediates of the part in flight, at fixed addresses: a part's
	 * begin comes before its producer has ended, and the units read them
	 * only when a tile completes, after the producer. */
	int8_t *h8;		/* FC1 outputs, rows x hidden (GELU reads) */
	int16_t *act16;		/* GELU outputs, rows x hidden (FC2 reads) */
	int8_t *y;		/* FC2 outputs, rows x d (scatter reads) */
	uint32_t shift1, shift2; /* FC1 and FC2 requantization shifts */
};

static void layer_free(struct func_moe *m)
{
	free(m->x);
	free(m->score);
	free(m->acc);
	free(m->h8);
	free(m->act16);
	free(m->y);
	memset(m, 0, sizeof *m);
}

int moe_func_init(struct func *f)
{
	f->fm = calloc(f->t->n_ops ? f->t->n_ops : 1, sizeof *f->fm);
	return f->fm ? 0 : -1;
}

void moe_func_free(struct func *f)
{
	size_t i;

	if (f->fm)
		for (i = 0; i < f->t->n_ops; i++)
			layer_free(&f->fm[i]);
	free(f->fm);
	f->fm = NULL;
}

/* Expert e's FC1 (which 1, k x n) or FC2 (which 2) weights, pruned. */
static void expert_w(const struct func *f, uint32_t top, uint32_t e,
		     int which, int16_t *w, uint32_t k, uint32_t n)
{
	const struct op *op = &f->t->ops[top];
	uint64_t stream = f->moe[top]->route.stream ^
			  stream_mix(2ull * e + (uint64_t)which);

	func_fill(w, (uint64_t)k * n, stream, f->cfg->weight_bits);
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
	struct smx_fmt fmt = smx_cfg_fmt(f->cfg);
	enum smx_algo algo = smx_cfg_algo(f->cfg);
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
		return func_oom(f, x);
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
	uint32_t e = p->moe.expert, i, n = 0;

	o->tok = malloc((r->kept[e] + 1) * sizeof *o->tok);
	o->gs = malloc(r->kept[e] + 1);
	if (!o->tok || !o->gs)
		return -1;
	for (i = 0; i < r->kept[e]; i++) {
		uint32_t t = r->list[e][i];

		if (t < p->moe.lo || t >= p->moe.hi)
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

	if (sde_func_alloc(o, p) ||
	    (p->moe.role == MOE_FC1 && moe_tokens(f, p, o))) {
		func_op_free(o);
		func_oom(f, x);
		return NULL;
	}
	for (r = 0; p->moe.role == MOE_FC1 && r < p->m; r++)
		for (c = 0; c < p->k; c++)
			o->a[r * p->k + c] = m->x[(uint64_t)o->tok[r] * m->d + c];
	expert_w(f, p->trace_op, p->moe.expert, p->moe.role == MOE_FC1 ? 1 : 2, o->w,
		 p->k, p->n);
	if (sparse)
		nm_compress(o->w, p->k, p->n, p->map.n, p->map.m, o->val, o->idx);
	if (p->moe.role == MOE_FC1)
		m->shift1 = p->shift;
	else
		m->shift2 = p->shift;
	sde_func_bind(o, p, f->cfg->act_bits);
	if (p->moe.role == MOE_FC2)
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
	o->vj.kind = vec_op_of(p)->kind;
	o->vj.n = p->n;
	if (p->moe.role == MOE_SCATTER) {
		if (moe_tokens(f, p, o)) {
			func_oom(f, x);
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
		func_oom(f, x);
		return NULL;
	}
	o->vj.gelu = vec_op_of(p)->vp.gelu;
	o->vj.fmt = vec_cfg_fmt(f->cfg);
	o->vj.a = m->h8;
	o->vj.y = o->y;
	return &o->vj;
}

const void *moe_func_begin(struct func *f, uint32_t x, size_t *stride)
{
	const struct plan_op *p = &f->plans[x];

	if (!f->fm[p->trace_op].live && moe_open(f, p->trace_op, x))
		return NULL;
	if (p->moe.role == MOE_FC1 || p->moe.role == MOE_FC2)
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
	struct vec_fmt fmt = vec_cfg_fmt(f->cfg);
	uint32_t i;

	golden_gemm(x, w1, tmp, 1, m->d, hid);
	for (i = 0; i < hid; i++)
		a8[i] = (int8_t)sde_requant(tmp[i], m->shift1, f->cfg->act_bits);
	vec_gelu(vec_cfg_gelu(f->cfg), &fmt, a8, hid, g8);
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

	if (p->moe.lo == 0 && p->moe.hi == op->m)
		snprintf(buf, len, "%s.e%u", op->name, p->moe.expert);
	else
		snprintf(buf, len, "%s.b%u.e%u", op->name,
			 p->moe.lo / f->cfg->moe_token_block, p->moe.expert);
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
	snprintf(nm, sizeof nm, "%s.%s", pre, p->moe.role == MOE_FC1 ? "fc1" :
		 p->moe.role == MOE_GELU ? "gelu" : "fc2");
	if (p->moe.role == MOE_FC1 || p->moe.role == MOE_FC2)
		return sde_func_dump(f, x, nm);
	if (p->moe.role == MOE_GELU)
		return vec_func_dump_in(f, x, nm, o->vj.a);
	return func_dump_npy(f, pre, "tok", NPY_I32, &rows, 1, o->tok, 4) ||
	       func_dump_npy(f, pre, "score", NPY_U8, &rows, 1, o->gs, 1) ? -1 : 0;
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

	if (!func_json_open(f, &a, op->name))
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

		if (p->trace_op != top || p->moe.role != MOE_FC1)
			continue;
		part_prefix(f, p, pre, sizeof pre);
		fprintf(a.f, "%s\n  { \"prefix\": \"%s\", \"expert\": %u, "
			"\"rows\": %u }", sep, pre, p->moe.expert, p->m);
		sep = ",";
	}
	fprintf(a.f, " ] }\n");
	return func_json_commit(f, &a);
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

	if (func_dump_npy(f, nm, "in", NPY_I8, sx, 2, m->x, 2) ||
	    func_dump_npy(f, nm, "topk", NPY_I16, sk, 2, choice, 2) ||
	    func_dump_npy(f, nm, "score", NPY_U8, se, 2, m->score, 1) ||
	    func_dump_npy(f, nm, "acc", NPY_I32, sx, 2, m->acc, 4))
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
	uint64_t hash = MOE_HASH_BASIS;
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
		hash = hash_word(hash, (uint32_t)m->acc[n]);
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
	layer_free(m);
	return rc;
}

int moe_func_end(struct func *f, uint32_t x)
{
	const struct plan_op *p = &f->plans[x];
	struct func_op *o = &f->ops[x];
	struct func_moe *m = &f->fm[p->trace_op];
	uint64_t e = (uint64_t)p->m * p->n, i;
	int rc = 0;

	if (p->moe.role == MOE_FC2)	/* the operand the engine read, for the check */
		for (i = 0; i < (uint64_t)p->m * p->k; i++)
			o->a[i] = m->act16[i];
	if (p->moe.role == MOE_FC1 || p->moe.role == MOE_FC2)
		rc = sde_func_check(f, x);
	else if (p->moe.role == MOE_GELU)
		rc = vec_func_check(f, x);
	if (!rc && f->dump_dir)
		rc = moe_dump_part(f, x);
	for (i = 0; !rc && p->moe.role == MOE_FC1 && i < e; i++)
		m->h8[i] = (int8_t)o->out[i];
	for (i = 0; !rc && p->moe.role == MOE_GELU && i < e; i++)
		m->act16[i] = o->y[i];
	for (i = 0; !rc && p->moe.role == MOE_FC2 && i < e; i++)
		m->y[i] = (int8_t)o->out[i];
	func_op_free(o);
	if (--m->live == 0 && !rc)
		rc = moe_close(f, p->trace_op);
	return rc;
}

