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
 * With --npy PREFIX the operands are real: a GEMM dumped by `stasim run
 * --mode functional --dump` (sim/func.c, dump(): PREFIX.{a,w,acc,out}.npy,
 * and PREFIX.{wval,widx}.npy for N:M weights), optionally one head of a
 * multi-head matmul (--head) and a region of its outputs over the whole of
 * k (--crop). sim/plan.c tiles it onto this array (config defaults, the
 * array's size, multipliers, muxes and widths) and its walker gives the
 * tiles and k-steps in execution order, with their flags; the command
 * stream, drain rates, cmd_valid gaps and acc_db toggles stay random as
 * above. Besides the model, every drained row is checked against
 * PREFIX.out.npy and every tile's model accumulators against
 * PREFIX.acc.npy: tensors stasim already checked against its reference.
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
#include "../../sim/plan.h"
#include "harness.h"

_Static_assert(SDE_ACT_BITS >= 2 && SDE_ACT_BITS <= 16, "int16 operands");
_Static_assert(SDE_WEIGHT_BITS >= 2 && SDE_WEIGHT_BITS <= 16, "int16 operands");
_Static_assert(SDE_M_MAX >= 1 && SDE_M_MAX <= 32, "SDE_IDX_BITS table");

#define KC_MAX 40		/* longest k-step in the stimulus */
#define CPR_MAX 4		/* slowest drain consumer in the stimulus */
#define DRAIN_IDLE 4		/* idle cycles checked after the last tile */
#define GAP_MAX 200		/* longest idle gap between commands */
#define PROG COSIM_PROG	/* first on every message */
/* A message on stderr, PROG first; none in the --vcd replay (c->quiet),
 * which would repeat the first run's. */
#define say(c, ...) harness_say((c)->quiet, PROG, __VA_ARGS__)
#define STEPS_MAX 8		/* k-step commands of one tile */
#define NPY_HEADER_MAX 4096	/* longest .npy header read */
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
	uint32_t kc[STEPS_MAX];	/* stream cycles of each step */
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
	int32_t *acc;		/* rows x cols, written by the model */
	int16_t *out;		/* rows x cols, written by the model */
	int16_t want[SDE_ROWS][SDE_COLS];	/* sde_compute_tile's outputs, 0
						 * beyond cols */
	uint64_t row_cycle[SDE_ROWS];	/* cycle each row was on out_data */
	uint32_t rows_seen;	/* out beats received */
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
	struct harness_vcd vcd;	/* --vcd, --vcd-window */
	const char *npy;	/* --npy PREFIX or NULL */
	int64_t head;		/* --head: the one head run, -1: all */
	uint32_t crop[4];	/* --crop R x C + R0 + C0; R = 0: whole op */
	int quiet;		/* 1: the --vcd replay: no messages, no files */
	const char *vec_dir;	/* --write-vectors DIR or NULL */
	FILE *vec_stim;		/* DIR/stim.txt, or NULL */
	FILE *vec_expect;	/* DIR/expect.txt, or NULL */
	struct vec_line vec[VEC_LAG];	/* expect lines not yet written, a ring
					 * indexed by cycle % VEC_LAG */
	uint64_t vec_first;	/* cycle of the oldest line in vec */
	uint64_t vec_next;	/* cycle of the next line to record */

	/* the C model and its ports */
	struct gemm *g;		/* --npy: the dump, or NULL */
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
	uint64_t npy_rows;	/* --npy: drained rows equal to out.npy's */
	uint64_t mismatches;	/* outputs that differed (the run stops at 1) */
	int failed;		/* 1: a mismatch was reported */
	int64_t fail_cycle;	/* cycle of the failure, -1: none */
	int done;		/* 1: nothing left to compare */
};

/* A signed value of bits bits; extreme tiles use only the two ends. */
static int16_t value(struct cosim *c, uint32_t bits, int extreme)
{
	int32_t lo = -(1 << (bits - 1)), hi = (1 << (bits - 1)) - 1;

	if (extreme || harness_chance(&c->rng, 5))
		return (int16_t)(harness_rnd(&c->rng) & 1 ? hi : lo);
	return (int16_t)harness_range(&c->rng, 0, (uint64_t)(hi - lo)) + lo;
}

/* ---- bit fields of the wide operand and output ports ---- */

static int32_t sext(uint32_t v, uint32_t bits)
{
	return (int32_t)(v << (32 - bits)) >> (32 - bits);
}

/* ---- reporting ---- */

/* The run failed in this cycle: stop it. */
static void fail(struct cosim *c)
{
	if (!c->failed)
		c->fail_cycle = (int64_t)c->cycle;
	c->failed = 1;
	c->done = 1;
}

