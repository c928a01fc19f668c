/*
 * gate_cosim.h - lockstep co-simulation of rtl/gate.v, the whole MoE gate
 * unit (router logits GEMV, softmax over the experts, top-k), against
 * models/fu.c (controller timing) and models/gate.c (gate_stages and
 * gate_cycles: the schedule; gate_token: one token's logits,
 * requantization, softmax and top-k).
 *
 * The Verilated RTL and the C model see the same stimuli, one clock at a
 * time. The C side (gate_cosim.c) owns everything but the RTL: it generates
 * seeded random gate tiles (tokens x and router weights W_gate), or reads a
 * gate op dumped by `stasim run --dump` (--npy), answers the RTL's operand
 * reads (g_rd), steps the fu model and compares every registered output of
 * the RTL after each clock. The C++ side (gate_main.cpp) only moves struct
 * gate_pins to and from the Verilated ports, ticks the clock and, for
 * --vcd, replays the run with a bounded wave window
 * (sim/cosim/vcd_window.h, through cosim_main.h).
 *
 * The unit parameters must be the ones the RTL was Verilated with: the
 * make template (sim/cosim/cosim.mk) passes the same values as -G to Verilator and as
 * -DGATE_RTL_* here. They are not GATE_* because models/gate.h already
 * names GATE_E_MAX (the model's own limit). Command fields and beat
 * formats: the header of rtl/gate.v.
 */
#ifndef SIM_COSIM_GATE_COSIM_H
#define SIM_COSIM_GATE_COSIM_H

#include <stdint.h>

#include "ctl.h"

/* rtl/gate.v's parameters; the defaults are sim/cosim/cosim.mk's CI build. */
#ifndef GATE_RTL_E_MAX
#define GATE_RTL_E_MAX 20
#endif
#ifndef GATE_RTL_K_MAX
#define GATE_RTL_K_MAX 8
#endif
#ifndef GATE_RTL_T_MAX
#define GATE_RTL_T_MAX 8
#endif
#ifndef GATE_RTL_D_MAX
#define GATE_RTL_D_MAX 24
#endif
#ifndef GATE_RTL_GEMV
#define GATE_RTL_GEMV 7
#endif
#ifndef GATE_RTL_SORTERS
#define GATE_RTL_SORTERS 3
#endif
#ifndef GATE_RTL_LANES
#define GATE_RTL_LANES 3
#endif
#ifndef GATE_RTL_ALGORITHM
#define GATE_RTL_ALGORITHM 0
#endif
#ifndef GATE_RTL_EXP_LATENCY
#define GATE_RTL_EXP_LATENCY 2
#endif
#ifndef GATE_RTL_RECIP_LATENCY
#define GATE_RTL_RECIP_LATENCY 5
#endif
#ifndef GATE_RTL_DIVIDERS
#define GATE_RTL_DIVIDERS 2
#endif
#ifndef GATE_RTL_DIV_LATENCY
#define GATE_RTL_DIV_LATENCY 9
#endif

/* Width of cmd_kcycles: rtl/gate.v's default, which the build leaves alone. */
#define GATE_KC_BITS 24

/* ceil(log2(v)) for the port widths below, as rtl/gate.v's $clog2. */
#define gate_clog2_(v) ((v) <= 1 ? 0 : (v) <= 2 ? 1 : (v) <= 4 ? 2 : \
	(v) <= 8 ? 3 : (v) <= 16 ? 4 : (v) <= 32 ? 5 : (v) <= 64 ? 6 : \
	(v) <= 128 ? 7 : (v) <= 256 ? 8 : (v) <= 512 ? 9 : 10)
/* Expert index bits (rtl/gate.v's IB): entry i of out_idx at [i*IB +: IB]. */
#define GATE_IB (GATE_RTL_E_MAX > 1 ? gate_clog2_(GATE_RTL_E_MAX) : 1)
#define GATE_IDX_BITS (GATE_RTL_K_MAX * GATE_IB)	/* out_idx */
#define GATE_SCORE_BITS (GATE_RTL_K_MAX * 8)		/* out_score */
#define GATE_OPD_BITS (GATE_RTL_GEMV * 8)		/* g_a and g_w */
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
	struct ctl_cmd cmd;		/* rows: tokens T 1 .. T_MAX, cols:
					 * experts E 1 .. E_MAX, kcycles:
					 * gate_cycles(T, D, E) */
	uint32_t cmd_d;			/* token width D, 1 .. D_MAX */
	uint32_t cmd_k;			/* winners, 1 .. min(K_MAX, E) */
	uint32_t cmd_shift;		/* logit requantization, 1 .. 31 */
	uint32_t cmd_in_frac;		/* 0 .. 31, read as at most 15 */
	uint8_t cmd_ita_eps32;		/* ita: smx_fmt.ita_eps32 */
	uint32_t g_a[GATE_WORDS(GATE_OPD_BITS)];	/* x[d] of lane l at [l*8 +: 8] */
	uint32_t g_w[GATE_WORDS(GATE_OPD_BITS)];	/* W_gate[d][e] of lane l */
	/* outputs, read after each clock */
	struct ctl_ports ctl;		/* cmd_ready, active, rd_done, wb_done */
	uint8_t g_rd;			/* an operand beat is due next cycle */
	uint32_t g_tok, g_beat;		/* which one: token in the tile, beat */
	uint8_t out_valid;		/* a token's winners */
	uint32_t out_tok;
	uint32_t out_idx[GATE_WORDS(GATE_IDX_BITS)];	/* best first */
	uint32_t out_score[GATE_WORDS(GATE_SCORE_BITS)];	/* their probabilities */
};

/* Clocks gate_main.cpp holds rst_l low before cycle 0. */
#define GATE_COSIM_RESET_CYCLES 3

/* First on every message of the harness, C and C++ side (lockstep.h). */
#define GATE_COSIM_PROG "gate cosim"

struct lockstep;

struct gate_cosim;

/*
 * Parse argv (usage in gate_cosim.c), load --npy and build the stimulus
 * generator and the C model. Returns NULL after printing a message on a
 * bad option, bad --npy input or allocation failure; *status then holds
 * the exit code (0 for -h, 2 otherwise). With replay = 1 the run is the
 * silent rerun for --vcd: the same stimulus, no messages.
 */
struct gate_cosim *gate_cosim_new(int argc, char **argv, int replay,
				  int *status);
/* The run's core state (options, cycle, first failure, done: the
 * Verilator side calls drive and check no more once it is set). */
const struct lockstep *gate_cosim_core(const struct gate_cosim *c);
/* One clock, C side: this cycle's inputs into *p (answering the g_rd that
 * the last check saw), then step and commit the C model. */
void gate_cosim_drive(struct gate_cosim *c, struct gate_pins *p);
/* Compare the RTL outputs in *p with the model and the expected beats; 1
 * after printing the first mismatch (cycle, port, expected, actual, seed). */
int gate_cosim_check(struct gate_cosim *c, struct gate_pins *p);
/* Print the summary line (unless quiet), free everything; returns the exit
 * status: 0 pass, 1 mismatch, 2 an armed --inject-flip never caught. */
int gate_cosim_finish(struct gate_cosim *c);

#ifdef __cplusplus
}
#endif

#endif
