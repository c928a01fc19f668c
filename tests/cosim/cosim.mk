# tests/cosim/cosim.mk - lockstep co-simulation of rtl/sde.v against
# models/sde.c with Verilator (tests/cosim/sde_cosim.h says how).
#
# Included by the top Makefile, or on its own from the repository root:
#   make -f tests/cosim/cosim.mk build/cosim/sde_cosim   build the CI array
#   make cosim-sde-quick      a few seeds, real-trace tiles, faults, --vcd (CI)
#   make cosim-sde            more seeds, both arrays, whole real ops
#   make -f tests/cosim/cosim.mk cosim-sde-lint          Verilator -Wall + Icarus
#   make -f tests/cosim/cosim.mk cosim-clean             remove build/cosim
# (cosim-sde-quick and cosim-sde need the top Makefile: their --npy cases use
# the tensors of slices.mk.) A build is redone only when rtl/, the model and
# planner sources, the harness or the array parameters change. The engine's
# harness always has tracing (~1.3 s CPU of its build; untraced runs ~17 %
# slower): --vcd FILE replays the run and writes the waves of a window of
# cycles (harness.h).
# COSIM_TRACE=1 adds tracing to the builds of the units that lack it.

COSIM_BUILD ?= $(or $(BUILD),build)/cosim
COSIM_CC    ?= gcc
VERILATOR   ?= verilator
IVERILOG    ?= iverilog
COSIM_TRACE ?= 0

# The array each binary is built for; the same values go to Verilator as
# -G and to the C and C++ compilers as -DSDE_*.
# CI: small enough to build fast on 2 cores, large enough for every case
# (2 multipliers, 8:1 muxes: 1:2 .. 1:8 and 2:3 .. 2:8 patterns).
COSIM_SDE_PARAMS      ?= ROWS=4 COLS=4 N_MAX=2 M_MAX=8 ACT_BITS=8 WEIGHT_BITS=8
# Wide: odd array shape, 4 multipliers behind 16:1 muxes, 16-bit operands
# whose products overflow the int32 accumulators.
COSIM_SDE_WIDE_PARAMS ?= ROWS=3 COLS=5 N_MAX=4 M_MAX=16 ACT_BITS=16 WEIGHT_BITS=16

