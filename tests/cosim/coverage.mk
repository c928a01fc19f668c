# tests/cosim/coverage.mk - Verilator line and toggle coverage of each RTL
# unit under the CI co-simulation suite (the passing runs of the quick
# checks of tests/cosim/checks.mk, same seeds and lengths), summarized per
# RTL file (tests/cosim/coverage.awk).
#   make coverage          build, run, merge, annotate, summarize; fails when
#                          a unit's line coverage is under COVERAGE_MIN %
#   make coverage-clean    remove $(BUILD)/coverage
# Writes into $(BUILD)/coverage/: cosim/ (the harnesses, built again with
# --coverage-line --coverage-toggle by sim/cosim/cosim.mk's own rules),
# runs/ (one coverage file and log per run), merged.dat, annotated/ (the
# sources with counts, uncovered lines marked %000000) and summary.txt.
# The injected-fault and --vcd runs of the quick checks are left out: they
# replay stimulus a passing run already drives and stop early.

COVERAGE_MIN ?= 90
COV          := $(BUILD)/coverage
COV_COSIM    := $(COV)/cosim
# what makes a harness count: Verilator's line (blocks and if/case arms)
# and toggle points; cosim_main.h writes them when a run ends
COV_VFLAGS   := --coverage-line --coverage-toggle
# Verilator 5.006 splits a combinational always block into pieces and
# moves each coverage increment into the wrong one: an arm inside an
# unrolled loop counts in another iteration's copy of its `if` (smx_ita.v's
# `if (idx == 0)` read 0 though every row takes it). Unsplit, the counts
# are the arms' own; the results are the same. Unsplit, smx.v's datapath
# block and the controller's read each other's outputs (different bits):
# Verilator then warns UNOPTFLAT, a speed warning only, which -Wall would
# make fatal.
COV_VFLAGS   += -fno-split -Wno-UNOPTFLAT

# the units: every RTL file with logic of its own that the harnesses build
# (a summary without one of them fails)
COV_UNIT_FILES := $(addprefix rtl/,fu.v sde.v sde_pe.v smx.v smx_online.v smx_ita.v \
	smx_div.vh smx_dp.vh vec.v gate.v)

# the coverage builds of the harnesses the quick checks run (cosim.mk's
# COSIM_*_BIN under COV_COSIM)
COV_BINS := $(addprefix $(COV_COSIM)/,sde/sde_cosim smx/smx_cosim vec/vec_cosim \
	gate/gate_cosim gate/ita/gate_cosim gate/real/gate_cosim fu/fu_cosim)

# the runs of each unit, each ended by "|": a name (its coverage file
# runs/NAME.dat), the harness below COV_COSIM, its options; the quick
# checks' passing runs (checks.mk), on the slices of slices.mk
COV_RUNS_fu = $(foreach s,$(COSIM_FU_SEEDS_QUICK),\
	fu-$(s) fu/fu_cosim --seed $(s) --cmds 3000 |)
COV_RUNS_sde = $(foreach s,$(COSIM_SEEDS_QUICK),\
	sde-$(s) sde/sde_cosim --seed $(s) --cmds 2000 |) \
	sde-timing sde/sde_cosim --seed 1 --cmds 200 --timing | \
	sde-qkv sde/sde_cosim --seed 1 --npy $(COSIM_SDE_SLICE)/l0.qkv --crop 32x256+96+1024 | \
	sde-qk sde/sde_cosim --seed 2 --npy $(COSIM_SDE_SLICE)/l0.qk --head 3 | \
	sde-av sde/sde_cosim --seed 3 --npy $(COSIM_SDE_SLICE)/l0.av --head 7 |
COV_RUNS_smx = $(foreach a,online ita,$(foreach s,$(COSIM_SMX_SEEDS_QUICK),\
	smx-$(a)-$(s) smx/smx_cosim --algo $(a) --seed $(s) --tiles $(COSIM_SMX_TILES_QUICK) |)) \
	smx-ita-long smx/smx_cosim --algo ita --seed 4 --tiles 16 --max-rows 2 --max-n 4096 | \
	$(foreach s,$(COSIM_SMX_FUSED_SEEDS_QUICK),\
	smx-fused-$(s) smx/smx_cosim --fused $(COSIM_SMX_FUSED_QUICK) --seed $(s) |) \
	smx-fused-long smx/smx_cosim --fused 3 --seed 5 --max-n 4096 | \
	smx-npy smx/smx_cosim --npy $(COSIM_SMX_NPY) --tiles 1 |
COV_RUNS_vec = $(foreach s,$(COSIM_VEC_SEEDS_QUICK),\
	vec-$(s) vec/vec_cosim --seed $(s) --tiles $(COSIM_VEC_TILES_QUICK) |)
