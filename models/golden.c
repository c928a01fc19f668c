/*
 * golden.c - reference GEMM (see golden.h): the dense product of the pruned
 * weights, independent of the compressed format and of the PE mapping.
 */
#include "golden.h"

#include <string.h>

void golden_gemm(const int16_t *a, const int16_t *w, int32_t *acc,
		 uint32_t m, uint32_t k, uint32_t n)
{
	uint32_t r, kk, c;

	memset(acc, 0, (uint64_t)m * n * sizeof *acc);
	for (r = 0; r < m; r++) {
		int32_t *row = acc + (uint64_t)r * n;

		for (kk = 0; kk < k; kk++) {
			int32_t x = a[(uint64_t)r * k + kk];
			const int16_t *wr = w + (uint64_t)kk * n;

			if (!x)
				continue;
			for (c = 0; c < n; c++)
				row[c] = (int32_t)((uint32_t)row[c] +
					 (uint32_t)(x * wr[c]));
		}
	}
}
