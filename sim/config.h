/*
 * config.h - the validated architecture configuration.
 *
 * A config is read from an INI file (lib/ini.h) and checked key by key
 * against the schema in config_schema.c; the result is plain numbers that
 * every unit reads and never writes. Invariant: a struct config returned
 * by config_load() with status 0 satisfies every range in docs/config.md,
 * n_max <= m_max, and its energy table has been loaded and validated too.
 */
#ifndef SIM_CONFIG_H
#define SIM_CONFIG_H

#include <stdint.h>
#include <stdio.h>

#include "err.h"

/* Every enum-valued key is stored as an int holding one of these. */
enum cfg_index_format {
	CFG_IDX_INDICES = 0,	/* N values + N * ceil(log2 M) index bits per group */
	CFG_IDX_BITMAP = 1	/* N values + an M-bit presence mask per group */
};

enum cfg_smx_algo {
	CFG_SMX_ONLINE = 0,	/* Edge-MoE single pass, normalization fused into A.V */
	CFG_SMX_ITA = 1,	/* ITA integer streaming softmax */
	CFG_SMX_THREEPASS = 2	/* max, exp-and-sum, normalize */
};

enum cfg_gelu { CFG_GELU_TABLE = 0, CFG_GELU_IGELU = 1 };

/* [systemc]: how stasim-sc builds a unit. */
enum cfg_impl { CFG_IMPL_C = 0, CFG_IMPL_RTL = 1 };

enum cfg_moe_order {
	CFG_MOE_EXPERT = 0,	/* expert-major: each active expert's weights once */
	CFG_MOE_TOKEN = 1	/* token-major baseline: weights per block of tokens */
};

/* [mapper]: how an engine op's tiling is chosen (docs/models.md, "Mapper"). */
enum cfg_map_search {
	CFG_MAP_EXHAUSTIVE = 0,	/* every candidate estimated, the best simulated */
	CFG_MAP_GREEDY = 1,	/* a few candidates, chosen by the estimate */
	CFG_MAP_FIXED = 2	/* the fixed rule: the largest tiles that fit */
};
enum cfg_map_objective { CFG_OBJ_CYCLES = 0, CFG_OBJ_ENERGY = 1, CFG_OBJ_EDP = 2 };

/* A mapping imposed on every engine op (the mapper's own trial runs). */
struct cfg_map_force {
	int valid;		/* 1: plan with these instead of searching */
	uint32_t tm, tn, tk;	/* SRAM tile */
	int m_outer;		/* loop order */
	int psum;		/* k-slices outside the array tiles, sums in the out buffer */
	int o_whole;		/* output tiles take the whole out buffer, no ping-pong */
	int a_res, b_res, o_res;	/* the op's operands / output on chip */
};

/* Energy per action; every number's source is in docs/ppa.md. */
struct energy_table {
	char path[512];			/* file it was read from */
	double mult8_pj;		/* one 8x8-bit integer multiply */
	double mult16_pj;		/* one 16x16-bit integer multiply */
	double add8_pj;			/* one 8-bit integer add */
	double add32_pj;		/* one 32-bit integer add (accumulate, adder tree) */
	double mux2_bit_pj;		/* one 2:1 multiplexer bit select */
	double reg_bit_pj;		/* one pipeline register bit written */
	double sram_8kib_pj_per_64b;	/* 64-bit access, 8 KiB array */
	double sram_32kib_pj_per_64b;	/* 64-bit access, 32 KiB array */
	double sram_1mib_pj_per_64b;	/* 64-bit access, 1 MiB array */
	double sram_write_factor;	/* write energy / read energy */
	double dram_pj_per_bit;		/* DRAM interface + core, per bit moved */
	double leak_logic_nw_per_um2;	/* logic leakage power per cell area */
	double leak_sram_nw_per_bit;	/* SRAM leakage power per bit */
	double leak_dma_pj_per_cycle;	/* leakage of the DMA engine + PHY, per cycle */
	double exp_pj;			/* one fixed-point exponential */
	double div_pj;			/* one reciprocal or integer division */
	double cmp_pj;			/* one 8-bit compare (max tracking) */
	double lut_pj;			/* one small-table read (GELU, exp) */
	double shift_pj;		/* one barrel shift */
	double isqrt_pj;		/* one integer inverse square root */
};

#define CONFIG_EU_MAX 8			/* >= EU_COUNT (sim/energy.h) */

struct config {
	char path[512];			/* file it was read from */
	char name[64];			/* [arch] name: label used in reports */
	double clock_mhz;		/* [arch] clock_mhz: engine clock, MHz */

	uint32_t rows;			/* [engine] rows: PE rows (output rows in flight) */
	uint32_t cols;			/* [engine] cols: PE columns (output cols in flight) */
	uint32_t n_max;			/* [engine] n_max: multipliers per PE */
	uint32_t m_max;			/* [engine] m_max: inputs of each index mux */
	uint32_t act_bits;		/* [engine] act_bits: 8 or 16 */
	uint32_t weight_bits;		/* [engine] weight_bits: 8 or 16 */
	enum cfg_index_format index_format; /* [engine] index_format */
	int acc_double_buffer;		/* [engine] acc_double_buffer: shadow accumulators */

	uint32_t act_kib;		/* [sram] act_kib: activation buffer, KiB */
	uint32_t wgt_kib;		/* [sram] wgt_kib: weight buffer, KiB */
	uint32_t out_kib;		/* [sram] out_kib: output buffer, KiB */
	int double_buffer;		/* [sram] double_buffer: ping-pong halves */

