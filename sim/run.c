/*
 * run.c - wiring and running one simulation (see run.h).
 *
 * Trace ops become an execution list (an MoE op expands into its parts,
 * sim/moe.c), the units are wired and clocked, and the parts' statistics
 * are summed back per trace op for the report.
 */
#include "run.h"

#include <stdlib.h>
#include <string.h>

#include "func.h"
#include "map.h"
#include "resident.h"
#include "kern.h"
#include "stream.h"
#include "top.h"
#include "unit.h"
#include "lib/hash.h"
#include "../models/dma_unit.h"

static const struct kern_ops sched_ops = {
	"sched", sched_step, sched_commit, sched_horizon, sched_skip, sched_check
};

/* The units a run uses: o->units, else stasim's. */
static const struct unit_registry *units_of(const struct run_opts *o)
{
	return o->units ? o->units : unit_registry_default();
}

void run_free(struct run_result *r)
{
	uint32_t i;

	if (r->moe)
		for (i = 0; i < r->n_ops; i++)
			if (r->moe[i]) {
				moe_route_free(&r->moe[i]->route);
				free(r->moe[i]->tokens);
				free(r->moe[i]);
			}
	free(r->moe);
	free(r->first);
	free(r->plans);
	free(r->xops);
	free(r->xenergy);
	free(r->ops);
	free(r->energy);
	memset(r, 0, sizeof *r);
}

/* The timeline's lanes: DMA loads, stores, DRAM, then each unit. */
static struct tl_track *lane(struct timeline *tl, unsigned i,
			     const char *name)
{
	return tl && i < TL_TRACKS_MAX ? tl_track(tl, i, name) : NULL;
}

static void wire(struct run_top *u, const struct config *cfg,
		 const struct run_result *r, const struct sched_hooks *hooks,
		 struct timeline *tl)
{
	struct dma_params dp = dma_unit_params(cfg);
	struct unit_port ports[UNIT_MAX];
	struct sched_out *so = &u->sched.out;
	uint32_t i;

	for (i = 0; i < u->units->n; i++)
		u->units->cls[i]->port(u->unit[i], &ports[i]);
	sched_init(&u->sched, r->plans, r->n_exec, cfg->double_buffer,
		   &u->dma.out, ports, u->units->n, hooks, r->xops);
	dma_init(&u->dma, &dp, &so->dma);
	u->dma.tl_load = lane(tl, TL_DMA_LOAD, "DMA load");
	u->dma.tl_store = lane(tl, TL_DMA_STORE, "DMA store");
	if (tl) {
		lane(tl, TL_DRAM, "DRAM (waits)");
		tl->bpc = config_dram_bytes_per_cycle(cfg);
		tl->clock_mhz = cfg->clock_mhz;
		u->sched.tl = tl;
	}
	for (i = 0; i < u->units->n; i++) {
		const struct unit_class *c = u->units->cls[i];
		struct unit_env env = { cfg, &so->cmd[i], &so->want[i],
					u->op_busy, u->op_stall,
					lane(tl, TL_UNIT0 + i, c->title ? c->title
							       : c->name),
					&so->why[i] };

		c->init(u->unit[i], &env);
	}
}

static void add_stats(struct op_stats *t, const struct op_stats *s)
{
	if (s->start < t->start || !t->end)
		t->start = s->start;
	if (s->end > t->end)
		t->end = s->end;
	t->attr_cycles += s->attr_cycles;
	t->busy += s->busy;
	t->stall += s->stall;
	t->bp += s->bp;
	t->macs += s->macs;
	t->dense_macs += s->dense_macs;
	t->dram_rd += s->dram_rd;
	t->dram_wr += s->dram_wr;
	t->wgt_dram += s->wgt_dram;
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
	t->tiles += s->tiles;
}

static void add_energy(struct energy_op *t, const struct energy_op *e)
{
	int u;

	for (u = 0; u < EU_COUNT; u++) {
		t->dyn_pj[u] += e->dyn_pj[u];
		t->leak_pj[u] += e->leak_pj[u];
	}
	t->total_pj += e->total_pj;
}

/* Each unit's busy and stall cycles into its report bucket; bp: per unit,
 * its busy cycles spent on back-pressure, reported as stalls. */
