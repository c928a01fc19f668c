/*
 * smx_cosim.c - the C side of the softmax-unit co-simulation (see
 * smx_cosim.h).
 *
 * Stimulus, random (the default): a seeded stream of softmax tiles (rows
 * 1..--max-rows, row length n 1..--max-n, in_frac 0..31 with 16..31 read
 * as 15, ita_eps32 0 or 1, scores from several distributions: uniform,
 * narrow, ascending ramps that rescale on every score, the two int8 rails,
 * a low block then jumps, wide, constant; online: now and then a row whose
 * last score rescales the sum on an exact half), one command per tile with
 * kcycles =
 * smx_cycles(--algo) for the build's LANES, EXP_LATENCY, RECIP_LATENCY,
 * DIVIDERS and DIV_LATENCY, presented with random gaps on cmd_valid and
 * held until accepted: back-to-back commands meet a full FIFO (cmd_ready
 * low), the unit's back-pressure.
 *
 * Stimulus, real data (--npy PREFIX): the softmax op that `stasim run
 * --dump` wrote (PREFIX.in.npy scores, PREFIX.json scales, PREFIX.out.npy
 * probabilities; sim/func.c dump_vec), cut into the tiles sim/plan.c gives
 * the softmax unit under --config with the build's unit parameters (rows
 * per tile from the SRAM buffer halves, kcycles = smx_cycles): one command
 * per plan step, with the step's flags, and the same random gaps.
 *
 * The score feeder answers every x_rd of the RTL with the scores of the
 * tile the model is working on (random junk in lanes at or beyond n), and
 * the model (models/fu.c) computes the tile with smx_row when it finishes
 * it.
 *
 * Checked after every clock: cmd_ready, active, rd_done and wb_done (valid,
 * and flags + op when valid), the online data path's debug ports (running
 * max and sum, the reciprocal so far: smx_dbg.c), and the probability beats: each tile's beats
 * arrive in order (row, beat), carry exactly smx_row's probabilities (0 in
 * lanes at or beyond n) and, with --npy, PREFIX.out.npy's when the dump
 * was made with this run's algorithm; on wb_done each arrival cycle is
 * checked against the schedule in rtl/smx.v's header, the last one on the
 * wb_done cycle itself.
 *
 * With --write-vectors DIR the run also writes its inputs and the expected
 * outputs, cycle by cycle, as plain text (format in smx_cosim.h), for
 * tests/icarus/tb_smx.v to replay on the RTL without the C side.
 *
 * Stimulus, fused (--fused N; online, FUSED_ROWS > 1): N scenarios, one
 * after the other. Each is R rows (1 .. FUSED_ROWS) of n scores (as random
 * tiles' rows) in one in_frac, drained into the score buffer as the engine
 * drains Q.K^T: blocks of rows, each block column tile by column tile (1 ..
 * 2 LANES columns, or the whole row), each row of a column tile in beats of
 * at most LANES scores (LANES at a time, or random counts), row after row
 * or beat-interleaved across the block's rows, with random idle gaps; now
 * and then a row is first drained part way with junk and restarted at
 * column 0. Fused commands (ascending r0, 1 .. ROWS rows, kcycles =
 * smx_fused_cycles) follow each tile's drain: presented from 1 cycle after
 * its rows' last drain beat, or from RECIP_LATENCY + 2 cycles after it;
 * normal random tiles go between them. Each fused tile's rows are then
 * fetched as A.V's operand windows (the tile's rows by K-chunks of 1 ..
 * n columns, plus now and then a random sub-window), f_cnt 1 .. LANES
 * probabilities a cycle, row-major with the wrap, from its wb_done or, in
 * "early" scenarios, from the first cycle its rows' reciprocals are ready
 * (last drain beat + RECIP_LATENCY + 1); early scenarios also probe half
 * their rows on exactly that cycle (1 .. LANES probabilities from a random
 * column, ahead of the window being fetched). Payload without d_valid, f_valid
 * or cmd_valid is random junk. Checked besides the controller and any
 * normal tile's beats: p_valid on every cycle, and for a fetch in cycle k,
 * on the check of cycle k + EXP_LATENCY (the edge that ends cycle
 * k + EXP_LATENCY - 1), p_data lane l = smx_row(online)'s probability of
 * the lane's row and column, 0 from lane f_cnt on. The next scenario
 * starts once this one's commands are written and fetches issued. The RTL
 * asserts what the harness does not see: a fetch of a row before its
 * reciprocal, a fused tile ending before its rows' reciprocals.
 *
 * Invariant: the model and the RTL see identical inputs in every cycle; the
 * harness decides acceptance from the model's registered cmd_ready, which
 * the previous check proved equal to the RTL's. A run is a pure function
 * of its options, which is what lets smx_main.cpp replay it for waves.
 */
