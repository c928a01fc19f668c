/*
 * plot.h - the two figures of stasim plot: plot.c draws a sweep's design
 * space and runs the command, plot_ops.c one run's per-layer (or per-op)
 * latency and energy, split by unit, from its report.json.
 */
#ifndef SIM_PLOT_H
#define SIM_PLOT_H

#include <stddef.h>

#include "err.h"
#include "gnuplot.h"
#include "lib/json.h"

#define PLOT_OPS_MAX 40		/* above this many ops, a bar per layer */
#define PLOT_PARTS_MAX 12	/* parts of a stacked bar */

/* One bar: an op, a layer (ops named lN.*) or an op kind. */
struct plot_bar {
	char name[64];			/* its tic label */
	double us[PLOT_PARTS_MAX];	/* latency parts, µs */
	double uj[PLOT_PARTS_MAX];	/* energy parts, µJ */
	size_t n;			/* ops summed in it */
};

/* What the per-layer figure shows, read from a report. */
struct plot_ops {
	struct plot_bar *bars;	/* in trace order */
	size_t nb, n_ops;	/* bars; ops read */
	char tpart[PLOT_PARTS_MAX][32];	/* latency parts: a unit, "stall" */
	char epart[PLOT_PARTS_MAX][32];	/* energy parts: a unit, "leakage" */
	int ntp, nep;		/* how many of each */
	double tot_us, tot_uj;	/* total.time_us, total.energy_pj / 1e6 */
	int per;		/* PER_OP, PER_LAYER or PER_KIND */
};

enum { PER_OP, PER_LAYER, PER_KIND };

/* The report's fields the figure needs into o, bars grouped. 0, or -1
 * with err naming the line and field. */
int plot_ops_read(const char *path, const struct json_val *root,
		  struct plot_ops *o, struct sim_err *err);

/* The figure of o (read from root, file path) into fig. Returns the exit
 * status, printing the error if any. */
int plot_ops_draw(const char *path, const struct json_val *root,
		  const struct plot_ops *o, struct gp_fig *fig, const char *gp);

void plot_ops_free(struct plot_ops *o);

#endif
