/*
 * gate_cosim.c - the C side of the gate-unit co-simulation (see
 * gate_cosim.h): rtl/gate.v, the whole MoE gate (logits, softmax, top-k).
 *
 * Stimulus, random (the default): a seeded stream of gate tiles, T tokens
 * (1..--max-tokens, default T_MAX) of width D (1..--max-width, default
 * D_MAX) routed among E experts (1..E_MAX), k
 * winners (1..min(K_MAX, E)), the logit shift 1..20 (sometimes the
 * planner's 7 + (clog2(D) + 1) / 2 of sim/func.c, sometimes up to 31),
 * in_frac 0..7 (sometimes up to 31, read as 15), ita_eps32 0 or 1. The
 * int8 tokens x (T x D) and weights W_gate (D x E) come from several
 * distributions: uniform, small, the int8 rails (saturated scores at a
 * small shift), sparse, all-zero tokens and identical weight columns (all
 * logits of a token equal: ties everywhere), pairs of equal columns. One
 * command per tile with kcycles = gate_cycles for the build's GEMV,
 * SORTERS and softmax parameters, presented with random gaps on cmd_valid
 * and held until accepted: back-to-back commands meet a full FIFO; after
 * some commands the next waits until the unit is idle, so that tiles also
 * start on an empty pipeline.
 *
 * Stimulus, real data (--npy PREFIX): a gate op dumped by `stasim run
 * --mode functional --dump` (sim/func.c dump_gate): PREFIX.in.npy (tokens
 * x D int8) and PREFIX.wgate.npy (D x E int8) are the operands,
 * --max-tokens (default T_MAX) tokens a tile in token order; the logit
 * shift, the softmax format and algorithm come from PREFIX.json (else the
 * planner's rule and in_frac 4).
 *
 * The operand feeder answers every g_rd (token, beat) of the RTL in the
 * next cycle with the beat's products: lane l of beat j is product
 * p = j GEMV + l of W_gate's row-major order (d = p / E, e = p % E),
 * x[token][d] on g_a and W_gate[d][e] on g_w; lanes at p >= D E and every
 * lane of a cycle without g_rd carry random junk. The model (models/fu.c)
 * runs gate.c's job (gate_token per token) when it finishes a tile.
 *
 * Checked after every clock:
 *   - cmd_ready, active, rd_done and wb_done (valid, and flags + op when
 *     valid) against the fu model stepped in lockstep;
 *   - g_rd: every operand beat of the tile in progress read exactly once,
 *     in (token, beat) order, all of them by the tile's wb_done;
 *   - the index beats, against an expectation that does not come from the
 *     RTL: token i of a tile whose first busy cycle is b leaves on the edge
 *     ending cycle b + (a1 + a2 + a3) + i max(a1, a2, a3), a1..a3 =
 *     gate_stages() (the pipeline's closed form; the tile's last token
 *     comes one cycle after its wb_done). out_valid must be high exactly
 *     then, with out_tok = i, out_idx and out_score = gate_token's idx and
 *     score (0 in entries at or beyond k); with --npy also the dumped
 *     PREFIX.topk.npy, and PREFIX.score.npy when the dump's softmax is the
 *     build's ALGORITHM; gate_token's logits must equal PREFIX.logits.npy.
 * When a tile's last token has left, the model's own outputs (gate.c run
 * by fu.c at finish) must equal gate_token's too.
 *
 * Invariant: the model and the RTL see identical inputs in every cycle; the
 * harness decides acceptance from the model's registered cmd_ready, which
 * the previous check proved equal to the RTL's. A run is a pure function
 * of its options, which is what lets the --vcd replay repeat it.
 */
#include "gate_harness.h"

static const char *const inject_names[INJ_N] = {
	"out_idx", "out_score", "out_tok", "out_valid", "g_rd",
	"active", "cmd_ready", "rd_done", "wb_done"
};

/* ---- reporting ---- */

/* A mismatch on port at this cycle: the run fails (lockstep.h). */
static int mismatch(struct gate_cosim *c, const char *port, uint64_t expected,
		    uint64_t actual)
{
	return lockstep_mismatch(&c->ls, port, expected, actual);
}

/* ---- the build's unit ---- */

