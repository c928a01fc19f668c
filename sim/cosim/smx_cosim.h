/*
 * smx_cosim.h - lockstep co-simulation of rtl/smx.v against models/fu.c
 * (controller timing), models/smx.c (smx_cycles) and models/smx_ref.c
 * (smx_row), for the algorithms with RTL: online and ita (--algo).
 *
 * The Verilated RTL and the C model see the same stimuli, one clock at a
 * time. The C side (smx_cosim.c) owns everything but the RTL: it generates
 * seeded random softmax tiles, or reads a dumped softmax op (--npy) and
 * tiles it as the scheduler does (sim/plan.c), answers the RTL's score
 * reads, steps the fu model and compares every registered output of the
 * RTL after each clock. The C++ side (smx_main.cpp) holds one Verilated
 * model per algorithm (ALGORITHM 0 and 1 of the same rtl/smx.v), moves
 * struct smx_pins to and from its ports, ticks the clock, and with --vcd
 * replays the run with a bounded waveform window (sim/cosim/vcd_window.h).
 *
 * --fused N runs the fused front end of the online model instead (rtl/smx.v
 * "Fused"): N random scenarios, each a score buffer of rows drained like
 * the engine drains Q.K^T (d_* beats), fused commands through the
 * controller (smx_fused_cycles, compared with models/fu.c like any tile),
 * normal tiles among them, and A.V's operand fetches (f_*), whose
 * probabilities on p_* are compared with smx_row of the rows as drained.
 *
 * The unit parameters must be the ones the RTL was Verilated with: the
 * make fragment passes the same values as -G to Verilator and as -D here.
 * Beat formats: the header of rtl/smx.v.
 */
#ifndef SIM_COSIM_SMX_COSIM_H
#define SIM_COSIM_SMX_COSIM_H

#include <stdint.h>

#include "ctl.h"

#ifndef SMX_LANES
#define SMX_LANES 2
#endif
#ifndef SMX_EXP_LATENCY
#define SMX_EXP_LATENCY 2
#endif
#ifndef SMX_RECIP_LATENCY
#define SMX_RECIP_LATENCY 8
#endif
#ifndef SMX_DIVIDERS
#define SMX_DIVIDERS 2
#endif
#ifndef SMX_DIV_LATENCY
#define SMX_DIV_LATENCY 19
#endif
#ifndef SMX_ROWS
#define SMX_ROWS 4
#endif
#ifndef SMX_N_MAX
#define SMX_N_MAX 40
#endif
/* Rows of the online model's fused score buffer (rtl/smx.v FUSED_ROWS; the
 * ita model is built with 1, no fused front end). --fused needs > 1. */
#ifndef SMX_FUSED_ROWS
#define SMX_FUSED_ROWS 1
#endif

/* Width of cmd_kcycles: rtl/smx.v's default, which the build leaves alone. */
#define SMX_KC_BITS 24

#define SMX_X_BITS (SMX_LANES * 8)	/* x_data and out_p, d_data and p_data */
#define SMX_DBG_S_BITS 41		/* dbg_s: the running sum, Q17.24 */
#define SMX_DBG_R_BITS 25		/* dbg_r: the reciprocal's quotient */
/* 32-bit words of a port, plus one so that a port of up to 64 bits can
 * always be read as two words. */
#define SMX_WORDS(bits) (((bits) + 31) / 32 + 1)

