/*
 * analysis.h - reading a sweep's results.csv (and one run's report.json)
 * back: the Pareto front, paper-style tables and gnuplot figures
 * (docs/analysis.md).
 *
 * Each function is one command of the tool. argv is main's argv after the
 * command word, so argv[0] is the command name ("pareto", "table", "plot")
 * and the options follow, parsed by opt.h: `--opt=value` or `--opt value`,
 * `-o FILE` also `--output FILE`, `--` before operands, `-h`/`--help`
 * (usage and every option on stdout, exit 0). --where KEY=VALUE filters
 * rows (repeatable, all must hold); trace=NAME also matches a trace by
 * the tail of its path, with or without .trace/.trace.gz. Each returns the
 * exit status (SIM_EXIT_OK, also after --help; SIM_EXIT_FAIL when gnuplot
 * or an output write fails; SIM_EXIT_USAGE for bad usage or bad input)
 * and prints its error, one line "stasim: FILE:LINE: FIELD: message", on
 * stderr. Inputs are only read; every output file is written under a
 * temporary name and renamed into place. Work is linear in the input size, except the Pareto sort
 * (n log n) and the table's ambiguity check (rows x distinct cells).
 */
#ifndef SIM_ANALYSIS_H
#define SIM_ANALYSIS_H

/*
 * stasim pareto RESULTS.csv [--x COL] [--y COL] [--where KEY=VALUE]...
 *               [--format txt|csv|md] [-o FILE]
 * The rows with status ok that no other ok row dominates when minimizing
 * both COL (default latency_us and energy_pj), sorted by x then y, with
 * every column of the file. Rows with identical (x, y) are all kept.
 */
int pareto_cmd(int argc, char **argv);

/*
 * stasim table RESULTS.csv --rows KEY --cols KEY [--baseline KEY=VALUE]
 *              [--metric latency|energy|both|COL,...] [--where KEY=VALUE]...
 *              [--format md|latex|csv] [--caption TEXT] [--label NAME]
 *              [-o FILE]
 * Latency (ms), energy (mJ) or any measured column by the values of two
 * columns, rows and columns in spec order (point ids); with --baseline
 * the speedup and energy saving over the row with KEY=VALUE and every
 * other key equal (VALUE alone: a value of --cols). Heads and caption
 * from the label table; LaTeX is a booktabs table with caption and label.
 * Several rows for one cell is an error unless --where pins the other
 * keys.
 */
int table_cmd(int argc, char **argv);

/*
 * stasim plot RESULTS.csv -o DIR [--x COL] [--y COL] [--by KEY]
 *             [--format pdf,svg,png]
 *     DIR/latency_energy.{pdf,svg,png} (DIR/X_Y.* for other axes): every
 *     ok point, coloured and marked by --by, and the Pareto front,
 *     numbered and listed; -o NAME.pdf (.svg, .png) writes one file.
 * stasim plot --report REPORT.json -o DIR
 *     DIR/ops.*: latency and energy per layer (ops lN.*, above 40 ops) or
 *     per op of one run, split by unit.
 * Needs gnuplot on PATH (exit 2 otherwise).
 */
int plot_cmd(int argc, char **argv);

/* ---- shared by pareto.c, table.c and plot.c (analysis.c) ---- */

#include <stddef.h>
#include <stdio.h>

#include "err.h"
#include "filter.h"
#include "lib/afile.h"
#include "opt.h"
#include "results.h"

/* Long-only options of pareto, table and plot (opt.h); -o is the letter. */
enum {
	AN_X = OPT_LONG,	/* --x COL */
	AN_Y,			/* --y COL */
	AN_WHERE,		/* --where KEY=VALUE, repeatable */
	AN_FORMAT,		/* --format NAME */
	AN_ROWS,		/* --rows KEY */
	AN_COLS,		/* --cols KEY */
	AN_BASELINE,		/* --baseline KEY=VALUE or VALUE */
	AN_METRIC,		/* --metric NAME */
	AN_REPORT,		/* --report REPORT.json */
	AN_BY,			/* --by KEY */
	AN_CAPTION,		/* --caption TEXT */
	AN_LABEL,		/* --label NAME */
};

/* The opt_spec rows of --where and of -o FILE, alike in every command. */
#define AN_WHERE_SPEC { AN_WHERE, "where", "KEY=VALUE", "only rows with " \
	"KEY=VALUE (a trace also by file name)" }
