/*
 * lib/self.h - where the running program is: the path of its own binary,
 * symlinks resolved, from which stasim finds its installed data and the
 * co-simulation harnesses built beside it.
 */
#ifndef SIM_LIB_SELF_H
#define SIM_LIB_SELF_H

#include <stddef.h>

/*
 * The running binary's absolute path into buf (n bytes): /proc/self/exe,
 * or argv0 resolved with realpath when that is unreadable and argv0 names
 * a path (argv0 may be NULL). Returns 0, or -1 when neither works or the
 * path does not fit.
 */
int self_exe(const char *argv0, char *buf, size_t n);

#endif
