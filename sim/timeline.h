/*
 * timeline.h - what every unit did on every cycle, as segments, written as
 * Chrome / Perfetto trace-event JSON (`stasim run --timeline FILE`).
 *
 * A track is one lane of the picture: a compute unit, the DMA's loads, its
 * stores, the DRAM channel. Whoever owns a track reports each stretch of
 * cycles it accounts for (tl_note: n cycles, which execution entry, busy or
 * stalled and why); equal neighbours grow one segment, so a fast-forwarded
 * stretch costs one call. Counters (buffer occupancy, DRAM bandwidth) are
 * sampled by the controller. Recording is off unless a struct timeline is
 * passed in run_opts: the units then see NULL tracks and pay one branch.
 * Invariant: each track's segments are disjoint and in time order, and the
 * cycles a track was told about add up to the cycles simulated.
 */
#ifndef SIM_TIMELINE_H
#define SIM_TIMELINE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* What a track was doing. */
enum tl_state { TL_IDLE = 0, TL_BUSY, TL_STALL };

/* Why a unit (or the DRAM channel) waited with work pending. */
enum tl_cause {
	TL_WHY_NONE = 0,
	TL_WHY_PRODUCER,	/* an input's producer is not done */
	TL_WHY_LOAD,		/* operands not loaded yet */
	TL_WHY_OUT_HALF,	/* no free output half (store pending) */
	TL_WHY_HANDOVER,	/* command presented, not yet taken */
	TL_WHY_ROOM,		/* DRAM: the next load has no buffer room */
	TL_WHY_COUNT
};

/* Lanes of the picture, in display order. */
enum tl_lane { TL_DMA_LOAD = 0, TL_DMA_STORE, TL_DRAM, TL_UNIT0 };
#define TL_TRACKS_MAX 12

struct tl_seg {
	uint64_t start, len;	/* cycles */
	uint32_t op;		/* execution entry */
	uint8_t state, why;	/* enum tl_state, enum tl_cause */
	uint8_t kind;		/* DMA: enum dma_kind */
	uint32_t merged;	/* segments folded into this one, beyond itself */
	uint32_t r0, c0, k0;	/* busy: origin of the tile last started */
	uint32_t tile;		/* 1 + its count on this track; 0: none */
};

struct tl_track {
	const char *name;	/* "engine", "DMA load", ... */
	struct tl_seg cur;	/* open segment */
	struct tl_seg *seg;	/* closed segments */
	size_t n, cap;
	uint64_t now;		/* cycles told so far */
	int oom;		/* ran out of memory: stopped recording */
	uint32_t r0, c0, k0;	/* the tile the unit last started */
	uint32_t tiles;		/* tiles started on this track */
};

/* A counter's samples: (cycle, value). */
struct tl_counter {
	const char *name, *unit;	/* "act buffer", "KiB" */
	uint64_t *at;
	double *v;
	size_t n, cap;
	double last;			/* last sample taken */
	int oom;
};

enum tl_ctr { TL_CTR_ACT, TL_CTR_WGT, TL_CTR_OUT, TL_CTR_DRAM, TL_CTR_COUNT };

struct timeline {
	struct tl_track track[TL_TRACKS_MAX];
	unsigned n_tracks;
	struct tl_counter ctr[TL_CTR_COUNT];
	uint64_t window;	/* cycles per counter sample (DRAM bandwidth) */
	uint64_t win_start;	/* DRAM: the open window's first cycle */
	uint64_t win_busy;	/* DRAM: channel cycles in the open window */
	size_t max_events;	/* write at most this many segments */
	double bpc, clock_mhz;	/* DRAM bytes per cycle, clock: for GB/s */
};

/* An empty recorder; unit names come when the run wires its tracks. */
void tl_init(struct timeline *tl);
void tl_free(struct timeline *tl);

/* Track i named name (i < TL_TRACKS_MAX); returns it. */
struct tl_track *tl_track(struct timeline *tl, unsigned i, const char *name);

/* n cycles of this track: op, state, why (and DMA kind). */
void tl_note(struct tl_track *t, uint64_t n, uint32_t op, int state, int why,
	     int kind);

/* The unit starts a tile at (r0, c0, k0): its busy cycles from now on are a
 * segment of their own. */
void tl_tile(struct tl_track *t, uint32_t r0, uint32_t c0, uint32_t k0);

/* Counter c is v from cycle now on (kept when it changed). */
void tl_sample(struct timeline *tl, int c, uint64_t now, double v);

/* DRAM bandwidth: n cycles from now, busy of them moving data; samples
 * GB/s (at tl->bpc and tl->clock_mhz) once per window. */
void tl_dram(struct timeline *tl, uint64_t now, uint64_t n, uint64_t busy);

/* Close every open segment at the end of the run. */
void tl_finish(struct timeline *tl);

/* Name of trace op behind execution entry x, for the writer. */
typedef const char *(*tl_name_fn)(const void *ctx, uint32_t x);

/*
 * Write the trace-event JSON: one thread per track, an "X" event per
 * segment (ts and dur in microseconds of simulated time at clock_mhz),
 * counters as "C" events. When the segments exceed max_events, adjacent
 * short ones are merged (args.merged says how many) and *merged_to is set to
 * the count written (0 when nothing was merged). Returns 0 or -1 (write
 * error; errno set).
 */
int tl_write(struct timeline *tl, FILE *f, double clock_mhz,
	     const char *title, tl_name_fn name, const void *ctx,
	     size_t *merged_from, size_t *merged_to);

const char *tl_why_name(int why);

#endif
