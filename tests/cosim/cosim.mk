# tests/cosim/cosim.mk - lockstep co-simulation of rtl/sde.v against
# models/sde.c with Verilator (tests/cosim/sde_cosim.h says how).
#
# Included by the top Makefile, or on its own from the repository root:
#   make -f tests/cosim/cosim.mk build/cosim/sde_cosim   build the CI array
#   make -f tests/cosim/cosim.mk cosim-sde-quick         a few seeds of it (CI)
#   make -f tests/cosim/cosim.mk cosim-sde               more seeds, both arrays
#   make -f tests/cosim/cosim.mk cosim-sde-lint          Verilator -Wall + Icarus
#   make -f tests/cosim/cosim.mk cosim-clean             remove build/cosim
# A build is redone only when rtl/, the model sources, the harness, the
# array parameters or COSIM_TRACE change. Waves: build with COSIM_TRACE=1,
# then run with --vcd FILE (tracing costs ~6 s of build, so it is off).

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
COSIM_MODEL   := models/sde.c models/nm.c
COSIM_HEADERS := models/sde.h models/nm.h models/unit.h sim/kern.h tests/cosim/sde_cosim.h
COSIM_SEEDS_QUICK ?= 1 2 3 4
COSIM_SEEDS       ?= 1 2 3 4 5 6 7 8 9 10 11 12

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
# waves only when asked for: --vcd FILE needs a build with COSIM_TRACE=1
COSIM_VFLAGS += $(if $(filter 1,$(COSIM_TRACE)),--trace)

# $(call cosim_variant,DIR,PARAMS): build DIR/sde_cosim for PARAMS.
define cosim_variant
$(1)/params.stamp: cosim-force
	@mkdir -p $(1)
	@echo '$(2) COSIM_TRACE=$(COSIM_TRACE)' | cmp -s - $$@ || \
	  echo '$(2) COSIM_TRACE=$(COSIM_TRACE)' > $$@

$(1)/c/%.o: models/%.c $$(COSIM_HEADERS) $(1)/params.stamp
	@mkdir -p $$(@D)
	$$(COSIM_CC) $$(COSIM_CFLAGS) $(addprefix -DSDE_,$(2)) -c $$< -o $$@

$(1)/c/sde_cosim.o: tests/cosim/sde_cosim.c $$(COSIM_HEADERS) $(1)/params.stamp
	@mkdir -p $$(@D)
	$$(COSIM_CC) $$(COSIM_CFLAGS) $(addprefix -DSDE_,$(2)) -c $$< -o $$@

$(1)/sde_cosim: $$(COSIM_RTL) tests/cosim/sde_main.cpp $(1)/params.stamp \
		$(1)/c/sde.o $(1)/c/nm.o $(1)/c/sde_cosim.o
	@echo "-- VERILATE + BUILD $$@ ($(2)) --"
	@rm -f $$@
	$$(VERILATOR) $$(COSIM_VFLAGS) --Mdir $(1)/obj -o $$(abspath $$@) \
		$(addprefix -G,$(2)) -CFLAGS "$(addprefix -DSDE_,$(2))" \
		rtl/sde.v $(CURDIR)/tests/cosim/sde_main.cpp \
		$(abspath $(1)/c/sde.o $(1)/c/nm.o $(1)/c/sde_cosim.o)
endef

$(eval $(call cosim_variant,$(COSIM_BUILD),$(COSIM_SDE_PARAMS)))
$(eval $(call cosim_variant,$(COSIM_BUILD)/wide,$(COSIM_SDE_WIDE_PARAMS)))

.PHONY: cosim-sde-quick cosim-sde cosim-sde-lint cosim-clean cosim-force

# CI: a few seeds, then proof that a flipped output bit is caught.
cosim-sde-quick: $(COSIM_BUILD)/sde_cosim
	@echo "-- RUN cosim-sde-quick --"
	@set -e; for s in $(COSIM_SEEDS_QUICK); do \
	  $(COSIM_BUILD)/sde_cosim --seed $$s --cmds 2000; done
	@$(COSIM_BUILD)/sde_cosim --seed 1 --cmds 200 --timing
	@set +e; $(COSIM_BUILD)/sde_cosim --seed 1 --cmds 200 --inject-flip 500 \
	  >/dev/null 2>&1; rc=$$?; \
	  if [ $$rc -eq 1 ]; then echo "cosim-sde-quick: injected fault caught (exit 1)"; \
	  else echo "cosim-sde-quick: injected fault NOT caught (exit $$rc)"; exit 1; fi

# More seeds on both arrays, every acc_db setting, every injection port.
cosim-sde: $(COSIM_BUILD)/sde_cosim $(COSIM_BUILD)/wide/sde_cosim
	@echo "-- RUN cosim-sde --"
	@set -e; for b in $^; do for s in $(COSIM_SEEDS); do \
	  $$b --seed $$s --cmds 5000; done; \
	  $$b --seed 99 --cmds 3000 --acc-db 0; \
	  $$b --seed 98 --cmds 3000 --acc-db 1; \
	  $$b --seed 97 --cmds 3000 --timing; done
	@set +e; for b in $^; do for p in active cmd_ready rd_done wb_done op_rd out_data; do \
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
#   make -f tests/cosim/cosim.mk build/cosim/smx/smx_cosim   build the CI unit
#   make -f tests/cosim/cosim.mk cosim-smx-quick             a few seeds of it (CI)
#   make -f tests/cosim/cosim.mk cosim-smx-lint              Verilator -Wall + Icarus

