/*
 * table.c - stasim table: a paper-style table of latency, energy or any
 * measured column, one cell per pair of --rows and --cols values, with
 * the speedup and energy saving over a baseline, in Markdown, LaTeX
 * (booktabs, caption and label) or CSV (analysis.h, docs/analysis.md).
 * Heads and captions come from the label table (analysis.c).
 *
 * Invariants: each cell stands for exactly one row of the (filtered)
 * results, and two rows for one cell is an error naming the keys that
 * vary; rows and columns follow the spec (the point ids), whatever order
 * the rows were finished in; a cell's baseline is the one row with
 * KEY=VALUE whose every other key is equal, keys that only restate KEY
 * aside (a dense and a 2:4 trace restate nm; engine.cols of a square
 * sweep restates engine.rows).
 */
#include "analysis.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "lib/buf.h"
#include "results.h"

#define MET_MAX 8		/* --metric columns */
#define SUB_MAX (MET_MAX + 2)	/* sub-columns: metrics, speedup, saving */

enum { SUB_COL, SUB_SPEEDUP, SUB_SAVING };	/* what a sub-column shows */
enum { TF_MD, TF_LATEX, TF_CSV };		/* --format */

struct sub {
	int kind;		/* SUB_COL, SUB_SPEEDUP or SUB_SAVING */
	long col;		/* SUB_COL: the column shown */
	double scale;		/* SUB_COL: its label's scale */
	int count;		/* SUB_COL: no unit, may be shown whole */
	int dec;		/* decimals of the shown values */
	char head[128];		/* "latency (ms)", "speedup", ... */
};

