/*
 * sde.h - the sparse-dense engine: an STA-style PE array.
 *
 * rows x cols PEs, output-stationary and systolic (rtl/sde.v, rtl/sde_pe.v,
 * docs/models.md "The sparse-dense engine"): activation windows enter at the
 * left edge and move right one PE a cycle, compressed weight groups enter at
 * the top and move down one PE a cycle; edge skew registers delay row r by r
 * cycles and column c by c cycles, so PE (r, c) sees slice b of a k-step r + c
 * cycles after PE (0, 0). Each PE has n_max multipliers, each behind an
 * m_max:1 index multiplexer (bypassed for dense operands), an adder tree and
 * an int32 accumulator with a shadow register, pipelined as
 *   mux select | multiply | ceil(log2 n_max) adder-tree levels | accumulate
 * (pipe = sde_pipe_depth(n_max) registers). A column's output bus reads its
 * PEs one row a slot, right behind the accumulate wavefront; deskew registers
 * line the columns up into whole rows, which a requantizer registers onto the
 * write-back port.
 *
 * The model is the controller at cycle granularity. With t_l the cycle the
 * last slice of a tile (its UNIT_LAST k-step) streams, cpr = max(1,
 * drain_cpr) and LAT = sde_wb_latency(pipe, array cols) = pipe + 2 + cols:
 *   row r of the tile is written back in cycles t_l + LAT + r*cpr ..
 *   t_l + LAT + (r+1)*cpr - 1 (its slot); wb_done follows the last slot.
 * Tiles overlap: the next tile streams right behind the wavefront. Two rules
 * keep a tile's results from being overwritten before they are read:
 *   - a LAST k-step starts only if its last slice streams at least
 *     rows*cpr cycles after the previous tile's (the column buses are busy
 *     that long; shadow registers hold the tile meanwhile) and fewer than
 *     SDE_FLIGHT tiles are between their last slice and their wb_done;
 *   - without shadow accumulators (acc_double_buffer = false) the column
 *     buses read the accumulators themselves, so a FIRST k-step starts only
 *     at t_l + 1 + (rows - 1) * (cpr - 1) or later.
 * A compute-bound run of tiles thus costs max(kcycles, rows*cpr) a tile, not
 * kcycles + flush + drain. acc_double_buffer is a mode pin (rtl/sde.v
 * acc_db): it may change only while the engine is idle.
 *
 * Ports (registered): in  cmd       a k-step of an array tile (valid/payload)
 *                     in  want_op   1 + op the scheduler has work for, or 0
 *                     out cmd_ready command FIFO (2 entries) not full
 *                     out active    streamed, or a tile was in the array
 *                     out rd_done   pulse: a step's operands are consumed
 *                     out wb_done   pulse: a tile's outputs are in the out buffer
 *                     out rd        a slice is read (op_rd, op_slice)
 *                     out wb        a row is written back (out_valid, out_row,
 *                                   out_data, dbg_acc) -- with sde_observe
 */
#ifndef MODELS_SDE_H
#define MODELS_SDE_H

#include <stdint.h>

#include "unit.h"

/* Command FIFO depth: two entries let a 1-cycle k-step follow another without
 * a bubble, since a command accepted on cycle t can start on t + 1. */
#define SDE_FIFO 2
/* Tiles between their last slice and their wb_done (the write-back
 * sequencer's descriptor queue in rtl/sde.v); a LAST k-step waits for room. */
#define SDE_FLIGHT 8

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

/* A tile between its last slice and its wb_done. */
struct sde_tile {
	struct unit_cmd cmd;	/* its LAST k-step */
	uint64_t wb_at;		/* cycle of its first write-back slot */
};

struct sde_out {
	uint8_t cmd_ready;	/* 1: FIFO not full, a cmd presented now is taken */
	uint8_t active;		/* 1: streamed, or a tile was in the array */
	uint8_t rd;		/* op_rd: a slice is read this cycle */
	uint8_t wb;		/* out_valid: a row is written back this cycle */
	uint32_t rd_slice;	/* op_slice: its index in the k-step's kcycles */
	uint32_t wb_row;	/* out_row: its row in the tile */
	const int16_t *wb_data;	/* out_data: its requantized values (cols) */
	const int32_t *wb_acc;	/* dbg_acc: its accumulators (cols) */
	struct unit_cmd rd_done;	/* pulse: this step has read all its operands */
	struct unit_cmd wb_done;	/* pulse: this tile's outputs are written back */
};

