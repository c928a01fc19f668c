/*
 * sweep_results.c - a sweep's results file (sweep_run.h, docs/sweeps.md):
 * its header, one row per finished point, and resuming from an existing
 * file.
 *
 * Rows are CSV (lib/csv), each appended in one write(2) by the parent
 * only. Invariant: the file holds its header and complete rows only, at
 * most one row per point, each matching this spec's point of that id.
 */
#include "sweep_run.h"
#include "version.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/csv.h"
#include "lib/slurp.h"
#include "lib/num.h"
#include "results.h"

const char *const sw_status_names[] = { "ok", "invalid", "failed" };

struct sw_buf {
	char *s;		/* text, NUL-terminated */
	size_t n, cap;		/* bytes in use (without NUL) / allocated */
	int oom;		/* an append failed: the text is incomplete */
};

static void buf_add(struct sw_buf *b, const char *s, size_t n)
{
	char *p;

	if (b->oom)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;

		while (b->n + n + 1 > cap)
			cap *= 2;
		if (!(p = realloc(b->s, cap))) {
			b->oom = 1;
			return;
		}
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

static void buf_printf(struct sw_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void buf_printf(struct sw_buf *b, const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof tmp)
		b->oom = 1;
	else
		buf_add(b, tmp, (size_t)n);
}

/* lib/csv sink into a struct sw_buf. */
static void buf_sink(void *ctx, const char *s, size_t n)
{
	buf_add(ctx, s, n);
}

/* One CSV field, quoted (quotes doubled) when it holds , " CR LF or blanks
 * at either end. */
static void buf_field(struct sw_buf *b, const char *s)
{
	csv_put_field(s, CSV_QUOTE_BLANKS, buf_sink, b);
}

char *sw_results_header(const struct sw_spec *sp)
{
	struct sw_buf buf = { 0 }, *b = &buf;
	int i;

	buf_printf(b, "%s", SW_CSV_HEAD);
	for (i = 0; i < sp->n_keys; i++) {
		buf_add(b, ",", 1);
		buf_field(b, sp->key[i].name);
	}
	buf_printf(b, ",%s", SW_CSV_TAIL);
	if (b->oom) {
		free(b->s);
		return NULL;
	}
	return b->s;
}

/* What the point runs, before its keys: config, trace, model, nm, seq,
 * mode, seed. */
static void csv_point(const struct sw_run *s, uint32_t base, uint32_t t,
		      struct sw_buf *b)
{
	char model[TRACE_NAME_MAX], nm[32];

	trace_label_model(&s->tr[t], model, sizeof model);
	trace_label_nm(&s->tr[t], nm, sizeof nm);
	buf_field(b, s->base[base].name);
	buf_add(b, ",", 1);
	buf_field(b, s->sp.traces.s[t]);
	buf_add(b, ",", 1);
	buf_field(b, model);
	buf_printf(b, ",%s,", nm);
	if (s->tr[t].seq)
		buf_printf(b, "%u", s->tr[t].seq);
	buf_printf(b, ",%s,%llu", s->sp.functional ? "functional" : "timing",
		   (unsigned long long)s->sp.seed);
}

static void csv_row(const struct sw_run *s, const struct sw_result *r,
		    struct sw_buf *b)
{
	uint32_t idx[SW_KEYS_MAX], base,
		 t = sw_point_decode(&s->sp, r->point, idx, &base);
	int i;

	buf_printf(b, "%llu,", (unsigned long long)r->point);
	csv_point(s, base, t, b);
	for (i = 0; i < s->sp.n_keys; i++) {
		buf_add(b, ",", 1);
		buf_field(b, s->sp.key[i].val.s[idx[i]]);
	}
	if (r->numbers)
		buf_printf(b, ",%llu,%.6f,%.3f,%.10g,%llu,%llu,%.4f,%llu,%.6f,%d",
			   (unsigned long long)r->cycles, r->latency_us,
			   r->energy_pj, r->energy_pj * r->latency_us,
			   (unsigned long long)r->macs,
			   (unsigned long long)r->dense_macs, r->utilization_pct,
			   (unsigned long long)r->dram_bytes, r->area_mm2,
			   r->area_estimated);
	else
		buf_add(b, ",,,,,,,,,,", 10);
	buf_printf(b, ",%s,", sw_status_names[r->status]);
	buf_field(b, r->error);
	buf_printf(b, ",%s\n", STASIM_VERSION);
}

void sw_cut_line_note(const char *file, int line)
{
	fprintf(stderr, "stasim: %s:%d: dropped an incomplete last line (it "
		"is cut: no newline at its end)\n", file, line);
}

/* The results file is still the one this sweep opened under its name. */
static int still_there(const struct sw_run *s, struct sim_err *err)
{
	struct stat st;

	if (stat(s->out, &st))
		return err_set(err, s->out, 0, "-o", "the results file was "
			       "removed while the sweep ran");
	if ((uint64_t)st.st_dev != s->out_dev || (uint64_t)st.st_ino != s->out_ino)
		return err_set(err, s->out, 0, "-o", "the results file was "
			       "replaced while the sweep ran");
	return 0;
}

/*
 * Append row text whole or not at all: one write(2) of the complete line;
 * when the disk fills (ENOSPC) or the write fails part way, the file is cut
 * back to where it was, so no partial row is ever left.
 */
static int append_whole(struct sw_run *s, const char *text, size_t n)
{
	off_t at = lseek(s->out_fd, 0, SEEK_END);
	int e;

	if (at < 0)
		return -1;
	if (!sw_write_full(s->out_fd, text, n))
		return 0;
	e = errno;
	if (ftruncate(s->out_fd, at) == 0)
		errno = e;
	return -1;
}

/* Append r's row in one write(2); 0 or -1 with err. */
int sw_write_row(struct sw_run *s, const struct sw_result *r,
		     struct sim_err *err)
{
	struct sw_buf b = { 0 };
	int rc = 0;

	csv_row(s, r, &b);
	if (b.oom)
		rc = err_set(err, s->out, 0, "-o", "out of memory");
	else if (still_there(s, err))
		rc = -1;
	else if (append_whole(s, b.s, b.n))
		rc = err_set(err, s->out, 0, "-o", "cannot write: %s",
			     strerror(errno));
	free(b.s);
	if (rc)
		return rc;
	sw_done_set(s, r->point);
	s->n_st[r->status]++;
	s->pr.done++;
	return 0;
}

/*
 * Check one row of an existing results file against the spec and mark its
 * point done. line is modified. 0, or -1 with err at lineno.
 */
static int resume_row(struct sw_run *s, char *line, int lineno,
		      struct sim_err *err)
{
	char *f[SW_KEYS_MAX + SW_HEAD_COLS + SW_TAIL_COLS];
	int cols = s->sp.n_keys + SW_HEAD_COLS + SW_TAIL_COLS;
	uint32_t idx[SW_KEYS_MAX], base;
	uint64_t id;

	if (csv_split_line(line, f, cols) != cols)
		return err_set(err, s->out, lineno, "", "malformed row (expected "
			       "%d comma-separated fields)", cols);
	if (num_u64(f[0], &id) || id >= s->sp.n_points)
		return err_set(err, s->out, lineno, "point", "'%s' is not a "
			       "point id of %s (0..%llu)", f[0], s->sp.path,
			       (unsigned long long)s->sp.n_points - 1);
	sw_point_decode(&s->sp, id, idx, &base);
	if (strcmp(f[SW_COL_CONFIG], s->base[base].name) ||
	    sw_point_hash(f[SW_COL_TRACE], s->sp.names,
			  (const char *const *)f + SW_HEAD_COLS, s->sp.order,
			  s->sp.n_keys) != sw_spec_hash(&s->sp, id))
		return err_set(err, s->out, lineno, "point", "point %llu has "
			       "another config, trace or other key values "
			       "than point %llu of %s (results of another "
			       "sweep?); use another -o file",
			       (unsigned long long)id, (unsigned long long)id,
			       s->sp.path);
	sw_done_set(s, id);
	return 0;
}

/*
 * Open the results file for appending. A new or empty file gets the
 * header; an existing one must have this sweep's header, and its rows mark
 * their points done. An incomplete last line (a crash mid-write elsewhere)
 * is cut off. 0, or -1 with err.
 */
/* Open and lock the results file: one sweep writes a file at a time. */
static int open_locked(struct sw_run *s, struct sim_err *err)
{
	struct stat st;

	if (input_is_file(s->out, err))
		return -1;
	if (!stat(s->out, &st) && !S_ISREG(st.st_mode))
		return err_set(err, s->out, 0, "-o", "is not a regular file "
			       "(a results file is locked and appended to)");
	s->out_fd = open(s->out, O_WRONLY | O_APPEND | O_CREAT, 0666);
	if (s->out_fd < 0)
		return err_set(err, s->out, 0, "-o", "cannot open: %s",
			       strerror(errno));
	if (flock(s->out_fd, LOCK_EX | LOCK_NB))
		return err_set(err, s->out, 0, "-o", errno == EWOULDBLOCK ?
			       "another sweep is writing this results file; "
			       "use another -o file or wait for it" :
			       "cannot lock: %s", strerror(errno));
	if (fstat(s->out_fd, &st))
		return err_set(err, s->out, 0, "-o", "cannot stat: %s",
			       strerror(errno));
	s->out_dev = (uint64_t)st.st_dev;
	s->out_ino = (uint64_t)st.st_ino;
	return 0;
}

int sw_results_open(struct sw_run *s, const char *header,
			struct sim_err *err)
{
	size_t len = 0, keep, hlen = strlen(header);
	char *text, *line, *nl;
	int lineno = 1, rc = -1;

	if (open_locked(s, err))
		return -1;
	text = slurp_or_err(s->out, RESULTS_CAPS, &len, err);
	if (!text)
		return -1;
	keep = len;
	if (text && len && !memchr(text, '\n', len)) {
		if (len > hlen || memcmp(text, header, len))
			goto mismatch;
		keep = 0;	/* a header cut short: write it again */
	} else if (text && len) {
		nl = strchr(text, '\n');
		if ((size_t)(nl - text) != hlen || memcmp(text, header, hlen))
			goto mismatch;
		keep = (size_t)(strrchr(text, '\n') - text) + 1;
		text[keep] = '\0';
		for (line = nl + 1; *line; line = nl + 1) {
			nl = strchr(line, '\n');
			*nl = '\0';
			lineno++;
			if (nl > line && nl[-1] == '\r')
				nl[-1] = '\0';
			if (resume_row(s, line, lineno, err))
				goto out;
		}
	}
	if (keep < len) {
		if (ftruncate(s->out_fd, (off_t)keep)) {
			err_set(err, s->out, 0, "-o", "cannot truncate: %s",
				strerror(errno));
			goto out;
		}
		sw_cut_line_note(s->out, keep ? lineno + 1 : 1);
	}
	if (keep == 0 && (sw_write_full(s->out_fd, header, hlen) ||
			  sw_write_full(s->out_fd, "\n", 1))) {
		err_set(err, s->out, 0, "-o", "cannot write: %s", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(text);
	return rc;
mismatch:
	free(text);
	return err_set(err, s->out, 1, "header", "columns differ from this "
		       "sweep's (another sweep's results?): expected '%.300s'; "
		       "use another -o file", header);
}

