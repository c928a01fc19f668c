/*
 * lockstep.c - the core of the lockstep harnesses (see lockstep.h).
 *
 * Invariant: a run is a pure function of its options: the random stream
 * lives in struct lockstep and is seeded from --seed alone, and nothing
 * here reads a clock or a global, so that the --vcd replay of a run sees
 * the same stimulus and fails at the same cycle. A replay (ls->quiet)
 * prints nothing and writes no vector files.
 */
#include "lockstep.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fu.h"
#include "unit.h"

/* ---- random numbers ---- */

uint64_t lockstep_seed(uint64_t seed)
{
	uint64_t s = seed + 0x9E3779B97F4A7C15ull;

	s = (s ^ s >> 30) * 0xBF58476D1CE4E5B9ull;
	s = (s ^ s >> 27) * 0x94D049BB133111EBull;
	s ^= s >> 31;
	return s ? s : 1;
}

uint64_t lockstep_rnd(uint64_t *rng)
{
	*rng ^= *rng >> 12;
	*rng ^= *rng << 25;
	*rng ^= *rng >> 27;
	return *rng * 0x2545F4914F6CDD1Dull;
}

uint64_t lockstep_range(uint64_t *rng, uint64_t lo, uint64_t hi)
{
	return lo + lockstep_rnd(rng) % (hi - lo + 1);
}

int lockstep_chance(uint64_t *rng, unsigned percent)
{
	return lockstep_rnd(rng) % 100 < percent;
}

uint64_t lockstep_gap(uint64_t *rng, uint64_t longest)
{
	uint64_t r = lockstep_rnd(rng) % 100;

	if (r < 50)
		return 0;
	if (r < 80)
		return lockstep_range(rng, 1, 3);
	if (r < 95)
		return lockstep_range(rng, 4, 20);
	return lockstep_range(rng, 20, longest);
}

uint32_t lockstep_noise(uint64_t *rng, uint32_t bits)
{
	return (uint32_t)lockstep_rnd(rng) & (uint32_t)((1ull << bits) - 1);
}

void lockstep_garbage(uint64_t *rng, uint32_t *w, uint32_t bits)
{
	uint32_t i;

	memset(w, 0, ((bits + 31) / 32 + 1) * sizeof *w);
	for (i = 0; i < bits / 32; i++)
		w[i] = (uint32_t)lockstep_rnd(rng);
	if (bits % 32)
		w[i] = (uint32_t)lockstep_rnd(rng) & ((1u << bits % 32) - 1);
}

/* ---- bit fields ---- */

void lockstep_put_bits(uint32_t *w, uint32_t bit, uint32_t width, uint32_t v)
{
	uint32_t i;

	for (i = 0; i < width; i++, bit++) {
		if (v >> i & 1)
			w[bit / 32] |= 1u << bit % 32;
		else
			w[bit / 32] &= ~(1u << bit % 32);
	}
}

uint32_t lockstep_get_bits(const uint32_t *w, uint32_t bit, uint32_t width)
{
	uint32_t i, v = 0;

	for (i = 0; i < width; i++, bit++)
		v |= (w[bit / 32] >> bit % 32 & 1) << i;
	return v;
}

uint32_t lockstep_clog2(uint64_t v)
{
	uint32_t b = 0;

	while ((1ull << b) < v)
		b++;
	return b;
}

/* ---- vector files ---- */

void lockstep_put_hex(FILE *f, const uint32_t *w, uint32_t bits)
{
	uint32_t d = (bits + 3) / 4;

	while (d--) {
		uint32_t lo = 4 * d;

		fputc("0123456789abcdef"[lockstep_get_bits(w, lo, bits - lo < 4 ?
							       bits - lo : 4)], f);
	}
}

void lockstep_put_num(FILE *f, uint32_t v, uint32_t bits, char sep)
{
	uint32_t w[2] = { v, 0 };

	lockstep_put_hex(f, w, bits);
	fputc(sep, f);
}

/* ---- --npy tensors ---- */

int lockstep_npy_2d(const char *prefix, const char *name, enum npy_type type,
		    struct npy_array *a, char *err, size_t len)
{
	static const char *const types[] = {
		[NPY_I8] = "int8", [NPY_I16] = "int16", [NPY_I32] = "int32",
		[NPY_U8] = "uint8"
	};
	char path[4200];
	struct sim_err e;

