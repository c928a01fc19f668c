/*
 * smx_fused.c - the softmax harness's fused scenarios (--fused): a score
 * buffer drained like the engine drains Q.K^T, fused commands, and A.V's
 * operand fetches with their expected probabilities (smx_cosim.h says how).
 */
#include "smx_harness.h"

/* ---- fused scenarios (--fused) ---- */

void smx_cosim_scen_free(struct fscen *s)
{
	if (!s)
		return;
	free(s->x);
	free(s->want);
	free(s->last);
	free(s->beats);
	free(s->ftiles);
	free(s->cmds);
	free(s->wins);
	free(s);
}

/* A fused tile's command-side record: no scores, no beats; its job does
 * nothing when the model finishes it (the rows were drained, the
 * probabilities leave on fetches). */
static void fused_run(const struct fu_job *job, uint32_t r0, uint32_t rows)
{
	(void)job;
	(void)r0;
	(void)rows;
}

/* Append beat (row, col, cnt) to the scenario's drain. */
static void drain_push(struct fscen *s, uint32_t row, uint32_t col,
		       uint32_t cnt, uint32_t junk)
{
	s->beats[s->n_beats++] = (struct dbeat){ row, col, cnt, junk };
}

/* Now and then (when n > 1) an aborted drain of row r before its real
 * one: junk scores of columns 0 .. cut - 1, cut < n, restarted at 0. */
static void drain_abort(struct smx_cosim *c, struct fscen *s, uint32_t r)
{
	uint32_t cut, col, cnt;

	if (s->n < 2 || !lockstep_chance(&c->ls.rng, 5))
		return;
	cut = (uint32_t)lockstep_range(&c->ls.rng, 1, s->n - 1);
	for (col = 0; col < cut; col += cnt) {
		cnt = (uint32_t)lockstep_range(&c->ls.rng, 1, SMX_LANES);
		cnt = cnt < cut - col ? cnt : cut - col;
		drain_push(s, r, col, cnt, 1);
	}
}

/*
 * The drain of the scenario, as the engine drains Q.K^T: blocks of rows;
 * each block column tile by column tile (width cw); each row of a column
 * tile in beats of at most LANES scores, either row after row (LANES at a
 * time, or random counts) or beat-interleaved across the block's rows.
 * At most 2 n beats a row, aborted drains included.
 */
static void drain_plan(struct smx_cosim *c, struct fscen *s)
{
	uint32_t bmax = lockstep_chance(&c->ls.rng, 30) ? s->rows :
			(uint32_t)lockstep_range(&c->ls.rng, 1, s->rows < FUSED_BLOCK ?
						s->rows : FUSED_BLOCK);
	uint32_t cw = lockstep_chance(&c->ls.rng, 20) ? s->n :
		      (uint32_t)lockstep_range(&c->ls.rng, 1, 2 * SMX_LANES);
	int inter = lockstep_chance(&c->ls.rng, 40), split = lockstep_chance(&c->ls.rng, 30);
	uint32_t b0, bs, c0, c1, r, j, col, cnt, nb;

	for (b0 = 0; b0 < s->rows; b0 += bs) {
		bs = (uint32_t)lockstep_range(&c->ls.rng, 1, bmax);
		bs = bs < s->rows - b0 ? bs : s->rows - b0;
		for (c0 = 0; c0 < s->n; c0 += cw) {
			c1 = c0 + cw < s->n ? c0 + cw : s->n;
			nb = (c1 - c0 + SMX_LANES - 1) / SMX_LANES;
			for (j = 0; inter && j < nb; j++)
				for (r = b0; r < b0 + bs; r++) {
					if (c0 == 0 && j == 0)
						drain_abort(c, s, r);
					col = c0 + j * SMX_LANES;
					drain_push(s, r, col, c1 - col < SMX_LANES ?
						   c1 - col : SMX_LANES, 0);
				}
			for (r = b0; !inter && r < b0 + bs; r++) {
				if (c0 == 0)
					drain_abort(c, s, r);
				for (col = c0; col < c1; col += cnt) {
					cnt = split ? (uint32_t)lockstep_range(&c->ls.rng, 1, SMX_LANES) :
						      SMX_LANES;
					cnt = cnt < c1 - col ? cnt : c1 - col;
					drain_push(s, r, col, cnt, 0);
				}
			}
		}
	}
}