static int mismatch(struct cosim *c, const char *port, uint64_t expected,
		    uint64_t actual)
{
	harness_mismatch(c->quiet, PROG, c->cycle, port, expected, actual,
			 c->seed, c->injected);
	c->mismatches++;
	fail(c);
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

/*
 * The reduction elements of each step, when the steps stream the tile's k
 * back to back, span elements a beat (the last beat may be short).
 */
static void tile_steps_k(struct tile *t, uint32_t span)
{
	uint64_t kb = 0;
	uint32_t s;

	for (s = 0; s < t->steps; s++) {
		uint64_t k0 = kb * span < t->d.k ? kb * span : t->d.k;
		uint64_t len = (uint64_t)t->kc[s] * span;

		t->k0[s] = (uint32_t)k0;
		t->klen[s] = (uint32_t)(len < t->d.k - k0 ? len : t->d.k - k0);
		kb += t->kc[s];
	}
}

/* The expected rows, computed by the model, to compare each as it
 * arrives; the model computes the tile again when it writes it back
 * (tile_written checks), into outputs poisoned here. */
static void tile_expect(struct tile *t)
{
	uint32_t r, i;

	sde_compute_tile(&t->d, 0, 0, t->rows, t->cols);
	for (r = 0; r < t->rows; r++)
		for (i = 0; i < t->cols; i++)
			t->want[r][i] = t->out[r * t->cols + i];
	memset(t->out, 0x55, sizeof *t->out * t->rows * t->cols);
}

/* Random operands of a tile whose steps stream t->beats beats in total. */
static int tile_operands(struct cosim *c, struct tile *t)
{
	struct nm_hw hw = { SDE_N_MAX, SDE_M_MAX };
	struct nm_map map;
	uint32_t n = 1, m = 1, k, r, i;
	int extreme = harness_chance(&c->rng, 10);
	int16_t *wd = NULL;

	if (SDE_M_MAX > 1 && harness_chance(&c->rng, 65)) {
		n = (uint32_t)harness_range(&c->rng, 1, SDE_N_MAX < SDE_M_MAX - 1 ?
					   SDE_N_MAX : SDE_M_MAX - 1);
		m = (uint32_t)harness_range(&c->rng, n + 1, SDE_M_MAX);
	}
	t->dense = n == m;
	if (nm_map(&hw, n, m, &map))
		return -1;
	if (t->dense) {
		k = (uint32_t)((t->beats - 1) * SDE_N_MAX + harness_range(&c->rng, 1, SDE_N_MAX));
	} else {
		t->gpc = map.groups_per_cycle;
		t->groups = (t->beats - 1) * t->gpc + harness_range(&c->rng, 1, t->gpc);
		k = (uint32_t)((t->groups - 1) * m + harness_range(&c->rng, 1, m));
	}
	/* half the tiles use the planner's shift (sim/plan.c), the rest any */
	if (harness_chance(&c->rng, 50))
		t->shift = SDE_ACT_BITS - 1 +
			   (nm_clog2(t->dense ? k : t->groups * n) + 1) / 2;
	if (nm_kcycles(&map, k) != t->beats) {
		say(c, "internal: %u:%u k=%u gives %" PRIu64 " beats, not %"
		    PRIu64, n, m, k, nm_kcycles(&map, k), t->beats);
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
	tile_steps_k(t, t->dense ? SDE_N_MAX : t->gpc * m);
	tile_expect(t);
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
	t->rows = (uint32_t)harness_range(&c->rng, 1, SDE_ROWS);
	t->cols = (uint32_t)harness_range(&c->rng, 1, SDE_COLS);
	t->cpr = (uint32_t)harness_range(&c->rng, 0, CPR_MAX);
	t->shift = (uint32_t)harness_range(&c->rng, 1, SDE_ACT_BITS + 12);
	t->steps = harness_chance(&c->rng, 40) ? 1 : (uint32_t)harness_range(&c->rng, 2, 5);
	for (s = 0; s < t->steps; s++) {
		t->kc[s] = (uint32_t)(harness_chance(&c->rng, 30) ? harness_range(&c->rng, 1, 3) :
				      harness_range(&c->rng, 1, KC_MAX));
		t->beats += t->kc[s];
	}
	if (c->functional && tile_operands(c, t)) {
		tile_free(t);
		return NULL;
	}
	return t;
}

/* ---- --npy: a GEMM dumped by stasim run --dump ---- */

static void npy_free(struct npy *t)
{
	free(t->v);
	memset(t, 0, sizeof *t);
}

/* Element [h][r][col] of a tensor of 2 (h = 0) or 3 dimensions. */
static int32_t npy_at(const struct npy *t, uint64_t h, uint64_t r, uint64_t col)
{
	uint64_t rows = t->shape[t->ndim - 2], cols = t->shape[t->ndim - 1];

	return t->v[(h * rows + r) * cols + col];
}

/* The text after key and its colon in a header dict, or NULL. */
static const char *npy_key(const char *dict, const char *key)
{
	const char *p = strstr(dict, key);

	if (!p)
		return NULL;
	for (p += strlen(key); *p == ' ' || *p == ':'; p++)
		;
	return p;
}

/*
 * The header dict of a little-endian integer array in C order, as numpy
 * writes it: type, bits and shape into t, the element count into *count.
 * Returns -1 for anything else.
 */
static int npy_dict(const char *dict, struct npy *t, uint64_t *count)
{
	const char *p = npy_key(dict, "'descr'");
	char *end;
	unsigned long bytes;

	if (!p || *p++ != '\'')
		return -1;
	p += *p == '|' || *p == '<';
	if (*p != 'i' && *p != 'u')
		return -1;
	t->type = *p++;
	bytes = strtoul(p, &end, 10);
	if (*end != '\'' || (bytes != 1 && bytes != 2 && bytes != 4) ||
	    (t->type == 'u' && bytes == 4))
		return -1;
	t->bits = (uint32_t)bytes * 8;
	p = npy_key(dict, "'fortran_order'");
	if (!p || strncmp(p, "False", 5))
		return -1;
	p = npy_key(dict, "'shape'");
	if (!p || *p++ != '(')
		return -1;
	for (*count = 1; t->ndim < 3 && *p >= '0' && *p <= '9'; t->ndim++) {
		t->shape[t->ndim] = strtoull(p, &end, 10);
		if (t->shape[t->ndim] > TRACE_ELEMS_MAX)
			return -1;
		*count *= t->shape[t->ndim];	/* < 2^62: no wrap */
		if (*count > TRACE_ELEMS_MAX)
			return -1;
		for (p = end; *p == ' ' || *p == ','; p++)
			;
	}
	return *p == ')' && t->ndim ? 0 : -1;
}

/* Little-endian element i of raw data, bits wide, widened. */
static int32_t npy_elem(const uint8_t *raw, uint64_t i, const struct npy *t)
{
	uint32_t b, u = 0, bytes = t->bits / 8;

	for (b = 0; b < bytes; b++)
		u |= (uint32_t)raw[i * bytes + b] << 8 * b;
	return t->type == 'u' ? (int32_t)u : sext(u, t->bits);
}

/* The header of an open .npy file: its dict, up to NPY_HEADER_MAX bytes,
 * into dict. Returns -1 when f is not a .npy file. */
static int npy_header(FILE *f, char *dict)
{
	uint8_t pre[12];
	size_t len;

	if (fread(pre, 1, 10, f) != 10 || memcmp(pre, "\x93NUMPY", 6) ||
	    pre[6] < 1 || pre[6] > 3)
		return -1;
	len = pre[8] | (size_t)pre[9] << 8;
	if (pre[6] > 1) {	/* versions 2 and 3: a 4-byte length */
		if (fread(pre + 10, 1, 2, f) != 2)
			return -1;
		len |= (size_t)pre[10] << 16 | (size_t)pre[11] << 24;
	}
	if (len > NPY_HEADER_MAX || fread(dict, 1, len, f) != len)
		return -1;
	dict[len] = '\0';
	return 0;
}

/*
 * Read the .npy file at path into t. Returns 0; 1 when optional and the
 * file does not exist; -1 after a message.
 */
static int npy_load(const struct cosim *c, const char *path, int optional,
		    struct npy *t)
{
	FILE *f = fopen(path, "rb");
	char dict[NPY_HEADER_MAX + 1];
	uint8_t *raw = NULL;
	uint64_t count = 0, i;
	int rc = -1;

	memset(t, 0, sizeof *t);
	if (!f) {
		if (optional && errno == ENOENT)
			return 1;
		say(c, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (npy_header(f, dict) || npy_dict(dict, t, &count) ||
	    count > TRACE_ELEMS_MAX) {
		say(c, "%s: not a .npy file of a little-endian i1, i2, i4, u1 or "
		    "u2 array in C order, 1 to 3 dimensions", path);
		goto out;
	}
	raw = malloc(count * (t->bits / 8) + 1);
	t->v = malloc(count * sizeof *t->v + 1);
	if (!raw || !t->v) {
		say(c, "%s: out of memory", path);
		goto out;
	}
	if (fread(raw, t->bits / 8, count, f) != count || getc(f) != EOF) {
		say(c, "%s: the data does not hold the %" PRIu64 " elements of its "
		    "shape", path, count);
		goto out;
	}
	for (i = 0; i < count; i++)
		t->v[i] = npy_elem(raw, i, t);
	rc = 0;
out:
	free(raw);
	fclose(f);
	if (rc)
		npy_free(t);
	return rc;
}

static void gemm_free(struct gemm *g)
{
	if (!g)
		return;
	npy_free(&g->a);
	npy_free(&g->w);
	npy_free(&g->acc);
	npy_free(&g->out);
	npy_free(&g->wval);
	npy_free(&g->widx);
	free(g);
}

/* 1 when t is [heads x] rows x cols in ndim dimensions. */
static int shaped(const struct npy *t, int ndim, uint64_t heads, uint64_t rows,
		  uint64_t cols)
{
	return t->ndim == ndim && (ndim == 2 || t->shape[0] == heads) &&
	       t->shape[ndim - 2] == rows && t->shape[ndim - 1] == cols;
}

/*
 * Element type of tensor sfx: type ('i' or 'u') and at most bits bits
 * (exactly, when exact), as this array takes them. Returns -1 after a
 * message naming the file.
 */
static int typed(const struct cosim *c, const char *sfx, const struct npy *t,
		 char type, uint32_t bits, int exact, const char *why)
{
	if (!t->ndim || (t->type == type && (exact ? t->bits == bits :
						       t->bits <= bits)))
		return 0;
	say(c, "%s.%s.npy: %s%u elements; needs %s%s%u (%s)", c->npy, sfx,
	    t->type == 'i' ? "int" : "uint", t->bits, exact ? "" : "at most ",
	    type == 'i' ? "int" : "uint", bits, why);
	return -1;
}

/* The element types: what this array's widths take. */
static int gemm_types(const struct cosim *c, const struct gemm *g)
{
	return typed(c, "a", &g->a, 'i', SDE_ACT_BITS, 0, "ACT_BITS") ||
	       typed(c, "w", &g->w, 'i', SDE_WEIGHT_BITS, 0, "WEIGHT_BITS") ||
	       typed(c, "wval", &g->wval, 'i', SDE_WEIGHT_BITS, 0, "WEIGHT_BITS") ||
	       typed(c, "widx", &g->widx, 'u', 8, 1, "nm_compress positions") ||
	       typed(c, "acc", &g->acc, 'i', 32, 1, "accumulators") ||
	       typed(c, "out", &g->out, 'i', SDE_ACT_BITS, 1,
		     "outputs requantized to ACT_BITS") ? -1 : 0;
}

/* The op's shape from a.npy and w.npy; the other tensors must match it,
 * with element types this array takes. Returns -1 after a message. */
static int gemm_shapes(const struct cosim *c, struct gemm *g)
{
	int nd = g->a.ndim;
	const char *bad = NULL;

	if (nd != 2 && nd != 3) {
		say(c, "%s.a.npy: %d dimensions, not m x k or heads x m x k",
		    c->npy, nd);
		return -1;
	}
	g->heads = nd == 3 ? (uint32_t)g->a.shape[0] : 1;
	g->m = (uint32_t)g->a.shape[nd - 2];
	g->k = (uint32_t)g->a.shape[nd - 1];
	g->n = g->w.ndim == nd ? (uint32_t)g->w.shape[nd - 1] : 0;
	if (!g->heads || !g->m || !g->k || !g->n || g->heads > TRACE_HEADS_MAX ||
	    g->a.shape[nd - 2] > TRACE_DIM_MAX ||
	    g->a.shape[nd - 1] > TRACE_DIM_MAX ||
	    g->w.shape[nd - 1] > TRACE_DIM_MAX)
		bad = "a.npy, w.npy: an empty or oversized op";
	else if (!shaped(&g->w, nd, g->heads, g->k, g->n))
		bad = "w.npy: not [heads x] k x n for a.npy's heads and k";
	else if (!shaped(&g->acc, nd, g->heads, g->m, g->n) ||
		 !shaped(&g->out, nd, g->heads, g->m, g->n))
		bad = "acc.npy, out.npy: not [heads x] m x n for a.npy and w.npy";
	else if (!g->wval.ndim != !g->widx.ndim)
		bad = "wval.npy, widx.npy: one without the other";
	else if (g->wval.ndim && (nd != 2 ||
		 !shaped(&g->wval, 2, 1, g->wval.shape[0], g->n) ||
		 !shaped(&g->widx, 2, 1, g->wval.shape[0], g->n)))
		bad = "wval.npy, widx.npy: not (groups * N) x n for a 2-D op";
	if (bad) {
		say(c, "%s.%s", c->npy, bad);
		return -1;
	}
	return gemm_types(c, g);
}

/* 1 when nm_compress of w16 for n:m gives exactly wval and widx. */
static int compresses_to(const struct gemm *g, const int16_t *w16, uint32_t n,
			 uint32_t m, int16_t *val, uint8_t *idx)
{
	uint64_t i, count = g->wval.shape[0] * g->n;

	nm_compress(w16, g->k, g->n, n, m, val, idx);
	for (i = 0; i < count; i++)
		if (val[i] != g->wval.v[i] || idx[i] != g->widx.v[i])
			return 0;
	return 1;
}

/*
 * The N:M pattern of the dump: the one (smallest M first) whose nm_compress
 * of w.npy gives wval.npy and widx.npy, the operands the engine reads;
 * 1:1 without them. Returns -1 after a message.
 */
static int gemm_pattern(const struct cosim *c, struct gemm *g)
{
	uint64_t rows = g->wval.shape[0], i;
	uint32_t n, m, top = 0;
	int16_t *w16, *val;
	uint8_t *idx;
	int rc = -1;

	g->nm_n = g->nm_m = 1;
	if (!g->wval.ndim)
		return 0;
	for (i = 0; i < rows * g->n; i++)
		top = (uint32_t)g->widx.v[i] > top ? (uint32_t)g->widx.v[i] : top;
	w16 = malloc((uint64_t)g->k * g->n * sizeof *w16);
	val = malloc(rows * g->n * sizeof *val + 1);
	idx = malloc(rows * g->n + 1);
	if (!w16 || !val || !idx) {
		say(c, "%s: out of memory", c->npy);
		goto out;
	}
	for (i = 0; i < (uint64_t)g->k * g->n; i++)
		w16[i] = (int16_t)g->w.v[i];
	for (m = 2; m <= TRACE_NM_MAX && rc; m++)
		for (n = 1; n < m && rc; n++)
			if ((g->k + m - 1) / m * n == rows && top < m &&
			    compresses_to(g, w16, n, m, val, idx)) {
				g->nm_n = n;
				g->nm_m = m;
				rc = 0;
			}
	if (rc)
		say(c, "%s.wval.npy, .widx.npy: not the N:M compression of "
		    "w.npy for any N:M with M <= %u", c->npy, TRACE_NM_MAX);
out:
	free(w16);
	free(val);
	free(idx);
	return rc;
}

/* --crop and --head against the op's shape; the region run. Returns -1
 * after a message naming the option. */
static int gemm_region(const struct cosim *c, struct gemm *g)
{
	const uint32_t *q = c->crop;

	g->rows = q[0] ? q[0] : g->m;
	g->cols = q[0] ? q[1] : g->n;
	g->r0 = q[2];
	g->c0 = q[3];
	if ((uint64_t)g->r0 + g->rows > g->m || (uint64_t)g->c0 + g->cols > g->n) {
		say(c, "--crop %ux%u+%u+%u: outside the %u x %u outputs of %s",
		    q[0], q[1], q[2], q[3], g->m, g->n, c->npy);
		return -1;
	}
	if (c->head >= (int64_t)g->heads) {
		say(c, "--head %" PRId64 ": %s has %u head%s", c->head, c->npy,
		    g->heads, g->heads > 1 ? "s" : "");
		return -1;
	}
	return 0;
}

/*
 * Tile the region onto this array with the planner: the default config
 * (SRAM sizes as configs/sta-default.ini) with this array's geometry.
 * Returns -1 after a message.
 */
static int gemm_plan(const struct cosim *c, struct gemm *g)
{
	struct config cfg;
	struct trace tr;
	struct op op;
	struct sim_err err;
	char msg[1024];

	if (g->nm_n != g->nm_m && g->nm_n > SDE_N_MAX) {
		say(c, "%s: pattern %u:%u keeps more weights a group than the "
		    "array's N_MAX=%d multipliers", c->npy, g->nm_n, g->nm_m,
		    SDE_N_MAX);
		return -1;
	}
	config_defaults(&cfg);
	snprintf(cfg.path, sizeof cfg.path, "the harness's %dx%d array",
		 SDE_ROWS, SDE_COLS);
	cfg.rows = SDE_ROWS;
	cfg.cols = SDE_COLS;
	cfg.n_max = SDE_N_MAX;
	cfg.m_max = SDE_M_MAX;
	cfg.act_bits = SDE_ACT_BITS;
	cfg.weight_bits = SDE_WEIGHT_BITS;
	memset(&tr, 0, sizeof tr);
	snprintf(tr.path, sizeof tr.path, "%s", c->npy);
	memset(&op, 0, sizeof op);
	op.kind = g->heads > 1 ? OP_MATMUL : OP_GEMM;
	snprintf(op.name, sizeof op.name, "npy");
	op.m = g->rows;
	op.k = g->k;
	op.n = g->cols;
	op.nm_n = g->nm_n;
	op.nm_m = g->nm_m;
	op.heads = g->heads;
	if (plan_op(&cfg, &tr, &op, 0, 0, &g->plan, &err) == 0)
		return 0;
	err_format(&err, msg, sizeof msg);
	say(c, "%s", msg);
	return -1;
}

/* The next step of a head the run covers into g->next; has_next 0 at the
 * end of the walk. */
static void gemm_advance(struct gemm *g, int64_t head)
{
	do
		g->has_next = plan_walk_next(&g->walk, &g->next) == 0;
	while (g->has_next && head >= 0 && g->next.head != (uint64_t)head);
}

/* The planner's shift against the dump: out.npy must be acc.npy
 * requantized by it over the region run. Returns -1 after a message. */
static int gemm_shift(const struct cosim *c, const struct gemm *g)
{
	uint32_t h, r, col;

	for (h = 0; h < g->heads; h++) {
		for (r = g->r0; r < g->r0 + g->rows; r++) {
			for (col = g->c0; col < g->c0 + g->cols; col++) {
				int32_t acc = npy_at(&g->acc, h, r, col);

				if ((c->head >= 0 && h != c->head) ||
				    npy_at(&g->out, h, r, col) ==
				    sde_requant(acc, g->plan.shift, SDE_ACT_BITS))
					continue;
				say(c, "%s: out.npy[%u][%u][%u] is not acc.npy's "
				    "requantized by the planner's shift %u",
				    c->npy, h, r, col, g->plan.shift);
				return -1;
			}
		}
	}
	return 0;
}

/*
 * Walk the plan once: count its tiles and stream cycles, check that every
 * k-step fits cmd_kcycles and every tile STEPS_MAX steps; then rewind.
 * Returns -1 after a message.
 */
static int gemm_prepass(const struct cosim *c, struct gemm *g)
{
	const struct plan_step *s = &g->next;
	uint32_t steps = 0;

	plan_walk_init(&g->walk, &g->plan);
	for (gemm_advance(g, c->head); g->has_next; gemm_advance(g, c->head)) {
		if (!s->kcycles || s->kcycles >> SDE_KC_BITS) {
			say(c, "%s: the plan has a k-step of %" PRIu64 " stream "
			    "cycles; cmd_kcycles holds %d bits", c->npy,
			    s->kcycles, SDE_KC_BITS);
			return -1;
		}
		if (++steps > STEPS_MAX) {
			say(c, "%s: the plan has a tile of more than %d k-steps",
			    c->npy, STEPS_MAX);
			return -1;
		}
		g->kcycles += s->kcycles;
		g->tiles += (s->flags & UNIT_LAST) != 0;
		g->out_rows += s->flags & UNIT_LAST ? s->rows : 0;
		steps = s->flags & UNIT_LAST ? 0 : steps;
	}
	plan_walk_init(&g->walk, &g->plan);
	gemm_advance(g, c->head);
	return 0;
}

/* Load the dump of --npy and plan it; returns -1 after a message. */
static int npy_open(struct cosim *c)
{
	static const char *const sfx[] = { "a", "w", "acc", "out", "wval", "widx" };
	struct gemm *g = calloc(1, sizeof *g);
	struct npy *t[6];
	char path[4096];
	int i;

	c->g = g;
	if (!g) {
		say(c, "out of memory");
		return -1;
	}
	t[0] = &g->a;
	t[1] = &g->w;
	t[2] = &g->acc;
	t[3] = &g->out;
	t[4] = &g->wval;	/* these two only for N:M weights */
	t[5] = &g->widx;
	for (i = 0; i < 6; i++) {
		snprintf(path, sizeof path, "%s.%s.npy", c->npy, sfx[i]);
		if (npy_load(c, path, i >= 4, t[i]) < 0)
			return -1;
	}
	if (gemm_shapes(c, g) || gemm_pattern(c, g) || gemm_region(c, g) ||
	    gemm_plan(c, g) || gemm_shift(c, g) || gemm_prepass(c, g))
		return -1;
	return 0;
}

/* A tile's operands from the dump: its rows of a, its columns of the
 * weights (compressed when sparse), over the whole of k. */
static int npy_operands(struct cosim *c, struct tile *t)
{
	const struct gemm *g = c->g;
	uint64_t wrows, i, r, kk;
	uint32_t col;

	t->dense = g->nm_n == g->nm_m;
	t->gpc = g->plan.map.groups_per_cycle;
	t->groups = (g->k + g->nm_m - 1) / g->nm_m;
	wrows = t->dense ? g->k : t->groups * g->nm_n;
	t->a = malloc(sizeof *t->a * t->rows * g->k);
	t->w = malloc(sizeof *t->w * wrows * t->cols);
	t->idx = t->dense ? NULL : malloc(wrows * t->cols);
	t->acc = malloc(sizeof *t->acc * t->rows * t->cols);
	t->out = malloc(sizeof *t->out * t->rows * t->cols);
	if (!t->a || !t->w || (!t->dense && !t->idx) || !t->acc || !t->out)
		return -1;
	for (r = 0; r < t->rows; r++)
		for (kk = 0; kk < g->k; kk++)
			t->a[r * g->k + kk] = (int16_t)npy_at(&g->a, t->head,
							      t->r0 + r, kk);
	for (i = 0; i < wrows; i++) {
		for (col = 0; col < t->cols; col++) {
			if (t->dense) {
				t->w[i * t->cols + col] = (int16_t)npy_at(
					&g->w, t->head, i, t->c0 + col);
				continue;
			}
			t->w[i * t->cols + col] = (int16_t)npy_at(&g->wval, 0, i,
								  t->c0 + col);
			t->idx[i * t->cols + col] = (uint8_t)npy_at(&g->widx, 0, i,
								   t->c0 + col);
		}
	}
	c->cov_sparse += !t->dense;
	t->d = (struct sde_data){
		.a = t->a, .w = t->w, .idx = t->idx, .acc = t->acc,
		.out = t->out, .k = g->k, .ncols = t->cols, .nm_n = g->nm_n,
		.nm_m = g->nm_m, .shift = t->shift, .out_bits = SDE_ACT_BITS,
	};
	tile_expect(t);
	for (i = 0; i < (uint64_t)t->rows * t->cols; i++) {	/* coverage */
		int64_t v = ((int64_t)t->acc[i] + (1ll << (t->shift - 1))) >>
			    t->shift, hi = (1 << (SDE_ACT_BITS - 1)) - 1;

		c->cov_sat += v > hi || v < -hi - 1;
	}
	return 0;
}

/* The plan's next array tile, all its k-steps, with its operands; NULL
 * when out of memory. */
static struct tile *npy_tile_new(struct cosim *c)
{
	struct gemm *g = c->g;
	const struct plan_step *s = &g->next;
	struct tile *t = calloc(1, sizeof *t);
	int last = 0;

	if (!t)
		return NULL;
	t->head = s->head;
	t->r0 = g->r0 + s->r0;
	t->c0 = g->c0 + s->c0;
	t->rows = s->rows;
	t->cols = s->cols;
	t->cpr = (uint32_t)harness_range(&c->rng, 0, CPR_MAX);
	t->shift = g->plan.shift;
	while (!last && g->has_next) {	/* gemm_prepass: <= STEPS_MAX steps */
		t->kc[t->steps] = (uint32_t)s->kcycles;
		t->k0[t->steps] = s->kt * g->plan.tk;
		t->klen[t->steps] = s->klen;
		t->flags[t->steps] = s->flags;
		t->beats += s->kcycles;
		t->steps++;
		last = s->flags & UNIT_LAST;
		gemm_advance(g, c->head);
	}
	if (npy_operands(c, t)) {
		tile_free(t);
		return NULL;
	}
	return t;
}

/* ---- stimulus: commands ---- */

/* 1 while commands remain to be presented: --cmds not reached (nor, with
 * --npy, the end of the plan), or a tile begun and not finished. */
static int more_cmds(const struct cosim *c)
{
	if (c->gen_step)
		return 1;
	return c->issued < c->n_cmds && (!c->g || c->g->has_next);
}

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
		c->tiles[c->n_tiles] = c->g ? npy_tile_new(c) : tile_new(c);
		if (!c->tiles[c->n_tiles])
			return -1;
		c->n_tiles++;
	}
	t = c->tiles[c->gen_tile];
	if (c->g) {
		flags = t->flags[c->gen_step];
	} else {
		if (c->gen_step == 0)
			flags |= UNIT_FIRST;
		if (c->gen_step + 1 == t->steps)
			flags |= UNIT_LAST;
		flags |= (uint32_t)(harness_rnd(&c->rng) & (UNIT_A_LAST | UNIT_W_LAST |
					      UNIT_O_LAST));
	}
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
		p->cmd_flags = (uint8_t)harness_noise(&c->rng, 5);
		p->cmd_op = harness_noise(&c->rng, 32);
		p->cmd_rows = harness_noise(&c->rng, nm_clog2(SDE_ROWS + 1));
		p->cmd_cols = harness_noise(&c->rng, nm_clog2(SDE_COLS + 1));
		p->cmd_kcycles = harness_noise(&c->rng, SDE_KC_BITS);
		p->cmd_drain_cpr = harness_noise(&c->rng, SDE_CPR_BITS);
		p->cmd_dense = (uint8_t)harness_noise(&c->rng, 1);
		p->cmd_nm_n = harness_noise(&c->rng, nm_clog2(SDE_N_MAX + 1));
		p->cmd_nm_m = harness_noise(&c->rng, nm_clog2(SDE_M_MAX + 1));
		p->cmd_shift = harness_noise(&c->rng, SDE_SHIFT_BITS);
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

/* ---- stimulus: operand beats ---- */

/* The k-step of beat *b of tile t; *b becomes the beat within it. */
static uint32_t beat_step(const struct tile *t, uint64_t *b)
{
	uint32_t s = 0;

	while (s + 1 < t->steps && *b >= t->kc[s])
		*b -= t->kc[s++];
	return s;
}

/* Beat feed_beat of tile feed_tile onto the operand pins (rtl/sde.v): the
 * beat-th slice of its step's reduction elements k0 .. k0 + klen - 1. */
static int feed(struct cosim *c, struct sde_pins *p)
{
	struct tile *t;
	uint64_t b, kk, g, kend, gend;
	uint32_t r, q, col, j, gi, i, s, span;

	harness_garbage(&c->rng, p->op_a, SDE_A_BITS);
	harness_garbage(&c->rng, p->op_w, SDE_W_BITS);
	harness_garbage(&c->rng, p->op_idx, SDE_I_BITS);
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
	s = beat_step(t, &b);
	span = t->dense ? SDE_N_MAX : t->gpc * t->d.nm_m;
	kend = (uint64_t)t->k0[s] + t->klen[s];
	gend = (kend + t->d.nm_m - 1) / t->d.nm_m;
	for (r = 0; r < t->rows; r++) {
		for (q = 0; q < span; q++) {
			kk = t->k0[s] + b * span + q;
			if (kk < kend)
				harness_put_bits(p->op_a, (r * SDE_WIN + q) * SDE_ACT_BITS,
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
				kk = t->k0[s] + b * SDE_N_MAX + j;
				if (kk < kend)
					w = t->w[kk * t->cols + col];
				harness_put_bits(p->op_w, wbit, SDE_WEIGHT_BITS, (uint16_t)w);
				continue;
			}
			gi = j / t->d.nm_n;
			i = j % t->d.nm_n;
			if (gi >= t->gpc)
				continue;	/* unused multiplier: garbage */
			g = t->k0[s] / t->d.nm_m + b * t->gpc + gi;
			if (g < gend) {
				w = t->w[(g * t->d.nm_n + i) * t->cols + col];
				x = t->idx[(g * t->d.nm_n + i) * t->cols + col];
				harness_put_bits(p->op_idx, ibit, SDE_IDX_BITS, x);
			}
			harness_put_bits(p->op_w, wbit, SDE_WEIGHT_BITS, (uint16_t)w);
		}
	}
	return 0;
}

/* ---- vector files (--write-vectors, format in sde_cosim.h) ---- */

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
		harness_say(0, PROG, "cannot create %s: %s", c->vec_dir,
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
		harness_say(0, PROG, "cannot write %s: %s", path,
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
	harness_put_num(f, p->rst_l, 1, ' ');
	harness_put_num(f, p->acc_db, 1, ' ');
	harness_put_num(f, p->cmd_valid, 1, ' ');
	harness_put_num(f, p->cmd_flags, 5, ' ');
	harness_put_num(f, p->cmd_op, 32, ' ');
	harness_put_num(f, p->cmd_rows, nm_clog2(SDE_ROWS + 1), ' ');
	harness_put_num(f, p->cmd_cols, nm_clog2(SDE_COLS + 1), ' ');
	harness_put_num(f, p->cmd_kcycles, SDE_KC_BITS, ' ');
	harness_put_num(f, p->cmd_drain_cpr, SDE_CPR_BITS, ' ');
	harness_put_num(f, p->cmd_dense, 1, ' ');
	harness_put_num(f, p->cmd_nm_n, nm_clog2(SDE_N_MAX + 1), ' ');
	harness_put_num(f, p->cmd_nm_m, nm_clog2(SDE_M_MAX + 1), ' ');
	harness_put_num(f, p->cmd_shift, SDE_SHIFT_BITS, ' ');
	harness_put_hex(f, p->op_a, SDE_A_BITS);
	fputc(' ', f);
	harness_put_hex(f, p->op_w, SDE_W_BITS);
	fputc(' ', f);
	harness_put_hex(f, p->op_idx, SDE_I_BITS);
	fputc('\n', f);
}

/* Write the oldest held expect line. */
static void vec_flush_one(struct cosim *c)
{
	const struct vec_line *l = &c->vec[c->vec_first % VEC_LAG];
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
	harness_put_num(f, l->op_rd, 1, ' ');
	harness_put_num(f, l->out_valid, 1, ' ');
	harness_put_num(f, l->out_row, SDE_ROWS > 1 ? nm_clog2(SDE_ROWS) : 1, ' ');
	harness_put_hex(f, l->out_data, SDE_O_BITS);
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
			harness_say(0, PROG, "internal: row %u due %" PRIu64
				    " cycles before cycle %" PRIu64, r, back,
				    c->cycle);
			return -1;
		}
		l = &c->vec[(c->cycle - back) % VEC_LAG];
		if (l->out_valid) {
			harness_say(0, PROG, "internal: two rows due on cycle "
				    "%" PRIu64, l->cycle);
			return -1;
		}
		l->out_valid = 1;
		l->out_row = r;
		for (col = 0; col < t->cols && c->functional; col++)
			harness_put_bits(l->out_data, col * SDE_ACT_BITS, SDE_ACT_BITS,
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
		harness_say(0, PROG, "error writing vectors to %s",
			    c->vec_dir);
	return bad ? -1 : 0;
}

/* ---- options ---- */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: sde_cosim [--seed N] [--cmds N] [--timing] [--acc-db 0|1|toggle]\n"
		"                 [--npy PREFIX [--head H] [--crop RxC[+R0+C0]]]\n"
		"                 [--inject-flip N [--inject-port PORT]]\n"
		"                 [--vcd FILE [--vcd-window N|A:B]] [--max-cycles N]\n"
		"                 [--write-vectors DIR]\n"
		"Runs rtl/sde.v in lockstep with models/sde.c; exit 0 pass, 1 fail, 2 bad usage.\n"
		"  --cmds N          k-step commands to issue, rounded up to whole tiles (default 2000; --npy: the op)\n"
		"  --timing          no operands: compare the control ports and row timing only\n"
		"  --acc-db V        shadow accumulators on (1), off (0), or toggled at random (toggle, default)\n"
		"  --npy PREFIX      the tiles of a GEMM from 'stasim run --dump' (PREFIX.a/.w/.acc/.out.npy)\n"
		"  --head H          --npy of a multi-head matmul: head H only (default all)\n"
		"  --crop RxC+R0+C0  --npy: only the R x C outputs from row R0, column C0 (default +0+0)\n"
		"  --write-vectors DIR  also write DIR/stim.txt and DIR/expect.txt for tests/icarus\n");
	harness_usage_common(f, inject_names, INJ_N);
}

/* --crop RxC or RxC+R0+C0 into c->crop; R, C >= 1. */
static int parse_crop(struct cosim *c, const char *s)
{
	uint64_t v[4] = { 0, 0, 0, 0 };
	char buf[64], *p, *f[4];
	int i, n = 0;

	if (strlen(s) >= sizeof buf)
		return -1;
	strcpy(buf, s);
	for (p = buf, f[n++] = p; *p && n < 4; p++)
		if (*p == (n == 1 ? 'x' : '+')) {
			*p = '\0';
			f[n++] = p + 1;
		}
	if (n != 2 && n != 4)
		return -1;
	for (i = 0; i < n; i++)
		if (harness_parse_u64(f[i], TRACE_DIM_MAX + 1ull, &v[i]))
			return -1;
	if (!v[0] || !v[1])
		return -1;
	for (i = 0; i < 4; i++)
		c->crop[i] = (uint32_t)v[i];
	return 0;
}

/* A numeric option a with its value v (NULL when missing); HARNESS_OPT_BAD
 * or HARNESS_OPT_UNKNOWN as option() says. */
static enum harness_opt option_number(struct cosim *c, const char *a, const char *v)
{
	uint64_t u = 0;
	int bad;

	if (!strcmp(a, "--seed")) {
		bad = harness_parse_u64(v, UINT64_MAX, &c->seed);
	} else if (!strcmp(a, "--cmds")) {
		bad = harness_parse_u64(v, UINT64_MAX, &c->n_cmds) || !c->n_cmds;
	} else if (!strcmp(a, "--max-cycles")) {
		bad = harness_parse_u64(v, UINT64_MAX, &c->max_cycles);
	} else if (!strcmp(a, "--inject-flip")) {
		bad = harness_parse_u64(v, UINT64_MAX, &c->inject_cycle);
		c->inject = 1;
	} else if (!strcmp(a, "--head")) {
		bad = harness_parse_u64(v, TRACE_HEADS_MAX, &u);
		c->head = (int64_t)u;
	} else {
		return HARNESS_OPT_UNKNOWN;
	}
	return bad ? HARNESS_OPT_BAD : HARNESS_OPT_OK;
}

/* Apply option a with its value v (NULL when a is last) to self, a struct
 * cosim; harness_option_fn says what it returns. */
static enum harness_opt option(void *self, const char *a, const char *v)
{
	static const char *const acc_db[] = { "0", "1", "toggle" };
	struct cosim *c = self;
	enum harness_opt rc = harness_vcd_option(&c->vcd, a, v);
	int k, bad = !v;

	if (rc != HARNESS_OPT_UNKNOWN)
		return rc;
	if (!strcmp(a, "--timing")) {
		c->functional = 0;
		return HARNESS_OPT_FLAG;
	} else if (!strcmp(a, "--npy")) {
		c->npy = v;
	} else if (!strcmp(a, "--write-vectors")) {
		c->vec_dir = v;
	} else if (!strcmp(a, "--crop")) {
		bad = bad || parse_crop(c, v);
	} else if (!strcmp(a, "--acc-db")) {
		bad = harness_parse_name(v, acc_db, 3, &c->acc_db_mode);
	} else if (!strcmp(a, "--inject-port")) {
		bad = harness_parse_name(v, inject_names, INJ_N, &k);
		if (!bad)
			c->inject_port = (enum inject_port)k;
	} else {
		return option_number(c, a, v);
	}
	return bad ? HARNESS_OPT_BAD : HARNESS_OPT_OK;
}

/* Options that exclude or need another: one message naming them, or
 * NULL. */
static const char *conflict(const void *self)
{
	const struct cosim *c = self;

	if (c->inject && c->inject_port == INJ_OUT_DATA && !c->functional)
		return "--inject-port out_data needs functional mode (no --timing)";
	if (c->npy && !c->functional)
		return "--npy and --timing exclude each other";
	if (!c->npy && (c->head >= 0 || c->crop[0]))
		return "--head and --crop need --npy";
	return harness_vcd_conflict(&c->vcd);
}

static const struct harness_cli cli = { PROG, option, usage, conflict };

/* ---- the public interface ---- */

/* Cycles a run may take before it counts as hung: per command, the longest
 * stream, drain and gap of the stimulus, and more. */
static uint64_t max_cycles(const struct cosim *c)
{
	uint64_t slack = 2 * (SDE_ROWS + SDE_COLS + 8) * CPR_MAX + 200;

	if (c->max_cycles)
		return c->max_cycles;
	if (c->g)
		return c->g->kcycles + (c->g->tiles * STEPS_MAX + 1) * slack;
	return c->n_cmds * (KC_MAX + slack);
}

struct cosim *cosim_new(int argc, char **argv, int replay, int *status)
{
	struct cosim *c = calloc(1, sizeof *c);
	struct sde_params sp = { 0 };

	*status = 2;
	if (!c)
		goto fail;
	c->seed = 1;
	c->functional = 1;
	c->acc_db_mode = 2;
	c->head = -1;
	harness_vcd_init(&c->vcd);
	c->fail_cycle = -1;
	c->quiet = replay;
	if (harness_options(&cli, c, argc, argv, replay, status) ||
	    (c->npy && npy_open(c)))
		goto fail;
	c->n_cmds = c->n_cmds ? c->n_cmds : c->npy ? UINT64_MAX : 2000;
	c->max_cycles = max_cycles(c);
	c->rng = harness_seed(c->seed);
	c->acc_db = c->acc_db_mode == 2 ? (int)(harness_rnd(&c->rng) & 1) : c->acc_db_mode;
	c->acc_db_next = harness_range(&c->rng, 1, 2000);
	sp.n_max = SDE_N_MAX;
	sp.acc_double_buffer = c->acc_db;
	sde_init(&c->e, &sp, &c->in, &c->want_op);
	if (c->vec_dir && !replay && vec_open(c))
		goto fail;
	return c;
fail:
	if (!c) {
		harness_say(0, PROG, "out of memory");
		return NULL;
	}
	vec_close(c);
	gemm_free(c->g);
	free(c);
	return NULL;
}

const struct harness_vcd *cosim_vcd(const struct cosim *c)
{
	return &c->vcd;
}

int64_t cosim_fail_cycle(const struct cosim *c)
{
	return c->fail_cycle;
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
		c->acc_db_next = c->cycle + harness_range(&c->rng, 1, 2000);
	}
	c->e.acc_db = c->acc_db;
	if (!c->in.valid) {
		if (c->gap)
			c->gap--;
		else if (more_cmds(c) && next_cmd(c)) {
			say(c, "cannot build tile %zu (out of memory)", c->n_tiles);
			fail(c);
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
		harness_garbage(&c->rng, p->op_a, SDE_A_BITS);
		harness_garbage(&c->rng, p->op_w, SDE_W_BITS);
		harness_garbage(&c->rng, p->op_idx, SDE_I_BITS);
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
		c->gap = harness_gap(&c->rng, GAP_MAX);
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
	harness_injected(c->quiet, PROG, inject_names[c->inject_port], c->cycle);
}

/* One write-back row from the RTL: belongs to the oldest tile not done.
 * Its values must be the model's and, with --npy, out.npy's. */
static int take_row(struct cosim *c, const struct sde_pins *p)
{
	struct tile *t;
	uint32_t col, r;
	char port[96];

	if (c->wb_tile >= c->n_tiles)
		return mismatch(c, "out_valid (no tile draining)", 0, 1);
	t = c->tiles[c->wb_tile];
	if (t->rows_seen >= t->rows)
		return mismatch(c, "out_valid (row beyond the tile)", 0, 1);
	r = t->rows_seen;
	if (p->out_row != r)
		return mismatch(c, "out_row", r, p->out_row);
	for (col = 0; col < SDE_COLS && c->functional; col++) {
		int32_t got = sext(harness_get_bits(p->out_data, col * SDE_ACT_BITS,
					    SDE_ACT_BITS), SDE_ACT_BITS);
		int32_t want = t->want[r][col];

		if (got != want) {
			snprintf(port, sizeof port, "out_data row %u col %u", r, col);
			return mismatch(c, port, (uint16_t)want, (uint16_t)got);
		}
		if (!c->g || col >= t->cols)
			continue;
		want = npy_at(&c->g->out, t->head, t->r0 + r, t->c0 + col);
		if (got != want) {
			snprintf(port, sizeof port, "out_data row %u col %u against "
				 "out.npy[%u][%u][%u]", r, col, t->head, t->r0 + r,
				 t->c0 + col);
			return mismatch(c, port, (uint16_t)want, (uint16_t)got);
		}
	}
	c->npy_rows += c->g != NULL;
	t->row_cycle[t->rows_seen++] = c->cycle;
	return 0;
}

/* --npy: the model's accumulators of a written-back tile against acc.npy. */
static int tile_acc(struct cosim *c, const struct tile *t)
{
	uint32_t r, col;
	char port[96];

	for (r = 0; c->g && r < t->rows; r++) {
		for (col = 0; col < t->cols; col++) {
			int32_t want = npy_at(&c->g->acc, t->head, t->r0 + r,
					      t->c0 + col);

			if (t->acc[r * t->cols + col] == want)
				continue;
			snprintf(port, sizeof port, "model acc row %u col %u against "
				 "acc.npy[%u][%u][%u]", r, col, t->head, t->r0 + r,
				 t->c0 + col);
			return mismatch(c, port, (uint32_t)want,
					(uint32_t)t->acc[r * t->cols + col]);
		}
	}
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
	if (tile_acc(c, t))
		return 1;
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
		fail(c);
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
		harness_hang(c->quiet, PROG, c->cycle, c->seed);
		fail(c);
		return 1;
	}
	if (!more_cmds(c) && !c->in.valid &&
	    c->wb_tile == c->n_tiles && !o->active && !c->e.f_len &&
	    ++c->idle_tail > DRAIN_IDLE)
		c->done = 1;
	return 0;
}

/* The --npy part of the summary: the op and its region, after
 * details[0 .. at - 1]. */
static void summary_npy(const struct cosim *c, char *details, size_t len,
			size_t at)
{
	char head[24] = "all";

	if (at >= len)
		return;
	if (c->head >= 0)
		snprintf(head, sizeof head, "%" PRId64, c->head);
	snprintf(details + at, len - at, " npy=%s nm=%u:%u shift=%u region=%ux%u"
		 "+%u+%u head=%s out_npy_rows=%" PRIu64 "/%" PRIu64, c->npy,
		 c->g->nm_n, c->g->nm_m, c->g->plan.shift, c->g->rows,
		 c->g->cols, c->g->r0, c->g->c0, head, c->npy_rows,
		 c->g->out_rows);
}

/* The summary line on stdout: verdict, counts, coverage, the array. */
static void summary(const struct cosim *c, int status)
{
	const struct harness_tally t = {
		c->cycle, c->accepted, "command", c->mismatches, c->seed
	};
	char details[HARNESS_MSG_MAX];
	int n;

	n = snprintf(details, sizeof details, "tiles=%zu sparse_tiles=%" PRIu64
		     " beats=%" PRIu64 " rows=%" PRIu64 " wrapped=%" PRIu64
		     " saturated=%" PRIu64 " fifo_full=%" PRIu64 " mode=%s"
		     " acc_db=%s array=%dx%d n_max=%d m_max=%d act=%d w=%d",
		     c->wb_tile, c->cov_sparse, c->beats_fed, c->rows_checked,
		     c->cov_wrap, c->cov_sat, c->cov_full,
		     c->functional ? "functional" : "timing",
		     c->acc_db_mode == 2 ? "toggle" : c->acc_db_mode ? "1" : "0",
		     SDE_ROWS, SDE_COLS, SDE_N_MAX, SDE_M_MAX, SDE_ACT_BITS,
		     SDE_WEIGHT_BITS);
	if (c->g && n > 0)
		summary_npy(c, details, sizeof details, (size_t)n);
	harness_summary(PROG, status, &t, details);
}

int cosim_finish(struct cosim *c)
{
	int status = c->failed ? 1 : 0;
	size_t i;

	if (vec_close(c) && !status)
		status = 2;
	if (!c->failed && c->inject)
		status = harness_inject_missed(c->quiet, PROG,
					       inject_names[c->inject_port],
					       c->inject_cycle, c->injected);
	if (!c->quiet)
		summary(c, status);
	for (i = 0; i < c->n_tiles; i++)
		tile_free(c->tiles[i]);
	free(c->tiles);
	gemm_free(c->g);
	free(c);
	return status;
}
