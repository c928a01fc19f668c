/*
 * config_schema.c - the rows of the config and energy-table schemas
 * (config_schema.h, docs/config.md, docs/ppa.md) and the work done on
 * one row: parsing a value's text into its field with the range checks,
 * printing a field back as loadable text, describing the allowed range.
 *
 * Invariant: cfg_key_store writes the field only when the whole text is a
 * valid value inside the row's range (and power of two, or 8 or 16, when
 * the row says so); cfg_key_value's text reads back as the same value.
 */
#define _XOPEN_SOURCE 700	/* realpath() */

#include "config_schema.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/num.h"

#define CFG(f) offsetof(struct config, f)
#define EN(f) offsetof(struct energy_table, f)
#define KIB_MAX 1048576.0	/* 1 GiB per buffer: far beyond any die */

static const char *const idx_names[] = { "indices", "bitmap", NULL };
static const char *const smx_names[] = { "online", "ita", "threepass", NULL };
static const char *const gelu_names[] = { "table", "igelu", NULL };
static const char *const order_names[] = { "expert", "token", NULL };
static const char *const impl_names[] = { "c", "rtl", NULL };
static const char *const search_names[] = { "exhaustive", "greedy", "fixed",
					    NULL };
static const char *const objective_names[] = { "cycles", "energy", "edp",
					       NULL };

static const struct cfg_key file_keys[] = {
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
	{ "sram", "act_kib", K_UINT, CFG(act_kib), 1, KIB_MAX, 0, NULL, "512",
	  "KiB", "activation buffer size" },
	{ "sram", "wgt_kib", K_UINT, CFG(wgt_kib), 1, KIB_MAX, 0, NULL, "128",
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
	{ "mapper", "search", K_ENUM, CFG(map_search), 0, 2, 0, search_names,
	  "greedy", "method", "engine op tiling: every candidate estimated "
	  "and the best simulated (exhaustive), a few chosen by the estimate "
	  "(greedy), or the fixed largest-tile rule" },
	{ "mapper", "objective", K_ENUM, CFG(map_objective), 0, 2, 0,
	  objective_names, "cycles", "metric",
	  "what the mapper minimizes: cycles, energy or their product" },
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

static const struct cfg_key energy_keys[] = {
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
	{ "leakage", "logic_nw_per_um2", K_DOUBLE, EN(leak_logic_nw_per_um2),
	  0, E_MAX, 0, NULL, NULL, "nW/um^2",
	  "logic leakage power per um^2 of cell area" },
	{ "leakage", "sram_nw_per_bit", K_DOUBLE, EN(leak_sram_nw_per_bit), 0,
	  E_MAX, 0, NULL, NULL, "nW/bit", "SRAM leakage power per bit" },
	{ "leakage", "dma_pj_per_cycle", K_DOUBLE, EN(leak_dma_pj_per_cycle),
	  0, E_MAX, 0, NULL, NULL, "pJ/cycle", "leakage of the DMA engine" },
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

const struct cfg_schema cfg_file_schema = { file_keys, NKEYS(file_keys) };
const struct cfg_schema cfg_energy_schema = { energy_keys, NKEYS(energy_keys) };

_Static_assert(NKEYS(file_keys) <= CFG_KEYS_MAX, "raise CFG_KEYS_MAX");
_Static_assert(NKEYS(energy_keys) <= CFG_KEYS_MAX, "raise CFG_KEYS_MAX");
_Static_assert(sizeof(((struct config *)0)->name) == 64, "name is 63 chars");
_Static_assert(sizeof(((struct config *)0)->energy.path) == 512,
	       "table path is 511 chars");

int cfg_schema_find(const struct cfg_schema *sc, const char *sect,
		    const char *name)
{
	int i;

	for (i = 0; i < sc->n; i++)
		if (!strcmp(sc->keys[i].sect, sect) &&
		    !strcmp(sc->keys[i].name, name))
			return i;
	return -1;
}

int cfg_schema_has_sect(const struct cfg_schema *sc, const char *sect)
{
	int i;

	for (i = 0; i < sc->n; i++)
		if (!strcmp(sc->keys[i].sect, sect))
			return 1;
	return 0;
}

int cfg_fit(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	return len < 0 || (size_t)len >= n ? -1 : 0;
}

/* Append s to buf as a list item, keeping buf terminated when it is full. */
void cfg_append(char *buf, size_t n, const char *s)
{
	size_t len = strlen(buf);

	(void)cfg_fit(buf + len, n - len, "%s%s", len ? ", " : "", s);
}

/* Section names in schema order, each once. */
void cfg_schema_sects(const struct cfg_schema *sc, char *buf, size_t n)
{
	int i;

	buf[0] = '\0';
	for (i = 0; i < sc->n; i++)
		if (i == 0 || strcmp(sc->keys[i].sect, sc->keys[i - 1].sect))
			cfg_append(buf, n, sc->keys[i].sect);
}

void cfg_schema_keys(const struct cfg_schema *sc, const char *sect,
		     char *buf, size_t n)
{
	int i;

	buf[0] = '\0';
	for (i = 0; i < sc->n; i++)
		if (!strcmp(sc->keys[i].sect, sect))
			cfg_append(buf, n, sc->keys[i].name);
}

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

/* Allowed values of a row, without its unit: "1..256", "8 or 16", ... */
void cfg_key_range(const struct cfg_key *k, char *buf, size_t n)
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

static int store_uint(const struct cfg_key *k, void *field, const char *s,
		      char *msg, size_t n)
{
	char range[96];
	uint64_t v = 0;
	int rc = num_u64(s, &v);

	cfg_key_range(k, range, sizeof range);
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

static int store_double(const struct cfg_key *k, void *field, const char *s,
			char *msg, size_t n)
{
	char range[96];
	double v;

	if (num_decimal(s, &v)) {
		snprintf(msg, n, "malformed number '%s' (expected a finite decimal number)", s);
		return -1;
	}
	if (v < k->min || v > k->max) {
		cfg_key_range(k, range, sizeof range);
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

static int store_enum(const struct cfg_key *k, void *field, const char *s,
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
	cfg_key_range(k, range, sizeof range);
	snprintf(msg, n, "unknown value '%s' (expected %s)", s, range);
	return -1;
}

/* K_NAME and K_PATH: bounded strings; names also have a fixed charset. */
static int store_text(const struct cfg_key *k, void *field, const char *s,
		      char *msg, size_t n)
{
	char range[96];
	size_t len = strlen(s);

	cfg_key_range(k, range, sizeof range);
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

int cfg_key_store(const struct cfg_key *k, void *base, const char *s,
		  char *msg, size_t n)
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
void cfg_key_value(const struct cfg_key *k, const void *base, char *buf,
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

