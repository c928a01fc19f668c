/*
 * gate_cosim.c - the C side of the gate-unit co-simulation (see
 * gate_cosim.h): rtl/gate.v, the whole MoE gate (logits, softmax, top-k).
 *
 * Stimulus, random (the default): a seeded stream of gate tiles, T tokens
 * (1..--max-tokens, default T_MAX) of width D (1..--max-width, default
 * D_MAX) routed among E experts (1..E_MAX), k
 * winners (1..min(K_MAX, E)), the logit shift 1..20 (sometimes the
 * planner's 7 + (clog2(D) + 1) / 2 of sim/func.c, sometimes up to 31),
 * in_frac 0..7 (sometimes up to 31, read as 15), ita_eps32 0 or 1. The
 * int8 tokens x (T x D) and weights W_gate (D x E) come from several
 * distributions: uniform, small, the int8 rails (saturated scores at a
 * small shift), sparse, all-zero tokens and identical weight columns (all
 * logits of a token equal: ties everywhere), pairs of equal columns. One
 * command per tile with kcycles = gate_cycles for the build's GEMV,
 * SORTERS and softmax parameters, presented with random gaps on cmd_valid
 * and held until accepted: back-to-back commands meet a full FIFO; after
 * some commands the next waits until the unit is idle, so that tiles also
 * start on an empty pipeline.
 *
 * Stimulus, real data (--npy PREFIX): a gate op dumped by `stasim run
 * --mode functional --dump` (sim/func.c dump_gate): PREFIX.in.npy (tokens
 * x D int8) and PREFIX.wgate.npy (D x E int8) are the operands,
 * --max-tokens (default T_MAX) tokens a tile in token order; the logit
 * shift, the softmax format and algorithm come from PREFIX.json (else the
 * planner's rule and in_frac 4).
 *
 * The operand feeder answers every g_rd (token, beat) of the RTL in the
 * next cycle with the beat's products: lane l of beat j is product
 * p = j GEMV + l of W_gate's row-major order (d = p / E, e = p % E),
 * x[token][d] on g_a and W_gate[d][e] on g_w; lanes at p >= D E and every
 * lane of a cycle without g_rd carry random junk. The model (models/fu.c)
 * runs gate.c's job (gate_token per token) when it finishes a tile.
 *
 * Checked after every clock:
 *   - cmd_ready, active, rd_done and wb_done (valid, and flags + op when
 *     valid) against the fu model stepped in lockstep;
 *   - g_rd: every operand beat of the tile in progress read exactly once,
 *     in (token, beat) order, all of them by the tile's wb_done;
 *   - the index beats, against an expectation that does not come from the
 *     RTL: token i of a tile whose first busy cycle is b leaves on the edge
 *     ending cycle b + (a1 + a2 + a3) + i max(a1, a2, a3), a1..a3 =
 *     gate_stages() (the pipeline's closed form; the tile's last token
 *     comes one cycle after its wb_done). out_valid must be high exactly
 *     then, with out_tok = i, out_idx and out_score = gate_token's idx and
 *     score (0 in entries at or beyond k); with --npy also the dumped
 *     PREFIX.topk.npy, and PREFIX.score.npy when the dump's softmax is the
 *     build's ALGORITHM; gate_token's logits must equal PREFIX.logits.npy.
 * When a tile's last token has left, the model's own outputs (gate.c run
 * by fu.c at finish) must equal gate_token's too.
 *
 * Invariant: the model and the RTL see identical inputs in every cycle; the
 * harness decides acceptance from the model's registered cmd_ready, which
 * the previous check proved equal to the RTL's. A run is a pure function
 * of its options, which is what lets the --vcd replay repeat it.
 */
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
#include "harness.h"

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

#define DRAIN_IDLE 4		/* idle cycles checked after the last tile */
#define GAP_MAX 300		/* longest idle gap between commands */
/* commands after which the next waits for the unit to go idle: tiles
 * take longer than most gaps, so without this nearly all would start
 * back to back */
#define DRAIN_PERCENT 15
#define PROG GATE_COSIM_PROG	/* first on every message */
/* A message on stderr, PROG first; none in the --vcd replay (c->quiet),
 * which would repeat the first run's. */
#define say(c, ...) harness_say((c)->quiet, PROG, __VA_ARGS__)

enum inject_port {
	INJ_OUT_IDX, INJ_OUT_SCORE, INJ_OUT_TOK, INJ_OUT_VALID, INJ_G_RD,
	INJ_ACTIVE, INJ_CMD_READY, INJ_RD_DONE, INJ_WB_DONE, INJ_N
};
static const char *const inject_names[INJ_N] = {
	"out_idx", "out_score", "out_tok", "out_valid", "g_rd",
	"active", "cmd_ready", "rd_done", "wb_done"
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
	/* options */
	uint64_t seed;		/* --seed */
	uint64_t n_tiles_max;	/* --tiles */
	uint64_t max_cycles;	/* --max-cycles: give up (a hang) */
	uint64_t inject_cycle;	/* --inject-flip: first cycle to flip at */
	int inject;		/* 1: a flip is armed */
	int injected;		/* 1: the flip was done */
	enum inject_port inject_port;	/* --inject-port */
	struct harness_vcd vcd;	/* --vcd, --vcd-window */
	const char *npy;	/* --npy PREFIX or NULL */
	uint64_t t_max;		/* --max-tokens: tokens a tile, <= T_MAX */
	uint64_t d_max;		/* --max-width: random tokens' width, <= D_MAX */
	int quiet;		/* 1: the --vcd replay, which prints nothing */

	/* the C model and its ports */
	struct gate_params gp;	/* timing of the build's unit */
	struct fu u;		/* the controller model */
	struct unit_cmd in;	/* its command input */
	uint32_t want_op;	/* its want_op input: no stall attribution */

	/* stimulus */
	struct real real;	/* --npy: the dumped op */
	uint64_t rng;		/* xorshift64* state */
	uint64_t cycle;		/* clocks since reset */
	uint64_t gap;		/* idle cycles before the next cmd_valid */
	int drain;		/* 1: wait for the unit to go idle first */
	struct tile **tiles;	/* every tile created, in order */
	size_t n_tiles, cap_tiles;
	size_t wb_tile;		/* tile whose wb_done comes next */
	size_t out_tile;	/* tile whose index beats come next */
	struct gate_pins cmd;	/* the command pins presented */
	uint64_t beats_fed;	/* operand beats presented after g_rd */
	uint64_t tokens_checked;	/* index beats compared */
	uint64_t tokens_dump;	/* ... also against PREFIX.topk.npy */
	uint64_t idle_tail;	/* idle cycles compared after the last tile */
	uint64_t last_busy;	/* 1 + the last cycle the model was busy */
	uint64_t cov_full;	/* coverage: cycles cmd_valid met a full FIFO */
	uint64_t cov_b2b;	/* coverage: tiles started right after another */
	uint64_t cov_tie;	/* coverage: winners tied with an earlier winner */
	uint64_t cov_sat;	/* coverage: tokens with a saturated int8 score */
	uint64_t cov_kmax;	/* coverage: tokens with k = K_MAX */
	uint64_t mismatches;	/* outputs that differed (the run stops at 1) */
	int failed;		/* 1: a mismatch was reported */
	int64_t fail_cycle;	/* cycle of the first mismatch, -1 = none */
	int done;		/* 1: nothing left to compare */
};

