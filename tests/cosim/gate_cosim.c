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
 * With --npy PREFIX the tiles are real instead: the int32 logits of every
 * token of a gate op dumped by `stasim run --mode functional --dump`
 * (PREFIX.logits.npy, tokens x experts), GATE_T_MAX tokens a tile in token
 * order, and the indices both the RTL and the model must produce are the
 * dumped choices (PREFIX.topk.npy), which stasim already checked against
 * its own full-ranking reference.
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

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fu.h"
#include "gate.h"
#include "unit.h"
#include "harness.h"

_Static_assert(GATE_K_MAX >= 1 && GATE_K_MAX <= GATE_TOPK_MAX,
	       "K_MAX: 1 .. GATE_TOPK_MAX (models/gate.h)");
_Static_assert(GATE_E_MAX >= 1 && GATE_E_MAX <= 1024, "experts");
_Static_assert(GATE_T_MAX >= 1, "tokens");
_Static_assert(GATE_IDX_BITS <= 32 * (GATE_WORDS(GATE_IDX_BITS) - 1), "out_idx");

#define DRAIN_IDLE 4		/* idle cycles checked after the last tile */
#define GAP_MAX 300		/* longest idle gap between commands */

enum inject_port {
	INJ_OUT_IDX, INJ_ACTIVE, INJ_CMD_READY, INJ_RD_DONE, INJ_WB_DONE, INJ_N
};
static const char *const inject_names[INJ_N] = {
	"out_idx", "active", "cmd_ready", "rd_done", "wb_done"
};

/* The dumped gate op of --npy. */
struct real {
	uint32_t t, e, k;	/* tokens, experts, winners */
	int32_t *logits;	/* t x e, PREFIX.logits.npy */
	uint16_t *topk;		/* t x k, PREFIX.topk.npy, best first */
	int64_t task;		/* the router's task (PREFIX.json), -1 unknown */
	uint32_t next;		/* first token of the next tile */
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
	int64_t vcd_before;	/* --vcd-window N, -1 = the C++ side's default */
	const char *npy;	/* --npy PREFIX or NULL */
	int quiet;		/* 1: the --vcd replay, which prints nothing */

	/* the C model and its ports */
	struct fu u;		/* the controller model */
	struct unit_cmd in;	/* its command input */
	uint32_t want_op;	/* its want_op input: no stall attribution */

	/* stimulus */
	struct real real;	/* --npy: the dumped tiles */
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
	int64_t fail_cycle;	/* cycle of the first mismatch, -1 = none */
	int done;		/* 1: nothing left to compare */
};

/* ---- bit fields of out_idx ---- */

/* ---- reporting ---- */

static int mismatch(struct gate_cosim *c, const char *port, uint64_t expected,
		    uint64_t actual)
{
	c->fail_cycle = (int64_t)c->cycle;
	c->failed = 1;
	c->done = 1;
	harness_mismatch(c->quiet, "gate_cosim", c->cycle, port, expected,
			 actual, c->seed, c->injected);
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
	uint32_t i, kind = (uint32_t)harness_range(&c->rng, 0, 6);
	int32_t base = (int32_t)(uint32_t)harness_rnd(&c->rng);
	uint32_t step = (uint32_t)harness_range(&c->rng, 0, 3);

	for (i = 0; i < e; i++) {
		switch (kind) {
		case 0:		/* tiny range: ties everywhere */
			l[i] = (int32_t)harness_range(&c->rng, 0, 3) - 1;
			break;
		case 1:		/* all equal */
			l[i] = base;
			break;
		case 2:		/* the rails */
			l[i] = rails[harness_rnd(&c->rng) % 4];
			break;
		case 3:		/* ascending: every candidate goes first */
			l[i] = (int32_t)(-1000 + (int32_t)(i / (step + 1)));
			break;
		case 4:		/* descending: every candidate goes last */
			l[i] = (int32_t)(1000 - (int32_t)(i / (step + 1)));
			break;
		case 5:		/* a narrow band around a random base */
			l[i] = (int32_t)((uint32_t)base + (uint32_t)harness_range(&c->rng, 0, e / 2));
			break;
		default:	/* uniform int32 */
			l[i] = (int32_t)(uint32_t)harness_rnd(&c->rng);
			break;
		}
	}
}

