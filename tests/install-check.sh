#!/bin/sh
# `make install` into a scratch DESTDIR, then use the installed tool as a
# user would, from a folder outside the source tree: its man page, an empty
# config and a copied config must find the INSTALLED energy tables (the
# source tree's would also work, so the resolved path is what is checked).
# usage: install-check.sh BUILD_DIR
set -u
b=$(cd "${1:-build}" && pwd -P)
d=$b/install-check
rm -rf "$d" && mkdir -p "$d/work" || exit 1
fail() { echo "install-check: $*"; exit 1; }
make -s --no-print-directory install BUILD="$b" DESTDIR="$d/root" PREFIX=/opt/stasim \
	>"$d/install.log" 2>&1 || fail "make install failed ($d/install.log)"
p=$d/root/opt/stasim
for f in bin/stasim bin/stasim-sc share/man/man1/stasim.1 \
	 share/stasim/configs/sta-default.ini share/stasim/configs/energy/horowitz45-lpddr4.ini \
	 share/stasim/traces/deit-tiny-2of4.trace.gz; do
	[ -f "$p/$f" ] || fail "$f not installed"
done
man -l "$p/share/man/man1/stasim.1" >/dev/null 2>&1 ||
	[ ! -x /usr/bin/man ] || fail "the installed man page does not render"
cd "$d/work" || exit 1
: > empty.ini
cp "$p/share/stasim/configs/edge-small.ini" copied.ini
for c in empty.ini copied.ini; do
	"$p/bin/stasim" config -c "$c" > "$c.out" 2>&1 || fail "config -c $c: $(head -n 1 "$c.out")"
	grep -q "^table = $p/share/stasim/configs/energy/" "$c.out" ||
		fail "config -c $c does not use the installed energy table: $(grep '^table' "$c.out")"
	"$p/bin/stasim" run -c "$c" -t "$p/share/stasim/traces/deit-tiny-2of4.trace.gz" \
		--format csv > "$c.csv" 2>&1 || fail "run -c $c failed: $(head -n 1 "$c.csv")"
done
make -s --no-print-directory -C "$OLDPWD" uninstall DESTDIR="$d/root" PREFIX=/opt/stasim \
	>/dev/null 2>&1 || fail "make uninstall failed"
[ -e "$p/bin/stasim" ] || [ -e "$p/share/stasim" ] && fail "uninstall left files behind"
rm -rf "$d"
echo "install-check: installed under a DESTDIR, ran an empty and a copied config on the installed tables, uninstalled"
