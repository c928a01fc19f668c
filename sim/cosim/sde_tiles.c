/*
 * sde_tiles.c - the engine harness's tiles: random ones, and the planner's
 * tiles of a GEMM dumped by 'stasim run --dump' (--npy), with their
 * operands, and the k-step commands that carry them. The outputs are the
 * model's, computed row by row as it writes them back.
 */
#include "sde_harness.h"

/* A signed value of bits bits; extreme tiles use only the two ends. */
static int16_t value(struct sde_cosim *c, uint32_t bits, int extreme)
{
	int32_t lo = -(1 << (bits - 1)), hi = (1 << (bits - 1)) - 1;

	if (extreme || lockstep_chance(&c->ls.rng, 5))
		return (int16_t)(lockstep_rnd(&c->ls.rng) & 1 ? hi : lo);
	return (int16_t)lockstep_range(&c->ls.rng, 0, (uint64_t)(hi - lo)) + lo;
}

/* ---- tiles ---- */

void sde_cosim_tile_free(struct tile *t)
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
static void cover(struct sde_cosim *c, const struct tile *t, const int16_t *wd,
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

/* Random operands of a tile whose steps stream t->beats beats in total. */
static int tile_operands(struct sde_cosim *c, struct tile *t)
{
	struct nm_hw hw = { SDE_N_MAX, SDE_M_MAX };
	struct nm_map map;
	uint32_t n = 1, m = 1, k, r, i;
	int extreme = lockstep_chance(&c->ls.rng, 10);
	int16_t *wd = NULL;

	if (SDE_M_MAX > 1 && lockstep_chance(&c->ls.rng, 65)) {
		n = (uint32_t)lockstep_range(&c->ls.rng, 1, SDE_N_MAX < SDE_M_MAX - 1 ?
					   SDE_N_MAX : SDE_M_MAX - 1);
		m = (uint32_t)lockstep_range(&c->ls.rng, n + 1, SDE_M_MAX);
	}
	t->dense = n == m;
	if (nm_map(&hw, n, m, &map))
		return -1;
	if (t->dense) {
		k = (uint32_t)((t->beats - 1) * SDE_N_MAX + lockstep_range(&c->ls.rng, 1, SDE_N_MAX));
	} else {
		t->gpc = map.groups_per_cycle;
		t->groups = (t->beats - 1) * t->gpc + lockstep_range(&c->ls.rng, 1, t->gpc);
		k = (uint32_t)((t->groups - 1) * m + lockstep_range(&c->ls.rng, 1, m));
	}
	/* half the tiles use the planner's shift (sim/plan.c), the rest any */
	if (lockstep_chance(&c->ls.rng, 50))
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
	return 0;
fail:
	free(wd);
	return -1;
}

/* 1 when the next random tile is tiny (1 row, one step of one slice,
 * drain_cpr 0 or 1): one of a burst that comes back to back and fills the
 * engine's flight queue. */
static int tile_tiny(struct sde_cosim *c)
{
	if (!c->burst && lockstep_chance(&c->ls.rng, 3)) {
		c->burst = (uint32_t)lockstep_range(&c->ls.rng, 4, BURST_MAX);
		c->cov_bursts++;
	}
	if (!c->burst)
		return 0;
	c->burst--;
	return 1;
}

static struct tile *tile_new(struct sde_cosim *c)
{
	struct tile *t = calloc(1, sizeof *t);
	int tiny = tile_tiny(c);
	uint32_t s;

	if (!t)
		return NULL;
	t->rows = tiny ? 1 : (uint32_t)lockstep_range(&c->ls.rng, 1, SDE_ROWS);
	t->cols = (uint32_t)lockstep_range(&c->ls.rng, 1, SDE_COLS);
	t->cpr = (uint32_t)lockstep_range(&c->ls.rng, 0, tiny ? 1 : CPR_MAX);
	t->shift = (uint32_t)lockstep_range(&c->ls.rng, 1, SDE_ACT_BITS + 12);
	t->steps = tiny || lockstep_chance(&c->ls.rng, 40) ? 1 :
		   (uint32_t)lockstep_range(&c->ls.rng, 2, 5);
	for (s = 0; s < t->steps; s++) {
		t->kc[s] = tiny ? 1 : (uint32_t)(lockstep_chance(&c->ls.rng, 30) ?
			   lockstep_range(&c->ls.rng, 1, 3) :
			   lockstep_range(&c->ls.rng, 1, KC_MAX));
		t->beats += t->kc[s];
	}
	if (c->functional && tile_operands(c, t)) {
		sde_cosim_tile_free(t);
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
int32_t sde_cosim_npy_at(const struct npy *t, uint64_t h, uint64_t r, uint64_t col)
{
	uint64_t rows = t->shape[t->ndim - 2], cols = t->shape[t->ndim - 1];

	return t->v[(h * rows + r) * cols + col];
}

/* The library's array a (sim/lib/npy.h) as t: 1 to 3 dimensions, widened
 * to int32. Returns -1 for a shape this harness does not take. */
static int npy_widen(const struct npy_array *a, struct npy *t)
{
	static const uint32_t bits[] = { [NPY_I8] = 8, [NPY_I16] = 16,
					 [NPY_I32] = 32, [NPY_U8] = 8 };
	uint64_t i;
	int d;

	if (a->ndim > 3 || a->count > TRACE_ELEMS_MAX)
		return -1;
	t->ndim = a->ndim;
	for (d = 0; d < a->ndim; d++)
		t->shape[d] = a->shape[d];
	t->type = a->type == NPY_U8 ? 'u' : 'i';
	t->bits = bits[a->type];
	t->v = malloc(a->count * sizeof *t->v + 1);
	if (!t->v)
		return -1;
	for (i = 0; i < a->count; i++)
		t->v[i] = npy_get(a, i);
	return 0;
}

/*
 * Read the .npy file at path into t (npy_read). Returns 0; 1 when optional
 * and the file does not exist; -1 after a message.
 */
static int npy_load(const struct sde_cosim *c, const char *path, int optional,
		    struct npy *t)
{
	struct npy_array a;
	struct sim_err err;
	char msg[1024];
	int rc = -1;

	memset(t, 0, sizeof *t);
	if (optional && access(path, F_OK) && errno == ENOENT)
		return 1;
	if (npy_read(path, &a, &err)) {
		err_format(&err, msg, sizeof msg);
		say(c, "%s", msg);
		return -1;
	}
	rc = npy_widen(&a, t);
	if (rc)
		say(c, "%s: not a .npy file of a little-endian i1, i2, i4 or u1 "
		    "array in C order, 1 to 3 dimensions", path);
	npy_array_free(&a);
	if (rc)
		npy_free(t);
	return rc;
}

void sde_cosim_gemm_free(struct gemm *g)
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
static int typed(const struct sde_cosim *c, const char *sfx, const struct npy *t,
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
static int gemm_types(const struct sde_cosim *c, const struct gemm *g)
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
static int gemm_shapes(const struct sde_cosim *c, struct gemm *g)
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
static int gemm_pattern(const struct sde_cosim *c, struct gemm *g)
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
static int gemm_region(const struct sde_cosim *c, struct gemm *g)
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
 * (SRAM sizes as configs/sta-default.ini) with this array's geometry, and
 * the mapper's fixed rule, whose array tiles each reduce the whole of k:
 * a partial-sum chain (plan_op psum) adds slices in the out buffer, which
 * rtl/sde.v does not have. Returns -1 after a message.
 */
static int gemm_plan(const struct sde_cosim *c, struct gemm *g)
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
	cfg.map_search = CFG_MAP_FIXED;
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
static int gemm_shift(const struct sde_cosim *c, const struct gemm *g)
{
	uint32_t h, r, col;

	for (h = 0; h < g->heads; h++) {
		for (r = g->r0; r < g->r0 + g->rows; r++) {
			for (col = g->c0; col < g->c0 + g->cols; col++) {
				int32_t acc = sde_cosim_npy_at(&g->acc, h, r, col);

				if ((c->head >= 0 && h != c->head) ||
				    sde_cosim_npy_at(&g->out, h, r, col) ==
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
static int gemm_prepass(const struct sde_cosim *c, struct gemm *g)
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
int sde_cosim_npy_open(struct sde_cosim *c)
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
static int npy_operands(struct sde_cosim *c, struct tile *t)
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
			t->a[r * g->k + kk] = (int16_t)sde_cosim_npy_at(&g->a, t->head,
							      t->r0 + r, kk);
	for (i = 0; i < wrows; i++) {
		for (col = 0; col < t->cols; col++) {
			if (t->dense) {
				t->w[i * t->cols + col] = (int16_t)sde_cosim_npy_at(
					&g->w, t->head, i, t->c0 + col);
				continue;
			}
			t->w[i * t->cols + col] = (int16_t)sde_cosim_npy_at(&g->wval, 0, i,
								  t->c0 + col);
			t->idx[i * t->cols + col] = (uint8_t)sde_cosim_npy_at(&g->widx, 0, i,
								   t->c0 + col);
		}
	}
	c->cov_sparse += !t->dense;
	t->d = (struct sde_data){
		.a = t->a, .w = t->w, .idx = t->idx, .acc = t->acc,
		.out = t->out, .k = g->k, .ncols = t->cols, .nm_n = g->nm_n,
		.nm_m = g->nm_m, .shift = t->shift, .out_bits = SDE_ACT_BITS,
	};
	for (r = 0; r < t->rows; r++) {	/* coverage, from the dump */
		for (col = 0; col < t->cols; col++) {
			int64_t v = ((int64_t)sde_cosim_npy_at(&g->acc, t->head,
					t->r0 + r, t->c0 + col) +
				     (1ll << (t->shift - 1))) >> t->shift;
			int64_t hi = (1 << (SDE_ACT_BITS - 1)) - 1;

			c->cov_sat += v > hi || v < -hi - 1;
		}
	}
	return 0;
}

/* The plan's next array tile, all its k-steps, with its operands; NULL
 * when out of memory. */
static struct tile *npy_tile_new(struct sde_cosim *c)
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
	t->cpr = (uint32_t)lockstep_range(&c->ls.rng, 0, CPR_MAX);
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
		sde_cosim_tile_free(t);
		return NULL;
	}
	return t;
}

/* ---- stimulus: commands ---- */

/* 1 while commands remain to be presented: --cmds not reached (nor, with
 * --npy, the end of the plan), or a tile begun and not finished. */
int sde_cosim_more_cmds(const struct sde_cosim *c)
{
	if (c->gen_step)
		return 1;
	return c->issued < c->n_cmds && (!c->g || c->g->has_next);
}

/* Present the next k-step command; returns -1 when out of memory. */
int sde_cosim_next_cmd(struct sde_cosim *c)
{
	struct tile *t, **nt;
	struct sde_pins *p = &c->cmd;
	uint32_t flags = 0;

	if (c->gen_tile == c->n_tiles) {
		nt = lockstep_grow(c->tiles, c->n_tiles, &c->cap_tiles, sizeof *nt);
		if (!nt)
			return -1;
		c->tiles = nt;
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
		flags |= (uint32_t)(lockstep_rnd(&c->ls.rng) & (UNIT_A_LAST | UNIT_W_LAST |
					      UNIT_O_LAST));
	}
	c->in = (struct unit_cmd){
		.valid = 1, .flags = (uint8_t)flags, .op = (uint32_t)c->issued,
		.rows = t->rows, .cols = t->cols, .kcycles = t->kc[c->gen_step],
		.r0 = 0, .c0 = 0, .drain_cpr = t->cpr,
		.data = c->functional ? &t->d : NULL,
	};
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

/* The command pins: the presented command (the engine's own payload as
 * next_cmd left it in c->cmd), or random payload without cmd_valid (the
 * RTL must ignore it). */
void sde_cosim_drive_cmd(struct sde_cosim *c, struct sde_pins *p)
{
	const struct sde_pins *q = &c->cmd;

	if (!lockstep_drive_cmd(&c->ls.rng, &c->in, nm_clog2(SDE_ROWS + 1),
				nm_clog2(SDE_COLS + 1), SDE_KC_BITS, &p->cmd)) {
		p->cmd_drain_cpr = lockstep_noise(&c->ls.rng, SDE_CPR_BITS);
		p->cmd_dense = (uint8_t)lockstep_noise(&c->ls.rng, 1);
		p->cmd_nm_n = lockstep_noise(&c->ls.rng, nm_clog2(SDE_N_MAX + 1));
		p->cmd_nm_m = lockstep_noise(&c->ls.rng, nm_clog2(SDE_M_MAX + 1));
		p->cmd_shift = lockstep_noise(&c->ls.rng, SDE_SHIFT_BITS);
		return;
	}
	p->cmd_drain_cpr = q->cmd_drain_cpr;
	p->cmd_dense = q->cmd_dense;
	p->cmd_nm_n = q->cmd_nm_n;
	p->cmd_nm_m = q->cmd_nm_m;
	p->cmd_shift = q->cmd_shift;
}

