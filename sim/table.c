/*
 * table.c - stasim table: a paper-style table of latency (ms) and energy
 * (mJ), one cell per pair of --rows and --cols values, in Markdown or
 * LaTeX (analysis.h, docs/analysis.md).
 *
 * Invariant: each cell stands for exactly one row of the (filtered)
 * results; two rows for one cell is an error naming the keys that vary.
 */
#include "analysis.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "lib/buf.h"
#include "results.h"

enum { MET_LAT = 1, MET_EN = 2 };	/* --metric bits */
enum { SUB_LAT, SUB_EN, SUB_SPEEDUP };	/* sub-columns of a column value */

struct tab {
	const struct results *c;	/* the rows */
	const char *rkey, *ckey;	/* --rows, --cols */
	long rcol, ccol;	/* their column indexes */
	long lat, en;		/* latency_us, energy_pj columns, or -1 */
	const char **rv, **cv;	/* distinct values, first-seen order */
	size_t nr, nc;		/* how many */
	size_t *cell;		/* nr x nc: row index + 1, 0 = no row */
	long base;		/* baseline index in cv, or -1 */
	int sub[3], nsub;	/* sub-columns per column value */
	int dec[2];		/* decimals of ms and mJ */
	int latex;		/* 1: LaTeX, 0: Markdown */
	const struct filt *f;	/* --where filters */
};

static size_t distinct(const char ***v, size_t *n, const char *s)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (!strcmp((*v)[i], s))
			return i;
	*v = buf_grow(*v, (*n + 1) * sizeof **v);
	(*v)[*n] = s;
	return (*n)++;
}

static int non_key(const char *name)
{
	size_t i;

	if (!strcmp(name, "point") || !strcmp(name, "status") ||
	    !strcmp(name, "error"))
		return 1;
	for (i = 0; results_numeric[i]; i++)
		if (!strcmp(name, results_numeric[i]))
			return 1;
	return 0;
}

/* Is column j a swept key other than --rows and --cols? */
static int other_key(const struct tab *t, size_t j)
{
	return (long)j != t->rcol && (long)j != t->ccol &&
		!non_key(t->c->head.f[j]);
}

/* Keys other than skip that take several values among the selected rows. */
static void varying(const struct tab *t, size_t skip, char *buf, size_t len)
{
	const struct results *c = t->c;
	const struct csv_row *first = NULL;
	size_t i, j, n = 0;

	buf[0] = 0;
	for (j = 0; j < c->head.n && n < len; j++) {
		if (j == skip || !other_key(t, j))
			continue;
		for (first = NULL, i = 0; i < c->nrows; i++) {
			const struct csv_row *r = &c->rows[i];

			if (!filt_match(t->f, r))
				continue;
			if (!first)
				first = r;
			else if (strcmp(first->f[j], r->f[j]))
				break;
		}
		if (i < c->nrows)
			n += (size_t)snprintf(buf + n, len - n, "%s%s",
					      n ? ", " : "; other keys that "
					      "vary: ", c->head.f[j]);
	}
}

/* Two rows in one cell: name the first swept key that tells them apart. */
static int ambiguous(const struct tab *t, const struct csv_row *a,
		     const struct csv_row *b, struct sim_err *err)
{
	const struct results *c = t->c;
	char more[200];
	size_t j;

	for (j = 0; j < c->head.n; j++) {
		if (!other_key(t, j) || !strcmp(a->f[j], b->f[j]))
			continue;
		varying(t, j, more, sizeof more);
		return err_set(err, c->path, b->line[0], c->head.f[j],
			       "this row and line %d both fill the cell %s=%s, "
			       "%s=%s but differ here ('%s' there, '%s' here): "
			       "pin it with --where %s=VALUE%s", a->line[0],
			       t->rkey, a->f[t->rcol], t->ckey, a->f[t->ccol],
			       a->f[j], b->f[j], c->head.f[j], more);
	}
	return err_set(err, c->path, b->line[0], "", "this row and line %d "
		       "are the same point (%s=%s, %s=%s, every key equal): "
		       "duplicate rows", a->line[0], t->rkey, a->f[t->rcol],
		       t->ckey, a->f[t->ccol]);
}

/* Decimals giving three significant digits to the smallest value, >= 3. */
static int decimals(double min)
{
	int d = 3;

	if (min > 0 && min < 1)
		d = 2 - (int)floor(log10(min));
	return d < 3 ? 3 : d > 9 ? 9 : d;
}

