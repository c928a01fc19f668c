/*
 * config.c - schema-driven loader for the architecture config and its
 * energy table (see config.h, docs/config.md, docs/energy.md).
 *
 * Both files are INI, read by libinih through our own line reader: Debian's
 * inih is built without INI_HANDLER_LINENO, so the reader counts lines into
 * the parse state, and it also rejects lines longer than inih's fixed buffer
 * (inih itself would silently split them). One schema row per key drives
 * parsing, defaults, range checks and config_print; nothing else knows a key.
 *
 * A relative energy table is looked for beside the config, then in the
 * installed configs/ (found from the running binary), then in the source
 * tree's (load_energy); the places are computed on each load, never cached.
 *
 * Invariant: *cfg is written only when config_load() returns 0, and then
 * every field lies inside its schema row's range, n_max <= m_max, and
 * cfg->energy holds a complete, range-checked table read from energy.path.
 */
#define _XOPEN_SOURCE 700	/* realpath(), readlink() */

#include "config.h"

#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <ini.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/num.h"

#define KEYS_MAX 64		/* rows in the largest schema */
#define FIELD_SIZE (sizeof(((struct sim_err *)0)->field))
#define MSG_SIZE (sizeof(((struct sim_err *)0)->msg))
#define PATH_BUF 1024		/* a searched directory or candidate table path */

enum ktype {
	K_UINT,		/* uint32_t: decimal digits only */
	K_DOUBLE,	/* double: strtod, finite */
	K_BOOL,		/* int 0/1: true/false/yes/no/1/0 */
	K_ENUM,		/* int: index of one of key.names */
	K_NAME,		/* char[max + 1]: [A-Za-z0-9._-], min..max chars */
	K_PATH		/* char[max + 1]: resolved after parsing */
};

enum {
	KF_POW2 = 1,	/* K_UINT: must be a power of two */
	KF_8OR16 = 2	/* K_UINT: must be exactly 8 or 16 */
};

struct key {
	const char *sect;	/* INI section */
	const char *name;	/* INI key */
	enum ktype type;	/* how the text is parsed and stored */
	size_t off;		/* offset of the field in the target struct */
	double min, max;	/* inclusive range; length for K_NAME/K_PATH */
	unsigned flags;		/* KF_* checks beyond the range */
	const char *const *names; /* K_ENUM: value names, by enum value */
	const char *def;	/* default as text; NULL = key required */
	const char *unit;	/* unit shown with the range */
	const char *meaning;	/* one line, printed above the key */
};

struct schema {
	const struct key *keys;	/* rows, in print order */
	int n;			/* number of rows */
};

#define CFG(f) offsetof(struct config, f)
#define EN(f) offsetof(struct energy_table, f)
#define KIB_MAX 1048576.0	/* 1 GiB per buffer: far beyond any die */

static const char *const idx_names[] = { "indices", "bitmap", NULL };
static const char *const smx_names[] = { "online", "ita", "threepass", NULL };
static const char *const gelu_names[] = { "table", "igelu", NULL };
static const char *const order_names[] = { "expert", "token", NULL };
static const char *const impl_names[] = { "c", "rtl", NULL };

