// fu_main.cpp - the Verilator side of the controller's co-simulation
// (rtl/fu.v on its own): the stimulus, the model and the comparison are C
// code in fu_cosim.c; the context, reset window, clocking, the controller's
// outputs and the --vcd replay are cosim_main.h. rtl/fu.v takes the command
// packed (cmd_in), which the C side has packed already.
#include <verilated.h>

#include "Vfu.h"
#include "fu_cosim.h"
#include "cosim_main.h"

namespace {

void to_model(Vfu *m, const fu_pins &p)
{
	m->rst_l = p.rst_l;
	m->cmd_valid = p.cmd.cmd_valid;
	m->cmd_in = p.cmd_in;
}

void from_model(const Vfu *m, fu_pins &p)
{
	cosim_main::get_ctl(m, p.ctl);
}

const auto kHarness = COSIM_HARNESS(fu, FU, nullptr);

}  // namespace

int main(int argc, char **argv)
{
	return cosim_main::main(kHarness, to_model, from_model, argc, argv);
}
