/*
 * harness.c - the pieces the co-simulation harnesses share (see harness.h).
 *
 * Invariant: every function here is a pure function of its arguments (the
 * random ones of the state they are handed), so that a seed gives the same
 * stimulus in every harness and in the --vcd replay of a run.
 */
#include "harness.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---- random numbers ---- */

uint64_t harness_seed(uint64_t seed)
{
	uint64_t s = seed + 0x9E3779B97F4A7C15ull;

	s = (s ^ s >> 30) * 0xBF58476D1CE4E5B9ull;
	s = (s ^ s >> 27) * 0x94D049BB133111EBull;
	s ^= s >> 31;
	return s ? s : 1;
}

uint64_t harness_rnd(uint64_t *rng)
{
	*rng ^= *rng >> 12;
	*rng ^= *rng << 25;
	*rng ^= *rng >> 27;
	return *rng * 0x2545F4914F6CDD1Dull;
}

uint64_t harness_range(uint64_t *rng, uint64_t lo, uint64_t hi)
{
	return lo + harness_rnd(rng) % (hi - lo + 1);
}

int harness_chance(uint64_t *rng, unsigned percent)
{
	return harness_rnd(rng) % 100 < percent;
}

uint64_t harness_gap(uint64_t *rng, uint64_t longest)
{
	uint64_t r = harness_rnd(rng) % 100;

	if (r < 50)
		return 0;
	if (r < 80)
		return harness_range(rng, 1, 3);
	if (r < 95)
		return harness_range(rng, 4, 20);
	return harness_range(rng, 20, longest);
}

uint32_t harness_noise(uint64_t *rng, uint32_t bits)
{
	return (uint32_t)harness_rnd(rng) & (uint32_t)((1ull << bits) - 1);
}

void harness_garbage(uint64_t *rng, uint32_t *w, uint32_t bits)
{
	uint32_t i;

	memset(w, 0, ((bits + 31) / 32 + 1) * sizeof *w);
	for (i = 0; i < bits / 32; i++)
		w[i] = (uint32_t)harness_rnd(rng);
	if (bits % 32)
		w[i] = (uint32_t)harness_rnd(rng) & ((1u << bits % 32) - 1);
}

/* ---- bit fields ---- */

void harness_put_bits(uint32_t *w, uint32_t bit, uint32_t width, uint32_t v)
{
	uint32_t i;

	for (i = 0; i < width; i++, bit++) {
		if (v >> i & 1)
			w[bit / 32] |= 1u << bit % 32;
		else
			w[bit / 32] &= ~(1u << bit % 32);
	}
}

uint32_t harness_get_bits(const uint32_t *w, uint32_t bit, uint32_t width)
{
	uint32_t i, v = 0;

	for (i = 0; i < width; i++, bit++)
		v |= (w[bit / 32] >> bit % 32 & 1) << i;
	return v;
}

uint32_t harness_clog2(uint64_t v)
{
	uint32_t b = 0;

	while ((1ull << b) < v)
		b++;
	return b;
}

/* ---- vector files ---- */

void harness_put_hex(FILE *f, const uint32_t *w, uint32_t bits)
{
	uint32_t d = (bits + 3) / 4;

	while (d--) {
		uint32_t lo = 4 * d;

		fputc("0123456789abcdef"[harness_get_bits(w, lo, bits - lo < 4 ?
							       bits - lo : 4)], f);
	}
}

void harness_put_num(FILE *f, uint32_t v, uint32_t bits, char sep)
{
	uint32_t w[2] = { v, 0 };

	harness_put_hex(f, w, bits);
	fputc(sep, f);
}

/* ---- options ---- */

int harness_parse_u64(const char *s, uint64_t limit, uint64_t *v)
{
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return *end || errno || *v >= limit ? -1 : 0;
}

int harness_parse_name(const char *v, const char *const *names, int n,
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
static enum parse_rc parse(int argc, char **argv, harness_option_fn *option,
			   void *self, char *msg, size_t len)
{
	enum harness_opt rc;
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "-h") || !strcmp(a, "--help"))
			return PARSE_HELP;
		if (a[0] == '+')
			continue;	/* +verilator+ options */
		rc = option(self, a, v);
		if (rc == HARNESS_OPT_FLAG)
			continue;
		if (rc == HARNESS_OPT_UNKNOWN)
			snprintf(msg, len, "unknown option '%s'", a);
		else if (rc == HARNESS_OPT_BAD && v)
			snprintf(msg, len, "bad value '%s' for %s", v, a);
		else if (rc == HARNESS_OPT_BAD)
			snprintf(msg, len, "%s needs a value", a);
		if (rc != HARNESS_OPT_OK)
			return PARSE_BAD;
		i++;
	}
	return PARSE_OK;
}

int harness_options(const struct harness_cli *cli, void *self, int argc,
		    char **argv, int quiet, int *status)
{
	char msg[HARNESS_MSG_MAX];
	const char *why;

	switch (parse(argc, argv, cli->option, self, msg, sizeof msg)) {
	case PARSE_HELP:
		cli->usage(stdout);
		*status = 0;
		return -1;
	case PARSE_BAD:
		*status = harness_usage_error(quiet, cli->prog, "%s", msg);
		return -1;
	case PARSE_OK:
		break;
	}
	why = cli->conflict(self);
	if (why)
		*status = harness_usage_error(quiet, cli->prog, "%s", why);
	return why ? -1 : 0;
}

