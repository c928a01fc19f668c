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
SC_HDR     := $(wildcard sim/systemc/*.h sim/*.h models/*.h)
# The engine array its RTL is Verilated for: configs/sc-rtl.ini's.
SC_SDE_PARAMS ?= ROWS=8 COLS=8 N_MAX=2 M_MAX=8 ACT_BITS=8 WEIGHT_BITS=8

# Verilator, one flag per line; recursive (=), so that pkg-config runs
# after `make deps` has installed SystemC on a fresh machine.
SC_VFLAGS = --sc --exe --build
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
	rm -f $(SC_LIB)
	$(AR) rcs $(SC_LIB) $(addprefix $(SC_BUILD)/obj/,accel.o units.o rtl_units.o \
	  verilated.o verilated_threads.o) $(filter-out $(SC_BUILD)/obj/stasim_sc.o,\
	  $(wildcard $(SC_BUILD)/obj/Vsde*.o))

# The platform as a library for other SystemC platforms (docs/systemc.md):
# the accelerator top, its wrappers, the Verilated engine and Verilator's
# runtime; link it before libstasim.a.
SC_LIB := $(SC_BUILD)/libstasim-sc.a
$(SC_LIB): $(BUILD)/stasim-sc

# The example platform of docs/systemc.md, cut from the document itself so
# that what the document shows is what the tests build and run.
$(SC_BUILD)/example.cpp: docs/systemc.md
	@mkdir -p $(@D)
	awk '/^```cpp example/{on=1; next} /^```/{on=0} on' $< > $@
$(SC_BUILD)/example: $(SC_BUILD)/example.cpp $(SC_LIB) $(BUILD)/libstasim.a
	$(CXX) -std=c++17 -O1 -Wall -Wextra -Isim/systemc $$(pkg-config --cflags systemc) \
	  $< $(SC_LIB) $(BUILD)/libstasim.a $$(pkg-config --libs systemc) $(LDLIBS) -pthread -o $@

# Equality of stasim-sc and stasim run, RTL substitution, bad input, VCD
# and the example platform (tests/systemc.sh).
.PHONY: sc-test
sc-test: $(BUILD)/stasim $(BUILD)/stasim-sc $(SC_BUILD)/example
	@sh tests/systemc.sh $(BUILD) $(SC_BUILD)

.PHONY: sc-force
sc-force:
