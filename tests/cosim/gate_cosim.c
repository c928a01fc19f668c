/*
 * gate_cosim.c - the C side of the gate-unit (top-k stage) co-simulation
 * (see gate_cosim.h).
 *
 * Stimulus: a seeded random stream of top-k tiles (tokens 1..GATE_T_MAX,
 * experts E 1..GATE_E_MAX, k 1..min(GATE_K_MAX, E)), one command per tile
 * with kcycles = T * E (the top-k stage of models/gate.c with one sorter,
 * a candidate a cycle), presented with random gaps on cmd_valid and held
 * until accepted. Logits come from several distributions, most of them
 * rich in ties: a tiny range, all equal, the int32 rails, ramps both ways,
 * a narrow band, and uniform int32. The logit feeder answers every l_rd of
 * the RTL from the tile the model is working on; the model (models/fu.c)
 * runs gate_topk on the tile when it finishes it.
 *
 * Checked after every clock: cmd_ready, active, rd_done and wb_done (valid,
 * and flags + op when valid), and the index beats: each tile's tokens
 * arrive in order with exactly gate_topk's indices (0 in entries at or
 * beyond k), each one cycle after its last logit was presented, the last
 * one on the cycle after wb_done (rtl/gate.v's header).
 *
 * Invariant: the model and the RTL see identical inputs in every cycle; the
 * harness decides acceptance from the model's registered cmd_ready, which
 * the previous check proved equal to the RTL's.
 */
#include "gate_cosim.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fu.h"
#include "gate.h"
#include "unit.h"

_Static_assert(GATE_K_MAX >= 1 && GATE_K_MAX <= GATE_TOPK_MAX,
	       "K_MAX: 1 .. GATE_TOPK_MAX (models/gate.h)");
_Static_assert(GATE_E_MAX >= 1 && GATE_E_MAX <= 1024, "experts");
_Static_assert(GATE_T_MAX >= 1, "tokens");
_Static_assert(GATE_IDX_BITS <= 32 * (GATE_WORDS(GATE_IDX_BITS) - 1), "out_idx");

#define DRAIN_IDLE 4		/* idle cycles checked after the last tile */

enum inject_port {
	INJ_OUT_IDX, INJ_ACTIVE, INJ_CMD_READY, INJ_RD_DONE, INJ_WB_DONE, INJ_N
};
static const char *const inject_names[INJ_N] = {
	"out_idx", "active", "cmd_ready", "rd_done", "wb_done"
};

/* One top-k tile. */
struct tile {
	struct fu_job job;	/* first member: cmd.data points here */
	uint32_t t, e, k;	/* tokens, experts, winners */
	uint64_t kcycles;	/* T * E */
	int32_t *l;		/* t x e logits */
	uint16_t *want;		/* t x k, gate_topk at creation */
	uint16_t *model;	/* t x k, gate_topk run by the model at finish */
	uint64_t *beat_cycle;	/* t: cycle each token's indices were on out_idx */
	uint32_t seen;		/* tokens received */
	int finished;		/* wb_done seen */
	uint64_t first;		/* check cycle of its busy step 0 */
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
	const char *vcd;	/* --vcd FILE or NULL */

	/* the C model and its ports */
	struct fu u;		/* the controller model */
	struct unit_cmd in;	/* its command input */
	uint32_t want_op;	/* its want_op input: no stall attribution */

	/* stimulus */
	uint64_t rng;		/* xorshift64* state */
	uint64_t cycle;		/* clocks since reset */
	uint64_t gap;		/* idle cycles before the next cmd_valid */
	struct tile **tiles;	/* every tile created, in order */
	size_t n_tiles, cap_tiles;
	size_t wb_tile;		/* tile whose wb_done comes next */
	size_t out_tile;	/* tile whose index beats come next */
	struct gate_pins cmd;	/* the command pins presented */
	uint64_t beats_fed;	/* logits presented on l_rd */
	uint64_t tokens_checked;	/* index beats compared */
	uint64_t idle_tail;	/* idle cycles compared after the last tile */
	uint64_t cov_full;	/* coverage: cycles cmd_valid met a full FIFO */
	uint64_t cov_tie;	/* coverage: winners tied with an earlier winner */
	uint64_t cov_kmax;	/* coverage: tokens with k = K_MAX */
	int failed;		/* 1: a mismatch was reported */
	int done;		/* 1: nothing left to compare */
};

