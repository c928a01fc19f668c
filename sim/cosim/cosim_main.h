// cosim_main.h - the Verilator side shared by the co-simulation mains
// (sde_main.cpp, vec_main.cpp, gate_main.cpp, smx_main.cpp, fu_main.cpp):
// context, model, reset window, one tick() per clock, final(), the two-pass
// --vcd run (vcd_window.h), and the ports every unit has (reset, the command
// handshake, the controller's outputs: ctl.h). Each main keeps only what
// differs: the list of its unit's own ports (COSIM_PORTS), its Harness
// (COSIM_HARNESS) and a short main().
//
// The harnesses are C (sim/cosim/UNIT_cosim.c), each a struct lockstep
// (lockstep.h) and the calls of its unit, so a main describes its harness
// with a Harness of function pointers; the model type is a template
// parameter because each Verilated model is its own class. Every message
// goes through lockstep.h, worded as the C side words its own.
#ifndef SIM_COSIM_COSIM_MAIN_H
#define SIM_COSIM_COSIM_MAIN_H

#include <cerrno>
#include <cinttypes>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include <sys/stat.h>
#include <unistd.h>

#include <verilated.h>
#if VM_COVERAGE
#include <verilated_cov.h>
#endif

#include "lockstep.h"
#include "vcd_window.h"

namespace cosim_main {

// One harness's C calls.
template <typename Cs, typename Pins> struct Harness {
	const char *name;	// first on every message: "sde cosim"
	int reset_cycles;	// clocks with rst_l low
	Cs *(*open)(int argc, char **argv, int replay, int *status);
	const lockstep *(*core)(const Cs *c);	// options, failure, done
	void (*reset_pins)(Cs *c, Pins *p);	// inputs during reset, or
						// nullptr: all 0
	void (*drive)(Cs *c, Pins *p);	// not called once core()->done
	int (*check)(Cs *c, Pins *p);	// nor this
	int (*finish)(Cs *c);
};

// The Harness of a unit's C side (UNIT_cosim.h): the calls unit_cosim_*,
// the name and reset window UNIT_COSIM_*; reset_pins as in Harness.
#define COSIM_HARNESS(unit, UNIT, reset_pins)                               \
	cosim_main::Harness<unit##_cosim, unit##_pins>{                     \
		UNIT##_COSIM_PROG, UNIT##_COSIM_RESET_CYCLES,               \
		unit##_cosim_new, unit##_cosim_core, reset_pins,            \
		unit##_cosim_drive, unit##_cosim_check, unit##_cosim_finish \
	}

// The waves one run writes.
struct Waves {
	const char *path;	// the VCD file, or nullptr: an untraced run
	int64_t from, to;	// the window, cycles inclusive
};

