// gate_rtl.cpp - the gate unit as its Verilated RTL, rtl/gate.v (see
// rtl_units.h). The scheduler's command (tokens, kcycles) and the op's plan
// (token width D, experts E, winners k) drive the pins; the C model
// (models/fu.c) runs beside it on the same commands for the control-port
// comparison and the report's counters.
#include "rtl_units.h"

#include <cstdio>
#include <cstdlib>
#include <sstream>

namespace stasim {

using sc_core::sc_module_name;

gate_rtl_params gate_rtl_built()
{
	return { SC_GATE_E_MAX, SC_GATE_K_MAX, SC_GATE_T_MAX, SC_GATE_D_MAX,
		 SC_GATE_GEMV, SC_GATE_SORTERS, 24 };
}

std::string gate_rtl_sc::fits(const struct config *cfg)
{
	gate_rtl_params p = gate_rtl_built();
	std::ostringstream m;

	m << "[systemc] gate = rtl: ";
	// With gemv_width = 0 the engine computes the logits and drains them
	// into the gate unit; rtl/gate.v computes its own and has no drain port.
	if (!cfg->gate_gemv_width) {
		m << "rtl/gate.v computes the logits itself (GEMV >= 1); "
		     "[gate] gemv_width = 0 puts them on the engine's drain, "
		     "which it has no port for";
		return m.str();
	}
	if (cfg->gate_gemv_width != p.gemv || cfg->gate_sorters != p.sorters) {
		m << "this stasim-sc has rtl/gate.v Verilated for gemv_width "
		  << p.gemv << ", sorters " << p.sorters << "; the config asks "
		  << "for " << cfg->gate_gemv_width << ", " << cfg->gate_sorters
		  << " (rebuild with SC_GATE_PARAMS, docs/systemc.md)";
		return m.str();
	}
	// The unit's softmax over the experts is the softmax unit's algorithm
	// and timing, built from SC_SMX_PARAMS.
	std::string why = smx_built_fits(cfg, "rtl/gate.v's softmax");
	return why.empty() ? "" : m.str() + why;
}

gate_rtl_sc::gate_rtl_sc(sc_module_name n, const struct config *cfg)
	: rtl_unit_sc(n, "gate", "models/fu.c"), rtl_("rtl"), cfg_(cfg)
{
	rtl_.clk(clk);
	rtl_.rst_l(rst_l);
	fu_.bind(rtl_);
	rtl_.cmd_rows(cmd_rows);
	rtl_.cmd_d(cmd_d);
	rtl_.cmd_cols(cmd_cols);
	rtl_.cmd_k(cmd_k);
	rtl_.cmd_shift(cmd_shift);
	rtl_.cmd_in_frac(cmd_in_frac);
	rtl_.cmd_ita_eps32(cmd_ita_eps32);
	rtl_.cmd_kcycles(cmd_kcycles);
	rtl_.g_rd(g_rd);
	rtl_.g_tok(g_tok);
	rtl_.g_beat(g_beat);
	rtl_.g_a(g_a);
	rtl_.g_w(g_w);
	rtl_.out_valid(out_valid);
	rtl_.out_tok(out_tok);
	rtl_.out_idx(out_idx);
	rtl_.out_score(out_score);
	feed_on_fall();
}

gate_rtl_sc::~gate_rtl_sc()
{
	stats("gate RTL: %llu operand beats fed, %llu tokens checked",
	      static_cast<unsigned long long>(beats_),
	      static_cast<unsigned long long>(tokens_));
}

// The work of command c: its job when it carries one (functional mode),
// else the same shape on zero tokens and zero router weights, so that the
// RTL's beats can be checked in timing mode as well.
void gate_rtl_sc::job_of(const struct unit_cmd &c, struct gate_job *j,
			 std::vector<int8_t> *zx, std::vector<int8_t> *zw) const
{
	const struct plan_op *p = &plans_[c.op];

	if (c.data) {
		*j = *static_cast<const struct gate_job *>(c.data);
		return;
	}
	zx->assign(static_cast<uint64_t>(c.r0 + c.rows) * p->n, 0);
	zw->assign(static_cast<uint64_t>(p->n) * gate_op_of(p)->e, 0);
	gate_job_init(j);
	j->x = zx->data();
	j->w = zw->data();
	j->d = p->n;
	j->e = gate_op_of(p)->e;
	j->k = gate_op_of(p)->k;
	j->shift = gate_shift(p->n);
	j->algo = gate_op_of(p)->gp.smx.algo;
	j->fmt = { cfg_->smx_in_frac, static_cast<uint32_t>(cfg_->smx_ita_eps32) };
}

// The scheduler's command and its op's plan onto the RTL's pins. A tile
// the RTL cannot hold, or whose kcycles is not gate_cycles of its shape
// (the RTL's own schedule), is reported, not run.
void gate_rtl_sc::drive()
{
	const struct unit_cmd &c = cmd.read().c;
	const struct gate_job *j = static_cast<const struct gate_job *>(c.data);
	const gate_rtl_params b = gate_rtl_built();

	fu_.command(c);
	if (!c.valid || !plans_)
		return;
	const struct plan_op *p = &plans_[c.op];
	uint64_t want = gate_cycles(&gate_op_of(p)->gp, c.rows, p->n, gate_op_of(p)->e);

	if (bad_cmd_.empty() &&
	    (c.kcycles >= (1ull << b.kc_bits) || !c.rows || c.rows > b.t_max ||
	     p->n > b.d_max || gate_op_of(p)->e > b.e_max || gate_op_of(p)->k > b.k_max ||
	     c.kcycles != want)) {
		std::ostringstream m;

		m << "op " << c.op << ": a tile of " << c.rows << " tokens of "
		  << p->n << " into " << gate_op_of(p)->e << " experts, top-"
		  << gate_op_of(p)->k << ", planned for " << c.kcycles << " cycles; "
		  << "rtl/gate.v (at most " << b.t_max << " tokens of "
		  << b.d_max << ", " << b.e_max << " experts, top-" << b.k_max
		  << ") takes " << want;
		bad_cmd_ = m.str();
	}
	cmd_rows.write(c.rows);
	cmd_d.write(p->n);
	cmd_cols.write(gate_op_of(p)->e);
	cmd_k.write(gate_op_of(p)->k);
	cmd_shift.write(j ? j->shift : gate_shift(p->n));
	cmd_in_frac.write(j ? j->fmt.in_frac : cfg_->smx_in_frac);
	cmd_ita_eps32.write(j ? j->fmt.ita_eps32 != 0 : cfg_->smx_ita_eps32 != 0);
	cmd_kcycles.write(static_cast<uint32_t>(c.kcycles));
}

// The tiles the RTL holds, in order, as its ports show them on the edge:
// a command enters on cmd_valid && cmd_ready; it leaves when its last
// token's indices have been checked (one cycle after its wb_done).
void gate_rtl_sc::track()
{
	if (!rst_l.read()) {
		tiles_.clear();
		feed_ = -1;
		return;
	}
	if (fu_.cmd_valid.read() && fu_.cmd_ready.read() && plans_) {
		tiles_.emplace_back();
		tile &t = tiles_.back();

		t.c = cmd.read().c;
		job_of(t.c, &t.j, &t.zx, &t.zw);
	}
}

// The operand feeder, after the falling edge: g_rd rose on the edge that
// ended a logits cycle, so this cycle's pins carry beat g_beat of token
// g_tok: lane l holds product p = g_beat * GEMV + l, W_gate[p] on g_w and
// the token's x[p / E] on g_a. A tile's first beat (token 0, beat 0) moves
// the feeder to the next accepted tile.
void gate_rtl_sc::feed()
{
	pin_t<decltype(rtl_.g_a)> a{};
	pin_t<decltype(rtl_.g_w)> w{};
	const unsigned gemv = gate_rtl_built().gemv;
	bool rd = rst_l.read() && g_rd.read();

	// idle most of a run: leave zero lanes alone rather than rewrite them
	if (!rd && lanes_zero_)
		return;
	lanes_zero_ = !rd;
	if (rd) {
		if (g_tok.read() == 0 && g_beat.read() == 0)
			feed_++;
		if (feed_ < 0 || static_cast<size_t>(feed_) >= tiles_.size()) {
			if (feed_err_.empty())
				feed_err_ = "g_rd: no tile accepted to read";
		} else {
			const tile &t = tiles_[feed_];
			uint64_t tok = t.c.r0 + g_tok.read();
			uint64_t de = static_cast<uint64_t>(t.j.d) * t.j.e;

			for (unsigned l = 0; l < gemv; l++) {
				uint64_t p = static_cast<uint64_t>(g_beat.read()) * gemv + l;

				if (p >= de)
					break;
				set_lane(w, l, static_cast<uint8_t>(t.j.w[p]));
				set_lane(a, l, static_cast<uint8_t>(
					t.j.x[tok * t.j.d + p / t.j.e]));
			}
			beats_++;
		}
	}
	g_a.write(a);
	g_w.write(w);
}

// The index beat on out_*, if any, against gate_token on the operands
// the feeder gave: "" or the first wrong field.
std::string gate_rtl_sc::check_beat()
{
	const gate_rtl_params b = gate_rtl_built();
	const unsigned ib = b.e_max > 1 ? nm_clog2(b.e_max) : 1;
	int32_t logits[GATE_E_MAX];
	uint16_t idx[GATE_TOPK_MAX];
	uint8_t score[GATE_TOPK_MAX];
	struct beat_diff d;

	if (!out_valid.read())
		return "";
	if (tiles_.empty())
		return "an index beat with no tile in progress";
	const tile &t = tiles_.front();
	uint32_t tok = out_tok.read();

	if (tok >= t.c.rows) {
		return say("out_tok of op ", t.c.op, ": tile of ", t.c.rows,
		           " tokens, RTL ", tok);
	}
	gate_token(&t.j, t.c.r0 + tok, logits, idx, score);
	if (beat_gate_winners(idx, score, t.j.k,
			      bus_words(out_idx.read(), b.k_max * ib).data(),
			      bus_words(out_score.read(), b.k_max * 8).data(),
			      b.k_max, ib, &d)) {
		const unsigned i = d.at;

		return say("op ", t.c.op, " token ", t.c.r0 + tok, " winner ",
		           i, ": gate_token expert ", (i < t.j.k ? idx[i] : 0),
		           " score ", unsigned(i < t.j.k ? score[i] : 0),
		           ", RTL expert ",
		           get_bits(out_idx.read(), i * ib, ib), " score ",
		           unsigned(get_lane(out_score.read(), i)));
	}
	tokens_++;
	if (tok + 1 == t.c.rows) {
		tiles_.pop_front();
		feed_--;
	}
	return "";
}

std::string gate_rtl_sc::check_data(uint64_t cycle)
{
	if (!feed_err_.empty()) {
		std::ostringstream f;

		f << "gate RTL disagrees with models/fu.c after cycle " << cycle
		  << ", port " << feed_err_;
		return f.str();
	}
	return disagrees("gate_token", cycle, check_beat());
}

void gate_rtl_sc::trace(sc_core::sc_trace_file *tf) const
{
	const std::string p = std::string(name()) + ".";

	STASIM_TRACE(tf, p, rst_l);
	fu_.trace(tf, p);
	STASIM_TRACE(tf, p, cmd_rows, cmd_d, cmd_cols, cmd_k, cmd_kcycles, g_rd,
		     g_tok, g_beat, out_valid, out_tok);
}

}  // namespace stasim