	snprintf(path, sizeof path, "%s.%s.npy", prefix, name);
	if (npy_read(path, a, &e)) {
		err_format(&e, err, len);
		return -1;
	}
	if (a->type == type && a->ndim == 2 && a->count &&
	    a->shape[0] <= UINT32_MAX && a->shape[1] <= UINT32_MAX)
		return 0;
	snprintf(err, len, "%s: npy: not a non-empty 2-D array of %s", path,
		 types[type]);
	npy_array_free(a);
	return -1;
}

/* ---- options ---- */

int lockstep_parse_u64(const char *s, uint64_t limit, uint64_t *v)
{
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return *end || errno || *v >= limit ? -1 : 0;
}

int lockstep_parse_name(const char *v, const char *const *names, int n,
		       int *k)
{
	for (*k = 0; v && *k < n && strcmp(v, names[*k]); (*k)++)
		;
	return v && *k < n ? 0 : -1;
}

/* What parse found. */
enum parse_rc {
	PARSE_OK,	/* every option applied */
	PARSE_HELP,	/* -h or --help */
	PARSE_BAD	/* msg says which option, and why */
};

/* Every argument through option(), stopping at -h/--help or at the first
 * bad one with its message in msg. */
static enum parse_rc parse(int argc, char **argv, lockstep_option_fn *option,
			   void *self, char *msg, size_t len)
{
	enum lockstep_opt rc;
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "-h") || !strcmp(a, "--help"))
			return PARSE_HELP;
		if (a[0] == '+')
			continue;	/* +verilator+ options */
		rc = option(self, a, v);
		if (rc == LOCKSTEP_OPT_FLAG)
			continue;
		if (rc == LOCKSTEP_OPT_UNKNOWN)
			snprintf(msg, len, "unknown option '%s'", a);
		else if (rc == LOCKSTEP_OPT_BAD && v)
			snprintf(msg, len, "bad value '%s' for %s", v, a);
		else if (rc == LOCKSTEP_OPT_BAD)
			snprintf(msg, len, "%s needs a value", a);
		if (rc != LOCKSTEP_OPT_OK)
			return PARSE_BAD;
		i++;
	}
	return PARSE_OK;
}

int lockstep_options(const struct lockstep_cli *cli, void *self, int argc,
		    char **argv, int quiet, int *status)
{
	char msg[LOCKSTEP_MSG_MAX];
	const char *why;

	switch (parse(argc, argv, cli->option, self, msg, sizeof msg)) {
	case PARSE_HELP:
		cli->usage(stdout);
		*status = 0;
		return -1;
	case PARSE_BAD:
		*status = lockstep_usage_error(quiet, cli->prog, "%s", msg);
		return -1;
	case PARSE_OK:
		break;
	}
	why = cli->conflict(self);
	if (why)
		*status = lockstep_usage_error(quiet, cli->prog, "%s", why);
	return why ? -1 : 0;
}

void lockstep_usage_common(FILE *f, const char *const *ports, int n)
{
	int i;

	fprintf(f,
		"  --seed N          stimulus seed (default 1)\n"
		"  --inject-flip N   flip an RTL output bit at the first cycle >= N that compares it (the run must fail)\n"
		"  --inject-port P   the port --inject-flip flips:");
	for (i = 0; i < n; i++)
		fprintf(f, "%s %s%s", i ? "," : "", ports[i],
			i ? "" : " (default)");
	fprintf(f, "\n"
		"  --max-cycles N    fail as hung when the run has not finished after N cycles\n"
		"  --vcd FILE        write the waves of cycles C-N..C+%d around a failure at cycle C (a pass: 0..N) to FILE\n"
		"  --vcd-window N    N of the --vcd window (default %d, at most %d)\n"
		"  --vcd-window A:B  the --vcd window is cycles A..B inclusive, failing or not (at most %d cycles)\n"
		"  -h, --help        print this help and exit\n",
		LOCKSTEP_VCD_AFTER, LOCKSTEP_VCD_BEFORE, LOCKSTEP_VCD_MAX,
		LOCKSTEP_VCD_MAX);
}

/* ---- the --vcd window ---- */

