/*
 * smx_cosim.c - the C side of the softmax-unit co-simulation (see
 * smx_cosim.h).
 *
 * Stimulus, random (the default): a seeded stream of softmax tiles (rows
 * 1..--max-rows, row length n 1..--max-n, in_frac 0..31 with 16..31 read
 * as 15, ita_eps32 0 or 1, scores from several distributions: uniform,
 * narrow, ascending ramps that rescale on every score, the two int8 rails,
 * a low block then jumps, wide, constant), one command per tile with
 * kcycles =
 * smx_cycles(--algo) for the build's LANES, EXP_LATENCY, RECIP_LATENCY,
 * DIVIDERS and DIV_LATENCY, presented with random gaps on cmd_valid and
 * held until accepted: back-to-back commands meet a full FIFO (cmd_ready
 * low), the unit's back-pressure.
 *
 * Stimulus, real data (--npy PREFIX): the softmax op that `stasim run
 * --dump` wrote (PREFIX.in.npy scores, PREFIX.json scales, PREFIX.out.npy
 * probabilities; sim/func.c dump_vec), cut into the tiles sim/plan.c gives
 * the softmax unit under --config with the build's unit parameters (rows
 * per tile from the SRAM buffer halves, kcycles = smx_cycles): one command
 * per plan step, with the step's flags, and the same random gaps.
 *
 * The score feeder answers every x_rd of the RTL with the scores of the
 * tile the model is working on (random junk in lanes at or beyond n), and
 * the model (models/fu.c) computes the tile with smx_row when it finishes
 * it.
 *
 * Checked after every clock: cmd_ready, active, rd_done and wb_done (valid,
 * and flags + op when valid), and the probability beats: each tile's beats
 * arrive in order (row, beat), carry exactly smx_row's probabilities (0 in
 * lanes at or beyond n) and, with --npy, PREFIX.out.npy's when the dump
 * was made with this run's algorithm; on wb_done each arrival cycle is
 * checked against the schedule in rtl/smx.v's header, the last one on the
 * wb_done cycle itself.
 *
 * With --write-vectors DIR the run also writes its inputs and the expected
 * outputs, cycle by cycle, as plain text (format in smx_cosim.h), for
 * tests/icarus/tb_smx.v to replay on the RTL without the C side.
 *
 * Stimulus, fused (--fused N; online, FUSED_ROWS > 1): N scenarios, one
 * after the other. Each is R rows (1 .. FUSED_ROWS) of n scores (as random
 * tiles' rows) in one in_frac, drained into the score buffer as the engine
 * drains Q.K^T: blocks of rows, each block column tile by column tile (1 ..
 * 2 LANES columns, or the whole row), each row of a column tile in beats of
 * at most LANES scores (LANES at a time, or random counts), row after row
 * or beat-interleaved across the block's rows, with random idle gaps; now
 * and then a row is first drained part way with junk and restarted at
 * column 0. Fused commands (ascending r0, 1 .. ROWS rows, kcycles =
 * smx_fused_cycles) follow each tile's drain: presented from 1 cycle after
 * its rows' last drain beat, or from RECIP_LATENCY + 2 cycles after it;
 * normal random tiles go between them. Each fused tile's rows are then
 * fetched as A.V's operand windows (the tile's rows by K-chunks of 1 ..
 * n columns, plus now and then a random sub-window), f_cnt 1 .. LANES
 * probabilities a cycle, row-major with the wrap, from its wb_done or, in
 * "early" scenarios, from the first cycle its rows' reciprocals are ready
 * (last drain beat + RECIP_LATENCY + 1); early scenarios also probe half
 * their rows on exactly that cycle (1 .. LANES probabilities from a random
 * column, ahead of the window being fetched). Payload without d_valid, f_valid
 * or cmd_valid is random junk. Checked besides the controller and any
 * normal tile's beats: p_valid on every cycle, and for a fetch in cycle k,
 * on the check of cycle k + EXP_LATENCY (the edge that ends cycle
 * k + EXP_LATENCY - 1), p_data lane l = smx_row(online)'s probability of
 * the lane's row and column, 0 from lane f_cnt on. The next scenario
 * starts once this one's commands are written and fetches issued. The RTL
 * asserts what the harness does not see: a fetch of a row before its
 * reciprocal, a fused tile ending before its rows' reciprocals.
 *
 * Invariant: the model and the RTL see identical inputs in every cycle; the
 * harness decides acceptance from the model's registered cmd_ready, which
 * the previous check proved equal to the RTL's. A run is a pure function
 * of its options, which is what lets smx_main.cpp replay it for waves.
 */
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
#include "harness.h"

_Static_assert(SMX_LANES >= 1 && SMX_EXP_LATENCY >= 1 && SMX_RECIP_LATENCY >= 1 &&
	       SMX_DIVIDERS >= 1 && SMX_DIV_LATENCY >= 1,
	       "rtl/smx.v needs LANES, EXP_LATENCY, RECIP_LATENCY, DIVIDERS, "
	       "DIV_LATENCY >= 1");
_Static_assert(SMX_N_MAX >= 1 && SMX_N_MAX <= 65536, "row length");

#define DRAIN_IDLE 4		/* idle cycles checked after the last tile */
/* widths of the fused ports (rtl/smx.v) */
#define FUSED_RB (SMX_FUSED_ROWS > 1 ? harness_clog2(SMX_FUSED_ROWS) : 1)	/* d_row, f_row, cmd_r0 */
#define PORT_NB harness_clog2(SMX_N_MAX + 1)	/* d_col, d_n, f_col, f_k0, f_klen */
#define PORT_CB harness_clog2(SMX_LANES + 1)	/* d_cnt, f_cnt */
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
	INJ_P_DATA, INJ_P_VALID, INJ_N
};
static const char *const inject_names[INJ_N] = {
	"out_p", "active", "cmd_ready", "rd_done", "wb_done", "p_data", "p_valid"
};

/* One line of expect.txt (format in smx_cosim.h), the model's view. */
struct vec_line {
	uint64_t cycle;		/* the harness's cycle */
	struct fu_out o;	/* cmd_ready, active, rd_done, wb_done */
	uint8_t x_rd;		/* a score beat is due, per the schedule */
	uint32_t x_row, x_col;	/* which one */
	uint8_t out_valid;	/* a probability beat is due */
	uint32_t out_row, out_col;
	uint32_t out_p[SMX_WORDS(SMX_X_BITS)];	/* smx_row's probabilities */
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
	/* options */
	uint64_t seed;		/* --seed */
	uint64_t n_tiles_max;	/* --tiles */
	int tiles_set;		/* 1: --tiles given */
	enum smx_algo algo;	/* --algo */
	int algo_set;		/* 1: --algo given */
	uint32_t rows_max;	/* --max-rows: random tiles */
	uint32_t n_max;		/* --max-n: random tiles */
	uint64_t max_cycles;	/* --max-cycles: give up (a hang) */
	uint64_t inject_cycle;	/* --inject-flip: first cycle to flip at */
	int inject;		/* 1: a flip is armed */
	int injected;		/* 1: the flip was done */
	enum inject_port inject_port;	/* --inject-port */
	struct harness_vcd vcd;	/* --vcd, --vcd-window */
	int replay;		/* 1: a silent rerun for waves */
	const char *vec_dir;	/* --write-vectors DIR or NULL */
	FILE *vec_stim;		/* DIR/stim.txt, or NULL */
	FILE *vec_expect;	/* DIR/expect.txt, or NULL */
	struct vec_line *vec;	/* expect lines not yet written, a ring
				 * indexed by cycle % vec_lag */
	uint64_t vec_lag;	/* its size: the longest tile, in cycles */
	uint64_t vec_first;	/* cycle of the oldest line in vec */
	uint64_t vec_next;	/* cycle of the next line to record */
	struct npy_op npy;	/* --npy: the op, or prefix NULL */

	/* the C model and its ports */
	struct smx_params sp;	/* timing of the build's unit */
	uint32_t lat;		/* per-row latency of the schedule: R or
				 * ceil(V / D) (rtl/smx.v LAT) */
	uint64_t tile_max;	/* kcycles of the longest tile possible */
	struct fu u;		/* the controller model */
	struct unit_cmd in;	/* its command input */
	uint32_t want_op;	/* its want_op input: no stall attribution */

	/* stimulus */
	uint64_t rng;		/* xorshift64* state */
	uint64_t cycle;		/* clocks since reset */
	uint64_t gap;		/* idle cycles before the next cmd_valid */
	struct tile **tiles;	/* every tile created, in order */
	size_t n_tiles, cap_tiles;
	size_t wb_tile;		/* tile whose beats come next */
	struct smx_pins cmd;	/* the command pins presented */
	uint64_t beats_fed;	/* score beats presented on x_rd */
	uint64_t beats_checked;	/* probability beats compared */
	uint64_t rows_checked;	/* rows whose every probability was compared */
	uint64_t idle_tail;	/* idle cycles compared after the last tile */
	uint64_t cov_full;	/* coverage: cycles cmd_valid met a full FIFO */
	uint64_t cov_rescale;	/* coverage: rescales (online: scores above the
				 * running max; ita: groups raising it) */
	uint64_t cov_sat;	/* coverage: probabilities of 255 */
	uint64_t cov_long;	/* coverage: windows where c > the latency */
	uint64_t cov_eps32;	/* coverage: rows with ita_eps32 set */
	int64_t fail_cycle;	/* first mismatch, or -1 */
	uint64_t mismatches;	/* outputs that differed (the run stops at 1) */
	int failed;		/* 1: a mismatch was reported */
	int done;		/* 1: nothing left to compare */

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

/* ---- bit fields of the lane ports ---- */

/* ---- reporting ---- */

/* Record the first failure; a replay keeps going so that the waves run on
 * past it. */
static int mismatch(struct smx_cosim *c, const char *port, uint64_t expected,
		    uint64_t actual)
{
	if (c->fail_cycle < 0)
		c->fail_cycle = (int64_t)c->cycle;
	c->failed = 1;
	c->mismatches++;
	if (c->replay)
		return 1;
	harness_mismatch(0, PROG, c->cycle, port, expected, actual, c->seed,
			 c->injected);
	c->done = 1;
	return 1;
}

/* ---- tiles ---- */

static void tile_free(struct tile *t)
{
	if (!t)
		return;
	free(t->x);
	free(t->p);
	free(t->want);
	free(t->beat_cycle);
	free(t);
}

/* A tile of rows x n with its buffers; the caller fills x and the format. */
static struct tile *tile_alloc(struct smx_cosim *c, uint32_t rows, uint32_t n)
{
	struct tile *t = calloc(1, sizeof *t);

