#!/bin/sh
# Every report stasim can give on the shipped inputs, one file each, so that a
# refactoring can prove it changed no number: run it before and after, then
# `diff -r BEFORE AFTER`. Covers each shipped config × each shipped trace
# (json, timing), the model zoo at small sizes in several N:M patterns
# (json and txt, timing and functional, strict stepping on some), a
# SCALE-Sim import, and the bad-input corpus (exit status and message).
# usage: reports-snapshot.sh STASIM OUTDIR      (~1-2 min on 2 cores)
set -u
bin=$1 out=$2
# traces made here go to one fixed relative path, because reports name them
t=build/reports-snapshot-traces
mkdir -p "$out" "$t" || exit 1
run() {	# name, then stasim arguments: stdout, stderr and exit status
	name=$1; shift
	"$bin" "$@" > "$out/$name.out" 2> "$out/$name.err"
	echo "exit $?" >> "$out/$name.err"
}
for c in configs/*.ini; do
	for tr in traces/*.trace.gz traces/nm/*.trace.gz; do
		run "$(basename "$c" .ini)__$(basename "$tr" .trace.gz)" run -c "$c" -t "$tr" --format json
	done
done
for m in bert-base vit-b16 deit-tiny m3vit-tiny bert-large vit-l16 deit-small gpt2; do
	for nm in dense 2:4 1:4 2:8; do
		f=$t/$m-$(echo $nm | tr : of).trace
		"$bin" trace "$m" --seq 32 --nm "$nm" -o "$f" 2>/dev/null ||
			"$bin" trace "$m" --nm "$nm" -o "$f" || continue
		cp "$f" "$out/trace__$(basename "$f")"
		for c in sta-default edge-small sc-rtl; do
			run "zoo__${c}__$(basename "$f" .trace)" run -c configs/$c.ini -t "$f" --format json
		done
	done
	run "zoo-txt__$m" run -c configs/edge-small.ini -t "$t/$m-2of4.trace" --format txt
	run "zoo-csv__$m" run -c configs/sta-default.ini -t "$t/$m-1of4.trace" --format csv
	run "zoo-strict__$m" run -c configs/sc-rtl.ini -t "$t/$m-2of4.trace" --format json --no-fast-forward
done
"$bin" trace m3vit-tiny --seq 32 --nm 2:4 --routing zipf:150 --task 1 -o "$t/m3z.trace"
run zoo__m3vit-zipf run -c configs/sta-default.ini -t "$t/m3z.trace" --format json
"$bin" trace deit-tiny --seq 16 --nm 2:4 -o "$t/deit16.trace"
"$bin" trace m3vit-tiny --seq 16 --nm 1:4 -o "$t/m3v16.trace"
for c in sta-default edge-small sc-rtl; do
	run "func__${c}__deit16" run -c configs/$c.ini -t "$t/deit16.trace" --format json --mode functional
	run "func__${c}__m3v16" run -c configs/$c.ini -t "$t/m3v16.trace" --format json --mode functional --seed 7
done
for f in traces/scalesim/*; do
	[ -f "$f" ] || continue
	"$bin" import-scalesim "$f" --nm 2:4 -o "$t/ss.trace" 2>/dev/null || continue
	run "scalesim__$(basename "$f")" run -c configs/sta-default.ini -t "$t/ss.trace" --format json
done
for f in tests/bad/*; do
	case $f in
	*/config-*) run "bad__$(basename "$f")" run -c "$f" -t traces/deit-tiny-2of4.trace.gz ;;
	*/trace-*) run "bad__$(basename "$f")" run -c configs/sta-default.ini -t "$f" ;;
	esac
done
echo "reports-snapshot: $(ls "$out" | wc -l) files in $out"
