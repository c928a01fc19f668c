// accel.cpp - the accelerator top (see accel.h).
#include "accel.h"

#include <cstdio>
#include <cstring>

#include "rtl_units.h"

namespace stasim {

using sc_core::sc_module_name;
using sc_core::wait;

// The RTL wrappers this platform can build, by unit (class) name, in the
// order their fit is checked. A unit whose class asks for RTL (sc_rtl) and
// has no entry here cannot run in RTL; a unit without an entry runs its C
// model under its class name.
struct rtl_factory {
	const char *unit;			// struct unit_class.name
	const char *inst;			// its instance name
	std::string (*fits)(const struct config *cfg);
	void (*make)(const accel::rtl_ctx &c, sc_unit *u);
};

static void make_sde(const accel::rtl_ctx &c, sc_unit *u)
{
	auto *r = new sde_rtl_sc(c.name, c.cfg);

	r->rst_l(c.rst_l);
	u->mod.reset(r);
	u->trace = [r](sc_core::sc_trace_file *tf, const std::string &) {
		r->trace(tf);
	};
	u->inject = [r](uint64_t cycle) { r->inject_flip(cycle); };
}

// The softmax RTL is fed by the engine's drain and A.V's fetches (fused
// attention): a link from the engine's C model, and its two signals.
static void make_smx(const accel::rtl_ctx &c, sc_unit *u)
{
	auto *r = new smx_rtl_sc(c.name, c.cfg);
	auto *drain = new sc_core::sc_signal<drain_sig>();
	auto *fetch = new sc_core::sc_signal<fetch_sig>();
	auto *link = new fuse_link_sc("link");
	uint32_t index = c.index;

	c.owned.emplace_back(std::shared_ptr<sc_core::sc_signal<drain_sig>>(drain));
	c.owned.emplace_back(std::shared_ptr<sc_core::sc_signal<fetch_sig>>(fetch));
	c.owned.emplace_back(std::shared_ptr<fuse_link_sc>(link));
	r->rst_l(c.rst_l);
	r->drain(*drain);
	r->fetch(*fetch);
	link->clk(c.clk);
	link->drain(*drain);
	link->fetch(*fetch);
	u->mod.reset(r);
	u->bind = [r, link, index](struct run_top *t) {
		int e = unit_find(t->units, "sde");

		r->set_plans(t->sched.plans);
		link->bind(static_cast<const struct sde *>(t->unit[e]),
			   t->sched.plans, t->sched.n_ops, index);
	};
	u->unbind = [link]() { link->unbind(); };
	u->trace = [r, drain, fetch](sc_core::sc_trace_file *tf,
				     const std::string &p) {
		r->trace(tf);
		sc_trace(tf, *drain, p + "engine.drain");
		sc_trace(tf, *fetch, p + "engine.fetch");
	};
}

static void make_gate(const accel::rtl_ctx &c, sc_unit *u)
{
	auto *r = new gate_rtl_sc(c.name, c.cfg);

	r->rst_l(c.rst_l);
	u->mod.reset(r);
	u->bind = [r](struct run_top *t) { r->set_plans(t->sched.plans); };
	u->trace = [r](sc_core::sc_trace_file *tf, const std::string &) {
		r->trace(tf);
	};
}

static const rtl_factory kRtl[] = {
	{ "smx", "smx", smx_rtl_sc::fits, make_smx },
	{ "sde", "engine", sde_rtl_sc::fits, make_sde },
	{ "gate", "gate", gate_rtl_sc::fits, make_gate },
};

static const rtl_factory *rtl_of(const struct unit_class *cls)
{
	for (const auto &f : kRtl)
		if (std::strcmp(f.unit, cls->name) == 0)
			return &f;
	return nullptr;
}

// The instance name of a unit's wrapper, C or RTL.
static const char *inst_of(const struct unit_class *cls)
{
	const rtl_factory *f = rtl_of(cls);

	return f ? f->inst : cls->name;
}

// 1 when cfg asks for the RTL of the unit named `unit` of reg.
static bool wants_rtl(const struct unit_registry *reg, const char *unit,
		      const struct config *cfg)
{
	int i = unit_find(reg, unit);

	return i >= 0 && reg->cls[i]->sc_rtl && reg->cls[i]->sc_rtl(cfg);
}

sc_core::sc_time accel_period(const struct config *cfg)
{
	return sc_core::sc_time(1e3 / cfg->clock_mhz, sc_core::SC_NS);
}

std::string accel::check_config(const struct config *cfg)
{
	const struct unit_registry *reg = unit_registry_default();

	for (const auto &f : kRtl)
		if (wants_rtl(reg, f.unit, cfg)) {
			std::string why = f.fits(cfg);

			if (!why.empty())
				return why;
		}
	return "";
}

void accel::make_unit(uint32_t i)
{
	const struct unit_class *cls = reg_->cls[i];
	const rtl_factory *f = rtl_of(cls);
	sc_unit &u = unit_[i];

	if (f && cls->sc_rtl && cls->sc_rtl(cfg_)) {
		f->make(rtl_ctx{ cfg_, f->inst, i, clk, rst_l_, owned_ }, &u);
		any_rtl_ = true;
	} else {
		u.mod.reset(new compute_sc(inst_of(cls)));
	}
	u.mod->clk(clk);
	u.mod->cmd(cmd_[i]);
	u.mod->want(want_[i]);
	u.mod->out(uout_[i]);
	sched_.cmd[i](cmd_[i]);
	sched_.want[i](want_[i]);
	sched_.unit_out[i](uout_[i]);
}

accel::accel(sc_module_name n, const struct config *cfg)
	: sc_module(n), clk("clk"), mem("mem"), cfg_(cfg),
	  reg_(unit_registry_default()), period_(accel_period(cfg)),
	  sched_("sched", reg_->n), dma_("dma", period_),
	  rst_l_("rst_l", true)
{
	dma_.mem.bind(mem);
	sched_.clk(clk);
	sched_.dma_out(dma_out_);
	sched_.dma_cmd(dma_cmd_);
	dma_.clk(clk);
	dma_.cmd(dma_cmd_);
	dma_.out(dma_out_);
	for (uint32_t i = 0; i < reg_->n; i++)
		make_unit(i);
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
	for (uint32_t i = 0; i < reg_->n; i++) {
		unit_[i].mod->bind(view_of(reg_->cls[i], u->unit[i]));
		if (unit_[i].bind)
			unit_[i].bind(u);
	}
}

void accel::unbind_all()
{
	sched_.unbind();
	dma_.unbind();
	for (uint32_t i = 0; i < reg_->n; i++) {
		unit_[i].mod->unbind();
		if (unit_[i].unbind)
			unit_[i].unbind();
	}
}

void accel::sync_all()
{
	sched_.sync();
	dma_.sync();
	for (uint32_t i = 0; i < reg_->n; i++)
		unit_[i].mod->sync();
}

// The native kernel's deadlock rule: no unit has anything to count down.
bool accel::all_idle(const struct run_top *u) const
{
	if (sched_horizon(&u->sched) != KERN_FOREVER ||
	    dma_horizon(&u->dma) != KERN_FOREVER)
		return false;
	for (uint32_t i = 0; i < reg_->n; i++) {
		const unit_view &v = unit_[i].mod->view();

		if (v.ops->horizon(v.self) != KERN_FOREVER)
			return false;
	}
	return true;
}

void accel::check_all(const struct run_top *u, uint64_t cycle) const
{
	sched_check(&u->sched, cycle);
	dma_check(&u->dma, cycle);
	for (uint32_t i = 0; i < reg_->n; i++) {
		const unit_view &v = unit_[i].mod->view();

		v.ops->check(v.self, cycle);
	}
}

std::string accel::compare_all(uint64_t cycle)
{
	for (uint32_t i = 0; i < reg_->n; i++) {
		std::string m = unit_[i].mod->compare(cycle);

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
	for (uint32_t i = 0; i < reg_->n; i++)
		if (unit_[i].inject) {
			unit_[i].inject(cycle);
			return true;
		}
	return false;
}

void accel::trace(sc_core::sc_trace_file *tf) const
{
	const std::string p = std::string(name()) + ".";

	sc_core::sc_trace(tf, clk, p + "clk");
	sc_trace(tf, dma_cmd_, p + "dma.cmd");
	sc_trace(tf, dma_out_, p + "dma.out");
	for (uint32_t u = 0; u < reg_->n; u++) {
		const std::string un = inst_of(reg_->cls[u]);

		sc_trace(tf, cmd_[u], p + un + ".cmd");
		sc_core::sc_trace(tf, want_[u], p + un + ".want");
		sc_trace(tf, uout_[u], p + un + ".out");
	}
	for (uint32_t u = 0; u < reg_->n; u++)
		if (unit_[u].trace)
			unit_[u].trace(tf, p);
}

}  // namespace stasim
