/*
 * trace.c - reading and writing workload traces, format v1
 * (docs/trace-format.md).
 *
 * Every op kind is described by rows of one schema table (key, field offset,
 * type, range, flags); the reader, the range checks and the writer all walk
 * that table, so adding a kind or a key is one row here.
 *
 * Invariant: an op is only ever appended to a trace after it passed
 * op_check(), and trace_write() checks every op the same way before writing,
 * so what the writer writes the reader accepts, and a trace handed to the
 * rest of the simulator has every dimension in range and 1 <= nm_n <= nm_m.
 */
#define _POSIX_C_SOURCE 200809L

#include "trace.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define LINE_BYTES 4096		/* longest line accepted, newline excluded */
#define MSG_BYTES 256		/* room for one key's error message */
#define SEP " \t\r\n"		/* token separators; \r tolerates CRLF files */

enum key_type {
	KEY_NAME,		/* char[TRACE_NAME_MAX] of [A-Za-z0-9._-] */
	KEY_UINT,		/* uint32_t in [min, max] */
	KEY_NM,			/* "N:M" into nm_n, nm_m; 1 <= N <= M <= max */
	KEY_ENUM,		/* one of names[], stored as its uint32_t index */
	KEY_LIST		/* "e.e,e.e,...": per token its experts, into the
				 * trace's pool (assign_off, assign_len) */
};

#define KEY_REQ  1u		/* must be given */
#define KEY_SHOW 2u		/* written even when it holds its default */

struct trace_key {
	enum op_kind kind;	/* op kind this row belongs to */
	const char *key;	/* key as written in traces */
	size_t off;		/* field offset in struct op */
	enum key_type type;	/* how the value is parsed and checked */
	uint32_t min, max;	/* KEY_UINT range; KEY_NM: max is the largest M */
	unsigned flags;		/* KEY_REQ | KEY_SHOW */
	const char *const *names; /* KEY_ENUM: value names, NULL-terminated */
};

static const char *const routing_names[] = { "uniform", "zipf", "hot",
					     "computed", "list", NULL };

/* KEY_NM stores N at off and M right after it. */
_Static_assert(offsetof(struct op, nm_m) ==
	       offsetof(struct op, nm_n) + sizeof(uint32_t),
	       "nm_m must follow nm_n");

#define OFF(f) offsetof(struct op, f)

/* Rows of one kind are contiguous and in canonical (written) order. */
static const struct trace_key schema[] = {
	{ OP_GEMM, "name", OFF(name), KEY_NAME, 1, TRACE_NAME_MAX - 1, KEY_REQ, NULL },
	{ OP_GEMM, "m", OFF(m), KEY_UINT, 1, TRACE_DIM_MAX, KEY_REQ, NULL },
	{ OP_GEMM, "k", OFF(k), KEY_UINT, 1, TRACE_DIM_MAX, KEY_REQ, NULL },
	{ OP_GEMM, "n", OFF(n), KEY_UINT, 1, TRACE_DIM_MAX, KEY_REQ, NULL },
	{ OP_GEMM, "nm", OFF(nm_n), KEY_NM, 1, TRACE_NM_MAX, 0, NULL },
	{ OP_MATMUL, "name", OFF(name), KEY_NAME, 1, TRACE_NAME_MAX - 1, KEY_REQ, NULL },
	{ OP_MATMUL, "m", OFF(m), KEY_UINT, 1, TRACE_DIM_MAX, KEY_REQ, NULL },
	{ OP_MATMUL, "k", OFF(k), KEY_UINT, 1, TRACE_DIM_MAX, KEY_REQ, NULL },
	{ OP_MATMUL, "n", OFF(n), KEY_UINT, 1, TRACE_DIM_MAX, KEY_REQ, NULL },
	{ OP_MATMUL, "heads", OFF(heads), KEY_UINT, 1, TRACE_HEADS_MAX, KEY_SHOW, NULL },
	{ OP_SOFTMAX, "name", OFF(name), KEY_NAME, 1, TRACE_NAME_MAX - 1, KEY_REQ, NULL },
	{ OP_SOFTMAX, "m", OFF(m), KEY_UINT, 1, TRACE_DIM_MAX, KEY_REQ, NULL },
	{ OP_SOFTMAX, "n", OFF(n), KEY_UINT, 1, TRACE_DIM_MAX, KEY_REQ, NULL },
	{ OP_SOFTMAX, "heads", OFF(heads), KEY_UINT, 1, TRACE_HEADS_MAX, KEY_SHOW, NULL },
	{ OP_GELU, "name", OFF(name), KEY_NAME, 1, TRACE_NAME_MAX - 1, KEY_REQ, NULL },
	{ OP_GELU, "m", OFF(m), KEY_UINT, 1, TRACE_DIM_MAX, KEY_REQ, NULL },
	{ OP_GELU, "n", OFF(n), KEY_UINT, 1, TRACE_DIM_MAX, KEY_REQ, NULL },
	{ OP_LAYERNORM, "name", OFF(name), KEY_NAME, 1, TRACE_NAME_MAX - 1, KEY_REQ, NULL },
	{ OP_LAYERNORM, "m", OFF(m), KEY_UINT, 1, TRACE_DIM_MAX, KEY_REQ, NULL },
	{ OP_LAYERNORM, "n", OFF(n), KEY_UINT, 1, TRACE_DIM_MAX, KEY_REQ, NULL },
	{ OP_ADD, "name", OFF(name), KEY_NAME, 1, TRACE_NAME_MAX - 1, KEY_REQ, NULL },
	{ OP_ADD, "m", OFF(m), KEY_UINT, 1, TRACE_DIM_MAX, KEY_REQ, NULL },
	{ OP_ADD, "n", OFF(n), KEY_UINT, 1, TRACE_DIM_MAX, KEY_REQ, NULL },
	{ OP_GATE, "name", OFF(name), KEY_NAME, 1, TRACE_NAME_MAX - 1, KEY_REQ, NULL },
	{ OP_GATE, "m", OFF(m), KEY_UINT, 1, TRACE_DIM_MAX, KEY_REQ, NULL },
	{ OP_GATE, "k", OFF(k), KEY_UINT, 1, TRACE_DIM_MAX, KEY_REQ, NULL },
	{ OP_GATE, "n", OFF(n), KEY_UINT, 1, TRACE_EXPERTS_MAX, KEY_REQ, NULL },
	{ OP_GATE, "topk", OFF(topk), KEY_UINT, 1, TRACE_TOPK_MAX, KEY_REQ, NULL },
	{ OP_GATE, "tasks", OFF(tasks), KEY_UINT, 1, 64, 0, NULL },
	{ OP_GATE, "task", OFF(task), KEY_UINT, 0, 63, 0, NULL },
	{ OP_MOE, "name", OFF(name), KEY_NAME, 1, TRACE_NAME_MAX - 1, KEY_REQ, NULL },
	{ OP_MOE, "m", OFF(m), KEY_UINT, 1, TRACE_DIM_MAX, KEY_REQ, NULL },
	{ OP_MOE, "k", OFF(k), KEY_UINT, 1, TRACE_DIM_MAX, KEY_REQ, NULL },
	{ OP_MOE, "n", OFF(n), KEY_UINT, 1, TRACE_DIM_MAX, KEY_REQ, NULL },
	{ OP_MOE, "experts", OFF(experts), KEY_UINT, 1, TRACE_EXPERTS_MAX, KEY_REQ, NULL },
	{ OP_MOE, "topk", OFF(topk), KEY_UINT, 1, TRACE_TOPK_MAX, KEY_REQ, NULL },
	{ OP_MOE, "nm", OFF(nm_n), KEY_NM, 1, TRACE_NM_MAX, 0, NULL },
	{ OP_MOE, "capacity", OFF(capacity), KEY_UINT, 0, 10000, 0, NULL },
	{ OP_MOE, "routing", OFF(routing), KEY_ENUM, 0, ROUTE_LIST, 0,
	  routing_names },
	{ OP_MOE, "skew", OFF(skew), KEY_UINT, 0, 1000, 0, NULL },
	{ OP_MOE, "hot", OFF(hot), KEY_UINT, 0, TRACE_EXPERTS_MAX, 0, NULL },
	{ OP_MOE, "assign", OFF(assign_off), KEY_LIST, 0, 0, 0, NULL },
};

