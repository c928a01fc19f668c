/*
 * energy.c - pricing counted actions (see energy.h, docs/ppa.md).
 *
 * Each compute unit prices its own actions (struct unit_class: dyn_pj;
 * the DMA: models/dma_unit.c); this file adds the SRAM buffers, leakage
 * at the powers run_sim derived from the design's area (sim/area.h
 * area_leakage) and sums. SRAM cost per access depends on the bank size:
 * the table gives 64-bit access energy at 8 KiB, 32 KiB and 1 MiB and we
 * interpolate linearly in log2(size), clamping outside. A
 * double-buffered buffer is two banks of half its size.
 */
#include "energy.h"

#include <math.h>
#include <string.h>

#include "../models/dma_unit.h"

const char *energy_unit_name(enum energy_unit u)
{
	static const char *const names[EU_COUNT] = { "sde", "vec", "smx",
						     "gate", "sram", "dram" };

	return names[u];
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

double energy_nl_pj(const struct energy_table *t, const struct nl_actions *a)
{
	return a->exp * t->exp_pj + a->div * t->div_pj + a->cmp * t->cmp_pj +
	       a->lut * t->lut_pj + a->shift * t->shift_pj +
	       a->isqrt * t->isqrt_pj + a->mul16 * t->mult16_pj +
	       a->add * t->add32_pj;
}

void energy_op(const struct config *cfg, const struct op_stats *s,
	       const struct plan_op *p, struct energy_op *e)
{
	/* leakage is a power: pJ per ns times the op's ns */
	double ns = (double)s->attr_cycles * 1000.0 / cfg->clock_mhz;
	int u;

	memset(e, 0, sizeof *e);
	e->dyn_pj[p->uc->eu] = p->uc->dyn_pj(cfg, s, p);
	e->dyn_pj[EU_SRAM] = sram_dynamic(cfg, s);
	e->dyn_pj[EU_DRAM] = dma_unit_dyn_pj(cfg, s);
	e->total_pj = 0;
	for (u = 0; u < EU_COUNT; u++) {
		e->leak_pj[u] = ns * cfg->leak_pj_ns[u];
		e->total_pj += e->dyn_pj[u] + e->leak_pj[u];
	}
}