#include "smx_harness.h"

static const char *const inject_names[INJ_N] = {
	"out_p", "active", "cmd_ready", "rd_done", "wb_done", "p_data", "p_valid",
	"dbg_s"
};

/* ---- reporting ---- */

/* A mismatch on port at this cycle: the run fails (lockstep.h); a --vcd
 * replay keeps going so that the waves run on past it. */
int smx_cosim_mismatch(struct smx_cosim *c, const char *port, uint64_t expected,
		    uint64_t actual)
{
	return lockstep_mismatch(&c->ls, port, expected, actual);
}

/* ---- options ---- */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: smx_cosim [--algo online|ita] [--seed N] [--tiles N] [--max-rows N] [--max-n N]\n"
		"                 [--npy PREFIX [--config FILE]] [--inject-flip N [--inject-port PORT]]\n"
		"                 [--vcd FILE [--vcd-window N|A:B]] [--max-cycles N] [--write-vectors DIR]\n"
		"       smx_cosim --fused N [--seed N] [--max-rows N] [--max-n N] [--inject-flip N\n"
		"                 [--inject-port PORT]] [--vcd FILE [--vcd-window N|A:B]] [--max-cycles N]\n"
		"Runs rtl/smx.v in lockstep with models/fu.c + smx.c; exit 0 pass, 1 fail, 2 bad usage.\n"
		"  --algo A          the RTL and model algorithm: online (default) or ita\n"
		"  --tiles N         softmax tiles (commands) to issue (default 300; --npy: all)\n"
		"  --max-rows N      random tiles: 1..N rows (default %d, at most %d)\n"
		"  --max-n N         random tiles: rows of 1..N scores (default %d, at most %d)\n"
		"  --npy PREFIX      the tiles of a softmax op from 'stasim run --dump' (PREFIX.in/.out.npy, .json)\n"
		"  --config FILE     the config the --npy dump was made with (default %s)\n"
		"  --fused N         N random scenarios of the online unit's fused front end (FUSED_ROWS %d)\n"
		"  --write-vectors DIR  also write DIR/stim.txt and DIR/expect.txt for tests/icarus/tb_smx.v\n",
		SMX_ROWS < RANDOM_ROWS ? SMX_ROWS : RANDOM_ROWS, SMX_ROWS,
		SMX_N_MAX < RANDOM_N ? SMX_N_MAX : RANDOM_N, SMX_N_MAX,
		DEFAULT_CONFIG, SMX_FUSED_ROWS);
	lockstep_usage_common(f, inject_names, INJ_N);
}

/* A number lo .. hi from s into *v: 0, or 1 when s is no such number. */
static int range_u64(const char *s, uint64_t lo, uint64_t hi, uint64_t *v)
{
	return !s || (hi == UINT64_MAX ? lockstep_parse_u64(s, hi, v) :
		      lockstep_parse_u64(s, hi + 1, v)) || *v < lo;
}

/* The same into a uint32_t. */
static int range_u32(const char *s, uint32_t lo, uint32_t hi, uint32_t *v)
{
	uint64_t w;

	if (range_u64(s, lo, hi, &w))
		return 1;
	*v = (uint32_t)w;
	return 0;
}

/* A numeric option a with its value v (NULL when missing); LOCKSTEP_OPT_BAD
 * or LOCKSTEP_OPT_UNKNOWN as option() says. */
