/*
 * trace_schema.h - the trace schema and what the trace*.c files share,
 * private to them: one row per key of each op kind (trace_schema.c), the
 * whole-op and graph checks (trace_check.c), the index of op and tensor
 * names (trace.c).
 *
 * Invariant: the rows of one kind are contiguous and in canonical (written)
 * order; nothing else in the simulator knows a trace key.
 */
#ifndef SIM_TRACE_SCHEMA_H
#define SIM_TRACE_SCHEMA_H

#include <stddef.h>
#include <stdint.h>

#include "trace.h"

#define TRACE_LINE_BYTES 4096	/* longest line accepted, newline excluded */
#define TRACE_MSG_BYTES 256	/* room for one key's error message */
#define TRACE_SCHEMA_ROWS 58	/* rows of trace_schema, all kinds */

enum key_type {
	KEY_NAME,		/* char[TRACE_NAME_MAX] of [A-Za-z0-9._-] */
	KEY_UINT,		/* uint32_t in [min, max] */
	KEY_NM,			/* "N:M" into nm_n, nm_m; 1 <= N <= M <= max */
	KEY_ENUM,		/* one of names[], stored as its uint32_t index */
	KEY_LIST,		/* "e.e,e.e,...": per token its experts, into the
				 * trace's pool (assign_off, assign_len) */
	KEY_TENSORS,		/* "a,b": the tensors read, exactly min of them,
				 * into the tensor table (in[], n_in) */
	KEY_TENSOR		/* one tensor name: the tensor written (out) */
};

#define KEY_REQ  1u		/* must be given */
#define KEY_SHOW 2u		/* written even when it holds its default */
#define KEY_V2   4u		/* a key of version 2 on; unknown in version 1 */

struct trace_key {
	enum op_kind kind;	/* op kind this row belongs to */
	const char *key;	/* key as written in traces */
	size_t off;		/* field offset in struct op */
	enum key_type type;	/* how the value is parsed and checked */
	uint32_t min, max;	/* KEY_UINT range; KEY_NM: max is the largest M */
	unsigned flags;		/* KEY_REQ | KEY_SHOW */
	const char *const *names; /* KEY_ENUM: value names, NULL-terminated */
};

#define OFF(f) offsetof(struct op, f)	/* a field of struct op, for rows */

/* Every key of every kind (trace_schema.c). */
extern const struct trace_key trace_schema[TRACE_SCHEMA_ROWS];
/* Kind names as written in traces, by enum op_kind. */
extern const char *const trace_kind_names[OP_KIND_COUNT];

static inline uint32_t *trace_field(struct op *op, size_t off)
{
	return (uint32_t *)((char *)op + off);
}

static inline uint32_t trace_get(const struct op *op, size_t off)
{
	return *(const uint32_t *)((const char *)op + off);
}

/* Defaults of every field a kind's rows may leave unset. */
void trace_op_default(enum op_kind kind, struct op *op);

/* Decimal digits only (len of them at s), fitting in 32 bits; 0, or -1
 * with msg (TRACE_MSG_BYTES) saying why. */
int trace_parse_uint(const char *s, size_t len, uint32_t *v, char *msg);
/* Store the text of one key=value into op; syntax errors only. */
int trace_key_parse(const struct trace_key *k, struct op *op,
		    const char *val, char *msg);
/* Range check of one key's stored value; 0, or -1 with msg. */
int trace_key_check(const struct trace_key *k, const struct op *op,
		    char *msg);
/* 1 when op holds its kind's default for key k (the writer omits it). */
int trace_key_is_default(const struct trace_key *k, const struct op *op);
/* The row of kind's key (len bytes at key) in format version, or NULL. */
const struct trace_key *trace_key_find(enum op_kind kind, uint32_t version,
				       const char *key, size_t len);
/* "name, m, k, n, nm": the keys of kind in version, for error messages. */
void trace_key_list(enum op_kind kind, uint32_t version, char *buf,
		    size_t len);
/* A tensor name (len bytes at s) as names go: 0, or -1 with msg. */
int trace_tensor_name_check(const char *s, size_t len, char *msg);

/*
 * Check a complete op against its schema (trace_check.c). Returns 0, or -1
 * with *key the key at fault and msg (TRACE_MSG_BYTES) saying why.
 */
int trace_op_check(const struct trace *t, const struct op *op,
		   const char **key, char *msg);

/*
 * Check op i's tensors against t's table as the reader would have built
 * them (trace_check.c): the kind's count, names, producers, no read of
 * its own output. A trace with no tensor table passes. Returns 0, or -1
 * with *key ("in", "out") and msg.
 */
int trace_graph_check(const struct trace *t, size_t i, const char **key,
		      char *msg);

/* 1 when op i reads what the implicit chain gives it (trace.c). */
int trace_in_implicit(const struct trace *t, size_t i);
/* 1 when op i writes the tensor named after it (trace.c). */
int trace_out_implicit(const struct trace *t, size_t i);

/*
 * struct trace_names (trace.h) indexes entries of an array by name; the
 * array is passed to each call, with the function that names its entry i.
 */
typedef const char *trace_name_of(const void *base, size_t i);
const char *trace_op_name(const void *ops, size_t i);
const char *trace_tensor_name(const void *tensors, size_t i);

/*
 * Record entry idx of base. Returns 0 when its name is new, 1 with *prev
 * the entry that already has it, -1 when out of memory.
 */
int trace_names_add(struct trace_names *nm, const void *base,
		    trace_name_of *name_of, size_t idx, size_t *prev);
/* The entry of base named name, or -1. */
int64_t trace_names_find(const struct trace_names *nm, const void *base,
			 trace_name_of *name_of, const char *name);
/* Room for more adds that cannot fail; 0, or -1 when out of memory. */
int trace_names_reserve(struct trace_names *nm, const void *base,
			trace_name_of *name_of, size_t more);
void trace_names_free(struct trace_names *nm);

#endif
