// smx_main.cpp - the Verilator side of the softmax-unit co-simulation: the
// stimulus, the C model and the comparison are C code in smx_cosim.c, the
// context, reset window and clocking are cosim_main.h; this file copies
// struct smx_pins to and from the Verilated ports and keeps its own --vcd
// replay (waves(): FILE.tmp, its own messages, no effect on the status).
//
// Two models of rtl/smx.v are linked in, one per algorithm with RTL:
// Vsmx (ALGORITHM 0, online, with the fused front end of FUSED_ROWS rows)
// and Vsmx_ita (ALGORITHM 1, FUSED_ROWS 1); --algo picks one, --fused the
// first. Both have every port; the harness holds the fused ones at 0 but
// with --fused.
// Both are built with tracing, which costs nothing until a context asks
// for it: the first pass runs untraced, and only after a failure at cycle
// C, with --vcd FILE, does the same run (a pure function of its options)
// go again from reset with a VcdWindow writing clocks C - 1 - N .. C + 3
// (clock C - 1 is the one whose edge showed the failure), as FILE.tmp
// renamed to FILE once complete.
#include <cerrno>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

#include <verilated.h>

#include "Vsmx.h"
#include "Vsmx_ita.h"
#include "smx_cosim.h"
#include "cosim_main.h"

namespace {

using cosim_main::get;
using cosim_main::put;

const int kResetCycles = SMX_COSIM_RESET_CYCLES;	// clocks with rst_l low

// The replay stops when the harness is done, even inside the window.
const cosim_main::Harness<smx_cosim, smx_pins> kHarness = {
	"smx_cosim", "failure", false, true, kResetCycles,
	smx_cosim_new, smx_cosim_vcd, smx_cosim_vcd_window,
	smx_cosim_fail_cycle, smx_cosim_reset_pins, smx_cosim_done,
	smx_cosim_drive, smx_cosim_check, smx_cosim_finish,
};

template <typename Top> void to_model(Top *m, const smx_pins &p)
{
	m->rst_l = p.rst_l;
	m->cmd_valid = p.cmd_valid;
	m->cmd_flags = p.cmd_flags;
	m->cmd_op = p.cmd_op;
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
	p.cmd_ready = m->cmd_ready;
	p.active = m->active;
	p.rd_done_valid = m->rd_done_valid;
	p.rd_done_flags = m->rd_done_flags;
	p.rd_done_op = m->rd_done_op;
	p.wb_done_valid = m->wb_done_valid;
	p.wb_done_flags = m->wb_done_flags;
	p.wb_done_op = m->wb_done_op;
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

// One run from reset: until the harness is done or, with a window, until
// the window is written. vcd: nullptr for the untraced first pass.
void run_algo(smx_cosim *cs, int argc, char **argv, const char *vcd,
	      int64_t fail_clock, int64_t before)
{
	if (smx_cosim_algorithm(cs) == 1)
		cosim_main::run(kHarness, to_model<Vsmx_ita>,
				from_model<Vsmx_ita>, cs, argc, argv, vcd,
				fail_clock, before);
	else
		cosim_main::run(kHarness, to_model<Vsmx>, from_model<Vsmx>, cs,
				argc, argv, vcd, fail_clock, before);
}

// VCD time of the rising edge of clock k: each clock dumps at 2 (k +
// reset) and 2 (k + reset) + 1.
int64_t edge_time(int64_t clock)
{
	return 2 * (clock + kResetCycles) + 1;
}

// Replay the run with a VcdWindow around clock fail - 1, whose rising edge
// showed the failure the harness reports at cycle fail.
void waves(int argc, char **argv, const char *vcd, int64_t fail, int64_t before)
{
	const std::string tmp = std::string(vcd) + ".tmp";
	const int64_t edge = fail - 1;
	const int64_t from = edge - before < -kResetCycles ? -kResetCycles
							   : edge - before;
	int status;
	smx_cosim *rs = smx_cosim_new(argc, argv, 1, &status);

	if (!rs)
		return;
	run_algo(rs, argc, argv, tmp.c_str(), edge, before);
	if (smx_cosim_fail_cycle(rs) != fail)
		std::fprintf(stderr, "smx_cosim: the replay for waves failed at "
			     "cycle %" PRId64 ", not %" PRId64 "\n",
			     smx_cosim_fail_cycle(rs), fail);
	smx_cosim_finish(rs);
	if (std::rename(tmp.c_str(), vcd)) {
		std::fprintf(stderr, "smx_cosim: cannot write %s: %s\n", vcd,
			     std::strerror(errno));
		return;
	}
	std::fprintf(stderr, "smx_cosim: waves of clocks %" PRId64 " .. %" PRId64
		     " (VCD time %" PRId64 " .. %" PRId64 ") around the failure at "
		     "cycle %" PRId64 " (clock %" PRId64 ", rising edge at VCD time %"
		     PRId64 ") in %s\n", from, edge + kVcdWindowAfter,
		     edge_time(from) - 1, edge_time(edge + kVcdWindowAfter), fail,
		     edge, edge_time(edge), vcd);
}

}  // namespace

int main(int argc, char **argv)
{
	int status;
	smx_cosim *cs = smx_cosim_new(argc, argv, 0, &status);

	if (!cs)
		return status;
	run_algo(cs, argc, argv, nullptr, 0, 0);
	const char *vcd = smx_cosim_vcd(cs);
	const int64_t fail = smx_cosim_fail_cycle(cs);
	const int64_t before = smx_cosim_vcd_window(cs) < 0 ? kVcdWindowBefore
							     : smx_cosim_vcd_window(cs);
	status = smx_cosim_finish(cs);
	if (vcd && fail < 0)
		std::fprintf(stderr, "smx_cosim: no failure, so no waves: %s not "
			     "written\n", vcd);
	else if (vcd)
		waves(argc, argv, vcd, fail, before);
	return status;
}
