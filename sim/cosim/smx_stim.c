/*
 * smx_stim.c - the softmax harness's stimulus: its tiles, random or the
 * planner's tiles of a dumped softmax op (--npy), with smx_row's expected
 * probabilities; their commands and score beats; and the vector files of
 * the Icarus replay (--write-vectors, format in smx_cosim.h).
 */
#include "smx_harness.h"

#include "../lib/json.h"

/* ---- tiles ---- */

void smx_cosim_tile_free(void *tile)
{
	struct tile *t = tile;

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
		smx_cosim_tile_free(t);
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
void smx_cosim_row_scores(struct smx_cosim *c, int8_t *x, uint32_t n)
{
	uint32_t i, kind = (uint32_t)lockstep_range(&c->ls.rng, 0, 6);
	int32_t lo = (int32_t)lockstep_range(&c->ls.rng, 0, 255) - 128, hi = lo, v;

	if (kind == 1)		/* narrow: many terms of similar size */
		hi = lo + (int32_t)lockstep_range(&c->ls.rng, 0, 12);
	else if (kind == 5)	/* wide */
		hi = lo + (int32_t)lockstep_range(&c->ls.rng, 0, 255);
	hi = hi > 127 ? 127 : hi;
	for (i = 0; i < n; i++) {
		switch (kind) {
		case 2:		/* ascending ramp: a rescale on every score */
			v = -128 + (int32_t)(i * lockstep_range(&c->ls.rng, 1, 6));
			x[i] = (int8_t)(v > 127 ? 127 : v);
			break;
		case 3:		/* the rails */
			x[i] = (int8_t)(lockstep_rnd(&c->ls.rng) & 1 ? 127 : -128);
			break;
		case 4:		/* low block, then jumps */
			x[i] = (int8_t)(i < n / 2 ? lockstep_range(&c->ls.rng, 0, 40) - 128 :
					lockstep_range(&c->ls.rng, 0, 255) - 128);
			break;
		case 0:
			x[i] = (int8_t)(lockstep_range(&c->ls.rng, 0, 255) - 128);
			break;
		case 6:		/* constant: every score a maximum (ita:
				 * 2048 of them saturate the denominator) */
			x[i] = (int8_t)lo;
			break;
		default:
			x[i] = (int8_t)(lo + (int32_t)lockstep_range(&c->ls.rng, 0, (uint64_t)(hi - lo)));
			break;
		}
	}
}

/*
 * online: a row of n >= 8 scores (in_frac >= 4: E spans the row) whose
 * last one rescales the sum on an exact half, s * E(x - b) = (2k + 1) 2^23:
 * the one case where the rescale's round-half-up differs from rounding
 * down (smx_ref.c online). That needs v2(s) + v2(E) = 23 (v2: trailing
 * zero bits), rare since the ~200 steps E(d) above a low maximum have
 * v2 <= ~8: so random low prefixes, the last prefix score redrawn 64 times
 * a prefix, until s has the v2 of an E at hand. Returns 1 with x filled,
 * or 0 after TIE_TRIES sums (x then ends in a random score).
 */
#define TIE_TRIES 400000
static int tie_row(struct smx_cosim *c, const struct smx_fmt *f, int8_t *x,
		   uint32_t n)
{
	uint32_t e, by_v2[32] = { 0 }, k, i, d;
	struct smx_online_acc a, p;
	int v;

	for (d = 255; d > 0; d--)	/* the steps, the smallest of each v2 */
		if ((e = smx_exp_q24(d, f)) != 0)
			by_v2[__builtin_ctz(e)] = d;
	for (k = 0; k < TIE_TRIES; k++) {
		if (k % 64 == 0) {
			for (i = 0; i + 2 < n; i++)
				x[i] = (int8_t)(lockstep_range(&c->ls.rng, 0, 60) - 128);
			p = smx_online_first(x[0]);
			for (i = 1; i + 2 < n; i++)
				smx_online_step(&p, x[i], f);
		}
		x[n - 2] = (int8_t)(lockstep_range(&c->ls.rng, 0, 60) - 128);
		a = p;
		smx_online_step(&a, x[n - 2], f);
		v = 23 - __builtin_ctzll(a.s);	/* a.s >= 2^24 */
		d = v >= 0 && v < 32 ? by_v2[v] : 0;
		if (d && a.b + (int32_t)d <= 127) {
			x[n - 1] = (int8_t)(a.b + (int32_t)d);
			return 1;
		}
	}
	x[n - 1] = (int8_t)(lockstep_range(&c->ls.rng, 0, 255) - 128);
	return 0;
}

/* Coverage of one row: the rescales its algorithm does. */
uint64_t smx_cosim_rescales(const struct smx_cosim *c, const struct smx_fmt *f,
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
		c->cov_rescale += smx_cosim_rescales(c, &t->job.fmt, x, t->n);
		for (i = 0; i < t->n; i++)
			c->cov_sat += w[i] == 255;
		c->cov_long += r + 1 < t->rows && t->c > c->lat;
		c->cov_eps32 += t->eps32;
	}
}

