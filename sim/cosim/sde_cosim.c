/*
 * sde_cosim.c - the C side of the engine co-simulation (see sde_cosim.h).
 *
 * Stimulus: a seeded random stream of array tiles, each a run of k-step
 * commands FIRST .. LAST (random rows, cols, steps, kcycles 1..40,
 * drain_cpr 0..4, pattern, shift), presented with random gaps on cmd_valid
 * and held until accepted (valid/ready); now and then a burst of tiny tiles
 * (1 row, 1 step of 1 slice) back to back, which fills the engine's flight
 * queue. In functional mode each tile has its own random GEMM operands. The
 * operand feeder is a memory answering the RTL's reads: op_rd reads slice
 * op_slice of the k-step being streamed, which is known from the command
 * order (steps stream in the order accepted); the feeder also counts the
 * slices itself and requires op_slice to agree. The strap acc_db toggles at
 * random moments, on both sides in the same cycle, unless fixed with
 * --acc-db; it is configuration, not data, so a toggle waits until no
 * slice streams and no tile is in flight (a tile's write-back reads the
 * shadows or the accumulators by the strap: a toggle under it would change
 * where its rows come from, which neither sde.h nor rtl/sde.v define).
 *
 * The model runs in observe mode (sde_observe): it emits the read and
 * write-back ports cycle by cycle, computing each row in its write-back
 * slot, so nothing expected is derived here. Checked after every clock,
 * against the model's registered outputs: cmd_ready, active, rd_done and
 * wb_done (valid, and flags + op when valid), op_rd (rd) and op_slice
 * (rd_slice, when rd), out_valid (wb) and out_row (wb_row, when wb), and in
 * functional mode out_data (wb_data, requantized, sign-extended over the
 * tile's cols, zeros beyond) and dbg_acc (wb_acc, int32, zeros beyond).
 * Cheap structural checks of the model besides: each tile's rows arrive
 * in order, from the tile's own arrays, all before its wb_done, which names
 * the oldest tile not yet written back.
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
 * above. Besides the model, every row written back (the model's, equal to
 * the RTL's by then) is checked against PREFIX.out.npy and its
 * accumulators against PREFIX.acc.npy: tensors stasim already checked
 * against its reference.
 *
 * Invariant: the model and the RTL see identical inputs in every cycle; the
 * harness decides acceptance from the model's registered cmd_ready, which
 * the previous check proved equal to the RTL's.
 */
#include "sde_harness.h"

static const char *const inject_names[INJ_N] = {
	"active", "cmd_ready", "rd_done", "wb_done", "op_rd", "op_slice",
	"out_valid", "out_row", "out_data", "dbg_acc"
};

/* ---- reporting ---- */

/* A mismatch on port at this cycle: the run fails (lockstep.h). */
static int mismatch(struct sde_cosim *c, const char *port, uint64_t expected,
		    uint64_t actual)
{
	return lockstep_mismatch(&c->ls, port, expected, actual);
}

/* ---- stimulus: operand beats ---- */

/* Slice b of step s of tile t onto the operand pins (beat format in
 * rtl/sde.v): the b-th slice of the step's reduction elements k0 .. k0 +
 * klen - 1. */
static void put_beat(struct sde_pins *p, const struct tile *t, uint32_t s,
		     uint64_t b)
{
	uint64_t kk, g, kend, gend;
	uint32_t r, q, col, j, gi, i, span;

	span = t->dense ? SDE_N_MAX : t->gpc * t->d.nm_m;
	kend = (uint64_t)t->k0[s] + t->klen[s];
	gend = (kend + t->d.nm_m - 1) / t->d.nm_m;
	for (r = 0; r < t->rows; r++) {
		for (q = 0; q < span; q++) {
			kk = t->k0[s] + b * span + q;
			if (kk < kend)
				lockstep_put_bits(p->op_a, (r * SDE_WIN + q) * SDE_ACT_BITS,
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
				lockstep_put_bits(p->op_w, wbit, SDE_WEIGHT_BITS, (uint16_t)w);
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
				lockstep_put_bits(p->op_idx, ibit, SDE_IDX_BITS, x);
			}
			lockstep_put_bits(p->op_w, wbit, SDE_WEIGHT_BITS, (uint16_t)w);
		}
	}
}