static struct gate_params unit_params(void)
{
	return (struct gate_params){
		.gemv_width = GATE_RTL_GEMV,
		.sorters = GATE_RTL_SORTERS,
		.smx = {
			.lanes = GATE_RTL_LANES,
			.algo = GATE_RTL_ALGORITHM ? SMX_ITA : SMX_ONLINE,
			.exp_latency = GATE_RTL_EXP_LATENCY,
			.recip_latency = GATE_RTL_RECIP_LATENCY,
			.dividers = GATE_RTL_DIVIDERS,
			.div_latency = GATE_RTL_DIV_LATENCY,
		},
	};
}

/* ---- stimulus ---- */

/* Present the next tile's command; returns -1 when out of memory. */
static int next_cmd(struct gate_cosim *c)
{
	uint8_t flags = (uint8_t)(lockstep_rnd(&c->ls.rng) & 0x1f);
	const struct tile *t;

	if (lockstep_tiles_push(&c->tiles, c->npy ? gate_cosim_tile_real(c) :
				gate_cosim_tile_random(c)))
		return -1;
	t = c->tiles.at[c->tiles.n - 1];
	lockstep_fu_present(&c->fu, flags, (uint32_t)c->tiles.n - 1, t->t,
			    t->e, t->kcycles, &t->job);
	return 0;
}

/* The command pins: the presented command, the rest of it from its
 * tile, or random payload without cmd_valid (the RTL must ignore it). */
static void drive_cmd(struct gate_cosim *c, struct gate_pins *p)
{
	const struct tile *t = c->fu.in.data;	/* job: its first member */

	if (lockstep_drive_cmd(&c->ls.rng, &c->fu.in,
			       lockstep_clog2(GATE_RTL_T_MAX + 1),
			       lockstep_clog2(GATE_RTL_E_MAX + 1), GATE_KC_BITS,
			       &p->cmd)) {
		p->cmd_d = t->d;
		p->cmd_k = t->k;
		p->cmd_shift = t->job.shift;
		p->cmd_in_frac = t->job.fmt.in_frac;
		p->cmd_ita_eps32 = (uint8_t)t->job.fmt.ita_eps32;
		return;
	}
	p->cmd_d = lockstep_noise(&c->ls.rng, lockstep_clog2(GATE_RTL_D_MAX + 1));
	p->cmd_k = lockstep_noise(&c->ls.rng, lockstep_clog2(GATE_RTL_K_MAX + 1));
	p->cmd_shift = lockstep_noise(&c->ls.rng, 5);
	p->cmd_in_frac = lockstep_noise(&c->ls.rng, 5);
	p->cmd_ita_eps32 = (uint8_t)lockstep_noise(&c->ls.rng, 1);
}

/* The operand beat the RTL asked for on g_rd (checked then), from the
 * model's tile: products j GEMV + l of token g_tok, junk beyond D E. */
static void feed(struct gate_cosim *c, struct gate_pins *p)
{
	const struct tile *t = c->fu.u.cur.data;
	uint64_t n = (uint64_t)t->d * t->e, q;
	uint32_t l;

	for (l = 0; l < GATE_RTL_GEMV; l++) {
		q = (uint64_t)p->g_beat * GATE_RTL_GEMV + l;
		if (q >= n)
			continue;
		lockstep_put_bits(p->g_a, l * 8, 8, (uint8_t)
				 t->x[(size_t)p->g_tok * t->d + q / t->e]);
		lockstep_put_bits(p->g_w, l * 8, 8, (uint8_t)t->w[q]);
	}
	c->beats_fed++;
}

