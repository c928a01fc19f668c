/*
 * test_models.c - unit models against closed forms and a naive reference.
 *
 * Engine (sde), written out by hand from the array's registers (docs/models.md):
 * a k-step presented on cycle 0 is accepted then and streams on cycles
 * 1 .. kc; a tile whose last slice streams on cycle t_l has its row r
 * written back LAT + r*cpr cycles later, LAT = pipe + 2 + C (PE pipeline,
 * column read and requantizer, deskew over the array's C columns), and its
 * wb_done is visible on t_l + LAT + rows*cpr. Back to back, each tile's last
 * slice follows the previous one's by max(kc, rows*cpr) with shadow
 * accumulators; without them a tile's first slice also waits until
 * t_l + 1 + (rows-1)*(cpr-1). At most 8 tiles are in flight.
 * pipe = 3 + ceil(log2 n_max) (mux, multiply, adder tree, accumulate).
 * DMA: a B-byte transfer completes ceil(B / bytes_per_cycle) + latency
 * cycles after it starts. N:M: hand-computed mapping and storage figures.
 */
#include "testutil.h"

#include "dma.h"
#include "fu.h"
#include "smx.h"
#include "vec.h"
#include "golden.h"
#include "kern.h"
#include "nm.h"
#include "sde.h"

/* ---- engine timing ---- */

struct engine_run {
	uint64_t wb_cycle[64];	/* cycle on which each tile's wb_done is visible */
	uint64_t rd_cycle[64];	/* cycle on which each step's rd_done is visible */
	unsigned n_wb, n_rd;
	uint64_t busy, stall;
};

/* Feed cmds as fast as the engine takes them; record pulse cycles. An
 * array of `cols` PE columns (the deskew depth). */
static void drive(const struct unit_cmd *cmds, unsigned n, int acc_db,
		  uint32_t n_max, uint32_t cols, struct engine_run *r)
{
	struct sde e;
	struct sde_params p = { n_max, cols, acc_db, NULL, NULL, NULL, NULL };
	struct unit_cmd in = { 0 };
	uint32_t want = 0;
	unsigned next = 0;
	uint64_t c;

	memset(r, 0, sizeof *r);
	sde_init(&e, &p, &in, &want);
	for (c = 0; c < 100000 && r->n_wb < n; c++) {
		int taken;

		if (!in.valid && next < n)
			in = cmds[next];
		sde_step(&e, c);
		taken = in.valid && e.out.cmd_ready;
		sde_commit(&e);
		sde_check(&e, c);
		if (taken) {
			in.valid = 0;
			next++;
		}
		if (e.out.wb_done.valid)
			r->wb_cycle[r->n_wb++] = c + 1;
		if (e.out.rd_done.valid)
			r->rd_cycle[r->n_rd++] = c + 1;
	}
	r->busy = e.busy_cycles;
	r->stall = e.stall_cycles;
}

static struct unit_cmd tile(uint32_t rows, uint32_t cols, uint64_t kc,
			   uint8_t flags)
{
	return (struct unit_cmd){ .valid = 1, .flags = flags, .rows = rows,
				 .cols = cols, .kcycles = kc };
}

static void test_pipe_depth(void **state)
{
	(void)state;
	assert_int_equal(sde_pipe_depth(1), 3);
	assert_int_equal(sde_pipe_depth(2), 4);
	assert_int_equal(sde_pipe_depth(4), 5);
	assert_int_equal(sde_pipe_depth(5), 6);
	assert_int_equal(sde_pipe_depth(16), 7);
}

static void test_single_tile(void **state)
{
	/* 8x4 tile, n_max 4, 4 columns: LAT = 5 + 2 + 4 = 11, kc = 20 */
	struct unit_cmd c = tile(8, 4, 20, UNIT_FIRST | UNIT_LAST);
	struct engine_run r;

	(void)state;
	drive(&c, 1, 1, 4, 4, &r);
	assert_int_equal(r.n_wb, 1);
	assert_int_equal(r.rd_cycle[0], 1 + 20);
	assert_int_equal(r.wb_cycle[0], 20 + 11 + 8);
	/* streaming on 1 .. 20, in flight from 21 to its wb_done step 38 */
	assert_int_equal(r.busy, 20 + 11 + 8 - 1);
}

