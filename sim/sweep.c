/*
 * sweep.c - design-space sweeps and the merging of their results (see
 * sweep.h and docs/sweeps.md).
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
#include <ini.h>
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

#include "afile.h"
#include "config.h"
#include "err.h"
#include "opt.h"
#include "run.h"
#include "trace.h"

#define SW_KEYS_MAX 32			/* swept keys in one spec */
#define SW_VALUES_MAX 10000u		/* values of one key */
#define SW_TRACES_MAX 64		/* traces in one spec */
#define SW_CONS_MAX 32			/* constraints in one spec */
#define SW_POINTS_MAX 10000000ull	/* points in one sweep */
#define SW_JOBS_MAX 256			/* worker processes */
#define SW_NAME_MAX 96			/* a swept key's name, with its NUL */
#define SW_TAIL_COLS 10			/* result columns after the key columns */
#define SW_SEEN 4			/* keys of [sweep] */

static const char csv_tail[] = "cycles,latency_us,energy_pj,edp_pj_us,macs,"
			       "dense_macs,utilization,dram_bytes,status,error";
#define K_SHARD OPT_LONG		/* --shard K/N, long only */

static const struct opt_spec sweep_opts[] = {
	{ 'j', "jobs", "N", "worker processes, 1..256 (default 1)" },
	{ 'o', "output", "FILE", "the results file (default results.csv; "
	  "resumed)" },
	{ K_SHARD, "shard", "K/N", "run only the points with id % N == K - 1" },
	{ 0, NULL, NULL, NULL },
};

static const struct opt_cmd sweep_cmdline = {
	"stasim", "sweep", "SPEC [-j N] [-o results.csv] [--shard K/N]",
	"Simulate every point of the sweep spec SPEC (an INI file) and append\n"
	"one row per point to the results file; run it again to resume\n"
	"(docs/sweeps.md).",
	sweep_opts,
};

static const struct opt_spec merge_opts[] = {
	{ 'o', "output", "OUT.csv", "the merged results file (required)" },
	{ 0, NULL, NULL, NULL },
};

static const struct opt_cmd merge_cmdline = {
	"stasim", "merge", "A.csv B.csv ... -o OUT.csv",
	"Join the results files of a sweep's shards into one, sorted by\n"
	"point, each point once (docs/sweeps.md).",
	merge_opts,
};

/*
 * Signals received while a sweep runs: 1 = stop dispatching and let the
 * points in flight finish, 2 = drop them too. The one piece of mutable
 * file-scope state: a signal handler has nowhere else to write.
 */
static volatile sig_atomic_t sweep_stop;

/* ------------------------------------------------------------------ */
/* Small helpers */

/* Print err as one line; returns status. */
static int print_err(const struct sim_err *err, int status)
{
	char buf[1400];

	err_format(err, buf, sizeof buf);
	fprintf(stderr, "stasim: %s\n", buf);
	return status;
}

/* The whole of s as a finite number; 0, or -1. */
static int parse_num(const char *s, double *v)
{
	char *end;

	if (!*s)
		return -1;
	*v = strtod(s, &end);
	return *end || !isfinite(*v) ? -1 : 0;
}

/* s without leading and trailing blanks, in place. */
static char *trim(char *s)
{
	char *e;

	s += strspn(s, " \t");
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	return s;
}

