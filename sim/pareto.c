/*
 * pareto.c - stasim pareto: the Pareto front of a sweep's ok rows,
 * minimizing two or three columns (analysis.h, pareto.h,
 * docs/analysis.md): latency and energy by default, or --objectives
 * latency_us,energy_pj,area_mm2.
 *
 * Invariant: the front holds every ok row passing the filters that no
 * other such row beats on both columns; equal points are all kept, in
 * order of x, then y, then file order.
 */
#include "pareto.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "lib/buf.h"
#include "lib/num.h"

static int pt_cmp(const void *a, const void *b)
{
	const struct pareto_pt *p = a, *q = b;

	if (p->x != q->x)
		return p->x < q->x ? -1 : 1;
	if (p->y != q->y)
		return p->y < q->y ? -1 : 1;
	if (p->z != q->z)
		return p->z < q->z ? -1 : 1;
	return p->row < q->row ? -1 : p->row > q->row;
}

/* 1 when q is no worse than p in all three and better in one. */
static int dominates(const struct pareto_pt *q, const struct pareto_pt *p)
{
	return q->x <= p->x && q->y <= p->y && q->z <= p->z &&
	       (q->x < p->x || q->y < p->y || q->z < p->z);
}

/* The ok rows passing f as points (z = 0 with two columns), sorted. */
static size_t pareto_points(const struct results *c, const long *cols,
			    int k, const struct filt *f,
			    struct pareto_pt *p, size_t *n_sel)
{
	size_t i, n = 0;

	*n_sel = 0;
	for (i = 0; i < c->nrows; i++) {
		if (!filt_match(f, &c->rows[i]))
			continue;
		++*n_sel;
		if (!results_row_ok(c, &c->rows[i]))
			continue;
		p[n].x = results_num(&c->rows[i], cols[0]);
		p[n].y = results_num(&c->rows[i], cols[1]);
		p[n].z = k > 2 ? results_num(&c->rows[i], cols[2]) : 0;
		p[n++].row = i;
	}
	qsort(p, n, sizeof *p, pt_cmp);
	return n;
}

/* Sorted lexicographically, a point's dominators all come before it, and
 * one of them is on the front (dominance is transitive): so checking the
 * front found so far is enough. */
size_t pareto_front_k(const struct results *c, const long *cols, int k,
		      const struct filt *f, struct pareto_pt *front,
		      size_t *n_sel, size_t *n_ok)
{
	struct pareto_pt *p = buf_grow(NULL, (c->nrows + 1) * sizeof *p);
	size_t i, j, n = pareto_points(c, cols, k, f, p, n_sel), nf = 0;

	for (i = 0; i < n; i++) {
		for (j = 0; j < nf && !dominates(&front[j], &p[i]); j++)
			;
		if (j == nf)
			front[nf++] = p[i];
	}
	free(p);
	*n_ok = n;
	return nf;
}

size_t pareto_front(const struct results *c, long xc, long yc,
		    const struct filt *f, struct pareto_pt *front,
		    size_t *n_sel, size_t *n_ok)
{
	long cols[2] = { xc, yc };

	return pareto_front_k(c, cols, 2, f, front, n_sel, n_ok);
}

enum pfmt { PF_TXT, PF_CSV, PF_MD };

/* Field j of a row (or the header) in format fmt, padded to w in txt. */
static void put_cell(FILE *f, enum pfmt fmt, const char *s, size_t j,
		     size_t w, int right)
{
	if (fmt == PF_CSV) {
		fputs(j ? "," : "", f);
		an_put_csv(f, s);
	} else if (fmt == PF_MD) {
		fputs(j ? " | " : "| ", f);
		an_put_md(f, s);
	} else {
		fputs(j ? "  " : "", f);
		an_put_txt(f, s, w, right);
	}
}

