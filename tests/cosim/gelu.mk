# tests/cosim/gelu.mk - lockstep co-simulation of rtl/vec_gelu.v (the
# vector unit's GELU path, delta table) against models/fu.c + vec.c +
# vec_ref.c. tests/cosim/gelu_cosim.h says how; the beat formats are in
# rtl/vec_gelu.v. Include after tests/cosim/cosim.mk (it reuses COSIM_BUILD,
# COSIM_CC, COSIM_CFLAGS, COSIM_VFLAGS, VERILATOR, IVERILOG, COSIM_TRACE and
# cosim-force), or on its own from the repository root:
#   make -f tests/cosim/cosim.mk -f tests/cosim/gelu.mk build/cosim/gelu/gelu_cosim
#   make -f tests/cosim/cosim.mk -f tests/cosim/gelu.mk cosim-gelu-quick   (CI)
#   make -f tests/cosim/cosim.mk -f tests/cosim/gelu.mk cosim-gelu-lint
# The build always has tracing: --vcd FILE replays the run and writes the
# waves of a window of cycles (harness.h).

# The unit each binary is built for; the same values go to Verilator as -G
# and to the C and C++ compilers as -DGELU_*.
# CI: 4 lanes (tiles of rows * n not a multiple of 4 leave lanes empty),
# 3 pipeline stages, tiles up to 4 x 64.
COSIM_GELU_PARAMS ?= LANES=4 LATENCY=3 ROWS=4 N_MAX=64
COSIM_GELU_BUILD  := $(COSIM_BUILD)/gelu
COSIM_GELU_RTL    := rtl/vec_gelu.v rtl/fu.v
COSIM_GELU_MODEL  := fu vec vec_ref
COSIM_GELU_HEADERS := models/fu.h models/vec.h models/vec_ref.h models/nl.h \
	models/unit.h sim/kern.h tests/cosim/gelu_cosim.h tests/cosim/harness.h
COSIM_GELU_SEEDS_QUICK ?= 1 2 3 4
COSIM_GELU_TILES_QUICK ?= 400
# --vcd check: a fault late in a long run (200 000 cycles); its file
# stays under this many bytes (~57 kB; the whole run would write ~150 MB)
COSIM_GELU_VCD_MAX ?= 100000

# Verilator: the engine's flags, for the same reasons, with vec_gelu as the top.
COSIM_GELU_VFLAGS := $(subst --top-module sde,--top-module vec_gelu,$(COSIM_VFLAGS))
# vec_ref.c's double-precision references need libm
COSIM_GELU_VFLAGS += -LDFLAGS -lm
# waves always built in: --vcd replays a failed run traced (vcd_window.h);
# the first pass leaves tracing off
COSIM_GELU_VFLAGS += $(if $(filter 1,$(COSIM_TRACE)),,--trace)

$(COSIM_GELU_BUILD)/params.stamp: cosim-force
	@mkdir -p $(@D)
	@echo '$(COSIM_GELU_PARAMS)' | cmp -s - $@ || echo '$(COSIM_GELU_PARAMS)' > $@

$(COSIM_GELU_BUILD)/c/%.o: models/%.c $(COSIM_GELU_HEADERS) $(COSIM_GELU_BUILD)/params.stamp
	@mkdir -p $(@D)
	$(COSIM_CC) $(COSIM_CFLAGS) $(addprefix -DGELU_,$(COSIM_GELU_PARAMS)) -c $< -o $@

$(COSIM_GELU_BUILD)/c/gelu_cosim.o: tests/cosim/gelu_cosim.c $(COSIM_GELU_HEADERS) \
		$(COSIM_GELU_BUILD)/params.stamp
	@mkdir -p $(@D)
	$(COSIM_CC) $(COSIM_CFLAGS) $(addprefix -DGELU_,$(COSIM_GELU_PARAMS)) -c $< -o $@

$(COSIM_GELU_BUILD)/c/harness.o: tests/cosim/harness.c tests/cosim/harness.h
	@mkdir -p $(@D)
	$(COSIM_CC) $(COSIM_CFLAGS) -c $< -o $@

COSIM_GELU_OBJS := $(addprefix $(COSIM_GELU_BUILD)/c/,$(addsuffix .o,$(COSIM_GELU_MODEL) gelu_cosim harness))

