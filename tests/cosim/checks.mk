# tests/cosim/checks.mk - the co-simulation checks: each unit's harness
# (sim/cosim/, built by sim/cosim/cosim.mk) run on seeds, on real tiles
# (--npy: the slices of tests/cosim/slices.mk), with injected faults that
# must be caught, and with --vcd windows that must hold the right cycles;
# and each unit's RTL linted by Verilator -Wall and Icarus.
#   make cosim-sde-quick cosim-smx-quick cosim-vec-quick cosim-gate-quick  (CI)
#   make cosim-fu-quick            the shared controller alone (each of the
#                                  three units built on it runs it first)
#   make cosim-sde cosim-smx-soak                                          (make cosim)
#   make cosim-sde-lint cosim-smx-lint cosim-vec-lint cosim-gate-lint
# cosim-gelu-quick and cosim-gelu-lint are the vec checks' old names, kept
# for one release.

COSIM_SEEDS_QUICK ?= 1 2 3 4
COSIM_SEEDS       ?= 1 2 3 4 5 6 7 8 9 10 11 12
# the slices' directory (slices.mk's SLICE_DIR, spelled out: that file is
# read after this one)
COSIM_SLICES      := $(COSIM_BUILD)/slices
COSIM_SDE_SLICE   := $(COSIM_SLICES)/vit-b16-attn
COSIM_SMX_SLICE   := $(COSIM_SLICES)/vit-b16-attn
COSIM_SMX_NPY     := $(COSIM_SMX_SLICE)/l0.sm
COSIM_GATE_SLICE  := $(COSIM_SLICES)/m3vit-moe
COSIM_GATE_NPY    := $(COSIM_GATE_SLICE)/l1.gate
# the config slices.mk dumps with (its SLICE_CONFIG)
COSIM_SLICE_CONFIG := configs/sta-default.ini

# --vcd checks: a file stays under this many bytes (the whole run, traced,
# would write ~100 MB); sde: the systolic array's skew, deskew and drain
# registers, ~12 kB a busy cycle on the CI array
COSIM_SDE_VCD_MAX  ?= 2000000
COSIM_SMX_VCD_MAX  ?= 131072
COSIM_VEC_VCD_MAX  ?= 100000
# gate: cycles kept before the mismatch; the window C-BEFORE..C+4 then
# holds at most 2 (BEFORE + 1 + 4) timestamps, two edges a cycle
COSIM_GATE_VCD_BEFORE ?= 16

# ---- what the checks of every unit share ----

# $(call cosim_inject,LABEL,RUN,PORTS,WHAT): RUN --inject-port P must fail
# (exit 1) for each P of PORTS; WHAT names the build in the message.
define cosim_inject
	@set +e; for p in $(3); do \
	  $(2) --inject-port $$p >/dev/null 2>&1; rc=$$?; \
	  if [ $$rc -eq 1 ]; then echo "$(1): injected $$p fault caught$(4) (exit 1)"; \
	  else echo "$(1): injected $$p fault NOT caught$(4) (exit $$rc)"; exit 1; fi; \
	  done
endef

