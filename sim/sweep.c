/*
 * sweep.c - stasim sweep: the command, its dispatch loop and its progress
 * line (sweep.h, docs/sweeps.md). The spec is sweep_spec.c, the workers
 * sweep_pool.c, the results file sweep_results.c; merge is merge.c.
 *
 * A sweep runs one base config, a few keys overridden through config_set,
 * over one or more traces. The parent parses the spec, loads the base config
 * and reads every trace once, then forks worker processes that inherit them.
 * A worker loops: read a point id from its command pipe, build the point's
 * config, run_sim it, write one fixed-size result record to its result pipe
 * (smaller than PIPE_BUF, so it arrives whole). Only the parent writes the
 * results file, one complete row per write(2), in completion order; `merge`
 * sorts rows by point id.
 *
 * Invariant: the results file holds its header and complete rows only, at
 * most one row per point, each matching this spec's point of that id (its
 * trace and key values hash the same); a point is dispatched only when no
 * row for it exists yet.
 */
#include "sweep.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "err.h"
#include "lib/num.h"
#include "opt.h"
#include "sweep_run.h"
#include "trace.h"

#define K_SHARD OPT_LONG		/* --shard K/N, long only */

static const struct opt_spec sweep_opts[] = {
	{ 'j', "jobs", "N", "worker processes, 1..256 (default 1)" },
	{ 'o', "output", "FILE", "the results file (default results.csv; "
	  "resumed)" },
	{ K_SHARD, "shard", "K/N", "run only the points with id % N == K - 1" },
	OPT_END,
};

static const struct opt_cmd sweep_cmdline = {
	"stasim", "sweep", "SPEC [-j N] [-o results.csv] [--shard K/N]",
	"Simulate every point of the sweep spec SPEC (an INI file) and append\n"
	"one row per point to the results file; run it again to resume\n"
	"(docs/sweeps.md).",
	sweep_opts,
};

/*
 * Signals received while a sweep runs: 1 = stop dispatching and let the
 * points in flight finish, 2 = drop them too. The one piece of mutable
 * file-scope state: a signal handler has nowhere else to write.
 */
static volatile sig_atomic_t sweep_stop;

/* Small helpers */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void eta_text(double s, char *buf, size_t n)
{
	unsigned long t = (unsigned long)(s + 0.5);

	if (t >= 3600)
		snprintf(buf, n, "%luh%02lum", t / 3600, t / 60 % 60);
	else if (t >= 60)
		snprintf(buf, n, "%lum%02lus", t / 60, t % 60);
	else
		snprintf(buf, n, "%lus", t);
}

/* Update the display: a tty line at most 5 times a second, else a line
 * per 10 %. final: the last call. */
static void progress(struct sw_progress *pr, int final)
{
	double t = now_s(), el = t - pr->t0;
	double rate = el > 0 ? (double)pr->done / el : 0;
	int tenth = pr->total ? (int)(pr->done * 10 / pr->total) : 10;
	char eta[32];

	eta_text(rate > 0 ? (double)(pr->total - pr->done) / rate : 0, eta,
		 sizeof eta);
	if (pr->tty) {
		if (!final && t - pr->last < 0.2)
			return;
		fprintf(stderr, "\rstasim: sweep: %llu/%llu points, %.1f "
			"points/s, ETA %s   %s", (unsigned long long)pr->done,
			(unsigned long long)pr->total, rate, eta,
			final ? "\n" : "");
	} else if (tenth > pr->tenth && !final) {
		pr->tenth = tenth;
		fprintf(stderr, "stasim: sweep: %llu/%llu points (%d%%), %.1f "
			"points/s, ETA %s\n", (unsigned long long)pr->done,
			(unsigned long long)pr->total, tenth * 10, rate, eta);
	}
	pr->last = t;
}

/* The next point of this shard to run; 0 when there is none left. */
static int next_point(struct sw_run *s, uint64_t *id)
{
	uint32_t idx[SW_KEYS_MAX];

	for (; s->cursor < s->sp.n_points; s->cursor += s->shard_n) {
		if (sw_done_get(s, s->cursor))
			continue;
		sw_point_decode(&s->sp, s->cursor, idx, NULL);
		if (!sw_cons_hold(&s->sp, idx))
			continue;
		*id = s->cursor;
		s->cursor += s->shard_n;
		return 1;
	}
	return 0;
}