static struct tile *tile_random(struct smx_cosim *c)
{
	uint32_t rows = (uint32_t)lockstep_range(&c->ls.rng, 1, c->rows_max), r;
	uint32_t n = (uint32_t)(lockstep_chance(&c->ls.rng, 10) ? (lockstep_chance(&c->ls.rng, 50) ? 1 : c->n_max) :
				lockstep_range(&c->ls.rng, 1, c->n_max));
	struct tile *t = tile_alloc(c, rows, n);

	if (!t)
		return NULL;
	t->in_frac = (uint32_t)(lockstep_chance(&c->ls.rng, 80) ? lockstep_range(&c->ls.rng, 0, 7) :
				lockstep_chance(&c->ls.rng, 70) ? lockstep_range(&c->ls.rng, 8, 15) : lockstep_range(&c->ls.rng, 16, 31));
	t->eps32 = (uint32_t)(lockstep_rnd(&c->ls.rng) & 1);
	t->flags = (uint8_t)(lockstep_rnd(&c->ls.rng) & 0x1f);
	t->job.fmt = (struct smx_fmt){ .in_frac = t->in_frac,
				       .ita_eps32 = t->eps32 };
	for (r = 0; r < t->rows; r++) {
		int8_t *x = t->x + (size_t)r * t->n;

		/* now and then an online row that rounds a half (tie_row) */
		if (c->algo == SMX_ONLINE && t->n >= 8 && t->in_frac >= 4 &&
		    lockstep_chance(&c->ls.rng, 3))
			c->cov_ties += (uint64_t)tie_row(c, &t->job.fmt, x, t->n);
		else
			smx_cosim_row_scores(c, x, t->n);
	}
	tile_expect(c, t);
	return t;
}

/* The next tile of the --npy op's plan. */
static struct tile *tile_npy(struct smx_cosim *c)
{
	const struct npy_op *o = &c->npy;
	const struct npy_step *s = &o->steps[c->tiles.n];
	struct tile *t = tile_alloc(c, s->rows, o->n);