void lockstep_vcd_init(struct lockstep_vcd *w)
{
	w->path = NULL;
	w->n = w->from = w->to = -1;
}

/* --vcd-window A:B into w: 0, or -1 when it is no such window. */
static int parse_span(struct lockstep_vcd *w, const char *s)
{
	const char *colon = strchr(s, ':');
	char a[32];
	uint64_t from, to;

	if (!colon || (size_t)(colon - s) >= sizeof a)
		return -1;
	memcpy(a, s, (size_t)(colon - s));
	a[colon - s] = '\0';
	if (lockstep_parse_u64(a, 1ull << 40, &from) ||
	    lockstep_parse_u64(colon + 1, 1ull << 40, &to) ||
	    to < from || to - from >= LOCKSTEP_VCD_MAX)
		return -1;
	w->from = (int64_t)from;
	w->to = (int64_t)to;
	w->n = -1;	/* the last --vcd-window counts */
	return 0;
}

enum lockstep_opt lockstep_vcd_option(struct lockstep_vcd *w, const char *a,
				    const char *v)
{
	uint64_t n;

	if (!strcmp(a, "--vcd")) {
		w->path = v;
		return v ? LOCKSTEP_OPT_OK : LOCKSTEP_OPT_BAD;
	}
	if (strcmp(a, "--vcd-window"))
		return LOCKSTEP_OPT_UNKNOWN;
	if (v && strchr(v, ':'))
		return parse_span(w, v) ? LOCKSTEP_OPT_BAD : LOCKSTEP_OPT_OK;
	if (lockstep_parse_u64(v, LOCKSTEP_VCD_MAX + 1ull, &n))
		return LOCKSTEP_OPT_BAD;
	w->n = (int64_t)n;
	w->from = w->to = -1;
	return LOCKSTEP_OPT_OK;
}

const char *lockstep_vcd_conflict(const struct lockstep_vcd *w)
{
	if (!w->path && (w->n >= 0 || w->from >= 0))
		return "--vcd-window needs --vcd";
	return NULL;
}

int lockstep_vcd_cycles(const struct lockstep_vcd *w, int64_t fail,
		       int64_t last, int64_t first, int64_t *from,
		       int64_t *to)
{
	const int64_t n = w->n < 0 ? LOCKSTEP_VCD_BEFORE : w->n;
	/* after a failure the RTL runs on with its last inputs */
	const int64_t end = fail >= 0 ? fail + LOCKSTEP_VCD_AFTER : last;

	if (w->from >= 0) {
		*from = w->from;
		*to = w->to;
	} else if (fail >= 0) {
		*from = fail - n;
		*to = fail + LOCKSTEP_VCD_AFTER;
	} else {
		*from = 0;
		*to = n;
	}
	*from = *from < first ? first : *from;
	*to = *to > end ? end : *to;
	return *from <= *to ? 0 : -1;
}

/* ---- messages ---- */

/* "PROG: " and the message of fmt, ap on f, then tail and a newline. */
static void vsay(FILE *f, const char *prog, const char *tail, const char *fmt,
		 va_list ap)
{
	fprintf(f, "%s: ", prog);
	vfprintf(f, fmt, ap);
	fprintf(f, "%s\n", tail);
}

void lockstep_say(int quiet, const char *prog, const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	va_start(ap, fmt);
	vsay(stderr, prog, "", fmt, ap);
	va_end(ap);
}

int lockstep_usage_error(int quiet, const char *prog, const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return 2;
	va_start(ap, fmt);
	vsay(stderr, prog, " (--help lists the options)", fmt, ap);
	va_end(ap);
	return 2;
}

/* "PROG: FAIL at cycle C: WHAT (seed S[, injected fault])" on stderr,
 * unless quiet: the first failure of a run. */
static void say_fail(int quiet, const char *prog, uint64_t cycle, uint64_t seed,
		  int injected, const char *fmt, ...)
{
	char what[LOCKSTEP_MSG_MAX];
	va_list ap;

	if (quiet)
		return;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s: FAIL at cycle %" PRIu64 ": %s (seed %" PRIu64
		"%s)\n", prog, cycle, what, seed,
		injected ? ", injected fault" : "");
}