/*
 * Answer the RTL's read (op_rd, op_slice) with slice op_slice of the k-step
 * being streamed: the feeder's step feed_step of tile feed_tile, steps in
 * the order the engine accepted them. op_slice must equal the feeder's own
 * count of that step's slices. Returns 0, or 1 after a mismatch.
 */
static int feed(struct sde_cosim *c, struct sde_pins *p)
{
	const struct tile *t;
	uint32_t s = c->feed_step;

	lockstep_garbage(&c->ls.rng, p->op_a, SDE_A_BITS);
	lockstep_garbage(&c->ls.rng, p->op_w, SDE_W_BITS);
	lockstep_garbage(&c->ls.rng, p->op_idx, SDE_I_BITS);
	if (c->feed_tile >= c->n_tiles)
		return mismatch(c, "op_rd (no k-step left to read)", 0, 1);
	t = c->tiles[c->feed_tile];
	if (p->op_slice != c->feed_slice)
		return mismatch(c, "op_slice (the feeder's count of the k-step's "
				"slices)", c->feed_slice, p->op_slice);
	if (c->functional)
		put_beat(p, t, s, p->op_slice);
	c->beats_fed++;
	if (++c->feed_slice < t->kc[s])
		return 0;
	c->feed_slice = 0;
	if (++c->feed_step == t->steps) {
		c->feed_step = 0;
		c->feed_tile++;
	}
	return 0;
}

/* ---- vector files (--write-vectors, format in sde_cosim.h) ---- */

/* A line's own columns: op_rd, op_slice, out_valid, out_row, out_data,
 * dbg_acc. */
static void vec_put(FILE *f, const void *line)
{
	const struct vec_line *l = line;

	lockstep_put_num(f, l->op_rd, 1, ' ');
	lockstep_put_num(f, l->op_slice, SDE_KC_BITS, ' ');
	lockstep_put_num(f, l->out_valid, 1, ' ');
	lockstep_put_num(f, l->out_row, SDE_ROWS > 1 ? nm_clog2(SDE_ROWS) : 1, ' ');
	lockstep_put_hex(f, l->out_data, SDE_O_BITS);
	fputc(' ', f);
	lockstep_put_hex(f, l->dbg_acc, SDE_D_BITS);
}

/* Both files, their headers naming the array and the run. */
static int vec_open(struct sde_cosim *c)
{
	char params[512];

	snprintf(params, sizeof params, "ROWS=%d COLS=%d N_MAX=%d M_MAX=%d "
		 "ACT_BITS=%d WEIGHT_BITS=%d KC_BITS=%d CPR_BITS=%d SHIFT_BITS=%d "
		 "reset=%d functional=%d seed=%" PRIu64 " cmds=%" PRIu64
		 " acc_db=%s", SDE_ROWS, SDE_COLS, SDE_N_MAX, SDE_M_MAX,
		 SDE_ACT_BITS, SDE_WEIGHT_BITS, SDE_KC_BITS, SDE_CPR_BITS,
		 SDE_SHIFT_BITS, SDE_COSIM_RESET_CYCLES, c->functional,
		 c->ls.seed, c->n_cmds, c->acc_db_mode == 2 ? "toggle" :
		 c->acc_db_mode ? "1" : "0");
	return lockstep_vec_open(&c->ls, &c->vec, sizeof(struct vec_line),
				 1, vec_put, "sde", params,
				 "cycle rst_l acc_db cmd_valid cmd_flags cmd_op "
				 "cmd_rows cmd_cols cmd_kcycles cmd_drain_cpr "
				 "cmd_dense cmd_nm_n cmd_nm_m cmd_shift op_a op_w "
				 "op_idx", "op_rd op_slice out_valid out_row out_data "
				 "dbg_acc");
}