#define SCHEMA_ROWS (sizeof schema / sizeof schema[0])
_Static_assert(SCHEMA_ROWS <= 64, "seen-key mask is 64 bits");

static const char *const kind_names[OP_KIND_COUNT] = {
	[OP_GEMM] = "gemm",
	[OP_MATMUL] = "matmul",
	[OP_SOFTMAX] = "softmax",
	[OP_GELU] = "gelu",
	[OP_LAYERNORM] = "layernorm",
	[OP_ADD] = "add",
	[OP_GATE] = "gate",
	[OP_MOE] = "moe",
};

/*
 * Numeric fields of struct op. A field that no schema row of a kind covers
 * must keep its default (a gemm has heads 1, a matmul nm 1:1); op_check()
 * walks this list to catch an in-memory op that breaks that.
 */
static const struct {
	const char *key;	/* key named in the error */
	size_t off;		/* uint32_t field in struct op */
} op_fields[] = {
	{ "m", OFF(m) }, { "k", OFF(k) }, { "n", OFF(n) },
	{ "nm", OFF(nm_n) }, { "nm", OFF(nm_m) }, { "heads", OFF(heads) },
	{ "experts", OFF(experts) }, { "topk", OFF(topk) },
	{ "tasks", OFF(tasks) }, { "task", OFF(task) },
	{ "capacity", OFF(capacity) }, { "routing", OFF(routing) },
	{ "skew", OFF(skew) }, { "hot", OFF(hot) },
	{ "assign", OFF(assign_len) },
};

/* Names already used in a trace: open addressing over op indices. */
struct names {
	size_t *slot;		/* op index + 1, 0 = empty; cap entries */
	size_t cap;		/* power of two, or 0 before the first add */
	size_t used;		/* slots in use, kept below cap / 2 */
};

struct reader {
	const char *path;	/* file as the user named it */
	gzFile f;		/* plain or gzip, zlib decides by content */
	int line;		/* number of the line last read, 1-based */
	int header;		/* 1 once "stasim-trace 1" was seen */
	struct names names;	/* names of t's ops, for duplicates */
	struct trace *t;	/* trace being filled */
	struct sim_err *err;	/* where a failure is described */
};

const char *op_kind_name(enum op_kind kind)
{
	if ((unsigned)kind >= OP_KIND_COUNT)
		return "?";
	return kind_names[kind];
}

static uint32_t *field_u32(struct op *op, size_t off)
{
	return (uint32_t *)((char *)op + off);
}

static uint32_t get_u32(const struct op *op, size_t off)
{
	return *(const uint32_t *)((const char *)op + off);
}

/* Defaults of every field a kind's rows may leave unset. */
static void op_default(enum op_kind kind, struct op *op)
{
	memset(op, 0, sizeof *op);
	op->kind = kind;
	op->nm_n = 1;
	op->nm_m = 1;
	op->heads = 1;
	op->tasks = kind == OP_GATE ? 1 : 0;	/* routers only where one exists */
}

/* ------------------------------------------------------------------ */
/* Values: syntax (reader only) and range (reader and writer) */