/* ---- options ---- */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: gate_cosim [--seed N] [--tiles N] [--npy PREFIX] [--max-tokens N] [--max-width N]\n"
		"                  [--inject-flip N [--inject-port PORT]] [--vcd FILE [--vcd-window N|A:B]]\n"
		"                  [--max-cycles N]\n"
		"Runs rtl/gate.v in lockstep with models/fu.c + gate.c; exit 0 pass, 1 fail, 2 bad usage.\n"
		"  --tiles N         gate tiles (commands) to issue (default 300; --npy: at most N of the op's)\n"
		"  --npy PREFIX      real tiles of a gate op from 'stasim run --dump', also checked against its dump\n"
		"  --max-tokens N    tokens a tile: random 1..N, --npy N (default and at most T_MAX)\n"
		"  --max-width N     random tokens 1..N wide (default and at most D_MAX)\n");
	lockstep_usage_common(f, inject_names, INJ_N);
	fprintf(f,
		"unit: E_MAX=%d K_MAX=%d T_MAX=%d D_MAX=%d GEMV=%d SORTERS=%d LANES=%d\n"
		"      ALGORITHM=%d EXP_LATENCY=%d RECIP_LATENCY=%d DIVIDERS=%d DIV_LATENCY=%d\n",
		GATE_RTL_E_MAX, GATE_RTL_K_MAX, GATE_RTL_T_MAX, GATE_RTL_D_MAX,
		GATE_RTL_GEMV, GATE_RTL_SORTERS, GATE_RTL_LANES, GATE_RTL_ALGORITHM,
		GATE_RTL_EXP_LATENCY, GATE_RTL_RECIP_LATENCY, GATE_RTL_DIVIDERS,
		GATE_RTL_DIV_LATENCY);
}

/* A numeric option a with its value v (NULL when missing); LOCKSTEP_OPT_BAD
 * or LOCKSTEP_OPT_UNKNOWN as option() says. */
static enum lockstep_opt option_number(struct gate_cosim *c, const char *a,
				      const char *v)
{
	int bad;

	if (!strcmp(a, "--tiles")) {
		bad = lockstep_parse_u64(v, UINT64_MAX, &c->n_tiles_max) || !c->n_tiles_max;
	} else if (!strcmp(a, "--max-tokens")) {
		bad = lockstep_parse_u64(v, GATE_RTL_T_MAX + 1ull, &c->t_max) || !c->t_max;
	} else if (!strcmp(a, "--max-width")) {
		bad = lockstep_parse_u64(v, GATE_RTL_D_MAX + 1ull, &c->d_max) || !c->d_max;
	} else {
		return LOCKSTEP_OPT_UNKNOWN;
	}
	return bad ? LOCKSTEP_OPT_BAD : LOCKSTEP_OPT_OK;
}

/* Apply option a with its value v (NULL when a is last) to self, a struct
 * gate_cosim; lockstep_option_fn says what it returns. */
static enum lockstep_opt option(void *self, const char *a, const char *v)
{
	struct gate_cosim *c = self;
	enum lockstep_opt rc = lockstep_option(&c->ls, a, v);

	if (rc != LOCKSTEP_OPT_UNKNOWN)
		return rc;
	if (strcmp(a, "--npy"))
		return option_number(c, a, v);
	c->npy = v;
	return v ? LOCKSTEP_OPT_OK : LOCKSTEP_OPT_BAD;
}

/* Options that need another: one message naming them, or NULL. */
static const char *conflict(const void *self)
{
	const struct gate_cosim *c = self;

	return lockstep_conflict(&c->ls);
}

static const struct lockstep_cli cli = {
	PROG, inject_names, INJ_N, option, usage, conflict
};

/* ---- the public interface ---- */

/* --npy: load the dumped op; as many tiles as it fills, at most --tiles.
 * 0, or -1 after printing the error. */
static int real_open(struct gate_cosim *c)
{
	char err[2400];
	uint64_t n;

	if (gate_cosim_real_load(c, err, sizeof err)) {
		say(c, "%s", err);
		return -1;
	}
	n = (c->real.t + c->t_max - 1) / c->t_max;
	if (c->n_tiles_max > n)
		c->n_tiles_max = n;
	return 0;
}

struct gate_cosim *gate_cosim_new(int argc, char **argv, int replay,
				  int *status)
{
	struct gate_cosim *c = lockstep_new(sizeof *c, &cli, replay, status);
	uint64_t kc;

	if (!c)
		return NULL;
	c->n_tiles_max = 300;
	c->tiles.drop = gate_cosim_tile_free;
	c->t_max = GATE_RTL_T_MAX;
	c->d_max = GATE_RTL_D_MAX;
	c->gp = unit_params();
	if (lockstep_options(&cli, c, argc, argv, replay, status) ||
	    (c->npy && real_open(c))) {
		gate_cosim_real_free(&c->real);
		free(c);
		return NULL;
	}
	kc = gate_cycles(&c->gp, GATE_RTL_T_MAX, GATE_RTL_D_MAX, GATE_RTL_E_MAX);
	if (kc >> GATE_KC_BITS) {
		say(c, "a tile of T_MAX, D_MAX, E_MAX takes %" PRIu64 " cycles: "
		    "beyond cmd_kcycles' %d bits", kc, GATE_KC_BITS);
		gate_cosim_real_free(&c->real);
		free(c);
		return NULL;
	}
	/* the longest tile the run can issue, then its gap */
	kc = gate_cycles(&c->gp, c->t_max, c->npy ? c->real.d : c->d_max,
			 c->npy ? c->real.e : GATE_RTL_E_MAX);
	c->max_cycles = c->ls.max_cycles ? c->ls.max_cycles :
			c->n_tiles_max * (kc + GAP_MAX + 16) + 1000;
	lockstep_fu_start(&c->ls, &c->fu, "gate");
	return c;
}

