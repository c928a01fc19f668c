#!/bin/sh
# check-html.sh STASIM PNG_INK OUTDIR - the HTML report as a browser shows it.
#
# Writes the report of M3ViT-Tiny (MoE, every unit busy) and of BERT-base
# as HTML, renders each in headless Chromium, and requires the page to
# hold its four charts and two tables once parsed (--dump-dom) and the
# screenshot to be mostly ink, not background (tests/png_ink.c), against an
# empty page rendered the same way. Run by `make check-html`.
set -eu
bin=$1; ink=$2; out=$3
browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || { echo "check-html: chromium not found"; exit 1; }
mkdir -p "$out"
out=$(cd "$out" && pwd)
shot() {	# shot HTML PNG: render at column width and a page's height
	"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
		--window-size=1100,2000 --screenshot="$2" "file://$1" \
		> "$out/chromium.log" 2>&1
}
printf '<!DOCTYPE html><html><body></body></html>\n' > "$out/empty.html"
shot "$out/empty.html" "$out/empty.png"
blank=$("$ink" "$out/empty.png")
fails=0
for t in m3vit-tiny-2of4 bert-base-s128-2of4; do
	html=$out/$t.html
	"$bin" run -c configs/sta-default.ini -t traces/$t.trace.gz --format html > "$html"
	start=$(date +%s)
	"$browser" --headless --no-sandbox --disable-gpu --dump-dom "file://$html" \
		> "$out/$t.dom" 2> "$out/chromium.log"
	svgs=$(grep -c '<svg' "$out/$t.dom" || true)
	tables=$(grep -c '<table' "$out/$t.dom" || true)
	shot "$html" "$out/$t.png"
	got=$("$ink" "$out/$t.png")
	secs=$(( $(date +%s) - start ))
	if [ "$svgs" -eq 4 ] && [ "$tables" -eq 2 ] && [ "$got" -ge 30 ] &&
	   [ "$got" -gt $((blank + 20)) ]; then
		echo "  ok   $t: 4 charts, 2 tables, $got per mille ink (empty page $blank), ${secs} s"
	else
		echo "  FAIL $t: $svgs charts, $tables tables, $got per mille ink (empty page $blank); see $out"
		fails=$((fails + 1))
	fi
done
[ "$fails" -eq 0 ] && echo "check-html: PASS" || { echo "check-html: FAIL"; exit 1; }
