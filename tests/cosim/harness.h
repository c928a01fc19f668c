/*
 * harness.h - what the lockstep co-simulation harnesses (sde_cosim.c,
 * smx_cosim.c, gelu_cosim.c, gate_cosim.c) share: their random stimulus
 * stream, the bit fields of wide Verilator ports, the hex columns of the
 * vector files, the options and the --vcd window, and every message, so
 * that the four harnesses word them alike.
 *
 * No state of its own: the random stream lives in the caller's uint64_t,
 * errors come back as values, and only the message helpers print.
 */
#ifndef TESTS_COSIM_HARNESS_H
#define TESTS_COSIM_HARNESS_H

#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {	/* cosim_main.h prints through the message helpers */
#endif

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

/* Room for one message line: an argument as long as a path, and the
 * words around it. */
#define HARNESS_MSG_MAX 8192

/* What a harness gives harness_options. */
struct harness_cli {
	const char *prog;		/* first on every message */
	harness_option_fn *option;	/* applies one option to self */
	void (*usage)(FILE *f);		/* the --help text */
	const char *(*conflict)(const void *self);	/* options that exclude
					 * or need each other: one message,
					 * or NULL */
};

/*
 * Every argument of argv[1 .. argc-1] through cli->option(self, a, v),
 * skipping +verilator+ options, then cli->conflict(self). Returns 0 when
 * all applied; else -1 with *status 0 after the usage on stdout (-h or
 * --help), or 2 after one usage-error line (harness_usage_error; none when
 * quiet). Bounded by argc calls.
 */
int harness_options(const struct harness_cli *cli, void *self, int argc,
		    char **argv, int quiet, int *status);

/* The options every harness takes, one line each, for its --help: --seed,
 * --inject-flip, --inject-port (ports: its names[0 .. n-1], the first the
 * default), --max-cycles, --vcd, --vcd-window, -h. */
void harness_usage_common(FILE *f, const char *const *ports, int n);

/* ---- the --vcd window ----
 *
 * Cycles are numbered as the messages number them: cycle C is the check
 * after the clock whose rising edge gave the outputs it compares (cycle 0:
 * the reset's outputs; cycles below 0: earlier reset clocks). --vcd FILE
 * writes the waves of one window of cycles, inclusive at both ends:
 *   a failure at cycle C:      C - N .. C + HARNESS_VCD_AFTER
 *   a passing run:             0 .. N (the reset's outputs, N clocks after)
 *   --vcd-window A:B, either:  A .. B
 * N is --vcd-window N (default HARNESS_VCD_BEFORE). Each is cut to the
 * cycles the run has (a failing one ends at C + HARNESS_VCD_AFTER), and
 * none holds more than HARNESS_VCD_MAX + HARNESS_VCD_AFTER + 1 cycles,
 * whatever the length of the run.
 */
#define HARNESS_VCD_BEFORE 64	/* N when --vcd-window is not given */
#define HARNESS_VCD_AFTER 4	/* cycles kept after a failure */
#define HARNESS_VCD_MAX 65536	/* largest N, and cycles in an A:B window */

/* --vcd and --vcd-window as given. */
struct harness_vcd {
	const char *path;	/* --vcd FILE, or NULL: no waves */
	int64_t n;		/* --vcd-window N, or -1: not given */
	int64_t from, to;	/* --vcd-window A:B (cycles, inclusive), or
				 * -1, -1: not given */
};

/* No waves asked for: what a harness starts with. */
void harness_vcd_init(struct harness_vcd *w);

/* --vcd FILE, --vcd-window N or --vcd-window A:B into w (A <= B, at most
 * HARNESS_VCD_MAX cycles; the last --vcd-window counts); harness_option_fn's
 * return values, with HARNESS_OPT_UNKNOWN for any other option. */
enum harness_opt harness_vcd_option(struct harness_vcd *w, const char *a,
				    const char *v);

