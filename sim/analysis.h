/*
 * analysis.h - reading a sweep's results.csv (and one run's report.json)
 * back: the Pareto front, paper-style tables and gnuplot figures
 * (docs/analysis.md).
 *
 * Each function is one command of the tool. argv is main's argv after the
 * command word, so argv[0] is the command name ("pareto", "table", "plot")
 * and the options follow, parsed by opt.h: `--opt=value` or `--opt value`,
 * `-o FILE` also `--output FILE`, `--` before operands, `-h`/`--help`
 * (usage and every option on stdout, exit 0). --where KEY=VALUE filters
 * rows (repeatable, all must hold); trace=NAME also matches a trace by
 * the tail of its path, with or without .trace/.trace.gz. Each returns the
 * exit status (SIM_EXIT_OK, also after --help; SIM_EXIT_FAIL when gnuplot
 * or an output write fails; SIM_EXIT_USAGE for bad usage or bad input)
 * and prints its error, one line "stasim: FILE:LINE: FIELD: message", on
 * stderr. Inputs are only read; every output file is written under a
 * temporary name and renamed into place. Work is linear in the input size, except the Pareto sort
 * (n log n) and the table's ambiguity check (rows x distinct cells).
 */
#ifndef SIM_ANALYSIS_H
#define SIM_ANALYSIS_H

/*
 * stasim pareto RESULTS.csv [--x COL] [--y COL] [--where KEY=VALUE]...
 *               [--format txt|csv|md] [-o FILE]
 * The rows with status ok that no other ok row dominates when minimizing
 * both COL (default latency_us and energy_pj), sorted by x then y, with
 * every column of the file. Rows with identical (x, y) are all kept.
 */
int pareto_cmd(int argc, char **argv);

/*
 * stasim table RESULTS.csv --rows KEY --cols KEY [--baseline VALUE]
 *              [--metric latency|energy|both] [--where KEY=VALUE]...
 *              [--format md|latex] [-o FILE]
 * Latency (ms) and/or energy (mJ) by the values of two columns, with the
 * speedup over the baseline column; several rows for one cell is an error
 * unless --where pins the other keys.
 */
int table_cmd(int argc, char **argv);

/*
 * stasim plot RESULTS.csv -o DIR [--x COL] [--y COL]
 *     DIR/latency_energy.png and .svg (DIR/X_Y.* for other axes): every ok
 *     point and the Pareto front.
 * stasim plot --report REPORT.json -o DIR
 *     DIR/ops.png and .svg: latency and energy per op (per op kind above 40
 *     ops) of one run.
 * Needs gnuplot on PATH (exit 2 otherwise).
 */
int plot_cmd(int argc, char **argv);

#endif
