/*
 * results.c - reading a sweep's results.csv back for pareto, table and
 * plot (results.h, docs/analysis.md).
 *
 * The file is read whole (lib/slurp) and split into records by lib/csv;
 * every column is found by name, since the swept keys sit between the
 * fixed columns. Invariant of a loaded table: every row has exactly as
 * many fields as the header, its status is ok, invalid or failed, and every
 * numeric column of an ok row holds a finite number.
 */
#include "results.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "lib/buf.h"
#include "lib/num.h"
#include "lib/slurp.h"
#include "opt.h"

const char *const results_numeric[] = { "cycles", "latency_us",
	"energy_pj", "edp_pj_us", "macs", "dense_macs", "utilization_pct",
	"dram_bytes", "area_mm2", NULL };

/* Name of field col for messages: the header's name, else "column N". */
static const char *col_name(const struct results *c, size_t col, char *buf,
			    size_t len)
{
	if (col < c->head.n)
		return c->head.f[col];
	snprintf(buf, len, c->head.n ? "column %zu" : "header column %zu",
		 col + 1);
	return buf;
}

/* One record (lib/csv.h); a fault is named by its column. */
static int csv_record(const struct results *c, struct csv_reader *r,
		      struct csv_row *row, struct csv_fail *fail,
		      struct sim_err *err)
{
	char nb[48];
	int got = csv_read_record(r, row, fail);

	if (got < 0)
		err_set(err, c->path, fail->line,
			col_name(c, fail->col, nb, sizeof nb), "%s", fail->why);
	return got;
}

void results_free(struct results *c)
{
	size_t i;

	for (i = 0; i < c->nrows; i++)
		csv_row_free(&c->rows[i]);
	free(c->rows);
	csv_row_free(&c->head);
	c->rows = NULL;
	c->nrows = 0;
}

long results_col(const struct results *c, const char *name)
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
long results_need(const struct results *c, const char *name,
		     struct sim_err *err)
{
	char list[400];
	const char **cands, *near;
	size_t i, n = 0;
	long col = results_col(c, name);

	if (col >= 0)
		return col;
	list[0] = 0;
	cands = buf_grow(NULL, (c->head.n + 1) * sizeof *cands);
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

int results_row_ok(const struct results *c, const struct csv_row *r)
{
	return !strcmp(r->f[c->status], "ok");
}

/* Value of column col of an ok row (checked at load). */
double results_num(const struct csv_row *r, long col)
{
	double v = 0;

	(void)num_double_blank(r->f[col], &v);
	return v;
}

static int check_header(const struct results *c, struct sim_err *err)
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
static int ragged(const struct results *c, const struct csv_row *r,
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

/* The row past RESULTS_MAX_ROWS or RESULTS_MAX_FIELDS. */
static int too_many(const struct results *c, const struct csv_row *r,
		    struct sim_err *err)
{
	if (c->nrows == RESULTS_MAX_ROWS)
		return err_set(err, c->path, r->line[0], "", "more than %zu "
			       "rows", RESULTS_MAX_ROWS);
	return err_set(err, c->path, r->line[0], "", "more than %zu fields",
		       RESULTS_MAX_FIELDS);
}

/* Status values and the numbers of ok rows (results_numeric, then extra). */
static int check_rows(struct results *c, const char *const *extra,
		     struct sim_err *err)
{
	long cols[32], col;
	size_t nc = 0, i, k;
	double v;

	for (i = 0; results_numeric[i]; i++)
		if ((col = results_col(c, results_numeric[i])) >= 0)
			cols[nc++] = col;
	for (i = 0; extra && extra[i] && nc < 32; i++) {
		if ((col = results_need(c, extra[i], err)) < 0)
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

			if (!num_double_blank(f, &v))
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

int results_load(const char *path, struct results *c, const char *const *extra,
		    struct sim_err *err)
{
	struct csv_reader r;
	struct csv_row row;
	struct csv_fail fail;
	size_t cap = 0, fields = 0;
	char *buf;
	size_t len;
	long st;
	int got;

	memset(c, 0, sizeof *c);
	c->path = path;
	if (!(buf = slurp_or_err(path, RESULTS_CAPS, &len, err)))
		return -1;
	csv_reader_init(&r, buf, len);
	got = csv_record(c, &r, &c->head, &fail, err);
	if (got == 0)
		err_set(err, path, 0, "", "empty file: no header line");
	if (got <= 0 || check_header(c, err))
		goto fail;
	while ((got = csv_record(c, &r, &row, &fail, err)) > 0) {
		if (row.n != c->head.n) {
			ragged(c, &row, err);
			csv_row_free(&row);
			goto fail;
		}
		if (c->nrows == RESULTS_MAX_ROWS ||
		    (fields += row.n) > RESULTS_MAX_FIELDS) {
			too_many(c, &row, err);
			csv_row_free(&row);
			goto fail;
		}
		if (c->nrows == cap)
			c->rows = buf_grow(c->rows, (cap = cap ? 2 * cap : 64) *
				       sizeof *c->rows);
		c->rows[c->nrows++] = row;
	}
	if (got < 0 || (st = results_need(c, "status", err)) < 0)
		goto fail;
	c->status = (size_t)st;
	if (check_rows(c, extra, err))
		goto fail;
	free(buf);
	return 0;
fail:
	free(buf);
	results_free(c);
	return -1;
}

