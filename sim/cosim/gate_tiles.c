/*
 * gate_tiles.c - the gate harness's tiles: random ones, and the real ones
 * of --npy (a gate op dumped by sim/func.c), with the expected winners of
 * each (gate_token).
 */
#include "gate_harness.h"

#include "../lib/json.h"

/* ---- tiles ---- */

void gate_cosim_tile_free(void *tile)
{
	struct tile *t = tile;

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
		gate_cosim_tile_free(t);
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
			v[i] = (int8_t)((int)lockstep_range(&c->ls.rng, 0, 4) - 2);
			break;
		case FILL_RAILS:
			v[i] = (int8_t)(lockstep_rnd(&c->ls.rng) & 1 ? 127 : -128);
			break;
		case FILL_SPARSE:
			v[i] = (int8_t)(lockstep_chance(&c->ls.rng, 80) ? 0 :
					(int)lockstep_range(&c->ls.rng, 0, 255) - 128);
			break;
		case FILL_ZERO:
			v[i] = 0;
			break;
		default:
			v[i] = (int8_t)((int)lockstep_range(&c->ls.rng, 0, 255) - 128);
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
	uint64_t r = lockstep_rnd(&c->ls.rng) % 10;

	return r == 0 ? 1 : r == 1 ? max : (uint32_t)lockstep_range(&c->ls.rng, 1, max);
}

/* A random tile: random shape and format, operands of random kinds. */
struct tile *gate_cosim_tile_random(struct gate_cosim *c)
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
	k = (uint32_t)(lockstep_chance(&c->ls.rng, 25) ? kmax :
		       lockstep_range(&c->ls.rng, 1, kmax));
	t = tile_alloc(c, tt, d, e, k);
	if (!t)
		return NULL;
	t->job.shift = (uint32_t)(lockstep_chance(&c->ls.rng, 30) ? gate_shift(d) :
				  lockstep_chance(&c->ls.rng, 95) ?
				  lockstep_range(&c->ls.rng, 1, 20) :
				  lockstep_range(&c->ls.rng, 21, 31));
	t->job.fmt.in_frac = (uint32_t)(lockstep_chance(&c->ls.rng, 90) ?
					lockstep_range(&c->ls.rng, 0, 7) :
					lockstep_range(&c->ls.rng, 8, 31));
	t->job.fmt.ita_eps32 = (uint32_t)(lockstep_rnd(&c->ls.rng) & 1);
	/* all-zero tokens in 8 % of the tiles */
	xk = lockstep_chance(&c->ls.rng, 8) ? FILL_ZERO :
	     (enum fill)lockstep_range(&c->ls.rng, FILL_UNIFORM, FILL_SPARSE);
	wk = wkinds[lockstep_rnd(&c->ls.rng) % (sizeof wkinds / sizeof *wkinds)];
	fill8(c, t->x, (size_t)tt * d, xk);
	fill8(c, t->w, (size_t)d * e, wk);
	fix_cols(t->w, d, e, wk);
	tile_want(c, t);
	return t;
}

/* The next --max-tokens dumped tokens (--npy). NULL when out of memory. */
struct tile *gate_cosim_tile_real(struct gate_cosim *c)
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

/* ---- --npy: a gate op dumped by sim/func.c (read by sim/lib/npy.c) ---- */

/* "FILE: FIELD: MESSAGE" into err; returns -1. */
static int load_error(char *err, size_t len, const char *file,
		      const char *field, const char *msg)
{
	snprintf(err, len, "%s: %s: %s", file, field, msg);
	return -1;
}

/* A whole number >= 0 of member key of o, or -1 when absent or not one. */
static int64_t count_of(const struct json_val *o, const char *key)
{
	double v = json_num_or(o, key, -1);

	return v >= 0 ? (int64_t)v : -1;
}

/* The softmax algorithm PREFIX.json names, or -1. */
static int algo_of(const struct json_val *o)
{
	const struct json_val *s = json_get(o, "softmax");
	int a;

	for (a = 0; s && s->t == JSON_STR && a < SMX_ALGO_COUNT; a++)
		if (!strcmp(s->str, smx_algo_name((enum smx_algo)a)))
			return a;
	return -1;
}

/* PREFIX.json's shift, softmax format and algorithm into r; what it lacks
 * is the planner's rule, in_frac 4 (the config default), eps32 0 and an
 * unknown algorithm. The file itself may be missing (or unreadable: then
 * it counts as missing). */
static void json_load_real(struct real *r, const char *prefix)
{
	char path[1100];
	struct json_val root = { 0 };
	struct sim_err err;
	int64_t v;

	r->shift = gate_shift(r->d);
	r->in_frac = 4;
	r->eps32 = 0;
	snprintf(path, sizeof path, "%s.json", prefix);
	if (json_load(path, &root, &err))
		root = (struct json_val){ 0 };
	if ((v = count_of(&root, "logit_shift")) >= 1 && v <= 31)
		r->shift = (uint32_t)v;
	if ((v = count_of(&root, "softmax_in_frac")) >= 0 && v <= 31)
		r->in_frac = (uint32_t)v;
	if ((v = count_of(&root, "ita_eps32")) >= 0)
		r->eps32 = v != 0;
	r->task = count_of(&root, "task");
	r->dump_algo = algo_of(&root);
	json_free(&root);
}