/* One line of stim.txt: the inputs *p holds for the clock of cycle. */
static void vec_stim(struct sde_cosim *c, const struct sde_pins *p, int64_t cycle)
{
	FILE *f = lockstep_vec_stim(&c->vec, cycle);

	if (!f)
		return;
	lockstep_put_num(f, p->rst_l, 1, ' ');
	lockstep_put_num(f, p->acc_db, 1, ' ');
	lockstep_put_cmd(f, &p->cmd, nm_clog2(SDE_ROWS + 1),
			 nm_clog2(SDE_COLS + 1), SDE_KC_BITS);
	lockstep_put_num(f, p->cmd_drain_cpr, SDE_CPR_BITS, ' ');
	lockstep_put_num(f, p->cmd_dense, 1, ' ');
	lockstep_put_num(f, p->cmd_nm_n, nm_clog2(SDE_N_MAX + 1), ' ');
	lockstep_put_num(f, p->cmd_nm_m, nm_clog2(SDE_M_MAX + 1), ' ');
	lockstep_put_num(f, p->cmd_shift, SDE_SHIFT_BITS, ' ');
	lockstep_put_hex(f, p->op_a, SDE_A_BITS);
	fputc(' ', f);
	lockstep_put_hex(f, p->op_w, SDE_W_BITS);
	fputc(' ', f);
	lockstep_put_hex(f, p->op_idx, SDE_I_BITS);
	fputc('\n', f);
}

/* The expect line of this cycle: the model's registered outputs, want
 * its controller ports, before any comparison; data columns of the tile
 * t written back (NULL: none). */
static void vec_expect(struct sde_cosim *c, const struct ctl_ports *want,
		       const struct tile *t)
{
	struct vec_line *l = lockstep_vec_push(&c->vec, &c->ls, want);
	const struct sde_out *o = &c->e.out;
	uint32_t col;

	if (!l)
		return;
	l->op_rd = o->rd;
	l->op_slice = o->rd ? o->rd_slice : 0;
	l->out_valid = o->wb;
	l->out_row = o->wb ? o->wb_row : 0;
	for (col = 0; o->wb && t && o->wb_data && col < t->cols; col++) {
		lockstep_put_bits(l->out_data, col * SDE_ACT_BITS, SDE_ACT_BITS,
				  (uint16_t)o->wb_data[col]);
		l->dbg_acc[col] = (uint32_t)o->wb_acc[col];
	}
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
		"  --timing          no operands: compare the control, read and write-back ports but not the data\n"
		"  --acc-db V        shadow accumulators on (1), off (0), or toggled at random (toggle, default)\n"
		"  --npy PREFIX      the tiles of a GEMM from 'stasim run --dump' (PREFIX.a/.w/.acc/.out.npy)\n"
		"  --head H          --npy of a multi-head matmul: head H only (default all)\n"
		"  --crop RxC+R0+C0  --npy: only the R x C outputs from row R0, column C0 (default +0+0)\n"
		"  --write-vectors DIR  also write DIR/stim.txt and DIR/expect.txt for tests/icarus\n");
	lockstep_usage_common(f, inject_names, INJ_N);
}

/* --crop RxC or RxC+R0+C0 into c->crop; R, C >= 1. */
static int parse_crop(struct sde_cosim *c, const char *s)
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
		if (lockstep_parse_u64(f[i], TRACE_DIM_MAX + 1ull, &v[i]))
			return -1;
	if (!v[0] || !v[1])
		return -1;
	for (i = 0; i < 4; i++)
		c->crop[i] = (uint32_t)v[i];
	return 0;
}

/* A numeric option a with its value v (NULL when missing); LOCKSTEP_OPT_BAD
 * or LOCKSTEP_OPT_UNKNOWN as option() says. */
static enum lockstep_opt option_number(struct sde_cosim *c, const char *a, const char *v)
{
	uint64_t u = 0;
	int bad;

	if (!strcmp(a, "--cmds")) {
		bad = lockstep_parse_u64(v, UINT64_MAX, &c->n_cmds) || !c->n_cmds;
	} else if (!strcmp(a, "--head")) {
		bad = lockstep_parse_u64(v, TRACE_HEADS_MAX, &u);
		c->head = (int64_t)u;
	} else {
		return LOCKSTEP_OPT_UNKNOWN;
	}
	return bad ? LOCKSTEP_OPT_BAD : LOCKSTEP_OPT_OK;
}

/* Apply option a with its value v (NULL when a is last) to self, a struct
 * cosim; lockstep_option_fn says what it returns. */
static enum lockstep_opt option(void *self, const char *a, const char *v)
{
	static const char *const acc_db[] = { "0", "1", "toggle" };
	struct sde_cosim *c = self;
	enum lockstep_opt rc = lockstep_option(&c->ls, a, v);
	int bad = !v;