static void pareto_write(FILE *f, const struct results *c, const struct pareto_pt *fr,
			 size_t nf, enum pfmt fmt, const char *const *obj,
			 int k, const struct filt *flt, size_t n_sel,
			 size_t n_ok)
{
	char among[400], what[400];

	size_t nc = c->head.n, i, j, last;
	size_t *w = buf_grow(NULL, nc * sizeof *w);
	int *right = buf_grow(NULL, nc * sizeof *right);
	double v;

	/* right-aligned: a column with numbers and nothing else but blanks */
	for (j = 0; j < nc; j++) {
		w[j] = strlen(c->head.f[j]);
		right[j] = 0;
		for (i = 0; i < nf; i++) {
			const char *s = c->rows[fr[i].row].f[j];

			if (strlen(s) > w[j])
				w[j] = strlen(s);
			if (*s && num_double_blank(s, &v))
				break;
			right[j] |= *s != 0;
		}
		right[j] &= i == nf;
	}
	filt_text(flt, ", rows with ", among, sizeof among);
	if (k > 2)
		snprintf(what, sizeof what, "%s, %s and %s", obj[0], obj[1],
			 obj[2]);
	else
		snprintf(what, sizeof what, "%s and %s", obj[0], obj[1]);
	if (fmt == PF_TXT)
		fprintf(f, "# Pareto front of %s%s, minimizing %s: %zu "
			"of %zu ok rows (%zu rows not ok left out)\n", c->path,
			among, what, nf, n_ok, n_sel - n_ok);
	for (j = 0; j < nc; j++)
		put_cell(f, fmt, c->head.f[j], j, j + 1 == nc && !right[j] ?
			 0 : w[j], right[j]);
	fputs(fmt == PF_MD ? " |\n" : "\n", f);
	if (fmt == PF_MD) {
		for (j = 0; j < nc; j++)
			fputs(right[j] ? "|---:" : "|---", f);
		fputs("|\n", f);
	}
	for (i = 0; i < nf; i++) {
		const struct csv_row *r = &c->rows[fr[i].row];

		/* txt: no trailing blanks, so stop after the last non-empty
		 * field and do not pad it when left-aligned */
		for (last = nc; fmt == PF_TXT && last > 1 && !r->f[last - 1][0];)
			last--;
		for (j = 0; j < last; j++)
			put_cell(f, fmt, r->f[j], j, j + 1 == last && !right[j] ?
				 0 : w[j], right[j]);
		fputs(fmt == PF_MD ? " |\n" : "\n", f);
	}
	free(w);
	free(right);
}

/* long-only option of pareto alone (after analysis.h's AN_*) */
enum { PF_OBJECTIVES = OPT_LONG + 64 };

static const struct opt_spec pareto_opts[] = {
	{ AN_X, "x", "COL", "column minimized along x (default latency_us)" },
	{ AN_Y, "y", "COL", "column minimized along y (default energy_pj)" },
	{ PF_OBJECTIVES, "objectives", "A,B[,C]", "two or three columns "
	  "minimized, e.g. latency_us,energy_pj,area_mm2" },
	AN_WHERE_SPEC,
	{ AN_FORMAT, "format", "FMT", "txt (default, aligned), csv or md" },
	AN_OUTPUT_SPEC,
	OPT_END,
};

static const struct opt_cmd pareto_cmdline = {
	"stasim", "pareto", "RESULTS.csv [--x COL] [--y COL] "
	"[--objectives A,B[,C]]\n"
	"                     [--where KEY=VALUE]... [--format txt|csv|md] "
	"[-o FILE]",
	"The Pareto front of a sweep's results: the ok rows that no other ok\n"
	"row beats on every objective, all minimized (docs/analysis.md): "
	"--x and\n--y (latency_us and energy_pj by default), or two or three "
	"columns of\n--objectives, e.g. latency_us,energy_pj,area_mm2.",
	pareto_opts,
};

struct pareto_args {
	struct an_axes ax;	/* the file, --x, --y, --where */
	const char *outp;	/* -o FILE, NULL = stdout */
	enum pfmt fmt;		/* --format */
	char objs[256];		/* --objectives, split in place */
	const char *obj[PARETO_OBJ_MAX + 1];	/* the objectives, NULL-ended */
	int k;			/* how many: 2 or 3 (0: --x, --y) */
};