/* ---- random numbers (xorshift64*, seeded through splitmix64) ---- */

static uint64_t rnd(struct gate_cosim *c)
{
	c->rng ^= c->rng >> 12;
	c->rng ^= c->rng << 25;
	c->rng ^= c->rng >> 27;
	return c->rng * 0x2545F4914F6CDD1Dull;
}

/* Uniform in lo .. hi inclusive. */
static uint64_t range(struct gate_cosim *c, uint64_t lo, uint64_t hi)
{
	return lo + rnd(c) % (hi - lo + 1);
}

static int chance(struct gate_cosim *c, unsigned percent)
{
	return rnd(c) % 100 < percent;
}

/* ---- bit fields of out_idx ---- */

static uint32_t get_bits(const uint32_t *w, uint32_t bit, uint32_t width)
{
	uint32_t i, v = 0;

	for (i = 0; i < width; i++, bit++)
		v |= (w[bit / 32] >> bit % 32 & 1) << i;
	return v;
}

/* Random value of a bits-wide scalar port. */
static uint32_t noise(struct gate_cosim *c, uint32_t bits)
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

static int mismatch(struct gate_cosim *c, const char *port, uint64_t expected,
		    uint64_t actual)
{
	fprintf(stderr, "gate_cosim: MISMATCH at cycle %" PRIu64 " port %s: "
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
	free(t->l);
	free(t->want);
	free(t->model);
	free(t->beat_cycle);
	free(t);
}

/* The model's functional work at finish: gate_topk of every token. */
static void tile_run(const struct fu_job *job, uint32_t r0, uint32_t rows)
{
	const struct tile *t = (const struct tile *)job;
	uint32_t i;

	(void)r0;
	(void)rows;
	for (i = 0; i < t->t; i++)
		gate_topk(t->l + (size_t)i * t->e, t->e, t->k,
			  t->model + (size_t)i * t->k);
}

/* Random logits of one token, mostly rich in ties. */
static void token_logits(struct gate_cosim *c, int32_t *l, uint32_t e)
{
	static const int32_t rails[4] = { INT32_MIN, INT32_MAX, 0, -1 };
	uint32_t i, kind = (uint32_t)range(c, 0, 6);
	int32_t base = (int32_t)(uint32_t)rnd(c);
	uint32_t step = (uint32_t)range(c, 0, 3);

	for (i = 0; i < e; i++) {
		switch (kind) {
		case 0:		/* tiny range: ties everywhere */
			l[i] = (int32_t)range(c, 0, 3) - 1;
			break;
		case 1:		/* all equal */
			l[i] = base;
			break;
		case 2:		/* the rails */
			l[i] = rails[rnd(c) % 4];
			break;
		case 3:		/* ascending: every candidate goes first */
			l[i] = (int32_t)(-1000 + (int32_t)(i / (step + 1)));
			break;
		case 4:		/* descending: every candidate goes last */
			l[i] = (int32_t)(1000 - (int32_t)(i / (step + 1)));
			break;
		case 5:		/* a narrow band around a random base */
			l[i] = (int32_t)((uint32_t)base + (uint32_t)range(c, 0, e / 2));
			break;
		default:	/* uniform int32 */
			l[i] = (int32_t)(uint32_t)rnd(c);
			break;
		}
	}
}

static struct tile *tile_new(struct gate_cosim *c)
{
	struct tile *t = calloc(1, sizeof *t);
	uint32_t i, j, kmax;

	if (!t)
		return NULL;
	t->t = (uint32_t)range(c, 1, GATE_T_MAX);
	t->e = (uint32_t)(chance(c, 15) ? (chance(c, 50) ? 1 : GATE_E_MAX) :
			  range(c, 1, GATE_E_MAX));
	kmax = t->e < GATE_K_MAX ? t->e : GATE_K_MAX;
	t->k = (uint32_t)(chance(c, 25) ? kmax : range(c, 1, kmax));
	t->kcycles = (uint64_t)t->t * t->e;
	t->l = malloc((size_t)t->t * t->e * sizeof *t->l);
	t->want = malloc((size_t)t->t * t->k * sizeof *t->want);
	t->model = calloc((size_t)t->t * t->k, sizeof *t->model);
	t->beat_cycle = calloc(t->t, sizeof *t->beat_cycle);
	if (!t->l || !t->want || !t->model || !t->beat_cycle) {
		tile_free(t);
		return NULL;
	}
	t->job.run = tile_run;
	for (i = 0; i < t->t; i++) {
		const int32_t *l = t->l + (size_t)i * t->e;
		const uint16_t *w = t->want + (size_t)i * t->k;

		token_logits(c, t->l + (size_t)i * t->e, t->e);
		gate_topk(l, t->e, t->k, t->want + (size_t)i * t->k);
		for (j = 1; j < t->k; j++)
			c->cov_tie += l[w[j]] == l[w[j - 1]];
		c->cov_kmax += t->k == GATE_K_MAX;
	}
	return t;
}

/* ---- stimulus ---- */

/* Present the next tile's command; returns -1 when out of memory. */
static int next_cmd(struct gate_cosim *c)
{
	struct tile *t;
	struct gate_pins *p = &c->cmd;
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
		.rows = t->t, .cols = t->e, .kcycles = t->kcycles,
		.r0 = 0, .c0 = 0, .data = &t->job,
	};
	c->n_tiles++;
	p->cmd_valid = 1;
	p->cmd_flags = (uint8_t)flags;
	p->cmd_op = c->in.op;
	p->cmd_rows = t->t;
	p->cmd_cols = t->e;
	p->cmd_k = t->k;
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
		p->cmd_flags = (uint8_t)noise(c, 5);
		p->cmd_op = noise(c, 32);
		p->cmd_rows = noise(c, clog2(GATE_T_MAX + 1));
		p->cmd_cols = noise(c, clog2(GATE_E_MAX + 1));
		p->cmd_k = noise(c, clog2(GATE_K_MAX + 1));
		p->cmd_kcycles = noise(c, GATE_KC_BITS);
		return;
	}
	p->cmd_flags = q->cmd_flags;
	p->cmd_op = q->cmd_op;
	p->cmd_rows = q->cmd_rows;
	p->cmd_cols = q->cmd_cols;
	p->cmd_k = q->cmd_k;
	p->cmd_kcycles = q->cmd_kcycles;
}

