/*
 * opt.c - every command's options from one table (see opt.h).
 *
 * getopt_long does the parsing, so every command accepts the same forms;
 * this file adds the table-driven help text and, for a word it does not
 * know, the nearest option by edit distance, including an option's value
 * name ("--config" -> "-c CONFIG").
 * Invariant: getopt's global state is reset on entry (optind = 0), so the
 * parser may run several times in one process (the tests do).
 */
#define _GNU_SOURCE
#include "opt.h"

#include <ctype.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

#define OPT_MAX 64		/* options in one table */
#define WORD_MAX 64		/* longest word compared by opt_distance */

unsigned opt_distance(const char *a, const char *b)
{
	unsigned d[WORD_MAX + 1][WORD_MAX + 1];
	size_t n = strlen(a), m = strlen(b), i, j;

	if (n > WORD_MAX || m > WORD_MAX)
		return (unsigned)(n > m ? n : m);
	for (i = 0; i <= n; i++)
		d[i][0] = (unsigned)i;
	for (j = 0; j <= m; j++)
		d[0][j] = (unsigned)j;
	for (i = 1; i <= n; i++)
		for (j = 1; j <= m; j++) {
			unsigned sub = tolower((unsigned char)a[i - 1]) !=
				       tolower((unsigned char)b[j - 1]);
			unsigned v = d[i - 1][j - 1] + sub;

			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;	/* swapped pair */
			d[i][j] = v;
		}
	return d[n][m];
}

/* Edits a typo of a word this long may plausibly contain. */
static unsigned typo_budget(size_t len)
{
	return len <= 3 ? 1 : len <= 6 ? 2 : 3;
}

/* Case-insensitive: is the shorter (3+ chars) contained in the longer? */
static int contains(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b), i;

	if (n < m) {
		const char *t = a;

		a = b, b = t, n = m, m = strlen(b);
	}
	if (m < 3)
		return 0;
	for (i = 0; i + m <= n; i++)
		if (!strncasecmp(a + i, b, m))
			return 1;
	return 0;
}

const char *opt_suggest(const char *word, const char *const *cands)
{
	const char *best = NULL;
	unsigned bd = ~0u, d;

	for (; *cands; cands++) {
		d = opt_distance(word, *cands);
		if (d > typo_budget(strlen(word)) && contains(word, *cands))
			d = typo_budget(strlen(word));
		if (d < bd)
			bd = d, best = *cands;
	}
	return bd <= typo_budget(strlen(word)) ? best : NULL;
}

int opt_error(const struct opt_cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: %s%s", cmd->prog, cmd->name ? cmd->name : "",
		cmd->name ? ": " : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see '%s%s%s --help')\n", cmd->prog,
		cmd->name ? " " : "", cmd->name ? cmd->name : "");
	return SIM_EXIT_USAGE;
}

/* "-c, --config FILE" as help and suggestions show it. */
static void spell(const struct opt_spec *o, char *buf, size_t len,
		  int help_indent)
{
	int n = 0;

	n = o->key < OPT_LONG ? snprintf(buf, len, "-%c%s", o->key,
					 o->name ? ", " : "")
			      : snprintf(buf, len, "%s", help_indent ? "    " : "");
	if (o->name && n >= 0 && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, "--%s", o->name);
	if (o->arg && n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, " %s", o->arg);
}

void opt_help(const struct opt_cmd *cmd, FILE *f)
{
	const struct opt_spec *o;
	char s[80];

	fprintf(f, "usage: %s%s%s %s\n\n%s\n\noptions:\n", cmd->prog,
		cmd->name ? " " : "", cmd->name ? cmd->name : "", cmd->usage,
		cmd->about);
	for (o = cmd->opts; o->key; o++) {
		spell(o, s, sizeof s, 1);
		if (strlen(s) <= 24)
			fprintf(f, "  %-24s  %s\n", s, o->help);
		else
			fprintf(f, "  %s\n  %-24s  %s\n", s, "", o->help);
	}
	fprintf(f, "  %-24s  %s\n", "-h, --help", "print this help and exit");
}

