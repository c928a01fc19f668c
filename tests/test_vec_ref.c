/*
 * test_vec_ref.c - the vector unit's bit-exact arithmetic (models/vec_ref.c)
 * against hand-computed points and against the double-precision references.
 *
 * Error bounds (real units; LSB = 2^-out_frac), each a sum of independent
 * terms by the triangle inequality:
 *   GELU table   LSB/2 (one final rounding, everything before it exact)
 *                + 2^-17 (Q0.16 table entries, kept by the convex
 *                  interpolation)
 *                + h^2/8 max|delta''| (linear interpolation at step h;
 *                  delta'' = (t^2 - 2) phi(t), so max|delta''| = 2 phi(0)
 *                  = 0.7979)
 *                + sup delta(t) over t >= K h (delta = 0 past the table).
 *   i-GELU       LSB/2
 *                + 0.01816: max |I-BERT GELU - GELU| over the real line with
 *                  the real a, b (at x ~ -2.35, scanned at step 1e-3 in
 *                  double precision)
 *                + (sqrt2 |b| + S/2) / 2 |a| (|b| S2 + S2^2 / 4): q_b = b / S2
 *                  rounded by at most 1/2 moves d = min(|q|, -q_b) + q_b by
 *                  at most 1/2, so d^2 by at most |d| + 1/4 with |d| <=
 *                  |b| / S2, and L by |a| S2^2 times that; it matters only
 *                  where the clip is not reached, |x| < sqrt2 |b| + S/2
 *                + x_max (|a| S2^2 / 2 + 1.1e-5): q_c off by at most 1/2
 *                  makes the "1" of both 1 + L and L equal 1 + eps_c with
 *                  |eps_c| <= |a| S2^2 / 2, and M = round(|a| 2^16) is off
 *                  by 1.1e-5 relative
 *   LayerNorm    LSB/2 + |y| 2^-14 (inverse square root: floor isqrt of a
 *                value >= 2^30, rounded 2^31 / s) + |y| |eps_q - 1e-6| /
 *                (2 var) (eps as an integer), the reference clamped to the
 *                output range.
 */
#include "testutil.h"

#include "vec_ref.h"

#define DELTA_D2_MAX 0.7978845608	/* max |delta''| = 2 phi(0) */
#define IBERT_ERR 0.01816		/* max |I-BERT GELU - GELU| */
#define IGELU_A 0.2888
#define IGELU_B 1.769

static struct vec_fmt fmt(uint32_t in, uint32_t out, uint32_t s, uint32_t r)
{
	return (struct vec_fmt){ in, out, s, r };
}

static int8_t gelu1(enum vec_gelu g, const struct vec_fmt *f, int8_t x)
{
	int8_t y;

	vec_gelu(g, f, &x, 1, &y);
	return y;
}

static double delta_exact(double t)
{
	return t * 0.5 * erfc(t / sqrt(2.0));
}

/* sup of delta over [t0, 8] (delta < 1e-14 beyond 8), scanned finely. */
static double delta_sup(double t0)
{
	double t, m = 0;

	for (t = t0; t <= 8.0; t += 1.0 / 4096)
		if (delta_exact(t) > m)
			m = delta_exact(t);
	return m;
}

/* The derived bound of a GELU table of step 2^-s and range_q8. */
static double table_bound(const struct vec_fmt *f)
{
	double h = ldexp(1.0, -(int)f->table_step_log2);
	uint32_t k = f->table_range_q8 >> (8 - f->table_step_log2);

	return ldexp(0.5, -(int)f->out_frac) + ldexp(1.0, -17) +
	       h * h / 8 * DELTA_D2_MAX + delta_sup(k * h);
}

static double igelu_bound(const struct vec_fmt *f)
{
	double sc = ldexp(1.0, -(int)f->in_frac), s2 = sc / sqrt(2.0);
	double xmax = 128 * sc;

	return ldexp(0.5, -(int)f->out_frac) + IBERT_ERR +
	       (sqrt(2.0) * IGELU_B + sc / 2) / 2 * IGELU_A *
	       (IGELU_B * s2 + s2 * s2 / 4) +
	       xmax * (IGELU_A * s2 * s2 / 2 + 1.1e-5);
}

