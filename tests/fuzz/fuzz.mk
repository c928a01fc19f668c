# tests/fuzz/fuzz.mk - libFuzzer on every reader of a user's file: the
# config, the energy table, traces, SCALE-Sim topologies, sweep specs,
# results CSVs, JSON and area tables. One target per reader, tests/fuzz/fuzz_READER.c,
# its seeds in tests/fuzz/corpus/READER/, the inputs that once crashed it
# in tests/fuzz/crashes/READER/ (docs/testing.md). Included by the top
# Makefile after the flavour macro, whose rules build the library:
#   make fuzz [FUZZ_SECONDS=N]   each target N seconds (default 60)
#   make fuzz-smoke              every seed and crash replayed, then each
#                                target FUZZ_SMOKE_SECONDS (part of make test)

FUZZ_READERS       := config energy trace scalesim sweep_spec results json area
FUZZ_DIR           := $(BUILD)/fuzz
FUZZ_SECONDS       ?= 60
FUZZ_SMOKE_SECONDS ?= 2
FUZZ_CC            := clang
FUZZ_BINS          := $(addprefix $(FUZZ_DIR)/bin/fuzz_,$(FUZZ_READERS))

# Flags of the library, one per line; the release build's -D flags and
# warnings come from CFLAGS_BASE.
FUZZ_FLAGS := -g -O1
# stack traces through every frame
FUZZ_FLAGS += -fno-omit-frame-pointer
# coverage feedback for libFuzzer, whose main() only the targets link
FUZZ_FLAGS += -fsanitize=fuzzer-no-link,address,undefined
# undefined behaviour stops the run like a crash, so its input is saved
FUZZ_FLAGS += -fno-sanitize-recover=all

$(eval $(call flavour,FUZZ,$(FUZZ_DIR),$(FUZZ_FLAGS),$(FUZZ_CC)))

$(FUZZ_DIR)/bin/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.c tests/fuzz/fuzz.h $(FUZZ_DIR)/libstasim.a | $(NEED_DEPS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CFLAGS_BASE) $(subst fuzzer-no-link,fuzzer,$(FUZZ_FLAGS)) -Isim -Itests/fuzz $< tests/fuzz/fuzz.c $(FUZZ_DIR)/libstasim.a -o $@ $(LDLIBS)

.PHONY: fuzz-build

fuzz-build: $(FUZZ_BINS)

# Fails when any target finds a crash, a leak, a hang or UB; the input is
# kept in $(FUZZ_DIR)/crashes/READER/ and the command replaying it printed.
fuzz: $(FUZZ_BINS)
	@echo "-- FUZZ $(FUZZ_SECONDS) s per reader --"
	@sh tests/fuzz/run.sh fuzz $(FUZZ_DIR) $(FUZZ_SECONDS) $(FUZZ_READERS)

fuzz-smoke: $(FUZZ_BINS)
	@echo "-- FUZZ SMOKE: seeds and stored crashes replayed, $(FUZZ_SMOKE_SECONDS) s per reader --"
	@sh tests/fuzz/run.sh smoke $(FUZZ_DIR) $(FUZZ_SMOKE_SECONDS) $(FUZZ_READERS)
