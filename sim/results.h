/*
 * results.h - a sweep's results.csv, loaded and checked (docs/sweeps.md
 * gives the columns): the input of pareto, table and plot.
 */
#ifndef SIM_RESULTS_H
#define SIM_RESULTS_H

#include <stddef.h>

#include "err.h"
#include "lib/csv.h"
#include "lib/slurp.h"

/*
 * Caps on a results file, checked while it is read (docs/sweeps.md): its
 * size, a line (a row is a few hundred bytes), and its rows and fields,
 * which bound the memory of the parsed table (one block of 12 bytes per
 * field plus its text, 24 bytes per row) whatever the file's shape.
 */
#define RESULTS_MAX_BYTES ((size_t)256 << 20)	/* 256 MiB */
#define RESULTS_LINE_BYTES 65536		/* a line, newline excluded */
#define RESULTS_MAX_ROWS ((size_t)1 << 22)	/* 4,194,304 rows */
#define RESULTS_MAX_FIELDS ((size_t)1 << 25)	/* 33,554,432 fields */

/* How every reader of results slurps them (load, resume, merge): the caps
 * above, and a NUL byte is an error at once (a binary stream stops). */
#define RESULTS_CAPS \
	((struct slurp_caps){ RESULTS_MAX_BYTES, RESULTS_LINE_BYTES, 1 })

/* Columns that hold numbers (checked on ok rows); NULL-terminated. */
extern const char *const results_numeric[];

struct results {
	const char *path;	/* as the user named it */
	struct csv_row head;	/* the header: column names */
	struct csv_row *rows;	/* data records, in file order */
	size_t nrows;		/* used entries of rows */
	size_t status;		/* column index of "status" */
};

/*
 * Read and check a results CSV: the header, every row as wide as it, a
 * status column, finite numbers in the numeric columns of ok rows and in
 * the columns named by extra (NULL-terminated, may be NULL), which must
 * exist. Returns 0, or -1 with err (file, line, column) and c empty.
 */
int results_load(const char *path, struct results *c, const char *const *extra,
		 struct sim_err *err);

void results_free(struct results *c);

/* Column index of name, or -1. */
long results_col(const struct results *c, const char *name);

/*
 * Column index of name, or -1 with err naming the header line, the
 * nearest column as a likely fix ("--x latency" -> latency_us) and all.
 */
long results_need(const struct results *c, const char *name,
		  struct sim_err *err);

/* Is row r's status ok? */
int results_row_ok(const struct results *c, const struct csv_row *r);

/* Value of column col of an ok row (checked at load). */
double results_num(const struct csv_row *r, long col);

#endif
