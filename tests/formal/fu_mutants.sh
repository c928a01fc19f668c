#!/bin/sh
# fu_mutants.sh OUTDIR - can the proof fail? Five copies of rtl/fu.v, each
# with one bug, under OUTDIR/NAME/fu.v (rtl/ is never touched); each must
# FAIL tests/formal/fu_formal.sh. A mutant whose edit no longer applies to
# rtl/fu.v counts as not caught. Prints one line per mutant (the first run
# that failed and its first failed assertion), then "K of N caught";
# exits 1 unless all are.
set -u
out=${1:?usage: sh tests/formal/fu_mutants.sh OUTDIR}
mkdir -p "$out" || exit 1

# NAME|what it breaks|sed expression on rtl/fu.v
mutants='wb_drop_short|wb_done dropped for a tile that starts and ends in one clock (0 or 1 kcycles)|s/wb_done_valid_n = 1'"'"'b1;/wb_done_valid_n = !start;/
accept_not_ready|a command taken while cmd_ready is low|s/if (cmd_valid \&\& cmd_ready) begin/if (cmd_valid) begin/
ready_full|cmd_ready ignores a full FIFO (ready at 2 of 2)|s/cmd_ready_n = f_len_n < 2'"'"'d2;/cmd_ready_n = f_len_n < 2'"'"'d3;/
left_off_by_one|countdown off by one: pulses on the second-to-last busy cycle|s/if (left_n == {KC_BITS{1'"'"'b0}}) begin/if (left_n == {{(KC_BITS-1){1'"'"'b0}}, 1'"'"'b1}) begin/
rd_op_cur|rd_done_op from the tile in progress, not the one starting (issue 17 survivor)|s/rd_done_op_n = cur_n\[C_OP +: OP_BITS\];/rd_done_op_n = cur[C_OP +: OP_BITS];/'

n=0 k=0
t0=$(date +%s)
while IFS='|' read -r name what expr; do
	n=$((n + 1))
	dir=$out/$name
	mkdir -p "$dir"
	sed "$expr" rtl/fu.v >"$dir/fu.v"
	if cmp -s rtl/fu.v "$dir/fu.v"; then
		echo "  $name: NOT CAUGHT (edit no longer applies to rtl/fu.v) - $what"
		continue
	fi
	if res=$(sh tests/formal/fu_formal.sh "$dir/proof" "$dir/fu.v"); then
		echo "  $name: NOT CAUGHT (proof passes) - $what"
	else
		k=$((k + 1))
		first=$(printf '%s\n' "$res" | sed -n 's/.*FAIL (\([a-z]*\).*/\1/p' | head -n 1)
		why=$(printf '%s\n' "$res" | sed -n 's/^  failed: //p' | head -n 1)
		[ -n "$why" ] && why=" ($why)"
		echo "  $name: caught by $first$why - $what"
	fi
done <<EOF
$mutants
EOF
t1=$(date +%s)
echo "formal-mutants: $k of $n caught in $((t1 - t0)) s"
[ "$k" -eq "$n" ]
