/*
 * cli.h - the `run` command line: options, loading, simulation and report,
 * shared by `stasim run` (main.c) and the SystemC platform's stasim-sc, so
 * that both accept the same options and write the same report.
 *
 * Messages go to stderr prefixed with prog; the return value is the exit
 * status (SIM_EXIT_*). Only the programs' main functions exit.
 */
#ifndef SIM_CLI_H
#define SIM_CLI_H

#include "err.h"
#include "run.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * `run` with options from argv[first]: -c CONFIG -t TRACE and the rest of
 * `stasim run`'s options. clock: NULL for the native kernel. Returns the
 * exit status.
 */
int cli_run(const char *prog, int argc, char **argv, int first,
	    const struct run_clock *clock);
/* "prog: <fmt with arg>" and a pointer to help; returns SIM_EXIT_USAGE. */
int cli_usage_error(const char *prog, const char *fmt, const char *arg);
/* "prog: file:line: field: message"; returns SIM_EXIT_USAGE. */
int cli_input_error(const char *prog, const struct sim_err *err);
/* Value of the option at argv[*i] (advancing *i); NULL after a message. */
const char *cli_value(const char *prog, int argc, char **argv, int *i);

#ifdef __cplusplus
}
#endif

#endif