COSIM_RTL     := $(wildcard rtl/sde*.v)
# the model, and for --npy the planner (sim/plan.c) with what it calls
COSIM_MODEL   := sde nm gate smx smx_ref vec vec_ref fu dma golden fu_unit dma_unit sde_unit sde_func vec_unit vec_func smx_unit smx_func gate_unit gate_func
COSIM_PLANNER := plan config err trace unit energy func moe moe_func lib/npy lib/afile lib/num
COSIM_HEADERS := $(wildcard models/*.h) sim/kern.h sim/plan.h sim/config.h sim/trace.h \
	sim/err.h tests/cosim/sde_cosim.h tests/cosim/harness.h
COSIM_SEEDS_QUICK ?= 1 2 3 4
COSIM_SEEDS       ?= 1 2 3 4 5 6 7 8 9 10 11 12
# --npy: ViT-B/16 layer 0 attention, dumped by slices.mk (spelled out: this
# file is read before slices.mk sets SLICE_DIR)
COSIM_SDE_SLICE   := $(COSIM_BUILD)/slices/vit-b16-attn
# --vcd check: the file of a long run's failure stays under this many bytes
# (the whole run would write hundreds of MB)
COSIM_SDE_VCD_MAX ?= 1000000

# The C side: the model and the harness, compiled as C, one flag per line.
COSIM_CFLAGS := -std=c11
# the project's dialect (Makefile: CFLAGS_BASE)
COSIM_CFLAGS += -D_POSIX_C_SOURCE=200809L
# the project's warnings; a warning is a bug report
COSIM_CFLAGS += -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
# the harness includes the model headers by name
COSIM_CFLAGS += -Imodels
# a fast run; the model is small
COSIM_CFLAGS += -O2

# Verilator, one flag per line.
COSIM_VFLAGS := --cc --exe --build
# both cores for the C++ build
COSIM_VFLAGS += -j 2
# the engine is the top; sde_pe.v is found beside it
COSIM_VFLAGS += --top-module sde -Irtl
# every lint warning fails the build, as in cosim-sde-lint
COSIM_VFLAGS += -Wall
# the RTL's inline assertions (FIFO overflow, hold overwrite) stop the run
COSIM_VFLAGS += --assert
# the harness header, for sde_main.cpp
COSIM_VFLAGS += -CFLAGS -I$(CURDIR)/tests/cosim
# build time: the model at -O1 runs as fast as at the default -Os and builds
# faster; Verilator's runtime and the once-only code need no optimization
COSIM_VFLAGS += -MAKEFLAGS "OPT_FAST=-O1 OPT_GLOBAL=-O0 OPT_SLOW=-O0"
# waves only when asked for: COSIM_TRACE=1 (the engine's build has them anyway)
COSIM_VFLAGS += $(if $(filter 1,$(COSIM_TRACE)),--trace)

# The engine: waves always built in, --vcd replays a failed run traced
# (vcd_window.h); the first pass leaves tracing off.
COSIM_SDE_VFLAGS := $(COSIM_VFLAGS) $(if $(filter 1,$(COSIM_TRACE)),,--trace)
# Its libraries, given after the objects (Verilator links in command-line
# order): the planner reads INI files (config.c) and gzip traces
# (trace.c); the references it links need libm.
COSIM_SDE_LIBS := -LDFLAGS "-linih -lz -lm"

# $(call cosim_variant,DIR,PARAMS): build DIR/sde_cosim for PARAMS.
define cosim_variant
$(1)/params.stamp: cosim-force
	@mkdir -p $(1)
	@echo '$(2)' | cmp -s - $$@ || echo '$(2)' > $$@

$(1)/c/%.o: models/%.c $$(COSIM_HEADERS) $(1)/params.stamp
	@mkdir -p $$(@D)
	$$(COSIM_CC) $$(COSIM_CFLAGS) $(addprefix -DSDE_,$(2)) -c $$< -o $$@

$(1)/c/sim/%.o: sim/%.c $$(COSIM_HEADERS) $(1)/params.stamp
	@mkdir -p $$(@D)
	$$(COSIM_CC) $$(COSIM_CFLAGS) -c $$< -o $$@

$(1)/c/sde_cosim.o: tests/cosim/sde_cosim.c $$(COSIM_HEADERS) $(1)/params.stamp
	@mkdir -p $$(@D)
	$$(COSIM_CC) $$(COSIM_CFLAGS) $(addprefix -DSDE_,$(2)) -c $$< -o $$@

$(1)/c/harness.o: tests/cosim/harness.c tests/cosim/harness.h
	@mkdir -p $$(@D)
	$$(COSIM_CC) $$(COSIM_CFLAGS) -c $$< -o $$@

$(1)/sde_cosim: $$(COSIM_RTL) tests/cosim/sde_main.cpp tests/cosim/vcd_window.h \
		tests/cosim/cosim_main.h \
		$(1)/params.stamp $(addprefix $(1)/c/,$(addsuffix .o,$(COSIM_MODEL) sde_cosim harness)) \
		$(addprefix $(1)/c/sim/,$(addsuffix .o,$(COSIM_PLANNER)))
	@echo "-- VERILATE + BUILD $$@ ($(2)) --"
	@rm -f $$@
	$$(VERILATOR) $$(COSIM_SDE_VFLAGS) --Mdir $(1)/obj -o $$(abspath $$@) \
		$(addprefix -G,$(2)) -CFLAGS "$(addprefix -DSDE_,$(2))" \
		rtl/sde.v $(CURDIR)/tests/cosim/sde_main.cpp \
		$(abspath $(addprefix $(1)/c/,$(addsuffix .o,$(COSIM_MODEL) sde_cosim harness)) \
			  $(addprefix $(1)/c/sim/,$(addsuffix .o,$(COSIM_PLANNER)))) \
		$$(COSIM_SDE_LIBS)
endef

$(eval $(call cosim_variant,$(COSIM_BUILD),$(COSIM_SDE_PARAMS)))
$(eval $(call cosim_variant,$(COSIM_BUILD)/wide,$(COSIM_SDE_WIDE_PARAMS)))

.PHONY: cosim-sde-quick cosim-sde cosim-sde-lint cosim-clean cosim-force

# CI: a few seeds, then proof that a flipped output bit is caught.
# Then real tiles (--npy): a region of the 2:4 QKV projection, one head of
# Q.K^T and of A.V, each row also against the dumped out.npy; proof that a
# flipped output bit is caught there, and that a corrupted activation in a
# copy of the dump is caught against out.npy (the model and the RTL agree
# on the corrupted operands). Last --vcd: a fault late in a long run gives
# a small file holding the rising edge of the failure clock (cycle C is the
# check after clock C - 1, edge at time 2 (C - 1 + 3 reset clocks) + 1); a
# passing run gives cycles 0..64, and --vcd-window 100:199 those cycles:
# exactly the timestamps 2 A + 4 .. 2 B + 5 (two a cycle, 3 reset clocks).
cosim-sde-quick: $(COSIM_BUILD)/sde_cosim $(COSIM_SDE_SLICE)/done
	@echo "-- RUN cosim-sde-quick --"
	@set -e; for s in $(COSIM_SEEDS_QUICK); do \
	  $(COSIM_BUILD)/sde_cosim --seed $$s --cmds 2000; done
	@$(COSIM_BUILD)/sde_cosim --seed 1 --cmds 200 --timing
	@set +e; $(COSIM_BUILD)/sde_cosim --seed 1 --cmds 200 --inject-flip 500 \
	  >/dev/null 2>&1; rc=$$?; \
	  if [ $$rc -eq 1 ]; then echo "cosim-sde-quick: injected fault caught (exit 1)"; \
	  else echo "cosim-sde-quick: injected fault NOT caught (exit $$rc)"; exit 1; fi
	@set -e; d=$(COSIM_SDE_SLICE); \
	  $(COSIM_BUILD)/sde_cosim --seed 1 --npy $$d/l0.qkv --crop 32x256+96+1024; \
	  $(COSIM_BUILD)/sde_cosim --seed 2 --npy $$d/l0.qk --head 3; \
	  $(COSIM_BUILD)/sde_cosim --seed 3 --npy $$d/l0.av --head 7
	@set +e; $(COSIM_BUILD)/sde_cosim --npy $(COSIM_SDE_SLICE)/l0.qk --head 3 \
	  --inject-flip 20000 --inject-port out_data >/dev/null 2>&1; rc=$$?; \
	  if [ $$rc -eq 1 ]; then echo "cosim-sde-quick: injected fault in --npy caught (exit 1)"; \
	  else echo "cosim-sde-quick: injected fault in --npy NOT caught (exit $$rc)"; exit 1; fi
	@set +e; d=$(COSIM_BUILD)/npy-fault; f=$$d/l0.av.a.npy; rm -rf $$d; mkdir -p $$d; \
	  for t in a w acc out; do cp $(COSIM_SDE_SLICE)/l0.av.$$t.npy $$d/; done; \
	  o=$$(( 10 + $$(od -An -tu2 -j8 -N2 $$f) + 7 * 197 * 197 + 5 )); \
	  b=$$(od -An -tu1 -j$$o -N1 $$f); \
	  printf "\\$$(printf %o $$(( $$b ^ 128 )))" | dd of=$$f bs=1 seek=$$o conv=notrunc 2>/dev/null; \
	  $(COSIM_BUILD)/sde_cosim --npy $$d/l0.av --head 7 >$$d/log 2>&1; rc=$$?; \
	  if [ $$rc -eq 1 ] && grep -q 'against out.npy' $$d/log; then \
	    echo "cosim-sde-quick: corrupted a.npy[7][0][5] caught against out.npy (exit 1)"; \
	  else echo "cosim-sde-quick: corrupted a.npy NOT caught (exit $$rc): see $$d/log"; exit 1; fi
	@set +e; v=$(COSIM_BUILD)/fault.vcd; rm -f $$v; \
	  $(COSIM_BUILD)/sde_cosim --seed 1 --cmds 10000 --inject-flip 150000 \
	    --vcd $$v > $$v.log 2>&1; rc=$$?; \
	  c=$$(sed -n 's/.*FAIL at cycle \([0-9]*\): .*/\1/p' $$v.log); \
	  n=$$(wc -c < $$v 2>/dev/null); \
	  if [ $$rc -eq 1 ] && [ -n "$$c" ] && grep -qx "#$$((2 * ($$c + 2) + 1))" $$v && \
	     grep -q "wrote VCD window cycles $$(($$c - 64))\.\.$$(($$c + 4)) to $$v " $$v.log && \
	     [ "$$n" -lt $(COSIM_SDE_VCD_MAX) ]; then \
	    echo "cosim-sde-quick: --vcd of a fault at cycle $$c: $$n B, holds its clock"; \
	  else echo "cosim-sde-quick: --vcd window wrong (exit $$rc, cycle '$$c', '$$n' B): see $$v.log"; exit 1; fi
	@set +e; v=$(COSIM_BUILD)/pass.vcd; for w in 0:64 100:199; do rm -f $$v; \
	  a=$${w%:*}; b=$${w#*:}; o=$$([ $$w = 0:64 ] || echo "--vcd-window $$w"); \
	  $(COSIM_BUILD)/sde_cosim --seed 2 --cmds 200 --vcd $$v $$o > $$v.log 2>&1; rc=$$?; \
	  t=$$(sed -n 's/^#\([0-9]*\)$$/\1/p' $$v 2>/dev/null | sed -n '1p;$$p' | tr '\n' ' '); \
	  n=$$(grep -c '^#[0-9]' $$v 2>/dev/null); s=$$(wc -c < $$v 2>/dev/null || echo 0); \
	  if [ $$rc -eq 0 ] && [ "$$t" = "$$((2 * a + 4)) $$((2 * b + 5)) " ] && \
	     [ "$$n" -eq $$((2 * (b - a + 1))) ] && [ $$s -lt $(COSIM_SDE_VCD_MAX) ] && \
	     grep -q "wrote VCD window cycles $$a\.\.$$b to $$v " $$v.log; then \
	    echo "cosim-sde-quick: --vcd$${o:+ $$o} of a passing run: cycles $$a..$$b, VCD times $$((2 * a + 4))..$$((2 * b + 5)) ($$s B)"; \
	  else echo "cosim-sde-quick: --vcd$${o:+ $$o} of a passing run wrong (exit $$rc, times '$$t', $$n timestamps): see $$v.log"; \
	    exit 1; fi; done

# More seeds on both arrays, every acc_db setting, every injection port;
# the whole of the four attention GEMMs (--npy, 8-bit: the CI array only),
# and every GEMM dump of the MoE slice (PREFIX.a.npy) when there are some.
cosim-sde: $(COSIM_BUILD)/sde_cosim $(COSIM_BUILD)/wide/sde_cosim \
		$(COSIM_SDE_SLICE)/done $(COSIM_BUILD)/slices/m3vit-moe/done
	@echo "-- RUN cosim-sde --"
	@set -e; for p in qkv qk av proj; do \
	  $(COSIM_BUILD)/sde_cosim --seed 7 --npy $(COSIM_SDE_SLICE)/l0.$$p; done
	@set -e; n=0; for a in $(COSIM_BUILD)/slices/m3vit-moe/*.a.npy; do \
	  [ -e "$$a" ] || continue; n=$$((n + 1)); \
	  $(COSIM_BUILD)/sde_cosim --seed 7 --npy $${a%.a.npy}; done; \
	  echo "cosim-sde: $$n GEMM dumps of the MoE slice run"
	@set -e; for b in $(filter %/sde_cosim,$^); do for s in $(COSIM_SEEDS); do \
	  $$b --seed $$s --cmds 5000; done; \
	  $$b --seed 99 --cmds 3000 --acc-db 0; \
	  $$b --seed 98 --cmds 3000 --acc-db 1; \
	  $$b --seed 97 --cmds 3000 --timing; done
	@set +e; for b in $(filter %/sde_cosim,$^); do \
	  for p in active cmd_ready rd_done wb_done op_rd out_data; do \
	  $$b --seed 5 --cmds 300 --inject-flip 700 --inject-port $$p >/dev/null 2>&1; rc=$$?; \
	  if [ $$rc -ne 1 ]; then echo "cosim-sde: $$p flip NOT caught by $$b (exit $$rc)"; exit 1; fi; \
	  done; done; echo "cosim-sde: every injected fault caught (exit 1)"

cosim-sde-lint:
	@echo "-- LINT rtl/sde.v --"
	$(VERILATOR) --lint-only -Wall -Irtl rtl/sde.v
	$(IVERILOG) -g2012 -o /dev/null $(COSIM_RTL)

cosim-clean:
	rm -rf $(COSIM_BUILD)

cosim-force:

# ---- Icarus: the same stimulus replayed from files (tests/icarus/) ----
# sde_cosim --write-vectors writes each run's inputs and the C model's
# expected outputs as plain text; tests/icarus/tb_sde.v replays them on
# rtl/sde.v under Icarus and compares every cycle.
#   make -f tests/cosim/cosim.mk icarus-sde-quick   2 seeds on the CI array (CI)
#   make -f tests/cosim/cosim.mk icarus-clean       remove build/icarus

ICARUS_BUILD       ?= $(or $(BUILD),build)/icarus
VVP                ?= vvp
ICARUS_SEEDS_QUICK ?= 1 2
# ~22 000 cycles a seed; Icarus runs the 4x4 array at ~2 300 cycles/s
ICARUS_CMDS_QUICK  ?= 1000

# iverilog, one flag per line.
ICARUS_FLAGS := -g2012
# every warning class; the RTL and the bench compile clean
ICARUS_FLAGS += -Wall
# the array of the CI binary, as -G to Verilator there
ICARUS_FLAGS += $(addprefix -Ptb_sde.,$(COSIM_SDE_PARAMS))

$(ICARUS_BUILD)/tb_sde.vvp: tests/icarus/tb_sde.v $(COSIM_RTL) $(COSIM_BUILD)/params.stamp
	@echo "-- ICARUS BUILD $@ ($(COSIM_SDE_PARAMS)) --"
	@mkdir -p $(@D)
	$(IVERILOG) $(ICARUS_FLAGS) -o $@ tests/icarus/tb_sde.v $(COSIM_RTL)

.PHONY: icarus-sde-quick icarus-clean

# CI: vectors of a few seeds replayed under Icarus (both seeds at once, one
# per core), then proof that a corrupted expected value fails the bench.
# A run passes on exit 0 with the PASS line and no RTL assertion message
# (Icarus prints "ERROR:" for a failed assert but carries on).
icarus-sde-quick: $(COSIM_BUILD)/sde_cosim $(ICARUS_BUILD)/tb_sde.vvp
	@echo "-- VECTORS icarus-sde-quick --"
	@set -e; for s in $(ICARUS_SEEDS_QUICK); do \
	  $(COSIM_BUILD)/sde_cosim --seed $$s --cmds $(ICARUS_CMDS_QUICK) \
	    --write-vectors $(ICARUS_BUILD)/seed$$s; done
	@echo "-- RUN vvp icarus-sde-quick --"
	@pids=; for s in $(ICARUS_SEEDS_QUICK); do d=$(ICARUS_BUILD)/seed$$s; \
	  $(VVP) -n $(ICARUS_BUILD)/tb_sde.vvp +stim=$$d/stim.txt \
	    +expect=$$d/expect.txt >$$d/vvp.log 2>&1 & pids="$$pids $$!"; done; \
	  rc=0; for p in $$pids; do wait $$p || rc=1; done; \
	  for s in $(ICARUS_SEEDS_QUICK); do d=$(ICARUS_BUILD)/seed$$s; cat $$d/vvp.log; \
	    if ! grep -q '^icarus sde: PASS' $$d/vvp.log || grep -q '^ERROR' $$d/vvp.log; \
	    then echo "icarus-sde-quick: seed $$s FAILED (log $$d/vvp.log)"; rc=1; fi; done; \
	  exit $$rc
	@d=$(ICARUS_BUILD)/fault; s=$(firstword $(ICARUS_SEEDS_QUICK)); mkdir -p $$d; \
	  awk 'NR > 1 && !done && $$11 == "1" { i = index("0123456789abcdef", \
	    substr($$13, length($$13))); $$13 = substr($$13, 1, length($$13) - 1) \
	    substr("1032547698badcfe", i, 1); done = 1 } { print }' \
	    $(ICARUS_BUILD)/seed$$s/expect.txt >$$d/expect.txt; \
	  cmp -s $$d/expect.txt $(ICARUS_BUILD)/seed$$s/expect.txt && \
	    { echo "icarus-sde-quick: no out_data value to corrupt"; exit 1; }; \
	  $(VVP) -n $(ICARUS_BUILD)/tb_sde.vvp +stim=$(ICARUS_BUILD)/seed$$s/stim.txt \
	    +expect=$$d/expect.txt >$$d/vvp.log 2>&1; rc=$$?; \
	  if [ $$rc -eq 1 ] && grep -q 'MISMATCH at cycle [0-9]* port out_data' $$d/vvp.log; then \
	    echo "icarus-sde-quick: corrupted expected value caught (exit 1):"; \
	    grep -m1 MISMATCH $$d/vvp.log; \
	  else echo "icarus-sde-quick: corrupted expected value NOT caught (exit $$rc)"; \
	    cat $$d/vvp.log; exit 1; fi

icarus-clean:
	rm -rf $(ICARUS_BUILD)

# ---- the softmax unit: rtl/smx.v against models/fu.c + smx_ref.c ----
# tests/cosim/smx_cosim.h says how; the beat formats are in rtl/smx.v.
# cosim-smx-quick also needs the vit-b16-attn slice of tests/cosim/slices.mk
# (the top Makefile includes both):
#   make build/cosim/smx/smx_cosim   build the CI unit (online and ita)
#   make cosim-smx-quick             seeds of both algorithms, a real tile,
#                                    the injected faults, a VCD window (CI)
#   make cosim-smx-soak              more seeds, longer rows, the whole real
#                                    op, every port's fault (make cosim)
#   make cosim-smx-lint              Verilator -Wall + Icarus

# The unit each binary is built for; the same values go to Verilator as -G
# and to the C and C++ compilers as -DSMX_*. The binary holds two models of
# rtl/smx.v, ALGORITHM 0 (online) and 1 (ita), and --algo picks one.
# CI: 2 lanes, the default recip_latency 8 (4 quotient bits a cycle) and
# 2 dividers of 19 cycles (ita: 10 a row), random rows up to 40 scores, so
# that both c < L and c > L windows occur; ROWS holds the real op's tiles
# (332 rows of 197 scores on the default config), N_MAX rows long enough
# to saturate ita's 19-bit denominator (2048 maximal scores).
COSIM_SMX_PARAMS ?= LANES=2 EXP_LATENCY=2 RECIP_LATENCY=8 DIVIDERS=2 DIV_LATENCY=19 ROWS=512 N_MAX=4096
# The online model also has the fused front end (rtl/smx.v "Fused"): a score
# buffer of this many rows (x N_MAX), which smx_cosim --fused drives and the
# other runs leave idle (a non-fused tile ignores it). The ita model, the
# Icarus bench and the vector files stay at FUSED_ROWS 1. 64 rows add ~3 s
# to the online model's build on 2 cores.
COSIM_SMX_FUSED_ROWS ?= 64
COSIM_SMX_BUILD  := $(COSIM_BUILD)/smx
COSIM_SMX_RTL    := $(wildcard rtl/smx*.v) rtl/fu.v
# the unit's models, and what --npy needs to tile an op as sim/plan.c does
COSIM_SMX_MODEL  := smx smx_ref gate vec vec_ref nm sde fu dma golden fu_unit dma_unit sde_unit sde_func vec_unit vec_func smx_unit smx_func gate_unit gate_func
COSIM_SMX_SIM    := plan config err trace unit energy func moe moe_func lib/npy lib/afile lib/num
COSIM_SMX_HEADERS := $(wildcard models/*.h sim/*.h) tests/cosim/smx_cosim.h \
	tests/cosim/harness.h
COSIM_SMX_SEEDS_QUICK ?= 1 2 3 4
COSIM_SMX_TILES_QUICK ?= 400
COSIM_SMX_SEEDS       ?= 1 2 3 4 5 6 7 8 9 10 11 12
# Real scores: ViT-B/16 layer 0's softmax (12 heads of 197 x 197), dumped by
# slices.mk. Its directory is spelled out: this file is read before
# slices.mk sets SLICE_DIR.
COSIM_SMX_SLICE  := $(COSIM_BUILD)/slices/vit-b16-attn
COSIM_SMX_NPY    := $(COSIM_SMX_SLICE)/l0.sm
# the config slices.mk dumps with (its SLICE_CONFIG)
COSIM_SMX_SLICE_CONFIG := configs/sta-default.ini
COSIM_SMX_FUSED_SEEDS_QUICK ?= 1 2 3 4
# scenarios a fused seed runs (~2 000 cycles each with the default --max-n,
# ~0.1 s a seed)
COSIM_SMX_FUSED_QUICK ?= 20
# --vcd check: a fault injected late in a long run; the window of
# cycles C-64..C+4 (--vcd-window's default 64), two timestamps each, must stay
# under this many bytes (the whole run, traced, would be ~100 MB).
COSIM_SMX_VCD_MAX ?= 131072

# The C side: the project's flags, plus sim/ for --npy (config, plan) and
# the source tree for the default --config.
COSIM_SMX_CFLAGS := $(COSIM_CFLAGS) -Isim -DSTASIM_SRC_DIR='"$(CURDIR)"'
COSIM_SMX_CFLAGS += $(addprefix -DSMX_,$(COSIM_SMX_PARAMS)) -DSMX_FUSED_ROWS=$(COSIM_SMX_FUSED_ROWS)

# Verilator: the engine's flags, for the same reasons, with smx as the top.
COSIM_SMX_VFLAGS := $(subst --top-module sde,--top-module smx,$(COSIM_VFLAGS))
# waves always built in: --vcd replays a failed run traced (vcd_window.h);
# the first pass leaves tracing off. It adds ~3 s of CPU to the ~16 s build
# of both models on 2 cores (2.2 s of it Verilator's VCD writer); untraced
# runs are as fast as without it.
COSIM_SMX_VFLAGS += $(if $(filter 1,$(COSIM_TRACE)),,--trace)
# the ita model is a library linked into the online model's executable
COSIM_SMX_ITA_LIB := $(COSIM_SMX_BUILD)/ita/Vsmx_ita__ALL.a

$(COSIM_SMX_BUILD)/params.stamp: cosim-force
	@mkdir -p $(@D)
	@echo '$(COSIM_SMX_PARAMS) FUSED_ROWS=$(COSIM_SMX_FUSED_ROWS) COSIM_TRACE=$(COSIM_TRACE)' | \
	  cmp -s - $@ || \
	  echo '$(COSIM_SMX_PARAMS) FUSED_ROWS=$(COSIM_SMX_FUSED_ROWS) COSIM_TRACE=$(COSIM_TRACE)' > $@

$(COSIM_SMX_BUILD)/c/%.o: models/%.c $(COSIM_SMX_HEADERS) $(COSIM_SMX_BUILD)/params.stamp
	@mkdir -p $(@D)
	$(COSIM_CC) $(COSIM_SMX_CFLAGS) -c $< -o $@

$(COSIM_SMX_BUILD)/c/sim/%.o: sim/%.c $(COSIM_SMX_HEADERS) $(COSIM_SMX_BUILD)/params.stamp
	@mkdir -p $(@D)
	$(COSIM_CC) $(COSIM_SMX_CFLAGS) -c $< -o $@

$(COSIM_SMX_BUILD)/c/smx_cosim.o: tests/cosim/smx_cosim.c $(COSIM_SMX_HEADERS) \
		$(COSIM_SMX_BUILD)/params.stamp
	@mkdir -p $(@D)
	$(COSIM_CC) $(COSIM_SMX_CFLAGS) -c $< -o $@

$(COSIM_SMX_BUILD)/c/harness.o: tests/cosim/harness.c tests/cosim/harness.h
	@mkdir -p $(@D)
	$(COSIM_CC) $(COSIM_CFLAGS) -c $< -o $@

COSIM_SMX_OBJS := $(addprefix $(COSIM_SMX_BUILD)/c/,$(addsuffix .o,$(COSIM_SMX_MODEL) smx_cosim harness)) \
	$(addprefix $(COSIM_SMX_BUILD)/c/sim/,$(addsuffix .o,$(COSIM_SMX_SIM)))

$(COSIM_SMX_ITA_LIB): $(COSIM_SMX_RTL) $(COSIM_SMX_BUILD)/params.stamp
	@echo "-- VERILATE + BUILD $@ (ALGORITHM=1 $(COSIM_SMX_PARAMS)) --"
	$(VERILATOR) $(filter-out --exe,$(COSIM_SMX_VFLAGS)) --prefix Vsmx_ita \
		--Mdir $(@D) -GALGORITHM=1 $(addprefix -G,$(COSIM_SMX_PARAMS)) rtl/smx.v

$(COSIM_SMX_BUILD)/smx_cosim: $(COSIM_SMX_RTL) tests/cosim/smx_main.cpp \
		tests/cosim/vcd_window.h tests/cosim/cosim_main.h \
		$(COSIM_SMX_BUILD)/params.stamp \
		$(COSIM_SMX_OBJS) $(COSIM_SMX_ITA_LIB)
	@echo "-- VERILATE + BUILD $@ (ALGORITHM=0 $(COSIM_SMX_PARAMS) FUSED_ROWS=$(COSIM_SMX_FUSED_ROWS)) --"
	@rm -f $@
	$(VERILATOR) $(COSIM_SMX_VFLAGS) --Mdir $(COSIM_SMX_BUILD)/obj -o $(abspath $@) \
		-GALGORITHM=0 $(addprefix -G,$(COSIM_SMX_PARAMS)) -GFUSED_ROWS=$(COSIM_SMX_FUSED_ROWS) \
		-CFLAGS "$(addprefix -DSMX_,$(COSIM_SMX_PARAMS)) -DSMX_FUSED_ROWS=$(COSIM_SMX_FUSED_ROWS) -I$(abspath $(COSIM_SMX_BUILD)/ita)" \
		rtl/smx.v $(CURDIR)/tests/cosim/smx_main.cpp \
		$(abspath $(COSIM_SMX_OBJS) $(COSIM_SMX_ITA_LIB)) -LDFLAGS "-linih -lz -lm"

.PHONY: cosim-smx-quick cosim-smx-soak cosim-smx-lint

# $(call smx_inject,ALGO,PORTS,TILES,CYCLE): each flip must fail the run (exit 1).
define smx_inject
	@set +e; for p in $(2); do \
	  $(COSIM_SMX_BUILD)/smx_cosim --algo $(1) --seed 1 --tiles $(3) --inject-flip $(4) \
	    --inject-port $$p >/dev/null 2>&1; rc=$$?; \
	  if [ $$rc -eq 1 ]; then echo "$@: injected $(1) $$p fault caught (exit 1)"; \
	  else echo "$@: injected $(1) $$p fault NOT caught (exit $$rc)"; exit 1; fi; \
	  done
endef

# $(call smx_inject_fused,PORTS,SCENARIOS,CYCLE): the same for --fused runs.
define smx_inject_fused
	@set +e; for p in $(1); do \
	  $(COSIM_SMX_BUILD)/smx_cosim --fused $(2) --seed 1 --inject-flip $(3) \
	    --inject-port $$p >/dev/null 2>&1; rc=$$?; \
	  if [ $$rc -eq 1 ]; then echo "$@: injected fused $$p fault caught (exit 1)"; \
	  else echo "$@: injected fused $$p fault NOT caught (exit $$rc)"; exit 1; fi; \
	  done
endef

# CI: a few seeds of each algorithm, and rows up to 4096 long (ita's
# denominator saturates); fused scenarios on the online model (rows of up
# to 40 scores, then rows of up to 4096); the first scheduler tile of a
# real softmax op (332 rows, ~1.7 heads) against smx_row and the dumped
# probabilities (it passes, so its --vcd writes cycles 0..64, and with
# --vcd-window 100:199 those cycles: exactly the timestamps 2 A + 4 ..
# 2 B + 5, two a cycle after 3 reset clocks); proof that a
# flipped probability bit and a flipped controller pulse are caught in
# both, and a flipped fetched probability, p_valid and wb_done in a fused
# run; and a faulty long run's --vcd: a bounded window holding the rising
# edge of the mismatch clock (cycle C is the check after clock C - 1, whose
# rising edge is at VCD time 2 (C - 1 + 3 reset clocks) + 1).
cosim-smx-quick: $(COSIM_SMX_BUILD)/smx_cosim $(COSIM_SMX_SLICE)/done
	@echo "-- RUN cosim-smx-quick --"
	@set -e; for a in online ita; do for s in $(COSIM_SMX_SEEDS_QUICK); do \
	  $(COSIM_SMX_BUILD)/smx_cosim --algo $$a --seed $$s --tiles $(COSIM_SMX_TILES_QUICK); \
	  done; done
	@$(COSIM_SMX_BUILD)/smx_cosim --algo ita --seed 4 --tiles 16 --max-rows 2 --max-n 4096
	@set -e; for s in $(COSIM_SMX_FUSED_SEEDS_QUICK); do \
	  $(COSIM_SMX_BUILD)/smx_cosim --fused $(COSIM_SMX_FUSED_QUICK) --seed $$s; done
	@$(COSIM_SMX_BUILD)/smx_cosim --fused 3 --seed 5 --max-n 4096
	@set +e; v=$(COSIM_SMX_BUILD)/pass.vcd; for w in 0:64 100:199; do rm -f $$v; \
	  a=$${w%:*}; b=$${w#*:}; o=$$([ $$w = 0:64 ] || echo "--vcd-window $$w"); \
	  $(COSIM_SMX_BUILD)/smx_cosim --npy $(COSIM_SMX_NPY) --tiles 1 --vcd $$v $$o > $$v.log 2>&1; rc=$$?; \
	  t=$$(sed -n 's/^#\([0-9]*\)$$/\1/p' $$v 2>/dev/null | sed -n '1p;$$p' | tr '\n' ' '); \
	  n=$$(grep -c '^#[0-9]' $$v 2>/dev/null); s=$$(wc -c < $$v 2>/dev/null || echo 0); \
	  if [ $$rc -eq 0 ] && [ "$$t" = "$$((2 * a + 4)) $$((2 * b + 5)) " ] && \
	     [ "$$n" -eq $$((2 * (b - a + 1))) ] && [ $$s -le $(COSIM_SMX_VCD_MAX) ] && \
	     grep -q "wrote VCD window cycles $$a\.\.$$b to $$v " $$v.log; then \
	    echo "$@: --vcd$${o:+ $$o} of a passing run: cycles $$a..$$b, VCD times $$((2 * a + 4))..$$((2 * b + 5)) ($$s B)"; \
	  else echo "$@: --vcd$${o:+ $$o} of a passing run wrong (exit $$rc, times '$$t', $$n timestamps): see $$v.log"; \
	    exit 1; fi; done
	$(call smx_inject,online,out_p wb_done,50,500)
	$(call smx_inject,ita,out_p wb_done,50,500)
	$(call smx_inject_fused,p_data p_valid wb_done,2,500)
	@set +e; v=$(COSIM_SMX_BUILD)/fault.vcd; rm -f $$v; \
	  $(COSIM_SMX_BUILD)/smx_cosim --algo ita --seed 5 --tiles 3000 --inject-flip 150000 \
	    --vcd $$v > $$v.log 2>&1; rc=$$?; \
	  c=$$(sed -n 's/.*FAIL at cycle \([0-9]*\): .*/\1/p' $$v.log); \
	  t=$$(sed -n 's/^#\([0-9]*\)$$/\1/p' $$v 2>/dev/null | sed -n '1p;$$p' | tr '\n' ' '); \
	  set -- $$t; b=$$(wc -c < $$v 2>/dev/null || echo 0); \
	  n=$$(grep -c '^#[0-9]' $$v 2>/dev/null); \
	  if [ $$rc -eq 1 ] && [ -n "$$c" ] && [ $$# -eq 2 ] && \
	     [ $$1 -le $$((2 * ($$c + 2) + 1)) ] && [ $$((2 * ($$c + 2) + 1)) -le $$2 ] && \
	     grep -qx "#$$((2 * ($$c + 2) + 1))" $$v && [ "$$n" -le $$((2 * (64 + 5))) ] && \
	     grep -q "wrote VCD window cycles $$(($$c - 64))\.\.$$(($$c + 4)) to $$v " $$v.log && \
	     [ $$b -le $(COSIM_SMX_VCD_MAX) ]; then \
	    echo "$@: --vcd window of VCD times $$1 .. $$2 ($$n timestamps, $$b B) holds mismatch cycle $$c"; \
	  else echo "$@: --vcd window wrong (exit $$rc, cycle '$$c', times '$$t', $$n timestamps, $$b B): see $$v.log"; \
	    exit 1; fi

# make cosim: more and longer random rows (up to 16 rows of 256 scores, 16
# groups of ita's 16; 2 rows of up to 4096), the whole real op (all 12
# heads, 8 tiles) with both algorithms against the C model and against
# dumps of their own (ita: the slice rerun with algorithm = ita, with each
# ita_eps32), more and longer fused scenarios, and a flip on every port of
# both and of a fused run.
COSIM_SMX_ITA_SLICES := $(COSIM_SMX_BUILD)/slice-ita $(COSIM_SMX_BUILD)/slice-ita32

# $(call smx_ita_slice,DIR,EPS32): the slice's functional run with ita; the
# config is the slice's with its energy table path made absolute.
define smx_ita_slice
$(1)/done: $(COSIM_SMX_SLICE)/done $(COSIM_SMX_SLICE_CONFIG)
	@rm -rf $(1) && mkdir -p $(1)
	sed 's|^table = energy/|table = $(CURDIR)/configs/energy/|' \
	  $(COSIM_SMX_SLICE_CONFIG) > $(1)/ita.ini
	printf '[softmax]\nalgorithm = ita\nita_eps32 = $(2)\n' >> $(1)/ita.ini
	$(BUILD)/stasim run -c $(1)/ita.ini -t $(COSIM_SMX_SLICE)/slice.trace \
	  --mode functional --dump $(1) > $(1)/report.txt
	@touch $$@
endef
$(eval $(call smx_ita_slice,$(word 1,$(COSIM_SMX_ITA_SLICES)),false))
$(eval $(call smx_ita_slice,$(word 2,$(COSIM_SMX_ITA_SLICES)),true))

cosim-smx-soak: $(COSIM_SMX_BUILD)/smx_cosim $(COSIM_SMX_SLICE)/done \
		$(addsuffix /done,$(COSIM_SMX_ITA_SLICES))
	@echo "-- RUN cosim-smx-soak --"
	@set -e; for a in online ita; do for s in $(COSIM_SMX_SEEDS); do \
	  $(COSIM_SMX_BUILD)/smx_cosim --algo $$a --seed $$s --tiles 2000; done; \
	  $(COSIM_SMX_BUILD)/smx_cosim --algo $$a --seed 99 --tiles 300 --max-rows 16 --max-n 256; \
	  $(COSIM_SMX_BUILD)/smx_cosim --algo $$a --seed 98 --tiles 60 --max-rows 2 --max-n 4096; \
	  $(COSIM_SMX_BUILD)/smx_cosim --algo $$a --npy $(COSIM_SMX_NPY); done
	@set -e; for d in $(COSIM_SMX_ITA_SLICES); do \
	  $(COSIM_SMX_BUILD)/smx_cosim --npy $$d/l0.sm --config $$d/ita.ini; done
	@set -e; for s in $(COSIM_SMX_SEEDS); do \
	  $(COSIM_SMX_BUILD)/smx_cosim --fused 40 --seed $$s; done; \
	  $(COSIM_SMX_BUILD)/smx_cosim --fused 30 --seed 97 --max-n 256 --max-rows 16; \
	  $(COSIM_SMX_BUILD)/smx_cosim --fused 6 --seed 96 --max-n 4096
	$(call smx_inject,online,out_p active cmd_ready rd_done wb_done,300,2000)
	$(call smx_inject,ita,out_p active cmd_ready rd_done wb_done,300,2000)
	$(call smx_inject_fused,p_data p_valid out_p active cmd_ready rd_done wb_done,6,2000)

# make cosim runs the soak too
cosim: cosim-smx-soak

# The fused front end too: the CI build's (FUSED_ROWS of the online model)
# and a score buffer of rows not a power of two at the defaults. Icarus
# warns that its combinational fetch reads whole memories (score buffer,
# row file, reciprocal pipeline): -Wno-sensitivity-entire-array for those.
# Icarus compiles it at the default N_MAX (64): the CI build's 64 x 4096
# score buffer would take it hours (its @* over a memory grows with the
# square of the words: 4 s at 64 x 256, 42 s at 64 x 1024).
cosim-smx-lint:
	@echo "-- LINT rtl/smx.v rtl/smx_ita.v --"
	$(VERILATOR) --lint-only -Wall -Irtl rtl/smx.v
	$(VERILATOR) --lint-only -Wall -Irtl rtl/smx_ita.v
	$(VERILATOR) --lint-only -Wall -Irtl $(addprefix -G,$(COSIM_SMX_PARAMS)) rtl/smx.v
	$(VERILATOR) --lint-only -Wall -Irtl -GALGORITHM=1 $(addprefix -G,$(COSIM_SMX_PARAMS)) rtl/smx.v
	$(VERILATOR) --lint-only -Wall -Irtl $(addprefix -G,$(COSIM_SMX_PARAMS)) \
		-GFUSED_ROWS=$(COSIM_SMX_FUSED_ROWS) rtl/smx.v
	$(VERILATOR) --lint-only -Wall -Irtl -GFUSED_ROWS=12 rtl/smx.v
	$(IVERILOG) -g2012 -Wall -o /dev/null $(COSIM_SMX_RTL)
	$(IVERILOG) -g2012 -Wall -Psmx.ALGORITHM=1 -o /dev/null $(COSIM_SMX_RTL)
	$(IVERILOG) -g2012 -Wall -Wno-sensitivity-entire-array \
		-Psmx.FUSED_ROWS=$(COSIM_SMX_FUSED_ROWS) -o /dev/null $(COSIM_SMX_RTL)

# cosim-sde-lint also lints the softmax unit
cosim-sde-lint: cosim-smx-lint
