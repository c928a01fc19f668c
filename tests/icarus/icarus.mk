# tests/icarus/icarus.mk - the Icarus replay of the co-simulation vectors:
# sde_cosim and smx_cosim --write-vectors write each run's inputs and the C
# model's expected outputs as plain text (formats: sim/cosim/sde_cosim.h,
# smx_cosim.h, tests/icarus/README.md); tests/icarus/tb_sde.v and tb_smx.v
# replay them on the RTL under Icarus and compare every cycle; mutated RTL
# must fail the replay (mutants.sh). Included by the top Makefile after
# sim/cosim/cosim.mk (it uses the harnesses and their parameters):
#   make icarus-sde-quick icarus-smx-quick icarus-mutants   (CI)
#   make mutants                                            every mutant (~5 min)
#   make icarus-clean                                       remove build/icarus

# ---- the engine: tb_sde.v on rtl/sde*.v ----

ICARUS_BUILD       ?= $(or $(BUILD),build)/icarus
ICARUS_SEEDS_QUICK ?= 1 2
# ~18 000 cycles a seed; Icarus runs the 4x4 array at ~3 000 cycles/s
ICARUS_CMDS_QUICK  ?= 1000

# iverilog, one flag per line.
ICARUS_FLAGS := -g2012
# every warning class; the RTL and the bench compile clean
ICARUS_FLAGS += -Wall
# the array of the CI binary, as -G to Verilator there
ICARUS_FLAGS += $(addprefix -Ptb_sde.,$(COSIM_SDE_PARAMS))

$(ICARUS_BUILD)/tb_sde.vvp: tests/icarus/tb_sde.v tests/icarus/tb_common.vh $(COSIM_sde_RTL) $(COSIM_RTL_INC) $(COSIM_BUILD)/sde/params.stamp
	@echo "-- ICARUS BUILD $@ ($(COSIM_SDE_PARAMS)) --"
	@mkdir -p $(@D)
	$(IVERILOG) $(ICARUS_FLAGS) -o $@ tests/icarus/tb_sde.v $(COSIM_sde_RTL)

.PHONY: icarus-sde-quick icarus-clean

# CI: vectors of a few seeds replayed under Icarus (both seeds at once, one
# per core), then proof that a corrupted expected value fails the bench.
# A run passes on exit 0 with the PASS line and no RTL assertion message
# (Icarus prints "ERROR:" for a failed assert but carries on).
icarus-sde-quick: $(COSIM_SDE_BIN) $(ICARUS_BUILD)/tb_sde.vvp
	@echo "-- VECTORS icarus-sde-quick --"
	@set -e; for s in $(ICARUS_SEEDS_QUICK); do \
	  $(COSIM_SDE_BIN) --seed $$s --cmds $(ICARUS_CMDS_QUICK) \
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
	  awk 'NR > 1 && !done && $$12 == "1" { i = index("0123456789abcdef", \
	    substr($$14, length($$14))); $$14 = substr($$14, 1, length($$14) - 1) \
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

# ---- the softmax unit: tb_smx.v on rtl/smx*.v, one bench per algorithm ----

ICARUS_SMX_BUILD        ?= $(ICARUS_BUILD)/smx
ICARUS_SMX_SEEDS_QUICK  ?= 1 2
# ~27 000 cycles a seed; Icarus runs the CI unit at ~19 000 cycles/s
ICARUS_SMX_TILES_QUICK  ?= $(COSIM_SMX_TILES_QUICK)
# the algorithms with RTL, as rtl/smx.v's ALGORITHM: online 0, ita 1
ICARUS_SMX_ALGOS        := online ita

# iverilog, one flag per line.
ICARUS_SMX_FLAGS := -g2012
# every warning class; the RTL and the bench compile clean
ICARUS_SMX_FLAGS += -Wall
# the unit of the CI binary, as -G to Verilator there
ICARUS_SMX_FLAGS += $(addprefix -Ptb_smx.,$(COSIM_SMX_PARAMS))

# $(call icarus_smx_vvp,ALGO,ALGORITHM): the bench for one algorithm.
define icarus_smx_vvp
$(ICARUS_SMX_BUILD)/tb_smx_$(1).vvp: tests/icarus/tb_smx.v tests/icarus/tb_common.vh $(COSIM_smx_RTL) $(COSIM_RTL_INC) \
		$(COSIM_SMX_BUILD)/params.stamp
	@echo "-- ICARUS BUILD $$@ (ALGORITHM=$(2) $(COSIM_SMX_PARAMS)) --"
	@mkdir -p $$(@D)
	$(IVERILOG) $(ICARUS_SMX_FLAGS) -Ptb_smx.ALGORITHM=$(2) -o $$@ \
		tests/icarus/tb_smx.v $(COSIM_smx_RTL)
endef
$(eval $(call icarus_smx_vvp,online,0))
$(eval $(call icarus_smx_vvp,ita,1))

.PHONY: icarus-smx-quick icarus-smx-clean