static void collect_units(const struct run_top *u, const uint64_t *bp,
			  struct run_result *r)
{
	uint64_t busy, stall;
	uint32_t i;

	for (i = 0; i < u->units->n; i++) {
		const struct unit_class *c = u->units->cls[i];

		c->counters(u->unit[i], &busy, &stall);
		r->unit[c->eu].busy_cycles += busy - bp[i];
		r->unit[c->eu].stall_cycles += stall + bp[i];
	}
}

static void collect(struct run_top *u, const struct config *cfg,
		    struct run_result *r)
{
	uint64_t bp[UNIT_MAX] = { 0 };
	uint32_t x;

	r->cycles = u->cycles;
	r->kernel_steps = u->steps;
	for (x = 0; x < r->n_exec; x++) {
		struct op_stats *s = &r->xops[x];
		const struct plan_op *p = &r->plans[x];

		/* back-pressure cycles were busy for the unit, but they are
		 * waiting, not work: report them as stalls */
		s->busy = u->op_busy[x] - s->bp;
		s->stall = u->op_stall[x] + s->bp;
		bp[p->unit] += s->bp;
		energy_op(cfg, s, p, &r->xenergy[x]);
		add_stats(&r->ops[p->trace_op], s);
		add_energy(&r->energy[p->trace_op], &r->xenergy[x]);
		add_stats(&r->total, s);
		add_energy(&r->total_energy, &r->xenergy[x]);
	}
	r->total.start = 0;
	r->total.end = r->cycles;
	collect_units(u, bp, r);
	r->unit[EU_SRAM] = (struct run_unit){ u->sched.sram_busy, 0 };
	r->unit[EU_DRAM] = (struct run_unit){ u->dma.busy_cycles, u->sched.dma_stall };
	r->dma_transfers = u->dma.transfers;
}

static int oom(const struct trace *t, struct sim_err *err)
{
	return err_set(err, t->path, 0, "", "out of memory");
}

static uint64_t name_hash(const char *s)
{
	return stream_mix(hash_bytes(MOE_HASH_BASIS, s, strlen(s)));
}

/* The router an MoE op uses: --task, else its gate op's task, else 0. */
static uint32_t moe_task(const struct trace *t, uint32_t i,
			 const struct run_opts *o)
{
	if (o->task_set)
		return o->task;
	if (i > 0 && t->ops[i - 1].kind == OP_GATE)
		return t->ops[i - 1].task;
	return 0;
}

/* Route an MoE op, expand it, and keep what the report needs. */
static int plan_moe(const struct config *cfg, const struct trace *t,
		    const struct run_opts *o, uint32_t i, struct plan_list *x,
		    struct run_result *r, struct sim_err *err)
{
	const struct op *op = &t->ops[i];
	struct moe_route rt = { 0 };
	struct moe_info *mi = calloc(1, sizeof *mi);
	uint32_t e;
	int rc;

	/* the stream follows the op's name, so the op routes the same
	 * alone (imbalance figure) as within its trace */
	if (!mi || moe_route(cfg, t, op, o->seed ^ name_hash(op->name),
			     moe_task(t, i, o), &rt)) {
		free(mi);
		moe_route_free(&rt);
		return oom(t, err);
	}
	r->moe[i] = mi;
	mi->experts = op->experts;
	mi->topk = op->topk;
	mi->dropped = rt.dropped;
	mi->order = cfg->moe_order;
	mi->tokens = calloc(op->experts, sizeof *mi->tokens);
	for (e = 0; mi->tokens && e < op->experts; e++) {
		mi->tokens[e] = rt.kept[e];
		mi->active += rt.kept[e] > 0;
	}
	rc = mi->tokens ? moe_expand(cfg, t, i, &rt, x, err) : oom(t, err);
	mi->route = rt;		/* functional mode reads it; run_free frees it */
	return rc;
}

/* Trace op i as its unit plans it: one entry, or its own expansion. */
static int plan_one(const struct config *cfg, const struct trace *t,
		    uint32_t i, struct plan_list *x, struct sim_err *err)
{
	int u = unit_for_op(x->reg, &t->ops[i]);

	if (u >= 0 && x->reg->cls[u]->expand)
		return x->reg->cls[u]->expand(cfg, t, i, x, err);
	return plan_list_op(x, cfg, t, &t->ops[i], i, err) ? 0 : -1;
}