/* Idle cycles after an accepted command: mostly none, sometimes long
 * enough for the unit to go idle. */
static uint64_t gap_after(struct gate_cosim *c)
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

/* The logit the RTL asked for on l_rd, from the model's tile. */
static int feed(struct gate_cosim *c, struct gate_pins *p)
{
	const struct tile *t = c->u.cur.data;

	p->l_data = (uint32_t)rnd(c);
	if (!t)
		return mismatch(c, "l_rd (no tile in progress)", 0, 1);
	if (p->l_tok >= t->t)
		return mismatch(c, "l_tok (beyond the tile)", t->t - 1, p->l_tok);
	if (p->l_exp >= t->e)
		return mismatch(c, "l_exp (beyond the token)", t->e - 1, p->l_exp);
	p->l_data = (uint32_t)t->l[(size_t)p->l_tok * t->e + p->l_exp];
	c->beats_fed++;
	return 0;
}

/* ---- options ---- */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: gate_cosim [--seed N] [--tiles N] [--inject-flip CYCLE [--inject-port PORT]]\n"
		"                  [--vcd FILE] [--max-cycles N]\n"
		"  --seed N          stimulus seed (default 1)\n"
		"  --tiles N         top-k tiles (commands) to issue (default 300)\n"
		"  --inject-flip N   flip one bit of an RTL output at the first cycle >= N where it is\n"
		"                    compared; the run must then fail with exit status 1\n"
		"  --inject-port P   out_idx (default), active, cmd_ready, rd_done, wb_done\n"
		"  --vcd FILE        write waves (build with tracing)\n"
		"  --max-cycles N    fail when the run has not finished after N cycles\n");
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!s || !*s)
		return -1;
	*v = strtoull(s, &end, 0);
	return *end ? -1 : 0;
}