/* Count this shard's points: to run, skipped, already in the file. */
static void count_points(struct sw_run *s)
{
	uint32_t idx[SW_KEYS_MAX];
	uint64_t id;

	for (id = s->shard_k; id < s->sp.n_points; id += s->shard_n) {
		sw_point_decode(&s->sp, id, idx, NULL);
		if (sw_done_get(s, id))
			s->already++;
		else if (!sw_cons_hold(&s->sp, idx))
			s->skipped++;
		else
			s->pr.total++;
	}
	s->cursor = s->shard_k;
}

/* Hand a point to every idle worker, starting workers as needed; 0, or -1
 * with err. */
static int dispatch(struct sw_run *s, struct sim_err *err)
{
	struct sw_worker *w;
	int i, st, tries;

	for (i = 0; i < s->jobs; i++) {
		w = &s->w[i];
		if (w->pid && w->busy)
			continue;
		if (!s->have_next && !(s->have_next = next_point(s, &s->next)))
			return 0;
		for (tries = 0;; tries++) {
			if (!w->pid && sw_spawn(s, i))
				return err_set(err, s->sp.path, 0, "-j", "cannot "
					       "start a worker: %s", strerror(errno));
			if (!sw_write_full(w->cmd_fd, &s->next, sizeof s->next))
				break;
			sw_reap(w, 0, &st);	/* it died while idle */
			if (tries)
				return err_set(err, s->sp.path, 0, "-j", "worker "
					       "processes die at start");
		}
		w->busy = 1;
		w->point = s->next;
		s->have_next = 0;
	}
	return 0;
}

/* Take worker w's result, or note its death; 0, or -1 with err. */
static int collect(struct sw_run *s, struct sw_worker *w, struct sw_result *r,
		   struct sim_err *err)
{
	int st, busy = w->busy;
	uint64_t point = w->point;

