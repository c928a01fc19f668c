/*
 * energy.c - pricing counted actions (see energy.h, docs/energy.md).
 *
 * SRAM cost per access depends on the bank size: the table gives 64-bit
 * access energy at 8 KiB, 32 KiB and 1 MiB and we interpolate linearly in
 * log2(size), clamping outside. A double-buffered buffer is two banks of half
 * its size. A multiply is priced at the wider operand width.
 */
#include "energy.h"

#include <math.h>
#include <string.h>

const char *energy_unit_name(enum energy_unit u)
{
	static const char *const names[EU_COUNT] = { "sde", "vec", "smx",
						     "gate", "sram", "dram" };

	return names[u];
}

enum energy_unit energy_unit_of(enum plan_unit u)
{
	static const enum energy_unit map[PU_COUNT] = {
		[PU_SDE] = EU_SDE, [PU_VEC] = EU_VEC, [PU_SMX] = EU_SMX,
		[PU_GATE] = EU_GATE,
	};

	return map[u];
}

double energy_sram_pj_per_byte(const struct energy_table *t, double kib)
{
	double l = log2(kib), e;

	if (l <= 3)
		e = t->sram_8kib_pj_per_64b;
	else if (l <= 5)
		e = t->sram_8kib_pj_per_64b + (t->sram_32kib_pj_per_64b -
		    t->sram_8kib_pj_per_64b) * (l - 3) / 2;
	else if (l <= 10)
		e = t->sram_32kib_pj_per_64b + (t->sram_1mib_pj_per_64b -
		    t->sram_32kib_pj_per_64b) * (l - 5) / 5;
	else
		e = t->sram_1mib_pj_per_64b;
	return e / 8;
}

static double bank_kib(const struct config *cfg, uint32_t kib)
{
	return cfg->double_buffer ? kib / 2.0 : kib;
}

static double sde_dynamic(const struct config *cfg, const struct op_stats *s,
			  int is_matmul)
{
	const struct energy_table *t = &cfg->energy;
	uint32_t wb = is_matmul ? cfg->act_bits : cfg->weight_bits;
	uint32_t bits = cfg->act_bits > wb ? cfg->act_bits : wb;
	double mult = bits > 8 ? t->mult16_pj : t->mult8_pj;
	double mux = (double)(cfg->m_max - 1) * cfg->act_bits * t->mux2_bit_pj;

	return s->macs * (mult + t->add32_pj) + s->mux_sel * mux +
	       s->reg_bits * t->reg_bit_pj;
}

static double sram_dynamic(const struct config *cfg, const struct op_stats *s)
{
	const struct energy_table *t = &cfg->energy;
	double wf = t->sram_write_factor;
	double act = energy_sram_pj_per_byte(t, bank_kib(cfg, cfg->act_kib));
	double wgt = energy_sram_pj_per_byte(t, bank_kib(cfg, cfg->wgt_kib));
	double out = energy_sram_pj_per_byte(t, bank_kib(cfg, cfg->out_kib));

	return act * (s->act_rd + wf * s->act_wr) +
	       wgt * (s->wgt_rd + wf * s->wgt_wr) +
	       out * (s->out_rd + wf * s->out_wr);
}

static double nl_dynamic(const struct energy_table *t,
			 const struct nl_actions *a)
{
	return a->exp * t->exp_pj + a->div * t->div_pj + a->cmp * t->cmp_pj +
	       a->lut * t->lut_pj + a->shift * t->shift_pj +
	       a->isqrt * t->isqrt_pj + a->mul16 * t->mult16_pj +
	       a->add * t->add32_pj;
}

void energy_op(const struct config *cfg, const struct op_stats *s,
	       int is_matmul, enum plan_unit unit, struct energy_op *e)
{
	const struct energy_table *t = &cfg->energy;
	/* table leakage is pJ per cycle at 1 GHz: static power times period */
	double cyc = (double)s->attr_cycles * 1000.0 / cfg->clock_mhz;
	int u;

	memset(e, 0, sizeof *e);
	if (unit == PU_SDE)
		e->dyn_pj[EU_SDE] = sde_dynamic(cfg, s, is_matmul);
	else
		e->dyn_pj[energy_unit_of(unit)] = nl_dynamic(t, &s->nl);
	/* the gate's lanes: its logits datapath and its sorters */
	e->leak_pj[EU_GATE] = cyc * (cfg->gate_gemv_width + cfg->gate_sorters) *
			      t->leak_vec_pj_per_lane_cycle;
	e->leak_pj[EU_VEC] = cyc * cfg->vec_lanes * t->leak_vec_pj_per_lane_cycle;
	e->leak_pj[EU_SMX] = cyc * cfg->smx_lanes * t->leak_vec_pj_per_lane_cycle;
	e->dyn_pj[EU_SRAM] = sram_dynamic(cfg, s);
	e->dyn_pj[EU_DRAM] = (double)(s->dram_rd + s->dram_wr) * 8 *
			     t->dram_pj_per_bit;
	e->leak_pj[EU_SDE] = cyc * cfg->rows * cfg->cols * t->leak_pe_pj_per_cycle;
	e->leak_pj[EU_SRAM] = cyc * (double)(cfg->act_kib + cfg->wgt_kib +
			      cfg->out_kib) * t->leak_sram_pj_per_kib_cycle;
	e->leak_pj[EU_DRAM] = cyc * t->leak_dma_pj_per_cycle;
	e->total_pj = 0;
	for (u = 0; u < EU_COUNT; u++)
		e->total_pj += e->dyn_pj[u] + e->leak_pj[u];
}
