/*
 * beat.h - the data checks every unit's RTL answers to, one implementation
 * for both sides that run RTL against a model: the lockstep harnesses
 * (sim/cosim/UNIT_cosim.c) and the SystemC RTL wrappers
 * (sim/systemc/rtl_units.cpp, gate_rtl.cpp). Each side computes what it
 * expects its own way (the harness ahead of time, the wrapper from the
 * command's job) and words the disagreement its own way; the comparison of
 * an output beat against it, field by field, and the lane walk of a fused
 * fetch are here, as ctl.h is for the controller ports.
 *
 * A bus is 32-bit words, bit 0 first (lockstep.h's layout; the SystemC side
 * converts its Verilated values). No state: plain values in, the first
 * difference out.
 */
#ifndef SIM_COSIM_BEAT_H
#define SIM_COSIM_BEAT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The first field of a beat that differs from the model's. */
struct beat_diff {
	const char *port;	/* the RTL port it is on */
	uint32_t at;		/* its lane, column or entry */
	int64_t want;		/* the model's value */
	int64_t got;		/* the RTL's */
};

/*
 * Engine write-back row on out_data: cols columns of act_bits, sign-
 * extended, against want[0 .. n - 1] (the tile's columns) and 0 beyond.
 * Returns 1 with *d (port "out_data", at: the column), 0 when equal. Work:
 * cols fields.
 */
int beat_sde_row(const int16_t *want, uint32_t n, const uint32_t *out_data,
		 uint32_t cols, uint32_t act_bits, struct beat_diff *d);

/*
 * Engine accumulators of a write-back row on dbg_acc: cols int32 columns
 * against want[0 .. n - 1] (the tile's columns) and 0 beyond. Returns 1
 * with *d (port "dbg_acc", at: the column), 0 when equal. Work: cols
 * fields.
 */
int beat_sde_acc(const int32_t *want, uint32_t n, const uint32_t *dbg_acc,
		 uint32_t cols, struct beat_diff *d);

/*
 * A bus of 8-bit lanes (out_p, p_data, out_y, x_data) against want[0 ..
 * n - 1] and 0 from lane n on: returns 1 with *d (port, at: the lane), 0
 * when equal. Work: lanes fields.
 */
int beat_lanes(const char *port, const uint8_t *want, uint32_t n,
	       const uint32_t *bus, uint32_t lanes, struct beat_diff *d);

/*
 * Softmax probability beat `beat` of a row of n probabilities (want:
 * smx_row's) on out_p, lanes wide: beat_lanes of the beat's slice, at: the
 * score's index in the row. Work: lanes fields.
 */
int beat_smx_probs(const uint8_t *want, uint32_t n, uint32_t beat,
		   const uint32_t *out_p, uint32_t lanes, struct beat_diff *d);

/*
 * The lane after (*row, *col) of a fused fetch of window columns k0 ..
 * k0 + klen - 1: row-major, wrapping from the window's last column to k0
 * of the next row (rtl/smx.v f_*). Returns 1 when it wrapped.
 */
int beat_smx_fetch_next(uint32_t *row, uint32_t *col, uint32_t k0,
			uint32_t klen);

/*
 * Gate index beat: out_idx (k_max entries of ib bits) and out_score
 * (k_max 8-bit entries) against gate_token's idx and score, k of them, 0
 * beyond. Returns 1 with *d (port "out_idx" or "out_score", at: the
 * entry), 0 when equal. Work: 2 k_max fields.
 */
int beat_gate_winners(const uint16_t *idx, const uint8_t *score, uint32_t k,
		      const uint32_t *out_idx, const uint32_t *out_score,
		      uint32_t k_max, uint32_t ib, struct beat_diff *d);

#ifdef __cplusplus
}
#endif

#endif
