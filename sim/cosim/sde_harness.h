/*
 * sde_harness.h - the state of the engine harness (sde_cosim.c: operand
 * beats, vector files, checks, options; sde_tiles.c: the tiles, random and
 * --npy, and their commands), its parameters and its tiles.
 * Private to the harness's files; the interface is sde_cosim.h.
 */
#ifndef SIM_COSIM_SDE_HARNESS_H
#define SIM_COSIM_SDE_HARNESS_H

#include "sde_cosim.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sde.h"
#include "nm.h"
#include "unit.h"
#include "../../sim/plan.h"
#include "../../sim/lib/npy.h"
#include "lockstep.h"

_Static_assert(SDE_ACT_BITS >= 2 && SDE_ACT_BITS <= 16, "int16 operands");
_Static_assert(SDE_WEIGHT_BITS >= 2 && SDE_WEIGHT_BITS <= 16, "int16 operands");
_Static_assert(SDE_M_MAX >= 1 && SDE_M_MAX <= 32, "SDE_IDX_BITS table");

#define KC_MAX 40		/* longest k-step in the stimulus */
#define CPR_MAX 4		/* slowest drain consumer in the stimulus */
#define GAP_MAX 200		/* longest idle gap between commands */
#define BURST_MAX 12		/* longest burst of back-to-back tiny tiles */
#define ACC_DB_MAX 1000		/* longest wait for the next acc_db toggle */
#define PROG SDE_COSIM_PROG	/* first on every message */
/* A message on stderr, PROG first; none in the --vcd replay (c->ls.quiet),
 * which would repeat the first run's. */
#define say(c, ...) lockstep_say((c)->ls.quiet, PROG, __VA_ARGS__)
#define STEPS_MAX 8		/* k-step commands of one tile */

/* What --inject-port flips: the controller's ports (ctl_flip), then the
 * unit's own, in port order. */
enum inject_port {
	INJ_OP_RD = 4, INJ_OP_SLICE, INJ_OUT_VALID, INJ_OUT_ROW, INJ_OUT_DATA,
	INJ_DBG_ACC, INJ_N
};

/* One line of expect.txt (format in sde_cosim.h): the model's outputs. */
struct vec_line {
	struct lockstep_line l;	/* cycle, controller ports */
	uint8_t op_rd;		/* the model read a slice */
	uint32_t op_slice;	/* its index in the k-step; 0 without op_rd */
	uint8_t out_valid;	/* the model wrote a row back */
	uint32_t out_row;	/* its row within the tile; 0 without out_valid */
	uint32_t out_data[SDE_WORDS(SDE_O_BITS)];	/* its requantized outputs */
	uint32_t dbg_acc[SDE_WORDS(SDE_D_BITS)];	/* its accumulators */
};

/* One array tile: its commands' shared fields, operands and results. */
struct tile {
	struct sde_data d;	/* operands and outputs, the model's view (first
				 * member: cmd.data points here) */
	uint32_t rows, cols;	/* outputs in use */
	uint32_t cpr;		/* cmd.drain_cpr as sent, 0 .. CPR_MAX */
	uint32_t shift;		/* requantization shift */
	uint32_t steps;		/* k-step commands */
	uint32_t kc[STEPS_MAX];	/* stream cycles (slices) of each step */
	uint32_t k0[STEPS_MAX];	/* first reduction element of each step */
	uint32_t klen[STEPS_MAX];	/* reduction elements of each step */
	uint8_t flags[STEPS_MAX];	/* --npy: each step's UNIT_* flags (plan) */
	uint64_t beats;		/* sum of kc: operand beats */
	int dense;		/* 1: mux bypass */
	uint32_t gpc;		/* sparse: M-groups per beat (nm_map) */
	uint64_t groups;	/* sparse: M-groups covering k */
	int16_t *a;		/* rows x k activations */
	int16_t *w;		/* dense: k x cols; sparse: (groups*n) x cols */
	uint8_t *idx;		/* sparse: positions, like w; dense: NULL */
	int32_t *acc;		/* rows x cols, written by the model row by row */
	int16_t *out;		/* rows x cols, written by the model row by row */
	uint32_t rows_seen;	/* write-back rows compared */
	uint32_t head, r0, c0;	/* --npy: the tile's head and first output */
};

/* One .npy tensor, widened to int32. */
struct npy {
	int ndim;		/* 1 .. 3; 0: not loaded */
	uint64_t shape[3];	/* dimensions, C order */
	char type;		/* 'i' signed, 'u' unsigned */
	uint32_t bits;		/* bits of a stored element: 8, 16 or 32 */
	int32_t *v;		/* the elements */
};