	if (rc != LOCKSTEP_OPT_UNKNOWN)
		return rc;
	if (!strcmp(a, "--timing")) {
		c->functional = 0;
		return LOCKSTEP_OPT_FLAG;
	} else if (!strcmp(a, "--npy")) {
		c->npy = v;
	} else if (!strcmp(a, "--crop")) {
		bad = bad || parse_crop(c, v);
	} else if (!strcmp(a, "--acc-db")) {
		bad = lockstep_parse_name(v, acc_db, 3, &c->acc_db_mode);
	} else {
		return option_number(c, a, v);
	}
	return bad ? LOCKSTEP_OPT_BAD : LOCKSTEP_OPT_OK;
}

/* Options that exclude or need another: one message naming them, or
 * NULL. */
static const char *conflict(const void *self)
{
	const struct sde_cosim *c = self;

	if (c->ls.inject && (c->ls.inject_port == INJ_OUT_DATA ||
			     c->ls.inject_port == INJ_DBG_ACC) && !c->functional)
		return "--inject-port out_data and dbg_acc need functional mode "
		       "(no --timing)";
	if (c->npy && !c->functional)
		return "--npy and --timing exclude each other";
	if (!c->npy && (c->head >= 0 || c->crop[0]))
		return "--head and --crop need --npy";
	return lockstep_conflict(&c->ls);
}

static const struct lockstep_cli cli = {
	PROG, inject_names, INJ_N, option, usage, conflict
};

/* ---- the public interface ---- */

/* Cycles a run may take before it counts as hung: per command, the longest
 * stream, drain and gap of the stimulus, and more. */
static uint64_t max_cycles(const struct sde_cosim *c)
{
	uint64_t slack = 2 * (SDE_ROWS + SDE_COLS + 8) * CPR_MAX + 200;

	if (c->ls.max_cycles)
		return c->ls.max_cycles;
	if (c->g)
		return c->g->kcycles + (c->g->tiles * STEPS_MAX + 1) * slack;
	return c->n_cmds * (KC_MAX + slack);
}

struct sde_cosim *sde_cosim_new(int argc, char **argv, int replay, int *status)
{
	struct sde_cosim *c = calloc(1, sizeof *c);
	struct sde_params sp = { 0 };

	*status = 2;
	if (!c)
		goto fail;
	lockstep_init(&c->ls, PROG, inject_names, INJ_N, replay);
	c->ls.vectors = 1;
	c->functional = 1;
	c->acc_db_mode = 2;
	c->head = -1;
	if (lockstep_options(&cli, c, argc, argv, replay, status) ||
	    (c->npy && sde_cosim_npy_open(c)))
		goto fail;
	c->n_cmds = c->n_cmds ? c->n_cmds : c->npy ? UINT64_MAX : 2000;
	c->max_cycles = max_cycles(c);
	lockstep_start(&c->ls);
	c->acc_db = c->acc_db_mode == 2 ? (int)(lockstep_rnd(&c->ls.rng) & 1) : c->acc_db_mode;
	c->acc_db_next = lockstep_range(&c->ls.rng, 1, ACC_DB_MAX);
	sp.n_max = SDE_N_MAX;
	sp.cols = SDE_COLS;
	sp.acc_double_buffer = c->acc_db;
	sde_init(&c->e, &sp, &c->in, &c->want_op);
	sde_observe(&c->e);
	if (vec_open(c))
		goto fail;
	return c;
fail:
	if (!c) {
		lockstep_say(0, PROG, "out of memory");
		return NULL;
	}
	lockstep_vec_close(&c->ls, &c->vec);
	sde_cosim_gemm_free(c->g);
	free(c);
	return NULL;
}

const struct lockstep *sde_cosim_core(const struct sde_cosim *c)
{
	return &c->ls;
}

void sde_cosim_reset_pins(struct sde_cosim *c, struct sde_pins *p)
{
	int i;

	memset(p, 0, sizeof *p);
	memset(&c->cmd, 0, sizeof c->cmd);
	p->rst_l = 0;
	p->acc_db = (uint8_t)c->acc_db;
	for (i = SDE_COSIM_RESET_CYCLES; i > 0; i--)
		vec_stim(c, p, -(int64_t)i);
}

/* Coverage, before the model steps: why the command at the FIFO's head
 * does not start although the array is free (sde.h's gap rules), as the
 * step will decide it. */
