/*
 * sweep_pool.c - the worker processes of a sweep (sweep_run.h).
 *
 * The parent forks workers that inherit the parsed spec, the base config
 * and the traces. A worker loops: read a point id from its command pipe,
 * build the point's config, run_sim it, write one fixed-size result record
 * to its result pipe (smaller than PIPE_BUF, so it arrives whole).
 *
 * Invariant: a worker holds only its own two pipe ends, so its death
 * reaches the parent as end of file; it never writes the results file.
 */
#include "sweep_run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run.h"

/* read(2) until n bytes or end of file; returns the bytes read, -1 on error. */
ssize_t sw_read_full(int fd, void *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = read(fd, (char *)buf + got, n - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

int sw_write_full(int fd, const void *buf, size_t n)
{
	size_t put = 0;

	while (put < n) {
		ssize_t r = write(fd, (const char *)buf + put, n - put);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		put += (size_t)r;
	}
	return 0;
}

/*
 * Build the config of the point of these value indices: the base with each
 * swept key set. A key rejected only for the moment (n_max above an m_max
 * set later) is tried again after the others, until nothing more applies;
 * then the first key still rejected, in spec order, is the error.
 */
static int point_config(const struct sw_run *s, const uint32_t *idx,
			uint32_t base, struct config *c, struct sim_err *err)
{
	int todo[SW_KEYS_MAX], n = s->sp.n_keys, m, i;
	struct sim_err e;

	*c = s->base[base];
	for (i = 0; i < n; i++)
		todo[i] = i;
	while (n > 0) {
		for (m = 0, i = 0; i < n; i++) {
			const struct sw_key *k = &s->sp.key[todo[i]];

			if (!config_set(c, k->name, k->val.s[idx[todo[i]]], &e))
				continue;
			if (m == 0)
				*err = e;
			todo[m++] = todo[i];
		}
		if (m == n)
			return -1;
		n = m;
	}
	return 0;
}

static void error_text(const struct sim_err *err, char *buf, size_t n)
{
	char *p;

	err_format(err, buf, n);
	for (p = buf; (p = strpbrk(p, "\r\n")); p++)
		*p = ' ';
}

/* Run point id; the result goes to *r. Bounded by one run_sim. */
static void run_point(const struct sw_run *s, uint64_t id, struct sw_result *r)
{
	struct run_opts o = { .functional = s->sp.functional,
			      .seed = s->sp.seed, .fast_forward = 1 };
	uint32_t idx[SW_KEYS_MAX], b, t = sw_point_decode(&s->sp, id, idx, &b);
	struct run_result rr;
	struct sim_err err;
	struct config cfg;
	uint64_t peak;

	memset(r, 0, sizeof *r);
	memset(&rr, 0, sizeof rr);
	r->point = id;
	r->status = ST_INVALID;
	if (point_config(s, idx, b, &cfg, &err)) {
		error_text(&err, r->error, sizeof r->error);
		return;
	}
	if (run_sim(&cfg, &s->tr[t], &o, &rr, &err)) {
		error_text(&err, r->error, sizeof r->error);
		run_free(&rr);
		return;
	}
	peak = (uint64_t)cfg.rows * cfg.cols * cfg.n_max;
	r->numbers = 1;
	r->cycles = rr.cycles;
	r->latency_us = (double)rr.cycles / cfg.clock_mhz;
	r->energy_pj = rr.total_energy.total_pj;
	r->macs = rr.total.macs;
	r->dense_macs = rr.total.dense_macs;
	r->utilization_pct = rr.cycles ? 100.0 * (double)rr.total.macs /
				     ((double)rr.cycles * (double)peak) : 0;
	r->dram_bytes = rr.total.dram_rd + rr.total.dram_wr;
	r->area_mm2 = rr.area.total_um2 / 1e6;
	r->area_estimated = rr.area.estimated[0] != '\0';
	r->status = rr.failed ? ST_FAILED : ST_OK;
	if (rr.failed)
		snprintf(r->error, sizeof r->error, "check failed: %s",
			 rr.fail_msg);
	run_free(&rr);
}

/* A worker process: point ids in, results out, until its command pipe
 * closes. */
static void worker_main(const struct sw_run *s, int cmd_fd, int res_fd)
{
	struct sw_result *r = malloc(sizeof *r);
	uint64_t id;

	while (r && sw_read_full(cmd_fd, &id, sizeof id) == (ssize_t)sizeof id) {
		run_point(s, id, r);
		if (sw_write_full(res_fd, r, sizeof *r))
			break;
	}
	_exit(r ? 0 : 1);
}

void sw_set_handler(int sig, void (*fn)(int), struct sigaction *old)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, old);
}

/* Start a worker in slot i; 0, or -1 with errno. */
int sw_spawn(struct sw_run *s, int i)
{
	struct sw_worker *w = &s->w[i];
	int cmd[2], res[2], j;
	pid_t pid;

	if (pipe(cmd))
		return -1;
	if (pipe(res)) {
		close(cmd[0]);
		close(cmd[1]);
		return -1;
	}
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) < 0) {
		close(cmd[0]);
		close(cmd[1]);
		close(res[0]);
		close(res[1]);
		return -1;
	}
	if (pid == 0) {
		/* Only the parent may hold other workers' pipe ends: a
		 * worker's death must reach the parent as end of file. */
		close(cmd[1]);
		close(res[0]);
		close(s->out_fd);
		for (j = 0; j < s->jobs; j++)
			if (j != i && s->w[j].pid) {
				close(s->w[j].cmd_fd);
				close(s->w[j].res_fd);
			}
		sw_set_handler(SIGINT, SIG_IGN, NULL);
		sw_set_handler(SIGTERM, SIG_IGN, NULL);
		sw_set_handler(SIGPIPE, SIG_DFL, NULL);
		worker_main(s, cmd[0], res[1]);
	}
	close(cmd[0]);
	close(res[1]);
	w->pid = pid;
	w->cmd_fd = cmd[1];
	w->res_fd = res[0];
	w->busy = 0;
	return 0;
}

/* End slot w's process (killed first when hard), close its pipes; wait
 * status in *st. */
void sw_reap(struct sw_worker *w, int hard, int *st)
{
	*st = 0;
	if (!w->pid)
		return;
	if (hard)
		kill(w->pid, SIGKILL);
	close(w->cmd_fd);
	close(w->res_fd);
	while (waitpid(w->pid, st, 0) < 0 && errno == EINTR)
		;
	w->pid = 0;
	w->busy = 0;
}

