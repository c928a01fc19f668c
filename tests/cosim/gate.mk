# tests/cosim/gate.mk - lockstep co-simulation of rtl/gate.v, the whole MoE
# gate unit (router logits GEMV, softmax over the experts, top-k), against
# models/fu.c + models/gate.c (gate_cycles, gate_token);
# tests/cosim/gate_cosim.h says how, rtl/gate.v has the beat formats.
# Include after tests/cosim/cosim.mk (it reuses COSIM_* from there);
# cosim-gate-quick also needs the m3vit-moe slice of tests/cosim/slices.mk
# (the top Makefile includes both):
#   make build/cosim/gate/gate_cosim   build the CI unit (online softmax)
#   make cosim-gate-quick              seeds of three builds, a real layer's
#                                      router, the injected faults and a VCD
#                                      window (CI)
#   make cosim-gate-lint               Verilator -Wall + Icarus

# The units the binaries are built for; the same values go to Verilator as
# -G and to the C and C++ compilers as -DGATE_RTL_* (gate_cosim.h).
# CI: up to 20 experts (5-bit indices: out_idx is 40 bits, wider than one
# word), k up to 8, 8 tokens of up to 24 a tile; 7 MACs a cycle (no
# divisor of most D E: beats straddle experts and rows of W_gate), 3
# candidates a cycle into the sorter, 3 softmax lanes, short latencies:
# the logits or the softmax stage is the slowest, depending on D (the
# top-k stage is the slowest only in the real layer's unit below, one
# sorter and 16 lanes, for tokens narrower than 64).
COSIM_GATE_PARAMS      ?= E_MAX=20 K_MAX=8 T_MAX=8 D_MAX=24 GEMV=7 SORTERS=3 LANES=3 \
	ALGORITHM=0 EXP_LATENCY=2 RECIP_LATENCY=5 DIVIDERS=2 DIV_LATENCY=9
# The same unit with the ita softmax (a division of ceil(9 / 2) = 5 cycles).
COSIM_GATE_ITA_PARAMS  ?= $(filter-out ALGORITHM=%,$(COSIM_GATE_PARAMS)) ALGORITHM=1
# The real layer's unit, as the SystemC platform builds it (SC_GATE_PARAMS
# and SC_SMX_PARAMS of sim/systemc/systemc.mk): a 64-MAC GEMV, one sorter,
# 16 softmax lanes, room for M3ViT-Tiny's router (129 tokens of 192, 16
# experts, top-2) in one tile. Its random tiles are kept to the router's
# size (COSIM_GATE_REAL_BOUNDS) and put several rows of W_gate in a beat.
COSIM_GATE_REAL_PARAMS ?= E_MAX=32 K_MAX=8 T_MAX=1024 D_MAX=1024 GEMV=64 SORTERS=1 LANES=16 \
	ALGORITHM=0 EXP_LATENCY=4 RECIP_LATENCY=8 DIVIDERS=2 DIV_LATENCY=19
COSIM_GATE_REAL_BOUNDS ?= --max-tokens 16 --max-width 192
COSIM_GATE_BUILD   := $(COSIM_BUILD)/gate
COSIM_GATE_RTL     := rtl/gate.v rtl/fu.v rtl/smx_online.v rtl/smx_ita.v
COSIM_GATE_MODEL   := fu gate nm smx smx_ref
COSIM_GATE_HEADERS := models/fu.h models/gate.h models/smx.h models/smx_ref.h models/nl.h \
	models/unit.h sim/kern.h tests/cosim/gate_cosim.h tests/cosim/harness.h
