// stasim_sc.cpp - build/stasim-sc: `stasim run` on the SystemC platform.
//
//   stasim-sc -c CONFIG -t TRACE [options of stasim run] [--vcd FILE]
//             [--inject-flip CYCLE]
//
// The accelerator top (accel.h) with the default DRAM target (dram_sc) on
// its memory socket, clocked at the config's clock. The command line is
// run's (sim/cli.c) with two options of stasim-sc's own appended to its
// table, so parsing, --help, report and exit status are run's. A host
// thread runs the simulation with the SystemC modules as its clock. --vcd
// adds an sc_trace VCD of every unit port (FILE gets a .vcd suffix if it
// has none), its time unit fine enough to give each clock edge a timestamp
// of its own. --inject-flip (tests) corrupts the RTL engine's output once;
// the run must then fail. Exit status: 0 success, 1 check failure
// (including an RTL unit disagreeing with its C model), 2 bad usage or bad
// input. stdout carries the report only: SystemC's own messages go to
// stderr.
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include <systemc>

#include "accel.h"
#include "units.h"

extern "C" {
#include "../cli.h"
#include "../config.h"
#include "../err.h"
#include "../opt.h"
#include "../lib/num.h"
}

namespace {

const char kProg[] = "stasim-sc";

enum { SC_VCD = CLI_KEY_EXTRA, SC_INJECT };

const struct opt_spec kScOpts[] = {
	{ SC_VCD, "vcd", "FILE", "waves of every unit port into FILE(.vcd)" },
	{ SC_INJECT, "inject-flip", "CYCLE", "tests: flip the RTL engine's "
	  "output once (must fail)" },
	{ 0, nullptr, nullptr, nullptr }
};

const struct opt_cmd kScCmd = {
	kProg, nullptr, "-c CONFIG -t TRACE [options]",
	"stasim run on the SystemC platform (docs/systemc.md): the same "
	"options, report\nand exit status. CONFIG's [systemc] section swaps "
	"units for their Verilated RTL.",
	kScOpts
};

// stasim-sc's own options.
struct sc_opts {
	std::string vcd;		// --vcd FILE, without its .vcd
	uint64_t inject = 0;		// --inject-flip CYCLE
	bool inject_set = false;	// --inject-flip given
};

// opt_fn for stasim-sc's own options (cli_extra).
int sc_key(void *ctx, int key, const char *val)
{
	sc_opts *o = static_cast<sc_opts *>(ctx);

	if (key == SC_VCD) {
		o->vcd = val;
		if (o->vcd.size() > 4 &&
		    !o->vcd.compare(o->vcd.size() - 4, 4, ".vcd"))
			o->vcd.resize(o->vcd.size() - 4);	// SystemC adds it
		return 0;
	}
	if (num_u64(val, &o->inject))
		return opt_error(&kScCmd, "--inject-flip: '%s' is not a cycle",
				 val);
	o->inject_set = true;
	return 0;
}

// SystemC's reports go to stderr, so that stdout holds the report alone
// (--format json stays one document), and each kind is shown once: one
// raised every cycle would otherwise print millions of lines.
void report_handler(const sc_core::sc_report &rep,
		    const sc_core::sc_actions &actions)
{
	const sc_core::sc_actions rest = actions & ~sc_core::SC_DISPLAY;

	if ((actions & sc_core::SC_DISPLAY) &&
	    sc_core::sc_report_handler::get_count(rep.get_msg_type()) <= 1)
		std::fprintf(stderr, "%s: %s\n", kProg,
			     sc_core::sc_report_compose_message(rep).c_str());
	sc_core::sc_report_handler::default_handler(rep, rest);
}

// The VCD's time unit: the largest power of ten that divides the times of
// both clock edges and is at most half a period. No edge is then rounded
// (SystemC warns at every edge it must round) and the two edges of a cycle
// get timestamps of their own, strictly growing. 1 GHz: 100 ps.
void vcd_time_unit(sc_core::sc_trace_file *tf, const sc_core::sc_time &period)
{
	static const sc_core::sc_time_unit units[] = {
		sc_core::SC_FS, sc_core::SC_PS, sc_core::SC_NS,
		sc_core::SC_US, sc_core::SC_MS, sc_core::SC_SEC
	};
	const uint64_t p = period.value(), h = (period * 0.5).value();
	uint64_t u = 1, fs;	// u: in kernel time steps
	int i = 0;

	while (u * 10 <= h && p % (u * 10) == 0 && h % (u * 10) == 0)
		u *= 10;
	fs = static_cast<uint64_t>(std::llround(
		sc_core::sc_get_time_resolution().to_seconds() * 1e15)) * u;
	for (; fs >= 1000 && i < 5; i++)
		fs /= 1000;
	tf->set_time_unit(static_cast<double>(fs), units[i]);
}

// The VCD trace of acc's ports, or nullptr after a message if FILE.vcd
// cannot be written (checked now, not at the first clock edge).
sc_core::sc_trace_file *open_vcd(const std::string &name,
				 const sc_core::sc_time &period,
				 const stasim::accel &acc)
{
	const std::string path = name + ".vcd";
	std::FILE *f = std::fopen(path.c_str(), "w");
	struct sim_err err;

	if (!f) {
		err_set(&err, path.c_str(), 0, "--vcd", "cannot write: %s",
			std::strerror(errno));
		cli_input_error(kProg, &err);
		return nullptr;
	}
	std::fclose(f);
	sc_core::sc_trace_file *tf = sc_core::sc_create_vcd_trace_file(
		name.c_str());
	vcd_time_unit(tf, period);
	acc.trace(tf);
	return tf;
}

// Runs the simulation from an SC_THREAD, then stops the kernel.
class host : public sc_core::sc_module {
public:
	SC_HAS_PROCESS(host);
	host(sc_core::sc_module_name n, stasim::accel *acc,
	     struct cli_run_args *a, const struct config *cfg)
		: sc_module(n), acc_(acc), a_(a), cfg_(cfg)
	{
		SC_THREAD(main);
	}
	int status = SIM_EXIT_USAGE;

private:
	void main()
	{
		status = cli_run_sim(a_, cfg_, acc_->clock());
		sc_core::sc_stop();
	}

