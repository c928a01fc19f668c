/*
 * nm.c - N:M geometry, storage and compression (see nm.h).
 *
 * Mapping rule (docs/models.md): a PE has n_max multipliers, each behind an
 * m_max:1 multiplexer over a window of m_max activations. A sparse pattern
 * with n <= n_max packs floor(min(n_max / n, m_max / m)) groups into one cycle;
 * with n > n_max one group takes ceil(n / n_max) cycles. Dense operands bypass
 * the multiplexers and feed n_max consecutive activations per cycle.
 */
#include "nm.h"

#include <stdlib.h>
#include <string.h>

uint32_t nm_clog2(uint64_t x)
{
	uint32_t b = 0;

	while ((1ull << b) < x)
		b++;
	return b;
}

int nm_map(const struct nm_hw *hw, uint32_t n, uint32_t m, struct nm_map *map)
{
	uint32_t by_mult, by_mux;

	if (n == 0 || n > m || hw->n_max == 0)
		return -1;
	memset(map, 0, sizeof *map);
	map->n = n;
	map->m = m;
	if (n == m) {
		map->k_per_cycle = hw->n_max;
		return 0;
	}
	if (m > hw->m_max)
		return -1;
	if (n > hw->n_max) {
		map->cycles_per_group = (n + hw->n_max - 1) / hw->n_max;
		return 0;
	}
	by_mult = hw->n_max / n;
	by_mux = hw->m_max / m;
	map->groups_per_cycle = by_mult < by_mux ? by_mult : by_mux;
	return 0;
}

uint64_t nm_kcycles(const struct nm_map *map, uint64_t k)
{
	uint64_t g;

	if (map->n == map->m)
		return (k + map->k_per_cycle - 1) / map->k_per_cycle;
	g = nm_groups(map, k);
	if (map->cycles_per_group)
		return g * map->cycles_per_group;
	return (g + map->groups_per_cycle - 1) / map->groups_per_cycle;
}

uint64_t nm_mults(const struct nm_map *map, uint64_t k)
{
	if (map->n == map->m)
		return k;
	return nm_groups(map, k) * map->n;
}

uint64_t nm_col_bits(const struct nm_map *map, uint64_t k, uint32_t wbits,
		     int bitmap)
{
	uint64_t meta;

	if (map->n == map->m)
		return k * wbits;
	meta = bitmap ? map->m : (uint64_t)map->n * nm_clog2(map->m);
	return nm_groups(map, k) * ((uint64_t)map->n * wbits + meta);
}

/* Positions of the n largest |w| in one group, ascending. */
static uint32_t pick(const int16_t *w, uint32_t stride, uint32_t len,
		     uint32_t n, uint8_t *pos)
{
	uint8_t keep[256] = {0};
	uint32_t i, j, best, kept = 0;

	for (i = 0; i < n && i < len; i++) {
		best = len;
		for (j = 0; j < len; j++) {
			if (keep[j])
				continue;
			if (best == len || abs(w[j * stride]) > abs(w[best * stride]))
				best = j;
		}
		keep[best] = 1;
	}
	for (j = 0; j < len; j++)
		if (keep[j])
			pos[kept++] = (uint8_t)j;
	return kept;
}

void nm_prune(int16_t *w, uint32_t k, uint32_t ncols, uint32_t n, uint32_t m)
{
	uint8_t pos[256];
	uint32_t c, g0, len, kept, j, p;

	if (n >= m)
		return;
	for (c = 0; c < ncols; c++) {
		for (g0 = 0; g0 < k; g0 += m) {
			int16_t *grp = w + (uint64_t)g0 * ncols + c;

			len = k - g0 < m ? k - g0 : m;
			kept = pick(grp, ncols, len, n, pos);
			for (j = 0, p = 0; j < len; j++) {
				if (p < kept && pos[p] == j)
					p++;
				else
					grp[(uint64_t)j * ncols] = 0;
			}
		}
	}
}

void nm_compress(const int16_t *w, uint32_t k, uint32_t ncols, uint32_t n,
		 uint32_t m, int16_t *val, uint8_t *idx)
{
	uint32_t c, g, j, i, len, groups = (k + m - 1) / m;

	for (g = 0; g < groups; g++) {
		len = k - g * m < m ? k - g * m : m;
		for (c = 0; c < ncols; c++) {
			const int16_t *grp = w + (uint64_t)g * m * ncols + c;
			uint64_t row = (uint64_t)g * n;

			for (i = 0, j = 0; j < len && i < n; j++) {
				if (grp[(uint64_t)j * ncols] == 0)
					continue;
				val[(row + i) * ncols + c] = grp[(uint64_t)j * ncols];
				idx[(row + i) * ncols + c] = (uint8_t)j;
				i++;
			}
			for (; i < n; i++) {
				val[(row + i) * ncols + c] = 0;
				idx[(row + i) * ncols + c] = 0;
			}
		}
	}
}