/* Max and mean |error| in real units over all 256 int8 inputs. */
static void gelu_err(enum vec_gelu g, const struct vec_fmt *f, double *max,
		     double *mean)
{
	int8_t x[256], y[256];
	double ref[256], e, sum = 0;
	int i;

	for (i = 0; i < 256; i++)
		x[i] = (int8_t)(i - 128);
	vec_gelu(g, f, x, 256, y);
	vec_gelu_ref(f, x, 256, ref);
	*max = 0;
	for (i = 0; i < 256; i++) {
		double hi = ldexp(127.0, -(int)f->out_frac);
		double r = ref[i] > hi ? hi : ref[i];	/* saturated output */

		e = fabs(ldexp(y[i], -(int)f->out_frac) - r);
		sum += e;
		if (e > *max)
			*max = e;
	}
	*mean = sum / 256;
}

/* ---- hand-computed points ---- */

static void test_gelu_table_points(void **state)
{
	struct vec_fmt f = fmt(4, 4, 5, 1408);

	(void)state;
	assert_int_equal(vec_gelu_delta_q16(0), 0);
	assert_int_equal(vec_gelu_delta_q16(16), 10110);
	assert_int_equal(vec_gelu_delta_q16(17), 10362);
	assert_int_equal(vec_gelu_delta_q16(24), 11139);	/* the peak */
	assert_int_equal(vec_gelu_delta_q16(176), 0);
	assert_int_equal(gelu1(VEC_GELU_TABLE, &f, 0), 0);
	/* past the range (5.5 = 88 / 16) GELU is ReLU exactly */
	assert_int_equal(gelu1(VEC_GELU_TABLE, &f, 127), 127);
	assert_int_equal(gelu1(VEC_GELU_TABLE, &f, 88), 88);
	assert_int_equal(gelu1(VEC_GELU_TABLE, &f, -128), 0);
	assert_int_equal(gelu1(VEC_GELU_TABLE, &f, -88), 0);
	/* t = 1.0 = D[32] = 10398 exactly: 16 - 10398 / 4096 = 13.46 -> 13,
	 * and -2.54 -> -3 */
	assert_int_equal(gelu1(VEC_GELU_TABLE, &f, 16), 13);
	assert_int_equal(gelu1(VEC_GELU_TABLE, &f, -16), -3);
	/* interpolation: in_frac 6, x = -33 -> t = 33/64 = (16 + 1/2) / 32,
	 * delta = (10110 + 10362) / 2 = 10236 in Q0.16; out_frac 7:
	 * -10236 * 128 / 65536 = -19.99 -> -20; x = 33: 66 - 19.99 = 46.01 -> 46 */
	f = fmt(6, 7, 5, 1408);
	assert_int_equal(gelu1(VEC_GELU_TABLE, &f, -33), -20);
	assert_int_equal(gelu1(VEC_GELU_TABLE, &f, 33), 46);
	/* step 1/8 subsamples D[0], D[4], ...: in_frac 4, x = -9 -> t = 0.5625
	 * = (4 + 1/2) / 8, delta = (D[16] + D[20]) / 2 = (10110 + 10895) / 2 =
	 * 10502.5; out_frac 7: -10502.5 / 512 = -20.51 -> -21 (half up) */
	f = fmt(4, 7, 3, 1408);
	assert_int_equal(gelu1(VEC_GELU_TABLE, &f, -9), -21);
	/* range 1.0 (256 / 256), step 1/32: t = 1.0 is past the table (K = 32
	 * steps) so delta = 0; t = 0.9375 = D[30] = 10706 -> -20.9 -> -21 */
	f = fmt(4, 7, 5, 256);
	assert_int_equal(gelu1(VEC_GELU_TABLE, &f, -16), 0);
	assert_int_equal(gelu1(VEC_GELU_TABLE, &f, -15), -21);
}

