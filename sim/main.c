/*
 * main.c - the stasim command-line tool.
 *
 * One table of commands gives the dispatch, the command list that
 * `stasim help` prints and the "did you mean" for a mistyped command; each
 * command parses its own options (opt.h) and prints its own --help. The
 * only place that exits: 0 success, 1 simulation or check failure (or
 * stdout not written), 2 bad usage or bad input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "area.h"
#include "cli.h"
#include "config.h"
#include "cosim_cmd.h"
#include "err.h"
#include "opt.h"
#include "scalesim.h"
#include "sweep.h"
#include "trace.h"
#include "version.h"
#include "zoo.h"

#define PROG "stasim"

struct command {
	const char *name;	/* the word after "stasim" */
	const char *synopsis;	/* one line in the command list */
	int (*fn)(int argc, char **argv);	/* argv[0]: name, or see whole */
	int whole;		/* 1: fn takes the whole command line, argv[0]
				 * the program (cosim finds its harness beside
				 * it, help passes it on) */
};

static int cmd_area(int argc, char **argv);
static int cmd_config(int argc, char **argv);
static int cmd_trace(int argc, char **argv);
static int cmd_help(int argc, char **argv);
static int cmd_version(int argc, char **argv);

static const struct command commands[] = {
	{ "run", "simulate a trace on a config: the latency and energy report",
	  cli_run, 0 },
	{ "config", "print a config with every default filled in", cmd_config,
	  0 },
	{ "area", "the silicon area of a config, per unit and in total",
	  cmd_area, 0 },
	{ "trace", "write a built-in model's trace (--list: the models)",
	  cmd_trace, 0 },
	{ "import-scalesim", "turn a SCALE-Sim topology file into a trace",
	  import_scalesim_cmd, 0 },
	{ "sweep", "run a design-space sweep (resumable, shardable)",
	  sweep_cmd, 0 },
	{ "merge", "join the result shards of a sweep", merge_cmd, 0 },
	{ "pareto", "the latency-energy Pareto front of sweep results",
	  pareto_cmd, 0 },
	{ "table", "a paper-style table of sweep results", table_cmd, 0 },
	{ "plot", "PNG and SVG plots of sweep results or of a report",
	  plot_cmd, 0 },
	{ "cosim", "a unit's RTL in lockstep with its C model", cosim_cmd, 1 },
	{ "help", "this list; 'help COMMAND': the command's options", cmd_help,
	  1 },
	{ "version", "print the version", cmd_version, 0 },
};

#define N_COMMANDS (sizeof commands / sizeof commands[0])

/* For messages about the command word itself. */
static const struct opt_spec no_opts[] = { OPT_END };
static const struct opt_cmd top_cmd = {
	PROG, NULL, "COMMAND [options]", "", no_opts
};

static void list_commands(FILE *f)
{
	size_t i;

	fprintf(f, "usage: %s COMMAND [options]\n\n"
		"A cycle-accurate simulator of an N:M-sparse transformer "
		"accelerator.\n\ncommands:\n", PROG);
	for (i = 0; i < N_COMMANDS; i++)
		fprintf(f, "  %-16s %s\n", commands[i].name,
			commands[i].synopsis);
	fprintf(f, "\n'%s COMMAND --help' (or '%s help COMMAND') lists a "
		"command's options.\nfirst steps:\n"
		"  %s trace --list\n"
		"  %s trace deit-tiny --nm 2:4 -o deit.trace.gz\n"
		"  %s run -c configs/sta-default.ini -t deit.trace.gz\n\n"
		"exit status: 0 success, 1 simulation or check failure, 2 bad "
		"usage or input.\nDocumentation: README.md and docs/.\n",
		PROG, PROG, PROG, PROG, PROG);
}

static const struct command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < N_COMMANDS; i++)
		if (!strcmp(name, commands[i].name))
			return &commands[i];
	return NULL;
}

/* "unknown command 'rn'; did you mean 'run'?" */
static int unknown_command(const char *name)
{
	const char *names[N_COMMANDS + 1], *s;
	size_t i;

	for (i = 0; i < N_COMMANDS; i++)
		names[i] = commands[i].name;
	names[i] = NULL;
	s = opt_suggest(name, names);
	if (s)
		return opt_error(&top_cmd, "unknown command '%s'; did you mean "
				 "'%s'?", name, s);
	return opt_error(&top_cmd, "unknown command '%s'", name);
}

