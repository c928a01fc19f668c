/*
 * lib/csv.c - RFC 4180 records (see csv.h).
 *
 * Invariant: a record the reader returns has n >= 1 fields, each a
 * NUL-terminated copy with its quotes removed and doubled quotes halved;
 * on any failure nothing stays allocated.
 */
#include "csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

static void row_add(struct csv_row *r, char *s, int line)
{
	r->f = buf_grow(r->f, (r->n + 1) * sizeof *r->f);
	r->line = buf_grow(r->line, (r->n + 1) * sizeof *r->line);
	r->f[r->n] = s;
	r->line[r->n++] = line;
}

void csv_row_free(struct csv_row *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->f[i]);
	free(r->f);
	free(r->line);
	memset(r, 0, sizeof *r);
}

void csv_reader_init(struct csv_reader *r, const char *text, size_t len)
{
	r->p = text;
	r->end = text + len;
	r->line = 1;
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		r->p += 3;
}

static int at_eol(const struct csv_reader *r)
{
	return *r->p == '\n' || (*r->p == '\r' && (r->p + 1 == r->end ||
						   r->p[1] == '\n'));
}

static void eat_eol(struct csv_reader *r)
{
	if (*r->p == '\r')
		r->p++;
	if (r->p < r->end && *r->p == '\n')
		r->p++;
	r->line++;
}

/* Why the character at r->p cannot go on in this field, or NULL. */
static const char *bad_char(const struct csv_reader *r, int quoted)
{
	if (!*r->p)
		return "NUL byte (not a text file?)";
	if (*r->p == '"' && !quoted)
		return "quote inside an unquoted field (quote the whole field "
		       "and double the quote)";
	return NULL;
}

/* After a quote inside a quoted field: "" is a quote, else the end. */
static const char *close_quote(struct csv_reader *r, struct buf *b, int *done)
{
	if (r->p + 1 < r->end && r->p[1] == '"') {
		buf_put(b, '"');
		r->p += 2;
		return NULL;
	}
	r->p++;
	*done = 1;
	if (r->p < r->end && *r->p != ',' && !at_eol(r))
		return "text after the closing quote";
	return NULL;
}

/* One field at r->p into row; leaves r->p on its delimiter. */
static int read_field(struct csv_reader *r, struct csv_row *row,
		      struct csv_fail *fail)
{
	struct buf b = { 0 };
	int line = r->line, quoted = r->p < r->end && *r->p == '"', done = 0;
	const char *why = NULL;

	r->p += quoted;
	while (!why && !done) {
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
			why = close_quote(r, &b, &done);
			continue;
		}
		if ((why = bad_char(r, quoted)))
			break;
		r->line += *r->p == '\n';
		buf_put(&b, *r->p++);
	}
	if (why) {
		free(b.s);
		*fail = (struct csv_fail){ r->line, row->n, why };
		return -1;
	}
	buf_put(&b, 0);
	row_add(row, b.s, line);
	return 0;
}

int csv_read_record(struct csv_reader *r, struct csv_row *row,
		    struct csv_fail *fail)
{
	memset(row, 0, sizeof *row);
	while (r->p < r->end && at_eol(r))
		eat_eol(r);
	if (r->p == r->end)
		return 0;
	for (;;) {
		if (read_field(r, row, fail)) {
			csv_row_free(row);
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

int csv_split_line(char *line, char **f, int max)
{
	struct csv_reader r;
	struct csv_row row;
	struct csv_fail fail;
	size_t len = strlen(line), used = 0, i;
	int got;

	csv_reader_init(&r, line, len);
	r.p = line;	/* a mark inside a line is data */
	got = csv_read_record(&r, &row, &fail);
	if (got < 0 || r.p != r.end || (got && row.n > (size_t)max) || max < 1) {
		csv_row_free(&row);
		return -1;
	}
	if (!got) {	/* the empty line: one empty field */
		f[0] = line;
		return 1;
	}
	for (i = 0; i < row.n; i++) {	/* unquoted text is never longer */
		f[i] = memmove(line + used, row.f[i], strlen(row.f[i]) + 1);
		used += strlen(row.f[i]) + 1;
	}
	got = (int)row.n;
	csv_row_free(&row);
	return got;
}

static int needs_quotes(const char *s, unsigned flags)
{
	size_t len = strlen(s);

	if (strpbrk(s, ",\"\r\n"))
		return 1;
	return (flags & CSV_QUOTE_BLANKS) && len &&
	       (s[0] == ' ' || s[len - 1] == ' ');
}

void csv_put_field(const char *s, unsigned flags, csv_sink *put, void *ctx)
{
	const char *q;

	if (!needs_quotes(s, flags)) {
		put(ctx, s, strlen(s));
		return;
	}
	put(ctx, "\"", 1);
	for (; (q = strchr(s, '"')); s = q + 1) {
		put(ctx, s, (size_t)(q - s));
		put(ctx, "\"\"", 2);
	}
	put(ctx, s, strlen(s));
	put(ctx, "\"", 1);
}

void csv_sink_file(void *ctx, const char *s, size_t n)
{
	fwrite(s, 1, n, ctx);
}