const struct lockstep *gate_cosim_core(const struct gate_cosim *c)
{
	return &c->ls;
}

void gate_cosim_drive(struct gate_cosim *c, struct gate_pins *p)
{
	if (!c->fu.in.valid && c->drain) {
		c->drain = c->fu.u.left || c->fu.u.f_len;
	} else if (lockstep_cmd_due(&c->fu.in, &c->fu.gap) &&
		   c->tiles.n < c->n_tiles_max && next_cmd(c)) {
		say(c, "cannot build tile %zu (out of memory)", c->tiles.n);
		lockstep_fail(&c->ls);
		return;
	}
	drive_cmd(c, p);
	p->rst_l = 1;
	lockstep_garbage(&c->ls.rng, p->g_a, GATE_OPD_BITS);
	lockstep_garbage(&c->ls.rng, p->g_w, GATE_OPD_BITS);
	if (p->g_rd)
		feed(c, p);

	/* the model starts a tile in this cycle: its index beats' schedule */
	if (!c->fu.u.left && c->fu.u.f_len) {
		struct tile *t = (struct tile *)c->fu.u.fifo[c->fu.u.f_head].data;

		t->started = 1;
		t->due0 = c->ls.cycle + 1 + t->lat;
		c->cov_b2b += c->ls.cycle && c->last_busy == c->ls.cycle;
	}
	if (lockstep_fu_clock(&c->ls, &c->fu, GAP_MAX))
		c->drain = lockstep_chance(&c->ls.rng, DRAIN_PERCENT);
	if (c->fu.u.out.active)
		c->last_busy = c->ls.cycle + 1;
	c->ls.cycle++;
}

/* Flip one bit of the armed port if it is compared in this cycle. */
static void inject(struct gate_cosim *c, struct gate_pins *p)
{
	if (!lockstep_inject_due(&c->ls) || lockstep_inject_ctl(&c->ls, &p->ctl))
		return;
	switch (c->ls.inject_port) {
	case INJ_OUT_IDX:
		if (!p->out_valid)
			return;
		p->out_idx[0] ^= 1;
		break;
	case INJ_OUT_SCORE:
		if (!p->out_valid)
			return;
		p->out_score[0] ^= 1;
		break;
	case INJ_OUT_TOK:
		if (!p->out_valid)
			return;
		p->out_tok ^= 1;
		break;
	case INJ_OUT_VALID:
		p->out_valid ^= 1;
		break;
	default:
		p->g_rd ^= 1;
		break;
	}
	lockstep_injected(&c->ls);
}

/* An operand beat asked for: the next one of the tile in progress. */
static int take_read(struct gate_cosim *c, const struct gate_pins *p)
{
	struct tile *t = (struct tile *)c->fu.u.cur.data;

	/* stage 1 never reads in a tile's last busy cycle */
	if (!c->fu.u.left || !t)
		return mismatch(c, "g_rd (no tile in progress)", 0, 1);
	if (t->rd_tok >= t->t)
		return mismatch(c, "g_rd (every beat of the tile already read)", 0, 1);
	if (p->g_tok != t->rd_tok)
		return mismatch(c, "g_tok", t->rd_tok, p->g_tok);
	if (p->g_beat != t->rd_beat)
		return mismatch(c, "g_beat", t->rd_beat, p->g_beat);
	if (++t->rd_beat == t->beats) {
		t->rd_beat = 0;
		t->rd_tok++;
	}
	return 0;
}