	if (!t)
		return NULL;
	t->rows = rows;
	t->n = n;
	t->c = (n + SMX_LANES - 1) / SMX_LANES;
	t->kcycles = smx_cycles(&c->sp, rows, n);
	t->x = malloc((size_t)rows * n);
	t->p = malloc((size_t)rows * n);
	t->want = malloc((size_t)rows * n);
	t->beat_cycle = calloc((size_t)rows * t->c, sizeof *t->beat_cycle);
	if (!t->x || !t->p || !t->want || !t->beat_cycle) {
		tile_free(t);
		return NULL;
	}
	smx_job_init(&t->job);
	t->job.algo = c->algo;
	t->job.x = t->x;
	t->job.p = t->p;
	t->job.n = n;
	memset(t->p, 0x55, (size_t)rows * n);
	return t;
}

/* Random scores of one row, from one of several distributions. */
static void row_scores(struct smx_cosim *c, int8_t *x, uint32_t n)
{
	uint32_t i, kind = (uint32_t)harness_range(&c->rng, 0, 6);
	int32_t lo = (int32_t)harness_range(&c->rng, 0, 255) - 128, hi = lo, v;

	if (kind == 1)		/* narrow: many terms of similar size */
		hi = lo + (int32_t)harness_range(&c->rng, 0, 12);
	else if (kind == 5)	/* wide */
		hi = lo + (int32_t)harness_range(&c->rng, 0, 255);
	hi = hi > 127 ? 127 : hi;
	for (i = 0; i < n; i++) {
		switch (kind) {
		case 2:		/* ascending ramp: a rescale on every score */
			v = -128 + (int32_t)(i * harness_range(&c->rng, 1, 6));
			x[i] = (int8_t)(v > 127 ? 127 : v);
			break;
		case 3:		/* the rails */
			x[i] = (int8_t)(harness_rnd(&c->rng) & 1 ? 127 : -128);
			break;
		case 4:		/* low block, then jumps */
			x[i] = (int8_t)(i < n / 2 ? harness_range(&c->rng, 0, 40) - 128 :
					harness_range(&c->rng, 0, 255) - 128);
			break;
		case 0:
			x[i] = (int8_t)(harness_range(&c->rng, 0, 255) - 128);
			break;
		case 6:		/* constant: every score a maximum (ita:
				 * 2048 of them saturate the denominator) */
			x[i] = (int8_t)lo;
			break;
		default:
			x[i] = (int8_t)(lo + (int32_t)harness_range(&c->rng, 0, (uint64_t)(hi - lo)));
			break;
		}
	}
}

/* Coverage of one row: the rescales its algorithm does. */
static uint64_t rescales(const struct smx_cosim *c, const struct smx_fmt *f,
			 const int8_t *x, uint32_t n)
{
	uint32_t i, g, u, m = 0, gm;
	uint64_t k = 0;
	int32_t b = x[0];

	if (c->algo != SMX_ITA) {
		for (i = 1; i < n; i++) {
			k += x[i] > b;
			b = x[i] > b ? x[i] : b;
		}
		return k;
	}
	for (g = 0; g < n; g += SMX_ITA_GROUP) {
		for (gm = 0, i = g; i < n && i < g + SMX_ITA_GROUP; i++) {
			u = smx_ita_base2(x[i], f);
			gm = u > gm ? u : gm;
		}
		k += g > 0 && gm > m;
		m = g == 0 || gm > m ? gm : m;
	}
	return k;
}

/* smx_row's probabilities of every row of t (the expected values), and
 * the coverage counters. */
static void tile_expect(struct smx_cosim *c, struct tile *t)
{
	uint32_t r, i;

	t->job.fmt = (struct smx_fmt){ .in_frac = t->in_frac,
				       .ita_eps32 = t->eps32 };
	for (r = 0; r < t->rows; r++) {
		const int8_t *x = t->x + (size_t)r * t->n;
		uint8_t *w = t->want + (size_t)r * t->n;

		smx_row(c->algo, &t->job.fmt, x, t->n, w);
		c->cov_rescale += rescales(c, &t->job.fmt, x, t->n);
		for (i = 0; i < t->n; i++)
			c->cov_sat += w[i] == 255;
		c->cov_long += r + 1 < t->rows && t->c > c->lat;
		c->cov_eps32 += t->eps32;
	}
}

static struct tile *tile_random(struct smx_cosim *c)
{
	uint32_t rows = (uint32_t)harness_range(&c->rng, 1, c->rows_max), r;
	uint32_t n = (uint32_t)(harness_chance(&c->rng, 10) ? (harness_chance(&c->rng, 50) ? 1 : c->n_max) :
				harness_range(&c->rng, 1, c->n_max));
	struct tile *t = tile_alloc(c, rows, n);

	if (!t)
		return NULL;
	t->in_frac = (uint32_t)(harness_chance(&c->rng, 80) ? harness_range(&c->rng, 0, 7) :
				harness_chance(&c->rng, 70) ? harness_range(&c->rng, 8, 15) : harness_range(&c->rng, 16, 31));
	t->eps32 = (uint32_t)(harness_rnd(&c->rng) & 1);
	t->flags = (uint8_t)(harness_rnd(&c->rng) & 0x1f);
	for (r = 0; r < t->rows; r++)
		row_scores(c, t->x + (size_t)r * t->n, t->n);
	tile_expect(c, t);
	return t;
}

/* The next tile of the --npy op's plan. */
static struct tile *tile_npy(struct smx_cosim *c)
{
	const struct npy_op *o = &c->npy;
	const struct npy_step *s = &o->steps[c->n_tiles];
	struct tile *t = tile_alloc(c, s->rows, o->n);