/* ---- reporting ---- */

/* The run failed in this cycle: stop it. */
static void fail(struct gate_cosim *c)
{
	if (!c->failed)
		c->fail_cycle = (int64_t)c->cycle;
	c->failed = 1;
	c->done = 1;
}

static int mismatch(struct gate_cosim *c, const char *port, uint64_t expected,
		    uint64_t actual)
{
	harness_mismatch(c->quiet, PROG, c->cycle, port, expected, actual,
			 c->seed, c->injected);
	c->mismatches++;
	fail(c);
	return 1;
}

/* ---- the build's unit ---- */

static struct gate_params unit_params(void)
{
	return (struct gate_params){
		.gemv_width = GATE_RTL_GEMV,
		.sorters = GATE_RTL_SORTERS,
		.smx = {
			.lanes = GATE_RTL_LANES,
			.algo = GATE_RTL_ALGORITHM ? SMX_ITA : SMX_ONLINE,
			.exp_latency = GATE_RTL_EXP_LATENCY,
			.recip_latency = GATE_RTL_RECIP_LATENCY,
			.dividers = GATE_RTL_DIVIDERS,
			.div_latency = GATE_RTL_DIV_LATENCY,
		},
	};
}

/* ---- tiles ---- */

static void tile_free(struct tile *t)
{
	if (!t)
		return;
	free(t->x);
	free(t->w);
	free(t->logits);
	free(t->want_idx);
	free(t->want_score);
	free(t->idx);
	free(t->score);
	free(t);
}

/* A tile of tt tokens d wide, e experts, k winners: arrays unfilled, the
 * schedule and the model's job set up (shift and format still to set). */
static struct tile *tile_alloc(const struct gate_cosim *c, uint32_t tt,
			       uint32_t d, uint32_t e, uint32_t k)
{
	struct tile *t = calloc(1, sizeof *t);
	uint64_t a1, a2, a3;

	if (!t)
		return NULL;
	t->t = tt;
	t->d = d;
	t->e = e;
	t->k = k;
	t->beats = (uint32_t)(((uint64_t)d * e + GATE_RTL_GEMV - 1) / GATE_RTL_GEMV);
	t->kcycles = gate_cycles(&c->gp, tt, d, e);
	gate_stages(&c->gp, d, e, &a1, &a2, &a3);
	t->lat = a1 + a2 + a3;
	t->period = a1 > a2 ? (a1 > a3 ? a1 : a3) : (a2 > a3 ? a2 : a3);
	t->x = malloc((size_t)tt * d);
	t->w = malloc((size_t)d * e);
	t->logits = malloc((size_t)tt * e * sizeof *t->logits);
	t->want_idx = malloc((size_t)tt * k * sizeof *t->want_idx);
	t->want_score = malloc((size_t)tt * k);
	t->idx = calloc((size_t)tt * k, sizeof *t->idx);
	t->score = calloc((size_t)tt * k, 1);
	if (!t->x || !t->w || !t->logits || !t->want_idx || !t->want_score ||
	    !t->idx || !t->score) {
		tile_free(t);
		return NULL;
	}
	gate_job_init(&t->job);
	t->job.x = t->x;
	t->job.w = t->w;
	t->job.idx = t->idx;
	t->job.score = t->score;
	t->job.d = d;
	t->job.e = e;
	t->job.k = k;
	t->job.algo = c->gp.smx.algo;
	return t;
}

/* gate_token of every token into the tile's expected results, and the
 * coverage of what it chose: ties among the winners, saturated scores. */
static void tile_want(struct gate_cosim *c, struct tile *t)
{
	uint32_t i, j;

	for (i = 0; i < t->t; i++) {
		const int32_t *l = t->logits + (size_t)i * t->e;
		const uint16_t *w = t->want_idx + (size_t)i * t->k;
		int sat = 0;

		gate_token(&t->job, i, t->logits + (size_t)i * t->e,
			   t->want_idx + (size_t)i * t->k,
			   t->want_score + (size_t)i * t->k);
		for (j = 1; j < t->k; j++)
			c->cov_tie += l[w[j]] == l[w[j - 1]];
		/* a score the requantization saturates (models/gate.c) */
		for (j = 0; j < t->e; j++) {
			int64_t q = ((int64_t)l[j] + (1ll << (t->job.shift - 1))) >>
				    t->job.shift;

			sat |= q > 127 || q < -128;
		}
		c->cov_sat += sat;
		c->cov_kmax += t->k == GATE_RTL_K_MAX;
	}
}

/* The distributions of the random operands. */
enum fill {
	FILL_UNIFORM,	/* int8 uniform */
	FILL_SMALL,	/* -2 .. 2: many equal logits */
	FILL_RAILS,	/* -128 and 127: saturated scores at most shifts */
	FILL_SPARSE,	/* four in five 0 */
	FILL_ZERO,	/* tokens only: every logit of a token 0 */
	FILL_COLS,	/* weights only: identical columns, every logit of a
			 * token equal */
	FILL_PAIRS	/* weights only: columns equal in pairs (2i, 2i + 1) */
};

/* n random int8 values of distribution kind (uniform for the column
 * kinds, which fix_cols then makes equal). */