/* A tile's last token left: the model's own results (gate.c run by fu.c
 * at finish) must be gate_token's too; then free it. */
static int tile_retire(struct gate_cosim *c, struct tile *t)
{
	uint32_t i;
	char port[80];

	if (!t->finished)
		return mismatch(c, "out_valid (last token before wb_done)", 0, 1);
	for (i = 0; i < t->t * t->k; i++) {
		if (t->idx[i] != t->want_idx[i] || t->score[i] != t->want_score[i]) {
			snprintf(port, sizeof port, "model token %u entry %u (gate.c "
				 "at finish, idx << 8 | score)", i / t->k, i % t->k);
			return mismatch(c, port, (uint64_t)t->want_idx[i] << 8 |
					t->want_score[i], (uint64_t)t->idx[i] << 8 |
					t->score[i]);
		}
	}
	gate_cosim_tile_free(t);
	c->tiles.at[c->out_tile++] = NULL;
	return 0;
}

/* The index beat of token tok: out_tok, then every entry of out_idx and
 * out_score against gate_token and, with --npy, the dump. */
static int take_beat(struct gate_cosim *c, struct tile *t,
		     const struct gate_pins *p)
{
	const struct real *r = &c->real;
	struct beat_diff d;
	uint32_t tok = t->seen, i;
	size_t at = (size_t)tok * t->k, g = (size_t)(t->r0 + tok) * t->k;
	char port[1200];	/* room for the --npy path */

	if (p->out_tok != tok)
		return mismatch(c, "out_tok", tok, p->out_tok);
	if (c->npy)
		for (i = 0; i < t->e; i++)
			if (t->logits[(size_t)tok * t->e + i] !=
			    r->logits[(size_t)(t->r0 + tok) * t->e + i]) {
				snprintf(port, sizeof port, "gate_token logit, token %u "
					 "expert %u (against %s.logits.npy)",
					 t->r0 + tok, i, c->npy);
				return mismatch(c, port, (uint32_t)r->logits[(size_t)
						(t->r0 + tok) * t->e + i], (uint32_t)
						t->logits[(size_t)tok * t->e + i]);
			}
	if (beat_gate_winners(t->want_idx + at, t->want_score + at, t->k,
			      p->out_idx, p->out_score, GATE_RTL_K_MAX, GATE_IB, &d)) {
		snprintf(port, sizeof port, "%s token %u entry %u (op %zu)",
			 d.port, tok, d.at, c->out_tile);
		return mismatch(c, port, (uint64_t)d.want, (uint64_t)d.got);
	}
	for (i = 0; c->npy && i < t->k; i++) {
		uint32_t gi = lockstep_get_bits(p->out_idx, i * GATE_IB, GATE_IB);
		uint32_t gs = lockstep_get_bits(p->out_score, i * 8, 8);

		if (gi != r->topk[g + i]) {
			snprintf(port, sizeof port, "out_idx token %u entry %u (against "
				 "%s.topk.npy)", t->r0 + tok, i, c->npy);
			return mismatch(c, port, r->topk[g + i], gi);
		}
		if (r->compare_score && gs != r->score[g + i]) {
			snprintf(port, sizeof port, "out_score token %u entry %u (against "
				 "%s.score.npy)", t->r0 + tok, i, c->npy);
			return mismatch(c, port, r->score[g + i], gs);
		}
	}
	c->tokens_checked++;
	c->tokens_dump += c->npy != NULL;
	return ++t->seen == t->t ? tile_retire(c, t) : 0;
}

/* The index beats: one is due exactly when the oldest tile with tokens
 * left has started and its next token's cycle is this one. */
static int check_beats(struct gate_cosim *c, const struct gate_pins *p)
{
	struct tile *t = c->out_tile < c->tiles.n ? c->tiles.at[c->out_tile] : NULL;
	int due = t && t->started &&
		  t->due0 + (uint64_t)t->seen * t->period == c->ls.cycle;
	char port[80];

	if (p->out_valid != due) {
		if (due)
			snprintf(port, sizeof port, "out_valid (token %u of op %zu "
				 "missing)", t->seen, c->out_tile);
		else
			snprintf(port, sizeof port, "out_valid (no token due)");
		return mismatch(c, port, (uint64_t)due, p->out_valid);
	}
	return due ? take_beat(c, t, p) : 0;
}