#define AN_OUTPUT_SPEC { 'o', "output", "FILE", "write to FILE instead of " \
	"stdout" }

/* Where an output goes: stdout, or FILE through a temporary and rename. */
struct an_out {
	struct afile a;		/* used when path is set */
	const char *path;	/* -o FILE, or NULL for stdout */
	FILE *f;		/* write here */
};

/* "a, b or c" from names (NULL-terminated) into buf. */
void an_name_list(const char *const *names, char *buf, size_t len);

/*
 * Index of val among names (NULL-terminated) for option opt, or -1 after
 * one usage line listing them with the nearest as a fix.
 */
int an_pick(const struct opt_cmd *cmd, const char *opt, const char *val,
	    const char *const *names);

/* The one results file operand into *file; 0, or a usage line and 2. */
int an_operand(const struct opt_cmd *cmd, const char **file, const char *v);

/* What pareto and plot read alike: a results file and two of its columns. */
struct an_axes {
	const char *file;	/* RESULTS.csv operand, NULL until given */
	const char *xs, *ys;	/* --x and --y columns, NULL until given */
	struct filt f;		/* --where filters */
};

/*
 * The operand (key 0), --x, --y or --where (every other key) into ax, for
 * command cmd's option callback; 0, or a usage line and 2.
 */
int an_axes_opt(const struct opt_cmd *cmd, struct an_axes *ax, int key,
		const char *v);

/*
 * Both columns defaulted (latency_us along x, energy_pj along y); 0, or a
 * usage line and 2 when a results file is given and both name one column.
 */
int an_axes_default(const struct opt_cmd *cmd, struct an_axes *ax);

/* ax->file loaded, both columns numeric (results_load); 0, or -1 with err. */
int an_axes_load(const struct an_axes *ax, struct results *c,
		 struct sim_err *err);

/* Open path (NULL: stdout) for writing. 0, or -1 with err. */
int an_out_open(struct an_out *o, const char *path, struct sim_err *err);

/* Close (and rename into place). Returns the exit status, printing the error if any. */
int an_out_close(struct an_out *o);

/*
 * The label table: what a column (or a report's unit) means to a reader,
 * shared by table captions and heads and by figure titles and axes.
 * latency_us is "latency (ms)" with values x 1e-3, engine.rows "array
 * rows", nm "N:M"; a column not in the table is named from its own name,
 * a unit suffix turned into the unit (sram.foo_kib: "sram foo (KiB)").
 */
struct an_label {
	char name[96];		/* "latency", "array rows" */
	char unit[24];		/* "ms", "" when none */
	char vunit[24];		/* after a value in a heading: "rows", "GB/s" */
	double scale;		/* column value x scale = shown value */
	int metric;		/* a measured number, not a swept key */
};

/* The label of column (or unit) col into *l. */
void an_label_of(const char *col, struct an_label *l);

/* "name (unit)", or "name" without a unit, into buf: an axis or a head. */
const char *an_head(const char *col, char *buf, size_t len);

/* A key's value as shown in a cell: a trace by its file name without
 * directories and .trace.gz/.trace, anything else as written. */
const char *an_value(const char *col, const char *val, char *buf, size_t len);

/* A value as a heading on its own: "16 rows", "25.6 GB/s", "2:4". */
const char *an_value_head(const char *col, const char *val, char *buf,
			  size_t len);

/* "N:M = dense", "DRAM bandwidth = 25.6 GB/s": a key and its value. */
const char *an_key_value(const char *col, const char *val, char *buf,
			 size_t len);

/* "label = value, label = value" of the --where filters, or "". */
void an_filter_text(const struct filt *f, char *buf, size_t len);

/* Is column name a measured number or bookkeeping (point, status, error)
 * rather than a swept key? */
int an_non_key(const char *name);

/* Rows of c passing f (all when f is NULL), in spec order: by the numeric
 * point column when every selected row has one, else in file order (ties
 * keep file order). Returns a new array of row indexes, *n its length. */
size_t *an_spec_order(const struct results *c, const struct filt *f,
		      size_t *n);

/* One field: csv (RFC 4180 quoting), Markdown cell, LaTeX text (the
 * special characters escaped, and the label table's µ ² · × – as LaTeX),
 * or plain text padded to width (left, or right when right is set). */
void an_put_csv(FILE *f, const char *s);
void an_put_md(FILE *f, const char *s);
void an_put_tex(FILE *f, const char *s);
void an_put_txt(FILE *f, const char *s, size_t width, int right);

#endif
