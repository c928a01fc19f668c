# tests/cosim/gelu.mk - lockstep co-simulation of rtl/vec_gelu.v (the
# vector unit's GELU path, delta table) against models/fu.c + vec.c +
# vec_ref.c. tests/cosim/gelu_cosim.h says how; the beat formats are in
# rtl/vec_gelu.v. Include after tests/cosim/cosim.mk (it reuses COSIM_BUILD,
# COSIM_CC, COSIM_CFLAGS, COSIM_VFLAGS, VERILATOR, IVERILOG, COSIM_TRACE and
# cosim-force), or on its own from the repository root:
#   make -f tests/cosim/cosim.mk -f tests/cosim/gelu.mk build/cosim/gelu/gelu_cosim
#   make -f tests/cosim/cosim.mk -f tests/cosim/gelu.mk cosim-gelu-quick   (CI)
#   make -f tests/cosim/cosim.mk -f tests/cosim/gelu.mk cosim-gelu-lint

# The unit each binary is built for; the same values go to Verilator as -G
# and to the C and C++ compilers as -DGELU_*.
# CI: 4 lanes (tiles of rows * n not a multiple of 4 leave lanes empty),
# 3 pipeline stages, tiles up to 4 x 64.
COSIM_GELU_PARAMS ?= LANES=4 LATENCY=3 ROWS=4 N_MAX=64
COSIM_GELU_BUILD  := $(COSIM_BUILD)/gelu
COSIM_GELU_RTL    := rtl/vec_gelu.v rtl/fu.v
COSIM_GELU_MODEL  := fu vec vec_ref
COSIM_GELU_HEADERS := models/fu.h models/vec.h models/vec_ref.h models/nl.h \
	models/unit.h sim/kern.h tests/cosim/gelu_cosim.h
COSIM_GELU_SEEDS_QUICK ?= 1 2 3 4
COSIM_GELU_TILES_QUICK ?= 400

# Verilator: the engine's flags, for the same reasons, with vec_gelu as the top.
COSIM_GELU_VFLAGS := $(subst --top-module sde,--top-module vec_gelu,$(COSIM_VFLAGS))
# vec_ref.c's double-precision references need libm
COSIM_GELU_VFLAGS += -LDFLAGS -lm

$(COSIM_GELU_BUILD)/params.stamp: cosim-force
	@mkdir -p $(@D)
	@echo '$(COSIM_GELU_PARAMS) COSIM_TRACE=$(COSIM_TRACE)' | cmp -s - $@ || \
	  echo '$(COSIM_GELU_PARAMS) COSIM_TRACE=$(COSIM_TRACE)' > $@

$(COSIM_GELU_BUILD)/c/%.o: models/%.c $(COSIM_GELU_HEADERS) $(COSIM_GELU_BUILD)/params.stamp
	@mkdir -p $(@D)
	$(COSIM_CC) $(COSIM_CFLAGS) $(addprefix -DGELU_,$(COSIM_GELU_PARAMS)) -c $< -o $@

$(COSIM_GELU_BUILD)/c/gelu_cosim.o: tests/cosim/gelu_cosim.c $(COSIM_GELU_HEADERS) \
		$(COSIM_GELU_BUILD)/params.stamp
	@mkdir -p $(@D)
	$(COSIM_CC) $(COSIM_CFLAGS) $(addprefix -DGELU_,$(COSIM_GELU_PARAMS)) -c $< -o $@

COSIM_GELU_OBJS := $(addprefix $(COSIM_GELU_BUILD)/c/,$(addsuffix .o,$(COSIM_GELU_MODEL) gelu_cosim))

$(COSIM_GELU_BUILD)/gelu_cosim: $(COSIM_GELU_RTL) tests/cosim/gelu_main.cpp \
		$(COSIM_GELU_BUILD)/params.stamp $(COSIM_GELU_OBJS)
	@echo "-- VERILATE + BUILD $@ ($(COSIM_GELU_PARAMS)) --"
	@rm -f $@
	$(VERILATOR) $(COSIM_GELU_VFLAGS) --Mdir $(COSIM_GELU_BUILD)/obj -o $(abspath $@) \
		$(addprefix -G,$(COSIM_GELU_PARAMS)) \
		-CFLAGS "$(addprefix -DGELU_,$(COSIM_GELU_PARAMS))" \
		rtl/vec_gelu.v $(CURDIR)/tests/cosim/gelu_main.cpp $(abspath $(COSIM_GELU_OBJS))

.PHONY: cosim-gelu-quick cosim-gelu-lint

# CI: a few seeds, then proof that a flipped output bit and a flipped
# controller pulse are caught.
cosim-gelu-quick: $(COSIM_GELU_BUILD)/gelu_cosim
	@echo "-- RUN cosim-gelu-quick --"
	@set -e; for s in $(COSIM_GELU_SEEDS_QUICK); do \
	  $(COSIM_GELU_BUILD)/gelu_cosim --seed $$s --tiles $(COSIM_GELU_TILES_QUICK); done
	@set +e; for p in out_y wb_done; do \
	  $(COSIM_GELU_BUILD)/gelu_cosim --seed 1 --tiles 50 --inject-flip 500 \
	    --inject-port $$p >/dev/null 2>&1; rc=$$?; \
	  if [ $$rc -eq 1 ]; then echo "cosim-gelu-quick: injected $$p fault caught (exit 1)"; \
	  else echo "cosim-gelu-quick: injected $$p fault NOT caught (exit $$rc)"; exit 1; fi; \
	  done

cosim-gelu-lint:
	@echo "-- LINT rtl/vec_gelu.v --"
	$(VERILATOR) --lint-only -Wall -Irtl rtl/vec_gelu.v
	$(VERILATOR) --lint-only -Wall -Irtl $(addprefix -G,$(COSIM_GELU_PARAMS)) rtl/vec_gelu.v
	$(IVERILOG) -g2012 -Wall -o /dev/null $(COSIM_GELU_RTL)
