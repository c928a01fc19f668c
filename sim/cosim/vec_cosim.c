/*
 * vec_cosim.c - the C side of the vector-unit GELU co-simulation (see
 * vec_cosim.h).
 *
 * Stimulus: a seeded random stream of GELU tiles (rows 1..VEC_RTL_ROWS, row
 * length n 1..VEC_RTL_N_MAX) with random formats: in_frac and out_frac 0..7,
 * table_step_log2 0..5 (sometimes 6..7, which the unit reads as 5) and
 * table_range_q8 over the config's 64..1408 (sometimes 0..63 or up to 2047,
 * read as 1408); inputs uniform, near zero, near the table's end, or the
 * int8 rails. One command per tile with kcycles = vec_cycles(gelu) for the
 * build's LANES and LATENCY, presented with random gaps on cmd_valid and
 * held until accepted. The feeder answers every x_rd of the RTL with the
 * inputs of the tile the model is working on (random junk in lanes at or
 * beyond rows * n), and the model (models/fu.c) computes the tile with
 * vec_gelu(VEC_GELU_TABLE) when it finishes it.
 *
 * Checked after every clock: cmd_ready, active, rd_done and wb_done (valid,
 * and flags + op when valid), and the output beats: each tile's beats
 * arrive in order, carry exactly vec_gelu's outputs (0 in lanes at or
 * beyond rows * n), and on wb_done each arrival cycle is checked against
 * rtl/vec.v's schedule (beat j on busy step j + LATENCY), the last
 * one on the wb_done cycle itself.
 *
 * Invariant: the model and the RTL see identical inputs in every cycle; the
 * harness decides acceptance from the model's registered cmd_ready, which
 * the previous check proved equal to the RTL's.
 */
#include "vec_cosim.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fu.h"
#include "unit.h"
#include "vec.h"
#include "vec_ref.h"
#include "lockstep.h"

_Static_assert(VEC_RTL_LANES >= 1 && VEC_RTL_LATENCY >= 1,
	       "rtl/vec.v needs LANES, LATENCY >= 1");
_Static_assert(VEC_RTL_ROWS >= 1 && VEC_RTL_N_MAX >= 1, "tile size");

#define GAP_MAX 300		/* longest idle gap between commands */
#define PROG VEC_COSIM_PROG	/* first on every message */

/* What --inject-port flips: the unit's own port, then the controller's
 * (ctl_flip). */
enum inject_port { INJ_OUT_Y, INJ_N = 5 };
static const char *const inject_names[INJ_N] = {
	"out_y", "active", "cmd_ready", "rd_done", "wb_done"
};

/* One GELU tile: its command fields, inputs and outputs. */
struct tile {
	struct vec_job job;	/* the model's view (first member: cmd.data
				 * points here) */
	uint32_t rows, n;	/* rows, row length */
	uint32_t e;		/* elements: rows * n */
	uint32_t b;		/* beats: ceil(e / LANES) */
	uint64_t kcycles;	/* vec_cycles */
	int8_t *x;		/* e inputs */
	int8_t *y;		/* e outputs, written by the model */
	int8_t *want;		/* e, vec_gelu's outputs */
	uint64_t *beat_cycle;	/* b: cycle each beat was on out_y */
	uint32_t beats_seen;	/* output beats received */
};

struct vec_cosim {
	struct lockstep ls;	/* options, cycle, first failure */
	uint64_t n_tiles_max;	/* --tiles */
	uint64_t max_cycles;	/* the hang bound: --max-cycles or ours */

	/* the C model and its ports */
	struct vec_params vp;	/* timing of the build's unit */
	struct lockstep_fu fu;	/* the controller model, its ports */

	/* stimulus */
	struct lockstep_tiles tiles;	/* every tile created, in order */
	size_t wb_tile;		/* tile whose beats come next */
	uint64_t beats_fed;	/* input beats presented on x_rd */
	uint64_t beats_checked;	/* output beats compared */
	uint64_t elems_checked;	/* outputs compared */
	uint64_t cov_fmt[8][8];	/* coverage: tiles per in_frac, out_frac */
	uint64_t cov_step[8];	/* coverage: tiles per step_log2 field */
	uint64_t cov_sat;	/* coverage: outputs at -128 or 127 */
	uint64_t cov_interp;	/* coverage: inputs inside the table range */
};
_Static_assert(offsetof(struct vec_cosim, ls) == 0, "lockstep_new");

