# sim/systemc/systemc.mk - build/stasim-sc, the SystemC platform
# (docs/systemc.md), included by the top Makefile.
#
# Verilator builds it: `verilator --sc --exe` Verilates the engine RTL as a
# SystemC module and compiles and links the platform's C++ with SystemC
# (found through pkg-config) and libstasim.a, so the RTL, Verilator's
# runtime and the wrappers come out of one make. Rebuilt when the RTL, the
# platform sources, libstasim.a or the parameters change.

SC_BUILD   := $(BUILD)/sc
SC_SRC     := $(wildcard sim/systemc/*.cpp)
SC_HDR     := $(wildcard sim/systemc/*.h) sim/top.h sim/run.h sim/cli.h sim/config.h
# The engine array its RTL is Verilated for: configs/sc-rtl.ini's.
SC_SDE_PARAMS ?= ROWS=8 COLS=8 N_MAX=2 M_MAX=8 ACT_BITS=8 WEIGHT_BITS=8

# Verilator, one flag per line.
SC_VFLAGS := --sc --exe --build
# both cores for the C++ build
SC_VFLAGS += -j 2
# the engine is the top Verilated module; sde_pe.v is found beside it
SC_VFLAGS += --top-module sde -Irtl
# the lint the RTL is held to everywhere
SC_VFLAGS += -Wall
# the RTL's own assertions stop the run
SC_VFLAGS += --assert
SC_VFLAGS += $(addprefix -G,$(SC_SDE_PARAMS))
# the platform's C++: SystemC through pkg-config, the array for its checks
SC_VFLAGS += -CFLAGS "-std=c++17 -O2 $(shell pkg-config --cflags systemc 2>/dev/null) $(addprefix -DSC_SDE_,$(SC_SDE_PARAMS)) -I$(CURDIR)/sim/systemc"
SC_VFLAGS += -LDFLAGS "$(CURDIR)/$(BUILD)/libstasim.a $(shell pkg-config --libs systemc 2>/dev/null) $(LDLIBS)"
# the RTL at -O1 runs as fast as at the default and builds faster
SC_VFLAGS += -MAKEFLAGS "OPT_FAST=-O1 OPT_GLOBAL=-O1 OPT_SLOW=-O0"

$(SC_BUILD)/params.stamp: sc-force
	@mkdir -p $(@D)
	@echo '$(SC_SDE_PARAMS)' | cmp -s - $@ || echo '$(SC_SDE_PARAMS)' > $@

$(BUILD)/stasim-sc: rtl/sde.v rtl/sde_pe.v $(SC_SRC) $(SC_HDR) $(BUILD)/libstasim.a \
		    $(SC_BUILD)/params.stamp | $(NEED_DEPS)
	$(VERILATOR) $(SC_VFLAGS) --Mdir $(SC_BUILD)/obj -o stasim-sc \
	  $(addprefix $(CURDIR)/,$(SC_SRC)) rtl/sde.v rtl/sde_pe.v > $(SC_BUILD)/build.log 2>&1 || \
	  { tail -40 $(SC_BUILD)/build.log; exit 1; }
	cp $(SC_BUILD)/obj/stasim-sc $@

.PHONY: sc-force
sc-force:
