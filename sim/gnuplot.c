/*
 * gnuplot.c - running gnuplot for plot (gnuplot.h): finding it on PATH, a
 * private work directory for scripts and data, one run with its log, and
 * a figure rendered to PNG, SVG and PDF at one printed size.
 *
 * Invariant: a figure's files appear together and non-empty, or none
 * does; the work directory and its files are removed at the end.
 */
#include "gnuplot.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "analysis.h"
#include "lib/afile.h"

extern char **environ;

int gp_work_open(struct gp_work *w, struct sim_err *err)
{
	const char *t = getenv("TMPDIR");

	w->n = 0;
	snprintf(w->dir, sizeof w->dir, "%s/stasim-plot-XXXXXX",
		 t && *t ? t : "/tmp");
	if (mkdtemp(w->dir))
		return 0;
	err_set(err, w->dir, 0, "", "cannot create a temporary directory: %s",
		strerror(errno));
	w->dir[0] = 0;
	return -1;
}

/* The path of a new file name in the directory, removed at gp_work_close. */
const char *gp_work_file(struct gp_work *w, const char *name)
{
	char *p = w->file[w->n++];
	size_t d = strlen(w->dir), n = strlen(name);

	if (w->n > (int)(sizeof w->file / sizeof w->file[0])) {
		fputs("stasim: analysis.c: too many temporary files\n", stderr);
		abort();
	}
	/* dir is at most 511 bytes and names are ours: it always fits */
	memcpy(p, w->dir, d);
	p[d] = '/';
	memcpy(p + d + 1, name, n + 1);
	return p;
}

void gp_work_close(struct gp_work *w)
{
	int i;

	for (i = 0; i < w->n; i++)
		unlink(w->file[i]);
	if (w->dir[0])
		rmdir(w->dir);
}

/* A gnuplot string literal: single quotes, '' for a quote, no newlines. */
void gp_str(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputc('\'', f);
		fputc(*s == '\n' || *s == '\r' ? ' ' : *s, f);
	}
	fputc('\'', f);
}

/* A gnuplot data-file string: double quotes, none inside. */
void gp_label(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++)
		fputc(*s == '"' ? '\'' : *s == '\n' || *s == '\r' ? ' ' : *s, f);
	fputc('"', f);
}

/* The last non-empty line of gnuplot's output, for the error message. */
static void last_line(const char *log, char *buf, size_t len)
{
	char line[512];
	FILE *f = fopen(log, "r");

	snprintf(buf, len, "no message");
	if (!f)
		return;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = 0;
		if (line[strspn(line, " \t^")]) {
			size_t n = strlen(line) < len ? strlen(line) : len - 1;

			memcpy(buf, line, n);
			buf[n] = 0;
		}
	}
	fclose(f);
}

/* Run `gnuplot script`, its output into log. 0, or -1 with err. */
int gp_run(const char *gp, const char *script, const char *log,
		  struct sim_err *err)
{
	posix_spawn_file_actions_t fa;
	char arg0[] = "gnuplot", arg1[1024];
	char *args[] = { arg0, arg1, NULL };
	char msg[300];
	pid_t pid;
	int st, rc;

	snprintf(arg1, sizeof arg1, "%s", script);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT |
					 O_TRUNC, 0600);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	rc = posix_spawn(&pid, gp, &fa, NULL, args, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc)
		return err_set(err, gp, 0, "", "cannot run: %s", strerror(rc));
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return err_set(err, gp, 0, "", "cannot wait: %s",
				       strerror(errno));
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	last_line(log, msg, sizeof msg);
	if (WIFEXITED(st))
		return err_set(err, "gnuplot", 0, "", "failed (exit status "
			       "%d): %s", WEXITSTATUS(st), msg);
	return err_set(err, "gnuplot", 0, "", "killed by signal %d",
		       WTERMSIG(st));
}

/* path opened for writing, or NULL with err "PATH: cannot create: ...". */
FILE *gp_create(const char *path, struct sim_err *err)
{
	FILE *f = fopen(path, "w");

	if (!f)
		err_set(err, path, 0, "", "cannot create: %s", strerror(errno));
	return f;
}

int gp_close(FILE **f, const char *path, struct sim_err *err)
{
	int bad = fclose(*f);

	*f = NULL;
	return bad ? err_set(err, path, 0, "", "cannot write: %s",
			     strerror(errno)) : 0;
}

/* The driver's lines for format k (0 PNG, 1 SVG, 2 PDF): the terminal at
 * w x h inches and the scale variables of body. */
