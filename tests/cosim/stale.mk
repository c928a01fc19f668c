# tests/cosim/stale.mk - "RTL is never stale": `stasim cosim UNIT` runs the
# RTL as it is now (sim/cosim_cmd.c brings the harness up to date first).
# rtl-recipe runs docs/rtl.md's recipe "Verify your own modified RTL" for
# real, in a scratch copy of the sources under $(BUILD) (rtl/ here is never
# touched): one line of rtl/sde_pe.v broken must FAIL (exit 1) with a
# mismatch and a VCD window, restored it must PASS (exit 0), and a copy of
# stasim outside a build directory must refuse a stale harness (exit 2).
# ~25 s on two cores: stasim at -O0 and two builds of the smallest engine.
#   make rtl-recipe

RTL_RECIPE_DIR := $(BUILD)/rtl-recipe

.PHONY: rtl-recipe
rtl-recipe: | $(NEED_DEPS)
	@echo "-- RUN rtl-recipe (docs/rtl.md: Verify your own modified RTL) --"
	@sh tests/rtl-recipe.sh $(abspath $(RTL_RECIPE_DIR))
