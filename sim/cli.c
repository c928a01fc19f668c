/*
 * cli.c - the `run` command line, shared by stasim and the SystemC
 * platform's stasim-sc (see cli.h).
 */
#include "cli.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "err.h"
#include "report.h"
#include "trace.h"

int cli_usage_error(const char *prog, const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", prog);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nrun '%s help' for usage\n", prog);
	return SIM_EXIT_USAGE;
}

int cli_input_error(const char *prog, const struct sim_err *err)
{
	char buf[1400];

	err_format(err, buf, sizeof buf);
	fprintf(stderr, "%s: %s\n", prog, buf);
	return SIM_EXIT_USAGE;
}

/* Strict unsigned decimal: digits only, no overflow. */
static int parse_u64(const char *s, uint64_t *v)
{
	uint64_t x = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		uint64_t d = (uint64_t)(*s - '0');

		if (*s < '0' || *s > '9' || x > (UINT64_MAX - d) / 10)
			return -1;
		x = x * 10 + d;
	}
	*v = x;
	return 0;
}

struct run_args {
	const char *prog;	/* for messages */
	const char *config, *trace, *outdir, *dump;
	enum report_format format;
	struct run_opts o;
};

const char *cli_value(const char *prog, int argc, char **argv, int *i)
{
	if (*i + 1 >= argc) {
		cli_usage_error(prog, "option '%s' needs a value", argv[*i]);
		return NULL;
	}
	return argv[++*i];
}

/* Options of 'run' that take a value. */
static int run_valued(const char *o)
{
	static const char *const names[] = { "-c", "-t", "-o", "--dump",
		"--format", "--mode", "--seed", "--task", NULL };
	int i;

	for (i = 0; names[i]; i++)
		if (!strcmp(o, names[i]))
			return 1;
	return 0;
}

static int run_opt(int argc, char **argv, int *i, struct run_args *a)
{
	const char *o = argv[*i], *v;

	if (!strcmp(o, "--no-fast-forward")) {
		a->o.fast_forward = 0;
		return 0;
	}
	if (!strcmp(o, "--check")) {
		a->o.check = 1;
		return 0;
	}
	if (!run_valued(o))
		return cli_usage_error(a->prog, "run: unknown option '%s'", o), -1;
	if (!(v = cli_value(a->prog, argc, argv, i)))
		return -1;
	if (!strcmp(o, "-c"))
		a->config = v;
	else if (!strcmp(o, "-t"))
		a->trace = v;
	else if (!strcmp(o, "-o"))
		a->outdir = v;
	else if (!strcmp(o, "--dump"))
		a->dump = v;
	else if (!strcmp(o, "--format")) {
		if (report_parse_format(v, &a->format))
			return cli_usage_error(a->prog, "--format: '%s' is not txt, csv, json "
					   "or md", v), -1;
	} else if (!strcmp(o, "--mode")) {
		if (strcmp(v, "timing") && strcmp(v, "functional"))
			return cli_usage_error(a->prog, "--mode: '%s' is not timing or "
					   "functional", v), -1;
		a->o.functional = !strcmp(v, "functional");
	} else if (!strcmp(o, "--task")) {
		uint64_t x;

		if (parse_u64(v, &x) || x > 63)
			return cli_usage_error(a->prog, "--task: '%s' is not an integer in "
					   "0..63", v), -1;
		a->o.task = (uint32_t)x;
		a->o.task_set = 1;
	} else {
		if (parse_u64(v, &a->o.seed))
			return cli_usage_error(a->prog, "--seed: '%s' is not an unsigned "
					   "64-bit integer", v), -1;
	}
	return 0;
}

static int make_dir(const char *prog, const char *dir, const char *opt)
{
	struct sim_err err;

	if (mkdir(dir, 0777) == 0 || errno == EEXIST)
		return 0;
	err_set(&err, dir, 0, opt, "cannot create directory: %s",
		strerror(errno));
	return cli_input_error(prog, &err);
}

static int finish_run(const struct run_args *a, const struct config *cfg,
		      const struct trace *t, struct run_result *r)
{
	struct report rep = { cfg, t, r, a->o.functional, a->o.seed };
	struct sim_err err;

	if (r->failed) {
		fprintf(stderr, "%s: check failed: %s\n", a->prog, r->fail_msg);
		return SIM_EXIT_FAIL;
	}
	if (a->outdir && report_write_dir(&rep, a->outdir, &err))
		return cli_input_error(a->prog, &err);
	report_write(&rep, a->format, stdout);
	return fflush(stdout) == 0 ? SIM_EXIT_OK : SIM_EXIT_FAIL;
}

/* Parse options from argv[first], load, simulate, report. */
static int run_args_go(struct run_args *a, struct config *cfg, int argc,
		       char **argv, int first)
{
	struct trace t = { 0 };
	struct run_result r;
	struct sim_err err;
	int i, rc;

	for (i = first; i < argc; i++)
		if (run_opt(argc, argv, &i, a))
			return SIM_EXIT_USAGE;
	if (!a->config || !a->trace)
		return cli_usage_error(a->prog, "run: %s",
				       "needs -c CONFIG and -t TRACE");
	if (a->dump && !a->o.functional)
		return cli_usage_error(a->prog, "run: %s",
				       "--dump needs --mode functional");
	if (config_load(a->config, cfg, &err) || trace_read(a->trace, &t, &err))
		return cli_input_error(a->prog, &err);
	if (a->dump && (rc = make_dir(a->prog, a->dump, "--dump")))
		goto out;
	a->o.dump_dir = a->dump;
	if (run_sim(cfg, &t, &a->o, &r, &err)) {
		rc = cli_input_error(a->prog, &err);
		run_free(&r);
		goto out;
	}
	rc = finish_run(a, cfg, &t, &r);
	run_free(&r);
out:
	trace_free(&t);
	return rc;
}

int cli_run(const char *prog, int argc, char **argv, int first,
	    const struct run_clock *clock)
{
	struct run_args a = { .prog = prog, .format = REPORT_TXT,
			      .o = { .seed = 1, .fast_forward = 1,
				     .clock = clock } };
	struct config *cfg = malloc(sizeof *cfg);	/* large: not on the stack */
	int rc;

	if (!cfg) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return SIM_EXIT_FAIL;
	}
	rc = run_args_go(&a, cfg, argc, argv, first);
	free(cfg);
	return rc;
}
