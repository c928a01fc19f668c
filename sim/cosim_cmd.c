/*
 * cosim_cmd.c - `stasim cosim UNIT`: runs a unit's co-simulation harness
 * (its Verilated RTL in lockstep with its C model, docs/rtl.md), a separate
 * binary, BUILD/cosim/UNIT/UNIT_cosim, built beside this one from
 * sim/cosim/ by sim/cosim/cosim.mk.
 *
 * Invariant: the harness is exec'd only when it is built from the sources as
 * they are now. When this binary lives in a build directory of its source
 * tree (libstasim.a beside it, STASIM_SRC_DIR/Makefile present), make
 * brings the harness up to date first, with the prerequisites the make
 * fragment gives it (RTL, models, harness sources, parameter stamps).
 * Elsewhere (an installed binary, or no make) a harness that is missing or
 * older than its unit's RTL is refused with the command that rebuilds it.
 * stdout carries only the harness's output; ours goes to stderr.
 */
#define _XOPEN_SOURCE 700	/* realpath() */
#include "cosim_cmd.h"

#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"
#include "lib/self.h"
#include "opt.h"

#ifndef STASIM_SRC_DIR
#define STASIM_SRC_DIR ""	/* no source tree: installed-binary rules */
#endif

#define COSIM_PATH_MAX 4096	/* longest path handled */
#define COSIM_RTL_MAX 6		/* RTL patterns of one unit, NULL-ended */
#define MAKE_ARGS 9		/* make's argv, NULL included */
#define EXEC_FAILED 127		/* the child's status when exec failed */

/* A unit with RTL: rtl/NAME.v, models/NAME.c, sim/cosim/NAME_cosim.c, its
 * harness BUILD/cosim/NAME/NAME_cosim and its check cosim-NAME-quick
 * (sim/cosim/cosim.mk, tests/cosim/checks.mk; the RTL lists are
 * COSIM_NAME_RTL there; every shared include rtl/NAME.vh counts for every unit). */
struct cosim_unit {
	const char *name;	/* as in models/, rtl/ and sim/cosim/ */
	const char *alias;	/* an older name still accepted, or NULL */
	const char *ops;	/* the harness's own name for --ops */
	const char *rtl[COSIM_RTL_MAX];	/* its RTL: globs under the tree */
	const char *about;	/* one line for --help */
};

static const struct cosim_unit cosim_units[] = {
	{ "sde", NULL, "--cmds", { "rtl/sde*.v", "rtl/*.vh", NULL },
	  "the sparse-dense engine (rtl/sde*.v)" },
	{ "smx", NULL, "--tiles", { "rtl/smx*.v", "rtl/fu.v", "rtl/*.vh", NULL },
	  "the softmax unit, online and ita (rtl/smx*.v)" },
	{ "vec", "gelu", "--tiles", { "rtl/vec.v", "rtl/fu.v", "rtl/*.vh", NULL },
	  "the vector unit's GELU path (rtl/vec.v)" },
	{ "gate", NULL, "--tiles",
	  { "rtl/gate.v", "rtl/fu.v", "rtl/smx_online.v", "rtl/smx_ita.v",
	    "rtl/*.vh", NULL },
	  "the MoE gate unit (rtl/gate.v)" },
};

#define COSIM_UNITS (sizeof cosim_units / sizeof cosim_units[0])

enum { KEY_OPS = OPT_LONG };

static const struct opt_spec cosim_opts[] = {
	{ KEY_OPS, "ops", "N", "commands (sde) or tiles (the others) to run" },
	OPT_END
};

static const struct opt_cmd cosim_opt_cmd = {
	"stasim", "cosim", "UNIT [--ops N] [harness options]",
	"A unit's Verilated RTL in lockstep with its C model, cycle by cycle.\n"
	"Exit status is the harness's: 0 every cycle matched, 1 a mismatch\n"
	"(its cycle, port, values and seed on stderr), 2 bad usage, or a\n"
	"harness that cannot be brought up to date.",
	cosim_opts
};

static const char cosim_help_tail[] =
	"\nharness options, passed on unchanged ('stasim cosim UNIT --help'\n"
	"lists them all):\n"
	"  --seed S                  stimulus seed (default 1)\n"
	"  --vcd FILE                write the waves of a window of cycles to FILE:\n"
	"                            C-N..C+4 around a failure at cycle C, else 0..N\n"
	"  --vcd-window N|A:B        N of that window (64), or exactly cycles A..B\n"
	"  --npy PREFIX              replay an op dumped by 'stasim run --mode\n"
	"                            functional --dump'\n"
	"  --inject-flip C           flip an RTL output bit at cycle C (the run\n"
	"                            must then fail)\n"
	"\nThe harness is built beside this binary (BUILD/cosim/UNIT/). Run from\n"
	"a build directory of the source tree, this command first runs make on\n"
	"the harness, so an edit of rtl/*.v or of the C sources is always what\n"
	"runs; the make command is shown on stderr when it rebuilds. Elsewhere\n"
	"a harness older than its RTL is refused with the command to run.\n"
	"docs/rtl.md, \"Verify your own modified RTL\", walks through it.\n";

/* One invocation: the unit, where things are, what the harness gets. */
struct cosim_run {
	const struct cosim_unit *unit;	/* the unit asked for */
	char **args;		/* the harness's argv, NULL-ended */
	int help;		/* -h/--help given after UNIT */
	char harness[COSIM_PATH_MAX];	/* the harness binary's path */
	char rel[COSIM_PATH_MAX];	/* it under the build directory:
					 * cosim/NAME/NAME_cosim */
	char build[COSIM_PATH_MAX];	/* BUILD for make: this binary's
					 * directory, relative to the tree
					 * when inside it */
	char target[COSIM_PATH_MAX];	/* make goal: BUILD/harness */
	int in_tree;		/* 1: make may rebuild the harness */
};

/* The unit called name (or by its alias); NULL if none. */
static const struct cosim_unit *find_unit(const char *name)
{
	size_t u;

	for (u = 0; u < COSIM_UNITS; u++)
		if (!strcmp(name, cosim_units[u].name) ||
		    (cosim_units[u].alias && !strcmp(name, cosim_units[u].alias)))
			return &cosim_units[u];
	return NULL;
}

/* One line for a word that is no unit with RTL; returns SIM_EXIT_USAGE. */
static int unit_error(const char *word)
{
	const char *cands[2 * COSIM_UNITS + 1], *near;
	size_t u, n = 0;

	for (u = 0; u < COSIM_UNITS; u++) {
		cands[n++] = cosim_units[u].name;
		if (cosim_units[u].alias)
			cands[n++] = cosim_units[u].alias;
	}
	cands[n] = NULL;
	near = opt_suggest(word, cands);
	if (near)
		return opt_error(&cosim_opt_cmd, "unknown unit '%s'; did you mean "
				 "'%s'?", word, near);
	return opt_error(&cosim_opt_cmd, "no RTL for '%s' (not built yet; the "
			 "units with RTL are sde, smx, vec and gate)", word);
}

/* The general help, then the units; on stdout. */
static void help(void)
{
	char alias[16];
	size_t u;

	opt_help(&cosim_opt_cmd, stdout);
	printf("\nunits:\n");
	for (u = 0; u < COSIM_UNITS; u++) {
		alias[0] = '\0';
		if (cosim_units[u].alias)
			snprintf(alias, sizeof alias, "(%s)", cosim_units[u].alias);
		printf("  %-5s %-7s %s\n", cosim_units[u].name, alias,
		       cosim_units[u].about);
	}
	fputs(cosim_help_tail, stdout);
}

/* 1 if s is a decimal count. */
static int is_count(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s);
}

/* --ops VALUE as the harness's option; 0 or SIM_EXIT_USAGE. */
static int put_ops(struct cosim_run *r, int *n, const char *v)
{
	if (!v)
		return opt_error(&cosim_opt_cmd, "option '--ops' needs a value (N)");
	if (!is_count(v))
		return opt_error(&cosim_opt_cmd, "bad value '%s' for --ops (a "
				 "count)", v);
	r->args[(*n)++] = (char *)r->unit->ops;
	r->args[(*n)++] = (char *)v;
	return 0;
}

/*
 * The words after UNIT into r->args (from index 1): --ops N (or --ops=N)
 * becomes the harness's name for it, -h/--help sets r->help, the rest goes
 * on unchanged. Returns 0 or SIM_EXIT_USAGE after one line.
 */
static int harness_args(struct cosim_run *r, int argc, char **argv)
{
	int i, n = 1, rc = 0;

	for (i = 3; i < argc && !rc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help"))
			r->help = 1;
		else if (!strncmp(a, "--ops=", 6))
			rc = put_ops(r, &n, a + 6);
		else if (!strcmp(a, "--ops"))
			rc = put_ops(r, &n, i + 1 < argc ? argv[++i] : NULL);
		else
			r->args[n++] = argv[i];
	}
	r->args[n] = NULL;
	return rc;
}

/*
 * The command line into r: the unit, the harness's argv (r->args, freed by
 * the caller). Returns 0, OPT_HELP after `stasim cosim --help`, or
 * SIM_EXIT_USAGE after one line on stderr.
 */
static int parse(struct cosim_run *r, int argc, char **argv)
{
	const char *w = argc >= 3 ? argv[2] : NULL;

	if (!w)
		return opt_error(&cosim_opt_cmd, "needs a unit (sde, smx, vec or "
				 "gate)");
	if (!strcmp(w, "-h") || !strcmp(w, "--help"))
		return help(), OPT_HELP;
	if (w[0] == '-')
		return opt_error(&cosim_opt_cmd, "the unit comes first, before "
				 "'%s'", w);
	if (!(r->unit = find_unit(w)))
		return unit_error(w);
	/* at worst every word is --ops=N, two words for the harness */
	r->args = calloc(2 * (size_t)argc + 2, sizeof *r->args);
	if (!r->args)
		return opt_error(&cosim_opt_cmd, "%s", strerror(ENOMEM));
	return harness_args(r, argc, argv);
}

/* a/b into buf (COSIM_PATH_MAX bytes); 0, or -1 when it does not fit. */
static int join(char *buf, const char *a, const char *b)
{
	int n = snprintf(buf, COSIM_PATH_MAX, "%s/%s", a, b);

	return n < 0 || n >= COSIM_PATH_MAX ? -1 : 0;
}

