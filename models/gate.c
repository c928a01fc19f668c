/*
 * gate.c - gate unit timing, actions and top-k (see gate.h).
 *
 * Invariant: gate_topk returns k distinct indices, ordered by value then
 * by index, whatever the input (ties included).
 */
#include "gate.h"
#include "nm.h"

static uint64_t cdiv(uint64_t a, uint64_t b)
{
	return (a + b - 1) / b;
}

static uint64_t max3(uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t m = a > b ? a : b;

	return m > c ? m : c;
}

void gate_stages(const struct gate_params *p, uint64_t d, uint64_t e,
		 uint64_t *logits, uint64_t *softmax, uint64_t *topk)
{
	*logits = p->gemv_width ? cdiv(d * e, p->gemv_width) : 0;
	*softmax = smx_cycles(&p->smx, 1, e);
	*topk = cdiv(e, p->sorters ? p->sorters : 1);
}

uint64_t gate_cycles(const struct gate_params *p, uint64_t t, uint64_t d,
		     uint64_t e)
{
	uint64_t a, b, c, m;

	gate_stages(p, d, e, &a, &b, &c);
	m = max3(a, b, c);
	return t * m + (a + b + c - m);
}

void gate_count(const struct gate_params *p, uint64_t t, uint64_t d,
		uint64_t e, uint64_t k, struct nl_actions *a)
{
	struct nl_actions s;

	smx_count(&p->smx, t, e, &s);
	*a = s;
	if (p->gemv_width) {
		a->mul16 += t * d * e;
		a->add += t * d * e;
	}
	a->cmp += t * e * k;	/* each candidate against the k entries */
}

void gate_topk(const int32_t *v, uint32_t e, uint32_t k, uint16_t *idx)
{
	int32_t best[GATE_TOPK_MAX];
	uint32_t i, j, n = 0;

	for (i = 0; i < e; i++) {
		for (j = n; j > 0 && v[i] > best[j - 1]; j--)
			if (j < k) {
				best[j] = best[j - 1];
				idx[j] = idx[j - 1];
			}
		if (j < k) {
			best[j] = v[i];
			idx[j] = (uint16_t)i;
		}
		if (n < k)
			n++;
	}
}

/* Round half up, saturate to int8 (the engine's rule, models/sde.h). */
static int8_t requant8(int32_t v, uint32_t shift)
{
	int64_t q = ((int64_t)v + (1ll << (shift - 1))) >> shift;

	return (int8_t)(q > 127 ? 127 : q < -128 ? -128 : q);
}

void gate_token(const struct gate_job *j, uint32_t t, int32_t *logits,
		uint16_t *idx, uint8_t *score)
{
	int8_t z[GATE_E_MAX];
	uint8_t p[GATE_E_MAX];
	uint32_t e, d, i;

	for (e = 0; e < j->e; e++) {
		int32_t s = 0;

		for (d = 0; d < j->d; d++)
			s += j->x[(uint64_t)t * j->d + d] *
			     j->w[(uint64_t)d * j->e + e];
		logits[e] = s;
		z[e] = requant8(s, j->shift);
	}
	smx_row(j->algo, &j->fmt, z, j->e, p);
	gate_topk(logits, j->e, j->k, idx);
	for (i = 0; i < j->k; i++)
		score[i] = p[idx[i]];
}

static void run(const struct fu_job *base, uint32_t r0, uint32_t rows)
{
	const struct gate_job *j = (const struct gate_job *)base;
	int32_t l[GATE_E_MAX];
	uint32_t t;

	for (t = r0; t < r0 + rows; t++)
		gate_token(j, t, l, j->idx + (uint64_t)t * j->k,
			   j->score + (uint64_t)t * j->k);
}

uint32_t gate_shift(uint32_t d)
{
	return 7 + (nm_clog2(d) + 1) / 2;
}

void gate_job_init(struct gate_job *j)
{
	j->base.run = run;
}
