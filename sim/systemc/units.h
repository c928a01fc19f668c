// units.h - SystemC wrappers of the unit models: the scheduler, the DMA
// (with its TLM-2.0 memory socket), the default DRAM target, and the
// compute units (engine, vector, softmax, gate) as C models.
//
// Every wrapper keeps the native kernel's two-phase contract with clock
// edges: on the rising edge it copies its input signals into the C struct
// its unit reads and calls the unit's step (which reads only committed
// state of cycle t); on the falling edge it calls commit and writes the
// unit's registered outputs to its output signals. Signals written on the
// falling edge are stable by the next rising edge, so no wrapper ever sees
// another's half-updated state and process order never matters.
//
// A wrapper clocks nothing until bind() gives it a unit; unbind() makes it
// idle again. The accelerator top (accel.h) binds one simulation's units,
// runs it, and binds the next (a run may have several: MoE sub-runs).
#ifndef SIM_SYSTEMC_UNITS_H
#define SIM_SYSTEMC_UNITS_H

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "signals.h"

extern "C" {
#include "../kern.h"
#include "../plan.h"
#include "../sched.h"
#include "../unit.h"
#include "../../models/dma.h"
#include "../../models/fu.h"
#include "../../models/gate_unit.h"
#include "../../models/sde.h"
#include "../../models/smx_unit.h"
}

// In a wrapper's constructor: its rise() on clk's rising edge and fall()
// on the falling one (the two phases above), neither at time 0.
#define STASIM_RISE_FALL()                      \
	do {                                    \
		SC_METHOD(rise);                \
		sensitive << clk.pos();         \
		dont_initialize();              \
		SC_METHOD(fall);                \
		sensitive << clk.neg();         \
		dont_initialize();              \
	} while (0)

namespace stasim {

// A compute unit as the wrappers see it: its class (kernel entry points,
// input wiring, outputs; sim/unit.h) and its state.
struct unit_view {
	const struct unit_class *cls = nullptr;
	const struct kern_ops *ops = nullptr;	// cls->ops
	void *self = nullptr;
	std::function<uout_sig(const void *self)> out;	// its registered outputs
};
unit_view view_of(const struct unit_class *cls, void *self);

// The scheduler: commands out, unit and DMA status in.
class sched_sc : public sc_core::sc_module {
public:
	SC_HAS_PROCESS(sched_sc);
	sc_core::sc_in<bool> clk;
	sc_core::sc_in<dma_out_sig> dma_out;
	sc_core::sc_vector<sc_core::sc_in<uout_sig>> unit_out;	// registry order
	sc_core::sc_out<dma_cmd_sig> dma_cmd;
	sc_core::sc_vector<sc_core::sc_out<cmd_sig>> cmd;	// registry order
	sc_core::sc_vector<sc_core::sc_out<uint32_t>> want;	// registry order

	// n_units: the compute units of the registry it schedules.
	sched_sc(sc_core::sc_module_name n, uint32_t n_units);
	void bind(struct sched *s);
	void unbind() { s_ = nullptr; }
	// Copy the input signals into the scheduler's ports now (for a
	// horizon or check between edges).
	void sync();

private:
	void rise();
	void fall();
	void publish();

	struct sched *s_ = nullptr;
	struct dma_out dma_ = {};		// what s_->dma points to
	uint32_t n_units_;			// ports in use
	uout_sig uo_[UNIT_MAX];			// what s_->up[] point into
	uint64_t cycle_ = 0;
};

// Timing a memory target may return beside the annotated delay: of the
// delay, the cycles the transfer holds the DRAM channel; the rest is
// latency that overlaps the next transfer. A target that ignores it holds
// the channel for the whole delay.
struct dram_timing : tlm::tlm_extension<dram_timing> {
	uint64_t data_cycles = 0;
	tlm::tlm_extension_base *clone() const override
	{
		return new dram_timing(*this);
	}
	void copy_from(const tlm::tlm_extension_base &e) override
	{
		data_cycles = static_cast<const dram_timing &>(e).data_cycles;
	}
};

// The DMA: the C model's queue and in-order completion; each transfer's
// channel and latency cycles come from a blocking b_transport on `mem`.
class dma_sc : public sc_core::sc_module {
public:
	SC_HAS_PROCESS(dma_sc);
	sc_core::sc_in<bool> clk;
	sc_core::sc_in<dma_cmd_sig> cmd;
	sc_core::sc_out<dma_out_sig> out;
	tlm_utils::simple_initiator_socket<dma_sc> mem;

	dma_sc(sc_core::sc_module_name n, sc_core::sc_time period);
	void bind(struct dma *d);
	void unbind() { d_ = nullptr; }
	void sync();
	// The first transfer the target failed, or an empty string.
	const std::string &error() const { return error_; }

