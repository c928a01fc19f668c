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

// The unit's own ports, beyond the common ones of cosim_main.h.
#define VEC_INS(X) X(cmd_in_frac) X(cmd_out_frac) X(cmd_step_log2) \
	X(cmd_range_q8) X(x_data)
#define VEC_OUTS(X) X(x_rd) X(x_beat) X(out_valid) X(out_beat) X(out_y)
COSIM_PORTS(vec_pins, VEC_INS, VEC_OUTS)

const auto kHarness = COSIM_HARNESS(vec, VEC, nullptr);

}  // namespace

int main(int argc, char **argv)
{
	return cosim_main::main(kHarness, to_model<Vvec>, from_model<Vvec>,
				argc, argv);
}
