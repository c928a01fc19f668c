// rtl_units.h - compute units as their Verilated RTL (verilator --sc).
//
// An RTL unit takes the place of the C model inside the same top: the
// scheduler's command drives the RTL's pins, and the RTL's registered
// outputs (ready, active, rd_done, wb_done) are what the scheduler sees.
// The unit's C model still runs beside it on the same commands, for two
// jobs the RTL has no pins for: the per-op busy and stall counters the
// report needs, and a scoreboard. After every falling edge compare() checks
// the RTL's outputs against the model's; the first disagreement stops the
// run as a check failure naming the cycle, unit and port.
//
// Only the handshakes and timing are driven: the operand lanes are held at
// zero, so functional values come from the C model. The RTL data paths are
// checked bit for bit by the lockstep harnesses (tests/cosim/, docs/rtl.md).
#ifndef SIM_SYSTEMC_RTL_UNITS_H
#define SIM_SYSTEMC_RTL_UNITS_H

#include <string>
#include <type_traits>
#include <utility>

#include <systemc>

#include "units.h"
#include "Vsde.h"

extern "C" {
#include "../config.h"
}

namespace stasim {

// The data type of a Verilated model's port member.
template <typename P> using pin_t =
	typename std::remove_reference<P>::type::data_type;
#define STASIM_PIN(model, port) \
	sc_core::sc_signal<pin_t<decltype(std::declval<model &>().port)>> port

// The array the engine RTL was Verilated for (Makefile: SC_SDE_PARAMS).
struct sde_rtl_params {
	unsigned rows, cols, n_max, m_max, act_bits, weight_bits;
};
sde_rtl_params sde_rtl_built();

class sde_rtl_sc : public compute_sc {
public:
	SC_HAS_PROCESS(sde_rtl_sc);
	sc_core::sc_in<bool> rst_l;

	sde_rtl_sc(sc_core::sc_module_name n, const struct config *cfg);
	// "" when the RTL was built for cfg's array, else why not.
	static std::string fits(const struct config *cfg);
	std::string compare(uint64_t cycle) override;
	void trace(sc_core::sc_trace_file *tf) const;
	// Test hook: flip the RTL's `active` output as the scheduler sees it,
	// once, at the first cycle >= cycle of a run; compare() must catch it.
	void inject_flip(uint64_t cycle) { inject_at_ = cycle; }

private:
	bool drives_out() const override { return false; }
	void drive();
	void collect();

	Vsde rtl_;
	STASIM_PIN(Vsde, acc_db);
	STASIM_PIN(Vsde, cmd_valid);
	STASIM_PIN(Vsde, cmd_ready);
	STASIM_PIN(Vsde, cmd_flags);
	STASIM_PIN(Vsde, cmd_op);
	STASIM_PIN(Vsde, cmd_rows);
	STASIM_PIN(Vsde, cmd_cols);
	STASIM_PIN(Vsde, cmd_kcycles);
	STASIM_PIN(Vsde, cmd_drain_cpr);
	STASIM_PIN(Vsde, cmd_dense);
	STASIM_PIN(Vsde, cmd_nm_n);
	STASIM_PIN(Vsde, cmd_nm_m);
	STASIM_PIN(Vsde, cmd_shift);
	STASIM_PIN(Vsde, active);
	STASIM_PIN(Vsde, rd_done_valid);
	STASIM_PIN(Vsde, rd_done_flags);
	STASIM_PIN(Vsde, rd_done_op);
	STASIM_PIN(Vsde, wb_done_valid);
	STASIM_PIN(Vsde, wb_done_flags);
	STASIM_PIN(Vsde, wb_done_op);
	STASIM_PIN(Vsde, op_rd);
	STASIM_PIN(Vsde, op_a);
	STASIM_PIN(Vsde, op_w);
	STASIM_PIN(Vsde, op_idx);
	STASIM_PIN(Vsde, out_valid);
	STASIM_PIN(Vsde, out_row);
	STASIM_PIN(Vsde, out_data);
	std::string bad_cmd_;	// a command the RTL's fields cannot carry
	uint64_t inject_at_ = UINT64_MAX;	// inject_flip's cycle
	bool injected_ = false;
};

}  // namespace stasim

#endif