struct tab {
	const struct results *c;	/* the rows */
	const char *rkey, *ckey;	/* --rows, --cols */
	long rcol, ccol;	/* their column indexes */
	long lat, en;		/* latency_us, energy_pj columns, or -1 */
	const char **rv, **cv;	/* distinct values, in spec order */
	size_t nr, nc;		/* how many */
	size_t *cell;		/* nr x nc: row index + 1, 0 = no row */
	size_t *base;		/* nr x nc: its baseline row + 1, 0 = none */
	struct sub sub[SUB_MAX];	/* sub-columns per column value */
	int nsub;		/* how many */
	int fmt;		/* TF_ */
	const struct filt *f;	/* --where filters */
	const char *bkey, *bval;	/* --baseline KEY=VALUE, or NULL */
	long bcol;		/* bkey's column */
	struct filt bf;		/* the filters not on bkey: where a baseline may be */
	int *restates;		/* per column: restates bkey, not matched */
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

/* Is column j a swept key other than --rows and --cols? */
static int other_key(const struct tab *t, size_t j)
{
	return (long)j != t->rcol && (long)j != t->ccol &&
		!an_non_key(t->c->head.f[j]);
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

/* Decimals: none when every value is whole, else three significant
 * digits for the smallest and at least three. */
static int decimals(double min, int whole)
{
	int d = 3;

	if (whole)
		return 0;
	if (min > 0 && min < 1)
		d = 2 - (int)floor(log10(min));
	return d < 3 ? 3 : d > 9 ? 9 : d;
}

/* The decimals of each metric sub-column, from the ok rows in cells. */
static void tab_decimals(struct tab *t)
{
	size_t k;
	int s;

	for (s = 0; s < t->nsub; s++) {
		struct sub *u = &t->sub[s];
		double lo = INFINITY, v;
		int whole = 1;

		u->dec = u->kind == SUB_SPEEDUP ? 2 : 1;
		if (u->kind != SUB_COL)
			continue;
		for (k = 0; k < t->nr * t->nc; k++) {
			const struct csv_row *r = t->cell[k] ?
				&t->c->rows[t->cell[k] - 1] : NULL;

			if (!r || !results_row_ok(t->c, r))
				continue;
			v = results_num(r, u->col) * u->scale;
			/* counts (cycles) shown whole; a quantity with a
			 * unit keeps its decimals even where one is round */
			whole &= u->count && v == floor(v) && fabs(v) < 1e15;
			if (v > 0)
				lo = fmin(lo, v);
		}
		u->dec = decimals(lo, whole);
	}
}

/* The cells, rows and columns in spec order. 0, or -1 with err. */
static int tab_cells(struct tab *t, struct sim_err *err)
{
	const struct results *c = t->c;
	size_t i, n, k, *order = an_spec_order(c, t->f, &n);
	int rc = 0;

	for (i = 0; i < n; i++) {
		distinct(&t->rv, &t->nr, c->rows[order[i]].f[t->rcol]);
		distinct(&t->cv, &t->nc, c->rows[order[i]].f[t->ccol]);
	}
	if (!t->nr) {
		free(order);
		return filt_check(t->f, c, err);
	}
	t->cell = buf_grow(NULL, t->nr * t->nc * sizeof *t->cell);
	t->base = buf_grow(NULL, t->nr * t->nc * sizeof *t->base);
	memset(t->cell, 0, t->nr * t->nc * sizeof *t->cell);
	memset(t->base, 0, t->nr * t->nc * sizeof *t->base);
	for (i = 0; i < n && !rc; i++) {
		const struct csv_row *row = &c->rows[order[i]];

		k = distinct(&t->rv, &t->nr, row->f[t->rcol]) * t->nc +
			distinct(&t->cv, &t->nc, row->f[t->ccol]);
		if (t->cell[k])
			rc = ambiguous(t, &c->rows[t->cell[k] - 1], row, err);
		t->cell[k] = order[i] + 1;
	}
	free(order);
	return rc;
}

/* ---- --baseline KEY=VALUE ---- */

/* Does every key of a and b match, bkey and the keys restating it aside? */
static int same_point(const struct tab *t, const struct csv_row *a,
		      const struct csv_row *b)
{
	size_t j;

	for (j = 0; j < t->c->head.n; j++)
		if ((long)j != t->bcol && !t->restates[j] &&
		    !an_non_key(t->c->head.f[j]) && strcmp(a->f[j], b->f[j]))
			return 0;
	return 1;
}

/* Does key column j only restate bkey: several values, each with one
 * value of bkey (a dense and a 2:4 trace for nm; engine.cols of a square
 * sweep for engine.rows)? */
static int restates(const struct tab *t, size_t j)
{
	const struct results *c = t->c;
	const char **tv = NULL, **kv = NULL;
	size_t nt = 0, nk = 0, i, k;
	int yes = 1;

	for (i = 0; i < c->nrows && yes; i++) {
		const struct csv_row *r = &c->rows[i];

		if (!filt_match(&t->bf, r))
			continue;
		k = distinct(&tv, &nt, r->f[j]);
		if (k == nk) {	/* a new value: its value of bkey */
			kv = buf_grow(kv, ++nk * sizeof *kv);
			kv[k] = r->f[t->bcol];
		}
		yes = !strcmp(kv[k], r->f[t->bcol]);
	}
	free(tv);
	free(kv);
	return yes && nt > 1;
}

/* "a, b, c": bkey's values among rows that may hold a baseline. */
static void base_values(const struct tab *t, char *buf, size_t len)
{
	size_t i, m, n = 0, *order = an_spec_order(t->c, &t->bf, &m);
	const char **v = NULL;
	size_t nv = 0;

	buf[0] = 0;
	for (i = 0; i < m; i++)
		distinct(&v, &nv, t->c->rows[order[i]].f[t->bcol]);
	for (i = 0; i < nv && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? ", " : "",
				      v[i]);
	free(v);
	free(order);
}

/* The baseline of the row in cell k into t->base[k]. 0, or -1 with err. */
static int base_find(struct tab *t, size_t k, struct sim_err *err)
{
	const struct results *c = t->c;
	const struct csv_row *row = &c->rows[t->cell[k] - 1], *b;
	size_t i, j;

	for (i = 0; i < c->nrows; i++) {
		b = &c->rows[i];
		if (strcmp(b->f[t->bcol], t->bval) || !filt_match(&t->bf, b) ||
		    !same_point(t, row, b))
			continue;
		if (!t->base[k]) {
			t->base[k] = i + 1;
			continue;
		}
		for (j = 0; j < c->head.n; j++)
			if (strcmp(b->f[j], c->rows[t->base[k] - 1].f[j]) &&
			    !an_non_key(c->head.f[j]))
				break;
		return err_set(err, c->path, b->line[0], "--baseline", "this "
			       "row and line %d both are the baseline %s=%s of "
			       "line %d%s%s: pin it with --where",
			       c->rows[t->base[k] - 1].line[0], t->bkey, t->bval,
			       row->line[0], j < c->head.n ? "; they differ in " :
			       "", j < c->head.n ? c->head.f[j] : "");
	}
	return 0;
}

/* --baseline KEY=VALUE, or VALUE of --cols: every cell's baseline row.
 * 0, or -1 with err. */
static int tab_baseline(struct tab *t, const char *arg, struct sim_err *err)
{
	const struct results *c = t->c;
	const char *eq = strchr(arg, '=');
	char key[128], list[300];
	size_t k, i, j;
	int w;

	if (eq) {	/* KEY=VALUE */
		snprintf(key, sizeof key, "%.*s", (int)(eq - arg), arg);
		t->bval = eq + 1;
	} else {	/* VALUE of --cols */
		snprintf(key, sizeof key, "%s", t->ckey);
		t->bval = arg;
	}
	if ((t->bcol = results_need(c, key, err)) < 0)
		return -1;
	t->bkey = c->head.f[t->bcol];
	for (w = 0; w < t->f->n; w++)
		if (t->f->w[w].col != t->bcol)
			t->bf.w[t->bf.n++] = t->f->w[w];
	for (i = 0; i < c->nrows; i++)
		if (!strcmp(c->rows[i].f[t->bcol], t->bval) &&
		    filt_match(&t->bf, &c->rows[i]))
			break;
	if (i == c->nrows) {
		base_values(t, list, sizeof list);
		return err_set(err, c->path, 0, "--baseline", "no row has %s=%s "
			       "(the values are: %s)", t->bkey, t->bval, list);
	}
	t->restates = buf_grow(NULL, (c->head.n + 1) * sizeof *t->restates);
	for (j = 0; j < c->head.n; j++)
		t->restates[j] = (long)j != t->bcol && !an_non_key(c->head.f[j]) &&
			restates(t, j);
	for (k = 0; k < t->nr * t->nc; k++)
		if (t->cell[k] && base_find(t, k, err))
			return -1;
	return 0;
}

/* ---- the cells' text ---- */

/* The text of sub-column s of cell (r, k). */
static void cell_text(const struct tab *t, size_t r, size_t k, int s,
		      char *buf, size_t len)
{
	const struct sub *u = &t->sub[s];
	const char *dash = t->fmt == TF_LATEX ? "--" : t->fmt == TF_CSV ? "" :
		"\xe2\x80\x93";
	size_t ci = t->cell[r * t->nc + k], bi = t->base[r * t->nc + k];
	const struct csv_row *row = ci ? &t->c->rows[ci - 1] : NULL;
	const struct csv_row *b = bi ? &t->c->rows[bi - 1] : NULL;
	double x;

	if (!row) {
		snprintf(buf, len, "%s", dash);
	} else if (u->kind == SUB_COL) {
		if (!results_row_ok(t->c, row))
			snprintf(buf, len, "%s", row->f[t->c->status]);
		else
			snprintf(buf, len, "%.*f", u->dec,
				 results_num(row, u->col) * u->scale);
	} else if (!b || !results_row_ok(t->c, b) ||
		   !results_row_ok(t->c, row)) {
		snprintf(buf, len, "%s", dash);
	} else if (u->kind == SUB_SPEEDUP) {
		x = results_num(row, t->lat);
		if (x <= 0)
			snprintf(buf, len, "%s", dash);
		else
			snprintf(buf, len, "%.2f%s", results_num(b, t->lat) / x,
				 t->fmt == TF_LATEX ? "$\\times$" : t->fmt ==
				 TF_CSV ? "" : "\xc3\x97");
	} else {
		x = results_num(b, t->en);
		if (x <= 0)
			snprintf(buf, len, "%s", dash);
		else	/* +0.0 keeps "-0.0" out of the table */
			snprintf(buf, len, "%.1f", 100 * (1 - results_num(row,
				 t->en) / x) + 0.0);
	}
}

/* The caption: what the cells hold, by what, against what, of which rows. */
static void caption(const struct tab *t, char *buf, size_t len)
{
	char among[400], v[200];
	struct an_label l;
	size_t n = 0;
	int s, m = 0, nm = 0;

	for (s = 0; s < t->nsub; s++)
		nm += t->sub[s].kind == SUB_COL;
	for (s = 0; s < t->nsub && n < len; s++) {
		if (t->sub[s].kind != SUB_COL)
			continue;
		n += (size_t)snprintf(buf + n, len - n, "%s%s", !m ? "" :
				      m + 1 == nm ? " and " : ", ",
				      t->sub[s].head);
		m++;
	}
	if (n)
		buf[0] = (char)(buf[0] >= 'a' && buf[0] <= 'z' ?
				buf[0] - 'a' + 'A' : buf[0]);
	an_label_of(t->rkey, &l);
	if (n < len)
		n += (size_t)snprintf(buf + n, len - n, " by %s (rows)", l.name);
	an_label_of(t->ckey, &l);
	if (n < len)
		n += (size_t)snprintf(buf + n, len - n, " and %s (columns)",
				      l.name);
	if (t->bkey) {
		an_key_value(t->bkey, t->bval, v, sizeof v);
		for (s = 0; s < t->nsub && n < len; s++)
			if (t->sub[s].kind == SUB_SPEEDUP)
				n += (size_t)snprintf(buf + n, len - n, "; speedup "
					"= latency at %s / latency", v);
			else if (t->sub[s].kind == SUB_SAVING)
				n += (size_t)snprintf(buf + n, len - n, "; energy "
					"saving = 1 \xe2\x88\x92 energy / energy "
					"at %s", v);
	}
	an_filter_text(t->f, among, sizeof among);
	if (n < len)
		snprintf(buf + n, len - n, "%s%s.", among[0] ? "; rows with " :
			 "", among);
}

/* One field of the output format (LaTeX cells are ours, already TeX). */
static void put(const struct tab *t, FILE *f, const char *s, int first)
{
	if (t->fmt == TF_CSV) {
		fputs(first ? "" : ",", f);
		an_put_csv(f, s);
	} else if (t->fmt == TF_MD) {
		fputs(first ? "| " : " | ", f);
		an_put_md(f, s);
	} else {
		fputs(first ? "" : " & ", f);
		an_put_tex(f, s);
	}
}

/* The rows of the table, in every format. */
static void table_rows(FILE *f, const struct tab *t)
{
	char buf[128];
	size_t r, k;
	int s;

	for (r = 0; r < t->nr; r++) {
		put(t, f, an_value(t->rkey, t->rv[r], buf, sizeof buf), 1);
		for (k = 0; k < t->nc; k++)
			for (s = 0; s < t->nsub; s++) {
				cell_text(t, r, k, s, buf, sizeof buf);
				if (t->fmt == TF_LATEX)	/* ours: already TeX */
					fprintf(f, " & %s", buf);
				else
					put(t, f, buf, 0);
			}
		fputs(t->fmt == TF_MD ? " |\n" : t->fmt == TF_LATEX ?
		      " \\\\\n" : "\n", f);
	}
}

/* Markdown and CSV: one header line, "16 rows latency (ms)". */
static void table_flat(FILE *f, const struct tab *t)
{
	char h[300], v[200];
	size_t k;
	int s;

	put(t, f, an_head(t->rkey, h, sizeof h), 1);
	for (k = 0; k < t->nc; k++)
		for (s = 0; s < t->nsub; s++) {
			an_value_head(t->ckey, t->cv[k], v, sizeof v);
			if (t->nsub > 1)
				snprintf(h, sizeof h, "%s %s", v, t->sub[s].head);
			else
				snprintf(h, sizeof h, "%s", v);
			put(t, f, h, 0);
		}
	if (t->fmt == TF_MD) {
		fputs(" |\n|---", f);
		for (k = 0; k < t->nc * (size_t)t->nsub; k++)
			fputs("|---:", f);
		fputs("|", f);
	}
	fputc('\n', f);
	table_rows(f, t);
}

/* "tab:model-by-nm": a LaTeX label from the two keys. */
static void tex_label(const struct tab *t, char *buf, size_t len)
{
	size_t n, i;

	snprintf(buf, len, "tab:%s-by-%s", t->rkey, t->ckey);
	for (n = i = 0; buf[i]; i++) {
		char ch = buf[i];

		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		      ch == ':'))
			ch = '-';
		if (ch != '-' || (n && buf[n - 1] != '-'))
			buf[n++] = ch;
	}
	buf[n] = 0;
}

