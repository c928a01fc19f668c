/*
 * area.h - the silicon area of a design point, and the leakage that
 * follows from it (docs/ppa.md "Area", "Leakage").
 *
 * Logic: each compute unit composes its own area (struct unit_class.area)
 * from synthesized components times their instance counts: the engine's
 * PE x rows x cols, its per-row and per-column edges and its fixed
 * controller; a lane x lanes plus a shared part for the softmax and vector
 * units; the gate unit's core plus its softmax data path; the shared
 * controller rtl/fu.v once per unit that has one. A component's area at a
 * parameter set comes from the built-in table (sim/area_table.c, written
 * by `make area-table`) or the user cache ($XDG_CACHE_HOME/stasim/
 * area-nangate45.tsv, else ~/.cache/stasim/, written by `stasim area`).
 * SRAM: bits x a published 45 nm bit cell / array efficiency.
 *
 * A parameter set in neither is synthesized only by `stasim area` (yosys,
 * minutes, then cached). Everywhere else (run, sweep, the mapper) it is
 * scaled from the nearest synthesized set of the same component by the
 * component's size rule, and the report names it as estimated: a run
 * never waits for synthesis and never fails for want of it.
 *
 * Invariant: the area of a config depends only on the config and the
 * table and cache contents, never on the order units ask for components.
 */
#ifndef SIM_AREA_H
#define SIM_AREA_H

#include <stdint.h>
#include <stdio.h>

#include "err.h"
#include "unit.h"

/* 45 nm SRAM (docs/ppa.md): Intel's 6T cell and the array efficiency of
 * a CACTI-derived FreePDK45 macro. */
#define AREA_SRAM_CELL_UM2 0.346	/* um^2 per bit cell */
#define AREA_SRAM_EFFICIENCY 0.655	/* bit cells / macro area */

#define AREA_PARTS_MAX 8		/* parts of one unit */
#define AREA_UNITS_MAX (UNIT_MAX + 1)	/* compute units and the SRAM */
#define AREA_KEY_MAX 160		/* a parameter set, as NAME=VALUE words */
#define AREA_CACHE_MAX 256		/* user cache lines read */
#define AREA_EST_MAX 1600		/* the estimated components, as text */

/* One synthesized component at one parameter set. */
struct area_entry {
	const char *comp;	/* "sde.pe" */
	const char *key;	/* "N_MAX=4 M_MAX=16 ..." or "-" */
	double um2;		/* cell area */
	const char *how;	/* the synthesized points it is from */
};

/* The built-in table (sim/area_table.c), ended by a NULL comp. */
extern const struct area_entry area_table[];

/*
 * What a unit asks for. Sets that differ in a parameter named in `exact`
 * are never scaled into each other (an online softmax lane is no ita
 * lane); `size` is the component's relative size at a key, the ratio by
 * which a synthesized set's area is scaled to a missing one (docs/ppa.md
 * "Estimates"); NULL when its parameters do not change its size.
 */
struct area_comp {
	const char *unit;	/* rtl/synth/area.sh's unit word: "sde" */
	const char *name;	/* "sde.pe" */
	const char *exact;	/* space-separated parameter names, or "" */
	double (*size)(const char *key);	/* or NULL */
};

struct area_part {
	const char *name;	/* "pe", "lane", "controller", "act" ... */
	double count;		/* instances (bits for SRAM) */
	double each_um2;	/* area of one instance */
};

struct area_unit {
	const char *name;	/* the unit class's name, or "sram" */
	uint32_t n;		/* parts in use */
	struct area_part part[AREA_PARTS_MAX];
	double um2;		/* sum of count x each over the parts */
};

struct area_report {
	char config[64];	/* the config's name */
	uint32_t n;		/* units in use */
	struct area_unit unit[AREA_UNITS_MAX];
	double logic_um2;	/* the compute units */
	double sram_um2;	/* the buffers */
	double total_um2;	/* both */
	char estimated[AREA_EST_MAX];	/* "" when every component was
					 * synthesized at its parameters; else
					 * "sde.pe N_MAX=8 ...; ..." */
};

