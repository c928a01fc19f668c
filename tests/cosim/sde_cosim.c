/*
 * sde_cosim.c - the C side of the engine co-simulation (see sde_cosim.h).
 *
 * Stimulus: a seeded random stream of array tiles, each a run of k-step
 * commands FIRST .. LAST (random rows, cols, steps, kcycles 1..40,
 * drain_cpr 0..4, pattern, shift), presented with random gaps on cmd_valid
 * and held until accepted (valid/ready). In functional mode each tile has
 * its own random GEMM operands; the operand feeder answers every op_rd of
 * the RTL with the next k-slice of the tile being streamed (beat format in
 * rtl/sde.v) and the model computes the same tile with sde_compute_tile when
 * it writes the tile back. The strap acc_db toggles at random moments, on
 * both sides in the same cycle, unless fixed with --acc-db.
 *
 * Checked after every clock: cmd_ready, active, rd_done and wb_done (valid,
 * and flags + op when valid), op_rd against the model streaming in that
 * cycle, and the write-back rows: each tile's rows arrive in order, row i
 * on the first cycle of its write-back slot, i.e. (rows - i) * max(1, cpr)
 * - 1 cycles before wb_done, and (functional) carry exactly the model's
 * requantized outputs, zeros beyond the tile's cols.
 *
 * With --write-vectors DIR the run also writes its inputs and the model's
 * expected outputs, cycle by cycle, as plain text (format in sde_cosim.h),
 * for tests/icarus/tb_sde.v to replay on the RTL without the C side.
 *
 * Invariant: the model and the RTL see identical inputs in every cycle; the
 * harness decides acceptance from the model's registered cmd_ready, which
 * the previous check proved equal to the RTL's.
 */
#include "sde_cosim.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sde.h"
#include "nm.h"
#include "unit.h"

_Static_assert(SDE_ACT_BITS >= 2 && SDE_ACT_BITS <= 16, "int16 operands");
_Static_assert(SDE_WEIGHT_BITS >= 2 && SDE_WEIGHT_BITS <= 16, "int16 operands");
_Static_assert(SDE_M_MAX >= 1 && SDE_M_MAX <= 32, "SDE_IDX_BITS table");

#define KC_MAX 40		/* longest k-step in the stimulus */
#define CPR_MAX 4		/* slowest drain consumer in the stimulus */
#define DRAIN_IDLE 4		/* idle cycles checked after the last tile */
#define VEC_LAG (SDE_ROWS * CPR_MAX)	/* expect lines held back: the longest
					 * write-back, rows before wb_done */

enum inject_port {
	INJ_ACTIVE, INJ_CMD_READY, INJ_RD_DONE, INJ_WB_DONE, INJ_OP_RD,
	INJ_OUT_DATA, INJ_N
};
static const char *const inject_names[INJ_N] = {
	"active", "cmd_ready", "rd_done", "wb_done", "op_rd", "out_data"
};

/* One line of expect.txt (format in sde_cosim.h), the model's view. */
struct vec_line {
	uint64_t cycle;		/* the harness's cycle */
	struct sde_out o;	/* cmd_ready, active, rd_done, wb_done */
	uint8_t op_rd;		/* the model streamed in the previous cycle */
	uint8_t out_valid;	/* a write-back row is due on this cycle */
	uint32_t out_row;	/* its row within the tile */
	uint32_t out_data[SDE_WORDS(SDE_O_BITS)];	/* its requantized outputs */
};

/* One array tile: its commands' shared fields, operands and results. */
struct tile {
	struct sde_data d;	/* operands and outputs, the model's view (first
				 * member: cmd.data points here) */
	uint32_t rows, cols;	/* outputs in use */
	uint32_t cpr;		/* cmd.drain_cpr as sent, 0 .. CPR_MAX */
	uint32_t shift;		/* requantization shift */
	uint32_t steps;		/* k-step commands */
	uint32_t kc[8];		/* stream cycles of each step */
	uint64_t beats;		/* sum of kc: operand beats */
	int dense;		/* 1: mux bypass */
	uint32_t gpc;		/* sparse: M-groups per beat (nm_map) */
	uint64_t groups;	/* sparse: M-groups covering k */
	int16_t *a;		/* rows x k activations */
	int16_t *w;		/* dense: k x cols; sparse: (groups*n) x cols */
	uint8_t *idx;		/* sparse: positions, like w; dense: NULL */
	int32_t *acc;		/* rows x cols, written by the model */
	int16_t *out;		/* rows x cols, written by the model */
	int16_t want[SDE_ROWS][SDE_COLS];	/* sde_compute_tile's outputs, 0
						 * beyond cols */
	uint64_t row_cycle[SDE_ROWS];	/* cycle each row was on out_data */
	uint32_t rows_seen;	/* out beats received */
};

