// rtl_units.cpp - compute units as their Verilated RTL (see rtl_units.h).
#include "rtl_units.h"

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <sstream>

namespace stasim {

using sc_core::sc_module_name;

void fu_pins::sensitize(sc_core::sc_sensitive &s) const
{
	s << cmd_ready << active << rd_done_valid << rd_done_flags << rd_done_op
	  << wb_done_valid << wb_done_flags << wb_done_op;
}

uout_sig fu_pins::status() const
{
	uout_sig o;

	o.cmd_ready = cmd_ready.read();
	o.active = active.read();
	o.rd_done.c.valid = rd_done_valid.read();
	o.rd_done.c.flags = static_cast<uint8_t>(rd_done_flags.read());
	o.rd_done.c.op = rd_done_op.read();
	o.wb_done.c.valid = wb_done_valid.read();
	o.wb_done.c.flags = static_cast<uint8_t>(wb_done_flags.read());
	o.wb_done.c.op = wb_done_op.read();
	return o;
}

void fu_pins::command(const struct unit_cmd &c)
{
	cmd_valid.write(c.valid != 0);
	cmd_flags.write(c.flags);
	cmd_op.write(c.op);
}

void fu_pins::trace(sc_core::sc_trace_file *tf, const std::string &p) const
{
	sc_core::sc_trace(tf, cmd_valid, p + "cmd_valid");
	sc_core::sc_trace(tf, cmd_ready, p + "cmd_ready");
	sc_core::sc_trace(tf, cmd_flags, p + "cmd_flags");
	sc_core::sc_trace(tf, cmd_op, p + "cmd_op");
	sc_core::sc_trace(tf, active, p + "active");
	sc_core::sc_trace(tf, rd_done_valid, p + "rd_done_valid");
	sc_core::sc_trace(tf, rd_done_flags, p + "rd_done_flags");
	sc_core::sc_trace(tf, rd_done_op, p + "rd_done_op");
	sc_core::sc_trace(tf, wb_done_valid, p + "wb_done_valid");
	sc_core::sc_trace(tf, wb_done_flags, p + "wb_done_flags");
	sc_core::sc_trace(tf, wb_done_op, p + "wb_done_op");
}

sde_rtl_params sde_rtl_built()
{
	return { SC_SDE_ROWS, SC_SDE_COLS, SC_SDE_N_MAX, SC_SDE_M_MAX,
		 SC_SDE_ACT_BITS, SC_SDE_WEIGHT_BITS };
}

std::string sde_rtl_sc::fits(const struct config *cfg)
{
	sde_rtl_params p = sde_rtl_built();
	std::ostringstream m;

	if (cfg->rows == p.rows && cfg->cols == p.cols &&
	    cfg->n_max == p.n_max && cfg->m_max == p.m_max &&
	    cfg->act_bits == p.act_bits && cfg->weight_bits == p.weight_bits)
		return "";
	m << "[systemc] engine = rtl: this stasim-sc has rtl/sde.v Verilated for "
	  << p.rows << "x" << p.cols << " PEs, n_max " << p.n_max << ", m_max "
	  << p.m_max << ", " << p.act_bits << "/" << p.weight_bits
	  << "-bit operands; the config asks for " << cfg->rows << "x"
	  << cfg->cols << ", n_max " << cfg->n_max << ", m_max " << cfg->m_max
	  << ", " << cfg->act_bits << "/" << cfg->weight_bits
	  << " (rebuild with SC_SDE_PARAMS, docs/systemc.md)";
	return m.str();
}

sde_rtl_sc::sde_rtl_sc(sc_module_name n, const struct config *cfg)
	: rtl_unit_sc(n, "engine", "models/sde.c"), rtl_("rtl")
{
	rtl_.clk(clk);
	rtl_.rst_l(rst_l);
	fu_.bind(rtl_);
	rtl_.acc_db(acc_db);
	rtl_.cmd_rows(cmd_rows);
	rtl_.cmd_cols(cmd_cols);
	rtl_.cmd_kcycles(cmd_kcycles);
	rtl_.cmd_drain_cpr(cmd_drain_cpr);
	rtl_.cmd_dense(cmd_dense);
	rtl_.cmd_nm_n(cmd_nm_n);
	rtl_.cmd_nm_m(cmd_nm_m);
	rtl_.cmd_shift(cmd_shift);
	rtl_.op_rd(op_rd);
	rtl_.op_slice(op_slice);
	rtl_.op_a(op_a);
	rtl_.op_w(op_w);
	rtl_.op_idx(op_idx);
	rtl_.out_valid(out_valid);
	rtl_.out_row(out_row);
	rtl_.out_data(out_data);
	rtl_.dbg_acc(dbg_acc);
	acc_db.write(cfg->acc_double_buffer != 0);
	feed_on_fall();
}

sde_rtl_sc::~sde_rtl_sc()
{
	stats("engine RTL: %llu operand beats fed, %llu rows checked",
	      static_cast<unsigned long long>(beats_),
	      static_cast<unsigned long long>(rows_checked_));
}

// The pattern of d as rtl/sde.v streams it: 0 with *gpc M-groups a beat
// (0 when dense), or -1 when a group would take more than one beat.
static int sde_rtl_gpc(const struct sde_data *d, uint32_t *gpc)
{
	sde_rtl_params p = sde_rtl_built();
	struct nm_hw hw = { p.n_max, p.m_max };
	struct nm_map map;

	*gpc = 0;
	if (d->nm_n == d->nm_m)
		return 0;
	if (nm_map(&hw, d->nm_n, d->nm_m, &map) || map.cycles_per_group)
		return -1;
	*gpc = map.groups_per_cycle;
	return 0;
}

// The scheduler's command onto the RTL's pins. The sparse pattern and the
// shift steer the data path; without operands (zero beats) they are given
// legal values all the same.
void sde_rtl_sc::drive()
{
	const struct unit_cmd &c = cmd.read().c;
	const struct sde_data *d = static_cast<const struct sde_data *>(c.data);
	sde_rtl_params p = sde_rtl_built();
	uint32_t gpc;

	if (c.valid && bad_cmd_.empty() &&
	    (c.kcycles >= (1u << 16) || c.drain_cpr >= 8 || c.rows > p.rows ||
	     c.cols > p.cols || !c.rows || !c.cols)) {
		std::ostringstream m;

		m << "op " << c.op << ": a command with kcycles " << c.kcycles
		  << ", drain_cpr " << c.drain_cpr << ", " << c.rows << "x"
		  << c.cols << " does not fit rtl/sde.v's fields";
		bad_cmd_ = m.str();
	}
	if (c.valid && d && bad_cmd_.empty() && sde_rtl_gpc(d, &gpc)) {
		std::ostringstream m;

		m << "op " << c.op << ": pattern " << d->nm_n << ":" << d->nm_m
		  << " does not map onto rtl/sde.v's data path (n_max "
		  << p.n_max << ", m_max " << p.m_max
		  << ": one M-group a beat at most)";
		bad_cmd_ = m.str();
	}
	fu_.command(c);
	cmd_rows.write(c.rows);
	cmd_cols.write(c.cols);
	cmd_kcycles.write(static_cast<uint32_t>(c.kcycles));
	cmd_drain_cpr.write(c.drain_cpr);
	cmd_dense.write(!d || d->nm_n == d->nm_m);
	cmd_nm_n.write(d && d->nm_n < d->nm_m ? d->nm_n : 1);
	cmd_nm_m.write(d && d->nm_n < d->nm_m ? d->nm_m : 2);
	cmd_shift.write(d ? d->shift : 1);
}

void sde_rtl_sc::collect()
{
	uout_sig o = fu_.status();

	if (!injected_ && v_.self && cycle_ >= inject_at_) {
		o.active ^= 1;
		injected_ = true;
	}
	out.write(o);
}

// The k-steps and tiles the RTL holds, as its ports show them on the edge
// (signals still carry the values of the cycle that edge ends): a command
// enters on cmd_valid && cmd_ready; the engine streams the k-steps in that
// order, kcycles beats each, and drains the tiles in that order.
void sde_rtl_sc::track()
{
	if (!rst_l.read()) {
		steps_.clear();
		drains_.clear();
		rows_.clear();
		step_beat_ = tile_beat_ = 0;
		return;
	}
	if (fu_.cmd_valid.read() && fu_.cmd_ready.read() && cmd.read().c.kcycles)
		steps_.push_back(cmd.read().c);
}

// The operand feeder, after the falling edge: op_rd rose (or stayed high)
// on the edge that ended a stream cycle, so this cycle's pins carry the
// next beat of the k-step in progress. A tile's k-steps stream its
// reduction back to back: beat kb since the tile's FIRST k-step holds
// elements kb * span .. kb * span + span - 1 (span = N_MAX dense, gpc * M
// sparse), zeros past k. Zeros throughout when the command has no operands.
void sde_rtl_sc::feed()
{
	if (!rst_l.read() || !op_rd.read()) {
		// idle most of a run: leave zero lanes alone rather than rewrite them
		if (lanes_zero_)
			return;
		lanes_zero_ = true;
		op_a.write(pin_t<decltype(rtl_.op_a)>{});
		op_w.write(pin_t<decltype(rtl_.op_w)>{});
		op_idx.write(pin_t<decltype(rtl_.op_idx)>{});
		return;
	}
	if (steps_.empty()) {
		if (feed_err_.empty())
			feed_err_ = "op_rd: C model no k-step to read, RTL 1";
		return;
	}
	const struct unit_cmd c = steps_.front();

	if (op_slice.read() != step_beat_ && feed_err_.empty())
		feed_err_ = say("op_slice: C model ", step_beat_, ", RTL ",
				op_slice.read());
	lanes_zero_ = false;
	if (!step_beat_ && (c.flags & UNIT_FIRST)) {
		tile_beat_ = 0;
		tile_k0_ = c.k0;	// a partial-sum slice starts inside k
		tile_k1_ = c.psum != UNIT_PSUM_NONE ? c.k0 + c.klen : UINT64_MAX;
	}
	beat(c, tile_beat_);
	tile_beat_++;
	if (++step_beat_ == c.kcycles) {
		steps_.pop_front();
		step_beat_ = 0;
		if (c.flags & UNIT_LAST)
			drains_.push_back(c);
	}
}

// Beat kb of tile c onto op_a, op_w, op_idx (rtl/sde.v's header).
void sde_rtl_sc::beat(const struct unit_cmd &c, uint64_t kb)
{
	const struct sde_data *d = static_cast<const struct sde_data *>(c.data);
	const sde_rtl_params p = sde_rtl_built();
	const unsigned win = p.m_max > p.n_max ? p.m_max : p.n_max;
	const unsigned ib = p.m_max > 1 ? nm_clog2(p.m_max) : 1;
	pin_t<decltype(rtl_.op_a)> a{};
	pin_t<decltype(rtl_.op_w)> w{};
	pin_t<decltype(rtl_.op_idx)> x{};
	uint32_t gpc = 0, span;

	if (d && !sde_rtl_gpc(d, &gpc)) {
		bool dense = d->nm_n == d->nm_m;
		uint64_t groups = (d->k + d->nm_m - 1) / d->nm_m;

		span = dense ? p.n_max : gpc * d->nm_m;
		for (unsigned r = 0; r < c.rows; r++) {
			const int16_t *ar = d->a + uint64_t(c.r0 + r) * d->k;

			for (unsigned q = 0; q < span; q++) {
				uint64_t kk = tile_k0_ + kb * span + q;

				if (kk < d->k && kk < tile_k1_)
					put_bits(a, (r * win + q) * p.act_bits,
						 p.act_bits, uint16_t(ar[kk]));
			}
		}
		for (unsigned col = 0; col < c.cols; col++) {
			for (unsigned j = 0; j < p.n_max; j++) {
				unsigned wbit = (col * p.n_max + j) * p.weight_bits;
				unsigned gi = dense ? 0 : j / d->nm_n;
				uint64_t e;

				if (dense) {
					uint64_t kk = tile_k0_ + kb * p.n_max + j;

					if (kk >= d->k || kk >= tile_k1_)
						continue;
					e = kk * d->ncols + c.c0 + col;
				} else {
					uint64_t g = tile_k0_ / d->nm_m + kb * gpc + gi;

					if (gi >= gpc || g >= groups ||
					    g * d->nm_m >= tile_k1_)
						continue;
					e = (g * d->nm_n + j % d->nm_n) * d->ncols +
					    c.c0 + col;
					put_bits(x, (col * p.n_max + j) * ib, ib,
						 d->idx[e]);
				}
				put_bits(w, wbit, p.weight_bits, uint16_t(d->w[e]));
			}
		}
		beats_++;
	}
	op_a.write(a);
	op_w.write(w);
	op_idx.write(x);
}

// The row on out_* after this edge, if any, kept for its tile; at the
// tile's wb_done (when the C model has computed it), every kept row
// against d->out and its accumulators (dbg_acc) against d->acc: rows
// r0.., columns c0.., zero beyond the tile's cols. A slice of a partial-sum
// chain drains the array's own sums over its k-slice instead.
std::string sde_rtl_sc::check_rows(uint64_t cycle)
{
	const sde_rtl_params p = sde_rtl_built();

	if (!feed_err_.empty()) {
		return say("engine RTL disagrees with models/sde.c after cycle ",
		           cycle, ", port ", feed_err_);
	}
	if (out_valid.read())
		rows_.push_back({ cycle, static_cast<unsigned>(out_row.read()),
				  bus_words(out_data.read(), p.cols * p.act_bits),
				  bus_words(dbg_acc.read(), p.cols * 32) });
	if (!fu_.wb_done_valid.read())
		return "";
	if (drains_.empty()) {
		return say("engine RTL disagrees with models/sde.c after cycle ",
		           cycle, ", port wb_done_valid: no tile streamed");
	}
	const struct unit_cmd c = drains_.front();
	const struct sde_data *d = static_cast<const struct sde_data *>(c.data);
	std::vector<wb_row> got;

	got.swap(rows_);
	drains_.pop_front();
	if (!d)
		return "";
	if (got.size() != c.rows) {
		return say("engine RTL disagrees with models/sde.c after cycle ",
		           cycle, ", port out_valid: C model ", c.rows,
		           " rows of op ", c.op, ", RTL ", got.size());
	}
	std::vector<int32_t> sums(c.cols);
	std::vector<int16_t> outs(c.cols);

	for (const wb_row &w : got) {
		if (w.row >= c.rows) {
			return say("engine RTL disagrees with models/sde.c after cycle ",
			           w.cycle, ", port out_row: C model < ",
			           c.rows, ", RTL ", w.row);
		}
		struct beat_diff df;
		const uint64_t at = uint64_t(c.r0 + w.row) * d->ncols + c.c0;
		const int32_t *acc = d->acc + at;
		const int16_t *out = d->out + at;

		if (c.psum != UNIT_PSUM_NONE) {
			// a slice of a partial-sum chain: the array drains its
			// own sums; the out buffer, not the RTL, adds the chain
			sde_slice_sums(d, c.r0 + w.row, c.c0, c.cols, c.k0,
				       c.k0 + c.klen, sums.data());
			for (unsigned col = 0; col < c.cols; col++)
				outs[col] = sde_requant(sums[col], d->shift,
							d->out_bits);
			acc = sums.data();
			out = outs.data();
		}
		if (beat_sde_row(out, c.cols, w.bus.data(), p.cols, p.act_bits, &df)) {
			return say("engine RTL disagrees with models/sde.c after cycle ",
			           w.cycle, ", port out_data (op ", c.op,
			           ", row ", c.r0 + w.row, ", column ",
			           c.c0 + df.at, "): C model ", df.want,
			           ", RTL ", df.got);
		}
		for (unsigned col = 0; col < p.cols; col++) {
			uint32_t want = col < c.cols ? uint32_t(acc[col]) : 0;

			if (w.acc[col] == want)
				continue;
			return say("engine RTL disagrees with models/sde.c after cycle ",
			           w.cycle, ", port dbg_acc (op ", c.op, ", row ",
			           c.r0 + w.row, ", column ", c.c0 + col,
			           "): C model ", int32_t(want), ", RTL ",
			           int32_t(w.acc[col]));
		}
		rows_checked_++;
	}
	return "";
}

// The control ports an RTL unit shares with its C model (cmd_ready, active,
// rd_done, wb_done; flags and op only on a pulse), compared by ctl_diff,
// the check the lockstep harnesses run too (sim/cosim/ctl.h): "" when they
// agree, else "<unit> RTL disagrees with <model> after cycle N, port P:
// ...". Checked after every clock, so the message is only built on a
// difference.
static std::string compare_ports(const char *unit, const char *model,
				 const uout_sig &c, const uout_sig &r,
				 uint64_t cycle)
{
	const struct ctl_ports want = ctl_of(c.cmd_ready, c.active,
					     &c.rd_done.c, &c.wb_done.c);
	const struct ctl_ports got = ctl_of(r.cmd_ready, r.active,
					    &r.rd_done.c, &r.wb_done.c);
	uint64_t w, g;
	const char *port = ctl_diff(&want, &got, &w, &g);

	if (!port)
		return "";
	return say(unit, " RTL disagrees with ", model, " after cycle ", cycle,
	           ", port ", port, ": C model ", w, ", RTL ", g);
}

rtl_unit_sc::rtl_unit_sc(sc_module_name n, const char *unit,
			 const char *model)
	: compute_sc(n), rst_l("rst_l"), unit_(unit), model_(model)
{
	SC_METHOD(drive);
	sensitive << cmd;
	SC_METHOD(collect);
	fu_.sensitize(sensitive);
	SC_METHOD(track);
	sensitive << clk.pos();
	dont_initialize();
}

void rtl_unit_sc::feed_on_fall()
{
	SC_METHOD(feed);
	sensitive << clk.neg();
	dont_initialize();
}

void rtl_unit_sc::stats(const char *fmt, ...)
{
	va_list ap;

	if (!getenv("STASIM_SC_STATS"))
		return;
	fputs("stasim-sc: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

std::string rtl_unit_sc::compare(uint64_t cycle)
{
	std::string ports;

	if (!v_.self)
		return "";
	if (!bad_cmd_.empty())
		return std::string(unit_) + " RTL: " + bad_cmd_;
	ports = compare_ports(unit_, model_, v_.out(v_.self), out.read(), cycle);
	return ports.empty() ? check_data(cycle) : ports;
}

std::string rtl_unit_sc::disagrees(const char *with, uint64_t cycle,
				   const std::string &what) const
{
	if (what.empty())
		return "";
	return say(unit_, " RTL disagrees with ", with, " after cycle ", cycle,
	           ": ", what);
}

std::string sde_rtl_sc::check_data(uint64_t cycle)
{
	return check_rows(cycle);
}

void sde_rtl_sc::trace(sc_core::sc_trace_file *tf) const
{
	const std::string p = std::string(name()) + ".";

	STASIM_TRACE(tf, p, rst_l);
	fu_.trace(tf, p);
	STASIM_TRACE(tf, p, cmd_rows, cmd_cols, cmd_kcycles, op_rd, out_valid,
		     out_row);
}

}  // namespace stasim

namespace stasim {

// ---- the softmax unit as rtl/smx.v ----

smx_rtl_params smx_rtl_built()
{
	return { SC_SMX_LANES, SC_SMX_ALGORITHM, SC_SMX_EXP_LATENCY,
		 SC_SMX_RECIP_LATENCY, SC_SMX_DIVIDERS, SC_SMX_DIV_LATENCY,
		 SC_SMX_ROWS, SC_SMX_N_MAX, SC_SMX_FUSED_ROWS, 24 };
}

// rtl/smx.v's ALGORITHM codes (enum smx_algo): 0 online, 1 ita.
static const char *smx_algo_of(unsigned a)
{
	return a == 1 ? "ita" : "online";
}

std::string smx_built_fits(const struct config *cfg, const char *what)
{
	smx_rtl_params p = smx_rtl_built();
	std::ostringstream m;
	const char *algo = cfg->smx_algo == CFG_SMX_ITA ? "ita" :
			   cfg->smx_algo == CFG_SMX_THREEPASS ? "threepass" :
			   "online";
	bool ita = cfg->smx_algo == CFG_SMX_ITA;

	if (cfg->smx_algo == CFG_SMX_THREEPASS) {
		m << what << " has no threepass data path (online, ita)";
		return m.str();
	}
	if ((cfg->smx_algo == CFG_SMX_ITA) == (p.algorithm == 1) &&
	    cfg->smx_lanes == p.lanes &&
	    cfg->smx_exp_latency == p.exp_latency &&
	    (ita ? cfg->smx_dividers == p.dividers &&
		   cfg->smx_div_latency == p.div_latency
		 : cfg->smx_recip_latency == p.recip_latency))
		return "";
	m << "this stasim-sc has " << what << " Verilated for "
	  << smx_algo_of(p.algorithm) << ", " << p.lanes << " lanes, exp "
	  << p.exp_latency << ", recip " << p.recip_latency << ", "
	  << p.dividers << " dividers of " << p.div_latency
	  << " cycles; the config asks for " << algo << ", " << cfg->smx_lanes
	  << " lanes, exp " << cfg->smx_exp_latency << ", recip "
	  << cfg->smx_recip_latency << ", " << cfg->smx_dividers
	  << " dividers of " << cfg->smx_div_latency
	  << " cycles (rebuild with SC_SMX_PARAMS, docs/systemc.md)";
	return m.str();
}

std::string smx_rtl_sc::fits(const struct config *cfg)
{
	std::ostringstream m;

	m << "[systemc] softmax = rtl: ";
	// Fused, the first pass rides on the engine's drain and the output
	// pass on A.V's fetch: rtl/smx.v's fused front end, which has the
	// online data path only and a score buffer of FUSED_ROWS rows.
	if (cfg->smx_fused && cfg->smx_algo == CFG_SMX_ITA) {
		m << "rtl/smx.v's fused front end (drain and fetch ports) has the "
		     "online data path only; set [softmax] fused = false for ita";
		return m.str();
	}
	if (cfg->smx_fused && smx_rtl_built().fused_rows < 2) {
		m << "this stasim-sc has rtl/smx.v Verilated without a fused score "
		     "buffer (FUSED_ROWS 1 in SC_SMX_PARAMS); set [softmax] "
		     "fused = false or rebuild (docs/systemc.md)";
		return m.str();
	}
	std::string why = smx_built_fits(cfg, "rtl/smx.v");
	return why.empty() ? "" : m.str() + why;
}

smx_rtl_sc::smx_rtl_sc(sc_module_name n, const struct config *cfg)
	: rtl_unit_sc(n, "softmax", "models/fu.c"), rtl_("rtl"), sp_(smx_cfg_params(cfg)),
	  fmt_{ cfg->smx_in_frac, static_cast<uint32_t>(cfg->smx_ita_eps32) }
{
	rtl_.clk(clk);
	rtl_.rst_l(rst_l);
	fu_.bind(rtl_);
	rtl_.cmd_rows(cmd_rows);
	rtl_.cmd_cols(cmd_cols);
	rtl_.cmd_kcycles(cmd_kcycles);
	rtl_.cmd_in_frac(cmd_in_frac);
	rtl_.cmd_ita_eps32(cmd_ita_eps32);
	rtl_.x_rd(x_rd);
	rtl_.x_row(x_row);
	rtl_.x_col(x_col);
	rtl_.x_data(x_data);
	rtl_.out_valid(out_valid);
	rtl_.out_row(out_row);
	rtl_.out_col(out_col);
	rtl_.out_p(out_p);
	rtl_.cmd_fused(cmd_fused);
	rtl_.cmd_r0(cmd_r0);
	rtl_.d_valid(d_valid);
	rtl_.d_row(d_row);
	rtl_.d_col(d_col);
	rtl_.d_cnt(d_cnt);
	rtl_.d_n(d_n);
	rtl_.d_frac(d_frac);
	rtl_.d_data(d_data);
	rtl_.f_valid(f_valid);
	rtl_.f_row(f_row);
	rtl_.f_col(f_col);
	rtl_.f_k0(f_k0);
	rtl_.f_klen(f_klen);
	rtl_.f_cnt(f_cnt);
	rtl_.f_frac(f_frac);
	rtl_.p_valid(p_valid);
	rtl_.p_data(p_data);
	rtl_.dbg_b(dbg_b);
	rtl_.dbg_s(dbg_s);
	rtl_.dbg_r(dbg_r);
	SC_METHOD(drive_fused);
	sensitive << drain << fetch;
	SC_METHOD(feed);
	sensitive << x_rd << x_row << x_col;
}

smx_rtl_sc::~smx_rtl_sc()
{
	stats("softmax RTL: %llu probability beats checked, %llu drain beats "
	      "taken, %llu fetched beats checked", (unsigned long long)beats_,
	      (unsigned long long)drained_, (unsigned long long)fetched_);
}

// The scheduler's command onto the RTL's pins. A command whose kcycles is
// not the RTL's own schedule for its rows and cols would end the tile
// before (or after) its last probability; it is reported, not run.
void smx_rtl_sc::drive()
{
	const struct unit_cmd &c = cmd.read().c;
	const struct smx_job *j = static_cast<const struct smx_job *>(c.data);
	const struct smx_fmt &f = j ? j->fmt : fmt_;
	smx_rtl_params p = smx_rtl_built();
	bool fused = c.valid && plans_ && plans_[c.op].a_onchip;
	uint64_t r0 = fused ? static_cast<uint64_t>(c.head) * plans_[c.op].m + c.r0 : 0;
	uint64_t want = fused ? smx_fused_cycles(&sp_, c.rows, c.cols) :
				smx_cycles(&sp_, c.rows, c.cols);

	if (c.valid && bad_cmd_.empty() &&
	    (c.kcycles >= (1ull << p.kc_bits) || c.rows > p.rows ||
	     c.cols > p.n_max || !c.rows || !c.cols || c.kcycles != want ||
	     (fused && r0 + c.rows > p.fused_rows))) {
		std::ostringstream m;

		m << "op " << c.op << ": a " << (fused ? "fused " : "")
		  << "tile of " << c.rows << " rows of " << c.cols
		  << " scores planned for " << c.kcycles
		  << " cycles; rtl/smx.v (at most " << p.rows << " rows of "
		  << p.n_max << ", " << p.fused_rows
		  << " rows in its fused score buffer) takes " << want;
		if (fused)
			m << " and would hold it at rows " << r0 << " .. "
			  << r0 + c.rows - 1;
		bad_cmd_ = m.str();
	}
	fu_.command(c);
	cmd_fused.write(fused);
	cmd_r0.write(static_cast<uint32_t>(r0 % std::max(p.fused_rows, 1u)));
	cmd_rows.write(c.rows);
	cmd_cols.write(c.cols);
	cmd_kcycles.write(static_cast<uint32_t>(c.kcycles));
	cmd_in_frac.write(f.in_frac);
	cmd_ita_eps32.write(f.ita_eps32 != 0);
}

// Fused: the engine's drain beat and A.V's fetch of the coming cycle onto
// the d_* and f_* pins. A beat past the score buffer is reported (a
// drain of more rows than FUSED_ROWS), not driven.
void smx_rtl_sc::drive_fused()
{
	const drain_sig &d = drain.read();
	const fetch_sig &f = fetch.read();
	smx_rtl_params p = smx_rtl_built();
	pin_t<decltype(rtl_.d_data)> v{};
	bool d_ok = d.valid && d.row < p.fused_rows && d.n <= p.n_max;
	bool f_ok = f.valid && f.row < p.fused_rows;

	if ((d.valid && !d_ok) || (f.valid && !f_ok)) {
		std::ostringstream m;

		m << "a fused softmax of " << std::max(d.row, f.row) + 1
		  << " rows (every head's) of " << d.n
		  << " scores; rtl/smx.v was Verilated with a score buffer of "
		  << p.fused_rows << " rows of " << p.n_max
		  << " (SC_SMX_PARAMS FUSED_ROWS, N_MAX)";
		if (bad_cmd_.empty())
			bad_cmd_ = m.str();
	}
	for (unsigned l = 0; d_ok && l < d.cnt; l++)
		set_lane(v, l, static_cast<uint8_t>(d.x[l]));
	d_valid.write(d_ok);
	d_row.write(d_ok ? d.row : 0);
	d_col.write(d_ok ? d.col : 0);
	d_cnt.write(d_ok ? d.cnt : 0);
	d_n.write(d_ok ? d.n : 0);
	d_frac.write(fmt_.in_frac);
	d_data.write(v);
	f_valid.write(f_ok);
	f_row.write(f_ok ? f.row : 0);
	f_col.write(f_ok ? f.col : 0);
	f_k0.write(f_ok ? f.k0 : 0);
	f_klen.write(f_ok ? f.klen : 0);
	f_cnt.write(f_ok ? f.cnt : 0);
	f_frac.write(fmt_.in_frac);
}

// A drain beat the RTL takes on this edge, into the copy of its score
// buffer; a beat that completes its row gives the row's smx_row.
void smx_rtl_sc::take_drain()
{
	const drain_sig &d = drain.read();
	smx_rtl_params p = smx_rtl_built();

	if (!d_valid.read())
		return;
	if (fx_.empty()) {
		fx_.assign(static_cast<size_t>(p.fused_rows) * p.n_max, 0);
		fp_.assign(fx_.size(), 0);
		fn_.assign(p.fused_rows, 0);
	}
	int8_t *x = fx_.data() + static_cast<size_t>(d.row) * p.n_max;

	std::copy(d.x.begin(), d.x.end(), x + d.col);
	fn_[d.row] = 0;
	if (d.col + d.cnt == d.n) {
		smx_row(SMX_ONLINE, &fmt_, x, d.n,
			fp_.data() + static_cast<size_t>(d.row) * p.n_max);
		fn_[d.row] = d.n;
	}
	drained_++;
}

// The tiles the RTL holds, in order, as its ports show them on the edge
// (signals still carry the values of the cycle that edge ends): a command
// enters on cmd_valid && cmd_ready, the oldest leaves after its wb_done.
// The front is the tile whose scores are read and whose beats leave.
void smx_rtl_sc::track()
{
	if (!rst_l.read()) {
		tiles_.clear();
		fetches_.clear();
		return;
	}
	if (fu_.wb_done_valid.read() && !tiles_.empty())
		tiles_.pop_front();
	if (fu_.cmd_valid.read() && fu_.cmd_ready.read())
		tiles_.push_back(cmd.read().c);
	take_drain();
	if (f_valid.read())
		fetches_.push_back(fetch.read());
}

// The score feeder: the beat x_row, x_col of the tile in progress, on
// x_data for the cycle after the read (rtl/smx.v's header). The tile's
// scores when its command carries them, zeros otherwise and past n.
void smx_rtl_sc::feed()
{
	pin_t<decltype(rtl_.x_data)> v{};
	const unsigned lanes = smx_rtl_built().lanes;

	if (x_rd.read() && !tiles_.empty()) {
		const struct unit_cmd &c = tiles_.front();
		const struct smx_job *j =
			static_cast<const struct smx_job *>(c.data);
		uint64_t row = c.r0 + x_row.read();

		for (unsigned l = 0; j && l < lanes; l++) {
			uint64_t i = static_cast<uint64_t>(x_col.read()) * lanes + l;

			if (i < c.cols)
				set_lane(v, l, static_cast<uint8_t>(
						 j->x[row * j->n + i]));
		}
	}
	x_data.write(v);
}

// The probability beat on out_*, if any, against smx_row of the same
// scores the feeder gave: "" or the first wrong lane.
std::string smx_rtl_sc::check_beat()
{
	const unsigned lanes = smx_rtl_built().lanes;

	if (!out_valid.read())
		return "";
	if (tiles_.empty())
		return "a probability beat with no tile in progress";
	const struct unit_cmd &c = tiles_.front();
	const struct smx_job *j = static_cast<const struct smx_job *>(c.data);
	uint32_t row = c.r0 + out_row.read();
	uint32_t n = c.cols;

	if (row_job_ != c.data || row_idx_ != row || row_x_.size() != n) {
		row_x_.assign(n, 0);
		if (j)
			row_x_.assign(j->x + static_cast<uint64_t>(row) * j->n,
				      j->x + static_cast<uint64_t>(row) * j->n + n);
		row_p_.assign(n, 0);
		smx_row(sp_.algo, j ? &j->fmt : &fmt_, row_x_.data(), n,
			row_p_.data());
		row_job_ = c.data;
		row_idx_ = row;
	}
	struct beat_diff d;

	if (beat_smx_probs(row_p_.data(), n, out_col.read(),
			   bus_words(out_p.read(), lanes * 8).data(), lanes, &d)) {
		return say("out_p of op ", c.op, " row ", row, " score ", d.at,
		           ": smx_row ", d.want, ", RTL ", d.got);
	}
	beats_++;
	return "";
}

// The fetched beat on p_*, if any, against smx_row of the drained rows
// (lanes in the fetch's window order): "" or the first wrong lane.
std::string smx_rtl_sc::check_fetch()
{
	if (!p_valid.read())
		return "";
	if (fetches_.empty())
		return "fetched probabilities with no fetch taken";
	const smx_rtl_params b = smx_rtl_built();
	const unsigned n_max = b.n_max, lanes = b.lanes;
	const fetch_sig f = fetches_.front();
	std::vector<uint8_t> want(lanes, 0);
	std::vector<uint32_t> rows(lanes), cols(lanes);
	uint32_t row = f.row, col = f.col;
	struct beat_diff d;

	fetches_.pop_front();
	// each lane's row and column: the fetch's window walk (beat.h)
	for (unsigned l = 0; l < lanes; l++) {
		rows[l] = row;
		cols[l] = col;
		if (l >= f.cnt)
			continue;
		if (fn_.empty() || !fn_[row] || col >= fn_[row]) {
			return say("fetch of row ", row, " column ", col,
			           ", which no drain completed");
		}
		want[l] = fp_[static_cast<size_t>(row) * n_max + col];
		beat_smx_fetch_next(&row, &col, f.k0, f.klen);
	}
	if (beat_lanes("p_data", want.data(), f.cnt,
		       bus_words(p_data.read(), lanes * 8).data(), lanes, &d)) {
		return say("p_data of row ", rows[d.at], " column ", cols[d.at],
		           " (fetch lane ", d.at, "): smx_row ", d.want,
		           ", RTL ", d.got);
	}
	fetched_++;
	return "";
}

std::string smx_rtl_sc::check_data(uint64_t cycle)
{
	std::string beat = check_beat();

	return disagrees("smx_row", cycle, beat.empty() ? check_fetch() : beat);
}

void smx_rtl_sc::trace(sc_core::sc_trace_file *tf) const
{
	const std::string p = std::string(name()) + ".";

	STASIM_TRACE(tf, p, rst_l);
	fu_.trace(tf, p);
	STASIM_TRACE(tf, p, cmd_rows, cmd_cols, cmd_kcycles, x_rd, x_row, x_col,
		     out_valid, out_row, out_col, cmd_fused, d_valid, d_row,
		     d_col, f_valid, f_row, f_col, p_valid);
}

}  // namespace stasim
