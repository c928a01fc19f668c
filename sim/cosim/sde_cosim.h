/*
 * sde_cosim.h - lockstep co-simulation of rtl/sde.v against models/sde.c.
 *
 * The Verilated RTL and the C model see the same stimuli, one clock at a
 * time. The C side (sde_cosim.c) owns everything but the RTL: it generates
 * seeded random command streams (or, with --npy, the planner's tiles of a
 * GEMM dumped by `stasim run --dump`), answers the RTL's operand reads,
 * steps the C model in observe mode (sde_observe: it emits the per-cycle
 * read and write-back ports too) and compares every registered output of
 * the RTL with the model's `out` after each clock. The C++ side
 * (sde_main.cpp) only moves struct sde_pins to and from the Verilated
 * ports, ticks the clock and, for --vcd, replays the run with a bounded
 * window of waves (vcd_window.h).
 *
 * The array parameters must be the ones the RTL was Verilated with: the
 * make fragment passes the same values as -G to Verilator and as -D here.
 */
#ifndef SIM_COSIM_SDE_COSIM_H
#define SIM_COSIM_SDE_COSIM_H

#include <stdint.h>

#include "ctl.h"

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
#define SDE_D_BITS (SDE_COLS * 32)	/* dbg_acc: an int32 a column */
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
	struct ctl_cmd cmd;		/* rows 1 .. SDE_ROWS, cols 1 ..
					 * SDE_COLS, kcycles: stream cycles */
	uint8_t cmd_dense;		/* 1: mux bypass */
	uint32_t cmd_drain_cpr;		/* cycles per drained row, 0 or 1: one */
	uint32_t cmd_nm_n, cmd_nm_m;	/* sparse pattern */
	uint32_t cmd_shift;		/* requantization shift */
	uint32_t op_a[SDE_WORDS(SDE_A_BITS)];	/* operand beat: activations */
	uint32_t op_w[SDE_WORDS(SDE_W_BITS)];	/* operand beat: weights */
	uint32_t op_idx[SDE_WORDS(SDE_I_BITS)];	/* operand beat: indices */
	/* outputs, read after each clock */
	struct ctl_ports ctl;		/* cmd_ready, active, rd_done, wb_done */
	uint8_t op_rd;			/* a slice is read: its beat is due
					 * this cycle */
	uint32_t op_slice;		/* with op_rd: its index in the k-step */
	uint8_t out_valid;		/* a row is written back */
	uint32_t out_row;		/* its row in the tile */
	uint32_t out_data[SDE_WORDS(SDE_O_BITS)];	/* requantized, ACT_BITS
							 * a column */
	uint32_t dbg_acc[SDE_WORDS(SDE_D_BITS)];	/* its int32
							 * accumulators */
};

/*
 * Vector files (--write-vectors DIR): the run's stimulus and the C model's
 * expected outputs as plain text, replayed unchanged on the RTL by
 * tests/icarus/tb_sde.v (format also in tests/icarus/README.md).
 *
 * Each file opens with one header line naming the parameters, then one
 * line per cycle of space-separated fields: the cycle in decimal, then
 * every port in hex with ceil(width / 4) digits, most significant first;
 * wide ports (op_a, op_w, op_idx, out_data, dbg_acc) are one number, laid
 * out as in rtl/sde.v.
 *
 *   # sde stim ROWS=4 COLS=4 N_MAX=2 M_MAX=8 ACT_BITS=8 WEIGHT_BITS=8
 *     KC_BITS=16 CPR_BITS=3 SHIFT_BITS=6 reset=3 functional=1 seed=1
 *     cmds=1000 acc_db=toggle | <column names>            (one line)
 *
 * DIR/stim.txt, cycles -reset .. N-1, one per clock the harness gave the
 * RTL: what sde_cosim_reset_pins (the reset window, rst_l 0) or sde_cosim_drive
 * put on the input ports before that clock's edge:
 *   cycle rst_l acc_db cmd_valid cmd_flags cmd_op cmd_rows cmd_cols
 *   cmd_kcycles cmd_drain_cpr cmd_dense cmd_nm_n cmd_nm_m cmd_shift
 *   op_a op_w op_idx
 * Payload without cmd_valid and operand lanes without op_rd are the random
 * junk the harness drove; they must not matter.
 *
 * DIR/expect.txt, cycles 0 .. N, one per sde_cosim_check: the outputs the C
 * model says the RTL shows after the edge that ends the previous stim line
 * (cycle 0: after the reset window), the model's registered struct sde_out:
 *   cycle cmd_ready active rd_done_valid rd_done_flags rd_done_op
 *   wb_done_valid wb_done_flags wb_done_op op_rd op_slice out_valid
 *   out_row out_data dbg_acc
 * cmd_ready, active, rd_done_valid, wb_done_valid, op_rd and out_valid are
 * compared on every line; rd_done_flags/op only when rd_done_valid is 1,
 * wb_done_flags/op only when wb_done_valid is 1, op_slice only when op_rd
 * is 1, out_row only when out_valid is 1, and out_data and dbg_acc only
 * when out_valid is 1 and the header says functional=1 -- the rules of
 * sde_cosim_check. op_rd/op_slice are the model's rd/rd_slice;
 * out_valid/out_row are its wb/wb_row, out_data its wb_data (requantized,
 * ACT_BITS a column) and dbg_acc its wb_acc (32 bits a column), both 0
 * beyond the tile's cols. Fields not compared are 0. Each line is written
 * in the cycle it describes.
 */
/* Clocks sde_main.cpp holds rst_l low before cycle 0 (its kResetCycles):
 * the reset lines of stim.txt. */
#define SDE_COSIM_RESET_CYCLES 3

/* First on every message of the harness, C and C++ side (lockstep.h). */
#define SDE_COSIM_PROG "sde cosim"

struct lockstep;

struct sde_cosim;

/*
 * Parse argv (see usage in sde_cosim.c) and build the stimulus generator
 * and the C model (with --npy, load the dump and plan its tiles). Returns
 * NULL after printing a message on a bad option, a bad dump or allocation
 * failure; *status then holds the exit code (0 for -h, else 2). replay 1:
 * the same run again for the waves of --vcd, silent (no messages, no summary
 * line, no vector files); the run is a pure function of argv, so it fails
 * at the same cycle.
 */
struct sde_cosim *sde_cosim_new(int argc, char **argv, int replay, int *status);
/* The run's core state (options, cycle, first failure, done: the
 * Verilator side calls drive and check no more once it is set). */
const struct lockstep *sde_cosim_core(const struct sde_cosim *c);
/* Inputs held during reset: rst_l low, no command. */
void sde_cosim_reset_pins(struct sde_cosim *c, struct sde_pins *p);
/*
 * One clock, C side: choose this cycle's inputs into *p (reading the RTL's
 * current outputs in *p: op_rd and op_slice, the read the operand feeder
 * answers), then step and commit the C model.
 * Work: one model step plus one operand beat.
 */
void sde_cosim_drive(struct sde_cosim *c, struct sde_pins *p);
/*
 * Compare the RTL outputs in *p, read after the clock, with the model's
 * registered outputs. Returns 0, or 1 after printing the first mismatch
 * (cycle, port, expected, actual, seed).
 */
int sde_cosim_check(struct sde_cosim *c, struct sde_pins *p);
/* Print the summary line, free everything; returns the exit status. */
int sde_cosim_finish(struct sde_cosim *c);

#ifdef __cplusplus
}
#endif

#endif