	if (!t)
		return NULL;
	t->r0 = s->r0;
	t->in_frac = o->in_frac;
	t->eps32 = o->eps32;
	t->flags = s->flags;
	if (t->kcycles != s->kcycles) {
		harness_say(0, PROG, "internal: plan step of %" PRIu64
			" cycles, smx_cycles %" PRIu64, s->kcycles, t->kcycles);
		tile_free(t);
		return NULL;
	}
	memcpy(t->x, o->x + (size_t)s->r0 * o->n, (size_t)s->rows * o->n);
	t->dump = o->compare ? o->out + (size_t)s->r0 * o->n : NULL;
	tile_expect(c, t);
	return t;
}

/*
 * Cycle of probability beat (row, beat) relative to the tile's first busy
 * cycle, from rtl/smx.v's schedule: P1(0) c, then per row a window of
 * max(L, c) (L for the last row) and P2 c, then E; the beat leaves E
 * cycles after its read.
 */
static uint64_t beat_step(const struct smx_cosim *c, const struct tile *t,
			  uint32_t row, uint32_t beat)
{
	uint64_t s = t->c, l = c->lat;
	uint32_t j;

	for (j = 0; j <= row; j++)
		s += (j + 1 < t->rows && t->c > l ? t->c : l) + (j < row ? t->c : 0);
	return s + beat + SMX_EXP_LATENCY;
}

/* ---- stimulus ---- */

/* Room for one more tile; -1 when out of memory. */
static int tiles_grow(struct smx_cosim *c)
{
	size_t cap = c->cap_tiles ? 2 * c->cap_tiles : 64;
	struct tile **nt;

	if (c->n_tiles < c->cap_tiles)
		return 0;
	nt = realloc(c->tiles, cap * sizeof *nt);
	if (!nt)
		return -1;
	c->tiles = nt;
	c->cap_tiles = cap;
	return 0;
}

/* Present the next tile's command; returns -1 when out of memory. */
static int next_cmd(struct smx_cosim *c)
{
	struct tile *t;
	struct smx_pins *p = &c->cmd;

	if (tiles_grow(c))
		return -1;
	t = c->npy.prefix ? tile_npy(c) : tile_random(c);
	if (!t)
		return -1;
	c->tiles[c->n_tiles] = t;
	/* r0 = 0: each tile's job holds its own rows (the RTL has no r0) */
	c->in = (struct unit_cmd){
		.valid = 1, .flags = t->flags, .op = (uint32_t)c->n_tiles,
		.rows = t->rows, .cols = t->n, .kcycles = t->kcycles,
		.r0 = 0, .c0 = 0, .data = &t->job,
	};
	c->n_tiles++;
	p->cmd_valid = 1;
	p->cmd_flags = t->flags;
	p->cmd_op = c->in.op;
	p->cmd_rows = t->rows;
	p->cmd_cols = t->n;
	p->cmd_kcycles = (uint32_t)t->kcycles;
	p->cmd_in_frac = t->in_frac;
	p->cmd_ita_eps32 = (uint8_t)t->eps32;
	p->cmd_fused = 0;
	/* fused runs: a normal tile's r0 is junk the RTL must ignore */
	p->cmd_r0 = c->fused_n ? harness_noise(&c->rng, FUSED_RB) : 0;
	c->cov_ntiles += c->fused_n != 0;
	return 0;
}

/* The command pins: the presented command, or random payload without
 * cmd_valid (the RTL must ignore it; cmd_fused and cmd_r0 only in fused
 * runs, so that the others keep their stimulus). */
static void drive_cmd(struct smx_cosim *c, struct smx_pins *p)
{
	const struct smx_pins *q = &c->cmd;

	p->cmd_valid = c->in.valid;
	if (!c->in.valid) {
		p->cmd_flags = (uint8_t)harness_noise(&c->rng, 5);
		p->cmd_op = harness_noise(&c->rng, 32);
		p->cmd_rows = harness_noise(&c->rng, harness_clog2(SMX_ROWS + 1));
		p->cmd_cols = harness_noise(&c->rng, harness_clog2(SMX_N_MAX + 1));
		p->cmd_kcycles = harness_noise(&c->rng, SMX_KC_BITS);
		p->cmd_in_frac = harness_noise(&c->rng, 5);
		p->cmd_ita_eps32 = (uint8_t)harness_noise(&c->rng, 1);
		if (c->fused_n) {
			p->cmd_fused = (uint8_t)harness_noise(&c->rng, 1);
			p->cmd_r0 = harness_noise(&c->rng, FUSED_RB);
		}
		return;
	}
	p->cmd_fused = q->cmd_fused;
	p->cmd_r0 = q->cmd_r0;
	p->cmd_flags = q->cmd_flags;
	p->cmd_op = q->cmd_op;
	p->cmd_rows = q->cmd_rows;
	p->cmd_cols = q->cmd_cols;
	p->cmd_kcycles = q->cmd_kcycles;
	p->cmd_in_frac = q->cmd_in_frac;
	p->cmd_ita_eps32 = q->cmd_ita_eps32;
}

/* The score beat the RTL asked for on x_rd, from the model's tile. */
static int feed(struct smx_cosim *c, struct smx_pins *p)
{
	const struct tile *t = c->u.cur.data;
	uint32_t l, i;

	harness_garbage(&c->rng, p->x_data, SMX_X_BITS);
	if (!t)
		return mismatch(c, "x_rd (no tile in progress)", 0, 1);
	if (t->fused)
		return mismatch(c, "x_rd (a fused tile reads no scores)", 0, 1);
	if (p->x_row >= t->rows)
		return mismatch(c, "x_row (beyond the tile)", t->rows - 1, p->x_row);
	if (p->x_col >= t->c)
		return mismatch(c, "x_col (beyond the row)", t->c - 1, p->x_col);
	for (l = 0; l < SMX_LANES; l++) {
		i = p->x_col * SMX_LANES + l;
		if (i < t->n)
			harness_put_bits(p->x_data, l * 8, 8,
				 (uint8_t)t->x[(size_t)p->x_row * t->n + i]);
	}
	c->beats_fed++;
	return 0;
}

/* ---- fused scenarios (--fused) ---- */

static void scen_free(struct fscen *s)
{
	if (!s)
		return;
	free(s->x);
	free(s->want);
	free(s->last);
	free(s->beats);
	free(s->ftiles);
	free(s->cmds);
	free(s->wins);
	free(s);
}

/* A fused tile's command-side record: no scores, no beats; its job does
 * nothing when the model finishes it (the rows were drained, the
 * probabilities leave on fetches). */
static void fused_run(const struct fu_job *job, uint32_t r0, uint32_t rows)
{
	(void)job;
	(void)r0;
	(void)rows;
}

/* Append beat (row, col, cnt) to the scenario's drain. */
static void drain_push(struct fscen *s, uint32_t row, uint32_t col,
		       uint32_t cnt, uint32_t junk)
{
	s->beats[s->n_beats++] = (struct dbeat){ row, col, cnt, junk };
}

/* Now and then (when n > 1) an aborted drain of row r before its real
 * one: junk scores of columns 0 .. cut - 1, cut < n, restarted at 0. */
static void drain_abort(struct smx_cosim *c, struct fscen *s, uint32_t r)
{
	uint32_t cut, col, cnt;

	if (s->n < 2 || !harness_chance(&c->rng, 5))
		return;
	cut = (uint32_t)harness_range(&c->rng, 1, s->n - 1);
	for (col = 0; col < cut; col += cnt) {
		cnt = (uint32_t)harness_range(&c->rng, 1, SMX_LANES);
		cnt = cnt < cut - col ? cnt : cut - col;
		drain_push(s, r, col, cnt, 1);
	}
}

/*
 * The drain of the scenario, as the engine drains Q.K^T: blocks of rows;
 * each block column tile by column tile (width cw); each row of a column
 * tile in beats of at most LANES scores, either row after row (LANES at a
 * time, or random counts) or beat-interleaved across the block's rows.
 * At most 2 n beats a row, aborted drains included.
 */
static void drain_plan(struct smx_cosim *c, struct fscen *s)
{
	uint32_t bmax = harness_chance(&c->rng, 30) ? s->rows :
			(uint32_t)harness_range(&c->rng, 1, s->rows < FUSED_BLOCK ?
						s->rows : FUSED_BLOCK);
	uint32_t cw = harness_chance(&c->rng, 20) ? s->n :
		      (uint32_t)harness_range(&c->rng, 1, 2 * SMX_LANES);
	int inter = harness_chance(&c->rng, 40), split = harness_chance(&c->rng, 30);
	uint32_t b0, bs, c0, c1, r, j, col, cnt, nb;

	for (b0 = 0; b0 < s->rows; b0 += bs) {
		bs = (uint32_t)harness_range(&c->rng, 1, bmax);
		bs = bs < s->rows - b0 ? bs : s->rows - b0;
		for (c0 = 0; c0 < s->n; c0 += cw) {
			c1 = c0 + cw < s->n ? c0 + cw : s->n;
			nb = (c1 - c0 + SMX_LANES - 1) / SMX_LANES;
			for (j = 0; inter && j < nb; j++)
				for (r = b0; r < b0 + bs; r++) {
					if (c0 == 0 && j == 0)
						drain_abort(c, s, r);
					col = c0 + j * SMX_LANES;
					drain_push(s, r, col, c1 - col < SMX_LANES ?
						   c1 - col : SMX_LANES, 0);
				}
			for (r = b0; !inter && r < b0 + bs; r++) {
				if (c0 == 0)
					drain_abort(c, s, r);
				for (col = c0; col < c1; col += cnt) {
					cnt = split ? (uint32_t)harness_range(&c->rng, 1, SMX_LANES) :
						      SMX_LANES;
					cnt = cnt < c1 - col ? cnt : c1 - col;
					drain_push(s, r, col, cnt, 0);
				}
			}
		}
	}
}

/* The scenario's commands: fused tiles of 1 .. min(ROWS, cap) rows
 * covering rows 0 .. R - 1 in ascending r0, with 0 .. 2 normal tiles among
 * them; -1 when out of memory. */
static int cmd_plan(struct smx_cosim *c, struct fscen *s)
{
	static const uint32_t caps[] = { 1, 4, 16, SMX_FUSED_ROWS };
	uint32_t cap = caps[harness_range(&c->rng, 0, 3)], r0, rows, normals, k;

	cap = cap < SMX_ROWS ? cap : SMX_ROWS;
	s->ftiles = malloc(s->rows * sizeof *s->ftiles);
	normals = (uint32_t)harness_range(&c->rng, 0, 2);
	s->cmds = malloc((s->rows + normals) * sizeof *s->cmds);
	if (!s->ftiles || !s->cmds)
		return -1;
	for (r0 = 0; r0 < s->rows; r0 += rows) {
		rows = (uint32_t)harness_range(&c->rng, 1, cap);
		rows = rows < s->rows - r0 ? rows : s->rows - r0;
		s->ftiles[s->n_ftiles++] = (struct fwin){ r0, rows, 0, s->n };
	}
	for (k = 0; k < s->n_ftiles || normals; ) {
		if (normals && harness_range(&c->rng, 0, s->n_ftiles - k + normals - 1) <
			       normals) {
			s->cmds[s->n_cmds++] = (struct fcmd){ UINT32_MAX, 0 };
			normals--;
			continue;
		}
		s->cmds[s->n_cmds++] = (struct fcmd){
			k++, harness_chance(&c->rng, 50) ? 1 : SMX_RECIP_LATENCY + 2 };
	}
	return 0;
}

/* A new random scenario into c->scen; -1 when out of memory. */
static int scen_new(struct smx_cosim *c)
{
	struct fscen *s = calloc(1, sizeof *s);
	struct smx_fmt f;
	uint32_t r, i;

	if (!s)
		return -1;
	c->scen = s;
	c->scen_made++;
	s->rows = (uint32_t)(harness_chance(&c->rng, 20) ? SMX_FUSED_ROWS :
			     harness_range(&c->rng, 1, SMX_FUSED_ROWS));
	s->n = (uint32_t)(harness_chance(&c->rng, 10) ? (harness_chance(&c->rng, 50) ? 1 : c->n_max) :
			  harness_range(&c->rng, 1, c->n_max));
	s->in_frac = (uint32_t)(harness_chance(&c->rng, 80) ? harness_range(&c->rng, 0, 7) :
				harness_chance(&c->rng, 70) ? harness_range(&c->rng, 8, 15) :
				harness_range(&c->rng, 16, 31));
	s->dense = harness_chance(&c->rng, 50);
	s->early = harness_chance(&c->rng, 30);
	s->x = malloc((size_t)s->rows * s->n);
	s->want = malloc((size_t)s->rows * s->n);
	s->last = malloc(s->rows * sizeof *s->last);
	s->beats = malloc(2 * (size_t)s->rows * s->n * sizeof *s->beats);
	if (!s->x || !s->want || !s->last || !s->beats || cmd_plan(c, s))
		return -1;
	f = (struct smx_fmt){ .in_frac = s->in_frac };
	for (r = 0; r < s->rows; r++) {
		int8_t *x = s->x + (size_t)r * s->n;
		uint8_t *w = s->want + (size_t)r * s->n;

		row_scores(c, x, s->n);
		smx_row(SMX_ONLINE, &f, x, s->n, w);
		c->cov_rescale += rescales(c, &f, x, s->n);
		for (i = 0; i < s->n; i++)
			c->cov_sat += w[i] == 255;
		s->last[r] = UINT64_MAX;
	}
	drain_plan(c, s);
	return 0;
}

/* 1 when every row of tile t was drained and the cycle is at least
 * `after` cycles past the last of their completing beats. */
static int rows_past(const struct smx_cosim *c, const struct fscen *s,
		     const struct fwin *t, uint64_t after)
{
	uint64_t m = 0;
	uint32_t r;

	for (r = t->r0; r < t->r0 + t->rows; r++) {
		if (s->last[r] == UINT64_MAX)
			return 0;
		m = s->last[r] > m ? s->last[r] : m;
	}
	return c->cycle >= m + after;
}

/* Present the scenario's next command when it may go; -1 when out of
 * memory. A normal tile goes at once, a fused tile once its rows' drain
 * allows it (fcmd.wait). */
static int fused_cmd(struct smx_cosim *c)
{
	struct fscen *s = c->scen;
	const struct fcmd *fc;
	const struct fwin *ft;
	struct smx_pins *p = &c->cmd;
	struct tile *t;

	if (!s || s->cmd_next == s->n_cmds)
		return 0;
	fc = &s->cmds[s->cmd_next];
	if (fc->tile == UINT32_MAX) {
		s->cmd_next++;
		return next_cmd(c);
	}
	ft = &s->ftiles[fc->tile];
	if (!rows_past(c, s, ft, fc->wait))
		return 0;
	c->cov_tight += fc->wait == 1 && !rows_past(c, s, ft, 2);
	if (tiles_grow(c) || !(t = calloc(1, sizeof *t)))
		return -1;
	s->cmd_next++;
	t->fused = 1;
	t->r0 = ft->r0;
	t->rows = ft->rows;
	t->n = s->n;
	t->c = (s->n + SMX_LANES - 1) / SMX_LANES;
	t->in_frac = s->in_frac;
	t->eps32 = (uint32_t)(harness_rnd(&c->rng) & 1);
	t->flags = (uint8_t)(harness_rnd(&c->rng) & 0x1f);
	t->kcycles = smx_fused_cycles(&c->sp, t->rows, t->n);
	smx_job_init(&t->job);
	t->job.base.run = fused_run;
	c->tiles[c->n_tiles] = t;
	c->in = (struct unit_cmd){
		.valid = 1, .flags = t->flags, .op = (uint32_t)c->n_tiles,
		.rows = t->rows, .cols = t->n, .kcycles = t->kcycles,
		.r0 = t->r0, .c0 = 0, .data = &t->job,
	};
	c->n_tiles++;
	*p = (struct smx_pins){
		.cmd_valid = 1, .cmd_flags = t->flags, .cmd_op = c->in.op,
		.cmd_rows = t->rows, .cmd_cols = t->n,
		.cmd_kcycles = (uint32_t)t->kcycles, .cmd_in_frac = t->in_frac,
		.cmd_ita_eps32 = (uint8_t)t->eps32, .cmd_fused = 1,
		.cmd_r0 = t->r0,
	};
	return 0;
}

/* Idle cycles before the next drain beat or fetch. */
static uint64_t fused_gap(struct smx_cosim *c, const struct fscen *s)
{
	if (s->dense)
		return harness_chance(&c->rng, 90) ? 0 : harness_range(&c->rng, 1, 3);
	return harness_gap(&c->rng, 40);
}

/* This cycle's drain beat, if one is due, on d_*; junk payload otherwise. */
static void fused_drain(struct smx_cosim *c, struct smx_pins *p)
{
	struct fscen *s = c->scen;
	const struct dbeat *b;
	uint32_t l, k;

	p->d_valid = 0;
	harness_garbage(&c->rng, p->d_data, SMX_X_BITS);
	if (s && s->beat_next < s->n_beats && s->beat_gap)
		s->beat_gap--;
	else if (s && s->beat_next < s->n_beats) {
		b = &s->beats[s->beat_next++];
		p->d_valid = 1;
		p->d_row = b->row;
		p->d_col = b->col;
		p->d_cnt = b->cnt;
		p->d_n = s->n;
		p->d_frac = s->in_frac;
		for (l = 0; !b->junk && l < b->cnt; l++)
			harness_put_bits(p->d_data, l * 8, 8,
				 (uint8_t)s->x[(size_t)b->row * s->n + b->col + l]);
		if (!b->junk && b->col + b->cnt == s->n) {
			s->last[b->row] = c->cycle;
			if (s->early && harness_chance(&c->rng, 50)) {
				k = (s->probe_head + s->probe_len++) % PROBE_LEN;
				s->probe_due[k] = c->cycle + SMX_RECIP_LATENCY + 1;
				s->probe_row[k] = b->row;
			}
		}
		c->cov_restarts += !b->junk && b->col == 0 && s->beat_next >= 2 &&
				   s->beats[s->beat_next - 2].junk &&
				   s->beats[s->beat_next - 2].row == b->row;
		c->cov_dbeats++;
		s->beat_gap = fused_gap(c, s);
		return;
	}
	p->d_row = harness_noise(&c->rng, FUSED_RB);
	p->d_col = harness_noise(&c->rng, PORT_NB);
	p->d_cnt = harness_noise(&c->rng, PORT_CB);
	p->d_n = harness_noise(&c->rng, PORT_NB);
	p->d_frac = harness_noise(&c->rng, 5);
}

/* Append a window; -1 when out of memory. */
static int win_push(struct fscen *s, uint32_t r0, uint32_t rows, uint32_t k0,
		    uint32_t klen)
{
	if (s->n_wins == s->cap_wins) {
		size_t cap = s->cap_wins ? 2 * s->cap_wins : 16;
		struct fwin *nw = realloc(s->wins, cap * sizeof *nw);

		if (!nw)
			return -1;
		s->wins = nw;
		s->cap_wins = cap;
	}
	s->wins[s->n_wins++] = (struct fwin){ r0, rows, k0, klen };
	return 0;
}

/* A.V's operand windows of fused tile t: its rows by K-chunks of kw
 * columns (every probability of the tile), now and then a random
 * sub-window after them; -1 when out of memory. */
static int win_plan(struct smx_cosim *c, struct fscen *s, const struct fwin *t)
{
	uint64_t kind = harness_range(&c->rng, 0, 9);
	uint32_t kw = kind < 4 ? (uint32_t)harness_range(&c->rng, 1, 2 * SMX_LANES) :
		      kind < 7 ? s->n : (uint32_t)harness_range(&c->rng, 1, s->n);
	uint32_t k0, a, b;

	s->n_wins = s->win_next = 0;
	for (k0 = 0; k0 < s->n; k0 += kw)
		if (win_push(s, t->r0, t->rows, k0, kw < s->n - k0 ? kw : s->n - k0))
			return -1;
	if (!harness_chance(&c->rng, 30))
		return 0;
	a = (uint32_t)harness_range(&c->rng, t->r0, t->r0 + t->rows - 1);
	b = (uint32_t)harness_range(&c->rng, a, t->r0 + t->rows - 1);
	k0 = (uint32_t)harness_range(&c->rng, 0, s->n - 1);
	return win_push(s, a, b - a + 1, k0,
			(uint32_t)harness_range(&c->rng, 1, s->n - k0));
}

/* 1 when fused tile g's rows may be fetched this cycle. */
static int fetch_ready(const struct smx_cosim *c, const struct fscen *s,
		       uint32_t g)
{
	if (s->early)
		return rows_past(c, s, &s->ftiles[g], SMX_RECIP_LATENCY + 1);
	return g < s->ftiles_written;
}

/* Fetch cnt probabilities of window w from (*row, *col) on f_*, their
 * expected values into the ring, and step (*row, *col) past them;
 * -1 after a message when the ring is full (an internal error). */
static int fetch_issue(struct smx_cosim *c, struct smx_pins *p,
		       const struct fwin *w, uint32_t *row, uint32_t *col,
		       uint32_t cnt)
{
	const struct fscen *s = c->scen;
	struct fetch_exp *e;
	uint32_t l;
	int at_ready = 0;

	if (c->fq_len == FQ_LEN) {
		harness_say(0, PROG, "internal: %d fetches in flight", FQ_LEN);
		return -1;
	}
	p->f_valid = 1;
	p->f_row = *row;
	p->f_col = *col;
	p->f_k0 = w->k0;
	p->f_klen = w->klen;
	p->f_cnt = cnt;
	p->f_frac = s->in_frac;
	e = &c->fq[(c->fq_head + c->fq_len++) % FQ_LEN];
	memset(e, 0, sizeof *e);
	e->due = c->cycle + SMX_EXP_LATENCY;
	e->cnt = cnt;
	for (l = 0; l < cnt; l++) {
		e->row[l] = *row;
		e->col[l] = *col;
		e->p[l] = s->want[(size_t)*row * s->n + *col];
		at_ready |= s->last[*row] + SMX_RECIP_LATENCY + 1 == c->cycle;
		if (*col + 1 == w->k0 + w->klen) {
			c->cov_wraps += l + 1 < cnt;
			++*row;
			*col = w->k0;
		} else {
			++*col;
		}
	}
	c->cov_at_ready += at_ready;
	c->cov_fetches++;
	return 0;
}

/* A probe of row r, due on the first cycle its reciprocal is ready: 1 ..
 * LANES probabilities from a random column, not past the row's end. */
static int fetch_probe(struct smx_cosim *c, struct smx_pins *p, uint32_t r)
{
	const struct fscen *s = c->scen;
	const struct fwin w = { r, 1, 0, s->n };
	uint32_t col = (uint32_t)harness_range(&c->rng, 0, s->n - 1);
	uint32_t cnt = (uint32_t)harness_range(&c->rng, 1, SMX_LANES);

	return fetch_issue(c, p, &w, &r, &col, cnt < s->n - col ? cnt : s->n - col);
}

/* This cycle's fetch, if one is due, on f_* (junk payload otherwise): a
 * probe when one is due this cycle (early scenarios), else the next of the
 * open window; -1 when out of memory. */
static int fused_fetch(struct smx_cosim *c, struct smx_pins *p)
{
	struct fscen *s = c->scen;
	const struct fwin *w;
	uint32_t cnt;

	p->f_valid = 0;
	if (s && !s->win_open && s->win_next == s->n_wins &&
	    s->fetch_tile < s->n_ftiles && fetch_ready(c, s, s->fetch_tile) &&
	    win_plan(c, s, &s->ftiles[s->fetch_tile++]))
		return -1;
	if (s && !s->win_open && s->win_next < s->n_wins) {
		w = &s->wins[s->win_next];
		s->win_open = 1;
		s->win_row = w->r0;
		s->win_col = w->k0;
		s->win_left = (uint64_t)w->rows * w->klen;
	}
	if (s && s->probe_len && s->probe_due[s->probe_head] == c->cycle) {
		cnt = s->probe_row[s->probe_head];
		s->probe_head = (s->probe_head + 1) % PROBE_LEN;
		s->probe_len--;
		return fetch_probe(c, p, cnt);
	}
	if (s && s->win_open && s->fetch_gap) {
		s->fetch_gap--;
	} else if (s && s->win_open) {
		w = &s->wins[s->win_next];
		cnt = harness_chance(&c->rng, 70) ? SMX_LANES :
		      (uint32_t)harness_range(&c->rng, 1, SMX_LANES);
		cnt = cnt < s->win_left ? cnt : (uint32_t)s->win_left;
		if (fetch_issue(c, p, w, &s->win_row, &s->win_col, cnt))
			return -1;
		s->win_left -= cnt;
		if (!s->win_left) {
			s->win_open = 0;
			s->win_next++;
		}
		s->fetch_gap = fused_gap(c, s);
		return 0;
	}
	p->f_row = harness_noise(&c->rng, FUSED_RB);
	p->f_col = harness_noise(&c->rng, PORT_NB);
	p->f_k0 = harness_noise(&c->rng, PORT_NB);
	p->f_klen = harness_noise(&c->rng, PORT_NB);
	p->f_cnt = harness_noise(&c->rng, PORT_CB);
	p->f_frac = harness_noise(&c->rng, 5);
	return 0;
}

/* One cycle of the fused stimulus after the command: start a scenario
 * when due, end it when everything of it is issued and written, drive the
 * drain and fetch ports; -1 when out of memory. */
static int fused_drive(struct smx_cosim *c, struct smx_pins *p)
{
	struct fscen *s = c->scen;

	if (s && s->beat_next == s->n_beats && s->cmd_next == s->n_cmds &&
	    !c->in.valid && s->ftiles_written == s->n_ftiles &&
	    s->fetch_tile == s->n_ftiles && !s->win_open &&
	    s->win_next == s->n_wins && !s->probe_len) {
		scen_free(s);
		c->scen = NULL;
		c->scen_done++;
		c->scen_gap = harness_gap(&c->rng, 100);
	}
	if (!c->scen && c->scen_made < c->fused_n) {
		if (c->scen_gap)
			c->scen_gap--;
		else if (scen_new(c))
			return -1;
	}
	fused_drain(c, p);
	return fused_fetch(c, p);
}

/* ---- vector files (--write-vectors, format in smx_cosim.h) ---- */

#define VEC_RIB (SMX_ROWS > 1 ? harness_clog2(SMX_ROWS) : 1)	/* x_row, out_row */
#define VEC_CMAX ((SMX_N_MAX + SMX_LANES - 1) / SMX_LANES)
#define VEC_CIB (VEC_CMAX > 1 ? harness_clog2(VEC_CMAX) : 1)	/* x_col, out_col */

/* The header line: kind (stim or expect), the parameters, the columns. */
static void vec_header(struct smx_cosim *c, FILE *f, const char *kind,
		       const char *cols)
{
	fprintf(f, "# smx %s ALGORITHM=%d LANES=%d EXP_LATENCY=%d RECIP_LATENCY=%d "
		"DIVIDERS=%d DIV_LATENCY=%d ROWS=%d N_MAX=%d KC_BITS=%d reset=%d "
		"seed=%" PRIu64 " tiles=%" PRIu64 " | %s\n", kind, (int)c->algo,
		SMX_LANES, SMX_EXP_LATENCY, SMX_RECIP_LATENCY, SMX_DIVIDERS,
		SMX_DIV_LATENCY, SMX_ROWS, SMX_N_MAX, SMX_KC_BITS,
		SMX_COSIM_RESET_CYCLES, c->seed, c->n_tiles_max, cols);
}

/* Create DIR (one level), open both files and the ring of held lines;
 * returns -1 after a message. */
static int vec_open(struct smx_cosim *c)
{
	char path[4096];

	if (mkdir(c->vec_dir, 0777) && errno != EEXIST) {
		harness_say(0, PROG, "cannot create %s: %s", c->vec_dir,
			strerror(errno));
		return -1;
	}
	c->vec_lag = c->tile_max + 1;
	c->vec = calloc(c->vec_lag, sizeof *c->vec);
	if (!c->vec) {
		harness_say(0, PROG, "out of memory");
		return -1;
	}
	snprintf(path, sizeof path, "%s/stim.txt", c->vec_dir);
	c->vec_stim = fopen(path, "w");
	if (c->vec_stim) {
		snprintf(path, sizeof path, "%s/expect.txt", c->vec_dir);
		c->vec_expect = fopen(path, "w");
	}
	if (!c->vec_stim || !c->vec_expect) {
		harness_say(0, PROG, "cannot write %s: %s", path,
			strerror(errno));
		return -1;
	}
	vec_header(c, c->vec_stim, "stim",
		   "cycle rst_l cmd_valid cmd_flags cmd_op cmd_rows cmd_cols "
		   "cmd_kcycles cmd_in_frac cmd_ita_eps32 x_data");
	vec_header(c, c->vec_expect, "expect",
		   "cycle cmd_ready active rd_done_valid rd_done_flags rd_done_op "
		   "wb_done_valid wb_done_flags wb_done_op x_rd x_row x_col "
		   "out_valid out_row out_col out_p");
	return 0;
}

/* One line of stim.txt: the inputs *p holds for the clock of cycle. */
static void vec_stim(struct smx_cosim *c, const struct smx_pins *p,
		     int64_t cycle)
{
	FILE *f = c->vec_stim;

	if (!f)
		return;
	fprintf(f, "%" PRId64 " ", cycle);
	harness_put_num(f, p->rst_l, 1, ' ');
	harness_put_num(f, p->cmd_valid, 1, ' ');
	harness_put_num(f, p->cmd_flags, 5, ' ');
	harness_put_num(f, p->cmd_op, 32, ' ');
	harness_put_num(f, p->cmd_rows, harness_clog2(SMX_ROWS + 1), ' ');
	harness_put_num(f, p->cmd_cols, harness_clog2(SMX_N_MAX + 1), ' ');
	harness_put_num(f, p->cmd_kcycles, SMX_KC_BITS, ' ');
	harness_put_num(f, p->cmd_in_frac, 5, ' ');
	harness_put_num(f, p->cmd_ita_eps32, 1, ' ');
	harness_put_hex(f, p->x_data, SMX_X_BITS);
	fputc('\n', f);
}

/* Write the oldest held expect line. */
static void vec_flush_one(struct smx_cosim *c)
{
	const struct vec_line *l = &c->vec[c->vec_first % c->vec_lag];
	FILE *f = c->vec_expect;

	fprintf(f, "%" PRIu64 " ", l->cycle);
	harness_put_num(f, l->o.cmd_ready, 1, ' ');
	harness_put_num(f, l->o.active, 1, ' ');
	harness_put_num(f, l->o.rd_done.valid, 1, ' ');
	harness_put_num(f, l->o.rd_done.flags, 5, ' ');
	harness_put_num(f, l->o.rd_done.op, 32, ' ');
	harness_put_num(f, l->o.wb_done.valid, 1, ' ');
	harness_put_num(f, l->o.wb_done.flags, 5, ' ');
	harness_put_num(f, l->o.wb_done.op, 32, ' ');
	harness_put_num(f, l->x_rd, 1, ' ');
	harness_put_num(f, l->x_row, VEC_RIB, ' ');
	harness_put_num(f, l->x_col, VEC_CIB, ' ');
	harness_put_num(f, l->out_valid, 1, ' ');
	harness_put_num(f, l->out_row, VEC_RIB, ' ');
	harness_put_num(f, l->out_col, VEC_CIB, ' ');
	harness_put_hex(f, l->out_p, SMX_X_BITS);
	fputc('\n', f);
	c->vec_first++;
}

/* The held line of the check cycle first + step, or NULL after a message
 * when it is outside the held lines. */
static struct vec_line *vec_at(struct smx_cosim *c, uint64_t first,
			       uint64_t step)
{
	uint64_t cyc = first + step;

	if (cyc < c->vec_first || cyc >= c->vec_next) {
		harness_say(0, PROG, "internal: beat due on cycle %" PRIu64
			", lines held %" PRIu64 " .. %" PRIu64, cyc,
			c->vec_first, c->vec_next);
		return NULL;
	}
	return &c->vec[cyc % c->vec_lag];
}

/* A score read of (row, beat) on busy step `step` of the tile starting at
 * check cycle first: x_rd on that step's line. */
static int vec_read(struct smx_cosim *c, uint64_t first, uint64_t step,
		    uint32_t row, uint32_t beat)
{
	struct vec_line *l = vec_at(c, first, step);

	if (!l)
		return -1;
	if (l->x_rd) {
		harness_say(0, PROG, "internal: two reads due on cycle %"
			PRIu64, l->cycle);
		return -1;
	}
	l->x_rd = 1;
	l->x_row = row;
	l->x_col = beat;
	return 0;
}

/*
 * Fill in the beats of tile t, which the model finished on this cycle:
 * every score read and probability beat on the cycle rtl/smx.v's schedule
 * puts it (beat_step for the probabilities; the same phases for the
 * reads: P1(0), then in each window W(i) row i + 1's pass 1 on its first
 * c cycles, then P2(i)). Expected values: smx_row's.
 */
static int vec_tile(struct smx_cosim *c, const struct tile *t)
{
	uint64_t first = c->cycle + 1 - t->kcycles, s, w;
	uint32_t r, b, l, i;
	struct vec_line *v;

	if (t->kcycles >= c->vec_lag) {
		harness_say(0, PROG, "internal: tile of %" PRIu64
			" cycles, ring of %" PRIu64, t->kcycles, c->vec_lag);
		return -1;
	}
	for (b = 0; b < t->c; b++)
		if (vec_read(c, first, b, 0, b))
			return -1;
	s = t->c;
	for (r = 0; r < t->rows; r++) {
		w = r + 1 < t->rows && t->c > c->lat ? t->c : c->lat;
		for (b = 0; r + 1 < t->rows && b < t->c; b++)
			if (vec_read(c, first, s + b, r + 1, b))
				return -1;
		s += w;
		for (b = 0; b < t->c; b++) {
			if (vec_read(c, first, s + b, r, b))
				return -1;
			v = vec_at(c, first, beat_step(c, t, r, b));
			if (!v)
				return -1;
			if (v->out_valid) {
				harness_say(0, PROG, "internal: two beats "
					"due on cycle %" PRIu64, v->cycle);
				return -1;
			}
			v->out_valid = 1;
			v->out_row = r;
			v->out_col = b;
			for (l = 0; l < SMX_LANES; l++) {
				i = b * SMX_LANES + l;
				harness_put_bits(v->out_p, l * 8, 8, i < t->n ?
					 t->want[(size_t)r * t->n + i] : 0);
			}
		}
		s += t->c;
	}
	return 0;
}

/*
 * Record the expected outputs of this cycle, before any comparison: the
 * model's registered outputs, and on a wb_done the beats of the tile it
 * finished, into the held lines of the cycles they were due on. Returns
 * -1 after a message on an internal inconsistency.
 */
static int vec_expect(struct smx_cosim *c)
{
	struct vec_line *l;

	if (!c->vec_expect)
		return 0;
	if (c->vec_next - c->vec_first == c->vec_lag)
		vec_flush_one(c);
	l = &c->vec[c->vec_next % c->vec_lag];
	memset(l, 0, sizeof *l);
	l->cycle = c->cycle;
	l->o = c->u.out;
	c->vec_next++;
	if (!c->u.out.wb_done.valid || c->wb_tile >= c->n_tiles)
		return 0;
	return vec_tile(c, c->tiles[c->wb_tile]);
}

/* Write the held lines and close both files; returns -1 after a message
 * on a write error. */
static int vec_close(struct smx_cosim *c)
{
	int bad = 0;

	if (c->vec_expect)
		while (c->vec_first != c->vec_next)
			vec_flush_one(c);
	if (c->vec_stim && fclose(c->vec_stim))
		bad = 1;
	if (c->vec_expect && fclose(c->vec_expect))
		bad = 1;
	c->vec_stim = c->vec_expect = NULL;
	free(c->vec);
	c->vec = NULL;
	if (bad)
		harness_say(0, PROG, "error writing vectors to %s",
			c->vec_dir);
	return bad ? -1 : 0;
}

/* ---- --npy: a dumped softmax op (sim/func.c dump_vec, sim/npy.c) ---- */

/* The whole of file path into *buf (NUL-terminated), its size in *len;
 * -1 after a message. */
static int slurp(const char *path, char **buf, size_t *len)
{
	FILE *f;
	long size = -1;

	errno = 0;
	f = fopen(path, "rb");
	*buf = NULL;
	if (f && !fseek(f, 0, SEEK_END))
		size = ftell(f);
	if (size >= 0 && !fseek(f, 0, SEEK_SET))
		*buf = malloc((size_t)size + 1);
	if (!*buf || fread(*buf, 1, (size_t)size, f) != (size_t)size) {
		harness_say(0, PROG, "--npy: cannot read %s: %s", path,
			errno ? strerror(errno) : "short read");
		if (f)
			fclose(f);
		free(*buf);
		*buf = NULL;
		return -1;
	}
	fclose(f);
	(*buf)[size] = '\0';
	*len = (size_t)size;
	return 0;
}

/* The elements of a 2-D .npy of one-byte type descr ("|i1" or "|u1") in
 * C order, rows x cols (format 1.0 as sim/npy.c writes it, or 2.0/3.0), or
 * NULL after a message naming the file. */
static const char *npy_data(const char *path, const char *buf, size_t len,
			    const char *descr, uint64_t *rows, uint64_t *cols)
{
	const unsigned char *b = (const unsigned char *)buf;
	char hdr[1024], want[32];
	const char *shape, *why = NULL;
	size_t off, hl;

	if (len < 12 || memcmp(buf, "\x93NUMPY", 6) || b[6] < 1 || b[6] > 3) {
		why = "not a .npy file (version 1, 2 or 3)";
		goto fail;
	}
	off = b[6] == 1 ? 10 : 12;
	hl = b[6] == 1 ? (size_t)(b[8] | b[9] << 8) :
	     (size_t)b[8] | (size_t)b[9] << 8 | (size_t)b[10] << 16 |
	     (size_t)b[11] << 24;
	if (hl >= sizeof hdr || off + hl > len) {
		why = "header too long or truncated";
		goto fail;
	}
	memcpy(hdr, buf + off, hl);
	hdr[hl] = '\0';
	snprintf(want, sizeof want, "'descr': '%s'", descr);
	shape = strstr(hdr, "'shape': (");
	if (!strstr(hdr, want))
		why = descr[1] == 'i' ? "elements are not int8 ('|i1')" :
					"elements are not uint8 ('|u1')";
	else if (!strstr(hdr, "'fortran_order': False"))
		why = "not in C order";
	else if (!shape || sscanf(shape + 10, "%" SCNu64 ", %" SCNu64 ")",
				  rows, cols) != 2)
		why = "not two-dimensional";
	else if (*rows > UINT32_MAX || *cols > UINT32_MAX ||
		 *rows * *cols > len - off - hl)
		why = "shorter than its shape";
	if (!why)
		return buf + off + hl;
fail:
	harness_say(0, PROG, "--npy: %s: %s", path, why);
	return NULL;
}

/* A copy of PREFIX.NAME.npy's rows x n elements, or NULL after a message. */
static void *npy_tensor(const struct npy_op *o, const char *name,
			const char *descr)
{
	char path[4096], *buf;
	const char *data;
	void *dst;
	size_t len;
	uint64_t rows, cols;

	snprintf(path, sizeof path, "%s.%s.npy", o->prefix, name);
	if (slurp(path, &buf, &len))
		return NULL;
	data = npy_data(path, buf, len, descr, &rows, &cols);
	if (data && (rows != o->rows || cols != o->n)) {
		harness_say(0, PROG, "--npy: %s is %" PRIu64 " x %" PRIu64
			", its json says %u x %u", path, rows, cols, o->rows, o->n);
		data = NULL;
	}
	dst = data ? malloc((size_t)rows * cols) : NULL;
	if (dst)
		memcpy(dst, data, (size_t)rows * cols);
	else if (data)
		harness_say(0, PROG, "out of memory");
	free(buf);
	return dst;
}

/* The number after "key": in a flat json object, or -1 when absent. */
static double json_num(const char *text, const char *key)
{
	char pat[64];
	const char *at;

	snprintf(pat, sizeof pat, "\"%s\":", key);
	at = strstr(text, pat);
	return at ? strtod(at + strlen(pat), NULL) : -1;
}

/* PREFIX.json: kind softmax, rows, n, in_frac (in_scale = 2^-in_frac). */
static int npy_json(struct npy_op *o)
{
	char path[4096], *text;
	size_t len;
	double rows, n, scale;
	uint32_t q;

	snprintf(path, sizeof path, "%s.json", o->prefix);
	if (slurp(path, &text, &len))
		return -1;
	rows = json_num(text, "rows");
	n = json_num(text, "n");
	scale = json_num(text, "in_scale");
	for (q = 0; q <= 31 && scale != 1.0 / (double)(1ull << q); q++)
		;
	if (!strstr(text, "\"kind\": \"softmax\"") || rows < 1 || n < 1 ||
	    rows > UINT32_MAX || q > 31) {
		harness_say(0, PROG, "--npy: %s: not a softmax op's json "
			"(kind softmax, rows, n, in_scale = 2^-in_frac)", path);
		free(text);
		return -1;
	}
	free(text);
	o->rows = (uint32_t)rows;
	o->n = (uint32_t)n;
	o->in_frac = q;
	return 0;
}

/* Append a plan step; -1 when out of memory. */
static int npy_push(struct npy_op *o, const struct plan_step *s, size_t *cap)
{
	if (o->n_steps == *cap) {
		size_t nc = *cap ? 2 * *cap : 16;
		struct npy_step *ns = realloc(o->steps, nc * sizeof *ns);

		if (!ns)
			return -1;
		o->steps = ns;
		*cap = nc;
	}
	o->steps[o->n_steps++] = (struct npy_step){ s->r0, s->rows, s->kcycles,
						     s->flags };
	return 0;
}

/* The plan's tiles of the op for this build's unit: cfg with the unit's
 * parameters swapped in, and no fusion (the RTL reads its own scores). */
static int npy_plan(struct smx_cosim *c, struct config *cfg)
{
	struct npy_op *o = &c->npy;
	struct sim_err err;
	struct trace t;
	struct op op;
	struct plan_op p;
	struct plan_walk w;
	struct plan_step s;
	size_t cap = 0;
	char msg[512];

	cfg->smx_lanes = SMX_LANES;
	cfg->smx_algo = c->algo == SMX_ITA ? CFG_SMX_ITA : CFG_SMX_ONLINE;
	cfg->smx_fused = 0;
	cfg->smx_exp_latency = SMX_EXP_LATENCY;
	cfg->smx_recip_latency = SMX_RECIP_LATENCY;
	cfg->smx_dividers = SMX_DIVIDERS;
	cfg->smx_div_latency = SMX_DIV_LATENCY;
	memset(&t, 0, sizeof t);
	snprintf(t.path, sizeof t.path, "%s.json", o->prefix);
	memset(&op, 0, sizeof op);
	op.kind = OP_SOFTMAX;
	snprintf(op.name, sizeof op.name, "%s", strrchr(o->prefix, '/') ?
		 strrchr(o->prefix, '/') + 1 : o->prefix);
	op.m = o->rows;
	op.n = o->n;
	op.heads = op.nm_n = op.nm_m = 1;
	if (plan_op(cfg, &t, &op, 0, 0, &p, &err)) {
		err_format(&err, msg, sizeof msg);
		harness_say(0, PROG, "--npy: %s", msg);
		return -1;
	}
	plan_walk_init(&w, &p);
	while (!plan_walk_next(&w, &s))
		if (npy_push(o, &s, &cap)) {
			harness_say(0, PROG, "out of memory");
			return -1;
		}
	return 0;
}

/* Every plan tile must fit the RTL this harness was built with. */
static int npy_fits(const struct smx_cosim *c)
{
	const struct npy_op *o = &c->npy;
	size_t i;

	for (i = 0; i < o->n_steps; i++) {
		const struct npy_step *s = &o->steps[i];

		if (s->rows <= SMX_ROWS && o->n <= SMX_N_MAX &&
		    s->kcycles < (1ull << SMX_KC_BITS))
			continue;
		harness_say(0, PROG, "--npy: tile %zu is %u rows x %u "
			"scores (%" PRIu64 " cycles); this build's RTL takes %d x %d "
			"(%d kcycles bits): rebuild with larger COSIM_SMX_PARAMS",
			i, s->rows, o->n, s->kcycles, SMX_ROWS, SMX_N_MAX, SMX_KC_BITS);
		return -1;
	}
	return 0;
}

/* The config the dump was made with: its format must match the json's,
 * and its algorithm decides whether out.npy can be compared. */
static int npy_config(struct smx_cosim *c, struct config *cfg)
{
	struct npy_op *o = &c->npy;
	struct sim_err err;
	char msg[512];

	if (config_load(o->config, cfg, &err)) {
		err_format(&err, msg, sizeof msg);
		harness_say(0, PROG, "--config: %s", msg);
		return -1;
	}
	if (cfg->smx_in_frac != o->in_frac) {
		harness_say(0, PROG, "--config: %s has softmax.in_frac %u, "
			"%s.json in_scale 2^-%u: not the config of the dump",
			o->config, cfg->smx_in_frac, o->prefix, o->in_frac);
		return -1;
	}
	o->dump_algo = cfg->smx_algo == CFG_SMX_ITA ? SMX_ITA :
		       cfg->smx_algo == CFG_SMX_THREEPASS ? SMX_THREEPASS :
		       SMX_ONLINE;
	o->eps32 = (uint32_t)cfg->smx_ita_eps32;
	if (!c->algo_set && o->dump_algo != SMX_THREEPASS)
		c->algo = o->dump_algo;
	o->compare = o->dump_algo == c->algo;
	return 0;
}

/* Read and tile the --npy op; -1 after a message. */
static int npy_load(struct smx_cosim *c)
{
	struct npy_op *o = &c->npy;
	struct config cfg;

	if (npy_json(o) || npy_config(c, &cfg))
		return -1;
	o->x = npy_tensor(o, "in", "|i1");
	o->out = o->x ? npy_tensor(o, "out", "|u1") : NULL;
	if (!o->out || npy_plan(c, &cfg) || npy_fits(c))
		return -1;
	if (!o->compare && !c->replay)
		harness_say(0, PROG, "%s.out.npy not compared: dumped with "
			"algorithm %s (%s), this run is %s", o->prefix,
			smx_algo_name(o->dump_algo), o->config,
			smx_algo_name(c->algo));
	if (!c->tiles_set || c->n_tiles_max > o->n_steps)
		c->n_tiles_max = o->n_steps;
	return 0;
}

static void npy_free(struct npy_op *o)
{
	free(o->x);
	free(o->out);
	free(o->steps);
}

/* ---- options ---- */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: smx_cosim [--algo online|ita] [--seed N] [--tiles N] [--max-rows N] [--max-n N]\n"
		"                 [--npy PREFIX [--config FILE]] [--inject-flip N [--inject-port PORT]]\n"
		"                 [--vcd FILE [--vcd-window N|A:B]] [--max-cycles N] [--write-vectors DIR]\n"
		"       smx_cosim --fused N [--seed N] [--max-rows N] [--max-n N] [--inject-flip N\n"
		"                 [--inject-port PORT]] [--vcd FILE [--vcd-window N|A:B]] [--max-cycles N]\n"
		"Runs rtl/smx.v in lockstep with models/fu.c + smx.c; exit 0 pass, 1 fail, 2 bad usage.\n"
		"  --algo A          the RTL and model algorithm: online (default) or ita\n"
		"  --tiles N         softmax tiles (commands) to issue (default 300; --npy: all)\n"
		"  --max-rows N      random tiles: 1..N rows (default %d, at most %d)\n"
		"  --max-n N         random tiles: rows of 1..N scores (default %d, at most %d)\n"
		"  --npy PREFIX      the tiles of a softmax op from 'stasim run --dump' (PREFIX.in/.out.npy, .json)\n"
		"  --config FILE     the config the --npy dump was made with (default %s)\n"
		"  --fused N         N random scenarios of the online unit's fused front end (FUSED_ROWS %d)\n"
		"  --write-vectors DIR  also write DIR/stim.txt and DIR/expect.txt for tests/icarus/tb_smx.v\n",
		SMX_ROWS < RANDOM_ROWS ? SMX_ROWS : RANDOM_ROWS, SMX_ROWS,
		SMX_N_MAX < RANDOM_N ? SMX_N_MAX : RANDOM_N, SMX_N_MAX,
		DEFAULT_CONFIG, SMX_FUSED_ROWS);
	harness_usage_common(f, inject_names, INJ_N);
}

