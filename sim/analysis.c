/*
 * analysis.c - what pareto, table and plot share (analysis.h): one error
 * line, option values picked from a list, the one results-file operand,
 * the output file or stdout, cell text in csv, Markdown, LaTeX and
 * aligned text, the label table of captions, heads and axes, and the
 * spec order of rows.
 *
 * Invariant: an output named by -o appears whole or not at all
 * (lib/afile); stdout is checked for write errors before success.
 */
#include "analysis.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/csv.h"
#include "lib/num.h"
#include "trace.h"

/*
 * The label table (analysis.h): one row per column a reader meets in
 * results and reports. name and unit make heads and axes; vunit follows a
 * value standing alone as a heading; scale turns the column's unit into
 * the shown one; metric marks measured numbers (never a swept key).
 */
static const struct {
	const char *col;	/* column, or report unit */
	const char *name;	/* for a reader */
	const char *unit;	/* shown unit, "" for none */
	const char *vunit;	/* after a lone value, NULL: the unit */
	double scale;		/* column value x scale = shown value */
	int metric;		/* measured, not swept */
} labels[] = {
	{ "point", "design point", "", NULL, 1, 1 },
	{ "trace", "trace", "", NULL, 1, 0 },
	{ "config", "configuration", "", NULL, 1, 0 },
	{ "model", "model", "", NULL, 1, 0 },
	{ "nm", "N:M", "", NULL, 1, 0 },
	{ "seq", "sequence length", "", "tokens", 1, 0 },
	{ "mode", "mode", "", NULL, 1, 0 },
	{ "seed", "seed", "", NULL, 1, 0 },
	{ "stasim_version", "stasim version", "", NULL, 1, 0 },
	{ "cycles", "cycles", "", NULL, 1, 1 },
	{ "latency_us", "latency", "ms", NULL, 1e-3, 1 },
	{ "energy_pj", "energy", "mJ", NULL, 1e-9, 1 },
	{ "edp_pj_us", "energy-delay product", "mJ\xc2\xb7ms", NULL, 1e-12, 1 },
	{ "macs", "MACs performed", "G", NULL, 1e-9, 1 },
	{ "dense_macs", "dense-equivalent MACs", "G", NULL, 1e-9, 1 },
	{ "utilization_pct", "utilization", "%", NULL, 1, 1 },
	{ "dram_bytes", "DRAM traffic", "MiB", NULL, 1.0 / 1048576, 1 },
	{ "area_mm2", "area", "mm\xc2\xb2", NULL, 1, 1 },
	{ "arch.name", "configuration", "", NULL, 1, 0 },
	{ "arch.clock_mhz", "clock", "MHz", NULL, 1, 0 },
	{ "engine.rows", "array rows", "", "rows", 1, 0 },
	{ "engine.cols", "array columns", "", "columns", 1, 0 },
	{ "engine.n_max", "non-zeros per group (N max)", "", NULL, 1, 0 },
	{ "engine.m_max", "group size (M max)", "", NULL, 1, 0 },
	{ "sram.act_kib", "activation buffer", "KiB", NULL, 1, 0 },
	{ "sram.wgt_kib", "weight buffer", "KiB", NULL, 1, 0 },
	{ "sram.out_kib", "output buffer", "KiB", NULL, 1, 0 },
	{ "dram.bandwidth_gbps", "DRAM bandwidth", "GB/s", NULL, 1, 0 },
	{ "dram.latency_ns", "DRAM latency", "ns", NULL, 1, 0 },
	{ "softmax.lanes", "softmax lanes", "", "lanes", 1, 0 },
	{ "vector.lanes", "vector lanes", "", "lanes", 1, 0 },
	/* a report's units (energy.sde_pj, tiling.unit) */
	{ "sde", "engine", "", NULL, 1, 0 },
	{ "smx", "softmax", "", NULL, 1, 0 },
	{ "vec", "vector", "", NULL, 1, 0 },
	{ "gate", "MoE gate", "", NULL, 1, 0 },
	{ "sram", "SRAM", "", NULL, 1, 0 },
	{ "dram", "DRAM", "", NULL, 1, 0 },
	{ "dma", "DMA", "", NULL, 1, 0 },
	{ "leakage", "leakage", "", NULL, 1, 0 },
	{ "stall", "stalled", "", NULL, 1, 0 },
	{ "energy", "not split", "", NULL, 1, 0 },	/* an op without parts */
};

