/*
 * sweep_spec.h - a sweep spec (docs/sweeps.md): its INI file parsed and
 * checked, and the points it names: ids, value indices, hashes and
 * constraints.
 */
#ifndef SIM_SWEEP_SPEC_H
#define SIM_SWEEP_SPEC_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define SW_KEYS_MAX 32			/* swept keys in one spec */
#define SW_VALUES_MAX 10000u		/* values of one key */
#define SW_TRACES_MAX 64		/* traces in one spec */
#define SW_BASES_MAX 16			/* base configs in one spec */
#define SW_CONS_MAX 32			/* constraints in one spec */
#define SW_POINTS_MAX 10000000ull	/* points in one sweep */
#define SW_JOBS_MAX 256			/* worker processes */
#define SW_NAME_MAX 96			/* a swept key's name, with its NUL */
#define SW_HEAD_COLS 8			/* result columns before the key columns */
#define SW_TAIL_COLS 13			/* result columns after the key columns */
#define SW_SEEN 4			/* keys of [sweep] */

/* The fixed columns of a results file, before and after the keys. */
#define SW_CSV_HEAD "point,config,trace,model,nm,seq,mode,seed"
#define SW_CSV_TAIL "cycles,latency_us,energy_pj,edp_pj_us,macs," \
	"dense_macs,utilization_pct,dram_bytes,area_mm2,area_estimated," \
	"status,error,stasim_version"
enum { SW_COL_POINT, SW_COL_CONFIG, SW_COL_TRACE };

struct sw_list {
	char **s;		/* strings, each malloc'd */
	uint32_t n, cap;	/* in use / allocated */
};

enum sw_cmp { CMP_LT, CMP_LE, CMP_GT, CMP_GE, CMP_EQ, CMP_NE, CMP_COUNT };

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

struct sw_spec {
	const char *path;		/* spec file, as the user named it */
	int sweep_line;			/* line of the first [sweep] header */
	int seen[SW_SEEN];		/* line setting base, traces, mode, seed */
	struct sw_list bases;		/* [sweep] base: configs, as written */
	struct sw_list traces;		/* [sweep] traces, as written */
	int functional;			/* [sweep] mode: 1 = functional */
	uint64_t seed;			/* [sweep] seed */
	struct sw_key key[SW_KEYS_MAX];	/* [keys], in spec order */
	int n_keys;			/* keys in use */
	const char *names[SW_KEYS_MAX];	/* key[i].name, for sw_point_hash */
	int order[SW_KEYS_MAX];		/* key indices sorted by name */
	struct sw_cons con[SW_CONS_MAX]; /* [constraints], in spec order */
	int n_cons;			/* constraints in use */
	uint64_t n_points;		/* key combinations x bases x traces */
};

/* dir(spec) + rel, or rel when absolute or spec has no directory part. */
int sw_join(const char *spec, const char *rel, char *out, size_t n);

/*
 * Hash of a point: its trace as written in the spec, then "key=value" for
 * each swept key in name order (order[] lists key indices by name), each
 * item NUL-terminated. Nothing else of the spec enters it.
 */
uint64_t sw_point_hash(const char *trace, const char *const *names,
			   const char *const *vals, const int *order, int n);

/*
 * Say on stderr that line, the last of results file (or shard) file, is
 * cut (no newline: a crash in the middle of a write) and left out: resume
 * and merge drop it alike.
 */
void sw_cut_line_note(const char *file, int line);

/* order[0..n) = 0..n-1 sorted by names (insertion sort: n is small). */
void sw_name_order(const char *const *names, int *order, int n);

void sw_spec_free(struct sw_spec *sp);

/*
 * Parse the spec at path into *sp (zeroed by the caller, freed by
 * sw_spec_free in any case). Returns 0, or -1 with err naming file, line, field.
 */
int sw_spec_load(const char *path, struct sw_spec *sp, struct sim_err *err);

/* Value indices of point id (keys in spec order, the last fastest, then
 * bases, traces fastest); *base gets its base (when not NULL); returns its
 * trace index. */
uint32_t sw_point_decode(const struct sw_spec *sp, uint64_t id,
			     uint32_t *idx, uint32_t *base);

uint64_t sw_spec_hash(const struct sw_spec *sp, uint64_t id);

/* 1 when the point of these value indices satisfies every constraint. */
int sw_cons_hold(const struct sw_spec *sp, const uint32_t *idx);

#endif