static void test_ragged_tile(void **state)
{
	/* 3x5 tile on an n_max 2 engine of 8 columns: LAT = 4 + 2 + 8 = 14,
	 * kc = 7; a consumer taking a row per 3 cycles stretches the slots */
	struct unit_cmd c = tile(3, 5, 7, UNIT_FIRST | UNIT_LAST);
	struct engine_run r;

	(void)state;
	drive(&c, 1, 0, 2, 8, &r);
	assert_int_equal(r.wb_cycle[0], 7 + 14 + 3);
	c.drain_cpr = 3;
	drive(&c, 1, 0, 2, 8, &r);
	assert_int_equal(r.wb_cycle[0], 7 + 14 + 9);
}

static void test_back_to_back(void **state)
{
	/* 4x4 tiles, n_max 4, 4 columns: LAT = 11, R = 4 */
	struct unit_cmd c[5];
	struct engine_run r;
	uint64_t kcs[] = { 40, 15, 6, 4, 1 };
	unsigned i, t;

	(void)state;
	for (t = 0; t < sizeof kcs / sizeof kcs[0]; t++) {
		uint64_t kc = kcs[t], per = kc > 4 ? kc : 4;
		uint64_t per2 = kc + 3 > 8 ? kc + 3 : 8;

		for (i = 0; i < 5; i++)
			c[i] = tile(4, 4, kc, UNIT_FIRST | UNIT_LAST);
		drive(c, 5, 1, 4, 4, &r);
		assert_int_equal(r.n_wb, 5);
		assert_int_equal(r.wb_cycle[4], kc + 4 * per + 11 + 4);
		/* one row a cycle: the read follows the accumulate wavefront,
		 * so the accumulators need no shadow */
		drive(c, 5, 0, 4, 4, &r);
		assert_int_equal(r.wb_cycle[4], kc + 4 * per + 11 + 4);
		/* two cycles a row: 8 bus cycles a tile; without shadows the
		 * next tile's first slice also waits (R - 1) * (2 - 1) + 1 */
		for (i = 0; i < 5; i++)
			c[i].drain_cpr = 2;
		drive(c, 5, 1, 4, 4, &r);
		assert_int_equal(r.wb_cycle[4],
				 kc + 4 * (kc > 8 ? kc : 8) + 11 + 8);
		drive(c, 5, 0, 4, 4, &r);
		assert_int_equal(r.wb_cycle[4], kc + 4 * per2 + 11 + 8);
	}
}

static void test_flight_limit(void **state)
{
	/* 1-row tiles of one slice on 32 columns, n_max 4: LAT = 39; the
	 * ninth tile waits for the first to leave (its wb_done step, 1 + 39),
	 * so tile j >= 8 streams 39 cycles after tile j - 8 */
	struct unit_cmd c[16];
	struct engine_run r;
	unsigned i;

	(void)state;
	for (i = 0; i < 16; i++)
		c[i] = tile(1, 32, 1, UNIT_FIRST | UNIT_LAST);
	drive(c, 16, 1, 4, 32, &r);
	assert_int_equal(r.n_wb, 16);
	for (i = 0; i < 8; i++)
		assert_int_equal(r.wb_cycle[i], (1 + i) + 39 + 1);
	for (i = 8; i < 16; i++)
		assert_int_equal(r.wb_cycle[i], (1 + i - 8) + 39 + 39 + 1);
}

static void test_k_steps_stream_back_to_back(void **state)
{
	/* one 2x2 tile over three k-steps of 1, 5 and 1 cycles, n_max 1, 2
	 * columns: LAT = 3 + 2 + 2 = 7; no bubble between the steps */
	struct unit_cmd c[3] = { tile(2, 2, 1, UNIT_FIRST), tile(2, 2, 5, 0),
				tile(2, 2, 1, UNIT_LAST) };
	struct engine_run r;

	(void)state;
	drive(c, 3, 0, 1, 2, &r);
	assert_int_equal(r.n_rd, 3);
	assert_int_equal(r.rd_cycle[0], 2);
	assert_int_equal(r.rd_cycle[1], 7);
	assert_int_equal(r.rd_cycle[2], 8);
	assert_int_equal(r.wb_cycle[0], 7 + 7 + 2);
}