static void test_igelu_points(void **state)
{
	static const int32_t qb[8] = { -3, -5, -10, -20, -40, -80, -160, -320 };
	static const int32_t qc[8] = { -7, -28, -111, -443, -1773, -7091,
				       -28366, -113463 };
	struct vec_fmt f = fmt(4, 4, 5, 1408);
	int32_t b, c;
	uint32_t i;

	(void)state;
	for (i = 0; i <= VEC_FRAC_MAX; i++) {
		vec_igelu_consts(i, &b, &c);
		assert_int_equal(b, qb[i]);
		assert_int_equal(c, qc[i]);
	}
	assert_int_equal(gelu1(VEC_GELU_IGELU, &f, 0), 0);
	/* x = 127: d = 0, L + q_c = 2 q_c = -3546, R = -450342,
	 * 450342 * 18927 / 2^26 = 127.01 -> 127 */
	assert_int_equal(gelu1(VEC_GELU_IGELU, &f, 127), 127);
	/* x = -128: L = -q_c cancels q_c: exactly 0 */
	assert_int_equal(gelu1(VEC_GELU_IGELU, &f, -128), 0);
	assert_int_equal(gelu1(VEC_GELU_IGELU, &f, -60), 0);
	/* in_frac 4, x = 16 (1.0), out_frac 7: d = 16 - 40 = -24,
	 * L = 576 - 1773 = -1197, R = 16 (-1197 - 1773) = -47520,
	 * 47520 * 18927 / 2^23 = 107.22 -> 107 (exact GELU(1) 0.8413 = 107.7) */
	f = fmt(4, 7, 5, 1408);
	assert_int_equal(gelu1(VEC_GELU_IGELU, &f, 16), 107);
	/* x = -16: L = +1197, R = -16 (1197 - 1773) = 9216,
	 * -9216 * 18927 / 2^23 = -20.79 -> -21 (exact -0.1587 = -20.3) */
	assert_int_equal(gelu1(VEC_GELU_IGELU, &f, -16), -21);
	assert_string_equal(vec_gelu_name(VEC_GELU_TABLE), "table");
	assert_string_equal(vec_gelu_name(VEC_GELU_IGELU), "igelu");
}

/* ---- exhaustive GELU error ---- */

static void test_gelu_error_tables(void **state)
{
	uint32_t g, fi;

	(void)state;
	print_message("GELU vs exact 0.5 x (1 + erf(x / sqrt2)), all 256 "
		      "inputs, out_frac = in_frac, table step 1/32 range 5.5\n");
	print_message("%-6s %4s %12s %12s %10s %10s %10s\n", "method",
		      "frac", "max err", "mean err", "max LSB", "mean LSB",
		      "bound");
	for (g = 0; g < VEC_GELU_COUNT; g++) {
		for (fi = 3; fi <= 5; fi++) {
			struct vec_fmt f = fmt(fi, fi, 5, 1408);
			double mx, mean, lsb = ldexp(1.0, -(int)fi);
			double bound = g == VEC_GELU_TABLE ? table_bound(&f)
							   : igelu_bound(&f);

			gelu_err((enum vec_gelu)g, &f, &mx, &mean);
			print_message("%-6s %4u %12.6f %12.6f %10.3f %10.3f "
				      "%10.6f\n", vec_gelu_name((enum vec_gelu)g),
				      fi, mx, mean, mx / lsb, mean / lsb, bound);
			assert_true(mx <= bound);
		}
	}
}

/* Every format the config accepts, both methods, under the same bounds
 * (the reference saturated like the output); prints out_frac = in_frac. */
static void test_gelu_all_formats(void **state)
{
	uint32_t g, fi, fo;

	(void)state;
	print_message("GELU max err in output LSB, out_frac = in_frac\n");
	print_message("%-6s", "frac");
	for (fi = 0; fi <= VEC_FRAC_MAX; fi++)
		print_message(" %6u", fi);
	print_message("\n");
	for (g = 0; g < VEC_GELU_COUNT; g++) {
		print_message("%-6s", vec_gelu_name((enum vec_gelu)g));
		for (fi = 0; fi <= VEC_FRAC_MAX; fi++) {
			for (fo = 0; fo <= VEC_FRAC_MAX; fo++) {
				struct vec_fmt f = fmt(fi, fo, 5, 1408);
				double mx, mean;

				gelu_err((enum vec_gelu)g, &f, &mx, &mean);
				assert_true(mx <= (g == VEC_GELU_TABLE ?
						   table_bound(&f) :
						   igelu_bound(&f)));
				if (fo == fi)
					print_message(" %6.3f",
						      ldexp(mx, (int)fo));
			}
		}
		print_message("\n");
	}
}

