/*
 * lib/buf.c - a growing byte string (see buf.h).
 *
 * Invariant: b->n <= b->cap, and b->s holds b->cap bytes once b->cap > 0.
 */
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>

void *buf_grow(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q) {
		fputs("stasim: out of memory\n", stderr);
		abort();
	}
	return q;
}

void buf_put(struct buf *b, char ch)
{
	if (b->n == b->cap)
		b->s = buf_grow(b->s, b->cap = b->cap ? 2 * b->cap : 32);
	b->s[b->n++] = ch;
}
