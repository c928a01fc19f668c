# tests/icarus/smx.mk - Icarus replay of the softmax unit's co-simulation
# vectors: smx_cosim --write-vectors writes each run's inputs and expected
# outputs as plain text; tests/icarus/tb_smx.v replays them on rtl/smx.v
# and compares every cycle (format: tests/cosim/smx_cosim.h), one bench
# per algorithm with RTL (online, ita).
#
# Include after tests/cosim/cosim.mk (it uses that file's COSIM_SMX_*,
# ICARUS_BUILD, IVERILOG and VVP), or from the repository root:
#   make -f tests/cosim/cosim.mk -f tests/icarus/smx.mk icarus-smx-quick
#   make -f tests/cosim/cosim.mk -f tests/icarus/smx.mk icarus-smx-clean

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
$(ICARUS_SMX_BUILD)/tb_smx_$(1).vvp: tests/icarus/tb_smx.v $(COSIM_SMX_RTL) \
		$(COSIM_SMX_BUILD)/params.stamp
	@echo "-- ICARUS BUILD $$@ (ALGORITHM=$(2) $(COSIM_SMX_PARAMS)) --"
	@mkdir -p $$(@D)
	$(IVERILOG) $(ICARUS_SMX_FLAGS) -Ptb_smx.ALGORITHM=$(2) -o $$@ \
		tests/icarus/tb_smx.v $(COSIM_SMX_RTL)
endef
$(eval $(call icarus_smx_vvp,online,0))
$(eval $(call icarus_smx_vvp,ita,1))

.PHONY: icarus-smx-quick icarus-smx-clean

# CI: vectors of a few seeds of each algorithm replayed under Icarus (all at
# once, the two cores shared), then proof that a corrupted expected
# probability fails each algorithm's bench. A run passes on exit 0 with the
# PASS line and no RTL assertion message (Icarus prints "ERROR:" for a
# failed assert but carries on).
icarus-smx-quick: $(COSIM_SMX_BUILD)/smx_cosim \
		$(addprefix $(ICARUS_SMX_BUILD)/tb_smx_,$(addsuffix .vvp,$(ICARUS_SMX_ALGOS)))
	@echo "-- VECTORS icarus-smx-quick --"
	@mkdir -p $(ICARUS_SMX_BUILD)
	@set -e; for a in $(ICARUS_SMX_ALGOS); do for s in $(ICARUS_SMX_SEEDS_QUICK); do \
	  $(COSIM_SMX_BUILD)/smx_cosim --algo $$a --seed $$s --tiles $(ICARUS_SMX_TILES_QUICK) \
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

# Mutated RTL (an operator, a constant, a pipeline stage) must fail the
# Icarus replay of the C model's vectors (tests/icarus/mutants.sh).
.PHONY: icarus-mutants
icarus-mutants: icarus-sde-quick icarus-smx-quick
	@IVERILOG='$(IVERILOG)' VVP='$(VVP)' ICARUS_FLAGS='$(ICARUS_FLAGS)' \
	  ICARUS_SMX_FLAGS='$(ICARUS_SMX_FLAGS)' SDE_VEC=$(ICARUS_BUILD)/seed1 \
	  SMX_VEC_online=$(ICARUS_SMX_BUILD)/online1 SMX_VEC_ita=$(ICARUS_SMX_BUILD)/ita1 \
	  SDE_RTL='$(COSIM_RTL)' SMX_RTL='$(COSIM_SMX_RTL)' \
	  sh tests/icarus/mutants.sh $(ICARUS_BUILD)/mutants