/* The scenario's commands: fused tiles of 1 .. min(ROWS, cap) rows
 * covering rows 0 .. R - 1 in ascending r0, with 0 .. 2 normal tiles among
 * them; -1 when out of memory. */
static int cmd_plan(struct smx_cosim *c, struct fscen *s)
{
	static const uint32_t caps[] = { 1, 4, 16, SMX_FUSED_ROWS };
	uint32_t cap = caps[lockstep_range(&c->ls.rng, 0, 3)], r0, rows, normals, k;

	cap = cap < SMX_ROWS ? cap : SMX_ROWS;
	s->ftiles = malloc(s->rows * sizeof *s->ftiles);
	normals = (uint32_t)lockstep_range(&c->ls.rng, 0, 2);
	s->cmds = malloc((s->rows + normals) * sizeof *s->cmds);
	if (!s->ftiles || !s->cmds)
		return -1;
	for (r0 = 0; r0 < s->rows; r0 += rows) {
		rows = (uint32_t)lockstep_range(&c->ls.rng, 1, cap);
		rows = rows < s->rows - r0 ? rows : s->rows - r0;
		s->ftiles[s->n_ftiles++] = (struct fwin){ r0, rows, 0, s->n };
	}
	for (k = 0; k < s->n_ftiles || normals; ) {
		if (normals && lockstep_range(&c->ls.rng, 0, s->n_ftiles - k + normals - 1) <
			       normals) {
			s->cmds[s->n_cmds++] = (struct fcmd){ UINT32_MAX, 0 };
			normals--;
			continue;
		}
		s->cmds[s->n_cmds++] = (struct fcmd){
			k++, lockstep_chance(&c->ls.rng, 50) ? 1 : SMX_RECIP_LATENCY + 2 };
	}
	return 0;
}

/* A new random scenario into c->scen; -1 when out of memory. */
static int scen_new(struct smx_cosim *c)
{
	struct fscen *s = calloc(1, sizeof *s);
	struct smx_fmt f;
	uint32_t r, i;

	if (!s)
		return -1;
	c->scen = s;
	c->scen_made++;
	s->rows = (uint32_t)(lockstep_chance(&c->ls.rng, 20) ? SMX_FUSED_ROWS :
			     lockstep_range(&c->ls.rng, 1, SMX_FUSED_ROWS));
	s->n = (uint32_t)(lockstep_chance(&c->ls.rng, 10) ? (lockstep_chance(&c->ls.rng, 50) ? 1 : c->n_max) :
			  lockstep_range(&c->ls.rng, 1, c->n_max));
	s->in_frac = (uint32_t)(lockstep_chance(&c->ls.rng, 80) ? lockstep_range(&c->ls.rng, 0, 7) :
				lockstep_chance(&c->ls.rng, 70) ? lockstep_range(&c->ls.rng, 8, 15) :
				lockstep_range(&c->ls.rng, 16, 31));
	s->dense = lockstep_chance(&c->ls.rng, 50);
	s->early = lockstep_chance(&c->ls.rng, 30);
	s->x = malloc((size_t)s->rows * s->n);
	s->want = malloc((size_t)s->rows * s->n);
	s->last = malloc(s->rows * sizeof *s->last);
	s->beats = malloc(2 * (size_t)s->rows * s->n * sizeof *s->beats);
	if (!s->x || !s->want || !s->last || !s->beats || cmd_plan(c, s))
		return -1;
	f = (struct smx_fmt){ .in_frac = s->in_frac };
	for (r = 0; r < s->rows; r++) {
		int8_t *x = s->x + (size_t)r * s->n;
		uint8_t *w = s->want + (size_t)r * s->n;

		smx_cosim_row_scores(c, x, s->n);
		smx_row(SMX_ONLINE, &f, x, s->n, w);
		c->cov_rescale += smx_cosim_rescales(c, &f, x, s->n);
		for (i = 0; i < s->n; i++)
			c->cov_sat += w[i] == 255;
		s->last[r] = UINT64_MAX;
	}
	drain_plan(c, s);
	return 0;
}

/* 1 when every row of tile t was drained and the cycle is at least
 * `after` cycles past the last of their completing beats. */
static int rows_past(const struct smx_cosim *c, const struct fscen *s,
		     const struct fwin *t, uint64_t after)
{
	uint64_t m = 0;
	uint32_t r;

	for (r = t->r0; r < t->r0 + t->rows; r++) {
		if (s->last[r] == UINT64_MAX)
			return 0;
		m = s->last[r] > m ? s->last[r] : m;
	}
	return c->ls.cycle >= m + after;
}

