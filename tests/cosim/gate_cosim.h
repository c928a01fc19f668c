/*
 * gate_cosim.h - lockstep co-simulation of rtl/gate.v (the gate unit's
 * top-k stage) against models/fu.c (controller timing) and models/gate.c
 * (gate_topk).
 *
 * The Verilated RTL and the C model see the same stimuli, one clock at a
 * time. The C side (gate_cosim.c) owns everything but the RTL: it generates
 * seeded random top-k tiles (or reads a dumped gate op's, --npy), answers
 * the RTL's logit reads, steps the fu model and compares every registered
 * output of the RTL after each clock. The C++ side (gate_main.cpp) only
 * moves struct gate_pins to and from the Verilated ports, ticks the clock
 * and, for --vcd, replays a failed run with a bounded wave window
 * (tests/cosim/vcd_window.h).
 *
 * The unit parameters must be the ones the RTL was Verilated with: the
 * make fragment passes the same values as -G to Verilator and as -D here.
 * Beat formats: the header of rtl/gate.v.
 */
#ifndef TESTS_COSIM_GATE_COSIM_H
#define TESTS_COSIM_GATE_COSIM_H

#include <stdint.h>

#ifndef GATE_E_MAX
#define GATE_E_MAX 20
#endif
#ifndef GATE_K_MAX
#define GATE_K_MAX 8
#endif
#ifndef GATE_T_MAX
#define GATE_T_MAX 8
#endif

/* Width of cmd_kcycles: rtl/gate.v's default, which the build leaves alone. */
#define GATE_KC_BITS 24

/* Expert index bits (rtl/gate.v's IB) and the out_idx port. */
#define GATE_IB (GATE_E_MAX > 1 ? gate_clog2_(GATE_E_MAX) : 1)
#define gate_clog2_(v) ((v) <= 2 ? 1 : (v) <= 4 ? 2 : (v) <= 8 ? 3 : \
	(v) <= 16 ? 4 : (v) <= 32 ? 5 : (v) <= 64 ? 6 : (v) <= 128 ? 7 : \
	(v) <= 256 ? 8 : (v) <= 512 ? 9 : 10)
#define GATE_IDX_BITS (GATE_K_MAX * GATE_IB)
/* 32-bit words of a port, plus one so that a port of up to 64 bits can
 * always be read as two words. */
#define GATE_WORDS(bits) (((bits) + 31) / 32 + 1)

#ifdef __cplusplus
extern "C" {
#endif

/* Every port of rtl/gate.v except clk; names as in the RTL. */
struct gate_pins {
	/* inputs, written by gate_cosim_drive */
	uint8_t rst_l;			/* synchronous, active low */
	uint8_t cmd_valid;
	uint8_t cmd_flags;		/* UNIT_* */
	uint32_t cmd_op;		/* the command's sequence number */
	uint32_t cmd_rows;		/* tokens, 1 .. GATE_T_MAX */
	uint32_t cmd_cols;		/* experts E, 1 .. GATE_E_MAX */
	uint32_t cmd_k;			/* 1 .. min(GATE_K_MAX, E) */
	uint32_t cmd_kcycles;		/* T * E */
	uint32_t l_data;		/* logit beat, int32 */
	/* outputs, read after each clock */
	uint8_t cmd_ready;
	uint8_t active;
	uint8_t rd_done_valid, rd_done_flags;
	uint8_t wb_done_valid, wb_done_flags;
	uint32_t rd_done_op, wb_done_op;
	uint8_t l_rd;			/* a logit is due this cycle */
	uint32_t l_tok, l_exp;		/* which one */
	uint8_t out_valid;		/* a token's winners */
	uint32_t out_tok;
	uint32_t out_idx[GATE_WORDS(GATE_IDX_BITS)];
};

/* Clocks gate_main.cpp holds rst_l low before cycle 0. */
#define GATE_COSIM_RESET_CYCLES 3

struct gate_cosim;

/* As smx_cosim.h: parse argv, build the generator and the C model. */
struct gate_cosim *gate_cosim_new(int argc, char **argv, int *status);
/* VCD file asked for with --vcd, or NULL. */
const char *gate_cosim_vcd(const struct gate_cosim *c);
/* Clocks of waves before the mismatch (--vcd-window), or -1 when not given. */
int64_t gate_cosim_vcd_window(const struct gate_cosim *c);
/* Cycle of the first mismatch as printed (clocks since reset: the check
 * after clock k, counted from 0, is cycle k + 1), or -1 when none. */
int64_t gate_cosim_fail_cycle(const struct gate_cosim *c);
/* Print nothing (the --vcd replay of a run that already reported). */
void gate_cosim_quiet(struct gate_cosim *c);
/* Inputs held during reset: rst_l low, no command. */
void gate_cosim_reset_pins(struct gate_cosim *c, struct gate_pins *p);
/* 1 when the run is over (all tiles done, or a mismatch was found). */
int gate_cosim_done(const struct gate_cosim *c);
/* One clock, C side: this cycle's inputs into *p (answering l_rd), then
 * step and commit the C model. */
void gate_cosim_drive(struct gate_cosim *c, struct gate_pins *p);
/* Compare the RTL outputs in *p with the model; 1 after printing the first
 * mismatch (cycle, port, expected, actual, seed). */
int gate_cosim_check(struct gate_cosim *c, struct gate_pins *p);
/* Print the summary line (unless quiet), free everything; returns the exit
 * status: 0 pass, 1 mismatch, 2 an armed --inject-flip never caught. */
int gate_cosim_finish(struct gate_cosim *c);

#ifdef __cplusplus
}
#endif

#endif