/* Unit suffixes of column names not in the table. */
static const struct {
	const char *suffix, *unit;
} suffixes[] = {
	{ "_kib", "KiB" }, { "_mib", "MiB" }, { "_mhz", "MHz" },
	{ "_gbps", "GB/s" }, { "_ns", "ns" }, { "_us", "\xc2\xb5s" },
	{ "_pj", "pJ" }, { "_mm2", "mm\xc2\xb2" }, { "_bytes", "B" },
};

/* A name from a column's own: '_' and '.' as blanks, unit suffix off. */
static void label_guess(const char *col, struct an_label *l)
{
	size_t n = strlen(col), i, e;

	for (i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		e = strlen(suffixes[i].suffix);
		if (n > e && !strcmp(col + n - e, suffixes[i].suffix)) {
			snprintf(l->unit, sizeof l->unit, "%s", suffixes[i].unit);
			n -= e;
			break;
		}
	}
	if (n >= sizeof l->name)
		n = sizeof l->name - 1;
	for (i = 0; i < n; i++)
		l->name[i] = col[i] == '_' || col[i] == '.' ? ' ' : col[i];
	l->name[n] = 0;
}

void an_label_of(const char *col, struct an_label *l)
{
	size_t i;

	memset(l, 0, sizeof *l);
	l->scale = 1;
	for (i = 0; i < sizeof labels / sizeof labels[0]; i++)
		if (!strcmp(col, labels[i].col)) {
			snprintf(l->name, sizeof l->name, "%s", labels[i].name);
			snprintf(l->unit, sizeof l->unit, "%s", labels[i].unit);
			snprintf(l->vunit, sizeof l->vunit, "%s", labels[i].vunit ?
				 labels[i].vunit : labels[i].unit);
			l->scale = labels[i].scale;
			l->metric = labels[i].metric;
			return;
		}
	label_guess(col, l);
	snprintf(l->vunit, sizeof l->vunit, "%s", l->unit);
}

const char *an_head(const char *col, char *buf, size_t len)
{
	struct an_label l;

	an_label_of(col, &l);
	snprintf(buf, len, l.unit[0] ? "%s (%s)" : "%s", l.name, l.unit);
	return buf;
}

const char *an_value(const char *col, const char *val, char *buf, size_t len)
{
	if (strcmp(col, "trace"))
		snprintf(buf, len, "%s", val);
	else
		trace_file_stem(val, buf, len);
	return buf;
}

const char *an_value_head(const char *col, const char *val, char *buf,
			  size_t len)
{
	struct an_label l;
	char v[256];
	double d;

	an_label_of(col, &l);
	an_value(col, val, v, sizeof v);
	if (l.vunit[0])
		snprintf(buf, len, "%s %s", v, l.vunit);
	else if (!num_double(v, &d))	/* a bare number needs its key */
		snprintf(buf, len, "%s %s", l.name, v);
	else
		snprintf(buf, len, "%s", v);
	return buf;
}

const char *an_key_value(const char *col, const char *val, char *buf,
			 size_t len)
{
	struct an_label l;
	char v[256];

	an_label_of(col, &l);
	snprintf(buf, len, "%s = %s%s%s", l.name, an_value(col, val, v,
		 sizeof v), l.unit[0] ? " " : "", l.unit);
	return buf;
}