	stasim::accel *acc_;
	struct cli_run_args *a_;
	const struct config *cfg_;
};

// Build the platform for cfg and run the command line. Returns the exit
// status.
int simulate(struct cli_run_args *a, const struct config *cfg,
	     const sc_opts &o)
{
	const sc_core::sc_time period = stasim::accel_period(cfg);
	sc_core::sc_clock clk("clk", period);
	stasim::accel acc("acc", cfg);
	stasim::dram_sc dram("dram", config_dram_bpc_fx(cfg),
			     config_dram_latency_cycles(cfg), period);
	sc_core::sc_trace_file *tf = nullptr;

	acc.clk(clk);
	acc.mem.bind(dram.socket);
	host h("host", &acc, a, cfg);
	if (o.inject_set && !acc.inject_engine_flip(o.inject))
		return opt_error(&kScCmd, "%s", "--inject-flip needs [systemc] "
				 "engine = rtl");
	if (!o.vcd.empty() && !(tf = open_vcd(o.vcd, period, acc)))
		return SIM_EXIT_USAGE;
	sc_core::sc_start();
	if (tf)
		sc_core::sc_close_vcd_trace_file(tf);
	return h.status;
}

// The config loaded and checked against what this build holds, then the
// run. Returns the exit status.
int load_and_simulate(struct cli_run_args *a, const sc_opts &o)
{
	auto cfg = std::make_unique<struct config>();	// large: on the heap
	struct sim_err err;

	if (config_load(a->config, cfg.get(), &err))
		return cli_input_error(kProg, &err);
	std::string why = stasim::accel::check_config(cfg.get());
	if (!why.empty()) {
		err_set(&err, a->config, 0, "systemc", "%s", why.c_str());
		return cli_input_error(kProg, &err);
	}
	return simulate(a, cfg.get(), o);
}

}  // namespace

int sc_main(int argc, char **argv)
{
	struct cli_run_args a;
	sc_opts o;
	const struct cli_extra extra = { &kScCmd, sc_key, &o };
	int rc;

	sc_core::sc_report_handler::set_handler(report_handler);
	sc_core::sc_report_handler::set_actions(sc_core::SC_INFO,
						sc_core::SC_DO_NOTHING);
	rc = cli_run_parse(&a, argc, argv, &extra);
	if (rc)
		return rc == OPT_HELP ? SIM_EXIT_OK : rc;
	rc = cli_run_dirs(&a);
	if (!rc)
		rc = load_and_simulate(&a, o);
	return cli_run_end(&a, rc);
}

// SystemC prints its banner when its kernel starts, before sc_main: turn it
// off first, so that stderr carries only stasim-sc's own messages.
int main(int argc, char **argv)
{
	setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
	return cli_close_stdout(kProg, sc_core::sc_elab_and_sim(argc, argv));
}
