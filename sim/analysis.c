/*
 * analysis.c - pareto, table and plot: reading results back (analysis.h,
 * docs/analysis.md).
 *
 * Inputs are a results.csv as `stasim sweep` writes it (RFC 4180, one
 * header line naming the columns; the swept keys sit between the fixed
 * columns, so every column is found by name) and a report.json as
 * `stasim run -o` writes it (docs/report.md). Each input is read whole and
 * checked before anything is written, so a malformed input gives one error
 * line, exit status 2 and no output.
 *
 * Invariant: every row a command sees has exactly as many fields as the
 * header, its status is ok, invalid or failed, and every numeric column of
 * an ok row holds a finite number.
 */
#include "analysis.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "afile.h"
#include "err.h"
#include "opt.h"

extern char **environ;

#define WHERE_MAX 16		/* --where filters per table */
#define JSON_DEPTH 64		/* deepest nesting a report may have */
#define OPS_PER_OP_MAX 40	/* above this many ops, plot per op kind */
#define FRONT_LABELS_MAX 15	/* label front points with their id up to this */

/* Columns of results.csv that hold numbers (checked on ok rows). */
static const char *const numeric_cols[] = { "cycles", "latency_us",
	"energy_pj", "edp_pj_us", "macs", "dense_macs", "utilization",
	"dram_bytes", NULL };

/* ---------------------------------------------------------------------- */
/* Small helpers                                                           */

/* realloc that never returns NULL: out of memory ends the process. */
static void *grow(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q) {
		fputs("stasim: out of memory\n", stderr);
		abort();
	}
	return q;
}

/* Print err as the one error line; returns rc. */
static int print_err(const struct sim_err *err, int rc)
{
	char buf[1400];

	err_format(err, buf, sizeof buf);
	fprintf(stderr, "stasim: %s\n", buf);
	return rc;
}

/* Long-only options of pareto, table and plot (opt.h); -o is the letter. */
enum {
	K_X = OPT_LONG,		/* --x COL */
	K_Y,			/* --y COL */
	K_WHERE,		/* --where KEY=VALUE, repeatable */
	K_FORMAT,		/* --format NAME */
	K_ROWS,			/* --rows KEY */
	K_COLS,			/* --cols KEY */
	K_BASELINE,		/* --baseline VALUE */
	K_METRIC,		/* --metric NAME */
	K_REPORT,		/* --report REPORT.json */
};

/* "a, b or c" from names (NULL-terminated) into buf. */
static void name_list(const char *const *names, char *buf, size_t len)
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
static int pick(const struct opt_cmd *cmd, const char *opt, const char *val,
		const char *const *names)
{
	const char *near = opt_suggest(val, names);
	char list[200];
	int i;

	for (i = 0; names[i]; i++)
		if (!strcmp(val, names[i]))
			return i;
	name_list(names, list, sizeof list);
	opt_error(cmd, "%s: '%s' is not %s%s%s%s", opt, val, list,
		  near ? "; did you mean '" : "", near ? near : "",
		  near ? "'?" : "");
	return -1;
}

/* The one results file operand into *file; 0, or a usage line and 2. */
static int operand(const struct opt_cmd *cmd, const char **file,
		   const char *v)
{
	if (*file)
		return opt_error(cmd, "one results file only ('%s' and '%s')",
				 *file, v);
	*file = v;
	return 0;
}

/* A finite number, blanks around it allowed. Returns 0 or -1. */
static int num_parse(const char *s, double *v)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s)
		return -1;
	*v = strtod(s, &end);
	while (*end == ' ' || *end == '\t')
		end++;
	return *end || !isfinite(*v) ? -1 : 0;
}

static int read_all(const char *path, char **buf, size_t *len,
		    struct sim_err *err)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 65536, n = 0, got;
	char *b;

	if (!f)
		return err_set(err, path, 0, "", "cannot open: %s",
			       strerror(errno));
	b = grow(NULL, cap);
	while ((got = fread(b + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap)
			b = grow(b, cap *= 2);
	}
	if (ferror(f)) {
		fclose(f);
		free(b);
		return err_set(err, path, 0, "", "cannot read: %s",
			       strerror(errno));
	}
	fclose(f);
	*buf = b;
	*len = n;
	return 0;
}

/* Where an output goes: stdout, or FILE through a temporary and rename. */
struct out {
	struct afile a;		/* used when path is set */
	const char *path;	/* -o FILE, or NULL for stdout */
	FILE *f;		/* write here */
};

static int out_open(struct out *o, const char *path, struct sim_err *err)
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
static int out_close(struct out *o)
{
	struct sim_err err;

	if (o->path)
		return afile_commit(&o->a, "-o", &err) ?
			print_err(&err, SIM_EXIT_USAGE) : SIM_EXIT_OK;
	if (fflush(stdout) == 0 && !ferror(stdout))
		return SIM_EXIT_OK;
	fprintf(stderr, "stasim: stdout: cannot write: %s\n", strerror(errno));
	return SIM_EXIT_FAIL;
}

/* ---------------------------------------------------------------------- */
/* CSV reader (RFC 4180: quoted fields may hold commas, "" and newlines)   */

struct csv_row {
	char **f;		/* fields, NUL-terminated copies */
	int *line;		/* 1-based line on which each field starts */
	size_t n;		/* number of fields */
};

struct csv {
	const char *path;	/* as the user named it */
	struct csv_row head;	/* the header: column names */
	struct csv_row *rows;	/* data records, in file order */
	size_t nrows;		/* used entries of rows */
	size_t status;		/* column index of "status" */
};

struct csv_rd {
	const char *p, *end;	/* unread input */
	int line;		/* line of *p */
	const struct csv *c;	/* header so far, for column names */
};

struct sbuf {
	char *s;		/* bytes, NUL-terminated once done */
	size_t n, cap;		/* used and allocated bytes */
};

static void sb_put(struct sbuf *b, char ch)
{
	if (b->n == b->cap)
		b->s = grow(b->s, b->cap = b->cap ? 2 * b->cap : 32);
	b->s[b->n++] = ch;
}

static void row_add(struct csv_row *r, char *s, int line)
{
	r->f = grow(r->f, (r->n + 1) * sizeof *r->f);
	r->line = grow(r->line, (r->n + 1) * sizeof *r->line);
	r->f[r->n] = s;
	r->line[r->n++] = line;
}

static void row_free(struct csv_row *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->f[i]);
	free(r->f);
	free(r->line);
	memset(r, 0, sizeof *r);
}

static void csv_free(struct csv *c)
{
	size_t i;

	for (i = 0; i < c->nrows; i++)
		row_free(&c->rows[i]);
	free(c->rows);
	row_free(&c->head);
	c->rows = NULL;
	c->nrows = 0;
}

static int at_eol(const struct csv_rd *r)
{
	return *r->p == '\n' || (*r->p == '\r' && (r->p + 1 == r->end ||
						   r->p[1] == '\n'));
}

static void eat_eol(struct csv_rd *r)
{
	if (*r->p == '\r')
		r->p++;
	if (r->p < r->end && *r->p == '\n')
		r->p++;
	r->line++;
}

/* Name of field col for messages: the header's name, else "column N". */
static const char *col_name(const struct csv *c, size_t col, char *buf,
			    size_t len)
{
	if (col < c->head.n)
		return c->head.f[col];
	snprintf(buf, len, c->head.n ? "column %zu" : "header column %zu",
		 col + 1);
	return buf;
}

/* Why the character at r->p cannot go on in this field, or NULL. */
static const char *csv_bad(const struct csv_rd *r, int quoted)
{
	if (!*r->p)
		return "NUL byte (not a text file?)";
	if (*r->p == '"' && !quoted)
		return "quote inside an unquoted field (quote the whole field "
		       "and double the quote)";
	return NULL;
}

/* One field at r->p into row; leaves r->p on its delimiter. */
static int csv_field(struct csv_rd *r, struct csv_row *row,
		     struct sim_err *err)
{
	struct sbuf b = { 0 };
	int line = r->line, quoted = r->p < r->end && *r->p == '"';
	const char *why = NULL;
	char nb[48];