/* A number lo .. hi from s into *v: 0, or 1 when s is no such number. */
static int range_u64(const char *s, uint64_t lo, uint64_t hi, uint64_t *v)
{
	return !s || (hi == UINT64_MAX ? harness_parse_u64(s, hi, v) :
		      harness_parse_u64(s, hi + 1, v)) || *v < lo;
}

/* The same into a uint32_t. */
static int range_u32(const char *s, uint32_t lo, uint32_t hi, uint32_t *v)
{
	uint64_t w;

	if (range_u64(s, lo, hi, &w))
		return 1;
	*v = (uint32_t)w;
	return 0;
}

/* A numeric option a with its value v (NULL when missing); HARNESS_OPT_BAD
 * or HARNESS_OPT_UNKNOWN as option() says. */
static enum harness_opt option_number(struct smx_cosim *c, const char *a,
				      const char *v)
{
	int bad;

	if (!strcmp(a, "--seed")) {
		bad = range_u64(v, 0, UINT64_MAX, &c->seed);
	} else if (!strcmp(a, "--tiles")) {
		bad = range_u64(v, 1, UINT32_MAX, &c->n_tiles_max);
		c->tiles_set = 1;
	} else if (!strcmp(a, "--max-rows")) {
		bad = range_u32(v, 1, SMX_ROWS, &c->rows_max);
	} else if (!strcmp(a, "--max-n")) {
		bad = range_u32(v, 1, SMX_N_MAX, &c->n_max);
	} else if (!strcmp(a, "--max-cycles")) {
		bad = range_u64(v, 1, UINT64_MAX, &c->max_cycles);
	} else if (!strcmp(a, "--fused")) {
		bad = range_u64(v, 1, UINT32_MAX, &c->fused_n);
	} else if (!strcmp(a, "--inject-flip")) {
		bad = range_u64(v, 0, UINT64_MAX, &c->inject_cycle);
		c->inject = 1;
	} else {
		return HARNESS_OPT_UNKNOWN;
	}
	return bad ? HARNESS_OPT_BAD : HARNESS_OPT_OK;
}

