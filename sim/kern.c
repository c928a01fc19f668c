/*
 * kern.c - the clock loop (see kern.h for the contract).
 *
 * Invariant: after kern_run returns, every unit has been stepped and
 * committed exactly k->cycle times, counting a skip of n as n cycles.
 */
#include "kern.h"

#include <string.h>

void kern_init(struct kern *k, int fast_forward, int check)
{
	memset(k, 0, sizeof *k);
	k->fast_forward = fast_forward;
	k->check = check;
}

int kern_add(struct kern *k, const struct kern_ops *ops, void *self)
{
	if (k->n_units >= KERN_UNITS_MAX)
		return -1;
	k->unit[k->n_units].ops = ops;
	k->unit[k->n_units].self = self;
	k->n_units++;
	return 0;
}

static void tick(struct kern *k)
{
	unsigned i;

	for (i = 0; i < k->n_units; i++)
		k->unit[i].ops->step(k->unit[i].self, k->cycle);
	for (i = 0; i < k->n_units; i++)
		k->unit[i].ops->commit(k->unit[i].self);
	k->cycle++;
	k->steps++;
	if (k->check)
		for (i = 0; i < k->n_units; i++)
			if (k->unit[i].ops->check)
				k->unit[i].ops->check(k->unit[i].self, k->cycle);
}

/* Cycles all units agree to skip (0 = none), bounded by limit;
 * KERN_FOREVER when every unit waits forever (a deadlock). */
static uint64_t agreed_skip(const struct kern *k, uint64_t limit)
{
	uint64_t h = KERN_FOREVER, u;
	unsigned i;

	for (i = 0; i < k->n_units && h > 1; i++) {
		u = k->unit[i].ops->horizon(k->unit[i].self);
		if (u < h)
			h = u;
	}
	if (h == KERN_FOREVER)
		return KERN_FOREVER;
	if (h <= 1)
		return 0;
	h -= 1;
	return h < limit ? h : limit;
}

/* Every unit waits on another forever: nothing can ever happen again. */
static int deadlocked(const struct kern *k)
{
	unsigned i;

	for (i = 0; i < k->n_units; i++)
		if (k->unit[i].ops->horizon(k->unit[i].self) != KERN_FOREVER)
			return 0;
	return 1;
}

uint64_t kern_run(struct kern *k, int (*done)(void *arg), void *arg,
		  uint64_t max_cycles)
{
	uint64_t n;
	unsigned i;

	while (!done(arg) && k->cycle < max_cycles) {
		if (!k->fast_forward && (k->cycle & 0xffff) == 0 && deadlocked(k)) {
			k->deadlock = 1;
			break;
		}
		if (k->fast_forward) {
			/* one pass over the horizons: every unit at FOREVER is
			 * a deadlock, else the stretch they all agree to skip */
			n = agreed_skip(k, max_cycles - k->cycle);
			if (n == KERN_FOREVER) {
				k->deadlock = 1;
				break;
			}
			if (n) {
				for (i = 0; i < k->n_units; i++)
					k->unit[i].ops->skip(k->unit[i].self, n);
				k->cycle += n;
				if (done(arg) || k->cycle >= max_cycles)
					break;
			}
		}
		tick(k);
	}
	return k->cycle;
}