/* Decimal digits only: no sign, no hex, no blanks; fits in 32 bits. */
static int parse_uint(const char *s, size_t len, uint32_t *v, char *msg)
{
	uint64_t x = 0;
	size_t i;

	if (len == 0) {
		snprintf(msg, MSG_BYTES, "empty number");
		return -1;
	}
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9') {
			snprintf(msg, MSG_BYTES,
				 "'%.*s' is not a decimal number",
				 (int)(len < 40 ? len : 40), s);
			return -1;
		}
		x = x * 10 + (uint64_t)(s[i] - '0');
		if (x > UINT32_MAX) {
			snprintf(msg, MSG_BYTES, "'%.*s' is too large",
				 (int)(len < 40 ? len : 40), s);
			return -1;
		}
	}
	*v = (uint32_t)x;
	return 0;
}

static int parse_nm(const char *s, uint32_t *nm, char *msg)
{
	const char *colon = strchr(s, ':');

	if (!colon || colon == s || !colon[1]) {
		snprintf(msg, MSG_BYTES,
			 "'%.40s' is not an N:M pattern (e.g. nm=2:4)", s);
		return -1;
	}
	if (parse_uint(s, (size_t)(colon - s), &nm[0], msg) ||
	    parse_uint(colon + 1, strlen(colon + 1), &nm[1], msg))
		return -1;
	return 0;
}

static int parse_enum(const struct trace_key *k, const char *val,
		      uint32_t *v, char *msg)
{
	size_t used = 0;
	uint32_t i;

	for (i = 0; k->names[i]; i++)
		if (!strcmp(val, k->names[i])) {
			*v = i;
			return 0;
		}
	used = (size_t)snprintf(msg, MSG_BYTES, "'%s' is not one of", val);
	for (i = 0; k->names[i] && used < MSG_BYTES; i++)
		used += (size_t)snprintf(msg + used, MSG_BYTES - used, "%s%s",
					 i ? ", " : " ", k->names[i]);
	return -1;
}

/* Store the text of one key=value into op; syntax errors only. */
static int key_parse(const struct trace_key *k, struct op *op,
		     const char *val, char *msg)
{
	size_t len = strlen(val);

	switch (k->type) {
	case KEY_NAME:
		if (len > k->max) {
			snprintf(msg, MSG_BYTES,
				 "name longer than %u characters", k->max);
			return -1;
		}
		memcpy((char *)op + k->off, val, len + 1);
		return 0;
	case KEY_UINT:
		return parse_uint(val, len, field_u32(op, k->off), msg);
	case KEY_NM:
		return parse_nm(val, field_u32(op, k->off), msg);
	case KEY_ENUM:
		return parse_enum(k, val, field_u32(op, k->off), msg);
	case KEY_LIST:
		break;	/* needs the trace's pool: parse_list */
	}
	return -1;
}

static int name_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

static int name_check(const struct trace_key *k, const char *s, char *msg)
{
	size_t len = strnlen(s, TRACE_NAME_MAX);
	size_t i;

	if (len < k->min || len > k->max) {
		snprintf(msg, MSG_BYTES, "name must have %u to %u characters",
			 k->min, k->max);
		return -1;
	}
	for (i = 0; i < len; i++) {
		if (!name_char_ok(s[i])) {
			snprintf(msg, MSG_BYTES, "'%s' has a character "
				 "outside [A-Za-z0-9._-]", s);
			return -1;
		}
	}
	return 0;
}

/* Range check of one key's stored value. */
static int key_check(const struct trace_key *k, const struct op *op,
		     char *msg)
{
	uint32_t v, n, m;

	switch (k->type) {
	case KEY_NAME:
		return name_check(k, (const char *)op + k->off, msg);
	case KEY_LIST:
		return 0;	/* checked with the whole op (op_check_moe) */
	case KEY_UINT:
	case KEY_ENUM:
		v = get_u32(op, k->off);
		if (v >= k->min && v <= k->max)
			return 0;
		snprintf(msg, MSG_BYTES, "%u is out of range (%u..%u)",
			 v, k->min, k->max);
		return -1;
	case KEY_NM:
		n = get_u32(op, k->off);
		m = get_u32(op, k->off + sizeof(uint32_t));
		if (n >= 1 && n <= m && m <= k->max)
			return 0;
		if (m > k->max)
			snprintf(msg, MSG_BYTES, "N:M %u:%u has M above %u",
				 n, m, k->max);
		else
			snprintf(msg, MSG_BYTES,
				 "N:M %u:%u needs 1 <= N <= M", n, m);
		return -1;
	}
	return -1;
}

static int key_is_default(const struct trace_key *k, const struct op *op)
{
	struct op def;

	op_default(op->kind, &def);
	if (k->type == KEY_NM)
		return op->nm_n == def.nm_n && op->nm_m == def.nm_m;
	if (k->type == KEY_UINT || k->type == KEY_ENUM)
		return get_u32(op, k->off) == get_u32(&def, k->off);
	if (k->type == KEY_LIST)
		return op->assign_len == 0;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Whole ops */

static const struct trace_key *key_find(enum op_kind kind, const char *key,
					size_t len)
{
	size_t i;

	for (i = 0; i < SCHEMA_ROWS; i++)
		if (schema[i].kind == kind && strlen(schema[i].key) == len &&
		    !memcmp(schema[i].key, key, len))
			return &schema[i];
	return NULL;
}

/* "name, m, k, n, nm": the keys of kind, for error messages. */
static void key_list(enum op_kind kind, char *buf, size_t len)
{
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < SCHEMA_ROWS && used < len; i++)
		if (schema[i].kind == kind)
			used += (size_t)snprintf(buf + used, len - used,
						 "%s%s", used ? ", " : "",
						 schema[i].key);
}

/*
 * Operand sizes. A matmul's operands hold all its heads, so heads counts:
 * the limit bounds the tensors the functional mode has to allocate.
 */
