/*
 * plan.h - tiling of one op onto its unit and the SRAM buffers.
 *
 * An op goes to the first unit of the registry that takes it (sim/unit.h),
 * which tiles it (the engine's search: models/sde_unit.c) and fills its
 * own parameter block. An op is cut into SRAM tiles (tm x tk activations,
 * tk x tn weights, tm x tn outputs) that fit one half of each
 * double-buffered buffer, and each
 * SRAM tile into array tiles of at most rows x cols outputs. The loop order
 * (m outer or n outer) is chosen to move fewer DRAM bytes. A walker
 * enumerates the k-steps of array tiles in execution order; every consumer
 * (loads, compute, stores) walks the same sequence with its own cursor, so
 * no step list is ever stored. Invariant: each step's loads fit their buffer
 * half, and a load is issued only when its block differs from the block the
 * previous step used (reuse of the resident block).
 */
#ifndef SIM_PLAN_H
#define SIM_PLAN_H

#include <stdint.h>

#include "config.h"
#include "moe.h"
#include "trace.h"
#include "unit.h"
#include "../models/nl.h"
#include "../models/nm.h"

/* An engine op's mapping as the mapper saw it (report: "mapping"). */
struct plan_map {
	int search;			/* enum cfg_map_search used */
	uint32_t candidates;		/* candidates estimated */
	uint32_t simulated;		/* of those, run in the simulator */
	uint64_t pred_dram;		/* predicted DRAM bytes of the op */
	uint64_t pred_cycles;		/* predicted cycles (estimate or trial run) */
};

struct plan_op {
	uint32_t op;			/* index in the execution list */
	uint32_t trace_op;		/* the trace op it is (part of) */
	struct op src;			/* the op planned (a trace op, or an MoE part) */
	uint32_t unit;			/* its class's index in the registry (port) */
	const struct unit_class *uc;	/* who computes it (sim/unit.h) */
	union unit_params params;	/* that unit's own parameters, typed by
					 * models/<unit>_unit.h */
	int a_gather;			/* activation rows scattered in DRAM (MoE tokens) */
	int w_gather;			/* second-operand rows scattered in DRAM */
	int o_scatter;			/* output rows scattered in DRAM */
	struct moe_part moe;		/* MoE part: role, expert, tokens (moe.h) */
	int w_load;			/* 1: a second operand is loaded (weights, B, add's b) */
	int w_dep;			/* 1: that operand is an earlier op's output */
	int a_onchip;			/* 1: first operand streams from the unit before (fused) */
	int o_onchip;			/* 1: outputs stream to the unit after, never stored */
	uint32_t drain_lanes;		/* engine: consumer of the drain takes this many
					 * values per cycle (0: the output buffer, a row) */
	uint32_t a_lanes;		/* engine: first operand supplied at this many
					 * values per cycle (0: from SRAM, no limit) */
	struct nm_map map;		/* pattern on this engine */
	uint32_t m, k, n, heads;	/* shape */
	uint32_t tm, tn, tk;		/* SRAM tile sizes */
	uint32_t n_mt, n_nt, n_kt;	/* SRAM tiles per dimension */
	int m_outer;			/* 1: m tiles outer (activations resident) */
	int psum;			/* engine: k-slices outside the array tiles,
					 * partial sums kept in the out buffer */
	int o_whole;			/* its output tiles take the whole out
					 * buffer: the next waits for the store */
	uint64_t out_bytes;		/* the whole out buffer */
	int a_res, b_res;		/* first / second operand resident on chip */
	int o_res;			/* output kept on chip for its readers */
	uint32_t dep;			/* 1 + the latest entry producing an input
					 * of this one; 0: none */
	uint32_t a_dep, b_dep;		/* the same for the first and the second
					 * operand alone: what its loads wait for */
	uint64_t halves[3];		/* act, wgt, out half bytes it was planned in */
	struct plan_map mapping;	/* engine: what the mapper chose */
	uint32_t ab, ob;		/* activation and output bytes per element */
	uint32_t wbits;			/* bits per stored weight value */
	int bitmap;			/* index format (sparse only) */
	int b_rowmajor;			/* weights are a row-major activation (matmul) */
	uint32_t rows, cols;		/* PE array (vector ops: one tile, tm x n) */
	uint32_t burst;			/* DRAM burst, bytes */
	uint32_t shift;			/* requantization shift */
};

struct plan_step {
	uint32_t op;			/* op index */
	uint32_t head, mt, nt, kt;	/* SRAM tile position */
	uint32_t r0, c0, rows, cols;	/* array tile in the output */
	uint32_t klen;			/* reduction elements in this step */
	uint64_t kcycles;		/* engine stream cycles */
	uint8_t flags;			/* UNIT_* */
	uint8_t psum;			/* engine: enum unit_psum */
	uint8_t new_a, new_w, new_o;	/* needs an activation / weight load; new out tile */
	uint64_t a_dram, w_dram;	/* DRAM bytes of those loads (whole bursts) */
	uint64_t a_sram, w_sram;	/* bytes those loads write into SRAM */
	uint64_t o_dram, o_sram;	/* store of the out tile (on O_LAST steps) */
	uint64_t macs;			/* multiplies performed */
	uint64_t dense_macs;		/* dense-equivalent MACs */
	uint64_t act_rd, wgt_rd, out_wr; /* SRAM bytes the engine reads / writes */
	uint64_t mux_sel;		/* index multiplexer selects */
	uint64_t reg_bits;		/* operand + accumulator register bits written */
	struct nl_actions nl;		/* vector / softmax unit actions */
	uint32_t drain_cpr;		/* engine: cycles per drained row */
	uint64_t bp_cycles;		/* engine: busy cycles spent waiting on a
					 * fused neighbour (back-pressure) */
};