static int parse(struct gate_cosim *c, int argc, char **argv, int *status)
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
		} else {
			break;
		}
	}
	if (i < argc) {
		fprintf(stderr, "gate_cosim: bad option or value at '%s'\n", argv[i]);
		usage(stderr);
		*status = 2;
		return -1;
	}
	return 0;
}

/* ---- the public interface ---- */

struct gate_cosim *gate_cosim_new(int argc, char **argv, int *status)
{
	struct gate_cosim *c = calloc(1, sizeof *c);

	*status = 2;
	if (!c) {
		fprintf(stderr, "gate_cosim: out of memory\n");
		return NULL;
	}
	c->seed = 1;
	c->n_tiles_max = 300;
	if (parse(c, argc, argv, status)) {
		free(c);
		return NULL;
	}
	c->max_cycles = c->max_cycles ? c->max_cycles :
			c->n_tiles_max * ((uint64_t)GATE_T_MAX * GATE_E_MAX + 400);
	c->rng = c->seed + 0x9E3779B97F4A7C15ull;
	c->rng = (c->rng ^ c->rng >> 30) * 0xBF58476D1CE4E5B9ull;
	c->rng = (c->rng ^ c->rng >> 27) * 0x94D049BB133111EBull;
	c->rng ^= c->rng >> 31;
	if (!c->rng)
		c->rng = 1;
	fu_init(&c->u, "gate", &c->in, &c->want_op, NULL, NULL);
	return c;
}

const char *gate_cosim_vcd(const struct gate_cosim *c)
{
	return c->vcd;
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
		if (c->gap)
			c->gap--;
		else if (c->n_tiles < c->n_tiles_max && next_cmd(c)) {
			fprintf(stderr, "gate_cosim: cannot build tile %zu\n",
				c->n_tiles);
			c->failed = c->done = 1;
			return;
		}
	}
	drive_cmd(c, p);
	p->rst_l = 1;
	if (p->l_rd) {
		if (feed(c, p))
			return;
	} else {
		p->l_data = (uint32_t)rnd(c);
	}

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
	fprintf(stderr, "gate_cosim: injected a bit flip on %s at cycle %" PRIu64 "\n",
		inject_names[c->inject_port], c->cycle);
}

/* A tile's last token arrived: check every token's cycle and the model's
 * own gate_topk, then free it. */
static int tile_retire(struct gate_cosim *c, struct tile *t)
{
	uint32_t i;
	char port[64];

	if (!t->finished)
		return mismatch(c, "out_valid (last token before wb_done)", 0, 1);
	for (i = 0; i < t->t; i++) {
		uint64_t due = t->first + (uint64_t)(i + 1) * t->e;

		if (t->beat_cycle[i] != due) {
			snprintf(port, sizeof port, "out_valid (cycle of token %u)", i);
			return mismatch(c, port, due, t->beat_cycle[i]);
		}
	}
	for (i = 0; i < t->t * t->k; i++)
		if (t->model[i] != t->want[i]) {
			snprintf(port, sizeof port, "model idx %u (not computed at "
				 "finish)", i);
			return mismatch(c, port, t->want[i], t->model[i]);
		}
	tile_free(t);
	c->tiles[c->out_tile++] = NULL;
	return 0;
}

