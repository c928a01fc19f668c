/*
 * lib/csv.c - RFC 4180 records (see csv.h).
 *
 * Invariant: a record the reader returns has n >= 1 fields, each a
 * NUL-terminated copy with its quotes removed and doubled quotes halved,
 * all in one allocation with the field and line arrays (so a row costs one
 * malloc, whatever its width); on any failure nothing stays allocated.
 */
#include "csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

/* A record being read: its fields' text, back to back with their NULs. */
struct build {
	struct buf text;	/* field bytes, each field NUL-terminated */
	size_t *off;		/* start of each field in text */
	int *line;		/* 1-based line on which each field starts */
	size_t n, cap;		/* fields read, room in off and line */
};

static void build_field(struct build *b, size_t off, int line)
{
	if (b->n == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 16;
		b->off = buf_grow(b->off, b->cap * sizeof *b->off);
		b->line = buf_grow(b->line, b->cap * sizeof *b->line);
	}
	b->off[b->n] = off;
	b->line[b->n++] = line;
}

static void build_free(struct build *b)
{
	free(b->text.s);
	free(b->off);
	free(b->line);
}

/* The record as a csv_row: f[n], line[n], then the text, in one block. */
static void build_pack(struct build *b, struct csv_row *r)
{
	size_t head = b->n * (sizeof *r->f + sizeof *r->line), i;
	char *block = buf_grow(NULL, head + b->text.n), *text = block + head;

	r->f = (char **)(void *)block;
	r->line = (int *)(void *)(r->f + b->n);
	r->n = b->n;
	memcpy(text, b->text.s, b->text.n);
	for (i = 0; i < b->n; i++) {
		r->f[i] = text + b->off[i];
		r->line[i] = b->line[i];
	}
}

void csv_row_free(struct csv_row *r)
{
	free(r->f);	/* the one block: arrays and text */
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

/* One field at r->p into b; leaves r->p on its delimiter. */
static int read_field(struct csv_reader *r, struct build *row,
		      struct csv_fail *fail)
{
	struct buf *b = &row->text;
	size_t start = b->n;
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
			why = close_quote(r, b, &done);
			continue;
		}
		if ((why = bad_char(r, quoted)))
			break;
		r->line += *r->p == '\n';
		buf_put(b, *r->p++);
	}
	if (why) {
		*fail = (struct csv_fail){ r->line, row->n, why };
		return -1;
	}
	buf_put(b, 0);
	build_field(row, start, line);
	return 0;
}

int csv_read_record(struct csv_reader *r, struct csv_row *row,
		    struct csv_fail *fail)
{
	struct build b = { { 0 }, NULL, NULL, 0, 0 };
	int got = 1;

	memset(row, 0, sizeof *row);
	while (r->p < r->end && at_eol(r))
		eat_eol(r);
	if (r->p == r->end)
		return 0;
	for (;;) {
		if (read_field(r, &b, fail)) {
			got = -1;
			break;
		}
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		if (r->p < r->end)
			eat_eol(r);
		build_pack(&b, row);
		break;
	}
	build_free(&b);
	return got;
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