/* Apply option a with its value v (NULL when a is last) to self, a struct
 * smx_cosim; harness_option_fn says what it returns. */
static enum harness_opt option(void *self, const char *a, const char *v)
{
	static const char *const algos[] = { "online", "ita" };
	struct smx_cosim *c = self;
	enum harness_opt rc = harness_vcd_option(&c->vcd, a, v);
	int k, bad = !v;

	if (rc != HARNESS_OPT_UNKNOWN)
		return rc;
	if (!strcmp(a, "--algo")) {
		bad = harness_parse_name(v, algos, 2, &k);
		c->algo = k == 1 ? SMX_ITA : SMX_ONLINE;
		c->algo_set = 1;
	} else if (!strcmp(a, "--inject-port")) {
		bad = harness_parse_name(v, inject_names, INJ_N, &k);
		if (!bad)
			c->inject_port = (enum inject_port)k;
	} else if (!strcmp(a, "--write-vectors")) {
		c->vec_dir = v;
	} else if (!strcmp(a, "--npy")) {
		c->npy.prefix = v;
	} else if (!strcmp(a, "--config")) {
		c->npy.config = v;
	} else {
		return option_number(c, a, v);
	}
	return bad ? HARNESS_OPT_BAD : HARNESS_OPT_OK;
}

