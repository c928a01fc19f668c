#!/bin/sh
# area.sh UNIT [NAME=VALUE ...] - the component areas of one unit at one
# parameter set, as lines of an area table (the user cache; make
# area-table turns them into sim/area_table.c; docs/ppa.md "Area"):
# COMPONENT<TAB>PARAMETERS<TAB>AREA_UM2<TAB>HOW.
#
# Each component is separated by synthesizing its unit at a few sizes with
# the one flow of `make synth` (rtl/synth/flow.ys, areas priced by
# rtl/synth/stats.awk from rtl/synth/nangate45.area) and solving for the
# part each instance adds:
#   sde   N_MAX M_MAX ACT_BITS WEIGHT_BITS: the array at 2x2, 3x2, 2x3,
#         3x3, 4x2, 2x4 and area(r, c) = r*c*pe + r*row + c*col + fixed:
#         pe the mixed difference a33 - a32 - a23 + a22, a row (a column)
#         the mean step from 2 to 4 rows (columns) less its PEs. The edges'
#         skew registers (row r's edge delays by r cycles) make the true
#         growth slightly more than linear, but at these sizes a fitted
#         square is mostly noise (at N_MAX 4, M_MAX 16 the columns' second
#         difference is 2619 um^2, ten times a column's skew registers), so
#         that term stays in the mean slope.
#   smx   ALGORITHM EXP_LATENCY RECIP_LATENCY DIVIDERS DIV_LATENCY: the unit
#         at 1 and 2 lanes: lane = a(2) - a(1), rest = a(1) - lane - fu
#   vec   LATENCY: likewise, lane and rest
#   gate  GEMV: the unit at 2 lanes of the default online softmax with 1
#         and 2 sorter cells: sorter = a(2) - a(1), core = a(1) - sorter
#         - smx(2 lanes), the softmax unit's data path and controller at
#         the same parameters (stasim adds the gate's sorters, its softmax
#         data path at the config's algorithm and lanes, and a controller)
#   fu    (no parameters): the shared controller rtl/fu.v
# Tile bounds are make synth's (rows and row length 1024, 32 experts of
# top-8 on 1024 tokens of width 1024). Missing NAME=VALUE words take the
# default config's values. Each yosys run leaves its log in AREA_WORK
# (default build/area); a log whose command is the same run is reused.
# Environment: YOSYS (default yosys), AREA_WORK. Run from anywhere: it
# works in the source tree that holds it. Exit 1 when yosys fails.
set -u
unit=${1:?usage: sh rtl/synth/area.sh sde|smx|vec|gate|fu [NAME=VALUE ...]}
shift
cd "$(dirname "$0")/../.." || exit 1
YOSYS=${YOSYS:-yosys}
work=${AREA_WORK:-build/area}
mkdir -p "$work" || exit 1

# the default config's values, then the caller's words
N_MAX=4 M_MAX=16 ACT_BITS=8 WEIGHT_BITS=8
ALGORITHM=0 EXP_LATENCY=4 RECIP_LATENCY=8 DIVIDERS=2 DIV_LATENCY=19
LATENCY=4 GEMV=64
for w in "$@"; do
	case ${w%%=*} in
	N_MAX|M_MAX|ACT_BITS|WEIGHT_BITS|ALGORITHM|EXP_LATENCY|RECIP_LATENCY|\
DIVIDERS|DIV_LATENCY|LATENCY|GEMV)
		case ${w#*=} in
		''|*[!0-9]*) echo "area.sh: $w: not a whole number" >&2; exit 1 ;;
		esac
		eval "${w%%=*}=${w#*=}" ;;
	*) echo "area.sh: $w: not a parameter of $unit" >&2; exit 1 ;;
	esac
done

