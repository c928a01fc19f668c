// vec_main.cpp - the Verilator side of the vector unit's co-simulation
// (rtl/vec.v, its GELU path): the stimulus, the C model and the comparison
// are C code in vec_cosim.c, the context, reset window, clocking, the
// common ports and the --vcd replay are cosim_main.h; this file only copies
// the unit's own ports of struct vec_pins to and from the Verilated model.
#include <verilated.h>

#include "Vvec.h"
#include "vec_cosim.h"
#include "cosim_main.h"

namespace {

using cosim_main::get;
using cosim_main::put;

const cosim_main::Harness<vec_cosim, vec_pins> kHarness = {
	VEC_COSIM_PROG, VEC_COSIM_RESET_CYCLES, vec_cosim_new, vec_cosim_core,
	vec_cosim_reset_pins, vec_cosim_drive, vec_cosim_check,
	vec_cosim_finish,
};

void to_model(Vvec *m, const vec_pins &p)
{
	cosim_main::put_cmd(m, p);
	m->cmd_rows = p.cmd_rows;
	m->cmd_cols = p.cmd_cols;
	m->cmd_kcycles = p.cmd_kcycles;
	m->cmd_in_frac = p.cmd_in_frac;
	m->cmd_out_frac = p.cmd_out_frac;
	m->cmd_step_log2 = p.cmd_step_log2;
	m->cmd_range_q8 = p.cmd_range_q8;
	put(m->x_data, p.x_data);
}

void from_model(const Vvec *m, vec_pins &p)
{
	cosim_main::get_ctl(m, p.ctl);
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
