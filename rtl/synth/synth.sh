#!/bin/sh
# synth.sh OUTDIR - synthesize the engine's PE, a reference multiplier and
# the whole engine with yosys (rtl/synth/flow.ys: generic gates), print a
# table of cells and longest register-to-register paths, and fail when the
# PE's longest path exceeds the multiplier's by more than SYNTH_SLACK_LEVELS
# cell levels: a PE stage must stay about one multiply deep.
#
# Environment (rtl/synth.mk sets them): YOSYS, SYNTH_PE_PARAMS and
# SYNTH_SDE_PARAMS (NAME=VALUE words, as COSIM_SDE_PARAMS),
# SYNTH_SLACK_LEVELS. OUTDIR gets one yosys log per module (NAME.log).
# One module by hand, e.g.:
#   yosys -p "read_verilog -sv rtl/sde_pe.v; hierarchy -check -top sde_pe \
#     -chparam N_MAX 4 -chparam M_MAX 16; script rtl/synth/flow.ys"
set -u
out=${1:?usage: sh rtl/synth/synth.sh OUTDIR}
YOSYS=${YOSYS:-yosys}
pe_params=${SYNTH_PE_PARAMS:-N_MAX=4 M_MAX=16 ACT_BITS=8 WEIGHT_BITS=8}
sde_params=${SYNTH_SDE_PARAMS:-ROWS=4 COLS=4 N_MAX=2 M_MAX=8 ACT_BITS=8 WEIGHT_BITS=8}
slack=${SYNTH_SLACK_LEVELS:-8}
mkdir -p "$out" || exit 1

# param NAME PARAMS: NAME's value in the NAME=VALUE words, or 8
param() {
	v=8
	for w in $2; do [ "${w%%=*}" = "$1" ] && v=${w#*=}; done
	echo "$v"
}

# run NAME TOP "FILES" "PARAMS": one yosys run; NAME.log, and its wall
# time in ms in NAME.ms; NAME.rc its exit status
run() {
	chp=""
	for w in $4; do chp="$chp -chparam ${w%%=*} ${w#*=}"; done
	t0=$(date +%s%N)
	"$YOSYS" -q -l "$out/$1.log" \
		-p "read_verilog -sv $3; hierarchy -check -top $2$chp; script rtl/synth/flow.ys" \
		>/dev/null 2>"$out/$1.err"
	echo $? >"$out/$1.rc"
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000000)) >"$out/$1.ms"
}

# the engine takes longest: on the second core while the other two run
ref_params="A_BITS=$(param ACT_BITS "$pe_params") B_BITS=$(param WEIGHT_BITS "$pe_params")"
run sde sde "rtl/sde.v rtl/sde_pe.v" "$sde_params" &
run ref_mul ref_mul rtl/synth/ref_mul.v "$ref_params"
run sde_pe sde_pe rtl/sde_pe.v "$pe_params"
wait

rc=0
for m in ref_mul sde_pe sde; do
	if [ "$(cat "$out/$m.rc")" != 0 ]; then
		echo "synth: yosys failed on $m (log $out/$m.log):"
		tail -5 "$out/$m.err"
		rc=1
	fi
done
[ $rc -eq 0 ] || exit 1

cells() { awk '/Number of cells:/ { n = $4 } END { print n }' "$out/$1.log"; }
levels() { sed -n 's/^Longest topological path in .* (length=\([0-9]*\)).*/\1/p' "$out/$1.log" | tail -1; }
secs() { awk '{ printf "%.1f", $1 / 1000 }' "$out/$1.ms"; }

row() { printf '%-8s %8s %7s %7s  %s\n' "$@"; }
row module cells levels "time s" parameters
row ref_mul "$(cells ref_mul)" "$(levels ref_mul)" "$(secs ref_mul)" "$ref_params"
row sde_pe "$(cells sde_pe)" "$(levels sde_pe)" "$(secs sde_pe)" "$pe_params"
row sde "$(cells sde)" "$(levels sde)" "$(secs sde)" "$sde_params"

pe=$(levels sde_pe)
ref=$(levels ref_mul)
if [ -z "$pe" ] || [ -z "$ref" ]; then
	echo "synth: no ltp result in $out/sde_pe.log or $out/ref_mul.log"
	exit 1
fi
if [ "$pe" -gt $((ref + slack)) ]; then
	echo "synth: FAIL: sde_pe's longest path is $pe levels, more than the multiplier's $ref + $slack"
	exit 1
fi
echo "synth: ok: sde_pe's longest path is $pe levels, the multiplier's $ref (limit $ref + $slack)"
