/*
 * sde_cosim.h - lockstep co-simulation of rtl/sde.v against models/sde.c.
 *
 * The Verilated RTL and the C model see the same stimuli, one clock at a
 * time. The C side (sde_cosim.c) owns everything but the RTL: it generates
 * seeded random command streams and operand beats, steps the C model and
 * compares every registered output of the RTL with the model's `out` after
 * each clock. The C++ side (sde_main.cpp) only moves struct sde_pins to and
 * from the Verilated ports and ticks the clock.
 *
 * The array parameters must be the ones the RTL was Verilated with: the
 * make fragment passes the same values as -G to Verilator and as -D here.
 */
#ifndef TESTS_COSIM_SDE_COSIM_H
#define TESTS_COSIM_SDE_COSIM_H

#include <stdint.h>

#ifndef SDE_ROWS
#define SDE_ROWS 4
#endif
#ifndef SDE_COLS
#define SDE_COLS 4
#endif
#ifndef SDE_N_MAX
#define SDE_N_MAX 2
#endif
#ifndef SDE_M_MAX
#define SDE_M_MAX 8
#endif
#ifndef SDE_ACT_BITS
#define SDE_ACT_BITS 8
#endif
#ifndef SDE_WEIGHT_BITS
#define SDE_WEIGHT_BITS 8
#endif

/* Widths of the command fields: rtl/sde.v's defaults, which the build
 * leaves alone. */
#define SDE_KC_BITS 16
#define SDE_CPR_BITS 3
#define SDE_SHIFT_BITS 6

/* Derived widths, as in rtl/sde.v. */
#define SDE_WIN (SDE_M_MAX > SDE_N_MAX ? SDE_M_MAX : SDE_N_MAX)
#define SDE_IDX_BITS (SDE_M_MAX > 4 ? (SDE_M_MAX > 8 ? (SDE_M_MAX > 16 ? 5 : 4) : 3) \
		      : (SDE_M_MAX > 2 ? 2 : 1))
#define SDE_A_BITS (SDE_ROWS * SDE_WIN * SDE_ACT_BITS)
#define SDE_W_BITS (SDE_COLS * SDE_N_MAX * SDE_WEIGHT_BITS)
#define SDE_I_BITS (SDE_COLS * SDE_N_MAX * SDE_IDX_BITS)
#define SDE_O_BITS (SDE_COLS * SDE_ACT_BITS)
/* 32-bit words of a port, plus one so that a port of up to 64 bits can
 * always be read as two words. */
#define SDE_WORDS(bits) (((bits) + 31) / 32 + 1)

#ifdef __cplusplus
extern "C" {
#endif

/* Every port of rtl/sde.v except clk; names as in the RTL. */
struct sde_pins {
	/* inputs, written by cosim_drive */
	uint8_t rst_l;			/* synchronous, active low */
	uint8_t acc_db;			/* shadow accumulators */
	uint8_t cmd_valid;
	uint8_t cmd_flags;		/* UNIT_* */
	uint8_t cmd_dense;		/* 1: mux bypass */
	uint32_t cmd_op;		/* the command's sequence number */
	uint32_t cmd_rows, cmd_cols;	/* 1 .. SDE_ROWS, 1 .. SDE_COLS */
	uint32_t cmd_kcycles;		/* stream cycles */
	uint32_t cmd_drain_cpr;		/* cycles per drained row, 0 or 1: one */
	uint32_t cmd_nm_n, cmd_nm_m;	/* sparse pattern */
	uint32_t cmd_shift;		/* requantization shift */
	uint32_t op_a[SDE_WORDS(SDE_A_BITS)];	/* operand beat: activations */
	uint32_t op_w[SDE_WORDS(SDE_W_BITS)];	/* operand beat: weights */
	uint32_t op_idx[SDE_WORDS(SDE_I_BITS)];	/* operand beat: indices */
	/* outputs, read after each clock */
	uint8_t cmd_ready;
	uint8_t active;
	uint8_t rd_done_valid, rd_done_flags;
	uint8_t wb_done_valid, wb_done_flags;
	uint32_t rd_done_op, wb_done_op;
	uint8_t op_rd;			/* a beat is due this cycle */
	uint8_t out_valid;
	uint32_t out_row;
	uint32_t out_data[SDE_WORDS(SDE_O_BITS)];
};

struct cosim;

/*
 * Parse argv (see usage in sde_cosim.c) and build the stimulus generator
 * and the C model. Returns NULL after printing a message on a bad option
 * or on allocation failure; *status then holds the exit code (0 for -h).
 */
struct cosim *cosim_new(int argc, char **argv, int *status);
/* VCD file asked for with --vcd, or NULL. */
const char *cosim_vcd(const struct cosim *c);
/* Inputs held during reset: rst_l low, no command. */
void cosim_reset_pins(struct cosim *c, struct sde_pins *p);
/* 1 when the run is over (all commands done, or a mismatch was found). */
int cosim_done(const struct cosim *c);
/*
 * One clock, C side: choose this cycle's inputs into *p (reading the RTL's
 * current outputs in *p, e.g. op_rd), then step and commit the C model.
 * Work: one model step plus one operand beat.
 */
void cosim_drive(struct cosim *c, struct sde_pins *p);
/*
 * Compare the RTL outputs in *p, read after the clock, with the model's
 * registered outputs. Returns 0, or 1 after printing the first mismatch
 * (cycle, port, expected, actual, seed).
 */
int cosim_check(struct cosim *c, struct sde_pins *p);
/* Print the summary line, free everything; returns the exit status. */
int cosim_finish(struct cosim *c);

#ifdef __cplusplus
}
#endif

#endif
