#!/bin/sh
# synth.sh OUTDIR - synthesize every unit of the RTL with yosys
# (rtl/synth/flow.ys: NanGate FreePDK45 gate functions), write
# OUTDIR/report.json and OUTDIR/report.txt (cells, flip-flops, longest
# register-to-register path in gate levels, cell area in um^2 from
# rtl/synth/nangate45.area) and print the table. Fails when yosys fails on
# any unit, when a unit has a gate the area file does not price, or when
# the engine's PE's longest path exceeds a registered multiplier's
# (rtl/synth/ref_mul.v) by more than SYNTH_SLACK_LEVELS levels: a PE
# stage must stay about one multiply deep.
#
# Environment (rtl/synth.mk sets them): YOSYS, SYNTH_SLACK_LEVELS, and
# each unit's parameters as NAME=VALUE words: SYNTH_PE_PARAMS,
# SYNTH_SDE_PARAMS, SYNTH_FU_PARAMS, SYNTH_SMX_PARAMS (both algorithms),
# SYNTH_VEC_PARAMS, SYNTH_GATE_PARAMS. OUTDIR gets one yosys log per unit
# (UNIT.log). One unit by hand, e.g.:
#   yosys -p "read_verilog -sv rtl/sde_pe.v; hierarchy -check -top sde_pe \
#     -chparam N_MAX 4 -chparam M_MAX 16; script rtl/synth/flow.ys"
set -u
out=${1:?usage: sh rtl/synth/synth.sh OUTDIR}
YOSYS=${YOSYS:-yosys}
AREA=rtl/synth/nangate45.area
slack=${SYNTH_SLACK_LEVELS:-8}
pe_params=${SYNTH_PE_PARAMS:-N_MAX=4 M_MAX=16 ACT_BITS=8 WEIGHT_BITS=8}
sde_params=${SYNTH_SDE_PARAMS:-ROWS=4 COLS=4 N_MAX=2 M_MAX=8 ACT_BITS=8 WEIGHT_BITS=8}
fu_params=${SYNTH_FU_PARAMS-}
smx_params=${SYNTH_SMX_PARAMS:-LANES=2 EXP_LATENCY=4 RECIP_LATENCY=8 DIVIDERS=2 DIV_LATENCY=19 ROWS=1024 N_MAX=1024}
vec_params=${SYNTH_VEC_PARAMS:-LANES=32 LATENCY=4 ROWS=1024 N_MAX=1024}
gate_params=${SYNTH_GATE_PARAMS:-E_MAX=32 K_MAX=8 T_MAX=1024 D_MAX=1024 GEMV=64 SORTERS=1 LANES=2 ALGORITHM=0 EXP_LATENCY=4 RECIP_LATENCY=8 DIVIDERS=2 DIV_LATENCY=19}
mkdir -p "$out" || exit 1
rm -f "$out"/*.rc "$out"/*.ms "$out"/report.json "$out"/report.txt

# param NAME PARAMS: NAME's value in the NAME=VALUE words, or 8
param() {
	v=8
	for w in $2; do [ "${w%%=*}" = "$1" ] && v=${w#*=}; done
	echo "$v"
}
ref_params="A_BITS=$(param ACT_BITS "$pe_params") B_BITS=$(param WEIGHT_BITS "$pe_params")"
smx_rtl="rtl/smx.v rtl/smx_online.v rtl/smx_ita.v rtl/fu.v"
# the softmax unit at one lane, beside its SYNTH_SMX_LANES: what a lane adds
smx1_params=$(echo "$smx_params" | sed 's/LANES=[0-9]*/LANES=1/')
lanes_cfg=${SYNTH_CONFIG_LANES:-32}

