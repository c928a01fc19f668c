/*
 * area.h - the silicon area of a design point (docs/energy.md "Area").
 *
 * Logic: each compute unit composes its own area (struct unit_class.area)
 * from synthesized components times their instance counts: the engine's
 * PE x rows x cols, its per-row and per-column edges and its fixed
 * controller; a lane x lanes plus a shared part for the softmax and vector
 * units; the gate unit's core plus its softmax data path; the shared
 * controller rtl/fu.v once per unit that has one. A component's area comes
 * from the shipped table (configs/area/nangate45.tsv, `make area-table`)
 * or the user cache ($XDG_CACHE_HOME/stasim/area-nangate45.tsv, else
 * ~/.cache/stasim/), keyed by (component, parameter set); a key in neither
 * is synthesized once with yosys (rtl/synth/area.sh) and appended to the
 * cache. SRAM: bits x a published 45 nm bit cell / array efficiency.
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

/* 45 nm SRAM (docs/energy.md): Intel's 6T cell and the array efficiency of
 * a CACTI-derived FreePDK45 macro. */
#define AREA_SRAM_CELL_UM2 0.346	/* um^2 per bit cell */
#define AREA_SRAM_EFFICIENCY 0.655	/* bit cells / macro area */

#define AREA_PARTS_MAX 8		/* parts of one unit */
#define AREA_UNITS_MAX (UNIT_MAX + 1)	/* compute units and the SRAM */
#define AREA_KEY_MAX 160		/* a parameter set, as NAME=VALUE words */

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
	const char *config;	/* the config's name */
	uint32_t n;		/* units in use */
	struct area_unit unit[AREA_UNITS_MAX];
	double logic_um2;	/* the compute units */
	double sram_um2;	/* the buffers */
	double total_um2;	/* both */
};

/* Where components come from; one per area_config call. */
struct area_ctx {
	char table[1024];	/* the shipped table, "" if none found */
	char cache[1024];	/* the user cache file */
	char script[1024];	/* rtl/synth/area.sh of the source tree, or "" */
	int synth;		/* 1: synthesize a missing key (if yosys is
				 * installed); 0: a missing key is an error */
};

/* The table, cache and script of this installation (env: XDG_CACHE_HOME,
 * HOME; STASIM_AREA_TABLE overrides the table; STASIM_AREA_SYNTH=0 turns
 * synthesis off, as the test suites do). synth as in struct area_ctx. */
void area_ctx_init(struct area_ctx *c, int synth);

/*
 * The area of component comp ("sde.pe") at parameter set key ("N_MAX=4
 * M_MAX=16 ..."), of unit word unit ("sde": what rtl/synth/area.sh
 * synthesizes), into *um2. Looks in the table, then the cache; else
 * synthesizes once (a few minutes) and appends to the cache. Returns 0,
 * or -1 with err: the key is missing and cannot be synthesized (no yosys,
 * no source tree, or synthesis failed): the message names the component,
 * the parameters and the command that synthesizes them.
 */
int area_component(struct area_ctx *c, const char *unit, const char *comp,
		   const char *key, double *um2, struct sim_err *err);

/* Append a part to u (count instances of each_um2). */
void area_add(struct area_unit *u, const char *name, double count,
	      double each_um2);

/* The area of cfg's units (reg's classes with an area hook) and SRAM
 * buffers into *a. 0, or -1 with err (a component that is missing). */
int area_config(const struct unit_registry *reg, const struct config *cfg,
		struct area_ctx *c, struct area_report *a,
		struct sim_err *err);

/* The SRAM buffers (act, wgt, out; capacity, whatever the banking). */
void area_sram(const struct config *cfg, struct area_unit *u);

/* Unit u's area in a, or 0 when a has no such unit. */
double area_unit_um2(const struct area_report *a, const char *name);

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