static void cover_hold(struct sde_cosim *c)
{
	const struct sde *e = &c->e;
	const struct unit_cmd *h = &e->fifo[e->f_head];
	const struct sde_tile *o = &e->flight[e->fl_head];
	uint32_t fl = e->fl_len;

	if (e->stream_left || !e->f_len)
		return;
	if ((h->flags & UNIT_FIRST) && !e->acc_db && e->now < e->fgap_at) {
		c->cov_fgap++;
		return;
	}
	if (!(h->flags & UNIT_LAST))
		return;
	if (fl && e->now >= o->wb_at + sde_wb_cycles(o->cmd.rows,
						      o->cmd.drain_cpr) - 1)
		fl--;	/* the step's write-back retires the oldest first */
	if (e->now + h->kcycles - 1 < e->lgap_at)
		c->cov_lgap++;
	else if (fl == SDE_FLIGHT)
		c->cov_fl_full++;
}

/* Coverage, after the model stepped: tiles in flight, overlap. */
static void cover_step(struct sde_cosim *c)
{
	if (c->e.fl_len > c->cov_flight)
		c->cov_flight = c->e.fl_len;
	c->cov_overlap += c->e.out.rd && c->e.out.wb;
}

void sde_cosim_drive(struct sde_cosim *c, struct sde_pins *p)
{
	int accept;

	if (c->acc_db_mode == 2 && c->ls.cycle >= c->acc_db_next &&
	    !c->e.stream_left && !c->e.fl_len) {
		c->acc_db ^= 1;
		c->acc_db_next = c->ls.cycle + lockstep_range(&c->ls.rng, 1, ACC_DB_MAX);
		c->cov_toggles++;
	}
	c->e.acc_db = c->acc_db;
	if (!c->in.valid) {
		if (c->gap)
			c->gap--;
		else if (sde_cosim_more_cmds(c) && sde_cosim_next_cmd(c)) {
			say(c, "cannot build tile %zu (out of memory)", c->n_tiles);
			lockstep_fail(&c->ls);
			return;
		}
	}
	sde_cosim_drive_cmd(c, p);
	p->rst_l = 1;
	p->acc_db = (uint8_t)c->acc_db;
	if (p->op_rd) {
		if (feed(c, p))
			return;
	} else {
		lockstep_garbage(&c->ls.rng, p->op_a, SDE_A_BITS);
		lockstep_garbage(&c->ls.rng, p->op_w, SDE_W_BITS);
		lockstep_garbage(&c->ls.rng, p->op_idx, SDE_I_BITS);
	}

	vec_stim(c, p, (int64_t)c->ls.cycle);
	accept = c->in.valid && c->e.out.cmd_ready;
	c->cov_full += c->in.valid && !c->e.out.cmd_ready;
	cover_hold(c);
	sde_step(&c->e, c->ls.cycle);
	sde_commit(&c->e);
	sde_check(&c->e, c->ls.cycle);	/* the model's own invariants */
	cover_step(c);
	if (accept) {
		c->in.valid = 0;
		c->accepted++;
		/* a burst of tiny tiles comes back to back */
		c->gap = c->burst ? 0 : lockstep_gap(&c->ls.rng, GAP_MAX);
	}
	c->ls.cycle++;
}

/* Flip one bit of the engine's own port `port` if the RTL's valid bits
 * say it is compared in this cycle: 1 if flipped. */
static int flip(struct sde_pins *p, int port)
{
	switch (port) {
	case INJ_OP_RD:
		p->op_rd ^= 1;
		return 1;
	case INJ_OP_SLICE:
		p->op_slice ^= p->op_rd;
		return p->op_rd;
	case INJ_OUT_VALID:
		p->out_valid ^= 1;
		return 1;
	case INJ_OUT_ROW:
		p->out_row ^= p->out_valid;
		return p->out_valid;
	case INJ_OUT_DATA:
		p->out_data[0] ^= p->out_valid;
		return p->out_valid;
	case INJ_DBG_ACC:
		p->dbg_acc[0] ^= p->out_valid;
		return p->out_valid;
	default:
		return 0;
	}
}

/* Flip one bit of the armed port if it is compared in this cycle. */
static void inject(struct sde_cosim *c, struct sde_pins *p)
{
	if (!lockstep_inject_due(&c->ls) || lockstep_inject_ctl(&c->ls, &p->ctl))
		return;
	if (flip(p, c->ls.inject_port))
		lockstep_injected(&c->ls);
}