/* say_fail of a mismatch: "PORT: expected 0xX, got 0xY". */
static void say_mismatch(int quiet, const char *prog, uint64_t cycle,
		      const char *port, uint64_t expected, uint64_t actual,
		      uint64_t seed, int injected)
{
	say_fail(quiet, prog, cycle, seed, injected, "%s: expected 0x%"
		     PRIx64 ", got 0x%" PRIx64, port, expected, actual);
}

/* say_fail of a run given up as hung at cycle, its --max-cycles. */
static void say_hang(int quiet, const char *prog, uint64_t cycle, uint64_t seed)
{
	say_fail(quiet, prog, cycle, seed, 0, "no finish within "
		     "--max-cycles %" PRIu64, cycle);
}

/* "PROG: injected a bit flip on PORT at cycle C" on stderr, unless quiet. */
static void say_injected(int quiet, const char *prog, const char *port,
		      uint64_t cycle)
{
	lockstep_say(quiet, prog, "injected a bit flip on %s at cycle %" PRIu64,
		    port, cycle);
}

/* An armed flip at cycle that the run did not catch (done: the flip was
 * made) or never made; says so unless quiet. Returns 2. */
static int say_missed(int quiet, const char *prog, const char *port,
			  uint64_t cycle, int done)
{
	lockstep_say(quiet, prog, "the %s flip at cycle %" PRIu64 " %s", port,
		    cycle, done ? "was not caught" :
		    "never happened (run too short)");
	return 2;
}

/* "N NOUNs": the plural adds "es" after a final 'h' ("mismatches"). */
static void count(uint64_t n, const char *noun)
{
	const size_t len = strlen(noun);

	printf("%" PRIu64 " %s%s", n, noun, n == 1 ? "" :
	       len && noun[len - 1] == 'h' ? "es" : "s");
}

void lockstep_summary(const char *prog, int status,
		     const struct lockstep_tally *t, const char *details)
{
	printf("%s: %s: ", prog, status ? "FAIL" : "PASS");
	count(t->cycles, "cycle");
	printf(", ");
	count(t->work, t->noun);
	printf(", ");
	count(t->mismatches, "mismatch");
	printf("; seed=%" PRIu64 "%s%s\n", t->seed, *details ? " " : "",
	       details);
	fflush(stdout);	/* before the --vcd replay's lines */
}

void lockstep_vcd_wrote(const char *prog, const char *path, int64_t from,
		       int64_t to, uint64_t t0, uint64_t t1)
{
	printf("%s: wrote VCD window cycles %" PRId64 "..%" PRId64 " to %s "
	       "(VCD times %" PRIu64 "..%" PRIu64 ")\n", prog, from, to, path,
	       t0, t1);
}

/* ---- the run ---- */

void lockstep_init(struct lockstep *ls, const char *prog,
		   const char *const *ports, int n_ports, int replay)
{
	memset(ls, 0, sizeof *ls);
	ls->prog = prog;
	ls->ports = ports;
	ls->n_ports = n_ports;
	ls->seed = 1;
	lockstep_vcd_init(&ls->vcd);
	ls->quiet = replay;
	ls->fail_cycle = -1;
}

void *lockstep_new(size_t size, const struct lockstep_cli *cli, int replay,
		   int *status)
{
	struct lockstep *ls = calloc(1, size);	/* the harness's first */

	*status = 2;
	if (!ls) {
		lockstep_say(0, cli->prog, "out of memory");
		return NULL;
	}
	lockstep_init(ls, cli->prog, cli->ports, cli->n_ports, replay);
	return ls;
}

enum lockstep_opt lockstep_option(struct lockstep *ls, const char *a,
				  const char *v)
{
	enum lockstep_opt rc = lockstep_vcd_option(&ls->vcd, a, v);
	int bad;

	if (rc != LOCKSTEP_OPT_UNKNOWN)
		return rc;
	if (!strcmp(a, "--seed")) {
		bad = lockstep_parse_u64(v, UINT64_MAX, &ls->seed);
	} else if (!strcmp(a, "--max-cycles")) {
		bad = lockstep_parse_u64(v, UINT64_MAX, &ls->max_cycles) ||
		      !ls->max_cycles;
	} else if (!strcmp(a, "--inject-flip")) {
		bad = lockstep_parse_u64(v, UINT64_MAX, &ls->inject_cycle);
		ls->inject = 1;
	} else if (!strcmp(a, "--inject-port")) {
		bad = lockstep_parse_name(v, ls->ports, ls->n_ports,
					  &ls->inject_port);
	} else if (!strcmp(a, "--write-vectors") && ls->vectors) {
		ls->vec_dir = v;
		bad = !v;
	} else {
		return LOCKSTEP_OPT_UNKNOWN;
	}
	return bad ? LOCKSTEP_OPT_BAD : LOCKSTEP_OPT_OK;
}

