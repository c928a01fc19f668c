/*
 * lib/buf.h - a byte string that grows, and the realloc under it.
 *
 * For stasim's readers and analysis commands, whose allocations are
 * bounded by an input already in memory: out of memory ends the process
 * with one line on stderr instead of a failure path in every caller.
 */
#ifndef SIM_LIB_BUF_H
#define SIM_LIB_BUF_H

#include <stddef.h>

/* A growing byte string; { 0 } is empty. */
struct buf {
	char *s;		/* bytes, NUL-terminated once the owner puts a 0 */
	size_t n, cap;		/* used and allocated bytes */
};

/*
 * realloc(p, n) that never returns NULL (n = 0 is taken as 1): on failure
 * it prints "stasim: out of memory" on stderr and aborts.
 */
void *buf_grow(void *p, size_t n);

/* Append one byte, doubling the allocation when full (amortized O(1)). */
void buf_put(struct buf *b, char ch);

#endif
