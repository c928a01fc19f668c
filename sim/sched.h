/*
 * sched.h - the controller: turns planned steps into DMA and engine commands.
 *
 * Four cursors walk the same step sequence (plan.h): the activation and the
 * weight load cursors issue loads as soon as they fit in their buffer, the
 * compute cursor hands a step to the engine once its operands are in SRAM
 * and its output half is free, the store cursor writes finished output
 * tiles back. Each kind of load, each release and each store happens in
 * sequence order, so counters and a ring of load sizes stand in for
 * per-slot state. The activation and weight buffers are rings: a load goes
 * in behind the unreleased loads when its bytes fit in what its op streams
 * through (both planned halves), so half-buffer loads ping-pong and smaller
 * ones prefetch further ahead. A load whose operand is an earlier op's
 * output waits for the op writing that operand; one kind waiting does not
 * hold up the other, and of two loads that may go the earlier step's goes
 * first.
 * Invariant: the bytes of issued, unreleased loads of a buffer never exceed
 * the streaming part of it (or one load, when that load alone is larger),
 * and every op's output tiles are stored exactly once.
 */
#ifndef SIM_SCHED_H
#define SIM_SCHED_H

#include <stdint.h>

#include "plan.h"
#include "timeline.h"
#include "unit.h"
#include "../models/dma.h"

/* Counted per op; energy and reports are computed from these. */
struct op_stats {
	uint64_t start, end;		/* first command accepted, last store done */
	uint64_t attr_cycles;		/* cycles charged to it (oldest unfinished op) */
	uint64_t busy, stall;		/* unit busy / stalled on its behalf */
	uint64_t bp;			/* of the unit's busy cycles, those spent on
					 * back-pressure from a fused neighbour */
	uint64_t macs, dense_macs;	/* multiplies performed, dense-equivalent */
	uint64_t dram_rd, dram_wr;	/* DRAM bytes, whole bursts */
	uint64_t wgt_dram;		/* of dram_rd, second-operand loads (weights) */
	uint64_t act_wr, act_rd;	/* activation buffer bytes */
	uint64_t wgt_wr, wgt_rd;	/* weight buffer bytes */
	uint64_t out_wr, out_rd;	/* output buffer bytes */
	uint64_t mux_sel;		/* index multiplexer selects */
	uint64_t reg_bits;		/* register bits written in the array */
	struct nl_actions nl;		/* vector / softmax unit actions */
	uint64_t steps, tiles;		/* engine commands, output tiles stored */
	uint64_t tiles_left;		/* output tiles not yet stored */
	uint64_t wb_left;		/* array tiles not yet written back */
};

/* A compute unit's outputs as the scheduler sees them. */
struct unit_port {
	const uint8_t *cmd_ready;	/* FIFO has room */
	const uint8_t *active;		/* worked in the cycle just stepped */
	const struct unit_cmd *rd_done;	/* pulse: a step's operands consumed */
	const struct unit_cmd *wb_done;	/* pulse: a tile's outputs written */
};

/* Functional-mode hooks: operands of an op, checked when it completes. */
struct sched_hooks {
	void *ctx;
	/* Per head of op (engine ops) or one job (vector ops): the data the
	 * unit's commands carry; NULL on failure. */
	const void *(*begin)(void *ctx, uint32_t op, size_t *stride);
	/* All outputs of op written: check them; 0 = ok, -1 = mismatch. */
	int (*end)(void *ctx, uint32_t op);
};

/* Loads issued and not yet released, at most, per buffer. */
#define SCHED_RING 64

struct sched_cursor {
	uint32_t op;			/* op being walked (n_ops = finished) */
	struct plan_walk w;		/* position within it */
	struct plan_step s;		/* current step, when valid */
	int valid;			/* 1: s is a step to act on */
	uint64_t a_n, w_n, o_n;		/* loads / out tiles seen, s's included */
	uint64_t seq;			/* steps walked, s's included */
	uint8_t a_sent, w_sent;		/* load cursor: s's loads issued */
};

struct sched_out {
	struct dma_cmd dma;		/* command to the DMA */
	struct unit_cmd cmd[UNIT_MAX];	/* command to each compute unit */
	uint32_t want[UNIT_MAX];	/* 1 + op of the next step, to its unit; 0 = none */
	uint8_t why[UNIT_MAX];		/* why that step waits (enum tl_cause) */
};

struct sched {
	const struct plan_op *plans;	/* one per op */
	uint32_t n_ops;			/* ops in the trace */
	uint32_t slots;			/* buffer halves: 2 double-buffered, else 1 */
	const struct dma_out *dma;	/* port: DMA outputs */
	struct unit_port up[UNIT_MAX];	/* ports: compute unit outputs */
	uint32_t n_units;		/* compute units (ports in use) */
	struct sched_out out;		/* port: registered outputs, cycle t */
	struct sched_out nxt;		/* outputs being computed for t + 1 */
	struct sched_hooks hooks;	/* functional mode, or all NULL */
	const char *data;		/* operands of the compute cursor's op */
	size_t data_stride;		/* bytes between heads' operand records */

	struct sched_cursor la, lw;	/* activation and weight load cursors */
	struct sched_cursor cc, st;	/* compute and store cursors */
	uint8_t dma_is_store;		/* out.dma came from the store cursor */
	uint64_t a_loaded, w_loaded;	/* loads completed */
	uint64_t a_rel, w_rel;		/* loads released by the engine */
	uint64_t a_used, w_used;	/* bytes of loads issued, not released */
	uint64_t a_size[SCHED_RING];	/* bytes of load j, at j % SCHED_RING */
	uint64_t w_size[SCHED_RING];
	uint64_t o_written, o_issued, o_stored; /* out tiles: written back, store issued, stored */

	uint64_t now;			/* cycles stepped */
	uint32_t ops_done;		/* ops whose last store completed */
	int failed;			/* a functional check failed */
	uint32_t failed_op;		/* which */
	uint64_t sram_busy;		/* cycles the engine or DMA touched SRAM */
	uint64_t dma_stall;		/* channel idle while the next load waits for a buffer half */
	struct op_stats *st_op;		/* per op, n_ops entries */
	struct timeline *tl;		/* counters and the DRAM lane, or NULL */
};

/*
 * Set up over plans (one per op). units holds n_units ports (<= UNIT_MAX),
 * indexed like plan_op.unit. ops must hold n_ops zeroed entries; the
 * units' per-op busy/stall arrays are separate. Returns 0.
 */
int sched_init(struct sched *k, const struct plan_op *plans, uint32_t n_ops,
	       int double_buffer, const struct dma_out *dma,
	       const struct unit_port *units, uint32_t n_units,
	       const struct sched_hooks *hooks, struct op_stats *ops);
/* 1 when every op is stored, or a check failed. */
int sched_done(void *self);

void sched_step(void *self, uint64_t cycle);
void sched_commit(void *self);
uint64_t sched_horizon(const void *self);
void sched_skip(void *self, uint64_t n);
void sched_check(const void *self, uint64_t cycle);

#endif