void an_filter_text(const struct filt *f, char *buf, size_t len)
{
	char kv[400];
	size_t n = 0;
	int k;

	buf[0] = 0;
	for (k = 0; k < f->n && n < len; k++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", k ? ", " : "",
				      an_key_value(f->w[k].key, f->w[k].val,
						   kv, sizeof kv));
}

int an_non_key(const char *name)
{
	struct an_label l;
	size_t i;

	if (!strcmp(name, "point") || !strcmp(name, "status") ||
	    !strcmp(name, "error") || !strcmp(name, "area_estimated"))
		return 1;	/* area_estimated: a property of area_mm2 */
	for (i = 0; results_numeric[i]; i++)
		if (!strcmp(name, results_numeric[i]))
			return 1;
	an_label_of(name, &l);
	return l.metric;
}

/* Row order by point id, then file order (for qsort). */
struct order_key {
	unsigned long long point;	/* the point column's value */
	size_t row;		/* file index */
};

static int order_cmp(const void *a, const void *b)
{
	const struct order_key *p = a, *q = b;

	if (p->point != q->point)
		return p->point < q->point ? -1 : 1;
	return p->row < q->row ? -1 : p->row > q->row;
}

size_t *an_spec_order(const struct results *c, const struct filt *f,
		      size_t *n)
{
	struct order_key *k = buf_grow(NULL, (c->nrows + 1) * sizeof *k);
	size_t *idx = buf_grow(NULL, (c->nrows + 1) * sizeof *idx);
	long pc = results_col(c, "point");
	uint64_t v;
	size_t i, m = 0;
	int ids = pc >= 0;

	for (i = 0; i < c->nrows; i++) {
		if (f && !filt_match(f, &c->rows[i]))
			continue;
		if (ids && num_u64(c->rows[i].f[pc], &v))
			ids = 0;
		k[m].point = ids ? v : 0;
		k[m++].row = i;
	}
	if (ids)
		qsort(k, m, sizeof *k, order_cmp);
	for (i = 0; i < m; i++)
		idx[i] = k[i].row;
	free(k);
	*n = m;
	return idx;
}

/* "a, b or c" from names (NULL-terminated) into buf. */
void an_name_list(const char *const *names, char *buf, size_t len)
{
	size_t n = 0, i;

	buf[0] = 0;
	for (i = 0; names[i] && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", !i ? "" :
				      names[i + 1] ? ", " : " or ", names[i]);
}

/*
 * Index of val among names (NULL-terminated) for option opt, or -1 after
 * one usage line listing them with the nearest as a fix: "--format: 'tex'
 * is not md or latex; did you mean 'latex'?".
 */
int an_pick(const struct opt_cmd *cmd, const char *opt, const char *val,
		const char *const *names)
{
	const char *near = opt_suggest(val, names);
	char list[200];
	int i;

	for (i = 0; names[i]; i++)
		if (!strcmp(val, names[i]))
			return i;
	an_name_list(names, list, sizeof list);
	opt_error(cmd, "%s: '%s' is not %s%s%s%s", opt, val, list,
		  near ? "; did you mean '" : "", near ? near : "",
		  near ? "'?" : "");
	return -1;
}

/* The one results file operand into *file; 0, or a usage line and 2. */
int an_operand(const struct opt_cmd *cmd, const char **file,
		   const char *v)
{
	if (*file)
		return opt_error(cmd, "one results file only ('%s' and '%s')",
				 *file, v);
	*file = v;
	return 0;
}

int an_axes_opt(const struct opt_cmd *cmd, struct an_axes *ax, int key,
		const char *v)
{
	switch (key) {
	case 0:
		return an_operand(cmd, &ax->file, v);
	case AN_X:
		ax->xs = v;
		return 0;
	case AN_Y:
		ax->ys = v;
		return 0;
	default:	/* AN_WHERE */
		return filt_add(&ax->f, cmd, v);
	}
}

