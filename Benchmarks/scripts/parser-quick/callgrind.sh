#!/bin/bash
# Instructions per parse of the benchmark INVITE, counted by valgrind's callgrind (exact and unaffected by other
# load on the machine, unlike the timings of run.sh). The harness of run.sh is built from the working tree with
# -O against a release build of NIOCore (Benchmarks/.build after `swift package benchmark`, or the root package's
# .build after `swift build -c release --target NIOCore`), run for 1000 and for 3000 parses, and the difference
# divided by 2000, so start-up and warm-up cancel out. With --annotate the per-function profile of the longer
# run is printed too. Needs valgrind and libosip2-dev (the harness links it, though only "sip" mode runs here).
# Usage (from the repository root): bash Benchmarks/scripts/parser-quick/callgrind.sh [--annotate] [MODE]
set -euo pipefail
annotate=no
if [ "${1:-}" = --annotate ]; then annotate=yes; shift; fi
mode=${1:-sip}
root=$(pwd)
here=$root/Benchmarks/scripts/parser-quick
package=$root/Benchmarks
[ -d "$package/.build/x86_64-unknown-linux-gnu/release/NIOCore.build" ] || package=$root
R=$package/.build/x86_64-unknown-linux-gnu/release
work=$(mktemp -d)
MM=()
for m in "$R"/*.build/module.modulemap; do MM+=(-Xcc "-fmodule-map-file=$m"); done
for m in $(find "$package/.build/checkouts/swift-atomics" -name module.modulemap); do
    MM+=(-Xcc "-fmodule-map-file=$m")
done
mapfile -t OBJS < <(find "$R/NIOCore.build" "$R/_NIODataStructures.build" "$R/_NIOBase64.build" "$R/CNIOLinux.build" \
    "$R/NIOConcurrencyHelpers.build" "$R/CNIOAtomics.build" "$R/_AtomicsShims.build" "$R/Atomics.build" \
    "$R/DequeModule.build" "$R/InternalCollectionsUtilities.build" "$R/CNIOWindows.build" "$R/CNIODarwin.build" \
    "$R/CNIOWASI.build" "$R/CNIOOpenBSD.build" "$R/CNIOFreeBSD.build" -name '*.o' 2>/dev/null)
clang -O2 -c "$here/count.c" -o "$work/count.o"
clang -O2 -c "$root/Benchmarks/Sources/COsip/cosip.c" -I "$root/Benchmarks/Sources/COsip/include" -o "$work/cosip.o"
mkdir -p "$work/src"
cp "$root"/Sources/SIPCore/{Message,Parser,Headers,URI}/*.swift "$work/src/"
swiftc -O -wmo -package-name quick -module-name QuickNow -I "$R/Modules" "${MM[@]}" "$here/main.swift" \
    "$work/src"/*.swift -o "$work/run" "${OBJS[@]}" "$work/count.o" "$work/cosip.o" -losipparser2
# valgrind 3.19 cannot read the DWARF 5 of swiftc and of SwiftPM's objects: keep the symbol table only.
strip --strip-debug "$work/run"
count() {
    valgrind --tool=callgrind --callgrind-out-file="$work/cg.$1" "$work/run" "$mode" "$1" >/dev/null 2>"$work/vg.$1"
    sed -n "s/.*Collected : *//p" "$work/vg.$1" | tr -d ,
}
short=$(count 1000)
long=$(count 3000)
echo "$mode: $(((long - short) / 2000)) instructions per message (callgrind, $short for 1000, $long for 3000)"
if [ "$annotate" = yes ]; then
    callgrind_annotate --inclusive=no "$work/cg.3000" 2>/dev/null | swift demangle --simplified | cut -c1-200 | head -45
fi
[ -n "${KEEP:-}" ] && echo "kept $work" || rm -rf "$work"