/*
 * The tile of the model's write-back row this cycle, after its structural
 * checks: the oldest tile not written back, the row next in order, its
 * values in that tile's own arrays (the model computes a row in its slot).
 * NULL after a mismatch.
 */
static struct tile *row_tile(struct sde_cosim *c)
{
	const struct sde_out *o = &c->e.out;
	struct tile *t;
	uint64_t at;

	if (c->wb_tile >= c->n_tiles) {
		mismatch(c, "model out_valid (no tile in flight)", 0, 1);
		return NULL;
	}
	t = c->tiles[c->wb_tile];
	if (o->wb_row != t->rows_seen || t->rows_seen >= t->rows) {
		mismatch(c, "model out_row (the tile's rows in order)",
			 t->rows_seen, o->wb_row);
		return NULL;
	}
	at = (uint64_t)o->wb_row * t->cols;
	if (c->functional && (o->wb_data != t->out + at ||
			      o->wb_acc != t->acc + at)) {
		mismatch(c, "model out_data (not the oldest tile's row)",
			 (uint64_t)(uintptr_t)(t->out + at),
			 (uint64_t)(uintptr_t)o->wb_data);
		return NULL;
	}
	return t;
}

/* The read ports: op_rd on every cycle, op_slice with it. */
static int check_read(struct sde_cosim *c, const struct sde_pins *p)
{
	const struct sde_out *o = &c->e.out;

	if (p->op_rd != o->rd)
		return mismatch(c, "op_rd", o->rd, p->op_rd);
	if (o->rd && p->op_slice != o->rd_slice)
		return mismatch(c, "op_slice", o->rd_slice, p->op_slice);
	return 0;
}

/* The write-back ports: out_valid on every cycle; with it out_row and, in
 * functional mode, out_data and dbg_acc over the cols of the model's tile
 * t (NULL: no row this cycle). */
static int check_row(struct sde_cosim *c, const struct sde_pins *p,
		     const struct tile *t)
{
	const struct sde_out *o = &c->e.out;
	struct beat_diff d;
	char port[96];

	if (p->out_valid != o->wb)
		return mismatch(c, "out_valid", o->wb, p->out_valid);
	if (!o->wb)
		return 0;
	if (p->out_row != o->wb_row)
		return mismatch(c, "out_row", o->wb_row, p->out_row);
	if (!c->functional)
		return 0;
	if (beat_sde_row(o->wb_data, t->cols, p->out_data, SDE_COLS,
			 SDE_ACT_BITS, &d)) {
		snprintf(port, sizeof port, "out_data row %u col %u", o->wb_row, d.at);
		return mismatch(c, port, (uint16_t)d.want, (uint16_t)d.got);
	}
	if (beat_sde_acc(o->wb_acc, t->cols, p->dbg_acc, SDE_COLS, &d)) {
		snprintf(port, sizeof port, "dbg_acc row %u col %u", o->wb_row, d.at);
		return mismatch(c, port, (uint32_t)d.want, (uint32_t)d.got);
	}
	return 0;
}

/* --npy: the row just written back (the model's, equal to the RTL's)
 * against out.npy, then its accumulators against acc.npy. */
static int npy_row(struct sde_cosim *c, const struct tile *t)
{
	const struct sde_out *o = &c->e.out;
	uint32_t col, r = t->r0 + o->wb_row;
	char port[128];

	for (col = 0; col < t->cols; col++) {
		int32_t want = sde_cosim_npy_at(&c->g->out, t->head, r, t->c0 + col);

		if (o->wb_data[col] == want)
			continue;
		snprintf(port, sizeof port, "out_data row %u col %u against "
			 "out.npy[%u][%u][%u]", o->wb_row, col, t->head, r,
			 t->c0 + col);
		return mismatch(c, port, (uint16_t)want, (uint16_t)o->wb_data[col]);
	}
	for (col = 0; col < t->cols; col++) {
		int32_t want = sde_cosim_npy_at(&c->g->acc, t->head, r, t->c0 + col);

		if (o->wb_acc[col] == want)
			continue;
		snprintf(port, sizeof port, "dbg_acc row %u col %u against "
			 "acc.npy[%u][%u][%u]", o->wb_row, col, t->head, r,
			 t->c0 + col);
		return mismatch(c, port, (uint32_t)want, (uint32_t)o->wb_acc[col]);
	}
	c->npy_rows++;
	return 0;
}

