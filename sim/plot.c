/*
 * plot.c - stasim plot: a sweep's design space with its Pareto front
 * (analysis.h, docs/analysis.md), drawn by gnuplot (gnuplot.h), and the
 * command itself; one run's per-layer figure is plot_ops.c.
 *
 * The figure is made for a paper's column (3.5 in wide, 8-9 pt text) and
 * read on screens as a 200 dpi PNG: points coloured and marked by --by,
 * a legend naming each value, axes and title from the label table, axis
 * ranges from the data (never below zero for data that is not; log when
 * it spans more than 1.5 decades), front points numbered where their
 * labels collide least and described in a list under the graph.
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
#include "gnuplot.h"
#include "lib/path.h"
#include "lib/buf.h"
#include "lib/json.h"
#include "pareto.h"
#include "plot.h"
#include "results.h"

#define FRONT_LABELS_MAX 8	/* number and list front points up to this */
#define FIG_W 3.5		/* figure width, inches: a paper's column */
#define FIG_H 2.5		/* height of the graph part, inches */
#define LIST_LINE 0.15		/* a line of 8 pt text, inches */
#define LOG_SPAN 31.6		/* 1.5 decades: a log axis beyond */

/* Colours (Okabe-Ito, told apart with colour-blindness) and markers
 * (filled circle, square, triangles, diamond, then open ones). */
static const char *const colours[] = { "#0072B2", "#D55E00", "#009E73",
	"#CC79A7", "#E69F00", "#56B4E9", "#000000", "#999999" };
static const int markers[] = { 7, 5, 9, 13, 11, 6, 4, 8 };
#define N_STYLES 8

/* One axis: its column, label, scale and the range drawn. */
struct axis {
	const char *col;	/* the column */
	struct an_label l;	/* its label */
	double lo, hi;		/* data range, shown unit */
	double a, b;		/* drawn range */
	int log;		/* log scale */
};

/* The drawn range of an axis from its data: log when positive and wider
 * than LOG_SPAN, else padded by 6 % and never below zero for data that is
 * not. */
static void axis_range(struct axis *x)
{
	double pad = x->hi - x->lo;

	x->log = x->lo > 0 && x->hi / x->lo > LOG_SPAN;
	if (x->log) {
		x->a = x->lo / 1.4;
		x->b = x->hi * 1.4;
		return;
	}
	pad = pad > 0 ? 0.06 * pad : x->hi ? 0.1 * fabs(x->hi) : 1;
	x->a = x->lo - pad;
	x->b = x->hi + pad;
	if (x->lo >= 0 && x->a < 0)
		x->a = 0;
}

/* Where v falls along the drawn axis, 0 to 1. */
static double axis_frac(const struct axis *x, double v)
{
	if (x->log)
		return log(v / x->a) / log(x->b / x->a);
	return (v - x->a) / (x->b - x->a);
}

static void axis_script(FILE *f, const struct axis *x, const char *ax)
{
	char h[160];

	an_head(x->col, h, sizeof h);
	fprintf(f, "set %slabel ", ax);
	gp_str(f, h);
	fprintf(f, "\nset %srange [%.17g:%.17g]\n", ax, x->a, x->b);
	if (x->log)
		fprintf(f, "set logscale %s\nset format %s '%%g'\n", ax, ax);
}

/* The design-space figure: what plot_csv works out before writing. */
struct space {
	const struct results *c;	/* the rows */
	const struct filt *flt;	/* --where */
	const char *by;		/* --by column, or NULL */
	long byc;		/* its index */
	struct axis x, y;	/* the axes */
	size_t *rows, n;	/* ok rows passing --where, spec order */
	const char **sv;	/* --by values, spec order */
	size_t ns;		/* how many */
	struct pareto_pt *front;	/* the front, by x */
	size_t nf;		/* its size, copies of a point included */
	size_t *fi, nfd;	/* first index in front of each distinct point */
	int list;		/* front points numbered and listed */
	double gw, gh;		/* graph area, inches */
	double top, bottom;	/* margins, inches */
	int key_rows;		/* rows of the legend */
};

