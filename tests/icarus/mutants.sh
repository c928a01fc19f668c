#!/bin/sh
# mutants.sh OUTDIR [fast|all] - mutated RTL must be caught.
#
# Each mutant is one change to a copy of rtl/ (OUTDIR/NAME/rtl, .vh files
# included): an operator, an off-by-one, a dropped pipeline register,
# swapped operands, a rounding constant, a stuck handshake or a reset
# value. The copy then meets the checks listed with the mutant, in order,
# until one fails on it:
#   iv:sde, iv:online, iv:ita  the Icarus replay (tb_sde.v, tb_smx.v of that
#                              ALGORITHM) of the vectors the C model wrote
#                              for icarus-sde-quick / icarus-smx-quick (seed 1)
#   vl:UNIT                    the unit's Verilator harness built on the copy
#                              (cosim.mk, COSIM_RTL_DIR) and run on the seeds
#                              of cosim-UNIT-quick (fu, sde, smx, vec, gate)
# A mutant is caught when a check fails on it: a replay exits non-zero or
# prints an RTL assertion ("ERROR"), a harness exits neither 0 nor 2. A
# mutant that passes every check, no longer applies to the RTL as written or
# does not compile is not caught.
#
# fast (make test's icarus-mutants): the mutants marked fast, all of them
# Icarus-caught, every one must be caught. all (make mutants): every
# mutant, at least MUTANTS_MIN percent (default 95) caught. Last line:
# "mutants: K of N caught (P %) in S s".
#
# Environment: IVERILOG, VVP, ICARUS_FLAGS (tb_sde), ICARUS_SMX_FLAGS
# (tb_smx), SDE_VEC and SMX_VEC_online / SMX_VEC_ita (vector directories),
# SDE_RTL and SMX_RTL (file lists, relative to the source tree); for vl:
# checks MAKE and BUILD (the sub-make that builds a harness on the copy,
# its libstasim.a taken as built).
set -u
out=$1
set_=${2:-fast}
min=${MUTANTS_MIN:-95}
[ "$set_" = fast ] && min=100
root=$(pwd)
rm -rf "$out"; mkdir -p "$out"
out=$(cd "$out" && pwd)
n=0; caught=0; t0=$(date +%s)

# iv_check BENCH DIR: the Icarus replay of BENCH (sde, online, ita) on the
# copy in DIR; 0 when it fails on it, 1 when it passes, 2 when the copy
# does not compile. Includes ("rtl/...") resolve in DIR (Icarus searches the
# working directory first), the bench's own in the source tree (-I).
iv_check() {
	bench=$1; d=$2
	case $bench in
	sde)	files=$SDE_RTL; tb=tb_sde.v; flags=$ICARUS_FLAGS; vec=$SDE_VEC ;;
	online)	files=$SMX_RTL; tb=tb_smx.v; vec=$SMX_VEC_online
		flags="$ICARUS_SMX_FLAGS -Ptb_smx.ALGORITHM=0" ;;
	*)	files=$SMX_RTL; tb=tb_smx.v; vec=$SMX_VEC_ita
		flags="$ICARUS_SMX_FLAGS -Ptb_smx.ALGORITHM=1" ;;
	esac
	# shellcheck disable=SC2086
	(cd "$d" && $IVERILOG $flags -I"$root" -o "iv-$bench.vvp" \
		"$root/tests/icarus/$tb" $files) > "$d/iv-$bench-build.log" 2>&1 || return 2
	$VVP -n "$d/iv-$bench.vvp" +stim="$vec/stim.txt" +expect="$vec/expect.txt" \
		> "$d/iv-$bench.log" 2>&1
	rc=$?
	why=$(grep -m1 -E 'MISMATCH|ERROR' "$d/iv-$bench.log" | sed 's/^FATAL: [^ ]*: //' | cut -c1-110)
	[ $rc -ne 0 ] || [ -n "$why" ]
	return $?
}

