# stasim - top-level Makefile: every entry point of the project.
#
#   make          build build/stasim
#   make run      the main job: shipped default trace on the shipped default config
#   make test     all cmocka suites (JUnit XML in build/test-results/)
#   make asan     the same suites under AddressSanitizer + UBSan
#   make asan-clang  the same again built with clang (its UBSan checks more)
#   make fuzz     libFuzzer on every input reader, FUZZ_SECONDS (60) each
#   make bench    simulation speed, written to build/bench.json
#   make cosim    the longer RTL-vs-model co-simulation soak (tests/cosim/)
#   make coverage  Verilator line and toggle coverage of each RTL unit under the
#                 CI co-simulations, per unit, in build/coverage/summary.txt
#   make formal   yosys-smtbmc: rtl/fu.v's handshake proven (BMC, induction)
#   make synth    yosys: the engine's PE against a multiplier, cells and depth
#   make check-html  the HTML report rendered in headless Chromium
#   make deps     install missing Debian packages (sudo only when not root)
#   make install  binaries, man page, configs, energy tables and traces
#                 under $(DESTDIR)$(PREFIX) (default /usr/local)
#   make traces   regenerate the shipped traces from the model zoo
#   make studies  rerun the shipped design-space studies into docs/studies/
#   make clean    remove build/

.DEFAULT_GOAL := all
BUILD      := build
CC         ?= cc
PKGS       := build-essential pkg-config zlib1g-dev libcmocka-dev gnuplot-nox parallel \
              verilator libsystemc-dev iverilog clang libclang-rt-dev yosys z3

DEFAULT_CONFIG := configs/sta-default.ini
DEFAULT_TRACE  := traces/bert-base-s128-2of4.trace.gz

# One flag per line, each with its reason.
CFLAGS_BASE := -std=c11
# mkstemp, fdopen, mkdir: POSIX.1-2008 beyond ISO C
CFLAGS_BASE += -D_POSIX_C_SOURCE=200809L
# the warnings we hold the code to; a warning is a bug report
CFLAGS_BASE += -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
# tests find the shipped configs and traces from any working directory
CFLAGS_BASE += -DSTASIM_SRC_DIR='"$(CURDIR)"'
OPT         ?= -O2
LDLIBS      := -lz -lm