struct cosim {
	/* options */
	uint64_t seed;		/* --seed */
	uint64_t n_cmds;	/* --cmds: commands to issue (whole tiles) */
	uint64_t max_cycles;	/* --max-cycles: give up (a hang) */
	int functional;		/* 0 with --timing: no operands, no data check */
	int acc_db_mode;	/* 0, 1, or 2: toggle at random */
	uint64_t inject_cycle;	/* --inject-flip: first cycle to flip at */
	int inject;		/* 1: a flip is armed */
	int injected;		/* 1: the flip was done */
	enum inject_port inject_port;	/* --inject-port */
	const char *vcd;	/* --vcd FILE or NULL */
	const char *vec_dir;	/* --write-vectors DIR or NULL */
	FILE *vec_stim;		/* DIR/stim.txt, or NULL */
	FILE *vec_expect;	/* DIR/expect.txt, or NULL */
	struct vec_line vec[VEC_LAG];	/* expect lines not yet written, a ring
					 * indexed by cycle % VEC_LAG */
	uint64_t vec_first;	/* cycle of the oldest line in vec */
	uint64_t vec_next;	/* cycle of the next line to record */

	/* the C model and its ports */
	struct sde e;		/* the engine model */
	struct unit_cmd in;	/* its command input */
	uint32_t want_op;	/* its want_op input: no stall attribution */
	int exp_op_rd;		/* the model streamed in the last cycle */

	/* stimulus */
	uint64_t rng;		/* xorshift64* state */
	uint64_t cycle;		/* clocks since reset */
	int acc_db;		/* strap value this cycle */
	uint64_t acc_db_next;	/* cycle of the next toggle */
	uint64_t gap;		/* idle cycles before the next cmd_valid */
	struct tile **tiles;	/* every tile created, in order */
	size_t n_tiles, cap_tiles;
	size_t gen_tile;	/* tile whose commands are being issued */
	uint32_t gen_step;	/* its next step */
	uint64_t issued;	/* commands presented (accepted or pending) */
	uint64_t accepted;	/* commands accepted */
	struct sde_pins cmd;	/* the command pins presented */
	size_t feed_tile;	/* tile of the next operand beat */
	uint64_t feed_beat;	/* beat within it */
	size_t wb_tile;		/* tile whose rows come next */
	uint64_t beats_fed;	/* operand beats presented on op_rd */
	uint64_t rows_checked;	/* write-back rows compared */
	uint64_t idle_tail;	/* idle cycles compared after the last tile */
	uint64_t cov_sparse;	/* coverage: sparse tiles */
	uint64_t cov_full;	/* coverage: cycles cmd_valid met a full FIFO */
	uint64_t cov_wrap;	/* coverage: accumulators that wrapped int32 */
	uint64_t cov_sat;	/* coverage: outputs saturated by requantization */
	int failed;		/* 1: a mismatch was reported */
	int done;		/* 1: nothing left to compare */
};

/* ---- random numbers (xorshift64*, seeded through splitmix64) ---- */

static uint64_t rnd(struct cosim *c)
{
	c->rng ^= c->rng >> 12;
	c->rng ^= c->rng << 25;
	c->rng ^= c->rng >> 27;
	return c->rng * 0x2545F4914F6CDD1Dull;
}

/* Uniform in lo .. hi inclusive. */
static uint64_t range(struct cosim *c, uint64_t lo, uint64_t hi)
{
	return lo + rnd(c) % (hi - lo + 1);
}

static int chance(struct cosim *c, unsigned percent)
{
	return rnd(c) % 100 < percent;
}

/* A signed value of bits bits; extreme tiles use only the two ends. */
static int16_t value(struct cosim *c, uint32_t bits, int extreme)
{
	int32_t lo = -(1 << (bits - 1)), hi = (1 << (bits - 1)) - 1;

	if (extreme || chance(c, 5))
		return (int16_t)(rnd(c) & 1 ? hi : lo);
	return (int16_t)range(c, 0, (uint64_t)(hi - lo)) + lo;
}

/* ---- bit fields of the wide operand and output ports ---- */

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

static int32_t sext(uint32_t v, uint32_t bits)
{
	return (int32_t)(v << (32 - bits)) >> (32 - bits);
}

/* Random bits in a port of bits bits; the bits above it stay 0, as
 * Verilator requires of its inputs. */
static void garbage(struct cosim *c, uint32_t *w, uint32_t bits)
{
	uint32_t i;

	memset(w, 0, SDE_WORDS(bits) * sizeof *w);
	for (i = 0; i < bits / 32; i++)
		w[i] = (uint32_t)rnd(c);
	if (bits % 32)
		w[i] = (uint32_t)rnd(c) & ((1u << bits % 32) - 1);
}

/* Random value of a bits-wide scalar port. */
static uint32_t noise(struct cosim *c, uint32_t bits)
{
	return (uint32_t)rnd(c) & (uint32_t)((1ull << bits) - 1);
}

/* ---- reporting ---- */