# The runs of cosim-UNIT-quick's seed loops, one a line.
vl_runs() {
	case $1 in
	fu)	for s in 1 2 3 4; do echo "--seed $s --cmds 3000"; done ;;
	sde)	for s in 1 2 3 4; do echo "--seed $s --cmds 2000"; done ;;
	vec)	for s in 1 2 3 4; do echo "--seed $s --tiles 400"; done ;;
	gate)	for s in 1 2 3 4; do echo "--seed $s --tiles 1000"; done ;;
	smx)	for a in online ita; do for s in 1 2 3 4; do
			echo "--algo $a --seed $s --tiles 400"; done; done
		echo "--algo ita --seed 4 --tiles 16 --max-rows 2 --max-n 4096"
		for s in 1 2 3 4; do echo "--fused 20 --seed $s"; done ;;
	esac
}

# vl_check UNIT DIR: the unit's Verilator harness built on the copy in DIR
# and run; 0 when a run fails, 1 when all pass, 2 when it does not build.
vl_check() {
	unit=$1; d=$2; bin=$d/cosim/$unit/${unit}_cosim
	$MAKE --no-print-directory -s -o "$BUILD/libstasim.a" BUILD="$BUILD" \
		COSIM_BUILD="$d/cosim" COSIM_RTL_DIR="$d/rtl" \
		COSIM_MUTANT_VFLAGS=-Wno-fatal "$bin" > "$d/vl-$unit-build.log" 2>&1 || return 2
	vl_runs "$unit" > "$d/vl-$unit.runs"
	while read -r args; do
		# shellcheck disable=SC2086
		timeout 600 "$bin" $args > "$d/vl-$unit.log" 2>&1
		rc=$?
		if [ $rc -ne 0 ] && [ $rc -ne 2 ]; then
			why="$args: $(grep -m1 -E 'FAIL at|Error|ERROR|Assert' "$d/vl-$unit.log" | cut -c1-100)"
			return 0
		fi
	done < "$d/vl-$unit.runs"
	return 1
}

# mutant SET NAME FILE SED CHECK...: SET fast or all (fast ones run in both)
mutant() {
	mset=$1; name=$2; file=$3; expr=$4; shift 4
	[ "$set_" = all ] || [ "$mset" = fast ] || return 0
	d=$out/$name; n=$((n + 1))
	mkdir -p "$d"; cp -r rtl "$d/"
	sed "$expr" "$file" > "$d/$file"
	if cmp -s "$file" "$d/$file"; then
		echo "  FAIL $name: the mutation no longer applies to $file"
		return
	fi
	for chk in "$@"; do
		why=
		case $chk in
		iv:*) iv_check "${chk#iv:}" "$d" ;;
		vl:*) vl_check "${chk#vl:}" "$d" ;;
		esac
		case $? in
		0)	echo "  ok   $name caught by $chk: $why"
			caught=$((caught + 1)); rm -rf "$d/cosim"; return ;;
		2)	echo "  FAIL $name: does not compile for $chk (logs in $d)"
			return ;;
		esac
	done
	rm -rf "$d/cosim"
	echo "  FAIL $name: passed $* ($d)"
}

