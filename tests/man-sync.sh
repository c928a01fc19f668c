#!/bin/sh
# The man page keeps up with the tool: every option that a command's --help
# lists (stasim's commands and stasim-sc) must appear in docs/stasim.1, and
# every command must have its section there.
# usage: man-sync.sh BUILD_DIR
b=${1:-build}
man=docs/stasim.1
fail=0 n=0
check() {	# $1: label, rest: the command printing the help
	label=$1; shift
	help=$("$@" --help) || { echo "man-sync: '$label --help' failed"; fail=1; return; }
	sec=$(printf '%s' "$label" | sed 's/-/\\\\-/g')
	grep -q "^\.SS \"$sec" "$man" ||
		{ echo "man-sync: no section '.SS \"$label ...\"' in $man"; fail=1; }
	# option words at the start of a help line: "-c", "-o, --output", "--seq"
	for o in $(printf '%s\n' "$help" | sed -n 's/^ \{2,6\}\(-[a-zA-Z]\)\{0,1\}\(, \)\{0,1\}\(--[a-z][a-z0-9-]*\)\{0,1\}.*/\1 \3/p'); do
		[ "$o" = "-h" ] || [ "$o" = "--help" ] && continue
		pat=$(printf '%s' "$o" | sed 's/-/\\\\-/g')
		n=$((n + 1))
		grep -q -- "$pat" "$man" ||
			{ echo "man-sync: $label's option $o is not in $man"; fail=1; }
	done
}
for c in run config area trace import-scalesim sweep merge pareto table plot cosim; do
	check "$c" "$b/stasim" "$c"
done
check stasim-sc "$b/stasim-sc"
[ $fail -eq 0 ] && echo "man-sync: $n options of 12 commands all in $man"
exit $fail