# point TOP "FILES" "PARAMS": the cell area of TOP synthesized with PARAMS,
# from a log of the same command in $work or from a new yosys run
point() {
	chp=""
	for w in $3; do chp="$chp -chparam ${w%%=*} ${w#*=}"; done
	cmd="read_verilog -sv -D SYNTHESIS $2; hierarchy -check -top $1$chp; script rtl/synth/flow.ys"
	log=""
	for f in "$work"/*.log; do
		[ -f "$f" ] && grep -qF "Running command \`$cmd'" "$f" &&
			awk -v area=rtl/synth/nangate45.area -f rtl/synth/stats.awk "$f" \
				>/dev/null 2>&1 && { log=$f; break; }
	done
	if [ -z "$log" ]; then
		log="$work/$1$(echo "$3" | tr ' =' '_-').log"
		echo "area.sh: yosys: $1 $3" >&2
		"$YOSYS" -q -l "$log" -p "$cmd" >/dev/null 2>"$log.err" || {
			echo "area.sh: yosys failed on $1 $3 (log $log)" >&2
			tail -5 "$log.err" >&2
			exit 1
		}
	fi
	awk -v area=rtl/synth/nangate45.area -f rtl/synth/stats.awk "$log" | cut -d' ' -f4
}

sde_pt() {
	point sde "rtl/sde.v rtl/sde_pe.v" \
		"ROWS=$1 COLS=$2 N_MAX=$N_MAX M_MAX=$M_MAX ACT_BITS=$ACT_BITS WEIGHT_BITS=$WEIGHT_BITS"
}
smx_pt() {
	point smx "rtl/smx.v rtl/smx_online.v rtl/smx_ita.v rtl/fu.v" \
		"ALGORITHM=$ALGORITHM LANES=$1 EXP_LATENCY=$EXP_LATENCY RECIP_LATENCY=$RECIP_LATENCY DIVIDERS=$DIVIDERS DIV_LATENCY=$DIV_LATENCY ROWS=1024 N_MAX=1024"
}
fu_pt() { point fu "rtl/fu.v" ""; }

smx_key="ALGORITHM=$ALGORITHM EXP_LATENCY=$EXP_LATENCY RECIP_LATENCY=$RECIP_LATENCY DIVIDERS=$DIVIDERS DIV_LATENCY=$DIV_LATENCY"

# calc EXPR: EXPR's value
calc() { awk "BEGIN { print $1 }"; }

# row NAME KEY AREA HOW: one table line
row() { printf '%s\t%s\t%.1f\t%s\n' "$1" "$2" "$3" "$4"; }

case $unit in
sde)
	a22=$(sde_pt 2 2) && a32=$(sde_pt 3 2) && a23=$(sde_pt 2 3) &&
	a33=$(sde_pt 3 3) && a42=$(sde_pt 4 2) && a24=$(sde_pt 2 4) || exit 1
	key="N_MAX=$N_MAX M_MAX=$M_MAX ACT_BITS=$ACT_BITS WEIGHT_BITS=$WEIGHT_BITS"
	how="sde at 2x2 $a22, 3x2 $a32, 2x3 $a23, 3x3 $a33, 4x2 $a42, 2x4 $a24"
	echo "$a22 $a32 $a23 $a33 $a42 $a24" | awk -v key="$key" -v how="$how" '{
		pe = $4 - $2 - $3 + $1
		r = ($5 - $1) / 2 - 2 * pe; c = ($6 - $1) / 2 - 2 * pe
		f = $1 - 4 * pe - 2 * r - 2 * c
		printf "sde.pe\t%s\t%.1f\t%s\n", key, pe, how
		printf "sde.row\t%s\t%.1f\t%s\n", key, r, how
		printf "sde.col\t%s\t%.1f\t%s\n", key, c, how
		printf "sde.fixed\t%s\t%.1f\t%s\n", key, f, how
	}' ;;
smx)
	a1=$(smx_pt 1) && a2=$(smx_pt 2) && fu=$(fu_pt) || exit 1
	how="smx at 1 lane $a1, 2 lanes $a2; fu $fu"
	row smx.lane "$smx_key" "$(calc "$a2 - $a1")" "$how"
	row smx.rest "$smx_key" "$(calc "2 * $a1 - $a2 - $fu")" "$how" ;;
vec)
	a1=$(point vec "rtl/vec.v rtl/fu.v" "LANES=1 LATENCY=$LATENCY ROWS=1024 N_MAX=1024") &&
	a2=$(point vec "rtl/vec.v rtl/fu.v" "LANES=2 LATENCY=$LATENCY ROWS=1024 N_MAX=1024") &&
	fu=$(fu_pt) || exit 1
	how="vec at 1 lane $a1, 2 lanes $a2; fu $fu"
	row vec.lane "LATENCY=$LATENCY" "$(calc "$a2 - $a1")" "$how"
	row vec.rest "LATENCY=$LATENCY" "$(calc "2 * $a1 - $a2 - $fu")" "$how" ;;
gate)
	# the unit at 2 lanes of the default online softmax, with 1 and 2
	# sorter cells: a sorter cell is the difference, the core what is
	# left of the 1-sorter unit less its cell and that softmax unit at 2
	# lanes (its data path and controller: the gate's own controller is
	# as big)
	ALGORITHM=0 EXP_LATENCY=4 RECIP_LATENCY=8 DIVIDERS=2 DIV_LATENCY=19
	gate_pt() {
		point gate "rtl/gate.v rtl/fu.v rtl/smx_online.v rtl/smx_ita.v" \
			"E_MAX=32 K_MAX=8 T_MAX=1024 D_MAX=1024 GEMV=$GEMV SORTERS=$1 LANES=2 ALGORITHM=$ALGORITHM EXP_LATENCY=$EXP_LATENCY RECIP_LATENCY=$RECIP_LATENCY DIVIDERS=$DIVIDERS DIV_LATENCY=$DIV_LATENCY"
	}
	g1=$(gate_pt 1) && g2=$(gate_pt 2) && a2=$(smx_pt 2) || exit 1
	how="gate at 2 online lanes, 1 sorter $g1, 2 sorters $g2; smx online at 2 lanes $a2"
	row gate.core "GEMV=$GEMV" "$(calc "2 * $g1 - $g2 - $a2")" "$how"
	row gate.sorter "GEMV=$GEMV" "$(calc "$g2 - $g1")" "$how" ;;
fu)
	fu=$(fu_pt) || exit 1
	row fu "-" "$fu" "fu" ;;
*)
	echo "area.sh: $unit: not a unit (sde, smx, vec, gate, fu)" >&2
	exit 1 ;;
esac
