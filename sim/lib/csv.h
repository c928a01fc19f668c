/*
 * lib/csv.h - CSV per RFC 4180: the one reader and the one field writer of
 * stasim (sweep results, merge, resume, pareto, table, plot).
 *
 * Fields are separated by commas, records by LF or CRLF; a field in double
 * quotes may hold commas, doubled quotes and line breaks. The reader is
 * strict: a quote inside an unquoted field, text after a closing quote, an
 * unclosed quote and a NUL byte are errors, each with its line.
 */
#ifndef SIM_LIB_CSV_H
#define SIM_LIB_CSV_H

#include <stddef.h>

/* One record: its fields as NUL-terminated copies, in one malloc'd block. */
struct csv_row {
	char **f;		/* fields, NUL-terminated copies; the block's start */
	int *line;		/* 1-based line on which each field starts */
	size_t n;		/* number of fields */
};

/* A reader over text in memory. */
struct csv_reader {
	const char *p, *end;	/* unread input */
	int line;		/* 1-based line of *p */
};

/* Why a record could not be read. */
struct csv_fail {
	int line;		/* 1-based line of the fault */
	size_t col;		/* 0-based field at fault */
	const char *why;	/* static text, no trailing newline */
};

/* A reader over text[0..len), skipping a UTF-8 byte-order mark. */
void csv_reader_init(struct csv_reader *r, const char *text, size_t len);

/*
 * Read the next record into row (which it initializes), skipping empty
 * lines before it. Returns 1, or 0 at the end of the input (row empty), or
 * -1 with *fail set (row empty). Work is linear in the record's length.
 */
int csv_read_record(struct csv_reader *r, struct csv_row *row,
		    struct csv_fail *fail);

/* Free row's fields and empty it. */
void csv_row_free(struct csv_row *row);

/*
 * Split one line (no line break in it) into at most max fields, in place,
 * unquoting them; f[i] point into line. Returns the number of fields, or -1
 * when the line is not one valid record or holds more than max fields.
 */
int csv_split_line(char *line, char **f, int max);

/* Field writer flags. */
enum {
	CSV_QUOTE_BLANKS = 1	/* also quote a field with a blank at either end */
};

/* Where the writer's bytes go: append n bytes at s. */
typedef void csv_sink(void *ctx, const char *s, size_t n);

/*
 * Write s as one field through put: as it is, or in double quotes with
 * its quotes doubled when it holds a comma, quote, CR or LF (or, with
 * CSV_QUOTE_BLANKS, a blank at either end).
 */
void csv_put_field(const char *s, unsigned flags, csv_sink *put, void *ctx);

/* csv_sink for a FILE * ctx. */
void csv_sink_file(void *ctx, const char *s, size_t n);

#endif
