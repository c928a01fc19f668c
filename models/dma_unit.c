/*
 * dma_unit.c - the DMA's config mapping, kernel hooks and energy (see
 * dma_unit.h). DRAM energy is per bit moved, whole bursts counted.
 * Invariant: the channel's parameters come from the config alone.
 */
#include "dma_unit.h"

#include "../sim/config.h"
#include "../sim/kern.h"
#include "../sim/sched.h"

const struct kern_ops dma_unit_ops = {
	"dma", dma_step, dma_commit, dma_horizon, dma_skip, dma_check
};

struct dma_params dma_unit_params(const struct config *cfg)
{
	return (struct dma_params){ config_dram_bpc_fx(cfg),
				    config_dram_latency_cycles(cfg),
				    cfg->dma_queue };
}

double dma_unit_dyn_pj(const struct config *cfg, const struct op_stats *s)
{
	return (double)(s->dram_rd + s->dram_wr) * 8 *
	       cfg->energy.dram_pj_per_bit;
}