static size_t sv_index(struct space *s, const char *v)
{
	size_t i;

	for (i = 0; i < s->ns; i++)
		if (!strcmp(s->sv[i], v))
			return i;
	s->sv = buf_grow(s->sv, (s->ns + 1) * sizeof *s->sv);
	s->sv[s->ns] = v;
	return s->ns++;
}

/* The ok rows, the series, the data ranges and the front. */
static void space_data(struct space *s)
{
	const struct results *c = s->c;
	long xc = results_col(c, s->x.col), yc = results_col(c, s->y.col);
	size_t i, m, *all = an_spec_order(c, s->flt, &m), n_sel, n_ok;

	s->rows = buf_grow(NULL, (m + 1) * sizeof *s->rows);
	s->x.lo = s->y.lo = INFINITY;
	s->x.hi = s->y.hi = -INFINITY;
	for (i = 0; i < m; i++) {
		const struct csv_row *r = &c->rows[all[i]];
		double x = results_num(r, xc) * s->x.l.scale;
		double y = results_num(r, yc) * s->y.l.scale;

		if (!results_row_ok(c, r))
			continue;
		s->rows[s->n++] = all[i];
		if (s->by)
			sv_index(s, r->f[s->byc]);
		s->x.lo = fmin(s->x.lo, x);
		s->x.hi = fmax(s->x.hi, x);
		s->y.lo = fmin(s->y.lo, y);
		s->y.hi = fmax(s->y.hi, y);
	}
	free(all);
	axis_range(&s->x);
	axis_range(&s->y);
	s->front = buf_grow(NULL, (c->nrows + 1) * sizeof *s->front);
	s->nf = pareto_front(c, xc, yc, s->flt, s->front, &n_sel, &n_ok);
	s->fi = buf_grow(NULL, (s->nf + 1) * sizeof *s->fi);
	for (i = 0; i < s->nf; i++)
		if (!i || s->front[i].x != s->front[i - 1].x ||
		    s->front[i].y != s->front[i - 1].y)
			s->fi[s->nfd++] = i;
	s->list = s->nfd <= FRONT_LABELS_MAX;
}

/* Is column j worth naming in a front point's description: a key that
 * varies among the plotted rows (the trace only when no model column
 * says what it is, the nm column saying the rest)? */
static int describes(const struct space *s, size_t j)
{
	const struct results *c = s->c;
	size_t i;

	if (an_non_key(c->head.f[j]) || (!strcmp(c->head.f[j], "trace") &&
	    results_col(c, "model") >= 0))
		return 0;
	for (i = 1; i < s->n; i++)
		if (strcmp(c->rows[s->rows[i]].f[j], c->rows[s->rows[0]].f[j]))
			return 1;
	return 0;
}

/* "1:4, 64 rows, 51.2 GB/s": what front point k is (its varying keys). */
static void describe(const struct space *s, size_t k, char *buf, size_t len)
{
	const struct csv_row *r = &s->c->rows[s->front[s->fi[k]].row];
	char v[200];
	size_t j, n = 0;

	buf[0] = 0;
	for (j = 0; j < s->c->head.n && n < len; j++)
		if (describes(s, j))
			n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? ", " :
					      "", an_value_head(s->c->head.f[j],
					      r->f[j], v, sizeof v));
	if (!buf[0])
		snprintf(buf, len, "the only design point");
	if (strlen(buf) > 64)	/* one line at 8 pt across the figure */
		memcpy(buf + 61, "...", 4);
}

/* Width of text at 8 pt, inches: ~0.072 in a character on average in
 * sans, measured (UTF-8 continuation bytes not counted). */
static double text_w(const char *t)
{
	size_t n = 0;

	for (; *t; t++)
		n += ((unsigned char)*t & 0xc0) != 0x80;
	return 0.072 * (double)n;
}

/* The legend, drawn by hand so that it wraps at the figure's width (the
 * key of gnuplot guesses text widths and stacks entries): "N:M: ● dense
 * ■ 1:4 ... - - Pareto front", rows centred under the title. With draw
 * unset it only counts its rows. Returns the number of rows. */
