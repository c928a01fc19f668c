// vcd_window.h - waves of a bounded window of clocks around a mismatch.
//
// A lockstep run is a pure function of its options and seed, so --vcd FILE
// does not trace the whole run: the first pass runs untraced and finds the
// mismatch clock C; the harness then replays the same options from reset
// with a VcdWindow that writes only clocks [C - before, C + after]. The file
// size is bounded by the window, whatever the length of the run. Without a
// mismatch no file is written (the harness says so).
//
// Clocks are counted from the first clock after reset (the harness's cycle
// 0); reset clocks are negative and are dumped when the window reaches them.
#ifndef TESTS_COSIM_VCD_WINDOW_H
#define TESTS_COSIM_VCD_WINDOW_H

#include <cstdint>
#include <memory>

#include <verilated.h>
#include <verilated_vcd_c.h>

// Clocks kept before and after the mismatch (--vcd-window sets before).
const int64_t kVcdWindowBefore = 64;
const int64_t kVcdWindowAfter = 4;

template <typename Top> class VcdWindow {
public:
	// ctx->traceEverOn(true) must have been called before top was built.
	VcdWindow(VerilatedContext *ctx, Top *top, const char *path,
		  int64_t fail_clock, int64_t before)
		: ctx_(ctx), from_(fail_clock - before),
		  to_(fail_clock + kVcdWindowAfter)
	{
		vcd_ = std::make_unique<VerilatedVcdC>();
		top->trace(vcd_.get(), 99);
		vcd_->open(path);
	}
	~VcdWindow() { vcd_->close(); }
	// Call after each eval of clock `clock` (both edges).
	void sample(int64_t clock)
	{
		if (clock >= from_ && clock <= to_)
			vcd_->dump(ctx_->time());
	}
	// 1 once the window is written: the replay can stop.
	int past(int64_t clock) const { return clock > to_; }

private:
	VerilatedContext *ctx_;
	std::unique_ptr<VerilatedVcdC> vcd_;
	int64_t from_, to_;
};

#endif
