// accel.cpp - the accelerator top (see accel.h).
#include "accel.h"

#include <cstdio>
#include <cstring>

#include "rtl_units.h"

namespace stasim {

using sc_core::sc_module_name;
using sc_core::wait;

// By PU_* index (plan.h: engine, vector, softmax, gate).
static const char *const kUnitName[PU_COUNT] = { "engine", "vec", "smx",
						 "gate" };

sc_core::sc_time accel_period(const struct config *cfg)
{
	return sc_core::sc_time(1e3 / cfg->clock_mhz, sc_core::SC_NS);
}

std::string accel::check_config(const struct config *cfg)
{
	std::string why;

	if (cfg->sc_softmax == CFG_IMPL_RTL)
		why = smx_rtl_sc::fits(cfg);
	if (why.empty() && cfg->sc_engine == CFG_IMPL_RTL)
		why = sde_rtl_sc::fits(cfg);
	if (why.empty() && cfg->sc_gate == CFG_IMPL_RTL)
		why = gate_rtl_sc::fits(cfg);
	return why;
}

accel::accel(sc_module_name n, const struct config *cfg)
	: sc_module(n), clk("clk"), mem("mem"), cfg_(cfg),
	  period_(accel_period(cfg)), sched_("sched"), dma_("dma", period_),
	  rst_l_("rst_l", true)
{
	dma_.mem.bind(mem);
	sched_.clk(clk);
	sched_.dma_out(dma_out_);
	sched_.dma_cmd(dma_cmd_);
	dma_.clk(clk);
	dma_.cmd(dma_cmd_);
	dma_.out(dma_out_);
	for (int u = 0; u < PU_COUNT; u++) {
		if (u == PU_SDE && cfg->sc_engine == CFG_IMPL_RTL) {
			auto *r = new sde_rtl_sc(kUnitName[u], cfg);

			r->rst_l(rst_l_);
			unit_[u].reset(r);
			any_rtl_ = true;
		} else if (u == PU_SMX && cfg->sc_softmax == CFG_IMPL_RTL) {
			smx_rtl_ = new smx_rtl_sc(kUnitName[u], cfg);
			smx_rtl_->rst_l(rst_l_);
			smx_rtl_->drain(drain_);
			smx_rtl_->fetch(fetch_);
			link_.reset(new fuse_link_sc("link"));
			link_->clk(clk);
			link_->drain(drain_);
			link_->fetch(fetch_);
			unit_[u].reset(smx_rtl_);
			any_rtl_ = true;
		} else if (u == PU_GATE && cfg->sc_gate == CFG_IMPL_RTL) {
			gate_rtl_ = new gate_rtl_sc(kUnitName[u], cfg);
			gate_rtl_->rst_l(rst_l_);
			unit_[u].reset(gate_rtl_);
			any_rtl_ = true;
		} else {
			unit_[u].reset(new compute_sc(kUnitName[u]));
		}
		unit_[u]->clk(clk);
		unit_[u]->cmd(cmd_[u]);
		unit_[u]->want(want_[u]);
		unit_[u]->out(uout_[u]);
		sched_.cmd[u](cmd_[u]);
		sched_.want[u](want_[u]);
		sched_.unit_out[u](uout_[u]);
	}
	clock_.run = clock_cb;
	clock_.ctx = this;
}

int accel::simulate(const struct config *cfg, const struct trace *t,
		    const struct run_opts *o, struct run_result *r,
		    struct sim_err *err)
{
	struct run_opts so = *o;

