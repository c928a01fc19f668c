# rtl/synth.mk - a synthesis check of the engine's RTL with yosys (generic
# gates, rtl/synth/flow.ys): the PE at the default config, a registered
# multiplier as the yardstick of one pipeline stage, and the whole engine at
# the co-simulation's CI size. Prints cells and the longest
# register-to-register path (cell levels) of each, and fails when the PE's
# is more than SYNTH_SLACK_LEVELS levels longer than the multiplier's.
# Included by the top Makefile:
#   make synth          run it (~1 min on two cores; logs in BUILD/synth)
#   make synth-clean    remove BUILD/synth

SYNTH_BUILD ?= $(or $(BUILD),build)/synth
YOSYS       ?= yosys
# the PE as configs/sta-default.ini builds it (n_max 4, m_max 16, int8)
SYNTH_PE_PARAMS    ?= N_MAX=4 M_MAX=16 ACT_BITS=8 WEIGHT_BITS=8
# the engine of the CI co-simulation (sim/cosim/cosim.mk), whichever order
# the two files are included in
SYNTH_SDE_PARAMS   ?= $(or $(COSIM_SDE_PARAMS),ROWS=4 COLS=4 N_MAX=2 M_MAX=8 ACT_BITS=8 WEIGHT_BITS=8)
# levels a PE stage may add to one multiply (its mux select or accumulate)
SYNTH_SLACK_LEVELS ?= 8

# yosys is not among the top Makefile's PKGS (only this check needs it):
# install it the way `make deps` installs those, only when it is missing
SYNTH_DEPS := $(if $(shell command -v $(YOSYS)),,synth-deps)

.PHONY: synth synth-deps synth-clean

synth: | $(SYNTH_DEPS)
	@echo "-- SYNTH yosys: sde_pe ($(SYNTH_PE_PARAMS)), ref_mul, sde ($(SYNTH_SDE_PARAMS)) --"
	@YOSYS='$(YOSYS)' SYNTH_PE_PARAMS='$(SYNTH_PE_PARAMS)' \
	  SYNTH_SDE_PARAMS='$(SYNTH_SDE_PARAMS)' SYNTH_SLACK_LEVELS='$(SYNTH_SLACK_LEVELS)' \
	  sh rtl/synth/synth.sh $(SYNTH_BUILD)

synth-deps:
	@echo "synth-deps: installing yosys"; \
	if [ "$$(id -u)" -eq 0 ]; then SUDO=""; else SUDO=sudo; fi; \
	$$SUDO apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends yosys

synth-clean:
	rm -rf $(SYNTH_BUILD)