	if (sw_read_full(w->res_fd, r, sizeof *r) == (ssize_t)sizeof *r && busy &&
	    r->point == point) {
		w->busy = 0;
		return sw_write_row(s, r, err);
	}
	sw_reap(w, 1, &st);
	if (!busy || sweep_stop >= 2)
		return 0;
	memset(r, 0, sizeof *r);
	r->point = point;
	r->status = ST_FAILED;
	if (WIFSIGNALED(st))
		snprintf(r->error, sizeof r->error, "worker process died "
			 "running this point (signal %d, %s)", WTERMSIG(st),
			 strsignal(WTERMSIG(st)));
	else
		snprintf(r->error, sizeof r->error, "worker process died "
			 "running this point (exit status %d)",
			 WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	return sw_write_row(s, r, err);
}

/*
 * Run every remaining point. Returns 0 when all ran, 1 when stopped by a
 * signal, -1 with err on a write or process error. Workers are gone on return.
 */
static int sweep_loop(struct sw_run *s, struct sim_err *err)
{
	struct pollfd pfd[SW_JOBS_MAX];
	struct sw_result *r = malloc(sizeof *r);
	int map[SW_JOBS_MAX], n, i, busy, rc = 0, st;

	if (!r)
		return err_set(err, s->out, 0, "", "out of memory");
	for (;;) {
		if (!sweep_stop && (rc = dispatch(s, err)))
			break;
		for (n = busy = 0, i = 0; i < s->jobs; i++) {
			if (!s->w[i].pid)
				continue;
			busy += s->w[i].busy;
			pfd[n].fd = s->w[i].res_fd;
			pfd[n].events = POLLIN;
			pfd[n].revents = 0;
			map[n++] = i;
		}
		if (!busy)
			break;
		if (poll(pfd, (nfds_t)n, s->pr.tty ? 200 : 1000) < 0 &&
		    errno != EINTR) {
			rc = err_set(err, s->out, 0, "", "poll: %s", strerror(errno));
			break;
		}
		if (sweep_stop >= 2)
			break;
		for (i = 0; i < n && !rc; i++)
			if (pfd[i].revents)
				rc = collect(s, &s->w[map[i]], r, err);
		if (rc)
			break;
		progress(&s->pr, 0);
	}
	for (i = 0; i < s->jobs; i++)
		sw_reap(&s->w[i], rc || sweep_stop >= 2, &st);
	free(r);
	return rc ? -1 : sweep_stop ? 1 : 0;
}

static void on_signal(int sig)
{
	(void)sig;
	if (sweep_stop < 2)
		sweep_stop++;
}

/* Parse "K/N" (1 <= K <= N) into 0-based k and n. */
static int parse_shard(const char *v, uint64_t *k, uint64_t *n)
{
	char buf[64], *slash;

	snprintf(buf, sizeof buf, "%s", v);
	if (!(slash = strchr(buf, '/')))
		return -1;
	*slash = '\0';
	if (num_u64(buf, k) || num_u64(slash + 1, n) || *n == 0 ||
	    *k == 0 || *k > *n)
		return -1;
	(*k)--;
	return 0;
}

/* What sweep_opt fills. */
struct sw_args {
	struct sw_run *s;	/* -j, -o and --shard go here */
	const char *spec;	/* the SPEC operand */
};

static int sweep_opt(void *ctx, int key, const char *v)
{
	const struct opt_cmd *cmd = &sweep_cmdline;
	struct sw_args *a = ctx;
	uint64_t j;

	switch (key) {
	case 0:
		if (a->spec)
			return opt_error(cmd, "one SPEC only ('%s' and '%s')",
					 a->spec, v);
		a->spec = v;
		return 0;
	case 'j':
		if (num_u64(v, &j) || j < 1 || j > SW_JOBS_MAX)
			return opt_error(cmd, "-j: '%s' is not a number of "
					 "workers in 1..%d", v, SW_JOBS_MAX);
		a->s->jobs = (int)j;
		return 0;
	case 'o':
		a->s->out = v;
		return 0;
	default:
		if (parse_shard(v, &a->s->shard_k, &a->s->shard_n))
			return opt_error(cmd, "--shard: '%s' is not K/N with "
					 "1 <= K <= N", v);
		return 0;
	}
}

/* Options into s and *spec; 0, OPT_HELP, or a usage line and 2. */
static int sweep_args(int argc, char **argv, struct sw_run *s,
		      const char **spec)
{
	struct sw_args a = { s, NULL };
	int rc = opt_parse(&sweep_cmdline, argc, argv, sweep_opt, &a);

	if (rc)
		return rc;
	if (!a.spec)
		return opt_error(&sweep_cmdline, "needs SPEC, a sweep spec "
				 "(docs/sweeps.md)");
	*spec = a.spec;
	return 0;
}

/* Base configs and traces, paths joined to the spec's directory; after
 * loading, their paths read as written in the spec, so that messages in
 * the results do not depend on the working directory. Two bases of one
 * spec must name their designs apart: results tell them by arch.name. */
static int load_inputs(struct sw_run *s, struct sim_err *err)
{
	char path[1024];
	uint32_t i, j;

	s->base = calloc(s->sp.bases.n, sizeof *s->base);
	if (!s->base)
		return err_set(err, s->sp.path, 0, "", "out of memory");
	for (i = 0; i < s->sp.bases.n; i++) {
		const char *b = s->sp.bases.s[i];

		if (sw_join(s->sp.path, b, path, sizeof path))
			return err_set(err, s->sp.path, s->sp.seen[SEEN_BASE],
				       "sweep.base", "path too long");
		if (access(path, R_OK))
			return err_set(err, s->sp.path, s->sp.seen[SEEN_BASE],
				       "sweep.base", "cannot open '%s': %s",
				       path, strerror(errno));
		if (config_load(path, &s->base[i], err))
			return -1;
		snprintf(s->base[i].path, sizeof s->base[i].path, "%s", b);
		for (j = 0; j < i; j++)
			if (!strcmp(s->base[j].name, s->base[i].name))
				return err_set(err, s->sp.path,
					       s->sp.seen[SEEN_BASE],
					       "sweep.base", "'%s' and '%s' "
					       "both name their design '%s' "
					       "(arch.name): results tell the "
					       "bases apart by it",
					       s->sp.bases.s[j], b,
					       s->base[i].name);
	}
	for (i = 0; i < s->sp.traces.n; i++) {
		if (sw_join(s->sp.path, s->sp.traces.s[i], path, sizeof path))
			return err_set(err, s->sp.path, s->sp.seen[SEEN_TRACES],
				       "sweep.traces", "path too long");
		if (access(path, R_OK))
			return err_set(err, s->sp.path, s->sp.seen[SEEN_TRACES],
				       "sweep.traces", "cannot open '%s': %s",
				       path, strerror(errno));
		if (trace_read(path, &s->tr[i], err))
			return -1;
		snprintf(s->tr[i].path, sizeof s->tr[i].path, "%s",
			 s->sp.traces.s[i]);
	}
	return 0;
}

static void summary(const struct sw_run *s, double secs)
{
	fprintf(stderr, "stasim: sweep: %llu points in %.1f s (%.1f points/s): "
		"%llu ok, %llu invalid, %llu failed; %llu skipped by "
		"constraints, %llu already in %s\n",
		(unsigned long long)s->pr.done, secs,
		secs > 0 ? (double)s->pr.done / secs : 0,
		(unsigned long long)s->n_st[ST_OK],
		(unsigned long long)s->n_st[ST_INVALID],
		(unsigned long long)s->n_st[ST_FAILED],
		(unsigned long long)s->skipped, (unsigned long long)s->already,
		s->out);
}

int sweep_cmd(int argc, char **argv)
{
	struct sw_run *s = calloc(1, sizeof *s);
	struct sigaction old_int, old_term, old_pipe;
	char *header = NULL;
	const char *spec = NULL;
	struct sim_err err;
	uint32_t i;
	int rc;

	if (!s)
		return fprintf(stderr, "stasim: out of memory\n"), SIM_EXIT_FAIL;
	s->out = "results.csv";
	s->jobs = 1;
	s->shard_n = 1;
	s->out_fd = -1;
	if ((rc = sweep_args(argc, argv, s, &spec))) {
		rc = rc == OPT_HELP ? SIM_EXIT_OK : rc;
		goto out;
	}
	rc = SIM_EXIT_USAGE;
	if (sw_spec_load(spec, &s->sp, &err) || load_inputs(s, &err)) {
		err_print("stasim", &err, rc);
		goto out;
	}
	header = sw_results_header(&s->sp);
	s->done = calloc((size_t)(s->sp.n_points / 8 + 1), 1);
	if (!s->done || !header) {
		fprintf(stderr, "stasim: out of memory\n");
		rc = SIM_EXIT_FAIL;
		goto out;
	}
	if (sw_results_open(s, header, &err)) {
		err_print("stasim", &err, rc);
		goto out;
	}
	count_points(s);
	s->pr.tty = isatty(2);
	s->pr.t0 = s->pr.last = now_s();
	sweep_stop = 0;
	sw_set_handler(SIGINT, on_signal, &old_int);
	sw_set_handler(SIGTERM, on_signal, &old_term);
	sw_set_handler(SIGPIPE, SIG_IGN, &old_pipe);
	rc = sweep_loop(s, &err);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGPIPE, &old_pipe, NULL);
	if (s->pr.tty)
		progress(&s->pr, 1);
	summary(s, now_s() - s->pr.t0);
	if (rc < 0) {
		rc = err_print("stasim", &err, SIM_EXIT_FAIL);
	} else if (rc > 0) {
		fprintf(stderr, "stasim: sweep: interrupted; %llu of %llu "
			"points left; run the same command again to resume\n",
			(unsigned long long)(s->pr.total - s->pr.done),
			(unsigned long long)s->pr.total);
		rc = SIM_EXIT_FAIL;
	} else {
		rc = s->n_st[ST_FAILED] ? SIM_EXIT_FAIL : SIM_EXIT_OK;
	}
out:
	if (s->out_fd >= 0 && close(s->out_fd) && rc == SIM_EXIT_OK) {
		err_set(&err, s->out, 0, "-o", "cannot write: %s", strerror(errno));
		rc = err_print("stasim", &err, SIM_EXIT_FAIL);
	}
	for (i = 0; i < s->sp.traces.n && i < SW_TRACES_MAX; i++)
		trace_free(&s->tr[i]);
	sw_spec_free(&s->sp);
	free(s->base);
	free(s->done);
	free(header);
	free(s);
	return rc;
}

