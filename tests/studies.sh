#!/bin/sh
# studies.sh STASIM BUILD - the shipped design-space studies: for each of
# ViT-B/16 and M3ViT-Tiny, sweep N:M pattern x array size x DRAM bandwidth
# (configs/sweeps/*-study.ini), then write docs/studies/MODEL/: tables of
# latency, energy, speedup and energy saving by N:M pattern and array size
# (at 25.6 GB/s, against 16x16) and by N:M pattern and bandwidth (on 32x32,
# against 12.8 GB/s), as Markdown and LaTeX, the latency-energy figure
# coloured by N:M with its Pareto front (PDF, SVG, PNG), the front, and
# the front of latency, energy and area together.
set -eu
bin=$1; build=$2
for m in vit-b16 m3vit-tiny; do
	csv=$build/studies/$m.csv
	out=docs/studies/$m
	mkdir -p "$build/studies" "$out"
	rm -f "$csv"
	"$bin" sweep configs/sweeps/$m-study.ini -j 2 -o "$csv"
	for f in md latex; do
		ext=$([ $f = md ] && echo md || echo tex)
		"$bin" table "$csv" --rows nm --cols engine.rows \
			--baseline engine.rows=16 --metric both \
			--where dram.bandwidth_gbps=25.6 --format $f \
			--label "tab:$m-by-array" -o "$out/by-array.$ext"
		"$bin" table "$csv" --rows nm --cols dram.bandwidth_gbps \
			--baseline dram.bandwidth_gbps=12.8 --metric both \
			--where engine.rows=32 --format $f \
			--label "tab:$m-by-bandwidth" -o "$out/by-bandwidth.$ext"
	done
	"$bin" plot "$csv" -o "$out" --by nm
	"$bin" pareto "$csv" --format md -o "$out/pareto.md"
	"$bin" pareto "$csv" --objectives latency_us,energy_pj,area_mm2 \
		--format md -o "$out/pareto-area.md"
done
