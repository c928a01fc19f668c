#!/bin/sh
# tests/rtl-recipe.sh - docs/rtl.md, "Verify your own modified RTL", run for
# real, so that the recipe stays true. Everything happens in a scratch copy
# of the sources; the tree's own rtl/ is never touched.
#
#   1. build stasim in the copy, change one line of rtl/sde_pe.v (the
#      multiply stage's product negated): `stasim cosim sde --vcd fail.vcd`
#      must rebuild the harness
#      (the make command on stderr, nothing of make's on stdout) and FAIL,
#      exit 1, naming the cycle, with a VCD window holding that clock;
#   2. the line restored: it must rebuild again and PASS, exit 0;
#   3. nothing changed: it must PASS with nothing on stderr (no make);
#   4. a copy of stasim outside any build directory (an installed binary)
#      must refuse, exit 2, a harness older than its RTL and a missing one,
#      naming the make command and the unit's make target; plus the unit
#      names, did-you-mean and --help.
#
# usage: sh tests/rtl-recipe.sh SCRATCH
# Run from the source tree's root. SCRATCH (new, or made by an earlier run)
# is removed first, and again when every check passed; after a failure it
# holds the logs (NAME.out, NAME.err).

set -u
# the makes below are ours, not sub-makes of the one that may run this
# script: none of its variables (BUILD=...) or jobserver may leak in
unset MAKEFLAGS MFLAGS MAKELEVEL
scratch=${1:?usage: sh tests/rtl-recipe.sh SCRATCH}
pe=rtl/sde_pe.v
good='p2\[gm\*PW +: PW\] <= a_j \* w_j;'	# sed patterns of the edited line
bad='p2\[gm\*PW +: PW\] <= -(a_j \* w_j);'
start=$(date +%s)

fail() {
	echo "rtl-recipe: FAIL: $*; logs in $scratch"
	exit 1
}

# run NAME RC CMD...: CMD must exit RC; its output in $scratch/NAME.out/.err.
run() {
	name=$1 want=$2
	shift 2
	"$@" >"$scratch/$name.out" 2>"$scratch/$name.err"
	rc=$?
	[ "$rc" -eq "$want" ] || fail "$name: '$*' exited $rc, not $want"
}

# has NAME out|err TEXT: the text (a fixed string) is in that output.
has() {
	grep -qF -- "$3" "$scratch/$1.$2" || fail "$1: no '$3' on std$2"
}

# edit FROM TO: the line of rtl/sde_pe.v changed the way an editor would
# (a new modification time); the line must be there.
edit() {
	grep -q "$1" $pe || fail "'$1' is gone from $pe: update docs/rtl.md and $0"
	sed "s/$1/$2/" $pe >$pe.new && mv $pe.new $pe || fail "cannot edit $pe"
}

# SCRATCH is removed: only a directory this script made (its marker file)
if [ -e "$scratch" ] && [ ! -e "$scratch/.rtl-recipe" ]; then
	echo "rtl-recipe: $scratch exists and is not a scratch directory of mine"
	exit 2
fi
rm -rf "$scratch" && mkdir -p "$scratch/src" && touch "$scratch/.rtl-recipe" ||
	exit 1
cp -R Makefile sim models rtl tests configs "$scratch/src/" ||
	fail "cannot copy the sources"
cd "$scratch/src" || exit 1
src=$(pwd -P)		# as make's CURDIR, compiled into stasim
echo "rtl-recipe: stasim in a copy of the sources ($src)"
make -s OPT=-O0 build/stasim >"$scratch/build.log" 2>&1 ||
	fail "stasim did not build (build.log)"

echo "rtl-recipe: $pe broken: stasim cosim sde must rebuild and FAIL"
edit "$good" "$bad"
run mutant 1 build/stasim cosim sde --vcd fail.vcd
has mutant err "stasim: cosim sde: rebuilding build/cosim/sde/sde_cosim: make -C $src BUILD=build build/cosim/sde/sde_cosim"
has mutant err "-- VERILATE + BUILD build/cosim/sde/sde_cosim"
has mutant out "FAIL"
grep -qE 'rebuilding|VERILATE|Archive' "$scratch/mutant.out" &&
	fail "mutant: make's output on stdout"
# the first difference, "... at cycle C ...": cycle C is the check after the
# clock whose rising edge is at time 2 (C - 1 + 3 reset clocks) + 1
c=$(sed -n 's/.* at cycle \([0-9][0-9]*\).*/\1/p' "$scratch/mutant.err" | head -n 1)
[ -n "$c" ] && grep -qx "#$((2 * (c + 2) + 1))" fail.vcd ||
	fail "fail.vcd does not hold the rising edge of failure cycle '$c'"
n=$(grep -c '^#' fail.vcd)

echo "rtl-recipe: $pe restored: it must rebuild and PASS"
edit "$bad" "$good"
run revert 0 build/stasim cosim sde
has revert err "stasim: cosim sde: rebuilding build/cosim/sde/sde_cosim"
has revert out "PASS"
run again 0 build/stasim cosim sde --ops 100
[ -s "$scratch/again.err" ] && fail "again: an up-to-date harness was not run quietly"

echo "rtl-recipe: an installed binary refuses a stale or missing harness"
mkdir -p inst/cosim/sde && cp build/stasim inst/ && cp -p build/cosim/sde/sde_cosim inst/cosim/sde/ ||
	fail "cannot make inst/"
run inst-fresh 0 inst/stasim cosim sde --ops 100
touch rtl/sde.v
run inst-stale 2 inst/stasim cosim sde
has inst-stale err "inst/cosim/sde/sde_cosim is older than $src/rtl/sde.v"
has inst-stale err "'make -C $src BUILD=inst inst/cosim/sde/sde_cosim'"
run inst-smx 2 inst/stasim cosim smx --ops 10
has inst-smx err "BUILD=inst inst/cosim/smx/smx_cosim' (make cosim-smx-quick"
run inst-vec 2 inst/stasim cosim vec
has inst-vec err "BUILD=inst inst/cosim/vec/vec_cosim' (make cosim-vec-quick"
run inst-gelu 2 inst/stasim cosim gelu
has inst-gelu err "BUILD=inst inst/cosim/vec/vec_cosim' (make cosim-vec-quick"
run inst-gate 2 inst/stasim cosim gate
has inst-gate err "BUILD=inst inst/cosim/gate/gate_cosim' (make cosim-gate-quick"
run typo 2 build/stasim cosim sdee
has typo err "unknown unit 'sdee'; did you mean 'sde'?"
run help 0 build/stasim cosim --help
has help out "vec   (gelu)"
run unit-help 0 build/stasim cosim sde --help
has unit-help out "--cmds N"

cd / && rm -rf "$scratch"
echo "rtl-recipe: PASS: the broken MAC failed at cycle $c (fail.vcd: $n" \
	"timestamps), the restored one passed; $(($(date +%s) - start)) s"
