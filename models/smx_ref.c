/*
 * smx_ref.c - bit-exact softmax arithmetic of the softmax unit (smx_ref.h).
 *
 * Each function maps one row of int8 scores x (real value x * 2^-q, where q
 * is in_frac, 0..15) to uint8 probabilities p (real value p * 2^-8, capped at
 * 255). It uses integer operations only, has no state and allocates nothing.
 * The unit model (smx.c), the tests and the RTL testbenches all compute the
 * same bits. Sources: REFERENCE.md sections 2 and 4. Error figures and the
 * command that measures them are in docs/accuracy.md.
 *
 * exp unit E (online and threepass). d = b - x >= 0 is the distance of a
 * score below the (running) maximum b, at most 255.
 *   t = d * L2E, where L2E = round(log2(e) * 2^24) = 24204406. t is exact
 *       (33 bits) and is the exponent in octaves with 24 + q fractional
 *       bits: d * 2^-q nats = t * 2^-(24+q) octaves.
 *   n = t >> (24 + q) is the integer part (a right shift). phi, the
 *       24 + q-bit fraction, indexes a table of 2^-f: T[j] =
 *       round(2^24 * 2^(-j/64)), j = 0..64 (65 entries of 25 bits). Its top
 *       6 bits select the segment j and the remaining 18 + q bits (rem) give
 *       a linear interpolation:
 *         v = T[j] - round((T[j] - T[j+1]) * rem / 2^(18+q))   (Q0.24)
 *   E = round(v / 2^n), half up, and 0 when n > 25.
 * So E(0) = 2^24 = 1.0 exactly, and E never increases with d: v never
 * increases inside an octave, v >= 2^23 = T[64] at an octave's end, and the
 * next octave starts at 2^24 / 2^(n+1). The table (a chord of a convex
 * curve) is high by at most (ln 2)^2 / 8 / 64^2 = 1.47e-5 relative.
 * Rounding T and v adds 6e-8 to that. L2E is off by 1.3e-8 relative, which
 * scales the exponent and cancels between E(a) E(c) and E(a + c). In all,
 * E(d) = 2^24 w(d) (1 + eps) + tau with w(d) = 2^-(d L2E 2^-(24+q)),
 * -1.3e-7 <= eps <= 1.5e-5 and |tau| <= 1/2 LSB. test_smx_ref checks this
 * for every d and q.
 *
 * online: the recurrence of Edge-MoE (Sarkar et al., ICCAD 2023;
 * sharc-lab/Edge-MoE, src/attention.cpp). Its HLS code uses hls::exp and
 * hls::recip on 32-bit fixed point; here both are replaced by E and by one
 * integer division per row. The running maximum b is int8 and the running
 * sum s is Q17.24 in 41 bits. It starts at b = x[0], s = 1.0, and then:
 *   x > b:  s = round(s * E(x - b) / 2^24) + 2^24 (half up), b = x
 *   else:   s = s + E(b - x)
 * No overflow: E <= 2^24, and round(s * E / 2^24) <= s, so after i scores
 * s <= i * 2^24 <= 2^40 (len <= 65536). The product s * E has
 * s <= 65535 * 2^24 and E <= 2^24, so it stays below 2^64. Also s >= 2^24:
 * the maximum adds exactly 1.0 and nothing is subtracted.
 * Reciprocal: r = floor(2^48 / s), so 2^8 <= r <= 2^24 (25 bits). Each
 * probability is p = min(255, round(E(b - x) * r / 2^40)); the product
 * E * r is at most 2^48. Truncating r costs at most E / 2^40 <= 2^-16 LSB of p.
 *
 * threepass: pass 1 finds b, pass 2 sums s = sum E(b - x_i) (same
 * widths), pass 3 gives p as online does. A score in the last block (after
 * online's last rescale) gets the same E in both algorithms. Only the
 * rescaling makes them differ: E(a) E(c) != E(a + c) through eps and tau,
 * plus the rounding of each rescale.
 *
 * online vs threepass: at most 1 LSB apart for len <= 16384 and at most
 * 2 LSB for len <= 65536 (first order in eps). Before rounding, the two
 * values of p differ by dy <= 2^32 |s_on - s_3| / (s_on s_3) + 2^-16, and
 * |round(a) - round(b)| <= 1 whenever |a - b| < 1. With S = s / 2^24 >= 1
 * and k <= 255 rescales:
 *   relative part: a rescale factor E(D) >= 2^24 / 64 has its tau within
 *     2^-19 relative, so with eps each factor is within 1.7e-5. A score
 *     from before a rescale carries at most k + 1 such factors in online
 *     and one in threepass. Those scores make up at most S - 1 of s, so
 *     dy <= 256 (k + 1) 1.7e-5 (S - 1) / S^2 <= 64 * 256 * 1.7e-5 = 0.28;
 *   rounding part, per score from before a rescale: the tau of its own E
 *     at entry (at most 1/2, scaled down by the later factors), the tau of
 *     its E in threepass (1/2), and the tau of the factors below 1/64
 *     (1/2 (1 + 2^-6 + 2^-12 ...) <= 0.508, each scaled down by the other
 *     such factors). In all <= 1.51 LSB of Q0.24, so dy <= 1.51 len / 65536;
 *   the rescales' own roundings, k / 2 LSB: dy <= 0.004.
 * Sum: dy < 0.67 for len <= 16384 and dy < 1.8 for len <= 65536. The tests
 * assert it on random rows and on the worst row a search found: 65534
 * scores whose 1/2-LSB exponentials the two algorithms round differently
 * (dy = 0.88 at len 65536, yet no rounded difference there).
 *
 * ita: the integer streaming softmax of ITA (Islamoglu et al., ISLPED
 * 2023; pulp-platform/ITA, src/ita_softmax.sv and PyITA/softmax.py). ITA's
 * softmax has no multiplier: its requantizer writes the scores in the
 * base-2 domain already (2^-shift stands for e^-(max - x)). The
 * requantizer of this model is smx_ita_base2:
 *   u = round((x + 128) * L2E * 2^(S - 24 - q))
 * which gives the score in units of 2^-S octaves (x + 128 keeps u unsigned).
 *   eps32 = 0: S = 0. Scores are whole octaves, as in PyITA's
 *     streamingPartialSoftmax (eps_max = 1), and a distance m - u is
 *     already a shift.
 *   eps32 = 1: S = 5. Scores are 1/32 octave, as in the ITA RTL release
 *     that divides by 32, and a distance D becomes the shift
 *     (D + 16) >> 5, rounded half up like that RTL does (bit 4 decides).
 * u fits in 14 bits (at most 11772, for q = 0 and eps32). ITA's int8 would
 * clip a range this model must keep. Per group of 16 scores:
 *   m' = max(m, group max) (the first group sets m);
 *   acc = (acc >> shift(m' - m)) + sum(256 >> shift(m' - u_i)).
 * Shifts of 32 or more give 0. After the row: inv = floor(65280 / acc) and
 * p_i = inv >> shift(m - u_i). acc is 19 bits wide, as in ITA. ITA's adder
 * wraps, which is safe there because ITA's rows are at most 2048 long. Rows
 * here run to 65536, so acc saturates at 2^19 - 1 instead. The result
 * matches ITA's whenever ITA does not overflow. With no later rescale, a
 * saturated row gives inv = 0 just as the unbounded sum would. With one,
 * saturation keeps acc a lower bound of the sum, where wrapping would leave
 * an arbitrary value. acc >= 256 (the maximum adds 256 >> 0), so inv <= 255
 * fits uint8. Error of one probability before flooring: both
 * roundings of u make a shift wrong by less than 1 octave (eps32 = 0) or
 * 1/2 + 1/32 octave (eps32 = 1; in a row longer than 16, rounding each
 * rescale adds up to 1/2 octave per rescale).
 */
