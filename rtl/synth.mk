# rtl/synth.mk - synthesis of every unit's RTL with yosys (rtl/synth/flow.ys:
# the gate functions of the NanGate FreePDK45 library), at the default
# config's parameters: the engine as one PE and as an array of the
# co-simulation's CI size, the shared controller (rtl/fu.v), the softmax
# unit with each algorithm, the vector unit and the gate unit. Writes
# BUILD/synth/report.json and report.txt (cells, flip-flops, longest
# register-to-register path in gate levels, cell area in um^2 from
# rtl/synth/nangate45.area) and prints the table; fails when a unit fails
# to synthesize or when the PE's longest path is more than
# SYNTH_SLACK_LEVELS levels longer than a registered multiplier's
# (rtl/synth/ref_mul.v). Included by the top Makefile:
#   make synth          run it (~10 min on two cores; logs in BUILD/synth)
#   make synth-clean    remove BUILD/synth
#   make area-table     regenerate sim/area_table.c, the component
#                       areas of `stasim area` (rtl/synth/area_table.sh,
#                       rtl/synth/area.sh; ~40 min on two cores, logs in
#                       BUILD/area, reused by a later run)

SYNTH_BUILD ?= $(or $(BUILD),build)/synth
YOSYS       ?= yosys
# the PE as configs/sta-default.ini builds it (n_max 4, m_max 16, int8)
SYNTH_PE_PARAMS    ?= N_MAX=4 M_MAX=16 ACT_BITS=8 WEIGHT_BITS=8
# the engine of the CI co-simulation (sim/cosim/cosim.mk), whichever order
# the two files are included in
SYNTH_SDE_PARAMS   ?= $(or $(COSIM_SDE_PARAMS),ROWS=4 COLS=4 N_MAX=2 M_MAX=8 ACT_BITS=8 WEIGHT_BITS=8)
# the shared controller at its own defaults (a 64-bit command)
SYNTH_FU_PARAMS    ?=
# configs/sta-default.ini's [softmax] (docs/config.md's defaults:
# exp_latency 4, recip_latency 8, 2 dividers of 19 cycles), for both
# algorithms, but SYNTH_SMX_LANES lanes rather than its 32, and again at
# one lane: the report adds what a lane adds and extrapolates to 32. The
# online data path chains its lanes' exp-and-rescale steps within a cycle;
# yosys 0.23 needs about 19 s and 0.42 GB a lane for it (4 lanes 73 s /
# 1.7 GB, 8 lanes 152 s / 3.4 GB), so 32 lanes would take some 14 GB and
# ten minutes for that unit alone, and the gate unit holds another copy.
# Tiles of up to 1024 rows of 1024 scores (as the SystemC
# platform's, SC_SMX_PARAMS); no fused score buffer (FUSED_ROWS 1: that
# buffer is SRAM, FUSED_ROWS x N_MAX bytes, not logic).
SYNTH_SMX_LANES    ?= 2
SYNTH_SMX_PARAMS   ?= LANES=$(SYNTH_SMX_LANES) EXP_LATENCY=4 RECIP_LATENCY=8 DIVIDERS=2 \
	DIV_LATENCY=19 ROWS=1024 N_MAX=1024
# [vector]: 32 lanes, latency 4; tiles of up to 1024 x 1024
SYNTH_VEC_PARAMS   ?= LANES=32 LATENCY=4 ROWS=1024 N_MAX=1024
# [gate] (gemv_width 64, 1 sorter) with [softmax]'s online data path (of
# SYNTH_SMX_LANES lanes, as above); the bounds of the real layer's unit
# (COSIM_GATE_REAL_PARAMS, SC_GATE_PARAMS)
SYNTH_GATE_PARAMS  ?= E_MAX=32 K_MAX=8 T_MAX=1024 D_MAX=1024 GEMV=64 SORTERS=1 \
	LANES=$(SYNTH_SMX_LANES) ALGORITHM=0 EXP_LATENCY=4 RECIP_LATENCY=8 DIVIDERS=2 DIV_LATENCY=19
# levels a PE stage may add to one multiply (its mux select or accumulate)
SYNTH_SLACK_LEVELS ?= 8

# yosys is not among the top Makefile's PKGS (only this check needs it):
# install it the way `make deps` installs those, only when it is missing
SYNTH_DEPS := $(if $(shell command -v $(YOSYS)),,synth-deps)

.PHONY: synth synth-deps synth-clean area-table

synth: | $(SYNTH_DEPS)
	@echo "-- SYNTH yosys: sde_pe, ref_mul, sde, fu, smx (online, ita), vec, gate --"
	@YOSYS='$(YOSYS)' SYNTH_SLACK_LEVELS='$(SYNTH_SLACK_LEVELS)' \
	  SYNTH_PE_PARAMS='$(SYNTH_PE_PARAMS)' SYNTH_SDE_PARAMS='$(SYNTH_SDE_PARAMS)' \
	  SYNTH_FU_PARAMS='$(SYNTH_FU_PARAMS)' SYNTH_SMX_PARAMS='$(SYNTH_SMX_PARAMS)' \
	  SYNTH_VEC_PARAMS='$(SYNTH_VEC_PARAMS)' SYNTH_GATE_PARAMS='$(SYNTH_GATE_PARAMS)' \
	  sh rtl/synth/synth.sh $(SYNTH_BUILD)

area-table: | $(SYNTH_DEPS)
	@echo "-- SYNTH yosys: component areas for sim/area_table.c --"
	@YOSYS='$(YOSYS)' AREA_WORK='$(or $(BUILD),build)/area' \
	  sh rtl/synth/area_table.sh sim/area_table.c

synth-deps:
	@echo "synth-deps: installing yosys"; \
	if [ "$$(id -u)" -eq 0 ]; then SUDO=""; else SUDO=sudo; fi; \
	$$SUDO apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends yosys

synth-clean:
	rm -rf $(SYNTH_BUILD)