#ifdef __cplusplus
extern "C" {
#endif

/* Every port of rtl/smx.v except clk; names as in the RTL. */
struct smx_pins {
	/* inputs, written by smx_cosim_drive */
	uint8_t rst_l;			/* synchronous, active low */
	struct ctl_cmd cmd;		/* rows 1 .. SMX_ROWS, cols: row length
					 * n 1 .. SMX_N_MAX, kcycles:
					 * smx_cycles(rows, n) */
	uint32_t cmd_in_frac;		/* 0 .. 31, read as at most 15 */
	uint8_t cmd_ita_eps32;		/* ita: smx_fmt.ita_eps32 */
	uint8_t cmd_fused;		/* a fused tile (smx_fused_cycles) */
	uint32_t cmd_r0;		/* fused: its first score-buffer row */
	uint32_t x_data[SMX_WORDS(SMX_X_BITS)];	/* score beat */
	/* fused front end, inputs (0 unless --fused) */
	uint8_t d_valid;		/* a drain beat this cycle */
	uint32_t d_row, d_col;		/* score-buffer row, column of lane 0 */
	uint32_t d_cnt;			/* scores in the beat, 1 .. LANES */
	uint32_t d_n;			/* the row's length */
	uint32_t d_frac;		/* its in_frac, 0 .. 31 */
	uint32_t d_data[SMX_WORDS(SMX_X_BITS)];	/* lane l at [l*8 +: 8] */
	uint8_t f_valid;		/* an operand fetch this cycle */
	uint32_t f_row, f_col;		/* row and column of lane 0 */
	uint32_t f_k0, f_klen;		/* the window's columns */
	uint32_t f_cnt;			/* probabilities asked, 1 .. LANES */
	uint32_t f_frac;		/* in_frac, 0 .. 31 */
	/* outputs, read after each clock */
	struct ctl_ports ctl;		/* cmd_ready, active, rd_done, wb_done */
	uint8_t x_rd;			/* a score beat is due this cycle */
	uint32_t x_row, x_col;		/* which one */
	uint8_t out_valid;		/* a probability beat */
	uint32_t out_row, out_col;
	uint32_t out_p[SMX_WORDS(SMX_X_BITS)];
	uint8_t p_valid;		/* fetched probabilities */
	uint32_t p_data[SMX_WORDS(SMX_X_BITS)];
	/* debug ports (online; 0 with ita): running max and sum of the row
	 * being read, the divider's quotient so far */
	uint32_t dbg_b;			/* int8, two's complement */
	uint32_t dbg_s[SMX_WORDS(SMX_DBG_S_BITS)];	/* Q17.24 */
	uint32_t dbg_r;			/* 25 bits */
};

/*
 * Vector files (--write-vectors DIR): the run's stimulus and the expected
 * outputs as plain text, replayed unchanged on the RTL by
 * tests/icarus/tb_smx.v (format also in tests/icarus/README.md).
 *
 * Each file opens with one header line naming the parameters, then one
 * line per cycle of space-separated fields: the cycle in decimal, then
 * every port in hex with ceil(width / 4) digits, most significant first;
 * x_data and out_p are one number each, lane l at [l*8 +: 8].
 *
 *   # smx stim ALGORITHM=1 LANES=2 EXP_LATENCY=2 RECIP_LATENCY=8
 *     DIVIDERS=2 DIV_LATENCY=19 ROWS=512 N_MAX=4096 KC_BITS=24 reset=3
 *     seed=1 tiles=400 | <column names>                      (one line)
 *
 * DIR/stim.txt, cycles -reset .. N-1, one per clock the harness gave the
 * RTL: what smx_cosim_reset_pins (the reset window, rst_l 0) or
 * smx_cosim_drive put on the input ports before that clock's edge:
 *   cycle rst_l cmd_valid cmd_flags cmd_op cmd_rows cmd_cols cmd_kcycles
 *   cmd_in_frac cmd_ita_eps32 x_data
 * Payload without cmd_valid and x_data not asked for by x_rd (and lanes at
 * or beyond n) are the random junk the harness drove; they must not matter.
 *
 * DIR/expect.txt, cycles 0 .. N, one per smx_cosim_check: the outputs
 * expected after the edge that ends the previous stim line (cycle 0: after
 * the reset window):
 *   cycle cmd_ready active rd_done_valid rd_done_flags rd_done_op
 *   wb_done_valid wb_done_flags wb_done_op x_rd x_row x_col out_valid
 *   out_row out_col out_p dbg_b dbg_s dbg_r
 * cmd_ready, active, rd_done_valid, wb_done_valid, x_rd, out_valid and the
 * debug ports are compared on every line; rd_done_flags/op only when rd_done_valid is 1,
 * wb_done_flags/op only when wb_done_valid is 1, x_row/x_col only when
 * x_rd is 1, out_row/out_col/out_p only when out_valid is 1. Columns 2-9
 * are the fu model's registered outputs. The beat columns are filled in at
 * the model's wb_done from rtl/smx.v's schedule (the one smx_cosim_check
 * holds the RTL's beats to): for a tile of kcycles K finishing on cycle C,
 * busy step k is line C + 1 - K + k; x_rd marks the reads (P1(0), row
 * i + 1 in the first c cycles of window W(i), P2(i)); out_* carry
 * smx_row's probabilities (of the file's ALGORITHM), 0 beyond n, on the
 * cycles of beat_step. dbg_b, dbg_s and dbg_r are written with each line
 * (smx_dbg.c: smx_online_first/step's state after each pass-1 beat the
 * schedule takes, and the top bits of smx_recip(s) as the divider finds
 * them; 0 with ita). The Verilator run does not compare x_rd's cycle
 * directly (a wrong read shows up in the probabilities); the replay must,
 * because it feeds the recorded x_data whatever the RTL asks for. The file is written up to
 * one tile's kcycles (the longest the run can issue) lines behind the run
 * for that reason. The fused ports are not in the files: the replay ties
 * them to 0, and --fused writes no vectors.
 */
/* Clocks smx_main.cpp holds rst_l low before cycle 0. */
#define SMX_COSIM_RESET_CYCLES 3

/* First on every message of the harness, C and C++ side (lockstep.h). */
#define SMX_COSIM_PROG "smx cosim"

struct lockstep;

struct smx_cosim;

/*
 * Parse argv (see usage in smx_cosim.c) and build the stimulus generator
 * and the C model. Returns NULL after printing a message on a bad option,
 * bad --npy input or allocation failure; *status then holds the exit code
 * (0 for -h, 2 otherwise). With replay = 1 the run is a silent rerun for
 * waves: the same stimulus, no vector files, no messages, no stop at a
 * mismatch (the window goes on past it).
 */
struct smx_cosim *smx_cosim_new(int argc, char **argv, int replay,
				int *status);
/* The RTL to run: rtl/smx.v's ALGORITHM, 0 (online) or 1 (ita). */
int smx_cosim_algorithm(const struct smx_cosim *c);
/* The run's core state (options, cycle, first failure, done: the
 * Verilator side calls drive and check no more once it is set). */
const struct lockstep *smx_cosim_core(const struct smx_cosim *c);
/* Inputs held during reset: rst_l low, no command. */
void smx_cosim_reset_pins(struct smx_cosim *c, struct smx_pins *p);
/*
 * One clock, C side: choose this cycle's inputs into *p (reading the RTL's
 * current outputs in *p: x_rd, x_row, x_col), then step and commit the C
 * model.
 */
void smx_cosim_drive(struct smx_cosim *c, struct smx_pins *p);
/*
 * Compare the RTL outputs in *p, read after the clock, with the model's
 * registered outputs. Returns 0, or 1 after printing the first mismatch
 * (cycle, port, expected, actual, seed).
 */
int smx_cosim_check(struct smx_cosim *c, struct smx_pins *p);
/* Print the summary line (not in a replay), free everything; returns the
 * exit status. */
int smx_cosim_finish(struct smx_cosim *c);

#ifdef __cplusplus
}
#endif

#endif