const char *lockstep_conflict(const struct lockstep *ls)
{
	return lockstep_vcd_conflict(&ls->vcd);
}

void lockstep_usage(FILE *f, const struct lockstep *ls)
{
	lockstep_usage_common(f, ls->ports, ls->n_ports);
}

void lockstep_start(struct lockstep *ls)
{
	ls->rng = lockstep_seed(ls->seed);
}

void lockstep_fail(struct lockstep *ls)
{
	if (!ls->failed)
		ls->fail_cycle = (int64_t)ls->cycle;
	ls->failed = 1;
	ls->done = 1;
}

int lockstep_mismatch(struct lockstep *ls, const char *port,
			 uint64_t expected, uint64_t actual)
{
	say_mismatch(ls->quiet, ls->prog, ls->cycle, port, expected, actual,
		     ls->seed, ls->injected);
	ls->mismatches++;
	if (ls->quiet && ls->runs_on) {
		if (!ls->failed)
			ls->fail_cycle = (int64_t)ls->cycle;
		ls->failed = 1;
		return 1;
	}
	lockstep_fail(ls);
	return 1;
}

int lockstep_ctl(struct lockstep *ls, const struct ctl_ports *model,
		 const struct ctl_ports *rtl)
{
	uint64_t want, got;
	const char *port = ctl_diff(model, rtl, &want, &got);

	return port ? lockstep_mismatch(ls, port, want, got) : 0;
}

int lockstep_hung(struct lockstep *ls, uint64_t bound)
{
	if (ls->cycle < bound)
		return 0;
	say_hang(ls->quiet, ls->prog, ls->cycle, ls->seed);
	lockstep_fail(ls);
	return 1;
}

int lockstep_drained(struct lockstep *ls, int idle)
{
	if (idle && ++ls->idle_tail > LOCKSTEP_DRAIN_IDLE)
		ls->done = 1;
	return ls->done;
}

const char *lockstep_inject_due(const struct lockstep *ls)
{
	if (!ls->inject || ls->injected || ls->cycle < ls->inject_cycle)
		return NULL;
	return ls->ports[ls->inject_port];
}

int lockstep_inject_ctl(struct lockstep *ls, struct ctl_ports *p)
{
	const char *port = lockstep_inject_due(ls);

	if (!port || !ctl_flip(p, port))
		return 0;
	lockstep_injected(ls);
	return 1;
}

void lockstep_injected(struct lockstep *ls)
{
	ls->injected = 1;
	say_injected(ls->quiet, ls->prog, ls->ports[ls->inject_port],
			  ls->cycle);
}

int lockstep_status(const struct lockstep *ls, int status_io)
{
	if (ls->failed)
		return 1;
	if (ls->inject)
		return say_missed(ls->quiet, ls->prog,
				  ls->ports[ls->inject_port],
				  ls->inject_cycle, ls->injected);
	return status_io ? 2 : 0;
}

void lockstep_report(const struct lockstep *ls, int status, uint64_t work,
		     const char *noun, const char *details)
{
	const struct lockstep_tally t = {
		ls->cycle, work, noun, ls->mismatches, ls->seed
	};

	if (!ls->quiet)
		lockstep_summary(ls->prog, status, &t, details);
}

/* ---- the stimulus stream ---- */

void *lockstep_grow(void *p, size_t n, size_t *cap, size_t size)
{
	size_t c = *cap ? 2 * *cap : 64;
	void *q;

	if (n < *cap)
		return p;
	q = realloc(p, c * size);
	if (q)
		*cap = c;
	return q;
}

int lockstep_tiles_push(struct lockstep_tiles *l, void *t)
{
	void **at = t ? lockstep_grow(l->at, l->n, &l->cap, sizeof *at) : NULL;

	if (!at) {
		if (t && l->drop)
			l->drop(t);
		return -1;
	}
	l->at = at;
	l->at[l->n++] = t;
	return 0;
}