	// Address windows of the synthetic address map (docs/systemc.md).
	static const uint64_t kLoadABase = 0x0000000000ull;
	static const uint64_t kLoadWBase = 0x4000000000ull;
	static const uint64_t kStoreBase = 0x8000000000ull;

private:
	static void timing_cb(void *ctx, const struct dma_cmd *c, uint64_t now,
			      uint64_t *data_cycles, uint64_t *lat_cycles);
	void transport(const struct dma_cmd *c, uint64_t *data_cycles,
		       uint64_t *lat_cycles);
	void rise();
	void fall();

	struct dma *d_ = nullptr;
	struct dma_cmd in_ = {};		// what d_->in points to
	struct dma_mem hook_ = {};
	sc_core::sc_time period_;
	uint64_t next_addr_[DMA_KIND_COUNT] = {};
	std::vector<unsigned char> buf_;	// payload bytes of one transfer
	std::string error_;
	uint64_t cycle_ = 0;
};

// The default memory target: the native DRAM channel's timing (bandwidth
// in 16.16 bytes per cycle, fixed latency), no storage.
class dram_sc : public sc_core::sc_module {
public:
	SC_HAS_PROCESS(dram_sc);
	tlm_utils::simple_target_socket<dram_sc> socket;

	dram_sc(sc_core::sc_module_name n, uint64_t bpc_fx,
		uint64_t latency_cycles, sc_core::sc_time period);

private:
	void b_transport(tlm::tlm_generic_payload &gp, sc_core::sc_time &delay);

	uint64_t bpc_fx_, latency_;
	sc_core::sc_time period_;
};

// A compute unit as its C model (engine: models/sde.c; vector, softmax,
// gate: models/fu.c).
class compute_sc : public sc_core::sc_module {
public:
	SC_HAS_PROCESS(compute_sc);
	sc_core::sc_in<bool> clk;
	sc_core::sc_in<cmd_sig> cmd;
	sc_core::sc_in<uint32_t> want;
	sc_core::sc_out<uout_sig> out;

	explicit compute_sc(sc_core::sc_module_name n);
	virtual ~compute_sc() {}
	virtual void bind(const unit_view &v);
	virtual void unbind() { v_ = unit_view(); }
	void sync();
	// After the falling edge: the first disagreement between the unit and
	// its C model, or an empty string (always empty for a C-model unit).
	virtual std::string compare(uint64_t cycle) { (void)cycle; return ""; }
	const unit_view &view() const { return v_; }

protected:
	void rise();
	void fall();
	// Write the model's registered outputs to `out` (C-model units only).
	virtual bool drives_out() const { return true; }

	unit_view v_;
	struct unit_cmd in_ = {};		// what *v_.in points to
	uint32_t want_ = 0;			// what *v_.want points to
	uint64_t cycle_ = 0;
};

// The engine's side of a fused attention chain (softmax.fused), as the
// ports a fused softmax unit sees: the drain beats of Q.K^T, whose rows
// leave at drain_cpr cycles each, at most `lanes` scores a cycle, and the
// operand fetches of A.V, rows x klen probabilities of each k-step,
// row-major, a_lanes a cycle from the step's first stream cycle. Both come
// from the engine's C model, which steps in either engine wrapper (an RTL
// engine is checked against it every cycle): on each falling edge it
// writes what the engine does in the next cycle (sde_next_drain,
// sde_next_stream). Scores are the drained outputs saturated to int8
// (sde_row_out) with functional operands, zeros without.
class fuse_link_sc : public sc_core::sc_module {
public:
	SC_HAS_PROCESS(fuse_link_sc);
	sc_core::sc_in<bool> clk;
	sc_core::sc_out<drain_sig> drain;
	sc_core::sc_out<fetch_sig> fetch;

	explicit fuse_link_sc(sc_core::sc_module_name n);
	// unit: the registry index of the softmax unit it feeds.
	void bind(const struct sde *e, const struct plan_op *plans,
		  uint32_t n_ops, uint32_t unit);
	void unbind() { e_ = nullptr; }

private:
	void fall();
	drain_sig next_drain();
	fetch_sig next_fetch() const;
	const int16_t *row_of(const struct unit_cmd &t, uint32_t row);

	const struct sde *e_ = nullptr;
	const struct plan_op *plans_ = nullptr;
	uint32_t n_ops_ = 0;
	uint32_t unit_ = 0;		// the fed unit's registry index
	std::vector<int16_t> out_;	// the drained row, sde_row_out
	std::vector<int32_t> acc_;
	const void *row_data_ = nullptr;	// (data, row, c0) of out_
	uint32_t row_r_ = UINT32_MAX, row_c0_ = 0;
};

}  // namespace stasim

#endif
