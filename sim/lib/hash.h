/*
 * hash.h - 64-bit FNV-1a, the one hash of stasim (sweep point identity,
 * functional output digests). Not for security: for stable identities that
 * are the same on every machine and in every run.
 */
#ifndef SIM_LIB_HASH_H
#define SIM_LIB_HASH_H

#include <stddef.h>
#include <stdint.h>

#define HASH_FNV_INIT 0xcbf29ce484222325ull	/* FNV-1a offset basis */
#define HASH_FNV_PRIME 0x100000001b3ull		/* FNV-1a 64-bit prime */

/* h extended by n bytes at p, one byte a step. */
static inline uint64_t hash_bytes(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	while (n--)
		h = (h ^ *b++) * HASH_FNV_PRIME;
	return h;
}

/*
 * h extended by one 32-bit word in a single step (FNV-1a's step applied to
 * a word, not to its bytes): what functional digests of int32 tensors use.
 */
static inline uint64_t hash_word(uint64_t h, uint32_t w)
{
	return (h ^ w) * HASH_FNV_PRIME;
}

#endif
