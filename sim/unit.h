/*
 * unit.h - a compute unit as the simulator sees it: its class and the
 * registry of classes. (Its ports, the command it takes and the pulses it
 * gives back, are models/unit.h.)
 *
 * Why here and not in models/: a class binds a model (models/<u>.c, which
 * knows no config, trace or planner, so that the co-simulation harnesses
 * compile it alone) to the simulator's config, planner, energy table,
 * functional mode and kernel; its hooks take sim/ types. The classes
 * themselves live with their unit, models/<u>_unit.c, and their
 * functional parts in models/<u>_func.c, so `ls models/gate*` finds all of
 * the gate. Shared code (plan.c, func.c, energy.c, run.c, sched.c, the
 * SystemC top) iterates a registry and never asks which unit it holds.
 *
 * Adding a unit FOO (checklist, docs/architecture.md):
 *   1. models/foo.c, models/foo.h     the cycle model: state, foo_step ...
 *                                     (struct kern_ops), timing, actions
 *   2. models/foo_unit.c, foo_unit.h  `const struct unit_class foo_unit`:
 *                                     takes, plan, time, work (+ loads,
 *                                     fuse, expand if needed), dyn_pj,
 *                                     area (its leakage follows), the
 *                                     kernel hooks, its
 *                                     parameter block in plan_op.params
 *   3. models/foo_func.c              begin, check, dump (functional mode)
 *   4. sim/unit.c                     ONE line: &foo_unit in unit_classes[]
 *                                     (its place there is its port index,
 *                                     and an op goes to the first class in
 *                                     that order whose takes() accepts it)
 *   5. energy.h: a report bucket EU_FOO and its name in energy.c, unless
 *      it reports under an existing one (eu below)
 *   6. optional: rtl/foo*.v, tests/cosim/foo*, and a SystemC RTL wrapper
 *      registered by name in sim/systemc/accel.cpp's kRtl[] table (plus
 *      sc_rtl below); without one, stasim-sc runs its C model
 *   7. tests/test_foo.c
 * tests/test_unit.c adds a pass-through class this way without editing any
 * shared file (struct run_opts.units).
 *
 * Invariant: a class's hooks depend only on their arguments (no state of
 * their own), so two runs with the same registry give the same result.
 */
#ifndef SIM_UNIT_H
#define SIM_UNIT_H

#include <stddef.h>
#include <stdint.h>

#include "../models/unit.h"

#define UNIT_MAX 6		/* most classes in a registry; the scheduler
				 * copies this many commands a cycle */
#define UNIT_PARAMS_BYTES 48	/* a unit's parameter block in a plan_op */

struct area_ctx;
struct area_unit;
struct cfg_map_force;
struct config;
struct func;
struct kern_ops;
struct map_cost;
struct op;
struct op_stats;
struct plan_list;
struct plan_op;
struct plan_step;
struct sim_err;
struct trace;
struct unit_port;

/* Each op's unit parameters, owned by its class (models/<u>_unit.h gives
 * the typed view); aligned for any struct of integers. */
union unit_params {
	uint64_t align;				/* alignment only */
	unsigned char b[UNIT_PARAMS_BYTES];	/* the class's struct */
};

/* What a unit's state is wired to when a run starts. */
struct tl_track;

struct unit_env {
	const struct config *cfg;	/* the run's config */
	const struct unit_cmd *cmd;	/* port: the scheduler's command to it */
	const uint32_t *want;		/* port: 1 + op with work for it, 0 = none */
	uint64_t *op_busy, *op_stall;	/* per execution entry, shared by all */
	struct tl_track *tl;		/* its timeline lane, or NULL (timeline.h) */
	const uint8_t *why;		/* port: why its pending work waits
					 * (enum tl_cause), with want */
};

struct unit_class {
	const char *name;	/* "sde", "vec", ...: files, RTL, SystemC */
	const char *title;	/* "engine", "vector", ...: pictures; NULL: name */
	int eu;			/* report bucket (enum energy_unit) */
	int w_tiled;		/* 1: second operand blocks follow (k, n)
				 * tiles (weights); 0: rows, like the first */