static const struct key cfg_keys[] = {
	{ "arch", "name", K_NAME, CFG(name), 1, 63, 0, NULL, "sta-default",
	  "label", "design name used in reports" },
	{ "arch", "clock_mhz", K_DOUBLE, CFG(clock_mhz), 1, 10000, 0, NULL,
	  "1000", "MHz", "engine clock frequency" },
	{ "engine", "rows", K_UINT, CFG(rows), 1, 256, 0, NULL, "32",
	  "PEs", "PE rows (output rows in flight)" },
	{ "engine", "cols", K_UINT, CFG(cols), 1, 256, 0, NULL, "32",
	  "PEs", "PE columns (output columns in flight)" },
	{ "engine", "n_max", K_UINT, CFG(n_max), 1, 16, 0, NULL, "4",
	  "multipliers", "multipliers per PE (largest N of N:M)" },
	{ "engine", "m_max", K_UINT, CFG(m_max), 1, 64, 0, NULL, "16",
	  "inputs", "inputs of each index mux (largest M of N:M)" },
	{ "engine", "act_bits", K_UINT, CFG(act_bits), 8, 16, KF_8OR16, NULL,
	  "8", "bits", "activation width" },
	{ "engine", "weight_bits", K_UINT, CFG(weight_bits), 8, 16, KF_8OR16,
	  NULL, "8", "bits", "weight width" },
	{ "engine", "index_format", K_ENUM, CFG(index_format), 0, 1, 0,
	  idx_names, "indices", "format",
	  "kept-weight positions: N*ceil(log2 M) index bits or an M-bit mask" },
	{ "engine", "acc_double_buffer", K_BOOL, CFG(acc_double_buffer), 0, 1,
	  0, NULL, "true", "bool",
	  "shadow accumulators: drain one tile while computing the next" },
	{ "sram", "act_kib", K_UINT, CFG(act_kib), 1, KIB_MAX, 0, NULL, "256",
	  "KiB", "activation buffer size" },
	{ "sram", "wgt_kib", K_UINT, CFG(wgt_kib), 1, KIB_MAX, 0, NULL, "256",
	  "KiB", "weight buffer size (compressed N:M weights)" },
	{ "sram", "out_kib", K_UINT, CFG(out_kib), 1, KIB_MAX, 0, NULL, "128",
	  "KiB", "output buffer size" },
	{ "sram", "double_buffer", K_BOOL, CFG(double_buffer), 0, 1, 0, NULL,
	  "true", "bool", "ping-pong halves: DMA fills one, the engine reads the other" },
	{ "dram", "bandwidth_gbps", K_DOUBLE, CFG(dram_gbps), 0.01, 100000, 0,
	  NULL, "25.6", "GB/s", "peak DRAM bandwidth, 1 GB/s = 10^9 B/s" },
	{ "dram", "latency_ns", K_DOUBLE, CFG(dram_latency_ns), 0, 100000, 0,
	  NULL, "100", "ns", "DRAM request to first data" },
	{ "dram", "burst_bytes", K_UINT, CFG(burst_bytes), 1, 4096, KF_POW2,
	  NULL, "64", "bytes", "DRAM transfer granule" },
	{ "dma", "queue_depth", K_UINT, CFG(dma_queue), 1, 64, 0, NULL, "4",
	  "commands", "DMA commands in flight" },
	{ "softmax", "lanes", K_UINT, CFG(smx_lanes), 1, 4096, 0, NULL, "32",
	  "scores/cycle", "scores the softmax unit takes per cycle" },
	{ "softmax", "algorithm", K_ENUM, CFG(smx_algo), 0, 2, 0, smx_names,
	  "online", "algorithm",
	  "online (single pass), ita (integer streaming) or threepass" },
	{ "softmax", "fused", K_BOOL, CFG(smx_fused), 0, 1, 0, NULL, "true",
	  "bool", "scores stream from the engine into the unit, never to DRAM" },
	{ "softmax", "exp_latency", K_UINT, CFG(smx_exp_latency), 1, 64, 0,
	  NULL, "4", "cycles", "pipeline depth of the exponential" },
	{ "softmax", "recip_latency", K_UINT, CFG(smx_recip_latency), 1, 256,
	  0, NULL, "8", "cycles", "latency of the reciprocal (online, threepass)" },
	{ "softmax", "dividers", K_UINT, CFG(smx_dividers), 1, 256, 0, NULL,
	  "2", "dividers", "ita: divider stages that share one row's division" },
	{ "softmax", "div_latency", K_UINT, CFG(smx_div_latency), 1, 256, 0,
	  NULL, "19", "cycles",
	  "ita: one serial division (19-bit denominator, a bit per cycle)" },
	{ "softmax", "in_frac", K_UINT, CFG(smx_in_frac), 0, 7, 0, NULL, "4",
	  "bits", "fractional bits of the int8 scores" },
	{ "softmax", "ita_eps32", K_BOOL, CFG(smx_ita_eps32), 0, 1, 0, NULL,
	  "false", "bool", "ita: shift by (max - x) / 32 rounded (finer steps)" },
	{ "vector", "lanes", K_UINT, CFG(vec_lanes), 1, 4096, 0, NULL, "32",
	  "elements/cycle", "elements the vector unit takes per cycle" },
	{ "vector", "gelu", K_ENUM, CFG(vec_gelu), 0, 1, 0, gelu_names,
	  "table", "method", "GELU by Edge-MoE's delta table or ITA's i-GELU" },
	{ "vector", "gelu_fused", K_BOOL, CFG(vec_gelu_fused), 0, 1, 0, NULL,
	  "true", "bool", "GELU applied to FC1 outputs as the engine drains them" },
	{ "vector", "latency", K_UINT, CFG(vec_latency), 1, 64, 0, NULL, "4",
	  "cycles", "pipeline depth of the vector lanes" },
	{ "vector", "isqrt_latency", K_UINT, CFG(vec_isqrt_latency), 1, 256,
	  0, NULL, "8", "cycles", "LayerNorm inverse square root latency" },
	{ "vector", "gelu_table_step_log2", K_UINT, CFG(vec_table_step_log2),
	  0, 5, 0, NULL, "5", "log2(1/step)", "GELU table step 2^-k (5: 1/32)" },
	{ "vector", "gelu_table_range", K_DOUBLE, CFG(vec_table_range), 0.25,
	  5.5, 0, NULL, "5.5", "real units", "GELU table covers [0, range]" },
	{ "vector", "in_frac", K_UINT, CFG(vec_in_frac), 0, 7, 0, NULL, "4",
	  "bits", "fractional bits of int8 inputs" },
	{ "vector", "out_frac", K_UINT, CFG(vec_out_frac), 0, 7, 0, NULL, "4",
	  "bits", "fractional bits of int8 outputs" },
	{ "gate", "gemv_width", K_UINT, CFG(gate_gemv_width), 0, 4096, 0,
	  NULL, "64", "MACs/cycle",
	  "router logits datapath width; 0 = logits on the engine" },
	{ "gate", "sorters", K_UINT, CFG(gate_sorters), 1, 64, 0, NULL, "1",
	  "sorters", "top-k sorter candidates a cycle (chained insertion cells)" },
	{ "gate", "renorm", K_BOOL, CFG(gate_renorm), 0, 1, 0, NULL, "false",
	  "bool", "gate scores renormalized over the top-k (M3ViT: false)" },
	{ "gate", "order", K_ENUM, CFG(moe_order), 0, 1, 0, order_names,
	  "expert", "order",
	  "expert-major (weights once per layer) or token-major baseline" },
	{ "gate", "token_block", K_UINT, CFG(moe_token_block), 1, 65536, 0,
	  NULL, "32", "tokens", "token-major: tokens per block" },
	{ "systemc", "engine", K_ENUM, CFG(sc_engine), 0, 1, 0, impl_names,
	  "c", "model", "stasim-sc only: the engine as its C model or as "
	  "Verilated rtl/sde.v" },
	{ "systemc", "softmax", K_ENUM, CFG(sc_softmax), 0, 1, 0, impl_names,
	  "c", "model", "stasim-sc only: the softmax unit as its C model or as "
	  "Verilated rtl/smx.v" },
	{ "systemc", "gate", K_ENUM, CFG(sc_gate), 0, 1, 0, impl_names,
	  "c", "model", "stasim-sc only: the gate unit as its C model or as "
	  "Verilated rtl/gate.v" },
	{ "energy", "table", K_PATH, CFG(energy.path), 1, 511, 0, NULL,
	  "energy/horowitz45-lpddr4.ini", "path",
	  "energy table file; a relative one is looked for beside this file, "
	  "then in the installed and the source configs/" },
};