static int mismatch(struct cosim *c, const char *port, uint64_t expected,
		    uint64_t actual)
{
	fprintf(stderr, "sde_cosim: MISMATCH at cycle %" PRIu64 " port %s: "
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
	free(t->a);
	free(t->w);
	free(t->idx);
	free(t->acc);
	free(t->out);
	free(t);
}

/* Coverage: exact sums of the (pruned) dense weights that overflow int32,
 * and requantized outputs at the rails. */
static void cover(struct cosim *c, const struct tile *t, const int16_t *wd,
		  uint32_t k)
{
	uint32_t r, col, kk;

	for (r = 0; r < t->rows; r++) {
		for (col = 0; col < t->cols; col++) {
			int64_t sum = 0, v, hi = (1 << (SDE_ACT_BITS - 1)) - 1;

			for (kk = 0; kk < k; kk++)
				sum += (int64_t)t->a[(uint64_t)r * k + kk] *
				       wd[(uint64_t)kk * t->cols + col];
			c->cov_wrap += sum != (int32_t)sum;
			v = ((int64_t)(int32_t)sum + (1ll << (t->shift - 1))) >>
			    t->shift;
			c->cov_sat += v > hi || v < -hi - 1;
		}
	}
}

/* Random operands of a tile whose steps stream t->beats beats in total. */
static int tile_operands(struct cosim *c, struct tile *t)
{
	struct nm_hw hw = { SDE_N_MAX, SDE_M_MAX };
	struct nm_map map;
	uint32_t n = 1, m = 1, k, r, i;
	int extreme = chance(c, 10);
	int16_t *wd = NULL;

	if (SDE_M_MAX > 1 && chance(c, 65)) {
		n = (uint32_t)range(c, 1, SDE_N_MAX < SDE_M_MAX - 1 ?
					   SDE_N_MAX : SDE_M_MAX - 1);
		m = (uint32_t)range(c, n + 1, SDE_M_MAX);
	}
	t->dense = n == m;
	if (nm_map(&hw, n, m, &map))
		return -1;
	if (t->dense) {
		k = (uint32_t)((t->beats - 1) * SDE_N_MAX + range(c, 1, SDE_N_MAX));
	} else {
		t->gpc = map.groups_per_cycle;
		t->groups = (t->beats - 1) * t->gpc + range(c, 1, t->gpc);
		k = (uint32_t)((t->groups - 1) * m + range(c, 1, m));
	}
	/* half the tiles use the planner's shift (sim/plan.c), the rest any */
	if (chance(c, 50))
		t->shift = SDE_ACT_BITS - 1 +
			   (nm_clog2(t->dense ? k : t->groups * n) + 1) / 2;
	if (nm_kcycles(&map, k) != t->beats) {
		fprintf(stderr, "sde_cosim: internal: %u:%u k=%u gives %" PRIu64
			" beats, not %" PRIu64 "\n", n, m, k,
			nm_kcycles(&map, k), t->beats);
		return -1;
	}
	t->a = malloc(sizeof *t->a * t->rows * k);
	wd = malloc(sizeof *wd * k * t->cols);
	t->acc = malloc(sizeof *t->acc * t->rows * t->cols);
	t->out = malloc(sizeof *t->out * t->rows * t->cols);
	if (!t->a || !wd || !t->acc || !t->out)
		goto fail;
	for (r = 0; r < t->rows * k; r++)
		t->a[r] = value(c, SDE_ACT_BITS, extreme);
	for (i = 0; i < k * t->cols; i++)
		wd[i] = value(c, SDE_WEIGHT_BITS, extreme);
	if (!t->dense)
		nm_prune(wd, k, t->cols, n, m);
	cover(c, t, wd, k);
	if (t->dense) {
		t->w = wd;
		wd = NULL;
	} else {
		c->cov_sparse++;
		t->w = malloc(sizeof *t->w * t->groups * n * t->cols);
		t->idx = malloc(t->groups * n * t->cols);
		if (!t->w || !t->idx)
			goto fail;
		nm_compress(wd, k, t->cols, n, m, t->w, t->idx);
		free(wd);
		wd = NULL;
	}
	t->d = (struct sde_data){
		.a = t->a, .w = t->w, .idx = t->idx, .acc = t->acc,
		.out = t->out, .k = k, .ncols = t->cols, .nm_n = n, .nm_m = m,
		.shift = t->shift, .out_bits = SDE_ACT_BITS,
	};
	/* The expected rows, to compare each as it arrives; the model computes
	 * the tile again when it writes it back (tile_written checks). */
	sde_compute_tile(&t->d, 0, 0, t->rows, t->cols);
	for (r = 0; r < t->rows; r++)
		for (i = 0; i < t->cols; i++)
			t->want[r][i] = t->out[r * t->cols + i];
	memset(t->out, 0x55, sizeof *t->out * t->rows * t->cols);
	return 0;
fail:
	free(wd);
	return -1;
}

static struct tile *tile_new(struct cosim *c)
{
	struct tile *t = calloc(1, sizeof *t);
	uint32_t s;

	if (!t)
		return NULL;
	t->rows = (uint32_t)range(c, 1, SDE_ROWS);
	t->cols = (uint32_t)range(c, 1, SDE_COLS);
	t->cpr = (uint32_t)range(c, 0, CPR_MAX);
	t->shift = (uint32_t)range(c, 1, SDE_ACT_BITS + 12);
	t->steps = chance(c, 40) ? 1 : (uint32_t)range(c, 2, 5);
	for (s = 0; s < t->steps; s++) {
		t->kc[s] = (uint32_t)(chance(c, 30) ? range(c, 1, 3) :
				      range(c, 1, KC_MAX));
		t->beats += t->kc[s];
	}
	if (c->functional && tile_operands(c, t)) {
		tile_free(t);
		return NULL;
	}
	return t;
}

/* ---- stimulus: commands ---- */

/* Present the next k-step command; returns -1 when out of memory. */
static int next_cmd(struct cosim *c)
{
	struct tile *t;
	struct sde_pins *p = &c->cmd;
	uint32_t flags = 0;

	if (c->gen_tile == c->n_tiles) {
		if (c->n_tiles == c->cap_tiles) {
			size_t cap = c->cap_tiles ? 2 * c->cap_tiles : 64;
			struct tile **nt = realloc(c->tiles, cap * sizeof *nt);

			if (!nt)
				return -1;
			c->tiles = nt;
			c->cap_tiles = cap;
		}
		c->tiles[c->n_tiles] = tile_new(c);
		if (!c->tiles[c->n_tiles])
			return -1;
		c->n_tiles++;
	}
	t = c->tiles[c->gen_tile];
	if (c->gen_step == 0)
		flags |= UNIT_FIRST;
	if (c->gen_step + 1 == t->steps)
		flags |= UNIT_LAST;
	flags |= (uint32_t)(rnd(c) & (UNIT_A_LAST | UNIT_W_LAST | UNIT_O_LAST));
	c->in = (struct unit_cmd){
		.valid = 1, .flags = (uint8_t)flags, .op = (uint32_t)c->issued,
		.rows = t->rows, .cols = t->cols, .kcycles = t->kc[c->gen_step],
		.r0 = 0, .c0 = 0, .drain_cpr = t->cpr,
		.data = c->functional ? &t->d : NULL,
	};
	p->cmd_valid = 1;
	p->cmd_flags = (uint8_t)flags;
	p->cmd_op = c->in.op;
	p->cmd_rows = t->rows;
	p->cmd_cols = t->cols;
	p->cmd_kcycles = t->kc[c->gen_step];
	p->cmd_drain_cpr = t->cpr;
	p->cmd_dense = (uint8_t)(c->functional ? t->dense : 1);
	p->cmd_nm_n = c->functional ? t->d.nm_n : 1;
	p->cmd_nm_m = c->functional ? t->d.nm_m : 1;
	p->cmd_shift = t->shift;
	c->issued++;
	if (++c->gen_step == t->steps) {
		c->gen_tile++;
		c->gen_step = 0;
	}
	return 0;
}

/* The command pins: the presented command, or random payload without
 * cmd_valid (the RTL must ignore it). */
static void drive_cmd(struct cosim *c, struct sde_pins *p)
{
	const struct sde_pins *q = &c->cmd;

	p->cmd_valid = c->in.valid;
	if (!c->in.valid) {
		p->cmd_flags = (uint8_t)noise(c, 5);
		p->cmd_op = noise(c, 32);
		p->cmd_rows = noise(c, nm_clog2(SDE_ROWS + 1));
		p->cmd_cols = noise(c, nm_clog2(SDE_COLS + 1));
		p->cmd_kcycles = noise(c, SDE_KC_BITS);
		p->cmd_drain_cpr = noise(c, SDE_CPR_BITS);
		p->cmd_dense = (uint8_t)noise(c, 1);
		p->cmd_nm_n = noise(c, nm_clog2(SDE_N_MAX + 1));
		p->cmd_nm_m = noise(c, nm_clog2(SDE_M_MAX + 1));
		p->cmd_shift = noise(c, SDE_SHIFT_BITS);
		return;
	}
	p->cmd_flags = q->cmd_flags;
	p->cmd_op = q->cmd_op;
	p->cmd_rows = q->cmd_rows;
	p->cmd_cols = q->cmd_cols;
	p->cmd_kcycles = q->cmd_kcycles;
	p->cmd_drain_cpr = q->cmd_drain_cpr;
	p->cmd_dense = q->cmd_dense;
	p->cmd_nm_n = q->cmd_nm_n;
	p->cmd_nm_m = q->cmd_nm_m;
	p->cmd_shift = q->cmd_shift;
}

/* Idle cycles after an accepted command: mostly none, sometimes long
 * enough for the engine to drain completely. */
static uint64_t gap_after(struct cosim *c)
{
	uint64_t r = rnd(c) % 100;

	if (r < 50)
		return 0;
	if (r < 80)
		return range(c, 1, 3);
	if (r < 95)
		return range(c, 4, 20);
	return range(c, 20, 200);
}

/* ---- stimulus: operand beats ---- */

/* Beat feed_beat of tile feed_tile onto the operand pins (rtl/sde.v). */
static int feed(struct cosim *c, struct sde_pins *p)
{
	struct tile *t;
	uint64_t b, kk, g;
	uint32_t r, q, col, j, gi, i;

	garbage(c, p->op_a, SDE_A_BITS);
	garbage(c, p->op_w, SDE_W_BITS);
	garbage(c, p->op_idx, SDE_I_BITS);
	if (c->feed_tile >= c->n_tiles)
		return mismatch(c, "op_rd (no operand beat left)", 0, 1);
	t = c->tiles[c->feed_tile];
	b = c->feed_beat;
	c->beats_fed++;
	if (++c->feed_beat == t->beats) {
		c->feed_tile++;
		c->feed_beat = 0;
	}
	if (!c->functional)
		return 0;
	for (r = 0; r < t->rows; r++) {
		uint32_t span = t->dense ? SDE_N_MAX : t->gpc * t->d.nm_m;

		for (q = 0; q < span; q++) {
			kk = b * span + q;
			if (kk < t->d.k)
				put_bits(p->op_a, (r * SDE_WIN + q) * SDE_ACT_BITS,
					 SDE_ACT_BITS,
					 (uint16_t)t->a[(uint64_t)r * t->d.k + kk]);
		}
	}
	for (col = 0; col < t->cols; col++) {
		for (j = 0; j < SDE_N_MAX; j++) {
			uint32_t wbit = (col * SDE_N_MAX + j) * SDE_WEIGHT_BITS;
			uint32_t ibit = (col * SDE_N_MAX + j) * SDE_IDX_BITS;
			int16_t w = 0;
			uint8_t x = 0;

			if (t->dense) {
				kk = b * SDE_N_MAX + j;
				if (kk < t->d.k)
					w = t->w[kk * t->cols + col];
				put_bits(p->op_w, wbit, SDE_WEIGHT_BITS, (uint16_t)w);
				continue;
			}
			gi = j / t->d.nm_n;
			i = j % t->d.nm_n;
			if (gi >= t->gpc)
				continue;	/* unused multiplier: garbage */
			g = b * t->gpc + gi;
			if (g < t->groups) {
				w = t->w[(g * t->d.nm_n + i) * t->cols + col];
				x = t->idx[(g * t->d.nm_n + i) * t->cols + col];
				put_bits(p->op_idx, ibit, SDE_IDX_BITS, x);
			}
			put_bits(p->op_w, wbit, SDE_WEIGHT_BITS, (uint16_t)w);
		}
	}
	return 0;
}

/* ---- vector files (--write-vectors, format in sde_cosim.h) ---- */

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
static void vec_header(struct cosim *c, FILE *f, const char *kind,
		       const char *cols)
{
	fprintf(f, "# sde %s ROWS=%d COLS=%d N_MAX=%d M_MAX=%d ACT_BITS=%d "
		"WEIGHT_BITS=%d KC_BITS=%d CPR_BITS=%d SHIFT_BITS=%d reset=%d "
		"functional=%d seed=%" PRIu64 " cmds=%" PRIu64 " acc_db=%s | %s\n",
		kind, SDE_ROWS, SDE_COLS, SDE_N_MAX, SDE_M_MAX, SDE_ACT_BITS,
		SDE_WEIGHT_BITS, SDE_KC_BITS, SDE_CPR_BITS, SDE_SHIFT_BITS,
		COSIM_RESET_CYCLES, c->functional, c->seed, c->n_cmds,
		c->acc_db_mode == 2 ? "toggle" : c->acc_db_mode ? "1" : "0", cols);
}

/* Create DIR (one level) and open both files; returns -1 after a message. */
static int vec_open(struct cosim *c)
{
	char path[4096];

	if (mkdir(c->vec_dir, 0777) && errno != EEXIST) {
		fprintf(stderr, "sde_cosim: cannot create %s: %s\n", c->vec_dir,
			strerror(errno));
		return -1;
	}
	snprintf(path, sizeof path, "%s/stim.txt", c->vec_dir);
	c->vec_stim = fopen(path, "w");
	if (c->vec_stim) {
		snprintf(path, sizeof path, "%s/expect.txt", c->vec_dir);
		c->vec_expect = fopen(path, "w");
	}
	if (!c->vec_stim || !c->vec_expect) {
		fprintf(stderr, "sde_cosim: cannot write %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	vec_header(c, c->vec_stim, "stim",
		   "cycle rst_l acc_db cmd_valid cmd_flags cmd_op cmd_rows cmd_cols "
		   "cmd_kcycles cmd_drain_cpr cmd_dense cmd_nm_n cmd_nm_m cmd_shift "
		   "op_a op_w op_idx");
	vec_header(c, c->vec_expect, "expect",
		   "cycle cmd_ready active rd_done_valid rd_done_flags rd_done_op "
		   "wb_done_valid wb_done_flags wb_done_op op_rd out_valid out_row "
		   "out_data");
	return 0;
}

/* One line of stim.txt: the inputs *p holds for the clock of cycle. */
static void vec_stim(struct cosim *c, const struct sde_pins *p, int64_t cycle)
{
	FILE *f = c->vec_stim;

	if (!f)
		return;
	fprintf(f, "%" PRId64 " ", cycle);
	put_num(f, p->rst_l, 1, ' ');
	put_num(f, p->acc_db, 1, ' ');
	put_num(f, p->cmd_valid, 1, ' ');
	put_num(f, p->cmd_flags, 5, ' ');
	put_num(f, p->cmd_op, 32, ' ');
	put_num(f, p->cmd_rows, nm_clog2(SDE_ROWS + 1), ' ');
	put_num(f, p->cmd_cols, nm_clog2(SDE_COLS + 1), ' ');
	put_num(f, p->cmd_kcycles, SDE_KC_BITS, ' ');
	put_num(f, p->cmd_drain_cpr, SDE_CPR_BITS, ' ');
	put_num(f, p->cmd_dense, 1, ' ');
	put_num(f, p->cmd_nm_n, nm_clog2(SDE_N_MAX + 1), ' ');
	put_num(f, p->cmd_nm_m, nm_clog2(SDE_M_MAX + 1), ' ');
	put_num(f, p->cmd_shift, SDE_SHIFT_BITS, ' ');
	put_hex(f, p->op_a, SDE_A_BITS);
	fputc(' ', f);
	put_hex(f, p->op_w, SDE_W_BITS);
	fputc(' ', f);
	put_hex(f, p->op_idx, SDE_I_BITS);
	fputc('\n', f);
}

/* Write the oldest held expect line. */
static void vec_flush_one(struct cosim *c)
{
	const struct vec_line *l = &c->vec[c->vec_first % VEC_LAG];
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
	put_num(f, l->op_rd, 1, ' ');
	put_num(f, l->out_valid, 1, ' ');
	put_num(f, l->out_row, SDE_ROWS > 1 ? nm_clog2(SDE_ROWS) : 1, ' ');
	put_hex(f, l->out_data, SDE_O_BITS);
	fputc('\n', f);
	c->vec_first++;
}

/*
 * Record the expected outputs of this cycle, before any comparison: the
 * model's registered outputs, and on a wb_done the rows of the tile it
 * wrote back, into the held lines of the cycles they were due on. Returns
 * -1 after a message when a row falls outside the held lines.
 */
static int vec_expect(struct cosim *c)
{
	struct vec_line *l;
	const struct tile *t;
	uint32_t r, col, cpr;

	if (!c->vec_expect)
		return 0;
	if (c->vec_next - c->vec_first == VEC_LAG)
		vec_flush_one(c);
	l = &c->vec[c->vec_next % VEC_LAG];
	memset(l, 0, sizeof *l);
	l->cycle = c->cycle;
	l->o = c->e.out;
	l->op_rd = (uint8_t)c->exp_op_rd;
	c->vec_next++;
	if (!c->e.out.wb_done.valid || c->wb_tile >= c->n_tiles)
		return 0;
	t = c->tiles[c->wb_tile];
	cpr = t->cpr > 1 ? t->cpr : 1;
	for (r = 0; r < t->rows; r++) {
		uint64_t back = (uint64_t)(t->rows - r) * cpr - 1;

		if (back >= c->vec_next - c->vec_first) {
			fprintf(stderr, "sde_cosim: internal: row %u due %" PRIu64
				" cycles before cycle %" PRIu64 "\n", r, back,
				c->cycle);
			return -1;
		}
		l = &c->vec[(c->cycle - back) % VEC_LAG];
		if (l->out_valid) {
			fprintf(stderr, "sde_cosim: internal: two rows due on cycle "
				"%" PRIu64 "\n", l->cycle);
			return -1;
		}
		l->out_valid = 1;
		l->out_row = r;
		for (col = 0; col < t->cols && c->functional; col++)
			put_bits(l->out_data, col * SDE_ACT_BITS, SDE_ACT_BITS,
				 (uint16_t)t->out[r * t->cols + col]);
	}
	return 0;
}

/* Write the held lines and close both files; returns -1 after a message
 * on a write error. */
static int vec_close(struct cosim *c)
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
	if (bad)
		fprintf(stderr, "sde_cosim: error writing vectors to %s\n",
			c->vec_dir);
	return bad ? -1 : 0;
}

/* ---- options ---- */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: sde_cosim [--seed N] [--cmds N] [--timing] [--acc-db 0|1|toggle]\n"
		"                 [--inject-flip CYCLE [--inject-port PORT]] [--vcd FILE]\n"
		"                 [--max-cycles N] [--write-vectors DIR]\n"
		"  --seed N          stimulus seed (default 1)\n"
		"  --cmds N          k-step commands to issue, rounded up to whole tiles (default 2000)\n"
		"  --timing          no operands: compare control ports and row timing only\n"
		"  --acc-db V        shadow accumulators fixed on (1), off (0), or toggled at random (default)\n"
		"  --inject-flip N   flip one bit of an RTL output at the first cycle >= N where it is\n"
		"                    compared; the run must then fail with exit status 1\n"
		"  --inject-port P   active (default), cmd_ready, rd_done, wb_done, op_rd, out_data\n"
		"  --vcd FILE        write waves (build with tracing)\n"
		"  --max-cycles N    fail when the run has not finished after N cycles\n"
		"  --write-vectors DIR  also write DIR/stim.txt (inputs, every cycle) and\n"
		"                    DIR/expect.txt (the model's outputs) for tests/icarus\n");
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!s || !*s)
		return -1;
	*v = strtoull(s, &end, 0);
	return *end ? -1 : 0;
}

static int parse(struct cosim *c, int argc, char **argv, int *status)
{
	int i, k;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			*status = 0;
			return -1;
		} else if (!strcmp(a, "--timing")) {
			c->functional = 0;
			continue;
		} else if (a[0] == '+') {
			continue;	/* +verilator+ options */
		} else if (!v) {
			break;
		}
		i++;
		if (!strcmp(a, "--seed")) {
			if (parse_u64(v, &c->seed))
				break;
		} else if (!strcmp(a, "--cmds")) {
			if (parse_u64(v, &c->n_cmds) || !c->n_cmds)
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
		} else if (!strcmp(a, "--acc-db")) {
			if (!strcmp(v, "toggle"))
				c->acc_db_mode = 2;
			else if (!strcmp(v, "0") || !strcmp(v, "1"))
				c->acc_db_mode = v[0] - '0';
			else
				break;
		} else if (!strcmp(a, "--vcd")) {
			c->vcd = v;
		} else if (!strcmp(a, "--write-vectors")) {
			c->vec_dir = v;
		} else {
			break;
		}
	}
	if (i < argc) {
		fprintf(stderr, "sde_cosim: bad option or value at '%s'\n", argv[i]);
		usage(stderr);
		*status = 2;
		return -1;
	}
	if (c->inject && c->inject_port == INJ_OUT_DATA && !c->functional) {
		fprintf(stderr, "sde_cosim: --inject-port out_data needs functional mode\n");
		*status = 2;
		return -1;
	}
	return 0;
}

