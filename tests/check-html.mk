# tests/check-html.mk - the HTML report rendered in a real browser
# (tests/check-html.sh): headless Chromium from Debian, installed by this
# target only (it is large, and `make test` checks the page's structure
# without it). Included by the top Makefile:
#   make check-html     about 10 s once Chromium is installed

CHROMIUM_DEPS := $(if $(shell command -v chromium),,check-html-deps)

.PHONY: check-html check-html-deps

$(BUILD)/png_ink: tests/png_ink.c | $(NEED_DEPS)
	$(CC) -O2 -Wall -Wextra -o $@ $< -lz

check-html: $(BUILD)/stasim $(BUILD)/png_ink | $(CHROMIUM_DEPS)
	@echo "-- CHECK-HTML: the HTML report in headless Chromium --"
	@sh tests/check-html.sh $(BUILD)/stasim $(BUILD)/png_ink $(BUILD)/check-html

check-html-deps:
	@echo "check-html-deps: installing chromium"; \
	if [ "$$(id -u)" -eq 0 ]; then SUDO=""; else SUDO=sudo; fi; \
	$$SUDO apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends chromium