	r->p += quoted;
	while (!why) {
		if (r->p == r->end) {
			if (quoted) {
				why = "quoted field never closed";
				r->line = line;
			}
			break;
		}
		if (!quoted && (*r->p == ',' || at_eol(r)))
			break;
		if (quoted && *r->p == '"') {
			if (r->p + 1 < r->end && r->p[1] == '"') {
				sb_put(&b, '"');
				r->p += 2;
				continue;
			}
			r->p++;
			if (r->p < r->end && *r->p != ',' && !at_eol(r))
				why = "text after the closing quote";
			break;
		}
		if ((why = csv_bad(r, quoted)))
			break;
		r->line += *r->p == '\n';
		sb_put(&b, *r->p++);
	}
	if (why) {
		free(b.s);
		return err_set(err, r->c->path, r->line,
			       col_name(r->c, row->n, nb, sizeof nb), "%s", why);
	}
	sb_put(&b, 0);
	row_add(row, b.s, line);
	return 0;
}

/* One record into row: 1, or 0 at the end of input, or -1 with err. */
static int csv_record(struct csv_rd *r, struct csv_row *row,
		      struct sim_err *err)
{
	memset(row, 0, sizeof *row);
	while (r->p < r->end && at_eol(r))
		eat_eol(r);
	if (r->p == r->end)
		return 0;
	for (;;) {
		if (csv_field(r, row, err)) {
			row_free(row);
			return -1;
		}
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		if (r->p < r->end)
			eat_eol(r);
		return 1;
	}
}

static long csv_col(const struct csv *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->head.n; i++)
		if (!strcmp(c->head.f[i], name))
			return (long)i;
	return -1;
}

/*
 * Column index of name, or -1 with err naming the header line, the
 * nearest column as a likely fix ("--x latency" -> latency_us) and all.
 */
static long csv_need(const struct csv *c, const char *name,
		     struct sim_err *err)
{
	char list[400];
	const char **cands, *near;
	size_t i, n = 0;
	long col = csv_col(c, name);

	if (col >= 0)
		return col;
	list[0] = 0;
	cands = grow(NULL, (c->head.n + 1) * sizeof *cands);
	for (i = 0; i < c->head.n; i++) {
		cands[i] = c->head.f[i];
		if (n < sizeof list)
			n += (size_t)snprintf(list + n, sizeof list - n, "%s%s",
					      i ? ", " : "", c->head.f[i]);
	}
	cands[i] = NULL;
	near = opt_suggest(name, cands);
	err_set(err, c->path, c->head.line[0], name, "no such column%s%s%s "
		"(the header has: %s)", near ? "; did you mean '" : "",
		near ? near : "", near ? "'?" : "", list);
	free(cands);
	return -1;
}

static int row_ok(const struct csv *c, const struct csv_row *r)
{
	return !strcmp(r->f[c->status], "ok");
}

/* Value of column col of an ok row (checked at load). */
static double row_num(const struct csv_row *r, long col)
{
	double v = 0;

	(void)num_parse(r->f[col], &v);
	return v;
}

static int csv_header(const struct csv *c, struct sim_err *err)
{
	size_t i, j;
	char nb[48];

	for (i = 0; i < c->head.n; i++) {
		if (!c->head.f[i][0]) {
			snprintf(nb, sizeof nb, "column %zu", i + 1);
			return err_set(err, c->path, c->head.line[i], nb,
				       "empty column name in the header");
		}
		for (j = 0; j < i; j++)
			if (!strcmp(c->head.f[i], c->head.f[j]))
				return err_set(err, c->path, c->head.line[i],
					       c->head.f[i], "column name "
					       "repeated (columns %zu and %zu)",
					       j + 1, i + 1);
	}
	return 0;
}

/* Record count must match the header: name the first missing or extra. */
static int csv_ragged(const struct csv *c, const struct csv_row *r,
		      struct sim_err *err)
{
	char nb[48];

	if (r->n < c->head.n)
		return err_set(err, c->path, r->line[r->n - 1],
			       c->head.f[r->n], "missing field: the row has %zu "
			       "fields, the header %zu", r->n, c->head.n);
	return err_set(err, c->path, r->line[c->head.n],
		       col_name(c, c->head.n, nb, sizeof nb), "extra field: "
		       "the row has %zu fields, the header %zu", r->n,
		       c->head.n);
}

/* Status values and the numbers of ok rows (numeric_cols, then extra). */
static int csv_check(struct csv *c, const char *const *extra,
		     struct sim_err *err)
{
	long cols[32], col;
	size_t nc = 0, i, k;
	double v;

	for (i = 0; numeric_cols[i]; i++)
		if ((col = csv_col(c, numeric_cols[i])) >= 0)
			cols[nc++] = col;
	for (i = 0; extra && extra[i] && nc < 32; i++) {
		if ((col = csv_need(c, extra[i], err)) < 0)
			return -1;
		cols[nc++] = col;
	}
	for (i = 0; i < c->nrows; i++) {
		const struct csv_row *r = &c->rows[i];
		const char *s = r->f[c->status];

		if (strcmp(s, "ok") && strcmp(s, "invalid") && strcmp(s, "failed"))
			return err_set(err, c->path, r->line[c->status],
				       "status", "'%s' is not ok, invalid or "
				       "failed", s);
		if (strcmp(s, "ok"))
			continue;
		for (k = 0; k < nc; k++) {
			const char *f = r->f[cols[k]], *name = c->head.f[cols[k]];
			int line = r->line[cols[k]];

			if (!num_parse(f, &v))
				continue;
			if (!f[strspn(f, " \t")])
				return err_set(err, c->path, line, name, "empty, "
					       "but the row's status is ok");
			return err_set(err, c->path, line, name, "'%s' is not a "
				       "number", f);
		}
	}
	return 0;
}

/*
 * Read and check a results CSV: the header, every row as wide as it, a
 * status column, finite numbers in the numeric columns of ok rows and in
 * the columns named by extra (NULL-terminated, may be NULL), which must
 * exist. Returns 0, or -1 with err (file, line, column).
 */
static int csv_load(const char *path, struct csv *c, const char *const *extra,
		    struct sim_err *err)
{
	struct csv_rd r;
	struct csv_row row;
	size_t cap = 0;
	char *buf;
	size_t len;
	long st;
	int got;

	memset(c, 0, sizeof *c);
	c->path = path;
	if (read_all(path, &buf, &len, err))
		return -1;
	r.p = buf;
	r.end = buf + len;
	r.line = 1;
	r.c = c;
	if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3))
		r.p += 3;
	got = csv_record(&r, &c->head, err);
	if (got == 0)
		err_set(err, path, 0, "", "empty file: no header line");
	if (got <= 0 || csv_header(c, err))
		goto fail;
	while ((got = csv_record(&r, &row, err)) > 0) {
		if (row.n != c->head.n) {
			csv_ragged(c, &row, err);
			row_free(&row);
			goto fail;
		}
		if (c->nrows == cap)
			c->rows = grow(c->rows, (cap = cap ? 2 * cap : 64) *
				       sizeof *c->rows);
		c->rows[c->nrows++] = row;
	}
	if (got < 0 || (st = csv_need(c, "status", err)) < 0)
		goto fail;
	c->status = (size_t)st;
	if (csv_check(c, extra, err))
		goto fail;
	free(buf);
	return 0;
fail:
	free(buf);
	csv_free(c);
	return -1;
}

/* ---------------------------------------------------------------------- */
/* Writing rows: csv, markdown, aligned text, LaTeX                        */

static void put_csv(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* Markdown cell text: '|' escaped, line breaks as spaces. */
static void put_md(FILE *f, const char *s)
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

/* LaTeX text: the ten special characters escaped, line breaks as spaces. */
static void put_tex(FILE *f, const char *s)
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
			fputc(*s, f);
		}
	}
}

/* Plain text, line breaks as spaces, padded to width (left or right). */
static void put_txt(FILE *f, const char *s, size_t width, int right)
{
	size_t n = strlen(s), i;

	for (i = n; right && i < width; i++)
		fputc(' ', f);
	for (; *s; s++)
		fputc(*s == '\n' || *s == '\r' ? ' ' : *s, f);
	for (i = n; !right && i < width; i++)
		fputc(' ', f);
}

/* ---------------------------------------------------------------------- */
/* --where KEY=VALUE: which rows a command looks at                        */

struct where {
	char key[128];		/* column name */
	const char *val;	/* wanted value, exact text */
	long col;		/* column index, set by filt_resolve */
	int trace;		/* key is "trace": val may be a path's tail */
};

struct filt {
	struct where w[WHERE_MAX];	/* all of them must hold */
	int n;			/* how many */
};