/* Fast-forwarded engine equals the stepped one (same pulses, same stats). */
static void test_engine_skip_equals_step(void **state)
{
	struct sde a, b;
	struct sde_params p = { 4, 8, 1, NULL, NULL, NULL, NULL };
	struct unit_cmd in = { 0 };
	uint32_t want = 0;
	struct unit_cmd c[3] = { tile(8, 8, 50, UNIT_FIRST | UNIT_LAST),
				tile(8, 8, 3, UNIT_FIRST | UNIT_LAST),
				tile(4, 8, 30, UNIT_FIRST | UNIT_LAST) };
	uint64_t t, h, wa[3] = { 0 }, wb[3] = { 0 };
	unsigned next = 0, na = 0, nb = 0;

	(void)state;
	sde_init(&a, &p, &in, &want);
	sde_init(&b, &p, &in, &want);
	/* a: strict, b: skipping, both fed the same commands at the same cycles */
	for (t = 0; t < 2000;) {
		int taken;

		if (!in.valid && next < 3)
			in = c[next];
		h = sde_horizon(&b);
		if (h > 1 && h != KERN_FOREVER && !(in.valid && b.out.cmd_ready)) {
			uint64_t k;

			sde_skip(&b, h - 1);
			for (k = 0; k < h - 1; k++, t++) {
				sde_step(&a, t);
				sde_commit(&a);
				assert_false(a.out.wb_done.valid);
			}
			continue;
		}
		sde_step(&a, t);
		sde_step(&b, t);
		taken = in.valid && a.out.cmd_ready;
		assert_int_equal(taken, in.valid && b.out.cmd_ready);
		sde_commit(&a);
		sde_commit(&b);
		t++;
		if (taken) {
			in.valid = 0;
			next++;
		}
		if (a.out.wb_done.valid)
			wa[na++] = t;
		if (b.out.wb_done.valid)
			wb[nb++] = t;
		if (na == 3 && nb == 3)
			break;
	}
	assert_int_equal(na, 3);
	assert_int_equal(nb, 3);
	assert_memory_equal(wa, wb, sizeof wa);
	assert_int_equal(a.busy_cycles, b.busy_cycles);
	assert_int_equal(a.stream_cycles, b.stream_cycles);
}

/* ---- engine data path vs a naive reference ---- */

static uint64_t rng_state = 12345;

static int16_t rnd(int bits)
{
	rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
	if (bits == 8)
		return (int16_t)(int8_t)(rng_state >> 56);
	return (int16_t)((int32_t)((rng_state >> 52) & 0xfff) - 2048);
}

/* Naive reference: keep the N largest |w| of each group (ties: lower
 * position), then a triple loop. Written independently of nm.c. */
static void naive(const int16_t *a, const int16_t *w, int32_t *acc,
		  uint32_t m, uint32_t k, uint32_t n, uint32_t nn, uint32_t mm)
{
	uint32_t r, c, g, i, j;

	for (r = 0; r < m; r++)
		for (c = 0; c < n; c++) {
			int64_t s = 0;

			for (g = 0; g < k; g += mm) {
				uint32_t len = k - g < mm ? k - g : mm;

				for (j = 0; j < len; j++) {
					int16_t x = w[(uint64_t)(g + j) * n + c];
					uint32_t bigger = 0;

					for (i = 0; i < len; i++) {
						int16_t y = w[(uint64_t)(g + i) * n + c];

						if (abs(y) > abs(x) ||
						    (abs(y) == abs(x) && i < j))
							bigger++;
					}
					if (bigger < nn)
						s += (int64_t)a[(uint64_t)r * k + g + j] * x;
				}
			}
			acc[(uint64_t)r * n + c] = (int32_t)(uint32_t)(uint64_t)s;
		}
}