/* Where components come from; one per area_config call or process. */
struct area_ctx {
	char table_path[1024];	/* STASIM_AREA_TABLE, or "": built in */
	char cache[1024];	/* the user cache file */
	char script[1024];	/* rtl/synth/area.sh of the source tree, or "" */
	int synth;		/* 1: synthesize a missing key (stasim area);
				 * 0: scale it (run, sweep) */
	uint32_t n;		/* entries in e[] */
	struct area_entry *e;	/* the table, then the cache (owned) */
	char *table_text;	/* the table file's text (owned), or NULL */
	char *cache_text;	/* the cache's text (owned), or NULL */
	char est[AREA_EST_MAX];	/* what area_component estimated */
	const char *why;	/* why a wanted synthesis did not run */
};

/*
 * The table, cache and script of this installation (env: XDG_CACHE_HOME,
 * HOME; STASIM_AREA_TABLE names a table file read instead of the built-in
 * one; STASIM_AREA_SYNTH=0 turns synthesis off). Reads the table file and
 * the cache (bounded: 1 MiB each, AREA_CACHE_MAX cache lines). 0, or -1
 * with err (a table file that cannot be read or has a bad line, a cache
 * that exists but cannot be read; out of memory). A missing cache is an
 * empty one; a bad cache line is skipped.
 */
int area_ctx_init(struct area_ctx *c, int synth, struct sim_err *err);
void area_ctx_free(struct area_ctx *c);

/*
 * The area of one instance of comp at parameter set key ("N_MAX=4 M_MAX=16
 * ...", "-" for none) into *um2: the table, then the cache; else, when
 * c->synth and yosys and the source tree are there, synthesized once (a
 * few minutes) and appended to the cache; else scaled from the nearest
 * set of the same component (recorded in c->est; c->why says why a wanted
 * synthesis did not run). Returns 0, or -1 with err: no set of comp to
 * scale from, or synthesis that failed (the message names the component,
 * the parameters and the command).
 */
int area_component(struct area_ctx *c, const struct area_comp *comp,
		   const char *key, double *um2, struct sim_err *err);

/* The value of parameter name in key ("A=1 B=2"), or -1 when absent. */
double area_param(const char *key, const char *name);

/* Append a part to u (count instances of each_um2). */
void area_add(struct area_unit *u, const char *name, double count,
	      double each_um2);

/* The area of cfg's units (reg's classes with an area hook) and SRAM
 * buffers into *a. 0, or -1 with err (a component that is missing). */
int area_config(const struct unit_registry *reg, const struct config *cfg,
		struct area_ctx *c, struct area_report *a,
		struct sim_err *err);

/* The same with a context of its own that never synthesizes (run, sweep,
 * the mapper): 0, or -1 with err. */
int area_of(const struct unit_registry *reg, const struct config *cfg,
	    struct area_report *a, struct sim_err *err);

/* The SRAM buffers (act, wgt, out; capacity, whatever the banking). */
void area_sram(const struct config *cfg, struct area_unit *u);

/* Unit u's area in a, or 0 when a has no such unit. */
double area_unit_um2(const struct area_report *a, const char *name);

/*
 * Leakage power from area (docs/ppa.md "Leakage"): each compute unit's
 * logic area x cfg's [leakage] logic_nw_per_um2, the buffers' bits x
 * sram_nw_per_bit, the DMA's dma_pj_per_cycle; as pJ per ns, indexed by
 * enum energy_unit, into cfg->leak_pj_ns.
 */
void area_leakage(const struct unit_registry *reg, const struct area_report *a,
		  struct config *cfg);

enum area_format { AREA_TXT, AREA_JSON, AREA_CSV };
/* "txt" | "json" | "csv": 0, or -1. */
int area_parse_format(const char *s, enum area_format *f);
/* The whole breakdown (stasim area). */
void area_write(const struct area_report *a, enum area_format fmt, FILE *f);
/* The report's "area" object: per unit and total, um^2 and mm^2, at
 * indent spaces (no trailing newline). */
void area_write_json_object(const struct area_report *a, int indent, FILE *f);
/* One line: "area: T mm2 (sde x, vec y, ...)" (no newline). */
void area_write_line(const struct area_report *a, FILE *f);

#endif