/* A mismatch on port at this cycle: the run fails (lockstep.h). */
static int mismatch(struct vec_cosim *c, const char *port, uint64_t expected,
		    uint64_t actual)
{
	return lockstep_mismatch(&c->ls, port, expected, actual);
}

/* ---- tiles ---- */

static void tile_free(void *p)
{
	struct tile *t = p;

	if (!t)
		return;
	free(t->x);
	free(t->y);
	free(t->want);
	free(t->beat_cycle);
	free(t);
}

/* Random inputs from one of several distributions; lim is the table's end
 * in input LSBs (inputs around it test the range cut). */
static void inputs(struct vec_cosim *c, int8_t *x, uint32_t e, int32_t lim)
{
	uint32_t i, kind = (uint32_t)lockstep_range(&c->ls.rng, 0, 4);
	int32_t v;

	for (i = 0; i < e; i++) {
		switch (kind) {
		case 1:		/* near zero: the table's steep part */
			x[i] = (int8_t)(lockstep_range(&c->ls.rng, 0, 32) - 16);
			break;
		case 2:		/* around +-the range end */
			v = lim + (int32_t)lockstep_range(&c->ls.rng, 0, 6) - 3;
			v = v > 128 ? 128 : v;
			v = lockstep_rnd(&c->ls.rng) & 1 ? -v : v;
			x[i] = (int8_t)(v > 127 ? 127 : v);
			break;
		case 3:		/* the rails */
			x[i] = (int8_t)(lockstep_rnd(&c->ls.rng) & 1 ? 127 : -128);
			break;
		default:
			x[i] = (int8_t)(lockstep_range(&c->ls.rng, 0, 255) - 128);
			break;
		}
	}
}

static struct tile *tile_new(struct vec_cosim *c)
{
	struct tile *t = calloc(1, sizeof *t);
	struct vec_fmt *f;
	uint32_t i, s, rq;
	int32_t lim;

	if (!t)
		return NULL;
	t->rows = (uint32_t)lockstep_range(&c->ls.rng, 1, VEC_RTL_ROWS);
	t->n = (uint32_t)(lockstep_chance(&c->ls.rng, 10) ? (lockstep_chance(&c->ls.rng, 50) ? 1 : VEC_RTL_N_MAX) :
			  lockstep_range(&c->ls.rng, 1, VEC_RTL_N_MAX));
	t->e = t->rows * t->n;
	t->b = (t->e + VEC_RTL_LANES - 1) / VEC_RTL_LANES;
	t->kcycles = vec_cycles(&c->vp, VEC_K_GELU, t->rows, t->n);
	t->x = malloc(t->e);
	t->y = malloc(t->e);
	t->want = malloc(t->e);
	t->beat_cycle = calloc(t->b, sizeof *t->beat_cycle);
	if (!t->x || !t->y || !t->want || !t->beat_cycle) {
		tile_free(t);
		return NULL;
	}
	vec_job_init(&t->job);
	t->job.kind = VEC_K_GELU;
	t->job.gelu = VEC_GELU_TABLE;
	f = &t->job.fmt;
	f->in_frac = (uint32_t)lockstep_range(&c->ls.rng, 0, 7);
	f->out_frac = (uint32_t)lockstep_range(&c->ls.rng, 0, 7);
	f->table_step_log2 = (uint32_t)(lockstep_chance(&c->ls.rng, 90) ? lockstep_range(&c->ls.rng, 0, 5) : lockstep_range(&c->ls.rng, 6, 7));
	f->table_range_q8 = (uint32_t)(lockstep_chance(&c->ls.rng, 80) ? lockstep_range(&c->ls.rng, 64, 1408) :
				       lockstep_chance(&c->ls.rng, 50) ? 1408 : lockstep_chance(&c->ls.rng, 50) ?
				       lockstep_range(&c->ls.rng, 0, 63) : lockstep_range(&c->ls.rng, 1409, 2047));
	t->job.a = t->x;
	t->job.y = t->y;
	t->job.n = t->n;
	s = f->table_step_log2 < 5 ? f->table_step_log2 : 5;
	rq = f->table_range_q8 < 1408 ? f->table_range_q8 : 1408;
	lim = (int32_t)(((rq >> (8 - s)) << (8 - s)) >> (8 - f->in_frac));
	inputs(c, t->x, t->e, lim);
	vec_gelu(VEC_GELU_TABLE, f, t->x, t->e, t->want);
	for (i = 0; i < t->e; i++) {
		int32_t a = t->x[i] < 0 ? -t->x[i] : t->x[i];

		c->cov_sat += t->want[i] == 127 || t->want[i] == -128;
		c->cov_interp += a << (8 - f->in_frac) < (int32_t)((rq >> (8 - s)) << (8 - s));
	}
	c->cov_fmt[f->in_frac][f->out_frac]++;
	c->cov_step[f->table_step_log2]++;
	memset(t->y, 0x55, t->e);
	return t;
}

