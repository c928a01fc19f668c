/*
 * trace.c - a trace in memory (trace.h): its ops, the tensors they read
 * and write, and the pool of moe expert lists, grown by doubling; the index
 * of names the reader, the writer and the tensor table use to find a name.
 * Reading is trace_read.c, writing trace_write.c, the schema and the op
 * checks trace_schema.c and trace_check.c (docs/trace-format.md).
 *
 * Invariant: n_ops <= cap, n_assign <= cap_assign, n_tensors <=
 * cap_tensors; a name index keeps fewer than half its slots in use, each
 * slot 0 or an entry index + 1; every op's in[] and out index the tensor
 * table, each tensor's producer is -1 or the one op that writes it, and
 * every tensor an op reads has a producer before it or none.
 */
#include "trace_schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kern.h"
#include "lib/hash.h"

/* ------------------------------------------------------------------ */
/* Names */

const char *trace_op_name(const void *ops, size_t i)
{
	return ((const struct op *)ops)[i].name;
}

const char *trace_tensor_name(const void *tensors, size_t i)
{
	return ((const struct trace_tensor *)tensors)[i].name;
}

static uint64_t name_hash(const char *s)
{
	return hash_bytes(HASH_FNV_INIT, s, strlen(s));
}

static int names_grow(struct trace_names *nm, const void *base,
		      trace_name_of *name_of)
{
	size_t cap = nm->cap ? nm->cap * 2 : 64;
	size_t *slot = calloc(cap, sizeof *slot);
	size_t i, j;

	if (!slot)
		return -1;
	for (i = 0; i < nm->cap; i++) {
		if (!nm->slot[i])
			continue;
		j = name_hash(name_of(base, nm->slot[i] - 1)) & (cap - 1);
		while (slot[j])
			j = (j + 1) & (cap - 1);
		slot[j] = nm->slot[i];
	}
	free(nm->slot);
	nm->slot = slot;
	nm->cap = cap;
	return 0;
}

int trace_names_reserve(struct trace_names *nm, const void *base,
			trace_name_of *name_of, size_t more)
{
	while (2 * (nm->used + more) > nm->cap)
		if (names_grow(nm, base, name_of))
			return -1;
	return 0;
}

/* The slot holding name, or the empty slot where it would go. */
static size_t names_slot(const struct trace_names *nm, const void *base,
			 trace_name_of *name_of, const char *name)
{
	size_t j = name_hash(name) & (nm->cap - 1);

	while (nm->slot[j] && strcmp(name_of(base, nm->slot[j] - 1), name))
		j = (j + 1) & (nm->cap - 1);
	return j;
}

int64_t trace_names_find(const struct trace_names *nm, const void *base,
			 trace_name_of *name_of, const char *name)
{
	size_t j;

	if (nm->cap == 0)
		return -1;
	j = names_slot(nm, base, name_of, name);
	return nm->slot[j] ? (int64_t)(nm->slot[j] - 1) : -1;
}

int trace_names_add(struct trace_names *nm, const void *base,
		    trace_name_of *name_of, size_t idx, size_t *prev)
{
	size_t j;

	if (trace_names_reserve(nm, base, name_of, 1))
		return -1;
	j = names_slot(nm, base, name_of, name_of(base, idx));
	if (nm->slot[j]) {
		*prev = nm->slot[j] - 1;
		return 1;
	}
	nm->slot[j] = idx + 1;
	nm->used++;
	return 0;
}

void trace_names_free(struct trace_names *nm)
{
	free(nm->slot);
	memset(nm, 0, sizeof *nm);
}


/* ------------------------------------------------------------------ */
/* Trace storage */

/* Room for one more op and `more` tensors, so that a push cannot fail
 * halfway; 0 or -1 when out of memory. */
static int reserve(struct trace *t, size_t more)
{
	struct trace_tensor *x;
	struct op *ops;
	size_t cap;

	if (t->n_ops >= INT32_MAX || t->n_tensors + more > UINT32_MAX)
		return -1;	/* producers are int32_t, in[] uint32_t */
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
	for (cap = t->cap_tensors; t->n_tensors + more > cap; )
		cap = cap ? cap * 2 : 64;
	if (cap != t->cap_tensors) {
		x = realloc(t->tensors, cap * sizeof *x);
		if (!x)
			return -1;
		t->tensors = x;
		t->cap_tensors = cap;
	}
	return trace_names_reserve(&t->tensor_names, t->tensors,
				   trace_tensor_name, more);
}

static int64_t tensor_find(const struct trace *t, const char *name)
{
	return trace_names_find(&t->tensor_names, t->tensors,
				trace_tensor_name, name);
}

/* The tensor named name, added with producer when new (room reserved). */
static uint32_t tensor_use(struct trace *t, const char *name,
			   int32_t producer)
{
	int64_t i = tensor_find(t, name);
	struct trace_tensor *x;
	size_t prev;

	if (i >= 0)
		return (uint32_t)i;
	x = &t->tensors[t->n_tensors];
	snprintf(x->name, sizeof x->name, "%s", name);
	x->producer = producer;
	x->last_reader = -1;
	trace_names_add(&t->tensor_names, t->tensors, trace_tensor_name,
			t->n_tensors, &prev);
	return (uint32_t)t->n_tensors++;
}

