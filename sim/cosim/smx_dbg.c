/*
 * smx_dbg.c - what rtl/smx_online.v's debug ports (dbg_b, dbg_s, dbg_r on
 * rtl/smx.v) must show after every clock, from the model's side alone:
 * the tile models/fu.c is working on and its busy step, rtl/smx.v's
 * schedule (its header; smx_cosim_beat_step and the vector files use the
 * same) and smx_ref.c's online recurrence and reciprocal. Comparing them
 * every cycle shows a running sum or a reciprocal one LSB off, which the
 * probabilities, rounded to 8 bits, mostly hide.
 *
 * On busy step k of a tile of R rows, c beats a row and per-row latency L
 * (windows of w = max(c, L) cycles but the last row's): the pass-1 beat
 * read on step k - 1 is taken, its scores below n folded in lane order into
 * the running (b, s), the row's first score restarting it (reads: P1(0)
 * on steps 0 .. c - 1; row i + 1 on the first c steps of window W(i), which
 * starts on step c + i (w + c)); on the first step of each window the
 * divider takes (b, s) as they are after that; on every other clock, busy
 * or not, it finds ceil(25 / L) more quotient bits, and its quotient after
 * j of them is smx_recip(s) >> (25 - j). The ita data path has no such
 * registers: its ports are 0.
 */
#include "smx_harness.h"

/* quotient bits the divider finds a clock (rtl/smx_online.v DIV_STEPS) */
#define DIV_STEPS ((SMX_DBG_R_BITS + SMX_RECIP_LATENCY - 1) / SMX_RECIP_LATENCY)

/* The cycles from one window's start to the next's: w + c. */
static uint64_t period(const struct smx_cosim *c, const struct tile *t)
{
	return (t->c > c->lat ? t->c : c->lat) + t->c;
}

/* The pass-1 beat busy step q of t reads: 1 with its row and beat, or 0. */
static int p1_read(const struct smx_cosim *c, const struct tile *t,
		   uint64_t q, uint32_t *row, uint32_t *beat)
{
	uint64_t i, off;

	if (q < t->c) {
		*row = 0;
		*beat = (uint32_t)q;
		return 1;
	}
	i = (q - t->c) / period(c, t);
	off = (q - t->c) % period(c, t);
	if (i + 1 >= t->rows || off >= t->c)
		return 0;
	*row = (uint32_t)i + 1;
	*beat = (uint32_t)off;
	return 1;
}

/* 1 when busy step k of t is a window's first: the divider loads. */
static int window_start(const struct smx_cosim *c, const struct tile *t,
			uint64_t k)
{
	return k >= t->c && (k - t->c) / period(c, t) < t->rows &&
	       (k - t->c) % period(c, t) == 0;
}

/* Beat (row, beat) of t into the running state, lanes in order. */
static void take(struct smx_cosim *c, const struct tile *t, uint32_t row,
		 uint32_t beat)
{
	const int8_t *x = t->x + (size_t)row * t->n;
	uint32_t l, i;

	for (l = 0; l < SMX_LANES && (i = beat * SMX_LANES + l) < t->n; l++) {
		if (i == 0)
			c->dbg.acc = smx_online_first(x[0]);
		else
			smx_online_step(&c->dbg.acc, x[i], &t->job.fmt);
	}
}

/* After the model's clock (smx_cosim_drive): the registers' next values. */
void smx_cosim_dbg_clock(struct smx_cosim *c)
{
	const struct fu *u = &c->fu.u;
	const struct tile *t = u->cur.data;
	uint32_t row, beat;
	uint64_t k;

	if (c->algo != SMX_ONLINE)
		return;
	if (u->out.active && t && !t->fused) {
		k = t->kcycles - 1 - u->left;	/* this clock's busy step */
		if (k > 0 && p1_read(c, t, k - 1, &row, &beat))
			take(c, t, row, beat);
		if (window_start(c, t, k)) {
			c->dbg.r = c->dbg.acc.s ? smx_recip(c->dbg.acc.s) : 0;
			c->dbg.done = 0;
			c->cov_loads++;
			return;
		}
	}
	c->dbg.done = c->dbg.done + DIV_STEPS < SMX_DBG_R_BITS ?
		      c->dbg.done + DIV_STEPS : SMX_DBG_R_BITS;
}

/* The ports' expected values: dbg_b into *b, dbg_s into s[0..1], dbg_r
 * into *r. */
void smx_cosim_dbg_ports(const struct smx_cosim *c, uint32_t *b, uint32_t *s,
			 uint32_t *r)
{
	const struct smx_dbg *d = &c->dbg;

	*b = (uint8_t)d->acc.b;
	s[0] = (uint32_t)d->acc.s;
	s[1] = (uint32_t)(d->acc.s >> 32);
	*r = (uint32_t)(d->r >> (SMX_DBG_R_BITS - d->done));
}

/* The RTL's debug ports against the expected values: 0, or 1 after the
 * mismatch. */
int smx_cosim_dbg_check(struct smx_cosim *c, const struct smx_pins *p)
{
	uint32_t b, s[2], r;
	uint64_t want, got;

	smx_cosim_dbg_ports(c, &b, s, &r);
	if ((p->dbg_b & 0xff) != b)
		return smx_cosim_mismatch(c, "dbg_b (running max)", b, p->dbg_b & 0xff);
	want = s[0] | (uint64_t)s[1] << 32;
	got = p->dbg_s[0] | (uint64_t)lockstep_get_bits(p->dbg_s, 32,
							SMX_DBG_S_BITS - 32) << 32;
	if (got != want)
		return smx_cosim_mismatch(c, "dbg_s (running sum)", want, got);
	if (p->dbg_r != r)
		return smx_cosim_mismatch(c, "dbg_r (reciprocal so far)", r, p->dbg_r);
	return 0;
}