static int legend(FILE *f, const struct space *s, double h, int draw)
{
	char t[200], head[160];
	double x[N_STYLES * 4 + 2], w[N_STYLES * 4 + 2], row_w = 0, y0;
	int row[N_STYLES * 4 + 2], ne = 0, rows = 1, e, k;
	size_t ns = s->by ? s->ns : 1, i;
	const double gap = 0.16, mark = 0.2, avail = FIG_W - 0.2;

	if (s->by)	/* "N:M:" heads the first row */
		snprintf(head, sizeof head, "%s:", an_head(s->by, t, sizeof t));
	for (i = 0; i <= ns && ne < N_STYLES * 4 + 2; i++) {
		if (i == ns && !s->nf)
			break;
		w[ne] = mark + (i == ns ? 0.16 + text_w("Pareto front") :
				text_w(s->by ? an_value_head(s->by, s->sv[i], t,
				sizeof t) : "design points"));
		if (!ne && s->by)
			w[ne] += text_w(head) + gap;
		if (row_w + w[ne] > avail && row_w > 0) {
			rows++;
			row_w = 0;
		}
		x[ne] = row_w;
		row[ne++] = rows;
		row_w += w[ne - 1] + gap;
	}
	if (!draw)
		return rows;
	y0 = 1 - (0.22 + (s->flt->n ? 0.15 : 0) + 0.1) / h;
	for (e = 0; e < ne; e = k) {	/* centre each row */
		for (row_w = 0, k = e; k < ne && row[k] == row[e]; k++)
			row_w = x[k] + w[k];
		for (k = e; k < ne && row[k] == row[e]; k++)
			x[k] += (FIG_W - row_w) / 2;
	}
	for (e = 0; e < ne; e++) {
		double yy = y0 - 0.16 * (row[e] - 1) / h, xx = x[e];

		if (!e && s->by) {
			fprintf(f, "set label 90 ");
			gp_str(f, head);
			fprintf(f, " at screen %.4f, screen %.4f left font F8\n",
				xx / FIG_W, yy);
			xx += text_w(head) + gap;
		}
		if ((size_t)e == ns) {	/* the front: a dashed line */
			fprintf(f, "set arrow 90 from screen %.4f, screen %.4f "
				"to screen %.4f, screen %.4f nohead dt 2 lw 2*LW "
				"lc rgb '#333333'\nset label 91 'Pareto front' at "
				"screen %.4f, screen %.4f left font F8\n",
				xx / FIG_W, yy, (xx + 0.3) / FIG_W, yy,
				(xx + 0.36) / FIG_W, yy);
			continue;
		}
		fprintf(f, "set label %d ", 92 + e);
		gp_str(f, s->by ? an_value_head(s->by, s->sv[e], t, sizeof t) :
		       "design points");
		fprintf(f, " at screen %.4f, screen %.4f left font F8 point pt "
			"%d ps 1.8*PS lw LW lc rgb '%s' offset 1.3,0\n",
			(xx + 0.06) / FIG_W, yy, markers[(e + e / N_STYLES) %
			N_STYLES], colours[e % N_STYLES]);
	}
	return rows;
}

/* The margins and the graph area they leave, inches. */
static void space_layout(struct space *s)
{
	s->key_rows = legend(NULL, s, 1, 0);
	s->top = 0.22 + (s->flt->n ? 0.15 : 0) + 0.16 * s->key_rows + 0.08;
	s->bottom = 0.5 + (s->list && s->nfd ? LIST_LINE * (double)s->nfd +
			    0.04 : 0);
	s->gw = FIG_W - 0.75 - 0.16;
	s->gh = FIG_H - s->top - 0.5;	/* the figure grows with the list */
}

/* A label box and the marks it must not cover, in graph inches. */
struct box {
	double x0, y0, x1, y1;
};

static double overlap(const struct box *a, const struct box *b)
{
	double w = fmin(a->x1, b->x1) - fmax(a->x0, b->x0);
	double h = fmin(a->y1, b->y1) - fmax(a->y0, b->y0);

	return w > 0 && h > 0 ? w * h : 0;
}

