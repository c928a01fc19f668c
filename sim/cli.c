/*
 * cli.c - the `run` command line, shared by stasim and the SystemC
 * platform's stasim-sc (see cli.h).
 *
 * run's options are one opt.h table; a program with options of its own
 * (stasim-sc) has them appended to a copy of it, so that one parse and one
 * --help cover both. Invariant: nothing is loaded or simulated before the
 * whole command line has been parsed and the output directories checked,
 * and a failed run leaves no directory it created behind (cli_run_end).
 */
#include "cli.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "err.h"
#include "lib/afile.h"
#include "lib/num.h"
#include "report.h"
#include "timeline.h"
#include "trace.h"

#define RUN_OPTS_MAX 32		/* run's options and a program's own */

int cli_input_error(const char *prog, const struct sim_err *err)
{
	return err_print(prog, err, SIM_EXIT_USAGE);
}

/* ---- options ---- */

enum {
	RUN_FORMAT = OPT_LONG,	/* long-only options of run */
	RUN_MODE,
	RUN_SEED,
	RUN_DUMP,
	RUN_TASK,
	RUN_NO_FF,
	RUN_CHECK,
	RUN_TIMELINE
};

/* -c, -t and -o stay short only: "--config" is answered "did you mean
 * '-c CONFIG'?" rather than accepted, so every example reads the same. */
static const struct opt_spec run_opts[] = {
	{ 'c', NULL, "CONFIG", "the accelerator's config (.ini; configs/)" },
	{ 't', NULL, "TRACE", "the workload (.trace or .trace.gz; traces/)" },
	{ 'o', NULL, "DIR", "also write report.json, .csv, .md, .html into DIR" },
	{ RUN_FORMAT, "format", "FMT", "report on stdout: txt (default), csv, "
	  "json, md or html" },
	{ RUN_MODE, "mode", "MODE", "timing (default), or functional: real "
	  "data, checked" },
	{ RUN_SEED, "seed", "S", "seed of the functional operands (default 1)" },
	{ RUN_DUMP, "dump", "DIR", "functional: every op's tensors as .npy "
	  "into DIR" },
	{ RUN_TASK, "task", "T", "MoE: the task (router) of every MoE layer, "
	  "0..63" },
	{ RUN_NO_FF, "no-fast-forward", NULL, "step every cycle (no skipping "
	  "of idle stretches)" },
	{ RUN_CHECK, "check", NULL, "check every unit's invariants every cycle" },
	{ RUN_TIMELINE, "timeline", "FILE", "write what every unit did, cycle "
	  "by cycle, as trace-event JSON (Perfetto, chrome://tracing)" },
	OPT_END
};

static const struct opt_cmd run_cmd = {
	"stasim", "run", "-c CONFIG -t TRACE [options]",
	"Simulate TRACE on the accelerator CONFIG, cycle by cycle, and print "
	"its latency\nand energy report (docs/report.md). Exit status: 0 "
	"success, 1 failed check,\n2 bad usage or input. Example:\n"
	"  stasim run -c configs/sta-default.ini -t traces/deit-tiny-2of4."
	"trace.gz",
	run_opts
};

/* The parse in progress. */
struct run_parse {
	struct cli_run_args *a;		/* filled */
	const struct opt_cmd *cmd;	/* for messages */
	const struct cli_extra *extra;	/* a program's own options, or NULL */
};

static int set_format(struct run_parse *p, const char *v)
{
	if (report_parse_format(v, &p->a->format))
		return opt_error(p->cmd, "--format: '%s' is not txt, csv, json, "
				 "md or html", v);
	return 0;
}

static int set_mode(struct run_parse *p, const char *v)
{
	if (strcmp(v, "timing") && strcmp(v, "functional"))
		return opt_error(p->cmd, "--mode: '%s' is not timing or "
				 "functional", v);
	p->a->o.functional = !strcmp(v, "functional");
	return 0;
}

static int set_seed(struct run_parse *p, const char *v)
{
	if (num_u64(v, &p->a->o.seed))
		return opt_error(p->cmd, "--seed: '%s' is not an unsigned "
				 "64-bit integer", v);
	return 0;
}

static int set_task(struct run_parse *p, const char *v)
{
	uint64_t x;

	if (num_u64(v, &x) || x > 63)
		return opt_error(p->cmd, "--task: '%s' is not an integer in "
				 "0..63", v);
	p->a->o.task = (uint32_t)x;
	p->a->o.task_set = 1;
	return 0;
}

/* opt_fn for run's options; a program's own go to its function. */
static int run_key(void *ctx, int key, const char *v)
{
	struct run_parse *p = ctx;
	struct cli_run_args *a = p->a;

	switch (key) {
	case 0:
		return opt_error(p->cmd, "unexpected operand '%s'", v);
	case 'c':
		a->config = v;
		return 0;
	case 't':
		a->trace = v;
		return 0;
	case 'o':
		a->outdir = v;
		return 0;
	case RUN_DUMP:
		a->dump = v;
		return 0;
	case RUN_FORMAT:
		return set_format(p, v);
	case RUN_MODE:
		return set_mode(p, v);
	case RUN_SEED:
		return set_seed(p, v);
	case RUN_TASK:
		return set_task(p, v);
	case RUN_NO_FF:
		a->o.fast_forward = 0;
		return 0;
	case RUN_CHECK:
		a->o.check = 1;
		return 0;
	case RUN_TIMELINE:
		a->timeline = v;
		return 0;
	default:
		return p->extra->fn(p->extra->ctx, key, v);
	}
}

