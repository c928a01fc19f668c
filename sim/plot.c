/*
 * plot.c - stasim plot: a sweep's design space with its Pareto front, or
 * one run's latency and energy per op from its report.json (analysis.h,
 * docs/analysis.md), drawn by gnuplot (gnuplot.h).
 *
 * Invariant: inputs are read and checked before gnuplot is looked for, so
 * bad input is reported alike with or without gnuplot; figures appear
 * whole or not at all.
 */
#include "analysis.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "lib/buf.h"
#include "gnuplot.h"
#include "lib/json.h"
#include "pareto.h"
#include "results.h"

#define OPS_PER_OP_MAX 40	/* above this many ops, plot per op kind */
#define FRONT_LABELS_MAX 15	/* label front points with their id up to this */

struct axis {
	const char *label;	/* with its unit */
	double scale;		/* column value x scale = plotted value */
};

static struct axis axis_of(const char *col)
{
	static const struct {
		const char *col;
		struct axis a;
	} known[] = {
		{ "latency_us", { "latency (ms)", 1e-3 } },
		{ "energy_pj", { "energy (mJ)", 1e-9 } },
		{ "edp_pj_us", { "energy-delay product (mJ\xc2\xb7ms)", 1e-12 } },
		{ "cycles", { "cycles", 1 } },
		{ "macs", { "MACs performed", 1 } },
		{ "dense_macs", { "dense-equivalent MACs", 1 } },
		{ "utilization", { "utilization (MACs / peak)", 1 } },
		{ "dram_bytes", { "DRAM traffic (MiB)", 1.0 / 1048576 } },
	};
	struct axis a = { col, 1 };
	size_t i;

	for (i = 0; i < sizeof known / sizeof known[0]; i++)
		if (!strcmp(col, known[i].col))
			return known[i].a;
	return a;
}

/* Logarithmic when every value is positive and they span 100x or more. */
static void gp_scale(FILE *f, const char *ax, double lo, double hi)
{
	if (lo > 0 && hi / lo >= 100)
		fprintf(f, "set logscale %s\n", ax);
}

/* The figure of a loaded results CSV (columns xs, ys and f resolved, an
 * ok row passing f known to exist). */
static int plot_csv(const struct results *c, const struct filt *flt,
		    const char *dir, const char *xs, const char *ys,
		    const char *gp)
{
	char among[400];
	struct gp_work wk = { .dir = "" };
	struct sim_err err;
	struct pareto_pt *front = NULL;
	struct axis ax = axis_of(xs), ay = axis_of(ys);
	const char *file = c->path, *pts, *frs, *body, *bn;
	double lo[2] = { INFINITY, INFINITY }, hi[2] = { -INFINITY, -INFINITY };
	size_t i, j, nf, n_sel, n_ok;
	long xc, yc, pc;
	char base[256], title[800];
	FILE *f = NULL, *g = NULL;
	int rc = SIM_EXIT_USAGE;

	xc = results_col(c, xs);
	yc = results_col(c, ys);
	pc = results_col(c, "point");
	front = buf_grow(NULL, (c->nrows + 1) * sizeof *front);
	nf = pareto_front(c, xc, yc, flt, front, &n_sel, &n_ok);
	if (gp_make_dirs(dir, &err) || gp_work_open(&wk, &err))
		goto fail;
	pts = gp_work_file(&wk, "points.dat");
	frs = gp_work_file(&wk, "front.dat");
	body = gp_work_file(&wk, "body.gp");
	if (!(f = gp_create(pts, &err)) || !(g = gp_create(frs, &err)))
		goto fail;
	for (i = 0; i < c->nrows; i++) {
		double x, y;

		if (!results_row_ok(c, &c->rows[i]) || !filt_match(flt, &c->rows[i]))
			continue;
		x = results_num(&c->rows[i], xc) * ax.scale;
		y = results_num(&c->rows[i], yc) * ay.scale;
		fprintf(f, "%.17g %.17g\n", x, y);
		lo[0] = fmin(lo[0], x);
		hi[0] = fmax(hi[0], x);
		lo[1] = fmin(lo[1], y);
		hi[1] = fmax(hi[1], y);
	}
	/* one line per distinct point; identical points share a label */
	for (i = 0; i < nf; i = j) {
		size_t n = 0;

		for (j = i; j < nf && front[j].x == front[i].x &&
		     front[j].y == front[i].y; j++)
			if (n < sizeof base)
				n += (size_t)snprintf(base + n, sizeof base - n,
						      "%s%s", j > i ? "," : "",
						      pc >= 0 ? c->rows[front[j]
						      .row].f[pc] : "");
		fprintf(g, "%.17g %.17g ", front[i].x * ax.scale,
			front[i].y * ay.scale);
		gp_label(g, base);
		fputc('\n', g);
	}
	if (gp_close(&f, pts, &err) | gp_close(&g, pts, &err) ||
	    !(f = gp_create(body, &err)))
		goto fail;
	bn = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
	fputs("reset\nset encoding utf8\nset title ", f);
	filt_text(flt, ", rows with ", among, sizeof among);
	snprintf(title, sizeof title, "%s%s: %zu ok points, %zu on the Pareto "
		 "front (minimizing %s and %s)", bn, among, n_ok, nf, xs, ys);
	gp_str(f, title);
	fputs("\nset xlabel ", f);
	gp_str(f, ax.label);
	fputs("\nset ylabel ", f);
	gp_str(f, ay.label);
	fputs("\nset grid\nset key outside below center horizontal\n"
	      "set offsets graph 0.04, graph 0.04, graph 0.04, graph 0.04\n", f);
	gp_scale(f, "x", lo[0], hi[0]);
	gp_scale(f, "y", lo[1], hi[1]);
	fputs("plot ", f);
	gp_str(f, pts);
	fprintf(f, " using 1:2 with points pt 6 ps 1.2 lc rgb '#7f7f7f' "
		"title 'ok points (%zu)', \\\n     ", n_ok);
	gp_str(f, frs);
	fprintf(f, " using 1:2 with linespoints lw 2 pt 7 ps 1.6 "
		"lc rgb '#c0392b' title 'Pareto front (%zu)'", nf);
	if (pc >= 0 && nf <= FRONT_LABELS_MAX) {
		fputs(", \\\n     ", f);
		gp_str(f, frs);
		fputs(" using 1:2:3 with labels offset char 1.2,0.8 "
		      "font ',8' notitle", f);
	}
	fputc('\n', f);
	if (gp_close(&f, body, &err))
		goto fail;
	if (!strcmp(xs, "latency_us") && !strcmp(ys, "energy_pj"))
		snprintf(base, sizeof base, "latency_energy");
	else
		for (snprintf(base, sizeof base, "%s_%s", xs, ys), i = 0;
		     base[i]; i++)
			if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP"
				    "QRSTUVWXYZ0123456789_-.", base[i]))
				base[i] = '_';
	rc = gp_render(&wk, gp, dir, base, 1000, 700, body);
	goto done;
