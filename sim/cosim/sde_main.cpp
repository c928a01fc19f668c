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

// The engine's own ports, beyond the common ones of cosim_main.h.
#define SDE_INS(X) X(acc_db) X(cmd_drain_cpr) X(cmd_dense) X(cmd_nm_n) \
	X(cmd_nm_m) X(cmd_shift) X(op_a) X(op_w) X(op_idx)
#define SDE_OUTS(X) X(op_rd) X(op_slice) X(out_valid) X(out_row) X(out_data) \
	X(dbg_acc)
COSIM_PORTS(sde_pins, SDE_INS, SDE_OUTS)

const auto kHarness = COSIM_HARNESS(sde, SDE, sde_cosim_reset_pins);

}  // namespace

int main(int argc, char **argv)
{
	return cosim_main::main(kHarness, to_model<Vsde>, from_model<Vsde>,
				argc, argv);
}
