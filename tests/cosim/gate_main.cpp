// gate_main.cpp - the Verilator side of the gate-unit (top-k)
// co-simulation: the stimulus, the C model and the comparison are C code in
// gate_cosim.c, the context, reset window, clocking and the --vcd replay
// are cosim_main.h; this file only copies struct gate_pins to and from the
// Verilated ports. This harness speaks of mismatches and prints its VCD
// notes on stdout.
#include <verilated.h>

#include "Vgate.h"
#include "gate_cosim.h"
#include "cosim_main.h"

namespace {

using cosim_main::get;

// gate_cosim_new has no replay argument: the replay is made quiet after.
gate_cosim *open_harness(int argc, char **argv, int replay, int *status)
{
	gate_cosim *cs = gate_cosim_new(argc, argv, status);

	if (cs && replay)
		gate_cosim_quiet(cs);
	return cs;
}

const cosim_main::Harness<gate_cosim, gate_pins> kHarness = {
	"gate_cosim", "mismatch", true, false, GATE_COSIM_RESET_CYCLES,
	open_harness, gate_cosim_vcd, gate_cosim_vcd_window,
	gate_cosim_fail_cycle, gate_cosim_reset_pins, gate_cosim_done,
	gate_cosim_drive, gate_cosim_check, gate_cosim_finish,
};

void to_model(Vgate *m, const gate_pins &p)
{
	m->rst_l = p.rst_l;
	m->cmd_valid = p.cmd_valid;
	m->cmd_flags = p.cmd_flags;
	m->cmd_op = p.cmd_op;
	m->cmd_rows = p.cmd_rows;
	m->cmd_cols = p.cmd_cols;
	m->cmd_k = p.cmd_k;
	m->cmd_kcycles = p.cmd_kcycles;
	m->l_data = p.l_data;
}

void from_model(const Vgate *m, gate_pins &p)
{
	p.cmd_ready = m->cmd_ready;
	p.active = m->active;
	p.rd_done_valid = m->rd_done_valid;
	p.rd_done_flags = m->rd_done_flags;
	p.rd_done_op = m->rd_done_op;
	p.wb_done_valid = m->wb_done_valid;
	p.wb_done_flags = m->wb_done_flags;
	p.wb_done_op = m->wb_done_op;
	p.l_rd = m->l_rd;
	p.l_tok = m->l_tok;
	p.l_exp = m->l_exp;
	p.out_valid = m->out_valid;
	p.out_tok = m->out_tok;
	get(m->out_idx, p.out_idx);
}

}  // namespace

int main(int argc, char **argv)
{
	return cosim_main::main(kHarness, to_model, from_model, argc, argv);
}
