/*
 * filter.h - --where KEY=VALUE filters over a loaded results file; all
 * must hold. trace=NAME also matches a trace by the tail of its path, with
 * or without .trace/.trace.gz.
 */
#ifndef SIM_FILTER_H
#define SIM_FILTER_H

#include "opt.h"
#include "results.h"

#define WHERE_MAX 16		/* --where filters per command */

struct where {
	char key[128];		/* column name */
	const char *val;	/* wanted value, exact text */
	long col;		/* column index, set by filt_resolve */
	int trace;		/* key is "trace": val may be a path's tail */
};

struct filt {
	struct where w[WHERE_MAX];	/* all of them must hold */
	int n;			/* how many */
};

/* Add the option value "KEY=VALUE". 0, or a usage message and 2. */
int filt_add(struct filt *f, const struct opt_cmd *cmd, const char *v);

/* Find the filters' columns in c. 0, or -1 with err. */
int filt_resolve(struct filt *f, const struct results *c, struct sim_err *err);

/* Does row r pass every filter (resolved)? */
int filt_match(const struct filt *f, const struct csv_row *r);

/* 0 when a row passes; else -1 with err, blaming one filter if it can. */
int filt_check(const struct filt *f, const struct results *c,
	       struct sim_err *err);

/* "PREFIX K=V, K=V" into buf, or "" without filters. */
void filt_text(const struct filt *f, const char *prefix, char *buf, size_t len);

#endif