	if (!t)
		return NULL;
	t->r0 = s->r0;
	t->in_frac = o->in_frac;
	t->eps32 = o->eps32;
	t->flags = s->flags;
	if (t->kcycles != s->kcycles) {
		lockstep_say(0, PROG, "internal: plan step of %" PRIu64
			" cycles, smx_cycles %" PRIu64, s->kcycles, t->kcycles);
		smx_cosim_tile_free(t);
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
uint64_t smx_cosim_beat_step(const struct smx_cosim *c, const struct tile *t,
			  uint32_t row, uint32_t beat)
{
	uint64_t s = t->c, l = c->lat;
	uint32_t j;

	for (j = 0; j <= row; j++)
		s += (j + 1 < t->rows && t->c > l ? t->c : l) + (j < row ? t->c : 0);
	return s + beat + SMX_EXP_LATENCY;
}

/* ---- stimulus ---- */

/* Present the next tile's command; returns -1 when out of memory. */
int smx_cosim_next_cmd(struct smx_cosim *c)
{
	const struct tile *t;
	struct smx_pins *p = &c->cmd;

	if (lockstep_tiles_push(&c->tiles, c->npy.prefix ? tile_npy(c) :
				tile_random(c)))
		return -1;
	t = c->tiles.at[c->tiles.n - 1];
	/* r0 = 0: each tile's job holds its own rows (the RTL has no r0) */
	lockstep_fu_present(&c->fu, t->flags, (uint32_t)c->tiles.n - 1, t->rows,
			    t->n, t->kcycles, &t->job);
	p->cmd_in_frac = t->in_frac;
	p->cmd_ita_eps32 = (uint8_t)t->eps32;
	p->cmd_fused = 0;
	/* fused runs: a normal tile's r0 is junk the RTL must ignore */
	p->cmd_r0 = c->fused_n ? lockstep_noise(&c->ls.rng, FUSED_RB) : 0;
	c->cov_ntiles += c->fused_n != 0;
	return 0;
}

/* The command pins: the presented command, or random payload without
 * cmd_valid (the RTL must ignore it; cmd_fused and cmd_r0 only in fused
 * runs, so that the others keep their stimulus). */
void smx_cosim_drive_cmd(struct smx_cosim *c, struct smx_pins *p)
{
	const struct smx_pins *q = &c->cmd;

	if (lockstep_drive_cmd(&c->ls.rng, &c->fu.in,
			       lockstep_clog2(SMX_ROWS + 1),
			       lockstep_clog2(SMX_N_MAX + 1), SMX_KC_BITS,
			       &p->cmd)) {
		p->cmd_fused = q->cmd_fused;
		p->cmd_r0 = q->cmd_r0;
		p->cmd_in_frac = q->cmd_in_frac;
		p->cmd_ita_eps32 = q->cmd_ita_eps32;
		return;
	}
	p->cmd_in_frac = lockstep_noise(&c->ls.rng, 5);
	p->cmd_ita_eps32 = (uint8_t)lockstep_noise(&c->ls.rng, 1);
	if (c->fused_n) {
		p->cmd_fused = (uint8_t)lockstep_noise(&c->ls.rng, 1);
		p->cmd_r0 = lockstep_noise(&c->ls.rng, FUSED_RB);
	}
}

/* The score beat the RTL asked for on x_rd, from the model's tile. */
int smx_cosim_feed(struct smx_cosim *c, struct smx_pins *p)
{
	const struct tile *t = c->fu.u.cur.data;
	uint32_t l, i;

	lockstep_garbage(&c->ls.rng, p->x_data, SMX_X_BITS);
	if (!t)
		return smx_cosim_mismatch(c, "x_rd (no tile in progress)", 0, 1);
	if (t->fused)
		return smx_cosim_mismatch(c, "x_rd (a fused tile reads no scores)", 0, 1);
	if (p->x_row >= t->rows)
		return smx_cosim_mismatch(c, "x_row (beyond the tile)", t->rows - 1, p->x_row);
	if (p->x_col >= t->c)
		return smx_cosim_mismatch(c, "x_col (beyond the row)", t->c - 1, p->x_col);
	for (l = 0; l < SMX_LANES; l++) {
		i = p->x_col * SMX_LANES + l;
		if (i < t->n)
			lockstep_put_bits(p->x_data, l * 8, 8,
				 (uint8_t)t->x[(size_t)p->x_row * t->n + i]);
	}
	c->beats_fed++;
	return 0;
}

/* ---- vector files (--write-vectors, format in smx_cosim.h) ---- */

#define VEC_RIB (SMX_ROWS > 1 ? lockstep_clog2(SMX_ROWS) : 1)	/* x_row, out_row */
#define VEC_CMAX ((SMX_N_MAX + SMX_LANES - 1) / SMX_LANES)
#define VEC_CIB (VEC_CMAX > 1 ? lockstep_clog2(VEC_CMAX) : 1)	/* x_col, out_col */

/* A held line's own columns: x_rd .. out_p. */
static void vec_put(FILE *f, const void *line)
{
	const struct vec_line *l = line;

	lockstep_put_num(f, l->x_rd, 1, ' ');
	lockstep_put_num(f, l->x_row, VEC_RIB, ' ');
	lockstep_put_num(f, l->x_col, VEC_CIB, ' ');
	lockstep_put_num(f, l->out_valid, 1, ' ');
	lockstep_put_num(f, l->out_row, VEC_RIB, ' ');
	lockstep_put_num(f, l->out_col, VEC_CIB, ' ');
	lockstep_put_hex(f, l->out_p, SMX_X_BITS);
	fputc(' ', f);
	lockstep_put_num(f, l->dbg_b, 8, ' ');
	lockstep_put_hex(f, l->dbg_s, SMX_DBG_S_BITS);
	fputc(' ', f);
	lockstep_put_hex(f, &l->dbg_r, SMX_DBG_R_BITS);
}

/* Both files, their headers naming the unit and the run, and a ring of
 * held lines as long as the longest tile. */
int smx_cosim_vec_open(struct smx_cosim *c)
{
	char params[512];

	snprintf(params, sizeof params, "ALGORITHM=%d LANES=%d EXP_LATENCY=%d "
		 "RECIP_LATENCY=%d DIVIDERS=%d DIV_LATENCY=%d ROWS=%d N_MAX=%d "
		 "KC_BITS=%d reset=%d seed=%" PRIu64 " tiles=%" PRIu64,
		 (int)c->algo, SMX_LANES, SMX_EXP_LATENCY, SMX_RECIP_LATENCY,
		 SMX_DIVIDERS, SMX_DIV_LATENCY, SMX_ROWS, SMX_N_MAX, SMX_KC_BITS,
		 SMX_COSIM_RESET_CYCLES, c->ls.seed, c->n_tiles_max);
	return lockstep_vec_open(&c->ls, &c->vec, sizeof(struct vec_line),
				 c->tile_max + 1, vec_put, "smx", params,
				 "cycle rst_l cmd_valid cmd_flags cmd_op cmd_rows "
				 "cmd_cols cmd_kcycles cmd_in_frac cmd_ita_eps32 "
				 "x_data", "x_rd x_row x_col out_valid out_row "
				 "out_col out_p dbg_b dbg_s dbg_r");
}

/* One line of stim.txt: the inputs *p holds for the clock of cycle. */
void smx_cosim_vec_stim(struct smx_cosim *c, const struct smx_pins *p,
		     int64_t cycle)
{
	FILE *f = lockstep_vec_stim(&c->vec, cycle);

	if (!f)
		return;
	lockstep_put_num(f, p->rst_l, 1, ' ');
	lockstep_put_cmd(f, &p->cmd, lockstep_clog2(SMX_ROWS + 1),
			 lockstep_clog2(SMX_N_MAX + 1), SMX_KC_BITS);
	lockstep_put_num(f, p->cmd_in_frac, 5, ' ');
	lockstep_put_num(f, p->cmd_ita_eps32, 1, ' ');
	lockstep_put_hex(f, p->x_data, SMX_X_BITS);
	fputc('\n', f);
}

/* The held line of the check cycle first + step, or NULL after a message
 * when it is outside the held lines. */
static struct vec_line *vec_at(struct smx_cosim *c, uint64_t first,
			       uint64_t step)
{
	return lockstep_vec_at(&c->vec, &c->ls, first + step);
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
		lockstep_say(0, PROG, "internal: two reads due on cycle %"
			PRIu64, l->l.cycle);
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
	uint64_t first = c->ls.cycle + 1 - t->kcycles, s, w;
	uint32_t r, b, l, i;
	struct vec_line *v;

	if (t->kcycles >= c->vec.lag) {
		lockstep_say(0, PROG, "internal: tile of %" PRIu64
			" cycles, ring of %" PRIu64, t->kcycles, c->vec.lag);
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
			v = vec_at(c, first, smx_cosim_beat_step(c, t, r, b));
			if (!v)
				return -1;
			if (v->out_valid) {
				lockstep_say(0, PROG, "internal: two beats "
					"due on cycle %" PRIu64, v->l.cycle);
				return -1;
			}
			v->out_valid = 1;
			v->out_row = r;
			v->out_col = b;
			for (l = 0; l < SMX_LANES; l++) {
				i = b * SMX_LANES + l;
				lockstep_put_bits(v->out_p, l * 8, 8, i < t->n ?
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
int smx_cosim_vec_expect(struct smx_cosim *c, const struct ctl_ports *want)
{
	struct vec_line *l = lockstep_vec_push(&c->vec, &c->ls, want);

	if (!l)
		return 0;
	smx_cosim_dbg_ports(c, &l->dbg_b, l->dbg_s, &l->dbg_r);
	if (!c->fu.u.out.wb_done.valid || c->wb_tile >= c->tiles.n)
		return 0;
	return vec_tile(c, c->tiles.at[c->wb_tile]);
}

/* ---- --npy: a dumped softmax op (sim/func.c dump_vec, sim/npy.c) ---- */

/* A copy of PREFIX.NAME.npy's rows x n one-byte elements of type type,
 * or NULL after a message. */
static void *npy_tensor(const struct npy_op *o, const char *name,
			enum npy_type type)
{
	struct npy_array a;
	char err[LOCKSTEP_MSG_MAX];
	void *dst = NULL;

	if (lockstep_npy_2d(o->prefix, name, type, &a, err, sizeof err)) {
		lockstep_say(0, PROG, "--npy: %s", err);
		return NULL;
	}
	if (a.shape[0] != o->rows || a.shape[1] != o->n) {
		lockstep_say(0, PROG, "--npy: %s.%s.npy is %" PRIu64 " x %"
			PRIu64 ", its json says %u x %u", o->prefix, name,
			a.shape[0], a.shape[1], o->rows, o->n);
	} else {
		dst = a.data;	/* one byte an element: the tensor as read */
		a.data = NULL;
	}
	npy_array_free(&a);
	return dst;
}

/* PREFIX.json: kind softmax, rows, n, in_frac (in_scale = 2^-in_frac). */
static int npy_json(struct npy_op *o)
{
	char path[4096], msg[1400];
	struct json_val root;
	struct sim_err err;
	const struct json_val *kind;
	double rows, n, scale;
	uint32_t q;

	snprintf(path, sizeof path, "%s.json", o->prefix);
	if (json_load(path, &root, &err)) {
		err_format(&err, msg, sizeof msg);
		lockstep_say(0, PROG, "--npy: %s", msg);
		return -1;
	}
	kind = json_get(&root, "kind");
	rows = json_num_or(&root, "rows", -1);
	n = json_num_or(&root, "n", -1);
	scale = json_num_or(&root, "in_scale", -1);
	for (q = 0; q <= 31 && scale != 1.0 / (double)(1ull << q); q++)
		;
	if (!kind || kind->t != JSON_STR || strcmp(kind->str, "softmax") ||
	    rows < 1 || n < 1 || rows > UINT32_MAX || q > 31) {
		lockstep_say(0, PROG, "--npy: %s: not a softmax op's json "
			"(kind softmax, rows, n, in_scale = 2^-in_frac)", path);
		json_free(&root);
		return -1;
	}
	json_free(&root);
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
		lockstep_say(0, PROG, "--npy: %s", msg);
		return -1;
	}
	plan_walk_init(&w, &p);
	while (!plan_walk_next(&w, &s))
		if (npy_push(o, &s, &cap)) {
			lockstep_say(0, PROG, "out of memory");
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
		lockstep_say(0, PROG, "--npy: tile %zu is %u rows x %u "
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
		lockstep_say(0, PROG, "--config: %s", msg);
		return -1;
	}
	if (cfg->smx_in_frac != o->in_frac) {
		lockstep_say(0, PROG, "--config: %s has softmax.in_frac %u, "
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
int smx_cosim_npy_load(struct smx_cosim *c)
{
	struct npy_op *o = &c->npy;
	struct config cfg;

	if (npy_json(o) || npy_config(c, &cfg))
		return -1;
	o->x = npy_tensor(o, "in", NPY_I8);
	o->out = o->x ? npy_tensor(o, "out", NPY_U8) : NULL;
	if (!o->out || npy_plan(c, &cfg) || npy_fits(c))
		return -1;
	if (!o->compare && !c->ls.quiet)
		lockstep_say(0, PROG, "%s.out.npy not compared: dumped with "
			"algorithm %s (%s), this run is %s", o->prefix,
			smx_algo_name(o->dump_algo), o->config,
			smx_algo_name(c->algo));
	if (!c->tiles_set || c->n_tiles_max > o->n_steps)
		c->n_tiles_max = o->n_steps;
	return 0;
}

void smx_cosim_npy_free(struct npy_op *o)
{
	free(o->x);
	free(o->out);
	free(o->steps);
}

