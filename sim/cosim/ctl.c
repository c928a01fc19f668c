/*
 * ctl.c - the controller ports and their comparison (see ctl.h).
 *
 * Invariant: a pulse's flags and op count only while the model's pulse is
 * valid; the RTL may show anything there otherwise.
 */
#include "ctl.h"

#include <string.h>

#include "unit.h"

struct ctl_ports ctl_of(uint8_t cmd_ready, uint8_t active,
			const struct unit_cmd *rd_done,
			const struct unit_cmd *wb_done)
{
	struct ctl_ports c = {
		cmd_ready, active, rd_done->valid, rd_done->flags,
		rd_done->op, wb_done->valid, wb_done->flags, wb_done->op
	};

	return c;
}

struct ctl_cmd ctl_cmd_of(const struct unit_cmd *in)
{
	struct ctl_cmd c = {
		in->valid, in->flags, in->op, in->rows, in->cols,
		(uint32_t)in->kcycles
	};

	return c;
}

const char *ctl_diff(const struct ctl_ports *model,
		     const struct ctl_ports *rtl, uint64_t *want,
		     uint64_t *got)
{
	const struct { const char *port; uint64_t m, r; int on; } p[] = {
		{ "cmd_ready", model->cmd_ready, rtl->cmd_ready, 1 },
		{ "active", model->active, rtl->active, 1 },
		{ "rd_done_valid", model->rd_done_valid, rtl->rd_done_valid, 1 },
		{ "rd_done_flags", model->rd_done_flags, rtl->rd_done_flags,
		  model->rd_done_valid },
		{ "rd_done_op", model->rd_done_op, rtl->rd_done_op,
		  model->rd_done_valid },
		{ "wb_done_valid", model->wb_done_valid, rtl->wb_done_valid, 1 },
		{ "wb_done_flags", model->wb_done_flags, rtl->wb_done_flags,
		  model->wb_done_valid },
		{ "wb_done_op", model->wb_done_op, rtl->wb_done_op,
		  model->wb_done_valid },
	};
	size_t i;

	for (i = 0; i < sizeof p / sizeof p[0]; i++)
		if (p[i].on && p[i].m != p[i].r) {
			*want = p[i].m;
			*got = p[i].r;
			return p[i].port;
		}
	return NULL;
}

int ctl_flip(struct ctl_ports *p, const char *name)
{
	if (!strcmp(name, "cmd_ready"))
		p->cmd_ready ^= 1;
	else if (!strcmp(name, "active"))
		p->active ^= 1;
	else if (!strcmp(name, "rd_done"))
		p->rd_done_valid ^= 1;
	else if (!strcmp(name, "wb_done"))
		p->wb_done_valid ^= 1;
	else
		return 0;
	return 1;
}
