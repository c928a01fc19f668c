/*
 * golden.h - plain reference functions the unit models are checked against.
 *
 * Written for obviousness, not speed, and sharing no code with the models
 * except the bit-exact requantization rule (sde_requant), which is the spec.
 */
#ifndef MODELS_GOLDEN_H
#define MODELS_GOLDEN_H

#include <stdint.h>

/*
 * acc = a (m x k) * w (k x n), all row-major, int32 accumulation with two's
 * complement wrap-around like the hardware's 32-bit accumulators.
 */
void golden_gemm(const int16_t *a, const int16_t *w, int32_t *acc,
		 uint32_t m, uint32_t k, uint32_t n);

#endif
