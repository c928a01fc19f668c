/*
 * run.c - wiring and running one simulation (see run.h).
 */
#include "run.h"

#include <stdlib.h>
#include <string.h>

#include "func.h"
#include "kern.h"
#include "../models/dma.h"
#include "../models/fu.h"
#include "../models/sde.h"

static const struct kern_ops sched_ops = {
	"sched", sched_step, sched_commit, sched_horizon, sched_skip, sched_check
};
static const struct kern_ops dma_ops = {
	"dma", dma_step, dma_commit, dma_horizon, dma_skip, dma_check
};
static const struct kern_ops sde_ops = {
	"sde", sde_step, sde_commit, sde_horizon, sde_skip, sde_check
};
static const struct kern_ops fu_ops = {
	"fu", fu_step, fu_commit, fu_horizon, fu_skip, fu_check
};

struct top {
	struct sched sched;
	struct dma dma;
	struct sde sde;
	struct fu vec;
	struct fu smx;
	struct kern kern;
	uint64_t *op_busy, *op_stall;
};

static int alloc_result(struct run_result *r, uint32_t n)
{
	memset(r, 0, sizeof *r);
	r->n_ops = n;
	r->plans = calloc(n ? n : 1, sizeof *r->plans);
	r->ops = calloc(n ? n : 1, sizeof *r->ops);
	r->energy = calloc(n ? n : 1, sizeof *r->energy);
	return r->plans && r->ops && r->energy ? 0 : -1;
}

void run_free(struct run_result *r)
{
	free(r->plans);
	free(r->ops);
	free(r->energy);
	memset(r, 0, sizeof *r);
}

static void wire(struct top *u, const struct config *cfg,
		 const struct run_result *r, const struct sched_hooks *hooks)
{
	struct dma_params dp = { config_dram_bpc_fx(cfg),
				 config_dram_latency_cycles(cfg), cfg->dma_queue };
	struct sde_params ep = { cfg->n_max, cfg->acc_double_buffer,
				 u->op_busy, u->op_stall };

	struct unit_port ports[PU_COUNT] = {
		[PU_SDE] = { &u->sde.out.cmd_ready, &u->sde.out.active,
			     &u->sde.out.rd_done, &u->sde.out.wb_done },
		[PU_VEC] = { &u->vec.out.cmd_ready, &u->vec.out.active,
			     &u->vec.out.rd_done, &u->vec.out.wb_done },
		[PU_SMX] = { &u->smx.out.cmd_ready, &u->smx.out.active,
			     &u->smx.out.rd_done, &u->smx.out.wb_done },
	};
	struct sched_out *so = &u->sched.out;

	sched_init(&u->sched, r->plans, r->n_ops, cfg->double_buffer,
		   &u->dma.out, ports, hooks, r->ops);
	dma_init(&u->dma, &dp, &so->dma);
	sde_init(&u->sde, &ep, &so->cmd[PU_SDE], &so->want[PU_SDE]);
	fu_init(&u->vec, "vec", &so->cmd[PU_VEC], &so->want[PU_VEC],
		u->op_busy, u->op_stall);
	fu_init(&u->smx, "smx", &so->cmd[PU_SMX], &so->want[PU_SMX],
		u->op_busy, u->op_stall);
}

static void add_stats(struct op_stats *t, const struct op_stats *s)
{
	t->attr_cycles += s->attr_cycles;
	t->busy += s->busy;
	t->stall += s->stall;
	t->macs += s->macs;
	t->dense_macs += s->dense_macs;
	t->dram_rd += s->dram_rd;
	t->dram_wr += s->dram_wr;
	t->act_wr += s->act_wr;
	t->act_rd += s->act_rd;
	t->wgt_wr += s->wgt_wr;
	t->wgt_rd += s->wgt_rd;
	t->out_wr += s->out_wr;
	t->out_rd += s->out_rd;
	t->mux_sel += s->mux_sel;
	t->reg_bits += s->reg_bits;
	nl_add(&t->nl, &s->nl);
	t->steps += s->steps;
	t->bp += s->bp;
	t->tiles += s->tiles;
}

