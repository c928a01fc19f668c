#!/bin/sh
# run-suites.sh BINDIR XMLDIR SUITE... - run cmocka suites, JUnit XML per suite,
# then a one-line summary. A failing suite is run again with plain output so
# its messages reach the terminal. Exit status: 0 only if every test passed.
set -u
bindir=$1; xmldir=$2; shift 2
mkdir -p "$xmldir"
rm -f "$xmldir"/*.xml
passed=0; failed=0; bad_suites=""
for s in "$@"; do
	CMOCKA_MESSAGE_OUTPUT=xml CMOCKA_XML_FILE="$xmldir/$s.xml" "$bindir/$s" >/dev/null 2>"$xmldir/$s.stderr"
	rc=$?
	n=$(sed -n 's/.*<testsuite [^>]*tests="\([0-9]*\)".*/\1/p' "$xmldir/$s.xml" 2>/dev/null | head -n 1)
	f=$(sed -n 's/.*<testsuite [^>]*failures="\([0-9]*\)".*/\1/p' "$xmldir/$s.xml" 2>/dev/null | head -n 1)
	e=$(sed -n 's/.*<testsuite [^>]*errors="\([0-9]*\)".*/\1/p' "$xmldir/$s.xml" 2>/dev/null | head -n 1)
	n=${n:-0}; f=${f:-0}; e=${e:-0}
	if [ "$rc" -ne 0 ] && [ $((f + e)) -eq 0 ]; then e=1; fi
	bad=$((f + e)); ok=$((n - f - e)); [ "$ok" -lt 0 ] && ok=0
	passed=$((passed + ok)); failed=$((failed + bad))
	printf '%-24s %4d tests, %d failed\n' "$s" "$n" "$bad"
	if [ "$bad" -ne 0 ]; then
		bad_suites="$bad_suites $s"
		echo "---- $s (plain output) ----"
		"$bindir/$s" 2>&1 | tail -n 60
	fi
done
[ -n "$bad_suites" ] && echo "failing suites:$bad_suites"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
