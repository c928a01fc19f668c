/*
 * dma_unit.h - the DMA and its DRAM channel as a part of the simulator.
 *
 * Not a compute unit of the registry (sim/unit.h): it runs no planned
 * steps and takes the scheduler's transfers, not unit commands; every run
 * has exactly one, next to the scheduler. Its config mapping, kernel
 * hooks and energy live here so that `ls models/dma*` finds all of it.
 */
#ifndef MODELS_DMA_UNIT_H
#define MODELS_DMA_UNIT_H

#include "dma.h"

struct config;
struct op_stats;

extern const struct kern_ops dma_unit_ops;

/* The [dram] section as the model's parameters. */
struct dma_params dma_unit_params(const struct config *cfg);
/* DRAM pJ of an op's transfers. */
double dma_unit_dyn_pj(const struct config *cfg, const struct op_stats *s);

#endif