static int plan_all(const struct config *cfg, const struct trace *t,
		    const struct run_opts *o, struct run_result *r,
		    struct sim_err *err)
{
	struct plan_list x = { NULL, 0, 0, units_of(o) };
	uint32_t i;

	for (i = 0; i < r->n_ops; i++) {
		r->first[i] = (uint32_t)x.n;
		if (t->ops[i].kind == OP_MOE) {	/* MoE layers: sim/moe.c */
			if (plan_moe(cfg, t, o, i, &x, r, err))
				goto fail;
			continue;
		}
		if (plan_one(cfg, t, i, &x, err))
			goto fail;
	}
	plan_fuse(x.reg, cfg, x.p, x.n);
	/* tiles first, so that what stays on chip leaves each op the room
	 * its searched tiles stream in; then the tiles again, on chip */
	if (plan_map(cfg, t, x.p, x.n, err) ||
	    resident_plan(cfg, t, r->first, x.p, (uint32_t)x.n, err) ||
	    plan_map(cfg, t, x.p, x.n, err))
		goto fail;
	r->plans = x.p;
	r->n_exec = (uint32_t)x.n;
	return 0;
fail:
	free(x.p);
	return -1;
}

static int alloc_result(struct run_result *r, uint32_t n)
{
	memset(r, 0, sizeof *r);
	r->n_ops = n;
	r->ops = calloc(n ? n : 1, sizeof *r->ops);
	r->energy = calloc(n ? n : 1, sizeof *r->energy);
	r->moe = calloc(n ? n : 1, sizeof *r->moe);
	r->first = calloc(n ? n : 1, sizeof *r->first);
	return r->ops && r->energy && r->moe && r->first ? 0 : -1;
}

static int alloc_exec(struct run_result *r, struct run_top *u)
{
	size_t n = r->n_exec ? r->n_exec : 1;
	uint32_t i;

	for (i = 0; i < u->units->n; i++)
		if (!(u->unit[i] = calloc(1, u->units->cls[i]->size)))
			return -1;

	r->xops = calloc(n, sizeof *r->xops);
	r->xenergy = calloc(n, sizeof *r->xenergy);
	u->op_busy = calloc(n + 1, sizeof *u->op_busy);
	u->op_stall = calloc(n + 1, sizeof *u->op_stall);
	return r->xops && r->xenergy && u->op_busy && u->op_stall ? 0 : -1;
}

static int clock_units(struct run_top *u, const struct run_opts *o,
		       char *msg, size_t msg_len)
{
	uint32_t i;

	if (o->clock)
		return o->clock->run(o->clock->ctx, u, o->check, msg, msg_len);
	kern_init(&u->kern, o->fast_forward, o->check);
	kern_add(&u->kern, &sched_ops, &u->sched);
	kern_add(&u->kern, &dma_unit_ops, &u->dma);
	for (i = 0; i < u->units->n; i++)
		kern_add(&u->kern, u->units->cls[i]->ops, u->unit[i]);
	u->cycles = kern_run(&u->kern, sched_done, &u->sched, UINT64_MAX);
	u->steps = u->kern.steps;
	u->deadlock = u->kern.deadlock;
	return 0;
}

static void outcome(struct run_top *u, struct run_result *r, struct func *f)
{
	r->checked = f->checked;
	if (u->fail_msg[0]) {
		r->failed = 1;
		snprintf(r->fail_msg, sizeof r->fail_msg, "%s", u->fail_msg);
	} else if (!sched_done(&u->sched)) {
		r->failed = 1;
		snprintf(r->fail_msg, sizeof r->fail_msg, "internal error: the "
			 "simulation %s at cycle %llu with %u of %u ops done",
			 u->deadlock ? "deadlocked" : "hit its cycle limit",
			 (unsigned long long)u->cycles, u->sched.ops_done,
			 r->n_exec);
	} else if (u->sched.failed && !f->input_error) {
		r->failed = 1;
		r->oom = f->oom;
		snprintf(r->fail_msg, sizeof r->fail_msg, "%s", f->msg);
	}
}

static int run_moe_figures(const struct config *cfg, const struct trace *t,
			   const struct run_opts *o, struct run_result *r,
			   struct sim_err *err);

