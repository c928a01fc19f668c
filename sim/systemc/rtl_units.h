// rtl_units.h - compute units as their Verilated RTL (verilator --sc):
// engine and softmax in rtl_units.cpp, the gate unit in gate_rtl.cpp.
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
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <systemc>

#include "units.h"
#include "Vgate.h"
#include "Vsde.h"
#include "Vsmx.h"

#include "../cosim/beat.h"
#include "../cosim/ctl.h"

extern "C" {
#include "../config.h"
#include "../plan.h"
#include "../../models/gate.h"
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

// Bits lsb .. lsb + w - 1 (w <= 32) of a Verilated bus: an integer up to
// 64 bits, sc_bv beyond. put_bits ORs into a bus that starts at zero.
template <typename T> void put_bits(T &v, unsigned lsb, unsigned w, uint32_t x)
{
	x &= w < 32 ? (1u << w) - 1 : ~0u;
	if constexpr (std::is_integral<T>::value)
		v |= static_cast<T>(x) << lsb;
	else
		v.range(lsb + w - 1, lsb) = x;
}

template <typename T> uint32_t get_bits(const T &v, unsigned lsb, unsigned w)
{
	uint32_t m = w < 32 ? (1u << w) - 1 : ~0u;

	if constexpr (std::is_integral<T>::value)
		return static_cast<uint32_t>(v >> lsb) & m;
	else
		return v.range(lsb + w - 1, lsb).to_uint() & m;
}

// The parts streamed into one message. The checks run after every clock
// and almost always agree: they call this only on a difference, so no
// stream (and its locale) is built on the cycles that pass.
template <typename... A> std::string say(const A &...a)
{
	std::ostringstream m;

	(m << ... << a);
	return m.str();
}

// A Verilated bus of bits bits as the data checks take it (beat.h): 32-bit
// words, bit 0 first, and one spare word.
template <typename T> std::vector<uint32_t> bus_words(const T &v, unsigned bits)
{
	std::vector<uint32_t> w((bits + 31) / 32 + 1, 0);

	for (unsigned b = 0; b < bits; b += 32)
		w[b / 32] = get_bits(v, b, bits - b < 32 ? bits - b : 32);
	return w;
}

// sc_trace of each signal under prefix p and its name; names: the
// signals' names, comma-separated (STASIM_TRACE's #__VA_ARGS__).
template <typename... S>
void trace_pins(sc_core::sc_trace_file *tf, const std::string &p,
		const char *names, const S &...s)
{
	std::string all(names), n;
	size_t at = 0;
	auto one = [&](const auto &sig) {
		size_t end = all.find(',', at);

		n = all.substr(at, end == std::string::npos ? end : end - at);
		at = end == std::string::npos ? all.size() : end + 1;
		n.erase(0, n.find_first_not_of(' '));
		sc_core::sc_trace(tf, sig, p + n);
	};
	(one(s), ...);
}
#define STASIM_TRACE(tf, p, ...) trace_pins(tf, p, #__VA_ARGS__, __VA_ARGS__)

// Lane l of a Verilated bus: an integer up to 64 bits, sc_bv beyond.
template <typename T> void set_lane(T &v, unsigned l, uint8_t b)
{
	if constexpr (std::is_integral<T>::value)
		v |= static_cast<T>(b) << (8 * l);
	else
		v.range(8 * l + 7, 8 * l) = b;
}

template <typename T> uint8_t get_lane(const T &v, unsigned l)
{
	if constexpr (std::is_integral<T>::value)
		return static_cast<uint8_t>(v >> (8 * l));
	else
		return static_cast<uint8_t>(v.range(8 * l + 7, 8 * l).to_uint());
}

// The ports every unit's RTL shares with its controller (rtl/fu.v and the
// engine's): the command handshake, op attribution and the status the
// scheduler reads.
struct fu_pins {
	sc_core::sc_signal<bool> cmd_valid{"cmd_valid"}, cmd_ready{"cmd_ready"};
	sc_core::sc_signal<uint32_t> cmd_flags{"cmd_flags"}, cmd_op{"cmd_op"};
	sc_core::sc_signal<bool> active{"active"};
	sc_core::sc_signal<bool> rd_done_valid{"rd_done_valid"};
	sc_core::sc_signal<uint32_t> rd_done_flags{"rd_done_flags"},
		rd_done_op{"rd_done_op"};
	sc_core::sc_signal<bool> wb_done_valid{"wb_done_valid"};
	sc_core::sc_signal<uint32_t> wb_done_flags{"wb_done_flags"},
		wb_done_op{"wb_done_op"};

	template <typename V> void bind(V &rtl)
	{
		rtl.cmd_valid(cmd_valid);
		rtl.cmd_ready(cmd_ready);
		rtl.cmd_flags(cmd_flags);
		rtl.cmd_op(cmd_op);
		rtl.active(active);
		rtl.rd_done_valid(rd_done_valid);
		rtl.rd_done_flags(rd_done_flags);
		rtl.rd_done_op(rd_done_op);
		rtl.wb_done_valid(wb_done_valid);
		rtl.wb_done_flags(wb_done_flags);
		rtl.wb_done_op(wb_done_op);
	}
	// The status outputs, for a process that mirrors them into a uout_sig.
	void sensitize(sc_core::sc_sensitive &s) const;
	uout_sig status() const;
	// The command: valid, flags and op of c.
	void command(const struct unit_cmd &c);
	void trace(sc_core::sc_trace_file *tf, const std::string &prefix) const;
};

// What every unit run as RTL shares: its reset, its controller's pins, a
// command it cannot run as planned, and the check after each clock: the
// control ports against the C model first, then the unit's own outputs.
class rtl_unit_sc : public compute_sc {
public:
	SC_HAS_PROCESS(rtl_unit_sc);

	sc_core::sc_in<bool> rst_l;

	std::string compare(uint64_t cycle) override;

protected:
	// unit and model name the two sides in a disagreement's message.
	// Registers the processes every unit has: drive() on the command,
	// collect() on the RTL's status, track() after each rising edge; the
	// unit adds its operand feeder on what that reads.
	rtl_unit_sc(sc_core::sc_module_name n, const char *unit,
		    const char *model);
	bool drives_out() const override { return false; }
	// The command's pins, from cmd.
	virtual void drive() = 0;
	// The RTL's status, as the scheduler sees it.
	virtual void collect() { out.write(fu_.status()); }
	// The RTL's outputs after the clock: beats taken, checks kept.
	virtual void track() = 0;
	// The operand feeder: the RTL's reads answered.
	virtual void feed() = 0;
	// For a unit whose reads are answered on the falling edge: feed()
	// there, not at time 0.
	void feed_on_fall();
	// With STASIM_SC_STATS set, "stasim-sc: " and the counts of fmt on
	// stderr, for a destructor.
	static void stats(const char *fmt, ...)
		__attribute__((format(printf, 1, 2)));
	// Once the control ports agree: "" or the first wrong data output.
	virtual std::string check_data(uint64_t cycle) = 0;
	// "" when what is empty, else "<unit> RTL disagrees with <with> after
	// cycle N: <what>", the wording tests/systemc.sh greps.
	std::string disagrees(const char *with, uint64_t cycle,
			      const std::string &what) const;

	fu_pins fu_;
	std::string bad_cmd_;	// a command the RTL cannot run as planned
	const char *unit_, *model_;
};

// The array the engine RTL was Verilated for (Makefile: SC_SDE_PARAMS).
struct sde_rtl_params {
	unsigned rows, cols, n_max, m_max, act_bits, weight_bits;
};
sde_rtl_params sde_rtl_built();

class sde_rtl_sc : public rtl_unit_sc {
public:
	SC_HAS_PROCESS(sde_rtl_sc);

	sde_rtl_sc(sc_core::sc_module_name n, const struct config *cfg);
	// With STASIM_SC_STATS set, one stderr line: beats fed, rows checked.
	~sde_rtl_sc() override;
	// "" when the RTL was built for cfg's array, else why not.
	static std::string fits(const struct config *cfg);
	void trace(sc_core::sc_trace_file *tf) const;
	// Test hook: flip the RTL's `active` output as the scheduler sees it,
	// once, at the first cycle >= cycle of a run; compare() must catch it.
	void inject_flip(uint64_t cycle) { inject_at_ = cycle; }

private:
	// A row the RTL wrote back, kept until its tile's wb_done.
	struct wb_row {
		uint64_t cycle;
		unsigned row;
		std::vector<uint32_t> bus;	// out_data (bus_words)
		std::vector<uint32_t> acc;	// dbg_acc (bus_words)
	};

	void drive() override;
	void collect() override;
	void track() override;
	void feed() override;
	void beat(const struct unit_cmd &c, uint64_t kb);
	std::string check_rows(uint64_t cycle);

	std::string check_data(uint64_t cycle) override;

	Vsde rtl_;
	STASIM_PIN(Vsde, acc_db);
	STASIM_PIN(Vsde, cmd_rows);
	STASIM_PIN(Vsde, cmd_cols);
	STASIM_PIN(Vsde, cmd_kcycles);
	STASIM_PIN(Vsde, cmd_drain_cpr);
	STASIM_PIN(Vsde, cmd_dense);
	STASIM_PIN(Vsde, cmd_nm_n);
	STASIM_PIN(Vsde, cmd_nm_m);
	STASIM_PIN(Vsde, cmd_shift);
	STASIM_PIN(Vsde, op_rd);
	STASIM_PIN(Vsde, op_slice);
	STASIM_PIN(Vsde, op_a);
	STASIM_PIN(Vsde, op_w);
	STASIM_PIN(Vsde, op_idx);
	STASIM_PIN(Vsde, out_valid);
	STASIM_PIN(Vsde, out_row);
	STASIM_PIN(Vsde, out_data);
	STASIM_PIN(Vsde, dbg_acc);
	uint64_t inject_at_ = UINT64_MAX;	// inject_flip's cycle
	bool injected_ = false;
	std::deque<struct unit_cmd> steps_;	// accepted k-steps, not all read
	uint64_t step_beat_ = 0;	// beats read of steps_.front()
	uint64_t tile_beat_ = 0;	// beats read since its tile's FIRST
	uint64_t tile_k0_ = 0;		// the k-element that FIRST step starts at
	uint64_t tile_k1_ = UINT64_MAX;	// a partial-sum slice's end in k
	std::deque<struct unit_cmd> drains_;	// streamed tiles, not yet wb_done
	std::vector<wb_row> rows_;	// rows of drains_.front() written back
	std::string feed_err_;		// an op_rd the feeder could not answer
	bool lanes_zero_ = false;	// op_a, op_w and op_idx hold zeros
	uint64_t beats_ = 0;		// operand beats fed from sde_data
	uint64_t rows_checked_ = 0;	// rows checked against d->out
};

// The softmax unit rtl/smx.v was Verilated as (Makefile: SC_SMX_PARAMS).
struct smx_rtl_params {
	unsigned lanes, algorithm, exp_latency, recip_latency, dividers,
		 div_latency, rows, n_max, fused_rows, kc_bits;
};
smx_rtl_params smx_rtl_built();
// "" when cfg's softmax unit (algorithm, lanes, latencies) is the one
// SC_SMX_PARAMS built, else why not, naming `what` (the RTL that has it).
std::string smx_built_fits(const struct config *cfg, const char *what);

// The softmax unit as rtl/smx.v. Not fused, its sequencer reads every row
// twice from x_data on a schedule of its own (smx_cycles), fed here from
// the command's scores. Fused (online only), the engine's drain beats and
// A.V's operand fetches reach its d_* and f_* pins from fuse_link_sc, a
// fused tile is smx_fused_cycles, and every fetched probability is checked
// against smx_row of the drained row.
class smx_rtl_sc : public rtl_unit_sc {
public:
	SC_HAS_PROCESS(smx_rtl_sc);
	sc_core::sc_in<drain_sig> drain;	// fused: Q.K^T's drain beats
	sc_core::sc_in<fetch_sig> fetch;	// fused: A.V's operand fetches

	smx_rtl_sc(sc_core::sc_module_name n, const struct config *cfg);
	// With STASIM_SC_STATS set, one stderr line: beats checked.
	~smx_rtl_sc() override;
	// "" when the RTL was built for cfg's softmax unit, else why not.
	static std::string fits(const struct config *cfg);
	void set_plans(const struct plan_op *plans) { plans_ = plans; }
	void trace(sc_core::sc_trace_file *tf) const;

private:
	void drive() override;
	void drive_fused();
	void track() override;
	void take_drain();
	void feed() override;
	std::string check_beat();
	std::string check_fetch();

	std::string check_data(uint64_t cycle) override;

	Vsmx rtl_;
	STASIM_PIN(Vsmx, cmd_rows);
	STASIM_PIN(Vsmx, cmd_cols);
	STASIM_PIN(Vsmx, cmd_kcycles);
	STASIM_PIN(Vsmx, cmd_in_frac);
	STASIM_PIN(Vsmx, cmd_ita_eps32);
	STASIM_PIN(Vsmx, x_rd);
	STASIM_PIN(Vsmx, x_row);
	STASIM_PIN(Vsmx, x_col);
	STASIM_PIN(Vsmx, x_data);
	STASIM_PIN(Vsmx, out_valid);
	STASIM_PIN(Vsmx, out_row);
	STASIM_PIN(Vsmx, out_col);
	STASIM_PIN(Vsmx, out_p);
	STASIM_PIN(Vsmx, cmd_fused);
	STASIM_PIN(Vsmx, cmd_r0);
	STASIM_PIN(Vsmx, d_valid);
	STASIM_PIN(Vsmx, d_row);
	STASIM_PIN(Vsmx, d_col);
	STASIM_PIN(Vsmx, d_cnt);
	STASIM_PIN(Vsmx, d_n);
	STASIM_PIN(Vsmx, d_frac);
	STASIM_PIN(Vsmx, d_data);
	STASIM_PIN(Vsmx, f_valid);
	STASIM_PIN(Vsmx, f_row);
	STASIM_PIN(Vsmx, f_col);
	STASIM_PIN(Vsmx, f_k0);
	STASIM_PIN(Vsmx, f_klen);
	STASIM_PIN(Vsmx, f_cnt);
	STASIM_PIN(Vsmx, f_frac);
	STASIM_PIN(Vsmx, p_valid);
	STASIM_PIN(Vsmx, p_data);
	// debug ports: the co-simulations compare them (sim/cosim/smx_dbg.c);
	// unread here
	STASIM_PIN(Vsmx, dbg_b);
	STASIM_PIN(Vsmx, dbg_s);
	STASIM_PIN(Vsmx, dbg_r);

	struct smx_params sp_;		// the configured unit, for smx_cycles
	struct smx_fmt fmt_;		// score format when a command has no data
	std::deque<struct unit_cmd> tiles_;	// accepted, not yet wb_done
	std::vector<int8_t> row_x_;	// scores of the row last checked
	std::vector<uint8_t> row_p_;	// smx_row of row_x_
	const void *row_job_ = nullptr;	// (job, row) of row_p_, or none
	uint32_t row_idx_ = UINT32_MAX;
	uint64_t beats_ = 0;		// probability beats checked
	// fused: what the RTL's score buffer holds, and smx_row of each
	// complete row (fused_rows x n_max each), for the fetch check
	const struct plan_op *plans_ = nullptr;	// by op index
	std::vector<int8_t> fx_;
	std::vector<uint8_t> fp_;
	std::vector<uint32_t> fn_;	// a complete row's length, 0: none
	std::deque<fetch_sig> fetches_;	// taken, probabilities not out yet
	uint64_t drained_ = 0;		// drain beats taken
	uint64_t fetched_ = 0;		// fetched beats checked
};

// The gate unit rtl/gate.v was Verilated as (Makefile: SC_GATE_PARAMS;
// its softmax is SC_SMX_PARAMS').
struct gate_rtl_params {
	unsigned e_max, k_max, t_max, d_max, gemv, sorters, kc_bits;
};
gate_rtl_params gate_rtl_built();

// The gate unit as rtl/gate.v: logits, softmax over the experts, top-k, on
// its own three-stage schedule, which is gate_cycles. The command carries
// only tokens and kcycles; D, E and k come from the op's plan (set_plans).
// The operand feeder answers every g_rd with the token's x and W_gate
// (zeros in timing mode), and every index beat is checked against
// gate_token on the same operands.
class gate_rtl_sc : public rtl_unit_sc {
public:
	SC_HAS_PROCESS(gate_rtl_sc);

	gate_rtl_sc(sc_core::sc_module_name n, const struct config *cfg);
	// With STASIM_SC_STATS set, one stderr line: beats fed, tokens checked.
	~gate_rtl_sc() override;
	// "" when the RTL was built for cfg's gate and softmax, else why not.
	static std::string fits(const struct config *cfg);
	void set_plans(const struct plan_op *plans) { plans_ = plans; }
	void trace(sc_core::sc_trace_file *tf) const;

private:
	// An accepted tile and the operands the feeder and the check use.
	struct tile {
		struct unit_cmd c;
		struct gate_job j;	// the command's job, or zeros (timing)
		std::vector<int8_t> zx, zw;	// the zeros
	};

	void drive() override;
	void track() override;
	void feed() override;
	std::string check_beat();
	void job_of(const struct unit_cmd &c, struct gate_job *j,
		    std::vector<int8_t> *zx, std::vector<int8_t> *zw) const;

	std::string check_data(uint64_t cycle) override;

	Vgate rtl_;
	STASIM_PIN(Vgate, cmd_rows);
	STASIM_PIN(Vgate, cmd_d);
	STASIM_PIN(Vgate, cmd_cols);
	STASIM_PIN(Vgate, cmd_k);
	STASIM_PIN(Vgate, cmd_shift);
	STASIM_PIN(Vgate, cmd_in_frac);
	STASIM_PIN(Vgate, cmd_ita_eps32);
	STASIM_PIN(Vgate, cmd_kcycles);
	STASIM_PIN(Vgate, g_rd);
	STASIM_PIN(Vgate, g_tok);
	STASIM_PIN(Vgate, g_beat);
	STASIM_PIN(Vgate, g_a);
	STASIM_PIN(Vgate, g_w);
	STASIM_PIN(Vgate, out_valid);
	STASIM_PIN(Vgate, out_tok);
	STASIM_PIN(Vgate, out_idx);
	STASIM_PIN(Vgate, out_score);

	const struct config *cfg_;
	const struct plan_op *plans_ = nullptr;	// by op index
	std::deque<tile> tiles_;	// accepted, indices not all out yet
	long feed_ = -1;		// tiles_ index being fed, -1: none yet
	bool lanes_zero_ = false;	// g_a and g_w hold zeros
	std::string feed_err_;		// a g_rd the feeder could not answer
	uint64_t beats_ = 0;		// operand beats fed from gate_job
	uint64_t tokens_ = 0;		// index beats checked
};

}  // namespace stasim

#endif
