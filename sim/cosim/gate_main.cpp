// gate_main.cpp - the Verilator side of the gate-unit co-simulation
// (rtl/gate.v: router logits, softmax over the experts, top-k): the
// stimulus, the C model and the comparison are C code in gate_cosim.c, the
// context, reset window, clocking, the common ports and the --vcd replay
// are cosim_main.h; this file only copies the unit's own ports of struct
// gate_pins to and from the Verilated model. One binary per build of the
// unit (sim/cosim/cosim.mk): ALGORITHM and the sizes are Verilator -G
// parameters, so each build is its own Vgate.
#include <verilated.h>

#include "Vgate.h"
#include "gate_cosim.h"
#include "cosim_main.h"

namespace {

using cosim_main::get;
using cosim_main::put;

const cosim_main::Harness<gate_cosim, gate_pins> kHarness = {
	GATE_COSIM_PROG, GATE_COSIM_RESET_CYCLES, gate_cosim_new,
	gate_cosim_core, gate_cosim_reset_pins, gate_cosim_drive,
	gate_cosim_check, gate_cosim_finish,
};

void to_model(Vgate *m, const gate_pins &p)
{
	cosim_main::put_cmd(m, p);
	m->cmd_rows = p.cmd_rows;
	m->cmd_d = p.cmd_d;
	m->cmd_cols = p.cmd_cols;
	m->cmd_k = p.cmd_k;
	m->cmd_shift = p.cmd_shift;
	m->cmd_in_frac = p.cmd_in_frac;
	m->cmd_ita_eps32 = p.cmd_ita_eps32;
	m->cmd_kcycles = p.cmd_kcycles;
	put(m->g_a, p.g_a);
	put(m->g_w, p.g_w);
}

void from_model(const Vgate *m, gate_pins &p)
{
	cosim_main::get_ctl(m, p.ctl);
	p.g_rd = m->g_rd;
	p.g_tok = m->g_tok;
	p.g_beat = m->g_beat;
	p.out_valid = m->out_valid;
	p.out_tok = m->out_tok;
	get(m->out_idx, p.out_idx);
	get(m->out_score, p.out_score);
}

}  // namespace

int main(int argc, char **argv)
{
	return cosim_main::main(kHarness, to_model, from_model, argc, argv);
}