/* ---- stimulus ---- */

/* Present the next tile's command; returns -1 when out of memory. */
static int next_cmd(struct vec_cosim *c)
{
	uint8_t flags = (uint8_t)(lockstep_rnd(&c->ls.rng) & 0x1f);
	const struct tile *t;

	if (lockstep_tiles_push(&c->tiles, tile_new(c)))
		return -1;
	t = c->tiles.at[c->tiles.n - 1];
	lockstep_fu_present(&c->fu, flags, (uint32_t)c->tiles.n - 1, t->rows,
			    t->n, t->kcycles, &t->job);
	return 0;
}

/* The command pins: the presented command, its format from its tile's
 * job, or random payload without cmd_valid (the RTL must ignore it). */
static void drive_cmd(struct vec_cosim *c, struct vec_pins *p)
{
	const struct vec_job *j = c->fu.in.data;

	if (lockstep_drive_cmd(&c->ls.rng, &c->fu.in,
			       lockstep_clog2(VEC_RTL_ROWS + 1),
			       lockstep_clog2(VEC_RTL_N_MAX + 1),
			       VEC_RTL_KC_BITS, &p->cmd)) {
		p->cmd_in_frac = j->fmt.in_frac;
		p->cmd_out_frac = j->fmt.out_frac;
		p->cmd_step_log2 = j->fmt.table_step_log2;
		p->cmd_range_q8 = j->fmt.table_range_q8;
		return;
	}
	p->cmd_in_frac = lockstep_noise(&c->ls.rng, 3);
	p->cmd_out_frac = lockstep_noise(&c->ls.rng, 3);
	p->cmd_step_log2 = lockstep_noise(&c->ls.rng, 3);
	p->cmd_range_q8 = lockstep_noise(&c->ls.rng, 11);
}

/* The input beat the RTL asked for on x_rd, from the model's tile. */
static int feed(struct vec_cosim *c, struct vec_pins *p)
{
	const struct tile *t = c->fu.u.cur.data;
	uint32_t l, i;

	lockstep_garbage(&c->ls.rng, p->x_data, VEC_RTL_X_BITS);
	if (!t)
		return mismatch(c, "x_rd (no tile in progress)", 0, 1);
	if (p->x_beat >= t->b)
		return mismatch(c, "x_beat (beyond the tile)", t->b - 1, p->x_beat);
	for (l = 0; l < VEC_RTL_LANES; l++) {
		i = p->x_beat * VEC_RTL_LANES + l;
		if (i < t->e)
			lockstep_put_bits(p->x_data, l * 8, 8, (uint8_t)t->x[i]);
	}
	c->beats_fed++;
	return 0;
}

/* ---- options ---- */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vec_cosim [--seed N] [--tiles N] [--inject-flip N [--inject-port PORT]]\n"
		"                 [--vcd FILE [--vcd-window N|A:B]] [--max-cycles N]\n"
		"Runs rtl/vec.v in lockstep with models/fu.c + vec.c; exit 0 pass, 1 fail, 2 bad usage.\n"
		"  --tiles N         GELU tiles (commands) to issue (default 300)\n");
	lockstep_usage_common(f, inject_names, INJ_N);
}