static enum lockstep_opt option_number(struct smx_cosim *c, const char *a,
				      const char *v)
{
	int bad;

	if (!strcmp(a, "--tiles")) {
		bad = range_u64(v, 1, UINT32_MAX, &c->n_tiles_max);
		c->tiles_set = 1;
	} else if (!strcmp(a, "--max-rows")) {
		bad = range_u32(v, 1, SMX_ROWS, &c->rows_max);
	} else if (!strcmp(a, "--max-n")) {
		bad = range_u32(v, 1, SMX_N_MAX, &c->n_max);
	} else if (!strcmp(a, "--fused")) {
		bad = range_u64(v, 1, UINT32_MAX, &c->fused_n);
	} else {
		return LOCKSTEP_OPT_UNKNOWN;
	}
	return bad ? LOCKSTEP_OPT_BAD : LOCKSTEP_OPT_OK;
}

/* Apply option a with its value v (NULL when a is last) to self, a struct
 * smx_cosim; lockstep_option_fn says what it returns. */
static enum lockstep_opt option(void *self, const char *a, const char *v)
{
	static const char *const algos[] = { "online", "ita" };
	struct smx_cosim *c = self;
	enum lockstep_opt rc = lockstep_option(&c->ls, a, v);
	int k, bad = !v;

	if (rc != LOCKSTEP_OPT_UNKNOWN)
		return rc;
	if (!strcmp(a, "--algo")) {
		bad = lockstep_parse_name(v, algos, 2, &k);
		c->algo = k == 1 ? SMX_ITA : SMX_ONLINE;
		c->algo_set = 1;
	} else if (!strcmp(a, "--npy")) {
		c->npy.prefix = v;
	} else if (!strcmp(a, "--config")) {
		c->npy.config = v;
	} else {
		return option_number(c, a, v);
	}
	return bad ? LOCKSTEP_OPT_BAD : LOCKSTEP_OPT_OK;
}

/* --fused runs the online model's fused front end on random scenarios:
 * not with the options of the other stimuli. Why not, or NULL. */
static const char *fused_conflict(const struct smx_cosim *c)
{
	if (SMX_FUSED_ROWS < 2)
		return "--fused: this build's online unit has no score buffer "
		       "(FUSED_ROWS 1; COSIM_SMX_FUSED_ROWS)";
	if (c->algo != SMX_ONLINE)
		return "--fused: the fused front end is the online algorithm's";
	if (c->npy.prefix)
		return "--fused: not with --npy (random scenarios only)";
	if (c->tiles_set)
		return "--fused: not with --tiles (N scenarios set the normal "
		       "tiles too)";
	if (c->ls.vec_dir)
		return "--fused: not with --write-vectors (the vector files "
		       "have no fused ports)";
	return NULL;
}

/* Options that exclude or need another: one message naming them, or
 * NULL. */
static const char *conflict(const void *self)
{
	const struct smx_cosim *c = self;
	const char *why = c->fused_n ? fused_conflict(c) : NULL;

	if (c->npy.config && !c->npy.prefix)
		return "--config needs --npy";
	return why ? why : lockstep_conflict(&c->ls);
}

static const struct lockstep_cli cli = {
	PROG, inject_names, INJ_N, option, usage, conflict
};

/* ---- the public interface ---- */

static void cosim_free(struct smx_cosim *c)
{
	lockstep_tiles_free(&c->tiles);
	smx_cosim_scen_free(c->scen);
	smx_cosim_npy_free(&c->npy);
	free(c);
}

/* The longest tile the run can issue, in cycles. */
static uint64_t longest_tile(const struct smx_cosim *c)
{
	uint64_t m = 0;
	size_t i;

	if (!c->npy.prefix)
		return smx_cycles(&c->sp, c->rows_max, c->n_max);
	for (i = 0; i < c->npy.n_steps; i++)
		m = c->npy.steps[i].kcycles > m ? c->npy.steps[i].kcycles : m;
	return m;
}