void lockstep_tiles_free(struct lockstep_tiles *l)
{
	size_t i;

	for (i = 0; l->drop && i < l->n; i++)
		l->drop(l->at[i]);
	free(l->at);
}

void *lockstep_tile(struct lockstep *ls, const struct lockstep_tiles *l,
		    size_t k, const char *port)
{
	if (k < l->n)
		return l->at[k];
	lockstep_mismatch(ls, port, 0, 1);
	return NULL;
}

int lockstep_cmd_due(const struct unit_cmd *in, uint64_t *gap)
{
	if (in->valid)
		return 0;
	if (*gap) {
		(*gap)--;
		return 0;
	}
	return 1;
}

int lockstep_drive_cmd(uint64_t *rng, const struct unit_cmd *in,
		       uint32_t rows_bits, uint32_t cols_bits, uint32_t kc_bits,
		       struct ctl_cmd *p)
{
	if (in->valid) {
		*p = ctl_cmd_of(in);
		return 1;
	}
	p->cmd_valid = 0;
	p->cmd_flags = (uint8_t)lockstep_noise(rng, 5);
	p->cmd_op = lockstep_noise(rng, 32);
	p->cmd_rows = lockstep_noise(rng, rows_bits);
	p->cmd_cols = lockstep_noise(rng, cols_bits);
	p->cmd_kcycles = lockstep_noise(rng, kc_bits);
	return 0;
}

void lockstep_fu_start(struct lockstep *ls, struct lockstep_fu *m,
		       const char *unit)
{
	lockstep_start(ls);
	fu_init(&m->u, unit, &m->in, &m->want_op, NULL, NULL);
}

struct ctl_ports lockstep_fu_ports(const struct lockstep_fu *m)
{
	const struct fu_out *o = &m->u.out;

	return ctl_of(o->cmd_ready, o->active, &o->rd_done, &o->wb_done);
}

int lockstep_fu_idle(const struct lockstep_fu *m)
{
	return !m->in.valid && !m->u.out.active && !m->u.f_len;
}

int lockstep_fu_wrote(struct lockstep *ls, const struct lockstep_fu *m,
		      const void *job)
{
	const void *got = m->u.out.wb_done.data;

	if (got == job)
		return 0;
	return lockstep_mismatch(ls, "wb_done (model finished another tile)",
				 (uint64_t)(uintptr_t)job,
				 (uint64_t)(uintptr_t)got);
}

void lockstep_fu_present(struct lockstep_fu *m, uint8_t flags, uint32_t op,
			 uint32_t rows, uint32_t cols, uint64_t kcycles,
			 const void *data)
{
	m->in = (struct unit_cmd){
		.valid = 1, .flags = flags, .op = op, .rows = rows,
		.cols = cols, .kcycles = kcycles, .data = data,
	};
}

int lockstep_fu_clock(struct lockstep *ls, struct lockstep_fu *m,
		      uint64_t gap_max)
{
	int accept = m->in.valid && m->u.out.cmd_ready;

	m->cov_full += m->in.valid && !m->u.out.cmd_ready;
	fu_step(&m->u, ls->cycle);
	fu_commit(&m->u);
	if (accept) {
		m->in.valid = 0;
		m->gap = lockstep_gap(&ls->rng, gap_max);
	}
	return accept;
}

/* ---- vector files ---- */

void lockstep_put_cmd(FILE *f, const struct ctl_cmd *p, uint32_t rows_bits,
		      uint32_t cols_bits, uint32_t kc_bits)
{
	lockstep_put_num(f, p->cmd_valid, 1, ' ');
	lockstep_put_num(f, p->cmd_flags, 5, ' ');
	lockstep_put_num(f, p->cmd_op, 32, ' ');
	lockstep_put_num(f, p->cmd_rows, rows_bits, ' ');
	lockstep_put_num(f, p->cmd_cols, cols_bits, ' ');
	lockstep_put_num(f, p->cmd_kcycles, kc_bits, ' ');
}