static void free_top(struct run_top *u)
{
	uint32_t i;

	for (i = 0; u->units && i < u->units->n; i++)
		free(u->unit[i]);
	free(u->op_busy);
	free(u->op_stall);
}

static int run_once(const struct config *cfg, const struct trace *t,
		    const struct run_opts *o, struct run_result *r,
		    struct sim_err *err)
{
	struct run_top *u = calloc(1, sizeof *u);
	struct func f;
	struct sched_hooks hooks = { 0 };
	char msg[512];
	int rc = -1;

	memset(&f, 0, sizeof f);
	if (!u || alloc_result(r, (uint32_t)t->n_ops)) {
		oom(t, err);
		goto out;
	}
	u->units = units_of(o);
	if (plan_all(cfg, t, o, r, err))
		goto out;
	if (alloc_exec(r, u)) {
		oom(t, err);
		goto out;
	}
	if (o->functional) {
		if (func_init(&f, cfg, t, r->plans, r->n_exec, r->moe, o->seed,
			      o->dump_dir)) {
			oom(t, err);
			goto out;
		}
		func_hooks(&f, &hooks);
	}
	wire(u, cfg, r, o->functional ? &hooks : NULL, o->timeline);
	if (clock_units(u, o, msg, sizeof msg)) {
		err_set(err, t->path, 0, "", "%s", msg);
		goto out;
	}
	collect(u, cfg, r);
	outcome(u, r, &f);
	if (u->sched.failed && f.input_error) {
		err_set(err, o->dump_dir, 0, "--dump", "%s", f.msg);
		goto out;
	}
	rc = o->no_moe_figures || r->failed ? 0 : run_moe_figures(cfg, t, o, r, err);
out:
	func_free(&f);
	if (u)
		free_top(u);
	free(u);
	return rc;
}

static double run_score(const struct config *cfg, const struct run_result *r)
{
	struct map_cost c = { 0, r->cycles, r->total_energy.total_pj };

	return map_score(cfg, &c);
}

/* The searched tilings, the greedy estimate's, the fixed rule's. */
enum { TRY_SEARCH, TRY_GREEDY, TRY_FIXED, TRY_N };

/*
 * The decision runs (timing, fast-forwarded, native kernel, no figures):
 * the whole trace on each way of choosing tilings. Per-op trials cannot
 * see how one op's tiles shift its neighbours' prefetch, so the search
 * keeps whichever ran the trace best; returns its index.
 */
static int guard(const struct config *cfg, const struct trace *t,
		 const struct run_opts *o, struct config *cf,
		 struct run_result *r, struct sim_err *err)
{
	struct run_opts q = { .seed = o->seed, .fast_forward = 1,
			      .max_cycles = o->max_cycles, .task = o->task,
			      .task_set = o->task_set, .no_moe_figures = 1,
			      .units = o->units, .no_map_guard = 1 };
	static const int how[TRY_N] = { CFG_MAP_EXHAUSTIVE, CFG_MAP_GREEDY,
					CFG_MAP_FIXED };
	int i, best = 0;

	for (i = 0; i < TRY_N; i++) {
		cf[i] = *cfg;
		cf[i].map_search = how[i];
		if (run_once(&cf[i], t, &q, &r[i], err)) {
			while (i-- > 0)
				run_free(&r[i]);
			return -1;
		}
		/* ties go to the simpler rule */
		if (run_score(cfg, &r[i]) <= run_score(cfg, &r[best]))
			best = i;
	}
	return best;
}

/* run_sim on a config whose leakage rates are set */
static int run_leaking(const struct config *cfg, const struct trace *t,
		       const struct run_opts *o, struct run_result *r,
		       struct sim_err *err)
{
	struct run_result rt[TRY_N];
	struct config cf[TRY_N];
	uint64_t fixed_cyc, search_cyc;
	int best, i, rc;

