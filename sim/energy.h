/*
 * energy.h - energy of counted actions (docs/ppa.md).
 *
 * Energy is never simulated cycle by cycle: the scheduler counts actions per
 * op (multiplies, mux selects, register bits, SRAM bytes per buffer, DRAM
 * bytes) and this module prices them with the config's energy table, adding
 * leakage for the cycles charged to the op. Invariant: the energy of a run is
 * exactly the sum of its ops' energies, unit by unit.
 */
#ifndef SIM_ENERGY_H
#define SIM_ENERGY_H

#include "config.h"
#include "sched.h"
#include "unit.h"

/* The report's units (struct unit_class.eu names a compute unit's). */
enum energy_unit { EU_SDE = 0, EU_VEC, EU_SMX, EU_GATE, EU_SRAM, EU_DRAM,
		   EU_COUNT };

struct energy_op {
	double dyn_pj[EU_COUNT];	/* dynamic energy per unit, pJ */
	double leak_pj[EU_COUNT];	/* leakage per unit, pJ */
	double total_pj;		/* sum of both over units */
};

const char *energy_unit_name(enum energy_unit u);
/* SRAM energy per byte read from a bank of kib KiB, pJ. */
double energy_sram_pj_per_byte(const struct energy_table *t, double kib);
/* pJ of counted non-linear actions (vector, softmax and gate units). */
double energy_nl_pj(const struct energy_table *t, const struct nl_actions *a);
/* Price one op's counted actions: p's unit prices its own, then SRAM and
 * DRAM; every unit leaks over the op's cycles at cfg->leak_pj_ns. */
void energy_op(const struct config *cfg, const struct op_stats *s,
	       const struct plan_op *p, struct energy_op *e);

#endif