fail:
	rc = err_print("stasim", &err, SIM_EXIT_USAGE);
done:
	if (f)
		fclose(f);
	if (g)
		fclose(g);
	gp_work_close(&wk);
	free(front);
	return rc;
}

struct bar {
	const char *name;	/* op name, or kind when grouped */
	double us;		/* op latency: cycles / clock, summed per kind */
	double uj;		/* energy, summed per kind */
	size_t n;		/* ops in the bar */
};

/* What the per-op figure shows, read from a report. */
struct ops_fig {
	struct bar *bars;	/* one per op, in trace order */
	size_t n;		/* ops */
	double tot_us;		/* total.time_us */
	double tot_uj;		/* total.energy_pj / 1e6 */
};

/* Read the fields the figure needs into o. 0, or -1 with err. */
static int report_bars(const char *path, const struct json_val *root,
		       struct ops_fig *o, struct sim_err *err)
{
	struct bar **bars = &o->bars;
	const struct json_val *arch, *total, *ops, *v, *op;
	const struct json_val *name, *kind, *cyc, *en;
	char field[96];
	double mhz;
	size_t i;

	if (root->t != JSON_OBJ)
		return err_set(err, path, root->line, "", "not a report: the "
			       "file is not a JSON object");
	if (!(arch = json_need(path, root, "arch", JSON_OBJ, "arch", err)) ||
	    !(v = json_need(path, arch, "clock_mhz", JSON_NUM, "arch.clock_mhz", err)))
		return -1;
	if ((mhz = v->num) <= 0)
		return err_set(err, path, v->line, "arch.clock_mhz", "%g is not "
			       "a positive clock", mhz);
	if (!(total = json_need(path, root, "total", JSON_OBJ, "total", err)) ||
	    !(v = json_need(path, total, "time_us", JSON_NUM, "total.time_us", err)))
		return -1;
	o->tot_us = v->num;
	if (!(v = json_need(path, total, "energy_pj", JSON_NUM, "total.energy_pj", err)))
		return -1;
	o->tot_uj = v->num / 1e6;
	if (!(ops = json_need(path, root, "ops", JSON_ARR, "ops", err)))
		return -1;
	if (!ops->n)
		return err_set(err, path, ops->line, "ops", "empty: nothing to "
			       "plot");
	*bars = buf_grow(NULL, ops->n * sizeof **bars);
	for (i = 0; i < ops->n; i++) {
		op = &ops->kid[i];
		snprintf(field, sizeof field, "ops[%zu]", i);
		if (op->t != JSON_OBJ) {
			err_set(err, path, op->line, field, "is not an object");
			goto fail;
		}
#define NEED(var, key, type) \
		snprintf(field, sizeof field, "ops[%zu].%s", i, key); \
		if (!(var = json_need(path, op, key, type, field, err))) \
			goto fail
		NEED(name, "name", JSON_STR);
		NEED(kind, "kind", JSON_STR);
		NEED(cyc, "cycles", JSON_NUM);
		NEED(en, "energy_pj", JSON_NUM);
#undef NEED
		if (cyc->num < 0 || en->num < 0) {
			err_set(err, path, cyc->num < 0 ? cyc->line : en->line,
				field, "negative");
			goto fail;
		}
		(*bars)[i].name = ops->n > OPS_PER_OP_MAX ? kind->str : name->str;
		(*bars)[i].us = cyc->num / mhz;
		(*bars)[i].uj = en->num / 1e6;
		(*bars)[i].n = 1;
	}
	o->n = ops->n;
	return 0;
fail:
	free(*bars);
	*bars = NULL;
	return -1;
}