/* Present the scenario's next command when it may go; -1 when out of
 * memory. A normal tile goes at once, a fused tile once its rows' drain
 * allows it (fcmd.wait). */
int smx_cosim_fused_cmd(struct smx_cosim *c)
{
	struct fscen *s = c->scen;
	const struct fcmd *fc;
	const struct fwin *ft;
	struct smx_pins *p = &c->cmd;
	struct tile *t;

	if (!s || s->cmd_next == s->n_cmds)
		return 0;
	fc = &s->cmds[s->cmd_next];
	if (fc->tile == UINT32_MAX) {
		s->cmd_next++;
		return smx_cosim_next_cmd(c);
	}
	ft = &s->ftiles[fc->tile];
	if (!rows_past(c, s, ft, fc->wait))
		return 0;
	c->cov_tight += fc->wait == 1 && !rows_past(c, s, ft, 2);
	t = calloc(1, sizeof *t);
	if (!t)
		return -1;
	s->cmd_next++;
	t->fused = 1;
	t->r0 = ft->r0;
	t->rows = ft->rows;
	t->n = s->n;
	t->c = (s->n + SMX_LANES - 1) / SMX_LANES;
	t->in_frac = s->in_frac;
	t->eps32 = (uint32_t)(lockstep_rnd(&c->ls.rng) & 1);
	t->flags = (uint8_t)(lockstep_rnd(&c->ls.rng) & 0x1f);
	t->kcycles = smx_fused_cycles(&c->sp, t->rows, t->n);
	smx_job_init(&t->job);
	t->job.base.run = fused_run;
	if (lockstep_tiles_push(&c->tiles, t))
		return -1;
	c->fu.in = (struct unit_cmd){
		.valid = 1, .flags = t->flags, .op = (uint32_t)c->tiles.n - 1,
		.rows = t->rows, .cols = t->n, .kcycles = t->kcycles,
		.r0 = t->r0, .c0 = 0, .data = &t->job,
	};
	*p = (struct smx_pins){	/* the common pins come from c->fu.in */
		.cmd_in_frac = t->in_frac, .cmd_ita_eps32 = (uint8_t)t->eps32,
		.cmd_fused = 1, .cmd_r0 = t->r0,
	};
	return 0;
}

/* Idle cycles before the next drain beat or fetch. */
static uint64_t fused_gap(struct smx_cosim *c, const struct fscen *s)
{
	if (s->dense)
		return lockstep_chance(&c->ls.rng, 90) ? 0 : lockstep_range(&c->ls.rng, 1, 3);
	return lockstep_gap(&c->ls.rng, 40);
}

/* This cycle's drain beat, if one is due, on d_*; junk payload otherwise. */
static void fused_drain(struct smx_cosim *c, struct smx_pins *p)
{
	struct fscen *s = c->scen;
	const struct dbeat *b;
	uint32_t l, k;

	p->d_valid = 0;
	lockstep_garbage(&c->ls.rng, p->d_data, SMX_X_BITS);
	if (s && s->beat_next < s->n_beats && s->beat_gap)
		s->beat_gap--;
	else if (s && s->beat_next < s->n_beats) {
		b = &s->beats[s->beat_next++];
		p->d_valid = 1;
		p->d_row = b->row;
		p->d_col = b->col;
		p->d_cnt = b->cnt;
		p->d_n = s->n;
		p->d_frac = s->in_frac;
		for (l = 0; !b->junk && l < b->cnt; l++)
			lockstep_put_bits(p->d_data, l * 8, 8,
				 (uint8_t)s->x[(size_t)b->row * s->n + b->col + l]);
		if (!b->junk && b->col + b->cnt == s->n) {
			s->last[b->row] = c->ls.cycle;
			if (s->early && lockstep_chance(&c->ls.rng, 50)) {
				k = (s->probe_head + s->probe_len++) % PROBE_LEN;
				s->probe_due[k] = c->ls.cycle + SMX_RECIP_LATENCY + 1;
				s->probe_row[k] = b->row;
			}
		}
		c->cov_restarts += !b->junk && b->col == 0 && s->beat_next >= 2 &&
				   s->beats[s->beat_next - 2].junk &&
				   s->beats[s->beat_next - 2].row == b->row;
		c->cov_dbeats++;
		s->beat_gap = fused_gap(c, s);
		return;
	}
	p->d_row = lockstep_noise(&c->ls.rng, FUSED_RB);
	p->d_col = lockstep_noise(&c->ls.rng, PORT_NB);
	p->d_cnt = lockstep_noise(&c->ls.rng, PORT_CB);
	p->d_n = lockstep_noise(&c->ls.rng, PORT_NB);
	p->d_frac = lockstep_noise(&c->ls.rng, 5);
}

