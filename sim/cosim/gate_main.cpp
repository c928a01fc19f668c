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

// The unit's own ports, beyond the common ones of cosim_main.h.
#define GATE_INS(X) X(cmd_d) X(cmd_k) X(cmd_shift) X(cmd_in_frac) \
	X(cmd_ita_eps32) X(g_a) X(g_w)
#define GATE_OUTS(X) X(g_rd) X(g_tok) X(g_beat) X(out_valid) X(out_tok) \
	X(out_idx) X(out_score)
COSIM_PORTS(gate_pins, GATE_INS, GATE_OUTS)

const auto kHarness = COSIM_HARNESS(gate, GATE, nullptr);

}  // namespace

int main(int argc, char **argv)
{
	return cosim_main::main(kHarness, to_model<Vgate>, from_model<Vgate>,
				argc, argv);
}
