/*
 * sde.h - the sparse-dense engine: an STA-style PE array.
 *
 * rows x cols PEs, output-stationary and systolic: activation groups enter at
 * the left edge (one row of the output tile per PE row), compressed weight
 * groups at the top (one output column per PE column). Each PE has n_max
 * multipliers, each behind an m_max:1 index multiplexer (bypassed for dense
 * operands), an adder tree and an int32 accumulator (docs/models.md).
 *
 * Timing of one array tile (rows_used x cols_used outputs):
 *   stream  kcycles            one k-slice of groups enters per cycle
 *   flush   (rows_used - 1) + (cols_used - 1) + pipe   skew + PE pipeline
 *   drain   rows_used          accumulators shift out, one row per cycle
 * where pipe = 1 (mux) + 1 (multiply) + ceil(log2 n_max) (adder tree) + 1
 * (accumulate). Consecutive k-steps of one tile stream back to back. With
 * shadow accumulators (acc_double_buffer) flush + drain of one tile overlap
 * the streaming of the next; without, the next tile waits for them.
 *
 * Ports (registered): in  cmd       a k-step of an array tile (valid/payload)
 *                     in  want_op   1 + op the scheduler has work for, or 0
 *                     out cmd_ready command FIFO (2 entries) not full
 *                     out rd_done   pulse: a step's operands are consumed
 *                     out wb_done   pulse: a tile's outputs are in the out buffer
 */
#ifndef MODELS_SDE_H
#define MODELS_SDE_H

#include <stdint.h>

#include "unit.h"

/* Command FIFO depth: two entries let a 1-cycle k-step follow another without
 * a bubble, since a command accepted on cycle t can start on t + 1. */
#define SDE_FIFO 2

/* Operands of one GEMM (one head of a matmul), functional mode only. */
struct sde_data {
	const int16_t *a;	/* m x k activations, row-major */
	const int16_t *w;	/* sparse: (groups*n) x ncols values; dense: k x ncols */
	const uint8_t *idx;	/* sparse: positions within each group; dense: NULL */
	int32_t *acc;		/* m x ncols int32 accumulators (written) */
	int16_t *out;		/* m x ncols requantized outputs (written) */
	uint32_t k;		/* reduction length */
	uint32_t ncols;		/* n: row stride of w, idx, acc, out */
	uint32_t nm_n, nm_m;	/* pattern; nm_n == nm_m: dense */
	uint32_t shift;		/* requantization shift, >= 1 */
	uint32_t out_bits;	/* 8 or 16 */
};

struct sde_out {
	uint8_t cmd_ready;	/* 1: FIFO not full, a cmd presented now is taken */
	uint8_t active;		/* 1: streamed or drained in the cycle just stepped */
	struct unit_cmd rd_done;	/* pulse: this step has read all its operands */
	struct unit_cmd wb_done;	/* pulse: this tile's outputs are written back */
};

struct sde {
	const struct unit_cmd *in;	/* port: scheduler's registered cmd */
	const uint32_t *want_op;	/* port: 1 + op with pending work, 0 = none */
	struct sde_out out;		/* port: registered outputs, cycle t */
	struct sde_out nxt;		/* outputs being computed for t + 1 */

	uint32_t pipe;			/* PE pipeline stages */
	int acc_db;			/* 1: shadow accumulators */

	struct unit_cmd fifo[SDE_FIFO];	/* accepted, not started (ring) */
	uint32_t f_head, f_len;		/* ring position and occupancy */
	struct unit_cmd cur;		/* streaming */
	uint64_t stream_left;		/* stream cycles left for cur */
	struct unit_cmd hold;		/* streamed tile waiting for the drain machine */
	struct unit_cmd drain;		/* tile in flush + write-back */
	uint64_t drain_left;		/* flush + write-back cycles left */

	uint64_t now;			/* cycles stepped */
	uint64_t stream_cycles;		/* cycles a k-slice entered the array */
	uint64_t busy_cycles;		/* cycles streaming or draining */
	uint64_t stall_cycles;		/* idle cycles with work pending */
	uint64_t *op_busy;		/* per op: busy cycles (may be NULL) */
	uint64_t *op_stall;		/* per op: stall cycles (may be NULL) */
};

struct sde_params {
	uint32_t n_max;		/* multipliers per PE, sets the adder tree depth */
	int acc_double_buffer;	/* shadow accumulators */
	uint64_t *op_busy;	/* per-op counters, sized to the trace */
	uint64_t *op_stall;
};

void sde_init(struct sde *e, const struct sde_params *p,
	      const struct unit_cmd *in, const uint32_t *want_op);
/* PE pipeline depth for n_max multipliers. */
uint32_t sde_pipe_depth(uint32_t n_max);
/* Flush + write-back cycles of a rows x cols tile whose rows leave at one
 * per cpr cycles (cpr > 1 when a slower unit consumes them). */
uint64_t sde_drain_cycles(uint32_t pipe, uint32_t rows, uint32_t cols,
			  uint32_t cpr);

/*
 * Compute one array tile's outputs, as the PE array does: rows x cols
 * accumulators over all k through the index multiplexers, then requantize.
 * Work: rows * cols * (stored weights per column).
 */
void sde_compute_tile(const struct sde_data *d, uint32_t r0, uint32_t c0,
		      uint32_t rows, uint32_t cols);

/*
 * One output row of a tile, as sde_compute_tile computes it, into acc and
 * out (cols entries each) instead of d's arrays: row r, columns c0 ..
 * c0 + cols - 1. For a consumer that takes the row on the drain, before
 * the engine's own write-back.
 */
void sde_row_out(const struct sde_data *d, uint32_t r, uint32_t c0,
		 uint32_t cols, int32_t *acc, int16_t *out);

/*
 * What the engine does in the cycle it steps next, from its state now
 * (the ports a consumer of its drain or of its operand fetch sees):
 * sde_next_drain gives the tile whose write-back slot that is, the row in
 * the tile and the slot's cycle within the row (0 .. max(1, drain_cpr) -
 * 1), or 0 in flush or when it drains nothing; sde_next_stream gives the
 * k-step that streams and that cycle's index in its kcycles, or 0.
 */
int sde_next_drain(const struct sde *e, const struct unit_cmd **t,
		   uint32_t *row, uint32_t *slot);
int sde_next_stream(const struct sde *e, const struct unit_cmd **s,
		    uint64_t *idx);

/* Round-half-up arithmetic shift and saturation to bits (8 or 16). */
static inline int16_t sde_requant(int32_t acc, uint32_t shift, uint32_t bits)
{
	int64_t v = ((int64_t)acc + (1ll << (shift - 1))) >> shift;
	int64_t hi = (1ll << (bits - 1)) - 1, lo = -(1ll << (bits - 1));

	return (int16_t)(v > hi ? hi : v < lo ? lo : v);
}

/* Kernel entry points (struct kern_ops). */
void sde_step(void *self, uint64_t cycle);
void sde_commit(void *self);
uint64_t sde_horizon(const void *self);
void sde_skip(void *self, uint64_t n);
void sde_check(const void *self, uint64_t cycle);

#endif
