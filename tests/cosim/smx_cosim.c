/*
 * smx_cosim.c - the C side of the softmax-unit co-simulation (see
 * smx_cosim.h).
 *
 * Stimulus: a seeded random stream of softmax tiles (rows 1..SMX_ROWS, row
 * length n 1..SMX_N_MAX, in_frac 0..31 with 16..31 read as 15, scores from
 * several distributions: uniform, narrow, ascending ramps that rescale on
 * every score, the two int8 rails), one command per tile with kcycles =
 * smx_cycles(online) for the build's LANES, EXP_LATENCY and RECIP_LATENCY,
 * presented with random gaps on cmd_valid and held until accepted. The
 * score feeder answers every x_rd of the RTL with the scores of the tile
 * the model is working on (random junk in lanes at or beyond n), and the
 * model (models/fu.c) computes the tile with smx_row when it finishes it.
 *
 * Checked after every clock: cmd_ready, active, rd_done and wb_done (valid,
 * and flags + op when valid), and the probability beats: each tile's beats
 * arrive in order (row, beat), carry exactly smx_row's probabilities (0 in
 * lanes at or beyond n), and on wb_done each arrival cycle is checked
 * against the schedule in rtl/smx.v's header, the last one on the wb_done
 * cycle itself.
 *
 * With --write-vectors DIR the run also writes its inputs and the expected
 * outputs, cycle by cycle, as plain text (format in smx_cosim.h), for
 * tests/icarus/tb_smx.v to replay on the RTL without the C side.
 *
 * Invariant: the model and the RTL see identical inputs in every cycle; the
 * harness decides acceptance from the model's registered cmd_ready, which
 * the previous check proved equal to the RTL's.
 */
#include "smx_cosim.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fu.h"
#include "smx.h"
#include "smx_ref.h"
#include "unit.h"

_Static_assert(SMX_LANES >= 1 && SMX_EXP_LATENCY >= 1 && SMX_RECIP_LATENCY >= 1,
	       "rtl/smx.v needs LANES, EXP_LATENCY, RECIP_LATENCY >= 1");
_Static_assert(SMX_N_MAX >= 1 && SMX_N_MAX <= 65536, "row length");

#define DRAIN_IDLE 4		/* idle cycles checked after the last tile */

