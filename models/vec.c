/*
 * vec.c - vector unit timing, action counts and functional work (vec.h).
 *
 * Per element: GELU by table reads 2 table points, interpolates with one
 * 16-bit multiply and one add, and compares against the table range; i-GELU
 * evaluates its polynomial with 3 multiplies (the square, q times the
 * bracket, the output scale), 2 adds and a shift; LayerNorm adds x and x^2
 * into the row sums (one multiply, two adds) and normalizes as
 * (n*x - sum) * inv (two multiplies, one add); add is one saturating add.
 * Per LayerNorm row one inverse square root (models/vec_ref.c). MoE's
 * scatter-accumulate multiplies by the gate score and adds.
 */
#include "vec.h"

static uint64_t cdiv(uint64_t a, uint64_t b)
{
	return (a + b - 1) / b;
}

uint64_t vec_cycles(const struct vec_params *p, enum vec_kind k,
		    uint64_t rows, uint64_t n)
{
	uint64_t c = cdiv(n, p->lanes), q = p->isqrt_latency;

	if (k != VEC_K_LAYERNORM)
		return cdiv(rows * n, p->lanes) + p->latency;
	return rows * (2 * c + (q > c ? q - c : 0)) + (q < c ? q : c) +
	       p->latency;
}

void vec_count(const struct vec_params *p, enum vec_kind k, uint64_t rows,
	       uint64_t n, struct nl_actions *a)
{
	uint64_t e = rows * n;

	*a = (struct nl_actions){ 0 };
	switch (k) {
	case VEC_K_GELU:
		if (p->gelu == VEC_GELU_TABLE) {
			a->lut = 2 * e;
			a->mul16 = e;
			a->add = e;
			a->cmp = e;
		} else {
			a->mul16 = 3 * e;
			a->add = 2 * e;
			a->shift = e;
		}
		break;
	case VEC_K_LAYERNORM:
		a->mul16 = 3 * e;
		a->add = 3 * e;
		a->isqrt = rows;
		break;
	case VEC_K_ADD:
		a->add = e;
		break;
	case VEC_K_SCATTER:
		a->mul16 = e;
		a->add = e;
		break;
	}
}

/* out[t] += g * y in 32-bit accumulators (the layer is requantized once,
 * after its last expert, by whoever reads it). */
static void scatter(const struct vec_job *j, uint32_t r0, uint32_t rows)
{
	uint32_t r, c;

	for (r = r0; r < r0 + rows; r++) {
		int32_t *acc = j->acc + (uint64_t)j->tok[r] * j->n;
		const int8_t *y = j->a + (uint64_t)r * j->n;

		for (c = 0; c < j->n; c++)
			acc[c] = (int32_t)((uint32_t)acc[c] +
					   (uint32_t)(j->g[r] * y[c]));
	}
}

static void run(const struct fu_job *base, uint32_t r0, uint32_t rows)
{
	const struct vec_job *j = (const struct vec_job *)base;
	uint64_t off = (uint64_t)r0 * j->n, e = (uint64_t)rows * j->n;
	uint32_t r;

	switch (j->kind) {
	case VEC_K_GELU:
		vec_gelu(j->gelu, &j->fmt, j->a + off, (uint32_t)e, j->y + off);
		break;
	case VEC_K_ADD:
		vec_add(j->a + off, j->b + off, (uint32_t)e, j->y + off);
		break;
	case VEC_K_SCATTER:
		scatter(j, r0, rows);
		break;
	case VEC_K_LAYERNORM:
		for (r = 0; r < rows; r++)
			vec_layernorm(&j->fmt, j->a + off + (uint64_t)r * j->n,
				      j->n, j->y + off + (uint64_t)r * j->n);
		break;
	}
}

void vec_job_init(struct vec_job *j)
{
	j->base.run = run;
}