static void fill8(struct gate_cosim *c, int8_t *v, size_t n, enum fill kind)
{
	size_t i;

	for (i = 0; i < n; i++) {
		switch (kind) {
		case FILL_SMALL:
			v[i] = (int8_t)((int)harness_range(&c->rng, 0, 4) - 2);
			break;
		case FILL_RAILS:
			v[i] = (int8_t)(harness_rnd(&c->rng) & 1 ? 127 : -128);
			break;
		case FILL_SPARSE:
			v[i] = (int8_t)(harness_chance(&c->rng, 80) ? 0 :
					(int)harness_range(&c->rng, 0, 255) - 128);
			break;
		case FILL_ZERO:
			v[i] = 0;
			break;
		default:
			v[i] = (int8_t)((int)harness_range(&c->rng, 0, 255) - 128);
			break;
		}
	}
}

/* W_gate (d x e) of kind FILL_COLS or FILL_PAIRS: each column a copy of
 * column 0 or of its pair's first. */
static void fix_cols(int8_t *w, uint32_t d, uint32_t e, enum fill kind)
{
	uint32_t i, j;

	for (i = 0; i < d; i++)
		for (j = 1; j < e; j++) {
			if (kind == FILL_COLS)
				w[(size_t)i * e + j] = w[(size_t)i * e];
			else if (kind == FILL_PAIRS)
				w[(size_t)i * e + j] = w[(size_t)i * e + (j & ~1u)];
		}
}

/* Edge-biased size 1 .. max: 1 or max one time in ten each. */
static uint32_t pick(struct gate_cosim *c, uint32_t max)
{
	uint64_t r = harness_rnd(&c->rng) % 10;

	return r == 0 ? 1 : r == 1 ? max : (uint32_t)harness_range(&c->rng, 1, max);
}

/* A random tile: random shape and format, operands of random kinds. */
static struct tile *tile_random(struct gate_cosim *c)
{
	struct tile *t;
	static const enum fill wkinds[] = {
		FILL_UNIFORM, FILL_SMALL, FILL_RAILS, FILL_SPARSE, FILL_COLS,
		FILL_PAIRS
	};
	uint32_t tt, d, e, k, kmax;
	enum fill xk, wk;

	tt = pick(c, (uint32_t)c->t_max);
	d = pick(c, (uint32_t)c->d_max);
	e = pick(c, GATE_RTL_E_MAX);
	kmax = e < GATE_RTL_K_MAX ? e : GATE_RTL_K_MAX;
	k = (uint32_t)(harness_chance(&c->rng, 25) ? kmax :
		       harness_range(&c->rng, 1, kmax));
	t = tile_alloc(c, tt, d, e, k);
	if (!t)
		return NULL;
	t->job.shift = (uint32_t)(harness_chance(&c->rng, 30) ? gate_shift(d) :
				  harness_chance(&c->rng, 95) ?
				  harness_range(&c->rng, 1, 20) :
				  harness_range(&c->rng, 21, 31));
	t->job.fmt.in_frac = (uint32_t)(harness_chance(&c->rng, 90) ?
					harness_range(&c->rng, 0, 7) :
					harness_range(&c->rng, 8, 31));
	t->job.fmt.ita_eps32 = (uint32_t)(harness_rnd(&c->rng) & 1);
	/* all-zero tokens in 8 % of the tiles */
	xk = harness_chance(&c->rng, 8) ? FILL_ZERO :
	     (enum fill)harness_range(&c->rng, FILL_UNIFORM, FILL_SPARSE);
	wk = wkinds[harness_rnd(&c->rng) % (sizeof wkinds / sizeof *wkinds)];
	fill8(c, t->x, (size_t)tt * d, xk);
	fill8(c, t->w, (size_t)d * e, wk);
	fix_cols(t->w, d, e, wk);
	tile_want(c, t);
	return t;
}

/* The next --max-tokens dumped tokens (--npy). NULL when out of memory. */
static struct tile *tile_real(struct gate_cosim *c)
{
	struct real *r = &c->real;
	uint32_t tt = r->t - r->next < c->t_max ? r->t - r->next : (uint32_t)c->t_max;
	struct tile *t = tile_alloc(c, tt, r->d, r->e, r->k);

	if (!t)
		return NULL;
	t->r0 = r->next;
	memcpy(t->x, r->x + (size_t)r->next * r->d, (size_t)tt * r->d);
	memcpy(t->w, r->w, (size_t)r->d * r->e);
	t->job.shift = r->shift;
	t->job.fmt.in_frac = r->in_frac;
	t->job.fmt.ita_eps32 = r->eps32;
	tile_want(c, t);
	r->next += tt;
	return t;
}

/* ---- --npy: a gate op dumped by sim/func.c (sim/npy.c's format) ---- */

/* "FILE: FIELD: MESSAGE" into err; returns -1. */
static int load_error(char *err, size_t len, const char *file,
		      const char *field, const char *msg)
{
	snprintf(err, len, "%s: %s: %s", file, field, msg);
	return -1;
}

/* The numpy dtypes sim/npy.c writes, and their sizes. */
static const char *const npy_descr[] = { "|i1", "<i2", "<i4", "|u1" };
static const size_t npy_size[] = { 1, 2, 4, 1 };
enum { NPY_INT8, NPY_INT16, NPY_INT32, NPY_UINT8 };

/*
 * PREFIX.NAME.npy, 2-D, C order, of dtype type, into *v as int32 (rows x
 * cols). 0, or -1 with err and *v NULL.
 */