int an_axes_default(const struct opt_cmd *cmd, struct an_axes *ax)
{
	ax->xs = ax->xs ? ax->xs : "latency_us";
	ax->ys = ax->ys ? ax->ys : "energy_pj";
	if (ax->file && !strcmp(ax->xs, ax->ys))
		return opt_error(cmd, "--x and --y both name '%s'", ax->xs);
	return 0;
}

int an_axes_load(const struct an_axes *ax, struct results *c,
		 struct sim_err *err)
{
	const char *nums[3];

	nums[0] = ax->xs;
	nums[1] = ax->ys;
	nums[2] = NULL;
	return results_load(ax->file, c, nums, err);
}

int an_out_open(struct an_out *o, const char *path, struct sim_err *err)
{
	o->path = path;
	o->f = stdout;
	if (!path)
		return 0;
	if (afile_open(&o->a, path, "-o", err))
		return -1;
	o->f = o->a.f;
	return 0;
}

/* Returns the exit status, printing the error if any. */
int an_out_close(struct an_out *o)
{
	struct sim_err err;

	if (o->path)
		return afile_commit(&o->a, "-o", &err) ?
			err_print("stasim", &err, SIM_EXIT_USAGE) : SIM_EXIT_OK;
	if (fflush(stdout) == 0 && !ferror(stdout))
		return SIM_EXIT_OK;
	fprintf(stderr, "stasim: stdout: cannot write: %s\n", strerror(errno));
	return SIM_EXIT_FAIL;
}
void an_put_csv(FILE *f, const char *s)
{
	csv_put_field(s, 0, csv_sink_file, f);
}

/* Markdown cell text: '|' escaped, line breaks as spaces. */
void an_put_md(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			fputs("\\|", f);
		else if (*s == '\n' || *s == '\r')
			fputc(' ', f);
		else
			fputc(*s, f);
	}
}

/* The label table's non-ASCII characters in LaTeX: the bytes of s past
 * the first that were written (0 for any other character, written as it
 * is, for inputenc to take). */
static size_t tex_utf8(FILE *f, const char *s)
{
	static const struct {
		const char *utf8, *tex;
	} map[] = {
		{ "\xc2\xb5", "$\\mu$" }, { "\xc2\xb2", "\\textsuperscript{2}" },
		{ "\xc2\xb7", "$\\cdot$" }, { "\xc3\x97", "$\\times$" },
		{ "\xe2\x80\x93", "--" }, { "\xe2\x88\x92", "$-$" },
	};
	size_t i, n;

	for (i = 0; i < sizeof map / sizeof map[0]; i++) {
		n = strlen(map[i].utf8);
		if (!strncmp(s, map[i].utf8, n)) {
			fputs(map[i].tex, f);
			return n - 1;
		}
	}
	fputc(*s, f);
	return 0;
}

/* LaTeX text: the ten special characters escaped, line breaks as spaces,
 * the label table's µ ² · × – − as LaTeX. */
void an_put_tex(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '_': case '&': case '%': case '$': case '#':
		case '{': case '}':
			fputc('\\', f);
			fputc(*s, f);
			break;
		case '~':
			fputs("\\textasciitilde{}", f);
			break;
		case '^':
			fputs("\\textasciicircum{}", f);
			break;
		case '\\':
			fputs("\\textbackslash{}", f);
			break;
		case '\n': case '\r':
			fputc(' ', f);
			break;
		default:
			s += tex_utf8(f, s);
		}
	}
}

/* Plain text, line breaks as spaces, padded to width (left or right). */
void an_put_txt(FILE *f, const char *s, size_t width, int right)
{
	size_t n = strlen(s), i;

	for (i = n; right && i < width; i++)
		fputc(' ', f);
	for (; *s; s++)
		fputc(*s == '\n' || *s == '\r' ? ' ' : *s, f);
	for (i = n; !right && i < width; i++)
		fputc(' ', f);
}