static int op_check_elems(const struct op *op, const char **key, char *msg)
{
	static const struct {
		const char *what;	/* operand, for the message */
		const char *key;	/* key blamed */
		size_t a, b;		/* its two dimensions */
	} operand[] = {
		{ "left operand m*k", "m", OFF(m), OFF(k) },
		{ "right operand k*n", "k", OFF(k), OFF(n) },
		{ "output m*n", "m", OFF(m), OFF(n) },
	};
	uint64_t e;
	size_t i;

	for (i = 0; i < sizeof operand / sizeof operand[0]; i++) {
		e = (uint64_t)op->heads * get_u32(op, operand[i].a) *
		    get_u32(op, operand[i].b);
		if (e <= TRACE_ELEMS_MAX)
			continue;
		*key = operand[i].key;
		snprintf(msg, MSG_BYTES, "%s%s has %llu elements, more than "
			 "%llu", op->heads > 1 ? "heads*" : "", operand[i].what,
			 (unsigned long long)e,
			 (unsigned long long)TRACE_ELEMS_MAX);
		return -1;
	}
	return 0;
}

/* Fields the kind takes no key for must hold their defaults. */
static int op_check_fixed(const struct op *op, const char **key, char *msg)
{
	struct op def;
	size_t i, j;
	int covered;

	op_default(op->kind, &def);
	for (i = 0; i < sizeof op_fields / sizeof op_fields[0]; i++) {
		covered = 0;
		for (j = 0; j < SCHEMA_ROWS; j++)
			covered |= schema[j].kind == op->kind &&
				   !strcmp(schema[j].key, op_fields[i].key);
		if (covered || get_u32(op, op_fields[i].off) ==
			       get_u32(&def, op_fields[i].off))
			continue;
		*key = op_fields[i].key;
		snprintf(msg, MSG_BYTES, "%s takes no %s; it must keep its "
			 "default", kind_names[op->kind], op_fields[i].key);
		return -1;
	}
	return 0;
}

/* Keys of gate and moe ops that must agree with each other. */
static int op_check_moe(const struct op *op, const char **key, char *msg)
{
	if (op->kind == OP_GATE && op->task >= op->tasks) {
		*key = "task";
		snprintf(msg, MSG_BYTES, "task %u needs tasks > %u (tasks is %u)",
			 op->task, op->task, op->tasks);
		return -1;
	}
	if (op->kind == OP_GATE && op->topk > op->n) {
		*key = "topk";
		snprintf(msg, MSG_BYTES, "topk %u is more than the %u experts",
			 op->topk, op->n);
		return -1;
	}
	if (op->kind == OP_MOE && op->topk > op->experts) {
		*key = "topk";
		snprintf(msg, MSG_BYTES, "topk %u is more than the %u experts",
			 op->topk, op->experts);
		return -1;
	}
	if (op->kind == OP_MOE && op->hot > op->experts) {
		*key = "hot";
		snprintf(msg, MSG_BYTES, "hot %u is more than the %u experts",
			 op->hot, op->experts);
		return -1;
	}
	if (op->kind == OP_MOE && op->routing == ROUTE_HOT &&
	    (op->hot == 0 || op->skew > 100)) {
		*key = op->hot == 0 ? "hot" : "skew";
		snprintf(msg, MSG_BYTES, "routing=hot needs hot >= 1 and skew "
			 "(the hot share) in 0..100 %%");
		return -1;
	}
	return 0;
}

/* routing=list: topk distinct experts per token, each below experts. */
static int op_check_assign(const struct trace *t, const struct op *op,
			   const char **key, char *msg)
{
	const uint16_t *v = t->assign + op->assign_off;
	uint32_t i, j, tok;

	*key = "assign";
	if (op->kind != OP_MOE)
		return 0;
	if ((op->routing == ROUTE_LIST) != (op->assign_len > 0)) {
		*key = op->assign_len ? "assign" : "routing";
		snprintf(msg, MSG_BYTES, "routing=list and assign= go together");
		return -1;
	}
	if (op->assign_len && op->assign_per && op->assign_per != op->topk) {
		snprintf(msg, MSG_BYTES, "tokens list %u experts each; topk "
			 "is %u", op->assign_per, op->topk);
		return -1;
	}
	if (op->assign_len && op->assign_len != (uint64_t)op->m * op->topk) {
		snprintf(msg, MSG_BYTES, "%u experts listed; m * topk = %llu",
			 op->assign_len, (unsigned long long)op->m * op->topk);
		return -1;
	}
	for (i = 0; i < op->assign_len; i++) {
		tok = i / op->topk;
		if (v[i] >= op->experts) {
			snprintf(msg, MSG_BYTES, "token %u: expert %u, but there "
				 "are %u experts", tok, v[i], op->experts);
			return -1;
		}
		for (j = tok * op->topk; j < i; j++)
			if (v[j] == v[i]) {
				snprintf(msg, MSG_BYTES, "token %u: expert %u "
					 "listed twice", tok, v[i]);
				return -1;
			}
	}
	return 0;
}

/*
 * Check a complete op against its schema. Returns 0, or -1 with *key the
 * key at fault and msg saying why.
 */
static int op_check(const struct trace *t, const struct op *op,
		    const char **key, char *msg)
{
	size_t i;

	if ((unsigned)op->kind >= OP_KIND_COUNT) {
		*key = "kind";
		snprintf(msg, MSG_BYTES, "op kind %d does not exist",
			 (int)op->kind);
		return -1;
	}
	for (i = 0; i < SCHEMA_ROWS; i++) {
		if (schema[i].kind != op->kind)
			continue;
		if (key_check(&schema[i], op, msg)) {
			*key = schema[i].key;
			return -1;
		}
	}
	if (op_check_fixed(op, key, msg))
		return -1;
	if (op_check_moe(op, key, msg) || op_check_assign(t, op, key, msg))
		return -1;
	return op_check_elems(op, key, msg);
}

