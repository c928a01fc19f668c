# tests/cosim/gate.mk - lockstep co-simulation of rtl/gate.v (the gate
# unit's top-k stage) against models/fu.c + gate_topk (models/gate.c);
# tests/cosim/gate_cosim.h says how, rtl/gate.v has the beat formats.
# Include after tests/cosim/cosim.mk (it reuses COSIM_* from there);
# cosim-gate-quick also needs the m3vit-moe slice of tests/cosim/slices.mk
# (the top Makefile includes both):
#   make build/cosim/gate/gate_cosim   build the CI unit
#   make cosim-gate-quick              a few seeds, a real layer's logits, the
#                                      injected faults and a VCD window (CI)
#   make cosim-gate-lint               Verilator -Wall + Icarus

# The unit each binary is built for; the same values go to Verilator as -G
# and to the C and C++ compilers as -DGATE_*.
# CI: up to 20 experts (5-bit indices: out_idx is 40 bits, wider than one
# word), k up to 8, up to 8 tokens a tile.
COSIM_GATE_PARAMS  ?= E_MAX=20 K_MAX=8 T_MAX=8
COSIM_GATE_BUILD   := $(COSIM_BUILD)/gate
COSIM_GATE_RTL     := rtl/gate.v rtl/fu.v
COSIM_GATE_MODEL   := fu gate smx smx_ref
COSIM_GATE_HEADERS := models/fu.h models/gate.h models/smx.h models/smx_ref.h models/nl.h \
	models/unit.h sim/kern.h tests/cosim/gate_cosim.h tests/cosim/harness.h
COSIM_GATE_SEEDS_QUICK ?= 1 2 3 4
COSIM_GATE_TILES_QUICK ?= 1000
# Real logits: the router of M3ViT-Tiny's layer-1 MoE block (129 tokens, 16
# experts, top-2), dumped by slices.mk. Its directory is spelled out: this
# file is read before slices.mk sets SLICE_DIR.
COSIM_GATE_SLICE   := $(COSIM_BUILD)/slices/m3vit-moe
COSIM_GATE_NPY     := $(COSIM_GATE_SLICE)/l1.gate
# --vcd check: clocks kept before the mismatch. The window then holds at most
# 2 (BEFORE + 1 + 4) timestamps: two edges a clock, the mismatch clock and
# kVcdWindowAfter = 4 clocks after it.
COSIM_GATE_VCD_BEFORE ?= 16

# Verilator: the engine's flags, for the same reasons, with gate as the top.
COSIM_GATE_VFLAGS := $(subst --top-module sde,--top-module gate,$(COSIM_VFLAGS))
# gate.c links smx.c (its softmax stage), whose smx_row needs smx_ref.c and libm
COSIM_GATE_VFLAGS += -LDFLAGS -lm
# waves always built in: --vcd replays a failed run traced (vcd_window.h);
# the first pass leaves tracing off. Build 4.5 s -> 7.4 s on 2 cores, mostly
# compiling Verilator's VCD writer; runs untraced at the same speed.
COSIM_GATE_VFLAGS += $(if $(filter 1,$(COSIM_TRACE)),,--trace)

$(COSIM_GATE_BUILD)/params.stamp: cosim-force
	@mkdir -p $(@D)
	@echo '$(COSIM_GATE_PARAMS) COSIM_TRACE=$(COSIM_TRACE)' | cmp -s - $@ || \
	  echo '$(COSIM_GATE_PARAMS) COSIM_TRACE=$(COSIM_TRACE)' > $@

$(COSIM_GATE_BUILD)/c/%.o: models/%.c $(COSIM_GATE_HEADERS) $(COSIM_GATE_BUILD)/params.stamp
	@mkdir -p $(@D)
	$(COSIM_CC) $(COSIM_CFLAGS) $(addprefix -DGATE_,$(COSIM_GATE_PARAMS)) -c $< -o $@

$(COSIM_GATE_BUILD)/c/gate_cosim.o: tests/cosim/gate_cosim.c $(COSIM_GATE_HEADERS) \
		$(COSIM_GATE_BUILD)/params.stamp
	@mkdir -p $(@D)
	$(COSIM_CC) $(COSIM_CFLAGS) $(addprefix -DGATE_,$(COSIM_GATE_PARAMS)) -c $< -o $@

$(COSIM_GATE_BUILD)/c/harness.o: tests/cosim/harness.c tests/cosim/harness.h
	@mkdir -p $(@D)
	$(COSIM_CC) $(COSIM_CFLAGS) -c $< -o $@