/* A tile of tt tokens, e experts and k winners, its arrays unfilled. */
static struct tile *tile_alloc(uint32_t tt, uint32_t e, uint32_t k)
{
	struct tile *t = calloc(1, sizeof *t);

	if (!t)
		return NULL;
	t->t = tt;
	t->e = e;
	t->k = k;
	t->kcycles = (uint64_t)tt * e;
	t->l = malloc((size_t)tt * e * sizeof *t->l);
	t->want = malloc((size_t)tt * k * sizeof *t->want);
	t->model = calloc((size_t)tt * k, sizeof *t->model);
	t->beat_cycle = calloc(tt, sizeof *t->beat_cycle);
	if (!t->l || !t->want || !t->model || !t->beat_cycle) {
		tile_free(t);
		return NULL;
	}
	t->job.run = tile_run;
	return t;
}

/* Coverage of token i's wanted winners: ties among them, k = K_MAX. */
static void cover(struct gate_cosim *c, const struct tile *t, uint32_t i)
{
	const int32_t *l = t->l + (size_t)i * t->e;
	const uint16_t *w = t->want + (size_t)i * t->k;
	uint32_t j;

	for (j = 1; j < t->k; j++)
		c->cov_tie += l[w[j]] == l[w[j - 1]];
	c->cov_kmax += t->k == GATE_K_MAX;
}

/* A random tile: random shape, logits of token_logits, gate_topk wanted. */
static struct tile *tile_random(struct gate_cosim *c)
{
	struct tile *t;
	uint32_t i, tt, e, k, kmax;

	tt = (uint32_t)harness_range(&c->rng, 1, GATE_T_MAX);
	e = (uint32_t)(harness_chance(&c->rng, 15) ? (harness_chance(&c->rng, 50) ? 1 : GATE_E_MAX) :
		       harness_range(&c->rng, 1, GATE_E_MAX));
	kmax = e < GATE_K_MAX ? e : GATE_K_MAX;
	k = (uint32_t)(harness_chance(&c->rng, 25) ? kmax : harness_range(&c->rng, 1, kmax));
	t = tile_alloc(tt, e, k);
	for (i = 0; t && i < tt; i++) {
		token_logits(c, t->l + (size_t)i * e, e);
		gate_topk(t->l + (size_t)i * e, e, k, t->want + (size_t)i * k);
		cover(c, t, i);
	}
	return t;
}

/* The next GATE_T_MAX dumped tokens (--npy), wanting the dumped choices. */
static struct tile *tile_real(struct gate_cosim *c)
{
	struct real *r = &c->real;
	uint32_t i, tt = r->t - r->next < GATE_T_MAX ? r->t - r->next : GATE_T_MAX;
	struct tile *t = tile_alloc(tt, r->e, r->k);

	if (!t)
		return NULL;
	memcpy(t->l, r->logits + (size_t)r->next * r->e,
	       (size_t)tt * r->e * sizeof *t->l);
	memcpy(t->want, r->topk + (size_t)r->next * r->k,
	       (size_t)tt * r->k * sizeof *t->want);
	for (i = 0; i < tt; i++)
		cover(c, t, i);
	r->next += tt;
	return t;
}

/* ---- --npy: a gate op's dumped logits and choices (sim/npy.c) ---- */

/* "FILE: FIELD: MESSAGE" into err; returns -1. */
static int load_error(char *err, size_t len, const char *file,
		      const char *field, const char *msg)
{
	snprintf(err, len, "%s: %s: %s", file, field, msg);
	return -1;
}

/*
 * The header of a 2-D .npy of dtype descr, version 1.0, C order: its
 * shape into rows and cols. 0, or -1 with err.
 */