/* --fused runs the online model's fused front end on random scenarios:
 * not with the options of the other stimuli. Why not, or NULL. */
static const char *fused_conflict(const struct smx_cosim *c)
{
	if (SMX_FUSED_ROWS < 2)
		return "--fused: this build's online unit has no score buffer "
		       "(FUSED_ROWS 1; COSIM_SMX_FUSED_ROWS)";
	if (c->algo != SMX_ONLINE)
		return "--fused: the fused front end is the online algorithm's";
	if (c->npy.prefix)
		return "--fused: not with --npy (random scenarios only)";
	if (c->tiles_set)
		return "--fused: not with --tiles (N scenarios set the normal "
		       "tiles too)";
	if (c->vec_dir)
		return "--fused: not with --write-vectors (the vector files "
		       "have no fused ports)";
	return NULL;
}

/* Options that exclude or need another: one message naming them, or
 * NULL. */
static const char *conflict(const void *self)
{
	const struct smx_cosim *c = self;
	const char *why = c->fused_n ? fused_conflict(c) : NULL;

	if (c->npy.config && !c->npy.prefix)
		return "--config needs --npy";
	return why ? why : harness_vcd_conflict(&c->vcd);
}

static const struct harness_cli cli = { PROG, option, usage, conflict };

/* ---- the public interface ---- */