/* The option nearest to word (its dashes and any =value dropped). */
static const struct opt_spec *nearest(const struct opt_cmd *cmd,
				      const char *word)
{
	const struct opt_spec *o, *best = NULL;
	char w[WORD_MAX + 1], a[WORD_MAX + 1];
	unsigned bd = ~0u, d;

	while (*word == '-')
		word++;
	snprintf(w, sizeof w, "%.*s", (int)strcspn(word, "="), word);
	for (o = cmd->opts; o->key; o++) {
		d = ~0u;
		if (o->name)
			d = opt_distance(w, o->name);
		if (o->key < OPT_LONG && strlen(w) == 1 && w[0] != o->key &&
		    tolower(w[0]) == tolower(o->key))
			d = 1;		/* -C for -c */
		if (o->arg) {
			size_t i;

			for (i = 0; o->arg[i] && i < WORD_MAX; i++)
				a[i] = (char)tolower((unsigned char)o->arg[i]);
			a[i] = 0;
			if (opt_distance(w, a) < d)
				d = opt_distance(w, a);
		}
		if (d < bd)
			bd = d, best = o;
	}
	return bd <= typo_budget(strlen(w)) ? best : NULL;
}

static int unknown(const struct opt_cmd *cmd, const char *word)
{
	const struct opt_spec *o = nearest(cmd, word);
	char s[80];

	if (!o)
		return opt_error(cmd, "unknown option '%s'", word);
	spell(o, s, sizeof s, 0);
	return opt_error(cmd, "unknown option '%s'; did you mean '%s'?", word,
			 s);
}

static const struct opt_spec *by_key(const struct opt_cmd *cmd, int key)
{
	const struct opt_spec *o;

	for (o = cmd->opts; o->key; o++)
		if (o->key == key)
			return o;
	return NULL;
}

/* getopt_long's tables from cmd->opts; -1 if the table is too long. */
static int tables(const struct opt_cmd *cmd, char *shorts,
		  struct option *longs)
{
	const struct opt_spec *o;
	int ns = 0, nl = 0;

	shorts[ns++] = '-';	/* operands come back in order as key 1 */
	shorts[ns++] = ':';	/* a missing value is ':', not '?' */
	for (o = cmd->opts; o->key; o++) {
		if (nl >= OPT_MAX)
			return -1;
		if (o->key < OPT_LONG) {
			shorts[ns++] = (char)o->key;
			if (o->arg)
				shorts[ns++] = ':';
		}
		if (o->name)
			longs[nl++] = (struct option){ o->name, o->arg ?
				required_argument : no_argument, NULL, o->key };
	}
	shorts[ns++] = 'h';
	shorts[ns] = 0;
	longs[nl++] = (struct option){ "help", no_argument, NULL, 'h' };
	longs[nl] = (struct option){ 0, 0, 0, 0 };
	return 0;
}

/* The word getopt just stopped at, for messages. */
static const char *culprit(char **argv, char *buf, size_t len)
{
	if (optopt > 0 && optopt < OPT_LONG) {
		const char *w = argv[optind - 1];

		/* a short option inside a cluster: name it alone */
		if (w[0] == '-' && w[1] != '-') {
			snprintf(buf, len, "-%c", optopt);
			return buf;
		}
	}
	return argv[optind - 1];
}

static int one(const struct opt_cmd *cmd, int c, char **argv, opt_fn fn,
	       void *ctx)
{
	const struct opt_spec *o;
	char buf[8];
	const char *w;

	switch (c) {
	case 1:
		return fn(ctx, 0, optarg);
	case 'h':
		opt_help(cmd, stdout);
		return OPT_HELP;
	case ':':
		w = culprit(argv, buf, sizeof buf);
		o = by_key(cmd, optopt);
		return opt_error(cmd, "option '%s' needs a value%s%s%s", w,
				 o && o->arg ? " (" : "", o && o->arg ? o->arg : "",
				 o && o->arg ? ")" : "");
	case '?':
		w = culprit(argv, buf, sizeof buf);
		o = optopt ? by_key(cmd, optopt) : NULL;
		if (o && !o->arg && strchr(w, '='))
			return opt_error(cmd, "option '--%s' takes no value",
					 o->name);
		return unknown(cmd, w);
	default:
		return fn(ctx, c, optarg);
	}
}

int opt_parse(const struct opt_cmd *cmd, int argc, char **argv, opt_fn fn,
	      void *ctx)
{
	char shorts[2 * OPT_MAX + 8];
	struct option longs[OPT_MAX + 2];
	int c, rc;

	if (tables(cmd, shorts, longs))
		return opt_error(cmd, "%s", "internal: too many options");
	optind = 0;		/* GNU: start afresh, even after an earlier parse */
	opterr = 0;		/* our messages, one line each */
	while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1)
		if ((rc = one(cmd, c, argv, fn, ctx)))
			return rc;
	for (; optind < argc; optind++)	/* operands after "--" */
		if ((rc = fn(ctx, 0, argv[optind])))
			return rc;
	return 0;
}
