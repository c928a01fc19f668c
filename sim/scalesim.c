/*
 * scalesim.c - SCALE-Sim topology CSV files read as traces (see scalesim.h).
 *
 * Follows SCALE-Sim v2/v3's reader (scalesim/topology_utils.py): the first
 * line that is not blank is the header and names the form; each later row
 * is one layer. A convolution becomes one gemm by im2col:
 *
 *   out_h = ceil((IFMAP Height - Filter Height) / Strides) + 1  (same for w)
 *   m = out_h * out_w,  k = Filter Height * Filter Width * Channels,
 *   n = Num Filter
 *
 * SCALE-Sim has no padding column: the IFMAP is taken as given (already
 * padded), and the rounding up is v2/v3's (ceil((H - F + S) / S)); v1
 * rounded down, which differs only when Strides does not divide H - F.
 * Strides applies to both dimensions, as in SCALE-Sim. A GEMM row
 * "name, M, N, K" is M x K times K x N: m = M, k = K, n = N.
 *
 * Stricter than SCALE-Sim, which asserts or crashes: every value is checked
 * and a bad row is reported with its line and column. Accepted beyond it:
 * a missing trailing comma, blank lines (also rows of commas only), spaces
 * around values, CRLF line ends, a UTF-8 byte-order mark, and '#' comments
 * to the end of a line. Not done: SCALE-Sim v2's expansion of layers named
 * "DP..." into one depthwise layer per channel; every row is one gemm.
 * Invariant: an op is pushed only after its m, k, n and operand sizes
 * passed the limits of trace.c, so trace_write() never refuses the result.
 */
#include "scalesim.h"
#include "lib/slurp.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "opt.h"
#include "zoo.h"

#define SS_LINE_MAX 4096	/* longest line, as in a trace */
#define SS_COLS_MAX 10		/* name, 7 values, Strides, Sparsity */

enum ss_form {
	SS_NONE = 0,		/* no header read yet */
	SS_CONV,		/* Layer name, IFMAP Height, ..., Strides */
	SS_GEMM			/* Layer, M, N, K */
};

/* Columns of each form, spelled as SCALE-Sim's own files spell them. */
static const char *const conv_cols[] = {
	"Layer name", "IFMAP Height", "IFMAP Width", "Filter Height",
	"Filter Width", "Channels", "Num Filter", "Strides"
};
static const char *const gemm_cols[] = { "Layer", "M", "N", "K" };

#define CONV_COLS (sizeof conv_cols / sizeof conv_cols[0])
#define GEMM_COLS (sizeof gemm_cols / sizeof gemm_cols[0])

/* Indices of the conv columns, in file order. */
enum { C_NAME, C_IH, C_IW, C_FH, C_FW, C_CH, C_NF, C_STRIDE };
/* Indices of the GEMM columns. */
enum { G_NAME, G_M, G_N, G_K };

/* The reader's state: where it is and what the header said. */
struct ss_reader {
	const char *path;	/* file, for errors */
	int line;		/* 1-based line being parsed */
	struct sim_err *err;	/* filled on the first error */
	enum ss_form form;	/* from the header */
	const char *const *cols;	/* column names of the form */
	size_t ncols;		/* required columns of the form */
	int sparsity;		/* 1 if the header has a Sparsity column */
};

/* A row split into trimmed fields, trailing empty fields dropped. */
struct ss_row {
	char *f[SS_COLS_MAX];	/* fields, pointing into the line */
	size_t n;		/* fields kept; 0 = blank row */
	const char *extra;	/* first nonempty field past SS_COLS_MAX */
};

/* Fill r's error for the current line; returns -1. */
static int fail(struct ss_reader *r, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct ss_reader *r, const char *field, const char *fmt, ...)
{
	char msg[sizeof r->err->msg];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return err_set(r->err, r->path, r->line, field, "%s", msg);
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
			 e[-1] == '\n'))
		*--e = 0;
	return s;
}

