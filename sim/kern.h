/*
 * kern.h - the simulation kernel: a clock and a table of units.
 *
 * The kernel knows a unit only through struct kern_ops and a void *self.
 * Each cycle it calls every unit's step (read registered state of cycle t,
 * compute the next state) and then every unit's commit (next becomes
 * current), so the order in which units are stepped never changes a result.
 *
 * Fast-forward: before a cycle, every unit says how many cycles from now its
 * ports and phase stay constant (horizon). When all agree on h > 1, the
 * kernel lets each unit skip h - 1 cycles in one call; skip must leave the
 * unit exactly as h - 1 steps would. Strict stepping (--no-fast-forward) is
 * the reference, and the tests compare the two on every shipped trace.
 */
#ifndef SIM_KERN_H
#define SIM_KERN_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define KERN_UNITS_MAX 16
#define KERN_FOREVER UINT64_MAX

struct kern_ops {
	const char *name;				/* unit name in reports */
	void (*step)(void *self, uint64_t cycle);	/* one clock: cur -> next */
	void (*commit)(void *self);			/* next -> cur */
	uint64_t (*horizon)(const void *self);		/* cycles of pure countdown + 1 */
	void (*skip)(void *self, uint64_t n);		/* n countdown cycles at once */
	void (*check)(const void *self, uint64_t cycle); /* invariants, check builds */
};

struct kern_unit {
	const struct kern_ops *ops;
	void *self;
};

struct kern {
	struct kern_unit unit[KERN_UNITS_MAX];	/* registered units, step order */
	unsigned n_units;			/* units in use */
	uint64_t cycle;				/* cycles simulated so far */
	uint64_t steps;				/* step rounds actually executed */
	int fast_forward;			/* 1: skip countdown stretches */
	int check;				/* 1: call check() after each cycle */
	int deadlock;				/* 1: run stopped, no unit could progress */
};

void kern_init(struct kern *k, int fast_forward, int check);
/* Register a unit; returns 0, or -1 when the table is full. */
int kern_add(struct kern *k, const struct kern_ops *ops, void *self);

/*
 * Run until done(arg) returns nonzero or max_cycles pass. done is evaluated
 * on committed state after each cycle. Stops early, setting k->deadlock,
 * when every unit's horizon is KERN_FOREVER. Returns the cycle count reached.
 */
uint64_t kern_run(struct kern *k, int (*done)(void *arg), void *arg,
		  uint64_t max_cycles);

/*
 * SIM_ASSERT: an impossible state. Prints cycle, unit and source position,
 * then aborts: a bug in the simulator, never a user error.
 */
#define SIM_ASSERT(cond, cycle, unit)					\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "stasim: internal error at cycle %llu " \
				"in unit %s: %s (%s:%d)\n",		\
				(unsigned long long)(cycle), (unit), #cond, \
				__FILE__, __LINE__);			\
			abort();					\
		}							\
	} while (0)

#endif