/* Everything after the options: the --npy op, the model, the seed. */
static int setup(struct smx_cosim *c)
{
	if (!c->npy.config)
		c->npy.config = DEFAULT_CONFIG;
	if (c->npy.prefix && smx_cosim_npy_load(c))
		return -1;
	c->sp = (struct smx_params){
		.lanes = SMX_LANES, .algo = c->algo,
		.exp_latency = SMX_EXP_LATENCY, .recip_latency = SMX_RECIP_LATENCY,
		.dividers = SMX_DIVIDERS, .div_latency = SMX_DIV_LATENCY,
	};
	c->lat = c->algo == SMX_ITA ?
		 (SMX_DIV_LATENCY + SMX_DIVIDERS - 1) / SMX_DIVIDERS :
		 SMX_RECIP_LATENCY;
	c->tile_max = longest_tile(c);
	/* a hang: far beyond a run's cycles (fused: every beat of every
	 * scenario at its longest gap, aborted drains included) */
	c->max_cycles = c->ls.max_cycles ? c->ls.max_cycles : !c->fused_n ?
			c->n_tiles_max * (c->tile_max + 400) :
			c->fused_n * (100000 + 3 * (c->tile_max + 400) +
				      (uint64_t)SMX_FUSED_ROWS * (4 * c->n_max + 8) * 45);
	lockstep_fu_start(&c->ls, &c->fu, "smx");
	return smx_cosim_vec_open(c);
}

struct smx_cosim *smx_cosim_new(int argc, char **argv, int replay,
				int *status)
{
	struct smx_cosim *c = lockstep_new(sizeof *c, &cli, replay, status);

	if (!c)
		return NULL;
	c->ls.vectors = 1;
	c->ls.runs_on = 1;
	c->n_tiles_max = 300;
	c->tiles.drop = smx_cosim_tile_free;
	c->rows_max = SMX_ROWS < RANDOM_ROWS ? SMX_ROWS : RANDOM_ROWS;
	c->n_max = SMX_N_MAX < RANDOM_N ? SMX_N_MAX : RANDOM_N;
	if (lockstep_options(&cli, c, argc, argv, replay, status) || setup(c)) {
		lockstep_vec_close(&c->ls, &c->vec);
		cosim_free(c);
		return NULL;
	}
	return c;
}

int smx_cosim_algorithm(const struct smx_cosim *c)
{
	return c->algo == SMX_ITA ? 1 : 0;
}

const struct lockstep *smx_cosim_core(const struct smx_cosim *c)
{
	return &c->ls;
}

void smx_cosim_reset_pins(struct smx_cosim *c, struct smx_pins *p)
{
	int i;

	memset(p, 0, sizeof *p);
	memset(&c->cmd, 0, sizeof c->cmd);	/* rst_l low, no command */
	for (i = SMX_COSIM_RESET_CYCLES; i > 0; i--)
		smx_cosim_vec_stim(c, p, -(int64_t)i);
}

void smx_cosim_drive(struct smx_cosim *c, struct smx_pins *p)
{
	if (lockstep_cmd_due(&c->fu.in, &c->fu.gap) &&
	    (c->fused_n ? smx_cosim_fused_cmd(c) :
	     c->tiles.n < c->n_tiles_max && smx_cosim_next_cmd(c))) {
		lockstep_say(0, PROG, "cannot build tile %zu", c->tiles.n);
		lockstep_fail(&c->ls);
		return;
	}
	smx_cosim_drive_cmd(c, p);
	p->rst_l = 1;
	if (p->x_rd) {
		if (smx_cosim_feed(c, p) && c->ls.done)
			return;
	} else {
		lockstep_garbage(&c->ls.rng, p->x_data, SMX_X_BITS);
	}
	if (c->fused_n && smx_cosim_fused_drive(c, p)) {
		lockstep_say(0, PROG, "cannot build fused scenario %" PRIu64
			" (out of memory, or the internal error above)", c->scen_made);
		lockstep_fail(&c->ls);
		return;
	}

	smx_cosim_vec_stim(c, p, (int64_t)c->ls.cycle);
	lockstep_fu_clock(&c->ls, &c->fu, GAP_MAX);
	smx_cosim_dbg_clock(c);
	c->ls.cycle++;
}

