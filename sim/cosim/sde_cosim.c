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
#include "sde_harness.h"

static const char *const inject_names[INJ_N] = {
	"active", "cmd_ready", "rd_done", "wb_done", "op_rd", "out_data"
};

/* ---- bit fields of the wide operand and output ports ---- */

/* v's low bits bits as a signed number. */
static int32_t sext(uint32_t v, uint32_t bits)
{
	return (int32_t)(v << (32 - bits)) >> (32 - bits);
}

/* ---- reporting ---- */

/* A mismatch on port at this cycle: the run fails (lockstep.h). */
static int mismatch(struct sde_cosim *c, const char *port, uint64_t expected,
		    uint64_t actual)
{
	return lockstep_mismatch(&c->ls, port, expected, actual);
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
static int feed(struct sde_cosim *c, struct sde_pins *p)
{
	struct tile *t;
	uint64_t b, kk, g, kend, gend;
	uint32_t r, q, col, j, gi, i, s, span;

	lockstep_garbage(&c->ls.rng, p->op_a, SDE_A_BITS);
	lockstep_garbage(&c->ls.rng, p->op_w, SDE_W_BITS);
	lockstep_garbage(&c->ls.rng, p->op_idx, SDE_I_BITS);
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
	return 0;
}

/* ---- vector files (--write-vectors, format in sde_cosim.h) ---- */

/* A held line's own columns: op_rd, out_valid, out_row, out_data. */
static void vec_put(FILE *f, const void *line)
{
	const struct vec_line *l = line;

	lockstep_put_num(f, l->op_rd, 1, ' ');
	lockstep_put_num(f, l->out_valid, 1, ' ');
	lockstep_put_num(f, l->out_row, SDE_ROWS > 1 ? nm_clog2(SDE_ROWS) : 1, ' ');
	lockstep_put_hex(f, l->out_data, SDE_O_BITS);
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
				 VEC_LAG, vec_put, "sde", params,
				 "cycle rst_l acc_db cmd_valid cmd_flags cmd_op "
				 "cmd_rows cmd_cols cmd_kcycles cmd_drain_cpr "
				 "cmd_dense cmd_nm_n cmd_nm_m cmd_shift op_a op_w "
				 "op_idx", "op_rd out_valid out_row out_data");
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

/*
 * Record the expected outputs of this cycle, before any comparison: the
 * model's registered outputs (want), and on a wb_done the rows of the tile
 * it wrote back, into the held lines of the cycles they were due on.
 * Returns -1 after a message when a row falls outside the held lines.
 */
static int vec_expect(struct sde_cosim *c, const struct ctl_ports *want)
{
	struct vec_line *l = lockstep_vec_push(&c->vec, &c->ls, want);
	const struct tile *t;
	uint32_t r, col, cpr;

	if (!l)
		return 0;
	l->op_rd = (uint8_t)c->exp_op_rd;
	if (!c->e.out.wb_done.valid || c->wb_tile >= c->n_tiles)
		return 0;
	t = c->tiles[c->wb_tile];
	cpr = t->cpr > 1 ? t->cpr : 1;
	for (r = 0; r < t->rows; r++) {
		uint64_t back = (uint64_t)(t->rows - r) * cpr - 1;

		l = back > c->ls.cycle ? NULL :
		    lockstep_vec_at(&c->vec, &c->ls, c->ls.cycle - back);
		if (!l)
			return -1;
		if (l->out_valid) {
			lockstep_say(0, PROG, "internal: two rows due on cycle "
				     "%" PRIu64, l->l.cycle);
			return -1;
		}
		l->out_valid = 1;
		l->out_row = r;
		for (col = 0; col < t->cols && c->functional; col++)
			lockstep_put_bits(l->out_data, col * SDE_ACT_BITS, SDE_ACT_BITS,
				 (uint16_t)t->out[r * t->cols + col]);
	}
	return 0;
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

	if (c->ls.inject && c->ls.inject_port == INJ_OUT_DATA && !c->functional)
		return "--inject-port out_data needs functional mode (no --timing)";
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
	c->acc_db_next = lockstep_range(&c->ls.rng, 1, 2000);
	sp.n_max = SDE_N_MAX;
	sp.acc_double_buffer = c->acc_db;
	sde_init(&c->e, &sp, &c->in, &c->want_op);
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

void sde_cosim_drive(struct sde_cosim *c, struct sde_pins *p)
{
	uint64_t streamed = c->e.stream_cycles;
	int accept;

	if (c->acc_db_mode == 2 && c->ls.cycle >= c->acc_db_next) {
		c->acc_db ^= 1;
		c->acc_db_next = c->ls.cycle + lockstep_range(&c->ls.rng, 1, 2000);
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
	sde_step(&c->e, c->ls.cycle);
	sde_commit(&c->e);
	c->exp_op_rd = c->e.stream_cycles != streamed;
	if (accept) {
		c->in.valid = 0;
		c->accepted++;
		c->gap = lockstep_gap(&c->ls.rng, GAP_MAX);
	}
	c->ls.cycle++;
}

/* Flip one bit of the armed port if it is compared in this cycle. */
static void inject(struct sde_cosim *c, struct sde_pins *p)
{
	if (!lockstep_inject_due(&c->ls) || lockstep_inject_ctl(&c->ls, &p->ctl))
		return;
	if (c->ls.inject_port == INJ_OP_RD) {
		p->op_rd ^= 1;
	} else {
		if (!p->out_valid)
			return;
		p->out_data[0] ^= 1;
	}
	lockstep_injected(&c->ls);
}

/* One write-back row from the RTL: belongs to the oldest tile not done.
 * Its values must be the model's (beat.h) and, with --npy, out.npy's. */
static int take_row(struct sde_cosim *c, const struct sde_pins *p)
{
	struct tile *t;
	struct beat_diff d;
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
	if (c->functional && beat_sde_row(t->want[r], SDE_COLS, p->out_data,
					  SDE_COLS, SDE_ACT_BITS, &d)) {
		snprintf(port, sizeof port, "out_data row %u col %u", r, d.at);
		return mismatch(c, port, (uint16_t)d.want, (uint16_t)d.got);
	}
	for (col = 0; c->g && col < t->cols; col++) {
		int32_t got = sext(lockstep_get_bits(p->out_data,
					col * SDE_ACT_BITS, SDE_ACT_BITS), SDE_ACT_BITS);
		int32_t want = sde_cosim_npy_at(&c->g->out, t->head, t->r0 + r,
						t->c0 + col);

		if (got != want) {
			snprintf(port, sizeof port, "out_data row %u col %u against "
				 "out.npy[%u][%u][%u]", r, col, t->head, t->r0 + r,
				 t->c0 + col);
			return mismatch(c, port, (uint16_t)want, (uint16_t)got);
		}
	}
	c->npy_rows += c->g != NULL;
	t->row_cycle[t->rows_seen++] = c->ls.cycle;
	return 0;
}

/* --npy: the model's accumulators of a written-back tile against acc.npy. */
static int tile_acc(struct sde_cosim *c, const struct tile *t)
{
	uint32_t r, col;
	char port[96];

	for (r = 0; c->g && r < t->rows; r++) {
		for (col = 0; col < t->cols; col++) {
			int32_t want = sde_cosim_npy_at(&c->g->acc, t->head, t->r0 + r,
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
static int tile_written(struct sde_cosim *c)
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
		uint64_t due = c->ls.cycle + 1 - (uint64_t)(t->rows - r) * cpr;

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
	sde_cosim_tile_free(t);
	c->tiles[c->wb_tile++] = NULL;
	return 0;
}

int sde_cosim_check(struct sde_cosim *c, struct sde_pins *p)
{
	const struct sde_out *o = &c->e.out;
	const struct ctl_ports want = ctl_of(o->cmd_ready, o->active,
					     &o->rd_done, &o->wb_done);

	if (vec_expect(c, &want)) {
		lockstep_fail(&c->ls);
		return 1;
	}
	inject(c, p);
	if (lockstep_ctl(&c->ls, &want, &p->ctl))
		return 1;
	if (p->op_rd != c->exp_op_rd)
		return mismatch(c, "op_rd", (uint64_t)c->exp_op_rd, p->op_rd);
	if (p->out_valid && take_row(c, p))
		return 1;
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