void harness_usage_common(FILE *f, const char *const *ports, int n)
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
		HARNESS_VCD_AFTER, HARNESS_VCD_BEFORE, HARNESS_VCD_MAX,
		HARNESS_VCD_MAX);
}

/* ---- the --vcd window ---- */

void harness_vcd_init(struct harness_vcd *w)
{
	w->path = NULL;
	w->n = w->from = w->to = -1;
}

/* --vcd-window A:B into w: 0, or -1 when it is no such window. */
static int parse_span(struct harness_vcd *w, const char *s)
{
	const char *colon = strchr(s, ':');
	char a[32];
	uint64_t from, to;

	if (!colon || (size_t)(colon - s) >= sizeof a)
		return -1;
	memcpy(a, s, (size_t)(colon - s));
	a[colon - s] = '\0';
	if (harness_parse_u64(a, 1ull << 40, &from) ||
	    harness_parse_u64(colon + 1, 1ull << 40, &to) ||
	    to < from || to - from >= HARNESS_VCD_MAX)
		return -1;
	w->from = (int64_t)from;
	w->to = (int64_t)to;
	w->n = -1;	/* the last --vcd-window counts */
	return 0;
}

enum harness_opt harness_vcd_option(struct harness_vcd *w, const char *a,
				    const char *v)
{
	uint64_t n;

	if (!strcmp(a, "--vcd")) {
		w->path = v;
		return v ? HARNESS_OPT_OK : HARNESS_OPT_BAD;
	}
	if (strcmp(a, "--vcd-window"))
		return HARNESS_OPT_UNKNOWN;
	if (v && strchr(v, ':'))
		return parse_span(w, v) ? HARNESS_OPT_BAD : HARNESS_OPT_OK;
	if (harness_parse_u64(v, HARNESS_VCD_MAX + 1ull, &n))
		return HARNESS_OPT_BAD;
	w->n = (int64_t)n;
	w->from = w->to = -1;
	return HARNESS_OPT_OK;
}

const char *harness_vcd_conflict(const struct harness_vcd *w)
{
	if (!w->path && (w->n >= 0 || w->from >= 0))
		return "--vcd-window needs --vcd";
	return NULL;
}

int harness_vcd_cycles(const struct harness_vcd *w, int64_t fail,
		       int64_t last, int64_t first, int64_t *from,
		       int64_t *to)
{
	const int64_t n = w->n < 0 ? HARNESS_VCD_BEFORE : w->n;
	/* after a failure the RTL runs on with its last inputs */
	const int64_t end = fail >= 0 ? fail + HARNESS_VCD_AFTER : last;

	if (w->from >= 0) {
		*from = w->from;
		*to = w->to;
	} else if (fail >= 0) {
		*from = fail - n;
		*to = fail + HARNESS_VCD_AFTER;
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

void harness_say(int quiet, const char *prog, const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	va_start(ap, fmt);
	vsay(stderr, prog, "", fmt, ap);
	va_end(ap);
}

int harness_usage_error(int quiet, const char *prog, const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return 2;
	va_start(ap, fmt);
	vsay(stderr, prog, " (--help lists the options)", fmt, ap);
	va_end(ap);
	return 2;
}

void harness_fail(int quiet, const char *prog, uint64_t cycle, uint64_t seed,
		  int injected, const char *fmt, ...)
{
	char what[HARNESS_MSG_MAX];
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

void harness_mismatch(int quiet, const char *prog, uint64_t cycle,
		      const char *port, uint64_t expected, uint64_t actual,
		      uint64_t seed, int injected)
{
	harness_fail(quiet, prog, cycle, seed, injected, "%s: expected 0x%"
		     PRIx64 ", got 0x%" PRIx64, port, expected, actual);
}

void harness_hang(int quiet, const char *prog, uint64_t cycle, uint64_t seed)
{
	harness_fail(quiet, prog, cycle, seed, 0, "no finish within "
		     "--max-cycles %" PRIu64, cycle);
}

void harness_injected(int quiet, const char *prog, const char *port,
		      uint64_t cycle)
{
	harness_say(quiet, prog, "injected a bit flip on %s at cycle %" PRIu64,
		    port, cycle);
}

int harness_inject_missed(int quiet, const char *prog, const char *port,
			  uint64_t cycle, int done)
{
	harness_say(quiet, prog, "the %s flip at cycle %" PRIu64 " %s", port,
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

void harness_summary(const char *prog, int status,
		     const struct harness_tally *t, const char *details)
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

void harness_vcd_wrote(const char *prog, const char *path, int64_t from,
		       int64_t to, uint64_t t0, uint64_t t1)
{
	printf("%s: wrote VCD window cycles %" PRId64 "..%" PRId64 " to %s "
	       "(VCD times %" PRIu64 "..%" PRIu64 ")\n", prog, from, to, path,
	       t0, t1);
}
