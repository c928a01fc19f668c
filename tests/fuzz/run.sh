#!/bin/sh
# run.sh MODE FUZZDIR SECONDS READER... - run the libFuzzer targets built
# in FUZZDIR/bin (tests/fuzz/fuzz.mk), one reader after the other.
#   fuzz   fuzz each target SECONDS from its seeds plus what earlier runs
#          found (FUZZDIR/corpus/READER: the repository is never written)
#   smoke  replay every seed and every stored crash reproducer of each
#          reader once, then fuzz it SECONDS from its seeds alone
#          (FUZZDIR/smoke/READER, emptied first)
# A crash, leak, hang (over 10 s an input), 1 GiB of memory or undefined
# behaviour fails the reader; its input is printed with the command that
# replays it. Exit status: 0 only if every reader passed.
set -u
mode=$1; dir=$2; secs=$3; shift 3
src=tests/fuzz
opts="-rss_limit_mb=1024 -timeout=10"
failed=""

# The regular files of directory $1 but its README, one per line.
inputs() {
	[ -d "$1" ] && find "$1" -type f ! -name 'README*' | sort
}

# The finding in libFuzzer's log $1: the sanitizer's or our message and
# the stack under it, up to the summary.
report() {
	sed -n '/ERROR: \|runtime error\|broken invariant\|fuzz harness/,/^SUMMARY/p' \
	    "$1" | head -n 30
}

# Replay the seeds and stored crashes of reader $1 (binary $2), once each.
replay() {
	files=$( { inputs "$src/corpus/$1"; inputs "$src/crashes/$1"; } )
	[ -z "$files" ] && return 0
	# shellcheck disable=SC2086 # file names are the repository's own
	"$2" $opts $files >"$dir/log/$1.replay.log" 2>&1 </dev/null && return 0
	report "$dir/log/$1.replay.log"
	f=$(sed -n 's/^Running: //p' "$dir/log/$1.replay.log" | tail -n 1)
	echo "fuzz: $1: stored input $f fails"
	echo "fuzz: replay: $2 $f"
	return 1
}

# Fuzz reader $1 (binary $2) for $secs seconds from corpus directory $3.
run() {
	art="$dir/crashes/$1"
	mkdir -p "$3" "$art"
	touch "$dir/log/$1.start"	# what this run finds is newer
	"$2" $opts -max_total_time="$secs" -print_final_stats=1 \
	    -artifact_prefix="$art/" "$3" "$src/corpus/$1" \
	    >"$dir/log/$1.log" 2>&1 </dev/null
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log/$1.log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$dir/log/$1.log")
	[ "$rc" -eq 0 ] && verdict=ok || verdict=FAILED
	printf '%-12s %-6s %8s inputs (%s/s), corpus %s files\n' "$1" \
	    "$verdict" "${runs:-?}" "${rate:-?}" "$(inputs "$3" | wc -l)"
	[ "$rc" -eq 0 ] && return 0
	report "$dir/log/$1.log"
	for f in $(find "$art" -type f -newer "$dir/log/$1.start"); do
		echo "fuzz: $1: input $f"
		echo "fuzz: replay: $2 $f"
	done
	return 1
}

mkdir -p "$dir/log"
for r in "$@"; do
	bin=$dir/bin/fuzz_$r
	case $mode in
	fuzz)	run "$r" "$bin" "$dir/corpus/$r" || failed="$failed $r" ;;
	smoke)	rm -rf "$dir/smoke/$r"
		{ replay "$r" "$bin" && run "$r" "$bin" "$dir/smoke/$r"; } ||
		    failed="$failed $r" ;;
	*)	echo "run.sh: unknown mode '$mode'" >&2; exit 2 ;;
	esac
done
[ -n "$failed" ] && echo "fuzz: failing readers:$failed" && exit 1
echo "fuzz: passed: $*"
