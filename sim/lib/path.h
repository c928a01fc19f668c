/*
 * lib/path.h - the two file-system steps more than one command takes:
 * finding a program on $PATH and making a directory with its parents.
 */
#ifndef SIM_LIB_PATH_H
#define SIM_LIB_PATH_H

#include <stddef.h>

#include "../err.h"

/*
 * The executable prog into buf (len bytes): prog itself when it names a
 * path (holds a '/'), else the first $PATH directory that has it (an
 * empty entry is "."; no PATH: /usr/local/bin:/usr/bin:/bin). Returns 0,
 * or -1 when there is none.
 */
int path_find_exe(const char *prog, char *buf, size_t len);

/*
 * mkdir -p dir. 0, or -1 with err (the directory that failed, line 0,
 * field `field`): it cannot be made, the path is too long, or it exists
 * and is not a directory.
 */
int path_make_dirs(const char *dir, const char *field, struct sim_err *err);

#endif
