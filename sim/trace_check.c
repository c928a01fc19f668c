/*
 * trace_check.c - whole-op validation (trace_op_check in trace_schema.h):
 * every key's range, the fields a kind takes no key for at their defaults,
 * the gate and moe keys that must agree, a routing=list op's expert lists,
 * and operand sizes; and the graph check of an op's tensors
 * (trace_graph_check), which the writer runs on a trace built in memory.
 *
 * Invariant: the reader appends and the writer writes only ops that pass
 * trace_op_check, so every op the simulator sees has its dimensions in
 * range and 1 <= nm_n <= nm_m.
 */
#include "trace_schema.h"

#include <stdio.h>
#include <string.h>


/*
 * Numeric fields of struct op. A field that no schema row of a kind covers
 * must keep its default (a gemm has heads 1, a matmul nm 1:1); trace_op_check()
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
		e = (uint64_t)op->heads * trace_get(op, operand[i].a) *
		    trace_get(op, operand[i].b);
		if (e <= TRACE_ELEMS_MAX)
			continue;
		*key = operand[i].key;
		snprintf(msg, TRACE_MSG_BYTES, "%s%s has %llu elements, more than "
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

	trace_op_default(op->kind, &def);
	for (i = 0; i < sizeof op_fields / sizeof op_fields[0]; i++) {
		covered = 0;
		for (j = 0; j < TRACE_SCHEMA_ROWS; j++)
			covered |= trace_schema[j].kind == op->kind &&
				   !strcmp(trace_schema[j].key, op_fields[i].key);
		if (covered || trace_get(op, op_fields[i].off) ==
			       trace_get(&def, op_fields[i].off))
			continue;
		*key = op_fields[i].key;
		snprintf(msg, TRACE_MSG_BYTES, "%s takes no %s; it must keep its "
			 "default", trace_kind_names[op->kind], op_fields[i].key);
		return -1;
	}
	return 0;
}

/* Keys of gate and moe ops that must agree with each other. */
static int op_check_moe(const struct op *op, const char **key, char *msg)
{
	if (op->kind == OP_GATE && op->task >= op->tasks) {
		*key = "task";
		snprintf(msg, TRACE_MSG_BYTES, "task %u needs tasks > %u (tasks is %u)",
			 op->task, op->task, op->tasks);
		return -1;
	}
	if (op->kind == OP_GATE && op->topk > op->n) {
		*key = "topk";
		snprintf(msg, TRACE_MSG_BYTES, "topk %u is more than the %u experts",
			 op->topk, op->n);
		return -1;
	}
	if (op->kind == OP_MOE && op->topk > op->experts) {
		*key = "topk";
		snprintf(msg, TRACE_MSG_BYTES, "topk %u is more than the %u experts",
			 op->topk, op->experts);
		return -1;
	}
	if (op->kind == OP_MOE && op->hot > op->experts) {
		*key = "hot";
		snprintf(msg, TRACE_MSG_BYTES, "hot %u is more than the %u experts",
			 op->hot, op->experts);
		return -1;
	}
	if (op->kind == OP_MOE && op->routing == ROUTE_HOT &&
	    (op->hot == 0 || op->skew > 100)) {
		*key = op->hot == 0 ? "hot" : "skew";
		snprintf(msg, TRACE_MSG_BYTES, "routing=hot needs hot >= 1 and skew "
			 "(the hot share) in 0..100 %%");
		return -1;
	}
	return 0;
}