// What one run did.
struct Ran {
	int64_t last;		// cycle of its last check
	VcdSpan span;		// what its waves hold
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

// One input port from its pins field: a value, or the words of a wide
// one.
template <typename T, typename V> void in(T &port, const V &v)
{
	port = static_cast<T>(v);
}
template <typename T, std::size_t N> void in(T &port, const uint32_t (&w)[N])
{
	put(port, w);
}

// One output port into its pins field, likewise.
template <typename T, typename V> void out(const T &port, V &v)
{
	v = static_cast<V>(port);
}
template <typename T, std::size_t N> void out(const T &port, uint32_t (&w)[N])
{
	get(port, w);
}

// The inputs every unit has: reset and the command (ctl.h).
template <typename Top, typename Pins> void put_cmd(Top *m, const Pins &p)
{
	m->rst_l = p.rst_l;
	m->cmd_valid = p.cmd.cmd_valid;
	m->cmd_flags = p.cmd.cmd_flags;
	m->cmd_op = p.cmd.cmd_op;
	m->cmd_rows = p.cmd.cmd_rows;
	m->cmd_cols = p.cmd.cmd_cols;
	m->cmd_kcycles = p.cmd.cmd_kcycles;
}

// The controller's outputs every unit has (ctl.h).
template <typename Top> void get_ctl(const Top *m, ctl_ports &c)
{
	c = ctl_ports{ m->cmd_ready,     m->active,        m->rd_done_valid,
		       m->rd_done_flags, m->rd_done_op,    m->wb_done_valid,
		       m->wb_done_flags, m->wb_done_op };
}

// to_model<Top> and from_model<Top>, moving a unit's pins (struct Pins) to
// and from its Verilated model Top: the common ports (put_cmd, get_ctl),
// then its own, each listed by name in INS(X) and OUTS(X) (X-macros).
#define COSIM_IN(port) cosim_main::in(m->port, p.port);
#define COSIM_OUT(port) cosim_main::out(m->port, p.port);
#define COSIM_PORTS(Pins, INS, OUTS)                                  \
	template <typename Top> void to_model(Top *m, const Pins &p)  \
	{                                                             \
		cosim_main::put_cmd(m, p);                            \
		INS(COSIM_IN)                                         \
	}                                                             \
	template <typename Top> void from_model(const Top *m, Pins &p) \
	{                                                             \
		cosim_main::get_ctl(m, p.ctl);                        \
		OUTS(COSIM_OUT)                                       \
	}

// The clock of cycle `cycle` (vcd_window.h: reset clocks 0 and below):
// falling then rising edge; inputs change only while clk is high. win: the
// replay's waves, or nullptr.
template <typename Top>
void tick(VerilatedContext *ctx, Top *top, VcdWindow<Top> *win, int64_t cycle)
{
	for (int level = 0; level < 2; level++) {
		top->clk = level;
		top->eval();
		if (win)
			win->sample(cycle);
		ctx->timeInc(1);
	}
}

// A coverage build (make coverage: Verilator --coverage-line
// --coverage-toggle defines VM_COVERAGE 1) writes the run's counts to the
// file $COSIM_COVERAGE names, or to Verilator's default coverage.dat in the
// working directory; other builds count nothing and write nothing.
inline void write_coverage(VerilatedContext *ctx)
{
#if VM_COVERAGE
	const char *path = std::getenv("COSIM_COVERAGE");

	ctx->coveragep()->write(path && *path ? path
				: VerilatedCovContext::defaultFilename());
#else
	(void)ctx;
#endif
}

// One lockstep run of cs from reset on a fresh model. Untraced (w.path
// null) it runs until the C side is done; traced it writes cycles
// w.from .. w.to to w.path and stops once past them (after the C side is
// done the RTL keeps its last inputs), or also when the C side is done
// for a harness whose replay runs on past a mismatch (lockstep runs_on). Work: one model clock and one C step a cycle.
template <typename Top, typename Cs, typename Pins>
Ran run(const Harness<Cs, Pins> &h, void (*to_model)(Top *, const Pins &),
	void (*from_model)(const Top *, Pins &), Cs *cs, int argc, char **argv,
	const Waves &w)
{
	const auto ctx = std::make_unique<VerilatedContext>();
	ctx->commandArgs(argc, argv);
	ctx->traceEverOn(w.path != nullptr);	// before the model exists
	const auto top = std::make_unique<Top>(ctx.get());
	std::unique_ptr<VcdWindow<Top>> win;
	if (w.path)
		win = std::make_unique<VcdWindow<Top>>(ctx.get(), top.get(),
						       w.path, w.from, w.to);

	Pins p{};
	if (h.reset_pins)
		h.reset_pins(cs, &p);
	to_model(top.get(), p);
	int64_t cycle = 1 - h.reset_cycles;
	for (; cycle <= 0; cycle++)
		tick(ctx.get(), top.get(), win.get(), cycle);
	from_model(top.get(), p);
	const lockstep *ls = h.core(cs);
	h.check(cs, &p);
	for (cycle = 0;
	     win ? !win->past(cycle + 1) && !(ls->runs_on && ls->done)
		 : !ls->done;) {
		// once done, the RTL keeps its last inputs, unchecked
		if (!ls->done)
			h.drive(cs, &p);
		to_model(top.get(), p);
		tick(ctx.get(), top.get(), win.get(), ++cycle);
		from_model(top.get(), p);
		if (!ls->done)
			h.check(cs, &p);
	}
	top->final();
	if (!w.path)
		write_coverage(ctx.get());
	return Ran{ cycle, win ? win->span() : VcdSpan{ 0, -1, 0, 0 } };
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

// The replay for --vcd: the same options again from reset, silent, traced
// over cycles from .. to, into a temporary renamed to vcd once complete.
// fail: the first pass's failure cycle, or -1. Returns 0, or 2 on an I/O
// error.
template <typename Cs, typename Pins, typename Run>
int replay(const Harness<Cs, Pins> &h, Run run_once, int argc, char **argv,
	   const char *vcd, const Waves &w, int64_t fail)
{
	int status;
	Cs *cs = h.open(argc, argv, 1, &status);
	// the replay fails where the run did, if it gets that far
	const int64_t want = fail >= 0 && w.to >= fail ? fail : -1;

	if (!cs)
		return status;
	const std::string tmp = temp_beside(vcd);
	if (tmp.empty()) {
		lockstep_say(0, h.name, "%s: %s", vcd, std::strerror(errno));
		h.finish(cs);
		return 2;
	}
	const Ran r = run_once(cs, argc, argv,
			       Waves{ tmp.c_str(), w.from, w.to });
	if (h.core(cs)->fail_cycle != want)
		lockstep_say(0, h.name, "the --vcd replay's first failure is at "
			    "cycle %" PRId64 ", not %" PRId64 " (-1: none): "
			    "the run is not deterministic", h.core(cs)->fail_cycle,
			    want);
	h.finish(cs);
	if (std::rename(tmp.c_str(), vcd) != 0) {
		lockstep_say(0, h.name, "%s: %s", vcd, std::strerror(errno));
		std::remove(tmp.c_str());
		return 2;
	}
	lockstep_vcd_wrote(h.name, vcd, r.span.first, r.span.last, r.span.t0,
			  r.span.t1);
	return 0;
}

// --vcd after the first pass (fail: its failure cycle or -1, last: the
// cycle of its last check): the window lockstep_vcd_cycles() picks, written
// by a replay. Returns 0, or 2 when no file could be written.
template <typename Cs, typename Pins, typename Run>
int waves(const Harness<Cs, Pins> &h, Run run_once, int argc, char **argv,
	  const lockstep_vcd &vcd, int64_t fail, int64_t last)
{
	Waves w{ vcd.path, 0, 0 };

	if (lockstep_vcd_cycles(&vcd, fail, last, 1 - h.reset_cycles, &w.from,
			       &w.to)) {
		lockstep_say(0, h.name, "no VCD written: --vcd-window %" PRId64
			    ":%" PRId64 " starts after the run's last cycle, %"
			    PRId64, vcd.from, vcd.to, w.to);
		return 2;
	}
	return replay(h, run_once, argc, argv, vcd.path, w, fail);
}

// The whole main: the untraced run, then with --vcd FILE the replay that
// writes its window. run_once(cs, argc, argv, waves) is one run from reset
// (cosim_main::run on the harness's model). The exit status is the run's,
// or 2 when it passed but the VCD could not be written.
template <typename Cs, typename Pins, typename Run>
int main_with(const Harness<Cs, Pins> &h, Run run_once, int argc,
	      char **argv)
{
	int status;
	Cs *cs = h.open(argc, argv, 0, &status);

	if (!cs)
		return status;
	const lockstep_vcd vcd = h.core(cs)->vcd;	// cs is gone after finish()
	const Ran r = run_once(cs, argc, argv, Waves{ nullptr, 0, -1 });
	const int64_t fail = h.core(cs)->fail_cycle;
	status = h.finish(cs);
	if (vcd.path && waves(h, run_once, argc, argv, vcd, fail, r.last))
		return status ? status : 2;
	return status;
}

// main_with for a harness with one model.
template <typename Top, typename Cs, typename Pins>
int main(const Harness<Cs, Pins> &h, void (*to_model)(Top *, const Pins &),
	 void (*from_model)(const Top *, Pins &), int argc, char **argv)
{
	const auto one = [&](Cs *cs, int ac, char **av, const Waves &w) {
		return run(h, to_model, from_model, cs, ac, av, w);
	};
	return main_with(h, one, argc, argv);
}

}  // namespace cosim_main

#endif