COSIM_GATE_OBJS := $(addprefix $(COSIM_GATE_BUILD)/c/,$(addsuffix .o,$(COSIM_GATE_MODEL) gate_cosim harness))

$(COSIM_GATE_BUILD)/gate_cosim: $(COSIM_GATE_RTL) tests/cosim/gate_main.cpp \
		tests/cosim/vcd_window.h tests/cosim/cosim_main.h \
		$(COSIM_GATE_BUILD)/params.stamp $(COSIM_GATE_OBJS)
	@echo "-- VERILATE + BUILD $@ ($(COSIM_GATE_PARAMS)) --"
	@rm -f $@
	$(VERILATOR) $(COSIM_GATE_VFLAGS) --Mdir $(COSIM_GATE_BUILD)/obj -o $(abspath $@) \
		$(addprefix -G,$(COSIM_GATE_PARAMS)) \
		-CFLAGS "$(addprefix -DGATE_,$(COSIM_GATE_PARAMS))" \
		rtl/gate.v $(CURDIR)/tests/cosim/gate_main.cpp $(abspath $(COSIM_GATE_OBJS))

.PHONY: cosim-gate-quick cosim-gate-lint

# CI: a few seeds; every token of a real router layer, its indices against
# the dumped choices (its --vcd must write nothing: no mismatch); proof that a flipped index bit and a flipped
# controller pulse are caught; and a faulty run's --vcd: a bounded window
# holding the rising edge of the mismatch clock (cycle C is the check after
# clock C - 1, whose rising edge is at time 2 (C - 1 + 3 reset clocks) + 1).
cosim-gate-quick: $(COSIM_GATE_BUILD)/gate_cosim $(COSIM_GATE_SLICE)/done
	@echo "-- RUN cosim-gate-quick --"
	@set -e; for s in $(COSIM_GATE_SEEDS_QUICK); do \
	  $(COSIM_GATE_BUILD)/gate_cosim --seed $$s --tiles $(COSIM_GATE_TILES_QUICK); done
	@v=$(COSIM_GATE_BUILD)/pass.vcd; rm -f $$v; \
	  $(COSIM_GATE_BUILD)/gate_cosim --seed 1 --npy $(COSIM_GATE_NPY) --vcd $$v && \
	  if [ -e $$v ]; then echo "cosim-gate-quick: $$v written without a mismatch"; exit 1; fi
	@set +e; for p in out_idx wb_done; do \
	  $(COSIM_GATE_BUILD)/gate_cosim --seed 1 --tiles 50 --inject-flip 500 \
	    --inject-port $$p >/dev/null 2>&1; rc=$$?; \
	  if [ $$rc -eq 1 ]; then echo "cosim-gate-quick: injected $$p fault caught (exit 1)"; \
	  else echo "cosim-gate-quick: injected $$p fault NOT caught (exit $$rc)"; exit 1; fi; \
	  done
	@set +e; v=$(COSIM_GATE_BUILD)/fault.vcd; rm -f $$v; \
	  $(COSIM_GATE_BUILD)/gate_cosim --seed 1 --npy $(COSIM_GATE_NPY) --inject-flip 1500 \
	    --vcd $$v --vcd-window $(COSIM_GATE_VCD_BEFORE) > $$v.log 2>&1; rc=$$?; \
	  c=$$(sed -n 's/.*MISMATCH at cycle \([0-9]*\) .*/\1/p' $$v.log); \
	  n=$$(grep -c '^#[0-9]' $$v 2>/dev/null); \
	  if [ $$rc -eq 1 ] && [ -n "$$c" ] && grep -qx "#$$((2 * ($$c + 2) + 1))" $$v && \
	     [ "$$n" -le $$((2 * ($(COSIM_GATE_VCD_BEFORE) + 5))) ]; then \
	    echo "cosim-gate-quick: --vcd window of $$n timestamps ($$(wc -c < $$v) B) holds mismatch cycle $$c"; \
	  else echo "cosim-gate-quick: --vcd window wrong (exit $$rc, cycle '$$c', $$n timestamps): see $$v.log"; exit 1; fi

cosim-gate-lint:
	@echo "-- LINT rtl/gate.v --"
	$(VERILATOR) --lint-only -Wall -Irtl rtl/gate.v
	$(VERILATOR) --lint-only -Wall -Irtl $(addprefix -G,$(COSIM_GATE_PARAMS)) rtl/gate.v
	$(IVERILOG) -g2012 -Wall -o /dev/null $(COSIM_GATE_RTL)