/* Add the option value "KEY=VALUE". 0, or a usage message and 2. */
static int filt_add(struct filt *f, const struct opt_cmd *cmd, const char *v)
{
	const char *eq = strchr(v, '=');
	struct where *w = &f->w[f->n];

	if (!eq || eq == v || (size_t)(eq - v) >= sizeof w->key)
		return opt_error(cmd, "--where: '%s' is not KEY=VALUE", v);
	if (f->n == WHERE_MAX)
		return opt_error(cmd, "--where: at most %d filters", WHERE_MAX);
	memcpy(w->key, v, (size_t)(eq - v));
	w->key[eq - v] = 0;
	w->val = eq + 1;
	w->trace = !strcmp(w->key, "trace");
	f->n++;
	return 0;
}

/* Do the last m bytes of s[0..n) equal val, starting s or after a '/'? */
static int path_tail(const char *s, size_t n, const char *val, size_t m)
{
	return m <= n && !memcmp(s + n - m, val, m) &&
		(m == n || s[n - m - 1] == '/');
}

/*
 * Does cell satisfy w? Its exact text; for a trace also the tail of its
 * path after a '/', with or without .trace or .trace.gz, so trace=vit and
 * trace=nm/vit.trace.gz both match ../traces/nm/vit.trace.gz.
 */
static int where_hit(const struct where *w, const char *cell)
{
	static const char *const ext[] = { ".trace.gz", ".trace" };
	size_t n = strlen(cell), m = strlen(w->val), i, e;

	if (!strcmp(cell, w->val))
		return 1;
	if (!w->trace || !m)
		return 0;
	if (path_tail(cell, n, w->val, m))
		return 1;
	for (i = 0; i < sizeof ext / sizeof ext[0]; i++) {
		e = strlen(ext[i]);
		if (n > e && !strcmp(cell + n - e, ext[i]))
			return path_tail(cell, n - e, w->val, m);
	}
	return 0;
}

/*
 * Settle a trace filter against c: a value that is some row's whole text
 * matches that text only, as any other filter does; a shorter one must not
 * pick two traces. 0, or -1 with err.
 */
static int where_settle(struct where *w, const struct csv *c,
			struct sim_err *err)
{
	const char *first = NULL, *s;
	size_t i;

	for (i = 0; w->trace && i < c->nrows; i++)
		if (!strcmp(c->rows[i].f[w->col], w->val))
			w->trace = 0;
	for (i = 0; w->trace && i < c->nrows; i++) {
		s = c->rows[i].f[w->col];
		if (!where_hit(w, s))
			continue;
		if (!first)
			first = s;
		else if (strcmp(first, s))
			return err_set(err, c->path, c->rows[i].line[w->col],
				       "--where", "trace=%s matches two traces, "
				       "'%s' and '%s': give more of the path",
				       w->val, first, s);
	}
	return 0;
}

/* Find the filters' columns in c. 0, or -1 with err. */
static int filt_resolve(struct filt *f, const struct csv *c,
			struct sim_err *err)
{
	int k;

	for (k = 0; k < f->n; k++)
		if ((f->w[k].col = csv_need(c, f->w[k].key, err)) < 0 ||
		    where_settle(&f->w[k], c, err))
			return -1;
	return 0;
}

static int filt_match(const struct filt *f, const struct csv_row *r)
{
	int k;

	for (k = 0; k < f->n; k++)
		if (!where_hit(&f->w[k], r->f[f->w[k].col]))
			return 0;
	return 1;
}

/* 0 when a row passes; else -1 with err, blaming one filter if it can. */
static int filt_check(const struct filt *f, const struct csv *c,
		      struct sim_err *err)
{
	size_t i;
	int k;

	for (i = 0; i < c->nrows; i++)
		if (filt_match(f, &c->rows[i]))
			return 0;
	if (!c->nrows)
		return err_set(err, c->path, 0, "", "no data rows");
	for (k = 0; k < f->n; k++) {
		for (i = 0; i < c->nrows; i++)
			if (where_hit(&f->w[k], c->rows[i].f[f->w[k].col]))
				break;
		if (i == c->nrows)
			return err_set(err, c->path, 0, "--where",
				       "no row has %s=%s", f->w[k].key,
				       f->w[k].val);
	}
	return err_set(err, c->path, 0, "--where", "no row matches all the "
		       "--where filters together");
}

/* "PREFIX K=V, K=V" into buf, or "" without filters. */
static void filt_text(const struct filt *f, const char *prefix, char *buf,
		      size_t len)
{
	size_t n = 0;
	int k;

	buf[0] = 0;
	for (k = 0; k < f->n && n < len; k++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s=%s", k ? ", " :
				      prefix, f->w[k].key, f->w[k].val);
}

/* ---------------------------------------------------------------------- */
/* pareto                                                                  */

struct pt {
	double x, y;		/* the two minimized columns */
	size_t row;		/* index into csv rows (file order) */
};

static int pt_cmp(const void *a, const void *b)
{
	const struct pt *p = a, *q = b;

	if (p->x != q->x)
		return p->x < q->x ? -1 : 1;
	if (p->y != q->y)
		return p->y < q->y ? -1 : 1;
	return p->row < q->row ? -1 : p->row > q->row;
}

/*
 * The Pareto front of the ok rows minimizing columns xc and yc: into
 * front (room for every row) in order of x, then y, then file order.
 * A point is dropped when another is no worse in both and better in one;
 * identical points do not dominate each other, so all copies stay.
 * Only rows passing f count. Returns the front's size; *n_sel gets the
 * rows passing f, *n_ok those of them that are ok. O(n log n).
 */
static size_t pareto_front(const struct csv *c, long xc, long yc,
			   const struct filt *f, struct pt *front,
			   size_t *n_sel, size_t *n_ok)
{
	struct pt *p = grow(NULL, (c->nrows + 1) * sizeof *p);
	size_t i, n = 0, nf = 0;
	double best = INFINITY;

	*n_sel = 0;
	for (i = 0; i < c->nrows; i++) {
		if (!filt_match(f, &c->rows[i]))
			continue;
		++*n_sel;
		if (!row_ok(c, &c->rows[i]))
			continue;
		p[n].x = row_num(&c->rows[i], xc);
		p[n].y = row_num(&c->rows[i], yc);
		p[n++].row = i;
	}
	qsort(p, n, sizeof *p, pt_cmp);
	for (i = 0; i < n; i++) {
		if (p[i].y < best)
			best = p[i].y;
		else if (!nf || p[i].x != front[nf - 1].x ||
			 p[i].y != front[nf - 1].y)
			continue;
		front[nf++] = p[i];
	}
	free(p);
	*n_ok = n;
	return nf;
}

enum pfmt { PF_TXT, PF_CSV, PF_MD };

/* Field j of a row (or the header) in format fmt, padded to w in txt. */
static void put_cell(FILE *f, enum pfmt fmt, const char *s, size_t j,
		     size_t w, int right)
{
	if (fmt == PF_CSV) {
		fputs(j ? "," : "", f);
		put_csv(f, s);
	} else if (fmt == PF_MD) {
		fputs(j ? " | " : "| ", f);
		put_md(f, s);
	} else {
		fputs(j ? "  " : "", f);
		put_txt(f, s, w, right);
	}
}

