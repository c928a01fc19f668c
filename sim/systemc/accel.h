// accel.h - the accelerator as one SystemC module, for stasim-sc and for
// other SystemC platforms (docs/systemc.md).
//
// Inside: the scheduler, the DMA and four compute units (engine, vector,
// softmax, gate), each a wrapper of its C model (units.h) or, as the
// config's [systemc] section asks, of its Verilated RTL (rtl_units.h),
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

#include <memory>
#include <string>

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

class gate_rtl_sc;
class smx_rtl_sc;

class accel : public sc_core::sc_module {
public:
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

	const struct config *cfg_;
	sc_core::sc_time period_;
	sched_sc sched_;
	dma_sc dma_;
	std::unique_ptr<compute_sc> unit_[PU_COUNT];
	bool any_rtl_ = false;
	gate_rtl_sc *gate_rtl_ = nullptr;	// unit_[PU_GATE] when it is RTL
	smx_rtl_sc *smx_rtl_ = nullptr;	// unit_[PU_SMX] when it is RTL
	// With the softmax unit in RTL: the engine's drain beats and A.V's
	// operand fetches toward it (fused attention).
	std::unique_ptr<fuse_link_sc> link_;
	sc_core::sc_signal<drain_sig> drain_;
	sc_core::sc_signal<fetch_sig> fetch_;

	// Written by their unit's processes and, when a run is bound, once by
	// the thread that binds it (the units' initial outputs).
	template <typename T> using port_signal =
		sc_core::sc_signal<T, sc_core::SC_MANY_WRITERS>;
	port_signal<dma_cmd_sig> dma_cmd_;
	port_signal<dma_out_sig> dma_out_;
	port_signal<cmd_sig> cmd_[PU_COUNT];
	port_signal<uint32_t> want_[PU_COUNT];
	port_signal<uout_sig> uout_[PU_COUNT];
	sc_core::sc_signal<bool> rst_l_;

	struct run_clock clock_;
	uint64_t cycles_total_ = 0;
};

// The clock period of cfg's [arch] clock_mhz.
sc_core::sc_time accel_period(const struct config *cfg);

}  // namespace stasim

#endif