/* wb_done of the oldest tile not finished: the model finished it, and
 * the RTL read every operand beat of it. */
static int tile_written(struct gate_cosim *c)
{
	struct tile *t;

	if (c->wb_tile >= c->tiles.n)
		return mismatch(c, "wb_done (no tile issued)", 0, 1);
	t = c->tiles.at[c->wb_tile];
	if (!t || c->fu.u.out.wb_done.data != &t->job)
		return mismatch(c, "wb_done (model finished another tile)",
				(uint64_t)c->wb_tile, c->fu.u.out.wb_done.op);
	if (t->rd_tok != t->t)
		return mismatch(c, "g_rd (operand beats read by wb_done)",
				(uint64_t)t->t * t->beats,
				(uint64_t)t->rd_tok * t->beats + t->rd_beat);
	t->finished = 1;
	c->wb_tile++;
	return 0;
}

int gate_cosim_check(struct gate_cosim *c, struct gate_pins *p)
{
	const struct ctl_ports want = lockstep_fu_ports(&c->fu);

	inject(c, p);
	/* a tile's last token comes the cycle after its wb_done, possibly
	 * with the next tile's wb_done: beats first */
	if (lockstep_ctl(&c->ls, &want, &p->ctl) ||
	    (p->g_rd && take_read(c, p)) || check_beats(c, p) ||
	    (want.wb_done_valid && tile_written(c)) ||
	    lockstep_hung(&c->ls, c->max_cycles))
		return 1;
	lockstep_drained(&c->ls, c->tiles.n >= c->n_tiles_max &&
			 c->out_tile == c->tiles.n && lockstep_fu_idle(&c->fu));
	return 0;
}

/* The --npy part of the summary: the op and what was checked against it,
 * after details[0 .. at - 1]. */
static void summary_npy(const struct gate_cosim *c, char *details,
			size_t len, size_t at)
{
	const struct real *r = &c->real;

	if (at >= len)
		return;
	snprintf(details + at, len - at, " npy=%s (%u tokens x %u wide, %u "
		 "experts, top-%u, task %" PRId64 ", shift %u, in_frac %u, "
		 "dumped softmax %s: %" PRIu64 " tokens against topk.npy%s)",
		 c->npy, r->t, r->d, r->e, r->k, r->task, r->shift, r->in_frac,
		 r->dump_algo < 0 ? "unknown" :
		 smx_algo_name((enum smx_algo)r->dump_algo), c->tokens_dump,
		 r->compare_score ? " and score.npy" : ", not score.npy");
}

/* The summary line on stdout: verdict, counts, coverage, the unit, the
 * tiles' source. */
static void summary(const struct gate_cosim *c, int status)
{
	char details[LOCKSTEP_MSG_MAX];
	int n;

	n = snprintf(details, sizeof details, "tokens=%" PRIu64
		     " operand_beats=%" PRIu64 " tied_winners=%" PRIu64
		     " saturated_tokens=%" PRIu64 " k=K_MAX_tokens=%" PRIu64
		     " fifo_full=%" PRIu64 " back_to_back=%" PRIu64 " %s E_MAX=%d"
		     " K_MAX=%d T_MAX=%d D_MAX=%d GEMV=%d SORTERS=%d LANES=%d",
		     c->tokens_checked, c->beats_fed, c->cov_tie, c->cov_sat,
		     c->cov_kmax, c->fu.cov_full, c->cov_b2b,
		     smx_algo_name(c->gp.smx.algo), GATE_RTL_E_MAX,
		     GATE_RTL_K_MAX, GATE_RTL_T_MAX, GATE_RTL_D_MAX,
		     GATE_RTL_GEMV, GATE_RTL_SORTERS, GATE_RTL_LANES);
	if (c->npy && n > 0)
		summary_npy(c, details, sizeof details, (size_t)n);
	lockstep_report(&c->ls, status, c->out_tile, "tile", details);
}

int gate_cosim_finish(struct gate_cosim *c)
{
	/* an armed flip that no check saw is a harness failure, not a pass */
	int status = lockstep_status(&c->ls, 0);
	summary(c, status);
	gate_cosim_real_free(&c->real);
	lockstep_tiles_free(&c->tiles);
	free(c);
	return status;
}