/* Run the command argv[1]; argv[0] is the program. */
static int dispatch(int argc, char **argv)
{
	const struct command *c = find_command(argv[1]);

	if (!c)
		return unknown_command(argv[1]);
	return c->whole ? c->fn(argc, argv) : c->fn(argc - 1, argv + 1);
}

/* 0, or the exit status of a bad command line (OPT_HELP: help printed). */
static int parsed(int rc)
{
	return rc == OPT_HELP ? SIM_EXIT_OK : rc;
}

/* ---- stasim config ---- */

static const struct opt_spec config_opts[] = {
	{ 'c', NULL, "CONFIG", "the config to read (.ini; configs/)" },
	OPT_END
};

static const struct opt_cmd config_cmd = {
	PROG, "config", "-c CONFIG",
	"Print the effective config: every key, defaults filled in, as an "
	".ini that\nreads back the same (docs/config.md).",
	config_opts
};

static int config_key(void *ctx, int key, const char *val)
{
	if (key == 'c') {
		*(const char **)ctx = val;
		return 0;
	}
	return opt_error(&config_cmd, "unexpected operand '%s' (the config "
			 "is given as -c CONFIG)", val);
}

static int config_show(const char *path)
{
	struct config *cfg = malloc(sizeof *cfg);	/* large: not on the stack */
	struct sim_err err;
	int rc = SIM_EXIT_OK;

	if (!cfg) {
		fprintf(stderr, "%s: out of memory\n", PROG);
		return SIM_EXIT_FAIL;
	}
	if (config_load(path, cfg, &err))
		rc = cli_input_error(PROG, &err);
	else
		config_print(cfg, stdout);
	free(cfg);
	return rc;
}

static int cmd_config(int argc, char **argv)
{
	const char *path = NULL;
	int rc = opt_parse(&config_cmd, argc, argv, config_key, &path);

	if (rc)
		return parsed(rc);
	if (!path)
		return opt_error(&config_cmd, "%s", "needs -c CONFIG");
	return config_show(path);
}

/* ---- stasim area ---- */

enum { AREA_OPT_FORMAT = OPT_LONG, AREA_OPT_ESTIMATE };

static const struct opt_spec area_opts[] = {
	{ 'c', NULL, "CONFIG", "the config to read (.ini; configs/)" },
	{ AREA_OPT_FORMAT, "format", "FMT", "txt (default), json or csv" },
	{ AREA_OPT_ESTIMATE, "estimate", NULL, "never synthesize: scale a "
	  "missing component from the nearest synthesized set" },
	OPT_END
};

static const struct opt_cmd area_cmd = {
	PROG, "area", "-c CONFIG [--format txt|json|csv] [--estimate]",
	"Print the config's area per unit and in total, um^2 and mm^2 "
	"(docs/ppa.md):\nlogic from synthesized components (yosys, NanGate "
	"FreePDK45 cells) times their\ninstance counts, SRAM from a 45 nm "
	"bit cell. A component at parameters that\nthe built-in table and "
	"the user cache lack is synthesized once (minutes) and\ncached; "
	"with --estimate, or without yosys, it is scaled from the nearest\n"
	"synthesized set and listed as estimated (as run and sweep always do).",
	area_opts
};

struct area_args {
	const char *path;	/* -c */
	enum area_format fmt;	/* --format */
	int estimate;		/* --estimate */
};

static int area_key(void *ctx, int key, const char *val)
{
	struct area_args *a = ctx;

	if (key == 'c')
		a->path = val;
	else if (key == AREA_OPT_ESTIMATE)
		a->estimate = 1;
	else if (key == AREA_OPT_FORMAT && area_parse_format(val, &a->fmt))
		return opt_error(&area_cmd, "--format %s: not txt, json or "
				 "csv", val);
	else if (key != AREA_OPT_FORMAT)
		return opt_error(&area_cmd, "unexpected operand '%s' (the "
				 "config is given as -c CONFIG)", val);
	return 0;
}

