#!/usr/bin/env bash
# Times ConferenceMixer ticks (N = 3, 10, 100, 1000 at 8, 16 and 48 kHz, K = 4, scalar and SIMD kernels) without
# building the benchmark package: compiles Sources/Mixer with mixer-tick.swift (swiftc -O -wmo) and runs it.
# Usage: mixer-tick.sh   (env: TICKS=50 per round, ROUNDS=15; the fastest and the median round are printed)
# Allocation counts come from the package-benchmark suite ("Mixer: room tick ..."), not from here.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
cp "$ROOT/Benchmarks/scripts/mixer-tick.swift" "$OUT/main.swift"  # top-level code must live in main.swift
swiftc -O -wmo -module-name MixerTick -o "$OUT/mixer-tick" \
    $(find "$ROOT/Sources/Mixer" -name '*.swift') "$OUT/main.swift"
echo "loadavg $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
"$OUT/mixer-tick"
