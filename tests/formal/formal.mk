# tests/formal/formal.mk - formal proof of the shared function-unit
# controller's handshake (rtl/fu.v, as smx.v, vec.v and gate.v use it):
# the properties of tests/formal/fu_props.sv, proven by yosys-smtbmc with z3
# (tests/formal/fu_formal.sh; docs/rtl.md, "Formal").
#   make formal          bounded model check, k-induction, cover (~10 s of CPU)
#   make formal-mutants  mutated copies of fu.v, each must fail the proof
# Both write under $(BUILD)/formal/; a failure names the counterexample VCD.

FORMAL_DIR       := $(BUILD)/formal
# steps of the bounded check and of the cover (4 commands complete by step 8)
FORMAL_DEPTH     ?= 12
# most steps of the induction, and of its base case
FORMAL_IND       ?= 4
FORMAL_SOLVER    ?= z3
# the controller to prove: a modified copy with FORMAL_FU_V=path/fu.v
FORMAL_FU_V      ?= rtl/fu.v
# fu.v on its own at its defaults, as the co-simulation builds it
FORMAL_FU_PARAMS ?= $(or $(COSIM_FU_PARAMS),CMD_W=64 KC_BITS=24 OP_BITS=32 C_FLAGS=0 C_OP=5 C_KC=37)

FORMAL_ENV = FORMAL_DEPTH='$(FORMAL_DEPTH)' FORMAL_IND='$(FORMAL_IND)' \
	FORMAL_SOLVER='$(FORMAL_SOLVER)' FORMAL_FU_PARAMS='$(FORMAL_FU_PARAMS)'

.PHONY: formal formal-mutants
formal: | $(NEED_DEPS)
	@echo "-- FORMAL $(FORMAL_FU_V): yosys-smtbmc + $(FORMAL_SOLVER), BMC $(FORMAL_DEPTH) steps, induction --"
	@$(FORMAL_ENV) sh tests/formal/fu_formal.sh $(FORMAL_DIR)/proof $(FORMAL_FU_V)

formal-mutants: | $(NEED_DEPS)
	@echo "-- FORMAL mutants of rtl/fu.v: each must fail the proof --"
	@$(FORMAL_ENV) sh tests/formal/fu_mutants.sh $(FORMAL_DIR)/mutants