static void cosim_free(struct smx_cosim *c)
{
	size_t i;

	for (i = 0; i < c->n_tiles; i++)
		tile_free(c->tiles[i]);
	free(c->tiles);
	scen_free(c->scen);
	free(c->vec);
	npy_free(&c->npy);
	free(c);
}

/* The longest tile the run can issue, in cycles. */
static uint64_t longest_tile(const struct smx_cosim *c)
{
	uint64_t m = 0;
	size_t i;

	if (!c->npy.prefix)
		return smx_cycles(&c->sp, c->rows_max, c->n_max);
	for (i = 0; i < c->npy.n_steps; i++)
		m = c->npy.steps[i].kcycles > m ? c->npy.steps[i].kcycles : m;
	return m;
}

/* Everything after the options: the --npy op, the model, the seed. */
static int setup(struct smx_cosim *c)
{
	if (!c->npy.config)
		c->npy.config = DEFAULT_CONFIG;
	if (c->npy.prefix && npy_load(c))
		return -1;
	c->sp = (struct smx_params){
		.lanes = SMX_LANES, .algo = c->algo,
		.exp_latency = SMX_EXP_LATENCY, .recip_latency = SMX_RECIP_LATENCY,
		.dividers = SMX_DIVIDERS, .div_latency = SMX_DIV_LATENCY,
	};
	c->lat = c->algo == SMX_ITA ?
		 (SMX_DIV_LATENCY + SMX_DIVIDERS - 1) / SMX_DIVIDERS :
		 SMX_RECIP_LATENCY;
	c->tile_max = longest_tile(c);
	/* a hang: far beyond a run's cycles (fused: every beat of every
	 * scenario at its longest gap, aborted drains included) */
	c->max_cycles = c->max_cycles ? c->max_cycles : !c->fused_n ?
			c->n_tiles_max * (c->tile_max + 400) :
			c->fused_n * (100000 + 3 * (c->tile_max + 400) +
				      (uint64_t)SMX_FUSED_ROWS * (4 * c->n_max + 8) * 45);
	c->rng = harness_seed(c->seed);
	fu_init(&c->u, "smx", &c->in, &c->want_op, NULL, NULL);
	return c->vec_dir && !c->replay ? vec_open(c) : 0;
}

struct smx_cosim *smx_cosim_new(int argc, char **argv, int replay,
				int *status)
{
	struct smx_cosim *c = calloc(1, sizeof *c);

	*status = 2;
	if (!c) {
		harness_say(0, PROG, "out of memory");
		return NULL;
	}
	c->seed = 1;
	c->n_tiles_max = 300;
	c->rows_max = SMX_ROWS < RANDOM_ROWS ? SMX_ROWS : RANDOM_ROWS;
	c->n_max = SMX_N_MAX < RANDOM_N ? SMX_N_MAX : RANDOM_N;
	harness_vcd_init(&c->vcd);
	c->fail_cycle = -1;
	c->replay = replay;
	if (harness_options(&cli, c, argc, argv, replay, status) || setup(c)) {
		vec_close(c);
		cosim_free(c);
		return NULL;
	}
	return c;
}

int smx_cosim_algorithm(const struct smx_cosim *c)
{
	return c->algo == SMX_ITA ? 1 : 0;
}

const struct harness_vcd *smx_cosim_vcd(const struct smx_cosim *c)
{
	return &c->vcd;
}

int64_t smx_cosim_fail_cycle(const struct smx_cosim *c)
{
	return c->fail_cycle;
}

void smx_cosim_reset_pins(struct smx_cosim *c, struct smx_pins *p)
{
	int i;

	memset(p, 0, sizeof *p);
	memset(&c->cmd, 0, sizeof c->cmd);
	p->rst_l = 0;
	for (i = SMX_COSIM_RESET_CYCLES; i > 0; i--)
		vec_stim(c, p, -(int64_t)i);
}

int smx_cosim_done(const struct smx_cosim *c)
{
	return c->done;
}

void smx_cosim_drive(struct smx_cosim *c, struct smx_pins *p)
{
	int accept;

	if (c->done)
		return;
	if (!c->in.valid) {
		if (c->gap)
			c->gap--;
		else if (c->fused_n ? fused_cmd(c) :
			 c->n_tiles < c->n_tiles_max && next_cmd(c)) {
			harness_say(0, PROG, "cannot build tile %zu",
				c->n_tiles);
			c->failed = c->done = 1;
			return;
		}
	}
	drive_cmd(c, p);
	p->rst_l = 1;
	if (p->x_rd) {
		if (feed(c, p) && c->done)
			return;
	} else {
		harness_garbage(&c->rng, p->x_data, SMX_X_BITS);
	}
	if (c->fused_n && fused_drive(c, p)) {
		harness_say(0, PROG, "cannot build fused scenario %" PRIu64
			" (out of memory, or the internal error above)", c->scen_made);
		c->failed = c->done = 1;
		return;
	}

	vec_stim(c, p, (int64_t)c->cycle);
	accept = c->in.valid && c->u.out.cmd_ready;
	c->cov_full += c->in.valid && !c->u.out.cmd_ready;
	fu_step(&c->u, c->cycle);
	fu_commit(&c->u);
	if (accept) {
		c->in.valid = 0;
		c->gap = harness_gap(&c->rng, GAP_MAX);
	}
	c->cycle++;
}

/* Flip one bit of the armed port if it is compared in this cycle. */
static void inject(struct smx_cosim *c, struct smx_pins *p)
{
	if (!c->inject || c->injected || c->cycle < c->inject_cycle)
		return;
	switch (c->inject_port) {
	case INJ_OUT_P:
		if (!p->out_valid)
			return;
		p->out_p[0] ^= 1;
		break;
	case INJ_ACTIVE:
		p->active ^= 1;
		break;
	case INJ_CMD_READY:
		p->cmd_ready ^= 1;
		break;
	case INJ_RD_DONE:
		p->rd_done_valid ^= 1;
		break;
	case INJ_WB_DONE:
		p->wb_done_valid ^= 1;
		break;
	case INJ_P_DATA:
		if (!p->p_valid)
			return;
		p->p_data[0] ^= 1;
		break;
	case INJ_P_VALID:
		p->p_valid ^= 1;
		break;
	default:
		return;
	}
	c->injected = 1;
	harness_injected(c->replay, PROG, inject_names[c->inject_port],
			 c->cycle);
}

/* Lane l of probability beat (row, beat) of t against smx_row and, with
 * --npy, against PREFIX.out.npy. */
static int check_lane(struct smx_cosim *c, const struct tile *t, uint32_t row,
		      uint32_t beat, uint32_t l, uint32_t got)
{
	uint32_t i = beat * SMX_LANES + l, want = 0;
	size_t at = (size_t)row * t->n + i;
	char port[96];

	if (i < t->n)
		want = t->want[at];
	if (got != want) {
		snprintf(port, sizeof port, "out_p row %u score %u", t->r0 + row, i);
		return mismatch(c, port, want, got);
	}
	if (t->dump && i < t->n && got != t->dump[at]) {
		snprintf(port, sizeof port, "out_p row %u score %u (against %s.out.npy)",
			 t->r0 + row, i, c->npy.prefix);
		return mismatch(c, port, t->dump[at], got);
	}
	return 0;
}