static int tab_build(struct tab *t, const char *base, struct sim_err *err)
{
	const struct results *c = t->c;
	double lo[2] = { INFINITY, INFINITY };
	size_t i, r, k;

	for (i = 0; i < c->nrows; i++)
		if (filt_match(t->f, &c->rows[i])) {
			distinct(&t->rv, &t->nr, c->rows[i].f[t->rcol]);
			distinct(&t->cv, &t->nc, c->rows[i].f[t->ccol]);
		}
	if (!t->nr)
		return filt_check(t->f, c, err);
	t->cell = buf_grow(NULL, t->nr * t->nc * sizeof *t->cell);
	memset(t->cell, 0, t->nr * t->nc * sizeof *t->cell);
	for (i = 0; i < c->nrows; i++) {
		const struct csv_row *row = &c->rows[i];

		if (!filt_match(t->f, row))
			continue;
		r = distinct(&t->rv, &t->nr, row->f[t->rcol]);
		k = r * t->nc + distinct(&t->cv, &t->nc, row->f[t->ccol]);
		if (t->cell[k])
			return ambiguous(t, &c->rows[t->cell[k] - 1], row, err);
		t->cell[k] = i + 1;
		if (results_row_ok(c, row) && t->lat >= 0 && results_num(row, t->lat) > 0)
			lo[0] = fmin(lo[0], results_num(row, t->lat) / 1e3);
		if (results_row_ok(c, row) && t->en >= 0 && results_num(row, t->en) > 0)
			lo[1] = fmin(lo[1], results_num(row, t->en) / 1e9);
	}
	t->dec[0] = decimals(lo[0]);
	t->dec[1] = decimals(lo[1]);
	t->base = -1;
	if (!base)
		return 0;
	for (i = 0; i < t->nc; i++)
		if (!strcmp(t->cv[i], base))
			t->base = (long)i;
	if (t->base < 0) {
		char list[300];
		size_t n = 0;

		list[0] = 0;
		for (i = 0; i < t->nc && n < sizeof list; i++)
			n += (size_t)snprintf(list + n, sizeof list - n, "%s%s",
					      i ? ", " : "", t->cv[i]);
		return err_set(err, c->path, 0, "--baseline", "no row has %s=%s "
			       "(the values are: %s)", t->ckey, base, list);
	}
	return 0;
}

/* The text of sub-column sub of cell (r, k). */
static void cell_text(const struct tab *t, size_t r, size_t k, int sub,
		      char *buf, size_t len)
{
	const char *dash = t->latex ? "--" : "\xe2\x80\x93";
	size_t ci = t->cell[r * t->nc + k], bi;
	const struct csv_row *row = ci ? &t->c->rows[ci - 1] : NULL;
	const struct csv_row *b;

	if (!row) {
		snprintf(buf, len, "%s", dash);
	} else if (sub != SUB_SPEEDUP && !results_row_ok(t->c, row)) {
		snprintf(buf, len, "%s", row->f[t->c->status]);
	} else if (sub == SUB_LAT) {
		snprintf(buf, len, "%.*f", t->dec[0], results_num(row, t->lat) / 1e3);
	} else if (sub == SUB_EN) {
		snprintf(buf, len, "%.*f", t->dec[1], results_num(row, t->en) / 1e9);
	} else {
		bi = t->cell[r * t->nc + (size_t)t->base];
		b = bi ? &t->c->rows[bi - 1] : NULL;
		if (!b || !results_row_ok(t->c, b) || !results_row_ok(t->c, row) ||
		    results_num(row, t->lat) <= 0)
			snprintf(buf, len, "%s", dash);
		else
			snprintf(buf, len, "%.2f%s", results_num(b, t->lat) /
				 results_num(row, t->lat), t->latex ? "$\\times$" :
				 "\xc3\x97");
	}
}

/* One line saying what the cells are, from which rows. */
static void caption(FILE *f, const struct tab *t, int metric, const char *base)
{
	char among[400];

	fputs(metric == (MET_LAT | MET_EN) ? "Latency (ms) and energy (mJ)" :
	      metric == MET_LAT ? "Latency (ms)" : "Energy (mJ)", f);
	fprintf(f, " by %s (rows) and %s (columns)", t->rkey, t->ckey);
	if (base)
		fprintf(f, "; speedup = latency at %s=%s / latency", t->ckey,
			base);
	filt_text(t->f, "; rows with ", among, sizeof among);
	fprintf(f, "%s.\n", among);
}