/* Sum bars of equal name into the first, in first-seen order. */
static size_t group_bars(struct bar *b, size_t n)
{
	size_t i, j, m = 0;

	for (i = 0; i < n; i++) {
		for (j = 0; j < m && strcmp(b[j].name, b[i].name); j++)
			;
		if (j < m) {
			b[j].us += b[i].us;
			b[j].uj += b[i].uj;
			b[j].n++;
		} else {
			b[m++] = b[i];
		}
	}
	return m;
}

/* The figure of a loaded report (root; file names it in messages). */
static int plot_report(const char *file, const struct json_val *root,
		       struct ops_fig *of, const char *dir, const char *gp)
{
	struct gp_work wk = { .dir = "" };
	struct sim_err err;
	struct bar *bars = of->bars;
	const struct json_val *run, *arch, *v;
	const char *dat, *body;
	double tot_us = of->tot_us, tot_uj = of->tot_uj;
	size_t n = of->n, nb, i;
	char title[600];
	FILE *f = NULL;
	int rc, grouped, w;

	grouped = n > OPS_PER_OP_MAX;
	nb = grouped ? group_bars(bars, n) : n;
	if (gp_make_dirs(dir, &err) || gp_work_open(&wk, &err))
		goto fail;
	dat = gp_work_file(&wk, "ops.dat");
	body = gp_work_file(&wk, "body.gp");
	if (!(f = gp_create(dat, &err)))
		goto fail;
	for (i = 0; i < nb; i++) {
		snprintf(title, sizeof title, grouped ? "%s (%zu)" : "%s",
			 bars[i].name, bars[i].n);
		gp_label(f, title);
		fprintf(f, " %.17g %.17g\n", bars[i].us, bars[i].uj);
	}
	if (gp_close(&f, dat, &err) || !(f = gp_create(body, &err)))
		goto fail;
	run = json_get(root, "run");
	arch = json_get(root, "arch");
	v = json_get(run, "trace");
	i = (size_t)snprintf(title, sizeof title, "%s", v && v->t == JSON_STR ?
			     v->str : file);
	v = json_get(arch, "name");
	if (v && v->t == JSON_STR && i < sizeof title)
		i += (size_t)snprintf(title + i, sizeof title - i, " on %s",
				      v->str);
	if (i < sizeof title)
		snprintf(title + i, sizeof title - i, ": %.6g \xc2\xb5s, %.6g "
			 "\xc2\xb5J in total; %zu ops%s", tot_us, tot_uj, n,
			 grouped ? ", summed per op kind" : "");
	fputs("reset\nset encoding utf8\nset multiplot layout 2,1 title ", f);
	gp_str(f, title);
	fputs("\nset style data histograms\n"
	      "set style histogram clustered gap 1\n"
	      "set style fill solid 0.85 border -1\n"
	      "set grid ytics\nunset key\nset lmargin 12\nset yrange [0:*]\n", f);
	fprintf(f, "set xtics rotate by -45 scale 0 font ',%d'\n",
		nb > 24 ? 7 : 9);
	fputs("set ylabel ", f);
	gp_str(f, grouped ? "latency (\xc2\xb5s, sum of op spans)" :
	       "op latency (\xc2\xb5s, start to end)");
	fputs("\nplot ", f);
	gp_str(f, dat);
	fputs(" using 2:xtic(1) lc rgb '#2e86c1'\nset ylabel ", f);
	gp_str(f, grouped ? "energy (\xc2\xb5J, sum)" : "energy (\xc2\xb5J)");
	fputs("\nplot ", f);
	gp_str(f, dat);
	fputs(" using 3:xtic(1) lc rgb '#c0392b'\nunset multiplot\n", f);
	if (gp_close(&f, body, &err))
		goto fail;
	w = 300 + 28 * (int)nb;
	rc = gp_render(&wk, gp, dir, "ops", w < 900 ? 900 : w > 2400 ? 2400 : w,
			900, body);
	gp_work_close(&wk);
	return rc;
fail:
	if (f)
		fclose(f);
	gp_work_close(&wk);
	return err_print("stasim", &err, SIM_EXIT_USAGE);
}

