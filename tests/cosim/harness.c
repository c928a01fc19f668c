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

enum harness_parse_rc harness_parse(int argc, char **argv,
				    harness_option_fn *option, void *self,
				    char *msg, size_t len)
{
	enum harness_opt rc;
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "-h") || !strcmp(a, "--help"))
			return HARNESS_PARSE_HELP;
		if (a[0] == '+')
			continue;	/* +verilator+ options */
		rc = option(self, a, v);
		if (rc == HARNESS_OPT_FLAG)
			continue;
		if (rc == HARNESS_OPT_UNKNOWN) {
			snprintf(msg, len, "unknown option '%s' (--help lists "
				 "them)", a);
			return HARNESS_PARSE_BAD;
		}
		if (rc == HARNESS_OPT_BAD) {
			if (v)
				snprintf(msg, len, "bad value '%s' for %s (--help "
					 "says what it takes)", v, a);
			else
				snprintf(msg, len, "%s needs a value", a);
			return HARNESS_PARSE_BAD;
		}
		i++;
	}
	return HARNESS_PARSE_OK;
}

/* ---- messages ---- */

void harness_say(int quiet, const char *prog, const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void harness_mismatch(int quiet, const char *prog, uint64_t cycle,
		      const char *port, uint64_t expected, uint64_t actual,
		      uint64_t seed, int injected)
{
	harness_say(quiet, prog, "MISMATCH at cycle %" PRIu64 " port %s: "
		    "expected 0x%" PRIx64 ", actual 0x%" PRIx64 " (seed %"
		    PRIu64 "%s)", cycle, port, expected, actual, seed,
		    injected ? ", injected fault" : "");
}