/* This binary's directory, symlinks resolved, into dir; 0 or -1. */
static int self_dir(const char *argv0, char *dir)
{
	char exe[COSIM_PATH_MAX], *slash;

	if (self_exe(argv0, exe, sizeof exe))
		return -1;
	slash = strrchr(exe, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	snprintf(dir, COSIM_PATH_MAX, "%s", slash == exe ? "/" : exe);
	return 0;
}

/* 1 if dir/name exists. */
static int has_file(const char *dir, const char *name)
{
	char p[COSIM_PATH_MAX];

	return !join(p, dir, name) && access(p, F_OK) == 0;
}

/*
 * The harness's path, and make's BUILD and goal for it: dir relative to the
 * source tree when inside it. r->in_tree: dir is a build directory of the
 * tree (the top Makefile puts libstasim.a beside stasim), so make may
 * build there. Returns 0, or SIM_EXIT_USAGE when dir is unknown.
 */
static int locate(struct cosim_run *r, const char *argv0)
{
	char dir[COSIM_PATH_MAX], src[COSIM_PATH_MAX];
	size_t n = 0;

	if (self_dir(argv0, dir))
		return opt_error(&cosim_opt_cmd, "cannot find the directory of "
				 "this binary ('%s'), where the harness is", argv0);
	if (*STASIM_SRC_DIR && realpath(STASIM_SRC_DIR, src))
		n = strlen(src);
	r->in_tree = n && has_file(src, "Makefile") && has_file(dir, "libstasim.a");
	snprintf(r->build, sizeof r->build, "%s", dir);
	if (n && !strncmp(dir, src, n) && dir[n] == '/')
		snprintf(r->build, sizeof r->build, "%s", dir + n + 1);
	snprintf(r->rel, sizeof r->rel, "cosim/%s/%s_cosim", r->unit->name,
		 r->unit->name);
	if (join(r->harness, dir, r->rel) || join(r->target, r->build, r->rel))
		return opt_error(&cosim_opt_cmd, "path too long: '%s'", dir);
	return 0;
}

/*
 * make's argv for the harness, into a (MAKE_ARGS entries; var holds the
 * BUILD=... word). quiet: the flags that keep an up-to-date check silent
 * (-s: no recipe echo, no "is up to date"), which the printed form leaves
 * out. NEED_DEPS= stops the top Makefile from installing packages.
 */
static void make_argv(const struct cosim_run *r, char *var, size_t len,
		      const char **a, int quiet)
{
	int n = 0;

	snprintf(var, len, "BUILD=%s", r->build);
	a[n++] = "make";
	if (quiet) {
		a[n++] = "-s";
		a[n++] = "--no-print-directory";
		a[n++] = "NEED_DEPS=";
	}
	a[n++] = "-C";
	a[n++] = *STASIM_SRC_DIR ? STASIM_SRC_DIR : "SOURCE-TREE";
	a[n++] = var;
	a[n++] = r->target;
	a[n] = NULL;
}

/* The command that rebuilds the harness, as a user would type it. */
static void print_make(const struct cosim_run *r, FILE *f)
{
	const char *a[MAKE_ARGS];
	char var[COSIM_PATH_MAX + 8];
	int i;

	make_argv(r, var, sizeof var, a, 0);
	for (i = 0; a[i]; i++)
		fprintf(f, "%s%s", i ? " " : "", a[i]);
}

/* Copies the child's output (fd) to stderr, after a line saying that the
 * harness is being rebuilt if there is any output at all. */
static void relay(const struct cosim_run *r, int fd)
{
	char buf[4096];
	ssize_t n;
	int said = 0;

	while ((n = read(fd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR)) {
		if (n > 0 && !said++) {
			fprintf(stderr, "stasim: cosim %s: rebuilding %s: ",
				r->unit->name, r->target);
			print_make(r, stderr);
			fputc('\n', stderr);
		}
		if (n > 0)
			fwrite(buf, 1, (size_t)n, stderr);
	}
}

/*
 * Runs make on the harness in the source tree, its output (none when the
 * harness is up to date) relayed to stderr. Returns make's exit status,
 * EXEC_FAILED when make could not be run, or -1 on a system error.
 */
static int run_make(const struct cosim_run *r)
{
	const char *a[MAKE_ARGS];
	char var[COSIM_PATH_MAX + 8];
	int fd[2], st;
	pid_t pid;

	make_argv(r, var, sizeof var, a, 1);
	fflush(stderr);
	if (pipe(fd))
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(fd[1], STDOUT_FILENO);
		dup2(fd[1], STDERR_FILENO);
		close(fd[0]);
		close(fd[1]);
		/* a make of its own, not a sub-make of one that runs us: an
		 * outer make's variables and jobserver must not leak in */
		unsetenv("MAKEFLAGS");
		unsetenv("MFLAGS");
		unsetenv("MAKELEVEL");
		execvp(a[0], (char *const *)a);
		_exit(EXEC_FAILED);
	}
	close(fd[1]);
	if (pid > 0)
		relay(r, fd[0]);
	close(fd[0]);
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* 1 if a was modified after b. */
static int newer(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec != b->tv_sec ? a->tv_sec > b->tv_sec
				      : a->tv_nsec > b->tv_nsec;
}

/*
 * The newest of the unit's RTL files in the source tree that is newer
 * than t, into path; 0 if there is one, -1 if none (or no tree).
 */
static int newer_rtl(const struct cosim_unit *u, const struct timespec *t,
		     char *path, size_t len)
{
	char pat[COSIM_PATH_MAX];
	struct timespec best = *t;
	struct stat st;
	glob_t g;
	size_t i, k;
	int found = -1;

	for (i = 0; *STASIM_SRC_DIR && u->rtl[i]; i++) {
		snprintf(pat, sizeof pat, "%s/%s", STASIM_SRC_DIR, u->rtl[i]);
		if (glob(pat, 0, NULL, &g))
			continue;
		for (k = 0; k < g.gl_pathc; k++)
			if (!stat(g.gl_pathv[k], &st) && newer(&st.st_mtim, &best)) {
				best = st.st_mtim;
				snprintf(path, len, "%s", g.gl_pathv[k]);
				found = 0;
			}
		globfree(&g);
	}
	return found;
}

/*
 * Without make: the harness must exist and be no older than its unit's
 * RTL. Returns 0, or SIM_EXIT_USAGE after one line with the command to run.
 */
static int check_stale(const struct cosim_run *r)
{
	char rtl[COSIM_PATH_MAX];
	struct stat st;

	if (stat(r->harness, &st))
		fprintf(stderr, "stasim: cosim %s: no harness at %s (%s); build "
			"it with '", r->unit->name, r->harness, strerror(errno));
	else if (!newer_rtl(r->unit, &st.st_mtim, rtl, sizeof rtl))
		fprintf(stderr, "stasim: cosim %s: %s is older than %s; rebuild "
			"it with '", r->unit->name, r->harness, rtl);
	else
		return 0;
	print_make(r, stderr);
	fprintf(stderr, "' (make cosim-%s-quick also runs its checks)\n",
		r->unit->name);
	return SIM_EXIT_USAGE;
}

/*
 * Brings the harness up to date (make) or checks that it is (no make, or
 * not a build directory of the tree). Returns 0, or SIM_EXIT_USAGE after
 * saying why the harness cannot run.
 */
static int up_to_date(const struct cosim_run *r)
{
	int rc = r->in_tree ? run_make(r) : EXEC_FAILED;

	if (rc == EXEC_FAILED)
		return check_stale(r);
	if (rc == 0)
		return 0;
	fprintf(stderr, "stasim: cosim %s: the harness did not build (make %s"
		"); fix the sources above and run again, or build it with '",
		r->unit->name, rc > 0 ? "failed" : "did not finish");
	print_make(r, stderr);
	fputs("'\n", stderr);
	return SIM_EXIT_USAGE;
}

/* `stasim cosim UNIT --help`: ours, then the harness's if it is built. */
static int unit_help(const struct cosim_run *r)
{
	char *const args[] = { (char *)r->harness, "--help", NULL };

	help();
	printf("\n%s's harness, %s:\n", r->unit->name, r->harness);
	fflush(stdout);
	if (access(r->harness, X_OK) == 0)
		execv(r->harness, args);
	printf("not built yet ('stasim cosim %s' builds it)\n", r->unit->name);
	return SIM_EXIT_OK;
}

/* The harness, up to date, in place of this process; returns only when it
 * cannot run: SIM_EXIT_USAGE after saying why. */
static int run_harness(struct cosim_run *r)
{
	int rc = up_to_date(r);

	if (rc)
		return rc;
	r->args[0] = r->harness;
	fflush(stdout);
	execv(r->harness, r->args);
	fprintf(stderr, "stasim: cosim %s: cannot run %s (%s); build it with '",
		r->unit->name, r->harness, strerror(errno));
	print_make(r, stderr);
	fputs("'\n", stderr);
	return SIM_EXIT_USAGE;
}

/*
 * stasim cosim UNIT [--ops N] [harness options]: the unit's Verilated RTL
 * in lockstep with its C model (docs/rtl.md). The harness, a separate
 * binary beside this one, is first brought up to date (see the top of this
 * file), then exec'd with every option, --ops translated to its own name;
 * it rejects what it does not know with exit status 2. Returns only when
 * it does not run: the exit status.
 */
int cosim_cmd(int argc, char **argv)
{
	struct cosim_run r = { 0 };
	int rc = parse(&r, argc, argv);

	if (!rc)
		rc = locate(&r, argv[0]);
	if (!rc)
		rc = r.help ? unit_help(&r) : run_harness(&r);
	free(r.args);
	return rc == OPT_HELP ? SIM_EXIT_OK : rc;
}