/* --objectives A,B[,C] into a->obj; 0, or a usage line and 2. */
static int objectives(struct pareto_args *a, const char *v)
{
	char *s;
	int k = 0, i;

	if (snprintf(a->objs, sizeof a->objs, "%s", v) >= (int)sizeof a->objs)
		return opt_error(&pareto_cmdline, "--objectives %s: too long",
				 v);
	for (s = strtok(a->objs, ","); s; s = strtok(NULL, ",")) {
		if (k == PARETO_OBJ_MAX)
			return opt_error(&pareto_cmdline, "--objectives %s: "
					 "more than %d columns", v,
					 PARETO_OBJ_MAX);
		for (i = 0; i < k; i++)
			if (!strcmp(a->obj[i], s))
				return opt_error(&pareto_cmdline, "--objectives"
						 " names '%s' twice", s);
		a->obj[k++] = s;
	}
	if (k < 2)
		return opt_error(&pareto_cmdline, "--objectives %s: needs two "
				 "or three columns, comma-separated", v);
	a->obj[k] = NULL;
	a->k = k;
	return 0;
}

static int pareto_opt(void *ctx, int key, const char *v)
{
	static const char *const fmts[] = { "txt", "csv", "md", NULL };
	struct pareto_args *a = ctx;
	int i;

	switch (key) {
	case AN_FORMAT:
		if ((i = an_pick(&pareto_cmdline, "--format", v, fmts)) < 0)
			return SIM_EXIT_USAGE;
		a->fmt = (enum pfmt)i;
		return 0;
	case 'o':
		a->outp = v;
		return 0;
	case PF_OBJECTIVES:
		return objectives(a, v);
	default:
		return an_axes_opt(&pareto_cmdline, &a->ax, key, v);
	}
}

/* Options into a, axes defaulted; 0, OPT_HELP, or a usage line and 2. */
static int pareto_parse(int argc, char **argv, struct pareto_args *a)
{
	const struct opt_cmd *cmd = &pareto_cmdline;
	int rc = opt_parse(cmd, argc, argv, pareto_opt, a);

	if (rc)
		return rc;
	if (!a->ax.file)
		return opt_error(cmd, "needs RESULTS.csv, a results file of "
				 "'stasim sweep'");
	if (a->k && (a->ax.xs || a->ax.ys))
		return opt_error(cmd, "--objectives replaces --x and --y: give "
				 "one or the other");
	if ((rc = an_axes_default(cmd, &a->ax)))
		return rc;
	if (!a->k) {
		a->obj[0] = a->ax.xs;
		a->obj[1] = a->ax.ys;
		a->obj[2] = NULL;
		a->k = 2;
	}
	return 0;
}

int pareto_cmd(int argc, char **argv)
{
	struct pareto_args a = { .fmt = PF_TXT };
	struct an_axes *ax = &a.ax;
	struct sim_err err;
	struct results c;
	struct an_out out;
	struct pareto_pt *front;
	size_t nf, n_sel, n_ok;
	long cols[PARETO_OBJ_MAX];
	int rc, i;

	if ((rc = pareto_parse(argc, argv, &a)))
		return rc == OPT_HELP ? SIM_EXIT_OK : rc;
	if (results_load(ax->file, &c, a.obj, &err))
		return err_print("stasim", &err, SIM_EXIT_USAGE);
	if (filt_resolve(&ax->f, &c, &err) ||
	    (ax->f.n && filt_check(&ax->f, &c, &err))) {
		results_free(&c);
		return err_print("stasim", &err, SIM_EXIT_USAGE);
	}
	front = buf_grow(NULL, (c.nrows + 1) * sizeof *front);
	for (i = 0; i < a.k; i++)
		cols[i] = results_col(&c, a.obj[i]);
	nf = pareto_front_k(&c, cols, a.k, &ax->f, front, &n_sel, &n_ok);
	if (!n_ok)
		fprintf(stderr, "stasim: %s: no row has status ok; the front is "
			"empty\n", ax->file);
	if (an_out_open(&out, a.outp, &err))
		rc = err_print("stasim", &err, SIM_EXIT_USAGE);
	else {
		pareto_write(out.f, &c, front, nf, a.fmt, a.obj, a.k,
			     &ax->f, n_sel, n_ok);
		rc = an_out_close(&out);
	}
	free(front);
	results_free(&c);
	return rc;
}