/* Cut the comment and split line at commas into row. */
static void split(char *line, struct ss_row *row)
{
	char *p = line, *comma, *hash = strchr(line, '#');
	size_t n = 0;

	if (hash)
		*hash = 0;
	memset(row, 0, sizeof *row);
	for (;;) {
		comma = strchr(p, ',');
		if (comma)
			*comma = 0;
		if (n < SS_COLS_MAX)
			row->f[n++] = trim(p);
		else if (!row->extra && *trim(p))
			row->extra = trim(p);
		if (!comma)
			break;
		p = comma + 1;
	}
	while (n > 0 && !row->f[n - 1][0])
		n--;
	row->n = n;
}

/* Header names match ignoring case and runs of spaces. */
static int same_name(const char *a, const char *b)
{
	for (;;) {
		if (*a == ' ' && *b == ' ') {
			while (*a == ' ')
				a++;
			while (*b == ' ')
				b++;
			continue;
		}
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return 0;
		if (!*a)
			return 1;
		a++;
		b++;
	}
}

static int header(struct ss_reader *r, const struct ss_row *row)
{
	size_t i;

	if (row->n >= 2 && same_name(row->f[1], conv_cols[C_IH])) {
		r->form = SS_CONV;
		r->cols = conv_cols;
		r->ncols = CONV_COLS;
	} else if (row->n >= 2 && same_name(row->f[1], gemm_cols[G_M])) {
		r->form = SS_GEMM;
		r->cols = gemm_cols;
		r->ncols = GEMM_COLS;
	} else {
		return fail(r, "header", "unknown header (column 2 is '%.60s'):"
			    " a SCALE-Sim topology starts 'Layer name, IFMAP "
			    "Height, IFMAP Width, Filter Height, Filter Width, "
			    "Channels, Num Filter, Strides' or 'Layer, M, N, K'",
			    row->n > 1 ? row->f[1] : "");
	}
	/* SCALE-Sim's files title the first column either way */
	if (!same_name(row->f[0], "Layer") &&
	    !same_name(row->f[0], "Layer name"))
		return fail(r, r->cols[0], "header column 1 is '%.60s', "
			    "expected 'Layer' or 'Layer name'", row->f[0]);
	for (i = 2; i < r->ncols; i++) {
		if (i >= row->n)
			return fail(r, r->cols[i], "header has no '%s' column",
				    r->cols[i]);
		if (!same_name(row->f[i], r->cols[i]))
			return fail(r, r->cols[i], "header column %zu is "
				    "'%.60s', expected '%s'", i + 1, row->f[i],
				    r->cols[i]);
	}
	if (row->n > r->ncols && same_name(row->f[r->ncols], "Sparsity"))
		r->sparsity = 1;
	for (i = r->ncols + (size_t)r->sparsity; i < row->n; i++)
		if (row->f[i][0])
			break;
	if (i < row->n || row->extra)
		return fail(r, "header", "unknown column '%.60s' (only "
			    "Sparsity may follow '%s')",
			    i < row->n ? row->f[i] : row->extra,
			    r->cols[r->ncols - 1]);
	return 0;
}

/* A positive decimal of a column, at most TRACE_DIM_MAX. */
static int value(struct ss_reader *r, const struct ss_row *row, size_t col,
		 uint32_t *v)
{
	const char *s = row->f[col];
	uint64_t x = 0;
	size_t i;

	if (!*s)
		return fail(r, r->cols[col], "empty value");
	for (i = 0; s[i]; i++) {
		if (!isdigit((unsigned char)s[i]))
			return fail(r, r->cols[col], "'%.60s' is not a decimal "
				    "number", s);
		if (x <= TRACE_DIM_MAX)	/* never overflows */
			x = x * 10 + (uint64_t)(s[i] - '0');
	}
	if (x < 1 || x > TRACE_DIM_MAX)
		return fail(r, r->cols[col], "'%.60s' is out of range "
			    "(1..%u)", s, TRACE_DIM_MAX);
	*v = (uint32_t)x;
	return 0;
}