/* err for op's "kind.key" on line; returns -1. */
static int graph_fail(const struct trace *t, const struct op *op, int line,
		      const char *key, const char *msg, struct sim_err *err)
{
	char field[sizeof err->field];

	snprintf(field, sizeof field, "%s.%s", op_kind_name(op->kind), key);
	return err_set(err, t->path, line, field, "%s", msg);
}

/* The first op that reads tensor x (there is one: a graph input). */
static size_t first_reader(const struct trace *t, uint32_t x)
{
	size_t i;
	uint32_t j;

	for (i = 0; i < t->n_ops; i++)
		for (j = 0; j < t->ops[i].n_in; j++)
			if (t->ops[i].in[j] == x)
				return i;
	SIM_ASSERT(!"a graph input no op reads", 0, "trace");
	return 0;
}

/*
 * The tensor op writes must be new: not written before (twice), not read
 * before as a graph input (read before written), not read by op itself.
 */
static int check_out(const struct trace *t, const struct op *op,
		     const char *const *in, uint32_t n_in, const char *out,
		     struct sim_err *err)
{
	static const char hint[] = " (the first op reads '" TRACE_INPUT
				   "' unless in= says otherwise)";
	char msg[TRACE_MSG_BYTES];
	const struct op *r;
	int64_t x = tensor_find(t, out);
	int input = !strcmp(out, TRACE_INPUT);
	uint32_t j;

	for (j = 0; j < n_in; j++)
		if (!strcmp(in[j], out)) {
			snprintf(msg, sizeof msg, "'%s' is both read and written "
				 "by this op%s", out, input && t->n_ops == 0 ?
				 hint : "");
			return graph_fail(t, op, op->line, "out", msg, err);
		}
	if (x < 0)
		return 0;
	if (t->tensors[x].producer >= 0) {
		r = &t->ops[t->tensors[x].producer];
		snprintf(msg, sizeof msg, "tensor '%s' is written twice (first "
			 "by op '%s' on line %d)", out, r->name, r->line);
		return graph_fail(t, op, op->line, "out", msg, err);
	}
	j = (uint32_t)first_reader(t, (uint32_t)x);
	r = &t->ops[j];
	snprintf(msg, sizeof msg, "'%s' is read before op '%s' writes it on "
		 "line %d%s", out, op->name, op->line, input && j == 0 ?
		 hint : "");
	return graph_fail(t, r, r->line, "in", msg, err);
}

/* The names op reads and writes, each checked; the implicit ones filled. */
static int io_names(const struct trace *t, const struct op *op,
		    const char **in, uint32_t *n_in, const char **out,
		    struct sim_err *err)
{
	uint32_t want = op_kind_inputs(op->kind), j;
	char msg[TRACE_MSG_BYTES];

	if (*n_in != 0 && *n_in != want) {
		snprintf(msg, sizeof msg, "%s reads %u tensor%s, in= names %u",
			 op_kind_name(op->kind), want, want == 1 ? "" : "s",
			 *n_in);
		return graph_fail(t, op, op->line, "in", msg, err);
	}
	for (j = 0; *n_in == 0 && j < want; j++)
		in[j] = t->n_ops ? t->tensors[t->ops[t->n_ops - 1].out].name
				 : TRACE_INPUT;
	*n_in = want;
	for (j = 0; j < want; j++)
		if (trace_tensor_name_check(in[j], strlen(in[j]), msg))
			return graph_fail(t, op, op->line, "in", msg, err);
	if (!*out)
		*out = op->name;
	if (trace_tensor_name_check(*out, strnlen(*out, TRACE_NAME_MAX), msg))
		return graph_fail(t, op, op->line, "out", msg, err);
	return 0;
}

int trace_push_io(struct trace *t, const struct op *op,
		  const char *const *in, uint32_t n_in, const char *out,
		  struct sim_err *err)
{
	const char *names[TRACE_IN_MAX];
	struct op *c;
	uint32_t j, idx = (uint32_t)t->n_ops;

	SIM_ASSERT(t->n_ops == 0 || t->ops[t->n_ops - 1].out < t->n_tensors,
		   0, "trace");	/* ops put in place by hand take no push */
	if (reserve(t, TRACE_IN_MAX + 1))
		return err_set(err, t->path, op->line, "", "out of memory");
	for (j = 0; j < n_in && j < TRACE_IN_MAX; j++)
		names[j] = in[j];
	if (io_names(t, op, names, &n_in, &out, err) ||
	    check_out(t, op, names, n_in, out, err))
		return -1;
	c = &t->ops[idx];
	*c = *op;
	c->n_in = n_in;
	for (j = 0; j < n_in; j++) {
		c->in[j] = tensor_use(t, names[j], -1);
		t->tensors[c->in[j]].last_reader = (int32_t)idx;
	}
	c->out = tensor_use(t, out, (int32_t)idx);
	t->n_ops++;
	return 0;
}