#define E_MAX 1e6		/* pJ: far above any single action */

static const struct key energy_keys[] = {
	{ "compute", "mult8_pj", K_DOUBLE, EN(mult8_pj), 0, E_MAX, 0, NULL,
	  NULL, "pJ", "one 8x8-bit integer multiply" },
	{ "compute", "mult16_pj", K_DOUBLE, EN(mult16_pj), 0, E_MAX, 0, NULL,
	  NULL, "pJ", "one 16x16-bit integer multiply" },
	{ "compute", "add8_pj", K_DOUBLE, EN(add8_pj), 0, E_MAX, 0, NULL,
	  NULL, "pJ", "one 8-bit integer add" },
	{ "compute", "add32_pj", K_DOUBLE, EN(add32_pj), 0, E_MAX, 0, NULL,
	  NULL, "pJ", "one 32-bit integer add" },
	{ "compute", "mux2_bit_pj", K_DOUBLE, EN(mux2_bit_pj), 0, E_MAX, 0,
	  NULL, NULL, "pJ", "one 2:1 multiplexer bit select" },
	{ "compute", "reg_bit_pj", K_DOUBLE, EN(reg_bit_pj), 0, E_MAX, 0, NULL,
	  NULL, "pJ", "one register bit written" },
	{ "sram", "kib8_pj_per_64b", K_DOUBLE, EN(sram_8kib_pj_per_64b), 0,
	  E_MAX, 0, NULL, NULL, "pJ", "64-bit read of an 8 KiB array" },
	{ "sram", "kib32_pj_per_64b", K_DOUBLE, EN(sram_32kib_pj_per_64b), 0,
	  E_MAX, 0, NULL, NULL, "pJ", "64-bit read of a 32 KiB array" },
	{ "sram", "mib1_pj_per_64b", K_DOUBLE, EN(sram_1mib_pj_per_64b), 0,
	  E_MAX, 0, NULL, NULL, "pJ", "64-bit read of a 1 MiB array" },
	{ "sram", "write_factor", K_DOUBLE, EN(sram_write_factor), 0, E_MAX,
	  0, NULL, NULL, "ratio", "write energy / read energy" },
	{ "dram", "pj_per_bit", K_DOUBLE, EN(dram_pj_per_bit), 0, E_MAX, 0,
	  NULL, NULL, "pJ/bit", "DRAM energy per bit moved" },
	{ "leakage", "pe_pj_per_cycle", K_DOUBLE, EN(leak_pe_pj_per_cycle), 0,
	  E_MAX, 0, NULL, NULL, "pJ/cycle", "leakage of one PE" },
	{ "leakage", "sram_pj_per_kib_cycle", K_DOUBLE,
	  EN(leak_sram_pj_per_kib_cycle), 0, E_MAX, 0, NULL, NULL,
	  "pJ/(KiB*cycle)", "leakage of 1 KiB of SRAM" },
	{ "leakage", "dma_pj_per_cycle", K_DOUBLE, EN(leak_dma_pj_per_cycle),
	  0, E_MAX, 0, NULL, NULL, "pJ/cycle", "leakage of the DMA engine" },
	{ "leakage", "vec_pj_per_lane_cycle", K_DOUBLE,
	  EN(leak_vec_pj_per_lane_cycle), 0, E_MAX, 0, NULL, NULL, "pJ/cycle",
	  "leakage of one vector or softmax lane" },
	{ "nonlinear", "exp_pj", K_DOUBLE, EN(exp_pj), 0, E_MAX, 0, NULL, NULL,
	  "pJ", "one fixed-point exponential" },
	{ "nonlinear", "div_pj", K_DOUBLE, EN(div_pj), 0, E_MAX, 0, NULL, NULL,
	  "pJ", "one reciprocal or integer division" },
	{ "nonlinear", "cmp_pj", K_DOUBLE, EN(cmp_pj), 0, E_MAX, 0, NULL, NULL,
	  "pJ", "one 8-bit compare" },
	{ "nonlinear", "lut_pj", K_DOUBLE, EN(lut_pj), 0, E_MAX, 0, NULL, NULL,
	  "pJ", "one small-table read" },
	{ "nonlinear", "shift_pj", K_DOUBLE, EN(shift_pj), 0, E_MAX, 0, NULL,
	  NULL, "pJ", "one barrel shift" },
	{ "nonlinear", "isqrt_pj", K_DOUBLE, EN(isqrt_pj), 0, E_MAX, 0, NULL,
	  NULL, "pJ", "one integer inverse square root" },
};

#define NKEYS(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const struct schema cfg_schema = { cfg_keys, NKEYS(cfg_keys) };
static const struct schema energy_schema = { energy_keys, NKEYS(energy_keys) };

