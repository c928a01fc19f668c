// stasim_sc.cpp - build/stasim-sc: `stasim run` on the SystemC platform.
//
//   stasim-sc -c CONFIG -t TRACE [--vcd FILE] [--inject-flip CYCLE]
//             [stasim run options]
//
// The accelerator top (accel.h) with the default DRAM target (dram_sc) on
// its memory socket, clocked at the config's clock. A host thread runs the
// same command line as `stasim run` (sim/cli.c) with the SystemC modules
// as its clock, so options, report and exit status are the same; --vcd
// adds an sc_trace VCD of every unit port (FILE gets a .vcd suffix if it
// has none). --inject-flip (tests) corrupts the RTL engine's output once;
// the run must then fail. Exit status: 0 success, 1 check failure (including an RTL
// unit disagreeing with its C model), 2 bad usage or bad input.
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <systemc>

#include "accel.h"
#include "units.h"

extern "C" {
#include "../cli.h"
#include "../config.h"
#include "../err.h"
}

namespace {

const char kProg[] = "stasim-sc";

// Runs the command line from an SC_THREAD, then stops the simulation.
class host : public sc_core::sc_module {
public:
	SC_HAS_PROCESS(host);
	host(sc_core::sc_module_name n, stasim::accel *acc,
	     std::vector<char *> args)
		: sc_module(n), acc_(acc), args_(std::move(args))
	{
		SC_THREAD(main);
	}
	int status = 2;

private:
	void main()
	{
		status = cli_run(kProg, static_cast<int>(args_.size()),
				 args_.data(), 1, acc_->clock());
		sc_core::sc_stop();
	}

	stasim::accel *acc_;
	std::vector<char *> args_;
};

struct sc_opts {
	std::string vcd;		// --vcd FILE
	const char *config = nullptr;	// -c CONFIG
	long long inject = -1;		// --inject-flip CYCLE
};

// Split off stasim-sc's own options; find -c CONFIG. Returns 0, or an
// exit status.
int parse(int argc, char **argv, std::vector<char *> *rest, sc_opts *o)
{
	rest->push_back(argv[0]);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--vcd") && strcmp(a, "-c") &&
		    strcmp(a, "--inject-flip")) {
			rest->push_back(argv[i]);
			continue;
		}
		if (i + 1 >= argc)
			return cli_usage_error(kProg, "option '%s' needs a "
					       "value", a);
		if (!strcmp(a, "-c")) {
			o->config = argv[i + 1];
			rest->push_back(argv[i]);
		} else if (!strcmp(a, "--vcd")) {
			o->vcd = argv[++i];
		} else {
			char *end;

			o->inject = strtoll(argv[++i], &end, 10);
			if (*end || o->inject < 0)
				return cli_usage_error(kProg, "--inject-flip: "
						       "'%s' is not a cycle",
						       argv[i]);
		}
	}
	if (!o->config)
		return cli_usage_error(kProg, "%s", "needs -c CONFIG and -t "
				       "TRACE (and the options of 'stasim run')");
	return 0;
}

}  // namespace

int sc_main(int argc, char **argv)
{
	std::vector<char *> rest;
	sc_opts o;
	struct sim_err err;
	int rc;

	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
			 !strcmp(argv[1], "help"))) {
		printf("usage: %s -c CONFIG -t TRACE [--vcd FILE] [options of "
		       "'stasim run']\n", kProg);
		return 0;
	}
	if ((rc = parse(argc, argv, &rest, &o)))
		return rc;
	static struct config cfg;
	if (config_load(o.config, &cfg, &err))
		return cli_input_error(kProg, &err);
	std::string why = stasim::accel::check_config(&cfg);
	if (!why.empty()) {
		err_set(&err, o.config, 0, "systemc", "%s", why.c_str());
		return cli_input_error(kProg, &err);
	}
	// SystemC's own chatter would land in the middle of the report
	sc_core::sc_report_handler::set_actions(sc_core::SC_INFO,
						sc_core::SC_DO_NOTHING);

	const sc_core::sc_time period = stasim::accel_period(&cfg);
	sc_core::sc_clock clk("clk", period);
	stasim::accel acc("acc", &cfg);
	stasim::dram_sc dram("dram", config_dram_bpc_fx(&cfg),
			     config_dram_latency_cycles(&cfg), period);
	acc.clk(clk);
	acc.mem.bind(dram.socket);
	host h("host", &acc, rest);
	if (o.inject >= 0 && !acc.inject_engine_flip(
				static_cast<uint64_t>(o.inject)))
		return cli_usage_error(kProg, "--inject-flip: %s", "needs "
				       "[systemc] engine = rtl");

	sc_core::sc_trace_file *tf = nullptr;
	std::string &vcd = o.vcd;
	if (!vcd.empty()) {
		if (vcd.size() > 4 && !vcd.compare(vcd.size() - 4, 4, ".vcd"))
			vcd.resize(vcd.size() - 4);
		tf = sc_core::sc_create_vcd_trace_file(vcd.c_str());
		tf->set_time_unit(1, sc_core::SC_NS);
		acc.trace(tf);
	}
	sc_core::sc_start();
	if (tf)
		sc_core::sc_close_vcd_trace_file(tf);
	return h.status;
}

// SystemC prints its banner when its kernel starts, before sc_main: turn it
// off first, so that stderr carries only stasim-sc's own messages.
int main(int argc, char **argv)
{
	setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
	return sc_core::sc_elab_and_sim(argc, argv);
}
