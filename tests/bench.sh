#!/bin/sh
# bench.sh STASIM BUILDDIR - simulation speed on the shipped BERT-base trace.
#
# Runs the trace on the default 32x32 engine in timing mode (fast-forward and
# strict cycle-by-cycle stepping) and in functional mode, repeating short runs
# so that each measurement lasts at least a second. Writes BUILDDIR/bench.json
# and prints a table. Wall time is host time; everything else is simulated.
set -eu
. tests/sc-inputs.sh
bin=$1; out=$2
cfg=configs/sta-default.ini
trace=traces/bert-base-s128-2of4.trace.gz
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

now() { date +%s.%N; }
since() { awk -v a="$(now)" -v b="$1" 'BEGIN { print a - b }'; }	# seconds since $1
field() { report_total "$1" < "$2"; }
# row NAME MODE CYCLES WALL_S MACS REPEATS: one line of the results table
row() { printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >> "$tmp/rows"; }

# measure NAME MODE ARGS...: repeat until >= 1 s, report per-run figures
measure() {
	name=$1; mode=$2; shift 2
	"$bin" run -c $cfg -t $trace --format json "$@" > "$tmp/$name.json"
	cycles=$(field cycles "$tmp/$name.json")
	macs=$(field macs "$tmp/$name.json")
	reps=0; t0=$(now)
	while :; do
		"$bin" run -c $cfg -t $trace --format json "$@" > /dev/null
		reps=$((reps + 1))
		el=$(since "$t0")
		awk -v e="$el" 'BEGIN { exit !(e >= 1) }' && break
	done
	wall=$(awk -v e="$el" -v r="$reps" 'BEGIN { printf "%.9f", e / r }')
	row "$name" "$mode" "$cycles" "$wall" "$macs" "$reps"
}

: > "$tmp/rows"
measure bert-base-timing timing
measure bert-base-timing-strict timing --no-fast-forward
measure bert-base-functional functional --mode functional

# once NAME MODE PROGRAM ARGS...: one timed run of a program that writes a
# JSON report to stdout (runs long enough on their own)
once() {
	name=$1; mode=$2; shift 2
	t0=$(now)
	"$@" --format json > "$tmp/$name.json"
	el=$(since "$t0")
	row "$name" "$mode" "$(field cycles "$tmp/$name.json")" "$el" \
		"$(field macs "$tmp/$name.json")" 1
}

# The SystemC platform (docs/systemc.md) beside the native kernel: the same
# BERT-base run with every unit in C, then a DeiT-Tiny (32 tokens) run on
# the 8x8 array the engine RTL is built for, natively, in SystemC with the
# engine in C, and in SystemC with the engine (then the softmax unit too) as
# Verilated RTL; and M3ViT-Tiny's layer-1 MoE block on the same array,
# natively, all C, with the gate as RTL, and with every unit that has RTL
# (engine, softmax, gate) as RTL.
sc=$out/stasim-sc
if [ -x "$sc" ]; then
	once bert-base-systemc-all-c timing "$sc" -c $cfg -t $trace
	sc_traces "$bin" "$tmp"
	small=$tmp/deit32.trace.gz moe=$tmp/moe.trace
	sc_ini c c c > "$tmp/sc-c.ini"
	sc_ini rtl rtl rtl > "$tmp/sc-all.ini"
	sc_ini c c rtl > "$tmp/sc-gate.ini"
	once deit32-8x8-native-strict timing "$bin" run -c configs/sc-rtl.ini -t "$small" --no-fast-forward
	once deit32-8x8-systemc-all-c timing "$sc" -c "$tmp/sc-c.ini" -t "$small"
	once deit32-8x8-systemc-rtl-sde timing "$sc" -c configs/sc-rtl.ini -t "$small"
	once deit32-8x8-systemc-rtl-sde-smx timing "$sc" -c "$tmp/sc-all.ini" -t "$small"
	once moe-8x8-native-strict timing "$bin" run -c configs/sc-rtl.ini -t "$moe" --no-fast-forward
	once moe-8x8-systemc-all-c timing "$sc" -c "$tmp/sc-c.ini" -t "$moe"
	once moe-8x8-systemc-rtl-gate timing "$sc" -c "$tmp/sc-gate.ini" -t "$moe"
	once moe-8x8-systemc-rtl-all timing "$sc" -c "$tmp/sc-all.ini" -t "$moe"
fi

# Sweep throughput: the shipped 1,000-point ViT-B/16 sweep on 2 workers.
spec=configs/sweeps/bench-1000.ini
if [ -f "$spec" ]; then
	rm -f "$tmp/sweep.csv"
	t0=$(now)
	"$bin" sweep "$spec" -j 2 -o "$tmp/sweep.csv" 2>/dev/null
	el=$(since "$t0")
	pts=$(($(wc -l < "$tmp/sweep.csv") - 1))
	awk -v p="$pts" -v e="$el" 'BEGIN { printf "sweep: %d points of ViT-B/16 on 2 workers in %.1f s: %.1f points/s\n", p, e, p / e }' > "$tmp/sweep.txt"
fi

# The engine's RTL under Verilator, in lockstep with its C model (the
# co-simulation harness on the same command stream): RTL cycles per second.
cosim=$out/cosim/sde/sde_cosim
if [ -x "$cosim" ]; then
	t0=$(now)
	line=$("$cosim" --seed 1 --cmds 20000 --timing)
	el=$(since "$t0")
	cyc=$(echo "$line" | sed -n 's/^sde cosim: [A-Z]*: \([0-9]*\) cycles,.*/\1/p')
	row rtl-sde-verilator-lockstep rtl "$cyc" "$el" 0 1
fi

awk -F'\t' -v json="$out/bench.json" '
BEGIN { printf "[\n" > json }
{
	cps = $3 / $4; mps = $5 / $4
	printf "%s  { \"name\": \"%s\", \"mode\": \"%s\", \"sim_cycles\": %d, \"wall_s\": %.6f, \"cycles_per_s\": %.0f, \"macs_per_s\": %.0f, \"repeats\": %d }", (NR > 1 ? ",\n" : ""), $1, $2, $3, $4, cps, mps, $6 > json
	row[NR] = sprintf("%-30s %-10s %12d %10.4f %14.3e %14.3e", $1, $2, $3, $4, cps, mps)
}
END {
	printf "\n]\n" > json
	printf "%-30s %-10s %12s %10s %14s %14s\n", "run", "mode", "sim_cycles", "wall_s", "cycles/s", "MACs/s"
	for (i = 1; i <= NR; i++) print row[i]
}' "$tmp/rows"
[ -x "$cosim" ] || echo "rtl: build/cosim/sde/sde_cosim not built (make cosim-sde-quick builds it)"
[ -x "$sc" ] || echo "systemc: build/stasim-sc not built (make builds it)"
[ -f "$tmp/sweep.txt" ] && cat "$tmp/sweep.txt" | tee "$out/bench-sweep.txt"
echo "written: $out/bench.json"