/* ---- the public interface ---- */

struct cosim *cosim_new(int argc, char **argv, int *status)
{
	struct cosim *c = calloc(1, sizeof *c);
	struct sde_params sp = { 0 };

	*status = 2;
	if (!c)
		goto fail;
	c->seed = 1;
	c->n_cmds = 2000;
	c->functional = 1;
	c->acc_db_mode = 2;
	if (parse(c, argc, argv, status))
		goto fail;
	c->max_cycles = c->max_cycles ? c->max_cycles :
			c->n_cmds * (KC_MAX + 2 * (SDE_ROWS + SDE_COLS + 8) * CPR_MAX + 200);
	c->rng = c->seed + 0x9E3779B97F4A7C15ull;
	c->rng = (c->rng ^ c->rng >> 30) * 0xBF58476D1CE4E5B9ull;
	c->rng = (c->rng ^ c->rng >> 27) * 0x94D049BB133111EBull;
	c->rng ^= c->rng >> 31;
	if (!c->rng)
		c->rng = 1;
	c->acc_db = c->acc_db_mode == 2 ? (int)(rnd(c) & 1) : c->acc_db_mode;
	c->acc_db_next = range(c, 1, 2000);
	sp.n_max = SDE_N_MAX;
	sp.acc_double_buffer = c->acc_db;
	sde_init(&c->e, &sp, &c->in, &c->want_op);
	if (c->vec_dir && vec_open(c))
		goto fail;
	return c;
fail:
	if (!c)
		fprintf(stderr, "sde_cosim: out of memory\n");
	else
		vec_close(c);
	free(c);
	return NULL;
}