struct sde {
	const struct unit_cmd *in;	/* port: scheduler's registered cmd */
	const uint32_t *want_op;	/* port: 1 + op with pending work, 0 = none */
	struct sde_out out;		/* port: registered outputs, cycle t */
	struct sde_out nxt;		/* outputs being computed for t + 1 */

	uint32_t pipe;			/* PE pipeline stages */
	uint32_t lat;			/* last slice -> first write-back slot */
	int acc_db;			/* 1: shadow accumulators */

	struct unit_cmd fifo[SDE_FIFO];	/* accepted, not started (ring) */
	uint32_t f_head, f_len;		/* ring position and occupancy */
	struct unit_cmd cur;		/* streaming */
	uint64_t stream_left;		/* stream cycles left for cur */
	struct sde_tile flight[SDE_FLIGHT];	/* streamed, not written back */
	uint32_t fl_head, fl_len;	/* ring position and occupancy */
	uint64_t lgap_at;		/* earliest cycle for the next last slice */
	uint64_t fgap_at;		/* earliest start of a FIRST step (!acc_db) */

	int observe;			/* sde_observe: emit rd and wb */

	uint64_t now;			/* cycles stepped */
	uint64_t stream_cycles;		/* cycles a k-slice entered the array */
	uint64_t busy_cycles;		/* cycles streaming or with tiles in flight */
	uint64_t stall_cycles;		/* idle cycles with work pending */
	uint64_t *op_busy;		/* per op: busy cycles (may be NULL) */
	uint64_t *op_stall;		/* per op: stall cycles (may be NULL) */
	struct tl_track *tl;		/* timeline lane (may be NULL) */
	const uint8_t *why;		/* port: why pending work waits */
};

struct sde_params {
	uint32_t n_max;		/* multipliers per PE, sets the adder tree depth */
	uint32_t cols;		/* PE columns, sets the write-back deskew */
	int acc_double_buffer;	/* shadow accumulators */
	uint64_t *op_busy;	/* per-op counters, sized to the trace */
	uint64_t *op_stall;
	struct tl_track *tl;	/* timeline lane (may be NULL) */
	const uint8_t *why;	/* port: why pending work waits */
};

void sde_init(struct sde *e, const struct sde_params *p,
	      const struct unit_cmd *in, const uint32_t *want_op);
/*
 * Emit the per-cycle ports rd/rd_slice and wb/wb_row/wb_data/wb_acc (for
 * co-simulation and other observers of single cycles): the model then steps
 * every cycle a slice streams or a tile is in flight, and in functional mode
 * computes each row in its write-back slot (into the tile's sde_data, which
 * wb_data and wb_acc then point into) instead of whole tiles at wb_done.
 */
void sde_observe(struct sde *e);
/* PE pipeline depth for n_max multipliers. */
uint32_t sde_pipe_depth(uint32_t n_max);
/* Cycles from a tile's last slice to its first write-back slot: the PE
 * pipeline, the column read and the requantizer (2), the deskew (cols). */
uint32_t sde_wb_latency(uint32_t pipe, uint32_t cols);
/* Cycles a tile occupies the column buses: rows slots of max(1, cpr). */
static inline uint64_t sde_wb_cycles(uint32_t rows, uint32_t cpr)
{
	return (uint64_t)rows * (cpr > 1 ? cpr : 1);
}

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
 * The array's own sums of row r, columns c0 .. c0 + cols - 1, over k
 * elements k0 .. k1 - 1 (k0 on an M-group boundary): what a k-slice of a
 * partial-sum chain drains before the out buffer adds it to the chain.
 */
void sde_slice_sums(const struct sde_data *d, uint32_t r, uint32_t c0,
		    uint32_t cols, uint32_t k0, uint32_t k1, int32_t *acc);

/*
 * What the engine does in the cycle it steps next, from its state now
 * (the ports a consumer of its drain or of its operand fetch sees):
 * sde_next_drain gives the tile whose write-back slot that is, the row in
 * the tile and the slot's cycle within the row (0 .. max(1, drain_cpr) -
 * 1), or 0 when no row is written back then; sde_next_stream gives the
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