static void check_pattern(uint32_t m, uint32_t k, uint32_t n, uint32_t nn,
			  uint32_t mm, int bits)
{
	uint32_t groups = (k + mm - 1) / mm;
	int16_t *a = malloc((size_t)m * k * 2), *w = malloc((size_t)k * n * 2);
	int16_t *wp = malloc((size_t)k * n * 2), *out = malloc((size_t)m * n * 2);
	int16_t *val = malloc((size_t)groups * nn * n * 2);
	uint8_t *idx = malloc((size_t)groups * nn * n);
	int32_t *acc = malloc((size_t)m * n * 4), *ref = malloc((size_t)m * n * 4);
	int32_t *gold = malloc((size_t)m * n * 4);
	struct sde_data d;
	uint32_t i, r0, c0;

	for (i = 0; i < m * k; i++)
		a[i] = rnd(bits);
	for (i = 0; i < k * n; i++)
		w[i] = rnd(bits);
	memcpy(wp, w, (size_t)k * n * 2);
	naive(a, w, ref, m, k, n, nn, mm);
	nm_prune(wp, k, n, nn, mm);
	golden_gemm(a, wp, gold, m, k, n);
	assert_memory_equal(gold, ref, (size_t)m * n * 4);
	d = (struct sde_data){ a, wp, NULL, acc, out, k, n, nn, mm, 9, 8 };
	if (nn != mm) {
		nm_compress(wp, k, n, nn, mm, val, idx);
		d.w = val;
		d.idx = idx;
	}
	/* cover the output with ragged 7 x 5 array tiles */
	for (r0 = 0; r0 < m; r0 += 7)
		for (c0 = 0; c0 < n; c0 += 5)
			sde_compute_tile(&d, r0, c0, m - r0 < 7 ? m - r0 : 7,
					 n - c0 < 5 ? n - c0 : 5);
	assert_memory_equal(acc, ref, (size_t)m * n * 4);
	for (i = 0; i < m * n; i++) {
		int64_t q = ((int64_t)ref[i] + 256) >> 9;

		q = q > 127 ? 127 : q < -128 ? -128 : q;
		assert_int_equal(out[i], q);
	}
	free(a); free(w); free(wp); free(out); free(val); free(idx);
	free(acc); free(ref); free(gold);
}

static void test_patterns(void **state)
{
	static const uint32_t pat[][2] = { { 1, 4 }, { 2, 4 }, { 3, 4 }, { 2, 8 },
		{ 4, 8 }, { 1, 16 }, { 8, 16 }, { 1, 2 }, { 3, 7 }, { 5, 5 },
		{ 1, 1 }, { 16, 32 } };
	unsigned i;

	(void)state;
	for (i = 0; i < sizeof pat / sizeof pat[0]; i++) {
		check_pattern(13, 50, 11, pat[i][0], pat[i][1], 8);
		check_pattern(9, 33, 17, pat[i][0], pat[i][1], 16);
		check_pattern(1, 1, 1, pat[i][0] > 1 ? 1 : 1, pat[i][1], 8);
	}
}

/* ---- N:M mapping and storage ---- */

static void test_nm_map(void **state)
{
	struct nm_hw hw = { 4, 16 };
	struct nm_map m;

	(void)state;
	assert_int_equal(nm_map(&hw, 2, 4, &m), 0);
	assert_int_equal(m.groups_per_cycle, 2);	/* min(4/2, 16/4) */
	assert_int_equal(nm_kcycles(&m, 768), 96);	/* 192 groups / 2 */
	assert_int_equal(nm_kcycles(&m, 770), 97);	/* 193 groups */
	assert_int_equal(nm_map(&hw, 1, 4, &m), 0);
	assert_int_equal(m.groups_per_cycle, 4);	/* min(4, 4) */
	assert_int_equal(nm_map(&hw, 1, 16, &m), 0);
	assert_int_equal(m.groups_per_cycle, 1);
	assert_int_equal(nm_map(&hw, 8, 16, &m), 0);
	assert_int_equal(m.cycles_per_group, 2);
	assert_int_equal(nm_kcycles(&m, 64), 8);
	assert_int_equal(nm_map(&hw, 4, 4, &m), 0);	/* dense: bypass */
	assert_int_equal(nm_kcycles(&m, 10), 3);
	assert_int_equal(nm_map(&hw, 1, 32, &m), -1);	/* m > m_max */
	assert_int_equal(nm_map(&hw, 0, 4, &m), -1);
	assert_int_equal(nm_map(&hw, 5, 4, &m), -1);
}