	memset(r, 0, sizeof *r);	/* run_free-able whatever fails */
	if (o->no_map_guard || cfg->map_force.valid ||
	    cfg->map_search != CFG_MAP_EXHAUSTIVE)
		return run_once(cfg, t, o, r, err);
	best = guard(cfg, t, o, cf, rt, err);
	if (best < 0)
		return -1;
	fixed_cyc = rt[TRY_FIXED].cycles;
	search_cyc = rt[TRY_SEARCH].cycles;
	if (!o->functional && o->fast_forward && !o->check && !o->clock &&
	    !o->timeline) {
		/* the decision run is this run: keep it */
		*r = rt[best];
		memset(&rt[best], 0, sizeof rt[best]);
		rc = o->no_moe_figures ? 0 :
		     run_moe_figures(&cf[best], t, o, r, err);
	} else {
		rc = run_once(&cf[best], t, o, r, err);
	}
	for (i = 0; i < TRY_N; i++)
		run_free(&rt[i]);
	r->map_fixed = best == TRY_FIXED;
	r->map_fixed_cycles = fixed_cyc;
	r->map_search_cycles = search_cyc;
	return rc;
}

/*
 * The design's area first (a table lookup, never synthesis: sim/area.h),
 * then its leakage rates on a copy of the config, then the run: energy
 * and the mapper's estimates price leakage from that copy.
 */
int run_sim(const struct config *cfg, const struct trace *t,
	    const struct run_opts *o, struct run_result *r, struct sim_err *err)
{
	struct config *c = malloc(sizeof *c);	/* large: not on the stack */
	struct area_report *a = malloc(sizeof *a);
	int rc = -1;

	memset(r, 0, sizeof *r);	/* run_free-able whatever fails */
	if (!c || !a)
		oom(t, err);
	else if (!area_of(units_of(o), cfg, a, err)) {
		*c = *cfg;
		area_leakage(units_of(o), a, c);
		rc = run_leaking(c, t, o, r, err);
		r->area = *a;
	}
	free(c);
	free(a);
	return rc;
}

/* Cycles of op i simulated alone, with routing route (balanced: over
 * `active` experts). */
static int alone(const struct config *cfg, const struct trace *t, uint32_t i,
		 uint32_t route, uint32_t active, const struct run_opts *o,
		 uint64_t *cycles, struct sim_err *err)
{
	struct trace one = { 0 };
	struct op op = t->ops[i];
	struct run_result r;
	struct run_opts so = *o;
	int rc;

	snprintf(one.path, sizeof one.path, "%s", t->path);
	op.routing = route;
	if (route == ROUTE_BALANCED)
		op.hot = active;
	if (trace_push(&one, &op))	/* alone, it reads the graph input */
		return oom(t, err);
	one.assign = t->assign;		/* shared, not owned: not freed here */
	so.task = moe_task(t, i, o);	/* alone, it has no gate before it */
	so.task_set = 1;
	so.no_moe_figures = 1;
	so.no_map_guard = 1;	/* the main run's tilings, as chosen */
	so.functional = 0;
	so.dump_dir = NULL;
	so.timeline = NULL;
	so.seed = o->seed;
	rc = run_leaking(cfg, &one, &so, &r, err);	/* cfg: run_sim's copy */
	*cycles = r.cycles;
	run_free(&r);
	one.assign = NULL;
	trace_free(&one);
	return rc;
}

/*
 * Per MoE op: expert weight bytes, the gate op before it, and the cost of
 * imbalance: the op alone with its routing minus the op alone with the
 * same tokens spread evenly over the same number of active experts (so
 * the same weights move), same hardware and seed.
 */
static int run_moe_figures(const struct config *cfg, const struct trace *t,
			   const struct run_opts *o, struct run_result *r,
			   struct sim_err *err)
{
	uint64_t real, bal;
	uint32_t i, x;

	for (i = 0; i < r->n_ops; i++) {
		struct moe_info *mi = r->moe[i];

		if (!mi)
			continue;
		for (x = 0; x < r->n_exec; x++)	/* FC1 and FC2 weights */
			if (r->plans[x].trace_op == i &&
			    r->plans[x].src.kind == OP_GEMM)
				mi->weight_bytes += r->xops[x].wgt_dram;
		if (i > 0 && t->ops[i - 1].kind == OP_GATE)
			mi->gating_cycles = r->ops[i - 1].end - r->ops[i - 1].start;
		if (alone(cfg, t, i, t->ops[i].routing, 0, o, &real, err) ||
		    alone(cfg, t, i, ROUTE_BALANCED, mi->active, o, &bal, err))
			return -1;
		mi->imbalance_cycles = real > bal ? real - bal : 0;
	}
	return 0;
}