static int npy_read(const char *prefix, const char *name, int type,
		    uint64_t *rows, uint64_t *cols, int32_t **v, char *err,
		    size_t len)
{
	char path[1100], dict[1024], want[32];
	unsigned char pre[10], b[4];
	size_t hlen, sz = npy_size[type];
	int64_t r = 0, n = 0;
	int end = 0, rc = -1;
	const char *sh;
	uint64_t i;
	FILE *f;

	*v = NULL;
	snprintf(path, sizeof path, "%s.%s.npy", prefix, name);
	f = fopen(path, "rb");
	if (!f)
		return load_error(err, len, path, "open", strerror(errno));
	if (fread(pre, 1, 10, f) != 10 || memcmp(pre, "\x93NUMPY\x01", 7)) {
		load_error(err, len, path, "magic", "not an .npy 1.0 file");
		goto out;
	}
	hlen = pre[8] | (size_t)pre[9] << 8;
	if (hlen >= sizeof dict || fread(dict, 1, hlen, f) != hlen) {
		load_error(err, len, path, "header", "truncated or too long");
		goto out;
	}
	dict[hlen] = 0;
	snprintf(want, sizeof want, "'descr': '%s'", npy_descr[type]);
	if (!strstr(dict, want)) {
		snprintf(want, sizeof want, "not %s", npy_descr[type]);
		load_error(err, len, path, "descr", want);
		goto out;
	}
	if (!strstr(dict, "'fortran_order': False")) {
		load_error(err, len, path, "fortran_order", "not C order");
		goto out;
	}
	sh = strstr(dict, "'shape': (");
	/* %n is set only when the ')' right after two numbers matched */
	if (!sh || sscanf(sh, "'shape': (%" SCNd64 ", %" SCNd64 ")%n", &r, &n,
			  &end) != 2 || !end || r < 1 || n < 1 ||
	    r > UINT32_MAX || n > UINT32_MAX) {
		load_error(err, len, path, "shape", "not 2-D, or empty");
		goto out;
	}
	*rows = (uint64_t)r;
	*cols = (uint64_t)n;
	*v = malloc(*rows * *cols * sizeof **v);
	if (!*v) {
		load_error(err, len, path, "data", "out of memory");
		goto out;
	}
	for (i = 0; i < *rows * *cols; i++) {
		uint32_t u;

		if (fread(b, 1, sz, f) != sz) {
			load_error(err, len, path, "data", "truncated");
			goto out;
		}
		u = sz == 1 ? b[0] : sz == 2 ? (uint32_t)(b[0] | b[1] << 8) :
		    (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
		    (uint32_t)b[3] << 24;
		(*v)[i] = type == NPY_INT8 ? (int8_t)u : type == NPY_INT16 ?
			  (int16_t)u : (int32_t)u;
	}
	rc = 0;
out:
	fclose(f);
	if (rc) {
		free(*v);
		*v = NULL;
	}
	return rc;
}

/* The number after "KEY": in json, or -1 when absent. */
static int64_t json_num(const char *json, const char *key)
{
	char pat[64];
	const char *p;
	long long v;

	snprintf(pat, sizeof pat, "\"%s\":", key);
	p = strstr(json, pat);
	if (!p)
		return -1;
	p += strlen(pat);
	while (*p == ' ')
		p++;
	if (!strncmp(p, "true", 4))
		return 1;
	if (!strncmp(p, "false", 5))
		return 0;
	return sscanf(p, "%lld", &v) == 1 && v >= 0 ? v : -1;
}

/* PREFIX.json's shift, softmax format and algorithm into r; what it lacks
 * is the planner's rule, in_frac 4 (the config default), eps32 0 and an
 * unknown algorithm. The file itself may be missing. */
static void json_load(struct real *r, const char *prefix)
{
	char path[1100], text[4096], algo[32];
	const char *p;
	int64_t v;
	size_t n = 0;
	int a;
	FILE *f;

	r->shift = gate_shift(r->d);
	r->in_frac = 4;
	r->eps32 = 0;
	r->dump_algo = -1;
	r->task = -1;
	snprintf(path, sizeof path, "%s.json", prefix);
	f = fopen(path, "r");
	if (f) {
		n = fread(text, 1, sizeof text - 1, f);
		fclose(f);
	}
	text[n] = 0;
	if ((v = json_num(text, "logit_shift")) >= 1 && v <= 31)
		r->shift = (uint32_t)v;
	if ((v = json_num(text, "softmax_in_frac")) >= 0 && v <= 31)
		r->in_frac = (uint32_t)v;
	if ((v = json_num(text, "ita_eps32")) >= 0)
		r->eps32 = v != 0;
	r->task = json_num(text, "task");
	p = strstr(text, "\"softmax\": \"");
	if (p && sscanf(p, "\"softmax\": \"%31[a-z0-9]\"", algo) == 1)
		for (a = 0; a < SMX_ALGO_COUNT; a++)
			if (!strcmp(algo, smx_algo_name((enum smx_algo)a)))
				r->dump_algo = a;
}

static void real_free(struct real *r)
{
	free(r->x);
	free(r->w);
	free(r->logits);
	free(r->topk);
	free(r->score);
	memset(r, 0, sizeof *r);
}

/* Copy n int32 values into a narrower array (the .npy was range-checked). */
#define NARROW(dst, src, n) do {					\
		size_t i_;						\
		for (i_ = 0; i_ < (n); i_++)				\
			(dst)[i_] = (src)[i_];				\
	} while (0)

/* Every file of --npy into c->real, checked against the build's limits.
 * 0, or -1 with err. */
static int real_load(struct gate_cosim *c, char *err, size_t len)
{
	struct real *r = &c->real;
	const char *pf = c->npy;
	char file[1100], msg[160];
	uint64_t rows, cols, i;
	int32_t *v[5] = { NULL, NULL, NULL, NULL, NULL };
	int rc = -1;

	if (npy_read(pf, "in", NPY_INT8, &rows, &cols, &v[0], err, len))
		goto out;
	r->t = (uint32_t)rows;
	r->d = (uint32_t)cols;
	snprintf(file, sizeof file, "%s.in.npy", pf);
	if (r->d > GATE_RTL_D_MAX) {
		snprintf(msg, sizeof msg, "tokens %u wide: this build takes at most "
			 "D_MAX = %d", r->d, GATE_RTL_D_MAX);
		load_error(err, len, file, "shape", msg);
		goto out;
	}
	if (npy_read(pf, "wgate", NPY_INT8, &rows, &cols, &v[1], err, len))
		goto out;
	snprintf(file, sizeof file, "%s.wgate.npy", pf);
	if (rows != r->d) {
		load_error(err, len, file, "shape", "not one row per element of a token");
		goto out;
	}
	r->e = (uint32_t)cols;
	if (r->e > GATE_RTL_E_MAX) {
		snprintf(msg, sizeof msg, "%u experts: this build takes at most "
			 "E_MAX = %d", r->e, GATE_RTL_E_MAX);
		load_error(err, len, file, "shape", msg);
		goto out;
	}
	if (npy_read(pf, "logits", NPY_INT32, &rows, &cols, &v[2], err, len))
		goto out;
	snprintf(file, sizeof file, "%s.logits.npy", pf);
	if (rows != r->t || cols != r->e) {
		load_error(err, len, file, "shape", "not tokens x experts");
		goto out;
	}
	if (npy_read(pf, "topk", NPY_INT16, &rows, &cols, &v[3], err, len))
		goto out;
	snprintf(file, sizeof file, "%s.topk.npy", pf);
	r->k = (uint32_t)cols;
	if (rows != r->t || r->k > GATE_RTL_K_MAX || r->k > r->e) {
		snprintf(msg, sizeof msg, "%" PRIu64 " x %u: not one row per token, "
			 "or k beyond K_MAX = %d or the experts", rows, r->k,
			 GATE_RTL_K_MAX);
		load_error(err, len, file, "shape", msg);
		goto out;
	}
	for (i = 0; i < rows * cols; i++)
		if (v[3][i] < 0 || (uint32_t)v[3][i] >= r->e) {
			load_error(err, len, file, "data", "expert index beyond the experts");
			goto out;
		}
	if (npy_read(pf, "score", NPY_UINT8, &rows, &cols, &v[4], err, len))
		goto out;
	snprintf(file, sizeof file, "%s.score.npy", pf);
	if (rows != r->t || cols != r->k) {
		load_error(err, len, file, "shape", "not the shape of topk.npy");
		goto out;
	}
	r->x = malloc((size_t)r->t * r->d);
	r->w = malloc((size_t)r->d * r->e);
	r->topk = malloc((size_t)r->t * r->k * sizeof *r->topk);
	r->score = malloc((size_t)r->t * r->k);
	if (!r->x || !r->w || !r->topk || !r->score) {
		load_error(err, len, pf, "data", "out of memory");
		goto out;
	}
	NARROW(r->x, v[0], (size_t)r->t * r->d);
	NARROW(r->w, v[1], (size_t)r->d * r->e);
	NARROW(r->topk, v[3], (size_t)r->t * r->k);
	NARROW(r->score, v[4], (size_t)r->t * r->k);
	r->logits = v[2];
	v[2] = NULL;
	json_load(r, pf);
	r->compare_score = r->dump_algo == (int)c->gp.smx.algo;
	rc = 0;
out:
	for (i = 0; i < 5; i++)
		free(v[i]);
	return rc;
}