# The unit each binary is built for; the same values go to Verilator as -G
# and to the C and C++ compilers as -DSMX_*.
# CI: 2 lanes, the default recip_latency 8 (4 quotient bits a cycle) and
# rows up to 40 scores, so that both c < R and c > R windows occur.
COSIM_SMX_PARAMS ?= LANES=2 EXP_LATENCY=2 RECIP_LATENCY=8 ROWS=4 N_MAX=40
COSIM_SMX_BUILD  := $(COSIM_BUILD)/smx
COSIM_SMX_RTL    := $(wildcard rtl/smx*.v) rtl/fu.v
COSIM_SMX_MODEL  := fu smx smx_ref
COSIM_SMX_HEADERS := models/fu.h models/smx.h models/smx_ref.h models/nl.h \
	models/unit.h sim/kern.h tests/cosim/smx_cosim.h
COSIM_SMX_SEEDS_QUICK ?= 1 2 3 4
COSIM_SMX_TILES_QUICK ?= 400

# Verilator: the engine's flags, for the same reasons, with smx as the top.
COSIM_SMX_VFLAGS := $(subst --top-module sde,--top-module smx,$(COSIM_VFLAGS))
# smx_ref.c's double-precision reference needs libm
COSIM_SMX_VFLAGS += -LDFLAGS -lm

$(COSIM_SMX_BUILD)/params.stamp: cosim-force
	@mkdir -p $(@D)
	@echo '$(COSIM_SMX_PARAMS) COSIM_TRACE=$(COSIM_TRACE)' | cmp -s - $@ || \
	  echo '$(COSIM_SMX_PARAMS) COSIM_TRACE=$(COSIM_TRACE)' > $@

$(COSIM_SMX_BUILD)/c/%.o: models/%.c $(COSIM_SMX_HEADERS) $(COSIM_SMX_BUILD)/params.stamp
	@mkdir -p $(@D)
	$(COSIM_CC) $(COSIM_CFLAGS) $(addprefix -DSMX_,$(COSIM_SMX_PARAMS)) -c $< -o $@

$(COSIM_SMX_BUILD)/c/smx_cosim.o: tests/cosim/smx_cosim.c $(COSIM_SMX_HEADERS) \
		$(COSIM_SMX_BUILD)/params.stamp
	@mkdir -p $(@D)
	$(COSIM_CC) $(COSIM_CFLAGS) $(addprefix -DSMX_,$(COSIM_SMX_PARAMS)) -c $< -o $@

COSIM_SMX_OBJS := $(addprefix $(COSIM_SMX_BUILD)/c/,$(addsuffix .o,$(COSIM_SMX_MODEL) smx_cosim))

$(COSIM_SMX_BUILD)/smx_cosim: $(COSIM_SMX_RTL) tests/cosim/smx_main.cpp \
		$(COSIM_SMX_BUILD)/params.stamp $(COSIM_SMX_OBJS)
	@echo "-- VERILATE + BUILD $@ ($(COSIM_SMX_PARAMS)) --"
	@rm -f $@
	$(VERILATOR) $(COSIM_SMX_VFLAGS) --Mdir $(COSIM_SMX_BUILD)/obj -o $(abspath $@) \
		$(addprefix -G,$(COSIM_SMX_PARAMS)) \
		-CFLAGS "$(addprefix -DSMX_,$(COSIM_SMX_PARAMS))" \
		rtl/smx.v $(CURDIR)/tests/cosim/smx_main.cpp $(abspath $(COSIM_SMX_OBJS))

.PHONY: cosim-smx-quick cosim-smx-lint

# CI: a few seeds, then proof that a flipped probability bit and a flipped
# controller pulse are caught.
cosim-smx-quick: $(COSIM_SMX_BUILD)/smx_cosim
	@echo "-- RUN cosim-smx-quick --"
	@set -e; for s in $(COSIM_SMX_SEEDS_QUICK); do \
	  $(COSIM_SMX_BUILD)/smx_cosim --seed $$s --tiles $(COSIM_SMX_TILES_QUICK); done
	@set +e; for p in out_p wb_done; do \
	  $(COSIM_SMX_BUILD)/smx_cosim --seed 1 --tiles 50 --inject-flip 500 \
	    --inject-port $$p >/dev/null 2>&1; rc=$$?; \
	  if [ $$rc -eq 1 ]; then echo "cosim-smx-quick: injected $$p fault caught (exit 1)"; \
	  else echo "cosim-smx-quick: injected $$p fault NOT caught (exit $$rc)"; exit 1; fi; \
	  done

cosim-smx-lint:
	@echo "-- LINT rtl/smx.v --"
	$(VERILATOR) --lint-only -Wall -Irtl rtl/smx.v
	$(VERILATOR) --lint-only -Wall -Irtl $(addprefix -G,$(COSIM_SMX_PARAMS)) rtl/smx.v
	$(IVERILOG) -g2012 -Wall -o /dev/null $(COSIM_SMX_RTL)

# cosim-sde-lint also lints the softmax unit
cosim-sde-lint: cosim-smx-lint
