# sim/systemc/systemc.mk - build/stasim-sc, the SystemC platform
# (docs/systemc.md), included by the top Makefile.
#
# Verilator builds it: `verilator --sc --exe` Verilates the engine RTL as a
# SystemC module and compiles and links the platform's C++ with SystemC
# (found through pkg-config) and libstasim.a, so the RTL, Verilator's
# runtime and the wrappers come out of one make. Verilator takes one top
# module a run, so the softmax RTL is Verilated first into a library of
# its own (Vsmx__ALL.a, prefix Vsmx) that the main run links; both share
# the main run's Verilator runtime. Rebuilt when the RTL, the platform
# sources, libstasim.a or the parameters change.

SC_BUILD   := $(BUILD)/sc
SC_SRC     := $(wildcard sim/systemc/*.cpp)
SC_HDR     := $(wildcard sim/systemc/*.h sim/*.h models/*.h sim/cosim/ctl.h sim/cosim/beat.h)
# The engine array its RTL is Verilated for: configs/sc-rtl.ini's.
SC_SDE_PARAMS ?= ROWS=8 COLS=8 N_MAX=2 M_MAX=8 ACT_BITS=8 WEIGHT_BITS=8
# The softmax unit its RTL is Verilated as: configs/sc-rtl.ini's [softmax]
# (ALGORITHM 0 online, 1 ita); ROWS and N_MAX bound the planned tiles (a
# deit-tiny attention tile is 591 rows of 197 scores). FUSED_ROWS is the
# fused score buffer: every head's rows of one attention (BERT-base at
# sequence 128: 12 x 128), FUSED_ROWS x N_MAX bytes.
SC_SMX_PARAMS ?= LANES=16 ALGORITHM=0 EXP_LATENCY=4 RECIP_LATENCY=8 DIVIDERS=2 DIV_LATENCY=19 ROWS=1024 N_MAX=1024 FUSED_ROWS=2048
# The gate unit its RTL is Verilated as: configs/sc-rtl.ini's [gate] (GEMV =
# gemv_width, SORTERS = sorters); its softmax over the experts is the
# softmax unit's, SC_SMX_PARAMS. E_MAX, K_MAX, T_MAX and D_MAX bound the
# planned tiles (M3ViT-Tiny: 129 tokens of 192 into 16 experts, top-2).
SC_GATE_PARAMS ?= E_MAX=32 K_MAX=8 T_MAX=1024 D_MAX=1024 GEMV=64 SORTERS=1
SC_GATE_DIR := $(SC_BUILD)/gate
SC_GATE_LIB := $(SC_GATE_DIR)/Vgate__ALL.a
SC_SMX_DIR := $(SC_BUILD)/smx
SC_SMX_LIB := $(SC_SMX_DIR)/Vsmx__ALL.a
SC_CXXFLAGS = -std=c++17 -O2 $(shell pkg-config --cflags systemc 2>/dev/null)

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
# the platform's C++: SystemC through pkg-config, the units' parameters for
# their checks, the softmax model's header
SC_VFLAGS += -CFLAGS "$(SC_CXXFLAGS) $(addprefix -DSC_SDE_,$(SC_SDE_PARAMS)) $(addprefix -DSC_SMX_,$(SC_SMX_PARAMS)) $(addprefix -DSC_GATE_,$(SC_GATE_PARAMS)) -I$(CURDIR)/sim/systemc -I$(abspath $(SC_SMX_DIR)) -I$(abspath $(SC_GATE_DIR))"
SC_VFLAGS += -LDFLAGS "$(abspath $(SC_CHECK_OBJ)) $(abspath $(SC_SMX_LIB)) $(abspath $(SC_GATE_LIB)) $(abspath $(BUILD)/libstasim.a) $(shell pkg-config --libs systemc 2>/dev/null) $(LDLIBS)"
# the RTL at -O1 runs as fast as at the default and builds faster
SC_VFLAGS += -MAKEFLAGS "OPT_FAST=-O1 OPT_GLOBAL=-O1 OPT_SLOW=-O0"

# The checks the wrappers share with the lockstep harnesses (sim/cosim/):
# C, compiled as the library is, linked into stasim-sc and its library.
# ctl.o: the controller ports; beat.o: the output beats.
SC_CHECK_OBJ := $(SC_BUILD)/ctl.o $(SC_BUILD)/beat.o
$(SC_CHECK_OBJ): $(SC_BUILD)/%.o: sim/cosim/%.c sim/cosim/%.h models/unit.h | $(NEED_DEPS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_BASE) $(OPT) -Imodels -c $< -o $@

$(SC_BUILD)/params.stamp: sc-force
	@mkdir -p $(@D)
	@echo '$(SC_SDE_PARAMS) $(SC_SMX_PARAMS) $(SC_GATE_PARAMS)' | cmp -s - $@ || \
	  echo '$(SC_SDE_PARAMS) $(SC_SMX_PARAMS) $(SC_GATE_PARAMS)' > $@

# The softmax RTL (smx.v, its data paths and fu.v, found in rtl/) as a
# SystemC model library; the same lint, assertions and -O1 as the engine.
SC_SMX_VFLAGS = --sc --build -j 2
SC_SMX_VFLAGS += --top-module smx --prefix Vsmx -Irtl
SC_SMX_VFLAGS += -Wall
SC_SMX_VFLAGS += --assert
SC_SMX_VFLAGS += $(addprefix -G,$(SC_SMX_PARAMS))
SC_SMX_VFLAGS += -CFLAGS "$(SC_CXXFLAGS)"
SC_SMX_VFLAGS += -MAKEFLAGS "OPT_FAST=-O1 OPT_GLOBAL=-O1 OPT_SLOW=-O0"

$(SC_SMX_LIB): rtl/smx.v $(wildcard rtl/smx_*.v rtl/*.vh) rtl/fu.v $(SC_BUILD)/params.stamp \
	       | $(NEED_DEPS)
	@# a fresh directory: objects of an earlier build (Verilator splits a
	@# large model into more files than a small one) must not reach the archive
	@rm -rf $(@D) && mkdir -p $(@D)
	$(VERILATOR) $(SC_SMX_VFLAGS) --Mdir $(SC_SMX_DIR) rtl/smx.v \
	  > $(SC_BUILD)/smx-build.log 2>&1 || { tail -40 $(SC_BUILD)/smx-build.log; exit 1; }

# The gate RTL (gate.v, the softmax data paths, fu.v) likewise, with the
# softmax unit's parameters for its softmax stage.
SC_GATE_SMX_PARAMS = $(filter LANES=% ALGORITHM=% EXP_LATENCY=% RECIP_LATENCY=% DIVIDERS=% \
	DIV_LATENCY=%,$(SC_SMX_PARAMS))
SC_GATE_VFLAGS = $(subst --top-module smx --prefix Vsmx,--top-module gate --prefix Vgate,$(SC_SMX_VFLAGS))
SC_GATE_VFLAGS := $(filter-out $(addprefix -G,$(SC_SMX_PARAMS)),$(SC_GATE_VFLAGS))
SC_GATE_VFLAGS += $(addprefix -G,$(SC_GATE_PARAMS) $(SC_GATE_SMX_PARAMS))

$(SC_GATE_LIB): rtl/gate.v $(wildcard rtl/smx_*.v rtl/*.vh) rtl/fu.v $(SC_BUILD)/params.stamp \
		| $(NEED_DEPS)
	@rm -rf $(@D) && mkdir -p $(@D)
	$(VERILATOR) $(SC_GATE_VFLAGS) --Mdir $(SC_GATE_DIR) rtl/gate.v \
	  > $(SC_BUILD)/gate-build.log 2>&1 || { tail -40 $(SC_BUILD)/gate-build.log; exit 1; }

$(BUILD)/stasim-sc: rtl/sde.v rtl/sde_pe.v $(wildcard rtl/*.vh) $(SC_SRC) $(SC_HDR) $(BUILD)/libstasim.a \
		    $(SC_SMX_LIB) $(SC_GATE_LIB) $(SC_CHECK_OBJ) $(SC_BUILD)/params.stamp | $(NEED_DEPS)
	@# the engine model's files of an earlier RTL (other names, other
	@# splits) must not reach the archive beside the new ones
	rm -f $(SC_BUILD)/obj/Vsde*
	$(VERILATOR) $(SC_VFLAGS) --Mdir $(SC_BUILD)/obj -o stasim-sc \
	  $(addprefix $(CURDIR)/,$(SC_SRC)) rtl/sde.v rtl/sde_pe.v > $(SC_BUILD)/build.log 2>&1 || \
	  { tail -40 $(SC_BUILD)/build.log; exit 1; }
	cp $(SC_BUILD)/obj/stasim-sc $@
	@# shell globs, not $$(wildcard): make expands a recipe before its
	@# first line runs, when a fresh build has no Verilated objects yet
	rm -f $(SC_LIB)
	$(AR) rcs $(SC_LIB) $(addprefix $(SC_BUILD)/obj/,accel.o units.o rtl_units.o gate_rtl.o \
	  verilated.o verilated_threads.o) $(SC_BUILD)/obj/Vsde*.o $(SC_SMX_DIR)/Vsmx*.o \
	  $(SC_GATE_DIR)/Vgate*.o $(SC_CHECK_OBJ)

# The platform as a library for other SystemC platforms (docs/systemc.md):
# the accelerator top, its wrappers, the Verilated engine, softmax and gate units
# and Verilator's runtime; link it before libstasim.a.
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
