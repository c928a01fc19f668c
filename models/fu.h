/*
 * fu.h - the controller shared by the vector and softmax units.
 *
 * A function unit takes a command (one tile of rows x cols elements whose
 * busy time its own timing function computed, models/vec.c, models/smx.c),
 * works on it for kcycles cycles, and signals on the last one that it has
 * read its operands (rd_done) and written its outputs (wb_done). A 2-entry
 * command FIFO lets tiles follow each other without a bubble.
 *
 * Ports (registered): in  cmd, want_op    as the engine's (models/sde.h)
 *                     out cmd_ready, active, rd_done, wb_done
 */
#ifndef MODELS_FU_H
#define MODELS_FU_H

#include <stdint.h>

#include "unit.h"

#define FU_FIFO 2

/* Functional work of a command: the unit calls run when the tile is done. */
struct fu_job {
	void (*run)(const struct fu_job *job, uint32_t r0, uint32_t rows);
};

struct fu_out {
	uint8_t cmd_ready;	/* 1: FIFO not full */
	uint8_t active;		/* 1: busy in the cycle just stepped */
	struct unit_cmd rd_done; /* pulse: operands read */
	struct unit_cmd wb_done; /* pulse: outputs written */
};

struct fu {
	const char *name;		/* unit name, for asserts */
	const struct unit_cmd *in;	/* port: scheduler's registered cmd */
	const uint32_t *want_op;	/* port: 1 + op with pending work, 0 = none */
	struct fu_out out;		/* port: registered outputs, cycle t */
	struct fu_out nxt;		/* outputs being computed for t + 1 */

	struct unit_cmd fifo[FU_FIFO];	/* accepted, not started (ring) */
	uint32_t f_head, f_len;		/* ring position and occupancy */
	struct unit_cmd cur;		/* tile in progress */
	uint64_t left;			/* busy cycles left for cur */

	uint64_t now;			/* cycles stepped */
	uint64_t busy_cycles;		/* cycles working on a tile */
	uint64_t stall_cycles;		/* idle with work pending */
	uint64_t *op_busy, *op_stall;	/* per op (may be NULL) */
	struct tl_track *tl;		/* timeline lane (may be NULL) */
	const uint8_t *why;		/* port: why pending work waits */
};

void fu_init(struct fu *u, const char *name, const struct unit_cmd *in,
	     const uint32_t *want_op, uint64_t *op_busy, uint64_t *op_stall);

/* 1 + op of the scheduler's pending work when it is this unit's, else 0:
 * the scheduler tells each unit only about work meant for it. */

/* Kernel entry points (struct kern_ops). */
void fu_step(void *self, uint64_t cycle);
void fu_commit(void *self);
uint64_t fu_horizon(const void *self);
void fu_skip(void *self, uint64_t n);
void fu_check(const void *self, uint64_t cycle);

#endif
