// sde_main.cpp - the Verilator side of the engine co-simulation: the
// stimulus, the C model and the comparison are C code in sde_cosim.c, the
// context, reset window, clocking and the --vcd replay are cosim_main.h;
// this file only copies struct sde_pins to and from the Verilated ports.
#include <verilated.h>

#include "Vsde.h"
#include "sde_cosim.h"
#include "cosim_main.h"

namespace {

using cosim_main::get;
using cosim_main::put;

const cosim_main::Harness<cosim, sde_pins> kHarness = {
	COSIM_PROG, false, COSIM_RESET_CYCLES,
	cosim_new, cosim_vcd, cosim_fail_cycle,
	cosim_reset_pins, cosim_done, cosim_drive, cosim_check, cosim_finish,
};

void to_model(Vsde *m, const sde_pins &p)
{
	m->rst_l = p.rst_l;
	m->acc_db = p.acc_db;
	m->cmd_valid = p.cmd_valid;
	m->cmd_flags = p.cmd_flags;
	m->cmd_op = p.cmd_op;
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
	p.cmd_ready = m->cmd_ready;
	p.active = m->active;
	p.rd_done_valid = m->rd_done_valid;
	p.rd_done_flags = m->rd_done_flags;
	p.rd_done_op = m->rd_done_op;
	p.wb_done_valid = m->wb_done_valid;
	p.wb_done_flags = m->wb_done_flags;
	p.wb_done_op = m->wb_done_op;
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