void lockstep_put_ctl(FILE *f, const struct ctl_ports *o)
{
	lockstep_put_num(f, o->cmd_ready, 1, ' ');
	lockstep_put_num(f, o->active, 1, ' ');
	lockstep_put_num(f, o->rd_done_valid, 1, ' ');
	lockstep_put_num(f, o->rd_done_flags, 5, ' ');
	lockstep_put_num(f, o->rd_done_op, 32, ' ');
	lockstep_put_num(f, o->wb_done_valid, 1, ' ');
	lockstep_put_num(f, o->wb_done_flags, 5, ' ');
	lockstep_put_num(f, o->wb_done_op, 32, ' ');
}

int lockstep_vec_open(struct lockstep *ls, struct lockstep_vec *v,
		      size_t size, uint64_t lag,
		      void (*put)(FILE *f, const void *line),
		      const char *unit, const char *params,
		      const char *stim_cols, const char *expect_cols)
{
	char path[4096];

	memset(v, 0, sizeof *v);
	if (!ls->vec_dir || ls->quiet)
		return 0;
	if (mkdir(ls->vec_dir, 0777) && errno != EEXIST) {
		lockstep_say(0, ls->prog, "cannot create %s: %s", ls->vec_dir,
			     strerror(errno));
		return -1;
	}
	v->size = size;
	v->lag = lag;
	v->put = put;
	v->ring = calloc(lag, size);
	if (!v->ring) {
		lockstep_say(0, ls->prog, "out of memory");
		return -1;
	}
	snprintf(path, sizeof path, "%s/stim.txt", ls->vec_dir);
	v->stim = fopen(path, "w");
	if (v->stim) {
		snprintf(path, sizeof path, "%s/expect.txt", ls->vec_dir);
		v->expect = fopen(path, "w");
	}
	if (!v->stim || !v->expect) {
		lockstep_say(0, ls->prog, "cannot write %s: %s", path,
			     strerror(errno));
		return -1;
	}
	fprintf(v->stim, "# %s stim %s | %s\n", unit, params, stim_cols);
	fprintf(v->expect, "# %s expect %s | cycle cmd_ready active "
		"rd_done_valid rd_done_flags rd_done_op wb_done_valid "
		"wb_done_flags wb_done_op %s\n", unit, params, expect_cols);
	return 0;
}

FILE *lockstep_vec_stim(struct lockstep_vec *v, int64_t cycle)
{
	if (!v->stim)
		return NULL;
	fprintf(v->stim, "%" PRId64 " ", cycle);
	return v->stim;
}

/* Write the oldest held line. */
static void vec_flush_one(struct lockstep_vec *v)
{
	const struct lockstep_line *l =
		(const void *)(v->ring + v->first % v->lag * v->size);

	fprintf(v->expect, "%" PRIu64 " ", l->cycle);
	lockstep_put_ctl(v->expect, &l->o);
	v->put(v->expect, l);
	fputc('\n', v->expect);
	v->first++;
}

void *lockstep_vec_push(struct lockstep_vec *v, const struct lockstep *ls,
			const struct ctl_ports *o)
{
	struct lockstep_line *l;

	if (!v->expect)
		return NULL;
	if (v->next - v->first == v->lag)
		vec_flush_one(v);
	l = (void *)(v->ring + v->next % v->lag * v->size);
	memset(l, 0, v->size);
	l->cycle = ls->cycle;
	l->o = *o;
	v->next++;
	return l;
}

void *lockstep_vec_at(struct lockstep_vec *v, const struct lockstep *ls,
		      uint64_t cycle)
{
	if (cycle < v->first || cycle >= v->next) {
		lockstep_say(0, ls->prog, "internal: a line due on cycle %"
			     PRIu64 ", lines held %" PRIu64 " .. %" PRIu64,
			     cycle, v->first, v->next);
		return NULL;
	}
	return v->ring + cycle % v->lag * v->size;
}

int lockstep_vec_close(struct lockstep *ls, struct lockstep_vec *v)
{
	int bad = 0;

	if (v->expect)
		while (v->first != v->next)
			vec_flush_one(v);
	if (v->stim && fclose(v->stim))
		bad = 1;
	if (v->expect && fclose(v->expect))
		bad = 1;
	v->stim = v->expect = NULL;
	free(v->ring);
	v->ring = NULL;
	if (bad)
		lockstep_say(0, ls->prog, "error writing vectors to %s",
			     ls->vec_dir);
	return bad ? -1 : 0;
}
