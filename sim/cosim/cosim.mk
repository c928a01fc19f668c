# sim/cosim/cosim.mk - the lockstep co-simulation harnesses that `stasim
# cosim UNIT` runs (sim/cosim_cmd.c): each unit's RTL, rtl/UNIT.v,
# Verilated and linked with its harness, sim/cosim/UNIT_cosim.c and
# UNIT_main.cpp, the lockstep core (lockstep.c, ctl.c, beat.c, cosim_main.h) and
# libstasim.a, whose models and planner (--npy) are the product's own. One template, cosim_unit, builds every unit and
# every build of a unit (a parameter set): BUILD/cosim/UNIT/UNIT_cosim is
# the one `stasim cosim UNIT` runs; other builds go below it.
#
# Included by the top Makefile; the checks that run the binaries are in
# tests/cosim/checks.mk and tests/icarus/icarus.mk.
#   make build/cosim/vec/vec_cosim    build one harness
#   make cosim-clean                  remove build/cosim
# A build is redone only when its RTL, the C sources or its parameters
# change (BUILD/cosim/UNIT[/VARIANT]/params.stamp). Every harness has
# tracing built in: --vcd FILE replays the run and writes a window of
# cycles (lockstep.h; ~1-3 s of CPU each build; untraced runs pay nothing
# until the replay).

COSIM_BUILD ?= $(or $(BUILD),build)/cosim
# The RTL the harnesses are built from: rtl/, or a mutated copy of it
# (tests/icarus/mutants.sh) whose `include "rtl/..."` lines resolve in
# its parent (Verilator searches -I before the working directory).
COSIM_RTL_DIR ?= rtl
COSIM_CC    ?= gcc
VERILATOR   ?= verilator
IVERILOG    ?= iverilog
VVP         ?= vvp

# ---- the units: parameters, the C they link, their RTL ----
# PARAMS go to Verilator as -G and to the C and C++ compilers as
# -D<DEFINE>NAME; the harness's header (UNIT_cosim.h) defaults them.