# $(call cosim_vcd_pass,LABEL,RUN,VCD,MAXBYTES): a passing RUN --vcd VCD
# writes cycles 0..64 (the default window) and with --vcd-window 100:199
# those cycles: exactly the timestamps 2 A + 4 .. 2 B + 5 (two a cycle
# after 3 reset clocks), in a file under MAXBYTES.
define cosim_vcd_pass
	@set +e; v=$(strip $(3)); for w in 0:64 100:199; do rm -f $$v; \
	  a=$${w%:*}; b=$${w#*:}; o=$$([ $$w = 0:64 ] || echo "--vcd-window $$w"); \
	  $(2) --vcd $$v $$o > $$v.log 2>&1; rc=$$?; \
	  t=$$(sed -n 's/^#\([0-9]*\)$$/\1/p' $$v 2>/dev/null | sed -n '1p;$$p' | tr '\n' ' '); \
	  n=$$(grep -c '^#[0-9]' $$v 2>/dev/null); s=$$(wc -c < $$v 2>/dev/null || echo 0); \
	  if [ $$rc -eq 0 ] && [ "$$t" = "$$((2 * a + 4)) $$((2 * b + 5)) " ] && \
	     [ "$$n" -eq $$((2 * (b - a + 1))) ] && [ $$s -lt $(4) ] && \
	     grep -q "wrote VCD window cycles $$a\.\.$$b to $$v " $$v.log; then \
	    echo "$(1): --vcd$${o:+ $$o} of a passing run: cycles $$a..$$b, VCD times $$((2 * a + 4))..$$((2 * b + 5)) ($$s B)"; \
	  else echo "$(1): --vcd$${o:+ $$o} of a passing run wrong (exit $$rc, times '$$t', $$n timestamps): see $$v.log"; \
	    exit 1; fi; done
endef

# $(call cosim_vcd_fault,LABEL,RUN,VCD,BEFORE,MAXBYTES): a faulty RUN --vcd
# VCD writes the window C-BEFORE..C+4 of its failure cycle C: a bounded
# file holding the rising edge of the failure clock (cycle C is the check
# after clock C - 1, edge at time 2 (C - 1 + 3 reset clocks) + 1).
define cosim_vcd_fault
	@set +e; v=$(strip $(3)); rm -f $$v; \
	  $(2) --vcd $$v > $$v.log 2>&1; rc=$$?; \
	  c=$$(sed -n 's/.*FAIL at cycle \([0-9]*\): .*/\1/p' $$v.log); \
	  n=$$(grep -c '^#[0-9]' $$v 2>/dev/null); b=$$(wc -c < $$v 2>/dev/null || echo 0); \
	  if [ $$rc -eq 1 ] && [ -n "$$c" ] && grep -qx "#$$((2 * ($$c + 2) + 1))" $$v && \
	     grep -q "wrote VCD window cycles $$(($$c - $(4)))\.\.$$(($$c + 4)) to $$v " $$v.log && \
	     [ "$$n" -le $$((2 * ($(4) + 5))) ] && [ "$$b" -lt $(5) ]; then \
	    echo "$(1): --vcd of a fault at cycle $$c: $$n timestamps, $$b B, holds its clock"; \
	  else echo "$(1): --vcd window wrong (exit $$rc, cycle '$$c', $$n timestamps, $$b B): see $$v.log"; exit 1; fi
endef

# $(call cosim_npy_flip,LABEL,DIR,SRC-FILES,FILE,OFFSET,MASK,RUN,GREP,WHAT):
# copies of SRC-FILES in DIR, the byte at OFFSET of the data of DIR/FILE
# (after its .npy header) XORed with MASK; RUN on them must fail (exit 1)
# with GREP in its messages: WHAT was caught against the dump.
define cosim_npy_flip
	@set +e; d=$(strip $(2)); f=$$d/$(strip $(4)); rm -rf $$d; mkdir -p $$d; cp $(3) $$d/; \
	  o=$$(( 10 + $$(od -An -tu2 -j8 -N2 $$f) + $(5) )); \
	  b=$$(od -An -tu1 -j$$o -N1 $$f); \
	  printf "\\$$(printf %o $$(( $$b ^ $(6) )))" | dd of=$$f bs=1 seek=$$o conv=notrunc 2>/dev/null; \
	  $(7) >$$d/log 2>&1; rc=$$?; \
	  if [ $$rc -eq 1 ] && grep -q '$(strip $(8))' $$d/log; then \
	    echo "$(1): corrupted $(9) caught against the dump (exit 1)"; \
	  else echo "$(1): corrupted $(9) NOT caught (exit $$rc): see $$d/log"; exit 1; fi
endef

.PHONY: cosim-fu-quick cosim-sde-quick cosim-sde cosim-sde-lint cosim-smx-quick cosim-smx-soak \
	cosim-smx-lint cosim-vec-quick cosim-vec-lint cosim-gate-quick cosim-gate-lint \
	cosim-gelu-quick cosim-gelu-lint

# ---- fu: rtl/fu.v, the controller of smx, vec and gate, against models/fu.c ----

COSIM_FU_SEEDS_QUICK ?= 1 2 3 4

# CI: a few seeds of commands of mostly 0 .. 3 kcycles (a tile that starts
# and ends in one clock; the units' own tiles are longer), then proof that
# a flipped controller pulse is caught. A prerequisite of the quick checks
# of the units that embed the controller.
cosim-fu-quick: $(COSIM_FU_BIN)
	@echo "-- RUN cosim-fu-quick --"
	@set -e; for s in $(COSIM_FU_SEEDS_QUICK); do \
	  $(COSIM_FU_BIN) --seed $$s --cmds 3000; done
	$(call cosim_inject,$@,$(COSIM_FU_BIN) --seed 1 --cmds 200 --inject-flip 100,\
	  active cmd_ready rd_done wb_done)

cosim-smx-quick cosim-vec-quick cosim-gate-quick: cosim-fu-quick

# ---- sde: rtl/sde*.v against models/sde.c ----

# CI: a few seeds, then proof that a flipped output bit is caught. Then
# real tiles (--npy): a region of the 2:4 QKV projection, one head of
# Q.K^T and of A.V, each row also against the dumped out.npy; proof that a
# flipped output bit is caught there, and that a corrupted activation in a
# copy of the dump is caught against out.npy (the model and the RTL agree
# on the corrupted operands). Last the --vcd windows of a late fault and
# of a passing run.
cosim-sde-quick: $(COSIM_SDE_BIN) $(COSIM_SDE_SLICE)/done
	@echo "-- RUN cosim-sde-quick --"
	@set -e; for s in $(COSIM_SEEDS_QUICK); do \
	  $(COSIM_SDE_BIN) --seed $$s --cmds 2000; done
	@$(COSIM_SDE_BIN) --seed 1 --cmds 200 --timing
	$(call cosim_inject,$@,$(COSIM_SDE_BIN) --seed 1 --cmds 200 --inject-flip 500,\
	  active op_slice dbg_acc)
	@set -e; d=$(COSIM_SDE_SLICE); \
	  $(COSIM_SDE_BIN) --seed 1 --npy $$d/l0.qkv --crop 32x256+96+1024; \
	  $(COSIM_SDE_BIN) --seed 2 --npy $$d/l0.qk --head 3; \
	  $(COSIM_SDE_BIN) --seed 3 --npy $$d/l0.av --head 7
	$(call cosim_inject,$@,$(COSIM_SDE_BIN) --npy $(COSIM_SDE_SLICE)/l0.qk --head 3 \
	  --inject-flip 20000,out_data, in --npy)
	$(call cosim_npy_flip,$@,$(COSIM_BUILD)/sde/npy-fault,$(addprefix \
	  $(COSIM_SDE_SLICE)/l0.av.,a.npy w.npy acc.npy out.npy),l0.av.a.npy,7 * 197 * 197 + 5,128,\
	  $(COSIM_SDE_BIN) --npy $$d/l0.av --head 7,against out.npy,a.npy[7][0][5])
	$(call cosim_vcd_fault,$@,$(COSIM_SDE_BIN) --seed 1 --cmds 10000 --inject-flip 150000,\
	  $(COSIM_BUILD)/sde/fault.vcd,64,$(COSIM_SDE_VCD_MAX))
	$(call cosim_vcd_pass,$@,$(COSIM_SDE_BIN) --seed 2 --cmds 200,$(COSIM_BUILD)/sde/pass.vcd,\
	  $(COSIM_SDE_VCD_MAX))

# every port sde_cosim compares, for --inject-port
COSIM_SDE_PORTS := active cmd_ready rd_done wb_done op_rd op_slice out_valid \
	out_row out_data dbg_acc

# More seeds on both arrays, every acc_db setting, every injection port;
# the whole of the four attention GEMMs (--npy, 8-bit: the CI array only),
# and every GEMM dump of the MoE slice (PREFIX.a.npy) when there are some.
cosim-sde: $(COSIM_SDE_BIN) $(COSIM_SDE_WIDE_BIN) $(COSIM_SDE_SLICE)/done \
		$(COSIM_GATE_SLICE)/done
	@echo "-- RUN cosim-sde --"
	@set -e; for p in qkv qk av proj; do \
	  $(COSIM_SDE_BIN) --seed 7 --npy $(COSIM_SDE_SLICE)/l0.$$p; done
	@set -e; n=0; for a in $(COSIM_GATE_SLICE)/*.a.npy; do \
	  [ -e "$$a" ] || continue; n=$$((n + 1)); \
	  $(COSIM_SDE_BIN) --seed 7 --npy $${a%.a.npy}; done; \
	  echo "cosim-sde: $$n GEMM dumps of the MoE slice run"
	@set -e; for b in $(COSIM_SDE_BIN) $(COSIM_SDE_WIDE_BIN); do \
	  for s in $(COSIM_SEEDS); do $$b --seed $$s --cmds 5000; done; \
	  $$b --seed 99 --cmds 3000 --acc-db 0; \
	  $$b --seed 98 --cmds 3000 --acc-db 1; \
	  $$b --seed 97 --cmds 3000 --timing; done
	$(call cosim_inject,$@,$(COSIM_SDE_BIN) --seed 5 --cmds 300 --inject-flip 700,\
	  $(COSIM_SDE_PORTS), by $(COSIM_SDE_BIN))
	$(call cosim_inject,$@,$(COSIM_SDE_WIDE_BIN) --seed 5 --cmds 300 --inject-flip 700,\
	  $(COSIM_SDE_PORTS), by $(COSIM_SDE_WIDE_BIN))

cosim-sde-lint:
	@echo "-- LINT rtl/sde.v --"
	$(VERILATOR) --lint-only -Wall -Irtl rtl/sde.v
	$(IVERILOG) -g2012 -o /dev/null $(COSIM_sde_RTL)

# cosim-sde-lint also lints the softmax unit
cosim-sde-lint: cosim-smx-lint

# ---- smx: rtl/smx*.v against models/fu.c + smx_ref.c ----

COSIM_SMX_SEEDS_QUICK ?= 1 2 3 4
COSIM_SMX_TILES_QUICK ?= 400
COSIM_SMX_SEEDS       ?= 1 2 3 4 5 6 7 8 9 10 11 12
COSIM_SMX_FUSED_SEEDS_QUICK ?= 1 2 3 4
# scenarios a fused seed runs (~2 000 cycles each with the default --max-n)
COSIM_SMX_FUSED_QUICK ?= 20

# CI: a few seeds of each algorithm, and rows up to 4096 long (ita's
# denominator saturates); fused scenarios on the online model (rows of up
# to 40 scores, then rows of up to 4096); the first scheduler tile of a
# real softmax op (332 rows, ~1.7 heads) against smx_row and the dumped
# probabilities, with its --vcd windows; proof that a flipped probability
# bit and a flipped controller pulse are caught in both (and online, a
# flipped running-sum bit on the debug ports), and a flipped
# fetched probability, p_valid and wb_done in a fused run; and a faulty
# long run's --vcd window.
cosim-smx-quick: $(COSIM_SMX_BIN) $(COSIM_SMX_SLICE)/done
	@echo "-- RUN cosim-smx-quick --"
	@set -e; for a in online ita; do for s in $(COSIM_SMX_SEEDS_QUICK); do \
	  $(COSIM_SMX_BIN) --algo $$a --seed $$s --tiles $(COSIM_SMX_TILES_QUICK); \
	  done; done
	@$(COSIM_SMX_BIN) --algo ita --seed 4 --tiles 16 --max-rows 2 --max-n 4096
	@set -e; for s in $(COSIM_SMX_FUSED_SEEDS_QUICK); do \
	  $(COSIM_SMX_BIN) --fused $(COSIM_SMX_FUSED_QUICK) --seed $$s; done
	@$(COSIM_SMX_BIN) --fused 3 --seed 5 --max-n 4096
	$(call cosim_vcd_pass,$@,$(COSIM_SMX_BIN) --npy $(COSIM_SMX_NPY) --tiles 1,\
	  $(COSIM_SMX_BUILD)/pass.vcd,$(COSIM_SMX_VCD_MAX))
	$(call cosim_inject,$@,$(COSIM_SMX_BIN) --algo online --seed 1 --tiles 50 \
	  --inject-flip 500,out_p wb_done dbg_s, (online))
	$(call cosim_inject,$@,$(COSIM_SMX_BIN) --algo ita --seed 1 --tiles 50 \
	  --inject-flip 500,out_p wb_done, (ita))
	$(call cosim_inject,$@,$(COSIM_SMX_BIN) --fused 2 --seed 1 --inject-flip 500,\
	  p_data p_valid wb_done, (fused))
	$(call cosim_vcd_fault,$@,$(COSIM_SMX_BIN) --algo ita --seed 5 --tiles 3000 \
	  --inject-flip 150000,$(COSIM_SMX_BUILD)/fault.vcd,64,$(COSIM_SMX_VCD_MAX))

# make cosim: more and longer random rows (up to 16 rows of 256 scores, 16
# groups of ita's 16; 2 rows of up to 4096), the whole real op (all 12
# heads, 8 tiles) with both algorithms against the C model and against
# dumps of their own (ita: the slice rerun with algorithm = ita, with each
# ita_eps32), more and longer fused scenarios, and a flip on every port of
# both and of a fused run.
COSIM_SMX_ITA_SLICES := $(COSIM_SMX_BUILD)/slice-ita $(COSIM_SMX_BUILD)/slice-ita32

# $(call smx_ita_slice,DIR,EPS32): the slice's functional run with ita; the
# config is the slice's with its energy table path made absolute.
define smx_ita_slice
$(1)/done: $(COSIM_SMX_SLICE)/done $(COSIM_SLICE_CONFIG)
	@rm -rf $(1) && mkdir -p $(1)
	sed 's|^table = energy/|table = $(CURDIR)/configs/energy/|' \
	  $(COSIM_SLICE_CONFIG) > $(1)/ita.ini
	printf '[softmax]\nalgorithm = ita\nita_eps32 = $(2)\n' >> $(1)/ita.ini
	$(BUILD)/stasim run -c $(1)/ita.ini -t $(COSIM_SMX_SLICE)/slice.trace \
	  --mode functional --dump $(1) > $(1)/report.txt
	@touch $$@
endef
$(eval $(call smx_ita_slice,$(word 1,$(COSIM_SMX_ITA_SLICES)),false))
$(eval $(call smx_ita_slice,$(word 2,$(COSIM_SMX_ITA_SLICES)),true))

COSIM_SMX_PORTS := out_p active cmd_ready rd_done wb_done dbg_s

cosim-smx-soak: $(COSIM_SMX_BIN) $(COSIM_SMX_SLICE)/done \
		$(addsuffix /done,$(COSIM_SMX_ITA_SLICES))
	@echo "-- RUN cosim-smx-soak --"
	@set -e; for a in online ita; do for s in $(COSIM_SMX_SEEDS); do \
	  $(COSIM_SMX_BIN) --algo $$a --seed $$s --tiles 2000; done; \
	  $(COSIM_SMX_BIN) --algo $$a --seed 99 --tiles 300 --max-rows 16 --max-n 256; \
	  $(COSIM_SMX_BIN) --algo $$a --seed 98 --tiles 60 --max-rows 2 --max-n 4096; \
	  $(COSIM_SMX_BIN) --algo $$a --npy $(COSIM_SMX_NPY); done
	@set -e; for d in $(COSIM_SMX_ITA_SLICES); do \
	  $(COSIM_SMX_BIN) --npy $$d/l0.sm --config $$d/ita.ini; done
	@set -e; for s in $(COSIM_SMX_SEEDS); do \
	  $(COSIM_SMX_BIN) --fused 40 --seed $$s; done; \
	  $(COSIM_SMX_BIN) --fused 30 --seed 97 --max-n 256 --max-rows 16; \
	  $(COSIM_SMX_BIN) --fused 6 --seed 96 --max-n 4096
	$(call cosim_inject,$@,$(COSIM_SMX_BIN) --algo online --seed 1 --tiles 300 \
	  --inject-flip 2000,$(COSIM_SMX_PORTS), (online))
	$(call cosim_inject,$@,$(COSIM_SMX_BIN) --algo ita --seed 1 --tiles 300 \
	  --inject-flip 2000,$(COSIM_SMX_PORTS), (ita))
	$(call cosim_inject,$@,$(COSIM_SMX_BIN) --fused 6 --seed 1 --inject-flip 2000,\
	  p_data p_valid $(COSIM_SMX_PORTS), (fused))

# make cosim runs the soak too
cosim: cosim-smx-soak

# The fused front end too: the CI build's (FUSED_ROWS of the online model)
# and a score buffer of rows not a power of two at the defaults. Icarus
# warns that its combinational fetch reads whole memories (score buffer,
# row file, reciprocal pipeline): -Wno-sensitivity-entire-array for those.
# Icarus compiles it at the default N_MAX (64): the CI build's 64 x 4096
# score buffer would take it hours (its @* over a memory grows with the
# square of the words: 4 s at 64 x 256, 42 s at 64 x 1024).
cosim-smx-lint:
	@echo "-- LINT rtl/smx.v rtl/smx_ita.v --"
	$(VERILATOR) --lint-only -Wall -Irtl rtl/smx.v
	$(VERILATOR) --lint-only -Wall -Irtl rtl/smx_ita.v
	$(VERILATOR) --lint-only -Wall -Irtl $(addprefix -G,$(COSIM_SMX_PARAMS)) rtl/smx.v
	$(VERILATOR) --lint-only -Wall -Irtl -GALGORITHM=1 $(addprefix -G,$(COSIM_SMX_PARAMS)) rtl/smx.v
	$(VERILATOR) --lint-only -Wall -Irtl $(addprefix -G,$(COSIM_SMX_PARAMS)) \
		-GFUSED_ROWS=$(COSIM_SMX_FUSED_ROWS) rtl/smx.v
	$(VERILATOR) --lint-only -Wall -Irtl -GFUSED_ROWS=12 rtl/smx.v
	$(IVERILOG) -g2012 -Wall -o /dev/null $(COSIM_smx_RTL)
	$(IVERILOG) -g2012 -Wall -Psmx.ALGORITHM=1 -o /dev/null $(COSIM_smx_RTL)
	$(IVERILOG) -g2012 -Wall -Wno-sensitivity-entire-array \
		-Psmx.FUSED_ROWS=$(COSIM_SMX_FUSED_ROWS) -o /dev/null $(COSIM_smx_RTL)

# ---- vec: rtl/vec.v against models/fu.c + vec.c + vec_ref.c ----

COSIM_VEC_SEEDS_QUICK ?= 1 2 3 4
COSIM_VEC_TILES_QUICK ?= 400

# CI: a few seeds; proof that a flipped output bit and a flipped controller
# pulse are caught; the --vcd windows of a late fault (200 000 cycles in:
# ~57 kB; the whole run would write ~150 MB) and of a passing run.
cosim-vec-quick: $(COSIM_VEC_BIN)
	@echo "-- RUN cosim-vec-quick --"
	@set -e; for s in $(COSIM_VEC_SEEDS_QUICK); do \
	  $(COSIM_VEC_BIN) --seed $$s --tiles $(COSIM_VEC_TILES_QUICK); done
	$(call cosim_inject,$@,$(COSIM_VEC_BIN) --seed 1 --tiles 50 --inject-flip 500,\
	  out_y wb_done)
	$(call cosim_vcd_fault,$@,$(COSIM_VEC_BIN) --seed 3 --tiles 8000 --inject-flip 200000,\
	  $(COSIM_BUILD)/vec/fault.vcd,64,$(COSIM_VEC_VCD_MAX))
	$(call cosim_vcd_pass,$@,$(COSIM_VEC_BIN) --seed 2 --tiles 50,\
	  $(COSIM_BUILD)/vec/pass.vcd,$(COSIM_VEC_VCD_MAX))

cosim-vec-lint:
	@echo "-- LINT rtl/vec.v --"
	$(VERILATOR) --lint-only -Wall -Irtl rtl/vec.v
	$(VERILATOR) --lint-only -Wall -Irtl $(addprefix -G,$(COSIM_VEC_PARAMS)) rtl/vec.v
	$(IVERILOG) -g2012 -Wall -o /dev/null $(COSIM_vec_RTL)

# the old names of the vec checks, for one release
cosim-gelu-quick: cosim-vec-quick
cosim-gelu-lint: cosim-vec-lint

# ---- gate: rtl/gate.v against models/fu.c + gate.c ----

COSIM_GATE_SEEDS_QUICK ?= 1 2 3 4
COSIM_GATE_TILES_QUICK ?= 1000
COSIM_GATE_REAL_SEEDS_QUICK ?= 1 2
COSIM_GATE_REAL_TILES_QUICK ?= 300
# the real layer's unit: random tiles kept to the router's size, several
# rows of W_gate in a beat
COSIM_GATE_REAL_BOUNDS ?= --max-tokens 16 --max-width 192

# CI: a few seeds of the CI unit with each softmax algorithm and of the
# real layer's unit; every token of a real router layer through the real
# unit, its choices and scores against gate_token and the dump, as one tile
# (the planner's; with its --vcd windows) and in back-to-back tiles of 16
# tokens; a copy of the dump with one choice changed, which must fail
# against the dump alone (the RTL and gate_token agree on the unchanged
# operands); proof that a flipped index, score or controller bit is
# caught; and a faulty run's --vcd window.
cosim-gate-quick: $(COSIM_GATE_BIN) $(COSIM_GATE_ITA_BIN) $(COSIM_GATE_REAL_BIN) \
		$(COSIM_GATE_SLICE)/done
	@echo "-- RUN cosim-gate-quick --"
	@set -e; for b in $(COSIM_GATE_BIN) $(COSIM_GATE_ITA_BIN); do \
	  for s in $(COSIM_GATE_SEEDS_QUICK); do \
	  $$b --seed $$s --tiles $(COSIM_GATE_TILES_QUICK); done; done
	@set -e; for s in $(COSIM_GATE_REAL_SEEDS_QUICK); do \
	  $(COSIM_GATE_REAL_BIN) --seed $$s --tiles $(COSIM_GATE_REAL_TILES_QUICK) \
	    $(COSIM_GATE_REAL_BOUNDS); done
	$(call cosim_vcd_pass,$@,$(COSIM_GATE_REAL_BIN) --seed 1 --npy $(COSIM_GATE_NPY),\
	  $(COSIM_BUILD)/gate/pass.vcd,100000000)
	@$(COSIM_GATE_REAL_BIN) --seed 2 --npy $(COSIM_GATE_NPY) --max-tokens 16
	$(call cosim_npy_flip,$@,$(COSIM_BUILD)/gate/npy-fault,$(COSIM_GATE_NPY).*,\
	  l1.gate.topk.npy,2 * (5 * 2 + 0),1,$(COSIM_GATE_REAL_BIN) --npy $$d/l1.gate,\
	  token 5 entry 0 (against .*topk.npy),topk.npy[5][0])
	$(call cosim_inject,$@,$(COSIM_GATE_BIN) --seed 1 --tiles 50 --inject-flip 500,\
	  out_idx out_score wb_done, by $(COSIM_GATE_BIN))
	$(call cosim_inject,$@,$(COSIM_GATE_ITA_BIN) --seed 1 --tiles 50 --inject-flip 500,\
	  out_score, by $(COSIM_GATE_ITA_BIN))
	$(call cosim_vcd_fault,$@,$(COSIM_GATE_REAL_BIN) --seed 1 --npy $(COSIM_GATE_NPY) \
	  --inject-flip 1500 --vcd-window $(COSIM_GATE_VCD_BEFORE),$(COSIM_BUILD)/gate/fault.vcd,\
	  $(COSIM_GATE_VCD_BEFORE),100000000)

# Verilator -Wall at the defaults and at every build's parameters, both
# softmax algorithms; Icarus compiles the same.
cosim-gate-lint:
	@echo "-- LINT rtl/gate.v --"
	$(VERILATOR) --lint-only -Wall -Irtl rtl/gate.v
	$(VERILATOR) --lint-only -Wall -Irtl -GALGORITHM=1 rtl/gate.v
	$(VERILATOR) --lint-only -Wall -Irtl $(addprefix -G,$(COSIM_GATE_PARAMS)) rtl/gate.v
	$(VERILATOR) --lint-only -Wall -Irtl $(addprefix -G,$(COSIM_GATE_ITA_PARAMS)) rtl/gate.v
	$(VERILATOR) --lint-only -Wall -Irtl $(addprefix -G,$(COSIM_GATE_REAL_PARAMS)) rtl/gate.v
	$(IVERILOG) -g2012 -Wall -o /dev/null $(COSIM_gate_RTL)
	$(IVERILOG) -g2012 -Wall -Pgate.ALGORITHM=1 -o /dev/null $(COSIM_gate_RTL)
	$(IVERILOG) -g2012 -Wall $(addprefix -Pgate.,$(COSIM_GATE_PARAMS)) -o /dev/null $(COSIM_gate_RTL)
	$(IVERILOG) -g2012 -Wall $(addprefix -Pgate.,$(COSIM_GATE_ITA_PARAMS)) -o /dev/null $(COSIM_gate_RTL)
cosim-vec-lint: | $(NEED_DEPS)
