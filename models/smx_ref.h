/*
 * smx_ref.h - bit-exact arithmetic of the softmax unit, and references.
 *
 * The softmax unit turns one row of int8 scores (real value x * 2^-in_frac)
 * into uint8 probabilities (real value p * 2^-8, saturated at 255). Three
 * algorithms, each a pure function over one row, shared by the unit model
 * (models/smx.c), its tests and the RTL testbenches:
 *   online     Edge-MoE's single-pass recurrence (running max and sum with
 *              rescaling) in fixed point, then one reciprocal; p rebuilt as
 *              exp(x - max) * (1 / sum) while A.V consumes the row;
 *   ita        ITA's integer streaming softmax: power-of-two exponent,
 *              shift-rescaled denominator per group of 16, one integer
 *              division per row, p = inv >> shift;
 *   threepass  max pass, exp-and-sum pass, normalize pass.
 * The double-precision reference is plain softmax of the real scores.
 */
#ifndef MODELS_SMX_REF_H
#define MODELS_SMX_REF_H

#include <stdint.h>

enum smx_algo { SMX_ONLINE = 0, SMX_ITA, SMX_THREEPASS, SMX_ALGO_COUNT };

struct smx_fmt {
	uint32_t in_frac;	/* fractional bits of the int8 scores */
	uint32_t ita_eps32;	/* ita only: 1 = shift by (max - x) / 32 rounded */
};

/*
 * Softmax of one row x[0..len-1] into p[0..len-1] with algorithm a.
 * Bit-exact: the unit model and the RTL compute exactly these values.
 */
void smx_row(enum smx_algo a, const struct smx_fmt *f, const int8_t *x,
	     uint32_t len, uint8_t *p);

/* Double-precision softmax of the real scores x * 2^-in_frac. */
void smx_row_ref(const struct smx_fmt *f, const int8_t *x, uint32_t len,
		 double *p);

const char *smx_algo_name(enum smx_algo a);

/*
 * Fixed point shared by the unit model, the tests and the RTL (the design
 * and its error analysis: smx_ref.c and docs/accuracy.md).
 *
 * exp unit E (online, threepass): E(d) ~ 2^16 * exp(-d * 2^-in_frac) for the
 * integer distance d = max - x >= 0 below the row maximum, in Q16 (E(0) =
 * SMX_EXP_ONE = 1.0 exactly), non-increasing in d. The running or final sum s
 * of E values is Q17.16 (33 bits); r = floor(2^SMX_RECIP_K / s) (17 bits);
 * p = min(255, round(E * r * 2^-(SMX_RECIP_K - 8))).
 */
#define SMX_EXP_ONE	65536u	/* 1.0 in the Q16 of E and of the sum s */
#define SMX_L2E_Q16	94548u	/* round(log2(e) * 2^16) */
#define SMX_EXP_SEGS	32u	/* linear segments of the 2^-f table (33 entries) */
#define SMX_RECIP_K	32u	/* reciprocal r = floor(2^K / s) */
#define SMX_IN_FRAC_MAX	15u	/* larger in_frac values are read as this */

/* ITA (ita): group width, denominator width, dividend of the division. */
#define SMX_ITA_GROUP	16u	/* scores per max/denominator update */
#define SMX_ITA_ACC_BITS 19u	/* denominator, saturating */
#define SMX_ITA_SCALAR	65280u	/* (2^8 - 1) * 2^8: inv = SCALAR / acc */

/* E(d) in Q16 for a distance of d score LSBs below the maximum. */
uint32_t smx_exp_q16(uint32_t d, const struct smx_fmt *f);

/*
 * ita: the score x brought to the base-2 domain, as an unsigned integer in
 * units of 2^-S octaves (S = 0, or 5 when f->ita_eps32):
 * round((x + 128) * log2(e) * 2^(S - in_frac)), at most 11776 (14 bits).
 * Differences of two such values are the distances that ITA shifts by.
 */
uint32_t smx_ita_base2(int8_t x, const struct smx_fmt *f);

#endif