/* Which blocks a step reads and writes: its head and SRAM tile. */
struct plan_pos {
	uint32_t head, mt, nt, kt;
};

struct plan_walk {
	const struct plan_op *p;	/* the op being walked */
	struct plan_pos prev;		/* the blocks of the step emitted last */
	uint32_t h, o1, o2, i, j, kt;	/* loop counters, outermost first */
	int done;			/* 1: past the last step */
	int first;			/* 1: no step emitted yet */
};

/* Growable execution list, planned against one registry. */
struct plan_list {
	struct plan_op *p;		/* entries */
	size_t n, cap;			/* in use, allocated */
	const struct unit_registry *reg; /* the units its entries run on */
};

/*
 * Plan op (trace op trace_op, or a part of it) as entry xi of the
 * execution list, on the first unit of reg that takes it. Returns 0, or -1
 * with err when the op cannot run: a pattern the engine cannot map (trace
 * file, op line, "gemm.nm"), a buffer too small for one array tile (config
 * file, "sram.*_kib"), or no unit of reg taking its kind.
 */
int plan_op_in(const struct unit_registry *reg, const struct config *cfg,
	       const struct trace *t, const struct op *op, uint32_t xi,
	       uint32_t trace_op, struct plan_op *p, struct sim_err *err);
/* plan_op_in on stasim's own units (unit_registry_default). */
int plan_op(const struct config *cfg, const struct trace *t,
	    const struct op *op, uint32_t xi, uint32_t trace_op,
	    struct plan_op *p, struct sim_err *err);

/* The act, wgt and out buffer halves of cfg in bytes (whole buffers
 * without double buffering). */
void plan_halves(const struct config *cfg, uint64_t *s);
/* Plan entry p again in halves s, keeping its place, its links to fused
 * neighbours and its residency. 0, or -1 with err (a buffer too small). */
int plan_op_again(const struct config *cfg, const struct trace *t,
		  struct plan_op *p, const uint64_t *s, struct sim_err *err);

/* Append one entry to x; returns it (uninitialized) or NULL. */
struct plan_op *plan_list_add(struct plan_list *x);
/* Append op (part of trace op trace_op) planned on x->reg; returns the
 * entry, or NULL with err (out of memory, or plan_op_in's errors). */
struct plan_op *plan_list_op(struct plan_list *x, const struct config *cfg,
			     const struct trace *t, const struct op *op,
			     uint32_t trace_op, struct sim_err *err);

/*
 * Fuse neighbours on the chip (docs/models.md): each unit of reg marks
 * the links it makes (softmax: matmul -> softmax -> matmul; vector: gemm
 * -> gelu). Call after every op is planned.
 */
void plan_fuse(const struct unit_registry *reg, const struct config *cfg,
	       struct plan_op *plans, size_t n);

/*
 * The mapper's pass, after plan_fuse: each op whose unit has tilings and
 * that is not fused to a neighbour gets the tiling cfg->map_search finds
 * (sim/map.h); every such op records its mapping. 0, or -1 with err.
 */
int plan_map(const struct config *cfg, const struct trace *t,
	     struct plan_op *plans, size_t n, struct sim_err *err);

/* "too small" for op: one tile needs `need` bytes of buffer `key`, a half
 * holds `have`. Returns -1 with err. */
int plan_too_small(const struct config *cfg, const struct trace *t,
		   const struct op *op, const char *key, uint64_t need,
		   uint64_t have, struct sim_err *err);
/*
 * Tile a row op (vector and softmax units): rows of n int8 values (all
 * heads stacked), as many per SRAM tile as fit every buffer half involved
 * (the weight buffer too when p->w_load). Returns 0, or -1 with err.
 */
int plan_rows(const struct config *cfg, const struct trace *t,
	      const struct op *op, struct plan_op *p, const uint64_t *slots,
	      struct sim_err *err);
/* A row op's buffer traffic: it reads its rows (and the second operand's
 * when p->w_load) and writes them; passthrough: it works on a neighbour's
 * stream and touches no buffer. */
void plan_row_work(const struct plan_op *p, struct plan_step *s,
		   int passthrough);

/* The loads of SRAM tile (mt, nt) at k-slice kt of head 0, as the walker
 * fills them for its first array tile (the mapper's estimate). */
void plan_block_loads(const struct plan_op *p, uint32_t mt, uint32_t nt,
		      uint32_t kt, struct plan_step *s);

void plan_walk_init(struct plan_walk *w, const struct plan_op *p);
/* Fill s with the next step; returns 0, or -1 when the op has no more. */
int plan_walk_next(struct plan_walk *w, struct plan_step *s);

static inline uint32_t plan_min32(uint64_t a, uint64_t b)
{
	return (uint32_t)(a < b ? a : b);
}

static inline uint32_t plan_cdiv(uint64_t a, uint64_t b)
{
	return (uint32_t)((a + b - 1) / b);
}

/* Length of tile idx of size t along total. */
static inline uint32_t plan_tile_len(uint32_t total, uint32_t t, uint32_t idx)
{
	return plan_min32(t, total - (uint64_t)idx * t);
}

/* Round bytes up to whole bursts. */
static inline uint64_t plan_bursts(uint64_t bytes, uint32_t burst)
{
	return (bytes + burst - 1) / burst * burst;
}

#endif
