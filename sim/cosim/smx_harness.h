/*
 * smx_harness.h - the state of the softmax-unit harness (smx_cosim.c:
 * checks, options; smx_stim.c: tiles, random and --npy, their commands,
 * score beats and vector files; smx_fused.c: the fused scenarios), its
 * parameters and its tiles.
 * Private to the harness's files; the interface is smx_cosim.h.
 */
#ifndef SIM_COSIM_SMX_HARNESS_H
#define SIM_COSIM_SMX_HARNESS_H

#include "smx_cosim.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "fu.h"
#include "plan.h"
#include "smx.h"
#include "smx_ref.h"
#include "unit.h"
#include "lockstep.h"

_Static_assert(SMX_LANES >= 1 && SMX_EXP_LATENCY >= 1 && SMX_RECIP_LATENCY >= 1 &&
	       SMX_DIVIDERS >= 1 && SMX_DIV_LATENCY >= 1,
	       "rtl/smx.v needs LANES, EXP_LATENCY, RECIP_LATENCY, DIVIDERS, "
	       "DIV_LATENCY >= 1");
_Static_assert(SMX_N_MAX >= 1 && SMX_N_MAX <= 65536, "row length");

/* widths of the fused ports (rtl/smx.v) */
#define FUSED_RB (SMX_FUSED_ROWS > 1 ? lockstep_clog2(SMX_FUSED_ROWS) : 1)	/* d_row, f_row, cmd_r0 */
#define PORT_NB lockstep_clog2(SMX_N_MAX + 1)	/* d_col, d_n, f_col, f_k0, f_klen */
#define PORT_CB lockstep_clog2(SMX_LANES + 1)	/* d_cnt, f_cnt */
#define FUSED_BLOCK 16		/* most rows in a random drain block */
#define GAP_MAX 300		/* longest idle gap between commands */
#define PROG SMX_COSIM_PROG	/* first on every message */
#define RANDOM_ROWS 4		/* --max-rows default (capped at ROWS) */
#define RANDOM_N 40		/* --max-n default (capped at N_MAX) */

#ifndef STASIM_SRC_DIR
#define STASIM_SRC_DIR "."
#endif
/* --config default: the config the shipped slices are dumped with */
#define DEFAULT_CONFIG STASIM_SRC_DIR "/configs/sta-default.ini"

enum inject_port {
	INJ_OUT_P, INJ_ACTIVE, INJ_CMD_READY, INJ_RD_DONE, INJ_WB_DONE,
	INJ_P_DATA, INJ_P_VALID, INJ_DBG_S, INJ_N
};

/* What rtl/smx_online.v's debug ports show after a clock: its pass-1
 * accumulator and its divider, as the schedule drives them (smx_dbg.c). */
struct smx_dbg {
	struct smx_online_acc acc;	/* acc_b, acc_s: the row being read */
	uint64_t r;		/* smx_recip of the row the divider took */
	uint32_t done;		/* quotient bits found, 0 .. SMX_DBG_R_BITS */
};

/* One line of expect.txt (format in smx_cosim.h), the model's view. */
struct vec_line {
	struct lockstep_line l;	/* cycle, controller ports */
	uint8_t x_rd;		/* a score beat is due, per the schedule */
	uint32_t x_row, x_col;	/* which one */
	uint8_t out_valid;	/* a probability beat is due */
	uint32_t out_row, out_col;
	uint32_t out_p[SMX_WORDS(SMX_X_BITS)];	/* smx_row's probabilities */
	uint32_t dbg_b;		/* the debug ports (struct smx_dbg) */
	uint32_t dbg_s[SMX_WORDS(SMX_DBG_S_BITS)];
	uint32_t dbg_r;
};

/* One softmax tile: its command fields, scores and probabilities. A fused
 * tile has only its command fields (x, p, want, beat_cycle NULL). */
struct tile {
	struct smx_job job;	/* the model's view (first member: cmd.data
				 * points here) */
	int fused;		/* 1: a fused tile of score-buffer rows */
	uint32_t r0;		/* its first row in the --npy op or the score
				 * buffer (fused), else 0 */
	uint32_t rows, n;	/* rows, row length */
	uint32_t c;		/* beats a row: ceil(n / LANES) */
	uint32_t in_frac;	/* as sent, 0 .. 31 */
	uint32_t eps32;		/* ita_eps32 as sent */
	uint8_t flags;		/* cmd_flags */
	uint64_t kcycles;	/* smx_cycles */
	int8_t *x;		/* rows x n scores */
	uint8_t *p;		/* rows x n, written by the model */
	uint8_t *want;		/* rows x n, smx_row's probabilities */
	const uint8_t *dump;	/* rows x n of PREFIX.out.npy, or NULL */
	uint64_t *beat_cycle;	/* rows x c: cycle each beat was on out_p */
	uint32_t beats_seen;	/* probability beats received */
};