static const char *const sub_name[] = { "ms", "mJ", "speedup" };

static void table_md(FILE *f, const struct tab *t)
{
	char buf[128];
	size_t r, k;
	int s;

	fputs("| ", f);
	an_put_md(f, t->rkey);
	for (k = 0; k < t->nc; k++)
		for (s = 0; s < t->nsub; s++) {
			fputs(" | ", f);
			an_put_md(f, t->cv[k]);
			if (t->nsub > 1)
				fprintf(f, " %s", sub_name[t->sub[s]]);
		}
	fputs(" |\n|---", f);
	for (k = 0; k < t->nc * (size_t)t->nsub; k++)
		fputs("|---:", f);
	fputs("|\n", f);
	for (r = 0; r < t->nr; r++) {
		fputs("| ", f);
		an_put_md(f, t->rv[r]);
		for (k = 0; k < t->nc; k++)
			for (s = 0; s < t->nsub; s++) {
				cell_text(t, r, k, t->sub[s], buf, sizeof buf);
				fputs(" | ", f);
				an_put_md(f, buf);
			}
		fputs(" |\n", f);
	}
}

static void table_tex(FILE *f, const struct tab *t)
{
	char buf[128];
	size_t r, k, ns = (size_t)t->nsub;
	int s;

	fputs("\\begin{tabular}{l", f);
	for (k = 0; k < t->nc * ns; k++)
		fputc('r', f);
	fputs("}\n\\toprule\n", f);
	if (ns == 1) {
		fprintf(f, " & \\multicolumn{%zu}{c}{", t->nc);
		an_put_tex(f, t->ckey);
		fprintf(f, "} \\\\\n\\cmidrule(lr){2-%zu}\n", t->nc + 1);
	} else {
		for (k = 0; k < t->nc; k++) {
			fprintf(f, " & \\multicolumn{%zu}{c}{", ns);
			an_put_tex(f, t->cv[k]);
			fputc('}', f);
		}
		fputs(" \\\\\n", f);
		for (k = 0; k < t->nc; k++)
			fprintf(f, "%s\\cmidrule(lr){%zu-%zu}", k ? " " : "",
				2 + k * ns, 1 + (k + 1) * ns);
		fputc('\n', f);
	}
	an_put_tex(f, t->rkey);
	for (k = 0; k < t->nc; k++)
		for (s = 0; s < t->nsub; s++) {
			fputs(" & ", f);
			an_put_tex(f, ns == 1 ? t->cv[k] : sub_name[t->sub[s]]);
		}
	fputs(" \\\\\n\\midrule\n", f);
	for (r = 0; r < t->nr; r++) {
		an_put_tex(f, t->rv[r]);
		for (k = 0; k < t->nc; k++)
			for (s = 0; s < t->nsub; s++) {
				cell_text(t, r, k, t->sub[s], buf, sizeof buf);
				fputs(" & ", f);
				/* the cell text is ours: numbers, status words
				 * and $\times$, already LaTeX */
				fputs(buf, f);
			}
		fputs(" \\\\\n", f);
	}
	fputs("\\bottomrule\n\\end{tabular}\n", f);
}

struct table_args {
	const char *file, *rows, *cols, *base, *outp;	/* as given */
	int metric;		/* MET_ bits */
	int latex;		/* --format latex */
	struct filt f;		/* --where filters */
};

static const struct opt_spec table_opts[] = {
	{ AN_ROWS, "rows", "KEY", "one table row per value of column KEY" },
	{ AN_COLS, "cols", "KEY", "one column group per value of column KEY" },
	{ AN_BASELINE, "baseline", "VALUE", "add the speedup over the --cols "
	  "value VALUE" },
	{ AN_METRIC, "metric", "WHICH", "latency, energy or both (default)" },
	AN_WHERE_SPEC,
	{ AN_FORMAT, "format", "FMT", "md (default, Markdown) or latex" },
	AN_OUTPUT_SPEC,
	OPT_END,
};

static const struct opt_cmd table_cmdline = {
	"stasim", "table", "RESULTS.csv --rows KEY --cols KEY "
	"[--baseline VALUE]\n"
	"                    [--metric latency|energy|both] "
	"[--where KEY=VALUE]...\n"
	"                    [--format md|latex] [-o FILE]",
	"A paper-style table of a sweep's latency (ms) and energy (mJ), one\n"
	"cell per pair of --rows and --cols values (docs/analysis.md).",
	table_opts,
};

