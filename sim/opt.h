/*
 * opt.h - one command-line option parser for every stasim command.
 *
 * A command describes its options once, in a table of struct opt_spec; the
 * same table drives getopt_long (so `--opt=value`, `--opt value`,
 * clustered short options and `--` behave alike in every command), the
 * `--help` text (every option with a one-line meaning) and the "did you
 * mean" suggestion for an unknown option. `-h` and `--help` are added to
 * every command; a table does not list them.
 *
 * Errors are values: opt_parse prints one line to stderr and returns
 * SIM_EXIT_USAGE; only main() exits.
 */
#ifndef SIM_OPT_H
#define SIM_OPT_H

#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Keys of long-only options start here (short options are their letter). */
#define OPT_LONG 256

struct opt_spec {
	int key;		/* short letter, or OPT_LONG + n for long-only */
	const char *name;	/* long name without "--", NULL if short only */
	const char *arg;	/* value's name ("FILE"), NULL for a flag */
	const char *help;	/* one-line meaning, shown by --help */
};

/* The zero entry that ends every opt_spec table. */
#define OPT_END { 0, NULL, NULL, NULL }

struct opt_cmd {
	const char *prog;	/* "stasim", "stasim-sc" */
	const char *name;	/* "run"; NULL for a program without commands */
	const char *usage;	/* after "usage: PROG NAME ": operands, options */
	const char *about;	/* one or two lines: what the command does */
	const struct opt_spec *opts;	/* ends with a zero entry */
};

/*
 * Called for each option in command-line order with its key and value
 * (NULL for a flag) and for each operand with key 0. Returns 0, or
 * SIM_EXIT_USAGE after printing one line (opt_error).
 */
typedef int (*opt_fn)(void *ctx, int key, const char *val);

/* opt_parse's answer when -h/--help was given: help printed, exit 0. */
#define OPT_HELP (-1)

/*
 * Parses argv[1..argc-1] (argv[0] is the command name) against cmd->opts,
 * calling fn for options and operands in order. Returns 0, OPT_HELP after
 * printing the help on stdout, or SIM_EXIT_USAGE after one line on stderr
 * (unknown option with a suggestion, missing value, fn's own error).
 */
int opt_parse(const struct opt_cmd *cmd, int argc, char **argv, opt_fn fn,
	      void *ctx);

/* The command's help: usage line, what it does, every option. */
void opt_help(const struct opt_cmd *cmd, FILE *f);

/*
 * One line "PROG NAME: <fmt with args> (see 'PROG NAME --help')" on stderr;
 * returns SIM_EXIT_USAGE.
 */
int opt_error(const struct opt_cmd *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * The candidate closest to word by edit distance (case-insensitive), or
 * NULL when none is close enough to be a likely typo. cands ends with NULL.
 */
const char *opt_suggest(const char *word, const char *const *cands);

/* Edit distance (insert, delete, substitute, swap of two neighbours). */
unsigned opt_distance(const char *a, const char *b);


#ifdef __cplusplus
}
#endif

#endif
