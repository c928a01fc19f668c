// smx_main.cpp - the Verilator side of the softmax-unit co-simulation: the
// stimulus, the C model and the comparison are C code in smx_cosim.c, the
// context, reset window, clocking, the common ports and the --vcd replay
// are cosim_main.h; this file copies the unit's own ports of struct
// smx_pins to and from the Verilated model and picks the model of the
// run's algorithm.
//
// Two models of rtl/smx.v are linked in, one per algorithm with RTL:
// Vsmx (ALGORITHM 0, online, with the fused front end of FUSED_ROWS rows)
// and Vsmx_ita (ALGORITHM 1, FUSED_ROWS 1); --algo picks one, --fused the
// first. Both have every port; the harness holds the fused ones at 0 but
// with --fused. Both are built with tracing, which costs nothing until a
// context asks for it (the --vcd replay).
#include <cstdint>

#include <verilated.h>

#include "Vsmx.h"
#include "Vsmx_ita.h"
#include "smx_cosim.h"
#include "cosim_main.h"

namespace {

// The unit's own ports, beyond the common ones of cosim_main.h: the
// command's and the score beat, then the fused front end's (held at 0 but
// with --fused).
#define SMX_INS(X) X(cmd_in_frac) X(cmd_ita_eps32) X(cmd_fused) X(cmd_r0) \
	X(x_data) X(d_valid) X(d_row) X(d_col) X(d_cnt) X(d_n) X(d_frac)  \
	X(d_data) X(f_valid) X(f_row) X(f_col) X(f_k0) X(f_klen) X(f_cnt)  \
	X(f_frac)
#define SMX_OUTS(X) X(x_rd) X(x_row) X(x_col) X(out_valid) X(out_row) \
	X(out_col) X(out_p) X(p_valid) X(p_data) X(dbg_b) X(dbg_s) X(dbg_r)
COSIM_PORTS(smx_pins, SMX_INS, SMX_OUTS)

// The replay stops when the harness is done, even inside the window: the
// C side runs on past a mismatch in a replay (lockstep runs_on) and ends
// the run itself.
const auto kHarness = COSIM_HARNESS(smx, SMX, smx_cosim_reset_pins);

// One run from reset on the model of the run's algorithm (cosim_main::run).
cosim_main::Ran run_algo(smx_cosim *cs, int argc, char **argv,
			 const cosim_main::Waves &w)
{
	if (smx_cosim_algorithm(cs) == 1)
		return cosim_main::run(kHarness, to_model<Vsmx_ita>,
				       from_model<Vsmx_ita>, cs, argc, argv, w);
	return cosim_main::run(kHarness, to_model<Vsmx>, from_model<Vsmx>, cs,
			       argc, argv, w);
}

}  // namespace

int main(int argc, char **argv)
{
	return cosim_main::main_with(kHarness, run_algo, argc, argv);
}
