/*
 * trace_schema.c - the trace schema (trace_schema.h, docs/trace-format.md):
 * one row per key of each op kind (field offset, type, range, flags), the
 * parsing of one key's value text and the range check of its stored value.
 * The reader, the whole-op checks and the writer all walk these rows, so
 * adding a kind or a key is one row here.
 *
 * Invariant: trace_key_parse only stores a value whose text is well formed;
 * trace_key_check accepts a stored value only inside its row's range.
 */
#include "trace_schema.h"

#include <stdio.h>
#include <string.h>

static const char *const routing_names[] = { "uniform", "zipf", "hot",
					     "computed", "list", NULL };

/* KEY_NM stores N at off and M right after it. */
_Static_assert(offsetof(struct op, nm_m) ==
	       offsetof(struct op, nm_n) + sizeof(uint32_t),
	       "nm_m must follow nm_n");

/* The rows every kind starts with: its name, then its dimensions. */
#define NAME_ROW(kind) \
	{ kind, "name", OFF(name), KEY_NAME, 1, TRACE_NAME_MAX - 1, KEY_REQ, NULL }
#define DIM_ROW(kind, key) \
	{ kind, #key, OFF(key), KEY_UINT, 1, TRACE_DIM_MAX, KEY_REQ, NULL }
/* The rows every kind ends with (version 2): the n tensors it reads, the
 * one it writes; min and max of in= are its count. */
#define GRAPH_ROWS(kind, n) \
	{ kind, "in", OFF(in), KEY_TENSORS, n, n, KEY_V2, NULL }, \
	{ kind, "out", OFF(out), KEY_TENSOR, 1, TRACE_NAME_MAX - 1, KEY_V2, NULL }

/* Rows of one kind are contiguous and in canonical (written) order. */
const struct trace_key trace_schema[] = {
	NAME_ROW(OP_GEMM),
	DIM_ROW(OP_GEMM, m), DIM_ROW(OP_GEMM, k), DIM_ROW(OP_GEMM, n),
	{ OP_GEMM, "nm", OFF(nm_n), KEY_NM, 1, TRACE_NM_MAX, 0, NULL },
	GRAPH_ROWS(OP_GEMM, 1),		/* X; W is a parameter, no tensor */
	NAME_ROW(OP_MATMUL),
	DIM_ROW(OP_MATMUL, m), DIM_ROW(OP_MATMUL, k), DIM_ROW(OP_MATMUL, n),
	{ OP_MATMUL, "heads", OFF(heads), KEY_UINT, 1, TRACE_HEADS_MAX, KEY_SHOW, NULL },
	GRAPH_ROWS(OP_MATMUL, 2),	/* A, then B */
	NAME_ROW(OP_SOFTMAX), DIM_ROW(OP_SOFTMAX, m), DIM_ROW(OP_SOFTMAX, n),
	{ OP_SOFTMAX, "heads", OFF(heads), KEY_UINT, 1, TRACE_HEADS_MAX, KEY_SHOW, NULL },
	GRAPH_ROWS(OP_SOFTMAX, 1),
	NAME_ROW(OP_GELU), DIM_ROW(OP_GELU, m), DIM_ROW(OP_GELU, n),
	GRAPH_ROWS(OP_GELU, 1),
	NAME_ROW(OP_LAYERNORM), DIM_ROW(OP_LAYERNORM, m), DIM_ROW(OP_LAYERNORM, n),
	GRAPH_ROWS(OP_LAYERNORM, 1),
	NAME_ROW(OP_ADD), DIM_ROW(OP_ADD, m), DIM_ROW(OP_ADD, n),
	GRAPH_ROWS(OP_ADD, 2),
	NAME_ROW(OP_GATE), DIM_ROW(OP_GATE, m), DIM_ROW(OP_GATE, k),
	{ OP_GATE, "n", OFF(n), KEY_UINT, 1, TRACE_EXPERTS_MAX, KEY_REQ, NULL },
	{ OP_GATE, "topk", OFF(topk), KEY_UINT, 1, TRACE_TOPK_MAX, KEY_REQ, NULL },
	{ OP_GATE, "tasks", OFF(tasks), KEY_UINT, 1, 64, 0, NULL },
	{ OP_GATE, "task", OFF(task), KEY_UINT, 0, 63, 0, NULL },
	GRAPH_ROWS(OP_GATE, 1),		/* the tokens; W_gate is a parameter */
	NAME_ROW(OP_MOE),
	DIM_ROW(OP_MOE, m), DIM_ROW(OP_MOE, k), DIM_ROW(OP_MOE, n),
	{ OP_MOE, "experts", OFF(experts), KEY_UINT, 1, TRACE_EXPERTS_MAX, KEY_REQ, NULL },
	{ OP_MOE, "topk", OFF(topk), KEY_UINT, 1, TRACE_TOPK_MAX, KEY_REQ, NULL },
	{ OP_MOE, "nm", OFF(nm_n), KEY_NM, 1, TRACE_NM_MAX, 0, NULL },
	{ OP_MOE, "capacity", OFF(capacity), KEY_UINT, 0, 10000, 0, NULL },
	{ OP_MOE, "routing", OFF(routing), KEY_ENUM, 0, ROUTE_LIST, 0,
	  routing_names },
	{ OP_MOE, "skew", OFF(skew), KEY_UINT, 0, 1000, 0, NULL },
	{ OP_MOE, "hot", OFF(hot), KEY_UINT, 0, TRACE_EXPERTS_MAX, 0, NULL },
	{ OP_MOE, "assign", OFF(assign_off), KEY_LIST, 0, 0, 0, NULL },
	GRAPH_ROWS(OP_MOE, 1),		/* the tokens; expert weights are parameters */
};

_Static_assert(TRACE_SCHEMA_ROWS <= 64, "seen-key mask is 64 bits");

const char *const trace_kind_names[OP_KIND_COUNT] = {
	[OP_GEMM] = "gemm",
	[OP_MATMUL] = "matmul",
	[OP_SOFTMAX] = "softmax",
	[OP_GELU] = "gelu",
	[OP_LAYERNORM] = "layernorm",
	[OP_ADD] = "add",
	[OP_GATE] = "gate",
	[OP_MOE] = "moe",
};

const char *op_kind_name(enum op_kind kind)
{
	if ((unsigned)kind >= OP_KIND_COUNT)
		return "?";
	return trace_kind_names[kind];
}

uint32_t op_kind_inputs(enum op_kind kind)
{
	const struct trace_key *k = trace_key_find(kind, TRACE_VERSION_MAX,
						   "in", 2);

	return k ? k->min : 0;
}

/* Defaults of every field a kind's rows may leave unset. */
void trace_op_default(enum op_kind kind, struct op *op)
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
int trace_parse_uint(const char *s, size_t len, uint32_t *v, char *msg)
{
	uint64_t x = 0;
	size_t i;

	if (len == 0) {
		snprintf(msg, TRACE_MSG_BYTES, "empty number");
		return -1;
	}
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9') {
			snprintf(msg, TRACE_MSG_BYTES,
				 "'%.*s' is not a decimal number",
				 (int)(len < 40 ? len : 40), s);
			return -1;
		}
		x = x * 10 + (uint64_t)(s[i] - '0');
		if (x > UINT32_MAX) {
			snprintf(msg, TRACE_MSG_BYTES, "'%.*s' is too large",
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
		snprintf(msg, TRACE_MSG_BYTES,
			 "'%.40s' is not an N:M pattern (e.g. nm=2:4)", s);
		return -1;
	}
	if (trace_parse_uint(s, (size_t)(colon - s), &nm[0], msg) ||
	    trace_parse_uint(colon + 1, strlen(colon + 1), &nm[1], msg))
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
	used = (size_t)snprintf(msg, TRACE_MSG_BYTES, "'%s' is not one of", val);
	for (i = 0; k->names[i] && used < TRACE_MSG_BYTES; i++)
		used += (size_t)snprintf(msg + used, TRACE_MSG_BYTES - used, "%s%s",
					 i ? ", " : " ", k->names[i]);
	return -1;
}

/* Store the text of one key=value into op; syntax errors only. */
int trace_key_parse(const struct trace_key *k, struct op *op,
		     const char *val, char *msg)
{
	size_t len = strlen(val);

	switch (k->type) {
	case KEY_NAME:
		if (len > k->max) {
			snprintf(msg, TRACE_MSG_BYTES,
				 "name longer than %u characters", k->max);
			return -1;
		}
		memcpy((char *)op + k->off, val, len + 1);
		return 0;
	case KEY_UINT:
		return trace_parse_uint(val, len, trace_field(op, k->off), msg);
	case KEY_NM:
		return parse_nm(val, trace_field(op, k->off), msg);
	case KEY_ENUM:
		return parse_enum(k, val, trace_field(op, k->off), msg);
	case KEY_LIST:
	case KEY_TENSORS:
	case KEY_TENSOR:
		break;	/* need the trace: parse_list, parse_tensors */
	}
	return -1;
}

static int name_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

int trace_tensor_name_check(const char *s, size_t len, char *msg)
{
	size_t i;

	if (len == 0 || len > TRACE_NAME_MAX - 1) {
		snprintf(msg, TRACE_MSG_BYTES, len ? "tensor name longer than "
			 "%d characters" : "empty tensor name", TRACE_NAME_MAX - 1);
		return -1;
	}
	for (i = 0; i < len; i++) {
		if (!name_char_ok(s[i])) {
			snprintf(msg, TRACE_MSG_BYTES, "'%.*s' has a character "
				 "outside [A-Za-z0-9._-]", (int)len, s);
			return -1;
		}
	}
	return 0;
}

static int name_check(const struct trace_key *k, const char *s, char *msg)
{
	size_t len = strnlen(s, TRACE_NAME_MAX);
	size_t i;

	if (len < k->min || len > k->max) {
		snprintf(msg, TRACE_MSG_BYTES, "name must have %u to %u characters",
			 k->min, k->max);
		return -1;
	}
	for (i = 0; i < len; i++) {
		if (!name_char_ok(s[i])) {
			snprintf(msg, TRACE_MSG_BYTES, "'%s' has a character "
				 "outside [A-Za-z0-9._-]", s);
			return -1;
		}
	}
	return 0;
}

/* Range check of one key's stored value. */
int trace_key_check(const struct trace_key *k, const struct op *op,
		     char *msg)
{
	uint32_t v, n, m;

	switch (k->type) {
	case KEY_NAME:
		return name_check(k, (const char *)op + k->off, msg);
	case KEY_LIST:
		return 0;	/* checked with the whole op (op_check_assign) */
	case KEY_TENSORS:
	case KEY_TENSOR:
		return 0;	/* checked with the graph (trace_graph_check) */
	case KEY_UINT:
	case KEY_ENUM:
		v = trace_get(op, k->off);
		if (v >= k->min && v <= k->max)
			return 0;
		snprintf(msg, TRACE_MSG_BYTES, "%u is out of range (%u..%u)",
			 v, k->min, k->max);
		return -1;
	case KEY_NM:
		n = trace_get(op, k->off);
		m = trace_get(op, k->off + sizeof(uint32_t));
		if (n >= 1 && n <= m && m <= k->max)
			return 0;
		if (m > k->max)
			snprintf(msg, TRACE_MSG_BYTES, "N:M %u:%u has M above %u",
				 n, m, k->max);
		else
			snprintf(msg, TRACE_MSG_BYTES,
				 "N:M %u:%u needs 1 <= N <= M", n, m);
		return -1;
	}
	return -1;
}

int trace_key_is_default(const struct trace_key *k, const struct op *op)
{
	struct op def;

	trace_op_default(op->kind, &def);
	if (k->type == KEY_NM)
		return op->nm_n == def.nm_n && op->nm_m == def.nm_m;
	if (k->type == KEY_UINT || k->type == KEY_ENUM)
		return trace_get(op, k->off) == trace_get(&def, k->off);
	if (k->type == KEY_LIST)
		return op->assign_len == 0;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Whole ops */

/* 1 if row k is a key of kind in format version. */
static int key_in(const struct trace_key *k, enum op_kind kind,
		  uint32_t version)
{
	return k->kind == kind && (version >= 2 || !(k->flags & KEY_V2));
}

const struct trace_key *trace_key_find(enum op_kind kind, uint32_t version,
				       const char *key, size_t len)
{
	size_t i;

	for (i = 0; i < TRACE_SCHEMA_ROWS; i++)
		if (key_in(&trace_schema[i], kind, version) &&
		    strlen(trace_schema[i].key) == len &&
		    !memcmp(trace_schema[i].key, key, len))
			return &trace_schema[i];
	return NULL;
}

/* "name, m, k, n, nm": the keys of kind in version, for error messages. */
void trace_key_list(enum op_kind kind, uint32_t version, char *buf,
		    size_t len)
{
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < TRACE_SCHEMA_ROWS && used < len; i++)
		if (key_in(&trace_schema[i], kind, version))
			used += (size_t)snprintf(buf + used, len - used,
						 "%s%s", used ? ", " : "",
						 trace_schema[i].key);
}