int trace_push(struct trace *t, const struct op *op)
{
	struct sim_err err;

	return trace_push_io(t, op, NULL, 0, NULL, &err);
}

int32_t trace_producer(const struct trace *t, uint32_t tensor)
{
	SIM_ASSERT(tensor < t->n_tensors, 0, "trace");
	return t->tensors[tensor].producer;
}

int32_t trace_last_reader(const struct trace *t, uint32_t tensor)
{
	SIM_ASSERT(tensor < t->n_tensors, 0, "trace");
	return t->tensors[tensor].last_reader;
}

int32_t trace_next_reader(const struct trace *t, uint32_t tensor,
			  int32_t after)
{
	int32_t last = trace_last_reader(t, tensor), i;
	uint32_t j;

	for (i = after < 0 ? 0 : after + 1; i <= last; i++)
		for (j = 0; j < t->ops[i].n_in; j++)
			if (t->ops[i].in[j] == tensor)
				return i;
	return -1;
}

void trace_truncate(struct trace *t, size_t n)
{
	struct trace_names *nm = &t->tensor_names;
	size_t i, keep = 0, prev;
	uint32_t j;

	SIM_ASSERT(n <= t->n_ops, 0, "trace");
	t->n_ops = n;
	if (t->n_tensors == 0)
		return;		/* ops put in place by hand: no table */
	/* tensors are numbered in order of first use: a prefix stays */
	for (i = 0; i < n; i++) {
		for (j = 0; j < t->ops[i].n_in; j++)
			if (t->ops[i].in[j] >= keep)
				keep = t->ops[i].in[j] + 1;
		if (t->ops[i].out >= keep)
			keep = t->ops[i].out + 1;
	}
	t->n_tensors = keep;
	for (i = 0; i < keep; i++)
		t->tensors[i].last_reader = -1;
	for (i = 0; i < n; i++)
		for (j = 0; j < t->ops[i].n_in; j++)
			t->tensors[t->ops[i].in[j]].last_reader = (int32_t)i;
	/* the index again, in the room it has: no add can fail */
	memset(nm->slot, 0, nm->cap * sizeof *nm->slot);
	nm->used = 0;
	for (i = 0; i < keep; i++)
		trace_names_add(nm, t->tensors, trace_tensor_name, i, &prev);
}

int trace_in_implicit(const struct trace *t, size_t i)
{
	const struct op *op = &t->ops[i];
	uint32_t j;

	if (t->n_tensors == 0)
		return 1;
	for (j = 0; j < op->n_in; j++)
		if (i == 0 ? strcmp(t->tensors[op->in[j]].name, TRACE_INPUT) != 0
			   : op->in[j] != t->ops[i - 1].out)
			return 0;
	return 1;
}

int trace_out_implicit(const struct trace *t, size_t i)
{
	return t->n_tensors == 0 ||
	       !strcmp(t->tensors[t->ops[i].out].name, t->ops[i].name);
}

void trace_free(struct trace *t)
{
	free(t->ops);
	free(t->assign);
	free(t->tensors);
	trace_names_free(&t->tensor_names);
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
	if (n)	/* the pool may still be NULL */
		memcpy(t->assign + t->n_assign, v, n * sizeof *v);
	t->n_assign += n;
	return (int64_t)(t->n_assign - n);
}


void trace_file_stem(const char *path, char *buf, size_t n)
{
	static const char *const ext[] = { ".trace.gz", ".trace" };
	const char *b = strrchr(path, '/');
	size_t len, e, i;

	b = b && b[1] ? b + 1 : path;
	len = strlen(b);
	for (i = 0; i < sizeof ext / sizeof ext[0]; i++) {
		e = strlen(ext[i]);
		if (len > e && !strcmp(b + len - e, ext[i])) {
			len -= e;
			break;
		}
	}
	snprintf(buf, n, "%.*s", (int)len, b);
}

void trace_label_model(const struct trace *t, char *buf, size_t n)
{
	if (t->model[0])
		snprintf(buf, n, "%s", t->model);
	else
		trace_file_stem(t->path, buf, n);
}

void trace_label_nm(const struct trace *t, char *buf, size_t n)
{
	uint32_t nn = 0, mm = 0;
	size_t i;

	for (i = 0; i < t->n_ops; i++) {
		const struct op *op = &t->ops[i];

		/* gemm and MoE expert weights; matmul operands are dense */
		if ((op->kind != OP_GEMM && op->kind != OP_MOE) ||
		    op->nm_n == op->nm_m)
			continue;
		if (nn && (op->nm_n != nn || op->nm_m != mm)) {
			snprintf(buf, n, "mixed");
			return;
		}
		nn = op->nm_n;
		mm = op->nm_m;
	}
	if (nn)
		snprintf(buf, n, "%u:%u", nn, mm);
	else
		snprintf(buf, n, "dense");
}