/* One probability beat from the RTL: belongs to the oldest tile not done. */
static int take_beat(struct smx_cosim *c, const struct smx_pins *p)
{
	struct tile *t;
	uint32_t row, beat, l;

	if (c->wb_tile >= c->n_tiles)
		return mismatch(c, "out_valid (no tile in progress)", 0, 1);
	t = c->tiles[c->wb_tile];
	if (t->fused)
		return mismatch(c, "out_valid (a fused tile has no beats)", 0, 1);
	if (t->beats_seen >= t->rows * t->c)
		return mismatch(c, "out_valid (beat beyond the tile)", 0, 1);
	row = t->beats_seen / t->c;
	beat = t->beats_seen % t->c;
	if (p->out_row != row)
		return mismatch(c, "out_row", row, p->out_row);
	if (p->out_col != beat)
		return mismatch(c, "out_col", beat, p->out_col);
	for (l = 0; l < SMX_LANES; l++)
		if (check_lane(c, t, row, beat, l, harness_get_bits(p->out_p, l * 8, 8)))
			return 1;
	t->beat_cycle[t->beats_seen++] = c->cycle;
	c->beats_checked++;
	return 0;
}

/* The model finished the oldest tile: check its beats' cycles and the
 * model's own probabilities, then free it. */
static int tile_written(struct smx_cosim *c)
{
	struct tile *t;
	uint64_t first;
	uint32_t r, b;
	char port[64];

	if (c->wb_tile >= c->n_tiles)
		return mismatch(c, "wb_done (no tile issued)", 0, 1);
	t = c->tiles[c->wb_tile];
	if (c->u.out.wb_done.data != &t->job)
		return mismatch(c, "wb_done (model finished another tile)",
				(uint64_t)(uintptr_t)&t->job,
				(uint64_t)(uintptr_t)c->u.out.wb_done.data);
	if (t->fused) {
		/* in order: the scenario's fused tiles are done in r0 order */
		if (!c->scen || c->scen->ftiles_written == c->scen->n_ftiles ||
		    c->scen->ftiles[c->scen->ftiles_written].r0 != t->r0) {
			harness_say(0, PROG, "internal: fused tile of r0 %u "
				"written outside its scenario", t->r0);
			return mismatch(c, "wb_done (fused tile)", 0, 1);
		}
		c->scen->ftiles_written++;
		c->cov_ftiles++;
		tile_free(t);
		c->tiles[c->wb_tile++] = NULL;
		return 0;
	}
	if (t->beats_seen != t->rows * t->c)
		return mismatch(c, "out_valid (beats before wb_done)",
				t->rows * t->c, t->beats_seen);
	first = c->cycle + 1 - t->kcycles;	/* check cycle of busy step 0 */
	for (r = 0; r < t->rows; r++) {
		for (b = 0; b < t->c; b++) {
			uint64_t due = first + beat_step(c, t, r, b);

			if (t->beat_cycle[r * t->c + b] != due) {
				snprintf(port, sizeof port,
					 "out_valid (cycle of row %u beat %u)", r, b);
				return mismatch(c, port, due,
						t->beat_cycle[r * t->c + b]);
			}
		}
		if (memcmp(t->p + (size_t)r * t->n, t->want + (size_t)r * t->n,
			   t->n)) {
			snprintf(port, sizeof port, "model p row %u (not computed "
				 "at finish)", r);
			return mismatch(c, port, t->want[(size_t)r * t->n],
					t->p[(size_t)r * t->n]);
		}
		c->rows_checked++;
	}
	c->npy.rows_dump += t->dump ? t->rows : 0;
	tile_free(t);
	c->tiles[c->wb_tile++] = NULL;
	return 0;
}

/* The fetched probabilities: p_valid on every cycle, p_data's lanes when
 * a fetch is due (smx_row's below f_cnt, 0 from it on). A due fetch leaves
 * the ring whatever it shows, so that a replay runs on past a mismatch. */
static int check_fetch(struct smx_cosim *c, const struct smx_pins *p)
{
	const struct fetch_exp *e;
	uint32_t l, got, want;
	char port[96];

	/* fetches a replay's mismatch kept this check from reaching */
	while (c->fq_len && c->fq[c->fq_head].due < c->cycle) {
		c->fq_head = (c->fq_head + 1) % FQ_LEN;
		c->fq_len--;
	}
	e = c->fq_len ? &c->fq[c->fq_head] : NULL;
	if (!e || e->due != c->cycle)
		return p->p_valid ? mismatch(c, "p_valid (no fetch due)", 0, 1) : 0;
	c->fq_head = (c->fq_head + 1) % FQ_LEN;
	c->fq_len--;
	if (!p->p_valid)
		return mismatch(c, "p_valid (fetch due)", 1, 0);
	for (l = 0; l < SMX_LANES; l++) {
		got = harness_get_bits(p->p_data, l * 8, 8);
		want = l < e->cnt ? e->p[l] : 0;
		if (got == want)
			continue;
		if (l < e->cnt)
			snprintf(port, sizeof port, "p_data lane %u (row %u col %u)",
				 l, e->row[l], e->col[l]);
		else
			snprintf(port, sizeof port, "p_data lane %u (beyond f_cnt %u)",
				 l, e->cnt);
		return mismatch(c, port, want, got);
	}
	c->cov_probs += e->cnt;
	return 0;
}

/* The controller's registered outputs, port by port. */
static int check_ctl(struct smx_cosim *c, const struct smx_pins *p)
{
	const struct fu_out *o = &c->u.out;

	if (p->cmd_ready != o->cmd_ready)
		return mismatch(c, "cmd_ready", o->cmd_ready, p->cmd_ready);
	if (p->active != o->active)
		return mismatch(c, "active", o->active, p->active);
	if (p->rd_done_valid != o->rd_done.valid)
		return mismatch(c, "rd_done_valid", o->rd_done.valid, p->rd_done_valid);
	if (o->rd_done.valid && p->rd_done_flags != o->rd_done.flags)
		return mismatch(c, "rd_done_flags", o->rd_done.flags, p->rd_done_flags);
	if (o->rd_done.valid && p->rd_done_op != o->rd_done.op)
		return mismatch(c, "rd_done_op", o->rd_done.op, p->rd_done_op);
	if (p->wb_done_valid != o->wb_done.valid)
		return mismatch(c, "wb_done_valid", o->wb_done.valid, p->wb_done_valid);
	if (o->wb_done.valid && p->wb_done_flags != o->wb_done.flags)
		return mismatch(c, "wb_done_flags", o->wb_done.flags, p->wb_done_flags);
	if (o->wb_done.valid && p->wb_done_op != o->wb_done.op)
		return mismatch(c, "wb_done_op", o->wb_done.op, p->wb_done_op);
	return 0;
}

int smx_cosim_check(struct smx_cosim *c, struct smx_pins *p)
{
	const struct fu_out *o = &c->u.out;

	if (c->done)
		return c->failed;
	if (vec_expect(c)) {
		c->failed = c->done = 1;
		return 1;
	}
	inject(c, p);
	if (check_ctl(c, p))
		return 1;
	if (p->out_valid && take_beat(c, p))
		return 1;
	if (o->wb_done.valid && tile_written(c))
		return 1;
	if (check_fetch(c, p))
		return 1;
	if (c->cycle >= c->max_cycles) {
		harness_hang(c->replay, PROG, c->cycle, c->seed);
		c->fail_cycle = c->fail_cycle < 0 ? (int64_t)c->cycle : c->fail_cycle;
		c->failed = c->done = 1;
		return 1;
	}
	if ((c->fused_n ? c->scen_done == c->fused_n && !c->fq_len :
			  c->n_tiles >= c->n_tiles_max) && !c->in.valid &&
	    c->wb_tile == c->n_tiles && !o->active && !c->u.f_len &&
	    ++c->idle_tail > DRAIN_IDLE)
		c->done = 1;
	return 0;
}

/* The counters of a fused run, for its summary line. */
static void details_fused(const struct smx_cosim *c, char *details, size_t len)
{
	snprintf(details, len, "fused_tiles=%" PRIu64 " normal_tiles=%" PRIu64
		 " normal_rows=%" PRIu64 " drain_beats=%" PRIu64 " restarts=%"
		 PRIu64 " fetches=%" PRIu64 " probs=%" PRIu64 " wraps=%" PRIu64
		 " at_ready=%" PRIu64 " tight_cmds=%" PRIu64 " prob_beats=%"
		 PRIu64 " rescales=%" PRIu64 " p255=%" PRIu64 " fifo_full=%"
		 PRIu64 " algo=online recip_latency=%d lanes=%d exp_latency=%d"
		 " fused_rows=%d rows<=%u n<=%u", c->cov_ftiles, c->cov_ntiles,
		 c->rows_checked, c->cov_dbeats, c->cov_restarts, c->cov_fetches,
		 c->cov_probs, c->cov_wraps, c->cov_at_ready, c->cov_tight,
		 c->beats_checked, c->cov_rescale, c->cov_sat, c->cov_full,
		 SMX_RECIP_LATENCY, SMX_LANES, SMX_EXP_LATENCY, SMX_FUSED_ROWS,
		 c->rows_max, c->n_max);
}

/* The counters of a run of tiles, for its summary line. */
static void details_tiles(const struct smx_cosim *c, char *details, size_t len)
{
	char algo[96], source[HARNESS_MSG_MAX - 512];

	if (c->algo == SMX_ITA)
		snprintf(algo, sizeof algo, "eps32_rows=%" PRIu64 " algo=ita "
			 "dividers=%d div_latency=%d", c->cov_eps32,
			 SMX_DIVIDERS, SMX_DIV_LATENCY);
	else
		snprintf(algo, sizeof algo, "algo=online recip_latency=%d",
			 SMX_RECIP_LATENCY);
	if (c->npy.prefix)
		snprintf(source, sizeof source, "npy=%s rows_vs_out.npy=%"
			 PRIu64, c->npy.prefix, c->npy.rows_dump);
	else
		snprintf(source, sizeof source, "rows<=%u n<=%u", c->rows_max,
			 c->n_max);
	snprintf(details, len, "rows=%" PRIu64 " score_beats=%" PRIu64
		 " prob_beats=%" PRIu64 " rescales=%" PRIu64 " p255=%" PRIu64
		 " c>L_windows=%" PRIu64 " fifo_full=%" PRIu64 " %s lanes=%d"
		 " exp_latency=%d %s", c->rows_checked, c->beats_fed,
		 c->beats_checked, c->cov_rescale, c->cov_sat, c->cov_long,
		 c->cov_full, algo, SMX_LANES, SMX_EXP_LATENCY, source);
}

/* The summary line on stdout: verdict, counts, coverage, the unit. */
static void summary(const struct smx_cosim *c, int status)
{
	const struct harness_tally t = {
		c->cycle, c->fused_n ? c->scen_done : c->wb_tile,
		c->fused_n ? "fused scenario" : "tile", c->mismatches, c->seed
	};
	char details[HARNESS_MSG_MAX];

	if (c->fused_n)
		details_fused(c, details, sizeof details);
	else
		details_tiles(c, details, sizeof details);
	harness_summary(PROG, status, &t, details);
}

int smx_cosim_finish(struct smx_cosim *c)
{
	int status = c->failed ? 1 : 0;

	if (vec_close(c) && !status)
		status = 2;
	if (!c->failed && c->inject)
		status = harness_inject_missed(c->replay, PROG,
					       inject_names[c->inject_port],
					       c->inject_cycle, c->injected);
	if (!c->replay)
		summary(c, status);
	cosim_free(c);
	return status;
}
