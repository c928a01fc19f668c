/*
 * merge.c - stasim merge: join the results files of a sweep's shards or
 * partial runs into one, sorted by point id, each point once (sweep.h,
 * docs/sweeps.md).
 *
 * Every input must have the first input's header; a row is identified by
 * (id, hash of its trace and key values, lib/hash.h via sweep_spec.h).
 * Invariant: the output holds each point at most once, and is written only
 * when no two inputs disagree (lib/afile: all or nothing).
 */
#include "sweep.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "lib/afile.h"
#include "lib/csv.h"
#include "lib/num.h"
#include "lib/slurp.h"
#include "opt.h"
#include "results.h"
#include "sweep_spec.h"

static const struct opt_spec merge_opts[] = {
	{ 'o', "output", "OUT.csv", "the merged results file (required)" },
	OPT_END,
};

static const struct opt_cmd merge_cmdline = {
	"stasim", "merge", "A.csv B.csv ... -o OUT.csv",
	"Join the results files of a sweep's shards into one, sorted by\n"
	"point, each point once (docs/sweeps.md).",
	merge_opts,
};

struct mg_row {
	uint64_t id;		/* point id */
	uint64_t hash;		/* sw_point_hash of its trace and key values */
	const char *text;	/* the line, without its newline */
	int file;		/* index of its file in argv */
	int line;		/* 1-based line there */
};

struct mg_state {
	char **text;		/* per input: its contents */
	int n_files;		/* inputs read */
	struct mg_row *rows;	/* every row of every input */
	size_t n_rows, cap;	/* in use / allocated */
	char *header;		/* the first input's header line */
	int cols, keys;		/* fields per row, key columns among them */
	int order[SW_KEYS_MAX];	/* key columns by name */
	const char *names[SW_KEYS_MAX]; /* key column names */
	char name_buf[4096];	/* their text */
};

/* Check a header line (modified) and note its key columns; 0 or -1 with err. */
static int mg_header(struct mg_state *m, char *line, const char *file,
		     struct sim_err *err)
{
	char *f[SW_KEYS_MAX + 2 + SW_TAIL_COLS], tail[sizeof SW_CSV_TAIL];
	char *t, *tf[SW_TAIL_COLS];
	size_t used = 0;
	int n = csv_split_line(line, f, SW_KEYS_MAX + 2 + SW_TAIL_COLS), i;

	strcpy(tail, SW_CSV_TAIL);
	csv_split_line(tail, tf, SW_TAIL_COLS);
	if (n < 2 + SW_TAIL_COLS || strcmp(f[0], "point") || strcmp(f[1], "trace"))
		goto bad;
	for (i = 0; i < SW_TAIL_COLS; i++)
		if (strcmp(f[n - SW_TAIL_COLS + i], tf[i]))
			goto bad;
	m->cols = n;
	m->keys = n - 2 - SW_TAIL_COLS;
	for (i = 0; i < m->keys; i++) {
		t = m->name_buf + used;
		used += (size_t)snprintf(t, sizeof m->name_buf - used, "%s",
					 f[2 + i]) + 1;
		if (used > sizeof m->name_buf)
			goto bad;
		m->names[i] = t;
	}
	sw_name_order(m->names, m->order, m->keys);
	return 0;
bad:
	return err_set(err, file, 1, "header", "not a stasim sweep results "
		       "header (point,trace,KEYS...,%s)", SW_CSV_TAIL);
}

static int mg_add(struct mg_state *m, const struct mg_row *r)
{
	struct mg_row *p;

	if (m->n_rows == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 1024;

		if (!(p = realloc(m->rows, cap * sizeof *p)))
			return -1;
		m->rows = p;
		m->cap = cap;
	}
	m->rows[m->n_rows++] = *r;
	return 0;
}

/* Read one input's header and rows; 0 or -1 with err. */
static int mg_read(struct mg_state *m, const char *file, int fi,
		   struct sim_err *err)
{
	char *f[SW_KEYS_MAX + 2 + SW_TAIL_COLS], *text, *line, *nl, *copy;
	struct mg_row r;
	size_t len;
	int lineno = 1, rc = -1, last;

