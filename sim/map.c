/*
 * map.c - the mapper (see map.h).
 *
 * Exhaustive: every tiling the unit lists is estimated in closed form, the
 * best three and the fixed rule's are run in the simulator (the op twice
 * in a row, same config, the op's residency imposed), and the best run
 * wins; the fixed rule wins unless clearly beaten. Greedy: fewer
 * candidates (no tile under a quarter of its dimension), and the estimate
 * alone decides between the best and the fixed rule's.
 * Invariant: p leaves map_search planned with a tiling its unit accepted.
 */
#include "map.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "run.h"
#include "lib/hash.h"

#define MAP_CANDS 4096		/* candidates estimated, at most */
#define MAP_TRIALS 3		/* best estimates run, besides the fixed rule */
#define MAP_CACHE 256		/* distinct (shape, config) remembered */

struct map_entry {
	uint64_t key;			/* 0: empty */
	struct cfg_map_force pick;	/* the winner */
	struct plan_map info;		/* what was found */
};

/* Per process: a sweep's worker keeps it across points of one config. */
static struct map_entry cache[MAP_CACHE];

double map_score(const struct config *cfg, const struct map_cost *c)
{
	switch (cfg->map_objective) {
	case CFG_OBJ_ENERGY:
		return c->pj;
	case CFG_OBJ_EDP:
		return c->pj * (double)c->cycles;
	default:
		return (double)c->cycles;
	}
}

/* Everything the op's cost alone depends on: its shape and residency,
 * the buffer halves, and the config keys of the engine, buffers, DRAM, DMA
 * and energy (the mapper's trials run the op alone, so the softmax, vector
 * and gate keys do not matter). */
static uint64_t key_of(const struct config *cfg, const struct plan_op *p,
		       const uint64_t *s)
{
	uint64_t v[] = { p->src.kind, p->m, p->k, p->n, p->heads, p->map.n,
		p->map.m, (uint64_t)p->a_res, (uint64_t)p->b_res,
		(uint64_t)p->o_res, s[0], s[1], s[2], cfg->rows, cfg->cols,
		cfg->n_max, cfg->m_max, cfg->act_bits, cfg->weight_bits,
		(uint64_t)cfg->index_format, (uint64_t)cfg->acc_double_buffer,
		cfg->act_kib, cfg->wgt_kib, cfg->out_kib,
		(uint64_t)cfg->double_buffer, cfg->burst_bytes, cfg->dma_queue,
		(uint64_t)cfg->map_search, (uint64_t)cfg->map_objective };
	double d[] = { cfg->clock_mhz, cfg->dram_gbps, cfg->dram_latency_ns };
	struct energy_table e = cfg->energy;
	uint64_t h = HASH_FNV_INIT;

	memset(e.path, 0, sizeof e.path);
	h = hash_bytes(h, v, sizeof v);
	h = hash_bytes(h, d, sizeof d);
	h = hash_bytes(h, &e, sizeof e);
	return h ? h : 1;
}

/*
 * The op with tiling f imposed, run through the simulator twice in a row;
 * the second run is what the op costs inside a trace, where its first
 * loads overlap the op before it and its last stores the op after.
 */
static int trial(const struct config *cfg, const struct op *op,
		 const struct cfg_map_force *f, struct map_cost *out,
		 struct sim_err *err)
{
	struct config c = *cfg;
	struct trace two;
	struct op a, b;
	struct run_opts o = { .fast_forward = 1, .no_moe_figures = 1 };
	struct run_result r;
	int rc;

	c.map_force = *f;
	c.map_force.valid = 1;
	memset(&two, 0, sizeof two);
	a = b = *op;
	snprintf(a.name, sizeof a.name, "trial.first");
	snprintf(b.name, sizeof b.name, "trial.second");
	if (trace_push(&two, &a) || trace_push(&two, &b)) {
		trace_free(&two);
		return err_set(err, "", 0, "mapper", "out of memory");
	}
	rc = run_sim(&c, &two, &o, &r, err);
	if (rc == 0) {
		out->cycles = r.ops[1].end - r.ops[0].end;
		out->dram = r.ops[1].dram_rd + r.ops[1].dram_wr;
		out->pj = r.energy[1].total_pj;
		run_free(&r);
	}
	trace_free(&two);
	return rc;
}

struct ranked {
	struct cfg_map_force c;
	double score;
};

static int by_score(const void *a, const void *b)
{
	double x = ((const struct ranked *)a)->score;
	double y = ((const struct ranked *)b)->score;

	return x < y ? -1 : x > y;
}