/* The filters exist and leave at least one ok row. 0, or -1 with err. */
static int plot_csv_check(const struct results *c, struct filt *f,
			  struct sim_err *err)
{
	size_t i;

	if (filt_resolve(f, c, err) || (f->n && filt_check(f, c, err)))
		return -1;
	for (i = 0; i < c->nrows; i++)
		if (filt_match(f, &c->rows[i]) && results_row_ok(c, &c->rows[i]))
			return 0;
	return err_set(err, c->path, 0, "status", "no row%s has status ok: "
		       "nothing to plot", f->n ? " passing --where" : "");
}

static const struct opt_spec plot_opts[] = {
	{ AN_X, "x", "COL", "column along x (default latency_us)" },
	{ AN_Y, "y", "COL", "column along y (default energy_pj)" },
	AN_WHERE_SPEC,
	{ AN_REPORT, "report", "REPORT.json", "plot one run's ops instead of a "
	  "results file" },
	{ 'o', "output", "DIR", "directory for the PNG and SVG (created)" },
	OPT_END,
};

static const struct opt_cmd plot_cmdline = {
	"stasim", "plot", "RESULTS.csv -o DIR [--x COL] [--y COL] "
	"[--where KEY=VALUE]...\n"
	"   or: stasim plot --report REPORT.json -o DIR",
	"PNG and SVG figures drawn by gnuplot: a sweep's design space with its\n"
	"Pareto front, or one run's latency and energy per op "
	"(docs/analysis.md).",
	plot_opts,
};

struct plot_args {
	struct an_axes ax;	/* a results file, --x, --y, --where */
	const char *rep, *dir;	/* --report, -o: as given */
};

static int plot_opt(void *ctx, int key, const char *v)
{
	struct plot_args *a = ctx;

	switch (key) {
	case AN_REPORT:
		a->rep = v;
		return 0;
	case 'o':
		a->dir = v;
		return 0;
	default:
		return an_axes_opt(&plot_cmdline, &a->ax, key, v);
	}
}

/* Options into a, axes defaulted; 0, OPT_HELP, or a usage line and 2. */
static int plot_parse(int argc, char **argv, struct plot_args *a)
{
	const struct opt_cmd *cmd = &plot_cmdline;
	const struct an_axes *ax = &a->ax;
	int rc = opt_parse(cmd, argc, argv, plot_opt, a);

	if (rc)
		return rc;
	if (!a->dir || !(ax->file || a->rep))
		return opt_error(cmd, "needs RESULTS.csv (a results file of "
				 "'stasim sweep') or --report REPORT.json, "
				 "and -o DIR");
	if (ax->file && a->rep)
		return opt_error(cmd, "a results CSV or --report REPORT.json, "
				 "not both");
	if (a->rep && (ax->xs || ax->ys || ax->f.n))
		return opt_error(cmd, "--x, --y and --where are for a results "
				 "CSV, not --report");
	return an_axes_default(cmd, &a->ax);
}

int plot_cmd(int argc, char **argv)
{
	struct plot_args a = { .rep = NULL };
	struct an_axes *ax = &a.ax;
	struct ops_fig of = { .bars = NULL };
	char gp[1024];
	struct sim_err err;
	struct json_val root;
	struct results c;
	int rc;

	if ((rc = plot_parse(argc, argv, &a)))
		return rc == OPT_HELP ? SIM_EXIT_OK : rc;
	/* bad input first, so it is reported with or without gnuplot */
	if (ax->file ? an_axes_load(ax, &c, &err) :
	    json_load(a.rep, &root, &err))
		return err_print("stasim", &err, SIM_EXIT_USAGE);
	rc = ax->file ? plot_csv_check(&c, &ax->f, &err) :
		report_bars(a.rep, &root, &of, &err);
	if (rc)
		rc = err_print("stasim", &err, SIM_EXIT_USAGE);
	else if (gp_find(gp, sizeof gp)) {
		fputs("stasim: plot: gnuplot not found on PATH: install "
		      "gnuplot-nox ('make deps' or 'apt-get install "
		      "gnuplot-nox')\n", stderr);
		rc = SIM_EXIT_USAGE;
	} else
		rc = ax->file ? plot_csv(&c, &ax->f, a.dir, ax->xs, ax->ys, gp) :
			plot_report(a.rep, &root, &of, a.dir, gp);
	if (ax->file)
		results_free(&c);
	else
		json_free(&root);
	free(of.bars);
	return rc;
}
