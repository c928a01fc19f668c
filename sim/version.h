/*
 * version.h - the release of stasim, as `stasim version` prints it and
 * sweep results record it (column stasim_version).
 */
#ifndef SIM_VERSION_H
#define SIM_VERSION_H

#define STASIM_VERSION "0.1.0"

#endif