SIM_SRC    := $(filter-out sim/main.c,$(wildcard sim/*.c)) $(wildcard sim/lib/*.c) $(wildcard models/*.c)
TEST_SRC   := $(wildcard tests/test_*.c)
TEST_NAMES := $(notdir $(TEST_SRC:.c=))

# Missing headers or tools make every build target install them first.
# Defined before any rule that names $(NEED_DEPS): make expands a rule's
# prerequisites when it reads the rule, so a later definition would leave
# them empty and a fresh machine would go straight to a compile without cc.
# `make HAVE_DEPS=` forces the probe to "missing" (tests/deps-order.sh).
HAVE_DEPS := $(and $(shell command -v $(CC)),$(shell command -v c++),$(wildcard /usr/include/zlib.h),$(wildcard /usr/include/systemc.h),$(wildcard /usr/include/cmocka.h),$(shell command -v pkg-config),$(shell command -v verilator),$(shell command -v iverilog),$(shell command -v gnuplot),$(shell command -v parallel),$(shell command -v clang),$(wildcard /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a),$(shell command -v yosys-smtbmc),$(shell command -v z3))
NEED_DEPS := $(if $(HAVE_DEPS),,deps)

# Build directory per flavour: release objects in build/, sanitized in
# build/asan/ and, compiled by clang ($(4), default $(CC)), in build/asan-clang/.
define flavour
$(1)_OBJ := $$(patsubst %.c,$(2)/obj/%.o,$$(SIM_SRC))
$(1)_CC = $(or $(4),$$(CC))
$(2)/obj/%.o: %.c $$(wildcard sim/*.h sim/lib/*.h models/*.h) | $$(NEED_DEPS)
	@mkdir -p $$(dir $$@)
	$$($(1)_CC) $$(CFLAGS_BASE) $(3) -c $$< -o $$@
$(2)/libstasim.a: $$($(1)_OBJ)
	$$(AR) rcs $$@ $$^
$(2)/stasim: $(2)/obj/sim/main.o $(2)/libstasim.a
	$$($(1)_CC) $(3) -o $$@ $$^ $$(LDLIBS)
$(2)/tests/%: tests/%.c tests/testutil.h $(2)/libstasim.a | $$(NEED_DEPS)
	@mkdir -p $$(dir $$@)
	$$($(1)_CC) $$(CFLAGS_BASE) -D_DEFAULT_SOURCE $(3) -Isim -Imodels $$< $(2)/libstasim.a -o $$@ $$(LDLIBS) -lcmocka
endef

ASAN_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all

$(eval $(call flavour,REL,$(BUILD),$(OPT)))
$(eval $(call flavour,ASAN,$(BUILD)/asan,$(ASAN_FLAGS)))
# the same under clang, whose UBSan reports some UB that gcc's does not
$(eval $(call flavour,ASANCL,$(BUILD)/asan-clang,$(ASAN_FLAGS),clang))


# RTL co-simulation (Verilator) of the units, lockstep against the C models.
include sim/cosim/cosim.mk
include tests/cosim/checks.mk
include tests/cosim/stale.mk
include tests/cosim/slices.mk
include tests/cosim/coverage.mk
include sim/systemc/systemc.mk
include tests/icarus/icarus.mk
include rtl/synth.mk
include tests/formal/formal.mk
include tests/check-html.mk
include tests/fuzz/fuzz.mk

.PHONY: all run test asan asan-clang fuzz fuzz-smoke bench deps traces clean cosim studies deps-order install uninstall install-check man-sync unit-files
all: $(BUILD)/stasim $(BUILD)/stasim-sc

run: $(BUILD)/stasim
	@echo "-- RUN: $(DEFAULT_TRACE) on $(DEFAULT_CONFIG) --"
	$(BUILD)/stasim run -c $(DEFAULT_CONFIG) -t $(DEFAULT_TRACE)

test: $(BUILD)/stasim $(addprefix $(BUILD)/tests/,$(TEST_NAMES)) sc-test cosim-sde-lint cosim-sde-quick icarus-sde-quick cosim-smx-quick cosim-vec-lint cosim-vec-quick cosim-gate-lint cosim-gate-quick icarus-smx-quick icarus-mutants formal rtl-recipe deps-order man-sync install-check unit-files fuzz-smoke
	@echo "-- TEST --"
	@STASIM_BIN=$(BUILD)/stasim sh tests/run-suites.sh $(BUILD)/tests $(BUILD)/test-results $(TEST_NAMES)

# The suites of a sanitized flavour's directory $(1), leaks and UB fatal.
define sanitized_suites
@STASIM_BIN=$(1)/stasim STASIM_SLOW=1 \
 ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
 sh tests/run-suites.sh $(1)/tests $(1)/test-results $(TEST_NAMES)
endef

asan: $(BUILD)/asan/stasim $(addprefix $(BUILD)/asan/tests/,$(TEST_NAMES))
	@echo "-- TEST under AddressSanitizer + UBSan --"
	$(call sanitized_suites,$(BUILD)/asan)

asan-clang: $(BUILD)/asan-clang/stasim $(addprefix $(BUILD)/asan-clang/tests/,$(TEST_NAMES))
	@echo "-- TEST under clang's AddressSanitizer + UBSan --"
	$(call sanitized_suites,$(BUILD)/asan-clang)

cosim: cosim-sde-lint cosim-sde cosim-smx-quick cosim-vec-lint cosim-vec-quick cosim-gate-lint cosim-gate-quick icarus-smx-quick

bench: $(BUILD)/stasim $(BUILD)/stasim-sc $(COSIM_SDE_BIN)
	@echo "-- BENCH --"
	@sh tests/bench.sh $(BUILD)/stasim $(BUILD)

# The shipped design-space studies and their tables and plots (docs/studies/).
studies: $(BUILD)/stasim
	@echo "-- STUDIES --"
	@sh tests/studies.sh $(BUILD)/stasim $(BUILD)

traces: $(BUILD)/stasim
	$(BUILD)/stasim trace bert-base --seq 128 --nm 2:4 -o $(DEFAULT_TRACE)
	$(BUILD)/stasim trace vit-b16 --nm 2:4 -o traces/vit-b16-2of4.trace.gz
	$(BUILD)/stasim trace deit-tiny --nm 2:4 -o traces/deit-tiny-2of4.trace.gz
	$(BUILD)/stasim trace m3vit-tiny --nm 2:4 -o traces/m3vit-tiny-2of4.trace.gz
	for m in vit-b16 m3vit-tiny; do for nm in 1:1 1:4 2:4 2:8 4:8; do \
	  $(BUILD)/stasim trace $$m --nm $$nm -o traces/nm/$$m-$$(echo $$nm | sed 's/:/of/').trace.gz; \
	done; done

deps:
	@missing=""; for p in $(PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then echo "deps: all present"; exit 0; fi; \
	echo "deps: installing$$missing"; \
	if [ "$$(id -u)" -eq 0 ]; then SUDO=""; else SUDO=sudo; fi; \
	$$SUDO apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing

# Installed layout: the tool finds its data relative to its own binary
# (BINDIR/../share/stasim), so PREFIX and DESTDIR stay relocatable.
PREFIX  ?= /usr/local
BINDIR  := $(PREFIX)/bin
MANDIR  := $(PREFIX)/share/man/man1
DATADIR := $(PREFIX)/share/stasim
INSTALL ?= install
# what goes under DATADIR, as in the source tree
DATA_FILES := $(wildcard configs/*.ini configs/energy/*.ini configs/sweeps/*.ini configs/area/*.tsv \
                traces/*.trace.gz traces/nm/*.trace.gz traces/scalesim/*)

install: $(BUILD)/stasim $(BUILD)/stasim-sc
	@echo "-- INSTALL into $(DESTDIR)$(PREFIX) --"
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)
	$(INSTALL) -m 755 $(BUILD)/stasim $(BUILD)/stasim-sc $(DESTDIR)$(BINDIR)/
	$(INSTALL) -m 644 docs/stasim.1 $(DESTDIR)$(MANDIR)/stasim.1
	$(INSTALL) -m 644 docs/stasim.1 $(DESTDIR)$(MANDIR)/stasim-sc.1
	@for f in $(DATA_FILES); do \
	  $(INSTALL) -D -m 644 $$f $(DESTDIR)$(DATADIR)/$$f || exit 1; done
	@echo "installed: $(BINDIR)/stasim, $(BINDIR)/stasim-sc, $(MANDIR)/stasim.1, $(DATADIR)/"

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/stasim $(DESTDIR)$(BINDIR)/stasim-sc \
	      $(DESTDIR)$(MANDIR)/stasim.1 $(DESTDIR)$(MANDIR)/stasim-sc.1
	rm -rf $(DESTDIR)$(DATADIR)

# Each registered unit's files are found by its name (docs/architecture.md).
unit-files:
	@sh tests/unit-files.sh

# The man page lists every option every command's --help lists.
man-sync: $(BUILD)/stasim $(BUILD)/stasim-sc
	@sh tests/man-sync.sh $(BUILD)

# make install into a scratch DESTDIR; the installed tool finds its tables.
install-check: $(BUILD)/stasim $(BUILD)/stasim-sc
	@sh tests/install-check.sh $(BUILD)

# Regression guard: with packages missing, deps runs before any compile.
# (Not $(MAKE) in the recipe: make runs such a line even under -n, and the
# script's own `make -n test` would then recurse into itself.)
deps-order:
	@sh tests/deps-order.sh

clean:
	rm -rf $(BUILD)

# Every rule that runs a compiler, Verilator or Icarus waits for `deps` on a
# machine that lacks them: the cosim parameter stamps all hang off
# cosim-force, and the lint targets call Verilator directly.
cosim-force cosim-sde-lint cosim-smx-lint cosim-vec-lint cosim-gate-lint: | $(NEED_DEPS)