/* ---- stimulus ---- */

/* Present the next tile's command; returns -1 when out of memory. */
static int next_cmd(struct gate_cosim *c)
{
	struct tile *t;
	struct gate_pins *p = &c->cmd;
	uint32_t flags = (uint32_t)(harness_rnd(&c->rng) & 0x1f);

	if (c->n_tiles == c->cap_tiles) {
		size_t cap = c->cap_tiles ? 2 * c->cap_tiles : 64;
		struct tile **nt = realloc(c->tiles, cap * sizeof *nt);

		if (!nt)
			return -1;
		c->tiles = nt;
		c->cap_tiles = cap;
	}
	t = c->npy ? tile_real(c) : tile_random(c);
	if (!t)
		return -1;
	c->tiles[c->n_tiles] = t;
	c->in = (struct unit_cmd){
		.valid = 1, .flags = (uint8_t)flags, .op = (uint32_t)c->n_tiles,
		.rows = t->t, .cols = t->e, .kcycles = t->kcycles,
		.r0 = 0, .c0 = 0, .data = &t->job,
	};
	c->n_tiles++;
	p->cmd_valid = 1;
	p->cmd_flags = (uint8_t)flags;
	p->cmd_op = c->in.op;
	p->cmd_rows = t->t;
	p->cmd_d = t->d;
	p->cmd_cols = t->e;
	p->cmd_k = t->k;
	p->cmd_shift = t->job.shift;
	p->cmd_in_frac = t->job.fmt.in_frac;
	p->cmd_ita_eps32 = (uint8_t)t->job.fmt.ita_eps32;
	p->cmd_kcycles = (uint32_t)t->kcycles;
	return 0;
}

/* The command pins: the presented command, or random payload without
 * cmd_valid (the RTL must ignore it). */
static void drive_cmd(struct gate_cosim *c, struct gate_pins *p)
{
	const struct gate_pins *q = &c->cmd;

	p->cmd_valid = c->in.valid;
	if (!c->in.valid) {
		p->cmd_flags = (uint8_t)harness_noise(&c->rng, 5);
		p->cmd_op = harness_noise(&c->rng, 32);
		p->cmd_rows = harness_noise(&c->rng, harness_clog2(GATE_RTL_T_MAX + 1));
		p->cmd_d = harness_noise(&c->rng, harness_clog2(GATE_RTL_D_MAX + 1));
		p->cmd_cols = harness_noise(&c->rng, harness_clog2(GATE_RTL_E_MAX + 1));
		p->cmd_k = harness_noise(&c->rng, harness_clog2(GATE_RTL_K_MAX + 1));
		p->cmd_shift = harness_noise(&c->rng, 5);
		p->cmd_in_frac = harness_noise(&c->rng, 5);
		p->cmd_ita_eps32 = (uint8_t)harness_noise(&c->rng, 1);
		p->cmd_kcycles = harness_noise(&c->rng, GATE_KC_BITS);
		return;
	}
	p->cmd_flags = q->cmd_flags;
	p->cmd_op = q->cmd_op;
	p->cmd_rows = q->cmd_rows;
	p->cmd_d = q->cmd_d;
	p->cmd_cols = q->cmd_cols;
	p->cmd_k = q->cmd_k;
	p->cmd_shift = q->cmd_shift;
	p->cmd_in_frac = q->cmd_in_frac;
	p->cmd_ita_eps32 = q->cmd_ita_eps32;
	p->cmd_kcycles = q->cmd_kcycles;
}

/* The operand beat the RTL asked for on g_rd (checked then), from the
 * model's tile: products j GEMV + l of token g_tok, junk beyond D E. */
static void feed(struct gate_cosim *c, struct gate_pins *p)
{
	const struct tile *t = c->u.cur.data;
	uint64_t n = (uint64_t)t->d * t->e, q;
	uint32_t l;

	for (l = 0; l < GATE_RTL_GEMV; l++) {
		q = (uint64_t)p->g_beat * GATE_RTL_GEMV + l;
		if (q >= n)
			continue;
		harness_put_bits(p->g_a, l * 8, 8, (uint8_t)
				 t->x[(size_t)p->g_tok * t->d + q / t->e]);
		harness_put_bits(p->g_w, l * 8, 8, (uint8_t)t->w[q]);
	}
	c->beats_fed++;
}