static void pareto_write(FILE *f, const struct csv *c, const struct pt *fr,
			 size_t nf, enum pfmt fmt, const char *xs,
			 const char *ys, const struct filt *flt, size_t n_sel,
			 size_t n_ok)
{
	char among[400];

	size_t nc = c->head.n, i, j, last;
	size_t *w = grow(NULL, nc * sizeof *w);
	int *right = grow(NULL, nc * sizeof *right);
	double v;

	/* right-aligned: a column with numbers and nothing else but blanks */
	for (j = 0; j < nc; j++) {
		w[j] = strlen(c->head.f[j]);
		right[j] = 0;
		for (i = 0; i < nf; i++) {
			const char *s = c->rows[fr[i].row].f[j];

			if (strlen(s) > w[j])
				w[j] = strlen(s);
			if (*s && num_parse(s, &v))
				break;
			right[j] |= *s != 0;
		}
		right[j] &= i == nf;
	}
	filt_text(flt, ", rows with ", among, sizeof among);
	if (fmt == PF_TXT)
		fprintf(f, "# Pareto front of %s%s, minimizing %s and %s: %zu "
			"of %zu ok rows (%zu rows not ok left out)\n", c->path,
			among, xs, ys, nf, n_ok, n_sel - n_ok);
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

static const struct opt_spec pareto_opts[] = {
	{ K_X, "x", "COL", "column minimized along x (default latency_us)" },
	{ K_Y, "y", "COL", "column minimized along y (default energy_pj)" },
	{ K_WHERE, "where", "KEY=VALUE", "only rows with KEY=VALUE (a "
	  "trace also by file name)" },
	{ K_FORMAT, "format", "FMT", "txt (default, aligned), csv or md" },
	{ 'o', "output", "FILE", "write to FILE instead of stdout" },
	{ 0, NULL, NULL, NULL },
};

static const struct opt_cmd pareto_cmdline = {
	"stasim", "pareto", "RESULTS.csv [--x COL] [--y COL] "
	"[--where KEY=VALUE]...\n"
	"                     [--format txt|csv|md] [-o FILE]",
	"The Pareto front of a sweep's results: the ok rows that no other ok\n"
	"row beats on both columns, both minimized (docs/analysis.md).",
	pareto_opts,
};

struct pareto_args {
	const char *file, *xs, *ys, *outp;	/* as given */
	enum pfmt fmt;		/* --format */
	struct filt f;		/* --where filters */
};

static int pareto_opt(void *ctx, int key, const char *v)
{
	static const char *const fmts[] = { "txt", "csv", "md", NULL };
	struct pareto_args *a = ctx;
	int i;

	switch (key) {
	case 0:
		return operand(&pareto_cmdline, &a->file, v);
	case K_X:
		a->xs = v;
		return 0;
	case K_Y:
		a->ys = v;
		return 0;
	case K_WHERE:
		return filt_add(&a->f, &pareto_cmdline, v);
	case K_FORMAT:
		if ((i = pick(&pareto_cmdline, "--format", v, fmts)) < 0)
			return SIM_EXIT_USAGE;
		a->fmt = (enum pfmt)i;
		return 0;
	default:
		a->outp = v;
		return 0;
	}
}

/* Options into a; 0, OPT_HELP, or a usage line and 2. */
static int pareto_parse(int argc, char **argv, struct pareto_args *a)
{
	const struct opt_cmd *cmd = &pareto_cmdline;
	int rc = opt_parse(cmd, argc, argv, pareto_opt, a);

	if (rc)
		return rc;
	if (!a->file)
		return opt_error(cmd, "needs RESULTS.csv, a results file of "
				 "'stasim sweep'");
	if (!strcmp(a->xs, a->ys))
		return opt_error(cmd, "--x and --y both name '%s'", a->xs);
	return 0;
}

int pareto_cmd(int argc, char **argv)
{
	struct pareto_args a = { .xs = "latency_us", .ys = "energy_pj",
				 .fmt = PF_TXT };
	const char *nums[3];
	struct sim_err err;
	struct csv c;
	struct out out;
	struct pt *front;
	size_t nf, n_sel, n_ok;
	int rc;

	if ((rc = pareto_parse(argc, argv, &a)))
		return rc == OPT_HELP ? SIM_EXIT_OK : rc;
	nums[0] = a.xs;
	nums[1] = a.ys;
	nums[2] = NULL;
	if (csv_load(a.file, &c, nums, &err))
		return print_err(&err, SIM_EXIT_USAGE);
	if (filt_resolve(&a.f, &c, &err) ||
	    (a.f.n && filt_check(&a.f, &c, &err))) {
		csv_free(&c);
		return print_err(&err, SIM_EXIT_USAGE);
	}
	front = grow(NULL, (c.nrows + 1) * sizeof *front);
	nf = pareto_front(&c, csv_col(&c, a.xs), csv_col(&c, a.ys), &a.f,
			  front, &n_sel, &n_ok);
	if (!n_ok)
		fprintf(stderr, "stasim: %s: no row has status ok; the front is "
			"empty\n", a.file);
	if (out_open(&out, a.outp, &err))
		rc = print_err(&err, SIM_EXIT_USAGE);
	else {
		pareto_write(out.f, &c, front, nf, a.fmt, a.xs, a.ys, &a.f,
			     n_sel, n_ok);
		rc = out_close(&out);
	}
	free(front);
	csv_free(&c);
	return rc;
}

/* ---------------------------------------------------------------------- */
/* table                                                                   */

enum { MET_LAT = 1, MET_EN = 2 };	/* --metric bits */
enum { SUB_LAT, SUB_EN, SUB_SPEEDUP };	/* sub-columns of a column value */

struct tab {
	const struct csv *c;	/* the rows */
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
	*v = grow(*v, (*n + 1) * sizeof **v);
	(*v)[*n] = s;
	return (*n)++;
}

static int non_key(const char *name)
{
	size_t i;

	if (!strcmp(name, "point") || !strcmp(name, "status") ||
	    !strcmp(name, "error"))
		return 1;
	for (i = 0; numeric_cols[i]; i++)
		if (!strcmp(name, numeric_cols[i]))
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
	const struct csv *c = t->c;
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
	const struct csv *c = t->c;
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
	const struct csv *c = t->c;
	double lo[2] = { INFINITY, INFINITY };
	size_t i, r, k;

	for (i = 0; i < c->nrows; i++)
		if (filt_match(t->f, &c->rows[i])) {
			distinct(&t->rv, &t->nr, c->rows[i].f[t->rcol]);
			distinct(&t->cv, &t->nc, c->rows[i].f[t->ccol]);
		}
	if (!t->nr)
		return filt_check(t->f, c, err);
	t->cell = grow(NULL, t->nr * t->nc * sizeof *t->cell);
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
		if (row_ok(c, row) && t->lat >= 0 && row_num(row, t->lat) > 0)
			lo[0] = fmin(lo[0], row_num(row, t->lat) / 1e3);
		if (row_ok(c, row) && t->en >= 0 && row_num(row, t->en) > 0)
			lo[1] = fmin(lo[1], row_num(row, t->en) / 1e9);
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
	} else if (sub != SUB_SPEEDUP && !row_ok(t->c, row)) {
		snprintf(buf, len, "%s", row->f[t->c->status]);
	} else if (sub == SUB_LAT) {
		snprintf(buf, len, "%.*f", t->dec[0], row_num(row, t->lat) / 1e3);
	} else if (sub == SUB_EN) {
		snprintf(buf, len, "%.*f", t->dec[1], row_num(row, t->en) / 1e9);
	} else {
		bi = t->cell[r * t->nc + (size_t)t->base];
		b = bi ? &t->c->rows[bi - 1] : NULL;
		if (!b || !row_ok(t->c, b) || !row_ok(t->c, row) ||
		    row_num(row, t->lat) <= 0)
			snprintf(buf, len, "%s", dash);
		else
			snprintf(buf, len, "%.2f%s", row_num(b, t->lat) /
				 row_num(row, t->lat), t->latex ? "$\\times$" :
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
	put_md(f, t->rkey);
	for (k = 0; k < t->nc; k++)
		for (s = 0; s < t->nsub; s++) {
			fputs(" | ", f);
			put_md(f, t->cv[k]);
			if (t->nsub > 1)
				fprintf(f, " %s", sub_name[t->sub[s]]);
		}
	fputs(" |\n|---", f);
	for (k = 0; k < t->nc * (size_t)t->nsub; k++)
		fputs("|---:", f);
	fputs("|\n", f);
	for (r = 0; r < t->nr; r++) {
		fputs("| ", f);
		put_md(f, t->rv[r]);
		for (k = 0; k < t->nc; k++)
			for (s = 0; s < t->nsub; s++) {
				cell_text(t, r, k, t->sub[s], buf, sizeof buf);
				fputs(" | ", f);
				put_md(f, buf);
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
		put_tex(f, t->ckey);
		fprintf(f, "} \\\\\n\\cmidrule(lr){2-%zu}\n", t->nc + 1);
	} else {
		for (k = 0; k < t->nc; k++) {
			fprintf(f, " & \\multicolumn{%zu}{c}{", ns);
			put_tex(f, t->cv[k]);
			fputc('}', f);
		}
		fputs(" \\\\\n", f);
		for (k = 0; k < t->nc; k++)
			fprintf(f, "%s\\cmidrule(lr){%zu-%zu}", k ? " " : "",
				2 + k * ns, 1 + (k + 1) * ns);
		fputc('\n', f);
	}
	put_tex(f, t->rkey);
	for (k = 0; k < t->nc; k++)
		for (s = 0; s < t->nsub; s++) {
			fputs(" & ", f);
			put_tex(f, ns == 1 ? t->cv[k] : sub_name[t->sub[s]]);
		}
	fputs(" \\\\\n\\midrule\n", f);
	for (r = 0; r < t->nr; r++) {
		put_tex(f, t->rv[r]);
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
	{ K_ROWS, "rows", "KEY", "one table row per value of column KEY" },
	{ K_COLS, "cols", "KEY", "one column group per value of column KEY" },
	{ K_BASELINE, "baseline", "VALUE", "add the speedup over the --cols "
	  "value VALUE" },
	{ K_METRIC, "metric", "WHICH", "latency, energy or both (default)" },
	{ K_WHERE, "where", "KEY=VALUE", "only rows with KEY=VALUE (a "
	  "trace also by file name)" },
	{ K_FORMAT, "format", "FMT", "md (default, Markdown) or latex" },
	{ 'o', "output", "FILE", "write to FILE instead of stdout" },
	{ 0, NULL, NULL, NULL },
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

/* --metric and --format values, checked with the suggestion of pick(). */
static int table_enum(struct table_args *a, int key, const char *v)
{
	static const char *const mets[] = { "latency", "energy", "both", NULL };
	static const char *const fmts[] = { "md", "latex", NULL };
	static const int bits[] = { MET_LAT, MET_EN, MET_LAT | MET_EN };
	int i;

	if (key == K_METRIC) {
		if ((i = pick(&table_cmdline, "--metric", v, mets)) < 0)
			return SIM_EXIT_USAGE;
		a->metric = bits[i];
	} else {
		if ((i = pick(&table_cmdline, "--format", v, fmts)) < 0)
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
		return operand(&table_cmdline, &a->file, v);
	case K_ROWS:
		a->rows = v;
		return 0;
	case K_COLS:
		a->cols = v;
		return 0;
	case K_BASELINE:
		a->base = v;
		return 0;
	case K_WHERE:
		return filt_add(&a->f, &table_cmdline, v);
	case K_METRIC:
	case K_FORMAT:
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
	struct csv c;
	struct out out;
	const char *nums[3];
	int n = 0, rc;

	if ((rc = table_parse(argc, argv, &a)))
		return rc == OPT_HELP ? SIM_EXIT_OK : rc;
	if ((a.metric & MET_LAT) || a.base)
		nums[n++] = "latency_us";
	if (a.metric & MET_EN)
		nums[n++] = "energy_pj";
	nums[n] = NULL;
	if (csv_load(a.file, &c, nums, &err))
		return print_err(&err, SIM_EXIT_USAGE);
	t.c = &c;
	t.rkey = a.rows;
	t.ckey = a.cols;
	t.latex = a.latex;
	t.f = &a.f;
	t.lat = csv_col(&c, "latency_us");
	t.en = csv_col(&c, "energy_pj");
	rc = SIM_EXIT_USAGE;
	if ((t.rcol = csv_need(&c, a.rows, &err)) < 0 ||
	    (t.ccol = csv_need(&c, a.cols, &err)) < 0)
		goto out;
	if (filt_resolve(&a.f, &c, &err))
		goto out;
	if (a.metric & MET_LAT)
		t.sub[t.nsub++] = SUB_LAT;
	if (a.metric & MET_EN)
		t.sub[t.nsub++] = SUB_EN;
	if (a.base)
		t.sub[t.nsub++] = SUB_SPEEDUP;
	if (tab_build(&t, a.base, &err) || out_open(&out, a.outp, &err))
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
	rc = out_close(&out);
	goto done;
out:
	rc = print_err(&err, SIM_EXIT_USAGE);
done:
	free(t.rv);
	free(t.cv);
	free(t.cell);
	csv_free(&c);
	return rc;
}

/* ---------------------------------------------------------------------- */
/* Running gnuplot                                                         */

/* Full path of gnuplot on PATH into buf; 0, or -1 when it is not there. */
static int gp_find(char *buf, size_t len)
{
	const char *p = getenv("PATH"), *e;

	if (!p)
		p = "/usr/local/bin:/usr/bin:/bin";
	for (;; p = e + 1) {
		e = strchr(p, ':');
		if (!e)
			e = p + strlen(p);
		snprintf(buf, len, "%.*s/gnuplot", (int)(e - p),
			 e == p ? "." : p);
		if (e == p)
			snprintf(buf, len, "./gnuplot");
		if (access(buf, X_OK) == 0)
			return 0;
		if (!*e)
			return -1;
	}
}

/* A private temporary directory for the script and data files. */
struct gp_work {
	char dir[512];		/* the directory, "" until created */
	char file[8][640];	/* files made in it, removed at the end */
	int n;			/* how many */
};

static int work_open(struct gp_work *w, struct sim_err *err)
{
	const char *t = getenv("TMPDIR");

	w->n = 0;
	snprintf(w->dir, sizeof w->dir, "%s/stasim-plot-XXXXXX",
		 t && *t ? t : "/tmp");
	if (mkdtemp(w->dir))
		return 0;
	err_set(err, w->dir, 0, "", "cannot create a temporary directory: %s",
		strerror(errno));
	w->dir[0] = 0;
	return -1;
}

/* The path of a new file name in the directory, removed at work_close. */
static const char *work_file(struct gp_work *w, const char *name)
{
	char *p = w->file[w->n++];
	size_t d = strlen(w->dir), n = strlen(name);

	if (w->n > (int)(sizeof w->file / sizeof w->file[0])) {
		fputs("stasim: analysis.c: too many temporary files\n", stderr);
		abort();
	}
	/* dir is at most 511 bytes and names are ours: it always fits */
	memcpy(p, w->dir, d);
	p[d] = '/';
	memcpy(p + d + 1, name, n + 1);
	return p;
}

static void work_close(struct gp_work *w)
{
	int i;

	for (i = 0; i < w->n; i++)
		unlink(w->file[i]);
	if (w->dir[0])
		rmdir(w->dir);
}

/* A gnuplot string literal: single quotes, '' for a quote, no newlines. */
static void gp_str(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputc('\'', f);
		fputc(*s == '\n' || *s == '\r' ? ' ' : *s, f);
	}
	fputc('\'', f);
}

/* A gnuplot data-file string: double quotes, none inside. */
static void gp_label(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++)
		fputc(*s == '"' ? '\'' : *s == '\n' || *s == '\r' ? ' ' : *s, f);
	fputc('"', f);
}

/* The last non-empty line of gnuplot's output, for the error message. */
static void last_line(const char *log, char *buf, size_t len)
{
	char line[512];
	FILE *f = fopen(log, "r");

	snprintf(buf, len, "no message");
	if (!f)
		return;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = 0;
		if (line[strspn(line, " \t^")]) {
			size_t n = strlen(line) < len ? strlen(line) : len - 1;

			memcpy(buf, line, n);
			buf[n] = 0;
		}
	}
	fclose(f);
}

/* Run `gnuplot script`, its output into log. 0, or -1 with err. */
static int gp_run(const char *gp, const char *script, const char *log,
		  struct sim_err *err)
{
	posix_spawn_file_actions_t fa;
	char arg0[] = "gnuplot", arg1[1024];
	char *args[] = { arg0, arg1, NULL };
	char msg[300];
	pid_t pid;
	int st, rc;

	snprintf(arg1, sizeof arg1, "%s", script);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT |
					 O_TRUNC, 0600);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	rc = posix_spawn(&pid, gp, &fa, NULL, args, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc)
		return err_set(err, gp, 0, "", "cannot run: %s", strerror(rc));
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return err_set(err, gp, 0, "", "cannot wait: %s",
				       strerror(errno));
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	last_line(log, msg, sizeof msg);
	if (WIFEXITED(st))
		return err_set(err, "gnuplot", 0, "", "failed (exit status "
			       "%d): %s", WEXITSTATUS(st), msg);
	return err_set(err, "gnuplot", 0, "", "killed by signal %d",
		       WTERMSIG(st));
}

/* mkdir -p. Returns 0 or -1 with err (field -o). */
static int make_dirs(const char *dir, struct sim_err *err)
{
	char p[1024];
	struct stat sb;
	size_t i;

	if (snprintf(p, sizeof p, "%s", dir) >= (int)sizeof p)
		return err_set(err, dir, 0, "-o", "path too long");
	for (i = 1; p[i]; i++) {
		if (p[i] != '/')
			continue;
		p[i] = 0;
		if (mkdir(p, 0777) && errno != EEXIST)
			return err_set(err, p, 0, "-o", "cannot create "
				       "directory: %s", strerror(errno));
		p[i] = '/';
	}
	if (mkdir(p, 0777) && errno != EEXIST)
		return err_set(err, dir, 0, "-o", "cannot create directory: %s",
			       strerror(errno));
	if (stat(p, &sb) || !S_ISDIR(sb.st_mode))
		return err_set(err, dir, 0, "-o", "not a directory");
	return 0;
}

/* A figure: its two outputs, DIR/BASE.png and DIR/BASE.svg. */
struct fig {
	struct afile png, svg;	/* temporaries beside the final names */
	int w, h;		/* size in pixels */
};

/*
 * Write body (a gnuplot script that draws the figure) into DIR/BASE.png
 * and DIR/BASE.svg: a driver script loads it once per terminal, gnuplot
 * writes the temporaries, and both are renamed into place when both are
 * non-empty. Returns the exit status, printing the error if any.
 */
static int fig_render(struct gp_work *wk, const char *gp, const char *dir,
		      const char *base, int w, int h, const char *body)
{
	struct sim_err err;
	struct afile png, svg;
	struct stat a, b;
	char path[1100];
	const char *script = work_file(wk, "main.gp");
	const char *log = work_file(wk, "gnuplot.log");
	FILE *f;

	snprintf(path, sizeof path, "%s/%s.png", dir, base);
	if (afile_open(&png, path, "-o", &err))
		return print_err(&err, SIM_EXIT_USAGE);
	snprintf(path, sizeof path, "%s/%s.svg", dir, base);
	if (afile_open(&svg, path, "-o", &err)) {
		afile_abort(&png);
		return print_err(&err, SIM_EXIT_USAGE);
	}
	if (!(f = fopen(script, "w"))) {
		err_set(&err, script, 0, "", "cannot create: %s", strerror(errno));
		goto fail;
	}
	fprintf(f, "set encoding utf8\n"
		"if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {\n"
		"    set terminal pngcairo size %d,%d noenhanced font 'sans,10'\n"
		"} else {\n"
		"    set terminal png size %d,%d noenhanced\n"
		"}\nset output ", w, h, w, h);
	gp_str(f, png.tmp);
	fputs("\nload ", f);
	gp_str(f, body);
	fprintf(f, "\nset output\n"
		"set terminal svg size %d,%d noenhanced font 'sans,10' "
		"background rgb 'white'\nset output ", w, h);
	gp_str(f, svg.tmp);
	fputs("\nload ", f);
	gp_str(f, body);
	fputs("\nset output\n", f);
	if (fclose(f)) {
		err_set(&err, script, 0, "", "cannot write: %s", strerror(errno));
		goto fail;
	}
	if (gp_run(gp, script, log, &err)) {
		afile_abort(&png);
		afile_abort(&svg);
		return print_err(&err, SIM_EXIT_FAIL);
	}
	if (stat(png.tmp, &a) || stat(svg.tmp, &b) || !a.st_size || !b.st_size) {
		err_set(&err, "gnuplot", 0, "", "wrote an empty figure");
		afile_abort(&png);
		afile_abort(&svg);
		return print_err(&err, SIM_EXIT_FAIL);
	}
	if (afile_commit(&png, "-o", &err)) {
		afile_abort(&svg);
		return print_err(&err, SIM_EXIT_USAGE);
	}
	if (afile_commit(&svg, "-o", &err))
		return print_err(&err, SIM_EXIT_USAGE);
	printf("%s\n%s\n", png.path, svg.path);
	return fflush(stdout) ? SIM_EXIT_FAIL : SIM_EXIT_OK;
fail:
	afile_abort(&png);
	afile_abort(&svg);
	return print_err(&err, SIM_EXIT_USAGE);
}

/* ---------------------------------------------------------------------- */
/* plot RESULTS.csv: the design space and its Pareto front                 */

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
static int plot_csv(const struct csv *c, const struct filt *flt,
		    const char *dir, const char *xs, const char *ys,
		    const char *gp)
{
	char among[400];
	struct gp_work wk = { .dir = "" };
	struct sim_err err;
	struct pt *front = NULL;
	struct axis ax = axis_of(xs), ay = axis_of(ys);
	const char *file = c->path, *pts, *frs, *body, *bn;
	double lo[2] = { INFINITY, INFINITY }, hi[2] = { -INFINITY, -INFINITY };
	size_t i, j, nf, n_sel, n_ok;
	long xc, yc, pc;
	char base[256], title[800];
	FILE *f = NULL, *g = NULL;
	int rc = SIM_EXIT_USAGE;

	xc = csv_col(c, xs);
	yc = csv_col(c, ys);
	pc = csv_col(c, "point");
	front = grow(NULL, (c->nrows + 1) * sizeof *front);
	nf = pareto_front(c, xc, yc, flt, front, &n_sel, &n_ok);
	if (make_dirs(dir, &err) || work_open(&wk, &err))
		goto fail;
	pts = work_file(&wk, "points.dat");
	frs = work_file(&wk, "front.dat");
	body = work_file(&wk, "body.gp");
	if (!(f = fopen(pts, "w")) || !(g = fopen(frs, "w"))) {
		err_set(&err, pts, 0, "", "cannot create: %s", strerror(errno));
		goto fail;
	}
	for (i = 0; i < c->nrows; i++) {
		double x, y;

		if (!row_ok(c, &c->rows[i]) || !filt_match(flt, &c->rows[i]))
			continue;
		x = row_num(&c->rows[i], xc) * ax.scale;
		y = row_num(&c->rows[i], yc) * ay.scale;
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
	if (fclose(f) | fclose(g)) {
		f = g = NULL;
		err_set(&err, pts, 0, "", "cannot write: %s", strerror(errno));
		goto fail;
	}
	g = NULL;
	if (!(f = fopen(body, "w"))) {
		err_set(&err, body, 0, "", "cannot create: %s", strerror(errno));
		goto fail;
	}
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
	if (fclose(f)) {
		f = NULL;
		err_set(&err, body, 0, "", "cannot write: %s", strerror(errno));
		goto fail;
	}
	f = NULL;
	if (!strcmp(xs, "latency_us") && !strcmp(ys, "energy_pj"))
		snprintf(base, sizeof base, "latency_energy");
	else
		for (snprintf(base, sizeof base, "%s_%s", xs, ys), i = 0;
		     base[i]; i++)
			if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP"
				    "QRSTUVWXYZ0123456789_-.", base[i]))
				base[i] = '_';
	rc = fig_render(&wk, gp, dir, base, 1000, 700, body);
	goto done;
fail:
	rc = print_err(&err, SIM_EXIT_USAGE);
done:
	if (f)
		fclose(f);
	if (g)
		fclose(g);
	work_close(&wk);
	free(front);
	return rc;
}

/* ---------------------------------------------------------------------- */
/* A minimal JSON reader: the whole document into a tree                   */

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jval {
	enum jtype t;		/* which members below hold the value */
	int line;		/* 1-based line of its first character */
	double num;		/* J_NUM; J_BOOL: 0 or 1 */
	char *str;		/* J_STR: NUL-terminated UTF-8 */
	struct jval *kid;	/* J_ARR, J_OBJ: the n elements or values */
	char **key;		/* J_OBJ: the n member names */
	size_t n;		/* elements or members */
};

struct jrd {
	const char *p, *end;	/* unread input */
	int line;		/* line of *p */
	int depth;		/* current nesting, at most JSON_DEPTH */
	const char *path;	/* file, for errors */
	struct sim_err *err;	/* filled on the first error */
};

static void jfree(struct jval *v)
{
	size_t i;

	for (i = 0; i < v->n; i++) {
		jfree(&v->kid[i]);
		if (v->key)
			free(v->key[i]);
	}
	free(v->kid);
	free(v->key);
	free(v->str);
	memset(v, 0, sizeof *v);
}

static int jerr(struct jrd *r, const char *what)
{
	if (r->p == r->end)
		return err_set(r->err, r->path, r->line, "", "%s, found the end "
			       "of the file", what);
	if ((unsigned char)*r->p < 0x20 || (unsigned char)*r->p >= 0x7f)
		return err_set(r->err, r->path, r->line, "", "%s, found byte "
			       "0x%02x", what, (unsigned char)*r->p);
	return err_set(r->err, r->path, r->line, "", "%s, found '%c'", what,
		       *r->p);
}

static void jws(struct jrd *r)
{
	for (; r->p < r->end; r->p++) {
		if (*r->p == '\n')
			r->line++;
		else if (*r->p != ' ' && *r->p != '\t' && *r->p != '\r')
			return;
	}
}

static void utf8_put(struct sbuf *b, unsigned long u)
{
	if (u < 0x80) {
		sb_put(b, (char)u);
	} else if (u < 0x800) {
		sb_put(b, (char)(0xc0 | u >> 6));
		sb_put(b, (char)(0x80 | (u & 0x3f)));
	} else if (u < 0x10000) {
		sb_put(b, (char)(0xe0 | u >> 12));
		sb_put(b, (char)(0x80 | (u >> 6 & 0x3f)));
		sb_put(b, (char)(0x80 | (u & 0x3f)));
	} else {
		sb_put(b, (char)(0xf0 | u >> 18));
		sb_put(b, (char)(0x80 | (u >> 12 & 0x3f)));
		sb_put(b, (char)(0x80 | (u >> 6 & 0x3f)));
		sb_put(b, (char)(0x80 | (u & 0x3f)));
	}
}

static int hex4(struct jrd *r, unsigned long *u)
{
	int i;

	*u = 0;
	for (i = 0; i < 4; i++, r->p++) {
		char ch = r->p < r->end ? *r->p : 0;

		if (ch >= '0' && ch <= '9')
			*u = *u * 16 + (unsigned long)(ch - '0');
		else if ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'f')
			*u = *u * 16 + (unsigned long)((ch | 0x20) - 'a' + 10);
		else
			return jerr(r, "expected four hex digits after \\u");
	}
	return 0;
}