static int npy_header(FILE *f, const char *path, const char *descr,
		      uint64_t *rows, uint64_t *cols, char *err, size_t len)
{
	unsigned char pre[10];
	char dict[1024], want[32];
	size_t hlen;
	int64_t r = 0, n = 0;
	int end = 0;
	const char *sh;

	if (fread(pre, 1, 10, f) != 10 || memcmp(pre, "\x93NUMPY\x01", 7))
		return load_error(err, len, path, "magic", "not an .npy 1.0 file");
	hlen = pre[8] | (size_t)pre[9] << 8;
	if (hlen >= sizeof dict || fread(dict, 1, hlen, f) != hlen)
		return load_error(err, len, path, "header", "truncated or too long");
	dict[hlen] = 0;
	snprintf(want, sizeof want, "'descr': '%s'", descr);
	if (!strstr(dict, want))
		return load_error(err, len, path, "descr", descr[2] == '4' ?
				  "not int32 (<i4)" : "not int16 (<i2)");
	if (!strstr(dict, "'fortran_order': False"))
		return load_error(err, len, path, "fortran_order", "not C order");
	sh = strstr(dict, "'shape': (");
	/* %n is set only when the ')' right after two numbers matched */
	if (!sh || sscanf(sh, "'shape': (%" SCNd64 ", %" SCNd64 ")%n", &r, &n,
			  &end) != 2 || !end || r < 1 || n < 1)
		return load_error(err, len, path, "shape", "not 2-D, or empty");
	*rows = (uint64_t)r;
	*cols = (uint64_t)n;
	return 0;
}

/* A 2-D little-endian integer .npy (size 2 or 4 bytes) into *v, rows x
 * cols in host order (int16_t or int32_t). 0, or -1 with err and *v NULL. */
