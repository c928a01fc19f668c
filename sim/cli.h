/*
 * cli.h - the `run` command line: options, early checks, loading,
 * simulation and report, shared by `stasim run` (main.c) and the SystemC
 * platform's stasim-sc, so that both accept the same options, print the
 * same help and write the same report.
 *
 * A run goes parse -> dirs -> (load config, simulate, report) -> end:
 * stasim run does it all in cli_run(); stasim-sc calls the steps itself,
 * as it must load the config and build its modules (the clock) before it
 * simulates. Messages go to stderr, one line, prefixed with the program;
 * the return value is the exit status (SIM_EXIT_*). Only the programs' main
 * functions exit.
 */
#ifndef SIM_CLI_H
#define SIM_CLI_H

#include "err.h"
#include "opt.h"
#include "report.h"
#include "run.h"

#ifdef __cplusplus
extern "C" {
#endif

struct config;

/* Keys of a program's own options start here (run's are below). */
#define CLI_KEY_EXTRA (OPT_LONG + 64)

/* What a `run` command line asks for; filled by cli_run_parse. */
struct cli_run_args {
	const char *prog;		/* "stasim", "stasim-sc": messages */
	const char *config;		/* -c CONFIG */
	const char *trace;		/* -t TRACE */
	const char *outdir;		/* -o DIR, NULL = none */
	const char *dump;		/* --dump DIR, NULL = none */
	const char *timeline;		/* --timeline FILE, NULL = none */
	int made_outdir, made_dump;	/* 1: created by cli_run_dirs */
	enum report_format format;	/* --format, of the report on stdout */
	struct run_opts o;		/* --mode, --seed, --task, ... */
};

/*
 * Options a program adds to run's (stasim-sc: --vcd, --inject-flip). Its
 * help is run's options followed by these, under cmd's usage and about.
 */
struct cli_extra {
	const struct opt_cmd *cmd;	/* prog, usage, about; opts: its own
					 * options, keys from CLI_KEY_EXTRA */
	opt_fn fn;			/* called for each of them (opt.h) */
	void *ctx;			/* fn's first argument */
};

/*
 * Parse a `run` command line (argv[0] is the command or program name) into
 * a; extra NULL for `stasim run`. Checks that -c and -t are given and that
 * --dump comes with --mode functional. Touches no file. Returns 0,
 * OPT_HELP (help printed on stdout) or SIM_EXIT_USAGE after one line.
 */
int cli_run_parse(struct cli_run_args *a, int argc, char **argv,
		  const struct cli_extra *extra);

/*
 * Before anything is loaded: create -o DIR and --dump DIR if missing (one
 * level, as mkdir) and check that each is a writable directory, so that a
 * bad one fails at once and not after the simulation. Returns 0, or
 * SIM_EXIT_USAGE after one line naming the path and the option.
 */
int cli_run_dirs(struct cli_run_args *a);

/*
 * Read the trace, simulate it on cfg with clock (NULL: the native kernel),
 * write the reports (-o) and the report on stdout. Returns 0,
 * SIM_EXIT_FAIL (a failed check, or stdout could not be written) or
 * SIM_EXIT_USAGE (bad trace), each failure after one line. Work: the whole
 * simulation.
 */
int cli_run_sim(struct cli_run_args *a, const struct config *cfg,
		const struct run_clock *clock);

/*
 * The end of a run with exit status rc: when it failed, remove the
 * directories cli_run_dirs created that are still empty, so a failed run
 * leaves nothing behind. Returns rc.
 */
int cli_run_end(const struct cli_run_args *a, int rc);

/* `stasim run` (argv[0] "run"): all of the above. Returns the exit status. */
int cli_run(int argc, char **argv);

/*
 * At a program's exit: flush and close stdout. If that fails and rc is 0,
 * one line "PROG: cannot write to standard output: REASON" and
 * SIM_EXIT_FAIL; else rc (a failed command has said why already).
 */
int cli_close_stdout(const char *prog, int rc);

/* "prog: file:line: field: message", one line; returns SIM_EXIT_USAGE.
 * (Usage errors: opt_error.) */
int cli_input_error(const char *prog, const struct sim_err *err);

#ifdef __cplusplus
}
#endif

#endif