/* ------------------------------------------------------------------ */
/* Duplicate names */

static uint64_t name_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;	/* FNV-1a */

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

static int names_grow(struct names *nm, const struct op *ops)
{
	size_t cap = nm->cap ? nm->cap * 2 : 64;
	size_t *slot = calloc(cap, sizeof *slot);
	size_t i, j;

	if (!slot)
		return -1;
	for (i = 0; i < nm->cap; i++) {
		if (!nm->slot[i])
			continue;
		j = name_hash(ops[nm->slot[i] - 1].name) & (cap - 1);
		while (slot[j])
			j = (j + 1) & (cap - 1);
		slot[j] = nm->slot[i];
	}
	free(nm->slot);
	nm->slot = slot;
	nm->cap = cap;
	return 0;
}

/*
 * Record ops[idx].name. Returns 0 when new, 1 with *prev the index of the
 * op that already has that name, -1 when out of memory.
 */
static int names_add(struct names *nm, const struct op *ops, size_t idx,
		     size_t *prev)
{
	size_t j;

	if (2 * (nm->used + 1) > nm->cap && names_grow(nm, ops))
		return -1;
	j = name_hash(ops[idx].name) & (nm->cap - 1);
	for (; nm->slot[j]; j = (j + 1) & (nm->cap - 1)) {
		if (!strcmp(ops[nm->slot[j] - 1].name, ops[idx].name)) {
			*prev = nm->slot[j] - 1;
			return 1;
		}
	}
	nm->slot[j] = idx + 1;
	nm->used++;
	return 0;
}

static void names_free(struct names *nm)
{
	free(nm->slot);
	memset(nm, 0, sizeof *nm);
}

/* ------------------------------------------------------------------ */
/* Trace storage */

int trace_push(struct trace *t, const struct op *op)
{
	struct op *ops;
	size_t cap;

	if (t->n_ops == t->cap) {
		cap = t->cap ? t->cap * 2 : 64;
		if (cap > SIZE_MAX / sizeof *ops)
			return -1;
		ops = realloc(t->ops, cap * sizeof *ops);
		if (!ops)
			return -1;
		t->ops = ops;
		t->cap = cap;
	}
	t->ops[t->n_ops++] = *op;
	return 0;
}

void trace_free(struct trace *t)
{
	free(t->ops);
	free(t->assign);
	memset(t, 0, sizeof *t);
}

int64_t trace_assign_add(struct trace *t, const uint16_t *v, size_t n)
{
	size_t cap = t->cap_assign;
	uint16_t *p;

	while (t->n_assign + n > cap)
		cap = cap ? cap * 2 : 1024;
	if (cap != t->cap_assign) {
		if (!(p = realloc(t->assign, cap * sizeof *p)))
			return -1;
		t->assign = p;
		t->cap_assign = cap;
	}
	memcpy(t->assign + t->n_assign, v, n * sizeof *v);
	t->n_assign += n;
	return (int64_t)(t->n_assign - n);
}