/* Every operand of a gemm m x k x n within trace.c's element limit. */
static int operands(struct ss_reader *r, uint64_t m, uint64_t k, uint64_t n,
		    const char *mcol, const char *kcol)
{
	if (m > TRACE_DIM_MAX)
		return fail(r, mcol, "the gemm's m = %llu is more than %u",
			    (unsigned long long)m, TRACE_DIM_MAX);
	if (k > TRACE_DIM_MAX)
		return fail(r, kcol, "the gemm's k = %llu is more than %u",
			    (unsigned long long)k, TRACE_DIM_MAX);
	if (m * k > TRACE_ELEMS_MAX)
		return fail(r, mcol, "the activations m*k have %llu elements,"
			    " more than %llu", (unsigned long long)(m * k),
			    TRACE_ELEMS_MAX);
	if (k * n > TRACE_ELEMS_MAX)
		return fail(r, kcol, "the weights k*n have %llu elements, more"
			    " than %llu", (unsigned long long)(k * n),
			    TRACE_ELEMS_MAX);
	if (m * n > TRACE_ELEMS_MAX)
		return fail(r, mcol, "the output m*n has %llu elements, more "
			    "than %llu", (unsigned long long)(m * n),
			    TRACE_ELEMS_MAX);
	return 0;
}

/* SCALE-Sim v2/v3's output size: ceil((in - filter) / stride) + 1. */
static uint64_t out_dim(uint32_t in, uint32_t filter, uint32_t stride)
{
	return (in - filter + stride - 1) / stride + 1;
}

/* The m, k, n of a row of the header's form. */
static int shape(struct ss_reader *r, const struct ss_row *row, struct op *op)
{
	uint32_t v[CONV_COLS];
	uint64_t m, k;
	size_t i;

	for (i = 1; i < r->ncols; i++)
		if (value(r, row, i, &v[i]))
			return -1;
	if (r->form == SS_GEMM) {
		if (operands(r, v[G_M], v[G_K], v[G_N], gemm_cols[G_M],
			     gemm_cols[G_K]))
			return -1;
		op->m = v[G_M];
		op->k = v[G_K];
		op->n = v[G_N];
		return 0;
	}
	if (v[C_FH] > v[C_IH])
		return fail(r, conv_cols[C_FH], "%u is larger than the IFMAP "
			    "Height %u", v[C_FH], v[C_IH]);
	if (v[C_FW] > v[C_IW])
		return fail(r, conv_cols[C_FW], "%u is larger than the IFMAP "
			    "Width %u", v[C_FW], v[C_IW]);
	m = out_dim(v[C_IH], v[C_FH], v[C_STRIDE]) *
	    out_dim(v[C_IW], v[C_FW], v[C_STRIDE]);
	k = (uint64_t)v[C_FH] * v[C_FW] * v[C_CH];
	if (operands(r, m, k, v[C_NF], conv_cols[C_IH], conv_cols[C_CH]))
		return -1;
	op->m = (uint32_t)m;
	op->k = (uint32_t)k;
	op->n = v[C_NF];
	return 0;
}

/* 1 if name is taken by one of t's ops, or is the graph input that the
 * implicit chain has the first op read. */
static int name_taken(const struct trace *t, const char *name)
{
	size_t i;

	if (!strcmp(name, TRACE_INPUT))
		return 1;
	for (i = 0; i < t->n_ops; i++)
		if (!strcmp(t->ops[i].name, name))
			return 1;
	return 0;
}

/*
 * The layer's name made a trace name: characters outside [A-Za-z0-9._-]
 * become '_', an empty name becomes "layerI" (I = the op's index), and a
 * name already taken gets "-2", "-3", ... until it is free.
 */
static void op_name(const struct trace *t, const char *layer, struct op *op)
{
	char base[TRACE_NAME_MAX - 8];
	size_t i;
	unsigned dup;

	snprintf(base, sizeof base, "%s", layer);
	for (i = 0; base[i]; i++)
		if (!isalnum((unsigned char)base[i]) && base[i] != '.' &&
		    base[i] != '_' && base[i] != '-')
			base[i] = '_';
	if (!base[0])
		snprintf(base, sizeof base, "layer%zu", t->n_ops);
	snprintf(op->name, sizeof op->name, "%s", base);
	for (dup = 2; name_taken(t, op->name); dup++)
		snprintf(op->name, sizeof op->name, "%s-%u", base, dup);
}