/* A string at r->p (on its opening quote) into *out. */
static int jstring(struct jrd *r, char **out)
{
	static const char esc[] = "\"\\/bfnrt", val[] = "\"\\/\b\f\n\r\t";
	struct sbuf b = { 0 };
	unsigned long u, lo;
	const char *e;

	for (r->p++;; r->p++) {
		if (r->p == r->end || (unsigned char)*r->p < 0x20) {
			free(b.s);
			return jerr(r, "string not closed before the end of "
				    "its line");
		}
		if (*r->p == '"')
			break;
		if (*r->p != '\\') {
			sb_put(&b, *r->p);
			continue;
		}
		r->p++;
		if (r->p < r->end && *r->p == 'u') {
			r->p++;
			if (hex4(r, &u))
				goto bad;
			if (u >= 0xd800 && u < 0xdc00 && r->end - r->p >= 6 &&
			    r->p[0] == '\\' && r->p[1] == 'u') {
				r->p += 2;
				if (hex4(r, &lo))
					goto bad;
				u = lo >= 0xdc00 && lo < 0xe000 ?
					0x10000 + ((u - 0xd800) << 10) +
					(lo - 0xdc00) : 0xfffd;
			} else if (u >= 0xd800 && u < 0xe000) {
				u = 0xfffd;
			}
			utf8_put(&b, u);
			r->p--;
			continue;
		}
		if (r->p == r->end || !*r->p || !(e = strchr(esc, *r->p))) {
			jerr(r, "unknown escape in a string");
			goto bad;
		}
		sb_put(&b, val[e - esc]);
	}
	r->p++;
	sb_put(&b, 0);
	*out = b.s;
	return 0;
bad:
	free(b.s);
	return -1;
}