	double dram_gbps;		/* [dram] bandwidth_gbps: GB/s (10^9 B/s) */
	double dram_latency_ns;		/* [dram] latency_ns: request to first data */
	uint32_t burst_bytes;		/* [dram] burst_bytes: transfer granule, power of 2 */
	uint32_t dma_queue;		/* [dma] queue_depth: commands in flight */

	uint32_t smx_lanes;		/* [softmax] lanes: scores taken per cycle */
	int smx_algo;			/* [softmax] algorithm: enum cfg_smx_algo */
	int smx_fused;			/* [softmax] fused: scores stream from the engine */
	uint32_t smx_exp_latency;	/* [softmax] exp_latency: cycles */
	uint32_t smx_recip_latency;	/* [softmax] recip_latency: cycles */
	uint32_t smx_dividers;		/* [softmax] dividers: ita divider stages */
	uint32_t smx_div_latency;	/* [softmax] div_latency: cycles per division */
	uint32_t smx_in_frac;		/* [softmax] in_frac: fractional bits of scores */
	int smx_ita_eps32;		/* [softmax] ita_eps32: finer ita shifts */

	uint32_t vec_lanes;		/* [vector] lanes: elements per cycle */
	int vec_gelu;			/* [vector] gelu: enum cfg_gelu */
	int vec_gelu_fused;		/* [vector] gelu_fused: GELU on the FC1 drain */
	uint32_t vec_latency;		/* [vector] latency: pipeline cycles */
	uint32_t vec_isqrt_latency;	/* [vector] isqrt_latency: cycles */
	uint32_t vec_table_step_log2;	/* [vector] gelu_table_step_log2 */
	double vec_table_range;		/* [vector] gelu_table_range: table covers [0, r] */
	uint32_t vec_in_frac;		/* [vector] in_frac: fractional bits in */
	uint32_t vec_out_frac;		/* [vector] out_frac: fractional bits out */

	uint32_t gate_gemv_width;	/* [gate] gemv_width: logits MACs/cycle, 0 = engine */
	uint32_t gate_sorters;		/* [gate] sorters: parallel top-k sorters */
	int gate_renorm;		/* [gate] renorm: scores renormalized over top-k */
	int moe_order;			/* [gate] order: enum cfg_moe_order */
	uint32_t moe_token_block;	/* [gate] token_block: tokens per block, token-major */

	int map_search;			/* [mapper] search: enum cfg_map_search */
	int map_objective;		/* [mapper] objective: enum cfg_map_objective */
	struct cfg_map_force map_force;	/* internal: the mapper's trial runs */

	int sc_engine;			/* [systemc] engine: enum cfg_impl */
	int sc_softmax;			/* [systemc] softmax: enum cfg_impl */
	int sc_gate;			/* [systemc] gate: enum cfg_impl */

	struct energy_table energy;	/* [energy] table: loaded energy table */

	/* derived, not read: leakage power per energy unit (enum
	 * energy_unit) in pJ per ns, from the config's area (sim/area.h
	 * area_leakage). run_sim sets it on its copy of the config, and
	 * energy and the mapper run only inside run_sim. */
	double leak_pj_ns[CONFIG_EU_MAX];
};

/*
 * Read, validate and fill *cfg from the INI file at path; defaults fill every
 * key not given (an empty file is a valid config). A relative energy table is
 * looked for beside the config file, then in the installed configs/ (see
 * config_installed_dir), then in STASIM_SRC_DIR/configs; the first that
 * exists is read. Returns 0, or -1 with err naming file, line and
 * "section.key"; a table found nowhere is the config's error on
 * energy.table, listing every place looked at. Work: two small files read,
 * at most three stat() calls and one readlink().
 */
int config_load(const char *path, struct config *cfg, struct sim_err *err);

/*
 * The installed configs/ directory of the executable at exe, found relative
 * to it so that PREFIX and DESTDIR stay relocatable: exe's directory's
 * parent + "/share/stasim/configs" ("/usr/local/bin/stasim" gives
 * "/usr/local/share/stasim/configs"). Pure string work, no file looked at.
 * Returns 0, or -1 when exe has no parent directory or buf (n bytes) is too
 * small.
 */
int config_installed_dir(const char *exe, char *buf, size_t n);

/*
 * Apply one override to a loaded config: key is "section.key", value the
 * text that would follow '=' in a config file (already trimmed). The same
 * schema row parses and range-checks it, then n_max <= m_max is checked on
 * the result. energy.table cannot be set. Returns 0; -1 when the value is
 * rejected; -2 when key names no settable key. On error *cfg is unchanged
 * and err names cfg->path, line 0, field = key.
 */
int config_set(struct config *cfg, const char *key, const char *value,
	       struct sim_err *err);

/* Fill *cfg with every default (no file); energy table left zeroed. */
void config_defaults(struct config *cfg);

/* Print the effective config, defaults included, as a loadable INI file. */
void config_print(const struct config *cfg, FILE *f);

/* Derived quantities, computed once from a valid config. */
uint64_t config_dram_latency_cycles(const struct config *cfg);
/* DRAM bytes per cycle in 16.16 fixed point (at least 1). */
uint64_t config_dram_bpc_fx(const struct config *cfg);
double config_dram_bytes_per_cycle(const struct config *cfg);

#endif