static int row_op(struct ss_reader *r, const struct ss_row *row,
		  const struct scalesim_opts *o, struct trace *t)
{
	const char *sp;
	struct op op;

	if (row->extra || row->n > r->ncols + (size_t)r->sparsity)
		return fail(r, "", "more values than the header's %zu "
			    "columns", r->ncols + (size_t)r->sparsity);
	if (row->n < r->ncols)
		return fail(r, r->cols[row->n], "missing column (the row has "
			    "%zu of the %zu values)", row->n, r->ncols);
	memset(&op, 0, sizeof op);
	op.kind = OP_GEMM;
	op.heads = op.nm_n = op.nm_m = 1;
	op.line = r->line;
	if (shape(r, row, &op))
		return -1;
	sp = r->sparsity && row->n > r->ncols ? row->f[r->ncols] : "";
	if (*sp && zoo_parse_nm(sp, &op.nm_n, &op.nm_m))
		return fail(r, "Sparsity", "'%.60s' is not N:M with 1 <= N <= "
			    "M <= %u", sp, TRACE_NM_MAX);
	if (o && (o->nm_n || o->nm_m)) {
		op.nm_n = o->nm_n;
		op.nm_m = o->nm_m;
	}
	op_name(t, row->f[0], &op);
	if (trace_push(t, &op))
		return err_set(r->err, r->path, r->line, "", "out of memory");
	return 0;
}

/* One line: a header, a layer or nothing. */
static int parse_line(struct ss_reader *r, char *line, size_t len,
		      const struct scalesim_opts *o, struct trace *t)
{
	struct ss_row row;

	if (strlen(line) != len)
		return fail(r, "", "NUL byte in the line");
	if (len > SS_LINE_MAX + 1 ||
	    (len == SS_LINE_MAX + 1 && line[len - 1] != '\n'))
		return fail(r, "", "line longer than %d bytes", SS_LINE_MAX);
	if (r->line == 1 && !strncmp(line, "\xef\xbb\xbf", 3))
		line += 3;	/* a spreadsheet's UTF-8 byte-order mark */
	split(line, &row);
	if (row.n == 0 && !row.extra)
		return 0;
	if (r->form == SS_NONE)
		return header(r, &row);
	return row_op(r, &row, o, t);
}

/* a topology is a few KiB: 1 MiB holds some 20,000 layers */
#define SS_FILE_MAX ((uint64_t)1 << 20)

/*
 * The next line of f into buf (SS_LINE_MAX + 2 bytes), byte by byte so that
 * a NUL is kept for parse_line to refuse: its length, 0 at the end, or -1
 * with err when it is too long or the file too large (an endless pipe).
 */
static ssize_t next_line(struct ss_reader *r, FILE *f, char *buf,
			 uint64_t *total)
{
	size_t n = 0;
	int c = 0;

	while (n <= SS_LINE_MAX && (c = getc(f)) != EOF) {
		buf[n++] = (char)c;
		if (c == '\n')
			break;
	}
	buf[n] = '\0';
	*total += n;
	if (n > SS_LINE_MAX)
		return err_set(r->err, r->path, r->line + 1, "", "line longer "
			       "than %d bytes", SS_LINE_MAX);
	if (*total > SS_FILE_MAX)
		return err_set(r->err, r->path, r->line + 1, "", "larger than "
			       "%llu MiB: not a SCALE-Sim topology",
			       (unsigned long long)(SS_FILE_MAX >> 20));
	return (ssize_t)n;
}

int scalesim_read(const char *path, const struct scalesim_opts *o,
		  struct trace *t, struct sim_err *err)
{
	struct ss_reader r = { path, 0, err, SS_NONE, NULL, 0, 0 };
	char *line;
	uint64_t total = 0;
	ssize_t len;
	FILE *f;
	int rc = 0;

