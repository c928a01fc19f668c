/*
 * main.c - the stasim command-line tool.
 *
 * The only place that prints user errors and picks exit codes:
 * 0 success, 1 simulation or check failure, 2 bad usage or bad input.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "cosim_cmd.h"
#include "err.h"
#include "analysis.h"
#include "report.h"
#include "scalesim.h"
#include "sweep.h"
#include "run.h"
#include "trace.h"
#include "zoo.h"

#define STASIM_VERSION "0.1.0"

static const char usage_text[] =
	"usage: stasim COMMAND [options]\n"
	"\n"
	"commands:\n"
	"  run -c CONFIG -t TRACE [-o OUTDIR] [--format txt|csv|json|md]\n"
	"      [--mode timing|functional] [--seed S] [--dump DIR]\n"
	"      [--task T] [--no-fast-forward] [--check]\n"
	"                    simulate TRACE on CONFIG and print the report\n"
	"  config -c CONFIG  print the effective config, defaults filled in\n"
	"  trace MODEL [--seq L] [--batch B] [--nm N:M | TYPE=N:M,...] [--task T]\n"
	"        [--routing uniform|computed|zipf:S|hot:H:P] -o FILE\n"
	"                    write a built-in model's trace (models: see\n"
	"                    'stasim trace --list')\n"
	"  sweep SPEC [-j N] [-o results.csv] [--shard K/N]\n"
	"                    a design-space sweep (resumable, shardable)\n"
	"  merge A.csv B.csv ... -o OUT.csv\n"
	"                    join sweep shards\n"
	"  pareto RESULTS.csv [--x COL] [--y COL] [--where K=V]... [--format txt|csv|md]\n"
	"        [-o FILE]   the latency-energy Pareto front of a sweep\n"
	"  table RESULTS.csv --rows KEY --cols KEY [--baseline V]\n"
	"        [--metric latency|energy|both] [--where K=V]... [--format md|latex]\n"
	"        [-o FILE]   a paper-style table\n"
	"  plot RESULTS.csv -o DIR [--x COL] [--y COL] [--where K=V]...\n"
	"  plot --report REPORT.json -o DIR\n"
	"                    PNG and SVG plots (gnuplot)\n"
	"  import-scalesim TOPO.csv [--nm N:M] -o FILE\n"
	"                    turn a SCALE-Sim topology file into a trace\n"
	"  cosim sde|smx|gelu|gate [--seed S] [--ops N] [--vcd FILE] [...]\n"
	"                    a unit's RTL in lockstep with its C model\n"
	"  help              this text\n"
	"  version           the version\n"
	"\n"
	"exit status: 0 success, 1 simulation or check failure, 2 bad usage or\n"
	"bad input. Documentation: README.md and docs/.\n";

static int usage_error(const char *fmt, const char *arg)
{
	return cli_usage_error("stasim", fmt, arg);
}

static int input_error(const struct sim_err *err)
{
	return cli_input_error("stasim", err);
}

/* Value of the option at argv[*i]; NULL (and a message) if missing. */
static const char *value(int argc, char **argv, int *i)
{
	return cli_value("stasim", argc, argv, i);
}

static int cmd_run(int argc, char **argv)
{
	return cli_run("stasim", argc, argv, 2, NULL);
}

static int cmd_config(int argc, char **argv)
{
	static struct config cfg;
	struct sim_err err;

	if (argc != 4 || strcmp(argv[2], "-c"))
		return usage_error("config: %s", "usage is 'stasim config -c FILE'");
	if (config_load(argv[3], &cfg, &err))
		return input_error(&err);
	config_print(&cfg, stdout);
	return SIM_EXIT_OK;
}

static int list_models(void)
{
	const char *const *m;

	for (m = zoo_models(); *m; m++)
		printf("%s\n", *m);
	return SIM_EXIT_OK;
}

static int trace_opts(int argc, char **argv, struct zoo_opts *zo,
		      const char **out)
{
	char msg[256];
	const char *v;
	int i, rc;

	for (i = 3; i < argc; i++) {
		const char *o = argv[i];

		if (!zoo_known_opt(o) && strcmp(o, "-o"))
			return usage_error("trace: unknown option '%s'", o), -1;
		if (!(v = value(argc, argv, &i)))
			return -1;
		if (!strcmp(o, "-o")) {
			*out = v;
			continue;
		}
		rc = zoo_parse_opt(o, v, zo, msg, sizeof msg);
		if (rc)
			return usage_error("%s", msg), -1;
	}
	return 0;
}

static int cmd_trace(int argc, char **argv)
{
	struct zoo_opts zo;
	struct trace t = { 0 };
	struct sim_err err;
	const char *out = NULL;
	char comment[256];
	int rc = SIM_EXIT_OK;

	if (argc >= 3 && !strcmp(argv[2], "--list"))
		return list_models();
	if (argc < 3 || argv[2][0] == '-')
		return usage_error("trace: %s", "usage is 'stasim trace MODEL "
				   "[--seq L] [--nm N:M] -o FILE'");
	if (zoo_defaults(argv[2], &zo))
		return usage_error("trace: unknown model '%s' (run 'stasim "
				   "trace --list')", argv[2]);
	if (trace_opts(argc, argv, &zo, &out))
		return SIM_EXIT_USAGE;
	if (!out)
		return usage_error("trace: %s", "needs -o FILE");
	zoo_describe(argv[2], &zo, comment, sizeof comment);
	if (zoo_build(argv[2], &zo, &t, &err) ||
	    trace_write(out, &t, comment, &err))
		rc = input_error(&err);
	trace_free(&t);
	return rc;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	if (!strcmp(cmd, "run"))
		return cmd_run(argc, argv);
	if (!strcmp(cmd, "config"))
		return cmd_config(argc, argv);
	if (!strcmp(cmd, "trace"))
		return cmd_trace(argc, argv);
	if (!strcmp(cmd, "cosim"))
		return cosim_cmd(argc, argv);
	if (!strcmp(cmd, "import-scalesim"))
		return import_scalesim_cmd(argc - 1, argv + 1);
	if (!strcmp(cmd, "pareto"))
		return pareto_cmd(argc - 1, argv + 1);
	if (!strcmp(cmd, "table"))
		return table_cmd(argc - 1, argv + 1);
	if (!strcmp(cmd, "plot"))
		return plot_cmd(argc - 1, argv + 1);
	if (!strcmp(cmd, "sweep"))
		return sweep_cmd(argc - 1, argv + 1);
	if (!strcmp(cmd, "merge"))
		return merge_cmd(argc - 1, argv + 1);
	if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
		printf("stasim %s\n", STASIM_VERSION);
		return SIM_EXIT_OK;
	}
	if (argc < 2) {
		fputs(usage_text, stderr);
		return SIM_EXIT_USAGE;
	}
	if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
		fputs(usage_text, stdout);
		return SIM_EXIT_OK;
	}
	return usage_error("unknown command '%s'", cmd);
}