/* Append a window; -1 when out of memory. */
static int win_push(struct fscen *s, uint32_t r0, uint32_t rows, uint32_t k0,
		    uint32_t klen)
{
	if (s->n_wins == s->cap_wins) {
		size_t cap = s->cap_wins ? 2 * s->cap_wins : 16;
		struct fwin *nw = realloc(s->wins, cap * sizeof *nw);

		if (!nw)
			return -1;
		s->wins = nw;
		s->cap_wins = cap;
	}
	s->wins[s->n_wins++] = (struct fwin){ r0, rows, k0, klen };
	return 0;
}

/* A.V's operand windows of fused tile t: its rows by K-chunks of kw
 * columns (every probability of the tile), now and then a random
 * sub-window after them; -1 when out of memory. */
static int win_plan(struct smx_cosim *c, struct fscen *s, const struct fwin *t)
{
	uint64_t kind = lockstep_range(&c->ls.rng, 0, 9);
	uint32_t kw = kind < 4 ? (uint32_t)lockstep_range(&c->ls.rng, 1, 2 * SMX_LANES) :
		      kind < 7 ? s->n : (uint32_t)lockstep_range(&c->ls.rng, 1, s->n);
	uint32_t k0, a, b;

	s->n_wins = s->win_next = 0;
	for (k0 = 0; k0 < s->n; k0 += kw)
		if (win_push(s, t->r0, t->rows, k0, kw < s->n - k0 ? kw : s->n - k0))
			return -1;
	if (!lockstep_chance(&c->ls.rng, 30))
		return 0;
	a = (uint32_t)lockstep_range(&c->ls.rng, t->r0, t->r0 + t->rows - 1);
	b = (uint32_t)lockstep_range(&c->ls.rng, a, t->r0 + t->rows - 1);
	k0 = (uint32_t)lockstep_range(&c->ls.rng, 0, s->n - 1);
	return win_push(s, a, b - a + 1, k0,
			(uint32_t)lockstep_range(&c->ls.rng, 1, s->n - k0));
}

/* 1 when fused tile g's rows may be fetched this cycle. */
static int fetch_ready(const struct smx_cosim *c, const struct fscen *s,
		       uint32_t g)
{
	if (s->early)
		return rows_past(c, s, &s->ftiles[g], SMX_RECIP_LATENCY + 1);
	return g < s->ftiles_written;
}

/* Fetch cnt probabilities of window w from (*row, *col) on f_*, their
 * expected values into the ring, and step (*row, *col) past them;
 * -1 after a message when the ring is full (an internal error). */
static int fetch_issue(struct smx_cosim *c, struct smx_pins *p,
		       const struct fwin *w, uint32_t *row, uint32_t *col,
		       uint32_t cnt)
{
	const struct fscen *s = c->scen;
	struct fetch_exp *e;
	uint32_t l;
	int at_ready = 0;

	if (c->fq_len == FQ_LEN) {
		lockstep_say(0, PROG, "internal: %d fetches in flight", FQ_LEN);
		return -1;
	}
	p->f_valid = 1;
	p->f_row = *row;
	p->f_col = *col;
	p->f_k0 = w->k0;
	p->f_klen = w->klen;
	p->f_cnt = cnt;
	p->f_frac = s->in_frac;
	e = &c->fq[(c->fq_head + c->fq_len++) % FQ_LEN];
	memset(e, 0, sizeof *e);
	e->due = c->ls.cycle + SMX_EXP_LATENCY;
	e->cnt = cnt;
	for (l = 0; l < cnt; l++) {
		e->row[l] = *row;
		e->col[l] = *col;
		e->p[l] = s->want[(size_t)*row * s->n + *col];
		at_ready |= s->last[*row] + SMX_RECIP_LATENCY + 1 == c->ls.cycle;
		if (beat_smx_fetch_next(row, col, w->k0, w->klen))
			c->cov_wraps += l + 1 < cnt;
	}
	c->cov_at_ready += at_ready;
	c->cov_fetches++;
	return 0;
}