/* Apply option a with its value v (NULL when a is last) to self, a struct
 * vec_cosim; lockstep_option_fn says what it returns. */
static enum lockstep_opt option(void *self, const char *a, const char *v)
{
	struct vec_cosim *c = self;
	enum lockstep_opt rc = lockstep_option(&c->ls, a, v);

	if (rc != LOCKSTEP_OPT_UNKNOWN)
		return rc;
	if (strcmp(a, "--tiles"))
		return LOCKSTEP_OPT_UNKNOWN;
	return lockstep_parse_u64(v, UINT64_MAX, &c->n_tiles_max) ||
	       !c->n_tiles_max ? LOCKSTEP_OPT_BAD : LOCKSTEP_OPT_OK;
}

/* Options that need another: one message naming them, or NULL. */
static const char *conflict(const void *self)
{
	const struct vec_cosim *c = self;

	return lockstep_conflict(&c->ls);
}

static const struct lockstep_cli cli = {
	PROG, inject_names, INJ_N, option, usage, conflict
};

/* ---- the public interface ---- */

struct vec_cosim *vec_cosim_new(int argc, char **argv, int replay,
				int *status)
{
	struct vec_cosim *c = lockstep_new(sizeof *c, &cli, replay, status);

	if (!c)
		return NULL;
	c->n_tiles_max = 300;
	c->tiles.drop = tile_free;
	if (lockstep_options(&cli, c, argc, argv, replay, status)) {
		free(c);
		return NULL;
	}
	c->vp = (struct vec_params){
		.lanes = VEC_RTL_LANES, .latency = VEC_RTL_LATENCY,
		.isqrt_latency = 1, .gelu = VEC_GELU_TABLE,
	};
	c->max_cycles = c->ls.max_cycles ? c->ls.max_cycles :
			c->n_tiles_max * (vec_cycles(&c->vp, VEC_K_GELU, VEC_RTL_ROWS,
						     VEC_RTL_N_MAX) + 400);
	lockstep_fu_start(&c->ls, &c->fu, "vec");
	return c;
}

const struct lockstep *vec_cosim_core(const struct vec_cosim *c)
{
	return &c->ls;
}

void vec_cosim_drive(struct vec_cosim *c, struct vec_pins *p)
{
	if (lockstep_cmd_due(&c->fu.in, &c->fu.gap) &&
	    c->tiles.n < c->n_tiles_max && next_cmd(c)) {
		lockstep_say(c->ls.quiet, PROG, "cannot build tile %zu "
			     "(out of memory)", c->tiles.n);
		lockstep_fail(&c->ls);
		return;
	}
	drive_cmd(c, p);
	p->rst_l = 1;
	if (p->x_rd) {
		if (feed(c, p))
			return;
	} else {
		lockstep_garbage(&c->ls.rng, p->x_data, VEC_RTL_X_BITS);
	}
	lockstep_fu_clock(&c->ls, &c->fu, GAP_MAX);
	c->ls.cycle++;
}

/* Flip one bit of the armed port if it is compared in this cycle. */
static void inject(struct vec_cosim *c, struct vec_pins *p)
{
	const char *port = lockstep_inject_due(&c->ls);

	if (!port || lockstep_inject_ctl(&c->ls, &p->ctl) || !p->out_valid)
		return;
	p->out_y[0] ^= 1;
	lockstep_injected(&c->ls);
}

/* One output beat from the RTL: belongs to the oldest tile not done. */
static int take_beat(struct vec_cosim *c, const struct vec_pins *p)
{
	struct tile *t = lockstep_tile(&c->ls, &c->tiles, c->wb_tile,
				       "out_valid (no tile in progress)");
	struct beat_diff d;
	uint32_t beat, first;
	char port[64];

	if (!t)
		return 1;
	if (t->beats_seen >= t->b)
		return mismatch(c, "out_valid (beat beyond the tile)", 0, 1);
	beat = t->beats_seen;
	if (p->out_beat != beat)
		return mismatch(c, "out_beat", beat, p->out_beat);
	first = beat * VEC_RTL_LANES;	/* < e: the tile has beat */
	if (beat_lanes("out_y", (const uint8_t *)t->want + first, t->e - first,
		       p->out_y, VEC_RTL_LANES, &d)) {
		snprintf(port, sizeof port, "out_y tile %zu element %u",
			 c->wb_tile, first + d.at);
		return mismatch(c, port, (uint64_t)d.want, (uint64_t)d.got);
	}
	c->elems_checked += t->e - first < VEC_RTL_LANES ? t->e - first :
			    VEC_RTL_LANES;
	t->beat_cycle[t->beats_seen++] = c->ls.cycle;
	c->beats_checked++;
	return 0;
}

