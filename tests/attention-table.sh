#!/bin/sh
# attention-table.sh [STASIM] - the ViT-B/16 attention comparison of
# docs/models.md: layer 0's Q.K^T, softmax and A.V on the default hardware,
# for each softmax algorithm, fused and not. Prints a Markdown table.
set -eu
bin=${1:-build/stasim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin" trace vit-b16 --nm 2:4 -o "$tmp/vit.trace"
table=$(cd configs/energy && pwd)/horowitz45-lpddr4.ini
echo "| softmax | fused | attention cycles (Q.K^T start to A.V end) | stall cycles | DRAM bytes (Q.K^T + softmax + A.V) |"
echo "|---|---|---:|---:|---:|"
for v in "online true" "ita true" "threepass true" "online false" "ita false" "threepass false"; do
	set -- $v
	printf '[softmax]\nalgorithm = %s\nfused = %s\n[energy]\ntable = %s\n' \
		"$1" "$2" "$table" > "$tmp/c.ini"
	"$bin" run -c "$tmp/c.ini" -t "$tmp/vit.trace" --format csv |
	awk -F, -v a="$1" -v f="$2" '
		$1 == "l0.qk" { start = $8 } $1 == "l0.av" { end = $9 }
		$1 ~ /^l0\.(qk|sm|av)$/ { bytes += $18; stall += $12 }
		END { printf "| %s | %s | %d | %d | %d |\n", a, f, end - start, stall, bytes }'
done
