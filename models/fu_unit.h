/*
 * fu_unit.h - the kernel hooks of the units built on the shared function
 * unit controller (models/fu.h): vector, softmax and gate. Each of those
 * classes (models/<unit>_unit.c) names its own init and takes these for
 * the rest.
 */
#ifndef MODELS_FU_UNIT_H
#define MODELS_FU_UNIT_H

#include <stdint.h>

#include "fu.h"
#include "../sim/unit.h"

extern const struct kern_ops fu_unit_ops;

/* fu_init of self as unit `name`, wired as env says. */
void fu_unit_init(void *self, const char *name, const struct unit_env *env);
void fu_unit_attach(void *self, const struct unit_cmd *cmd,
		    const uint32_t *want);
void fu_unit_port(const void *self, struct unit_port *up);
void fu_unit_counters(const void *self, uint64_t *busy, uint64_t *stall);

struct area_ctx;
struct area_unit;
struct sim_err;
/* Add the shared controller (rtl/fu.v, component "fu") once to u: every
 * unit built on it has its own. 0, or -1 with err. */
int fu_unit_area(struct area_ctx *c, struct area_unit *u,
		 struct sim_err *err);

#endif
