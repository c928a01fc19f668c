/*
 * lib/afile.h - all-or-nothing output files.
 *
 * Output goes to a temporary file beside the target and is renamed over it
 * only when every byte was written, so a crash or a full disk never leaves a
 * half-written report or tensor behind. A target that exists and is not a
 * regular file (a pipe, a terminal, /dev/stdout) is written in place: it
 * cannot be half-written on disk, and renaming over it would replace the
 * device or link itself.
 */
#ifndef SIM_LIB_AFILE_H
#define SIM_LIB_AFILE_H

#include <stdio.h>

#include "../err.h"

struct afile {
	FILE *f;		/* write here */
	char path[1024];	/* final name */
	char tmp[1100];		/* temporary name ("" when writing in place) */
};

/* Open a temporary beside path. Returns 0 or -1 with err (field names the option). */
int afile_open(struct afile *a, const char *path, const char *field,
	       struct sim_err *err);
/* Close and rename into place; on any error remove the temporary. */
int afile_commit(struct afile *a, const char *field, struct sim_err *err);

/* Give up: close and remove the temporary (nothing is renamed). */
void afile_abort(struct afile *a);

#endif
