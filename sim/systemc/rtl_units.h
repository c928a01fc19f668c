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
// When a command carries its operands (functional mode, struct sde_data),
// the engine's operand feeder answers every op_rd with the tile's real beat
// in rtl/sde.v's layout, and every row the RTL writes back is checked, at
// the tile's wb_done, against the C model's requantized outputs; without
// operands (timing mode) the lanes are held at zero. The softmax unit's
// score lanes carry the tile's real scores when the command has them
// (functional mode) and zeros otherwise, and every probability beat it
// emits is checked against smx_row on the same scores.
#ifndef SIM_SYSTEMC_RTL_UNITS_H
#define SIM_SYSTEMC_RTL_UNITS_H

#include <deque>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <systemc>

#include "units.h"
#include "Vsde.h"
#include "Vsmx.h"

extern "C" {
#include "../config.h"
#include "../../models/nm.h"
#include "../../models/sde.h"
#include "../../models/smx.h"
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
	// With STASIM_SC_STATS set, one stderr line: beats fed, rows checked.
	~sde_rtl_sc() override;
	// "" when the RTL was built for cfg's array, else why not.
	static std::string fits(const struct config *cfg);
	std::string compare(uint64_t cycle) override;
	void trace(sc_core::sc_trace_file *tf) const;
	// Test hook: flip the RTL's `active` output as the scheduler sees it,
	// once, at the first cycle >= cycle of a run; compare() must catch it.
	void inject_flip(uint64_t cycle) { inject_at_ = cycle; }

private:
	// A row the RTL wrote back, kept until its tile's wb_done.
	struct wb_row {
		uint64_t cycle;
		unsigned row;
		std::vector<int> v;	// out_data's columns, sign-extended
	};

	bool drives_out() const override { return false; }
	void drive();
	void collect();
	void track();
	void feed();
	void beat(const struct unit_cmd &c, uint64_t kb);
	std::string check_rows(uint64_t cycle);

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
	std::deque<struct unit_cmd> steps_;	// accepted k-steps, not all read
	uint64_t step_beat_ = 0;	// beats read of steps_.front()
	uint64_t tile_beat_ = 0;	// beats read since its tile's FIRST
	std::deque<struct unit_cmd> drains_;	// streamed tiles, not yet wb_done
	std::vector<wb_row> rows_;	// rows of drains_.front() written back
	std::string feed_err_;		// an op_rd the feeder could not answer
	uint64_t beats_ = 0;		// operand beats fed from sde_data
	uint64_t rows_checked_ = 0;	// rows checked against d->out
};

// The softmax unit rtl/smx.v was Verilated as (Makefile: SC_SMX_PARAMS).
struct smx_rtl_params {
	unsigned lanes, algorithm, exp_latency, recip_latency, dividers,
		 div_latency, rows, n_max, kc_bits;
};
smx_rtl_params smx_rtl_built();

// The softmax unit as rtl/smx.v. Its sequencer reads every row twice from
// x_data on a schedule of its own (rows, cols and its parameters), so it
// stands in for the C unit only where the planner's kcycles is that
// schedule: softmax not fused, algorithm online or ita (fits()).
class smx_rtl_sc : public compute_sc {
public:
	SC_HAS_PROCESS(smx_rtl_sc);
	sc_core::sc_in<bool> rst_l;

	smx_rtl_sc(sc_core::sc_module_name n, const struct config *cfg);
	// "" when the RTL was built for cfg's softmax unit, else why not.
	static std::string fits(const struct config *cfg);
	std::string compare(uint64_t cycle) override;
	void trace(sc_core::sc_trace_file *tf) const;

private:
	bool drives_out() const override { return false; }
	void drive();
	void collect();
	void track();
	void feed();
	std::string check_beat();

	Vsmx rtl_;
	STASIM_PIN(Vsmx, cmd_valid);
	STASIM_PIN(Vsmx, cmd_ready);
	STASIM_PIN(Vsmx, cmd_flags);
	STASIM_PIN(Vsmx, cmd_op);
	STASIM_PIN(Vsmx, cmd_rows);
	STASIM_PIN(Vsmx, cmd_cols);
	STASIM_PIN(Vsmx, cmd_kcycles);
	STASIM_PIN(Vsmx, cmd_in_frac);
	STASIM_PIN(Vsmx, cmd_ita_eps32);
	STASIM_PIN(Vsmx, active);
	STASIM_PIN(Vsmx, rd_done_valid);
	STASIM_PIN(Vsmx, rd_done_flags);
	STASIM_PIN(Vsmx, rd_done_op);
	STASIM_PIN(Vsmx, wb_done_valid);
	STASIM_PIN(Vsmx, wb_done_flags);
	STASIM_PIN(Vsmx, wb_done_op);
	STASIM_PIN(Vsmx, x_rd);
	STASIM_PIN(Vsmx, x_row);
	STASIM_PIN(Vsmx, x_col);
	STASIM_PIN(Vsmx, x_data);
	STASIM_PIN(Vsmx, out_valid);
	STASIM_PIN(Vsmx, out_row);
	STASIM_PIN(Vsmx, out_col);
	STASIM_PIN(Vsmx, out_p);

	struct smx_params sp_;		// the configured unit, for smx_cycles
	struct smx_fmt fmt_;		// score format when a command has no data
	std::deque<struct unit_cmd> tiles_;	// accepted, not yet wb_done
	std::vector<int8_t> row_x_;	// scores of the row last checked
	std::vector<uint8_t> row_p_;	// smx_row of row_x_
	const void *row_job_ = nullptr;	// (job, row) of row_p_, or none
	uint32_t row_idx_ = UINT32_MAX;
	std::string bad_cmd_;		// a command the RTL cannot run as planned
	uint64_t beats_ = 0;		// probability beats checked
};

}  // namespace stasim

#endif
