/*
 * err.h - errors as values.
 *
 * Every parser and loader reports a failure by filling a struct sim_err and
 * returning a nonzero status; only main() prints it and picks the exit code.
 * Invariant: a filled error always names a file; line is 0 when the error is
 * about the file as a whole (cannot open, truncated gzip) and field is empty
 * when no single field is at fault.
 */
#ifndef SIM_ERR_H
#define SIM_ERR_H

#include <stdarg.h>

/* Exit codes of the command-line tool (DESIGN.md contract). */
enum {
	SIM_EXIT_OK = 0,	/* success */
	SIM_EXIT_FAIL = 1,	/* simulation or check failure (golden mismatch) */
	SIM_EXIT_USAGE = 2	/* bad usage or bad input */
};

struct sim_err {
	char file[512];		/* file at fault, as the user named it */
	int line;		/* 1-based line, 0 = whole file */
	char field[96];		/* "section.key" or "op.key", may be empty */
	char msg[512];		/* what is wrong, no trailing newline */
};

/* Fill err; returns -1 so callers can write `return err_set(...)`. */
int err_set(struct sim_err *err, const char *file, int line,
	    const char *field, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Format as "FILE:LINE: FIELD: MSG" (parts omitted when empty) into buf. */
void err_format(const struct sim_err *err, char *buf, unsigned long len);

/*
 * Print err on stderr as the one line "PROG: FILE:LINE: FIELD: MSG" (a
 * command's user error, after err_format); returns status, so that a
 * command can write `return err_print("stasim", &err, SIM_EXIT_USAGE)`.
 */
int err_print(const char *prog, const struct sim_err *err, int status);

#endif