/* "3.7,1.2": experts per token; the count per token is checked later. */
static int parse_list(struct reader *r, struct op *op, const char *val,
		      char *msg)
{
	uint16_t v[2048];
	size_t n = 0, group = 0, per = 0;
	const char *s = val;
	int64_t off;

	while (*s) {
		unsigned long x = 0;
		const char *d = s;

		while (*s >= '0' && *s <= '9' && x <= 65535)
			x = x * 10 + (unsigned long)(*s++ - '0');
		if (s == d || x > 65535 || n == sizeof v / sizeof v[0] ||
		    (*s && *s != '.' && *s != ',') || ((*s == '.' || *s == ',') &&
		    !s[1])) {
			snprintf(msg, MSG_BYTES, "expected expert numbers joined "
				 "by '.' within a token and ',' between tokens");
			return -1;
		}
		v[n++] = (uint16_t)x;
		group++;
		if (*s != '.') {	/* a token ends: all list as many experts */
			if (per && group != per) {
				snprintf(msg, MSG_BYTES, "every token must list "
					 "the same number of experts");
				return -1;
			}
			per = group;
			group = 0;
		}
		if (*s)
			s++;
	}
	op->assign_per = (uint32_t)per;
	off = trace_assign_add(r->t, v, n);
	if (off < 0) {
		snprintf(msg, MSG_BYTES, "out of memory");
		return -1;
	}
	op->assign_off = (uint32_t)off;
	op->assign_len = (uint32_t)n;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Reader */

/* Next token of *s, NUL-terminated in place; NULL at the end. */
static char *tok_next(char **s)
{
	char *p = *s + strspn(*s, SEP);
	char *end;

	if (!*p) {
		*s = p;
		return NULL;
	}
	end = p + strcspn(p, SEP);
	*s = *end ? end + 1 : end;
	*end = '\0';
	return p;
}

/* err for "kind.key" on the current line. */
static int op_fail(struct reader *r, enum op_kind kind, const char *key,
		   int keylen, const char *msg)
{
	char field[sizeof r->err->field];

	/* "=3" has no key to name: blame the kind alone, not "gemm." */
	snprintf(field, sizeof field, "%s%s%.*s", kind_names[kind],
		 keylen ? "." : "", keylen, key);
	return err_set(r->err, r->path, r->line, field, "%s", msg);
}

static int parse_header(struct reader *r, char *s)
{
	char *magic = tok_next(&s);
	char *ver = tok_next(&s);
	uint32_t v;
	char msg[MSG_BYTES];

	if (magic && ver && !tok_next(&s) && !strcmp(magic, "stasim-trace")) {
		if (!parse_uint(ver, strlen(ver), &v, msg) && v == 1) {
			r->header = 1;
			return 0;
		}
		return err_set(r->err, r->path, r->line, "",
			       "unsupported trace version %.20s (this stasim "
			       "reads version 1)", ver);
	}
	return err_set(r->err, r->path, r->line, "",
		       "not a stasim trace (first line must be '%s')",
		       TRACE_MAGIC);
}

static int parse_kind(struct reader *r, const char *word, enum op_kind *kind)
{
	char known[128];
	size_t used = 0;
	int i;

	for (i = 0; i < OP_KIND_COUNT; i++) {
		if (!strcmp(word, kind_names[i])) {
			*kind = (enum op_kind)i;
			return 0;
		}
	}
	known[0] = '\0';
	for (i = 0; i < OP_KIND_COUNT && used < sizeof known; i++)
		used += (size_t)snprintf(known + used, sizeof known - used,
					 "%s%s", i ? ", " : "", kind_names[i]);
	return err_set(r->err, r->path, r->line, word,
		       "unknown op kind '%.40s' (known: %s)", word, known);
}

/* One key=value token into op; *seen has one bit per schema row given. */
static int parse_pair(struct reader *r, struct op *op, char *tok,
		      uint64_t *seen)
{
	char *eq = strchr(tok, '=');
	int keylen = eq ? (int)(eq - tok) : (int)strlen(tok);
	const struct trace_key *k;
	uint64_t bit;
	char msg[MSG_BYTES], keys[128];

	if (!eq)
		return op_fail(r, op->kind, tok, keylen,
			       "expected key=value");
	if (keylen == 0)
		return op_fail(r, op->kind, tok, keylen, "empty key");
	k = key_find(op->kind, tok, (size_t)keylen);
	if (!k) {
		key_list(op->kind, keys, sizeof keys);
		snprintf(msg, sizeof msg, "unknown key '%.*s' (%s takes: %s)",
			 keylen < 40 ? keylen : 40, tok,
			 kind_names[op->kind], keys);
		return op_fail(r, op->kind, tok, keylen, msg);
	}
	bit = 1ull << (k - schema);
	if (*seen & bit)
		return op_fail(r, op->kind, tok, keylen, "key given twice");
	*seen |= bit;
	if (!eq[1])
		return op_fail(r, op->kind, tok, keylen, "empty value");
	if (k->type == KEY_LIST ? parse_list(r, op, eq + 1, msg) :
	    key_parse(k, op, eq + 1, msg) || key_check(k, op, msg))
		return op_fail(r, op->kind, tok, keylen, msg);
	return 0;
}

static int check_required(struct reader *r, const struct op *op,
			  uint64_t seen)
{
	size_t i;

	for (i = 0; i < SCHEMA_ROWS; i++)
		if (schema[i].kind == op->kind &&
		    (schema[i].flags & KEY_REQ) && !(seen & (1ull << i)))
			return op_fail(r, op->kind, schema[i].key,
				       (int)strlen(schema[i].key),
				       "missing required key");
	return 0;
}

/* Append op to the trace unless its name is taken. */
static int add_op(struct reader *r, const struct op *op)
{
	struct trace *t = r->t;
	size_t prev;
	char msg[MSG_BYTES];
	int rc;

	if (trace_push(t, op))
		return err_set(r->err, r->path, r->line, "", "out of memory");
	rc = names_add(&r->names, t->ops, t->n_ops - 1, &prev);
	if (rc == 0)
		return 0;
	t->n_ops--;
	if (rc < 0)
		return err_set(r->err, r->path, r->line, "", "out of memory");
	snprintf(msg, sizeof msg, "duplicate name '%s' (first used on line %d)",
		 op->name, t->ops[prev].line);
	return op_fail(r, op->kind, "name", 4, msg);
}

static int parse_op(struct reader *r, char *s)
{
	char *tok = tok_next(&s);
	const char *key;
	struct op op;
	enum op_kind kind = OP_GEMM;	/* parse_kind sets it; gcc cannot tell */
	uint64_t seen = 0;
	char msg[MSG_BYTES];

	if (parse_kind(r, tok, &kind))
		return -1;
	op_default(kind, &op);
	op.line = r->line;
	while ((tok = tok_next(&s)))
		if (parse_pair(r, &op, tok, &seen))
			return -1;
	if (check_required(r, &op, seen))
		return -1;
	if (op_check(r->t, &op, &key, msg))
		return op_fail(r, kind, key, (int)strlen(key), msg);
	return add_op(r, &op);
}

/* One line without its comment: blank, the header, or an op. */
static int parse_line(struct reader *r, char *s)
{
	char *hash = strchr(s, '#');

	if (hash)
		*hash = '\0';
	if (!s[strspn(s, SEP)])
		return 0;
	if (!r->header)
		return parse_header(r, s);
	return parse_op(r, s);
}

/*
 * Read one line into buf (LINE_BYTES + 2). Returns 1, 0 at the end, -1 on
 * a line too long or holding a NUL. gztell counts the bytes gzgets really
 * took, which strlen cannot when the line holds a NUL.
 */
static int read_line(struct reader *r, char *buf)
{
	z_off_t before = gztell(r->f);
	size_t n;

	if (!gzgets(r->f, buf, LINE_BYTES + 2))
		return 0;
	n = (size_t)(gztell(r->f) - before);
	if (r->line == INT_MAX)
		return err_set(r->err, r->path, 0, "", "too many lines");
	r->line++;
	if (strlen(buf) != n)
		return err_set(r->err, r->path, r->line, "",
			       "NUL byte in line (binary file?)");
	if (n == LINE_BYTES + 1 && buf[n - 1] != '\n')
		return err_set(r->err, r->path, r->line, "",
			       "line longer than %d bytes", LINE_BYTES);
	return 1;
}

/*
 * zlib's verdict on the stream. A parse error in a gzip file may come from
 * corrupt data, so then the rest of the stream is decompressed (drain) to let
 * zlib check it: "corrupt gzip data" is the better message. Returns 0 or -1
 * with err replaced.
 */
static int stream_check(struct reader *r, int drain)
{
	char buf[4096];
	const char *zmsg;
	size_t plen;
	int errnum;

	if (drain && !gzdirect(r->f))
		while (gzread(r->f, buf, sizeof buf) > 0)
			;
	zmsg = gzerror(r->f, &errnum);
	if (errnum == Z_OK)
		return 0;
	if (errnum == Z_ERRNO)
		return err_set(r->err, r->path, 0, "", "read error: %s",
			       strerror(errno));
	/* zlib prefixes "path: ", which err already names */
	plen = strlen(r->path);
	if (!strncmp(zmsg, r->path, plen) && !strncmp(zmsg + plen, ": ", 2))
		zmsg += plen + 2;
	/* zlib inflates ahead of the lines handed out, so the line count
	 * only says how much came through; the error is the file's */
	if (r->line == 0)
		return err_set(r->err, r->path, 0, "", "truncated or corrupt "
			       "gzip data (zlib: %s)", zmsg);
	return err_set(r->err, r->path, 0, "", "truncated or corrupt gzip "
		       "data (zlib: %s) after line %d", zmsg, r->line);
}

static int read_all(struct reader *r)
{
	char buf[LINE_BYTES + 2];
	int rc;

	while ((rc = read_line(r, buf)) > 0)
		if (parse_line(r, buf))
			break;
	if (rc != 0) {
		stream_check(r, 1);
		return -1;
	}
	if (stream_check(r, 0))
		return -1;
	if (!r->header)
		return err_set(r->err, r->path, 0, "", "not a stasim trace "
			       "(first line must be '%s')", TRACE_MAGIC);
	if (r->t->n_ops == 0)
		return err_set(r->err, r->path, 0, "", "trace has no ops");
	return 0;
}

/* Inflate one chunk; returns 1 at the end of a member, 0 to go on, -1 bad. */
static int inflate_chunk(z_stream *z)
{
	unsigned char out[16384];
	int zr;

	do {
		z->next_out = out;
		z->avail_out = sizeof out;
		zr = inflate(z, Z_NO_FLUSH);
		if (zr == Z_STREAM_END)
			return 1;
		if (zr != Z_OK && zr != Z_BUF_ERROR)
			return -1;
	} while (z->avail_out == 0);
	return 0;
}

/*
 * gzread accepts anything after a complete gzip member as "trailing
 * garbage" and stops silently; a trace with bytes after its data is damaged,
 * so walk the members ourselves. Returns 0, or -1 with err.
 */
static int gz_members_whole(const char *path, struct sim_err *err)
{
	unsigned char in[65536];
	z_stream z;
	FILE *f = fopen(path, "rb");
	int rc = 0, end = 0;

	if (!f)
		return err_set(err, path, 0, "", "cannot open: %s", strerror(errno));
	memset(&z, 0, sizeof z);
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
		fclose(f);
		return err_set(err, path, 0, "", "out of memory");
	}
	while (rc == 0) {
		if (z.avail_in == 0) {
			z.avail_in = (uInt)fread(in, 1, sizeof in, f);
			z.next_in = in;
			if (z.avail_in == 0)
				break;
		}
		if (end) {	/* between members: only another member may follow */
			if (z.next_in[0] != 0x1f)
				rc = -1;
			end = 0;
			inflateReset(&z);
			continue;
		}
		end = inflate_chunk(&z);
		if (end < 0)
			rc = -1;
	}
	inflateEnd(&z);
	fclose(f);
	if (rc)
		return err_set(err, path, 0, "", "truncated or corrupt gzip "
			       "data (bytes after the end of the compressed "
			       "stream)");
	return 0;
}