_Static_assert(NKEYS(cfg_keys) <= KEYS_MAX, "raise KEYS_MAX");
_Static_assert(NKEYS(energy_keys) <= KEYS_MAX, "raise KEYS_MAX");
_Static_assert(sizeof(((struct config *)0)->name) == 64, "name is 63 chars");
_Static_assert(sizeof(((struct config *)0)->energy.path) == 512,
	       "table path is 511 chars");

/* State of one file being parsed; inih hands it to reader and handler. */
struct parse {
	FILE *f;		/* stream being read */
	const char *file;	/* its name, for errors */
	const struct schema *sc; /* keys this file may set */
	void *base;		/* struct the schema offsets point into */
	int *seen;		/* per row: line that set it, 0 = not set */
	int line;		/* 1-based line inih is handling now */
	int sect_line;		/* line of the last [section] header */
	int indented;		/* current line starts with a blank */
	int last;		/* row of the last key handled, -1 = none */
	struct sim_err *err;	/* where the first error goes */
	int err_line;		/* line of the first error, -1 = none yet */
};

static int fail(struct parse *p, int line, const char *field,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Record the first error; returns 0, which inih reads as "handler failed". */
static int fail(struct parse *p, int line, const char *field,
		const char *fmt, ...)
{
	char msg[MSG_SIZE];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	err_set(p->err, p->file, line, field, "%s", msg);
	p->err_line = line;
	return 0;
}

static int find(const struct schema *sc, const char *sect, const char *name)
{
	int i;

	for (i = 0; i < sc->n; i++)
		if (!strcmp(sc->keys[i].sect, sect) &&
		    !strcmp(sc->keys[i].name, name))
			return i;
	return -1;
}

static int sect_known(const struct schema *sc, const char *sect)
{
	int i;

	for (i = 0; i < sc->n; i++)
		if (!strcmp(sc->keys[i].sect, sect))
			return 1;
	return 0;
}

/* snprintf into buf; -1 when the text does not fit. */
static int fit(char *buf, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fit(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	return len < 0 || (size_t)len >= n ? -1 : 0;
}

/* Append s to buf as a list item, keeping buf terminated when it is full. */
static void append(char *buf, size_t n, const char *s)
{
	size_t len = strlen(buf);

	(void)fit(buf + len, n - len, "%s%s", len ? ", " : "", s);
}

/* Section names in schema order, each once. */
static void list_sects(const struct schema *sc, char *buf, size_t n)
{
	int i;

	buf[0] = '\0';
	for (i = 0; i < sc->n; i++)
		if (i == 0 || strcmp(sc->keys[i].sect, sc->keys[i - 1].sect))
			append(buf, n, sc->keys[i].sect);
}

static void list_keys(const struct schema *sc, const char *sect, char *buf,
		      size_t n)
{
	int i;

	buf[0] = '\0';
	for (i = 0; i < sc->n; i++)
		if (!strcmp(sc->keys[i].sect, sect))
			append(buf, n, sc->keys[i].name);
}

/* Allowed values of a row, without its unit: "1..256", "8 or 16", ... */
/* "a or b", "a, b or c": the names of an enum key. */
static void enum_text(const char *const *names, char *buf, size_t n)
{
	size_t used = 0;
	int i;

	buf[0] = 0;
	for (i = 0; names[i] && used < n; i++)
		used += (size_t)snprintf(buf + used, n - used, "%s%s",
					 i == 0 ? "" : names[i + 1] ? ", " : " or ",
					 names[i]);
}

static void range_text(const struct key *k, char *buf, size_t n)
{
	switch (k->type) {
	case K_UINT:
		if (k->flags & KF_8OR16)
			snprintf(buf, n, "8 or 16");
		else
			snprintf(buf, n, "%.0f..%.0f", k->min, k->max);
		break;
	case K_DOUBLE:
		snprintf(buf, n, "%g..%g", k->min, k->max);
		break;
	case K_BOOL:
		snprintf(buf, n, "true or false");
		break;
	case K_ENUM:
		enum_text(k->names, buf, n);
		break;
	case K_NAME:
		snprintf(buf, n, "%.0f..%.0f characters of A-Z a-z 0-9 . _ -",
			 k->min, k->max);
		break;
	case K_PATH:
		snprintf(buf, n, "absolute, or relative: searched as docs/config.md says");
		break;
	}
}

static int store_uint(const struct key *k, void *field, const char *s,
		      char *msg, size_t n)
{
	char range[96];
	uint64_t v = 0;
	int rc = num_u64(s, &v);

	range_text(k, range, sizeof range);
	if (rc < 0) {
		snprintf(msg, n, "malformed unsigned integer '%s' (expected decimal digits only)", s);
		return -1;
	}
	if ((k->flags & KF_8OR16) && (rc > 0 || (v != 8 && v != 16))) {
		snprintf(msg, n, "value %s not allowed (8 or 16 %s)", s, k->unit);
		return -1;
	}
	if (rc > 0 || v < k->min || v > k->max) {
		snprintf(msg, n, "value %s out of range %s %s", s, range, k->unit);
		return -1;
	}
	if ((k->flags & KF_POW2) && (v & (v - 1))) {
		snprintf(msg, n, "value %s is not a power of two (%s %s)", s,
			 range, k->unit);
		return -1;
	}
	*(uint32_t *)field = (uint32_t)v;
	return 0;
}

static int store_double(const struct key *k, void *field, const char *s,
			char *msg, size_t n)
{
	char range[96];
	double v;

	if (num_double(s, &v)) {
		snprintf(msg, n, "malformed number '%s' (expected a finite decimal number)", s);
		return -1;
	}
	if (v < k->min || v > k->max) {
		range_text(k, range, sizeof range);
		snprintf(msg, n, "value %s out of range %s %s", s, range, k->unit);
		return -1;
	}
	*(double *)field = v;
	return 0;
}

static int store_bool(void *field, const char *s, char *msg, size_t n)
{
	if (!strcmp(s, "true") || !strcmp(s, "yes") || !strcmp(s, "1")) {
		*(int *)field = 1;
		return 0;
	}
	if (!strcmp(s, "false") || !strcmp(s, "no") || !strcmp(s, "0")) {
		*(int *)field = 0;
		return 0;
	}
	snprintf(msg, n, "malformed boolean '%s' (expected true, false, yes, no, 1 or 0)", s);
	return -1;
}

static int store_enum(const struct key *k, void *field, const char *s,
		      char *msg, size_t n)
{
	char range[96];
	int i;

	for (i = 0; k->names[i]; i++) {
		if (!strcmp(s, k->names[i])) {
			*(int *)field = i;
			return 0;
		}
	}
	range_text(k, range, sizeof range);
	snprintf(msg, n, "unknown value '%s' (expected %s)", s, range);
	return -1;
}

/* K_NAME and K_PATH: bounded strings; names also have a fixed charset. */
static int store_text(const struct key *k, void *field, const char *s,
		      char *msg, size_t n)
{
	char range[96];
	size_t len = strlen(s);

	range_text(k, range, sizeof range);
	if (len > k->max) {
		snprintf(msg, n, "value is %zu characters long (at most %.0f allowed)",
			 len, k->max);
		return -1;
	}
	if (k->type == K_NAME &&
	    strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		      "0123456789._-") != len) {
		snprintf(msg, n, "invalid name '%s' (allowed: %s)", s, range);
		return -1;
	}
	memcpy(field, s, len + 1);
	return 0;
}

/* Parse text s for row k into base; 0, or -1 with a sentence in msg. */
static int store(const struct key *k, void *base, const char *s, char *msg,
		 size_t n)
{
	void *field = (char *)base + k->off;

	switch (k->type) {
	case K_UINT:
		return store_uint(k, field, s, msg, n);
	case K_DOUBLE:
		return store_double(k, field, s, msg, n);
	case K_BOOL:
		return store_bool(field, s, msg, n);
	case K_ENUM:
		return store_enum(k, field, s, msg, n);
	case K_NAME:
	case K_PATH:
		return store_text(k, field, s, msg, n);
	}
	return -1;
}

/* Shortest %g text that reads back as exactly v, never in e+NN form. */
static void fmt_double(double v, char *buf, size_t n)
{
	int prec;

	for (prec = 1; prec <= 17; prec++) {
		snprintf(buf, n, "%.*g", prec, v);
		if (strtod(buf, NULL) == v && !strstr(buf, "e+"))
			return;
	}
	snprintf(buf, n, "%.17g", v);
}

/* A path as printed by config_print: absolute, so the printed config loads
 * from any directory; as stored when it cannot be resolved. */
static void absolute(const char *path, char *buf, size_t n)
{
	char *real = realpath(path, NULL);

	snprintf(buf, n, "%s", real ? real : path);
	free(real);
}

/* Row k's value in base, as config_load would read it back. */
static void value_text(const struct key *k, const void *base, char *buf,
		       size_t n)
{
	const void *field = (const char *)base + k->off;

	switch (k->type) {
	case K_UINT:
		snprintf(buf, n, "%u", (unsigned)*(const uint32_t *)field);
		break;
	case K_DOUBLE:
		fmt_double(*(const double *)field, buf, n);
		break;
	case K_BOOL:
		snprintf(buf, n, "%s", *(const int *)field ? "true" : "false");
		break;
	case K_ENUM:
		snprintf(buf, n, "%s",
			 k->names[*(const int *)field]);
		break;
	case K_NAME:
		snprintf(buf, n, "%s", (const char *)field);
		break;
	case K_PATH:
		absolute((const char *)field, buf, n);
		break;
	}
}

/* True when c is end of line after skipped blanks. */
static int blank(char c)
{
	return c == '\0' || c == '\n' || c == '\r';
}

static int at_eof(FILE *f)
{
	int c = getc(f);

	if (c == EOF)
		return 1;
	ungetc(c, f);
	return 0;
}

/* Note what the handler needs about the line just read. */
/*
 * A [section] header names a known section, even when no key follows it
 * (inih only reports sections through their keys, so a misspelt section
 * with every key commented out would otherwise pass unnoticed).
 */
static void check_header(struct parse *p, const char *name)
{
	const char *end = strchr(name, ']');
	char sect[64], list[256];

	if (!end || (size_t)(end - name) >= sizeof sect)
		return;	/* inih reports the syntax error */
	memcpy(sect, name, (size_t)(end - name));
	sect[end - name] = 0;
	if (sect_known(p->sc, sect))
		return;
	list_sects(p->sc, list, sizeof list);
	fail(p, p->line, sect, "unknown section [%s] (known sections: %s)",
	     sect, list);
}

static void note_line(struct parse *p, const char *line)
{
	const char *s;

	if (p->line == 1 && !strncmp(line, "\xEF\xBB\xBF", 3))
		line += 3;	/* inih skips a UTF-8 BOM; so do we */
	s = line + strspn(line, " \t");
	p->indented = s != line && !blank(*s);
	if (*s == '[') {
		p->sect_line = p->line;
		check_header(p, s + 1);
	}
}

/*
 * inih's fgets-style reader: one physical line per call, counted, so the
 * handler knows its line. Stops the parse (NULL) after the first error.
 */
static char *read_line(char *buf, int num, void *user)
{
	struct parse *p = user;
	size_t len;

	if (p->err_line >= 0)
		return NULL;
	if (!fgets(buf, num, p->f)) {
		if (ferror(p->f))
			fail(p, 0, "", "cannot read: %s", strerror(errno));
		return NULL;
	}
	p->line++;
	len = strlen(buf);
	if (len == (size_t)num - 1 && buf[len - 1] != '\n' && !at_eof(p->f)) {
		fail(p, p->line, "", "line longer than %d characters", num - 3);
		return NULL;
	}
	note_line(p, buf);
	return buf;
}

static int check_place(struct parse *p, const char *sect, const char *name)
{
	char list[256];

	if (!*sect)
		return fail(p, p->line, name,
			    "key '%s' comes before any [section]", name);
	if (!sect_known(p->sc, sect)) {
		list_sects(p->sc, list, sizeof list);
		return fail(p, p->sect_line, sect,
			    "unknown section [%s] (known sections: %s)", sect,
			    list);
	}
	if (!*name)
		return fail(p, p->line, sect, "line has no key name before '='");
	return 1;
}

/* Row i may be set on this line: not a continuation, not a second time. */
static int check_once(struct parse *p, int i, const char *field)
{
	const char *name = p->sc->keys[i].name;

	if (p->indented && i == p->last)
		return fail(p, p->line, field,
			    "indented line would continue the value of '%s' (multi-line values are not allowed)",
			    name);
	if (p->seen[i])
		return fail(p, p->line, field,
			    "duplicate key '%s' (first set on line %d)", name,
			    p->seen[i]);
	p->seen[i] = p->line;
	p->last = i;
	return 1;
}

/* inih handler: one key = value; returns 1, or 0 after recording an error. */
static int handle(void *user, const char *sect, const char *name,
		  const char *val)
{
	struct parse *p = user;
	char field[FIELD_SIZE], list[256], msg[MSG_SIZE];
	const struct key *k;
	int i;

	if (p->err_line >= 0 || !check_place(p, sect, name))
		return 0;
	snprintf(field, sizeof field, "%s.%s", sect, name);
	i = find(p->sc, sect, name);
	if (i < 0) {
		list_keys(p->sc, sect, list, sizeof list);
		return fail(p, p->line, field,
			    "unknown key '%s' (known keys: %s)", name, list);
	}
	if (!check_once(p, i, field))
		return 0;
	k = &p->sc->keys[i];
	if (!*val) {
		range_text(k, list, sizeof list);
		return fail(p, p->line, field, "empty value (%s, %s)",
			    k->unit, list);
	}
	if (store(k, p->base, val, msg, sizeof msg))
		return fail(p, p->line, field, "%s", msg);
	return 1;
}

/*
 * Parse the open stream f (named file) against sc into base, recording in
 * seen[] the line that set each row. Returns 0 or -1 with err filled with
 * the earliest error: ours, or an inih syntax error on an earlier line.
 */
static int parse_stream(FILE *f, const char *file, const struct schema *sc,
			void *base, int *seen, struct sim_err *err)
{
	struct parse p = {
		.f = f, .file = file, .sc = sc, .base = base, .seen = seen,
		.last = -1, .err = err, .err_line = -1,
	};
	int rc = ini_parse_stream(read_line, &p, handle, &p);

	if (rc > 0 && (p.err_line < 0 || rc < p.err_line))
		return err_set(err, file, rc, "",
			       "syntax error (expected [section], key = value or a ; comment)");
	if (p.err_line >= 0)
		return -1;
	if (rc < 0)
		return err_set(err, file, 0, "", "cannot parse (inih status %d)", rc);
	return 0;
}

/* Same, opening the file first; a file that cannot be opened is line 0. */
static int parse_file(const char *file, const struct schema *sc, void *base,
		      int *seen, struct sim_err *err)
{
	FILE *f = fopen(file, "r");
	int rc;

	if (!f)
		return err_set(err, file, 0, "", "cannot open: %s", strerror(errno));
	rc = parse_stream(f, file, sc, base, seen, err);
	fclose(f);
	return rc;
}

/* Rows without a default must have been set; names the first one missing. */
static int check_required(const struct schema *sc, const int *seen,
			  const char *file, struct sim_err *err)
{
	char field[FIELD_SIZE];
	int i;

	for (i = 0; i < sc->n; i++) {
		if (sc->keys[i].def || seen[i])
			continue;
		snprintf(field, sizeof field, "%s.%s", sc->keys[i].sect,
			 sc->keys[i].name);
		return err_set(err, file, 0, field,
			       "missing required key '%s' in [%s]",
			       sc->keys[i].name, sc->keys[i].sect);
	}
	return 0;
}

static int check_cross(const struct config *c, const int *seen,
		       struct sim_err *err)
{
	int line = seen[find(&cfg_schema, "engine", "n_max")];

	if (!line)
		line = seen[find(&cfg_schema, "engine", "m_max")];
	if (c->n_max > c->m_max)
		return err_set(err, c->path, line, "engine.n_max",
			       "n_max %u exceeds m_max %u (a PE cannot keep more weights than a group holds)",
			       (unsigned)c->n_max, (unsigned)c->m_max);
	return 0;
}

int config_installed_dir(const char *exe, char *buf, size_t n)
{
	const char *name = strrchr(exe, '/');	/* "/stasim" */
	const char *bin = name;			/* start of "bin" */

	if (!name)
		return -1;
	while (bin > exe && bin[-1] != '/')
		bin--;
	if (bin == exe)
		return -1;
	return fit(buf, n, "%.*sshare/stasim/configs", (int)(bin - exe), exe);
}

/* The running executable, from /proc/self/exe; 0, or -1 when unknown. */
static int self_exe(char *buf, size_t n)
{
	ssize_t len = readlink("/proc/self/exe", buf, n);

	if (len <= 0 || (size_t)len >= n)
		return -1;
	buf[len] = '\0';
	return 0;
}

/*
 * Where a relative energy table is looked for, in this order
 * (docs/config.md, "Where the energy table is found").
 */
enum search_step {
	SEARCH_CONFIG_DIR = 0,	/* the config file's own directory */
	SEARCH_INSTALLED = 1,	/* <exe dir>/../share/stasim/configs */
	SEARCH_SOURCE = 2,	/* STASIM_SRC_DIR/configs (the build's tree) */
	SEARCH_STEPS = 3	/* count */
};

/*
 * The directory that search step `step` looks in, as a prefix for a relative
 * path: "" or ending in '/'. Computed on every call, never cached. Returns -1
 * when the step has no directory here (no /proc, no STASIM_SRC_DIR).
 */
static int search_dir(int step, const char *cfg_path, char *buf, size_t n)
{
	const char *slash = strrchr(cfg_path, '/');
	char exe[PATH_BUF], dir[PATH_BUF];

	switch (step) {
	case SEARCH_CONFIG_DIR:
		return fit(buf, n, "%.*s", slash ? (int)(slash - cfg_path + 1) : 0,
			   cfg_path);
	case SEARCH_INSTALLED:
		if (self_exe(exe, sizeof exe) ||
		    config_installed_dir(exe, dir, sizeof dir))
			return -1;
		return fit(buf, n, "%s/", dir);
	case SEARCH_SOURCE:
#ifdef STASIM_SRC_DIR
		return fit(buf, n, "%s/configs/", STASIM_SRC_DIR);
#endif
	default:
		return -1;
	}
}

/* 0 when path names something a table can be read from (not a directory);
 * else an errno value saying why not. */
static int usable(const char *path)
{
	struct stat st;

	if (stat(path, &st))
		return errno;
	return S_ISDIR(st.st_mode) ? EISDIR : 0;
}

/*
 * Look for the relative table rel in each search directory in turn; the
 * first candidate that is usable goes to out. Every candidate looked at is
 * appended to looked. Returns 0, or -1 if none is.
 */
static int search_table(const char *cfg_path, const char *rel, char *out,
			size_t n, char *looked, size_t ln)
{
	char dir[PATH_BUF];
	int step;

	looked[0] = '\0';
	for (step = 0; step < SEARCH_STEPS; step++) {
		if (search_dir(step, cfg_path, dir, sizeof dir) ||
		    fit(out, n, "%s%s", dir, rel))
			continue;
		append(looked, ln, out);
		if (!usable(out))
			return 0;
	}
	return -1;
}

/*
 * Where the config's [energy] table is: an absolute path as given, a
 * relative one by search_table. Errors name the config, the line of the
 * table key (0 when defaulted) and energy.table.
 */
static int locate_table(const struct config *c, int line, char *out,
			size_t n, struct sim_err *err)
{
	const char *table = c->energy.path;
	char looked[MSG_SIZE];
	int e;

	if (table[0] != '/') {
		if (!search_table(c->path, table, out, n, looked, sizeof looked))
			return 0;
		return err_set(err, c->path, line, "energy.table",
			       "%senergy table '%s' not found (looked for %s)",
			       line ? "" : "default ", table, looked);
	}
	e = usable(table);
	if (e)
		return err_set(err, c->path, line, "energy.table",
			       "cannot open energy table '%s': %s", table,
			       strerror(e));
	return fit(out, n, "%s", table);
}

/*
 * Find [energy] table (locate_table), store the path it was found at
 * (relative when the config's was and the table is beside it, so reports do
 * not depend on where the tree lives) and read the table.
 */
static int load_energy(struct config *c, int line, struct sim_err *err)
{
	struct energy_table t;
	int seen[KEYS_MAX] = { 0 };
	char found[PATH_BUF];

	if (locate_table(c, line, found, sizeof found, err))
		return -1;
	memset(&t, 0, sizeof t);
	if (strlen(found) >= sizeof t.path)
		return err_set(err, c->path, line, "energy.table",
			       "resolved energy table path longer than %zu characters",
			       sizeof t.path - 1);
	strcpy(t.path, found);
	if (parse_file(found, &energy_schema, &t, seen, err) ||
	    check_required(&energy_schema, seen, found, err))
		return -1;
	c->energy = t;
	return 0;
}

int config_load(const char *path, struct config *cfg, struct sim_err *err)
{
	int seen[KEYS_MAX] = { 0 };
	int table = find(&cfg_schema, "energy", "table");
	struct config c;

	config_defaults(&c);
	if (strlen(path) >= sizeof c.path)
		return err_set(err, path, 0, "", "file name longer than %zu characters",
			       sizeof c.path - 1);
	strcpy(c.path, path);
	if (parse_file(path, &cfg_schema, &c, seen, err) ||
	    check_cross(&c, seen, err))
		return -1;
	if (!seen[table])
		strcpy(c.energy.path, cfg_keys[table].def);
	if (load_energy(&c, seen[table], err))
		return -1;
	*cfg = c;
	return 0;
}

/*
 * One "section.key" = value override, checked as if the line stood in the
 * config file: the schema row parses and range-checks it, then the cross-key
 * rule is checked on the result. Errors name cfg->path, line 0 and the key.
 */
int config_set(struct config *cfg, const char *key, const char *value,
	       struct sim_err *err)
{
	const char *dot = strchr(key, '.');
	char sect[64], list[256], msg[MSG_SIZE];
	const struct key *k;
	struct config c;
	int i;

	if (!dot || dot == key || !dot[1] || (size_t)(dot - key) >= sizeof sect)
		return err_set(err, cfg->path, 0, key,
			       "not a config key (expected section.key)"), -2;
	memcpy(sect, key, (size_t)(dot - key));
	sect[dot - key] = '\0';
	if (!sect_known(&cfg_schema, sect)) {
		list_sects(&cfg_schema, list, sizeof list);
		return err_set(err, cfg->path, 0, key,
			       "unknown section [%s] (known sections: %s)",
			       sect, list), -2;
	}
	i = find(&cfg_schema, sect, dot + 1);
	if (i < 0) {
		list_keys(&cfg_schema, sect, list, sizeof list);
		return err_set(err, cfg->path, 0, key,
			       "unknown key '%s' (known keys: %s)", dot + 1,
			       list), -2;
	}
	k = &cfg_keys[i];
	if (k->type == K_PATH)
		return err_set(err, cfg->path, 0, key,
			       "cannot be overridden (name the table in the base config)"), -2;
	if (!*value) {
		range_text(k, list, sizeof list);
		return err_set(err, cfg->path, 0, key, "empty value (%s, %s)",
			       k->unit, list);
	}
	c = *cfg;
	if (store(k, &c, value, msg, sizeof msg))
		return err_set(err, cfg->path, 0, key, "%s", msg);
	if (c.n_max > c.m_max)
		return err_set(err, cfg->path, 0, key,
			       "n_max %u exceeds m_max %u (a PE cannot keep more weights than a group holds)",
			       (unsigned)c.n_max, (unsigned)c.m_max);
	*cfg = c;
	return 0;
}

void config_defaults(struct config *cfg)
{
	char msg[MSG_SIZE];
	int i, rc;

	memset(cfg, 0, sizeof *cfg);
	for (i = 0; i < cfg_schema.n; i++) {
		if (cfg_keys[i].type == K_PATH)
			continue;	/* the energy table stays zeroed */
		rc = store(&cfg_keys[i], cfg, cfg_keys[i].def, msg, sizeof msg);
		assert(rc == 0 && "schema default outside its own range");
		(void)rc;
	}
}

/* Longest line print_key writes with its comment beside the value; inih's
 * buffer holds 197 characters, so a longer value gets its comment below. */
#define PRINT_LINE_MAX 190

static void print_key(const struct key *k, const void *base, FILE *f)
{
	char val[600], note[160];
	size_t len;

	value_text(k, base, val, sizeof val);
	range_text(k, note, sizeof note);
	len = strlen(k->name) + strlen(val) + strlen(note) + strlen(k->unit);
	fprintf(f, "; %s\n%s = %s%s; %s, %s%s\n", k->meaning, k->name, val,
		len + 24 > PRINT_LINE_MAX ? "\n" : "\t", k->unit, note,
		(k->flags & KF_POW2) ? ", power of two" : "");
}

/* The loaded table's values, as comments: they live in the table file. */
static void print_table(const struct energy_table *t, FILE *f)
{
	char val[64];
	int i;

	fprintf(f, "; values read from that table (set them there, not here):\n");
	for (i = 0; i < energy_schema.n; i++) {
		value_text(&energy_keys[i], t, val, sizeof val);
		fprintf(f, ";   [%s] %s = %s %s\n", energy_keys[i].sect,
			energy_keys[i].name, val, energy_keys[i].unit);
	}
}

void config_print(const struct config *cfg, FILE *f)
{
	struct config c = *cfg;
	int i;

	if (!c.energy.path[0])
		strcpy(c.energy.path, cfg_keys[find(&cfg_schema, "energy", "table")].def);
	fprintf(f, "; stasim effective configuration%s%s\n",
		c.path[0] ? " of " : " (defaults)", c.path);
	fprintf(f, "; every key is listed; reload this file with stasim -c\n");
	for (i = 0; i < cfg_schema.n; i++) {
		if (i == 0 || strcmp(cfg_keys[i].sect, cfg_keys[i - 1].sect))
			fprintf(f, "\n[%s]\n", cfg_keys[i].sect);
		print_key(&cfg_keys[i], &c, f);
	}
	if (cfg->energy.path[0])
		print_table(&cfg->energy, f);
}

/* Relative guard so a decimal input that is exact on paper (150 ns at 300
 * MHz = 45 cycles) is not pushed one step by binary rounding. */
#define ROUND_GUARD 1e-12

uint64_t config_dram_latency_cycles(const struct config *cfg)
{
	double x = cfg->dram_latency_ns * cfg->clock_mhz / 1000.0;
	double y = x * (1.0 - ROUND_GUARD);
	uint64_t c = (uint64_t)y;	/* y >= 0: truncation is floor */

	return (double)c < y ? c + 1 : c;
}

double config_dram_bytes_per_cycle(const struct config *cfg)
{
	return cfg->dram_gbps * 1000.0 / cfg->clock_mhz;
}

uint64_t config_dram_bpc_fx(const struct config *cfg)
{
	double x = config_dram_bytes_per_cycle(cfg) * 65536.0;
	uint64_t fx = (uint64_t)(x * (1.0 + ROUND_GUARD)); /* x > 0: floor */

	return fx ? fx : 1;
}