	memset(t, 0, sizeof *t);
	if (o && (o->nm_n || o->nm_m) &&
	    (o->nm_n < 1 || o->nm_n > o->nm_m || o->nm_m > TRACE_NM_MAX))
		return err_set(err, path, 0, "nm", "N:M %u:%u needs 1 <= N <= "
			       "M <= %u", o->nm_n, o->nm_m, TRACE_NM_MAX);
	if (input_is_file(path, err))
		return -1;
	if (!(line = malloc(SS_LINE_MAX + 2)))
		return err_set(err, path, 0, "", "out of memory");
	f = fopen(path, "r");
	if (!f) {
		free(line);
		return err_set(err, path, 0, "", "cannot open: %s",
			       strerror(errno));
	}
	while (rc == 0 && (len = next_line(&r, f, line, &total)) > 0) {
		r.line++;
		rc = parse_line(&r, line, (size_t)len, o, t);
	}
	if (len < 0)
		rc = -1;
	if (rc == 0 && ferror(f))
		rc = err_set(err, path, 0, "", "read error");
	else if (rc == 0 && r.form == SS_NONE)
		rc = err_set(err, path, 0, "", "empty file: no SCALE-Sim "
			     "header");
	else if (rc == 0 && t->n_ops == 0)
		rc = err_set(err, path, 0, "", "topology has no layers");
	free(line);
	fclose(f);
	if (rc) {
		trace_free(t);
		memset(t, 0, sizeof *t);
		return -1;
	}
	snprintf(t->path, sizeof t->path, "%s", path);
	return 0;
}

/* ---- stasim import-scalesim ---- */

#define K_NM OPT_LONG		/* --nm N:M, long only */

static const struct opt_spec import_opts[] = {
	{ K_NM, "nm", "N:M", "prune every layer N:M (default: its Sparsity "
	  "column)" },
	{ 'o', "output", "FILE", "the trace to write (gzip if FILE ends in .gz)" },
	OPT_END,
};

static const struct opt_cmd import_cmdline = {
	"stasim", "import-scalesim", "TOPO.csv [--nm N:M] -o FILE",
	"Turn a SCALE-Sim topology file (convolution or GEMM form) into a\n"
	"trace, one gemm per layer (docs/trace-format.md).",
	import_opts,
};

/* What import_opt fills. */
struct import_args {
	const char *in, *out, *nm;	/* TOPO.csv, -o, --nm as given */
	struct scalesim_opts o;		/* --nm parsed */
};

static int import_opt(void *ctx, int key, const char *v)
{
	struct import_args *a = ctx;

	if (key == 'o') {
		a->out = v;
	} else if (key == K_NM) {
		if (zoo_parse_nm(v, &a->o.nm_n, &a->o.nm_m))
			return opt_error(&import_cmdline, "--nm: '%s' is not "
					 "N:M with 1 <= N <= M <= 64", v);
		a->nm = v;
	} else if (a->in) {
		return opt_error(&import_cmdline, "one topology file only, not "
				 "also '%s'", v);
	} else {
		a->in = v;
	}
	return 0;
}

/* Options into a; 0, OPT_HELP, or a usage line and 2. */
static int import_parse(int argc, char **argv, struct import_args *a)
{
	const struct opt_cmd *cmd = &import_cmdline;
	int rc = opt_parse(cmd, argc, argv, import_opt, a);

	if (rc)
		return rc;
	if (!a->in)
		return opt_error(cmd, "usage is '%s %s %s'", cmd->prog,
				 cmd->name, cmd->usage);
	if (!a->out)
		return opt_error(cmd, "needs -o FILE");
	return 0;
}

int import_scalesim_cmd(int argc, char **argv)
{
	struct import_args a = { NULL, NULL, NULL, { 0, 0 } };
	struct trace t;
	struct sim_err err;
	char comment[700];
	int rc;

	if ((rc = import_parse(argc, argv, &a)))
		return rc == OPT_HELP ? SIM_EXIT_OK : rc;
	snprintf(comment, sizeof comment, "SCALE-Sim topology %.512s, weights "
		 "%s%s (written by stasim import-scalesim)", a.in,
		 a.nm ? a.nm : "as its Sparsity column says",
		 a.nm ? "" : ", else dense");
	if (scalesim_read(a.in, &a.o, &t, &err) ||
	    trace_write(a.out, &t, comment, &err)) {
		rc = err_print("stasim", &err, SIM_EXIT_USAGE);
	}
	trace_free(&t);
	return rc;
}
