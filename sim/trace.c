/*
 * trace.c - a trace in memory (trace.h): its ops and the pool of moe expert
 * lists, grown by doubling, and the index of op names the reader and the
 * writer use to refuse a name given twice. Reading is trace_read.c,
 * writing trace_write.c, the schema and the op checks trace_schema.c and
 * trace_check.c (docs/trace-format.md).
 *
 * Invariant: n_ops <= cap and n_assign <= cap_assign; the name index keeps
 * fewer than half its slots in use, each slot 0 or an op index + 1.
 */
#include "trace_schema.h"

#include <stdlib.h>
#include <string.h>

#include "lib/hash.h"

/* ------------------------------------------------------------------ */
/* Duplicate names */

static uint64_t name_hash(const char *s)
{
	return hash_bytes(HASH_FNV_INIT, s, strlen(s));
}

static int names_grow(struct trace_names *nm, const struct op *ops)
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

int trace_names_add(struct trace_names *nm, const struct op *ops, size_t idx,
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

void trace_names_free(struct trace_names *nm)
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

