// vcd_window.h - waves of a bounded window of cycles of a lockstep run.
//
// A lockstep run is a pure function of its options and seed, so --vcd FILE
// does not trace the whole run: the first pass runs untraced; then the
// harness replays the same options from reset with a VcdWindow that writes
// only the cycles lockstep_vcd_cycles() chose (lockstep.h: around the first
// failure, the first cycles of a passing run, or --vcd-window A:B). The
// file size is bounded by the window, whatever the length of the run.
//
// Cycles are the harness's (lockstep.h): cycle C is the clock whose rising
// edge gives the outputs the check of cycle C compares; reset clocks are
// cycle 0 and below. Each clock is dumped at both edges, so the window
// [from, to] holds 2 (to - from + 1) timestamps.
#ifndef SIM_COSIM_VCD_WINDOW_H
#define SIM_COSIM_VCD_WINDOW_H

#include <cstdint>
#include <memory>

#include <verilated.h>
#include <verilated_vcd_c.h>

// What a VcdWindow wrote: cycles first .. last at VCD times t0 .. t1;
// first > last when nothing.
struct VcdSpan {
	int64_t first, last;	// cycles dumped, inclusive
	uint64_t t0, t1;	// VCD times of the first and last dump
};

template <typename Top> class VcdWindow {
public:
	// ctx->traceEverOn(true) must have been called before top was built.
	VcdWindow(VerilatedContext *ctx, Top *top, const char *path,
		  int64_t from, int64_t to)
		: ctx_(ctx), from_(from), to_(to), span_{ 0, -1, 0, 0 }
	{
		vcd_ = std::make_unique<VerilatedVcdC>();
		top->trace(vcd_.get(), 99);
		vcd_->open(path);
	}
	~VcdWindow() { vcd_->close(); }
	// Call after each eval of the clock of cycle `cycle` (both edges).
	void sample(int64_t cycle)
	{
		if (cycle < from_ || cycle > to_)
			return;
		if (span_.first > span_.last)
			span_ = VcdSpan{ cycle, cycle, ctx_->time(), 0 };
		span_.last = cycle;
		span_.t1 = ctx_->time();
		vcd_->dump(ctx_->time());
	}
	// 1 once the window is written: the replay can stop.
	int past(int64_t cycle) const { return cycle > to_; }
	const VcdSpan &span() const { return span_; }

private:
	VerilatedContext *ctx_;
	std::unique_ptr<VerilatedVcdC> vcd_;
	int64_t from_, to_;	// the window, cycles inclusive
	VcdSpan span_;		// what was dumped so far
};

#endif
