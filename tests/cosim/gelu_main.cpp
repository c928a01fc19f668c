// gelu_main.cpp - the Verilator side of the vector-unit GELU co-simulation:
// context, model, reset window, one tick() per clock, final(). Everything
// else (the stimulus, the C model, the comparison) is C code in
// gelu_cosim.c; this file only copies struct gelu_pins to and from the
// Verilated ports. With --vcd FILE a failed run is replayed from reset,
// traced, and only the clocks around its failure are written
// (vcd_window.h); the build always has tracing, the first pass leaves it off.
#include <cerrno>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include <sys/stat.h>
#include <unistd.h>

#include <verilated.h>

#include "Vvec_gelu.h"
#include "gelu_cosim.h"
#include "vcd_window.h"

namespace {

const int kResetCycles = GELU_COSIM_RESET_CYCLES;	// clocks with rst_l low

struct Bench {
	VerilatedContext *ctx;
	Vvec_gelu *top;
	VcdWindow<Vvec_gelu> *win;	// the replay's waves, or nullptr
};

// Ports of up to 64 bits are plain integers, wider ones VlWide word arrays.
template <typename T> void put(T &port, const uint32_t *w)
{
	port = static_cast<T>(w[0] | static_cast<uint64_t>(w[1]) << 32);
}
template <std::size_t N> void put(VlWide<N> &port, const uint32_t *w)
{
	for (std::size_t i = 0; i < N; i++)
		port[i] = w[i];
}
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

void to_model(Vvec_gelu *m, const gelu_pins &p)
{
	m->rst_l = p.rst_l;
	m->cmd_valid = p.cmd_valid;
	m->cmd_flags = p.cmd_flags;
	m->cmd_op = p.cmd_op;
	m->cmd_rows = p.cmd_rows;
	m->cmd_cols = p.cmd_cols;
	m->cmd_kcycles = p.cmd_kcycles;
	m->cmd_in_frac = p.cmd_in_frac;
	m->cmd_out_frac = p.cmd_out_frac;
	m->cmd_step_log2 = p.cmd_step_log2;
	m->cmd_range_q8 = p.cmd_range_q8;
	put(m->x_data, p.x_data);
}

void from_model(const Vvec_gelu *m, gelu_pins &p)
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
	p.x_beat = m->x_beat;
	p.out_valid = m->out_valid;
	p.out_beat = m->out_beat;
	get(m->out_y, p.out_y);
}

// Clock `clock` (reset clocks negative, as vcd_window.h counts): falling
// then rising edge; inputs change only while clk is high.
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
// null) it runs until the C side is done; traced it writes the window
// [fail_clock - before, fail_clock + kVcdWindowAfter] to win_path and stops
// once past it (after the C side is done the RTL keeps its last inputs).
void run(gelu_cosim *cs, int argc, char **argv, const char *win_path,
	 int64_t fail_clock, int64_t before)
{
	const auto ctx = std::make_unique<VerilatedContext>();
	ctx->commandArgs(argc, argv);
	ctx->traceEverOn(win_path != nullptr);	// before the model exists
	const auto top = std::make_unique<Vvec_gelu>(ctx.get());
	std::unique_ptr<VcdWindow<Vvec_gelu>> win;
	if (win_path)
		win = std::make_unique<VcdWindow<Vvec_gelu>>(ctx.get(), top.get(),
							      win_path, fail_clock,
							      before);
	Bench b{ctx.get(), top.get(), win.get()};

	gelu_pins p;
	gelu_cosim_reset_pins(cs, &p);
	to_model(top.get(), p);
	for (int i = 0; i < kResetCycles; i++)
		tick(b, i - kResetCycles);
	from_model(top.get(), p);
	gelu_cosim_check(cs, &p);
	for (int64_t clock = 0; win ? !win->past(clock) : !gelu_cosim_done(cs);
	     clock++) {
		gelu_cosim_drive(cs, &p);
		to_model(top.get(), p);
		tick(b, clock);
		from_model(top.get(), p);
		gelu_cosim_check(cs, &p);
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

// --vcd after a failure at cycle `fail` (the check after clock fail - 1,
// whose rising edge produced the bad output): the same options again from
// reset, silent, traced around that clock, into a temporary renamed to vcd
// once complete. Returns 0, or 2 on an I/O error.
int replay(int argc, char **argv, const char *vcd, int64_t fail, int64_t before)
{
	int status;
	gelu_cosim *cs = gelu_cosim_new(argc, argv, 1, &status);
	const int64_t clock = fail - 1;

	if (!cs)
		return status;
	const std::string tmp = temp_beside(vcd);
	if (tmp.empty()) {
		std::fprintf(stderr, "gelu_cosim: %s: %s\n", vcd, std::strerror(errno));
		gelu_cosim_finish(cs);
		return 2;
	}
	run(cs, argc, argv, tmp.c_str(), clock, before);
	if (gelu_cosim_fail_cycle(cs) != fail)
		std::fprintf(stderr, "gelu_cosim: the replay failed at cycle %" PRId64
			     ", not %" PRId64 ": the run is not deterministic\n",
			     gelu_cosim_fail_cycle(cs), fail);
	gelu_cosim_finish(cs);
	if (std::rename(tmp.c_str(), vcd) != 0) {
		std::fprintf(stderr, "gelu_cosim: %s: %s\n", vcd, std::strerror(errno));
		std::remove(tmp.c_str());
		return 2;
	}
	std::fprintf(stderr, "gelu_cosim: VCD %s: clocks %" PRId64 "..%" PRId64
		     " around the failure on clock %" PRId64 " (rising edge at "
		     "time %" PRId64 ")\n", vcd, clock - before,
		     clock + kVcdWindowAfter, clock,
		     2 * (clock + kResetCycles) + 1);
	return 0;
}

}  // namespace

int main(int argc, char **argv)
{
	int status;
	gelu_cosim *cs = gelu_cosim_new(argc, argv, 0, &status);

	if (!cs)
		return status;
	const char *vcd = gelu_cosim_vcd(cs);
	const int64_t before = gelu_cosim_vcd_before(cs) < 0 ?
			       kVcdWindowBefore : gelu_cosim_vcd_before(cs);
	run(cs, argc, argv, nullptr, 0, 0);
	const int64_t fail = gelu_cosim_fail_cycle(cs);
	status = gelu_cosim_finish(cs);
	if (vcd && fail < 0)
		std::fprintf(stderr, "gelu_cosim: no failure, so no VCD written (%s)\n",
			     vcd);
	if (vcd && fail >= 0 && replay(argc, argv, vcd, fail, before))
		return status ? status : 2;
	return status;
}