echo "-- MUTANTS ($set_): mutated RTL must fail a replay or a co-simulation --"
# the engine: its PE pipeline, its edges, its drain path and its controller
mutant fast pe-mul-neg rtl/sde_pe.v 's/p2\[gm\*PW +: PW\] <= a_j \* w_j;/p2[gm*PW +: PW] <= -(a_j * w_j);/' iv:sde vl:sde
mutant fast pe-tree-sub rtl/sde_pe.v 's/<= lv\[((gl-1)\*N_MAX + 2\*i)\*TW +: TW\] +$/<= lv[((gl-1)*N_MAX + 2*i)*TW +: TW] -/' iv:sde vl:sde
mutant fast pe-acc-or rtl/sde_pe.v "s/(first ? 32'd0 : acc) + sum/(first ? 32'd0 : acc) | sum/" iv:sde vl:sde
mutant fast pe-shadow-on-first rtl/sde_pe.v 's/if (ctl4\[L\])/if (ctl4[F])/' iv:sde vl:sde
mutant fast sde-pipe-stage rtl/sde.v 's/localparam integer PIPE = 3 + \$clog2(N_MAX);/localparam integer PIPE = 4 + $clog2(N_MAX);/' iv:sde vl:sde
mutant fast sde-row-skew rtl/sde.v 's/assign a_bus\[gr\*(COLS+1)\] = a_sk\[gr\*WA +: WA\];/assign a_bus[gr*(COLS+1)] = a_sk[0 +: WA];/' iv:sde vl:sde
mutant fast sde-col-skew rtl/sde.v 's/assign w_bus\[gc\] = w_sk\[gc\*NW +: NW\];/assign w_bus[gc] = w_sk[0 +: NW];/' iv:sde vl:sde
mutant fast sde-deskew rtl/sde.v 's/localparam integer DEPTH = COLS - gc;/localparam integer DEPTH = COLS - gc + 1;/' iv:sde vl:sde
mutant fast sde-read-acc rtl/sde.v 's/acc_db ? col_shadow\[row\*32 +: 32\] : col_acc\[row\*32 +: 32\]/acc_db ? col_acc[row*32 +: 32] : col_shadow[row*32 +: 32]/' iv:sde vl:sde
mutant fast sde-lgap rtl/sde.v "s/{{(32-CPR_BITS){1'b0}}, cpr} - 1;/{{(32-CPR_BITS){1'b0}}, cpr} - 2;/" iv:sde vl:sde
mutant fast sde-fgap rtl/sde.v "s/first_ok = !head\[C_FLAGS + FIRST\] || acc_db || fgap_left == {GB{1'b0}};/first_ok = 1'b1;/" iv:sde vl:sde
mutant fast sde-flight-cap rtl/sde.v 's/n_fl1 < FLIGHT\[3:0\]);/n_fl1 <= FLIGHT[3:0]);/' iv:sde vl:sde
# the softmax unit: its sequencer, both data paths, the shared divider
mutant fast smx-div-shift rtl/smx_online.v "s/pr = (pr + (49'd1 << 39)) >> 40;/pr = (pr + (49'd1 << 39)) >> 39;/" iv:online vl:smx
mutant fast smx-exp-stage rtl/smx.v 's/for (k = EXP_LATENCY - 1; k > 0; k = k - 1)/for (k = EXP_LATENCY - 1; k > 1; k = k - 1)/' iv:online vl:smx
mutant fast ita-one-shr rtl/smx_ita.v "s/(9'd256 >> s\[3:0\])/(9'd128 >> s[3:0])/" iv:ita vl:smx
mutant fast ita-eps32-round rtl/smx_ita.v "s/shift = e32 ? (d + 14'd16) >> 5 : d;/shift = e32 ? (d + 14'd15) >> 5 : d;/" iv:ita vl:smx
# the two the probabilities hide (issue 17): a running sum and a reciprocal
# one LSB off, caught on the debug ports
mutant fast online-rescale-round rtl/smx_online.v "s/41'((pr + 64'd8388608) >> 24)/41'((pr + 64'd8388607) >> 24)/" iv:online vl:smx
mutant fast div-restore-gt rtl/smx_div.vh "s/if (rm >= {1'b0, d}) begin/if (rm > {1'b0, d}) begin/" iv:online iv:ita vl:smx
mutant all online-add-swap rtl/smx_online.v "s/s0 + {16'd0, exp_q24(8'(b0 - x), fq)}/s0 + {16'd0, exp_q24(8'(x - b0), fq)}/" iv:online vl:smx
mutant all online-load-reg rtl/smx_online.v 's/dv_s_n = load ? acc_s_n : dv_s;/dv_s_n = load ? acc_s : dv_s;/' iv:online vl:smx
mutant all online-prob-round rtl/smx_online.v "s/pr = (pr + (49'd1 << 39)) >> 40;/pr = (pr + (49'd1 << 38)) >> 40;/" iv:online vl:smx
mutant all ita-acc-wrap rtl/smx_ita.v "s/acc_n = sum\[ACCB\] ? {ACCB{1'b1}} : sum\[ACCB-1:0\];/acc_n = sum[ACCB-1:0];/" iv:ita vl:smx
mutant all smx-window-short rtl/smx.v 's/c_i : LAT;$/c_i : LAT - 1;/' iv:online iv:ita vl:smx
mutant all smx-last-row rtl/smx.v 's/if ({{(32-RIB){1'"'"'b0}}, rowc} + 1 < rows_i) begin/if ({{(32-RIB){1'"'"'b0}}, rowc} + 2 < rows_i) begin/' iv:online iv:ita vl:smx
mutant all smx-rst-x-rd rtl/smx.v "s/			x_rd <= 1'b0;/			x_rd <= 1'b1;/" iv:online iv:ita vl:smx
# the shared controller (rtl/fu.v): its own harness issues 0 and 1 kcycles
mutant all fu-rd-op-cur rtl/fu.v 's/rd_done_op_n = cur_n\[C_OP +: OP_BITS\];/rd_done_op_n = cur[C_OP +: OP_BITS];/' vl:fu
mutant all fu-kc0-two rtl/fu.v "s/{{(KC_BITS-1){1'b0}}, 1'b1} : head\[C_KC +: KC_BITS\];/{{(KC_BITS-2){1'b0}}, 2'b10} : head[C_KC +: KC_BITS];/" vl:fu
mutant all fu-ready-stuck rtl/fu.v "s/cmd_ready_n = f_len_n < 2'd2;/cmd_ready_n = 1'b1;/" vl:fu iv:online
mutant all fu-rst-ready rtl/fu.v "s/			cmd_ready <= 1'b1;/			cmd_ready <= 1'b0;/" vl:fu iv:online
mutant all fu-fifo-slot rtl/fu.v 's/if (f_head_n ^ f_len_n\[0\])/if (f_head_n)/' vl:fu iv:online
# the vector unit (no Icarus bench)
mutant all vec-pipe-stage rtl/vec.v 's/for (k = LATENCY - 1; k > 0; k = k - 1)/for (k = LATENCY - 1; k > 1; k = k - 1)/' vl:vec
mutant all vec-round rtl/vec.v "s/y = (v + (64'sd1 <<< (w - 5'd1))) >>> w;/y = (v + (64'sd1 <<< (w - 5'd2))) >>> w;/" vl:vec
mutant all vec-abs-swap rtl/vec.v "s/ax = xb\[7\] ? 8'd0 - xb : xb;/ax = xb[7] ? xb : 8'd0 - xb;/" vl:vec
mutant all vec-last-stuck rtl/vec.v "s/x_last_n = left_c == {{(BB-1){1'b0}}, 1'b1};/x_last_n = left_c == {BB{1'b0}};/" vl:vec
mutant all vec-rst-left rtl/vec.v "s/			rd_left <= {BB{1'b0}};/			rd_left <= {{(BB-1){1'b0}}, 1'b1};/" vl:vec
# the MoE gate unit (no Icarus bench)
mutant all gate-requant-round rtl/gate.v "s/rq = (rq + (33'sd1 <<< (sh2_i - 1))) >>> sh2_i;/rq = (rq + (33'sd0 <<< (sh2_i - 1))) >>> sh2_i;/" vl:gate
mutant all gate-requant-sat rtl/gate.v "s/(rq > 33'sd127) ? 8'h7f/(rq > 33'sd127) ? 8'h7e/" vl:gate
mutant all gate-logit-first rtl/gate.v "s/(first ? 32'd0 : lg1\[ge\*32 +: 32\])/lg1[ge*32 +: 32]/" vl:gate
mutant all gate-topk-ge rtl/gate.v 's/v3 > \$signed(best_n\[i3\*32 +: 32\])/v3 >= $signed(best_n[i3*32 +: 32])/' vl:gate
mutant all gate-exp-stage rtl/gate.v 's/for (i2 = EXP_LATENCY - 1; i2 > 0; i2 = i2 - 1)/for (i2 = EXP_LATENCY - 1; i2 > 1; i2 = i2 - 1)/' vl:gate

secs=$(($(date +%s) - t0))
pct=$((n ? caught * 100 / n : 0))
echo "mutants: $caught of $n caught ($pct %) in $secs s"
[ $n -gt 0 ] && [ $((caught * 100)) -ge $((min * n)) ]