int trace_read(const char *path, struct trace *t, struct sim_err *err)
{
	struct reader r = { .path = path, .t = t, .err = err };
	int rc, zrc, gz;

	memset(t, 0, sizeof *t);
	snprintf(t->path, sizeof t->path, "%s", path);
	errno = 0;
	r.f = gzopen(path, "rb");
	if (!r.f)
		return err_set(err, path, 0, "", "cannot open: %s",
			       errno ? strerror(errno) : "out of memory");
	rc = read_all(&r);
	gz = !gzdirect(r.f);
	zrc = gzclose(r.f);
	if (rc == 0 && zrc != Z_OK)
		rc = err_set(err, path, 0, "", "error closing (zlib code %d)",
			     zrc);
	if (rc == 0 && gz)
		rc = gz_members_whole(path, err);
	names_free(&r.names);
	if (rc)
		trace_free(t);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Writer */

/* " assign=3.7,1.2" */
static size_t list_format(const struct trace *t, const struct op *op,
			  char *buf, size_t len)
{
	size_t used = (size_t)snprintf(buf, len, " assign=");
	uint32_t i;

	for (i = 0; i < op->assign_len && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%u",
					 i == 0 ? "" : i % op->topk ? "." : ",",
					 t->assign[op->assign_off + i]);
	return used;
}

/* The op's canonical line, without newline. */
static void op_format(const struct trace *t, const struct op *op, char *buf,
		      size_t len)
{
	const struct trace_key *k;
	size_t used;

	used = (size_t)snprintf(buf, len, "%s", kind_names[op->kind]);
	for (k = schema; k < schema + SCHEMA_ROWS && used < len; k++) {
		if (k->kind != op->kind)
			continue;
		if (!(k->flags & (KEY_REQ | KEY_SHOW)) && key_is_default(k, op))
			continue;
		if (k->type == KEY_NAME)
			used += (size_t)snprintf(buf + used, len - used,
						 " %s=%s", k->key,
						 (const char *)op + k->off);
		else if (k->type == KEY_UINT)
			used += (size_t)snprintf(buf + used, len - used,
						 " %s=%u", k->key,
						 get_u32(op, k->off));
		else if (k->type == KEY_ENUM)
			used += (size_t)snprintf(buf + used, len - used,
						 " %s=%s", k->key,
						 k->names[get_u32(op, k->off)]);
		else if (k->type == KEY_LIST)
			used += list_format(t, op, buf + used, len - used);
		else
			used += (size_t)snprintf(buf + used, len - used,
						 " %s=%u:%u", k->key, op->nm_n,
						 op->nm_m);
	}
}

/*
 * Next line of a comment: up to a newline, and at most what fits a trace
 * line after "# " (a longer one is split, or the reader would refuse the
 * file). Returns its length, or -1 at the end; advances *c.
 */
static int comment_next(const char **c)
{
	const char *end;
	size_t len;

	if (!*c || !**c)
		return -1;
	end = strchr(*c, '\n');
	len = end ? (size_t)(end - *c) : strlen(*c);
	if (len > LINE_BYTES - 2) {
		*c += LINE_BYTES - 2;
		return LINE_BYTES - 2;
	}
	*c += len + (end != NULL);
	return (int)len;
}

static int comment_lines(const char *comment)
{
	int n = 0;

	while (comment_next(&comment) >= 0)
		n++;
	return n;
}

/* Refuse an op the reader would refuse; line = where it would be written. */
static int check_ops(const char *path, const struct trace *t,
		     const char *comment, struct sim_err *err)
{
	struct names names = { 0 };
	const char *key;
	char msg[MSG_BYTES], field[sizeof err->field];
	int first = 2 + comment_lines(comment);
	size_t i, prev;
	int rc = 0;

	if (t->n_ops == 0)
		return err_set(err, path, 0, "", "trace has no ops");
	for (i = 0; i < t->n_ops && rc == 0; i++) {
		if (op_check(t, &t->ops[i], &key, msg)) {
			rc = -1;
		} else if ((rc = names_add(&names, t->ops, i, &prev)) > 0) {
			key = "name";
			snprintf(msg, sizeof msg, "duplicate name '%s' (op %zu "
				 "has it too)", t->ops[i].name, prev + 1);
		} else if (rc < 0) {
			names_free(&names);
			return err_set(err, path, 0, "", "out of memory");
		}
	}
	names_free(&names);
	if (rc == 0)
		return 0;
	i--;
	snprintf(field, sizeof field, "%s.%s", op_kind_name(t->ops[i].kind),
		 key);
	return err_set(err, path, first + (int)i, field, "%s", msg);
}

static int write_body(gzFile gz, const struct trace *t, const char *comment)
{
	char line[LINE_BYTES];
	const char *text = comment;
	size_t i;
	int len;

	if (gzputs(gz, TRACE_MAGIC "\n") < 0)
		return -1;
	while ((len = comment_next(&comment)) >= 0) {
		if (gzputs(gz, len ? "# " : "#") < 0 ||
		    gzwrite(gz, text, (unsigned)len) != len ||
		    gzputs(gz, "\n") < 0)
			return -1;
		text = comment;
	}
	for (i = 0; i < t->n_ops; i++) {
		op_format(t, &t->ops[i], line, sizeof line);
		if (gzputs(gz, line) < 0 || gzputs(gz, "\n") < 0)
			return -1;
	}
	return 0;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && !strcmp(s + ls - lx, suffix);
}

/*
 * Open tmp (a mkstemp template) for writing through zlib. mkstemp makes the
 * file 0600; a trace is no secret, so it gets the mode open() would give.
 * umask can only be read by setting it, hence the set-and-restore.
 */
static gzFile open_tmp(char *tmp, int gz)
{
	mode_t mask;
	gzFile f;
	int fd = mkstemp(tmp), saved;

	if (fd < 0)
		return NULL;
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) == 0) {
		/* "T": plain bytes through the same API. gzdopen writes no
		 * file name and mtime 0, so the output is reproducible. */
		errno = ENOMEM;
		f = gzdopen(fd, gz ? "wb9" : "wbT");
		if (f)
			return f;
	}
	saved = errno;
	close(fd);
	unlink(tmp);
	errno = saved;
	return NULL;
}

static int write_fail(const char *path, char *tmp, gzFile gz,
		      struct sim_err *err)
{
	const char *zmsg = "";
	int errnum = Z_OK;
	int saved = errno;

	if (gz) {
		zmsg = gzerror(gz, &errnum);
		err_set(err, path, 0, "", "cannot write: %s", errnum == Z_ERRNO
			? strerror(saved) : zmsg);
		gzclose(gz);
	} else {
		err_set(err, path, 0, "", "cannot write: %s", strerror(saved));
	}
	unlink(tmp);
	free(tmp);
	return -1;
}

int trace_write(const char *path, const struct trace *t, const char *comment,
		struct sim_err *err)
{
	static const char suffix[] = ".tmpXXXXXX";
	size_t len = strlen(path);
	char *tmp;
	gzFile gz;
	int rc;

	if (check_ops(path, t, comment, err))
		return -1;
	tmp = malloc(len + sizeof suffix);
	if (!tmp)
		return err_set(err, path, 0, "", "out of memory");
	memcpy(tmp, path, len);
	memcpy(tmp + len, suffix, sizeof suffix);
	gz = open_tmp(tmp, ends_with(path, ".gz"));
	if (!gz) {
		rc = errno;
		err_set(err, path, 0, "", "cannot create temporary file: %s",
			strerror(rc));
		free(tmp);
		return -1;
	}
	if (write_body(gz, t, comment))
		return write_fail(path, tmp, gz, err);
	rc = gzclose(gz);
	if (rc != Z_OK) {
		errno = rc == Z_ERRNO ? errno : EIO;
		return write_fail(path, tmp, NULL, err);
	}
	if (rename(tmp, path))
		return write_fail(path, tmp, NULL, err);
	free(tmp);
	return 0;
}