const char *cosim_vcd(const struct cosim *c)
{
	return c->vcd;
}

void cosim_reset_pins(struct cosim *c, struct sde_pins *p)
{
	int i;

	memset(p, 0, sizeof *p);
	memset(&c->cmd, 0, sizeof c->cmd);
	p->rst_l = 0;
	p->acc_db = (uint8_t)c->acc_db;
	for (i = COSIM_RESET_CYCLES; i > 0; i--)
		vec_stim(c, p, -(int64_t)i);
}

int cosim_done(const struct cosim *c)
{
	return c->done;
}

void cosim_drive(struct cosim *c, struct sde_pins *p)
{
	uint64_t streamed = c->e.stream_cycles;
	int accept;

	if (c->done)
		return;
	if (c->acc_db_mode == 2 && c->cycle >= c->acc_db_next) {
		c->acc_db ^= 1;
		c->acc_db_next = c->cycle + range(c, 1, 2000);
	}
	c->e.acc_db = c->acc_db;
	if (!c->in.valid) {
		if (c->gap)
			c->gap--;
		else if ((c->issued < c->n_cmds || c->gen_step) &&
			 next_cmd(c)) {
			fprintf(stderr, "sde_cosim: cannot build tile %zu\n",
				c->n_tiles);
			c->failed = c->done = 1;
			return;
		}
	}
	drive_cmd(c, p);
	p->rst_l = 1;
	p->acc_db = (uint8_t)c->acc_db;
	if (p->op_rd) {
		if (feed(c, p))
			return;
	} else {
		garbage(c, p->op_a, SDE_A_BITS);
		garbage(c, p->op_w, SDE_W_BITS);
		garbage(c, p->op_idx, SDE_I_BITS);
	}

	vec_stim(c, p, (int64_t)c->cycle);
	accept = c->in.valid && c->e.out.cmd_ready;
	c->cov_full += c->in.valid && !c->e.out.cmd_ready;
	sde_step(&c->e, c->cycle);
	sde_commit(&c->e);
	c->exp_op_rd = c->e.stream_cycles != streamed;
	if (accept) {
		c->in.valid = 0;
		c->accepted++;
		c->gap = gap_after(c);
	}
	c->cycle++;
}

