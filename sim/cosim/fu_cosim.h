/*
 * fu_cosim.h - lockstep co-simulation of the shared function-unit
 * controller, rtl/fu.v on its own, against models/fu.c.
 *
 * rtl/smx.v, rtl/vec.v and rtl/gate.v embed the controller, but each gives
 * it only its own tile times (smx_cycles, vec_cycles, gate_cycles: never
 * below 2), so the start of a tile on the cycle another ends, and the
 * pulses of a tile that starts and ends in one cycle (kcycles 0 and 1),
 * never happen there. This harness issues exactly those: random commands,
 * most of 0 .. 3 kcycles, back to back or with short gaps, and compares
 * every controller port after each clock (ctl.h).
 *
 * The C side (fu_cosim.c) owns the stimulus, the model and the checks; the
 * C++ side (fu_main.cpp) packs the command into rtl/fu.v's cmd_in, ticks
 * the clock and replays the run for --vcd. The parameters must be the ones
 * the RTL was Verilated with (sim/cosim/cosim.mk COSIM_FU_PARAMS: -G to
 * Verilator, -D here).
 */
#ifndef SIM_COSIM_FU_COSIM_H
#define SIM_COSIM_FU_COSIM_H

#include <stdint.h>

#include "ctl.h"

#ifndef FU_RTL_CMD_W
#define FU_RTL_CMD_W 64
#endif
#ifndef FU_RTL_KC_BITS
#define FU_RTL_KC_BITS 24
#endif
#ifndef FU_RTL_OP_BITS
#define FU_RTL_OP_BITS 32
#endif
#ifndef FU_RTL_C_FLAGS
#define FU_RTL_C_FLAGS 0
#endif
#ifndef FU_RTL_C_OP
#define FU_RTL_C_OP 5
#endif
#ifndef FU_RTL_C_KC
#define FU_RTL_C_KC 37
#endif

/* Clocks fu_main.cpp holds rst_l low before cycle 0. */
#define FU_COSIM_RESET_CYCLES 3

/* First on every message of the harness, C and C++ side (lockstep.h). */
#define FU_COSIM_PROG "fu cosim"

#ifdef __cplusplus
extern "C" {
#endif

struct lockstep;
struct fu_cosim;	/* the harness: fu_cosim.c */

/* The ports of rtl/fu.v but clk and its data-path outputs (cur, cur_n,
 * start, which the units read and the model has no twin of). */
struct fu_pins {
	/* inputs, written by fu_cosim_drive */
	uint8_t rst_l;		/* synchronous, active low */
	struct ctl_cmd cmd;	/* cmd_valid and the controller's fields;
				 * rows and cols unused */
	uint64_t cmd_in;	/* the packed command as rtl/fu.v takes it:
				 * flags, op and kcycles at C_FLAGS, C_OP,
				 * C_KC, random bits elsewhere */
	/* outputs, read after each clock */
	struct ctl_ports ctl;	/* cmd_ready, active, rd_done, wb_done */
};

/*
 * Parse argv (see usage in fu_cosim.c) and build the stimulus and the C
 * model. Returns NULL after a message on a bad option or allocation
 * failure; *status then holds the exit code (0 for -h, else 2). replay 1:
 * the same run again for --vcd, silent.
 */
struct fu_cosim *fu_cosim_new(int argc, char **argv, int replay, int *status);
/* The run's core state (options, cycle, first failure, done). */
const struct lockstep *fu_cosim_core(const struct fu_cosim *c);
/* One clock, C side: this cycle's inputs into *p, then step and commit
 * the model. */
void fu_cosim_drive(struct fu_cosim *c, struct fu_pins *p);
/* Compare the RTL outputs in *p, read after the clock, with the model's
 * registered outputs. Returns 0, or 1 after printing the first mismatch. */
int fu_cosim_check(struct fu_cosim *c, struct fu_pins *p);
/* Print the summary line, free everything; returns the exit status. */
int fu_cosim_finish(struct fu_cosim *c);

#ifdef __cplusplus
}
#endif

#endif
