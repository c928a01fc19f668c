/*
 * energy.h - energy of counted actions (docs/energy.md).
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
/* The report's unit for a compute unit. */
enum energy_unit energy_unit_of(enum plan_unit u);
/* Price one op's counted actions. is_matmul selects act x act multiplies;
 * unit is the compute unit that ran the op. */
void energy_op(const struct config *cfg, const struct op_stats *s,
	       int is_matmul, enum plan_unit unit, struct energy_op *e);

#endif