# the units, in report order: NAME|TOP|FILES|PARAMS
units="ref_mul|ref_mul|rtl/synth/ref_mul.v|$ref_params
sde_pe|sde_pe|rtl/sde_pe.v|$pe_params
sde|sde|rtl/sde.v rtl/sde_pe.v|$sde_params
fu|fu|rtl/fu.v|$fu_params
smx_online|smx|$smx_rtl|ALGORITHM=0 $smx_params
smx_ita|smx|$smx_rtl|ALGORITHM=1 $smx_params
smx_online_1|smx|$smx_rtl|ALGORITHM=0 $smx1_params
smx_ita_1|smx|$smx_rtl|ALGORITHM=1 $smx1_params
vec|vec|rtl/vec.v rtl/fu.v|$vec_params
gate|gate|rtl/gate.v rtl/fu.v rtl/smx_online.v rtl/smx_ita.v|$gate_params"

# field NAME N: field N of unit NAME's line
field() { echo "$units" | awk -F'|' -v u="$1" -v n="$2" '$1 == u { print $n }'; }

# run NAME: one yosys run; NAME.log, NAME.ms its wall time in ms, NAME.rc
# its exit status
run() {
	chp=""
	for w in $(field "$1" 4); do chp="$chp -chparam ${w%%=*} ${w#*=}"; done
	t0=$(date +%s%N)
	"$YOSYS" -q -l "$out/$1.log" -p "read_verilog -sv -D SYNTHESIS $(field "$1" 3); \
hierarchy -check -top $(field "$1" 2)$chp; script rtl/synth/flow.ys" \
		>/dev/null 2>"$out/$1.err"
	echo $? >"$out/$1.rc"
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000000)) >"$out/$1.ms"
}

# two queues, one a core, the largest units first and the two softmax
# data paths (the gate unit has one) apart: both end at about the same time
(run gate; run smx_ita; run smx_ita_1; run fu; run ref_mul; run sde_pe) &
(run smx_online; run smx_online_1; run vec; run sde) &
wait

names=$(echo "$units" | cut -d'|' -f1)
rc=0
for m in $names; do
	if [ "$(cat "$out/$m.rc" 2>/dev/null)" != 0 ]; then
		echo "synth: yosys failed on $m (log $out/$m.log):"
		tail -5 "$out/$m.err"
		rc=1
	fi
done
[ $rc -eq 0 ] || exit 1

# stats NAME: "cells flip_flops levels area_um2 {cell counts as JSON}" from
# NAME.log's last stat and ltp, the areas from $AREA; fails on a gate type
# the area file does not list
stats() { awk -v area="$AREA" -f rtl/synth/stats.awk "$out/$1.log"; }

# calc_ratio A B: A / B to one decimal
calc_ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b ? a / b : 0 }'; }

# lanes NAME: what one more lane of softmax unit NAME adds (its
# SYNTH_SMX_LANES-lane run less its one-lane run, per lane), and the unit
# at the default config's lanes by that slope: "cells levels um2 cells@L
# levels@L um2@L"
lanes() {
	set -- $(stats "$1" | cut -d' ' -f1-4) $(stats "$1_1" | cut -d' ' -f1-4)
	k=$(param LANES "$smx_params")
	n=$((k - 1))
	[ "$n" -gt 0 ] || { echo "0 0 0 $1 $3 $4"; return; }	# one lane: no slope
	awk -v c2="$1" -v l2="$3" -v a2="$4" -v c1="$5" -v l1="$7" -v a1="$8" \
		-v n="$n" -v k="$k" -v L="$lanes_cfg" 'BEGIN {
		dc = (c2 - c1) / n; dl = (l2 - l1) / n; da = (a2 - a1) / n
		printf "%.0f %.1f %.1f %.0f %.0f %.1f\n", dc, dl, da,
			c2 + (L - k) * dc, l2 + (L - k) * dl, a2 + (L - k) * da }'
}
# the report: the table (stdout and report.txt) and report.json; "x PE"
# is a unit's depth over the PE's, which sets the engine's clock: a unit
# at 3 x PE would need three times the PE's cycle time
row() { printf '%-12s %9s %7s %7s %6s %12s %7s  %s\n' "$@"; }
pe_lv=$(stats sde_pe | cut -d' ' -f3)
{
	row unit cells FFs levels "x PE" "area um^2" "time s" parameters
	for m in $names; do
		s=$(stats "$m") || { echo "synth: $m: no stat or ltp, or gates without an area:$s"; exit 1; }
		set -- $s
		row "$m" "$1" "$2" "$3" "$(calc_ratio "$3" "$pe_lv")" "$4" \
			"$(awk '{ printf "%.1f", $1 / 1000 }' "$out/$m.ms")" "$(field "$m" 4)"
	done
} >"$out/report.txt" || { cat "$out/report.txt"; exit 1; }