/* The model finished the oldest tile: check its beats' cycles and the
 * model's own outputs, then free it. */
static int tile_written(struct vec_cosim *c)
{
	struct tile *t = lockstep_tile(&c->ls, &c->tiles, c->wb_tile,
				       "wb_done (no tile issued)");
	uint64_t first;
	uint32_t b;
	char port[64];

	if (!t || lockstep_fu_wrote(&c->ls, &c->fu, &t->job))
		return 1;
	if (t->beats_seen != t->b)
		return mismatch(c, "out_valid (beats before wb_done)", t->b,
				t->beats_seen);
	first = c->ls.cycle + 1 - t->kcycles;	/* check cycle of busy step 0 */
	for (b = 0; b < t->b; b++) {
		uint64_t due = first + b + VEC_RTL_LATENCY;

		if (t->beat_cycle[b] != due) {
			snprintf(port, sizeof port, "out_valid (cycle of beat %u)", b);
			return mismatch(c, port, due, t->beat_cycle[b]);
		}
	}
	for (b = 0; b < t->e; b++)
		if (t->y[b] != t->want[b]) {
			snprintf(port, sizeof port, "model y element %u (not "
				 "computed at finish)", b);
			return mismatch(c, port, (uint8_t)t->want[b], (uint8_t)t->y[b]);
		}
	tile_free(t);
	c->tiles.at[c->wb_tile++] = NULL;
	return 0;
}

int vec_cosim_check(struct vec_cosim *c, struct vec_pins *p)
{
	const struct ctl_ports want = lockstep_fu_ports(&c->fu);

	inject(c, p);
	if (lockstep_ctl(&c->ls, &want, &p->ctl) ||
	    (p->out_valid && take_beat(c, p)) ||
	    (want.wb_done_valid && tile_written(c)) ||
	    lockstep_hung(&c->ls, c->max_cycles))
		return 1;
	lockstep_drained(&c->ls, c->tiles.n >= c->n_tiles_max &&
			 c->wb_tile == c->tiles.n && lockstep_fu_idle(&c->fu));
	return 0;
}

/* The summary line on stdout: verdict, counts, coverage, the unit. */
static void summary(const struct vec_cosim *c, int status)
{
	char details[LOCKSTEP_MSG_MAX];
	uint32_t fmts = 0, steps = 0, i, j;

	for (i = 0; i < 8; i++) {
		steps += c->cov_step[i] != 0;
		for (j = 0; j < 8; j++)
			fmts += c->cov_fmt[i][j] != 0;
	}
	snprintf(details, sizeof details, "in_beats=%" PRIu64 " out_beats=%"
		 PRIu64 " outputs=%" PRIu64 " in_table=%" PRIu64 " saturated=%"
		 PRIu64 " fmts=%u/64 steps=%u/8 fifo_full=%" PRIu64 " lanes=%d"
		 " latency=%d rows<=%d n<=%d", c->beats_fed, c->beats_checked,
		 c->elems_checked, c->cov_interp, c->cov_sat, fmts, steps,
		 c->fu.cov_full, VEC_RTL_LANES, VEC_RTL_LATENCY, VEC_RTL_ROWS,
		 VEC_RTL_N_MAX);
	lockstep_report(&c->ls, status, c->wb_tile, "tile", details);
}

int vec_cosim_finish(struct vec_cosim *c)
{
	int status = lockstep_status(&c->ls, 0);
	summary(c, status);
	lockstep_tiles_free(&c->tiles);
	free(c);
	return status;
}