/* ---- options ---- */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: gate_cosim [--seed N] [--tiles N] [--npy PREFIX] [--max-tokens N] [--max-width N]\n"
		"                  [--inject-flip N [--inject-port PORT]] [--vcd FILE [--vcd-window N|A:B]]\n"
		"                  [--max-cycles N]\n"
		"Runs rtl/gate.v in lockstep with models/fu.c + gate.c; exit 0 pass, 1 fail, 2 bad usage.\n"
		"  --tiles N         gate tiles (commands) to issue (default 300; --npy: at most N of the op's)\n"
		"  --npy PREFIX      real tiles of a gate op from 'stasim run --dump', also checked against its dump\n"
		"  --max-tokens N    tokens a tile: random 1..N, --npy N (default and at most T_MAX)\n"
		"  --max-width N     random tokens 1..N wide (default and at most D_MAX)\n");
	harness_usage_common(f, inject_names, INJ_N);
	fprintf(f,
		"unit: E_MAX=%d K_MAX=%d T_MAX=%d D_MAX=%d GEMV=%d SORTERS=%d LANES=%d\n"
		"      ALGORITHM=%d EXP_LATENCY=%d RECIP_LATENCY=%d DIVIDERS=%d DIV_LATENCY=%d\n",
		GATE_RTL_E_MAX, GATE_RTL_K_MAX, GATE_RTL_T_MAX, GATE_RTL_D_MAX,
		GATE_RTL_GEMV, GATE_RTL_SORTERS, GATE_RTL_LANES, GATE_RTL_ALGORITHM,
		GATE_RTL_EXP_LATENCY, GATE_RTL_RECIP_LATENCY, GATE_RTL_DIVIDERS,
		GATE_RTL_DIV_LATENCY);
}

/* A numeric option a with its value v (NULL when missing); HARNESS_OPT_BAD
 * or HARNESS_OPT_UNKNOWN as option() says. */
static enum harness_opt option_number(struct gate_cosim *c, const char *a,
				      const char *v)
{
	int bad;

	if (!strcmp(a, "--seed")) {
		bad = harness_parse_u64(v, UINT64_MAX, &c->seed);
	} else if (!strcmp(a, "--tiles")) {
		bad = harness_parse_u64(v, UINT64_MAX, &c->n_tiles_max) || !c->n_tiles_max;
	} else if (!strcmp(a, "--max-cycles")) {
		bad = harness_parse_u64(v, UINT64_MAX, &c->max_cycles);
	} else if (!strcmp(a, "--inject-flip")) {
		bad = harness_parse_u64(v, UINT64_MAX, &c->inject_cycle);
		c->inject = 1;
	} else if (!strcmp(a, "--max-tokens")) {
		bad = harness_parse_u64(v, GATE_RTL_T_MAX + 1ull, &c->t_max) || !c->t_max;
	} else if (!strcmp(a, "--max-width")) {
		bad = harness_parse_u64(v, GATE_RTL_D_MAX + 1ull, &c->d_max) || !c->d_max;
	} else {
		return HARNESS_OPT_UNKNOWN;
	}
	return bad ? HARNESS_OPT_BAD : HARNESS_OPT_OK;
}

/* Apply option a with its value v (NULL when a is last) to self, a struct
 * gate_cosim; harness_option_fn says what it returns. */
static enum harness_opt option(void *self, const char *a, const char *v)
{
	struct gate_cosim *c = self;
	enum harness_opt rc = harness_vcd_option(&c->vcd, a, v);
	int k, bad = !v;

	if (rc != HARNESS_OPT_UNKNOWN)
		return rc;
	if (!strcmp(a, "--inject-port")) {
		bad = harness_parse_name(v, inject_names, INJ_N, &k);
		if (!bad)
			c->inject_port = (enum inject_port)k;
	} else if (!strcmp(a, "--npy")) {
		c->npy = v;
	} else {
		return option_number(c, a, v);
	}
	return bad ? HARNESS_OPT_BAD : HARNESS_OPT_OK;
}

/* Options that need another: one message naming them, or NULL. */
static const char *conflict(const void *self)
{
	const struct gate_cosim *c = self;

	return harness_vcd_conflict(&c->vcd);
}

static const struct harness_cli cli = { PROG, option, usage, conflict };

/* ---- the public interface ---- */

/* --npy: load the dumped op; as many tiles as it fills, at most --tiles.
 * 0, or -1 after printing the error. */
static int real_open(struct gate_cosim *c)
{
	char err[2400];
	uint64_t n;

	if (real_load(c, err, sizeof err)) {
		say(c, "%s", err);
		return -1;
	}
	n = (c->real.t + c->t_max - 1) / c->t_max;
	if (c->n_tiles_max > n)
		c->n_tiles_max = n;
	return 0;
}

struct gate_cosim *gate_cosim_new(int argc, char **argv, int replay,
				  int *status)
{
	struct gate_cosim *c = calloc(1, sizeof *c);
	uint64_t kc;

	*status = 2;
	if (!c) {
		harness_say(0, PROG, "out of memory");
		return NULL;
	}
	c->seed = 1;
	c->n_tiles_max = 300;
	harness_vcd_init(&c->vcd);
	c->fail_cycle = -1;
	c->quiet = replay;
	c->t_max = GATE_RTL_T_MAX;
	c->d_max = GATE_RTL_D_MAX;
	c->gp = unit_params();
	if (harness_options(&cli, c, argc, argv, replay, status) ||
	    (c->npy && real_open(c))) {
		real_free(&c->real);
		free(c);
		return NULL;
	}
	kc = gate_cycles(&c->gp, GATE_RTL_T_MAX, GATE_RTL_D_MAX, GATE_RTL_E_MAX);
	if (kc >> GATE_KC_BITS) {
		say(c, "a tile of T_MAX, D_MAX, E_MAX takes %" PRIu64 " cycles: "
		    "beyond cmd_kcycles' %d bits", kc, GATE_KC_BITS);
		real_free(&c->real);
		free(c);
		return NULL;
	}
	/* the longest tile the run can issue, then its gap */
	kc = gate_cycles(&c->gp, c->t_max, c->npy ? c->real.d : c->d_max,
			 c->npy ? c->real.e : GATE_RTL_E_MAX);
	c->max_cycles = c->max_cycles ? c->max_cycles :
			c->n_tiles_max * (kc + GAP_MAX + 16) + 1000;
	c->rng = harness_seed(c->seed);
	fu_init(&c->u, "gate", &c->in, &c->want_op, NULL, NULL);
	return c;
}

const struct harness_vcd *gate_cosim_vcd(const struct gate_cosim *c)
{
	return &c->vcd;
}

int64_t gate_cosim_fail_cycle(const struct gate_cosim *c)
{
	return c->fail_cycle;
}