# The engine. CI: small enough to build fast on 2 cores, large enough for
# every case (2 multipliers, 8:1 muxes: 1:2 .. 1:8 and 2:3 .. 2:8 patterns).
COSIM_SDE_PARAMS      ?= ROWS=4 COLS=4 N_MAX=2 M_MAX=8 ACT_BITS=8 WEIGHT_BITS=8
# Wide: odd array shape, 4 multipliers behind 16:1 muxes, 16-bit operands
# whose products overflow the int32 accumulators.
COSIM_SDE_WIDE_PARAMS ?= ROWS=3 COLS=5 N_MAX=4 M_MAX=16 ACT_BITS=16 WEIGHT_BITS=16
COSIM_sde_DEFINE := SDE_
# the include files the units share (rtl/fu_pins.vh, smx_div.vh, ...): a
# prerequisite of every RTL build, never a source file on a command line
COSIM_RTL_INC    := $(wildcard $(COSIM_RTL_DIR)/*.vh)
COSIM_sde_RTL    := $(wildcard $(COSIM_RTL_DIR)/sde*.v)
COSIM_sde_SRC    := sde_cosim sde_tiles

# The softmax unit, two models of rtl/smx.v in one binary: ALGORITHM 0
# (online) and 1 (ita), --algo picks one. CI: 2 lanes, the default
# recip_latency 8 (4 quotient bits a cycle) and 2 dividers of 19 cycles
# (ita: 10 a row), random rows up to 40 scores, so that both c < L and
# c > L windows occur; ROWS holds the real op's tiles (332 rows of 197
# scores on the default config), N_MAX rows long enough to saturate ita's
# 19-bit denominator (2048 maximal scores).
COSIM_SMX_PARAMS ?= LANES=2 EXP_LATENCY=2 RECIP_LATENCY=8 DIVIDERS=2 DIV_LATENCY=19 ROWS=512 N_MAX=4096
# The online model also has the fused front end (rtl/smx.v "Fused"): a score
# buffer of this many rows (x N_MAX), which smx_cosim --fused drives and the
# other runs leave idle. The ita model, the Icarus bench and the vector
# files stay at FUSED_ROWS 1. 64 rows add ~3 s to the online model's build.
COSIM_SMX_FUSED_ROWS ?= 64
COSIM_smx_DEFINE := SMX_
COSIM_smx_RTL    := $(wildcard $(COSIM_RTL_DIR)/smx*.v) $(COSIM_RTL_DIR)/fu.v
COSIM_smx_SRC    := smx_cosim smx_stim smx_fused smx_dbg
COSIM_SMX_BUILD  := $(COSIM_BUILD)/smx
# the ita model: a library linked into the online model's executable
COSIM_SMX_ITA_LIB := $(COSIM_SMX_BUILD)/ita/Vsmx_ita__ALL.a

# The vector unit (its GELU path). CI: 4 lanes (tiles of rows * n not a
# multiple of 4 leave lanes empty), 3 pipeline stages, tiles up to 4 x 64.
COSIM_VEC_PARAMS ?= LANES=4 LATENCY=3 ROWS=4 N_MAX=64
COSIM_vec_DEFINE := VEC_RTL_
COSIM_vec_RTL    := $(COSIM_RTL_DIR)/vec.v $(COSIM_RTL_DIR)/fu.v
COSIM_vec_SRC    := vec_cosim

# The MoE gate unit (router logits GEMV, softmax over the experts, top-k).
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
# experts, top-2) in one tile.
COSIM_GATE_REAL_PARAMS ?= E_MAX=32 K_MAX=8 T_MAX=1024 D_MAX=1024 GEMV=64 SORTERS=1 LANES=16 \
	ALGORITHM=0 EXP_LATENCY=4 RECIP_LATENCY=8 DIVIDERS=2 DIV_LATENCY=19
COSIM_gate_DEFINE := GATE_RTL_
COSIM_gate_RTL    := $(addprefix $(COSIM_RTL_DIR)/,gate.v fu.v smx_online.v smx_ita.v)
COSIM_gate_SRC    := gate_cosim gate_tiles

# The shared controller, rtl/fu.v, on its own at its defaults: commands of
# 0 and 1 kcycles (a tile that starts and ends in one clock), which no
# unit's own tile times give it (sim/cosim/fu_cosim.h).
COSIM_FU_PARAMS ?= CMD_W=64 KC_BITS=24 OP_BITS=32 C_FLAGS=0 C_OP=5 C_KC=37
COSIM_fu_DEFINE := FU_RTL_
COSIM_fu_RTL    := $(COSIM_RTL_DIR)/fu.v
COSIM_fu_SRC    := fu_cosim

# ---- flags ----

# The C side: the models, the planner and the harnesses, one flag per line.
COSIM_CFLAGS := -std=c11
# the project's dialect (Makefile: CFLAGS_BASE)
COSIM_CFLAGS += -D_POSIX_C_SOURCE=200809L
# the project's warnings; a warning is a bug report
COSIM_CFLAGS += -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
# the harnesses include the models, the planner and the core by name
COSIM_CFLAGS += -Imodels -Isim -Isim/cosim
# the source tree: smx_cosim --npy's default --config
COSIM_CFLAGS += -DSTASIM_SRC_DIR='"$(CURDIR)"'
# a fast run, as the library's
COSIM_CFLAGS += -O2

# Verilator, one flag per line.
COSIM_VFLAGS := --cc --exe --build
# both cores for the C++ build
COSIM_VFLAGS += -j 2
# a unit's other modules (sde_pe.v, fu.v, smx_*.v) are found beside it,
# its `include "rtl/..."` files in the directory above
COSIM_VFLAGS += -I$(COSIM_RTL_DIR) -I$(COSIM_RTL_DIR)/..
# every lint warning fails the build, as in the lint checks
COSIM_VFLAGS += -Wall
# tests/icarus/mutants.sh: -Wno-fatal (a mutation may leave a signal unread)
COSIM_VFLAGS += $(COSIM_MUTANT_VFLAGS)
# tests/cosim/coverage.mk: --coverage-line --coverage-toggle (its own
# COSIM_BUILD; each run writes its counts, cosim_main.h write_coverage)
COSIM_VFLAGS += $(COSIM_COVERAGE_VFLAGS)
# the RTL's inline assertions (FIFO overflow, hold overwrite) stop the run
COSIM_VFLAGS += --assert
# the core's headers, for UNIT_main.cpp
COSIM_VFLAGS += -CFLAGS -I$(CURDIR)/sim/cosim
# build time: the model at -O1 runs as fast as at the default -Os and builds
# faster; Verilator's runtime and the once-only code need no optimization
COSIM_VFLAGS += -MAKEFLAGS "OPT_FAST=-O1 OPT_GLOBAL=-O0 OPT_SLOW=-O0"
# waves built in: --vcd replays a run traced (vcd_window.h); the first
# pass leaves tracing off and costs nothing for it
COSIM_VFLAGS += --trace
# Libraries, after the objects (Verilator links in command-line order): the
# planner reads INI files (config.c) and gzip traces (trace.c); the
# references need libm.
COSIM_LDFLAGS := -LDFLAGS "-lz -lm"

COSIM_HEADERS := $(wildcard models/*.h sim/*.h sim/lib/*.h sim/cosim/*.h)

# The core, which no unit parameter changes, compiled once for every unit;
# the models and the rest come from the product's library.
COSIM_CORE := $(addprefix $(COSIM_BUILD)/lib/,lockstep.o ctl.o beat.o) $(BUILD)/libstasim.a
$(COSIM_BUILD)/lib/%.o: sim/cosim/%.c $(COSIM_HEADERS) | cosim-force
	@mkdir -p $(@D)
	$(COSIM_CC) $(COSIM_CFLAGS) -c $< -o $@

# $(call cosim_unit,UNIT,DIR,PARAMS[,LINK[,CXXFLAGS]]): DIR/UNIT_cosim,
# COSIM_RTL_DIR/UNIT.v Verilated with -G PARAMS in lockstep with the unit's harness,
# whose sources (COSIM_UNIT_SRC) are compiled with -D<DEFINE>PARAMS, and
# the core. LINK: more to link (and build first); CXXFLAGS: more for
# UNIT_main.cpp.
define cosim_unit
$(2)/params.stamp: cosim-force
	@mkdir -p $(2)
	@echo '$(strip $(3))' | cmp -s - $$@ || echo '$(strip $(3))' > $$@

$(2)/c/%.o: sim/cosim/%.c $$(COSIM_HEADERS) $(2)/params.stamp
	@mkdir -p $$(@D)
	$$(COSIM_CC) $$(COSIM_CFLAGS) $(addprefix -D$(COSIM_$(1)_DEFINE),$(3)) -c $$< -o $$@

$(2)/$(1)_cosim: $$(COSIM_$(1)_RTL) $$(COSIM_RTL_INC) sim/cosim/$(1)_main.cpp sim/cosim/cosim_main.h \
		sim/cosim/vcd_window.h $(2)/params.stamp \
		$(addprefix $(2)/c/,$(addsuffix .o,$(COSIM_$(1)_SRC))) $$(COSIM_CORE) $(4)
	@echo "-- VERILATE + BUILD $$@ ($(strip $(3))) --"
	@rm -f $$@
	$$(VERILATOR) $$(COSIM_VFLAGS) --top-module $(1) --Mdir $(2)/vobj -o $$(abspath $$@) \
		$(addprefix -G,$(3)) \
		-CFLAGS "$(addprefix -D$(COSIM_$(1)_DEFINE),$(3)) $(5)" \
		$(COSIM_RTL_DIR)/$(1).v $$(CURDIR)/sim/cosim/$(1)_main.cpp \
		$$(abspath $(addprefix $(2)/c/,$(addsuffix .o,$(COSIM_$(1)_SRC))) \
			$(4) $$(COSIM_CORE)) \
		$$(COSIM_LDFLAGS)
endef

$(eval $(call cosim_unit,sde,$(COSIM_BUILD)/sde,$(COSIM_SDE_PARAMS)))
$(eval $(call cosim_unit,sde,$(COSIM_BUILD)/sde/wide,$(COSIM_SDE_WIDE_PARAMS)))
$(eval $(call cosim_unit,smx,$(COSIM_SMX_BUILD),$(COSIM_SMX_PARAMS) \
	FUSED_ROWS=$(COSIM_SMX_FUSED_ROWS) ALGORITHM=0,$(COSIM_SMX_ITA_LIB), \
	-I$(abspath $(COSIM_SMX_BUILD)/ita)))
$(eval $(call cosim_unit,vec,$(COSIM_BUILD)/vec,$(COSIM_VEC_PARAMS)))
$(eval $(call cosim_unit,gate,$(COSIM_BUILD)/gate,$(COSIM_GATE_PARAMS)))
$(eval $(call cosim_unit,gate,$(COSIM_BUILD)/gate/ita,$(COSIM_GATE_ITA_PARAMS)))
$(eval $(call cosim_unit,gate,$(COSIM_BUILD)/gate/real,$(COSIM_GATE_REAL_PARAMS)))
$(eval $(call cosim_unit,fu,$(COSIM_BUILD)/fu,$(COSIM_FU_PARAMS)))

# The binaries the checks run: BUILD/cosim/UNIT/UNIT_cosim is the unit's.
COSIM_SDE_BIN       := $(COSIM_BUILD)/sde/sde_cosim
COSIM_SDE_WIDE_BIN  := $(COSIM_BUILD)/sde/wide/sde_cosim
COSIM_SMX_BIN       := $(COSIM_SMX_BUILD)/smx_cosim
COSIM_VEC_BIN       := $(COSIM_BUILD)/vec/vec_cosim
COSIM_GATE_BIN      := $(COSIM_BUILD)/gate/gate_cosim
COSIM_GATE_ITA_BIN  := $(COSIM_BUILD)/gate/ita/gate_cosim
COSIM_GATE_REAL_BIN := $(COSIM_BUILD)/gate/real/gate_cosim
COSIM_FU_BIN        := $(COSIM_BUILD)/fu/fu_cosim

# The smx build's second model: rtl/smx.v with ALGORITHM 1 (ita) and no
# fused score buffer, as a library with a prefix of its own.
$(COSIM_SMX_ITA_LIB): $(COSIM_smx_RTL) $(COSIM_RTL_INC) $(COSIM_SMX_BUILD)/params.stamp
	@echo "-- VERILATE + BUILD $@ (ALGORITHM=1 $(COSIM_SMX_PARAMS)) --"
	$(VERILATOR) $(filter-out --exe,$(COSIM_VFLAGS)) --top-module smx \
		--prefix Vsmx_ita --Mdir $(@D) -GALGORITHM=1 \
		$(addprefix -G,$(COSIM_SMX_PARAMS)) $(COSIM_RTL_DIR)/smx.v

.PHONY: cosim-clean cosim-force
cosim-clean:
	rm -rf $(COSIM_BUILD)

cosim-force:
