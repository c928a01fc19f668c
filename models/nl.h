/*
 * nl.h - counted non-linear actions of the vector and softmax units.
 *
 * Counts per tile, priced later by the energy table's [nonlinear] section.
 */
#ifndef MODELS_NL_H
#define MODELS_NL_H

#include <stdint.h>

struct nl_actions {
	uint64_t exp;		/* fixed-point exponentials */
	uint64_t div;		/* reciprocals / integer divisions */
	uint64_t cmp;		/* 8-bit compares */
	uint64_t lut;		/* small-table reads */
	uint64_t shift;		/* barrel shifts */
	uint64_t isqrt;		/* inverse square roots */
	uint64_t mul16;		/* 16-bit multiplies */
	uint64_t add;		/* 8..32-bit adds */
};

static inline void nl_add(struct nl_actions *t, const struct nl_actions *a)
{
	t->exp += a->exp;
	t->div += a->div;
	t->cmp += a->cmp;
	t->lut += a->lut;
	t->shift += a->shift;
	t->isqrt += a->isqrt;
	t->mul16 += a->mul16;
	t->add += a->add;
}

#endif