	/* ---- planning (sim/plan.c) ---- */
	/* 1: this unit runs op (first class in registry order wins) */
	int (*takes)(const struct op *op);
	/* Fill p->params from the config. */
	void (*params)(const struct config *cfg, struct plan_op *p);
	/* Shape and tile op into p (p->op, trace_op, src, unit, uc already
	 * set; slots: act, wgt, out buffer halves in bytes). 0, or -1 with err. */
	int (*plan)(const struct config *cfg, const struct trace *t,
		    const struct op *op, struct plan_op *p,
		    const uint64_t *slots, struct sim_err *err);
	/* Optional: plan trace op i as more than one entry appended to x
	 * (NULL: one entry by plan). 0, or -1 with err. */
	int (*expand)(const struct config *cfg, const struct trace *t,
		      uint32_t i, struct plan_list *x, struct sim_err *err);
	/* Optional: mark on-chip links to neighbours, after all are planned. */
	void (*fuse)(const struct config *cfg, struct plan_op *plans, size_t n);
	/* A step's klen, kcycles (and back-pressure) from its geometry. */
	void (*time)(const struct plan_op *p, struct plan_step *s);
	/* Optional: its own second-operand and output transfers (the
	 * default: a second operand like the first, outputs row-major). */
	void (*loads)(const struct plan_op *p, struct plan_step *s);
	/* A step's counted actions (MACs, buffer bytes, nl). */
	void (*work)(const struct plan_op *p, struct plan_step *s);
	/* Optional, for the mapper (sim/map.h): the tilings of p's op that
	 * fit the halves s (greedy: a short list), into out (at most max);
	 * plan p with one (0, or -1 if it does not fit); its estimated cost. */
	uint32_t (*map_candidates)(const struct plan_op *p, const uint64_t *s,
				   int greedy, struct cfg_map_force *out,
				   uint32_t max);
	int (*map_apply)(struct plan_op *p, const struct cfg_map_force *c,
			 const uint64_t *s);
	void (*map_estimate)(const struct config *cfg, const struct plan_op *p,
			     struct map_cost *c);

	/* ---- energy (sim/energy.c) ---- */
	/* Dynamic pJ of an op's counted actions, into bucket eu. */
	double (*dyn_pj)(const struct config *cfg, const struct op_stats *s,
			 const struct plan_op *p);

	/* ---- area and leakage (sim/area.c, docs/ppa.md) ---- */
	/* Optional: compose the unit's logic area into u (area_add: each
	 * synthesized component, from area_component, times its instances);
	 * the unit leaks in proportion. A class without it has no area and
	 * no leakage. 0, or -1 with err (a component with no set to scale
	 * from). */
	int (*area)(const struct config *cfg, struct area_ctx *c,
		    struct area_unit *u, struct sim_err *err);

	/* ---- functional mode (sim/func.c) ---- */
	/* Operands of entry x (what its commands carry), NULL with f->msg. */
	const void *(*begin)(struct func *f, uint32_t x, size_t *stride);
	/* Entry x's outputs against the reference: 0, or -1 with f->msg. */
	int (*check)(struct func *f, uint32_t x);
	/* --dump of entry x under name: 0, or -1 with f->msg. (func.c
	 * frees the entry's data after both.) */
	int (*dump)(struct func *f, uint32_t x, const char *name);

	/* ---- the timing kernel (sim/run.c, sim/systemc/) ---- */
	const struct kern_ops *ops;	/* step, commit, horizon, skip, check */
	size_t size;			/* bytes of its state */
	void (*init)(void *self, const struct unit_env *env);
	/* Point the unit's inputs at cmd and want (SystemC re-wires them). */
	void (*attach)(void *self, const struct unit_cmd *cmd,
		       const uint32_t *want);
	/* Its registered outputs, as the scheduler reads them. */
	void (*port)(const void *self, struct unit_port *up);
	/* Its cycles of work and of waiting with work pending. */
	void (*counters)(const void *self, uint64_t *busy, uint64_t *stall);

	/* ---- SystemC (sim/systemc/accel.cpp) ---- */
	/* Optional: 1 when the config's [systemc] section asks for its RTL
	 * (accel.cpp then builds the wrapper registered under name). */
	int (*sc_rtl)(const struct config *cfg);
};

/* The units of a run, in port order. */
struct unit_registry {
	const struct unit_class *const *cls;	/* n classes */
	uint32_t n;				/* <= UNIT_MAX */
};

/* stasim's units: sde, vec, smx, gate (sim/unit.c). */
const struct unit_registry *unit_registry_default(void);
/* Index in reg of the first class that takes op, or -1. */
int unit_for_op(const struct unit_registry *reg, const struct op *op);
/* Index in reg of the class named name, or -1. */
int unit_find(const struct unit_registry *reg, const char *name);

#endif
