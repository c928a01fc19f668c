/*
 * vec_ref.h - bit-exact arithmetic of the vector unit, and references.
 *
 * Elementwise and row operations of a transformer layer that are not
 * matrix products: GELU, LayerNorm, residual add. Integers in, integers
 * out, with stated scales (real = q * 2^-frac); each function is pure and
 * shared by the unit model (models/vec.c), its tests and the RTL
 * testbenches. Double-precision references beside each.
 */
#ifndef MODELS_VEC_REF_H
#define MODELS_VEC_REF_H

#include <stdint.h>

enum vec_gelu { VEC_GELU_TABLE = 0, VEC_GELU_IGELU, VEC_GELU_COUNT };

struct vec_fmt {
	uint32_t in_frac;	/* fractional bits of int8 inputs */
	uint32_t out_frac;	/* fractional bits of int8 outputs */
	uint32_t table_step_log2; /* GELU table step = 2^-table_step_log2 (5: 1/32) */
	uint32_t table_range_q8;  /* GELU table range in 1/256 units (1408 = 5.5) */
};

/* GELU of n int8 values with method g (Edge-MoE delta table, or ITA's i-GELU). */
void vec_gelu(enum vec_gelu g, const struct vec_fmt *f, const int8_t *x,
	      uint32_t n, int8_t *y);
/* exact GELU, x * Phi(x), of the real inputs */
void vec_gelu_ref(const struct vec_fmt *f, const int8_t *x, uint32_t n,
		  double *y);

/* LayerNorm of one row (gamma 1, beta 0): one pass over sum x and sum x^2,
 * var = E[x^2] - mean^2 + eps, integer inverse square root. */
void vec_layernorm(const struct vec_fmt *f, const int8_t *x, uint32_t n,
		   int8_t *y);
void vec_layernorm_ref(const struct vec_fmt *f, const int8_t *x, uint32_t n,
		       double *y);

/* Residual add with saturation: y = sat(a + b), same scale in and out. */
void vec_add(const int8_t *a, const int8_t *b, uint32_t n, int8_t *y);

const char *vec_gelu_name(enum vec_gelu g);

/*
 * Fixed formats and limits of the arithmetic (vec_ref.c states how each is
 * used). Config keys outside these ranges are refused by sim/config.c:
 * in_frac and out_frac 0..7, gelu_table_step_log2 0..5 (steps 2^-k, k <= 5:
 * every coarser table subsamples the 1/32 one), gelu_table_range 0.25..5.5.
 */
#define VEC_FRAC_MAX		7	/* largest in_frac / out_frac */
#define VEC_GELU_DELTA_FRAC	16	/* delta table entries are Q0.16 */
#define VEC_GELU_STEP_LOG2_MAX	5	/* finest table step 2^-5 = 1/32 */
#define VEC_GELU_POINTS		177	/* fine table: delta(k/32), k = 0..176 */
#define VEC_GELU_RANGE_Q8_MAX	1408	/* 5.5 in 1/256 units */
#define VEC_IGELU_MULT		18927	/* round(0.2888 * 2^16): |a| of i-GELU */
#define VEC_IGELU_MULT_SHIFT	16	/* fractional bits of VEC_IGELU_MULT */
#define VEC_LN_EPS_FRAC		12	/* eps in 2^-(2 in_frac + 12) units */
#define VEC_LN_MAX_N		131072	/* longest LayerNorm row (int64 bound) */

/* Entry k (0..176) of the fine GELU delta table: round(2^16 delta(k/32)). */
uint16_t vec_gelu_delta_q16(uint32_t k);
/* i-GELU constants for in_frac: *q_b = round(b sqrt2 2^in_frac),
 * *q_c = round(2^(2 in_frac + 1) / a); both negative. */
void vec_igelu_consts(uint32_t in_frac, int32_t *q_b, int32_t *q_c);
/* LayerNorm eps for in_frac: max(1, round(1e-6 2^(2 in_frac + 12))). */
int64_t vec_ln_eps(uint32_t in_frac);

#endif
