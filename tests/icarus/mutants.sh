#!/bin/sh
# mutants.sh OUTDIR - mutated RTL must be caught.
#
# Each mutant is one change to a copy of rtl/: an operator, a constant of the
# arithmetic, or a pipeline stage. The copy is compiled into the Icarus bench
# and replays the vectors the C model wrote for icarus-sde-quick and
# icarus-smx-quick (seed 1). A mutant passes the check only when it still
# compiles and the replay then fails (a MISMATCH or an RTL assertion);
# a mutant the replay accepts, or a mutation that no longer applies to the
# RTL as written, fails the check.
#
# Environment: IVERILOG, VVP, ICARUS_FLAGS (tb_sde), ICARUS_SMX_FLAGS
# (tb_smx), SDE_VEC and SMX_VEC_online / SMX_VEC_ita (vector directories),
# SDE_RTL and SMX_RTL (file lists).
set -u
out=$1
rm -rf "$out"; mkdir -p "$out"
fails=0; n=0

# mutant NAME BENCH FILE SED [ALGORITHM]
mutant() {
	name=$1; bench=$2; file=$3; expr=$4; algo=${5:-}
	d=$out/$name; n=$((n + 1))
	mkdir -p "$d/rtl"; cp rtl/*.v "$d/rtl/"
	sed "$expr" "$file" > "$d/$file"
	if cmp -s "$file" "$d/$file"; then
		echo "  FAIL $name: the mutation no longer applies to $file"
		fails=$((fails + 1)); return
	fi
	if [ "$bench" = sde ]; then
		rtlfiles=$(for f in $SDE_RTL; do printf '%s ' "$d/$f"; done)
		$IVERILOG $ICARUS_FLAGS -o "$d/tb.vvp" tests/icarus/tb_sde.v $rtlfiles \
			> "$d/build.log" 2>&1
		vec=$SDE_VEC
	else
		rtlfiles=$(for f in $SMX_RTL; do printf '%s ' "$d/$f"; done)
		$IVERILOG $ICARUS_SMX_FLAGS -Ptb_smx.ALGORITHM=$([ "$algo" = ita ] && echo 1 || echo 0) \
			-o "$d/tb.vvp" tests/icarus/tb_smx.v $rtlfiles > "$d/build.log" 2>&1
		eval vec=\$SMX_VEC_$algo
	fi
	if [ $? -ne 0 ] || [ ! -f "$d/tb.vvp" ]; then
		echo "  FAIL $name: the mutant does not compile ($d/build.log)"
		fails=$((fails + 1)); return
	fi
	$VVP -n "$d/tb.vvp" +stim="$vec/stim.txt" +expect="$vec/expect.txt" > "$d/vvp.log" 2>&1
	rc=$?
	if [ $rc -ne 0 ] || grep -q '^ERROR' "$d/vvp.log"; then
		echo "  ok   $name caught: $(grep -m1 -E 'MISMATCH|ERROR' "$d/vvp.log" | cut -c1-120)"
	else
		echo "  FAIL $name: the mutant passed the replay ($d/vvp.log)"
		fails=$((fails + 1))
	fi
}

echo "-- MUTANTS: mutated RTL must fail the replay --"
# the engine: its PE pipeline, its edges, its drain path and its controller
mutant pe-mul-neg sde rtl/sde_pe.v 's/p2\[gm\*PW +: PW\] <= a_j \* w_j;/p2[gm*PW +: PW] <= -(a_j * w_j);/'
mutant pe-tree-sub sde rtl/sde_pe.v 's/<= lv\[((gl-1)\*N_MAX + 2\*i)\*TW +: TW\] +$/<= lv[((gl-1)*N_MAX + 2*i)*TW +: TW] -/'
mutant pe-acc-or sde rtl/sde_pe.v "s/(first ? 32'd0 : acc) + sum/(first ? 32'd0 : acc) | sum/"
mutant pe-shadow-on-first sde rtl/sde_pe.v 's/if (ctl4\[L\])/if (ctl4[F])/'
mutant sde-pipe-stage sde rtl/sde.v 's/localparam integer PIPE = 3 + \$clog2(N_MAX);/localparam integer PIPE = 4 + $clog2(N_MAX);/'
mutant sde-row-skew sde rtl/sde.v 's/assign a_bus\[gr\*(COLS+1)\] = a_sk\[gr\*WA +: WA\];/assign a_bus[gr*(COLS+1)] = a_sk[0 +: WA];/'
mutant sde-col-skew sde rtl/sde.v 's/assign w_bus\[gc\] = w_sk\[gc\*NW +: NW\];/assign w_bus[gc] = w_sk[0 +: NW];/'
mutant sde-deskew sde rtl/sde.v 's/localparam integer DEPTH = COLS - gc;/localparam integer DEPTH = COLS - gc + 1;/'
mutant sde-read-acc sde rtl/sde.v 's/acc_db ? col_shadow\[row\*32 +: 32\] : col_acc\[row\*32 +: 32\]/acc_db ? col_acc[row*32 +: 32] : col_shadow[row*32 +: 32]/'
mutant sde-lgap sde rtl/sde.v "s/{{(32-CPR_BITS){1'b0}}, cpr} - 1;/{{(32-CPR_BITS){1'b0}}, cpr} - 2;/"
mutant sde-fgap sde rtl/sde.v "s/first_ok = !head\[C_FLAGS + FIRST\] || acc_db || fgap_left == {GB{1'b0}};/first_ok = 1'b1;/"
mutant sde-flight-cap sde rtl/sde.v 's/n_fl1 < FLIGHT\[3:0\]);/n_fl1 <= FLIGHT[3:0]);/'
mutant smx-div-shift smx rtl/smx_online.v "s/pr = (pr + (49'd1 << 39)) >> 40;/pr = (pr + (49'd1 << 39)) >> 39;/" online
mutant smx-exp-stage smx rtl/smx.v 's/for (k = EXP_LATENCY - 1; k > 0; k = k - 1)/for (k = EXP_LATENCY - 1; k > 1; k = k - 1)/' online
mutant ita-one-shr smx rtl/smx_ita.v "s/(9'd256 >> s\[3:0\])/(9'd128 >> s[3:0])/" ita
mutant ita-eps32-round smx rtl/smx_ita.v "s/shift = e32 ? (d + 14'd16) >> 5 : d;/shift = e32 ? (d + 14'd15) >> 5 : d;/" ita
echo "mutants: $((n - fails)) of $n caught"
[ $fails -eq 0 ]