/* Where the number of front point k goes: of eight places around it, the
 * one covering least of the labels placed, the points and the frame.
 * Returns the offset (inches) into *dx, *dy. */
static void place(const struct space *s, struct box *placed, size_t k,
		  double *dx, double *dy)
{
	static const double off[8][2] = { { 0.11, 0.09 }, { 0.11, -0.09 },
		{ -0.11, 0.09 }, { -0.11, -0.09 }, { 0, 0.13 }, { 0, -0.13 },
		{ 0.15, 0 }, { -0.15, 0 } };
	const struct csv_row *r;
	long xc = results_col(s->c, s->x.col), yc = results_col(s->c, s->y.col);
	double px = axis_frac(&s->x, s->front[s->fi[k]].x * s->x.l.scale) * s->gw;
	double py = axis_frac(&s->y, s->front[s->fi[k]].y * s->y.l.scale) * s->gh;
	double w = 0.06 * (k + 1 >= 10 ? 2 : 1) + 0.03, h = 0.12, best = INFINITY;
	size_t i, j;
	int o;

	for (o = 0; o < 8; o++) {
		struct box b = { px + off[o][0] - w / 2, py + off[o][1] - h / 2,
			px + off[o][0] + w / 2, py + off[o][1] + h / 2 };
		double cost = 0;

		for (j = 0; j < k; j++)
			cost += 10 * overlap(&b, &placed[j]);
		for (i = 0; i < s->n; i++) {
			struct box m;

			r = &s->c->rows[s->rows[i]];
			m.x0 = axis_frac(&s->x, results_num(r, xc) * s->x.l.scale) *
				s->gw - 0.04;
			m.y0 = axis_frac(&s->y, results_num(r, yc) * s->y.l.scale) *
				s->gh - 0.04;
			m.x1 = m.x0 + 0.08;
			m.y1 = m.y0 + 0.08;
			cost += overlap(&b, &m);
		}
		if (b.x0 < 0 || b.y0 < 0 || b.x1 > s->gw || b.y1 > s->gh)
			cost += 1;	/* outside the frame: last resort */
		if (cost < best - 1e-12) {
			best = cost;
			*dx = off[o][0];
			*dy = off[o][1];
			placed[k] = b;
		}
	}
}

/* The numbers on the front points and the list that says what they are. */
static void front_labels(FILE *f, const struct space *s)
{
	struct box *placed = buf_grow(NULL, (s->nfd + 1) * sizeof *placed);
	char d[200], t[240];
	double dx = 0, dy = 0;
	size_t k;

	for (k = 0; s->list && k < s->nfd; k++) {
		place(s, placed, k, &dx, &dy);
		fprintf(f, "set label %zu '%zu' at %.17g, %.17g center front "
			"offset graph %.4f, graph %.4f font F8\n", k + 1, k + 1,
			s->front[s->fi[k]].x * s->x.l.scale,
			s->front[s->fi[k]].y * s->y.l.scale, dx / s->gw,
			dy / s->gh);
		describe(s, k, d, sizeof d);
		snprintf(t, sizeof t, "(%zu) %s", k + 1, d);
		fprintf(f, "set label %zu ", 100 + k);
		gp_str(f, t);
		fprintf(f, " at screen 0.03, screen %.4f left font F8\n",
			(LIST_LINE * ((double)(s->nfd - k) - 0.5) + 0.02) /
			(FIG_H + s->bottom - 0.5));
	}
	free(placed);
}