static int npy_read(const char *path, const char *descr, size_t size,
		    uint64_t *rows, uint64_t *cols, void **v, char *err,
		    size_t len)
{
	FILE *f = fopen(path, "rb");
	unsigned char b[4];
	uint64_t i;
	int rc = -1;

	*v = NULL;
	if (!f)
		return load_error(err, len, path, "open", strerror(errno));
	if (npy_header(f, path, descr, rows, cols, err, len))
		goto out;
	*v = malloc(*rows * *cols * size);
	if (!*v) {
		load_error(err, len, path, "data", "out of memory");
		goto out;
	}
	for (i = 0; i < *rows * *cols; i++) {
		if (fread(b, 1, size, f) != size) {
			load_error(err, len, path, "data", "truncated");
			goto out;
		}
		if (size == 4)
			((int32_t *)*v)[i] = (int32_t)((uint32_t)b[0] |
				(uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
				(uint32_t)b[3] << 24);
		else
			((int16_t *)*v)[i] = (int16_t)(b[0] | b[1] << 8);
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

/* The router's task from PREFIX.json, -1 when the file or key is absent. */
static int64_t real_task(const char *prefix)
{
	char path[1024], text[4096];
	const char *p;
	long long task;
	FILE *f;
	size_t n;

	snprintf(path, sizeof path, "%s.json", prefix);
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[n] = 0;
	p = strstr(text, "\"task\": ");
	return p && sscanf(p, "\"task\": %lld", &task) == 1 ? task : -1;
}

/* The choices fit the RTL and the logits: k winners of e, in range. */
static int real_check(const struct real *r, const char *path, uint64_t rows,
		      uint64_t cols, char *err, size_t len)
{
	char msg[128];
	uint64_t i;

	if (rows != r->t)
		return load_error(err, len, path, "shape", "not one row per token "
				  "of the logits");
	if (cols > GATE_K_MAX || cols > r->e) {
		snprintf(msg, sizeof msg, "k = %" PRIu64 ": the RTL takes at most "
			 "K_MAX = %d and the experts", cols, GATE_K_MAX);
		return load_error(err, len, path, "shape", msg);
	}
	for (i = 0; i < rows * cols; i++)
		if (r->topk[i] >= r->e)
			return load_error(err, len, path, "data", "expert index "
					  "beyond the logits");
	return 0;
}

/* PREFIX.logits.npy and PREFIX.topk.npy into c->real. 0, or -1 with err. */
static int real_load(struct gate_cosim *c, char *err, size_t len)
{
	struct real *r = &c->real;
	char path[1024], msg[128];
	uint64_t rows, cols;
	void *v;

	snprintf(path, sizeof path, "%s.logits.npy", c->npy);
	if (npy_read(path, "<i4", 4, &rows, &cols, &v, err, len))
		return -1;
	r->logits = v;
	if (cols > GATE_E_MAX || rows > UINT32_MAX) {
		snprintf(msg, sizeof msg, "%" PRIu64 " experts: the RTL takes at "
			 "most E_MAX = %d", cols, GATE_E_MAX);
		return load_error(err, len, path, "shape", msg);
	}
	r->t = (uint32_t)rows;
	r->e = (uint32_t)cols;
	snprintf(path, sizeof path, "%s.topk.npy", c->npy);
	if (npy_read(path, "<i2", 2, &rows, &cols, &v, err, len))
		return -1;
	r->topk = v;
	r->k = (uint32_t)cols;
	if (real_check(r, path, rows, cols, err, len))
		return -1;
	r->task = real_task(c->npy);
	return 0;
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
		p->cmd_flags = (uint8_t)harness_noise(&c->rng, 5);
		p->cmd_op = harness_noise(&c->rng, 32);
		p->cmd_rows = harness_noise(&c->rng, harness_clog2(GATE_T_MAX + 1));
		p->cmd_cols = harness_noise(&c->rng, harness_clog2(GATE_E_MAX + 1));
		p->cmd_k = harness_noise(&c->rng, harness_clog2(GATE_K_MAX + 1));
		p->cmd_kcycles = harness_noise(&c->rng, GATE_KC_BITS);
		return;
	}
	p->cmd_flags = q->cmd_flags;
	p->cmd_op = q->cmd_op;
	p->cmd_rows = q->cmd_rows;
	p->cmd_cols = q->cmd_cols;
	p->cmd_k = q->cmd_k;
	p->cmd_kcycles = q->cmd_kcycles;
}

/* The logit the RTL asked for on l_rd, from the model's tile. */
static int feed(struct gate_cosim *c, struct gate_pins *p)
{
	const struct tile *t = c->u.cur.data;

	p->l_data = (uint32_t)harness_rnd(&c->rng);
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
		"usage: gate_cosim [--seed N] [--tiles N] [--npy PREFIX]\n"
		"                  [--inject-flip CYCLE [--inject-port PORT]]\n"
		"                  [--vcd FILE [--vcd-window N]] [--max-cycles N]\n"
		"  --seed N          stimulus seed (default 1)\n"
		"  --tiles N         top-k tiles (commands) to issue (default 300; with --npy,\n"
		"                    at most N of the dumped tiles)\n"
		"  --npy PREFIX      real tiles: the logits of a gate op dumped by stasim run\n"
		"                    --dump (PREFIX.logits.npy), T_MAX tokens a tile, checked\n"
		"                    against the dumped choices (PREFIX.topk.npy)\n"
		"  --inject-flip N   flip one bit of an RTL output at the first cycle >= N where it is\n"
		"                    compared; the run must then fail with exit status 1\n"
		"  --inject-port P   out_idx (default), active, cmd_ready, rd_done, wb_done\n"
		"  --vcd FILE        on a mismatch, replay the run traced and write the waves of\n"
		"                    the clocks around it to FILE; no mismatch, no file\n"
		"  --vcd-window N    clocks kept before the mismatch (default 64)\n"
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
	uint64_t n;
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
			if (harness_parse_name(v, inject_names, INJ_N, &k))
				break;
			c->inject_port = (enum inject_port)k;
		} else if (!strcmp(a, "--vcd")) {
			c->vcd = v;
		} else if (!strcmp(a, "--vcd-window")) {
			if (parse_u64(v, &n) || n > INT32_MAX)
				break;
			c->vcd_before = (int64_t)n;
		} else if (!strcmp(a, "--npy")) {
			c->npy = v;
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

static void real_free(struct real *r)
{
	free(r->logits);
	free(r->topk);
	memset(r, 0, sizeof *r);
}

/* --npy: load the dumped tiles; as many tiles as they fill, at most
 * --tiles. 0, or -1 after printing the error. */
static int real_open(struct gate_cosim *c)
{
	char err[1200];
	uint64_t n;

	if (real_load(c, err, sizeof err)) {
		fprintf(stderr, "gate_cosim: %s\n", err);
		return -1;
	}
	n = (c->real.t + GATE_T_MAX - 1) / GATE_T_MAX;
	if (!c->n_tiles_max || c->n_tiles_max > n)
		c->n_tiles_max = n;
	return 0;
}

struct gate_cosim *gate_cosim_new(int argc, char **argv, int *status)
{
	struct gate_cosim *c = calloc(1, sizeof *c);

	*status = 2;
	if (!c) {
		fprintf(stderr, "gate_cosim: out of memory\n");
		return NULL;
	}
	c->seed = 1;
	c->vcd_before = -1;
	c->fail_cycle = -1;
	if (parse(c, argc, argv, status) || (c->npy && real_open(c))) {
		real_free(&c->real);
		free(c);
		return NULL;
	}
	if (!c->n_tiles_max)
		c->n_tiles_max = 300;
	c->max_cycles = c->max_cycles ? c->max_cycles :
			c->n_tiles_max * ((uint64_t)GATE_T_MAX * GATE_E_MAX + 400);
	c->rng = harness_seed(c->seed);
	fu_init(&c->u, "gate", &c->in, &c->want_op, NULL, NULL);
	return c;
}

const char *gate_cosim_vcd(const struct gate_cosim *c)
{
	return c->vcd;
}

int64_t gate_cosim_vcd_window(const struct gate_cosim *c)
{
	return c->vcd_before;
}

int64_t gate_cosim_fail_cycle(const struct gate_cosim *c)
{
	return c->fail_cycle;
}

void gate_cosim_quiet(struct gate_cosim *c)
{
	c->quiet = 1;
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
			fprintf(stderr, "gate_cosim: out of memory for tile %zu\n",
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
		p->l_data = (uint32_t)harness_rnd(&c->rng);
	}

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
	if (!c->quiet)
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
			snprintf(port, sizeof port, "model idx %u (gate_topk at "
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
		uint32_t got = harness_get_bits(p->out_idx, i * GATE_IB, GATE_IB);
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
		if (!c->quiet)
			fprintf(stderr, "gate_cosim: no finish after %" PRIu64
				" cycles (seed %" PRIu64 ")\n", c->cycle, c->seed);
		c->fail_cycle = (int64_t)c->cycle;
		c->failed = c->done = 1;
		return 1;
	}
	if (c->n_tiles >= c->n_tiles_max && !c->in.valid &&
	    c->out_tile == c->n_tiles && !o->active && !c->u.f_len &&
	    ++c->idle_tail > DRAIN_IDLE)
		c->done = 1;
	return 0;
}

/* The closing line: verdict, size, coverage, and the source of the tiles. */
static void summary(const struct gate_cosim *c, int status)
{
	printf("gate_cosim: %s seed=%" PRIu64 " cycles=%" PRIu64 " tiles=%zu tokens=%"
	       PRIu64 " logits=%" PRIu64 " tied_winners=%" PRIu64 " k=K_MAX_tokens=%"
	       PRIu64 " fifo_full=%" PRIu64 " e<=%d k<=%d t<=%d",
	       status ? "FAIL" : "PASS", c->seed, c->cycle, c->out_tile,
	       c->tokens_checked, c->beats_fed, c->cov_tie, c->cov_kmax,
	       c->cov_full, GATE_E_MAX, GATE_K_MAX, GATE_T_MAX);
	if (c->npy)
		printf(" npy=%s (%u tokens x %u experts, top-%u, task %" PRId64 ")",
		       c->npy, c->real.t, c->real.e, c->real.k, c->real.task);
	printf("\n");
}

int gate_cosim_finish(struct gate_cosim *c)
{
	/* an armed flip that no check saw is a harness failure, not a pass */
	int status = c->failed ? 1 : c->inject ? 2 : 0;
	size_t i;

	if (status == 2 && !c->quiet)
		fprintf(stderr, "gate_cosim: the %s flip at cycle %" PRIu64 " %s\n",
			inject_names[c->inject_port], c->inject_cycle,
			c->injected ? "was not caught" : "never happened (run too short)");
	if (!c->quiet)
		summary(c, status);
	real_free(&c->real);
	for (i = 0; i < c->n_tiles; i++)
		tile_free(c->tiles[i]);
	free(c->tiles);
	free(c);
	return status;
}
