/*
 * vec_cosim.h - lockstep co-simulation of rtl/vec.v against
 * models/fu.c (controller timing), models/vec.c (vec_cycles for gelu) and
 * models/vec_ref.c (vec_gelu, method VEC_GELU_TABLE).
 *
 * The Verilated RTL and the C model see the same stimuli, one clock at a
 * time. The C side (vec_cosim.c) owns everything but the RTL: it generates
 * seeded random GELU tiles and formats, answers the RTL's input reads,
 * steps the fu model and compares every registered output of the RTL after
 * each clock. The C++ side (vec_main.cpp) only moves struct vec_pins to
 * and from the Verilated ports, ticks the clock and, for --vcd, replays the
 * run with a bounded window of waves (vcd_window.h).
 *
 * The unit parameters must be the ones the RTL was Verilated with: the
 * make fragment (sim/cosim/cosim.mk) passes the same values as -G to Verilator and as
 * -D here. Beat formats: the header of rtl/vec.v.
 */
#ifndef SIM_COSIM_VEC_COSIM_H
#define SIM_COSIM_VEC_COSIM_H

#include <stdint.h>

#include "ctl.h"

#ifndef VEC_RTL_LANES
#define VEC_RTL_LANES 4
#endif
#ifndef VEC_RTL_LATENCY
#define VEC_RTL_LATENCY 3
#endif
#ifndef VEC_RTL_ROWS
#define VEC_RTL_ROWS 4
#endif
#ifndef VEC_RTL_N_MAX
#define VEC_RTL_N_MAX 64
#endif

/* Width of cmd_kcycles: rtl/vec.v's default, which the build leaves alone. */
#define VEC_RTL_KC_BITS 24

#define VEC_RTL_X_BITS (VEC_RTL_LANES * 8)	/* x_data and out_y */
/* 32-bit words of a port, plus one so that a port of up to 64 bits can
 * always be read as two words. */
#define VEC_RTL_WORDS(bits) (((bits) + 31) / 32 + 1)

/* Clocks vec_main.cpp holds rst_l low before cycle 0. */
#define VEC_COSIM_RESET_CYCLES 3

/* First on every message of the harness, C and C++ side (lockstep.h). */
#define VEC_COSIM_PROG "vec cosim"

#ifdef __cplusplus
extern "C" {
#endif

struct lockstep;
struct vec_cosim;	/* the harness: vec_cosim.c */

/* Every port of rtl/vec.v except clk; names as in the RTL. */
struct vec_pins {
	/* inputs, written by vec_cosim_drive */
	uint8_t rst_l;			/* synchronous, active low */
	struct ctl_cmd cmd;		/* rows 1 .. VEC_RTL_ROWS, cols: row
					 * length n 1 .. VEC_RTL_N_MAX,
					 * kcycles: vec_cycles(gelu, rows, n) */
	uint32_t cmd_in_frac;		/* 0 .. 7 */
	uint32_t cmd_out_frac;		/* 0 .. 7 */
	uint32_t cmd_step_log2;		/* 0 .. 7, read as at most 5 */
	uint32_t cmd_range_q8;		/* 0 .. 2047, read as at most 1408 */
	uint32_t x_data[VEC_RTL_WORDS(VEC_RTL_X_BITS)];	/* input beat */
	/* outputs, read after each clock */
	struct ctl_ports ctl;		/* cmd_ready, active, rd_done, wb_done */
	uint8_t x_rd;			/* an input beat is due this cycle */
	uint32_t x_beat;		/* which one */
	uint8_t out_valid;		/* an output beat */
	uint32_t out_beat;
	uint32_t out_y[VEC_RTL_WORDS(VEC_RTL_X_BITS)];
};

/*
 * Parse argv (see usage in vec_cosim.c) and build the stimulus generator
 * and the C model. Returns NULL after printing a message on a bad option
 * or on allocation failure; *status then holds the exit code (0 for -h,
 * else 2). replay 1: the same run again for the waves of --vcd, silent (no
 * messages, no summary line); the run is a pure function of argv, so it
 * fails at the same cycle.
 */
struct vec_cosim *vec_cosim_new(int argc, char **argv, int replay,
				  int *status);
/* The run's core state (options, cycle, first failure, done: the
 * Verilator side calls drive and check no more once it is set). */
const struct lockstep *vec_cosim_core(const struct vec_cosim *c);
/*
 * One clock, C side: choose this cycle's inputs into *p (reading the RTL's
 * current outputs in *p: x_rd, x_beat), then step and commit the C model.
 */
void vec_cosim_drive(struct vec_cosim *c, struct vec_pins *p);
/*
 * Compare the RTL outputs in *p, read after the clock, with the model's
 * registered outputs. Returns 0, or 1 after printing the first mismatch
 * (cycle, port, expected, actual, seed).
 */
int vec_cosim_check(struct vec_cosim *c, struct vec_pins *p);
/* Print the summary line, free everything; returns the exit status. */
int vec_cosim_finish(struct vec_cosim *c);

#ifdef __cplusplus
}
#endif

#endif