void gate_cosim_reset_pins(struct gate_cosim *c, struct gate_pins *p)
{
	memset(p, 0, sizeof *p);
	memset(&c->cmd, 0, sizeof c->cmd);
	p->rst_l = 0;
}

int gate_cosim_done(const struct gate_cosim *c)
{
	return c->done;
}

void gate_cosim_drive(struct gate_cosim *c, struct gate_pins *p)
{
	int accept;

	if (c->done)
		return;
	if (!c->in.valid) {
		if (c->drain)
			c->drain = c->u.left || c->u.f_len;
		else if (c->gap)
			c->gap--;
		else if (c->n_tiles < c->n_tiles_max && next_cmd(c)) {
			say(c, "cannot build tile %zu (out of memory)", c->n_tiles);
			fail(c);
			return;
		}
	}
	drive_cmd(c, p);
	p->rst_l = 1;
	harness_garbage(&c->rng, p->g_a, GATE_OPD_BITS);
	harness_garbage(&c->rng, p->g_w, GATE_OPD_BITS);
	if (p->g_rd)
		feed(c, p);

	/* the model starts a tile in this cycle: its index beats' schedule */
	if (!c->u.left && c->u.f_len) {
		struct tile *t = (struct tile *)c->u.fifo[c->u.f_head].data;

		t->started = 1;
		t->due0 = c->cycle + 1 + t->lat;
		c->cov_b2b += c->cycle && c->last_busy == c->cycle;
	}
	accept = c->in.valid && c->u.out.cmd_ready;
	c->cov_full += c->in.valid && !c->u.out.cmd_ready;
	fu_step(&c->u, c->cycle);
	fu_commit(&c->u);
	if (c->u.out.active)
		c->last_busy = c->cycle + 1;
	if (accept) {
		c->in.valid = 0;
		c->gap = harness_gap(&c->rng, GAP_MAX);
		c->drain = harness_chance(&c->rng, DRAIN_PERCENT);
	}
	c->cycle++;
}