/* A probe of row r, due on the first cycle its reciprocal is ready: 1 ..
 * LANES probabilities from a random column, not past the row's end. */
static int fetch_probe(struct smx_cosim *c, struct smx_pins *p, uint32_t r)
{
	const struct fscen *s = c->scen;
	const struct fwin w = { r, 1, 0, s->n };
	uint32_t col = (uint32_t)lockstep_range(&c->ls.rng, 0, s->n - 1);
	uint32_t cnt = (uint32_t)lockstep_range(&c->ls.rng, 1, SMX_LANES);

	return fetch_issue(c, p, &w, &r, &col, cnt < s->n - col ? cnt : s->n - col);
}

/* This cycle's fetch, if one is due, on f_* (junk payload otherwise): a
 * probe when one is due this cycle (early scenarios), else the next of the
 * open window; -1 when out of memory. */
static int fused_fetch(struct smx_cosim *c, struct smx_pins *p)
{
	struct fscen *s = c->scen;
	const struct fwin *w;
	uint32_t cnt;

	p->f_valid = 0;
	if (s && !s->win_open && s->win_next == s->n_wins &&
	    s->fetch_tile < s->n_ftiles && fetch_ready(c, s, s->fetch_tile) &&
	    win_plan(c, s, &s->ftiles[s->fetch_tile++]))
		return -1;
	if (s && !s->win_open && s->win_next < s->n_wins) {
		w = &s->wins[s->win_next];
		s->win_open = 1;
		s->win_row = w->r0;
		s->win_col = w->k0;
		s->win_left = (uint64_t)w->rows * w->klen;
	}
	if (s && s->probe_len && s->probe_due[s->probe_head] == c->ls.cycle) {
		cnt = s->probe_row[s->probe_head];
		s->probe_head = (s->probe_head + 1) % PROBE_LEN;
		s->probe_len--;
		return fetch_probe(c, p, cnt);
	}
	if (s && s->win_open && s->fetch_gap) {
		s->fetch_gap--;
	} else if (s && s->win_open) {
		w = &s->wins[s->win_next];
		cnt = lockstep_chance(&c->ls.rng, 70) ? SMX_LANES :
		      (uint32_t)lockstep_range(&c->ls.rng, 1, SMX_LANES);
		cnt = cnt < s->win_left ? cnt : (uint32_t)s->win_left;
		if (fetch_issue(c, p, w, &s->win_row, &s->win_col, cnt))
			return -1;
		s->win_left -= cnt;
		if (!s->win_left) {
			s->win_open = 0;
			s->win_next++;
		}
		s->fetch_gap = fused_gap(c, s);
		return 0;
	}
	p->f_row = lockstep_noise(&c->ls.rng, FUSED_RB);
	p->f_col = lockstep_noise(&c->ls.rng, PORT_NB);
	p->f_k0 = lockstep_noise(&c->ls.rng, PORT_NB);
	p->f_klen = lockstep_noise(&c->ls.rng, PORT_NB);
	p->f_cnt = lockstep_noise(&c->ls.rng, PORT_CB);
	p->f_frac = lockstep_noise(&c->ls.rng, 5);
	return 0;
}

/* One cycle of the fused stimulus after the command: start a scenario
 * when due, end it when everything of it is issued and written, drive the
 * drain and fetch ports; -1 when out of memory. */
int smx_cosim_fused_drive(struct smx_cosim *c, struct smx_pins *p)
{
	struct fscen *s = c->scen;

	if (s && s->beat_next == s->n_beats && s->cmd_next == s->n_cmds &&
	    !c->fu.in.valid && s->ftiles_written == s->n_ftiles &&
	    s->fetch_tile == s->n_ftiles && !s->win_open &&
	    s->win_next == s->n_wins && !s->probe_len) {
		smx_cosim_scen_free(s);
		c->scen = NULL;
		c->scen_done++;
		c->scen_gap = lockstep_gap(&c->ls.rng, 100);
	}
	if (!c->scen && c->scen_made < c->fused_n) {
		if (c->scen_gap)
			c->scen_gap--;
		else if (scen_new(c))
			return -1;
	}
	fused_drain(c, p);
	return fused_fetch(c, p);
}

