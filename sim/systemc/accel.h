// accel.h - the accelerator as one SystemC module, for stasim-sc and for
// other SystemC platforms (docs/systemc.md).
//
// Inside: the scheduler, the DMA and the registry's compute units (sim/
// unit.h: engine, vector, softmax, gate), each a wrapper of its C model
// (units.h) or, as the config's [systemc] section asks (the class's
// sc_rtl), of its Verilated RTL (rtl_units.h, built by accel.cpp's table),
// wired by signals that carry the same ports the native kernel passes by
// pointer. Outside: a clock input and a TLM-2.0 initiator socket on which
// the DMA issues one blocking transaction per DRAM transfer; bind it to
// any loosely-timed memory target (dram_sc is the native channel's timing).
//
// simulate() runs one trace through the same planning, functional checks
// and statistics as `stasim run` (run.h), with these modules as the clock.
// It must be called from an SC_THREAD: it waits on the clock. Invariant:
// with every unit in C and dram_sc as the memory, the result equals
// `stasim run`'s field for field; an RTL unit that disagrees with its C
// model stops the run as a check failure.
#ifndef SIM_SYSTEMC_ACCEL_H
#define SIM_SYSTEMC_ACCEL_H

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>

#include "signals.h"
#include "units.h"

extern "C" {
#include "../config.h"
#include "../run.h"
#include "../top.h"
#include "../trace.h"
}

namespace stasim {

// One compute unit of the registry on the platform: its wrapper (the C
// model's, or the RTL's that accel.cpp's factory table built for it) and
// what that wrapper needs beyond the common ports, each possibly empty.
struct sc_unit {
	std::unique_ptr<compute_sc> mod;	// the unit's wrapper
	std::function<void(struct run_top *u)> bind;	// per run: plans, links
	std::function<void()> unbind;		// after a run
	// its pins on tf, under the accelerator's prefix
	std::function<void(sc_core::sc_trace_file *tf, const std::string &p)>
		trace;
	std::function<void(uint64_t cycle)> inject;	// --inject-flip, or empty
};

class accel : public sc_core::sc_module {
public:
	// What a unit's RTL factory (accel.cpp) may use while the module is
	// elaborated.
	struct rtl_ctx {
		const struct config *cfg;
		const char *name;		// its instance name
		uint32_t index;			// its registry index
		sc_core::sc_in<bool> &clk;
		sc_core::sc_signal<bool> &rst_l;
		std::vector<std::shared_ptr<void>> &owned;	// kept alive with it
	};

	sc_core::sc_in<bool> clk;
	tlm::tlm_initiator_socket<> mem;	// DRAM transfers (dma_sc)

	// cfg must outlive the module; its [systemc] keys pick C or RTL.
	accel(sc_core::sc_module_name n, const struct config *cfg);
	// "" when every unit cfg asks for can be built here, else why not.
	static std::string check_config(const struct config *cfg);
	// One trace, like run_sim (run.h); from an SC_THREAD only.
	int simulate(const struct config *cfg, const struct trace *t,
		     const struct run_opts *o, struct run_result *r,
		     struct sim_err *err);
	// The clock run_sim uses when given this accelerator.
	const struct run_clock *clock() const { return &clock_; }
	// Put every port on tf (before sc_start).
	void trace(sc_core::sc_trace_file *tf) const;
	// Test hook (stasim-sc --inject-flip): see sde_rtl_sc::inject_flip.
	// Returns false when the engine is not RTL.
	bool inject_engine_flip(uint64_t cycle);
	// Clock cycles of all runs so far (stasim-sc's speed figures).
	uint64_t cycles_total() const { return cycles_total_; }

private:
	static int clock_cb(void *ctx, struct run_top *u, int check, char *msg,
			    size_t msg_len);
	int run_units(struct run_top *u, int check);
	void reset_rtl();
	void bind_all(struct run_top *u);
	void unbind_all();
	void sync_all();
	bool all_idle(const struct run_top *u) const;
	void check_all(const struct run_top *u, uint64_t cycle) const;
	std::string compare_all(uint64_t cycle);

	void make_unit(uint32_t i);

	const struct config *cfg_;
	const struct unit_registry *reg_;	// the compute units
	sc_core::sc_time period_;
	sched_sc sched_;
	dma_sc dma_;
	sc_unit unit_[UNIT_MAX];		// by registry index
	bool any_rtl_ = false;
	// Modules and signals a unit's factory made beyond its wrapper (the
	// softmax RTL's fused-attention link and its signals).
	std::vector<std::shared_ptr<void>> owned_;

	// Written by their unit's processes and, when a run is bound, once by
	// the thread that binds it (the units' initial outputs).
	template <typename T> using port_signal =
		sc_core::sc_signal<T, sc_core::SC_MANY_WRITERS>;
	port_signal<dma_cmd_sig> dma_cmd_;
	port_signal<dma_out_sig> dma_out_;
	port_signal<cmd_sig> cmd_[UNIT_MAX];
	port_signal<uint32_t> want_[UNIT_MAX];
	port_signal<uout_sig> uout_[UNIT_MAX];
	sc_core::sc_signal<bool> rst_l_;

	struct run_clock clock_;
	uint64_t cycles_total_ = 0;
};

// The clock period of cfg's [arch] clock_mhz.
sc_core::sc_time accel_period(const struct config *cfg);

}  // namespace stasim

#endif
