/*
 * filter.c - --where KEY=VALUE: which rows of a results file a command
 * looks at (filter.h).
 *
 * Invariant: after filt_resolve every filter names an existing column, and
 * a trace filter given as a path's tail picks at most one trace.
 */
#include "filter.h"

#include <string.h>

int filt_add(struct filt *f, const struct opt_cmd *cmd, const char *v)
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
static int where_settle(struct where *w, const struct results *c,
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
int filt_resolve(struct filt *f, const struct results *c,
			struct sim_err *err)
{
	int k;

	for (k = 0; k < f->n; k++)
		if ((f->w[k].col = results_need(c, f->w[k].key, err)) < 0 ||
		    where_settle(&f->w[k], c, err))
			return -1;
	return 0;
}

int filt_match(const struct filt *f, const struct csv_row *r)
{
	int k;

	for (k = 0; k < f->n; k++)
		if (!where_hit(&f->w[k], r->f[f->w[k].col]))
			return 0;
	return 1;
}

/* 0 when a row passes; else -1 with err, blaming one filter if it can. */
int filt_check(const struct filt *f, const struct results *c,
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
void filt_text(const struct filt *f, const char *prefix, char *buf,
		      size_t len)
{
	size_t n = 0;
	int k;

	buf[0] = 0;
	for (k = 0; k < f->n && n < len; k++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s=%s", k ? ", " :
				      prefix, f->w[k].key, f->w[k].val);
}

