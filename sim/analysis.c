/*
 * analysis.c - what pareto, table and plot share (analysis.h): one error
 * line, option values picked from a list, the one results-file operand,
 * the output file or stdout, and cell text in csv, Markdown, LaTeX and
 * aligned text.
 *
 * Invariant: an output named by -o appears whole or not at all
 * (lib/afile); stdout is checked for write errors before success.
 */
#include "analysis.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/csv.h"

/* "a, b or c" from names (NULL-terminated) into buf. */
void an_name_list(const char *const *names, char *buf, size_t len)
{
	size_t n = 0, i;

	buf[0] = 0;
	for (i = 0; names[i] && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", !i ? "" :
				      names[i + 1] ? ", " : " or ", names[i]);
}

/*
 * Index of val among names (NULL-terminated) for option opt, or -1 after
 * one usage line listing them with the nearest as a fix: "--format: 'tex'
 * is not md or latex; did you mean 'latex'?".
 */
int an_pick(const struct opt_cmd *cmd, const char *opt, const char *val,
		const char *const *names)
{
	const char *near = opt_suggest(val, names);
	char list[200];
	int i;

	for (i = 0; names[i]; i++)
		if (!strcmp(val, names[i]))
			return i;
	an_name_list(names, list, sizeof list);
	opt_error(cmd, "%s: '%s' is not %s%s%s%s", opt, val, list,
		  near ? "; did you mean '" : "", near ? near : "",
		  near ? "'?" : "");
	return -1;
}

/* The one results file operand into *file; 0, or a usage line and 2. */
int an_operand(const struct opt_cmd *cmd, const char **file,
		   const char *v)
{
	if (*file)
		return opt_error(cmd, "one results file only ('%s' and '%s')",
				 *file, v);
	*file = v;
	return 0;
}

int an_axes_opt(const struct opt_cmd *cmd, struct an_axes *ax, int key,
		const char *v)
{
	switch (key) {
	case 0:
		return an_operand(cmd, &ax->file, v);
	case AN_X:
		ax->xs = v;
		return 0;
	case AN_Y:
		ax->ys = v;
		return 0;
	default:	/* AN_WHERE */
		return filt_add(&ax->f, cmd, v);
	}
}

int an_axes_default(const struct opt_cmd *cmd, struct an_axes *ax)
{
	ax->xs = ax->xs ? ax->xs : "latency_us";
	ax->ys = ax->ys ? ax->ys : "energy_pj";
	if (ax->file && !strcmp(ax->xs, ax->ys))
		return opt_error(cmd, "--x and --y both name '%s'", ax->xs);
	return 0;
}

int an_axes_load(const struct an_axes *ax, struct results *c,
		 struct sim_err *err)
{
	const char *nums[3];

	nums[0] = ax->xs;
	nums[1] = ax->ys;
	nums[2] = NULL;
	return results_load(ax->file, c, nums, err);
}

int an_out_open(struct an_out *o, const char *path, struct sim_err *err)
{
	o->path = path;
	o->f = stdout;
	if (!path)
		return 0;
	if (afile_open(&o->a, path, "-o", err))
		return -1;
	o->f = o->a.f;
	return 0;
}

/* Returns the exit status, printing the error if any. */
int an_out_close(struct an_out *o)
{
	struct sim_err err;

	if (o->path)
		return afile_commit(&o->a, "-o", &err) ?
			err_print("stasim", &err, SIM_EXIT_USAGE) : SIM_EXIT_OK;
	if (fflush(stdout) == 0 && !ferror(stdout))
		return SIM_EXIT_OK;
	fprintf(stderr, "stasim: stdout: cannot write: %s\n", strerror(errno));
	return SIM_EXIT_FAIL;
}
void an_put_csv(FILE *f, const char *s)
{
	csv_put_field(s, 0, csv_sink_file, f);
}

/* Markdown cell text: '|' escaped, line breaks as spaces. */
void an_put_md(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			fputs("\\|", f);
		else if (*s == '\n' || *s == '\r')
			fputc(' ', f);
		else
			fputc(*s, f);
	}
}

/* LaTeX text: the ten special characters escaped, line breaks as spaces. */
void an_put_tex(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '_': case '&': case '%': case '$': case '#':
		case '{': case '}':
			fputc('\\', f);
			fputc(*s, f);
			break;
		case '~':
			fputs("\\textasciitilde{}", f);
			break;
		case '^':
			fputs("\\textasciicircum{}", f);
			break;
		case '\\':
			fputs("\\textbackslash{}", f);
			break;
		case '\n': case '\r':
			fputc(' ', f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

/* Plain text, line breaks as spaces, padded to width (left or right). */
void an_put_txt(FILE *f, const char *s, size_t width, int right)
{
	size_t n = strlen(s), i;

	for (i = n; right && i < width; i++)
		fputc(' ', f);
	for (; *s; s++)
		fputc(*s == '\n' || *s == '\r' ? ' ' : *s, f);
	for (i = n; !right && i < width; i++)
		fputc(' ', f);
}

