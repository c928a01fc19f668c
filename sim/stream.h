/*
 * stream.h - seeded pseudo-random streams: every random draw of stasim
 * (functional operands, MoE routing, synthetic router data) derives from
 * the run's seed through this 64-bit mix, so a run is the same on every
 * machine. Not for security.
 */
#ifndef SIM_STREAM_H
#define SIM_STREAM_H

#include <stdint.h>

#define STREAM_GOLDEN 0x9e3779b97f4a7c15ull	/* splitmix64 increment */

/* The splitmix64 finalizer: a bijective 64-bit mix. */
static inline uint64_t stream_mix(uint64_t x)
{
	x += STREAM_GOLDEN;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* Next draw of the stream whose state is *s (splitmix64). */
static inline uint64_t stream_next(uint64_t *s)
{
	*s += STREAM_GOLDEN;
	return stream_mix(*s);
}

#endif