COV_RUNS_gate = $(foreach b,gate gate/ita,$(foreach s,$(COSIM_GATE_SEEDS_QUICK),\
	$(subst /,-,$(b))-$(s) $(b)/gate_cosim --seed $(s) --tiles $(COSIM_GATE_TILES_QUICK) |)) \
	$(foreach s,$(COSIM_GATE_REAL_SEEDS_QUICK),gate-real-$(s) gate/real/gate_cosim \
	  --seed $(s) --tiles $(COSIM_GATE_REAL_TILES_QUICK) $(COSIM_GATE_REAL_BOUNDS) |) \
	gate-real-npy gate/real/gate_cosim --seed 1 --npy $(COSIM_GATE_NPY) | \
	gate-real-npy16 gate/real/gate_cosim --seed 2 --npy $(COSIM_GATE_NPY) --max-tokens 16 |
COV_UNITS := fu sde smx vec gate
# the slices each unit's runs read
COV_SLICES_sde  := $(COSIM_SDE_SLICE)/done
COV_SLICES_smx  := $(COSIM_SMX_SLICE)/done
COV_SLICES_gate := $(COSIM_GATE_SLICE)/done

.PHONY: coverage coverage-build coverage-clean $(addprefix coverage-run-,$(COV_UNITS))

coverage: $(addprefix coverage-run-,$(COV_UNITS))
	@echo "-- COVERAGE: merge, annotate, summarize --"
	@verilator_coverage --write $(COV)/merged.dat $(COV)/runs/*.dat
	@rm -rf $(COV)/annotated
	@verilator_coverage --annotate-all --annotate-min 1 --annotate $(COV)/annotated \
	  $(COV)/merged.dat > /dev/null
	@awk -v min=$(COVERAGE_MIN) -v units="$(COV_UNIT_FILES)" \
	  -f tests/cosim/coverage.awk $(COV)/merged.dat \
	  > $(COV)/summary.txt; rc=$$?; cat $(COV)/summary.txt; \
	  echo "(written to $(COV)/summary.txt; annotated sources in $(COV)/annotated)"; \
	  exit $$rc

# The harnesses, by cosim.mk's rules in a make of their own: its build
# directory and the coverage flags are make variables that every rule of
# cosim.mk reads (tests/icarus/mutants.sh builds its mutants the same way).
# A change of COV_VFLAGS rebuilds them all (cosim.mk tracks parameters,
# not flags).
coverage-build: $(BUILD)/libstasim.a | $(NEED_DEPS)
	@echo "-- BUILD coverage harnesses --"
	@mkdir -p $(COV_COSIM) && echo '$(COV_VFLAGS)' | cmp -s - $(COV_COSIM)/vflags || \
	  { rm -rf $(COV_COSIM) && mkdir -p $(COV_COSIM) && echo '$(COV_VFLAGS)' > $(COV_COSIM)/vflags; }
	@$(MAKE) --no-print-directory -o $(BUILD)/libstasim.a BUILD=$(BUILD) \
	  COSIM_BUILD=$(COV_COSIM) COSIM_COVERAGE_VFLAGS="$(COV_VFLAGS)" $(COV_BINS)

# $(call cov_unit,UNIT): run every line of COV_RUNS_UNIT, each run's counts
# in runs/NAME.dat (its own: a stale file of an earlier run is removed
# first), its output in runs/NAME.log, shown when the run fails.
define cov_unit
coverage-run-$(1): coverage-build $(COV_SLICES_$(1))
	@echo "-- RUN coverage $(1) --"
	@mkdir -p $(COV)/runs && rm -f $(COV)/runs/$(1)-*.dat
	@set -e; echo '$$(strip $$(COV_RUNS_$(1)))' | tr '|' '\n' | while read -r name bin args; do \
	  [ -n "$$$$name" ] || continue; \
	  if ! COSIM_COVERAGE=$(COV)/runs/$$$$name.dat $(COV_COSIM)/$$$$bin $$$$args \
	    > $(COV)/runs/$$$$name.log 2>&1; then \
	    cat $(COV)/runs/$$$$name.log; echo "coverage: run $$$$name failed"; exit 1; fi; \
	  [ -s $(COV)/runs/$$$$name.dat ] || { echo "coverage: run $$$$name wrote no counts"; exit 1; }; \
	  echo "coverage: $$$$name: $$$$(tail -n 1 $(COV)/runs/$$$$name.log | cut -c1-100)"; \
	  done
endef
$(foreach u,$(COV_UNITS),$(eval $(call cov_unit,$(u))))

coverage-clean:
	rm -rf $(COV)
