#!/bin/sh
# systemc.sh BUILD SCBUILD - the SystemC platform against the native kernel
# (docs/systemc.md). Part of `make test` (make sc-test).
#
# 1. All units in C: stasim-sc's report equals stasim run's byte for byte,
#    on the small shipped traces x both shipped configs x both modes, in
#    JSON (every figure, MoE figures included) and in CSV.
# 2. The engine as Verilated RTL (configs/sc-rtl.ini): equal to stasim run on
#    the same config, on a small trace of every op kind (attention, GELU,
#    LayerNorm, MoE); functional, it is fed the real operand beats and
#    written-back rows are checked (STASIM_SC_STATS counts them).
#    The softmax unit as Verilated RTL too (softmax = rtl, both modes), and
#    with the engine in C: equal to stasim run on a small attention trace,
#    fused (drain beats in, A.V's operand fetches checked against smx_row:
#    STASIM_SC_STATS counts both) and not fused (rows read twice).
#    The gate unit as Verilated RTL (gate = rtl) on the MoE layer, both
#    modes, alone and with the engine and softmax in RTL as well; every
#    token's winners and scores checked (STASIM_SC_STATS counts them).
# 3. A fault injected into the RTL engine's output is reported: exit 1 and a
#    message naming the cycle, the unit and the port.
# 4. Bad input: exit 2 with a message, no report (softmax = rtl fused with
#    ita or for another softmax unit, gate = rtl with logits on the engine or for
#    another gate unit).
# 5. --vcd writes a VCD holding the unit ports, every clock edge at a
#    timestamp of its own, while stdout holds the report alone (one JSON
#    document, equal to stasim run's).
# 6. The command line is run's: --help lists run's options and stasim-sc's,
#    --opt=value equals --opt value, and a bad -o fails before simulating.
# 7. The example platform cut from docs/systemc.md runs, and its latency
#    with its own memory model equals stasim run's on a config whose DRAM
#    has that memory's timing.
set -eu
. tests/sc-inputs.sh
build=$1; scb=$2
run=$build/stasim; sc=$build/stasim-sc
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0; n=0

ok() { n=$((n + 1)); echo "  ok   $1"; }
bad() { n=$((n + 1)); fails=$((fails + 1)); echo "  FAIL $1"; }

# sc_stats CONFIG TRACE: a functional stasim-sc run with STASIM_SC_STATS=1;
# its stderr, the RTL units' counts, in $tmp/stats
sc_stats() {
	STASIM_SC_STATS=1 "$sc" -c "$1" -t "$2" --mode functional --format json \
		> /dev/null 2> "$tmp/stats" || true
}

# same NAME CONFIG TRACE ARGS...: both programs, reports compared
same() {
	name=$1; cfg=$2; trace=$3; shift 3
	if ! "$run" run -c "$cfg" -t "$trace" "$@" > "$tmp/native" 2> "$tmp/native.err"; then
		bad "$name: stasim run failed: $(head -n 1 "$tmp/native.err")"
		return
	fi
	if ! "$sc" -c "$cfg" -t "$trace" "$@" > "$tmp/sc" 2> "$tmp/sc.err"; then
		bad "$name: stasim-sc failed: $(head -n 1 "$tmp/sc.err")"
		return
	fi
	if cmp -s "$tmp/native" "$tmp/sc" && [ ! -s "$tmp/sc.err" ]; then
		ok "$name"
	else
		bad "$name: reports differ"
		diff "$tmp/native" "$tmp/sc" | head -n 5
	fi
}

echo "-- SystemC platform: stasim-sc vs stasim run --"
for t in deit-tiny-2of4 m3vit-tiny-2of4; do
	for c in sta-default edge-small; do
		for m in timing functional; do
			same "$t $c $m json" configs/$c.ini traces/$t.trace.gz \
				--mode $m --format json
		done
		same "$t $c csv" configs/$c.ini traces/$t.trace.gz --format csv
	done
done

# A small layer of each kind for the 8x8 RTL engine: attention (Q.K^T,
# softmax, A.V fused), FFN with GELU, LayerNorm, and an M3ViT MoE layer.
sc_traces "$run" "$tmp"
zcat "$tmp/deit32.trace.gz" | grep -E '^(stasim-trace|#)|name=l0\.' > "$tmp/l0.trace"
same "rtl engine deit-tiny seq 32 timing" configs/sc-rtl.ini "$tmp/deit32.trace.gz" --format json
same "rtl engine deit-tiny seq 32 functional" configs/sc-rtl.ini "$tmp/deit32.trace.gz" \
	--format json --mode functional
same "rtl engine m3vit-tiny MoE layer" configs/sc-rtl.ini "$tmp/moe.trace" --format json