# the three binaries; the CI one keeps its path (sim/main.c: stasim cosim gate)
COSIM_GATE_BIN      := $(COSIM_GATE_BUILD)/gate_cosim
COSIM_GATE_ITA_BIN  := $(COSIM_GATE_BUILD)/ita/gate_cosim
COSIM_GATE_REAL_BIN := $(COSIM_GATE_BUILD)/real/gate_cosim
COSIM_GATE_SEEDS_QUICK ?= 1 2 3 4
COSIM_GATE_TILES_QUICK ?= 1000
COSIM_GATE_REAL_SEEDS_QUICK ?= 1 2
COSIM_GATE_REAL_TILES_QUICK ?= 300
# Real tokens and weights: the router of M3ViT-Tiny's layer-1 MoE block (129
# tokens of 192, 16 experts, top-2), dumped by slices.mk. Its directory is
# spelled out: this file is read before slices.mk sets SLICE_DIR.
COSIM_GATE_SLICE   := $(COSIM_BUILD)/slices/m3vit-moe
COSIM_GATE_NPY     := $(COSIM_GATE_SLICE)/l1.gate
# --vcd check: cycles kept before the mismatch. The window C-BEFORE..C+4
# then holds at most 2 (BEFORE + 1 + 4) timestamps, two edges a cycle.
COSIM_GATE_VCD_BEFORE ?= 16

# Verilator: the engine's flags, for the same reasons, with gate as the top.
COSIM_GATE_VFLAGS := $(subst --top-module sde,--top-module gate,$(COSIM_VFLAGS))
# gate.c's softmax (smx_ref.c) needs libm
COSIM_GATE_VFLAGS += -LDFLAGS -lm
# waves always built in: --vcd replays a failed run traced (vcd_window.h);
# the first pass leaves tracing off.
COSIM_GATE_VFLAGS += $(if $(filter 1,$(COSIM_TRACE)),,--trace)

# The model and the shared harness code know nothing of the unit's
# parameters: one set of objects for every build.
$(COSIM_GATE_BUILD)/c/%.o: models/%.c $(COSIM_GATE_HEADERS)
	@mkdir -p $(@D)
	$(COSIM_CC) $(COSIM_CFLAGS) -c $< -o $@

$(COSIM_GATE_BUILD)/c/harness.o: tests/cosim/harness.c tests/cosim/harness.h
	@mkdir -p $(@D)
	$(COSIM_CC) $(COSIM_CFLAGS) -c $< -o $@

COSIM_GATE_OBJS := $(addprefix $(COSIM_GATE_BUILD)/c/,$(addsuffix .o,$(COSIM_GATE_MODEL) harness))

# $(call gate_variant,DIR,PARAMS): DIR/gate_cosim for the unit PARAMS.
define gate_variant
$(1)/params.stamp: cosim-force
	@mkdir -p $(1)
	@echo '$(2) COSIM_TRACE=$$(COSIM_TRACE)' | cmp -s - $$@ || \
	  echo '$(2) COSIM_TRACE=$$(COSIM_TRACE)' > $$@

$(1)/c/gate_cosim.o: tests/cosim/gate_cosim.c $$(COSIM_GATE_HEADERS) $(1)/params.stamp
	@mkdir -p $$(@D)
	$$(COSIM_CC) $$(COSIM_CFLAGS) $(addprefix -DGATE_RTL_,$(2)) -c $$< -o $$@

$(1)/gate_cosim: $$(COSIM_GATE_RTL) tests/cosim/gate_main.cpp \
		tests/cosim/vcd_window.h tests/cosim/cosim_main.h \
		$(1)/params.stamp $(1)/c/gate_cosim.o $$(COSIM_GATE_OBJS)
	@echo "-- VERILATE + BUILD $$@ ($(2)) --"
	@rm -f $$@
	$$(VERILATOR) $$(COSIM_GATE_VFLAGS) --Mdir $(1)/obj -o $$(abspath $$@) \
		$(addprefix -G,$(2)) -CFLAGS "$(addprefix -DGATE_RTL_,$(2))" \
		rtl/gate.v $$(CURDIR)/tests/cosim/gate_main.cpp \
		$$(abspath $(1)/c/gate_cosim.o $$(COSIM_GATE_OBJS))
endef

$(eval $(call gate_variant,$(COSIM_GATE_BUILD),$(COSIM_GATE_PARAMS)))
$(eval $(call gate_variant,$(COSIM_GATE_BUILD)/ita,$(COSIM_GATE_ITA_PARAMS)))
$(eval $(call gate_variant,$(COSIM_GATE_BUILD)/real,$(COSIM_GATE_REAL_PARAMS)))