/* routing=list: topk distinct experts per token, each below experts. */
static int op_check_assign(const struct trace *t, const struct op *op,
			   const char **key, char *msg)
{
	/* no pool at all when no op has assign= (no offset on NULL) */
	const uint16_t *v = t->assign ? t->assign + op->assign_off : NULL;
	uint32_t i, j, tok;

	*key = "assign";
	if (op->kind != OP_MOE)
		return 0;
	if ((op->routing == ROUTE_LIST) != (op->assign_len > 0)) {
		*key = op->assign_len ? "assign" : "routing";
		snprintf(msg, TRACE_MSG_BYTES, "routing=list and assign= go together");
		return -1;
	}
	if (op->assign_len && op->assign_per && op->assign_per != op->topk) {
		snprintf(msg, TRACE_MSG_BYTES, "tokens list %u experts each; topk "
			 "is %u", op->assign_per, op->topk);
		return -1;
	}
	if (op->assign_len && op->assign_len != (uint64_t)op->m * op->topk) {
		snprintf(msg, TRACE_MSG_BYTES, "%u experts listed; m * topk = %llu",
			 op->assign_len, (unsigned long long)op->m * op->topk);
		return -1;
	}
	for (i = 0; i < op->assign_len; i++) {
		tok = i / op->topk;
		if (v[i] >= op->experts) {
			snprintf(msg, TRACE_MSG_BYTES, "token %u: expert %u, but there "
				 "are %u experts", tok, v[i], op->experts);
			return -1;
		}
		for (j = tok * op->topk; j < i; j++)
			if (v[j] == v[i]) {
				snprintf(msg, TRACE_MSG_BYTES, "token %u: expert %u "
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
int trace_op_check(const struct trace *t, const struct op *op,
		    const char **key, char *msg)
{
	size_t i;

	if ((unsigned)op->kind >= OP_KIND_COUNT) {
		*key = "kind";
		snprintf(msg, TRACE_MSG_BYTES, "op kind %d does not exist",
			 (int)op->kind);
		return -1;
	}
	for (i = 0; i < TRACE_SCHEMA_ROWS; i++) {
		if (trace_schema[i].kind != op->kind)
			continue;
		if (trace_key_check(&trace_schema[i], op, msg)) {
			*key = trace_schema[i].key;
			return -1;
		}
	}
	if (op_check_fixed(op, key, msg))
		return -1;
	if (op_check_moe(op, key, msg) || op_check_assign(t, op, key, msg))
		return -1;
	return op_check_elems(op, key, msg);
}


/* A tensor index of t's table with a well-formed name; 0, or -1 with msg. */
static int tensor_ok(const struct trace *t, uint32_t x, char *msg)
{
	if (x >= t->n_tensors) {
		snprintf(msg, TRACE_MSG_BYTES, "tensor %u is not in the trace's "
			 "%zu tensors", x, t->n_tensors);
		return -1;
	}
	return trace_tensor_name_check(t->tensors[x].name,
				       strnlen(t->tensors[x].name,
					       TRACE_NAME_MAX), msg);
}

/* What op i reads: as many tensors as its kind, each written before it. */
static int graph_check_in(const struct trace *t, size_t i, char *msg)
{
	const struct op *op = &t->ops[i];
	uint32_t want = op_kind_inputs(op->kind), j;
	int32_t p;

	if (op->n_in != want) {
		snprintf(msg, TRACE_MSG_BYTES, "%s reads %u tensor%s, in= names "
			 "%u", trace_kind_names[op->kind], want,
			 want == 1 ? "" : "s", op->n_in);
		return -1;
	}
	for (j = 0; j < op->n_in; j++) {
		if (tensor_ok(t, op->in[j], msg))
			return -1;
		p = t->tensors[op->in[j]].producer;
		if (p >= 0 && (size_t)p >= i) {
			snprintf(msg, TRACE_MSG_BYTES, "'%s' is read before op "
				 "%d writes it", t->tensors[op->in[j]].name, p + 1);
			return -1;
		}
	}
	return 0;
}

int trace_graph_check(const struct trace *t, size_t i, const char **key,
		      char *msg)
{
	const struct op *op = &t->ops[i];
	uint32_t j;

	if (t->n_tensors == 0)
		return 0;	/* no graph: written as the implicit chain */
	*key = "in";
	if (graph_check_in(t, i, msg))
		return -1;
	*key = "out";
	if (tensor_ok(t, op->out, msg))
		return -1;
	for (j = 0; j < op->n_in; j++)
		if (op->in[j] == op->out) {
			snprintf(msg, TRACE_MSG_BYTES, "'%s' is both read and "
				 "written by this op", t->tensors[op->out].name);
			return -1;
		}
	if (t->tensors[op->out].producer < 0) {
		snprintf(msg, TRACE_MSG_BYTES, "tensor '%s' is a graph input, "
			 "which no op writes", t->tensors[op->out].name);
		return -1;
	}
	if (t->tensors[op->out].producer != (int32_t)i) {
		snprintf(msg, TRACE_MSG_BYTES, "tensor '%s' is written by op %d, "
			 "not by this one", t->tensors[op->out].name,
			 t->tensors[op->out].producer + 1);
		return -1;
	}
	return 0;
}