/* Flip one bit of the armed port if it is compared in this cycle. */
static void inject(struct cosim *c, struct sde_pins *p)
{
	if (!c->inject || c->injected || c->cycle < c->inject_cycle)
		return;
	switch (c->inject_port) {
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
	case INJ_OP_RD:
		p->op_rd ^= 1;
		break;
	case INJ_OUT_DATA:
		if (!p->out_valid)
			return;
		p->out_data[0] ^= 1;
		break;
	default:
		return;
	}
	c->injected = 1;
	fprintf(stderr, "sde_cosim: injected a bit flip on %s at cycle %" PRIu64 "\n",
		inject_names[c->inject_port], c->cycle);
}

/* One write-back row from the RTL: belongs to the oldest tile not done. */
static int take_row(struct cosim *c, const struct sde_pins *p)
{
	struct tile *t;
	uint32_t col;

	if (c->wb_tile >= c->n_tiles)
		return mismatch(c, "out_valid (no tile draining)", 0, 1);
	t = c->tiles[c->wb_tile];
	if (t->rows_seen >= t->rows)
		return mismatch(c, "out_valid (row beyond the tile)", 0, 1);
	if (p->out_row != t->rows_seen)
		return mismatch(c, "out_row", t->rows_seen, p->out_row);
	for (col = 0; col < SDE_COLS && c->functional; col++) {
		int32_t got = sext(get_bits(p->out_data, col * SDE_ACT_BITS,
					    SDE_ACT_BITS), SDE_ACT_BITS);
		int16_t want = t->want[t->rows_seen][col];

		if (got != want) {
			char port[48];

			snprintf(port, sizeof port, "out_data row %u col %u",
				 t->rows_seen, col);
			return mismatch(c, port, (uint16_t)want, (uint16_t)got);
		}
	}
	t->row_cycle[t->rows_seen++] = c->cycle;
	return 0;
}

