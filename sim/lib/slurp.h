/*
 * lib/slurp.h - a whole file in memory, with caps on its size and lines.
 *
 * For the text files stasim reads whole (sweep results, JSON reports):
 * the caps bound memory and time against a wrong path pointing at a huge
 * file or at a pipe that never ends, and are checked while reading.
 */
#ifndef SIM_LIB_SLURP_H
#define SIM_LIB_SLURP_H

#include <stddef.h>

#include "../err.h"

#define SLURP_MAX ((size_t)1 << 30)	/* the largest cap (tests): 1 GiB */

/* What a whole-file reader accepts; 0 in line: lines of any length. */
struct slurp_caps {
	size_t bytes;		/* most bytes in the file */
	size_t line;		/* most bytes in a line, its newline excluded */
	int text;		/* 1: a NUL byte is an error */
};

/*
 * The whole file at path, NUL-terminated, in a malloc'd buffer of at most
 * cap + 2 bytes; its length (without the NUL) in *len when len is not
 * NULL. Returns NULL with errno set: the open or read error, ENOMEM, or
 * EFBIG as soon as more than cap bytes came in. Work is linear in the
 * bytes read.
 */
char *slurp_file(const char *path, size_t cap, size_t *len);

/*
 * slurp_file under caps, failing with err instead of errno, so that every
 * reader of a whole input words its failure alike: "cannot open: REASON",
 * "cannot read: REASON", "larger than N MiB" (line 0, no field) or, on
 * its line as soon as it is read, "line longer than N bytes" (caps.line)
 * or "NUL byte in line" (caps.text); a directory or a device is refused unread, as input_is_file does.
 */
char *slurp_or_err(const char *path, struct slurp_caps caps, size_t *len,
		   struct sim_err *err);

/*
 * 0 when path may be read as an input: a regular file, a pipe, or
 * nothing yet (the open then says why not). A directory or a device
 * (/dev/zero, /dev/urandom: endless) is refused at once: -1 with err
 * (path, line 0, no field). Every reader of an input file calls it.
 */
int input_is_file(const char *path, struct sim_err *err);

/*
 * err for a file of more than cap bytes: "larger than N MiB" (N KiB or N
 * bytes below a MiB), line 0, no field; returns -1. For readers that count
 * their bytes themselves, so that every cap reads alike.
 */
int slurp_too_large(const char *path, size_t cap, struct sim_err *err);

#endif