static struct cfg_map_force tiling_of(const struct plan_op *p)
{
	return (struct cfg_map_force){ 1, p->tm, p->tn, p->tk, p->m_outer,
				       p->psum, p->o_whole, p->a_res, p->b_res,
				       p->o_res };
}

/* Estimate every candidate; the best `keep` first in r. */
static uint32_t rank(const struct config *cfg, const struct plan_op *p,
		     const uint64_t *s, struct ranked *r, uint32_t *n_cands)
{
	struct cfg_map_force *c = malloc(MAP_CANDS * sizeof *c);
	struct plan_op t = *p;
	struct map_cost mc;
	uint32_t n, i;

	if (!c)
		return 0;
	n = p->uc->map_candidates(p, s, cfg->map_search == CFG_MAP_GREEDY, c,
				  MAP_CANDS);
	for (i = 0; i < n; i++) {
		p->uc->map_apply(&t, &c[i], s);
		p->uc->map_estimate(cfg, &t, &mc);
		r[i].c = c[i];
		r[i].score = map_score(cfg, &mc);
	}
	free(c);
	qsort(r, n, sizeof *r, by_score);
	*n_cands = n;
	return n;
}

/* A tiling replaces the fixed rule's only when it wins by more than the
 * op's neighbours can take back in a trace (their loads and stores overlap
 * its first and last tiles): 1 % of the cycles plus 200. */
static int clear_win(const struct config *cfg, const struct map_cost *c,
		     const struct map_cost *fixed)
{
	if (cfg->map_objective != CFG_OBJ_CYCLES)
		return 1;
	return c->cycles + c->cycles / 100 + 200 < fixed->cycles;
}

/* Candidate c, costing mc, becomes the pick if it beats the best so far
 * and clearly the fixed rule's. */
static void consider(const struct config *cfg, struct map_entry *e,
		     struct map_cost *best, const struct map_cost *fixed,
		     const struct map_cost *mc, const struct cfg_map_force *c)
{
	if (map_score(cfg, mc) < map_score(cfg, best) &&
	    clear_win(cfg, mc, fixed)) {
		*best = *mc;
		e->pick = *c;
	}
}

static int search(const struct config *cfg, const struct op *op,
		  struct plan_op *p, const uint64_t *s, struct map_entry *e,
		  struct sim_err *err)
{
	struct ranked *r = malloc(MAP_CANDS * sizeof *r);
	uint32_t n, i;
	struct map_cost best, mc, fixed;

	if (!r)
		return err_set(err, "", 0, "mapper", "out of memory");
	e->pick = tiling_of(p);
	n = rank(cfg, p, s, r, &e->info.candidates);
	if (cfg->map_search == CFG_MAP_GREEDY) {
		/* the estimate decides; the fixed rule's tiling unless beaten */
		p->uc->map_estimate(cfg, p, &fixed);
		best = fixed;
		for (i = 0; i < n && i < 1; i++) {
			struct plan_op t = *p;

			p->uc->map_apply(&t, &r[i].c, s);
			p->uc->map_estimate(cfg, &t, &mc);
			consider(cfg, e, &best, &fixed, &mc, &r[i].c);
		}
		e->info.pred_dram = best.dram;
		e->info.pred_cycles = best.cycles;
		free(r);
		return 0;
	}
	if (trial(cfg, op, &e->pick, &fixed, err))
		goto fail;
	best = fixed;
	e->info.simulated = 1;
	for (i = 0; i < n && i < MAP_TRIALS; i++) {
		if (!memcmp(&r[i].c, &e->pick, sizeof r[i].c))
			continue;
		if (trial(cfg, op, &r[i].c, &mc, err))
			goto fail;
		e->info.simulated++;
		consider(cfg, e, &best, &fixed, &mc, &r[i].c);
	}
	e->info.pred_dram = best.dram;
	e->info.pred_cycles = best.cycles;
	free(r);
	return 0;
fail:
	free(r);
	return -1;
}

int map_search(const struct config *cfg, const struct trace *t,
	       const struct op *op, struct plan_op *p, const uint64_t *s,
	       struct sim_err *err)
{
	uint64_t key = key_of(cfg, p, s);
	struct map_entry *e = &cache[key % MAP_CACHE];

	(void)t;
	if (e->key != key) {
		struct map_entry n = { key, { 0 }, { 0 } };

		n.info.search = cfg->map_search;
		if (search(cfg, op, p, s, &n, err))
			return -1;
		*e = n;
	}
	if (p->uc->map_apply(p, &e->pick, s))
		return err_set(err, cfg->path, 0, "mapper",
			       "internal: the chosen tiling no longer fits");
	p->mapping = e->info;
	return 0;
}
