/*
 * fu_cosim.c - the C side of the controller's co-simulation (see
 * fu_cosim.h).
 *
 * Stimulus: a seeded random stream of commands, kcycles 0 (30 %), 1 (30 %),
 * 2 (15 %), 3 .. 8 (15 %) or 9 .. 60, random flags, op = the command's
 * sequence number (so that a pulse carrying another command's op shows),
 * presented with random gaps (half of them none) and held until accepted;
 * the bits of cmd_in outside the controller's fields, and every field
 * without cmd_valid, are random junk the RTL must ignore.
 *
 * Checked after every clock: cmd_ready, active, rd_done and wb_done (valid,
 * and flags + op when valid; ctl.h).
 *
 * Invariant: the model and the RTL see identical inputs in every cycle; the
 * harness decides acceptance from the model's registered cmd_ready, which
 * the previous check proved equal to the RTL's.
 */
#include "fu_cosim.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fu.h"
#include "unit.h"
#include "lockstep.h"

_Static_assert(FU_RTL_CMD_W <= 64, "cmd_in is one 64-bit word here");
_Static_assert(FU_RTL_C_FLAGS + 5 <= FU_RTL_CMD_W &&
	       FU_RTL_C_OP + FU_RTL_OP_BITS <= FU_RTL_CMD_W &&
	       FU_RTL_C_KC + FU_RTL_KC_BITS <= FU_RTL_CMD_W,
	       "the controller's fields fit cmd_in");
_Static_assert(FU_RTL_OP_BITS <= 32 && FU_RTL_KC_BITS <= 32, "ctl_cmd widths");

#define GAP_MAX 20		/* longest idle gap between commands */
#define PROG FU_COSIM_PROG	/* first on every message */

/* What --inject-port flips: the controller's ports (ctl_flip). */
enum { INJ_N = 4 };
static const char *const inject_names[INJ_N] = {
	"active", "cmd_ready", "rd_done", "wb_done"
};

struct fu_cosim {
	struct lockstep ls;	/* options, cycle, first failure */
	uint64_t n_cmds_max;	/* --cmds */
	uint64_t n_cmds;	/* commands presented so far */
	uint64_t max_cycles;	/* the hang bound: --max-cycles or ours */
	struct lockstep_fu fu;	/* the controller model, its ports */
	uint64_t pulses;	/* wb_done pulses compared */
	uint64_t cov_kc[3];	/* coverage: commands of kcycles 0, 1, 2 */
	uint64_t cov_same;	/* coverage: pulses on a tile's start clock */
};
_Static_assert(offsetof(struct fu_cosim, ls) == 0, "lockstep_new");

/* ---- stimulus ---- */

/* The busy cycles of the next command, mostly the shortest ones. */
static uint64_t draw_kcycles(uint64_t *rng)
{
	uint64_t r = lockstep_rnd(rng) % 100;

	if (r < 30)
		return 0;
	if (r < 60)
		return 1;
	if (r < 75)
		return 2;
	if (r < 90)
		return lockstep_range(rng, 3, 8);
	return lockstep_range(rng, 9, 60);
}

static void next_cmd(struct fu_cosim *c)
{
	uint8_t flags = (uint8_t)(lockstep_rnd(&c->ls.rng) & 0x1f);
	uint64_t kc = draw_kcycles(&c->ls.rng);

	c->cov_kc[kc < 2 ? kc : 2] += kc <= 2;
	lockstep_fu_present(&c->fu, flags, (uint32_t)c->n_cmds++, 0, 0, kc, NULL);
}

/* v's low `bits` bits at bit `at` of w, the rest of w unchanged. */
static uint64_t put_field(uint64_t w, uint32_t at, uint32_t bits, uint64_t v)
{
	uint64_t mask = (bits < 64 ? (1ull << bits) : 0) - 1;

	return (w & ~(mask << at)) | (v & mask) << at;
}

/* The command pins and cmd_in: the presented command's fields in junk. */
static void drive_cmd(struct fu_cosim *c, struct fu_pins *p)
{
	uint64_t w = lockstep_rnd(&c->ls.rng);

	lockstep_drive_cmd(&c->ls.rng, &c->fu.in, 1, 1, FU_RTL_KC_BITS, &p->cmd);
	w = put_field(w, FU_RTL_C_FLAGS, 5, p->cmd.cmd_flags);
	w = put_field(w, FU_RTL_C_OP, FU_RTL_OP_BITS, p->cmd.cmd_op);
	w = put_field(w, FU_RTL_C_KC, FU_RTL_KC_BITS, p->cmd.cmd_kcycles);
	p->cmd_in = FU_RTL_CMD_W < 64 ? w & ((1ull << FU_RTL_CMD_W) - 1) : w;
}