	if (!(text = slurp_or_err(file, RESULTS_CAPS, &len, err)))
		return -1;
	m->text[m->n_files++] = text;
	if (!len || !(nl = strchr(text, '\n')))
		return err_set(err, file, 1, "header", "no header line");
	*nl = '\0';
	if (nl > text && nl[-1] == '\r')
		nl[-1] = '\0';
	if (!m->header) {
		m->header = text;
		if (!(copy = malloc(strlen(text) + 1)))
			return err_set(err, file, 0, "", "out of memory");
		strcpy(copy, text);
		rc = mg_header(m, copy, file, err);
		free(copy);
		if (rc)
			return -1;
	} else if (strcmp(text, m->header)) {
		return err_set(err, file, 1, "header", "columns differ from "
			       "those of the first file (results of another "
			       "sweep?)");
	}
	if (!(copy = malloc(len + 1)))
		return err_set(err, file, 0, "", "out of memory");
	for (line = nl + 1; *line; line = last ? nl : nl + 1) {
		lineno++;
		nl = line + strcspn(line, "\n");
		last = !*nl;
		if (last) {	/* a row cut by a crash, as resume drops it */
			sw_cut_line_note(file, lineno);
			break;
		}
		*nl = '\0';
		if (nl > line && nl[-1] == '\r')
			nl[-1] = '\0';
		if (!*line)
			continue;
		strcpy(copy, line);
		if (csv_split_line(copy, f, m->cols) != m->cols) {
			err_set(err, file, lineno, "", "malformed row (expected "
				"%d comma-separated fields)", m->cols);
			goto out;
		}
		if (num_u64(f[0], &r.id)) {
			err_set(err, file, lineno, "point", "'%s' is not a point "
				"id", f[0]);
			goto out;
		}
		r.hash = sw_point_hash(f[1], m->names, (const char *const *)f + 2,
				    m->order, m->keys);
		r.text = line;
		r.file = fi;
		r.line = lineno;
		if (mg_add(m, &r)) {
			err_set(err, file, 0, "", "out of memory");
			goto out;
		}
	}
	rc = 0;
out:
	free(copy);
	return rc;
}

static int mg_cmp(const void *a, const void *b)
{
	const struct mg_row *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* Sort by id and drop repeated rows. Returns 0, or with err filled 1 (a
 * conflict) or 2 (one id, two different points). */
static int mg_dedup(struct mg_state *m, const char **files,
		    struct sim_err *err)
{
	size_t i, k = 0;

	qsort(m->rows, m->n_rows, sizeof *m->rows, mg_cmp);
	for (i = 0; i < m->n_rows; i++) {
		const struct mg_row *r = &m->rows[i], *p = k ? &m->rows[k - 1] : NULL;

		if (p && p->id == r->id) {
			if (p->hash != r->hash)
				return err_set(err, files[r->file], r->line, "point",
					       "point %llu has another trace or "
					       "other key values than in %s:%d "
					       "(results of different sweeps?)",
					       (unsigned long long)r->id,
					       files[p->file], p->line), 2;
			if (strcmp(p->text, r->text))
				return err_set(err, files[r->file], r->line, "point",
					       "conflicting results for point "
					       "%llu (%s:%d differs)",
					       (unsigned long long)r->id,
					       files[p->file], p->line), 1;
			continue;
		}
		m->rows[k++] = *r;
	}
	m->n_rows = k;
	return 0;
}

static int mg_write(const struct mg_state *m, const char *out,
		    struct sim_err *err)
{
	struct afile a;
	size_t i;

	if (afile_open(&a, out, "-o", err))
		return -1;
	fprintf(a.f, "%s\n", m->header);
	for (i = 0; i < m->n_rows; i++)
		fprintf(a.f, "%s\n", m->rows[i].text);
	return afile_commit(&a, "-o", err);
}

/* What merge_opt fills. */
struct mg_args {
	const char **files;	/* the operands, room for argc */
	int n;			/* how many */
	const char *out;	/* -o */
};

static int merge_opt(void *ctx, int key, const char *v)
{
	struct mg_args *a = ctx;

	if (key)
		a->out = v;
	else
		a->files[a->n++] = v;
	return 0;
}

/* Options into a; 0, OPT_HELP, or a usage line and 2. */
static int merge_args(int argc, char **argv, struct mg_args *a)
{
	int rc = opt_parse(&merge_cmdline, argc, argv, merge_opt, a);

	if (rc)
		return rc;
	if (!a->n)
		return opt_error(&merge_cmdline, "needs the results files to "
				 "merge");
	if (!a->out)
		return opt_error(&merge_cmdline, "needs -o OUT.csv");
	return 0;
}

int merge_cmd(int argc, char **argv)
{
	struct mg_state m;
	struct mg_args a = { NULL, 0, NULL };
	struct sim_err err;
	int i, rc = SIM_EXIT_USAGE;

	memset(&m, 0, sizeof m);
	a.files = calloc((size_t)argc + 1, sizeof *a.files);
	m.text = calloc((size_t)argc + 1, sizeof *m.text);
	if (!a.files || !m.text) {
		fprintf(stderr, "stasim: out of memory\n");
		rc = SIM_EXIT_FAIL;
		goto out;
	}
	if ((rc = merge_args(argc, argv, &a))) {
		rc = rc == OPT_HELP ? SIM_EXIT_OK : rc;
		goto out;
	}
	rc = SIM_EXIT_USAGE;
	for (i = 0; i < a.n; i++)
		if (mg_read(&m, a.files[i], i, &err)) {
			err_print("stasim", &err, rc);
			goto out;
		}
	if ((rc = mg_dedup(&m, a.files, &err))) {
		err_print("stasim", &err, rc);
		goto out;
	}
	rc = mg_write(&m, a.out, &err) ? err_print("stasim", &err, SIM_EXIT_USAGE) :
		SIM_EXIT_OK;
out:
	for (i = 0; i < m.n_files; i++)
		free(m.text[i]);
	free(m.text);
	free(m.rows);
	free(a.files);
	return rc;
}