/* --metric and --format values, checked with the suggestion of an_pick(). */
static int table_enum(struct table_args *a, int key, const char *v)
{
	static const char *const mets[] = { "latency", "energy", "both", NULL };
	static const char *const fmts[] = { "md", "latex", NULL };
	static const int bits[] = { MET_LAT, MET_EN, MET_LAT | MET_EN };
	int i;

	if (key == AN_METRIC) {
		if ((i = an_pick(&table_cmdline, "--metric", v, mets)) < 0)
			return SIM_EXIT_USAGE;
		a->metric = bits[i];
	} else {
		if ((i = an_pick(&table_cmdline, "--format", v, fmts)) < 0)
			return SIM_EXIT_USAGE;
		a->latex = i == 1;
	}
	return 0;
}

static int table_opt(void *ctx, int key, const char *v)
{
	struct table_args *a = ctx;

	switch (key) {
	case 0:
		return an_operand(&table_cmdline, &a->file, v);
	case AN_ROWS:
		a->rows = v;
		return 0;
	case AN_COLS:
		a->cols = v;
		return 0;
	case AN_BASELINE:
		a->base = v;
		return 0;
	case AN_WHERE:
		return filt_add(&a->f, &table_cmdline, v);
	case AN_METRIC:
	case AN_FORMAT:
		return table_enum(a, key, v);
	default:
		a->outp = v;
		return 0;
	}
}

/* Options into a; 0, OPT_HELP, or a usage line and 2. */
static int table_parse(int argc, char **argv, struct table_args *a)
{
	const struct opt_cmd *cmd = &table_cmdline;
	int rc = opt_parse(cmd, argc, argv, table_opt, a);

	if (rc)
		return rc;
	if (!a->file)
		return opt_error(cmd, "needs RESULTS.csv, a results file of "
				 "'stasim sweep'");
	if (!a->rows || !a->cols)
		return opt_error(cmd, "needs --rows KEY and --cols KEY, the "
				 "columns whose values label the rows and the "
				 "columns");
	if (!strcmp(a->rows, a->cols))
		return opt_error(cmd, "--rows and --cols both name '%s'",
				 a->rows);
	return 0;
}

int table_cmd(int argc, char **argv)
{
	struct table_args a = { .metric = MET_LAT | MET_EN };
	struct tab t = { 0 };
	struct sim_err err;
	struct results c;
	struct an_out out;
	const char *nums[3];
	int n = 0, rc;

	if ((rc = table_parse(argc, argv, &a)))
		return rc == OPT_HELP ? SIM_EXIT_OK : rc;
	if ((a.metric & MET_LAT) || a.base)
		nums[n++] = "latency_us";
	if (a.metric & MET_EN)
		nums[n++] = "energy_pj";
	nums[n] = NULL;
	if (results_load(a.file, &c, nums, &err))
		return err_print("stasim", &err, SIM_EXIT_USAGE);
	t.c = &c;
	t.rkey = a.rows;
	t.ckey = a.cols;
	t.latex = a.latex;
	t.f = &a.f;
	t.lat = results_col(&c, "latency_us");
	t.en = results_col(&c, "energy_pj");
	rc = SIM_EXIT_USAGE;
	if ((t.rcol = results_need(&c, a.rows, &err)) < 0 ||
	    (t.ccol = results_need(&c, a.cols, &err)) < 0)
		goto out;
	if (filt_resolve(&a.f, &c, &err))
		goto out;
	if (a.metric & MET_LAT)
		t.sub[t.nsub++] = SUB_LAT;
	if (a.metric & MET_EN)
		t.sub[t.nsub++] = SUB_EN;
	if (a.base)
		t.sub[t.nsub++] = SUB_SPEEDUP;
	if (tab_build(&t, a.base, &err) || an_out_open(&out, a.outp, &err))
		goto out;
	if (a.latex)
		fputs("% ", out.f);
	caption(out.f, &t, a.metric, a.base);
	if (a.latex)
		table_tex(out.f, &t);
	else {
		fputc('\n', out.f);
		table_md(out.f, &t);
	}
	rc = an_out_close(&out);
	goto done;
out:
	rc = err_print("stasim", &err, SIM_EXIT_USAGE);
done:
	free(t.rv);
	free(t.cv);
	free(t.cell);
	results_free(&c);
	return rc;
}

