/*
 * top.h - the wired accelerator: scheduler, DMA and compute units, ready to
 * be clocked.
 *
 * run_sim (run.c) plans a trace, wires these units port to port and hands
 * them to a clock: the native kernel (kern.c) by default, or another one
 * through struct run_clock (the SystemC platform, sim/systemc/). Whoever
 * clocks them must keep the kernel's contract: every unit steps on the
 * committed state of cycle t, then every unit commits, until sched_done.
 * Invariant: after the clock returns, cycles counts the rounds stepped and
 * the units' counters describe exactly those rounds.
 */
#ifndef SIM_TOP_H
#define SIM_TOP_H

#include <stdint.h>

#include "kern.h"
#include "sched.h"
#include "unit.h"
#include "../models/dma.h"

struct run_top {
	struct sched sched;		/* the controller */
	struct dma dma;			/* the DMA and its DRAM channel */
	const struct unit_registry *units; /* the compute units' classes */
	void *unit[UNIT_MAX];		/* their states, by registry index */
	struct kern kern;		/* the native clock, when it is used */
	uint64_t *op_busy, *op_stall;	/* per execution entry */
	uint64_t cycles;		/* rounds stepped until sched_done */
	uint64_t steps;			/* rounds actually executed (fast-forward) */
	int deadlock;			/* 1: stopped with no unit able to progress */
	char fail_msg[512];		/* a clock's check failed (an RTL unit
					 * disagreed with its model): why */
};

/*
 * A replacement clock: run(ctx, u, check) steps the wired units until
 * sched_done(&u->sched), a deadlock or a failed check of its own, filling
 * u->cycles, u->steps, u->deadlock and u->fail_msg. check: call each unit's check after every cycle. Returns 0,
 * or -1 with a message in msg (the clock could not run these units, e.g. an
 * RTL unit built for another array).
 */
struct run_clock {
	int (*run)(void *ctx, struct run_top *u, int check, char *msg,
		   size_t msg_len);
	void *ctx;
};

#endif
