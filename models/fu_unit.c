/*
 * fu_unit.c - kernel hooks shared by the units on the function unit
 * controller (see fu_unit.h). Invariant: they only wire and read a
 * struct fu; its timing is models/fu.c's.
 */
#include "fu_unit.h"

#include "../sim/area.h"

#include "../sim/kern.h"
#include "../sim/sched.h"

const struct kern_ops fu_unit_ops = {
	"fu", fu_step, fu_commit, fu_horizon, fu_skip, fu_check
};

void fu_unit_init(void *self, const char *name, const struct unit_env *env)
{
	struct fu *u = self;

	fu_init(u, name, env->cmd, env->want, env->op_busy, env->op_stall);
	u->tl = env->tl;
	u->why = env->why;
}

void fu_unit_attach(void *self, const struct unit_cmd *cmd,
		    const uint32_t *want)
{
	struct fu *u = self;

	u->in = cmd;
	u->want_op = want;
}

void fu_unit_port(const void *self, struct unit_port *up)
{
	const struct fu *u = self;

	*up = (struct unit_port){ &u->out.cmd_ready, &u->out.active,
				  &u->out.rd_done, &u->out.wb_done };
}

void fu_unit_counters(const void *self, uint64_t *busy, uint64_t *stall)
{
	const struct fu *u = self;

	*busy = u->busy_cycles;
	*stall = u->stall_cycles;
}

/* rtl/fu.v has no parameters: one set, always in the table */
static const struct area_comp fu_comp = { "fu", "fu", "", NULL };

int fu_unit_area(struct area_ctx *c, struct area_unit *u, struct sim_err *err)
{
	double a;

	if (area_component(c, &fu_comp, "-", &a, err))
		return -1;
	area_add(u, "controller", 1, a);
	return 0;
}
