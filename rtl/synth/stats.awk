# rtl/synth/stats.awk - one yosys log of rtl/synth/flow.ys to
# "cells flip_flops levels area_um2 {cell counts as JSON}": the last `stat`
# and `ltp` of the log, each gate priced from the area file (-v area=FILE,
# rtl/synth/nangate45.area). Prints "BAD <gates>" and fails on a gate the
# file does not price, or when the log has no stat or ltp. Used by
# rtl/synth/synth.sh (the report) and rtl/synth/area.sh (the area table).
BEGIN {
	while ((getline l < area) > 0) {
		sub(/#.*/, "", l)
		if (split(l, f) >= 3) { cell[f[1]] = f[2]; um2[f[1]] = f[3] }
	}
}
/^Longest topological path in .* \(length=[0-9]+\)/ {
	lv = $0; sub(/.*length=/, "", lv); sub(/\).*/, "", lv)
}
/Number of cells:/ { n = $4; delete cnt; instat = 1; next }
instat && $1 ~ /^\$/ && NF == 2 { cnt[$1] = $2; next }
instat { instat = 0 }
END {
	a = 0; js = ""; bad = ""
	for (t in cnt) {
		if (!(t in um2)) { bad = bad " " t; continue }
		a += cnt[t] * um2[t]
		js = js sprintf("%s\"%s\": %d", js == "" ? "" : ", ", cell[t], cnt[t])
	}
	if (bad != "" || n == "" || lv == "") { print "BAD" bad; exit 1 }
	printf "%d %d %d %.1f {%s}\n", n, cnt["$_DFF_P_"], lv, a, js
}