static void gp_terminal(FILE *f, int k, double w, double h)
{
	/* cairo draws a font of size s at s/96 in (pdfcairo then scales it
	 * by its fontscale, 0.5 unless told), SVG at s px of 1/96 in */
	double fpx = k == 0 ? GP_PNG_DPI / 96.0 : GP_SVG_DPI / 72.0;
	double px = k == 0 ? GP_PNG_DPI / 72.0 : GP_SVG_DPI / 72.0;

	if (k == 2) {	/* PDF: fontscale 0.75 makes a size of 9 9 pt */
		fprintf(f, "set terminal pdfcairo size %.3fin,%.3fin noenhanced "
			"font 'sans,9' fontscale 0.75 linewidth 1\n"
			"F9 = 'sans,9'; F8 = 'sans,8'; PS = 0.5; LW = 1\n", w, h);
		return;
	}
	/* pixels: a cairo line of width 1 is a pixel where PDF's is half
	 * a point; the SVG terminal draws points 1.6 times larger (looked
	 * at side by side) */
	fprintf(f, "F9 = 'sans,%.2f'; F8 = 'sans,%.2f'; PS = %.3f; LW = %.3f\n",
		9 * fpx, 8 * fpx, 0.5 * px / (k == 1 ? 1.6 : 1), 0.5 * px);
	if (k == 1) {
		fprintf(f, "set terminal svg size %d,%d dynamic noenhanced font "
			"F9 background rgb 'white'\n", (int)(w * GP_SVG_DPI),
			(int)(h * GP_SVG_DPI));
		return;
	}
	fprintf(f, "if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {\n"
		"    set terminal pngcairo size %d,%d noenhanced font F9\n"
		"} else {\n"
		"    set terminal png size %d,%d noenhanced\n"
		"}\n", (int)(w * GP_PNG_DPI), (int)(h * GP_PNG_DPI),
		(int)(w * GP_PNG_DPI), (int)(h * GP_PNG_DPI));
}

/*
 * cairo stamps a PDF with the hour it was drawn (and ignores
 * SOURCE_DATE_EPOCH in the 1.16 of Debian 12): the same figure would differ
 * run to run. Overwrite each date's digits in place with the epoch's, same
 * length, so the cross-reference offsets stay true. 0 or -1 (errno).
 */
static int pdf_fixed_dates(const char *path)
{
	static const char *const keys[] = { "/CreationDate (D:", "/ModDate (D:" };
	FILE *f = fopen(path, "r+b");
	char *buf = NULL;
	long size;
	size_t n = 0, k, i, len;
	int rc = -1;

	if (!f)
		return -1;
	if (fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) || !(buf = malloc((size_t)size + 1)) ||
	    (n = fread(buf, 1, (size_t)size, f)) != (size_t)size)
		goto out;
	rc = 0;
	for (k = 0; k < 2; k++) {
		len = strlen(keys[k]);
		for (i = 0; i + len + 14 <= n; i++)
			if (!memcmp(buf + i, keys[k], len)) {
				if (fseek(f, (long)(i + len), SEEK_SET) ||
				    fwrite("19700101000000", 1, 14, f) != 14)
					rc = -1;
				break;
			}
	}
out:
	free(buf);
	return fclose(f) || rc ? -1 : 0;
}

int gp_render(struct gp_work *wk, const char *gp, const struct gp_fig *fig,
	      const char *body)
{
	static const char *const ext[] = { "png", "svg", "pdf" };
	struct sim_err err;
	struct afile out[3];
	struct stat st;
	char path[1100];
	const char *script = gp_work_file(wk, "main.gp");
	const char *log = gp_work_file(wk, "gnuplot.log");
	int k, open = 0, rc = SIM_EXIT_USAGE;
	FILE *f = NULL;

	for (k = 0; k < 3; k++) {
		if (!(fig->formats & 1 << k))
			continue;
		snprintf(path, sizeof path, "%s/%s.%s", fig->dir, fig->base,
			 ext[k]);
		if (afile_open(&out[k], path, "-o", &err))
			goto fail;
		open |= 1 << k;
	}
	if (!(f = gp_create(script, &err)))
		goto fail;
	fputs("set encoding utf8\n", f);
	for (k = 0; k < 3; k++) {
		if (!(open & 1 << k))
			continue;
		gp_terminal(f, k, fig->w_in, fig->h_in);
		fputs("set output ", f);
		gp_str(f, out[k].tmp);
		fputs("\nload ", f);
		gp_str(f, body);
		fputs("\nset output\n", f);
	}
	if (gp_close(&f, script, &err))
		goto fail;
	rc = SIM_EXIT_FAIL;
	if (gp_run(gp, script, log, &err))
		goto fail;
	for (k = 0; k < 3; k++)
		if ((open & 1 << k) && (stat(out[k].tmp, &st) || !st.st_size)) {
			err_set(&err, "gnuplot", 0, "", "wrote an empty figure");
			goto fail;
		}
	if ((open & 1 << 2) && pdf_fixed_dates(out[2].tmp)) {
		err_set(&err, out[2].path, 0, "", "cannot fix its date: %s",
			strerror(errno));
		goto fail;
	}
	rc = SIM_EXIT_USAGE;
	for (k = 0; k < 3; k++) {
		if (!(open & 1 << k))
			continue;
		open &= ~(1 << k);
		if (afile_commit(&out[k], "-o", &err))
			goto fail;
		printf("%s\n", out[k].path);
	}
	return fflush(stdout) ? SIM_EXIT_FAIL : SIM_EXIT_OK;
fail:
	for (k = 0; k < 3; k++)
		if (open & 1 << k)
			afile_abort(&out[k]);
	return err_print("stasim", &err, rc);
}
