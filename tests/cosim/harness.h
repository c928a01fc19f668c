/*
 * harness.h - what the lockstep co-simulation harnesses (sde_cosim.c,
 * smx_cosim.c, gelu_cosim.c, gate_cosim.c) share: their random stimulus
 * stream, the bit fields of wide Verilator ports, the hex columns of the
 * vector files, option values and the messages on stderr.
 *
 * No state of its own: the random stream lives in the caller's uint64_t,
 * errors come back as values, and only the message helpers print.
 */
#ifndef TESTS_COSIM_HARNESS_H
#define TESTS_COSIM_HARNESS_H

#include <stdint.h>
#include <stdio.h>

/* ---- random numbers (xorshift64*, seeded through splitmix64) ---- */

/* The xorshift64* state for seed: splitmix64 of it, never 0. */
uint64_t harness_seed(uint64_t seed);

/* The next 64 random bits; advances *rng by one step. */
uint64_t harness_rnd(uint64_t *rng);

/* Uniform in lo .. hi inclusive (one step). */
uint64_t harness_range(uint64_t *rng, uint64_t lo, uint64_t hi);

/* 1 with probability percent / 100 (one step). */
int harness_chance(uint64_t *rng, unsigned percent);

/* Idle cycles after an accepted command (one or two steps): none half of
 * the time, 1 .. 3, 4 .. 20, or, one time in 20, 20 .. longest: long
 * enough for the unit to drain completely. */
uint64_t harness_gap(uint64_t *rng, uint64_t longest);

/* Random value of a bits-wide (<= 32) scalar port (one step). */
uint32_t harness_noise(uint64_t *rng, uint32_t bits);

/* Random bits in a port of bits bits; the bits above it stay 0, as
 * Verilator requires of its inputs. w holds (bits + 31) / 32 + 1 words, as
 * the harnesses' *_WORDS(bits) size their ports (one step a whole word). */
void harness_garbage(uint64_t *rng, uint32_t *w, uint32_t bits);

/* ---- bit fields of wide ports (32-bit words, bit 0 first) ---- */

/* Write the low width bits of v at bit bit of w. */
void harness_put_bits(uint32_t *w, uint32_t bit, uint32_t width, uint32_t v);

/* The width (<= 32) bits of w from bit bit. */
uint32_t harness_get_bits(const uint32_t *w, uint32_t bit, uint32_t width);

/* The bits that count 0 .. v - 1: ceil(log2(v)), 0 for v <= 1. */
uint32_t harness_clog2(uint64_t v);

/* ---- vector files ---- */

/* A port of bits bits on f, in hex with ceil(bits / 4) digits. */
void harness_put_hex(FILE *f, const uint32_t *w, uint32_t bits);

/* A scalar port of bits bits (<= 32) on f, then sep (a space or '\n'). */
void harness_put_num(FILE *f, uint32_t v, uint32_t bits, char sep);

/* ---- options ---- */

/* A decimal (or 0x hex) number without sign, below limit, into *v: 0, or
 * -1 when s is NULL or is no such number. */
int harness_parse_u64(const char *s, uint64_t limit, uint64_t *v);

/* The index of v in names[0 .. n-1] into *k: 0, or -1 when v is NULL or
 * none of them (*k is then n, or 0 for NULL). */
int harness_parse_name(const char *v, const char *const *names, int n,
		       int *k);

/* What an option callback says of option a and its value. */
enum harness_opt {
	HARNESS_OPT_OK,		/* taken with its value */
	HARNESS_OPT_BAD,	/* the value is missing or wrong */
	HARNESS_OPT_UNKNOWN,	/* a is no option */
	HARNESS_OPT_FLAG	/* taken, a takes no value */
};

/* Apply option a with its value v (NULL when a is last) to self. */
typedef enum harness_opt harness_option_fn(void *self, const char *a,
					   const char *v);

/* Room for harness_parse's message: an argument as long as a path, and
 * the words around it. */
#define HARNESS_MSG_MAX 8192

/* What harness_parse found. */
enum harness_parse_rc {
	HARNESS_PARSE_OK,	/* every option applied */
	HARNESS_PARSE_HELP,	/* -h or --help: print the usage, exit 0 */
	HARNESS_PARSE_BAD	/* msg says which option, and why */
};

/*
 * Every argument of argv[1 .. argc-1] through option(self, a, v), skipping
 * +verilator+ options; stops at -h/--help or at the first bad one, with
 * one line into msg (len bytes, no program name, no newline): "unknown
 * option 'A' (--help lists them)", "bad value 'V' for A (--help says what
 * it takes)" or "A needs a value". Bounded by argc calls.
 */
enum harness_parse_rc harness_parse(int argc, char **argv,
				    harness_option_fn *option, void *self,
				    char *msg, size_t len);

/* ---- messages ---- */

/* "PROG: MESSAGE\n" on stderr, unless quiet (the --vcd replay, which
 * would repeat the first run's). */
void harness_say(int quiet, const char *prog, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The one line of a mismatch, through harness_say: port, cycle, both
 * values in hex, and the seed that repeats it. */
void harness_mismatch(int quiet, const char *prog, uint64_t cycle,
		      const char *port, uint64_t expected, uint64_t actual,
		      uint64_t seed, int injected);

#endif
