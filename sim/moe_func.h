/*
 * moe_func.h - functional mode of MoE layers: the parts of a layer
 * (sim/moe.h: FC1, GELU, FC2, scatter-accumulate per active expert) share
 * its tokens, gate scores and output accumulators; the layer is checked
 * and dumped when its last part ends (docs/report.md, "--dump").
 */
#ifndef SIM_MOE_FUNC_H
#define SIM_MOE_FUNC_H

#include <stddef.h>
#include <stdint.h>

struct func;

/* Room for f's layers (f->fm); 0, or -1 when out of memory. */
int moe_func_init(struct func *f);
void moe_func_free(struct func *f);
/* Begin MoE part x (opening its layer on its first part): what its unit's
 * commands carry, or NULL with f->msg. */
const void *moe_func_begin(struct func *f, uint32_t x, size_t *stride);
/* End MoE part x: check it, keep what the next part reads, and close the
 * layer after its last part. 0, or -1 with f->msg. */
int moe_func_end(struct func *f, uint32_t x);

#endif