static void collect(struct top *u, const struct config *cfg,
		    const struct trace *t, struct run_result *r)
{
	uint32_t i;
	int e;

	r->cycles = u->kern.cycle;
	r->kernel_steps = u->kern.steps;
	r->total.start = 0;
	r->total.end = r->cycles;
	for (i = 0; i < r->n_ops; i++) {
		struct op_stats *s = &r->ops[i];

		/* back-pressure cycles were busy for the unit, but they are
		 * waiting, not work: report them as stalls */
		s->busy = u->op_busy[i] - s->bp;
		s->stall = u->op_stall[i] + s->bp;
		energy_op(cfg, s, t->ops[i].kind == OP_MATMUL, r->plans[i].unit,
			  &r->energy[i]);
		add_stats(&r->total, s);
		for (e = 0; e < EU_COUNT; e++) {
			r->total_energy.dyn_pj[e] += r->energy[i].dyn_pj[e];
			r->total_energy.leak_pj[e] += r->energy[i].leak_pj[e];
		}
		r->total_energy.total_pj += r->energy[i].total_pj;
	}
	r->unit[EU_SDE] = (struct run_unit){ u->sde.busy_cycles - r->total.bp,
					     u->sde.stall_cycles + r->total.bp };
	r->unit[EU_VEC] = (struct run_unit){ u->vec.busy_cycles, u->vec.stall_cycles };
	r->unit[EU_SMX] = (struct run_unit){ u->smx.busy_cycles, u->smx.stall_cycles };
	r->unit[EU_SRAM] = (struct run_unit){ u->sched.sram_busy, 0 };
	r->unit[EU_DRAM] = (struct run_unit){ u->dma.busy_cycles, u->sched.dma_stall };
	r->dma_transfers = u->dma.transfers;
}

static int plan_all(const struct config *cfg, const struct trace *t,
		    struct run_result *r, struct sim_err *err)
{
	uint32_t i;

	for (i = 0; i < r->n_ops; i++)
		if (plan_op(cfg, t, i, &r->plans[i], err))
			return -1;
	plan_fuse(cfg, t, r->plans);
	return 0;
}

int run_sim(const struct config *cfg, const struct trace *t,
	    const struct run_opts *o, struct run_result *r, struct sim_err *err)
{
	struct top *u = calloc(1, sizeof *u);
	struct func f;
	struct sched_hooks hooks = { 0 };
	int rc = -1;

	memset(&f, 0, sizeof f);
	if (!u || alloc_result(r, (uint32_t)t->n_ops)) {
		err_set(err, t->path, 0, "", "out of memory");
		goto out;
	}
	u->op_busy = calloc(r->n_ops + 1, sizeof *u->op_busy);
	u->op_stall = calloc(r->n_ops + 1, sizeof *u->op_stall);
	if (!u->op_busy || !u->op_stall) {
		err_set(err, t->path, 0, "", "out of memory");
		goto out;
	}
	if (plan_all(cfg, t, r, err))
		goto out;
	if (o->functional) {
		if (func_init(&f, cfg, t, r->plans, o->seed, o->dump_dir)) {
			err_set(err, t->path, 0, "", "out of memory");
			goto out;
		}
		func_hooks(&f, &hooks);
	}
	wire(u, cfg, r, o->functional ? &hooks : NULL);
	kern_init(&u->kern, o->fast_forward, o->check);
	kern_add(&u->kern, &sched_ops, &u->sched);
	kern_add(&u->kern, &dma_ops, &u->dma);
	kern_add(&u->kern, &sde_ops, &u->sde);
	kern_add(&u->kern, &fu_ops, &u->vec);
	kern_add(&u->kern, &fu_ops, &u->smx);
	kern_run(&u->kern, sched_done, &u->sched,
		 o->max_cycles ? o->max_cycles : UINT64_MAX);
	collect(u, cfg, t, r);
	r->checked = f.checked;
	if (!sched_done(&u->sched)) {
		r->failed = 1;
		snprintf(r->fail_msg, sizeof r->fail_msg, "internal error: the "
			 "simulation %s at cycle %llu with %u of %u ops done",
			 u->kern.deadlock ? "deadlocked" : "hit its cycle limit",
			 (unsigned long long)u->kern.cycle, u->sched.ops_done,
			 r->n_ops);
	} else if (u->sched.failed) {
		if (f.input_error) {
			err_set(err, o->dump_dir, 0, "--dump", "%s", f.msg);
			goto out;
		}
		r->failed = 1;
		snprintf(r->fail_msg, sizeof r->fail_msg, "%s", f.msg);
	}
	rc = 0;
out:
	func_free(&f);
	if (u) {
		free(u->op_busy);
		free(u->op_stall);
	}
	free(u);
	return rc;
}