/* Title, layout, legend and axes of the design-space script. */
static void space_head(FILE *f, const struct space *s)
{
	char t[600], among[400];
	double h = FIG_H + s->bottom - 0.5;

	snprintf(t, sizeof t, "%s vs %s, %zu design points", s->y.l.name,
		 s->x.l.name, s->n);
	t[0] = (char)(t[0] >= 'a' && t[0] <= 'z' ? t[0] - 'a' + 'A' : t[0]);
	/* labels, not gnuplot's title, which sits on the graph's top edge
	 * and would land in the legend */
	fputs("reset\nset encoding utf8\nset label 80 ", f);
	gp_str(f, t);
	fprintf(f, " at screen 0.5, screen %.4f center font F9\n",
		1 - 0.13 / h);
	an_filter_text(s->flt, among, sizeof among);
	if (among[0]) {	/* the filters on a line of their own */
		fputs("set label 81 ", f);
		gp_str(f, among);
		fprintf(f, " at screen 0.5, screen %.4f center font F8\n",
			1 - 0.28 / h);
	}
	fprintf(f, ""
		"set lmargin at screen %.4f\nset rmargin at screen %.4f\n"
		"set tmargin at screen %.4f\nset bmargin at screen %.4f\n",
		0.75 / FIG_W, 1 - 0.16 / FIG_W, 1 - s->top / h, s->bottom / h);
	fputs("unset key\n", f);
	legend(f, s, h, 1);
	fputs("set grid lc rgb '#dddddd' lw LW\nset border lw LW\n"
	      "set tics font F8 nomirror\nset xlabel font F9 offset 0,0.3\n"
	      "set ylabel font F9 offset 0.6,0\n", f);
	axis_script(f, &s->x, "x");
	axis_script(f, &s->y, "y");
}

/* The data files (one block per --by value) and the plot command. */
static int space_plot(FILE *f, struct space *s, struct gp_work *wk,
		      struct sim_err *err)
{
	const char *pts = gp_work_file(wk, "points.dat");
	const char *frs = gp_work_file(wk, "front.dat");
	long xc = results_col(s->c, s->x.col), yc = results_col(s->c, s->y.col);
	char v[200];
	FILE *g;
	size_t i, k, ns = s->by ? s->ns : 1;

	if (!(g = gp_create(pts, err)))
		return -1;
	for (k = 0; k < ns; k++) {	/* gnuplot's index k */
		for (i = 0; i < s->n; i++) {
			const struct csv_row *r = &s->c->rows[s->rows[i]];

			if (!s->by || !strcmp(r->f[s->byc], s->sv[k]))
				fprintf(g, "%.17g %.17g\n", results_num(r, xc) *
					s->x.l.scale, results_num(r, yc) *
					s->y.l.scale);
		}
		fputs("\n\n", g);
	}
	if (gp_close(&g, pts, err) || !(g = gp_create(frs, err)))
		return -1;
	for (k = 0; k < s->nfd; k++)
		fprintf(g, "%.17g %.17g\n", s->front[s->fi[k]].x * s->x.l.scale,
			s->front[s->fi[k]].y * s->y.l.scale);
	if (gp_close(&g, frs, err))
		return -1;
	/* every plot titled (the key is off): an SVG names each by its
	 * title, else by its command and the temporary file's path */
	fputs("plot ", f);
	for (k = 0; k < ns; k++) {
		gp_str(f, pts);
		fprintf(f, " index %zu using 1:2 with points pt %d ps 1.8*PS "
			"lw LW lc rgb '%s' title ", k, markers[(k + k / N_STYLES) %
			N_STYLES], colours[k % N_STYLES]);
		gp_str(f, s->by ? an_key_value(s->by, s->sv[k], v, sizeof v) :
		       "design points");
		fputs(", \\\n     ", f);
	}
	gp_str(f, frs);
	fputs(" using 1:2 with lines dt 2 lw 2*LW lc rgb '#333333' title "
	      "'Pareto front', \\\n     ", f);
	gp_str(f, frs);
	fputs(" using 1:2 with points pt 6 ps 3.2*PS lw 1.5*LW lc rgb "
	      "'#333333' title 'Pareto front points'\n", f);
	return 0;
}

/* The figure of a loaded results CSV (columns resolved, an ok row passing
 * flt known to exist) into fig (its size set here). */
static int plot_csv(const struct results *c, const struct filt *flt,
		    const char *xs, const char *ys, const char *by,
		    struct gp_fig *fig, const char *gp)
{
	struct space s = { .c = c, .flt = flt, .by = by };
	struct gp_work wk = { .dir = "" };
	struct sim_err err;
	const char *body;
	FILE *f = NULL;
	int rc;

	s.x.col = xs;
	s.y.col = ys;
	an_label_of(xs, &s.x.l);
	an_label_of(ys, &s.y.l);
	s.byc = by ? results_col(c, by) : -1;
	space_data(&s);
	space_layout(&s);
	if (path_make_dirs(fig->dir, "-o", &err) || gp_work_open(&wk, &err))
		goto fail;
	body = gp_work_file(&wk, "body.gp");
	if (!(f = gp_create(body, &err)))
		goto fail;
	space_head(f, &s);
	front_labels(f, &s);
	if (space_plot(f, &s, &wk, &err) || gp_close(&f, body, &err))
		goto fail;
	fig->w_in = FIG_W;
	fig->h_in = FIG_H + s.bottom - 0.5;
	rc = gp_render(&wk, gp, fig, body);
	goto done;
fail:
	rc = err_print("stasim", &err, SIM_EXIT_USAGE);
	if (f)
		fclose(f);
done:
	gp_work_close(&wk);
	free(s.rows);
	free(s.sv);
	free(s.front);
	free(s.fi);
	return rc;
}

/* The filters exist and leave at least one ok row. 0, or -1 with err. */
static int plot_csv_check(const struct results *c, struct filt *f,
			  const char *by, struct sim_err *err)
{
	size_t i;

	if (filt_resolve(f, c, err) || (f->n && filt_check(f, c, err)) ||
	    (by && results_need(c, by, err) < 0))
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
	{ AN_BY, "by", "KEY", "colour and marker by the values of column KEY" },
	AN_WHERE_SPEC,
	{ AN_REPORT, "report", "REPORT.json", "plot one run's layers or ops "
	  "instead of a results file" },
	{ AN_FORMAT, "format", "LIST", "pdf, svg and/or png, comma-separated "
	  "(default all three)" },
	{ 'o', "output", "DIR", "directory for the figures (created), or one "
	  "file NAME.pdf, .svg or .png" },
	OPT_END,
};

static const struct opt_cmd plot_cmdline = {
	"stasim", "plot", "RESULTS.csv -o DIR [--x COL] [--y COL] [--by KEY] "
	"[--where KEY=VALUE]...\n"
	"                   [--format pdf,svg,png]\n"
	"   or: stasim plot --report REPORT.json -o DIR [--format pdf,svg,png]",
	"Figures drawn by gnuplot, for a paper's column (PDF, SVG) and for\n"
	"screens (PNG): a sweep's design space with its Pareto front, or one\n"
	"run's latency and energy per layer or op, split by unit "
	"(docs/analysis.md).",
	plot_opts,
};

struct plot_args {
	struct an_axes ax;	/* a results file, --x, --y, --where */
	const char *rep, *dir;	/* --report, -o: as given */
	const char *by;		/* --by KEY */
	int formats;		/* --format: GP_ bits, 0 until given */
};