{
	printf '{\n  "tool": "%s",\n' "$("$YOSYS" -V)"
	printf '  "flow": "rtl/synth/flow.ys",\n'
	printf '  "area": "cell area, NanGate FreePDK45 Open Cell Library X1 cells (rtl/synth/nangate45.area)",\n'
	printf '  "units": {'
	sep=""
	for m in $names; do
		set -- $(stats "$m")
		ps=""
		for w in $(field "$m" 4); do ps="$ps${ps:+, }\"${w%%=*}\": ${w#*=}"; done
		shift 4
		printf '%s\n    "%s": {"top": "%s", "parameters": {%s},\n' "$sep" "$m" "$(field "$m" 2)" "$ps"
		set -- $(stats "$m")
		printf '      "cells": %s, "flip_flops": %s, "ltp_levels": %s, "levels_over_pe": %s, "area_um2": %s,\n' \
			"$1" "$2" "$3" "$(calc_ratio "$3" "$pe_lv")" "$4"
		shift 4
		printf '      "seconds": %s, "cell_counts": %s}' \
			"$(awk '{ printf "%.1f", $1 / 1000 }' "$out/$m.ms")" "$*"
		sep=","
	done
	printf '\n  },\n  "lanes": {"config_lanes": %s' "$lanes_cfg"
	for m in smx_online smx_ita; do
		set -- $(lanes "$m")
		printf ',\n    "%s": {"cells_per_lane": %s, "levels_per_lane": %s, "area_um2_per_lane": %s, "cells_at_config": %s, "levels_at_config": %s, "area_um2_at_config": %s}' \
			"$m" "$@"
	done
	printf '}\n}\n'
} >"$out/report.json"

{
	echo
	echo "softmax lanes: what a lane adds (the $(param LANES "$smx_params")-lane unit less the 1-lane one), and the unit"
	echo "at the default config's $lanes_cfg lanes by that slope (not synthesized: docs/rtl.md)"
	printf '%-11s %11s %12s %12s %14s %14s %16s\n' unit "cells/lane" "levels/lane" "um^2/lane" \
		"cells@$lanes_cfg" "levels@$lanes_cfg" "area um^2@$lanes_cfg"
	for m in smx_online smx_ita; do
		set -- $(lanes "$m")
		printf '%-11s %11s %12s %12s %14s %14s %16s\n' "$m" "$@"
	done
	pe=$(stats sde_pe | cut -d' ' -f3)
	set -- $(lanes smx_online)
	echo "note: the online softmax adds $2 gate levels a lane (its lanes' exp-and-rescale steps are"
	echo "chained within a cycle): about $5 levels at $lanes_cfg lanes, against the PE's $pe"
} >"$out/lanes.txt"
cat "$out/lanes.txt" >>"$out/report.txt"

cat "$out/report.txt"

pe=$(stats sde_pe | cut -d' ' -f3)
ref=$(stats ref_mul | cut -d' ' -f3)
if [ "$pe" -gt $((ref + slack)) ]; then
	echo "synth: FAIL: sde_pe's longest path is $pe levels, more than the multiplier's $ref + $slack" |
		tee -a "$out/report.txt"
	exit 1
fi
echo "synth: ok: sde_pe's longest path is $pe levels, the multiplier's $ref (limit $ref + $slack);" \
	"report $out/report.json" | tee -a "$out/report.txt"
