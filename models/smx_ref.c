/*
 * smx_ref.c - bit-exact softmax arithmetic (smx_ref.h). DRAFT for tuning.
 */
#include <math.h>
#include <stddef.h>

#include "smx_ref.h"

#ifndef EF
#define EF 16
#endif
#ifndef SEGB
#define SEGB 5
#endif
#define ONE ((uint64_t)1 << EF)
#define RK (2 * EF)

static uint32_t frac_bits(const struct smx_fmt *f)
{
	return f->in_frac > SMX_IN_FRAC_MAX ? SMX_IN_FRAC_MAX : f->in_frac;
}

static uint64_t lut(uint32_t j)
{
	return (uint64_t)llround(ldexp(exp2(-(double)j / (1 << SEGB)), EF));
}

#define L2E_BITS 24
uint32_t smx_exp_q16(uint32_t d, const struct smx_fmt *f)
{
	uint32_t q = frac_bits(f);
	uint64_t l2e = (uint64_t)llround(ldexp(log2(exp(1.0)), L2E_BITS));
	uint64_t t = (uint64_t)d * l2e;	/* octaves, L2E_BITS + q fraction bits */
	uint32_t fb = L2E_BITS + q;
	uint64_t n = t >> fb;
	uint64_t fr = t & (((uint64_t)1 << fb) - 1);
	uint32_t rb = fb - SEGB;
	uint64_t j = fr >> rb, rem = fr & (((uint64_t)1 << rb) - 1);
	uint64_t a = lut((uint32_t)j), b = lut((uint32_t)j + 1);
	uint64_t v = a - (((a - b) * rem + ((uint64_t)1 << (rb - 1))) >> rb);

	if (n > EF + 1)
		return 0;
	return (uint32_t)((v + (((uint64_t)1 << n) >> 1)) >> n);
}

static uint8_t out8(uint64_t e, uint64_t r)
{
	uint64_t y = (e * r + ((uint64_t)1 << (RK - 9))) >> (RK - 8);

	return y > 255 ? 255 : (uint8_t)y;
}

static void emit(const struct smx_fmt *f, const int8_t *x, uint32_t len,
		 int32_t b, uint64_t s, uint8_t *p)
{
	uint64_t r = ((uint64_t)1 << RK) / s;
	uint32_t i;

	for (i = 0; i < len; i++)
		p[i] = out8(smx_exp_q16((uint32_t)(b - x[i]), f), r);
}

static void online(const struct smx_fmt *f, const int8_t *x, uint32_t len,
		   uint8_t *p)
{
	int32_t b = x[0];
	uint64_t s = ONE;
	uint32_t i;

	for (i = 1; i < len; i++) {
		if (x[i] > b) {
			uint64_t e = smx_exp_q16((uint32_t)(x[i] - b), f);

			s = ((s * e + (ONE >> 1)) >> EF) + ONE;
			b = x[i];
		} else {
			s += smx_exp_q16((uint32_t)(b - x[i]), f);
		}
	}
	emit(f, x, len, b, s, p);
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
		s += smx_exp_q16((uint32_t)(b - x[i]), f);
	emit(f, x, len, b, s, p);
}

uint32_t smx_ita_base2(int8_t x, const struct smx_fmt *f)
{
	uint32_t q = frac_bits(f);
	uint32_t sh = 16 + q - (f->ita_eps32 ? 5u : 0u);
	uint64_t t = (uint64_t)(x + 128) * SMX_L2E_Q16;

	return (uint32_t)((t + ((uint64_t)1 << (sh - 1))) >> sh);
}

static uint32_t ita_shift(uint32_t d, const struct smx_fmt *f)
{
	return f->ita_eps32 ? (d + 16) >> 5 : d;
}

static uint32_t shr(uint32_t v, uint32_t s)
{
	return s >= 32 ? 0 : v >> s;
}

static void ita(const struct smx_fmt *f, const int8_t *x, uint32_t len,
		uint8_t *p)
{
	const uint32_t acc_max = (1u << SMX_ITA_ACC_BITS) - 1;
	uint32_t m = 0, acc = 0, g, i, inv;

	for (g = 0; g < len; g += SMX_ITA_GROUP) {
		uint32_t end = len - g < SMX_ITA_GROUP ? len : g + SMX_ITA_GROUP;
		uint32_t gm = 0, sum = 0;

		for (i = g; i < end; i++) {
			uint32_t u = smx_ita_base2(x[i], f);

			if (u > gm)
				gm = u;
		}
		if (g == 0)
			m = gm;
		else if (gm > m) {
			acc = shr(acc, ita_shift(gm - m, f));
			m = gm;
		}
		for (i = g; i < end; i++)
			sum += shr(256, ita_shift(m - smx_ita_base2(x[i], f), f));
		acc = acc + sum > acc_max ? acc_max : acc + sum;
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
	double scale = ldexp(1.0, -(int)f->in_frac), sum = 0;
	int32_t b;
	uint32_t i;

	if (len == 0)
		return;
	b = x[0];
	for (i = 1; i < len; i++)
		if (x[i] > b)
			b = x[i];
	for (i = 0; i < len; i++)
		sum += p[i] = exp((x[i] - b) * scale);
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