/* The model wrote the oldest tile back: check its rows, then free it. */
static int tile_written(struct cosim *c)
{
	struct tile *t = c->tiles[c->wb_tile];
	uint32_t r, col, cpr = t->cpr > 1 ? t->cpr : 1;
	char port[64];

	if (c->functional && c->e.out.wb_done.data != &t->d)
		return mismatch(c, "wb_done (model wrote another tile)",
				(uint64_t)(uintptr_t)&t->d,
				(uint64_t)(uintptr_t)c->e.out.wb_done.data);
	if (t->rows_seen != t->rows)
		return mismatch(c, "out_valid (rows before wb_done)", t->rows,
				t->rows_seen);
	for (r = 0; r < t->rows; r++) {
		uint64_t due = c->cycle + 1 - (uint64_t)(t->rows - r) * cpr;

		if (t->row_cycle[r] != due) {
			snprintf(port, sizeof port, "out_valid (cycle of row %u)", r);
			return mismatch(c, port, due, t->row_cycle[r]);
		}
		for (col = 0; col < t->cols && c->functional; col++) {
			if (t->out[r * t->cols + col] != t->want[r][col]) {
				snprintf(port, sizeof port, "model out row %u col %u "
					 "(not computed at write-back)", r, col);
				return mismatch(c, port, (uint16_t)t->want[r][col],
						(uint16_t)t->out[r * t->cols + col]);
			}
		}
		c->rows_checked++;
	}
	tile_free(t);
	c->tiles[c->wb_tile++] = NULL;
	return 0;
}

int cosim_check(struct cosim *c, struct sde_pins *p)
{
	const struct sde_out *o = &c->e.out;

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
	if (p->op_rd != c->exp_op_rd)
		return mismatch(c, "op_rd", (uint64_t)c->exp_op_rd, p->op_rd);
	if (p->out_valid && take_row(c, p))
		return 1;
	if (o->wb_done.valid && tile_written(c))
		return 1;
	if (c->cycle >= c->max_cycles) {
		fprintf(stderr, "sde_cosim: no finish after %" PRIu64 " cycles "
			"(seed %" PRIu64 ")\n", c->cycle, c->seed);
		c->failed = c->done = 1;
		return 1;
	}
	if (c->issued >= c->n_cmds && !c->gen_step && !c->in.valid &&
	    c->wb_tile == c->n_tiles && !o->active && !c->e.f_len &&
	    ++c->idle_tail > DRAIN_IDLE)
		c->done = 1;
	return 0;
}

int cosim_finish(struct cosim *c)
{
	int status = c->failed ? 1 : 0;
	size_t i;

	if (vec_close(c) && !status)
		status = 2;

	if (!c->failed && c->inject) {
		fprintf(stderr, "sde_cosim: the %s flip at cycle %" PRIu64 " %s\n",
			inject_names[c->inject_port], c->inject_cycle,
			c->injected ? "was not caught" : "never happened (run too short)");
		status = 2;
	}
	printf("sde_cosim: %s seed=%" PRIu64 " cycles=%" PRIu64 " commands=%" PRIu64
	       " tiles=%zu (sparse %" PRIu64 ") beats=%" PRIu64 " rows=%" PRIu64
	       " wrapped=%" PRIu64 " saturated=%" PRIu64 " fifo_full=%" PRIu64
	       " mode=%s acc_db=%s"
	       " array=%dx%d n_max=%d m_max=%d act=%d w=%d\n",
	       status ? "FAIL" : "PASS", c->seed, c->cycle, c->accepted,
	       c->wb_tile, c->cov_sparse, c->beats_fed, c->rows_checked,
	       c->cov_wrap, c->cov_sat, c->cov_full, c->functional ? "functional" : "timing",
	       c->acc_db_mode == 2 ? "toggle" : c->acc_db_mode ? "1" : "0",
	       SDE_ROWS, SDE_COLS, SDE_N_MAX, SDE_M_MAX, SDE_ACT_BITS,
	       SDE_WEIGHT_BITS);
	for (i = 0; i < c->n_tiles; i++)
		tile_free(c->tiles[i]);
	free(c->tiles);
	free(c);
	return status;
}