#include <math.h>

#include "smx_ref.h"

/* round(2^24 * 2^(-j/64)), j = 0..64: the 2^-f table of the exp unit. */
static const uint32_t exp2_tab[(1u << SMX_EXP_SEG_BITS) + 1] = {
	16777216, 16596492, 16417715, 16240863, 16065917, 15892855, 15721658,
	15552304, 15384775, 15219050, 15055111, 14892937, 14732511, 14573813,
	14416824, 14261526, 14107901, 13955931, 13805598, 13656884, 13509772,
	13364245, 13220286, 13077877, 12937002, 12797645, 12659789, 12523418,
	12388516, 12255067, 12123055, 11992466, 11863283, 11735492, 11609078,
	11484025, 11360319, 11237946, 11116891, 10997140, 10878679, 10761494,
	10645571, 10530897, 10417458, 10305242, 10194234, 10084422, 9975792,
	9868333, 9762032, 9656875, 9552851, 9449948, 9348154, 9247455,
	9147842, 9049301, 8951823, 8855394, 8760003, 8665641, 8572295,
	8479954, 8388608,
};

static uint32_t frac_bits(const struct smx_fmt *f)
{
	return f->in_frac > SMX_IN_FRAC_MAX ? SMX_IN_FRAC_MAX : f->in_frac;
}