enum inject_port {
	INJ_OUT_P, INJ_ACTIVE, INJ_CMD_READY, INJ_RD_DONE, INJ_WB_DONE, INJ_N
};
static const char *const inject_names[INJ_N] = {
	"out_p", "active", "cmd_ready", "rd_done", "wb_done"
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

/* One softmax tile: its command fields, scores and probabilities. */
struct tile {
	struct smx_job job;	/* the model's view (first member: cmd.data
				 * points here) */
	uint32_t rows, n;	/* rows, row length */
	uint32_t c;		/* beats a row: ceil(n / LANES) */
	uint32_t in_frac;	/* as sent, 0 .. 31 */
	uint64_t kcycles;	/* smx_cycles */
	int8_t *x;		/* rows x n scores */
	uint8_t *p;		/* rows x n, written by the model */
	uint8_t *want;		/* rows x n, smx_row's probabilities */
	uint64_t *beat_cycle;	/* rows x c: cycle each beat was on out_p */
	uint32_t beats_seen;	/* probability beats received */
};

struct smx_cosim {
	/* options */
	uint64_t seed;		/* --seed */
	uint64_t n_tiles_max;	/* --tiles */
	uint64_t max_cycles;	/* --max-cycles: give up (a hang) */
	uint64_t inject_cycle;	/* --inject-flip: first cycle to flip at */
	int inject;		/* 1: a flip is armed */
	int injected;		/* 1: the flip was done */
	enum inject_port inject_port;	/* --inject-port */
	const char *vcd;	/* --vcd FILE or NULL */
	const char *vec_dir;	/* --write-vectors DIR or NULL */
	FILE *vec_stim;		/* DIR/stim.txt, or NULL */
	FILE *vec_expect;	/* DIR/expect.txt, or NULL */
	struct vec_line *vec;	/* expect lines not yet written, a ring
				 * indexed by cycle % vec_lag */
	uint64_t vec_lag;	/* its size: the longest tile, in cycles */
	uint64_t vec_first;	/* cycle of the oldest line in vec */
	uint64_t vec_next;	/* cycle of the next line to record */

	/* the C model and its ports */
	struct smx_params sp;	/* timing of the build's unit */
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
	uint64_t cov_rescale;	/* coverage: scores above the running max */
	uint64_t cov_sat;	/* coverage: probabilities capped at 255 */
	uint64_t cov_long;	/* coverage: windows where c > RECIP_LATENCY */
	int failed;		/* 1: a mismatch was reported */
	int done;		/* 1: nothing left to compare */
};

/* ---- random numbers (xorshift64*, seeded through splitmix64) ---- */

static uint64_t rnd(struct smx_cosim *c)
{
	c->rng ^= c->rng >> 12;
	c->rng ^= c->rng << 25;
	c->rng ^= c->rng >> 27;
	return c->rng * 0x2545F4914F6CDD1Dull;
}

/* Uniform in lo .. hi inclusive. */
static uint64_t range(struct smx_cosim *c, uint64_t lo, uint64_t hi)
{
	return lo + rnd(c) % (hi - lo + 1);
}

static int chance(struct smx_cosim *c, unsigned percent)
{
	return rnd(c) % 100 < percent;
}

/* ---- bit fields of the lane ports ---- */

static void put_bits(uint32_t *w, uint32_t bit, uint32_t width, uint32_t v)
{
	uint32_t i;

	for (i = 0; i < width; i++, bit++) {
		if (v >> i & 1)
			w[bit / 32] |= 1u << bit % 32;
		else
			w[bit / 32] &= ~(1u << bit % 32);
	}
}

static uint32_t get_bits(const uint32_t *w, uint32_t bit, uint32_t width)
{
	uint32_t i, v = 0;

	for (i = 0; i < width; i++, bit++)
		v |= (w[bit / 32] >> bit % 32 & 1) << i;
	return v;
}

/* Random bits in a port of bits bits; the bits above it stay 0, as
 * Verilator requires of its inputs. */
static void garbage(struct smx_cosim *c, uint32_t *w, uint32_t bits)
{
	uint32_t i;

	memset(w, 0, SMX_WORDS(bits) * sizeof *w);
	for (i = 0; i < bits / 32; i++)
		w[i] = (uint32_t)rnd(c);
	if (bits % 32)
		w[i] = (uint32_t)rnd(c) & ((1u << bits % 32) - 1);
}

/* Random value of a bits-wide scalar port. */
static uint32_t noise(struct smx_cosim *c, uint32_t bits)
{
	return (uint32_t)rnd(c) & (uint32_t)((1ull << bits) - 1);
}

static uint32_t clog2(uint64_t v)
{
	uint32_t b = 0;

	while ((1ull << b) < v)
		b++;
	return b;
}

/* ---- reporting ---- */

static int mismatch(struct smx_cosim *c, const char *port, uint64_t expected,
		    uint64_t actual)
{
	fprintf(stderr, "smx_cosim: MISMATCH at cycle %" PRIu64 " port %s: "
		"expected 0x%" PRIx64 ", actual 0x%" PRIx64 " (seed %" PRIu64
		"%s)\n", c->cycle, port, expected, actual, c->seed,
		c->injected ? ", injected fault" : "");
	c->failed = 1;
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

/* Random scores of one row, from one of several distributions. */
static void row_scores(struct smx_cosim *c, int8_t *x, uint32_t n)
{
	uint32_t i, kind = (uint32_t)range(c, 0, 5);
	int32_t lo = (int32_t)range(c, 0, 255) - 128, hi = lo, v;

	if (kind == 1)		/* narrow: many terms of similar size */
		hi = lo + (int32_t)range(c, 0, 12);
	else if (kind == 5)	/* wide */
		hi = lo + (int32_t)range(c, 0, 255);
	hi = hi > 127 ? 127 : hi;
	for (i = 0; i < n; i++) {
		switch (kind) {
		case 2:		/* ascending ramp: a rescale on every score */
			v = -128 + (int32_t)(i * range(c, 1, 6));
			x[i] = (int8_t)(v > 127 ? 127 : v);
			break;
		case 3:		/* the rails */
			x[i] = (int8_t)(rnd(c) & 1 ? 127 : -128);
			break;
		case 4:		/* low block, then jumps */
			x[i] = (int8_t)(i < n / 2 ? range(c, 0, 40) - 128 :
					range(c, 0, 255) - 128);
			break;
		case 0:
			x[i] = (int8_t)(range(c, 0, 255) - 128);
			break;
		default:
			x[i] = (int8_t)(lo + (int32_t)range(c, 0, (uint64_t)(hi - lo)));
			break;
		}
	}
}

static struct tile *tile_new(struct smx_cosim *c)
{
	struct tile *t = calloc(1, sizeof *t);
	uint32_t r, i;

	if (!t)
		return NULL;
	t->rows = (uint32_t)range(c, 1, SMX_ROWS);
	t->n = (uint32_t)(chance(c, 10) ? (chance(c, 50) ? 1 : SMX_N_MAX) :
			  range(c, 1, SMX_N_MAX));
	t->c = (t->n + SMX_LANES - 1) / SMX_LANES;
	t->in_frac = (uint32_t)(chance(c, 80) ? range(c, 0, 7) :
				chance(c, 70) ? range(c, 8, 15) : range(c, 16, 31));
	t->kcycles = smx_cycles(&c->sp, t->rows, t->n);
	t->x = malloc((size_t)t->rows * t->n);
	t->p = malloc((size_t)t->rows * t->n);
	t->want = malloc((size_t)t->rows * t->n);
	t->beat_cycle = calloc((size_t)t->rows * t->c, sizeof *t->beat_cycle);
	if (!t->x || !t->p || !t->want || !t->beat_cycle) {
		tile_free(t);
		return NULL;
	}
	smx_job_init(&t->job);
	t->job.algo = SMX_ONLINE;
	t->job.fmt = (struct smx_fmt){ .in_frac = t->in_frac, .ita_eps32 = 0 };
	t->job.x = t->x;
	t->job.p = t->p;
	t->job.n = t->n;
	for (r = 0; r < t->rows; r++) {
		const int8_t *x = t->x + (size_t)r * t->n;
		int32_t b;

		row_scores(c, t->x + (size_t)r * t->n, t->n);
		smx_row(SMX_ONLINE, &t->job.fmt, x, t->n,
			t->want + (size_t)r * t->n);
		for (b = x[0], i = 1; i < t->n; i++) {
			c->cov_rescale += x[i] > b;
			b = x[i] > b ? x[i] : b;
		}
		for (i = 0; i < t->n; i++)
			c->cov_sat += t->want[(size_t)r * t->n + i] == 255;
		c->cov_long += r + 1 < t->rows && t->c > SMX_RECIP_LATENCY;
	}
	memset(t->p, 0x55, (size_t)t->rows * t->n);
	return t;
}

/*
 * Cycle of probability beat (row, beat) relative to the tile's first busy
 * cycle, from rtl/smx.v's schedule: P1(0) c, then per row a window of
 * max(R, c) (R for the last row) and P2 c, then E; the beat leaves E
 * cycles after its read.
 */
static uint64_t beat_step(const struct tile *t, uint32_t row, uint32_t beat)
{
	uint64_t s = t->c, r = SMX_RECIP_LATENCY;
	uint32_t j;

	for (j = 0; j <= row; j++)
		s += (j + 1 < t->rows && t->c > r ? t->c : r) + (j < row ? t->c : 0);
	return s + beat + SMX_EXP_LATENCY;
}

/* ---- stimulus ---- */

/* Present the next tile's command; returns -1 when out of memory. */
static int next_cmd(struct smx_cosim *c)
{
	struct tile *t;
	struct smx_pins *p = &c->cmd;
	uint32_t flags = (uint32_t)(rnd(c) & 0x1f);

	if (c->n_tiles == c->cap_tiles) {
		size_t cap = c->cap_tiles ? 2 * c->cap_tiles : 64;
		struct tile **nt = realloc(c->tiles, cap * sizeof *nt);

		if (!nt)
			return -1;
		c->tiles = nt;
		c->cap_tiles = cap;
	}
	t = tile_new(c);
	if (!t)
		return -1;
	c->tiles[c->n_tiles] = t;
	c->in = (struct unit_cmd){
		.valid = 1, .flags = (uint8_t)flags, .op = (uint32_t)c->n_tiles,
		.rows = t->rows, .cols = t->n, .kcycles = t->kcycles,
		.r0 = 0, .c0 = 0, .data = &t->job,
	};
	c->n_tiles++;
	p->cmd_valid = 1;
	p->cmd_flags = (uint8_t)flags;
	p->cmd_op = c->in.op;
	p->cmd_rows = t->rows;
	p->cmd_cols = t->n;
	p->cmd_kcycles = (uint32_t)t->kcycles;
	p->cmd_in_frac = t->in_frac;
	return 0;
}

/* The command pins: the presented command, or random payload without
 * cmd_valid (the RTL must ignore it). */
static void drive_cmd(struct smx_cosim *c, struct smx_pins *p)
{
	const struct smx_pins *q = &c->cmd;

	p->cmd_valid = c->in.valid;
	if (!c->in.valid) {
		p->cmd_flags = (uint8_t)noise(c, 5);
		p->cmd_op = noise(c, 32);
		p->cmd_rows = noise(c, clog2(SMX_ROWS + 1));
		p->cmd_cols = noise(c, clog2(SMX_N_MAX + 1));
		p->cmd_kcycles = noise(c, SMX_KC_BITS);
		p->cmd_in_frac = noise(c, 5);
		return;
	}
	p->cmd_flags = q->cmd_flags;
	p->cmd_op = q->cmd_op;
	p->cmd_rows = q->cmd_rows;
	p->cmd_cols = q->cmd_cols;
	p->cmd_kcycles = q->cmd_kcycles;
	p->cmd_in_frac = q->cmd_in_frac;
}

/* Idle cycles after an accepted command: mostly none, sometimes long
 * enough for the unit to go idle. */
static uint64_t gap_after(struct smx_cosim *c)
{
	uint64_t r = rnd(c) % 100;

	if (r < 50)
		return 0;
	if (r < 80)
		return range(c, 1, 3);
	if (r < 95)
		return range(c, 4, 20);
	return range(c, 20, 300);
}

/* The score beat the RTL asked for on x_rd, from the model's tile. */
static int feed(struct smx_cosim *c, struct smx_pins *p)
{
	const struct tile *t = c->u.cur.data;
	uint32_t l, i;

	garbage(c, p->x_data, SMX_X_BITS);
	if (!t)
		return mismatch(c, "x_rd (no tile in progress)", 0, 1);
	if (p->x_row >= t->rows)
		return mismatch(c, "x_row (beyond the tile)", t->rows - 1, p->x_row);
	if (p->x_col >= t->c)
		return mismatch(c, "x_col (beyond the row)", t->c - 1, p->x_col);
	for (l = 0; l < SMX_LANES; l++) {
		i = p->x_col * SMX_LANES + l;
		if (i < t->n)
			put_bits(p->x_data, l * 8, 8,
				 (uint8_t)t->x[(size_t)p->x_row * t->n + i]);
	}
	c->beats_fed++;
	return 0;
}

/* ---- vector files (--write-vectors, format in smx_cosim.h) ---- */

#define VEC_RIB (SMX_ROWS > 1 ? clog2(SMX_ROWS) : 1)	/* x_row, out_row */
#define VEC_CMAX ((SMX_N_MAX + SMX_LANES - 1) / SMX_LANES)
#define VEC_CIB (VEC_CMAX > 1 ? clog2(VEC_CMAX) : 1)	/* x_col, out_col */

/* A port of bits bits, in hex with ceil(bits / 4) digits. */
static void put_hex(FILE *f, const uint32_t *w, uint32_t bits)
{
	uint32_t d = (bits + 3) / 4;

	while (d--) {
		uint32_t lo = 4 * d;

		fputc("0123456789abcdef"[get_bits(w, lo, bits - lo < 4 ?
						       bits - lo : 4)], f);
	}
}

/* A scalar port of bits bits (<= 32), then a space or a newline. */
static void put_num(FILE *f, uint32_t v, uint32_t bits, char sep)
{
	uint32_t w[2] = { v, 0 };

	put_hex(f, w, bits);
	fputc(sep, f);
}

/* The header line: kind (stim or expect), the parameters, the columns. */
static void vec_header(struct smx_cosim *c, FILE *f, const char *kind,
		       const char *cols)
{
	fprintf(f, "# smx %s LANES=%d EXP_LATENCY=%d RECIP_LATENCY=%d ROWS=%d "
		"N_MAX=%d KC_BITS=%d reset=%d seed=%" PRIu64 " tiles=%" PRIu64
		" | %s\n", kind, SMX_LANES, SMX_EXP_LATENCY, SMX_RECIP_LATENCY,
		SMX_ROWS, SMX_N_MAX, SMX_KC_BITS, SMX_COSIM_RESET_CYCLES,
		c->seed, c->n_tiles_max, cols);
}

/* Create DIR (one level), open both files and the ring of held lines;
 * returns -1 after a message. */
static int vec_open(struct smx_cosim *c)
{
	char path[4096];

	if (mkdir(c->vec_dir, 0777) && errno != EEXIST) {
		fprintf(stderr, "smx_cosim: cannot create %s: %s\n", c->vec_dir,
			strerror(errno));
		return -1;
	}
	c->vec_lag = smx_cycles(&c->sp, SMX_ROWS, SMX_N_MAX) + 1;
	c->vec = calloc(c->vec_lag, sizeof *c->vec);
	if (!c->vec) {
		fprintf(stderr, "smx_cosim: out of memory\n");
		return -1;
	}
	snprintf(path, sizeof path, "%s/stim.txt", c->vec_dir);
	c->vec_stim = fopen(path, "w");
	if (c->vec_stim) {
		snprintf(path, sizeof path, "%s/expect.txt", c->vec_dir);
		c->vec_expect = fopen(path, "w");
	}
	if (!c->vec_stim || !c->vec_expect) {
		fprintf(stderr, "smx_cosim: cannot write %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	vec_header(c, c->vec_stim, "stim",
		   "cycle rst_l cmd_valid cmd_flags cmd_op cmd_rows cmd_cols "
		   "cmd_kcycles cmd_in_frac x_data");
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
	put_num(f, p->rst_l, 1, ' ');
	put_num(f, p->cmd_valid, 1, ' ');
	put_num(f, p->cmd_flags, 5, ' ');
	put_num(f, p->cmd_op, 32, ' ');
	put_num(f, p->cmd_rows, clog2(SMX_ROWS + 1), ' ');
	put_num(f, p->cmd_cols, clog2(SMX_N_MAX + 1), ' ');
	put_num(f, p->cmd_kcycles, SMX_KC_BITS, ' ');
	put_num(f, p->cmd_in_frac, 5, ' ');
	put_hex(f, p->x_data, SMX_X_BITS);
	fputc('\n', f);
}

/* Write the oldest held expect line. */
static void vec_flush_one(struct smx_cosim *c)
{
	const struct vec_line *l = &c->vec[c->vec_first % c->vec_lag];
	FILE *f = c->vec_expect;

	fprintf(f, "%" PRIu64 " ", l->cycle);
	put_num(f, l->o.cmd_ready, 1, ' ');
	put_num(f, l->o.active, 1, ' ');
	put_num(f, l->o.rd_done.valid, 1, ' ');
	put_num(f, l->o.rd_done.flags, 5, ' ');
	put_num(f, l->o.rd_done.op, 32, ' ');
	put_num(f, l->o.wb_done.valid, 1, ' ');
	put_num(f, l->o.wb_done.flags, 5, ' ');
	put_num(f, l->o.wb_done.op, 32, ' ');
	put_num(f, l->x_rd, 1, ' ');
	put_num(f, l->x_row, VEC_RIB, ' ');
	put_num(f, l->x_col, VEC_CIB, ' ');
	put_num(f, l->out_valid, 1, ' ');
	put_num(f, l->out_row, VEC_RIB, ' ');
	put_num(f, l->out_col, VEC_CIB, ' ');
	put_hex(f, l->out_p, SMX_X_BITS);
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
		fprintf(stderr, "smx_cosim: internal: beat due on cycle %" PRIu64
			", lines held %" PRIu64 " .. %" PRIu64 "\n", cyc,
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
		fprintf(stderr, "smx_cosim: internal: two reads due on cycle %"
			PRIu64 "\n", l->cycle);
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
 * c cycles, then P2(i)).
 */
static int vec_tile(struct smx_cosim *c, const struct tile *t)
{
	uint64_t first = c->cycle + 1 - t->kcycles, s, w;
	uint32_t r, b, l, i;
	struct vec_line *v;

	if (t->kcycles >= c->vec_lag) {
		fprintf(stderr, "smx_cosim: internal: tile of %" PRIu64
			" cycles, ring of %" PRIu64 "\n", t->kcycles, c->vec_lag);
		return -1;
	}
	for (b = 0; b < t->c; b++)
		if (vec_read(c, first, b, 0, b))
			return -1;
	s = t->c;
	for (r = 0; r < t->rows; r++) {
		w = r + 1 < t->rows && t->c > SMX_RECIP_LATENCY ? t->c :
		    SMX_RECIP_LATENCY;
		for (b = 0; r + 1 < t->rows && b < t->c; b++)
			if (vec_read(c, first, s + b, r + 1, b))
				return -1;
		s += w;
		for (b = 0; b < t->c; b++) {
			if (vec_read(c, first, s + b, r, b))
				return -1;
			v = vec_at(c, first, beat_step(t, r, b));
			if (!v)
				return -1;
			if (v->out_valid) {
				fprintf(stderr, "smx_cosim: internal: two beats "
					"due on cycle %" PRIu64 "\n", v->cycle);
				return -1;
			}
			v->out_valid = 1;
			v->out_row = r;
			v->out_col = b;
			for (l = 0; l < SMX_LANES; l++) {
				i = b * SMX_LANES + l;
				put_bits(v->out_p, l * 8, 8, i < t->n ?
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
		fprintf(stderr, "smx_cosim: error writing vectors to %s\n",
			c->vec_dir);
	return bad ? -1 : 0;
}

/* ---- options ---- */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: smx_cosim [--seed N] [--tiles N] [--inject-flip CYCLE [--inject-port PORT]]\n"
		"                 [--vcd FILE] [--max-cycles N] [--write-vectors DIR]\n"
		"  --seed N          stimulus seed (default 1)\n"
		"  --tiles N         softmax tiles (commands) to issue (default 300)\n"
		"  --inject-flip N   flip one bit of an RTL output at the first cycle >= N where it is\n"
		"                    compared; the run must then fail with exit status 1\n"
		"  --inject-port P   out_p (default), active, cmd_ready, rd_done, wb_done\n"
		"  --vcd FILE        write waves (build with tracing)\n"
		"  --max-cycles N    fail when the run has not finished after N cycles\n"
		"  --write-vectors DIR  also write DIR/stim.txt (inputs, every cycle) and\n"
		"                    DIR/expect.txt (expected outputs) for tests/icarus/tb_smx.v\n");
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!s || !*s)
		return -1;
	*v = strtoull(s, &end, 0);
	return *end ? -1 : 0;
}

static int parse(struct smx_cosim *c, int argc, char **argv, int *status)
{
	int i, k;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			*status = 0;
			return -1;
		} else if (a[0] == '+') {
			continue;	/* +verilator+ options */
		} else if (!v) {
			break;
		}
		i++;
		if (!strcmp(a, "--seed")) {
			if (parse_u64(v, &c->seed))
				break;
		} else if (!strcmp(a, "--tiles")) {
			if (parse_u64(v, &c->n_tiles_max) || !c->n_tiles_max)
				break;
		} else if (!strcmp(a, "--max-cycles")) {
			if (parse_u64(v, &c->max_cycles))
				break;
		} else if (!strcmp(a, "--inject-flip")) {
			if (parse_u64(v, &c->inject_cycle))
				break;
			c->inject = 1;
		} else if (!strcmp(a, "--inject-port")) {
			for (k = 0; k < INJ_N && strcmp(v, inject_names[k]); k++)
				;
			if (k == INJ_N)
				break;
			c->inject_port = (enum inject_port)k;
		} else if (!strcmp(a, "--vcd")) {
			c->vcd = v;
		} else if (!strcmp(a, "--write-vectors")) {
			c->vec_dir = v;
		} else {
			break;
		}
	}
	if (i < argc) {
		fprintf(stderr, "smx_cosim: bad option or value at '%s'\n", argv[i]);
		usage(stderr);
		*status = 2;
		return -1;
	}
	return 0;
}

/* ---- the public interface ---- */

struct smx_cosim *smx_cosim_new(int argc, char **argv, int *status)
{
	struct smx_cosim *c = calloc(1, sizeof *c);

	*status = 2;
	if (!c) {
		fprintf(stderr, "smx_cosim: out of memory\n");
		return NULL;
	}
	c->seed = 1;
	c->n_tiles_max = 300;
	if (parse(c, argc, argv, status)) {
		free(c);
		return NULL;
	}
	c->sp = (struct smx_params){
		.lanes = SMX_LANES, .algo = SMX_ONLINE,
		.exp_latency = SMX_EXP_LATENCY, .recip_latency = SMX_RECIP_LATENCY,
		.dividers = 1, .div_latency = 1,
	};
	c->max_cycles = c->max_cycles ? c->max_cycles :
			c->n_tiles_max * (smx_cycles(&c->sp, SMX_ROWS, SMX_N_MAX) + 400);
	c->rng = c->seed + 0x9E3779B97F4A7C15ull;
	c->rng = (c->rng ^ c->rng >> 30) * 0xBF58476D1CE4E5B9ull;
	c->rng = (c->rng ^ c->rng >> 27) * 0x94D049BB133111EBull;
	c->rng ^= c->rng >> 31;
	if (!c->rng)
		c->rng = 1;
	fu_init(&c->u, "smx", &c->in, &c->want_op, NULL, NULL);
	if (c->vec_dir && vec_open(c)) {
		vec_close(c);
		free(c);
		return NULL;
	}
	return c;
}

const char *smx_cosim_vcd(const struct smx_cosim *c)
{
	return c->vcd;
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
		else if (c->n_tiles < c->n_tiles_max && next_cmd(c)) {
			fprintf(stderr, "smx_cosim: cannot build tile %zu\n",
				c->n_tiles);
			c->failed = c->done = 1;
			return;
		}
	}
	drive_cmd(c, p);
	p->rst_l = 1;
	if (p->x_rd) {
		if (feed(c, p))
			return;
	} else {
		garbage(c, p->x_data, SMX_X_BITS);
	}

	vec_stim(c, p, (int64_t)c->cycle);
	accept = c->in.valid && c->u.out.cmd_ready;
	c->cov_full += c->in.valid && !c->u.out.cmd_ready;
	fu_step(&c->u, c->cycle);
	fu_commit(&c->u);
	if (accept) {
		c->in.valid = 0;
		c->gap = gap_after(c);
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
	default:
		return;
	}
	c->injected = 1;
	fprintf(stderr, "smx_cosim: injected a bit flip on %s at cycle %" PRIu64 "\n",
		inject_names[c->inject_port], c->cycle);
}

/* One probability beat from the RTL: belongs to the oldest tile not done. */
static int take_beat(struct smx_cosim *c, const struct smx_pins *p)
{
	struct tile *t;
	uint32_t row, beat, l, i;
	char port[64];

	if (c->wb_tile >= c->n_tiles)
		return mismatch(c, "out_valid (no tile in progress)", 0, 1);
	t = c->tiles[c->wb_tile];
	if (t->beats_seen >= t->rows * t->c)
		return mismatch(c, "out_valid (beat beyond the tile)", 0, 1);
	row = t->beats_seen / t->c;
	beat = t->beats_seen % t->c;
	if (p->out_row != row)
		return mismatch(c, "out_row", row, p->out_row);
	if (p->out_col != beat)
		return mismatch(c, "out_col", beat, p->out_col);
	for (l = 0; l < SMX_LANES; l++) {
		uint32_t got = get_bits(p->out_p, l * 8, 8), want = 0;

		i = beat * SMX_LANES + l;
		if (i < t->n)
			want = t->want[(size_t)row * t->n + i];
		if (got != want) {
			snprintf(port, sizeof port, "out_p row %u score %u", row, i);
			return mismatch(c, port, want, got);
		}
	}
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
	if (t->beats_seen != t->rows * t->c)
		return mismatch(c, "out_valid (beats before wb_done)",
				t->rows * t->c, t->beats_seen);
	first = c->cycle + 1 - t->kcycles;	/* check cycle of busy step 0 */
	for (r = 0; r < t->rows; r++) {
		for (b = 0; b < t->c; b++) {
			uint64_t due = first + beat_step(t, r, b);

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
	tile_free(t);
	c->tiles[c->wb_tile++] = NULL;
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
	if (p->out_valid && take_beat(c, p))
		return 1;
	if (o->wb_done.valid && tile_written(c))
		return 1;
	if (c->cycle >= c->max_cycles) {
		fprintf(stderr, "smx_cosim: no finish after %" PRIu64 " cycles "
			"(seed %" PRIu64 ")\n", c->cycle, c->seed);
		c->failed = c->done = 1;
		return 1;
	}
	if (c->n_tiles >= c->n_tiles_max && !c->in.valid &&
	    c->wb_tile == c->n_tiles && !o->active && !c->u.f_len &&
	    ++c->idle_tail > DRAIN_IDLE)
		c->done = 1;
	return 0;
}

int smx_cosim_finish(struct smx_cosim *c)
{
	int status = c->failed ? 1 : 0;
	size_t i;

	if (vec_close(c) && !status)
		status = 2;
	if (!c->failed && c->inject) {
		fprintf(stderr, "smx_cosim: the %s flip at cycle %" PRIu64 " %s\n",
			inject_names[c->inject_port], c->inject_cycle,
			c->injected ? "was not caught" : "never happened (run too short)");
		status = 2;
	}
	printf("smx_cosim: %s seed=%" PRIu64 " cycles=%" PRIu64 " tiles=%zu rows=%"
	       PRIu64 " score_beats=%" PRIu64 " prob_beats=%" PRIu64 " rescales=%"
	       PRIu64 " p255=%" PRIu64 " c>R_windows=%" PRIu64 " fifo_full=%" PRIu64
	       " algo=online lanes=%d exp_latency=%d recip_latency=%d rows<=%d"
	       " n<=%d\n",
	       status ? "FAIL" : "PASS", c->seed, c->cycle, c->wb_tile,
	       c->rows_checked, c->beats_fed, c->beats_checked, c->cov_rescale,
	       c->cov_sat, c->cov_long, c->cov_full, SMX_LANES, SMX_EXP_LATENCY,
	       SMX_RECIP_LATENCY, SMX_ROWS, SMX_N_MAX);
	for (i = 0; i < c->n_tiles; i++)
		tile_free(c->tiles[i]);
	free(c->tiles);
	free(c);
	return status;
}
