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
 * Fixed point shared by the unit model, the tests and the RTL; the design
 * and its error analysis are in smx_ref.c and docs/accuracy.md.
 *
 * online and threepass: an exp unit E(d) ~ 2^24 * exp(-d * 2^-in_frac) for
 * the integer distance d = max - x (0..255) of a score below the row
 * maximum, in Q0.24 (E(0) = SMX_EXP_ONE = 1.0 exactly, non-increasing in d);
 * a sum s of E values in Q17.24 (41 bits, s <= len * 2^24 <= 2^40); one
 * reciprocal r = floor(2^SMX_RECIP_K / s) (25 bits); and per score
 * p = min(255, round(E * r * 2^-(SMX_RECIP_K - 8))).
 */
#define SMX_EXP_FRAC	24u	/* fractional bits of E and of s */
#define SMX_EXP_ONE	(1u << SMX_EXP_FRAC)	/* 1.0 */
#define SMX_L2E		24204406u	/* round(log2(e) * 2^24) */
#define SMX_EXP_SEG_BITS 6u	/* 2^6 linear segments of 2^-f, 65 entries */
#define SMX_RECIP_K	48u	/* r = floor(2^48 / s) */
#define SMX_IN_FRAC_MAX	15u	/* larger in_frac values are read as 15 */
#define SMX_LEN_MAX	65536u	/* longest row the widths above are sized for */

/* ita: group width, denominator width, dividend of the one division. */
#define SMX_ITA_GROUP	16u	/* scores per max/denominator update */
#define SMX_ITA_ACC_BITS 19u	/* denominator width; saturates, never wraps */
#define SMX_ITA_SCALAR	65280u	/* (2^8 - 1) * 2^8: inv = SCALAR / acc */
#define SMX_ITA_EPS_BITS 5u	/* eps32: base-2 scores in 2^-5 octaves */

/* E(d) in Q0.24 for a score d LSBs below the maximum (any d; 0 beyond ~25 octaves). */
uint32_t smx_exp_q24(uint32_t d, const struct smx_fmt *f);

/*
 * online, one score at a time: the running state of a row after its first
 * score (smx_online_first) and after each further one (smx_online_step),
 * and the row's reciprocal r = floor(2^SMX_RECIP_K / s) (smx_recip, s >=
 * 1). smx_row(SMX_ONLINE) is exactly these, then p from (b, r); the RTL
 * co-simulations compare its registers against them every cycle.
 */
struct smx_online_acc {
	int32_t b;	/* running maximum, int8 */
	uint64_t s;	/* running sum, Q17.24 (41 bits) */
};
struct smx_online_acc smx_online_first(int8_t x);
void smx_online_step(struct smx_online_acc *a, int8_t x,
		     const struct smx_fmt *f);
uint64_t smx_recip(uint64_t s);

/*
 * ita: the score x in the base-2 domain, an unsigned integer in units of
 * 2^-S octaves (S = 0, or SMX_ITA_EPS_BITS when f->ita_eps32):
 * round((x + 128) * SMX_L2E * 2^(S - 24 - in_frac)), at most 11772 (14 bits).
 * The difference of two such values is the distance ITA shifts by.
 */
uint32_t smx_ita_base2(int8_t x, const struct smx_fmt *f);

#endif
