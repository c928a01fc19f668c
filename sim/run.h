/*
 * run.h - one simulation: a config and a trace in, statistics out.
 *
 * Wires the units: scheduler -> DMA (cmd), scheduler -> engine (cmd,
 * want_op), DMA -> scheduler (ready, done), engine -> scheduler (ready,
 * rd_done, wb_done); registers them with the kernel and runs the clock until
 * every op's outputs are stored. Invariant: the result depends only on the
 * config, the trace, the mode and the seed (not on fast-forward, not on the
 * machine), so reports are byte-identical run to run.
 */
#ifndef SIM_RUN_H
#define SIM_RUN_H

#include <stdint.h>

#include "config.h"
#include "energy.h"
#include "moe.h"
#include "plan.h"
#include "area.h"
#include "sched.h"
#include "top.h"
#include "trace.h"

struct run_opts {
	int functional;		/* 1: real data, checked against the reference */
	uint64_t seed;		/* operand streams */
	int fast_forward;	/* 0: strict stepping */
	int check;		/* 1: unit invariants after every cycle */
	const char *dump_dir;	/* functional: write .npy tensors here */
	uint64_t max_cycles;	/* safety stop, 0 = none */
	uint32_t task;		/* MoE: the task whose router routes (--task) */
	int task_set;		/* 1: --task given; else each moe op takes the
				 * task of the gate op before it (or 0) */
	int no_moe_figures;	/* 1: skip the imbalance sub-runs (used by them) */
	const struct run_clock *clock;	/* NULL: the native kernel (top.h) */
	const struct unit_registry *units; /* NULL: stasim's units (unit.h);
					 * tests add their own */
	int no_map_guard;	/* 1: keep the searched tilings unchecked */
	struct timeline *timeline; /* record every unit's lane here, or NULL */
};

struct run_unit {
	uint64_t busy_cycles;	/* cycles doing work */
	uint64_t stall_cycles;	/* cycles waiting with work pending */
};

struct run_result {
	uint32_t n_ops;			/* trace ops */
	struct op_stats *ops;		/* per trace op (its parts summed) */
	struct energy_op *energy;	/* per trace op */
	struct moe_info **moe;		/* per trace op: MoE figures, or NULL */
	uint32_t *first;		/* per trace op: its first execution entry */
	uint32_t n_exec;		/* execution entries (MoE ops have several) */
	struct plan_op *plans;		/* per execution entry */
	struct op_stats *xops;		/* per execution entry */
	struct energy_op *xenergy;	/* per execution entry */
	struct op_stats total;		/* sums over ops */
	struct energy_op total_energy;	/* sums over ops */
	struct run_unit unit[EU_COUNT];	/* per report unit */
	uint64_t cycles;		/* makespan */
	uint64_t kernel_steps;		/* cycles actually stepped (rest skipped) */
	uint64_t checked;		/* functional: output elements compared */
	uint64_t dma_transfers;		/* DMA commands executed */
	int failed;			/* 1: a functional check failed */
	int oom;			/* 1: failed for want of memory, not a check */
	char fail_msg[768];		/* what failed */
	int map_fixed;			/* 1: the mapper searched, but the fixed
					 * rule's tilings ran the trace better */
	uint64_t map_fixed_cycles;	/* the trace on the fixed rule's tilings */
	uint64_t map_search_cycles;	/* and on the searched ones */
	struct area_report area;	/* the design's area (its leakage is
					 * in the energy) */
};

/*
 * Run trace t on cfg. With [mapper] search = exhaustive the trace is first
 * run on the searched tilings and on the fixed rule's, and the better by
 * [mapper] objective is the one reported (so an exhaustive search never
 * makes a trace slower than the fixed rule). Returns 0 (see r->failed for check failures), or -1
 * with err for input that cannot run (unmappable pattern, buffers too small,
 * dump directory unwritable).
 */
int run_sim(const struct config *cfg, const struct trace *t,
	    const struct run_opts *o, struct run_result *r, struct sim_err *err);
void run_free(struct run_result *r);

#endif