/* Flip one bit of the armed port if it is compared in this cycle. */
static void inject(struct smx_cosim *c, struct smx_pins *p)
{
	if (!lockstep_inject_due(&c->ls) || lockstep_inject_ctl(&c->ls, &p->ctl))
		return;
	switch (c->ls.inject_port) {
	case INJ_OUT_P:
		if (!p->out_valid)
			return;
		p->out_p[0] ^= 1;
		break;
	case INJ_P_DATA:
		if (!p->p_valid)
			return;
		p->p_data[0] ^= 1;
		break;
	case INJ_DBG_S:
		p->dbg_s[0] ^= 1;
		break;
	default:
		p->p_valid ^= 1;
		break;
	}
	lockstep_injected(&c->ls);
}

/* Probability beat (row, beat) of t against smx_row and, with --npy,
 * against PREFIX.out.npy (beat.h). */
static int check_probs(struct smx_cosim *c, const struct tile *t, uint32_t row,
		       uint32_t beat, const uint32_t *out_p)
{
	size_t at = (size_t)row * t->n;
	struct beat_diff d;
	char port[96];

	if (beat_smx_probs(t->want + at, t->n, beat, out_p, SMX_LANES, &d)) {
		snprintf(port, sizeof port, "out_p row %u score %u", t->r0 + row,
			 d.at);
		return smx_cosim_mismatch(c, port, (uint64_t)d.want, (uint64_t)d.got);
	}
	if (t->dump && beat_smx_probs(t->dump + at, t->n, beat, out_p,
				      SMX_LANES, &d)) {
		snprintf(port, sizeof port, "out_p row %u score %u (against %s.out.npy)",
			 t->r0 + row, d.at, c->npy.prefix);
		return smx_cosim_mismatch(c, port, (uint64_t)d.want, (uint64_t)d.got);
	}
	return 0;
}

/* One probability beat from the RTL: belongs to the oldest tile not done. */
static int take_beat(struct smx_cosim *c, const struct smx_pins *p)
{
	struct tile *t = lockstep_tile(&c->ls, &c->tiles, c->wb_tile,
				       "out_valid (no tile in progress)");
	uint32_t row, beat;

	if (!t)
		return 1;
	if (t->fused)
		return smx_cosim_mismatch(c, "out_valid (a fused tile has no beats)", 0, 1);
	if (t->beats_seen >= t->rows * t->c)
		return smx_cosim_mismatch(c, "out_valid (beat beyond the tile)", 0, 1);
	row = t->beats_seen / t->c;
	beat = t->beats_seen % t->c;
	if (p->out_row != row)
		return smx_cosim_mismatch(c, "out_row", row, p->out_row);
	if (p->out_col != beat)
		return smx_cosim_mismatch(c, "out_col", beat, p->out_col);
	if (check_probs(c, t, row, beat, p->out_p))
		return 1;
	t->beat_cycle[t->beats_seen++] = c->ls.cycle;
	c->beats_checked++;
	return 0;
}

/* A fused tile written: in order, the scenario's fused tiles are done in
 * r0 order. */
static int fused_written(struct smx_cosim *c, const struct tile *t)
{
	if (!c->scen || c->scen->ftiles_written == c->scen->n_ftiles ||
	    c->scen->ftiles[c->scen->ftiles_written].r0 != t->r0) {
		lockstep_say(0, PROG, "internal: fused tile of r0 %u "
			     "written outside its scenario", t->r0);
		return smx_cosim_mismatch(c, "wb_done (fused tile)", 0, 1);
	}
	c->scen->ftiles_written++;
	c->cov_ftiles++;
	return 0;
}

/* A normal tile written: its beats' cycles and the model's own
 * probabilities. */