void gate_cosim_real_free(struct real *r)
{
	free(r->x);
	free(r->w);
	free(r->logits);
	free(r->topk);
	free(r->score);
	memset(r, 0, sizeof *r);
}

/* The elements of a, narrowed into dst (the .npy was range-checked). */
#define NARROW(dst, a) do {						\
		uint64_t i_;						\
		for (i_ = 0; i_ < (a)->count; i_++)			\
			(dst)[i_] = npy_get((a), i_);			\
	} while (0)

/* --npy's tokens and router weights, against the build's D_MAX and
 * E_MAX. 0, or -1 with err. */
static int load_operands(struct gate_cosim *c, struct npy_array *a,
			 char *err, size_t len)
{
	struct real *r = &c->real;
	char file[1100], msg[160];

	if (lockstep_npy_2d(c->npy, "in", NPY_I8, &a[0], err, len))
		return -1;
	r->t = (uint32_t)a[0].shape[0];
	r->d = (uint32_t)a[0].shape[1];
	snprintf(file, sizeof file, "%s.in.npy", c->npy);
	if (r->d > GATE_RTL_D_MAX) {
		snprintf(msg, sizeof msg, "tokens %u wide: this build takes at most "
			 "D_MAX = %d", r->d, GATE_RTL_D_MAX);
		return load_error(err, len, file, "shape", msg);
	}
	if (lockstep_npy_2d(c->npy, "wgate", NPY_I8, &a[1], err, len))
		return -1;
	snprintf(file, sizeof file, "%s.wgate.npy", c->npy);
	if (a[1].shape[0] != r->d)
		return load_error(err, len, file, "shape",
				  "not one row per element of a token");
	r->e = (uint32_t)a[1].shape[1];
	if (r->e > GATE_RTL_E_MAX) {
		snprintf(msg, sizeof msg, "%u experts: this build takes at most "
			 "E_MAX = %d", r->e, GATE_RTL_E_MAX);
		return load_error(err, len, file, "shape", msg);
	}
	return 0;
}

/* --npy's results: logits, winners and their scores, shaped as the
 * operands say. 0, or -1 with err. */
static int load_results(struct gate_cosim *c, struct npy_array *a,
			char *err, size_t len)
{
	struct real *r = &c->real;
	char file[1100], msg[160];
	uint64_t i;

	if (lockstep_npy_2d(c->npy, "logits", NPY_I32, &a[2], err, len))
		return -1;
	snprintf(file, sizeof file, "%s.logits.npy", c->npy);
	if (a[2].shape[0] != r->t || a[2].shape[1] != r->e)
		return load_error(err, len, file, "shape", "not tokens x experts");
	if (lockstep_npy_2d(c->npy, "topk", NPY_I16, &a[3], err, len))
		return -1;
	snprintf(file, sizeof file, "%s.topk.npy", c->npy);
	r->k = (uint32_t)a[3].shape[1];
	if (a[3].shape[0] != r->t || r->k > GATE_RTL_K_MAX || r->k > r->e) {
		snprintf(msg, sizeof msg, "%" PRIu64 " x %u: not one row per token, "
			 "or k beyond K_MAX = %d or the experts", a[3].shape[0],
			 r->k, GATE_RTL_K_MAX);
		return load_error(err, len, file, "shape", msg);
	}
	for (i = 0; i < a[3].count; i++)
		if (npy_get(&a[3], i) < 0 || (uint32_t)npy_get(&a[3], i) >= r->e)
			return load_error(err, len, file, "data",
					  "expert index beyond the experts");
	if (lockstep_npy_2d(c->npy, "score", NPY_U8, &a[4], err, len))
		return -1;
	snprintf(file, sizeof file, "%s.score.npy", c->npy);
	if (a[4].shape[0] != r->t || a[4].shape[1] != r->k)
		return load_error(err, len, file, "shape", "not the shape of topk.npy");
	return 0;
}

/* Every file of --npy into c->real, checked against the build's limits.
 * 0, or -1 with err. */
int gate_cosim_real_load(struct gate_cosim *c, char *err, size_t len)
{
	struct real *r = &c->real;
	struct npy_array a[5];
	int rc = -1, i;

	memset(a, 0, sizeof a);
	if (load_operands(c, a, err, len) || load_results(c, a, err, len))
		goto out;
	r->x = malloc((size_t)r->t * r->d);
	r->w = malloc((size_t)r->d * r->e);
	r->logits = malloc((size_t)r->t * r->e * sizeof *r->logits);
	r->topk = malloc((size_t)r->t * r->k * sizeof *r->topk);
	r->score = malloc((size_t)r->t * r->k);
	if (!r->x || !r->w || !r->logits || !r->topk || !r->score) {
		load_error(err, len, c->npy, "data", "out of memory");
		goto out;
	}
	NARROW(r->x, &a[0]);
	NARROW(r->w, &a[1]);
	NARROW(r->logits, &a[2]);
	NARROW(r->topk, &a[3]);
	NARROW(r->score, &a[4]);
	json_load_real(r, c->npy);
	r->compare_score = r->dump_algo == (int)c->gp.smx.algo;
	rc = 0;
out:
	for (i = 0; i < 5; i++)
		npy_array_free(&a[i]);
	return rc;
}