static void test_nm_storage(void **state)
{
	struct nm_hw hw = { 4, 16 };
	struct nm_map m;

	(void)state;
	/* 2:4 int8 with indices: 2*8 + 2*2 = 20 bits per group of 4 */
	nm_map(&hw, 2, 4, &m);
	assert_int_equal(nm_col_bits(&m, 4, 8, 0), 20);
	assert_int_equal(nm_col_bits(&m, 768, 8, 0), 192 * 20);
	/* bitmap: 2*8 + 4 = 20 as well; 1:16: 8 + 16 = 24 vs 8 + 4 = 12 */
	assert_int_equal(nm_col_bits(&m, 4, 8, 1), 20);
	nm_map(&hw, 1, 16, &m);
	assert_int_equal(nm_col_bits(&m, 16, 8, 1), 24);
	assert_int_equal(nm_col_bits(&m, 16, 8, 0), 12);
	/* 3:7 int16: 3 * 16 + 3 * 3 = 57 bits per group; 10 groups cover 70 */
	nm_map(&hw, 3, 7, &m);
	assert_int_equal(nm_col_bits(&m, 70, 16, 0), 570);
	assert_int_equal(nm_block_bytes(&m, 70, 3, 16, 0), (570 * 3 + 7) / 8);
	nm_map(&hw, 4, 4, &m);
	assert_int_equal(nm_col_bits(&m, 100, 8, 0), 800);
	assert_int_equal(nm_mults(&m, 100), 100);
}

/* ---- DMA timing ---- */

static void test_dma_transfer(void **state)
{
	/* 25.6 B/cycle, latency 100: 4096 B = 160 channel cycles; accepted on
	 * cycle 0, data on cycles 1..160, done visible on 1 + 160 + 100 */
	struct dma d;
	struct dma_params p = { (uint64_t)(25.6 * 65536), 100, 4 };
	struct dma_cmd in = { 1, DMA_LOAD_A, 0, 4096 }, second = { 1, DMA_LOAD_W, 0, 640 };
	uint64_t c, done[2] = { 0 };
	unsigned n = 0;

	(void)state;
	assert_int_equal(dma_transfer_cycles(p.bpc_fx, 4096), 161);
	p.bpc_fx = 64 << 16;	/* exact: 64 B/cycle */
	assert_int_equal(dma_transfer_cycles(p.bpc_fx, 4096), 64);
	dma_init(&d, &p, &in);
	for (c = 0; c < 1000 && n < 2; c++) {
		int taken;

		dma_step(&d, c);
		taken = in.valid && d.out.cmd_ready;
		dma_commit(&d);
		dma_check(&d, c);
		if (taken)
			in = in.kind == DMA_LOAD_A ? second : (struct dma_cmd){ 0 };
		if (d.out.done.valid)
			done[n++] = c + 1;
	}
	/* first: data 1..64, done 1 + 64 + 100; second (10 cycles) pipelines
	 * behind it: data 65..74, done 75 + 100 */
	assert_int_equal(done[0], 1 + 64 + 100);
	assert_int_equal(done[1], 1 + 64 + 10 + 100);
	assert_int_equal(d.busy_cycles, 74);
	assert_int_equal(d.bytes[DMA_LOAD_A] + d.bytes[DMA_LOAD_W], 4736);
}

/* ---- vector and softmax units ---- */

