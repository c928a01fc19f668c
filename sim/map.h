/*
 * map.h - the mapper: each engine op's tiling, searched (docs/models.md,
 * "Mapper").
 *
 * The op's unit lists the tilings that fit the buffers and estimates each
 * one in closed form (models/sde_map.h); the mapper keeps the best few by
 * [mapper] objective, runs each of them and the fixed rule's tiling through
 * the simulator itself on the op alone, and keeps the winner. Results are
 * cached per (op shape, residency, config), so a trace of repeated layers
 * or a sweep pays the search once per distinct shape.
 */
#ifndef SIM_MAP_H
#define SIM_MAP_H

#include <stdint.h>

#include "config.h"
#include "err.h"
#include "trace.h"

struct plan_op;

/* What a tiling costs, estimated or simulated. */
struct map_cost {
	uint64_t dram;		/* DRAM bytes, loads and stores */
	uint64_t cycles;	/* cycles of the op */
	double pj;		/* energy */
};

/*
 * Choose p's tiling by cfg->map_search (exhaustive or greedy; p arrives
 * planned by the fixed rule, which stays a candidate) and record what was
 * chosen in p->mapping. s: the buffer halves. Returns 0, or -1 with err
 * when a trial run fails (out of memory).
 */
int map_search(const struct config *cfg, const struct trace *t,
	       const struct op *op, struct plan_op *p, const uint64_t *s,
	       struct sim_err *err);

/* The objective's value of c under cfg. */
double map_score(const struct config *cfg, const struct map_cost *c);

#endif
