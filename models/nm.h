/*
 * nm.h - N:M structured sparsity: geometry, storage cost, pruning and the
 * compressed weight format shared by the engine model and its checks.
 *
 * Along the reduction dimension k, weights are cut into groups of M
 * consecutive values of which at most N are kept. Stored per group: N values
 * and either N position indices of ceil(log2 M) bits, or an M-bit presence
 * mask. Dense weights (N == M) are stored plainly and bypass the index muxes.
 * Invariant: every function here is pure; the same inputs give the same
 * numbers in the model, in the tests and in the RTL testbenches.
 */
#ifndef MODELS_NM_H
#define MODELS_NM_H

#include <stdint.h>

/* The hardware limits a pattern is mapped onto. */
struct nm_hw {
	uint32_t n_max;		/* multipliers per PE */
	uint32_t m_max;		/* inputs of each index multiplexer */
};

/* How a pattern maps onto one PE. */
struct nm_map {
	uint32_t n, m;		/* the pattern; n == m means dense */
	uint32_t k_per_cycle;	/* k elements consumed per PE cycle (dense) */
	uint32_t groups_per_cycle; /* M-groups per PE cycle (sparse, n <= n_max) */
	uint32_t cycles_per_group; /* PE cycles per M-group (sparse, n > n_max) */
};

/* ceil(log2 x), 0 for x <= 1. */
uint32_t nm_clog2(uint64_t x);

/*
 * Map pattern n:m onto hw. Returns 0, or -1 when the pattern cannot run on
 * this hardware (sparse with m > m_max) or is malformed (n == 0 or n > m).
 */
int nm_map(const struct nm_hw *hw, uint32_t n, uint32_t m, struct nm_map *map);

/* M-groups covering k elements (the last one zero-padded). */
static inline uint64_t nm_groups(const struct nm_map *map, uint64_t k)
{
	return (k + map->m - 1) / map->m;
}

/* PE cycles to stream k elements of reduction through one PE. */
uint64_t nm_kcycles(const struct nm_map *map, uint64_t k);

/* Multiplies per output element over k (stored weights, pads included). */
uint64_t nm_mults(const struct nm_map *map, uint64_t k);

/* Bits that one column of k weights occupies in storage. */
uint64_t nm_col_bits(const struct nm_map *map, uint64_t k, uint32_t wbits,
		     int bitmap);

/* Bytes of a k x ncols weight block stored column by column, packed. */
static inline uint64_t nm_block_bytes(const struct nm_map *map, uint64_t k,
				      uint64_t ncols, uint32_t wbits, int bitmap)
{
	return (nm_col_bits(map, k, wbits, bitmap) * ncols + 7) / 8;
}

/*
 * Prune dense k x n weights w (row-major, modified in place) to n:m along k:
 * in each group keep the N largest magnitudes (ties: lower position first).
 */
void nm_prune(int16_t *w, uint32_t k, uint32_t ncols, uint32_t n, uint32_t m);

/*
 * Compress pruned k x ncols weights into val/idx, each (groups*n) x ncols
 * row-major: entry (g*n + i, c) is the i-th kept weight of group g of
 * column c, positions ascending; a group with fewer than n kept weights
 * (zeros, or a short last group) is padded with value 0 at position 0.
 */
void nm_compress(const int16_t *w, uint32_t k, uint32_t ncols, uint32_t n,
		 uint32_t m, int16_t *val, uint8_t *idx);

#endif