static int area_show(const struct area_args *a)
{
	struct config *cfg = malloc(sizeof *cfg);	/* large: not on the stack */
	struct area_report *r = malloc(sizeof *r);
	struct area_ctx ctx;
	struct sim_err err;
	int rc = SIM_EXIT_OK;

	if (!cfg || !r) {
		fprintf(stderr, "%s: out of memory\n", PROG);
		rc = SIM_EXIT_FAIL;
	} else if (config_load(a->path, cfg, &err)) {
		rc = cli_input_error(PROG, &err);
	} else if (area_ctx_init(&ctx, !a->estimate, &err)) {
		rc = cli_input_error(PROG, &err);
	} else {
		if (area_config(unit_registry_default(), cfg, &ctx, r, &err))
			rc = cli_input_error(PROG, &err);
		else
			area_write(r, a->fmt, stdout);
		if (!rc && ctx.why)
			fprintf(stderr, "%s: area: %s: what the table lacks is "
				"estimated (listed)\n", PROG, ctx.why);
		area_ctx_free(&ctx);
	}
	free(r);
	free(cfg);
	return rc;
}

static int cmd_area(int argc, char **argv)
{
	struct area_args a = { NULL, AREA_TXT, 0 };
	int rc = opt_parse(&area_cmd, argc, argv, area_key, &a);

	if (rc)
		return parsed(rc);
	if (!a.path)
		return opt_error(&area_cmd, "%s", "needs -c CONFIG");
	return area_show(&a);
}

/* ---- stasim trace ---- */

enum {
	TR_SEQ = OPT_LONG,	/* long-only options of trace */
	TR_BATCH,
	TR_NM,
	TR_TASK,
	TR_ROUTING,
	TR_LIST
};

static const struct opt_spec trace_opts[] = {
	{ 'o', NULL, "FILE", "write the trace to FILE (.gz: compressed)" },
	{ TR_SEQ, "seq", "L", "tokens per sequence (default: the model's)" },
	{ TR_BATCH, "batch", "B", "sequences in a batch, 1..1024 (default 1)" },
	{ TR_NM, "nm", "N:M", "weights N:M sparse, dense (default) or "
	  "TYPE=N:M,..." },
	{ TR_TASK, "task", "T", "MoE models: the task, whose router routes "
	  "(0..63)" },
	{ TR_ROUTING, "routing", "R", "MoE models: uniform, computed, zipf:S "
	  "or hot:H:P" },
	{ TR_LIST, "list", NULL, "list the built-in models and exit" },
	OPT_END
};

static const struct opt_cmd trace_cmd = {
	PROG, "trace", "MODEL -o FILE [options]",
	"Write the trace of a built-in model (docs/trace-format.md, 'The "
	"built-in model\nzoo'). --nm TYPE=N:M,... gives weights of TYPE attn, "
	"ffn or embed a pattern\nof their own (the others dense): --nm "
	"ffn=2:4,attn=dense. Example:\n"
	"  stasim trace bert-base --seq 128 --nm 2:4 -o bert.trace.gz",
	trace_opts
};

#define TRACE_SETS_MAX 32	/* zoo options on one command line */

struct trace_args {
	const char *model, *out;	/* MODEL, -o FILE */
	int list;			/* --list */
	int n;				/* zoo options seen, in order: */
	int key[TRACE_SETS_MAX];	/* TR_SEQ ... TR_ROUTING */
	const char *val[TRACE_SETS_MAX];
};

static int trace_key(void *ctx, int key, const char *val)
{
	struct trace_args *a = ctx;

	if (key == 0 && a->model)
		return opt_error(&trace_cmd, "unexpected operand '%s' (one "
				 "MODEL only)", val);
	if (key == 0)
		a->model = val;
	else if (key == 'o')
		a->out = val;
	else if (key == TR_LIST)
		a->list = 1;
	else if (a->n == TRACE_SETS_MAX)
		return opt_error(&trace_cmd, "%s", "too many options");
	else
		a->key[a->n] = key, a->val[a->n++] = val;
	return 0;
}