/* One index beat from the RTL: belongs to the oldest tile not retired. */
static int take_beat(struct gate_cosim *c, const struct gate_pins *p)
{
	struct tile *t;
	uint32_t i, tok;
	char port[64];

	if (c->out_tile >= c->n_tiles)
		return mismatch(c, "out_valid (no tile in progress)", 0, 1);
	t = c->tiles[c->out_tile];
	tok = t->seen;
	if (p->out_tok != tok)
		return mismatch(c, "out_tok", tok, p->out_tok);
	for (i = 0; i < GATE_K_MAX; i++) {
		uint32_t got = get_bits(p->out_idx, i * GATE_IB, GATE_IB);
		uint32_t want = i < t->k ? t->want[(size_t)tok * t->k + i] : 0;

		if (got != want) {
			snprintf(port, sizeof port, "out_idx token %u entry %u "
				 "(op %zu)", tok, i, c->out_tile);
			return mismatch(c, port, want, got);
		}
	}
	t->beat_cycle[t->seen++] = c->cycle;
	c->tokens_checked++;
	return t->seen == t->t ? tile_retire(c, t) : 0;
}

/* wb_done of the oldest tile not finished: note its first busy cycle. */
static int tile_written(struct gate_cosim *c)
{
	struct tile *t;

	if (c->wb_tile >= c->n_tiles)
		return mismatch(c, "wb_done (no tile issued)", 0, 1);
	t = c->tiles[c->wb_tile];
	if (!t || c->u.out.wb_done.data != &t->job)
		return mismatch(c, "wb_done (model finished another tile)",
				(uint64_t)c->wb_tile, c->u.out.wb_done.op);
	if (t->seen + 1 != t->t)
		return mismatch(c, "out_valid (tokens before wb_done)",
				t->t - 1, t->seen);
	t->finished = 1;
	t->first = c->cycle + 1 - t->kcycles;
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
	/* a tile's last token comes the cycle after its wb_done, possibly
	 * with the next tile's wb_done: beats first */
	if (p->out_valid && take_beat(c, p))
		return 1;
	if (o->wb_done.valid && tile_written(c))
		return 1;
	if (c->cycle >= c->max_cycles) {
		fprintf(stderr, "gate_cosim: no finish after %" PRIu64 " cycles "
			"(seed %" PRIu64 ")\n", c->cycle, c->seed);
		c->failed = c->done = 1;
		return 1;
	}
	if (c->n_tiles >= c->n_tiles_max && !c->in.valid &&
	    c->out_tile == c->n_tiles && !o->active && !c->u.f_len &&
	    ++c->idle_tail > DRAIN_IDLE)
		c->done = 1;
	return 0;
}

int gate_cosim_finish(struct gate_cosim *c)
{
	int status = c->failed ? 1 : 0;
	size_t i;

	if (!c->failed && c->inject) {
		fprintf(stderr, "gate_cosim: the %s flip at cycle %" PRIu64 " %s\n",
			inject_names[c->inject_port], c->inject_cycle,
			c->injected ? "was not caught" : "never happened (run too short)");
		status = 2;
	}
	printf("gate_cosim: %s seed=%" PRIu64 " cycles=%" PRIu64 " tiles=%zu tokens=%"
	       PRIu64 " logits=%" PRIu64 " tied_winners=%" PRIu64 " k=K_MAX_tokens=%"
	       PRIu64 " fifo_full=%" PRIu64 " e<=%d k<=%d t<=%d\n",
	       status ? "FAIL" : "PASS", c->seed, c->cycle, c->out_tile,
	       c->tokens_checked, c->beats_fed, c->cov_tie, c->cov_kmax,
	       c->cov_full, GATE_E_MAX, GATE_K_MAX, GATE_T_MAX);
	for (i = 0; i < c->n_tiles; i++)
		tile_free(c->tiles[i]);
	free(c->tiles);
	free(c);
	return status;
}
