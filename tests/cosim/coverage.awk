# tests/cosim/coverage.awk - the per-unit summary of make coverage
# (tests/cosim/coverage.mk): reads a Verilator coverage file (merged.dat,
# written by verilator_coverage --write) and prints, per RTL file, its line
# and toggle coverage and every line no run reached, with its source text.
# Run from the source tree (the points name their files relative to it).
#   awk -v min=90 -v units="rtl/fu.v rtl/sde.v ..." -f tests/cosim/coverage.awk merged.dat
# Exit status 1 when a file's line coverage is below min percent, or when
# one of units has no line point at all (no run counted it).
#
# A point is one line of the file: C '<keys>' COUNT, each key \001NAME\002VALUE:
# f file, l line, page v_line/MOD (a block), v_branch/MOD (an if or case
# arm) or v_toggle/MOD (one bit of a signal), S the lines the block or arm
# spans (a list of N and N-M; empty for an implicit else), h the instance.
#
# Line coverage counts source lines: a line is covered when some block or
# arm that spans it ran at least once, in any instance and any build (the
# units are built at several parameter sets; a line generated only in one
# counts there). Toggle coverage counts bits of each instance: a point is
# covered when its bit toggled at least once.

BEGIN { FS = "\n"; bad = 0 }

# the path without its dir/../ steps: Verilator names a file by the -I path
# it was found through (rtl/../rtl/fu.v)
function tidy(p) {
	while (sub(/[^\/.][^\/]*\/\.\.\//, "", p))
		;
	return p
}

# Every line of S ("49-61,64,74"), or l when S is empty, marked seen and,
# when the point ran, covered.
function mark(file, spans, l, ran,    n, parts, i, ab, a, b, x) {
	if (spans == "")
		spans = l
	n = split(spans, parts, ",")
	for (i = 1; i <= n; i++) {
		if (split(parts[i], ab, "-") == 2) {
			a = ab[1] + 0; b = ab[2] + 0
		} else {
			a = b = parts[i] + 0
		}
		for (x = a; x <= b; x++) {
			line_seen[file, x] = 1
			if (ran)
				line_cov[file, x] = 1
			if (x > last[file])
				last[file] = x
		}
	}
	files[file] = 1
}

/^C '/ {
	rec = $0
	count = rec; sub(/.*' /, "", count)
	sub(/^C '/, "", rec); sub(/' [0-9]+$/, "", rec)
	delete k
	n = split(rec, kv, "\001")
	for (i = 1; i <= n; i++) {
		if (kv[i] == "")
			continue
		j = index(kv[i], "\002")
		k[substr(kv[i], 1, j - 1)] = substr(kv[i], j + 1)
	}
	file = tidy(k["f"])
	if (k["page"] ~ /^v_(line|branch)\//) {
		mark(file, k["S"], k["l"], count + 0 > 0)
	} else if (k["page"] ~ /^v_toggle\//) {
		files[file] = 1
		tog_all[file]++
		if (count + 0 > 0)
			tog_cov[file]++
	}
}

function pct(a, b) {
	return b ? sprintf("%5.1f %%", 100 * a / b) : "    - "
}

END {
	nf = 0
	for (f in files)
		order[++nf] = f
	# a few files: insertion sort, for the same order on every awk
	for (i = 2; i <= nf; i++)
		for (j = i; j > 1 && order[j - 1] > order[j]; j--) {
			t = order[j]; order[j] = order[j - 1]; order[j - 1] = t
		}
	printf "%-22s %8s %13s %8s %15s\n", "unit (RTL file)", "line", \
	       "(lines)", "toggle", "(bits)"
	for (i = 1; i <= nf; i++) {
		f = order[i]
		la = lc = 0
		for (x = 1; x <= last[f]; x++)
			if ((f, x) in line_seen) {
				la++
				if ((f, x) in line_cov)
					lc++
			}
		lines_all[f] = la
		printf "%-22s %8s %13s %8s %15s\n", f, pct(lc, la), \
		       "(" lc "/" la ")", pct(tog_cov[f], tog_all[f]), \
		       "(" tog_cov[f] + 0 "/" tog_all[f] + 0 ")"
		if (la && 100 * lc < min * la)
			low[++bad] = f
	}
	print ""
	print "uncovered lines:"
	none = 1
	for (i = 1; i <= nf; i++) {
		f = order[i]
		x = 0
		while ((getline src < f) > 0) {
			x++
			if ((f, x) in line_seen && !((f, x) in line_cov)) {
				sub(/^[ \t]+/, "", src)
				printf "%s:%d: %s\n", f, x, src
				none = 0
			}
		}
		close(f)
	}
	if (none)
		print "(none)"
	print ""
	nu = split(units, want, " ")
	for (i = 1; i <= nu; i++)
		if (!lines_all[want[i]]) {
			printf "coverage: %s has no line points: no run counted it\n", want[i]
			bad++
		}
	if (bad) {
		for (i = 1; i in low; i++)
			printf "coverage: %s line coverage below %d %%\n", low[i], min
		exit 1
	}
	printf "coverage: every unit at or above %d %% line coverage\n", min
}