static void test_gelu_table_coarse(void **state)
{
	static const uint32_t ranges[] = { 1408, 1024, 512, 256 };
	uint32_t s, r, fi = 5;

	(void)state;
	print_message("GELU table, in_frac = out_frac = %u: max err (real) "
		      "[bound] by step and range\n", fi);
	print_message("%-6s", "step");
	for (r = 0; r < 4; r++)
		print_message(" %21.3f", ranges[r] / 256.0);
	print_message("\n");
	for (s = 0; s <= VEC_GELU_STEP_LOG2_MAX; s++) {
		print_message("1/%-4u", 1u << s);
		for (r = 0; r < 4; r++) {
			struct vec_fmt f = fmt(fi, fi, s, ranges[r]);
			double mx, mean, bound = table_bound(&f);

			gelu_err(VEC_GELU_TABLE, &f, &mx, &mean);
			print_message("  %8.5f [%8.5f]", mx, bound);
			assert_true(mx <= bound);
		}
		print_message("\n");
	}
}

/* ---- LayerNorm ---- */

static void test_layernorm_points(void **state)
{
	struct vec_fmt f = fmt(4, 4, 5, 1408);
	static const int8_t amp[] = { 1, 3, 17, 64, 100 };
	int8_t x[192], y[192];
	uint32_t i, k;

	(void)state;
	for (i = 0; i < 192; i++)
		x[i] = -37;
	vec_layernorm(&f, x, 192, y);
	for (i = 0; i < 192; i++)
		assert_int_equal(y[i], 0);
	vec_layernorm(&f, x, 1, y);
	assert_int_equal(y[0], 0);
	/* +-a about a mean c: mean c, var a^2, y = +-1 = +-16 in out units
	 * (eps = 2^-20 makes it 16 / sqrt(1 + 2^-20 / (a^2 2^-8)) >= 15.998) */
	for (k = 0; k < sizeof amp; k++) {
		int c = amp[k] >= 100 ? 0 : 20;

		for (i = 0; i < 64; i++)
			x[i] = (int8_t)(i % 2 ? c + amp[k] : c - amp[k]);
		vec_layernorm(&f, x, 64, y);
		for (i = 0; i < 64; i++)
			assert_int_equal(y[i], i % 2 ? 16 : -16);
	}
	/* the result does not depend on in_frac; out_frac 7: +1.0 = 128
	 * saturates to 127, -1.0 = -128 fits */
	f = fmt(2, 7, 5, 1408);
	for (i = 0; i < 8; i++)
		x[i] = (int8_t)(i % 2 ? 50 : -50);
	vec_layernorm(&f, x, 8, y);
	for (i = 0; i < 8; i++)
		assert_int_equal(y[i], i % 2 ? 127 : -128);
	assert_int_equal(vec_ln_eps(0), 1);
	assert_int_equal(vec_ln_eps(4), 1);
	assert_int_equal(vec_ln_eps(5), 4);
	assert_int_equal(vec_ln_eps(7), 67);
}

/* Saturation and the int64 bounds of the longest row. */
static void test_layernorm_extremes(void **state)
{
	struct vec_fmt f = fmt(4, 5, 5, 1408);
	int8_t *x = calloc(VEC_LN_MAX_N, 1), *y = malloc(VEC_LN_MAX_N);
	uint32_t i;

	(void)state;
	assert_non_null(x);
	assert_non_null(y);
	/* one outlier in 768 zeros: sqrt(767) = 27.7 saturates to 127 at
	 * out_frac 5; the others -1 / sqrt(767) = -1.16 LSB -> -1 */
	x[5] = 127;
	vec_layernorm(&f, x, 768, y);
	for (i = 0; i < 768; i++)
		assert_int_equal(y[i], i == 5 ? 127 : -1);
	/* the longest row, -128 / 127 alternating: mean -1/2, a = 127.5,
	 * y = +-1 = +-32; the largest W the int64 path sees */
	for (i = 0; i < VEC_LN_MAX_N; i++)
		x[i] = (int8_t)(i % 2 ? 127 : -128);
	vec_layernorm(&f, x, VEC_LN_MAX_N, y);
	for (i = 0; i < VEC_LN_MAX_N; i++)
		assert_int_equal(y[i], i % 2 ? 32 : -32);
	free(x);
	free(y);
}

