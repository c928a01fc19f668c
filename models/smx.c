/*
 * smx.c - softmax unit timing, action counts and functional work (smx.h).
 *
 * Per score: online compares with the running max, evaluates one exp for
 * the sum and one for the probability, adds into the sum and multiplies by
 * the reciprocal; threepass evaluates the exp twice as well (sum pass and
 * normalize pass) and compares in its max pass; ita compares, shifts twice
 * (256 >> d into the denominator, inv >> d out) and adds. Per row: one
 * reciprocal or division.
 */
#include "smx.h"

static uint64_t cdiv(uint64_t a, uint64_t b)
{
	return (a + b - 1) / b;
}

/* Row time with a per-row latency l that overlaps the next row's first pass. */
static uint64_t two_pass(uint64_t rows, uint64_t c, uint64_t l)
{
	return rows * (2 * c + (l > c ? l - c : 0)) + (l < c ? l : c);
}

uint64_t smx_cycles(const struct smx_params *p, uint64_t rows, uint64_t n)
{
	uint64_t c = cdiv(n, p->lanes);

	switch (p->algo) {
	case SMX_THREEPASS:
		return rows * 3 * c + p->exp_latency + p->recip_latency;
	case SMX_ITA:
		return two_pass(rows, c, cdiv(p->div_latency, p->dividers)) +
		       p->exp_latency;
	default:
		return two_pass(rows, c, p->recip_latency) + p->exp_latency;
	}
}

uint64_t smx_fused_cycles(const struct smx_params *p, uint64_t rows,
			  uint64_t n)
{
	switch (p->algo) {
	case SMX_THREEPASS:
		return rows * 2 * cdiv(n, p->lanes) + p->exp_latency +
		       p->recip_latency;
	case SMX_ITA:
		return cdiv(p->div_latency, p->dividers) + p->exp_latency;
	default:
		return p->recip_latency + p->exp_latency;
	}
}

void smx_count(const struct smx_params *p, uint64_t rows, uint64_t n,
	       struct nl_actions *a)
{
	uint64_t e = rows * n;

	*a = (struct nl_actions){ 0 };
	a->cmp = e;
	a->div = rows;
	if (p->algo == SMX_ITA) {
		a->shift = 2 * e;
		a->add = e;
		return;
	}
	a->exp = 2 * e;
	a->add = e;
	a->mul16 = e;
}

static void run(const struct fu_job *base, uint32_t r0, uint32_t rows)
{
	const struct smx_job *j = (const struct smx_job *)base;
	uint32_t r;

	for (r = r0; r < r0 + rows; r++)
		smx_row(j->algo, &j->fmt, j->x + (uint64_t)r * j->n, j->n,
			j->p + (uint64_t)r * j->n);
}

void smx_job_init(struct smx_job *j)
{
	j->base.run = run;
}