/* dir(spec) + rel, or rel when absolute or spec has no directory part. */
static int join(const char *spec, const char *rel, char *out, size_t n)
{
	const char *slash = strrchr(spec, '/');
	int dir = (rel[0] == '/' || !slash) ? 0 : (int)(slash - spec + 1);
	int len = snprintf(out, n, "%.*s%s", dir, spec, rel);

	return len < 0 || (size_t)len >= n ? -1 : 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* read(2) until n bytes or end of file; returns the bytes read, -1 on error. */
static ssize_t read_full(int fd, void *buf, size_t n)
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

static int write_full(int fd, const void *buf, size_t n)
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

/* Whole file in a NUL-terminated malloc'd buffer; NULL with errno set. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL, *p;
	size_t cap = 0, n = 0, got;
	int e;

	if (!f)
		return NULL;
	do {
		if (n + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 65536;
			if (!(p = realloc(buf, cap)))
				goto fail;
			buf = p;
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
	} while (got > 0);
	if (ferror(f)) {
		if (!errno)
			errno = EIO;
		goto fail;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
fail:
	e = errno;
	free(buf);
	fclose(f);
	errno = e;
	return NULL;
}

/* ---- growing text buffer (a CSV row or file) ---- */

struct sw_buf {
	char *s;		/* text, NUL-terminated */
	size_t n, cap;		/* bytes in use (without NUL) / allocated */
	int oom;		/* an append failed: the text is incomplete */
};

static void buf_add(struct sw_buf *b, const char *s, size_t n)
{
	char *p;

	if (b->oom)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;

		while (b->n + n + 1 > cap)
			cap *= 2;
		if (!(p = realloc(b->s, cap))) {
			b->oom = 1;
			return;
		}
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

static void buf_printf(struct sw_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void buf_printf(struct sw_buf *b, const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof tmp)
		b->oom = 1;
	else
		buf_add(b, tmp, (size_t)n);
}

/* One CSV field, quoted (quotes doubled) when it holds , " CR LF or blanks
 * at either end. */
static void buf_field(struct sw_buf *b, const char *s)
{
	size_t len = strlen(s);
	const char *q;

	if (!strpbrk(s, ",\"\r\n") &&
	    !(len && (s[0] == ' ' || s[len - 1] == ' '))) {
		buf_add(b, s, len);
		return;
	}
	buf_add(b, "\"", 1);
	for (; (q = strchr(s, '"')); s = q + 1) {
		buf_add(b, s, (size_t)(q - s));
		buf_add(b, "\"\"", 2);
	}
	buf_add(b, s, strlen(s));
	buf_add(b, "\"", 1);
}

/*
 * Split one CSV line (without its newline) into at most max fields, in
 * place, unquoting them. Returns the number of fields, or -1 when a quoted
 * field is not closed or there are more than max.
 */
static int csv_split(char *line, char **f, int max)
{
	char *r = line, *w;
	int n = 0;

	for (;;) {
		if (n == max)
			return -1;
		f[n++] = w = r;
		if (*r == '"') {
			for (r++;; r++) {
				if (!*r)
					return -1;
				if (*r == '"' && r[1] != '"')
					break;
				*w++ = *r;
				if (*r == '"')
					r++;
			}
			r++;
			if (*r && *r != ',')
				return -1;
		} else {
			while (*r && *r != ',')
				*w++ = *r++;
		}
		if (!*r) {
			*w = '\0';
			return n;
		}
		*w = '\0';
		r++;
	}
}

/* ---- point identity: 64-bit FNV-1a ---- */

static uint64_t fnv(uint64_t h, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

/*
 * Hash of a point: its trace as written in the spec, then "key=value" for
 * each swept key in name order (order[] lists key indices by name), each
 * item NUL-terminated. Nothing else of the spec enters it.
 */
static uint64_t point_hash(const char *trace, const char *const *names,
			   const char *const *vals, const int *order, int n)
{
	uint64_t h = fnv(0xcbf29ce484222325ull, trace, strlen(trace) + 1);
	int i;

	for (i = 0; i < n; i++) {
		h = fnv(h, names[order[i]], strlen(names[order[i]]));
		h = fnv(h, "=", 1);
		h = fnv(h, vals[order[i]], strlen(vals[order[i]]) + 1);
	}
	return h;
}

/* order[0..n) = 0..n-1 sorted by names (insertion sort: n is small). */
static void name_order(const char *const *names, int *order, int n)
{
	int i, j, x;

	for (i = 0; i < n; i++) {
		x = i;
		for (j = i; j > 0 && strcmp(names[order[j - 1]], names[x]) > 0; j--)
			order[j] = order[j - 1];
		order[j] = x;
	}
}

/* ------------------------------------------------------------------ */
/* The spec */

struct sw_list {
	char **s;		/* strings, each malloc'd */
	uint32_t n, cap;	/* in use / allocated */
};

enum sw_cmp { CMP_LT, CMP_LE, CMP_GT, CMP_GE, CMP_EQ, CMP_NE, CMP_COUNT };

static const char *const cmp_names[CMP_COUNT] = { "<", "<=", ">", ">=",
						  "==", "!=" };

struct sw_operand {
	int key;		/* index of a swept key, -1 = a number */
	char text[64];		/* as written: the key's name or the number */
};

struct sw_cons {
	char name[64];		/* name of the constraint in [constraints] */
	int line;		/* its spec line */
	struct sw_operand a, b;	/* the point is kept when a OP b */
	enum sw_cmp op;
};

struct sw_key {
	char name[SW_NAME_MAX];	/* config key, "section.key" */
	int line;		/* spec line that named it */
	struct sw_list val;	/* its values, as text, in spec order */
};

enum { SEEN_BASE, SEEN_TRACES, SEEN_MODE, SEEN_SEED };

static const char *const sweep_keys[SW_SEEN + 1] = { "base", "traces", "mode",
						     "seed", NULL };

struct sw_spec {
	const char *path;		/* spec file, as the user named it */
	int sweep_line;			/* line of the first [sweep] header */
	int seen[SW_SEEN];		/* line setting base, traces, mode, seed */
	char base[512];			/* [sweep] base, as written */
	struct sw_list traces;		/* [sweep] traces, as written */
	int functional;			/* [sweep] mode: 1 = functional */
	uint64_t seed;			/* [sweep] seed */
	struct sw_key key[SW_KEYS_MAX];	/* [keys], in spec order */
	int n_keys;			/* keys in use */
	const char *names[SW_KEYS_MAX];	/* key[i].name, for point_hash */
	int order[SW_KEYS_MAX];		/* key indices sorted by name */
	struct sw_cons con[SW_CONS_MAX]; /* [constraints], in spec order */
	int n_cons;			/* constraints in use */
	uint64_t n_points;		/* key combinations x traces */
};

static int list_add(struct sw_list *l, const char *s)
{
	char **p, *c;

	if (l->n == l->cap) {
		uint32_t cap = l->cap ? l->cap * 2 : 8;

		if (!(p = realloc(l->s, cap * sizeof *p)))
			return -1;
		l->s = p;
		l->cap = cap;
	}
	if (!(c = malloc(strlen(s) + 1)))
		return -1;
	strcpy(c, s);
	l->s[l->n++] = c;
	return 0;
}

static void list_free(struct sw_list *l)
{
	uint32_t i;

	for (i = 0; i < l->n; i++)
		free(l->s[i]);
	free(l->s);
	memset(l, 0, sizeof *l);
}

static void spec_free(struct sw_spec *sp)
{
	int i;

	list_free(&sp->traces);
	for (i = 0; i < sp->n_keys; i++)
		list_free(&sp->key[i].val);
}

/* State of the spec being parsed; inih hands it to reader and handler. */
struct sw_parse {
	FILE *f;		/* spec being read */
	struct sw_spec *sp;	/* filled as lines are handled */
	int line;		/* 1-based line inih is handling now */
	int sect_line;		/* line of the last [section] header */
	int indented;		/* current line starts with a blank */
	char last_sect[64];	/* section of the last key handled */
	char last_name[SW_NAME_MAX]; /* that key; a continuation line repeats it */
	struct sim_err *err;	/* where the first error goes */
	int err_line;		/* line of the first error, -1 = none yet */
	struct config scratch;	/* defaults: config_set checks key names on it */
};

static int pfail(struct sw_parse *p, int line, const char *field,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Record the first error; returns 0, which inih reads as "handler failed". */
static int pfail(struct sw_parse *p, int line, const char *field,
		 const char *fmt, ...)
{
	char msg[sizeof p->err->msg];
	va_list ap;

	if (p->err_line >= 0)
		return 0;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	err_set(p->err, p->sp->path, line, field, "%s", msg);
	p->err_line = line;
	return 0;
}

static int sect_known(const char *s)
{
	return !strcmp(s, "sweep") || !strcmp(s, "keys") ||
	       !strcmp(s, "constraints");
}

/* A [section] header names a known section, even with no key below it. */
static void check_header(struct sw_parse *p, const char *name)
{
	const char *end = strchr(name, ']');
	char sect[64];

	p->last_name[0] = '\0';
	if (!end || (size_t)(end - name) >= sizeof sect)
		return;	/* inih reports the syntax error */
	memcpy(sect, name, (size_t)(end - name));
	sect[end - name] = '\0';
	if (!sect_known(sect))
		pfail(p, p->line, sect, "unknown section [%s] (known sections: "
		      "sweep, keys, constraints)", sect);
	if (!strcmp(sect, "sweep") && !p->sp->sweep_line)
		p->sp->sweep_line = p->line;
}

/*
 * inih's fgets-style reader: one physical line per call, counted, so the
 * handler knows its line; lines longer than inih's buffer are errors rather
 * than being split. Stops the parse (NULL) after the first error.
 */
static char *read_line(char *buf, int num, void *user)
{
	struct sw_parse *p = user;
	const char *s;
	size_t len;
	int c;

	if (p->err_line >= 0 || !fgets(buf, num, p->f))
		return NULL;
	p->line++;
	len = strlen(buf);
	if (len == (size_t)num - 1 && buf[len - 1] != '\n') {
		if ((c = getc(p->f)) != EOF) {
			ungetc(c, p->f);
			pfail(p, p->line, "", "line longer than %d characters",
			      num - 3);
			return NULL;
		}
	}
	s = buf;
	if (p->line == 1 && !strncmp(s, "\xEF\xBB\xBF", 3))
		s += 3;
	p->indented = s[0] == ' ' || s[0] == '\t';
	s += strspn(s, " \t");
	if (*s == '[') {
		p->sect_line = p->line;
		check_header(p, s + 1);
	}
	return buf;
}

static int add_value(struct sw_parse *p, struct sw_list *l, const char *v,
		     const char *field, uint32_t max)
{
	if (l->n >= max)
		return pfail(p, p->line, field, "more than %u values", max);
	if (list_add(l, v))
		return pfail(p, p->line, field, "out of memory");
	return 1;
}

/* -?[0-9]+ with at most 15 digits: exact in a double and an int64. */
static int is_int(const char *s)
{
	size_t n = strspn(s + (*s == '-'), "0123456789");

	return n > 0 && n <= 15 && !s[(*s == '-') + n];
}

/* Digits after the decimal point of a plain decimal; -1 with an exponent. */
static int decimals(const char *s)
{
	const char *dot = strchr(s, '.');

	if (strpbrk(s, "eE"))
		return -1;
	return dot ? (int)strlen(dot + 1) : 0;
}

/*
 * Expand "start:stop:step" (stop included) into l. Integers stay integers;
 * other values are printed with as many decimals as the widest of the three
 * (so 0.1:0.3:0.1 gives 0.1, 0.2, 0.3, never 0.30000000000000004).
 */
static int add_range(struct sw_parse *p, struct sw_list *l, char *item,
		     const char *field)
{
	char *part[3], *colon, text[400], orig[200];
	double v[3], count;
	uint64_t n, i;
	int k, dec = 0, ints = 1;

	snprintf(orig, sizeof orig, "%s", item);
	for (k = 0; k < 3; k++) {
		colon = k < 2 ? strchr(item, ':') : NULL;
		if (k < 2 && !colon)
			goto bad;
		if (colon)
			*colon = '\0';
		part[k] = trim(item);
		if (parse_num(part[k], &v[k]))
			goto bad;
		ints &= is_int(part[k]);
		if (dec >= 0)
			dec = decimals(part[k]) < 0 ? -1 :
			      decimals(part[k]) > dec ? decimals(part[k]) : dec;
		if (colon)
			item = colon + 1;
	}
	if (strchr(part[2], ':') || !(v[2] > 0) || v[1] < v[0])
		goto bad;
	count = floor((v[1] - v[0]) / v[2] + 1e-9) + 1;
	if (!(count <= SW_VALUES_MAX))
		return pfail(p, p->line, field, "range '%s' has %.0f values "
			     "(at most %u per key)", orig, count, SW_VALUES_MAX);
	n = (uint64_t)count;
	for (i = 0; i < n; i++) {
		if (ints)
			snprintf(text, sizeof text, "%lld",
				 (long long)v[0] + (long long)i * (long long)v[2]);
		else if (dec >= 0)
			snprintf(text, sizeof text, "%.*f", dec, v[0] + (double)i * v[2]);
		else
			snprintf(text, sizeof text, "%.15g", v[0] + (double)i * v[2]);
		if (!add_value(p, l, text, field, SW_VALUES_MAX))
			return 0;
	}
	return 1;
bad:
	return pfail(p, p->line, field, "bad range '%s' (expected start:stop:step, "
		     "numbers with start <= stop and step > 0)", orig);
}

/*
 * Append the comma-separated items of text to l; with ranges, an item
 * holding ':' is a range. A trailing comma is allowed (the list goes on on
 * an indented line), an empty item elsewhere is not.
 */
static int add_list(struct sw_parse *p, struct sw_list *l, const char *text,
		    const char *field, int ranges, uint32_t max)
{
	char buf[256], *item, *comma;
	int items = 0;

	snprintf(buf, sizeof buf, "%s", text);
	for (item = buf; item; item = comma ? comma + 1 : NULL) {
		comma = strchr(item, ',');
		if (comma)
			*comma = '\0';
		item = trim(item);
		if (!*item) {
			if (!comma && items)
				break;
			return pfail(p, p->line, field, "empty item in the list "
				     "'%s'", text);
		}
		items++;
		if (strchr(item, '='))
			return pfail(p, p->line, field, "'%s' is not a value "
				     "(an indented line continues the list "
				     "above it with more values)", item);
		if (ranges && strchr(item, ':')) {
			if (!add_range(p, l, item, field))
				return 0;
		} else if (!add_value(p, l, item, field, max)) {
			return 0;
		}
	}
	return 1;
}

static int on_sweep(struct sw_parse *p, const char *name, const char *val,
		    int cont)
{
	struct sw_spec *sp = p->sp;
	char field[SW_NAME_MAX + 8];
	int i;

	snprintf(field, sizeof field, "sweep.%s", name);
	for (i = 0; sweep_keys[i] && strcmp(sweep_keys[i], name); i++)
		;
	if (!sweep_keys[i])
		return pfail(p, p->line, field, "unknown key '%s' (known keys: "
			     "base, traces, mode, seed)", name);
	if (cont && i != SEEN_TRACES)
		return pfail(p, p->line, field, "indented line would continue "
			     "the value of '%s' (only lists go on over lines)", name);
	if (!cont && sp->seen[i])
		return pfail(p, p->line, field, "duplicate key '%s' (first set "
			     "on line %d)", name, sp->seen[i]);
	if (!cont)
		sp->seen[i] = p->line;
	if (!*val)
		return pfail(p, p->line, field, "empty value");
	switch (i) {
	case SEEN_BASE:
		if (strlen(val) >= sizeof sp->base)
			return pfail(p, p->line, field, "path longer than %zu "
				     "characters", sizeof sp->base - 1);
		strcpy(sp->base, val);
		return 1;
	case SEEN_TRACES:
		return add_list(p, &sp->traces, val, field, 0, SW_TRACES_MAX);
	case SEEN_MODE:
		if (strcmp(val, "timing") && strcmp(val, "functional"))
			return pfail(p, p->line, field, "unknown value '%s' "
				     "(expected timing or functional)", val);
		sp->functional = !strcmp(val, "functional");
		return 1;
	default:
		if (opt_u64(val, &sp->seed))
			return pfail(p, p->line, field, "malformed seed '%s' "
				     "(expected an unsigned 64-bit integer)", val);
		return 1;
	}
}

static int find_key(const struct sw_spec *sp, const char *name)
{
	int i;

	for (i = 0; i < sp->n_keys; i++)
		if (!strcmp(sp->key[i].name, name))
			return i;
	return -1;
}

static int on_key(struct sw_parse *p, const char *name, const char *val,
		  int cont)
{
	struct sw_spec *sp = p->sp;
	struct sw_key *k;
	struct sim_err e;
	int i = find_key(sp, name);

	if (i < 0)
		cont = 0;
	if (!cont && i >= 0)
		return pfail(p, p->line, name, "duplicate key '%s' (first set "
			     "on line %d)", name, sp->key[i].line);
	if (!cont) {
		if (strlen(name) >= SW_NAME_MAX)
			return pfail(p, p->line, "", "key name longer than %d "
				     "characters", SW_NAME_MAX - 1);
		if (config_set(&p->scratch, name, "", &e) == -2)
			return pfail(p, p->line, name, "%s", e.msg);
		if (sp->n_keys == SW_KEYS_MAX)
			return pfail(p, p->line, name, "more than %d swept keys",
				     SW_KEYS_MAX);
		i = sp->n_keys++;
		k = &sp->key[i];
		strcpy(k->name, name);
		k->line = p->line;
	}
	k = &sp->key[i];
	if (!*val)
		return pfail(p, p->line, name, "empty value (expected v1, v2, "
			     "... or start:stop:step)");
	return add_list(p, &k->val, val, name, 1, SW_VALUES_MAX);
}

/* Characters of an operand: key names and numbers. */
static size_t operand_len(const char *s)
{
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			 "0123456789._+-");
}

static int on_cons(struct sw_parse *p, const char *name, const char *val,
		   int cont)
{
	struct sw_spec *sp = p->sp;
	struct sw_cons *c;
	char field[SW_NAME_MAX], opt[16];
	const char *s = val;
	size_t n;
	int i;

	snprintf(field, sizeof field, "constraints.%s", name);
	if (cont)
		return pfail(p, p->line, field, "indented line would continue "
			     "the constraint '%s' (write it on one line)", name);
	for (i = 0; i < sp->n_cons; i++)
		if (!strcmp(sp->con[i].name, name))
			return pfail(p, p->line, field, "duplicate constraint "
				     "'%s' (first on line %d)", name, sp->con[i].line);
	if (sp->n_cons == SW_CONS_MAX)
		return pfail(p, p->line, field, "more than %d constraints",
			     SW_CONS_MAX);
	if (strlen(name) >= sizeof c->name)
		return pfail(p, p->line, field, "name longer than %zu characters",
			     sizeof c->name - 1);
	c = &sp->con[sp->n_cons];
	memset(c, 0, sizeof *c);
	strcpy(c->name, name);
	c->line = p->line;
	n = operand_len(s);
	if (!n || n >= sizeof c->a.text)
		return pfail(p, p->line, field, "'%s' does not start with a key "
			     "or a number (expected A OP B)", val);
	snprintf(c->a.text, sizeof c->a.text, "%.*s", (int)n, s);
	s += n;
	s += strspn(s, " \t");
	n = strcspn(s, " \tABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		       "0123456789._+-");
	snprintf(opt, sizeof opt, "%.*s", (int)(n < 15 ? n : 15), s);
	for (i = 0; i < CMP_COUNT && strcmp(cmp_names[i], opt); i++)
		;
	if (!n)
		return pfail(p, p->line, field, "no comparison in '%s' (expected "
			     "A OP B, OP one of < <= > >= == !=)", val);
	if (i == CMP_COUNT)
		return pfail(p, p->line, field, "unknown operator '%s' (expected "
			     "one of < <= > >= == !=)", opt);
	c->op = (enum sw_cmp)i;
	s += n;
	s += strspn(s, " \t");
	n = operand_len(s);
	if (!n || n >= sizeof c->b.text)
		return pfail(p, p->line, field, "no key or number after '%s'",
			     opt);
	snprintf(c->b.text, sizeof c->b.text, "%.*s", (int)n, s);
	if (s[n])
		return pfail(p, p->line, field, "unexpected '%s' after '%s'",
			     s + n, c->b.text);
	sp->n_cons++;
	return 1;
}

/* inih handler: one key = value; returns 1, or 0 after recording an error. */
static int on_line(void *user, const char *sect, const char *name,
		   const char *val)
{
	struct sw_parse *p = user;
	char text[256], *c;
	int cont;

	if (p->err_line >= 0)
		return 0;
	if (!*sect)
		return pfail(p, p->line, name, "key '%s' comes before any "
			     "[section]", name);
	if (!sect_known(sect))
		return pfail(p, p->sect_line, sect, "unknown section [%s]", sect);
	if (!*name)
		return pfail(p, p->line, sect, "line has no key name before '='");
	cont = p->indented && !strcmp(sect, p->last_sect) &&
	       !strcmp(name, p->last_name);
	snprintf(p->last_sect, sizeof p->last_sect, "%s", sect);
	snprintf(p->last_name, sizeof p->last_name, "%s", name);
	if (cont) {
		/* inih hands a continuation line over whole: cut its
		 * " ; comment" as it does on a key's own line */
		snprintf(text, sizeof text, "%s", val);
		for (c = text; (c = strchr(c, ';')); c++)
			if (c == text || c[-1] == ' ' || c[-1] == '\t') {
				*c = '\0';
				break;
			}
		val = trim(text);
	}
	if (!strcmp(sect, "sweep"))
		return on_sweep(p, name, val, cont);
	if (!strcmp(sect, "keys"))
		return on_key(p, name, val, cont);
	return on_cons(p, name, val, cont);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The first value listed twice in l, or NULL. */
static const char *repeated(const struct sw_list *l)
{
	const char *dup = NULL;
	char **s;
	uint32_t i;

	if (l->n < 2 || !(s = malloc(l->n * sizeof *s)))
		return NULL;
	memcpy(s, l->s, l->n * sizeof *s);
	qsort(s, l->n, sizeof *s, cmp_str);
	for (i = 1; i < l->n && !dup; i++)
		if (!strcmp(s[i - 1], s[i]))
			dup = s[i];
	free(s);
	return dup;
}

/* Resolve an operand: a swept key, else a number; 0 or -1 with err. */
static int resolve(struct sw_spec *sp, const struct sw_cons *c,
		   struct sw_operand *o, struct sim_err *err)
{
	char field[SW_NAME_MAX];
	double x;
	uint32_t i;

	snprintf(field, sizeof field, "constraints.%s", c->name);
	o->key = find_key(sp, o->text);
	if (o->key < 0 && parse_num(o->text, &x))
		return err_set(err, sp->path, c->line, field, "'%s' is neither "
			       "a swept key nor a number", o->text);
	if (o->key < 0 || c->op == CMP_EQ || c->op == CMP_NE)
		return 0;
	for (i = 0; i < sp->key[o->key].val.n; i++)
		if (parse_num(sp->key[o->key].val.s[i], &x))
			return err_set(err, sp->path, c->line, field, "value "
				       "'%s' of %s is not a number (only == "
				       "and != compare text)",
				       sp->key[o->key].val.s[i], o->text);
	return 0;
}

/* Checks that need the whole spec; 0 or -1 with err. */
static int spec_finish(struct sw_spec *sp, struct sim_err *err)
{
	const char *dup;
	uint64_t n;
	int i;

	if (!sp->seen[SEEN_BASE])
		return err_set(err, sp->path, sp->sweep_line, "sweep.base",
			       "missing required key 'base' in [sweep]");
	if (!sp->seen[SEEN_TRACES])
		return err_set(err, sp->path, sp->sweep_line, "sweep.traces",
			       "missing required key 'traces' in [sweep]");
	if ((dup = repeated(&sp->traces)))
		return err_set(err, sp->path, sp->seen[SEEN_TRACES],
			       "sweep.traces", "trace '%s' is listed twice", dup);
	n = sp->traces.n;
	for (i = 0; i < sp->n_keys; i++) {
		if ((dup = repeated(&sp->key[i].val)))
			return err_set(err, sp->path, sp->key[i].line,
				       sp->key[i].name, "value '%s' is listed "
				       "twice", dup);
		sp->names[i] = sp->key[i].name;
		n *= sp->key[i].val.n;
		if (n > SW_POINTS_MAX)
			return err_set(err, sp->path, sp->key[i].line,
				       sp->key[i].name, "the sweep has more "
				       "than %llu points", SW_POINTS_MAX);
	}
	for (i = 0; i < sp->n_cons; i++)
		if (resolve(sp, &sp->con[i], &sp->con[i].a, err) ||
		    resolve(sp, &sp->con[i], &sp->con[i].b, err))
			return -1;
	name_order(sp->names, sp->order, sp->n_keys);
	sp->n_points = n;
	return 0;
}

/*
 * Parse the spec at path into *sp (zeroed by the caller, freed by
 * spec_free in any case). Returns 0, or -1 with err naming file, line, field.
 */
static int spec_load(const char *path, struct sw_spec *sp, struct sim_err *err)
{
	struct sw_parse *p = calloc(1, sizeof *p);
	int rc = -1, ini;

	sp->path = path;
	sp->seed = 1;
	if (!p)
		return err_set(err, path, 0, "", "out of memory");
	p->sp = sp;
	p->err = err;
	p->err_line = -1;
	config_defaults(&p->scratch);
	if (!(p->f = fopen(path, "r"))) {
		err_set(err, path, 0, "", "cannot open: %s", strerror(errno));
		goto out;
	}
	ini = ini_parse_stream(read_line, p, on_line, p);
	if (ini > 0 && (p->err_line < 0 || ini < p->err_line))
		err_set(err, path, ini, "", "syntax error (expected [section], "
			"key = value or a ; comment)");
	else if (p->err_line < 0 && ferror(p->f))
		err_set(err, path, 0, "", "cannot read: %s", strerror(errno));
	else if (p->err_line < 0 && ini < 0)
		err_set(err, path, 0, "", "cannot parse (inih status %d)", ini);
	else if (p->err_line < 0)
		rc = spec_finish(sp, err);
	fclose(p->f);
out:
	free(p);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Points */

/* Value indices of point id (keys in spec order, the last fastest, traces
 * faster still); returns its trace index. */
static uint32_t point_decode(const struct sw_spec *sp, uint64_t id,
			     uint32_t *idx)
{
	uint64_t rest = id / sp->traces.n;
	int i;

	for (i = sp->n_keys - 1; i >= 0; i--) {
		idx[i] = (uint32_t)(rest % sp->key[i].val.n);
		rest /= sp->key[i].val.n;
	}
	return (uint32_t)(id % sp->traces.n);
}

static uint64_t spec_hash(const struct sw_spec *sp, uint64_t id)
{
	const char *vals[SW_KEYS_MAX];
	uint32_t idx[SW_KEYS_MAX], t = point_decode(sp, id, idx);
	int i;

	for (i = 0; i < sp->n_keys; i++)
		vals[i] = sp->key[i].val.s[idx[i]];
	return point_hash(sp->traces.s[t], sp->names, vals, sp->order,
			  sp->n_keys);
}

static const char *operand_text(const struct sw_spec *sp,
				const struct sw_operand *o, const uint32_t *idx)
{
	return o->key < 0 ? o->text : sp->key[o->key].val.s[idx[o->key]];
}

/* 1 when the point of these value indices satisfies every constraint. */
static int cons_hold(const struct sw_spec *sp, const uint32_t *idx)
{
	const char *a, *b;
	double x, y, d;
	int i, ok;

	for (i = 0; i < sp->n_cons; i++) {
		const struct sw_cons *c = &sp->con[i];

		a = operand_text(sp, &c->a, idx);
		b = operand_text(sp, &c->b, idx);
		if (!parse_num(a, &x) && !parse_num(b, &y))
			d = x < y ? -1 : x > y ? 1 : 0;
		else
			d = strcmp(a, b);
		switch (c->op) {
		case CMP_LT: ok = d < 0; break;
		case CMP_LE: ok = d <= 0; break;
		case CMP_GT: ok = d > 0; break;
		case CMP_GE: ok = d >= 0; break;
		case CMP_EQ: ok = d == 0; break;
		default: ok = d != 0; break;
		}
		if (!ok)
			return 0;
	}
	return 1;
}

/* ------------------------------------------------------------------ */
/* Workers */

enum sw_status { ST_OK, ST_INVALID, ST_FAILED };

static const char *const status_names[] = { "ok", "invalid", "failed" };

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
	double utilization;		/* macs / (cycles * peak MACs per cycle) */
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
	struct config base;		/* base config, loaded once */
	struct trace tr[SW_TRACES_MAX];	/* every trace, read once */
	const char *out;		/* results file */
	int jobs;			/* worker processes at most */
	uint64_t shard_k, shard_n;	/* ids with id % shard_n == shard_k */
	uint8_t *done;			/* bit per point: a row for it exists */
	int out_fd;			/* results file, O_APPEND; -1 = closed */
	struct sw_worker w[SW_JOBS_MAX]; /* worker slots, jobs in use */
	uint64_t cursor;		/* next id dispatch considers */
	int have_next;			/* 1: next is found but not yet sent */
	uint64_t next;			/* that id */
	uint64_t skipped, already;	/* shard points: constraint fails / in file */
	uint64_t n_st[3];		/* rows written this time, by status */
	struct sw_progress pr;		/* progress display */
};

static int done_get(const struct sw_run *s, uint64_t id)
{
	return s->done[id >> 3] >> (id & 7) & 1;
}

static void done_set(struct sw_run *s, uint64_t id)
{
	s->done[id >> 3] |= (uint8_t)(1u << (id & 7));
}

/*
 * Build the config of the point of these value indices: the base with each
 * swept key set. A key rejected only for the moment (n_max above an m_max
 * set later) is tried again after the others, until nothing more applies;
 * then the first key still rejected, in spec order, is the error.
 */
static int point_config(const struct sw_run *s, const uint32_t *idx,
			struct config *c, struct sim_err *err)
{
	int todo[SW_KEYS_MAX], n = s->sp.n_keys, m, i;
	struct sim_err e;

	*c = s->base;
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
	uint32_t idx[SW_KEYS_MAX], t = point_decode(&s->sp, id, idx);
	struct run_result rr;
	struct sim_err err;
	struct config cfg;
	uint64_t peak;

	memset(r, 0, sizeof *r);
	memset(&rr, 0, sizeof rr);
	r->point = id;
	r->status = ST_INVALID;
	if (point_config(s, idx, &cfg, &err)) {
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
	r->utilization = rr.cycles ? (double)rr.total.macs /
				     ((double)rr.cycles * (double)peak) : 0;
	r->dram_bytes = rr.total.dram_rd + rr.total.dram_wr;
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

	while (r && read_full(cmd_fd, &id, sizeof id) == (ssize_t)sizeof id) {
		run_point(s, id, r);
		if (write_full(res_fd, r, sizeof *r))
			break;
	}
	_exit(r ? 0 : 1);
}

static void set_handler(int sig, void (*fn)(int), struct sigaction *old)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, old);
}

/* Start a worker in slot i; 0, or -1 with errno. */
static int spawn(struct sw_run *s, int i)
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
		set_handler(SIGINT, SIG_IGN, NULL);
		set_handler(SIGTERM, SIG_IGN, NULL);
		set_handler(SIGPIPE, SIG_DFL, NULL);
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
static void reap(struct sw_worker *w, int hard, int *st)
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

/* ------------------------------------------------------------------ */
/* The results file */

static void csv_header(const struct sw_spec *sp, struct sw_buf *b)
{
	int i;

	buf_printf(b, "point,trace");
	for (i = 0; i < sp->n_keys; i++) {
		buf_add(b, ",", 1);
		buf_field(b, sp->key[i].name);
	}
	buf_printf(b, ",%s", csv_tail);
}

static void csv_row(const struct sw_run *s, const struct sw_result *r,
		    struct sw_buf *b)
{
	uint32_t idx[SW_KEYS_MAX], t = point_decode(&s->sp, r->point, idx);
	int i;

	buf_printf(b, "%llu,", (unsigned long long)r->point);
	buf_field(b, s->sp.traces.s[t]);
	for (i = 0; i < s->sp.n_keys; i++) {
		buf_add(b, ",", 1);
		buf_field(b, s->sp.key[i].val.s[idx[i]]);
	}
	if (r->numbers)
		buf_printf(b, ",%llu,%.6f,%.3f,%.10g,%llu,%llu,%.6f,%llu",
			   (unsigned long long)r->cycles, r->latency_us,
			   r->energy_pj, r->energy_pj * r->latency_us,
			   (unsigned long long)r->macs,
			   (unsigned long long)r->dense_macs, r->utilization,
			   (unsigned long long)r->dram_bytes);
	else
		buf_add(b, ",,,,,,,,", 8);
	buf_printf(b, ",%s,", status_names[r->status]);
	buf_field(b, r->error);
	buf_add(b, "\n", 1);
}

/* Append r's row in one write(2); 0 or -1 with err. */
static int write_row(struct sw_run *s, const struct sw_result *r,
		     struct sim_err *err)
{
	struct sw_buf b = { 0 };
	int rc = 0;

	csv_row(s, r, &b);
	if (b.oom)
		rc = err_set(err, s->out, 0, "-o", "out of memory");
	else if (write_full(s->out_fd, b.s, b.n))
		rc = err_set(err, s->out, 0, "-o", "cannot write: %s",
			     strerror(errno));
	free(b.s);
	if (rc)
		return rc;
	done_set(s, r->point);
	s->n_st[r->status]++;
	s->pr.done++;
	return 0;
}

/*
 * Check one row of an existing results file against the spec and mark its
 * point done. line is modified. 0, or -1 with err at lineno.
 */
static int resume_row(struct sw_run *s, char *line, int lineno,
		      struct sim_err *err)
{
	char *f[SW_KEYS_MAX + 2 + SW_TAIL_COLS];
	int cols = s->sp.n_keys + 2 + SW_TAIL_COLS;
	uint64_t id;

	if (csv_split(line, f, cols) != cols)
		return err_set(err, s->out, lineno, "", "malformed row (expected "
			       "%d comma-separated fields)", cols);
	if (opt_u64(f[0], &id) || id >= s->sp.n_points)
		return err_set(err, s->out, lineno, "point", "'%s' is not a "
			       "point id of %s (0..%llu)", f[0], s->sp.path,
			       (unsigned long long)s->sp.n_points - 1);
	if (point_hash(f[1], s->sp.names, (const char *const *)f + 2,
		       s->sp.order, s->sp.n_keys) != spec_hash(&s->sp, id))
		return err_set(err, s->out, lineno, "point", "point %llu has "
			       "another trace or other key values than point "
			       "%llu of %s (results of another sweep?); use "
			       "another -o file", (unsigned long long)id,
			       (unsigned long long)id, s->sp.path);
	done_set(s, id);
	return 0;
}

/*
 * Open the results file for appending. A new or empty file gets the
 * header; an existing one must have this sweep's header, and its rows mark
 * their points done. An incomplete last line (a crash mid-write elsewhere)
 * is cut off. 0, or -1 with err.
 */
static int open_results(struct sw_run *s, const char *header,
			struct sim_err *err)
{
	size_t len = 0, keep, hlen = strlen(header);
	char *text = slurp(s->out, &len), *line, *nl;
	int lineno = 1, rc = -1;

	if (!text && errno != ENOENT)
		return err_set(err, s->out, 0, "-o", "cannot read: %s",
			       strerror(errno));
	keep = len;
	if (text && len && !memchr(text, '\n', len)) {
		if (len > hlen || memcmp(text, header, len))
			goto mismatch;
		keep = 0;	/* a header cut short: write it again */
	} else if (text && len) {
		nl = strchr(text, '\n');
		if ((size_t)(nl - text) != hlen || memcmp(text, header, hlen))
			goto mismatch;
		keep = (size_t)(strrchr(text, '\n') - text) + 1;
		text[keep] = '\0';
		for (line = nl + 1; *line; line = nl + 1) {
			nl = strchr(line, '\n');
			*nl = '\0';
			lineno++;
			if (nl > line && nl[-1] == '\r')
				nl[-1] = '\0';
			if (resume_row(s, line, lineno, err))
				goto out;
		}
	}
	s->out_fd = open(s->out, O_WRONLY | O_APPEND | O_CREAT, 0666);
	if (s->out_fd < 0) {
		err_set(err, s->out, 0, "-o", "cannot open: %s", strerror(errno));
		goto out;
	}
	if (keep < len) {
		if (ftruncate(s->out_fd, (off_t)keep)) {
			err_set(err, s->out, 0, "-o", "cannot truncate: %s",
				strerror(errno));
			goto out;
		}
		fprintf(stderr, "stasim: %s: dropped an incomplete last line\n",
			s->out);
	}
	if (keep == 0 && (write_full(s->out_fd, header, hlen) ||
			  write_full(s->out_fd, "\n", 1))) {
		err_set(err, s->out, 0, "-o", "cannot write: %s", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(text);
	return rc;
mismatch:
	free(text);
	return err_set(err, s->out, 1, "header", "columns differ from this "
		       "sweep's (another sweep's results?): expected '%.300s'; "
		       "use another -o file", header);
}

/* ------------------------------------------------------------------ */
/* Progress on stderr */

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

/* ------------------------------------------------------------------ */
/* The sweep */

/* The next point of this shard to run; 0 when there is none left. */
static int next_point(struct sw_run *s, uint64_t *id)
{
	uint32_t idx[SW_KEYS_MAX];

	for (; s->cursor < s->sp.n_points; s->cursor += s->shard_n) {
		if (done_get(s, s->cursor))
			continue;
		point_decode(&s->sp, s->cursor, idx);
		if (!cons_hold(&s->sp, idx))
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
		point_decode(&s->sp, id, idx);
		if (done_get(s, id))
			s->already++;
		else if (!cons_hold(&s->sp, idx))
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
			if (!w->pid && spawn(s, i))
				return err_set(err, s->sp.path, 0, "-j", "cannot "
					       "start a worker: %s", strerror(errno));
			if (!write_full(w->cmd_fd, &s->next, sizeof s->next))
				break;
			reap(w, 0, &st);	/* it died while idle */
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

	if (read_full(w->res_fd, r, sizeof *r) == (ssize_t)sizeof *r && busy &&
	    r->point == point) {
		w->busy = 0;
		return write_row(s, r, err);
	}
	reap(w, 1, &st);
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
	return write_row(s, r, err);
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
		reap(&s->w[i], rc || sweep_stop >= 2, &st);
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
	if (opt_u64(buf, k) || opt_u64(slash + 1, n) || *n == 0 ||
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
		if (opt_u64(v, &j) || j < 1 || j > SW_JOBS_MAX)
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

/* Base config and traces, paths joined to the spec's directory; after
 * loading, their paths read as written in the spec, so that messages in
 * the results do not depend on the working directory. */
static int load_inputs(struct sw_run *s, struct sim_err *err)
{
	char path[1024];
	uint32_t i;

	if (join(s->sp.path, s->sp.base, path, sizeof path))
		return err_set(err, s->sp.path, s->sp.seen[SEEN_BASE],
			       "sweep.base", "path too long");
	if (access(path, R_OK))
		return err_set(err, s->sp.path, s->sp.seen[SEEN_BASE],
			       "sweep.base", "cannot open '%s': %s", path,
			       strerror(errno));
	if (config_load(path, &s->base, err))
		return -1;
	snprintf(s->base.path, sizeof s->base.path, "%s", s->sp.base);
	for (i = 0; i < s->sp.traces.n; i++) {
		if (join(s->sp.path, s->sp.traces.s[i], path, sizeof path))
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
	struct sw_buf header = { 0 };
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
	if (spec_load(spec, &s->sp, &err) || load_inputs(s, &err)) {
		print_err(&err, rc);
		goto out;
	}
	csv_header(&s->sp, &header);
	s->done = calloc((size_t)(s->sp.n_points / 8 + 1), 1);
	if (!s->done || header.oom) {
		fprintf(stderr, "stasim: out of memory\n");
		rc = SIM_EXIT_FAIL;
		goto out;
	}
	if (open_results(s, header.s, &err)) {
		print_err(&err, rc);
		goto out;
	}
	count_points(s);
	s->pr.tty = isatty(2);
	s->pr.t0 = s->pr.last = now_s();
	sweep_stop = 0;
	set_handler(SIGINT, on_signal, &old_int);
	set_handler(SIGTERM, on_signal, &old_term);
	set_handler(SIGPIPE, SIG_IGN, &old_pipe);
	rc = sweep_loop(s, &err);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGPIPE, &old_pipe, NULL);
	if (s->pr.tty)
		progress(&s->pr, 1);
	summary(s, now_s() - s->pr.t0);
	if (rc < 0) {
		rc = print_err(&err, SIM_EXIT_FAIL);
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
		rc = print_err(&err, SIM_EXIT_FAIL);
	}
	for (i = 0; i < s->sp.traces.n && i < SW_TRACES_MAX; i++)
		trace_free(&s->tr[i]);
	spec_free(&s->sp);
	free(s->done);
	free(header.s);
	free(s);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Merge */

struct mg_row {
	uint64_t id;		/* point id */
	uint64_t hash;		/* point_hash of its trace and key values */
	const char *text;	/* the line, without its newline */
	int file;		/* index of its file in argv */
	int line;		/* 1-based line there */
};

struct mg_state {
	char **text;		/* per input: its contents */
	int n_files;		/* inputs read */
	struct mg_row *rows;	/* every row of every input */
	size_t n_rows, cap;	/* in use / allocated */
	char *header;		/* the first input's header line */
	int cols, keys;		/* fields per row, key columns among them */
	int order[SW_KEYS_MAX];	/* key columns by name */
	const char *names[SW_KEYS_MAX]; /* key column names */
	char name_buf[4096];	/* their text */
};

/* Check a header line (modified) and note its key columns; 0 or -1 with err. */
static int mg_header(struct mg_state *m, char *line, const char *file,
		     struct sim_err *err)
{
	char *f[SW_KEYS_MAX + 2 + SW_TAIL_COLS], tail[sizeof csv_tail];
	char *t, *tf[SW_TAIL_COLS];
	size_t used = 0;
	int n = csv_split(line, f, SW_KEYS_MAX + 2 + SW_TAIL_COLS), i;

	strcpy(tail, csv_tail);
	csv_split(tail, tf, SW_TAIL_COLS);
	if (n < 2 + SW_TAIL_COLS || strcmp(f[0], "point") || strcmp(f[1], "trace"))
		goto bad;
	for (i = 0; i < SW_TAIL_COLS; i++)
		if (strcmp(f[n - SW_TAIL_COLS + i], tf[i]))
			goto bad;
	m->cols = n;
	m->keys = n - 2 - SW_TAIL_COLS;
	for (i = 0; i < m->keys; i++) {
		t = m->name_buf + used;
		used += (size_t)snprintf(t, sizeof m->name_buf - used, "%s",
					 f[2 + i]) + 1;
		if (used > sizeof m->name_buf)
			goto bad;
		m->names[i] = t;
	}
	name_order(m->names, m->order, m->keys);
	return 0;
bad:
	return err_set(err, file, 1, "header", "not a stasim sweep results "
		       "header (point,trace,KEYS...,%s)", csv_tail);
}

static int mg_add(struct mg_state *m, const struct mg_row *r)
{
	struct mg_row *p;

	if (m->n_rows == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 1024;

		if (!(p = realloc(m->rows, cap * sizeof *p)))
			return -1;
		m->rows = p;
		m->cap = cap;
	}
	m->rows[m->n_rows++] = *r;
	return 0;
}

/* Read one input's header and rows; 0 or -1 with err. */
static int mg_read(struct mg_state *m, const char *file, int fi,
		   struct sim_err *err)
{
	char *f[SW_KEYS_MAX + 2 + SW_TAIL_COLS], *text, *line, *nl, *copy;
	struct mg_row r;
	size_t len;
	int lineno = 1, rc = -1, last;

	if (!(text = slurp(file, &len)))
		return err_set(err, file, 0, "", "cannot open: %s", strerror(errno));
	m->text[m->n_files++] = text;
	if (!len || !(nl = strchr(text, '\n')))
		return err_set(err, file, 1, "header", "no header line");
	*nl = '\0';
	if (nl > text && nl[-1] == '\r')
		nl[-1] = '\0';
	if (!m->header) {
		m->header = text;
		if (!(copy = malloc(strlen(text) + 1)))
			return err_set(err, file, 0, "", "out of memory");
		strcpy(copy, text);
		rc = mg_header(m, copy, file, err);
		free(copy);
		if (rc)
			return -1;
	} else if (strcmp(text, m->header)) {
		return err_set(err, file, 1, "header", "columns differ from "
			       "those of the first file (results of another "
			       "sweep?)");
	}
	if (!(copy = malloc(len + 1)))
		return err_set(err, file, 0, "", "out of memory");
	for (line = nl + 1; *line; line = last ? nl : nl + 1) {
		lineno++;
		nl = line + strcspn(line, "\n");
		last = !*nl;	/* the last line may lack its newline */
		*nl = '\0';
		if (nl > line && nl[-1] == '\r')
			nl[-1] = '\0';
		if (!*line)
			continue;
		strcpy(copy, line);
		if (csv_split(copy, f, m->cols) != m->cols) {
			err_set(err, file, lineno, "", "malformed row (expected "
				"%d comma-separated fields)", m->cols);
			goto out;
		}
		if (opt_u64(f[0], &r.id)) {
			err_set(err, file, lineno, "point", "'%s' is not a point "
				"id", f[0]);
			goto out;
		}
		r.hash = point_hash(f[1], m->names, (const char *const *)f + 2,
				    m->order, m->keys);
		r.text = line;
		r.file = fi;
		r.line = lineno;
		if (mg_add(m, &r)) {
			err_set(err, file, 0, "", "out of memory");
			goto out;
		}
	}
	rc = 0;
out:
	free(copy);
	return rc;
}

static int mg_cmp(const void *a, const void *b)
{
	const struct mg_row *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* Sort by id and drop repeated rows. Returns 0, or with err filled 1 (a
 * conflict) or 2 (one id, two different points). */
static int mg_dedup(struct mg_state *m, const char **files,
		    struct sim_err *err)
{
	size_t i, k = 0;

	qsort(m->rows, m->n_rows, sizeof *m->rows, mg_cmp);
	for (i = 0; i < m->n_rows; i++) {
		const struct mg_row *r = &m->rows[i], *p = k ? &m->rows[k - 1] : NULL;

		if (p && p->id == r->id) {
			if (p->hash != r->hash)
				return err_set(err, files[r->file], r->line, "point",
					       "point %llu has another trace or "
					       "other key values than in %s:%d "
					       "(results of different sweeps?)",
					       (unsigned long long)r->id,
					       files[p->file], p->line), 2;
			if (strcmp(p->text, r->text))
				return err_set(err, files[r->file], r->line, "point",
					       "conflicting results for point "
					       "%llu (%s:%d differs)",
					       (unsigned long long)r->id,
					       files[p->file], p->line), 1;
			continue;
		}
		m->rows[k++] = *r;
	}
	m->n_rows = k;
	return 0;
}

static int mg_write(const struct mg_state *m, const char *out,
		    struct sim_err *err)
{
	struct afile a;
	size_t i;

	if (afile_open(&a, out, "-o", err))
		return -1;
	fprintf(a.f, "%s\n", m->header);
	for (i = 0; i < m->n_rows; i++)
		fprintf(a.f, "%s\n", m->rows[i].text);
	return afile_commit(&a, "-o", err);
}

/* What merge_opt fills. */
struct mg_args {
	const char **files;	/* the operands, room for argc */
	int n;			/* how many */
	const char *out;	/* -o */
};

static int merge_opt(void *ctx, int key, const char *v)
{
	struct mg_args *a = ctx;

	if (key)
		a->out = v;
	else
		a->files[a->n++] = v;
	return 0;
}

/* Options into a; 0, OPT_HELP, or a usage line and 2. */
static int merge_args(int argc, char **argv, struct mg_args *a)
{
	int rc = opt_parse(&merge_cmdline, argc, argv, merge_opt, a);

	if (rc)
		return rc;
	if (!a->n)
		return opt_error(&merge_cmdline, "needs the results files to "
				 "merge");
	if (!a->out)
		return opt_error(&merge_cmdline, "needs -o OUT.csv");
	return 0;
}

int merge_cmd(int argc, char **argv)
{
	struct mg_state m;
	struct mg_args a = { NULL, 0, NULL };
	struct sim_err err;
	int i, rc = SIM_EXIT_USAGE;

	memset(&m, 0, sizeof m);
	a.files = calloc((size_t)argc + 1, sizeof *a.files);
	m.text = calloc((size_t)argc + 1, sizeof *m.text);
	if (!a.files || !m.text) {
		fprintf(stderr, "stasim: out of memory\n");
		rc = SIM_EXIT_FAIL;
		goto out;
	}
	if ((rc = merge_args(argc, argv, &a))) {
		rc = rc == OPT_HELP ? SIM_EXIT_OK : rc;
		goto out;
	}
	rc = SIM_EXIT_USAGE;
	for (i = 0; i < a.n; i++)
		if (mg_read(&m, a.files[i], i, &err)) {
			print_err(&err, rc);
			goto out;
		}
	if ((rc = mg_dedup(&m, a.files, &err))) {
		print_err(&err, rc);
		goto out;
	}
	rc = mg_write(&m, a.out, &err) ? print_err(&err, SIM_EXIT_USAGE) :
		SIM_EXIT_OK;
out:
	for (i = 0; i < m.n_files; i++)
		free(m.text[i]);
	free(m.text);
	free(m.rows);
	free(a.files);
	return rc;
}
