# sc-inputs.sh - sourced (". tests/sc-inputs.sh", from the source tree) by
# tests/systemc.sh and tests/bench.sh, so that both give stasim-sc the same
# configs and traces, made one way. Defines functions only.

# sc_ini ENGINE SOFTMAX GATE: configs/sc-rtl.ini (the 8x8 array the RTL is
# Verilated for) with each unit in c or rtl, on stdout; its energy table is
# made absolute, so that the copy loads from any directory.
sc_ini() {
	sed -e "s/^engine = rtl/engine = $1/" -e "s/^softmax = c/softmax = $2/" \
		-e "s/^gate = c/gate = $3/" \
		-e "s|^table = energy|table = $(pwd)/configs/energy|" configs/sc-rtl.ini
}

# sc_traces STASIM DIR: DIR/deit32.trace.gz (DeiT-Tiny, 32 tokens, 2:4: a
# small layer of every kind but MoE) and DIR/moe.trace (M3ViT-Tiny's layer-1
# MoE block, cut from the shipped trace).
sc_traces() {
	"$1" trace deit-tiny --seq 32 --nm 2:4 -o "$2/deit32.trace.gz"
	zcat traces/m3vit-tiny-2of4.trace.gz | grep -E '^(stasim-trace|#)|name=l1\.' \
		> "$2/moe.trace"
}

# report_total KEY: the number KEY of the "total" object of the JSON report
# on stdin.
report_total() {
	sed -n "/\"total\"/,/}/s/.*\"$1\": \([0-9.]*\).*/\1/p" | head -n 1
}
