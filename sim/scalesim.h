/*
 * scalesim.h - SCALE-Sim topology files imported as traces.
 *
 * SCALE-Sim (Samajdar et al., "A Systematic Methodology for Characterizing
 * Scalability of DNN Accelerators using SCALE-Sim", ISPASS 2020; v2 and v3
 * at github.com/scalesim-project) describes a workload as a CSV topology
 * file, one layer a row, in one of two forms:
 *
 *   convolution: Layer name, IFMAP Height, IFMAP Width, Filter Height,
 *                Filter Width, Channels, Num Filter, Strides,
 *   GEMM:        Layer, M, N, K,          (M x K times K x N)
 *
 * either optionally followed by SCALE-Sim v3's Sparsity column (N:M).
 * scalesim_read() turns every row into one gemm op (a convolution by
 * im2col), so a topology runs on stasim's engine unchanged.
 * docs/trace-format.md, "Importing SCALE-Sim topologies", has the rules.
 * Invariant: a trace returned by scalesim_read() passes trace.c's schema
 * and has unique names, so trace_write() never refuses it.
 */
#ifndef SIM_SCALESIM_H
#define SIM_SCALESIM_H

#include <stdint.h>

#include "err.h"
#include "trace.h"

struct scalesim_opts {
	uint32_t nm_n, nm_m;	/* N:M of every layer's weights; 0:0 = each
				   row's Sparsity column, dense without one */
};

/*
 * Read the SCALE-Sim topology at path into t (overwritten, not freed
 * first): one gemm per layer, in file order, named after the layer
 * (sanitized to [A-Za-z0-9._-], made unique with "-2", "-3", ...). Each op's
 * line is its row's line in path, and t->path is path. o NULL means 0:0.
 * Returns 0, or -1 with t empty and err filled: file path, the 1-based line
 * (0 when the whole file is at fault: cannot open, no header, no layers)
 * and as field the column at fault, spelled as SCALE-Sim's header spells it
 * ("Filter Height"), or "header" for a header of neither form. Work: one
 * pass over the file; each name is checked against every earlier one.
 */
int scalesim_read(const char *path, const struct scalesim_opts *o,
		  struct trace *t, struct sim_err *err);

/*
 * `stasim import-scalesim TOPO.csv [--nm N:M] -o FILE`, argv[0] being
 * "import-scalesim", options parsed by opt.h (-o is also --output;
 * -h/--help prints the usage and returns 0): read TOPO.csv and write it
 * through trace_write() (so atomically, gzip when FILE ends in .gz). This
 * front end prints its own errors to stderr, one line each ("stasim:
 * FILE:LINE: FIELD: message"), so main.c only dispatches to it. Returns
 * the exit status: 0 written or help printed, 2 bad usage or bad input
 * (SIM_EXIT_USAGE); it never returns 1.
 */
int import_scalesim_cmd(int argc, char **argv);

#endif