/* The head of the booktabs tabular: a spanning row, rules, the sub-heads. */
static void tex_head(FILE *f, const struct tab *t)
{
	char h[300];
	size_t k, ns = (size_t)t->nsub;
	int s;

	if (ns == 1) {
		fprintf(f, " & \\multicolumn{%zu}{c}{", t->nc);
		an_put_tex(f, an_head(t->ckey, h, sizeof h));
		fprintf(f, "} \\\\\n\\cmidrule(lr){2-%zu}\n", t->nc + 1);
	} else {
		for (k = 0; k < t->nc; k++) {
			fprintf(f, " & \\multicolumn{%zu}{c}{", ns);
			an_put_tex(f, an_value_head(t->ckey, t->cv[k], h,
						    sizeof h));
			fputc('}', f);
		}
		fputs(" \\\\\n", f);
		for (k = 0; k < t->nc; k++)
			fprintf(f, "%s\\cmidrule(lr){%zu-%zu}", k ? " " : "",
				2 + k * ns, 1 + (k + 1) * ns);
		fputc('\n', f);
	}
	an_put_tex(f, an_head(t->rkey, h, sizeof h));
	for (k = 0; k < t->nc; k++)
		for (s = 0; s < t->nsub; s++) {
			fputs(" & ", f);
			an_put_tex(f, ns == 1 ? an_value(t->ckey, t->cv[k], h,
				   sizeof h) : t->sub[s].head);
		}
	fputs(" \\\\\n\\midrule\n", f);
}