uint32_t smx_exp_q24(uint32_t d, const struct smx_fmt *f)
{
	uint32_t fb = SMX_EXP_FRAC + frac_bits(f);	/* fraction bits of t */
	uint32_t rb = fb - SMX_EXP_SEG_BITS;		/* bits of rem */
	uint64_t t = (uint64_t)d * SMX_L2E;
	uint64_t n = t >> fb;
	uint64_t phi = t & (((uint64_t)1 << fb) - 1);
	uint32_t j = (uint32_t)(phi >> rb);
	uint64_t rem = phi & (((uint64_t)1 << rb) - 1);
	uint64_t step = exp2_tab[j] - exp2_tab[j + 1];
	uint64_t v = exp2_tab[j] - ((step * rem + ((uint64_t)1 << (rb - 1))) >> rb);

	if (n > SMX_EXP_FRAC + 1)
		return 0;
	return (uint32_t)((v + (((uint64_t)1 << n) >> 1)) >> n);
}

/* p = min(255, round(e * r / 2^40)). */
static uint8_t prob(uint32_t e, uint64_t r)
{
	const uint32_t sh = SMX_RECIP_K - 8;
	uint64_t y = ((uint64_t)e * r + ((uint64_t)1 << (sh - 1))) >> sh;

	return y > 255 ? 255 : (uint8_t)y;
}

uint64_t smx_recip(uint64_t s)
{
	return ((uint64_t)1 << SMX_RECIP_K) / s;
}

/* The normalize step shared by online and threepass. */
static void normalize(const struct smx_fmt *f, const int8_t *x, uint32_t len,
		      int32_t b, uint64_t s, uint8_t *p)
{
	uint64_t r = smx_recip(s);
	uint32_t i;

	for (i = 0; i < len; i++)
		p[i] = prob(smx_exp_q24((uint32_t)(b - x[i]), f), r);
}

struct smx_online_acc smx_online_first(int8_t x)
{
	struct smx_online_acc a = { x, SMX_EXP_ONE };

	return a;
}

void smx_online_step(struct smx_online_acc *a, int8_t x,
		     const struct smx_fmt *f)
{
	const uint64_t half = SMX_EXP_ONE >> 1;

	if (x > a->b) {
		uint64_t e = smx_exp_q24((uint32_t)(x - a->b), f);

		a->s = ((a->s * e + half) >> SMX_EXP_FRAC) + SMX_EXP_ONE;
		a->b = x;
	} else {
		a->s += smx_exp_q24((uint32_t)(a->b - x), f);
	}
}

static void online(const struct smx_fmt *f, const int8_t *x, uint32_t len,
		   uint8_t *p)
{
	struct smx_online_acc a = smx_online_first(x[0]);
	uint32_t i;

	for (i = 1; i < len; i++)
		smx_online_step(&a, x[i], f);
	normalize(f, x, len, a.b, a.s, p);
}