/* ---- options ---- */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: fu_cosim [--seed N] [--cmds N] [--inject-flip N [--inject-port PORT]]\n"
		"                [--vcd FILE [--vcd-window N|A:B]] [--max-cycles N]\n"
		"Runs rtl/fu.v in lockstep with models/fu.c; exit 0 pass, 1 fail, 2 bad usage.\n"
		"  --cmds N          commands to issue, most of 0 .. 3 kcycles (default 2000)\n");
	lockstep_usage_common(f, inject_names, INJ_N);
}

/* Apply option a with its value v (NULL when a is last) to self, a struct
 * fu_cosim; lockstep_option_fn says what it returns. */
static enum lockstep_opt option(void *self, const char *a, const char *v)
{
	struct fu_cosim *c = self;
	enum lockstep_opt rc = lockstep_option(&c->ls, a, v);

	if (rc != LOCKSTEP_OPT_UNKNOWN)
		return rc;
	if (strcmp(a, "--cmds"))
		return LOCKSTEP_OPT_UNKNOWN;
	return lockstep_parse_u64(v, UINT32_MAX, &c->n_cmds_max) ||
	       !c->n_cmds_max ? LOCKSTEP_OPT_BAD : LOCKSTEP_OPT_OK;
}

static const char *conflict(const void *self)
{
	const struct fu_cosim *c = self;

	return lockstep_conflict(&c->ls);
}

static const struct lockstep_cli cli = {
	PROG, inject_names, INJ_N, option, usage, conflict
};

/* ---- the public interface ---- */

struct fu_cosim *fu_cosim_new(int argc, char **argv, int replay, int *status)
{
	struct fu_cosim *c = lockstep_new(sizeof *c, &cli, replay, status);

	if (!c)
		return NULL;
	c->n_cmds_max = 2000;
	if (lockstep_options(&cli, c, argc, argv, replay, status)) {
		free(c);
		return NULL;
	}
	/* a hang: every command at its longest, after its longest gap */
	c->max_cycles = c->ls.max_cycles ? c->ls.max_cycles :
			c->n_cmds_max * (60 + GAP_MAX + 2) + 1000;
	lockstep_fu_start(&c->ls, &c->fu, "fu");
	return c;
}

const struct lockstep *fu_cosim_core(const struct fu_cosim *c)
{
	return &c->ls;
}

void fu_cosim_drive(struct fu_cosim *c, struct fu_pins *p)
{
	if (lockstep_cmd_due(&c->fu.in, &c->fu.gap) && c->n_cmds < c->n_cmds_max)
		next_cmd(c);
	drive_cmd(c, p);
	p->rst_l = 1;
	lockstep_fu_clock(&c->ls, &c->fu, GAP_MAX);
	c->ls.cycle++;
}

int fu_cosim_check(struct fu_cosim *c, struct fu_pins *p)
{
	const struct ctl_ports want = lockstep_fu_ports(&c->fu);

	lockstep_inject_ctl(&c->ls, &p->ctl);
	if (lockstep_ctl(&c->ls, &want, &p->ctl) ||
	    lockstep_hung(&c->ls, c->max_cycles))
		return 1;
	c->pulses += want.wb_done_valid;
	c->cov_same += want.wb_done_valid && c->fu.u.out.wb_done.kcycles <= 1;
	lockstep_drained(&c->ls, c->n_cmds >= c->n_cmds_max &&
			 lockstep_fu_idle(&c->fu));
	return 0;
}

int fu_cosim_finish(struct fu_cosim *c)
{
	int status = lockstep_status(&c->ls, 0);
	char details[LOCKSTEP_MSG_MAX];

	snprintf(details, sizeof details, "pulses=%" PRIu64 " kcycles0=%"
		 PRIu64 " kcycles1=%" PRIu64 " kcycles2=%" PRIu64
		 " start_and_end_in_one_clock=%" PRIu64 " fifo_full=%" PRIu64,
		 c->pulses, c->cov_kc[0], c->cov_kc[1], c->cov_kc[2],
		 c->cov_same, c->fu.cov_full);
	lockstep_report(&c->ls, status, c->pulses, "command", details);
	free(c);
	return status;
}
