/*
 * lockstep.h - the core of the lockstep co-simulation harnesses
 * (sde_cosim.c, smx_cosim.c, vec_cosim.c, gate_cosim.c): everything a unit's
 * harness has in common with the others, so that it keeps only its stimulus
 * and its expected ports. Here: the run's state (struct lockstep: seed,
 * cycle, first failure), the options every harness takes (--seed,
 * --max-cycles, --inject-flip/--inject-port, --vcd, --vcd-window,
 * --write-vectors), the random stimulus stream and its idle gaps, the bit
 * fields of wide Verilator ports, the controller-port check (ctl.h) and
 * fault injection, the vector files of the Icarus replay, the --vcd window,
 * and every message and the summary line, so that the harnesses word them
 * alike. The Verilator side is cosim_main.h.
 *
 * No globals: the state lives in the harness's struct lockstep, errors come
 * back as values, and only the message helpers print.
 */
#ifndef SIM_COSIM_LOCKSTEP_H
#define SIM_COSIM_LOCKSTEP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../lib/npy.h"	/* the --npy tensors */
#include "../../models/fu.h"	/* struct lockstep_fu */
#include "ctl.h"
#include "beat.h"	/* the data checks, for every harness */

#ifdef __cplusplus
extern "C" {	/* cosim_main.h prints through the message helpers */
#endif

/* ---- random numbers (xorshift64*, seeded through splitmix64) ---- */

/* The xorshift64* state for seed: splitmix64 of it, never 0. */
uint64_t lockstep_seed(uint64_t seed);

/* The next 64 random bits; advances *rng by one step. */
uint64_t lockstep_rnd(uint64_t *rng);

/* Uniform in lo .. hi inclusive (one step). */
uint64_t lockstep_range(uint64_t *rng, uint64_t lo, uint64_t hi);

/* 1 with probability percent / 100 (one step). */
int lockstep_chance(uint64_t *rng, unsigned percent);

/* Idle cycles after an accepted command (one or two steps): none half of
 * the time, 1 .. 3, 4 .. 20, or, one time in 20, 20 .. longest: long
 * enough for the unit to drain completely. */
uint64_t lockstep_gap(uint64_t *rng, uint64_t longest);

/* Random value of a bits-wide (<= 32) scalar port (one step). */
uint32_t lockstep_noise(uint64_t *rng, uint32_t bits);

/* Random bits in a port of bits bits; the bits above it stay 0, as
 * Verilator requires of its inputs. w holds (bits + 31) / 32 + 1 words, as
 * the harnesses' *_WORDS(bits) size their ports (one step a whole word). */
void lockstep_garbage(uint64_t *rng, uint32_t *w, uint32_t bits);

/* ---- bit fields of wide ports (32-bit words, bit 0 first) ---- */

/* Write the low width bits of v at bit bit of w. */
void lockstep_put_bits(uint32_t *w, uint32_t bit, uint32_t width, uint32_t v);

/* The width (<= 32) bits of w from bit bit. */
uint32_t lockstep_get_bits(const uint32_t *w, uint32_t bit, uint32_t width);

/* The bits that count 0 .. v - 1: ceil(log2(v)), 0 for v <= 1. */
uint32_t lockstep_clog2(uint64_t v);

/* ---- vector files ---- */

/* A port of bits bits on f, in hex with ceil(bits / 4) digits. */
void lockstep_put_hex(FILE *f, const uint32_t *w, uint32_t bits);

/* A scalar port of bits bits (<= 32) on f, then sep (a space or '\n'). */
void lockstep_put_num(FILE *f, uint32_t v, uint32_t bits, char sep);

/* ---- --npy tensors ---- */

/*
 * PREFIX.NAME.npy, a 2-D array of element type type, through the
 * library's reader (sim/lib/npy.h) into *a. 0, or -1 with "FILE: FIELD:
 * WHY" in err (len bytes) and *a empty. Work: linear in the file.
 */
int lockstep_npy_2d(const char *prefix, const char *name, enum npy_type type,
		    struct npy_array *a, char *err, size_t len);

/* ---- options ---- */

/* A decimal (or 0x hex) number without sign, below limit, into *v: 0, or
 * -1 when s is NULL or is no such number. */
int lockstep_parse_u64(const char *s, uint64_t limit, uint64_t *v);

/* The index of v in names[0 .. n-1] into *k: 0, or -1 when v is NULL or
 * none of them (*k is then n, or 0 for NULL). */
int lockstep_parse_name(const char *v, const char *const *names, int n,
		       int *k);

/* What an option callback says of option a and its value. */
enum lockstep_opt {
	LOCKSTEP_OPT_OK,		/* taken with its value */
	LOCKSTEP_OPT_BAD,	/* the value is missing or wrong */
	LOCKSTEP_OPT_UNKNOWN,	/* a is no option */
	LOCKSTEP_OPT_FLAG	/* taken, a takes no value */
};

/* Apply option a with its value v (NULL when a is last) to self. */
typedef enum lockstep_opt lockstep_option_fn(void *self, const char *a,
					   const char *v);

/* Room for one message line: an argument as long as a path, and the
 * words around it. */
#define LOCKSTEP_MSG_MAX 8192

/* What a harness gives lockstep_options. */
struct lockstep_cli {
	const char *prog;		/* first on every message */
	const char *const *ports;	/* what --inject-port takes; [0] is
					 * the default */
	int n_ports;			/* entries of ports */
	lockstep_option_fn *option;	/* applies one option to self */
	void (*usage)(FILE *f);		/* the --help text */
	const char *(*conflict)(const void *self);	/* options that exclude
					 * or need each other: one message,
					 * or NULL */
};

/*
 * Every argument of argv[1 .. argc-1] through cli->option(self, a, v),
 * skipping +verilator+ options, then cli->conflict(self). Returns 0 when
 * all applied; else -1 with *status 0 after the usage on stdout (-h or
 * --help), or 2 after one usage-error line (lockstep_usage_error; none when
 * quiet). Bounded by argc calls.
 */
int lockstep_options(const struct lockstep_cli *cli, void *self, int argc,
		    char **argv, int quiet, int *status);

/* The options every harness takes, one line each, for its --help: --seed,
 * --inject-flip, --inject-port (ports: its names[0 .. n-1], the first the
 * default), --max-cycles, --vcd, --vcd-window, -h. */
void lockstep_usage_common(FILE *f, const char *const *ports, int n);

/* ---- the --vcd window ----
 *
 * Cycles are numbered as the messages number them: cycle C is the check
 * after the clock whose rising edge gave the outputs it compares (cycle 0:
 * the reset's outputs; cycles below 0: earlier reset clocks). --vcd FILE
 * writes the waves of one window of cycles, inclusive at both ends:
 *   a failure at cycle C:      C - N .. C + LOCKSTEP_VCD_AFTER
 *   a passing run:             0 .. N (the reset's outputs, N clocks after)
 *   --vcd-window A:B, either:  A .. B
 * N is --vcd-window N (default LOCKSTEP_VCD_BEFORE). Each is cut to the
 * cycles the run has (a failing one ends at C + LOCKSTEP_VCD_AFTER), and
 * none holds more than LOCKSTEP_VCD_MAX + LOCKSTEP_VCD_AFTER + 1 cycles,
 * whatever the length of the run.
 */
#define LOCKSTEP_VCD_BEFORE 64	/* N when --vcd-window is not given */
#define LOCKSTEP_VCD_AFTER 4	/* cycles kept after a failure */
#define LOCKSTEP_VCD_MAX 65536	/* largest N, and cycles in an A:B window */

/* --vcd and --vcd-window as given. */
struct lockstep_vcd {
	const char *path;	/* --vcd FILE, or NULL: no waves */
	int64_t n;		/* --vcd-window N, or -1: not given */
	int64_t from, to;	/* --vcd-window A:B (cycles, inclusive), or
				 * -1, -1: not given */
};

/* No waves asked for: what a harness starts with. */
void lockstep_vcd_init(struct lockstep_vcd *w);

/* --vcd FILE, --vcd-window N or --vcd-window A:B into w (A <= B, at most
 * LOCKSTEP_VCD_MAX cycles; the last --vcd-window counts); lockstep_option_fn's
 * return values, with LOCKSTEP_OPT_UNKNOWN for any other option. */
enum lockstep_opt lockstep_vcd_option(struct lockstep_vcd *w, const char *a,
				    const char *v);

/* "--vcd-window needs --vcd", or NULL when w is consistent. */
const char *lockstep_vcd_conflict(const struct lockstep_vcd *w);

/*
 * The window --vcd writes for a run whose first failure is at cycle fail
 * (-1: it passed) and whose last check was at cycle last, among cycles
 * from first (the first reset clock's, 0 or below): *from .. *to,
 * inclusive. Returns 0, or -1 when the window holds none of the run's
 * cycles (an A:B past its end).
 */
int lockstep_vcd_cycles(const struct lockstep_vcd *w, int64_t fail,
		       int64_t last, int64_t first, int64_t *from,
		       int64_t *to);

/* ---- messages ----
 *
 * PROG is the unit and "cosim" ("sde cosim"). Results go to stdout, the
 * rest to stderr; each is one line, here cut after "..." (the failures
 * come from the run's calls below: lockstep_mismatch, lockstep_hung):
 *   PROG: PASS: 22220 cycles, 2000 commands, 0 mismatches; seed=1 ...
 *   PROG: FAIL: 35 cycles, 3 commands, 1 mismatch; seed=1 ...
 *   PROG: FAIL at cycle 35: out_data row 0 col 1: expected 0x1, got ...
 *   PROG: wrote VCD window cycles 0..64 to FILE (VCD times 4..133)
 *   PROG: unknown option '--x' (--help lists the options)     (exit 2)
 * quiet: the --vcd replay, which would repeat the first run's messages.
 */

/* "PROG: MESSAGE\n" on stderr, unless quiet. */
void lockstep_say(int quiet, const char *prog, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "PROG: MESSAGE (--help lists the options)\n" on stderr, unless quiet:
 * a bad command line. Returns 2, the exit status it calls for. */
int lockstep_usage_error(int quiet, const char *prog, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));






/* What a run did, for its summary line. */
struct lockstep_tally {
	uint64_t cycles;	/* checks after reset: the last cycle */
	uint64_t work;		/* commands, tiles or scenarios finished */
	const char *noun;	/* what work counts, singular: "command" */
	uint64_t mismatches;	/* outputs that differed (a run stops at 1) */
	uint64_t seed;		/* --seed */
};

/* The summary line on stdout: "PROG: PASS|FAIL: N cycles, W NOUNs, M
 * mismatches; seed=S DETAILS" (details: the unit's key=value counters,
 * or ""); PASS when status is 0. */
void lockstep_summary(const char *prog, int status,
		     const struct lockstep_tally *t, const char *details);

/* "PROG: wrote VCD window cycles A..B to FILE (VCD times T0..T1)" on
 * stdout: the waves --vcd wrote. */
void lockstep_vcd_wrote(const char *prog, const char *path, int64_t from,
		       int64_t to, uint64_t t0, uint64_t t1);

/* ---- the run ----
 *
 * A harness embeds one struct lockstep, set up by lockstep_init and the
 * options, and counts its cycles in it: cycle C is the check after clock
 * C - 1 (cosim_main.h), as every message numbers it.
 */

#define LOCKSTEP_DRAIN_IDLE 4	/* idle cycles checked after the last work */

struct lockstep {
	/* the harness */
	const char *prog;	/* first on every message: "sde cosim" */
	const char *const *ports;	/* what --inject-port takes; [0] is
					 * the default */
	int n_ports;		/* entries of ports */
	int vectors;		/* 1: takes --write-vectors */
	int runs_on;		/* 1: a --vcd replay runs on past a mismatch
				 * (the waves after it); 0: it stops there */
	/* options */
	uint64_t seed;		/* --seed (default 1) */
	uint64_t max_cycles;	/* --max-cycles; 0: the harness's own bound */
	uint64_t inject_cycle;	/* --inject-flip: first cycle to flip at */
	int inject;		/* 1: a flip is armed */
	int inject_port;	/* --inject-port: index into ports */
	struct lockstep_vcd vcd;	/* --vcd, --vcd-window */
	const char *vec_dir;	/* --write-vectors DIR, or NULL */
	int quiet;		/* 1: the --vcd replay: no messages, no files */
	/* the run */
	uint64_t rng;		/* xorshift64* state of the stimulus */
	uint64_t cycle;		/* clocks since reset */
	int injected;		/* 1: the armed flip was made */
	uint64_t mismatches;	/* outputs that differed */
	int failed;		/* 1: a failure was reported */
	int64_t fail_cycle;	/* cycle of the first failure, -1: none */
	int done;		/* 1: nothing left to compare */
	uint64_t idle_tail;	/* idle cycles compared after the last work */
};

/* Defaults for the harness prog, whose --inject-port takes ports[0 ..
 * n_ports-1]; replay: the silent --vcd rerun. */
void lockstep_init(struct lockstep *ls, const char *prog,
		   const char *const *ports, int n_ports, int replay);

/* A zeroed harness of size bytes, which begins with its struct lockstep,
 * set up by lockstep_init for cli; *status 2 (a bad option, until the
 * options say otherwise). NULL after "out of memory". The harness frees
 * it with free(). */
void *lockstep_new(size_t size, const struct lockstep_cli *cli, int replay,
		   int *status);

/* One of the common options (--seed, --max-cycles, --inject-flip,
 * --inject-port, --vcd, --vcd-window, and --write-vectors when ls->vectors)
 * into ls; lockstep_option_fn's return values, LOCKSTEP_OPT_UNKNOWN for any
 * other option. */
enum lockstep_opt lockstep_option(struct lockstep *ls, const char *a,
				  const char *v);

/* "--vcd-window needs --vcd", or NULL. */
const char *lockstep_conflict(const struct lockstep *ls);

/* The common options' lines of --help. */
void lockstep_usage(FILE *f, const struct lockstep *ls);

/* After the options: the random stream of --seed. */
void lockstep_start(struct lockstep *ls);

/* The run failed at this cycle: record the first failure and stop. */
void lockstep_fail(struct lockstep *ls);

/* A mismatch at this cycle: says so ("PROG: FAIL at cycle C: PORT:
 * expected 0xX, got 0xY (seed S)", unless quiet) and fails the run (a --vcd replay with runs_on goes on). Returns
 * 1, for `return lockstep_mismatch(...)`. */
int lockstep_mismatch(struct lockstep *ls, const char *port,
			 uint64_t expected, uint64_t actual);

/* The controller ports of the RTL against the model's: 0, or 1 after
 * lockstep_mismatch of the first that differs. */
int lockstep_ctl(struct lockstep *ls, const struct ctl_ports *model,
		 const struct ctl_ports *rtl);

/* 1 when the run has passed --max-cycles: fails it as hung. */
int lockstep_hung(struct lockstep *ls, uint64_t bound);

/* 1 once the run, drained (no work left, the unit idle), has been idle
 * for LOCKSTEP_DRAIN_IDLE checks: marks it done. */
int lockstep_drained(struct lockstep *ls, int idle);

/* The armed flip is due in this cycle (armed, not made, cycle reached):
 * its port's name, or NULL. */
const char *lockstep_inject_due(const struct lockstep *ls);

/* Flip a controller port (ctl_flip) for the due injection, or nothing
 * when the port is none of them: 1 if flipped. */
int lockstep_inject_ctl(struct lockstep *ls, struct ctl_ports *p);

/* The due flip was made (on a port the harness owns, or by
 * lockstep_inject_ctl): say so. */
void lockstep_injected(struct lockstep *ls);

/* The exit status of the run: 0 passed, 1 failed; 2 when an armed flip
 * was not caught (said, unless quiet: a fault not caught is a broken
 * harness, not a pass), or when status_io (a write error) is set. */
int lockstep_status(const struct lockstep *ls, int status_io);

/* The summary line (lockstep_summary) of the run: work NOUNs done,
 * details, unless quiet. */
void lockstep_report(const struct lockstep *ls, int status, uint64_t work,
		     const char *noun, const char *details);

/* ---- the stimulus stream ---- */

struct fu;
struct unit_cmd;

/* The array p of *cap elements of size bytes with room for element n: p,
 * or p grown (doubled, from 64) with *cap updated; NULL when out of memory
 * (p untouched). */
void *lockstep_grow(void *p, size_t n, size_t *cap, size_t size);

/* The tiles a harness has issued, in order: its own struct tile each. */
struct lockstep_tiles {
	void **at;		/* every tile issued; NULL once retired */
	size_t n, cap;		/* tiles issued, room */
	void (*drop)(void *tile);	/* frees one tile, or NULL */
};

/* Append tile t, made for the next command (NULL: out of memory making
 * it): 0, or -1 when t is NULL or there is no room (t then dropped). */
int lockstep_tiles_push(struct lockstep_tiles *l, void *t);

/* Drop every tile still held, then the array. */
void lockstep_tiles_free(struct lockstep_tiles *l);

/* Tile k of l, the oldest whose outputs are due: NULL after
 * lockstep_mismatch(ls, port) when none was issued there. */
void *lockstep_tile(struct lockstep *ls, const struct lockstep_tiles *l,
		    size_t k, const char *port);

/* 1 when a new command is due this cycle: none presented (in->valid 0)
 * and the idle gap over; else one cycle of the gap passes. */
int lockstep_cmd_due(const struct unit_cmd *in, uint64_t *gap);

/*
 * The common command pins of one cycle into *p: those of the presented
 * command *in (ctl_cmd_of) when in->valid, else cmd_valid 0 and random
 * payload the RTL must ignore, cmd_rows, cmd_cols and cmd_kcycles of
 * rows_bits, cols_bits and kc_bits (five steps). Returns in->valid: the
 * harness then drives its own payload pins the same way.
 */
int lockstep_drive_cmd(uint64_t *rng, const struct unit_cmd *in,
		       uint32_t rows_bits, uint32_t cols_bits, uint32_t kc_bits,
		       struct ctl_cmd *p);

/* A unit whose timing is the controller model (models/fu.h), and the
 * command stream that feeds it. */
struct lockstep_fu {
	struct fu u;		/* the controller model */
	struct unit_cmd in;	/* its command input */
	uint32_t want_op;	/* its want_op input: no stall attribution */
	uint64_t gap;		/* idle cycles before the next cmd_valid */
	uint64_t cov_full;	/* coverage: cycles cmd_valid met a full FIFO */
};

/* After the options: the random stream (lockstep_start) and the model of
 * unit (fu_init) on m's ports. */
void lockstep_fu_start(struct lockstep *ls, struct lockstep_fu *m,
		       const char *unit);

/* m's model's registered controller outputs, as ports (ctl_of). */
struct ctl_ports lockstep_fu_ports(const struct lockstep_fu *m);

/* 1 when m holds no work: no command presented, none queued or running. */
int lockstep_fu_idle(const struct lockstep_fu *m);

/* The model's wb_done is job's: 0, or 1 after a mismatch (it finished
 * another tile). */
int lockstep_fu_wrote(struct lockstep *ls, const struct lockstep_fu *m,
		      const void *job);

/* Present the command of the tile at data (op: its index) as m->in, held
 * until the model takes it; r0 and c0 0. */
void lockstep_fu_present(struct lockstep_fu *m, uint8_t flags, uint32_t op,
			 uint32_t rows, uint32_t cols, uint64_t kcycles,
			 const void *data);

/*
 * One clock of m's model fed the command m->in: step and commit it; a
 * command it accepts leaves m->in (valid 0) and draws the idle gap before
 * the next (lockstep_gap, gap_max) into m->gap; m->cov_full counts
 * presented commands that met a full FIFO. Returns 1 when m->in was
 * accepted. The harness then counts the cycle.
 */
int lockstep_fu_clock(struct lockstep *ls, struct lockstep_fu *m,
		      uint64_t gap_max);

/* ---- vector files (--write-vectors DIR, for the Icarus replay) ----
 *
 * DIR/stim.txt: one line per clock, the inputs the harness drove;
 * DIR/expect.txt: one line per check, the model's outputs. Each opens
 * with "# UNIT stim|expect PARAMETERS | COLUMNS". An expect line begins
 * with struct lockstep_line (cycle, the controller ports); the harness
 * fills its own ports in a held line until the line leaves the ring, lag
 * lines behind the run (a tile's beats are known at its wb_done).
 */

/* The head of every held expect line. */
struct lockstep_line {
	uint64_t cycle;		/* the check's cycle */
	struct ctl_ports o;	/* the model's controller ports */
};

struct lockstep_vec {
	FILE *stim;		/* DIR/stim.txt, or NULL: no vectors */
	FILE *expect;		/* DIR/expect.txt */
	unsigned char *ring;	/* lines held, by cycle % lag */
	size_t size;		/* bytes of a held line */
	uint64_t lag;		/* lines held at most */
	uint64_t first;		/* cycle of the oldest line held */
	uint64_t next;		/* cycle of the next line */
	void (*put)(FILE *f, const void *line);	/* a line's own columns,
						 * after the controller's */
};

/* Create ls->vec_dir (one level) and both files with their header lines
 * (head: "sde stim ...": the unit and its parameters; kind is put after
 * the unit's name), a ring of lag lines of size bytes. Returns 0, or -1
 * after a message. Nothing (0) without --write-vectors or in a replay. */
int lockstep_vec_open(struct lockstep *ls, struct lockstep_vec *v,
		      size_t size, uint64_t lag,
		      void (*put)(FILE *f, const void *line),
		      const char *unit, const char *params,
		      const char *stim_cols, const char *expect_cols);

/* stim.txt after "CYCLE ", for the line's columns; NULL without vectors. */
FILE *lockstep_vec_stim(struct lockstep_vec *v, int64_t cycle);

/* A new held line for the check of ls->cycle, zeroed but for its head;
 * the oldest is written first when the ring is full. NULL without
 * vectors. */
void *lockstep_vec_push(struct lockstep_vec *v, const struct lockstep *ls,
			const struct ctl_ports *o);

/* The held line of cycle, or NULL after a message when it is not held. */
void *lockstep_vec_at(struct lockstep_vec *v, const struct lockstep *ls,
		      uint64_t cycle);

/* Write the held lines, close both files; 0, or -1 after a message on a
 * write error. */
int lockstep_vec_close(struct lockstep *ls, struct lockstep_vec *v);

/* The common command pins as stim.txt columns, each followed by a space:
 * cmd_rows, cmd_cols and cmd_kcycles of rows_bits, cols_bits, kc_bits. */
void lockstep_put_cmd(FILE *f, const struct ctl_cmd *p, uint32_t rows_bits,
		      uint32_t cols_bits, uint32_t kc_bits);

/* The controller ports as expect.txt columns, each followed by a space. */
void lockstep_put_ctl(FILE *f, const struct ctl_ports *o);

#ifdef __cplusplus
}
#endif

#endif
