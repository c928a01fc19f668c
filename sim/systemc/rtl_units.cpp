// rtl_units.cpp - compute units as their Verilated RTL (see rtl_units.h).
#include "rtl_units.h"

#include <sstream>

namespace stasim {

using sc_core::sc_module_name;

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
	: compute_sc(n), rst_l("rst_l"), rtl_("rtl")
{
	rtl_.clk(clk);
	rtl_.rst_l(rst_l);
	rtl_.acc_db(acc_db);
	rtl_.cmd_valid(cmd_valid);
	rtl_.cmd_ready(cmd_ready);
	rtl_.cmd_flags(cmd_flags);
	rtl_.cmd_op(cmd_op);
	rtl_.cmd_rows(cmd_rows);
	rtl_.cmd_cols(cmd_cols);
	rtl_.cmd_kcycles(cmd_kcycles);
	rtl_.cmd_drain_cpr(cmd_drain_cpr);
	rtl_.cmd_dense(cmd_dense);
	rtl_.cmd_nm_n(cmd_nm_n);
	rtl_.cmd_nm_m(cmd_nm_m);
	rtl_.cmd_shift(cmd_shift);
	rtl_.active(active);
	rtl_.rd_done_valid(rd_done_valid);
	rtl_.rd_done_flags(rd_done_flags);
	rtl_.rd_done_op(rd_done_op);
	rtl_.wb_done_valid(wb_done_valid);
	rtl_.wb_done_flags(wb_done_flags);
	rtl_.wb_done_op(wb_done_op);
	rtl_.op_rd(op_rd);
	rtl_.op_a(op_a);
	rtl_.op_w(op_w);
	rtl_.op_idx(op_idx);
	rtl_.out_valid(out_valid);
	rtl_.out_row(out_row);
	rtl_.out_data(out_data);
	acc_db.write(cfg->acc_double_buffer != 0);
	SC_METHOD(drive);
	sensitive << cmd;
	SC_METHOD(collect);
	sensitive << cmd_ready << active << rd_done_valid << rd_done_flags
		  << rd_done_op << wb_done_valid << wb_done_flags << wb_done_op;
}

// The scheduler's command onto the RTL's pins. The sparse pattern and the
// shift only steer the data path, which gets zero operands here; they are
// given legal values all the same.
void sde_rtl_sc::drive()
{
	const struct unit_cmd &c = cmd.read().c;
	const struct sde_data *d = static_cast<const struct sde_data *>(c.data);
	sde_rtl_params p = sde_rtl_built();

	if (c.valid && bad_cmd_.empty() &&
	    (c.kcycles >= (1u << 16) || c.drain_cpr >= 8 || c.rows > p.rows ||
	     c.cols > p.cols || !c.rows || !c.cols)) {
		std::ostringstream m;

		m << "op " << c.op << ": a command with kcycles " << c.kcycles
		  << ", drain_cpr " << c.drain_cpr << ", " << c.rows << "x"
		  << c.cols << " does not fit rtl/sde.v's fields";
		bad_cmd_ = m.str();
	}
	cmd_valid.write(c.valid != 0);
	cmd_flags.write(c.flags);
	cmd_op.write(c.op);
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
	uout_sig o;

	o.cmd_ready = cmd_ready.read();
	o.active = active.read();
	o.rd_done.c.valid = rd_done_valid.read();
	o.rd_done.c.flags = static_cast<uint8_t>(rd_done_flags.read());
	o.rd_done.c.op = rd_done_op.read();
	o.wb_done.c.valid = wb_done_valid.read();
	o.wb_done.c.flags = static_cast<uint8_t>(wb_done_flags.read());
	o.wb_done.c.op = wb_done_op.read();
	if (!injected_ && v_.self && cycle_ >= inject_at_) {
		o.active ^= 1;
		injected_ = true;
	}
	out.write(o);
}

static bool differ(std::ostringstream &m, const char *port, uint64_t model,
		   uint64_t rtl)
{
	if (model == rtl)
		return false;
	m << port << ": C model " << model << ", RTL " << rtl;
	return true;
}

std::string sde_rtl_sc::compare(uint64_t cycle)
{
	std::ostringstream m;
	uout_sig c, r = out.read();

	if (!v_.self)
		return "";
	if (!bad_cmd_.empty())
		return "engine RTL: " + bad_cmd_;
	c = v_.out(v_.self);
	m << "engine RTL disagrees with models/sde.c after cycle " << cycle
	  << ", port ";
	if (differ(m, "cmd_ready", c.cmd_ready, r.cmd_ready) ||
	    differ(m, "active", c.active, r.active) ||
	    differ(m, "rd_done_valid", c.rd_done.c.valid, r.rd_done.c.valid) ||
	    differ(m, "wb_done_valid", c.wb_done.c.valid, r.wb_done.c.valid) ||
	    (c.rd_done.c.valid &&
	     (differ(m, "rd_done_flags", c.rd_done.c.flags, r.rd_done.c.flags) ||
	      differ(m, "rd_done_op", c.rd_done.c.op, r.rd_done.c.op))) ||
	    (c.wb_done.c.valid &&
	     (differ(m, "wb_done_flags", c.wb_done.c.flags, r.wb_done.c.flags) ||
	      differ(m, "wb_done_op", c.wb_done.c.op, r.wb_done.c.op))))
		return m.str();
	return "";
}

void sde_rtl_sc::trace(sc_core::sc_trace_file *tf) const
{
	const std::string p = std::string(name()) + ".";

	sc_core::sc_trace(tf, rst_l, p + "rst_l");
	sc_core::sc_trace(tf, cmd_valid, p + "cmd_valid");
	sc_core::sc_trace(tf, cmd_ready, p + "cmd_ready");
	sc_core::sc_trace(tf, cmd_flags, p + "cmd_flags");
	sc_core::sc_trace(tf, cmd_op, p + "cmd_op");
	sc_core::sc_trace(tf, cmd_rows, p + "cmd_rows");
	sc_core::sc_trace(tf, cmd_cols, p + "cmd_cols");
	sc_core::sc_trace(tf, cmd_kcycles, p + "cmd_kcycles");
	sc_core::sc_trace(tf, active, p + "active");
	sc_core::sc_trace(tf, rd_done_valid, p + "rd_done_valid");
	sc_core::sc_trace(tf, rd_done_flags, p + "rd_done_flags");
	sc_core::sc_trace(tf, rd_done_op, p + "rd_done_op");
	sc_core::sc_trace(tf, wb_done_valid, p + "wb_done_valid");
	sc_core::sc_trace(tf, wb_done_flags, p + "wb_done_flags");
	sc_core::sc_trace(tf, wb_done_op, p + "wb_done_op");
	sc_core::sc_trace(tf, op_rd, p + "op_rd");
	sc_core::sc_trace(tf, out_valid, p + "out_valid");
	sc_core::sc_trace(tf, out_row, p + "out_row");
}

}  // namespace stasim