static void table_tex(FILE *f, const struct tab *t, const char *cap,
		      const char *label)
{
	char lb[300];
	size_t k;

	if (!label)
		tex_label(t, lb, sizeof lb);
	fputs("% needs \\usepackage{booktabs}\n\\begin{table}[tbp]\n"
	      "\\centering\n\\caption{", f);
	an_put_tex(f, cap);
	fputs("}\n\\label{", f);
	an_put_tex(f, label ? label : lb);
	fputs("}\n\\begin{tabular}{l", f);
	for (k = 0; k < t->nc * (size_t)t->nsub; k++)
		fputc('r', f);
	fputs("}\n\\toprule\n", f);
	tex_head(f, t);
	table_rows(f, t);
	fputs("\\bottomrule\n\\end{tabular}\n\\end{table}\n", f);
}

struct table_args {
	const char *file, *rows, *cols, *base, *outp;	/* as given */
	const char *cap, *label;	/* --caption, --label */
	const char *met[MET_MAX + 1];	/* --metric columns, NULL-ended */
	int nmet;		/* how many */
	int fmt;		/* TF_ */
	struct filt f;		/* --where filters */
};

static const struct opt_spec table_opts[] = {
	{ AN_ROWS, "rows", "KEY", "one table row per value of column KEY" },
	{ AN_COLS, "cols", "KEY", "one column group per value of column KEY" },
	{ AN_BASELINE, "baseline", "KEY=VALUE", "add speedup and energy "
	  "saving over KEY=VALUE (VALUE: of --cols)" },
	{ AN_METRIC, "metric", "WHICH", "latency, energy, both (default) or "
	  "columns, comma-separated" },
	AN_WHERE_SPEC,
	{ AN_FORMAT, "format", "FMT", "md (default, Markdown), latex or csv" },
	{ AN_CAPTION, "caption", "TEXT", "the caption instead of the one "
	  "made from the labels" },
	{ AN_LABEL, "label", "NAME", "LaTeX \\label (default "
	  "tab:ROWS-by-COLS)" },
	AN_OUTPUT_SPEC,
	OPT_END,
};

