# tests/cosim/gate.mk - lockstep co-simulation of rtl/gate.v (the gate
# unit's top-k stage) against models/fu.c + gate_topk (models/gate.c);
# tests/cosim/gate_cosim.h says how, rtl/gate.v has the beat formats.
# Include after tests/cosim/cosim.mk (it reuses COSIM_* from there):
#   make build/cosim/gate/gate_cosim   build the CI unit
#   make cosim-gate-quick              a few seeds, and an injected fault (CI)
#   make cosim-gate-lint               Verilator -Wall + Icarus

# The unit each binary is built for; the same values go to Verilator as -G
# and to the C and C++ compilers as -DGATE_*.
# CI: up to 20 experts (5-bit indices: out_idx is 40 bits, wider than one
# word), k up to 8, up to 8 tokens a tile.
COSIM_GATE_PARAMS  ?= E_MAX=20 K_MAX=8 T_MAX=8
COSIM_GATE_BUILD   := $(COSIM_BUILD)/gate
COSIM_GATE_RTL     := rtl/gate.v
COSIM_GATE_MODEL   := fu gate smx smx_ref
COSIM_GATE_HEADERS := models/fu.h models/gate.h models/smx.h models/smx_ref.h models/nl.h \
	models/unit.h sim/kern.h tests/cosim/gate_cosim.h
COSIM_GATE_SEEDS_QUICK ?= 1 2 3 4
COSIM_GATE_TILES_QUICK ?= 1000

# Verilator: the engine's flags, for the same reasons, with gate as the top.
COSIM_GATE_VFLAGS := $(subst --top-module sde,--top-module gate,$(COSIM_VFLAGS))
# gate.c links smx.c (its softmax stage), whose smx_row needs smx_ref.c and libm
COSIM_GATE_VFLAGS += -LDFLAGS -lm

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

COSIM_GATE_OBJS := $(addprefix $(COSIM_GATE_BUILD)/c/,$(addsuffix .o,$(COSIM_GATE_MODEL) gate_cosim))

$(COSIM_GATE_BUILD)/gate_cosim: $(COSIM_GATE_RTL) tests/cosim/gate_main.cpp \
		$(COSIM_GATE_BUILD)/params.stamp $(COSIM_GATE_OBJS)
	@echo "-- VERILATE + BUILD $@ ($(COSIM_GATE_PARAMS)) --"
	@rm -f $@
	$(VERILATOR) $(COSIM_GATE_VFLAGS) --Mdir $(COSIM_GATE_BUILD)/obj -o $(abspath $@) \
		$(addprefix -G,$(COSIM_GATE_PARAMS)) \
		-CFLAGS "$(addprefix -DGATE_,$(COSIM_GATE_PARAMS))" \
		rtl/gate.v $(CURDIR)/tests/cosim/gate_main.cpp $(abspath $(COSIM_GATE_OBJS))

.PHONY: cosim-gate-quick cosim-gate-lint

# CI: a few seeds, then proof that a flipped index bit and a flipped
# controller pulse are caught.
cosim-gate-quick: $(COSIM_GATE_BUILD)/gate_cosim
	@echo "-- RUN cosim-gate-quick --"
	@set -e; for s in $(COSIM_GATE_SEEDS_QUICK); do \
	  $(COSIM_GATE_BUILD)/gate_cosim --seed $$s --tiles $(COSIM_GATE_TILES_QUICK); done
	@set +e; for p in out_idx wb_done; do \
	  $(COSIM_GATE_BUILD)/gate_cosim --seed 1 --tiles 50 --inject-flip 500 \
	    --inject-port $$p >/dev/null 2>&1; rc=$$?; \
	  if [ $$rc -eq 1 ]; then echo "cosim-gate-quick: injected $$p fault caught (exit 1)"; \
	  else echo "cosim-gate-quick: injected $$p fault NOT caught (exit $$rc)"; exit 1; fi; \
	  done

cosim-gate-lint:
	@echo "-- LINT rtl/gate.v --"
	$(VERILATOR) --lint-only -Wall -Irtl rtl/gate.v
	$(VERILATOR) --lint-only -Wall -Irtl $(addprefix -G,$(COSIM_GATE_PARAMS)) rtl/gate.v
	$(IVERILOG) -g2012 -Wall -o /dev/null $(COSIM_GATE_RTL)
