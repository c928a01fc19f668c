/*
 * gnuplot.c - running gnuplot for plot (gnuplot.h): finding it on PATH, a
 * private work directory for scripts and data, one run with its log, and
 * a figure rendered to PNG and SVG.
 *
 * Invariant: a figure's two files appear together and non-empty, or
 * neither does; the work directory and its files are removed at the end.
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

/* Full path of gnuplot on PATH into buf; 0, or -1 when it is not there. */
int gp_find(char *buf, size_t len)
{
	const char *p = getenv("PATH"), *e;

	if (!p)
		p = "/usr/local/bin:/usr/bin:/bin";
	for (;; p = e + 1) {
		e = strchr(p, ':');
		if (!e)
			e = p + strlen(p);
		snprintf(buf, len, "%.*s/gnuplot", (int)(e - p),
			 e == p ? "." : p);
		if (e == p)
			snprintf(buf, len, "./gnuplot");
		if (access(buf, X_OK) == 0)
			return 0;
		if (!*e)
			return -1;
	}
}

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

/* mkdir -p. Returns 0 or -1 with err (field -o). */
int gp_make_dirs(const char *dir, struct sim_err *err)
{
	char p[1024];
	struct stat sb;
	size_t i;

	if (snprintf(p, sizeof p, "%s", dir) >= (int)sizeof p)
		return err_set(err, dir, 0, "-o", "path too long");
	for (i = 1; p[i]; i++) {
		if (p[i] != '/')
			continue;
		p[i] = 0;
		if (mkdir(p, 0777) && errno != EEXIST)
			return err_set(err, p, 0, "-o", "cannot create "
				       "directory: %s", strerror(errno));
		p[i] = '/';
	}
	if (mkdir(p, 0777) && errno != EEXIST)
		return err_set(err, dir, 0, "-o", "cannot create directory: %s",
			       strerror(errno));
	if (stat(p, &sb) || !S_ISDIR(sb.st_mode))
		return err_set(err, dir, 0, "-o", "not a directory");
	return 0;
}

/*
 * Write body (a gnuplot script that draws the figure) into DIR/BASE.png
 * and DIR/BASE.svg: a driver script loads it once per terminal, gnuplot
 * writes the temporaries, and both are renamed into place when both are
 * non-empty. Returns the exit status, printing the error if any.
 */
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

int gp_render(struct gp_work *wk, const char *gp, const char *dir,
		      const char *base, int w, int h, const char *body)
{
	struct sim_err err;
	struct afile png, svg;
	struct stat a, b;
	char path[1100];
	const char *script = gp_work_file(wk, "main.gp");
	const char *log = gp_work_file(wk, "gnuplot.log");
	FILE *f;

	snprintf(path, sizeof path, "%s/%s.png", dir, base);
	if (afile_open(&png, path, "-o", &err))
		return err_print("stasim", &err, SIM_EXIT_USAGE);
	snprintf(path, sizeof path, "%s/%s.svg", dir, base);
	if (afile_open(&svg, path, "-o", &err)) {
		afile_abort(&png);
		return err_print("stasim", &err, SIM_EXIT_USAGE);
	}
	if (!(f = gp_create(script, &err)))
		goto fail;
	fprintf(f, "set encoding utf8\n"
		"if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {\n"
		"    set terminal pngcairo size %d,%d noenhanced font 'sans,10'\n"
		"} else {\n"
		"    set terminal png size %d,%d noenhanced\n"
		"}\nset output ", w, h, w, h);
	gp_str(f, png.tmp);
	fputs("\nload ", f);
	gp_str(f, body);
	fprintf(f, "\nset output\n"
		"set terminal svg size %d,%d noenhanced font 'sans,10' "
		"background rgb 'white'\nset output ", w, h);
	gp_str(f, svg.tmp);
	fputs("\nload ", f);
	gp_str(f, body);
	fputs("\nset output\n", f);
	if (gp_close(&f, script, &err))
		goto fail;
	if (gp_run(gp, script, log, &err)) {
		afile_abort(&png);
		afile_abort(&svg);
		return err_print("stasim", &err, SIM_EXIT_FAIL);
	}
	if (stat(png.tmp, &a) || stat(svg.tmp, &b) || !a.st_size || !b.st_size) {
		err_set(&err, "gnuplot", 0, "", "wrote an empty figure");
		afile_abort(&png);
		afile_abort(&svg);
		return err_print("stasim", &err, SIM_EXIT_FAIL);
	}
	if (afile_commit(&png, "-o", &err)) {
		afile_abort(&svg);
		return err_print("stasim", &err, SIM_EXIT_USAGE);
	}
	if (afile_commit(&svg, "-o", &err))
		return err_print("stasim", &err, SIM_EXIT_USAGE);
	printf("%s\n%s\n", png.path, svg.path);
	return fflush(stdout) ? SIM_EXIT_FAIL : SIM_EXIT_OK;
fail:
	afile_abort(&png);
	afile_abort(&svg);
	return err_print("stasim", &err, SIM_EXIT_USAGE);
}

