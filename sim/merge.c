/*
 * merge.c - stasim merge: join the results files of a sweep's shards or
 * partial runs into one, sorted by point id, each point once (sweep.h,
 * docs/sweeps.md).
 *
 * Every input must have the first input's header (else the message lists
 * the key columns each has alone); a row is identified by (id, hash of its
 * config, trace and key values, lib/hash.h via sweep_spec.h). Inputs of
 * different sweeps with the same columns (one id, two points) are joined
 * and their points numbered anew. Invariant: the output holds each point
 * at most once, and is written only when no two inputs disagree
 * (lib/afile: all or nothing).
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
	const char *first_file;	/* its file */
	int joined;		/* 1: inputs of different sweeps, renumbered */
	int cols, keys;		/* fields per row, key columns among them */
	int order[SW_KEYS_MAX];	/* key columns by name */
	const char *names[SW_KEYS_MAX]; /* key column names */
	char name_buf[4096];	/* their text */
};

#define MG_FIELDS (SW_KEYS_MAX + SW_HEAD_COLS + SW_TAIL_COLS)

/* 1 when the n fields f start and end with a results file's fixed
 * columns. */
static int fixed_cols(char **f, int n)
{
	char head[sizeof SW_CSV_HEAD], tail[sizeof SW_CSV_TAIL];
	char *hf[SW_HEAD_COLS], *tf[SW_TAIL_COLS];
	int i;

	strcpy(head, SW_CSV_HEAD);
	strcpy(tail, SW_CSV_TAIL);
	csv_split_line(head, hf, SW_HEAD_COLS);
	csv_split_line(tail, tf, SW_TAIL_COLS);
	if (n < SW_HEAD_COLS + SW_TAIL_COLS)
		return 0;
	for (i = 0; i < SW_HEAD_COLS; i++)
		if (strcmp(f[i], hf[i]))
			return 0;
	for (i = 0; i < SW_TAIL_COLS; i++)
		if (strcmp(f[n - SW_TAIL_COLS + i], tf[i]))
			return 0;
	return 1;
}

/* Check a header line (modified) and note its key columns; 0 or -1 with err. */
static int mg_header(struct mg_state *m, char *line, const char *file,
		     struct sim_err *err)
{
	char *f[MG_FIELDS], *t;
	size_t used = 0;
	int n = csv_split_line(line, f, MG_FIELDS), i;

	if (!fixed_cols(f, n))
		return err_set(err, file, 1, "header", "not a stasim sweep "
			       "results header (%s,KEYS...,%s); results of "
			       "an earlier stasim need to be run again",
			       SW_CSV_HEAD, SW_CSV_TAIL);
	m->cols = n;
	m->keys = n - SW_HEAD_COLS - SW_TAIL_COLS;
	for (i = 0; i < m->keys; i++) {
		t = m->name_buf + used;
		used += (size_t)snprintf(t, sizeof m->name_buf - used, "%s",
					 f[SW_HEAD_COLS + i]) + 1;
		if (used > sizeof m->name_buf)
			return err_set(err, file, 1, "header", "key names "
				       "longer than %zu bytes in all",
				       sizeof m->name_buf);
		m->names[i] = t;
	}
	sw_name_order(m->names, m->order, m->keys);
	return 0;
}

/* The key columns of header line a missing from b, listed into out. */
static void missing_keys(const char *a, const char *b, char *out, size_t n)
{
	char ca[4096], cb[4096], *fa[MG_FIELDS], *fb[MG_FIELDS];
	int na, nb, i, j;
	size_t used = 0;

	snprintf(ca, sizeof ca, "%s", a);
	snprintf(cb, sizeof cb, "%s", b);
	na = csv_split_line(ca, fa, MG_FIELDS);
	nb = csv_split_line(cb, fb, MG_FIELDS);
	out[0] = '\0';
	for (i = SW_HEAD_COLS; i < na - SW_TAIL_COLS; i++) {
		for (j = SW_HEAD_COLS; j < nb - SW_TAIL_COLS; j++)
			if (!strcmp(fa[i], fb[j]))
				break;
		if (j >= nb - SW_TAIL_COLS && used < n)
			used += (size_t)snprintf(out + used, n - used, "%s%s",
						 used ? ", " : "", fa[i]);
	}
	if (!out[0])
		snprintf(out, n, "none");
}