/* One tile of the scheduler's plan of the --npy op. */
struct npy_step {
	uint32_t r0, rows;	/* its rows of the op */
	uint64_t kcycles;	/* smx_cycles for the build's unit */
	uint8_t flags;		/* UNIT_* of the plan step */
};

/* One drain beat of a fused scenario (rtl/smx.v d_*). */
struct dbeat {
	uint32_t row;		/* score-buffer row */
	uint32_t col;		/* column of lane 0 */
	uint32_t cnt;		/* scores, 1 .. LANES */
	uint32_t junk;		/* 1: part of an aborted drain, random scores */
};

/* A block of score-buffer rows: a fused tile, or an A.V operand window of
 * rows r0 .. r0 + rows - 1 and columns k0 .. k0 + klen - 1. */
struct fwin {
	uint32_t r0, rows;
	uint32_t k0, klen;	/* window: its columns (a tile: 0, n) */
};

/* One command of a fused scenario, in issue order. */
struct fcmd {
	uint32_t tile;		/* index into ftiles, or UINT32_MAX: a normal tile */
	uint32_t wait;		/* fused: first cycle after its rows' last
				 * drain beat it may be presented on: 1 or
				 * RECIP_LATENCY + 2 */
};

/* Probes in flight: at most one row completes a cycle, each probed
 * RECIP_LATENCY + 1 cycles later. */
#define PROBE_LEN (SMX_RECIP_LATENCY + 2)

/* One fused scenario: rows drained, fused commands, fetches. */
struct fscen {
	uint32_t rows, n;	/* R rows of the score buffer, n scores each */
	uint32_t in_frac;	/* d_frac and f_frac, 0 .. 31 */
	int8_t *x;		/* rows x n scores */
	uint8_t *want;		/* rows x n: smx_row(SMX_ONLINE) of each row */
	uint64_t *last;		/* per row: cycle of its completing drain beat,
				 * UINT64_MAX before it */
	int dense;		/* 1: drain beats and fetches mostly back to back */
	int early;		/* 1: fetch a tile once its rows are ready, not
				 * after its wb_done */
	struct dbeat *beats;	/* the drain, in order */
	size_t n_beats, beat_next;	/* beats, next to drive */
	uint64_t beat_gap;	/* idle cycles before the next beat */
	struct fwin *ftiles;	/* the fused tiles, ascending r0 */
	uint32_t n_ftiles;
	uint32_t ftiles_written; /* of them, wb_done seen (in order) */
	struct fcmd *cmds;	/* every command, in issue order */
	size_t n_cmds, cmd_next;	/* commands, next to present */
	uint32_t fetch_tile;	/* next fused tile whose windows are not made */
	struct fwin *wins;	/* that tile's windows, fetched in order */
	size_t n_wins, cap_wins, win_next;
	int win_open;		/* 1: wins[win_next] is being fetched */
	uint32_t win_row, win_col;	/* its next fetch's lane 0 */
	uint64_t win_left;	/* its probabilities not fetched yet */
	uint64_t fetch_gap;	/* idle cycles before the next fetch */
	/* early scenarios: probes of rows on the first cycle their
	 * reciprocal is ready, a ring in due order */
	uint64_t probe_due[PROBE_LEN];	/* completing beat + RECIP_LATENCY + 1 */
	uint32_t probe_row[PROBE_LEN];
	uint32_t probe_head, probe_len;
};

/* A fetch in flight: its probabilities due on p_* at check cycle due. */
struct fetch_exp {
	uint64_t due;		/* fetch cycle + EXP_LATENCY */
	uint32_t cnt;		/* f_cnt */
	uint32_t row[SMX_LANES], col[SMX_LANES];	/* each lane's, for messages */
	uint8_t p[SMX_LANES];	/* smx_row's, lanes < cnt */
};
#define FQ_LEN (SMX_EXP_LATENCY + 1)	/* fetches in flight, at most */

/* The softmax op of --npy, as dumped by sim/func.c. */
struct npy_op {
	const char *prefix;	/* --npy */
	const char *config;	/* --config: what the dump was run with */
	uint32_t rows, n;	/* shape, every head stacked */
	uint32_t in_frac;	/* from the json's in_scale */
	uint32_t eps32;		/* the config's softmax.ita_eps32 */
	enum smx_algo dump_algo; /* the config's softmax.algorithm */
	int8_t *x;		/* rows x n scores (PREFIX.in.npy) */
	uint8_t *out;		/* rows x n probabilities (PREFIX.out.npy) */
	int compare;		/* 1: out.npy is of this run's algorithm */
	struct npy_step *steps;	/* the plan's tiles, in order */
	size_t n_steps;
	uint64_t rows_dump;	/* rows compared with out.npy */
};