static int rows_written(struct smx_cosim *c, const struct tile *t)
{
	uint64_t first;
	uint32_t r, b;
	char port[64];

	if (t->beats_seen != t->rows * t->c)
		return smx_cosim_mismatch(c, "out_valid (beats before wb_done)",
				t->rows * t->c, t->beats_seen);
	first = c->ls.cycle + 1 - t->kcycles;	/* check cycle of busy step 0 */
	for (r = 0; r < t->rows; r++) {
		for (b = 0; b < t->c; b++) {
			uint64_t due = first + smx_cosim_beat_step(c, t, r, b);

			if (t->beat_cycle[r * t->c + b] != due) {
				snprintf(port, sizeof port,
					 "out_valid (cycle of row %u beat %u)", r, b);
				return smx_cosim_mismatch(c, port, due,
						t->beat_cycle[r * t->c + b]);
			}
		}
		if (memcmp(t->p + (size_t)r * t->n, t->want + (size_t)r * t->n,
			   t->n)) {
			snprintf(port, sizeof port, "model p row %u (not computed "
				 "at finish)", r);
			return smx_cosim_mismatch(c, port, t->want[(size_t)r * t->n],
					t->p[(size_t)r * t->n]);
		}
		c->rows_checked++;
	}
	c->npy.rows_dump += t->dump ? t->rows : 0;
	return 0;
}

/* The model finished the oldest tile: check it, then free it. */
static int tile_written(struct smx_cosim *c)
{
	struct tile *t = lockstep_tile(&c->ls, &c->tiles, c->wb_tile,
				       "wb_done (no tile issued)");

	if (!t || lockstep_fu_wrote(&c->ls, &c->fu, &t->job) ||
	    (t->fused ? fused_written(c, t) : rows_written(c, t)))
		return 1;
	smx_cosim_tile_free(t);
	c->tiles.at[c->wb_tile++] = NULL;
	return 0;
}

/* The fetched probabilities: p_valid on every cycle, p_data's lanes when
 * a fetch is due (smx_row's below f_cnt, 0 from it on). A due fetch leaves
 * the ring whatever it shows, so that a replay runs on past a mismatch. */
static int check_fetch(struct smx_cosim *c, const struct smx_pins *p)
{
	const struct fetch_exp *e;
	struct beat_diff d;
	char port[96];

	/* fetches a replay's mismatch kept this check from reaching */
	while (c->fq_len && c->fq[c->fq_head].due < c->ls.cycle) {
		c->fq_head = (c->fq_head + 1) % FQ_LEN;
		c->fq_len--;
	}
	e = c->fq_len ? &c->fq[c->fq_head] : NULL;
	if (!e || e->due != c->ls.cycle)
		return p->p_valid ? smx_cosim_mismatch(c, "p_valid (no fetch due)", 0, 1) : 0;
	c->fq_head = (c->fq_head + 1) % FQ_LEN;
	c->fq_len--;
	if (!p->p_valid)
		return smx_cosim_mismatch(c, "p_valid (fetch due)", 1, 0);
	if (beat_lanes("p_data", e->p, e->cnt, p->p_data, SMX_LANES, &d)) {
		if (d.at < e->cnt)
			snprintf(port, sizeof port, "p_data lane %u (row %u col %u)",
				 d.at, e->row[d.at], e->col[d.at]);
		else
			snprintf(port, sizeof port, "p_data lane %u (beyond f_cnt %u)",
				 d.at, e->cnt);
		return smx_cosim_mismatch(c, port, (uint64_t)d.want, (uint64_t)d.got);
	}
	c->cov_probs += e->cnt;
	return 0;
}

int smx_cosim_check(struct smx_cosim *c, struct smx_pins *p)
{
	const struct ctl_ports want = lockstep_fu_ports(&c->fu);

	if (smx_cosim_vec_expect(c, &want)) {
		lockstep_fail(&c->ls);
		return 1;
	}
	inject(c, p);
	if (lockstep_ctl(&c->ls, &want, &p->ctl) || smx_cosim_dbg_check(c, p) ||
	    (p->out_valid && take_beat(c, p)) ||
	    (want.wb_done_valid && tile_written(c)) || check_fetch(c, p) ||
	    lockstep_hung(&c->ls, c->max_cycles))
		return 1;
	lockstep_drained(&c->ls, (c->fused_n ? c->scen_done == c->fused_n &&
				  !c->fq_len : c->tiles.n >= c->n_tiles_max) &&
			 c->wb_tile == c->tiles.n && lockstep_fu_idle(&c->fu));
	return 0;
}