/* Headers that differ: which key columns one has and the other lacks. */
static int header_differs(const char *first, const char *file,
			  const char *text, const char *this_file,
			  struct sim_err *err)
{
	char only_a[400], only_b[400], copy[4096], *f[MG_FIELDS];

	snprintf(copy, sizeof copy, "%s", text);
	if (!fixed_cols(f, csv_split_line(copy, f, MG_FIELDS)))
		return err_set(err, this_file, 1, "header", "not a stasim sweep "
			       "results header (%s,KEYS...,%s)", SW_CSV_HEAD,
			       SW_CSV_TAIL);
	missing_keys(first, text, only_a, sizeof only_a);
	missing_keys(text, first, only_b, sizeof only_b);
	return err_set(err, this_file, 1, "header", "swept keys differ from "
		       "%s's: only there: %s; only here: %s%s (results join "
		       "when their columns agree)", file, only_a, only_b,
		       strcmp(only_a, "none") || strcmp(only_b, "none") ? "" :
		       "; the same keys in another order");
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
	char *f[MG_FIELDS], *text, *line, *nl, *copy, both[1100];
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
		m->first_file = file;
		if (!(copy = malloc(strlen(text) + 1)))
			return err_set(err, file, 0, "", "out of memory");
		strcpy(copy, text);
		rc = mg_header(m, copy, file, err);
		free(copy);
		if (rc)
			return -1;
	} else if (strcmp(text, m->header)) {
		return header_differs(m->header, m->first_file, text, file, err);
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
		/* a point is its config, trace and key values */
		snprintf(both, sizeof both, "%s\n%s", f[SW_COL_CONFIG],
			 f[SW_COL_TRACE]);
		r.hash = sw_point_hash(both, m->names,
				       (const char *const *)f + SW_HEAD_COLS,
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

/* By id, then input file and line: the output order. */
static int mg_cmp(const void *a, const void *b)
{
	const struct mg_row *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* By id and point (hash), then input order: copies of one point meet. */
static int mg_cmp_point(const void *a, const void *b)
{
	const struct mg_row *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return mg_cmp(a, b);
}

/*
 * Sort by id and drop repeated rows of one point; 0, or 1 with err filled
 * (two results for one point that differ). An id holding two different
 * points means the inputs are different sweeps with the same columns:
 * they are joined (m->joined), every point kept, in id then input order.
 */
static int mg_dedup(struct mg_state *m, const char **files,
		    struct sim_err *err)
{
	size_t i, k = 0;

	qsort(m->rows, m->n_rows, sizeof *m->rows, mg_cmp_point);
	for (i = 0; i < m->n_rows; i++) {
		const struct mg_row *r = &m->rows[i], *p = k ? &m->rows[k - 1] : NULL;

		if (p && p->id == r->id && p->hash == r->hash) {
			if (strcmp(p->text, r->text))
				return err_set(err, files[r->file], r->line, "point",
					       "conflicting results for point "
					       "%llu (%s:%d differs)",
					       (unsigned long long)r->id,
					       files[p->file], p->line), 1;
			continue;
		}
		if (p && p->id == r->id)
			m->joined = 1;
		m->rows[k++] = *r;
	}
	m->n_rows = k;
	qsort(m->rows, m->n_rows, sizeof *m->rows, mg_cmp);
	return 0;
}

/* The output: each row once; joined sweeps' points numbered anew. */
static int mg_write(const struct mg_state *m, const char *out,
		    struct sim_err *err)
{
	struct afile a;
	size_t i;

	if (afile_open(&a, out, "-o", err))
		return -1;
	fprintf(a.f, "%s\n", m->header);
	for (i = 0; i < m->n_rows; i++) {
		const char *t = m->rows[i].text;

		if (m->joined)
			fprintf(a.f, "%zu%s\n", i, t + strcspn(t, ","));
		else
			fprintf(a.f, "%s\n", t);
	}
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
	if (rc == SIM_EXIT_OK && m.joined)
		fprintf(stderr, "stasim: merge: the inputs are different sweeps "
			"(one point id holds different points): joined, %zu "
			"rows numbered 0..%zu by point id, then input order\n",
			m.n_rows, m.n_rows - 1);
out:
	for (i = 0; i < m.n_files; i++)
		free(m.text[i]);
	free(m.text);
	free(m.rows);
	free(a.files);
	return rc;
}