static int list_models(void)
{
	const char *const *m;

	for (m = zoo_models(); *m; m++)
		printf("%s\n", *m);
	return SIM_EXIT_OK;
}

/* "unknown model 'bert-bse'; did you mean 'bert-base'?", or the list. */
static int unknown_model(const char *model)
{
	const char *s = opt_suggest(model, zoo_models());
	const char *const *m;
	char all[512];
	size_t n = 0;

	if (s)
		return opt_error(&trace_cmd, "unknown model '%s'; did you mean "
				 "'%s'?", model, s);
	all[0] = 0;
	for (m = zoo_models(); *m && n < sizeof all; m++)
		n += (size_t)snprintf(all + n, sizeof all - n, "%s%s",
				      n ? ", " : "", *m);
	return opt_error(&trace_cmd, "unknown model '%s' (models: %s)", model,
			 all);
}

/* The zoo options, in command-line order, onto the model's defaults. */
static int trace_apply(const struct trace_args *a, struct zoo_opts *zo)
{
	const struct opt_spec *o;
	char name[32], msg[256];
	int i;

	for (i = 0; i < a->n; i++) {
		for (o = trace_opts; o->key != a->key[i]; o++)
			;
		snprintf(name, sizeof name, "--%s", o->name);
		if (zoo_parse_opt(name, a->val[i], zo, msg, sizeof msg))
			return opt_error(&trace_cmd, "%s", msg);
	}
	return 0;
}

static int trace_write_model(const struct trace_args *a,
			     const struct zoo_opts *zo)
{
	struct trace t = { 0 };
	struct sim_err err;
	char comment[256];
	int rc = SIM_EXIT_OK;

	zoo_describe(a->model, zo, comment, sizeof comment);
	if (zoo_build(a->model, zo, &t, &err) ||
	    trace_write(a->out, &t, comment, &err))
		rc = cli_input_error(PROG, &err);
	trace_free(&t);
	return rc;
}

static int cmd_trace(int argc, char **argv)
{
	struct trace_args a = { 0 };
	struct zoo_opts zo;
	int rc = opt_parse(&trace_cmd, argc, argv, trace_key, &a);

	if (rc)
		return parsed(rc);
	if (a.list)
		return list_models();
	if (!a.model)
		return opt_error(&trace_cmd, "%s", "needs a MODEL; 'stasim trace --list' "
				 "lists them");
	if (zoo_defaults(a.model, &zo))
		return unknown_model(a.model);
	if ((rc = trace_apply(&a, &zo)))
		return rc;
	if (!a.out)
		return opt_error(&trace_cmd, "%s", "needs -o FILE");
	return trace_write_model(&a, &zo);
}

/* ---- stasim help, stasim version ---- */

/* stasim help [COMMAND]: the list, or what COMMAND --help prints. */
static int cmd_help(int argc, char **argv)
{
	char *args[4] = { argv[0], argv[argc - 1], "--help", NULL };

	if (argc > 3)
		return opt_error(&top_cmd, "%s", "help takes one COMMAND");
	if (argc < 3 || !strcmp(argv[2], "help") || argv[2][0] == '-') {
		list_commands(stdout);
		return SIM_EXIT_OK;
	}
	return dispatch(3, args);
}

static const struct opt_cmd version_cmd = {
	PROG, "version", "[--help]", "Print the version.", no_opts
};

static int version_key(void *ctx, int key, const char *val)
{
	(void)ctx;
	(void)key;
	return opt_error(&version_cmd, "unexpected operand '%s'", val);
}

static int cmd_version(int argc, char **argv)
{
	int rc = opt_parse(&version_cmd, argc, argv, version_key, NULL);

	if (rc)
		return parsed(rc);
	printf("%s %s\n", PROG, STASIM_VERSION);
	return SIM_EXIT_OK;
}

static int stasim_main(int argc, char **argv)
{
	if (argc < 2) {		/* a usage error: the list, on stderr */
		list_commands(stderr);
		return SIM_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		list_commands(stdout);
		return SIM_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version"))
		return cmd_version(1, argv + 1);
	return dispatch(argc, argv);
}

int main(int argc, char **argv)
{
	return cli_close_stdout(PROG, stasim_main(argc, argv));
}