/* "--vcd-window needs --vcd", or NULL when w is consistent. */
const char *harness_vcd_conflict(const struct harness_vcd *w);

/*
 * The window --vcd writes for a run whose first failure is at cycle fail
 * (-1: it passed) and whose last check was at cycle last, among cycles
 * from first (the first reset clock's, 0 or below): *from .. *to,
 * inclusive. Returns 0, or -1 when the window holds none of the run's
 * cycles (an A:B past its end).
 */
int harness_vcd_cycles(const struct harness_vcd *w, int64_t fail,
		       int64_t last, int64_t first, int64_t *from,
		       int64_t *to);

/* ---- messages ----
 *
 * PROG is the unit and "cosim" ("sde cosim"). Results go to stdout, the
 * rest to stderr; each is one line, here cut after "...":
 *   PROG: PASS: 22220 cycles, 2000 commands, 0 mismatches; seed=1 ...
 *   PROG: FAIL: 35 cycles, 3 commands, 1 mismatch; seed=1 ...
 *   PROG: FAIL at cycle 35: out_data row 0 col 1: expected 0x1, got ...
 *   PROG: wrote VCD window cycles 0..64 to FILE (VCD times 4..133)
 *   PROG: unknown option '--x' (--help lists the options)     (exit 2)
 * quiet: the --vcd replay, which would repeat the first run's messages.
 */

/* "PROG: MESSAGE\n" on stderr, unless quiet. */
void harness_say(int quiet, const char *prog, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "PROG: MESSAGE (--help lists the options)\n" on stderr, unless quiet:
 * a bad command line. Returns 2, the exit status it calls for. */
int harness_usage_error(int quiet, const char *prog, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "PROG: FAIL at cycle C: WHAT (seed S[, injected fault])" on stderr,
 * unless quiet: the first failure of a run. */
void harness_fail(int quiet, const char *prog, uint64_t cycle, uint64_t seed,
		  int injected, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* harness_fail of a mismatch: "PORT: expected 0xX, got 0xY". */
void harness_mismatch(int quiet, const char *prog, uint64_t cycle,
		      const char *port, uint64_t expected, uint64_t actual,
		      uint64_t seed, int injected);

/* harness_fail of a run given up as hung at cycle, its --max-cycles. */
void harness_hang(int quiet, const char *prog, uint64_t cycle, uint64_t seed);

/* "PROG: injected a bit flip on PORT at cycle C" on stderr, unless quiet. */
void harness_injected(int quiet, const char *prog, const char *port,
		      uint64_t cycle);

/* An armed --inject-flip at cycle that the run did not catch (done: the
 * flip was made) or never made; says so unless quiet. Returns 2, the exit
 * status: a fault not caught is a broken harness, not a pass. */
int harness_inject_missed(int quiet, const char *prog, const char *port,
			  uint64_t cycle, int done);

/* What a run did, for its summary line. */
struct harness_tally {
	uint64_t cycles;	/* checks after reset: the last cycle */
	uint64_t work;		/* commands, tiles or scenarios finished */
	const char *noun;	/* what work counts, singular: "command" */
	uint64_t mismatches;	/* outputs that differed (a run stops at 1) */
	uint64_t seed;		/* --seed */
};

/* The summary line on stdout: "PROG: PASS|FAIL: N cycles, W NOUNs, M
 * mismatches; seed=S DETAILS" (details: the unit's key=value counters,
 * or ""); PASS when status is 0. */
void harness_summary(const char *prog, int status,
		     const struct harness_tally *t, const char *details);

/* "PROG: wrote VCD window cycles A..B to FILE (VCD times T0..T1)" on
 * stdout: the waves --vcd wrote. */
void harness_vcd_wrote(const char *prog, const char *path, int64_t from,
		       int64_t to, uint64_t t0, uint64_t t1);

#ifdef __cplusplus
}
#endif

#endif