	so.clock = &clock_;
	return run_sim(cfg, t, &so, r, err);
}

int accel::clock_cb(void *ctx, struct run_top *u, int check, char *msg,
		    size_t msg_len)
{
	(void)msg;
	(void)msg_len;
	return static_cast<accel *>(ctx)->run_units(u, check);
}

// Hold the RTL units in reset for three clocks, as the harnesses do.
void accel::reset_rtl()
{
	rst_l_.write(false);
	for (int i = 0; i < 3; i++)
		wait(clk.posedge_event());
	wait(clk.negedge_event());
	rst_l_.write(true);
	wait(sc_core::SC_ZERO_TIME);
}

void accel::bind_all(struct run_top *u)
{
	sched_.bind(&u->sched);
	dma_.bind(&u->dma);
	unit_[PU_SDE]->bind(view_of(&u->sde));
	unit_[PU_VEC]->bind(view_of(&u->vec));
	unit_[PU_SMX]->bind(view_of(&u->smx));
	unit_[PU_GATE]->bind(view_of(&u->gate));
	if (gate_rtl_)
		gate_rtl_->set_plans(u->sched.plans);
	if (smx_rtl_) {
		smx_rtl_->set_plans(u->sched.plans);
		link_->bind(&u->sde, u->sched.plans, u->sched.n_ops);
	}
}

void accel::unbind_all()
{
	sched_.unbind();
	dma_.unbind();
	for (auto &x : unit_)
		x->unbind();
	if (link_)
		link_->unbind();
}

void accel::sync_all()
{
	sched_.sync();
	dma_.sync();
	for (auto &x : unit_)
		x->sync();
}

// The native kernel's deadlock rule: no unit has anything to count down.
bool accel::all_idle(const struct run_top *u) const
{
	if (sched_horizon(&u->sched) != KERN_FOREVER ||
	    dma_horizon(&u->dma) != KERN_FOREVER)
		return false;
	for (const auto &x : unit_)
		if (x->view().ops->horizon(x->view().self) != KERN_FOREVER)
			return false;
	return true;
}

void accel::check_all(const struct run_top *u, uint64_t cycle) const
{
	sched_check(&u->sched, cycle);
	dma_check(&u->dma, cycle);
	for (const auto &x : unit_)
		x->view().ops->check(x->view().self, cycle);
}

std::string accel::compare_all(uint64_t cycle)
{
	for (auto &x : unit_) {
		std::string m = x->compare(cycle);

		if (!m.empty())
			return m;
	}
	return dma_.error();
}

// Clock the wired units from the next rising edge until the scheduler is
// done. Each round ends one delta after a falling edge, when every
// commit has run and every signal it wrote has settled.
int accel::run_units(struct run_top *u, int check)
{
	uint64_t cycles = 0;
	std::string fail;

	wait(clk.negedge_event());
	wait(sc_core::SC_ZERO_TIME);
	if (any_rtl_)
		reset_rtl();
	bind_all(u);
	for (;;) {
		wait(clk.negedge_event());
		wait(sc_core::SC_ZERO_TIME);
		cycles++;
		fail = compare_all(cycles - 1);
		if (!fail.empty())
			break;
		if (sched_done(&u->sched))
			break;
		sync_all();
		if (check)
			check_all(u, cycles - 1);
		if (all_idle(u)) {
			u->deadlock = 1;
			break;
		}
	}
	unbind_all();
	u->cycles = u->steps = cycles;
	cycles_total_ += cycles;
	if (!fail.empty())
		snprintf(u->fail_msg, sizeof u->fail_msg, "%s", fail.c_str());
	return 0;
}

bool accel::inject_engine_flip(uint64_t cycle)
{
	auto *r = dynamic_cast<sde_rtl_sc *>(unit_[PU_SDE].get());

	if (r)
		r->inject_flip(cycle);
	return r != nullptr;
}

void accel::trace(sc_core::sc_trace_file *tf) const
{
	const std::string p = std::string(name()) + ".";

	sc_core::sc_trace(tf, clk, p + "clk");
	sc_trace(tf, dma_cmd_, p + "dma.cmd");
	sc_trace(tf, dma_out_, p + "dma.out");
	for (int u = 0; u < PU_COUNT; u++) {
		sc_trace(tf, cmd_[u], p + kUnitName[u] + ".cmd");
		sc_core::sc_trace(tf, want_[u], p + kUnitName[u] + ".want");
		sc_trace(tf, uout_[u], p + kUnitName[u] + ".out");
	}
	if (auto *r = dynamic_cast<const sde_rtl_sc *>(unit_[PU_SDE].get()))
		r->trace(tf);
	if (smx_rtl_) {
		smx_rtl_->trace(tf);
		sc_trace(tf, drain_, p + "engine.drain");
		sc_trace(tf, fetch_, p + "engine.fetch");
	}
	if (gate_rtl_)
		gate_rtl_->trace(tf);
}

}  // namespace stasim