/* The counters of a fused run, for its summary line. */
static void details_fused(const struct smx_cosim *c, char *details, size_t len)
{
	snprintf(details, len, "fused_tiles=%" PRIu64 " normal_tiles=%" PRIu64
		 " normal_rows=%" PRIu64 " drain_beats=%" PRIu64 " restarts=%"
		 PRIu64 " fetches=%" PRIu64 " probs=%" PRIu64 " wraps=%" PRIu64
		 " at_ready=%" PRIu64 " tight_cmds=%" PRIu64 " prob_beats=%"
		 PRIu64 " rescales=%" PRIu64 " p255=%" PRIu64 " fifo_full=%"
		 PRIu64 " algo=online recip_latency=%d lanes=%d exp_latency=%d"
		 " fused_rows=%d rows<=%u n<=%u", c->cov_ftiles, c->cov_ntiles,
		 c->rows_checked, c->cov_dbeats, c->cov_restarts, c->cov_fetches,
		 c->cov_probs, c->cov_wraps, c->cov_at_ready, c->cov_tight,
		 c->beats_checked, c->cov_rescale, c->cov_sat, c->fu.cov_full,
		 SMX_RECIP_LATENCY, SMX_LANES, SMX_EXP_LATENCY, SMX_FUSED_ROWS,
		 c->rows_max, c->n_max);
}

/* The counters of a run of tiles, for its summary line. */
static void details_tiles(const struct smx_cosim *c, char *details, size_t len)
{
	char algo[96], source[LOCKSTEP_MSG_MAX - 512];

	if (c->algo == SMX_ITA)
		snprintf(algo, sizeof algo, "eps32_rows=%" PRIu64 " algo=ita "
			 "dividers=%d div_latency=%d", c->cov_eps32,
			 SMX_DIVIDERS, SMX_DIV_LATENCY);
	else
		snprintf(algo, sizeof algo, "recips=%" PRIu64 " half_ties=%"
			 PRIu64 " algo=online recip_latency=%d", c->cov_loads,
			 c->cov_ties, SMX_RECIP_LATENCY);
	if (c->npy.prefix)
		snprintf(source, sizeof source, "npy=%s rows_vs_out.npy=%"
			 PRIu64, c->npy.prefix, c->npy.rows_dump);
	else
		snprintf(source, sizeof source, "rows<=%u n<=%u", c->rows_max,
			 c->n_max);
	snprintf(details, len, "rows=%" PRIu64 " score_beats=%" PRIu64
		 " prob_beats=%" PRIu64 " rescales=%" PRIu64 " p255=%" PRIu64
		 " c>L_windows=%" PRIu64 " fifo_full=%" PRIu64 " %s lanes=%d"
		 " exp_latency=%d %s", c->rows_checked, c->beats_fed,
		 c->beats_checked, c->cov_rescale, c->cov_sat, c->cov_long,
		 c->fu.cov_full, algo, SMX_LANES, SMX_EXP_LATENCY, source);
}

/* The summary line on stdout: verdict, counts, coverage, the unit. */
static void summary(const struct smx_cosim *c, int status)
{
	char details[LOCKSTEP_MSG_MAX];

	if (c->fused_n)
		details_fused(c, details, sizeof details);
	else
		details_tiles(c, details, sizeof details);
	lockstep_report(&c->ls, status, c->fused_n ? c->scen_done : c->wb_tile,
			c->fused_n ? "fused scenario" : "tile", details);
}

int smx_cosim_finish(struct smx_cosim *c)
{
	int status = lockstep_status(&c->ls,
				     lockstep_vec_close(&c->ls, &c->vec));

	summary(c, status);
	cosim_free(c);
	return status;
}
