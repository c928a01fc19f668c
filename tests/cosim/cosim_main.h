// cosim_main.h - the Verilator side shared by the co-simulation mains
// (sde_main.cpp, gelu_main.cpp, gate_main.cpp, smx_main.cpp): context,
// model, reset window, one tick() per clock, final(), and the two-pass
// --vcd run (vcd_window.h). Each main keeps only what differs: copying its
// pins struct to and from the Verilated ports, and a short main().
//
// The harnesses are C (tests/cosim/*_cosim.c) and name the same calls
// differently (cosim_*, gelu_cosim_*, ...), so a main describes its harness
// with a Harness of function pointers; the model type is a template
// parameter because each Verilated model is its own class.
#ifndef TESTS_COSIM_COSIM_MAIN_H
#define TESTS_COSIM_COSIM_MAIN_H

#include <cerrno>
#include <cinttypes>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include <sys/stat.h>
#include <unistd.h>

#include <verilated.h>

#include "vcd_window.h"

namespace cosim_main {

// One harness's C calls and the few ways its messages differ.
template <typename Cs, typename Pins> struct Harness {
	const char *name;	// prefix of the messages: "sde_cosim"
	const char *fault;	// what the messages call a bad check
	bool notes_on_stdout;	// the VCD / no-VCD notes on stdout, not stderr
	bool stop_when_done;	// a traced replay also stops when the C side
				// is done, not only once past the window
	int reset_cycles;	// clocks with rst_l low
	Cs *(*open)(int argc, char **argv, int replay, int *status);
	const char *(*vcd)(const Cs *c);
	int64_t (*vcd_before)(const Cs *c);
	int64_t (*fail_cycle)(const Cs *c);
	void (*reset_pins)(Cs *c, Pins *p);
	int (*done)(const Cs *c);
	void (*drive)(Cs *c, Pins *p);
	int (*check)(Cs *c, Pins *p);
	int (*finish)(Cs *c);
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

// Clock `clock` (reset clocks negative, as vcd_window.h counts): falling
// then rising edge; inputs change only while clk is high. win: the
// replay's waves, or nullptr.
template <typename Top>
void tick(VerilatedContext *ctx, Top *top, VcdWindow<Top> *win, int64_t clock)
{
	for (int level = 0; level < 2; level++) {
		top->clk = level;
		top->eval();
		if (win)
			win->sample(clock);
		ctx->timeInc(1);
	}
}

// One lockstep run of cs from reset on a fresh model. Untraced (win_path
// null) it runs until the C side is done; traced it writes the window
// [fail_clock - before, fail_clock + kVcdWindowAfter] to win_path and stops
// once past it (after the C side is done the RTL keeps its last inputs),
// or also when the C side is done with h.stop_when_done.
template <typename Top, typename Cs, typename Pins>
void run(const Harness<Cs, Pins> &h, void (*to_model)(Top *, const Pins &),
	 void (*from_model)(const Top *, Pins &), Cs *cs, int argc,
	 char **argv, const char *win_path, int64_t fail_clock, int64_t before)
{
	const auto ctx = std::make_unique<VerilatedContext>();
	ctx->commandArgs(argc, argv);
	ctx->traceEverOn(win_path != nullptr);	// before the model exists
	const auto top = std::make_unique<Top>(ctx.get());
	std::unique_ptr<VcdWindow<Top>> win;
	if (win_path)
		win = std::make_unique<VcdWindow<Top>>(ctx.get(), top.get(),
						       win_path, fail_clock,
						       before);

	Pins p;
	h.reset_pins(cs, &p);
	to_model(top.get(), p);
	for (int i = 0; i < h.reset_cycles; i++)
		tick(ctx.get(), top.get(), win.get(), i - h.reset_cycles);
	from_model(top.get(), p);
	h.check(cs, &p);
	for (int64_t clock = 0;
	     win ? !win->past(clock) && !(h.stop_when_done && h.done(cs))
		 : !h.done(cs);
	     clock++) {
		h.drive(cs, &p);
		to_model(top.get(), p);
		tick(ctx.get(), top.get(), win.get(), clock);
		from_model(top.get(), p);
		h.check(cs, &p);
	}
	top->final();
}

// An empty temporary beside path, with the mode open(2) would give (mkstemp
// makes 0600), for the VCD to be renamed into place once complete; "" when
// it cannot be made.
inline std::string temp_beside(const char *path)
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
template <typename Top, typename Cs, typename Pins>
int replay(const Harness<Cs, Pins> &h, void (*to_model)(Top *, const Pins &),
	   void (*from_model)(const Top *, Pins &), int argc, char **argv,
	   const char *vcd, int64_t fail, int64_t before)
{
	int status;
	Cs *cs = h.open(argc, argv, 1, &status);
	const int64_t clock = fail - 1;

	if (!cs)
		return status;
	const std::string tmp = temp_beside(vcd);
	if (tmp.empty()) {
		std::fprintf(stderr, "%s: %s: %s\n", h.name, vcd,
			     std::strerror(errno));
		h.finish(cs);
		return 2;
	}
	run(h, to_model, from_model, cs, argc, argv, tmp.c_str(), clock,
	    before);
	if (h.fail_cycle(cs) != fail)
		std::fprintf(stderr, "%s: the replay failed at cycle %" PRId64
			     ", not %" PRId64 ": the run is not deterministic\n",
			     h.name, h.fail_cycle(cs), fail);
	h.finish(cs);
	if (std::rename(tmp.c_str(), vcd) != 0) {
		std::fprintf(stderr, "%s: %s: %s\n", h.name, vcd,
			     std::strerror(errno));
		std::remove(tmp.c_str());
		return 2;
	}
	std::fprintf(h.notes_on_stdout ? stdout : stderr,
		     "%s: VCD %s: clocks %" PRId64 "..%" PRId64 " around the %s"
		     " on clock %" PRId64 " (rising edge at time %" PRId64 ")\n",
		     h.name, vcd, clock - before, clock + kVcdWindowAfter,
		     h.fault, clock, 2 * (clock + h.reset_cycles) + 1);
	return 0;
}

// The whole main: the untraced run, then with --vcd FILE either the note
// that nothing failed or the traced replay. The exit status is the run's,
// or 2 when it passed but the replay could not write the VCD.
template <typename Top, typename Cs, typename Pins>
int main(const Harness<Cs, Pins> &h, void (*to_model)(Top *, const Pins &),
	 void (*from_model)(const Top *, Pins &), int argc, char **argv)
{
	int status;
	Cs *cs = h.open(argc, argv, 0, &status);

	if (!cs)
		return status;
	const char *vcd = h.vcd(cs);
	const int64_t before = h.vcd_before(cs) < 0 ? kVcdWindowBefore
						    : h.vcd_before(cs);
	run(h, to_model, from_model, cs, argc, argv, nullptr, 0, 0);
	const int64_t fail = h.fail_cycle(cs);
	status = h.finish(cs);
	if (vcd && fail < 0)
		std::fprintf(h.notes_on_stdout ? stdout : stderr,
			     "%s: no %s, so no VCD written (%s)\n", h.name,
			     h.fault, vcd);
	if (vcd && fail >= 0 &&
	    replay(h, to_model, from_model, argc, argv, vcd, fail, before))
		return status ? status : 2;
	return status;
}

}  // namespace cosim_main

#endif
