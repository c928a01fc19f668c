// sde_main.cpp - the Verilator side of the engine co-simulation: the
// stimulus, the C model and the comparison are C code in sde_cosim.c, the
// context, reset window, clocking, the common ports and the --vcd replay
// are cosim_main.h; this file only copies the engine's own ports of struct
// sde_pins to and from the Verilated model.
#include <verilated.h>

#include "Vsde.h"
#include "sde_cosim.h"
#include "cosim_main.h"

namespace {

using cosim_main::get;
using cosim_main::put;

const cosim_main::Harness<sde_cosim, sde_pins> kHarness = {
	SDE_COSIM_PROG, SDE_COSIM_RESET_CYCLES, sde_cosim_new, sde_cosim_core,
	sde_cosim_reset_pins, sde_cosim_drive, sde_cosim_check,
	sde_cosim_finish,
};

void to_model(Vsde *m, const sde_pins &p)
{
	cosim_main::put_cmd(m, p);
	m->acc_db = p.acc_db;
	m->cmd_rows = p.cmd_rows;
	m->cmd_cols = p.cmd_cols;
	m->cmd_kcycles = p.cmd_kcycles;
	m->cmd_drain_cpr = p.cmd_drain_cpr;
	m->cmd_dense = p.cmd_dense;
	m->cmd_nm_n = p.cmd_nm_n;
	m->cmd_nm_m = p.cmd_nm_m;
	m->cmd_shift = p.cmd_shift;
	put(m->op_a, p.op_a);
	put(m->op_w, p.op_w);
	put(m->op_idx, p.op_idx);
}

void from_model(const Vsde *m, sde_pins &p)
{
	cosim_main::get_ctl(m, p.ctl);
	p.op_rd = m->op_rd;
	p.out_valid = m->out_valid;
	p.out_row = m->out_row;
	get(m->out_data, p.out_data);
}

}  // namespace

int main(int argc, char **argv)
{
	return cosim_main::main(kHarness, to_model, from_model, argc, argv);
}