static void threepass(const struct smx_fmt *f, const int8_t *x, uint32_t len,
		      uint8_t *p)
{
	int32_t b = x[0];
	uint64_t s = 0;
	uint32_t i;

	for (i = 1; i < len; i++)
		if (x[i] > b)
			b = x[i];
	for (i = 0; i < len; i++)
		s += smx_exp_q24((uint32_t)(b - x[i]), f);
	normalize(f, x, len, b, s, p);
}

uint32_t smx_ita_base2(int8_t x, const struct smx_fmt *f)
{
	uint32_t s = f->ita_eps32 ? SMX_ITA_EPS_BITS : 0;
	uint32_t sh = SMX_EXP_FRAC + frac_bits(f) - s;
	uint64_t t = (uint64_t)(x + 128) * SMX_L2E;

	return (uint32_t)((t + ((uint64_t)1 << (sh - 1))) >> sh);
}

/* ITA's shift for a base-2 distance d. */
static uint32_t ita_shift(uint32_t d, const struct smx_fmt *f)
{
	if (!f->ita_eps32)
		return d;
	return (d + (1u << (SMX_ITA_EPS_BITS - 1))) >> SMX_ITA_EPS_BITS;
}

/* v >> s for any s (hardware: shifts past the width give 0). */
static uint32_t shr(uint32_t v, uint32_t s)
{
	return s >= 32 ? 0 : v >> s;
}

static void ita(const struct smx_fmt *f, const int8_t *x, uint32_t len,
		uint8_t *p)
{
	const uint32_t acc_max = (1u << SMX_ITA_ACC_BITS) - 1;
	uint32_t m = 0;		/* running maximum, base-2 units */
	uint32_t acc = 0;	/* denominator, 19 bits, saturating */
	uint32_t g, i, inv;

	for (g = 0; g < len; g += SMX_ITA_GROUP) {
		uint32_t end = len - g < SMX_ITA_GROUP ? len : g + SMX_ITA_GROUP;
		uint32_t gm = 0, sum = 0;

		for (i = g; i < end; i++) {
			uint32_t u = smx_ita_base2(x[i], f);

			gm = u > gm ? u : gm;
		}
		if (g == 0) {
			m = gm;
		} else if (gm > m) {
			acc = shr(acc, ita_shift(gm - m, f));
			m = gm;
		}
		for (i = g; i < end; i++)
			sum += shr(256, ita_shift(m - smx_ita_base2(x[i], f), f));
		acc = sum > acc_max - acc ? acc_max : acc + sum;
	}
	inv = SMX_ITA_SCALAR / acc;
	for (i = 0; i < len; i++)
		p[i] = (uint8_t)shr(inv, ita_shift(m - smx_ita_base2(x[i], f), f));
}

void smx_row(enum smx_algo a, const struct smx_fmt *f, const int8_t *x,
	     uint32_t len, uint8_t *p)
{
	if (len == 0)
		return;
	switch (a) {
	case SMX_ITA:
		ita(f, x, len, p);
		break;
	case SMX_THREEPASS:
		threepass(f, x, len, p);
		break;
	default:
		online(f, x, len, p);
		break;
	}
}

void smx_row_ref(const struct smx_fmt *f, const int8_t *x, uint32_t len,
		 double *p)
{
	double scale = ldexp(1.0, -(int)frac_bits(f)), sum = 0;
	int32_t b;
	uint32_t i;

	if (len == 0)
		return;
	b = x[0];
	for (i = 1; i < len; i++)
		b = x[i] > b ? x[i] : b;
	for (i = 0; i < len; i++) {
		p[i] = exp((x[i] - b) * scale);
		sum += p[i];
	}
	for (i = 0; i < len; i++)
		p[i] /= sum;
}

const char *smx_algo_name(enum smx_algo a)
{
	switch (a) {
	case SMX_ONLINE:
		return "online";
	case SMX_ITA:
		return "ita";
	case SMX_THREEPASS:
		return "threepass";
	default:
		return "?";
	}
}
