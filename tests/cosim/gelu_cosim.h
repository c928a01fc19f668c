/*
 * gelu_cosim.h - lockstep co-simulation of rtl/vec_gelu.v against
 * models/fu.c (controller timing), models/vec.c (vec_cycles for gelu) and
 * models/vec_ref.c (vec_gelu, method VEC_GELU_TABLE).
 *
 * The Verilated RTL and the C model see the same stimuli, one clock at a
 * time. The C side (gelu_cosim.c) owns everything but the RTL: it generates
 * seeded random GELU tiles and formats, answers the RTL's input reads,
 * steps the fu model and compares every registered output of the RTL after
 * each clock. The C++ side (gelu_main.cpp) only moves struct gelu_pins to
 * and from the Verilated ports, ticks the clock and, for --vcd, replays the
 * run with a bounded window of waves (vcd_window.h).
 *
 * The unit parameters must be the ones the RTL was Verilated with: the
 * make fragment (gelu.mk) passes the same values as -G to Verilator and as
 * -D here. Beat formats: the header of rtl/vec_gelu.v.
 */
#ifndef TESTS_COSIM_GELU_COSIM_H
#define TESTS_COSIM_GELU_COSIM_H

#include <stdint.h>

#ifndef GELU_LANES
#define GELU_LANES 4
#endif
#ifndef GELU_LATENCY
#define GELU_LATENCY 3
#endif
#ifndef GELU_ROWS
#define GELU_ROWS 4
#endif
#ifndef GELU_N_MAX
#define GELU_N_MAX 64
#endif

/* Width of cmd_kcycles: rtl/vec_gelu.v's default, which the build leaves alone. */
#define GELU_KC_BITS 24

#define GELU_X_BITS (GELU_LANES * 8)	/* x_data and out_y */
/* 32-bit words of a port, plus one so that a port of up to 64 bits can
 * always be read as two words. */
#define GELU_WORDS(bits) (((bits) + 31) / 32 + 1)

#ifdef __cplusplus
extern "C" {
#endif

/* Every port of rtl/vec_gelu.v except clk; names as in the RTL. */
struct gelu_pins {
	/* inputs, written by gelu_cosim_drive */
	uint8_t rst_l;			/* synchronous, active low */
	uint8_t cmd_valid;
	uint8_t cmd_flags;		/* UNIT_* */
	uint32_t cmd_op;		/* the command's sequence number */
	uint32_t cmd_rows;		/* 1 .. GELU_ROWS */
	uint32_t cmd_cols;		/* row length n, 1 .. GELU_N_MAX */
	uint32_t cmd_kcycles;		/* vec_cycles(gelu, rows, n) */
	uint32_t cmd_in_frac;		/* 0 .. 7 */
	uint32_t cmd_out_frac;		/* 0 .. 7 */
	uint32_t cmd_step_log2;		/* 0 .. 7, read as at most 5 */
	uint32_t cmd_range_q8;		/* 0 .. 2047, read as at most 1408 */
	uint32_t x_data[GELU_WORDS(GELU_X_BITS)];	/* input beat */
	/* outputs, read after each clock */
	uint8_t cmd_ready;
	uint8_t active;
	uint8_t rd_done_valid, rd_done_flags;
	uint8_t wb_done_valid, wb_done_flags;
	uint32_t rd_done_op, wb_done_op;
	uint8_t x_rd;			/* an input beat is due this cycle */
	uint32_t x_beat;		/* which one */
	uint8_t out_valid;		/* an output beat */
	uint32_t out_beat;
	uint32_t out_y[GELU_WORDS(GELU_X_BITS)];
};

/* Clocks gelu_main.cpp holds rst_l low before cycle 0. */
#define GELU_COSIM_RESET_CYCLES 3

/* First on every message of the harness, C and C++ side (harness.h). */
#define GELU_COSIM_PROG "gelu cosim"

struct harness_vcd;

struct gelu_cosim;

/*
 * Parse argv (see usage in gelu_cosim.c) and build the stimulus generator
 * and the C model. Returns NULL after printing a message on a bad option
 * or on allocation failure; *status then holds the exit code (0 for -h,
 * else 2). replay 1: the same run again for the waves of --vcd, silent (no
 * messages, no summary line); the run is a pure function of argv, so it
 * fails at the same cycle.
 */
struct gelu_cosim *gelu_cosim_new(int argc, char **argv, int replay,
				  int *status);
/* The waves asked for: --vcd and --vcd-window (harness.h says which
 * window they give). */
const struct harness_vcd *gelu_cosim_vcd(const struct gelu_cosim *c);
/* Cycle C of the first failure (a mismatch, or the run given up as hung):
 * the check after clock C - 1, as the messages number it; -1 while none. */
int64_t gelu_cosim_fail_cycle(const struct gelu_cosim *c);
/* Inputs held during reset: rst_l low, no command. */
void gelu_cosim_reset_pins(struct gelu_cosim *c, struct gelu_pins *p);
/* 1 when the run is over (all tiles done, or a mismatch was found). */
int gelu_cosim_done(const struct gelu_cosim *c);
/*
 * One clock, C side: choose this cycle's inputs into *p (reading the RTL's
 * current outputs in *p: x_rd, x_beat), then step and commit the C model.
 */
void gelu_cosim_drive(struct gelu_cosim *c, struct gelu_pins *p);
/*
 * Compare the RTL outputs in *p, read after the clock, with the model's
 * registered outputs. Returns 0, or 1 after printing the first mismatch
 * (cycle, port, expected, actual, seed).
 */
int gelu_cosim_check(struct gelu_cosim *c, struct gelu_pins *p);
/* Print the summary line, free everything; returns the exit status. */
int gelu_cosim_finish(struct gelu_cosim *c);

#ifdef __cplusplus
}
#endif

#endif