struct smx_cosim {
	struct lockstep ls;	/* options, cycle, first failure */
	uint64_t n_tiles_max;	/* --tiles */
	int tiles_set;		/* 1: --tiles given */
	enum smx_algo algo;	/* --algo */
	int algo_set;		/* 1: --algo given */
	uint32_t rows_max;	/* --max-rows: random tiles */
	uint32_t n_max;		/* --max-n: random tiles */
	uint64_t max_cycles;	/* the hang bound: --max-cycles or ours */
	struct lockstep_vec vec;	/* --write-vectors: the files */
	struct npy_op npy;	/* --npy: the op, or prefix NULL */

	/* the C model and its ports */
	struct smx_params sp;	/* timing of the build's unit */
	uint32_t lat;		/* per-row latency of the schedule: R or
				 * ceil(V / D) (rtl/smx.v LAT) */
	uint64_t tile_max;	/* kcycles of the longest tile possible */
	struct lockstep_fu fu;	/* the controller model, its ports */
	struct smx_dbg dbg;	/* the debug ports' values after the clock */

	/* stimulus */
	struct lockstep_tiles tiles;	/* every tile created, in order */
	size_t wb_tile;		/* tile whose beats come next */
	struct smx_pins cmd;	/* the command pins presented */
	uint64_t beats_fed;	/* score beats presented on x_rd */
	uint64_t beats_checked;	/* probability beats compared */
	uint64_t rows_checked;	/* rows whose every probability was compared */
	uint64_t cov_rescale;	/* coverage: rescales (online: scores above the
				 * running max; ita: groups raising it) */
	uint64_t cov_sat;	/* coverage: probabilities of 255 */
	uint64_t cov_long;	/* coverage: windows where c > the latency */
	uint64_t cov_eps32;	/* coverage: rows with ita_eps32 set */
	uint64_t cov_loads;	/* coverage: reciprocals compared from their load */
	uint64_t cov_ties;	/* coverage: online rows rescaled on an exact half */

	/* --fused */
	uint64_t fused_n;	/* scenarios to run; 0: not fused */
	struct fscen *scen;	/* the scenario in progress, or NULL */
	uint64_t scen_made;	/* scenarios started */
	uint64_t scen_done;	/* scenarios finished */
	uint64_t scen_gap;	/* idle cycles before the next one */
	struct fetch_exp fq[FQ_LEN];	/* fetches in flight, a ring */
	uint32_t fq_head, fq_len;	/* its oldest entry, occupancy */
	uint64_t cov_dbeats;	/* coverage: drain beats */
	uint64_t cov_restarts;	/* coverage: aborted drains restarted at column 0 */
	uint64_t cov_fetches;	/* coverage: fetches */
	uint64_t cov_probs;	/* coverage: fetched probabilities compared */
	uint64_t cov_wraps;	/* coverage: fetches wrapping to the next row */
	uint64_t cov_at_ready;	/* coverage: fetches of a row on the first cycle
				 * its reciprocal is ready */
	uint64_t cov_tight;	/* coverage: fused commands presented on the
				 * cycle after their rows' last drain beat */
	uint64_t cov_ftiles;	/* coverage: fused tiles written */
	uint64_t cov_ntiles;	/* coverage: normal tiles among the fused */
};
_Static_assert(offsetof(struct smx_cosim, ls) == 0, "lockstep_new");

/* ---- shared between the harness's files ---- */

int smx_cosim_next_cmd(struct smx_cosim *c);

uint64_t smx_cosim_rescales(const struct smx_cosim *c, const struct smx_fmt *f,
			 const int8_t *x, uint32_t n);

void smx_cosim_row_scores(struct smx_cosim *c, int8_t *x, uint32_t n);

int smx_cosim_fused_cmd(struct smx_cosim *c);

int smx_cosim_fused_drive(struct smx_cosim *c, struct smx_pins *p);

void smx_cosim_scen_free(struct fscen *s);

int smx_cosim_mismatch(struct smx_cosim *c, const char *port, uint64_t expected,
		    uint64_t actual);

uint64_t smx_cosim_beat_step(const struct smx_cosim *c, const struct tile *t,
			  uint32_t row, uint32_t beat);

void smx_cosim_drive_cmd(struct smx_cosim *c, struct smx_pins *p);

int smx_cosim_feed(struct smx_cosim *c, struct smx_pins *p);

void smx_cosim_npy_free(struct npy_op *o);

int smx_cosim_npy_load(struct smx_cosim *c);

void smx_cosim_tile_free(void *tile);

int smx_cosim_vec_expect(struct smx_cosim *c, const struct ctl_ports *want);

void smx_cosim_dbg_clock(struct smx_cosim *c);

void smx_cosim_dbg_ports(const struct smx_cosim *c, uint32_t *b, uint32_t *s,
			 uint32_t *r);

int smx_cosim_dbg_check(struct smx_cosim *c, const struct smx_pins *p);

int smx_cosim_vec_open(struct smx_cosim *c);

void smx_cosim_vec_stim(struct smx_cosim *c, const struct smx_pins *p,
		     int64_t cycle);

#endif
