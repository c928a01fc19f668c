// gate_main.cpp - the Verilator side of the gate-unit (top-k) co-simulation:
// context, model, reset window, one tick() per clock, final(). Everything
// else (the stimulus, the C model, the comparison) is C code in
// gate_cosim.c; this file only copies struct gate_pins to and from the
// Verilated ports. With --vcd FILE a failed run is replayed from reset,
// traced, and only the clocks around its mismatch are written
// (vcd_window.h); the build always has tracing, the first pass leaves it off.
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include <sys/stat.h>
#include <unistd.h>

#include <verilated.h>

#include "Vgate.h"
#include "gate_cosim.h"
#include "vcd_window.h"

namespace {

const int kResetCycles = GATE_COSIM_RESET_CYCLES;	// clocks with rst_l low

struct Bench {
	VerilatedContext *ctx;
	Vgate *top;
	VcdWindow<Vgate> *win;	// the replay's waves, or nullptr
};

// Ports of up to 64 bits are plain integers, wider ones VlWide word arrays.
template <typename T> void get(const T &port, uint32_t *w)
{
	w[0] = static_cast<uint32_t>(port);
	w[1] = static_cast<uint32_t>(static_cast<uint64_t>(port) >> 32);
}
template <std::size_t N> void get(const VlWide<N> &port, uint32_t *w)
{
	for (std::size_t i = 0; i < N; i++)
		w[i] = port[i];
}

void to_model(Vgate *m, const gate_pins &p)
{
	m->rst_l = p.rst_l;
	m->cmd_valid = p.cmd_valid;
	m->cmd_flags = p.cmd_flags;
	m->cmd_op = p.cmd_op;
	m->cmd_rows = p.cmd_rows;
	m->cmd_cols = p.cmd_cols;
	m->cmd_k = p.cmd_k;
	m->cmd_kcycles = p.cmd_kcycles;
	m->l_data = p.l_data;
}

void from_model(const Vgate *m, gate_pins &p)
{
	p.cmd_ready = m->cmd_ready;
	p.active = m->active;
	p.rd_done_valid = m->rd_done_valid;
	p.rd_done_flags = m->rd_done_flags;
	p.rd_done_op = m->rd_done_op;
	p.wb_done_valid = m->wb_done_valid;
	p.wb_done_flags = m->wb_done_flags;
	p.wb_done_op = m->wb_done_op;
	p.l_rd = m->l_rd;
	p.l_tok = m->l_tok;
	p.l_exp = m->l_exp;
	p.out_valid = m->out_valid;
	p.out_tok = m->out_tok;
	get(m->out_idx, p.out_idx);
}

// Clock `clock` (reset clocks negative): falling then rising edge; inputs
// change only while clk is high.
void tick(Bench &b, int64_t clock)
{
	for (int level = 0; level < 2; level++) {
		b.top->clk = level;
		b.top->eval();
		if (b.win)
			b.win->sample(clock);
		b.ctx->timeInc(1);
	}
}

// One lockstep run of cs from reset on a fresh model. Untraced (win_path
// null) it runs until the harness is done; traced it writes the window
// [fail_clock - before, fail_clock + kVcdWindowAfter] to win_path and
// stops once past it.
void run(gate_cosim *cs, int argc, char **argv, const char *win_path,
	 int64_t fail_clock, int64_t before)
{
	const auto ctx = std::make_unique<VerilatedContext>();
	ctx->commandArgs(argc, argv);
	ctx->traceEverOn(win_path != nullptr);	// before the model exists
	const auto top = std::make_unique<Vgate>(ctx.get());
	std::unique_ptr<VcdWindow<Vgate>> win;
	if (win_path)
		win = std::make_unique<VcdWindow<Vgate>>(ctx.get(), top.get(),
							  win_path, fail_clock,
							  before);
	Bench b{ctx.get(), top.get(), win.get()};

	gate_pins p;
	gate_cosim_reset_pins(cs, &p);
	to_model(top.get(), p);
	for (int i = 0; i < kResetCycles; i++)
		tick(b, i - kResetCycles);
	from_model(top.get(), p);
	gate_cosim_check(cs, &p);
	for (int64_t clock = 0; win ? !win->past(clock) : !gate_cosim_done(cs);
	     clock++) {
		gate_cosim_drive(cs, &p);
		to_model(top.get(), p);
		tick(b, clock);
		from_model(top.get(), p);
		gate_cosim_check(cs, &p);
	}
	top->final();
}

// An empty temporary beside path, with the mode open(2) would give (mkstemp
// makes 0600), for the VCD to be renamed into place once complete; "" when
// it cannot be made.
std::string temp_beside(const char *path)
{
	std::string tmp = std::string(path) + ".tmpXXXXXX";
	const int fd = mkstemp(&tmp[0]);

	if (fd < 0)
		return "";
	const mode_t mask = umask(022);
	umask(mask);
	(void)fchmod(fd, 0666 & ~mask);
	close(fd);
	return tmp;
}

// --vcd after a mismatch at cycle `fail` (the check after clock fail - 1):
// the same options again from reset, quiet, traced around that clock, into
// a temporary renamed to vcd once complete. Returns 0, or 2 on an I/O error.
int replay(int argc, char **argv, const char *vcd, int64_t fail, int64_t before)
{
	int status;
	gate_cosim *cs = gate_cosim_new(argc, argv, &status);
	const int64_t clock = fail - 1;

	if (!cs)
		return status;
	gate_cosim_quiet(cs);
	const std::string tmp = temp_beside(vcd);
	if (tmp.empty()) {
		std::fprintf(stderr, "gate_cosim: %s: %s\n", vcd, std::strerror(errno));
		gate_cosim_finish(cs);
		return 2;
	}
	run(cs, argc, argv, tmp.c_str(), clock, before);
	if (gate_cosim_fail_cycle(cs) != fail)
		std::fprintf(stderr, "gate_cosim: the replay failed at cycle %lld, "
			     "not %lld: the run is not deterministic\n",
			     static_cast<long long>(gate_cosim_fail_cycle(cs)),
			     static_cast<long long>(fail));
	gate_cosim_finish(cs);
	if (std::rename(tmp.c_str(), vcd) != 0) {
		std::fprintf(stderr, "gate_cosim: %s: %s\n", vcd, std::strerror(errno));
		std::remove(tmp.c_str());
		return 2;
	}
	std::printf("gate_cosim: VCD %s: clocks %lld..%lld around the mismatch "
		    "on clock %lld (rising edge at time %lld)\n", vcd,
		    static_cast<long long>(clock - before),
		    static_cast<long long>(clock + kVcdWindowAfter),
		    static_cast<long long>(clock),
		    static_cast<long long>(2 * (clock + kResetCycles) + 1));
	return 0;
}

}  // namespace

int main(int argc, char **argv)
{
	int status;
	gate_cosim *cs = gate_cosim_new(argc, argv, &status);

	if (!cs)
		return status;
	const char *vcd = gate_cosim_vcd(cs);
	const int64_t before = gate_cosim_vcd_window(cs) < 0 ?
			       kVcdWindowBefore : gate_cosim_vcd_window(cs);
	run(cs, argc, argv, nullptr, 0, 0);
	const int64_t fail = gate_cosim_fail_cycle(cs);
	status = gate_cosim_finish(cs);
	if (vcd && fail < 0)
		std::printf("gate_cosim: no mismatch, so no VCD written (%s)\n", vcd);
	if (vcd && fail >= 0 && replay(argc, argv, vcd, fail, before))
		return status ? status : 2;
	return status;
}