/* --format pdf,svg,png (any of them, any order). */
static int plot_formats(struct plot_args *a, const char *v)
{
	static const char *const names[] = { "png", "svg", "pdf", NULL };
	char list[64], *p, *save = NULL;
	int i;

	snprintf(list, sizeof list, "%s", v);
	a->formats = 0;
	for (p = strtok_r(list, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		if ((i = an_pick(&plot_cmdline, "--format", p, names)) < 0)
			return SIM_EXIT_USAGE;
		a->formats |= 1 << i;
	}
	return a->formats ? 0 : opt_error(&plot_cmdline, "--format: no "
					  "format in '%s'", v);
}

static int plot_opt(void *ctx, int key, const char *v)
{
	struct plot_args *a = ctx;

	switch (key) {
	case AN_REPORT:
		a->rep = v;
		return 0;
	case AN_BY:
		a->by = v;
		return 0;
	case AN_FORMAT:
		return plot_formats(a, v);
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
	if (a->rep && (ax->xs || ax->ys || ax->f.n || a->by))
		return opt_error(cmd, "--x, --y, --by and --where are for a "
				 "results CSV, not --report");
	return an_axes_default(cmd, &a->ax);
}

/* -o DIR, or -o NAME.pdf|svg|png: one file, its format from its name
 * (and --format, if given, must agree). 0, or a usage line and 2. */
static int plot_dest(struct plot_args *a, struct gp_fig *fig, char *dir,
		     size_t dlen, char *base, size_t blen)
{
	static const char *const ext[] = { ".png", ".svg", ".pdf" };
	const char *slash = strrchr(a->dir, '/');
	const char *name = slash ? slash + 1 : a->dir;
	size_t n = strlen(name), e;
	int k;

	fig->formats = a->formats ? a->formats : GP_ALL;
	fig->dir = a->dir;
	for (k = 0; k < 3; k++) {
		e = strlen(ext[k]);
		if (n <= e || strcmp(name + n - e, ext[k]))
			continue;
		if (a->formats && a->formats != 1 << k)
			return opt_error(&plot_cmdline, "-o %s is one %s file: "
					 "--format says otherwise", a->dir,
					 ext[k] + 1);
		snprintf(dir, dlen, "%.*s", slash ? (int)(slash - a->dir) : 1,
			 slash ? a->dir : ".");
		snprintf(base, blen, "%.*s", (int)(n - e), name);
		fig->dir = dir;
		fig->base = base;
		fig->formats = 1 << k;
	}
	return 0;
}

/* The file name of an x-y figure: latency_energy, or X_Y made safe. */
static void space_base(const char *xs, const char *ys, char *base, size_t len)
{
	size_t i;

	if (!strcmp(xs, "latency_us") && !strcmp(ys, "energy_pj")) {
		snprintf(base, len, "latency_energy");
		return;
	}
	for (snprintf(base, len, "%s_%s", xs, ys), i = 0; base[i]; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP"
			    "QRSTUVWXYZ0123456789_-.", base[i]))
			base[i] = '_';
}

int plot_cmd(int argc, char **argv)
{
	struct plot_args a = { .rep = NULL };
	struct an_axes *ax = &a.ax;
	struct gp_fig fig = { NULL, NULL, 0, 0, 0 };
	struct plot_ops ops = { .bars = NULL };
	char gp[1024], dir[1024], base[256];
	struct sim_err err;
	struct json_val root;
	struct results c;
	int rc;

	if ((rc = plot_parse(argc, argv, &a)))
		return rc == OPT_HELP ? SIM_EXIT_OK : rc;
	if (plot_dest(&a, &fig, dir, sizeof dir, base, sizeof base))
		return SIM_EXIT_USAGE;
	if (!fig.base) {
		if (a.rep)
			snprintf(base, sizeof base, "ops");
		else
			space_base(ax->xs, ax->ys, base, sizeof base);
		fig.base = base;
	}
	/* bad input first, so it is reported with or without gnuplot */
	if (ax->file ? an_axes_load(ax, &c, &err) :
	    json_load(a.rep, &root, &err))
		return err_print("stasim", &err, SIM_EXIT_USAGE);
	rc = ax->file ? plot_csv_check(&c, &ax->f, a.by, &err) :
		plot_ops_read(a.rep, &root, &ops, &err);
	if (rc)
		rc = err_print("stasim", &err, SIM_EXIT_USAGE);
	else if (path_find_exe("gnuplot", gp, sizeof gp)) {
		fputs("stasim: plot: gnuplot not found on PATH: install "
		      "gnuplot-nox ('make deps' or 'apt-get install "
		      "gnuplot-nox')\n", stderr);
		rc = SIM_EXIT_USAGE;
	} else
		rc = ax->file ? plot_csv(&c, &ax->f, ax->xs, ax->ys, a.by, &fig,
					 gp) :
			plot_ops_draw(a.rep, &root, &ops, &fig, gp);
	if (ax->file)
		results_free(&c);
	else
		json_free(&root);
	plot_ops_free(&ops);
	return rc;
}
