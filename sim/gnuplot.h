/*
 * gnuplot.h - running gnuplot: the figures of stasim plot are gnuplot
 * scripts written into a private work directory and run once.
 */
#ifndef SIM_GNUPLOT_H
#define SIM_GNUPLOT_H

#include <stddef.h>
#include <stdio.h>

#include "err.h"

/* A private temporary directory for the script and data files. */
struct gp_work {
	char dir[512];		/* the directory, "" until created */
	char file[8][640];	/* files made in it, removed at the end */
	int n;			/* how many */
};

/* Full path of gnuplot on PATH into buf; 0, or -1 when it is not there. */
int gp_find(char *buf, size_t len);

/* Create the work directory. 0, or -1 with err. */
int gp_work_open(struct gp_work *w, struct sim_err *err);

/* Path of file name in the work directory (removed by gp_work_close). */
const char *gp_work_file(struct gp_work *w, const char *name);

/* path opened for writing, or NULL with err "PATH: cannot create: ...". */
FILE *gp_create(const char *path, struct sim_err *err);

/*
 * Close *f, written as path, and set *f to NULL; 0, or -1 with err
 * "PATH: cannot write: ..." when a write or the close failed.
 */
int gp_close(FILE **f, const char *path, struct sim_err *err);

/* Remove the work directory's files and the directory. */
void gp_work_close(struct gp_work *w);

/* s as a gnuplot string literal. */
void gp_str(FILE *f, const char *s);

/* s as one data-file label. */
void gp_label(FILE *f, const char *s);

/* Run gnuplot gp on script, its output into log. 0, or -1 with err. */
int gp_run(const char *gp, const char *script, const char *log,
	   struct sim_err *err);

/* mkdir -p. Returns 0 or -1 with err (field -o). */
int gp_make_dirs(const char *dir, struct sim_err *err);

/*
 * Write body (a gnuplot script that draws the figure) into DIR/BASE.png
 * and DIR/BASE.svg: a driver script loads it once per terminal, gnuplot
 * writes the temporaries, and both are renamed into place when both are
 * non-empty. Returns the exit status, printing the error if any.
 */
int gp_render(struct gp_work *wk, const char *gp, const char *dir,
	      const char *base, int w, int h, const char *body);

#endif
