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


/* Figure formats (bits): PNG for screens, SVG and PDF for papers. */
enum { GP_PNG = 1, GP_SVG = 2, GP_PDF = 4, GP_ALL = 7 };

#define GP_PNG_DPI 200		/* pixels per inch of the PNG */
#define GP_SVG_DPI 96		/* CSS pixels per inch of an SVG */

/* Where a figure goes and how large it is. */
struct gp_fig {
	const char *dir;	/* output directory */
	const char *base;	/* file name without its extension */
	int formats;		/* GP_ bits */
	double w_in, h_in;	/* printed size, inches */
};

/*
 * Write body (a gnuplot script that draws the figure) into DIR/BASE.png,
 * .svg and .pdf (those in fig->formats), each w_in x h_in inches: a
 * driver script sets each terminal and loads body once per format, with
 * the same look at any resolution through variables body uses: F9 and F8
 * (fonts of 9 and 8 points), PS (point size of 1) and LW (line width of
 * 1). gnuplot writes temporaries, renamed into place when all are
 * non-empty. Returns the exit status, printing the error if any.
 */
int gp_render(struct gp_work *wk, const char *gp, const struct gp_fig *fig,
	      const char *body);

#endif