/* A GEMM dump (--npy) and the planner's walk over it. */
struct gemm {
	struct npy a;		/* [heads x] m x k activations */
	struct npy w;		/* [heads x] k x n weights (pruned, dense) */
	struct npy acc;		/* [heads x] m x n int32 accumulators */
	struct npy out;		/* [heads x] m x n requantized outputs */
	struct npy wval;	/* N:M: (groups * N) x n kept weights, else empty */
	struct npy widx;	/* N:M: their positions within the group */
	uint32_t heads, m, k, n;	/* the op's shape */
	uint32_t nm_n, nm_m;	/* its pattern, found from wval/widx; dense 1:1 */
	uint32_t r0, c0, rows, cols;	/* --crop: the region of outputs run */
	struct plan_op plan;	/* the region tiled onto this array */
	struct plan_walk walk;	/* the walker, past next */
	struct plan_step next;	/* the next step of a head run */
	int has_next;		/* 1: next is valid */
	uint64_t tiles;		/* array tiles the run takes */
	uint64_t out_rows;	/* rows they write back */
	uint64_t kcycles;	/* their stream cycles */
};

struct sde_cosim {
	struct lockstep ls;	/* options, cycle, first failure */
	uint64_t n_cmds;	/* --cmds: commands to issue (whole tiles) */
	uint64_t max_cycles;	/* the hang bound: --max-cycles or ours */
	int functional;		/* 0 with --timing: no operands, no data check */
	int acc_db_mode;	/* 0, 1, or 2: toggle at random */
	const char *npy;	/* --npy PREFIX or NULL */
	int64_t head;		/* --head: the one head run, -1: all */
	uint32_t crop[4];	/* --crop R x C + R0 + C0; R = 0: whole op */
	struct lockstep_vec vec;	/* --write-vectors: the files */

	/* the C model and its ports */
	struct gemm *g;		/* --npy: the dump, or NULL */
	struct sde e;		/* the engine model, in observe mode */
	struct unit_cmd in;	/* its command input */
	uint32_t want_op;	/* its want_op input: no stall attribution */

	/* stimulus */
	int acc_db;		/* strap value this cycle */
	uint64_t acc_db_next;	/* cycle of the next toggle */
	uint64_t gap;		/* idle cycles before the next cmd_valid */
	uint32_t burst;		/* tiny tiles (1 row, 1 slice) still to make
				 * in the current back-to-back burst */
	struct tile **tiles;	/* every tile created, in order */
	size_t n_tiles, cap_tiles;
	size_t gen_tile;	/* tile whose commands are being issued */
	uint32_t gen_step;	/* its next step */
	uint64_t issued;	/* commands presented (accepted or pending) */
	uint64_t accepted;	/* commands accepted */
	struct sde_pins cmd;	/* the command pins presented */
	size_t feed_tile;	/* tile of the k-step being read */
	uint32_t feed_step;	/* that k-step, in command order */
	uint32_t feed_slice;	/* slices of it read so far */
	size_t wb_tile;		/* tile whose rows come next */
	uint64_t beats_fed;	/* operand beats presented on op_rd */
	uint64_t rows_checked;	/* write-back rows compared */
	uint64_t cov_sparse;	/* coverage: sparse tiles */
	uint64_t cov_full;	/* coverage: cycles cmd_valid met a full FIFO */
	uint64_t cov_wrap;	/* coverage: accumulators that wrapped int32 */
	uint64_t cov_sat;	/* coverage: outputs saturated by requantization */
	uint64_t cov_toggles;	/* coverage: acc_db toggles */
	uint64_t cov_bursts;	/* coverage: bursts of tiny tiles */
	uint32_t cov_flight;	/* coverage: most tiles in flight at once */
	uint64_t cov_lgap;	/* coverage: cycles a LAST step waited for the
				 * column buses (gap rule) */
	uint64_t cov_fgap;	/* coverage: cycles a FIRST step waited for the
				 * accumulators (no shadows) */
	uint64_t cov_fl_full;	/* coverage: cycles a LAST step waited for
				 * room in flight */
	uint64_t cov_overlap;	/* coverage: cycles a slice was read while a
				 * row was written back */
	uint64_t npy_rows;	/* --npy: rows equal to out.npy's and acc.npy's */
};

/* ---- shared between the harness's files ---- */

void sde_cosim_drive_cmd(struct sde_cosim *c, struct sde_pins *p);

void sde_cosim_gemm_free(struct gemm *g);

int sde_cosim_more_cmds(const struct sde_cosim *c);

int sde_cosim_next_cmd(struct sde_cosim *c);

int32_t sde_cosim_npy_at(const struct npy *t, uint64_t h, uint64_t r, uint64_t col);

int sde_cosim_npy_open(struct sde_cosim *c);

void sde_cosim_tile_free(struct tile *t);

#endif
