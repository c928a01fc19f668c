// units.cpp - the SystemC wrappers of the unit models (see units.h).
#include "units.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <sstream>

namespace stasim {

using sc_core::sc_module_name;
using sc_core::sc_time;

unit_view view_of(const struct unit_class *cls, void *self)
{
	unit_view v;

	v.cls = cls;
	v.ops = cls->ops;
	v.self = self;
	v.out = [cls](const void *s) {
		struct unit_port p;

		cls->port(s, &p);
		return uout_of(*p.cmd_ready, *p.active, *p.rd_done, *p.wb_done);
	};
	return v;
}

// ---- scheduler

sched_sc::sched_sc(sc_module_name n, uint32_t n_units)
	: sc_module(n), clk("clk"), dma_out("dma_out"),
	  unit_out("unit_out", n_units), dma_cmd("dma_cmd"),
	  cmd("cmd", n_units), want("want", n_units), n_units_(n_units)
{
	STASIM_RISE_FALL();
}

void sched_sc::bind(struct sched *s)
{
	s_ = s;
	cycle_ = 0;
	s->dma = &dma_;
	for (uint32_t u = 0; u < n_units_; u++) {
		s->up[u].cmd_ready = &uo_[u].cmd_ready;
		s->up[u].active = &uo_[u].active;
		s->up[u].rd_done = &uo_[u].rd_done.c;
		s->up[u].wb_done = &uo_[u].wb_done.c;
	}
	publish();
}

void sched_sc::sync()
{
	dma_ = dma_out.read().o;
	for (uint32_t u = 0; u < n_units_; u++)
		uo_[u] = unit_out[u].read();
}

void sched_sc::publish()
{
	dma_cmd_sig d;

	d.c = s_->out.dma;
	dma_cmd.write(d);
	for (uint32_t u = 0; u < n_units_; u++) {
		cmd_sig c;

		c.c = s_->out.cmd[u];
		cmd[u].write(c);
		want[u].write(s_->out.want[u]);
	}
}

void sched_sc::rise()
{
	if (!s_)
		return;
	sync();
	sched_step(s_, cycle_++);
}

void sched_sc::fall()
{
	if (!s_)
		return;
	sched_commit(s_);
	publish();
}

// ---- DMA over TLM-2.0

dma_sc::dma_sc(sc_module_name n, sc_time period)
	: sc_module(n), clk("clk"), cmd("cmd"), out("out"), mem("mem"),
	  period_(period)
{
	hook_.ctx = this;
	hook_.timing = timing_cb;
	STASIM_RISE_FALL();
}

void dma_sc::bind(struct dma *d)
{
	dma_out_sig o;

	d_ = d;
	cycle_ = 0;
	d->in = &in_;
	dma_set_mem(d, &hook_);
	o.o = d->out;
	out.write(o);
}

void dma_sc::sync()
{
	in_ = cmd.read().c;
}

void dma_sc::timing_cb(void *ctx, const struct dma_cmd *c, uint64_t now,
		       uint64_t *data_cycles, uint64_t *lat_cycles)
{
	(void)now;
	static_cast<dma_sc *>(ctx)->transport(c, data_cycles, lat_cycles);
}

// One blocking transaction per transfer; its annotated delay (and the
// dram_timing extension, when the target fills it) sets the timing.
void dma_sc::transport(const struct dma_cmd *c, uint64_t *data_cycles,
		       uint64_t *lat_cycles)
{
	static const uint64_t base[DMA_KIND_COUNT] = { kLoadABase, kLoadWBase,
						       kStoreBase };
	tlm::tlm_generic_payload gp;
	dram_timing ext;
	sc_time delay = sc_core::SC_ZERO_TIME;
	uint64_t bytes = c->bytes ? c->bytes : 1, total;

	if (buf_.size() < bytes)
		buf_.resize(bytes);
	gp.set_command(c->kind == DMA_STORE ? tlm::TLM_WRITE_COMMAND
					    : tlm::TLM_READ_COMMAND);
	gp.set_address(base[c->kind] + next_addr_[c->kind]);
	next_addr_[c->kind] += bytes;
	gp.set_data_ptr(buf_.data());
	gp.set_data_length(static_cast<unsigned>(bytes));
	gp.set_streaming_width(static_cast<unsigned>(bytes));
	gp.set_byte_enable_ptr(nullptr);
	gp.set_dmi_allowed(false);
	gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
	gp.set_extension(&ext);
	mem->b_transport(gp, delay);
	gp.clear_extension(&ext);
	if (gp.is_response_error() && error_.empty()) {
		std::ostringstream m;

		m << "memory target answered " << gp.get_response_string()
		  << " to a " << bytes << "-byte transfer at 0x" << std::hex
		  << gp.get_address() << std::dec << " (op " << c->op << ")";
		error_ = m.str();
	}
	total = static_cast<uint64_t>(std::ceil(delay / period_ - 1e-9));
	*data_cycles = ext.data_cycles && ext.data_cycles <= total
		       ? ext.data_cycles : total;
	*lat_cycles = total - *data_cycles;
}

void dma_sc::rise()
{
	if (!d_)
		return;
	sync();
	dma_step(d_, cycle_++);
}

void dma_sc::fall()
{
	dma_out_sig o;

	if (!d_)
		return;
	dma_commit(d_);
	o.o = d_->out;
	out.write(o);
}

// ---- default DRAM target

dram_sc::dram_sc(sc_module_name n, uint64_t bpc_fx, uint64_t latency_cycles,
		 sc_time period)
	: sc_module(n), socket("socket"), bpc_fx_(bpc_fx),
	  latency_(latency_cycles), period_(period)
{
	socket.register_b_transport(this, &dram_sc::b_transport);
}

void dram_sc::b_transport(tlm::tlm_generic_payload &gp, sc_time &delay)
{
	uint64_t data = dma_transfer_cycles(bpc_fx_, gp.get_data_length());
	dram_timing *ext = gp.get_extension<dram_timing>();

	if (ext)
		ext->data_cycles = data;
	delay += static_cast<double>(data + latency_) * period_;
	gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

// ---- compute unit, C model

compute_sc::compute_sc(sc_module_name n)
	: sc_module(n), clk("clk"), cmd("cmd"), want("want"), out("out")
{
	STASIM_RISE_FALL();
}

void compute_sc::bind(const unit_view &v)
{
	v_ = v;
	cycle_ = 0;
	v.cls->attach(v.self, &in_, &want_);
	if (drives_out())
		out.write(v.out(v.self));
}

void compute_sc::sync()
{
	in_ = cmd.read().c;
	want_ = want.read();
}

void compute_sc::rise()
{
	if (!v_.self)
		return;
	sync();
	v_.ops->step(v_.self, cycle_++);
}

void compute_sc::fall()
{
	if (!v_.self)
		return;
	v_.ops->commit(v_.self);
	if (drives_out())
		out.write(v_.out(v_.self));
}

fuse_link_sc::fuse_link_sc(sc_module_name n)
	: sc_module(n), clk("clk"), drain("drain"), fetch("fetch")
{
	SC_METHOD(fall);
	sensitive << clk.neg();
	dont_initialize();
}

void fuse_link_sc::bind(const struct sde *e, const struct plan_op *plans,
			uint32_t n_ops, uint32_t unit)
{
	e_ = e;
	plans_ = plans;
	n_ops_ = n_ops;
	unit_ = unit;
	row_data_ = nullptr;
}

void fuse_link_sc::fall()
{
	drain.write(e_ ? next_drain() : drain_sig());
	fetch.write(e_ ? next_fetch() : fetch_sig());
}

// Row `row` of tile t's outputs, computed once for all its drain beats.
const int16_t *fuse_link_sc::row_of(const struct unit_cmd &t, uint32_t row)
{
	if (row_data_ != t.data || row_r_ != t.r0 + row || row_c0_ != t.c0 ||
	    out_.size() != t.cols) {
		out_.resize(t.cols);
		acc_.resize(t.cols);
		sde_row_out(static_cast<const struct sde_data *>(t.data),
			    t.r0 + row, t.c0, t.cols, acc_.data(), out_.data());
		row_data_ = t.data;
		row_r_ = t.r0 + row;
		row_c0_ = t.c0;
	}
	return out_.data();
}

drain_sig fuse_link_sc::next_drain()
{
	const struct unit_cmd *t;
	uint32_t row, slot;
	drain_sig d;

	if (!sde_next_drain(e_, &t, &row, &slot) || t->op + 1 >= n_ops_)
		return d;
	const struct plan_op &p = plans_[t->op], &sm = plans_[t->op + 1];
	if (!p.drain_lanes || sm.unit != unit_ || !sm.a_onchip)
		return d;
	uint32_t col = slot * p.drain_lanes;
	if (col >= t->cols)
		return d;
	d.valid = true;
	d.row = t->head * p.m + t->r0 + row;
	d.col = t->c0 + col;
	d.cnt = std::min(p.drain_lanes, t->cols - col);
	d.n = p.n;
	d.x.assign(d.cnt, 0);
	if (t->data) {
		const int16_t *v = row_of(*t, row) + col;

		for (uint32_t l = 0; l < d.cnt; l++)
			d.x[l] = static_cast<int8_t>(std::max<int16_t>(
				INT8_MIN, std::min<int16_t>(INT8_MAX, v[l])));
	}
	return d;
}

fetch_sig fuse_link_sc::next_fetch() const
{
	const struct unit_cmd *s;
	uint64_t idx;
	fetch_sig f;

	if (!sde_next_stream(e_, &s, &idx) || s->op == 0 || s->op >= n_ops_)
		return f;
	const struct plan_op &p = plans_[s->op];
	if (!p.a_lanes || !p.a_onchip || plans_[s->op - 1].unit != unit_)
		return f;
	uint64_t e0 = idx * p.a_lanes, total = static_cast<uint64_t>(s->rows) * s->klen;
	if (e0 >= total)
		return f;
	f.valid = true;
	f.row = s->head * p.m + s->r0 + static_cast<uint32_t>(e0 / s->klen);
	f.col = s->k0 + static_cast<uint32_t>(e0 % s->klen);
	f.k0 = s->k0;
	f.klen = s->klen;
	f.cnt = static_cast<uint32_t>(std::min<uint64_t>(p.a_lanes, total - e0));
	return f;
}

}  // namespace stasim
