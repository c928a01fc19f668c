/*
 * lib/slurp.h - a whole file in memory, with a size cap.
 *
 * For the small text files stasim reads whole (sweep results, reports):
 * the cap bounds memory against a wrong path pointing at a huge file.
 */
#ifndef SIM_LIB_SLURP_H
#define SIM_LIB_SLURP_H

#include <stddef.h>

#include "../err.h"

#define SLURP_MAX ((size_t)1 << 30)	/* the usual cap: 1 GiB */

/*
 * The whole file at path, NUL-terminated, in a malloc'd buffer; its length
 * (without the NUL) in *len when len is not NULL. Returns NULL with errno
 * set: the open or read error, ENOMEM, or EFBIG when the file holds more
 * than cap bytes. Work is linear in the file's size.
 */
char *slurp_file(const char *path, size_t cap, size_t *len);

/*
 * slurp_file with SLURP_MAX, failing with err instead of errno: "cannot
 * open: REASON" or "cannot read: REASON" (line 0, no field), so that
 * every reader of a whole input words its failure alike; a directory or
 * a device is refused as input_is_file does.
 */
char *slurp_or_err(const char *path, size_t *len, struct sim_err *err);

/*
 * 0 when path may be read as an input: a regular file, a pipe, or
 * nothing yet (the open then says why not). A directory or a device
 * (/dev/zero, /dev/urandom: endless) is refused at once: -1 with err
 * (path, line 0, no field). Every reader of an input file calls it.
 */
int input_is_file(const char *path, struct sim_err *err);

#endif
