/*
 * sweep_run.h - the state of a running sweep, shared by its worker pool
 * (sweep_pool.c), its results file (sweep_results.c) and the command
 * that drives them (sweep.c).
 */
#ifndef SIM_SWEEP_RUN_H
#define SIM_SWEEP_RUN_H

#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <sys/types.h>

#include "config.h"
#include "err.h"
#include "sweep_spec.h"
#include "trace.h"

/* Status words of the results file, by enum sw_status. */
extern const char *const sw_status_names[];

enum sw_status { ST_OK, ST_INVALID, ST_FAILED };

/* One finished point, parent <- worker; fits a pipe's atomic write. */
struct sw_result {
	uint64_t point;			/* its id */
	int32_t status;			/* enum sw_status */
	int32_t numbers;		/* 1: the figures below are valid */
	uint64_t cycles;		/* makespan */
	uint64_t macs, dense_macs;	/* multiplies performed, dense-equivalent */
	uint64_t dram_bytes;		/* DRAM read + write, whole bursts */
	double latency_us;		/* cycles / clock_mhz */
	double energy_pj;		/* total energy */
	double utilization_pct;		/* 100 macs / (cycles * peak MACs per cycle) */
	double area_mm2;		/* the point's config's area (sim/area.h) */
	int area_estimated;		/* 1: a component of it was scaled, not
					 * synthesized at its parameters */
	char error[1400];		/* invalid, failed: what went wrong */
};

_Static_assert(sizeof(struct sw_result) <= PIPE_BUF,
	       "a result record must reach the parent in one atomic write");

struct sw_worker {
	pid_t pid;		/* 0 = no process in this slot */
	int cmd_fd;		/* parent -> worker: point ids */
	int res_fd;		/* worker -> parent: result records */
	int busy;		/* 1: a point is in flight */
	uint64_t point;		/* that point */
};

struct sw_progress {
	int tty;		/* stderr is a terminal: one updating line */
	double t0, last;	/* start, last update (monotonic seconds) */
	uint64_t total, done;	/* points to run this time / finished */
	int tenth;		/* not a tty: last 10 % step printed */
};

struct sw_run {
	struct sw_spec sp;		/* the parsed spec */
	struct config *base;		/* base configs (sp.bases), loaded once */
	struct trace tr[SW_TRACES_MAX];	/* every trace, read once */
	const char *out;		/* results file */
	int jobs;			/* worker processes at most */
	uint64_t shard_k, shard_n;	/* ids with id % shard_n == shard_k */
	uint8_t *done;			/* bit per point: a row for it exists */
	int out_fd;			/* results file, O_APPEND, locked; -1 = closed */
	uint64_t out_dev, out_ino;	/* which file out_fd is (a replaced one
					 * under the same name is detected) */
	struct sw_worker w[SW_JOBS_MAX]; /* worker slots, jobs in use */
	uint64_t cursor;		/* next id dispatch considers */
	int have_next;			/* 1: next is found but not yet sent */
	uint64_t next;			/* that id */
	uint64_t skipped, already;	/* shard points: constraint fails / in file */
	uint64_t n_st[3];		/* rows written this time, by status */
	struct sw_progress pr;		/* progress display */
};

static inline int sw_done_get(const struct sw_run *s, uint64_t id)
{
	return s->done[id >> 3] >> (id & 7) & 1;
}

static inline void sw_done_set(struct sw_run *s, uint64_t id)
{
	s->done[id >> 3] |= (uint8_t)(1u << (id & 7));
}

/* ---- the worker pool (sweep_pool.c) ---- */

/* read(2) until n bytes or end of file; returns the bytes read, -1 on error. */
ssize_t sw_read_full(int fd, void *buf, size_t n);

int sw_write_full(int fd, const void *buf, size_t n);

void sw_set_handler(int sig, void (*fn)(int), struct sigaction *old);

/* Start a worker in slot i; 0, or -1 with errno. */
int sw_spawn(struct sw_run *s, int i);

/* End slot w's process (killed first when hard), close its pipes; wait
 * status in *st. */
void sw_reap(struct sw_worker *w, int hard, int *st);

/* ---- the results file (sweep_results.c) ---- */

/* The header line of sp's results file (no newline), malloc'd; NULL when out of memory. */
char *sw_results_header(const struct sw_spec *sp);

/* Append r's row in one write(2); 0 or -1 with err. */
int sw_write_row(struct sw_run *s, const struct sw_result *r,
		     struct sim_err *err);

/*
 * Open the results file for appending. A new or empty file gets the
 * header; an existing one must have this sweep's header, and its rows mark
 * their points done. An incomplete last line (a crash mid-write elsewhere)
 * is cut off. 0, or -1 with err.
 */
int sw_results_open(struct sw_run *s, const char *header,
			struct sim_err *err);

#endif