static const struct opt_cmd table_cmdline = {
	"stasim", "table", "RESULTS.csv --rows KEY --cols KEY "
	"[--baseline KEY=VALUE]\n"
	"                    [--metric latency|energy|both|COL,...] "
	"[--where KEY=VALUE]...\n"
	"                    [--format md|latex|csv] [--caption TEXT] "
	"[--label NAME] [-o FILE]",
	"A paper-style table of a sweep's latency (ms) and energy (mJ), one\n"
	"cell per pair of --rows and --cols values (docs/analysis.md).",
	table_opts,
};

/* --metric WHICH: latency, energy, both or column names, comma-separated. */
static int table_metric(struct table_args *a, const char *v)
{
	static char names[512];
	char *p, *save = NULL;

	if (snprintf(names, sizeof names, "%s", v) >= (int)sizeof names)
		return opt_error(&table_cmdline, "--metric: too long");
	a->nmet = 0;
	for (p = strtok_r(names, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		int both = !strcmp(p, "both");

		if (a->nmet + 1 + both > MET_MAX)
			return opt_error(&table_cmdline, "--metric: at most %d "
					 "columns", MET_MAX);
		if (both || !strcmp(p, "latency"))
			a->met[a->nmet++] = "latency_us";
		if (both || !strcmp(p, "energy"))
			a->met[a->nmet++] = "energy_pj";
		if (!both && strcmp(p, "latency") && strcmp(p, "energy"))
			a->met[a->nmet++] = p;
	}
	if (!a->nmet)
		return opt_error(&table_cmdline, "--metric: no column in '%s'", v);
	a->met[a->nmet] = NULL;
	return 0;
}

static int table_opt(void *ctx, int key, const char *v)
{
	static const char *const fmts[] = { "md", "latex", "csv", NULL };
	struct table_args *a = ctx;
	int i;

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
		return table_metric(a, v);
	case AN_FORMAT:
		if ((i = an_pick(&table_cmdline, "--format", v, fmts)) < 0)
			return SIM_EXIT_USAGE;
		a->fmt = i;
		return 0;
	case AN_CAPTION:
		a->cap = v;
		return 0;
	case AN_LABEL:
		a->label = v;
		return 0;
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
	if (!a->nmet) {
		a->met[a->nmet++] = "latency_us";
		a->met[a->nmet++] = "energy_pj";
		a->met[a->nmet] = NULL;
	}
	return 0;
}

/* The columns results_load must find numeric: the metrics, and latency
 * and energy with a baseline. */
static void table_nums(const struct table_args *a, const char **nums)
{
	int n = 0, i;

	for (i = 0; i < a->nmet; i++)
		nums[n++] = a->met[i];
	if (a->base) {
		nums[n++] = "latency_us";
		nums[n++] = "energy_pj";
	}
	nums[n] = NULL;
}

/* Sub-columns: each metric, speedup after latency and saving after energy
 * with a baseline (both at the end when neither is shown). */
static void table_subs(struct tab *t, const struct table_args *a)
{
	int i, lat = 0, en = 0;

	for (i = 0; i < a->nmet; i++) {
		struct sub *u = &t->sub[t->nsub++];
		struct an_label l;

		an_label_of(a->met[i], &l);
		u->kind = SUB_COL;
		u->col = results_col(t->c, a->met[i]);
		u->scale = l.scale;
		u->count = !l.unit[0];
		an_head(a->met[i], u->head, sizeof u->head);
		if (a->base && !strcmp(a->met[i], "latency_us") && !lat++)
			t->sub[t->nsub++].kind = SUB_SPEEDUP;
		if (a->base && !strcmp(a->met[i], "energy_pj") && !en++)
			t->sub[t->nsub++].kind = SUB_SAVING;
	}
	if (a->base && !lat && !en) {
		t->sub[t->nsub++].kind = SUB_SPEEDUP;
		t->sub[t->nsub++].kind = SUB_SAVING;
	}
	for (i = 0; i < t->nsub; i++)
		if (t->sub[i].kind != SUB_COL)
			snprintf(t->sub[i].head, sizeof t->sub[i].head, "%s",
				 t->sub[i].kind == SUB_SPEEDUP ? "speedup" :
				 "energy saving (%)");
}

/* The table, checked and written. Returns the exit status. */
static int table_run(struct tab *t, const struct table_args *a,
		     struct sim_err *err)
{
	struct an_out out;
	char cap[1200];

	if (tab_cells(t, err) || (a->base && tab_baseline(t, a->base, err)) ||
	    an_out_open(&out, a->outp, err))
		return err_print("stasim", err, SIM_EXIT_USAGE);
	tab_decimals(t);
	caption(t, cap, sizeof cap);
	if (a->cap)
		snprintf(cap, sizeof cap, "%s", a->cap);
	if (t->fmt == TF_LATEX) {
		table_tex(out.f, t, cap, a->label);
	} else {
		if (t->fmt == TF_MD) {
			an_put_md(out.f, cap);
			fputs("\n\n", out.f);
		}
		table_flat(out.f, t);
	}
	return an_out_close(&out);
}

int table_cmd(int argc, char **argv)
{
	struct table_args a = { .fmt = TF_MD };
	struct tab t = { 0 };
	struct sim_err err;
	struct results c;
	const char *nums[MET_MAX + 3];
	int rc;

	if ((rc = table_parse(argc, argv, &a)))
		return rc == OPT_HELP ? SIM_EXIT_OK : rc;
	table_nums(&a, nums);
	if (results_load(a.file, &c, nums, &err))
		return err_print("stasim", &err, SIM_EXIT_USAGE);
	t.c = &c;
	t.rkey = a.rows;
	t.ckey = a.cols;
	t.fmt = a.fmt;
	t.f = &a.f;
	t.lat = results_col(&c, "latency_us");
	t.en = results_col(&c, "energy_pj");
	if ((t.rcol = results_need(&c, a.rows, &err)) < 0 ||
	    (t.ccol = results_need(&c, a.cols, &err)) < 0 ||
	    filt_resolve(&a.f, &c, &err))
		rc = err_print("stasim", &err, SIM_EXIT_USAGE);
	else {
		table_subs(&t, &a);
		rc = table_run(&t, &a, &err);
	}
	free(t.rv);
	free(t.cv);
	free(t.cell);
	free(t.base);
	free(t.restates);
	results_free(&c);
	return rc;
}