.PHONY: cosim-gate-quick cosim-gate-lint

# $(call gate_inject,BIN,PORTS): each flip must fail a short run (exit 1).
define gate_inject
	@set +e; for p in $(2); do \
	  $(1) --seed 1 --tiles 50 --inject-flip 500 --inject-port $$p >/dev/null 2>&1; rc=$$?; \
	  if [ $$rc -eq 1 ]; then echo "cosim-gate-quick: injected $$p fault caught by $(1) (exit 1)"; \
	  else echo "cosim-gate-quick: injected $$p fault NOT caught by $(1) (exit $$rc)"; exit 1; fi; \
	  done
endef

# CI: a few seeds of the CI unit with each softmax algorithm and of the
# real layer's unit; every token of a real router layer through the real
# unit, its choices and scores against gate_token and the dump, as one tile
# (the planner's; it passes, so its --vcd writes cycles 0..64, and with
# --vcd-window 100:199 those cycles: exactly the timestamps 2 A + 4 ..
# 2 B + 5, two a cycle after 3 reset clocks) and in back-to-back tiles of
# 16 tokens; a copy of the dump with one choice
# changed, which must fail against the dump alone (the RTL and gate_token
# agree on the unchanged operands); proof that a flipped index, score or
# controller bit is caught; and a faulty run's --vcd: a bounded window
# holding the rising edge of the mismatch clock (cycle C is the check after
# clock C - 1, whose rising edge is at time 2 (C - 1 + 3 reset clocks) + 1).
cosim-gate-quick: $(COSIM_GATE_BIN) $(COSIM_GATE_ITA_BIN) $(COSIM_GATE_REAL_BIN) \
		$(COSIM_GATE_SLICE)/done
	@echo "-- RUN cosim-gate-quick --"
	@set -e; for b in $(COSIM_GATE_BIN) $(COSIM_GATE_ITA_BIN); do \
	  for s in $(COSIM_GATE_SEEDS_QUICK); do \
	  $$b --seed $$s --tiles $(COSIM_GATE_TILES_QUICK); done; done
	@set -e; for s in $(COSIM_GATE_REAL_SEEDS_QUICK); do \
	  $(COSIM_GATE_REAL_BIN) --seed $$s --tiles $(COSIM_GATE_REAL_TILES_QUICK) \
	    $(COSIM_GATE_REAL_BOUNDS); done
	@set +e; v=$(COSIM_GATE_BUILD)/pass.vcd; for w in 0:64 100:199; do rm -f $$v; \
	  a=$${w%:*}; b=$${w#*:}; o=$$([ $$w = 0:64 ] || echo "--vcd-window $$w"); \
	  $(COSIM_GATE_REAL_BIN) --seed 1 --npy $(COSIM_GATE_NPY) --vcd $$v $$o > $$v.log 2>&1; rc=$$?; \
	  t=$$(sed -n 's/^#\([0-9]*\)$$/\1/p' $$v 2>/dev/null | sed -n '1p;$$p' | tr '\n' ' '); \
	  n=$$(grep -c '^#[0-9]' $$v 2>/dev/null); s=$$(wc -c < $$v 2>/dev/null || echo 0); \
	  if [ $$rc -eq 0 ] && [ "$$t" = "$$((2 * a + 4)) $$((2 * b + 5)) " ] && \
	     [ "$$n" -eq $$((2 * (b - a + 1))) ] && \
	     grep -q "wrote VCD window cycles $$a\.\.$$b to $$v " $$v.log; then \
	    echo "cosim-gate-quick: --vcd$${o:+ $$o} of a passing run: cycles $$a..$$b, VCD times $$((2 * a + 4))..$$((2 * b + 5)) ($$s B)"; \
	  else echo "cosim-gate-quick: --vcd$${o:+ $$o} of a passing run wrong (exit $$rc, times '$$t', $$n timestamps): see $$v.log"; \
	    exit 1; fi; done
	@$(COSIM_GATE_REAL_BIN) --seed 2 --npy $(COSIM_GATE_NPY) --max-tokens 16
	@set +e; d=$(COSIM_GATE_BUILD)/npy-fault; f=$$d/l1.gate.topk.npy; rm -rf $$d; mkdir -p $$d; \
	  cp $(COSIM_GATE_NPY).* $$d/; \
	  o=$$(( 10 + $$(od -An -tu2 -j8 -N2 $$f) + 2 * (5 * 2 + 0) )); \
	  b=$$(od -An -tu1 -j$$o -N1 $$f); \
	  printf "\\$$(printf %o $$(( $$b ^ 1 )))" | dd of=$$f bs=1 seek=$$o conv=notrunc 2>/dev/null; \
	  $(COSIM_GATE_REAL_BIN) --npy $$d/l1.gate >$$d/log 2>&1; rc=$$?; \
	  if [ $$rc -eq 1 ] && grep -q 'token 5 entry 0 (against .*topk.npy)' $$d/log; then \
	    echo "cosim-gate-quick: corrupted topk.npy[5][0] caught against the dump (exit 1)"; \
	  else echo "cosim-gate-quick: corrupted topk.npy NOT caught (exit $$rc): see $$d/log"; exit 1; fi
	$(call gate_inject,$(COSIM_GATE_BIN),out_idx out_score wb_done)
	$(call gate_inject,$(COSIM_GATE_ITA_BIN),out_score)
	@set +e; v=$(COSIM_GATE_BUILD)/fault.vcd; rm -f $$v; \
	  $(COSIM_GATE_REAL_BIN) --seed 1 --npy $(COSIM_GATE_NPY) --inject-flip 1500 \
	    --vcd $$v --vcd-window $(COSIM_GATE_VCD_BEFORE) > $$v.log 2>&1; rc=$$?; \
	  c=$$(sed -n 's/.*FAIL at cycle \([0-9]*\): .*/\1/p' $$v.log); \
	  n=$$(grep -c '^#[0-9]' $$v 2>/dev/null); \
	  if [ $$rc -eq 1 ] && [ -n "$$c" ] && grep -qx "#$$((2 * ($$c + 2) + 1))" $$v && \
	     grep -q "wrote VCD window cycles $$(($$c - $(COSIM_GATE_VCD_BEFORE)))\.\.$$(($$c + 4)) to $$v " $$v.log && \
	     [ "$$n" -le $$((2 * ($(COSIM_GATE_VCD_BEFORE) + 5))) ]; then \
	    echo "cosim-gate-quick: --vcd window of $$n timestamps ($$(wc -c < $$v) B) holds mismatch cycle $$c"; \
	  else echo "cosim-gate-quick: --vcd window wrong (exit $$rc, cycle '$$c', $$n timestamps): see $$v.log"; exit 1; fi

# Verilator -Wall at the defaults and at every build's parameters, both
# softmax algorithms; Icarus compiles the same.
cosim-gate-lint:
	@echo "-- LINT rtl/gate.v --"
	$(VERILATOR) --lint-only -Wall -Irtl rtl/gate.v
	$(VERILATOR) --lint-only -Wall -Irtl -GALGORITHM=1 rtl/gate.v
	$(VERILATOR) --lint-only -Wall -Irtl $(addprefix -G,$(COSIM_GATE_PARAMS)) rtl/gate.v
	$(VERILATOR) --lint-only -Wall -Irtl $(addprefix -G,$(COSIM_GATE_ITA_PARAMS)) rtl/gate.v
	$(VERILATOR) --lint-only -Wall -Irtl $(addprefix -G,$(COSIM_GATE_REAL_PARAMS)) rtl/gate.v
	$(IVERILOG) -g2012 -Wall -o /dev/null $(COSIM_GATE_RTL)
	$(IVERILOG) -g2012 -Wall -Pgate.ALGORITHM=1 -o /dev/null $(COSIM_GATE_RTL)
	$(IVERILOG) -g2012 -Wall $(addprefix -Pgate.,$(COSIM_GATE_PARAMS)) -o /dev/null $(COSIM_GATE_RTL)
	$(IVERILOG) -g2012 -Wall $(addprefix -Pgate.,$(COSIM_GATE_ITA_PARAMS)) -o /dev/null $(COSIM_GATE_RTL)
