# tests/icarus/smx.mk - Icarus replay of the softmax unit's co-simulation
# vectors: smx_cosim --write-vectors writes each run's inputs and expected
# outputs as plain text; tests/icarus/tb_smx.v replays them on rtl/smx.v
# and compares every cycle (format: tests/cosim/smx_cosim.h).
#
# Include after tests/cosim/cosim.mk (it uses that file's COSIM_SMX_*,
# ICARUS_BUILD, IVERILOG and VVP), or from the repository root:
#   make -f tests/cosim/cosim.mk -f tests/icarus/smx.mk icarus-smx-quick
#   make -f tests/cosim/cosim.mk -f tests/icarus/smx.mk icarus-smx-clean

ICARUS_SMX_BUILD        ?= $(ICARUS_BUILD)/smx
ICARUS_SMX_SEEDS_QUICK  ?= 1 2
# ~25 000 cycles a seed; Icarus runs the CI unit at ~19 000 cycles/s
ICARUS_SMX_TILES_QUICK  ?= $(COSIM_SMX_TILES_QUICK)

# iverilog, one flag per line.
ICARUS_SMX_FLAGS := -g2012
# every warning class; the RTL and the bench compile clean
ICARUS_SMX_FLAGS += -Wall
# the unit of the CI binary, as -G to Verilator there
ICARUS_SMX_FLAGS += $(addprefix -Ptb_smx.,$(COSIM_SMX_PARAMS))

$(ICARUS_SMX_BUILD)/tb_smx.vvp: tests/icarus/tb_smx.v $(COSIM_SMX_RTL) \
		$(COSIM_SMX_BUILD)/params.stamp
	@echo "-- ICARUS BUILD $@ ($(COSIM_SMX_PARAMS)) --"
	@mkdir -p $(@D)
	$(IVERILOG) $(ICARUS_SMX_FLAGS) -o $@ tests/icarus/tb_smx.v $(COSIM_SMX_RTL)

.PHONY: icarus-smx-quick icarus-smx-clean

# CI: vectors of a few seeds replayed under Icarus (both seeds at once, one
# per core), then proof that a corrupted expected probability fails the
# bench. A run passes on exit 0 with the PASS line and no RTL assertion
# message (Icarus prints "ERROR:" for a failed assert but carries on).
icarus-smx-quick: $(COSIM_SMX_BUILD)/smx_cosim $(ICARUS_SMX_BUILD)/tb_smx.vvp
	@echo "-- VECTORS icarus-smx-quick --"
	@mkdir -p $(ICARUS_SMX_BUILD)
	@set -e; for s in $(ICARUS_SMX_SEEDS_QUICK); do \
	  $(COSIM_SMX_BUILD)/smx_cosim --seed $$s --tiles $(ICARUS_SMX_TILES_QUICK) \
	    --write-vectors $(ICARUS_SMX_BUILD)/seed$$s; done
	@echo "-- RUN vvp icarus-smx-quick --"
	@pids=; for s in $(ICARUS_SMX_SEEDS_QUICK); do d=$(ICARUS_SMX_BUILD)/seed$$s; \
	  $(VVP) -n $(ICARUS_SMX_BUILD)/tb_smx.vvp +stim=$$d/stim.txt \
	    +expect=$$d/expect.txt >$$d/vvp.log 2>&1 & pids="$$pids $$!"; done; \
	  rc=0; for p in $$pids; do wait $$p || rc=1; done; \
	  for s in $(ICARUS_SMX_SEEDS_QUICK); do d=$(ICARUS_SMX_BUILD)/seed$$s; cat $$d/vvp.log; \
	    if ! grep -q '^icarus smx: PASS' $$d/vvp.log || grep -q '^ERROR' $$d/vvp.log; \
	    then echo "icarus-smx-quick: seed $$s FAILED (log $$d/vvp.log)"; rc=1; fi; done; \
	  exit $$rc
	@d=$(ICARUS_SMX_BUILD)/fault; s=$(firstword $(ICARUS_SMX_SEEDS_QUICK)); mkdir -p $$d; \
	  awk 'NR > 1 && !done && $$13 == "1" { i = index("0123456789abcdef", \
	    substr($$16, length($$16))); $$16 = substr($$16, 1, length($$16) - 1) \
	    substr("1032547698badcfe", i, 1); done = 1 } { print }' \
	    $(ICARUS_SMX_BUILD)/seed$$s/expect.txt >$$d/expect.txt; \
	  cmp -s $$d/expect.txt $(ICARUS_SMX_BUILD)/seed$$s/expect.txt && \
	    { echo "icarus-smx-quick: no out_p value to corrupt"; exit 1; }; \
	  $(VVP) -n $(ICARUS_SMX_BUILD)/tb_smx.vvp +stim=$(ICARUS_SMX_BUILD)/seed$$s/stim.txt \
	    +expect=$$d/expect.txt >$$d/vvp.log 2>&1; rc=$$?; \
	  if [ $$rc -eq 1 ] && grep -q 'MISMATCH at cycle [0-9]* port out_p' $$d/vvp.log; then \
	    echo "icarus-smx-quick: corrupted expected value caught (exit 1):"; \
	    grep -m1 MISMATCH $$d/vvp.log; \
	  else echo "icarus-smx-quick: corrupted expected value NOT caught (exit $$rc)"; \
	    cat $$d/vvp.log; exit 1; fi

icarus-smx-clean:
	rm -rf $(ICARUS_SMX_BUILD)