/* all = run's options, then extra's; -1 if they do not fit. */
static int merge(const struct opt_spec *extra, struct opt_spec *all,
		 size_t max)
{
	const struct opt_spec *o;
	size_t n = 0;

	for (o = run_opts; o->key; o++)
		all[n++] = *o;
	for (o = extra; o->key; o++) {
		if (n + 1 >= max)
			return -1;
		all[n++] = *o;
	}
	all[n] = (struct opt_spec)OPT_END;
	return 0;
}

/* What a complete command line needs, once every option is seen. */
static int run_complete(const struct opt_cmd *cmd,
			const struct cli_run_args *a)
{
	if (!a->config || !a->trace)
		return opt_error(cmd, "needs %s%s%s", a->config ? "" :
				 "-c CONFIG", a->config || a->trace ? "" :
				 " and ", a->trace ? "" : "-t TRACE");
	if (a->dump && !a->o.functional)
		return opt_error(cmd, "%s", "--dump needs --mode functional");
	return 0;
}

int cli_run_parse(struct cli_run_args *a, int argc, char **argv,
		  const struct cli_extra *extra)
{
	struct opt_spec all[RUN_OPTS_MAX];
	struct opt_cmd cmd = run_cmd;
	struct run_parse p = { a, &cmd, extra };
	int rc;

	*a = (struct cli_run_args){ .prog = run_cmd.prog, .format = REPORT_TXT,
				    .o = { .seed = 1, .fast_forward = 1 } };
	if (extra) {
		cmd = *extra->cmd;
		cmd.opts = all;
		a->prog = cmd.prog;
		if (merge(extra->cmd->opts, all, RUN_OPTS_MAX))
			return opt_error(&cmd, "%s", "internal: too many options");
	}
	rc = opt_parse(&cmd, argc, argv, run_key, &p);
	return rc ? rc : run_complete(&cmd, a);
}

/* ---- output directories ---- */

/* dir made if missing (*made = 1), then it must be a writable directory. */
static int prepare_dir(const char *prog, const char *dir, const char *opt,
		       int *made)
{
	struct sim_err err;
	struct stat st;

	*made = mkdir(dir, 0777) == 0;
	if (!*made && errno != EEXIST)
		err_set(&err, dir, 0, opt, "cannot create the directory: %s",
			strerror(errno));
	else if (stat(dir, &st) != 0)
		err_set(&err, dir, 0, opt, "%s", strerror(errno));
	else if (!S_ISDIR(st.st_mode))
		err_set(&err, dir, 0, opt, "exists and is not a directory");
	else if (access(dir, W_OK | X_OK) != 0)
		err_set(&err, dir, 0, opt, "cannot write into the directory: %s",
			strerror(errno));
	else
		return 0;
	return cli_input_error(prog, &err);
}

/* A file to be written after the run: not a directory, and its directory
 * writable, so that a bad path fails before the simulation. */
static int check_out_file(const char *prog, const char *path, const char *opt)
{
	struct sim_err err;
	struct stat st;
	char dir[1024];
	const char *slash = strrchr(path, '/');

	snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) : 1,
		 slash ? (slash == path ? "/" : path) : ".");
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		err_set(&err, path, 0, opt, "is a directory");
	else if (access(dir, W_OK | X_OK) != 0)
		err_set(&err, path, 0, opt, "cannot write into %s: %s", dir,
			strerror(errno));
	else
		return 0;
	return cli_input_error(prog, &err);
}

int cli_run_dirs(struct cli_run_args *a)
{
	int rc = 0;

	if (a->outdir)
		rc = prepare_dir(a->prog, a->outdir, "-o", &a->made_outdir);
	if (!rc && a->dump)
		rc = prepare_dir(a->prog, a->dump, "--dump", &a->made_dump);
	if (!rc && a->timeline)
		rc = check_out_file(a->prog, a->timeline, "--timeline");
	return rc;
}

/* rmdir fails on a directory that is not empty: a failed run's partial
 * --dump tensors stay, for a look at what went wrong. */
int cli_run_end(const struct cli_run_args *a, int rc)
{
	if (rc && a->made_dump)
		rmdir(a->dump);
	if (rc && a->made_outdir)
		rmdir(a->outdir);
	return rc;
}

/* ---- simulation and report ---- */

/* The report on stdout; a write that fails (disk full, closed pipe) is a
 * failed run, said in one line. */
static int report_stdout(const struct cli_run_args *a, const struct report *rep)
{
	int e;

	errno = 0;
	report_write(rep, a->format, stdout);
	if (fflush(stdout) == 0 && !ferror(stdout))
		return SIM_EXIT_OK;
	e = errno ? errno : EIO;
	fprintf(stderr, "%s: cannot write the report to standard output: %s\n",
		a->prog, strerror(e));
	return SIM_EXIT_FAIL;
}