# Functional, the engine RTL computes on the real operand beats and every
# row it writes back is checked: some must have been.
sc_stats configs/sc-rtl.ini "$tmp/deit32.trace.gz"
rows=$(sed -n 's/^stasim-sc: engine RTL: [0-9]* operand beats fed, \([0-9]*\) rows checked$/\1/p' \
	"$tmp/stats")
if [ "${rows:-0}" -gt 0 ]; then
	ok "rtl engine functional: $(sed 's/^stasim-sc: engine RTL: //' "$tmp/stats")"
else
	bad "rtl engine functional: no written-back row checked: $(head -n 1 "$tmp/stats")"
fi

# The softmax unit as rtl/smx.v: with the engine RTL, and alone.
sc_ini rtl rtl c > "$tmp/both-rtl.ini"
sc_ini c rtl c > "$tmp/smx-only.ini"
same "rtl engine + softmax deit-tiny seq 32 timing" "$tmp/both-rtl.ini" "$tmp/deit32.trace.gz" \
	--format json
same "rtl engine + softmax deit-tiny seq 32 functional" "$tmp/both-rtl.ini" \
	"$tmp/deit32.trace.gz" --format json --mode functional
same "rtl softmax deit-tiny seq 32 functional" "$tmp/smx-only.ini" "$tmp/deit32.trace.gz" \
	--format json --mode functional
sed 's/^fused = true/fused = false/' "$tmp/both-rtl.ini" > "$tmp/two-pass.ini"
sed 's/^fused = true/fused = false/' "$tmp/smx-only.ini" > "$tmp/two-pass-smx.ini"
same "rtl engine + softmax not fused deit-tiny seq 32 functional" "$tmp/two-pass.ini" \
	"$tmp/deit32.trace.gz" --format json --mode functional
same "rtl softmax not fused deit-tiny seq 32 timing" "$tmp/two-pass-smx.ini" \
	"$tmp/deit32.trace.gz" --format json

# Fused, every score of every head's Q.K^T drains into the unit (one beat a
# row per 8-column array tile: 16 lanes) and every A.V k-step fetches its
# rows x klen probabilities 16 a cycle; all of them are checked.
zcat "$tmp/deit32.trace.gz" | awk '
	function get(k,   i, kv) { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) return kv[2] } return 1 }
	$1 == "softmax" { h = get("heads"); m = get("m"); n = get("n"); sm = 1
		d += h * m * int((n + 7) / 8); next }
	# A.V: every 8x8 output tile fetches its 8 rows x n probabilities
	$1 == "matmul" && sm { a += h * int((m + 7) / 8) * int((get("n") + 7) / 8) * int((8 * n + 15) / 16) }
	{ sm = 0 }
	END { print d, a }' > "$tmp/want"
sc_stats "$tmp/smx-only.ini" "$tmp/deit32.trace.gz"
got=$(sed -n 's/^stasim-sc: softmax RTL: [0-9]* probability beats checked, \([0-9]*\) drain beats taken, \([0-9]*\) fetched beats checked$/\1 \2/p' \
	"$tmp/stats")
if [ -n "$got" ] && [ "$got" = "$(cat "$tmp/want")" ]; then
	ok "rtl softmax fused functional: $(sed -n 's/^stasim-sc: softmax RTL: //p' "$tmp/stats")"
else
	bad "rtl softmax fused functional: drain and fetched beats '$got', want '$(cat "$tmp/want")': $(head -n 1 "$tmp/stats")"
fi

# The gate unit as rtl/gate.v: alone, and with every unit that has RTL.
sc_ini c c rtl > "$tmp/gate-only.ini"
sc_ini rtl rtl rtl > "$tmp/all-rtl.ini"
same "rtl gate m3vit-tiny MoE layer timing" "$tmp/gate-only.ini" "$tmp/moe.trace" --format json
same "rtl gate m3vit-tiny MoE layer functional" "$tmp/gate-only.ini" "$tmp/moe.trace" \
	--format json --mode functional
same "rtl engine + softmax + gate m3vit-tiny MoE layer functional" "$tmp/all-rtl.ini" \
	"$tmp/moe.trace" --format json --mode functional
sc_stats "$tmp/gate-only.ini" "$tmp/moe.trace"
toks=$(sed -n 's/^stasim-sc: gate RTL: [0-9]* operand beats fed, \([0-9]*\) tokens checked$/\1/p' \
	"$tmp/stats")
want=$(sed -n 's/.*name=l1\.gate m=\([0-9]*\) .*/\1/p' "$tmp/moe.trace")
if [ "${toks:-0}" -eq "$want" ]; then
	ok "rtl gate functional: $(sed -n 's/^stasim-sc: gate RTL: //p' "$tmp/stats")"