static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* A random row: a random centre and one of three spreads (full int8,
 * +-20, +-3), clipped to int8. */
static void random_row(uint64_t *s, int8_t *x, uint32_t n)
{
	int c = (int)(rng_next(s) % 81) - 40;
	int spread = (int[]){ 128, 20, 3 }[rng_next(s) % 3];
	uint32_t i;

	for (i = 0; i < n; i++) {
		int v = c + (int)(rng_next(s) % (2 * (uint64_t)spread + 1)) -
			spread;

		x[i] = (int8_t)(v > 127 ? 127 : v < -128 ? -128 : v);
	}
}

static void test_layernorm_error(void **state)
{
	static const uint32_t lens[] = { 64, 192, 768 };
	uint32_t rows = slow_build() ? 40 : 400, fo = 5, fi, l, r, i;
	int8_t x[768], y[768];
	double ref[768];

	(void)state;
	print_message("LayerNorm vs double (two-pass var, eps 1e-6), %u random "
		      "rows per cell, out_frac %u (LSB 1/32)\n", rows, fo);
	print_message("%4s %5s %12s %12s %10s %10s %10s\n", "frac", "n",
		      "max err", "mean err", "max LSB", "mean LSB", "bound");
	for (fi = 3; fi <= 5; fi++) {
		for (l = 0; l < 3; l++) {
			struct vec_fmt f = fmt(fi, fo, 5, 1408);
			uint32_t n = lens[l];
			uint64_t seed = 0x9e3779b97f4a7c15ull ^ (fi * 1000 + n);
			double lsb = ldexp(1.0, -(int)fo), ymax = 127 * lsb;
			double mx = 0, sum = 0, worst = 0;

			for (r = 0; r < rows; r++) {
				double m = 0, var = 0, eps_q, bound;

				random_row(&seed, x, n);
				vec_layernorm(&f, x, n, y);
				vec_layernorm_ref(&f, x, n, ref);
				for (i = 0; i < n; i++)
					m += ldexp(x[i], -(int)fi);
				m /= n;
				for (i = 0; i < n; i++)
					var += pow(ldexp(x[i], -(int)fi) - m, 2);
				var /= n;
				eps_q = ldexp((double)vec_ln_eps(fi),
					      -(int)(2 * fi + VEC_LN_EPS_FRAC));
				for (i = 0; i < n; i++) {
					double rc = ref[i] > ymax ? ymax :
						    ref[i] < -128 * lsb ?
						    -128 * lsb : ref[i];
					double e = fabs(y[i] * lsb - rc);

					bound = lsb / 2 + fabs(ref[i]) *
						(ldexp(1.0, -14) +
						 fabs(eps_q - 1e-6) / (2 * var));
					assert_true(e <= bound);
					if (bound > worst)
						worst = bound;
					sum += e;
					if (e > mx)
						mx = e;
				}
			}
			print_message("%4u %5u %12.6f %12.6f %10.3f %10.3f "
				      "%10.6f\n", fi, n, mx, sum / (rows * n),
				      mx / lsb, sum / (rows * n) / lsb, worst);
		}
	}
}

static void test_add(void **state)
{
	static const int8_t a[] = { 100, -100, 5, 127, -128, 0, 64 };
	static const int8_t b[] = { 100, -100, -3, 1, -1, 0, 63 };
	static const int8_t want[] = { 127, -128, 2, 127, -128, 0, 127 };
	int8_t y[7];
	uint32_t i;

	(void)state;
	vec_add(a, b, 7, y);
	for (i = 0; i < 7; i++)
		assert_int_equal(y[i], want[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gelu_table_points),
		cmocka_unit_test(test_igelu_points),
		cmocka_unit_test(test_gelu_error_tables),
		cmocka_unit_test(test_gelu_all_formats),
		cmocka_unit_test(test_gelu_table_coarse),
		cmocka_unit_test(test_layernorm_points),
		cmocka_unit_test(test_layernorm_extremes),
		cmocka_unit_test(test_layernorm_error),
		cmocka_unit_test(test_add),
	};

	return cmocka_run_group_tests_name("vec_ref", tests, NULL, NULL);
}