$(COSIM_GELU_BUILD)/gelu_cosim: $(COSIM_GELU_RTL) tests/cosim/gelu_main.cpp \
		tests/cosim/vcd_window.h tests/cosim/cosim_main.h \
		$(COSIM_GELU_BUILD)/params.stamp $(COSIM_GELU_OBJS)
	@echo "-- VERILATE + BUILD $@ ($(COSIM_GELU_PARAMS)) --"
	@rm -f $@
	$(VERILATOR) $(COSIM_GELU_VFLAGS) --Mdir $(COSIM_GELU_BUILD)/obj -o $(abspath $@) \
		$(addprefix -G,$(COSIM_GELU_PARAMS)) \
		-CFLAGS "$(addprefix -DGELU_,$(COSIM_GELU_PARAMS))" \
		rtl/vec_gelu.v $(CURDIR)/tests/cosim/gelu_main.cpp $(abspath $(COSIM_GELU_OBJS))

.PHONY: cosim-gelu-quick cosim-gelu-lint

# CI: a few seeds; proof that a flipped output bit and a flipped controller
# pulse are caught; a late fault's --vcd: a small file holding the rising
# edge of the failure clock (cycle C is the check after clock C - 1, whose
# rising edge is at time 2 (C - 1 + 3 reset clocks) + 1); a passing run's
# --vcd: cycles 0..64, and with --vcd-window 100:199 those cycles: exactly
# the timestamps 2 A + 4 .. 2 B + 5 (two a cycle after 3 reset clocks).
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
	@set +e; v=$(COSIM_GELU_BUILD)/fault.vcd; rm -f $$v; \
	  $(COSIM_GELU_BUILD)/gelu_cosim --seed 3 --tiles 8000 --inject-flip 200000 \
	    --vcd $$v > $$v.log 2>&1; rc=$$?; \
	  c=$$(sed -n 's/.*FAIL at cycle \([0-9]*\): .*/\1/p' $$v.log); \
	  n=$$(wc -c < $$v 2>/dev/null); \
	  if [ $$rc -eq 1 ] && [ -n "$$c" ] && grep -qx "#$$((2 * ($$c + 2) + 1))" $$v && \
	     grep -q "wrote VCD window cycles $$(($$c - 64))\.\.$$(($$c + 4)) to $$v " $$v.log && \
	     [ "$$n" -lt $(COSIM_GELU_VCD_MAX) ]; then \
	    echo "cosim-gelu-quick: --vcd of a fault at cycle $$c: $$n B, holds its clock"; \
	  else echo "cosim-gelu-quick: --vcd window wrong (exit $$rc, cycle '$$c', '$$n' B): see $$v.log"; exit 1; fi
	@set +e; v=$(COSIM_GELU_BUILD)/pass.vcd; for w in 0:64 100:199; do rm -f $$v; \
	  a=$${w%:*}; b=$${w#*:}; o=$$([ $$w = 0:64 ] || echo "--vcd-window $$w"); \
	  $(COSIM_GELU_BUILD)/gelu_cosim --seed 2 --tiles 50 --vcd $$v $$o > $$v.log 2>&1; rc=$$?; \
	  t=$$(sed -n 's/^#\([0-9]*\)$$/\1/p' $$v 2>/dev/null | sed -n '1p;$$p' | tr '\n' ' '); \
	  n=$$(grep -c '^#[0-9]' $$v 2>/dev/null); s=$$(wc -c < $$v 2>/dev/null || echo 0); \
	  if [ $$rc -eq 0 ] && [ "$$t" = "$$((2 * a + 4)) $$((2 * b + 5)) " ] && \
	     [ "$$n" -eq $$((2 * (b - a + 1))) ] && [ $$s -lt $(COSIM_GELU_VCD_MAX) ] && \
	     grep -q "wrote VCD window cycles $$a\.\.$$b to $$v " $$v.log; then \
	    echo "cosim-gelu-quick: --vcd$${o:+ $$o} of a passing run: cycles $$a..$$b, VCD times $$((2 * a + 4))..$$((2 * b + 5)) ($$s B)"; \
	  else echo "cosim-gelu-quick: --vcd$${o:+ $$o} of a passing run wrong (exit $$rc, times '$$t', $$n timestamps): see $$v.log"; \
	    exit 1; fi; done

cosim-gelu-lint:
	@echo "-- LINT rtl/vec_gelu.v --"
	$(VERILATOR) --lint-only -Wall -Irtl rtl/vec_gelu.v
	$(VERILATOR) --lint-only -Wall -Irtl $(addprefix -G,$(COSIM_GELU_PARAMS)) rtl/vec_gelu.v
	$(IVERILOG) -g2012 -Wall -o /dev/null $(COSIM_GELU_RTL)
