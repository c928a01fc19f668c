/*
 * gate.c - gate unit timing, actions and top-k (see gate.h).
 *
 * Invariant: gate_topk returns k distinct indices, ordered by value then
 * by index, whatever the input (ties included).
 */
#include "gate.h"

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