# CI: vectors of a few seeds of each algorithm replayed under Icarus (all at
# once, the two cores shared), then proof that a corrupted expected
# probability fails each algorithm's bench. A run passes on exit 0 with the
# PASS line and no RTL assertion message (Icarus prints "ERROR:" for a
# failed assert but carries on).
icarus-smx-quick: $(COSIM_SMX_BIN) \
		$(addprefix $(ICARUS_SMX_BUILD)/tb_smx_,$(addsuffix .vvp,$(ICARUS_SMX_ALGOS)))
	@echo "-- VECTORS icarus-smx-quick --"
	@mkdir -p $(ICARUS_SMX_BUILD)
	@set -e; for a in $(ICARUS_SMX_ALGOS); do for s in $(ICARUS_SMX_SEEDS_QUICK); do \
	  $(COSIM_SMX_BIN) --algo $$a --seed $$s --tiles $(ICARUS_SMX_TILES_QUICK) \
	    --write-vectors $(ICARUS_SMX_BUILD)/$$a$$s; done; done
	@echo "-- RUN vvp icarus-smx-quick --"
	@pids=; for a in $(ICARUS_SMX_ALGOS); do for s in $(ICARUS_SMX_SEEDS_QUICK); do \
	  d=$(ICARUS_SMX_BUILD)/$$a$$s; \
	  $(VVP) -n $(ICARUS_SMX_BUILD)/tb_smx_$$a.vvp +stim=$$d/stim.txt \
	    +expect=$$d/expect.txt >$$d/vvp.log 2>&1 & pids="$$pids $$!"; done; done; \
	  rc=0; for p in $$pids; do wait $$p || rc=1; done; \
	  for a in $(ICARUS_SMX_ALGOS); do for s in $(ICARUS_SMX_SEEDS_QUICK); do \
	    d=$(ICARUS_SMX_BUILD)/$$a$$s; cat $$d/vvp.log; \
	    if ! grep -q '^icarus smx: PASS' $$d/vvp.log || grep -q '^ERROR' $$d/vvp.log; \
	    then echo "icarus-smx-quick: $$a seed $$s FAILED (log $$d/vvp.log)"; rc=1; fi; \
	  done; done; exit $$rc
	@s=$(firstword $(ICARUS_SMX_SEEDS_QUICK)); for a in $(ICARUS_SMX_ALGOS); do \
	  d=$(ICARUS_SMX_BUILD)/fault-$$a; mkdir -p $$d; \
	  awk 'NR > 1 && !done && $$13 == "1" { i = index("0123456789abcdef", \
	    substr($$16, length($$16))); $$16 = substr($$16, 1, length($$16) - 1) \
	    substr("1032547698badcfe", i, 1); done = 1 } { print }' \
	    $(ICARUS_SMX_BUILD)/$$a$$s/expect.txt >$$d/expect.txt; \
	  cmp -s $$d/expect.txt $(ICARUS_SMX_BUILD)/$$a$$s/expect.txt && \
	    { echo "icarus-smx-quick: no $$a out_p value to corrupt"; exit 1; }; \
	  $(VVP) -n $(ICARUS_SMX_BUILD)/tb_smx_$$a.vvp +stim=$(ICARUS_SMX_BUILD)/$$a$$s/stim.txt \
	    +expect=$$d/expect.txt >$$d/vvp.log 2>&1; rc=$$?; \
	  if [ $$rc -eq 1 ] && grep -q 'MISMATCH at cycle [0-9]* port out_p' $$d/vvp.log; then \
	    echo "icarus-smx-quick: corrupted $$a expected value caught (exit 1):"; \
	    grep -m1 MISMATCH $$d/vvp.log; \
	  else echo "icarus-smx-quick: corrupted $$a expected value NOT caught (exit $$rc)"; \
	    cat $$d/vvp.log; exit 1; fi; done

icarus-smx-clean:
	rm -rf $(ICARUS_SMX_BUILD)

# Mutated RTL must fail the Icarus replay of the C model's vectors or a
# unit's Verilator co-simulation (tests/icarus/mutants.sh, which lists the
# mutants). CI (icarus-mutants): the fast ones, all Icarus-caught, every one
# caught. make mutants: all of them, over every unit's RTL, each built into
# the Icarus benches and, where those pass it or none exists (vec, gate,
# the controller alone), into the unit's Verilator harness on a copy of
# rtl/ (BUILD/mutants/NAME); at least MUTANTS_MIN percent caught.
MUTANTS_MIN ?= 95
MUTANTS_ENV = IVERILOG='$(IVERILOG)' VVP='$(VVP)' ICARUS_FLAGS='$(ICARUS_FLAGS)' \
	  ICARUS_SMX_FLAGS='$(ICARUS_SMX_FLAGS)' SDE_VEC=$(ICARUS_BUILD)/seed1 \
	  SMX_VEC_online=$(ICARUS_SMX_BUILD)/online1 SMX_VEC_ita=$(ICARUS_SMX_BUILD)/ita1 \
	  SDE_RTL='$(COSIM_sde_RTL)' SMX_RTL='$(COSIM_smx_RTL)' \
	  MAKE='$(MAKE)' BUILD='$(or $(BUILD),build)' MUTANTS_MIN=$(MUTANTS_MIN)
.PHONY: icarus-mutants mutants
icarus-mutants: icarus-sde-quick icarus-smx-quick
	@$(MUTANTS_ENV) sh tests/icarus/mutants.sh $(ICARUS_BUILD)/mutants fast
mutants: icarus-sde-quick icarus-smx-quick $(or $(BUILD),build)/libstasim.a
	@$(MUTANTS_ENV) sh tests/icarus/mutants.sh $(or $(BUILD),build)/mutants all
