#!/bin/sh
# Each unit's parts are found by its name: for every class in the registry
# (sim/unit.c's unit_classes[]), its model, its class and its functional part
# exist as models/<u>.c, models/<u>_unit.c and models/<u>_func.c, a unit with
# RTL has it under rtl/<u>*.v and its harness under sim/cosim/<u>*, and
# docs/architecture.md names the unit in its table of units.
# usage: unit-files.sh            (from the source tree's root)
fail=0 n=0
units=$(sed -n '/unit_classes\[\] = {/,/};/p' sim/unit.c |
	grep -o '&[a-z][a-z0-9]*_unit' | sed 's/^&//; s/_unit$//')
[ -n "$units" ] || { echo "unit-files: no units found in sim/unit.c"; exit 1; }
need() { [ -e "$1" ] || { echo "unit-files: unit $u has no $1"; fail=1; }; }
for u in $units; do
	n=$((n + 1))
	need "models/$u.c"; need "models/$u.h"
	need "models/${u}_unit.c"; need "models/${u}_unit.h"
	need "models/${u}_func.c"
	if ls rtl/"$u"*.v >/dev/null 2>&1; then
		ls sim/cosim/"$u"_cosim.c >/dev/null 2>&1 ||
			{ echo "unit-files: unit $u has RTL but no sim/cosim/${u}_cosim.c"; fail=1; }
	fi
	grep -q "^| \`$u\` " docs/architecture.md ||
		{ echo "unit-files: docs/architecture.md's table of units has no row for $u"; fail=1; }
	grep -q "\"$u\"" models/"${u}_unit.c" ||
		{ echo "unit-files: models/${u}_unit.c does not name its class \"$u\""; fail=1; }
done
[ $fail -eq 0 ] && echo "unit-files: $n units ($(echo $units)) each with model, class, functional part, RTL and harness by name"
exit $fail