static int finish_run(const struct cli_run_args *a, const struct config *cfg,
		      const struct trace *t, const struct run_result *r,
		      const struct area_report *area)
{
	struct report rep = { cfg, t, r, a->o.functional, a->o.seed, area };
	struct sim_err err;

	if (r->failed) {
		fprintf(stderr, "%s: %s%s\n", a->prog, r->oom ? "" :
			"check failed: ", r->fail_msg);
		return SIM_EXIT_FAIL;
	}
	if (a->outdir && report_write_dir(&rep, a->outdir, &err))
		return cli_input_error(a->prog, &err);
	return report_stdout(a, &rep);
}

/* Names of the timeline's segments: the trace op of an execution entry. */
struct names {
	const struct trace *t;
	const struct run_result *r;
};

static const char *entry_name(const void *ctx, uint32_t x)
{
	const struct names *n = ctx;

	return x < n->r->n_exec ? n->t->ops[n->r->plans[x].trace_op].name : "";
}

/* --timeline FILE, written whole or not at all. */
static int write_timeline(const struct cli_run_args *a,
			  const struct config *cfg, const struct trace *t,
			  const struct run_result *r, struct timeline *tl)
{
	struct names n = { t, r };
	struct afile f;
	struct sim_err err;
	char title[600];
	size_t from, to;

	snprintf(title, sizeof title, "%s on %s", t->path, cfg->name);
	if (afile_open(&f, a->timeline, "--timeline", &err))
		return cli_input_error(a->prog, &err);
	if (tl_write(tl, f.f, cfg->clock_mhz, title, entry_name, &n, &from,
		     &to)) {
		afile_abort(&f);
		fprintf(stderr, "%s: %s: --timeline: cannot write: %s\n",
			a->prog, a->timeline, strerror(errno));
		return SIM_EXIT_FAIL;
	}
	if (afile_commit(&f, "--timeline", &err))
		return cli_input_error(a->prog, &err);
	if (to)
		fprintf(stderr, "%s: --timeline: %zu segments, more than %zu: "
			"adjacent short ones merged into %zu (each event's "
			"args.merged counts them)\n", a->prog, from,
			tl->max_events, to);
	return SIM_EXIT_OK;
}

int cli_run_sim(struct cli_run_args *a, const struct config *cfg,
		const struct run_clock *clock)
{
	struct trace t = { 0 };
	struct run_result r;
	struct timeline tl;
	struct sim_err err;
	struct area_report area;
	struct area_ctx ac;
	int rc;

	/* the area first: a component to synthesize, or one that cannot be,
	 * is known before the run (docs/energy.md) */
	area_ctx_init(&ac, 1);
	if (area_config(a->o.units ? a->o.units : unit_registry_default(), cfg,
			&ac, &area, &err))
		return cli_input_error(a->prog, &err);
	if (trace_read(a->trace, &t, &err))
		return cli_input_error(a->prog, &err);
	a->o.dump_dir = a->dump;
	a->o.clock = clock;
	tl_init(&tl);
	a->o.timeline = a->timeline ? &tl : NULL;
	if (run_sim(cfg, &t, &a->o, &r, &err))
		rc = cli_input_error(a->prog, &err);
	else
		rc = finish_run(a, cfg, &t, &r, &area);
	if (rc == SIM_EXIT_OK && a->timeline)
		rc = write_timeline(a, cfg, &t, &r, &tl);
	tl_free(&tl);
	run_free(&r);
	trace_free(&t);
	return rc;
}

/* The config loaded, then the run on the native kernel. */
static int load_and_sim(struct cli_run_args *a)
{
	struct config *cfg = malloc(sizeof *cfg);	/* large: not on the stack */
	struct sim_err err;
	int rc;

	if (!cfg) {
		fprintf(stderr, "%s: out of memory\n", a->prog);
		return SIM_EXIT_FAIL;
	}
	if (config_load(a->config, cfg, &err))
		rc = cli_input_error(a->prog, &err);
	else
		rc = cli_run_sim(a, cfg, NULL);
	free(cfg);
	return rc;
}

int cli_run(int argc, char **argv)
{
	struct cli_run_args a;
	int rc = cli_run_parse(&a, argc, argv, NULL);

	if (rc)
		return rc == OPT_HELP ? SIM_EXIT_OK : rc;
	rc = cli_run_dirs(&a);
	if (!rc)
		rc = load_and_sim(&a);
	return cli_run_end(&a, rc);
}

int cli_close_stdout(const char *prog, int rc)
{
	int bad, e;

	errno = 0;
	bad = fflush(stdout) != 0 || ferror(stdout);
	e = errno;
	if (fclose(stdout) != 0 && !bad)
		bad = 1, e = errno;
	if (!bad || rc)
		return rc;
	fprintf(stderr, "%s: cannot write to standard output: %s\n", prog,
		strerror(e ? e : EIO));
	return SIM_EXIT_FAIL;
}
