#!/bin/sh
# A fresh machine must install its packages before anything compiles.
# Dry-runs `make run` and `make test` with the dependency probe forced to
# "missing" (HAVE_DEPS=) and checks that the `deps` recipe (apt-get) comes
# before the first compiler, Verilator or Icarus command.  Regression guard
# for a Makefile that named $(NEED_DEPS) before defining it.
# usage: deps-order.sh [MAKE]
mk=${1:-make}
fail=0
for goal in run test; do
  out=$(env -u MAKEFLAGS -u MAKELEVEL $mk -n -B HAVE_DEPS= "$goal" 2>&1)
  dep=$(printf '%s\n' "$out" | grep -n 'apt-get install' | head -n 1 | cut -d: -f1)
  cc=$(printf '%s\n' "$out" | grep -nE '^[[:space:]]*(cc|gcc|clang|g\+\+|c\+\+|verilator|iverilog)[[:space:]]' |
       head -n 1 | cut -d: -f1)
  if [ -z "$dep" ] || [ -z "$cc" ] || [ "$dep" -ge "$cc" ]; then
    echo "deps-order: make $goal with packages missing compiles before installing them" \
         "(apt-get at line '${dep:-none}', first compile at line '${cc:-none}')"
    fail=1
  else
    echo "deps-order: make $goal installs packages (line $dep) before the first compile (line $cc)"
  fi
done
exit $fail