/* The model wrote the oldest tile back: it is the tile expected, all its
 * rows came before; free it. */
static int tile_written(struct sde_cosim *c)
{
	struct tile *t;

	if (c->wb_tile >= c->n_tiles)
		return mismatch(c, "model wb_done (no tile in flight)", 0, 1);
	t = c->tiles[c->wb_tile];
	if (c->functional && c->e.out.wb_done.data != &t->d)
		return mismatch(c, "model wb_done (another tile than the oldest)",
				(uint64_t)(uintptr_t)&t->d,
				(uint64_t)(uintptr_t)c->e.out.wb_done.data);
	if (t->rows_seen != t->rows)
		return mismatch(c, "model wb_done (rows written back before it)",
				t->rows, t->rows_seen);
	sde_cosim_tile_free(t);
	c->tiles[c->wb_tile++] = NULL;
	return 0;
}

int sde_cosim_check(struct sde_cosim *c, struct sde_pins *p)
{
	const struct sde_out *o = &c->e.out;
	const struct ctl_ports want = ctl_of(o->cmd_ready, o->active,
					     &o->rd_done, &o->wb_done);
	struct tile *t = NULL;

	if (o->wb && !(t = row_tile(c)))
		return 1;
	vec_expect(c, &want, t);
	inject(c, p);
	if (lockstep_ctl(&c->ls, &want, &p->ctl) || check_read(c, p) ||
	    check_row(c, p, t))
		return 1;
	if (t) {
		if (c->g && npy_row(c, t))
			return 1;
		t->rows_seen++;
		c->rows_checked++;
	}
	if (o->wb_done.valid && tile_written(c))
		return 1;
	if (lockstep_hung(&c->ls, c->max_cycles))
		return 1;
	lockstep_drained(&c->ls, !sde_cosim_more_cmds(c) && !c->in.valid &&
			 c->wb_tile == c->n_tiles && !o->active && !c->e.f_len);
	return 0;
}

/* The --npy part of the summary: the op and its region, after
 * details[0 .. at - 1]. */
static void summary_npy(const struct sde_cosim *c, char *details, size_t len,
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
static void summary(const struct sde_cosim *c, int status)
{
	char details[LOCKSTEP_MSG_MAX];
	int n;

	n = snprintf(details, sizeof details, "tiles=%zu sparse_tiles=%" PRIu64
		     " beats=%" PRIu64 " rows=%" PRIu64 " wrapped=%" PRIu64
		     " saturated=%" PRIu64 " fifo_full=%" PRIu64 " acc_db_toggles=%"
		     PRIu64 " bursts=%" PRIu64 " max_flight=%u last_gap_holds=%" PRIu64
		     " first_gap_holds=%" PRIu64 " flight_full_holds=%" PRIu64
		     " rd_wb_overlap=%" PRIu64 " mode=%s"
		     " acc_db=%s array=%dx%d n_max=%d m_max=%d act=%d w=%d",
		     c->wb_tile, c->cov_sparse, c->beats_fed, c->rows_checked,
		     c->cov_wrap, c->cov_sat, c->cov_full, c->cov_toggles,
		     c->cov_bursts, c->cov_flight, c->cov_lgap, c->cov_fgap,
		     c->cov_fl_full, c->cov_overlap,
		     c->functional ? "functional" : "timing",
		     c->acc_db_mode == 2 ? "toggle" : c->acc_db_mode ? "1" : "0",
		     SDE_ROWS, SDE_COLS, SDE_N_MAX, SDE_M_MAX, SDE_ACT_BITS,
		     SDE_WEIGHT_BITS);
	if (c->g && n > 0)
		summary_npy(c, details, sizeof details, (size_t)n);
	lockstep_report(&c->ls, status, c->accepted, "command", details);
}

int sde_cosim_finish(struct sde_cosim *c)
{
	int status = lockstep_status(&c->ls,
				     lockstep_vec_close(&c->ls, &c->vec));
	size_t i;

	summary(c, status);
	for (i = 0; i < c->n_tiles; i++)
		sde_cosim_tile_free(c->tiles[i]);
	free(c->tiles);
	sde_cosim_gemm_free(c->g);
	free(c);
	return status;
}