static int jnumber(struct jrd *r, double *v)
{
	const char *s = r->p;
	char buf[64];

	if (r->p < r->end && *r->p == '-')
		r->p++;
	if (r->p < r->end && *r->p == '0')
		r->p++;
	else if (r->p < r->end && *r->p >= '1' && *r->p <= '9')
		while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
			r->p++;
	else
		return jerr(r, "expected a digit");
	if (r->p < r->end && *r->p == '.') {
		r->p++;
		if (r->p == r->end || *r->p < '0' || *r->p > '9')
			return jerr(r, "expected a digit after '.'");
		while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
			r->p++;
	}
	if (r->p < r->end && (*r->p == 'e' || *r->p == 'E')) {
		r->p++;
		if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
			r->p++;
		if (r->p == r->end || *r->p < '0' || *r->p > '9')
			return jerr(r, "expected a digit in the exponent");
		while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
			r->p++;
	}
	if ((size_t)(r->p - s) >= sizeof buf)
		return err_set(r->err, r->path, r->line, "", "number too long");
	memcpy(buf, s, (size_t)(r->p - s));
	buf[r->p - s] = 0;
	*v = strtod(buf, NULL);
	if (!isfinite(*v))
		return err_set(r->err, r->path, r->line, "", "number '%s' out "
			       "of range", buf);
	return 0;
}

