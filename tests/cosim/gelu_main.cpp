// gelu_main.cpp - the Verilator side of the vector-unit GELU
// co-simulation: the stimulus, the C model and the comparison are C code in
// gelu_cosim.c, the context, reset window, clocking and the --vcd replay
// are cosim_main.h; this file only copies struct gelu_pins to and from the
// Verilated ports.
#include <verilated.h>

#include "Vvec_gelu.h"
#include "gelu_cosim.h"
#include "cosim_main.h"

namespace {

using cosim_main::get;
using cosim_main::put;

const cosim_main::Harness<gelu_cosim, gelu_pins> kHarness = {
	GELU_COSIM_PROG, false, GELU_COSIM_RESET_CYCLES,
	gelu_cosim_new, gelu_cosim_vcd, gelu_cosim_fail_cycle,
	gelu_cosim_reset_pins, gelu_cosim_done, gelu_cosim_drive,
	gelu_cosim_check, gelu_cosim_finish,
};

void to_model(Vvec_gelu *m, const gelu_pins &p)
{
	m->rst_l = p.rst_l;
	m->cmd_valid = p.cmd_valid;
	m->cmd_flags = p.cmd_flags;
	m->cmd_op = p.cmd_op;
	m->cmd_rows = p.cmd_rows;
	m->cmd_cols = p.cmd_cols;
	m->cmd_kcycles = p.cmd_kcycles;
	m->cmd_in_frac = p.cmd_in_frac;
	m->cmd_out_frac = p.cmd_out_frac;
	m->cmd_step_log2 = p.cmd_step_log2;
	m->cmd_range_q8 = p.cmd_range_q8;
	put(m->x_data, p.x_data);
}

void from_model(const Vvec_gelu *m, gelu_pins &p)
{
	p.cmd_ready = m->cmd_ready;
	p.active = m->active;
	p.rd_done_valid = m->rd_done_valid;
	p.rd_done_flags = m->rd_done_flags;
	p.rd_done_op = m->rd_done_op;
	p.wb_done_valid = m->wb_done_valid;
	p.wb_done_flags = m->wb_done_flags;
	p.wb_done_op = m->wb_done_op;
	p.x_rd = m->x_rd;
	p.x_beat = m->x_beat;
	p.out_valid = m->out_valid;
	p.out_beat = m->out_beat;
	get(m->out_y, p.out_y);
}

}  // namespace

int main(int argc, char **argv)
{
	return cosim_main::main(kHarness, to_model, from_model, argc, argv);
}
