/*
 * unit.c - the registry of stasim's compute units (see unit.h).
 *
 * Order is port order and precedence: an op goes to the first class whose
 * takes() accepts it. Invariant: every op kind of a trace is taken by
 * exactly one class of the default registry.
 */
#include "unit.h"

#include <string.h>

#include "../models/gate_unit.h"
#include "../models/sde_unit.h"
#include "../models/smx_unit.h"
#include "../models/vec_unit.h"

static const struct unit_class *const unit_classes[] = {
	&sde_unit, &vec_unit, &smx_unit, &gate_unit,
};

static const struct unit_registry unit_default = {
	unit_classes, sizeof unit_classes / sizeof unit_classes[0]
};

const struct unit_registry *unit_registry_default(void)
{
	return &unit_default;
}

int unit_for_op(const struct unit_registry *reg, const struct op *op)
{
	uint32_t i;

	for (i = 0; i < reg->n; i++)
		if (reg->cls[i]->takes(op))
			return (int)i;
	return -1;
}

int unit_find(const struct unit_registry *reg, const char *name)
{
	uint32_t i;

	for (i = 0; i < reg->n; i++)
		if (strcmp(reg->cls[i]->name, name) == 0)
			return (int)i;
	return -1;
}
