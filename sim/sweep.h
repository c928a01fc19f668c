/*
 * sweep.h - design-space sweeps: `stasim sweep` and `stasim merge`.
 *
 * A sweep spec (an INI file, docs/sweeps.md) names a base config, traces and
 * value lists for config keys; every combination (a point) is simulated and
 * becomes one row of a results CSV. Invariant: a results file holds a header
 * and complete rows only, at most one per point, so a sweep interrupted at
 * any moment resumes by running the same command again.
 */
#ifndef SIM_SWEEP_H
#define SIM_SWEEP_H

/*
 * stasim sweep SPEC [-j N] [-o results.csv] [--shard K/N]. argv[0] is
 * "sweep"; options as opt.h parses them (--jobs, --output, --help too).
 * Runs every point of SPEC in this shard that is not in the results file
 * yet, in N forked worker processes, appending one row per point as it
 * finishes. Prints progress and errors on stderr, nothing on stdout (but
 * --help). Returns the exit status: 0 all points written (invalid points
 * included) or help printed, 1 a point failed, a write failed or the
 * sweep was interrupted, 2 bad usage or bad input (spec, base config,
 * traces, results header).
 */
int sweep_cmd(int argc, char **argv);

/*
 * stasim merge A.csv B.csv ... -o OUT.csv. argv[0] is "merge"; -o is
 * also --output, and -h/--help prints the usage (exit 0). Joins results
 * files with identical headers, drops repeated rows of a point, sorts by
 * point id and writes OUT through a temporary renamed into place.
 * Returns 0; 1 when two files disagree on a point's results; 2 for bad
 * usage or input (unreadable file, other header, the same id naming two
 * different points).
 */
int merge_cmd(int argc, char **argv);

#endif
