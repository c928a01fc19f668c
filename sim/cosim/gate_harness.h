/*
 * gate_harness.h - the state of the gate-unit harness (gate_cosim.c:
 * stimulus, checks, options; gate_tiles.c: the tiles, random and --npy),
 * its parameters and its tiles.
 * Private to the harness's files; the interface is gate_cosim.h.
 */
#ifndef SIM_COSIM_GATE_HARNESS_H
#define SIM_COSIM_GATE_HARNESS_H

#include "gate_cosim.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fu.h"
#include "gate.h"
#include "smx.h"
#include "smx_ref.h"
#include "unit.h"
#include "lockstep.h"

_Static_assert(GATE_RTL_K_MAX >= 1 && GATE_RTL_K_MAX <= GATE_TOPK_MAX,
	       "K_MAX: 1 .. GATE_TOPK_MAX (models/gate.h)");
_Static_assert(GATE_RTL_E_MAX >= 1 && GATE_RTL_E_MAX <= 1024 &&
	       GATE_RTL_E_MAX <= GATE_E_MAX, "experts");
_Static_assert(GATE_RTL_T_MAX >= 1 && GATE_RTL_D_MAX >= 1, "tokens, width");
_Static_assert(GATE_RTL_GEMV >= 1 && GATE_RTL_SORTERS >= 1 && GATE_RTL_LANES >= 1 &&
	       GATE_RTL_EXP_LATENCY >= 1 && GATE_RTL_RECIP_LATENCY >= 1 &&
	       GATE_RTL_DIVIDERS >= 1 && GATE_RTL_DIV_LATENCY >= 1,
	       "rtl/gate.v needs GEMV, SORTERS, LANES and the latencies >= 1");
_Static_assert(GATE_RTL_ALGORITHM == 0 || GATE_RTL_ALGORITHM == 1,
	       "ALGORITHM: 0 online, 1 ita (the softmax data paths with RTL)");
_Static_assert(GATE_IDX_BITS <= 32 * (GATE_WORDS(GATE_IDX_BITS) - 1), "out_idx");

#define GAP_MAX 300		/* longest idle gap between commands */
/* commands after which the next waits for the unit to go idle: tiles
 * take longer than most gaps, so without this nearly all would start
 * back to back */
#define DRAIN_PERCENT 15
#define PROG GATE_COSIM_PROG	/* first on every message */
/* A message on stderr, PROG first; none in the --vcd replay (c->ls.quiet),
 * which would repeat the first run's. */
#define say(c, ...) lockstep_say((c)->ls.quiet, PROG, __VA_ARGS__)

/* What --inject-port flips: the unit's own ports, then the controller's
 * (ctl_flip). */
enum inject_port {
	INJ_OUT_IDX, INJ_OUT_SCORE, INJ_OUT_TOK, INJ_OUT_VALID, INJ_G_RD,
	INJ_N = INJ_G_RD + 5
};

/* The gate op of --npy, as sim/func.c dump_gate wrote it. */
struct real {
	uint32_t t, d, e, k;	/* tokens, width, experts, winners */
	int8_t *x;		/* t x d tokens (PREFIX.in.npy) */
	int8_t *w;		/* d x e router weights (PREFIX.wgate.npy) */
	int32_t *logits;	/* t x e (PREFIX.logits.npy) */
	uint16_t *topk;		/* t x k, best first (PREFIX.topk.npy) */
	uint8_t *score;		/* t x k, their probabilities (PREFIX.score.npy) */
	uint32_t shift;		/* logit requantization (json logit_shift) */
	uint32_t in_frac;	/* json softmax_in_frac, else 4 */
	uint32_t eps32;		/* json ita_eps32, else 0 */
	int dump_algo;		/* json softmax as enum smx_algo, -1 unknown */
	int compare_score;	/* 1: score.npy is of the build's ALGORITHM */
	int64_t task;		/* the router's task (json), -1 unknown */
	uint32_t next;		/* first token of the next tile */
};

/* One gate tile: its command fields, operands and expected results. */
struct tile {
	struct gate_job job;	/* the model's view (first member: cmd.data
				 * points here); x, w and shift live here */
	uint32_t t, d, e, k;	/* tokens, width, experts, winners */
	uint32_t r0;		/* its first token in the --npy op, else 0 */
	uint32_t beats;		/* operand beats a token: ceil(d e / GEMV) */
	uint64_t kcycles;	/* gate_cycles */
	uint64_t lat;		/* a1 + a2 + a3: first busy cycle to token 0 */
	uint64_t period;	/* max(a1, a2, a3): token to token */
	int8_t *x;		/* t x d */
	int8_t *w;		/* d x e */
	int32_t *logits;	/* t x e, gate_token's */
	uint16_t *want_idx;	/* t x k, gate_token's */
	uint8_t *want_score;	/* t x k */
	uint16_t *idx;		/* t x k, written by the model at finish */
	uint8_t *score;		/* t x k */
	int started;		/* the model started it: due0 is valid */
	uint64_t due0;		/* check cycle of token 0's index beat */
	uint32_t rd_tok, rd_beat;	/* next operand beat due on g_rd */
	uint32_t seen;		/* index beats received */
	int finished;		/* wb_done seen */
};

struct gate_cosim {
	struct lockstep ls;	/* options, cycle, first failure */
	uint64_t n_tiles_max;	/* --tiles */
	uint64_t max_cycles;	/* the hang bound: --max-cycles or ours */
	const char *npy;	/* --npy PREFIX or NULL */
	uint64_t t_max;		/* --max-tokens: tokens a tile, <= T_MAX */
	uint64_t d_max;		/* --max-width: random tokens' width, <= D_MAX */

	/* the C model and its ports */
	struct gate_params gp;	/* timing of the build's unit */
	struct lockstep_fu fu;	/* the controller model, its ports */

	/* stimulus */
	struct real real;	/* --npy: the dumped op */
	int drain;		/* 1: wait for the unit to go idle first */
	struct lockstep_tiles tiles;	/* every tile created, in order */
	size_t wb_tile;		/* tile whose wb_done comes next */
	size_t out_tile;	/* tile whose index beats come next */
	uint64_t beats_fed;	/* operand beats presented after g_rd */
	uint64_t tokens_checked;	/* index beats compared */
	uint64_t tokens_dump;	/* ... also against PREFIX.topk.npy */
	uint64_t last_busy;	/* 1 + the last cycle the model was busy */
	uint64_t cov_b2b;	/* coverage: tiles started right after another */
	uint64_t cov_tie;	/* coverage: winners tied with an earlier winner */
	uint64_t cov_sat;	/* coverage: tokens with a saturated int8 score */
	uint64_t cov_kmax;	/* coverage: tokens with k = K_MAX */
};
_Static_assert(offsetof(struct gate_cosim, ls) == 0, "lockstep_new");

/* ---- shared between the harness's files ---- */

void gate_cosim_real_free(struct real *r);

int gate_cosim_real_load(struct gate_cosim *c, char *err, size_t len);

void gate_cosim_tile_free(void *tile);

struct tile *gate_cosim_tile_random(struct gate_cosim *c);

struct tile *gate_cosim_tile_real(struct gate_cosim *c);

#endif
