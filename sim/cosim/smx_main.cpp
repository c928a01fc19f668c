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

using cosim_main::get;
using cosim_main::put;

// The replay stops when the harness is done, even inside the window: the
// C side runs on past a mismatch in a replay (lockstep runs_on) and ends
// the run itself.
const cosim_main::Harness<smx_cosim, smx_pins> kHarness = {
	SMX_COSIM_PROG, SMX_COSIM_RESET_CYCLES, smx_cosim_new, smx_cosim_core,
	smx_cosim_reset_pins, smx_cosim_drive, smx_cosim_check,
	smx_cosim_finish,
};

template <typename Top> void to_model(Top *m, const smx_pins &p)
{
	cosim_main::put_cmd(m, p);
	m->cmd_rows = p.cmd_rows;
	m->cmd_cols = p.cmd_cols;
	m->cmd_kcycles = p.cmd_kcycles;
	m->cmd_in_frac = p.cmd_in_frac;
	m->cmd_ita_eps32 = p.cmd_ita_eps32;
	m->cmd_fused = p.cmd_fused;
	m->cmd_r0 = p.cmd_r0;
	put(m->x_data, p.x_data);
	m->d_valid = p.d_valid;
	m->d_row = p.d_row;
	m->d_col = p.d_col;
	m->d_cnt = p.d_cnt;
	m->d_n = p.d_n;
	m->d_frac = p.d_frac;
	put(m->d_data, p.d_data);
	m->f_valid = p.f_valid;
	m->f_row = p.f_row;
	m->f_col = p.f_col;
	m->f_k0 = p.f_k0;
	m->f_klen = p.f_klen;
	m->f_cnt = p.f_cnt;
	m->f_frac = p.f_frac;
}

template <typename Top> void from_model(const Top *m, smx_pins &p)
{
	cosim_main::get_ctl(m, p.ctl);
	p.x_rd = m->x_rd;
	p.x_row = m->x_row;
	p.x_col = m->x_col;
	p.out_valid = m->out_valid;
	p.out_row = m->out_row;
	p.out_col = m->out_col;
	get(m->out_p, p.out_p);
	p.p_valid = m->p_valid;
	get(m->p_data, p.p_data);
}

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