static void test_unit_formulas(void **state)
{
	/* lanes 16, latency 4, isqrt 8; row of 64: c = 4 */
	struct vec_params v = { 16, 4, 8, VEC_GELU_TABLE };
	/* lanes 8, exp 4, recip 8, 2 dividers of 16 cycles; row of 32: c = 4 */
	struct smx_params x = { 8, SMX_ONLINE, 4, 8, 2, 16 };

	(void)state;
	assert_int_equal(vec_cycles(&v, VEC_K_GELU, 3, 64), 12 + 4);
	assert_int_equal(vec_cycles(&v, VEC_K_ADD, 1, 10), 1 + 4);
	/* 4 rows: 4 * (2*4 + (8 - 4)) + 4 + 4 */
	assert_int_equal(vec_cycles(&v, VEC_K_LAYERNORM, 4, 64), 56);
	v.isqrt_latency = 2;	/* hidden: 4 * 8 + 2 + 4 */
	assert_int_equal(vec_cycles(&v, VEC_K_LAYERNORM, 4, 64), 38);
	/* online: 8 rows * (8 + 4) + 4 + exp 4 */
	assert_int_equal(smx_cycles(&x, 8, 32), 104);
	x.algo = SMX_THREEPASS;	/* 8 * 12 + 4 + 8 */
	assert_int_equal(smx_cycles(&x, 8, 32), 108);
	x.algo = SMX_ITA;	/* ceil(16/2) = 8 per row: as online here */
	assert_int_equal(smx_cycles(&x, 8, 32), 104);
	x.dividers = 1;		/* 16 per row: 8 * (8 + 12) + 4 + 4 */
	assert_int_equal(smx_cycles(&x, 8, 32), 168);
	/* one row of 32: online 2c + max(0, R - c) + min(R, c) + E = 8+4+4+4;
	 * threepass 3c + E + R; ita with one 16-cycle divider likewise */
	x.algo = SMX_ONLINE;
	assert_int_equal(smx_cycles(&x, 1, 32), 8 + 4 + 4 + 4);
	x.algo = SMX_THREEPASS;
	assert_int_equal(smx_cycles(&x, 1, 32), 12 + 4 + 8);
	x.algo = SMX_ITA;
	assert_int_equal(smx_cycles(&x, 1, 32), 8 + 12 + 4 + 4);
	/* a row shorter than the lanes still takes a cycle per pass */
	x.algo = SMX_ONLINE;
	assert_int_equal(smx_cycles(&x, 1, 3), 2 + 7 + 1 + 4);
	x.algo = SMX_ITA;
	/* fused: what is left after the passes that ride on the engine */
	assert_int_equal(smx_fused_cycles(&x, 8, 32), 16 + 4);
	x.algo = SMX_ONLINE;
	assert_int_equal(smx_fused_cycles(&x, 8, 32), 8 + 4);
	x.algo = SMX_THREEPASS;
	assert_int_equal(smx_fused_cycles(&x, 8, 32), 8 * 8 + 4 + 8);
}

/* A function unit is busy exactly kcycles per command, back to back. */
static void test_fu_timing(void **state)
{
	struct fu u;
	struct unit_cmd in = { 0 }, c[3];
	uint32_t want = 0;
	uint64_t t, done[3];
	unsigned next = 0, n = 0;

	(void)state;
	c[0] = (struct unit_cmd){ .valid = 1, .kcycles = 10 };
	c[1] = (struct unit_cmd){ .valid = 1, .kcycles = 1 };
	c[2] = (struct unit_cmd){ .valid = 1, .kcycles = 5 };
	fu_init(&u, "vec", &in, &want, NULL, NULL);
	for (t = 0; t < 100 && n < 3; t++) {
		int taken;

		if (!in.valid && next < 3)
			in = c[next];
		fu_step(&u, t);
		taken = in.valid && u.out.cmd_ready;
		fu_commit(&u);
		fu_check(&u, t);
		if (taken) {
			in.valid = 0;
			next++;
		}
		if (u.out.wb_done.valid)
			done[n++] = t + 1;
	}
	assert_int_equal(n, 3);
	assert_int_equal(done[0], 1 + 10);
	assert_int_equal(done[1], 1 + 10 + 1);
	assert_int_equal(done[2], 1 + 10 + 1 + 5);
	assert_int_equal(u.busy_cycles, 16);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pipe_depth),
		cmocka_unit_test(test_single_tile),
		cmocka_unit_test(test_ragged_tile),
		cmocka_unit_test(test_back_to_back),
		cmocka_unit_test(test_flight_limit),
		cmocka_unit_test(test_k_steps_stream_back_to_back),
		cmocka_unit_test(test_engine_skip_equals_step),
		cmocka_unit_test(test_patterns),
		cmocka_unit_test(test_nm_map),
		cmocka_unit_test(test_nm_storage),
		cmocka_unit_test(test_dma_transfer),
		cmocka_unit_test(test_unit_formulas),
		cmocka_unit_test(test_fu_timing),
	};

	return cmocka_run_group_tests_name("models", tests, NULL, NULL);
}