/* Flip one bit of the armed port if it is compared in this cycle. */
static void inject(struct gate_cosim *c, struct gate_pins *p)
{
	if (!c->inject || c->injected || c->cycle < c->inject_cycle)
		return;
	switch (c->inject_port) {
	case INJ_OUT_IDX:
		if (!p->out_valid)
			return;
		p->out_idx[0] ^= 1;
		break;
	case INJ_OUT_SCORE:
		if (!p->out_valid)
			return;
		p->out_score[0] ^= 1;
		break;
	case INJ_OUT_TOK:
		if (!p->out_valid)
			return;
		p->out_tok ^= 1;
		break;
	case INJ_OUT_VALID:
		p->out_valid ^= 1;
		break;
	case INJ_G_RD:
		p->g_rd ^= 1;
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
	harness_injected(c->quiet, PROG, inject_names[c->inject_port], c->cycle);
}

/* An operand beat asked for: the next one of the tile in progress. */
static int take_read(struct gate_cosim *c, const struct gate_pins *p)
{
	struct tile *t = (struct tile *)c->u.cur.data;

	/* stage 1 never reads in a tile's last busy cycle */
	if (!c->u.left || !t)
		return mismatch(c, "g_rd (no tile in progress)", 0, 1);
	if (t->rd_tok >= t->t)
		return mismatch(c, "g_rd (every beat of the tile already read)", 0, 1);
	if (p->g_tok != t->rd_tok)
		return mismatch(c, "g_tok", t->rd_tok, p->g_tok);
	if (p->g_beat != t->rd_beat)
		return mismatch(c, "g_beat", t->rd_beat, p->g_beat);
	if (++t->rd_beat == t->beats) {
		t->rd_beat = 0;
		t->rd_tok++;
	}
	return 0;
}

/* A tile's last token left: the model's own results (gate.c run by fu.c
 * at finish) must be gate_token's too; then free it. */
static int tile_retire(struct gate_cosim *c, struct tile *t)
{
	uint32_t i;
	char port[80];

	if (!t->finished)
		return mismatch(c, "out_valid (last token before wb_done)", 0, 1);
	for (i = 0; i < t->t * t->k; i++) {
		if (t->idx[i] != t->want_idx[i] || t->score[i] != t->want_score[i]) {
			snprintf(port, sizeof port, "model token %u entry %u (gate.c "
				 "at finish, idx << 8 | score)", i / t->k, i % t->k);
			return mismatch(c, port, (uint64_t)t->want_idx[i] << 8 |
					t->want_score[i], (uint64_t)t->idx[i] << 8 |
					t->score[i]);
		}
	}
	tile_free(t);
	c->tiles[c->out_tile++] = NULL;
	return 0;
}

/* The index beat of token tok: out_tok, then every entry of out_idx and
 * out_score against gate_token and, with --npy, the dump. */
static int take_beat(struct gate_cosim *c, struct tile *t,
		     const struct gate_pins *p)
{
	const struct real *r = &c->real;
	uint32_t tok = t->seen, i;
	size_t at = (size_t)tok * t->k, g = (size_t)(t->r0 + tok) * t->k;
	char port[1200];	/* room for the --npy path */

	if (p->out_tok != tok)
		return mismatch(c, "out_tok", tok, p->out_tok);
	if (c->npy)
		for (i = 0; i < t->e; i++)
			if (t->logits[(size_t)tok * t->e + i] !=
			    r->logits[(size_t)(t->r0 + tok) * t->e + i]) {
				snprintf(port, sizeof port, "gate_token logit, token %u "
					 "expert %u (against %s.logits.npy)",
					 t->r0 + tok, i, c->npy);
				return mismatch(c, port, (uint32_t)r->logits[(size_t)
						(t->r0 + tok) * t->e + i], (uint32_t)
						t->logits[(size_t)tok * t->e + i]);
			}
	for (i = 0; i < GATE_RTL_K_MAX; i++) {
		uint32_t gi = harness_get_bits(p->out_idx, i * GATE_IB, GATE_IB);
		uint32_t gs = harness_get_bits(p->out_score, i * 8, 8);
		uint32_t wi = i < t->k ? t->want_idx[at + i] : 0;
		uint32_t ws = i < t->k ? t->want_score[at + i] : 0;

		if (gi != wi) {
			snprintf(port, sizeof port, "out_idx token %u entry %u (op %zu)",
				 tok, i, c->out_tile);
			return mismatch(c, port, wi, gi);
		}
		if (gs != ws) {
			snprintf(port, sizeof port, "out_score token %u entry %u (op %zu)",
				 tok, i, c->out_tile);
			return mismatch(c, port, ws, gs);
		}
		if (!c->npy || i >= t->k)
			continue;
		if (gi != r->topk[g + i]) {
			snprintf(port, sizeof port, "out_idx token %u entry %u (against "
				 "%s.topk.npy)", t->r0 + tok, i, c->npy);
			return mismatch(c, port, r->topk[g + i], gi);
		}
		if (r->compare_score && gs != r->score[g + i]) {
			snprintf(port, sizeof port, "out_score token %u entry %u (against "
				 "%s.score.npy)", t->r0 + tok, i, c->npy);
			return mismatch(c, port, r->score[g + i], gs);
		}
	}
	c->tokens_checked++;
	c->tokens_dump += c->npy != NULL;
	return ++t->seen == t->t ? tile_retire(c, t) : 0;
}

/* The index beats: one is due exactly when the oldest tile with tokens
 * left has started and its next token's cycle is this one. */
static int check_beats(struct gate_cosim *c, const struct gate_pins *p)
{
	struct tile *t = c->out_tile < c->n_tiles ? c->tiles[c->out_tile] : NULL;
	int due = t && t->started &&
		  t->due0 + (uint64_t)t->seen * t->period == c->cycle;
	char port[80];

	if (p->out_valid != due) {
		if (due)
			snprintf(port, sizeof port, "out_valid (token %u of op %zu "
				 "missing)", t->seen, c->out_tile);
		else
			snprintf(port, sizeof port, "out_valid (no token due)");
		return mismatch(c, port, (uint64_t)due, p->out_valid);
	}
	return due ? take_beat(c, t, p) : 0;
}

/* wb_done of the oldest tile not finished: the model finished it, and
 * the RTL read every operand beat of it. */
static int tile_written(struct gate_cosim *c)
{
	struct tile *t;

	if (c->wb_tile >= c->n_tiles)
		return mismatch(c, "wb_done (no tile issued)", 0, 1);
	t = c->tiles[c->wb_tile];
	if (!t || c->u.out.wb_done.data != &t->job)
		return mismatch(c, "wb_done (model finished another tile)",
				(uint64_t)c->wb_tile, c->u.out.wb_done.op);
	if (t->rd_tok != t->t)
		return mismatch(c, "g_rd (operand beats read by wb_done)",
				(uint64_t)t->t * t->beats,
				(uint64_t)t->rd_tok * t->beats + t->rd_beat);
	t->finished = 1;
	c->wb_tile++;
	return 0;
}

int gate_cosim_check(struct gate_cosim *c, struct gate_pins *p)
{
	const struct fu_out *o = &c->u.out;

	if (c->done)
		return c->failed;
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
	if (p->g_rd && take_read(c, p))
		return 1;
	/* a tile's last token comes the cycle after its wb_done, possibly
	 * with the next tile's wb_done: beats first */
	if (check_beats(c, p))
		return 1;
	if (o->wb_done.valid && tile_written(c))
		return 1;
	if (c->cycle >= c->max_cycles) {
		harness_hang(c->quiet, PROG, c->cycle, c->seed);
		fail(c);
		return 1;
	}
	if (c->n_tiles >= c->n_tiles_max && !c->in.valid &&
	    c->out_tile == c->n_tiles && !o->active && !c->u.f_len &&
	    ++c->idle_tail > DRAIN_IDLE)
		c->done = 1;
	return 0;
}

/* The --npy part of the summary: the op and what was checked against it,
 * after details[0 .. at - 1]. */
static void summary_npy(const struct gate_cosim *c, char *details,
			size_t len, size_t at)
{
	const struct real *r = &c->real;

	if (at >= len)
		return;
	snprintf(details + at, len - at, " npy=%s (%u tokens x %u wide, %u "
		 "experts, top-%u, task %" PRId64 ", shift %u, in_frac %u, "
		 "dumped softmax %s: %" PRIu64 " tokens against topk.npy%s)",
		 c->npy, r->t, r->d, r->e, r->k, r->task, r->shift, r->in_frac,
		 r->dump_algo < 0 ? "unknown" :
		 smx_algo_name((enum smx_algo)r->dump_algo), c->tokens_dump,
		 r->compare_score ? " and score.npy" : ", not score.npy");
}

/* The summary line on stdout: verdict, counts, coverage, the unit, the
 * tiles' source. */
static void summary(const struct gate_cosim *c, int status)
{
	const struct harness_tally t = {
		c->cycle, c->out_tile, "tile", c->mismatches, c->seed
	};
	char details[HARNESS_MSG_MAX];
	int n;

	n = snprintf(details, sizeof details, "tokens=%" PRIu64
		     " operand_beats=%" PRIu64 " tied_winners=%" PRIu64
		     " saturated_tokens=%" PRIu64 " k=K_MAX_tokens=%" PRIu64
		     " fifo_full=%" PRIu64 " back_to_back=%" PRIu64 " %s E_MAX=%d"
		     " K_MAX=%d T_MAX=%d D_MAX=%d GEMV=%d SORTERS=%d LANES=%d",
		     c->tokens_checked, c->beats_fed, c->cov_tie, c->cov_sat,
		     c->cov_kmax, c->cov_full, c->cov_b2b,
		     smx_algo_name(c->gp.smx.algo), GATE_RTL_E_MAX,
		     GATE_RTL_K_MAX, GATE_RTL_T_MAX, GATE_RTL_D_MAX,
		     GATE_RTL_GEMV, GATE_RTL_SORTERS, GATE_RTL_LANES);
	if (c->npy && n > 0)
		summary_npy(c, details, sizeof details, (size_t)n);
	harness_summary(PROG, status, &t, details);
}

int gate_cosim_finish(struct gate_cosim *c)
{
	/* an armed flip that no check saw is a harness failure, not a pass */
	int status = c->failed ? 1 : 0;
	size_t i;

	if (!c->failed && c->inject)
		status = harness_inject_missed(c->quiet, PROG,
					       inject_names[c->inject_port],
					       c->inject_cycle, c->injected);
	if (!c->quiet)
		summary(c, status);
	real_free(&c->real);
	for (i = 0; i < c->n_tiles; i++)
		tile_free(c->tiles[i]);
	free(c->tiles);
	free(c);
	return status;
}
