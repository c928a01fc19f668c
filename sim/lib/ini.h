/*
 * lib/ini.h - the one INI reader: config files, energy tables and sweep
 * specs (docs/config.md "File format", docs/sweeps.md).
 *
 * The syntax is libinih r55's as Debian builds it (';' and '#' start a
 * comment line, " ;" starts an inline comment, "key = value" or
 * "key: value", an indented line continues the previous key), with what
 * inih leaves out: every callback knows its line, a line longer than the
 * buffer is an error instead of being split, a [section] header naming an
 * unknown section is an error even when no key follows it, and reading
 * stops at the first error of ours.
 */
#ifndef SIM_LIB_INI_H
#define SIM_LIB_INI_H

#include <stdio.h>

#include "../err.h"

#define INI_LINE_BYTES 200	/* a line, its newline and NUL (inih's buffer) */
#define INI_FILE_BYTES ((long)1 << 20)	/* a file: configs and specs are KiB */
#define INI_NAME_BYTES 50	/* section and continued key names keep 49 chars */

/* ini_ops.flags: where the callers' rules differ, each keeps its own. */
enum {
	INI_CR_UNINDENTS = 1,	/* blanks then a CR do not make a line indented */
	INI_BARE_SECTION = 2	/* a key's unknown section: no list of known ones */
};

struct ini;

/* What a caller knows; the reader calls back into it. */
struct ini_ops {
	const char *const *sects;	/* known sections, NULL-terminated */
	unsigned flags;			/* INI_* above */
	/* Optional: a line whose first non-blank is '['; sect is the text up
	 * to ']', or NULL when there is none or it is 64 characters or more. */
	void (*header)(struct ini *p, const char *sect);
	/*
	 * One key = value, or an indented line continuing the previous key
	 * (then name is that key and val the whole line, inline comment
	 * included, as inih hands it over). sect is known and name not empty.
	 * Returns 1, or 0 after ini_fail (a 0 without it is a syntax error).
	 */
	int (*pair)(struct ini *p, const char *sect, const char *name,
		    const char *val);
};

/* State of one stream being read; callbacks read its public fields. */
struct ini {
	FILE *f;			/* stream being read */
	const char *file;		/* its name, for errors */
	const struct ini_ops *ops;	/* the caller's rules */
	void *user;			/* the caller's state */
	int line;			/* 1-based line being handled */
	long bytes;			/* bytes read, INI_FILE_BYTES at most */
	int sect_line;			/* line of the last [section] header */
	int indented;			/* this line starts with a blank */
	struct sim_err *err;		/* where the first error goes */
	int err_line;			/* line of our first error, -1 = none */
	int syntax_line;		/* line of the first syntax error, 0 = none */
	char sect[INI_NAME_BYTES];	/* section keys now fall in */
	char prev[INI_NAME_BYTES];	/* last key of this section, "" = none */
};

/*
 * Record the first error of the parse (later ones are ignored) as file,
 * line, field and message. Returns 0, what a failed pair callback returns.
 */
int ini_fail(struct ini *p, int line, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/*
 * Read the open stream f (named file) to its end or to its first error,
 * calling ops back with user in p->user. Returns 0, or -1 with err filled:
 * the first syntax error, unless an error of ours names the same or an
 * earlier line (ini.c says why that order). Work: one pass over the file,
 * INI_LINE_BYTES of buffer.
 */
int ini_parse(FILE *f, const char *file, const struct ini_ops *ops,
	      void *user, struct sim_err *err);

/* Same, opening file first; a file that cannot be opened is line 0. */
int ini_load(const char *file, const struct ini_ops *ops, void *user,
	     struct sim_err *err);

#endif
