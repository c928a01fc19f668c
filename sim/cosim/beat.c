/*
 * beat.c - the data checks of the units' output beats (see beat.h).
 *
 * Invariant: a field beyond what the model produced (lanes past a row's
 * end, columns past a tile's, entries past k) must be 0 on the RTL.
 */
#include "beat.h"

/* The width (<= 32) bits of bus from bit bit. */
static uint32_t field(const uint32_t *bus, uint32_t bit, uint32_t width)
{
	uint64_t v = bus[bit / 32];

	if (bit % 32 + width > 32)
		v |= (uint64_t)bus[bit / 32 + 1] << 32;
	v >>= bit % 32;
	return (uint32_t)(width < 32 ? v & ((1ull << width) - 1) : v);
}

/* Fill *d and return 1 when want != got. */
static int differs(const char *port, uint32_t at, int64_t want, int64_t got,
		   struct beat_diff *d)
{
	if (want == got)
		return 0;
	d->port = port;
	d->at = at;
	d->want = want;
	d->got = got;
	return 1;
}

int beat_sde_row(const int16_t *want, uint32_t n, const uint32_t *out_data,
		 uint32_t cols, uint32_t act_bits, struct beat_diff *d)
{
	uint32_t col, sh = 32 - act_bits;

	for (col = 0; col < cols; col++) {
		int32_t got = (int32_t)(field(out_data, col * act_bits,
					      act_bits) << sh) >> sh;

		if (differs("out_data", col, col < n ? want[col] : 0, got, d))
			return 1;
	}
	return 0;
}

int beat_sde_acc(const int32_t *want, uint32_t n, const uint32_t *dbg_acc,
		 uint32_t cols, struct beat_diff *d)
{
	uint32_t col;

	for (col = 0; col < cols; col++)
		if (differs("dbg_acc", col, col < n ? want[col] : 0,
			    (int32_t)dbg_acc[col], d))
			return 1;
	return 0;
}

int beat_lanes(const char *port, const uint8_t *want, uint32_t n,
	       const uint32_t *bus, uint32_t lanes, struct beat_diff *d)
{
	uint32_t l;

	for (l = 0; l < lanes; l++)
		if (differs(port, l, l < n ? want[l] : 0, field(bus, l * 8, 8),
			    d))
			return 1;
	return 0;
}

int beat_smx_probs(const uint8_t *want, uint32_t n, uint32_t beat,
		   const uint32_t *out_p, uint32_t lanes, struct beat_diff *d)
{
	uint32_t first = beat * lanes;

	if (!beat_lanes("out_p", want + (first < n ? first : n),
			first < n ? n - first : 0, out_p, lanes, d))
		return 0;
	d->at += first;
	return 1;
}

int beat_smx_fetch_next(uint32_t *row, uint32_t *col, uint32_t k0,
			uint32_t klen)
{
	if (*col + 1 != k0 + klen) {
		++*col;
		return 0;
	}
	++*row;
	*col = k0;
	return 1;
}

int beat_gate_winners(const uint16_t *idx, const uint8_t *score, uint32_t k,
		      const uint32_t *out_idx, const uint32_t *out_score,
		      uint32_t k_max, uint32_t ib, struct beat_diff *d)
{
	uint32_t i;

	for (i = 0; i < k_max; i++)
		if (differs("out_idx", i, i < k ? idx[i] : 0,
			    field(out_idx, i * ib, ib), d) ||
		    differs("out_score", i, i < k ? score[i] : 0,
			    field(out_score, i * 8, 8), d))
			return 1;
	return 0;
}
