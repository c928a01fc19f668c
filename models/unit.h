/*
 * unit.h - the command a compute unit (engine, vector unit, softmax unit)
 * takes from the scheduler, and the flags its completion pulses carry back.
 *
 * All compute units share this port shape so that the scheduler routes a
 * step to whichever unit runs its op without knowing what the unit does.
 */
#ifndef MODELS_UNIT_H
#define MODELS_UNIT_H

#include <stdint.h>

/* cmd flags, echoed on the rd_done / wb_done pulses */
#define UNIT_FIRST 0x01		/* first k-step of its output tile */
#define UNIT_LAST 0x02		/* last k-step of its output tile */
#define UNIT_A_LAST 0x04	/* last step that reads its first-operand load */
#define UNIT_W_LAST 0x08	/* last step that reads its second-operand load */
#define UNIT_O_LAST 0x10	/* last tile of its output buffer tile */

/* Engine: a k-slice's place in a partial-sum chain kept in the out buffer. */
enum unit_psum {
	UNIT_PSUM_NONE = 0,	/* the array tile reduces the whole of k */
	UNIT_PSUM_FIRST,	/* first slice: its sums start the chain */
	UNIT_PSUM_MID,		/* added to the chain */
	UNIT_PSUM_LAST		/* added, then the chain is requantized */
};

struct unit_cmd {
	uint8_t valid;		/* 1: payload present this cycle */
	uint8_t flags;		/* UNIT_* */
	uint32_t op;		/* op index, for attribution */
	uint32_t rows, cols;	/* outputs of this tile in use */
	uint64_t kcycles;	/* engine: stream cycles; other units: busy cycles */
	uint32_t r0, c0;	/* tile origin in the output (functional) */
	uint32_t head;		/* head of the op the tile belongs to */
	uint32_t k0, klen;	/* engine: the k-slice this step reads */
	uint32_t drain_cpr;	/* engine: cycles per drained row (its consumer's
				 * rate); 0 or 1: one row per cycle */
	uint8_t psum;		/* engine: enum unit_psum */
	const void *data;	/* functional operands (unit-specific), or NULL */
};

#endif
