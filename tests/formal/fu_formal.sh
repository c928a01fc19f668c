#!/bin/sh
# fu_formal.sh OUTDIR [FU_V] - prove the shared controller's handshake
# (tests/formal/fu_props.sv) on FU_V (default rtl/fu.v) with yosys and
# yosys-smtbmc + z3, no SymbiYosys. Four runs, in order, each stopping
# the proof on failure:
#
#   bmc    bounded model check, FORMAL_DEPTH steps, of the properties on
#          fu.v's ports alone (black box)
#   base   the same with the lemmas on fu.v's registers (FU_PROPS_WHITEBOX),
#          FORMAL_IND steps: the base case of the induction
#   ind    k-induction (yosys-smtbmc -i), up to FORMAL_IND steps, with the
#          lemmas: every property holds in every reachable state
#   cover  non-vacuity: a trace of FORMAL_DEPTH steps or fewer in which 4
#          commands complete (one of 0 kcycles) and one meets a full FIFO
#
# Prints one line, "formal: fu.v handshake: PASS (BMC depth N, induction)",
# or FAIL with the run, the failed assertions and the counterexample VCD;
# exits 1 on FAIL. OUTDIR gets the yosys scripts and logs, the smt2 models
# (STAGE.smt2) and solver logs (STAGE.log).
#
# Environment (tests/formal/formal.mk sets them): YOSYS, SMTBMC, FORMAL_SOLVER
# (z3), FORMAL_DEPTH (12), FORMAL_IND (4), FORMAL_FU_PARAMS (NAME=VALUE
# words, fu.v's parameters; default its own defaults).
set -u
out=${1:?usage: sh tests/formal/fu_formal.sh OUTDIR [FU_V]}
fu_v=${2:-rtl/fu.v}
YOSYS=${YOSYS:-yosys}
SMTBMC=${SMTBMC:-yosys-smtbmc}
solver=${FORMAL_SOLVER:-z3}
depth=${FORMAL_DEPTH:-12}
ind=${FORMAL_IND:-4}
params=${FORMAL_FU_PARAMS:-CMD_W=64 KC_BITS=24 OP_BITS=32 C_FLAGS=0 C_OP=5 C_KC=37}
props=tests/formal/fu_props.sv
mkdir -p "$out" || exit 1
rm -f "$out"/*.smt2 "$out"/*.log "$out"/*.vcd

chparam=""
for w in $params; do chparam="$chparam -set ${w%%=*} ${w#*=}"; done

# model NAME DEFINE [CONNECT]: OUTDIR/NAME.smt2 from fu.v and the wrapper.
# fu.v is read as for synthesis (-D SYNTHESIS skips its simulation-only
# assertion, whose `else $error` yosys 0.23 does not parse). CONNECT drives
# the wrapper's lemma wires from the flattened instance's registers.
model() {
	{
		echo "read_verilog -D SYNTHESIS $fu_v"
		echo "read_verilog -formal -sv -D $2 $props"
		echo "chparam$chparam fu_props"
		echo "prep -flatten -top fu_props"
		if [ -n "${3-}" ]; then
			for r in fifo0 fifo1 f_head f_len left; do
				echo "connect -set wb_$r dut.$r"
			done
		fi
		echo "memory_map"
		echo "opt_clean"
		echo "async2sync"
		echo "chformal -assume -early"
		echo "setundef -anyseq"
		echo "opt -keepdc -fast"
		echo "dffunmap"
		echo "check -assert"
		echo "write_smt2 -wires $out/$1.smt2"
	} >"$out/$1.ys"
	if ! "$YOSYS" -q -l "$out/$1.yosys.log" "$out/$1.ys" >/dev/null 2>&1; then
		echo "formal: fu.v handshake: FAIL (yosys on $fu_v, model $1: see $out/$1.yosys.log)"
		grep -m 3 'ERROR' "$out/$1.yosys.log"
		exit 1
	fi
}

# check NAME SMT2 ARGS...: one yosys-smtbmc run; on failure print the
# failed assertions and the trace and exit 1. z3 4.8 hangs parsing the
# state-function encoding of fu.v's next-state logic: --unroll has
# yosys-smtbmc expand it; --noincr with QF_BV has z3 bit-blast each query,
# 3x faster here than its incremental solver.
check() {
	name=$1 smt2=$2
	shift 2
	if ! "$SMTBMC" -s "$solver" --unroll --noincr --logic QF_BV --noprogress \
		"$@" "$out/$smt2.smt2" >"$out/$name.log" 2>&1 ||
	   ! grep -q 'Status: PASSED' "$out/$name.log"; then
		vcd=""
		[ -f "$out/$name.vcd" ] && vcd=", counterexample $out/$name.vcd"
		echo "formal: fu.v handshake: FAIL ($name$vcd; log $out/$name.log)"
		# each failed assertion as its source line; yosys spans it from
		# the end of the statement before (L.C-L.C): the end is its own
		lines=$(grep -o 'Assert failed in .*fu_props.sv:[0-9.]*-[0-9]*' "$out/$name.log" |
			sed 's/.*-//' | sort -un)
		for l in $lines; do
			echo "  failed: fu_props.sv:$l: $(sed -n "${l}s/^[[:space:]]*//p" "$props")"
		done
		[ -n "$lines" ] || grep -E 'Unexpected|Error|error' "$out/$name.log" | sed 's/^/  /' | head -n 4
		exit 1
	fi
}

t0=$(date +%s)
model bb FORMAL
model wb FU_PROPS_WHITEBOX connect
model cv FU_PROPS_COVER
check bmc bb -t "$depth" --dump-vcd "$out/bmc.vcd"
check base wb -t "$ind" --dump-vcd "$out/base.vcd"
check ind wb -i -t "$ind" --dump-vcd "$out/ind.vcd"
check cover cv -c -t "$depth" --dump-vcd "$out/cover.vcd"
if ! grep -q 'Reached cover statement' "$out/cover.log"; then
	echo "formal: fu.v handshake: FAIL (cover: no trace of 4 completed commands in $depth steps; log $out/cover.log)"
	exit 1
fi
step=$(sed -n 's/.*Reached cover statement.* in step \([0-9]*\).*/\1/p' "$out/cover.log" | head -n 1)
t1=$(date +%s)
echo "formal: fu.v handshake: PASS (BMC depth $depth, induction) in $((t1 - t0)) s;" \
	"4 commands complete by step $step; $solver; $params"
