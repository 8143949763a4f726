#!/bin/bash
# Quick parser comparison outside package-benchmark: SIPCore's parser at HEAD and at a BEFORE revision, and
# libosip2, timed in one process each on the benchmark INVITE (p50 of per-call clock_gettime), with malloc,
# calloc and realloc calls counted by interposing them (count.c). Needs the release build of the benchmark
# package's dependencies (run `swift package --disable-sandbox benchmark` once in Benchmarks/) and libosip2-dev.
# Usage (from the repository root): bash Benchmarks/scripts/parser-quick/run.sh [BEFORE-REV]
set -euo pipefail
root=$(pwd)
before=${1:-11c33c8}
here=$root/Benchmarks/scripts/parser-quick
work=$(mktemp -d)
R=$root/Benchmarks/.build/x86_64-unknown-linux-gnu/release
MM=()
for m in "$R"/*.build/module.modulemap $(find "$root/Benchmarks/.build/checkouts/swift-atomics" -name module.modulemap); do
    MM+=(-Xcc "-fmodule-map-file=$m")
done
mapfile -t OBJS < <(find "$R/NIOCore.build" "$R/_NIODataStructures.build" "$R/_NIOBase64.build" "$R/CNIOLinux.build" \
    "$R/NIOConcurrencyHelpers.build" "$R/CNIOAtomics.build" "$R/_AtomicsShims.build" "$R/Atomics.build" \
    "$R/DequeModule.build" "$R/InternalCollectionsUtilities.build" "$R/CNIOWindows.build" "$R/CNIODarwin.build" \
    "$R/CNIOWASI.build" "$R/CNIOOpenBSD.build" "$R/CNIOFreeBSD.build" -name '*.o')
clang -O2 -c "$here/count.c" -o "$work/count.o"
clang -O2 -c "$root/Benchmarks/Sources/COsip/cosip.c" -I "$root/Benchmarks/Sources/COsip/include" -o "$work/cosip.o"
mkdir -p "$work/new" "$work/old"
cp "$root"/Sources/SIPCore/{Message,Parser,Headers,URI}/*.swift "$work/new/"
git archive "$before" Sources/SIPCore/Message Sources/SIPCore/Parser Sources/SIPCore/Headers Sources/SIPCore/URI \
    | tar -x -C "$work/old"
mv "$work"/old/Sources/SIPCore/*/*.swift "$work/old/"
for v in new old; do
    swiftc -O -wmo -package-name quick -module-name Quick$v -I "$R/Modules" "${MM[@]}" "$here/main.swift" \
        "$work/$v"/*.swift -o "$work/run-$v" "${OBJS[@]}" "$work/count.o" "$work/cosip.o" -losipparser2
done
for round in 1 2 3; do
    echo "round $round"
    echo -n "before ($before) "; "$work/run-old" sip 5000
    echo -n "after (HEAD) "; "$work/run-new" sip 20000
    echo -n "libosip2 "; "$work/run-new" osip 10000
    echo -n "serialize, before "; "$work/run-old" ser 20000
    echo -n "serialize, after "; "$work/run-new" ser 20000
done
rm -rf "$work"