static int jvalue(struct jrd *r, struct jval *v);

/* The members of an object or the elements of an array (r->p on [ or {). */
static int jcompound(struct jrd *r, struct jval *v)
{
	int obj = *r->p == '{';
	char close = obj ? '}' : ']';
	size_t cap = 0;

	if (++r->depth > JSON_DEPTH)
		return err_set(r->err, r->path, r->line, "", "nested deeper "
			       "than %d levels", JSON_DEPTH);
	v->t = obj ? J_OBJ : J_ARR;
	r->p++;
	jws(r);
	if (r->p < r->end && *r->p == close) {
		r->p++;
		r->depth--;
		return 0;
	}
	for (;;) {
		if (v->n == cap) {
			cap = cap ? 2 * cap : 8;
			v->kid = grow(v->kid, cap * sizeof *v->kid);
			if (obj)
				v->key = grow(v->key, cap * sizeof *v->key);
		}
		memset(&v->kid[v->n], 0, sizeof v->kid[0]);
		if (obj) {
			jws(r);
			if (r->p == r->end || *r->p != '"')
				return jerr(r, "expected a member name in "
					    "double quotes");
			if (jstring(r, &v->key[v->n]))
				return -1;
			jws(r);
			if (r->p == r->end || *r->p != ':') {
				free(v->key[v->n]);
				return jerr(r, "expected ':' after a member "
					    "name");
			}
			r->p++;
		}
		v->n++;
		if (jvalue(r, &v->kid[v->n - 1]))
			return -1;
		jws(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		if (r->p < r->end && *r->p == close) {
			r->p++;
			r->depth--;
			return 0;
		}
		return jerr(r, obj ? "expected ',' or '}' after a member" :
			    "expected ',' or ']' after an element");
	}
}

static int jvalue(struct jrd *r, struct jval *v)
{
	static const char *const lit[] = { "null", "true", "false" };
	size_t i, n;

	jws(r);
	v->line = r->line;
	if (r->p == r->end)
		return jerr(r, "expected a value");
	if (*r->p == '{' || *r->p == '[')
		return jcompound(r, v);
	if (*r->p == '"') {
		v->t = J_STR;
		return jstring(r, &v->str);
	}
	if (*r->p == '-' || (*r->p >= '0' && *r->p <= '9')) {
		v->t = J_NUM;
		return jnumber(r, &v->num);
	}
	for (i = 0; i < 3; i++) {
		n = strlen(lit[i]);
		if ((size_t)(r->end - r->p) >= n && !memcmp(r->p, lit[i], n)) {
			r->p += n;
			v->t = i ? J_BOOL : J_NULL;
			v->num = i == 1;
			return 0;
		}
	}
	return jerr(r, "expected a value");
}

/* Parse file path into root. Returns 0, or -1 with err (file, line). */
static int json_load(const char *path, struct jval *root, struct sim_err *err)
{
	struct jrd r = { .line = 1, .path = path, .err = err };
	char *buf;
	size_t len;
	int rc;

	memset(root, 0, sizeof *root);
	if (read_all(path, &buf, &len, err))
		return -1;
	r.p = buf;
	r.end = buf + len;
	rc = jvalue(&r, root);
	if (!rc) {
		jws(&r);
		if (r.p != r.end)
			rc = jerr(&r, "expected the end of the file after the "
				  "JSON value");
	}
	free(buf);
	if (rc)
		jfree(root);
	return rc;
}

static const struct jval *jget(const struct jval *o, const char *key)
{
	size_t i;

	for (i = 0; o && o->t == J_OBJ && i < o->n; i++)
		if (!strcmp(o->key[i], key))
			return &o->kid[i];
	return NULL;
}

/*
 * Member key of object o, of type t; NULL with err naming field (and the
 * object's line when missing, the value's line when of the wrong type).
 */
static const struct jval *jneed(const char *path, const struct jval *o,
				const char *key, enum jtype t,
				const char *field, struct sim_err *err)
{
	static const char *const names[] = { "null", "a boolean", "a number",
		"a string", "an array", "an object" };
	const struct jval *v = jget(o, key);

	if (!v)
		err_set(err, path, o->line, field, "missing");
	else if (v->t != t)
		err_set(err, path, v->line, field, "is %s, not %s",
			names[v->t], names[t]);
	return v && v->t == t ? v : NULL;
}

/* ---------------------------------------------------------------------- */
/* plot --report: one run, per op                                          */

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
static int report_bars(const char *path, const struct jval *root,
		       struct ops_fig *o, struct sim_err *err)
{
	struct bar **bars = &o->bars;
	const struct jval *arch, *total, *ops, *v, *op;
	const struct jval *name, *kind, *cyc, *en;
	char field[96];
	double mhz;
	size_t i;

	if (root->t != J_OBJ)
		return err_set(err, path, root->line, "", "not a report: the "
			       "file is not a JSON object");
	if (!(arch = jneed(path, root, "arch", J_OBJ, "arch", err)) ||
	    !(v = jneed(path, arch, "clock_mhz", J_NUM, "arch.clock_mhz", err)))
		return -1;
	if ((mhz = v->num) <= 0)
		return err_set(err, path, v->line, "arch.clock_mhz", "%g is not "
			       "a positive clock", mhz);
	if (!(total = jneed(path, root, "total", J_OBJ, "total", err)) ||
	    !(v = jneed(path, total, "time_us", J_NUM, "total.time_us", err)))
		return -1;
	o->tot_us = v->num;
	if (!(v = jneed(path, total, "energy_pj", J_NUM, "total.energy_pj", err)))
		return -1;
	o->tot_uj = v->num / 1e6;
	if (!(ops = jneed(path, root, "ops", J_ARR, "ops", err)))
		return -1;
	if (!ops->n)
		return err_set(err, path, ops->line, "ops", "empty: nothing to "
			       "plot");
	*bars = grow(NULL, ops->n * sizeof **bars);
	for (i = 0; i < ops->n; i++) {
		op = &ops->kid[i];
		snprintf(field, sizeof field, "ops[%zu]", i);
		if (op->t != J_OBJ) {
			err_set(err, path, op->line, field, "is not an object");
			goto fail;
		}
#define NEED(var, key, type) \
		snprintf(field, sizeof field, "ops[%zu].%s", i, key); \
		if (!(var = jneed(path, op, key, type, field, err))) \
			goto fail
		NEED(name, "name", J_STR);
		NEED(kind, "kind", J_STR);
		NEED(cyc, "cycles", J_NUM);
		NEED(en, "energy_pj", J_NUM);
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
static int plot_report(const char *file, const struct jval *root,
		       struct ops_fig *of, const char *dir, const char *gp)
{
	struct gp_work wk = { .dir = "" };
	struct sim_err err;
	struct bar *bars = of->bars;
	const struct jval *run, *arch, *v;
	const char *dat, *body;
	double tot_us = of->tot_us, tot_uj = of->tot_uj;
	size_t n = of->n, nb, i;
	char title[600];
	FILE *f = NULL;
	int rc = SIM_EXIT_USAGE, grouped, w;

	grouped = n > OPS_PER_OP_MAX;
	nb = grouped ? group_bars(bars, n) : n;
	if (make_dirs(dir, &err) || work_open(&wk, &err))
		goto fail;
	dat = work_file(&wk, "ops.dat");
	body = work_file(&wk, "body.gp");
	if (!(f = fopen(dat, "w"))) {
		err_set(&err, dat, 0, "", "cannot create: %s", strerror(errno));
		goto fail;
	}
	for (i = 0; i < nb; i++) {
		snprintf(title, sizeof title, grouped ? "%s (%zu)" : "%s",
			 bars[i].name, bars[i].n);
		gp_label(f, title);
		fprintf(f, " %.17g %.17g\n", bars[i].us, bars[i].uj);
	}
	if (fclose(f)) {
		f = NULL;
		err_set(&err, dat, 0, "", "cannot write: %s", strerror(errno));
		goto fail;
	}
	if (!(f = fopen(body, "w"))) {
		err_set(&err, body, 0, "", "cannot create: %s", strerror(errno));
		goto fail;
	}
	run = jget(root, "run");
	arch = jget(root, "arch");
	v = jget(run, "trace");
	i = (size_t)snprintf(title, sizeof title, "%s", v && v->t == J_STR ?
			     v->str : file);
	v = jget(arch, "name");
	if (v && v->t == J_STR && i < sizeof title)
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
	if (fclose(f)) {
		f = NULL;
		err_set(&err, body, 0, "", "cannot write: %s", strerror(errno));
		goto fail;
	}
	f = NULL;
	w = 300 + 28 * (int)nb;
	rc = fig_render(&wk, gp, dir, "ops", w < 900 ? 900 : w > 2400 ? 2400 : w,
			900, body);
	goto done;
fail:
	rc = print_err(&err, SIM_EXIT_USAGE);
done:
	if (f)
		fclose(f);
	work_close(&wk);
	return rc;
}

/* ---------------------------------------------------------------------- */
/* plot                                                                    */

/* The filters exist and leave at least one ok row. 0, or -1 with err. */
static int plot_csv_check(const struct csv *c, struct filt *f,
			  struct sim_err *err)
{
	size_t i;

	if (filt_resolve(f, c, err) || (f->n && filt_check(f, c, err)))
		return -1;
	for (i = 0; i < c->nrows; i++)
		if (filt_match(f, &c->rows[i]) && row_ok(c, &c->rows[i]))
			return 0;
	return err_set(err, c->path, 0, "status", "no row%s has status ok: "
		       "nothing to plot", f->n ? " passing --where" : "");
}

static const struct opt_spec plot_opts[] = {
	{ K_X, "x", "COL", "column along x (default latency_us)" },
	{ K_Y, "y", "COL", "column along y (default energy_pj)" },
	{ K_WHERE, "where", "KEY=VALUE", "only rows with KEY=VALUE (a "
	  "trace also by file name)" },
	{ K_REPORT, "report", "REPORT.json", "plot one run's ops instead of a "
	  "results file" },
	{ 'o', "output", "DIR", "directory for the PNG and SVG (created)" },
	{ 0, NULL, NULL, NULL },
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
	const char *file, *rep, *dir, *xs, *ys;	/* as given */
	struct filt f;		/* --where filters */
};

static int plot_opt(void *ctx, int key, const char *v)
{
	struct plot_args *a = ctx;

	switch (key) {
	case 0:
		return operand(&plot_cmdline, &a->file, v);
	case K_X:
		a->xs = v;
		return 0;
	case K_Y:
		a->ys = v;
		return 0;
	case K_WHERE:
		return filt_add(&a->f, &plot_cmdline, v);
	case K_REPORT:
		a->rep = v;
		return 0;
	default:
		a->dir = v;
		return 0;
	}
}

/* Options into a, axes defaulted; 0, OPT_HELP, or a usage line and 2. */
static int plot_parse(int argc, char **argv, struct plot_args *a)
{
	const struct opt_cmd *cmd = &plot_cmdline;
	int rc = opt_parse(cmd, argc, argv, plot_opt, a);

	if (rc)
		return rc;
	if (!a->dir || !(a->file || a->rep))
		return opt_error(cmd, "needs RESULTS.csv (a results file of "
				 "'stasim sweep') or --report REPORT.json, "
				 "and -o DIR");
	if (a->file && a->rep)
		return opt_error(cmd, "a results CSV or --report REPORT.json, "
				 "not both");
	if (a->rep && (a->xs || a->ys || a->f.n))
		return opt_error(cmd, "--x, --y and --where are for a results "
				 "CSV, not --report");
	a->xs = a->xs ? a->xs : "latency_us";
	a->ys = a->ys ? a->ys : "energy_pj";
	if (a->file && !strcmp(a->xs, a->ys))
		return opt_error(cmd, "--x and --y both name '%s'", a->xs);
	return 0;
}

int plot_cmd(int argc, char **argv)
{
	struct plot_args a = { .file = NULL };
	struct ops_fig of = { .bars = NULL };
	char gp[1024];
	struct sim_err err;
	struct jval root;
	struct csv c;
	const char *nums[3];
	int rc;

	if ((rc = plot_parse(argc, argv, &a)))
		return rc == OPT_HELP ? SIM_EXIT_OK : rc;
	/* bad input first, so it is reported with or without gnuplot */
	nums[0] = a.xs;
	nums[1] = a.ys;
	nums[2] = NULL;
	if (a.file ? csv_load(a.file, &c, nums, &err) :
	    json_load(a.rep, &root, &err))
		return print_err(&err, SIM_EXIT_USAGE);
	rc = a.file ? plot_csv_check(&c, &a.f, &err) :
		report_bars(a.rep, &root, &of, &err);
	if (rc)
		rc = print_err(&err, SIM_EXIT_USAGE);
	else if (gp_find(gp, sizeof gp)) {
		fputs("stasim: plot: gnuplot not found on PATH: install "
		      "gnuplot-nox ('make deps' or 'apt-get install "
		      "gnuplot-nox')\n", stderr);
		rc = SIM_EXIT_USAGE;
	} else
		rc = a.file ? plot_csv(&c, &a.f, a.dir, a.xs, a.ys, gp) :
			plot_report(a.rep, &root, &of, a.dir, gp);
	if (a.file)
		csv_free(&c);
	else
		jfree(&root);
	free(of.bars);
	return rc;
}