else
	bad "rtl gate functional: ${toks:-no} tokens checked, want $want: $(head -n 1 "$tmp/stats")"
fi

# An injected fault must stop the run as a check failure naming it.
rc=0
"$sc" -c configs/sc-rtl.ini -t "$tmp/deit32.trace.gz" --inject-flip 20000 \
	> "$tmp/out" 2> "$tmp/err" || rc=$?
# the flip lands on the outputs of the first cycle >= 20000 that the
# scheduler reads, which the message names as the cycle they come after
if [ $rc -eq 1 ] && grep -Eq "after cycle (19999|2000[0-9]), port active" "$tmp/err"; then
	ok "injected RTL fault reported: $(cat "$tmp/err")"
else
	bad "injected RTL fault: exit $rc, $(cat "$tmp/err")"
fi

# expect_2 NAME ARGS...: exit 2, one message, nothing on stdout
expect_2() {
	name=$1; shift
	rc=0
	"$sc" "$@" > "$tmp/out" 2> "$tmp/err" || rc=$?
	if [ $rc -eq 2 ] && [ ! -s "$tmp/out" ] && [ -s "$tmp/err" ]; then
		ok "$name: $(head -n 1 "$tmp/err")"
	else
		bad "$name: exit $rc"
	fi
}
sc_ini rtl c c | sed 's/^rows = 8/rows = 16/' > "$tmp/wrong-array.ini"
sed "s|^table = energy|table = $(pwd)/configs/energy|" configs/sta-default.ini \
	> "$tmp/smx-rtl.ini"
printf '\n[systemc]\nsoftmax = rtl\n[softmax]\nalgorithm = ita\nfused = true\n' >> "$tmp/smx-rtl.ini"
sed 's/^recip_latency = 8/recip_latency = 9/' "$tmp/both-rtl.ini" > "$tmp/smx-other.ini"
{ cat "$tmp/all-rtl.ini"; printf '\n[gate]\ngemv_width = 0\n'; } > "$tmp/gate-rtl.ini"
{ cat "$tmp/all-rtl.ini"; printf '\n[gate]\nsorters = 2\n'; } > "$tmp/gate-other.ini"
printf '[systemc]\nengine = vhdl\n' > "$tmp/bad-impl.ini"
expect_2 "no config" -t traces/deit-tiny-2of4.trace.gz
expect_2 "RTL built for another array" -c "$tmp/wrong-array.ini" -t "$tmp/deit32.trace.gz"
expect_2 "softmax RTL fused with ita" -c "$tmp/smx-rtl.ini" -t "$tmp/deit32.trace.gz"
grep -q "online data path only" "$tmp/err" || bad "fused ita softmax RTL: message does not say 'online data path only'"
expect_2 "softmax RTL built for another unit" -c "$tmp/smx-other.ini" -t "$tmp/deit32.trace.gz"
expect_2 "gate RTL with the logits on the engine" -c "$tmp/gate-rtl.ini" -t "$tmp/moe.trace"
grep -q "gemv_width = 0" "$tmp/err" || bad "gate RTL: message does not name gemv_width = 0"
expect_2 "gate RTL built for another gate unit" -c "$tmp/gate-other.ini" -t "$tmp/moe.trace"
grep -q "SC_GATE_PARAMS" "$tmp/err" || bad "gate RTL: message does not say how to rebuild"
expect_2 "bad [systemc] value" -c "$tmp/bad-impl.ini" -t "$tmp/deit32.trace.gz"
expect_2 "missing trace" -c configs/sta-default.ini -t "$tmp/none.trace"
expect_2 "fault injection without RTL" -c configs/sta-default.ini \
	-t "$tmp/deit32.trace.gz" --inject-flip 5

# The command line is run's (sim/cli.c) with stasim-sc's options on top:
# --help names every one of both on stdout; --opt=value is --opt value;
# a bad -o or --dump fails at once, before a long simulation.
"$sc" --help > "$tmp/help" 2> "$tmp/help.err" && [ ! -s "$tmp/help.err" ] || bad "--help: exit or stderr"
missing=""
for o in -c -t -o --format --mode --seed --dump --task --no-fast-forward --check --vcd \
	--inject-flip --help; do
	grep -Eq -- "^ +(-[a-z], )?$o( |\$)" "$tmp/help" || missing="$missing $o"
done
if [ -z "$missing" ]; then ok "--help: run's options and stasim-sc's"; else bad "--help lacks$missing"; fi
"$sc" -c configs/sta-default.ini -t "$tmp/l0.trace" --mode functional --seed 7 --format csv \
	> "$tmp/spaced"
"$sc" -c configs/sta-default.ini -t"$tmp/l0.trace" --mode=functional --seed=7 --format=csv \
	> "$tmp/joined"
if cmp -s "$tmp/spaced" "$tmp/joined" && [ -s "$tmp/spaced" ]; then
	ok "--opt=value and -tTRACE equal --opt value"
else
	bad "--opt=value and --opt value give different reports"
fi
start=$(date +%s)
expect_2 "-o under a regular file" -c configs/sc-rtl.ini -t traces/deit-tiny-2of4.trace.gz \
	-o "$tmp/l0.trace/out"
[ $(($(date +%s) - start)) -lt 10 ] || bad "-o under a regular file: reported after the simulation"
expect_2 "--dump onto a regular file" -c configs/sta-default.ini -t "$tmp/l0.trace" \
	--mode functional --dump "$tmp/l0.trace"

# one_json FILE: FILE is exactly one JSON document (awk: no python3 on a
# fresh machine); brackets inside strings do not count.
one_json() {
	awk '{
		s = $0; gsub(/"([^"\\]|\\.)*"/, "\"\"", s)
		for (i = 1; i <= length(s); i++) {
			c = substr(s, i, 1)
			if (c == "{" || c == "[") { if (!d && docs) bad = 1; d++ }
			else if (c == "}" || c == "]") { if (--d == 0) docs++; if (d < 0) bad = 1 }
			else if (!d && c != " " && c != "\t") bad = 1
		}
	} END { exit !(docs == 1 && !d && !bad) }' "$1"
}

# Waves of the unit ports, on one layer, with a JSON report: stdout holds
# that report alone (SystemC says nothing, not even on stderr), and the VCD
# gives every clock edge a timestamp of its own (at least two a cycle),
# strictly growing.
"$run" run -c configs/sc-rtl.ini -t "$tmp/l0.trace" --format json > "$tmp/native"
if "$sc" -c configs/sc-rtl.ini -t "$tmp/l0.trace" --format json --vcd "$tmp/w.vcd" \
	> "$tmp/sc" 2> "$tmp/sc.err" && one_json "$tmp/sc" && cmp -s "$tmp/native" "$tmp/sc" &&
   [ ! -s "$tmp/sc.err" ]; then
	ok "--vcd --format json: stdout is the report alone"
else
	bad "--vcd --format json: stdout is not stasim run's JSON alone ($(wc -l < "$tmp/sc") lines; stderr: $(head -n 1 "$tmp/sc.err"))"
fi
if grep -q 'scope module engine ' "$tmp/w.vcd" && grep -q 'scope module dma ' "$tmp/w.vcd" &&
   grep -q ' rd_done_valid ' "$tmp/w.vcd" && grep -q ' bytes \[63:0\]' "$tmp/w.vcd"; then
	ok "--vcd: $(grep -c '\$var' "$tmp/w.vcd") signals traced"
else
	bad "--vcd: ports missing from the VCD"
fi
cycles=$(report_total cycles < "$tmp/native")
if awk -v want=$((2 * cycles)) '/^#[0-9]/ { t = substr($0, 2) + 0; if (n++ && t <= p) bad = 1; p = t }
	END { exit !(n >= want && !bad) }' "$tmp/w.vcd"; then
	ok "--vcd: $(grep -c '^#' "$tmp/w.vcd") timestamps for $cycles cycles, strictly growing"
else
	bad "--vcd: timestamps not strictly growing or fewer than two a cycle ($(grep -c '^#' "$tmp/w.vcd") for $cycles cycles)"
fi

# The example platform, with DRAM timing of its own: 16 B/cycle, 40 cycles.
sed -e 's/^bandwidth_gbps = .*/bandwidth_gbps = 16/' -e 's/^latency_ns = .*/latency_ns = 40/' \
	-e "s|^table = energy|table = $(pwd)/configs/energy|" \
	configs/sta-default.ini > "$tmp/mem16.ini"
want=$("$run" run -c "$tmp/mem16.ini" -t traces/deit-tiny-2of4.trace.gz --format json |
	report_total cycles)
# the config says the platform's DRAM too: the mapper tiles for it
got=$("$scb/example" "$tmp/mem16.ini" traces/deit-tiny-2of4.trace.gz 2> "$tmp/ex.err" |
	grep " cycles, ")
if echo "$got" | grep -q ": $want cycles,"; then
	ok "example platform: $got"
else
	bad "example platform: '$got', want $want cycles"
fi

echo "systemc: $((n - fails)) passed, $fails failed"
[ $fails -eq 0 ]
